"""The built site in a real browser: every page loads cleanly, links resolve, search works, and pages pass axe."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup

from .site import SITE, site_pages

PAGES = site_pages()
NOTEBOOK_PAGES = [page for page in PAGES if (SITE.parents[1] / page).with_suffix(".ipynb").is_file()]
SERIOUS = {"serious", "critical"}


def test_the_site_has_every_part():
    parts = {Path(page).parts[1] for page in PAGES if page.startswith("book/") and len(Path(page).parts) > 2}
    assert {"part1", "part2", "part3", "part4", "part5", "appendix"} <= parts
    assert len(NOTEBOOK_PAGES) >= 11


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors_or_broken_images(page, base_url, path):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{base_url}/{path}", wait_until="networkidle")
    broken = page.evaluate("Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                           ".map(i => i.src)")
    assert errors == [], errors
    assert failed == [], failed
    assert broken == [], broken


def anchors_of(path: Path) -> set[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {tag["id"] for tag in soup.find_all(id=True)} | {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}


def test_internal_links_and_anchors_resolve():
    anchors: dict[Path, set[str]] = {}
    broken = []
    for page in PAGES:
        source = SITE / page
        soup = BeautifulSoup(source.read_text(encoding="utf-8"), "html.parser")
        for link in soup.find_all("a", href=True):
            href = link["href"]
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "javascript:")):
                continue
            target = source if not parts.path else (source.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page}: {href} (no such file)")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = anchors_of(target)
                if unquote(parts.fragment) not in anchors[target]:
                    broken.append(f"{page}: {href} (no such anchor)")
    assert broken == [], broken[:20]


@pytest.mark.parametrize(("query", "expected"), [("matchmaker", "appendix/glossary.html"),
                                                 ("stickiness", "part3/usage.html")])
def test_search_finds_glossary_and_part_three_terms(page, base_url, query, expected):
    page.goto(f"{base_url}/search.html?q={query}", wait_until="networkidle")
    page.wait_for_selector("#search-results li a", timeout=15_000)
    hits = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert any(expected in hit for hit in hits), hits


@pytest.mark.parametrize("path", NOTEBOOK_PAGES)
def test_notebook_pages_have_download_and_launch_buttons(page, base_url, path):
    page.goto(f"{base_url}/{path}", wait_until="networkidle")
    notebook = Path(path).with_suffix(".ipynb").name
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert any(href.endswith(notebook) and "_sources" in href for href in hrefs), "no .ipynb download"
    assert any("mybinder.org" in href and notebook in href for href in hrefs), "no Binder button"
    assert any("colab.research.google.com" in href and notebook in href for href in hrefs), "no Colab button"


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(page, base_url, path):
    page.goto(f"{base_url}/{path}", wait_until="networkidle")
    violations = Axe().run(page).response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations if v["impact"] in SERIOUS]
    assert serious == [], serious
