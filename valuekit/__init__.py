"""Shared code for the Back-Office Value book.

The data contract and its loader (``vocabulary``, ``schema``, ``loader``), the analyses (``attribution``,
``metrics``, ``finance``, ``warehouse``, ``report`` and the rest), the sample company (``company``,
``generate``) and the book's build tooling (``valuekit.book``).

``load_tables`` and ``DataError`` are imported on first use, so the Sphinx extension
in this package does not pay for pandas and frictionless on every build.
"""

__all__ = ["DataError", "load_tables"]


def __getattr__(name: str):
    if name in __all__:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'valuekit' has no attribute {name!r}")
