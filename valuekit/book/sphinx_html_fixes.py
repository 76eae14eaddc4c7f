"""Sphinx extension: two fixes to the generated HTML, so pages load cleanly and pass accessibility checks.

1. Each script once per page. Under Sphinx 7.4, a script that an extension adds after the HTML builder has
   started (sphinx-togglebutton on builder-inited, sphinx-thebe on env-before-read-docs) is registered
   twice, once with an empty filename spelled None and once spelled "". sphinx-thebe's inline
   `const THEBE_JS_URL = ...` then throws "Identifier has already been declared" in the browser.
2. Citations as list items. docutils 0.21 renders a run of citations as an element with role="list" whose
   children carry role="doc-biblioentry", which ARIA does not allow inside a list (axe: aria-required-children).

Each fix is for the release line it was checked on and is skipped on any other, because a newer release may
fix the bug or render the page differently. tests/test_sphinx_html_fixes.py fails when requirements.txt pins
another release, so the pin cannot move without someone re-checking the bug and then moving or removing the fix.
"""

from __future__ import annotations

import re

import docutils
import sphinx
from docutils import nodes
from sphinx.application import Sphinx

#: The Sphinx release line whose late scripts are registered twice (fix 1).
SCRIPTS_TWICE_IN_SPHINX = (7, 4)
#: The docutils release line that gives citations role="doc-biblioentry" inside role="list" (fix 2).
BIBLIOENTRY_IN_DOCUTILS = (0, 21)

# The start tag docutils writes for one citation: class "citation" first, then its id, then the role.
_CITATION_START = re.compile(r'<div class="citation(?: [^"]*)?" id="(?P<id>[^"]+)" role="doc-biblioentry">')


def scripts_fix_applies() -> bool:
    return sphinx.version_info[:2] == SCRIPTS_TWICE_IN_SPHINX


def citations_fix_applies() -> bool:
    return docutils.__version_info__[:2] == BIBLIOENTRY_IN_DOCUTILS


def _each_script_once(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Two scripts are the same when the page would write the same tag for them; js_tag is the template's own
    # renderer, so no attribute of Sphinx's private script class is read here.
    if "script_files" in context:
        unique = {}
        for script in context["script_files"]:
            unique.setdefault(context["js_tag"](script), script)
        context["script_files"] = list(unique.values())


def _citations_as_list_items(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Only the start tags of the page's own citations, which the doctree names, change role; any other text,
    # an example in a code block or raw HTML, stays as written.
    if doctree is None or "body" not in context:
        return
    citations = {citation_id for citation in doctree.findall(nodes.citation) for citation_id in citation["ids"]}
    if citations:
        context["body"] = _CITATION_START.sub(
            lambda tag: tag[0].replace('role="doc-biblioentry"', 'role="listitem"')
            if tag["id"] in citations else tag[0],
            context["body"])


def setup(app: Sphinx) -> dict:
    if scripts_fix_applies():
        app.connect("html-page-context", _each_script_once)
    if citations_fix_applies():
        app.connect("html-page-context", _citations_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
