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
- **Contents.** NUL and other invisible control characters, line breaks inside a value (usually an
  unclosed quote), cells over 128 KB, duplicate or blank column names with values under them, rows with
  values beyond the header and repeated header rows are refused; so is a file that leaves blank, in every
  row, a column its spec lists under ``atLeastOneValue`` (an answers file with no answers).
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

**How it scales.** Checks run column by column, not row by row: a plain file (no quotes, no invisible
characters, every row as wide as the header: what most systems export) is split by Arrow's CSV reader,
and each column is dictionary-encoded, so a type, a date format, an allowed value or a reference is
checked once per distinct value and reaches the rows through the codes (numpy). Files that need a closer
look (quotes, ragged rows, control characters) are read record by record, as the messages above need,
and then checked the same way. ``make bench-scale`` times a 10 M-row leads table.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

from .schema import DATE_RANGE, RULES, TABLES

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # .xlsx (zip) and .xls (OLE)
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
MAX_CELL = 131_072  # 128 KB, the csv module's own field limit
LONG_LINE = re.compile(f"[^\r\n]{{{MAX_CELL + 1}}}")
# Control characters other than tab and line ends, and the invisible format characters that make two
# identifiers look the same: zero-width space, joiners, word joiner, a byte-order mark inside the text.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
# The same control characters as bytes (an ASCII file is checked for them without decoding).
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# White space that str.strip() removes beyond ASCII, in UTF-8: such files are read row by row.
NON_ASCII_SPACES = tuple(char.encode("utf-8") for char in "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                         "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
FIRST_LINE = re.compile(r"[^\r\n]*")
NOT_BLANK = re.compile(r"[^ \t\r\n,;]")
TYPOGRAPHIC = set("‘’“”–—…€")
TWO_BYTE = re.compile("[^\u0080-\u07ff]+")  # what is not a character of two bytes in UTF-8
THREE_BYTE = re.compile("[\x00-\u07ff]+")  # what is not a character of three or four bytes
OTHER_SEPARATORS = {";": "';' (semicolons)", "，": "full-width commas '，' (U+FF0C)",
                    "；": "full-width semicolons '；' (U+FF1B)", "|": "vertical bars '|'"}
# pandas keeps timestamps between 1677 and 2262; a user's bounds cannot reach beyond this.
DATE_LIMITS = ("1678-01-01", "2261-12-31")
BOUNDS_FILE = "bounds.csv"
BOUNDS_FIX = (f"if the value is right, raise the bound in {BOUNDS_FILE} in the data folder "
              "(table,column,minimum,maximum)")
BOUNDS_FIX_ONE_FILE = "if the value is right, pass wider bounds to load_csv: bounds={'file.column': (minimum, maximum)}"


class DataError(ValueError):
    """A data file breaks the contract; the message says where and how to fix it."""


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

    def cell(self, name: str, position: int) -> str:
        return self.columns[name].text(position)

    def row(self, position: int) -> int:
        return int(self.row_numbers[position])

    def rows(self) -> list[list[str]]:
        """Every row's cells (for small files such as bounds.csv)."""
        texts = [column.values[column.codes].tolist() for column in self.columns.values()]
        return [list(row) for row in zip(*texts, strict=True)]


# Reading ------------------------------------------------------------------------------------------------


def _dependencies(names: list[str]) -> list[str]:
    """The tables asked for plus every table their foreign keys point to, in contract order."""
    needed = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending += [fk["reference"]["resource"] for fk in TABLES[name].get("foreignKeys", [])]
    return [name for name in TABLES if name in needed]


@contextlib.contextmanager
def _no_field_limit() -> Iterator[None]:
    """Lift the csv module's 128 KB field limit while parsing, so long cells get a message, not an error."""
    previous = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _delimiter(text: str) -> str:
    first_line = FIRST_LINE.match(text).group()
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def _locate(text: str, predicate) -> tuple[int, str]:
    """Spreadsheet row and column label of the first cell of `text` (a CSV) for which `predicate` holds."""
    with _no_field_limit():
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    header = [label.strip() for label in rows[0]] if rows else []
    for number, row in enumerate(rows, start=1):
        for position, cell in enumerate(row):
            if predicate(cell):
                label = header[position] if position < len(header) and header[position] else f"#{position + 1}"
                return number, label
    return 1, header[0] if header else "#1"


def _where(path: Path, row: int | None = None, column: str | None = None) -> str:
    where = str(path)
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column '{column}'" if not column.startswith("#") else f", column {column[1:]}"
    return where


def _is_latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN") or char in TYPOGRAPHIC


def _looks_latin(raw: bytes) -> str | None:
    """The file as Windows-1252 text if it reads as Latin-script text there; None if it does not.

    Latin-1/Windows-1252 text has its non-ASCII bytes inside words: accented letters next to ASCII ones.
    GBK text read the same way shows symbols such as '¶', '»' or '×' as well, and its characters come in
    pairs of bytes that rarely sit between two ASCII letters, so the two are told apart without guessing
    from the letters' frequency.
    """
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None  # bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unused in Windows-1252
    inside_a_word = False
    for run in re.finditer(r"[^\x00-\x7f]+", text):
        if not all(_is_latin_letter(char) for char in run.group()):
            return None
        before, after = text[max(run.start() - 1, 0):run.start()], text[run.end():run.end() + 1]
        letters = [char.isascii() and char.isalpha() for char in (before, after) if char]
        # A GBK character is two bytes: an odd run, or one between two ASCII letters, is not Chinese.
        inside_a_word |= (len(letters) == 2 and all(letters)) or (len(run.group()) % 2 == 1 and any(letters))
    return text if inside_a_word else None


def _mostly_utf8(lenient: str) -> bool:
    """Whether text decoded as UTF-8 with replacements is mostly valid: UTF-8 with a few foreign bytes.

    GBK text happens to hold valid UTF-8 two-byte sequences often, three-byte ones (CJK in UTF-8) rarely;
    the thresholds keep GBK files of any size (tried on random GB2312 text) from being taken for UTF-8.
    """
    foreign = lenient.count("\ufffd")
    two_byte = len(TWO_BYTE.sub("", lenient))
    three_byte = len(THREE_BYTE.sub("", lenient)) - foreign
    return (three_byte >= 3 and 2 * three_byte >= foreign) or (two_byte >= 3 and two_byte >= 2 * foreign)


def _decode(path: Path, raw: bytes) -> str:
    """The file's text, or a DataError if its encoding is not one the loader reads without guessing."""
    if raw.startswith(WORKBOOK_MAGIC):
        raise DataError(f"{path}, row 1: the file is not text in UTF-8 or GBK/GB18030 but an Excel workbook; "
                        "save it as 'CSV UTF-8' and retry")
    if raw.startswith(UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError(f"{path}, row 1: the file starts like UTF-16 text but is not; save it as "
                            "'CSV UTF-8' and retry") from None
    bom = raw.startswith(UTF8_BOM)
    body = raw[len(UTF8_BOM):] if bom else raw
    if body.count(b"\x00") > len(body) // 8:
        raise DataError(f"{path}, row 1: the file looks like UTF-16 text without a byte-order mark; save it as "
                        "'CSV UTF-8' and retry")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = body.decode("utf-8", errors="replace")
    if bom or _mostly_utf8(lenient):
        row, column = _locate(lenient, lambda cell: "\ufffd" in cell)
        raise DataError(f"{_where(path, row, column)}: the file is UTF-8 but this value is not (pasted from a file "
                        "in another encoding?); retype it, or save the whole file as 'CSV UTF-8' again")
    latin = _looks_latin(body)
    if latin is not None:
        row, column = _locate(latin, lambda cell: any(ord(char) > 127 for char in cell))
        sample = re.findall(r"[^\s,;\t\"]*[^\x00-\x7f][^\s,;\t\"]*", latin)[0][:40]
        raise DataError(f"{_where(path, row, column)}: the file looks like Latin-1/Windows-1252 text ('{sample}'), "
                        "which the loader does not read; save it as 'CSV UTF-8' and retry")
    try:
        return body.decode("gb18030")  # a superset of GBK, what Chinese Excel writes
    except UnicodeDecodeError as error:
        row = body[: error.start].count(b"\n") + 1
        raise DataError(f"{path}, row {row}: the file is not text in UTF-8 or GBK/GB18030; if it is an Excel "
                        "workbook, save it as 'CSV UTF-8' and retry") from None


def _expected(spec: dict) -> str:
    return "columns " + ", ".join(field["name"] for field in spec["fields"])


def _quote_problem(text: str, delimiter: str) -> tuple[int, int, bool]:
    """Where a record's quoting goes wrong: (cell index, line offset, closed) of the faulty quoted cell.

    `text` starts at the record; `closed` is False when the quote is never closed.
    """
    cell, line, start_line, quoted, after_quote, at_start = 0, 0, 0, False, False, True
    i = 0
    while i < len(text):
        char = text[i]
        if quoted:
            if char == '"':
                if text[i + 1:i + 2] == '"':
                    i += 1
                else:
                    quoted, after_quote = False, True
            elif char == "\n":
                line += 1
        elif after_quote and char not in (delimiter, "\n", "\r"):
            return cell, start_line, True
        elif char == delimiter:
            cell, at_start, after_quote = cell + 1, True, False
            i += 1
            continue
        elif char in "\r\n":
            return cell, start_line, True  # the record ended without trouble (should not happen)
        elif at_start and char == '"':
            quoted, start_line = True, line
        elif at_start and char == " ":
            i += 1  # spaces before an opening quote are skipped, as the reader does
            continue
        at_start = False
        i += 1
    return cell, start_line, False


def _records(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str], int]]:
    """Yield (spreadsheet row, cells, lines spanned) for every record; a bad quote raises a DataError."""
    # skipinitialspace: in 'T1, "North"' the quotes enclose the value, as they do without the space.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True)
    number = 0
    header: list[str] = []
    with _no_field_limit():
        while True:
            first_line = reader.line_num
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                number += 1
                rest = "".join(io.StringIO(text, newline="").readlines()[first_line:])
                position, line_offset, closed = _quote_problem(rest, delimiter)
                column = header[position] if position < len(header) and header[position] else f"#{position + 1}"
                where = _where(path, number, column)
                if closed:
                    raise DataError(f"{where}: text follows the closing quote of a quoted value; write a quote "
                                    "inside a value as two quotes (\"\"), or remove it") from None
                raise DataError(f"{where}: the quote (\") that opens this value on line {first_line + line_offset + 1} "
                                "is never closed; close it or delete it") from None
            number += 1
            if number == 1:
                header = [label.strip() for label in cells]
            yield number, cells, reader.line_num - first_line


def _separator_hint(label: str) -> str:
    for separator, name in OTHER_SEPARATORS.items():
        if separator in label:
            return f" (is it separated by {name}? use commas ',' or tabs)"
    return ""


def _check_header(path: Path, labels: list[str], spec: dict) -> None:
    names = [field["name"] for field in spec["fields"]]
    for position, label in enumerate(labels):
        if label and label in labels[:position]:
            first = labels.index(label) + 1
            raise DataError(f"{_where(path, 1, label)}: the header names two columns '{label}' (columns {first} and "
                            f"{position + 1}); rename or delete one")
    missing = [name for name in names if name not in labels]
    if missing:
        hint = _separator_hint(labels[0]) if len([label for label in labels if label]) == 1 else ""
        near = [label for label in labels if label.casefold().replace(" ", "_") == missing[0].casefold()]
        if near:
            hint = f" (the header has '{near[0]}'; column names are exact, in lower case)"
        raise DataError(f"{_where(path, 1, missing[0])}: column missing from the header{hint}; "
                        f"expected {_expected(spec)}")


def _check_cells(path: Path, number: int, cells: list[str], labels: list[str], width: int, span: int,
                 delimiter: str, wanted: set[int]) -> None:
    """Raise on the first cell of a data row the contract cannot read unambiguously."""
    for position, cell in enumerate(cells):
        label = labels[position] if position < width and labels[position] else f"#{position + 1}"
        value = cell.strip()
        if position >= width or not labels[position]:
            if value:
                where = _where(path, number, label)
                if position >= width:
                    raise DataError(f"{where}: value '{value[:40]}' is beyond the last column of the header "
                                    f"({width} columns); if a value holds a '{delimiter}', put it in quotes")
                raise DataError(f"{where}: value '{value[:40]}' sits under a blank header cell; name the column "
                                "in row 1 or delete the value")
            continue
        if len(cell) > MAX_CELL:
            raise DataError(f"{_where(path, number, label)}: the value is {len(cell):,} characters long, more than "
                            f"{MAX_CELL:,} (128 KB); is a quote (\") left open? shorten the value or close the quote")
        if span > 1 and ("\n" in cell or "\r" in cell):
            swallowed = [line for line in cell.splitlines()[1:] if line.count(delimiter) >= width - 1]
            if position in wanted or swallowed:
                raise DataError(f"{_where(path, number, label)}: the value runs over {cell.count(chr(10)) + 1} lines "
                                "(a quote (\") left open?); close the quote, or keep the value on one line")
        if position in wanted:
            invisible = INVISIBLE.search(cell)
            if invisible:
                char = invisible.group()
                name = "NUL" if char == "\x00" else unicodedata.name(char, f"control character {ord(char):#04x}")
                raise DataError(f"{_where(path, number, label)}: the value contains an invisible character "
                                f"(U+{ord(char):04X} {name}); delete it")


def _read(path: Path, spec: dict, what: str, table: str) -> _Source:
    """Decode, split and check one file, failing early and precisely on what a column check reports vaguely."""
    if path.is_dir() or not path.exists():
        raise DataError(f"{path}: file not found; {what} is required")
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path, spec, table)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: the file cannot be read ({error.strerror}); check its permissions") from None
    text = _decode(path, raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if NOT_BLANK.search(text) is None:
        raise DataError(f"{path}: the file is empty; expected a header row with {_expected(spec)}")
    delimiter = _delimiter(text)
    quoted = '"' in text
    # Without quotes, a record is a line: the header is read alone, not through a copy of the whole file.
    records = _records(path, text if quoted else FIRST_LINE.match(text).group() + "\n", delimiter)
    _number, header_cells, _span = next(records)
    labels = [label.strip().lstrip("\ufeff") for label in header_cells]
    if not any(labels):
        raise DataError(f"{path}, row 1: the header row is blank; put the column names on the first line "
                        f"({_expected(spec)})")
    _check_header(path, labels, spec)
    width = len(labels)
    while width and not labels[width - 1]:
        width -= 1  # a header ending in a separator
    names = [field["name"] for field in spec["fields"]]
    positions = [labels.index(name) for name in names]
    if not quoted and all(labels[:width]):
        body = raw if raw.isascii() else text.encode("utf-8")
        del raw
        if _no_invisible(text, body):
            del text
            source = _read_columns(path, spec, table, body, delimiter, len(header_cells), width, positions)
            if source is not None:
                return source
            text = body.decode("utf-8")  # a row the column reader cannot take: read it row by row for the message
        del body
    if not quoted:
        records = _records(path, text, delimiter)
        next(records)
    return _read_rows(path, spec, table, text, records, labels, width, positions, delimiter)


def _no_invisible(text: str, body: bytes) -> bool:
    """Whether the file holds no control or invisible format character (checked on the bytes when ASCII)."""
    if body.isascii():
        return len(body.translate(None, CONTROL_BYTES)) == len(body)
    return INVISIBLE.search(text) is None


def _read_rows(path: Path, spec: dict, table: str, text: str, records, labels: list[str], width: int,
               positions: list[int], delimiter: str) -> _Source:
    """The careful reader: record by record, naming the first row the contract cannot read unambiguously."""
    names = [field["name"] for field in spec["fields"]]
    wanted = set(positions)
    # Most exports need no look at single cells: no quotes, no invisible characters, no very long line.
    suspicious = ('"' in text or INVISIBLE.search(text) is not None or not all(labels[:width])
                  or (len(text) > MAX_CELL and LONG_LINE.search(text) is not None))
    rows, row_numbers = [], []
    for number, cells, span in records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of bare separators
        if len(cells) < width:
            values = f"{len(cells)} value" + "s" * (len(cells) != 1)
            raise DataError(f"{_where(path, number)}: the row has {values} but the header has {width} columns; "
                            f"is a '{delimiter}' missing, or a value broken over two lines?")
        if suspicious or len(cells) > width:
            _check_cells(path, number, cells, labels, width, span, delimiter, wanted)
        row = [cells[position].strip() for position in positions]
        if row == names:
            raise DataError(f"{_where(path, number)}: the row repeats the header; delete it (were two exports "
                            "pasted together?)")
        rows.append(row)
        row_numbers.append(number)
    if not rows:
        raise DataError(f"{path}, row 2: the file has a header but no data rows")
    columns = {name: _Column.of([row[index] for row in rows]) for index, name in enumerate(names)}
    return _checked(_Source(path, spec, table, columns, np.array(row_numbers, dtype=np.int64)))


def _read_columns(path: Path, spec: dict, table: str, body: bytes, delimiter: str, n_cells: int, width: int,
                  positions: list[int]) -> _Source | None:
    """The fast reader for a plain file (no quotes, no invisible characters): every column at once, with Arrow.

    Returns None when a row does not fit the header, a cell is very long, a value sits beyond the header or a
    cell holds non-ASCII white space: the careful reader then names the row.
    """
    if not body.isascii() and any(space in body for space in NON_ASCII_SPACES):
        return None
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    invalid: list[object] = []

    def skip(row) -> str:
        invalid.append(row)
        return "skip"

    labels = [f"c{index}" for index in range(n_cells)]
    try:
        frame = pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=pa_csv.ReadOptions(column_names=labels, skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False, ignore_empty_lines=True,
                                              invalid_row_handler=skip),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(labels, pa.string()),
                                                  strings_can_be_null=False, null_values=[]))
    except pa.ArrowInvalid:
        return None
    if invalid:
        return None
    spaces = b" " in body or (delimiter == "," and b"\t" in body)
    bare = n_cells > 1 and (delimiter * (n_cells - 1)).encode() in body
    long_cells = len(body) > MAX_CELL
    if b"\n\n" in body:  # blank lines: rows keep their spreadsheet numbers
        breaks = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
        starts = np.concatenate([[0], breaks + 1])
        lengths = np.concatenate([breaks, [len(body)]]) - starts
        lines = np.flatnonzero(lengths > 0)
        row_numbers = lines[lines > 0] + 1
    else:
        row_numbers = np.arange(2, frame.num_rows + 2, dtype=np.int64)
    del body
    if len(row_numbers) != frame.num_rows:
        return None
    cells = [pc.utf8_trim(frame[label], " \t") if spaces else frame[label] for label in labels]
    del frame
    if long_cells and any((pc.max(pc.binary_length(column)).as_py() or 0) > MAX_CELL for column in cells):
        return None
    if any(pc.any(pc.not_equal(column, "")).as_py() for column in cells[width:]):
        return None  # a value beyond the header
    blank = None
    for column in cells if spaces or bare else []:
        empty = pc.equal(column, "")
        blank = empty if blank is None else pc.and_(blank, empty)
    keep = None
    if blank is not None and pc.any(blank).as_py():
        keep = np.logical_not(blank.to_numpy(zero_copy_only=False))
        row_numbers = row_numbers[keep]
    names = [field["name"] for field in spec["fields"]]
    columns = {}
    for name, position in zip(names, positions, strict=True):
        column = _Column.of_arrow(cells[position])
        cells[position] = None
        if keep is not None:
            column.codes = column.codes[keep]
        columns[name] = column
    if len(row_numbers) == 0:
        raise DataError(f"{path}, row 2: the file has a header but no data rows")
    repeated = np.ones(len(row_numbers), dtype=bool)
    for name, column in columns.items():
        code = column.code_of(name)
        repeated &= False if code is None else column.codes == code
    if repeated.any():
        number = row_numbers[int(repeated.argmax())]
        raise DataError(f"{_where(path, int(number))}: the row repeats the header; delete it (were two exports "
                        "pasted together?)")
    return _checked(_Source(path, spec, table, columns, row_numbers))


def _checked(source: _Source) -> _Source:
    """The source, if no column its spec lists under ``atLeastOneValue`` is blank in every row."""
    for name in source.spec.get("atLeastOneValue", []):  # columns that may be blank, but not in every row
        column = source.columns[name]
        empty = column.code_of("")
        if empty is not None and (column.codes == empty).all():
            raise DataError(f"{_where(source.path, int(source.row_numbers[0]), name)}: every row leaves '{name}' "
                            "blank, so the file holds no data; fill the column in")
    return source


def _read_parquet(path: Path, spec: dict, table: str) -> _Source:
    """A Parquet file in place of a CSV: the same contract, its columns' types checked against the schema."""
    try:
        data = pa_parquet.read_table(path)
    except (pa.ArrowException, OSError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(f"{path}: the file is not a readable Parquet file ({first}); write it again, or export "
                        "a CSV instead") from None
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


# Normalising ----------------------------------------------------------------------------------------------


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
                raise DataError(f"{_where(source.path, source.row(position), name)}: value "
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
        raise DataError(f"{_where(source.path, source.row(position), name)}: the timestamp has no UTC "
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
            raise DataError(f"{_where(source.path, source.row(position), name)}: the timestamp is at "
                            f"UTC{offsets[column.codes[position]]} but earlier ones are at UTC{source.offset}; "
                            "write every timestamp of the file in one time zone")
    position = _first(column.rows((values != "") & ~with_offset))
    if position is not None and source.without_offset is None:
        source.without_offset = (position, name)
    column.remap(rewritten)


# Validating -----------------------------------------------------------------------------------------------

NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
INTEGER = r"^[+-]?\d+$"
TRUE_VALUES, FALSE_VALUES = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")


@dataclass
class _Typed:
    """A column's distinct values read as the contract's type: which are valid, and their typed values."""

    valid: np.ndarray  # bool per distinct value: empty, or of the column's type
    values: np.ndarray  # typed value per distinct value (NaN/NaT where empty or invalid)
    empty: np.ndarray  # bool per distinct value


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
    return f"duplicate key: {shown} is also in row {source.row(earlier)}; remove one of the two rows"


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
        raise DataError(f"{_where(source.path, source.row(position), column)}: {clause}")
    return typed


# Bounds and rules -----------------------------------------------------------------------------------------

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


def _load(sources: dict[str, _Source], bounds: Bounds) -> dict[str, pd.DataFrame]:
    """Validate sources together (so foreign keys are checked) and return their typed frames."""
    for source in sources.values():
        _normalise(source)
    typed = {name: _validate(source, sources, bounds) for name, source in sources.items()}
    return {name: _to_frame(source, typed[name]) for name, source in sources.items()}


def _table_file(folder: Path, name: str) -> Path:
    """The table's file: ``name.csv``, or ``name.parquet`` in its place (never both)."""
    csv_file, parquet_file = folder / f"{name}.csv", folder / f"{name}.parquet"
    if not parquet_file.exists():
        return csv_file
    if csv_file.exists():
        raise DataError(f"{parquet_file}: the folder holds both {csv_file.name} and {parquet_file.name}; keep one "
                        "of the two")
    return parquet_file


def load_tables(data_dir: str | Path, names: list[str] | None = None,
                bounds: str | Path | Mapping[str, tuple] | None = None) -> dict[str, pd.DataFrame]:
    """Validate and load tables from ``data_dir``; all tables of the contract if ``names`` is None.

    Tables referenced by a foreign key are validated too, so a lead whose rep
    does not exist is caught. Raises DataError on the first problem found.

    ``bounds`` overrides plausibility bounds: a bounds CSV (``table,column,minimum,maximum``) or a mapping
    such as ``{"approval_steps.touch_minutes": (0, 960)}`` (None keeps a bound). It takes precedence over a
    ``bounds.csv`` in the data folder, which takes precedence over the contract.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        if folder.exists():
            raise DataError(f"{folder}: this is a file, not a folder; pass the folder that holds the CSV files")
        raise DataError(f"{folder}: data folder not found")
    wanted = list(TABLES) if names is None else list(names)
    unknown = [name for name in wanted if name not in TABLES]
    if unknown:
        raise DataError(f"unknown table '{unknown[0]}'; the contract has: {', '.join(TABLES)}")
    overrides = _read_bounds(folder / BOUNDS_FILE, TABLES) if (folder / BOUNDS_FILE).is_file() else {}
    overrides.update(_bounds_argument(bounds, TABLES))
    sources = {name: _read(_table_file(folder, name), TABLES[name], f"table '{name}' (see data/README.md)", name)
               for name in _dependencies(wanted)}
    frames = _load(sources, overrides)
    return {name: frames[name] for name in wanted}


def present_tables(data_dir: str | Path, names: list[str]) -> list[str]:
    """Those of ``names`` whose file is in ``data_dir`` and loadable: every table its keys refer to is there too.

    For a page that shows what it can from a partial folder; ``load_tables`` then validates them.
    """
    folder = Path(data_dir)
    if not folder.is_dir():
        raise DataError(f"{folder}: data folder not found")
    on_disk = {name for name in TABLES if (folder / f"{name}.csv").is_file() or (folder / f"{name}.parquet").is_file()}
    return [name for name in names if set(_dependencies([name])) <= on_disk]


def load_csv(path: str | Path, spec: dict, bounds: Mapping[str, tuple] | None = None) -> pd.DataFrame:
    """Validate and load one CSV file against a table spec (fields and primary key, as in schema.TABLES).

    ``bounds`` overrides the spec's plausibility bounds, as ``{"file.column": (minimum, maximum)}``.
    """
    path = Path(path)
    overrides = _bounds_argument(bounds, {"file": spec})
    return _load({"file": _read(path, spec, "this file", "file")}, overrides)["file"]


#: The file a generated sample folder carries beside its tables: the effects its generator planted.
TRUTHS_FILE = "planted_truths.json"


def planted_truths(data_dir: str | Path) -> dict:
    """The planted effects a sample folder states in TRUTHS_FILE, or {} for a folder that has none (yours).

    Notebooks draw planted-truth overlays and score their estimates only when this is not empty.
    """
    path = Path(data_dir) / TRUTHS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def change_date(tables: Mapping[str, pd.DataFrame], change_id: str) -> pd.Timestamp:
    """Go-live of ``change_id`` in the folder's change log (``changes.csv``, loaded into ``tables``).

    Notebooks take every company-wide change date from here, so a reader's own change log gives that
    reader's dates; a missing row is a DataError that says which row to add.
    """
    if "changes" not in tables:
        raise DataError("changes.csv: the change log was not loaded; add 'changes' to the tables you load")
    changes = tables["changes"]
    row = changes.loc[changes["change_id"] == change_id, "go_live"]
    if row.empty:
        raise DataError(f"changes.csv: no row for change_id '{change_id}'; add one with the day it went live "
                        f"(change_id,system,go_live,description: {change_id},...,YYYY-MM-DD,...)")
    return pd.Timestamp(row.iloc[0])
