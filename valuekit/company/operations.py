"""Operations: approvals, service-desk tickets, push campaigns, wages, vendors' prices and project costs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocabulary import APPROVER_ROLES
from .common import END, START, WEEKS, _lognormal, _season, _second_harmonic, _weeks_since, _workdays
from .sales import PRICE_CHANGE

APPROVAL_AUTOMATION = pd.Timestamp("2024-02-05")
APPROVAL_MEDIAN_HOURS_BEFORE = 36.0
APPROVAL_MEDIAN_HOURS_AFTER = 18.0
APPROVERS_BEFORE = APPROVER_ROLES  # the contract's roles, in chain order
APPROVERS_AFTER = ("team_lead",)
APPROVAL_TOUCH_MEDIAN_MINUTES = 12.0

SERVICE_CHANGE = pd.Timestamp("2024-04-01")  # agent console with suggested answers


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


HARD_BILLING_HOURS = 30.0  # billing tickets are much slower than the rest
HARD_BILLING_SURGE_PER_WEEK = 90
HARD_SERVICE_SECOND_HARMONIC_HOURS = 1.5
HARD_QUEUE_ELASTICITY = 0.6  # resolution time rises by this share of the relative excess in weekly volume


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
