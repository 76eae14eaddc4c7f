"""The HTML workarounds fix what they target, touch nothing else, and fail loudly once their release is gone."""

import re
import subprocess
import sys
from types import SimpleNamespace

import pytest

from valuekit.book import sphinx_html_fixes

from .conftest import ROOT

# An extension that adds an inline script once the builder has started, as sphinx-togglebutton does.
LATE_SCRIPT = '''
def setup(app):
    app.connect("builder-inited", lambda app: app.add_js_file(None, body="const LATE_SCRIPT = 1;"))
'''
PAGE = '''Page
====

See [Alpha]_ and [Beta]_.

.. [Alpha] First entry.
.. [Beta] Second entry.

.. raw:: html

   <div class="citation" id="not-a-citation" role="doc-biblioentry">raw HTML, kept as written</div>
'''
CITATION_TAG = '<div class="citation" id="{}" role="{}">'


def build(folder, extensions):
    """Build a one-page Sphinx project with `extensions` (warnings are errors) and return its HTML."""
    folder.mkdir()
    (folder / "late_script.py").write_text(LATE_SCRIPT)
    (folder / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(folder)!r})\nextensions = {extensions!r}\n")
    (folder / "index.rst").write_text(PAGE)
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(folder), str(folder / "_build")],
                   check=True, cwd=ROOT)
    return (folder / "_build" / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The page built without the fixes and with them."""
    root = tmp_path_factory.mktemp("sphinx")
    return SimpleNamespace(plain=build(root / "plain", ["late_script"]),
                           fixed=build(root / "fixed", ["late_script", "valuekit.book.sphinx_html_fixes"]))


def citation_ids(html):
    return re.findall(r'<div class="citation" id="([^"]+)" role="doc-biblioentry">', html)


def test_sphinx_still_writes_a_late_script_twice(pages):
    assert pages.plain.count("const LATE_SCRIPT") == 2, (
        "Sphinx now writes a late script once: fix 1 in valuekit/book/sphinx_html_fixes.py can go")


def test_each_script_is_written_once(pages):
    assert pages.fixed.count("const LATE_SCRIPT") == 1


def test_citations_become_list_items_and_nothing_else_changes(pages):
    citations = [found for found in citation_ids(pages.plain) if found != "not-a-citation"]
    assert len(citations) == 2, "docutils no longer writes citations as doc-biblioentry: re-check fix 2"
    expected = pages.plain.replace("    <script>const LATE_SCRIPT = 1;</script>\n", "", 1)
    for citation in citations:
        expected = expected.replace(CITATION_TAG.format(citation, "doc-biblioentry"),
                                    CITATION_TAG.format(citation, "listitem"))
    assert pages.fixed == expected
    assert citation_ids(pages.fixed) == ["not-a-citation"]  # raw HTML that only looks like a citation


def pinned(package):
    """The (major, minor) release requirements.txt pins for `package`."""
    pin = re.search(rf"^{package}==(\d+)\.(\d+)", (ROOT / "requirements.txt").read_text(), flags=re.M | re.I)
    return int(pin[1]), int(pin[2])


def test_each_fix_targets_the_pinned_release():
    assert pinned("Sphinx") == sphinx_html_fixes.SCRIPTS_TWICE_IN_SPHINX, (
        "requirements.txt pins another Sphinx: re-check whether late scripts are still written twice, then move "
        "SCRIPTS_TWICE_IN_SPHINX or remove fix 1 in valuekit/book/sphinx_html_fixes.py")
    assert pinned("docutils") == sphinx_html_fixes.BIBLIOENTRY_IN_DOCUTILS, (
        "requirements.txt pins another docutils: re-check whether citations still carry role=doc-biblioentry "
        "inside a list, then move BIBLIOENTRY_IN_DOCUTILS or remove fix 2 in valuekit/book/sphinx_html_fixes.py")
    assert sphinx_html_fixes.scripts_fix_applies() and sphinx_html_fixes.citations_fix_applies(), (
        "the installed Sphinx or docutils is not the pinned one: make install")


def connected_handlers():
    handlers = []
    sphinx_html_fixes.setup(SimpleNamespace(connect=lambda event, handler: handlers.append(handler.__name__)))
    return handlers


def test_fixes_are_skipped_on_other_releases(monkeypatch):
    assert connected_handlers() == ["_each_script_once", "_citations_as_list_items"]
    monkeypatch.setattr(sphinx_html_fixes.sphinx, "version_info", (8, 1, 3, "final", 0))
    assert connected_handlers() == ["_citations_as_list_items"]
    monkeypatch.setattr(sphinx_html_fixes.docutils, "__version_info__", (0, 22, 0, "final", 0, True))
    assert connected_handlers() == []
