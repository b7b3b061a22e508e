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
           "n_topics": "话题数 K", "band": "阴影:95%自助法区间", "seeds": "点线:不同随机种子的范围",
           "area_title": "各主题占比(堆积)", "heatmap_title": "年份 × 主题占比", "docs_title": "各文档的主题构成",
           "kw_title": "模型占比与关键词频率", "kw_share": "模型占比", "kw_rate": "关键词/万词",
           "change_title": "主题占比的变化", "change": "占比变化", "clear": "区间不含0", "unclear": "区间含0"},
    "en": {"share_title": "Theme shares by year", "year": "Year", "share": "Share of tokens",
           "counts": "docs/units", "topic": "Topic", "words_title": "Top words per topic", "weight": "Weight",
           "other": "Other", "absent": "No topic", "sweep_title": "Choosing the number of topics (mean and range over seeds)",
           "n_topics": "Number of topics K", "band": "band: 95% bootstrap interval", "seeds": "dotted: range over seeds",
           "area_title": "Theme shares (stacked)", "heatmap_title": "Year x theme share", "docs_title": "Themes of each document",
           "kw_title": "Model share and keyword frequency", "kw_share": "model share", "kw_rate": "keywords per 10k tokens",
           "change_title": "Change in theme shares", "change": "change in share", "clear": "interval excludes 0",
           "unclear": "interval includes 0"},
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
                if "share_low" in rows:
                    ax.fill_between(years, rows["share_low"].to_numpy(dtype=float),
                                    rows["share_high"].to_numpy(dtype=float), color=colors[theme], alpha=0.15,
                                    linewidth=0)
                if "seed_min" in rows:
                    for column in ("seed_min", "seed_max"):
                        ax.plot(years, rows[column].to_numpy(dtype=float), color=colors[theme], linewidth=0.6,
                                linestyle=":")
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
        notes = ([text["band"]] if "share_low" in table else []) + ([text["seeds"]] if "seed_min" in table else [])
        if absent:
            notes.append(f"{text['absent']}: " + "、".join(absent))
        if notes:
            ax.annotate("\n".join(notes), xy=(1.01, 0), xycoords="axes fraction", va="bottom", fontsize=7,
                        color="#555555")
    return fig


def _pivot(table: pd.DataFrame, lexicon: Lexicon, column: str = "share") -> pd.DataFrame:
    order = [t for t in [*lexicon.names, OTHER] if t in set(table["theme"])]
    return table.pivot(index="year", columns="theme", values=column)[order]


def plot_theme_area(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Theme shares by year stacked to 1; years without data are gaps."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    wide = _pivot(table, lexicon)
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(9, 5)
        ax = fig.add_subplot()
        years = wide.index.to_numpy()
        bottom = np.zeros(len(years))
        for theme in wide.columns:
            values = wide[theme].to_numpy(dtype=float)
            ax.fill_between(years, bottom, bottom + values, color=colors[theme], label=lexicon.label(theme, language),
                            linewidth=0)
            bottom = bottom + values
        ax.set_xlim(years.min(), years.max())
        ax.set_ylim(0, 1)
        ax.set_xlabel(text["year"])
        ax.set_ylabel(text["share"])
        ax.set_title(f"{title}: {text['area_title']}" if title else text["area_title"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    return fig


def plot_theme_heatmap(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Year x theme heatmap of shares, each cell labelled; empty cells are years without data."""
    import matplotlib

    text = _TEXT[language]
    wide = _pivot(table, lexicon)
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(max(6, 0.5 * len(wide) + 3), 0.45 * len(wide.columns) + 1.8)
        ax = fig.add_subplot()
        values = wide.to_numpy(dtype=float).T
        image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap="YlGnBu", vmin=0)
        ax.set_xticks(range(len(wide.index)))
        ax.set_xticklabels(wide.index, rotation=90, fontsize=8)
        ax.set_yticks(range(len(wide.columns)))
        ax.set_yticklabels([lexicon.label(t, language) for t in wide.columns], fontsize=9)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                if not np.isnan(values[i, j]):
                    ax.text(j, i, f"{values[i, j]:.2f}"[1:] if values[i, j] < 1 else "1", ha="center", va="center",
                            fontsize=6, color="white" if values[i, j] > np.nanmax(values) * 0.6 else "black")
        fig.colorbar(image, ax=ax, shrink=0.8, label=text["share"])
        ax.set_title(f"{title}: {text['heatmap_title']}" if title else text["heatmap_title"])
    return fig


def plot_document_themes(units: pd.DataFrame, documents: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh",
                         title: str = "", max_documents: int = 60) -> Figure:
    """One horizontal bar per document: its token-weighted theme shares."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    themes = [*lexicon.names, OTHER]
    modelled = units[units["in_model"]]
    weighted = modelled[themes].mul(modelled["n_tokens"], axis=0).groupby(modelled["doc_id"]).sum()
    shares = weighted.div(weighted.sum(axis=1), axis=0)
    info = documents.set_index("doc_id").reindex(shares.index)
    order = info.sort_values(["year", "doc_id"]).index[:max_documents]
    shares = shares.loc[order]
    labels = [f"{info.loc[d, 'year']} {str(info.loc[d, 'title'] or d)[:18]}" for d in order]
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(10, 0.32 * len(order) + 1.6)
        ax = fig.add_subplot()
        left = np.zeros(len(order))
        for theme in themes:
            ax.barh(range(len(order)), shares[theme], left=left, color=colors[theme],
                    label=lexicon.label(theme, language))
            left += shares[theme].to_numpy()
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(text["share"])
        ax.set_title(f"{title}: {text['docs_title']}" if title else text["docs_title"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)
    return fig


def plot_model_vs_keywords(shares: pd.DataFrame, rates: pd.DataFrame, agreement: pd.DataFrame, lexicon: Lexicon, *,
                           language: str = "zh", title: str = "") -> Figure:
    """Per theme: the model's share (line, left axis) beside its keyword rate (bars, right axis), with r."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    r_of = agreement.set_index("theme")["pearson_r"]
    themes = lexicon.names
    n_cols = 3
    n_rows = int(np.ceil(len(themes) / n_cols))
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(4.2 * n_cols, 2.6 * n_rows + 0.6)
        axes = fig.subplots(n_rows, n_cols, squeeze=False)
        for ax in axes.flat[len(themes):]:
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
            ax.set_title(f"{lexicon.label(theme, language)}  r = {r:.2f}" if not np.isnan(r)
                         else lexicon.label(theme, language), fontsize=9)
            ax.tick_params(labelsize=7)
            twin.tick_params(labelsize=7)
            ax.set_ylim(bottom=0)
        axes.flat[0].set_ylabel(text["kw_share"], fontsize=8)
        fig.suptitle((f"{title}: " if title else "") + f"{text['kw_title']} ({text['kw_share']}: —, {text['kw_rate']}: ▮)")
    return fig


def plot_change(change: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Change of each theme's share between two years with its interval; clear changes in colour."""
    import matplotlib

    text = _TEXT[language]
    colors = theme_colors(lexicon)
    change = change[change["theme"] != OTHER].iloc[::-1]
    with matplotlib.rc_context(rc_params()):
        fig = _new_figure(7.5, 0.45 * len(change) + 1.6)
        ax = fig.add_subplot()
        for i, row in enumerate(change.itertuples()):
            color = colors[row.theme] if row.clear else "#aaaaaa"
            ax.errorbar(row.change, i, xerr=[[row.change - row.change_low], [row.change_high - row.change]],
                        fmt="o", color=color, capsize=3)
        ax.axvline(0, color="#555555", linewidth=0.8)
        ax.set_yticks(range(len(change)))
        ax.set_yticklabels([lexicon.label(t, language) for t in change["theme"]])
        first, last = int(change["year_from"].iloc[0]), int(change["year_to"].iloc[0])
        ax.set_xlabel(f"{text['change']} ({first} → {last}); ● {text['clear']}, ○ {text['unclear']}")
        ax.set_title(f"{title}: {text['change_title']}" if title else text["change_title"])
        ax.grid(axis="x", alpha=0.3)
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
