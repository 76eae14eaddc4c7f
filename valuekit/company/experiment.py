"""The randomised lead-routing experiment (rung 5 of the attribution ladder)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocabulary import ROUTING_ARMS
from .common import _lognormal
from .operations import PUSH_OPEN_RATE_AUTOMATED, PUSH_OPEN_RATE_MANUAL
from .sales import PRICE_CHURN_MONTHS, PRICE_CHURN_RISE, TEAM_BASE_CONVERSION

# Randomised lead routing (rung 5 of the attribution ladder). Each rep is assigned by a fair coin to the new
# matched routing (a lead waits for the rep whose past wins match its industry) or to the round-robin control.
# The table summarises each rep's leads (from `leads`) in the 26 weeks before and the 12 weeks of the trial.
ROUTING_START = pd.Timestamp("2024-09-02")  # a Monday, after every rollout cohort has ramped up
ROUTING_PRE_WEEKS = 26  # the pre-period whose meeting rate is CUPED's covariate
ROUTING_WEEKS = 12
ROUTING_TREATED_SHARE = 0.5  # the coin's probability of the matched-routing arm
ROUTING_MEETING_RATE = 0.30  # share of leads with a first meeting booked, team and rep effects around it
ROUTING_TEAM_SPREAD = 1.0  # team offsets: this times the team's base conversion minus the mean
ROUTING_REP_SD = 0.06  # reps' persistent skill (share of leads), the same before and during the trial
ROUTING_LIFT = 0.05  # planted lift in the meeting rate from matched routing
ROUTING_SPILLOVER = 0.0  # planted effect on a control rep of a treated share of their pool: none
ROUTING_FIRST_CONTACT_MEDIAN_HOURS = 2.0  # reps' mean hours to first contact: lognormal around this median
ROUTING_FIRST_CONTACT_CHANGE_HOURS = 0.3  # matched routing keeps a lead waiting a little longer


def experiment_truths() -> dict:
    """The planted numbers of the routing experiment and of the two guardrails, for planted_truths.json."""
    return {"routing_lift_pp": ROUTING_LIFT * 100, "routing_treated_share": ROUTING_TREATED_SHARE,
            "routing_spillover_pp": ROUTING_SPILLOVER * 100,
            "routing_first_contact_change_hours": ROUTING_FIRST_CONTACT_CHANGE_HOURS,
            "push_open_rate_change_pp": round((PUSH_OPEN_RATE_AUTOMATED - PUSH_OPEN_RATE_MANUAL) * 100, 6),
            "price_churn_rise_pp": round(PRICE_CHURN_RISE * 100, 6), "price_churn_months": PRICE_CHURN_MONTHS}


def _routing_experiment(seed: int, teams: pd.DataFrame, reps: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """One row per rep: arm, leads and first meetings before and during the trial, mean hours to first contact."""
    rng = np.random.default_rng([seed, 20])
    treated = rng.random(len(reps)) < ROUTING_TREATED_SHARE
    created = pd.to_datetime(leads["created_on"])
    pre = created.between(ROUTING_START - pd.Timedelta(weeks=ROUTING_PRE_WEEKS), ROUTING_START, inclusive="left")
    trial = created.between(ROUTING_START, ROUTING_START + pd.Timedelta(weeks=ROUTING_WEEKS), inclusive="left")
    pre_leads = leads[pre].groupby("rep_id").size().reindex(reps["rep_id"], fill_value=0).to_numpy()
    trial_leads = leads[trial].groupby("rep_id").size().reindex(reps["rep_id"], fill_value=0).to_numpy()
    team_number = reps["team_id"].str[1:].astype(int).to_numpy() - 1
    base = np.array(TEAM_BASE_CONVERSION)
    rate = (ROUTING_MEETING_RATE + ROUTING_TEAM_SPREAD * (base - base.mean())[team_number]
            + rng.normal(0.0, ROUTING_REP_SD, len(reps)))
    # Spillover: a control rep loses this much per unit of their pool's treated share (planted as zero).
    pool_share = pd.Series(treated).groupby(reps["team_id"].to_numpy()).transform("mean").to_numpy()
    trial_rate = rate + np.where(treated, ROUTING_LIFT, -ROUTING_SPILLOVER * pool_share)
    pre_meetings = rng.binomial(pre_leads, np.clip(rate, 0.0, 1.0))
    meetings = rng.binomial(trial_leads, np.clip(trial_rate, 0.0, 1.0))
    contact = _lognormal(rng, ROUTING_FIRST_CONTACT_MEDIAN_HOURS, 0.15, len(reps))
    # The rep's mean over the trial's leads: lead-to-lead noise (SD about the mean) averaged over their leads.
    contact = contact + rng.normal(0.0, 1.5, len(reps)) / np.sqrt(np.maximum(trial_leads, 1))
    contact = contact + np.where(treated, ROUTING_FIRST_CONTACT_CHANGE_HOURS, 0.0)
    return pd.DataFrame({"rep_id": reps["rep_id"], "arm": np.where(treated, ROUTING_ARMS[1], ROUTING_ARMS[0]),
                         "pre_leads": pre_leads, "pre_meetings": pre_meetings, "leads": trial_leads,
                         "meetings": meetings, "first_contact_hours": np.round(contact, 2)})
