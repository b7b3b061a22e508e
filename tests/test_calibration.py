"""Intervals that mean what they say: on null corpora (the State Council reports dealt out at random to years, so
no theme truly changes) few changes are called clear, and a planted change is found. The unit shares of one
fit are reused for every deal, so no model is refitted."""

import numpy as np
import pytest

import toolkit
from toolkit.analysis.trends import ShareModel

from .conftest import ROOT


@pytest.fixture(scope="module")
def fitted_units():
    config = toolkit.Config.load(
        ROOT / "configs" / "gwr_national.toml", ["model.ensemble=2", "model.keyatm.iterations=150", "figures.ldavis=false"]
    )
    prepared = toolkit.prepare(config)
    fitted = toolkit.fit(prepared, config)
    units = prepared.units[fitted.in_model].reset_index(drop=True)
    units["n_tokens"] = np.asarray(fitted.counts.sum(axis=1)).ravel()
    themes = [*prepared.lexicon.names, "other"]
    return units, fitted.member_shares, themes


def _deal(units, per_year, rng):
    """The documents dealt at random to two years, ``per_year`` each; the other documents left out."""
    docs = units["doc_id"].unique()
    chosen = rng.choice(docs, size=2 * per_year, replace=False)
    year = {d: 2001 + i // per_year for i, d in enumerate(chosen)}
    keep = units["doc_id"].isin(chosen).to_numpy()
    return units[keep].assign(year=units.loc[keep, "doc_id"].map(year)).reset_index(drop=True), keep


@pytest.mark.slow
@pytest.mark.parametrize("per_year", [1, 3, 10])
def test_null_corpora_call_few_changes_clear(fitted_units, per_year):
    units, member_shares, themes = fitted_units
    rng = np.random.default_rng(per_year)
    clear, tested, deals = 0, 0, 40
    for deal in range(deals):
        dealt, keep = _deal(units, per_year, rng)
        order = np.argsort(dealt["year"].to_numpy(), kind="stable")  # documents contiguous, by year
        model = ShareModel(
            dealt.iloc[order].reset_index(drop=True), member_shares[:, keep][:, order], themes, n_boot=300, random_state=deal
        )
        change = model.change(["year"], (2001,), (2002,))
        named = change[change["theme"] != "other"]
        clear += int(named["clear"].sum())
        tested += len(named)
    rate = clear / tested
    # nominal 5% per change at most (the simultaneous intervals aim at 5% per comparison of all themes), plus
    # two standard errors of the simulation
    assert rate <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / tested), (per_year, rate)


@pytest.mark.slow
def test_a_planted_change_is_found(fitted_units):
    units, member_shares, themes = fitted_units
    rng = np.random.default_rng(7)
    found = 0
    ecology = themes.index("ecology")
    for deal in range(10):
        dealt, keep = _deal(units, 10, rng)
        order = np.argsort(dealt["year"].to_numpy(), kind="stable")
        dealt = dealt.iloc[order].reset_index(drop=True)
        shares = member_shares[:, keep][:, order].copy()
        late = dealt["year"].to_numpy() == 2002
        # plant: a fifth of every late unit moves to ecology from the other themes, in proportion
        shares[:, late] *= 0.8
        shares[:, late, ecology] += 0.2
        change = ShareModel(dealt, shares, themes, n_boot=300, random_state=deal).change(["year"], (2001,), (2002,))
        row = change.set_index("theme").loc["ecology"]
        assert row["change"] == pytest.approx(0.2 * (1 - row["share_from"]), abs=0.06)
        found += int(row["clear"])
    assert found >= 9
