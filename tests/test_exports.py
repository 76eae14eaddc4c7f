"""Real exports as they come (issue 27): line breaks inside quoted values, answers re-saved by Excel, workbooks,
renamed columns and the folder check. Every error is one line naming file, row and column; files are never
modified."""

import hashlib
import shutil

import pandas as pd
import pytest

from valuekit import DataError, load_tables, positioning

from .conftest import DATA_DIR


@pytest.fixture()
def data_copy(tmp_path):
    folder = tmp_path / "my export"
    shutil.copytree(DATA_DIR, folder)
    return folder


def fingerprints(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def load_error(folder, tables):
    before = fingerprints(folder)
    with pytest.raises(DataError) as caught:
        load_tables(folder, tables)
    assert fingerprints(folder) == before, "the loader modified the user's files"
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


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
