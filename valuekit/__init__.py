"""Shared code for the Back-Office Value book: sample company, validated loading, plot theme.

``load_tables`` and ``DataError`` are imported on first use, so the Sphinx extension
in this package does not pay for pandas and frictionless on every build.
"""

__all__ = ["DataError", "load_tables"]


def __getattr__(name: str):
    if name in __all__:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'valuekit' has no attribute {name!r}")
