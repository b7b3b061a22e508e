import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.trends import theme_by_year


def test_token_weighted_shares_with_gaps():
    units = pd.DataFrame(
        {
            "year": [2014, 2014, 2016],
            "doc_id": ["a", "b", "c"],
            "n_tokens": [10, 30, 5],
            "ecology": [1.0, 0.0, 0.4],
            "other": [0.0, 1.0, 0.6],
        }
    )
    table = theme_by_year(units, ["ecology", "other"])
    eco = table[table["theme"] == "ecology"].set_index("year")
    assert eco.loc[2014, "share"] == 0.25  # (10 * 1 + 30 * 0) / 40
    assert np.isnan(eco.loc[2015, "share"])  # a gap, not a zero
    assert (eco.loc[2015, "n_units"], eco.loc[2015, "n_tokens"]) == (0, 0)
    assert eco.loc[2016, "share"] == 0.4
    assert eco.loc[2014, ["n_documents", "n_units", "n_tokens"]].tolist() == [2, 2, 40]
    by_year = table.groupby("year")["share"].sum(min_count=1)
    assert by_year[2014] == 1.0 and np.isnan(by_year[2015])


def test_window_adds_empty_years():
    units = pd.DataFrame({"year": [2015], "doc_id": ["a"], "n_tokens": [3], "ecology": [1.0]})
    table = theme_by_year(units, ["ecology"], years=(2013, 2016))
    assert table["year"].tolist() == [2013, 2014, 2015, 2016]
    assert table["share"].isna().tolist() == [True, True, False, True]


def test_periods_are_kept_in_time_order_whatever_order_the_config_lists_them_in():
    """十四五, 十二五, 十三五 as written: every table, figure and line of groups follows time, not the config (a group's
    line ran 十四五 -> 十二五 -> 十三五)."""
    from toolkit.config import Config

    periods = {"十四五": [2021, 2025], "十二五": [2011, 2015], "十三五": [2016, 2020]}
    config = Config.from_dict({"trends": {"periods": periods}})
    assert list(config["trends"]["periods"]) == ["十二五", "十三五", "十四五"]
    assert config["trends"]["periods"]["十三五"] == [2016, 2020]
    assert list(Config.load(None, ['trends.periods={"b" = [2000, 2001], "a" = [1990, 1999]}'])["trends"]["periods"]) == ["a", "b"]


def test_the_model_keyword_agreement_keeps_a_row_and_its_columns_for_a_theme_without_shares():
    """A theme not measured has empty shares (no measured zero): it keeps its row, without r and with no years
    compared, and a table of such themes alone keeps its columns (it was written as an empty file that
    report.html could not read: "No columns to parse from file")."""
    from toolkit.analysis.trends import model_keyword_agreement

    years = [2019, 2020, 2021]
    shares = pd.DataFrame({"year": years * 2, "theme": ["生态"] * 3 + ["外交"] * 3, "share": [0.1, 0.2, 0.3, None, None, None]})
    rates = pd.DataFrame({"year": years * 2, "theme": ["生态"] * 3 + ["外交"] * 3, "per_10k": [1.0, 2.5, 2.9, 0, 0, 0]})
    table = model_keyword_agreement(shares, rates).set_index("theme")
    assert table.loc["生态", "pearson_r"] > 0.9 and table.loc["生态", "n_years"] == 3
    assert np.isnan(table.loc["外交", "pearson_r"]) and table.loc["外交", "n_years"] == 0
    alone = model_keyword_agreement(shares[shares["theme"] == "外交"], rates)
    assert list(alone.columns) == ["theme", "pearson_r", "n_years"]
    assert list(model_keyword_agreement(shares.iloc[:0], rates).columns) == ["theme", "pearson_r", "n_years"]


def test_theme_by_year_reads_years_written_as_text_and_refuses_what_is_no_year():
    """A units table read with its years as text (``dtype=str``, or a spreadsheet's 2015.0) compared no year: every
    year became a gap with n_units 0 (found by a review of the API); reversed years gave a table without columns."""
    from toolkit.analysis.trends import theme_by_year
    from toolkit.errors import ToolkitError

    units = pd.DataFrame(
        {"year": [2015, 2015, 2017], "doc_id": ["a", "a", "b"], "n_tokens": [10, 30, 20], "ecology": [0.2, 0.6, 0.1]}
    )
    expected = theme_by_year(units, ["ecology"])
    assert expected["n_units"].tolist() == [2, 0, 1] and expected["share"].iloc[0] == pytest.approx(0.5)
    for written in (units["year"].astype(str), units["year"].astype(float), units["year"].astype("string")):
        pd.testing.assert_frame_equal(theme_by_year(units.assign(year=written), ["ecology"]), expected)
    with pytest.raises(ToolkitError, match="theme_by_year: the year column holds '2015年', not a year"):
        theme_by_year(units.assign(year=["2015年", "2015", "2017"]), ["ecology"])
    with pytest.raises(ToolkitError, match=r"years=\(2022, 2015\) must be \(first, last\)"):
        theme_by_year(units, ["ecology"], years=(2022, 2015))


def test_year_spans_keeps_to_max_spans_and_refuses_fewer_than_one():
    """year_spans(range(1954, 2023), 1) gave two spans, one of them [2000, 2999]; max_spans=0 was taken (found by
    a review of the API)."""
    from toolkit.analysis.trends import year_spans
    from toolkit.errors import ToolkitError

    assert year_spans(range(1954, 2023), 1) == {"1954-2022": [1954, 2022]}
    for most in (1, 2, 3, 6):
        spans = year_spans(range(1954, 2023), most)
        assert 1 <= len(spans) <= most
        assert all(any(a <= y <= b for a, b in spans.values()) for y in range(1954, 2023))
    for bad in (0, -2, 1.5):
        with pytest.raises(ToolkitError, match="year_spans: max_spans must be a whole number of 1 or more"):
            year_spans([2000, 2001], bad)
