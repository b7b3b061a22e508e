"""Figures. Each function takes the tidy tables that the pipeline computes and returns a matplotlib Figure;
``save_figure`` writes it. Drawing uses ``Figure`` objects directly (no pyplot state)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..analysis.themes import OTHER, Lexicon
from ..errors import ToolkitError
from ..options import NON_NEGATIVE, POSITIVE, Option, choice
from . import atomic
from .fonts import rc_params

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

OPTIONS = {
    "language": Option("zh", "Language of titles and labels.", *choice("zh", "en")),
    "dpi": Option(150, "Resolution of PNG figures.", *POSITIVE),
    "top_words": Option(10, "Words per topic in the top-words chart.", *POSITIVE),
    "formats": Option(
        ["png"],
        "File formats of every figure: 'png' and/or 'svg' (vector, for a paper; it adds "
        "about half of the PNG's drawing time); [] draws none (the tables are written all "
        "the same).",
        kind=list,
    ),
    "ldavis": Option(True, "Write ldavis.html, an interactive pyLDAvis page that works offline."),
    "theme_words": Option(5, "Words per theme and period in the theme_words figure.", *POSITIVE),
    "workers": Option(
        0,
        "Processes that draw the figures and the pyLDAvis page while the run goes on (the page "
        "from the end of the fit); 0 for one per core, 1 to draw them one after another in the "
        "run's own process. The bytes are the same.",
        *NON_NEGATIVE,
    ),
    "trend_style": Option(
        "panels",
        "theme_shares: one panel per theme ('panels'), or every theme in one panel ('lines', readable with few themes).",
        *choice("panels", "lines"),
    ),
}


def check_options(section: dict) -> None:
    formats = set(section["formats"])
    if not formats <= {"png", "svg"}:
        raise ToolkitError(f"figures.formats must list 'png' and/or 'svg' (or nothing, for no figures), not {sorted(formats)}")


_TEXT = {
    "zh": {
        "share_title": "各主题占比的年度变化",
        "year": "年份",
        "share": "主题占比(按词数加权)",
        "counts": "文档/段落",
        "topic": "话题",
        "words_title": "各话题的高频词",
        "weight": "权重",
        "other": "其他",
        "absent": "无对应话题",
        "sweep_title": "话题数的选择:各指标(均值与不同种子的范围)",
        "n_topics": "话题数 K",
        "band": "阴影:{level}区间(文档、段落与随机种子)",
        "bars": "误差线:{level}区间(文档、段落与随机种子)",
        "seeds": "点线:不同随机种子的范围",
        "area_title": "各主题占比(堆积)",
        "heatmap_title": "年份 × 主题占比",
        "docs_title": "各文档的主题构成",
        "kw_title": "模型占比与关键词频率",
        "kw_share": "模型占比",
        "kw_rate": "关键词/万词",
        "change_title": "主题占比的变化",
        "change": "占比变化",
        "clear": "明确变化(同时区间不含0)",
        "unclear": "不明确",
        "documents": "文档数",
        "interval95": "{level}区间",
        "simultaneous": "同时区间(Bonferroni)",
        "periods_title": "各时期的主题占比",
        "groups_title": "各组的主题占比",
        "gap_rule": "白线:其间有缺少数据的年份",
        "docs_shown": "按日期均匀抽取 {shown} 份(共 {total} 份;全部见 document_themes.csv)",
        "wording_title": "各主题在各时期的用词",
        "wording_note": "彩色:该时期新进入前列的词,灰色:沿用上一时期;c-TF-IDF",
        "terms_title": "词频的年度变化",
        "per_10k": "每万字出现次数",
        "one_document": "只有一份文档的年份:文档层面的不确定性取自其他文档",
        "hollow": "空心点:只有一份文档",
        "hatched": "斜线:只有一份文档",
        "own_y": "各面板纵轴刻度不同",
        "effects_title": "协变量效应:各主题的预期占比随 {x} 的变化(分数logit,文档聚类标准误,含随机种子)",
        "validity_title": "主题测量的效度:模型占比与关键词频率的相关",
        "r_years": "跨年份 r",
        "r_documents": "跨文档 r",
        "r_split": "半数关键词检验 r(跨文档)",
        "sensitivity_title": "去掉单个关键词时主题占比的最大变化",
        "sensitivity_x": "占比的最大变化(年份或组)",
        "sensitivity_note": "每个主题影响最大的三个关键词;条旁:词与变化最大的年份或组",
        "validity_x": "皮尔逊相关系数 r(虚线:0.5;✗ 未通过,原因见 themes.csv)",
    },
    "en": {
        "share_title": "Theme shares by year",
        "year": "Year",
        "share": "Share of tokens",
        "counts": "docs/units",
        "topic": "Topic",
        "words_title": "Top words per topic",
        "weight": "Weight",
        "other": "Other",
        "absent": "No topic",
        "sweep_title": "Choosing the number of topics (mean and range over seeds)",
        "n_topics": "Number of topics K",
        "band": "band: {level} interval (documents, units and seeds)",
        "bars": "error bars: {level} interval (documents, units and seeds)",
        "seeds": "dotted: range over seeds",
        "area_title": "Theme shares (stacked)",
        "heatmap_title": "Year x theme share",
        "docs_title": "Themes of each document",
        "kw_title": "Model share and keyword frequency",
        "kw_share": "model share",
        "kw_rate": "keywords per 10k tokens",
        "change_title": "Change in theme shares",
        "change": "change in share",
        "clear": "clear (simultaneous interval excludes 0)",
        "unclear": "not clear",
        "documents": "documents",
        "interval95": "{level} interval",
        "simultaneous": "simultaneous (Bonferroni)",
        "periods_title": "Theme shares by period",
        "groups_title": "Theme shares by group",
        "gap_rule": "white rule: years without data in between",
        "docs_shown": "{shown} of {total} documents shown, evenly spaced by date (all in document_themes.csv)",
        "wording_title": "How each theme is worded in each period",
        "wording_note": "coloured: new to the list in that period, grey: carried over; c-TF-IDF",
        "terms_title": "Terms by year",
        "per_10k": "occurrences per 10,000 characters",
        "one_document": "years with one document: the document level is estimated from the other documents",
        "hollow": "hollow markers: one document",
        "hatched": "hatched: one document",
        "own_y": "each panel has its own y scale",
        "effects_title": "Covariate effects: expected share of each theme along {x} (fractional logit, "
        "errors clustered by document, seeds included)",
        "validity_title": "Validity of each theme: model share against keyword rate",
        "r_years": "r across years",
        "r_documents": "r across documents",
        "r_split": "split half: held-out keywords, r across documents",
        "sensitivity_title": "How far a theme's shares move without one keyword",
        "sensitivity_x": "largest change of a year's (or group's) share",
        "sensitivity_note": "the three keywords that move each theme most; beside each bar: the word and where",
        "validity_x": "Pearson r (dashed: 0.5; ✗ not validated, reasons in themes.csv)",
    },
}
# 20 colours, none grey (grey is `other`): matplotlib's tab10 less its grey, then darker and paler ones of
# tab20b/tab20 in hues not yet used, so the 17 shipped themes never share a colour.
_PALETTE = [
    "#1f77b4",
    "#2ca02c",
    "#17becf",
    "#ff7f0e",
    "#9467bd",
    "#d62728",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#e7ba52",
    "#7b4173",
    "#6b6ecf",
    "#ad494a",
    "#9edae5",
    "#98df8a",
    "#ffbb78",
    "#c49c94",
]


def theme_colors(lexicon: Lexicon) -> dict[str, str]:
    """A fixed colour per theme, in lexicon order; ``other`` is grey."""
    colors = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(lexicon.names)}
    colors[OTHER] = "#7f7f7f"
    return colors


def _new_figure(width: float, height: float) -> Figure:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(rc_params()):
        return Figure(figsize=(width, height), layout="constrained")


def year_ticks(years, max_ticks: int = 8) -> list[int]:
    """At most ``max_ticks`` round years spanning ``years`` (every year of a short span; every 2, 5, 10, 20 or
    50 years of a long one)."""
    years = sorted(int(y) for y in years)
    if not years:
        return []
    first, last = years[0], years[-1]
    for step in (1, 2, 5, 10, 20, 50, 100):
        ticks = [y for y in range(first - first % step, last + 1, step) if y >= first]
        if len(ticks) <= max_ticks:
            return ticks
    return [first, last]


def percent(level: float) -> str:
    """An interval's coverage as a label: 0.95 -> '95%', 0.9 -> '90%', 0.995 -> '99.5%'."""
    return f"{level * 100:.4g}%"


def _say(text: dict, key: str, level: float) -> str:
    return text[key].format(level=percent(level))


def _em(text: str) -> float:
    """Width of ``text`` in ems: a CJK character is one, any other about 0.6 (Noto Sans CJK's Latin is narrower,
    so this errs on the wide side)."""
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def wrap(text: str, width: float, fontsize: float) -> str:
    """``text`` broken into lines no wider than ``width`` inches at ``fontsize`` points: between words of Latin
    text, between any two characters of Chinese."""
    import re

    limit = width * 72 / fontsize  # ems per line
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.findall(r"[!-~]+|\s+|.", paragraph):
            if line.strip() and not token.isspace() and _em(line + token) > limit:
                lines.append(line.rstrip())
                line = token
            else:
                line += token
        lines.append(line.rstrip())
    return "\n".join(lines)


def _cut(text: str, ems: float) -> str:
    """The longest start of ``text`` no wider than ``ems``."""
    width = 0.0
    for i, c in enumerate(text):
        width += _em(c)
        if width > ems:
            return text[:i]
    return text


def short_labels(titles: list[str], ems: float = 26) -> list[str]:
    """Each title no wider than ``ems``: a longer one is cut with an ellipsis where it still differs from the
    others; where its start is shared with another title (a run of "Notice from the General Office of ..."),
    its start is kept short and the part where it begins to differ follows the ellipsis."""
    import os

    titles = [str(t) for t in titles]
    labels = []
    for i, title in enumerate(titles):
        if _em(title) <= ems:
            labels.append(title)
            continue
        shared = max(
            (len(os.path.commonprefix([title, other])) for j, other in enumerate(titles) if j != i and other != title), default=0
        )
        head = _cut(title, ems - 1)
        if shared < len(head):
            labels.append(head + "…")
            continue
        lead = _cut(title, ems * 0.3)
        tail = _cut(title[::-1], ems - _em(lead) - 1)[::-1]
        if len(title) - len(tail) <= shared:  # the end holds where it differs: keep as much of it as fits
            labels.append(lead + "…" + tail)
            continue
        start = max(len(lead), shared - 2)
        rest = _cut(title[start:], ems - _em(lead) - 2)
        labels.append(lead + "…" + rest + ("…" if start + len(rest) < len(title) else ""))
    return labels


def ordered(sequences) -> list:
    """The values of ``sequences`` (each in its own order, e.g. the periods of each theme as a table lists them)
    in one order that keeps each sequence's: a value first seen late goes before the next value its sequence
    shares with the order. Numbers (years) are sorted."""
    sequences = [list(dict.fromkeys(s)) for s in sequences]
    values = [v for s in sequences for v in s]
    if values and all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
        return sorted(set(values))
    order: list = []
    for sequence in sequences:
        for i, value in enumerate(sequence):
            if value in order:
                continue
            later = [v for v in sequence[i + 1 :] if v in order]
            order.insert(order.index(later[0]) if later else len(order), value)
    return order


def _year_axis(ax, years, max_ticks: int = 5, *, labels: bool = True) -> None:
    """x ticks on whole years within ``years`` (every year of a short span), labelled as years, and the
    limits half a year beyond the first and last, so one year is a column and not a point at 2022.75."""
    years = sorted({int(y) for y in years})
    if not years:
        return
    ticks = year_ticks(years, max_ticks)
    ax.set_xticks(ticks, labels=[str(t) for t in ticks] if labels else [])
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)


def _category_axis(ax, names, panel: float = 2.5) -> None:
    """Categories (periods, levels) as x ticks at 0, 1, ... with their names, wrapped to the room each has in a
    panel ``panel`` inches wide (slanted when there are too many to stand side by side)."""
    room = panel / max(len(names), 1)
    slanted = room < 0.45
    ax.set_xticks(np.arange(len(names)), labels=[wrap(str(n), 1.2 if slanted else room - 0.05, 7) for n in names])
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.tick_params(axis="x", labelrotation=45 if slanted else 0)


def _fit_y(ax, *arrays) -> None:
    """y from 0 to a little above the largest value of ``arrays`` (every value drawn, bands included)."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays]) if arrays else np.zeros(0)
    top = np.nanmax(values) if np.isfinite(values).any() else np.nan
    ax.set_ylim(0, top * 1.08 if np.isfinite(top) and top > 0 else 1)


def _isolated(values: np.ndarray) -> np.ndarray:
    present = ~np.isnan(values)
    return present & ~np.r_[False, present[:-1]] & ~np.r_[present[1:], False]


def _series(ax, x, values, low, high, color, *, single=None, linestyle="-", alpha=0.2, markersize=3.0, label=None) -> None:  # noqa: PLR0913 (a series' data and its drawing style)
    """A line through ``values`` (NaN is a gap), its band from ``low`` to ``high``, and an error bar wherever a
    value stands alone (a band over one x draws nothing); markers hollow where ``single`` (one document)."""
    x = np.asarray(x, dtype=float)
    values = np.asarray(values, dtype=float)
    ax.plot(x, values, color=color, linewidth=1.3, linestyle=linestyle, label=label)
    if low is not None:
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        ax.fill_between(x, low, high, color=color, alpha=alpha, linewidth=0)
        alone = _isolated(values) & ~np.isnan(low)
        if alone.any():
            ax.errorbar(
                x[alone],
                values[alone],
                yerr=[values[alone] - low[alone], high[alone] - values[alone]],
                fmt="none",
                ecolor=color,
                elinewidth=1.2,
                capsize=3,
            )
    single = np.zeros(len(x), bool) if single is None else np.asarray(single, bool)
    for hollow in (False, True):
        shown = (single == hollow) & ~np.isnan(values)
        if shown.any():
            ax.plot(
                x[shown],
                values[shown],
                "o",
                color=color,
                markersize=markersize,
                markerfacecolor="white" if hollow else color,
                markeredgewidth=1.0,
            )


def plot_theme_shares(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float = 0.95
) -> Figure:
    """Theme shares by year as small multiples: one panel per theme (``other`` last), the ``level`` band (an
    error bar for a year between two years without data, where a band would be invisible) and the range over
    ensemble members; years without data are gaps, and a year that rests on one document has a hollow marker.
    A strip under the panels shows the documents behind each year.

    Each panel has its own y axis, from 0 to just above its largest value (band and seed range included):
    shares differ by more than an order of magnitude between themes (``other`` near 0.4, a small theme near
    0.01), and one axis for all would flatten the small themes into the floor. The title says so; the heatmap
    and the stacked figure compare themes on one scale."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    themes = [t for t in [*lexicon.names, OTHER] if t in set(table["theme"])]
    years = sorted(table["year"].unique())
    n_cols = 4 if len(themes) > 6 else min(3, len(themes))
    n_rows = int(np.ceil(len(themes) / n_cols))
    counts = table.drop_duplicates("year").set_index("year").reindex(years)
    documents = counts["n_documents"].fillna(0).to_numpy(dtype=float)
    with_data = [y for y, n in zip(years, documents) if n > 0] or years
    single = documents == 1
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(3.0 * n_cols, 2.1 * n_rows + 1.6)
        grid = fig.add_gridspec(n_rows + 1, n_cols, height_ratios=[*([1] * n_rows), 0.45])
        first = None
        for index, theme in enumerate(themes):
            ax = fig.add_subplot(grid[index // n_cols, index % n_cols], sharex=first)
            first = first or ax
            rows = table[table["theme"] == theme].set_index("year").reindex(years)
            values = rows["share"].to_numpy(dtype=float)
            low = rows["share_low"].to_numpy(dtype=float) if "share_low" in rows else None
            high = rows["share_high"].to_numpy(dtype=float) if "share_high" in rows else None
            if "seed_min" in rows:
                alone = _isolated(values)
                for column in ("seed_min", "seed_max"):
                    seeds = rows[column].to_numpy(dtype=float)
                    ax.plot(years, seeds, color=colors[theme], linewidth=0.6, linestyle=":")
                    if alone.any():  # a dotted line through one year draws nothing: a dash at each end instead
                        ax.plot(
                            np.asarray(years)[alone],
                            seeds[alone],
                            linestyle="none",
                            marker="_",
                            markersize=6,
                            color=colors[theme],
                        )
            _series(
                ax,
                years,
                values,
                low,
                high,
                colors[theme],
                single=single,
                linestyle="--" if theme == OTHER else "-",
                markersize=3.0 if len(years) <= 30 else 2.0,
            )
            _fit_y(ax, values, *(rows[c].to_numpy(dtype=float) for c in ("share_high", "seed_max") if c in rows))
            ax.set_title(lexicon.label(theme, language), fontsize=9)
            _year_axis(ax, with_data, 5)
            ax.tick_params(labelsize=7)
            ax.grid(axis="y", alpha=0.3)
        strip = fig.add_subplot(grid[n_rows, :], sharex=first)
        strip.bar(years, documents, color="#999999", width=0.8)
        strip.set_ylabel(text["documents"], fontsize=7)
        _year_axis(strip, with_data, 8)
        strip.tick_params(labelsize=7)
        strip.set_xlabel(text["year"])
        notes = (
            [text["own_y"]]
            + ([_say(text, "band", level)] if "share_low" in table else [])
            + ([text["seeds"]] if "seed_min" in table else [])
            + ([text["hollow"]] if single.any() else [])
        )
        if "interval_basis" in table and table["interval_basis"].astype(str).str.startswith("one document").any():
            notes.append(text["one_document"])
        heading = (f"{title}: " if title else "") + text["share_title"] + f" ({'; '.join(notes)})"
        fig.suptitle(wrap(heading, 3.0 * n_cols - 0.4, 10), fontsize=10)
        fig.supylabel(text["share"], fontsize=9)
    return fig


def plot_theme_lines(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float = 0.95
) -> Figure:
    """Theme share by year, one line per theme in one panel with its ``level`` band (an error bar for a year
    alone between gaps); years without data are gaps, a year resting on one document has hollow markers.
    Counts under the axis when they fit."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(9, 5.2)
        ax = fig.add_subplot()
        years = sorted(table["year"].unique())
        counts = table.drop_duplicates("year").set_index("year").reindex(years)
        single = counts["n_documents"].fillna(0).to_numpy() == 1
        absent, tops = [], []
        for theme in [*lexicon.names, OTHER]:
            rows = table[table["theme"] == theme].set_index("year").reindex(years)
            if not (rows["share"] > 0).any():
                absent.append(lexicon.label(theme, language))
            else:
                _series(
                    ax,
                    years,
                    rows["share"].to_numpy(dtype=float),
                    rows["share_low"].to_numpy(dtype=float) if "share_low" in rows else None,
                    rows["share_high"].to_numpy(dtype=float) if "share_high" in rows else None,
                    colors[theme],
                    single=single,
                    linestyle="--" if theme == OTHER else "-",
                    alpha=0.15,
                    markersize=4,
                    label=lexicon.label(theme, language),
                )
                tops.extend(rows[c].to_numpy(dtype=float) for c in ("share", "share_high", "seed_max") if c in rows)
                if "seed_min" in rows:
                    for column in ("seed_min", "seed_max"):
                        ax.plot(years, rows[column].to_numpy(dtype=float), color=colors[theme], linewidth=0.6, linestyle=":")
        if len(years) <= 16:
            ax.set_xticks(years)
            ax.set_xticklabels(
                [
                    f"{y}\n{int(d)}/{int(u)}" if u else f"{y}\n–"
                    for y, d, u in zip(years, counts["n_documents"], counts["n_units"])
                ],
                fontsize=8,
            )
            ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
            ax.set_xlabel(f"{text['year']} ({text['counts']})")
        else:
            _year_axis(ax, years, 10)
            ax.set_xlabel(text["year"])
        ax.set_ylabel(text["share"])
        _fit_y(ax, *tops)
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(f"{title}: {text['share_title']}" if title else text["share_title"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
        notes = (
            ([_say(text, "band", level)] if "share_low" in table else [])
            + ([text["seeds"]] if "seed_min" in table else [])
            + ([text["hollow"]] if single.any() else [])
        )
        if absent:
            notes.append(f"{text['absent']}: " + "、".join(absent))
        if notes:
            ax.annotate(
                wrap("\n".join(notes), 2.4, 7), xy=(1.01, 0), xycoords="axes fraction", va="bottom", fontsize=7, color="#555555"
            )
    return fig


def _pivot(table: pd.DataFrame, lexicon: Lexicon, column: str = "share") -> pd.DataFrame:
    order = [t for t in [*lexicon.names, OTHER] if t in set(table["theme"])]
    return table.pivot(index="year", columns="theme", values=column)[order]


def plot_theme_area(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Theme shares of each year stacked to 1, one bar per year: a year without data has no bar (a gap), and an
    isolated year is as visible as any other."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    wide = _pivot(table, lexicon).dropna(how="all")
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(9, 5)
        ax = fig.add_subplot()
        years = wide.index.to_numpy()
        bottom = np.zeros(len(years))
        for theme in wide.columns:
            values = np.nan_to_num(wide[theme].to_numpy(dtype=float))
            ax.bar(
                years, values, bottom=bottom, width=0.85, color=colors[theme], linewidth=0, label=lexicon.label(theme, language)
            )
            bottom = bottom + values
        if len(years):
            ax.set_xlim(years.min() - 0.6, years.max() + 0.6)
            ax.set_xticks(year_ticks(years, 10))
        ax.set_ylim(0, 1)
        ax.set_xlabel(text["year"])
        ax.set_ylabel(text["share"])
        ax.set_title(f"{title}: {text['area_title']}" if title else text["area_title"])
        handles, labels = ax.get_legend_handles_labels()  # listed top down, as the bands are stacked
        ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return fig


def plot_theme_heatmap(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Year x theme heatmap of shares: one column per year with data (a long span with few such years is not
    stretched over its empty years), a white rule where years without data lie between two columns, each cell
    labelled while the cells are wide enough to read."""
    import matplotlib

    text = _TEXT[language]
    wide = _pivot(table, lexicon).dropna(how="all")
    years = wide.index.to_numpy()
    n = max(len(years), 1)
    cell = min(0.5, max(0.14, 14.0 / n))  # inches per column: fixed up to 28 years, then narrower
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(cell * n + 3.2, 0.4 * len(wide.columns) + 1.9)
        ax = fig.add_subplot()
        values = wide.to_numpy(dtype=float).T
        image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap="YlGnBu", vmin=0)
        step = max(1, int(np.ceil(n / 30)))
        ax.set_xticks(range(0, len(years), step))
        ax.set_xticklabels(years[::step], rotation=90, fontsize=8)
        ax.set_yticks(range(len(wide.columns)))
        ax.set_yticklabels([lexicon.label(t, language) for t in wide.columns], fontsize=9)
        gaps = np.flatnonzero(np.diff(years) > 1)
        for j in gaps:
            ax.axvline(j + 0.5, color="white", linewidth=3)
        if cell >= 0.4:
            for i in range(values.shape[0]):
                for j in range(values.shape[1]):
                    if not np.isnan(values[i, j]):
                        ax.text(
                            j,
                            i,
                            f"{values[i, j]:.2f}"[1:] if values[i, j] < 1 else "1",
                            ha="center",
                            va="center",
                            fontsize=6,
                            color="white" if values[i, j] > np.nanmax(values) * 0.6 else "black",
                        )
        fig.colorbar(image, ax=ax, shrink=0.8, label=text["share"])
        heading = f"{title}: {text['heatmap_title']}" if title else text["heatmap_title"]
        ax.set_title(
            wrap(heading + (f" ({text['gap_rule']})" if len(gaps) else ""), max(cell * n, 2.2), 10), fontsize=10
        )  # over the columns: a narrow heatmap (one year) wraps its title
    return fig


def plot_document_themes(
    shares: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", max_documents: int = 60
) -> Figure:
    """One horizontal bar per document (document_themes.csv, :func:`toolkit.output.tables.document_shares`): its theme
    shares. With more than ``max_documents`` documents, that many are drawn, evenly spaced in date order, and the
    title says so. A long title is shortened with an ellipsis where it still differs from the others
    (:func:`short_labels`); the full titles are in document_themes.csv."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    themes = [t for t in [*lexicon.names, OTHER] if t in shares.columns]
    shown = shares
    if len(shares) > max_documents:
        shown = shares.iloc[np.unique(np.linspace(0, len(shares) - 1, max_documents).round().astype(int))]
    names = (
        [str(row.title) if isinstance(row.title, str) and row.title else str(row.doc_id) for row in shown.itertuples()]
        if "title" in shown
        else list(shown["doc_id"].astype(str))
    )
    labels = [f"{year} {name}" for year, name in zip(shown["year"], short_labels(names))]
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(10, max(0.32 * len(shown), 0.2 * len(themes)) + 1.6)  # room for the legend of themes
        ax = fig.add_subplot()
        left = np.zeros(len(shown))
        for theme in themes:
            values = shown[theme].to_numpy(dtype=float)
            ax.barh(range(len(shown)), values, left=left, color=colors[theme], label=lexicon.label(theme, language))
            left += values
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(text["share"])
        heading = f"{title}: {text['docs_title']}" if title else text["docs_title"]
        if len(shown) < len(shares):
            heading += "\n" + text["docs_shown"].format(shown=len(shown), total=len(shares))
        ax.set_title(heading, fontsize=10)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    return fig


def plot_theme_words(words: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 5, language: str = "zh", title: str = "") -> Figure:
    """How each theme is worded in each period (theme_words.csv): a grid with a row per theme and a column per
    period, each cell the theme's top words there; a word new to the theme's list is in its colour. The periods
    keep the table's order (years sorted); the title, the period names and the theme labels wrap to fit."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    words = words[words["rank"] <= n_words]
    themes = [t for t in [*lexicon.names, OTHER] if t in set(words["theme"])]
    periods = ordered(words.loc[words["theme"] == theme, "period"] for theme in dict.fromkeys(words["theme"]))
    column, side = 1.3, 1.4  # inches per period; inches for the theme labels
    width = max(6.0, side + 0.2 + column * max(len(periods), 1))
    heading = f"{title}: {text['wording_title']}" if title else text["wording_title"]
    heading = wrap(f"{heading} ({text['wording_note']})", width - 0.4, 10)
    headers = [wrap(str(p), column - 0.1, 9) for p in periods]
    title_h = (heading.count("\n") + 1) * 10 * 1.3 / 72
    header_h = (max([h.count("\n") for h in headers], default=0) + 1) * 9 * 1.3 / 72
    line = 0.16  # inches per word
    grid_h = (line * n_words + 0.12) * max(len(themes), 1)
    top = 0.12 + title_h + 0.08 + header_h + 0.05
    height = top + grid_h + 0.1
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(width, height)
        fig.set_layout_engine("none")
        ax = fig.add_axes((side / width, 0.1 / height, (column * max(len(periods), 1)) / width, grid_h / height))
        ax.set_xlim(-0.5, len(periods) - 0.5)
        ax.set_ylim(len(themes) - 0.5, -0.5)
        ax.axis("off")
        cells = words.set_index(["theme", "period"])
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
                color=colors[theme],
            )
            if i:
                ax.axhline(i - 0.5, color="#dddddd", linewidth=0.6)
            for j, period in enumerate(periods):
                if (theme, period) not in cells.index:
                    ax.text(j, i, "–", ha="center", va="center", fontsize=8, color="#999999")
                    continue
                rows = cells.loc[[(theme, period)]].sort_values("rank")
                k = len(rows)
                for r, row in enumerate(rows.itertuples()):
                    ax.text(
                        j,
                        i + (r - (k - 1) / 2) / (n_words + 1),
                        row.word,
                        ha="center",
                        va="center",
                        fontsize=7.5,
                        color=colors[theme] if row.new else "#555555",
                    )
        fig.suptitle(heading, fontsize=10, y=1 - 0.12 / height, va="top")
    return fig


def plot_term_counts(counts: pd.DataFrame, *, language: str = "zh", title: str = "") -> Figure:
    """Each tracked term's occurrences per 10,000 characters by year (term_counts.csv): one panel per term,
    each with its own y axis (terms differ in frequency by orders of magnitude), a dot for every year with
    documents (years without are gaps)."""
    import matplotlib

    text = _TEXT[language]
    terms = list(dict.fromkeys(counts["term"]))
    n_cols = min(3, max(len(terms), 1))
    n_rows = int(np.ceil(len(terms) / n_cols)) or 1
    years = sorted(counts["year"].unique())
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(3.6 * n_cols, 2.3 * n_rows + 0.8)
        axes = fig.subplots(n_rows, n_cols, squeeze=False, sharex=True)
        for ax in axes.flat[len(terms) :]:
            ax.set_visible(False)
        for k, (ax, term) in enumerate(zip(axes.flat, terms)):
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
        fig.suptitle(
            wrap(f"{title}: {text['terms_title']}" if title else text["terms_title"], 3.6 * n_cols - 0.4, 10), fontsize=10
        )
        fig.supylabel(text["per_10k"], fontsize=9)
        fig.supxlabel(text["year"], fontsize=9)
    return fig


def plot_model_vs_keywords(
    shares: pd.DataFrame, rates: pd.DataFrame, agreement: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = ""
) -> Figure:
    """Per theme: the model's share (line, left axis) beside its keyword rate (bars, right axis), with r."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    r_of = agreement.set_index("theme")["pearson_r"]
    themes = lexicon.names
    years = sorted(set(shares.loc[shares["share"].notna(), "year"]) | set(rates.loc[rates["per_10k"].notna(), "year"]))
    n_cols = 3
    n_rows = int(np.ceil(len(themes) / n_cols))
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(4.2 * n_cols, 2.6 * n_rows + 0.6)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[len(themes) :]:
            ax.set_visible(False)
        for ax, theme in zip(axes.flat, themes):
            s = shares[shares["theme"] == theme].set_index("year")["share"]
            k = rates[rates["theme"] == theme].set_index("year")["per_10k"]
            twin = ax.twinx()
            twin.bar(k.index, k.to_numpy(dtype=float), color="#cccccc", width=0.7)
            ax.plot(s.index, s.to_numpy(dtype=float), color=colors[theme], marker="o", markersize=3)
            ax.set_zorder(twin.get_zorder() + 1)
            ax.patch.set_visible(False)
            r = r_of.get(theme, np.nan)
            ax.set_title(
                f"{lexicon.label(theme, language)}  r = {r:.2f}" if not np.isnan(r) else lexicon.label(theme, language),
                fontsize=9,
            )
            _year_axis(ax, years, 5)
            ax.tick_params(labelsize=7)
            twin.tick_params(labelsize=7)
            _fit_y(ax, s.to_numpy(dtype=float))
            _fit_y(twin, k.to_numpy(dtype=float))
        axes.flat[0].set_ylabel(text["kw_share"], fontsize=8)
        fig.suptitle(
            wrap(
                (f"{title}: " if title else "") + f"{text['kw_title']} ({text['kw_share']}: —, {text['kw_rate']}: ▮)",
                4.2 * n_cols - 0.4,
                12,
            )
        )
    return fig


def plot_change(change: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float = 0.95) -> Figure:
    """Change of each theme's share between two years, periods or groups: the point, its ``level`` interval (thick)
    and its simultaneous interval over all themes (thin); a clear change (simultaneous interval excludes 0) is
    a filled marker in the theme's colour, the others hollow and grey."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    change = change[change["theme"] != OTHER].iloc[::-1]
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(7.5, 0.45 * len(change) + 1.8)
        ax = fig.add_subplot()
        for i, row in enumerate(change.itertuples()):
            color = colors[row.theme] if row.clear else "#999999"
            ax.plot([row.simultaneous_low, row.simultaneous_high], [i, i], color=color, linewidth=0.8)
            ax.plot([row.change_low, row.change_high], [i, i], color=color, linewidth=2.6, solid_capstyle="butt")
            ax.plot(
                row.change,
                i,
                "o",
                markersize=6,
                color=color,
                markerfacecolor=color if row.clear else "white",
                markeredgewidth=1.4,
            )
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_yticks(range(len(change)))
        ax.set_yticklabels([lexicon.label(t, language) for t in change["theme"]])
        first, last = change["from"].iloc[0], change["to"].iloc[0]
        ax.set_xlabel(f"{text['change']} ({first} → {last})")
        ax.set_title(f"{title}: {text['change_title']}" if title else text["change_title"])
        ax.grid(axis="x", alpha=0.3)
        handles = [
            matplotlib.lines.Line2D(
                [], [], marker="o", color="#333333", markerfacecolor="#333333", linestyle="", label=text["clear"]
            ),
            matplotlib.lines.Line2D(
                [], [], marker="o", color="#999999", markerfacecolor="white", linestyle="", label=text["unclear"]
            ),
            matplotlib.lines.Line2D([], [], color="#333333", linewidth=2.6, label=_say(text, "interval95", level)),
            matplotlib.lines.Line2D([], [], color="#333333", linewidth=0.8, label=text["simultaneous"]),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    return fig


def plot_theme_periods(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float = 0.95
) -> Figure:
    """Theme shares per named period: one panel per theme, a bar per period (in the table's order, labelled with
    its name) with its ``level`` interval; a period resting on one document is a hatched bar."""
    return _panels(table, "period", lexicon, language=language, title=title, heading="periods_title", level=level)


def plot_theme_groups(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float = 0.95
) -> Figure:
    """Theme shares per group over the years (or periods): one panel per theme, a line per group with its
    ``level`` band, shared axes. A group's value alone between gaps (one year, or a corpus of one year) gets an
    error bar, as does every value along periods (categories, ticked with their names); the groups are set a
    little apart so that their bars do not hide each other, and a cell resting on one document has a hollow
    marker. ``table``'s first column names the groups (as :func:`toolkit.analysis.trends.yearly_trends` writes it)."""
    return _panels(table, table.columns[0], lexicon, language=language, title=title, heading="groups_title", level=level)


def _panels(
    table: pd.DataFrame, column: str, lexicon: Lexicon, *, language: str, title: str, heading: str, level: float = 0.95
) -> Figure:
    """Small multiples of shares by ``column``: bars per period (``column`` = period) or a series per group along
    the years or periods. Each panel has its own y axis from 0 to its largest value drawn (intervals included),
    as in :func:`plot_theme_shares`: the panels compare groups (or periods) within a theme, and themes differ by
    an order of magnitude (``other`` near 0.4, a small theme near 0.01), so one axis for all would flatten the
    small themes. The title says so."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    themes = [t for t in [*lexicon.names, OTHER] if t in set(table["theme"])]
    n_cols = 4 if len(themes) > 6 else min(3, len(themes))
    n_rows = int(np.ceil(len(themes) / n_cols))
    time = "year" if "year" in table.columns else "period" if "period" in table.columns and column != "period" else None
    bands = "share_low" in table and "share_high" in table
    groups = (
        list(dict.fromkeys(table[column]))
        if column != "period"
        else ordered(table.loc[table["theme"] == t, "period"] for t in dict.fromkeys(table["theme"]))
    )
    single = (table["n_documents"] == 1).to_numpy() if "n_documents" in table else np.zeros(len(table), bool)
    if time == "year":
        present = table.loc[table["share"].notna(), "year"] if table["share"].notna().any() else table["year"]
        steps = list(range(int(table["year"].min()), int(table["year"].max()) + 1))
    elif time == "period":
        steps = ordered(
            table.loc[(table["theme"] == t) & (table[column] == g), "period"]
            for t in dict.fromkeys(table["theme"])
            for g in groups
        )
    spread = min(0.3, 0.6 / max(len(groups), 1)) if time else 0.0
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(3.0 * n_cols, 2.1 * n_rows + 1.2)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[len(themes) :]:
            ax.set_visible(False)
        for ax, theme in zip(axes.flat, themes):
            rows = table[table["theme"] == theme]
            if time is None:  # one bar per period
                x = np.arange(len(groups))
                values = rows.set_index(column).reindex(groups)
                one = (values["n_documents"] == 1).to_numpy() if "n_documents" in values else np.zeros(len(x), bool)
                bars = ax.bar(x, values["share"].fillna(0), color=colors[theme], alpha=0.8)
                for bar, hatched in zip(bars, one):
                    if hatched:
                        bar.set_hatch("///")
                        bar.set_facecolor("white")
                        bar.set_edgecolor(colors[theme])
                if bands:
                    ax.errorbar(
                        x,
                        values["share"],
                        yerr=[values["share"] - values["share_low"], values["share_high"] - values["share"]],
                        fmt="none",
                        ecolor="#333333",
                        capsize=2,
                        linewidth=0.8,
                    )
                _category_axis(ax, groups)
            else:
                for g, name in enumerate(groups):
                    part = rows[rows[column] == name].set_index(time).reindex(steps)
                    shade = _PALETTE[g % len(_PALETTE)]
                    offset = (g - (len(groups) - 1) / 2) * spread
                    values = part["share"].to_numpy(dtype=float)
                    low = part["share_low"].to_numpy(dtype=float) if bands else None
                    high = part["share_high"].to_numpy(dtype=float) if bands else None
                    one = (part["n_documents"] == 1).to_numpy() if "n_documents" in part else None
                    if time == "year":
                        _series(
                            ax,
                            np.asarray(steps, dtype=float) + offset,
                            values,
                            low,
                            high,
                            shade,
                            single=one,
                            alpha=0.12,
                            markersize=2.5,
                            label=str(name),
                        )
                    else:  # periods are categories: a point and its error bar each, a thin line in time order
                        x = np.arange(len(steps)) + offset
                        if bands:
                            ax.errorbar(
                                x, values, yerr=[values - low, high - values], fmt="none", ecolor=shade, elinewidth=1.1, capsize=2
                            )
                        _series(ax, x, values, None, None, shade, single=one, markersize=3.5, label=str(name))
                if time == "year":
                    _year_axis(ax, present, 4)
                else:
                    _category_axis(ax, steps)
            _fit_y(ax, *(rows[c].to_numpy(dtype=float) for c in ("share", "share_high") if c in rows))
            ax.set_title(lexicon.label(theme, language), fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(axis="y", alpha=0.3)
        if time is not None:
            axes.flat[0].legend(fontsize=7, frameon=False)
        notes = [text["own_y"]] if len(themes) > 1 else []
        notes += [_say(text, "bars" if time is None or time == "period" else "band", level)] if bands else []
        if bool(np.any(single)):
            notes.append(text["hollow"] if time else text["hatched"])
        fig.suptitle(
            wrap(
                (f"{title}: " if title else "") + text[heading] + (f" ({'; '.join(notes)})" if notes else ""),
                3.0 * n_cols - 0.4,
                10,
            ),
            fontsize=10,
        )
        fig.supylabel(text["share"], fontsize=9)
    return fig


def plot_effects(
    expected: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float = 0.95
) -> Figure:
    """Expected share of each theme along a covariate (from effects_expected.csv): one panel per theme, one
    series per group of the first categorical covariate. Along a number (year) a line with its ``level`` band,
    broken where the curve is not supported by documents (``supported`` false, values empty), with an error bar
    for a value alone between such gaps; along a category a point with its error bar per category and group, no
    line (categories have no order), the groups set a little apart. Each panel has its own y axis from 0 to its
    largest interval: themes differ by an order of magnitude, and the figure compares groups within a theme."""
    import matplotlib
    import pandas as pd

    text = _TEXT[language]
    x = [c for c in expected.columns if c not in ("theme", "group", "expected", "low", "high", "supported")][0]
    themes = [t for t in lexicon.names if t in set(expected["theme"])]
    n_cols = 4 if len(themes) > 6 else min(3, len(themes))
    n_rows = int(np.ceil(len(themes) / n_cols))
    groups = list(dict.fromkeys(expected["group"].fillna("")))
    numeric = pd.api.types.is_numeric_dtype(expected[x])
    categories = list(dict.fromkeys(expected[x])) if not numeric else []
    spread = min(0.25, 0.6 / max(len(groups), 1))
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(3.0 * n_cols, 2.1 * n_rows + 1.2)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[len(themes) :]:
            ax.set_visible(False)
        for ax, theme in zip(axes.flat, themes):
            drawn = []
            for g, group in enumerate(groups):
                rows = expected[(expected["theme"] == theme) & (expected["group"].fillna("") == group)]
                shade = _PALETTE[g % len(_PALETTE)] if len(groups) > 1 else theme_colors(lexicon)[theme]
                values, low, high = (rows[c].to_numpy(dtype=float) for c in ("expected", "low", "high"))
                label = str(group) if group else None
                if numeric:
                    order = np.argsort(rows[x].to_numpy(dtype=float), kind="stable")
                    _series(
                        ax,
                        rows[x].to_numpy(dtype=float)[order],
                        values[order],
                        low[order],
                        high[order],
                        shade,
                        alpha=0.15,
                        markersize=0,
                        label=label,
                    )
                else:
                    position = np.array([categories.index(v) for v in rows[x]], dtype=float)
                    position += (g - (len(groups) - 1) / 2) * spread
                    ax.errorbar(
                        position,
                        values,
                        yerr=[values - low, high - values],
                        fmt="o",
                        color=shade,
                        markersize=3.5,
                        elinewidth=1.1,
                        capsize=2,
                        linestyle="none",
                        label=label,
                    )
                drawn += [values, high]
            _fit_y(ax, *drawn)
            ax.set_title(lexicon.label(theme, language), fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(axis="y", alpha=0.3)
            if x == "year":
                _year_axis(
                    ax,
                    expected.loc[expected["supported"].astype(str).isin(["True", "true"]), x]
                    if "supported" in expected
                    else expected[x],
                    4,
                )
            elif not numeric:
                _category_axis(ax, categories)
        if len(groups) > 1:
            axes.flat[0].legend(fontsize=7, frameon=False)
        heading = (f"{title}: " if title else "") + text["effects_title"].format(x=x)
        fig.suptitle(wrap(f"{heading} ({_say(text, 'interval95', level)}; {text['own_y']})", 3.0 * n_cols - 0.4, 10), fontsize=10)
        fig.supylabel(text["share"], fontsize=9)
    return fig


def plot_theme_validity(diagnostics: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Per theme: how its share agrees with its keyword rate across years and across documents (bars), with
    the threshold a theme needs, and which themes are not validated (and the first reason why)."""
    import matplotlib

    from ..analysis.themes import VALIDATION_RULES

    text = _TEXT[language]
    rows = diagnostics[diagnostics["theme"].isin(lexicon.names)].iloc[::-1]
    y = np.arange(len(rows))
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(10, 0.55 * len(rows) + 1.8)
        ax = fig.add_subplot()
        ax.barh(y + 0.27, rows["r_years"].fillna(0), height=0.26, color="#1f77b4", label=text["r_years"])
        ax.barh(y, rows["r_documents"].fillna(0), height=0.26, color="#ff7f0e", label=text["r_documents"])
        if "r_split" in rows:
            ax.barh(y - 0.27, rows["r_split"].fillna(0), height=0.26, color="#2ca02c", label=text["r_split"])
        ax.axvline(VALIDATION_RULES["r_years"], color="#555555", linewidth=0.8, linestyle="--")
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(
            [("" if ok else "✗ ") + lexicon.label(t, language) for t, ok in zip(rows["theme"], rows["validated"])], fontsize=9
        )
        for tick, ok in zip(ax.get_yticklabels(), rows["validated"]):
            tick.set_color("#222222" if ok else "#c0392b")
        ax.set_xlim(-1, 1.0)
        ax.set_xlabel(text["validity_x"])
        ax.legend(loc="lower left", frameon=False, fontsize=8)
        ax.set_title(f"{title}: {text['validity_title']}" if title else text["validity_title"])
        ax.grid(axis="x", alpha=0.3)
    return fig


def plot_lexicon_sensitivity(
    sensitivity: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 3, language: str = "zh", title: str = ""
) -> Figure:
    """Per theme (lexicon_sensitivity.csv), the ``n_words`` keywords whose removal moves the theme's yearly (or
    group) shares most: one bar each, the largest change of a share, labelled with the word and the year or group
    where it happens. A theme whose bars are long rests on those words."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    themes = [t for t in lexicon.names if t in set(sensitivity["theme"])]
    rows = [
        (theme, row)
        for theme in themes
        for row in sensitivity[sensitivity["theme"] == theme].nlargest(n_words, "shift").itertuples()
    ]
    y = np.arange(len(rows))[::-1].astype(float)
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(10, 0.22 * max(len(rows), 1) + 1.6)
        ax = fig.add_subplot()
        shifts = np.array([row.shift for _, row in rows], dtype=float)
        ax.barh(y, shifts, height=0.75, color=[colors[theme] for theme, _ in rows])
        top = float(shifts.max()) if len(shifts) else 0.0
        for yy, (_, row) in zip(y, rows):
            ax.text(row.shift + top * 0.01, yy, f"{row.word} ({row.at})", va="center", fontsize=7)
        firsts = [i for i, (theme, _) in enumerate(rows) if i == 0 or rows[i - 1][0] != theme]
        ax.set_yticks(y[firsts])
        ax.set_yticklabels([lexicon.label(rows[i][0], language) for i in firsts], fontsize=8)
        ax.set_xlim(0, top * 1.35 if top > 0 else 1)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlabel(text["sensitivity_x"], fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        heading = f"{title}: {text['sensitivity_title']}" if title else text["sensitivity_title"]
        ax.set_title(heading + "\n" + text["sensitivity_note"], fontsize=9)
    return fig


def plot_top_words(topics: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 10, language: str = "zh", title: str = "") -> Figure:
    """One small bar chart per topic with its top words, coloured by the topic's theme."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    n_topics = len(topics)
    n_cols = min(5, n_topics)
    n_rows = int(np.ceil(n_topics / n_cols))
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(2.4 * n_cols, 0.25 * n_words * n_rows + 0.6 * n_rows + 0.5)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[n_topics:]:
            ax.set_visible(False)
        for ax, (_, row) in zip(axes.flat, topics.iterrows()):
            words = row["top_words"][:n_words][::-1]
            weights = row["top_weights"][:n_words][::-1]
            ax.barh(range(len(words)), weights, color=colors[row["theme"]])
            ax.set_yticks(range(len(words)))
            ax.set_yticklabels(words, fontsize=8)
            ax.tick_params(axis="x", labelsize=6)
            ax.set_title(f"{text['topic']} {row['topic']}: {lexicon.label(row['theme'], language)}", fontsize=9)
        fig.suptitle(f"{title}: {text['words_title']}" if title else text["words_title"])
    return fig


_SWEEP_METRICS = [
    ("c_npmi", "NPMI ↑"),
    ("c_v", "c_v ↑"),
    ("u_mass", "u_mass ↑"),
    ("diversity", "diversity ↑"),
    ("stability", "stability ↑"),
]


def plot_sweep(table: pd.DataFrame, *, heldout: dict[str, str] | None = None, language: str = "zh", title: str = "") -> Figure:
    """Each metric against the number of topics: a line per model kind (mean over seeds), a band for the range.
    ``heldout`` names the held-out measures in ``table`` and whether "lower" or "higher" is better."""
    import matplotlib

    text = _TEXT[language]
    arrows = {"lower": "↓", "higher": "↑"}
    candidates = _SWEEP_METRICS + [(m, f"held-out {m.replace('_', ' ')} {arrows.get(d, '')}") for m, d in (heldout or {}).items()]
    metrics = [(m, label) for m, label in candidates if m in table.columns and table[m].notna().any()]
    kinds = sorted(table["kind"].unique())
    colors = {kind: _PALETTE[i % len(_PALETTE)] for i, kind in enumerate(kinds)}
    with matplotlib.rc_context(rc_params()):
        n_cols = 3
        n_rows = int(np.ceil(len(metrics) / n_cols))
        fig = _new_figure(4.2 * n_cols, 3.0 * n_rows + 0.6)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[len(metrics) :]:
            ax.set_visible(False)
        for ax, (metric, label) in zip(axes.flat, metrics):
            for kind, rows in table.groupby("kind"):
                stats = rows.groupby("n_topics")[metric].agg(["mean", "min", "max"]).dropna()
                if stats.empty:
                    continue
                ks = stats.index.to_numpy()
                ax.plot(ks, stats["mean"], marker="o", markersize=3, color=colors[kind], label=kind.upper())
                ax.fill_between(ks, stats["min"], stats["max"], color=colors[kind], alpha=0.2, linewidth=0)
            ax.set_title(label, fontsize=10)
            ax.set_xlabel(text["n_topics"], fontsize=8)
            ax.tick_params(labelsize=8)
            ax.grid(alpha=0.3)
        axes.flat[0].legend(fontsize=8, frameon=False)
        fig.suptitle(f"{title}: {text['sweep_title']}" if title else text["sweep_title"])
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """Render ``fig`` to PNG or SVG bytes with no timestamps or version strings, so output is repeatable."""
    import matplotlib

    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    buffer = io.BytesIO()
    with matplotlib.rc_context(rc_params()):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write ``fig`` atomically; the format follows the suffix (.png or .svg)."""
    path = Path(path)
    atomic.write_bytes(path, figure_bytes(fig, path.suffix.lstrip("."), dpi=dpi))
    return path
