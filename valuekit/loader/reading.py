"""Reading one file into a checked source: the fast column reader (Arrow) and the careful record reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

from .columns import _checked, _Column, _Source
from .encodings import _decode
from .errors import DataError, _expected, _where
from .mapping import _apply_values, _renamed, _TableMap
from .parquet import _read_parquet
from .records import (
    FIRST_LINE,
    INVISIBLE,
    LONG_LINE,
    MAX_CELL,
    NOT_BLANK,
    _check_cells,
    _check_header,
    _delimiter,
    _place,
    _records,
)
from .workbooks import WORKBOOK_SUFFIX, _sheet_rows

# The same control characters as bytes (an ASCII file is checked for them without decoding).
CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# White space that str.strip() removes beyond ASCII, in UTF-8: such files are read row by row.
NON_ASCII_SPACES = tuple(char.encode("utf-8") for char in "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                         "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _read(path: Path, spec: dict, what: str, table: str, table_map: _TableMap | None = None) -> _Source:
    """Decode, split and check one file, failing early and precisely on what a column check reports vaguely;
    `table_map` is the table's part of the folder's columns.toml."""
    if path.is_dir() or not path.exists():
        raise DataError(f"{path}: file not found; {what} is required")
    if path.suffix.lower() == ".parquet":
        source = _read_parquet(path, spec, table, lambda labels: _renamed(path, labels, table_map, _names(spec)))
    elif path.suffix.lower() == WORKBOOK_SUFFIX:
        source = _read_workbook(path, spec, table, table_map)
    else:
        source = _read_text(path, spec, table, table_map)
    return _apply_values(source, table_map)


def _header_labels(path: Path, table: str) -> list[str]:
    """The column names in a table file's header (stripped), read without reading its rows where it can."""
    if path.suffix.lower() == ".parquet":
        try:
            return [str(name).strip() for name in pa_parquet.read_schema(path).names]
        except (pa.ArrowException, OSError) as error:
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise DataError(f"{path}: the file is not a readable Parquet file ({first}); write it again, or export "
                            "a CSV instead") from None
    if path.suffix.lower() == WORKBOOK_SUFFIX:
        rows = _sheet_rows(path, table)[1]
        return [label.strip() for label in rows[0]] if rows else []
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: the file cannot be read ({error.strerror}); check its permissions") from None
    text = _decode(path, raw).lstrip("\ufeff")
    if NOT_BLANK.search(text) is None:
        return []
    _number, cells, _span, _line = next(_records(path, text, _delimiter(text)))
    return [label.strip() for label in cells]


def _names(spec: dict) -> list[str]:
    return [field["name"] for field in spec["fields"]]


def _read_text(path: Path, spec: dict, table: str, table_map: _TableMap | None) -> _Source:
    """A CSV or tab-separated file: the fast column reader if the file is plain, else the careful one."""
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
    _number, header_cells, _span, _line = next(records)
    labels = [label.strip().lstrip("\ufeff") for label in header_cells]
    if not any(labels):
        raise DataError(f"{path}, row 1: the header row is blank; put the column names on the first line "
                        f"({_expected(spec)})")
    labels = _renamed(path, labels, table_map, _names(spec))
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


def _read_workbook(path: Path, spec: dict, table: str, table_map: _TableMap | None = None) -> _Source:
    """An .xlsx file: its table's sheet through the careful reader, every cell checked as a CSV's are."""
    where, rows = _sheet_rows(path, path.stem if table == "file" else table)
    if not any(cell.strip() for row in rows for cell in row):
        raise DataError(f"{where}: the sheet is empty; expected a header row with {_expected(spec)}")
    labels = [label.strip() for label in rows[0]]
    if not any(labels):
        raise DataError(f"{where}, row 1: the header row is blank; put the column names in row 1 "
                        f"({_expected(spec)})")
    labels = _renamed(where, labels, table_map, _names(spec))
    _check_header(where, labels, spec)
    positions = [labels.index(field["name"]) for field in spec["fields"]]
    records = ((number, cells, 1, number) for number, cells in enumerate(rows[1:], start=2))
    return _read_rows(where, spec, table, "", records, labels, len(labels), positions, ",", careful=True)


def _read_rows(path: Path | str, spec: dict, table: str, text: str, records, labels: list[str], width: int,
               positions: list[int], delimiter: str, careful: bool = False) -> _Source:
    """The careful reader: record by record, naming the first row the contract cannot read unambiguously."""
    names = [field["name"] for field in spec["fields"]]
    wanted = set(positions)
    # Most exports need no look at single cells: no quotes, no invisible characters, no very long line.
    suspicious = careful or ('"' in text or INVISIBLE.search(text) is not None or not all(labels[:width])
                  or (len(text) > MAX_CELL and LONG_LINE.search(text) is not None))
    rows, row_numbers, lines = [], [], []
    for number, cells, span, line in records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of bare separators
        place = _place(number, line)
        if len(cells) < width:
            values = f"{len(cells)} value" + "s" * (len(cells) != 1)
            raise DataError(f"{_where(path, place)}: the row has {values} but the header has {width} columns; "
                            f"is a '{delimiter}' missing, or a value broken over two lines?")
        if suspicious or len(cells) > width:
            _check_cells(path, place, cells, labels, width, span, delimiter, wanted)
        row = _record_values(cells, positions, span)
        if row == names:
            raise DataError(f"{_where(path, place)}: the row repeats the header; delete it (were two exports "
                            "pasted together?)")
        rows.append(row)
        row_numbers.append(number)
        lines.append(line)
    return _rows_source(path, spec, table, rows, row_numbers, lines)


def _record_values(cells: list[str], positions: list[int], span: int) -> list[str]:
    """The contract's cells of a record, stripped; a line break inside a quoted value is read as a newline, whatever
    the file's line ends."""
    row = [cells[position].strip() for position in positions]
    if span > 1:
        row = [value.replace("\r\n", "\n").replace("\r", "\n") for value in row]
    return row


def _rows_source(path: Path | str, spec: dict, table: str, rows: list[list[str]], row_numbers: list[int],
                 lines: list[int]) -> _Source:
    """The checked source of the careful reader's rows; the file's lines kept where they differ from the rows."""
    if not rows:
        raise DataError(f"{path}, row 2: the file has a header but no data rows")
    names = [field["name"] for field in spec["fields"]]
    columns = {name: _Column.of([row[index] for row in rows]) for index, name in enumerate(names)}
    source = _Source(path, spec, table, columns, np.array(row_numbers, dtype=np.int64))
    if lines != row_numbers:
        source.lines = np.array(lines, dtype=np.int64)
    return _checked(source)


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
    plain = _plain_rows(body, delimiter, n_cells, width)
    del body
    if plain is None:
        return None
    cells, row_numbers, keep = plain
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
    _no_repeated_header(path, columns, row_numbers)
    return _checked(_Source(path, spec, table, columns, row_numbers))


def _plain_rows(body: bytes, delimiter: str, n_cells: int, width: int
                ) -> tuple[list[pa.ChunkedArray], np.ndarray, np.ndarray | None] | None:
    """Every cell of a plain file (LF line ends) as Arrow text columns, trimmed; each kept row's spreadsheet
    number; and which rows are kept (None: all). None if the careful reader must name a row."""
    frame = _arrow_split(body, delimiter, n_cells)
    if frame is None:
        return None
    spaces = b" " in body or (delimiter == "," and b"\t" in body)
    bare = n_cells > 1 and (delimiter * (n_cells - 1)).encode() in body
    long_cells = len(body) > MAX_CELL
    row_numbers = _line_numbers(body) if b"\n\n" in body else np.arange(2, frame.num_rows + 2, dtype=np.int64)
    if len(row_numbers) != frame.num_rows:
        return None
    cells = [pc.utf8_trim(frame[label], " \t") if spaces else frame[label] for label in frame.column_names]
    del frame
    if not _cells_fit(cells, width, long_cells):
        return None
    keep = _rows_kept(cells) if spaces or bare else None
    return cells, row_numbers if keep is None else row_numbers[keep], keep


def _arrow_split(body: bytes, delimiter: str, n_cells: int) -> pa.Table | None:
    """The data rows (after the header) as `n_cells` text columns, or None if Arrow finds a row that does not fit."""
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
    return None if invalid else frame


def _line_numbers(body: bytes) -> np.ndarray:
    """The spreadsheet row of each non-empty line after the header, in a file with blank lines (LF ends)."""
    breaks = np.flatnonzero(np.frombuffer(body, dtype=np.uint8) == 10)
    starts = np.concatenate([[0], breaks + 1])
    lengths = np.concatenate([breaks, [len(body)]]) - starts
    lines = np.flatnonzero(lengths > 0)
    return lines[lines > 0] + 1


def _cells_fit(cells: list[pa.ChunkedArray], width: int, long_cells: bool) -> bool:
    """Whether no cell is over MAX_CELL (checked only if the file is that long) and nothing is beyond the header."""
    if long_cells and any((pc.max(pc.binary_length(column)).as_py() or 0) > MAX_CELL for column in cells):
        return False
    return not any(pc.any(pc.not_equal(column, "")).as_py() for column in cells[width:])


def _rows_kept(cells: list[pa.ChunkedArray]) -> np.ndarray | None:
    """Which rows hold a value (rows of bare separators or spaces are dropped); None if every row does."""
    blank = None
    for column in cells:
        empty = pc.equal(column, "")
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is None or not pc.any(blank).as_py():
        return None
    return np.logical_not(blank.to_numpy(zero_copy_only=False))


def _no_repeated_header(path: Path, columns: dict[str, _Column], row_numbers: np.ndarray) -> None:
    """Raise on the first data row that repeats the header (two exports pasted together)."""
    repeated = np.ones(len(row_numbers), dtype=bool)
    for name, column in columns.items():
        code = column.code_of(name)
        repeated &= False if code is None else column.codes == code
    if repeated.any():
        number = row_numbers[int(repeated.argmax())]
        raise DataError(f"{_where(path, int(number))}: the row repeats the header; delete it (were two exports "
                        "pasted together?)")
