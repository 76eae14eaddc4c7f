"""Read the company's tables from a data folder, validated against the data contract.

Every notebook reads data through :func:`load_tables`. Files are read as spreadsheets export them:
UTF-8 with or without a byte-order mark, or GBK/GB18030 (Chinese Excel); comma- or tab-separated;
dates as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日, timestamps with a space or a T and with
or without seconds. The files are only ever read: normalising happens on a temporary copy.

Bad input raises :class:`DataError`, whose one-line message names the user's file, the row (counted
as a spreadsheet does, header = row 1) and the column.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from frictionless import Dialect, Package, Resource, Schema

from .schema import TABLES, table_schema

UTF8_BOM = b"\xef\xbb\xbf"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")
ACCEPTED_DATES = "YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日"


class DataError(ValueError):
    """A data file breaks the contract; the message says where and how to fix it."""


@dataclass
class _Source:
    """One user file, decoded and split into rows; `rows[0]` is the header."""

    path: Path
    rows: list[list[str]]

    @property
    def header(self) -> list[str]:
        return [label.strip() for label in self.rows[0]]


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


def _decode(path: Path, raw: bytes) -> str:
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")  # a superset of GBK, what Chinese Excel writes
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        raise DataError(f"{path}, row {row}: the file is not text in UTF-8 or GBK/GB18030; if it is an Excel "
                        "workbook, save it as 'CSV UTF-8' and retry") from None


def _read(path: Path, spec: dict, what: str) -> _Source:
    """Decode and split one file, failing early and precisely on problems the validator reports vaguely."""
    if not path.is_file():
        raise DataError(f"{path}: file not found; {what} is required")
    text = _decode(path, path.read_bytes())
    if not text.strip():
        raise DataError(f"{path}: the file is empty; expected a header row with {_expected(spec)}")
    first_line = text.splitlines()[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    source = _Source(path, list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    missing = [field["name"] for field in spec["fields"] if field["name"] not in source.header]
    if missing:
        hint = " (is it separated by ';'? use commas or tabs)" if len(source.header) == 1 else ""
        raise DataError(f"{path}, row 1, column '{missing[0]}': column missing from the header{hint}; "
                        f"expected {_expected(spec)}")
    if not any(any(cell.strip() for cell in row) for row in source.rows[1:]):
        raise DataError(f"{path}, row 2: the file has a header but no data rows")
    return source


def _expected(spec: dict) -> str:
    return "columns " + ", ".join(field["name"] for field in spec["fields"])


def _parse_stamp(value: str, with_time: bool) -> str | None:
    """A date (or timestamp) in an accepted format, as ISO text; None if it is in none of them."""
    formats = [f"{day} {time}" for day in DATE_FORMATS for time in TIME_FORMATS] if with_time else DATE_FORMATS
    for candidate in (value, value.replace("T", " ")) if with_time else (value,):
        for pattern in formats:
            try:
                parsed = datetime.strptime(candidate, pattern)
            except ValueError:
                continue
            return parsed.strftime("%Y-%m-%dT%H:%M:%S" if with_time else "%Y-%m-%d")
    return None


def _normalised_rows(source: _Source, spec: dict) -> list[list[str]]:
    """Rows with dates and timestamps rewritten as ISO text; values in no accepted format are left for the validator."""
    kinds = {field["name"]: field["type"] for field in spec["fields"] if field["type"] in ("date", "datetime")}
    positions = {position: kinds[label] for position, label in enumerate(source.header) if label in kinds}
    rows = [source.header]
    for row in source.rows[1:]:
        row = [cell.strip() for cell in row]
        for position, kind in positions.items():
            if position < len(row) and row[position]:
                value = row[position]
                pattern = ISO_DATETIME if kind == "datetime" else ISO_DATE
                if not pattern.match(value):
                    row[position] = _parse_stamp(value, kind == "datetime") or value
        rows.append(row)
    return rows


def _stage(source: _Source, spec: dict, folder: Path, name: str) -> Resource:
    """Write the normalised copy into `folder` and describe it; the schema follows the file's column order."""
    staged = folder / f"{name}.csv"
    with staged.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(_normalised_rows(source, spec))
    schema = table_schema(spec)
    known = {field["name"]: field for field in schema["fields"]}
    schema["fields"] = [known.get(label, {"name": label, "type": "any"}) for label in source.header]
    return Resource(
        name=name, path=staged.name, basepath=str(folder), format="csv", encoding="utf-8",
        schema=Schema.from_descriptor(schema),
        # Blank lines, often trailing ones from spreadsheets, are harmless: pandas skips them too.
        dialect=Dialect(skip_blank_rows=True),
    )


def _describe(error, fields: list[dict]) -> str:
    """One clause saying what is wrong with a cell or row, from a frictionless error."""
    kind = error.type
    if kind == "type-error":
        field = next(f for f in fields if f["name"] == error.field_name)
        if field["type"] == "date":
            return f"value '{error.cell}' is not a date; write dates as {ACCEPTED_DATES}"
        if field["type"] == "datetime":
            return f"value '{error.cell}' is not a date and time; write them as YYYY-MM-DD HH:MM(:SS)"
        article = "an" if field["type"][0] in "aeiou" else "a"
        return f"value '{error.cell}' is not {article} {field['type']}"
    if kind == "constraint-error":
        field = next(f for f in fields if f["name"] == error.field_name)
        return _constraint_clause(error.cell, error.note, field["constraints"])
    if kind in ("unique-error", "primary-key"):
        return f"duplicate key: {error.note}"
    if kind == "foreign-key":
        return f"refers to a row that does not exist: {error.note}"
    if kind == "missing-cell":
        return "the row has fewer values than the header"
    if kind == "extra-cell":
        return "the row has more values than the header"
    return error.message


def _constraint_clause(cell: str, note: str, constraints: dict) -> str:
    rule = note.split('"')[1] if '"' in note else ""
    if rule == "required":
        return "the value is missing and the column is required"
    if rule == "enum":
        allowed = constraints["enum"]
        if len(allowed) > 8:  # long lists (such as rubric statement ids) are summarised
            return f"value '{cell}' is not one of the {len(allowed)} allowed values ({', '.join(allowed[:3])}, …)"
        return f"value '{cell}' is not one of: " + ", ".join(allowed)
    if rule in ("minimum", "maximum"):
        side = "below the minimum" if rule == "minimum" else "above the maximum"
        return f"value '{cell}' is {side} {constraints[rule]}"
    return f"value '{cell}' breaks the rule {note}"


def _raise_first_error(report, paths: dict[str, Path], specs: dict[str, dict]) -> None:
    for task in report.tasks:
        if task.valid:
            continue
        error = task.errors[0]
        where = f"{paths[task.name]}, row {getattr(error, 'row_number', '?')}"
        column = getattr(error, "field_name", None)
        if column is None and error.type == "foreign-key":
            column = error.note.split('"')[1] if '"' in error.note else None
        if column:
            where += f", column '{column}'"
        raise DataError(f"{where}: {_describe(error, specs[task.name]['fields'])}")


def _to_frame(path: Path, spec: dict) -> pd.DataFrame:
    """Typed DataFrame from a validated, normalised copy: contract columns only, in contract order."""
    fields = spec["fields"]
    names = [field["name"] for field in fields]
    frame = pd.read_csv(path, usecols=names, dtype=str, keep_default_na=False)[names]
    for field in fields:
        column = frame[field["name"]].replace("", None)
        kind = field["type"]
        if kind == "integer":
            frame[field["name"]] = pd.to_numeric(column).astype("int64" if field["constraints"]["required"] else "Int64")
        elif kind == "number":
            frame[field["name"]] = pd.to_numeric(column).astype("float64")
        elif kind == "boolean":
            frame[field["name"]] = column.str.lower().isin(["true", "1"])
        elif kind == "date":
            frame[field["name"]] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "datetime":
            frame[field["name"]] = pd.to_datetime(column, format=field["format"])
        else:
            frame[field["name"]] = column.astype("string")
    return frame


def _load(sources: dict[str, tuple[_Source, dict]]) -> dict[str, pd.DataFrame]:
    """Validate sources together (so foreign keys are checked) and return their typed frames."""
    with tempfile.TemporaryDirectory(prefix="valuekit-") as scratch:
        folder = Path(scratch)
        package = Package(resources=[_stage(source, spec, folder, name) for name, (source, spec) in sources.items()])
        paths = {name: source.path for name, (source, _spec) in sources.items()}
        _raise_first_error(package.validate(limit_errors=1), paths, {name: spec for name, (_s, spec) in sources.items()})
        return {name: _to_frame(folder / f"{name}.csv", spec) for name, (_source, spec) in sources.items()}


def load_tables(data_dir: str | Path, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Validate and load tables from ``data_dir``; all tables of the contract if ``names`` is None.

    Tables referenced by a foreign key are validated too, so a lead whose rep
    does not exist is caught. Raises DataError on the first problem found.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found")
    wanted = list(TABLES) if names is None else list(names)
    unknown = [name for name in wanted if name not in TABLES]
    if unknown:
        raise DataError(f"unknown table '{unknown[0]}'; the contract has: {', '.join(TABLES)}")
    sources = {
        name: (_read(folder / f"{name}.csv", TABLES[name], f"table '{name}' (see data/README.md)"), TABLES[name])
        for name in _dependencies(wanted)
    }
    frames = _load(sources)
    return {name: frames[name] for name in wanted}


def load_csv(path: str | Path, spec: dict) -> pd.DataFrame:
    """Validate and load one CSV file against a table spec (fields and primary key, as in schema.TABLES)."""
    path = Path(path)
    return _load({"file": (_read(path, spec, "this file"), spec)})["file"]
