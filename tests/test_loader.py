"""The loader's contract: clear one-line errors naming file, row and column; user files never modified."""


import pandas as pd
import pytest

from valuekit import DataError, company, load_tables
from valuekit.loader import change_date

from .conftest import DATA_DIR
from .helpers import fingerprints, load_error, spreadsheet_export


def edit_line(path, line_number, old, new, encoding="utf-8"):
    """Replace text on one line, counted as a spreadsheet counts rows (header = 1)."""
    lines = path.read_text(encoding=encoding).split("\n")
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding=encoding)


def test_loads_every_table_with_schema_types():
    tables = load_tables(DATA_DIR)
    assert set(tables) == {"sales_teams", "sales_reps", "leads", "usage_events", "approvals", "approval_steps",
                           "tickets", "push_campaigns", "customers_monthly", "changes", "wages", "project_costs",
                           "price_benchmarks", "pm_team", "rubric_items", "pm_answers", "front_offices",
                           "service_usage", "service_costs", "staff", "accounts", "access_grants", "access_reviews",
                           "destructive_actions", "audit_log", "approval_requesters", "approval_signers",
                           "approval_returns", "user_survey", "routing_experiment"}
    leads = tables["leads"]
    assert pd.api.types.is_datetime64_any_dtype(leads["created_on"])
    assert leads["converted"].dtype == bool
    assert leads.loc[~leads["converted"], "deal_value_cny"].isna().all()
    assert leads.loc[leads["converted"], "deal_value_cny"].gt(0).all()
    assert pd.api.types.is_datetime64_any_dtype(tables["approvals"]["submitted_at"])
    assert tables["usage_events"]["events"].dtype == "int64"


def test_loads_only_the_tables_asked_for():
    tables = load_tables(DATA_DIR, ["leads"])
    assert list(tables) == ["leads"]


def test_missing_file(data_copy):
    (data_copy / "sales_reps.csv").unlink()
    message = load_error(data_copy, ["leads"])
    assert message.startswith(f"{data_copy / 'sales_reps.csv'}: file not found")


def test_missing_column(data_copy):
    path = data_copy / "leads.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns="source").to_csv(path, index=False)
    message = load_error(data_copy, ["leads"])
    assert message.startswith(f"{path}, row 1, column 'source': column missing from the header")


def test_wrong_type(data_copy):
    path = data_copy / "usage_events.csv"
    lines = path.read_text().split("\n")
    fields = lines[3].split(",")
    lines[3] = ",".join(fields[:3] + ["many"])
    path.write_text("\n".join(lines))
    message = load_error(data_copy, ["usage_events"])
    assert message == f"{path}, row 4, column 'events': value 'many' is not an integer"


def test_wrong_date_format(data_copy):
    path = data_copy / "leads.csv"
    edit_line(path, 6, "2023-01-02", "02/01/2023")
    message = load_error(data_copy, ["leads"])
    # Day-first dates are ambiguous (2 January or 1 February?), so they are rejected, not guessed.
    assert message == (f"{path}, row 6, column 'created_on': value '02/01/2023' is not a date; "
                       "write dates as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日")


def test_empty_file(data_copy):
    path = data_copy / "wages.csv"
    path.write_bytes(b"")
    message = load_error(data_copy, ["wages"])
    assert message.startswith(f"{path}: the file is empty")
    assert "loaded_hourly_cost_cny" in message


def test_header_without_rows(data_copy):
    path = data_copy / "wages.csv"
    path.write_text("role,loaded_hourly_cost_cny\n")
    assert load_error(data_copy, ["wages"]) == f"{path}, row 2: the file has a header but no data rows"


def test_file_that_is_not_text(data_copy):
    path = data_copy / "sales_teams.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(128, 256)))  # an Excel workbook renamed .csv
    message = load_error(data_copy, ["sales_teams"])
    assert message.startswith(f"{path}, row 1: the file is not text in UTF-8 or GBK/GB18030")
    assert "Excel workbook" in message


def test_unknown_reference(data_copy):
    path = data_copy / "leads.csv"
    edit_line(path, 8, ",R", ",RX")
    message = load_error(data_copy, ["leads"])
    assert message.startswith(f"{path}, row 8, column 'rep_id': refers to a row that does not exist")


def test_duplicate_key(data_copy):
    path = data_copy / "wages.csv"
    lines = path.read_text().split("\n")
    lines.insert(3, lines[1])
    path.write_text("\n".join(lines))
    message = load_error(data_copy, ["wages"])
    assert message.startswith(f"{path}, row 4, column 'role': duplicate key")


def test_value_outside_allowed_set(data_copy):
    path = data_copy / "tickets.csv"
    category = path.read_text().split("\n")[1].split(",")[2]
    edit_line(path, 2, f",{category},", ",complaint,")
    message = load_error(data_copy, ["tickets"])
    assert message == (f"{path}, row 2, column 'category': value 'complaint' is not one of: "
                       "how_to, bug, account, billing")


def test_negative_number(data_copy):
    path = data_copy / "wages.csv"
    edit_line(path, 3, ",260.0", ",-260.0")
    assert load_error(data_copy, ["wages"]) == (
        f"{path}, row 3, column 'loaded_hourly_cost_cny': value '-260.0' is below the minimum 0")


def test_missing_required_value(data_copy):
    path = data_copy / "wages.csv"
    edit_line(path, 3, ",260.0", ",")
    assert load_error(data_copy, ["wages"]) == (
        f"{path}, row 3, column 'loaded_hourly_cost_cny': the value is missing and the column is required")


def test_semicolon_separated_file_gets_a_hint(data_copy):
    path = data_copy / "wages.csv"
    path.write_text(path.read_text().replace(",", ";"))
    assert "separated by ';'" in load_error(data_copy, ["wages"])


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="data folder not found"):
        load_tables(tmp_path / "nowhere")


def test_unknown_table():
    with pytest.raises(DataError, match="unknown table 'deals'"):
        load_tables(DATA_DIR, ["deals"])


def test_accepts_bom_extra_columns_other_order_and_blank_lines(data_copy):
    path = data_copy / "wages.csv"
    frame = pd.read_csv(path)
    frame["note"] = "from HR"
    text = frame[["loaded_hourly_cost_cny", "note", "role"]].to_csv(index=False) + "\n\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    before = fingerprints(data_copy)
    wages = load_tables(data_copy, ["wages"])["wages"]
    assert fingerprints(data_copy) == before
    assert list(wages.columns) == ["role", "loaded_hourly_cost_cny"]
    pd.testing.assert_frame_equal(wages, load_tables(DATA_DIR, ["wages"])["wages"])


@pytest.mark.parametrize(
    ("encoding", "separator", "date_format", "stamp_format"),
    [
        ("gbk", ",", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S"),
        ("gb18030", "\t", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S"),
        ("utf-8-sig", "\t", "%Y年%m月%d日", "%Y-%m-%dT%H:%M:%S"),
        ("utf-8", ",", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S"),
    ],
    ids=["gbk-comma-slashes", "gb18030-tab-dots", "bom-tab-chinese-dates", "utf8-comma-slashes"],
)
def test_spreadsheet_exports_load_like_the_original(data_copy, encoding, separator, date_format, stamp_format):
    originals = load_tables(DATA_DIR, ["sales_teams", "approvals"])
    teams = originals["sales_teams"].assign(team_name=lambda d: d["team_name"] + "团队")
    spreadsheet_export(teams, data_copy / "sales_teams.csv", encoding, separator, date_format, stamp_format)
    spreadsheet_export(originals["approvals"], data_copy / "approvals.csv", encoding, separator, date_format,
                       stamp_format)
    before = fingerprints(data_copy)
    loaded = load_tables(data_copy, ["sales_teams", "approvals"])
    assert fingerprints(data_copy) == before
    pd.testing.assert_frame_equal(loaded["sales_teams"], teams)
    pd.testing.assert_frame_equal(loaded["approvals"], originals["approvals"])


def test_timestamps_without_seconds_are_accepted(data_copy):
    path = data_copy / "approvals.csv"
    edit_line(path, 2, "2023-01-02T09:09:00", "2023/1/2 9:09")
    approvals = load_tables(data_copy, ["approvals"])["approvals"]
    assert approvals["submitted_at"].iloc[0] == pd.Timestamp("2023-01-02 09:09")


def test_rows_keep_their_spreadsheet_numbers_after_a_blank_line(data_copy):
    path = data_copy / "wages.csv"
    lines = path.read_text().split("\n")
    lines.insert(2, "")
    lines[4] = lines[4].replace(",", ",-", 1)
    path.write_text("\n".join(lines))
    assert load_error(data_copy, ["wages"]).startswith(f"{path}, row 5, column 'loaded_hourly_cost_cny'")


def test_parquet_in_place_of_csv(data_copy):
    leads = load_tables(DATA_DIR, ["leads"])["leads"]
    (data_copy / "leads.csv").unlink()
    leads.to_parquet(data_copy / "leads.parquet", index=False)
    pd.testing.assert_frame_equal(load_tables(data_copy, ["leads"])["leads"], leads)


def test_parquet_with_text_columns_is_read_as_csv_cells(data_copy):
    text = pd.read_csv(data_copy / "approvals.csv", dtype=str, keep_default_na=False)
    (data_copy / "approvals.csv").unlink()
    text.to_parquet(data_copy / "approvals.parquet", index=False)
    pd.testing.assert_frame_equal(load_tables(data_copy, ["approvals"])["approvals"],
                                  load_tables(DATA_DIR, ["approvals"])["approvals"])


def test_parquet_column_of_the_wrong_type(data_copy):
    events = load_tables(DATA_DIR, ["usage_events"])["usage_events"]
    path = data_copy / "usage_events.parquet"
    (data_copy / "usage_events.csv").unlink()
    events.astype({"events": "float64"}).to_parquet(path, index=False)
    assert load_error(data_copy, ["usage_events"]) == (
        f"{path}, row 1, column 'events': the column holds double values but the contract's type is integer; "
        "write it as integers, or as text")


def test_parquet_values_are_checked_like_csv_cells(data_copy):
    wages = load_tables(DATA_DIR, ["wages"])["wages"]
    wages.loc[2, "loaded_hourly_cost_cny"] = -5.0
    path = data_copy / "wages.parquet"
    (data_copy / "wages.csv").unlink()
    wages.to_parquet(path, index=False)
    assert load_error(data_copy, ["wages"]) == (
        f"{path}, row 4, column 'loaded_hourly_cost_cny': value '-5.0' is below the minimum 0")


def test_csv_and_parquet_of_one_table_are_refused(data_copy):
    load_tables(DATA_DIR, ["wages"])["wages"].to_parquet(data_copy / "wages.parquet", index=False)
    assert load_error(data_copy, ["wages"]) == (
        f"{data_copy / 'wages.parquet'}: the folder holds both wages.csv and wages.parquet; keep one of the two")


def test_the_lowest_bad_row_of_a_file_is_named_whatever_the_check(data_copy):
    path = data_copy / "approvals.csv"
    lines = path.read_text().split("\n")
    cells = lines[4].split(",")
    cells[2] = "lots"  # row 5: not a number
    lines[4] = ",".join(cells)
    cells = lines[2].split(",")
    cells[4] = "2020-01-01T00:00:00"  # row 3: completed before it was submitted
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines))
    assert load_error(data_copy, ["approvals"]).startswith(f"{path}, row 3, column 'completed_at': value "
                                                           "'2020-01-01T00:00:00' is before submitted_at")


def test_a_large_plain_file_names_the_row_after_blank_and_bare_rows(data_copy):
    path = data_copy / "leads.csv"
    header, *rows = path.read_text().rstrip("\n").split("\n")
    many = [f"X{number:07d}," + row.split(",", 1)[1] for number, row in enumerate(rows * 4)]
    many.insert(1000, "")
    many.insert(2000, ",,,,,")
    bad = 150_000
    cells = many[bad].split(",")
    cells[2] = "31.12.2023"
    many[bad] = ",".join(cells)
    path.write_text("\n".join([header, *many]) + "\n")
    assert load_error(data_copy, ["leads"]) == (
        f"{path}, row {bad + 2}, column 'created_on': value '31.12.2023' is not a date; "
        "write dates as YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD or YYYY年M月D日")


def test_quoted_cells_load_like_plain_ones(data_copy):
    path = data_copy / "leads.csv"
    lines = path.read_text().rstrip("\n").split("\n")
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in line.split(",")) for line in lines) + "\n")
    pd.testing.assert_frame_equal(load_tables(data_copy, ["leads"])["leads"], load_tables(DATA_DIR, ["leads"])["leads"])


def test_blank_cells_of_an_optional_unique_column_are_not_duplicates(tmp_path):
    from valuekit.loader import load_csv

    spec = {"fields": [{"name": "id", "type": "string", "constraints": {"required": True}},
                       {"name": "code", "type": "string", "constraints": {"required": False, "unique": True}}],
            "primaryKey": ["id"]}
    path = tmp_path / "codes.csv"
    path.write_text("id,code\na,\nb,X\nc,\nd,X\n")
    with pytest.raises(DataError) as caught:
        load_csv(path, spec)
    assert str(caught.value) == (f"{path}, row 5, column 'code': duplicate key: code 'X' is also in row 3; remove one "
                                 "of the two rows")


def test_change_dates_come_from_the_change_log():
    tables = load_tables(DATA_DIR, ["changes"])
    assert change_date(tables, "agent_console") == company.SERVICE_CHANGE
    with pytest.raises(DataError, match="changes.csv: no row for change_id 'new_thing'; add one"):
        change_date(tables, "new_thing")
    with pytest.raises(DataError, match="the change log was not loaded"):
        change_date({}, "agent_console")
