"""Rules of the figures of theme shares over the years (toolkit/output/plots/trends.py) and of the helpers they draw
with, as their docstrings, docs/outputs.md and the catalog state them: the token strip's labels and placement, a
year without data drawn as a gap, the heatmap's cells, rules and colour scale, the stacked bars, the year axes, the
fitted y axes, the side legends and the themes' colours and styles."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from toolkit.analysis.lexicon import OTHER, Lexicon, load_lexicon
from toolkit.analysis.trends import NOT_MEASURED
from toolkit.output.plots import plot_theme_area, plot_theme_heatmap, plot_theme_lines, plot_theme_shares
from toolkit.output.plots._common import (
    _fit_y,
    _isolated,
    _label_inches,
    _theme_columns,
    _year_axis,
    drawing_settings,
    each_year_fits,
    side_legend,
    theme_colors,
    theme_hatches,
    theme_linestyles,
    year_ticks,
)
from toolkit.output.plots.trends import _count_label

SHARES = (("innovation", 0.3), ("ecology", 0.2), ("other", 0.5))


def _table(tokens: dict, *, missing=(), shares=SHARES) -> pd.DataFrame:
    """theme_by_year rows for the years of ``tokens`` (their tokens), the ``missing`` years without data."""
    rows = []
    for year in sorted([*tokens, *missing]):
        present = year not in missing
        for theme, share in shares:
            rows.append(
                {
                    "year": year,
                    "theme": theme,
                    "share": share if present else np.nan,
                    "n_documents": 2 if present else 0,
                    "n_units": 9 if present else 0,
                    "n_tokens": tokens.get(year, 0),
                }
            )
    return pd.DataFrame(rows)


def _drawn(fig):
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _strip(fig, label="词数"):
    (strip,) = [ax for ax in fig.axes if ax.get_ylabel() == label]
    return strip


def _heatmap_axes(fig):
    (ax,) = [ax for ax in fig.axes if ax.images]
    return ax


def _shown_labels(axis_labels, axis, renderer):
    low, high = sorted(axis.get_view_interval())
    return [
        t
        for t, loc in zip(axis_labels, axis.get_ticklocs())
        if t.get_visible() and t.get_text() and low - 1e-9 <= loc <= high + 1e-9 and t.get_window_extent(renderer).width
    ]


# the token strip's tick labels -------------------------------------------------------------------------------


def test_a_count_reads_in_whole_numbers_thousands_millions_and_billions():
    """The docstring's own examples (900, 15k, 2.5M, 1.2B), and what a locator's round ticks come to."""
    assert _count_label(0) == "0"
    assert _count_label(900) == "900"
    assert _count_label(999) == "999"
    assert _count_label(1000) == "1k"  # a thousand is 1k, not 1000
    assert _count_label(15_000) == "15k"
    assert _count_label(12_500) == "12.5k"  # a tick of 2.5 x 10^k: not 12k
    assert re.fullmatch(r"23(\.2)?k", _count_label(23_216))
    assert _count_label(2_500_000) == "2.5M"
    assert _count_label(1_200_000_000) == "1.2B"
    # rounded before the suffix is chosen: 999,999 is 1M, not "1e+03k" (mutation audit 29 found it)
    assert [_count_label(v) for v in (999.6, 999_999, 999_500_000)] == ["1k", "1M", "1B"]


@pytest.mark.parametrize("plot", [plot_theme_area, plot_theme_heatmap])
def test_the_strips_ticks_are_whole_numbers_that_stand_apart(lexicon, plot):
    """Tokens are whole: no tick at 2.5 tokens; and the strip, a half inch high, has no tick labels printed over each
    other (its labels are 6 points)."""
    few = plot(_table({2014: 4, 2015: 3, 2016: 2}), lexicon)
    _drawn(few)
    strip = _strip(few)
    low, high = strip.get_ylim()
    ticks = [t for t in strip.get_yticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    many = plot(_table({2014: 23216, 2015: 132, 2016: 500}), lexicon)
    renderer = _drawn(many)
    strip = _strip(many)
    boxes = [t.get_window_extent(renderer) for t in _shown_labels(strip.get_yticklabels(), strip.yaxis, renderer)]
    assert len(boxes) >= 2
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_the_tokens_of_a_table_read_as_text_are_counted_as_numbers(lexicon):
    """A table read from theme_by_year.csv with dtype=str: a year of 23,216 tokens stands above one of 132, as in a
    table of numbers (strings compare "132" > "23216")."""
    table = _table({2014: 23216, 2015: 132, 2018: 500}).astype(str)
    fig = plot_theme_area(table, lexicon)
    assert [b.get_height() for b in _strip(fig).patches] == [23216, 132, 500]


# the heatmap ---------------------------------------------------------------------------------------------------


def test_the_heatmaps_token_strip_lies_over_its_columns(lexicon):
    """The strip of tokens is over the heatmap's columns (catalog: "its tokens over it"), as wide as they are so
    each bar stands over its own column, lower than the heatmap, and without year labels of its own."""
    fig = plot_theme_heatmap(_table({2014: 23216, 2015: 132, 2018: 500}), lexicon)
    renderer = _drawn(fig)
    ax, strip = _heatmap_axes(fig), _strip(fig)
    cells, above = ax.get_window_extent(renderer), strip.get_window_extent(renderer)
    assert above.x0 == pytest.approx(cells.x0, abs=1) and above.x1 == pytest.approx(cells.x1, abs=1)
    assert above.y0 >= cells.y1 - 1  # over the columns
    assert above.height < cells.height
    assert not [t for t in strip.get_xticklabels() if t.get_visible() and t.get_text()]


def test_the_heatmaps_white_rule_lies_between_the_two_columns_years_apart_and_is_named(lexicon):
    fig = plot_theme_heatmap(_table({2014: 900, 2015: 900, 2018: 900}), lexicon, language="en")
    ax = _heatmap_axes(fig)
    rules = [line for line in ax.lines if line.get_linewidth() > 0]
    assert [line.get_xdata()[0] for line in rules] == [1.5]  # between 2015's column (1) and 2018's (2)
    assert "white rule: years without data in between" in " ".join(a.get_title() for a in fig.axes).replace("\n", " ")
    one_missing = _heatmap_axes(plot_theme_heatmap(_table({2014: 900, 2016: 900, 2017: 900}), lexicon))
    assert [line.get_xdata()[0] for line in one_missing.lines if line.get_linewidth() > 0] == [0.5]  # 2015 missing
    assert ax.images[0].norm.vmin == 0  # shares of 0.2 to 0.5 on a scale from 0, not from the smallest share
    together = plot_theme_heatmap(_table({2014: 900, 2015: 900, 2016: 900}), lexicon, language="en")
    titles = " ".join(a.get_title() for a in together.axes).replace("\n", " ")
    assert "Year x theme share" in titles and "white rule" not in titles  # no rule, no word of one
    assert not [line for line in _heatmap_axes(together).lines if line.get_linewidth() > 0]


def test_the_heatmaps_cells_read_their_shares_and_a_share_of_one_reads_1(lexicon):
    shares = {2014: (0.25, 0.05, 0.7), 2015: (1.0, 0.0, 0.0), 2016: (0.333, 0.111, 0.556), 2017: (0.996, 0.004, 0.0)}
    rows = [
        {"year": y, "theme": t, "share": s, "n_documents": 2, "n_units": 9}
        for y, values in shares.items()
        for (t, _), s in zip(SHARES, values)
    ]
    fig = plot_theme_heatmap(pd.DataFrame(rows), lexicon)
    ax = _heatmap_axes(fig)
    values = np.asarray(ax.images[0].get_array())
    labels = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
    assert len(labels) == values.size  # every cell labelled: three years are wide columns
    for (i, j), text in labels.items():
        written = text.get_text()
        # 0.996 reads "1" as two decimals round it, not ".00" (mutation audit 29 found it)
        assert (written == "1") if values[i, j] >= 0.995 else abs(float("0" + written) - values[i, j]) <= 0.005 + 1e-9, (
            values[i, j],
            written,
        )
    assert labels[(0, 1)].get_text() == "1"  # innovation, 2015: the whole year
    # the label stands out from its cell: white on the darkest, black on the palest
    darkest, palest = np.unravel_index(np.argmax(values), values.shape), np.unravel_index(np.argmin(values), values.shape)
    assert labels[darkest].get_color() == "white" and labels[palest].get_color() == "black"
    assert ax.images[0].norm.vmin == 0  # a share of 0 is the scale's palest colour, not the smallest share's


def test_a_theme_not_measured_is_a_blank_row_of_the_heatmap_not_a_measured_zero(lexicon):
    table = _table({2014: 900, 2015: 900}, shares=(("innovation", 0.3), ("ecology", 0.0), ("other", 0.7)))
    table["interval_basis"] = np.where(table["theme"] == "ecology", NOT_MEASURED, "documents")
    fig = plot_theme_heatmap(table, lexicon, language="en")
    ax = _heatmap_axes(fig)
    row = [t.get_text() for t in ax.get_yticklabels()].index("Ecology (not measured)")
    image = np.ma.masked_invalid(ax.images[0].get_array())
    assert np.ma.getmaskarray(image)[row].all()
    assert not [t for t in ax.texts if round(t.get_position()[1]) == row]


@pytest.mark.parametrize("years", [[1954, 1955, 1956, 1957, 1959, 1960, 1964, 1975, *range(1978, 2023)], range(1900, 1993)])
def test_the_heatmaps_year_labels_do_not_run_into_each_other(lexicon, years):
    """Every year named while its column is wide enough for its label (8 points, rotated: about 0.15 inch)."""
    years = list(years)
    fig = plot_theme_heatmap(_table(dict.fromkeys(years, 900)), lexicon)
    renderer = _drawn(fig)
    ax = _heatmap_axes(fig)
    boxes = [t.get_window_extent(renderer) for t in _shown_labels(ax.get_xticklabels(), ax.xaxis, renderer)]
    assert len(boxes) == len(years)
    assert not any(a.overlaps(b) for a, b in zip(boxes, boxes[1:]))


def test_the_title_of_a_one_year_heatmap_is_wrapped_within_the_canvas(lexicon):
    title = "Government work reports of the State Council of the People's Republic of China"
    fig = plot_theme_heatmap(_table({2022: 900}), lexicon, language="en", title=title)
    renderer = _drawn(fig)
    (heading,) = [ax.title for ax in fig.axes if ax.get_title()]
    box = heading.get_window_extent(renderer)
    assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1, (box, fig.bbox)


def test_the_heatmaps_columns_keep_their_width_up_to_28_years_and_are_never_narrower_than_the_narrowest(lexicon):
    """Inches per column: fixed up to 28 years, then narrower, never narrower than the narrowest (0.14 inch, the
    room of a rotated year's label every second column); the figure is as wide as its columns and its labels."""

    def width(n):
        return plot_theme_heatmap(_table(dict.fromkeys(range(1900, 1900 + n), 900)), lexicon).get_size_inches()[0]

    column = (width(12) - width(10)) / 2
    assert (width(28) - width(10)) / 18 == pytest.approx(column)  # fixed up to 28 years
    assert (width(121) - width(120)) == pytest.approx(0.14)  # the narrowest


# the stacked bars ----------------------------------------------------------------------------------------------


def test_a_year_without_data_has_no_bar_and_no_tick_in_the_stacked_bars(lexicon):
    """docs/outputs.md: years without data are a gap, never a zero; the catalog: a bar per year with data."""
    table = _table({2014: 900, 2015: 900, 2016: 900, 2018: 900, 2019: 900}, missing=[2017])
    fig = plot_theme_area(table, lexicon, language="en")
    ax = fig.axes[0]
    centres = {
        round(np.ptp(p.vertices[:, 0]) / 2 + p.vertices[:, 0].min(), 6) for band in ax.collections for p in band.get_paths()
    }
    assert centres == {2014, 2015, 2016, 2018, 2019}  # no bar, not even one of height 0, at 2017
    assert [int(t) for t in ax.get_xticks()] == [2014, 2015, 2016, 2018, 2019]
    assert [b.get_x() + b.get_width() / 2 for b in _strip(fig, "tokens").patches] == pytest.approx([2014, 2015, 2016, 2018, 2019])


def test_each_years_bar_is_stacked_to_one_on_an_axis_from_0_to_1_with_its_legend_top_down(lexicon):
    table = _table({2014: 900, 2015: 900, 2016: 900})
    fig = plot_theme_area(table, lexicon, language="en")
    ax = fig.axes[0]
    assert ax.get_ylim() == (0, 1)
    tops = {}
    for band in ax.collections:
        for path in band.get_paths():
            x = round(path.vertices[:, 0].min() + 0.5)
            tops[x] = max(tops.get(x, 0), path.vertices[:, 1].max())
    assert tops == pytest.approx({2014: 1.0, 2015: 1.0, 2016: 1.0})
    stacked = [band.get_label() for band in ax.collections]  # bottom up
    assert [t.get_text() for t in ax.get_legend().get_texts()] == stacked[::-1]


def test_a_theme_without_a_row_in_one_year_leaves_the_others_bars_of_that_year_drawn(lexicon):
    table = _table({2014: 900, 2015: 900, 2016: 900})
    table = table[~((table["theme"] == "innovation") & (table["year"] == 2015))]
    fig = plot_theme_area(table, lexicon, language="en")
    ax = fig.axes[0]
    other = next(band for band in ax.collections if band.get_label() == "Other")
    assert {round(p.vertices[:, 0].min() + 0.5) for p in other.get_paths()} == {2014, 2015, 2016}


def test_the_stacked_bars_token_strip_lies_under_them_on_their_years(lexicon):
    """Tokens below the bars (catalog), each bar under its year: one x axis, year labels drawn once, under the strip."""
    fig = plot_theme_area(_table({2014: 23216, 2015: 132, 2018: 500}), lexicon, language="en")
    renderer = _drawn(fig)
    ax, strip = fig.axes[0], _strip(fig, "tokens")
    bars, below = ax.get_window_extent(renderer), strip.get_window_extent(renderer)
    assert below.y1 <= bars.y0 + 1 and below.height < bars.height
    assert strip.get_xlim() == pytest.approx(ax.get_xlim())
    assert not _shown_labels(ax.get_xticklabels(), ax.xaxis, renderer)
    assert [t.get_text() for t in _shown_labels(strip.get_xticklabels(), strip.xaxis, renderer)] == ["2014", "2015", "2018"]
    assert strip.get_xlabel() == "Year" and ax.get_xlabel() == ""


def test_every_year_of_a_short_span_is_named_under_the_stacked_bars(lexicon):
    years = list(range(2014, 2022))
    fig = plot_theme_area(_table(dict.fromkeys(years, 900)), lexicon, language="en")
    renderer = _drawn(fig)
    strip = _strip(fig, "tokens")
    assert [t.get_text() for t in _shown_labels(strip.get_xticklabels(), strip.xaxis, renderer)] == [str(y) for y in years]


# small multiples and the one-panel lines ----------------------------------------------------------------------


def test_two_years_of_data_are_titled_as_a_change_over_the_years(lexicon):
    fig = plot_theme_shares(_table({2020: 900, 2021: 900}), lexicon, language="en")
    assert fig.get_suptitle().startswith("Theme shares by year")


def test_the_year_axis_of_the_panels_spans_the_years_with_data_only(lexicon):
    table = _table({2012: 900, 2013: 900, 2014: 900, 2015: 900, 2016: 900}, missing=[2008, 2009, 2010, 2011, 2019])
    fig = plot_theme_shares(table, lexicon, language="en")
    strip = fig.axes[-1]
    low, high = strip.get_xlim()
    assert 2011 < low < 2012 and 2016 < high < 2017
    assert all(2012 <= t <= 2016 for t in strip.get_xticks() if low <= t <= high)


def test_the_one_panel_lines_leave_half_a_year_beyond_the_first_and_last_year(lexicon):
    fig = plot_theme_lines(_table({2015: 900, 2016: 900, 2017: 900}), lexicon)
    low, high = fig.axes[0].get_xlim()
    assert low <= 2015 - 0.5 and high >= 2017 + 0.5


def test_three_themes_are_three_panels_side_by_side():
    """Up to three columns, four past six panels."""
    assert [_theme_columns(n) for n in (1, 2, 3, 4, 6, 7, 17)] == [1, 2, 3, 3, 3, 4, 4]


def test_a_first_year_alone_is_isolated_as_any_other():
    values = np.array([0.1, np.nan, 0.2, 0.3, np.nan, 0.4])
    assert _isolated(values).tolist() == [True, False, False, False, False, True]


# the helpers of _common -----------------------------------------------------------------------------------------


def _axes():
    return Figure().add_subplot()


def test_fit_y_runs_from_zero_to_a_little_above_the_largest_value():
    ax = _axes()
    _fit_y(ax, [0.1, np.nan, 0.4], [0.2, 0.5])
    low, high = ax.get_ylim()
    assert low == 0 and 0.5 < high <= 0.5 * 1.15
    zeros = _axes()
    _fit_y(zeros, [0.0, 0.0])
    assert zeros.get_ylim()[0] == 0 and zeros.get_ylim()[1] > 0  # an axis of zeros still runs up from 0


def test_the_year_axis_pads_half_a_year_or_five_percent_of_the_span_whichever_is_more():
    one = _axes()
    _year_axis(one, [2022])
    low, high = one.get_xlim()
    assert low <= 2022 - 0.5 and high >= 2022 + 0.5 and (2022 - low) == pytest.approx(high - 2022)
    century = _axes()
    _year_axis(century, [1921, 1960, 2022])
    low, high = century.get_xlim()
    assert 1921 - low == pytest.approx(0.05 * 101) and high - 2022 == pytest.approx(0.05 * 101)


def test_the_year_axis_ticks_the_years_themselves_only_when_at_most_max_ticks_of_them():
    far = [1954, 1964, 1978, 1990, 2005, 2022]
    ax = _axes()
    _year_axis(ax, far, 5)
    assert [int(t) for t in ax.get_xticks()] != far
    assert each_year_fits([1954, 1978, 2022], 3)  # the docstring's example: three years, three ticks
    assert not each_year_fits([1950, 1951, 2020], 8)


def test_year_ticks_name_the_first_and_the_last_year_by_one_rule():
    """The first and last years are named where no round year lies within three quarters of a step: the same rule at
    both ends, so a span and its mirror image are ticked alike."""
    ticks = year_ticks([1905, 1995], 5)
    mirror = year_ticks([1925, 2015], 5)  # 1920 ... 2000: 15 years (3/4 of a step) from the first and the last
    assert ticks[0] == 1905 and ticks[-1] == 1995
    assert (mirror[0] == 1925) == (mirror[-1] == 2015)


def test_a_short_side_legend_is_one_column_right_of_its_panel():
    fig = Figure(figsize=(9, 5))
    ax = fig.add_subplot()
    for k in range(3):
        ax.plot([0, 1], [k, k], label=f"theme {k}")
    legend = side_legend(ax, fontsize=9)
    assert legend._ncols == 1
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    assert legend.get_window_extent(renderer).x0 >= ax.get_window_extent(renderer).x1


def test_a_long_side_legend_takes_two_columns_at_most():
    fig = Figure(figsize=(9, 5))
    ax = fig.add_subplot()
    for k in range(40):
        ax.plot([0, 1], [k, k], label=f"t{k}")
    assert side_legend(ax, fontsize=9)._ncols <= 2


def test_other_is_grey_dashed_and_plain_and_the_first_20_themes_solid_and_plain():
    shipped = load_lexicon()
    lexicon = Lexicon(tuple(dataclasses.replace(shipped.themes[k % len(shipped.themes)], name=f"theme_{k}") for k in range(25)))
    colors, hatches, styles = theme_colors(lexicon), theme_hatches(lexicon), theme_linestyles(lexicon)
    grey = colors[OTHER].lstrip("#")
    assert grey[0:2] == grey[2:4] == grey[4:6] and colors[OTHER] not in [colors[t] for t in lexicon.names]
    assert styles[OTHER] == "--" and hatches[OTHER] == ""
    first = lexicon.names[:20]
    assert all(styles[t] == "-" and hatches[t] == "" for t in first)
    assert len({colors[t] for t in first}) == 20
    assert all(hatches[t] != "" and styles[t] != "-" for t in lexicon.names[20:])


def test_a_side_legend_of_wide_columns_widens_its_figure():
    """side_legend: the figure grows wider for wide columns (two columns of 16-character names need more than half
    of a 9-inch figure)."""
    fig = Figure(figsize=(9, 5))
    ax = fig.add_subplot()
    for k in range(40):
        ax.plot([0, 1], [k, k], label=f"第{k:02d}组主题关键词的很长很长的名称")
    side_legend(ax, fontsize=9)
    assert fig.get_size_inches()[0] > 9


def test_years_too_close_for_their_labels_are_not_each_ticked_on_the_one_panel_lines(lexicon):
    """1950 and 1952 on an axis running to 2020 would be printed over each other: round-year ticks instead."""
    fig = plot_theme_lines(_table({1950: 900, 1952: 900, 2020: 900}), lexicon)
    renderer = _drawn(fig)
    ax = fig.axes[0]
    boxes = [t.get_window_extent(renderer) for t in _shown_labels(ax.get_xticklabels(), ax.xaxis, renderer)]
    assert len(boxes) >= 2
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


@pytest.mark.parametrize("label", ["科技创新与数字经济", "Science, technology and innovation"])
def test_a_labels_width_is_measured_on_the_wide_side(label):
    """_label_inches: the width of the widest label, on the wide side, with the tick's padding."""
    with drawing_settings():
        fig = Figure(figsize=(8, 2), dpi=100)
        text = fig.text(0, 0.5, label, fontsize=9)
        FigureCanvasAgg(fig)
        drawn = text.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi
    assert _label_inches([label, "x"], 9) >= drawn


def test_a_long_theme_label_is_shortened_on_the_heatmaps_axis(lexicon):
    """A theme's label is drawn no wider than 20 ems (THEME_LABEL_EMS): a label of 120 characters squeezed the axes to
    nothing; the full label stays in the lexicon and the CSVs."""
    long = dataclasses.replace(lexicon.themes[0], label_zh="科技创新" * 30)
    custom = Lexicon((long, *lexicon.themes[1:]))
    fig = plot_theme_heatmap(_table({2014: 900, 2015: 900}), custom)
    drawn = _heatmap_axes(fig).get_yticklabels()[0].get_text()
    assert drawn != long.label_zh and len(drawn) <= 20


def test_a_value_alone_is_narrow_even_in_a_series_of_one_year():
    from toolkit.output.plots._common import _narrow_runs

    assert _narrow_runs(np.array([2022.0]), np.array([0.3])).tolist() == [True]  # an error bar, not a band


def test_a_year_resting_on_one_document_has_a_hollow_marker(lexicon):
    table = _table({2014: 900, 2015: 900, 2016: 900})
    table.loc[table["year"] == 2015, "n_documents"] = 1
    fig = plot_theme_shares(table, lexicon)
    hollow, filled = set(), set()
    for line in fig.axes[0].get_lines():
        if line.get_marker() == "o" and line.get_linestyle() == "None":
            face = "white" if line.get_markerfacecolor() in ("white", "w", (1.0, 1.0, 1.0, 1.0)) else "filled"
            (hollow if face == "white" else filled).update(int(x) for x in line.get_xdata())
    assert hollow == {2015} and filled == {2014, 2016}


def test_the_line_figure_and_the_term_counts_of_one_year_claim_no_change_over_the_years():
    """A corpus of one year: theme_shares already said 各主题占比, but the one-panel line style and the term-count
    figure still titled a single year a change over the years (年度变化: a hostile pass of a year's documents)."""
    from toolkit.output.plots import plot_term_counts

    lexicon = load_lexicon()
    assert "年度变化" not in plot_theme_lines(_table({2016: 900}), lexicon).axes[0].get_title()
    assert "年度变化" in plot_theme_lines(_table({2015: 900, 2016: 900}), lexicon).axes[0].get_title()
    assert "年度变化" not in plot_theme_lines(_table({2016: 900}, missing=(2015,)), lexicon).axes[0].get_title()
    counts = pd.DataFrame({"term": ["创新", "供给侧"], "year": [2016, 2016], "per_10k": [12.0, 3.5]})
    assert "年度变化" not in plot_term_counts(counts).get_suptitle() and "词频" in plot_term_counts(counts).get_suptitle()
    two = pd.concat([counts, counts.assign(year=2017)])
    assert "年度变化" in plot_term_counts(two).get_suptitle()
    assert plot_term_counts(counts, language="en").get_suptitle().startswith("Term counts")
