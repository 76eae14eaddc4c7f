"""Sphinx extension: the positioning self-assessment as a form a reader fills in on the page.

``{self-assessment-form}`` renders every statement of the rubric (``rubric_items.csv``, read through the
contract's loader) as a labelled radio group, 1 to 5 or no answer, with a field for the evidence, and a
place for the result. The statements are in the page's HTML when it is built, so they cannot drift from
the rubric the notebook scores. ``static/self-assessment-form.js`` scores the answers in the browser by
``valuekit.positioning``'s rule; the rule's thresholds come from the module's constants, written into the
form as data attributes, so they live once. The script keeps the answers in the reader's browser
(localStorage), sends nothing anywhere, and exports them as the answers file the notebook reads.

In the Chinese edition (``language: zh_CN``) the form's own words, statements included, come from
``labels/self-assessment-form.csv`` and the stage and dimension names from the vocabulary in the same
catalogue (``valuekit.i18n``); a word without Chinese is a build warning, which fails the strict build.

Usage, with the data folder relative to the page (as a notebook's ``DATA_DIR``)::

    :::{self-assessment-form}
    :data-dir: ../../data
    :::
"""

from __future__ import annotations

import csv
import html
import inspect
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .. import i18n
from ..loader import load_tables
from ..positioning import (
    AGREES_AT,
    ANSWERS_FILE,
    MET_MEAN,
    MET_MINIMUM,
    STAGE_NAMES,
    TOP_STAGE,
    UNANSWERED_COUNTS_AS,
    top_gaps,
)
from ..vocabulary import DIMENSIONS

LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SCRIPT, STYLE = "self-assessment-form.js", "self-assessment-form.css"
#: The class of the form's container, by which a page that holds the form gets the script and the style.
FORM_CLASS = "self-assessment-form"
#: The form's own words in the Chinese edition, beside the catalogue's other files (english,chinese).
CHINESE_WORDS = "self-assessment-form.csv"
#: Where the browser keeps the answers; both editions share it, so switching language keeps them.
STORAGE_KEY = "back-office-value:self-assessment:v1"
#: Agreement scale of rule 1, lowest first, as the form labels its radio buttons.
AGREEMENT_SCALE = ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree")
#: The dimensions as the form names them (the vocabulary's identifiers are snake_case).
DIMENSION_NAMES = dict(zip(DIMENSIONS, ("Business understanding", "Business rules", "Data and metrics",
                                        "Collaboration", "System maturity"), strict=True))

#: Everything else the form and its script say, by key; ``{}`` stands for a value the script fills in.
WORDS = {
    "no_answer": "skip",
    "evidence": "Evidence you can point to",
    "importance": "importance {}",
    "progress": "{} of {} statements answered",
    "download": "Download answers (CSV)",
    "load": "Load answers (CSV)",
    "clear": "Clear all answers",
    "confirm_clear": "Clear every answer kept in this browser? This cannot be undone.",
    "kept_here": "Your answers are kept in this browser only; nothing is sent anywhere.",
    "not_kept": "This browser does not let the page keep your answers: download them before you leave.",
    "to_result": "Go to your result",
    "result": "Your result",
    "answer_first": "Answer at least one statement to see your result.",
    "overall": "Overall stage",
    "median": "Median stage (for comparison)",
    "held_back_by": "Held back by",
    "none": "none",
    "unanswered": "Unanswered statements",
    "without_evidence": "Agreements with no evidence",
    "per_dimension": "Stage per dimension",
    "dimension": "Dimension",
    "stage": "Stage",
    "inconsistent": "{} (answers inconsistent)",
    "separator": ", ",  # between the items of a list of stages or dimensions
    "radar": "Radar chart of your stage per dimension, as the table lists it",
    "gaps": "What to work on to reach {}",
    "gaps_intro": "The statements at or below the next stage that you do not agree with yet, lowest stage "
                  "first, then by weight: importance × ({} − your answer), no answer counting as {}.",
    "your_answer": "your answer {}",
    "weight": "weight {}",
    "not_answered": "no answer",
    "top_stage": "You are at {} in every dimension, so there is no next stage: the next step is to spread the "
                 "practice to others.",
    "conversation": "Points for a conversation, not a gap list",
    "conversation_intro": "In these dimensions a stage is met above one you deny, so the answers contradict "
                          "themselves. Talk them through with your manager or a colleague: which claims can you "
                          "show, and what stops the foundations? Then answer again.",
    "denied": "Denied",
    "met_above": "Met above it",
    "claims_without_evidence": "Claims with no evidence",
    "loaded": "Loaded {} answers from {}.",
    "not_loaded": "Could not load {}: {}",
    "at_row": "row {}, column {}: {}",
    "not_agreement": "'{}' is not a whole number from {} to {}",
    "not_statement": "'{}' is not a statement of the rubric",
    "twice": "'{}' appears twice",
    "no_column": "it has no {} column",
    "empty": "it is empty",
}


@dataclass(frozen=True)
class Words:
    """The words of one edition: the form's, the stages' (0 to the top) and the dimensions'."""

    text: dict[str, str]
    scale: tuple[str, ...]
    stages: tuple[str, ...]
    dimensions: dict[str, str]
    statements: dict[str, str]  # item_id -> statement
    byte_order_mark: bool  # so that a spreadsheet opens an export with Chinese statements as UTF-8


def english_words(rubric: pd.DataFrame) -> Words:
    return Words(dict(WORDS), AGREEMENT_SCALE, tuple(STAGE_NAMES[level] for level in range(TOP_STAGE + 1)),
                 dict(DIMENSION_NAMES), dict(zip(rubric["item_id"], rubric["statement"], strict=True)), False)


def chinese_words(rubric: pd.DataFrame, labels: Path) -> tuple[Words, list[str]]:
    """The Chinese edition's words from the catalogue in `labels`, and the English ones that have none."""
    with (labels / CHINESE_WORDS).open(encoding="utf-8", newline="") as handle:
        own = {row["english"]: row["chinese"] for row in csv.DictReader(handle) if row["chinese"]}
    vocabulary, _ = i18n.catalogue(labels)
    missing = []

    def chinese(english: str, source: dict[str, str]) -> str:
        if english not in source:
            missing.append(english)
        return source.get(english, english)

    english = english_words(rubric)
    return Words(
        {key: chinese(text, own) for key, text in english.text.items()},
        tuple(chinese(text, own) for text in english.scale),
        tuple(chinese(name, vocabulary) for name in english.stages),
        {dimension: chinese(dimension, vocabulary) for dimension in english.dimensions},
        {item: chinese(statement, own) for item, statement in english.statements.items()},
        True,
    ), missing


def scoring_rules() -> dict:
    """The rule's thresholds as the script reads them: positioning's constants, not copies."""
    agreement = next(field for field in ANSWERS_FILE["fields"] if field["name"] == "agreement")["constraints"]
    return {
        "lowestAnswer": agreement["minimum"],
        "highestAnswer": agreement["maximum"],
        "metMinimum": MET_MINIMUM,
        "metMean": MET_MEAN,
        "agreesAt": AGREES_AT,
        "unansweredCountsAs": UNANSWERED_COUNTS_AS,
        "topStage": TOP_STAGE,
        # top_gaps lists this many gaps unless told otherwise; the form shows as many as the notebook.
        "gapLimit": inspect.signature(top_gaps).parameters["limit"].default,
    }


def _attribute(value) -> str:
    return html.escape(json.dumps(value, ensure_ascii=False), quote=True)


def form_html(rubric: pd.DataFrame, words: Words) -> str:
    """The form, one fieldset per rubric statement grouped by dimension, then the place for the result."""
    text = words.text
    scale = enumerate(words.scale, start=1)
    parts = [
        f'<form class="saf" id="self-assessment-form" novalidate data-rules="{_attribute(scoring_rules())}" '
        f'data-words="{_attribute(text)}" data-stages="{_attribute(list(words.stages))}" '
        f'data-dimensions="{_attribute(words.dimensions)}" data-storage-key="{STORAGE_KEY}" '
        f'data-byte-order-mark="{str(words.byte_order_mark).lower()}">',
        '<div class="saf-toolbar">',
        f'<p class="saf-key">{html.escape(" · ".join(f"{value} {label}" for value, label in scale))}</p>',
        f'<p class="saf-progress" id="saf-progress" aria-live="polite">'
        f'{html.escape(text["progress"].format(0, len(rubric)))}</p>',
        f'<button type="button" class="saf-button" data-action="download">{html.escape(text["download"])}</button>',
        f'<button type="button" class="saf-button" data-action="load">{html.escape(text["load"])}</button>',
        '<input type="file" id="saf-file" accept=".csv,text/csv,text/tab-separated-values" hidden>',
        f'<button type="button" class="saf-button" data-action="clear">{html.escape(text["clear"])}</button>',
        f'<a class="saf-jump" href="#self-assessment-result">{html.escape(text["to_result"])}</a>',
        f'<p class="saf-storage" id="saf-storage" role="status">{html.escape(text["kept_here"])}</p>',
        "</div>",
    ]
    for dimension in rubric["dimension"].unique():
        parts.append(f'<section class="saf-dimension" aria-labelledby="saf-{dimension}">')
        parts.append(f'<h3 id="saf-{dimension}">{html.escape(words.dimensions[dimension])}</h3>')
        for item in rubric[rubric["dimension"] == dimension].itertuples():
            parts.append(_statement_html(item, words))
        parts.append("</section>")
    parts.append("</form>")
    parts.append(f'<section class="saf-result" id="self-assessment-result" aria-labelledby="saf-result-title">'
                 f'<h3 id="saf-result-title">{html.escape(text["result"])}</h3>'
                 f'<div id="saf-result-body"><p>{html.escape(text["answer_first"])}</p></div></section>')
    return "\n".join(parts)


def _statement_html(item, words: Words) -> str:
    name, legend = f"agreement-{item.item_id}", f"saf-{item.item_id}-statement"
    options = [
        f'<label class="saf-option"><input type="radio" name="{name}" value="{value}">'
        f'<span aria-hidden="true">{value}</span><span class="saf-hidden">{value} {html.escape(label)}</span></label>'
        for value, label in enumerate(words.scale, start=1)
    ]
    options.append(f'<label class="saf-option saf-skip"><input type="radio" name="{name}" value="" checked>'
                   f'<span>{html.escape(words.text["no_answer"])}</span></label>')
    meta = f'{words.stages[item.stage_level]} · {words.text["importance"].format(item.importance)}'
    return (
        f'<fieldset class="saf-item" data-item="{item.item_id}" data-dimension="{item.dimension}" '
        f'data-stage="{item.stage}" data-stage-level="{item.stage_level}" data-importance="{item.importance}">'
        f'<legend id="{legend}"><span class="saf-id">{item.item_id}</span> '
        f'<span class="saf-statement">{html.escape(words.statements[item.item_id])}</span></legend>'
        f'<p class="saf-meta">{html.escape(meta)}</p>'
        f'<div class="saf-options">{"".join(options)}</div>'
        f'<label class="saf-evidence"><span>{html.escape(words.text["evidence"])}</span>'
        f'<input type="text" name="evidence-{item.item_id}" autocomplete="off" aria-describedby="{legend}"></label>'
        "</fieldset>"
    )


class SelfAssessmentForm(SphinxDirective):
    option_spec = {"data-dir": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        data_dir = (Path(self.env.doc2path(self.env.docname)).parent / self.options["data-dir"]).resolve()
        rubric = load_tables(data_dir, ["rubric_items"])["rubric_items"]
        self.env.note_dependency(str(data_dir / "rubric_items.csv"))
        if self.config.language == i18n.CHINESE:
            labels = Path(self.env.srcdir) / i18n.CATALOGUE_FOLDER
            self.env.note_dependency(str(labels / CHINESE_WORDS))
            words, missing = chinese_words(rubric, labels)
            for english in missing:
                LOGGER.warning(f"self-assessment form: no Chinese for {english!r}: add it to "
                               f"{i18n.CATALOGUE_FOLDER}/{CHINESE_WORDS}", location=self.get_location())
        else:
            words = english_words(rubric)
        return [nodes.raw("", form_html(rubric, words), format="html", classes=[FORM_CLASS])]


def _add_static_path(app: Sphinx, config) -> None:
    config.html_static_path.append(str(STATIC))


def _page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is not None and any(FORM_CLASS in node["classes"] for node in doctree.findall(nodes.raw)):
        app.add_js_file(SCRIPT, defer="defer")
        app.add_css_file(STYLE)


def setup(app: Sphinx) -> dict:
    app.add_directive("self-assessment-form", SelfAssessmentForm)
    app.connect("config-inited", _add_static_path)
    # Before sphinx_html_fixes replaces the page's script list (at the default priority, 500): a file added
    # after that would miss this page.
    app.connect("html-page-context", _page_assets, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
