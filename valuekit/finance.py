"""Money arithmetic for Part IV: discounting, NPV, payback, MIRR, and the mechanics of a Forrester TEI case
(adoption ramp, productivity recapture, sunk costs apart, Monte Carlo over P10/P90 ranges, pilot-then-decide
options) and a SaaS P&L with the costs a CFO asks about.

Cash flows are monthly and the first flow is at month 0 (today, undiscounted). Rates are given per year
and converted to monthly rates by compounding, so 12 months at the monthly rate equal one year at the
annual rate. NPV and IRR come from numpy-financial.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy_financial as npf
import pandas as pd

from .loader import DataError


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
    Kept for checks; report NPV and payback first, and :func:`mirr_annual` if a rate is wanted: the IRR assumes
    every inflow earns the IRR itself, which makes a small early outlay look like a three-digit return.
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


def savings_cash_flows(build_costs, monthly_net_saving: float, horizon_months: int, ramp_months: float = 0,
                       run_cost_per_month: float = 0.0):
    """Monthly flows of an automation: build costs as they are spent, then the saving every month after.

    `build_costs` lists the build spending month by month (month 0 first); the automation goes live the
    month after the last build month. The result has `horizon_months` entries. With `ramp_months`, the saving
    (gross of the running cost) ramps up linearly after go-live, as people adopt the change
    (:func:`adoption_ramp`); the running cost, `run_cost_per_month`, is paid in full from go-live.
    """
    build = [-float(cost) for cost in build_costs]
    if len(build) > horizon_months:
        raise ValueError("the horizon must cover the build months")
    ramp = adoption_ramp(horizon_months, len(build), ramp_months)[len(build):]
    live = float(monthly_net_saving) * ramp - float(run_cost_per_month)
    return np.concatenate([np.array(build, dtype=float), live])


# --- TEI mechanics: ramp, recapture, sunk costs, MIRR ------------------------------------------------------

#: Share of freed staff time that turns into productive work (Forrester TEI's "productivity recapture").
#: Hours freed in scattered minutes are not all re-used; half is the book's default, to be argued per case.
DEFAULT_RECAPTURE = 0.5


def adoption_ramp(horizon_months: int, start_month: float, ramp_months: float) -> np.ndarray:
    """Share of a benefit's full effect in each month: 0 before `start_month`, then rising linearly to 1.

    Month `start_month` gets 1/ramp_months of the effect, the next 2/ramp_months, and so on up to 1; with
    ``ramp_months <= 1`` the effect is full from the start month. A start before month 0 (a change that went
    live before the table begins) is ramped from its true start.
    """
    months = np.arange(horizon_months, dtype=float)
    since = months - start_month
    if ramp_months <= 1:
        return np.where(since >= 0, 1.0, 0.0)
    return np.where(since >= 0, np.minimum((since + 1) / ramp_months, 1.0), 0.0)


def recaptured_value(hours_freed, hourly_cost: float, recapture: float = DEFAULT_RECAPTURE):
    """Money value of freed hours: only the recaptured share counts (hours x loaded wage x recapture)."""
    if not 0 <= recapture <= 1:
        raise ValueError("recapture must be a share between 0 and 1")
    return hours_freed * hourly_cost * recapture


def split_sunk(flows: pd.Series, as_of) -> tuple[pd.Series, pd.Series]:
    """Split month-indexed flows into (sunk, future): months up to and including `as_of`, and after it.

    A decision taken at `as_of` can change only the future part; the sunk part is reported, never netted
    against future benefits at month 0.
    """
    index = pd.PeriodIndex(flows.index, freq="M")
    as_of = pd.Period(as_of, freq="M")
    flows = pd.Series(flows.to_numpy(), index=index)
    return flows[index <= as_of], flows[index > as_of]


def mirr_annual(monthly_flows, finance_rate: float, reinvest_rate: float) -> float:
    """Modified IRR of monthly flows, as an annual rate: costs financed at `finance_rate`, inflows reinvested
    at `reinvest_rate` (both annual). Unlike the IRR it does not assume the inflows earn the IRR itself.
    NaN without a sign change."""
    flows = np.asarray(monthly_flows, dtype=float)
    if flows.size < 2 or not (flows.min() < 0 < flows.max()):
        return math.nan
    monthly = npf.mirr(flows, monthly_rate(finance_rate), monthly_rate(reinvest_rate))
    return math.nan if np.isnan(monthly) else float((1 + monthly) ** 12 - 1)


# --- One automation's savings case: the wage, the project's costs, the saving -----------------------------------

def loaded_wage(wages: pd.DataFrame, role: str) -> float:
    """Loaded hourly cost of `role` in CNY, from the wages table."""
    cost = wages.loc[wages["role"] == role, "loaded_hourly_cost_cny"]
    if cost.empty:
        raise DataError(f"wages.csv: no row for role '{role}'; add one with its loaded hourly cost in CNY")
    return float(cost.iloc[0])


@dataclass(frozen=True)
class BuildAndRun:
    """A project's costs: what building it cost, month by month, and what running it costs a month."""

    build: pd.Series  # CNY per build month, oldest first, indexed by month
    run_per_month: float  # CNY; 0 while the project is not running yet


def build_and_run(costs: pd.DataFrame, project: str) -> BuildAndRun:
    """`project`'s rows of the project_costs table, split into its build spending and its running cost.

    The running cost is the latest month's, the rate a forward case pays from now on (an average of the past
    months would lag a price change).
    """
    rows = costs[costs["project"] == project].sort_values("month")
    if rows.empty:
        known = ", ".join(f"'{name}'" for name in sorted(costs["project"].unique())) or "none"
        raise DataError(f"project_costs.csv, column 'project': no rows for project '{project}'; the file holds "
                        f"{known}: set the notebook's project parameter to one of them, or add its rows")
    build = rows[rows["cost_type"] == "build"].set_index("month")["amount_cny"]
    run = rows.loc[rows["cost_type"] == "run", "amount_cny"]
    return BuildAndRun(build, float(run.iloc[-1]) if len(run) else 0.0)


@dataclass(frozen=True)
class SavingsCase:
    """Staff time an automation frees, and what that time is worth as people take the automation up.

    Only the recaptured share of the freed hours counts as money (:func:`recaptured_value`), and the saving
    ramps up linearly over `ramp_months` from go-live (:func:`adoption_ramp`). The cost-saving calculator
    sets it against one project's costs (:meth:`cash_flows`); the business case puts several on one calendar
    (:meth:`saving_by_month`).
    """

    hours_freed_per_month: float
    hourly_cost: float  # loaded wage of the role whose time is freed (:func:`loaded_wage`)
    recapture: float = DEFAULT_RECAPTURE
    ramp_months: float = 0

    @property
    def saving_per_month(self) -> float:
        """The saving once everyone uses the automation: hours freed x loaded wage x recaptured share."""
        return recaptured_value(self.hours_freed_per_month, self.hourly_cost, self.recapture)

    def saving_by_month(self, horizon_months: int, go_live_month: float) -> np.ndarray:
        """The saving in each of `horizon_months` months: none before `go_live_month`, then ramping up."""
        return adoption_ramp(horizon_months, go_live_month, self.ramp_months) * self.saving_per_month

    def cash_flows(self, costs: BuildAndRun, horizon_months: int) -> np.ndarray:
        """Monthly flows from the first build month: the build spending, then, from the month after the build,
        the ramped saving less the running cost (:func:`savings_cash_flows`)."""
        return savings_cash_flows(costs.build, self.saving_per_month, horizon_months, self.ramp_months,
                                  costs.run_per_month)


# --- Uncertainty: input-specific P10/P90 ranges, Monte Carlo, options ----------------------------------------

_Z90 = 1.2815515655446004  # standard normal quantile at 0.90


@dataclass(frozen=True)
class Range:
    """An input's plausible range: its 10th and 90th percentiles, and the shape between them.

    ``normal`` is symmetric around the midpoint; ``lognormal`` (for positive quantities such as customers or
    prices) is skewed, with the geometric mean as median. Draws are clipped to [low, high] if given.
    """

    p10: float
    p90: float
    shape: str = "normal"
    low: float = -math.inf
    high: float = math.inf

    def __post_init__(self):
        if self.p90 < self.p10:
            raise ValueError("p90 must not be below p10")
        if self.shape not in ("normal", "lognormal"):
            raise ValueError("shape must be 'normal' or 'lognormal'")
        if self.shape == "lognormal" and self.p10 <= 0:
            raise ValueError("a lognormal range needs positive percentiles")

    @classmethod
    def from_interval(cls, low: float, high: float, confidence: float = 0.95, **kwargs) -> Range:
        """The P10/P90 range of a normal whose central `confidence` interval is (low, high)."""
        from scipy.stats import norm

        z = norm.ppf(0.5 + confidence / 2)
        mid, sd = (low + high) / 2, (high - low) / (2 * z)
        return cls(mid - _Z90 * sd, mid + _Z90 * sd, **kwargs)

    @property
    def median(self) -> float:
        return math.sqrt(self.p10 * self.p90) if self.shape == "lognormal" else (self.p10 + self.p90) / 2

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        z = rng.standard_normal(size)
        if self.shape == "lognormal":
            low, high = math.log(self.p10), math.log(self.p90)
            values = np.exp((low + high) / 2 + z * (high - low) / (2 * _Z90))
        else:
            values = (self.p10 + self.p90) / 2 + z * (self.p90 - self.p10) / (2 * _Z90)
        return np.clip(values, self.low, self.high)


def monte_carlo(npv_of, ranges: dict, draws: int, seed: int) -> pd.DataFrame:
    """Draw every input in `ranges` independently (one seeded numpy Generator) and compute `npv_of(**inputs)`.

    Returns one row per draw: the inputs and an ``npv`` column.
    """
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({name: r.draw(rng, draws) for name, r in ranges.items()})
    table["npv"] = [float(npv_of(**row)) for row in table.to_dict("records")]
    return table


def npv_distribution(npvs) -> dict:
    """P10, P50, P90 and mean of simulated NPVs, and the probability that NPV is below zero."""
    npvs = np.asarray(npvs, dtype=float)
    p10, p50, p90 = np.percentile(npvs, [10, 50, 90])
    return {"P10": float(p10), "P50": float(p50), "P90": float(p90), "mean": float(npvs.mean()),
            "P(NPV < 0)": float((npvs < 0).mean())}


def pilot_option_value(npvs, pilot_cost: float, annual_rate: float = 0.0, pilot_months: int = 0) -> float:
    """Value of piloting first and deciding after: E[max(NPV, 0)] (discounted for the pilot's months) minus
    the pilot's cost.

    The pilot is assumed to reveal which of the simulated worlds is the true one, so the full launch goes
    ahead only where its NPV is positive: this is an upper bound on what a pilot that teaches less is worth.
    It replaces "probability x NPV", which values a decision nobody can take before the facts are in.
    """
    npvs = np.asarray(npvs, dtype=float)
    delay = (1 + monthly_rate(annual_rate)) ** -pilot_months
    return float(np.maximum(npvs, 0.0).mean() * delay - pilot_cost)


# --- SaaS P&L with the costs a CFO asks about -----------------------------------------------------------------

@dataclass(frozen=True)
class SaasCase:
    """Assumptions of selling an internal system as SaaS. Money in CNY, per month unless stated.

    ``price_per_seat`` is the list price a customer pays, VAT included; revenue is booked net of VAT.
    ``new_customers_per_month`` gives the pace of sales for each year after launch (the last repeats).
    """

    price_per_seat: float
    seats_per_customer: float
    new_customers_per_month: tuple
    monthly_churn: float
    cac_per_customer: float  # sales and marketing cost of winning one customer
    rnd: float  # one-off build (multi-tenancy, billing, security), spread over the build months
    build_months: int  # months of build before launch: no revenue in them
    compliance_one_off: float  # 等保2.0 level-3 assessment and remediation, paid in the last build month
    compliance_per_year: float  # yearly re-assessment and certification, from each launch anniversary
    maintenance_base: float  # engineers keeping the product up, with no customers
    maintenance_per_customer: float  # extra maintenance each customer brings (requests, integrations)
    support_per_customer: float
    infrastructure_per_seat: float
    vat_rate: float = 0.06  # VAT on software services in China
    payment_fee_rate: float = 0.006  # payment and invoicing fees, share of what customers pay


def saas_pnl(case: SaasCase, horizon_months: int) -> pd.DataFrame:
    """Monthly P&L of a SaaS case, month 0 the first build month.

    customers_m = customers_{m-1} x (1 - churn) + new_m, from launch on; billings = customers x seats x price
    (VAT included); revenue = billings / (1 + VAT); cash flow = revenue - payment fees - CAC - R&D -
    compliance - maintenance (base + per customer) - support - infrastructure.
    """
    if case.build_months < 1:
        raise ValueError("a SaaS product needs at least one build month")
    months = np.arange(horizon_months)
    since_launch = months - case.build_months
    pace = np.asarray(case.new_customers_per_month, dtype=float)
    new = np.where(since_launch >= 0, pace[np.minimum(np.maximum(since_launch, 0) // 12, len(pace) - 1)], 0.0)
    customers = np.zeros(horizon_months)
    previous = 0.0
    for m in range(horizon_months):
        previous = customers[m] = previous * (1 - case.monthly_churn) + new[m]
    seats = customers * case.seats_per_customer
    billings = seats * case.price_per_seat
    vat = billings * case.vat_rate / (1 + case.vat_rate)
    live = since_launch >= 0
    table = {
        "new_customers": new, "customers": customers, "seats": seats, "billings": billings, "vat": vat,
        "revenue": billings - vat,
        "payment_fees": billings * case.payment_fee_rate,
        "cac": new * case.cac_per_customer,
        "rnd": np.where(live, 0.0, case.rnd / case.build_months),
        "compliance": np.where(since_launch == -1, case.compliance_one_off, 0.0)
        + np.where((since_launch > 0) & (since_launch % 12 == 0), case.compliance_per_year, 0.0),
        "maintenance": np.where(live, case.maintenance_base + case.maintenance_per_customer * customers, 0.0),
        "support": customers * case.support_per_customer,
        "infrastructure": seats * case.infrastructure_per_seat,
    }
    costs = ("payment_fees", "cac", "rnd", "compliance", "maintenance", "support", "infrastructure")
    table["cash_flow"] = table["revenue"] - sum(table[c] for c in costs)
    frame = pd.DataFrame(table)
    frame.index.name = "month"
    return frame
