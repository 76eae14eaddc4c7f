"""Both editions on a phone (390 x 844, as an iPhone 12-15 shows a page) and what a reader sees first.

- No page scrolls sideways: a wide table, chart or formula scrolls inside its own box, and a box that does says
  so above it (valuekit/book/phone_layout.py).
- Charts are shown at the size they were drawn, so their text is at least the body size: valuekit.theme draws
  the smallest chart text at BODY_TEXT_PX (tests/test_theme.py), and here the page's body text is that size.
- Code is folded: on a notebook page no code is visible until the reader asks for it, except cells tagged
  `lesson`.
"""

from dataclasses import dataclass

import pytest

from valuekit.theme import BODY_TEXT_PX

from .site import ROOT, site_pages

PHONE = {"width": 390, "height": 844}
PAGES = site_pages()
NOTEBOOK_PAGES = [page for page in PAGES if (ROOT / page).with_suffix(".ipynb").is_file()]

MEASURE = """() => {
  const boxes = [...document.querySelectorAll(
    '.cell_output figure, .cell_output > .output, .pst-scrollable-table-container')];
  const scrolling = boxes.filter(box => box.scrollWidth > box.clientWidth + 1);
  return {
    pageWidth: document.documentElement.scrollWidth,
    viewport: document.documentElement.clientWidth,
    bodyText: parseFloat(getComputedStyle(document.querySelector('article p') || document.body).fontSize),
    shrunkCharts: [...document.querySelectorAll('.cell_output img')]
      .filter(img => img.getBoundingClientRect().width < img.naturalWidth - 0.5)
      .map(img => `${img.alt.slice(0, 50)}: drawn ${img.naturalWidth} px, `
                  + `shown ${Math.round(img.getBoundingClientRect().width)} px`),
    unhinted: scrolling.filter(box => !box.previousElementSibling?.classList.contains('scroll-hint')).length,
    scrolling: scrolling.length,
    openCode: [...document.querySelectorAll('.cell:not(.tag_lesson) .cell_input')]
      .filter(input => input.getClientRects().length > 0)
      .map(input => input.textContent.trim().slice(0, 50)),
  };
}"""


@dataclass(frozen=True)
class PhoneView:
    page_width: int
    viewport: int
    body_text: float
    shrunk_charts: list[str]
    unhinted: int
    scrolling: int
    open_code: list[str]


@pytest.fixture(scope="session")
def on_phone(browser, base_url):
    """on_phone(path): the page as a phone shows it once it has loaded (one load per page and session)."""
    views: dict[str, PhoneView] = {}
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    def load(path: str) -> PhoneView:
        if path not in views:
            page.goto(f"{base_url}/{path}", wait_until="load")
            measured = page.evaluate(MEASURE)
            views[path] = PhoneView(measured["pageWidth"], measured["viewport"], measured["bodyText"],
                                    measured["shrunkCharts"], measured["unhinted"], measured["scrolling"],
                                    measured["openCode"])
        return views[path]

    yield load
    context.close()


def per_page(paths):
    return pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.xdist_group(f"phone-{p}"))
                                            for p in paths])


@per_page(PAGES)
def test_no_page_scrolls_sideways_on_a_phone(on_phone, path):
    view = on_phone(path)
    assert view.page_width <= view.viewport, f"the page is {view.page_width} px wide on a {view.viewport} px screen"


@per_page(PAGES)
def test_a_box_that_scrolls_says_so(on_phone, path):
    assert on_phone(path).unhinted == 0


@per_page(NOTEBOOK_PAGES)
def test_charts_are_not_shrunk_below_the_body_text_size(on_phone, path):
    view = on_phone(path)
    assert view.body_text == BODY_TEXT_PX, "the theme's body text size changed: update valuekit.theme.BODY_TEXT_PX"
    assert view.shrunk_charts == []


@per_page(NOTEBOOK_PAGES)
def test_code_is_folded_until_the_reader_opens_it(on_phone, path):
    assert on_phone(path).open_code == []


@pytest.mark.parametrize("path", ["book/part3/attribution.html", "zh/part3/attribution.html"])
def test_wide_tables_and_charts_scroll_in_their_box_with_a_hint(on_phone, path):
    """The checks above would pass vacuously if no box scrolled: the attribution page has wide tables and charts."""
    view = on_phone(path)
    assert view.scrolling > 0 and view.unhinted == 0
