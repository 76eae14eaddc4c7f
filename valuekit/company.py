"""Generate the sample company's data: Kestrel Cloud, a fictional B2B subscription business.

Every table is built from one seeded random generator, so the same seed gives
byte-identical CSV files. The effects the book's notebooks must recover are
planted here and listed in ``PLANTED_TRUTHS``; ``data/README.md`` states them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .vocabulary import APPROVER_ROLES, STAGES  # the contract's vocabulary: the company follows it

DEFAULT_SEED = 20230102
START = pd.Timestamp("2023-01-02")  # a Monday; the company's two years start here
WEEKS = 104
END = START + pd.Timedelta(weeks=WEEKS) - pd.Timedelta(days=1)

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

APPROVAL_AUTOMATION = pd.Timestamp("2024-02-05")
APPROVAL_MEDIAN_HOURS_BEFORE = 36.0
APPROVAL_MEDIAN_HOURS_AFTER = 18.0
APPROVERS_BEFORE = APPROVER_ROLES  # the contract's roles, in chain order
APPROVERS_AFTER = ("team_lead",)
APPROVAL_TOUCH_MEDIAN_MINUTES = 12.0

SERVICE_CHANGE = pd.Timestamp("2024-04-01")  # agent console with suggested answers
PRICE_CHANGE = pd.Timestamp("2024-04-01")  # same day: list price 99 -> 114 CNY
SERVICE_EFFECT_HOURS = -3.0
SERVICE_SEASON_AMPLITUDE_HOURS = 3.0  # resolution time peaks in mid-January
TICKET_CATEGORY_HOURS = {"how_to": 12.0, "bug": 24.0, "account": 10.0, "billing": 16.0}
TICKET_CATEGORY_SHARES = {"how_to": 0.45, "bug": 0.25, "account": 0.15, "billing": 0.15}
TICKETS_PER_WEEK = 130
BILLING_SURGE_PER_WEEK = 40  # extra billing tickets right after the price change
BILLING_SURGE_DECAY_WEEKS = 8.0

PUSH_AUTOMATION = pd.Timestamp("2024-07-01")
PUSH_MEDIAN_MINUTES_MANUAL = 50.0
PUSH_MEDIAN_MINUTES_AUTOMATED = 6.0
PUSHES_PER_DAY = 6  # by audience segment and time of day

PRICE_BEFORE = 99.0
PRICE_AFTER = 114.0
INITIAL_CUSTOMERS = 15_000  # small businesses subscribed when the data starts
SEATS_PER_NEW_CUSTOMER = 4  # mean seats a new customer buys

WAGES = {
    "sales_rep": 180.0,
    "approver": 260.0,
    "ops_specialist": 150.0,
    "service_agent": 120.0,
    "engineer": 320.0,
    "product_manager": 300.0,
}

# (project, first build month, build months, build cost per month, run cost per month)
PROJECTS = [
    ("crm_lead_scoring", "2023-04", 3, 110_000.0, 12_000.0),
    ("approval_automation", "2023-11", 3, 105_000.0, 8_000.0),
    ("agent_console", "2024-01", 3, 95_000.0, 6_000.0),
    ("push_automation", "2024-05", 2, 60_000.0, 3_000.0),
]

PRICE_BENCHMARKS = [
    ("FlowPilot", "approval_workflow", "basic", "seat", 35.0, 10),
    ("FlowPilot", "approval_workflow", "pro", "seat", 68.0, 10),
    ("SignStream", "approval_workflow", "team", "seat", 52.0, 5),
    ("SignStream", "approval_workflow", "enterprise", "seat", 95.0, 50),
    ("PushLab", "push_automation", "starter", "account", 1_800.0, 1),
    ("PushLab", "push_automation", "growth", "account", 4_500.0, 1),
    ("DeskMate", "service_console", "standard", "seat", 45.0, 5),
    ("DeskMate", "service_console", "premium", "seat", 88.0, 5),
]

DIMENSIONS = {
    "business_understanding": (
        "I can walk through, step by step, how the team I serve does its work today.",
        "I can name my system's user roles and say what each one does in it.",
        "I can draw the end-to-end flow my system supports, including its exception branches.",
        "I join the business's regular reviews and know the targets it is measured on.",
        "I can explain how my users' KPIs are built and which steps of the process move them.",
        "I have mapped the business's mid-term plan to the gaps in my system.",
        "Business leaders ask me to structure a new business line before it launches.",
        "I predict which capabilities the business will need a year ahead, and I am usually right.",
    ),
    "rules_ownership": (
        "I can deliver what the business specifies, on the date agreed.",
        "I can point to a written record of every business rule the system implements.",
        "I rewrite incoming requests into rules and fields before they are built.",
        "Business users and I agree on acceptance criteria together.",
        "I propose changes to business rules, backed by analysis, and most are adopted.",
        "I order the backlog by the business's goals, not by who asks loudest.",
        "I offer the framework within which the business decides its rules, and it owns the outcome.",
        "Rule changes that cross departments go through a process I designed.",
    ),
    "data_metrics": (
        "I can say which features shipped this quarter and who uses them.",
        "I can pull basic usage numbers for my system when asked.",
        "Usage and efficiency metrics for my system are instrumented and reviewed monthly.",
        "I can show a task's cycle time before and after a release.",
        "I link my system's usage to the business's KPIs with a comparison group or a staged rollout.",
        "The business uses dashboards from my system in its own reviews.",
        "I run experiments such as A/B tests on business strategy through the system.",
        "Leadership decisions cite evidence produced by my system.",
    ),
    "collaboration": (
        "I can name a contact in each business team my system serves.",
        "I can be reached by business users when something breaks, and they know how.",
        "Operations, business and product plan work together on a fixed rhythm.",
        "Business users test new releases with me before launch.",
        "I bring problems and options to the business before it asks.",
        "The business no longer keeps offline spreadsheets next to my system.",
        "Other departments come to me to broker data and resources across teams.",
        "The business treats me as a co-owner of its operating results.",
    ),
    "system_maturity": (
        "I can show the process my system supports as structured steps and fields.",
        "I can show that records in the system use agreed definitions of status, owner and category.",
        "The core process runs online, end to end, in the system.",
        "Users update records in the system as they work, not afterwards.",
        "Data from the system drives routine decisions such as lead assignment or routing.",
        "At least one piece of manual back-office work has been replaced by rules.",
        "At least one decision is made automatically by a model or strategy, and monitored.",
        "The system's capabilities are reused by other systems or offered to outside customers.",
    ),
}

# How much each statement matters for the stage it belongs to (rubric_items.importance), in DIMENSIONS order:
# 3 the behaviour the stage rests on, 2 expected, 1 helpful. Gaps are weighted by it.
IMPORTANCE = {
    "business_understanding": (3, 2, 3, 2, 3, 2, 2, 1),
    "rules_ownership": (3, 2, 3, 2, 3, 2, 3, 1),
    "data_metrics": (2, 3, 3, 2, 3, 2, 2, 3),
    "collaboration": (2, 3, 3, 2, 3, 2, 1, 2),
    "system_maturity": (3, 2, 3, 2, 2, 3, 2, 1),
}

# What a PM who agrees with a stage's statements points to (pm_answers.evidence), per dimension and stage.
EVIDENCE = {
    "business_understanding": ("process notes for the team I serve", "a flow diagram with its exception branches",
                               "a KPI breakdown mapped to process steps",
                               "a structure proposal for a new business line"),
    "rules_ownership": ("the rule register and the delivery dates", "requests rewritten as rules, with agreed "
                        "acceptance criteria", "rule-change proposals and which were adopted",
                        "the cross-department rule-change process"),
    "data_metrics": ("the release notes and a usage report", "the monthly metrics review and a before/after chart",
                     "a staged-rollout comparison in the business's review deck",
                     "an experiment readout cited in a leadership decision"),
    "collaboration": ("the contact list and the support channel", "the joint planning calendar and test sign-offs",
                      "option papers sent before the business asked", "requests from other departments to broker data"),
    "system_maturity": ("the process spec and field definitions", "system logs of the process run end to end",
                        "the routing rules and the manual task they replaced",
                        "a monitored automated decision, or another system calling ours"),
}

# Planted stage (1 follow .. 4 lead) of each PM in each dimension, in DIMENSIONS order.
PM_TEAM = [
    ("PM01", "Chen Yu", 0.5, "crm", (1, 1, 1, 1, 1)),
    ("PM02", "Li Na", 1.0, "service_desk", (1, 2, 1, 2, 1)),
    ("PM03", "Wang Lei", 1.5, "approvals", (2, 2, 2, 2, 2)),
    ("PM04", "Zhao Min", 2.0, "content", (2, 2, 1, 2, 2)),
    ("PM05", "Liu Yang", 2.5, "crm", (2, 3, 2, 2, 3)),
    ("PM06", "Sun Jie", 3.0, "service_desk", (3, 3, 3, 3, 3)),
    ("PM07", "Zhou Ting", 3.0, "approvals", (2, 2, 2, 2, 2)),
    ("PM08", "Wu Hao", 4.0, "content", (3, 3, 4, 3, 3)),
    ("PM09", "Xu Fang", 5.0, "crm", (3, 4, 3, 4, 3)),
    ("PM10", "Ma Rui", 6.0, "approvals", (4, 4, 4, 4, 4)),
    ("PM11", "Hu Jing", 1.0, "service_desk", (1, 1, 2, 1, 1)),
    ("PM12", "Gao Peng", 2.0, "content", (2, 3, 2, 3, 2)),
]
INCONSISTENT_PM = "PM07"  # agrees with drive and lead statements, disagrees with follow and collaborate ones,
# and names no evidence for any agreement
PM_WITH_GAPS = "PM12"  # left four statements unanswered
UNANSWERED_ITEMS = ("I05", "I14", "I27", "I38")

# Hard mode (generate(seed, hard=True)): breaks the comfortable assumptions of the book's methods, so the
# simulation study can show which designs survive. The default data never uses it.
HARD_TEAM_QUARTER_SD = 0.02  # team x quarter shocks to conversion (SD, share of leads)
HARD_COHORT_LIFT = {"2023-07-03": 0.06, "2023-10-02": 0.05, "2024-01-01": 0.04, "2024-04-01": 0.03}
HARD_LIFT_GROWTH_PER_YEAR = 0.02  # lift keeps growing after the ramp, by this much a year
HARD_SECOND_HARMONIC = 0.01  # second seasonal harmonic in conversion (share of leads)
HARD_CONVERSION_LAG_DAYS = 14.0  # mean days from lead to win; wins after the export date are not yet seen
HARD_MISSING_SHARE = 0.05  # share of rep-weeks missing from the lead export, and of won deals without a value
HARD_BILLING_HOURS = 30.0  # billing tickets are much slower than the rest
HARD_BILLING_SURGE_PER_WEEK = 90
HARD_SERVICE_SECOND_HARMONIC_HOURS = 1.5
HARD_QUEUE_ELASTICITY = 0.6  # resolution time rises by this share of the relative excess in weekly volume

PLANTED_TRUTHS = {
    "crm_lift_pp": CRM_LIFT * 100,
    "crm_ramp_weeks": CRM_RAMP_WEEKS,
    "crm_never_treated_team": "T6",
    "conversion_trend_pp_per_year": CONVERSION_TREND_PER_YEAR * 100,
    "adoption_ceiling": ADOPTION_CEILING,
    "approval_median_hours_before": APPROVAL_MEDIAN_HOURS_BEFORE,
    "approval_median_hours_after": APPROVAL_MEDIAN_HOURS_AFTER,
    "approvers_before": len(APPROVERS_BEFORE),
    "approvers_after": len(APPROVERS_AFTER),
    "approval_touch_median_minutes": APPROVAL_TOUCH_MEDIAN_MINUTES,
    "service_effect_hours": SERVICE_EFFECT_HOURS,
    "service_season_amplitude_hours": SERVICE_SEASON_AMPLITUDE_HOURS,
    "price_before_cny": PRICE_BEFORE,
    "price_after_cny": PRICE_AFTER,
    "push_median_minutes_manual": PUSH_MEDIAN_MINUTES_MANUAL,
    "push_median_minutes_automated": PUSH_MEDIAN_MINUTES_AUTOMATED,
}


def _workdays() -> pd.DatetimeIndex:
    return pd.bdate_range(START, END)


def _weeks_since(dates: pd.Series | pd.DatetimeIndex, event: pd.Timestamp) -> np.ndarray:
    return ((pd.DatetimeIndex(dates) - event).days // 7).to_numpy()


def _season(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Annual cycle in [-1, 1] that peaks on 15 January."""
    day_of_year = pd.DatetimeIndex(dates).day_of_year.to_numpy()
    return np.cos(2 * np.pi * (day_of_year - 15) / 365.25)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(rng.normal(0.0, sigma, size))


def _sales_teams() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team_id": [t[0] for t in SALES_TEAMS],
            "team_name": [t[1] for t in SALES_TEAMS],
            "city": [t[2] for t in SALES_TEAMS],
            "crm_rollout_date": [t[3] for t in SALES_TEAMS],
        }
    )


def _sales_reps(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for team_index, team in enumerate(SALES_TEAMS):
        for seat in range(REPS_PER_TEAM):
            months_before_start = int(rng.integers(3, 60))
            rows.append(
                {
                    "rep_id": f"R{team_index * REPS_PER_TEAM + seat + 1:02d}",
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


def _second_harmonic(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    day_of_year = pd.DatetimeIndex(dates).day_of_year.to_numpy()
    return np.cos(4 * np.pi * (day_of_year - 15) / 365.25)


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


def _approvals(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = _workdays()
    per_day = rng.poisson(8, len(days))
    submitted = days.repeat(per_day) + pd.to_timedelta(rng.integers(9 * 60, 18 * 60, per_day.sum()), unit="min")
    submitted = pd.DatetimeIndex(np.sort(submitted.to_numpy()))
    automated = submitted >= APPROVAL_AUTOMATION
    median_hours = np.where(automated, APPROVAL_MEDIAN_HOURS_AFTER, APPROVAL_MEDIAN_HOURS_BEFORE)
    cycle_minutes = np.round(median_hours * 60 * np.exp(rng.normal(0.0, 0.5, len(submitted))))
    completed = submitted + pd.to_timedelta(cycle_minutes, unit="min")
    request_ids = [f"A{i:05d}" for i in range(1, len(submitted) + 1)]
    approvers = [APPROVERS_AFTER if flag else APPROVERS_BEFORE for flag in automated]
    approvals = pd.DataFrame(
        {
            "request_id": request_ids,
            "request_type": rng.choice(["discount", "contract", "refund"], len(submitted), p=[0.5, 0.3, 0.2]),
            "amount_cny": np.round(_lognormal(rng, 8_000, 0.8, len(submitted)), -1),
            "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%S"),
            "completed_at": completed.strftime("%Y-%m-%dT%H:%M:%S"),
            "approvers_required": [len(chain) for chain in approvers],
        }
    )
    step_rows = [
        (request_id, step, role)
        for request_id, chain in zip(request_ids, approvers, strict=True)
        for step, role in enumerate(chain, start=1)
    ]
    steps = pd.DataFrame(step_rows, columns=["request_id", "step", "approver_role"])
    steps["touch_minutes"] = np.round(_lognormal(rng, APPROVAL_TOUCH_MEDIAN_MINUTES, 0.4, len(steps)), 1)
    return approvals, steps


def _tickets(rng: np.random.Generator, hard: bool = False) -> pd.DataFrame:
    week_starts = pd.date_range(START, periods=WEEKS, freq="7D")
    weeks_after_price = _weeks_since(week_starts, PRICE_CHANGE)
    base_counts = rng.poisson(TICKETS_PER_WEEK * (1 + 0.25 * _season(week_starts)))
    surge_size = HARD_BILLING_SURGE_PER_WEEK if hard else BILLING_SURGE_PER_WEEK
    surge = np.where(
        weeks_after_price >= 0, surge_size * np.exp(-weeks_after_price / BILLING_SURGE_DECAY_WEEKS), 0.0
    )
    surge_counts = rng.poisson(surge)
    categories = list(TICKET_CATEGORY_SHARES)
    frames = []
    for week_start, base, extra in zip(week_starts, base_counts, surge_counts, strict=True):
        frames.append(
            pd.DataFrame(
                {
                    "opened_on": week_start + pd.to_timedelta(rng.integers(0, 7, base + extra), unit="D"),
                    "category": np.concatenate(
                        [rng.choice(categories, base, p=list(TICKET_CATEGORY_SHARES.values())),
                         np.full(extra, "billing")]
                    ),
                }
            )
        )
    tickets = pd.concat(frames, ignore_index=True).sort_values(["opened_on", "category"], kind="stable",
                                                               ignore_index=True)
    opened = pd.DatetimeIndex(tickets["opened_on"])
    category_hours = dict(TICKET_CATEGORY_HOURS, billing=HARD_BILLING_HOURS) if hard else TICKET_CATEGORY_HOURS
    mean_hours = tickets["category"].map(category_hours).to_numpy() + SERVICE_SEASON_AMPLITUDE_HOURS * _season(opened)
    if hard:
        # A second harmonic in the season, and queueing: a busy week is slower for every ticket.
        mean_hours = mean_hours + HARD_SERVICE_SECOND_HARMONIC_HOURS * _second_harmonic(opened)
        week = (opened - START).days.to_numpy() // 7
        volume = np.bincount(week, minlength=WEEKS)[week]
        mean_hours = mean_hours * (1 + HARD_QUEUE_ELASTICITY * (volume / TICKETS_PER_WEEK - 1))
    mean_hours = mean_hours + np.where(opened >= SERVICE_CHANGE, SERVICE_EFFECT_HOURS, 0.0)
    shape = 4.0  # gamma noise keeps hours positive and the mean exact
    tickets["resolution_hours"] = np.round(rng.gamma(shape, mean_hours / shape), 2)
    tickets["channel"] = rng.choice(["email", "chat", "phone"], len(tickets), p=[0.4, 0.45, 0.15])
    tickets["opened_on"] = opened.strftime("%Y-%m-%d")
    tickets.insert(0, "ticket_id", [f"S{i:06d}" for i in range(1, len(tickets) + 1)])
    return tickets[["ticket_id", "opened_on", "category", "channel", "resolution_hours"]]


def _push_campaigns(rng: np.random.Generator) -> pd.DataFrame:
    days = pd.date_range(START, END, freq="D").repeat(PUSHES_PER_DAY)
    automated = days >= PUSH_AUTOMATION
    median = np.where(automated, PUSH_MEDIAN_MINUTES_AUTOMATED, PUSH_MEDIAN_MINUTES_MANUAL)
    audience = np.round(180_000 * (1 + 0.3 * (days - START).days.to_numpy() / 730) * rng.uniform(0.8, 1.2, len(days)))
    open_rate = np.where(automated, 0.046, 0.042) + rng.normal(0, 0.004, len(days))
    return pd.DataFrame(
        {
            "push_id": [f"P{i:05d}" for i in range(1, len(days) + 1)],
            "sent_on": days.strftime("%Y-%m-%d"),
            "mode": np.where(automated, "automated", "manual"),
            "prep_minutes": np.round(median * np.exp(rng.normal(0.0, 0.35, len(days))), 1),
            "audience": audience.astype(int),
            "opens": np.round(audience * open_rate).astype(int),
        }
    )


def _customers_monthly(rng: np.random.Generator, leads: pd.DataFrame) -> pd.DataFrame:
    """The subscription base month by month; every lead won in a month is one of its new customers."""
    months = pd.date_range(START.replace(day=1), END, freq="MS")
    won = leads[leads["converted"] == "true"]
    won_per_month = pd.to_datetime(won["created_on"]).dt.to_period("M").value_counts()
    active = INITIAL_CUSTOMERS
    rows = []
    for month in months:
        after_price = month >= PRICE_CHANGE
        months_after = (month.year - PRICE_CHANGE.year) * 12 + month.month - PRICE_CHANGE.month
        churn_rate = 0.022 + (0.006 if after_price and months_after < 3 else 0.0)
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


def _project_costs() -> pd.DataFrame:
    months = pd.date_range(START.replace(day=1), END, freq="MS")
    rows = []
    for project, first_month, build_months, build_cost, run_cost in PROJECTS:
        build_start = pd.Timestamp(first_month + "-01")
        live = build_start + pd.DateOffset(months=build_months)
        for month in months:
            if build_start <= month < live:
                rows.append((project, month.strftime("%Y-%m-%d"), "build", build_cost))
            elif month >= live:
                rows.append((project, month.strftime("%Y-%m-%d"), "run", run_cost))
    return pd.DataFrame(rows, columns=["project", "month", "cost_type", "amount_cny"])


def _rubric_items() -> pd.DataFrame:
    rows = []
    for dimension, statements in DIMENSIONS.items():
        for position, statement in enumerate(statements):
            stage_level = position // 2 + 1
            rows.append((dimension, STAGES[stage_level - 1], stage_level, IMPORTANCE[dimension][position], statement))
    items = pd.DataFrame(rows, columns=["dimension", "stage", "stage_level", "importance", "statement"])
    items.insert(0, "item_id", [f"I{i:02d}" for i in range(1, len(items) + 1)])
    return items


def _pm_answers(rng: np.random.Generator, items: pd.DataFrame) -> pd.DataFrame:
    dimension_order = list(DIMENSIONS)
    rows = []
    for pm_id, _name, _tenure, _system, stages in PM_TEAM:
        for item in items.itertuples():
            if pm_id == PM_WITH_GAPS and item.item_id in UNANSWERED_ITEMS:
                continue
            true_stage = stages[dimension_order.index(item.dimension)]
            agrees = item.stage_level <= true_stage
            if pm_id == INCONSISTENT_PM:
                agrees = item.stage_level >= 3
            answer = rng.choice([4, 5]) if agrees else rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15])
            # No random draw here: the evidence is a fixed text, so the answers themselves never change with it.
            evidence = EVIDENCE[item.dimension][item.stage_level - 1] if agrees and pm_id != INCONSISTENT_PM else ""
            rows.append((pm_id, item.item_id, int(answer), evidence))
    return pd.DataFrame(rows, columns=["pm_id", "item_id", "agreement", "evidence"])


def _changes() -> pd.DataFrame:
    """The change log: every company-wide change with its go-live (the staged CRM rollout is per team)."""
    return pd.DataFrame(
        [("approval_rules_engine", "approvals", APPROVAL_AUTOMATION,
          "Rules engine: routine requests need one sign-off instead of three"),
         ("agent_console", "service_desk", SERVICE_CHANGE, "Agent console with suggested answers"),
         ("price_rise", "pricing", PRICE_CHANGE, f"List price per seat from {PRICE_BEFORE:g} to {PRICE_AFTER:g} CNY"),
         ("push_automation", "content", PUSH_AUTOMATION, "An automated strategy picks push content")],
        columns=["change_id", "system", "go_live", "description"],
    )


def generate(seed: int = DEFAULT_SEED, hard: bool = False) -> dict[str, pd.DataFrame]:
    """Build every table of the sample company, ready to write as CSV.

    ``hard=True`` plants the effects under conditions that break the methods' comfortable assumptions
    (see the HARD_* constants and the data dictionary it writes). Its extra randomness comes from a
    second generator, so the default data never changes.
    """
    rng = np.random.default_rng(seed)
    hard_rng = np.random.default_rng([seed, 1]) if hard else None
    teams = _sales_teams()
    reps = _sales_reps(rng)
    approvals, approval_steps = _approvals(rng)
    items = _rubric_items()
    leads = _leads(rng, teams, reps, hard_rng)
    return {
        "sales_teams": teams,
        "sales_reps": reps,
        "leads": leads,
        "usage_events": _usage_events(rng, teams, reps),
        "approvals": approvals,
        "approval_steps": approval_steps,
        "tickets": _tickets(rng, hard),
        "push_campaigns": _push_campaigns(rng),
        "customers_monthly": _customers_monthly(rng, leads),
        "changes": _changes(),
        "wages": pd.DataFrame({"role": list(WAGES), "loaded_hourly_cost_cny": list(WAGES.values())}),
        "project_costs": _project_costs(),
        "price_benchmarks": pd.DataFrame(
            PRICE_BENCHMARKS,
            columns=["vendor", "product_category", "plan", "unit", "price_cny_per_unit_month", "min_units"],
        ),
        "pm_team": pd.DataFrame(
            [pm[:4] for pm in PM_TEAM], columns=["pm_id", "name", "tenure_years", "system"]
        ),
        "rubric_items": items,
        "pm_answers": _pm_answers(rng, items),
    }
