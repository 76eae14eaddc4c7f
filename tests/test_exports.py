"""Real exports as they come (issue 27): line breaks inside quoted values, answers re-saved by Excel, workbooks,
renamed columns and the folder check. Every error is one line naming file, row and column; files are never
modified."""

import shutil

import pandas as pd
import pytest

from valuekit import load_tables, positioning

from .conftest import DATA_DIR
from .helpers import fingerprints, load_error

# Line breaks inside quoted values -------------------------------------------------------------------------


def two_line_description(folder, line_end="\n"):
    """changes.csv with the first change's description over two lines (quoted, as Excel writes it)."""
    path = folder / "changes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    change_id, system, go_live, description = lines[1].split(",", 3)
    lines[1] = f'{change_id},{system},{go_live},"{description}{line_end}second line, with a comma"'
    path.write_bytes((line_end.join(lines) + line_end).encode("utf-8"))
    return path, lines


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_a_quoted_value_may_hold_a_line_break(data_copy, line_end):
    clean = load_tables(DATA_DIR, ["changes"])["changes"]
    two_line_description(data_copy, line_end)
    before = fingerprints(data_copy)
    loaded = load_tables(data_copy, ["changes"])["changes"]
    assert fingerprints(data_copy) == before
    first = clean["description"].iloc[0] + "\nsecond line, with a comma"  # "\n" whatever the file's line ends
    assert loaded["description"].iloc[0] == first
    pd.testing.assert_frame_equal(loaded.iloc[1:], clean.iloc[1:])


def test_rows_after_a_line_break_are_named_as_a_spreadsheet_shows_them(data_copy):
    # Excel shows the two-line record as row 2, so the agent console's change is row 3 (line 4 of the file).
    path, lines = two_line_description(data_copy)
    assert lines[2].startswith("agent_console,")
    path.write_text(path.read_text(encoding="utf-8").replace("agent_console,service_desk,2024-04-01",
                                                             "agent_console,service_desk,2024-13-01"),
                    encoding="utf-8")
    assert load_error(data_copy, ["changes"]) == (
        f"{path}, row 3 (line 4 of the file), column 'go_live': value '2024-13-01' is not a date; write dates as "
        "YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日")


def test_a_duplicate_after_a_line_break_names_both_rows(data_copy):
    path, _lines = two_line_description(data_copy)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("agent_console,service_desk", "approval_rules_engine,service_desk"),
                    encoding="utf-8")
    message = load_error(data_copy, ["changes"])
    assert message.startswith(f"{path}, row 3 (line 4 of the file), column 'change_id': duplicate key")
    assert "is also in row 2;" in message  # the record starts on line 2: its row and line agree


def test_a_quote_left_open_is_still_refused(data_copy):
    path = data_copy / "sales_teams.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",East,", ',"East,', 1).replace(",West,", ',West",', 1), encoding="utf-8")
    assert "a quote (\") left open?" in load_error(data_copy, ["sales_teams"])


# Answers re-saved by Excel --------------------------------------------------------------------------------


def excel_resaved(frame: pd.DataFrame) -> bytes:
    """What Chinese Excel writes: GBK, CRLF, and ids and numbers with spaces after them (ASCII and
    ideographic spaces, a tab)."""
    padded = frame.astype(str).replace({"<NA>": "", "nan": ""})
    pads = ["  ", "\u3000", "\t", " "]
    for position, column in enumerate(["item_id", "agreement"]):
        padded[column] = [f"{value}{pads[(row + position) % len(pads)]}" if value else value
                          for row, value in enumerate(padded[column])]
    return padded.to_csv(index=False, lineterminator="\r\n").encode("gbk")


def test_answers_resaved_by_excel_score_as_the_clean_file(tmp_path):
    tables = load_tables(DATA_DIR, ["rubric_items", "pm_answers"])
    rubric, answers = tables["rubric_items"], tables["pm_answers"]
    one = answers.loc[answers["pm_id"] == "PM03", ["item_id", "agreement", "evidence"]]
    clean, resaved = tmp_path / "clean.csv", tmp_path / "resaved.csv"
    one.to_csv(clean, index=False)
    resaved.write_bytes(excel_resaved(one))
    assert b"\r\n" in resaved.read_bytes() and b"  \r\n" not in resaved.read_bytes()
    scores = [positioning.score_dimensions(positioning.load_answers(path, rubric, "me"), rubric)
              for path in (clean, resaved)]
    pd.testing.assert_frame_equal(scores[1], scores[0])


def test_pm_answers_table_resaved_by_excel_loads_as_the_clean_one(data_copy):
    clean = load_tables(DATA_DIR, ["pm_answers"])["pm_answers"]
    frame = pd.read_csv(DATA_DIR / "pm_answers.csv", dtype=str, keep_default_na=False)
    frame["pm_id"] = frame["pm_id"] + " "
    (data_copy / "pm_answers.csv").write_bytes(excel_resaved(frame))
    pd.testing.assert_frame_equal(load_tables(data_copy, ["pm_answers"])["pm_answers"], clean)


# Excel workbooks ------------------------------------------------------------------------------------------


def excel_value(value):
    """A loaded value as Excel holds it: dates and times as datetimes, numbers as numbers, blanks as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def write_workbook(path, sheets):
    """An .xlsx with one sheet per (title, frame), typed cells, header in row 1."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, frame in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([excel_value(value) for value in row])
    book.save(path)


def as_workbook(folder, table, frame=None, sheets_before=()):
    """Replace ``table.csv`` in ``folder`` by ``table.xlsx`` holding the same rows (typed)."""
    frame = load_tables(DATA_DIR, [table])[table] if frame is None else frame
    (folder / f"{table}.csv").unlink()
    write_workbook(folder / f"{table}.xlsx", [*sheets_before, (table, frame)])
    return folder / f"{table}.xlsx"


@pytest.mark.parametrize("table", ["sales_teams", "changes", "wages", "pm_team", "sales_reps"])
def test_a_workbook_loads_as_its_csv(data_copy, table):
    clean = load_tables(DATA_DIR, [table])[table]
    as_workbook(data_copy, table)
    before = fingerprints(data_copy)
    pd.testing.assert_frame_equal(load_tables(data_copy, [table])[table], clean)
    assert fingerprints(data_copy) == before, "the loader modified the user's workbook"


def test_a_workbook_of_text_cells_loads_as_its_csv(data_copy):
    # Some exports write every cell as text: the same spellings as in a CSV are accepted.
    clean = load_tables(DATA_DIR, ["changes"])["changes"]
    text = pd.read_csv(DATA_DIR / "changes.csv", dtype=str, keep_default_na=False)
    text["go_live"] = text["go_live"].str.replace("-", "/") + " "  # 2024/02/05 with a trailing space
    as_workbook(data_copy, "changes", text)
    pd.testing.assert_frame_equal(load_tables(data_copy, ["changes"])["changes"], clean)


def test_timestamps_booleans_and_blanks_in_a_workbook(tmp_path):
    from valuekit.loader import load_csv
    from valuekit.schema import TABLES

    for table in ("approvals", "tickets"):
        clean = load_tables(DATA_DIR, [table])[table].head(60)
        write_workbook(tmp_path / f"{table}.xlsx", [(table, clean)])
        pd.testing.assert_frame_equal(load_csv(tmp_path / f"{table}.xlsx", TABLES[table]), clean)


def test_the_sheet_named_like_the_table_is_read_else_the_first(data_copy):
    notes = pd.DataFrame({"note": ["exported from the CRM"]})
    path = as_workbook(data_copy, "sales_teams", sheets_before=[("Notes", notes)])
    clean = load_tables(DATA_DIR, ["sales_teams"])["sales_teams"]
    pd.testing.assert_frame_equal(load_tables(data_copy, ["sales_teams"])["sales_teams"], clean)
    write_workbook(path, [("Sheet1", clean), ("Notes", notes)])
    pd.testing.assert_frame_equal(load_tables(data_copy, ["sales_teams"])["sales_teams"], clean)


def test_workbook_errors_name_the_row_excel_shows(data_copy):
    teams = load_tables(DATA_DIR, ["sales_teams"])["sales_teams"].astype(object)
    teams.loc[2, "crm_rollout_date"] = "soon"  # the third data row: Excel's row 4
    path = as_workbook(data_copy, "sales_teams", teams)
    assert load_error(data_copy, ["sales_teams"]) == (
        f"{path}, row 4, column 'crm_rollout_date': value 'soon' is not a date; write dates as YYYY-MM-DD, "
        "YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日")
    write_workbook(path, [("Notes", pd.DataFrame({"x": [1]})), ("sales_teams", teams)])
    assert load_error(data_copy, ["sales_teams"]).startswith(f"{path}, sheet 'sales_teams', row 4, column")


def test_workbook_header_and_cell_problems_get_one_line(data_copy):
    teams = load_tables(DATA_DIR, ["sales_teams"])["sales_teams"]
    path = as_workbook(data_copy, "sales_teams", teams.drop(columns="city"))
    assert load_error(data_copy, ["sales_teams"]) == (
        f"{path}, row 1, column 'city': column missing from the header; expected columns team_id, team_name, "
        "city, crm_rollout_date")
    extra = teams.assign(**{"": ""})
    extra.iloc[1, -1] = "stray"
    write_workbook(path, [("sales_teams", extra)])
    assert load_error(data_copy, ["sales_teams"]) == (
        f"{path}, row 3, column 5: value 'stray' sits under a blank header cell; name the column in row 1 or "
        "delete the value")
    write_workbook(path, [("sales_teams", teams.iloc[:0])])
    assert load_error(data_copy, ["sales_teams"]) == f"{path}, row 2: the file has a header but no data rows"


def test_workbook_file_problems_get_one_line(data_copy):
    teams = data_copy / "sales_teams.csv"
    shutil.copy(teams, data_copy / "sales_teams.xlsx")  # text saved under a workbook's name
    assert load_error(data_copy, ["sales_teams"]) == (
        f"{data_copy / 'sales_teams.xlsx'}: the folder holds both sales_teams.csv and sales_teams.xlsx; keep one of "
        "the two")
    teams.unlink()
    message = load_error(data_copy, ["sales_teams"])
    assert message.startswith(f"{data_copy / 'sales_teams.xlsx'}: the file is not a readable Excel workbook (.xlsx)")
    (data_copy / "sales_teams.xlsx").rename(data_copy / "sales_teams.xls")
    assert load_error(data_copy, ["sales_teams"]) == (
        f"{data_copy / 'sales_teams.xls'}: an Excel 97-2003 workbook (.xls), which the loader does not read; save it "
        "as 'Excel Workbook (.xlsx)' (sales_teams.xlsx) or as 'CSV UTF-8' (sales_teams.csv)")


def test_present_tables_sees_workbooks(data_copy):
    from valuekit.loader import present_tables

    as_workbook(data_copy, "sales_teams")
    assert present_tables(data_copy, ["sales_teams", "sales_reps"]) == ["sales_teams", "sales_reps"]


def test_answers_in_a_workbook_score_as_the_csv(tmp_path):
    tables = load_tables(DATA_DIR, ["rubric_items", "pm_answers"])
    rubric, answers = tables["rubric_items"], tables["pm_answers"]
    one = answers.loc[answers["pm_id"] == "PM05", ["item_id", "agreement", "evidence"]]
    one.to_csv(tmp_path / "answers.csv", index=False)
    padded = one.assign(item_id=one["item_id"] + " ")
    write_workbook(tmp_path / "answers.xlsx", [("Sheet1", padded)])
    scores = [positioning.score_dimensions(positioning.load_answers(tmp_path / name, rubric, "me"), rubric)
              for name in ("answers.csv", "answers.xlsx")]
    pd.testing.assert_frame_equal(scores[1], scores[0])


def test_a_workbook_saved_under_a_csv_name_is_told_to_be_renamed(data_copy):
    path = data_copy / "sales_teams.csv"
    write_workbook(path, [("sales_teams", load_tables(DATA_DIR, ["sales_teams"])["sales_teams"])])
    assert load_error(data_copy, ["sales_teams"]) == (
        f"{path}, row 1: the file is not text in UTF-8 or GBK/GB18030 but an Excel workbook (.xlsx); rename it "
        "sales_teams.xlsx, which the loader reads, or save it as 'CSV UTF-8'")


# columns.toml ---------------------------------------------------------------------------------------------

TICKETS_MAP = """\
# The help desk's export, mapped onto the contract
[tickets.columns]
"工单号" = "ticket_id"
"解决时长(小时)" = "resolution_hours"
"首次解决" = "first_contact_resolved"
"类别" = "category"

[tickets.values.first_contact_resolved]
"是" = true
"否" = false

[tickets.values.category]
"咨询" = "how_to"
"故障" = "bug"
"""


def chinese_tickets(folder):
    """tickets.csv as a Chinese help desk exports it: its own column names and labels."""
    frame = pd.read_csv(DATA_DIR / "tickets.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"ticket_id": "工单号", "resolution_hours": "解决时长(小时)",
                                  "first_contact_resolved": "首次解决", "category": "类别"})
    frame["首次解决"] = frame["首次解决"].map({"true": "是", "false": "否"})
    frame["类别"] = frame["类别"].replace({"how_to": "咨询", "bug": "故障"})
    return frame


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_columns_toml_maps_an_exports_names_and_labels(data_copy, form):
    clean = load_tables(DATA_DIR, ["tickets"])["tickets"]
    frame = chinese_tickets(data_copy)
    (data_copy / "columns.toml").write_text(TICKETS_MAP, encoding="utf-8")
    if form == "csv":
        frame.to_csv(data_copy / "tickets.csv", index=False)
    else:
        (data_copy / "tickets.csv").unlink()
        write_workbook(data_copy / "tickets.xlsx", [("工单", frame.head(300))])
        clean = clean.head(300)
    before = fingerprints(data_copy)
    pd.testing.assert_frame_equal(load_tables(data_copy, ["tickets"])["tickets"], clean)
    assert fingerprints(data_copy) == before


def test_columns_toml_maps_parquet_columns(data_copy):
    import pyarrow as pa
    import pyarrow.parquet as pq

    clean = load_tables(DATA_DIR, ["wages"])["wages"]
    (data_copy / "wages.csv").unlink()
    pq.write_table(pa.table({"岗位": clean["role"].tolist(), "时薪": clean["loaded_hourly_cost_cny"].tolist()}),
                   data_copy / "wages.parquet")
    (data_copy / "columns.toml").write_text('[wages.columns]\n"岗位" = "role"\n"时薪" = "loaded_hourly_cost_cny"\n',
                                            encoding="utf-8")
    pd.testing.assert_frame_equal(load_tables(data_copy, ["wages"])["wages"], clean)


def test_errors_in_a_mapped_column_name_the_exports_column(data_copy):
    frame = chinese_tickets(data_copy)
    frame.loc[3, "解决时长(小时)"] = "about 3"
    frame.loc[1, "首次解决"] = "也许"
    frame.to_csv(data_copy / "tickets.csv", index=False)
    (data_copy / "columns.toml").write_text(TICKETS_MAP, encoding="utf-8")
    path = data_copy / "tickets.csv"
    assert load_error(data_copy, ["tickets"]) == (
        f"{path}, row 3, column '首次解决' (mapped to first_contact_resolved): value '也许' is not a boolean; "
        "write TRUE/FALSE or 1/0")


def test_a_mapped_column_missing_from_the_header(data_copy):
    frame = chinese_tickets(data_copy).rename(columns={"首次解决": "一次解决"})
    frame.to_csv(data_copy / "tickets.csv", index=False)
    (data_copy / "columns.toml").write_text(TICKETS_MAP, encoding="utf-8")
    assert load_error(data_copy, ["tickets"]) == (
        f"{data_copy / 'tickets.csv'}, row 1, column 'first_contact_resolved': column missing from the header: "
        "columns.toml maps '首次解决' to it, but the header has no '首次解决'; fix the name in the header or in "
        "columns.toml")


@pytest.mark.parametrize(("toml", "expected"), [
    ('[tickets.columns]\n"工单号" = "ticket"\n',
     "[tickets.columns], key '工单号': 'ticket' is not a column of tickets; write one of: ticket_id, opened_on, "
     "category, channel, resolution_hours, first_contact_resolved, reopened, sla_due_hours, handle_minutes, "
     "csat_score"),
    ('[ticket.columns]\n"工单号" = "ticket_id"\n',
     "[ticket]: 'ticket' is not a table of the contract; write one of: "),
    ('[tickets.columns]\n"工单号" = "ticket_id"\n"编号" = "ticket_id"\n',
     "[tickets.columns], key '编号': 'ticket_id' is already the name of '工单号'; map one column of the export to "
     "each column of the contract"),
    ('[tickets.column]\n"工单号" = "ticket_id"\n',
     "[tickets], key 'column': not a part of the map; write [tickets.columns] or [tickets.values.<column>]"),
    ('[tickets.values.solved]\n"是" = true\n',
     "[tickets.values], key 'solved': not a column of tickets; write one of: "),
    ('[tickets.values.reopened]\n"是" = [1, 2]\n',
     "[tickets.values.reopened], key '是': [1, 2] is not a cell's value; write a text, a number or true/false"),
    ('[tickets.values]\nreopened = "yes"\n',
     "[tickets.values], key 'reopened': write a table [tickets.values.reopened] of \"export's value\" = "
     "contract's value"),
    ('[tickets.columns]\n工单号 = "ticket_id"\n', ": not valid TOML (Invalid statement (at line 2, column 1))"),
], ids=["unknown-column", "unknown-table", "two-onto-one", "unknown-part", "values-of-unknown-column",
        "value-not-a-cell", "values-not-a-table", "not-toml"])
def test_a_bad_columns_toml_gets_one_line_naming_the_table_and_key(data_copy, toml, expected):
    (data_copy / "columns.toml").write_text(toml, encoding="utf-8")
    message = load_error(data_copy, ["tickets"])
    assert message.startswith(f"{data_copy / 'columns.toml'}{'' if expected.startswith(':') else ', '}{expected}")


def test_columns_toml_does_not_touch_tables_it_does_not_name(data_copy):
    (data_copy / "columns.toml").write_text(TICKETS_MAP, encoding="utf-8")
    clean = load_tables(DATA_DIR, ["approvals", "approval_steps"])
    loaded = load_tables(data_copy, ["approvals", "approval_steps"])
    for name in clean:
        pd.testing.assert_frame_equal(loaded[name], clean[name])


# python -m valuekit.check --------------------------------------------------------------------------------


def run_check(folder):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "valuekit.check", "--data", str(folder)], capture_output=True,
                          text=True)
    assert done.returncode == 0 and done.stderr == "" and "Traceback" not in done.stdout
    return done.stdout.splitlines()


def test_check_lists_every_table_and_report_section_of_the_sample():
    from valuekit.check import REPORT_NEEDS
    from valuekit.schema import TABLES

    lines = run_check(DATA_DIR)
    tables = [line for line in lines if line.startswith("  ok ")]
    assert len(tables) == len(TABLES) and f"{DATA_DIR / 'tickets.csv'}: 13,525 rows" in tables[6]
    assert [line.split(maxsplit=1)[1] for line in lines if line.startswith("  shown")] == list(REPORT_NEEDS)


def test_check_says_what_a_partial_folder_has_lacks_and_what_to_add(data_copy):
    (data_copy / "usage_events.csv").unlink()
    (data_copy / "sales_reps.csv").unlink()
    tickets = pd.read_csv(DATA_DIR / "tickets.csv", dtype=str, keep_default_na=False)
    tickets.drop(columns=["reopened", "csat_score"]).to_csv(data_copy / "tickets.csv", index=False)
    (data_copy / "wages.csv").write_text((DATA_DIR / "wages.csv").read_text().replace("260.0", "lots"))
    as_workbook(data_copy, "changes")
    before = fingerprints(data_copy)
    problems = [line for line in run_check(data_copy) if not line.startswith(("  ok ", "  shown "))]
    assert fingerprints(data_copy) == before, "the check modified the user's files"
    assert problems == [
        f"Tables in {data_copy} (the contract's 30; the book's notebooks read them):",
        "  missing  sales_reps: missing; add sales_reps.csv (or .xlsx, .parquet) with columns rep_id (representative "
        "identifier); team_id (team the rep belongs to); hired_on (hiring date)",
        f"  fix      {data_copy / 'leads.csv'}: refers to sales_reps, which is missing or has a problem (see its "
        "line); fix that first",
        "  missing  usage_events: missing; add usage_events.csv (or .xlsx, .parquet) with columns event_date (workday "
        "of the events); user_id (rep who used the module); module (CRM module used); events (number of "
        "instrumented events that day)",
        f"  fix      {data_copy / 'tickets.csv'}: lacks 2 columns; add reopened (whether the customer reopened it "
        "after it was marked resolved); csat_score (customer satisfaction, 1 (very dissatisfied) to 5 (very "
        "satisfied); empty if the customer did not answer) (or map the export's names in columns.toml)",
        f"  fix      {data_copy / 'wages.csv'}, row 3, column 'loaded_hourly_cost_cny': value 'lots' is not a number",
        f"  fix      {data_copy / 'routing_experiment.csv'}: refers to sales_reps, which is missing or has a problem "
        "(see its line); fix that first",
        "Sections of the value report (make report DATA=...):",
        "  not shown  adoption of lead scoring: add usage_events, sales_reps (see the tables above)",
        "  not shown  conversion lift: add sales_reps; fix leads (see the tables above)",
        "  not shown  approval automation: fix wages (see the tables above)",
        "  not shown  push automation: fix wages (see the tables above)",
        "  not shown  service desk: fix tickets (see the tables above)",
    ]


def test_check_reads_columns_toml_and_names_a_bad_one_once(data_copy):
    chinese_tickets(data_copy).to_csv(data_copy / "tickets.csv", index=False)
    lacking = f"  fix      {data_copy / 'tickets.csv'}: lacks 4 columns"
    assert any(line.startswith(lacking) for line in run_check(data_copy))
    (data_copy / "columns.toml").write_text(TICKETS_MAP, encoding="utf-8")
    assert "  shown      service desk" in run_check(data_copy)
    (data_copy / "columns.toml").write_text('[tickets.columns]\n"工单号" = "ticket"\n', encoding="utf-8")
    lines = run_check(data_copy)
    assert len(lines) == 2 and lines[0].startswith(f"{data_copy / 'columns.toml'}, [tickets.columns], key '工单号'")


@pytest.mark.parametrize("where", ["missing", "file"])
def test_check_of_no_folder_is_one_line(tmp_path, where):
    folder = tmp_path / "nowhere"
    if where == "file":
        folder.write_text("x")
    assert run_check(folder) == [f"{folder}: data folder not found" if where == "missing" else
                                 f"{folder}: this is a file, not a folder; pass the folder that holds the table files"]


def test_check_knows_the_tables_each_report_section_needs():
    """REPORT_NEEDS is the value report's NEEDS, read from the notebook's text twin."""
    import ast

    from valuekit.check import REPORT_NEEDS

    text = (DATA_DIR.parent / "book" / "part5" / "value-report.myst.md").read_text(encoding="utf-8")
    start = text.index("NEEDS = {")
    end = text.index("\n}", start) + 2
    assert ast.literal_eval(text[start + len("NEEDS = "):end]) == REPORT_NEEDS


def test_make_check_runs_the_check():
    makefile = (DATA_DIR.parent / "Makefile").read_text(encoding="utf-8")
    assert "\ncheck: $(INSTALLED)\n\t$(BIN)/python -m valuekit.check --data \"$(DATA)\"\n" in makefile
