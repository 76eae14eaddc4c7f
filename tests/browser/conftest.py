import pytest

from .site import SITE, chromium, serve


@pytest.fixture(scope="session")
def base_url():
    if not (SITE / "index.html").is_file():
        pytest.fail("the site is not built: run `make book` (make test builds it before these tests)")
    with serve() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
