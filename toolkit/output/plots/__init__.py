"""Figures. Each function takes the tidy tables that the pipeline computes and returns a matplotlib Figure;
``save_figure`` writes it. Drawing uses ``Figure`` objects directly (no pyplot state).

One module per family of figures: ``trends`` (shares by year, their change), ``groups`` (by period, group and
covariate), ``words`` (wording, top words, tracked terms), ``documents``, ``diagnostics`` (checks of the themes,
the sweep); ``_common`` holds what they share (labels in both languages, colours, axes, saving). Every name is
importable from here, as ``plots.<name>``. This package declares the ``[figures]`` section of a config."""

from __future__ import annotations

from ...errors import ToolkitError
from ...options import NON_NEGATIVE, POSITIVE, Option, choice, interval
from ._common import (
    _TEXT,
    _em,
    figure_bytes,
    layout_dpi,
    ordered,
    percent,
    save_figure,
    short_labels,
    theme_colors,
    wrap,
    year_ticks,
)
from .diagnostics import plot_lexicon_sensitivity, plot_model_vs_keywords, plot_sweep, plot_theme_validity
from .documents import plot_document_themes
from .groups import plot_effects, plot_theme_groups, plot_theme_periods
from .trends import plot_change, plot_theme_area, plot_theme_heatmap, plot_theme_lines, plot_theme_shares
from .words import plot_term_counts, plot_theme_words, plot_top_words

__all__ = [
    "OPTIONS",
    "_TEXT",
    "_em",
    "check_options",
    "figure_bytes",
    "layout_dpi",
    "ordered",
    "percent",
    "plot_change",
    "plot_document_themes",
    "plot_effects",
    "plot_lexicon_sensitivity",
    "plot_model_vs_keywords",
    "plot_sweep",
    "plot_term_counts",
    "plot_theme_area",
    "plot_theme_groups",
    "plot_theme_heatmap",
    "plot_theme_lines",
    "plot_theme_periods",
    "plot_theme_shares",
    "plot_theme_validity",
    "plot_theme_words",
    "plot_top_words",
    "save_figure",
    "short_labels",
    "theme_colors",
    "wrap",
    "year_ticks",
]

OPTIONS = {
    "language": Option("zh", "Language of titles and labels.", *choice("zh", "en")),
    "dpi": Option(
        150,
        "Resolution of PNG figures, up to 1200 (a print journal asks for 300-600; 5000 drew a 16 GB canvas).",
        *interval(1, 1200),
    ),
    "top_words": Option(10, "Words per topic in the top-words chart.", *POSITIVE),
    "formats": Option(
        ["png"],
        "File formats of every figure: 'png' and/or 'svg' (vector, for a paper; it adds "
        "about half of the PNG's drawing time); [] draws none (the tables are written all "
        "the same).",
        kind=list,
    ),
    "only": Option(
        [],
        "Names of the figures to draw (those of the README's figure list, e.g. ['theme_shares', 'theme_groups']: "
        "the figures of a paper, or a quicker run); [] draws every figure. The tables are written all the same.",
        kind=list,
    ),
    "ldavis": Option(True, "Write ldavis.html, an interactive pyLDAvis page that works offline."),
    "theme_words": Option(5, "Words per theme and period in the theme_words figure.", *POSITIVE),
    "workers": Option(
        0,
        "Processes that draw the figures while the run goes on, each as soon as its tables exist; 0 for "
        "one per core (no more than there are figures to draw), 1 to draw them one after another in the run's "
        "own process. The bytes are the same. (The run writes the pyLDAvis page itself.)",
        *NON_NEGATIVE,
    ),
    "trend_style": Option(
        "panels",
        "theme_shares: one panel per theme ('panels'), or every theme in one panel ('lines', readable with few themes).",
        *choice("panels", "lines"),
    ),
}


def check_options(section: dict) -> None:
    from .. import catalog

    formats = set(section["formats"])
    if not formats <= {"png", "svg"}:
        raise ToolkitError(f"figures.formats must list 'png' and/or 'svg' (or nothing, for no figures), not {sorted(formats)}")
    unknown = [name for name in section["only"] if name not in catalog.FIGURE]
    if unknown:
        raise ToolkitError(
            f"figures.only names no figure {', '.join(map(repr, unknown))}: the figures are {', '.join(catalog.FIGURE)}"
        )
