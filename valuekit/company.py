"""Generate the sample company's data: Kestrel Cloud, a fictional B2B subscription business.

Every table is built from one seeded random generator, so the same seed gives
byte-identical CSV files. The effects the book's notebooks must recover are
planted here and listed in ``PLANTED_TRUTHS``; ``data/README.md`` states them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .vocabulary import ACTION_CHANNELS, APPROVER_ROLES, ROUTING_ARMS, STAGES, SYSTEMS  # the contract's vocabulary

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
PUSH_OPEN_RATE_MANUAL = 0.042  # share of the audience opening a push, before and after automation
PUSH_OPEN_RATE_AUTOMATED = 0.046

PRICE_BEFORE = 99.0
PRICE_AFTER = 114.0
INITIAL_CUSTOMERS = 15_000  # small businesses subscribed when the data starts
SEATS_PER_NEW_CUSTOMER = 4  # mean seats a new customer buys
CHURN_RATE = 0.022  # monthly churn of the customer base
PRICE_CHURN_RISE = 0.006  # extra monthly churn in the months right after the price change
PRICE_CHURN_MONTHS = 3

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

# Security: the HR roster, accounts, permission grants and reviews, destructive actions and their audit log,
# and the people behind each approval. Its randomness comes from its own generator ([seed, 4]).
ACCESS_REVIEW_START = pd.Timestamp("2024-01-08")  # the first quarterly permission review opens
ACCESS_REVIEW_EVERY_MONTHS = 3
ACCESS_REVIEW_DAYS = 28  # each review cycle closes four weeks after it opens
REVIEW_COVERAGE = {"crm": 0.95, "service_desk": 0.90, "approvals": 1.0, "content": 0.50}
OFFBOARDING_MISSED_ACCOUNTS = 8  # leavers' accounts in the checklist's systems that offboarding forgets anyway
UNWATCHED_SYSTEM = "content"  # local accounts: not on the offboarding checklist, and its reviewer keeps every grant
EXPORT_AUDIT_FIX = pd.Timestamp("2024-06-03")  # from here CRM exports through the API write an audit record
LEAD_REQUEST_SHARE = 0.06  # requests team leads submit for their own deals
LEGAL_COVER = (pd.Timestamp("2023-08-07"), pd.Timestamp("2023-09-01"))  # a finance approver signs for legal
# (department, job, seats, share of a seat's occupant leaving per year)
STAFF_SEATS = [
    ("finance", "finance_approver", 4, 0.10),
    ("legal", "legal_counsel", 2, 0.0),
    ("service", "service_agent", 16, 0.30),
    ("operations", "ops_specialist", 6, 0.25),
    ("engineering", "engineer", 8, 0.15),
    ("product", "product_manager", 6, 0.10),
]
# What each job holds: system -> permissions. Engineers and PMs hold admin rights in the systems of their seat.
ACCOUNT_PLAN = {
    "sales_rep": {"crm": ("user",), "approvals": ("user",)},
    "team_lead": {"crm": ("user", "export"), "approvals": ("user", "approver")},
    "sales_director": {"crm": ("user", "export"), "approvals": ("approver",)},
    "finance_approver": {"approvals": ("approver",), "crm": ("export",)},
    "legal_counsel": {"approvals": ("approver",)},
    "service_agent": {"service_desk": ("user",), "crm": ("user",)},
    "ops_specialist": {"content": ("user",)},
}
# (system, action, mean per workday, permission needed, channel shares ui/api/batch_job)
DESTRUCTIVE_ACTION_RATES = [
    ("crm", "delete_record", 1.2, "user", (0.85, 0.15, 0.0)),
    ("crm", "bulk_export", 0.8, "export", (0.4, 0.6, 0.0)),
    ("crm", "merge_records", 0.6, "user", (0.85, 0.15, 0.0)),
    ("crm", "permission_change", 0.1, "admin", (1.0, 0.0, 0.0)),
    ("service_desk", "delete_record", 1.0, "user", (0.9, 0.0, 0.1)),
    ("service_desk", "bulk_export", 0.2, "admin", (0.85, 0.15, 0.0)),
    ("service_desk", "permission_change", 0.1, "admin", (1.0, 0.0, 0.0)),
    ("approvals", "delete_record", 0.1, "admin", (0.85, 0.15, 0.0)),
    ("approvals", "permission_change", 0.1, "admin", (1.0, 0.0, 0.0)),
    ("content", "delete_record", 0.5, "user", (0.85, 0.15, 0.0)),
    ("content", "permission_change", 0.05, "admin", (1.0, 0.0, 0.0)),
]


PLANTED_TRUTHS.update({
    "launch_weeks_saved": LAUNCH_WEEKS_SAVED,
    "weeks_per_scope_point": WEEKS_PER_SCOPE_POINT,
    "infra_cny_per_million_calls": INFRA_CNY_PER_MILLION_CALLS,
    "platform_fixed_cny_per_month": PLATFORM_TEAM_CNY_PER_MONTH + INFRA_BASE_CNY_PER_MONTH,
    "chargeback_call_change": CHARGEBACK_CALL_CHANGE,
    "review_coverage_by_system": dict(REVIEW_COVERAGE),
})


def unlogged_path(system, action, channel, performed_at):
    """The planted audit-log gaps: CRM exports through the API before the fix, and the service desk's batch
    deletions (always). Works on scalars or arrays."""
    crm_api_export = (np.asarray(system) == "crm") & (np.asarray(action) == "bulk_export") & (
        np.asarray(channel) == "api") & (pd.DatetimeIndex(np.atleast_1d(performed_at)) < EXPORT_AUDIT_FIX)
    batch_delete = (np.asarray(system) == "service_desk") & (np.asarray(action) == "delete_record") & (
        np.asarray(channel) == "batch_job")
    return crm_api_export | batch_delete


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


def _approvals(rng: np.random.Generator, scale: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    days = _workdays()
    per_day = rng.poisson(8 * scale, len(days))
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


def _tickets(rng: np.random.Generator, hard: bool = False, scale: int = 1) -> pd.DataFrame:
    week_starts = pd.date_range(START, periods=WEEKS, freq="7D")
    weeks_after_price = _weeks_since(week_starts, PRICE_CHANGE)
    base_counts = rng.poisson(TICKETS_PER_WEEK * scale * (1 + 0.25 * _season(week_starts)))
    surge_size = (HARD_BILLING_SURGE_PER_WEEK if hard else BILLING_SURGE_PER_WEEK) * scale
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
        mean_hours = mean_hours * (1 + HARD_QUEUE_ELASTICITY * (volume / (TICKETS_PER_WEEK * scale) - 1))
    mean_hours = mean_hours + np.where(opened >= SERVICE_CHANGE, SERVICE_EFFECT_HOURS, 0.0)
    shape = 4.0  # gamma noise keeps hours positive and the mean exact
    tickets["resolution_hours"] = np.round(rng.gamma(shape, mean_hours / shape), 2)
    tickets["channel"] = rng.choice(["email", "chat", "phone"], len(tickets), p=[0.4, 0.45, 0.15])
    tickets["opened_on"] = opened.strftime("%Y-%m-%d")
    tickets.insert(0, "ticket_id", [f"S{i:06d}" for i in range(1, len(tickets) + 1)])
    return tickets[["ticket_id", "opened_on", "category", "channel", "resolution_hours"]]


# Service-desk measures the ITIL way and internal users' experience (issue 15). Every draw comes from its own
# generators ([seed, 9] for the ticket fields, [seed, 10] for approval returns, [seed, 11] for the survey), so
# no earlier column changes by a byte.
SLA_DUE_HOURS = {"how_to": 18.0, "bug": 36.0, "account": 14.0, "billing": 20.0}  # resolution target by category
SERVICE_FCR_BEFORE = {"how_to": 0.62, "bug": 0.30, "account": 0.58, "billing": 0.45}  # share resolved at first contact
SERVICE_FCR_LIFT = 0.12  # agent console: first-contact resolution up by 12 points in every category
SERVICE_REOPEN_BEFORE = 0.10  # share of tickets reopened after being marked resolved
SERVICE_REOPEN_AFTER = 0.06
SERVICE_HANDLE_MEDIAN_MINUTES_BEFORE = 24.0  # agent minutes on a ticket, all contacts together
SERVICE_HANDLE_MEDIAN_MINUTES_AFTER = 18.0
SERVICE_HANDLE_SIGMA = 0.5
CSAT_RESPONSE_SHARE = 0.3  # customers who answer the one-question satisfaction survey (1 to 5)
APPROVAL_RETURN_BEFORE = 0.20  # share of requests sent back to the requester for correction
APPROVAL_RETURN_AFTER = 0.08  # the rules engine checks the form at submission
APPROVAL_REWORK_MEDIAN_MINUTES = 25.0  # requester minutes to correct and resubmit a returned request
APPROVAL_RETURN_REASONS = {"missing_document": 0.5, "wrong_amount": 0.3, "wrong_request_type": 0.2}
SURVEY_MONTHS = (2, 5, 8, 11)  # a quarterly pulse survey opens on the 15th (next weekday) of these months
SURVEY_RESPONSE_SHARE = 0.7
SURVEY_ITEM_SD = 1.2  # 1-to-7 items: a normal around the system's mean, rounded and kept in 1..7
# (system, change that moves it, jobs asked, UMUX-Lite item mean before/after, CES mean before/after)
SURVEY_SYSTEMS = (
    ("approvals", "approval_rules_engine", ("sales_rep", "team_lead"), 4.3, 5.4, 3.8, 5.2),
    ("service_desk", "agent_console", ("service_agent",), 4.6, 5.5, 4.2, 5.1),
)


def expected_item(mean: float, sd: float = SURVEY_ITEM_SD) -> float:
    """Expected value of a 1-to-7 item drawn as a normal around `mean`, rounded and kept within 1..7."""
    cuts = stats.norm.cdf((np.arange(1.5, 7.0, 1.0) - mean) / sd)
    probabilities = np.diff(np.concatenate([[0.0], cuts, [1.0]]))
    return float(probabilities @ np.arange(1, 8))


def umux_lite_expected(mean: float) -> float:
    """Expected UMUX-Lite score (0 to 100) of two items with the same mean."""
    return (2 * expected_item(mean) - 2) / 12 * 100


def service_desk_truths() -> dict:
    """The planted service-desk and internal-user numbers, for planted_truths.json."""
    lognormal_mean = float(np.exp(SERVICE_HANDLE_SIGMA ** 2 / 2))
    truths = {
        "service_fcr_lift_pp": SERVICE_FCR_LIFT * 100,
        "service_fcr_before_by_category": dict(SERVICE_FCR_BEFORE),
        "service_reopen_rate_before": SERVICE_REOPEN_BEFORE,
        "service_reopen_rate_after": SERVICE_REOPEN_AFTER,
        "service_handle_minutes_mean_before": round(SERVICE_HANDLE_MEDIAN_MINUTES_BEFORE * lognormal_mean, 6),
        "service_handle_minutes_mean_after": round(SERVICE_HANDLE_MEDIAN_MINUTES_AFTER * lognormal_mean, 6),
        "approval_return_rate_before": APPROVAL_RETURN_BEFORE,
        "approval_return_rate_after": APPROVAL_RETURN_AFTER,
    }
    for system, _change, _jobs, umux_before, umux_after, ces_before, ces_after in SURVEY_SYSTEMS:
        umux_change = umux_lite_expected(umux_after) - umux_lite_expected(umux_before)
        truths[f"umux_lite_change_{system}"] = round(umux_change, 6)
        truths[f"ces_change_{system}"] = round(expected_item(ces_after) - expected_item(ces_before), 6)
    return truths


def _ticket_service_fields(seed: int, tickets: pd.DataFrame) -> pd.DataFrame:
    """First-contact resolution, reopening, the SLA target, agent handle minutes and CSAT, for each ticket."""
    rng = np.random.default_rng([seed, 9])
    after = pd.DatetimeIndex(tickets["opened_on"]) >= SERVICE_CHANGE
    reopen = np.where(after, SERVICE_REOPEN_AFTER, SERVICE_REOPEN_BEFORE)
    reopened = rng.random(len(tickets)) < reopen
    fcr = tickets["category"].map(SERVICE_FCR_BEFORE).to_numpy() + np.where(after, SERVICE_FCR_LIFT, 0.0)
    # A reopened ticket was not resolved at first contact: FCR is drawn among the others, so its share is `fcr`.
    first_contact = ~reopened & (rng.random(len(tickets)) < fcr / (1 - reopen))
    median = np.where(after, SERVICE_HANDLE_MEDIAN_MINUTES_AFTER, SERVICE_HANDLE_MEDIAN_MINUTES_BEFORE)
    handle = np.round(_lognormal(rng, 1.0, SERVICE_HANDLE_SIGMA, len(tickets)) * median, 1)
    answered = rng.random(len(tickets)) < CSAT_RESPONSE_SHARE
    latent = 3.7 + 0.6 * first_contact - 1.0 * reopened + rng.normal(0.0, 0.9, len(tickets))
    csat = pd.array(np.where(answered, np.clip(np.round(latent), 1, 5), np.nan), dtype="Int64")
    return tickets.assign(first_contact_resolved=np.where(first_contact, "true", "false"),
                          reopened=np.where(reopened, "true", "false"),
                          sla_due_hours=tickets["category"].map(SLA_DUE_HOURS).to_numpy(),
                          handle_minutes=handle, csat_score=csat)


def _approval_returns(seed: int, approvals: pd.DataFrame) -> pd.DataFrame:
    """Requests sent back to the requester for correction before sign-off, with the requester's rework time."""
    rng = np.random.default_rng([seed, 10])
    after = pd.DatetimeIndex(approvals["submitted_at"]) >= APPROVAL_AUTOMATION
    returned = rng.random(len(approvals)) < np.where(after, APPROVAL_RETURN_AFTER, APPROVAL_RETURN_BEFORE)
    reasons = rng.choice(list(APPROVAL_RETURN_REASONS), len(approvals), p=list(APPROVAL_RETURN_REASONS.values()))
    minutes = np.round(_lognormal(rng, APPROVAL_REWORK_MEDIAN_MINUTES, 0.5, len(approvals)), 1)
    return pd.DataFrame({"request_id": approvals["request_id"].to_numpy()[returned],
                         "reason": reasons[returned], "rework_minutes": minutes[returned]})


def _survey_dates() -> list[pd.Timestamp]:
    dates = []
    for year in (START.year, START.year + 1):
        for month in SURVEY_MONTHS:
            day = pd.Timestamp(year=year, month=month, day=15)
            dates.append(day + pd.offsets.BDay(0))  # the next weekday if the 15th is a weekend
    return dates


def _user_survey(seed: int, staff: pd.DataFrame) -> pd.DataFrame:
    """Quarterly pulse survey of the people who must use a system: two UMUX-Lite items and the CES item."""
    rng = np.random.default_rng([seed, 11])
    hired = pd.to_datetime(staff["hired_on"])
    left = pd.to_datetime(staff["left_on"])
    rows = []
    for opens in _survey_dates():
        for system, change, jobs, umux_before, umux_after, ces_before, ces_after in SURVEY_SYSTEMS:
            go_live = {"approval_rules_engine": APPROVAL_AUTOMATION, "agent_console": SERVICE_CHANGE}[change]
            in_post = (hired <= opens) & (left.isna() | (left > opens + pd.Timedelta(days=7)))
            employed = staff[staff["job"].isin(jobs) & in_post]
            asked = employed[rng.random(len(employed)) < SURVEY_RESPONSE_SHARE]
            umux_mean, ces_mean = (umux_after, ces_after) if opens >= go_live else (umux_before, ces_before)
            means = [umux_mean, umux_mean, ces_mean]
            items = np.clip(np.round(rng.normal(means, SURVEY_ITEM_SD, (len(asked), 3))), 1, 7)
            answered = opens + pd.to_timedelta(rng.integers(0, 5, len(asked)), unit="D")
            for staff_id, day, (capable, easy, effort) in zip(asked["staff_id"], answered, items.astype(int),
                                                             strict=True):
                rows.append((staff_id, system, day.strftime("%Y-%m-%d"), capable, easy, effort))
    survey = pd.DataFrame(rows, columns=["staff_id", "system", "answered_on", "umux_capabilities", "umux_easy",
                                         "ces"])
    survey = survey.sort_values(["answered_on", "system", "staff_id"], ignore_index=True)
    survey.insert(0, "response_id", [f"U{i:05d}" for i in range(1, len(survey) + 1)])
    return survey


def _push_campaigns(rng: np.random.Generator, scale: int = 1) -> pd.DataFrame:
    days = pd.date_range(START, END, freq="D").repeat(PUSHES_PER_DAY * scale)
    automated = days >= PUSH_AUTOMATION
    median = np.where(automated, PUSH_MEDIAN_MINUTES_AUTOMATED, PUSH_MEDIAN_MINUTES_MANUAL)
    audience = np.round(180_000 * (1 + 0.3 * (days - START).days.to_numpy() / 730) * rng.uniform(0.8, 1.2, len(days)))
    open_rate = np.where(automated, PUSH_OPEN_RATE_AUTOMATED, PUSH_OPEN_RATE_MANUAL) + rng.normal(0, 0.004, len(days))
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


def _staff(rng: np.random.Generator, teams: pd.DataFrame, reps: pd.DataFrame) -> pd.DataFrame:
    """The HR roster: the reps (who stay), team leads and a sales director, and seats that turn over."""
    rows = [(rep.rep_id, "sales", "sales_rep", rep.team_id, rep.hired_on, None, "") for rep in reps.itertuples()]
    people = 0

    def next_id() -> str:
        nonlocal people
        people += 1
        return f"E{people:03d}"

    def hired_before_start() -> str:
        return (START - pd.DateOffset(months=int(rng.integers(12, 72)))).strftime("%Y-%m-%d")

    for team_id in teams["team_id"]:
        rows.append((next_id(), "sales", "team_lead", team_id, hired_before_start(), None, ""))
    rows.append((next_id(), "sales", "sales_director", None, hired_before_start(), None, ""))
    last_leaving = END - pd.Timedelta(days=14)  # nobody leaves in the last fortnight: the end count is settled
    for department, job, seats, leave_rate in STAFF_SEATS:
        for seat in range(seats):
            hired, clock = pd.Timestamp(hired_before_start()), START
            while True:
                stay_days = rng.exponential(365.25 / leave_rate) if leave_rate else np.inf
                leaves = clock + pd.Timedelta(days=int(min(stay_days, 10_000)))
                left = leaves if leaves <= last_leaving else None
                rows.append((next_id(), department, job, None, hired.strftime("%Y-%m-%d"),
                             None if left is None else left.strftime("%Y-%m-%d"), f"{job}:{seat}"))
                if left is None:
                    break
                hired = clock = left + pd.Timedelta(days=int(rng.integers(10, 41)))
                if hired > last_leaving:
                    break
    return pd.DataFrame(rows, columns=["staff_id", "department", "job", "team_id", "hired_on", "left_on", "seat"])


def _seat_systems(job: str, seat: str) -> dict[str, tuple[str, ...]]:
    """The systems and permissions a person holds: by job, and for engineers and PMs by seat."""
    if job in ACCOUNT_PLAN:
        return ACCOUNT_PLAN[job]
    index = int(seat.split(":")[1])
    if job == "engineer":  # each engineering seat administers two systems
        return {SYSTEMS[index % 4]: ("user", "admin"), SYSTEMS[(index + 1) % 4]: ("user", "admin")}
    return {SYSTEMS[index % 4]: ("user", "admin")}  # a PM administers the system they own


def _security(seed: int, teams: pd.DataFrame, reps: pd.DataFrame, approvals: pd.DataFrame,
              steps: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], dict]:
    """Roster, accounts, grants, reviews, destructive actions, audit log and approval people; and realised truths."""
    rng = np.random.default_rng([seed, 4])
    staff = _staff(rng, teams, reps)
    hired = pd.to_datetime(staff["hired_on"]).to_numpy()
    left = pd.to_datetime(staff["left_on"]).to_numpy()

    # Accounts and grants, created on the first day; offboarding disables a leaver's accounts on the last
    # working day or the next, except the ones it misses.
    accounts, grants = [], []
    for person in staff.itertuples():
        for system, permissions in _seat_systems(person.job, person.seat).items():
            accounts.append([f"U{len(accounts) + 1:04d}", person.staff_id, system, person.hired_on, person.Index])
            grants += [[len(accounts) - 1, permission, person.hired_on] for permission in permissions]
    account_person = np.array([account[4] for account in accounts])
    account_system = np.array([account[2] for account in accounts])
    disabled = np.full(len(accounts), np.datetime64("NaT"), dtype="datetime64[ns]")
    leavers = np.flatnonzero(~np.isnat(left[account_person]))
    disabled[leavers] = left[account_person[leavers]] + rng.integers(0, 2, len(leavers)).astype("timedelta64[D]")
    watched = leavers[account_system[leavers] != UNWATCHED_SYSTEM]
    missed = np.concatenate([leavers[account_system[leavers] == UNWATCHED_SYSTEM],
                             rng.choice(watched, size=min(OFFBOARDING_MISSED_ACCOUNTS, len(watched)), replace=False)])
    disabled[missed] = np.datetime64("NaT")
    grant_account = np.array([grant[0] for grant in grants])
    granted = pd.to_datetime([grant[2] for grant in grants]).to_numpy()

    # Quarterly permission reviews: each covers a planted share of each system's grants active when it opens; a
    # grant whose owner has left is revoked, and the account with it, except in the unwatched system, whose
    # reviewer keeps every grant.
    reviews = []
    owners = {system: staff.index[(staff["job"] == "product_manager")].to_numpy() for system in SYSTEMS}
    cycle = ACCESS_REVIEW_START
    while cycle < END:
        for system in SYSTEMS:
            active = (granted <= np.datetime64(cycle)) & (account_system[grant_account] == system)
            active &= np.isnat(disabled[grant_account]) | (disabled[grant_account] > np.datetime64(cycle))
            scope = np.flatnonzero(active)
            chosen = np.sort(rng.choice(scope, size=int(round(REVIEW_COVERAGE[system] * len(scope))), replace=False))
            day_of = {account: cycle + pd.Timedelta(days=int(rng.integers(0, ACCESS_REVIEW_DAYS)))
                      for account in np.unique(grant_account[chosen])}
            for grant in chosen:
                account = grant_account[grant]
                when = day_of[account]
                person = account_person[account]
                gone = not np.isnat(left[person]) and left[person] < np.datetime64(when) and system != UNWATCHED_SYSTEM
                employed = [pm for pm in owners[system] if pm != person and hired[pm] <= np.datetime64(when)
                            and (np.isnat(left[pm]) or left[pm] >= np.datetime64(when))]
                reviewer = staff.at[employed[int(rng.integers(0, len(employed)))], "staff_id"]
                reviews.append((f"G{grant + 1:04d}", when, reviewer, "revoke" if gone else "keep"))
                if gone and np.isnat(disabled[account]):
                    disabled[account] = np.datetime64(when)
        cycle = cycle + pd.DateOffset(months=ACCESS_REVIEW_EVERY_MONTHS)
    grant_revoked = disabled[grant_account]

    accounts_frame = pd.DataFrame({
        "account_id": [account[0] for account in accounts],
        "staff_id": [account[1] for account in accounts],
        "system": account_system,
        "created_on": [account[3] for account in accounts],
        "disabled_on": pd.DatetimeIndex(disabled).strftime("%Y-%m-%d"),
    })
    grants_frame = pd.DataFrame({
        "grant_id": [f"G{i + 1:04d}" for i in range(len(grants))],
        "account_id": accounts_frame["account_id"].to_numpy()[grant_account],
        "permission": [grant[1] for grant in grants],
        "granted_on": [grant[2] for grant in grants],
        "revoked_on": pd.DatetimeIndex(grant_revoked).strftime("%Y-%m-%d"),
    })
    reviews_frame = pd.DataFrame(reviews, columns=["grant_id", "reviewed_on", "reviewer_id", "decision"])
    reviews_frame = reviews_frame.sort_values(["reviewed_on", "grant_id"], ignore_index=True)
    reviews_frame["reviewed_on"] = reviews_frame["reviewed_on"].dt.strftime("%Y-%m-%d")

    # Destructive actions, each by an account that holds the permission, is active and whose owner is employed.
    has = {permission: np.zeros(len(accounts), dtype=bool) for permission in ("user", "export", "admin")}
    for account, permission, _day in grants:
        if permission in has:
            has[permission][account] = True
    created = pd.to_datetime(accounts_frame["created_on"]).to_numpy()
    actions = []
    for day in _workdays():
        today = np.datetime64(day)
        usable = (created <= today) & (np.isnat(disabled) | (disabled > today))
        usable &= np.isnat(left[account_person]) | (left[account_person] >= today)
        for system, action, rate, permission, channel_shares in DESTRUCTIVE_ACTION_RATES:
            count = rng.poisson(rate)
            candidates = np.flatnonzero(usable & (account_system == system) & has[permission])
            for _ in range(count if len(candidates) else 0):
                channel = ACTION_CHANNELS[rng.choice(3, p=channel_shares)]
                start_minute = 2 * 60 if channel == "batch_job" else 9 * 60
                minute = start_minute + int(rng.integers(0, 60 if channel == "batch_job" else 10 * 60))
                account = candidates[int(rng.integers(0, len(candidates)))]
                actions.append((account, system, action, channel, day + pd.Timedelta(minutes=minute)))
    actions_frame = pd.DataFrame(actions, columns=["account", "system", "action", "channel", "performed_at"])
    actions_frame = actions_frame.sort_values(["performed_at", "account"], kind="stable", ignore_index=True)
    actions_frame.insert(0, "action_id", [f"X{i:05d}" for i in range(1, len(actions_frame) + 1)])
    actions_frame["account_id"] = accounts_frame["account_id"].to_numpy()[actions_frame["account"]]
    logged = ~unlogged_path(actions_frame["system"], actions_frame["action"], actions_frame["channel"],
                            actions_frame["performed_at"])
    audit = actions_frame.loc[logged, ["action_id", "performed_at"]].copy()
    audit["logged_at"] = (audit["performed_at"] + pd.to_timedelta(rng.integers(0, 3, len(audit)), unit="s")
                          ).dt.strftime("%Y-%m-%dT%H:%M:%S")
    actions_frame["performed_at"] = actions_frame["performed_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")

    # The people behind each approval: a rep submits (a team lead, now and then, for their own deal), the
    # submitter's team lead signs the first step, a finance approver and a legal counsel the others. Before the
    # rules engine, a team lead's own request went to the sales director; the engine routes it to the
    # submitter's team lead, the submitter. During LEGAL_COVER one finance approver signs for legal too.
    submitted = pd.to_datetime(approvals["submitted_at"]).to_numpy()
    leads_of = dict(zip(staff.loc[staff["job"] == "team_lead", "team_id"],
                        staff.loc[staff["job"] == "team_lead", "staff_id"], strict=True))
    director = staff.loc[staff["job"] == "sales_director", "staff_id"].iloc[0]
    rep_team = dict(zip(reps["rep_id"], reps["team_id"], strict=True))
    by_lead = rng.random(len(approvals)) < LEAD_REQUEST_SHARE
    lead_team = teams["team_id"].to_numpy()[rng.integers(0, len(teams), len(approvals))]
    rep_pick = reps["rep_id"].to_numpy()[rng.integers(0, len(reps), len(approvals))]
    requester = np.where(by_lead, [leads_of[team] for team in lead_team], rep_pick)
    team_of = np.where(by_lead, lead_team, [rep_team[rep] for rep in rep_pick])

    def employed(job: str, when: np.datetime64) -> np.ndarray:
        mask = (staff["job"] == job).to_numpy() & (hired <= when) & (np.isnat(left) | (left >= when))
        return staff["staff_id"].to_numpy()[mask]

    cover_from, cover_to = np.datetime64(LEGAL_COVER[0]), np.datetime64(LEGAL_COVER[1])
    cover = next(person for person in employed("finance_approver", cover_from)
                 if person in set(employed("finance_approver", cover_to)))
    position = dict(zip(approvals["request_id"], range(len(approvals)), strict=True))
    signers = []
    for request_id, step, role in zip(steps["request_id"], steps["step"], steps["approver_role"], strict=True):
        i = position[request_id]
        when = submitted[i]
        in_cover = cover_from <= when < cover_to
        if role == "team_lead":
            signer = (director if by_lead[i] and when < np.datetime64(APPROVAL_AUTOMATION) else leads_of[team_of[i]])
        elif in_cover:
            signer = cover
        else:
            pool = employed("finance_approver" if role == "finance" else "legal_counsel", when)
            signer = pool[int(rng.integers(0, len(pool)))]
        signers.append((request_id, step, signer))
    requesters = pd.DataFrame({"request_id": approvals["request_id"], "requested_by": requester})
    signers_frame = pd.DataFrame(signers, columns=["request_id", "step", "signed_by"])

    end = np.datetime64(END)
    orphaned_at_end = (~np.isnat(left[account_person])) & (left[account_person] < end) & (
        np.isnat(disabled) | (disabled > end))
    truths = {
        "orphaned_accounts_at_end": int(orphaned_at_end.sum()),
        "orphans_revoked_by_review": int((~np.isnat(disabled[missed])).sum()),
        "unlogged_destructive_actions": int((~logged).sum()),
        "destructive_actions": len(actions_frame),
        "sod_self_approvals": int((by_lead & (submitted >= np.datetime64(APPROVAL_AUTOMATION))).sum()),
        "sod_double_signatures": int(((submitted >= cover_from) & (submitted < cover_to)).sum()),
    }
    tables = {
        "staff": staff.drop(columns="seat"),
        "accounts": accounts_frame,
        "access_grants": grants_frame,
        "access_reviews": reviews_frame,
        "destructive_actions": actions_frame[["action_id", "account_id", "action", "channel", "performed_at"]],
        "audit_log": audit[["action_id", "logged_at"]].reset_index(drop=True),
        "approval_requesters": requesters,
        "approval_signers": signers_frame,
    }
    return tables, truths


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


def realised_truths(seed: int = DEFAULT_SEED) -> dict:
    """The counts the middle-office and security tables were built to contain, straight from the generator.

    Rebuilds only what those tables depend on (reps and approvals come first in the main generator's order).
    """
    rng = np.random.default_rng(seed)
    teams = _sales_teams()
    reps = _sales_reps(rng)
    approvals, steps = _approvals(rng)
    return {**_middle_office(seed)[1], **_security(seed, teams, reps, approvals, steps)[1]}


def _changes() -> pd.DataFrame:
    """The change log: every company-wide change with its go-live (the staged CRM rollout is per team)."""
    return pd.DataFrame(
        [("approval_rules_engine", "approvals", APPROVAL_AUTOMATION,
          "Rules engine: routine requests need one sign-off instead of three"),
         ("agent_console", "service_desk", SERVICE_CHANGE, "Agent console with suggested answers"),
         ("price_rise", "pricing", PRICE_CHANGE, f"List price per seat from {PRICE_BEFORE:g} to {PRICE_AFTER:g} CNY"),
         ("push_automation", "content", PUSH_AUTOMATION, "An automated strategy picks push content"),
         ("customer_record_service", "middle_office", SHARED_SERVICE_LIVE,
          "Shared customer-record service live for front offices; usage shown back to each consumer monthly"),
         ("service_chargeback", "middle_office", CHARGEBACK_START,
          "Customer-record service charged back to its consumers by usage"),
         ("quarterly_access_review", "security", ACCESS_REVIEW_START,
          "Quarterly permission review of every grant in the back-office systems"),
         ("export_audit_logging", "crm", EXPORT_AUDIT_FIX, "CRM exports through the API write an audit record")],
        columns=["change_id", "system", "go_live", "description"],
    )


def generate(seed: int = DEFAULT_SEED, hard: bool = False, scale: int = 1) -> dict[str, pd.DataFrame]:
    """Build every table of the sample company, ready to write as CSV.

    ``hard=True`` plants the effects under conditions that break the methods' comfortable assumptions
    (see the HARD_* constants and the data dictionary it writes). Its extra randomness comes from a
    second generator, so the default data never changes. ``scale=k`` makes a company k times the size, for
    benchmarks: k times the reps in each of the same six teams (so k times the leads and usage), approvals,
    pushes, tickets and customers, with the same planted effects; it leaves out the middle-office and
    security tables, which neither the value report nor the metric layer reads, the internal-user tables
    (approval returns, the user survey), whose part of the value report is then left out, and the routing
    experiment.
    """
    rng = np.random.default_rng(seed)
    hard_rng = np.random.default_rng([seed, 1]) if hard else None
    teams = _sales_teams()
    reps = _sales_reps(rng, scale)
    approvals, approval_steps = _approvals(rng, scale)
    items = _rubric_items()
    leads = _leads(rng, teams, reps, hard_rng)
    middle_office, security = {}, {}
    if scale == 1:  # a scaled company is for benchmarks of the report and the metric layer, which read neither
        middle_office, _ = _middle_office(seed)  # their own generators: the tables above do not change
        security, _ = _security(seed, teams, reps, approvals, approval_steps)
        internal_users = {"approval_returns": _approval_returns(seed, approvals),
                          "user_survey": _user_survey(seed, security["staff"])}
    else:
        internal_users = {}
    return {
        "sales_teams": teams,
        "sales_reps": reps,
        "leads": leads,
        "usage_events": _usage_events(rng, teams, reps),
        "approvals": approvals,
        "approval_steps": approval_steps,
        "tickets": _ticket_service_fields(seed, _tickets(rng, hard, scale)),
        "push_campaigns": _push_campaigns(rng, scale),
        "customers_monthly": _customers_monthly(rng, leads, scale),
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
        **middle_office,
        **security,
        **internal_users,
        **({"routing_experiment": _routing_experiment(seed, teams, reps, leads)} if scale == 1 else {}),
    }
