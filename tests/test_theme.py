"""Figures are stored as palette PNGs: the same picture as matplotlib draws it, in far fewer bytes."""

import io

import matplotlib.pyplot as plt
import numpy as np
from IPython.core.pylabtools import print_figure
from PIL import Image

from valuekit import theme


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
