"""Rules of the effects formula's grammar and of the checks around the fit (mutation audit 16 of
toolkit.analysis.formulas and the checking and grid logic of toolkit.analysis.effects): every test here failed on
a mutation that passed the other tests, or states a defect the audit found (fixed since).
A formula is data: it is parsed, never evaluated."""

import io
import logging
import signal

import formulaic
import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import formulas
from toolkit.analysis.effects import (
    _categories_alone,
    _grid,
    _missing_and_mixed,
    _references,
    _thin_terms,
    _warn_correlated,
    _within_reach,
    check_covariates,
    check_reference,
    estimate_effects,
    modelled_reference,
)
from toolkit.analysis.formulas import MAX_ARGUMENT, MAX_DEPTH, MAX_LENGTH, check_formula, check_syntax
from toolkit.config import Config
from toolkit.errors import ToolkitError

PWNED = "__import__('os').system('touch PWNED')"


def _refused(formula: str) -> str:
    with pytest.raises(ToolkitError) as info:
        check_formula(formula)
    assert "\n" not in str(info.value)
    return str(info.value)


# ---- the grammar: what is let through, and what is refused


def test_a_formula_at_each_limit_is_read_and_one_past_it_is_refused():
    at_length = "year + " * 284 + "year_1234567"  # 2,000 characters: the limit itself is allowed
    assert len(at_length) == MAX_LENGTH and check_formula(at_length) == ["year", "year_1234567"]
    nested = "(" * MAX_DEPTH + "省份" + ")" * MAX_DEPTH
    assert check_formula(f"year + {nested}") == ["year", "省份"]
    assert "nests 21 parentheses" in _refused("year + (" + nested + ")")
    # parentheses side by side are no nesting: 25 calls in a row are 25 pairs, each of depth one
    siblings = " + ".join(f"np.log(x{i})" for i in range(25))
    assert check_formula(siblings) == [f"x{i}" for i in range(25)]


def test_a_formula_too_large_to_read_in_memory_is_one_line(monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(formulas, "_check", no_memory)
    with pytest.raises(ToolkitError, match="effects.formula is too deeply nested to read"):
        check_formula("bs(year, df=3) + 省份")


def test_a_superscript_power_names_its_own_degree():
    assert "write poly(year, 4) for the polynomial" in _refused("year⁴")
    assert "write poly(年份, 10) for the polynomial" in _refused("年份¹⁰")


def test_nesting_with_a_slash_is_part_of_the_grammar():
    assert check_formula("省份 / year") == ["省份", "year"]


def test_a_refused_term_is_named_up_to_the_next_operator():
    said = _refused("year+~place+level")
    assert "'~place' is not allowed" in said and "'~place+level'" not in said


@pytest.mark.parametrize("formula", ["bs(year\x00)", "bs(year\ud800)"])  # Python's SyntaxError; a ValueError
def test_a_null_byte_or_a_lone_surrogate_inside_a_call_is_one_line(formula):
    assert "is not a term of a formula" in _refused(formula)


def test_a_number_that_scales_a_term_may_begin_with_its_point():
    assert check_formula(".5:year") == check_formula("0.5:year") == ["year"]


@pytest.mark.parametrize("name", ["年__份", "gdp__x"])
def test_a_name_holding_a_double_underscore_anywhere_is_refused(name):
    assert "names with '__' are not columns" in _refused(f"year + {name}")


@pytest.mark.parametrize(
    "formula, said",
    [
        ("year + os.log(year)", "os.log() is not one of the functions"),  # only numpy's, as np
        ("year + pd.exp(year)", "pd.exp() is not one of the functions"),
        ("year + x.np.log(year)", "x.np.log() is not one of the functions"),  # an attribute of an attribute
        ("bs(year, **[3])", "a keyword argument's value must be a number"),  # ** unpacking
        ("bs(year, __df=3)", "a keyword argument's value must be a number"),  # a keyword with '__'
        ("bs(year, df=-'3')", "not allowed"),  # quoted text behind a minus sign
    ],
)
def test_calls_outside_the_grammar_are_refused_in_one_line(formula, said):
    assert said in _refused(formula)


def test_code_in_a_list_argument_is_refused_and_never_run(tmp_path, monkeypatch):
    """A list's elements are checked one by one: a call inside knots=[...] is no constant (were lists taken whole,
    formulaic would run it when it makes the matrix)."""
    monkeypatch.chdir(tmp_path)
    for formula in (f"bs(year, knots=[{PWNED}])", f"bs(year, knots=[2010, ({PWNED})])", "bs(year, knots=[year])"):
        _refused(formula)
        data = pd.DataFrame({"doc_id": list("abcdef"), "year": [2001, 2004, 2008, 2012, 2016, 2020]})
        with pytest.raises(ToolkitError):
            check_covariates(formula, data, ["year"])
    assert not (tmp_path / "PWNED").exists()


def test_degrees_of_freedom_are_bounded_however_they_are_written():
    assert f"asks for 60 degrees of freedom, above the limit of {MAX_ARGUMENT}" in _refused("poly(year, degree=60)")
    assert "asks for 10,000,000.0 degrees of freedom" in _refused("bs(year, df=1e7)")
    assert "asks for 51 degrees of freedom" in _refused("bs(year, df=51)")
    assert check_formula("bs(year, df=50)") == ["year"]


def test_a_list_or_tuple_of_numbers_is_bounded_at_the_limit():
    fifty = ", ".join(str(2000 + i) for i in range(MAX_ARGUMENT))
    assert check_formula(f"bs(year, knots=[{fifty}])") == ["year"]
    assert check_formula(f"bs(year, knots=({fifty}))") == ["year"]
    assert check_formula("bs(year, knots=(2005, 2010))") == ["year"]  # a tuple is a list of numbers too
    assert "a list of 51 numbers" in _refused(f"bs(year, knots=[{fifty}, 2050])")
    assert "a list of 60 numbers" in _refused("bs(year, knots=(" + ", ".join(str(2000 + i) for i in range(60)) + "))")


def test_ctrl_c_while_formulaic_reads_a_formula_is_not_swallowed(monkeypatch):
    from formulaic.parser import DefaultFormulaParser

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(DefaultFormulaParser, "get_ast", interrupted)
    with pytest.raises(KeyboardInterrupt):
        check_syntax("year + 省份")


# ---- effects.reference in the config


@pytest.mark.parametrize("category", [True, "  ", ""])
def test_a_reference_that_is_no_category_is_refused_with_the_config(category):
    with pytest.raises(ToolkitError, match="effects.reference.level must be a category"):
        Config.from_dict({"effects": {"formula": "year + level", "reference": {"level": category}}})


# ---- check_covariates and the design


def _places(n: int) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "place": [f"地{i}" for i in range(n)]})


def test_a_covariate_allowed_but_absent_from_the_documents_is_no_column():
    data = pd.DataFrame({"doc_id": list("abc"), "year": [2019, 2020, 2021]})
    with pytest.raises(ToolkitError, match="'place' is no column of the documents"):
        check_covariates("year + place", data, ["year", "place"])


def test_a_name_inside_a_longer_column_name_is_no_column_with_a_space():
    data = pd.DataFrame({"doc_id": list("abc"), "year": [2019, 2020, 2021], "place_type": ["市", "县", "市"]})
    with pytest.raises(ToolkitError) as info:
        check_covariates("year + place", data, ["year", "place_type"])
    assert "'place' is no column of the documents" in str(info.value) and "space" not in str(info.value)


def test_a_column_of_one_value_and_blank_cells_has_one_value():
    data = pd.DataFrame({"doc_id": list("abcd"), "year": [2018, 2019, 2020, 2021], "kind": ["市级", "市级", None, None]})
    with pytest.raises(ToolkitError, match="uses kind, which has one value in this corpus \\(市级\\)"):
        check_covariates("year + kind", data, ["year", "kind"], design=False)


def test_a_matrix_of_exactly_the_limit_of_columns_is_made_and_one_more_is_refused():
    from toolkit.analysis.effects import _design

    # 999 levels and the intercept, estimated at 1,000 columns: made (check_covariates then refuses a term per
    # document: 999 coefficients for 999 documents)
    assert _design("C(place)", _places(999), "place").shape[1] == 999
    with pytest.raises(ToolkitError, match="about 1,001 columns, above the limit of 1,000"):
        check_covariates("C(place)", _places(1000), ["place"])


# ---- documents without a value, and columns of numbers with words among them


def _mixed(values) -> tuple[pd.DataFrame, pd.DataFrame]:
    from toolkit.analysis.effects import numeric_covariates

    raw = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(values))], "gdp": values})
    return numeric_covariates(raw, ["gdp"]), raw


def _said(caplog, values) -> str:
    data, raw = _mixed(values)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _missing_and_mixed(data, ["gdp"], raw)
    return caplog.text


def test_a_column_half_of_numbers_is_named_and_one_of_a_few_numbers_is_not(caplog):
    assert "gdp holds numbers but for '无', '缺': it is read as categories" in _said(caplog, ["1", "2", "无", "缺"])
    assert "holds numbers" not in _said(caplog, ["1", "甲", "乙", "丙"])


def test_the_stray_words_named_are_neither_blank_nor_missing_cells(caplog):
    said = _said(caplog, ["1", "2", "3", "", None, "n/a"])
    assert "gdp holds numbers but for 'n/a': it is read" in said
    assert "2 of 6 documents have no value of gdp" in said


def test_three_stray_words_are_all_named_and_a_fourth_is_an_ellipsis(caplog):
    assert "but for '丙', '乙', '甲': it is read" in _said(caplog, ["1", "2", "3", "甲", "乙", "丙"])
    assert "but for '丁', '丙', '乙' ...: it is read" in _said(caplog, ["1", "2", "3", "4", "甲", "乙", "丙", "丁"])


def test_a_column_of_numbers_is_not_said_to_hold_words(caplog):
    data = pd.DataFrame({"doc_id": list("abcd"), "gdp": [1.5, 2.5, 3.0, 4.0]})
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _missing_and_mixed(data, ["gdp"], data)
    assert not caplog.records


# ---- covariates that move with one another


def _correlated(r: float, n: int = 30, units: int = 1) -> pd.DataFrame:
    """Documents with year and gdp correlated exactly ``r`` across them (``units`` rows each), and a budget
    uncorrelated with both."""
    year = np.arange(2000, 2000 + n, dtype=float)
    x = (year - year.mean()) / year.std()
    basis = np.column_stack([np.ones(n), x])

    def apart(v):
        v = v - basis @ np.linalg.lstsq(basis, v, rcond=None)[0]
        return v / v.std()

    z = apart(np.sin(np.arange(n) * 1.7))
    budget = apart(np.cos(np.arange(n) * 0.9) - z * (np.cos(np.arange(n) * 0.9) @ z) / n)
    gdp = 100 + 10 * (r * x + np.sqrt(1 - r**2) * z)
    documents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n)], "year": year, "gdp": gdp, "budget": 5 + budget})
    return documents.loc[documents.index.repeat(units)].reset_index(drop=True)


def _moves(caplog, formula: str, data: pd.DataFrame) -> list[str]:
    matrix = formulaic.model_matrix(formula, data, context={})
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _warn_correlated(matrix, data["doc_id"].to_numpy()[matrix.index.to_numpy()], {"C"})
    return [record.getMessage() for record in caplog.records if "moves with" in record.getMessage()]


def test_two_covariates_are_named_at_a_variance_inflation_of_ten_and_not_below(caplog):
    said = _moves(caplog, "year + gdp", _correlated(0.97))  # 1 / (1 - 0.97^2): 16.9
    assert [m.split(" across")[0] for m in said] == [
        "effects.formula: year moves with gdp",
        "effects.formula: gdp moves with year",
    ]
    assert "r = 0.97; variance inflation 17)" in said[0]
    assert _moves(caplog, "year + gdp", _correlated(0.93)) == []  # 7.4
    # either side of 10 itself, r = sqrt(0.9) = 0.94868 (a docs audit: 7.5 or 16 in its place passed the two above)
    assert len(_moves(caplog, "year + gdp", _correlated(0.9490))) == 2  # 1 / (1 - 0.9490^2): 10.04
    assert _moves(caplog, "year + gdp", _correlated(0.9483)) == []  # 9.97


def test_the_partner_named_is_the_most_correlated_either_way(caplog):
    data = _correlated(0.99).assign(decline=lambda d: 300 - d["gdp"])
    said = _moves(caplog, "year + decline + budget", data)
    assert said[0].startswith("effects.formula: year moves with decline") and "r = -0.99" in said[0]


def test_an_interaction_is_not_judged_with_its_main_effects(caplog):
    assert _moves(caplog, "year * budget", _correlated(0.5)) == []


def test_a_column_repeated_exactly_is_left_to_the_fit(caplog):
    data = _correlated(0.5).assign(gdp=lambda d: 2 * d["year"] + 1)
    assert _moves(caplog, "year + gdp", data) == []


def test_correlation_is_judged_across_documents_not_paragraphs(caplog):
    """Three documents of 20 paragraphs each: two covariates and the intercept leave no variation to judge by."""
    three = _correlated(0.99, n=3, units=20)
    assert _moves(caplog, "year + gdp", three) == []


def test_a_spline_is_judged_per_column_while_a_single_covariate_beside_it_is_named(caplog):
    data = _correlated(0.975)
    matrix = formulaic.model_matrix("bs(year, df=3) + gdp", data, context={})
    columns = np.asarray(matrix, dtype=float)[:, 1:]
    correlation = np.corrcoef(columns, rowvar=False)
    gvif = np.linalg.det(correlation[:3, :3]) * correlation[3, 3] / np.linalg.det(correlation)
    assert gvif >= 10 and gvif ** (1 / 3) < 10  # the spline's one figure per column is below the threshold
    said = _moves(caplog, "bs(year, df=3) + gdp", data)
    assert [m.split(" across")[0] for m in said] == ["effects.formula: gdp moves with bs(year, df=3)"]


# ---- which columns are categories alone, and their reference


def _levels(counts: dict[str, int], **columns) -> pd.DataFrame:
    rows = [{"doc_id": f"{level}{d}", "level": level, "year": 2001 + d} for level, n in counts.items() for d in range(n)]
    data = pd.DataFrame(rows)
    return data.assign(**columns) if columns else data


def test_a_column_is_categories_alone_only_where_every_term_naming_it_is_it():
    assert _categories_alone("year + level - 1", "level", numeric=False)
    assert _categories_alone("级别 + 副级别", "级别", numeric=False)  # 副级别 is another column
    assert not _categories_alone("level + level:year", "level", numeric=False)


def test_a_reference_of_one_document_gives_way_only_where_the_column_is_categories_alone(caplog):
    data = _levels({"甲": 1, "乙": 3, "丙": 3}).sort_values("level", key=lambda s: s.map({"甲": 0, "乙": 2, "丙": 1}))
    # sorted by code point 丙 (4E19) < 乙 (4E59) < 甲 (7532): the first in sorted order, though met last
    assert list(_references(data, ["level"], "level")["level"].cat.categories) == ["丙", "乙", "甲"]
    data = _levels({"丙": 1, "乙": 3, "甲": 3})
    assert list(_references(data, ["level"], "level")["level"].cat.categories)[0] == "乙"
    # in an interaction the column is left as it is: formulaic sorts it, and its reference is 丙
    kept = _references(data, ["level", "year"], "level + level:year")
    assert kept["level"].tolist() == data["level"].tolist() and not isinstance(kept["level"].dtype, pd.CategoricalDtype)


def test_one_category_of_two_documents_keeps_the_sorted_reference_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        one = _references(_levels({"丙": 1, "乙": 5}), ["level"], "level")
        first_is_fine = _references(_levels({"丙": 3, "乙": 1, "甲": 4}), ["level"], "level")
    assert list(one["level"].cat.categories) == ["丙", "乙"]
    assert list(first_is_fine["level"].cat.categories) == ["丙", "乙", "甲"]
    assert not caplog.records


def test_the_reference_chosen_holds_in_an_interaction_and_a_thin_one_is_warned_of(caplog):
    data = _levels({"甲": 3, "乙": 3, "丙": 1})
    chosen = _references(data, ["year", "level"], "year * level", {"level": "乙"})
    assert list(chosen["level"].cat.categories)[0] == "乙"
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        thin = _references(data, ["level"], "level", {"level": "丙"})
    assert list(thin["level"].cat.categories)[0] == "丙"
    assert "effects.reference: level's reference '丙' has one document" in caplog.text


def test_a_chosen_reference_is_read_without_the_spaces_around_it():
    data = _levels({"甲": 3, "乙": 3})
    assert list(_references(data, ["level"], "level", {"level": " 乙 "})["level"].cat.categories)[0] == "乙"


def test_categories_of_numbers_in_an_interaction_are_named_as_the_metadata_writes_them():
    raw = _levels({"甲": 4, "乙": 4}, tier=["01", "02", "03", "01", "02", "03", "01", "02"])
    data = raw.assign(tier=raw["tier"].astype(float))
    out = _references(data, ["year", "tier"], "year * C(tier)", raw=raw)
    assert list(out["tier"].cat.categories) == ["01", "02", "03"]
    # written as numbers write them but one (02): kept as written, not made numbers
    raw = raw.assign(tier=["1", "02", "3", "1", "02", "3", "1", "02"])
    out = _references(raw.assign(tier=raw["tier"].astype(float)), ["tier"], "C(tier)", raw=raw)
    assert list(out["tier"].cat.categories) == ["1", "02", "3"]


def test_a_number_written_two_ways_is_named_by_its_number():
    tiers = [str(t) for t in range(2, 12)]
    raw = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(40)], "tier": [t if i < 20 else f"{t}.0" for i, t in enumerate(tiers * 4)]}
    )
    out = _references(raw.assign(tier=raw["tier"].astype(float)), ["tier"], "C(tier)", raw=raw)
    assert list(out["tier"].cat.categories) == list(range(2, 12))


def test_a_column_whose_name_begins_another_taken_as_categories_stays_a_number():
    data = pd.DataFrame({"doc_id": list("abcdef"), "等级": [1.0, 2, 3, 1, 2, 3], "等级2": [1.0, 1, 2, 2, 3, 3]})
    out = _references(data, ["等级", "等级2"], "等级 + C(等级2)")
    assert pd.api.types.is_float_dtype(out["等级"]) and isinstance(out["等级2"].dtype, pd.CategoricalDtype)
    with pytest.raises(ToolkitError, match="effects.reference names '等级', which is no categorical covariate"):
        check_reference("等级 + C(等级2)", data, {"等级": 2}, ["等级", "等级2"])


# ---- check_reference and modelled_reference


def test_a_reference_of_a_text_column_outside_the_formula_is_refused():
    data = _levels({"甲": 3, "乙": 3}, place=["武汉市", "安庆市"] * 3)
    with pytest.raises(ToolkitError, match="effects.reference names 'place', which is no categorical covariate"):
        check_reference("year + level", data, {"place": "武汉市"}, ["year", "level"])


def test_the_categories_listed_for_a_reference_that_is_none_leave_out_blank_cells_and_stop_at_ten():
    data = _levels({"甲": 3, "乙": 3}).astype({"level": object})
    data.loc[0, "level"] = None
    with pytest.raises(ToolkitError, match=r"effects.reference.level = '丙' is no category of level \(it has '乙', '甲'\)$"):
        check_reference("level", data, {"level": "丙"}, ["level"])
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(24)], "place": [f"地{i % 12:02d}" for i in range(24)]})
    with pytest.raises(ToolkitError, match=r"'地09' \.\.\.\)$"):
        check_reference("place", many, {"place": "北京"}, ["place"])


def test_a_reference_whose_documents_each_lack_some_column_names_none_as_empty():
    data = _levels({"甲": 2, "乙": 3}, gdp=["", "3", "1", "2", "4"], pop=["5", "", "1", "2", "3"])
    with pytest.raises(ToolkitError) as info:
        check_reference("gdp + pop + level", data, {"level": "甲"}, ["gdp", "pop", "level"])
    assert "(one of them empty in each)" in str(info.value)


def test_a_reference_whose_modelled_units_all_lack_a_value_is_given_up(caplog):
    data = _levels({"甲": 3, "乙": 3, "丙": 3}, gdp=["1.5", "2", "3", "4", "5", "6", "", " ", ""])
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        assert modelled_reference("gdp + level", data, {"level": "丙"}, ["gdp", "level"]) == {}
    assert "effects.reference.level = '丙': none of its documents is in the model" in caplog.text
    assert modelled_reference("gdp + level", data, {"level": "乙"}, ["gdp", "level"]) == {"level": "乙"}


# ---- the grid of the expected shares


def _grid_of(formula: str, data: pd.DataFrame, x: str):
    return _grid(data, formulaic.model_matrix(formula, data, context={}), x)


def test_a_category_of_one_document_has_no_supported_point_along_a_number_or_a_category():
    data = _levels({"甲": 4, "乙": 1}, place=["武汉市", "安庆市", "武汉市", "安庆市", "武汉市"])
    grid, group, _ = _grid_of("year + level", data, "year")
    assert group == "level" and not grid.loc[grid["level"] == "乙", "supported"].any()
    assert grid.loc[grid["level"] == "甲", "supported"].any()
    grid, group, keys = _grid_of("place + level", data, "place")
    assert keys == ["level", "place"] and not grid.loc[grid["level"] == "乙", "supported"].any()


def test_the_other_covariates_are_held_at_their_mean_and_most_frequent_category():
    """gdp at its mean (3, not its median 1); the categorical column that is not the group at its most frequent
    value, the first in sorted order of a tie (安庆市 before 武汉市; 乙 before 甲)."""
    data = _levels(
        {"甲": 3, "乙": 3},
        gdp=[1.0, 1.0, 1.0, 1.0, 2.0, 12.0],
        place=["安庆市", "武汉市", "武汉市", "安庆市", "武汉市", "安庆市"],
    )
    grid, group, _ = _grid_of("year + level + place + gdp", data, "year")
    (other,) = {"level", "place"} - {group}
    assert (grid["gdp"] == 3.0).all() and (grid[other] == {"place": "安庆市", "level": "乙"}[other]).all()


def test_no_grid_along_a_column_the_formula_does_not_use():
    assert _grid_of("level", _levels({"甲": 3, "乙": 3}), "year") == (None, "", [])


def test_the_categories_along_x_follow_the_columns_order_reference_first():
    data = _levels({"丙": 1, "乙": 3, "甲": 3})
    data = _references(data.iloc[::-1].reset_index(drop=True), ["level"], "level")  # met 甲 first; reference 乙
    grid, _, _ = _grid_of("level", data, "level")
    assert grid["level"].tolist() == ["乙", "丙", "甲"]


def test_a_category_without_a_value_of_x_gets_no_curve_and_no_group_for_blank_cells():
    assert not _within_reach(np.array([2001.0, 2002.0]), np.array([]), 1.0).any()
    units = _levels({"甲": 12, "乙": 12}).assign(n_tokens=40)
    units = units.loc[units.index.repeat(5)].reset_index(drop=True)
    units["level"] = units["level"].astype(object)
    units.loc[units["doc_id"] == "甲0", "level"] = " "  # a blank cell: left out, no group of its own
    rng = np.random.default_rng(0)
    share = np.clip(0.2 + rng.normal(0, 0.04, len(units)), 0.01, 0.99)
    _, expected = estimate_effects(units, np.stack([share, 1 - share], axis=1)[None], ["生态"], "year + level", draws=50)
    assert set(expected["group"]) == {"甲", "乙"}


def test_effects_of_one_fitted_model_name_no_seeds_and_of_several_do():
    """From a hostile pass (model.ensemble = 1): effects.csv's note said "method of composition over the ensemble",
    the figure's title "seeds included" and the methods paragraph "the seeds carried by the method of composition",
    of one model. One member: one model named, no seeds; two: the ensemble's method of composition."""
    from toolkit.analysis.lexicon import load_lexicon
    from toolkit.output.plots import plot_effects
    from toolkit.output.report import effects_sentence

    units = _levels({"甲": 12, "乙": 12}).assign(n_tokens=40)
    units = units.loc[units.index.repeat(5)].reset_index(drop=True)
    rng = np.random.default_rng(0)
    share = np.clip(0.2 + rng.normal(0, 0.04, (2, len(units))), 0.01, 0.99)
    members = np.stack([share, 1 - share], axis=2)  # 2 members x units x (生态, other)
    lexicon = load_lexicon()
    for shares, one in ((members[:1], True), (members, False)):
        effects, expected = estimate_effects(units, shares, ["ecology"], "year + level", draws=50)
        assert (effects["members"] == (1 if one else 2)).all()
        notes = set(effects["note"].dropna())
        assert all(("one fitted model (no seeds)" in n) is one and ("method of composition" in n) is not one for n in notes)
        title = plot_effects(expected, lexicon).get_suptitle()
        assert ("含随机种子" in title) is not one and ("单个模型" in title) is one
        said = effects_sentence("year + level", effects)
        assert ("the seeds carried by the method of composition" in said) is not one
        assert ("from the one fitted model (no seeds to carry)" in said) is one
        # read back from effects_expected.csv, how many models it pools is unknown: neither said (seeds were)
        read_back = pd.read_csv(io.StringIO(expected.to_csv(index=False)))
        title = plot_effects(read_back, lexicon).get_suptitle()
        assert "含随机种子" not in title and "单个模型" not in title and "文档聚类标准误" in title


def test_an_indicator_that_all_documents_but_one_hold_is_not_estimable():
    groups = np.repeat(np.arange(6), 3)
    X = np.column_stack([np.ones(18), (groups != 5).astype(float)])
    assert _thin_terms(X, groups, ["Intercept", "level[T.乙]"], [1]) == {
        "level[T.乙]": "1 document(s) lack it: a standard error clustered by document has no variance of its own for it"
    }


# ---- defects the audit found


def test_a_power_of_a_group_too_high_to_expand_is_refused_at_once():
    """(year + place)**24 passed the grammar and `toolkit run` then spent over an hour in formulaic's parse, after
    `load ...`, before any message (2**16: 7 s, each 2 more about five times as long)."""

    class TooSlow(BaseException):  # not an Exception: check_syntax says formulaic's exceptions as its own
        pass

    def too_slow(*args):
        raise TooSlow("the formula was not refused within 2 seconds")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, 2.0)
    try:
        with pytest.raises(ToolkitError):
            check_formula("(year + place)**24")
            check_syntax("(year + place)**24")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("formula", ["year + ℘", "℮"])
def test_a_letter_python_takes_but_no_name_pattern_matches_is_one_line(formula):
    _refused(formula)


def test_the_curve_along_a_number_is_supported_alike_in_any_units():
    """GDP of documents at 0.50-0.80 and 2.50-2.80 (trillions, a gap 34 times the usual spacing of 0.05): the curve
    was drawn across the whole gap (the reach, the median gap, floored at 1 for years), while the same documents in
    billions had no point there."""
    gdp = [0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 2.50, 2.55, 2.60, 2.65, 2.70, 2.75, 2.80]
    units = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(gdp))], "gdp": gdp})
    supported = []
    for scale in (1, 1000):
        grid, _, _ = _grid_of("gdp", units.assign(gdp=units["gdp"] * scale), "gdp")
        gap = grid[(grid["gdp"] > 0.8 * scale + 1e-9) & (grid["gdp"] < 2.5 * scale - 1e-9)]
        supported.append(int(gap["supported"].sum()))
    assert supported == [0, 0]


GROUP = """
import formulaic, pandas as pd
from toolkit.analysis.effects import _grid
data = pd.DataFrame({"doc_id": list("abcdef"), "year": [2001, 2002, 2003, 2001, 2002, 2003],
                     "level": ["甲", "甲", "甲", "乙", "乙", "乙"],
                     "place": ["安庆市", "武汉市", "武汉市", "安庆市", "武汉市", "合肥市"]})
print(_grid(data, formulaic.model_matrix("year + level + place", data, context={}), "year")[1])
"""


def test_the_curves_are_grouped_by_the_first_categorical_covariate_of_the_formula_in_every_process():
    """effects_expected.csv and theme_effects drew one curve per level in one run and one per place in the next,
    of the same formula and documents (PYTHONHASHSEED=1 and 7)."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    groups = {
        subprocess.run(
            [sys.executable, "-c", GROUP],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "7")
    }
    assert groups == {"level"}


# ---- defects a hostile pass of the effects found (each test failed on the code before its fix)

PREMIERS = (("朱镕基", 2000, 2002), ("温家宝", 2003, 2012), ("李克强", 2013, 2022))


def _premier_units():
    """One report a year 2000-2022 of four paragraphs, each with its premier; the theme's share rises with the
    year (logit -4 to 0), the same for every premier at a year."""
    rng = np.random.default_rng(5)
    rows, values = [], []
    for premier, first, last in PREMIERS:
        for year in range(first, last + 1):
            level = 1 / (1 + np.exp(-(-4 + 4 * (year - 2000) / 22)))
            for u in range(4):
                rows.append({"doc_id": f"政府工作报告{year}", "year": year, "premier": premier, "n_tokens": 40 + u})
                values.append(float(np.clip(level + rng.normal(0, 0.02), 0.001, 0.999)))
    values = np.array(values)
    return pd.DataFrame(rows), np.stack([values, 1 - values], axis=1)[None]


@pytest.mark.parametrize("formula", ["year * premier", "year + premier"])
def test_a_category_is_not_drawn_at_a_held_value_outside_its_own_documents(formula, caplog):
    """effects.x = premier with year in the formula: every point was computed at year's mean (2011), nine years
    after 朱镕基's last report, and drawn as supported (0.575 where his reports hold 0.004). Only the premier whose
    reports span the held year is drawn now, and a warning says where year is held."""
    units, shares = _premier_units()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _, expected = estimate_effects(units, shares, ["数字经济"], formula, draws=50, x="premier")
    drawn = expected.set_index("premier")["supported"]
    assert drawn.to_dict() == {"朱镕基": False, "温家宝": True, "李克强": False}
    assert expected.loc[~expected["supported"], ["expected", "low", "high"]].isna().all().all()
    assert "the other covariates are held at year = 2011, outside the documents of some of its points" in caplog.text


def test_the_held_values_are_not_said_beside_a_formula_no_theme_could_be_fitted_with(caplog):
    """A formula whose terms are collinear fits no theme, so no point is drawn: the warning of the covariates held
    outside the points' documents spoke of a curve that was never there, beside the warning that nothing was fitted."""
    units, shares = _premier_units()
    units["year_again"] = units["year"]  # the same column twice: no model to fit
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        effects, expected = estimate_effects(units, shares, ["数字经济"], "year + year_again + premier", draws=50, x="premier")
    assert effects["note"].str.startswith("could not be fitted").all() and expected.empty
    assert "could not be fitted for any theme" in caplog.text and "held at" not in caplog.text


def test_the_reference_category_is_chosen_among_the_documents_the_fit_has(caplog):
    """length blank in 2000 and 2001: 朱镕基 kept three reports in the count that chose the reference, one in the fit,
    and as the reference of one document every premier's term and the intercept were left out (an adversarial
    review). The reference is now 李克强, with the warning that 朱镕基 has one document."""
    units, shares = _premier_units()
    units["length"] = np.where(units["year"] <= 2001, np.nan, 10_000.0 + units["year"])
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        effects, _ = estimate_effects(units, shares, ["数字经济"], "premier + length", draws=50, x="")
    assert "premier's first category '朱镕基' has one document: the other categories are compared with '李克强'" in caplog.text
    rows = effects.set_index("term")
    assert set(rows.index) == {"Intercept", "premier[T.朱镕基]", "premier[T.温家宝]", "length"}
    assert rows.loc[["Intercept", "premier[T.温家宝]", "length"], "estimate"].notna().all()


def test_a_curve_along_year_is_drawn_where_nothing_else_is_held():
    """The same corpus along year, one curve per premier: nothing is held, each curve drawn within its years."""
    units, shares = _premier_units()
    _, expected = estimate_effects(units, shares, ["数字经济"], "year * premier", draws=50, x="year")
    for premier, first, last in PREMIERS:
        curve = expected[expected["group"] == premier]
        assert set(curve.loc[curve["supported"], "year"]) == set(range(first, last + 1))


@pytest.mark.parametrize(
    "formula, said",
    [
        ("year - 1", "each term's p-value"),
        ("0 + premier", "each level of premier in effects.csv is a share's log-odds"),
        ("-1 + year + premier", "each level of premier in effects.csv is a share's log-odds"),
        ("0 + premier:half + year", "each level of premier:half in effects.csv"),  # its cells, named as the term
    ],
)
def test_a_formula_without_an_intercept_says_what_its_p_values_test(formula, said, caplog):
    """year - 1: a slope through year 0, p 1e-25 on every theme, in silence; 0 + level: each level's p tested a
    share of one half. Fitted all the same, with a warning and the rows of the terms that test one half saying so:
    where a category coded in full stands in for the intercept, its levels only (a review: year's row in
    -1 + year + premier was noted, its estimate and p those of year + premier)."""
    units, shares = _premier_units()
    units["half"] = np.where(units["n_tokens"] % 2 == 0, "前", "后")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        effects, _ = estimate_effects(units, shares, ["数字经济"], formula, draws=50, x="")
    assert f"effects.formula '{formula}' has no intercept (- 1, 0 +): {said}" in caplog.text
    assert "same either way" not in caplog.text  # a number's curve is not (a review: 0.17 in 2000 and in 2022)
    noted = effects["note"].str.contains("no intercept: p tests a share of one half, not an effect")
    assert noted.to_numpy().tolist() == [formula == "year - 1" or term.startswith("premier[") for term in effects["term"]]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        with_intercept, _ = estimate_effects(units, shares, ["数字经济"], "year + premier", draws=50, x="")
    assert "no intercept" not in caplog.text and not with_intercept["note"].str.contains("no intercept").any()
    if "year" in formula and "premier" in formula and "half" not in formula:  # the same model, the same slope
        slope = [table.set_index("term").loc["year", ["estimate", "p_value"]] for table in (effects, with_intercept)]
        np.testing.assert_allclose(slope[0].to_numpy(float), slope[1].to_numpy(float), rtol=1e-6)


def test_a_column_named_as_a_formula_function_hides_it_only_where_the_formula_uses_the_column():
    """Metadata columns log and np broke log(year) and np.sqrt(year) although no formula used them ("'Series'
    object is not callable"): only the formula's own columns reach formulaic; a formula that uses a column log and
    the function log() is refused, saying which."""
    units, shares = _premier_units()
    units = units.assign(log=np.arange(len(units)) % 3, np=1.0, scale="大")
    for formula in ("log(year)", "np.sqrt(year)", "scale(year) + premier"):
        effects, _ = estimate_effects(units, shares, ["数字经济"], formula, draws=50, x="")
        assert effects["estimate"].notna().any(), formula
    with pytest.raises(ToolkitError) as info:
        estimate_effects(units, shares, ["数字经济"], "log + log(year)", draws=50, x="")
    assert "its column 'log' has the name of the function log() it calls" in str(info.value)


def test_a_column_of_one_value_is_counted_after_its_blank_cells_and_incomplete_rows_are_left_out():
    """halfx ('x' on even years, blank on odd ones) was refused later as 'a term that makes no column'; odd,
    constant on the rows where partial has a value, as the same; a column wholly blank as having 'one value ()'."""
    years = list(range(2001, 2009))
    data = pd.DataFrame(
        {
            "doc_id": [f"报告{y}" for y in years],
            "year": years,
            "halfx": ["x" if y % 2 == 0 else "" for y in years],
            "partial": ["甲", "乙", "", "", "甲", "乙", "", ""],
            "odd": ["市", "市", "县", "县", "市", "市", "县", "县"],
            "blank": [""] * 8,
        }
    )
    columns = ["year", "halfx", "partial", "odd", "blank"]
    with pytest.raises(ToolkitError, match=r"uses halfx, which has one value in this corpus \(x\): its effect"):
        check_covariates("year + halfx", data, columns)
    with pytest.raises(ToolkitError) as info:
        check_covariates("year + partial + odd", data, columns)
    assert "uses odd, which has one value in this corpus (市, 4 of 8 with a value of every column of" in str(info.value)
    with pytest.raises(ToolkitError, match=r"uses blank, which has no value in this corpus \(every cell empty\)"):
        check_covariates("year + blank", data, columns)
    assert check_covariates("year + odd", data, columns)  # two values, every row complete: accepted


def test_a_curve_along_a_number_is_not_drawn_where_its_documents_lack_the_held_category(caplog):
    """Along year, with premier held at its most frequent value (李克强, first of a tie with 温家宝), every year
    2000-2022 of both levels was drawn, each with 李克强 in office (a review of the fix along a category): only the
    years within reach of his reports are drawn now."""
    units, shares = _premier_units()
    both = pd.concat([units.assign(level="省级"), units.assign(level="市级", doc_id=units["doc_id"] + "市")])
    shares = np.concatenate([shares, shares], axis=1)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _, expected = estimate_effects(both.reset_index(drop=True), shares, ["数字经济"], "year + level + premier", draws=50)
    for level in ("省级", "市级"):
        curve = expected[expected["group"] == level]
        assert set(curve.loc[curve["supported"], "year"]) == set(range(2012, 2023)), level
    assert "held at premier = 李克强, outside the documents of some of its points along year" in caplog.text


def test_a_category_of_one_document_is_not_blamed_on_the_held_covariates(caplog):
    """year + place along place, 安庆 of one report (2020): its point was left out as a category of one document,
    and the new warning blamed year held at '2020' (2019.68 rounded) for it."""
    rows = [{"doc_id": f"武汉{y}", "year": y, "place": "武汉市", "n_tokens": 50} for y in (2016, 2018, 2019, 2021)]
    rows += [{"doc_id": "安庆2020", "year": 2020, "place": "安庆市", "n_tokens": 50}]
    units = pd.DataFrame([{**row, "n_tokens": 40 + u} for row in rows for u in range(5)])
    values = np.clip(0.1 + 0.01 * np.arange(len(units)) % 0.2, 0.01, 0.99)
    shares = np.stack([values, 1 - values], axis=1)[None]
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _, expected = estimate_effects(units, shares, ["生态"], "year + place", draws=50, x="place")
    assert expected.set_index("place")["supported"].to_dict() == {"武汉市": True, "安庆市": False}
    assert "held at" not in caplog.text


def test_a_category_of_x_counts_its_documents_in_the_corpus_not_within_a_level():
    """C(year) + place along year, four places a year: each year's documents were counted within one place (one
    each), and every point of every curve was left out, in silence (a review of the held-covariate fix)."""
    rng = np.random.default_rng(3)
    rows = [
        {"doc_id": f"{place}{year}", "year": year, "place": place, "n_tokens": 40 + u}
        for place in ("武汉市", "安庆市", "合肥市", "宜昌市")
        for year in range(2016, 2022)
        for u in range(3)
    ]
    units = pd.DataFrame(rows)
    values = np.clip(0.2 + rng.normal(0, 0.05, len(units)), 0.01, 0.99)
    _, expected = estimate_effects(units, np.stack([values, 1 - values], axis=1)[None], ["生态"], "C(year) + place", draws=50)
    assert expected["supported"].all() and len(expected) == 4 * 6


def test_a_held_number_along_year_is_checked_against_its_levels_range_not_the_reports_near_each_year(caplog):
    """year + premier + length along year: the two or three reports near a year rarely span the mean length, and years
    were dropped where the neighbouring reports' lengths fell on one side of it, though length varies within every
    premier's years (a review). The held category (premier) is still checked near each year; the held number by the
    curve's range; its held value shown to its digits (0.004, not 0)."""
    units, shares = _premier_units()
    both = pd.concat([units.assign(level="省级"), units.assign(level="市级", doc_id=units["doc_id"] + "市")])
    lengths = dict(zip(both["doc_id"].unique(), np.tile([0.001, 0.002, 0.003, 0.007, 0.006, 0.005], 8)))
    both = both.assign(density=both["doc_id"].map(lengths)).reset_index(drop=True)
    shares = np.concatenate([shares, shares], axis=1)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        _, expected = estimate_effects(both, shares, ["数字经济"], "year + level + premier + density", draws=50)
    for level in ("省级", "市级"):
        curve = expected[expected["group"] == level]
        assert set(curve.loc[curve["supported"], "year"]) == set(range(2012, 2023)), level
    assert "held at premier = 李克强, outside the documents" in caplog.text and "density" not in caplog.text
    from toolkit.analysis.effects import _held_text

    assert _held_text(0.004) == "0.004" and _held_text(2011.0) == "2011"


def test_other_covariates_are_held_at_their_documents_mean_and_most_frequent_category():
    """From a methodologist's pass: effects_expected held a number at its mean over paragraphs, so a long report's
    value counted once per paragraph (GDP held at 1378.7 where the documents' mean is 1447.4); "held at their mean"
    is the documents'. A category so too: the most frequent among the documents, not among their paragraphs."""
    from toolkit.analysis.effects import _grid

    rows = []
    for d, (paragraphs, gdp, year, level) in enumerate(
        [(10, 100.0, 2015, "中央"), (2, 300.0, 2016, "地方"), (2, 200.0, 2017, "地方"), (3, 150.0, 2018, "中央")]
    ):
        rows += [{"doc_id": f"d{d}", "year": year, "gdp": gdp, "tier": level, "n_tokens": 50}] * paragraphs
    units = pd.DataFrame(rows)
    grid, _, _ = _grid(units, formulaic.model_matrix("year + gdp", units), "year")
    assert grid["gdp"].unique().tolist() == [pytest.approx(187.5)]  # (100 + 300 + 200 + 150) / 4, not 144.1
    # a held category (the second: the first draws one curve per level): the most frequent among the documents,
    # 乙 in three of five, where 甲 holds 13 of 19 paragraphs
    units = pd.concat([units, units[units["doc_id"] == "d1"].assign(doc_id="d4", year=2019)], ignore_index=True)
    units["kind"] = units["doc_id"].map({"d0": "甲", "d1": "乙", "d2": "乙", "d3": "甲", "d4": "乙"})
    grid, group, _ = _grid(units, formulaic.model_matrix("year + C(tier) + C(kind)", units), "year")
    assert group == "tier" and set(grid["kind"]) == {"乙"}
