"""Sales: teams, reps, leads and CRM usage with the staged lead-scoring rollout and its planted lift; prices
and customers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import END, START, WEEKS, _season, _second_harmonic, _weeks_since, _workdays

# Staged rollout of CRM lead scoring; the Partners team is never treated.
SALES_TEAMS = [
    ("T1", "North", "Beijing", "2023-07-03"),
    ("T2", "East", "Shanghai", "2023-07-03"),
    ("T3", "South", "Shenzhen", "2023-10-02"),
    ("T4", "West", "Chengdu", "2024-01-01"),
    ("T5", "Central", "Wuhan", "2024-04-01"),
    ("T6", "Partners", "Hangzhou", None),
]
REPS_PER_TEAM = 10
TEAM_BASE_CONVERSION = [0.16, 0.19, 0.14, 0.18, 0.21, 0.17]
SOURCE_SHARES = {"inbound": 0.50, "outbound": 0.35, "referral": 0.15}
SOURCE_CONVERSION_SHIFT = {"inbound": 0.0, "outbound": -0.05, "referral": 0.08}
LEADS_PER_REP_WEEK = 10
CONVERSION_TREND_PER_YEAR = 0.03  # market-wide drift that every team shares
CRM_LIFT = 0.05  # conversion lift once lead scoring has fully ramped up
CRM_RAMP_WEEKS = 8
ADOPTION_CEILING = 0.9
ADOPTION_WEEKS = 3.0  # time constant of the adoption curve


PRICE_CHANGE = pd.Timestamp("2024-04-01")  # same day: list price 99 -> 114 CNY


PRICE_BEFORE = 99.0
PRICE_AFTER = 114.0
INITIAL_CUSTOMERS = 15_000  # small businesses subscribed when the data starts
SEATS_PER_NEW_CUSTOMER = 4  # mean seats a new customer buys
CHURN_RATE = 0.022  # monthly churn of the customer base
PRICE_CHURN_RISE = 0.006  # extra monthly churn in the months right after the price change
PRICE_CHURN_MONTHS = 3


# Hard mode (generate(seed, hard=True)): breaks the comfortable assumptions of the book's methods, so the
# simulation study can show which designs survive. The default data never uses it.
HARD_TEAM_QUARTER_SD = 0.02  # team x quarter shocks to conversion (SD, share of leads)
HARD_COHORT_LIFT = {"2023-07-03": 0.06, "2023-10-02": 0.05, "2024-01-01": 0.04, "2024-04-01": 0.03}
HARD_LIFT_GROWTH_PER_YEAR = 0.02  # lift keeps growing after the ramp, by this much a year
HARD_SECOND_HARMONIC = 0.01  # second seasonal harmonic in conversion (share of leads)
HARD_CONVERSION_LAG_DAYS = 14.0  # mean days from lead to win; wins after the export date are not yet seen
HARD_MISSING_SHARE = 0.05  # share of rep-weeks missing from the lead export, and of won deals without a value


def _sales_teams() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team_id": [t[0] for t in SALES_TEAMS],
            "team_name": [t[1] for t in SALES_TEAMS],
            "city": [t[2] for t in SALES_TEAMS],
            "crm_rollout_date": [t[3] for t in SALES_TEAMS],
        }
    )


def _sales_reps(rng: np.random.Generator, scale: int = 1) -> pd.DataFrame:
    rows = []
    per_team = REPS_PER_TEAM * scale
    for team_index, team in enumerate(SALES_TEAMS):
        for seat in range(per_team):
            months_before_start = int(rng.integers(3, 60))
            rows.append(
                {
                    "rep_id": f"R{team_index * per_team + seat + 1:02d}",
                    "team_id": team[0],
                    "hired_on": (START - pd.DateOffset(months=months_before_start)).strftime("%Y-%m-%d"),
                }
            )
    return pd.DataFrame(rows)


def list_price(dates: pd.DatetimeIndex) -> np.ndarray:
    """List price per seat per month, in CNY, on each date."""
    return np.where(pd.DatetimeIndex(dates) >= PRICE_CHANGE, PRICE_AFTER, PRICE_BEFORE)


def crm_lift(weeks_since_rollout: np.ndarray) -> np.ndarray:
    """Planted conversion lift: linear ramp over CRM_RAMP_WEEKS, then CRM_LIFT."""
    weeks = np.asarray(weeks_since_rollout, dtype=float)
    ramp = np.clip((weeks + 1) / CRM_RAMP_WEEKS, 0.0, 1.0)
    return np.where(weeks >= 0, CRM_LIFT * ramp, 0.0)


def hard_crm_lift(weeks_since_rollout: np.ndarray, rollout_date: str | pd.Timestamp) -> np.ndarray:
    """Hard mode's lift for a cohort: its own size (earlier cohorts gain more), the same ramp, then still growing."""
    weeks = np.asarray(weeks_since_rollout, dtype=float)
    lift = HARD_COHORT_LIFT[pd.Timestamp(rollout_date).strftime("%Y-%m-%d")]
    ramp = np.clip((weeks + 1) / CRM_RAMP_WEEKS, 0.0, 1.0)
    growth = HARD_LIFT_GROWTH_PER_YEAR * np.clip(weeks + 1 - CRM_RAMP_WEEKS, 0.0, None) / 52
    return np.where(weeks >= 0, lift * ramp + growth, 0.0)


def planted_lift(weeks_since_rollout: np.ndarray, rollout_dates, hard: bool = False) -> np.ndarray:
    """Planted lift (share of leads) per row, in either mode; rows never treated get 0."""
    weeks = np.asarray(weeks_since_rollout, dtype=float)
    if not hard:
        return crm_lift(weeks)
    dates = pd.Series(pd.to_datetime(pd.Series(rollout_dates).to_numpy()))
    lift = np.zeros(len(weeks))
    for date in dates.dropna().unique():
        rows = (dates == date).to_numpy()
        lift[rows] = hard_crm_lift(weeks[rows], date)
    return lift


def adoption_share(weeks_since_rollout: np.ndarray) -> np.ndarray:
    """Planted share of reps using lead scoring in a week after their team's rollout."""
    weeks = np.asarray(weeks_since_rollout, dtype=float)
    return np.where(weeks >= 0, ADOPTION_CEILING * (1 - np.exp(-(weeks + 1) / ADOPTION_WEEKS)), 0.0)


def _rollout_by_rep(teams: pd.DataFrame, reps: pd.DataFrame) -> pd.Series:
    rollout = reps["team_id"].map(dict(zip(teams["team_id"], teams["crm_rollout_date"], strict=True)))
    return pd.to_datetime(rollout)


def _leads(rng: np.random.Generator, teams: pd.DataFrame, reps: pd.DataFrame,
           hard_rng: np.random.Generator | None = None) -> pd.DataFrame:
    week_starts = pd.date_range(START, periods=WEEKS, freq="7D")
    counts = rng.poisson(LEADS_PER_REP_WEEK, size=(len(reps), WEEKS))
    rep_index = np.repeat(np.arange(len(reps)), counts.sum(axis=1))
    week_index = np.concatenate([np.repeat(np.arange(WEEKS), row) for row in counts])
    created = week_starts[week_index] + pd.to_timedelta(rng.integers(0, 5, len(week_index)), unit="D")
    sources = rng.choice(list(SOURCE_SHARES), size=len(week_index), p=list(SOURCE_SHARES.values()))

    team_number = reps["team_id"].str[1:].astype(int).to_numpy()[rep_index] - 1
    rollout = _rollout_by_rep(teams, reps).to_numpy()[rep_index]
    weeks_since = np.where(
        pd.isna(rollout), -1, ((created - pd.DatetimeIndex(rollout)).days // 7).to_numpy()
    )
    years_elapsed = (created - START).days.to_numpy() / 365.25
    probability = (
        np.array(TEAM_BASE_CONVERSION)[team_number]
        + CONVERSION_TREND_PER_YEAR * years_elapsed
        + 0.01 * _season(created)
        + pd.Series(sources).map(SOURCE_CONVERSION_SHIFT).to_numpy()
        + (crm_lift(weeks_since) if hard_rng is None else planted_lift(weeks_since, rollout, hard=True))
    )
    if hard_rng is not None:
        quarter = ((created - START).days.to_numpy() // 91).clip(max=WEEKS * 7 // 91)
        shocks = hard_rng.normal(0.0, HARD_TEAM_QUARTER_SD, size=(len(SALES_TEAMS), quarter.max() + 1))
        probability = probability + shocks[team_number, quarter] + HARD_SECOND_HARMONIC * _second_harmonic(created)
    converted = rng.random(len(probability)) < probability
    # A won lead buys seats at the list price of the day; its deal value is the first year's contract.
    seats = 1 + rng.poisson(SEATS_PER_NEW_CUSTOMER - 1, len(probability))
    deal_value = seats * list_price(created) * 12

    keep = np.ones(len(probability), dtype=bool)
    if hard_rng is not None:
        # Wins take time; a win after the export date is not yet in the export (censored).
        lag_days = hard_rng.exponential(HARD_CONVERSION_LAG_DAYS, len(probability))
        converted &= (created + pd.to_timedelta(np.round(lag_days), unit="D")) <= END
        # A CRM sync gap loses whole rep-weeks from the export; some won deals have no value recorded.
        missing_weeks = hard_rng.random((len(reps), WEEKS)) < HARD_MISSING_SHARE
        keep = ~missing_weeks[rep_index, week_index]
        deal_value = np.where(hard_rng.random(len(probability)) < HARD_MISSING_SHARE, np.nan, deal_value)
    leads = pd.DataFrame(
        {
            "rep_id": reps["rep_id"].to_numpy()[rep_index],
            "created_on": created.strftime("%Y-%m-%d"),
            "source": sources,
            "converted": np.where(converted, "true", "false"),
            "deal_value_cny": np.where(converted, deal_value, np.nan),
        }
    )[keep].sort_values(["created_on", "rep_id"], kind="stable", ignore_index=True)
    leads.insert(0, "lead_id", [f"L{i:06d}" for i in range(1, len(leads) + 1)])
    return leads


def _usage_events(rng: np.random.Generator, teams: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    days = _workdays()
    rollout = _rollout_by_rep(teams, reps)
    frames = []
    for rep_id, rep_rollout in zip(reps["rep_id"], rollout, strict=True):
        active = rng.random(len(days)) < 0.92
        frames.append(
            pd.DataFrame(
                {"event_date": days[active], "user_id": rep_id, "module": "pipeline",
                 "events": rng.poisson(12, active.sum()) + 1}
            )
        )
        reporting = rng.random(len(days)) < 0.15
        frames.append(
            pd.DataFrame(
                {"event_date": days[reporting], "user_id": rep_id, "module": "reports",
                 "events": rng.poisson(3, reporting.sum()) + 1}
            )
        )
        if pd.isna(rep_rollout):
            continue
        weeks_since = _weeks_since(days, rep_rollout)
        week_active = {
            week: rng.random() < adoption_share(week) for week in np.unique(weeks_since[weeks_since >= 0])
        }
        scoring = np.array([week_active.get(week, False) for week in weeks_since]) & (
            rng.random(len(days)) < 0.6
        )
        frames.append(
            pd.DataFrame(
                {"event_date": days[scoring], "user_id": rep_id, "module": "lead_scoring",
                 "events": rng.poisson(5, scoring.sum()) + 1}
            )
        )
    events = pd.concat(frames, ignore_index=True)
    events["event_date"] = events["event_date"].dt.strftime("%Y-%m-%d")
    return events.sort_values(["event_date", "user_id", "module"], ignore_index=True)


def _customers_monthly(rng: np.random.Generator, leads: pd.DataFrame, scale: int = 1) -> pd.DataFrame:
    """The subscription base month by month; every lead won in a month is one of its new customers."""
    months = pd.date_range(START.replace(day=1), END, freq="MS")
    won = leads[leads["converted"] == "true"]
    won_per_month = pd.to_datetime(won["created_on"]).dt.to_period("M").value_counts()
    active = INITIAL_CUSTOMERS * scale
    rows = []
    for month in months:
        after_price = month >= PRICE_CHANGE
        months_after = (month.year - PRICE_CHANGE.year) * 12 + month.month - PRICE_CHANGE.month
        churn_rate = CHURN_RATE + (PRICE_CHURN_RISE if after_price and months_after < PRICE_CHURN_MONTHS else 0.0)
        new = int(won_per_month.get(month.to_period("M"), 0))
        churned = int(rng.binomial(active, churn_rate))
        active = active + new - churned
        price = float(list_price(pd.DatetimeIndex([month]))[0])
        seats = int(round(active * rng.normal(SEATS_PER_NEW_CUSTOMER, 0.02)))
        rows.append(
            {
                "month": month.strftime("%Y-%m-%d"),
                "active_customers": active,
                "new_customers": new,
                "churned_customers": churned,
                "seats": seats,
                "list_price_cny_per_seat": price,
                "mrr_cny": round(seats * price, 2),
            }
        )
    return pd.DataFrame(rows)
