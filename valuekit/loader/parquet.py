"""A Parquet file in place of a CSV, its Arrow types checked against the contract."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pa_parquet

from .columns import _checked, _Column, _Source
from .errors import DataError, _expected, _where


def _read_parquet(path: Path, spec: dict, table: str, rename=None) -> _Source:
    """A Parquet file in place of a CSV: the same contract, its columns' types checked against the schema;
    `rename` turns the file's column names into the contract's (columns.toml)."""
    try:
        data = pa_parquet.read_table(path)
    except (pa.ArrowException, OSError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(f"{path}: the file is not a readable Parquet file ({first}); write it again, or export "
                        "a CSV instead") from None
    if rename is not None:
        data = data.rename_columns(rename(list(data.column_names)))
    names = [field["name"] for field in spec["fields"]]
    missing = [name for name in names if name not in data.column_names]
    if missing:
        raise DataError(f"{_where(path, 1, missing[0])}: column missing from the file; expected {_expected(spec)}")
    if data.num_rows == 0:
        raise DataError(f"{path}, row 2: the file has a header but no data rows")
    columns = {}
    for spec_field in spec["fields"]:
        name, kind = spec_field["name"], spec_field["type"]
        values = data[name]
        if pa.types.is_dictionary(values.type):
            values = values.cast(values.type.value_type)
        if not _parquet_type_fits(values.type, kind):
            raise DataError(f"{_where(path, 1, name)}: the column holds {values.type} values but the contract's type "
                            f"is {kind}; {PARQUET_TYPES[kind]}, or as text")
        columns[name] = _Column.of_arrow(values)
    del data
    return _checked(_Source(path, spec, table, columns, np.arange(2, len(columns[names[0]].codes) + 2)))


PARQUET_TYPES = {"string": "write it as strings", "integer": "write it as integers",
                 "number": "write it as integers or floating-point numbers", "boolean": "write it as booleans",
                 "date": "write it as dates (or timestamps at midnight)", "datetime": "write it as timestamps without "
                 "a time zone"}


def _parquet_type_fits(kind_of: pa.DataType, kind: str) -> bool:
    if pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of) or pa.types.is_null(kind_of):
        return True  # text is read as a CSV cell is
    if kind == "integer":
        return pa.types.is_integer(kind_of)
    if kind == "number":
        return pa.types.is_integer(kind_of) or pa.types.is_floating(kind_of)
    if kind == "boolean":
        return pa.types.is_boolean(kind_of)
    if kind == "date":
        return pa.types.is_date(kind_of) or (pa.types.is_timestamp(kind_of) and kind_of.tz is None)
    if kind == "datetime":
        return pa.types.is_timestamp(kind_of) and kind_of.tz is None
    return False
