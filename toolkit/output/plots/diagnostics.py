"""Checks of a run: each theme against its keywords (validity, model against keyword rates, the sensitivity to
single keywords), and the sweep over the number of topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...analysis.lexicon import Lexicon
from ...analysis.trends import unmeasured
from ...errors import ToolkitError
from ._common import (
    _PALETTE,
    LEGEND_EMS,
    _bar_extent,
    _fit_y,
    _heading,
    _label_inches,
    _labels,
    _new_figure,
    _not_measured,
    _small_multiples,
    _theme_label,
    _year_axis,
    bar_collection,
    drawable,
    short_labels,
    theme_colors,
    wrap,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def plot_theme_validity(diagnostics: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Per theme: how its share agrees with its keyword rate across years and across documents (bars), with
    the threshold a theme needs, the split-half check that decides (the better of documents and years, or the
    check within documents where that does worse), and which themes are not validated (and the first reason why)."""
    from ...analysis.diagnostics import VALIDATION_RULES, split_half_run

    text = _labels(language)
    diagnostics = drawable(diagnostics, ["theme", "r_years", "r_documents", "validated"], "plot_theme_validity", "diagnostics")
    rows = diagnostics[diagnostics["theme"].isin(lexicon.names)].iloc[::-1]
    if rows.empty:  # other alone, or a filter to validated themes where none is (notebook 01's; an IndexError)
        raise ToolkitError("plot_theme_validity: diagnostics holds no theme of the lexicon (other is no theme): nothing to draw")
    # the split-half check is keyatm's: an exploratory model, or LDA seeded with the lexicon, runs none (no bar, and
    # no "too few years or documents" where the model is the reason)
    split_run = "r_split" in rows and split_half_run(rows)
    y = np.arange(len(rows))
    with _new_figure(10, 0.55 * len(rows) + 1.8) as fig:
        ax = fig.add_subplot()
        years_r, documents_r = rows["r_years"].to_numpy(dtype=float), rows["r_documents"].to_numpy(dtype=float)
        if "n_years" in rows:  # the check across years is made from min_years years: below, no bar of it (an r of
            # -0.80 over four years was drawn far under the threshold beside a theme validated: a hostile pass)
            years_r = np.where(rows["n_years"].to_numpy(dtype=float) >= VALIDATION_RULES["min_years"], years_r, np.nan)
        # one document a year: the two correlations are one check, drawn once (two identical bars told nothing)
        # (the same up to the order of their sums: computed from years and from documents)
        one_a_year = bool(np.isfinite(documents_r).any()) and np.allclose(years_r, documents_r, rtol=0, atol=1e-9, equal_nan=True)
        across_years = not one_a_year and bool(np.isfinite(years_r).any())  # one year: none, nor its legend and notes
        if across_years:
            ax.barh(y + 0.27, np.nan_to_num(years_r), height=0.26, color="#1f77b4", label=text["r_years"])
        documents_label = text["r_one_a_year"] if one_a_year else text["r_documents"]
        ax.barh(y, np.nan_to_num(documents_r), height=0.26, color="#ff7f0e", label=documents_label)
        if split_run:
            r = rows["r_split"].to_numpy(dtype=float)
            low = rows["r_split_low"].to_numpy(dtype=float) if "r_split_low" in rows else np.full(len(r), np.nan)
            if {"r_split_years", "r_split_years_low", "n_years"} <= set(rows.columns):
                # the check passes across documents or across years: draw the one of the two that does better
                years_low = rows["r_split_years_low"].to_numpy(dtype=float)
                counted = rows["n_years"].to_numpy(dtype=float) >= VALIDATION_RULES["min_years"]
                better = counted & np.isfinite(years_low) & ~(years_low <= np.nan_to_num(low, nan=-np.inf))
                r = np.where(better, rows["r_split_years"].to_numpy(dtype=float), r)
                low = np.where(better, years_low, low)
            worse = np.zeros(len(r), dtype=bool)
            if {"r_split_paragraphs", "r_split_paragraphs_low"} <= set(rows.columns):
                # and it must pass within documents too: where that check does worse, it is the one that decides
                within_low = rows["r_split_paragraphs_low"].to_numpy(dtype=float)
                worse = np.isfinite(within_low) & ~(within_low >= np.nan_to_num(low, nan=np.inf))
                r = np.where(worse, rows["r_split_paragraphs"].to_numpy(dtype=float), r)
                low = np.where(worse, within_low, low)
            split_label = text["r_split"] if worse.any() else text["r_split_across"]
            ax.barh(y - 0.27, np.nan_to_num(r), height=0.26, color="#2ca02c", label=split_label)
            if "r_split_low" in rows:  # what the split-half check asks: the low end of r's interval above 0
                shown = np.isfinite(r) & np.isfinite(low)
                # the level of those intervals, adjusted for the number of checks (analysis.diagnostics)
                level = float(rows["split_level"].iloc[0]) if "split_level" in rows else 0.95
                checks = int(rows["split_checks"].iloc[0]) if "split_checks" in rows else 1
                if not np.isfinite(level):  # no split-half check was run
                    level, checks = 0.95, 1
                # the checks within documents are a family of their own, at their own level: their whiskers apart
                within_level = float(rows["split_paragraphs_level"].iloc[0]) if "split_paragraphs_level" in rows else level
                within_checks = int(rows["split_paragraphs_checks"].iloc[0]) if "split_paragraphs_checks" in rows else checks
                for part, (at, count, color, prefix) in enumerate(
                    ((level, checks, "#222222", ""), (within_level, within_checks, "#6b2f00", text["within_documents"]))
                ):
                    drawn = shown & (worse if part else ~worse)
                    if not drawn.any():
                        continue
                    key = "r_split_adjusted" if count > 1 else "r_split_low"
                    shown_level = f"{at:.1%}" if count > 1 else f"{at:.0%}"
                    ax.errorbar(
                        r[drawn],
                        (y - 0.27)[drawn],
                        xerr=_bar_extent(r[drawn], low[drawn], r[drawn]),
                        fmt="none",
                        ecolor=color,
                        elinewidth=0.8,
                        capsize=2.5,
                        label=prefix + text[key].format(level=shown_level, checks=count),
                    )
        # an r that could not be computed (too few years or documents) is said where its bar would be, not drawn as 0
        series = ([(0.27, years_r)] if across_years else []) + [(0.0, documents_r)]
        series += [(-0.27, r)] if split_run else []
        missing = unmeasured(rows) if "share" in rows else set()
        measured = ~rows["theme"].isin(missing).to_numpy()  # a theme not measured: its label says why it has no r
        blank = [at for offset, values in series for at in (y + offset)[~np.isfinite(values) & measured]]
        for at in blank:
            ax.text(0.01, at, text["no_r"], fontsize=6, color="#777777", ha="left", va="center")
        ax.axvline(VALIDATION_RULES["r_years"], color="#555555", linewidth=0.8, linestyle="--")
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_yticks(y)
        labels = [
            ("" if ok else "✗ ") + _theme_label(lexicon, t, language, missing) for t, ok in zip(rows["theme"], rows["validated"])
        ]
        ax.set_yticklabels(labels, fontsize=9)
        for tick, ok in zip(ax.get_yticklabels(), rows["validated"]):
            tick.set_color("#222222" if ok else "#c0392b")
        ax.set_xlim(-1, 1.0)
        ax.set_xlabel(text["validity_x"])
        # below the axes (no bar hidden), in two columns where the entries fit side by side: the English ones did
        # not, the legend ran past both edges and the layout gave up, cutting the theme labels too (a hostile pass)
        entries = ax.get_legend_handles_labels()[1]
        columns = 2 if 2 * (_label_inches(entries, 8) + 0.5) <= 10 - 0.3 else 1
        fig.legend(loc="outside lower center", ncols=columns, frameon=False, fontsize=8)
        # centred over the axes, which the theme labels push right: wrapped to the axes' width, not the canvas's
        heading = _heading(title, text["validity_title"], [text["no_r_note"]] if blank else [])
        ax.set_title(wrap(heading, 10 - _label_inches(labels, 9) - 0.4, 12), fontsize=12)
        ax.grid(axis="x", alpha=0.3)
    return fig


def plot_model_vs_keywords(
    shares: pd.DataFrame, rates: pd.DataFrame, agreement: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = ""
) -> Figure:
    """Per theme: the model's share (line, left axis) beside its keyword rate (bars, right axis), with r."""
    shares = drawable(shares, ["theme", "share"], "plot_model_vs_keywords", "shares", key=("year", "theme"), numbers=("year",))
    rates = drawable(rates, ["theme", "per_10k"], "plot_model_vs_keywords", "rates", key=("year", "theme"), numbers=("year",))
    agreement = drawable(agreement, ["theme", "pearson_r"], "plot_model_vs_keywords", "agreement", key=("theme",))
    text = _labels(language)
    colors = theme_colors(lexicon)
    r_of = agreement.set_index("theme")["pearson_r"]
    themes = lexicon.names
    years = sorted(set(shares.loc[shares["share"].notna(), "year"]) | set(rates.loc[rates["per_10k"].notna(), "year"]))
    missing = unmeasured(shares)
    with _small_multiples(len(themes), min(3, max(len(themes), 1)), panel=(4.2, 2.6), margin=0.6) as grid:
        for ax, theme in zip(grid.axes, themes):
            s = shares[shares["theme"] == theme].set_index("year")["share"]
            k = rates[rates["theme"] == theme].set_index("year")["per_10k"]
            twin = ax.twinx()
            bar_collection(twin, k.index, k.to_numpy(dtype=float), width=0.7, facecolors="#cccccc")
            if theme in missing:  # its keywords may still be counted in the text: the bars stay
                _not_measured(ax, text)
            else:
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
            if not np.nan_to_num(k.to_numpy(dtype=float)).any():  # no keyword counted: no scale of nothing (0-1)
                twin.set_yticks([])
        grid.axes[0].set_ylabel(text["kw_share"], fontsize=8)
        grid.title(_heading(title, text["kw_title"], [f"{text['kw_share']}: ●—, {text['kw_rate']}: ▮"]), fontsize=12)
    return grid.fig


def plot_lexicon_sensitivity(
    sensitivity: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 3, language: str = "zh", title: str = ""
) -> Figure:
    """Per theme (lexicon_sensitivity.csv), the ``n_words`` keywords whose removal moves the theme's yearly (or
    group) shares most: one bar each, the largest change of a share, labelled with the word and the year or group
    where it happens. A theme whose bars are long rests on those words."""
    sensitivity = drawable(sensitivity, ["theme", "shift"], "plot_lexicon_sensitivity", "sensitivity")
    text = _labels(language)
    colors = theme_colors(lexicon)
    themes = [t for t in lexicon.names if t in set(sensitivity["theme"])]
    rows = [
        (theme, row)
        for theme in themes
        for row in sensitivity[sensitivity["theme"] == theme].nlargest(n_words, "shift").itertuples()
    ]
    y = np.arange(len(rows))[::-1].astype(float)
    with _new_figure(10, 0.22 * max(len(rows), 1) + 1.6) as fig:
        ax = fig.add_subplot()
        shifts = np.array([row.shift for _, row in rows], dtype=float)
        ax.barh(y, shifts, height=0.75, color=[colors[theme] for theme, _ in rows])
        top = float(shifts.max()) if len(shifts) else 0.0
        # where the shift is largest (a year, a group), shortened as a legend's names are: a group of 62 characters
        # ran off the canvas and squeezed the bars to half the width (a hostile pass)
        places = list(dict.fromkeys(str(row.at) for _, row in rows))
        shown = dict(zip(places, short_labels(places, LEGEND_EMS)))
        for yy, (_, row) in zip(y, rows):
            ax.text(row.shift + top * 0.01, yy, f"{row.word} ({shown[str(row.at)]})", va="center", fontsize=7)
        firsts = [i for i, (theme, _) in enumerate(rows) if i == 0 or rows[i - 1][0] != theme]
        ax.set_yticks(y[firsts])
        ax.set_yticklabels([_theme_label(lexicon, rows[i][0], language) for i in firsts], fontsize=8)
        ax.set_xlim(0, top * 1.35 if top > 0 else 1)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xlabel(text["sensitivity_x"], fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        heading = _heading(title, text["sensitivity_title"])
        note = text["sensitivity_note"].format(n=_keywords_counted(n_words, language), move="moves" if n_words == 1 else "move")
        ax.set_title(wrap(heading + "\n" + note, 10 - 2.4, 9), fontsize=9)  # beside the labels
    return fig


def _keywords_counted(n: int, language: str) -> str:
    """``n`` keywords as the sensitivity figure's note says it: 三 / "three keywords", "the keyword" for one (the
    note said three whatever ``n_words`` was: mutation audit 31)."""
    if language == "zh":
        return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
    if n == 1:
        return "keyword"
    words = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    return f"{words[n - 2] if 2 <= n <= 10 else n} keywords"


_SWEEP_METRICS = [
    ("c_npmi", "NPMI ↑"),
    ("c_v", "c_v ↑"),
    ("u_mass", "u_mass ↑"),
    ("diversity", "diversity ↑"),
    ("stability", "stability ↑"),
]


def plot_sweep(table: pd.DataFrame, *, heldout: dict[str, str] | None = None, language: str = "zh", title: str = "") -> Figure:
    """Each metric against the number of topics: a line per model kind (mean over seeds), a band for the range;
    a line per kind and value of any other grid setting in ``table`` (its ``section.key`` columns, as
    ``vocab.min_df``), never pooled over them. ``heldout`` names the held-out measures in ``table`` and whether
    "lower" or "higher" is better."""
    text = _labels(language)
    arrows = {"lower": "↓", "higher": "↑"}
    candidates = _SWEEP_METRICS + [(m, f"held-out {m.replace('_', ' ')} {arrows.get(d, '')}") for m, d in (heldout or {}).items()]
    metrics = [(m, label) for m, label in candidates if m in table.columns and table[m].notna().any()]
    import pandas as pd
    from matplotlib.ticker import MaxNLocator

    from ...sweeps import grid_settings

    settings = grid_settings(table)
    series = list(table.groupby(["kind", *settings], sort=True, dropna=False))
    colors = {key: _PALETTE[i % len(_PALETTE)] for i, (key, _) in enumerate(series)}
    tried = sorted({int(k) for k in table["n_topics"]})  # the grid's numbers of topics, as its ticks (not 2.5)
    with _small_multiples(len(metrics), 3, panel=(4.2, 3.0), margin=0.6) as grid:
        for ax, (metric, label) in zip(grid.axes, metrics):
            for key, rows in series:
                kind, *values = key
                stats = rows.groupby("n_topics")[metric].agg(["mean", "min", "max"]).dropna()
                if stats.empty:
                    continue
                ks = stats.index.to_numpy()
                # a setting its kind does not read (model.lda.passes of NMF) is blank: not named "nan"
                named = [f"{k}={v}" for k, v in zip(settings, values) if not pd.isna(v)]
                name = kind.upper() + (f" ({', '.join(named)})" if named else "")
                ax.plot(ks, stats["mean"], marker="o", markersize=3, color=colors[key], label=name)
                ax.fill_between(ks, stats["min"], stats["max"], color=colors[key], alpha=0.2, linewidth=0)
                if len(ks) == 1:  # a band over one K has no width: the range as an error bar (a hostile pass)
                    mean = stats["mean"].to_numpy()
                    # seeds of the same score have a mean a rounding step outside their range (NMF's c_v at one K)
                    spread = _bar_extent(mean, stats["min"].to_numpy(), stats["max"].to_numpy())
                    ax.errorbar(ks, mean, yerr=spread, fmt="none", ecolor=colors[key], elinewidth=1.2, capsize=3)
            ax.set_title(label, fontsize=10)
            if len(tried) <= 12:
                ax.set_xticks(tried)
            else:
                ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
            ax.set_xlabel(text["n_topics"], fontsize=8)
            ax.tick_params(labelsize=8)
            ax.ticklabel_format(axis="y", useOffset=False)  # "1e-7+3.606815" above the axis ran into the title
            ax.grid(alpha=0.3)
        grid.legend(fontsize=8)  # above the panels: inside the first it lay over the lines and bands of the data
        grid.title(_heading(title, text["sweep_title"]), fontsize=12, wrapped=False)
    return grid.fig
