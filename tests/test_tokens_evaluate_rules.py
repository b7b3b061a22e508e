"""Rules of the token arrays (text/tokens.py) and of the topic evaluation (analysis/evaluate.py) that the other tests
left open (a mutation audit): what the docstrings promise, on short real Chinese token lists."""

import math

import numpy as np
import pytest

from toolkit.analysis.evaluate import (
    MAX_UNITS,
    CoherenceStatistics,
    diversity,
    evaluate_model,
    held_word_ids,
    holdout_split,
    stability,
    top_words,
    topic_metrics,
)
from toolkit.text.tokens import UnitTokens

UNITS = [["推进", "数字经济", "发展"], [], ["加快", "建设", "创新型", "国家"], ["推进", "生态", "文明", "建设"]]

# sixty words of policy texts, and units drawn from them (a seeded generator: the same corpus at every run)
WORDS = (
    "创新 科技 人才 教育 生态 绿色 环境 污染 低碳 能源 数字经济 互联网 数据 平台 产业 制造业 农业 乡村 振兴 城市 "
    "交通 住房 医疗 卫生 养老 就业 收入 消费 投资 出口 开放 改革 市场 企业 金融 财政 税收 债务 风险 安全 "
    "法治 治理 文化 旅游 体育 科研 专利 标准 质量 品牌 民生 社会 保障 扶贫 区域 协调 长江 黄河 海洋 航天"
).split()


def _corpus(n_units=300, seed=0):
    rng = np.random.RandomState(seed)
    return [[WORDS[j] for j in rng.randint(0, len(WORDS), rng.randint(3, 20))] for _ in range(n_units)]


# ----- UnitTokens ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ids, offsets",
    [([], []), ([0, 1, 2], [1, 3]), ([0, 1, 2], [0, 2]), ([0, 1, 2], [0, 1, 4])],
    ids=["no offsets", "not from 0", "short of the ids", "past the ids"],
)
def test_offsets_that_do_not_start_at_0_and_end_at_the_tokens_are_refused(ids, offsets):
    with pytest.raises(ValueError, match="offsets must start at 0"):
        UnitTokens(["推进", "数字经济", "发展"], np.array(ids, dtype=np.int32), np.array(offsets, dtype=np.int64))


def test_the_ids_are_int32_as_the_module_promises(tmp_path):
    tokens = UnitTokens(["推进", "数字经济"], np.array([0, 1, 1], dtype=np.int64), np.array([0, 3]))
    assert tokens.ids.dtype == np.int32 and tokens.offsets.dtype == np.int64
    tokens.save(tmp_path / "t")
    assert np.load(tmp_path / "t" / "ids.npy").dtype == np.int32


def test_a_negative_index_past_the_first_unit_is_an_index_error():
    """A sequence: tokens[-len] is the first unit, tokens[-len - 1] an IndexError (not an empty unit)."""
    tokens = UnitTokens.from_lists(UNITS)
    assert tokens[-4] == UNITS[0] and tokens[-3] == []
    with pytest.raises(IndexError):
        tokens[-5]
    with pytest.raises(IndexError):
        tokens[4]


def test_two_token_sets_are_equal_only_when_their_units_hold_the_same_words():
    a = UnitTokens.from_lists([["推进", "数字经济"], ["发展"]])
    assert a == UnitTokens.from_lists([["推进", "数字经济"], ["发展"]])
    assert a != UnitTokens.from_lists([["加快", "建设"], ["国家"]])  # same lengths, other words
    assert a != UnitTokens.from_lists([["推进"], ["数字经济", "发展"]])  # same words, other units
    assert a != [["推进", "数字经济"], ["发展"]]  # not a UnitTokens


def test_word_counts_have_an_entry_for_every_word_of_the_list_after_a_subset():
    """A subset keeps the whole word list; a word none of its units holds counts 0 (the arrays stay by word id)."""
    tokens = UnitTokens.from_lists(UNITS).subset(np.array([0]))
    count, n_units = tokens.word_counts()
    assert len(count) == len(n_units) == len(tokens.words) == 9
    expected = [1 if w in ("推进", "数字经济", "发展") else 0 for w in tokens.words]
    assert count.tolist() == expected and n_units.tolist() == expected


def test_columns_of_another_length_than_the_word_list_are_refused():
    tokens = UnitTokens.from_lists(UNITS)
    for n in (len(tokens.words) - 1, len(tokens.words) + 1):
        with pytest.raises(ValueError, match="one entry per word"):
            tokens.count_matrix(np.zeros(n, dtype=np.int64), 1)


@pytest.mark.parametrize("bad", [-1, 9], ids=["negative", "the number of words"])
def test_loading_refuses_any_id_outside_the_word_list(tmp_path, bad):
    """A negative id would index the word list from its end, an id equal to its length past it: both refused."""
    tokens = UnitTokens.from_lists(UNITS)
    assert len(tokens.words) == 9
    tokens.save(tmp_path / "t")
    ids = tokens.ids.copy()
    ids[2] = bad
    np.save(tmp_path / "t" / "ids.npy", ids)
    with pytest.raises(ValueError, match="outside the word list"):
        UnitTokens.load(tmp_path / "t")


# ----- coherence statistics --------------------------------------------------------------------------------


def test_the_whole_vocabularys_counts_are_not_those_kept_from_one_models_words():
    """Counts of a few words (one model's, ``word_ids``) are not kept as the whole vocabulary's: a sweep scores every
    other model on the whole vocabulary's counts after one model was scored."""
    tokens = _corpus()
    stats = CoherenceStatistics(tokens, WORDS)
    first = [["创新", "科技", "人才"], ["生态", "绿色", "环境"]]
    other = [["数字经济", "互联网", "数据"], ["改革", "开放", "市场"]]
    expected = CoherenceStatistics(tokens, WORDS)
    for measure in ("c_npmi", "u_mass"):
        assert stats.coherence(first, measure) == expected.coherence(first, measure)
        whole, n_windows = stats.counts(measure)
        reference, reference_windows = expected.counts(measure)
        assert n_windows == reference_windows and (whole != reference).nnz == 0
        assert stats.coherence(other, measure) == CoherenceStatistics(tokens, WORDS).coherence(other, measure)


def test_a_sampled_corpus_holds_distinct_units_chosen_by_the_seed():
    """max_units units drawn without replacement (each unit once), the seed choosing which."""
    tokens = [[word] for word in WORDS]  # each unit its own word: a word's count says how often its unit was drawn
    counts = {}
    for seed in (0, 1):
        stats = CoherenceStatistics(tokens, WORDS, max_units=40, random_state=seed)
        assert stats.n_units == 40
        co, n_windows = stats.counts("u_mass")
        diagonal = co.diagonal()
        assert n_windows == 40 and diagonal.max() == 1 and diagonal.sum() == 40
        counts[seed] = diagonal
    assert (counts[0] != counts[1]).any()
    again = CoherenceStatistics(tokens, WORDS, max_units=40, random_state=1).counts("u_mass")[0].diagonal()
    np.testing.assert_array_equal(again, counts[1])


# ----- top words, diversity, stability, held-out split ---------------------------------------------------


def test_held_word_ids_lists_at_most_n_words():
    weights = np.array([0.4, 0.1, 0.3, 0.2])  # one word at the lowest weight: held
    assert held_word_ids(weights, 2).tolist() == [0, 2]
    assert held_word_ids(weights, 4).tolist() == [0, 2, 3, 1]


def test_diversity_reads_only_each_topics_top_n_words():
    topics = [["创新", "科技", "人才"], ["创新", "生态", "绿色"]]
    assert diversity(topics, n=1) == 0.5  # 创新 twice
    assert diversity(topics, n=3) == pytest.approx(5 / 6)
    assert math.isnan(diversity([], n=25)) and math.isnan(diversity([[], []], n=25))  # no words: no share


def test_stability_averages_every_pair_of_runs_not_only_neighbours():
    a = [["创新", "科技", "人才"], ["生态", "绿色", "污染"]]
    b = [["生态", "绿色", "环境"], ["创新", "科技", "人才"]]  # matched: 1.0 and 0.5, mean 0.75
    assert stability([a, b, a]) == pytest.approx((0.75 + 1.0 + 0.75) / 3)


def test_the_held_out_units_are_the_nearest_whole_number_of_the_fraction_and_follow_the_seed():
    for n_units, fraction, n_held in [(19, 0.1, 2), (100, 0.1, 10), (7, 0.25, 2), (10, 0.0, 0)]:
        train, held = holdout_split(n_units, fraction, 0)
        assert len(held) == n_held and len(train) == n_units - n_held
        assert sorted([*train, *held]) == list(range(n_units))
        assert list(train) == sorted(train) and list(held) == sorted(held)  # in the corpus's order
    assert holdout_split(1000, 0.1, 0)[1].tolist() != holdout_split(1000, 0.1, 1)[1].tolist()
    assert holdout_split(1000, 0.1, 3)[1].tolist() == holdout_split(1000, 0.1, 3)[1].tolist()


# ----- topic_metrics and evaluate_model: top 10 for coherence, top 25 for diversity, their mean ------------


def _three_topics():
    rng = np.random.RandomState(1)
    topics = [list(rng.permutation(WORDS)[:30]) for _ in range(3)]
    assert diversity(topics, 25) != diversity(topics, 10)  # the case tells 25 from 10 apart
    return topics


def test_topic_metrics_are_the_mean_coherence_of_the_top_10_words_and_the_diversity_of_the_top_25():
    stats = CoherenceStatistics(_corpus(), WORDS)
    topics = _three_topics()
    metrics = topic_metrics(stats, topics)
    assert set(metrics) == {"c_npmi", "c_v", "u_mass", "diversity", "empty_topics"}
    assert metrics["empty_topics"] == 0
    for measure in ("c_npmi", "c_v", "u_mass"):
        per_topic = stats.coherence([t[:10] for t in topics], measure)
        assert metrics[measure] == pytest.approx(float(np.mean(per_topic)), abs=1e-12)
        assert float(np.median(per_topic)) != pytest.approx(float(np.mean(per_topic)), abs=1e-9)  # mean, not median
        assert stats.coherence([t[:5] for t in topics], measure) != per_topic
    assert metrics["diversity"] == diversity(topics, 25)


def test_evaluate_model_scores_the_top_25_words_rounded_to_6_decimals_and_says_how_many_units():
    tokens = _corpus()
    components = np.random.RandomState(2).gamma(0.3, size=(3, len(WORDS)))
    metrics = evaluate_model(tokens, WORDS, components)
    expected = topic_metrics(CoherenceStatistics(tokens, WORDS), top_words(components, WORDS, 25))
    assert metrics == {**{k: round(v, 6) for k, v in expected.items()}, "coherence_units": len(tokens)}
    assert any(round(v, 6) != round(v, 2) for v in expected.values())


def test_evaluate_model_says_how_many_units_a_large_corpus_was_sampled_to():
    tokens = UnitTokens.from_lists([["推进", "数字经济", "发展"], ["加快", "建设", "创新型", "国家"]] * (MAX_UNITS // 2 + 1))
    assert len(tokens) > MAX_UNITS
    components = np.array([[0.5, 0.3, 0.2, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.4, 0.3, 0.2, 0.1]])
    metrics = evaluate_model(tokens, tokens.words, components)
    assert metrics["coherence_units"] == MAX_UNITS
