"""The middle office: front offices, their calls to the shared customer-record service, and its costs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import END, START

# The middle office: a shared customer-record service (sign-in, customer profiles, subscriptions and payments)
# that front offices call instead of building their own. Its randomness comes from its own generator
# ([seed, 3]), so adding it changed no other table.
SHARED_SERVICE_LIVE = pd.Timestamp("2023-09-04")
SHARED_SERVICE_BUILD = ("2023-04", 5, 90_000.0)  # first build month, build months, build cost per month
CHARGEBACK_START = pd.Timestamp("2024-07-01")  # showback (usage reports) from go-live, billed from here
PLATFORM_TEAM_CNY_PER_MONTH = 110_000.0
INFRA_BASE_CNY_PER_MONTH = 18_000.0
INFRA_CNY_PER_MILLION_CALLS = 1_200.0
FRONT_OFFICE_NAMES = (
    "Booking widget", "iOS app", "Android app", "WeChat mini-program", "Partner portal", "Self-serve billing page",
    "Annual-plan checkout", "Referral programme", "Team trial sign-up", "Clinic edition", "Salon edition",
    "Fitness edition", "Hong Kong site", "Singapore site", "Enterprise API", "Marketplace connector", "Event pages",
    "Gift cards", "Loyalty points", "Waitlist", "Online deposits", "SMS reminders", "Review collection",
    "Staff rota app", "Customer self-service portal",
)
FRONT_OFFICE_SPACING_WEEKS = 3  # a new front office kicks off about every three weeks
FRONT_OFFICE_BASE_WEEKS = 4.0
WEEKS_PER_SCOPE_POINT = 0.35
OWN_RECORDS_WEEKS = 7.0  # building its own customer records, sign-in and payments
SHARED_INTEGRATION_WEEKS = 1.0  # integrating with the shared service instead
LAUNCH_WEEKS_SAVED = OWN_RECORDS_WEEKS - SHARED_INTEGRATION_WEEKS
LAUNCH_NOISE_WEEKS = 0.8
OWN_AFTER_LIVE_EVERY = 4  # after go-live every fourth front office still builds its own records
SCOPE_START_POINTS = 12.0
SCOPE_GROWTH_POINTS_PER_YEAR = 12.0  # later front offices are bigger: a naive comparison misleads
MEDIAN_CALLS_PER_MONTH = 3_000_000
CHARGEBACK_CALL_CHANGE = -0.25  # consumers trim a quarter of their calls once they pay for them


def _middle_office(seed: int) -> tuple[dict[str, pd.DataFrame], dict]:
    """Front offices, their calls to the shared customer-record service, and its costs; and the realised truths.

    Launch time is base + scope x weeks per point + (integration if on the shared service, else building its
    own records) + noise; scope grows over time, so later (shared) front offices are bigger.
    """
    rng = np.random.default_rng([seed, 3])
    n = len(FRONT_OFFICE_NAMES)
    kickoff_weeks = np.arange(n) * FRONT_OFFICE_SPACING_WEEKS + rng.integers(0, 2, n)
    kickoff = pd.DatetimeIndex(START + pd.to_timedelta(kickoff_weeks * 7, unit="D"))
    after_live = np.asarray(kickoff >= SHARED_SERVICE_LIVE)
    position_after = np.cumsum(after_live) - 1
    shared = after_live & (position_after % OWN_AFTER_LIVE_EVERY != OWN_AFTER_LIVE_EVERY - 1)
    years = (kickoff - START).days.to_numpy() / 365.25
    scope = np.round(SCOPE_START_POINTS + SCOPE_GROWTH_POINTS_PER_YEAR * years + rng.normal(0.0, 4.0, n)).clip(5)
    weeks = (FRONT_OFFICE_BASE_WEEKS + WEEKS_PER_SCOPE_POINT * scope
             + np.where(shared, SHARED_INTEGRATION_WEEKS, OWN_RECORDS_WEEKS) + rng.normal(0.0, LAUNCH_NOISE_WEEKS, n))
    launched = kickoff + pd.to_timedelta(np.round(weeks * 7), unit="D")
    assert launched.max() <= END, "a front office would launch after the data ends"
    ids = [f"F{i:02d}" for i in range(1, n + 1)]
    front_offices = pd.DataFrame({
        "front_office_id": ids,
        "name": FRONT_OFFICE_NAMES,
        "kickoff_on": kickoff.strftime("%Y-%m-%d"),
        "launched_on": launched.strftime("%Y-%m-%d"),
        "scope_points": scope.astype(int),
        "customer_records": np.where(shared, "shared", "own"),
    })

    months = pd.date_range(START.replace(day=1), END, freq="MS")
    base_calls = MEDIAN_CALLS_PER_MONTH * np.exp(rng.normal(0.0, 0.7, n))
    usage_rows = []
    for i in np.flatnonzero(shared):
        first = launched[i].to_period("M").to_timestamp()
        for month in months[months >= first]:
            ramp = 0.5 if month == first else 1.0  # live for part of its first month
            response = 1 + CHARGEBACK_CALL_CHANGE if month >= CHARGEBACK_START else 1.0
            calls = base_calls[i] * ramp * response * np.exp(rng.normal(0.0, 0.06))
            usage_rows.append((month, ids[i], int(round(calls, -3))))
    usage = pd.DataFrame(usage_rows, columns=["month", "front_office_id", "api_calls"]).sort_values(
        ["month", "front_office_id"], ignore_index=True)
    calls_by_month = usage.groupby("month")["api_calls"].sum()

    build_first, build_months, build_cost = SHARED_SERVICE_BUILD
    build_start = pd.Timestamp(build_first + "-01")
    live_month = SHARED_SERVICE_LIVE.to_period("M").to_timestamp()
    cost_rows = []
    for month in months:
        if build_start <= month < build_start + pd.DateOffset(months=build_months):
            cost_rows.append((month, "build", build_cost))
        elif month >= live_month:
            calls = float(calls_by_month.get(month, 0))
            infra = INFRA_BASE_CNY_PER_MONTH + INFRA_CNY_PER_MILLION_CALLS * calls / 1e6 + rng.normal(0.0, 1_500.0)
            cost_rows += [(month, "platform_team", PLATFORM_TEAM_CNY_PER_MONTH),
                          (month, "infrastructure", round(infra))]
    costs = pd.DataFrame(cost_rows, columns=["month", "cost_item", "amount_cny"])
    costs["amount_cny"] = costs["amount_cny"].astype(float)
    for frame in (usage, costs):
        frame["month"] = frame["month"].dt.strftime("%Y-%m-%d")
    truths = {"shared_service_reuse_rate": round(float(shared.sum() / after_live.sum()), 6)}
    return {"front_offices": front_offices, "service_usage": usage, "service_costs": costs}, truths
