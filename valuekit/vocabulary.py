"""The data contract's vocabulary: the categories a data folder may use, whoever the company is.

This module is the contract side of the package: it imports nothing of ours, and the schema, the loader
and the sample company all take their category lists from here (the sample company never the other way
round).
"""

from __future__ import annotations

#: Roles that sign off approval requests (``approval_steps.approver_role``), in chain order.
APPROVER_ROLES = ("team_lead", "finance", "legal")

#: Categories of service-desk tickets (``tickets.category``).
TICKET_CATEGORIES = ("how_to", "bug", "account", "billing")

#: Roles with a loaded hourly cost (``wages.role``).
WAGE_ROLES = ("sales_rep", "approver", "ops_specialist", "service_agent", "engineer", "product_manager")

#: Positioning stages, lowest first (``rubric_items.stage``; ``stage_level`` is the position, from 1).
STAGES = ("follow", "collaborate", "drive", "lead")

#: Dimensions of the positioning rubric (``rubric_items.dimension``).
DIMENSIONS = ("business_understanding", "rules_ownership", "data_metrics", "collaboration", "system_maturity")

#: Systems named in the change log (``changes.system``); the first four hold staff accounts.
SYSTEMS = ("crm", "service_desk", "approvals", "content")
CHANGE_SYSTEMS = (*SYSTEMS, "pricing", "middle_office", "security")

#: Where a front office keeps its customer records (``front_offices.customer_records``): on the shared
#: customer-record service, or in a store it built for itself.
CUSTOMER_RECORDS = ("shared", "own")

#: Cost items of the shared customer-record service (``service_costs.cost_item``).
SERVICE_COST_ITEMS = ("build", "platform_team", "infrastructure")

#: The HR roster's departments and jobs (``staff.department``, ``staff.job``).
DEPARTMENTS = ("sales", "service", "finance", "legal", "operations", "engineering", "product")
JOBS = ("sales_rep", "team_lead", "sales_director", "finance_approver", "legal_counsel", "service_agent",
        "ops_specialist", "engineer", "product_manager")

#: Permissions an account can be granted in its system (``access_grants.permission``).
PERMISSIONS = ("user", "approver", "export", "admin")

#: Decisions of a permission review (``access_reviews.decision``).
REVIEW_DECISIONS = ("keep", "revoke")

#: Destructive actions, the ones an audit log must record (``destructive_actions.action``), and the paths by
#: which they reach a system (``destructive_actions.channel``).
DESTRUCTIVE_ACTIONS = ("delete_record", "bulk_export", "merge_records", "permission_change")
ACTION_CHANNELS = ("ui", "api", "batch_job")

#: Arms of the randomised lead-routing experiment (``routing_experiment.arm``): the control first.
ROUTING_ARMS = ("round_robin", "matched_routing")

# The book's evidence vocabulary. Notebooks and the package name these constants and never spell a label
# by hand (tests/test_notebooks.py fails on a literal), so a typo cannot become a new grade.

#: The five metric types, from the business outcome down to transparency.
BUSINESS_KPI, WORKLOAD, USAGE, EFFICIENCY, DATA_TRANSPARENCY = METRIC_TYPES = (
    "business KPI", "workload", "usage", "efficiency", "data transparency")

#: The four attribution strengths, strongest first. "Directly caused" is earned by a design that passes
#: its identification checks (see the attribution ladder), never by a before/after alone.
DIRECTLY_CAUSED, CLEARLY_POSITIVELY_RELATED, TRANSPARENCY_ONLY, UNCLEAR = ATTRIBUTION_STRENGTHS = (
    "directly caused", "clearly positively related", "transparency only", "unclear")
