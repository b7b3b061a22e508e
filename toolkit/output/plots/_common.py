"""What every figure shares: its labels in both languages (``_TEXT``), the palette and each theme's colour, a new
figure in the toolkit's matplotlib settings (``_new_figure``) or a grid of small multiples (``_small_multiples``),
the title (``_heading``), the axes (years, categories, a y range that holds every value, a series with its band),
text that fits (``wrap``, ``short_labels``), and the repeatable bytes of a figure."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import regex

from ...analysis.lexicon import OTHER, Lexicon
from ...errors import ToolkitError, require_columns
from .. import atomic
from ..fonts import rc_params

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

_TEXT = {
    "zh": {
        "share_title": "各主题占比的年度变化",
        "share_title_one_year": "各主题占比",
        "year": "年份",
        "share": "主题占比(按词数加权)",
        "counts": "文档/段落",
        "topic": "话题",
        "words_title": "各话题的高频词",
        "weight": "权重",
        "not_measured": "未测量",
        "part_period": "括号:有文档的首末年份,未及该时期的首尾",
        "not_measured_why": "未测量:本语料中无其关键词或对应话题",
        "no_curve": "无可由文档估计的曲线(原因见 effects.csv)",
        "some_not_estimable": "无法估计(原因见 effects.csv):{names}",
        "sweep_title": "话题数的选择:各指标(均值与不同种子的范围)",
        "n_topics": "话题数 K",
        "band": "阴影:{level}区间({sources})",
        "bars": "误差线:{level}区间({sources})",
        "documents_counted": "文档",
        "documents_zero": "文档(其差异估计为零)",
        "units_counted": "段落",
        "seeds_counted": "随机种子",
        "nothing_counted": "无区间:文档太少,每篇一个单元,一个模型",
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
        "tokens": "词数",
        "interval95": "{level}区间",
        "simultaneous": "同时区间(Bonferroni)",
        "periods_title": "各时期的主题占比",
        "groups_title": "各组的主题占比",
        "gap_rule": "白线:其间有缺少数据的年份",
        "docs_shown": "按日期均匀抽取 {shown} 份(共 {total} 份;全部见 document_themes.csv)",
        "wording_title": "各主题在各时期的用词",
        "wording_note": "彩色或深色:该时期新进入前列的词,浅灰:沿用上一时期;c-TF-IDF",
        "wording_note_one": "c-TF-IDF",
        "terms_title": "词频的年度变化",
        "terms_title_one_year": "词频",
        "per_10k": "每万字出现次数",
        "one_document": "只有一份文档的年份:文档层面的不确定性取自其他文档",
        "units_only": "文档太少,无法估计文档层面的不确定性:区间不计文档间差异",
        "units_only_dotted": "点线:文档太少,区间不计文档间差异",
        "change_one_document": "只有一份文档:{sides}",
        "comma": "、",
        "and": "与",
        "no_documents": "无文档",
        "no_r": "无法计算",
        "no_r_note": "无法计算:年份或文档太少",
        "hollow": "空心点:只有一份文档",
        "all_single": "每年只有一份文档",
        "hatched": "斜线:只有一份文档",
        "own_y": "各面板纵轴刻度不同",
        "effects_title": "协变量效应:各主题的预期占比随 {x} 的变化(分数logit,文档聚类标准误,含随机种子)",
        "effects_title_one_model": "协变量效应:各主题的预期占比随 {x} 的变化(分数logit,文档聚类标准误,单个模型)",
        "effects_title_models_unknown": "协变量效应:各主题的预期占比随 {x} 的变化(分数logit,文档聚类标准误)",
        "validity_title": "主题测量的效度:模型占比与关键词频率的相关",
        "r_years": "跨年份 r",
        "r_documents": "跨文档 r",
        "r_one_a_year": "跨文档 r(每年一份文档:与跨年份相同)",
        "r_split": "半数关键词检验 r(跨文档或跨年份取较好者;文档内段落更差时取之)",
        "r_split_low": "其{level}区间的下限(须大于0)",
        "r_split_adjusted": "其{level}区间(按{checks}项检验校正)的下限(须大于0)",
        "within_documents": "文档内:",
        "r_split_across": "半数关键词检验 r(跨文档或跨年份,取较好者)",
        "sensitivity_title": "去掉单个关键词时主题占比的最大变化",
        "sensitivity_x": "占比的最大变化(年份或组)",
        "sensitivity_note": "每个主题影响最大的{n}个关键词;条旁:词与变化最大的年份或组",
        "validity_x": "皮尔逊相关系数 r(虚线:0.5;✗ 未通过,原因见 themes.csv)",
    },
    "en": {
        "share_title": "Theme shares by year",
        "share_title_one_year": "Theme shares",
        "year": "Year",
        "share": "Share of tokens",
        "counts": "docs/units",
        "topic": "Topic",
        "words_title": "Top words per topic",
        "weight": "Weight",
        "not_measured": "not measured",
        "part_period": "years in parentheses: the first and last with documents, short of the period's",
        "not_measured_why": "not measured: none of its keywords or topics in this corpus",
        "no_curve": "no curve the documents can estimate (why: effects.csv)",
        "some_not_estimable": "not estimable (why: effects.csv): {names}",
        "sweep_title": "Choosing the number of topics (mean and range over seeds)",
        "n_topics": "Number of topics K",
        "band": "band: {level} interval ({sources})",
        "bars": "error bars: {level} interval ({sources})",
        "documents_counted": "documents",
        "documents_zero": "documents (their spread estimated as zero)",
        "units_counted": "units",
        "seeds_counted": "seeds",
        "nothing_counted": "no interval: too few documents, one unit each, one model",
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
        "tokens": "tokens",
        "interval95": "{level} interval",
        "simultaneous": "simultaneous (Bonferroni)",
        "periods_title": "Theme shares by period",
        "groups_title": "Theme shares by group",
        "gap_rule": "white rule: years without data in between",
        "docs_shown": "{shown} of {total} documents shown, evenly spaced by date (all in document_themes.csv)",
        "wording_title": "How each theme is worded in each period",
        "wording_note": "coloured or dark: new to the list in that period, light grey: carried over; c-TF-IDF",
        "wording_note_one": "c-TF-IDF",
        "terms_title": "Terms by year",
        "terms_title_one_year": "Term counts",
        "per_10k": "occurrences per 10,000 characters",
        "one_document": "years with one document: the document level is estimated from the other documents",
        "units_only": "too few documents to estimate the document level: intervals leave out how documents vary",
        "units_only_dotted": "dotted: too few documents, the intervals leave out how documents vary",
        "change_one_document": "one document: {sides}",
        "comma": ", ",
        "and": " and ",
        "no_documents": "no documents",
        "no_r": "n/a",
        "no_r_note": "n/a: too few years or documents to compute r",
        "hollow": "hollow markers: one document",
        "all_single": "one document a year",
        "hatched": "hatched: one document",
        "own_y": "each panel has its own y scale",
        "effects_title": "Covariate effects: expected share of each theme along {x} (fractional logit, "
        "errors clustered by document, seeds included)",
        "effects_title_one_model": "Covariate effects: expected share of each theme along {x} (fractional logit, "
        "errors clustered by document, one fitted model)",
        "effects_title_models_unknown": "Covariate effects: expected share of each theme along {x} (fractional logit, "
        "errors clustered by document)",
        "validity_title": "Validity of each theme: model share against keyword rate",
        "r_years": "r across years",
        "r_documents": "r across documents",
        "r_one_a_year": "r across documents (one a year: the same as across years)",
        "r_split": "split half: held-out keywords, r across documents or years (the better), or within documents where worse",
        "r_split_low": "low end of its {level} interval (must be above 0)",
        "r_split_adjusted": "low end of its {level} interval, adjusted for {checks} checks (must be above 0)",
        "within_documents": "within documents: ",
        "r_split_across": "split half: held-out keywords, r across documents or years (the better)",
        "sensitivity_title": "How far a theme's shares move without one keyword",
        "sensitivity_x": "largest change of a year's (or group's) share",
        "sensitivity_note": "the {n} that {move} each theme most; beside each bar: the word and where",
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


class _ThemeColors(dict):
    """Each theme's colour; a theme the lexicon lacks is a ToolkitError that says so (a table of one run drawn
    with another run's lexicon), not a KeyError."""

    def __missing__(self, theme):
        names = ", ".join(name for name in self if name != OTHER)
        raise ToolkitError(
            f"the table names theme {theme!r}, which the lexicon the figure was given lacks (its themes: {names}); "
            "draw it with the lexicon of the run it comes from (RunResult.prepared.lexicon)"
        )


def theme_colors(lexicon: Lexicon) -> dict[str, str]:
    """A fixed colour per theme, in lexicon order; ``other`` is grey."""
    if not isinstance(lexicon, Lexicon):  # None: AttributeError "'NoneType' object has no attribute 'names'"
        raise ToolkitError(
            "a figure of themes needs the lexicon of the run its table comes from (RunResult.prepared.lexicon, or "
            f"toolkit.load_lexicon(path)), not {type(lexicon).__name__}"
        )
    colors = _ThemeColors({name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(lexicon.names)})
    colors[OTHER] = "#7f7f7f"
    return colors


# Beside a theme's colour, for the figures that show several themes in one panel: the palette's colours come round
# again past its 20th theme, each round with a bar hatch and a line style of its own (the first round plain, so every
# shipped theme is drawn as before); `other` keeps its grey, plain bars and dashed line.
_HATCHES = ("", "///", "\\\\\\", "xxx", "...")
_LINESTYLES = ("-", "-.", (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (6, 2)))


def _round(lexicon: Lexicon) -> dict[str, int]:
    return {name: i // len(_PALETTE) for i, name in enumerate(lexicon.names)}


def theme_hatches(lexicon: Lexicon) -> dict[str, str]:
    """A bar hatch per theme (white on its colour): none for the palette's first 20 themes, then one per round of
    the palette's colours, so that no two themes of a long lexicon look alike in a stacked bar (up to 100 themes:
    five rounds of hatches, then they come round again)."""
    return {**{name: _HATCHES[r % len(_HATCHES)] for name, r in _round(lexicon).items()}, OTHER: ""}


def theme_linestyles(lexicon: Lexicon) -> dict[str, object]:
    """A line style per theme, as :func:`theme_hatches` (solid for the first 20 themes; `other` dashed)."""
    return {**{name: _LINESTYLES[r % len(_LINESTYLES)] for name, r in _round(lexicon).items()}, OTHER: "--"}


def drawable(table, columns, function: str, name: str = "table", *, key=(), numbers=()):
    """``table`` checked as a figure's input, a ToolkitError in one sentence where it cannot be drawn: a column
    missing, no row, a row twice by ``key`` (two runs' tables concatenated), a column of ``numbers`` that holds text
    (a CSV read with dtype=str), the numbers converted; pandas' KeyError, IndexError or "cannot reindex on an axis
    with duplicate labels" came from deep inside (a hostile pass of the API)."""
    import pandas as pd

    require_columns(table, [*columns, *key, *numbers], function, name)
    if table.empty:
        raise ToolkitError(f"{function}: {name} has no rows to draw (a filter that left none?)")
    converted = {}
    for column in numbers:
        values = pd.to_numeric(table[column], errors="coerce")
        if (values.isna() & table[column].notna()).any():
            bad = table.loc[values.isna() & table[column].notna(), column].iloc[0]
            raise ToolkitError(f"{function}: {name}'s {column} holds {bad!r}, not a number")
        converted[column] = values
    table = table.assign(**converted) if converted else table
    if key and table.duplicated(list(key)).any():
        row = table.loc[table.duplicated(list(key), keep=False), list(key)].iloc[0]
        said = ", ".join(f"{k} {v}" for k, v in row.items())
        raise ToolkitError(
            f"{function}: {name} holds {said} more than once (two runs' tables put together?); draw one run's table, "
            "or one figure per run"
        )
    return table


def table_themes(names, lexicon: Lexicon) -> list[str]:
    """The themes a table names (its ``theme`` column) in the lexicon's order, ``other`` last; a theme the lexicon
    lacks is a ToolkitError (a table of a run with a theme of its own, drawn with another lexicon, lost that theme's
    panel without a word)."""
    present, colors = set(names), theme_colors(lexicon)
    for name in sorted(present - set(colors)):
        colors[name]  # says which lexicon the table needs
    return [t for t in colors if t in present]


def _labels(language: str, level: float | None = None) -> dict[str, str]:
    """The figures' labels in ``language`` ('zh' or 'en'); a figure with intervals gives their coverage, ``level``,
    which is checked here whether or not its table has intervals to draw."""
    if language not in _TEXT:
        raise ToolkitError(f"language must be one of {', '.join(map(repr, _TEXT))}, not {language!r}")
    if level is not None:
        percent(level)
    return _TEXT[language]


# the dpi at which the figures drawn in a block are laid out (:func:`layout_dpi`): a glyph's width changes with its
# size in pixels, so a figure laid out at 100 dpi and drawn at 150 lost the first letter of a label at the canvas's
# edge; None: the toolkit's default, that of figures.dpi's default
_LAYOUT_DPI: ContextVar[int | None] = ContextVar("layout_dpi", default=None)


@contextmanager
def layout_dpi(dpi: int) -> Iterator[None]:
    """Lay the figures drawn in the block out at ``dpi``, the resolution they will be saved at (a run draws its
    figures in one of these, at ``figures.dpi``): each text measured at the size it is drawn at."""
    token = _LAYOUT_DPI.set(int(dpi))
    try:
        yield
    finally:
        _LAYOUT_DPI.reset(token)


@contextmanager
def drawing_settings() -> Iterator[None]:
    """matplotlib's own defaults with the toolkit's settings (``fonts.rc_params``) on top, for the block, whatever a
    session's style, its ``rcParams`` or a matplotlibrc file changed: a figure drawn in a notebook that set a style
    of its own (``figures.workers = 1``, or a plot function called there) is the bytes a fresh drawing worker
    draws. Figures are laid out at the dpi of :func:`layout_dpi`, or at 150, the default of ``figures.dpi``."""
    import matplotlib
    import matplotlib.style

    settings = rc_params()
    if (dpi := _LAYOUT_DPI.get()) is not None:
        settings["figure.dpi"] = dpi
    with matplotlib.style.context("default"), matplotlib.rc_context(settings):
        yield


@contextmanager
def _new_figure(width: float, height: float, *, layout: str | None = "constrained") -> Iterator[Figure]:
    """A new figure ``width`` x ``height`` inches, drawn in the ``with`` block under the toolkit's matplotlib settings
    (:func:`drawing_settings`: the CJK font, the SVG hash salt), which every text object keeps. ``layout``: matplotlib's
    constrained layout, computed once at the end of the block and then kept (saving would otherwise draw the figure
    twice, a dry run to lay it out first, and lay it out in each draw), or None for a figure that places its axes
    itself (:func:`_small_multiples`)."""
    from matplotlib.figure import Figure

    with drawing_settings():
        fig = Figure(figsize=(width, height), layout=layout)
        yield fig
        if layout is not None:
            fig.get_layout_engine().execute(fig)
            fig.set_layout_engine(None)


def side_legend(ax, handles=None, labels=None, *, fontsize: float):
    """A legend of ``ax``'s entries (or ``handles`` and ``labels``) right of the panel, from its top down, in as many
    columns (two at most) as keep it within the figure's height: a lexicon of 25 themes ran past the canvas's foot.
    The figure grows taller for more entries, and wider for wide columns. An entry takes about 1.8 times the font
    size (its text and the spacing); the panel's top lies under the title. Call it before the layout is made."""
    entries = (handles, labels) if handles is not None else ()
    names = labels if labels is not None else ax.get_legend_handles_labels()[1]
    count = len(names)
    fig = ax.figure
    width, height = fig.get_size_inches()
    # two columns at most: past them the figure grows taller (a lexicon of 40 themes made five columns, which the
    # layout could not fit beside the panel: the panel collapsed and the legend ran off the canvas), and wider where
    # its columns need more than half the width
    fig.set_size_inches(width, height := max(height, np.ceil(count / 2) * 1.8 * fontsize / 72 / 0.85))
    columns = max(1, int(np.ceil(count * 1.8 * fontsize / (0.85 * height * 72))))
    column = (max((_em(str(name)) for name in names), default=0) + 3.5) * fontsize / 72  # handle, label, gap
    if columns * column > width / 2:
        fig.set_size_inches(width / 2 + columns * column, height)
    return ax.legend(*entries, loc="upper left", bbox_to_anchor=(1.01, 1), ncols=columns, frameon=False, fontsize=fontsize)


def _heading(title: str, subject: str, notes: Sequence[str] = ()) -> str:
    """A figure's title: the corpus's ``title`` (when given), what the figure shows, and ``notes`` in brackets."""
    return (f"{title}: " if title else "") + subject + (f" ({'; '.join(notes)})" if notes else "")


def year_ticks(years, max_ticks: int = 8) -> list[int]:
    """At most ``max_ticks`` round years spanning ``years`` (every year of a short span; every 2, 5, 10, 20 or
    50 years of a long one), and the first and last years themselves where no round year lies within three
    quarters of a step of them (so their labels stand apart as the round ones do): 1921-2022 had its first tick
    at 1940, and the reports of the 1920s no year named (a hostile pass)."""
    years = sorted(int(y) for y in years)
    if not years:
        return []
    first, last = years[0], years[-1]
    for step in (1, 2, 5, 10, 20, 50, 100):
        ticks = [y for y in range(first - first % step, last + 1, step) if y >= first]
        if len(ticks) <= max_ticks:
            if not ticks or ticks[0] - first >= 0.75 * step:
                ticks.insert(0, first)
            if last - ticks[-1] >= 0.75 * step:
                ticks.append(last)
            return ticks
    return [first, last]


def percent(level: float) -> str:
    """An interval's coverage as a label: 0.95 -> '95%', 0.9 -> '90%', 0.995 -> '99.5%'."""
    if not 0 < level < 1:
        raise ToolkitError(f"level is the coverage of the intervals, a number in (0, 1) such as 0.95, not {level!r}")
    return f"{level * 100:.4g}%"


def interval_level(table: pd.DataFrame, level: float | None) -> float:
    """The coverage of ``table``'s intervals, which a figure names: the level its maker recorded
    (``table.attrs["level"]``: the tables of :class:`toolkit.analysis.trends.ShareModel`, and so of a run, and of
    :func:`toolkit.analysis.effects.estimate_effects` carry it; a table read from a CSV file does not), else
    ``level``, else 0.95. A ``level`` that differs from the recorded one is refused: the label would misstate the
    band (a run at trends.level = 0.8 drawn from Python said 95%)."""
    recorded = table.attrs.get("level")
    if level is not None:
        percent(level)  # a number in (0, 1), else said so first
    if recorded is not None and level is not None and not np.isclose(float(recorded), float(level)):
        raise ToolkitError(
            f"level = {level} asked for a table whose intervals are {percent(float(recorded))} ones (trends.level of "
            "its run): leave level out, or compute the table again at that level"
        )
    return float(recorded if recorded is not None else level if level is not None else 0.95)


def _say(text: dict, key: str, level: float) -> str:
    return text[key].format(level=percent(level))


def _em(text: str) -> float:
    """Width of ``text`` in ems: a CJK character is one, any other about 0.6 (Noto Sans CJK's Latin is narrower,
    so this errs on the wide side)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _label_inches(labels, fontsize: float) -> float:
    """The width in inches of the widest of ``labels`` at ``fontsize`` points (by :func:`_em`, on the wide side), with
    the tick's own padding: what a column of tick labels takes beside its axes."""
    return max((_em(str(label)) for label in labels), default=0.0) * fontsize / 72 + 0.15


def wrap(text: str, width: float, fontsize: float) -> str:
    """``text`` broken into lines no wider than ``width`` inches at ``fontsize`` points: between words of Latin
    text; in Chinese after a space or a punctuation mark when the next line then fits (so that 年份 × 主题占比 and
    空期 (无文档) keep their words), else between any two characters."""
    limit = width * 72 / fontsize  # ems per line
    lines = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for token in _tokens(paragraph, limit):
            if "".join(line).strip() and not token.isspace() and _em("".join(line) + token) > limit:
                cut = _break_at(line, token, limit)
                lines.append("".join(line[:cut]).rstrip())
                line = [*line[cut:], token]
                while line and line[0].isspace():
                    line.pop(0)
            elif token.isspace() and not "".join(line).strip():
                continue  # no line starts with a space
            else:
                line.append(token)
        lines.append("".join(line).rstrip())
    return "\n".join(lines)


# a word of an alphabet (Ökologie whole, not broken at its Ö), a run of spaces, or any other character alone with
# the marks that follow it (a variation selector after 葛: a line began with the selector, drawn as a box)
_TOKEN = regex.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+|\s+|.\p{M}*")


def _tokens(paragraph: str, limit: float) -> Iterator[str]:
    """The tokens :func:`wrap` lays into lines: words, spaces, single characters; a word wider than a line
    (``science_and_innovation_policy``, a theme's name without a label, ran off the canvas) in parts, after its
    ``_ - / .`` where it has them, else between characters."""
    for token in _TOKEN.findall(paragraph):
        if token.isspace() or _em(token) <= limit:
            yield token
            continue
        for part in re.findall(r"[^_\-/.]*[_\-/.]+|[^_\-/.]+", token):
            while _em(part) > limit:
                head = _cut(part, limit) or part[0]
                yield head
                part = part[len(head) :]
            if part:
                yield part


_BREAKS_AFTER = set("，、。：；！？）》」』】,.:;!?)_-/")  # where a line may end: punctuation, a name's separators


def _break_at(tokens: list[str], following: str, limit: float) -> int:
    """Where a full line of ``tokens`` is best broken before the token ``following`` (the number of tokens it
    keeps): after its last space or closing punctuation mark that leaves it two ems wide or more (a word) and the
    next line, with ``following``, within ``limit``; else at its end."""
    for i in range(len(tokens), 0, -1):
        token = tokens[i - 1]
        if not (token.isspace() or token[-1] in _BREAKS_AFTER) or _em("".join(tokens[:i]).rstrip()) < min(2, limit / 2):
            continue
        if _em("".join(tokens[i:]).lstrip() + following) <= limit:
            return i
    return len(tokens)


def _cut(text: str, ems: float) -> str:
    """The longest start of ``text`` no wider than ``ems`` that keeps each character with the marks after it (ä
    written a and U+0308 is not cut between them: the next line began with the mark)."""
    width = 0.0
    for i, c in enumerate(text):
        width += _em(c)
        if width > ems:
            while i > 0 and unicodedata.category(text[i]).startswith("M"):
                i -= 1
            return text[:i]
    return text


LEGEND_EMS = 24  # the widest name in a legend of groups, or beside a bar (a group's), in ems
TITLE_BESIDE_LEGEND = 5.5  # inches: the width of a title over a figure's one axes beside its side legend


def short_labels(titles: list[str], ems: float = 26) -> list[str]:
    """Each title no wider than ``ems``: a longer one is cut with an ellipsis where it still differs from the
    others; where its start is shared with another title (a run of "Notice from the General Office of ..."),
    its start is kept short and the part where it begins to differ follows the ellipsis. Titles that differ in
    two places (a district's name, then 报告 or 解读 at the end) and would still read alike are shortened again
    with more room, up to their whole length: two legend entries had collapsed into one (a review)."""
    titles = [str(t) for t in titles]
    labels = _short_labels(titles, ems)
    for wider in (ems * 1.5, ems * 2, float("inf")):
        seen: dict[str, set[str]] = {}
        for title, label in zip(titles, labels):
            seen.setdefault(label, set()).add(title)
        alike = {label for label, of in seen.items() if len(of) > 1}
        if not alike:
            break
        again = _short_labels(titles, wider)
        labels = [new if label in alike else label for label, new in zip(labels, again)]
    return labels


def _short_labels(titles: list[str], ems: float) -> list[str]:
    import os

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
    in one order that keeps each sequence's: a value first seen late goes after the value before it and before the
    next value its sequence shares with the order, and among the values between those by the year it starts with
    (a span of years, "1985-1995"; a theme without words in 1985-1995 and one without them in 2005-2015 put
    2005-2015 first: a hostile pass). Numbers (years) are sorted."""
    sequences = [list(dict.fromkeys(s)) for s in sequences]
    values = [v for s in sequences for v in s]
    if values and all(isinstance(v, (int, float, np.integer, np.floating)) for v in values):
        return sorted(set(values))
    order: list = []
    for sequence in sequences:
        for i, value in enumerate(sequence):
            if value in order:
                continue
            earlier = [v for v in sequence[:i] if v in order]
            later = [v for v in sequence[i + 1 :] if v in order]
            low = order.index(earlier[-1]) + 1 if earlier else 0
            high = order.index(later[0]) if later else len(order)
            start = _first_year(value)
            if start is not None and low <= high:  # the first value between them that starts later
                high = next((j for j in range(low, high) if (_first_year(order[j]) or -1) > start), high)
            order.insert(high, value)
    return order


def _first_year(value) -> int | None:
    """The year a label starts with ("1985-1995", "2016年"), or None ("十三五")."""
    found = re.match(r"\s*(\d{4})(?!\d)", str(value))
    return int(found[1]) if found else None


def each_year_fits(years, max_ticks: int) -> bool:
    """Whether every year of ``years`` (sorted, distinct) can be a tick labelled side by side on an axis of their
    span: at most ``max_ticks`` of them, and no two closer than the span's share of a tick (1950 and 1951 on an axis
    running to 2020 were printed over each other)."""
    span = years[-1] - years[0] if years else 0
    apart = min((b - a for a, b in zip(years, years[1:])), default=span)
    return len(years) <= max_ticks and apart >= span / (1.5 * max_ticks)


def bar_collection(ax, positions, lengths, *, width: float = 0.8, base=0.0, horizontal: bool = False, **style):
    """Bars as ``ax.bar`` (``horizontal``: ``ax.barh``) draws them, ``width`` wide around ``positions``, from ``base``
    to ``base + lengths``, but as one collection instead of a patch per bar: a figure of small multiples or stacked
    bars made hundreds of patches, each added, clipped, measured and drawn on its own (a century's stacked years
    954). The data limits are the bars' and the base is a sticky edge, as ``bar`` makes them, so that autoscaling
    gives the same limits; a bar whose end is not finite is not drawn. ``style``: PolyCollection's (facecolors,
    hatch, edgecolors, linewidths, label)."""
    from matplotlib.collections import PolyCollection

    positions, lengths = np.asarray(positions, dtype=float), np.asarray(lengths, dtype=float)
    start = np.broadcast_to(np.asarray(base, dtype=float), lengths.shape)
    end, low, high = start + lengths, positions - width / 2, positions + width / 2
    if horizontal:
        corners = np.stack([np.c_[start, low], np.c_[end, low], np.c_[end, high], np.c_[start, high]], axis=1)
    else:
        corners = np.stack([np.c_[low, start], np.c_[high, start], np.c_[high, end], np.c_[low, end]], axis=1)
    shown = np.isfinite(corners).all(axis=(1, 2))
    bars = PolyCollection(list(corners[shown]), **style)
    (bars.sticky_edges.x if horizontal else bars.sticky_edges.y).extend(np.unique(start[shown]).tolist())
    ax.add_collection(bars, autolim=True)
    return bars


def _year_axis(ax, years, max_ticks: int = 5, *, labels: bool = True) -> None:
    """x ticks on whole years within ``years`` (the years with data), labelled as years: those years themselves
    when there are at most ``max_ticks`` of them, far enough apart to be read side by side (1954, 1978, 2022,
    which round ticks never named), else round years (every year of a short span). The limits lie beyond the
    first and last year by half a year or 5% of the span, whichever is more, so one year is a column and not a
    point at 2022.75, and the intervals of a century's first and last years are not drawn on the axes' edges."""
    years = sorted({int(y) for y in years})
    if not years:
        return
    span = years[-1] - years[0]
    ticks = years if each_year_fits(years, max_ticks) else year_ticks(years, max_ticks)
    ax.set_xticks(ticks, labels=[str(t) for t in ticks] if labels else [])
    pad = max(0.6, 0.05 * span)
    ax.set_xlim(years[0] - pad, years[-1] + pad)


CATEGORY_INCHES = 0.16  # the room a category's name needs on an axis, upright (a line of 7-point text and a gap)


PANEL_FRAME = 0.5  # inches of a panel that its axes do not have: its value labels and the gap to the next panel


def _category_axis(ax, names, panel: float) -> None:
    """Categories (periods, levels) as x ticks at 0, 1, ... with their names, wrapped to the room each has in a
    panel ``panel`` inches wide (slanted when there are too many to stand side by side, upright when too many for
    that: slanted names overprint one another below about a third of an inch each, judged by the panel's width over
    the names). An upright name is wrapped to the room of a slot of the axes (the panel less :data:`PANEL_FRAME`,
    over the n + 0.2 slots the axis spans): wrapped to the panel's width over n, five provinces' names were wider
    than their slots and ran together (a hostile pass)."""
    room = panel / max(len(names), 1)
    slot = max(panel - PANEL_FRAME, 0.1) / (max(len(names), 1) + 0.2)
    slanted = room < 0.45
    ax.set_xticks(np.arange(len(names)), labels=[wrap(str(n), 1.2 if slanted else slot - 0.05, 7) for n in names])
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.tick_params(axis="x", labelrotation=(90 if room < 0.3 else 45) if slanted else 0)


def period_labels(table: pd.DataFrame, periods: Sequence, empty: str = "") -> tuple[list[str], bool]:
    """The names of ``periods`` as tick labels, each followed by its first and last year with documents where the
    corpus does not reach the start or the end of its configured span (the ``years`` and ``span`` columns of a
    table by period: 十四五 of a corpus that ends in 2022 is 十四五 (2021-2022)), or by ``empty`` where it has no
    document (an empty slot said so), and whether any is part of its span."""
    if not {"years", "span", "period"} <= set(table.columns):
        return [str(p) for p in periods], False
    labels, part = [], False
    for period in periods:
        rows = table[table["period"] == period]
        if empty and "n_documents" in rows and not (rows["n_documents"] > 0).any():
            labels.append(f"{period} ({empty})")
            continue
        years = [int(y) for text in rows["years"].dropna().astype(str) for y in re.findall(r"\d+", text)]
        span = [int(y) for text in rows["span"].dropna().astype(str)[:1] for y in re.findall(r"\d+", text)]
        short = bool(years and len(span) == 2) and (min(years) > span[0] or max(years) < span[1])
        reach = f"{min(years)}-{max(years)}" if short and min(years) < max(years) else str(min(years, default=""))
        labels.append(f"{period} ({reach})" if short else str(period))
        part = part or short
    return labels, part


THEME_LABEL_EMS = 20  # the widest a theme's label is drawn on an axis or in a legend (longer ones are shortened)


def _theme_label(lexicon: Lexicon, theme: str, language: str, missing=()) -> str:
    """A theme's label as an axis or a legend draws it: no wider than THEME_LABEL_EMS (a label of 120 characters
    squeezed the axes to nothing, and matplotlib's layout gave up with a warning on stderr), shortened where it
    still differs from the other themes' (:func:`short_labels`; the full label is in the lexicon and the CSVs), and
    said to be not measured when it is in ``missing`` (see :func:`toolkit.analysis.trends.unmeasured`)."""
    names = [*lexicon.names, OTHER]
    labels = [lexicon.label(name, language) for name in names]
    label = short_labels(labels, THEME_LABEL_EMS)[names.index(theme)] if theme in names else lexicon.label(theme, language)
    return f"{label} ({_TEXT[language]['not_measured']})" if theme in missing else label


def _not_measured(ax, text: dict, why: str = "not_measured_why") -> None:
    """An axes of a theme that is not measured (or has nothing to draw: ``why``, a key of ``text``): the reason in
    its middle, no y scale."""
    ax.text(
        0.5,
        0.5,
        wrap(text[why], 2.4, 8),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=8,
        color="#666666",
    )
    ax.set_yticks([])


def _fit_y(ax, *arrays) -> None:
    """y from 0 to a little above the largest value of ``arrays`` (every value drawn, bands included)."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays]) if arrays else np.zeros(0)
    top = np.nanmax(values) if np.isfinite(values).any() else np.nan
    ax.set_ylim(0, top * 1.08 if np.isfinite(top) and top > 0 else 1)


def _interval_note(text: dict, level: float, years, table: pd.DataFrame) -> str:
    """The title's note on the intervals of a series along ``years`` (those with data): bands where two of them
    follow each other, else error bars alone (a corpus of one year, or of years far apart, has no band)."""
    return _bands_note(text, "band" if _banded(years) else "bars", level, table)


def listed(text: dict, items: list[str]) -> str:
    """``items`` as a list in ``text``'s language: "a, b and c", "a、b与c"."""
    return items[0] if len(items) == 1 else text["comma"].join(items[:-1]) + text["and"] + items[-1]


def _bands_note(text: dict, key: str, level: float, table: pd.DataFrame) -> str:
    """The note ``key`` ("band" or "bars") at ``level``, naming what ``table``'s intervals count: documents unless
    every cell's ``interval_basis`` says too few documents (units only), said to be estimated as zero when every cell's
    was (a hostile pass of the notebooks: the State Council figure named documents its intervals did not vary by),
    units unless each is a document, and seeds
    where an ensemble's spread is there (``seed_min``: two documents, or one fitted model, were said to count
    documents and seeds)."""

    from ...analysis.trends import document_level_zero, units_only

    documents, units, seeds = text["documents_counted"], text["units_counted"], text["seeds_counted"]
    if document_level_zero(table):  # counted, and found not to vary: the reader should not take it for a margin
        documents = text["documents_zero"]
    # a unit per document (units.kind = "document", or one paragraph each): no paragraphs resampled within one
    whole = "n_units" in table and "n_documents" in table and (table["n_units"] == table["n_documents"]).all()
    counted = [
        *([] if units_only(table) else [documents]),
        *([] if whole else [units]),
        *([seeds] if "seed_min" in table else []),
    ]
    if not counted:  # too few documents, a unit each, one model: nothing varies (a traceback and no output)
        return text["nothing_counted"]
    return text[key].format(level=percent(level), sources=listed(text, counted))


def _one_document_years(documents: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Which years a series marks hollow (one document), and the note that says so, from each year's number of
    ``documents``: none, and "one document a year", when every year with data has one (a corpus of annual reports:
    every marker hollow told nothing apart); the years of one document and "hollow markers" otherwise."""
    single = documents == 1
    if single.any() and single[documents > 0].all():
        return np.zeros_like(single), ["all_single"]
    return single, ["hollow"] if single.any() else []


def _banded(years, axis=None) -> bool:
    """Whether a series with data in ``years`` draws a band that shows: a run of consecutive years not too narrow
    for one (:func:`_narrow_runs`) on an ``axis`` of those years (default: the series' own first to last), as
    :func:`_series` judges it over the x it is drawn along."""
    years = sorted({int(y) for y in years})
    if len(years) < 2:
        return False
    ends = sorted({int(y) for y in axis}) if axis is not None and len(axis) else years
    calendar = np.arange(min(ends[0], years[0]), max(ends[-1], years[-1]) + 1, dtype=float)
    values = np.where(np.isin(calendar, years), 0.0, np.nan)
    return not _narrow_runs(calendar, values)[~np.isnan(values)].all()


NARROW_RUN = 1 / 20  # a run of values narrower than this part of the series' span: its band a sliver, error bars


def _bar_extent(values, low, high) -> np.ndarray:
    """matplotlib's ``yerr`` (or ``xerr``) of ``values`` within [``low``, ``high``]: the distances below and above,
    never negative (a value a rounding step outside its range, as the mean of equal scores is, made matplotlib refuse
    the figure: "'yerr' must not contain negative values"; a review)."""
    values = np.asarray(values, dtype=float)
    return np.maximum([values - np.asarray(low, dtype=float), np.asarray(high, dtype=float) - values], 0.0)


def _narrow_runs(x: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The values that stand alone between gaps, or in a run of consecutive values narrower than :data:`NARROW_RUN`
    of the series' span: a band over them cannot be seen (a century's 2017-18, two years of 101, was a band three
    pixels wide beside the bold error bars of the years alone, the surer-looking for it)."""
    present = ~np.isnan(values)
    narrow = np.zeros(len(values), dtype=bool)
    span = float(np.nanmax(x) - np.nanmin(x)) if len(x) else 0.0
    start = 0
    while start < len(values):
        if not present[start]:
            start += 1
            continue
        end = start
        while end + 1 < len(values) and present[end + 1]:
            end += 1
        narrow[start : end + 1] = start == end or x[end] - x[start] < NARROW_RUN * span
        start = end + 1
    return narrow


def _isolated(values: np.ndarray) -> np.ndarray:
    present = ~np.isnan(values)
    return present & ~np.r_[False, present[:-1]] & ~np.r_[present[1:], False]


def _series(  # noqa: PLR0913 (a series' data and its drawing style)
    ax, x, values, low, high, color, *, single=None, linestyle="-", alpha=0.2, markersize=3.0, label=None, marker="o"
) -> None:
    """A line through ``values`` (NaN is a gap), its band from ``low`` to ``high``, and an error bar wherever a
    value stands alone (a band over one x draws nothing) with its marker even where ``markersize`` is 0 (a line
    without markers); ``marker``s, hollow where ``single`` (one document). A
    marker other than the circle is shown in the legend too (groups past the palette's colours: a point alone
    between gaps shows no line style, so its marker tells it apart)."""
    x = np.asarray(x, dtype=float)
    values = np.asarray(values, dtype=float)
    shape = {} if marker == "o" else {"marker": marker, "markevery": [], "markersize": markersize + 1}
    ax.plot(x, values, color=color, linewidth=1.3, linestyle=linestyle, label=label, **shape)
    if low is not None:
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        ax.fill_between(x, low, high, color=color, alpha=alpha, linewidth=0)
        alone = _narrow_runs(x, values) & ~np.isnan(low)
        if alone.any():
            ax.errorbar(
                x[alone],
                values[alone],
                yerr=_bar_extent(values[alone], low[alone], high[alone]),
                ecolor=color,
                # a line without markers: the value alone still drawn, as its marker
                **({"fmt": "none"} if markersize else {"fmt": marker, "color": color, "markersize": 3.0}),
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
                marker,
                color=color,
                markersize=markersize,
                markerfacecolor="white" if hollow else color,
                markeredgewidth=1.0,
            )


def _theme_columns(n_panels: int) -> int:
    """Columns of a grid of one panel per theme: up to three, four past six panels."""
    return 4 if n_panels > 6 else min(3, n_panels)


@dataclass
class _Panels:
    """Small multiples (:func:`_small_multiples`): ``axes`` holds one axes per panel in reading order, ``strip`` the
    full-width axes under them when there is one; ``width`` is the figure's, in inches."""

    fig: Figure
    axes: list[Axes]
    width: float
    strip: Axes | None = None
    texts: dict[str, Text] = field(default_factory=dict)  # the figure's title and shared labels, as ``title`` made them
    legend_columns: int = 0  # the columns of the legend ``legend`` made

    def legend(self, *, fontsize: float = 7) -> None:
        """The series of all panels named once, between the title and the panels, in as many columns as the
        figure's width holds (inside a panel, a legend of many groups covered its data and left the canvas);
        :func:`_place_panels` makes room for it. Nothing when no series is named."""
        entries: dict = {}
        for ax in self.axes:  # a theme that is not measured, or a group without a value, names nothing there
            for handle, label in zip(*ax.get_legend_handles_labels()):
                entries.setdefault(label, handle)
        if not entries:
            return
        # a long name shortened as a document's title is (a group of 120 characters left the canvas at both edges)
        entries = dict(zip(short_labels(list(entries), LEGEND_EMS), entries.values()))
        # points an entry takes: its name, its line (2 em), the gap after it (0.8 em) and between columns (2 em);
        # :func:`_place_panels` takes columns away while the legend is still wider than the figure
        entry = (max(_em(label) for label in entries) + 4.8) * fontsize
        columns = max(1, min(len(entries), int((self.width * 72 - 2 * _PAD) // entry)))
        self.legend_columns = columns
        self.texts["legend"] = self.fig.legend(
            list(entries.values()), list(entries), loc="upper center", ncols=columns, fontsize=fontsize, frameon=False
        )

    def title(self, heading: str, *, fontsize: float = 10, wrapped: bool = True, ylabel: str = "", xlabel: str = "") -> None:
        """``heading`` over all panels (wrapped to the figure's width unless not ``wrapped``), and the labels of the
        y and x axes that all panels share."""
        heading = wrap(heading, self.width - 0.4, fontsize) if wrapped else heading
        self.texts["title"] = self.fig.suptitle(heading, fontsize=fontsize)
        if ylabel:
            self.texts["ylabel"] = self.fig.supylabel(ylabel, fontsize=9)
        if xlabel:
            self.texts["xlabel"] = self.fig.supxlabel(xlabel, fontsize=9)


_NARROWEST = 5.0  # inches: the narrowest small multiples, so that a title and a legend have room beside a lone panel


@contextmanager
def _small_multiples(
    n_panels: int,
    n_cols: int,
    *,
    panel: tuple[float, float],
    margin: float,
    row_extra: float = 0.0,
    sharex: bool = False,
    strip: float | None = None,
) -> Iterator[_Panels]:
    """A new figure of ``n_panels`` panels in rows of ``n_cols``, each ``panel`` (width, height) inches, each row
    ``row_extra`` inches more (room for the panels' titles) and ``margin`` inches in all for the figure's title and
    labels; the cells of the last row that hold no panel stay empty. ``strip``: a full-width axes under the
    panels, that high relative to a row, sharing x with them (and the panels share x with each other).
    The ``with`` block draws under the toolkit's matplotlib settings, as :func:`_new_figure`; at its end the panels
    are placed (:func:`_place_panels`). A figure is :data:`_NARROWEST` wide at least, its panels widened to fill it
    (one theme's panel, three inches, wrapped the title into six lines, a third of the figure)."""
    n_cols = max(n_cols, 1)
    n_rows = max(1, int(np.ceil(n_panels / n_cols)))
    width = max(panel[0] * n_cols, _NARROWEST)
    with _new_figure(width, panel[1] * n_rows + row_extra * n_rows + margin, layout=None) as fig:
        ratios = [1] * n_rows + ([strip] if strip is not None else [])
        grid = fig.add_gridspec(len(ratios), n_cols, height_ratios=ratios)
        axes: list[Axes] = []
        for index in range(n_panels):
            share = axes[0] if axes and (sharex or strip is not None) else None
            axes.append(fig.add_subplot(grid[index // n_cols, index % n_cols], sharex=share))
        below = fig.add_subplot(grid[n_rows, :], sharex=axes[0] if axes else None) if strip is not None else None
        panels = _Panels(fig, axes, width, below)
        yield panels
        _place_panels(panels, len(ratios), n_cols)


_PAD = 4.0  # points between the figure's edge, its title and labels, and the panels' labels


def _extent(texts, renderer) -> tuple[float, float]:
    """The largest width and height, in points, of the visible ``texts`` that say something (``renderer``: at the
    figure's dpi, in which texts measure themselves)."""
    width = height = 0.0
    for text in texts:
        if text.get_visible() and text.get_text().strip():
            size = _size(text, renderer)
            width, height = max(width, size[0]), max(height, size[1])
    return width * 72 / renderer.dpi, height * 72 / renderer.dpi


_SIZES: dict[tuple, tuple[float, float]] = {}  # what :func:`_size` has measured in this process
_SIZES_KEPT = 20_000


def _size(text: Text, renderer) -> tuple[float, float]:
    """The width and height in pixels of ``text`` drawn by ``renderer``, measured once in a process for each string,
    font, rotation, line spacing and dpi (the small multiples repeat the same tick labels in every panel and
    figure: measuring them was a third of placing the panels). A text's size does not depend on where it is;
    the key holds everything matplotlib's text layout reads for it, the fonts that generic families stand for and
    the hinting settings too."""
    import matplotlib

    font = text.get_fontproperties()
    families = tuple(font.get_family())
    rc = matplotlib.rcParams
    key = (
        text.get_text(),
        families,
        tuple(tuple(rc[f"font.{name}"]) for name in families if f"font.{name}" in rc),
        font.get_style(),
        font.get_variant(),
        font.get_weight(),
        font.get_stretch(),
        font.get_size_in_points(),
        font.get_file(),
        font.get_math_fontfamily(),
        text.get_rotation(),
        text.get_linespacing(),
        text.get_usetex(),
        text.get_parse_math(),
        renderer.dpi,
        rc["text.hinting"],
        rc["text.hinting_factor"],
        rc["text.kerning_factor"],
    )
    size = _SIZES.get(key)
    if size is None:
        if len(_SIZES) >= _SIZES_KEPT:
            _SIZES.clear()
        from matplotlib.text import Text as Label
        from matplotlib.transforms import IdentityTransform

        # measured at the origin: a text's box where it stands differs from it in the last bits (the position
        # added to both ends), which would make the size depend on which text of the string was measured first
        probe = Label(
            0,
            0,
            text.get_text(),
            fontproperties=font,
            rotation=text.get_rotation(),
            linespacing=text.get_linespacing(),
            usetex=text.get_usetex(),
            parse_math=text.get_parse_math(),
            transform=IdentityTransform(),
        )
        probe.set_figure(text.get_figure(root=True))
        box = probe.get_window_extent(renderer, dpi=renderer.dpi)
        size = _SIZES[key] = (box.width, box.height)
    return size


def _ticks(axis, *, labelled: bool = False) -> list:
    """The major ticks of ``axis`` that drawing it shows (those of its limits; their labels set when ``labelled``),
    or none for an axis that is not drawn (a twin's x axis): asking for its ticks would make them for nothing."""
    if not axis.get_visible():
        return []
    if labelled:
        axis.get_majorticklabels()
    return axis.get_major_ticks()


def _tick_room(axis) -> float:
    """Points from an axes' edge to its tick labels: the tick's length (outward) and its pad."""
    ticks = axis.get_major_ticks()
    return ticks[0].get_tick_padding() + ticks[0].get_pad() if ticks else 7.0


def _decorations(ax, renderer) -> dict[str, float]:
    """Points each side of ``ax`` that its tick labels, axis labels and title take ("left", "right", "bottom",
    "top"; x tick labels that reach past its left or right edge: :func:`_spill`)."""
    import matplotlib

    need = dict(left=0.0, right=0.0, bottom=0.0, top=0.0)
    ticks = _ticks(ax.yaxis, labelled=True)
    for side, labels in (("left", [t.label1 for t in ticks]), ("right", [t.label2 for t in ticks])):
        width, _ = _extent(labels, renderer)
        if width:
            need[side] = width + _tick_room(ax.yaxis)
    label_width, _ = _extent([ax.yaxis.label], renderer)
    if label_width:
        side = ax.yaxis.get_label_position()
        need[side] += ax.yaxis.labelpad + label_width
    xticks = _ticks(ax.xaxis, labelled=True)
    _, height = _extent([t.label1 for t in xticks], renderer)
    if height:
        need["bottom"] = height + _tick_room(ax.xaxis)
    _, label_height = _extent([ax.xaxis.label], renderer)
    if label_height:
        need["bottom"] += ax.xaxis.labelpad + label_height
    _, title_height = _extent([ax.title], renderer)
    if title_height:
        need["top"] = title_height + matplotlib.rcParams["axes.titlepad"]
    return need


def _spill(ax, renderer, width: float) -> tuple[float, float]:
    """Points by which the x tick labels of ``ax``, ``width`` points wide, reach beyond its left and right edges."""
    low, high = sorted(ax.get_xlim())
    left = right = 0.0
    for tick in _ticks(ax.xaxis):
        label = tick.label1
        if not (label.get_visible() and label.get_text().strip()) or not low <= tick.get_loc() <= high:
            continue
        at = (tick.get_loc() - low) / (high - low) * width if high > low else width / 2
        half = _extent([label], renderer)[0] / 2
        left, right = max(left, half - at), max(right, at + half - width)
    return left, right


def _span(ax, panel: float, gap: float) -> float:
    """The width of ``ax`` in a grid of columns ``panel`` wide, ``gap`` apart."""
    columns = len(ax.get_subplotspec().colspan)
    return columns * panel + (columns - 1) * gap


def _pin_label(axis, renderer) -> None:
    """Put ``axis``'s label where matplotlib would, ``labelpad`` beyond its tick labels, so that drawing does not
    measure the tick labels again to place it (it does so even for an empty label, which gets fixed coordinates)."""
    from matplotlib.transforms import offset_copy

    ax = axis.axes
    if not (axis.get_visible() and axis.label.get_text().strip()):
        axis.set_label_coords(0.5, 0.5)
        return
    side = axis.get_label_position()
    ticks = _ticks(axis)
    width, height = _extent([t.label1 if side in ("bottom", "left") else t.label2 for t in ticks], renderer)
    size = height if axis is ax.xaxis else width
    offset = size + (_tick_room(axis) if size else 0.0) + axis.labelpad
    x, y, dx, dy = {
        "bottom": (0.5, 0, 0, -offset),
        "top": (0.5, 1, 0, offset),
        "left": (0, 0.5, -offset, 0),
        "right": (1, 0.5, offset, 0),
    }[side]
    axis.set_label_coords(x, y, transform=offset_copy(ax.transAxes, ax.get_figure(root=True), x=dx, y=dy, units="points"))


PANEL_TICKS = 4  # at most this many intervals (five ticks) on a panel's value axis


def _few_ticks(ax) -> None:
    """At most :data:`PANEL_TICKS` intervals between the ticks of each value axis of a small multiple's ``ax`` that
    matplotlib would tick by itself (its automatic locator put up to nine on a panel's height: tick objects made
    and drawn for little more to read); axes whose ticks a figure set (years, names) keep them."""
    from matplotlib.ticker import AutoLocator, MaxNLocator

    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_locator()) is AutoLocator:
            axis.set_major_locator(MaxNLocator(nbins=PANEL_TICKS, steps=[1, 2, 2.5, 5, 10]))


def _place_panels(panels: _Panels, n_rows: int, n_cols: int) -> None:
    """Place the grid of the figure's ``panels`` (``n_rows`` x ``n_cols`` cells, a strip under them counting as a row) from
    what their labels take, measured once, instead of matplotlib's constrained layout (which measures every tick
    label of every axes several times, and makes saving draw the figure twice): the figure's title at the top,
    the y label shared by all panels at the left and the x label at the bottom, each panel's tick labels, axis
    labels and title in the gaps between the panels (the same gap between any two columns, and any two rows).
    Axes titles stay at the top of their axes and axis labels beside their tick labels, where this puts them,
    so drawing measures nothing again. Value axes get few ticks first (:func:`_few_ticks`)."""
    from matplotlib.backends.backend_agg import RendererAgg

    fig = panels.fig
    for ax in fig.axes:
        _few_ticks(ax)
    renderer = RendererAgg(1, 1, fig.dpi)  # a text measures itself at the figure's dpi
    # A panel's title that would reach its neighbour's (wider than 9/10 of a column) or, at the grid's left or
    # right edge, the canvas's (wider than the panel, about 3/4 of its column) wraps to the panel's width (a long
    # theme label ran into the next and past the canvas); one that fits stays on one line.
    column = panels.width / max(n_cols, 1)  # inches
    for ax in panels.axes:
        span = ax.get_subplotspec().colspan
        edge = span.start == 0 or span.stop == n_cols
        if _extent([ax.title], renderer)[0] > (0.75 if edge else 0.9) * column * 72:
            ax.title.set_text(wrap(ax.title.get_text(), 0.75 * column, ax.title.get_fontsize()))
    width_in, height_in = fig.get_size_inches()
    width, height = width_in * 72, height_in * 72
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_subplotspec() is not None]
    needs = [_decorations(ax, renderer) for ax in axes]
    need = {side: max([n[side] for n in needs], default=0.0) for side in ("left", "right", "bottom", "top")}
    title, ylabel, xlabel, legend = (panels.texts.get(key) for key in ("title", "ylabel", "xlabel", "legend"))
    title_h = _extent([title] if title else [], renderer)[1]
    above = _PAD + (title_h + _PAD if title_h else 0.0)  # the legend's top, under the title
    if legend is not None:  # the figure grows by the legend's height: the panels keep theirs
        columns = panels.legend_columns
        while legend.get_window_extent(renderer).width * 72 / renderer.dpi > width - 2 * _PAD and columns > 1:
            columns -= 1
            legend.set_ncols(columns)
        legend_h = legend.get_window_extent(renderer).height * 72 / renderer.dpi
        fig.set_size_inches(width_in, height_in + (legend_h + _PAD) / 72)
        width_in, height_in = fig.get_size_inches()
        width, height = width_in * 72, height_in * 72
        legend.set_bbox_to_anchor((0.5, 1 - above / height), transform=fig.transFigure)
        above += legend_h + _PAD
    ylabel_w = _extent([ylabel] if ylabel else [], renderer)[0]
    xlabel_h = _extent([xlabel] if xlabel else [], renderer)[1]
    left = _PAD + (ylabel_w + _PAD if ylabel_w else 0.0) + need["left"]
    right = _PAD + need["right"]
    top = above + need["top"]
    bottom = _PAD + (xlabel_h + _PAD if xlabel_h else 0.0) + need["bottom"]
    column_gap = need["right"] + need["left"] + 2 * _PAD
    row_gap = need["bottom"] + need["top"] + _PAD
    for _ in range(2):  # x tick labels that reach past a panel's edge widen the gaps (and margins) they reach into
        panel_w = (width - left - right - column_gap * (n_cols - 1)) / n_cols
        spills = [_spill(ax, renderer, _span(ax, panel_w, column_gap)) for ax in axes]
        spill_left = max([s[0] for s in spills], default=0.0)
        spill_right = max([s[1] for s in spills], default=0.0)
        left = max(left, _PAD + spill_left)
        right = max(right, _PAD + spill_right)
        column_gap = max(column_gap, need["right"] + need["left"] + 2 * _PAD, spill_left + spill_right + _PAD)
    panel_w = (width - left - right - column_gap * (n_cols - 1)) / n_cols
    panel_h = (height - top - bottom - row_gap * (n_rows - 1)) / n_rows
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        wspace=column_gap / panel_w,
        hspace=row_gap / panel_h,
    )
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            _pin_label(axis, renderer)
    if title:
        title.set(y=1 - _PAD / height, verticalalignment="top")
    if ylabel:
        ylabel.set(x=_PAD / width, y=(bottom + (height - top)) / 2 / height)
    if xlabel:
        xlabel.set(x=(left + (width - right)) / 2 / width, y=_PAD / height, verticalalignment="bottom")


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """Render ``fig`` to PNG or SVG bytes with no timestamps or version strings, so output is repeatable."""

    if fmt == "png":
        return _png_bytes(fig, dpi)
    buffer = io.BytesIO()
    with drawing_settings():
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _png_bytes(fig: Figure, dpi: int) -> bytes:
    """``fig`` rasterised at ``dpi`` and written as PNG (:func:`_png`): RGB when every pixel is opaque (a toolkit
    figure's are)."""
    rgba = _rgba(fig, dpi)
    if not (rgba[..., 3] == 255).all():
        return _png(rgba, dpi)
    height, width, _ = rgba.shape
    rgb = np.arange(width * 4).reshape(width, 4)[:, :3].ravel()  # each pixel's first three bytes
    return _png(np.take(rgba.reshape(height, width * 4), rgb, axis=1).reshape(height, width, 3), dpi)


def _png(pixels: np.ndarray, dpi: int) -> bytes:
    """``pixels`` (height x width x RGB or RGBA, 8 bits) as PNG bytes, the resolution ``dpi`` recorded: every row
    with PNG's "up" filter (its difference from the row above), deflated at zlib level 3, in one IDAT chunk.
    Pillow's PNG (the same level) chose a filter for each row by trying all five, which took three quarters of the
    time of writing a figure, for a file of the same size (a figure's rows mostly repeat the row above)."""
    import struct
    import zlib

    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in (3, 4) or not pixels.size:
        raise ValueError(f"_png writes 8-bit RGB or RGBA images, not {pixels.dtype} of shape {pixels.shape}")
    height, width, channels = pixels.shape
    rows = np.empty((height, width * channels + 1), np.uint8)
    rows[:, 0] = 2  # the filter of each row: up
    flat = pixels.reshape(height, width * channels)
    rows[0, 1:] = flat[0]  # the row above the first is zeros
    np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])  # modulo 256, as PNG wants it

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    per_metre = int(dpi / 0.0254 + 0.5)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6 if channels == 4 else 2, 0, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            chunk(b"IDAT", zlib.compress(rows.data, 3)),
            chunk(b"IEND", b""),
        ]
    )


def _rgba(fig: Figure, dpi: int) -> np.ndarray:
    """``fig`` drawn by Agg at ``dpi`` under the toolkit's settings, as savefig draws it: height x width x RGBA."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas, dpi_before = fig.canvas, fig.dpi
    agg = canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    try:
        with drawing_settings():
            fig.set_dpi(dpi)
            agg.draw()
        return np.array(agg.buffer_rgba())
    finally:
        fig.set_dpi(dpi_before)
        fig.set_canvas(canvas)


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write ``fig`` atomically; the format follows the suffix (.png or .svg). A figure is laid out at 150 dpi
    unless drawn inside :func:`layout_dpi`: draw it there at the ``dpi`` it is saved at, as a run does."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()  # a.PNG as a.png: bytes that repeat, not matplotlib's own PNG
    if fmt not in ("png", "svg"):
        shown = path.suffix or "a name without a suffix"
        raise ToolkitError(f"save_figure: {path} is saved as .png or .svg (its suffix says which), not {shown}")
    atomic.write_bytes(path, figure_bytes(fig, fmt, dpi=dpi))
    return path
