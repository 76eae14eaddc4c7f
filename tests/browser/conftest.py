import os
import shutil

import pytest

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
