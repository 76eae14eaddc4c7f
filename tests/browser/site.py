"""Serve the built site on localhost and drive Debian's Chromium with Playwright."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
# BOOK_SITE points the checks at a site built elsewhere (jupyter-book build --path-output DIR: DIR/_build/html).
SITE = Path(os.environ.get("BOOK_SITE", ROOT / "_build" / "html")).resolve()
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags for a sandboxed machine with no network: no background traffic, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature is the standard library's
        pass


@contextlib.contextmanager
def serve(directory: Path = SITE):
    """Serve `directory` on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """A headless Chromium browser."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def site_pages(directory: Path = SITE) -> list[str]:
    """Every HTML page of the site, as paths relative to its root."""
    skipped = {"_static", "_sources", "_images"}
    return sorted(
        path.relative_to(directory).as_posix()
        for path in directory.rglob("*.html")
        if not skipped & set(path.relative_to(directory).parts)
    )
