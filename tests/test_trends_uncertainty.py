import numpy as np
import pandas as pd
import pytest

from toolkit.trends import (
    bootstrap_intervals,
    change_between,
    keyword_rates,
    model_keyword_agreement,
    seed_spread,
    theme_by_year,
)


def _units(rng, years=(2014, 2015, 2016), n=60, eco=(0.2, 0.3, 0.6)):
    rows = []
    for year, level in zip(years, eco):
        for _ in range(n):
            share = float(np.clip(rng.normal(level, 0.1), 0, 1))
            rows.append({"year": year, "doc_id": f"d{year}", "n_tokens": int(rng.randint(20, 60)),
                         "ecology": share, "other": 1 - share})
    return pd.DataFrame(rows)


def test_intervals_cover_the_share_and_narrow_with_more_units():
    rng = np.random.RandomState(0)
    small, large = _units(rng, n=20), _units(rng, n=400)
    widths = []
    for units in (small, large):
        table = bootstrap_intervals(units, ["ecology", "other"], theme_by_year(units, ["ecology", "other"]),
                                    n_boot=500)
        assert (table["share_low"] <= table["share"]).all() and (table["share"] <= table["share_high"]).all()
        widths.append((table["share_high"] - table["share_low"]).mean())
    assert widths[1] < widths[0] / 2


def test_intervals_are_repeatable_and_gaps_stay_empty():
    units = _units(np.random.RandomState(1), years=(2014, 2016), eco=(0.2, 0.5))
    table = theme_by_year(units, ["ecology"], years=(2014, 2016))
    a = bootstrap_intervals(units, ["ecology"], table, n_boot=200, random_state=3)
    b = bootstrap_intervals(units, ["ecology"], table, n_boot=200, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.set_index("year").loc[2015, ["share", "share_low", "share_high"]].isna().all()


def test_change_is_clear_only_when_it_is_larger_than_its_uncertainty():
    units = _units(np.random.RandomState(2), years=(2014, 2015, 2021), eco=(0.2, 0.21, 0.6))
    big = change_between(units, ["ecology"], 2014, 2021, n_boot=500).iloc[0]
    assert big["change"] == pytest.approx(0.4, abs=0.05) and big["clear"]
    assert big["change_low"] < big["change"] < big["change_high"]
    small = change_between(units, ["ecology"], 2014, 2015, n_boot=500).iloc[0]
    assert not small["clear"]


def test_seed_spread():
    a = pd.DataFrame({"year": [2014, 2015], "theme": ["ecology"] * 2, "share": [0.2, 0.4]})
    b = a.assign(share=[0.3, 0.4])
    spread = seed_spread([a, b]).set_index("year")
    assert spread.loc[2014, "seed_min"] == 0.2 and spread.loc[2014, "seed_max"] == 0.3
    assert spread.loc[2015, "seed_sd"] == 0


def test_keyword_rates_and_agreement():
    from toolkit.themes import Lexicon, Theme, keyword_counts

    lexicon = Lexicon((Theme("ecology", "生态", "Ecology", ("生态", "绿色")),
                       Theme("digital_economy", "数字经济", "Digital", ("数字经济",))))
    tokens = [["生态", "发展", "绿色", "会议"], ["生态", "会议", "会议", "会议"], ["数字经济"] * 2, ["生态"]]
    counts = keyword_counts(tokens, lexicon)
    np.testing.assert_array_equal(counts, [[2, 0], [1, 0], [0, 2], [1, 0]])
    units = pd.DataFrame({"year": [2014, 2015, 2016, 2018], "n_tokens": [4, 4, 2, 1]})
    rates = keyword_rates(units, counts, ["ecology", "digital_economy"]).set_index(["year", "theme"])
    assert rates.loc[(2014, "ecology"), "per_10k"] == 5000
    assert rates.loc[(2015, "ecology"), "per_10k"] == 2500
    assert np.isnan(rates.loc[(2017, "ecology"), "per_10k"])  # no text that year
    shares = pd.DataFrame({"year": [2014, 2015, 2016], "theme": ["ecology"] * 3, "share": [0.5, 0.25, 0.0]})
    agreement = model_keyword_agreement(shares, rates.reset_index()).set_index("theme")
    assert agreement.loc["ecology", "pearson_r"] == pytest.approx(1.0)
