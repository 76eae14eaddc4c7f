"""The CRM's metric tree and OKR: the input effects behind conversion (lead scoring's planted lift, the planted
differences by lead source) are recovered by valuekit.attribution.input_effects on two seeds, and the tree's
and the OKR's functions behave on tiny hand-made frames."""

import numpy as np
import pandas as pd
import pytest

from valuekit import attribution, metrics
from valuekit import company as kestrel

TRUTH = kestrel.PLANTED_TRUTHS
INPUTS = ["scored_share", "referral_share", "outbound_share"]


def _panel(company) -> pd.DataFrame:
    return metrics.rep_week_inputs(attribution.leads_with_teams(company["leads"], company["sales_reps"],
                                                                company["sales_teams"]))


# Planted truths, on the committed seed and another --------------------------------------------------------


def test_input_effects_recover_the_lift_and_the_source_differences(company):
    effects = attribution.input_effects(_panel(company), INPUTS)
    planted = {"scored_share": TRUTH["crm_lift_pp"],
               "referral_share": kestrel.SOURCE_CONVERSION_SHIFT["referral"] * 100,
               "outbound_share": kestrel.SOURCE_CONVERSION_SHIFT["outbound"] * 100}
    for name, value in planted.items():
        assert effects.loc[name, "ci_low"] <= value <= effects.loc[name, "ci_high"], name
    assert effects.loc["scored_share", "ci_low"] > 0


def test_lead_scoring_accounts_for_most_of_the_rise_and_the_mix_for_almost_none(company):
    panel = _panel(company)
    effects = attribution.input_effects(panel, INPUTS)
    before = panel[panel["week"] < 52][INPUTS].mean()
    after = panel[panel["week"] >= 52][INPUTS].mean()
    contributions = attribution.input_contributions(effects, before, after)
    assert contributions["scored_share"] > 2.0  # about 5 points times a 0.6 rise in the share scored
    assert abs(contributions[["referral_share", "outbound_share"]].sum()) < 0.3  # the mix is planted constant


# The functions on tiny hand-made frames ------------------------------------------------------------------


def test_rep_week_inputs_counts_each_rep_week():
    leads = pd.DataFrame({
        "lead_id": ["a", "b", "c", "d"], "rep_id": ["R1", "R1", "R1", "R2"], "team_id": ["T1", "T1", "T1", "T2"],
        "created_on": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-08", "2024-01-02"]),
        "source": ["referral", "outbound", "inbound", "inbound"], "converted": [True, False, True, False],
        "crm_rollout_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-01-03", None]),
    })
    panel = metrics.rep_week_inputs(leads).set_index(["rep_id", "week"])
    assert panel.loc[("R1", 0), "leads"] == 2
    assert panel.loc[("R1", 0), "rate"] == pytest.approx(50.0)
    assert panel.loc[("R1", 0), "scored_share"] == pytest.approx(0.5)
    assert panel.loc[("R1", 0), "referral_share"] == pytest.approx(0.5)
    assert panel.loc[("R1", 1), "scored_share"] == pytest.approx(1.0)
    assert panel.loc[("R2", 0), "scored_share"] == 0.0  # never treated: no rollout date
    assert metrics.rep_week_inputs(leads.iloc[:0]).empty


def test_input_contributions_multiply_each_effect_by_its_change():
    effects = pd.DataFrame({"estimate": [5.0, -2.0]}, index=["a", "b"])
    contributions = attribution.input_contributions(effects, pd.Series({"a": 0.2, "b": 0.5}),
                                                    pd.Series({"a": 0.8, "b": 0.5}))
    assert contributions.tolist() == pytest.approx([3.0, 0.0])


def test_targets_from_a_baseline_and_from_history():
    assert metrics.target_from_baseline(20.0, 0.05) == pytest.approx(21.0)
    assert metrics.target_from_baseline(90.0, 0.25, cap=100.0) == 100.0
    assert metrics.target_from_history(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]), 75) == pytest.approx(4.0)
    assert np.isnan(metrics.target_from_history(pd.Series([], dtype=float), 75))
