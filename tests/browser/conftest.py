import os
import shutil
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe

from .site import CHROMIUM, SITE, chromium, serve

# make test sets REQUIRE_BROWSER=1: there a missing site or browser fails instead of skipping.
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def built_site():
    """Every check here reads the built site."""
    if not (SITE / "index.html").is_file():
        _unavailable("the site is not built: run `make book` first (make test builds it before these tests)")


@pytest.fixture(scope="session")
def base_url(built_site):
    with serve() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM}: install it, or set CHROMIUM=/path/to/chromium")
    with chromium() as launched:
        yield launched


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


SERIOUS = {"serious", "critical"}
# Every code block is rendered with the same Pygments style, and its thousands of tokens make up most of
# axe's work on a notebook page: axe checks the code on one notebook page, and everything else everywhere.
CODE_CHECKED_ON = "book/part3/attribution.html"
WITHOUT_CODE = {"exclude": [[".highlight"]]}


@dataclass(frozen=True)
class Visit:
    """What one load of a page showed: every browser check on that page reads it."""

    errors: list[str]
    failed_requests: list[str]
    broken_images: list[str]
    serious_violations: list[str]
    hrefs: list[str]


@pytest.fixture(scope="session")
def visit(browser, base_url):
    """visit(path) loads the page once per session (later calls reuse the result)."""
    visits: dict[str, Visit] = {}
    axe = Axe()

    def load(path: str) -> Visit:
        if path not in visits:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            errors, failed = [], []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto(f"{base_url}/{path}", wait_until="networkidle")
            broken = page.evaluate("Array.from(document.images)"
                                   ".filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
            # Copies taken before axe: its stylesheet preloading asks for files no page links to.
            errors_before_axe, failed_before_axe = list(errors), list(failed)
            violations = axe.run(page, context=None if path == CODE_CHECKED_ON else WITHOUT_CODE).response["violations"]
            serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations
                       if v["impact"] in SERIOUS]
            context.close()
            visits[path] = Visit(errors_before_axe, failed_before_axe, broken, serious, hrefs)
        return visits[path]

    return load
