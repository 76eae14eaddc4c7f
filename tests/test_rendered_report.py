"""The site carries the sample company's value report as `make report` renders it, from the stored outputs."""

import re
from types import SimpleNamespace
from urllib.parse import unquote

import yaml
from bs4 import BeautifulSoup

from valuekit.book import rendered_report

from .conftest import ROOT


def edition(folder, docnames):
    """A stand-in for the Sphinx application of one edition: its config, its pages and an output folder."""
    config = yaml.safe_load((folder / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    return SimpleNamespace(srcdir=str(folder), env=SimpleNamespace(found_docs=set(docnames)),
                           config=SimpleNamespace(counterpart_edition=config["counterpart_edition"],
                                                  language=config.get("language")))


def text_of(page):
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return soup, " ".join(soup.get_text(" ").split())


def test_english_report_is_written_beside_its_page_with_headlines_and_no_code(tmp_path):
    app = edition(ROOT, ["book/part5/value-report", "book/part5/own-data"])
    app.outdir = str(tmp_path)
    page = rendered_report.write_report(app)
    assert page == tmp_path / "book" / "part5" / "value-report-kestrel.html"
    soup, text = text_of(page)
    assert soup.html["lang"] == "en"
    assert re.search(r"The back office: value report, \w{3} \d{4} to \w{3} \d{4}", text)
    for headline in ("conversion lift against teams without lead scoring", "approver hours freed in the period",
                     "net value", "directly caused", "clearly positively related"):
        assert headline in text
    assert "import " not in text and "load_tables" not in text and "DATA_DIR" not in text, "no code"
    assert "Overview" not in text and "Exercises" not in text, "no book-only cells"
    assert soup.find("script") is None, "no scripts: nothing loads from a CDN"
    images = soup.find_all("img")
    assert len(images) == 4 and all(image["alt"] and "No description" not in image["alt"] for image in images)
    assert soup.find("a", href="value-report.html")
    switch = soup.select_one("a.language-switch")
    assert switch["href"] == "../../zh/part5/value-report-kestrel.html"


def test_chinese_report_is_chinese_and_switches_back(tmp_path):
    app = edition(ROOT / "zh", ["part5/value-report"])
    app.outdir = str(tmp_path)
    page = rendered_report.write_report(app)
    assert page == tmp_path / "part5" / "value-report-kestrel.html"
    soup, text = text_of(page)
    assert soup.html["lang"] == "zh-CN"
    assert "价值报告" in text and "import " not in text
    links = soup.select("a.anchor-link")
    assert links and all(soup.find(id=unquote(link["href"][1:])) for link in links), "headings' links land"
    assert soup.select_one("a.language-switch")["href"] == "../../book/part5/value-report-kestrel.html"


def test_a_book_without_the_report_page_gets_nothing(tmp_path):
    app = edition(ROOT, ["book/part1/company-tour"])
    app.outdir = str(tmp_path)
    assert rendered_report.write_report(app) is None
    assert list(tmp_path.iterdir()) == []
