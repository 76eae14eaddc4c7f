"""Sphinx extension: re-execute notebooks when their inputs change, not only their code.

jupyter-cache keys a notebook on its code cells alone, so after the data or the
shared package change it would keep serving the old outputs. This extension
fingerprints the files listed in the ``watched_inputs`` config value (globs
relative to the book's root). When the fingerprint differs from the one stored
beside the cache by the last successful build, it empties the cache and asks
Sphinx to re-read every page, so no stale output survives.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def inputs_fingerprint(root: Path, patterns: list[str]) -> str:
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in root.glob(pattern) if p.is_file()}):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class InputsWatcher:
    def __init__(self) -> None:
        self.changed = False
        self.fingerprint = ""
        self.stamp: Path | None = None

    def builder_inited(self, app: Sphinx) -> None:
        cache = Path(app.env.mystnb_config.execution_cache_path)
        self.stamp = cache.with_name(cache.name + ".inputs-sha256")
        self.fingerprint = inputs_fingerprint(Path(app.srcdir), app.config.watched_inputs)
        previous = self.stamp.read_text().strip() if self.stamp.is_file() else None
        self.changed = previous != self.fingerprint
        if self.changed and cache.exists():
            LOGGER.info("watched inputs changed: emptying the jupyter-cache at %s", cache)
            shutil.rmtree(cache)

    def outdated(self, app: Sphinx, env, added, changed, removed) -> list[str]:
        return sorted(env.found_docs) if self.changed else []

    def build_finished(self, app: Sphinx, exception: Exception | None) -> None:
        if exception is None and self.stamp is not None:
            self.stamp.parent.mkdir(parents=True, exist_ok=True)
            self.stamp.write_text(self.fingerprint + "\n")


def setup(app: Sphinx) -> dict:
    app.add_config_value("watched_inputs", ["data/*"], "env")
    watcher = InputsWatcher()
    # After myst-nb's own builder-inited handler, which settles the cache path.
    app.connect("builder-inited", watcher.builder_inited, priority=900)
    app.connect("env-get-outdated", watcher.outdated)
    app.connect("build-finished", watcher.build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
