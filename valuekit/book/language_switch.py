"""Sphinx extension: a link on every page to the same page in the book's other edition.

The English edition's pages are ``book/X`` and the Chinese edition's are ``X``, built into ``zh/`` of the same
site. Each edition names the other in the ``counterpart_edition`` config value, for example (English side)::

    counterpart_edition:
      url: zh/            # the other edition's root, relative to this edition's root
      pages_from: book/   # strip this from this edition's page names ...
      pages_to: ""        # ... and put this in front, to get the other edition's page name
      label: 中文
      hreflang: zh-CN
      title: 本页的中文版

Pages the other edition builds too (the search page, the index) keep their name. The link sits in the
article header, before the theme's own buttons (``templates/language-switch.html``, with its few lines of style).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

TEMPLATE = "language-switch.html"


def counterpart_page(pagename: str, edition: dict, own_pages: set[str]) -> str:
    """The other edition's page name for `pagename`."""
    prefix = edition.get("pages_from", "")
    if pagename in own_pages and pagename.startswith(prefix):
        return edition.get("pages_to", "") + pagename[len(prefix):]
    return pagename


def counterpart_url(pagename: str, edition: dict, own_pages: set[str]) -> str:
    """A relative URL from `pagename`'s HTML file to its counterpart in the other edition."""
    up = "../" * pagename.count("/")
    return f"{up}{edition['url']}{counterpart_page(pagename, edition, own_pages)}.html"


def _add_template(app: Sphinx, config) -> None:
    if not config.counterpart_edition:
        return
    config.templates_path.append(str(Path(__file__).parent / "templates"))
    options = config.html_theme_options
    header = options.get("article_header_end", ["article-header-buttons.html"])
    header = [header] if isinstance(header, str) else list(header)
    if TEMPLATE not in header:
        options["article_header_end"] = [TEMPLATE, *header]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    edition = app.config.counterpart_edition
    if not edition:
        return
    context["counterpart_url"] = counterpart_url(pagename, edition, set(app.env.found_docs))
    context["counterpart_label"] = edition["label"]
    context["counterpart_hreflang"] = edition["hreflang"]
    context["counterpart_title"] = edition.get("title", edition["label"])


def setup(app: Sphinx) -> dict:
    app.add_config_value("counterpart_edition", {}, "html")
    app.connect("config-inited", _add_template)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
