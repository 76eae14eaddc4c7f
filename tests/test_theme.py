"""Figures are stored as palette PNGs (the same picture as matplotlib draws it, in far fewer bytes), with text
at least as large as the page's body text."""

import io
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import nbformat
import numpy as np
from IPython.core.pylabtools import print_figure
from matplotlib.font_manager import FontProperties
from PIL import Image

from valuekit import theme

ROOT = Path(__file__).resolve().parents[1]


def test_palette_png_is_the_same_picture_in_fewer_bytes():
    theme.apply()
    fig, ax = plt.subplots()
    ax.plot(np.arange(50), np.sin(np.arange(50) / 5), marker="o", label="a line")
    ax.bar(np.arange(50), np.cos(np.arange(50) / 7), alpha=0.5, label="bars")
    ax.set_title("A chart")
    ax.legend()
    true_colour = print_figure(fig, "png", bbox_inches="tight")
    palette = theme.palette_png(fig)
    plt.close(fig)
    original, reduced = Image.open(io.BytesIO(true_colour)).convert("RGB"), Image.open(io.BytesIO(palette))
    assert reduced.mode == "P" and reduced.size == original.size
    difference = np.abs(np.asarray(original, dtype=int) - np.asarray(reduced.convert("RGB"), dtype=int))
    assert difference.mean() < 1.0, "the palette image should look the same"
    assert len(palette) < 0.6 * len(true_colour)
    assert theme.palette_png(fig) == palette, "the same figure gives the same bytes"


CHART_TEXT = ["font.size", "axes.labelsize", "axes.titlesize", "xtick.labelsize", "ytick.labelsize",
              "legend.fontsize", "legend.title_fontsize", "figure.titlesize"]


def test_chart_text_is_drawn_at_least_at_the_body_text_size():
    """On a phone a chart is shown at the size it was drawn (tests/browser/test_phone_layout.py), so every text
    size the theme sets, in pixels at the figures' resolution, must reach the page's body text."""
    theme.apply()
    sizes = {key: FontProperties(size=mpl.rcParams[key]).get_size_in_points() for key in CHART_TEXT}
    too_small = {key: round(points * theme.FIGURE_DPI / 72, 1) for key, points in sizes.items()
                 if points * theme.FIGURE_DPI / 72 < theme.BODY_TEXT_PX - 1e-9}
    assert too_small == {}, f"chart text below {theme.BODY_TEXT_PX} px: {too_small}"


FONT_SIZE_IN_CODE = re.compile(r"fontsize\s*=\s*(\d+(?:\.\d+)?|\"[a-z-]+\"|'[a-z-]+')")


def test_no_notebook_draws_text_smaller_than_the_theme():
    """A `fontsize=` in a notebook's code would undo the theme: it may only enlarge text."""
    small = []
    for notebook in sorted((ROOT / "book").rglob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for size in FONT_SIZE_IN_CODE.findall(cell.source if cell.cell_type == "code" else ""):
                points = FontProperties(size=size.strip("\"'")).get_size_in_points() \
                    if not size[0].isdigit() else float(size)
                if points < theme.SMALLEST_CHART_TEXT_PT:
                    small.append(f"{notebook.relative_to(ROOT)}: fontsize={size}")
    assert small == []
