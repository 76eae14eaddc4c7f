"""A corpus of messy exports, generated from the sample data, each with the loader's exact answer.

Every case starts from a small, valid export folder (the first rows of each sample table, keys intact) and
spoils or reshapes one file the way spreadsheets, hand edits and other systems do. A case expects either one
exact line (file, row, column, fix), or exact acceptance: the loaded table equals the clean one (or a stated
variant of it). ``python -m tests.bad_exports FOLDER`` writes the whole corpus out for a look.
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from valuekit import load_tables
from valuekit.loader import load_csv
from valuekit.positioning import ANSWERS_FILE
from valuekit.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
TEMPLATE = ROOT / "book" / "part2" / "self-assessment-template.csv"
FIRST_ROWS = 12  # data rows kept per large table


# The clean small export ---------------------------------------------------------------------------------


WHOLE_TABLES = ("staff",)  # kept whole: reviews and approvals name people from all over the roster


def write_small_export(folder: Path) -> Path:
    """The sample company cut to its first rows, with every foreign key still resolving.

    Tables are written in contract order, so a table's rows are first narrowed to those whose keys point at
    rows already kept (every step of the kept approvals, the grants of the kept accounts), then a large one is
    cut to its first rows.
    """
    folder.mkdir(parents=True, exist_ok=True)
    kept: dict[tuple[str, str], set[str]] = {}
    for name, spec in TABLES.items():
        lines = (DATA_DIR / f"{name}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        header = next(csv.reader(lines[:1]))
        for foreign in spec.get("foreignKeys", []):
            column = header.index(foreign["fields"][0])
            targets = kept[(foreign["reference"]["resource"], foreign["reference"]["fields"][0])]
            lines = lines[:1] + [line for line in lines[1:]
                                 if next(csv.reader([line]))[column] in targets | {""}]
        if len(lines) > 100 and name not in WHOLE_TABLES:
            lines = lines[: FIRST_ROWS + 1]
        rows = list(csv.reader(lines[1:]))
        for index, column in enumerate(header):
            kept[(name, column)] = {row[index] for row in rows}
        (folder / f"{name}.csv").write_text("".join(lines), encoding="utf-8")
    return folder


# Editing helpers ------------------------------------------------------------------------------------------


def text(folder: Path, table: str) -> str:
    return (folder / f"{table}.csv").read_text(encoding="utf-8")


def put(folder: Path, table: str, content: str | bytes, encoding: str = "utf-8") -> None:
    raw = content if isinstance(content, bytes) else content.encode(encoding)
    (folder / f"{table}.csv").write_bytes(raw)


def edit(table: str, row: int, old: str, new: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    """Replace `old` by `new` on one row (header = 1) and save in `encoding`."""

    def apply(folder: Path) -> None:
        lines = text(folder, table).split("\n")
        assert old in lines[row - 1], (table, row, old)
        lines[row - 1] = lines[row - 1].replace(old, new, 1)
        put(folder, table, "\n".join(lines), encoding)

    return apply


def transform(table: str, change: Callable[[str], str | bytes]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        put(folder, table, change(text(folder, table)))

    return apply


def lines_of(change: Callable[[list[str]], list[str]]) -> Callable[[str], str]:
    """A text transform from a transform of its lines (the final empty line is left out and put back)."""
    return lambda content: "\n".join(change(content.rstrip("\n").split("\n"))) + "\n"


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        for step in steps:
            step(folder)

    return apply


def bounds_file(content: str) -> Callable[[Path], None]:
    return lambda folder: (folder / "bounds.csv").write_text(content, encoding="utf-8")


def chinese_teams(content: str) -> str:
    return content.replace(",North,", ",华北团队,").replace(",East,", ",华东团队,")


def answers_template(folder: Path) -> None:
    shutil.copy(TEMPLATE, folder / "answers.csv")


# Checks of accepted files ---------------------------------------------------------------------------------


def same_as_clean(clean: dict[str, pd.DataFrame], loaded: dict[str, pd.DataFrame], table: str) -> None:
    pd.testing.assert_frame_equal(loaded[table], clean[table])


def clean_with(**columns) -> Callable[[dict, dict, str], None]:
    """The clean table with some columns replaced by other values, row by row."""

    def check(clean: dict[str, pd.DataFrame], loaded: dict[str, pd.DataFrame], table: str) -> None:
        expected = clean[table].copy()
        for name, values in columns.items():
            expected[name] = pd.Series(values, dtype=expected[name].dtype)
        pd.testing.assert_frame_equal(loaded[table], expected)

    return check


@dataclass(frozen=True)
class Case:
    """One messy export: how to make it from the clean folder, and what the loader must answer."""

    name: str
    table: str  # the table loaded (its file is `{file}` in the message)
    make: Callable[[Path], None]
    message: str | None = None  # the exact line; {file} is the table's path, {dir} the folder
    accepts: Callable[[dict, dict, str], None] | None = None
    load: Callable[[Path, str], dict] = field(default=lambda folder, table: load_tables(folder, [table]))

    def expected(self, folder: Path) -> str:
        assert self.message is not None
        return self.message.replace("{file}", str(folder / f"{self.table}.csv")).replace("{dir}", str(folder))


def with_bounds_argument(folder: Path, table: str) -> dict:
    return load_tables(folder, [table], bounds={"approval_steps.touch_minutes": (None, 1_000)})


def as_answers(folder: Path, table: str) -> dict:
    return {table: load_csv(folder / "answers.csv", ANSWERS_FILE)}


ACCEPTED_DATES = "write dates as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日"
BOUNDS_FIX = "if the value is right, raise the bound in bounds.csv in the data folder (table,column,minimum,maximum)"

CASES = [
    # Encodings: read exactly, or refused with the fix; never guessed.
    Case("latin1-reads-as-gb18030", "sales_teams", edit("sales_teams", 2, "North", "Équipe Nord", "latin-1"),
         "{file}, row 2, column 'team_name': the file looks like Latin-1/Windows-1252 text ('Équipe'), which the "
         "loader does not read; save it as 'CSV UTF-8' and retry"),
    Case("latin1-before-a-separator", "sales_teams", edit("sales_teams", 3, ",East,", ",Café,", "latin-1"),
         "{file}, row 3, column 'team_name': the file looks like Latin-1/Windows-1252 text ('Café'), which the "
         "loader does not read; save it as 'CSV UTF-8' and retry"),
    Case("portuguese-pair-of-accents", "sales_teams", edit("sales_teams", 4, "Shenzhen", "Informação", "latin-1"),
         "{file}, row 4, column 'city': the file looks like Latin-1/Windows-1252 text ('Informação'), which the "
         "loader does not read; save it as 'CSV UTF-8' and retry"),
    Case("cp1252-smart-quotes", "pm_team", edit("pm_team", 2, "Chen Yu", "“Chen” Yu", "cp1252"),
         "{file}, row 2, column 'name': the file looks like Latin-1/Windows-1252 text ('“Chen”'), which the loader "
         "does not read; save it as 'CSV UTF-8' and retry"),
    Case("utf8-with-one-gbk-cell", "sales_teams",
         transform("sales_teams", lambda content: chinese_teams(content).encode("utf-8").replace(
             "华东团队".encode("utf-8"), "华东团队".encode("gbk"))),
         "{file}, row 3, column 'team_name': the file is UTF-8 but this value is not (pasted from a file in "
         "another encoding?); retype it, or save the whole file as 'CSV UTF-8' again"),
    Case("gb18030-beyond-gbk", "sales_teams",
         transform("sales_teams", lambda content: content.replace(",North,", ",䶮㐀𠀀团队,").encode("gb18030")),
         accepts=clean_with(team_name=["䶮㐀𠀀团队", "East", "South", "West", "Central", "Partners"])),
    Case("gbk-tab-separated", "sales_teams",
         transform("sales_teams", lambda content: chinese_teams(content).replace(",", "\t").encode("gbk")),
         accepts=clean_with(team_name=["华北团队", "华东团队", "South", "West", "Central", "Partners"])),
    Case("utf16-excel-unicode-text", "sales_teams",
         transform("sales_teams", lambda content: chinese_teams(content).replace(",", "\t").replace(
             "\n", "\r\n").encode("utf-16")),
         accepts=clean_with(team_name=["华北团队", "华东团队", "South", "West", "Central", "Partners"])),
    Case("utf16-without-bom", "sales_teams", transform("sales_teams", lambda content: content.encode("utf-16-le")),
         "{file}, row 1: the file looks like UTF-16 text without a byte-order mark; save it as 'CSV UTF-8' and "
         "retry"),
    Case("old-excel-workbook", "wages", transform("wages", lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)),
         "{file}, row 1: the file is not text in UTF-8 or GBK/GB18030 but an Excel workbook; save it as "
         "'CSV UTF-8' and retry"),
    Case("bom-then-gbk", "sales_teams",
         transform("sales_teams", lambda content: b"\xef\xbb\xbf" + chinese_teams(content).encode("gbk")),
         "{file}, row 2, column 'team_name': the file is UTF-8 but this value is not (pasted from a file in "
         "another encoding?); retype it, or save the whole file as 'CSV UTF-8' again"),
    # Blank rows, bare separators, blank files.
    Case("bare-commas-in-an-integer-table", "customers_monthly",
         transform("customers_monthly", lines_of(lambda lines: lines[:3] + [",,,,,,"] + lines[3:] + [",,,,,,"] * 3)),
         accepts=same_as_clean),
    Case("bare-commas-in-leads", "leads",
         transform("leads", lines_of(lambda lines: lines[:5] + [",,,,,", " , ,,,,"] + lines[5:] + [",,,,,"]))
         , accepts=same_as_clean),
    Case("bare-commas-keep-row-numbers", "customers_monthly",
         both(transform("customers_monthly", lines_of(lambda lines: lines[:2] + [",,,,,,"] * 2 + lines[2:])),
              edit("customers_monthly", 6, ",99.0,", ",ninety-nine,")),
         "{file}, row 6, column 'list_price_cny_per_seat': value 'ninety-nine' is not a number"),
    Case("only-separators", "wages", transform("wages", lambda _: ",\n,\n\n"),
         "{file}: the file is empty; expected a header row with columns role, loaded_hourly_cost_cny"),
    Case("header-then-bare-commas", "wages", transform("wages", lambda content: content.split("\n")[0] + "\n,\n,\n"),
         "{file}, row 2: the file has a header but no data rows"),
    Case("blank-answers-file", "answers", answers_template,
         "{dir}/answers.csv, row 2, column 'agreement': every row leaves 'agreement' blank, so the file holds no "
         "data; fill the column in", load=as_answers),
    Case("blank-first-line", "wages", transform("wages", lambda content: "\n" + content),
         "{file}, row 1: the header row is blank; put the column names on the first line (columns role, "
         "loaded_hourly_cost_cny)"),
    # Invisible characters.
    Case("nul-inside-an-id", "sales_reps", edit("sales_reps", 3, "R02", "R0\x002"),
         "{file}, row 3, column 'rep_id': the value contains an invisible character (U+0000 NUL); delete it"),
    Case("zero-width-space-in-an-id", "sales_teams", edit("sales_teams", 2, "T1,", "T1\u200b,"),
         "{file}, row 2, column 'team_id': the value contains an invisible character (U+200B ZERO WIDTH SPACE); "
         "delete it"),
    # Plausibility bounds, and overriding them.
    Case("resolution-hours-1e9", "tickets", edit("tickets", 2, ",19.18", ",1e9"),
         "{file}, row 2, column 'resolution_hours': value '1e9' is above the plausible maximum 8,760; " + BOUNDS_FIX),
    Case("touch-minutes-1e9", "approval_steps", edit("approval_steps", 3, ",13.4", ",1000000000"),
         "{file}, row 3, column 'touch_minutes': value '1000000000' is above the plausible maximum 480; "
         + BOUNDS_FIX),
    Case("bounds-file-raises-a-bound", "approval_steps",
         both(edit("approval_steps", 3, ",13.4", ",600"),
              bounds_file("table,column,minimum,maximum\napproval_steps,touch_minutes,,1000\n")),
         accepts=lambda clean, loaded, table: clean_with(
             touch_minutes=[11.0, 600.0, *clean[table]["touch_minutes"][2:]])(clean, loaded, table)),
    Case("bounds-argument-raises-a-bound", "approval_steps", edit("approval_steps", 3, ",13.4", ",600"),
         accepts=lambda clean, loaded, table: clean_with(
             touch_minutes=[11.0, 600.0, *clean[table]["touch_minutes"][2:]])(clean, loaded, table),
         load=with_bounds_argument),
    Case("bounds-file-unknown-column", "wages", bounds_file("table,column,minimum,maximum\nwages,hourly,,900\n"),
         "{dir}/bounds.csv, row 2, column 'column': value 'hourly' is not a number or date column of table "
         "'wages'; bounds apply to those only"),
    Case("bounds-file-not-a-number", "wages",
         bounds_file("table,column,minimum,maximum\nwages,loaded_hourly_cost_cny,,lots\n"),
         "{dir}/bounds.csv, row 2, column 'maximum': value 'lots' is not a number"),
    Case("typo-year-0219", "sales_reps", edit("sales_reps", 2, "2019-09-02", "0219-09-02"),
         "{file}, row 2, column 'hired_on': value '0219-09-02' is below the plausible minimum 1970-01-01; "
         + BOUNDS_FIX),
    Case("typo-year-2203", "leads", edit("leads", 4, "2023-01-02", "2203-01-02"),
         "{file}, row 4, column 'created_on': value '2203-01-02' is above the plausible maximum 2100-12-31; "
         + BOUNDS_FIX),
    Case("negative-duration", "tickets", edit("tickets", 3, ",12.86", ",-3"),
         "{file}, row 3, column 'resolution_hours': value '-3' is below the minimum 0"),
    # Cross-field rules.
    Case("completed-before-submitted", "approvals", edit("approvals", 3, "2023-01-05T01:42:00", "2023-01-01 08:00"),
         "{file}, row 3, column 'completed_at': value '2023-01-01T08:00:00' is before submitted_at "
         "'2023-01-02T09:19:00' on the same row (a request cannot be completed before it is submitted); fix the one "
         "that is wrong"),
    Case("more-opens-than-audience", "push_campaigns", edit("push_campaigns", 4, ",6458", ",147514"),
         "{file}, row 4, column 'opens': value '147514' is more than audience '147513' on the same row (a push "
         "cannot be opened by more users than it was sent to); fix the one that is wrong"),
    # The header.
    Case("extra-column-and-other-order", "sales_teams",
         transform("sales_teams", lines_of(lambda lines: [",".join(["note", *line.split(",")[::-1]]) for line in
                                                          lines])), accepts=same_as_clean),
    Case("duplicate-extra-column", "sales_teams",
         transform("sales_teams", lines_of(lambda lines: [lines[0] + ",note,note"] + [line + ",a,b" for line in
                                                                                      lines[1:]])),
         "{file}, row 1, column 'note': the header names two columns 'note' (columns 5 and 6); rename or delete "
         "one"),
    Case("duplicate-contract-column", "sales_teams",
         transform("sales_teams", lines_of(lambda lines: [lines[0] + ",city"] + [line + ",X" for line in lines[1:]])),
         "{file}, row 1, column 'city': the header names two columns 'city' (columns 3 and 5); rename or delete "
         "one"),
    Case("header-in-another-case", "wages", edit("wages", 1, "role", "Role"),
         "{file}, row 1, column 'role': column missing from the header (the header has 'Role'; column names are "
         "exact, in lower case); expected columns role, loaded_hourly_cost_cny"),
    Case("full-width-commas", "wages", transform("wages", lambda content: content.replace(",", "，")),
         "{file}, row 1, column 'role': column missing from the header (is it separated by full-width commas '，' "
         "(U+FF0C)? use commas ',' or tabs); expected columns role, loaded_hourly_cost_cny"),
    Case("missing-table", "wages", lambda folder: (folder / "wages.csv").unlink(),
         "{file}: file not found; table 'wages' (see data/README.md) is required"),
    Case("header-repeated-mid-file", "wages",
         transform("wages", lines_of(lambda lines: lines[:4] + [lines[0]] + lines[4:]))
         , "{file}, row 5: the row repeats the header; delete it (were two exports pasted together?)"),
    # Rows that do not fit the header.
    Case("every-line-ends-in-a-comma", "sales_teams",
         transform("sales_teams", lines_of(lambda lines: [line + "," for line in lines])), accepts=same_as_clean),
    Case("data-lines-end-in-a-comma", "approvals",
         transform("approvals", lines_of(lambda lines: lines[:1] + [line + "," for line in lines[1:]])),
         accepts=same_as_clean),
    Case("value-beyond-the-header", "wages", edit("wages", 3, "approver,260.0", "approver,260.0,HR"),
         "{file}, row 3, column 3: value 'HR' is beyond the last column of the header (2 columns); if a value holds "
         "a ',', put it in quotes"),
    Case("unquoted-comma-in-a-name", "pm_team", edit("pm_team", 3, "Li Na", "Li, Na"),
         "{file}, row 3, column 5: value 'service_desk' is beyond the last column of the header (4 columns); if a "
         "value holds a ',', put it in quotes"),
    Case("row-too-short", "wages", edit("wages", 3, "approver,260.0", "approver"),
         "{file}, row 3: the row has 1 value but the header has 2 columns; is a ',' missing, or a value broken "
         "over two lines?"),
    Case("value-under-a-blank-header-cell", "wages",
         transform("wages", lines_of(lambda lines: [lines[0].replace(",", ",,")]
                                     + [line.replace(",", ",note," if i == 2 else ",,") for i, line in
                                        enumerate(lines[1:], start=1)])),
         "{file}, row 3, column 2: value 'note' sits under a blank header cell; name the column in row 1 or delete "
         "the value"),
    Case("empty-unnamed-column", "wages",
         transform("wages", lines_of(lambda lines: [line.replace(",", ",,") for line in lines])),
         accepts=same_as_clean),
    # Quotes and long cells.
    Case("quote-never-closed", "sales_teams", edit("sales_teams", 3, ",East,", ',"East,'),
         "{file}, row 3, column 'team_name': the quote (\") that opens this value on line 3 is never closed; close "
         "it or delete it"),
    Case("quote-closed-rows-later", "sales_teams",
         both(edit("sales_teams", 3, ",East,", ',"East,'), edit("sales_teams", 5, ",West,", ',West",')),
         "{file}, row 3, column 'team_name': the value runs over 3 lines (a quote (\") left open?); close the quote, "
         "or keep the value on one line"),
    Case("text-after-a-closing-quote", "sales_teams", edit("sales_teams", 4, ",South,", ',"South" team,'),
         "{file}, row 4, column 'team_name': text follows the closing quote of a quoted value; write a quote inside a "
         "value as two quotes (\"\"), or remove it"),
    Case("quoted-values-and-doubled-quotes", "pm_team",
         edit("pm_team", 2, "PM01,Chen Yu,0.5,crm", '"PM01","Chen ""CY"" Yu","0.5","crm"'),
         accepts=lambda clean, loaded, table: clean_with(
             name=['Chen "CY" Yu', *clean[table]["name"][1:]])(clean, loaded, table)),
    Case("space-after-each-comma", "sales_teams",
         transform("sales_teams", lambda content: content.replace(",East,", ',"East",').replace(",", ", ")),
         accepts=same_as_clean),
    Case("cell-over-128-kb", "pm_team", edit("pm_team", 4, "Wang Lei", "W" * 200_000),
         "{file}, row 4, column 'name': the value is 200,000 characters long, more than 131,072 (128 KB); is a quote "
         "(\") left open? shorten the value or close the quote"),
    Case("multi-line-note-in-an-extra-column", "wages",
         transform("wages", lines_of(lambda lines: [lines[0] + ",note", lines[1] + ',"line one\nline two"']
                                     + [line + "," for line in lines[2:]])), accepts=same_as_clean),
    # Dates and timestamps.
    Case("day-first-dates", "sales_reps", edit("sales_reps", 3, "2020-05-02", "02/05/2020"),
         f"{{file}}, row 3, column 'hired_on': value '02/05/2020' is not a date; {ACCEPTED_DATES}"),
    Case("excel-serial-date", "sales_reps", edit("sales_reps", 2, "2019-09-02", "43710"),
         f"{{file}}, row 2, column 'hired_on': value '43710' is not a date; {ACCEPTED_DATES} (this looks like an "
         "Excel serial number: format the column as a date before saving)"),
    Case("dates-as-midnight-timestamps", "sales_teams",
         transform("sales_teams", lambda content: content.replace("-03\n", "-03 00:00:00\n")), accepts=same_as_clean),
    Case("timestamps-at-plus-eight", "approvals",
         both(transform("approvals", lambda content: content.replace(":00,", ":00+08:00,")),
              edit("approvals", 3, "+08:00", " +0800")), accepts=same_as_clean),
    Case("two-time-zones", "approvals", both(
        transform("approvals", lambda content: content.replace(":00,", ":00+08:00,")),
        edit("approvals", 5, "+08:00", "Z")),
         "{file}, row 5, column 'submitted_at': the timestamp is at UTC+00:00 but earlier ones are at UTC+08:00; "
         "write every timestamp of the file in one time zone"),
    Case("some-timestamps-with-offset", "approvals", edit("approvals", 4, "2023-01-02T10:24:00",
                                                          "2023-01-02T10:24:00+08:00"),
         "{file}, row 2, column 'submitted_at': the timestamp has no UTC offset but others in the file are at "
         "UTC+08:00; write every timestamp of the file in the same way"),
    Case("cr-line-endings", "wages", transform("wages", lambda content: content.replace("\n", "\r")),
         accepts=same_as_clean),
    # Numbers, booleans and categories.
    Case("thousands-separator", "approvals", edit("approvals", 3, ",12250.0,", ',"12,250.0",'),
         "{file}, row 3, column 'amount_cny': value '12,250.0' is not a number; remove thousands separators and "
         "write decimals with a dot"),
    Case("currency-sign", "approvals", edit("approvals", 2, ",1480.0,", ",¥1480,"),
         "{file}, row 2, column 'amount_cny': value '¥1480' is not a number; remove units, currency signs and "
         "spaces"),
    Case("infinite-number", "wages", edit("wages", 4, "150.0", "inf"),
         "{file}, row 4, column 'loaded_hourly_cost_cny': value 'inf' is not a finite number; write a number, or "
         "leave the cell empty if allowed"),
    Case("null-placeholder", "leads", edit("leads", 3, "false,", "false,NULL"),
         "{file}, row 3, column 'deal_value_cny': value 'NULL' is not a number; leave the cell empty for no value"),
    Case("integers-written-as-floats", "approvals",
         transform("approvals", lambda content: content.replace(",3\n", ",3.0\n")), accepts=same_as_clean),
    Case("yes-no-booleans", "leads", edit("leads", 2, ",true,", ",yes,"),
         "{file}, row 2, column 'converted': value 'yes' is not a boolean; write TRUE/FALSE or 1/0"),
    Case("excel-booleans", "leads", transform("leads", lambda content: content.replace(",true,", ",TRUE,").replace(
        ",false,", ",0,")), accepts=same_as_clean),
    Case("category-in-another-case", "approvals", edit("approvals", 2, ",discount,", ",Discount,"),
         "{file}, row 2, column 'request_type': value 'Discount' is not one of the allowed values; write 'discount' "
         "(in lower case)"),
    # Keys.
    Case("duplicate-key", "wages", transform("wages", lines_of(lambda lines: lines + [lines[2]])),
         "{file}, row 8, column 'role': duplicate key: role 'approver' is also in row 3; remove one of the two rows"),
    Case("duplicate-composite-key", "approval_steps",
         transform("approval_steps", lines_of(lambda lines: lines[:3] + [lines[1]] + lines[3:])),
         "{file}, row 4, column 'step': duplicate key: request_id 'A00001', step '1' is also in row 2; remove one "
         "of the two rows"),
    Case("unknown-reference", "sales_reps", edit("sales_reps", 4, ",T1,", ",T9,"),
         "{file}, row 4, column 'team_id': refers to a row that does not exist: 'T9' is not in sales_teams.team_id; "
         "add it there or fix the value"),
]


def write_corpus(folder: Path) -> list[Path]:
    """Write every case into its own subfolder of `folder`; returns the subfolders."""
    written = []
    clean = write_small_export(folder / "_clean")
    for case in CASES:
        target = folder / case.name
        shutil.copytree(clean, target)
        case.make(target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_corpus(Path(sys.argv[1])):
        print(path)
