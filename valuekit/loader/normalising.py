"""Accepted spellings rewritten: dates and timestamps as ISO text, whole numbers in integer columns."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import _Column, _Source
from .errors import DataError, _where

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
UTC_OFFSET = re.compile(r"^(.*\d{1,2}:\d{2}(?::\d{2})?)\s*(Z|[+-]\d{2}:?\d{2})$")
MIDNIGHT = re.compile(r"^(.*?)[T ]0?0:00(?::00)?$")
WHOLE_FLOAT = re.compile(r"^[+-]?\d+\.0*$")
EXCEL_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
PLACEHOLDERS = {"null", "none", "n/a", "na", "nan", "-", "--", "#n/a", "nil"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")
ACCEPTED_DATES = "YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日"


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


def _matches(values: _Column | np.ndarray, pattern: str) -> np.ndarray:
    """Which of the (distinct) values match a regular expression (RE2, all at once)."""
    text = values.arrow if isinstance(values, _Column) else pa.array(values, pa.string())
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    return pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)


def _first(mask: np.ndarray) -> int | None:
    return int(mask.argmax()) if mask.any() else None


def _normalise(source: _Source) -> None:
    """Rewrite accepted spellings: dates and timestamps as ISO text, whole numbers such as '3.0' in integer
    columns as '3'. Values in no accepted spelling are left for the checks to name. Each distinct value is
    looked at once; the first row that breaks a rule is found through the codes."""
    for spec_field in source.spec["fields"]:
        kind = spec_field["type"]
        name = spec_field["name"]
        column = source.columns[name]
        if kind == "integer":
            whole = _matches(column, WHOLE_FLOAT.pattern)
            if whole.any():
                values = column.values
                rewritten = values.copy()
                rewritten[whole] = [value.split(".")[0] for value in values[whole]]
                column.remap(rewritten)
        elif kind == "number":
            not_finite = np.zeros(column.size, dtype=bool)
            if column.size:
                lowered = pc.utf8_lower(column.arrow)
                not_finite = pc.is_in(lowered, value_set=pa.array(sorted(NOT_FINITE))).to_numpy(zero_copy_only=False)
            position = _first(column.rows(not_finite))
            if position is not None:
                raise DataError(f"{_where(source.path, source.place(position), source.column(name))}: value "
                                f"'{column.text(position)}' is not a finite number; write a number, or leave the "
                                "cell empty if allowed")
        elif kind == "date":
            odd = ~column.empty() & ~_matches(column, ISO_DATE.pattern)
            if odd.any():
                values = column.values
                rewritten = values.copy()
                for index in np.flatnonzero(odd):
                    value = values[index]
                    midnight = MIDNIGHT.match(value)
                    rewritten[index] = _parse_stamp(midnight.group(1) if midnight else value, False) or value
                column.remap(rewritten)
        elif kind == "datetime":
            _normalise_stamps(source, name, column)
    if source.offset is not None and source.without_offset is not None:
        position, name = source.without_offset
        raise DataError(f"{_where(source.path, source.place(position), source.column(name))}: the timestamp has no UTC "
                        f"offset but others in the file are at UTC{source.offset}; write every timestamp "
                        "of the file in the same way")


def _normalise_stamps(source: _Source, name: str, column: _Column) -> None:
    """Timestamps as ISO text; a UTC offset is dropped, and every timestamp of a file must share one."""
    values = column.values
    iso = _matches(values, ISO_DATETIME.pattern)
    offsets = np.full(len(values), "", dtype=object)  # the offset of each distinct value, "" if none
    rewritten = values.copy()
    for index in np.flatnonzero((values != "") & ~iso):
        value = values[index]
        offset = UTC_OFFSET.match(value)
        if offset:
            clock, zone = offset.groups()
            offsets[index] = "+00:00" if zone == "Z" else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
            value = clock
        if not ISO_DATETIME.match(value):
            rewritten[index] = _parse_stamp(value, True) or values[index]
        else:
            rewritten[index] = value
    with_offset = offsets != ""
    if with_offset.any():
        rows_with = column.rows(with_offset)
        first = _first(rows_with)
        if source.offset is None and first is not None:
            source.offset = offsets[column.codes[first]]
        other = column.rows(with_offset & (offsets != source.offset))
        position = _first(other)
        if position is not None:
            raise DataError(f"{_where(source.path, source.place(position), source.column(name))}: the timestamp is at "
                            f"UTC{offsets[column.codes[position]]} but earlier ones are at UTC{source.offset}; "
                            "write every timestamp of the file in one time zone")
    position = _first(column.rows((values != "") & ~with_offset))
    if position is not None and source.without_offset is None:
        source.without_offset = (position, name)
    column.remap(rewritten)
