"""Sphinx extension: re-execute notebooks when their inputs change, not only their code.

jupyter-cache keys a notebook on its code cells alone, so after the data or the
shared package change it would keep serving the old outputs. This extension
fingerprints the files listed in the ``watched_inputs`` config value (globs
relative to the book's root) and keeps two stamps: one beside the cache (the
inputs its outputs were executed with) and one for the pages Sphinx has read.
A cache filled for other inputs is emptied, and pages read with other inputs
are all re-read, so no stale output survives. ``python -m valuekit.book.notebooks
fill-cache`` empties the cache by the same rule before it fills it.

The environment variable ``BOOK_EXECUTION=off`` builds from the outputs stored in
the notebooks, without executing them: ``make test`` does that right after nbval
has executed every notebook and checked that its stored outputs are current.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
EXECUTION_OVERRIDE = "BOOK_EXECUTION"


def inputs_fingerprint(root: Path, patterns: list[str]) -> str:
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()}):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def watched_patterns(root: Path) -> list[str]:
    """The ``watched_inputs`` globs of the book's ``_config.yml``."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["watched_inputs"]


def _stamp(cache: Path) -> Path:
    return cache.with_name(cache.name + ".inputs-sha256")


def _pages_stamp(cache: Path) -> Path:
    return cache.with_name("pages-read.inputs-sha256")


def reset_cache_if_inputs_changed(root: Path, cache: Path, patterns: list[str]) -> bool:
    """Empty `cache` unless it was filled for the current inputs; returns whether they changed.

    The stamp beside the cache records the inputs its contents were executed with.
    """
    fingerprint = inputs_fingerprint(root, patterns)
    stamp = _stamp(cache)
    changed = (stamp.read_text().strip() if stamp.is_file() else None) != fingerprint
    if changed:
        if cache.exists():
            LOGGER.info("watched inputs changed: emptying the jupyter-cache at %s", cache)
            shutil.rmtree(cache)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(fingerprint + "\n")
    return changed


class InputsWatcher:
    def __init__(self) -> None:
        self.changed = False
        self.fingerprint = ""
        self.pages_stamp: Path | None = None

    def builder_inited(self, app: Sphinx) -> None:
        cache = Path(app.env.mystnb_config.execution_cache_path)
        reset_cache_if_inputs_changed(Path(app.srcdir), cache, app.config.watched_inputs)
        self.fingerprint = inputs_fingerprint(Path(app.srcdir), app.config.watched_inputs)
        self.pages_stamp = _pages_stamp(cache)
        previous = self.pages_stamp.read_text().strip() if self.pages_stamp.is_file() else None
        self.changed = previous != self.fingerprint

    def outdated(self, app: Sphinx, env, added, changed, removed) -> list[str]:
        return sorted(env.found_docs) if self.changed else []

    def build_finished(self, app: Sphinx, exception: Exception | None) -> None:
        if exception is None and self.pages_stamp is not None:
            self.pages_stamp.write_text(self.fingerprint + "\n")


def _execution_override(app: Sphinx, config) -> None:
    mode = os.environ.get(EXECUTION_OVERRIDE)
    if mode:
        config.nb_execution_mode = mode


def setup(app: Sphinx) -> dict:
    app.add_config_value("watched_inputs", ["data/*"], "env")
    watcher = InputsWatcher()
    # Before myst-nb reads its configuration on builder-inited.
    app.connect("config-inited", _execution_override)
    # After myst-nb's own builder-inited handler, which settles the cache path.
    app.connect("builder-inited", watcher.builder_inited, priority=900)
    app.connect("env-get-outdated", watcher.outdated)
    app.connect("build-finished", watcher.build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
