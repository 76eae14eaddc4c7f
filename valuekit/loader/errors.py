"""The loader's one error, and how a message names the place: file, row, column."""

from __future__ import annotations

from pathlib import Path


class DataError(ValueError):
    """A data file breaks the contract; the message says where and how to fix it."""


def _where(path: Path, row: int | str | None = None, column: str | tuple[str, str] | None = None) -> str:
    where = str(path)
    if row is not None:
        where += f", row {row}"
    if isinstance(column, tuple):  # (the export's name, the contract's) of a column columns.toml renamed
        where += f", column '{column[0]}' (mapped to {column[1]})"
    elif column is not None:
        where += f", column '{column}'" if not column.startswith("#") else f", column {column[1:]}"
    return where


def _expected(spec: dict) -> str:
    return "columns " + ", ".join(field["name"] for field in spec["fields"])
