"""Each estimator recovers its planted effect, on the committed data and on another seed; naive ones miss."""

import numpy as np
import pandas as pd
import pytest

from valuekit import attribution
from valuekit import company as kestrel

CRM_TRUTH = kestrel.PLANTED_TRUTHS["crm_lift_pp"]
SERVICE_TRUTH = kestrel.PLANTED_TRUTHS["service_effect_hours"]
RAMP = kestrel.CRM_RAMP_WEEKS


@pytest.fixture(scope="module")
def panel(company):
    return attribution.rep_week_panel(company["leads"], company["sales_reps"], company["sales_teams"], kestrel.START)


@pytest.fixture(scope="module")
def weekly(company):
    return attribution.weekly_tickets(company["tickets"])


def test_panel_keeps_every_lead(company, panel):
    assert panel["leads"].sum() == len(company["leads"])
    assert panel["won"].sum() == company["leads"]["converted"].sum()
    assert panel.loc[panel["team_id"] == kestrel.PLANTED_TRUTHS["crm_never_treated_team"], "rollout_week"].isna().all()


def test_stacked_did_recovers_the_crm_lift(panel):
    estimate = attribution.stacked_did(panel, RAMP)
    assert estimate.estimate == pytest.approx(CRM_TRUTH, abs=1.5)
    assert estimate.covers(CRM_TRUTH)
    assert not estimate.covers(0.0)


def test_clean_controls_never_include_treated_weeks(panel):
    stacked = attribution.stack_clean_controls(panel)
    controls = stacked[stacked["treated"] == 0]
    assert (controls["rollout_week"].isna() | (controls["week"] < controls["rollout_week"])).all()
    assert set(stacked["stack"]) == set(panel["rollout_week"].dropna().astype(int))


def test_event_study_has_no_pre_trend_and_ramps_to_the_lift(panel):
    event = attribution.event_study(panel)
    before = event[event["weeks_since_rollout"] < 0]
    assert ((before["ci_low"] <= 0) & (before["ci_high"] >= 0)).all()
    ramped = event[event["weeks_since_rollout"] >= RAMP]
    assert ramped["estimate"].mean() == pytest.approx(CRM_TRUTH, abs=2.0)
    assert event.loc[event["weeks_since_rollout"] == 0, "estimate"].iloc[0] < ramped["estimate"].mean()


def test_placebo_finds_nothing(panel):
    assert attribution.stacked_did(attribution.placebo_panel(panel, 13), RAMP).covers(0.0)


def test_naive_before_after_overstates_the_crm_lift(panel):
    treated = panel[panel["rollout_week"].notna()]
    after = treated["week"] >= treated["rollout_week"]
    naive = attribution.before_after(treated.loc[~after, "rate"].repeat(treated.loc[~after, "leads"]),
                                     treated.loc[after, "rate"].repeat(treated.loc[after, "leads"]))
    # The market-wide drift is credited to the feature.
    assert naive.estimate > CRM_TRUTH + 1.0
    assert not naive.covers(CRM_TRUTH)


def test_its_recovers_the_service_effect(weekly):
    estimate, _ = attribution.interrupted_time_series(weekly, kestrel.SERVICE_CHANGE, ("billing_share",))
    assert estimate.estimate == pytest.approx(SERVICE_TRUTH, abs=0.8)
    assert estimate.covers(SERVICE_TRUTH)


def test_naive_and_seasonless_estimates_overstate_the_service_effect(weekly):
    weeks = (weekly["week_start"] - kestrel.SERVICE_CHANGE).dt.days // 7
    naive = attribution.before_after(weekly.loc[weeks.between(-12, -1), "hours"], weekly.loc[weeks.between(0, 11), "hours"])
    assert naive.estimate < 1.6 * SERVICE_TRUTH
    assert not naive.covers(SERVICE_TRUTH)
    seasonless, _ = attribution.interrupted_time_series(weekly, kestrel.SERVICE_CHANGE, seasonal=False)
    assert seasonless.estimate < 1.6 * SERVICE_TRUTH


def test_its_placebo_finds_nothing(weekly):
    """The same model, with a fake change a year before the real one, fitted on the weeks before the real one."""
    before_change = weekly[weekly["week_start"] < kestrel.SERVICE_CHANGE]
    fake_change = kestrel.SERVICE_CHANGE - pd.Timedelta(weeks=52)
    placebo, _ = attribution.interrupted_time_series(before_change, fake_change, ("billing_share",))
    assert placebo.covers(0.0)


def test_before_after_on_known_numbers():
    estimate = attribution.before_after(pd.Series([1.0, 2.0, 3.0]), pd.Series([4.0, 5.0, 6.0]))
    assert estimate.estimate == pytest.approx(3.0)
    # Welch interval for two samples with variance 1 and n = 3: 3 +/- t(0.975, 4) * sqrt(2/3).
    assert estimate.ci_high - estimate.estimate == pytest.approx(2.776445 * np.sqrt(2 / 3), rel=1e-5)


def test_before_after_needs_two_observations_each_side():
    with pytest.raises(ValueError, match="at least two"):
        attribution.before_after(pd.Series([1.0]), pd.Series([2.0, 3.0]))
