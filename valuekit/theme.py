"""One plot theme for every figure in the book: readable, small PNGs, English text."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.dates as mdates
import seaborn as sns

PALETTE = "colorblind"
FIGURE_DPI = 96


def apply() -> None:
    """Set the seaborn/matplotlib theme used by every notebook."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    mpl.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": FIGURE_DPI,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "figure.constrained_layout.use": True,
            # Deterministic SVG/PNG metadata keeps stored outputs identical between runs.
            "svg.hashsalt": "back-office-value",
        }
    )


def format_month_axis(ax) -> None:
    """Quarterly ticks labelled 'Jan 2023', for two years of monthly data."""
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
