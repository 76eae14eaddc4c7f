"""Numbers for prose and tables come out the same whatever the BLAS kernel's last bits (CONTRIBUTING.md, "Numbers:
the precision rule")."""

import numpy as np
import pandas as pd
import pytest

from valuekit.glue import portable, round_decimals, round_significant

# What two CPUs gave for the same regressions (issue 9), and a value on a rounding boundary.
KERNEL_PAIRS = [(5.175958349994092, 5.175958349994093), (-5.916459177033233, -5.916459177033136),
                (15860656.257279055, 15860656.257279066), (-0.27500000000008656, -0.2749999999999134)]


@pytest.mark.parametrize(("one", "other"), KERNEL_PAIRS)
def test_last_bits_do_not_reach_what_is_glued_or_shown(one, other):
    assert round_significant(one) == round_significant(other)
    assert round_decimals(one, 2) == round_decimals(other, 2)


def test_significant_digits_and_decimals():
    assert round_significant(5.175958349994092) == 5.17596
    assert round_significant(15860656.257279055) == 15860700.0
    assert round_decimals(-0.27500000000008656, 2) == -0.28
    assert round_significant(0.0) == 0.0 and np.isnan(round_significant(float("nan")))


def test_portable_keeps_ints_bools_and_text_and_makes_numpy_scalars_python():
    assert portable(np.int64(7)) == 7 and type(portable(np.int64(7))) is int
    assert portable(True) is True and portable("month 5") == "month 5"
    assert type(portable(np.float64(1 / 3))) is float and portable(np.float64(1 / 3)) == 0.333333


def test_frames_round_float_columns_only():
    frame = pd.DataFrame({"team": ["A", "B"], "rate": [0.27500000000008656, 1 / 3], "n": [1, 2]})
    shown = round_decimals(frame, 2)
    assert shown["rate"].tolist() == [0.28, 0.33]
    assert shown["team"].tolist() == ["A", "B"] and shown["n"].tolist() == [1, 2]
