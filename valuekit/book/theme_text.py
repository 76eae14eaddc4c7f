"""Sphinx extension: the theme's own words in the edition's language.

The themes and myst-nb write some of their interface text in English whatever the language (tooltips such as
"Launch on Binder", the search box's "Search this book...", the aria-label of a folded code cell), and
sphinx-book-theme's Simplified Chinese catalogue prints "Print to PDF" in traditional-Chinese wording. An
edition that names a table in `theme_text_file` (relative to its configuration folder; columns english,chinese
like the catalogue in zh/labels, the first column holding the words as the theme shows them) gets those words
replaced in the title, aria-label, data-bs-title, placeholder and alt attributes of every page it writes, once
the build has finished. The English edition names no table and is unchanged.
tests/browser/test_theme_text.py checks that no English interface word is left on a Chinese page.
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

from sphinx.application import Sphinx

ATTRIBUTE = re.compile(r'(?P<name>title|aria-label|data-bs-title|placeholder|alt)="(?P<value>[^"]*)"')


def read_table(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as table:
        return {row["english"]: row["chinese"] for row in csv.DictReader(table)}


def translate_attributes(page: str, words: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        value = html.unescape(match["value"])
        if value not in words:
            return match[0]
        return f'{match["name"]}="{html.escape(words[value])}"'

    return ATTRIBUTE.sub(replace, page)


def _rewrite_pages(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not app.config.theme_text_file or app.builder.format != "html":
        return
    words = read_table(Path(app.confdir) / app.config.theme_text_file)
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        translated = translate_attributes(text, words)
        if translated != text:
            page.write_text(translated, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.add_config_value("theme_text_file", "", "html", types=[str])
    app.connect("build-finished", _rewrite_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
