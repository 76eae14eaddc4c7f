"""Each planted truth is visible in the data, within a stated tolerance, for more than one seed.

These checks use deliberately simple estimators (medians, same-season comparisons,
a comparison with the never-treated team) so that they test the data, not the
book's methods; Part III's notebooks recover the same truths with proper designs.
"""

import numpy as np
import pandas as pd
import pytest

from valuekit import company as kestrel

TRUTH = kestrel.PLANTED_TRUTHS


def weeks_since(dates: pd.Series, event: pd.Series | pd.Timestamp) -> pd.Series:
    return (dates - event).dt.days // 7


@pytest.fixture(scope="module")
def leads(company):
    return (
        company["leads"]
        .merge(company["sales_reps"], on="rep_id")
        .merge(company["sales_teams"], on="team_id")
    )


def test_crm_lift_against_the_never_treated_team(leads):
    """Difference-in-differences per rollout cohort, fully ramped weeks only: lift within 2 points."""
    control = leads[leads["crm_rollout_date"].isna()]
    lifts = []
    for rollout, cohort in leads.dropna(subset=["crm_rollout_date"]).groupby("crm_rollout_date"):
        after = weeks_since(cohort["created_on"], rollout) >= kestrel.CRM_RAMP_WEEKS
        before = cohort["created_on"] < rollout
        control_after = weeks_since(control["created_on"], rollout) >= kestrel.CRM_RAMP_WEEKS
        control_before = control["created_on"] < rollout
        lifts.append(
            (cohort.loc[after, "converted"].mean() - cohort.loc[before, "converted"].mean())
            - (control.loc[control_after, "converted"].mean() - control.loc[control_before, "converted"].mean())
        )
    assert len(lifts) == 4
    assert np.mean(lifts) * 100 == pytest.approx(TRUTH["crm_lift_pp"], abs=2.0)


def test_never_treated_team_exists_and_is_untreated(company):
    teams = company["sales_teams"]
    never = teams.loc[teams["crm_rollout_date"].isna(), "team_id"].tolist()
    assert never == [TRUTH["crm_never_treated_team"]]


def test_lead_scoring_used_only_after_rollout_and_adoption_reaches_ceiling(company):
    usage = company["usage_events"].merge(company["sales_reps"], left_on="user_id", right_on="rep_id")
    usage = usage.merge(company["sales_teams"], on="team_id")
    scoring = usage[usage["module"] == "lead_scoring"]
    assert (scoring["event_date"] >= scoring["crm_rollout_date"]).all()
    assert scoring["crm_rollout_date"].notna().all()

    scoring = scoring.assign(week=weeks_since(scoring["event_date"], scoring["crm_rollout_date"]))
    late = scoring[scoring["week"] >= 12]
    weekly_users = late.groupby(["team_id", "week"])["user_id"].nunique() / kestrel.REPS_PER_TEAM
    # Weekly share of reps active approaches the ceiling, minus the chance a user skips every weekday.
    assert weekly_users.mean() == pytest.approx(TRUTH["adoption_ceiling"], abs=0.05)


def test_approval_automation_halves_cycle_time_and_cuts_approvers(company):
    approvals = company["approvals"]
    hours = (approvals["completed_at"] - approvals["submitted_at"]).dt.total_seconds() / 3600
    after = approvals["submitted_at"] >= kestrel.APPROVAL_AUTOMATION
    assert hours[~after].median() == pytest.approx(TRUTH["approval_median_hours_before"], rel=0.05)
    assert hours[after].median() == pytest.approx(TRUTH["approval_median_hours_after"], rel=0.05)
    assert set(approvals.loc[~after, "approvers_required"]) == {TRUTH["approvers_before"]}
    assert set(approvals.loc[after, "approvers_required"]) == {TRUTH["approvers_after"]}


def test_approval_steps_match_approvers_and_touch_time(company):
    steps = company["approval_steps"]
    per_request = steps.groupby("request_id").size()
    required = company["approvals"].set_index("request_id")["approvers_required"]
    pd.testing.assert_series_equal(per_request.sort_index(), required.sort_index(), check_names=False)
    assert steps["touch_minutes"].median() == pytest.approx(TRUTH["approval_touch_median_minutes"], rel=0.05)


def test_service_change_visible_in_same_season_comparison(company):
    """Same months a year apart cancel the season; non-billing tickets avoid the price-change mix shift."""
    tickets = company["tickets"]
    tickets = tickets[tickets["category"] != "billing"]
    months = tickets["opened_on"].dt.month
    window_2024 = (tickets["opened_on"].dt.year == 2024) & months.between(4, 12)
    window_2023 = (tickets["opened_on"].dt.year == 2023) & months.between(4, 12)

    def mean_by_category(mask):
        return tickets[mask].groupby("category")["resolution_hours"].mean()

    effect = (mean_by_category(window_2024) - mean_by_category(window_2023)).mean()
    assert effect == pytest.approx(TRUTH["service_effect_hours"], abs=0.6)


def test_naive_before_after_overstates_the_service_change(company):
    tickets = company["tickets"]
    change = kestrel.SERVICE_CHANGE
    week = weeks_since(tickets["opened_on"], change)
    naive = (
        tickets.loc[week.between(0, 11), "resolution_hours"].mean()
        - tickets.loc[week.between(-12, -1), "resolution_hours"].mean()
    )
    assert naive < 1.4 * TRUTH["service_effect_hours"], "seasonality should make the naive drop look larger"


def test_price_change_brings_billing_surge_and_churn(company):
    tickets = company["tickets"]
    billing = tickets["category"] == "billing"
    week = weeks_since(tickets["opened_on"], kestrel.PRICE_CHANGE)
    assert billing[week.between(0, 7)].mean() > billing[week.between(-8, -1)].mean() + 0.08

    customers = company["customers_monthly"].set_index("month")
    prices = customers["list_price_cny_per_seat"]
    assert set(prices[prices.index < kestrel.PRICE_CHANGE]) == {TRUTH["price_before_cny"]}
    assert set(prices[prices.index >= kestrel.PRICE_CHANGE]) == {TRUTH["price_after_cny"]}


def test_billing_surge_barely_moves_mean_resolution(company):
    """Billing tickets are about as slow as the average ticket, so the surge is no confounder that matters here
    (hard mode makes it one)."""
    tickets = company["tickets"]
    billing = tickets["category"] == "billing"
    gap = tickets.loc[billing, "resolution_hours"].mean() - tickets.loc[~billing, "resolution_hours"].mean()
    assert 0 < gap < 2.0
    surge_share = kestrel.BILLING_SURGE_PER_WEEK / (kestrel.TICKETS_PER_WEEK + kestrel.BILLING_SURGE_PER_WEEK)
    assert surge_share * gap < 0.5  # hours added to the weekly mean in the surge's first week, at most


def test_push_automation_cuts_preparation_time(company):
    pushes = company["push_campaigns"]
    automated = pushes["sent_on"] >= kestrel.PUSH_AUTOMATION
    assert (pushes.loc[automated, "mode"] == "automated").all()
    assert (pushes.loc[~automated, "mode"] == "manual").all()
    assert pushes.loc[~automated, "prep_minutes"].median() == pytest.approx(
        TRUTH["push_median_minutes_manual"], rel=0.05)
    assert pushes.loc[automated, "prep_minutes"].median() == pytest.approx(
        TRUTH["push_median_minutes_automated"], rel=0.05)


def test_pm_answers_reveal_each_true_stage(company):
    answers = company["pm_answers"].merge(company["rubric_items"], on="item_id")
    dimensions = list(kestrel.DIMENSIONS)
    for pm_id, _name, _tenure, _system, stages in kestrel.PM_TEAM:
        mine = answers[answers["pm_id"] == pm_id]
        true_stage = mine["dimension"].map(lambda d, stages=stages: stages[dimensions.index(d)])
        at_or_below = mine.loc[mine["stage_level"] <= true_stage, "agreement"].mean()
        above = mine.loc[mine["stage_level"] > true_stage, "agreement"].mean()
        if pm_id == kestrel.INCONSISTENT_PM:
            assert mine.loc[mine["stage_level"] >= 3, "agreement"].mean() >= 3.8
            assert mine.loc[mine["stage_level"] <= 2, "agreement"].mean() <= 2.2
            continue
        assert at_or_below >= 3.8, pm_id
        if not np.isnan(above):
            assert above <= 2.2, pm_id


def test_every_agreement_names_evidence_except_the_inconsistent_pms(company):
    answers = company["pm_answers"]
    named = answers["evidence"].fillna("").str.strip() != ""
    agreed = answers["agreement"] >= 4
    inconsistent = answers["pm_id"] == kestrel.INCONSISTENT_PM
    assert (named == (agreed & ~inconsistent)).all()


def test_pm_with_gaps_left_exactly_the_planted_items_unanswered(company):
    answered = company["pm_answers"].groupby("pm_id")["item_id"].apply(set)
    all_items = set(company["rubric_items"]["item_id"])
    assert all_items - answered[kestrel.PM_WITH_GAPS] == set(kestrel.UNANSWERED_ITEMS)
    others = answered.drop(kestrel.PM_WITH_GAPS)
    assert all(items == all_items for items in others)


def test_won_leads_are_the_new_customers_and_deals_follow_the_price(company):
    leads = company["leads"]
    won = leads[leads["converted"]]
    per_month = won.groupby(won["created_on"].dt.to_period("M").dt.to_timestamp()).size()
    customers = company["customers_monthly"].set_index("month")
    pd.testing.assert_series_equal(customers["new_customers"], per_month, check_names=False, check_index_type=False)

    price = kestrel.list_price(pd.DatetimeIndex(won["created_on"]))
    seats = won["deal_value_cny"] / (price * 12)
    assert (seats == seats.round()).all() and (seats >= 1).all()
    assert seats.mean() == pytest.approx(kestrel.SEATS_PER_NEW_CUSTOMER, rel=0.05)
