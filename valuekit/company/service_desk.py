"""Service-desk measures (SLA, first-contact resolution, reopens, handle time, CSAT), approval returns and
the internal users' survey."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .common import START, _lognormal
from .operations import APPROVAL_AUTOMATION, SERVICE_CHANGE

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
