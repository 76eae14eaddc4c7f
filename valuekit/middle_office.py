"""The middle office as a shared capability: what it saves the front offices that reuse it, and who pays for it.

A shared service (a customer-record service, a payment service) pays when several front offices reuse it and
launch faster than they would alone. The functions here measure that from the contract's tables
(``front_offices``, ``service_usage``, ``service_costs``): launch time with and without the service at equal
scope, the reuse rate, the run cost per consumer, the marginal cost of a call, and the service's cost split
among consumers evenly or by usage (showback), and how usage moved once consumers were billed (chargeback).

Each function keeps its formula short enough to read; Part IV's middle-office notebook shows the steps inline.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

#: Cost items that recur once the service runs (``service_costs.cost_item``); "build" is one-off.
RUN_COST_ITEMS = ("platform_team", "infrastructure")


def launch_weeks(front_offices: pd.DataFrame) -> pd.Series:
    """Weeks from kickoff to launch, one value per front office."""
    return (front_offices["launched_on"] - front_offices["kickoff_on"]).dt.days / 7


def reuse_rate(front_offices: pd.DataFrame, go_live: pd.Timestamp) -> dict:
    """Of the front offices kicked off once the service was live (the ones that could choose), how many use it."""
    could_choose = front_offices[front_offices["kickoff_on"] >= go_live]
    on_shared = int((could_choose["customer_records"] == "shared").sum())
    return {"could_choose": len(could_choose), "on_shared": on_shared,
            "reuse_rate": on_shared / len(could_choose) if len(could_choose) else np.nan}


def launch_time_saving(front_offices: pd.DataFrame, level: float = 0.95) -> dict:
    """Weeks a front office saves by launching on the shared service, naive and at equal scope.

    The naive figure compares median launch times; the adjusted one is the coefficient of a regression of
    launch weeks on scope points and an on-the-service indicator (ordinary least squares), with its confidence
    interval. A saving is positive: weeks fewer on the service.
    """
    weeks = launch_weeks(front_offices)
    shared = (front_offices["customer_records"] == "shared").astype(float)
    design = sm.add_constant(pd.DataFrame({"scope_points": front_offices["scope_points"].astype(float),
                                           "shared": shared}))
    fit = sm.OLS(weeks.astype(float), design).fit()
    low, high = fit.conf_int(alpha=1 - level).loc["shared"]
    return {
        "naive_saving_weeks": float(weeks[shared == 0].median() - weeks[shared == 1].median()),
        "saving_weeks": float(-fit.params["shared"]),
        "saving_low": float(-high),
        "saving_high": float(-low),
        "weeks_per_scope_point": float(fit.params["scope_points"]),
        "on_shared": int(shared.sum()),
        "own": int((shared == 0).sum()),
    }


def monthly_run_cost(service_costs: pd.DataFrame, usage: pd.DataFrame) -> pd.DataFrame:
    """Per month the service runs: run cost, consumers, calls, cost per consumer and per million calls."""
    run = service_costs[service_costs["cost_item"].isin(RUN_COST_ITEMS)]
    cost = run.pivot_table(index="month", columns="cost_item", values="amount_cny", aggfunc="sum").reindex(
        columns=list(RUN_COST_ITEMS), fill_value=0.0).fillna(0.0)
    used = usage[usage["api_calls"] > 0].groupby("month").agg(
        consumers=("front_office_id", "nunique"), api_calls=("api_calls", "sum"))
    frame = cost.join(used, how="left").fillna({"consumers": 0, "api_calls": 0})
    frame["run_cost_cny"] = frame[list(RUN_COST_ITEMS)].sum(axis=1)
    frame["cost_per_consumer_cny"] = frame["run_cost_cny"] / frame["consumers"].replace(0, np.nan)
    frame["cost_per_million_calls_cny"] = frame["run_cost_cny"] / (frame["api_calls"] / 1e6).replace(0, np.nan)
    frame.columns.name = None
    return frame.astype({"consumers": int, "api_calls": int})


def marginal_cost(service_costs: pd.DataFrame, usage: pd.DataFrame, item: str = "infrastructure") -> dict:
    """What one more million calls costs: a line through a cost item's monthly amount against the month's calls.

    Returns the slope (CNY per million calls) with a 95% interval, and the intercept (the item's cost at no
    calls, a fixed cost).
    """
    frame = monthly_run_cost(service_costs, usage)
    x = sm.add_constant(frame["api_calls"] / 1e6)
    fit = sm.OLS(frame[item], x).fit()
    low, high = fit.conf_int().loc["api_calls"]
    return {"cny_per_million_calls": float(fit.params["api_calls"]), "low": float(low), "high": float(high),
            "fixed_cny_per_month": float(fit.params["const"]), "months": len(frame)}


def allocate(cost: float, calls: pd.Series, method: str) -> pd.Series:
    """Split one month's cost among consumers: "even" (the same for each) or "usage" (in proportion to calls)."""
    if method == "even":
        return pd.Series(cost / len(calls), index=calls.index)
    if method == "usage":
        return cost * calls / calls.sum()
    raise ValueError(f"unknown allocation method {method!r}; use 'even' or 'usage'")


def showback(service_costs: pd.DataFrame, usage: pd.DataFrame, month: pd.Timestamp) -> pd.DataFrame:
    """One month's run cost shown back to each consumer, split evenly and by usage, with the difference."""
    calls = usage[(usage["month"] == month) & (usage["api_calls"] > 0)].set_index("front_office_id")["api_calls"]
    cost = monthly_run_cost(service_costs, usage).loc[month, "run_cost_cny"]
    frame = pd.DataFrame({"api_calls": calls, "share_of_calls": calls / calls.sum(),
                          "even_split_cny": allocate(cost, calls, "even"),
                          "by_usage_cny": allocate(cost, calls, "usage")})
    frame["usage_minus_even_cny"] = frame["by_usage_cny"] - frame["even_split_cny"]
    return frame.sort_values("api_calls", ascending=False)


def chargeback_response(usage: pd.DataFrame, change: pd.Timestamp, months: int = 6,
                        min_months: int = 3) -> pd.DataFrame:
    """Each consumer's mean monthly calls in the `months` months before billing started and the `months` after.

    A consumer's first month is left out (it went live part-way through it), and consumers with fewer than
    `min_months` full months on either side are dropped. ``ratio`` is after / before: 0.75 is a quarter fewer.
    """
    month = usage["month"]
    first = usage.groupby("front_office_id")["month"].transform("min")
    full = usage[month > first]
    window = (full["month"] >= change - pd.DateOffset(months=months)) & (
        full["month"] < change + pd.DateOffset(months=months))
    full = full[window].assign(period=np.where(full.loc[window, "month"] >= change, "after", "before"))
    stats = full.groupby(["front_office_id", "period"])["api_calls"].agg(["mean", "size"]).unstack("period")
    kept = (stats[("size", "before")] >= min_months) & (stats[("size", "after")] >= min_months)
    frame = pd.DataFrame({"calls_before": stats.loc[kept, ("mean", "before")],
                          "calls_after": stats.loc[kept, ("mean", "after")]})
    frame["ratio"] = frame["calls_after"] / frame["calls_before"]
    return frame
