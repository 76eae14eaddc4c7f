"""The sample company's calendar and the small draws every part of it shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_SEED = 20230102
START = pd.Timestamp("2023-01-02")  # a Monday; the company's two years start here
WEEKS = 104
END = START + pd.Timedelta(weeks=WEEKS) - pd.Timedelta(days=1)


def _workdays() -> pd.DatetimeIndex:
    return pd.bdate_range(START, END)


def _weeks_since(dates: pd.Series | pd.DatetimeIndex, event: pd.Timestamp) -> np.ndarray:
    return ((pd.DatetimeIndex(dates) - event).days // 7).to_numpy()


def _season(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Annual cycle in [-1, 1] that peaks on 15 January."""
    day_of_year = pd.DatetimeIndex(dates).day_of_year.to_numpy()
    return np.cos(2 * np.pi * (day_of_year - 15) / 365.25)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(rng.normal(0.0, sigma, size))


def _second_harmonic(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    day_of_year = pd.DatetimeIndex(dates).day_of_year.to_numpy()
    return np.cos(4 * np.pi * (day_of_year - 15) / 365.25)
