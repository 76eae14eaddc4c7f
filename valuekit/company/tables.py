"""The whole company: every table in the generator's order, and the change log."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .common import DEFAULT_SEED
from .experiment import _routing_experiment
from .middle_office import CHARGEBACK_START, SHARED_SERVICE_LIVE, _middle_office
from .operations import (
    APPROVAL_AUTOMATION,
    PRICE_BENCHMARKS,
    PUSH_AUTOMATION,
    SERVICE_CHANGE,
    WAGES,
    _approvals,
    _project_costs,
    _push_campaigns,
    _tickets,
)
from .pm_team import PM_TEAM, _pm_answers, _rubric_items
from .sales import (
    PRICE_AFTER,
    PRICE_BEFORE,
    PRICE_CHANGE,
    _customers_monthly,
    _leads,
    _sales_reps,
    _sales_teams,
    _usage_events,
)
from .security import ACCESS_REVIEW_START, EXPORT_AUDIT_FIX, _security
from .service_desk import _approval_returns, _ticket_service_fields, _user_survey


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
