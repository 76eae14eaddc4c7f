"""Score the positioning self-assessment: rubric answers -> stage per dimension, overall stage, gaps.

The rule, as the book states it:

1. An answer is agreement with a behaviour statement, from 1 (strongly disagree) to 5 (strongly agree).
2. A stage is *met* in a dimension when the answered statements of that stage average at least 3.5.
   A stage with no answered statement is not met.
3. The stage in a dimension is the highest stage reached by meeting every stage below it too:
   follow, then collaborate, then drive, then lead. Meeting none gives 0, "not yet follow".
4. The answers in a dimension are *inconsistent* when a stage above the one reached is met anyway
   (for example lead met while follow is not): the dimension keeps the lower stage and is flagged.
5. The overall stage is the median of the dimension stages, rounded down.
6. The gaps to the next stage are the statements at or below the next stage that the person does not
   agree with (answer 3 or less, or no answer), lowest stage first, then lowest answer.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .loader import load_csv

STAGE_NAMES = {0: "not yet follow", 1: "follow", 2: "collaborate", 3: "drive", 4: "lead"}
TOP_STAGE = 4
STAGE_MET_AT = 3.5
AGREES_AT = 4

ANSWERS_FILE = {
    "title": "One person's self-assessment answers",
    "fields": [
        {"name": "item_id", "type": "string", "description": "Rubric statement, as in rubric_items.csv.",
         "constraints": {"required": True, "unique": True}},
        {"name": "agreement", "type": "integer",
         "description": "1 strongly disagree .. 5 strongly agree; blank if skipped.",
         "constraints": {"required": False, "minimum": 1, "maximum": 5}},
    ],
    "primaryKey": ["item_id"],
}


def load_answers(path: str | Path, rubric: pd.DataFrame, respondent: str) -> pd.DataFrame:
    """Read one person's answers file (the shipped template, filled in) as rows of (respondent, item_id, agreement).

    Blank answers are dropped, as if skipped. Raises DataError naming the file, row and column of the
    first problem, including statements that are not in the rubric.
    """
    item_id, agreement = ANSWERS_FILE["fields"]
    # Only the rubric's statements are allowed; the validator then names the row of any other.
    known_items = {**item_id, "constraints": {**item_id["constraints"], "enum": rubric["item_id"].tolist()}}
    answers = load_csv(path, {**ANSWERS_FILE, "fields": [known_items, agreement]})
    answers = answers.dropna(subset=["agreement"]).astype({"agreement": "int64"})
    return answers.assign(respondent=respondent)[["respondent", "item_id", "agreement"]]


def stage_means(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Mean agreement per respondent, dimension and stage level (columns 1..4); NaN where nothing was answered."""
    merged = answers.merge(rubric[["item_id", "dimension", "stage_level"]], on="item_id")
    means = merged.pivot_table(index=["respondent", "dimension"], columns="stage_level", values="agreement",
                               aggfunc="mean")
    respondents = answers["respondent"].unique()
    full_index = pd.MultiIndex.from_product([respondents, rubric["dimension"].unique()],
                                            names=["respondent", "dimension"])
    return means.reindex(index=full_index, columns=range(1, TOP_STAGE + 1))


def score_dimensions(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Stage reached per respondent and dimension, with the inconsistent flag (rules 2 to 4)."""
    met = stage_means(answers, rubric) >= STAGE_MET_AT
    # Rule 3: count the met stages before the first unmet one.
    stage = met.cumprod(axis=1).sum(axis=1).astype(int)
    levels = pd.DataFrame([met.columns.to_numpy()] * len(met), index=met.index, columns=met.columns)
    inconsistent = (met & levels.gt(stage, axis=0)).any(axis=1)
    return pd.DataFrame({"stage": stage, "inconsistent": inconsistent})


def score_people(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: overall stage (rule 5), its name, flags and the count of unanswered statements."""
    dimensions = score_dimensions(answers, rubric)
    grouped = dimensions.groupby(level="respondent", sort=False)
    overall = grouped["stage"].median().map(math.floor).astype(int)
    answered = answers.groupby("respondent", sort=False)["item_id"].nunique()
    return pd.DataFrame(
        {
            "overall_stage": overall,
            "stage_name": overall.map(STAGE_NAMES),
            "inconsistent": grouped["inconsistent"].any(),
            "unanswered": len(rubric) - answered.reindex(overall.index),
        }
    )


def top_gaps(answers: pd.DataFrame, rubric: pd.DataFrame, people: pd.DataFrame, limit: int = 3) -> pd.DataFrame:
    """The statements each respondent should work on to reach the next stage (rule 6), at most `limit` each."""
    rows = []
    for respondent, person in people.iterrows():
        next_stage = person["overall_stage"] + 1
        if next_stage > TOP_STAGE:
            continue
        mine = answers[answers["respondent"] == respondent].set_index("item_id")["agreement"]
        candidates = rubric[rubric["stage_level"] <= next_stage]
        candidates = candidates.assign(agreement=candidates["item_id"].map(mine))
        gaps = candidates[~(candidates["agreement"] >= AGREES_AT)]
        gaps = gaps.sort_values(["stage_level", "agreement", "item_id"], na_position="first").head(limit)
        rows.append(gaps.assign(respondent=respondent, next_stage=STAGE_NAMES[next_stage]))
    columns = ["respondent", "next_stage", "item_id", "dimension", "stage", "agreement", "statement"]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)[columns]
