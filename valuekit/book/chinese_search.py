"""Sphinx extension for the Chinese edition: its search index knows the glossary's terms as words.

Sphinx segments Chinese pages with jieba when it builds the search index, but the search page does not
segment the reader's query: a query is looked up as the reader typed it. jieba's own dictionary cuts a term
such as 权限复核 or 成本节约 into shorter words, so those queries would find nothing. This extension gives
jieba every Chinese term of the glossary (``appendix/glossary.md``) as a user word before the index is
built (Sphinx's ``html_search_options["dict"]``), so the index holds the terms whole as well as cut.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

GLOSSARY = Path("appendix") / "glossary.md"
_TERM = re.compile(r"^[\u4e00-\u9fff]+$")


def glossary_terms(glossary: Path) -> list[str]:
    """The Chinese term lines of a MyST glossary directive (terms sit at the start of a line)."""
    text = glossary.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    return sorted({line.strip() for line in body.splitlines() if _TERM.match(line)})


def _user_dictionary(app: Sphinx, config) -> None:
    glossary = Path(app.srcdir) / GLOSSARY
    if not glossary.is_file():
        return
    words = Path(app.doctreedir) / "jieba-user-words.txt"
    words.parent.mkdir(parents=True, exist_ok=True)
    words.write_text("".join(f"{term}\n" for term in glossary_terms(glossary)), encoding="utf-8")
    config.html_search_options = {**(config.html_search_options or {}), "dict": str(words)}


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _user_dictionary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
