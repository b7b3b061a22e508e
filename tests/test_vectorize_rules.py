"""From mutation audit 22 of text/vectorize.py and analysis/clustered.py: each test here failed on a change of the
code that every other test let through. The vocabulary: the defaults of its functions, the order of the most frequent
words, the lexicon's words kept only where they occur, the error of units without any word and its numbers; the
counts of a vocabulary in any order. The clustered errors: a coefficient no unit informs, units fitted at a share of
exactly 0 or 1, the unit length of a fully fitted direction. The expected values follow from the docstrings, worked
by hand on real sentences of the seed documents."""

import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.text.tokens import UnitTokens
from toolkit.text.vectorize import build_vocabulary, document_term_matrix, unit_counts, word_frequencies

# Four paragraphs' words, as segmentation gives them, from the seed documents' Wuhan reports (seeds/000_*.txt).
UNITS = [
    ["创新", "驱动", "发展", "创新", "城市"],  # 把创新驱动作为推动发展的牛鼻子……建设国家创新型城市
    ["学习", "创新", "驱动", "发展", "经验"],
    ["建设", "美丽", "武汉", "城市", "城市", "城市"],
    ["学习", "先进", "城市", "经验"],
]
# word: units it is in, count
#   城市 3 units, 5 times; 创新 2 units, 3 times; 驱动 2, 2; 发展 2, 2; 学习 2, 2; 经验 2, 2; the rest 1 unit, 1 time


def test_the_functions_defaults_are_the_configs():
    """build_vocabulary and unit_counts called without bounds take vocab.min_df and vocab.max_df's defaults
    (docs/configuration.md: 2 and 0.5), as a run of the default config does: the words of two of the four units."""
    from toolkit.text.vectorize import OPTIONS

    defaults = {"min_df": OPTIONS["min_df"].default, "max_df": OPTIONS["max_df"].default}
    expected = build_vocabulary(UNITS, **defaults)
    assert expected == ["创新", "发展", "学习", "经验", "驱动"]
    assert build_vocabulary(UNITS) == expected and unit_counts(UNITS)[0] == expected


def test_the_most_frequent_words_are_those_of_most_tokens_not_of_most_units():
    """ "Most frequent first" (and max_terms "the most frequent words") counts tokens: 城市 three times in one unit
    comes before 创新 twice in two, and ties 学习 (three times in two units), broken by the word."""
    units = [["城市", "城市", "城市"], ["创新", "学习"], ["创新", "学习", "学习"]]
    # 城市: 1 unit, 3 times; 学习: 2 units, 3 times; 创新: 2 units, 2 times
    assert build_vocabulary(units, min_df=1, max_df=1.0) == ["城市", "学习", "创新"]
    assert build_vocabulary(units, min_df=1, max_df=1.0, max_terms=1) == ["城市"]


def test_units_of_no_word_among_known_words_are_said_as_units_of_no_word():
    """The units of a subset (a year, a sample) share the corpus's word list: units without any token say that there
    is no word, not that the vocabulary's bounds emptied it."""
    tokens = UnitTokens.from_lists([["创新", "城市"], [], []]).subset(np.array([1, 2]))
    assert len(tokens.words) == 2 and tokens.n_tokens == 0
    with pytest.raises(ToolkitError, match="no word in any of the 2 units after cleaning and segmentation"):
        build_vocabulary(tokens, min_df=1, max_df=1.0)


def test_a_lexicon_word_is_kept_only_where_it_occurs():
    """keep exempts the lexicon's words from the bounds, "the kept lexicon words that occur": a word of the corpus's
    list that none of these units holds is no column of zeros."""
    tokens = UnitTokens.from_lists(UNITS + [["生态", "环境"]]).subset(np.arange(4))
    vocabulary, counts, in_model = unit_counts(tokens, min_df=3, max_df=1.0, keep={"生态", "美丽"})
    assert vocabulary == ["城市", "美丽"]
    assert counts.toarray().sum(axis=0).tolist() == [5, 1] and in_model.tolist() == [True, False, True, True]


def test_counts_follow_the_vocabularys_own_order():
    """Column j counts vocabulary[j], whatever order the vocabulary is in (a model's saved vocabulary is not
    sorted)."""
    vocabulary = ["驱动", "城市", "创新"]
    counts = document_term_matrix(UNITS, vocabulary)
    np.testing.assert_array_equal(counts.toarray(), [[1, 1, 2], [1, 0, 1], [0, 3, 0], [0, 1, 0]])
    frequencies = word_frequencies(UNITS)
    assert frequencies.loc["城市"].tolist() == [5, 3] and frequencies.loc["创新"].tolist() == [3, 2]


def test_the_bounds_error_gives_the_count_of_units_max_df_allows():
    with pytest.raises(ToolkitError) as info:
        build_vocabulary(UNITS, min_df=3, max_df=0.5)
    assert str(info.value) == ("vocab.min_df (3 units) is above vocab.max_df (0.5 of 4 units = 2); lower min_df or raise max_df")
    with pytest.raises(ToolkitError) as info:
        build_vocabulary(UNITS, min_df=4, max_df=1.0)
    assert str(info.value).startswith("the vocabulary is empty: no word occurs in at least 4 of 4 units and at most 1 of them")


# ----- clustered errors (toolkit.analysis.clustered) -------------------------------------------------------------


def _clusters(seed=3, sizes=(3, 5, 4, 6, 2)):
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    X = np.column_stack([np.ones(len(groups)), rng.normal(size=len(groups))])
    return X, rng.normal(size=len(groups)), groups


def test_a_coefficient_no_unit_informs_has_no_variance_and_one_degree_of_freedom():
    """A column of zeros (a level of the formula no unit has) is a coefficient with no variance and "at least 1"
    degree of freedom, not a division of zero by zero; the other coefficients are those of the model without it."""
    from toolkit.analysis.clustered import cr2

    X, residuals, groups = _clusters()
    covariance, df = cr2(X, residuals, groups)
    with np.errstate(all="raise"):
        covariance_zero, df_zero = cr2(np.column_stack([X, np.zeros(len(X))]), residuals, groups)
    np.testing.assert_allclose(covariance_zero[:2, :2], covariance, rtol=1e-10)
    np.testing.assert_allclose(df_zero, [*df, 1.0], rtol=1e-10)
    assert not covariance_zero[2].any() and not covariance_zero[:, 2].any()


def test_units_fitted_at_a_share_of_exactly_0_or_1_add_nothing_to_the_clustered_error():
    """A logit fit reaches mu of exactly 1.0 (or 0.0) for a unit it separates: its working weight is 0, and its row
    of the weighted design and its residual are 0 (no NaN from 0 / 0): CR2 is that of the other units."""
    from toolkit.analysis.clustered import cr2, working_regression

    X, _, groups = _clusters()
    rng = np.random.default_rng(4)
    mu = rng.uniform(0.2, 0.6, len(X))
    y = np.clip(mu + rng.normal(0, 0.05, len(X)), 0.01, 0.99)
    weights = rng.integers(20, 80, len(X)).astype(float)
    mu[[0, 7]], y[[0, 7]] = [1.0, 0.0], [1.0, 0.0]
    design, residuals = working_regression(X, y, mu, weights)
    assert np.isfinite(design).all() and np.isfinite(residuals).all()
    assert residuals[0] == residuals[7] == 0.0 and np.abs(design[[0, 7]]).max() < 1e-100
    others = np.ones(len(X), dtype=bool)
    others[[0, 7]] = False
    expected = cr2(*working_regression(X[others], y[others], mu[others], weights[others]), groups[others])
    for got, want in zip(cr2(design, residuals, groups), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10)


def test_a_category_of_one_document_is_the_direction_of_its_own_coefficient_at_unit_length():
    """exactly_fitted gives each fully fitted direction "scaled to unit length": for a category of one document,
    beside an intercept and a year of the others, the category's coefficient alone, whatever the weight of that
    document's rows in the weighted design (here 2: the coefficient moves by 1/2 per unit of its fitted value)."""
    from toolkit.analysis.clustered import exactly_fitted, moves_along

    design = np.repeat(np.array([[1, 2015 + d, int(d == 0)] for d in range(6)], float), 2, axis=0)
    design = design * np.repeat([2.0, 1, 1, 1, 1, 1], 2)[:, None]
    directions = exactly_fitted(design, np.repeat(np.arange(6), 2))
    assert directions.shape == (3, 1)
    np.testing.assert_allclose(np.abs(directions[:, 0]), [0, 0, 1], atol=1e-9)
    # a prediction for the category moves along it, one for the others does not, a row given alone too
    assert moves_along(np.array([[1, 2018, 1], [1, 2018, 0]], float), directions).tolist() == [True, False]
    assert moves_along(np.array([1, 2018, 1], float), directions).tolist() == [True]
