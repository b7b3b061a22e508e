"""Theme shares by period, by group and along a covariate: one panel per theme, a bar per period or a series per
group."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ...analysis.lexicon import Lexicon
from ...analysis.trends import unmeasured
from ._common import (
    _PALETTE,
    CATEGORY_INCHES,
    _banded,
    _bands_note,
    _bar_extent,
    _category_axis,
    _fit_y,
    _heading,
    _labels,
    _not_measured,
    _say,
    _series,
    _small_multiples,
    _theme_columns,
    _year_axis,
    drawable,
    interval_level,
    ordered,
    period_labels,
    table_themes,
    theme_colors,
    wrap,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


def plot_theme_periods(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float | None = None
) -> Figure:
    """Theme shares per named period: one panel per theme, a bar per period (in the table's order, labelled with
    its name) with its ``level`` interval; a period resting on one document is a hatched bar."""
    return _panels(table, "period", lexicon, language=language, title=title, heading="periods_title", level=level)


def plot_theme_groups(
    table: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float | None = None
) -> Figure:
    """Theme shares per group over the years (or periods): one panel per theme, a line per group with its
    ``level`` band, shared axes. A group's value alone between gaps (one year, or a corpus of one year) gets an
    error bar, as does every value along periods (categories, ticked with their names); the groups are set a
    little apart so that their bars do not hide each other, and a cell resting on one document has a hollow
    marker. ``table``'s first column names the groups (as :func:`toolkit.analysis.trends.yearly_trends` writes it)."""
    return _panels(table, table.columns[0], lexicon, language=language, title=title, heading="groups_title", level=level)


def _panels(
    table: pd.DataFrame, column: str, lexicon: Lexicon, *, language: str, title: str, heading: str, level: float | None = None
) -> Figure:
    """Small multiples of shares by ``column``: bars per period (``column`` = period) or a series per group along
    the years or periods. Each panel has its own y axis from 0 to its largest value drawn (intervals included),
    as in :func:`plot_theme_shares`: the panels compare groups (or periods) within a theme, and themes differ by
    an order of magnitude (``other`` near 0.4, a small theme near 0.01), so one axis for all would flatten the
    small themes. The title says so."""
    time = [c for c in ("year", "period") if c in table.columns and c != column][:1]
    table = drawable(table, ["theme", "share"], "plot_theme_" + heading.split("_")[0], key=(column, *time, "theme"))
    level = interval_level(table, level)
    text = _labels(language, level)
    colors = theme_colors(lexicon)
    themes = table_themes(table["theme"], lexicon)
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
    missing = unmeasured(table)
    names, partial = (
        period_labels(table, steps if time == "period" else groups, text["no_documents"]) if time != "year" else ([], False)
    )
    columns = _theme_columns(len(themes))
    with _small_multiples(len(themes), columns, panel=(3.0, 2.1), margin=1.2) as grid:
        for ax, theme in zip(grid.axes, themes):
            ax.set_title(lexicon.label(theme, language), fontsize=9)
            ax.tick_params(labelsize=7)
            rows = table[table["theme"] == theme]
            if theme in missing:
                _not_measured(ax, text)
            elif time is None:  # one bar per period
                _period_bars(ax, rows.set_index(column).reindex(groups), colors[theme], bands)
            else:
                for g, name in enumerate(groups):
                    offset = (g - (len(groups) - 1) / 2) * spread
                    part = rows[rows[column] == name].set_index(time).reindex(steps)
                    _group_series(ax, part, time, steps, offset, g, str(name), bands)
            if time == "year":
                _year_axis(ax, present, 4)
            else:
                _category_axis(ax, names, panel=grid.width / columns)
            if theme not in missing:
                _fit_y(ax, *(rows[c].to_numpy(dtype=float) for c in ("share", "share_high") if c in rows))
                ax.grid(axis="y", alpha=0.3)
        if time is not None:
            grid.legend(fontsize=7)
        notes = [text["own_y"]] if len(themes) > 1 else []
        if bands and time == "year":  # a band only where one group's series has two years in a row
            rows = table[table["share"].notna()]
            series = [part["year"] for _, part in rows.groupby([rows["theme"], rows[column].astype(str)], sort=False)]
            # each series judged over the panel's years, as it is drawn: a group's 2000-01 beside another's 2000-2040
            # is two error bars, and the title said "band" (an adversarial review)
            banded = any(_banded(years, steps) for years in series)
            notes += [_bands_note(text, "band" if banded else "bars", level, table)]
        elif bands:
            notes += [_bands_note(text, "bars", level, table)]
        if bool(np.any(single)):
            notes.append(text["hollow"] if time else text["hatched"])
        if partial:
            notes.append(text["part_period"])
        grid.title(_heading(title, text[heading], notes), ylabel=text["share"])
    return grid.fig


def _period_bars(ax, values: pd.DataFrame, color: str, bands: bool) -> None:
    """A theme's bar per period (``values``: its rows indexed by period), its interval as an error bar; a period
    resting on one document hatched."""
    x = np.arange(len(values))
    one = (values["n_documents"] == 1).to_numpy() if "n_documents" in values else np.zeros(len(x), bool)
    bars = ax.bar(x, values["share"].fillna(0), color=color, alpha=0.8)
    for bar, hatched in zip(bars, one):
        if hatched:
            bar.set_hatch("///")
            bar.set_facecolor("white")
            bar.set_edgecolor(color)
    if bands:
        ax.errorbar(
            x,
            values["share"],
            yerr=_bar_extent(values["share"], values["share_low"], values["share_high"]),
            fmt="none",
            ecolor="#333333",
            capsize=2,
            linewidth=0.8,
        )


def _group_look(g: int) -> tuple[str, str, str]:
    """Group ``g``'s colour, line style and marker: the palette's colours, then again with dashed lines and square
    markers, then dotted with triangles (a value alone shows no line style: its marker tells)."""
    round_ = min(g // len(_PALETTE), 2)
    return _PALETTE[g % len(_PALETTE)], ("-", "--", ":")[round_], ("o", "s", "^")[round_]


def _group_series(ax, part: pd.DataFrame, time: str, steps: list, offset: float, g: int, name: str, bands: bool) -> None:  # noqa: PLR0913 (a series' data and its place)
    """Group ``g``'s series of a theme (``part``: its rows indexed by ``steps``), set ``offset`` apart from the other
    groups: a line with its band along the years; along periods (categories) a point and its error bar each,
    joined by a thin line in time order. Past the palette's colours the groups' lines are dashed, then dotted, and
    their markers squares, then triangles."""
    shade, style, marker = _group_look(g)
    values = part["share"].to_numpy(dtype=float)
    low = part["share_low"].to_numpy(dtype=float) if bands else None
    high = part["share_high"].to_numpy(dtype=float) if bands else None
    one = (part["n_documents"] == 1).to_numpy() if "n_documents" in part else None
    if time == "year":
        x = np.asarray(steps, dtype=float) + offset
        drawn = {"single": one, "linestyle": style, "markersize": 2.5, "label": name, "marker": marker}
        _series(ax, x, values, low, high, shade, alpha=0.12, **drawn)
        return
    x = np.arange(len(steps)) + offset
    if low is not None and high is not None:
        ax.errorbar(x, values, yerr=_bar_extent(values, low, high), fmt="none", ecolor=shade, elinewidth=1.1, capsize=2)
    _series(ax, x, values, None, None, shade, single=one, linestyle=style, markersize=3.5, label=name, marker=marker)


def plot_effects(
    expected: pd.DataFrame, lexicon: Lexicon, *, language: str = "zh", title: str = "", level: float | None = None
) -> Figure:
    """Expected share of each theme along a covariate (from effects_expected.csv): one panel per theme, one
    series per group of the first categorical covariate. Along a number (year) a line with its ``level`` band,
    broken where the curve is not supported by documents (``supported`` false, values empty), with an error bar
    for a value alone between such gaps; along a category a point with its error bar per category and group, no
    line (categories have no order), the groups set a little apart. Each panel has its own y axis from 0 to its
    largest interval: themes differ by an order of magnitude, and the figure compares groups within a theme.
    ``effects.x`` is a category where the formula makes it one (``expected.attrs["categorical"]``, as
    :func:`~toolkit.analysis.effects.estimate_effects` records it; a table read from its CSV file lacks it, and
    then only a column of text or of two values is)."""
    import pandas as pd

    level = interval_level(expected, level)
    text = _labels(language, level)
    expected = drawable(expected, ["theme", "expected", "low", "high"], "plot_effects", "expected")
    x = [c for c in expected.columns if c not in ("theme", "group", "expected", "low", "high", "supported")][0]
    themes = [t for t in lexicon.names if t in set(expected["theme"])]
    groups = list(dict.fromkeys(expected["group"].fillna("")))
    column = expected.attrs.get("group", "")
    # categories by the formula (C(tier) of the numbers 1, 2, 3; C(year)) as the table's maker recorded, or two values
    numeric = pd.api.types.is_numeric_dtype(expected[x]) and expected[x].nunique() > 2 and not expected.attrs.get("categorical")
    categories = [] if numeric else list(dict.fromkeys(expected[x]))
    if categories and pd.api.types.is_numeric_dtype(expected[x]):  # two years, or 0/1: in order, whole numbers so
        categories = [int(v) if float(v).is_integer() else v for v in sorted(categories)]
    spread = min(0.25, 0.6 / max(len(groups), 1))
    # a panel wide enough for its categories' names upright side by side (31 provinces overprinted one another at
    # 45 degrees in three inches: a hostile pass), in as many columns as twelve inches hold
    width = max(3.0, CATEGORY_INCHES * len(categories) + 0.6)
    columns = max(1, min(_theme_columns(len(themes)), int(12 // width)))
    with _small_multiples(len(themes), columns, panel=(width, 2.1), margin=1.2) as grid:
        for ax, theme in zip(grid.axes, themes):
            drawn, missing = [], {}  # a theme not measured has no rows (estimate_effects leaves it out); nor a
            for g, group in enumerate(groups):  # curve that its categories' documents cannot estimate (all unsupported)
                rows = expected[(expected["theme"] == theme) & (expected["group"].fillna("") == group)]
                # past the palette's colours, dashed lines and square markers (31 provinces: 11 pairs were alike)
                shade, style, marker = _group_look(g)
                shade = shade if len(groups) > 1 else theme_colors(lexicon)[theme]
                values, low, high = (rows[c].to_numpy(dtype=float) for c in ("expected", "low", "high"))
                # the column named with its category ("true / false" or "A / B" alone said nothing: a hostile pass);
                # a table read back from its CSV file does not know the column
                label = (f"{column} = {group}" if column else str(group)) if group else None
                if not np.isfinite(values).any():  # no supported point: nothing drawn, nor named in the legend,
                    missing[label or ""] = []  # but named in the panel (a curve had gone in silence)
                    continue
                if not numeric:  # a category of no point beside others: its tick had stood empty, as if a gap
                    gaps = [str(v) for v, e in zip(rows[x], values) if not np.isfinite(e)]
                    missing.update({label or "": gaps} if gaps else {})
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
                        linestyle=style,
                        marker=marker,
                    )
                else:
                    position = np.array([categories.index(v) for v in rows[x]], dtype=float)
                    position += (g - (len(groups) - 1) / 2) * spread
                    ax.errorbar(
                        position,
                        values,
                        yerr=_bar_extent(values, low, high),
                        fmt=marker,
                        color=shade,
                        markersize=3.5,
                        elinewidth=1.1,
                        capsize=2,
                        linestyle="none",
                        label=label,
                    )
                drawn += [values, high]
            if drawn:
                _fit_y(ax, *drawn)
                if missing:
                    _panel_note(ax, text["some_not_estimable"].format(names=_missing_names(missing)), width)
            else:  # every category's curve unsupported: say so, not an empty frame
                _not_measured(ax, text, "no_curve")
            ax.set_title(lexicon.label(theme, language), fontsize=9)
            ax.tick_params(labelsize=7)
            ax.grid(axis="y", alpha=0.3)
            if not numeric:  # two years are two categories too (a 0/1 covariate's are)
                _category_axis(ax, categories, panel=width)
            elif x == "year":
                _year_axis(
                    ax,
                    expected.loc[expected["supported"].astype(str).isin(["True", "true"]), x]
                    if "supported" in expected
                    else expected[x],
                    4,
                )
        if len(groups) > 1:
            grid.legend(fontsize=7)
        notes = [_say(text, "interval95", level), text["own_y"]]
        # the seeds named only where the expected shares pool several models (attrs of estimate_effects' table);
        # read back from its CSV file, how many is unknown: neither said (one model was said to pool seeds)
        members = expected.attrs.get("members")
        heading = text[
            "effects_title_models_unknown" if members is None else "effects_title" if members > 1 else "effects_title_one_model"
        ]
        grid.title(_heading(title, heading.format(x=x), notes), ylabel=text["share"])
    return grid.fig


NOTE_NAMES = 4  # the curves or categories a panel's note names; the rest counted (31 provinces had filled a panel)


def _missing_names(missing: dict[str, list[str]]) -> str:
    """What a panel leaves out: each curve's label (its categories after it, or the whole curve), the first
    :data:`NOTE_NAMES` names and a count of the rest."""
    names = [f"{label}: {category}" if label else category for label, cats in missing.items() for category in cats]
    names += [label for label, cats in missing.items() if not cats and label]
    shown = ", ".join(names[:NOTE_NAMES])
    return shown + (f" … (+{len(names) - NOTE_NAMES})" if len(names) > NOTE_NAMES else "")


NOTE_ROOM = 0.2  # the share of a panel's height added above its data for a note (at its foot it lay over an interval)


def _panel_note(ax, note: str, width: float) -> None:
    """A small grey note at the top of a panel, in room made above its data: what the panel leaves out, and why."""
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + (high - low) * NOTE_ROOM)
    ax.text(0.02, 0.98, wrap(note, width - 0.3, 6), transform=ax.transAxes, ha="left", va="top", fontsize=6, color="#666666")
