"""Rules of the covariate effects' estimation and tables (toolkit.analysis.effects.estimate_effects): each term is the
token-weighted fractional logit of every member with errors clustered by document (CR2, Student's t with each term's
Bell-McCaffrey degrees of freedom), pooled over the members as an equal mixture; checked here against statsmodels
and scipy by hand on small constructed tables (a mutation audit of the estimation and its tables)."""

import warnings

import numpy as np
import pandas as pd
import pytest


def _corpus(seed: int = 0, members: int = 2, documents: int = 16):
    """Documents of two levels over years, 6 units each of very unequal length, a document effect, and ``members``
    ensemble members whose shares differ; the last document has no level (left out of the fit)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d in range(documents):
        level = "b" if d % 2 else "a"
        for _ in range(6):
            rows.append({"doc_id": f"d{d}", "year": 2000 + d % 8, "level": level, "n_tokens": int(rng.choice([5, 20, 200]))})
    units = pd.DataFrame(rows)
    units.loc[units["doc_id"] == f"d{documents - 1}", "level"] = None
    effect = units["doc_id"].map({f"d{d}": rng.normal(0, 0.3) for d in range(documents)}).to_numpy()
    shares = []
    for m in range(members):
        logit = -1.5 + 0.3 * m + 0.05 * (units["year"] - 2004) + 0.4 * (units["level"] == "b") + effect
        value = 1 / (1 + np.exp(-(logit + rng.normal(0, 0.3, len(units)))))
        other = np.clip(0.3 + rng.normal(0, 0.05, len(units)), 0.01, 0.5) * (1 - value)
        shares.append(np.column_stack([value, other, 1 - value - other]))
    return units, np.array(shares)


def _by_hand(units, shares, theme: int):
    """Each member's fractional logit of ``year + level`` on the units with a level (statsmodels, weighted by tokens)
    and its CR2 errors and degrees of freedom by document."""
    import statsmodels.api as sm

    from toolkit.analysis.clustered import cr2, working_regression

    kept = units["level"].notna().to_numpy()
    X = np.column_stack([np.ones(kept.sum()), units.loc[kept, "year"], units.loc[kept, "level"] == "b"]).astype(float)
    w = units.loc[kept, "n_tokens"].to_numpy(float)
    groups = pd.factorize(units.loc[kept, "doc_id"])[0]
    out = []
    for member in shares:
        y = member[kept, theme]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w).fit()
        covariance, df = cr2(*working_regression(X, y, fit.mu, w), groups)
        out.append((fit.params, np.sqrt(np.diag(covariance)), df))
    params, errors, df = (np.array(part) for part in zip(*out))  # members x coefficients
    return params, errors, df, int(kept.sum()), len(np.unique(groups))


def _mixture_quantile(q, estimates, errors, df):
    from scipy import optimize, stats

    cdf = lambda x: np.mean(stats.t.cdf((x - estimates) / errors, df)) - q  # noqa: E731
    reach = 1e3 * errors.max()  # far beyond any member's quantile at these levels
    return optimize.brentq(cdf, estimates.min() - reach, estimates.max() + reach, xtol=1e-12)


def test_each_term_is_the_weighted_fractional_logit_of_each_member_pooled_as_their_mixture():
    """Estimate: the members' statsmodels coefficients averaged; interval: the quantiles of the equal mixture of
    their t(df) distributions; p: twice the mixture's smaller tail at zero; p_adjusted: Bonferroni over the two
    themes; counts: the units and documents with a value of every covariate, and the members pooled."""
    from scipy import stats

    from toolkit.analysis.effects import estimate_effects

    units, shares = _corpus()
    table, _ = estimate_effects(units, shares, ["one", "two"], "year + level", draws=50, x="")
    for theme, name in enumerate(["one", "two"]):
        params, errors, df, n_units, n_documents = _by_hand(units, shares, theme)
        rows = table[table["theme"] == name].set_index("term")
        assert list(rows.index) == ["Intercept", "year", "level[T.b]"]
        assert rows.loc["level[T.b]", "reference"] == "level = a" and rows.loc["year", "reference"] == ""
        assert (rows["n_units"] == n_units).all() and (rows["n_documents"] == n_documents).all()
        assert (rows["members"] == 2).all()
        for j, term in enumerate(rows.index):
            e, s, v = params[:, j], errors[:, j], df[:, j]
            row = rows.loc[term]
            assert row["estimate"] == pytest.approx(e.mean(), rel=1e-6, abs=1e-9)
            assert row["low"] == pytest.approx(_mixture_quantile(0.025, e, s, v), rel=1e-6, abs=1e-9)
            assert row["high"] == pytest.approx(_mixture_quantile(0.975, e, s, v), rel=1e-6, abs=1e-9)
            tails = np.mean(stats.t.cdf(-e / s, v)), np.mean(stats.t.sf(-e / s, v))
            assert row["p_value"] == pytest.approx(2 * min(tails), rel=1e-6, abs=1e-12)
            assert row["p_adjusted"] == pytest.approx(min(1.0, 2 * row["p_value"]), rel=1e-9, abs=1e-15)
        assert rows["note"].str.contains("method of composition").all()
        assert rows["note"].str.contains("fewer than 50 documents").all()


def test_the_coverage_of_the_intervals_is_the_level_asked_for():
    """level = 0.8: each interval is the mixture's 10% and 90% quantiles, narrower than the 95% one, and both tables
    say the level; the expected shares' band is the pooled draws' 10% and 90% quantiles, inside the 95% band."""
    from toolkit.analysis.effects import estimate_effects

    units, shares = _corpus(seed=1)
    wide, wide_curve = estimate_effects(units, shares, ["one", "two"], "year + level", draws=400, x="year")
    narrow, curve = estimate_effects(units, shares, ["one", "two"], "year + level", draws=400, x="year", level=0.8)
    assert narrow.attrs["level"] == curve.attrs["level"] == 0.8 and wide.attrs["level"] == 0.95
    params, errors, df, _, _ = _by_hand(units, shares, 0)
    rows = narrow[narrow["theme"] == "one"].set_index("term")
    for j, term in enumerate(rows.index):
        for q, end in ((0.1, "low"), (0.9, "high")):
            assert rows.loc[term, end] == pytest.approx(_mixture_quantile(q, params[:, j], errors[:, j], df[:, j]), rel=1e-6)
    assert (narrow["high"] - narrow["low"] < wide["high"] - wide["low"]).all()
    drawn = curve["supported"].to_numpy()
    assert drawn.any()
    assert (curve["low"][drawn] > wide_curve["low"][drawn]).all() and (curve["high"][drawn] < wide_curve["high"][drawn]).all()


def test_a_draws_band_is_reproducible_from_its_random_state():
    """The expected shares' band comes from draws: the same random_state gives the same table, another one another
    band (the exact columns of effects.csv do not depend on the draws)."""
    from toolkit.analysis.effects import estimate_effects

    units, shares = _corpus(seed=2)
    first = estimate_effects(units, shares, ["one", "two"], "year + level", draws=60, x="year", random_state=3)
    again = estimate_effects(units, shares, ["one", "two"], "year + level", draws=60, x="year", random_state=3)
    other = estimate_effects(units, shares, ["one", "two"], "year + level", draws=60, x="year", random_state=4)
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])
    pd.testing.assert_frame_equal(first[0], other[0])
    assert not np.allclose(first[1]["low"].dropna(), other[1]["low"].dropna())


def test_an_end_without_an_exact_quantile_is_the_draws_quantile_at_that_end():
    """Where a coefficient's error is zero (no mixture to invert) an end of its interval is its draws' quantile at
    that end: the lower end at the lower quantile."""
    from toolkit.analysis.effects import _bound

    draws = np.linspace(-1.0, 1.0, 201)
    args = np.array([0.1]), np.array([0.0]), np.array([5.0])
    low, high = _bound(0.025, draws, *args), _bound(0.975, draws, *args)
    assert low == pytest.approx(np.quantile(draws, 0.025)) and high == pytest.approx(np.quantile(draws, 0.975))
    assert low < high


@pytest.mark.parametrize("documents, few", [(49, True), (50, False)])
def test_the_note_says_small_sample_errors_below_fifty_documents_only(documents, few):
    """effects.csv's note says its errors are small-sample ones, its intervals wide, below fifty documents
    (docs/methods.md): at 49, not at 50."""
    from toolkit.analysis.effects import estimate_effects

    rng = np.random.default_rng(documents)
    units = pd.DataFrame([{"doc_id": f"d{d}", "year": 2000 + d % 10, "n_tokens": 30} for d in range(documents) for _ in range(2)])
    value = np.clip(0.2 + rng.normal(0, 0.05, len(units)), 0.01, 0.99)
    table, _ = estimate_effects(units, np.stack([value, 1 - value], axis=1)[None], ["one"], "year", draws=50, x="")
    assert (table["n_documents"] == documents).all()
    assert bool(table["note"].str.contains("fewer than 50 documents").all()) is few
    assert table["note"].str.contains("one fitted model").all()


def test_a_member_that_cannot_be_fitted_is_left_out_of_the_pool_and_its_count():
    """A member whose fit fails (here a share that is no number) is left out: ``members`` counts the members pooled,
    the note names one fitted model, and the estimate is the other member's coefficient alone."""
    import statsmodels.api as sm

    from toolkit.analysis.effects import estimate_effects

    rng = np.random.default_rng(0)
    units = pd.DataFrame([{"doc_id": f"d{d}", "year": 2000 + d, "n_tokens": 30} for d in range(12) for _ in range(3)])
    value = np.clip(0.3 + 0.01 * (units["year"].to_numpy() - 2000) + rng.normal(0, 0.05, (2, len(units))), 0.01, 0.99)
    value[1, 0] = np.nan
    table, _ = estimate_effects(units, np.stack([value, 1 - value], axis=2), ["one"], "year", draws=50, x="")
    rows = table.set_index("term")
    assert (rows["members"] == 1).all() and rows["note"].str.contains("one fitted model").all()
    X, w = sm.add_constant(units["year"].to_numpy(float)), units["n_tokens"].to_numpy(float)
    slope = sm.GLM(value[0], X, family=sm.families.Binomial(), var_weights=w).fit().params[1]
    assert rows.loc["year", "estimate"] == pytest.approx(slope, rel=1e-6)


def test_a_category_drawn_where_some_member_holds_the_theme_in_each_of_its_units():
    """A category's curve is left out when its documents all lack the theme; a unit holds it when any member gives it
    a share. Here every unit of category b lacks the theme in one of the two members (never all of b's units in the
    same one: no separation), so b's curve is drawn as a's is."""
    from toolkit.analysis.effects import estimate_effects

    rng = np.random.default_rng(6)
    rows = [
        {"doc_id": f"{level}{d}", "year": 2000 + d % 6, "level": level, "n_tokens": 30}
        for level in "ab"
        for d in range(8)
        for _ in range(4)
    ]
    units = pd.DataFrame(rows)
    value = np.clip(0.2 + rng.normal(0, 0.04, (2, len(units))), 0.01, 0.99)
    b = np.flatnonzero(units["level"] == "b")
    value[0, b[::2]] = 0.0
    value[1, b[1::2]] = 0.0
    table, expected = estimate_effects(units, np.stack([value, 1 - value], axis=2), ["one"], "year + level", draws=50)
    assert not table["note"].str.contains("not estimable").any()
    drawn = expected.groupby("group")["supported"].any()
    assert drawn["a"] and drawn["b"]


def _three_levels(seed: int = 3):
    """Three categories of four documents of three units each (丙, 乙, 甲: 丙 first in sorted order); theme one has
    no share in any unit of 丙, theme two a share in every unit."""
    rng = np.random.default_rng(seed)
    units = pd.DataFrame(
        [{"doc_id": f"{level}{d}", "level": level, "n_tokens": 40} for level in "甲乙丙" for d in range(4) for _ in range(3)]
    )
    one = np.clip(0.25 + rng.normal(0, 0.05, len(units)), 0.01, 0.9) * (units["level"] != "丙").to_numpy()
    two = np.clip(0.3 + 0.1 * (units["level"] == "甲").to_numpy() + rng.normal(0, 0.05, len(units)), 0.01, 0.6)
    shares = np.column_stack([one, two, 1 - one - two])[None]
    return units, shares


def test_the_reference_category_is_one_whose_documents_hold_every_theme(caplog):
    """The first category lacking a theme, every term and expected share of that theme ran off with it (separation)
    and none was estimated (31 provinces, the first without any security share: the whole panel empty; a hostile
    pass). The first category of two documents or more that holds every theme is the reference; the other
    theme's expected shares are those of any reference (a change of the reference changes no expected share)."""
    import logging

    from toolkit.analysis.effects import estimate_effects

    units, shares = _three_levels()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        table, expected = estimate_effects(units, shares, ["one", "two"], "level", x="level", draws=50)
    assert set(table.loc[table["term"].str.startswith("level"), "reference"]) == {"level = 乙"}
    one = expected[expected["theme"] == "one"].set_index("level")
    assert one.loc[["乙", "甲"], "supported"].all() and not one.loc["丙", "supported"]
    assert table.loc[(table["theme"] == "one") & (table["term"] == "level[T.甲]"), "estimate"].notna().all()
    assert "'丙' has no share of one" in caplog.text and "compared with '乙'" in caplog.text
    _, kept = estimate_effects(units, shares, ["one", "two"], "level", x="level", draws=50, reference={"level": "丙"})
    two, kept_two = (e[e["theme"] == "two"].set_index("level")["expected"] for e in (expected, kept))
    assert np.allclose(two.sort_index(), kept_two.sort_index(), rtol=1e-6)
    by_hand = pd.Series(shares[0, :, 1] * 40, index=units["level"]).groupby(level=0).sum() / 480
    assert np.allclose(two.sort_index(), by_hand.sort_index(), rtol=1e-6)  # each category's token-weighted mean


def test_a_chosen_reference_that_lacks_a_theme_is_warned_of_with_one_that_holds_it(caplog):
    """effects.reference naming a category without a theme is kept (the user's choice) and the warning says what it
    costs and which category holds the theme, in the form a config writes it."""
    import logging

    from toolkit.analysis.effects import estimate_effects

    units, shares = _three_levels()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        table, expected = estimate_effects(units, shares, ["one", "two"], "level", x="level", draws=50, reference={"level": "丙"})
    assert set(table.loc[table["term"].str.startswith("level"), "reference"]) == {"level = 丙"}
    assert not expected.loc[expected["theme"] == "one", "supported"].any()
    assert "reference category '丙' has no share of one" in caplog.text
    assert 'effects.reference.level = "乙" holds it' in caplog.text


def test_a_reference_without_a_theme_is_warned_of_in_an_interaction_and_named_as_the_tables_name_it(caplog):
    """An adversarial review of the rule above: in an interaction (level + level:year) the column keeps its sorted
    order, and its first category's lack of a theme emptied that theme's terms with no word of the cause; a category
    of C(tier) was named 1.0 in the warnings, where the tables and the metadata write 01; a member's lack was said
    of the documents of every member."""
    import logging

    from toolkit.analysis.effects import estimate_effects

    units, shares = _three_levels()
    units["year"] = 2000 + units.groupby("level").cumcount() % 6
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        estimate_effects(units, shares, ["one", "two"], "level + level:year", x="", draws=30)
    assert "level's reference category '丙' has no share of one" in caplog.text
    assert 'effects.reference.level = "乙" holds it' in caplog.text
    # but not where no term is compared with it: year:level gives each category a slope of its own (a review)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        full, _ = estimate_effects(units, shares, ["one", "two"], "year:level", x="", draws=30)
    assert "reference category" not in caplog.text and not full["reference"].fillna("").any()
    caplog.clear()
    tiers = units.assign(tier=units["level"].map({"丙": "01", "乙": "02", "甲": "03"})).drop(columns="level")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        table, _ = estimate_effects(tiers, shares, ["one", "two"], "C(tier)", x="", draws=30)
    assert "tier's first category '01' has no share of one" in caplog.text and "compared with '02'" in caplog.text
    assert "1.0" not in caplog.text and set(table["reference"].dropna()) - {""} == {"C(tier) = 02"}
    caplog.clear()
    ensemble = np.repeat(
        np.column_stack([np.full(len(units), 0.2), np.full(len(units), 0.3), np.full(len(units), 0.5)])[None], 2, 0
    )
    ensemble[:, :, 0] += np.random.default_rng(1).normal(0, 0.02, (2, len(units)))
    ensemble[1, (units["level"] == "丙").to_numpy(), 0] = 0.0  # the second member alone gives 丙 no share of one
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        estimate_effects(units, ensemble, ["one", "two"], "level", x="", draws=30)
    assert "first category '丙' has no share of one in its documents (in one model of the ensemble or more)" in caplog.text
