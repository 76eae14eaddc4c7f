"""One plot theme for every figure in the book: readable, small PNGs, English text."""

from __future__ import annotations

import matplotlib as mpl
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
