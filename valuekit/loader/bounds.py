"""Plausibility bounds (the contract's, bounds.csv's or the argument's) and cross-field rules."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow.compute as pc

from ..schema import DATE_RANGE, RULES
from .columns import _Column, _Source, _Typed
from .errors import DataError, _where
from .normalising import ACCEPTED_DATES, _first, _parse_stamp
from .reading import _read

# pandas keeps timestamps between 1677 and 2262; a user's bounds cannot reach beyond this.
DATE_LIMITS = ("1678-01-01", "2261-12-31")
BOUNDS_FILE = "bounds.csv"
BOUNDS_FIX = (f"if the value is right, raise the bound in {BOUNDS_FILE} in the data folder "
              "(table,column,minimum,maximum)")
BOUNDS_FIX_ONE_FILE = "if the value is right, pass wider bounds to load_csv: bounds={'file.column': (minimum, maximum)}"


BOUNDS_SPEC = {
    "title": "Plausibility bounds that override the contract's",
    "fields": [
        {"name": "table", "type": "string", "constraints": {"required": True}},
        {"name": "column", "type": "string", "constraints": {"required": True}},
        {"name": "minimum", "type": "string", "constraints": {"required": False}},
        {"name": "maximum", "type": "string", "constraints": {"required": False}},
    ],
    "primaryKey": ["table", "column"],
}

Bounds = dict[tuple[str, str], dict[str, object]]


def _bound_value(value: str, kind: str) -> object:
    """A bound as a float (numbers) or ISO date text (dates); raises ValueError if it is neither."""
    if kind in ("date", "datetime"):
        parsed = _parse_stamp(value, False) or _parse_stamp(value, True)
        if parsed is None:
            raise ValueError(f"value '{value}' is not a date; write dates as {ACCEPTED_DATES}")
        if not DATE_LIMITS[0] <= parsed[:10] <= DATE_LIMITS[1]:
            raise ValueError(f"value '{value}' is outside {DATE_LIMITS[0]} to {DATE_LIMITS[1]}, the dates pandas holds")
        return parsed[:10]
    try:
        number = float(value.replace("_", ""))
    except ValueError:
        raise ValueError(f"value '{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"value '{value}' is not a finite number")
    return number


def _read_bounds(path: Path, specs: Mapping[str, dict]) -> Bounds:
    """The bounds file's overrides, checked: known table and column, a number or date per bound."""
    source = _read(path, BOUNDS_SPEC, "the bounds file", "bounds")
    bounds: Bounds = {}
    for number, (table, column, minimum, maximum) in zip(source.row_numbers.tolist(), source.rows(), strict=True):
        if table not in specs:
            raise DataError(f"{_where(path, number, 'table')}: value '{table}' is not a table of the contract; "
                            f"write one of: {', '.join(specs)}")
        fields = {spec_field["name"]: spec_field for spec_field in specs[table]["fields"]}
        kind = fields[column]["type"] if column in fields else None
        if kind not in ("integer", "number", "date", "datetime"):
            raise DataError(f"{_where(path, number, 'column')}: value '{column}' is not a number or date column of "
                            f"table '{table}'; bounds apply to those only")
        if (table, column) in bounds:
            raise DataError(f"{_where(path, number, 'column')}: '{table}.{column}' has bounds on an earlier row "
                            "too; keep one row per column")
        entry: dict[str, object] = {}
        for label, value in (("minimum", minimum), ("maximum", maximum)):
            if value:
                try:
                    entry[label] = _bound_value(value, kind)
                except ValueError as error:
                    raise DataError(f"{_where(path, number, label)}: {error}") from None
        bounds[(table, column)] = entry
    return bounds


def _bounds_argument(bounds, specs: Mapping[str, dict]) -> Bounds:
    """`bounds` as given to the loader: a bounds CSV path, or a mapping {"table.column": (minimum, maximum)}."""
    if bounds is None:
        return {}
    if isinstance(bounds, (str, Path)):
        return _read_bounds(Path(bounds), specs)
    parsed: Bounds = {}
    for key, (minimum, maximum) in bounds.items():
        table, _, column = key.partition(".")
        fields = {spec_field["name"]: spec_field for spec_field in specs.get(table, {"fields": []})["fields"]}
        if column not in fields:
            raise DataError(f"bounds: '{key}' is not a column of the contract; write 'table.column'")
        kind = fields[column]["type"]
        given = (("minimum", minimum), ("maximum", maximum))
        parsed[(table, column)] = {label: _bound_value(str(value), kind) for label, value in given if value is not None}
    return parsed


def _plausible(spec_field: dict, table: str, bounds: Bounds) -> dict[str, object]:
    stated = dict(spec_field.get("plausible", {}))
    if spec_field["type"] in ("date", "datetime"):
        stated = {"minimum": DATE_RANGE[0], "maximum": DATE_RANGE[1], **stated}
    return {**stated, **bounds.get((table, spec_field["name"]), {})}


def _check_bounds(source: _Source, typed: dict[str, _Typed], bounds: Bounds, note) -> None:
    """Note the first value below and above each column's plausible range."""
    fix = BOUNDS_FIX_ONE_FILE if source.table == "file" else BOUNDS_FIX
    for index, spec_field in enumerate(source.spec["fields"]):
        limits = _plausible(spec_field, source.table, bounds)
        if not limits:
            continue
        name = spec_field["name"]
        column, values = source.columns[name], typed[name]
        filled = values.valid & ~values.empty
        if spec_field["type"] in ("date", "datetime"):
            day = pc.utf8_slice_codeunits(column.arrow, 0, 10)
            low = filled & pc.less(day, limits.get("minimum", DATE_LIMITS[0])).to_numpy(zero_copy_only=False)
            high = filled & pc.greater(day, limits.get("maximum", DATE_LIMITS[1])).to_numpy(zero_copy_only=False)
        else:
            numbers = values.values.astype("float64")
            with np.errstate(invalid="ignore"):
                low = filled & (numbers < limits.get("minimum", -math.inf))
                high = filled & (numbers > limits.get("maximum", math.inf))
        for side, (mask, words, limit) in enumerate(((low, "below the plausible minimum", limits.get("minimum")),
                                                     (high, "above the plausible maximum", limits.get("maximum")))):
            position = _first(column.rows(mask))
            if position is None:
                continue
            shown = f"{limit:,.0f}" if isinstance(limit, (int, float)) and float(limit).is_integer() else limit
            clause = f"value '{column.text(position)}' is {words} {shown}; {fix}"
            note(position, (4, index, side), lambda name=name, clause=clause: (name, clause))


def _row_values(column: _Column, values: _Typed) -> np.ndarray:
    return values.values[column.codes]


def _check_rules(source: _Source, typed: dict[str, _Typed], note) -> None:
    """Note the first row that breaks each cross-field rule."""
    for index, rule in enumerate(source.spec.get("rules", [])):
        field, other = rule["field"], rule["other"]
        first, second = (_row_values(source.columns[name], typed[name]) for name in (field, other))
        valid = (typed[field].valid & ~typed[field].empty)[source.columns[field].codes]
        valid &= (typed[other].valid & ~typed[other].empty)[source.columns[other].codes]
        with np.errstate(invalid="ignore"):
            broken = (first < second) if RULES[rule["rule"]] == ">=" else (first > second)
        position = _first(valid & broken)
        if position is None:
            continue
        relation = "before" if rule["rule"] == "notBefore" else "more than"
        clause = (f"value '{source.cell(field, position)}' is {relation} {other} '{source.cell(other, position)}' "
                  f"on the same row ({rule['why']}); fix the one that is wrong")
        note(position, (5, index), lambda field=field, clause=clause: (field, clause))
