"""The randomised lead-routing experiment and the two guardrails: the planted lift, the SRM-free split, the
first-contact guardrail, the absent spillover, the open-rate change and the churn rise are recovered by
valuekit.attribution and valuekit.metrics on two seeds; each new function behaves on tiny hand-made frames."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from valuekit import attribution, metrics
from valuekit import company as kestrel
from valuekit.loader import change_date
from valuekit.vocabulary import CLEARLY_POSITIVELY_RELATED, DIRECTLY_CAUSED, ROUTING_ARMS, UNCLEAR

CONTROL, TREATMENT = ROUTING_ARMS
TRUTH = kestrel.experiment_truths()


def _reps(company) -> pd.DataFrame:
    reps = company["routing_experiment"].merge(company["sales_reps"][["rep_id", "team_id"]], on="rep_id")
    reps["pre_rate"] = reps["pre_meetings"] / reps["pre_leads"] * 100
    reps["rate"] = reps["meetings"] / reps["leads"] * 100
    reps["rate_cuped"], _ = attribution.cuped(reps["rate"], reps["pre_rate"])
    return reps


# Planted truths, on the committed seed and another --------------------------------------------------------


def test_the_split_is_free_of_sample_ratio_mismatch(company):
    counts = company["routing_experiment"]["arm"].value_counts()
    shares = pd.Series({CONTROL: 1 - TRUTH["routing_treated_share"], TREATMENT: TRUTH["routing_treated_share"]})
    assert attribution.sample_ratio_mismatch(counts, shares) >= attribution.SRM_LEVEL


def test_leads_are_the_lead_tables_counts_in_the_two_windows(company):
    leads = company["leads"]
    trial = metrics.in_period(leads, "created_on", kestrel.ROUTING_START,
                              kestrel.ROUTING_START + pd.Timedelta(weeks=kestrel.ROUTING_WEEKS))
    counts = trial.groupby("rep_id").size()
    table = company["routing_experiment"].set_index("rep_id")
    assert (table["leads"] == counts.reindex(table.index, fill_value=0)).all()


def test_cuped_recovers_the_planted_lift_with_a_narrower_interval(company):
    reps = _reps(company)
    plain = attribution.difference_in_means(reps, "rate", "arm", CONTROL, TREATMENT)
    adjusted = attribution.difference_in_means(reps, "rate_cuped", "arm", CONTROL, TREATMENT, "CUPED")
    assert plain.covers(TRUTH["routing_lift_pp"])
    assert adjusted.covers(TRUTH["routing_lift_pp"])
    assert adjusted.ci_low > 0
    assert (adjusted.ci_high - adjusted.ci_low) < 0.8 * (plain.ci_high - plain.ci_low)
    assert 1 - reps["rate_cuped"].var() / reps["rate"].var() > 0.3


def test_a_randomised_lift_with_a_clean_split_is_directly_caused(company):
    reps = _reps(company)
    counts = reps["arm"].value_counts()
    srm = attribution.sample_ratio_mismatch(counts, pd.Series({CONTROL: 0.5, TREATMENT: 0.5}))
    adjusted = attribution.difference_in_means(reps, "rate_cuped", "arm", CONTROL, TREATMENT, "CUPED")
    assert attribution.experiment_strength(srm, adjusted) == DIRECTLY_CAUSED


def test_the_first_contact_guardrail_holds_and_recovers_its_planted_change(company):
    reps = _reps(company)
    contact = attribution.difference_in_means(reps, "first_contact_hours", "arm", CONTROL, TREATMENT)
    assert contact.covers(TRUTH["routing_first_contact_change_hours"])
    assert attribution.guardrail_verdict(contact, 1.0, "higher") == attribution.WITHIN_BOUND


def test_control_reps_show_no_spillover_from_their_pool(company):
    reps = _reps(company)
    reps["share"] = reps.groupby("team_id")["arm"].transform(lambda arm: (arm == TREATMENT).mean())
    controls = reps[reps["arm"] == CONTROL]
    fit = smf.ols("rate_cuped ~ share", data=controls).fit(
        cov_type="cluster", cov_kwds={"groups": controls["team_id"].to_numpy()}, use_t=True)
    low, high = fit.conf_int().loc["share"]
    assert low <= TRUTH["routing_spillover_pp"] <= high


def test_reps_within_a_team_are_alike_so_team_randomisation_costs_power(company):
    reps = _reps(company)
    icc = attribution.intraclass_correlation(reps["pre_rate"], reps["team_id"])
    assert 0 < icc < 0.6
    sd, n, teams = reps["rate"].std(), len(reps), reps["team_id"].nunique()
    by_rep = attribution.minimum_detectable_effect(sd, n / 2, n / 2)
    by_team = attribution.minimum_detectable_effect(sd * np.sqrt(attribution.design_effect(n / teams, icc)), n / 2,
                                                    n / 2, df=teams - 2)
    # The same six-team design if reps within a team were unrelated: only the t quantiles' few degrees of freedom.
    uncorrelated_teams = attribution.minimum_detectable_effect(sd * np.sqrt(attribution.design_effect(n / teams, 0.0)),
                                                               n / 2, n / 2, df=teams - 2)
    assert uncorrelated_teams > by_rep  # few clusters cost power on their own
    # ... and the within-team likeness costs more (how much depends on the seed: 10 reps a team estimate it roughly)
    assert by_team == pytest.approx(uncorrelated_teams * np.sqrt(1 + (n / teams - 1) * icc))
    assert by_team > uncorrelated_teams


def test_push_open_rate_change_is_recovered_and_within_a_fall_bound(company):
    date = change_date(company, "push_automation")
    pushes = company["push_campaigns"].assign(rate=lambda d: d["opens"] / d["audience"] * 100)
    window = pd.Timedelta(weeks=12)
    change = attribution.before_after(metrics.in_period(pushes, "sent_on", date - window, date)["rate"],
                                      metrics.in_period(pushes, "sent_on", date, date + window)["rate"])
    assert change.covers(TRUTH["push_open_rate_change_pp"])
    assert attribution.guardrail_verdict(change, -0.3, "lower") == attribution.WITHIN_BOUND
    assert attribution.observed_change_strength(change) == CLEARLY_POSITIVELY_RELATED


def test_churn_rise_after_the_price_change_is_recovered_and_breaches_its_bound(company):
    rise = change_date(company, "price_rise")
    churn = metrics.monthly_churn_rate(company["customers_monthly"])
    base = metrics.in_period(churn, "month", rise - pd.DateOffset(months=12), rise)
    watch = metrics.in_period(churn, "month", rise, rise + pd.DateOffset(months=TRUTH["price_churn_months"]))
    change = attribution.rate_difference(base["churned"].sum(), base["customers_at_start"].sum(),
                                         watch["churned"].sum(), watch["customers_at_start"].sum())
    assert change.covers(TRUTH["price_churn_rise_pp"] / 100)
    assert attribution.guardrail_verdict(change, 0.003, "higher") == attribution.BREACHED


# The functions on tiny hand-made frames ------------------------------------------------------------------


def test_sample_ratio_mismatch_flags_a_broken_split_and_passes_a_fair_one():
    shares = pd.Series({"a": 0.5, "b": 0.5})
    assert attribution.sample_ratio_mismatch(pd.Series({"a": 34, "b": 26}), shares) == pytest.approx(0.3017, abs=1e-3)
    assert attribution.sample_ratio_mismatch(pd.Series({"a": 3400, "b": 2600}), shares) < 1e-20
    assert attribution.sample_ratio_mismatch(pd.Series({"a": 25, "b": 75}), pd.Series({"a": 1, "b": 3})) == 1.0


def test_minimum_detectable_effect_matches_the_textbook_formula():
    # (1.96 + 0.84) * 10 * sqrt(2 / 100) = 3.96
    assert attribution.minimum_detectable_effect(10, 100, 100) == pytest.approx(3.9616, abs=1e-3)
    assert attribution.minimum_detectable_effect(10, 400, 400) == pytest.approx(3.9616 / 2, abs=1e-3)
    with_t = attribution.minimum_detectable_effect(10, 100, 100, df=4)
    assert with_t > attribution.minimum_detectable_effect(10, 100, 100)


def test_difference_in_means_is_treatment_minus_control():
    frame = pd.DataFrame({"arm": ["c", "c", "c", "t", "t", "t"], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    estimate = attribution.difference_in_means(frame, "y", "arm", "c", "t")
    assert estimate.estimate == pytest.approx(3.0)
    assert estimate.ci_low < 3.0 < estimate.ci_high


def test_cuped_removes_what_the_covariate_predicts_and_keeps_the_mean():
    x = pd.Series([1.0, 2.0, 3.0, 4.0])
    y = pd.Series([2.0, 4.0, 6.0, 8.0])  # y = 2x: the covariate explains everything
    adjusted, theta = attribution.cuped(y, x)
    assert theta == pytest.approx(2.0)
    assert np.allclose(adjusted, y.mean())


def test_intraclass_correlation_and_design_effect():
    values = pd.Series([1.0, 1.0, 5.0, 5.0])
    groups = pd.Series(["a", "a", "b", "b"])
    assert attribution.intraclass_correlation(values, groups) == pytest.approx(1.0)
    assert attribution.intraclass_correlation(pd.Series([1.0, 5.0, 1.0, 5.0]), groups) == 0.0
    assert attribution.design_effect(10, 0.0) == 1.0
    assert attribution.design_effect(10, 0.5) == pytest.approx(5.5)


def test_experiment_strength_needs_a_clean_split_and_an_interval_off_zero():
    positive = attribution.Estimate("x", 2.0, 1.0, 3.0)
    straddling = attribution.Estimate("x", 1.0, -1.0, 3.0)
    assert attribution.experiment_strength(0.5, positive) == DIRECTLY_CAUSED
    assert attribution.experiment_strength(0.5, attribution.Estimate("x", -2.0, -3.0, -1.0)) == DIRECTLY_CAUSED
    assert attribution.experiment_strength(0.0001, positive) == UNCLEAR
    assert attribution.experiment_strength(0.5, straddling) == UNCLEAR


def test_guardrail_verdict_reads_the_whole_interval_against_the_bound():
    rise = attribution.Estimate("x", 0.5, 0.3, 0.7)
    assert attribution.guardrail_verdict(rise, 1.0, "higher") == attribution.WITHIN_BOUND
    assert attribution.guardrail_verdict(rise, 0.2, "higher") == attribution.BREACHED
    assert attribution.guardrail_verdict(rise, 0.5, "higher") == attribution.INCONCLUSIVE
    fall = attribution.Estimate("x", -0.5, -0.7, -0.3)
    assert attribution.guardrail_verdict(fall, -1.0, "lower") == attribution.WITHIN_BOUND
    assert attribution.guardrail_verdict(fall, -0.2, "lower") == attribution.BREACHED
    with pytest.raises(ValueError):
        attribution.guardrail_verdict(fall, -1.0, "sideways")


def test_rate_difference_and_the_strength_of_an_observed_change():
    change = attribution.rate_difference(20, 1000, 30, 1000)
    assert change.estimate == pytest.approx(0.01)
    assert change.ci_low < 0.01 < change.ci_high
    assert attribution.observed_change_strength(change) == UNCLEAR  # 2% vs 3% of 1,000: the interval covers 0
    big = attribution.rate_difference(200, 10_000, 300, 10_000)
    assert attribution.observed_change_strength(big) == CLEARLY_POSITIVELY_RELATED
    assert attribution.observed_change_strength(big, mechanical=True) == DIRECTLY_CAUSED


def test_monthly_churn_rate_divides_by_the_customers_at_the_start():
    frame = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "active_customers": [100, 105],
                          "new_customers": [10, 10], "churned_customers": [10, 5]})
    churn = metrics.monthly_churn_rate(frame)
    assert churn["customers_at_start"].tolist() == [100, 100]
    assert churn["churn_rate"].tolist() == pytest.approx([0.10, 0.05])
