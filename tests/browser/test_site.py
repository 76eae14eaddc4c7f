"""The built site in a real browser: every page loads cleanly, links resolve, search works, and pages pass axe.

Each page is visited once (see `visit` in conftest.py) and every check on it reads that visit; the tests of
one page share an xdist group, so `make test` spreads pages over two workers without visiting any twice.
"""

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from .site import ROOT, SITE, site_pages

PAGES = site_pages()
NOTEBOOK_PAGES = [page for page in PAGES if (ROOT / page).with_suffix(".ipynb").is_file()]


def per_page(paths):
    return pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xdist_group(p)) for p in paths])


def test_the_site_has_every_part():
    parts = {Path(page).parts[1] for page in PAGES if page.startswith("book/") and len(Path(page).parts) > 2}
    assert {"part1", "part2", "part3", "part4", "part5", "appendix"} <= parts
    assert len(NOTEBOOK_PAGES) >= 11


@per_page(PAGES)
def test_page_has_no_javascript_errors(visit, path):
    assert visit(path).errors == []


@per_page(PAGES)
def test_page_loads_every_resource(visit, path):
    assert visit(path).failed_requests == []


@per_page(PAGES)
def test_page_has_no_broken_images(visit, path):
    assert visit(path).broken_images == []


@per_page(PAGES)
def test_no_serious_accessibility_violations(visit, path):
    assert visit(path).serious_violations == []


@per_page(NOTEBOOK_PAGES)
def test_notebook_pages_have_download_and_launch_buttons(visit, path):
    notebook = Path(path).with_suffix(".ipynb").name
    hrefs = visit(path).hrefs
    assert any(href.endswith(notebook) and "_sources" in href for href in hrefs), "no .ipynb download"
    assert any("mybinder.org" in href and notebook in href for href in hrefs), "no Binder button"
    assert any("colab.research.google.com" in href and notebook in href for href in hrefs), "no Colab button"


def anchors_of(soup: BeautifulSoup) -> set[str]:
    return {tag["id"] for tag in soup.find_all(id=True)} | {a["name"] for a in soup.find_all("a", attrs={"name": True})}


def test_internal_links_and_anchors_resolve():
    soups = {SITE / page: BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "lxml") for page in PAGES}
    anchors: dict[Path, set[str]] = {}
    broken = []
    for source, soup in soups.items():
        for link in soup.find_all("a", href=True):
            href = link["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = source if not parts.path else (source.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            page = source.relative_to(SITE)
            if not target.is_file():
                broken.append(f"{page}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    soup_of_target = soups.get(target) or BeautifulSoup(target.read_text(encoding="utf-8"), "lxml")
                    anchors[target] = anchors_of(soup_of_target)
                if unquote(parts.fragment) not in anchors[target]:
                    broken.append(f"{page}: {href} (no such anchor)")
    assert broken == [], broken[:20]


# Sphinx lists results one by one and writes its summary line once the search is done.
SEARCH_DONE = "() => document.querySelector('#search-results .search-summary')?.innerText.trim().length > 0"


def search(page, url: str) -> list[str]:
    """The result links of a search page, once it has finished."""
    page.goto(url, wait_until="load")
    page.wait_for_function(SEARCH_DONE, timeout=15_000)
    return page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")


@pytest.mark.parametrize(("query", "expected"), [("matchmaker", "appendix/glossary.html"),
                                                 ("stickiness", "part3/usage.html")])
def test_search_finds_glossary_and_part_three_terms(page, base_url, query, expected):
    hits = search(page, f"{base_url}/search.html?q={query}")
    assert any(expected in hit for hit in hits), hits


def switch_target(page: str) -> str | None:
    """Where the page's language switch leads, relative to the site root (None if it has none)."""
    soup = BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "lxml")
    link = soup.select_one("a.language-switch")
    if link is None:
        return None
    return (Path(page).parent / link["href"]).as_posix() if not link["href"].startswith("/") else link["href"]


def resolved(path: str) -> str:
    return (SITE / path).resolve().relative_to(SITE.resolve()).as_posix()


def test_every_page_switches_to_its_counterpart_and_back():
    """Each page links to the same page in the other edition, and that page links back (CONTRIBUTING.md)."""
    pages = [page for page in PAGES if page not in {"index.html", "zh/index.html"}]  # the redirects to the preface
    chinese = [page for page in pages if page.startswith("zh/")]
    assert len(chinese) >= 50 and len(chinese) == len(pages) - len(chinese)
    wrong = []
    for page in pages:
        target = switch_target(page)
        if target is None or not (SITE / target).is_file():
            wrong.append(f"{page}: switch to {target}")
            continue
        expected = page.removeprefix("zh/") if page.startswith("zh/") else "zh/" + page.removeprefix("book/")
        if page.startswith("zh/") and not page.startswith(("zh/search", "zh/genindex")):
            expected = "book/" + expected
        if resolved(target) != expected or resolved(switch_target(resolved(target))) != page:
            wrong.append(f"{page}: switch to {resolved(target)}, expected {expected} and back")
    assert wrong == [], wrong[:10]


def test_chinese_pages_say_they_are_chinese():
    for page in (p for p in PAGES if p.startswith("zh/") and p != "zh/index.html"):  # index: a redirect
        assert '<html lang="zh-CN"' in (SITE / page).read_text(encoding="utf-8"), page


def test_the_switch_lands_on_the_counterpart_in_the_browser(page, base_url):
    page.goto(f"{base_url}/book/part3/attribution.html", wait_until="load")
    page.click("a.language-switch")
    page.wait_for_url("**/zh/part3/attribution.html")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.click("a.language-switch")
    page.wait_for_url("**/book/part3/attribution.html")


# Sphinx indexes Chinese pages cut into words by jieba but looks a query up as typed, so the book's commonest
# terms once found nothing; the search page now cuts a query into the index's words
# (valuekit/book/chinese_search.py). The terms a reader of the Chinese edition types most, then 20 of the
# glossary's terms spread over it: each must find every page whose text holds it.
READERS_TERMS = ["线索评分", "等保", "个保法", "审批流", "客户成功", "产品经理",
                 "主导", "中台", "归因", "述职", "内部计费", "权限复核"]
CHINESE_PAGES = [page for page in PAGES if page.startswith("zh/")
                 and page not in {"zh/index.html", "zh/search.html", "zh/genindex.html"}]


def glossary_sample(count: int = 20) -> list[str]:
    from valuekit.book.chinese_search import glossary_terms

    terms = [term for term in glossary_terms(ROOT / "zh" / "appendix" / "glossary.md")
             if term not in READERS_TERMS]
    return terms[:: len(terms) // count][:count]


@functools.cache
def article_text(page: str) -> str:
    article = BeautifulSoup((SITE / page).read_text(encoding="utf-8"), "lxml").select_one("article")
    return article.get_text(" ") if article else ""


@pytest.mark.parametrize("query", READERS_TERMS + glossary_sample())
def test_chinese_search_finds_every_page_that_holds_the_term(page, base_url, query):
    holding = {page_path for page_path in CHINESE_PAGES if query in article_text(page_path)}
    assert holding, f"no page holds {query}"
    hits = {resolved("zh/" + urlsplit(hit).path.split("/zh/", 1)[1]) for hit in search(
        page, f"{base_url}/zh/search.html?q={query}")}
    assert holding <= hits, sorted(holding - hits)
