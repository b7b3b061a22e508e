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


def test_year_ranges_write_a_lone_year_once():
    """change.csv's warning and theme_by_period's ``years`` name the years with documents as runs: a year alone is
    written once, not as "2018-2018"; a mutation to ``b >= a`` passed every test (a mutation audit)."""
    from toolkit.analysis.trends import year_ranges

    assert year_ranges([2018, 2020, 2021]) == "2018, 2020-2021"
    assert year_ranges([2021, 2018, 2020, 2020]) == "2018, 2020-2021"  # any order, repeats once
    assert year_ranges([2015]) == "2015"


def test_year_spans_cut_at_round_years_with_the_boundaries_exact():
    """The spans of the tables by period without named periods, worked out by hand: a corpus of as many years as
    max_spans gets a span per year (with ``<`` it got 2000-2001 and 2002-2003 for three years), and a span of a
    step holds its first year up to the next start, not the next start itself (with ``<=`` 2000-2001 read
    2000-2002, the year counted twice); both mutations passed every test (a mutation audit)."""
    from toolkit.analysis.trends import year_spans

    assert year_spans([2001, 2002, 2003], 3) == {"2001": [2001, 2001], "2002": [2002, 2002], "2003": [2003, 2003]}
    # twelve years, six spans at most: spans of two years from 2000
    assert year_spans(range(2000, 2012), 6) == {f"{y}-{y + 1}": [y, y + 1] for y in range(2000, 2012, 2)}
    # six scattered years, three spans at most: spans of 2 and 5 years give 6 and 5 starts, of 10 three; each span
    # is named by its first and last year with data, a span of one year by that year
    assert year_spans([2003, 2005, 2010, 2012, 2016, 2020], 3) == {
        "2003-2005": [2000, 2009],
        "2010-2016": [2010, 2019],
        "2020": [2020, 2029],
    }


def test_the_model_keyword_agreement_reports_no_correlation_over_two_years():
    """A Pearson r over two years is +1 or -1 whatever the data (two points make a line): model_vs_keywords.csv
    leaves it empty below three years; a mutation to ``>= 2`` reported r = 1 and passed every test (a mutation
    audit)."""
    from toolkit.analysis.trends import model_keyword_agreement

    shares = pd.DataFrame({"year": [2019, 2020, 2021], "theme": ["生态"] * 3, "share": [0.1, 0.3, 0.2]})
    rates = pd.DataFrame({"year": [2019, 2020, 2021], "theme": ["生态"] * 3, "per_10k": [1.0, 2.0, 4.0]})
    two = model_keyword_agreement(shares.iloc[:2], rates).set_index("theme")
    assert np.isnan(two.loc["生态", "pearson_r"]) and two.loc["生态", "n_years"] == 2
    # with a third year, r is reported: deviations (-0.1, 0.1, 0) and (-4/3, -1/3, 5/3) give 0.1 / sqrt(0.02 * 14/3) = sqrt(3/28)
    three = model_keyword_agreement(shares, rates).set_index("theme")
    assert three.loc["生态", "pearson_r"] == pytest.approx(np.sqrt(3 / 28)) and three.loc["生态", "n_years"] == 3


def test_theme_by_year_of_a_runs_units_leaves_out_those_the_model_did_not_see(tmp_path):
    """From a hostile pass of the API: a run's units.csv holds every unit, those the model did not see (no word of
    the vocabulary left, raised min_df) with NaN shares; theme_by_year on it gave NaN for every year holding one, where
    the run's own table has the year's share. It counts the measured units now, as the run does."""
    import toolkit
    from toolkit import Config

    from .conftest import NO_FIGURES, SEEDS_CONFIG

    result = toolkit.run(Config.load(SEEDS_CONFIG, [*NO_FIGURES, "vocab.min_df=12"]), tmp_path / "run")
    units = pd.read_csv(tmp_path / "run" / "units.csv")
    assert (~units["in_model"]).sum() > 0 and units.loc[~units["in_model"], "ecology"].isna().all()
    themes = [*result.prepared.lexicon.names, "other"]
    table = theme_by_year(units, themes).set_index(["year", "theme"])
    run = result.theme_by_year.set_index(["year", "theme"])
    measured = run["share"].groupby("theme").count() > 0  # a theme left without a keyword is NaN in the run's table
    for year, theme in run.index:
        if measured[theme]:
            assert table.loc[(year, theme), "share"] == pytest.approx(run.loc[(year, theme), "share"], abs=1e-6, nan_ok=True)
        assert table.loc[(year, theme), "n_units"] == run.loc[(year, theme), "n_units"]
    assert measured.sum() > 5
