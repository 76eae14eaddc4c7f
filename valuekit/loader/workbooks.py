"""An Excel workbook (.xlsx) in place of a CSV: the table's sheet, its cells as the text a CSV would hold.

The sheet is the one named like the table (``tickets`` in ``tickets.xlsx``; case and surrounding spaces
aside), else the first. openpyxl reads it in read-only mode with the values Excel last computed (a formula's
result, not the formula). Row 1 is the header, and rows are numbered as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from .errors import DataError

WORKBOOK_SUFFIX = ".xlsx"
OLD_WORKBOOK_SUFFIX = ".xls"


def _cell_text(value: object) -> str:
    """A cell's value as the text a CSV export of it would hold: the loader then reads both alike."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        # Excel stores times as fractions of a day: round to the second a clock shows.
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def _sheet_rows(path: Path, table: str) -> tuple[str, list[list[str]]]:
    """Where messages place the sheet (the path, with the sheet's name if the workbook has several), and every
    row of the table's sheet as text, padded to the same width, trailing blank columns dropped."""
    import openpyxl  # on first use: most folders hold no workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(f"{path}: the file is not a readable Excel workbook (.xlsx) ({reason}); save it again from "
                        "Excel as 'Excel Workbook (.xlsx)', or as 'CSV UTF-8'") from None
    try:
        sheets = book.worksheets
        if not sheets:
            raise DataError(f"{path}: the workbook has no worksheet; put the table on the first sheet")
        named = [sheet for sheet in sheets if sheet.title.strip().casefold() == table.casefold()]
        sheet = named[0] if named else sheets[0]
        rows = [[_cell_text(value) for value in row]
                for row in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
        where = str(path) if len(sheets) == 1 else f"{path}, sheet '{sheet.title}'"
    finally:
        book.close()
    width = max((len(row) for row in rows), default=0)
    while width and all(len(row) < width or not row[width - 1].strip() for row in rows):
        width -= 1
    return where, [(row + [""] * (width - len(row)))[:width] for row in rows]
