"""Read the company's tables from a data folder, validated against the data contract.

Every notebook reads data through :func:`load_tables`. Files are only ever
read, never written. Bad input raises :class:`DataError`, whose one-line
message names the file, the row (counted as a spreadsheet does, header = row 1)
and the column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from frictionless import Dialect, Package, Resource, Schema

from .schema import TABLES, table_schema

UTF8_BOM = b"\xef\xbb\xbf"


class DataError(ValueError):
    """A data file breaks the contract; the message says where and how to fix it."""


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


def _column_at(line_prefix: bytes, header: list[str]) -> str:
    position = line_prefix.decode("utf-8", errors="replace").count(",")
    return header[position] if position < len(header) else f"#{position + 1}"


def _decode(path: Path, raw: bytes) -> str:
    body = raw[len(UTF8_BOM):] if raw.startswith(UTF8_BOM) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        row = body[: error.start].count(b"\n") + 1
        line_start = body.rfind(b"\n", 0, error.start) + 1
        header = body.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
        column = _column_at(body[line_start: error.start], header)
        try:
            body.decode("gb18030")
            hint = "it looks like GBK/GB18030 (a Chinese Excel export); save it as 'CSV UTF-8' and retry"
        except UnicodeDecodeError:
            hint = "save it as 'CSV UTF-8' and retry"
        raise DataError(f"{path}, row {row}, column '{column}': the file is not UTF-8 text; {hint}") from None


def _check_file(path: Path, spec: dict, what: str) -> list[str]:
    """Fail early, with a precise message, on problems the validator reports vaguely; return the header."""
    if not path.is_file():
        raise DataError(f"{path}: file not found; {what} is required")
    text = _decode(path, path.read_bytes())
    lines = text.splitlines()
    if not text.strip():
        raise DataError(f"{path}: the file is empty; expected a header row with {_expected(spec)}")
    header = [label.strip() for label in lines[0].split(",")]
    missing = [field["name"] for field in spec["fields"] if field["name"] not in header]
    if missing:
        hint = " (is it separated by ';' or tabs? use commas)" if len(header) == 1 else ""
        raise DataError(f"{path}, row 1, column '{missing[0]}': column missing from the header{hint}; "
                        f"expected {_expected(spec)}")
    if not any(line.strip() for line in lines[1:]):
        raise DataError(f"{path}, row 2: the file has a header but no data rows")
    return header


def _expected(spec: dict) -> str:
    return "columns " + ", ".join(field["name"] for field in spec["fields"])


def _resource(path: Path, name: str, spec: dict, header: list[str]) -> Resource:
    """A resource whose schema follows the file's own column order; extra columns are accepted as-is."""
    schema = table_schema(spec)
    known = {field["name"]: field for field in schema["fields"]}
    schema["fields"] = [known.get(label, {"name": label, "type": "any"}) for label in header]
    encoding = "utf-8-sig" if path.read_bytes().startswith(UTF8_BOM) else "utf-8"
    return Resource(
        name=name, path=path.name, basepath=str(path.parent), format="csv", encoding=encoding,
        schema=Schema.from_descriptor(schema),
        # Blank lines, often trailing ones from spreadsheets, are harmless: pandas skips them too.
        dialect=Dialect(skip_blank_rows=True),
    )


def _describe(error, fields: list[dict]) -> str:
    """One clause saying what is wrong with a cell or row, from a frictionless error."""
    kind = error.type
    if kind == "type-error":
        field = next(f for f in fields if f["name"] == error.field_name)
        expected = field["type"] + (f" in the form {field['format']}" if "format" in field else "")
        if field["type"] == "date":
            expected = "date in the form YYYY-MM-DD"
        article = "an" if expected[0] in "aeiou" else "a"
        return f"value '{error.cell}' is not {article} {expected}"
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
        return f"value '{cell}' is not one of: " + ", ".join(constraints["enum"])
    if rule in ("minimum", "maximum"):
        side = "below the minimum" if rule == "minimum" else "above the maximum"
        return f"value '{cell}' is {side} {constraints[rule]}"
    return f"value '{cell}' breaks the rule {note}"


def _raise_first_error(report, paths: dict[str, Path], specs: dict[str, dict]) -> None:
    for task in report.tasks:
        if task.valid:
            continue
        error = task.errors[0]
        path = paths[task.name]
        where = f"{path}, row {getattr(error, 'row_number', '?')}"
        column = getattr(error, "field_name", None)
        if column is None and error.type == "foreign-key":
            column = error.note.split('"')[1] if '"' in error.note else None
        if column:
            where += f", column '{column}'"
        raise DataError(f"{where}: {_describe(error, specs[task.name]['fields'])}")


def _to_frame(path: Path, spec: dict) -> pd.DataFrame:
    fields = spec["fields"]
    names = [field["name"] for field in fields]
    frame = pd.read_csv(path, encoding="utf-8-sig", usecols=names, dtype=str, keep_default_na=False,
                        skipinitialspace=True)
    frame = frame[names]
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
    needed = _dependencies(wanted)
    paths = {name: folder / f"{name}.csv" for name in needed}
    specs = {name: TABLES[name] for name in needed}
    headers = {
        name: _check_file(paths[name], specs[name], f"table '{name}' (see data/README.md)") for name in needed
    }
    package = Package(resources=[_resource(paths[name], name, specs[name], headers[name]) for name in needed])
    _raise_first_error(package.validate(limit_errors=1), paths, specs)
    return {name: _to_frame(paths[name], specs[name]) for name in wanted}


def load_csv(path: str | Path, spec: dict) -> pd.DataFrame:
    """Validate and load one CSV file against a table spec (fields and primary key, as in schema.TABLES)."""
    path = Path(path)
    header = _check_file(path, spec, "this file")
    resource = _resource(path, "file", spec, header)
    _raise_first_error(Package(resources=[resource]).validate(limit_errors=1), {"file": path}, {"file": spec})
    return _to_frame(path, spec)
