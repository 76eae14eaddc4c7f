"""Metric functions: correct on known input, well-behaved on empty and edge input."""

import numpy as np
import pandas as pd
import pytest

from valuekit import metrics

from .conftest import ROOT


def approvals_frame(rows):
    return pd.DataFrame(rows, columns=["request_id", "submitted_at", "completed_at", "approvers_required"]).astype(
        {"submitted_at": "datetime64[us]", "completed_at": "datetime64[us]"})


def test_cycle_hours_on_known_input():
    approvals = approvals_frame([("A1", "2024-01-01 09:00", "2024-01-02 09:30", 3)])
    assert metrics.cycle_hours(approvals).tolist() == [24.5]


def test_fte():
    assert metrics.fte(0.0) == 0.0
    assert metrics.fte(metrics.HOURS_PER_FTE_MONTH) == pytest.approx(1.0)
    assert metrics.fte(80.0, hours_per_fte_month=160.0) == 0.5
    with pytest.raises(ValueError):
        metrics.fte(10.0, hours_per_fte_month=0)


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


def test_a_duration_is_shown_in_the_unit_that_keeps_its_precision():
    from valuekit.metrics import duration_text

    assert duration_text(5 / 60) == "5 min"
    assert duration_text(3.24) == "3.2 h"
    assert duration_text(36.4) == "36 h"
    assert duration_text(100.0) == "4.2 days"
