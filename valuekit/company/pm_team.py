"""The PM team's self-assessment: the rubric's statements and each PM's planted answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..vocabulary import STAGES

DIMENSIONS = {
    "business_understanding": (
        "I can walk through, step by step, how the team I serve does its work today.",
        "I can name my system's user roles and say what each one does in it.",
        "I can draw the end-to-end flow my system supports, including its exception branches.",
        "I join the business's regular reviews and know the targets it is measured on.",
        "I can explain how my users' KPIs are built and which steps of the process move them.",
        "I have mapped the business's mid-term plan to the gaps in my system.",
        "Business leaders ask me to structure a new business line before it launches.",
        "I predict which capabilities the business will need a year ahead, and I am usually right.",
    ),
    "rules_ownership": (
        "I can deliver what the business specifies, on the date agreed.",
        "I can point to a written record of every business rule the system implements.",
        "I rewrite incoming requests into rules and fields before they are built.",
        "Business users and I agree on acceptance criteria together.",
        "I propose changes to business rules, backed by analysis, and most are adopted.",
        "I order the backlog by the business's goals, not by who asks loudest.",
        "I offer the framework within which the business decides its rules, and it owns the outcome.",
        "Rule changes that cross departments go through a process I designed.",
    ),
    "data_metrics": (
        "I can say which features shipped this quarter and who uses them.",
        "I can pull basic usage numbers for my system when asked.",
        "Usage and efficiency metrics for my system are instrumented and reviewed monthly.",
        "I can show a task's cycle time before and after a release.",
        "I link my system's usage to the business's KPIs with a comparison group or a staged rollout.",
        "The business uses dashboards from my system in its own reviews.",
        "I run experiments such as A/B tests on business strategy through the system.",
        "Leadership decisions cite evidence produced by my system.",
    ),
    "collaboration": (
        "I can name a contact in each business team my system serves.",
        "I can be reached by business users when something breaks, and they know how.",
        "Operations, business and product plan work together on a fixed rhythm.",
        "Business users test new releases with me before launch.",
        "I bring problems and options to the business before it asks.",
        "The business no longer keeps offline spreadsheets next to my system.",
        "Other departments come to me to broker data and resources across teams.",
        "The business treats me as a co-owner of its operating results.",
    ),
    "system_maturity": (
        "I can show the process my system supports as structured steps and fields.",
        "I can show that records in the system use agreed definitions of status, owner and category.",
        "The core process runs online, end to end, in the system.",
        "Users update records in the system as they work, not afterwards.",
        "Data from the system drives routine decisions such as lead assignment or routing.",
        "At least one piece of manual back-office work has been replaced by rules.",
        "At least one decision is made automatically by a model or strategy, and monitored.",
        "The system's capabilities are reused by other systems or offered to outside customers.",
    ),
}

# How much each statement matters for the stage it belongs to (rubric_items.importance), in DIMENSIONS order:
# 3 the behaviour the stage rests on, 2 expected, 1 helpful. Gaps are weighted by it.
IMPORTANCE = {
    "business_understanding": (3, 2, 3, 2, 3, 2, 2, 1),
    "rules_ownership": (3, 2, 3, 2, 3, 2, 3, 1),
    "data_metrics": (2, 3, 3, 2, 3, 2, 2, 3),
    "collaboration": (2, 3, 3, 2, 3, 2, 1, 2),
    "system_maturity": (3, 2, 3, 2, 2, 3, 2, 1),
}

# What a PM who agrees with a stage's statements points to (pm_answers.evidence), per dimension and stage.
EVIDENCE = {
    "business_understanding": ("process notes for the team I serve", "a flow diagram with its exception branches",
                               "a KPI breakdown mapped to process steps",
                               "a structure proposal for a new business line"),
    "rules_ownership": ("the rule register and the delivery dates", "requests rewritten as rules, with agreed "
                        "acceptance criteria", "rule-change proposals and which were adopted",
                        "the cross-department rule-change process"),
    "data_metrics": ("the release notes and a usage report", "the monthly metrics review and a before/after chart",
                     "a staged-rollout comparison in the business's review deck",
                     "an experiment readout cited in a leadership decision"),
    "collaboration": ("the contact list and the support channel", "the joint planning calendar and test sign-offs",
                      "option papers sent before the business asked", "requests from other departments to broker data"),
    "system_maturity": ("the process spec and field definitions", "system logs of the process run end to end",
                        "the routing rules and the manual task they replaced",
                        "a monitored automated decision, or another system calling ours"),
}

# Planted stage (1 follow .. 4 lead) of each PM in each dimension, in DIMENSIONS order.
PM_TEAM = [
    ("PM01", "Chen Yu", 0.5, "crm", (1, 1, 1, 1, 1)),
    ("PM02", "Li Na", 1.0, "service_desk", (1, 2, 1, 2, 1)),
    ("PM03", "Wang Lei", 1.5, "approvals", (2, 2, 2, 2, 2)),
    ("PM04", "Zhao Min", 2.0, "content", (2, 2, 1, 2, 2)),
    ("PM05", "Liu Yang", 2.5, "crm", (2, 3, 2, 2, 3)),
    ("PM06", "Sun Jie", 3.0, "service_desk", (3, 3, 3, 3, 3)),
    ("PM07", "Zhou Ting", 3.0, "approvals", (2, 2, 2, 2, 2)),
    ("PM08", "Wu Hao", 4.0, "content", (3, 3, 4, 3, 3)),
    ("PM09", "Xu Fang", 5.0, "crm", (3, 4, 3, 4, 3)),
    ("PM10", "Ma Rui", 6.0, "approvals", (4, 4, 4, 4, 4)),
    ("PM11", "Hu Jing", 1.0, "service_desk", (1, 1, 2, 1, 1)),
    ("PM12", "Gao Peng", 2.0, "content", (2, 3, 2, 3, 2)),
]
INCONSISTENT_PM = "PM07"  # agrees with drive and lead statements, disagrees with follow and collaborate ones,
# and names no evidence for any agreement
PM_WITH_GAPS = "PM12"  # left four statements unanswered
UNANSWERED_ITEMS = ("I05", "I14", "I27", "I38")


def _rubric_items() -> pd.DataFrame:
    rows = []
    for dimension, statements in DIMENSIONS.items():
        for position, statement in enumerate(statements):
            stage_level = position // 2 + 1
            rows.append((dimension, STAGES[stage_level - 1], stage_level, IMPORTANCE[dimension][position], statement))
    items = pd.DataFrame(rows, columns=["dimension", "stage", "stage_level", "importance", "statement"])
    items.insert(0, "item_id", [f"I{i:02d}" for i in range(1, len(items) + 1)])
    return items


def _pm_answers(rng: np.random.Generator, items: pd.DataFrame) -> pd.DataFrame:
    dimension_order = list(DIMENSIONS)
    rows = []
    for pm_id, _name, _tenure, _system, stages in PM_TEAM:
        for item in items.itertuples():
            if pm_id == PM_WITH_GAPS and item.item_id in UNANSWERED_ITEMS:
                continue
            true_stage = stages[dimension_order.index(item.dimension)]
            agrees = item.stage_level <= true_stage
            if pm_id == INCONSISTENT_PM:
                agrees = item.stage_level >= 3
            answer = rng.choice([4, 5]) if agrees else rng.choice([1, 2, 3], p=[0.45, 0.4, 0.15])
            # No random draw here: the evidence is a fixed text, so the answers themselves never change with it.
            evidence = EVIDENCE[item.dimension][item.stage_level - 1] if agrees and pm_id != INCONSISTENT_PM else ""
            rows.append((pm_id, item.item_id, int(answer), evidence))
    return pd.DataFrame(rows, columns=["pm_id", "item_id", "agreement", "evidence"])
