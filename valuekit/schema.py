"""The data contract: one Frictionless Table Schema per table a data folder may hold.

This module is the single source of ``data/datapackage.json``; the loader validates every CSV it reads
against these schemas. Like the loader, it imports nothing of ours but the contract's vocabulary
(:mod:`valuekit.vocabulary`): the sample company follows the contract, not the other way round.

Besides types and hard constraints (a duration is never negative), the contract states:

- **Plausibility bounds** (a field's ``plausible`` range): values outside it are almost surely an export
  mistake (resolution_hours = 1e9), so the loader stops on them too. Unlike constraints they are
  overridable, when a company's data really is that large: put a ``bounds.csv`` with the columns
  ``table,column,minimum,maximum`` in the data folder (a blank cell keeps the contract's bound), or pass
  ``bounds=`` to :func:`valuekit.loader.load_tables`. Every date and timestamp must lie within
  ``DATE_RANGE`` unless overridden the same way.
- **Cross-field rules** (a table's ``rules``): comparisons between two columns of the same row, for
  example that a request is completed no earlier than it was submitted (no negative durations).
"""

from __future__ import annotations

import json
from pathlib import Path

from .vocabulary import (
    ACTION_CHANNELS,
    APPROVER_ROLES,
    CHANGE_SYSTEMS,
    CUSTOMER_RECORDS,
    DEPARTMENTS,
    DESTRUCTIVE_ACTIONS,
    DIMENSIONS,
    JOBS,
    PERMISSIONS,
    REVIEW_DECISIONS,
    ROUTING_ARMS,
    SERVICE_COST_ITEMS,
    STAGES,
    SYSTEMS,
    TICKET_CATEGORIES,
    WAGE_ROLES,
)

#: Plausible range of every date and timestamp, unless a field or the user's bounds say otherwise.
DATE_RANGE = ("1970-01-01", "2100-12-31")


def field(name: str, type_: str, description: str, plausible_max: float | None = None, **constraints) -> dict:
    """One field; `plausible_max` is the overridable plausibility bound of a number (see the module's doc).

    Public, with :func:`optional`, so that a file outside the data folder (the self-assessment answers of
    ``valuekit.positioning``) is specified as the contract's tables are."""
    spec = {"name": name, "type": type_, "description": description}
    if type_ == "datetime":
        spec["format"] = "%Y-%m-%dT%H:%M:%S"
    spec["constraints"] = {"required": True, **constraints}
    if plausible_max is not None:
        spec["plausible"] = {"maximum": plausible_max}
        spec["description"] += f" Plausible up to {plausible_max:,}."
    elif type_ in ("date", "datetime"):
        spec["plausible"] = {"minimum": DATE_RANGE[0], "maximum": DATE_RANGE[1]}
    return spec


def optional(spec: dict) -> dict:
    """The field, its cells allowed to be blank."""
    spec["constraints"]["required"] = False
    return spec


def _rule(field: str, rule: str, other: str, why: str) -> dict:
    """A cross-field rule: `field` is "notBefore" (>=) or "atMost" (<=) the `other` field of the same row."""
    return {"field": field, "rule": rule, "other": other, "why": why}


RULES = {"notBefore": ">=", "atMost": "<="}


def _fk(field: str, table: str, target: str) -> dict:
    return {"fields": [field], "reference": {"resource": table, "fields": [target]}}


TABLES: dict[str, dict] = {
    "sales_teams": {
        "title": "Inside-sales teams and their CRM lead-scoring rollout",
        "fields": [
            field("team_id", "string", "Team identifier.", unique=True, pattern="T[0-9]+"),
            field("team_name", "string", "Team name."),
            field("city", "string", "Office the team sits in."),
            optional(field("crm_rollout_date", "date",
                           "Monday lead scoring went live for the team; empty if never.")),
        ],
        "primaryKey": ["team_id"],
    },
    "sales_reps": {
        "title": "Sales representatives",
        "fields": [
            field("rep_id", "string", "Representative identifier.", unique=True),
            field("team_id", "string", "Team the rep belongs to."),
            field("hired_on", "date", "Hiring date."),
        ],
        "primaryKey": ["rep_id"],
        "foreignKeys": [_fk("team_id", "sales_teams", "team_id")],
    },
    "leads": {
        "title": "Sales leads worked in the CRM, one row per lead",
        "fields": [
            field("lead_id", "string", "Lead identifier.", unique=True),
            field("rep_id", "string", "Rep who owns the lead."),
            field("created_on", "date", "Day the lead entered the CRM."),
            field("source", "string", "Where the lead came from.", enum=["inbound", "outbound", "referral"]),
            field("converted", "boolean", "Whether the lead became a paying customer."),
            optional(field("deal_value_cny", "number",
                           "First-year contract value in CNY (seats x list price x 12); empty if not converted.",
                           plausible_max=100_000_000, minimum=0)),
        ],
        "primaryKey": ["lead_id"],
        "foreignKeys": [_fk("rep_id", "sales_reps", "rep_id")],
    },
    "usage_events": {
        "title": "CRM usage, one row per user, workday and module with at least one event",
        "fields": [
            field("event_date", "date", "Workday of the events."),
            field("user_id", "string", "Rep who used the module."),
            field("module", "string", "CRM module used.", enum=["pipeline", "reports", "lead_scoring"]),
            field("events", "integer", "Number of instrumented events that day.", plausible_max=100_000, minimum=1),
        ],
        "primaryKey": ["event_date", "user_id", "module"],
        "foreignKeys": [_fk("user_id", "sales_reps", "rep_id")],
    },
    "approvals": {
        "title": "Internal approval requests (discounts, contracts, refunds)",
        "fields": [
            field("request_id", "string", "Request identifier.", unique=True),
            field("request_type", "string", "What is being approved.", enum=["discount", "contract", "refund"]),
            field("amount_cny", "number", "Amount at stake in CNY.", plausible_max=1_000_000_000, minimum=0),
            field("submitted_at", "datetime", "When the request was submitted (local time)."),
            field("completed_at", "datetime", "When the last approval was given (local time)."),
            field("approvers_required", "integer", "People who had to sign off.", plausible_max=50, minimum=1),
        ],
        "primaryKey": ["request_id"],
        "rules": [_rule("completed_at", "notBefore", "submitted_at",
                        "a request cannot be completed before it is submitted")],
    },
    "approval_steps": {
        "title": "Each human sign-off on an approval request",
        "fields": [
            field("request_id", "string", "Request the step belongs to."),
            field("step", "integer", "Position of the step in the chain.", plausible_max=50, minimum=1),
            field("approver_role", "string", "Role that signed off.", enum=list(APPROVER_ROLES)),
            field("touch_minutes", "number", "Minutes the approver spent on the step.", plausible_max=480, minimum=0),
        ],
        "primaryKey": ["request_id", "step"],
        "foreignKeys": [_fk("request_id", "approvals", "request_id")],
    },
    "tickets": {
        "title": "Customer-service desk tickets",
        "fields": [
            field("ticket_id", "string", "Ticket identifier.", unique=True),
            field("opened_on", "date", "Day the ticket was opened."),
            field("category", "string", "Ticket category.", enum=list(TICKET_CATEGORIES)),
            field("channel", "string", "Channel the customer used.", enum=["email", "chat", "phone"]),
            field("resolution_hours", "number", "Hours from opening to resolution.", plausible_max=8_760, minimum=0),
            field("first_contact_resolved", "boolean",
                  "Whether the first contact resolved it, with no further contact and no reopening."),
            field("reopened", "boolean", "Whether the customer reopened it after it was marked resolved."),
            field("sla_due_hours", "number", "The service-level target: hours from opening by which it should be "
                  "resolved.", plausible_max=8_760, minimum=0),
            field("handle_minutes", "number", "Agent minutes spent on it, all contacts together.",
                  plausible_max=6_000, minimum=0),
            optional(field("csat_score", "integer",
                           "Customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied); empty if the "
                           "customer did not answer.", minimum=1, maximum=5)),
        ],
        "primaryKey": ["ticket_id"],
    },
    "push_campaigns": {
        "title": "Push notifications prepared in the content back office",
        "fields": [
            field("push_id", "string", "Push identifier.", unique=True),
            field("sent_on", "date", "Day the push was sent."),
            field("mode", "string", "Who picked the content.", enum=["manual", "automated"]),
            field("prep_minutes", "number", "Staff minutes spent preparing the push.", plausible_max=2_400, minimum=0),
            field("audience", "integer", "Users the push was sent to.", plausible_max=2_000_000_000, minimum=0),
            field("opens", "integer", "Users who opened it.", plausible_max=2_000_000_000, minimum=0),
        ],
        "primaryKey": ["push_id"],
        "rules": [_rule("opens", "atMost", "audience", "a push cannot be opened by more users than it was sent to")],
    },
    "customers_monthly": {
        "title": "The subscription business month by month",
        "fields": [
            field("month", "date", "First day of the month.", unique=True),
            field("active_customers", "integer", "Paying customers at month end.",
                  plausible_max=100_000_000, minimum=0),
            field("new_customers", "integer", "Customers won in the month (the leads converted that month).",
                  plausible_max=100_000_000, minimum=0),
            field("churned_customers", "integer", "Customers lost in the month.",
                  plausible_max=100_000_000, minimum=0),
            field("seats", "integer", "Paid seats at month end.", plausible_max=1_000_000_000, minimum=0),
            field("list_price_cny_per_seat", "number", "List price per seat per month in CNY.",
                  plausible_max=100_000, minimum=0),
            field("mrr_cny", "number", "Monthly recurring revenue in CNY at list price.",
                  plausible_max=10_000_000_000, minimum=0),
        ],
        "primaryKey": ["month"],
    },
    "changes": {
        "title": "Change log: the company-wide changes to the back-office systems and when each went live",
        "fields": [
            field("change_id", "string", "Short name the notebooks look the change up by.", unique=True,
                  pattern="[a-z][a-z0-9_]*"),
            field("system", "string", "System or area that changed.",
                  enum=list(CHANGE_SYSTEMS)),
            field("go_live", "date", "First day the change was in use."),
            field("description", "string", "What changed, in one line."),
        ],
        "primaryKey": ["change_id"],
    },
    "wages": {
        "title": "Loaded hourly cost per role (salary, benefits, office, management overhead)",
        "fields": [
            field("role", "string", "Role.", unique=True, enum=list(WAGE_ROLES)),
            field("loaded_hourly_cost_cny", "number", "Fully loaded cost of one hour in CNY.",
                  plausible_max=5_000, minimum=0),
        ],
        "primaryKey": ["role"],
    },
    "project_costs": {
        "title": "Build and run costs of the back-office projects, by month",
        "fields": [
            field("project", "string", "Project."),
            field("month", "date", "First day of the month."),
            field("cost_type", "string", "Build (one-off) or run (recurring).", enum=["build", "run"]),
            field("amount_cny", "number", "Cost in CNY.", plausible_max=1_000_000_000, minimum=0),
        ],
        "primaryKey": ["project", "month"],
    },
    "price_benchmarks": {
        "title": "List prices of comparable third-party offerings (illustrative)",
        "fields": [
            field("vendor", "string", "Fictional vendor."),
            field("product_category", "string", "What the offering replaces."),
            field("plan", "string", "Price plan."),
            field("unit", "string", "What the price is per.", enum=["seat", "account"]),
            field("price_cny_per_unit_month", "number", "List price per unit per month in CNY.",
                  plausible_max=1_000_000, minimum=0),
            field("min_units", "integer", "Smallest number of units sold.", plausible_max=1_000_000, minimum=1),
        ],
        "primaryKey": ["vendor", "plan"],
    },
    "pm_team": {
        "title": "The back-office product team taking the positioning self-assessment",
        "fields": [
            field("pm_id", "string", "Product manager identifier.", unique=True),
            field("name", "string", "Fictional name."),
            field("tenure_years", "number", "Years in back-office product work.", plausible_max=50, minimum=0),
            field("system", "string", "System the PM owns.", enum=["crm", "service_desk", "approvals", "content"]),
        ],
        "primaryKey": ["pm_id"],
    },
    "rubric_items": {
        "title": "Positioning rubric: behaviour statements per dimension and stage",
        "fields": [
            field("item_id", "string", "Statement identifier.", unique=True),
            field("dimension", "string", "What the statement is about.", enum=list(DIMENSIONS)),
            field("stage", "string", "Stage the behaviour belongs to.", enum=list(STAGES)),
            field("stage_level", "integer", "Stage as a number: 1 follow, 2 collaborate, 3 drive, 4 lead.",
                  minimum=1, maximum=len(STAGES)),
            field("importance", "integer",
                  "How much the stage rests on this behaviour: 3 essential, 2 expected, 1 helpful; weights the gaps.",
                  minimum=1, maximum=3),
            field("statement", "string", "The behaviour, in the first person."),
        ],
        "primaryKey": ["item_id"],
    },
    "pm_answers": {
        "title": "Self-assessment answers: agreement with each rubric statement",
        "fields": [
            field("pm_id", "string", "Who answered."),
            field("item_id", "string", "Statement answered."),
            field("agreement", "integer", "1 strongly disagree .. 5 strongly agree.", minimum=1, maximum=5),
            optional(field("evidence", "string", "What the PM can point to for the answer; blank if nothing.")),
        ],
        "primaryKey": ["pm_id", "item_id"],
        "foreignKeys": [_fk("pm_id", "pm_team", "pm_id"), _fk("item_id", "rubric_items", "item_id")],
    },
    # The middle office: a shared customer-record service and the front offices built on it or alone.
    "front_offices": {
        "title": "Customer-facing products (front offices) launched, and where each keeps its customer records",
        "fields": [
            field("front_office_id", "string", "Front-office identifier.", unique=True),
            field("name", "string", "What the front office is."),
            field("kickoff_on", "date", "Day its build started."),
            field("launched_on", "date", "Day it went live for customers."),
            field("scope_points", "integer", "Size of its own feature scope, in the team's estimation points.",
                  plausible_max=10_000, minimum=1),
            field("customer_records", "string",
                  "Where it keeps customer records and payments: on the shared service, or its own.",
                  enum=list(CUSTOMER_RECORDS)),
        ],
        "primaryKey": ["front_office_id"],
        "rules": [_rule("launched_on", "notBefore", "kickoff_on",
                        "a front office cannot launch before its build starts")],
    },
    "service_usage": {
        "title": "Calls to the shared customer-record service, per consuming front office and month",
        "fields": [
            field("month", "date", "First day of the month."),
            field("front_office_id", "string", "Front office that made the calls."),
            field("api_calls", "integer", "Calls it made to the service that month.",
                  plausible_max=100_000_000_000, minimum=0),
        ],
        "primaryKey": ["month", "front_office_id"],
        "foreignKeys": [_fk("front_office_id", "front_offices", "front_office_id")],
    },
    "service_costs": {
        "title": "Build and run costs of the shared customer-record service, by month and cost item",
        "fields": [
            field("month", "date", "First day of the month."),
            field("cost_item", "string", "What the money paid for.", enum=list(SERVICE_COST_ITEMS)),
            field("amount_cny", "number", "Cost in CNY.", plausible_max=1_000_000_000, minimum=0),
        ],
        "primaryKey": ["month", "cost_item"],
    },
    # Security as measurable quality: who has access, should they, and can the company prove what they did.
    "staff": {
        "title": "HR roster: everyone who may hold a back-office account, with leaving dates",
        "fields": [
            field("staff_id", "string", "Person identifier (sales reps keep their rep_id).", unique=True),
            field("department", "string", "Department.", enum=list(DEPARTMENTS)),
            field("job", "string", "Job.", enum=list(JOBS)),
            optional(field("team_id", "string", "Sales team, for sales reps and team leads; empty otherwise.")),
            field("hired_on", "date", "First working day."),
            optional(field("left_on", "date", "Last working day; empty if still employed.")),
        ],
        "primaryKey": ["staff_id"],
        "foreignKeys": [_fk("team_id", "sales_teams", "team_id")],
        "rules": [_rule("left_on", "notBefore", "hired_on", "nobody leaves before they start")],
    },
    "accounts": {
        "title": "Accounts in the back-office systems, one per person and system",
        "fields": [
            field("account_id", "string", "Account identifier.", unique=True),
            field("staff_id", "string", "Person the account belongs to."),
            field("system", "string", "System the account is in.", enum=list(SYSTEMS)),
            field("created_on", "date", "Day the account was created."),
            optional(field("disabled_on", "date", "Day it was disabled; empty if still active.")),
        ],
        "primaryKey": ["account_id"],
        "foreignKeys": [_fk("staff_id", "staff", "staff_id")],
        "rules": [_rule("disabled_on", "notBefore", "created_on", "an account cannot be disabled before it exists")],
    },
    "access_grants": {
        "title": "Permissions granted to accounts (role grants), with the day each was revoked",
        "fields": [
            field("grant_id", "string", "Grant identifier.", unique=True),
            field("account_id", "string", "Account holding the permission."),
            field("permission", "string", "What the grant allows.", enum=list(PERMISSIONS)),
            field("granted_on", "date", "Day it was granted."),
            optional(field("revoked_on", "date", "Day it was revoked; empty if still held.")),
        ],
        "primaryKey": ["grant_id"],
        "foreignKeys": [_fk("account_id", "accounts", "account_id")],
        "rules": [_rule("revoked_on", "notBefore", "granted_on", "a grant cannot be revoked before it is granted")],
    },
    "access_reviews": {
        "title": "Permission-review log: each sign-off of a grant by an accountable owner",
        "fields": [
            field("grant_id", "string", "Grant reviewed."),
            field("reviewed_on", "date", "Day of the decision."),
            field("reviewer_id", "string", "Person who decided."),
            field("decision", "string", "Keep the grant, or revoke it.", enum=list(REVIEW_DECISIONS)),
        ],
        "primaryKey": ["grant_id", "reviewed_on"],
        "foreignKeys": [_fk("grant_id", "access_grants", "grant_id"), _fk("reviewer_id", "staff", "staff_id")],
    },
    "destructive_actions": {
        "title": "Destructive actions as the systems' databases and API gateway recorded them",
        "fields": [
            field("action_id", "string", "Operation identifier, carried into the audit log.", unique=True),
            field("account_id", "string", "Account that acted."),
            field("action", "string", "What was done.", enum=list(DESTRUCTIVE_ACTIONS)),
            field("channel", "string", "Path the action came by.", enum=list(ACTION_CHANNELS)),
            field("performed_at", "datetime", "When it was done (local time)."),
        ],
        "primaryKey": ["action_id"],
        "foreignKeys": [_fk("account_id", "accounts", "account_id")],
    },
    "audit_log": {
        "title": "Audit-log records of destructive actions",
        "fields": [
            field("action_id", "string", "Operation the record is about.", unique=True),
            field("logged_at", "datetime", "When the audit log wrote it (local time)."),
        ],
        "primaryKey": ["action_id"],
        "foreignKeys": [_fk("action_id", "destructive_actions", "action_id")],
    },
    "approval_requesters": {
        "title": "Who submitted each approval request",
        "fields": [
            field("request_id", "string", "Request.", unique=True),
            field("requested_by", "string", "Person who submitted it."),
        ],
        "primaryKey": ["request_id"],
        "foreignKeys": [_fk("request_id", "approvals", "request_id"), _fk("requested_by", "staff", "staff_id")],
    },
    "approval_signers": {
        "title": "Who signed each step of an approval request, as a person (approval_steps has the role)",
        "fields": [
            field("request_id", "string", "Request."),
            field("step", "integer", "Step of approval_steps signed.", plausible_max=50, minimum=1),
            field("signed_by", "string", "Person who signed it."),
        ],
        "primaryKey": ["request_id", "step"],
        "foreignKeys": [_fk("request_id", "approvals", "request_id"), _fk("signed_by", "staff", "staff_id")],
    },
    "approval_returns": {
        "title": "Approval requests sent back to the requester for correction before sign-off",
        "fields": [
            field("request_id", "string", "Request returned.", unique=True),
            field("reason", "string", "Why it was returned.",
                  enum=["missing_document", "wrong_amount", "wrong_request_type"]),
            field("rework_minutes", "number", "Requester minutes spent correcting and resubmitting it.",
                  plausible_max=2_400, minimum=0),
        ],
        "primaryKey": ["request_id"],
        "foreignKeys": [_fk("request_id", "approvals", "request_id")],
    },
    "user_survey": {
        "title": "Internal users' pulse survey: UMUX-Lite's two items and the Customer Effort Score, per system",
        "fields": [
            field("response_id", "string", "Response identifier.", unique=True),
            field("staff_id", "string", "Person who answered."),
            field("system", "string", "System the questions were about.", enum=list(SYSTEMS)),
            field("answered_on", "date", "Day of the answer."),
            field("umux_capabilities", "integer",
                  "UMUX-Lite item 1: the system's capabilities meet my requirements, 1 (strongly disagree) to 7 "
                  "(strongly agree).", minimum=1, maximum=7),
            field("umux_easy", "integer", "UMUX-Lite item 2: the system is easy to use, 1 to 7.",
                  minimum=1, maximum=7),
            field("ces", "integer", "Customer Effort Score: the system made it easy to get my task done, 1 to 7.",
                  minimum=1, maximum=7),
        ],
        "primaryKey": ["response_id"],
        "foreignKeys": [_fk("staff_id", "staff", "staff_id")],
    },
    "routing_experiment": {
        "title": "Randomised lead-routing experiment: each rep's arm, and their leads and first meetings before "
                 "and during the trial",
        "fields": [
            field("rep_id", "string", "Rep, the unit randomised.", unique=True),
            field("arm", "string", "Arm the rep was assigned to by a fair coin.", enum=list(ROUTING_ARMS)),
            field("pre_leads", "integer", "Leads the rep received in the pre-period before the trial.",
                  plausible_max=100_000, minimum=0),
            field("pre_meetings", "integer", "Of those, leads with a first meeting booked.",
                  plausible_max=100_000, minimum=0),
            field("leads", "integer", "Leads the rep received during the trial.", plausible_max=100_000, minimum=0),
            field("meetings", "integer", "Of those, leads with a first meeting booked.",
                  plausible_max=100_000, minimum=0),
            field("first_contact_hours", "number", "Mean hours from a lead's arrival to the rep's first contact, "
                  "during the trial.", plausible_max=720, minimum=0),
        ],
        "primaryKey": ["rep_id"],
        "foreignKeys": [_fk("rep_id", "sales_reps", "rep_id")],
        "rules": [_rule("pre_meetings", "atMost", "pre_leads", "a rep cannot book more first meetings than leads"),
                  _rule("meetings", "atMost", "leads", "a rep cannot book more first meetings than leads")],
    },
}


def table_schema(spec: dict) -> dict:
    """The Frictionless Table Schema of one table spec (an entry of TABLES, or another file's spec)."""
    schema = {"fields": spec["fields"], "primaryKey": spec["primaryKey"], "missingValues": [""]}
    if "foreignKeys" in spec:
        schema["foreignKeys"] = spec["foreignKeys"]
    if "rules" in spec:
        schema["rules"] = spec["rules"]
    return schema


def datapackage() -> dict:
    """The Frictionless Data Package descriptor of the whole sample company."""
    return {
        "name": "kestrel-cloud-sample",
        "title": "Kestrel Cloud: sample company for Back-Office Value",
        "description": "Generated by valuekit.generate; see README.md for the planted truths.",
        "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
        "resources": [
            {
                "name": name,
                "title": spec["title"],
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(spec),
            }
            for name, spec in TABLES.items()
        ],
    }


def write_datapackage(folder: Path) -> Path:
    path = Path(folder) / "datapackage.json"
    path.write_text(json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
