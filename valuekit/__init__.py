"""Shared code for the Back-Office Value book: sample company, validated loading, plot theme."""

from .loader import DataError, load_tables

__all__ = ["DataError", "load_tables"]
