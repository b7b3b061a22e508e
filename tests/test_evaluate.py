import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.analysis.evaluate import CoherenceStatistics, diversity, holdout_split, match_topics, stability, top_words

from .conftest import examples


@pytest.fixture(scope="module")
def seed_tokens(segmenter, normalizer):
    from toolkit.text.units import split_units

    from .conftest import SEED_FILES

    units = [u for p in SEED_FILES for u in split_units(normalizer.normalize(p.read_text(encoding="utf-8")).text)]
    return [segmenter.tokens(u) for u in units]


@pytest.mark.parametrize("measure", ["c_npmi", "c_v", "u_mass"])
def test_coherence_equals_gensims_coherence_model(seed_tokens, measure):
    from gensim.models.coherencemodel import CoherenceModel

    from toolkit.text.vectorize import build_vocabulary

    vocab = build_vocabulary(seed_tokens, min_df=2, max_df=0.5)
    stats = CoherenceStatistics(seed_tokens, vocab)
    topics = [vocab[0:10], vocab[10:20], ["生态", "绿色", "污染", "环境", "低碳"], ["数字经济", "互联网", "人才", "城市"]]
    topics = [[w for w in t if w in vocab] for t in topics]
    # gensim, with every vocabulary word relevant (as ours), then the topics scored on that accumulator
    reference = CoherenceModel(
        topics=[vocab[i : i + 50] for i in range(0, len(vocab), 50)],
        texts=seed_tokens,
        dictionary=stats.dictionary,
        coherence=measure,
        processes=1,
    )
    reference.estimate_probabilities()
    reference.topics = topics
    expected = reference.get_coherence_per_topic()
    np.testing.assert_allclose(stats.coherence(topics, measure), expected, rtol=1e-9, atol=1e-12)
    stats.counts(measure)  # the whole vocabulary's counts, as a sweep computes them once for all its models
    np.testing.assert_allclose(stats.coherence(topics, measure), expected, rtol=1e-9, atol=1e-12)


def test_diversity_and_stability():
    a = [["创新", "科技", "人才"], ["生态", "绿色", "污染"]]
    b = [["生态", "绿色", "环境"], ["创新", "科技", "人才"]]  # same topics, other order, one word changed
    assert diversity(a, n=3) == 1.0
    assert diversity(a + a, n=3) == 0.5
    np.testing.assert_allclose(sorted(match_topics(a, b)), [0.5, 1.0])
    assert stability([a, b]) == pytest.approx(0.75)
    assert stability([a, a, a]) == 1.0
    assert np.isnan(stability([a]))


def test_top_words_and_holdout():
    components = np.array([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]])
    assert top_words(components, ["创新", "生态", "数字"], 2) == [["生态", "数字"], ["创新", "生态"]]
    train, held = holdout_split(100, 0.1, 0)
    assert len(held) == 10 and len(train) == 90 and not set(train) & set(held)
    assert (holdout_split(100, 0.1, 0)[1] == held).all()


def test_a_topic_is_scored_on_the_words_it_drew_not_on_the_words_at_its_floor(seed_tokens):
    """A topic that drew no token holds every word at the prior's floor (gensim's LDA and the keyword model leave
    it so): its "top words" were the vocabulary's first words, the same in every seed, so two seeds' dead topics
    matched perfectly and raised stability; and they entered the mean coherence as if they were a topic."""
    from toolkit.analysis.evaluate import topic_metrics
    from toolkit.text.vectorize import build_vocabulary

    vocab = build_vocabulary(seed_tokens, min_df=2, max_df=0.5)
    green, digital, short = ["生态", "绿色", "污染", "环境"], ["数字经济", "互联网", "人才"], ["创新", "科技"]
    assert set(green + digital + short) <= set(vocab)

    def components(*topics):  # each topic's words above the floor, heaviest first; every other word at the floor
        weights = np.full((len(topics), len(vocab)), 0.01)
        for row, words in enumerate(topics):
            for rank, word in enumerate(words):
                weights[row, vocab.index(word)] += len(words) - rank
        return weights

    seed_a = top_words(components(green, digital, short, []), vocab, 10)
    seed_b = top_words(components(green, digital, [], short), vocab, 10)
    assert seed_a == [green, digital, short, []]  # a topic's words end where its draws end
    # the dead topics agree with nothing: green and digital match (1, 1), short with itself (1), empty with empty (0)
    assert stability([seed_a, seed_b]) == pytest.approx(3 / 4)
    statistics = CoherenceStatistics(seed_tokens, vocab)
    metrics = topic_metrics(statistics, seed_a)
    assert metrics["empty_topics"] == 1
    assert metrics["c_npmi"] == pytest.approx(np.mean(statistics.coherence([green, digital, short], "c_npmi")))
    assert metrics["diversity"] == pytest.approx(9 / (4 * 25))  # nine words, all different, of 25 a topic
    nothing = topic_metrics(statistics, top_words(components([], ["创新"]), vocab, 10))
    assert nothing["empty_topics"] == 2 and np.isnan(nothing["c_npmi"])  # no topic of two words: nothing to score


def test_large_corpora_are_sampled_for_coherence(seed_tokens):
    from toolkit.text.vectorize import build_vocabulary

    vocab = build_vocabulary(seed_tokens, min_df=2, max_df=0.5)
    full = CoherenceStatistics(seed_tokens, vocab)
    sample = CoherenceStatistics(seed_tokens, vocab, max_units=100)
    assert (full.n_units, sample.n_units) == (len(seed_tokens), 100)
    topics = [["生态", "绿色", "污染"], ["数字经济", "互联网", "人才"]]
    topics = [[w for w in t if w in vocab] for t in topics]
    again = CoherenceStatistics(seed_tokens, vocab, max_units=100)
    assert sample.coherence(topics, "c_npmi") == again.coherence(topics, "c_npmi")  # seeded sample


_VOCAB = ["创新", "科技", "生态", "绿色", "数字", "经济", "改革", "开放", "民生", "教育", "城市", "产业"]


@examples(1 / 5)  # each example counts its windows twice, here and with gensim
@given(
    texts=st.lists(st.lists(st.sampled_from(_VOCAB + ["其他", "词语"]), max_size=40), min_size=2, max_size=25),
    measure=st.sampled_from(["c_npmi", "c_v", "u_mass"]),
)
def test_window_counts_equal_gensims_on_random_token_lists(texts, measure):
    """Our window matrix counts what gensim's accumulator counts, whatever the unit lengths and repeats."""
    from gensim.corpora import Dictionary
    from gensim.topic_coherence.text_analysis import WordOccurrenceAccumulator

    from toolkit.analysis.evaluate import WINDOWS

    stats = CoherenceStatistics(texts, _VOCAB)
    ours, n_windows = stats.counts(measure)
    dictionary = Dictionary()
    dictionary.token2id = {w: i for i, w in enumerate(_VOCAB)}
    if WINDOWS[measure] is None:
        from gensim.topic_coherence.text_analysis import CorpusAccumulator

        accumulator = CorpusAccumulator(set(range(len(_VOCAB))))
        accumulator.accumulate([dictionary.doc2bow(t) for t in texts])
    else:
        accumulator = WordOccurrenceAccumulator(set(range(len(_VOCAB))), dictionary)
        accumulator.accumulate(texts, WINDOWS[measure])
    assert n_windows == accumulator.num_docs
    for i in range(len(_VOCAB)):
        for j in range(len(_VOCAB)):
            expected = accumulator[i] if i == j else accumulator[i, j]
            assert ours[i, j] == expected, (i, j)


def test_a_topics_words_are_the_words_it_drew_not_its_priors_floor(tmp_path):
    """From a hostile pass on two seed documents: a topic holding fewer words than the table lists ran on with the
    words it drew no token of, at its prior's weight, in the vocabulary's order: 创新, a keyword only innovation's
    topic may draw, was among ecology's words in topics.csv and the report."""
    import shutil

    import toolkit

    from .conftest import SEEDS, write_config

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = (SEEDS / "metadata.csv").read_text(encoding="utf-8").splitlines()
    kept = [rows[0], *[row for row in rows[1:] if row.startswith(("000_", "001_"))]]
    for row in kept[1:]:
        shutil.copy(SEEDS / row.split(",")[0], corpus)
    (corpus / "metadata.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    config = write_config(
        tmp_path / "two.toml",
        corpus,
        corpus / "metadata.csv",
        units={"max_chars": 300, "min_chars": 40},
        model={"n_topics": 19, "ensemble": 1, "keyatm": {"iterations": 60}},
    )
    prepared = toolkit.prepare(config)
    fitted = toolkit.fit(prepared, config)
    lexicon = prepared.lexicon
    components = fitted.models[0].components_
    index = {word: j for j, word in enumerate(fitted.vocabulary)}
    short = 0
    for row in fitted.topics.itertuples():
        weights = components[row.topic - 1]
        floor = weights.min()
        assert all(weights[index[word]] > floor for word in row.top_words), (row.theme, row.top_words)
        short += len(row.top_words) < 20
        others = {w for theme in lexicon.themes if theme.name != row.theme for w in theme.words} - {
            w for theme in lexicon.themes if theme.name == row.theme for w in theme.words
        }
        assert not others & set(row.top_words), (row.theme, others & set(row.top_words))
    assert short, "no topic of two documents holds fewer than 20 words: the case is not exercised"


def test_a_topic_that_drew_no_token_lists_no_word_and_reads_back_so(tmp_path):
    """A topic every word of which is at its floor lists none (rather than the vocabulary's first words); its
    empty cell of topics.csv, read back as NaN, is no words, which the report, the figure and the coding sheets
    read (str(NaN) had been the word 'nan')."""
    import pandas as pd

    from toolkit.analysis.evaluate import held_word_ids
    from toolkit.output.tables import topic_word_pairs, write_tables

    assert held_word_ids(np.full(6, 1 / 6), 20).tolist() == []
    assert held_word_ids(np.array([0.0, 0.5, 0.0, 0.3, 0.2]), 3).tolist() == [1, 3, 4]  # NMF's zeros are no words
    assert held_word_ids(np.array([0.1, 0.5, 0.4]), 20).tolist() == [1, 2, 0]  # one lowest weight is a word held
    topics = pd.DataFrame(
        {"topic": [1, 2], "theme": ["innovation", "other"], "top_words": [["创新", "科技"], []], "top_weights": [[0.6, 0.4], []]}
    )
    write_tables(tmp_path, topics=topics)
    cells = pd.read_csv(tmp_path / "topics.csv")["top_words"]
    assert [topic_word_pairs(cell) for cell in cells] == [[("创新", "0.60000"), ("科技", "0.40000")], []]


def test_a_runs_coherence_that_cannot_be_computed_is_said(caplog):
    """A review: a run whose topics' coherence is undefined (a vocabulary of one word: no pair of top words) recorded
    null in metrics.json without a word; a vocabulary with pairs is scored and says nothing."""
    from toolkit.analysis.evaluate import evaluate_model

    units = [["推动", "科技", "创新"], ["加强", "生态", "保护"], ["科技", "创新", "驱动"], ["生态", "文明", "建设"]]
    with caplog.at_level("WARNING", logger="toolkit"):
        one = evaluate_model(units, ["创新"], np.array([[1.0], [2.0]]))
    assert np.isnan(one["c_npmi"]) and "the topics' coherence (c_npmi" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        pairs = evaluate_model(units, ["创新", "科技", "生态"], np.array([[3.0, 2.0, 0.1], [0.1, 0.2, 3.0]]))
    assert np.isfinite(pairs["c_npmi"]) and "coherence" not in caplog.text
