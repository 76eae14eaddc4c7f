"""Decoding a file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, GBK/GB18030, and nothing guessed."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from .errors import DataError, _where
from .records import _delimiter, _no_field_limit

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # .xlsx (zip) and .xls (OLE)


TYPOGRAPHIC = set("‘’“”–—…€")
TWO_BYTE = re.compile("[^\u0080-\u07ff]+")  # what is not a character of two bytes in UTF-8
THREE_BYTE = re.compile("[\x00-\u07ff]+")  # what is not a character of three or four bytes


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
    if raw.startswith(WORKBOOK_MAGIC[0]):
        raise DataError(f"{path}, row 1: the file is not text in UTF-8 or GBK/GB18030 but an Excel workbook "
                        f"(.xlsx); rename it {path.stem}.xlsx, which the loader reads, or save it as 'CSV UTF-8'")
    if raw.startswith(WORKBOOK_MAGIC[1]):
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
