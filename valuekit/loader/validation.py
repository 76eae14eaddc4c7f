"""Checking every value column by column against the contract; the lowest failing row is named."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime

import numpy as np
import pandas as pd

from .bounds import Bounds, _check_bounds, _check_rules
from .columns import _Column, _Source, _Typed
from .errors import DataError, _where
from .normalising import ACCEPTED_DATES, EXCEL_SERIAL, ISO_DATE, ISO_DATETIME, PLACEHOLDERS, _first, _matches

NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
INTEGER = r"^[+-]?\d+$"
TRUE_VALUES, FALSE_VALUES = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")


def _typed(column: _Column, spec_field: dict) -> _Typed:
    kind = spec_field["type"]
    empty = column.empty()
    if kind in ("integer", "number"):
        valid = empty | _matches(column, INTEGER if kind == "integer" else NUMBER)
        typed = np.zeros(column.size, dtype=np.int64) if kind == "integer" else np.full(column.size, np.nan)
        filled = valid & ~empty
        if filled.any():
            typed[filled] = pd.to_numeric(pd.Series(column.values[filled], dtype=object)).to_numpy()
        return _Typed(valid, typed, empty)
    if kind == "boolean":
        valid = empty | column.isin(TRUE_VALUES + FALSE_VALUES)
        return _Typed(valid, column.isin(("true", "True", "TRUE", "1")), empty)
    if kind in ("date", "datetime"):
        form = "%Y-%m-%d" if kind == "date" else spec_field["format"]
        values = column.values
        shape = _matches(column, (ISO_DATE if kind == "date" else ISO_DATETIME).pattern)
        stamps = pd.to_datetime(pd.Series(np.where(shape, values, None), dtype=object), format=form,
                                errors="coerce").to_numpy()
        valid = empty | (shape & ~np.isnat(stamps))
        for index in np.flatnonzero(shape & np.isnat(stamps)):  # outside pandas' years: a bound names them
            with contextlib.suppress(ValueError):
                datetime.strptime(values[index], form)
                valid[index] = True
        return _Typed(valid, stamps, empty)
    return _Typed(np.ones(column.size, dtype=bool), np.zeros(column.size), empty)


def _constraint_breaks(column: _Column, typed: _Typed, spec_field: dict) -> np.ndarray:
    """Per distinct value of the right type: whether it breaks one of the field's constraints."""
    constraints = spec_field["constraints"]
    broken = typed.empty & bool(constraints.get("required"))
    filled = typed.valid & ~typed.empty
    if "enum" in constraints:
        broken |= filled & ~column.isin(constraints["enum"])
    if spec_field["type"] in ("integer", "number"):
        with np.errstate(invalid="ignore"):
            if "minimum" in constraints:
                broken |= filled & (typed.values < constraints["minimum"])
            if "maximum" in constraints:
                broken |= filled & (typed.values > constraints["maximum"])
    if "pattern" in constraints:
        broken |= filled & ~_matches(column, f"^(?:{constraints['pattern']})$")
    return broken


def _type_clause(cell: str, spec_field: dict) -> str:
    kind = spec_field["type"]
    if kind == "date":
        clause = f"value '{cell}' is not a date; write dates as {ACCEPTED_DATES}"
        if EXCEL_SERIAL.match(cell):
            clause += " (this looks like an Excel serial number: format the column as a date before saving)"
        return clause
    if kind == "datetime":
        return f"value '{cell}' is not a date and time; write them as YYYY-MM-DD HH:MM(:SS)"
    article = "an" if kind[0] in "aeiou" else "a"
    clause = f"value '{cell}' is not {article} {kind}"
    if kind == "boolean":
        return clause + "; write TRUE/FALSE or 1/0"
    if kind in ("integer", "number"):
        if cell.casefold() in PLACEHOLDERS:
            return clause + "; leave the cell empty for no value" + (
                "" if not spec_field["constraints"]["required"] else ", or fill in the number (the column is required)")
        if re.search(r"\d,\d", cell):
            return clause + "; remove thousands separators and write decimals with a dot"
        if "%" in cell:
            return clause + "; write the number without '%'"
        if re.search(r"\d", cell) and re.search(r"[^\d.eE+\-]", cell):
            return clause + "; remove units, currency signs and spaces"
        if kind == "integer" and re.fullmatch(r"[+-]?\d*\.\d+", cell):
            return clause + " (a whole number)"
    return clause


def _constraint_clause(cell: str, spec_field: dict) -> str:
    """Which of the field's constraints the cell breaks, found by checking them again, not from a note."""
    constraints = spec_field["constraints"]
    if cell == "":
        return "the value is missing and the column is required"
    if "enum" in constraints and cell not in constraints["enum"]:
        allowed = constraints["enum"]
        same = [value for value in allowed if value.casefold() == cell.casefold()]
        if same:
            return f"value '{cell}' is not one of the allowed values; write '{same[0]}' (in lower case)"
        if len(allowed) > 8:  # long lists (such as rubric statement ids) are summarised
            return f"value '{cell}' is not one of the {len(allowed)} allowed values ({', '.join(allowed[:3])}, …)"
        return f"value '{cell}' is not one of: " + ", ".join(allowed)
    if spec_field["type"] in ("integer", "number"):
        number = float(cell)
        if "minimum" in constraints and number < constraints["minimum"]:
            return f"value '{cell}' is below the minimum {constraints['minimum']}"
        if "maximum" in constraints and number > constraints["maximum"]:
            return f"value '{cell}' is above the maximum {constraints['maximum']}"
    if "pattern" in constraints:
        return f"value '{cell}' does not have the form {constraints['pattern']}"
    return f"value '{cell}' breaks a constraint of the column: {constraints}"


def _key_codes(source: _Source, columns: list[str], typed: dict[str, _Typed]) -> np.ndarray | None:
    """One integer per row that is equal for rows with equal (typed) values in `columns`; None if every row's
    value in a text column is its own (an id column: no key can repeat)."""
    for name in columns:
        kind = next(field["type"] for field in source.spec["fields"] if field["name"] == name)
        if kind not in ("integer", "number") and source.columns[name].size == len(source.row_numbers):
            return None
    key = None
    for name in columns:
        column = source.columns[name]
        kind = next(field["type"] for field in source.spec["fields"] if field["name"] == name)
        per_value = np.arange(column.size)
        if kind in ("integer", "number"):  # '1' and '01' are the same number
            per_value = pd.factorize(typed[name].values, use_na_sentinel=False)[0]
        codes = per_value[column.codes].astype(np.int64)
        if key is None:
            key = codes
        else:
            key = pd.factorize(key, use_na_sentinel=False)[0].astype(np.int64) * (int(codes.max()) + 1) + codes
    return key


def _first_duplicate(key: np.ndarray | None) -> tuple[int, int] | None:
    """(row, earlier row) of the first row whose key an earlier row has, or None."""
    if key is None:
        return None
    codes, uniques = pd.factorize(key, use_na_sentinel=False)
    if len(uniques) == len(key):
        return None
    # Codes count up in order of first appearance: a row is a repeat if its code is not above all before it.
    highest = np.maximum.accumulate(codes)
    repeat = np.empty(len(codes), dtype=bool)
    repeat[0] = False
    repeat[1:] = codes[1:] <= highest[:-1]
    position = int(repeat.argmax())
    return position, int(np.argmax(codes == codes[position]))


def _duplicate_clause(source: _Source, position: int, earlier: int, columns: list[str]) -> str:
    shown = ", ".join(f"{column} '{source.cell(column, position)}'" for column in columns)
    return f"duplicate key: {shown} is also in row {source.place(earlier)}; remove one of the two rows"


def _validate(source: _Source, sources: dict[str, _Source], bounds: Bounds) -> dict[str, _Typed]:
    """Check every value of the file column by column; raise on the lowest row that breaks any check.

    Within a row, a cell's type or constraint comes first (in column order), then unique columns, the
    primary key, foreign keys, plausibility bounds and cross-field rules.
    """
    found: list[tuple[int, tuple, object]] = []  # (row position, order within the row, message maker)

    def note(position: int | None, order: tuple, message) -> None:
        if position is not None:
            found.append((position, order, message))

    fields = source.spec["fields"]
    typed = {}
    for index, spec_field in enumerate(fields):
        name = spec_field["name"]
        column = source.columns[name]
        typed[name] = values = _typed(column, spec_field)
        broken = _constraint_breaks(column, values, spec_field)
        position = _first(column.rows(~values.valid | broken))
        if position is not None:
            cell = column.text(position)
            bad_type = not values.valid[column.codes[position]]
            clause = _type_clause(cell, spec_field) if bad_type else _constraint_clause(cell, spec_field)
            note(position, (0, index), lambda name=name, clause=clause: (name, clause))
    for index, spec_field in enumerate(fields):
        if spec_field["constraints"].get("unique"):
            name = spec_field["name"]
            key = _key_codes(source, [name], typed)
            blank = source.columns[name].rows(typed[name].empty)
            if key is not None and blank.any():  # empty cells are not values: they never repeat one
                key = np.where(blank, -1 - np.arange(len(key)), key)
            duplicate = _first_duplicate(key)
            if duplicate is not None:
                position, earlier = duplicate
                note(position, (1, index), lambda name=name, position=position, earlier=earlier: (
                    name, _duplicate_clause(source, position, earlier, [name])))
    key = source.spec.get("primaryKey", [])
    duplicate = _first_duplicate(_key_codes(source, key, typed)) if key else None
    if duplicate is not None:
        position, earlier = duplicate
        note(position, (2,), lambda: (key[-1], _duplicate_clause(source, position, earlier, key)))
    for index, foreign in enumerate(source.spec.get("foreignKeys", [])):
        target = sources.get(foreign["reference"]["resource"])
        if target is None:
            continue
        name, other = foreign["fields"][0], foreign["reference"]["fields"][0]
        column = source.columns[name]
        missing = ~column.empty() & ~column.isin(target.columns[other].arrow)
        position = _first(column.rows(missing))
        if position is not None:
            reference = f"{foreign['reference']['resource']}.{other}"
            clause = (f"refers to a row that does not exist: '{column.text(position)}' is not in {reference}; add it "
                      "there or fix the value")
            note(position, (3, index), lambda name=name, clause=clause: (name, clause))
    _check_bounds(source, typed, bounds, note)
    _check_rules(source, typed, note)
    if found:
        position, _order, message = min(found, key=lambda item: item[:2])
        column, clause = message()
        raise DataError(f"{_where(source.path, source.place(position), source.column(column))}: {clause}")
    return typed
