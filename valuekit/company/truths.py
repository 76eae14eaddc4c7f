"""The sample company's planted truths: the effects its generator planted, and the file that carries them.

A generated folder holds ``planted_truths.json`` beside its tables (``valuekit.generate`` writes it); the
notebooks read it with :func:`planted_truths`, so they compare their estimates with the truths of the folder
they run on, and with none on a reader's own data. The data contract knows nothing of this file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .common import DEFAULT_SEED
from .middle_office import (
    CHARGEBACK_CALL_CHANGE,
    INFRA_BASE_CNY_PER_MONTH,
    INFRA_CNY_PER_MILLION_CALLS,
    LAUNCH_WEEKS_SAVED,
    PLATFORM_TEAM_CNY_PER_MONTH,
    WEEKS_PER_SCOPE_POINT,
    _middle_office,
)
from .operations import (
    APPROVAL_MEDIAN_HOURS_AFTER,
    APPROVAL_MEDIAN_HOURS_BEFORE,
    APPROVAL_TOUCH_MEDIAN_MINUTES,
    APPROVERS_AFTER,
    APPROVERS_BEFORE,
    PUSH_MEDIAN_MINUTES_AUTOMATED,
    PUSH_MEDIAN_MINUTES_MANUAL,
    SERVICE_EFFECT_HOURS,
    SERVICE_SEASON_AMPLITUDE_HOURS,
    _approvals,
)
from .sales import (
    ADOPTION_CEILING,
    CONVERSION_TREND_PER_YEAR,
    CRM_LIFT,
    CRM_RAMP_WEEKS,
    PRICE_AFTER,
    PRICE_BEFORE,
    _sales_reps,
    _sales_teams,
)
from .security import REVIEW_COVERAGE, _security

#: The file a generated sample folder carries beside its tables: the effects its generator planted.
TRUTHS_FILE = "planted_truths.json"

PLANTED_TRUTHS = {
    "crm_lift_pp": CRM_LIFT * 100,
    "crm_ramp_weeks": CRM_RAMP_WEEKS,
    "crm_never_treated_team": "T6",
    "conversion_trend_pp_per_year": CONVERSION_TREND_PER_YEAR * 100,
    "adoption_ceiling": ADOPTION_CEILING,
    "approval_median_hours_before": APPROVAL_MEDIAN_HOURS_BEFORE,
    "approval_median_hours_after": APPROVAL_MEDIAN_HOURS_AFTER,
    "approvers_before": len(APPROVERS_BEFORE),
    "approvers_after": len(APPROVERS_AFTER),
    "approval_touch_median_minutes": APPROVAL_TOUCH_MEDIAN_MINUTES,
    "service_effect_hours": SERVICE_EFFECT_HOURS,
    "service_season_amplitude_hours": SERVICE_SEASON_AMPLITUDE_HOURS,
    "price_before_cny": PRICE_BEFORE,
    "price_after_cny": PRICE_AFTER,
    "push_median_minutes_manual": PUSH_MEDIAN_MINUTES_MANUAL,
    "push_median_minutes_automated": PUSH_MEDIAN_MINUTES_AUTOMATED,
    "launch_weeks_saved": LAUNCH_WEEKS_SAVED,
    "weeks_per_scope_point": WEEKS_PER_SCOPE_POINT,
    "infra_cny_per_million_calls": INFRA_CNY_PER_MILLION_CALLS,
    "platform_fixed_cny_per_month": PLATFORM_TEAM_CNY_PER_MONTH + INFRA_BASE_CNY_PER_MONTH,
    "chargeback_call_change": CHARGEBACK_CALL_CHANGE,
    "review_coverage_by_system": dict(REVIEW_COVERAGE),
}


def planted_truths(data_dir: str | Path) -> dict:
    """The planted effects a sample folder states in TRUTHS_FILE, or {} for a folder that has none (yours).

    Notebooks draw planted-truth overlays and score their estimates only when this is not empty.
    """
    path = Path(data_dir) / TRUTHS_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def realised_truths(seed: int = DEFAULT_SEED) -> dict:
    """The counts the middle-office and security tables were built to contain, straight from the generator.

    Rebuilds only what those tables depend on (reps and approvals come first in the main generator's order).
    """
    rng = np.random.default_rng(seed)
    teams = _sales_teams()
    reps = _sales_reps(rng)
    approvals, steps = _approvals(rng)
    return {**_middle_office(seed)[1], **_security(seed, teams, reps, approvals, steps)[1]}

