"""Words: each theme's wording per period, the top words of each topic, tracked terms by year."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...analysis.lexicon import Lexicon
from ...errors import ToolkitError, require_columns
from ._common import (
    _PALETTE,
    _heading,
    _labels,
    _new_figure,
    _small_multiples,
    _year_axis,
    bar_collection,
    drawable,
    ordered,
    short_labels,
    table_themes,
    theme_colors,
    theme_hatches,
    wrap,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def plot_theme_words(words: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 5, language: str = "zh", title: str = "") -> Figure:
    """How each theme is worded in each period (theme_words.csv): a grid with a row per theme and a column per
    period, each cell the theme's top words there; a word new to the theme's cells is in its colour (near black for
    a grey theme such as ``other``), a word drawn in the cell of the period before in light grey. The periods
    keep the table's order (years sorted); the title, the period names and the theme labels wrap to fit, and a word
    wider than its column is shortened with an ellipsis."""
    words = drawable(words, ["theme", "period", "word"], "plot_theme_words", "words", numbers=("rank",))
    text = _labels(language)
    colors = theme_colors(lexicon)
    words = words[words["rank"] <= n_words]
    themes = table_themes(words["theme"], lexicon)
    periods = ordered(words.loc[words["theme"] == theme, "period"] for theme in dict.fromkeys(words["theme"]))
    column, side = 1.3, 1.4  # inches per period; inches for the theme labels
    width = max(6.0, side + 0.2 + column * max(len(periods), 1))
    # one period: no word new to it or carried over from one before
    note = text["wording_note"] if len(periods) > 1 else text["wording_note_one"]
    heading = wrap(_heading(title, text["wording_title"], [note]), width - 0.4, 10)
    headers = [wrap(str(p), column - 0.1, 9) for p in periods]
    title_h = (heading.count("\n") + 1) * 10 * 1.3 / 72
    header_h = (max([h.count("\n") for h in headers], default=0) + 1) * 9 * 1.3 / 72
    line = 0.16  # inches per word
    grid_h = (line * n_words + 0.12) * max(len(themes), 1)
    top = 0.12 + title_h + 0.08 + header_h + 0.05
    height = top + grid_h + 0.1
    with _new_figure(width, height, layout=None) as fig:
        ax = fig.add_axes((side / width, 0.1 / height, (column * max(len(periods), 1)) / width, grid_h / height))
        ax.set_xlim(-0.5, len(periods) - 0.5)
        ax.set_ylim(len(themes) - 0.5, -0.5)
        ax.axis("off")
        # a word wider than its column shortened with an ellipsis, alike everywhere and where it still differs from
        # the figure's other words (中国特色社会主义道路 and ...制度 were both 中国特色社会主…: a review)
        distinct = list(dict.fromkeys(words["word"].astype(str)))
        shown_as = dict(zip(distinct, short_labels(distinct, (column - 0.15) * 72 / 7.5)))
        # each cell's rows, found once (a lookup per cell in a MultiIndex took a third of the figure's time)
        cells = {key: rows for key, rows in words.groupby(["theme", "period"], sort=False, dropna=False)}
        for j, header in enumerate(headers):
            ax.text(j, -0.52, header, ha="center", va="bottom", fontsize=9)
        for i, theme in enumerate(themes):
            ax.text(
                -0.55,
                i,
                wrap(lexicon.label(theme, language), side - 0.15, 9),
                ha="right",
                va="center",
                fontsize=9,
                color=_readable(colors[theme]),
            )
            if i:
                ax.axhline(i - 0.5, color="#dddddd", linewidth=0.6)
            new_colour = _new_word_colour(colors[theme])
            for j, period in enumerate(periods):
                if (theme, period) not in cells:
                    ax.text(j, i, "–", ha="center", va="center", fontsize=8, color="#999999")
                    continue
                rows = cells[(theme, period)].sort_values("rank")
                k = len(rows)
                # grey: a word drawn in the column before (theme_words.csv's `new` is judged against the period's
                # wording.top_n words, more than are drawn: a word of the column before's list but not of its cell
                # was grey, carried over from nothing seen, a hostile pass). Nothing is carried over from a period
                # without words of the theme (its first, or after a gap): none of its words is grey.
                before = cells.get((theme, periods[j - 1])) if j else None
                shown = set() if before is None else set(before["word"])
                for r, row in enumerate(rows.itertuples()):
                    ax.text(
                        j,
                        i + (r - (k - 1) / 2) / (n_words + 1),
                        shown_as[str(row.word)],
                        ha="center",
                        va="center",
                        fontsize=7.5,
                        color=CARRIED_OVER if row.word in shown else new_colour,
                    )
        fig.suptitle(heading, fontsize=10, y=1 - 0.12 / height, va="top")
    return fig


CARRIED_OVER = "#8c8c8c"  # a word carried over from the period before: light grey


def _new_word_colour(color: str) -> tuple[float, float, float]:
    """The colour of a theme's words new to its list: the theme's colour made :func:`_readable`, or near black where
    that colour is a grey (``other``'s, and the palette's two greys: their new words were as grey as the words
    carried over)."""
    from matplotlib.colors import rgb_to_hsv

    rgb = _readable(color)
    return rgb if rgb_to_hsv(rgb)[1] >= 0.2 else (0.15, 0.15, 0.15)


def _readable(color: str) -> tuple[float, float, float]:
    """``color`` darkened where it is too pale for text on white (the palette's light blue, green, orange and brown,
    #9edae5 and its kind, were hard to read as words): its relative luminance brought down to 0.45."""
    from matplotlib.colors import to_rgb

    rgb = to_rgb(color)
    luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    scale = min(1.0, 0.45 / luminance) if luminance else 1.0
    return (rgb[0] * scale, rgb[1] * scale, rgb[2] * scale)


TICK_EMS = 8  # the widest word label of plot_top_words, in characters of Chinese (eight: 社会主义核心价值观 is cut)


def plot_top_words(topics: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 10, language: str = "zh", title: str = "") -> Figure:
    """One small bar chart per topic with its top words, coloured by the topic's theme. ``topics``: a run's
    (``RunResult.topics``: lists of top words and their weights), or topics.csv read back (``word:weight ...``)."""
    from matplotlib.ticker import MaxNLocator

    text = _labels(language)
    require_columns(topics, ["topic", "theme", "top_words"], "plot_top_words", "topics")
    colors, hatches = theme_colors(lexicon), theme_hatches(lexicon)  # past the palette's colours, hatched
    n_topics = len(topics)
    with _small_multiples(n_topics, min(5, n_topics), panel=(2.4, 0.25 * n_words), row_extra=0.6, margin=0.5) as grid:
        for ax, (_, row) in zip(grid.axes, topics.iterrows()):
            words, weights = _top_words(row)
            words, weights = words[:n_words][::-1], weights[:n_words][::-1]
            bar_collection(
                ax,
                range(len(words)),
                weights,
                horizontal=True,
                facecolors=colors[row["theme"]],
                hatch=hatches.get(row["theme"]) or None,
                edgecolors="white",
                linewidths=0,
            )
            ax.set_yticks(range(len(words)))
            # a word wider than a panel's label room is shortened (习近平新时代中国特色社会主义思想 widened every
            # panel's gap until the fifth column ran off the canvas: a hostile pass); topics.csv holds it whole
            ax.set_yticklabels(short_labels([str(word) for word in words], TICK_EMS), fontsize=8)  # apart, if alike
            ax.tick_params(axis="x", labelsize=6)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=3))  # six ticks of four digits ran into each other
            # wrapped to its panel where it is too long by the grid's placing (_place_panels): wrapped here as well,
            # a long label was wrapped twice, into ragged lines (a hostile pass of long labels)
            ax.set_title(f"{text['topic']} {row['topic']}: {lexicon.label(row['theme'], language)}", fontsize=9)
        grid.title(_heading(title, text["words_title"]), fontsize=12)
    return grid.fig


def _top_words(row) -> tuple[list[str], list[float]]:
    """A topic's top words and their weights: the lists of a run's topics table, or topics.csv's ``word:weight``
    pairs."""
    if "top_weights" in row.index:
        return list(row["top_words"]), [float(w) for w in row["top_weights"]]
    from ..tables import topic_word_pairs

    pairs = topic_word_pairs(row["top_words"])
    if not all(weight and _is_number(weight) for _, weight in pairs):
        raise ToolkitError(
            f"plot_top_words: topic {row['topic']}'s top_words are neither lists with top_weights (RunResult.topics) "
            f"nor topics.csv's 'word:weight' pairs: {str(row['top_words'])[:60]!r}"
        )
    return [word for word, _ in pairs], [float(weight) for _, weight in pairs]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def plot_term_counts(counts: pd.DataFrame, *, language: str = "zh", title: str = "") -> Figure:
    """Each tracked term's occurrences per 10,000 characters by year (term_counts.csv): one panel per term,
    each with its own y axis (terms differ in frequency by orders of magnitude), a dot for every year with
    documents (years without are gaps)."""
    require_columns(counts, ["term", "year", "per_10k"], "plot_term_counts", "counts (counted by year, as by default)")
    if not counts.empty:  # years and counts as numbers (a CSV read back: text, or floats beside an empty year cell)
        counts = drawable(counts, [], "plot_term_counts", "counts", numbers=["year", "per_10k"])
        # a row without a year has no place on the axis (a mutation audit: range() of float years was a TypeError)
        counts = counts[counts["year"].notna()].astype({"year": int})
    text = _labels(language)
    terms = list(dict.fromkeys(counts["term"]))
    years = sorted(counts["year"].unique())
    with _small_multiples(len(terms), min(3, max(len(terms), 1)), panel=(3.6, 2.3), margin=0.8, sharex=True) as grid:
        for k, (ax, term) in enumerate(zip(grid.axes, terms)):
            rows = counts[counts["term"] == term].set_index("year").reindex(range(min(years), max(years) + 1))
            ax.plot(
                rows.index,
                rows["per_10k"].to_numpy(dtype=float),
                color=_PALETTE[k % len(_PALETTE)],
                marker="o",
                markersize=2.5,
                linewidth=1.2,
            )
            ax.set_title(term, fontsize=10)
            _year_axis(ax, years, 5)
            ax.tick_params(labelsize=7, labelbottom=True)  # every panel's years, not only the bottom row's
            ax.grid(axis="y", alpha=0.3)
            ax.set_ylim(bottom=0)
        heading = text["terms_title" if len(years) > 1 else "terms_title_one_year"]  # one year: no change to show
        grid.title(_heading(title, heading), ylabel=text["per_10k"], xlabel=text["year"])
    return grid.fig
