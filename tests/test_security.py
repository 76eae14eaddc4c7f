"""Security as measurable quality: review coverage, orphaned accounts, audit-log coverage and segregation of
duties are recovered by valuekit.security on two seeds, and each function behaves on tiny hand-made frames."""


import pandas as pd
import pytest

from valuekit import company as kestrel
from valuekit import security as sec
from valuekit.loader import change_date

TRUTH = kestrel.PLANTED_TRUTHS


def openings(company):
    return sec.review_cycles(change_date(company, "quarterly_access_review"), kestrel.END,
                             kestrel.ACCESS_REVIEW_EVERY_MONTHS)


def actions_with_system(company):
    return company["destructive_actions"].merge(company["accounts"][["account_id", "system"]], on="account_id")


# Planted truths, on the committed seed and another --------------------------------------------------------


def test_review_coverage_per_system_is_the_planted_share(company):
    coverage = sec.review_coverage(company["accounts"], company["access_grants"], company["access_reviews"],
                                   openings(company), kestrel.ACCESS_REVIEW_DAYS)
    assert coverage["opening"].nunique() == 4
    for row in coverage.itertuples():
        planted = TRUTH["review_coverage_by_system"][row.system]
        assert row.coverage == pytest.approx(planted, abs=0.5 / row.in_scope + 1e-9), row
    content = coverage[coverage["system"] == kestrel.UNWATCHED_SYSTEM]
    assert (content["revoked"] == 0).all()  # its reviewer keeps everything
    assert coverage.loc[coverage["system"] != kestrel.UNWATCHED_SYSTEM, "revoked"].sum() > 0


def test_orphaned_accounts_at_the_end_are_the_planted_count(company, truths):
    orphans = sec.orphaned_accounts(company["accounts"], company["staff"], kestrel.END)
    assert len(orphans) == truths["orphaned_accounts_at_end"]
    assert len(orphans) > 0
    first = change_date(company, "quarterly_access_review")
    before = sec.orphan_counts(company["accounts"], company["staff"], [first - pd.Timedelta(days=1)]).iloc[0]
    after = sec.orphan_counts(company["accounts"], company["staff"], [first + pd.Timedelta(days=28)]).iloc[0]
    assert before - after >= 3  # the first review clears the ones offboarding missed in the watched systems


def test_audit_log_misses_exactly_the_planted_paths(company, truths):
    actions = actions_with_system(company)
    fixed = change_date(company, "export_audit_logging")
    actions = actions.assign(period=(actions["performed_at"] >= fixed).map({True: "after", False: "before"}))
    coverage = sec.audit_coverage(actions, company["audit_log"], ["system", "action", "channel", "period"])
    gaps = coverage[coverage["coverage"] < 1]
    assert set(gaps.index) == {("crm", "bulk_export", "api", "before"),
                               ("service_desk", "delete_record", "batch_job", "before"),
                               ("service_desk", "delete_record", "batch_job", "after")}
    assert (gaps["coverage"] == 0).all()
    assert int((coverage["actions"] - coverage["logged"]).sum()) == truths["unlogged_destructive_actions"]
    assert len(actions) == truths["destructive_actions"]


def test_segregation_of_duties_violations_are_the_planted_ones(company, truths):
    sod = sec.sod_violations(company["approval_requesters"], company["approval_signers"])
    assert int(sod["self_approval"].sum()) == truths["sod_self_approvals"]
    assert int(sod["double_signature"].sum()) == truths["sod_double_signatures"]
    submitted = company["approvals"].set_index("request_id")["submitted_at"].reindex(sod.index)
    engine = change_date(company, "approval_rules_engine")
    assert not sod.loc[submitted < engine, "self_approval"].any()
    jobs = company["staff"].set_index("staff_id")["job"]
    assert (sod.loc[sod["self_approval"], "requested_by"].map(jobs) == "team_lead").all()
    share = sod.loc[submitted >= engine, "self_approval"].mean()
    assert share == pytest.approx(kestrel.LEAD_REQUEST_SHARE, abs=0.02)


def test_people_tables_match_the_approval_steps_and_the_roster(company):
    steps = company["approval_steps"].set_index(["request_id", "step"]).index
    signed = company["approval_signers"].set_index(["request_id", "step"]).index
    assert steps.sort_values().equals(signed.sort_values())
    assert set(company["approval_requesters"]["request_id"]) == set(company["approvals"]["request_id"])
    reps = set(company["sales_reps"]["rep_id"])
    staff = company["staff"].set_index("staff_id")
    assert reps <= set(staff.index) and staff.loc[list(reps), "left_on"].isna().all()
    accounts = company["accounts"].merge(company["staff"], on="staff_id")
    assert (accounts["created_on"] >= accounts["hired_on"]).all()


# Functions on tiny frames ---------------------------------------------------------------------------------

DAY = pd.Timestamp("2024-01-08")


def test_active_on_and_review_cycles():
    start = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-09", "2024-01-01"]))
    end = pd.Series(pd.to_datetime(["2024-01-08", None, None, "2024-01-09"]))
    assert sec.active_on(start, end, DAY).tolist() == [False, True, False, True]
    assert sec.review_cycles(DAY, pd.Timestamp("2024-07-08"), 3) == list(pd.to_datetime(
        ["2024-01-08", "2024-04-08", "2024-07-08"]))


def test_review_coverage_counts_grants_active_at_opening_and_decisions_within_the_cycle():
    accounts = pd.DataFrame({"account_id": ["U1", "U2"], "system": ["crm", "content"]})
    grants = pd.DataFrame({
        "grant_id": ["G1", "G2", "G3", "G4", "G5"], "account_id": ["U1", "U1", "U1", "U2", "U2"],
        "granted_on": pd.to_datetime(["2023-01-01", "2023-01-01", "2024-01-10", "2023-01-01", "2023-01-01"]),
        "revoked_on": pd.to_datetime([None, "2024-01-20", None, None, "2024-01-01"]),
    })
    reviews = pd.DataFrame({
        "grant_id": ["G1", "G2", "G3", "G4"],
        "reviewed_on": pd.to_datetime(["2024-01-09", "2024-01-20", "2024-01-11", "2024-03-01"]),
        "decision": ["keep", "revoke", "keep", "keep"],
    })
    coverage = sec.review_coverage(accounts, grants, reviews, [DAY], cycle_days=28).set_index("system")
    # G3 was granted after the opening and G5 revoked before it: out of scope. G4's review came too late.
    assert coverage.loc["crm", ["in_scope", "reviewed", "revoked"]].tolist() == [2, 2, 1]
    assert coverage.loc["crm", "revocation_rate"] == 0.5
    assert coverage.loc["content", ["in_scope", "reviewed", "coverage"]].tolist() == [1, 0, 0.0]
    assert pd.isna(coverage.loc["content", "revocation_rate"])


def tiny_accounts_and_staff():
    staff = pd.DataFrame({"staff_id": ["P1", "P2", "P3"], "department": ["sales", "service", "legal"],
                          "left_on": pd.to_datetime([None, "2024-01-01", "2024-01-07"])})
    accounts = pd.DataFrame({
        "account_id": ["U1", "U2", "U3", "U4"], "staff_id": ["P1", "P2", "P2", "P3"],
        "system": ["crm", "crm", "content", "crm"],
        "created_on": pd.to_datetime(["2023-01-01"] * 4),
        "disabled_on": pd.to_datetime([None, "2024-01-02", None, None]),
    })
    return accounts, staff


def test_orphaned_accounts_need_a_leaver_past_the_grace_period():
    accounts, staff = tiny_accounts_and_staff()
    orphans = sec.orphaned_accounts(accounts, staff, DAY, grace_days=1)
    assert orphans["account_id"].tolist() == ["U3"]  # U2 was disabled; P3 left yesterday, within the grace
    assert orphans["days_orphaned"].tolist() == [7]
    assert sec.orphaned_accounts(accounts, staff, DAY, grace_days=0)["account_id"].tolist() == ["U3", "U4"]
    counts = sec.orphan_counts(accounts, staff, [pd.Timestamp("2023-12-31"), DAY, pd.Timestamp("2024-02-01")])
    assert counts.tolist() == [0, 1, 2]


def test_audit_coverage_per_group():
    actions = pd.DataFrame({"action_id": ["X1", "X2", "X3"], "channel": ["ui", "api", "api"]})
    audit_log = pd.DataFrame({"action_id": ["X1", "X3"]})
    coverage = sec.audit_coverage(actions, audit_log, ["channel"])
    assert coverage.loc["api", ["actions", "logged", "coverage"]].tolist() == [2, 1, 0.5]
    assert coverage.loc["ui", "coverage"] == 1.0


def test_sod_violations_flag_self_approval_and_double_signatures():
    requesters = pd.DataFrame({"request_id": ["A1", "A2", "A3"], "requested_by": ["P1", "P2", "P3"]})
    signers = pd.DataFrame({"request_id": ["A1", "A1", "A2", "A2", "A3"], "step": [1, 2, 1, 2, 1],
                            "signed_by": ["P1", "P4", "P5", "P5", "P6"]})
    sod = sec.sod_violations(requesters, signers)
    assert sod["self_approval"].tolist() == [True, False, False]
    assert sod["double_signature"].tolist() == [False, True, False]
    assert sod["violation"].tolist() == [True, True, False]
