"""Both editions on a phone (390 x 844, as an iPhone 12-15 shows a page) and what a reader sees first.

- No page scrolls sideways: a wide table, chart or formula scrolls inside its own box, and a box that does says
  so above it (valuekit/book/phone_layout.py).
- Charts are shown at the size they were drawn, so their text is at least the body size: valuekit.theme draws
  the smallest chart text at BODY_TEXT_PX (tests/test_theme.py), and here the page's body text is that size.
- Code is folded: on a notebook page no code is visible until the reader asks for it, except cells tagged
  `lesson`.
- No blank band under a page's title: a heading's permalink (the `#` the theme hides until hover, which a phone
  never does) never takes a line of its own, as it did after a Chinese title that nearly filled its last line
  (no space before the link, so the line could break there): an empty 48 px title line under the h1.
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import pytest

from valuekit.theme import BODY_TEXT_PX

from .site import ROOT, SITE, site_pages

PHONE = {"width": 390, "height": 844}
# The theme puts at most ~47 px between the last line of the title a reader sees and the next thing they see (the
# h1's 0.4em margin and an h2's 44 px top margin, measured at 390 px on both editions); one empty title line adds
# the h1's 48 px line height (a gap of ~92 px). 80 px lies between the two.
TITLE_GAP_MAX_PX = 80
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
      // checkVisibility, not getClientRects: Chromium lays out a closed <details> (content-visibility: hidden)
      .filter(input => input.checkVisibility())
      .map(input => input.textContent.trim().slice(0, 50)),
    titleGap: titleGap(),
    loneHeaderlinks: [...document.querySelectorAll(':is(h1, h2, h3, h4, h5, h6) > a.headerlink')]
      .filter(link => {
        const lines = shownRects(link.parentElement, link);
        return lines.length > 0 && link.getBoundingClientRect().top >= Math.max(...lines.map(r => r.bottom)) - 1;
      })
      .map(link => link.parentElement.textContent.replace(/#$/, '').trim().slice(0, 50)),
  };

  // The boxes of the text and media a reader sees inside `root` (text hidden by visibility is not seen).
  function shownRects(root, skip) {
    const rects = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (skip && skip.contains(node)) continue;
      rects.push(...seen(node));
    }
    return rects;
  }
  function seen(node) {
    const element = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) return [];
    if (node.nodeType === Node.TEXT_NODE) {
      if (!node.textContent.trim()) return [];
      const range = document.createRange();
      range.selectNodeContents(node);
      return [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    }
    if (!node.matches('img, svg, canvas, iframe, input, select, textarea, mjx-container')) return [];
    const box = node.getBoundingClientRect();
    return box.width > 0 && box.height > 0 ? [box] : [];
  }
  // From the last line of the page title (h1) a reader sees to the first thing they see after it.
  function titleGap() {
    const title = [...document.querySelectorAll('article h1')].find(h1 => h1.checkVisibility());
    if (!title) return null;
    const lines = shownRects(title);
    if (!lines.length) return null;
    const bottom = Math.max(...lines.map(r => r.bottom));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    walker.currentNode = title;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (title.contains(node)) continue;
      const boxes = seen(node);
      if (boxes.length) return Math.round(Math.min(...boxes.map(r => r.top)) - bottom);
    }
    return null;
  }
}"""


REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.IGNORECASE)


def redirect_target(path: str) -> str | None:
    """The page a redirect page (one meta refresh and nothing else) sends the browser to, as a site path."""
    found = REFRESH.search((SITE / path).read_text(encoding="utf-8"))
    return str(PurePosixPath(path).parent / found.group(1)) if found else None


@dataclass(frozen=True)
class PhoneView:
    page_width: int
    viewport: int
    body_text: float
    shrunk_charts: list[str]
    unhinted: int
    scrolling: int
    open_code: list[str]
    title_gap: int | None
    lone_headerlinks: list[str]


@pytest.fixture(scope="session")
def on_phone(browser, base_url):
    """on_phone(path): the page as a phone shows it once it has loaded (one load per page and session)."""
    views: dict[str, PhoneView] = {}
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    def load(path: str) -> PhoneView:
        if path not in views:
            # A redirect page (index.html) is measured at its target: loading it races the meta refresh.
            page.goto(f"{base_url}/{redirect_target(path) or path}", wait_until="load")
            measured = page.evaluate(MEASURE)
            views[path] = PhoneView(measured["pageWidth"], measured["viewport"], measured["bodyText"],
                                    measured["shrunkCharts"], measured["unhinted"], measured["scrolling"],
                                    measured["openCode"], measured["titleGap"], measured["loneHeaderlinks"])
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


@per_page(PAGES)
def test_no_blank_band_under_the_title(on_phone, path):
    view = on_phone(path)
    assert view.lone_headerlinks == [], "a heading's hidden permalink takes a line of its own (see phone-layout.css)"
    if view.title_gap is not None:  # a page without a theme title (the rendered report, the redirect) has none
        assert view.title_gap <= TITLE_GAP_MAX_PX, f"{view.title_gap} px of blank under the page's title"


@pytest.mark.parametrize("path", ["book/part3/attribution.html", "zh/part3/attribution.html"])
def test_wide_tables_and_charts_scroll_in_their_box_with_a_hint(on_phone, path):
    """The checks above would pass vacuously if no box scrolled: the attribution page has wide tables and charts."""
    view = on_phone(path)
    assert view.scrolling > 0 and view.unhinted == 0
