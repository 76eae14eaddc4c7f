"""The self-assessment scoring rule on hand-checked cases, the answers file, and the one-parameter rerun."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from valuekit import DataError, load_tables
from valuekit import company as kestrel
from valuekit.positioning import conversation_points, load_answers, score_dimensions, score_people, top_gaps

from .conftest import DATA_DIR, ROOT
from .helpers import glued_value

PART2 = ROOT / "book" / "part2"
DIMENSIONS = list(kestrel.DIMENSIONS)


@pytest.fixture(scope="module")
def rubric():
    return load_tables(DATA_DIR, ["rubric_items"])["rubric_items"]


def answers_from(rubric, answer_for, respondent="R"):
    """Answer every statement with answer_for(item) (None leaves it unanswered)."""
    rows = [(respondent, item.item_id, answer_for(item)) for item in rubric.itertuples()]
    frame = pd.DataFrame(rows, columns=["respondent", "item_id", "agreement"])
    return frame.dropna(subset=["agreement"]).astype({"agreement": "int64"})


def stages(scores, respondent="R"):
    return scores.loc[respondent, "stage"].reindex(DIMENSIONS).tolist()


def test_all_answers_at_one_stage(rubric):
    answers = answers_from(rubric, lambda item: 5 if item.stage_level <= 2 else 1)
    dimensions = score_dimensions(answers, rubric)
    assert stages(dimensions) == [2, 2, 2, 2, 2]
    assert not dimensions["inconsistent"].any()
    person = score_people(answers, rubric).loc["R"]
    assert (person["overall_stage"], person["stage_name"], person["unanswered"]) == (2, "collaborate", 0)
    assert (person["median_stage"], person["weakest"]) == (2, "")


def test_extremes(rubric):
    top = score_people(answers_from(rubric, lambda item: 5), rubric).loc["R"]
    bottom = score_people(answers_from(rubric, lambda item: 1), rubric).loc["R"]
    assert (top["overall_stage"], top["stage_name"]) == (4, "lead")
    assert (bottom["overall_stage"], bottom["stage_name"]) == (0, "not yet follow")
    assert not bottom["inconsistent"]


def test_overall_stage_is_the_minimum_with_the_median_beside_it(rubric):
    target = dict(zip(DIMENSIONS, [1, 2, 3, 4, 2], strict=True))
    answers = answers_from(rubric, lambda item: 4 if item.stage_level <= target[item.dimension] else 2)
    assert stages(score_dimensions(answers, rubric)) == [1, 2, 3, 4, 2]
    person = score_people(answers, rubric).loc["R"]
    assert (person["overall_stage"], person["median_stage"], person["weakest"]) == (1, 2, "business_understanding")

    # A dimension left entirely unanswered scores 0: stages 1, 2, 3, 0, 2 give 0 overall (the median is 2).
    skipped = answers[~answers["item_id"].isin(rubric.loc[rubric["dimension"] == "collaboration", "item_id"])]
    assert stages(score_dimensions(skipped, rubric)) == [1, 2, 3, 0, 2]
    person = score_people(skipped, rubric).loc["R"]
    assert (person["overall_stage"], person["median_stage"], person["weakest"]) == (0, 2, "collaboration")

    # Stages 0, 1, 1, 4, 4: two dimensions at lead do not lift the overall stage above the one stuck at 0.
    target = dict(zip(DIMENSIONS, [0, 1, 1, 4, 4], strict=True))
    lopsided = answers_from(rubric, lambda item: 4 if item.stage_level <= target[item.dimension] else 2)
    person = score_people(lopsided, rubric).loc["R"]
    assert (person["overall_stage"], person["median_stage"]) == (0, 1)
    assert not person["inconsistent"]


def test_a_stage_is_met_only_when_its_answers_agree(rubric):
    def two_answers(first, second):
        def answer(item):
            if item.dimension != "business_understanding" or item.stage_level > 1:
                return 1
            return first if item.item_id == "I01" else second
        return stages(score_dimensions(answers_from(rubric, answer), rubric))[0]

    assert two_answers(4, 4) == 1  # min 4, mean 4.0: met
    assert two_answers(5, 3) == 1  # min 3, mean 4.0: met
    assert two_answers(5, 2) == 0  # mean 3.5, but one disagreement: not met (met under the old 3.5 mean rule)
    assert two_answers(4, 3) == 0  # min 3, mean 3.5: not met (met under the old rule)
    assert two_answers(3, 3) == 0
    assert two_answers(5, 5) == 1


def test_a_lead_answering_2_on_a_foundation_is_a_gap_not_an_inconsistency(rubric):
    # Everything 5 except one foundation statement of rules ownership (I09, "I can deliver what the business
    # specifies ..."): follow is not met there (5 and 2 do not agree), but it is not denied either.
    answers = answers_from(rubric, lambda item: 2 if item.item_id == "I09" else 5)
    dimensions = score_dimensions(answers, rubric)
    assert not dimensions["inconsistent"].any()
    assert stages(dimensions) == [4, 0, 4, 4, 4]
    assert dimensions.loc[("R", "rules_ownership"), "highest_met"] == 4
    person = score_people(answers, rubric).loc["R"]
    assert (person["overall_stage"], person["median_stage"], person["weakest"]) == (0, 4, "rules_ownership")
    assert not person["inconsistent"]
    gaps = top_gaps(answers, rubric, score_people(answers, rubric))
    assert gaps["item_id"].tolist() == ["I09"]  # the one statement to secure; nothing else is below 4
    assert (gaps["next_stage"].iloc[0], gaps["weight"].iloc[0]) == ("follow", 3 * (4 - 2))


def test_inconsistent_answers_open_a_conversation_not_a_gap_list(rubric):
    answers = answers_from(rubric, lambda item: 5 if item.stage_level >= 3 else 1)
    dimensions = score_dimensions(answers, rubric)
    assert stages(dimensions) == [0, 0, 0, 0, 0]
    assert dimensions["inconsistent"].all()
    people = score_people(answers, rubric)
    assert bool(people.loc["R", "inconsistent"])
    assert people.loc["R", "agreed_without_evidence"] == 20  # no evidence column at all: every claim is bare
    assert top_gaps(answers, rubric, people).empty
    talk = conversation_points(answers, rubric)
    assert talk["dimension"].tolist() == DIMENSIONS
    assert set(talk["denied"]) == {"follow, collaborate"}
    assert set(talk["met_above"]) == {"drive, lead"}
    assert set(talk["claims_without_evidence"]) == {4}

    # A gap in the middle: follow and drive met, collaborate denied.
    gapped = answers_from(rubric, lambda item: {1: 5, 2: 1, 3: 5, 4: 1}[item.stage_level])
    dimensions = score_dimensions(gapped, rubric)
    assert stages(dimensions) == [1, 1, 1, 1, 1]
    assert dimensions["inconsistent"].all()
    talk = conversation_points(gapped, rubric)
    assert set(talk["denied"]) == {"collaborate"} and set(talk["met_above"]) == {"drive"}

    # Consistent answers give no conversation points.
    assert conversation_points(answers_from(rubric, lambda item: 5), rubric).empty


def test_missing_answers(rubric):
    # One statement of a stage missing: the other one decides.
    one_missing = answers_from(rubric,
                               lambda item: None if item.item_id == "I01" else (4 if item.stage_level <= 2 else 1))
    assert stages(score_dimensions(one_missing, rubric))[0] == 2
    assert score_people(one_missing, rubric).loc["R", "unanswered"] == 1

    # Both statements of a stage missing: the stage is not met, so the dimension stops below it; an unanswered
    # stage is not denied, so a met stage above it is not an inconsistency.
    both_missing = answers_from(
        rubric, lambda item: None if item.item_id in ("I03", "I04") else (4 if item.stage_level != 4 else 1))
    dimensions = score_dimensions(both_missing, rubric)
    assert stages(dimensions)[0] == 1
    assert dimensions.loc[("R", "business_understanding"), "highest_met"] == 3
    assert not dimensions["inconsistent"].any()
    assert score_people(both_missing, rubric).loc["R", "unanswered"] == 2


def test_gaps_list_lowest_stage_first_then_by_importance_weight(rubric):
    def answer(item):
        if item.item_id == "I01":
            return 5
        if item.item_id == "I02":
            return 3  # with I01's 5: min 3, mean 4, so follow is met but I02 is not yet secured
        if item.item_id == "I19":
            return 1
        return 4 if item.stage_level <= 1 else 2

    answers = answers_from(rubric, answer)
    people = score_people(answers, rubric)
    assert people.loc["R", "overall_stage"] == 1
    gaps = top_gaps(answers, rubric, people)
    # I02: importance 2 x (4 - 3) = 2, but follow comes first; I19: 3 x (4 - 1) = 9; I03: 3 x (4 - 2) = 6.
    assert gaps["item_id"].tolist() == ["I02", "I19", "I03"]
    assert gaps["weight"].tolist() == [2, 9, 6]
    assert set(gaps["next_stage"]) == {"collaborate"}
    assert len(top_gaps(answers, rubric, people, limit=5)) == 5

    # Two collaborate gaps answered alike: the more important statement comes first, whatever its number.
    def two_gaps(item):
        return 2 if item.item_id in ("I04", "I11") else (5 if item.stage_level <= 2 else 1)

    answers = answers_from(rubric, two_gaps)
    people = score_people(answers, rubric)
    assert people.loc["R", "overall_stage"] == 1
    importance = rubric.set_index("item_id")["importance"]
    assert (importance["I11"], importance["I04"]) == (3, 2)
    assert top_gaps(answers, rubric, people)["item_id"].tolist()[:2] == ["I11", "I04"]


def test_unanswered_statements_are_gaps_and_lead_has_none(rubric):
    answers = answers_from(rubric, lambda item: None if item.item_id == "I11" else (4 if item.stage_level <= 1 else 2))
    people = score_people(answers, rubric)
    gaps = top_gaps(answers, rubric, people)
    assert gaps["item_id"].iloc[0] == "I11"
    assert gaps["weight"].iloc[0] == 3 * (4 - 1)  # no answer weighs like an answer of 1

    at_lead = answers_from(rubric, lambda item: 5)
    assert top_gaps(at_lead, rubric, score_people(at_lead, rubric)).empty


def test_importance_is_stated_in_the_rubric(rubric):
    assert rubric["importance"].between(1, 3).all()
    # Every dimension and stage has at least one statement of importance 2 or more.
    assert (rubric.groupby(["dimension", "stage_level"])["importance"].max() >= 2).all()


def test_scoring_recovers_the_planted_team(company):
    answers = company["pm_answers"].rename(columns={"pm_id": "respondent"})
    dimensions = score_dimensions(answers, company["rubric_items"])
    people = score_people(answers, company["rubric_items"])
    gaps = top_gaps(answers, company["rubric_items"], people)
    talk = conversation_points(answers, company["rubric_items"])
    for pm_id, _name, _tenure, _system, planted in kestrel.PM_TEAM:
        if pm_id == kestrel.INCONSISTENT_PM:
            assert people.loc[pm_id, "inconsistent"]
            assert pm_id not in set(gaps["respondent"])
            assert talk["respondent"].eq(pm_id).all() and len(talk) == len(DIMENSIONS)
            assert people.loc[pm_id, "agreed_without_evidence"] == 20
        else:
            assert stages(dimensions, pm_id) == list(planted), pm_id
            assert people.loc[pm_id, "overall_stage"] == min(planted), pm_id
            assert not people.loc[pm_id, "inconsistent"], pm_id
            assert people.loc[pm_id, "agreed_without_evidence"] == 0, pm_id
    assert people.loc[kestrel.PM_WITH_GAPS, "unanswered"] == len(kestrel.UNANSWERED_ITEMS)


def test_template_and_example_match_the_rubric(rubric):
    for name in ("self-assessment-template.csv", "self-assessment-example.csv"):
        shipped = pd.read_csv(PART2 / name, dtype=str, keep_default_na=False)
        expected = rubric[["item_id", "dimension", "stage", "importance", "statement"]].astype(str)
        pd.testing.assert_frame_equal(shipped[expected.columns], expected.reset_index(drop=True), check_dtype=False)
        assert shipped.columns[-2:].tolist() == ["agreement", "evidence"]
    # The template is there to be filled in: loaded blank, it gets the one line saying so, not an empty score.
    with pytest.raises(DataError, match=r", row 2, column 'agreement': every row leaves 'agreement' blank"):
        load_answers(PART2 / "self-assessment-template.csv", rubric, "blank")
    example = load_answers(PART2 / "self-assessment-example.csv", rubric, "me")
    assert example.columns.tolist() == ["respondent", "item_id", "agreement", "evidence"]
    assert example.loc[example["item_id"] == "I01", "evidence"].item() == "process notes for the team I serve"
    assert example.loc[example["item_id"] == "I05", "evidence"].item() == ""
    assert score_people(example, rubric).loc["me", "agreed_without_evidence"] == 1  # I30


@pytest.fixture()
def answers_copy(tmp_path):
    path = tmp_path / "my answers.csv"
    shutil.copy(PART2 / "self-assessment-example.csv", path)
    return path


def rewrite(path, row, column, value):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    frame.to_csv(path, index=False)


def test_answers_file_errors_name_file_row_and_column(rubric, answers_copy):
    rewrite(answers_copy, 5, "agreement", "6")
    with pytest.raises(DataError) as caught:
        load_answers(answers_copy, rubric, "me")
    assert str(caught.value) == f"{answers_copy}, row 5, column 'agreement': value '6' is above the maximum 5"

    rewrite(answers_copy, 5, "agreement", "yes")
    with pytest.raises(DataError, match=r"row 5, column 'agreement': value 'yes' is not an integer"):
        load_answers(answers_copy, rubric, "me")

    rewrite(answers_copy, 5, "agreement", "4")
    rewrite(answers_copy, 7, "item_id", "I99")
    with pytest.raises(DataError) as caught:
        load_answers(answers_copy, rubric, "me")
    assert str(caught.value) == (f"{answers_copy}, row 7, column 'item_id': value 'I99' is not one of the "
                                 "40 allowed values (I01, I02, I03, …)")

    rewrite(answers_copy, 7, "item_id", "I05")
    with pytest.raises(DataError, match=r"row 7, column 'item_id': duplicate key"):
        load_answers(answers_copy, rubric, "me")


@pytest.mark.parametrize("column", ["agreement", "evidence"])
def test_answers_file_without_a_column(rubric, tmp_path, column):
    path = tmp_path / "answers.csv"
    pd.read_csv(PART2 / "self-assessment-template.csv").drop(columns=column).to_csv(path, index=False)
    with pytest.raises(DataError, match=rf"row 1, column '{column}': column missing from the header"):
        load_answers(path, rubric, "me")


@pytest.mark.notebook
def test_one_parameter_scores_a_reader(rubric, tmp_path):
    """The documented papermill command turns a filled-in template into a stage and gaps."""
    mine = tmp_path / "mine.csv"
    template = pd.read_csv(PART2 / "self-assessment-template.csv")
    template["agreement"] = template["stage"].map({"follow": 5, "collaborate": 5, "drive": 4, "lead": 2})
    template.to_csv(mine, index=False)
    output = tmp_path / "scored.ipynb"
    subprocess.run(
        [sys.executable, "-m", "papermill", "self-assessment.ipynb", str(output), "-p", "ANSWERS_FILE", str(mine),
         "-p", "RESPONDENT", "Reader", "--kernel", "python3", "--no-progress-bar"],
        cwd=PART2, check=True, capture_output=True,
    )
    assert glued_value(output, "my_stage_name") == "'drive'"
    assert glued_value(output, "my_unanswered") == "0"


def test_unknown_statement_row_counts_blank_lines(rubric, answers_copy):
    lines = answers_copy.read_text().split("\n")
    lines.insert(3, "")
    lines[7] = lines[7].replace("I06", "I99", 1)
    answers_copy.write_text("\n".join(lines))
    with pytest.raises(DataError, match=r"row 8, column 'item_id': value 'I99'"):
        load_answers(answers_copy, rubric, "me")
