"""Metric calculations shared by Part III's notebooks and the value report.

Each function takes the loader's DataFrames, keeps its formula short enough to read, and behaves on empty
input (empty results or NaN, never an exception).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .vocabulary import ATTRIBUTION_STRENGTHS, METRIC_TYPES

# A full-time month by the Chinese payroll convention (月计薪天数): 21.75 paid days of 8 hours, 174 hours. The
# book uses it for every FTE figure; pass `hours_per_fte_month` to `fte` for another convention.
WORKDAYS_PER_MONTH = 21.75
HOURS_PER_WORKDAY = 8
HOURS_PER_FTE_MONTH = WORKDAYS_PER_MONTH * HOURS_PER_WORKDAY


def in_period(frame: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    """Rows of `frame` whose `column` falls from `start` up to, not including, `end`.

    The one period filter: a review year, the weeks before a plan date, a report's twelve months. Half-open,
    so back-to-back periods share no day and a period ending at midnight leaves that day out.
    """
    dates = frame[column]
    return frame[(dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end))]


def cycle_hours(approvals: pd.DataFrame) -> pd.Series:
    """Hours from submission to final sign-off, one value per request."""
    return (approvals["completed_at"] - approvals["submitted_at"]).dt.total_seconds() / 3600


class HoursFreed(NamedTuple):
    """Approver hours before and after a change, and the hours freed (before minus after)."""

    before: float
    after: float
    freed: float


def _before_and_after(by_month: pd.DataFrame, change: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The months of `by_month` wholly before and wholly after the month of `change` (that month is mixed)."""
    change_month = pd.Timestamp(change).to_period("M").to_timestamp()
    return by_month[by_month.index < change_month], by_month[by_month.index > change_month]


def monthly_hours_freed(by_month: pd.DataFrame, change: pd.Timestamp) -> HoursFreed:
    """Mean approver touch hours per month before a change and after it, leaving out the month of the change.

    `by_month` is the metric layer's :meth:`~valuekit.warehouse.MetricLayer.touch_hours_by_month`.

    ``freed`` is the capacity the team gets back each month, so a change in the number of requests counts in
    it too; :func:`hours_freed_per_request` holds the volume out.
    """
    before, after = (float(months["touch_hours"].mean()) for months in _before_and_after(by_month, change))
    return HoursFreed(before, after, before - after)


def hours_freed_per_request(by_month: pd.DataFrame, change: pd.Timestamp) -> HoursFreed:
    """Approver touch hours per request before and after a change, leaving out the month of the change.

    Unlike :func:`monthly_hours_freed`, which compares the hours spent per month and so counts a change in
    the number of requests as hours freed (or lost), this holds the volume out: multiply ``freed`` by a
    period's requests to price that period's work. Use it when the volume moved or when valuing a given
    period; use the monthly difference for the capacity a team gets back at the volume it had.
    """
    before, after = (_hours_per_request(months) for months in _before_and_after(by_month, change))
    return HoursFreed(before, after, before - after)


def _hours_per_request(months: pd.DataFrame) -> float:
    requests = months["requests"].sum()
    return float(months["touch_hours"].sum() / requests) if requests else float("nan")


def weekly_reach(events: pd.DataFrame, population: int) -> float:
    """Share of a population of `population` users who have an event in a week, averaged over the weeks that
    have any events (0 when none has): weekly adoption of a module, or the weekly reach of reports."""
    weekly_users = events.groupby(events["event_date"].dt.to_period("W"))["user_id"].nunique()
    return float(weekly_users.mean() / population) if len(weekly_users) else 0.0


def prep_time_saving(pushes: pd.DataFrame) -> pd.Series:
    """Staff preparation time per push, manual versus automated, and the hours saved per month at the
    automated push volume (mean minutes, because cost is a total: mean x count)."""
    manual = pushes[pushes["mode"] == "manual"]
    automated = pushes[pushes["mode"] == "automated"]
    months_live = automated["sent_on"].dt.to_period("M").nunique()
    saving = pd.Series({
        "minutes per push, manual": manual["prep_minutes"].mean(),
        "minutes per push, automated (review only)": automated["prep_minutes"].mean(),
        "pushes per month": len(automated) / months_live if months_live else 0.0,
    })
    saving["staff hours saved per month"] = saving["pushes per month"] * (
        saving["minutes per push, manual"] - saving["minutes per push, automated (review only)"]) / 60
    return saving


def duration_text(hours: float) -> str:
    """A duration in the unit that keeps its precision: minutes under an hour, hours under three days (one
    decimal under ten hours), days beyond. A median of five minutes is "5 min", never "0 h"."""
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 10:
        return f"{hours:.1f} h"
    if hours < 72:
        return f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"


def fte(hours: float | pd.Series, hours_per_fte_month: float = HOURS_PER_FTE_MONTH) -> float | pd.Series:
    """Full-time equivalents that a number of hours per month represents."""
    if hours_per_fte_month <= 0:
        raise ValueError("hours_per_fte_month must be positive")
    return hours / hours_per_fte_month


METRIC_CARD_FIELDS = (
    "name", "definition", "formula", "metric_type", "attribution_strength", "owner", "data_source", "cadence",
    "target", "baseline",
)


def metric_cards(cards: list[dict]) -> pd.DataFrame:
    """Metric cards as a table, checked against the template's fields and the taxonomy's vocabulary."""
    table = pd.DataFrame(cards, columns=list(METRIC_CARD_FIELDS))
    if table[list(METRIC_CARD_FIELDS[:-1])].isna().any().any():
        missing = table.columns[table.isna().any()].tolist()
        raise ValueError(f"metric cards are missing values in: {', '.join(missing)}")
    unknown_types = set(table["metric_type"]) - set(METRIC_TYPES)
    unknown_strengths = set(table["attribution_strength"]) - set(ATTRIBUTION_STRENGTHS)
    if unknown_types or unknown_strengths:
        raise ValueError(f"unknown metric type or strength: {sorted(unknown_types | unknown_strengths)}")
    return table


# --- The service desk, the ITIL way ----------------------------------------------------------------------

def sla_met(tickets: pd.DataFrame) -> pd.Series:
    """Whether each ticket was resolved within its service-level target (``resolution_hours <= sla_due_hours``)."""
    return tickets["resolution_hours"] <= tickets["sla_due_hours"]


def service_desk_measures(tickets: pd.DataFrame, hourly_wage: float | None = None) -> pd.Series:
    """The desk's service measures over a set of tickets, as shares (0 to 1), hours, minutes and CNY.

    First-contact resolution, SLA attainment and reopen rate are shares of tickets; CSAT is the mean score of
    the tickets whose customer answered, and the share of those answers at 4 or 5; cost per contact is
    the mean agent minutes per ticket priced at `hourly_wage` (left out without one). NaN on no tickets.
    """
    answered = tickets["csat_score"].dropna().astype("float64")
    measures = pd.Series({
        "tickets": float(len(tickets)),
        "first_contact_resolution": float(tickets["first_contact_resolved"].mean()) if len(tickets) else np.nan,
        "sla_attainment": float(sla_met(tickets).mean()) if len(tickets) else np.nan,
        "reopen_rate": float(tickets["reopened"].mean()) if len(tickets) else np.nan,
        "mean_resolution_hours": float(tickets["resolution_hours"].mean()) if len(tickets) else np.nan,
        "mean_handle_minutes": float(tickets["handle_minutes"].mean()) if len(tickets) else np.nan,
        "csat_mean": float(answered.mean()) if len(answered) else np.nan,
        "csat_satisfied_share": float((answered >= 4).mean()) if len(answered) else np.nan,
    })
    if hourly_wage is not None:
        measures["cost_per_contact_cny"] = measures["mean_handle_minutes"] / 60 * hourly_wage
    return measures


def daily_backlog(tickets: pd.DataFrame, opened_hour: float = 12.0) -> pd.DataFrame:
    """The backlog through each day: tickets open, their mean age in hours and the share past their SLA target.

    Each is an average over the day's 24 hourly snapshots, so the mean backlog is the time average that
    Little's law speaks of. ``opened_on`` is a day without a time, so each ticket is taken to open at
    `opened_hour` o'clock and to close ``resolution_hours`` later. Days run from the first ticket's day to
    the last's.
    """
    columns = ["open_tickets", "mean_age_hours", "overdue_share"]
    if tickets.empty:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="day"), dtype=float)
    origin = tickets["opened_on"].min()
    opened = ((tickets["opened_on"] - origin).dt.days.to_numpy() * 24 + opened_hour).astype(float)
    closed = opened + tickets["resolution_hours"].to_numpy(dtype=float)
    due = opened + tickets["sla_due_hours"].to_numpy(dtype=float)
    days = pd.date_range(origin, tickets["opened_on"].max(), freq="D", name="day")
    hours = np.arange(len(days) * 24, dtype=float) + 0.5  # the middle of each hour
    by_closing = np.argsort(closed, kind="stable")
    opened_sorted, closed_sorted = np.sort(opened), closed[by_closing]
    n_opened = np.searchsorted(opened_sorted, hours, side="right")
    n_closed = np.searchsorted(closed_sorted, hours, side="right")
    sum_opened = np.concatenate([[0.0], np.cumsum(opened_sorted)])[n_opened]
    sum_opened_closed = np.concatenate([[0.0], np.cumsum(opened[by_closing])])[n_closed]
    open_now = (n_opened - n_closed).astype(float)
    ages = open_now * hours - (sum_opened - sum_opened_closed)  # total age of the tickets open at each hour
    # Open and past due: due before now and not yet closed.
    overdue = (np.searchsorted(np.sort(due), hours, side="right")
               - np.searchsorted(np.sort(np.maximum(due, closed)), hours, side="right")).astype(float)
    per_day = pd.DataFrame({"open": open_now, "ages": ages, "overdue": overdue}).groupby(
        np.arange(len(hours)) // 24).sum()
    ticket_hours = per_day["open"].where(per_day["open"] > 0)  # NaN on a day with nothing open
    frame = pd.DataFrame({"open_tickets": per_day["open"].to_numpy() / 24,
                          "mean_age_hours": (per_day["ages"] / ticket_hours).to_numpy(),
                          "overdue_share": (per_day["overdue"] / ticket_hours).to_numpy()}, index=days)
    return frame[columns]


def littles_law(tickets: pd.DataFrame, backlog: pd.DataFrame, trim_days: int = 14) -> pd.Series:
    """Little's law on the desk: mean backlog L against arrival rate λ (tickets a day) × time in system W (days).

    The first and last `trim_days` days are left out of every term: the backlog starts empty and tickets
    opened near the end are still open, so the edges break the steady state the law describes.
    """
    first, last = backlog.index.min() + pd.Timedelta(days=trim_days), backlog.index.max() - pd.Timedelta(days=trim_days)
    inside = tickets[(tickets["opened_on"] >= first) & (tickets["opened_on"] <= last)]
    days = (last - first).days + 1
    arrival = len(inside) / days
    time_in_system = float(inside["resolution_hours"].mean()) / 24
    return pd.Series({"arrivals_per_day": arrival, "days_in_system": time_in_system,
                      "predicted_backlog": arrival * time_in_system,
                      "observed_backlog": float(backlog.loc[first:last, "open_tickets"].mean())})


# --- Internal users: HEART for mandated tools -------------------------------------------------------------

def umux_lite(survey: pd.DataFrame) -> pd.Series:
    """UMUX-Lite score of each response, 0 to 100: the two 1-to-7 items, less 2, over 12 (Lewis et al. 2013)."""
    return (survey["umux_capabilities"].astype("float64") + survey["umux_easy"].astype("float64") - 2) / 12 * 100


def survey_by_wave(survey: pd.DataFrame) -> pd.DataFrame:
    """Per system and survey wave (the calendar quarter of the answer): responses, mean UMUX-Lite and mean CES."""
    columns = ["responses", "umux_lite", "ces"]
    if survey.empty:
        return pd.DataFrame(columns=["system", "wave", *columns])
    scored = survey.assign(umux_lite=umux_lite(survey), ces=survey["ces"].astype("float64"),
                           wave=survey["answered_on"].dt.to_period("Q").dt.start_time)
    return scored.groupby(["system", "wave"], as_index=False).agg(
        responses=("response_id", "size"), umux_lite=("umux_lite", "mean"), ces=("ces", "mean"))


def return_rate_by_month(approvals: pd.DataFrame, returns: pd.DataFrame) -> pd.DataFrame:
    """Per month of submission: requests, requests sent back for correction, the return rate and rework hours."""
    columns = ["requests", "returned", "return_rate", "rework_hours"]
    if approvals.empty:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="month"), dtype=float)
    rework = returns.set_index("request_id")["rework_minutes"]
    frame = approvals.assign(month=approvals["submitted_at"].dt.to_period("M").dt.to_timestamp(),
                             returned=approvals["request_id"].isin(rework.index).astype(float),
                             rework_hours=approvals["request_id"].map(rework).fillna(0.0).astype(float) / 60)
    by_month = frame.groupby("month").agg(requests=("request_id", "size"), returned=("returned", "sum"),
                                          rework_hours=("rework_hours", "sum"))
    by_month["return_rate"] = by_month["returned"] / by_month["requests"]
    return by_month[columns]


def monthly_churn_rate(customers_monthly: pd.DataFrame) -> pd.DataFrame:
    """Per month: customers at the start (end minus new plus churned), churned, and churn as a share of the start."""
    start = customers_monthly["active_customers"] - customers_monthly["new_customers"] + customers_monthly[
        "churned_customers"]
    return pd.DataFrame({"month": customers_monthly["month"], "customers_at_start": start,
                         "churned": customers_monthly["churned_customers"],
                         "churn_rate": customers_monthly["churned_customers"] / start}).reset_index(drop=True)


# --- Metric trees and OKRs ------------------------------------------------------------------------------

def rep_week_inputs(leads: pd.DataFrame) -> pd.DataFrame:
    """The CRM's input metrics per rep and week, next to the outcome: leads worked, won, conversion (%), the share
    of the leads scored (worked after the rep's team got lead scoring) and the shares from referrals and outbound.

    `leads` carries each lead's ``team_id`` and ``crm_rollout_date`` (``attribution.leads_with_teams``). Weeks are
    counted from the Monday of the first lead's week.
    """
    columns = ["rep_id", "team_id", "week", "leads", "won", "rate", "scored_share", "referral_share", "outbound_share"]
    if leads.empty:
        return pd.DataFrame(columns=columns)
    first = leads["created_on"].min()
    start = first - pd.Timedelta(days=first.weekday())
    frame = leads.assign(week=(leads["created_on"] - start).dt.days // 7,
                         scored=(leads["created_on"] >= leads["crm_rollout_date"]).astype(float),
                         referral=(leads["source"] == "referral").astype(float),
                         outbound=(leads["source"] == "outbound").astype(float),
                         won=leads["converted"].astype(float))
    panel = frame.groupby(["rep_id", "team_id", "week"], as_index=False).agg(
        leads=("lead_id", "size"), won=("won", "sum"), scored_share=("scored", "mean"),
        referral_share=("referral", "mean"), outbound_share=("outbound", "mean"))
    panel["rate"] = panel["won"] / panel["leads"] * 100
    return panel[columns]


def target_from_baseline(baseline: float, gain: float, cap: float | None = None) -> float:
    """A key result's target: the baseline times (1 + gain), at most `cap` (100% for a share, say)."""
    target = baseline * (1 + gain)
    return min(target, cap) if cap is not None else target


def target_from_history(history: pd.Series, percentile: float) -> float:
    """A key result's target: the `percentile` (0 to 100) of past performance, e.g. the 75th of rep-weeks."""
    values = pd.to_numeric(history).dropna()
    return float(np.percentile(values, percentile)) if len(values) else float("nan")
