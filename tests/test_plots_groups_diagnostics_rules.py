"""From mutation audit 31 of output/plots/groups.py and diagnostics.py: each test here failed on a change of the code
that every other test let through. Pinned, as the docstrings, docs/outputs.md and the catalog state them: the bars
per period (in the table's order, at their periods, in the theme's colour, hatched and white where a period rests on
one document, each with its interval as an error bar), the groups' series (in the order the table names them, set
symmetrically apart, their bands from low to high, hollow markers for one document, error bars in the group's colour
along periods, the legend above the panels), each group's colour, line style and marker round after round of the
palette, the notes of the titles (each panel's own y scale, error bars, hatched), the y axis up to the largest
interval, the effects' panels in lexicon order, their error bars and bands, the label naming the group's column, a
line along a number in the order of x and points without a line along categories, the validity figure's bars and
split-half whiskers, its threshold and its labels of themes not validated, the keyword rates' axis and its title's
r, the sensitivity figure's largest shifts and its words, and the sweep's ranges and names."""

from __future__ import annotations

import matplotlib.collections
import matplotlib.container
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from toolkit.analysis.lexicon import load_lexicon
from toolkit.output.plots import (
    plot_effects,
    plot_lexicon_sensitivity,
    plot_model_vs_keywords,
    plot_sweep,
    plot_theme_groups,
    plot_theme_periods,
    plot_theme_validity,
)
from toolkit.output.plots._common import _PALETTE, theme_colors
from toolkit.output.plots.groups import _group_look

LEXICON = load_lexicon()
ECOLOGY = theme_colors(LEXICON)["ecology"]  # not the palette's first colour: a theme's own


def _title(fig) -> str:
    return fig.get_suptitle().replace("\n", " ")


def _segments(ax) -> list[tuple[float, float, float]]:
    """Each error bar of ``ax``: (x, low, high), sorted."""
    bars = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    return sorted(
        (round(float(s[0, 0]), 4), round(float(min(s[:, 1])), 4), round(float(max(s[:, 1])), 4))
        for c in bars
        for s in c.get_segments()
    )


def _periods(documents=(3, 1, 2)) -> pd.DataFrame:
    """theme_by_period of three periods, ecology and other, each period's documents ``documents``."""
    shares = {"十二五": (0.2, 0.5), "十三五": (0.1, 0.6), "十四五": (0.3, 0.4)}
    return pd.DataFrame(
        [
            {"period": p, "theme": t, "share": s, "share_low": s - 0.02, "share_high": s + 0.05, "n_documents": n}
            for (p, values), n in zip(shares.items(), documents)
            for t, s in zip(("ecology", "other"), values)
        ]
    )


def test_each_periods_bar_stands_at_its_period_in_its_themes_colour_with_its_interval():
    fig = plot_theme_periods(_periods(), LEXICON, language="en")
    ax = fig.axes[0]
    assert ax.get_title() == LEXICON.label("ecology", "en")
    bars = ax.patches
    assert [round(b.get_x() + b.get_width() / 2, 6) for b in bars] == [0, 1, 2]
    assert [round(b.get_height(), 6) for b in bars] == [0.2, 0.1, 0.3]
    # the second period rests on one document: hatched, white, edged in the theme's colour; the others filled
    assert [b.get_hatch() or "" for b in bars] == ["", "///", ""]
    assert to_hex(bars[1].get_facecolor()) == "#ffffff" and to_hex(bars[1].get_edgecolor()) == ECOLOGY
    assert {to_hex(bars[i].get_facecolor()) for i in (0, 2)} == {ECOLOGY}
    assert bars[0].get_facecolor()[3] >= 0.7  # a bar, not a shadow of one
    assert _segments(ax) == [(0, 0.18, 0.25), (1, 0.08, 0.15), (2, 0.28, 0.35)]
    assert ax.get_ylim() == (0, pytest.approx(0.35 * 1.08))  # up to the largest interval
    title = _title(fig)
    assert "each panel has its own y scale" in title and "error bars: 95% interval" in title
    assert "hatched: one document" in title and "hollow" not in title


def test_a_period_a_theme_lacks_leaves_its_slot_empty_not_the_next_periods_bar():
    table = _periods().drop(index=2)  # ecology has no row in 十三五
    ax = plot_theme_periods(table, LEXICON, language="en").axes[0]
    heights = {round(b.get_x() + b.get_width() / 2): round(b.get_height(), 6) for b in ax.patches}
    assert heights[2] == 0.3 and heights[0] == 0.2 and not heights.get(1)


def test_a_period_without_documents_is_not_said_to_rest_on_one():
    table = _periods(documents=(3, 0, 2))
    table.loc[table["n_documents"] == 0, ["share", "share_low", "share_high"]] = np.nan
    fig = plot_theme_periods(table, LEXICON, language="en")
    assert "hatched" not in _title(fig)
    assert not [b for b in fig.axes[0].patches if b.get_hatch()]


def _groups(places=("武汉", "安庆", "合肥"), years=(2019, 2020, 2021), documents=None) -> pd.DataFrame:
    return _group_rows(places, "year", years, 0.05, documents)


def _group_rows(places, time: str, steps, slope: float, documents) -> pd.DataFrame:
    """theme_by_group rows: ecology's share rising by ``slope`` a place and 0.01 a step of ``time``, other's 0.5;
    two documents a cell unless ``documents`` says otherwise."""
    rows = []
    for g, place in enumerate(places):
        for i, step in enumerate(steps):
            for theme, share in (("ecology", 0.1 + slope * g + 0.01 * i), ("other", 0.5)):
                rows.append(
                    {
                        "place": place,
                        time: step,
                        "theme": theme,
                        "share": share,
                        "share_low": share - 0.03,
                        "share_high": share + 0.04,
                        "n_documents": (documents or {}).get((place, step), 2),
                    }
                )
    return pd.DataFrame(rows)


def _legend(fig) -> list[str]:
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def test_the_groups_are_named_in_the_order_the_table_names_them_and_set_symmetrically_apart():
    fig = plot_theme_groups(_groups(), LEXICON, language="en")
    assert _legend(fig) == ["武汉", "安庆", "合肥"]  # not sorted
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    # three groups: 0.2 apart (0.6 / 3), around the year itself
    assert list(lines["武汉"].get_xdata()) == pytest.approx([2018.8, 2019.8, 2020.8])
    assert list(lines["安庆"].get_xdata()) == pytest.approx([2019, 2020, 2021])
    assert list(lines["合肥"].get_xdata()) == pytest.approx([2019.2, 2020.2, 2021.2])
    assert [to_hex(lines[p].get_color()) for p in ("武汉", "安庆", "合肥")] == _PALETTE[:3]


def test_a_groups_band_runs_from_its_low_to_its_high_end():
    ax = plot_theme_groups(_groups(places=("武汉", "安庆")), LEXICON, language="en").axes[0]
    bands = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    assert len(bands) == 2
    for band, low, high in zip(bands, (0.07, 0.12), (0.14 + 0.02, 0.19 + 0.02)):
        ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
        assert ys.min() == pytest.approx(low) and ys.max() == pytest.approx(high)
    assert ax.get_ylim()[1] == pytest.approx((0.17 + 0.04) * 1.08)


def test_a_groups_year_of_one_document_has_a_hollow_marker():
    fig = plot_theme_groups(_groups(places=("武汉", "安庆"), documents={("安庆", 2020): 1}), LEXICON, language="en")
    ax = fig.axes[0]
    hollow = [
        line for line in ax.get_lines() if line.get_linestyle() == "None" and to_hex(line.get_markerfacecolor()) == "#ffffff"
    ]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == pytest.approx([2020.15])
    assert "hollow markers: one document" in _title(fig)


def test_the_year_axis_of_the_groups_spans_the_years_with_data():
    table = _groups(places=("武汉", "安庆"), years=(2019, 2020, 2021, 2030))
    table.loc[table["year"] == 2030, ["share", "share_low", "share_high"]] = np.nan
    ax = plot_theme_groups(table, LEXICON, language="en").axes[0]
    assert ax.get_xlim()[1] < 2022


def _by_period(places=("武汉", "安庆", "合肥", "芜湖"), documents=None) -> pd.DataFrame:
    return _group_rows(places, "period", ("十二五", "十三五"), 0.02, documents)


def test_along_periods_each_group_has_a_point_and_an_error_bar_of_its_colour_set_apart():
    fig = plot_theme_groups(_by_period(), LEXICON, language="en")
    assert _legend(fig) == ["武汉", "安庆", "合肥", "芜湖"]
    ax = fig.axes[0]
    # four groups, 0.15 apart (0.6 / 4), centred on each period's tick at 0 and 1
    xs = [-0.225, -0.075, 0.075, 0.225]
    expected = sorted(
        (round(p + x, 4), round(0.1 + 0.02 * g + 0.01 * p - 0.03, 4), round(0.1 + 0.02 * g + 0.01 * p + 0.04, 4))
        for p in (0, 1)
        for g, x in enumerate(xs)
    )
    assert _segments(ax) == expected
    bars = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    assert [to_hex(c.get_color()[0]) for c in bars] == _PALETTE[:4]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["十二五", "十三五"]
    assert "error bars: 95% interval" in _title(fig)


def test_along_periods_a_cell_of_one_document_has_a_hollow_marker():
    fig = plot_theme_groups(_by_period(places=("武汉", "安庆"), documents={("安庆", "十三五"): 1}), LEXICON, language="en")
    hollow = [
        line
        for line in fig.axes[0].get_lines()
        if line.get_linestyle() == "None" and to_hex(line.get_markerfacecolor()) == "#ffffff"
    ]
    assert len(hollow) == 1 and list(hollow[0].get_xdata()) == pytest.approx([1.15])
    assert "hollow markers: one document" in _title(fig)


def test_each_round_of_the_palette_has_its_own_line_style_and_marker():
    assert _group_look(0) == (_PALETTE[0], "-", "o")
    assert _group_look(19) == (_PALETTE[19], "-", "o")
    assert _group_look(20) == (_PALETTE[0], "--", "s")
    assert _group_look(41) == (_PALETTE[1], ":", "^")
    assert _group_look(75) == (_PALETTE[15], ":", "^")  # dotted from then on


def _expected(xs, groups=("A", "B"), **columns) -> pd.DataFrame:
    rows = [
        {"theme": theme, "tier": x, "group": group, "expected": 0.2 + 0.1 * g + 0.01 * i, "supported": True}
        for theme in ("ecology", "innovation")
        for g, group in enumerate(groups)
        for i, x in enumerate(xs)
    ]
    table = pd.DataFrame(rows).assign(**columns)
    return table.assign(low=table["expected"] - 0.05, high=table["expected"] + 0.08)


def test_the_effects_panels_follow_the_lexicon_and_name_the_groups_column():
    table = _expected(["a", "b"])
    table.attrs["group"] = "region"
    fig = plot_effects(table, LEXICON, language="en", level=0.8)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [LEXICON.label("innovation", "en"), LEXICON.label("ecology", "en")]
    assert _legend(fig) == ["region = A", "region = B"]
    assert "80% interval" in _title(fig)


def test_the_effects_along_categories_are_points_without_a_line_set_apart_with_their_intervals():
    fig = plot_effects(_expected(["a", "b"]), LEXICON, language="en")
    ax = fig.axes[0]
    assert _segments(ax) == sorted(
        (round(c + x, 4), round(0.2 + 0.1 * g + 0.01 * c - 0.05, 4), round(0.2 + 0.1 * g + 0.01 * c + 0.08, 4))
        for c in (0, 1)
        for g, x in enumerate((-0.125, 0.125))  # 0.25 apart at most
    )
    for container in ax.containers:
        assert container.lines[0].get_linestyle() == "None"  # categories have no order
    assert ax.get_ylim()[1] == pytest.approx((0.31 + 0.08) * 1.08)  # the largest interval


def test_the_effects_of_one_group_are_drawn_in_the_themes_colour_and_its_curve_with_a_gap_is_drawn():
    table = _expected([2019, 2020, 2021, 2022], groups=("",)).rename(columns={"tier": "year"})
    table.loc[table["year"] == 2022, ["expected", "low", "high"]] = np.nan
    table.loc[table["year"] == 2022, "supported"] = False

    fig = plot_effects(table, LEXICON, language="en")
    ax = fig.axes[1]  # ecology
    assert ax.get_title() == LEXICON.label("ecology", "en")
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert to_hex(line.get_color()) == ECOLOGY
    assert ax.get_xlim()[1] < 2022  # the year axis spans the supported years


def test_the_effects_along_a_number_are_a_line_in_the_order_of_x_with_its_band():
    table = _expected([2021, 2019, 2020], groups=("A",))
    fig = plot_effects(table, LEXICON, language="en")
    ax = fig.axes[1]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() == "-"]
    assert list(line.get_xdata()) == [2019, 2020, 2021]
    assert list(line.get_ydata()) == pytest.approx([0.21, 0.22, 0.2])
    (band,) = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
    assert ys.min() == pytest.approx(0.15) and ys.max() == pytest.approx(0.30)


def test_two_groups_of_effects_are_named_in_a_legend():
    fig = plot_effects(_expected([2019, 2020, 2021]), LEXICON, language="en")
    assert _legend(fig) == ["A", "B"]


NAMES = ["innovation", "ecology", "industry"]


def _validity(**columns) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "theme": NAMES,
            "r_years": [0.9, 0.3, 0.7],
            "r_documents": [0.8, 0.2, 0.6],
            "validated": [True, False, True],
            "n_years": 12,
        }
    )
    return table.assign(**columns)


def _whiskers(ax) -> dict[str, list]:
    """Each whisker series of ``ax`` by its legend label: its (y, low end, r)."""
    return {
        c.get_label(): sorted(
            (round(float(s[0, 1]), 3), round(float(min(s[:, 0])), 3), round(float(max(s[:, 0])), 3))
            for s in c.lines[2][0].get_segments()
        )
        for c in ax.containers
        if isinstance(c, matplotlib.container.ErrorbarContainer)
    }


def test_the_validity_figure_lists_the_themes_top_down_marks_the_failed_and_draws_each_r():
    fig = plot_theme_validity(_validity(), LEXICON, language="en")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # the first theme on top: the y ticks read bottom up
    assert labels == ["industry", "✗ ecology", "innovation"] or labels == [
        LEXICON.label("industry", "en"),
        "✗ " + LEXICON.label("ecology", "en"),
        LEXICON.label("innovation", "en"),
    ]
    colours = [to_hex(t.get_color()) for t in ax.get_yticklabels()]
    assert colours[1] != colours[0] == colours[2]  # the theme not validated stands out
    bars = {(round(p.get_y() + p.get_height() / 2, 2), to_hex(p.get_facecolor())): round(p.get_width(), 3) for p in ax.patches}
    # r across years above r across documents, each theme at its row
    assert bars[(2.27, "#1f77b4")] == 0.9 and bars[(2.0, "#ff7f0e")] == 0.8
    assert bars[(1.27, "#1f77b4")] == 0.3 and bars[(0.0, "#ff7f0e")] == 0.6
    assert ax.get_xlim() == (-1, 1)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_xdata()[0] for line in dashed] == [0.5]


def test_the_split_half_whiskers_name_their_adjusted_level_and_the_check_within_documents_apart():
    table = _validity(
        r_split=[0.7, 0.6, 0.5],
        r_split_low=[0.2, 0.1, 0.05],
        r_split_years=[0.8, np.nan, 0.4],
        r_split_years_low=[0.3, np.nan, 0.01],  # innovation's check across years does better; industry's not
        r_split_paragraphs=[0.5, 0.65, 0.45],
        r_split_paragraphs_low=[0.35, 0.02, 0.3],  # ecology's check within documents does worse: it decides
        split_level=0.9975,
        split_checks=20,
        split_paragraphs_level=0.99,
        split_paragraphs_checks=5,
    )
    ax = plot_theme_validity(table, LEXICON, language="en").axes[0]
    whiskers = _whiskers(ax)
    assert whiskers == {
        "low end of its 99.8% interval, adjusted for 20 checks (must be above 0)": [(-0.27, 0.05, 0.5), (1.73, 0.3, 0.8)],
        "within documents: low end of its 99.0% interval, adjusted for 5 checks (must be above 0)": [(0.73, 0.02, 0.65)],
    }
    labels = [t.get_text() for t in ax.get_figure().legends[0].get_texts()]
    assert "split half: held-out keywords, r across documents or years (the better), or within documents where worse" in labels
    split = {
        round(p.get_y() + p.get_height() / 2, 2): round(p.get_width(), 3)
        for p in ax.patches
        if to_hex(p.get_facecolor()) == "#2ca02c"
    }
    assert split == {1.73: 0.8, 0.73: 0.65, -0.27: 0.5}


def test_a_split_half_check_made_once_names_its_level_unadjusted():
    table = _validity(r_split=[0.7, 0.6, 0.5], r_split_low=[0.2, 0.1, 0.05], split_level=0.9, split_checks=1)
    ax = plot_theme_validity(table, LEXICON, language="en").axes[0]
    assert list(_whiskers(ax)) == ["low end of its 90% interval (must be above 0)"]
    labels = [t.get_text() for t in ax.get_figure().legends[0].get_texts()]
    assert "split half: held-out keywords, r across documents or years (the better)" in labels


def test_a_check_across_years_without_a_number_draws_no_bar_of_it():
    table = _validity(r_years=np.nan, r_documents=[0.8, 0.2, 0.6])
    ax = plot_theme_validity(table, LEXICON, language="en").axes[0]
    assert "r across years" not in [t.get_text() for t in ax.get_figure().legends[0].get_texts()]
    assert len(ax.patches) == 3


def test_the_keyword_rates_are_bars_from_zero_on_their_own_axis_and_the_title_gives_r_to_two_places():
    years = [2019, 2020, 2021]
    shares = pd.DataFrame(
        {"year": years * 2, "theme": ["ecology"] * 3 + ["innovation"] * 3, "share": [0.1, 0.2, 0.15, 0.3, 0.25, 0.2]}
    )
    rates = pd.DataFrame({"year": years * 2, "theme": ["ecology"] * 3 + ["innovation"] * 3, "per_10k": [40.0, 80, 60, 5, 4, 3]})
    agreement = pd.DataFrame({"theme": ["innovation", "ecology"], "pearson_r": [0.512, 0.987]})
    fig = plot_model_vs_keywords(shares, rates, agreement, LEXICON, language="en")
    by_title = {ax.get_title(): ax for ax in fig.axes if ax.get_title()}
    ax = by_title[f"{LEXICON.label('ecology', 'en')}  r = 0.99"]
    assert f"{LEXICON.label('innovation', 'en')}  r = 0.51" in by_title
    (line,) = ax.get_lines()
    assert to_hex(line.get_color()) == ECOLOGY and list(line.get_ydata()) == [0.1, 0.2, 0.15]
    assert ax.get_ylim()[1] == pytest.approx(0.2 * 1.08)
    twin = [a for a in fig.axes if a is not ax and a.bbox.bounds == ax.bbox.bounds and not a.get_title()][0]
    (bars,) = twin.collections
    ys = sorted(np.concatenate([p.vertices[:, 1] for p in bars.get_paths()]))
    assert ys[0] == 0 and ys[-1] == 80
    assert twin.get_ylim()[1] == pytest.approx(80 * 1.08)
    assert ax.get_zorder() > twin.get_zorder()  # the line over the bars


def test_the_sensitivity_figure_draws_each_themes_largest_shifts_top_down_with_their_words():
    table = pd.DataFrame(
        {
            "theme": ["innovation"] * 4 + ["ecology"] * 2,
            "word": ["创新", "科技", "人才", "研发", "生态", "绿色"],
            "shift": [0.001, 0.05, 0.02, 0.01, 0.03, 0.004],
            "at": [2016, 2010, 2012, 2001, 2020, 2019],
        }
    )
    fig = plot_lexicon_sensitivity(table, LEXICON, n_words=2, language="en")
    ax = fig.axes[0]
    bars = [(round(p.get_y() + p.get_height() / 2, 3), round(p.get_width(), 4), to_hex(p.get_facecolor())) for p in ax.patches]
    innovation = theme_colors(LEXICON)["innovation"]
    assert bars == [(3, 0.05, innovation), (2, 0.02, innovation), (1, 0.03, ECOLOGY), (0, 0.004, ECOLOGY)]
    words = sorted((round(t.get_position()[1]), t.get_text()) for t in ax.texts)
    assert words == [(0, "绿色 (2019)"), (1, "生态 (2020)"), (2, "人才 (2012)"), (3, "科技 (2010)")]
    assert [t.get_text() for t in ax.get_yticklabels()] == [LEXICON.label("innovation", "en"), LEXICON.label("ecology", "en")]
    assert list(ax.get_yticks()) == [3, 1]
    low, high = ax.get_ylim()
    assert low < 0 - 0.375 and high > 3 + 0.375  # every bar whole within the axes
    assert ax.get_xlim()[1] >= 0.05 * 1.3  # room for the words beside the longest bar
    # the note counts the keywords drawn: it said three whatever n_words was (found by this audit)
    title = " ".join(ax.get_title().split())
    assert "the two keywords that move each theme most" in title and "three" not in title
    zh = plot_lexicon_sensitivity(table, LEXICON, n_words=4, language="zh").axes[0].get_title().replace("\n", "")
    assert "每个主题影响最大的四个关键词" in zh
    one = " ".join(plot_lexicon_sensitivity(table, LEXICON, n_words=1, language="en").axes[0].get_title().split())
    assert "the keyword that moves each theme most" in one


def _sweep() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": ["lda"] * 4 + ["nmf"] * 4,
            "n_topics": [5, 5, 10, 10] * 2,
            "seed": [1, 2] * 4,
            "c_npmi": [0.1, 0.3, 0.2, 0.6, 0.05, 0.07, 0.0, 0.2],
            "c_v": [np.nan] * 8,
            "vocab.min_df": [2.0] * 4 + [np.nan] * 4,
        }
    )


def test_the_sweep_draws_each_kinds_mean_and_range_and_names_its_settings():
    fig = plot_sweep(_sweep(), language="en")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["NPMI ↑"]  # no panel of a metric never measured
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"LDA (vocab.min_df=2.0)", "NMF"}
    assert list(lines["NMF"].get_ydata()) == pytest.approx([0.06, 0.1])
    bands = [c for c in ax.collections if isinstance(c, matplotlib.collections.PolyCollection)]
    spans = sorted(
        (round(float(min(p.vertices[:, 1])), 3), round(float(max(p.vertices[:, 1])), 3)) for b in bands for p in b.get_paths()
    )
    assert spans == [(0.0, 0.2), (0.1, 0.6)]


def test_the_sweep_names_lower_is_better_with_a_down_arrow():
    table = _sweep().assign(perplexity=[900.0, 950, 800, 850, 990, 995, 970, 975])
    fig = plot_sweep(table, heldout={"perplexity": "lower"}, language="en")
    assert "held-out perplexity ↓" in [ax.get_title() for ax in fig.axes]


def test_a_theme_not_measured_is_labelled_so_on_the_validity_figure():
    ax = plot_theme_validity(_validity(share=[0.1, 0.0, 0.2]), LEXICON, language="en").axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[1].endswith("(not measured)") and not labels[0].endswith("(not measured)")


def test_a_period_the_corpus_reaches_in_part_is_named_with_its_years_and_the_title_says_why():
    table = _periods().assign(
        span=lambda t: t["period"].map({"十二五": "2011-2015", "十三五": "2016-2020", "十四五": "2021-2025"})
    )
    table["years"] = table["period"].map({"十二五": "2011-2015", "十三五": "2016-2020", "十四五": "2021-2022"})
    fig = plot_theme_periods(table, LEXICON, language="en")
    labels = ["".join(t.get_text().split()) for t in fig.axes[0].get_xticklabels()]
    assert labels == ["十二五", "十三五", "十四五(2021-2022)"]
    assert "years in parentheses: the first and last with documents" in _title(fig)


def test_along_periods_groups_past_the_palette_keep_their_square_markers():
    places = [f"城市{i:02d}" for i in range(21)]
    ax = plot_theme_groups(_by_period(places=places), LEXICON, language="en").axes[0]
    first = _PALETTE[0]
    markers = {
        line.get_marker() for line in ax.get_lines() if line.get_linestyle() == "None" and to_hex(line.get_color()) == first
    }
    assert markers & {"o", "s", "^"} == {"o", "s"}  # the first city's circles, the 21st's squares


def test_effects_along_two_numbers_are_categories_in_their_order():
    table = _expected([2021, 2019])
    ax = plot_effects(table, LEXICON, language="en").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2021"]


def _panel_texts(ax) -> list[str]:
    """The notes inside a panel, without the spaces and line breaks their wrapping chose."""
    return ["".join(t.get_text().split()) for t in ax.texts]


def test_a_curve_or_a_category_the_documents_cannot_estimate_is_named_in_its_panel():
    """Beside curves that are drawn, a group's curve of no supported point had gone from its panel in silence, and
    a category of no point left its tick standing empty, as if a gap or a zero (a hostile pass of a century's
    reports): each is named at the panel's top, in room made above the data (at its foot it lay over an interval). A
    panel of nothing says so in its middle, as before."""
    table = _expected([2019, 2020, 2021])
    table.attrs["group"] = "era"
    table.loc[(table["theme"] == "ecology") & (table["group"] == "B"), ["expected", "low", "high"]] = np.nan
    fig = plot_effects(table, LEXICON, language="en")
    innovation, ecology = fig.axes[0], fig.axes[1]
    assert _legend(fig) == ["era = A", "era = B"] and _panel_texts(innovation) == []
    assert _panel_texts(ecology) == ["notestimable(why:effects.csv):era=B"]
    categories = _expected(["中央", "省级", "市级"], groups=("",))
    categories.loc[(categories["theme"] == "innovation") & (categories["tier"] == "省级"), ["expected", "low", "high"]] = np.nan
    categories.loc[(categories["theme"] == "innovation") & (categories["tier"] == "中央"), "low"] = 0.0  # to the axis
    fig = plot_effects(categories, LEXICON, language="zh")
    assert _panel_texts(fig.axes[0]) == ["无法估计(原因见effects.csv):省级"] and _panel_texts(fig.axes[1]) == []
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer, ax = fig.canvas.get_renderer(), fig.axes[0]
    (note,) = ax.texts
    box = note.get_window_extent(renderer)
    ends = [np.asarray(seg).reshape(-1, 2) for c in ax.collections for seg in c.get_segments()]  # intervals, along
    segments = [np.linspace(seg[0], seg[-1], 50) for seg in ends if len(seg)]  # their length, not their ends alone
    points = np.concatenate([np.asarray(line.get_xydata()).reshape(-1, 2) for line in ax.lines] + segments)
    shown = ax.transData.transform(points[np.isfinite(points).all(axis=1)])
    assert not [p for p in shown if box.x0 <= p[0] <= box.x1 and box.y0 <= p[1] <= box.y1]  # over no point or interval
    nothing = categories.assign(expected=np.nan, low=np.nan, high=np.nan)
    assert [_panel_texts(ax) for ax in plot_effects(nothing, LEXICON, language="en").axes[:2]] == [
        ["nocurvethedocumentscanestimate(why:effects.csv)"]
    ] * 2


def test_a_panel_names_a_few_of_many_missing_categories_and_counts_the_rest():
    """31 provinces of 3 curves with two thirds of a theme's points missing had their note list every point
    (1,314 characters over the data: a review): the first four named, the rest counted."""
    provinces = [f"省{i:02d}" for i in range(31)]
    table = _expected(provinces, groups=("A", "B", "C"))
    ecology = table["theme"] == "ecology"
    table.loc[ecology & (table["group"] == "B"), ["expected", "low", "high"]] = np.nan  # a whole curve
    table.loc[ecology & (table["group"] == "A") & table["tier"].isin(provinces[:10]), ["expected", "low", "high"]] = np.nan
    (note,) = _panel_texts(plot_effects(table, LEXICON, language="zh").axes[1])
    assert note == "无法估计(原因见effects.csv):A:省00,A:省01,A:省02,A:省03…(+7)"
