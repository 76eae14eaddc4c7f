"""Event logs (valuekit.events): measures checked against a direct pandas computation on real logs.

The real logs are small extracts of the 4TU help-desk and WABO receipt logs (tests/data/event_logs/README.md).
The direct computations read the plain CSV renditions with pandas alone, so they share no code with the module.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuekit import events
from valuekit.loader import DataError

LOGS = Path(__file__).parent / "data" / "event_logs"
SLA_HOURS = 72.0
RECEIPT_SIGN_OFFS = ["T04 Determine confirmation of receipt", "T06 Determine necessity of stop advice",
                     "T10 Determine necessity to stop indication"]


def _folder(tmp_path: Path, files: dict[str, str | Path], process: str = "") -> Path:
    """A data folder whose events/ holds `files` (name in events/ -> text or a file to copy) and process.toml."""
    folder = tmp_path / "data"
    (folder / "events").mkdir(parents=True)
    for name, content in files.items():
        target = folder / "events" / name
        if isinstance(content, Path):
            if content.suffix == ".gz" and not name.endswith(".gz"):
                target.write_bytes(gzip.decompress(content.read_bytes()))
            else:
                shutil.copy(content, target)
        else:
            target.write_text(content, encoding="utf-8")
    if process:
        (folder / "events" / "process.toml").write_text(process, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def helpdesk_direct() -> pd.DataFrame:
    """The help-desk extract read with pandas alone: the reference computation."""
    frame = pd.read_csv(LOGS / "helpdesk.csv.gz")
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


@pytest.fixture(scope="module")
def helpdesk_measures(tmp_path_factory):
    folder = _folder(tmp_path_factory.mktemp("helpdesk"), {"tickets.xes.gz": LOGS / "helpdesk.xes.gz"},
                     f"[tickets]\nsla_hours = {SLA_HOURS}\n")
    measured, notes = events.measures_from_folder(folder)
    tables, table_notes = events.tables_from_folder(folder)
    return measured["tickets"], notes, tables, table_notes


def test_cycle_time_matches_direct_computation(helpdesk_direct, helpdesk_measures):
    spans = helpdesk_direct.groupby("case_id")["timestamp"].agg(["min", "max"])
    direct = ((spans["max"] - spans["min"]).dt.total_seconds() / 3600)
    measured = helpdesk_measures[0]["cases"]
    assert len(measured) == helpdesk_direct["case_id"].nunique() == 348
    assert measured["cycle_hours"].median() == pytest.approx(direct.median(), abs=1e-9)
    pd.testing.assert_series_equal(measured["cycle_hours"].sort_index(), direct.sort_index(),
                                   check_names=False, check_index_type=False)


def test_cases_per_week_match_direct_computation(helpdesk_direct, helpdesk_measures):
    first = helpdesk_direct.groupby("case_id")["timestamp"].min().dt.tz_localize(None)
    direct = first.dt.to_period("W-SUN").dt.start_time.value_counts().sort_index()
    weekly = helpdesk_measures[0]["weekly"]
    opened = weekly.loc[weekly["opened"] > 0, "opened"]
    assert opened.to_dict() == direct.to_dict()
    assert weekly["opened"].sum() == 348
    # Every case closes (the help desk's "Closed"), so throughput over the log is every case.
    assert weekly["closed"].sum() == helpdesk_direct.loc[helpdesk_direct["activity"] == "Closed", "case_id"].nunique()


def test_rework_matches_direct_computation(helpdesk_direct, helpdesk_measures):
    repeated = helpdesk_direct.duplicated(["case_id", "activity"])
    measured = helpdesk_measures[0]
    assert measured["cases"]["rework"].sum() == repeated.groupby(helpdesk_direct["case_id"]).any().sum()
    assert measured["cases"]["repeated_events"].sum() == repeated.sum()
    by_activity = repeated.groupby(helpdesk_direct["activity"]).sum()
    assert measured["rework"]["extra_events"].to_dict() == by_activity[by_activity > 0].to_dict()


def test_resolution_reopen_and_sla_match_direct_computation(helpdesk_direct, helpdesk_measures):
    _, _, tables, notes = helpdesk_measures
    first = helpdesk_direct.groupby("case_id")["timestamp"].min()
    resolutions = helpdesk_direct[helpdesk_direct["activity"] == "Resolve ticket"].groupby("case_id")["timestamp"]
    hours = ((resolutions.max() - first.loc[resolutions.max().index]).dt.total_seconds() / 3600)
    tickets = tables["tickets"].set_index("ticket_id")
    assert len(tickets) == len(hours)
    assert tickets["resolution_hours"].median() == pytest.approx(hours.median(), abs=1e-9)
    assert tickets["reopened"].sum() == (resolutions.size() > 1).sum()
    within = (hours <= SLA_HOURS).mean()
    assert (tickets["resolution_hours"] <= tickets["sla_due_hours"]).mean() == pytest.approx(within)
    service = helpdesk_measures[0]["service"]["value"]
    assert service["sla_attainment"] == pytest.approx((hours <= SLA_HOURS).mean())
    assert service["median_resolution_hours"] == pytest.approx(hours.median())
    # What a log cannot give is absent, never invented, and the notes say so.
    assert {"category", "channel", "first_contact_resolved", "csat_score", "handle_minutes"}.isdisjoint(tickets)
    assert any("csat_score" in note and "handle_minutes" in note for note in notes)


def test_time_per_activity_is_time_since_previous_event(helpdesk_direct, helpdesk_measures):
    direct = helpdesk_direct.sort_values(["case_id", "timestamp"], kind="stable")
    since = direct.groupby("case_id")["timestamp"].diff().dt.total_seconds() / 3600
    expected = since.groupby(direct["activity"]).median().dropna()
    measured = helpdesk_measures[0]["activity_times"]["median_hours_since_previous"].dropna()
    pd.testing.assert_series_equal(measured.sort_index(), expected.sort_index(), check_names=False,
                                   check_index_type=False, check_categorical=False)
    assert any("waiting and working cannot be told apart" in note for note in helpdesk_measures[1])


def test_xes_and_csv_of_the_same_log_give_the_same_tables(tmp_path):
    process = f"[approvals]\nsign_off_activities = {RECEIPT_SIGN_OFFS!r}\n".replace("'", '"')
    from_xes = events.tables_from_folder(_folder(tmp_path / "x", {"approvals.xes.gz": LOGS / "receipt.xes.gz"},
                                                 process))[0]
    from_csv = events.tables_from_folder(_folder(tmp_path / "c", {"approvals.csv": LOGS / "receipt.csv.gz"},
                                                 process))[0]
    assert set(from_xes) == {"approvals", "approval_steps"}
    for name in from_xes:
        pd.testing.assert_frame_equal(from_xes[name], from_csv[name])
    helpdesk_xes = events.tables_from_folder(_folder(tmp_path / "hx", {"tickets.xes.gz": LOGS / "helpdesk.xes.gz"}))
    helpdesk_csv = events.tables_from_folder(_folder(tmp_path / "hc", {"tickets.csv": LOGS / "helpdesk.csv.gz"}))
    pd.testing.assert_frame_equal(helpdesk_xes[0]["tickets"], helpdesk_csv[0]["tickets"])


def test_approval_log_matches_direct_computation(tmp_path):
    process = f"[approvals]\nsign_off_activities = {RECEIPT_SIGN_OFFS!r}\n".replace("'", '"')
    tables, notes = events.tables_from_folder(_folder(tmp_path, {"approvals.xes.gz": LOGS / "receipt.xes.gz"}, process))
    direct = pd.read_csv(LOGS / "receipt.csv.gz")
    direct["timestamp"] = pd.to_datetime(direct["time:timestamp"], utc=True)
    signed = direct[direct["concept:name"].isin(RECEIPT_SIGN_OFFS)]
    approvals = tables["approvals"].set_index("request_id")
    assert len(approvals) == signed["case:concept:name"].nunique()
    hours = (approvals["completed_at"] - approvals["submitted_at"]).dt.total_seconds() / 3600
    first = direct.groupby("case:concept:name")["timestamp"].min()
    last_sign_off = signed.groupby("case:concept:name")["timestamp"].max()
    expected = (last_sign_off - first.loc[last_sign_off.index]).dt.total_seconds() / 3600
    # The contract's clock times are in one fixed offset (the log's first, +01:00), so their differences are
    # the true durations, summer-time events included.
    assert np.allclose(hours.sort_index(), expected.sort_index(), rtol=0, atol=1e-9)
    assert approvals["approvers_required"].sum() == len(signed) == len(tables["approval_steps"])
    assert "touch_minutes" not in tables["approval_steps"] and "approver_role" not in tables["approval_steps"]
    assert any("approval_steps.touch_minutes" in note for note in notes)


def test_mixed_offsets_are_converted_to_the_first_and_said_so():
    log = events.read_log(LOGS / "receipt.xes.gz")
    assert str(log.events["timestamp"].dt.tz) == "UTC+01:00"
    assert any("+01:00, +02:00" in note and "converted to +01:00" in note for note in log.notes)
    raw = pd.read_csv(LOGS / "receipt.csv.gz")
    summer = raw["time:timestamp"].str.endswith("+02:00")
    assert summer.any() and (~summer).any()
    # The instants are kept: a summer event at 10:00+02:00 reads 09:00+01:00.
    direct = pd.to_datetime(raw["time:timestamp"], utc=True).sort_values().reset_index(drop=True)
    measured = log.events["timestamp"].dt.tz_convert("UTC").sort_values().reset_index(drop=True)
    assert (direct == measured).all()


def test_timezone_key_chooses_the_zone(tmp_path):
    text = ("case_id,activity,timestamp\nA,Open,2024-03-30T10:00:00+01:00\nA,Closed,2024-03-31T10:00:00+02:00\n")
    folder = _folder(tmp_path, {"tickets.csv": text}, 'timezone = "Europe/Amsterdam"\n')
    measured, notes = events.measures_from_folder(folder)
    assert measured["tickets"]["cases"]["cycle_hours"].iloc[0] == pytest.approx(23.0)  # the clocks went forward
    assert any("Europe/Amsterdam" in note for note in notes)
    shifted = events.read_log(folder / "events" / "tickets.csv", timezone="+08:00")
    assert shifted.events["timestamp"].iloc[0].hour == 17


def test_lifecycle_start_and_complete_give_waiting_working_and_touch_minutes(tmp_path):
    text = ("case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource\n"
            "R1,Submit,complete,2024-01-01 09:00:00,ann\n"
            "R1,Approve,start,2024-01-01 11:00:00,bob\n"
            "R1,Approve,complete,2024-01-01 11:30:00,bob\n"
            "R1,Approve,start,2024-01-02 09:00:00,cy\n"
            "R1,Approve,complete,2024-01-02 09:06:00,cy\n")
    folder = _folder(tmp_path, {"approvals.csv": text})
    tables, notes = events.tables_from_folder(folder)
    steps = tables["approval_steps"]
    assert steps["step"].tolist() == [1, 2]
    assert steps["touch_minutes"].tolist() == pytest.approx([30.0, 6.0])
    assert tables["approvals"]["approvers_required"].tolist() == [2]
    measured, _ = events.measures_from_folder(folder)
    split = measured["approvals"]["waiting_and_working"].iloc[0]
    assert split["working_hours"] == pytest.approx(0.6)
    assert split["waiting_hours"] == pytest.approx(24.1 - 0.6)
    times = measured["approvals"]["activity_times"]
    assert times.loc["Approve", "median_waiting_hours"] == pytest.approx((2.0 + 21.5) / 2)
    assert any("no UTC offset" in note for note in notes)


def test_littles_law_holds_on_a_steady_log(tmp_path):
    rng = np.random.default_rng(7)
    opened = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.sort(rng.uniform(0, 52 * 168, 3000)), unit="h")
    cycle = pd.to_timedelta(rng.exponential(60, len(opened)), unit="h")
    rows = [f"C{i},Open,{start.isoformat()}\nC{i},Closed,{(start + length).isoformat()}"
            for i, (start, length) in enumerate(zip(opened, cycle, strict=True))]
    folder = _folder(tmp_path, {"tickets.csv": "case_id,activity,timestamp\n" + "\n".join(rows) + "\n"})
    law = events.measures_from_folder(folder)[0]["tickets"]["littles_law"]["value"]
    assert law["observed_work_in_progress"] == pytest.approx(law["predicted_work_in_progress"], rel=0.05)


@pytest.mark.parametrize(("files", "process", "expected"), [
    ({"tickets.csv": "ticket,act,when\nA,Open,2024-01-01\n"}, "",
     r"tickets.csv, row 1: no case_id column; name it case:concept:name or case_id"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Open,2024-01-01 09:00\nA,Closed,yesterday\n"}, "",
     r"tickets.csv, row 3, column 'timestamp': 'yesterday' is not a timestamp"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,,2024-01-01 09:00\n"}, "",
     r"tickets.csv, row 2, column 'activity': empty"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Open,2024-01-01T09:00+01:00\nA,Done,2024-01-02T09:00\n"}, "",
     r"row 3, column 'timestamp': a timestamp without a UTC offset .* set timezone"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Open,2024-01-01 09:00\nA,Done,2024-01-02 09:00\n"}, "",
     r"no activity closes a ticket .* set close_activities under \[tickets\] in events/process.toml "
     r"\(the log's activities: 'Open', 'Done'|'Done', 'Open'"),
    ({"approvals.csv": "case_id,activity,timestamp\nA,Submit,2024-01-01 09:00\n"}, "",
     r"no activity is an approver's sign-off .* set sign_off_activities under \[approvals\]"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Closed,2024-01-01 09:00\n"}, "[tickets]\nsla = 24\n",
     r"process.toml, \[tickets\]: unknown key 'sla'; the keys are close_activities, .*sla_hours"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Closed,2024-01-01 09:00\n"}, "[tickets]\nsla_hours = \"1d\"\n",
     r"\[tickets\] key 'sla_hours': write the service-level target in hours"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Closed,2024-01-01 09:00\n"}, "timezone = \"Mars/Olympus\"\n",
     r"key 'timezone': 'Mars/Olympus' is not a time zone"),
    ({"tickets.csv": "case_id,activity,timestamp\nA,Closed,2024-01-01 09:00\n",
      "tickets.xes": "<log/>"}, "", r"tickets.csv and tickets.xes are the same log twice; keep one"),
    ({"tickets.xes": '<log xmlns="http://www.xes-standard.org/"><trace><string key="concept:name" value="A"/>'
                     '<event><string key="concept:name" value="Open"/><date key="time:timestamp" '
                     'value="2024-01-01T09:00:00+00:00"/></event><event><string key="concept:name" '
                     'value="Closed"/></event></trace></log>'}, "",
     r"tickets.xes, trace 1, event 2: no timestamp"),
    ({"tickets.xes": '<log><trace><event><string key="concept:name" value="Open"/><date key="time:timestamp" '
                     'value="2024-01-01T09:00:00Z"/></event></trace></log>'}, "",
     r"tickets.xes, trace 1: no 'concept:name' attribute on the trace"),
    ({"tickets.xes": '<log><trace><string key="concept:name" value="A"/><event></trace></log>'}, "",
     r"tickets.xes, line 1: not well-formed XES"),
    ({"tickets.xes.gz": "not gzip"}, "", r"tickets.xes.gz: cannot be read as gzip"),
])
def test_bad_input_gets_one_line_naming_where_and_the_fix(tmp_path, files, process, expected):
    folder = _folder(tmp_path, files, process)
    with pytest.raises(DataError, match=expected) as raised:
        events.tables_from_folder(folder)
    assert "\n" not in str(raised.value)


def test_not_utf8_csv_is_refused_with_the_fix(tmp_path):
    folder = _folder(tmp_path, {})
    text = "case_id,activity,timestamp\nA,Clôturé,2024-01-01\n"
    (folder / "events" / "tickets.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(DataError, match="not UTF-8 text; save the file as CSV UTF-8"):
        events.tables_from_folder(folder)


def test_export_column_names_map_through_process_toml(tmp_path):
    text = "Ticket;Step;When\nA;Opened;2024-01-01 09:00\nA;Solved;2024-01-01 12:00\n"
    process = ('[columns]\ncase_id = "Ticket"\nactivity = "Step"\ntimestamp = "When"\n'
               '[tickets]\nclose_activities = "Solved"\n')
    tables, notes = events.tables_from_folder(_folder(tmp_path, {"tickets.csv": text}, process))
    assert tables["tickets"]["resolution_hours"].tolist() == [3.0]
    assert any("resolution time is measured to the close (Solved)" in note for note in notes)


def test_a_folder_without_logs_gives_nothing(tmp_path):
    assert events.tables_from_folder(tmp_path) == ({}, [])


def test_reading_in_chunks_gives_the_same_events(monkeypatch):
    whole = {name: events.read_log(LOGS / name).events for name in ("helpdesk.xes.gz", "receipt.csv.gz")}
    monkeypatch.setattr(events, "CHUNK", 97)  # many chunks, a boundary inside traces
    for name, expected in whole.items():
        pd.testing.assert_frame_equal(events.read_log(LOGS / name).events, expected, check_categorical=False)


def test_header_spaces_and_naive_stamps_with_a_timezone(tmp_path):
    text = ("case_id , activity,timestamp \nA,Open,2024-01-01T09:00:00+08:00\nA,Closed,2024-01-01 12:00\n")
    folder = _folder(tmp_path, {"tickets.csv": text}, 'timezone = "Asia/Shanghai"\n')
    tables, _ = events.tables_from_folder(folder)
    assert tables["tickets"]["resolution_hours"].tolist() == [3.0]


def test_cases_that_never_close_are_named_when_littles_law_fails(tmp_path):
    process = f"[approvals]\nsign_off_activities = {RECEIPT_SIGN_OFFS!r}\n".replace("'", '"')
    _, notes = events.measures_from_folder(_folder(tmp_path, {"approvals.xes.gz": LOGS / "receipt.xes.gz"}, process))
    assert any("Little's law does not hold" in note and "set close_activities under [approvals]" in note
               for note in notes)
