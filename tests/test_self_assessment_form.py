"""The self-assessment form's Python side (valuekit/book/self_assessment_form.py): every rubric statement is on
the page, the scoring thresholds are positioning's own, the Chinese edition has every word, and a page with the
form, and only such a page, gets its script. tests/browser/test_self_assessment_form.py scores it in Chromium.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main

from valuekit import i18n, positioning
from valuekit.book import self_assessment_form as form
from valuekit.loader import load_tables
from valuekit.vocabulary import DIMENSIONS, STAGES

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "zh" / i18n.CATALOGUE_FOLDER


@pytest.fixture(scope="module")
def rubric():
    return load_tables(ROOT / "data", ["rubric_items"])["rubric_items"]


def rendered(rubric, words) -> BeautifulSoup:
    return BeautifulSoup(form.form_html(rubric, words), "html.parser")


def test_every_rubric_statement_is_a_labelled_radio_group(rubric):
    soup = rendered(rubric, form.english_words(rubric))
    items = soup.select("fieldset[data-item]")
    assert [item["data-item"] for item in items] == rubric["item_id"].tolist()
    assert [item.select_one(".saf-statement").get_text() for item in items] == rubric["statement"].tolist()
    assert [int(item["data-importance"]) for item in items] == rubric["importance"].tolist()
    assert [int(item["data-stage-level"]) for item in items] == rubric["stage_level"].tolist()
    for item in items:
        radios = item.select("input[type=radio]")
        assert {radio["name"] for radio in radios} == {f"agreement-{item['data-item']}"}
        assert [radio["value"] for radio in radios] == [*map(str, range(1, len(form.AGREEMENT_SCALE) + 1)), ""]
        assert all(radio.find_parent("label") for radio in radios), "each radio is named by its label"
        assert item.legend.get_text(strip=True), "each group is named by its statement"


def test_the_thresholds_are_positionings_constants(rubric):
    rules = json.loads(rendered(rubric, form.english_words(rubric)).form["data-rules"])
    assert rules == {
        "metMinimum": positioning.MET_MINIMUM,
        "metMean": positioning.MET_MEAN,
        "agreesAt": positioning.AGREES_AT,
        "unansweredCountsAs": positioning.UNANSWERED_COUNTS_AS,
        "topStage": positioning.TOP_STAGE,
        "gapLimit": 3,  # top_gaps' default
        "lowestAnswer": 1,
        "highestAnswer": 5,
    }
    assert rules["highestAnswer"] - rules["lowestAnswer"] + 1 == len(form.AGREEMENT_SCALE)


def test_stages_and_dimensions_are_the_vocabularys(rubric):
    soup = rendered(rubric, form.english_words(rubric))
    assert json.loads(soup.form["data-stages"]) == [positioning.STAGE_NAMES[0], *STAGES]
    assert list(json.loads(soup.form["data-dimensions"])) == list(DIMENSIONS) == rubric["dimension"].unique().tolist()


def test_the_chinese_form_has_every_word_and_no_spare_ones(rubric):
    words, missing = form.chinese_words(rubric, LABELS)
    assert missing == []
    soup = rendered(rubric, words)
    assert [s.get_text() for s in soup.select(".saf-statement")] == [words.statements[i] for i in rubric["item_id"]]
    sentences = [text for key, text in words.text.items() if key != "separator"]
    assert all(i18n._CHINESE.search(text) for text in [*sentences, *words.scale, *words.stages[1:]])
    assert words.text["separator"] == "、"
    assert words.byte_order_mark and not form.english_words(rubric).byte_order_mark
    with (LABELS / form.CHINESE_WORDS).open(encoding="utf-8", newline="") as handle:
        listed = [row["english"] for row in csv.DictReader(handle)]
    assert sorted(listed) == sorted([*rubric["statement"], *form.AGREEMENT_SCALE, *form.WORDS.values()])


def test_a_word_without_chinese_is_reported(rubric, tmp_path):
    shutil.copytree(LABELS, tmp_path / "labels")
    path = tmp_path / "labels" / form.CHINESE_WORDS
    path.write_text(path.read_text(encoding="utf-8").replace("Download answers (CSV),", "Download answers,"),
                    encoding="utf-8")
    i18n.catalogue.cache_clear()
    _, missing = form.chinese_words(rubric, tmp_path / "labels")
    i18n.catalogue.cache_clear()
    assert missing == ["Download answers (CSV)"]


def test_a_page_with_the_form_gets_its_script_and_others_do_not(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text("extensions = ['valuekit.book.self_assessment_form']\n", encoding="utf-8")
    (source / "index.rst").write_text(
        f"Form\n====\n\n.. toctree::\n\n   other\n\n.. self-assessment-form::\n   :data-dir: {ROOT / 'data'}\n",
        encoding="utf-8")
    (source / "other.rst").write_text("Other\n=====\n\nNo form here.\n", encoding="utf-8")
    output = tmp_path / "html"
    assert build_main(["-q", "-W", "-b", "html", str(source), str(output)]) == 0
    page = BeautifulSoup((output / "index.html").read_text(encoding="utf-8"), "html.parser")
    other = (output / "other.html").read_text(encoding="utf-8")
    assert len(page.select("#self-assessment-form fieldset[data-item]")) == 40
    assert page.select_one(f'script[src*="{form.SCRIPT}"]') and page.select_one(f'link[href*="{form.STYLE}"]')
    assert form.SCRIPT not in other and form.STYLE not in other
    assert (output / "_static" / form.SCRIPT).is_file() and (output / "_static" / form.STYLE).is_file()
