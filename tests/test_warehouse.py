"""The Ibis metric layer on DuckDB returns what the pandas functions return on the sample data.

Counts must match exactly, means and shares to 1e-9 relative (sums run in another order in a database).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valuekit import attribution, load_tables, metrics
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


@pytest.fixture(scope="module")
def layer(frames) -> wh.MetricLayer:
    return wh.MetricLayer(wh.add_frames(wh.connect_duckdb(), frames))


@pytest.mark.parametrize("module", [None, "lead_scoring", "pipeline"])
def test_active_users_match_pandas(layer, frames, module):
    expected = metrics.active_users(frames["usage_events"], module)
    actual = layer.active_users(module)
    assert_same(actual, expected)
    assert actual.index.name == "event_date"


def test_weekly_adoption_matches_pandas(layer, frames):
    expected = metrics.weekly_adoption(frames["usage_events"], frames["sales_reps"], frames["sales_teams"],
                                       "lead_scoring")
    assert_same(layer.weekly_adoption("lead_scoring"), expected.reset_index(drop=True))


def test_module_use_matches_the_usage_notebook(layer, frames):
    usage = frames["usage_events"]
    expected = usage.groupby("module").agg(
        active_user_days=("user_id", "size"), users=("user_id", "nunique"), events=("events", "sum"))
    expected["events_per_active_day"] = expected["events"] / expected["active_user_days"]
    expected["share_of_events"] = expected["events"] / expected["events"].sum()
    assert_same(layer.module_use(), expected)


def test_monthly_module_events_and_mau_match_pandas(layer, frames):
    usage = frames["usage_events"]
    month = usage["event_date"].dt.to_period("M").dt.to_timestamp()
    mix = usage.groupby([month, "module"])["events"].sum().unstack(fill_value=0)
    mix.index.name, mix.columns.name = "month", "module"
    assert_same(layer.monthly_module_events(), mix)
    mau = usage.groupby(month.rename("month"))["user_id"].nunique().rename("mau").to_frame()
    assert_same(layer.monthly_active_users(), mau)


@pytest.mark.parametrize("start", [None, pd.Timestamp("2023-03-15")])
def test_rep_week_panel_matches_attribution(layer, frames, start):
    expected = attribution.rep_week_panel(frames["leads"], frames["sales_reps"], frames["sales_teams"], start)
    assert_same(layer.rep_week_panel(start), expected)


def test_weekly_tickets_match_attribution(layer, frames):
    expected = attribution.weekly_tickets(frames["tickets"])[["week_start", "hours", "billing_share", "tickets"]]
    assert_same(layer.weekly_tickets(), expected)


def test_weekly_tickets_by_category_match_pandas(layer, frames):
    tickets = frames["tickets"]
    week_start = tickets["opened_on"] - pd.to_timedelta(tickets["opened_on"].dt.day_of_week, unit="D")
    expected = tickets.assign(week_start=week_start).groupby(["week_start", "category"], as_index=False).agg(
        tickets=("ticket_id", "size"), hours=("resolution_hours", "mean"))
    assert_same(layer.weekly_tickets_by_category(), expected)


def test_touch_hours_by_month_match_metrics(layer, frames):
    expected = metrics.touch_hours_by_month(frames["approvals"], frames["approval_steps"])
    assert_same(layer.touch_hours_by_month(), expected)


def test_trailing_window_counts_gaps_and_weekends():
    """A hand-checked case: WAU counts a user once per window, across weekends and days with no events."""
    usage = pd.DataFrame({
        "event_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-12", "2024-01-19"]),
        "user_id": ["a", "a", "b", "a", "b"], "module": "pipeline", "events": 1})
    layer = wh.MetricLayer(wh.add_frames(wh.connect_duckdb(), {"usage_events": usage}), ["usage_events"])
    actual = layer.active_users()
    assert_same(actual, metrics.active_users(usage))
    assert actual.loc["2024-01-08", "wau"] == 2 and actual.loc["2024-01-09", "wau"] == 0
    assert actual.loc["2024-01-09", "dau"] == 0 and np.isnan(actual.loc["2024-01-09", "stickiness"])


def test_csv_and_parquet_folders_give_the_same_tables(frames, tmp_path):
    from_csv = wh.MetricLayer(wh.connect_duckdb(DATA_DIR, ["tickets"]), ["tickets"]).weekly_tickets()
    wh.write_parquet({"tickets": frames["tickets"]}, tmp_path)
    from_parquet = wh.MetricLayer(wh.connect_duckdb(tmp_path, ["tickets"]), ["tickets"]).weekly_tickets()
    assert_same(from_parquet, from_csv)


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
    expected = attribution.rep_week_panel(frames["leads"], frames["sales_reps"], frames["sales_teams"])
    assert_same(layer.rep_week_panel(), expected)
