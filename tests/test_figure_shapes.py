"""Every figure drawn from the tables of four corpus shapes (issue 29), built synthetically with the real tables'
columns, the shipped lexicon's theme labels and titles from the seed and gwr metadata:

- one_year: 140 city reports of 2024, grouped by city tier; effects along the tier (a category);
- century: 15 CPC congress reports 1921-2022 (one document a year, decades between), periods and groups by era;
- policy: 221 documents 2013-2025 (one in 2013), two levels, the five-year plans as periods, long titles that share
  their start; effects along the level (a category) with one unsupported level;
- seeds: the five seed documents, two places by year.

Each figure is checked for properties after drawing: every value inside the axes, year ticks that are years
present in the data, period ticks that are the period names, every text inside the canvas, a band or error bar
behind every value a caption promises one for, the configured interval level in the labels, cells resting on
one document marked, the table's period order, and document labels that tell the titles apart."""

from __future__ import annotations

import csv
import re
from functools import lru_cache

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from toolkit.analysis.lexicon import OTHER, load_lexicon
from toolkit.analysis.trends import NOT_MEASURED
from toolkit.output import catalog, plots
from toolkit.output.report import caption
from toolkit.output.tables import figure_specs

from .conftest import GWR, SEEDS

SHAPES = ["one_year", "century", "policy", "seeds"]
DRAWN = [
    "theme_shares",
    "theme_area",
    "theme_heatmap",
    "document_themes",
    "model_vs_keywords",
    "theme_change",
    "theme_periods",
    "theme_groups",
    "theme_effects",
    "theme_words",
    "term_counts",
]
# the catalog's other figures, not drawn on the shapes (they do not change with the corpus's shape)
NOT_ON_SHAPES = {
    "top_words": "a topic's words: no years, periods or groups",
    "theme_validity": "one value per theme and check",
    "lexicon_sensitivity": "one bar per keyword",
}
PROFILE = [0.25, 0.12, 0.08, 0.05, 0.04, 0.03, 0.02, 0.015, 0.012, 0.01, 0.008, 0.006, 0.005, 0.004, 0.003, 0.002, 0.001]


def _titles(path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [row["title"] for row in csv.DictReader(handle)]


def _cells(keys: list[dict], documents: list[int], themes: list[str], rng) -> pd.DataFrame:
    """theme_by_year / theme_by_period / theme_by_group_year rows: share, interval, seed range and counts; a cell
    without documents has empty shares, one with one document a wide interval."""
    rows = []
    for key, n in zip(keys, documents):
        shares = np.array([*PROFILE, 0.0]) * rng.uniform(0.6, 1.4, len(PROFILE) + 1)
        shares[-1] = 1 - shares[:-1].sum()
        for theme, share in zip(themes, shares):
            width = share * (2.5 if n == 1 else 0.25) + 0.002
            row = {**key, "theme": theme}
            if n:
                row.update(
                    share=share,
                    share_sd=width / 2,
                    sampling_sd=width / 3,
                    share_low=max(share - width, 0.0),
                    share_high=min(share + width, 1.0),
                    seed_min=share * 0.9,
                    seed_max=share * 1.1,
                )
            else:
                row.update(
                    {c: np.nan for c in ("share", "share_sd", "sampling_sd", "share_low", "share_high", "seed_min", "seed_max")}
                )
            row.update(
                n_documents=n,
                n_units=20 * n,
                n_tokens=900 * n,
                interval_basis="one document: units resampled" if n == 1 else "documents resampled" if n else "",
            )
            rows.append(row)
    return pd.DataFrame(rows)


def _words(themes: list[str], periods: list, rng) -> pd.DataFrame:
    """theme_words.csv, the first theme lacking the first period (a table lists periods per theme)."""
    vocabulary = ["创新", "人才", "产业", "数字经济", "生态", "改革", "开放", "民生", "安全", "党建", "文化", "乡村"]
    rows = []
    for t, theme in enumerate(themes[:6]):
        for p, period in enumerate(periods):
            if t == 0 and p == 0 and len(periods) > 1:
                continue
            for rank in range(1, 6):
                rows.append(
                    {
                        "theme": theme,
                        "period": period,
                        "rank": rank,
                        "word": vocabulary[(t + p + rank) % len(vocabulary)],
                        "score": 0.05 / rank,
                        "count": 10.0 / rank,
                        "new": bool((p + rank) % 2),
                    }
                )
    return pd.DataFrame(rows)


def _documents(titles: list[str], years: list[int], themes: list[str], rng) -> pd.DataFrame:
    shares = rng.dirichlet(np.ones(len(themes)), size=len(titles))
    table = pd.DataFrame(shares, columns=themes)
    table.insert(0, "doc_id", [f"d{i:03d}" for i in range(len(titles))])
    table.insert(1, "title", titles)
    table.insert(2, "date", [str(y) for y in years])
    table.insert(3, "year", years)
    return table


def _keywords(yearly: pd.DataFrame, names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = yearly[yearly["share"].notna() & yearly["theme"].isin(names)]
    rates = pd.DataFrame(
        {
            "year": rows["year"],
            "theme": rows["theme"],
            "per_10k": rows["share"] * 3000,
            "count": (rows["share"] * 300).round(),
            "n_tokens": rows["n_tokens"],
        }
    )
    agreement = pd.DataFrame({"theme": names, "pearson_r": np.linspace(0.9, -0.2, len(names)), "n_years": rows["year"].nunique()})
    return rates, agreement


def _terms(years: list[int], n_documents: list[int], terms: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "term": term,
                "year": year,
                "count": 10 * (k + 1) * n,
                "token_count": 5 * n,
                "characters": 3000 * n,
                "per_10k": (k + 1) * 12.5 + (year % 7),
                "documents": n,
                "documents_with": n,
                "first_seen": str(years[0]),
                "last_seen": str(years[-1]),
            }
            for k, term in enumerate(terms)
            for year, n in zip(years, n_documents)
            if n
        ]
    )


def _change(themes: list[str], first, last) -> pd.DataFrame:
    values = np.linspace(-0.05, 0.08, len(themes))
    return pd.DataFrame(
        {
            "theme": themes,
            "from": first,
            "to": last,
            "change": values,
            "change_low": values - 0.02,
            "change_high": values + 0.02,
            "simultaneous_low": values - 0.04,
            "simultaneous_high": values + 0.04,
            "clear": np.abs(values) > 0.04,
        }
    )


def _effects(names: list[str], x: str, values: list, groups: list[str], supported) -> pd.DataFrame:
    rows = []
    for t, theme in enumerate(names):
        base = PROFILE[(t + 3) % len(PROFILE)] * 1.5  # the largest theme is not the first panel
        for g, group in enumerate(groups):
            for i, value in enumerate(values):
                ok = supported(value, group)
                share = base * (1 + 0.5 * i / len(values) + 0.2 * g)
                rows.append(
                    {
                        "theme": theme,
                        x: value,
                        "group": group,
                        "expected": share if ok else np.nan,
                        "low": share * 0.7 if ok else np.nan,
                        "high": share * 1.4 if ok else np.nan,
                        "supported": ok,
                    }
                )
    return pd.DataFrame(rows)


def _with_years(table: pd.DataFrame, spans: dict, years: list[int]) -> pd.DataFrame:
    """A table by period with each period's configured ``span`` and the ``years`` of its documents."""
    table = table.copy()
    at = table.columns.get_loc("theme")
    table.insert(at, "span", [f"{spans[p][0]}-{spans[p][1]}" for p in table["period"]])
    inside = {p: sorted({y for y in years if a <= y <= b}) for p, (a, b) in spans.items()}
    table.insert(at + 1, "years", [", ".join(map(str, inside[p])) for p in table["period"]])
    return table


# what the period ticks read: a period the corpus does not reach the start or end of has its first and last year
PERIOD_TICKS = {
    "century": [
        "新民主主义革命时期 (1921-1945)",
        "社会主义革命和建设时期 (1956-1977)",
        "改革开放和社会主义现代化建设新时期 (1982-2002)",
        "中国特色社会主义新时代",
    ],
    "policy": ["十二五 (2013-2015)", "十三五", "十四五"],
}
UNMEASURED = "diplomacy_unification"


def _not_measured(tables: dict[str, pd.DataFrame], theme: str) -> None:
    """``theme`` without a share anywhere in ``tables``, as a run writes a theme that is not measured (its keyword
    rates stay: a keyword may be in the text and not in the vocabulary)."""
    if "effects_expected" in tables:  # estimate_effects leaves such a theme out
        expected = tables["effects_expected"]
        tables["effects_expected"] = expected[expected["theme"] != theme].reset_index(drop=True)
    for name, table in tables.items():
        if name == "effects_expected":
            continue
        if name == "document_themes":
            table[theme] = 0.0
        elif name == "change":
            rows = table["theme"] == theme
            for column in ("change", "change_low", "change_high", "simultaneous_low", "simultaneous_high"):
                table.loc[rows, column] = 0.0
            table["note"] = np.where(rows, NOT_MEASURED, "")
        elif "theme" in table and name not in ("keyword_by_year", "model_vs_keywords", "themes", "topics", "theme_words"):
            rows = table["theme"] == theme
            for column in ("share", "share_low", "share_high", "seed_min", "seed_max", "expected", "low", "high"):
                if column in table:
                    table.loc[rows & table[column].notna(), column] = 0.0
            if "interval_basis" in table:  # as ShareModel writes it: the whole corpus was looked at
                table.loc[rows & (table["n_documents"] > 0), "interval_basis"] = NOT_MEASURED
        elif name == "themes":
            table["share"] = np.where(table["theme"] == theme, 0.0, 0.05)


@lru_cache
def shape(name: str) -> dict:
    """The tables of a run on corpus shape ``name``, the settings, and what its figures must show."""
    lexicon = load_lexicon()
    themes = [*lexicon.names, OTHER]
    rng = np.random.default_rng(sum(map(ord, name)))
    gwr = _titles(GWR / "metadata.csv")
    seed_titles = _titles(SEEDS / "metadata.csv")
    tables: dict[str, pd.DataFrame] = {}
    if name == "one_year":
        level, years, periods, by, spans = 0.9, [2024], None, "tier", {}
        tiers = ["一线城市", "新一线城市", "二线城市", "三线及以下城市"]
        calendar, counts = [2024], [140]
        groups = _cells([{by: tier, "year": 2024} for tier in tiers], [20, 30, 40, 50], themes, rng)
        cities = [t.replace("1954年国务院", "") for t in gwr]
        titles = [f"第{i + 1}市 {cities[i % len(cities)]}" for i in range(140)]
        doc_years = [2024] * 140
        tables["effects_expected"] = _effects(lexicon.names, "tier", tiers, [""], lambda v, g: True)
        word_periods: list = [2024]
        change = None
    elif name == "century":
        level, by = 0.8, "era"
        years = [1921, 1922, 1928, 1945, 1956, 1969, 1977, 1982, 1987, 1992, 1997, 2002, 2012, 2017, 2022]
        eras = {
            "新民主主义革命时期": (1921, 1949),
            "社会主义革命和建设时期": (1950, 1977),
            "改革开放和社会主义现代化建设新时期": (1978, 2011),
            "中国特色社会主义新时代": (2012, 2022),
        }
        periods, spans = list(eras), eras
        calendar = list(range(1921, 2023))
        counts = [1 if y in years else 0 for y in calendar]
        era_of = {y: next(e for e, (a, b) in eras.items() if a <= y <= b) for y in years}
        tables["theme_by_period"] = _cells(
            [{"period": e} for e in periods], [sum(era_of[y] == e for y in years) for e in periods], themes, rng
        )
        groups = _cells(
            [{by: e, "period": e} for e in periods], [sum(era_of[y] == e for y in years) for e in periods], themes, rng
        )
        numerals = "一二三四五六七八九十"
        titles = [
            f"中国共产党第{numerals[i] if i < 10 else '十' + numerals[i - 10]}次全国代表大会报告" for i in range(len(years))
        ]
        doc_years = years
        tables["effects_expected"] = _effects(
            lexicon.names, "year", calendar, [""], lambda v, g: min(abs(v - y) for y in years) <= 5
        )
        word_periods = periods
        change = (1921, 2022)
    elif name == "policy":
        level, by = 0.9, "level"
        calendar = years = list(range(2013, 2026))
        counts = [1] + [18] * 10 + [22, 18]
        plans = {"十二五": (2011, 2015), "十三五": (2016, 2020), "十四五": (2021, 2025)}
        periods, spans = list(plans), plans
        tables["theme_by_period"] = _cells([{"period": p} for p in periods], [37, 90, 94], themes, rng)
        groups = _cells(
            [{by: lv, "period": p} for lv in ["中央", "省级"] for p in periods], [20, 40, 45, 17, 50, 49], themes, rng
        )
        prefix = "国务院办公厅关于转发国家发展改革委关于"
        titles = [f"{prefix}{seed_titles[i % 5]}的通知(第{i + 1}号)" for i in range(221)]
        doc_years = sorted(np.repeat(years, counts).tolist())
        tables["effects_expected"] = _effects(lexicon.names, "level", ["中央", "省级", "市级"], [""], lambda v, g: v != "市级")
        word_periods = periods
        change = ("十二五", "十四五")
    else:
        level, by, periods, spans = 0.95, "place", None, {}
        years = [2015, 2019, 2020, 2021, 2022]
        calendar = list(range(2015, 2023))
        counts = [1 if y in years else 0 for y in calendar]
        places = {2015: "武汉市", 2019: "武汉市", 2020: "安庆市大观区(安徽)", 2021: "武汉市", 2022: "武汉市"}
        groups = _cells([{by: places[y], "year": y} for y in years], [1] * 5, themes, rng)
        groups = groups.sort_values(by, kind="stable").reset_index(drop=True)
        titles = seed_titles
        doc_years = years
        word_periods = years
        change = (2015, 2022)
    yearly = _cells([{"year": y} for y in calendar], counts, themes, rng)
    rates, agreement = _keywords(yearly, lexicon.names)
    tables.update(
        theme_by_year=yearly,
        theme_by_group_year=groups,
        keyword_by_year=rates,
        model_vs_keywords=agreement,
        theme_words=_words(themes, word_periods, rng),
        document_themes=_documents(titles, doc_years, themes, rng),
        term_counts=_terms(calendar, counts, ["创新", "数字经济", "生态", "高质量发展", "新质生产力"]),
        topics=pd.DataFrame(
            {"topic": [0], "theme": [lexicon.names[0]], "score": [0.5], "top_words": [["创新"]], "top_weights": [[0.1]]}
        ),
        # one year has no correlation across years (a run writes none)
        themes=pd.DataFrame(
            {
                "theme": lexicon.names,
                "r_years": 0.6 if len(calendar) > 1 else np.nan,
                "r_documents": 0.5,
                "r_split": 0.4,
                "validated": True,
            }
        ),
    )
    if change:
        tables["change"] = _change(themes, *change)
    if name in ("seeds", "policy"):  # as in the seed run: a theme none of whose keywords is in the vocabulary
        _not_measured(tables, UNMEASURED)
    for table in ("theme_by_period", "theme_by_group_year"):
        if periods and table in tables:
            tables[table] = _with_years(tables[table], spans, doc_years)
    options = {"language": "zh", "trend_style": "panels", "top_words": 10, "theme_words": 5}
    specs = {spec[0]: spec for spec in figure_specs(tables, lexicon, options, title=name, level=level)}
    return {
        "tables": tables,
        "specs": specs,
        "level": level,
        "years": years,
        "periods": periods,
        "word_periods": word_periods,
        "lexicon": lexicon,
    }


@lru_cache
def figure(shape_name: str, name: str):
    """The figure ``name`` of corpus shape ``shape_name``, drawn (None when the run would not draw it)."""
    spec = shape(shape_name)["specs"].get(name)
    if spec is None:
        return None
    _, function, args, kwargs = spec
    fig = getattr(plots, function)(*args, **kwargs)
    FigureCanvasAgg(fig)  # a Figure alone has a canvas that does not draw
    fig.draw_without_rendering()  # laid out, ticks and texts placed; nothing rasterised
    return fig


def _drawn(shape_name: str, name: str):
    fig = figure(shape_name, name)
    if fig is None:
        pytest.skip(f"{shape_name} draws no {name}")
    return fig


def _data_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and (ax.lines or ax.collections or ax.patches)]


def _finite(points) -> np.ndarray:
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    return points[np.isfinite(points).all(axis=1)]


def _points(ax) -> np.ndarray:
    """Every drawn coordinate of ``ax`` in data units: lines, bands, error bars, bars."""
    parts = [_finite(line.get_xydata()) for line in ax.lines if line.get_transform() == ax.transData]  # no rules
    for collection in ax.collections:
        if isinstance(collection, matplotlib.collections.LineCollection):
            parts += [_finite(s) for s in collection.get_segments()]
        elif isinstance(collection, matplotlib.collections.PolyCollection):
            parts += [_finite(p.vertices) for p in collection.get_paths()]
    for bar in ax.patches:
        if isinstance(bar, matplotlib.patches.Rectangle):
            x, y, w, h = bar.get_x(), bar.get_y(), bar.get_width(), bar.get_height()
            parts.append(_finite([[x, y], [x + w, y + h]]))
    return np.concatenate(parts) if parts else np.zeros((0, 2))


def test_every_figure_of_the_catalog_is_drawn_on_the_shapes_or_says_why_not():
    assert sorted([*DRAWN, *NOT_ON_SHAPES]) == sorted(catalog.FIGURE), "add a new figure to DRAWN"


@pytest.mark.parametrize("name", DRAWN)
@pytest.mark.parametrize("shape_name", SHAPES)
def test_every_value_lies_within_the_axes(shape_name, name):
    fig = _drawn(shape_name, name)
    for ax in _data_axes(fig):
        points = _points(ax)
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        tol_x, tol_y = 1e-9 * max(1, abs(x1)), 1e-9 * max(1, abs(y1))
        assert ((points[:, 0] >= x0 - tol_x) & (points[:, 0] <= x1 + tol_x)).all(), f"{name}: x outside {ax.get_title()}"
        assert ((points[:, 1] >= y0 - tol_y) & (points[:, 1] <= y1 + tol_y)).all(), (
            f"{name}: a value above {y1:.3f} clipped in {ax.get_title()!r}"
        )


def _axis_kind(shape_name: str, name: str):
    """'years', a list of category names, or None, for the x axis of the figure's panels."""
    s = shape(shape_name)
    if name in ("theme_shares", "model_vs_keywords", "term_counts"):
        return "years"
    if name == "theme_groups":
        return s["periods"] if s["periods"] else "years"
    if name == "theme_periods":
        return s["periods"]
    if name == "theme_effects":
        x = [
            c
            for c in s["tables"]["effects_expected"].columns
            if c not in ("theme", "group", "expected", "low", "high", "supported")
        ][0]
        return "years" if x == "year" else list(dict.fromkeys(s["tables"]["effects_expected"][x]))
    return None


@pytest.mark.parametrize(
    "name", ["theme_shares", "model_vs_keywords", "term_counts", "theme_groups", "theme_periods", "theme_effects"]
)
@pytest.mark.parametrize("shape_name", SHAPES)
def test_ticks_are_years_of_the_data_or_period_names(shape_name, name):
    fig = _drawn(shape_name, name)
    kind = _axis_kind(shape_name, name)
    years = shape(shape_name)["years"]
    for ax in _data_axes(fig):
        if ax.get_shared_x_axes().get_siblings(ax) and not ax.xaxis.get_visible():
            continue
        labels = [t.get_text().replace("\n", "") for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        if name == "model_vs_keywords" and not labels and ax.get_ylabel() == "":  # the twin of a panel: its x is
            continue  # the panel's
        assert labels, f"{name}: a panel without x labels ({ax.get_title()!r})"
        if kind == "years":
            assert all(re.fullmatch(r"\d{4}", t) for t in labels), f"{name}: ticks {labels}"
            # and they stand apart (the first and last years are named beside the round ones where far from them)
            boxes = [t.get_window_extent() for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
            assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]), f"{name}: {labels}"
            ticks = [int(t) for t in labels]
            assert min(years) <= min(ticks) and max(ticks) <= max(years), f"{name}: ticks {labels} beyond {years}"
            if len(years) == 1:
                assert ticks == years
        else:
            expected = PERIOD_TICKS[shape_name] if name in ("theme_periods", "theme_groups") else [str(p) for p in kind]
            assert [t.replace(" ", "") for t in labels] == [t.replace(" ", "") for t in expected], f"{name}: ticks {labels}"
            if expected != list(kind):
                assert "括号:有文档的首末年份" in fig.get_suptitle().replace("\n", "")


def _inside(box, canvas, slack: float = 1.0) -> bool:
    return (
        box.x0 >= canvas.x0 - slack
        and box.x1 <= canvas.x1 + slack
        and box.y0 >= canvas.y0 - slack
        and box.y1 <= canvas.y1 + slack
    )


def _undrawn_tick_labels(fig) -> set:
    """The labels of ``fig``'s ticks that lie beyond their axis's limits: matplotlib makes them (a locator gives a
    tick past each end) but does not draw them."""
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-10
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    undrawn |= {tick.label1, tick.label2}
    return undrawn


def _cut_off(fig) -> list[str]:
    """The texts and legends of ``fig`` (drawn) that reach beyond its canvas."""
    renderer = fig.canvas.get_renderer()
    undrawn = _undrawn_tick_labels(fig)
    boxes = [
        (text.get_text(), text.get_window_extent(renderer))
        for text in fig.findobj(matplotlib.text.Text)
        if text.get_visible()
        and text.get_text().strip()
        and (text.axes is None or text.axes.get_visible())
        and text not in undrawn
    ]
    boxes += [("legend", legend.get_window_extent(renderer)) for legend in fig.findobj(matplotlib.legend.Legend)]
    return [text for text, box in boxes if not _inside(box, fig.bbox)]


@pytest.mark.parametrize("name", DRAWN)
@pytest.mark.parametrize("shape_name", SHAPES)
def test_titles_legends_and_labels_lie_within_the_canvas(shape_name, name):
    outside = _cut_off(_drawn(shape_name, name))
    assert not outside, f"{name}: cut off at the canvas's edge: {outside[:3]}"


@pytest.mark.parametrize("shape_name", SHAPES)
def test_english_labels_lie_within_the_canvas_too(shape_name):
    """English titles and notes are longer than Chinese ones."""
    for name, (_, function, args, kwargs) in shape(shape_name)["specs"].items():
        if name in DRAWN:
            fig = getattr(plots, function)(*args, **{**kwargs, "language": "en"})
            FigureCanvasAgg(fig)
            fig.draw_without_rendering()
            outside = _cut_off(fig)
            assert not outside, f"{name}: cut off at the canvas's edge: {outside[:3]}"


def test_labels_of_a_hundred_characters_are_shortened_not_squeezed_into_the_axes():
    """A hostile pass of the lexicon tools: a theme label of 120 characters, as a tick or legend label, squeezed the
    heatmap's axes to nothing and matplotlib's layout gave up with a warning on stderr. Labels are shortened where
    they still differ (the full ones are in the lexicon and the CSVs); every figure is laid out, nothing cut off."""
    import dataclasses
    import warnings

    from toolkit.analysis.lexicon import Lexicon

    spec = shape("seeds")
    lexicon = spec["lexicon"]
    long = [
        dataclasses.replace(theme, label_zh=theme.label_zh * 12, label_en=(theme.label_en + " and more ") * 6) if i < 2 else theme
        for i, theme in enumerate(lexicon.themes)
    ]
    longer = Lexicon(tuple(long))
    for language in ("zh", "en"):
        for name, (_, function, args, kwargs) in spec["specs"].items():
            if name not in DRAWN:
                continue
            args = tuple(longer if arg is lexicon else arg for arg in args)
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)  # constrained layout that gives up warns
                fig = getattr(plots, function)(*args, **{**kwargs, "language": language})
                FigureCanvasAgg(fig)
                fig.draw_without_rendering()
            outside = _cut_off(fig)
            assert not outside, f"{name} ({language}): cut off at the canvas's edge: {outside[:3]}"
            shown = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
            assert not any(longer.themes[0].label(language) in text for text in shown), name  # shortened everywhere


def _bands(ax):
    """Vertical extents drawn as intervals: error bars (x, low, high), and bands as polygons of some width."""
    bars, polygons = [], []
    for collection in ax.collections:
        if isinstance(collection, matplotlib.collections.LineCollection):
            for segment in collection.get_segments():
                segment = np.asarray(segment, dtype=float)
                if len(segment) == 2 and segment[0, 0] == segment[1, 0] and np.isfinite(segment).all():
                    bars.append((segment[0, 0], *sorted(segment[:, 1])))
        elif isinstance(collection, matplotlib.collections.PolyCollection):
            for path in collection.get_paths():
                vertices = _finite(path.vertices)
                if len(vertices) and np.ptp(vertices[:, 0]) > 0:
                    polygons.append(vertices)
    return bars, polygons


def _covered(x, y, bars, polygons, eps: float = 1e-9) -> bool:
    if any(abs(bx - x) < eps and low - eps <= y <= high + eps for bx, low, high in bars):
        return True
    for vertices in polygons:
        at = vertices[np.abs(vertices[:, 0] - x) < eps, 1]
        if len(at) and at.min() - eps <= y <= at.max() + eps:
            return True
    return False


@pytest.mark.parametrize("name", ["theme_shares", "theme_groups", "theme_periods", "theme_effects"])
@pytest.mark.parametrize("shape_name", SHAPES)
def test_every_value_has_the_band_the_caption_promises(shape_name, name):
    fig = _drawn(shape_name, name)
    s = shape(shape_name)
    level = plots.percent(s["level"])
    assert level in caption(name, s["level"]) and level in fig.get_suptitle().replace("\n", "")
    themes = set(s["specs"][name][2][0]["theme"])
    if shape_name in ("seeds", "policy"):
        themes -= {UNMEASURED}  # a theme not measured has no panel of data
    panels = [ax for ax in _data_axes(fig) if ax.get_title()]
    assert len(panels) == len(themes if name != "theme_effects" else themes - {OTHER})
    for ax in panels:
        bars, polygons = _bands(ax)
        markers = [_finite(line.get_xydata()) for line in ax.lines if line.get_marker() == "o"]  # values
        points = np.concatenate(markers) if markers else np.zeros((0, 2))
        if not len(points):  # bars: the top of each
            points = np.array(
                [
                    [b.get_x() + b.get_width() / 2, b.get_height()]
                    for b in ax.patches
                    if isinstance(b, matplotlib.patches.Rectangle) and b.get_height() > 0
                ]
            )
        assert len(points), f"{name}: nothing drawn in {ax.get_title()!r}"
        bare = [(x, y) for x, y in points if not _covered(x, y, bars, polygons)]
        assert not bare, f"{name}: {len(bare)} values without their {level} interval in {ax.get_title()!r}: {bare[:3]}"


@pytest.mark.parametrize("shape_name", SHAPES)
def test_a_year_in_a_run_too_short_for_a_band_to_show_has_its_error_bar(shape_name):
    """From a hostile pass on a century with gaps: 2017-18, two years of 101, had a band three pixels wide (an
    interval of 0.12-0.91 barely seen) beside the bold error bars of the years alone, which looked the less sure.
    A year in a run of consecutive years narrower than a twentieth of the span has its error bar; the title says
    bands only where one shows."""
    fig = _drawn(shape_name, "theme_shares")
    yearly = shape(shape_name)["tables"]["theme_by_year"]
    years = sorted(set(yearly.loc[yearly["share"].notna(), "year"].astype(int)))
    runs, run = [], [years[0]]
    for year in years[1:]:
        if year == run[-1] + 1:
            run.append(year)
        else:
            runs.append(run)
            run = [year]
    runs.append(run)
    span = years[-1] - years[0]
    short = {year for run in runs if run[-1] - run[0] < span / 20 or len(run) == 1 for year in run}
    for ax in _data_axes(fig)[:-1]:  # the panels, not the strip of documents
        bars, _ = _bands(ax)
        assert short <= {round(x) for x, _, _ in bars}, ax.get_title()
    banded = any(run[-1] - run[0] >= max(1, span / 20) for run in runs)
    title = fig.get_suptitle().replace("\n", "")
    assert ("阴影" in title) == banded and ("误差线" in title) == (not banded)


@pytest.mark.parametrize("shape_name", SHAPES)
def test_the_interval_level_in_every_label_comes_from_the_config(shape_name):
    s = shape(shape_name)
    level = plots.percent(s["level"])
    for name in ["theme_shares", "theme_change", "theme_periods", "theme_groups", "theme_effects"]:
        fig = figure(shape_name, name)
        if fig is None:
            continue
        texts = " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))
        percents = set(re.findall(r"\d+(?:\.\d+)?%", texts))
        assert percents == {level}, f"{name}: labels say {percents}, the config {level}"
        assert re.findall(r"\d+(?:\.\d+)?%", caption(name, s["level"])) in ([], [level])


@pytest.mark.parametrize("shape_name", SHAPES)
def test_cells_resting_on_one_document_are_marked(shape_name):
    s = shape(shape_name)
    yearly = s["tables"]["theme_by_year"]
    one = set(yearly.loc[yearly["n_documents"] == 1, "year"])
    every = one and one == set(yearly.loc[yearly["n_documents"] > 0, "year"])
    if every:  # a corpus of one report a year: every marker hollow told nothing apart, the title says it instead
        one = set()
    fig = _drawn(shape_name, "theme_shares")
    for ax in _data_axes(fig)[:-1]:  # the panels, not the strip of documents
        faces = {}
        for line in ax.lines:
            if line.get_marker() in (None, "None", "") or not len(_finite(line.get_xydata())):
                continue
            hollow = matplotlib.colors.to_hex(line.get_markerfacecolor()) == "#ffffff"
            for x, _ in _finite(line.get_xydata()):
                faces.setdefault(int(round(x)), set()).add(hollow)
        assert {x for x, f in faces.items() if True in f} == one, f"hollow markers {sorted(faces)} not {one}"
        assert all(f == {False} for x, f in faces.items() if x not in one)
    if one:
        assert "空心点" in fig.get_suptitle()
    assert ("每年只有一份文档" in fig.get_suptitle()) == bool(every) and not (every and "空心点" in fig.get_suptitle())


@pytest.mark.parametrize("shape_name", SHAPES)
def test_theme_words_keep_the_period_order_of_the_table(shape_name):
    s = shape(shape_name)
    fig = _drawn(shape_name, "theme_words")
    grid = fig.axes[0]
    headers = [t.get_text().replace("\n", "") for t in grid.texts if t.get_position()[1] == -0.52]
    assert headers == [str(p) for p in s["word_periods"]]


@pytest.mark.parametrize("shape_name", SHAPES)
def test_document_labels_tell_the_titles_apart(shape_name):
    fig = _drawn(shape_name, "document_themes")
    table = shape(shape_name)["tables"]["document_themes"]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    shown = table.iloc[np.unique(np.linspace(0, len(table) - 1, len(labels)).round().astype(int))]
    assert len(set(labels)) == len(set(zip(shown["year"], shown["title"])))
    assert all(plots._em(label) <= 30 for label in labels)


@pytest.mark.parametrize("shape_name", ["one_year", "policy"])
def test_categories_are_points_with_error_bars_not_lines(shape_name):
    fig = _drawn(shape_name, "theme_effects")
    expected = shape(shape_name)["tables"]["effects_expected"]
    unsupported = set(expected.loc[~expected["supported"], "tier" if "tier" in expected else "level"])
    for ax in _data_axes(fig):
        for line in ax.lines:
            joined = line.get_linestyle() not in ("None", "", " ") and len(_finite(line.get_xydata())) > 1
            assert not joined, "categories joined by a line"
        bars, _ = _bands(ax)
        assert len(bars) == (expected["supported"].sum() // expected["theme"].nunique())
        labels = [t.get_text() for t in ax.get_xticklabels()]
        for category in unsupported:  # its tick stays, with nothing drawn over it
            position = labels.index(category)
            assert not any(abs(x - position) < 0.5 for x, _, _ in bars)


@pytest.mark.parametrize("shape_name", ["seeds", "policy"])
@pytest.mark.parametrize(
    "name",
    [
        "theme_shares",
        "theme_area",
        "theme_heatmap",
        "theme_change",
        "theme_periods",
        "theme_groups",
        "model_vs_keywords",
    ],
)
def test_a_theme_that_is_not_measured_is_named_so_and_not_drawn_as_a_measured_zero(shape_name, name):
    """The seed run's diplomacy theme has no keyword in the vocabulary: its panels were flat lines at 0 on a 0-1
    axis, its change a point at 0, its heatmap row .00: a measured zero to a reader. Each figure now says that
    it is not measured and draws no value for it."""
    fig = _drawn(shape_name, name)
    label = shape(shape_name)["lexicon"].label(UNMEASURED, "zh")
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible()]
    panels = [ax for ax in fig.axes if ax.get_title().split("  ")[0] == label]
    if panels:  # small multiples: the theme's panel says why and draws nothing
        (ax,) = panels
        assert any("未测量" in t.get_text() for t in ax.texts)
        assert len(_points(ax)) == 0
    else:  # one axis of all themes: its label says so
        assert f"{label} (未测量)" in texts
    if name == "theme_change":
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        row = ticks.index(f"{label} (未测量)")
        assert not any(abs(y - row) < 0.5 for _, y in _points(fig.axes[0]))
    if name == "theme_heatmap":
        (image,) = fig.axes[0].images
        rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert image.get_array().mask[rows.index(f"{label} (未测量)")].all()


def test_a_theme_without_a_share_in_the_named_periods_is_not_called_unmeasured():
    """A period table may leave years out: a theme of 2021-2022 has no share in 十二五 and 十三五 and was labelled
    "not measured" there; only a theme the whole corpus lacks (ShareModel's interval_basis says so) is."""
    from toolkit.analysis.trends import unmeasured

    table = shape("policy")["tables"]["theme_by_period"].copy()
    late = table["theme"] == "security_risk"
    table.loc[late, ["share", "share_low", "share_high"]] = 0.0
    assert unmeasured(table) == {UNMEASURED}
    fig = plots.plot_theme_periods(table, shape("policy")["lexicon"], level=0.9)
    label = shape("policy")["lexicon"].label("security_risk", "zh")
    (panel,) = [ax for ax in fig.axes if ax.get_title() == label]
    assert not any("未测量" in t.get_text() for t in panel.texts)


def test_effects_along_two_years_are_drawn_at_those_years():
    """A formula of ``year`` on a corpus of two years: two categories, each a point with its error bar under its
    year (the year axis of a longer span left them outside the axes: every panel was empty)."""
    lexicon = load_lexicon()
    expected = _effects(lexicon.names, "year", [2021, 2020], [""], lambda v, g: True)
    fig = plots.plot_effects(expected, lexicon, level=0.9)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    panels = _data_axes(fig)
    assert len(panels) == len(lexicon.names)
    for ax in panels:
        points = _points(ax)
        low, high = sorted(ax.get_xlim())
        assert len(points) and ((points[:, 0] >= low) & (points[:, 0] <= high)).all()
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021"]


@pytest.mark.parametrize(
    "provinces",
    [
        "上海 北京 广东 江苏 浙江 山东 河南 四川 湖北 湖南 安徽 福建 江西 陕西 辽宁 内蒙古自治区".split(),
        "北京 上海 天津 重庆 河北 山西 辽宁 吉林 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川".split(),
    ],
    ids=["sixteen", "twenty-short"],
)
def test_a_legend_of_many_groups_lies_between_the_title_and_the_panels(provinces):
    """Sixteen or twenty provinces: the legend names each once, inside the canvas, over no panel and under the
    title (inside the first panel it covered the data and the title, and its first entry left the canvas; twenty
    short names in as many columns reached past both edges)."""
    lexicon = load_lexicon()
    keys = [{"province": p, "year": y} for p in provinces for y in (2018, 2019, 2020, 2021)]
    table = _cells(keys, [2] * len(keys), [*lexicon.names, OTHER], np.random.default_rng(16))
    fig = plots.plot_theme_groups(table, lexicon, title="十六省")
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    [legend] = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == provinces
    box = legend.get_window_extent(renderer)
    assert _inside(box, fig.bbox) and not _cut_off(fig)
    for ax in _data_axes(fig):
        assert not box.overlaps(ax.get_tightbbox(renderer)), ax.get_title()
    assert box.y1 <= fig._suptitle.get_window_extent(renderer).y0


LONG_GROUPS = ["湖北省武汉市江汉区" * 13 + "甲", "<b>粗体&amp;组</b>", "安徽省安庆市大观区人民政府办公室关于印发" * 3 + "乙"]


def test_long_group_names_are_shortened_in_the_legend_and_beside_the_bars():
    """From a hostile pass of figures on other corpus shapes: groups named with 62 and 120 characters ran off both
    edges of theme_groups' legend and off the right of lexicon_sensitivity, whose bars shrank to a third of the
    width; the names are shortened as documents' titles are, and stay apart."""
    lexicon = load_lexicon()
    keys = [{"place": p, "year": y} for p in LONG_GROUPS for y in (2018, 2019, 2020)]
    table = _cells(keys, [2] * len(keys), [*lexicon.names, OTHER], np.random.default_rng(7))
    fig = plots.plot_theme_groups(table, lexicon)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    [legend] = fig.legends
    names = [t.get_text() for t in legend.get_texts()]
    assert len(set(names)) == 3 and names[1] == LONG_GROUPS[1] and not _cut_off(fig), names
    sensitivity = pd.DataFrame(
        [
            {"theme": theme, "word": word, "keyword_tokens": 9, "units_only": False, "shift": shift, "at": at, "mean_shift": 0.01}
            for theme in lexicon.names[:4]
            for word, shift, at in (("创新", 0.08, LONG_GROUPS[0]), ("科技", 0.05, LONG_GROUPS[2]), ("数字", 0.02, "武汉"))
        ]
    )
    fig = plots.plot_lexicon_sensitivity(sensitivity, lexicon)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    # names that differ in two places (a district's, then the end) stay apart: four series had two legend entries
    # (a review)
    districts = [
        f"湖北省武汉市{d}人民政府国民经济和社会发展第十四个五年规划纲要({k})"
        for d in ("江岸区", "江汉区")
        for k in ("报告", "解读")
    ]
    keys = [{"place": p, "year": y} for p in districts for y in (2021, 2022)]
    alike = plots.plot_theme_groups(_cells(keys, [2] * len(keys), [*lexicon.names, OTHER], np.random.default_rng(8)), lexicon)
    FigureCanvasAgg(alike)
    alike.draw_without_rendering()
    [legend] = alike.legends
    assert len({t.get_text() for t in legend.get_texts()}) == 4 and not _cut_off(alike)
    [ax] = fig.axes
    assert ax.get_position().width > 0.6  # the bars keep the figure's width
    labels = [t.get_text() for t in ax.texts]
    assert "数字 (武汉)" in labels and len({label for label in labels if label.startswith("创新")}) == 1


def test_long_theme_labels_wrap_inside_their_panels():
    """Labels twenty characters longer (a researcher's own lexicon): the panels' titles ran into each other and
    past the canvas (theme_shares, top_words)."""
    from dataclasses import replace

    base = load_lexicon()
    long = "(含政策文件中与该主题相关的全部表述)"
    lexicon = replace(base, themes=tuple(replace(theme, label_zh=theme.label_zh + long) for theme in base.themes))
    s = shape("policy")
    topics = pd.DataFrame(
        {
            "topic": range(6),
            "theme": lexicon.names[:6],
            "top_words": [["创新", "人才"]] * 6,
            "top_weights": [[0.1, 0.05]] * 6,
        }
    )
    for fig in (plots.plot_theme_shares(s["tables"]["theme_by_year"], lexicon), plots.plot_top_words(topics, lexicon)):
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        titles = [ax.title.get_window_extent(renderer) for ax in fig.axes if ax.get_visible() and ax.title.get_text()]
        assert len(titles) >= 6 and not _cut_off(fig)
        assert not any(a.overlaps(b) for i, a in enumerate(titles) for b in titles[i + 1 :])


def test_a_few_years_far_apart_are_the_ticks_and_stand_off_the_axes_edges():
    """Three reports, 1954, 1978 and 2022: the ticks read 1960 ... 2020, never a year with data, and the first
    and last years' error bars sat on the axes' edges (half a year of padding on a 70-year axis)."""
    lexicon = load_lexicon()
    years = [1954, 1978, 2022]
    calendar = list(range(1954, 2023))
    table = _cells(
        [{"year": y} for y in calendar],
        [1 if y in years else 0 for y in calendar],
        [*lexicon.names, OTHER],
        np.random.default_rng(3),
    )
    fig = plots.plot_theme_shares(table, lexicon)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    for ax in _data_axes(fig):
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()] in ([], ["1954", "1978", "2022"])
        low, high = ax.get_xlim()
        assert 1954 - low >= 3 and high - 2022 >= 3
    assert [t.get_text() for t in fig.axes[-1].get_xticklabels()] == ["1954", "1978", "2022"]  # the strip's


@pytest.mark.parametrize("name", ["theme_shares", "theme_groups"])
def test_a_corpus_of_one_year_is_said_to_have_error_bars_not_bands(name):
    """One year: every value is an error bar; the titles said "阴影" (shading), which nothing was."""
    title = _drawn("one_year", name).get_suptitle().replace("\n", "")
    assert "误差线" in title and "阴影" not in title
    assert "阴影" in _drawn("seeds", name).get_suptitle().replace("\n", "")  # years that follow each other: bands


def test_a_year_alone_has_its_seed_range_dotted_beside_its_error_bar_and_no_title_of_change():
    """From a hostile pass of a corpus of one year: the range over seeds was two dashes in the theme's colour on
    the error bar, read as its inner caps (a second interval nested in it), while the caption promised a dotted
    line; and the title spoke of a change over the years (年度变化) of a single year."""
    import matplotlib.collections

    fig = _drawn("one_year", "theme_shares")
    assert "年度变化" not in fig.get_suptitle() and "各主题占比" in fig.get_suptitle()
    panels = 0
    for ax in _data_axes(fig)[:-1]:  # the documents strip last
        dotted = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection) and c.get_linestyle()[0][1]]
        segments = [np.asarray(segment) for c in dotted for segment in c.get_segments()]
        if not segments:
            continue
        panels += 1
        ((x0, low), (x1, high)) = segments[0]
        assert x0 == x1 == 2024 and low / high == pytest.approx(0.9 / 1.1)  # seed_min and seed_max of the table
        # no mark at the seeds' ends (the error bar's own caps are at its interval's)
        marked = [line for line in ax.lines if line.get_marker() not in (None, "None", "", " ")]
        ends = [y for line in marked for y in np.asarray(line.get_ydata(), dtype=float).ravel()]
        assert not [y for y in ends if np.isclose(y, low) or np.isclose(y, high)]
    assert panels >= 10
    assert "年度变化" in _drawn("seeds", "theme_shares").get_suptitle()  # years: their change


def test_the_validity_figure_of_one_year_has_no_legend_for_a_correlation_across_years():
    """From a hostile pass of a corpus of one year: its legend named 跨年份 r (across years), with no bar of it."""
    fig = _drawn("one_year", "theme_validity")
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels and "跨年份 r" not in labels
    # nor where its bars would be, "cannot be computed" beside each theme's across-documents bar (a review)
    assert not [t for ax in fig.axes for t in ax.texts if t.get_text() == "无法计算"]
    assert "跨年份 r" in [t.get_text() for legend in _drawn("seeds", "theme_validity").legends for t in legend.get_texts()]


def test_theme_words_of_one_period_say_nothing_of_a_period_before(lexicon):
    """From a hostile pass of a corpus of one year: theme_words explained new and carried-over words (新进入/沿用上一
    时期) where there was one period and no word could be either."""
    from toolkit.output.plots import plot_theme_words

    words = pd.DataFrame(
        [
            {"theme": theme, "period": "2024", "rank": rank + 1, "word": word, "new": True}
            for theme in lexicon.names[:3]
            for rank, word in enumerate(["创新", "发展", "建设"])
        ]
    )

    def said(fig) -> str:
        return " ".join(t.get_text() for t in [*fig.texts, *[t for ax in fig.axes for t in ax.texts]]).replace("\n", "")

    assert "沿用上一时期" not in said(plot_theme_words(words, lexicon)) and "c-TF-IDF" in said(plot_theme_words(words, lexicon))
    assert "沿用上一时期" in said(plot_theme_words(pd.concat([words, words.assign(period="2025")]), lexicon))


def test_the_documents_strip_counts_whole_documents():
    for shape_name in SHAPES:
        strip = _drawn(shape_name, "theme_shares").axes[-1]
        assert all(float(t).is_integer() for t in strip.get_yticks()), shape_name


def test_a_lexicon_of_one_theme_draws_one_panel_wide():
    """model_vs_keywords kept three columns for one theme: two thirds of the canvas blank."""
    from dataclasses import replace

    base = load_lexicon()
    one = replace(base, themes=base.themes[:1])
    s = shape("policy")
    tables = s["tables"]
    fig = plots.plot_model_vs_keywords(tables["theme_by_year"], tables["keyword_by_year"], tables["model_vs_keywords"], one)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    panels = [ax for ax in fig.axes if ax.get_visible()]  # the panel and its keyword scale's twin
    assert panels and all(ax.get_position().width >= 0.7 for ax in panels)  # the panel spans the canvas


@pytest.mark.parametrize("shape_name", SHAPES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_title_of_a_one_theme_figure_takes_at_most_a_quarter_of_it(shape_name, language):
    """From issue 29: theme_effects of one theme was a three-inch panel, its title wrapped into six lines, over a
    quarter of the figure. Small multiples are five inches wide at least."""
    from dataclasses import replace

    base = load_lexicon()
    one = replace(base, themes=base.themes[:1])
    s = shape(shape_name)
    keep = {one.names[0], OTHER}
    tables = {k: v[v["theme"].isin(keep)] if "theme" in getattr(v, "columns", ()) else v for k, v in s["tables"].items()}
    options = {"language": language, "trend_style": "panels", "top_words": 10, "theme_words": 5}
    specs = figure_specs(tables, one, options, title=shape_name, level=s["level"])
    assert "theme_effects" in {spec[0] for spec in specs} or shape_name == "seeds"
    for name, function, args, kwargs in specs:
        fig = getattr(plots, function)(*args, **kwargs)
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()
        title = fig._suptitle
        if title is not None:
            height = title.get_window_extent(fig.canvas.get_renderer()).height
            assert height <= fig.bbox.height / 4, name
        assert not _cut_off(fig), name


def test_a_period_without_documents_is_said_so_on_its_tick():
    """A configured period the corpus has no document in (文革 among three reports) was a blank slot, unexplained."""
    lexicon = load_lexicon()
    spans = {"建国初期": (1949, 1965), "文革": (1966, 1976), "改革开放": (1977, 2022)}
    table = _cells([{"period": p} for p in spans], [1, 0, 2], [*lexicon.names, OTHER], np.random.default_rng(4))
    fig = plots.plot_theme_periods(_with_years(table, spans, [1954, 1978, 2022]), lexicon)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    labels = ["".join(t.get_text().split()) for t in _data_axes(fig)[0].get_xticklabels()]  # as wrapped or not
    assert labels[1] == "文革(无文档)" and "无文档" not in labels[0] + labels[2]


def test_titles_that_fit_their_panel_are_not_wrapped():
    """English topic titles ("Topic 11: Security and risk") were split over two lines in panels they fit; only one
    at the grid's edge that would reach past the canvas is wrapped."""
    lexicon = load_lexicon()
    topics = pd.DataFrame(
        {"topic": range(12), "theme": lexicon.names[:12], "top_words": [["创新", "人才"]] * 12, "top_weights": [[0.1, 0.05]] * 12}
    )
    fig = plots.plot_top_words(topics, lexicon, language="en")
    inner = [ax.title.get_text() for ax in fig.axes if ax.title.get_text() and ax.get_subplotspec().colspan.start not in (0, 4)]
    assert len(inner) == 7 and not [t for t in inner if "\n" in t]  # 6: Reform and governance, among them
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    boxes = [ax.title.get_window_extent(renderer) for ax in fig.axes if ax.title.get_text()]
    assert not _cut_off(fig) and not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("dpi", [60, 150])
def test_a_two_year_heatmap_and_the_validity_figure_keep_their_labels_inside_the_canvas(language, dpi):
    """From a hostile pass of the figures (a corpus of 2019 and 2020): the heatmap's width left 3.2 inches for the
    theme labels and the colour bar, so its English labels pushed the bar's label off the canvas; the validity
    figure's title, centred over an axes the labels push right, ran off the canvas's right edge."""
    lexicon = load_lexicon()
    themes = [*lexicon.names, OTHER]
    rows = [{"year": y, "theme": t, "share": 0.05} for y in (2019, 2020) for t in themes]
    diagnostics = pd.DataFrame(
        {
            "theme": lexicon.names,
            "r_years": np.nan,
            "r_documents": 0.9,
            "validated": [i % 3 != 0 for i in range(len(lexicon.names))],
        }
    )
    with plots.layout_dpi(dpi):  # laid out at the dpi it is drawn at, as a run lays out at figures.dpi
        figures = (
            plots.plot_theme_heatmap(pd.DataFrame(rows), lexicon, language=language, title="twoyears_groups"),
            plots.plot_theme_validity(diagnostics, lexicon, language=language, title="twoyears_groups"),
        )
    for fig in figures:
        assert fig.dpi == dpi
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()
        outside = _cut_off(fig)
        assert not outside, f"cut off at the canvas's edge: {outside[:3]}"


@pytest.mark.parametrize("n_themes", [25, 40])
def test_a_legend_of_many_themes_beside_the_stacked_shares_fits_the_canvas(n_themes):
    """From a hostile pass of the figures on lexicons of 25 and 40 themes: theme_area's legend took as many columns
    as the figure's height asked (five for 40 themes), the layout could not fit them beside the panel, the panel
    collapsed and 26 of 40 labels ran off the canvas. Two columns at most, the figure taller and wider for them."""
    import dataclasses

    from toolkit.analysis.lexicon import Lexicon

    lexicon = load_lexicon()
    themes = tuple(
        dataclasses.replace(
            lexicon.themes[k % len(lexicon.themes)],
            name=f"theme_{k}",
            label_zh=lexicon.themes[k % len(lexicon.themes)].label_zh + f"第{k}组关键词",
        )
        for k in range(n_themes)
    )
    names = [t.name for t in themes] + [OTHER]
    rows = [{"year": y, "theme": t, "share": 1 / len(names)} for y in range(2013, 2023) for t in names]
    fig = plots.plot_theme_area(pd.DataFrame(rows), Lexicon(themes))
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    (legend,) = fig.axes[0].get_legend() and [fig.axes[0].get_legend()]
    assert legend._ncols <= 2 and len(legend.get_texts()) == len(names)
    panel = fig.axes[0].get_window_extent()
    assert panel.width > 0.4 * fig.bbox.width and panel.height > 0.6 * fig.bbox.height  # no collapsed panel


def test_document_themes_of_sixty_themes_is_as_tall_as_its_legend_in_two_columns():
    """From issue 29: document_themes kept room for a legend of one column whatever the number of themes (60 themes:
    14 inches tall for five bars), while the legend was laid out in two, filling a third of the height."""
    import dataclasses

    from toolkit.analysis.lexicon import Lexicon

    lexicon = load_lexicon()
    themes = tuple(dataclasses.replace(lexicon.themes[k % len(lexicon.themes)], name=f"theme_{k}") for k in range(60))
    names = [t.name for t in themes] + [OTHER]
    shares = pd.DataFrame(np.random.default_rng(60).dirichlet(np.ones(len(names)), size=5), columns=names)
    shares = shares.assign(doc_id=[f"d{i}" for i in range(5)], year=range(2018, 2023), title=_titles(SEEDS / "metadata.csv")[:5])
    fig = plots.plot_document_themes(shares, Lexicon(themes))
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    legend = fig.axes[0].get_legend()
    assert legend._ncols == 2 and len(legend.get_texts()) == len(names)
    assert legend.get_window_extent().height > 0.6 * fig.bbox.height  # the legend, not blank space, sets the height


def test_top_words_titles_of_long_labels_stay_within_the_canvas_and_ticks_do_not_run_together():
    """From a hostile pass of the figures (25 and 40 themes): top_words' panel titles were not wrapped, and the last
    column's ran off the canvas; six x ticks of four digits ran into one another ("0.000.0250.050")."""
    import dataclasses

    from toolkit.analysis.lexicon import Lexicon

    lexicon = load_lexicon()
    themes = tuple(
        dataclasses.replace(lexicon.themes[k % len(lexicon.themes)], name=f"t{k}", label_zh=f"宏观经济第{k}组关键词之一")
        for k in range(25)
    )
    topics = pd.DataFrame(
        {
            "topic": range(1, 26),
            "theme": [t.name for t in themes],
            "top_words": [["创新", "科技", "人才"]] * 25,
            "top_weights": [[0.075, 0.05, 0.025]] * 25,
        }
    )
    fig = plots.plot_top_words(topics, Lexicon(themes), n_words=3)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        assert len(boxes) <= 4 and not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    # topic 21's theme has the first's colour again: its bars are hatched, as the caption says (they were not)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [c.get_hatch() for c in panels[0].collections] == [None] and panels[20].collections[0].get_hatch()
    assert "hatched past the palette's 20 colours" in caption("top_words", level=0.95)


def test_top_words_of_a_long_keyword_stay_within_the_canvas_and_the_word_is_shortened_visibly():
    """From a hostile pass (State Council reports 2018-2022): the lexicon's keyword 习近平新时代中国特色社会主义思想
    among a topic's top words widened every panel's label gap until the fifth column ran off the canvas, and the
    x ticks ran together ("0.000.040.08"). The long word is shortened with an ellipsis (topics.csv keeps it), two
    alike where they differ; a word of eight characters stays whole."""
    lexicon = load_lexicon()
    themes = [t.name for t in lexicon.themes]
    topics = pd.DataFrame(
        {
            "topic": range(1, 21),
            "theme": [themes[k % len(themes)] for k in range(20)],
            "top_words": [
                ["习近平新时代中国特色社会主义思想", "粤港澳大湾区建设", "中国特色社会主义道路", "中国特色社会主义制度", "创新"]
            ]
            * 20,
            "top_weights": [[0.08, 0.06, 0.04, 0.03, 0.02]] * 20,
        }
    )
    fig = plots.plot_top_words(topics, lexicon, n_words=5)
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        # two words alike at their start stay apart (a review: both were 中国特色社会主…)
        assert labels[0] == "创新" and labels[3:] == ["粤港澳大湾区建设", "习近平新时代中…"]
        assert len(set(labels)) == 5 and all("…" in label for label in labels[1:3])
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


LONG_CORPUS_NAME = (
    "粤港澳大湾区与长江三角洲区域一体化发展政策文本 Guangdong-Hong Kong-Macao Greater Bay Area Policy Corpus 2017-2020"
)


@pytest.mark.parametrize("name", ["theme_area", "document_themes", "top_words", "lexicon_sensitivity", "theme_shares"])
def test_a_long_corpus_name_in_a_title_stays_within_the_canvas(name):
    """From a hostile pass: a corpus.name of 90 characters (Chinese and English) ran off both edges of the titles of
    theme_area, document_themes, top_words and lexicon_sensitivity (cut at 44 characters of Chinese in theme_area);
    each title wraps, every word of it drawn."""
    if name == "lexicon_sensitivity":  # a run of the seeds has too few keywords to draw it
        lexicon = load_lexicon()
        sensitivity = pd.DataFrame(
            [
                {"theme": theme, "word": word, "keyword_tokens": 9, "units_only": False, "shift": shift, "at": "武汉"}
                for theme in lexicon.names[:4]
                for word, shift in (("创新", 0.08), ("科技", 0.05))
            ]
        )
        function, args, kwargs = "plot_lexicon_sensitivity", (sensitivity, lexicon), {}
    else:
        _, function, args, kwargs = shape("seeds")["specs"][name]
    if name == "theme_shares":  # its every-theme-in-one-panel style: one axes beside a side legend
        function = "plot_theme_lines"
    fig = getattr(plots, function)(*args, **{**kwargs, "title": LONG_CORPUS_NAME})
    FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    assert not _cut_off(fig)
    drawn = " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible())
    assert all(word in drawn.replace("\n", " ") for word in ("粤港澳大湾区", "Guangdong-Hong", "2017-2020"))
