"""Sphinx extension: the value report of the sample company, rendered as `make report` renders it, in the site.

A PM who does not use a terminal should still see the page `make report` writes. At the end of each build this
writes the standalone report of the value-report notebook (``book/part5/value-report.ipynb`` in English,
``part5/value-report.ipynb`` in the Chinese edition) beside its page, as ``value-report-kestrel.html``, from the
notebook's stored outputs: nothing is executed, so it shows exactly what the page and nbval show.

The page is ``valuekit.report.export_html``'s, the same code as ``make report`` (outputs only, no code, no
``book-only`` cells), with what a page of the site needs on top:

- each figure's alt text from its cell's metadata, where myst-nb reads it (nbconvert would write a placeholder);
- no scripts: the report needs none, and nbconvert's come from a CDN, which a site read offline cannot reach;
- headings' ids as their text: nbconvert percent-encodes a Chinese heading's id (``%E7%AE%80...``), which
  only matches its own link by the browser's fallback; the link stays encoded, as a URL's fragment is;
- the edition's language on ``<html lang>``, a link back to the book page and the language switch to the same
  report in the other edition (``counterpart_edition``, as ``language_switch`` does for the book's pages).
"""

from __future__ import annotations

import copy
import html
from pathlib import Path
from urllib.parse import unquote

import nbformat
from bs4 import BeautifulSoup
from sphinx.application import Sphinx

from ..report import export_html
from .language_switch import counterpart_url

#: The report notebook's page, as the end of its page name in either edition.
REPORT_PAGE = "part5/value-report"
#: What the rendered report is called beside it.
SUFFIX = "-kestrel"

WORDS = {
    "en": {"title": "Value report: Kestrel Cloud (sample data)",
           "back": "Back to the book page: how this report is made and how to rerun it on your data",
           "note": "The report of the book's sample company, as make report writes it from the sample data."},
    "zh": {"title": "价值报告：Kestrel Cloud（示例数据）",
           "back": "返回本书正文：这份报告怎么来的，怎样换成你自己的数据重跑",
           "note": "本书示例公司的报告，与 make report 用示例数据生成的报告相同。"},
}
BAR_STYLE = ("max-width:1000px;margin:1em auto;padding:0.5em 1em;border-bottom:1px solid #ccc;"
             "font-family:sans-serif;font-size:0.95em;color:#222;display:flex;gap:1.5em;flex-wrap:wrap")


def with_alt_text(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy whose figures are HTML images carrying their cell's alt text (mystnb.image.alt)."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        if cell.cell_type != "code" or not alt:
            continue
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                output["data"] = {"text/html": f'<img src="data:image/png;base64,{"".join(png).strip()}" '
                                               f'alt="{html.escape(alt)}" style="max-width:100%">'}
    return notebook


def report_page(notebook: nbformat.NotebookNode, language: str, back_href: str, switch: dict | None) -> str:
    """The standalone report of an executed report notebook, as a page of the site."""
    words = WORDS["zh" if language.startswith("zh") else "en"]
    soup = BeautifulSoup(export_html(with_alt_text(notebook), words["title"]), "html.parser")
    soup.html["lang"] = language.replace("_", "-")
    for script in soup.find_all("script"):
        script.decompose()
    for heading in soup.find_all(id=lambda value: value and "%" in value):
        heading["id"] = unquote(heading["id"])
    bar = soup.new_tag("nav", attrs={"aria-label": words["title"], "style": BAR_STYLE})
    back = soup.new_tag("a", href=back_href)
    back.string = words["back"]
    bar.append(back)
    if switch:
        link = soup.new_tag("a", href=switch["href"], hreflang=switch["hreflang"], lang=switch["hreflang"],
                            title=switch["title"], attrs={"class": "language-switch"})
        link.string = switch["label"]
        bar.append(link)
    note = soup.new_tag("span")
    note.string = words["note"]
    bar.append(note)
    soup.body.insert(0, bar)
    return str(soup)


def report_pagename(docnames) -> str | None:
    """The report notebook's page name in this build, if it has one."""
    return next((name for name in sorted(docnames) if name == REPORT_PAGE or name.endswith("/" + REPORT_PAGE)),
                None)


def write_report(app: Sphinx) -> Path | None:
    """Write the rendered report beside the report notebook's page; returns its path (None if no such page)."""
    pagename = report_pagename(app.env.found_docs)
    if pagename is None:
        return None
    source = Path(app.srcdir) / f"{pagename}.ipynb"
    notebook = nbformat.read(source, as_version=4)
    own = pagename + SUFFIX
    edition = app.config.counterpart_edition
    switch = None
    if edition:
        switch = {"href": counterpart_url(own, edition, set(app.env.found_docs) | {own}),
                  "hreflang": edition["hreflang"], "label": edition["label"],
                  "title": edition.get("title", edition["label"])}
    language = app.config.language or "en"
    target = Path(app.outdir) / f"{own}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    page = report_page(notebook, language, f"{Path(pagename).name}.html", switch)
    target.write_text(page, encoding="utf-8")
    return target


def _build_finished(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_report(app)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
