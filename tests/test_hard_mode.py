"""Hard mode: a switch, not the default; its data meets the contract and carries each documented difficulty."""

import numpy as np
import pandas as pd
import pytest

from valuekit import company as kestrel
from valuekit import load_tables
from valuekit.generate import main, write_company

from .conftest import DATA_DIR

# Every check here generates a hard-mode company.
pytestmark = pytest.mark.second_company


@pytest.fixture(scope="module")
def hard_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hard")
    write_company(folder, hard=True)
    return folder


@pytest.fixture(scope="module")
def hard(hard_folder):
    return load_tables(hard_folder)  # the validating loader accepts hard-mode data


@pytest.fixture(scope="module")
def easy():
    return load_tables(DATA_DIR, ["leads", "sales_reps", "sales_teams", "tickets"])


def _leads(tables):
    leads = tables["leads"].merge(tables["sales_reps"], on="rep_id").merge(tables["sales_teams"], on="team_id")
    leads["week"] = (leads["created_on"] - kestrel.START).dt.days // 7
    leads["since"] = (leads["created_on"] - leads["crm_rollout_date"]).dt.days // 7
    return leads


def test_hard_mode_is_documented_and_leaves_the_default_alone(hard_folder, tmp_path):
    readme = (hard_folder / "README.md").read_text(encoding="utf-8")
    assert "### Hard mode" in readme and "--hard" in readme
    assert "Hard mode" not in (DATA_DIR / "README.md").read_text(encoding="utf-8")
    main([str(tmp_path), "--hard"])
    assert (tmp_path / "leads.csv").read_bytes() == (hard_folder / "leads.csv").read_bytes()
    assert (tmp_path / "leads.csv").read_bytes() != (DATA_DIR / "leads.csv").read_bytes()


def test_team_quarter_shocks(hard, easy):
    """Untreated team-quarters spread around the common trend far more than binomial noise allows."""
    def spread(tables):
        leads = _leads(tables)
        leads = leads[leads["since"].isna() | (leads["since"] < 0)]
        rate = leads.groupby(["team_id", leads["week"] // 13])["converted"].mean()
        rate = rate - rate.groupby(level=0).transform("mean") - rate.groupby(level=1).transform("mean") + rate.mean()
        return rate.std()
    assert spread(hard) > spread(easy) + 0.005


def test_cohort_lifts_differ_and_grow(hard):
    leads = _leads(hard)
    control = leads[leads["crm_rollout_date"].isna()]
    lifts = {}
    for rollout, cohort in leads.dropna(subset=["crm_rollout_date"]).groupby("crm_rollout_date"):
        ramped = cohort["since"].between(kestrel.CRM_RAMP_WEEKS, kestrel.CRM_RAMP_WEEKS + 12)
        control_weeks = control["week"].isin(cohort.loc[ramped, "week"])
        before_weeks = control["week"].isin(cohort.loc[cohort["since"] < 0, "week"])
        lifts[rollout] = ((cohort.loc[ramped, "converted"].mean() - cohort.loc[cohort["since"] < 0, "converted"].mean())
                          - (control.loc[control_weeks, "converted"].mean()
                             - control.loc[before_weeks, "converted"].mean()))
    planted = [kestrel.HARD_COHORT_LIFT[f"{date:%Y-%m-%d}"] for date in lifts]
    assert planted == sorted(planted, reverse=True)
    assert np.corrcoef(list(lifts.values()), planted)[0, 1] > 0
    grown = kestrel.hard_crm_lift(np.array([60]), "2023-07-03")[0]
    assert grown > kestrel.HARD_COHORT_LIFT["2023-07-03"] + 0.01


def test_recent_wins_are_censored(hard, easy):
    def end_gap(tables):
        leads = _leads(tables)
        return leads.loc[leads["week"].between(90, 99), "converted"].mean() - leads.loc[
            leads["week"] >= 102, "converted"].mean()
    assert end_gap(hard) > end_gap(easy) + 0.05


def test_missing_rep_weeks_and_deal_values(hard, easy):
    def rep_weeks(tables):
        return tables["leads"].groupby(["rep_id", (tables["leads"]["created_on"] - kestrel.START).dt.days // 7]).ngroups
    share = 1 - rep_weeks(hard) / rep_weeks(easy)
    assert share == pytest.approx(kestrel.HARD_MISSING_SHARE, abs=0.015)
    won = hard["leads"][hard["leads"]["converted"]]
    assert won["deal_value_cny"].isna().mean() == pytest.approx(kestrel.HARD_MISSING_SHARE, abs=0.015)


def test_billing_is_slow_and_busy_weeks_are_slower(hard):
    tickets = hard["tickets"]
    billing = tickets[tickets["category"] == "billing"]
    assert billing["resolution_hours"].mean() > 1.5 * tickets.loc[tickets["category"] != "billing",
                                                                   "resolution_hours"].mean()
    how_to = tickets[(tickets["category"] == "how_to") & (tickets["opened_on"] < kestrel.SERVICE_CHANGE)]
    week = (tickets["opened_on"] - kestrel.START).dt.days // 7
    volume = week.value_counts()
    per_week = how_to.groupby(week[how_to.index])["resolution_hours"].mean()
    assert np.corrcoef(per_week, volume.reindex(per_week.index))[0, 1] > 0.5


def test_second_harmonic_is_planted():
    dates = pd.DatetimeIndex(["2024-01-15", "2024-04-15", "2024-07-15"])
    assert kestrel._second_harmonic(dates) == pytest.approx([1.0, -1.0, 1.0], abs=0.05)
