"""Sphinx extension: two fixes to the generated HTML, so pages load cleanly and pass accessibility checks.

1. Each script once per page. Under Sphinx 7.4, a script that an extension adds after the HTML builder has
   started (sphinx-togglebutton on builder-inited, sphinx-thebe on env-before-read-docs) is registered
   twice, once with an empty filename spelled None and once spelled "". sphinx-thebe's inline
   `const THEBE_JS_URL = ...` then throws "Identifier has already been declared" in the browser.
2. Citations as list items. docutils renders the bibliography as an element with role="list" whose
   children carry role="doc-biblioentry", which ARIA does not allow inside a list (axe: aria-required-children).
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _script_key(script) -> tuple:
    return (script.filename or "", script.priority, tuple(sorted(script.attributes.items())))


def _fix_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "script_files" in context:
        unique = {}
        for script in context["script_files"]:
            unique.setdefault(_script_key(script), script)
        context["script_files"] = list(unique.values())
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _fix_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
