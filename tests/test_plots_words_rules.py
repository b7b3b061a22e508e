"""What a reader sees in the figures of words and documents, checked against the tables they are drawn from (a
mutation audit of plots/words.py and plots/documents.py): which words, terms and documents are shown, in which
order, how long their bars are and what they are labelled."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb

from toolkit.errors import ToolkitError
from toolkit.output.plots import plot_document_themes, plot_term_counts, plot_theme_words, plot_top_words
from toolkit.output.plots._common import _labels, theme_colors


def _drawn(fig):
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig


def _screen_y(text) -> float:
    return text.get_window_extent().y0


def _luminance(color) -> float:
    r, g, b = to_rgb(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_theme_words_rows_columns_and_cells_read_as_the_table_says(lexicon):
    colors = theme_colors(lexicon)
    pale = next(t for t in lexicon.names if t != "ecology" and _luminance(colors[t]) > 0.5)  # too pale for text
    rows = []
    # the table lists `other` first; the figure keeps the lexicon's order, `other` last
    for r, word in enumerate(["会议", "同志", "讲话"], 1):
        rows.append({"theme": "other", "period": 2020, "word": word, "rank": r})
    for period, words in [(2019, ["生态", "污染", "绿色"]), (2020, ["生态", "绿色", "碳达峰"])]:
        for r, word in enumerate(words, 1):
            rows.append({"theme": "ecology", "period": period, "word": word, "rank": r})
            rows.append({"theme": pale, "period": period, "word": word + "治理", "rank": r})
    fig = _drawn(plot_theme_words(pd.DataFrame(rows), lexicon, n_words=3))
    (ax,) = fig.axes
    texts = {t.get_text(): t for t in ax.texts}
    ordered = sorted(["ecology", pale, "other"], key=[*lexicon.names, "other"].index)
    labels = [texts[lexicon.label(t, "zh")] for t in ordered]
    # theme rows top to bottom in the lexicon's order, each labelled with the theme's label in a readable colour
    assert [_screen_y(t) for t in labels] == sorted((_screen_y(t) for t in labels), reverse=True)
    assert all(_luminance(t.get_color()) <= 0.451 for t in labels)
    # periods left to right
    assert texts["2019"].get_window_extent().x0 < texts["2020"].get_window_extent().x0
    # a cell's words top to bottom by rank
    cell = [t for t in ax.texts if t.get_position()[0] == 1 and t.get_text() in ("生态", "绿色", "碳达峰")]
    assert [t.get_text() for t in sorted(cell, key=_screen_y, reverse=True)] == ["生态", "绿色", "碳达峰"]
    # every word of the cell before is grey, a new one is not
    grey = {t.get_text() for t in cell if to_hex(t.get_color()) == "#8c8c8c"}
    assert grey == {"生态", "绿色"}
    # `other` has no words in 2019: its cell says so with a dash, on its row and in the 2019 column
    dash = [t for t in ax.texts if t.get_text() == "–"]
    assert [t.get_position() for t in dash] == [(0, ordered.index("other"))]


def _bars(ax) -> dict[str, float]:
    """Each tick label of a horizontal bar chart and the length of the bar at its place."""
    (bars,) = ax.collections
    lengths = {}
    for path in bars.get_paths():
        xs, ys = path.vertices[:, 0], path.vertices[:, 1]
        lengths[round(float(ys.min() + ys.max()) / 2, 6)] = float(xs.max() - xs.min())
    return {label.get_text(): lengths[round(float(y), 6)] for y, label in zip(ax.get_yticks(), ax.get_yticklabels())}


@pytest.mark.parametrize("as_read", [False, True])
def test_top_words_bars_are_the_weights_of_the_words_they_are_labelled_with(lexicon, as_read):
    words, weights = ["生态", "绿色", "污染", "碳达峰"], [0.4, 0.3, 0.2, 0.1]
    topics = pd.DataFrame({"topic": [1], "theme": ["ecology"], "top_words": [words], "top_weights": [weights]})
    if as_read:  # topics.csv read back: word:weight pairs
        topics = pd.DataFrame(
            {"topic": [1], "theme": ["ecology"], "top_words": [" ".join(f"{w}:{v}" for w, v in zip(words, weights))]}
        )
    fig = _drawn(plot_top_words(topics, lexicon, n_words=3))
    ax = next(a for a in fig.axes if a.collections)
    assert _bars(ax) == pytest.approx(dict(zip(words[:3], weights[:3])))
    top_down = sorted(ax.get_yticklabels(), key=_screen_y, reverse=True)
    assert [t.get_text() for t in top_down] == words[:3]  # the heaviest word on top
    assert to_hex(ax.collections[0].get_facecolor()[0]) == to_hex(theme_colors(lexicon)["ecology"])


def test_top_words_of_topics_csv_with_a_word_without_weight_are_refused(lexicon):
    topics = pd.DataFrame({"topic": [1], "theme": ["ecology"], "top_words": ["生态:0.4 绿色 污染:0.2"]})
    with pytest.raises(ToolkitError, match="word:weight"):
        plot_top_words(topics, lexicon)


def test_term_counts_draw_each_terms_years_with_gaps_in_the_tables_order():
    years = [2015, 2016, 2018]  # no documents in 2017
    terms = ["数字经济", "创新", "生态", "新质生产力"]  # not in the order of their characters
    counts = pd.DataFrame(
        [{"term": t, "year": y, "per_10k": 1.0 + i + 0.5 * k} for i, t in enumerate(terms) for k, y in enumerate(years)]
    )
    fig = _drawn(plot_term_counts(counts))
    axes = [ax for ax in fig.axes if ax.lines]
    assert [ax.get_title() for ax in axes] == terms
    text = _labels("zh")
    assert fig._supxlabel.get_text() == text["year"] and fig._supylabel.get_text() == text["per_10k"]
    assert len({to_hex(ax.lines[0].get_color()) for ax in axes}) == len(terms)
    for ax, term in zip(axes, terms):
        (line,) = ax.lines
        x, y = line.get_xdata(), np.asarray(line.get_ydata(), dtype=float)
        assert list(x) == [2015, 2016, 2017, 2018]  # the last year drawn; 2017 a gap, not a line across it
        expected = counts[counts["term"] == term].set_index("year")["per_10k"]
        assert np.isnan(y[2]) and list(y[[0, 1, 3]]) == list(expected)
        assert ax.get_ylim()[0] == 0
        # every panel's years are labelled, not only the bottom row's
        assert any(t.get_visible() and t.get_text() for t in ax.get_xticklabels()), term


def _documents(n: int) -> pd.DataFrame:
    years = 1954 + np.arange(n)
    return pd.DataFrame(
        {
            "doc_id": [f"gwr_{y}" for y in years],
            "title": [f"{y}年政府工作报告" for y in years],
            "year": years,
            "innovation": 0.3,
            "ecology": 0.2,
            "other": 0.5,
        }
    )


def test_document_themes_keep_the_first_and_last_document_in_date_order_top_down(lexicon):
    shares = _documents(70)
    fig = _drawn(plot_document_themes(shares, lexicon, max_documents=20))
    ax = fig.axes[0]
    labels = sorted((t for t in ax.get_yticklabels() if t.get_text()), key=_screen_y, reverse=True)
    assert len(labels) == 20
    assert labels[0].get_text() == "1954年政府工作报告"  # the oldest on top
    assert labels[-1].get_text() == "2023年政府工作报告"  # the newest kept, at the bottom
    assert ax.get_xlim() == (0, 1)


def test_document_themes_with_some_rows_untitled_and_no_doc_id_are_refused(lexicon):
    shares = _documents(3).drop(columns="doc_id")
    shares.loc[1, "title"] = ""
    with pytest.raises(ToolkitError, match="doc_id"):
        plot_document_themes(shares, lexicon)


def test_term_counts_read_back_with_an_empty_year_cell_are_drawn_by_their_years():
    """term_counts.csv read back in a notebook with one empty year cell: the years were floats, and range() of them a
    TypeError from deep inside (mutation audit 38). The dated rows are drawn at their whole years."""
    import io

    from toolkit.output.plots import plot_term_counts

    counts = pd.read_csv(io.StringIO("term,year,per_10k\n创新,2015,1.0\n创新,2017,2.0\n数字经济,,0.5\n数字经济,2016,0.8\n"))
    fig = plot_term_counts(counts)
    lines = {ax.get_title(): ax.get_lines()[0] for ax in fig.axes if ax.get_lines()}
    assert list(lines["创新"].get_xdata()) == [2015, 2016, 2017]
    assert np.isnan(lines["创新"].get_ydata()[1]) and lines["数字经济"].get_ydata()[1] == 0.8
