"""The built site in a real browser: every page loads cleanly, links resolve, search works, and pages pass axe.

Each page is visited once (see `visit` in conftest.py) and every check on it reads that visit; the tests of
one page share an xdist group, so `make test` spreads pages over two workers without visiting any twice.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from .site import SITE, site_pages

PAGES = site_pages()
NOTEBOOK_PAGES = [page for page in PAGES if (SITE.parents[1] / page).with_suffix(".ipynb").is_file()]


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


@pytest.mark.parametrize(("query", "expected"), [("matchmaker", "appendix/glossary.html"),
                                                 ("stickiness", "part3/usage.html")])
def test_search_finds_glossary_and_part_three_terms(page, base_url, query, expected):
    page.goto(f"{base_url}/search.html?q={query}", wait_until="load")
    page.wait_for_selector("#search-results li a", timeout=15_000)
    hits = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert any(expected in hit for hit in hits), hits
