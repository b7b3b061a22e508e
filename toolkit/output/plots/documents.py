"""The theme shares of each document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...analysis.lexicon import OTHER, Lexicon
from ...errors import require_columns
from ._common import (
    TITLE_BESIDE_LEGEND,
    _heading,
    _labels,
    _new_figure,
    _theme_label,
    bar_collection,
    drawable,
    short_labels,
    side_legend,
    theme_colors,
    theme_hatches,
    wrap,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def plot_document_themes(
    shares: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", max_documents: int = 60
) -> Figure:
    """One horizontal bar per document (document_themes.csv, :func:`toolkit.output.tables.document_shares`): its theme
    shares. With more than ``max_documents`` documents, that many are drawn, evenly spaced in date order, and the
    title says so. A long title is shortened with an ellipsis where it still differs from the others
    (:func:`short_labels`); the full titles are in document_themes.csv."""
    # one bar per row, aligned by nothing: a document twice (two models' tables stacked) and doc_id as the index
    # (read with index_col=0) are drawn as given (a review: both were refused)
    shares = drawable(shares, ["year"], "plot_document_themes", "shares")
    titled = "title" in shares and shares["title"].map(lambda t: isinstance(t, str) and bool(t.strip())).all()
    if "doc_id" not in shares and "doc_id" not in shares.index.names and not titled:
        # row numbers are no documents' names (a review); a title on every row names them (a review of that)
        require_columns(shares, ["doc_id"], "plot_document_themes", "shares")
    text = _labels(language)
    colors, hatches = theme_colors(lexicon), theme_hatches(lexicon)
    # a theme not measured in the corpus (an empty column) is neither drawn nor named in the legend
    themes = [t for t in [*lexicon.names, OTHER] if t in shares.columns and shares[t].notna().any()]
    shown = shares
    if len(shares) > max_documents:
        shown = shares.iloc[np.unique(np.linspace(0, len(shares) - 1, max_documents).round().astype(int))]
    ids = (
        shown["doc_id"].astype(str)
        if "doc_id" in shown
        else shown.index.get_level_values("doc_id").astype(str)
        if "doc_id" in shown.index.names
        else [""] * len(shown)
    )
    titles = shown["title"] if "title" in shown else [""] * len(shown)
    names = [str(title) if isinstance(title, str) and title else doc for title, doc in zip(titles, ids)]
    # the year before each title, unless the title starts with it (1954年政府工作报告 read "1954 1954年...")
    labels = [name if name.startswith(str(year)) else f"{year} {name}" for year, name in zip(shown["year"], short_labels(names))]
    # room for a legend of up to 20 themes in one column; past them side_legend makes two and grows the figure (60
    # themes were one column, 14 inches tall)
    with _new_figure(10, max(0.32 * len(shown), 0.2 * min(len(themes), 20)) + 1.6) as fig:
        ax = fig.add_subplot()
        left = np.zeros(len(shown))
        for theme in themes:
            values = shown[theme].to_numpy(dtype=float)
            bar_collection(
                ax,
                np.arange(len(shown)),
                values,
                base=left,
                horizontal=True,
                facecolors=colors[theme],
                hatch=hatches[theme] or None,
                edgecolors="white",
                linewidths=0,
                label=_theme_label(lexicon, theme, language),
            )
            left = left + values
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(text["share"])
        heading = _heading(title, text["docs_title"])
        if len(shown) < len(shares):
            heading += "\n" + text["docs_shown"].format(shown=len(shown), total=len(shares))
        ax.set_title(wrap(heading, TITLE_BESIDE_LEGEND, 10), fontsize=10)  # a long corpus.name ran off the canvas
        side_legend(ax, fontsize=8)
    return fig
