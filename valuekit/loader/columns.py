"""A file's columns as distinct values and codes, and the checked source a reader returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import DataError, _where
from .records import _place


class _Column:
    """One contract column of a file: the distinct stripped cell texts, and each row's index into them.

    Checks and conversions run once per distinct value (a date column of ten million rows holds a few
    thousand), and reach the rows through the codes. The distinct values are kept as Arrow text, and as
    Python strings only where a check needs them one by one.
    """

    def __init__(self, codes: np.ndarray, values: np.ndarray | None = None, arrow: pa.Array | None = None) -> None:
        self.codes = codes  # one integer per row: its value's position among the distinct values
        self._values = values
        self._arrow = arrow

    @classmethod
    def of(cls, cells: list[str]) -> _Column:
        codes, values = pd.factorize(np.array(cells, dtype=object), use_na_sentinel=False)
        return cls(codes, values=np.asarray(values, dtype=object))

    @classmethod
    def of_arrow(cls, cells: pa.ChunkedArray, kind: str = "string") -> _Column:
        """From an Arrow column: text as it is, typed Parquet values as the text a CSV would hold."""
        encoded = cells.dictionary_encode()
        if encoded.num_chunks == 0:
            return cls(np.array([], dtype=np.int64), values=np.array([], dtype=object))
        dictionary = encoded.chunk(0).dictionary
        codes = np.concatenate([pc.fill_null(chunk.indices, len(dictionary)).to_numpy(zero_copy_only=False)
                                for chunk in encoded.chunks])
        text = _as_text(dictionary)
        if encoded.null_count:  # a null in Parquet is an empty cell
            text = pa.concat_arrays([text, pa.array([""], pa.string())])
        column = cls(codes, arrow=text)
        if encoded.null_count or not (pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type)):
            column.remap(column.values)  # values that read the same as text are one value
        return column

    @property
    def values(self) -> np.ndarray:
        """The distinct values as an object array of str."""
        if self._values is None:
            self._values = np.asarray(self._arrow.to_numpy(zero_copy_only=False), dtype=object)
        return self._values

    @property
    def arrow(self) -> pa.Array:
        if self._arrow is None:
            self._arrow = pa.array(self._values, pa.string())
        return self._arrow

    @property
    def size(self) -> int:
        return len(self._values) if self._values is not None else len(self._arrow)

    def empty(self) -> np.ndarray:
        """Which distinct values are the empty cell."""
        return pc.equal(self.arrow, "").to_numpy(zero_copy_only=False)

    def isin(self, allowed) -> np.ndarray:
        """Which distinct values are among `allowed` (a list of str or an Arrow array)."""
        value_set = allowed if isinstance(allowed, pa.Array) else pa.array(list(allowed), pa.string())
        return pc.is_in(self.arrow, value_set=value_set).to_numpy(zero_copy_only=False)

    def code_of(self, value: str) -> int | None:
        found = pc.index(self.arrow, value).as_py()
        return None if found < 0 else found

    def rows(self, bad_values: np.ndarray) -> np.ndarray:
        """Row mask from a mask over the distinct values."""
        return bad_values[self.codes] if len(bad_values) else np.zeros(len(self.codes), dtype=bool)

    def text(self, position: int) -> str:
        code = int(self.codes[position])
        return str(self._values[code]) if self._values is not None else self._arrow[code].as_py()

    def remap(self, new_values: np.ndarray) -> None:
        """Replace the distinct values by rewritten ones, merging those that become equal."""
        inverse, values = pd.factorize(np.asarray(new_values, dtype=object), use_na_sentinel=False)
        if len(values) != len(new_values):
            self.codes = inverse[self.codes]
        self._values, self._arrow = np.asarray(values, dtype=object), None


def _as_text(values: pa.Array) -> pa.Array:
    """Distinct Parquet values as the text a CSV would hold, so that they meet the same checks."""
    kind_of = values.type
    if pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of):
        text = values.cast(pa.string())
    elif pa.types.is_null(kind_of):
        text = pa.array([""] * len(values), pa.string())
    elif pa.types.is_boolean(kind_of):
        text = pc.if_else(values, "true", "false")
    elif pa.types.is_timestamp(kind_of):
        # Arrow writes seconds with their fraction; a whole second reads as a CSV timestamp does.
        text = pc.replace_substring_regex(pc.strftime(values, format="%Y-%m-%dT%H:%M:%S"), r"\.0+$", "")
    elif pa.types.is_date(kind_of):
        text = pc.strftime(values, format="%Y-%m-%d")
    elif pa.types.is_floating(kind_of):
        text = pa.array([repr(float(value)) if value is not None else "" for value in values.to_pylist()], pa.string())
    else:
        text = pc.cast(values, pa.string())
    return pc.fill_null(text, "")


@dataclass
class _Source:
    """One user file, decoded and checked: the contract's columns of its non-blank rows, in contract order."""

    path: Path
    spec: dict
    table: str
    columns: dict[str, _Column]  # the contract's fields, in spec order
    row_numbers: np.ndarray  # the spreadsheet row of each row (header = 1)
    offset: str | None = None  # the UTC offset of the file's timestamps, if they carry one
    without_offset: tuple[int, str] | None = None  # (row index, column) of the first timestamp without one
    lines: np.ndarray | None = None  # the file's line each row starts on, where a quoted line break shifts them
    labels: dict[str, str] | None = None  # the export's name of each column columns.toml renamed

    def cell(self, name: str, position: int) -> str:
        return self.columns[name].text(position)

    def row(self, position: int) -> int:
        return int(self.row_numbers[position])

    def column(self, name: str) -> str | tuple[str, str]:
        """The column as a message names it: the export's name and the contract's, if columns.toml renamed it."""
        label = (self.labels or {}).get(name)
        return name if label is None else (label, name)

    def place(self, position: int) -> int | str:
        """The row as a message names it: the spreadsheet row, and the file's line where the two differ."""
        row = self.row(position)
        return row if self.lines is None else _place(row, int(self.lines[position]))

    def rows(self) -> list[list[str]]:
        """Every row's cells (for small files such as bounds.csv)."""
        texts = [column.values[column.codes].tolist() for column in self.columns.values()]
        return [list(row) for row in zip(*texts, strict=True)]


def _checked(source: _Source) -> _Source:
    """The source, if no column its spec lists under ``atLeastOneValue`` is blank in every row."""
    for name in source.spec.get("atLeastOneValue", []):  # columns that may be blank, but not in every row
        column = source.columns[name]
        empty = column.code_of("")
        if empty is not None and (column.codes == empty).all():
            raise DataError(f"{_where(source.path, source.place(0), source.column(name))}: every row leaves '{name}' "
                            "blank, so the file holds no data; fill the column in")
    return source


@dataclass
class _Typed:
    """A column's distinct values read as the contract's type: which are valid, and their typed values."""

    valid: np.ndarray  # bool per distinct value: empty, or of the column's type
    values: np.ndarray  # typed value per distinct value (NaN/NaT where empty or invalid)
    empty: np.ndarray  # bool per distinct value
