"""Typed pandas frames from validated sources."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .columns import _Column, _Source, _Typed


def _to_frame(source: _Source, typed: dict[str, _Typed]) -> pd.DataFrame:
    """Typed DataFrame of a validated source: contract columns only, in contract order."""
    frame = {}
    for spec_field in source.spec["fields"]:
        name, kind = spec_field["name"], spec_field["type"]
        column, values = source.columns[name], typed[name]
        empty = column.rows(values.empty)
        if kind == "integer":
            numbers = values.values[column.codes]
            if spec_field["constraints"]["required"]:
                frame[name] = pd.Series(numbers, dtype="int64")
            else:
                frame[name] = pd.Series(pd.arrays.IntegerArray(numbers, empty))
        elif kind == "number":
            frame[name] = pd.Series(values.values[column.codes], dtype="float64")
        elif kind == "boolean":
            frame[name] = pd.Series(values.values[column.codes], dtype=bool)
        elif kind in ("date", "datetime"):
            frame[name] = pd.Series(values.values[column.codes])
        else:
            frame[name] = _strings(column, values.empty)
    return pd.DataFrame(frame)


def _strings(column: _Column, empty: np.ndarray) -> pd.Series:
    """A text column as pandas' "string" dtype (Arrow-backed where pyarrow is installed, as it is here)."""
    dtype = pd.StringDtype()
    if dtype.storage == "pyarrow":
        dictionary = column.arrow
        if empty.any():
            dictionary = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), dictionary)
        codes = column.codes
        if len(dictionary) != len(codes) or not np.array_equal(codes, np.arange(len(codes))):
            dictionary = pc.take(dictionary, pa.array(codes))  # else every row has its own value, in order
        return pd.Series(dictionary.to_pandas(types_mapper={pa.string(): dtype}.get))
    text = column.values.copy()
    text[empty] = None
    return pd.Series(pd.array(text[column.codes], dtype=dtype))
