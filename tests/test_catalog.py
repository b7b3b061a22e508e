"""toolkit/output/catalog.py, the one declaration of every output: its declarations hold together (functions
that exist, tables that are declared, captions that name the level of the figures with intervals), figure_specs
draws what it declares, and a run's tables that differ from it stop the run."""

from __future__ import annotations

import importlib
import re

import pandas as pd
import pytest

from toolkit.config import Config
from toolkit.output import catalog, plots
from toolkit.output.tables import SMALL_MULTIPLES, figure_specs

from .conftest import SEEDS_CONFIG

TABLE_NAMES = [table.name for table in catalog.TABLES]


def _resolve(dotted: str):
    """``module.function`` (or ``module.Class.method``) under toolkit, imported."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target = importlib.import_module("toolkit." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise AssertionError(f"no module in {dotted}")


def test_names_are_unique_and_every_producer_exists():
    files = [output.file for output in catalog.OUTPUTS]
    assert len(files) == len(set(files))
    assert len(catalog.FIGURES) == len(catalog.FIGURE)
    for output in catalog.OUTPUTS:
        assert callable(_resolve(output.producer)), output.producer
        assert output.about and not output.about.endswith("."), output.file  # a cell of docs/outputs.md


@pytest.mark.parametrize("figure", catalog.FIGURES, ids=lambda figure: figure.name)
def test_each_figure_is_drawn_by_a_function_from_declared_tables(figure):
    for function in [figure.plot, *(style[2] for style in figure.styles)]:
        assert callable(getattr(plots, function)), function
    assert figure.tables and set(figure.tables) <= set(TABLE_NAMES)
    # the README says when a figure is not drawn: an optional one, or one that needs years to compare
    assert bool(figure.when) == (figure.optional or figure.years > 1)
    assert figure.about.endswith(".") and (not figure.when or figure.when.endswith("."))
    # a figure with intervals names their coverage in its caption, and in that of each style; no other placeholder
    for caption in [figure.caption, *(style[3] for style in figure.styles)]:
        assert set(re.findall(r"\{(\w*)\}", caption)) == ({"level"} if figure.level else set())


def test_the_caption_is_that_of_the_style_drawn():
    """``figures.trend_style = "lines"`` draws every theme in one panel; the report's caption said one panel per
    theme."""
    from toolkit.output.report import caption

    assert "one panel per theme" in caption("theme_shares", 0.9, {"trend_style": "panels"})
    lines = caption("theme_shares", 0.9, {"trend_style": "lines"})
    assert "one panel per theme" not in lines and "in one panel" in lines and "90%" in lines


def _tables(empty: tuple[str, ...] = ()) -> dict[str, pd.DataFrame]:
    """One row (none for the names in ``empty``) per table of the catalog."""
    tables = {name: pd.DataFrame({"x": [] if name in empty else [1]}) for name in TABLE_NAMES}
    if "theme_by_year" not in empty:  # years with shares: model_vs_keywords compares two at least
        tables["theme_by_year"] = pd.DataFrame({"year": [2020, 2021], "share": [0.1, 0.2]})
    if "theme_by_group_year" not in empty:  # groups with shares: theme_groups compares two at least
        tables["theme_by_group_year"] = pd.DataFrame({"place": ["a", "b"], "share": [0.1, 0.2]})
    return tables


OPTIONS = {"language": "en", "trend_style": "panels", "top_words": 7, "theme_words": 3}
ALWAYS = [f.name for f in catalog.FIGURES if not f.optional]


def test_figure_specs_follow_the_declarations():
    tables, lexicon = _tables(), object()
    specs = figure_specs(tables, lexicon, OPTIONS, title="t", level=0.9)
    assert [spec[0] for spec in specs] == [figure.name for figure in catalog.FIGURES]
    for name, function, args, kwargs in specs:
        figure = catalog.FIGURE[name]
        assert function == figure.plot
        assert list(args) == [tables[t] for t in figure.tables] + ([lexicon] if figure.lexicon else [])
        assert kwargs["language"] == "en" and kwargs["title"] == "t" and kwargs.get("level") == (0.9 if figure.level else None)
    by_name = {spec[0]: spec for spec in specs}
    assert by_name["top_words"][3]["n_words"] == 7 and by_name["theme_words"][3]["n_words"] == 3
    assert figure_specs(tables, lexicon, {**OPTIONS, "trend_style": "lines"})[0][1] == "plot_theme_lines"
    small = {"theme_shares", "model_vs_keywords", "top_words", "theme_groups", "theme_periods", "theme_effects"}
    assert set(SMALL_MULTIPLES) == small


def test_optional_figures_need_rows():
    optional = [t for f in catalog.FIGURES if f.optional for t in f.tables]
    assert [spec[0] for spec in figure_specs(_tables(empty=tuple(optional)), None, OPTIONS)] == ALWAYS
    absent = {k: v for k, v in _tables().items() if k not in optional}
    assert [spec[0] for spec in figure_specs(absent, None, OPTIONS)] == ALWAYS


def test_tables_of_cells_without_a_document_draw_no_figure():
    """From a hostile statistical review: named periods that the corpus misses (three 2020 documents, periods of
    the 1950s-2000s) drew theme_periods and theme_groups as 18 empty panels captioned "with 99% intervals"."""
    empty = pd.DataFrame({"period": ["一五", "十五"], "theme": "ecology", "share": float("nan"), "n_documents": 0})
    assert not catalog.FIGURE["theme_periods"].drawn({"theme_by_period": empty})
    assert catalog.FIGURE["theme_periods"].drawn({"theme_by_period": empty.assign(n_documents=[0, 2], share=[None, 0.1])})
    groups = pd.concat([empty.assign(place="a"), empty.assign(place="b")])[["place", "period", "theme", "share", "n_documents"]]
    assert not catalog.FIGURE["theme_groups"].drawn({"theme_by_group_year": groups})
    held = groups.assign(n_documents=[0, 2, 0, 2], share=[None, 0.1, None, 0.2])  # each group in one period
    assert catalog.FIGURE["theme_groups"].drawn({"theme_by_group_year": held})


def test_an_expected_share_curve_is_drawn_when_any_of_its_points_is_supported():
    """theme_effects is drawn when some point of effects_expected.csv is supported by documents (the figure breaks
    the curve where none are), and not when none is (no coefficient could be estimated): a mutation audit drew it
    only when every point was supported, losing the figure of any covariate with a gap, and no test saw it."""
    curve = pd.DataFrame({"theme": "ecology", "x": [1.0, 2.0, 3.0], "share": [0.2, float("nan"), 0.3]})
    figure = catalog.FIGURE["theme_effects"]
    assert figure.drawn({"effects_expected": curve.assign(supported=[True, False, True])})
    assert figure.drawn({"effects_expected": curve.assign(supported=True)})
    assert not figure.drawn({"effects_expected": curve.assign(supported=False)})
    assert not figure.drawn({"effects_expected": curve.iloc[:0].assign(supported=True)})


class _Recorded:
    """Jobs that keep what they are given."""

    def __init__(self):
        self.submitted = []

    def submit(self, function, *args, **kwargs):
        self.submitted.append(args)


def test_the_figure_queue_hands_each_figure_over_once_its_tables_exist_as_they_were_then(tmp_path):
    from toolkit.output.tables import FigureQueue

    jobs, tables = _Recorded(), _tables()
    queue = FigureQueue(jobs, tmp_path, None, {**OPTIONS, "formats": ["png"], "dpi": 30})
    queue.offer({"topics": tables["topics"]})
    assert [args[1] for args in jobs.submitted] == ["top_words"]
    tables["topics"]["x"] = [99]  # changed after it was offered (pickled for the workers in a thread of their own)
    assert list(jobs.submitted[0][3][0]["x"]) == [1]
    queue.offer({"topics": tables["topics"], "theme_by_year": tables["theme_by_year"]})
    names = [args[1] for args in jobs.submitted]
    assert "theme_shares" in names and len(names) == len(set(names))
    queue.finish(tables)
    assert sorted(args[1] for args in jobs.submitted) == sorted(f.name for f in catalog.FIGURES)


def test_a_run_writes_exactly_the_declared_tables():
    config = Config.load(SEEDS_CONFIG)  # trends.by and terms.track, no periods, no formula
    expected = catalog.tables_of(config)
    assert {"theme_by_group", "group_change", "term_counts", "kwic"} <= set(expected)
    assert not {"theme_by_period", "effects", "effects_expected"} & set(expected)
    catalog.check_tables(expected, config)
    catalog.check_tables([n for n in expected if n != "group_change"], config)  # one group: no group change
    with pytest.raises(RuntimeError, match=r"new_table \(not declared\)"):
        catalog.check_tables([*expected, "new_table"], config)
    with pytest.raises(RuntimeError, match=r"units \(missing\)"):
        catalog.check_tables([n for n in expected if n != "units"], config)
    with pytest.raises(RuntimeError, match=r"effects \(written without effects.formula\)"):
        catalog.check_tables([*expected, "effects"], config)


def test_the_keyword_comparison_across_years_is_not_drawn_for_one_year():
    """From a hostile pass on a corpus of one year: model_vs_keywords drew each theme's one share and one keyword rate,
    each on an axis of its own, so that bar and dot met in every panel, an agreement that is not there (r is empty)."""
    figure = catalog.FIGURE["model_vs_keywords"]
    one = pd.DataFrame({"year": [2023, 2024, 2025], "share": [float("nan"), 0.2, float("nan")]})
    assert not figure.drawn({"theme_by_year": one})
    assert figure.drawn({"theme_by_year": one.fillna(0.1)})
    assert "model_vs_keywords" not in [spec[0] for spec in figure_specs({**_tables(), "theme_by_year": one}, None, OPTIONS)]


def test_the_groups_figure_is_drawn_for_two_groups_or_more():
    """From a hostile pass of many groups: a trends.by column of one value (the run warns there is no group to
    compare) still drew theme_groups, captioned "Theme shares by group", of the corpus alone."""
    import pandas as pd

    from toolkit.output import catalog

    def table(groups):
        return pd.DataFrame(
            {"province": [g for g in groups for _ in (0, 1)], "year": [2020, 2021] * len(groups), "theme": "ecology",
             "share": 0.1, "n_documents": 2}
        )  # fmt: skip

    figure = catalog.FIGURE["theme_groups"]
    assert not figure.drawn({"theme_by_group_year": table(["全国"])})
    assert figure.drawn({"theme_by_group_year": table(["广东省", "湖北省"])})
    empty_second = table(["广东省", "湖北省"]).assign(share=[0.1, 0.1, None, None])  # a group without a share
    assert not figure.drawn({"theme_by_group_year": empty_second})
