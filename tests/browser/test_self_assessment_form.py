"""The self-assessment form (book/part2/take-the-self-assessment.md) in a real browser, in both editions.

Answered through the page, it must score as valuekit.positioning does on the same answers file: the overall
stage, the stage of each dimension, the top gaps or, for inconsistent answers, the conversation points. Its
download must be an answers file that load_answers reads back to the same score. The site's own checks
(tests/test_site.py) already load the page empty; these fill it in.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
from axe_playwright_python.sync_playwright import Axe

from valuekit import i18n
from valuekit.loader import load_tables
from valuekit.positioning import (
    STAGE_NAMES,
    conversation_points,
    load_answers,
    score_dimensions,
    score_people,
    top_gaps,
)

from .conftest import SERIOUS
from .site import ROOT

EXAMPLE = ROOT / "book" / "part2" / "self-assessment-example.csv"
ENGLISH, CHINESE = "book/part2/take-the-self-assessment.html", "zh/part2/take-the-self-assessment.html"
EDITIONS = pytest.mark.parametrize("path", [ENGLISH, CHINESE])
PHONE = {"width": 390, "height": 844}


@functools.cache
def rubric() -> pd.DataFrame:
    return load_tables(ROOT / "data", ["rubric_items"])["rubric_items"]


def stage_name(level: int, path: str) -> str:
    """A stage as the edition's page names it: the package's name, or its Chinese in the catalogue."""
    if path == ENGLISH:
        return STAGE_NAMES[level]
    exact, _ = i18n.catalogue(ROOT / "zh" / i18n.CATALOGUE_FOLDER)
    return exact[STAGE_NAMES[level]]


def python_score(answers_file: Path) -> dict:
    """What valuekit.positioning makes of an answers file, in the terms the page shows."""
    answers = load_answers(answers_file, rubric(), "me")
    dimensions = score_dimensions(answers, rubric()).loc["me"]
    people = score_people(answers, rubric())
    talk = conversation_points(answers, rubric())
    return {
        "overall": int(people.loc["me", "overall_stage"]),
        "median": int(people.loc["me", "median_stage"]),
        "dimensions": {dimension: int(stage) for dimension, stage in dimensions["stage"].items()},
        "gaps": top_gaps(answers, rubric(), people)["item_id"].tolist(),
        "conversation": [(row.dimension, row.denied, row.met_above, row.claims_without_evidence)
                         for row in talk.itertuples()],
    }


def page_score(page) -> dict:
    """The result the page shows, read from the data attributes the script writes beside the words."""
    body = page.locator("#saf-result-body")
    conversation = []
    for row in body.locator("[data-result=conversation] tbody tr").all():
        cells = [cell.inner_text() for cell in row.locator("td").all()]
        conversation.append((row.get_attribute("data-dimension"), cells[0], cells[1], int(cells[2])))
    return {
        "overall": int(body.locator("[data-result=overall]").get_attribute("data-stage-level")),
        "median": int(body.locator("[data-result=median]").get_attribute("data-stage-level")),
        "dimensions": {row.get_attribute("data-dimension"): int(row.get_attribute("data-stage-level"))
                       for row in body.locator(".saf-profile-view tr[data-dimension]").all()},
        "gaps": [row.get_attribute("data-item") for row in body.locator("[data-result=gaps] [data-item]").all()],
        "conversation": conversation,
    }


def answer_through_the_form(page, answers_file: Path) -> None:
    """Click each answer and type each piece of evidence, as a reader would."""
    for row in pd.read_csv(answers_file, dtype=str, keep_default_na=False).itertuples():
        if row.agreement:
            page.locator(f'input[name="agreement-{row.item_id}"][value="{row.agreement}"]').check()
        if row.evidence:
            page.locator(f'input[name="evidence-{row.item_id}"]').fill(row.evidence)


def open_form(page, base_url: str, path: str) -> None:
    page.goto(f"{base_url}/{path}", wait_until="load")
    page.wait_for_selector("#saf-result-body")


def inconsistent_answers(folder: Path) -> Path:
    """The example with business understanding upside down: follow denied, lead claimed without evidence."""
    answers = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False).set_index("item_id")
    answers.loc[["I01", "I02"], "agreement"] = "2"
    answers.loc[["I07", "I08"], ["agreement", "evidence"]] = ["5", ""]
    path = folder / "inconsistent.csv"
    answers.reset_index().to_csv(path, index=False)
    return path


@EDITIONS
def test_the_example_answered_on_the_page_scores_as_the_package_does(page, base_url, path):
    open_form(page, base_url, path)
    answer_through_the_form(page, EXAMPLE)
    expected = python_score(EXAMPLE)
    assert expected["gaps"] and not expected["conversation"], "the example is consistent, below lead"
    assert page_score(page) == expected
    assert page.locator("[data-result=overall]").inner_text() == stage_name(expected["overall"], path)
    shown = page.locator(".saf-profile-view tr[data-dimension] td").all_inner_texts()
    assert shown == [stage_name(expected["dimensions"][d], path) for d in rubric()["dimension"].unique()]
    violations = Axe().run(page, context={"include": [["#self-assessment-result"]]}).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in SERIOUS] == []


@EDITIONS
def test_the_download_is_an_answers_file_that_scores_the_same(page, base_url, path, tmp_path):
    open_form(page, base_url, path)
    answer_through_the_form(page, EXAMPLE)
    with page.expect_download() as download:
        page.click("[data-action=download]")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert python_score(exported) == python_score(EXAMPLE)
    mine, example = (load_answers(file, rubric(), "me") for file in (exported, EXAMPLE))
    pd.testing.assert_frame_equal(mine, example)
    if path == ENGLISH:  # the shipped example was written by the same rule, statements in English
        assert exported.read_bytes() == EXAMPLE.read_bytes()
    else:  # Chinese statements, and a byte-order mark so that a spreadsheet reads them as UTF-8
        assert exported.read_bytes().startswith("\ufeffitem_id,dimension,stage,importance,statement,agreement,"
                                                "evidence\n".encode())


@EDITIONS
def test_inconsistent_answers_loaded_from_a_file_get_conversation_points(page, base_url, path, tmp_path):
    answers_file = inconsistent_answers(tmp_path)
    expected = python_score(answers_file)
    assert expected["conversation"] and not expected["gaps"]
    open_form(page, base_url, path)
    page.set_input_files("#saf-file", answers_file)
    page.wait_for_selector("[data-result=conversation]")
    shown = page_score(page)
    names = functools.partial(_stage_names, path=path)
    assert shown["overall"] == expected["overall"] and shown["dimensions"] == expected["dimensions"]
    assert shown["gaps"] == [] and page.locator("[data-result=gaps]").count() == 0
    assert shown["conversation"] == [(dimension, names(denied), names(met_above), claims)
                                     for dimension, denied, met_above, claims in expected["conversation"]]
    assert page.locator('input[name="agreement-I07"][value="5"]').is_checked()


def _stage_names(joined: str, path: str) -> str:
    """positioning's "follow, collaborate" as the page lists the stages ("跟随、协同" in Chinese)."""
    levels = {name: level for level, name in STAGE_NAMES.items()}
    separator = ", " if path == ENGLISH else "、"
    return separator.join(stage_name(levels[name], path) for name in joined.split(", "))


def test_a_file_with_a_bad_answer_is_refused_and_named(page, base_url, tmp_path):
    answers = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False)
    answers.loc[5, "agreement"] = "7"
    bad = tmp_path / "bad.csv"
    answers.to_csv(bad, index=False)
    open_form(page, base_url, ENGLISH)
    page.set_input_files("#saf-file", bad)
    page.wait_for_function("document.getElementById('saf-storage').textContent.includes('bad.csv')")
    assert "row 7, column agreement: '7' is not a whole number from 1 to 5" in page.inner_text("#saf-storage")
    assert page.locator("[data-result=overall]").count() == 0, "nothing was loaded"


def test_answers_stay_in_the_browser_across_a_reload_and_the_language_switch(page, base_url):
    open_form(page, base_url, ENGLISH)
    answer_through_the_form(page, EXAMPLE)
    expected = python_score(EXAMPLE)
    page.reload(wait_until="load")
    assert page_score(page) == expected
    assert page.locator('input[name="evidence-I01"]').input_value() == "process notes for the team I serve"
    page.click("a.language-switch")
    page.wait_for_url(f"**/{CHINESE}")
    assert page_score(page) == expected
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-action=clear]")
    assert page.locator("[data-result=overall]").count() == 0
    page.reload(wait_until="load")
    assert page.locator("input[type=radio][value='']:checked").count() == len(rubric())


def test_the_radios_answer_from_the_keyboard(page, base_url):
    open_form(page, base_url, ENGLISH)
    page.focus('input[name="agreement-I01"][value="1"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert page.locator('input[name="agreement-I01"][value="2"]').is_checked()
    assert page.inner_text("#saf-progress") == f"1 of {len(rubric())} statements answered"


@EDITIONS
def test_the_radar_labels_do_not_overlap_on_a_phone(browser, base_url, path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    open_form(page, base_url, path)
    answer_through_the_form(page, EXAMPLE)
    chart = page.locator(".saf-radar").bounding_box()
    labels = [page.locator(".saf-axis-label").nth(i).bounding_box()
              for i in range(page.locator(".saf-axis-label").count())]
    form = page.locator("#self-assessment-form").bounding_box()
    context.close()
    assert len(labels) == rubric()["dimension"].nunique()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= PHONE["width"]
    assert form["x"] >= 0 and form["x"] + form["width"] <= PHONE["width"]
    for box in labels:
        assert chart["x"] <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["width"]
        assert chart["y"] <= box["y"] and box["y"] + box["height"] <= chart["y"] + chart["height"]
    for index, first in enumerate(labels):
        for second in labels[index + 1:]:
            apart = (first["x"] + first["width"] <= second["x"] or second["x"] + second["width"] <= first["x"]
                     or first["y"] + first["height"] <= second["y"] or second["y"] + second["height"] <= first["y"])
            assert apart, (first, second)
