"""Helpers shared by several test modules."""

import hashlib
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from valuekit import DataError, load_tables


def glued_value(notebook_path: Path, key: str) -> str:
    """The text/plain record a notebook glued under `key` (as myst-nb stores it)."""
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == key:
                return output["data"]["application/papermill.record/text/plain"]
    raise KeyError(key)


def spreadsheet_export(frame: pd.DataFrame, path: Path, encoding: str, separator: str, date_format: str,
                       stamp_format: str) -> None:
    """Write a table the way a spreadsheet might: another encoding, separator and date style.

    Date columns with a time of day use `stamp_format`, the others `date_format`.
    """
    export = frame.copy()
    for column in export.select_dtypes("datetime").columns:
        has_time = (export[column].dt.hour > 0).any()
        export[column] = export[column].dt.strftime(stamp_format if has_time else date_format)
    path.write_bytes(export.to_csv(index=False, sep=separator).encode(encoding))


def fingerprints(folder: Path) -> dict[str, str]:
    """Every file below `folder` by its path and content hash: equal before and after means nothing was modified."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def load_error(folder: Path, tables: list[str]) -> str:
    """The one line the loader stops with on `folder`, checked to be one line, without a traceback, and to
    leave the user's files as they were."""
    before = fingerprints(folder)
    with pytest.raises(DataError) as caught:
        load_tables(folder, tables)
    assert fingerprints(folder) == before, "the loader modified the user's files"
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message
