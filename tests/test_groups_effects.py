"""Comparisons between places and periods, and covariate effects, on the seed documents (Wuhan and Anqing)."""

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.config import Config
from toolkit.errors import ToolkitError

from .conftest import ROOT

PERIODS = 'trends.periods={"十二五" = [2011, 2015], "十三五" = [2016, 2020], "十四五" = [2021, 2025]}'


@pytest.fixture(scope="module")
def grouped(tmp_path_factory):
    config = Config.load(ROOT / "configs" / "seeds.toml", ['trends.by="place"', PERIODS, "trends.bootstrap=300",
                                                          'effects.formula="year + place"', "effects.draws=100",
                                                          "figures.ldavis=false", 'figures.formats=["png"]'])
    return toolkit.run(config, tmp_path_factory.mktemp("grouped") / "seeds")


def test_wuhan_is_compared_with_anqing(grouped):
    out = grouped.out_dir
    groups = pd.read_csv(out / "theme_by_group.csv")
    assert set(groups["place"]) == {"武汉市", "安庆市大观区(安徽)"}
    wuhan = groups[groups["place"] == "武汉市"]
    assert wuhan["n_documents"].iloc[0] == 4 and wuhan["share"].sum() == pytest.approx(1, abs=1e-5)  # CSV: 6 decimals
    change = pd.read_csv(out / "group_change.csv")
    assert (change["from"] == "武汉市").all() and (change["to"] == "安庆市大观区(安徽)").all()
    assert change["note"].str.startswith("rests on single documents").all()  # Anqing is one document
    assert (change["simultaneous_low"] <= change["change_low"]).all()
    by_year = pd.read_csv(out / "theme_by_group_year.csv")
    assert set(by_year.columns) >= {"place", "period", "theme", "share", "share_low", "share_high"}
    assert (out / "figures" / "theme_groups.png").is_file()


def test_metadata_columns_reach_units_and_documents(grouped):
    units = pd.read_csv(grouped.out_dir / "units.csv")
    assert {"place", "source", "script"} <= set(units.columns)
    assert set(units["place"]) == {"武汉市", "安庆市大观区(安徽)"}


def test_named_periods(grouped):
    periods = pd.read_csv(grouped.out_dir / "theme_by_period.csv")
    assert list(dict.fromkeys(periods["period"])) == ["十二五", "十三五", "十四五"]
    eco = periods[periods["theme"] == "ecology"].set_index("period")
    assert eco.loc["十二五", "n_documents"] == 1 and eco.loc["十三五", "n_documents"] == 2
    assert (eco["share_low"] <= eco["share"]).all() and (eco["share"] <= eco["share_high"]).all()
    assert (grouped.out_dir / "figures" / "theme_periods.png").is_file()


def test_covariate_effects_with_the_ensemble(grouped):
    effects = pd.read_csv(grouped.out_dir / "effects.csv")
    assert set(effects["term"]) == {"Intercept", "year", "place[T.武汉市]"}
    assert (effects["members"] == 3).all()  # method of composition over the ensemble
    assert (effects["low"] <= effects["estimate"]).all() and (effects["estimate"] <= effects["high"]).all()
    assert effects["note"].str.contains("fewer than 20 documents").all()
    expected = pd.read_csv(grouped.out_dir / "effects_expected.csv")
    assert set(expected["group"]) == {"武汉市", "安庆市大观区(安徽)"} and expected["year"].between(2015, 2022).all()
    assert (expected["low"] <= expected["expected"]).all() and (expected["expected"] <= expected["high"]).all()
    assert (grouped.out_dir / "figures" / "theme_effects.png").is_file()


def test_effects_recover_a_planted_trend():
    from toolkit.effects import estimate_effects

    rng = np.random.default_rng(0)
    rows, shares = [], []
    for d in range(60):
        year = 2000 + d % 20
        level = 1 / (1 + np.exp(-(-2 + 0.1 * (year - 2010))))  # logit(share) rises 0.1 a year
        for _ in range(20):
            value = float(np.clip(level + rng.normal(0, 0.05), 0.001, 0.999))
            rows.append({"doc_id": f"d{d}", "year": year, "n_tokens": 40})
            shares.append([value, 1 - value])
    units = pd.DataFrame(rows)
    table, _ = estimate_effects(units, np.array(shares)[None], ["theme"], "year", draws=400)
    slope = table.set_index("term").loc["year"]
    assert slope["low"] < 0.1 < slope["high"] and slope["high"] - slope["low"] < 0.05 and slope["p_value"] < 0.01


@pytest.mark.parametrize("overrides, message", [
    (['trends.periods={"a" = [2010, 2015], "b" = [2015, 2020]}'], "trends.periods: a and b overlap"),
    (['trends.periods={"a" = [2015, 2010]}'], "must be [first year, last year]"),
    (['trends.by=""', 'trends.compare=["武汉市", "安庆"]'], "trends.compare needs trends.by"),
])
def test_bad_trend_settings_are_config_errors(overrides, message):
    with pytest.raises(ToolkitError) as info:
        Config.load(ROOT / "configs" / "seeds.toml", overrides)
    assert message in str(info.value)


def test_unknown_group_column_and_bad_formula_are_one_line(tmp_path):
    import subprocess
    import sys

    for setting, message in (('trends.by="province"', "trends.by = 'province' is no column"),
                             ('effects.formula="year + nonsense"', "effects.formula 'year + nonsense' cannot be used")):
        result = subprocess.run([sys.executable, "-m", "toolkit", "run", str(ROOT / "configs" / "seeds.toml"),
                                 "--out", str(tmp_path / "out"), "--set", setting, "--set", "trends.bootstrap=50"],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
