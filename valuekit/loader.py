"""Read the company's tables from a data folder, validated against the data contract.

Every notebook reads data through :func:`load_tables`. Files are read as spreadsheets export them:
UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's "Unicode text"), or
GBK/GB18030 (Chinese Excel); comma- or tab-separated; CRLF, LF or CR line ends; blank lines and rows of bare
separators (what Excel leaves after deleted rows) anywhere; lines ending in a separator; dates as
YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日, timestamps with a space or a T, with or without seconds,
and with one UTC offset for the whole file (+08:00, which is dropped: the clock time is kept). The files are
only ever read: normalising happens on a temporary copy.

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
- **Values.** Types, constraints, keys and references as the contract states them (frictionless does these
  checks; its errors are read through their structured fields), then plausibility bounds and cross-field
  rules from :mod:`valuekit.schema`. The bounds can be overridden with a ``bounds.csv`` in the data folder
  (columns ``table,column,minimum,maximum``; a blank cell keeps the contract's bound) or the ``bounds``
  argument.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from frictionless import Dialect, Package, Resource, Schema

from .schema import DATE_RANGE, RULES, TABLES, table_schema

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


@dataclass
class _Source:
    """One user file, decoded and checked: the contract's columns of its non-blank rows, in contract order."""

    path: Path
    spec: dict
    table: str
    rows: list[list[str]]  # stripped cells of the contract's fields, in spec order
    row_numbers: list[int]  # the spreadsheet row of each entry of `rows` (header = 1)
    offset: str | None = None  # the UTC offset of the file's timestamps, if they carry one
    without_offset: tuple[int, str] | None = None  # (row index, column) of the first timestamp without one

    def row_of(self, staged_row: int) -> int:
        """The spreadsheet row of a row of the staged copy (whose header is row 1 and has no blank rows)."""
        return self.row_numbers[staged_row - 2]


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
    first_line = io.StringIO(text, newline="").readline()
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
    lines = io.StringIO(text, newline="").readlines()
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
                rest = "".join(lines[first_line:])
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
    """Decode, split and check one file, failing early and precisely on what the validator reports vaguely."""
    if path.is_dir() or not path.exists():
        raise DataError(f"{path}: file not found; {what} is required")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: the file cannot be read ({error.strerror}); check its permissions") from None
    text = _decode(path, raw)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip(" \t\r\n,;"):
        raise DataError(f"{path}: the file is empty; expected a header row with {_expected(spec)}")
    delimiter = _delimiter(text)
    records = _records(path, text, delimiter)
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
    for name in spec.get("atLeastOneValue", []):  # columns that may be blank, but not in every row
        position = names.index(name)
        if not any(row[position] for row in rows):
            raise DataError(f"{_where(path, row_numbers[0], name)}: every row leaves '{name}' blank, so the file "
                            "holds no data; fill the column in")
    return _Source(path, spec, table, rows, row_numbers)


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


def _normalise(source: _Source) -> None:
    """Rewrite accepted spellings in place: dates and timestamps as ISO text, whole numbers such as '3.0'
    in integer columns as '3'. Values in no accepted spelling are left for the validator to name."""
    fields = source.spec["fields"]
    for index, spec_field in enumerate(fields):
        kind = spec_field["type"]
        if kind not in ("date", "datetime", "integer", "number"):
            continue
        name = spec_field["name"]
        for row_index, row in enumerate(source.rows):
            value = row[index]
            if not value:
                continue
            if kind == "integer":
                if WHOLE_FLOAT.match(value):
                    row[index] = value.split(".")[0]
            elif kind == "number":
                if value.casefold() in NOT_FINITE:
                    raise DataError(f"{_where(source.path, source.row_numbers[row_index], name)}: value '{value}' "
                                    "is not a finite number; write a number, or leave the cell empty if allowed")
            elif kind == "date":
                if not ISO_DATE.match(value):
                    midnight = MIDNIGHT.match(value)
                    row[index] = _parse_stamp(midnight.group(1) if midnight else value, False) or value
            else:
                offset = None if ISO_DATETIME.match(value) else UTC_OFFSET.match(value)
                if offset:
                    value = _offset_free(source, row_index, name, *offset.groups())
                else:
                    source.without_offset = source.without_offset or (row_index, name)
                if not ISO_DATETIME.match(value):
                    row[index] = _parse_stamp(value, True) or row[index]
                else:
                    row[index] = value
    if source.offset is not None and source.without_offset is not None:
        row_index, name = source.without_offset
        raise DataError(f"{_where(source.path, source.row_numbers[row_index], name)}: the timestamp has no UTC "
                        f"offset but others in the file are at UTC{source.offset}; write every timestamp "
                        "of the file in the same way")


def _offset_free(source: _Source, row_index: int, name: str, clock: str, offset: str) -> str:
    """The clock time of a timestamp with a UTC offset; every timestamp of a file must share one offset."""
    offset = "+00:00" if offset == "Z" else offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"
    first = source.offset = source.offset or offset
    if offset != first:
        raise DataError(f"{_where(source.path, source.row_numbers[row_index], name)}: the timestamp is at UTC{offset} "
                        f"but earlier ones are at UTC{first}; write every timestamp of the file in one time zone")
    return clock


# Validating -----------------------------------------------------------------------------------------------


def _stage(source: _Source, folder: Path, name: str) -> Resource:
    """Write the normalised contract columns into `folder` and describe them for the validator."""
    staged = folder / f"{name}.csv"
    names = [spec_field["name"] for spec_field in source.spec["fields"]]
    with staged.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(source.rows)
    schema = table_schema(source.spec)
    schema["fields"] = [{key: value for key, value in spec_field.items() if key != "plausible"}
                        for spec_field in schema["fields"]]
    schema.pop("rules", None)
    return Resource(name=name, path=staged.name, basepath=str(folder), format="csv", encoding="utf-8",
                    schema=Schema.from_descriptor(schema), dialect=Dialect())


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


def _duplicate_clause(source: _Source, staged_row: int, columns: list[str]) -> str:
    names = [spec_field["name"] for spec_field in source.spec["fields"]]
    positions = [names.index(column) for column in columns]
    key = [source.rows[staged_row - 2][position] for position in positions]
    first = next(index for index, row in enumerate(source.rows) if [row[p] for p in positions] == key)
    shown = ", ".join(f"{column} '{value}'" for column, value in zip(columns, key, strict=True))
    return f"duplicate key: {shown} is also in row {source.row_numbers[first]}; remove one of the two rows"


def _raise_first_error(report, sources: dict[str, _Source]) -> None:
    for task in report.tasks:
        if task.valid:
            continue
        source = sources[task.name]
        error = task.errors[0]
        kind = error.type
        if kind in ("type-error", "constraint-error", "unique-error", "primary-key", "foreign-key"):
            row = source.row_of(error.row_number)
        else:  # a file-level problem of the staged copy: the loader's own fault
            raise DataError(f"{source.path}: {error.message}")
        fields = {spec_field["name"]: spec_field for spec_field in source.spec["fields"]}
        if kind == "type-error":
            clause, column = _type_clause(error.cell, fields[error.field_name]), error.field_name
        elif kind == "constraint-error":
            clause, column = _constraint_clause(error.cell, fields[error.field_name]), error.field_name
        elif kind == "unique-error":
            clause, column = _duplicate_clause(source, error.row_number, [error.field_name]), error.field_name
        elif kind == "primary-key":
            key = source.spec["primaryKey"]
            clause, column = _duplicate_clause(source, error.row_number, key), key[-1]
        else:
            column = error.field_names[0]
            cells = ", ".join(f"'{cell}'" for cell in error.field_cells)
            target = f"{error.reference_name}.{', '.join(error.reference_field_names)}"
            clause = (f"refers to a row that does not exist: {cells} is not in {target}; add it there or fix "
                      "the value")
        raise DataError(f"{_where(source.path, row, column)}: {clause}")


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
    for number, (table, column, minimum, maximum) in zip(source.row_numbers, source.rows, strict=True):
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


def _check_bounds(source: _Source, frame: pd.DataFrame, bounds: Bounds) -> None:
    """Raise on the first value outside its plausible range (frame: the staged columns as text)."""
    fix = BOUNDS_FIX_ONE_FILE if source.table == "file" else BOUNDS_FIX
    for index, spec_field in enumerate(source.spec["fields"]):
        limits = _plausible(spec_field, source.table, bounds)
        if not limits:
            continue
        name = spec_field["name"]
        text = frame[name]
        present = text != ""
        if spec_field["type"] in ("date", "datetime"):
            day = text.str[:10]
            low = present & (day < limits.get("minimum", DATE_LIMITS[0]))
            high = present & (day > limits.get("maximum", DATE_LIMITS[1]))
        else:
            values = pd.to_numeric(text.where(present, None)).astype("float64")
            low = values < limits.get("minimum", -math.inf)
            high = values > limits.get("maximum", math.inf)
        for mask, side, limit in ((low, "below the plausible minimum", limits.get("minimum")),
                                  (high, "above the plausible maximum", limits.get("maximum"))):
            if mask.any():
                position = int(mask.to_numpy().argmax())
                shown = f"{limit:,.0f}" if isinstance(limit, (int, float)) and float(limit).is_integer() else limit
                raise DataError(f"{_where(source.path, source.row_numbers[position], name)}: value "
                                f"'{source.rows[position][index]}' is {side} {shown}; {fix}")


def _check_rules(source: _Source, frame: pd.DataFrame) -> None:
    """Raise on the first row that breaks a cross-field rule (frame: typed)."""
    names = [spec_field["name"] for spec_field in source.spec["fields"]]
    for rule in source.spec.get("rules", []):
        column, other = frame[rule["field"]], frame[rule["other"]]
        broken = (column < other) if RULES[rule["rule"]] == ">=" else (column > other)
        broken = broken.fillna(False).astype(bool)
        if broken.any():
            position = int(broken.to_numpy().argmax())
            row = source.rows[position]
            relation = "before" if rule["rule"] == "notBefore" else "more than"
            value, other_value = row[names.index(rule["field"])], row[names.index(rule["other"])]
            raise DataError(f"{_where(source.path, source.row_numbers[position], rule['field'])}: value '{value}' is "
                            f"{relation} {rule['other']} '{other_value}' on the same row ({rule['why']}); fix the "
                            "one that is wrong")


def _to_frame(path: Path, source: _Source, bounds: Bounds) -> pd.DataFrame:
    """Typed DataFrame from a validated, normalised copy: contract columns only, in contract order."""
    fields = source.spec["fields"]
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _check_bounds(source, frame, bounds)
    for spec_field in fields:
        column = frame[spec_field["name"]].replace("", None)
        kind = spec_field["type"]
        if kind == "integer":
            dtype = "int64" if spec_field["constraints"]["required"] else "Int64"
            frame[spec_field["name"]] = pd.to_numeric(column).astype(dtype)
        elif kind == "number":
            frame[spec_field["name"]] = pd.to_numeric(column).astype("float64")
        elif kind == "boolean":
            frame[spec_field["name"]] = column.str.lower().isin(["true", "1"])
        elif kind == "date":
            frame[spec_field["name"]] = pd.to_datetime(column, format="%Y-%m-%d")
        elif kind == "datetime":
            frame[spec_field["name"]] = pd.to_datetime(column, format=spec_field["format"])
        else:
            frame[spec_field["name"]] = column.astype("string")
    _check_rules(source, frame)
    return frame


def _load(sources: dict[str, _Source], bounds: Bounds) -> dict[str, pd.DataFrame]:
    """Validate sources together (so foreign keys are checked) and return their typed frames."""
    for source in sources.values():
        _normalise(source)
    with tempfile.TemporaryDirectory(prefix="valuekit-") as scratch:
        folder = Path(scratch)
        package = Package(resources=[_stage(source, folder, name) for name, source in sources.items()])
        _raise_first_error(package.validate(limit_errors=1), sources)
        return {name: _to_frame(folder / f"{name}.csv", source, bounds) for name, source in sources.items()}


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
    sources = {
        name: _read(folder / f"{name}.csv", TABLES[name], f"table '{name}' (see data/README.md)", name)
        for name in _dependencies(wanted)
    }
    frames = _load(sources, overrides)
    return {name: frames[name] for name in wanted}


def load_csv(path: str | Path, spec: dict, bounds: Mapping[str, tuple] | None = None) -> pd.DataFrame:
    """Validate and load one CSV file against a table spec (fields and primary key, as in schema.TABLES).

    ``bounds`` overrides the spec's plausibility bounds, as ``{"file.column": (minimum, maximum)}``.
    """
    path = Path(path)
    overrides = _bounds_argument(bounds, {"file": spec})
    return _load({"file": _read(path, spec, "this file", "file")}, overrides)["file"]
