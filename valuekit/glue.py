"""Numbers for prose, at the precision they mean on every machine.

BLAS kernels differ between CPUs in the last bits of every regression, so a float glued
whole (``5.175958349994092``) is stored differently on another laptop and strict nbval
fails there. Everything a notebook glues goes through :func:`glue_value`, which rounds
to :data:`SIGNIFICANT_DIGITS` significant digits: far coarser than the arithmetic's noise
(about 1e-13 relative), far finer than any figure the prose shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Integral, Real

import pandas as pd

from .i18n import tr

SIGNIFICANT_DIGITS = 6
# Rounding happens twice: first to NOISE_FREE_DIGITS significant digits, which removes the kernels' noise,
# then to what is shown. Rounded once, a value on a boundary (-0.275 to two decimals) goes either way.
NOISE_FREE_DIGITS = 12


def _significant(value: float, digits: int) -> float:
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def round_significant(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """`value` rounded to `digits` significant digits, noise first (0, inf and nan unchanged)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return value
    return _significant(_significant(value, NOISE_FREE_DIGITS), digits)


def round_decimals(values, decimals: int):
    """A number, Series or DataFrame rounded to `decimals` places for display, noise first (see above)."""
    if isinstance(values, pd.DataFrame):
        return values.apply(lambda column: round_decimals(column, decimals)
                            if pd.api.types.is_float_dtype(column) else column)
    if isinstance(values, pd.Series):
        return values.map(lambda x: round_decimals(x, decimals)) if pd.api.types.is_float_dtype(values) else values
    value = float(values)
    if value == 0 or not math.isfinite(value):
        return value
    return round(_significant(value, NOISE_FREE_DIGITS), decimals)


def portable(value, digits: int = SIGNIFICANT_DIGITS):
    """A glue-ready value: floats rounded, numpy scalars made Python ones, words in the edition's language
    (:func:`valuekit.i18n.tr`), the rest unchanged."""
    if isinstance(value, str):
        return tr(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return round_significant(value, digits)
    return value


def glue_value(name: str, value, digits: int = SIGNIFICANT_DIGITS) -> None:
    """Glue `value` under `name` for prose (not displayed), rounded by :func:`portable`."""
    from myst_nb import glue

    glue(name, portable(value, digits), display=False)


def glue_values(values: Mapping, digits: int = SIGNIFICANT_DIGITS) -> None:
    """Glue every item of `values`, as :func:`glue_value` does."""
    for name, value in values.items():
        glue_value(name, value, digits)
