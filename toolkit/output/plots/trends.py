"""Theme shares over the years: small multiples with bands, all themes in one panel, stacked bars, a heatmap, and
the change of each share between two years, periods or groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...analysis.lexicon import OTHER, Lexicon
from ...analysis.trends import NO_DOCUMENT_LEVEL, NOT_MEASURED, UNITS_ONLY, unmeasured
from ...errors import ToolkitError
from ._common import (
    TITLE_BESIDE_LEGEND,
    _fit_y,
    _heading,
    _interval_note,
    _isolated,
    _label_inches,
    _labels,
    _new_figure,
    _not_measured,
    _one_document_years,
    _say,
    _series,
    _small_multiples,
    _theme_columns,
    _theme_label,
    _year_axis,
    bar_collection,
    drawable,
    each_year_fits,
    interval_level,
    listed,
    side_legend,
    table_themes,
    theme_colors,
    theme_hatches,
    theme_linestyles,
    wrap,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def plot_theme_shares(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float | None = None
) -> Figure:
    """Theme shares by year as small multiples: one panel per theme (``other`` last), the ``level`` band (an
    error bar for a year between two years without data, where a band would be invisible) and the range over
    ensemble members; years without data are gaps, and a year that rests on one document has a hollow marker.
    A strip under the panels shows the documents behind each year.

    Each panel has its own y axis, from 0 to just above its largest value (band and seed range included):
    shares differ by more than an order of magnitude between themes (``other`` near 0.4, a small theme near
    0.01), and one axis for all would flatten the small themes into the floor. The title says so; the heatmap
    and the stacked figure compare themes on one scale."""
    table = drawable(table, ["theme", "share", "n_documents"], "plot_theme_shares", key=("year", "theme"), numbers=("year",))
    level = interval_level(table, level)
    text = _labels(language, level)
    colors = theme_colors(lexicon)
    themes = table_themes(table["theme"], lexicon)
    years = sorted(table["year"].unique())
    counts = table.drop_duplicates("year").set_index("year").reindex(years)
    documents = counts["n_documents"].fillna(0).to_numpy(dtype=float)
    with_data = _years_with_data(years, documents)
    single, said = _one_document_years(documents)
    missing = unmeasured(table)
    with _small_multiples(len(themes), _theme_columns(len(themes)), panel=(3.0, 2.1), margin=1.6, strip=0.45) as grid:
        for ax, theme in zip(grid.axes, themes):
            ax.set_title(lexicon.label(theme, language), fontsize=9)
            ax.tick_params(labelsize=7)
            if theme in missing:
                _not_measured(ax, text)
                continue
            rows = table[table["theme"] == theme].set_index("year").reindex(years)
            values = rows["share"].to_numpy(dtype=float)
            low = rows["share_low"].to_numpy(dtype=float) if "share_low" in rows else None
            high = rows["share_high"].to_numpy(dtype=float) if "share_high" in rows else None
            if "seed_min" in rows:
                alone = _isolated(values)
                for column in ("seed_min", "seed_max"):
                    ax.plot(years, rows[column].to_numpy(dtype=float), color=colors[theme], linewidth=0.6, linestyle=":")
                if alone.any():
                    # a dotted line along one year draws nothing: a dotted segment from the lowest seed to the highest,
                    # a few points right of the year's error bar (dashes at its ends read as the bar's inner caps, a
                    # second interval nested in it: a hostile pass of a corpus of one year)
                    from matplotlib.transforms import offset_copy

                    ax.vlines(
                        np.asarray(years)[alone],
                        rows["seed_min"].to_numpy(dtype=float)[alone],
                        rows["seed_max"].to_numpy(dtype=float)[alone],
                        colors=colors[theme],
                        linewidth=1.0,
                        linestyles=":",
                        transform=offset_copy(ax.transData, fig=ax.figure, x=4, units="points"),
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
            ax.grid(axis="y", alpha=0.3)
        strip = grid.strip
        from matplotlib.ticker import MaxNLocator

        strip.bar(years, documents, color="#999999", width=0.8)
        strip.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))  # whole documents, not 0.5
        strip.set_ylabel(text["documents"], fontsize=7)
        _year_axis(strip, with_data, 8)  # the panels share the strip's x axis, its ticks included
        strip.tick_params(labelsize=7)
        strip.set_xlabel(text["year"])
        notes = (
            [text["own_y"]]
            + ([_interval_note(text, level, with_data, table)] if "share_low" in table else [])
            + ([text["seeds"]] if "seed_min" in table else [])
            + [text[key] for key in said]
        )
        basis = [str(b) for b in table["interval_basis"]] if "interval_basis" in table else []
        if any(b.startswith("one document") and UNITS_ONLY not in b for b in basis):  # its document level borrowed
            notes.append(text["one_document"])
        if any(UNITS_ONLY in b for b in basis):  # no other document to borrow it from
            notes.append(text["units_only"])
        grid.title(_heading(title, _share_title(text, with_data), notes), ylabel=text["share"])
    return grid.fig


def plot_theme_lines(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float | None = None
) -> Figure:
    """Theme share by year, one line per theme in one panel with its ``level`` band (an error bar for a year
    alone between gaps); years without data are gaps, a year resting on one document has hollow markers.
    Counts under the axis when they fit."""
    table = drawable(table, ["theme", "share", "n_documents"], "plot_theme_lines", key=("year", "theme"), numbers=("year",))
    level = interval_level(table, level)
    text = _labels(language, level)
    colors, linestyles = theme_colors(lexicon), theme_linestyles(lexicon)
    with _new_figure(9, 5.2) as fig:
        ax = fig.add_subplot()
        years = sorted(table["year"].unique())
        counts = table.drop_duplicates("year").set_index("year").reindex(years)
        single, said = _one_document_years(counts["n_documents"].fillna(0).to_numpy())
        missing, tops = unmeasured(table), []
        for theme in table_themes(table["theme"], lexicon):
            rows = table[table["theme"] == theme].set_index("year").reindex(years)
            if theme not in missing and theme in set(table["theme"]):
                _series(
                    ax,
                    years,
                    rows["share"].to_numpy(dtype=float),
                    rows["share_low"].to_numpy(dtype=float) if "share_low" in rows else None,
                    rows["share_high"].to_numpy(dtype=float) if "share_high" in rows else None,
                    colors[theme],
                    single=single,
                    linestyle=linestyles[theme],
                    alpha=0.15,
                    markersize=4,
                    label=_theme_label(lexicon, theme, language),
                )
                tops.extend(rows[c].to_numpy(dtype=float) for c in ("share", "share_high", "seed_max") if c in rows)
                if "seed_min" in rows:
                    for column in ("seed_min", "seed_max"):
                        ax.plot(years, rows[column].to_numpy(dtype=float), color=colors[theme], linewidth=0.6, linestyle=":")
        if each_year_fits([int(y) for y in years], 16):  # each year ticked with its counts under it
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
        # wrapped to the axes beside the side legend (a long corpus.name ran off the canvas: a hostile pass)
        heading = _share_title(text, _years_with_data(years, counts["n_documents"].fillna(0)))
        ax.set_title(wrap(_heading(title, heading), TITLE_BESIDE_LEGEND, 12))
        side_legend(ax, fontsize=9)
        notes = (
            ([_interval_note(text, level, table.loc[table["share"].notna(), "year"], table)] if "share_low" in table else [])
            + ([text["seeds"]] if "seed_min" in table else [])
            + [text[key] for key in said]
        )
        if missing:
            names = "、".join(lexicon.label(t, language) for t in lexicon.names if t in missing)
            notes.append(f"{text['not_measured_why']}: {names}")
        if notes:
            ax.annotate(
                wrap("\n".join(notes), 2.4, 7), xy=(1.01, 0), xycoords="axes fraction", va="bottom", fontsize=7, color="#555555"
            )
    return fig


def _pivot(table: pd.DataFrame, lexicon: Lexicon, column: str = "share") -> pd.DataFrame:
    order = table_themes(table["theme"], lexicon)
    return table.pivot(index="year", columns="theme", values=column)[order]


def plot_theme_area(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Theme shares of each year stacked to 1, one bar per year: a year without data has no bar (a gap), and an
    isolated year is as visible as any other."""
    table = drawable(table, ["theme", "share"], "plot_theme_area", key=("year", "theme"), numbers=("year",))
    text = _labels(language)
    colors, hatches = theme_colors(lexicon), theme_hatches(lexicon)
    wide = _pivot(table, lexicon).dropna(how="all")
    missing = unmeasured(table)
    years = wide.index.to_numpy()
    tokens = _year_tokens(table, years)
    with _new_figure(9, 5.5 if tokens is not None else 5) as fig:
        grid = fig.add_gridspec(2, 1, height_ratios=[5, 0.55], hspace=0.05) if tokens is not None else None
        ax = fig.add_subplot(grid[0] if grid is not None else 111)
        bottom = np.zeros(len(years))
        for theme in wide.columns:
            values = np.nan_to_num(wide[theme].to_numpy(dtype=float))
            bar_collection(
                ax,
                years,
                values,
                width=0.85,
                base=bottom,
                facecolors=colors[theme],
                hatch=hatches[theme] or None,
                edgecolors="white",
                linewidths=0,
                label=_theme_label(lexicon, theme, language, missing),
            )
            bottom = bottom + values
        _year_axis(ax, years, 10)  # labelled as years: two years ticked bare read -1 and 0 "+2.02e3"
        ax.set_ylim(0, 1)
        ax.set_ylabel(text["share"])
        below = ax
        if grid is not None:  # every bar stands to 1: the tokens under it say a year of 132 from one of 23,216
            below = _token_strip(fig.add_subplot(grid[1], sharex=ax), years, tokens, text["tokens"], 0.85)
            ax.tick_params(axis="x", labelbottom=False)
        below.set_xlabel(text["year"])
        ax.set_title(wrap(_heading(title, text["area_title"]), TITLE_BESIDE_LEGEND, 12))
        handles, labels = ax.get_legend_handles_labels()  # listed top down, as the bands are stacked
        side_legend(ax, handles[::-1], labels[::-1], fontsize=9)
    return fig


def plot_theme_heatmap(table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "") -> Figure:
    """Year x theme heatmap of shares: one column per year with data (a long span with few such years is not
    stretched over its empty years), a white rule where years without data lie between two columns, each cell
    labelled while the cells are wide enough to read."""
    table = drawable(table, ["theme", "share"], "plot_theme_heatmap", key=("year", "theme"), numbers=("year",))
    text = _labels(language)
    wide = _pivot(table, lexicon).dropna(how="all")
    missing = unmeasured(table)
    wide[[t for t in wide.columns if t in missing]] = np.nan  # a blank row, not a measured zero: its label says why
    years = wide.index.to_numpy()
    n = max(len(years), 1)
    cell = min(0.5, max(0.14, 14.0 / n))  # inches per column: fixed up to 28 years, then narrower
    labels = [_theme_label(lexicon, t, language, missing) for t in wide.columns]
    # beside the columns: the theme labels (English ones run to 3 inches) and the colour bar with its label
    tokens = _year_tokens(table, years)
    strip = 0.55 if tokens is not None else 0.0
    with _new_figure(cell * n + max(3.2, _label_inches(labels, 9) + 1.5), 0.4 * len(wide.columns) + 1.9 + strip) as fig:
        rows = 0.4 * len(wide.columns) + 1.0
        grid = fig.add_gridspec(2, 1, height_ratios=[strip, rows], hspace=0) if tokens is not None else None
        ax = fig.add_subplot(grid[1] if grid is not None else 111)
        values = wide.to_numpy(dtype=float).T
        image = ax.imshow(np.ma.masked_invalid(values), aspect="auto", cmap="YlGnBu", vmin=0)
        top = ax
        if grid is not None:  # the tokens behind each column: a year of 132 tokens was as dark as one of 23,216
            top = _token_strip(fig.add_subplot(grid[0], sharex=ax), np.arange(len(years)), tokens, text["tokens"], 0.8)
            top.tick_params(axis="x", labelbottom=False, length=0)
        # every year labelled while a column is wide enough for its label (8 points, rotated: about 0.15 inch),
        # every second or third one only on the narrowest columns (a span of 53 years left 1957 and 1975 unnamed)
        step = max(1, int(np.ceil(0.15 / cell - 1e-9)))
        ax.set_xticks(range(0, len(years), step))
        ax.set_xticklabels(years[::step], rotation=90, fontsize=8)
        ax.set_yticks(range(len(wide.columns)))
        ax.set_yticklabels(labels, fontsize=9)
        gaps = np.flatnonzero(np.diff(years) > 1)
        for j in gaps:  # through the strip too: two columns years apart are not neighbours there either (a review)
            ax.axvline(j + 0.5, color="white", linewidth=3)
            if top is not ax:
                top.axvline(j + 0.5, color="#bbbbbb", linewidth=0.8, linestyle=":")
        if cell >= 0.4:
            for i in range(values.shape[0]):
                for j in range(values.shape[1]):
                    if not np.isnan(values[i, j]):
                        ax.text(
                            j,
                            i,
                            # as two decimals show it: 0.996 is "1", not ".00" (mutation audit 29)
                            f"{values[i, j]:.2f}"[1:] if round(values[i, j], 2) < 1 else "1",
                            ha="center",
                            va="center",
                            fontsize=6,
                            color="white" if values[i, j] > np.nanmax(values) * 0.6 else "black",
                        )
        fig.colorbar(image, ax=[ax, top] if top is not ax else ax, shrink=0.8, label=text["share"])
        heading = _heading(title, text["heatmap_title"], [text["gap_rule"]] if len(gaps) else [])
        # over the columns: a narrow heatmap (one year) wraps its title
        top.set_title(wrap(heading, max(cell * n, 2.2), 10), fontsize=10)
    return fig


def _token_strip(ax, positions, tokens: np.ndarray, label: str, width: float):
    """``ax`` as a strip of grey bars ``width`` wide (the bars' or the columns' above), the tokens of each year at
    ``positions``: what a share of it rests on. Its ticks in whole numbers, thousands and millions (k, M), with no
    offset label ("1e8" read as the scale of the bars of 5 and 132 tokens: a review)."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.bar(positions, tokens, color="#999999", width=width)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=2, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_count_label))
    ax.tick_params(axis="y", labelsize=6)
    ax.set_ylabel(label, fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def _count_label(value: float, _position=None) -> str:
    """A count as a tick reads it: 900, 15k, 2.5M, 1.2B; rounded to three digits before its suffix is chosen (999,999
    read "1e+03k": mutation audit 29)."""
    rounded = float(f"{value:.3g}")
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(rounded) >= size:
            return f"{rounded / size:.3g}{suffix}"
    return f"{rounded:.0f}"


def _year_tokens(table: pd.DataFrame, years) -> np.ndarray | None:
    """The tokens of each year in ``years`` (a table's n_tokens, one value a year), or None when the table has no
    such column (a table of the caller's own)."""
    import pandas as pd

    if "n_tokens" not in table:
        return None
    counts = pd.to_numeric(table["n_tokens"], errors="coerce").groupby(table["year"]).max()
    return counts.reindex(years).fillna(0).to_numpy(dtype=float)


def plot_change(
    change: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float | None = None
) -> Figure:
    """Change of each theme's share between two years, periods or groups: the point, its ``level`` interval (thick)
    and its simultaneous interval over all themes (thin); a clear change (simultaneous interval excludes 0) is
    a filled marker in the theme's colour, the others hollow and grey. The title says when a side rests on one
    document, and when too few documents leave the intervals counting the units (and seeds) only (then drawn dotted:
    two documents drew a thick 95% bar clear of zero that the table itself did not call a change)."""
    import matplotlib
    import pandas as pd

    if change.empty:
        raise ToolkitError(
            "the change table is empty (trends.bootstrap = 0, or trends.change_from and change_to name no two years "
            "or periods with documents): there is no change to draw"
        )
    change = drawable(change, ["theme", "change", "change_low", "change_high"], "plot_change", "change", key=("theme",))
    level = interval_level(change, level)
    text = _labels(language, level)
    colors = theme_colors(lexicon)
    change = change[change["theme"] != OTHER].iloc[::-1]
    missing = change["note"].astype(str).eq(NOT_MEASURED).to_numpy() if "note" in change else np.zeros(len(change), bool)
    if change.empty:  # a table of other alone: a filter's, as the run writes every theme (a hostile pass of the API)
        raise ToolkitError("plot_change: the change table holds no theme but other, which is no theme: nothing to draw")
    notes = change["note"].astype(str) if "note" in change else pd.Series("", index=change.index)
    units_only = notes.str.startswith(NO_DOCUMENT_LEVEL).to_numpy()
    with _new_figure(7.5, 0.45 * len(change) + 1.8) as fig:
        ax = fig.add_subplot()
        for i, row in enumerate(change.itertuples()):
            if missing[i]:  # no change to draw: its label says why
                continue
            color = colors[row.theme] if row.clear else "#999999"
            style = ":" if units_only[i] else "-"
            ax.plot([row.simultaneous_low, row.simultaneous_high], [i, i], color=color, linewidth=0.8, linestyle=style)
            ax.plot([row.change_low, row.change_high], [i, i], color=color, linewidth=2.6, linestyle=style, solid_capstyle="butt")
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
        ax.set_yticklabels([_theme_label(lexicon, t, language, set(change["theme"][missing])) for t in change["theme"]])
        for tick, m in zip(ax.get_yticklabels(), missing):
            if m:
                tick.set_color("#888888")
        first, last = change["from"].iloc[0], change["to"].iloc[0]
        ax.set_xlabel(f"{text['change']} ({first} → {last})")
        said = [text["units_only_dotted"]] if units_only.any() else []
        alone = [
            str(side)
            for side, column in ((first, "documents_from"), (last, "documents_to"))
            if column in change and (pd.to_numeric(change[column], errors="coerce") == 1).any()
        ]
        if alone:
            said.insert(0, text["change_one_document"].format(sides=listed(text, alone)))
        ax.set_title(wrap(_heading(title, text["change_title"], said), 5.2, 10))
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


def _years_with_data(years, documents) -> list:
    """The years of ``years`` with documents (``documents``: their counts), or all of them when none has."""
    return [y for y, n in zip(years, documents) if n > 0] or list(years)


def _share_title(text: dict, with_data: list) -> str:
    """The share figures' title: a change over the years, or for one year with documents the shares alone."""
    return text["share_title" if len(with_data) > 1 else "share_title_one_year"]
