"""One plot theme for every figure in the book: readable, small PNGs, text in the edition's language.

Figures are stored in the notebooks as palette PNGs (at most 256 colours, like a GIF, losslessly
compressed): a chart has a handful of colours and their anti-aliased edges, so it looks the same at about a
third of the bytes of matplotlib's true-colour PNG. The stored notebooks stay small and their diffs short,
while the strict build still renders, and the browser checks still see, every figure.

In the Chinese edition (see :mod:`valuekit.i18n`) the same code draws the same figures and tables: just before
a figure or a table is shown, its words (titles, axis and tick labels, legends, notes; a table's row and column
labels and its text cells) are looked up in the Chinese catalogue, and figures use a CJK font.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import i18n

PALETTE = "colorblind"
FIGURE_DPI = 96
# The site's body text (pydata-sphinx-theme: 1rem). Phones show charts at the size they were drawn
# (valuekit/book/phone_layout.py), so chart text drawn at least this tall is at least as readable as the prose.
BODY_TEXT_PX = 16
SMALLEST_CHART_TEXT_PT = BODY_TEXT_PX * 72 / FIGURE_DPI
# seaborn's "notebook" context draws tick labels and legends smallest; scale them up to the body size.
FONT_SCALE = SMALLEST_CHART_TEXT_PT / sns.plotting_context("notebook")["xtick.labelsize"]
PNG_COLOURS = 256
# Debian's fonts-noto-cjk (the Makefile installs it): the collection's Simplified Chinese face.
CJK_FONT_FILE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_FONT = "Noto Sans CJK SC"


def apply() -> None:
    """Set the seaborn/matplotlib theme used by every notebook."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=FONT_SCALE)
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
    if i18n.chinese():
        _use_cjk_font()
    _store_figures_as_palette_png()


def palette_png(figure: Figure) -> bytes | None:
    """The figure as the inline backend draws it (tight box), reduced to a palette PNG."""
    from IPython.core.pylabtools import print_figure
    from PIL import Image

    if i18n.chinese():
        translate_figure(figure)
    drawn = print_figure(figure, "png", bbox_inches="tight")
    if drawn is None:  # a figure with nothing on it: IPython shows no image either
        return None
    image = Image.open(io.BytesIO(drawn)).convert("RGB")
    palette = image.quantize(colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _store_figures_as_palette_png() -> None:
    """In a notebook kernel, let figures display as palette PNGs (after the inline backend set its own)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None and "inline" in mpl.get_backend():
        import matplotlib_inline.backend_inline  # noqa: F401 - on import it registers its formatters; ours go after

        shell.display_formatter.formatters["image/png"].for_type(Figure, palette_png)
        if i18n.chinese():
            _show_tables_translated(shell)


def _use_cjk_font() -> None:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(CJK_FONT_FILE)
    mpl.rcParams["font.sans-serif"] = [CJK_FONT, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams["axes.unicode_minus"] = False  # the CJK font has no U+2212 minus sign


def translate_figure(figure: Figure) -> None:
    """Every word drawn on `figure`, in the edition's language (tick labels fixed as they are drawn)."""
    figure.canvas.draw()  # tick labels exist only once the figure is drawn
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [label.get_text() for label in axis.get_ticklabels()]
            translated = [i18n.tr(label) for label in labels]
            if translated != labels:
                axis.set_ticks(axis.get_ticklocs(), labels=translated)
    for text in figure.findobj(Text):
        text.set_text(i18n.tr(text.get_text()))


def translate_table(table):
    """A copy of a DataFrame or Series with its labels and text cells in the edition's language."""
    import pandas as pd

    table = table.rename(i18n.tr) if isinstance(table, pd.Series) else table.rename(index=i18n.tr, columns=i18n.tr)
    axes = [table.index] if isinstance(table, pd.Series) else [table.index, table.columns]
    for labels in axes:
        labels.names = [i18n.tr(name) for name in labels.names]
    if isinstance(table, pd.Series):
        table.name = i18n.tr(table.name)
        return _translated_cells(table) if _holds_text(table.dtype) else table
    for column, dtype in table.dtypes.items():
        if _holds_text(dtype):
            table[column] = _translated_cells(table[column])
    return table


def _translated_cells(cells):
    """A column with its text cells translated and its numbers as they were.

    ``Series.map`` infers a new dtype: a mixed column of whole numbers and rates (an NPV in thousands beside a
    payback month and an MIRR) would come back as floats and show as -184.000, so such a column stays mixed.
    """
    import pandas as pd

    translated = cells.map(_translated_cell)
    if pd.api.types.is_numeric_dtype(translated.dtype) and not pd.api.types.is_numeric_dtype(cells.dtype):
        return pd.Series([_translated_cell(value) for value in cells], index=cells.index, name=cells.name,
                         dtype=object)
    return translated


def _translated_cell(value):
    """A table cell in the edition's language: words looked up, True and False as yes and no."""
    if isinstance(value, bool | np.bool_):
        return i18n.tr("yes" if value else "no")
    return i18n.tr(value)


def _holds_text(dtype) -> bool:
    """Text or yes/no: the cells a reader reads as words."""
    import pandas as pd

    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) or \
        pd.api.types.is_bool_dtype(dtype)


def _show_tables_translated(shell) -> None:
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(
        pd.DataFrame, lambda frame: translate_table(frame)._repr_html_())
    for kind in (pd.DataFrame, pd.Series):
        shell.display_formatter.formatters["text/plain"].for_type(
            kind, lambda table, printer, cycle: printer.text(repr(translate_table(table))))


def mark_payback(ax, when) -> None:
    """A dashed line at the payback month of a cumulative cash-flow chart, labelled."""
    ax.axvline(when, color="grey", linestyle="--", linewidth=1)
    ax.annotate("payback", (when, 0), xytext=(4, 10), textcoords="offset points")


def format_month_axis(ax) -> None:
    """Quarterly ticks labelled 'Jan 2023' (in Chinese '1月 2023'), for two years of monthly data."""
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%-m月\n%Y" if i18n.chinese() else "%b\n%Y"))
