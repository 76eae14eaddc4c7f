"""Metric functions: correct on known input, well-behaved on empty and edge input."""

import numpy as np
import pandas as pd
import pytest

from valuekit import company as kestrel
from valuekit import metrics

from .conftest import ROOT


def approvals_frame(rows):
    return pd.DataFrame(rows, columns=["request_id", "submitted_at", "completed_at", "approvers_required"]).astype(
        {"submitted_at": "datetime64[us]", "completed_at": "datetime64[us]"})


def test_cycle_hours_on_known_input():
    approvals = approvals_frame([("A1", "2024-01-01 09:00", "2024-01-02 09:30", 3)])
    assert metrics.cycle_hours(approvals).tolist() == [24.5]


def test_touch_hours_by_month_on_known_input_and_empty_input():
    approvals = approvals_frame([("A1", "2024-01-31 09:00", "2024-02-01 09:00", 2),
                                 ("A2", "2024-02-01 09:00", "2024-02-01 10:00", 1)])
    steps = pd.DataFrame({"request_id": ["A1", "A1", "A2"], "step": [1, 2, 1], "touch_minutes": [30.0, 30.0, 15.0]})
    by_month = metrics.touch_hours_by_month(approvals, steps)
    assert by_month.loc["2024-01-01"].tolist() == [1, 2, 1.0]
    assert by_month.loc["2024-02-01"].tolist() == [1, 1, 0.25]
    empty = metrics.touch_hours_by_month(approvals.iloc[:0], steps.iloc[:0])
    assert empty.empty and list(empty.columns) == ["requests", "sign_offs", "touch_hours"]


def test_planted_touch_hours_fall_to_a_third(company):
    by_month = metrics.touch_hours_by_month(company["approvals"], company["approval_steps"])
    per_request = by_month["touch_hours"] / by_month["requests"]
    before = per_request[per_request.index < "2024-02-01"].mean()
    after = per_request[per_request.index > "2024-02-01"].mean()
    assert before / after == pytest.approx(kestrel.PLANTED_TRUTHS["approvers_before"], rel=0.1)


def test_fte():
    assert metrics.fte(0.0) == 0.0
    assert metrics.fte(metrics.HOURS_PER_FTE_MONTH) == pytest.approx(1.0)
    assert metrics.fte(80.0, hours_per_fte_month=160.0) == 0.5
    with pytest.raises(ValueError):
        metrics.fte(10.0, hours_per_fte_month=0)


def test_active_users_on_known_input():
    usage = pd.DataFrame({
        "event_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-08"]),
        "user_id": ["a", "b", "a", "c"], "module": "m", "events": 1})
    active = metrics.active_users(usage)
    assert active.loc["2024-01-01", ["dau", "wau"]].tolist() == [2, 2]
    assert active.loc["2024-01-02", ["dau", "wau"]].tolist() == [1, 2]
    assert active.loc["2024-01-08", ["dau", "wau"]].tolist() == [1, 2]  # a (Jan 2) is still inside the week
    assert active.loc["2024-01-05", "stickiness"] == 0.0
    assert (active["dau"] <= active["wau"]).all()


def test_active_users_and_adoption_on_empty_input(company):
    empty_usage = company["usage_events"].iloc[:0]
    assert metrics.active_users(empty_usage).empty
    assert metrics.active_users(company["usage_events"], module="no_such_module").empty
    adoption = metrics.weekly_adoption(empty_usage, company["sales_reps"], company["sales_teams"], "lead_scoring")
    assert adoption.empty


def test_adoption_counts_each_rep_once_a_week_from_the_rollout():
    """Team A (4 reps) goes live on a Monday: 2 reps use it in week 0, 1 in week 1.

    Use before the rollout, other modules and a second event in the same week don't count.
    """
    reps = pd.DataFrame({"rep_id": ["a1", "a2", "a3", "a4", "b1"], "team_id": ["A"] * 4 + ["B"]})
    teams = pd.DataFrame({"team_id": ["A", "B"], "crm_rollout_date": pd.to_datetime(["2024-03-04", None])})
    usage = pd.DataFrame({
        "user_id": ["a1", "a1", "a2", "a3", "a3", "a4", "b1"],
        "event_date": pd.to_datetime(["2024-03-04", "2024-03-06", "2024-03-10", "2024-03-11", "2024-03-01",
                                      "2024-03-12", "2024-03-05"]),
        "module": ["lead_scoring"] * 5 + ["reports", "lead_scoring"],
    })
    adoption = metrics.weekly_adoption(usage, reps, teams, "lead_scoring")
    assert adoption[["team_id", "week", "active_reps", "share"]].to_dict("records") == [
        {"team_id": "A", "week": 0, "active_reps": 2, "share": 0.5},
        {"team_id": "A", "week": 1, "active_reps": 1, "share": 0.25},
    ]


def test_metric_cards_validate_vocabulary_and_completeness():
    card = dict(name="n", definition="d", formula="f", metric_type="usage", attribution_strength="directly caused",
                owner="o", data_source="s", cadence="weekly", target="t", baseline="b")
    assert metrics.metric_cards([card]).shape == (1, len(metrics.METRIC_CARD_FIELDS))
    with pytest.raises(ValueError, match="unknown metric type"):
        metrics.metric_cards([{**card, "metric_type": "vanity"}])
    with pytest.raises(ValueError, match="missing values in: owner"):
        metrics.metric_cards([{**card, "owner": None}])


def test_shipped_metric_card_template_has_the_card_fields():
    template = pd.read_csv(ROOT / "book" / "part3" / "metric-card-template.csv")
    assert tuple(template.columns) == metrics.METRIC_CARD_FIELDS


def test_monthly_hours_freed_leaves_out_the_change_month():
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"])
    by_month = pd.DataFrame({"touch_hours": [100.0, 110.0, 70.0, 40.0, 30.0]}, index=months)
    assert metrics.monthly_hours_freed(by_month, pd.Timestamp("2024-03-15")) == (105.0, 35.0, 70.0)


def test_weekly_reach_averages_the_weeks_with_events():
    usage = pd.DataFrame({"event_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-10"]),
                          "user_id": ["a", "b", "a", "a"]})
    assert metrics.weekly_reach(usage, 4) == pytest.approx((2 / 4 + 1 / 4) / 2)  # a and b, then a alone
    assert metrics.weekly_reach(usage.iloc[:0], 4) == 0.0


def test_prep_time_saving_on_known_input_and_without_automation():
    pushes = pd.DataFrame({
        "sent_on": pd.to_datetime(["2024-01-05", "2024-01-06", "2024-02-01", "2024-02-02", "2024-03-01"]),
        "mode": ["manual", "manual", "automated", "automated", "automated"],
        "prep_minutes": [50.0, 70.0, 5.0, 7.0, 6.0],
    })
    saving = metrics.prep_time_saving(pushes)
    assert saving["pushes per month"] == 1.5  # three automated pushes over two months
    assert saving["staff hours saved per month"] == pytest.approx(1.5 * (60 - 6) / 60)
    manual_only = metrics.prep_time_saving(pushes[pushes["mode"] == "manual"])
    assert manual_only["pushes per month"] == 0.0


def test_in_period_keeps_the_start_and_leaves_out_the_end():
    frame = pd.DataFrame({"day": pd.to_datetime(["2023-12-31", "2024-01-01", "2024-06-30", "2025-01-01"]),
                          "n": [1, 2, 3, 4]})
    assert metrics.in_period(frame, "day", "2024-01-01", "2025-01-01")["n"].tolist() == [2, 3]
    assert metrics.in_period(frame, "day", pd.Timestamp("2024-01-02"), "2024-01-02").empty


def test_the_two_definitions_of_hours_freed_differ_when_the_volume_moves():
    # Before the March change: 10 h per request; after it 5 h per request, but twice the requests a month.
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"])
    by_month = pd.DataFrame({"requests": [10, 10, 15, 20, 20], "touch_hours": [100.0, 100.0, 90.0, 100.0, 100.0]},
                            index=months)
    per_request = metrics.hours_freed_per_request(by_month, pd.Timestamp("2024-03-15"))
    assert per_request == (10.0, 5.0, 5.0)
    assert metrics.monthly_hours_freed(by_month, pd.Timestamp("2024-03-15")).freed == 0.0  # the same hours a month
    nothing_after = metrics.hours_freed_per_request(by_month.iloc[:3], pd.Timestamp("2024-03-15"))
    assert nothing_after.before == 10.0 and np.isnan(nothing_after.after) and np.isnan(nothing_after.freed)
