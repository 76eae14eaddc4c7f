"""The templates that are spreadsheets, as Excel workbooks in each edition's language, and the Sphinx hook that
writes them.

Each workbook is built here from the package's own rules and words, never edited by hand: the self-assessment
scores with :mod:`valuekit.positioning`'s thresholds, the payback sheet ramps and recaptures as
:class:`valuekit.finance.SavingsCase` does, and the metric types and attribution strengths are the vocabulary's.
What a reader types goes in yellow input cells; every result is a live formula, so the workbook keeps working
in Excel, WPS or LibreOffice with no Python. ``tests/test_workbooks.py`` recomputes the formulas and checks them
against the package on the same inputs.

The workbooks are written when a build starts (``builder-inited``), into the edition's templates folder, where
the Templates page's ``{download}`` links find them; git ignores them. A file is rewritten only when its content
changes, so a rebuild with no change re-reads no page.

Run ``python -m valuekit.book.workbooks FOLDER [--chinese]`` to write one edition's workbooks elsewhere.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sphinx.application import Sphinx

from .. import i18n, metrics, positioning
from ..finance import DEFAULT_RECAPTURE
from ..loader import load_tables
from ..vocabulary import ATTRIBUTION_STRENGTHS, METRIC_TYPES, STAGES
from .translations import CHINESE, ENGLISH, ROOT

DATA = ROOT / "data"
TEMPLATES = "templates"
MAX_MONTHS = 60  # rows of the payback sheet's timeline: a five-year horizon at most
SPARE_TCO_ROWS = 8  # empty rows under the TCO worksheet's items, for costs of your own

INPUT = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: you type here
RESULT = PatternFill("solid", fgColor="E2EFDA")  # pale green: a formula computes it
HEADER = PatternFill("solid", fgColor="D9E1F2")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Edition:
    """The language a workbook is written in: its own words side by side in the code, the package's words
    (stages, metric types, strengths, rubric statements, metric-card fields) from the Chinese edition's catalogue."""

    chinese: bool
    catalogue: dict[str, str]

    @classmethod
    def of(cls, chinese: bool) -> Edition:
        words = i18n.catalogue(ROOT / CHINESE / i18n.CATALOGUE_FOLDER)[0] if chinese else {}
        return cls(chinese, words)

    def say(self, english: str, chinese: str) -> str:
        return chinese if self.chinese else english

    def term(self, word: str) -> str:
        """A word of the package, as this edition writes it; a Chinese workbook with an English word fails."""
        if not self.chinese:
            return word
        translated = self.catalogue.get(word, ONLY_IN_WORKBOOKS.get(word))
        if translated is None:
            raise KeyError(f"no Chinese for {word!r}: add it to {CHINESE}/{i18n.CATALOGUE_FOLDER}/")
        return translated


#: Chinese for the package's words that only the workbooks show: the rubric statements no notebook prints. They
#: belong in zh/labels/self-assessment.csv, but every Chinese notebook re-executes when a label file changes;
#: move them there with the next change that re-runs the notebooks anyway.
ONLY_IN_WORKBOOKS = {
    "I can walk through, step by step, how the team I serve does its work today.":
        "我能一步一步讲清楚我服务的团队现在是怎么干活的。",
    "I can name my system's user roles and say what each one does in it.":
        "我能说出系统有哪些用户角色，以及每个角色在系统里做什么。",
    "I predict which capabilities the business will need a year ahead, and I am usually right.":
        "我能提前一年预判业务需要哪些能力，而且多半判断得准。",
    "I can deliver what the business specifies, on the date agreed.": "业务提出的需求，我能按约定的日期交付。",
    "I can point to a written record of every business rule the system implements.":
        "系统实现的每条业务规则，我都能拿出书面记录。",
    "Business users and I agree on acceptance criteria together.": "验收标准由我和业务用户一起商定。",
    "I propose changes to business rules, backed by analysis, and most are adopted.":
        "我会拿着分析提出业务规则的调整，大多数都被采纳了。",
    "I order the backlog by the business's goals, not by who asks loudest.":
        "我按业务目标给需求池排序，而不是看谁嗓门大。",
    "Rule changes that cross departments go through a process I designed.": "跨部门的规则变更，走的是我设计的流程。",
    "I can name a contact in each business team my system serves.": "系统服务的每个业务团队，我都能说出一位对接人。",
    "I can be reached by business users when something breaks, and they know how.":
        "系统出了问题，业务用户找得到我，也知道怎么找。",
    "Business users test new releases with me before launch.": "新版本上线前，业务用户会和我一起测试。",
    "The business no longer keeps offline spreadsheets next to my system.": "业务方不再在系统之外另记线下表格。",
    "Other departments come to me to broker data and resources across teams.":
        "其他部门会找我，请我在团队之间协调数据和资源。",
    "The business treats me as a co-owner of its operating results.": "业务方把我当作经营结果的共同负责人。",
    "I can show the process my system supports as structured steps and fields.":
        "我能把系统支撑的流程拆成结构化的步骤和字段给人看。",
    "I can show that records in the system use agreed definitions of status, owner and category.":
        "我能证明系统里的记录对状态、负责人和类别用的是约定好的口径。",
    "Users update records in the system as they work, not afterwards.":
        "用户边干活边在系统里更新记录，而不是事后补录。",
    "Data from the system drives routine decisions such as lead assignment or routing.":
        "线索分配、工单分派这类日常决策，靠的是系统里的数据。",
    "The system's capabilities are reused by other systems or offered to outside customers.":
        "系统的能力被其他系统复用，或者对外提供给客户。",
}


# --- Cells --------------------------------------------------------------------------------------------------

def _header(sheet, row: int, labels: list[str], column: int = 1) -> None:
    for offset, label in enumerate(labels):
        cell = sheet.cell(row, column + offset, label)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER, WRAP


def _input(cell, value=None, number_format: str | None = None):
    cell.value, cell.fill = value, INPUT
    if number_format:
        cell.number_format = number_format
    return cell


def _result(cell, formula: str, number_format: str | None = None):
    cell.value, cell.fill = formula, RESULT
    if number_format:
        cell.number_format = number_format
    return cell


def _widths(sheet, widths: list[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _choice(sheet, cells: str, options: list[str], edition: Edition) -> None:
    """A drop-down list on `cells`; anything else is refused with a message saying what is allowed."""
    allowed = ",".join(options)
    rule = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True, showErrorMessage=True,
                          errorTitle=edition.say("Not on the list", "不在列表中"),
                          error=edition.say(f"Choose one of: {allowed}", f"请从下列选项中选择：{allowed}"))
    sheet.add_data_validation(rule)
    rule.add(cells)


def _how_to_use(book: Workbook, edition: Edition, title: str, purpose: str, steps: list[str]) -> None:
    """The first sheet: what the workbook is for, the colour code, and the steps."""
    sheet = book.active
    sheet.title = edition.say("How to use", "使用说明")
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = purpose
    sheet["A2"].alignment = WRAP
    _input(sheet["A4"], edition.say("Yellow cells: you type here.", "黄色单元格：由你填写。"))
    _result(sheet["A5"], edition.say("Green cells: formulas compute them; leave them as they are.",
                                     "绿色单元格：由公式计算，请不要改动。"))
    for row, step in enumerate(steps, start=7):
        sheet.cell(row, 1, f"{row - 6}. {step}").alignment = WRAP
    sheet.cell(8 + len(steps), 1, edition.say(
        "Generated from the Back-Office Value package; the book's Templates page has the latest copy.",
        "由《中后台的价值》的代码包生成；最新版本见书中的“模板”页。")).font = Font(italic=True)
    _widths(sheet, [110])


# --- Self-assessment ----------------------------------------------------------------------------------------

def self_assessment(edition: Edition) -> Workbook:
    """The positioning rubric to answer, scored by Part II's rule (valuekit.positioning) in formulas."""
    rubric = load_tables(DATA, ["rubric_items"])["rubric_items"].sort_values("item_id")
    book = Workbook()
    _how_to_use(book, edition, edition.say("Positioning self-assessment", "定位自评表"), edition.say(
        "Place yourself (or your team) on the positioning ladder for one business you serve: follow, collaborate, "
        "drive, lead. The Score sheet applies the book's rule as you type.",
        "针对你服务的一个业务，把自己（或团队）放到定位阶梯上：跟随、协同、推动、主导。你一边填写，"
        "“得分”表就一边按书中的规则算出结果。"), [
        edition.say("On the Answers sheet, give each statement your agreement from 1 (strongly disagree) to 5 "
                    "(strongly agree); leave it blank to skip.",
                    "在“答题”表里，对每条陈述给出认同程度：1（非常不同意）到5（非常同意）；跳过的留空。"),
        edition.say("Under evidence, write what you can point to: a document, a meeting, a record.",
                    "在“证据”一列写下你拿得出的东西：一份文档、一次会议、一条记录。"),
        edition.say(f"A stage is met in a dimension when none of its answers is below {positioning.MET_MINIMUM} "
                    f"and they average at least {positioning.MET_MEAN:g}; your stage there is the highest stage "
                    "met with every stage below it met too.",
                    f"某个维度上，一个阶段的回答没有低于{positioning.MET_MINIMUM}分、平均分不低于"
                    f"{positioning.MET_MEAN:g}分，就算达到了该阶段；你在这个维度的阶段，是连同下面各阶段"
                    "都达到了的最高阶段。"),
        edition.say("Your overall stage is the lowest of the five: the stage you reach in every dimension.",
                    "总体阶段取五个维度中最低的那个：每个维度都达到了的阶段。"),
        edition.say("If the Score sheet flags a dimension as inconsistent (a higher stage met above a lower one "
                    "you disagree with), talk it through with your lead before planning.",
                    "如果“得分”表把某个维度标为不一致（高阶段达到了，低阶段却不认同），先和你的上级聊一聊，再做计划。"),
        edition.say("Otherwise sort the Answers sheet by stage level, then by gap weight (largest first): the "
                    "top rows are what to work on next.",
                    "否则，把“答题”表按阶段级别、再按差距权重（从大到小）排序：排在前面的就是下一步要补的。"),
    ])

    answers = book.create_sheet(edition.say("Answers", "答题"))
    score = book.create_sheet(edition.say("Score", "得分"))
    dimensions = list(dict.fromkeys(rubric["dimension"]))
    first, last = 2, len(rubric) + 1
    column = {name: get_column_letter(index) for index, name in enumerate(
        ["item_id", "dimension", "stage", "stage_level", "importance", "statement", "agreement", "evidence",
         "gap_weight"], start=1)}

    def answers_range(name: str) -> str:
        return f"'{answers.title}'!${column[name]}${first}:${column[name]}${last}"

    # The rule's constants, shown where the formulas use them.
    rules = [(edition.say("A stage is met when no answer is below", "阶段达到：没有低于此分的回答"),
              positioning.MET_MINIMUM),
             (edition.say("... and its answers average at least", "……且平均分不低于"), positioning.MET_MEAN),
             (edition.say("An answer agrees from", "认同：回答不低于"), positioning.AGREES_AT),
             (edition.say("A skipped statement weighs as the answer", "跳过的陈述按此分计算差距"),
              positioning.UNANSWERED_COUNTS_AS)]
    score["A1"] = edition.say("Score (computed; the rule's constants are the book's)",
                              "得分（自动计算；规则常数取自书中）")
    score["A1"].font = BOLD
    rule_cell = {}
    for row, (label, value) in enumerate(rules, start=2):
        score.cell(row, 1, label)
        score.cell(row, 2, value)
        rule_cell[row - 2] = f"$B${row}"
    met_minimum, met_mean, agrees_at, unanswered = (rule_cell[i] for i in range(4))

    profile_row = 8
    _header(score, profile_row - 1, [edition.say(h, z) for h, z in [
        ("dimension", "维度"), ("stage reached", "所达阶段"), ("stage name", "阶段名称"),
        ("highest stage met", "达到的最高阶段"), ("inconsistent", "不一致")]])
    overall_row = profile_row + len(dimensions) + 1
    detail_row = overall_row + 5
    _header(score, detail_row - 1, [edition.say(h, z) for h, z in [
        ("dimension", "维度"), ("stage", "阶段"), ("stage level", "阶段级别"), ("answered", "已答"),
        ("lowest", "最低分"), ("mean", "平均分"), ("highest", "最高分"), ("met", "达到"), ("denied", "不认同")]])
    stage_names = [edition.term(name) for name in positioning.STAGE_NAMES.values()]
    chosen = ",".join(f'"{name}"' for name in stage_names)

    row = detail_row
    for dimension_index, dimension in enumerate(dimensions):
        met_cells, denied_cells = [], []
        for level, stage in enumerate(STAGES, start=1):
            score.cell(row, 1, edition.term(dimension))
            score.cell(row, 2, edition.term(stage))
            score.cell(row, 3, level)
            criteria = f"{answers_range('dimension')},$A{row},{answers_range('stage_level')},$C{row}"
            agreement = answers_range("agreement")
            _result(score.cell(row, 4), f'=COUNTIFS({criteria},{agreement},">=1")')
            _result(score.cell(row, 5), f'=IF(D{row}=0,"",MINIFS({agreement},{criteria}))')
            _result(score.cell(row, 6), f'=IF(D{row}=0,"",AVERAGEIFS({agreement},{criteria}))', "0.00")
            _result(score.cell(row, 7), f'=IF(D{row}=0,"",MAXIFS({agreement},{criteria}))')
            _result(score.cell(row, 8), f"=IF(D{row}=0,FALSE,AND(E{row}>={met_minimum},F{row}>={met_mean}))")
            _result(score.cell(row, 9), f"=IF(D{row}=0,FALSE,G{row}<{agrees_at})")
            met_cells.append(f"H{row}")
            denied_cells.append(f"I{row}")
            row += 1
        target = profile_row + dimension_index
        score.cell(target, 1, edition.term(dimension))
        # Rule 3: the highest stage met with every stage below it met too.
        _result(score.cell(target, 2), f"={_nested_stage(met_cells, 1)}")
        _result(score.cell(target, 3), f"=CHOOSE(B{target}+1,{chosen})")
        _result(score.cell(target, 4), "=MAX(" + ",".join(
            f"IF({cell},{level},0)" for level, cell in enumerate(met_cells, start=1)) + ")")
        # Rule 4: a denied stage below the highest one met.
        _result(score.cell(target, 5), "=OR(" + ",".join(
            f"AND({cell},{level}<D{target})" for level, cell in enumerate(denied_cells, start=1)) + ")")

    profile = f"B{profile_row}:B{profile_row + len(dimensions) - 1}"
    flags = f"E{profile_row}:E{profile_row + len(dimensions) - 1}"
    overall_labels = [edition.say("overall stage (the lowest dimension)", "总体阶段（最低的维度）"),
                      edition.say("overall stage name", "总体阶段名称"),
                      edition.say("median stage (beside it, never instead)", "中位数阶段（只作参考，不能替代）"),
                      edition.say("any dimension inconsistent", "有维度不一致")]
    for offset, label in enumerate(overall_labels):
        score.cell(overall_row + offset, 1, label).font = BOLD
    overall, inconsistent = f"$B${overall_row}", f"$B${overall_row + 3}"
    _result(score.cell(overall_row, 2), f"=MIN({profile})")
    _result(score.cell(overall_row + 1, 2), f"=CHOOSE(B{overall_row}+1,{chosen})")
    _result(score.cell(overall_row + 2, 2), f"=INT(MEDIAN({profile}))")
    _result(score.cell(overall_row + 3, 2), f"=OR({flags})")
    score.freeze_panes = "B2"
    _widths(score, [44, 16, 18, 18, 12, 10, 10, 10, 10])

    _header(answers, 1, [edition.say(h, z) for h, z in [
        ("item_id", "编号"), ("dimension", "维度"), ("stage", "阶段"), ("stage level", "阶段级别"),
        ("importance", "重要性"), ("statement", "陈述"), ("agreement (1-5)", "认同程度（1-5）"),
        ("evidence", "证据"), ("gap weight to the next stage", "距下一阶段的差距权重")]])
    score_sheet = f"'{score.title}'!"
    for row, item in enumerate(rubric.itertuples(index=False), start=first):
        answers.cell(row, 1, item.item_id)
        answers.cell(row, 2, edition.term(item.dimension))
        answers.cell(row, 3, edition.term(item.stage))
        answers.cell(row, 4, int(item.stage_level))
        answers.cell(row, 5, int(item.importance))
        answers.cell(row, 6, edition.term(item.statement)).alignment = WRAP
        _input(answers.cell(row, 7))
        _input(answers.cell(row, 8)).alignment = WRAP
        # Rule 6, for a consistent respondent below the top: statements up to the next stage not agreed with,
        # weighted importance x (agrees-at - answer), a skipped one counting as the answer `unanswered`.
        counted = f'IF(G{row}="",{score_sheet}{unanswered},G{row})'
        _result(answers.cell(row, 9),
                f'=IF(OR({score_sheet}{inconsistent},{score_sheet}{overall}>={len(STAGES)},'
                f'D{row}>{score_sheet}{overall}+1,{counted}>={score_sheet}{agrees_at}),"",'
                f'E{row}*({score_sheet}{agrees_at}-{counted}))')
    rule = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True,
                          showErrorMessage=True, errorTitle=edition.say("1 to 5", "1到5"),
                          error=edition.say("Type a whole number from 1 (strongly disagree) to 5 (strongly agree), "
                                            "or leave the cell blank.",
                                            "请填1（非常不同意）到5（非常同意）之间的整数，或者留空。"))
    answers.add_data_validation(rule)
    rule.add(f"G{first}:G{last}")
    answers.freeze_panes = "G2"
    _widths(answers, [8, 22, 12, 8, 10, 70, 14, 40, 16])
    return book


def _nested_stage(met_cells: list[str], level: int) -> str:
    """Rule 3 as nested IFs: at least `level - 1`, and `level` or higher if the stage at `level` is met."""
    if level > len(met_cells):
        return str(len(met_cells))
    return f"IF({met_cells[level - 1]},{_nested_stage(met_cells, level + 1)},{level - 1})"


# --- Cost saving and payback ----------------------------------------------------------------------------------

def cost_saving(edition: Edition) -> Workbook:
    """One automation priced as the cost-saving calculator prices it (valuekit.finance.SavingsCase): freed hours
    at the loaded wage, only the recaptured share counted, ramped up after go-live, against build and run costs;
    NPV at an annual rate compounded monthly, and the payback month."""
    book = Workbook()
    _how_to_use(book, edition, edition.say("Cost saving and payback", "成本节约与回本测算"), edition.say(
        "What one automation saves a month, and the month it pays back, as the book's cost-saving calculator "
        "works it out.",
        "一项自动化每月能省多少钱、哪个月回本，算法和书中的成本节约计算器一样。"), [
        edition.say("On the Calculator sheet, fill in the yellow cells: the manual work (minutes per task before "
                    "and after, tasks per month), the loaded wage, the recaptured share, the ramp, the running "
                    "cost, the discount rate, the horizon and the first build month.",
                    "在“计算器”表里填黄色单元格：手工作业（改造前后每项任务的分钟数、每月任务数）、人力成本、"
                    "回收比例、爬坡月数、运行成本、折现率、测算期和第一个建设月。"),
        edition.say("On the Months sheet, type the build spending month by month from month 0, in consecutive "
                    "rows: the automation goes live the month after the last one.",
                    "在“逐月”表里，从第0个月起逐月填写建设支出，各月连续填写：最后一个建设月的下个月上线。"),
        edition.say(f"Recapture: only the share of freed hours that turns into other productive work counts as "
                    f"money. Without evidence of what the hours were used for, the book counts "
                    f"{DEFAULT_RECAPTURE:.0%}.",
                    f"回收比例：释放出来的工时，只有转化为其他有产出工作的那部分才算钱。如果没有证据说明这些"
                    f"工时用在了哪里，本书按{DEFAULT_RECAPTURE:.0%}计。"),
        edition.say("Ramp: the saving grows in equal steps over the ramp months after go-live; the running cost "
                    "is paid in full from go-live.",
                    "爬坡：上线后，节约在爬坡月数内等量递增到全额；运行成本从上线起全额支付。"),
        edition.say("Read the results on the Calculator sheet: the net saving a month, the NPV and the payback "
                    "month (the first month the cumulative cash flow is no longer negative).",
                    "在“计算器”表读结果：每月净节约、净现值和回本月份（累计现金流第一次不再为负的月份）。"),
    ])
    sheet = book.create_sheet(edition.say("Calculator", "计算器"))
    months = book.create_sheet(edition.say("Months", "逐月"))
    sheet["A1"] = edition.say("Inputs", "输入")
    sheet["A1"].font = BOLD
    inputs = [
        ("minutes per task, manual", "每项任务的分钟数（手工）", None, "0.0"),
        ("minutes per task, automated (review only)", "每项任务的分钟数（自动化后，只需审核）", None, "0.0"),
        ("tasks per month", "每月任务数", None, "0.0"),
        ("loaded wage (CNY per hour)", "人力成本（元/小时）", None, "#,##0.00"),
        ("recaptured share of freed hours", "释放工时的回收比例", DEFAULT_RECAPTURE, "0%"),
        ("ramp (months after go-live to the full saving)", "爬坡（上线后达到全额节约的月数）", 3, "0"),
        ("run cost per month (CNY)", "每月运行成本（元）", None, "#,##0"),
        ("discount rate (per year)", "折现率（每年）", 0.10, "0.0%"),
        (f"horizon (months from the first build month, at most {MAX_MONTHS})",
         f"测算期（从第一个建设月起的月数，最多{MAX_MONTHS}）", 36, "0"),
        ("first build month (a date in it)", "第一个建设月（填该月任意一天）", None, "yyyy-mm"),
    ]
    for row, (english, chinese, default, number_format) in enumerate(inputs, start=2):
        sheet.cell(row, 1, edition.say(english, chinese))
        _input(sheet.cell(row, 2), default, number_format)
    horizon_row = 10
    rule = DataValidation(type="whole", operator="between", formula1="1", formula2=str(MAX_MONTHS),
                          showErrorMessage=True, error=edition.say(f"A whole number of months, 1 to {MAX_MONTHS}.",
                                                                   f"请填1到{MAX_MONTHS}之间的整数月数。"))
    sheet.add_data_validation(rule)
    rule.add(f"B{horizon_row}")
    share = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", showErrorMessage=True,
                           error=edition.say("A share from 0% to 100%.", "请填0%到100%之间的比例。"))
    sheet.add_data_validation(share)
    share.add("B6")

    first, last = 2, MAX_MONTHS + 1
    build_range = f"'{months.title}'!$C${first}:$C${last}"
    results = [
        ("staff hours freed per month", "每月释放的员工工时", "=B4*(B2-B3)/60", "#,##0.0"),
        ("full-time equivalents freed", "释放的全职人力（FTE）", f"=B14/{metrics.HOURS_PER_FTE_MONTH:g}", "0.00"),
        ("staff time freed per month, at the wage (CNY)", "每月释放的员工时间，按人力成本计（元）", "=B14*B5",
         "#,##0"),
        ("of which recaptured (CNY)", "其中被再利用的部分（元）", "=B16*B6", "#,##0"),
        ("net saving per month (CNY)", "每月净节约（元）", "=B17-B8", "#,##0"),
        ("build cost, total (CNY)", "建设成本合计（元）", f"=SUM({build_range})", "#,##0"),
        ("build months (the automation goes live in month ...)", "建设月数（即上线的月份序号）",
         f"=COUNT({build_range})", "0"),
        ("monthly discount rate", "月折现率", "=(1+B9)^(1/12)-1", "0.000%"),
        ("NPV over the horizon (CNY)", "测算期内的净现值（元）", f"=SUM('{months.title}'!$H${first}:$H${last})",
         "#,##0"),
        ("months from the first build month to payback", "从第一个建设月到回本的月数",
         f"=IF(COUNTIF('{months.title}'!$F${first}:$F${last},\"<0\")=0,0,"
         f"IF(COUNT('{months.title}'!$I${first}:$I${last})=0,\"{edition.say('never', '不回本')}\","
         f"MIN('{months.title}'!$I${first}:$I${last})))", "0"),
        ("payback month", "回本月份",
         f"=IF(ISNUMBER(B23),DATE(YEAR(B11),MONTH(B11)+B23,1),"
         f"\"{edition.say('never within the horizon', '在测算期内始终不回本')}\")", "yyyy-mm"),
    ]
    sheet["A13"] = edition.say("Results", "结果")
    sheet["A13"].font = BOLD
    for row, (english, chinese, formula, number_format) in enumerate(results, start=14):
        sheet.cell(row, 1, edition.say(english, chinese))
        _result(sheet.cell(row, 2), formula, number_format)
    sheet.freeze_panes = "A2"
    _widths(sheet, [58, 16])

    _header(months, 1, [edition.say(h, z) for h, z in [
        ("month", "月份序号"), ("calendar month", "日历月份"), ("build spending (CNY)", "建设支出（元）"),
        ("share of the full saving", "达到全额节约的比例"), ("cash flow (CNY)", "现金流（元）"),
        ("cumulative (CNY)", "累计（元）"), ("discount factor", "折现系数"), ("discounted (CNY)", "折现后（元）"),
        ("paid back in this month", "本月回本"), ("in deficit so far", "此前出现过累计亏损")]])
    calc = f"'{sheet.title}'!"
    horizon, ramp, start = f"{calc}$B$10", f"{calc}$B$7", f"{calc}$B$11"
    go_live, saving, run, rate = f"{calc}$B$20", f"{calc}$B$17", f"{calc}$B$8", f"{calc}$B$21"
    for month in range(MAX_MONTHS):
        row = first + month
        months.cell(row, 1, month)
        _result(months.cell(row, 2), f'=IF(A{row}<{horizon},DATE(YEAR({start}),MONTH({start})+A{row},1),"")',
                "yyyy-mm")
        _input(months.cell(row, 3), number_format="#,##0")
        # As finance.adoption_ramp: none before go-live, then (months since go-live + 1) / ramp, at most all.
        _result(months.cell(row, 4), f"=IF(A{row}<{go_live},0,IF({ramp}<=1,1,MIN((A{row}-{go_live}+1)/{ramp},1)))",
                "0%")
        _result(months.cell(row, 5), f'=IF(A{row}>={horizon},"",IF(A{row}<{go_live},-N(C{row}),'
                                     f'{saving}*D{row}-{run}))', "#,##0")
        previous = f"F{row - 1}+" if month else ""
        _result(months.cell(row, 6), f'=IF(E{row}="","",{previous}E{row})', "#,##0")
        _result(months.cell(row, 7), f'=IF(E{row}="","",1/(1+{rate})^A{row})', "0.0000")
        _result(months.cell(row, 8), f'=IF(E{row}="","",E{row}*G{row})', "#,##0")
        # As finance.payback_month: the first month whose cumulative total is no longer negative after a deficit.
        earlier = f"J{row - 1}" if month else "FALSE"
        _result(months.cell(row, 9), f'=IF(E{row}="","",IF(AND(F{row}>=0,{earlier}),A{row},""))')
        _result(months.cell(row, 10), f'=IF(E{row}="","",OR(F{row}<0,{earlier}))')
    months.freeze_panes = "B2"
    _widths(months, [10, 14, 18, 16, 16, 16, 14, 16, 14, 14])
    return book


# --- Total cost of ownership -------------------------------------------------------------------------------

TCO_YEARS = 4  # year 0 (now) to year 3, as the worksheet's columns

#: The worksheet's items in Chinese, keyed by the English CSV's cost item: (item, how to estimate).
TCO_CHINESE = {
    "Licence or subscription": ("许可证或订阅费", "供应商报价 × 席位或账号数；计入计划中的用户增长和每年的涨价"),
    "Implementation and configuration": ("实施与配置", "供应商或合作伙伴的报价，加上自己员工的人天 × 人力成本"),
    "Integration with other systems": ("与其他系统的集成", "对接CRM、计费、身份系统所需的工程师人天 × 人力成本"),
    "Integration maintenance": ("集成维护", "每年按集成工作量的一定比例计，用于应对供应商接口变更"),
    "Building the differentiating part on the vendor's API": ("在供应商API上开发差异化部分", "你们业务特有的那20%"),
    "Private deployment and hosting": ("私有化部署与托管", "如果系统部署在你们的机房：服务器、数据库、备份"),
    "Initial build": ("首次建设", "工程师、产品经理、设计的人月 × 每月人力成本"),
    "Maintenance and small changes": ("维护与小改动", "每年按建设工作量的一定比例计；用自己的历史数据核对"),
    "Hosting and infrastructure": ("托管与基础设施", "系统及其各套环境的云服务或服务器账单"),
    "On-call and incident handling": ("值班与故障处理", "每月小时数 × 人力成本"),
    "Security and compliance work": ("安全与合规工作",
                                     "权限复核、审计日志维护、等保测评的分摊、供应商尽职调查；供应商处理个人信息的，"
                                     "还有个人信息保护影响评估"),
    "Data migration": ("数据迁移", "工程师人天，加上业务方核对数据的时间"),
    "Training and change management": ("培训与变革管理", "培训师和每位受训用户的小时数 × 人力成本"),
    "Vendor management": ("供应商管理", "每月花在合同、续约和工单上的小时数"),
    "Exit or switching cost": ("退出或切换成本", "第3年若要离开需要花多少：导出、迁移、重新培训"),
    "Opportunity cost of engineers": ("工程师的机会成本", "同一批工程师本可以做出什么；即使不计入合计，也要写明"),
}
TCO_WORDS = {"one-off": "一次性", "recurring": "经常性", "buy": "外购", "build": "自建", "both": "两者都有"}


def tco(edition: Edition) -> Workbook:
    """Buy versus build: each cost item by year, discounted at a yearly rate, summed per option (Part II's
    TCO formula); an item for both options counts in each."""
    items = load_csv_rows(ROOT / "book" / TEMPLATES / "tco-worksheet.csv")
    book = Workbook()
    word = {english: edition.say(english, chinese) for english, chinese in TCO_WORDS.items()}
    _how_to_use(book, edition, edition.say("Total cost of ownership: buy versus build", "总拥有成本：外购还是自建"),
                edition.say("Each option's cost over the same years, discounted to today, item by item, including "
                            "the items both sides tend to forget.",
                            "在同样的年限内，逐项算出每个方案折现到今天的成本，包括双方都容易漏掉的项目。"), [
        edition.say("On the Worksheet sheet, type the discount rate your finance team uses.",
                    "在“测算表”里填上财务团队使用的折现率。"),
        edition.say("For every item, type its cost in each year (year 0 is now; leave a year blank if nothing "
                    "is spent). Add your own items in the empty rows below, choosing the option from the list.",
                    "逐项填写每年的成本（第0年就是现在；某年没有支出就留空）。自己的项目加在下面的空行里，"
                    "方案从下拉列表中选。"),
        edition.say(f"An item marked \"{word['both']}\" counts in both options' totals; if its cost differs by "
                    "option, split it into two rows.",
                    f"标为“{word['both']}”的项目同时计入两个方案的合计；如果两个方案的金额不同，拆成两行。"),
        edition.say("The Totals block shows each option's cost per year and its TCO (the sum of the years, each "
                    "discounted to today), and the difference between them.",
                    "“合计”部分给出每个方案每年的成本、TCO（各年成本折现到今天后的总和），以及两者之差。"),
    ])
    sheet = book.create_sheet(edition.say("Worksheet", "测算表"))
    sheet["A1"] = edition.say("discount rate (per year)", "折现率（每年）")
    _input(sheet["B1"], 0.10, "0.0%")
    years = [edition.say(f"year {t} (CNY)", f"第{t}年（元）") for t in range(TCO_YEARS)]
    header_row, first = 3, 4
    _header(sheet, header_row, [edition.say("cost item", "成本项目"), edition.say("category", "类别"),
                                edition.say("option", "方案"), *years,
                                edition.say("present value (CNY)", "现值（元）"),
                                edition.say("how to estimate", "估算方法"), edition.say("notes", "备注")])
    last = first + len(items) + SPARE_TCO_ROWS - 1
    year_columns = [get_column_letter(4 + t) for t in range(TCO_YEARS)]
    pv_column = get_column_letter(4 + TCO_YEARS)
    for row in range(first, last + 1):
        item = items[row - first] if row - first < len(items) else None
        if item:
            name, how = (TCO_CHINESE[item["cost_item"]] if edition.chinese
                         else (item["cost_item"], item["how_to_estimate"]))
            sheet.cell(row, 1, name).alignment = WRAP
            sheet.cell(row, 2, word[item["category"]])
            sheet.cell(row, 3, word[item["option"]])
            sheet.cell(row, 5 + TCO_YEARS, how).alignment = WRAP
        else:
            _input(sheet.cell(row, 1))
            _input(sheet.cell(row, 2))
            _input(sheet.cell(row, 3))
        for column in year_columns:
            _input(sheet[f"{column}{row}"], number_format="#,##0")
        _input(sheet.cell(row, 6 + TCO_YEARS)).alignment = WRAP
        _result(sheet[f"{pv_column}{row}"], "=" + "+".join(
            f"N({column}{row})/(1+$B$1)^{t}" for t, column in enumerate(year_columns)), "#,##0")
    _choice(sheet, f"B{first}:B{last}", [word["one-off"], word["recurring"]], edition)
    _choice(sheet, f"C{first}:C{last}", [word["buy"], word["build"], word["both"]], edition)

    totals = last + 2
    sheet.cell(totals, 1, edition.say("Totals", "合计")).font = BOLD
    _header(sheet, totals + 1, [edition.say("option", "方案"), "", "", *years, edition.say("TCO (CNY)", "TCO（元）")])
    options = f"$C${first}:$C${last}"
    for offset, option in enumerate(("buy", "build")):
        row = totals + 2 + offset
        sheet.cell(row, 1, word[option]).font = BOLD
        for column in [*year_columns, pv_column]:
            values = f"{column}${first}:{column}${last}"
            _result(sheet[f"{column}{row}"], f'=SUMIF({options},"{word[option]}",{values})'
                                             f'+SUMIF({options},"{word["both"]}",{values})', "#,##0")
    difference = totals + 4
    sheet.cell(difference, 1, edition.say("build minus buy", "自建减外购")).font = BOLD
    for column in [*year_columns, pv_column]:
        _result(sheet[f"{column}{difference}"], f"={column}{difference - 1}-{column}{difference - 2}", "#,##0")
    sheet.freeze_panes = f"B{first}"
    _widths(sheet, [40, 12, 12, *[14] * TCO_YEARS, 16, 60, 30])
    return book


def load_csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- Metric card, metric plan, taxonomy matrix ------------------------------------------------------------

#: What to write in each field of a metric card, in both languages.
CARD_HELP = {
    "name": ("A short name the business will recognise", "业务方一看就懂的简短名称"),
    "definition": ("What it measures, in one sentence", "一句话说清它衡量什么"),
    "formula": ("How it is computed: numerator / denominator, over which period", "怎么算：分子/分母，统计周期"),
    "metric_type": ("One of the five metric types (list)", "五种指标类型之一（下拉选择）"),
    "attribution_strength": ("What your design supports, from the list; \"directly caused\" needs a comparison "
                             "group", "你的设计能支撑的关联关系（下拉选择）；“直接导致”需要对照组"),
    "owner": ("Who answers for the number", "谁为这个数字负责"),
    "data_source": ("Table or event it is computed from; \"to instrument\" if not yet recorded",
                    "从哪张表或哪个事件算出；还没记录的写“待埋点”"),
    "cadence": ("How often it is reported", "多久报告一次"),
    "target": ("The value you commit to, and by when", "承诺的目标值和期限"),
    "baseline": ("Its value before the change", "改动前的数值"),
}


def _vocabulary_lists(sheet, edition: Edition, type_cells: str, strength_cells: str) -> None:
    _choice(sheet, type_cells, [edition.term(name) for name in METRIC_TYPES], edition)
    _choice(sheet, strength_cells, [edition.term(name) for name in ATTRIBUTION_STRENGTHS], edition)


def metric_card(edition: Edition) -> Workbook:
    """One metric card: the template's fields (valuekit.metrics.METRIC_CARD_FIELDS), one per row."""
    book = Workbook()
    _how_to_use(book, edition, edition.say("Metric card", "指标卡"), edition.say(
        "One card per metric you will claim: what it is, how it is computed, which of the five types it is and "
        "how strongly your evidence ties it to your system.",
        "每个你要拿来说事的指标写一张卡：它是什么、怎么算、属于五种类型中的哪一种，以及证据能把它和你的系统"
        "关联到什么程度。"), [
        edition.say("On the Card sheet, fill in every yellow cell; the type and the strength come from lists.",
                    "在“指标卡”表里填好每个黄色单元格；类型和关联关系从下拉列表中选。"),
        edition.say("Copy the sheet for the next metric, or put many cards in the metric plan workbook.",
                    "下一个指标复制一份这张表即可；指标多了，就用“指标规划”工作簿。"),
    ])
    sheet = book.create_sheet(edition.say("Card", "指标卡"))
    _header(sheet, 1, [edition.say(h, z) for h, z in [
        ("field", "字段"), ("value", "内容"), ("what to write", "怎么填")]])
    rows = {}
    for row, field in enumerate(metrics.METRIC_CARD_FIELDS, start=2):
        sheet.cell(row, 1, edition.term(field)).font = BOLD
        _input(sheet.cell(row, 2)).alignment = WRAP
        sheet.cell(row, 3, edition.say(*CARD_HELP[field])).alignment = WRAP
        rows[field] = row
    _vocabulary_lists(sheet, edition, f"B{rows['metric_type']}", f"B{rows['attribution_strength']}")
    sheet.freeze_panes = "A2"
    _widths(sheet, [22, 60, 60])
    return book


def metric_plan(edition: Edition) -> Workbook:
    """Many metric cards, one per row, and the taxonomy matrix counting them by type and strength; an example
    sheet holds the book's metric plan for a young CRM."""
    book = Workbook()
    _how_to_use(book, edition, edition.say("Metric plan", "指标规划"), edition.say(
        "The metrics you will report for one system, one card per row, and the taxonomy matrix they fill.",
        "一个系统要报告的全部指标，每行一张指标卡，以及它们在指标分类矩阵中的分布。"), [
        edition.say("On the Plan sheet, write one metric per row; the type and the strength come from lists.",
                    "在“规划”表里每行写一个指标；类型和关联关系从下拉列表中选。"),
        edition.say("The Matrix sheet counts your metrics by type and attribution strength: an empty row is a "
                    "type you do not measure yet; many \"unclear\" ones are claims to stop making or to prove.",
                    "“矩阵”表按类型和关联关系统计你的指标：空着的一行是还没衡量的类型；“关系不明”多了，"
                    "说明有些主张要么别再提，要么去证明。"),
        edition.say("A young system starts with usage and efficiency. The Example sheet is the book's plan for "
                    "Kestrel Cloud's CRM.",
                    "新系统先从使用度和效率做起。“示例”表是书中为Kestrel Cloud的CRM做的规划。"),
    ])
    plan = book.create_sheet(edition.say("Plan", "规划"))
    matrix = book.create_sheet(edition.say("Matrix", "矩阵"))
    example = book.create_sheet(edition.say("Example", "示例"))
    fields = list(metrics.METRIC_CARD_FIELDS)
    type_column = get_column_letter(fields.index("metric_type") + 1)
    strength_column = get_column_letter(fields.index("attribution_strength") + 1)
    rows = 50
    for sheet in (plan, example):
        _header(sheet, 1, [edition.term(field) for field in fields])
        sheet.freeze_panes = "B2"
        _widths(sheet, [30, 40, 40, 18, 22, 18, 28, 12, 24, 24])
    for row in range(2, rows + 2):
        for column in range(1, len(fields) + 1):
            _input(plan.cell(row, column)).alignment = WRAP
    _vocabulary_lists(plan, edition, f"{type_column}2:{type_column}{rows + 1}",
                      f"{strength_column}2:{strength_column}{rows + 1}")
    for row, card in enumerate(load_csv_rows(ROOT / "book" / "part3" / "crm-metric-cards.csv"), start=2):
        for column, field in enumerate(fields, start=1):
            value = card[field]
            example.cell(row, column, edition.term(value) if value else None).alignment = WRAP

    _header(matrix, 1, [edition.say("type ↓ / strength →", "类型 ↓ / 关联关系 →"),
                        *[edition.term(strength) for strength in ATTRIBUTION_STRENGTHS],
                        edition.say("total", "合计")])
    types = f"'{plan.title}'!${type_column}$2:${type_column}${rows + 1}"
    strengths = f"'{plan.title}'!${strength_column}$2:${strength_column}${rows + 1}"
    for row, metric_type in enumerate(METRIC_TYPES, start=2):
        matrix.cell(row, 1, edition.term(metric_type)).font = BOLD
        for column in range(2, len(ATTRIBUTION_STRENGTHS) + 2):
            header = f"{get_column_letter(column)}$1"
            _result(matrix.cell(row, column), f"=COUNTIFS({types},$A{row},{strengths},{header})")
        end = get_column_letter(len(ATTRIBUTION_STRENGTHS) + 1)
        _result(matrix.cell(row, len(ATTRIBUTION_STRENGTHS) + 2), f"=SUM(B{row}:{end}{row})")
    matrix.freeze_panes = "B2"
    _widths(matrix, [24, *[20] * len(ATTRIBUTION_STRENGTHS), 10])
    return book


def taxonomy_matrix(edition: Edition) -> Workbook:
    """Part III's matrix, blank: the five metric types by the four attribution strengths."""
    book = Workbook()
    _how_to_use(book, edition, edition.say("Metric taxonomy matrix", "指标分类矩阵"), edition.say(
        "Your system's metrics placed by type and by how strongly the evidence ties them to the system.",
        "按类型、按证据能把指标和系统关联到什么程度，把你的系统的指标放进矩阵。"), [
        edition.say("On the Matrix sheet, write in each cell the metric of that type your evidence supports at "
                    "that strength; leave a cell empty where none fits.",
                    "在“矩阵”表的每个格子里，写下属于该类型、证据能支撑到该关联程度的指标；没有合适的就空着。"),
        edition.say("Empty cells are normal. An \"unclear\" cell is a prompt: find a design that establishes the "
                    "relation, or stop reporting the metric as yours.",
                    "空格子很正常。“关系不明”那一列是个提醒：要么找到能证明这层关系的设计，要么别再把这个指标算作"
                    "自己的功劳。"),
    ])
    sheet = book.create_sheet(edition.say("Matrix", "矩阵"))
    _header(sheet, 1, [edition.say("type ↓ / strength →", "类型 ↓ / 关联关系 →"),
                       *[edition.term(strength) for strength in ATTRIBUTION_STRENGTHS]])
    for row, metric_type in enumerate(METRIC_TYPES, start=2):
        sheet.cell(row, 1, f"{row - 1}. {edition.term(metric_type)}").font = BOLD
        for column in range(2, len(ATTRIBUTION_STRENGTHS) + 2):
            _input(sheet.cell(row, column)).alignment = WRAP
        sheet.row_dimensions[row].height = 60
    sheet.freeze_panes = "B2"
    _widths(sheet, [22, *[32] * len(ATTRIBUTION_STRENGTHS)])
    return book


# --- Writing them -------------------------------------------------------------------------------------------

#: Every workbook, by the file name readers download (the same in both editions).
WORKBOOKS: dict[str, Callable[[Edition], Workbook]] = {
    "self-assessment.xlsx": self_assessment,
    "metric-card.xlsx": metric_card,
    "metric-plan.xlsx": metric_plan,
    "taxonomy-matrix.xlsx": taxonomy_matrix,
    "cost-saving-payback.xlsx": cost_saving,
    "tco-worksheet.xlsx": tco,
}


def folder(chinese: bool) -> Path:
    """The edition's templates folder, where its pages' download links point."""
    return ROOT / (CHINESE if chinese else ENGLISH) / TEMPLATES


def _parts(content: bytes) -> dict[str, bytes]:
    """A workbook's parts except its core properties, which carry the time it was saved."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def write(target: Path, chinese: bool) -> list[Path]:
    """Write every workbook into `target`; a file whose content is unchanged is left alone, and a new one
    replaces the old in one step, so a build running beside this one never reads half a file."""
    target.mkdir(parents=True, exist_ok=True)
    edition, written = Edition.of(chinese), []
    for name, build in WORKBOOKS.items():
        buffer = io.BytesIO()
        build(edition).save(buffer)
        content, path = buffer.getvalue(), target / name
        if path.is_file() and _parts(path.read_bytes()) == _parts(content):
            continue
        with tempfile.NamedTemporaryFile(dir=target, suffix=".tmp", delete=False) as handle:
            handle.write(content)
        os.replace(handle.name, path)
        written.append(path)
    return written


def _on_builder_inited(app: Sphinx) -> None:
    chinese = app.config.language == i18n.CHINESE
    write(folder(chinese), chinese)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _on_builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="where to write (default: the edition's templates folder)")
    parser.add_argument("--chinese", action="store_true", help="the Chinese edition's workbooks")
    args = parser.parse_args(argv)
    for path in write(args.folder or folder(args.chinese), args.chinese):
        print(path)


if __name__ == "__main__":
    main()
