"""Read the company's tables from a data folder, validated against the data contract.

Every notebook reads data through :func:`load_tables`. Files are read as spreadsheets export them:
UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's "Unicode text"), or
GBK/GB18030 (Chinese Excel); comma- or tab-separated; CRLF, LF or CR line ends; blank lines and rows of bare
separators (what Excel leaves after deleted rows) anywhere; lines ending in a separator; dates as
YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日, timestamps with a space or a T, with or without seconds,
and with one UTC offset for the whole file (+08:00, which is dropped: the clock time is kept). The files are
only ever read: normalising happens in memory.

Bad input raises :class:`DataError`, whose one-line message names the user's file, the row (counted
as a spreadsheet does, header = row 1), the column and the fix. Nothing is guessed:

- **Encodings.** Bytes that are not UTF-8 are read as GB18030 only if they are not Latin-1/Windows-1252
  text: a file whose every non-ASCII byte is a Latin letter (or typographic quote or dash) in Windows-1252,
  inside a word, as in 'Équipe' or 'Informação', is refused with a request to save it as UTF-8, rather
  than read as '蓂uipe'. Likewise a file that is mostly UTF-8 with a few foreign bytes (a cell pasted
  from another file) is refused, naming the row and column.
- **Contents.** A quoted value may hold line breaks (a ticket's description), read as a newline; rows are then
  counted as a spreadsheet shows them, one row per record, and a message about a row after such a value
  names the file's line too ("row 5 (line 7 of the file)"). NUL and other invisible control characters, a
  quoted value that swallowed lines shaped like the file's rows (an unclosed quote), cells over 128 KB,
  duplicate or blank column names with values under them, rows with values beyond the header and repeated
  header rows are refused; so is a file that leaves blank, in every row, a column its spec lists under
  ``atLeastOneValue`` (an answers file with no answers). White space around a value (spaces, tabs, the
  ideographic space) is stripped from every cell, so an id that Excel re-saved with a trailing space is
  the same id.
- **Values.** Types, required cells, unique columns, allowed values, minimum/maximum, patterns, primary and
  foreign keys as the contract states them, then plausibility bounds and cross-field rules from
  :mod:`valuekit.schema`. The bounds can be overridden with a ``bounds.csv`` in the data folder (columns
  ``table,column,minimum,maximum``; a blank cell keeps the contract's bound) or the ``bounds`` argument. Of
  all these checks, the message names the lowest row of the file that breaks one (within a row: a cell's
  type or constraint in column order, then unique columns, the primary key, foreign keys, bounds, rules).

**Parquet.** A table may come as ``name.parquet`` in place of ``name.csv`` (not both): the same contract,
with each column's Arrow type checked against the field's type (text is accepted for any field and read
as a CSV cell is; integers for integer fields, integers or floats for numbers, booleans, dates or
timestamps at midnight for dates, timestamps without a time zone for timestamps; a null is an empty
cell). A column of another type gets one line naming the file, the column and the type to write. Rows
are counted as in a spreadsheet, the first record being row 2.

**Workbooks.** A table may also come as ``name.xlsx`` (an Excel workbook; one file per table, as with
Parquet): the sheet named like the table, else the first, read with openpyxl in read-only mode, values as
Excel last computed them. Row 1 is the header and rows are numbered as Excel shows them; a message names
the sheet when the workbook has several. Cells meet the same checks as a CSV's: dates and times may be
Excel dates or text in an accepted spelling, numbers numbers or text, booleans TRUE/FALSE. openpyxl is
pure Python (a few thousand rows a second): for exports of hundreds of thousands of rows, CSV or Parquet
reads far faster. An Excel 97-2003 ``.xls`` is not read; the message says to save it as ``.xlsx``.

**Renamed columns.** A ``columns.toml`` in the data folder maps an export's own column names and value
labels onto the contract's (:mod:`valuekit.loader.mapping`): ``[tickets.columns]`` with lines such as
``"解决时长(小时)" = "resolution_hours"``, ``[tickets.values.first_contact_resolved]`` with ``"是" = true``.
A map naming an unknown table, column or part, or giving a value no cell holds, is one line naming
columns.toml, the table and the key; a message about a renamed column names the export's column and the
contract's ("column '解决时长(小时)' (mapped to resolution_hours)").

**How it scales.** Checks run column by column, not row by row: a plain file (no quotes, no invisible
characters, every row as wide as the header: what most systems export) is split by Arrow's CSV reader,
and each column is dictionary-encoded, so a type, a date format, an allowed value or a reference is
checked once per distinct value and reaches the rows through the codes (numpy). Files that need a closer
look (quotes, ragged rows, control characters) are read record by record, as the messages above need,
and then checked the same way. ``make bench-scale`` times a 10 M-row leads table.

The modules, in the order a file goes through them: ``encodings`` (bytes to text), ``records`` (CSV records,
header and cell checks), ``reading`` (the fast column reader and the careful record reader; ``parquet`` for
Parquet files), ``columns`` (distinct values and codes), ``normalising`` (accepted spellings of dates and
numbers), ``validation`` (types, constraints, keys), ``bounds`` (plausibility bounds and cross-field rules),
``frames`` (typed pandas frames), ``workbooks`` (.xlsx sheets), ``mapping`` (columns.toml) and ``tables`` (the
entry points below). ``errors`` holds :class:`DataError`
and the way a message names its place.

The sample company's planted truths (``planted_truths``, ``TRUTHS_FILE``) are not the contract's: they live in
:mod:`valuekit.company.truths`; the names are looked up there on first use, for the notebooks that read them
through the loader, so that importing the contract does not import the sample company.
"""

from .bounds import BOUNDS_FILE
from .errors import DataError
from .tables import (
    TABLE_SUFFIXES,
    _dependencies,
    change_date,
    load_csv,
    load_tables,
    missing_columns,
    present_tables,
    table_file,
)

__all__ = ["BOUNDS_FILE", "TABLE_SUFFIXES", "DataError", "_dependencies", "change_date", "load_csv", "load_tables",
           "missing_columns", "present_tables", "table_file"]

_SAMPLE_NAMES = ("TRUTHS_FILE", "planted_truths")


def __getattr__(name: str):
    if name in _SAMPLE_NAMES:
        from ..company import truths

        return getattr(truths, name)
    raise AttributeError(f"module 'valuekit.loader' has no attribute {name!r}")
