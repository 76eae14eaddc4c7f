"""CSV records: the delimiter, quoting, and the header and cell checks the careful reader makes."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from .errors import DataError, _expected, _where

MAX_CELL = 131_072  # 128 KB, the csv module's own field limit
LONG_LINE = re.compile(f"[^\r\n]{{{MAX_CELL + 1}}}")
# Control characters other than tab and line ends, and the invisible format characters that make two
# identifiers look the same: zero-width space, joiners, word joiner, a byte-order mark inside the text.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


FIRST_LINE = re.compile(r"[^\r\n]*")
NOT_BLANK = re.compile(r"[^ \t\r\n,;]")


OTHER_SEPARATORS = {";": "';' (semicolons)", "，": "full-width commas '，' (U+FF0C)",
                    "；": "full-width semicolons '；' (U+FF1B)", "|": "vertical bars '|'"}


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


def _records(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, list[str], int, int]]:
    """Yield (spreadsheet row, cells, lines spanned, line of the file it starts on) for every record; a bad quote
    raises a DataError.

    A spreadsheet shows a record whose quoted value holds line breaks as one row, so rows count records (header =
    row 1), not lines: after such a record the two differ, and :func:`_place` names both."""
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
            yield number, cells, reader.line_num - first_line, first_line + 1


def _place(row: int, line: int) -> int | str:
    """A row as a message names it: its spreadsheet row, and the file's line where a line break inside a quoted
    value earlier in the file makes the two differ (for a reader who opens the file in a text editor)."""
    return row if row == line else f"{row} (line {line} of the file)"


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


def _check_cells(path: Path, number: int | str, cells: list[str], labels: list[str], width: int, span: int,
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
            # A quoted value may hold line breaks (a ticket's description); one that swallowed lines shaped like
            # the file's rows is a quote left open.
            swallowed = [line for line in cell.splitlines()[1:] if line.count(delimiter) >= width - 1]
            if swallowed:
                raise DataError(f"{_where(path, number, label)}: the value runs over {cell.count(chr(10)) + 1} lines "
                                "(a quote (\") left open?); close the quote, or keep the value on one line")
        if position in wanted:
            invisible = INVISIBLE.search(cell)
            if invisible:
                char = invisible.group()
                name = "NUL" if char == "\x00" else unicodedata.name(char, f"control character {ord(char):#04x}")
                raise DataError(f"{_where(path, number, label)}: the value contains an invisible character "
                                f"(U+{ord(char):04X} {name}); delete it")
