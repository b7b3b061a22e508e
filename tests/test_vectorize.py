import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.text.vectorize import build_vocabulary, document_term_matrix, unit_counts

UNITS = [["创新", "科技", "创新"], ["创新", "生态"], ["生态", "绿色", "创新"], ["数字经济"]]


def test_vocabulary_bounds_and_order():
    assert build_vocabulary(UNITS, min_df=2, max_df=1.0) == ["创新", "生态"]
    assert build_vocabulary(UNITS, min_df=1, max_df=0.5) == ["生态", "数字经济", "科技", "绿色"]
    assert build_vocabulary(UNITS, min_df=1, max_df=1.0, max_terms=2) == ["创新", "生态"]


def test_lexicon_words_are_kept_beyond_max_terms():
    """A hostile pass of the lexicon tools: vocab.max_terms = 100 dropped 222 keywords that occur (four themes then
    'not measured'), though keep_lexicon promises the lexicon's words whatever their frequency."""
    from toolkit.text.vectorize import unit_counts

    vocabulary, counts, _ = unit_counts(UNITS, min_df=1, max_df=1.0, max_terms=1, keep={"数字经济", "碳中和"})
    assert vocabulary == ["创新", "数字经济"]  # the most frequent word, and the kept one that occurs
    assert counts.sum() == 5


def test_counts():
    vocab = ["创新", "生态"]
    X = document_term_matrix(UNITS, vocab)
    assert X.shape == (4, 2)
    np.testing.assert_array_equal(X.toarray(), [[2, 0], [1, 1], [1, 1], [0, 0]])


def test_impossible_bounds():
    with pytest.raises(ToolkitError, match="min_df .* is above vocab.max_df"):
        build_vocabulary(UNITS, min_df=3, max_df=0.5)
    with pytest.raises(ToolkitError, match="vocabulary is empty"):
        build_vocabulary(UNITS, min_df=4, max_df=1.0)


def test_unit_counts_leaves_out_units_without_a_vocabulary_word():
    units = [["创新", "科技"], ["的", "了"], [], ["创新", "生态", "创新"], ["生态"]]
    vocabulary, counts, in_model = unit_counts(units, min_df=2, max_df=1.0)
    assert vocabulary == ["创新", "生态"]
    np.testing.assert_array_equal(in_model, [True, False, False, True, True])
    np.testing.assert_array_equal(counts.toarray(), [[1, 0], [2, 1], [0, 1]])
    full = document_term_matrix(units, vocabulary)[in_model]
    assert counts.shape == full.shape and counts.has_sorted_indices and counts.dtype == np.int64
    assert (counts != full).nnz == 0


def test_units_without_any_word_say_so_not_min_df():
    """Units of numbers and punctuation only (a corpus in the wrong folder) leave no word at all: the error says that,
    not how to move vocab.min_df."""
    with pytest.raises(ToolkitError, match="no word in any of the 3 units after cleaning and segmentation"):
        build_vocabulary([[], [], []], min_df=1, max_df=1.0)
