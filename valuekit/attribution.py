"""Attribution estimators for Part III: before/after, two-way fixed effects, stacked
difference-in-differences with clean controls, an event study, and an interrupted time series.

Each returns point estimates with 95% confidence intervals, computed with statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

CONFIDENCE = 0.95
ITS_HAC_LAGS = 4  # weeks of autocorrelation allowed for in the time-series standard errors


@dataclass(frozen=True)
class Estimate:
    method: str
    estimate: float
    ci_low: float
    ci_high: float

    def covers(self, value: float) -> bool:
        return self.ci_low <= value <= self.ci_high


def _from_fit(method: str, fit, term: str) -> Estimate:
    low, high = fit.conf_int(alpha=1 - CONFIDENCE).loc[term]
    return Estimate(method, float(fit.params[term]), float(low), float(high))


def _cluster(frame: pd.DataFrame, column: str) -> dict:
    return {"groups": pd.factorize(frame[column])[0]}


def before_after(before: pd.Series, after: pd.Series, method: str = "before/after") -> Estimate:
    """Difference of means, after minus before, with a Welch confidence interval."""
    if len(before) < 2 or len(after) < 2:
        raise ValueError("before/after needs at least two observations on each side")
    compare = CompareMeans(DescrStatsW(np.asarray(after, float)), DescrStatsW(np.asarray(before, float)))
    low, high = compare.tconfint_diff(alpha=1 - CONFIDENCE, usevar="unequal")
    return Estimate(method, float(np.mean(after) - np.mean(before)), float(low), float(high))


def rep_week_panel(leads: pd.DataFrame, reps: pd.DataFrame, teams: pd.DataFrame,
                   start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Conversion per rep and week: leads, won, rate (%), and the team's rollout week (NaN if never).

    Weeks are counted from `start`, by default the Monday of the first lead's week.
    """
    if start is None:
        first_day = leads["created_on"].min()
        start = first_day - pd.Timedelta(days=first_day.weekday())
    merged = leads.merge(reps[["rep_id", "team_id"]], on="rep_id")
    merged["week"] = (merged["created_on"] - start).dt.days // 7
    panel = merged.groupby(["rep_id", "team_id", "week"], as_index=False).agg(
        leads=("lead_id", "size"), won=("converted", "sum")
    )
    panel["rate"] = panel["won"] / panel["leads"] * 100
    rollout_week = (teams.set_index("team_id")["crm_rollout_date"] - start).dt.days // 7
    panel["rollout_week"] = panel["team_id"].map(rollout_week)
    return panel


def twfe(panel: pd.DataFrame) -> Estimate:
    """The naive two-way fixed-effects regression: rate on a single post-rollout dummy, team and week effects."""
    data = panel.assign(post=(panel["week"] >= panel["rollout_week"]).astype(float))
    fit = smf.wls("rate ~ post + C(team_id) + C(week)", data=data, weights=data["leads"]).fit(
        cov_type="cluster", cov_kwds=_cluster(data, "rep_id"))
    return _from_fit("two-way fixed effects (single post dummy)", fit, "post")


def stack_clean_controls(panel: pd.DataFrame) -> pd.DataFrame:
    """One stack per rollout cohort: the cohort, plus rows from teams not yet (or never) treated at the time.

    Already-treated teams never serve as controls, which is what biases the naive two-way regression
    when rollouts are staggered and effects grow over time.
    """
    stacks = []
    for cohort in sorted(panel["rollout_week"].dropna().unique()):
        treated = panel[panel["rollout_week"] == cohort].assign(treated=1.0)
        untreated_then = panel["rollout_week"].isna() | (panel["week"] < panel["rollout_week"])
        controls = panel[(panel["rollout_week"] != cohort) & untreated_then].assign(treated=0.0)
        stack = pd.concat([treated, controls], ignore_index=True)
        stacks.append(stack.assign(stack=int(cohort), event_time=stack["week"] - cohort))
    return pd.concat(stacks, ignore_index=True)


def stacked_did(panel: pd.DataFrame, ramp_weeks: int) -> Estimate:
    """Effect once ramped up (event time >= ramp_weeks), from the stacked regression with clean controls."""
    stacked = stack_clean_controls(panel)
    stacked["ramping"] = stacked["treated"] * stacked["event_time"].between(0, ramp_weeks - 1)
    stacked["ramped"] = stacked["treated"] * (stacked["event_time"] >= ramp_weeks)
    fit = smf.wls("rate ~ ramping + ramped + C(stack):C(team_id) + C(stack):C(week)", data=stacked,
                  weights=stacked["leads"]).fit(cov_type="cluster", cov_kwds=_cluster(stacked, "rep_id"))
    return _from_fit(f"stacked difference-in-differences (weeks {ramp_weeks}+)", fit, "ramped")


def event_study(panel: pd.DataFrame, lead_weeks: int = 4, last: int = 19, bin_weeks: int = 2) -> pd.DataFrame:
    """Effect by time since rollout, in bins of `bin_weeks`, against the pooled earlier pre-period.

    Bins start at -lead_weeks; the bins before rollout test for pre-trends and should sit near zero.
    Everything earlier than -lead_weeks is the reference; event times after `last` join the last bin.
    Controls are clean (never or not yet treated), as in stacked_did.
    """
    stacked = stack_clean_controls(panel)
    in_window = stacked["treated"].astype(bool) & (stacked["event_time"] >= -lead_weeks)
    bins = stacked["event_time"].clip(upper=last) // bin_weeks
    terms = []
    for b in range(-lead_weeks // bin_weeks, last // bin_weeks + 1):
        name = f"bin_{b}".replace("-", "m")
        stacked[name] = (in_window & (bins == b)).astype(float)
        terms.append((b, name))
    formula = "rate ~ " + " + ".join(name for _, name in terms) + " + C(stack):C(team_id) + C(stack):C(week)"
    fit = smf.wls(formula, data=stacked, weights=stacked["leads"]).fit(
        cov_type="cluster", cov_kwds=_cluster(stacked, "rep_id"))
    intervals = fit.conf_int(alpha=1 - CONFIDENCE)
    rows = [(b * bin_weeks, fit.params[name], intervals.loc[name, 0], intervals.loc[name, 1]) for b, name in terms]
    return pd.DataFrame(rows, columns=["weeks_since_rollout", "estimate", "ci_low", "ci_high"])


def placebo_panel(panel: pd.DataFrame, shift_weeks: int) -> pd.DataFrame:
    """Pretend each team got the feature `shift_weeks` earlier, keeping only weeks before its real rollout."""
    before_real = panel["rollout_week"].isna() | (panel["week"] < panel["rollout_week"])
    placebo = panel[before_real].copy()
    placebo["rollout_week"] = placebo["rollout_week"] - shift_weeks
    return placebo[placebo["rollout_week"].isna() | (placebo["rollout_week"] > 0)]


def weekly_tickets(tickets: pd.DataFrame) -> pd.DataFrame:
    """Tickets per week (weeks start on Monday): mean resolution hours, billing share, count, trend and season terms."""
    week_start = tickets["opened_on"] - pd.to_timedelta(tickets["opened_on"].dt.day_of_week, unit="D")
    weekly = tickets.assign(week_start=week_start, billing=tickets["category"] == "billing").groupby(
        "week_start", as_index=False).agg(
        hours=("resolution_hours", "mean"), billing_share=("billing", "mean"), tickets=("ticket_id", "size"))
    weekly["t"] = np.arange(len(weekly), dtype=float)
    angle = 2 * np.pi * (weekly["week_start"].dt.day_of_year + 3) / 365.25  # mid-week
    weekly["season_sin"] = np.sin(angle)
    weekly["season_cos"] = np.cos(angle)
    return weekly


def interrupted_time_series(weekly: pd.DataFrame, event: pd.Timestamp, covariates: tuple[str, ...] = (),
                            seasonal: bool = True) -> tuple[Estimate, object]:
    """Level change at `event` in weekly mean hours, net of trend, annual season and covariates.

    Standard errors are Newey-West (HAC), because neighbouring weeks are correlated.
    """
    data = weekly.assign(post=(weekly["week_start"] >= event).astype(float))
    terms = ["post", "t", *(["season_sin", "season_cos"] if seasonal else []), *covariates]
    fit = smf.ols("hours ~ " + " + ".join(terms), data=data).fit(cov_type="HAC", cov_kwds={"maxlags": ITS_HAC_LAGS})
    label = "interrupted time series" + (" with season" if seasonal else " without season")
    if covariates:
        label += " and " + ", ".join(covariates)
    return _from_fit(label, fit, "post"), fit


def as_table(*estimates: Estimate) -> pd.DataFrame:
    """Estimates as a small table, rounded for reading."""
    return pd.DataFrame(estimates).set_index("method").round(2)
