"""The public entry points: load_tables, present_tables, missing_columns, load_csv and change_date."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..schema import TABLES
from .bounds import BOUNDS_FILE, Bounds, _bounds_argument, _read_bounds
from .columns import _Source
from .errors import DataError
from .frames import _to_frame
from .mapping import MAPPING_FILE, _read_mapping
from .normalising import _normalise
from .reading import _header_labels, _read
from .validation import _validate
from .workbooks import OLD_WORKBOOK_SUFFIX, WORKBOOK_SUFFIX


def _dependencies(names: list[str]) -> list[str]:
    """The tables asked for plus every table their foreign keys point to, in contract order."""
    needed = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending += [fk["reference"]["resource"] for fk in TABLES[name].get("foreignKeys", [])]
    return [name for name in TABLES if name in needed]


def _load(sources: dict[str, _Source], bounds: Bounds) -> dict[str, pd.DataFrame]:
    """Validate sources together (so foreign keys are checked) and return their typed frames."""
    for source in sources.values():
        _normalise(source)
    typed = {name: _validate(source, sources, bounds) for name, source in sources.items()}
    return {name: _to_frame(source, typed[name]) for name, source in sources.items()}


TABLE_SUFFIXES = (".csv", ".parquet", WORKBOOK_SUFFIX)


def _table_file(folder: Path, name: str) -> Path:
    """The table's file: ``name.csv``, or ``name.parquet`` or ``name.xlsx`` in its place (only one of them)."""
    found = [folder / f"{name}{suffix}" for suffix in TABLE_SUFFIXES if (folder / f"{name}{suffix}").exists()]
    if len(found) > 1:
        raise DataError(f"{found[1]}: the folder holds both {found[0].name} and {found[1].name}; keep one "
                        "of the two")
    old_workbook = folder / f"{name}{OLD_WORKBOOK_SUFFIX}"
    if not found and old_workbook.is_file():
        raise DataError(f"{old_workbook}: an Excel 97-2003 workbook (.xls), which the loader does not read; save it "
                        f"as 'Excel Workbook (.xlsx)' ({name}.xlsx) or as 'CSV UTF-8' ({name}.csv)")
    return found[0] if found else folder / f"{name}.csv"


def load_tables(data_dir: str | Path, names: list[str] | None = None,
                bounds: str | Path | Mapping[str, tuple] | None = None) -> dict[str, pd.DataFrame]:
    """Validate and load tables from ``data_dir``; all tables of the contract if ``names`` is None.

    Tables referenced by a foreign key are validated too, so a lead whose rep
    does not exist is caught. Raises DataError on the first problem found.

    ``bounds`` overrides plausibility bounds: a bounds CSV (``table,column,minimum,maximum``) or a mapping
    such as ``{"approval_steps.touch_minutes": (0, 960)}`` (None keeps a bound). It takes precedence over a
    ``bounds.csv`` in the data folder, which takes precedence over the contract.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        if folder.exists():
            raise DataError(f"{folder}: this is a file, not a folder; pass the folder that holds the CSV files")
        raise DataError(f"{folder}: data folder not found")
    wanted = list(TABLES) if names is None else list(names)
    unknown = [name for name in wanted if name not in TABLES]
    if unknown:
        raise DataError(f"unknown table '{unknown[0]}'; the contract has: {', '.join(TABLES)}")
    overrides = _read_bounds(folder / BOUNDS_FILE, TABLES) if (folder / BOUNDS_FILE).is_file() else {}
    overrides.update(_bounds_argument(bounds, TABLES))
    maps = _read_mapping(folder / MAPPING_FILE, TABLES) if (folder / MAPPING_FILE).is_file() else {}
    sources = {name: _read(_table_file(folder, name), TABLES[name], f"table '{name}' (see data/README.md)", name,
                           maps.get(name)) for name in _dependencies(wanted)}
    frames = _load(sources, overrides)
    return {name: frames[name] for name in wanted}


def present_tables(data_dir: str | Path, names: list[str]) -> list[str]:
    """Those of ``names`` whose file is in ``data_dir`` and loadable: every table its keys refer to is there too.

    For a page that shows what it can from a partial folder; ``load_tables`` then validates them.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found")
    on_disk = {name for name in TABLES if any((folder / f"{name}{suffix}").is_file() for suffix in TABLE_SUFFIXES)}
    return [name for name in names if set(_dependencies([name])) <= on_disk]


def table_file(data_dir: str | Path, name: str) -> Path | None:
    """The file that holds table ``name`` in ``data_dir`` (.csv, .parquet or .xlsx), or None if there is none;
    DataError if there are two, or only an .xls."""
    path = _table_file(Path(data_dir), name)
    return path if path.is_file() else None


def missing_columns(data_dir: str | Path, name: str) -> list[str]:
    """The contract's columns that the header of table ``name``'s file in ``data_dir`` lacks (after the folder's
    columns.toml renames), all of them; raises DataError if the file is absent or cannot be read."""
    folder = Path(data_dir)
    path = _table_file(folder, name)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    maps = _read_mapping(folder / MAPPING_FILE, TABLES) if (folder / MAPPING_FILE).is_file() else {}
    renames = maps[name].columns if name in maps else {}
    labels = {renames.get(label, label) for label in _header_labels(path, name)}
    return [field["name"] for field in TABLES[name]["fields"] if field["name"] not in labels]


def load_csv(path: str | Path, spec: dict, bounds: Mapping[str, tuple] | None = None) -> pd.DataFrame:
    """Validate and load one CSV file (or .xlsx or .parquet) against a table spec (fields and primary key, as in
    schema.TABLES).

    ``bounds`` overrides the spec's plausibility bounds, as ``{"file.column": (minimum, maximum)}``.
    """
    path = Path(path)
    overrides = _bounds_argument(bounds, {"file": spec})
    return _load({"file": _read(path, spec, "this file", "file")}, overrides)["file"]


def change_date(tables: Mapping[str, pd.DataFrame], change_id: str) -> pd.Timestamp:
    """Go-live of ``change_id`` in the folder's change log (``changes.csv``, loaded into ``tables``).

    Notebooks take every company-wide change date from here, so a reader's own change log gives that
    reader's dates; a missing row is a DataError that says which row to add.
    """
    if "changes" not in tables:
        raise DataError("changes.csv: the change log was not loaded; add 'changes' to the tables you load")
    changes = tables["changes"]
    row = changes.loc[changes["change_id"] == change_id, "go_live"]
    if row.empty:
        raise DataError(f"changes.csv: no row for change_id '{change_id}'; add one with the day it went live "
                        f"(change_id,system,go_live,description: {change_id},...,YYYY-MM-DD,...)")
    return pd.Timestamp(row.iloc[0])
