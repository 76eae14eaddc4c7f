"""Score the positioning self-assessment: rubric answers -> stage per dimension, profile, gaps or a conversation.

One answers file describes one pair: a PM (or a product team) and the one business their system serves. A PM
who serves two businesses fills in the rubric twice, because the ladder places a relationship, not a person.

The rule, as the book states it:

1. An answer is agreement with a behaviour statement, from 1 (strongly disagree) to 5 (strongly agree),
   with the evidence the respondent can point to (a document, a meeting, a record), or none.
2. A stage is *met* in a dimension when its answered statements agree: none below 3 and a mean of at least
   4. A stage with no answered statement is not met. A stage is *denied* when none of its answered
   statements is agreed with (every answer 3 or less).
3. The stage in a dimension is the highest stage reached by meeting every stage below it too:
   follow, then collaborate, then drive, then lead. Meeting none gives 0, "not yet follow".
4. The answers in a dimension are *inconsistent* when a stage is met above a denied one (for example lead
   met while follow is denied). A stage that is merely not met below a met one (one weak answer on a
   foundation) is a gap, not an inconsistency.
5. The profile is the five dimension stages; the overall stage is their minimum, the stage reached in every
   dimension. The median is reported beside it, never instead of it.
6. The gaps to the next stage (one above the overall stage) are the statements at or below it that the
   respondent does not agree with (an answer of 3 or less, or no answer), lowest stage first, then by weight:
   importance x (4 - answer), an unanswered statement counting as an answer of 1.
7. An inconsistent respondent gets no gap list: each flagged dimension is a point for a conversation instead.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .loader import load_csv
from .schema import field, optional
from .vocabulary import STAGES

STAGE_NAMES = {0: "not yet follow", **{level: name for level, name in enumerate(STAGES, start=1)}}
TOP_STAGE = len(STAGES)
MET_MINIMUM = 3  # rule 2: no answer of the stage below this
MET_MEAN = 4.0  # rule 2: and the stage's answers average at least this
AGREES_AT = 4  # an answer of 4 or 5 is agreement
UNANSWERED_COUNTS_AS = 1  # rule 6: no answer is weighted as strong disagreement

# Written with the contract's field helpers, so a user's answers file is specified as the data folder's tables are.
ANSWERS_FILE = {
    "title": "One person's self-assessment answers, for one business",
    "fields": [
        field("item_id", "string", "Rubric statement, as in rubric_items.csv.", unique=True),
        optional(field("agreement", "integer", "1 strongly disagree .. 5 strongly agree; blank if skipped.",
                        minimum=1, maximum=5)),
        optional(field("evidence", "string",
                        "What you can point to for the answer (a document, a meeting, a record); blank if nothing.")),
    ],
    "primaryKey": ["item_id"],
    "atLeastOneValue": ["agreement"],  # a blank answers file gets its one line, not an empty score
}


def load_answers(path: str | Path, rubric: pd.DataFrame, respondent: str) -> pd.DataFrame:
    """Read one person's answers file (the shipped template, filled in) as rows of
    (respondent, item_id, agreement, evidence).

    Blank answers are dropped, as if skipped; blank evidence is read as "". Raises DataError naming the file,
    row and column of the first problem, including statements that are not in the rubric.
    """
    fields = {field["name"]: field for field in ANSWERS_FILE["fields"]}
    item_id = fields["item_id"]
    # Only the rubric's statements are allowed; the validator then names the row of any other.
    fields["item_id"] = {**item_id, "constraints": {**item_id["constraints"], "enum": rubric["item_id"].tolist()}}
    answers = load_csv(path, {**ANSWERS_FILE, "fields": list(fields.values())})
    answers = answers.dropna(subset=["agreement"]).astype({"agreement": "int64"})
    answers = answers.assign(respondent=respondent, evidence=_evidence(answers))
    return answers[["respondent", "item_id", "agreement", "evidence"]].reset_index(drop=True)


def _evidence(answers: pd.DataFrame) -> pd.Series:
    """The evidence column as stripped text ("" where blank or absent)."""
    if "evidence" not in answers:
        return pd.Series("", index=answers.index, dtype=object)
    return answers["evidence"].astype(object).where(answers["evidence"].notna(), "").astype(str).str.strip()


def _by_stage(answers: pd.DataFrame, rubric: pd.DataFrame, aggfunc: str) -> pd.DataFrame:
    merged = answers.merge(rubric[["item_id", "dimension", "stage_level"]], on="item_id")
    table = merged.pivot_table(index=["respondent", "dimension"], columns="stage_level", values="agreement",
                               aggfunc=aggfunc)
    respondents = answers["respondent"].unique()
    full_index = pd.MultiIndex.from_product([respondents, rubric["dimension"].unique()],
                                            names=["respondent", "dimension"])
    return table.reindex(index=full_index, columns=range(1, TOP_STAGE + 1))


def stage_means(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Mean agreement per respondent, dimension and stage level (columns 1..4); NaN where nothing was answered."""
    return _by_stage(answers, rubric, "mean")


def stage_minimums(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Lowest answer per respondent, dimension and stage level; NaN where nothing was answered."""
    return _by_stage(answers, rubric, "min")


def stage_met(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Rule 2: True where a stage's answers agree (none below MET_MINIMUM, mean at least MET_MEAN)."""
    return (stage_minimums(answers, rubric) >= MET_MINIMUM) & (stage_means(answers, rubric) >= MET_MEAN)


def stage_denied(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Rule 2: True where a stage was answered and none of its answers is agreement."""
    return _by_stage(answers, rubric, "max") < AGREES_AT


def score_dimensions(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Stage reached per respondent and dimension (rule 3), the highest stage met anywhere, and the
    inconsistent flag (rule 4)."""
    met = stage_met(answers, rubric)
    denied = stage_denied(answers, rubric)
    # Rule 3: count the met stages before the first unmet one.
    stage = met.cumprod(axis=1).sum(axis=1).astype(int)
    levels = pd.DataFrame([met.columns.to_numpy()] * len(met), index=met.index, columns=met.columns)
    highest_met = levels.where(met, 0).max(axis=1).astype(int)
    # Rule 4: a denied stage below the highest met one.
    inconsistent = (denied & levels.lt(highest_met, axis=0)).any(axis=1)
    return pd.DataFrame({"stage": stage, "highest_met": highest_met, "inconsistent": inconsistent})


def score_people(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: overall stage (the minimum, rule 5), its name, the median beside it, the weakest
    dimensions, the inconsistent flag, unanswered statements and agreements with no evidence."""
    dimensions = score_dimensions(answers, rubric)
    grouped = dimensions.groupby(level="respondent", sort=False)
    overall = grouped["stage"].min().astype(int)
    weakest = dimensions["stage"].groupby(level="respondent", sort=False).apply(_weakest)
    answered = answers.groupby("respondent", sort=False)["item_id"].nunique()
    agreed = answers[answers["agreement"] >= AGREES_AT]
    unevidenced = (_evidence(agreed) == "").groupby(agreed["respondent"], sort=False).sum()
    return pd.DataFrame(
        {
            "overall_stage": overall,
            "stage_name": overall.map(STAGE_NAMES),
            "median_stage": grouped["stage"].median().map(math.floor).astype(int),
            "weakest": weakest.reindex(overall.index),
            "inconsistent": grouped["inconsistent"].any(),
            "unanswered": len(rubric) - answered.reindex(overall.index),
            "agreed_without_evidence": unevidenced.reindex(overall.index, fill_value=0).astype(int),
        }
    )


def _weakest(stages: pd.Series) -> str:
    """The dimensions at the minimum, or "" when the profile is flat (every dimension at one stage)."""
    if stages.nunique() == 1:
        return ""
    return ", ".join(stages.index.get_level_values("dimension")[stages == stages.min()])


def top_gaps(answers: pd.DataFrame, rubric: pd.DataFrame, people: pd.DataFrame, limit: int = 3) -> pd.DataFrame:
    """The statements each consistent respondent should work on to reach the next stage (rule 6), at most
    `limit` each. Inconsistent respondents are left out (rule 7): see `conversation_points`."""
    rows = []
    for respondent, person in people.iterrows():
        next_stage = person["overall_stage"] + 1
        if next_stage > TOP_STAGE or person["inconsistent"]:
            continue
        mine = answers[answers["respondent"] == respondent].set_index("item_id")["agreement"]
        candidates = rubric[rubric["stage_level"] <= next_stage]
        candidates = candidates.assign(agreement=candidates["item_id"].map(mine).astype("Int64"))
        counted = candidates["agreement"].fillna(UNANSWERED_COUNTS_AS)
        gaps = candidates[counted < AGREES_AT]
        shortfall = AGREES_AT - counted[gaps.index]
        gaps = gaps.assign(weight=(gaps["importance"] * shortfall).astype(int))
        gaps = gaps.sort_values(["stage_level", "weight", "item_id"], ascending=[True, False, True]).head(limit)
        rows.append(gaps.assign(respondent=respondent, next_stage=STAGE_NAMES[next_stage]))
    columns = ["respondent", "next_stage", "item_id", "dimension", "stage", "importance", "agreement", "weight",
               "statement"]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.concat(rows, ignore_index=True)[columns]


def conversation_points(answers: pd.DataFrame, rubric: pd.DataFrame) -> pd.DataFrame:
    """Rule 7: one row per inconsistent dimension, with the stages denied below a met one, the stages met above
    a denied one, and how many of the agreements there name no evidence. These open a conversation."""
    met = stage_met(answers, rubric)
    denied = stage_denied(answers, rubric)
    flagged = score_dimensions(answers, rubric)
    flagged = flagged[flagged["inconsistent"]]
    merged = answers.assign(evidence=_evidence(answers)).merge(rubric[["item_id", "dimension", "stage_level"]],
                                                               on="item_id")
    rows = []
    for (respondent, dimension), row in flagged.iterrows():
        denied_levels = [level for level in denied.columns if denied.loc[(respondent, dimension), level]
                         and level < row["highest_met"]]
        met_levels = [level for level in met.columns if met.loc[(respondent, dimension), level]
                      and level > min(denied_levels)]
        claims = merged[(merged["respondent"] == respondent) & (merged["dimension"] == dimension)
                        & merged["stage_level"].isin(met_levels)]
        rows.append((respondent, dimension, ", ".join(STAGE_NAMES[level] for level in denied_levels),
                     ", ".join(STAGE_NAMES[level] for level in met_levels),
                     int(((claims["agreement"] >= AGREES_AT) & (claims["evidence"] == "")).sum())))
    return pd.DataFrame(rows, columns=["respondent", "dimension", "denied", "met_above", "claims_without_evidence"])
