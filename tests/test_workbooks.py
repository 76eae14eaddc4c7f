"""The templates' workbooks, recomputed by the `formulas` package (no Excel), give the package's numbers on the
same inputs, in both editions: the self-assessment's stages, the cost-saving calculator's saving, NPV and payback,
the TCO totals and the metric plan's matrix."""

import ast
import dataclasses
import json
import re

import formulas
import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
import schedula
from formulas.functions import XlError
from openpyxl import load_workbook

from valuekit import finance, load_tables, metrics, positioning
from valuekit.book import workbooks
from valuekit.book.workbooks import Edition
from valuekit.vocabulary import ATTRIBUTION_STRENGTHS, METRIC_TYPES

from .conftest import DATA_DIR, ROOT

EDITIONS = [pytest.param(False, id="english"), pytest.param(True, id="chinese")]
CALCULATOR = ROOT / "book" / "part4" / "cost-saving-calculator.ipynb"
IDENTIFIER = re.compile(r"[A-Z]{1,3}\d+")  # rubric statements' ids (I01) read the same in both languages
EMPTY = np.asarray([[schedula.EMPTY]], dtype=object)  # what `formulas` holds for a blank cell


class Recalculated:
    """A saved workbook compiled once by `formulas` (the slow part), then recalculated for values typed into
    its input cells (the fast part)."""

    def __init__(self, book, path):
        book.save(path)
        self.name = path.name
        self.model = formulas.ExcelModel().loads(str(path)).finish()

    def _key(self, sheet, cell):
        return f"'[{self.name}]{sheet.upper()}'!{cell}"

    def values(self, typed=None):
        """value(sheet, cell) after typing `typed` ({(sheet, cell): value}, None for a cleared cell)."""
        inputs = {self._key(sheet, cell): EMPTY if given is None else given
                  for (sheet, cell), given in (typed or {}).items()}
        solution = self.model.calculate(inputs=inputs)

        def value(sheet, cell):
            result = solution[self._key(sheet, cell)]
            result = result.value[0, 0] if hasattr(result, "value") else result[0, 0]
            assert not isinstance(result, XlError), f"{sheet}!{cell} is an Excel error: {result}"
            return result.item() if isinstance(result, np.generic) else result

        return value


def recompute(book, tmp_path):
    """value(sheet, cell) of every cell once `formulas` has recalculated the workbook as filled in."""
    return Recalculated(book, tmp_path / "filled.xlsx").values()


def sheet(book, edition, english, chinese):
    return book[edition.say(english, chinese)]


# --- Self-assessment ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rubric():
    return load_tables(DATA_DIR, ["rubric_items"])["rubric_items"]


def example_and_team(rubric):
    """The book's filled-in example, and each PM of the sample team: every kind of respondent the book shows."""
    yield "example", positioning.load_answers(ROOT / "book" / "part2" / "self-assessment-example.csv", rubric, "me")
    team = load_tables(DATA_DIR, ["pm_answers"])["pm_answers"]
    for pm_id, answers in team.groupby("pm_id"):
        yield pm_id, answers.rename(columns={"pm_id": "respondent"})[["respondent", "item_id", "agreement"]]


@pytest.mark.slow
@pytest.mark.parametrize("chinese", EDITIONS)
def test_self_assessment_scores_as_the_package(rubric, chinese, tmp_path):
    edition = Edition.of(chinese)
    score, answers_title = edition.say("Score", "得分"), edition.say("Answers", "答题")
    book = workbooks.self_assessment(edition)
    answer_sheet = book[answers_title]
    rows = {answer_sheet.cell(row, 1).value: row for row in range(2, answer_sheet.max_row + 1)}
    workbook = Recalculated(book, tmp_path / "self-assessment.xlsx")
    dimensions = list(dict.fromkeys(rubric["dimension"]))
    seen_inconsistent = seen_gaps = False
    for respondent, answers in example_and_team(rubric):
        given = dict(zip(answers["item_id"], answers["agreement"], strict=True))
        value = workbook.values({(answers_title, f"G{row}"): int(given[item]) if item in given else None
                                 for item, row in rows.items()})
        answers = answers.assign(respondent=respondent)
        expected = positioning.score_dimensions(answers, rubric).loc[respondent]
        people = positioning.score_people(answers, rubric)
        person = people.loc[respondent]
        for offset, dimension in enumerate(dimensions):
            row = 8 + offset
            assert value(score, f"A{row}") == edition.term(dimension)
            assert value(score, f"B{row}") == expected.loc[dimension, "stage"], (respondent, dimension)
            assert value(score, f"D{row}") == expected.loc[dimension, "highest_met"], (respondent, dimension)
            assert bool(value(score, f"E{row}")) == expected.loc[dimension, "inconsistent"], (respondent, dimension)
        overall = 8 + len(dimensions) + 1
        assert value(score, f"B{overall}") == person["overall_stage"], respondent
        assert value(score, f"B{overall + 1}") == edition.term(person["stage_name"]), respondent
        assert value(score, f"B{overall + 2}") == person["median_stage"], respondent
        assert bool(value(score, f"B{overall + 3}")) == person["inconsistent"], respondent
        # Rule 6: every statement the package would list as a gap, with its weight, and no other.
        gaps = positioning.top_gaps(answers, rubric, people, limit=len(rubric))
        weights = {item: value(answers_title, f"I{row}") for item, row in rows.items()}
        assert {item: weight for item, weight in weights.items() if weight != ""} == \
            dict(zip(gaps["item_id"], gaps["weight"], strict=True)), respondent
        seen_inconsistent |= bool(person["inconsistent"])
        seen_gaps |= not gaps.empty
    assert seen_inconsistent and seen_gaps  # both branches of rule 7 were checked


def test_self_assessment_uses_the_packages_thresholds():
    score = workbooks.self_assessment(Edition.of(False))["Score"]
    assert [score[f"B{row}"].value for row in range(2, 6)] == [
        positioning.MET_MINIMUM, positioning.MET_MEAN, positioning.AGREES_AT, positioning.UNANSWERED_COUNTS_AS]


# --- Cost saving and payback ---------------------------------------------------------------------------------

def calculator_parameters():
    """The cost-saving calculator's parameters, read from its parameters cell."""
    cells = json.loads(CALCULATOR.read_text(encoding="utf-8"))["cells"]
    source = "".join(next(cell for cell in cells if cell["cell_type"] == "code")["source"])
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(source).body}


@pytest.fixture(scope="module")
def push_case():
    """The push automation as the calculator notebook computes it, through the same package calls."""
    parameters = calculator_parameters()
    tables = load_tables(DATA_DIR, ["push_campaigns", "wages", "project_costs"])
    work = metrics.prep_time_saving(tables["push_campaigns"])
    wage = finance.loaded_wage(tables["wages"], parameters["STAFF_ROLE"])
    costs = finance.build_and_run(tables["project_costs"], parameters["PROJECT"])
    saving = finance.SavingsCase(work["staff hours saved per month"], wage, parameters["RECAPTURE_SHARE"],
                                 parameters["ADOPTION_RAMP_MONTHS"])
    return parameters, work, wage, costs, saving


@pytest.mark.slow
@pytest.mark.parametrize("chinese", EDITIONS)
def test_cost_saving_gives_the_calculators_numbers(push_case, chinese, tmp_path):
    parameters, work, wage, costs, saving = push_case
    edition = Edition.of(chinese)
    book = workbooks.cost_saving(edition)
    calculator, months = book[edition.say("Calculator", "计算器")], book[edition.say("Months", "逐月")]
    start = pd.Period(costs.build.index.min(), freq="M").to_timestamp().to_pydatetime()
    typed = [work["minutes per push, manual"], work["minutes per push, automated (review only)"],
             work["pushes per month"], wage, parameters["RECAPTURE_SHARE"], parameters["ADOPTION_RAMP_MONTHS"],
             costs.run_per_month, parameters["DISCOUNT_RATE"], parameters["HORIZON_MONTHS"]]
    for row, given in enumerate(typed, start=2):
        calculator.cell(row, 2).value = float(given)
    calculator["B11"].value = start
    for row, spent in enumerate(costs.build, start=2):
        months.cell(row, 3).value = float(spent)
    workbook = Recalculated(book, tmp_path / "cost-saving.xlsx")
    value = workbook.values()

    flows = saving.cash_flows(costs, parameters["HORIZON_MONTHS"])
    payback = finance.payback_month(flows)
    calendar = pd.period_range(costs.build.index.min(), periods=parameters["HORIZON_MONTHS"], freq="M")
    assert payback is not None  # the calculator's push automation pays back within its horizon
    expected = {
        "B14": work["staff hours saved per month"],
        "B15": metrics.fte(work["staff hours saved per month"]),
        "B16": saving.hours_freed_per_month * wage,
        "B17": saving.saving_per_month,
        "B18": saving.saving_per_month - costs.run_per_month,
        "B19": costs.build.sum(),
        "B20": len(costs.build),
        "B22": finance.npv(parameters["DISCOUNT_RATE"], flows),
    }
    for cell, number in expected.items():
        assert value(calculator.title, cell) == pytest.approx(number, rel=1e-9), cell
    assert value(calculator.title, "B23") == payback
    serial = value(calculator.title, "B24")  # an Excel date serial: days since 1899-12-30
    assert pd.Timestamp("1899-12-30") + pd.Timedelta(days=serial) == calendar[payback].to_timestamp()

    # The calculator's exercise 3: a running cost above the recaptured saving never pays back.
    costly = dataclasses.replace(costs, run_per_month=saving.saving_per_month + 1_000)
    flows = saving.cash_flows(costly, parameters["HORIZON_MONTHS"])
    value = workbook.values({(calculator.title, "B8"): costly.run_per_month})
    assert finance.payback_month(flows) is None
    assert value(calculator.title, "B22") == pytest.approx(finance.npv(parameters["DISCOUNT_RATE"], flows), rel=1e-9)
    assert value(calculator.title, "B24") == edition.say("never within the horizon", "在测算期内始终不回本")


# --- TCO -----------------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("chinese", EDITIONS)
def test_tco_totals_discount_each_option(chinese, tmp_path):
    edition = Edition.of(chinese)
    book = workbooks.tco(edition)
    worksheet = sheet(book, edition, "Worksheet", "测算表")
    items = workbooks.load_csv_rows(ROOT / "book" / "templates" / "tco-worksheet.csv")
    rate = 0.08
    worksheet["B1"].value = rate
    by_option = {"buy": np.zeros(workbooks.TCO_YEARS), "build": np.zeros(workbooks.TCO_YEARS)}
    for index, item in enumerate(items):
        row = 4 + index
        # Some items one-off in year 0, others every year, and some left blank.
        years = [0.0] * workbooks.TCO_YEARS
        if index % 5 != 4:
            years = [10_000.0 * (index + 1)] + ([0.0] * 3 if item["category"] == "one-off"
                                                 else [1_500.0 * (index + 1 + t) for t in range(1, 4)])
            for t, amount in enumerate(years):
                if amount:
                    worksheet.cell(row, 4 + t).value = amount
        for option in (["buy", "build"] if item["option"] == "both" else [item["option"]]):
            by_option[option] += years
    value = recompute(book, tmp_path)
    totals = 4 + len(items) + workbooks.SPARE_TCO_ROWS + 1 + 2
    for offset, option in enumerate(("buy", "build")):
        row = totals + offset
        for t in range(workbooks.TCO_YEARS):
            assert value(worksheet.title, f"{chr(ord('D') + t)}{row}") == pytest.approx(by_option[option][t])
        assert value(worksheet.title, f"H{row}") == pytest.approx(npf.npv(rate, by_option[option]), rel=1e-12)
    assert value(worksheet.title, f"H{totals + 2}") == pytest.approx(
        npf.npv(rate, by_option["build"]) - npf.npv(rate, by_option["buy"]), rel=1e-12)


# --- Metric plan, card and matrix ----------------------------------------------------------------------------

@pytest.mark.parametrize("chinese", EDITIONS)
def test_metric_plan_counts_the_cards_by_type_and_strength(chinese, tmp_path):
    edition = Edition.of(chinese)
    book = workbooks.metric_plan(edition)
    plan, matrix = sheet(book, edition, "Plan", "规划"), sheet(book, edition, "Matrix", "矩阵")
    cards = workbooks.load_csv_rows(ROOT / "book" / "part3" / "crm-metric-cards.csv")
    fields = list(metrics.METRIC_CARD_FIELDS)
    for row, card in enumerate(cards, start=2):
        for column, field in enumerate(fields, start=1):
            plan.cell(row, column).value = edition.term(card[field]) if card[field] else None
    value = recompute(book, tmp_path)
    table = metrics.metric_cards(cards)
    counts = pd.crosstab(table["metric_type"], table["attribution_strength"]).reindex(
        index=list(METRIC_TYPES), columns=list(ATTRIBUTION_STRENGTHS), fill_value=0)
    for row, metric_type in enumerate(METRIC_TYPES, start=2):
        for column, strength in enumerate(ATTRIBUTION_STRENGTHS, start=2):
            cell = f"{chr(ord('A') + column - 1)}{row}"
            assert value(matrix.title, cell) == counts.loc[metric_type, strength], (metric_type, strength)
    assert sum(value(matrix.title, f"F{row}") for row in range(2, 7)) == len(cards)


@pytest.mark.parametrize("chinese", EDITIONS)
def test_type_and_strength_are_chosen_from_the_vocabulary(chinese):
    edition = Edition.of(chinese)
    types = '"' + ",".join(edition.term(name) for name in METRIC_TYPES) + '"'
    strengths = '"' + ",".join(edition.term(name) for name in ATTRIBUTION_STRENGTHS) + '"'
    for build, title in [(workbooks.metric_card, ("Card", "指标卡")), (workbooks.metric_plan, ("Plan", "规划"))]:
        lists = {rule.formula1 for rule in build(edition)[edition.say(*title)].data_validations.dataValidation}
        assert {types, strengths} <= lists, build.__name__
    matrix = workbooks.taxonomy_matrix(edition)[edition.say("Matrix", "矩阵")]
    assert [matrix.cell(1, column).value for column in range(2, 6)] == [edition.term(s) for s in ATTRIBUTION_STRENGTHS]
    assert [matrix.cell(row, 1).value.split(". ")[1] for row in range(2, 7)] == [edition.term(t) for t in METRIC_TYPES]


# --- Every workbook ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("chinese", EDITIONS)
def test_every_workbook_opens_on_how_to_use_with_inputs_marked_and_headers_frozen(chinese, tmp_path):
    workbooks.write(tmp_path, chinese)
    for name in workbooks.WORKBOOKS:
        book = load_workbook(tmp_path / name)
        assert book.sheetnames[0] == Edition.of(chinese).say("How to use", "使用说明"), name
        for worksheet in book.worksheets[1:]:
            assert worksheet.freeze_panes, (name, worksheet.title)
        inputs = [cell for worksheet in book.worksheets[1:] for row in worksheet.iter_rows() for cell in row
                  if cell.fill.fgColor.rgb == "00" + workbooks.INPUT.fgColor.rgb[-6:]]
        assert inputs, name
        assert not any(isinstance(cell.value, str) and cell.value.startswith("=") for cell in inputs), name


def test_chinese_workbooks_are_written_in_chinese(tmp_path):
    workbooks.write(tmp_path, chinese=True)
    for name in workbooks.WORKBOOKS:
        book = load_workbook(tmp_path / name)
        texts = [cell.value for worksheet in book.worksheets for row in worksheet.iter_rows() for cell in row
                 if isinstance(cell.value, str) and not cell.value.startswith("=")
                 and not IDENTIFIER.fullmatch(cell.value)]
        texts += book.sheetnames
        chinese = [text for text in texts if any("\u4e00" <= character <= "\u9fff" for character in text)]
        assert len(chinese) / len(texts) > 0.9, name


def test_an_unchanged_workbook_is_not_rewritten(tmp_path):
    assert len(workbooks.write(tmp_path, chinese=False)) == len(workbooks.WORKBOOKS)
    assert workbooks.write(tmp_path, chinese=False) == []
