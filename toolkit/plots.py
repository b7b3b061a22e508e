"""Figures. Each function takes the tidy tables that the pipeline computes and returns a matplotlib Figure;
``save_figure`` writes it. Drawing uses ``Figure`` objects directly (no pyplot state)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import atomic
from .fonts import rc_params
from .themes import OTHER, Lexicon

_TEXT = {
    "zh": {"share_title": "各主题占比的年度变化", "year": "年份", "share": "主题占比(按词数加权)",
           "counts": "文档/段落", "topic": "主题", "words_title": "各主题模型话题的高频词", "weight": "权重",
           "other": "其他", "absent": "无对应话题", "sweep_title": "话题数的选择:各指标(均值与不同种子的范围)",
           "n_topics": "话题数 K"},
    "en": {"share_title": "Theme shares by year", "year": "Year", "share": "Share of tokens",
           "counts": "docs/units", "topic": "Topic", "words_title": "Top words per topic", "weight": "Weight",
           "other": "Other", "absent": "No topic", "sweep_title": "Choosing the number of topics (mean and range over seeds)",
           "n_topics": "Number of topics K"},
}
_PALETTE = ["#1f77b4", "#2ca02c", "#17becf", "#ff7f0e", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#bcbd22",
            "#393b79", "#637939", "#8c6d31"]


def theme_colors(lexicon: Lexicon) -> dict[str, str]:
    """A fixed colour per theme, in lexicon order; ``other`` is grey."""
    colors = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(lexicon.names)}
    colors[OTHER] = "#7f7f7f"
    return colors


def _new_figure(width: float, height: float) -> Figure:
    import matplotlib

    with matplotlib.rc_context(rc_params()):
        return Figure(figsize=(width, height), layout="constrained")


def plot_theme_shares(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Theme share by year, one line per theme; years without data are gaps. Counts under the axis."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(9, 5.2)
        ax = fig.add_subplot()
        years = sorted(table["year"].unique())
        absent = []
        for theme in [*lexicon.names, OTHER]:
            rows = table[table["theme"] == theme].set_index("year").reindex(years)
            if not (rows["share"] > 0).any():
                absent.append(lexicon.label(theme, language))
            else:
                ax.plot(years, rows["share"].to_numpy(dtype=float), marker="o", markersize=4, linewidth=1.6,
                        color=colors[theme], label=lexicon.label(theme, language),
                        linestyle="--" if theme == OTHER else "-")
        counts = table.drop_duplicates("year").set_index("year").reindex(years)
        ax.set_xticks(years)
        ax.set_xticklabels([f"{y}\n{int(d)}/{int(u)}" if u else f"{y}\n–"
                            for y, d, u in zip(years, counts["n_documents"], counts["n_units"])],
                           fontsize=8 if len(years) <= 16 else 6, rotation=0 if len(years) <= 16 else 90)
        ax.set_xlabel(f"{text['year']} ({text['counts']})")
        ax.set_ylabel(text["share"])
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(f"{title}: {text['share_title']}" if title else text["share_title"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
        if absent:
            ax.annotate(f"{text['absent']}:\n" + "\n".join(absent), xy=(1.01, 0), xycoords="axes fraction",
                        va="bottom", fontsize=8, color="#555555")
    return fig


def plot_top_words(topics: pd.DataFrame, lexicon: Lexicon, *, n_words: int = 10, language: str = "zh",
                   title: str = "") -> Figure:
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


_SWEEP_METRICS = [("c_npmi", "NPMI ↑"), ("c_v", "c_v ↑"), ("u_mass", "u_mass ↑"), ("diversity", "diversity ↑"),
                  ("stability", "stability ↑"), ("perplexity", "held-out perplexity ↓ (LDA)"),
                  ("reconstruction_error", "held-out reconstruction error ↓ (NMF)")]


def plot_sweep(table: pd.DataFrame, *, language: str = "zh", title: str = "") -> Figure:
    """Each metric against the number of topics: a line per model kind (mean over seeds), a band for the range."""
    import matplotlib

    text = _TEXT[language]
    metrics = [(m, label) for m, label in _SWEEP_METRICS if m in table.columns and table[m].notna().any()]
    colors = {"lda": "#1f77b4", "nmf": "#ff7f0e"}
    with matplotlib.rc_context(rc_params()):
        n_cols = 3
        n_rows = int(np.ceil(len(metrics) / n_cols))
        fig = _new_figure(4.2 * n_cols, 3.0 * n_rows + 0.6)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[len(metrics):]:
            ax.set_visible(False)
        for ax, (metric, label) in zip(axes.flat, metrics):
            for kind, rows in table.groupby("kind"):
                stats = rows.groupby("n_topics")[metric].agg(["mean", "min", "max"]).dropna()
                if stats.empty:
                    continue
                ks = stats.index.to_numpy()
                ax.plot(ks, stats["mean"], marker="o", markersize=3, color=colors.get(kind, "#555555"),
                        label=kind.upper())
                ax.fill_between(ks, stats["min"], stats["max"], color=colors.get(kind, "#555555"), alpha=0.2,
                                linewidth=0)
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
