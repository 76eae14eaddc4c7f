"""``columns.toml``: an export's own column names and value labels, mapped onto the contract's.

A data folder may hold a ``columns.toml`` beside its tables::

    [tickets.columns]            # the export's column name = the contract's
    "解决时长(小时)" = "resolution_hours"

    [tickets.values.first_contact_resolved]   # the export's value = the contract's
    "是" = true
    "否" = false

Column names are matched exactly (surrounding spaces aside), values after the cell's surrounding white space
is stripped; a value the map does not name is read as it is. Nothing in the user's files changes: the map
is applied in memory, and messages name the export's column with the contract's name beside it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .columns import _Source
from .errors import DataError

MAPPING_FILE = "columns.toml"


@dataclass
class _TableMap:
    """One table's part of columns.toml."""

    columns: dict[str, str] = field(default_factory=dict)  # the export's column name -> the contract's
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column -> {export's: contract's}


def _value_text(value: object) -> str | None:
    """A mapped value as the text a CSV cell would hold; None if TOML gave something no cell holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return None


def _read_mapping(path: Path, specs: dict[str, dict]) -> dict[str, _TableMap]:
    """The folder's columns.toml, checked against the contract: every table, column and value it names."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise DataError(f"{path}: the file is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise DataError(f"{path}: not valid TOML ({error}); write keys with quotes, as in "
                        "\"解决时长(小时)\" = \"resolution_hours\"") from None
    maps = {}
    for table, entry in data.items():
        if table not in specs:
            raise DataError(f"{path}, [{table}]: '{table}' is not a table of the contract; write one of: "
                            f"{', '.join(specs)}")
        names = [spec_field["name"] for spec_field in specs[table]["fields"]]
        unknown = [key for key in entry if key not in ("columns", "values")] if isinstance(entry, dict) else [table]
        if unknown:
            raise DataError(f"{path}, [{table}], key '{unknown[0]}': not a part of the map; write [{table}.columns] "
                            f"or [{table}.values.<column>]")
        maps[table] = _TableMap(_column_map(path, table, entry.get("columns", {}), names),
                                _value_maps(path, table, entry.get("values", {}), names))
    return maps


def _column_map(path: Path, table: str, columns: object, names: list[str]) -> dict[str, str]:
    if not isinstance(columns, dict):
        raise DataError(f"{path}, [{table}], key 'columns': write a table [{table}.columns] of "
                        "\"export's column\" = \"contract's column\"")
    mapped: dict[str, str] = {}
    for label, name in columns.items():
        if not isinstance(name, str) or name not in names:
            raise DataError(f"{path}, [{table}.columns], key '{label}': {name!r} is not a column of {table}; write "
                            f"one of: {', '.join(names)}")
        other = next((key for key, target in mapped.items() if target == name), None)
        if other is not None:
            raise DataError(f"{path}, [{table}.columns], key '{label}': '{name}' is already the name of '{other}'; "
                            "map one column of the export to each column of the contract")
        mapped[label.strip()] = name
    return mapped


def _value_maps(path: Path, table: str, values: object, names: list[str]) -> dict[str, dict[str, str]]:
    if not isinstance(values, dict):
        raise DataError(f"{path}, [{table}], key 'values': write a table [{table}.values.<column>] of "
                        "\"export's value\" = contract's value")
    maps = {}
    for name, labels in values.items():
        if name not in names:
            raise DataError(f"{path}, [{table}.values], key '{name}': not a column of {table}; write one of: "
                            f"{', '.join(names)}")
        if not isinstance(labels, dict):
            raise DataError(f"{path}, [{table}.values], key '{name}': write a table [{table}.values.{name}] of "
                            "\"export's value\" = contract's value")
        maps[name] = {}
        for label, value in labels.items():
            text = _value_text(value)
            if text is None or not label.strip():
                problem = "a blank cell stays blank" if not label.strip() else f"{value!r} is not a cell's value"
                raise DataError(f"{path}, [{table}.values.{name}], key '{label}': {problem}; write a text, a "
                                "number or true/false")
            maps[name][label.strip()] = text
    return maps


def _renamed(where: str | Path, labels: list[str], table_map: _TableMap | None, names: list[str]) -> list[str]:
    """The header's labels with the export's names replaced by the contract's, as columns.toml says."""
    if table_map is None or not table_map.columns:
        return labels
    renamed = [table_map.columns.get(label, label) for label in labels]
    for label, name in table_map.columns.items():
        if label in labels and name in labels:
            raise DataError(f"{where}, row 1, column '{name}': the header has '{name}' and '{label}', which "
                            f"{MAPPING_FILE} maps to '{name}' too; delete one, or the line of {MAPPING_FILE}")
    for name in names:
        if name not in renamed:
            sources = [label for label, target in table_map.columns.items() if target == name]
            if sources:
                raise DataError(f"{where}, row 1, column '{name}': column missing from the header: {MAPPING_FILE} "
                                f"maps '{sources[0]}' to it, but the header has no '{sources[0]}'; fix the name in "
                                f"the header or in {MAPPING_FILE}")
    return renamed


def _apply_values(source: _Source, table_map: _TableMap | None) -> _Source:
    """The source with the export's column names noted (for messages) and its value labels mapped."""
    if table_map is None:
        return source
    source.labels = {name: label for label, name in table_map.columns.items()}
    for name, values in table_map.values.items():
        column = source.columns[name]
        column.remap(np.array([values.get(value, value) for value in column.values.tolist()], dtype=object))
    return source
