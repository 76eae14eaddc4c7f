"""The estimators: pyfixest agrees with the book's first (statsmodels) estimates where the estimand is the same;
the trimmed stacked design, its fast refit and its randomisation inference; the naive ones miss."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from valuekit import attribution, load_tables, vocabulary
from valuekit import company as kestrel
from valuekit.warehouse import MetricLayer

from .conftest import DATA_DIR

CRM_TRUTH = kestrel.PLANTED_TRUTHS["crm_lift_pp"]
SERVICE_TRUTH = kestrel.PLANTED_TRUTHS["service_effect_hours"]
RAMP = kestrel.CRM_RAMP_WEEKS
WINDOW = attribution.EVENT_WINDOW


@pytest.fixture(scope="module")
def layer(company):
    return MetricLayer.from_frames(company)


@pytest.fixture(scope="module")
def panel(layer):
    return layer.rep_week_panel(kestrel.START)


@pytest.fixture(scope="module")
def weekly(layer):
    return attribution.ticket_series(layer.weekly_tickets())


@pytest.fixture(scope="module")
def randomization(panel):
    return attribution.randomization_inference(panel, RAMP, WINDOW)


def test_panel_keeps_every_lead(company, panel):
    assert panel["leads"].sum() == len(company["leads"])
    assert panel["won"].sum() == company["leads"]["converted"].sum()
    assert panel.loc[panel["team_id"] == kestrel.PLANTED_TRUTHS["crm_never_treated_team"], "rollout_week"].isna().all()


# --- pyfixest against the first version's statsmodels regressions (same estimand, same data) ---

def _statsmodels_fit(formula, data, term):
    fit = smf.wls(formula, data=data, weights=data["leads"]).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(data["rep_id"])[0]})
    return fit.params[term], fit.bse[term]


@pytest.mark.slow
def test_pyfixest_twfe_matches_statsmodels(panel):
    data = panel.assign(post=(panel["week"] >= panel["rollout_week"]).astype(float))
    expected, expected_se = _statsmodels_fit("rate ~ post + C(team_id) + C(week)", data, "post")
    estimate = attribution.twfe(panel, cluster="rep_id")
    assert estimate.estimate == pytest.approx(expected, rel=1e-9)
    # Same clusters; the small-sample corrections differ slightly (fixed effects counted or not).
    se = (estimate.ci_high - estimate.ci_low) / 2 / 2.0  # t(59) critical value is 2.00
    assert se == pytest.approx(expected_se, rel=0.05)


@pytest.mark.slow
def test_pyfixest_stacked_did_matches_statsmodels(panel):
    stacked = attribution.stack_clean_controls(panel)
    stacked["ramping"] = stacked["treated"] * stacked["event_time"].between(0, RAMP - 1)
    stacked["ramped"] = stacked["treated"] * (stacked["event_time"] >= RAMP)
    expected, expected_se = _statsmodels_fit(
        "rate ~ ramping + ramped + C(stack):C(team_id) + C(stack):C(week)", stacked, "ramped")
    estimate = attribution.stacked_did(panel, RAMP)
    assert estimate.estimate == pytest.approx(expected, rel=1e-9)
    assert (estimate.ci_high - estimate.ci_low) / 2 / 2.0 == pytest.approx(expected_se, rel=0.05)


def test_fast_stacked_design_matches_pyfixest(panel, randomization):
    """The randomisation refits (team-week cells, fixed effects partialled out) equal pyfixest's fit."""
    assert randomization.estimate.estimate == pytest.approx(
        attribution.stacked_did(panel, RAMP, WINDOW).estimate, rel=1e-9)
    cells = attribution.team_week_cells(panel)
    design = attribution._StackedDesign(cells, WINDOW, RAMP, "leads")
    observed = cells.groupby("team_id")["rollout_week"].first().to_dict()
    pre = design.influence(observed, event=True) @ cells["rate"].to_numpy()
    event = attribution.event_study(panel)
    expected = event.loc[event["weeks_since_rollout"] < -attribution.EVENT_BIN_WEEKS, "estimate"].to_numpy()
    np.testing.assert_allclose(pre, expected, rtol=1e-8, atol=1e-9)


# --- The trimmed, weighted stacks ---

def test_clean_controls_never_include_treated_weeks(panel):
    stacked = attribution.stack_clean_controls(panel)
    controls = stacked[stacked["treated"] == 0]
    assert (controls["rollout_week"].isna() | (controls["week"] < controls["rollout_week"])).all()
    assert set(stacked["stack"]) == set(panel["rollout_week"].dropna().astype(int))


def test_trimmed_stacks_are_balanced_and_weighted(panel):
    pre, post = WINDOW
    stacked = attribution.stack_clean_controls(panel, WINDOW)
    assert stacked["event_time"].between(-pre, post).all()
    controls = stacked[stacked["treated"] == 0]
    assert (controls["rollout_week"].isna() | (controls["rollout_week"] > controls["stack"] + post)).all()
    # Every team present in a stack is there for the whole window.
    weeks = stacked.groupby(["stack", "team_id"])["week"].nunique()
    assert (weeks == pre + post + 1).all()
    # Corrective weights: each stack's controls carry the stack's share of treated units.
    weight = stacked["weight"] / stacked["leads"]
    units = stacked.groupby(["stack", "treated"])["rep_id"].nunique().unstack()
    control_weight = stacked[stacked["treated"] == 0].assign(q=weight).groupby("stack")["q"].first()
    weighted_controls = units[0.0] * control_weight
    np.testing.assert_allclose(weighted_controls / weighted_controls.sum(), units[1.0] / units[1.0].sum())


def test_trimmed_stacked_did_recovers_the_lift(randomization):
    estimate = randomization.estimate
    assert estimate.estimate == pytest.approx(CRM_TRUTH, abs=2.0)
    assert estimate.covers(CRM_TRUTH)
    assert not estimate.covers(0.0)


def test_twfe_and_did2s_with_the_same_ramp_split(panel):
    for estimate in (attribution.twfe(panel, RAMP), attribution.did2s(panel, RAMP)):
        assert estimate.estimate == pytest.approx(CRM_TRUTH, abs=2.0), estimate.method
        assert "team" in estimate.inference


def test_event_study_has_eight_pre_periods_a_reference_and_ramps(panel):
    event = attribution.event_study(panel)
    before = event[event["weeks_since_rollout"] < 0]
    assert len(before) == 9
    reference = event.loc[event["weeks_since_rollout"] == -attribution.EVENT_BIN_WEEKS]
    assert (reference[["estimate", "ci_low", "ci_high"]] == 0).all(axis=None)
    ramped = event[event["weeks_since_rollout"] >= RAMP]
    assert ramped["estimate"].mean() == pytest.approx(CRM_TRUTH, abs=2.5)
    assert event.loc[event["weeks_since_rollout"] == 0, "estimate"].iloc[0] < ramped["estimate"].mean()


# --- Randomisation inference over rollout orders ---

def test_every_rollout_order_once(randomization):
    # Six teams, five dates (two teams share the first): 6! / 2! orders.
    assert randomization.assignments == 360
    assert randomization.estimate.p_value == pytest.approx(randomization.smallest_p_value)
    assert len(randomization.null_estimates) == 360


def test_pre_trend_and_placebo_outcome_pass(panel, randomization):
    assert randomization.pretrend_p_value > 0.05
    placebo = attribution.randomization_inference(panel, RAMP, WINDOW, outcome="leads_per_rep", pretrend=False)
    assert placebo.estimate.covers(0.0)
    # A placebo that finds nothing only says something if it could have found something: a tenth of a
    # rep's weekly leads is inside its reach.
    leads_per_rep_week = panel["leads"].mean()
    assert placebo.estimate.ci_high - placebo.estimate.ci_low < 0.1 * leads_per_rep_week


def _synthetic_panel(effect: float, noise: float, seed: int = 0) -> pd.DataFrame:
    """Six teams of one rep, 104 weeks: team and week effects, the planted ramp, optional noise."""
    rng = np.random.default_rng(seed)
    rollout = {"A": 26, "B": 26, "C": 39, "D": 52, "E": 65, "F": np.nan}
    rows = []
    for i, (team, start) in enumerate(rollout.items()):
        for week in range(104):
            shape = 0.0 if np.isnan(start) or week < start else min((week - start + 1) / RAMP, 1.0)
            rate = 10 + i + 0.05 * week + effect * shape + noise * rng.normal()
            rows.append((f"r{team}", team, week, 100, rate, start))
    panel = pd.DataFrame(rows, columns=["rep_id", "team_id", "week", "leads", "rate", "rollout_week"])
    return panel.assign(won=panel["rate"] * panel["leads"] / 100)


def test_randomization_interval_on_known_data():
    exact = attribution.randomization_inference(_synthetic_panel(4.0, 0.0), RAMP, WINDOW).estimate
    assert exact.estimate == pytest.approx(4.0)
    assert exact.covers(4.0) and not exact.covers(0.0)
    assert exact.p_value == pytest.approx(1 / 360)
    null = attribution.randomization_inference(_synthetic_panel(0.0, 1.0), RAMP, WINDOW).estimate
    assert null.covers(0.0) and null.p_value > 0.05


def test_three_teams_cannot_reject_anything(panel):
    few = panel[panel["team_id"].isin(["T2", "T4", "T6"])]
    result = attribution.randomization_inference(few, RAMP, WINDOW)
    assert result.assignments == 6
    assert result.estimate.ci_low == -np.inf and result.estimate.ci_high == np.inf


# --- Naive comparisons ---

def test_naive_before_after_on_leads_overstates_the_crm_lift(company):
    leads = company["leads"].merge(company["sales_reps"], on="rep_id").merge(company["sales_teams"], on="team_id")
    weeks = (leads["created_on"] - leads["crm_rollout_date"]).dt.days // 7
    naive = attribution.before_after(leads.loc[weeks < 0, "converted"] * 100.0,
                                     leads.loc[weeks >= RAMP, "converted"] * 100.0)
    # The market-wide drift is credited to the feature.
    assert naive.estimate > CRM_TRUTH + 1.0
    assert not naive.covers(CRM_TRUTH)


def test_mature_leads_drops_the_newest():
    leads = pd.DataFrame({"created_on": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-20"])})
    kept = attribution.mature_leads(leads, 30)
    assert kept["created_on"].tolist() == [pd.Timestamp("2024-01-01")]


# --- The agent console ---

def test_ticket_series_adds_the_time_series_terms():
    weekly = pd.DataFrame({"week_start": pd.to_datetime(["2024-01-01", "2024-01-08"]), "hours": [5.0, 4.0],
                           "billing_share": [0.1, 0.2], "tickets": [10, 20]})
    series = attribution.ticket_series(weekly)
    assert series["t"].tolist() == [0.0, 1.0]
    angle = 2 * np.pi * (1 + 3) / 365.25  # the middle of the week of 1 January
    assert series.loc[0, "season_sin"] == pytest.approx(np.sin(angle))
    assert series.loc[0, "season_cos3"] == pytest.approx(np.cos(3 * angle))
    assert series["log_tickets"].tolist() == pytest.approx(np.log([10, 20]).tolist())
    assert list(weekly.columns) == ["week_start", "hours", "billing_share", "tickets"]  # the input is untouched


def test_its_recovers_the_service_effect(weekly):
    estimate, _ = attribution.interrupted_time_series(weekly, kestrel.SERVICE_CHANGE, ("billing_share",))
    assert estimate.estimate == pytest.approx(SERVICE_TRUTH, abs=0.8)
    assert estimate.covers(SERVICE_TRUTH)


def test_its_variants_recover_the_service_effect(weekly):
    for harmonics in (1, 2, 3):
        estimate, _ = attribution.interrupted_time_series(
            weekly, kestrel.SERVICE_CHANGE, ("billing_share", "log_tickets"), harmonics=harmonics, slope=True,
            weighted=True)
        assert estimate.estimate == pytest.approx(SERVICE_TRUTH, abs=1.5), harmonics


def test_billing_share_is_not_a_confounder_that_matters_in_the_default_data(weekly):
    """Billing tickets are about as slow as the average ticket, so the surge barely moves the mean."""
    with_share, _ = attribution.interrupted_time_series(weekly, kestrel.SERVICE_CHANGE, ("billing_share",))
    without, _ = attribution.interrupted_time_series(weekly, kestrel.SERVICE_CHANGE)
    assert abs(with_share.estimate - without.estimate) < 0.6


def test_year_over_year_by_category(company):
    estimate, change = attribution.year_over_year(company["tickets"], kestrel.SERVICE_CHANGE)
    assert "billing" not in change.index
    assert estimate.estimate == pytest.approx(SERVICE_TRUTH, abs=1.0)


def test_naive_and_seasonless_estimates_overstate_the_service_effect(weekly):
    weeks = (weekly["week_start"] - kestrel.SERVICE_CHANGE).dt.days // 7
    naive = attribution.before_after(weekly.loc[weeks.between(-12, -1), "hours"],
                                     weekly.loc[weeks.between(0, 11), "hours"])
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
    assert placebo.ci_high - placebo.ci_low < abs(SERVICE_TRUTH), "too wide to have seen an effect the real size"


def test_before_after_on_known_numbers():
    estimate = attribution.before_after(pd.Series([1.0, 2.0, 3.0]), pd.Series([4.0, 5.0, 6.0]))
    assert estimate.estimate == pytest.approx(3.0)
    # Welch interval for two samples with variance 1 and n = 3: 3 +/- t(0.975, 4) * sqrt(2/3).
    assert estimate.ci_high - estimate.estimate == pytest.approx(2.776445 * np.sqrt(2 / 3), rel=1e-5)


def test_before_after_needs_two_observations_each_side():
    with pytest.raises(ValueError, match="at least two"):
        attribution.before_after(pd.Series([1.0]), pd.Series([2.0, 3.0]))


def test_before_after_earns_directly_caused_only_for_a_mechanical_change_alone():
    assert attribution.before_after_strength(mechanical=True) == vocabulary.DIRECTLY_CAUSED
    assert attribution.before_after_strength(mechanical=True, coincident_changes=1) == \
        vocabulary.CLEARLY_POSITIVELY_RELATED
    assert attribution.before_after_strength(mechanical=False) == vocabulary.CLEARLY_POSITIVELY_RELATED


def test_leads_with_teams_gives_each_lead_its_team_and_rollout():
    leads = pd.DataFrame({"lead_id": ["L1", "L2", "L3"], "rep_id": ["R2", "R1", "R2"]})
    reps = pd.DataFrame({"rep_id": ["R1", "R2"], "team_id": ["T1", "T2"]})
    teams = pd.DataFrame({"team_id": ["T1", "T2"], "crm_rollout_date": pd.to_datetime(["2024-01-01", None])})
    joined = attribution.leads_with_teams(leads, reps, teams).set_index("lead_id").sort_index()
    assert joined["team_id"].tolist() == ["T2", "T1", "T2"]
    assert joined.loc["L2", "crm_rollout_date"] == pd.Timestamp("2024-01-01")
    assert joined.loc[["L1", "L3"], "crm_rollout_date"].isna().all()


def test_rollout_assignments_enumerate_distinct_orders_and_sample_beyond_the_limit():
    nan = float("nan")
    rollout = {"A": 1.0, "B": 1.0, "C": 5.0, "D": nan}
    every = attribution.rollout_assignments(rollout)
    assert len(every) == 12  # 4! / 2! orders of the dates 1, 1, 5 and never
    assert every[0] == rollout
    assert len({tuple(-1 if np.isnan(d[t]) else d[t] for t in "ABCD") for d in every}) == 12
    many = {f"T{i:02d}": (float(i % 4) if i % 4 else nan) for i in range(40)}  # 40!/(10!^4): never enumerable
    sampled = attribution.rollout_assignments(many, limit=100, seed=1)
    assert len(sampled) == 100 and sampled[0] == many
    assert all(sorted(map(str, d.values())) == sorted(map(str, many.values())) for d in sampled)


def test_sample_ratio_mismatch_sees_an_arm_nobody_fell_into():
    shares = pd.Series({"control": 0.5, "treatment": 0.5})
    assert attribution.sample_ratio_mismatch(pd.Series({"control": 60}), shares) < 1e-9
    assert attribution.sample_ratio_mismatch(pd.Series({"control": 30, "treatment": 30}), shares) == 1.0


def test_rate_difference_with_no_events_on_either_side_is_zero_with_no_p_value():
    estimate = attribution.rate_difference(0, 100, 0, 120)
    assert (estimate.estimate, estimate.ci_low, estimate.ci_high) == (0.0, 0.0, 0.0)
    assert np.isnan(estimate.p_value)


def test_an_interval_that_includes_zero_earns_unclear_whatever_the_design():
    passed = pd.DataFrame({"passed": [True, True]}, index=["pre-trend", "placebo"])
    failed = pd.DataFrame({"passed": [True, False]}, index=["pre-trend", "placebo"])
    zero_inside = attribution.Estimate("randomisation", 2.0, -6.1, 9.0)
    positive = attribution.Estimate("randomisation", 6.4, 3.0, 9.8)
    negative = attribution.Estimate("randomisation", -4.0, -7.0, -1.0)
    assert attribution.earned_strength(passed, zero_inside) == vocabulary.UNCLEAR
    assert attribution.earned_strength(passed, positive) == vocabulary.DIRECTLY_CAUSED
    assert attribution.earned_strength(failed, positive) == vocabulary.CLEARLY_POSITIVELY_RELATED
    assert attribution.earned_strength(failed, negative) == vocabulary.UNCLEAR


def test_a_change_that_made_things_worse_earns_no_claim_and_is_called_worse():
    design = attribution.before_after_strength(mechanical=False)
    faster = attribution.Estimate("its", -3.3, -4.1, -2.5)
    slower = attribution.Estimate("its", 507.0, 469.7, 544.7)
    unclear = attribution.Estimate("its", -0.5, -1.5, 0.5)
    assert attribution.change_direction(faster, "lower") == attribution.IMPROVED
    assert attribution.change_direction(slower, "lower") == attribution.WORSENED
    assert attribution.change_direction(slower, "higher") == attribution.IMPROVED
    assert attribution.change_direction(unclear, "lower") == attribution.NO_CLEAR_CHANGE
    assert attribution.claim_strength(faster, "lower", design) == design
    assert attribution.claim_strength(slower, "lower", design) == vocabulary.UNCLEAR
    assert attribution.claim_strength(unclear, "lower", design) == vocabulary.UNCLEAR


def test_the_time_series_placebo_check_sees_a_step_before_a_pretend_change(company):
    """A pretend go-live half a year after the real one has the real step in its own weeks before, and fails;
    on the committed sample the real go-live passes."""
    service = attribution.weekly_service(company["tickets"])
    options = {"covariates": ("billing_share",), "weighted": True}
    for outcome in ("hours", "fcr"):
        late = attribution.its_placebo_checks(service, kestrel.SERVICE_CHANGE + pd.Timedelta(weeks=27),
                                              outcome=outcome, **options)
        assert not late["passed"].any()
    sample = attribution.weekly_service(load_tables(DATA_DIR, ["tickets"])["tickets"])
    for outcome in ("hours", "fcr"):
        assert attribution.its_placebo_checks(sample, kestrel.SERVICE_CHANGE, outcome=outcome, **options)[
            "passed"].all()
