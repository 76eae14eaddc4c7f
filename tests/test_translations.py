"""The Chinese edition keeps step with the English one (CONTRIBUTING.md, "The Chinese edition").

Every English page and notebook has a Chinese counterpart in zh/, translated from its current text; the
Chinese notebooks are generated from the English code, so the two editions run the same code; the two tables of
contents list the same pages; and the files notebooks read beside them are the English ones.
"""

import filecmp
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from valuekit.book import language_switch, translations
from valuekit.book.translations import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def test_the_chinese_edition_is_in_step_with_the_english_one():
    assert translations.problems() == []


def toc_files(toc_path: Path, prefix: str) -> list[list[str]]:
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    return [[toc["root"].removeprefix(prefix)]] + [
        [chapter["file"].removeprefix(prefix) for chapter in part["chapters"]] for part in toc["parts"]]


def test_both_tables_of_contents_list_the_same_pages_in_the_same_parts():
    assert toc_files(ROOT / "zh" / "_toc.yml", "") == toc_files(ROOT / "_toc.yml", "book/")


def prose_of(path: Path) -> str:
    """The text a reader reads: without code blocks, inline code, roles, math, URLs and HTML comments."""
    text = path.read_text(encoding="utf-8")
    for pattern in (r"```.*?```", r"\$\$.*?\$\$", r"<!--.*?-->", r"\{[\w:-]+\}`[^`]*`", r"`[^`]*`",
                    r"\$[^$\n]*\$", r"https?://\S+", r"\([^)\s]+\)="):
        text = re.sub(pattern, " ", text, flags=re.DOTALL)
    return text


@pytest.mark.parametrize("english", translations.english_sources(), ids=str)
def test_every_translation_is_chinese(english):
    """Mostly Chinese characters, not an English page copied across (names and abbreviations may stay)."""
    prose = prose_of(ROOT / translations.translation_of(english))
    chinese, latin = len(CJK.findall(prose)), sum(len(w) for w in LATIN_WORD.findall(prose))
    assert chinese > 2 * latin, f"{chinese} Chinese characters against {latin} Latin letters"


def test_a_changed_english_page_makes_its_translation_stale(tmp_path):
    for relative in ["book/part1/what-is-back-office.md", "zh/part1/what-is-back-office.md",
                     "book/part3/efficiency.ipynb", "zh/part3/efficiency.prose.md", "zh/part3/efficiency.ipynb",
                     "zh/translations.json"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    assert translations.problems(tmp_path) == []
    page = tmp_path / "book/part1/what-is-back-office.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    notebook = json.loads((tmp_path / "book/part3/efficiency.ipynb").read_text(encoding="utf-8"))
    code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    code["source"] = "".join(code["source"]) + "\n# a change to the code"
    (tmp_path / "book/part3/efficiency.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    found = translations.problems(tmp_path)
    assert len(found) == 2, found
    assert found[0].startswith("zh/part1/what-is-back-office.md: book/part1/what-is-back-office.md changed")
    assert found[1].startswith("zh/part3/efficiency.ipynb: not generated from book/part3/efficiency.ipynb"), \
        "a code change is not a prose change, but the Chinese notebook must be regenerated"
    translations.generate(Path("zh/part3/efficiency.ipynb"), tmp_path)
    assert translations.problems(tmp_path)[1:] == []


def test_a_lost_glue_key_or_label_is_caught(tmp_path):
    for relative in ["book/part3/metric-taxonomy.md", "zh/part3/metric-taxonomy.md"]:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    page = tmp_path / "zh/part3/metric-taxonomy.md"
    page.write_text(page.read_text(encoding="utf-8").replace("(metric-taxonomy)=", ""), encoding="utf-8")
    found = translations.structure_problems(Path("book/part3/metric-taxonomy.md"),
                                            Path("zh/part3/metric-taxonomy.md"), tmp_path)
    assert found and "missing ['label:metric-taxonomy']" in found[0]


def test_generated_notebooks_run_the_english_code():
    for english in (p for p in translations.english_sources() if p.suffix == ".ipynb"):
        cells = json.loads((ROOT / translations.zh_path(english)).read_text(encoding="utf-8"))["cells"]
        originals = json.loads((ROOT / english).read_text(encoding="utf-8"))["cells"]
        assert [("".join(c["source"]), c["metadata"].get("tags")) for c in cells if c["cell_type"] == "code"] == \
            [("".join(c["source"]), c["metadata"].get("tags")) for c in originals if c["cell_type"] == "code"]


def side_files(folder: Path) -> set[Path]:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and p.suffix in {".csv", ".json"}
            and "labels" not in p.parts and p.name not in {"translations.json", "terms.csv"}}


def test_files_beside_the_pages_are_the_english_ones():
    """Data the notebooks read and the templates readers download: symlinks to English, or equal copies."""
    english, chinese = side_files(ROOT / "book"), side_files(ROOT / "zh")
    assert english == chinese
    for relative in english:
        assert filecmp.cmp(ROOT / "book" / relative, ROOT / "zh" / relative, shallow=False), relative


def test_the_switch_maps_each_page_to_its_counterpart():
    english = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    chinese = yaml.safe_load((ROOT / "zh" / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    to_zh, to_en = english["counterpart_edition"], chinese["counterpart_edition"]
    pages = {"book/part3/attribution", "book/preface"}
    assert language_switch.counterpart_url("book/part3/attribution", to_zh, pages) == "../../zh/part3/attribution.html"
    assert language_switch.counterpart_url("book/preface", to_zh, pages) == "../zh/preface.html"
    assert language_switch.counterpart_url("search", to_zh, pages) == "zh/search.html"
    assert language_switch.counterpart_url("part3/attribution", to_en, {"part3/attribution"}) == \
        "../../book/part3/attribution.html"
    assert language_switch.counterpart_url("search", to_en, {"part3/attribution"}) == "../search.html"
    assert chinese["language"] == "zh_CN" and chinese["html_search_language"] == "zh"


def test_the_glossary_terms_are_search_words():
    from valuekit.book.chinese_search import glossary_terms

    terms = glossary_terms(ROOT / "zh" / "appendix" / "glossary.md")
    assert {"主导", "中台", "双重差分", "权限复核", "内部计费"} <= set(terms) and len(terms) > 100
    assert all(CJK.fullmatch(character) for term in terms for character in term)


def test_a_text_is_indexed_under_every_glossary_term_it_holds():
    """jieba cuts 数据结构化 as 数据结构 + 化 and 日活跃 as 日 + 活跃: the glossary's 结构化 and 日活 are words
    of those texts all the same."""
    from valuekit.book.chinese_search import SearchChineseQueries

    search = SearchChineseQueries({})  # the build passes the glossary's words file as options["dict"]
    search.glossary_words = ("结构化", "日活")
    assert "结构化" in search.split("产品经理负责把决策和数据结构化")
    assert "日活" in search.split("线索评分的日活跃用户数")
