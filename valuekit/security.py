"""Security as measurable quality: the four numbers an access audit asks for, from the contract's tables.

- **Permission-review coverage**: of the grants active when a review cycle opens, the share an accountable
  owner signed off (kept or revoked) before the cycle closed, and the share revoked.
- **Orphaned accounts**: accounts still active whose owner left more than a grace period ago.
- **Audit-log coverage of destructive actions**: the share of destructive actions, as the systems recorded
  them, that have a record in the audit log.
- **Segregation-of-duties violations in approvals**: requests signed by their own submitter, or with one
  person signing two steps.

A date column marks a state that holds from its day on: an account is active on day *d* if it was created on
or before *d* and not disabled on or before *d*. Part I's security notebook shows the steps inline.
"""

from __future__ import annotations

import pandas as pd


def active_on(start: pd.Series, end: pd.Series, day: pd.Timestamp) -> pd.Series:
    """True where a state that began on `start` and ended on `end` (empty: still on) holds on `day`."""
    return (start <= day) & (end.isna() | (end > day))


def review_cycles(first: pd.Timestamp, until: pd.Timestamp, every_months: int = 3) -> list[pd.Timestamp]:
    """Opening days of the review cycles: `first`, then every `every_months` months, up to `until`."""
    openings, opening = [], pd.Timestamp(first)
    while opening <= until:
        openings.append(opening)
        opening = opening + pd.DateOffset(months=every_months)
    return openings


def review_coverage(accounts: pd.DataFrame, grants: pd.DataFrame, reviews: pd.DataFrame, openings,
                    cycle_days: int = 28) -> pd.DataFrame:
    """Per review cycle and system: grants in scope (active when the cycle opened), reviewed, revoked, and rates.

    A grant counts as reviewed if it has a decision dated within `cycle_days` days of the opening. Coverage is
    reviewed / in scope; the revocation rate is revoked / reviewed (a review that never revokes is suspect).
    """
    grants = grants.merge(accounts[["account_id", "system"]], on="account_id")
    rows = []
    for opening in openings:
        closing = opening + pd.Timedelta(days=cycle_days)
        scope = grants[active_on(grants["granted_on"], grants["revoked_on"], opening)]
        decided = reviews[(reviews["reviewed_on"] >= opening) & (reviews["reviewed_on"] < closing)]
        scope = scope.merge(decided[["grant_id", "decision"]], on="grant_id", how="left")
        for system, group in scope.groupby("system"):
            reviewed = int(group["decision"].notna().sum())
            revoked = int((group["decision"] == "revoke").sum())
            rows.append((opening, system, len(group), reviewed, revoked))
    frame = pd.DataFrame(rows, columns=["opening", "system", "in_scope", "reviewed", "revoked"])
    frame["coverage"] = frame["reviewed"] / frame["in_scope"]
    frame["revocation_rate"] = frame["revoked"] / frame["reviewed"].where(frame["reviewed"] > 0)
    return frame


def orphaned_accounts(accounts: pd.DataFrame, staff: pd.DataFrame, on: pd.Timestamp,
                      grace_days: int = 1) -> pd.DataFrame:
    """Accounts active on `on` whose owner left more than `grace_days` days earlier, oldest orphan first."""
    frame = accounts[active_on(accounts["created_on"], accounts["disabled_on"], on)].merge(
        staff[["staff_id", "department", "left_on"]], on="staff_id")
    days = (on - frame["left_on"]).dt.days
    frame = frame[days > grace_days].assign(days_orphaned=days[days > grace_days].astype(int))
    return frame.sort_values(["days_orphaned", "account_id"], ascending=[False, True], ignore_index=True)


def orphan_counts(accounts: pd.DataFrame, staff: pd.DataFrame, days, grace_days: int = 1) -> pd.Series:
    """Number of orphaned accounts on each of `days`."""
    return pd.Series([len(orphaned_accounts(accounts, staff, day, grace_days)) for day in days],
                     index=pd.DatetimeIndex(days, name="day"), name="orphaned_accounts")


def audit_coverage(actions: pd.DataFrame, audit_log: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Destructive actions, those with an audit record, and the coverage, per group of `by` columns of `actions`."""
    logged = actions["action_id"].isin(audit_log["action_id"])
    frame = actions.assign(logged=logged).groupby(by).agg(actions=("action_id", "size"), logged=("logged", "sum"))
    frame["coverage"] = frame["logged"] / frame["actions"]
    return frame


def sod_violations(requesters: pd.DataFrame, signers: pd.DataFrame) -> pd.DataFrame:
    """Every request with two flags: signed by its own submitter (``self_approval``), and one person signing two
    of its steps (``double_signature``); ``violation`` is either."""
    signed = signers.merge(requesters, on="request_id")
    self_approval = signed.assign(own=signed["signed_by"] == signed["requested_by"]).groupby("request_id")["own"].any()
    double = signers.groupby("request_id")["signed_by"].agg(lambda people: people.duplicated().any())
    frame = requesters.set_index("request_id").assign(
        self_approval=self_approval.reindex(requesters["request_id"], fill_value=False).to_numpy(),
        double_signature=double.reindex(requesters["request_id"], fill_value=False).to_numpy())
    frame["violation"] = frame["self_approval"] | frame["double_signature"]
    return frame
