"""The service desk the ITIL way: the measures on tiny frames, and the planted truths on two seeds."""

import numpy as np
import pandas as pd
import pytest

from valuekit import attribution, metrics
from valuekit.company import service_desk_truths
from valuekit.loader import change_date
from valuekit.vocabulary import CLEARLY_POSITIVELY_RELATED

TRUTHS = service_desk_truths()


def tiny_tickets() -> pd.DataFrame:
    return pd.DataFrame({
        "ticket_id": ["S1", "S2", "S3", "S4"],
        "opened_on": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-08"]),
        "category": ["how_to", "bug", "billing", "how_to"],
        "resolution_hours": [6.0, 30.0, 10.0, 2.0],
        "first_contact_resolved": [True, False, True, False],
        "reopened": [False, True, False, False],
        "sla_due_hours": [8.0, 24.0, 12.0, 8.0],
        "handle_minutes": [10.0, 50.0, 20.0, 40.0],
        "csat_score": pd.array([5, 2, pd.NA, 4], dtype="Int64"),
    })


def test_sla_met_compares_resolution_with_the_target():
    assert metrics.sla_met(tiny_tickets()).tolist() == [True, False, True, True]


def test_service_desk_measures_on_a_tiny_desk():
    measures = metrics.service_desk_measures(tiny_tickets(), hourly_wage=120.0)
    assert measures["first_contact_resolution"] == 0.5
    assert measures["sla_attainment"] == 0.75
    assert measures["reopen_rate"] == 0.25
    assert measures["mean_handle_minutes"] == 30.0
    assert measures["cost_per_contact_cny"] == pytest.approx(60.0)
    assert measures["csat_mean"] == pytest.approx(11 / 3)
    assert measures["csat_satisfied_share"] == pytest.approx(2 / 3)
    assert "cost_per_contact_cny" not in metrics.service_desk_measures(tiny_tickets())
    assert np.isnan(metrics.service_desk_measures(tiny_tickets().iloc[:0])["first_contact_resolution"])


def test_daily_backlog_counts_hours_open_and_ages():
    tickets = tiny_tickets().iloc[:2]  # both open at noon on 1 January, for 6 and 30 hours
    backlog = metrics.daily_backlog(tickets)
    assert backlog.index.tolist() == [pd.Timestamp("2024-01-01")]
    assert backlog["open_tickets"].iloc[0] == pytest.approx((6 + 12) / 24)  # ticket hours open that day / 24
    # Ages at mid-hour: 0.5 .. 5.5 for the first, 0.5 .. 11.5 for the second, over 18 ticket-hours.
    ages = np.concatenate([np.arange(6) + 0.5, np.arange(12) + 0.5])
    assert backlog["mean_age_hours"].iloc[0] == pytest.approx(ages.mean())
    # The bug's 24-hour target falls due the next day: nothing overdue on day one.
    assert backlog["overdue_share"].iloc[0] == 0.0
    assert metrics.daily_backlog(tickets.iloc[:0]).empty


def test_littles_law_holds_on_a_steady_desk():
    days = pd.date_range("2024-01-01", periods=200, freq="D").repeat(10)
    tickets = pd.DataFrame({"ticket_id": range(len(days)), "opened_on": days,
                            "resolution_hours": np.tile([6.0, 30.0], len(days) // 2),
                            "sla_due_hours": 24.0})
    law = metrics.littles_law(tickets, metrics.daily_backlog(tickets))
    assert law["arrivals_per_day"] == pytest.approx(10.0)
    assert law["days_in_system"] == pytest.approx(0.75)
    assert law["observed_backlog"] == pytest.approx(law["predicted_backlog"], rel=1e-9)


def test_weekly_service_rates():
    weekly = attribution.weekly_service(tiny_tickets())
    assert weekly["tickets"].tolist() == [3, 1]
    assert weekly["fcr"].tolist() == pytest.approx([2 / 3, 0.0])
    assert weekly["reopen_rate"].tolist() == pytest.approx([1 / 3, 0.0])
    assert weekly["handle_minutes"].tolist() == pytest.approx([80 / 3, 40.0])


def test_its_on_another_outcome():
    weeks = pd.date_range("2023-01-02", periods=60, freq="7D")
    rate = np.where(weeks >= weeks[30], 0.6, 0.5) + 0.01 * np.sin(np.arange(60))
    weekly = pd.DataFrame({"week_start": weeks, "t": np.arange(60.0), "fcr": rate, "hours": 0.0, "tickets": 10})
    estimate, _ = attribution.interrupted_time_series(weekly, weeks[30], seasonal=False, outcome="fcr")
    assert estimate.estimate == pytest.approx(0.1, abs=0.02)


# --- Planted truths, on two seeds ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def desk(company):
    event = change_date(company, "agent_console")
    return company["tickets"], attribution.weekly_service(company["tickets"]), event


def test_its_recovers_the_first_contact_lift(desk):
    _tickets, weekly, event = desk
    estimate, _ = attribution.interrupted_time_series(weekly, event, covariates=("billing_share",), outcome="fcr",
                                                      weighted=True)
    assert estimate.covers(TRUTHS["service_fcr_lift_pp"] / 100)


def test_its_recovers_the_reopen_and_handle_time_changes(desk):
    _tickets, weekly, event = desk
    reopen, _ = attribution.interrupted_time_series(weekly, event, outcome="reopen_rate", weighted=True)
    assert reopen.covers(TRUTHS["service_reopen_rate_after"] - TRUTHS["service_reopen_rate_before"])
    handle, _ = attribution.interrupted_time_series(weekly, event, outcome="handle_minutes", weighted=True)
    assert handle.covers(TRUTHS["service_handle_minutes_mean_after"] - TRUTHS["service_handle_minutes_mean_before"])


def test_reopen_rates_before_and_after(desk):
    tickets, _weekly, event = desk
    after = tickets["opened_on"] >= event
    assert tickets.loc[~after, "reopened"].mean() == pytest.approx(TRUTHS["service_reopen_rate_before"], abs=0.01)
    assert tickets.loc[after, "reopened"].mean() == pytest.approx(TRUTHS["service_reopen_rate_after"], abs=0.01)
    assert not (tickets["reopened"] & tickets["first_contact_resolved"]).any()


def test_sla_attainment_rises_and_littles_law_holds(desk):
    tickets, _weekly, event = desk
    after = tickets["opened_on"] >= event
    met = metrics.sla_met(tickets)
    assert met[after].mean() > met[~after].mean() + 0.05
    law = metrics.littles_law(tickets, metrics.daily_backlog(tickets))
    assert law["observed_backlog"] == pytest.approx(law["predicted_backlog"], rel=0.02)


def test_a_single_series_with_a_same_day_change_earns_clearly_positively_related(company):
    changes = company["changes"]
    event = change_date(company, "agent_console")
    coincident = int(((changes["go_live"] == event) & (changes["change_id"] != "agent_console")).sum())
    assert coincident == 1
    assert attribution.before_after_strength(mechanical=False, coincident_changes=coincident) == \
        CLEARLY_POSITIVELY_RELATED
