"""Money arithmetic for Part IV: discounting, NPV, IRR, payback and break-even.

Cash flows are monthly and the first flow is at month 0 (today, undiscounted). Rates are given per year
and converted to monthly rates by compounding, so 12 months at the monthly rate equal one year at the
annual rate. NPV and IRR come from numpy-financial.
"""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pandas as pd


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate that compounds to `annual_rate` over twelve months."""
    if annual_rate <= -1:
        raise ValueError("annual_rate must be greater than -100%")
    return (1 + annual_rate) ** (1 / 12) - 1


def npv(annual_rate: float, monthly_flows) -> float:
    """Net present value of monthly cash flows, the first at month 0."""
    flows = np.asarray(monthly_flows, dtype=float)
    if flows.size == 0:
        return 0.0
    return float(npf.npv(monthly_rate(annual_rate), flows))


def irr_annual(monthly_flows) -> float:
    """Internal rate of return of monthly flows, as an annual rate; NaN when none exists.

    An IRR exists only if the flows change sign; flows that are all costs (or all zero) have none.
    """
    flows = np.asarray(monthly_flows, dtype=float)
    if flows.size < 2 or not (flows.min() < 0 < flows.max()):
        return math.nan
    monthly = npf.irr(flows)
    return math.nan if np.isnan(monthly) else float((1 + monthly) ** 12 - 1)


def payback_month(monthly_flows) -> int | None:
    """First month in which the cumulative (undiscounted) cash flow is no longer negative; None if never."""
    cumulative = np.cumsum(np.asarray(monthly_flows, dtype=float))
    reached = np.nonzero(cumulative >= 0)[0]
    if reached.size == 0:
        return None
    # A project that starts positive has paid back at once; otherwise the first crossing after a deficit.
    negative = np.nonzero(cumulative < 0)[0]
    if negative.size == 0:
        return 0
    later = reached[reached > negative[0]]
    return int(later[0]) if later.size else None


def savings_cash_flows(build_costs, monthly_net_saving: float, horizon_months: int):
    """Monthly flows of an automation: build costs as they are spent, then the net saving every month after.

    `build_costs` lists the build spending month by month (month 0 first); the automation goes live the
    month after the last build month. The result has `horizon_months` entries.
    """
    build = [-float(cost) for cost in build_costs]
    if len(build) > horizon_months:
        raise ValueError("the horizon must cover the build months")
    return np.array(build + [float(monthly_net_saving)] * (horizon_months - len(build)))


def customers_by_month(year_end_customers, horizon_months: int) -> np.ndarray:
    """Customers in each month, rising linearly within each year to that year's year-end count."""
    targets = [0.0, *map(float, year_end_customers)]
    months = np.arange(horizon_months)
    year = np.minimum(months // 12, len(targets) - 2)
    within = (months - year * 12 + 1) / 12
    start, end = np.take(targets, year), np.take(targets, year + 1)
    return np.round(start + (end - start) * np.minimum(within, 1.0))


def saas_cash_flows(price_per_seat: float, seats_per_customer: float, customers, one_off_rnd: float,
                    maintenance_per_month: float, support_per_customer_month: float,
                    infrastructure_per_seat_month: float):
    """Monthly P&L of offering an internal system as SaaS, as a table.

    revenue = customers x seats x price; costs = maintenance + support per customer + infrastructure per
    seat, plus the one-off R&D (multi-tenancy, billing, security) in month 0.
    """
    customers = np.asarray(customers, dtype=float)
    seats = customers * seats_per_customer
    table = pd.DataFrame({"customers": customers, "seats": seats})
    table["revenue"] = seats * price_per_seat
    table["rnd"] = 0.0
    table.loc[0, "rnd"] = one_off_rnd
    table["maintenance"] = maintenance_per_month
    table["support"] = customers * support_per_customer_month
    table["infrastructure"] = seats * infrastructure_per_seat_month
    table["cash_flow"] = table["revenue"] - table[["rnd", "maintenance", "support", "infrastructure"]].sum(axis=1)
    table.index.name = "month"
    return table
