"""The value report renders as a code-free page, from the sample data and from another company's exports."""

import re

import pandas as pd
import pytest

from valuekit import load_tables, vocabulary
from valuekit.report import main, render

from .conftest import DATA_DIR
from .own_data import REPORT_TABLES, write_sample_subset, write_smaller_company


def page_text(html_path):
    html = html_path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script).*?</\1>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def smaller_company(tmp_path_factory):
    return write_smaller_company(tmp_path_factory.mktemp("own-data"), tmp_path_factory.mktemp("scratch"))


@pytest.mark.second_company
def test_fixture_is_a_different_smaller_company_in_spreadsheet_format(smaller_company):
    raw = (smaller_company / "sales_teams.csv").read_bytes()
    assert b"\t" in raw.splitlines()[0]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GBK, as Chinese Excel writes it
    mine = load_tables(smaller_company, REPORT_TABLES)
    sample = load_tables(DATA_DIR, REPORT_TABLES)
    assert len(mine["sales_teams"]) < len(sample["sales_teams"])
    assert len(mine["approvals"]) < len(sample["approvals"])
    assert mine["leads"]["created_on"].min() - sample["leads"]["created_on"].min() == pd.Timedelta(weeks=104)


def hours_freed_by_hand(folder, period_start, period_end):
    """Approver and operator hours freed in the period, counted request by request and push by push.

    The report uses monthly means instead (before the change against each month after it), so the two
    agree closely but not exactly: they are two definitions of the same saving.
    """
    tables = load_tables(folder, ["approvals", "approval_steps", "push_campaigns"])
    approvals, pushes = tables["approvals"], tables["push_campaigns"]
    change = approvals.loc[approvals["approvers_required"] < approvals["approvers_required"].max(),
                           "submitted_at"].min()
    sign_offs = tables["approval_steps"].groupby("request_id").size().rename("sign_offs").to_frame().join(
        approvals.set_index("request_id")["submitted_at"])
    before = sign_offs[sign_offs["submitted_at"] < change]
    during = sign_offs[sign_offs["submitted_at"].between(period_start, period_end, inclusive="left")]
    minutes_per_sign_off = tables["approval_steps"]["touch_minutes"].mean()
    approver = (before["sign_offs"].mean() - during["sign_offs"].mean()) * len(during) * minutes_per_sign_off / 60
    manual = pushes[pushes["mode"] == "manual"]
    automated = pushes[(pushes["mode"] == "automated")
                       & pushes["sent_on"].between(period_start, period_end, inclusive="left")]
    operator = (manual["prep_minutes"].mean() - automated["prep_minutes"].mean()) * len(automated) / 60
    return approver, operator


def reported_hours(text):
    approver = re.search(r"freed ([\d,]+) approver hours", text).group(1)
    operator = re.search(r"Push automation freed ([\d,]+) operator hours", text).group(1)
    return float(approver.replace(",", "")), float(operator.replace(",", ""))


def lift_sentence(text):
    match = re.search(r"raised conversion by (-?[\d.]+) points \(95% interval (-?[\d.]+) to (-?[\d.]+);.*?"
                      r"attribution: ([a-z ]+), because", text)
    estimate, low, high, strength = match.groups()
    return float(estimate), float(low), float(high), strength


@pytest.mark.notebook
def test_report_on_another_companys_exports(smaller_company, tmp_path):
    html = render(smaller_company, tmp_path, system_name="East China CRM")
    text = page_text(html)
    assert "East China CRM: value report, Jan 2026 to Dec 2026" in text
    assert "import " not in text and "load_tables" not in text, "the report page must not show code"
    assert "Overview" not in text and "Exercises" not in text, "book-only sections must be left out"
    estimate, low, high, strength = lift_sentence(text)
    assert low <= 5.0 <= high and low > 0, "the planted 5-point lift, and not zero, inside the interval"
    # Three teams allow only 6 rollout orders: the design cannot pass its checks, so no "directly caused".
    assert strength == vocabulary.CLEARLY_POSITIVELY_RELATED
    approver, operator = reported_hours(text)
    by_hand = hours_freed_by_hand(smaller_company, pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"))
    assert (approver, operator) == pytest.approx(by_hand, rel=0.05)
    assert f"which the workflow itself enforces ({vocabulary.DIRECTLY_CAUSED};" in text
    assert "Service desk: add tickets.csv" in text and "Internal users: add user_survey.csv" in text
    assert html.read_text(encoding="utf-8").count("<img") == 4


@pytest.mark.notebook
def test_report_on_the_sample_data(tmp_path):
    text = page_text(render(DATA_DIR, tmp_path))
    assert "The back office: value report, Jan 2024 to Dec 2024" in text
    assert "Not in this report" not in text, "the sample folder has every file: every part is shown"
    assert "36 h to 19 h" in text  # the planted halving of approval cycle time
    desk = re.search(r"first-contact resolution improved \(\+([\d.]+) points; ([a-z ]+)\), from one series with no "
                     r"comparison group and 1 other recorded change the same day", text)
    assert desk, "the service-desk sentence, with the same-day price change counted"
    assert float(desk.group(1)) == pytest.approx(12.0, abs=4.0)  # the planted 12-point rise
    assert desk.group(2) == vocabulary.CLEARLY_POSITIVELY_RELATED  # one series earns no more
    assert re.search(r"resolution time improved \(-[\d.]+ hours; clearly positively related\)", text)
    assert "approvals scored" in text and "service_desk scored" in text, "both surveyed systems' changes"
    estimate, low, high, strength = lift_sentence(text)
    assert low <= 5.0 <= high and low > 0
    # Six teams give 360 rollout orders, and the design passes its checks: the lift is earned.
    assert strength == vocabulary.DIRECTLY_CAUSED
    approver, operator = reported_hours(text)
    assert (approver, operator) == pytest.approx(
        hours_freed_by_hand(DATA_DIR, pd.Timestamp("2024-01-01"), pd.Timestamp("2025-01-01")), rel=0.05)
    revenue = re.search(r"worth ([\d,]+) CNY in first-year contracts \(95% interval ([\d,-]+) to ([\d,]+) CNY\)", text)
    point, low, high = (float(value.replace(",", "")) for value in revenue.groups())
    assert 0 < low < point < high, "the money carries the lift's interval"
    assert "approver time + operator time + extra contracts (gross profit) − costs" in text


@pytest.mark.notebook
def test_report_on_one_system_shows_its_parts_and_names_the_files_for_the_rest(tmp_path):
    folder = write_sample_subset(tmp_path / "approvals only", ["approvals", "approval_steps", "wages", "changes"])
    html = render(folder, tmp_path / "out")
    text = page_text(html)
    assert "36 h to 19 h" in text
    assert f"which the workflow itself enforces ({vocabulary.DIRECTLY_CAUSED};" in text
    assert "lead scoring" not in text.split("Not in this report")[0], "no CRM headline without CRM files"
    for line in ["Conversion lift: add leads.csv", "Adoption of lead scoring: add usage_events.csv",
                 "Push automation: add push_campaigns.csv", "Project costs: add project_costs.csv",
                 "Revenue: it is priced from the conversion lift", "Net value: it needs the project costs",
                 "Service desk: add tickets.csv", "Internal users: add user_survey.csv"]:
        assert line in text
    assert not re.search(r"\bnan\b", text, flags=re.I)
    assert html.read_text(encoding="utf-8").count("<img") == 3  # cycle time, approver hours, their money


@pytest.mark.notebook
def test_report_with_nothing_it_can_show_fails_in_one_line(tmp_path, capsys):
    folder = write_sample_subset(tmp_path / "no change log", ["approvals", "approval_steps", "wages"])
    with pytest.raises(SystemExit) as exit_:
        main(["--data", str(folder), "--out", str(tmp_path / "out")])
    assert exit_.value.code == 1
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "Traceback" not in error
    assert "nothing to report" in error and "approval automation: add changes.csv" in error


@pytest.mark.notebook
@pytest.mark.parametrize("months", [3, 12])
def test_report_on_too_little_history_says_what_each_part_needs_and_fails(tmp_path, capsys, months):
    """No part has the history it needs: the command writes no report, says why for each part, exits 1."""
    until = pd.Timestamp("2023-01-02") + pd.DateOffset(months=months)
    folder = write_sample_subset(tmp_path / f"{months} months", [*REPORT_TABLES, "tickets", "staff", "user_survey"],
                                 until=until)
    with pytest.raises(SystemExit) as exit_:
        main(["--data", str(folder), "--out", str(tmp_path / "out")])
    assert exit_.value.code == 1
    assert not (tmp_path / "out" / "value-report.html").exists(), "no empty report is written"
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and "Traceback" not in error and "nothing to report" in error
    for line in ["service desk: too little history", "internal users: too little history",
                 "conversion lift: too little history: no team has 18 weeks of leads before its rollout",
                 "approval automation: too little history", "push automation: too little history"]:
        assert line in error


@pytest.mark.notebook
def test_report_when_no_lead_converted_has_no_revenue_line_and_no_nan(tmp_path):
    folder = write_sample_subset(tmp_path / "no wins", REPORT_TABLES, no_wins=True)
    text = page_text(render(folder, tmp_path / "out"))
    assert "Conversion lift: no lead converted, so there is no conversion rate to compare" in text
    assert "Revenue: it is priced from the conversion lift, which is not shown" in text
    assert not re.search(r"\bnan\b", text, flags=re.I) and "nan CNY" not in text


@pytest.mark.notebook
def test_report_gives_no_money_for_a_lift_the_data_do_not_show(tmp_path):
    """Metamorphic: the leads' outcomes shuffled across all leads remove the lift, so the report must call it
    unclear, price it only as a range and keep it out of the net value."""
    folder = write_sample_subset(tmp_path / "shuffled", REPORT_TABLES, shuffle_wins_seed=7)
    text = page_text(render(folder, tmp_path / "out"))
    estimate, low, high, strength = lift_sentence(text)
    assert low <= 0 <= high and strength == vocabulary.UNCLEAR
    assert "no point figure: between" in text and "leaves the extra contracts out of the net value" in text
    assert "extra contracts (gross profit) − costs" not in text, "an unclear lift adds no money to the net value"



def rewrite_csv(path, change):
    """Edit one exported table as text (every cell a string), as a user editing an export would."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)


@pytest.mark.notebook
def test_report_on_a_placebo_go_live_shows_no_net_effect(tmp_path):
    """Metamorphic: the agent console's go-live moved half a year later, to a date on which nothing changed.
    The time series then sees the real step before the pretend date, so the report may not claim an effect."""
    folder = write_sample_subset(tmp_path / "placebo", [*REPORT_TABLES, "tickets"])

    def later(changes):
        console = changes["change_id"] == "agent_console"
        changes.loc[console, "go_live"] = "2024-10-07"
    rewrite_csv(folder / "changes.csv", later)
    text = page_text(render(folder, tmp_path / "out"))
    assert "No net effect is shown" in text and "(no comparison)" in text
    assert "Net of the season" not in text


@pytest.mark.notebook
def test_report_says_plainly_when_a_change_made_things_worse(tmp_path):
    """Metamorphic: every ticket opened from the console's go-live takes eight hours longer. The report must
    say resolution got worse and claim no value for it."""
    folder = write_sample_subset(tmp_path / "worse", [*REPORT_TABLES, "tickets"])

    def slower(tickets):
        after = tickets["opened_on"] >= "2024-04-01"
        tickets.loc[after, "resolution_hours"] = (tickets.loc[after, "resolution_hours"].astype(float) + 8).astype(str)
    rewrite_csv(folder / "tickets.csv", slower)
    text = page_text(render(folder, tmp_path / "out"))
    assert re.search(rf"resolution time got worse \(\+[\d.]+ hours; {vocabulary.UNCLEAR}\)", text)


@pytest.mark.notebook
def test_report_credits_no_hours_to_a_workflow_that_did_not_cut_sign_offs(tmp_path):
    """Metamorphic: every request recorded as needing three sign-offs, after the go-live too."""
    folder = write_sample_subset(tmp_path / "same sign-offs", ["approvals", "approval_steps", "wages", "changes"])
    rewrite_csv(folder / "approvals.csv", lambda approvals: approvals.__setitem__("approvers_required", "3"))
    text = page_text(render(folder, tmp_path / "out"))
    assert f"so the workflow did not cut them and the hours are not credited to it ({vocabulary.UNCLEAR})" in text
    assert "which the workflow itself enforces" not in text
