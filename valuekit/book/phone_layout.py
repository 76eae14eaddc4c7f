"""Sphinx extension: pages that read on a phone.

At phone widths (static/phone-layout.css) a wide table or chart scrolls inside its own box, never the page, and
a chart is shown at the size it was drawn, so its text is as large as the body text (valuekit.theme draws the
smallest chart text at the body size). A box that scrolls gets a one-line hint above it, in the page's language
(static/phone-layout.js), because a table cut at the screen's edge does not say that it goes on.
tests/browser/test_phone_layout.py checks both editions at 390 px.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

STATIC = Path(__file__).parent / "static"


def _add_static_path(app: Sphinx) -> None:
    app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _add_static_path)
    app.add_css_file("phone-layout.css")
    app.add_js_file("phone-layout.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
