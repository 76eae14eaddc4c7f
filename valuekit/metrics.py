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


def touch_hours_by_month(approvals: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """Per month of submission: requests, sign-offs and approver hours spent (touch time)."""
    columns = ["requests", "sign_offs", "touch_hours"]
    if approvals.empty:
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="month"), dtype=float)
    month = approvals.set_index("request_id")["submitted_at"].dt.to_period("M").dt.to_timestamp()
    by_month = steps.assign(month=steps["request_id"].map(month)).groupby("month").agg(
        sign_offs=("step", "size"), touch_hours=("touch_minutes", lambda minutes: minutes.sum() / 60))
    requests = month.value_counts().rename("requests")
    result = by_month.join(requests, how="outer").fillna(0)
    result.index.name = "month"
    return result[columns]


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


def fte(hours: float | pd.Series, hours_per_fte_month: float = HOURS_PER_FTE_MONTH) -> float | pd.Series:
    """Full-time equivalents that a number of hours per month represents."""
    if hours_per_fte_month <= 0:
        raise ValueError("hours_per_fte_month must be positive")
    return hours / hours_per_fte_month


def weekly_adoption(usage: pd.DataFrame, reps: pd.DataFrame, teams: pd.DataFrame, module: str) -> pd.DataFrame:
    """Share of each treated team's reps using `module` in each week since their team's rollout."""
    rollout = reps.merge(teams, on="team_id").set_index("rep_id")["crm_rollout_date"]
    team_size = reps.groupby("team_id")["rep_id"].nunique()
    used = usage[usage["module"] == module].assign(
        team_id=lambda d: d["user_id"].map(reps.set_index("rep_id")["team_id"]),
        week=lambda d: (d["event_date"] - d["user_id"].map(rollout)).dt.days // 7,
    )
    used = used[used["week"] >= 0]
    active = used.groupby(["team_id", "week"])["user_id"].nunique().rename("active_reps").reset_index()
    active["share"] = active["active_reps"] / active["team_id"].map(team_size).astype("float64")
    return active


def active_users(usage: pd.DataFrame, module: str | None = None) -> pd.DataFrame:
    """Per workday: daily active users, trailing-7-day weekly active users, and their ratio (stickiness)."""
    events = usage if module is None else usage[usage["module"] == module]
    if events.empty:
        return pd.DataFrame(columns=["dau", "wau", "stickiness"], index=pd.DatetimeIndex([], name="event_date"))
    days = pd.date_range(events["event_date"].min(), events["event_date"].max(), freq="D")
    user_days = events[["event_date", "user_id"]].drop_duplicates()
    # A user active on day d counts in the trailing-7-day WAU of days d to d + 6.
    week_of = pd.concat([user_days.assign(event_date=user_days["event_date"] + pd.Timedelta(days=lag))
                         for lag in range(7)]).drop_duplicates()
    frame = pd.DataFrame({
        "dau": user_days.groupby("event_date")["user_id"].nunique().reindex(days, fill_value=0),
        "wau": week_of.groupby("event_date")["user_id"].nunique().reindex(days, fill_value=0),
    })
    frame["stickiness"] = frame["dau"] / frame["wau"].replace(0, np.nan)
    frame.index.name = "event_date"
    return frame[frame.index.day_of_week < 5]


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
