"""The rules of lexicon_evidence.py and of the `validated` / `other` decisions that every other test left open, each
pinned on a small hand-made count matrix or share table whose answer follows from the rule's definition (mutation
audit 17: each test here fails on a mutation of toolkit/analysis/lexicon_evidence.py or diagnostics.py that every
other test passed)."""

import zlib
from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from toolkit.analysis import lexicon_evidence as evidence
from toolkit.analysis.diagnostics import EXPLORATORY, other_diagnostics, theme_diagnostics
from toolkit.analysis.lexicon import OTHER, Lexicon, Theme

# ---- pearson and is_flat: "a spread within 1e-9 of their size" is no spread


def _rounded(value):
    """Six copies of ``value``, two of them one ulp away: one value up to rounding (a share weighted into documents)."""
    values = np.full(6, value)
    values[1], values[3] = np.nextafter(value, np.inf), np.nextafter(value, -np.inf)
    return values


def test_pearson_reads_no_correlation_from_a_second_series_flat_to_rounding():
    """The rule holds for either series: a rate of 0.1 everywhere but for rounding has no spread, so no r (x alone
    was checked before)."""
    assert np.ptp(_rounded(0.1)) > 0 and np.isnan(evidence.pearson(np.arange(6.0), _rounded(0.1)))


def test_pearson_reads_a_series_of_negative_values_by_its_size():
    """The spread is judged against the values' largest size (absolute): -0.1 to rounding is flat, as 0.1 is."""
    assert np.isnan(evidence.pearson(_rounded(-0.1), np.arange(6.0)))
    assert evidence.is_flat(_rounded(-0.1)) and evidence.is_flat(_rounded(0.1))


def test_is_flat_at_its_limit_and_a_real_spread_just_above_it():
    """1e9 - 1 and 1e9: a spread of exactly 1e-9 of the size (1.0 = 1e-9 * 1e9) is within it; 2.0 is not; a spread of
    1e-7 of the size is a real one, and its r with 0 1 2 3 is that of the values 0 1 3 2 (scale does not matter)."""
    assert evidence.is_flat(np.array([1e9 - 1, 1e9])) and not evidence.is_flat(np.array([1e9 - 2, 1e9]))
    small = 1 + 1e-7 * np.array([0.0, 1.0, 3.0, 2.0])
    assert not evidence.is_flat(small)
    assert evidence.pearson(small, np.arange(4.0)) == pytest.approx(np.corrcoef([0, 1, 3, 2], np.arange(4))[0, 1], abs=1e-6)


def test_pearson_leaves_out_a_pair_whose_second_value_is_missing():
    """Pairs where either value is not finite are left out: y's NaN at the third pair leaves the other four."""
    x = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    y = np.array([2.0, 1.0, np.nan, 5.0, 4.0])
    keep = [0, 1, 3, 4]
    assert evidence.pearson(x, y) == pytest.approx(np.corrcoef(x[keep], y[keep])[0, 1])


# ---- the check within documents: token-weighted deviations of share (over kept tokens) and rate (over all tokens)


def _within_by_definition(share_tokens, kept, held, tokens, labels):
    x, y, w = share_tokens / kept, held / tokens, tokens
    dx, dy = np.empty_like(x), np.empty_like(y)
    for label in np.unique(labels):
        at = labels == label
        dx[at] = x[at] - np.average(x[at], weights=w[at])
        dy[at] = y[at] - np.average(y[at], weights=w[at])
    return np.sum(w * dx * dy) / np.sqrt(np.sum(w * dx * dx) * np.sum(w * dy * dy))


def test_the_correlation_within_documents_weights_by_all_tokens_and_divides_the_rate_by_them_too():
    """Units whose kept tokens differ from their tokens (the held-out half taken out): the share is over the kept
    tokens, the held-out rate over all tokens, and the weight is the unit's tokens (the hand-made test had kept equal
    to tokens, so none of the three could be told apart)."""
    labels = np.repeat(["a", "b"], 3)
    tokens = np.array([10.0, 20.0, 40.0, 10.0, 30.0, 20.0])
    kept = np.array([8.0, 10.0, 36.0, 5.0, 27.0, 12.0])
    share_tokens = np.array([1.0, 4.0, 3.0, 2.0, 9.0, 3.0])
    held = np.array([2.0, 1.0, 8.0, 1.0, 3.0, 6.0])
    r, n = evidence._within_pearson(share_tokens, kept, held, tokens, labels)
    assert r == pytest.approx(_within_by_definition(share_tokens, kept, held, tokens, labels)) and n == 5


def test_a_small_spread_within_documents_beside_large_differences_between_them_is_read():
    """Documents at shares 0.1 and 0.9 whose units differ by a few thousandths within each: the deviations are small
    beside the levels (a millionth of the squares) but real, and their correlation is read, not called flat."""
    labels = np.repeat(["a", "b"], 3)
    tokens = np.full(6, 100.0)
    x = np.array([0.100, 0.101, 0.103, 0.900, 0.902, 0.901])
    y = np.array([0.200, 0.202, 0.201, 0.700, 0.703, 0.701])
    r, n = evidence._within_pearson(x * tokens, tokens, y * tokens, tokens, labels)
    assert np.isfinite(r) and n == 5
    assert r == pytest.approx(_within_by_definition(x * tokens, tokens, y * tokens, tokens, labels))


# ---- theme_structure: words of three tokens, and groups that share exactly half their tokens' documents


def test_a_keyword_of_two_tokens_takes_no_part_in_the_two_groups():
    """护理 (2 tokens, both in the paragraphs of 养老 医疗) is rarer than the three tokens a word needs: it is left out,
    and the second group is 养老 医疗 alone."""
    vocabulary = ["生态", "绿色", "养老", "医疗", "发展", "护理"]
    eco, care, both, most = [2, 2, 0, 0, 10, 0], [0, 0, 2, 1, 10, 1], [1, 1, 1, 1, 10, 0], [1, 1, 1, 0, 10, 0]
    counts = sparse.csr_matrix(np.array([eco, care, eco, care, both, most, most]))
    documents = np.array(["d0", "d0", "d0", "d0", "d1", "d2", "d3"])
    assert np.asarray(counts.sum(axis=0)).ravel()[5] == 2
    (row,) = evidence.theme_structure(counts, [np.array([0, 1, 2, 3, 5])], documents, vocabulary).to_dict("records")
    assert (row["subject_a"], row["subject_b"]) == ("生态 绿色", "养老 医疗")


def _apart_paragraphs(documents, seed=0):
    """Paragraphs of a theme whose a-words (a0-a5) and b-words (b0-b3) never share one, in ``documents`` documents of
    30 paragraphs, b-words in every document."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for d in range(documents):
        for _ in range(30):
            row = np.zeros(11)
            row[-1] = 40
            u = rng.random()
            if u < 0.35:
                row[:6] += rng.poisson([1.2, 1.0, 0.8, 0.6, 0.5, 0.4])
            elif u < 0.7:
                row[6:10] += rng.poisson(0.8, 4)
            rows.append(row)
            labels.append(f"d{d}")
    return np.array(rows), np.array(labels)


def test_groups_with_exactly_half_their_tokens_in_shared_documents_make_a_composite():
    """methods.md: a composite when each group has "half of its tokens or more" in documents that hold the other.
    Twelve documents hold both groups; twelve more repeat their a-paragraphs without the b-words, so the a group has
    exactly half its tokens where the b group is: a composite (its interval's upper end below 0.5)."""
    dense, labels = _apart_paragraphs(12)
    copies = dense.copy()
    copies[:, 6:10] = 0
    counts = sparse.csr_matrix(np.vstack([dense, copies]))
    documents = np.concatenate([labels, np.char.add("copy-", labels)])
    vocabulary = [*(f"a{i}" for i in range(6)), *(f"b{i}" for i in range(4)), "filler"]
    (row,) = evidence.theme_structure(counts, [np.arange(10)], documents, vocabulary).to_dict("records")
    assert row["subjects_shared_documents"] == 0.5 and row["subjects_rho_high"] < evidence.COMPOSITE
    assert row["composite"]


def test_more_than_twenty_documents_make_twenty_jackknife_groups_by_their_crc():
    """methods.md: "each left out in turn, or 20 groups of them": past twenty documents a unit's group is its
    document's CRC-32 modulo 20, and a hundred documents fill all twenty."""
    names = np.array([f"报告{i}" for i in range(100)])
    folds = evidence._folds(np.repeat(names, 2))
    assert folds.tolist() == [zlib.crc32(n.encode("utf-8")) % 20 for n in np.repeat(names, 2)]
    assert len(np.unique(folds)) == 20


# ---- candidate_keywords


def _holding(n_units, words):
    dense = np.zeros((n_units, len(words)))
    for j, units in enumerate(words.values()):
        dense[list(units), j] = 1
    return dense, list(words)


def test_a_word_that_goes_as_well_with_a_third_theme_is_no_candidate():
    """Three themes (生态 in units 0-7, 养老 in 8-23, 外交 in 24-31 of 64). 合作 is in six units of ecology's and six of
    diplomacy's (lift 6 / (12 * 8 / 64) = 4 with each) and in none of welfare's: it goes with two themes alike, so it
    is no candidate of either, however low its lift with the third."""
    dense, vocabulary = _holding(
        64, {"生态": range(8), "养老": range(8, 24), "外交": range(24, 32), "合作": [*range(6), *range(24, 30)]}
    )
    table = evidence.candidate_keywords(
        sparse.csr_matrix(dense),
        vocabulary,
        [np.array([0]), np.array([1]), np.array([2])],
        ["ecology", "welfare", "diplomacy"],
        np.arange(64),
        alpha=1.0,
    )
    assert "合作" not in set(table["word"])


def test_a_stored_zero_is_no_unit_holding_a_word():
    """A count matrix may store zeros (a CSR matrix whose entries were set to 0): such a unit does not hold the word.
    湿地 is in units 0-2 (all of ecology's 8 of 64) and stored as 0 in units 40-59: lift 8, as without them."""
    dense, vocabulary = _holding(64, {"生态": range(8), "湿地": [0, 1, 2], "会议": range(64)})
    counts = sparse.csr_matrix(dense)
    units, words = counts.nonzero()
    zeros = np.arange(40, 60)
    stored = sparse.csr_matrix(
        (np.r_[counts.data, np.zeros(20)], (np.r_[units, zeros], np.r_[words, np.ones(20, int)])), shape=counts.shape
    )
    assert stored.nnz == counts.nnz + 20 and (stored != counts).nnz == 0
    table = evidence.candidate_keywords(stored, vocabulary, [np.array([0])], ["ecology"], np.arange(64), alpha=1.0)
    assert table.set_index("word").loc["湿地", ["units_word", "lift"]].tolist() == [3, 8.0]


def test_a_candidates_p_value_is_its_own_when_a_word_before_it_fails_the_bonferroni_limit():
    """Ecology's keyword in units 0-15 of 64. 绿色 in 4 of them only: p = C(16, 4) / C(64, 4) = 0.0029, below alpha
    0.004 but not below 0.004 / 2 (two words tried): no candidate. 湿地 in 10 of them only: a candidate whose p-value
    is C(16, 10) / C(64, 10), its own (not 绿色's)."""
    dense, vocabulary = _holding(64, {"生态": range(16), "绿色": range(4), "湿地": range(10)})
    table = evidence.candidate_keywords(
        sparse.csr_matrix(dense), vocabulary, [np.array([0])], ["ecology"], np.arange(64), alpha=0.004
    )
    assert 0.002 < comb(16, 4) / comb(64, 4) < 0.004
    assert table["word"].tolist() == ["湿地"]
    assert table.loc[0, "p_value"] == pytest.approx(comb(16, 10) / comb(64, 10))


def test_top_n_candidates_are_listed():
    """Up to top_n a theme: with top_n 2, two of ecology's three candidates (the two of highest lift)."""
    dense, vocabulary = _holding(64, {"生态": range(16), "湿地": range(10), "绿色": range(6), "低碳": [*range(6), 20, 21]})
    args = (sparse.csr_matrix(dense), vocabulary, [np.array([0])], ["ecology"], np.arange(64))
    assert len(evidence.candidate_keywords(*args, alpha=1.0)) == 3
    assert evidence.candidate_keywords(*args, alpha=1.0, top_n=2)["word"].tolist() == ["湿地", "绿色"]


def test_the_default_rules_are_those_methods_md_states():
    """methods.md: candidates share at least 3 units with the theme's keywords, with a hypergeometric p below 0.001
    over the words tried, and a lift at least 1.5 times the lift with any other theme (a docs audit: min_units 1,
    alpha 0.002 and 1.3 in their places passed every test, which passed their own values)."""
    # 湿地 in 2 of ecology's 8 units and 绿色 in 3 (lift 8 each): only 绿色 shares 3 units
    dense, vocabulary = _holding(64, {"生态": range(8), "湿地": [0, 1], "绿色": [2, 3, 4]})
    args = (sparse.csr_matrix(dense), vocabulary, [np.array([0])], ["ecology"], np.arange(64))
    assert evidence.candidate_keywords(*args, alpha=1.0)["word"].tolist() == ["绿色"]
    assert sorted(evidence.candidate_keywords(*args, alpha=1.0, min_units=2)["word"]) == ["湿地", "绿色"]
    # 湿地 in 5 of ecology's 19 units only: p = C(19, 5) / C(64, 5) = 0.0015, one word tried: not below 0.001
    dense, vocabulary = _holding(64, {"生态": range(19), "湿地": range(5)})
    args = (sparse.csr_matrix(dense), vocabulary, [np.array([0])], ["ecology"], np.arange(64))
    assert 0.001 < comb(19, 5) / comb(64, 5) < 0.002
    assert evidence.candidate_keywords(*args).empty and len(evidence.candidate_keywords(*args, alpha=0.002)) == 1
    # 合作 in 7 of ecology's 8 units and 5 of welfare's 8: lifts 4.67 and 3.33, 1.4 times, short of 1.5
    dense, vocabulary = _holding(64, {"生态": range(8), "养老": range(8, 16), "合作": [*range(7), *range(8, 13)]})
    table = evidence.candidate_keywords(
        sparse.csr_matrix(dense), vocabulary, [np.array([0]), np.array([1])], ["ecology", "welfare"], np.arange(64), alpha=1.0
    )
    assert "合作" not in set(table["word"])
    dense[12, 2] = 0  # 4 of welfare's: lifts 5.09 and 2.91, 1.75 times
    table = evidence.candidate_keywords(
        sparse.csr_matrix(dense), vocabulary, [np.array([0]), np.array([1])], ["ecology", "welfare"], np.arange(64), alpha=1.0
    )
    assert table.loc[table["word"] == "合作", "theme"].tolist() == ["ecology"]


# ---- theme_diagnostics: a corpus without a keyword in its vocabulary is not an exploratory model


def test_a_model_of_a_corpus_without_any_keyword_says_the_theme_is_not_measured():
    """No keyword of the lexicon is in the vocabulary, so no topic is anchored: the reason is that the theme is not
    measured here, not that the model is exploratory."""
    lexicon = Lexicon((Theme("ecology", "生态", "Ecology", ("生态", "绿色")),))
    vocabulary = ["会议", "同志", "报告", "政府"]
    units = pd.DataFrame({"doc_id": ["d0", "d1", "d2", "d3"], "n_tokens": 50, "ecology": 0.0, "year": 2020})
    row = theme_diagnostics(
        lexicon,
        vocabulary,
        np.ones((2, 4)),
        np.array([-1, -1]),
        [np.zeros(0, dtype=np.int64)],
        units,
        np.zeros((4, 1)),
        pd.DataFrame(columns=["theme", "pearson_r", "n_years"]),
    ).iloc[0]
    assert row["why"].startswith("no keyword of the theme is in the vocabulary") and EXPLORATORY not in row["why"]
    assert not row["validated"]


# ---- the `other` row: larger than every named theme's, with one named theme too; never validated


def _other_inputs(names, other_share, named_share):
    units = pd.DataFrame({"doc_id": ["a"], "n_tokens": [100], **{n: [named_share] for n in names}, OTHER: [other_share]})
    yearly = pd.DataFrame(
        [
            {"year": y, "theme": t, "share": other_share if t == OTHER else named_share}
            for y in range(2001, 2005)
            for t in [*names, OTHER]
        ]
    )
    topics = pd.DataFrame({"topic": [3], "theme": [OTHER], "suggested": [""], "top_words": [["会议", "同志"]]})
    return units, yearly, topics


def test_other_equal_to_the_largest_theme_is_not_the_largest_share():
    """methods.md: `other` is the largest when its share is larger than every named theme's. Equal (0.25 and 0.25,
    in the corpus and in each of four years) is not larger: no year is named and no warning given; 0.5 is."""
    lexicon = Lexicon((Theme("ecology", "生态", "Ecology", ("生态",)), Theme("welfare", "民生", "Welfare", ("养老",))))
    row, why = other_diagnostics(*_other_inputs(lexicon.names, 0.25, 0.25), lexicon)
    assert row["years_largest"] == "" and why == ""
    row, why = other_diagnostics(*_other_inputs(lexicon.names, 0.5, 0.25), lexicon)
    assert row["years_largest"] == "2001 2002 2003 2004" and "largest share of the corpus" in why


def test_other_against_a_lexicon_of_one_theme_in_groups():
    """A lexicon of one theme: `other` 0.6 against ecology 0.4 in one of two groups is the largest share there."""
    lexicon = Lexicon((Theme("ecology", "生态", "Ecology", ("生态",)),))
    units, yearly, topics = _other_inputs(lexicon.names, 0.2, 0.3)
    groups = pd.DataFrame(
        {"place": ["甲", "甲", "乙", "乙"], "theme": ["ecology", OTHER, "ecology", OTHER], "share": [0.4, 0.6, 0.7, 0.3]}
    )
    why = other_diagnostics(units, yearly, topics, lexicon, groups=groups, by="place")[1]
    assert "'other' is the largest share of 1 of 2 groups of place: 甲 (0.60 against ecology 0.40)" in why


def test_the_other_row_is_never_validated():
    """`other` is not a theme (what the lexicon does not name): its row is not validated, warned of or not."""
    lexicon = Lexicon((Theme("ecology", "生态", "Ecology", ("生态",)),))
    for other_share in (0.1, 0.9):
        row, _ = other_diagnostics(*_other_inputs(lexicon.names, other_share, 0.3), lexicon)
        assert row["validated"] is False


def test_a_unit_without_tokens_that_stores_zeros_changes_nothing_within_documents():
    """A CSR matrix may store zeros: a paragraph of no token (stored zeros in the keywords' columns) added to a
    document holds no rate to deviate from its document's, so the two groups, rho and its interval are as without it."""
    dense, labels = _apart_paragraphs(12)
    vocabulary = [*(f"a{i}" for i in range(6)), *(f"b{i}" for i in range(4)), "filler"]
    counts = sparse.csr_matrix(dense)
    blank = sparse.csr_matrix((np.zeros(10), (np.zeros(10, int), np.arange(10))), shape=(1, 11))
    with_blank = sparse.vstack([counts, blank], format="csr")
    assert with_blank.nnz == counts.nnz + 10
    before = evidence.theme_structure(counts, [np.arange(10)], labels, vocabulary)
    after = evidence.theme_structure(with_blank, [np.arange(10)], np.append(labels, "d0"), vocabulary)
    assert np.isfinite(before.loc[0, "subjects_rho"])
    pd.testing.assert_frame_equal(after, before)
