"""Security: the HR roster, accounts, grants and reviews, destructive actions, the audit log and approval people."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..vocabulary import ACTION_CHANNELS, SYSTEMS
from .common import END, START, _workdays
from .operations import APPROVAL_AUTOMATION

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


def unlogged_path(system, action, channel, performed_at):
    """The planted audit-log gaps: CRM exports through the API before the fix, and the service desk's batch
    deletions (always). Works on scalars or arrays."""
    crm_api_export = (np.asarray(system) == "crm") & (np.asarray(action) == "bulk_export") & (
        np.asarray(channel) == "api") & (pd.DatetimeIndex(np.atleast_1d(performed_at)) < EXPORT_AUDIT_FIX)
    batch_delete = (np.asarray(system) == "service_desk") & (np.asarray(action) == "delete_record") & (
        np.asarray(channel) == "batch_job")
    return crm_api_export | batch_delete


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


@dataclass
class _Accounts:
    """Every account and grant, created on the person's first day, and when offboarding or a review disabled it."""

    ids: list[str]
    staff_ids: list[str]
    created_on: list[str]
    person: np.ndarray  # row of the roster behind each account
    system: np.ndarray
    disabled: np.ndarray  # datetime64, NaT while the account is active
    missed: np.ndarray  # leavers' accounts that offboarding forgot
    grants: list[list]  # [account index, permission, granted on]
    grant_account: np.ndarray
    granted: np.ndarray


def _accounts(rng: np.random.Generator, staff: pd.DataFrame, left: np.ndarray) -> _Accounts:
    """Accounts and grants, created on the first day; offboarding disables a leaver's accounts on the last
    working day or the next, except the ones it misses."""
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
    return _Accounts(
        ids=[account[0] for account in accounts], staff_ids=[account[1] for account in accounts],
        created_on=[account[3] for account in accounts], person=account_person, system=account_system,
        disabled=disabled, missed=missed, grants=grants, grant_account=np.array([grant[0] for grant in grants]),
        granted=pd.to_datetime([grant[2] for grant in grants]).to_numpy())


def _access_reviews(rng: np.random.Generator, staff: pd.DataFrame, accounts: _Accounts) -> list[tuple]:
    """Quarterly permission reviews: each covers a planted share of each system's grants active when it opens; a
    grant whose owner has left is revoked, and the account with it (``accounts.disabled`` is updated), except in
    the unwatched system, whose reviewer keeps every grant."""
    hired = pd.to_datetime(staff["hired_on"]).to_numpy()
    left = pd.to_datetime(staff["left_on"]).to_numpy()
    grant_account, disabled = accounts.grant_account, accounts.disabled
    reviews = []
    owners = {system: staff.index[(staff["job"] == "product_manager")].to_numpy() for system in SYSTEMS}
    cycle = ACCESS_REVIEW_START
    while cycle < END:
        for system in SYSTEMS:
            active = (accounts.granted <= np.datetime64(cycle)) & (accounts.system[grant_account] == system)
            active &= np.isnat(disabled[grant_account]) | (disabled[grant_account] > np.datetime64(cycle))
            scope = np.flatnonzero(active)
            chosen = np.sort(rng.choice(scope, size=int(round(REVIEW_COVERAGE[system] * len(scope))), replace=False))
            day_of = {account: cycle + pd.Timedelta(days=int(rng.integers(0, ACCESS_REVIEW_DAYS)))
                      for account in np.unique(grant_account[chosen])}
            for grant in chosen:
                account = grant_account[grant]
                when = day_of[account]
                person = accounts.person[account]
                gone = not np.isnat(left[person]) and left[person] < np.datetime64(when) and system != UNWATCHED_SYSTEM
                employed = [pm for pm in owners[system] if pm != person and hired[pm] <= np.datetime64(when)
                            and (np.isnat(left[pm]) or left[pm] >= np.datetime64(when))]
                reviewer = staff.at[employed[int(rng.integers(0, len(employed)))], "staff_id"]
                reviews.append((f"G{grant + 1:04d}", when, reviewer, "revoke" if gone else "keep"))
                if gone and np.isnat(disabled[account]):
                    disabled[account] = np.datetime64(when)
        cycle = cycle + pd.DateOffset(months=ACCESS_REVIEW_EVERY_MONTHS)
    return reviews


def _access_frames(accounts: _Accounts, reviews: list[tuple]) -> dict[str, pd.DataFrame]:
    """The accounts, access_grants and access_reviews tables."""
    accounts_frame = pd.DataFrame({
        "account_id": accounts.ids,
        "staff_id": accounts.staff_ids,
        "system": accounts.system,
        "created_on": accounts.created_on,
        "disabled_on": pd.DatetimeIndex(accounts.disabled).strftime("%Y-%m-%d"),
    })
    grants_frame = pd.DataFrame({
        "grant_id": [f"G{i + 1:04d}" for i in range(len(accounts.grants))],
        "account_id": accounts_frame["account_id"].to_numpy()[accounts.grant_account],
        "permission": [grant[1] for grant in accounts.grants],
        "granted_on": [grant[2] for grant in accounts.grants],
        "revoked_on": pd.DatetimeIndex(accounts.disabled[accounts.grant_account]).strftime("%Y-%m-%d"),
    })
    reviews_frame = pd.DataFrame(reviews, columns=["grant_id", "reviewed_on", "reviewer_id", "decision"])
    reviews_frame = reviews_frame.sort_values(["reviewed_on", "grant_id"], ignore_index=True)
    reviews_frame["reviewed_on"] = reviews_frame["reviewed_on"].dt.strftime("%Y-%m-%d")
    return {"accounts": accounts_frame, "access_grants": grants_frame, "access_reviews": reviews_frame}


def _destructive_actions(rng: np.random.Generator, accounts: _Accounts, left: np.ndarray
                         ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Destructive actions, each by an account that holds the permission, is active and whose owner is employed;
    the audit log's records of them; and which were logged."""
    has = {permission: np.zeros(len(accounts.ids), dtype=bool) for permission in ("user", "export", "admin")}
    for account, permission, _day in accounts.grants:
        if permission in has:
            has[permission][account] = True
    created = pd.to_datetime(pd.Series(accounts.created_on)).to_numpy()
    disabled, owner_left = accounts.disabled, left[accounts.person]
    actions = []
    for day in _workdays():
        today = np.datetime64(day)
        usable = (created <= today) & (np.isnat(disabled) | (disabled > today))
        usable &= np.isnat(owner_left) | (owner_left >= today)
        for system, action, rate, permission, channel_shares in DESTRUCTIVE_ACTION_RATES:
            count = rng.poisson(rate)
            candidates = np.flatnonzero(usable & (accounts.system == system) & has[permission])
            for _ in range(count if len(candidates) else 0):
                channel = ACTION_CHANNELS[rng.choice(3, p=channel_shares)]
                start_minute = 2 * 60 if channel == "batch_job" else 9 * 60
                minute = start_minute + int(rng.integers(0, 60 if channel == "batch_job" else 10 * 60))
                account = candidates[int(rng.integers(0, len(candidates)))]
                actions.append((account, system, action, channel, day + pd.Timedelta(minutes=minute)))
    actions_frame = pd.DataFrame(actions, columns=["account", "system", "action", "channel", "performed_at"])
    actions_frame = actions_frame.sort_values(["performed_at", "account"], kind="stable", ignore_index=True)
    actions_frame.insert(0, "action_id", [f"X{i:05d}" for i in range(1, len(actions_frame) + 1)])
    actions_frame["account_id"] = np.array(accounts.ids)[actions_frame["account"]]
    logged = ~unlogged_path(actions_frame["system"], actions_frame["action"], actions_frame["channel"],
                            actions_frame["performed_at"])
    audit = actions_frame.loc[logged, ["action_id", "performed_at"]].copy()
    audit["logged_at"] = (audit["performed_at"] + pd.to_timedelta(rng.integers(0, 3, len(audit)), unit="s")
                          ).dt.strftime("%Y-%m-%dT%H:%M:%S")
    actions_frame["performed_at"] = actions_frame["performed_at"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    return actions_frame, audit, np.asarray(logged)


@dataclass
class _ApprovalPeople:
    requesters: pd.DataFrame
    signers: pd.DataFrame
    by_lead: np.ndarray  # whether a team lead submitted the request
    submitted: np.ndarray
    cover: tuple[np.datetime64, np.datetime64]  # LEGAL_COVER as datetime64


def _approval_people(rng: np.random.Generator, staff: pd.DataFrame, teams: pd.DataFrame, reps: pd.DataFrame,
                     approvals: pd.DataFrame, steps: pd.DataFrame) -> _ApprovalPeople:
    """The people behind each approval: a rep submits (a team lead, now and then, for their own deal), the
    submitter's team lead signs the first step, a finance approver and a legal counsel the others. Before the
    rules engine, a team lead's own request went to the sales director; the engine routes it to the
    submitter's team lead, the submitter. During LEGAL_COVER one finance approver signs for legal too."""
    hired = pd.to_datetime(staff["hired_on"]).to_numpy()
    left = pd.to_datetime(staff["left_on"]).to_numpy()
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
        if role == "team_lead":
            signer = (director if by_lead[i] and when < np.datetime64(APPROVAL_AUTOMATION) else leads_of[team_of[i]])
        elif cover_from <= when < cover_to:
            signer = cover
        else:
            pool = employed("finance_approver" if role == "finance" else "legal_counsel", when)
            signer = pool[int(rng.integers(0, len(pool)))]
        signers.append((request_id, step, signer))
    return _ApprovalPeople(
        requesters=pd.DataFrame({"request_id": approvals["request_id"], "requested_by": requester}),
        signers=pd.DataFrame(signers, columns=["request_id", "step", "signed_by"]),
        by_lead=by_lead, submitted=submitted, cover=(cover_from, cover_to))


def _security(seed: int, teams: pd.DataFrame, reps: pd.DataFrame, approvals: pd.DataFrame,
              steps: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], dict]:
    """Roster, accounts, grants, reviews, destructive actions, audit log and approval people; and realised truths."""
    rng = np.random.default_rng([seed, 4])
    staff = _staff(rng, teams, reps)
    left = pd.to_datetime(staff["left_on"]).to_numpy()
    accounts = _accounts(rng, staff, left)
    reviews = _access_reviews(rng, staff, accounts)
    access = _access_frames(accounts, reviews)
    actions, audit, logged = _destructive_actions(rng, accounts, left)
    people = _approval_people(rng, staff, teams, reps, approvals, steps)

    end = np.datetime64(END)
    owner_left = left[accounts.person]
    orphaned_at_end = (~np.isnat(owner_left)) & (owner_left < end) & (
        np.isnat(accounts.disabled) | (accounts.disabled > end))
    cover_from, cover_to = people.cover
    truths = {
        "orphaned_accounts_at_end": int(orphaned_at_end.sum()),
        "orphans_revoked_by_review": int((~np.isnat(accounts.disabled[accounts.missed])).sum()),
        "unlogged_destructive_actions": int((~logged).sum()),
        "destructive_actions": len(actions),
        "sod_self_approvals": int((people.by_lead & (people.submitted >= np.datetime64(APPROVAL_AUTOMATION))).sum()),
        "sod_double_signatures": int(((people.submitted >= cover_from) & (people.submitted < cover_to)).sum()),
    }
    tables = {
        "staff": staff.drop(columns="seat"),
        **access,
        "destructive_actions": actions[["action_id", "account_id", "action", "channel", "performed_at"]],
        "audit_log": audit[["action_id", "logged_at"]].reset_index(drop=True),
        "approval_requesters": people.requesters,
        "approval_signers": people.signers,
    }
    return tables, truths
