import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.text.tokens import TokenBuilder, UnitTokens

UNITS = [["创新", "科技", "创新"], [], ["生态", "绿色", "创新"], ["数字经济"]]


def test_round_trip_and_sequence_behaviour():
    tokens = UnitTokens.from_lists(UNITS)
    assert list(tokens) == UNITS and len(tokens) == 4 and tokens.n_tokens == 7
    assert tokens[0] == UNITS[0] and tokens[-1] == ["数字经济"] and tokens[1] == []
    assert tokens.words == ["创新", "科技", "生态", "绿色", "数字经济"]  # numbered by first occurrence
    np.testing.assert_array_equal(tokens.lengths(), [3, 0, 3, 1])
    with pytest.raises(IndexError):
        tokens[4]
    assert list(tokens[2:]) == UNITS[2:]
    assert list(tokens.subset(np.array([3, 0]))) == [UNITS[3], UNITS[0]]


def test_count_matrix_and_lookup():
    tokens = UnitTokens.from_lists(UNITS)
    counts = tokens.count_matrix().toarray()
    np.testing.assert_array_equal(counts[0], [2, 1, 0, 0, 0])
    np.testing.assert_array_equal(counts.sum(axis=0), [3, 1, 1, 1, 1])
    np.testing.assert_array_equal(tokens.lookup({"绿色": 0, "创新": 1}), [1, -1, 1, -1, 0, 1, -1])


def test_save_and_load(tmp_path):
    tokens = UnitTokens.from_lists(UNITS)
    tokens.save(tmp_path / "t")
    assert UnitTokens.load(tmp_path / "t") == tokens
    np.save(tmp_path / "t" / "ids.npy", np.array([0, 9, 1, 2, 3, 0, 4], dtype=np.int32))
    with pytest.raises(ValueError, match="outside the word list"):
        UnitTokens.load(tmp_path / "t")


_WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=6)


@given(units=st.lists(st.lists(_WORDS, max_size=8), max_size=10))
def test_save_and_load_round_trip_any_tokens(units, tmp_path_factory):
    tokens = UnitTokens.from_lists(units)
    folder = tmp_path_factory.mktemp("tokens")
    tokens.save(folder)
    loaded = UnitTokens.load(folder)
    assert list(loaded) == units and loaded.words == tokens.words


@given(parts=st.lists(st.lists(st.lists(_WORDS, max_size=6), max_size=5), max_size=5))
def test_extend_by_parts_is_appending_every_unit(parts):
    """Workers send a chunk's tokens with the chunk's own word list; merging them numbers the words as
    appending the units one by one would (by first occurrence), so the corpus is the same for any chunking."""
    merged = TokenBuilder()
    for part in parts:
        merged.extend(UnitTokens.from_lists(part))
    every_unit = [unit for part in parts for unit in part]
    expected = UnitTokens.from_lists(every_unit)
    built = merged.build()
    assert list(built) == every_unit and built.words == expected.words
    np.testing.assert_array_equal(built.ids, expected.ids)
    np.testing.assert_array_equal(built.offsets, expected.offsets)


@given(
    units=st.lists(st.lists(st.sampled_from(["创新", "科技", "生态", "绿色", "数字经济", "改革"]), max_size=12), max_size=12),
    data=st.data(),
)
def test_count_matrix_counts_every_token_once(units, data):
    """The compiled counting gives what counting each unit's tokens with a Counter gives, also when words are
    mapped onto fewer columns (several words to one column, some to none)."""
    from collections import Counter

    tokens = UnitTokens.from_lists(units)
    n_columns = data.draw(st.integers(1, 4))
    columns = np.array(
        data.draw(st.lists(st.integers(-1, n_columns - 1), min_size=len(tokens.words), max_size=len(tokens.words))),
        dtype=np.int64,
    )
    matrix = tokens.count_matrix(columns, n_columns)
    assert matrix.shape == (len(units), n_columns) and matrix.has_sorted_indices and matrix.dtype == np.int64
    for i, unit in enumerate(units):
        expected = Counter(int(columns[tokens.words.index(w)]) for w in unit)
        expected.pop(-1, None)
        row = matrix.getrow(i)
        assert dict(zip(row.indices.tolist(), row.data.tolist())) == dict(expected)
    count, n_units = tokens.word_counts()
    for j, word in enumerate(tokens.words):
        assert count[j] == sum(unit.count(word) for unit in units)
        assert n_units[j] == sum(word in unit for unit in units)


@given(
    units=st.lists(st.lists(st.sampled_from(["创新", "的", "科技", "生态", "了", "数字经济"]), max_size=10), max_size=10),
    dropped=st.sets(st.sampled_from(["创新", "的", "科技", "生态", "了", "数字经济"])),
)
def test_from_ids_keeps_the_kept_words_numbered_as_from_lists(units, dropped):
    """A worker numbers every raw word once and filters by a mask over its word list; the result is the
    tokens of filtering each unit's list, with the same word numbers."""
    words = sorted({w for unit in units for w in unit})
    ids = np.array([words.index(w) for unit in units for w in unit], dtype=np.int32)
    tokens = UnitTokens.from_ids(words, ids, [len(unit) for unit in units], [w not in dropped for w in words])
    expected = UnitTokens.from_lists([[w for w in unit if w not in dropped] for unit in units])
    assert list(tokens) == list(expected) and tokens.words == expected.words
    np.testing.assert_array_equal(tokens.ids, expected.ids)
