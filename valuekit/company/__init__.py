"""The sample company: Kestrel Cloud, a fictional B2B subscription business, and the effects planted in it.

Every table is built from one seeded random generator (and, for the parts added later, generators of their
own), so the same seed gives byte-identical CSV files. The effects the book's notebooks must recover are
planted here and listed in ``PLANTED_TRUTHS``; ``data/README.md`` states them. The modules follow the parts
of the company:

- ``common``: the calendar (two years from ``START``) and the seasonal and lognormal draws every part uses;
- ``sales``: teams, reps, leads and CRM usage with the staged lead-scoring rollout; prices and customers;
- ``operations``: approvals, service-desk tickets, push campaigns, wages, vendors' prices, project costs;
- ``service_desk``: the ITIL service-desk fields, approval returns and the internal users' survey;
- ``pm_team``: the PM self-assessment rubric and answers;
- ``middle_office``: the shared customer-record service, its consumers and costs;
- ``security``: roster, accounts, grants, reviews, destructive actions, audit log, approval people;
- ``experiment``: the randomised lead-routing trial and the guardrails' truths;
- ``truths``: ``PLANTED_TRUTHS``, the ``planted_truths.json`` a generated folder carries, and the realised counts;
- ``tables``: :func:`generate`, every table in the generator's order, and the change log.

Notebooks never import this package (CONTRIBUTING.md, "Dates and the change log").
"""

from ..vocabulary import ACTION_CHANNELS, APPROVER_ROLES, ROUTING_ARMS, STAGES, SYSTEMS  # noqa: F401  the contract's words
from .common import (  # noqa: F401
    DEFAULT_SEED,
    END,
    START,
    WEEKS,
    _second_harmonic,
)
from .experiment import (  # noqa: F401
    ROUTING_FIRST_CONTACT_CHANGE_HOURS,
    ROUTING_FIRST_CONTACT_MEDIAN_HOURS,
    ROUTING_LIFT,
    ROUTING_MEETING_RATE,
    ROUTING_PRE_WEEKS,
    ROUTING_REP_SD,
    ROUTING_SPILLOVER,
    ROUTING_START,
    ROUTING_TEAM_SPREAD,
    ROUTING_TREATED_SHARE,
    ROUTING_WEEKS,
    experiment_truths,
)
from .middle_office import (  # noqa: F401
    CHARGEBACK_CALL_CHANGE,
    CHARGEBACK_START,
    FRONT_OFFICE_BASE_WEEKS,
    FRONT_OFFICE_NAMES,
    FRONT_OFFICE_SPACING_WEEKS,
    INFRA_BASE_CNY_PER_MONTH,
    INFRA_CNY_PER_MILLION_CALLS,
    LAUNCH_NOISE_WEEKS,
    LAUNCH_WEEKS_SAVED,
    MEDIAN_CALLS_PER_MONTH,
    OWN_AFTER_LIVE_EVERY,
    OWN_RECORDS_WEEKS,
    PLATFORM_TEAM_CNY_PER_MONTH,
    SCOPE_GROWTH_POINTS_PER_YEAR,
    SCOPE_START_POINTS,
    SHARED_INTEGRATION_WEEKS,
    SHARED_SERVICE_BUILD,
    SHARED_SERVICE_LIVE,
    WEEKS_PER_SCOPE_POINT,
)
from .operations import (  # noqa: F401
    APPROVAL_AUTOMATION,
    APPROVAL_MEDIAN_HOURS_AFTER,
    APPROVAL_MEDIAN_HOURS_BEFORE,
    APPROVAL_TOUCH_MEDIAN_MINUTES,
    APPROVERS_AFTER,
    APPROVERS_BEFORE,
    BILLING_SURGE_DECAY_WEEKS,
    BILLING_SURGE_PER_WEEK,
    HARD_BILLING_HOURS,
    HARD_BILLING_SURGE_PER_WEEK,
    HARD_QUEUE_ELASTICITY,
    HARD_SERVICE_SECOND_HARMONIC_HOURS,
    PRICE_BENCHMARKS,
    PROJECTS,
    PUSH_AUTOMATION,
    PUSH_MEDIAN_MINUTES_AUTOMATED,
    PUSH_MEDIAN_MINUTES_MANUAL,
    PUSH_OPEN_RATE_AUTOMATED,
    PUSH_OPEN_RATE_MANUAL,
    PUSHES_PER_DAY,
    SERVICE_CHANGE,
    SERVICE_EFFECT_HOURS,
    SERVICE_SEASON_AMPLITUDE_HOURS,
    TICKET_CATEGORY_HOURS,
    TICKET_CATEGORY_SHARES,
    TICKETS_PER_WEEK,
    WAGES,
)
from .pm_team import (  # noqa: F401
    DIMENSIONS,
    EVIDENCE,
    IMPORTANCE,
    INCONSISTENT_PM,
    PM_TEAM,
    PM_WITH_GAPS,
    UNANSWERED_ITEMS,
)
from .sales import (  # noqa: F401
    ADOPTION_CEILING,
    ADOPTION_WEEKS,
    CHURN_RATE,
    CONVERSION_TREND_PER_YEAR,
    CRM_LIFT,
    CRM_RAMP_WEEKS,
    HARD_COHORT_LIFT,
    HARD_CONVERSION_LAG_DAYS,
    HARD_LIFT_GROWTH_PER_YEAR,
    HARD_MISSING_SHARE,
    HARD_SECOND_HARMONIC,
    HARD_TEAM_QUARTER_SD,
    INITIAL_CUSTOMERS,
    LEADS_PER_REP_WEEK,
    PRICE_AFTER,
    PRICE_BEFORE,
    PRICE_CHANGE,
    PRICE_CHURN_MONTHS,
    PRICE_CHURN_RISE,
    REPS_PER_TEAM,
    SALES_TEAMS,
    SEATS_PER_NEW_CUSTOMER,
    SOURCE_CONVERSION_SHIFT,
    SOURCE_SHARES,
    TEAM_BASE_CONVERSION,
    adoption_share,
    crm_lift,
    hard_crm_lift,
    list_price,
    planted_lift,
)
from .security import (  # noqa: F401
    ACCESS_REVIEW_DAYS,
    ACCESS_REVIEW_EVERY_MONTHS,
    ACCESS_REVIEW_START,
    ACCOUNT_PLAN,
    DESTRUCTIVE_ACTION_RATES,
    EXPORT_AUDIT_FIX,
    LEAD_REQUEST_SHARE,
    LEGAL_COVER,
    OFFBOARDING_MISSED_ACCOUNTS,
    REVIEW_COVERAGE,
    STAFF_SEATS,
    UNWATCHED_SYSTEM,
    unlogged_path,
)
from .service_desk import (  # noqa: F401
    APPROVAL_RETURN_AFTER,
    APPROVAL_RETURN_BEFORE,
    APPROVAL_RETURN_REASONS,
    APPROVAL_REWORK_MEDIAN_MINUTES,
    CSAT_RESPONSE_SHARE,
    SERVICE_FCR_BEFORE,
    SERVICE_FCR_LIFT,
    SERVICE_HANDLE_MEDIAN_MINUTES_AFTER,
    SERVICE_HANDLE_MEDIAN_MINUTES_BEFORE,
    SERVICE_HANDLE_SIGMA,
    SERVICE_REOPEN_AFTER,
    SERVICE_REOPEN_BEFORE,
    SLA_DUE_HOURS,
    SURVEY_ITEM_SD,
    SURVEY_MONTHS,
    SURVEY_RESPONSE_SHARE,
    SURVEY_SYSTEMS,
    expected_item,
    service_desk_truths,
    umux_lite_expected,
)
from .tables import (  # noqa: F401
    generate,
)
from .truths import (  # noqa: F401
    PLANTED_TRUTHS,
    TRUTHS_FILE,
    planted_truths,
    realised_truths,
)
