"""The Ibis metric layer on DuckDB against hand computations: small frames worked by hand, and random ones
counted user by user with Python sets (no bitmask, no shared code), across the layer's blocks and data gaps.

Counts must match exactly, means and shares to 1e-9 relative (sums run in another order in a database).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuekit import company as kestrel
from valuekit import load_tables
from valuekit import warehouse as wh
from valuekit.loader import DataError

from .conftest import DATA_DIR

RTOL = 1e-9


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same rows, columns and index; integers and strings exactly, floats to RTOL (dtype families may differ:
    a database returns Arrow strings where the loader gives pandas strings)."""
    actual, expected = actual.copy(), expected.copy()
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    assert list(actual.index.astype(str)) == list(expected.index.astype(str))
    for column in expected.columns:
        left, right = actual[column], expected[column]
        if pd.api.types.is_float_dtype(right) or pd.api.types.is_float_dtype(left):
            np.testing.assert_allclose(left.to_numpy(float), right.to_numpy(float), rtol=RTOL, atol=0,
                                       equal_nan=True, err_msg=column)
        else:
            assert list(left.astype(str)) == list(right.astype(str)), column


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return load_tables(DATA_DIR, list(wh.LAYER_TABLES))


# --- Usage, counted user by user -------------------------------------------------------------------------

def random_usage(seed: int) -> pd.DataFrame:
    """Eight users and three modules over two stretches of days with 74 days between them (longer than a
    bitmask's block of days), each user-day-module at most once, as the contract's key requires."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-11-01", "2023-12-31").append(pd.date_range("2024-03-15", "2024-04-30"))
    keys = pd.MultiIndex.from_product([days, [f"u{i}" for i in range(8)], ["m1", "m2", "m3"]],
                                      names=["event_date", "user_id", "module"]).to_frame(index=False)
    usage = keys[rng.random(len(keys)) < 0.06].reset_index(drop=True)
    return usage.assign(events=rng.integers(1, 20, len(usage)))


def users_by_day(usage: pd.DataFrame) -> dict[pd.Timestamp, set]:
    users: dict[pd.Timestamp, set] = {}
    for day, user in zip(usage["event_date"], usage["user_id"], strict=True):
        users.setdefault(day, set()).add(user)
    return users


def counted_active_users(usage: pd.DataFrame) -> pd.DataFrame:
    """DAU and trailing-7-day WAU per workday from the first to the last event day, by counting sets."""
    users = users_by_day(usage)
    rows = []
    for day in pd.date_range(usage["event_date"].min(), usage["event_date"].max()):
        if day.weekday() >= 5:
            continue
        week = set().union(*(users.get(day - pd.Timedelta(days=back), set()) for back in range(7)))
        rows.append((day, len(users.get(day, set())), len(week)))
    frame = pd.DataFrame(rows, columns=["event_date", "dau", "wau"]).set_index("event_date")
    frame["stickiness"] = frame["dau"] / frame["wau"].replace(0, np.nan)
    return frame


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("module", [None, "m2"])
def test_active_users_match_a_count_of_sets(seed, module):
    usage = random_usage(seed)
    layer = wh.MetricLayer.from_frames({"usage_events": usage})
    events = usage if module is None else usage[usage["module"] == module]
    expected = counted_active_users(events)
    assert_same(layer.active_users(module), expected)
    assert (expected.loc["2024-01-15":"2024-03-01", ["dau", "wau"]] == 0).all().all()  # the gap is in it


def test_active_users_on_known_input():
    usage = pd.DataFrame({
        "event_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-08"]),
        "user_id": ["a", "b", "a", "c"], "module": "m", "events": 1})
    active = wh.MetricLayer.from_frames({"usage_events": usage}).active_users()
    assert active.loc["2024-01-01", ["dau", "wau"]].tolist() == [2, 2]
    assert active.loc["2024-01-02", ["dau", "wau"]].tolist() == [1, 2]
    assert active.loc["2024-01-08", ["dau", "wau"]].tolist() == [1, 2]  # a (Jan 2) is still inside the week
    assert active.loc["2024-01-05", "stickiness"] == 0.0
    assert list(active.index.day_of_week.unique()) == [0, 1, 2, 3, 4]  # workdays only
    assert active.index.name == "event_date"


def test_a_week_reaches_back_across_the_start_of_a_block():
    """A user active only on the last day of a block of days counts in the WAU of the next block's first six
    days, and on the seventh no more; days with no event at all count as zero."""
    block_start = pd.Timestamp("1970-01-01") + pd.Timedelta(days=wh.MASK_BITS * 350)
    last_of_block = block_start - pd.Timedelta(days=1)
    usage = pd.DataFrame({"event_date": [last_of_block, last_of_block + pd.Timedelta(days=30)],
                          "user_id": ["a", "b"], "module": "m", "events": 1})
    active = wh.MetricLayer.from_frames({"usage_events": usage}).active_users()
    expected = counted_active_users(usage)
    assert_same(active, expected)
    week = pd.date_range(last_of_block, periods=7)
    assert (active.reindex(week).dropna()["wau"] == 1).all()
    if (day := last_of_block + pd.Timedelta(days=7)).weekday() < 5:
        assert active.loc[day, "wau"] == 0


def test_active_users_on_empty_input():
    usage = random_usage(1)
    assert wh.MetricLayer.from_frames({"usage_events": usage.iloc[:0]}).active_users().empty
    assert wh.MetricLayer.from_frames({"usage_events": usage}).active_users("no_such_module").empty


@pytest.mark.parametrize("seed", [1, 2])
def test_monthly_active_users_match_a_count_of_sets(seed):
    usage = random_usage(seed)
    month = usage["event_date"].dt.to_period("M").dt.to_timestamp()
    expected = {m: len(set(usage.loc[month == m, "user_id"])) for m in sorted(month.unique())}
    mau = wh.MetricLayer.from_frames({"usage_events": usage}).monthly_active_users()
    assert mau["mau"].to_dict() == expected
    assert mau.index.name == "month"


def test_module_use_and_monthly_mix_on_known_input():
    usage = pd.DataFrame({
        "event_date": pd.to_datetime(["2024-01-30", "2024-01-31", "2024-01-31", "2024-02-01"]),
        "user_id": ["a", "a", "b", "a"], "module": ["m1", "m1", "m1", "m2"], "events": [3, 1, 4, 2]})
    layer = wh.MetricLayer.from_frames({"usage_events": usage})
    use = layer.module_use()
    assert use.loc["m1", ["active_user_days", "users", "events"]].tolist() == [3, 2, 8]
    assert use.loc["m2", ["active_user_days", "users", "events"]].tolist() == [1, 1, 2]
    assert use["events_per_active_day"].tolist() == pytest.approx([8 / 3, 2.0])
    assert use["share_of_events"].tolist() == pytest.approx([0.8, 0.2])
    mix = layer.monthly_module_events()
    assert mix.to_dict("index") == {pd.Timestamp("2024-01-01"): {"m1": 8, "m2": 0},
                                    pd.Timestamp("2024-02-01"): {"m1": 0, "m2": 2}}


# --- Adoption by rollout cohort --------------------------------------------------------------------------

def roster(team_rollouts: dict[str, str | None], reps_per_team: int) -> dict[str, pd.DataFrame]:
    reps = pd.DataFrame({"rep_id": [f"{team}{i}" for team in team_rollouts for i in range(reps_per_team)],
                         "team_id": [team for team in team_rollouts for _ in range(reps_per_team)]})
    teams = pd.DataFrame({"team_id": list(team_rollouts),
                          "crm_rollout_date": pd.to_datetime(list(team_rollouts.values()))})
    return {"sales_reps": reps, "sales_teams": teams}


def test_adoption_counts_each_rep_once_a_week_from_the_rollout():
    """Team A (4 reps) goes live on a Monday: 2 reps use it in week 0, 1 in week 1.

    Use before the rollout, other modules, a second event in the same week and a never-treated team don't count.
    """
    tables = roster({"A": "2024-03-04", "B": None}, 4)
    tables["usage_events"] = pd.DataFrame({
        "user_id": ["A0", "A0", "A1", "A2", "A2", "A3", "B0"],
        "event_date": pd.to_datetime(["2024-03-04", "2024-03-06", "2024-03-10", "2024-03-11", "2024-03-01",
                                      "2024-03-12", "2024-03-05"]),
        "module": ["lead_scoring"] * 5 + ["reports", "lead_scoring"], "events": 1})
    adoption = wh.MetricLayer.from_frames(tables).weekly_adoption("lead_scoring")
    assert adoption.to_dict("records") == [
        {"team_id": "A", "week": 0, "active_reps": 2, "share": 0.5},
        {"team_id": "A", "week": 1, "active_reps": 1, "share": 0.25},
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_adoption_matches_a_count_of_sets(seed):
    """Rollouts on a Wednesday and a Monday, so the teams' weeks start on different days."""
    tables = roster({"u": "2023-11-15", "v": "2024-03-18"}, 4)
    usage = random_usage(seed)
    tables["usage_events"] = usage.assign(user_id=usage["user_id"].map(
        {f"u{i}": f"{'uv'[i % 2]}{i // 2}" for i in range(8)}))
    expected = {}
    for team, rollout in zip(tables["sales_teams"]["team_id"], tables["sales_teams"]["crm_rollout_date"],
                             strict=True):
        used = tables["usage_events"]
        used = used[(used["module"] == "m1") & used["user_id"].str.startswith(team)]
        for day, user in zip(used["event_date"], used["user_id"], strict=True):
            if day >= rollout:
                expected.setdefault((team, (day - rollout).days // 7), set()).add(user)
    adoption = wh.MetricLayer.from_frames(tables).weekly_adoption("m1")
    assert {(row.team_id, row.week): row.active_reps for row in adoption.itertuples()} == {
        key: len(users) for key, users in expected.items()}
    assert adoption["share"].tolist() == pytest.approx((adoption["active_reps"] / 4).tolist())
    assert adoption[["team_id", "week"]].equals(adoption[["team_id", "week"]].sort_values(["team_id", "week"]))


def test_adoption_on_empty_input():
    tables = roster({"A": "2024-03-04"}, 2)
    tables["usage_events"] = random_usage(1).iloc[:0]
    assert wh.MetricLayer.from_frames(tables).weekly_adoption("lead_scoring").empty


# --- The rep-week panel, tickets and approvals -----------------------------------------------------------

def test_rep_week_panel_on_known_input():
    """Weeks from the Monday of the first lead's week (or from `start`); the rollout week in the same count."""
    tables = roster({"A": "2024-01-10", "B": None}, 1)
    tables["leads"] = pd.DataFrame({
        "rep_id": ["A0", "A0", "A0", "B0"],
        "created_on": pd.to_datetime(["2024-01-03", "2024-01-07", "2024-01-08", "2024-01-04"]),
        "converted": [True, False, True, False]})
    layer = wh.MetricLayer.from_frames(tables)
    panel = layer.rep_week_panel()
    assert panel.drop(columns="rollout_week").to_dict("list") == {
        "rep_id": ["A0", "A0", "B0"], "team_id": ["A", "A", "B"], "week": [0, 1, 0], "leads": [2, 1, 1],
        "won": [1, 1, 0], "rate": [50.0, 100.0, 0.0]}
    assert panel["rollout_week"].tolist()[:2] == [1.0, 1.0] and np.isnan(panel["rollout_week"].iloc[2])
    later = layer.rep_week_panel(pd.Timestamp("2024-01-08"))
    assert later["week"].tolist() == [-1, 0, -1] and later["rollout_week"].iloc[0] == 0.0


def test_panel_keeps_every_lead(frames):
    panel = wh.MetricLayer.from_frames(frames).rep_week_panel()
    assert panel["leads"].sum() == len(frames["leads"])
    assert panel["won"].sum() == frames["leads"]["converted"].sum()
    assert not panel.duplicated(["rep_id", "week"]).any()


@pytest.mark.parametrize("start", [None, pd.Timestamp("2023-03-15")], ids=["first-monday", "a-wednesday"])
def test_panel_on_the_sample_matches_a_groupby_of_the_leads(frames, start):
    """The layer's panel against pandas written out here: weeks from `start` (default: the first lead's Monday)."""
    leads = frames["leads"].merge(frames["sales_reps"][["rep_id", "team_id"]], on="rep_id")
    origin = start if start is not None else leads["created_on"].min() - pd.Timedelta(
        days=leads["created_on"].min().weekday())
    leads["week"] = (leads["created_on"] - origin).dt.days // 7
    expected = leads.groupby(["rep_id", "team_id", "week"], as_index=False).agg(
        leads=("lead_id", "size"), won=("converted", "sum"))
    expected["rate"] = expected["won"] / expected["leads"] * 100
    rollout = (frames["sales_teams"].set_index("team_id")["crm_rollout_date"] - origin).dt.days // 7
    expected["rollout_week"] = expected["team_id"].map(rollout).astype(float)
    actual = wh.MetricLayer.from_frames(frames).rep_week_panel(start)
    assert_same(actual.sort_values(["rep_id", "week"], ignore_index=True),
                expected.sort_values(["rep_id", "week"], ignore_index=True))


def test_ticket_series_on_the_sample_match_a_groupby_of_the_tickets(frames):
    tickets = frames["tickets"].assign(
        week_start=lambda d: d["opened_on"] - pd.to_timedelta(d["opened_on"].dt.day_of_week, unit="D"))
    expected = tickets.groupby(["week_start", "category"], as_index=False).agg(
        tickets=("ticket_id", "size"), hours=("resolution_hours", "mean"))
    layer = wh.MetricLayer.from_frames(frames)
    assert_same(layer.weekly_tickets_by_category().sort_values(["week_start", "category"], ignore_index=True),
                expected)
    weekly = layer.weekly_tickets().set_index("week_start")
    by_week = tickets.groupby("week_start")
    np.testing.assert_allclose(weekly["hours"], by_week["resolution_hours"].mean(), rtol=RTOL)
    np.testing.assert_allclose(weekly["billing_share"], by_week["category"].apply(lambda c: (c == "billing").mean()),
                               rtol=RTOL)
    assert weekly["tickets"].tolist() == by_week.size().tolist()


def test_touch_hours_on_the_sample_match_a_groupby_of_the_sign_offs(frames):
    approvals, steps = frames["approvals"], frames["approval_steps"]
    month = approvals.set_index("request_id")["submitted_at"].dt.to_period("M").dt.to_timestamp()
    signed = steps.assign(month=steps["request_id"].map(month))
    expected = pd.DataFrame({
        "requests": month.value_counts().sort_index(),
        "sign_offs": signed.groupby("month").size(),
        "touch_hours": signed.groupby("month")["touch_minutes"].sum() / 60})
    actual = wh.MetricLayer.from_frames(frames).touch_hours_by_month()
    assert actual.index.tolist() == expected.index.tolist()
    assert actual["requests"].tolist() == expected["requests"].tolist()
    assert actual["sign_offs"].tolist() == expected["sign_offs"].tolist()
    np.testing.assert_allclose(actual["touch_hours"], expected["touch_hours"], rtol=RTOL)


def test_weekly_tickets_on_known_input():
    tickets = pd.DataFrame({
        "opened_on": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-07", "2024-01-08"]),
        "category": ["billing", "bug", "bug", "bug"], "resolution_hours": [2.0, 4.0, 9.0, 5.0]})
    layer = wh.MetricLayer.from_frames({"tickets": tickets})
    weekly = layer.weekly_tickets()
    assert weekly.to_dict("list") == {"week_start": [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-08")],
                                      "hours": [5.0, 5.0], "billing_share": [1 / 3, 0.0], "tickets": [3, 1]}
    by_category = layer.weekly_tickets_by_category()
    assert by_category[["category", "tickets", "hours"]].to_dict("list") == {
        "category": ["billing", "bug", "bug"], "tickets": [1, 2, 1], "hours": [2.0, 6.5, 5.0]}


def approvals_and_steps(requests, steps):
    approvals = pd.DataFrame(requests, columns=["request_id", "submitted_at"]).astype(
        {"submitted_at": "datetime64[us]"})
    return {"approvals": approvals, "approval_steps": pd.DataFrame(steps, columns=["request_id", "touch_minutes"])}


def test_touch_hours_by_month_on_known_input_and_empty_input():
    tables = approvals_and_steps([("A1", "2024-01-31 09:00"), ("A2", "2024-02-01 09:00"), ("A3", "2024-03-01")],
                                 [("A1", 30.0), ("A1", 30.0), ("A2", 15.0)])
    by_month = wh.MetricLayer.from_frames(tables).touch_hours_by_month()
    assert list(by_month.columns) == ["requests", "sign_offs", "touch_hours"]
    assert by_month.loc["2024-01-01"].tolist() == [1, 2, 1.0]
    assert by_month.loc["2024-02-01"].tolist() == [1, 1, 0.25]
    assert by_month.loc["2024-03-01"].tolist() == [1, 0, 0.0]  # a request nobody has signed yet
    empty = wh.MetricLayer.from_frames(approvals_and_steps([], [])).touch_hours_by_month()
    assert empty.empty and list(empty.columns) == ["requests", "sign_offs", "touch_hours"]


def test_planted_touch_hours_fall_to_a_third(company):
    by_month = wh.MetricLayer.from_frames(company).touch_hours_by_month()
    per_request = by_month["touch_hours"] / by_month["requests"]
    before = per_request[per_request.index < "2024-02-01"].mean()
    after = per_request[per_request.index > "2024-02-01"].mean()
    assert before / after == pytest.approx(kestrel.PLANTED_TRUTHS["approvers_before"], rel=0.1)


# --- Frames, folders and the contract --------------------------------------------------------------------

def test_from_frames_takes_the_layer_tables_and_columns_only(frames):
    tickets = frames["tickets"][["ticket_id", "opened_on", "category", "resolution_hours"]]
    layer = wh.MetricLayer.from_frames({"tickets": tickets, "wages": pd.DataFrame({"role": ["x"]})})
    assert list(layer.tables) == ["tickets"]
    assert layer.tables["tickets"].columns == ("opened_on", "category", "resolution_hours")
    with pytest.raises(KeyError, match="category"):
        wh.MetricLayer.from_frames({"tickets": tickets.drop(columns="category")})


def test_csv_and_parquet_folders_give_the_same_tables(frames, tmp_path):
    from_csv = wh.MetricLayer(wh.connect_duckdb(DATA_DIR, ["tickets"]), ["tickets"]).weekly_tickets()
    wh.write_parquet({"tickets": frames["tickets"]}, tmp_path)
    from_parquet = wh.MetricLayer(wh.connect_duckdb(tmp_path, ["tickets"]), ["tickets"]).weekly_tickets()
    assert_same(from_parquet, from_csv)
    assert_same(from_csv, wh.MetricLayer.from_frames(frames).weekly_tickets())


def test_contract_names_are_checked(frames):
    con = wh.connect_duckdb()
    con.create_table("tickets", wh.arrow_table(frames["tickets"], "tickets").drop_columns(["category"]))
    with pytest.raises(DataError, match="table 'tickets' has no column 'category'"):
        wh.contract_tables(con, ["tickets"])
    with pytest.raises(DataError, match="no table 'approvals'"):
        wh.contract_tables(con, ["approvals"])


def test_columns_are_cast_to_the_contract_types(frames):
    """A warehouse that keeps dates as text and flags as strings still gives the same numbers."""
    con = wh.connect_duckdb()
    text = frames["leads"].astype({"created_on": str, "converted": str})
    con.create_table("leads", pd.DataFrame({column: text[column].astype(object) for column in text.columns}))
    wh.add_frames(con, {name: frames[name] for name in ("sales_reps", "sales_teams")})
    layer = wh.MetricLayer(con, ["leads", "sales_reps", "sales_teams"])
    assert_same(layer.rep_week_panel(), wh.MetricLayer.from_frames(frames).rep_week_panel())
