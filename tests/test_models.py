import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from toolkit.errors import ToolkitError
from toolkit.models.base import check_counts
from toolkit.models.lda import LdaTopicModel
from toolkit.models.nmf import NmfTopicModel

from .conftest import examples

BLOCKS = [
    ["创新", "科技", "研发", "人才", "实验室", "专利"],
    ["生态", "绿色", "污染", "低碳", "排放", "湿地"],
    ["数字经济", "互联网", "大数据", "人工智能", "5G", "算力"],
]
VOCAB = [w for block in BLOCKS for w in block]


def planted_counts(n_units=90, seed=0):
    """Each unit draws 30 words, 90% from its own block: a block-diagonal document-term matrix."""
    rng = np.random.RandomState(seed)
    X = np.zeros((n_units, len(VOCAB)), dtype=np.int64)
    for i in range(n_units):
        block = i % 3
        own = rng.choice(range(block * 6, block * 6 + 6), size=27)
        other = rng.choice(len(VOCAB), size=3)
        np.add.at(X[i], np.concatenate([own, other]), 1)
    return sparse.csr_matrix(X)


MODELS = [lambda seed: LdaTopicModel(3, passes=20, random_state=seed), lambda seed: NmfTopicModel(3, random_state=seed)]


@pytest.mark.parametrize("make", MODELS, ids=["lda", "nmf"])
def test_planted_topics_are_found(make):
    model = make(0).fit(planted_counts())
    found = []
    for component in model.components_:
        top = {VOCAB[j] for j in np.argsort(-component)[:6]}
        matches = [b for b, block in enumerate(BLOCKS) if top == set(block)]
        assert matches, top
        found.append(matches[0])
    assert sorted(found) == [0, 1, 2]


@pytest.mark.parametrize("make", MODELS, ids=["lda", "nmf"])
def test_shares_are_distributions_and_repeatable(make):
    X = planted_counts()
    a = make(7).fit(X)
    b = make(7).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)
    shares = a.transform(X)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(a.components_.sum(axis=1), 1.0)
    assert (shares >= 0).all()
    np.testing.assert_array_equal(shares, a.transform(X))  # transform does not drift between calls
    np.testing.assert_array_equal(shares, b.transform(X))
    # nearly every planted unit's largest share is its own block's topic
    block_of_topic = {int(np.argmax([a.components_[k, b * 6 : (b + 1) * 6].sum() for b in range(3)])): k for k in range(3)}
    right = sum(block_of_topic[i % 3] == np.argmax(shares[i]) for i in range(len(shares)))
    assert right / len(shares) >= 0.97


def test_lda_seed_changes_the_fit():
    X = planted_counts()
    a = LdaTopicModel(3, passes=2, random_state=1).fit(X).components_
    b = LdaTopicModel(3, passes=2, random_state=2).fit(X).components_
    assert not np.array_equal(a, b)


def test_estimator_contract():
    model = LdaTopicModel(4, passes=3, random_state=0)
    assert model.get_params()["n_topics"] == 4 and clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.transform(planted_counts())
    assert model.fit(planted_counts()) is model
    assert not hasattr(LdaTopicModel(), "components_")
    assert model.n_topics == 4  # parameters are never rewritten
    assert model.perplexity(planted_counts(seed=1)) > 1


@pytest.mark.parametrize("cls", [LdaTopicModel, NmfTopicModel])
def test_more_topics_than_units(cls):
    with pytest.raises(ToolkitError, match="cannot fit 12 topics to 10 units"):
        cls(12).fit(planted_counts(n_units=10))


def test_float32_and_float64_agree():
    X = planted_counts()
    a = NmfTopicModel(3, random_state=0).fit(X.astype(np.float32)).components_
    b = NmfTopicModel(3, random_state=0).fit(X.astype(np.float64)).components_
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_seeded_eta_pulls_a_topic_to_its_theme():
    from toolkit.analysis.seeding import seeded_eta

    keywords = [np.arange(0, 6), np.arange(12, 18)]  # innovation's block, then digital economy's
    eta = seeded_eta(keywords, 10, len(VOCAB), strength=0.5, n_tokens=1200)
    assert eta.shape == (10, len(VOCAB))
    # digital_economy is the 2nd theme; its 6 words share 0.5 x 1200 / 10 = 60 pseudo-counts
    assert eta[1, VOCAB.index("互联网")] == pytest.approx(0.1 + 10)
    assert eta[1, :].sum() == pytest.approx(0.1 * len(VOCAB) + 60)
    assert eta[0, VOCAB.index("互联网")] == pytest.approx(0.1)
    assert (eta[9] == 0.1).all()  # free topic
    twice = seeded_eta(keywords, 10, len(VOCAB), strength=0.5, n_tokens=2400)
    assert twice[1, VOCAB.index("互联网")] - 0.1 == pytest.approx(20)  # scales with the corpus
    with pytest.raises(ToolkitError, match="at least one topic per theme with a keyword"):
        seeded_eta(keywords, 1, len(VOCAB), n_tokens=100)


@pytest.mark.parametrize("n_topics", [4, 8])
def test_chunked_inference_matches_gensim_on_state_council_paragraphs(n_topics):
    """ChunkLdaModel runs gensim's E-step in a compiled kernel: same gamma, statistics and topics. Only the order
    of the sums within a document differs (rounding of about 1e-16 per operation, carried through up to 100
    iterations and 3 passes), so 1e-9 relative is far above what a correct kernel shows and far below what a
    wrong update, digamma or convergence test gives. With more than five topics gensim's M-step draws from the
    model's random stream (to pick the topics it logs): the chunks after the first start where gensim's do."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    from toolkit.analysis.lexicon import load_lexicon
    from toolkit.config import Config
    from toolkit.models._ldabatch import ChunkLdaModel, RowCorpus
    from toolkit.text.preparation import make_segmenter
    from toolkit.text.vectorize import unit_counts

    from .conftest import GWR

    segmenter = make_segmenter(Config.from_dict({}), load_lexicon())
    lines = [
        line
        for year in (2019, 2020, 2021)
        for line in (GWR / f"national_{year}.txt").read_text(encoding="utf-8").splitlines()
        if len(line) > 30
    ]
    _, X, _ = unit_counts([segmenter.tokens(line) for line in lines], min_df=2, max_df=0.5)
    X = X.astype(np.float64)
    options = dict(
        num_topics=n_topics,
        id2word={i: str(i) for i in range(X.shape[1])},
        passes=3,
        iterations=100,
        chunksize=60,
        random_state=5,
        eval_every=None,
        dtype=np.float64,
    )
    reference = LdaModel(corpus=Sparse2Corpus(X, documents_columns=False), **options)
    chunked = ChunkLdaModel(**options)
    chunked.rows = X
    chunked.update(RowCorpus(X))
    assert X.shape[0] > 200  # several chunks, so the M-step ran between E-steps
    np.testing.assert_allclose(chunked.get_topics(), reference.get_topics(), rtol=1e-9, atol=1e-12)
    bags = list(Sparse2Corpus(X[:200], documents_columns=False))
    for model, chunk in ((reference, bags), (chunked, bags), (chunked, X[:200])):
        model.random_state = np.random.RandomState(9)
        gamma, sstats = model.inference(chunk, collect_sstats=True)
        if model is reference:
            expected = (gamma, sstats)
        else:
            np.testing.assert_allclose(gamma, expected[0], rtol=1e-9)
            np.testing.assert_allclose(sstats, expected[1], rtol=1e-9, atol=1e-12)


def test_lda_threads_change_nothing():
    """Inference split over threads gives bit-for-bit the same model (each unit's arithmetic is its own, and the
    statistics are summed in unit order)."""
    X = planted_counts(n_units=900)
    one = LdaTopicModel(3, passes=3, random_state=0, n_jobs=1).fit(X)
    two = LdaTopicModel(3, passes=3, random_state=0, n_jobs=2).fit(X)
    assert two.model_.n_threads == 2
    np.testing.assert_array_equal(one.components_, two.components_)
    np.testing.assert_array_equal(one.transform(X), two.transform(X))


# ----- the keyword-assisted model ----------------------------------------------------------------------------


def keyword_model(seed=0, **options):
    from toolkit.models.keyatm import KeywordTopicModel

    keywords = [np.array([0, 1, 2]), np.array([6, 7])]  # two of the three planted blocks have a few keywords
    return KeywordTopicModel(3, keywords=keywords, iterations=150, samples=10, thin=5, random_state=seed, **options)


def test_keyword_topics_find_their_planted_blocks_and_a_free_topic_the_third():
    X = planted_counts()
    model = keyword_model().fit(X)
    assert model.anchors_.tolist() == [0, 1, -1]
    for topic, block in ((0, 0), (1, 1), (2, 2)):
        top = {VOCAB[j] for j in np.argsort(-model.components_[topic])[:6]}
        assert top == set(BLOCKS[block]), (topic, top)
    shares = model.transform(X)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    right = sum(np.argmax(shares[i]) == i % 3 for i in range(len(shares)))
    assert right / len(shares) >= 0.97


def test_keyword_model_is_repeatable_and_its_training_shares_are_distributions():
    X = planted_counts()
    a, b = keyword_model(3), keyword_model(3)
    shares_a, shares_b = a.fit_transform(X), b.fit_transform(X)
    np.testing.assert_array_equal(shares_a, shares_b)
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_allclose(shares_a.sum(axis=1), 1.0)
    np.testing.assert_array_equal(a.transform(X), a.transform(X))
    other = keyword_model(4).fit(X)
    assert not np.array_equal(other.components_, a.components_)
    assert a.heldout_scores(planted_counts(seed=1))["perplexity"] > 1


def test_exclusive_keywords_are_drawn_by_their_own_topic_only():
    X = planted_counts()
    exclusive = keyword_model().fit(X)
    # the regular parts of the other topics never drew a keyword: only their smoothing remains
    regular = exclusive.topic_word_regular_
    assert regular[1, 0] == regular[1].min() and regular[2, 6] == regular[2].min()
    assert exclusive.keyword_share_[0] > 0 and exclusive.keyword_share_[2] == 0  # a free topic has no keyword part


@pytest.mark.parametrize("n_topics", [1, 2])
def test_too_few_topics_for_the_themes_and_a_free_one_is_a_clear_error(n_topics):
    """One topic per theme and none free (an adversarial review): a unit without any keyword had no topic of its
    own to take and was given every theme, so the themes took all the text and `other` was empty."""
    from toolkit.models.keyatm import KeywordTopicModel

    model = KeywordTopicModel(n_topics, keywords=[np.array([0]), np.array([6])], iterations=5)
    assert "needs at least 3 topics here, one per theme with a keyword in the vocabulary and a free one" in (
        model.fit_problem(90, len(VOCAB))
    )
    with pytest.raises(ToolkitError, match="at least one free topic .* raise model.n_topics to at least 3"):
        model.fit(planted_counts())


@pytest.mark.parametrize("n_topics", [2, 3, 4])
def test_units_too_few_for_the_themes_and_a_free_topic_are_said_once(n_topics):
    """Two themes need three topics, and two units hold at most two: a narrow year window on a small corpus (a
    hostile pass) was told "ask for at most 2 topics" at 3 and "raise model.n_topics to at least 3" at 2, a loop.
    Whatever model.n_topics, the error says the units are too few, and what gives more."""
    from toolkit.models.keyatm import KeywordTopicModel

    X = planted_counts()[:2]
    model = KeywordTopicModel(n_topics, keywords=[np.array([0]), np.array([6])], iterations=5)
    assert model.fit_problem(2, len(VOCAB)).endswith("2 units are too few for any model.n_topics")
    with pytest.raises(ToolkitError) as raised:
        model.fit(X)
    assert "keyatm needs 3 topics here" in str(raised.value) and "2 units are too few" in str(raised.value)
    assert "ask for at most" not in str(raised.value) and "raise model.n_topics" not in str(raised.value)
    assert (model.fit_problem(3, len(VOCAB)) == "") == (n_topics == 3)  # three units hold three topics


@pytest.mark.parametrize(
    "members, cores, expected",
    [
        (3, 2, 3),  # all three sharing two cores: 1.5 fits' time, not 2 (two, then one alone)
        (4, 2, 2),  # two rounds of two take as long as four at once, with half the fits in memory
        (5, 2, 5),
        (1, 2, 1),
        (2, 8, 2),
        (3, 1, 1),
        (6, 4, 6),
        (8, 4, 4),
    ],
)
def test_an_ensemble_runs_as_many_members_at_once_as_finish_soonest(members, cores, expected):
    from toolkit.models import members_at_once

    assert members_at_once(members, cores) == expected


def test_an_ensemble_does_not_depend_on_the_number_of_threads():
    from toolkit.models import fit_ensemble

    X = planted_counts()
    section = {
        "kind": "keyatm",
        "n_topics": 3,
        "random_state": 7,
        "ensemble": 3,
        "n_jobs": 1,
        "keyatm": {
            "iterations": 60,
            "samples": 5,
            "thin": 2,
            "beta": 0.01,
            "keyword_beta": 0.1,
            "keyword_prior": 1.0,
            "optimize_alpha": True,
            "keyword_start": 0.7,
            "exclusive_keywords": True,
            "start": "units",
        },
    }
    keywords = [np.array([0, 1, 2]), np.array([6, 7])]
    one, shares_one = fit_ensemble(section, X, keywords=keywords)
    two, shares_two = fit_ensemble({**section, "n_jobs": 2}, X, keywords=keywords)
    assert [m.random_state for m in one] == [m.random_state for m in two] and one[0].random_state == 7
    assert len({m.random_state for m in one}) == 3
    for a, b in zip(shares_one, shares_two):
        np.testing.assert_array_equal(a, b)


def _dense_sweep(  # noqa: PLR0913 (the plain-Python reference of the kernel, its arrays one by one)
    words,
    offsets,
    key_topic,
    n_keywords,
    z,
    s,
    n_dk,
    n0_wk,
    n0_k,
    n1_wk,
    n1_k,
    alpha,
    present,
    absent,
    beta,
    beta_s,
    gamma,
    state,
    exclusive,
):
    """keyATM's draw written plainly over every topic, as the model's formula reads (slow; small data only)."""
    from toolkit.random_streams import uniform

    K, V = len(alpha), n0_wk.shape[0]

    def regular(t):
        mixing = (n0_k[t] + gamma[t]) / (n0_k[t] + n1_k[t] + gamma[t] + gamma[t]) if gamma[t] > 0 else 1.0
        return mixing / (n0_k[t] + V * beta)

    for d in range(len(offsets) - 1):
        prior = [alpha[t] if present[d, t] else alpha[t] * absent for t in range(K)]
        for i in range(offsets[d], offsets[d + 1]):
            w, k = words[i], z[i]
            n_dk[d, k] -= 1
            (n0_wk, n1_wk)[s[i]][w, k] -= 1
            (n0_k, n1_k)[s[i]][k] -= 1
            kk = key_topic[w]
            cumulative, total = [], 0.0
            for t in range(K):
                if not exclusive or kk < 0 or t == kk:
                    total += (n0_wk[w, t] + beta) * regular(t) * (n_dk[d, t] + prior[t])
                cumulative.append(total)
            keyword = 0.0
            if kk >= 0:
                keyword = (
                    (n1_wk[w, kk] + beta_s)
                    / (n1_k[kk] + n_keywords[kk] * beta_s)
                    * (n1_k[kk] + gamma[kk])
                    / (n0_k[kk] + n1_k[kk] + gamma[kk] + gamma[kk])
                    * (n_dk[d, kk] + prior[kk])
                )
            u = uniform(state) * (total + keyword)
            if u >= total and kk >= 0:
                k, si = kk, 1
            else:
                k, si = next(t for t in range(K) if cumulative[t] > u), 0
            z[i], s[i] = k, si
            n_dk[d, k] += 1
            (n0_wk, n1_wk)[si][w, k] += 1
            (n0_k, n1_k)[si][k] += 1


@pytest.mark.parametrize("absent, exclusive", [(0.0, True), (0.0, False), (1.0, False), (0.1, True)])
def test_the_compiled_sweep_draws_what_the_formula_says(absent, exclusive):
    """The sampler skips topics that cannot be drawn in a unit; the chain must stay the one the formula gives."""
    from toolkit.models import _gibbs as gibbs
    from toolkit.models._keyatm import _offsets_and_words
    from toolkit.random_streams import stream

    X = planted_counts(n_units=30)
    offsets, words = _offsets_and_words(check_counts(X, 4))
    K, V = 4, X.shape[1]
    key_topic = np.full(V, -1, dtype=np.int64)
    key_topic[[0, 1, 2]], key_topic[[6, 7]] = 0, 1
    n_keywords = np.array([3, 2, 0, 0])
    gamma = np.array([1.0, 1.0, 0.0, 0.0])
    alpha = np.full(K, 0.25)
    chains = []
    for compiled in (True, False):
        state = stream(3)
        z, s = np.empty(len(words), dtype=np.int32), np.empty(len(words), dtype=np.int8)
        present = gibbs.present_topics(words, offsets, key_topic, K, 2)
        # a start as if every topic were allowed everywhere, so the sweep also meets absent topics holding tokens
        gibbs.initialise(words, offsets, key_topic, K, state, z, s, 0.7, False, present, 1.0)
        n_dk, n0_wk, n1_wk = gibbs.counts(words, offsets, z, s, V, K)
        n0_k, n1_k = n0_wk.sum(axis=0).astype(np.int64), n1_wk.sum(axis=0).astype(np.int64)
        for _ in range(3):
            if compiled:
                gibbs.sweep(
                    gibbs.ChainState(
                        words,
                        offsets,
                        key_topic,
                        n_keywords,
                        present,
                        z,
                        s,
                        n_dk,
                        n0_wk,
                        n0_k,
                        n1_wk,
                        n1_k,
                        alpha,
                        gamma,
                        state,
                        absent,
                        0.01,
                        0.1,
                        exclusive,
                    )
                )
            else:
                _dense_sweep(
                    words,
                    offsets,
                    key_topic,
                    n_keywords,
                    z,
                    s,
                    n_dk,
                    n0_wk,
                    n0_k,
                    n1_wk,
                    n1_k,
                    alpha,
                    present,
                    absent,
                    0.01,
                    0.1,
                    gamma,
                    state,
                    exclusive,
                )
        chains.append((z.copy(), s.copy(), n_dk.copy()))
    np.testing.assert_array_equal(chains[0][0], chains[1][0])
    np.testing.assert_array_equal(chains[0][1], chains[1][1])
    np.testing.assert_array_equal(chains[0][2], chains[1][2])


def _dense_fold_in(words, offsets, phi_wk, alpha, present, absent, iterations, burn_in, state):
    """A unit's topics drawn under fixed topics written plainly over every topic, as the formula reads (slow;
    small data only): weight of topic t for a token of word w, phi[w, t] * (n_t + prior_t)."""
    from toolkit.random_streams import below, uniform

    K = len(alpha)
    theta = np.zeros((len(offsets) - 1, K))
    for d in range(len(offsets) - 1):
        prior = [alpha[t] if present[d, t] else alpha[t] * absent for t in range(K)]
        allowed = [t for t in range(K) if prior[t] > 0]
        tokens = words[offsets[d] : offsets[d + 1]]
        if not len(tokens):
            theta[d] = np.array(prior) / sum(prior)
            continue
        z = [allowed[below(state, len(allowed))] for _ in tokens]
        n = np.bincount(z, minlength=K).astype(float)
        for it in range(iterations):
            for j, w in enumerate(tokens):
                n[z[j]] -= 1
                cumulative = np.cumsum([phi_wk[w, t] * (n[t] + prior[t]) for t in range(K)])
                u = uniform(state) * cumulative[-1]
                z[j] = next(t for t in range(K) if cumulative[t] > u)
                n[z[j]] += 1
            if it >= burn_in:
                theta[d] += (n + prior) / (len(tokens) + sum(prior))
        theta[d] /= iterations - burn_in
    return theta


@pytest.mark.parametrize("absent", [0.0, 0.3])
def test_the_compiled_fold_in_draws_what_the_formula_says(absent):
    """Folding in weighs only the topics a unit allows (with absent = 0, its keywords' themes and the free
    topics); the draws, and so the shares, must be those of the formula over every topic: also in an empty unit,
    a unit that allows one topic (not the first), and units where the last topic is not allowed."""
    from scipy import sparse

    from toolkit.models import _gibbs as gibbs
    from toolkit.models._keyatm import _offsets_and_words
    from toolkit.random_streams import stream

    planted = sparse.csr_matrix(planted_counts(n_units=12, seed=3))
    X = sparse.vstack([planted, sparse.csr_matrix((1, planted.shape[1]), dtype=planted.dtype)]).tocsr()  # one empty unit
    offsets, words = _offsets_and_words(check_counts(X, 4))
    K, V = 5, X.shape[1]
    present = (np.random.default_rng(2).random((X.shape[0], K)) < 0.5).astype(np.uint8)
    present[0] = [1, 1, 1, 1, 1]
    present[1] = [0, 0, 1, 0, 0]  # one topic allowed
    present[2:5, K - 1] = 0  # the last topic ruled out
    present[present.sum(axis=1) == 0, 1] = 1
    assert np.diff(offsets)[-1] == 0 and (present[:, K - 1] == 0).sum() >= 3
    phi = np.random.default_rng(5).dirichlet(np.full(V, 0.5), K).T.copy()  # words x topics
    alpha = np.array([0.2, 0.1, 0.3, 0.25, 0.15])
    compiled = gibbs.fold_in(words, offsets, phi, alpha, present, absent, 12, 4, stream(11))
    plain = _dense_fold_in(words, offsets, phi, alpha, present, absent, 12, 4, stream(11))
    np.testing.assert_array_equal(compiled, plain)
    if absent == 0:
        assert (compiled[present == 0] == 0).all()
        np.testing.assert_array_equal(compiled[1], [0, 0, 1, 0, 0])


def test_normalize_rows_scales_rows_and_leaves_its_input_alone():
    from toolkit.models.base import normalize_rows

    counts = np.array([[1, 3], [0, 0], [2, 2]])
    shares = normalize_rows(counts)
    np.testing.assert_array_equal(shares, [[0.25, 0.75], [0.5, 0.5], [0.5, 0.5]])
    np.testing.assert_array_equal(counts, [[1, 3], [0, 0], [2, 2]])  # a copy by default
    theta = counts.astype(float)
    assert normalize_rows(theta, copy=False) is theta and theta[0, 1] == 0.75  # in place when asked


def test_minka_update_by_blocks_is_the_whole_matrix_update():
    """keyATM's prior update takes units a block at a time (no temporaries the size of the unit x topic
    counts); it must give the plain whole-matrix fixed point to the last bit, for any block size."""
    from scipy.special import digamma

    from toolkit.models._keyatm import _minka_alpha

    def plain(alpha, n_dk, lengths, scale, steps=5):
        used = lengths > 0
        n_dk, lengths, scale = n_dk[used], lengths[used], scale[used]
        for _ in range(steps):
            prior = alpha * scale
            safe = np.where(scale > 0, prior, 1.0)
            numerator = np.where(scale > 0, scale * (digamma(n_dk + safe) - digamma(safe)), 0.0).sum(axis=0)
            denominator = (scale * (digamma(lengths + prior.sum(axis=1)) - digamma(prior.sum(axis=1)))[:, None]).sum(axis=0)
            alpha = np.maximum(alpha * numerator / np.maximum(denominator, 1e-12), 1e-3)
        return alpha

    rng = np.random.default_rng(7)
    for absent in (0.0, 0.3, 1.0):
        n_dk = rng.poisson(2.0, (5000, 12)).astype(np.int32)
        n_dk[rng.random(5000) < 0.05] = 0  # units without tokens are left out
        present = (rng.random((5000, 12)) < 0.6).astype(np.uint8)
        present[:, -2:] = 1  # free topics: present everywhere
        alpha = rng.random(12) + 0.05
        expected = plain(alpha, n_dk, n_dk.sum(axis=1), np.where(present, 1.0, absent))
        for block in (1, 333, 65536):
            got = _minka_alpha(alpha, n_dk, n_dk.sum(axis=1), present, absent, digamma, block=block)
            np.testing.assert_array_equal(got, expected)


@st.composite
def _small_keyword_problem(draw):
    """A small corpus of the planted vocabulary's words (some units very short, some without any keyword) and
    a lexicon of one to three disjoint keyword sets, with one to three free topics (keyatm needs one)."""
    n_words = len(VOCAB)
    n_themes, n_free = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    n_units = draw(st.integers(n_themes + n_free, 12))
    rows = [draw(st.lists(st.integers(0, n_words - 1), min_size=0, max_size=12)) for _ in range(n_units)]
    X = np.zeros((n_units, n_words), dtype=np.int64)
    for d, row in enumerate(rows):
        np.add.at(X[d], row, 1)
    words = draw(st.permutations(range(n_words)))
    sizes = [draw(st.integers(1, 3)) for _ in range(n_themes)]
    keywords, start = [], 0
    for size in sizes:
        keywords.append(np.array(sorted(words[start : start + size])))
        start += size
    return sparse.csr_matrix(X), keywords, n_themes + n_free, draw(st.integers(0, 2**32 - 1))


@examples(1 / 5)  # each example fits a keyword model
@given(_small_keyword_problem(), st.sampled_from(["units", "random"]))
def test_a_theme_has_no_share_in_a_unit_without_its_keywords(problem, start):
    """docs/methods.md: with absent_prior = 0 a theme's share is exactly 0 in every unit without one of its keywords,
    from the first sweep, in the fit's shares and in the fold-in of new units alike, a unit without any keyword
    included (it takes the free topics: keyatm refuses a model without one, where such a unit took every theme)."""
    from toolkit.models.keyatm import KeywordTopicModel

    X, keywords, n_topics, seed = problem
    model = KeywordTopicModel(n_topics, keywords=keywords, iterations=3, samples=2, thin=1, start=start, random_state=seed)
    dense = X.toarray()
    for shares, rows in ((model.fit_transform(X), dense), (model.transform(X), dense), (model.transform(X[::-1]), dense[::-1])):
        checked = rows.sum(axis=1) > 0
        for k, ids in enumerate(keywords):
            without = checked & (rows[:, ids].sum(axis=1) == 0)
            assert (shares[without, model.anchors_.tolist().index(k)] == 0).all(), (k, shares[without])


def _fixed_count_fit(model, X):
    """The keyword model's fit as it was before the stopping rule: ``iterations`` sweeps, alpha re-estimated
    every 20 from sweep 100, the last ``samples`` draws ``thin`` apart averaged (the reference of the chain)."""
    from scipy.special import digamma

    from toolkit.models import _gibbs as gibbs
    from toolkit.models._keyatm import _add_shares, _minka_alpha, _offsets_and_words
    from toolkit.random_streams import stream

    X = check_counts(X, model.n_topics, keep_integers=True)
    n_units, n_words = X.shape
    anchors, key_topic, n_keywords = model._anchoring(n_words)
    n_keyword_topics = int((anchors >= 0).sum())
    offsets, words = _offsets_and_words(X)
    K = model.n_topics
    gamma = np.zeros(K)
    gamma[:n_keyword_topics] = model.keyword_prior
    alpha = np.full(K, 1.0 / K)
    state = stream(model.random_state)
    z, s = np.empty(len(words), dtype=np.int16), np.empty(len(words), dtype=np.int8)
    present = gibbs.present_topics(words, offsets, key_topic, K, n_keyword_topics)
    absent = float(model.absent_prior)
    gibbs.initialise(
        words, offsets, key_topic, K, state, z, s, float(model.keyword_start), model.start == "units", present, absent
    )
    n_dk, n0_wk, n1_wk = gibbs.counts(words, offsets, z, s, n_words, K)
    n0_k, n1_k = n0_wk.sum(axis=0).astype(np.int64), n1_wk.sum(axis=0).astype(np.int64)
    first_sample = max(0, model.iterations - model.samples * model.thin)
    theta, n_draws, lengths = np.zeros((n_units, K)), 0, np.diff(offsets)
    for sweep in range(model.iterations):
        gibbs.sweep(
            gibbs.ChainState(
                words,
                offsets,
                key_topic,
                n_keywords,
                present,
                z,
                s,
                n_dk,
                n0_wk,
                n0_k,
                n1_wk,
                n1_k,
                alpha,
                gamma,
                state,
                absent,
                float(model.beta),
                float(model.keyword_beta),
                bool(model.exclusive_keywords),
            )
        )
        if model.optimize_alpha and sweep >= 100 and sweep % 20 == 0 and sweep < first_sample:
            alpha = _minka_alpha(alpha, n_dk, lengths, present, absent, digamma)
        if sweep >= first_sample and (sweep - first_sample) % model.thin == model.thin - 1:
            _add_shares(theta, n_dk, alpha, present, absent, lengths)
            n_draws += 1
    return theta / n_draws, alpha, n0_wk, n1_wk


@pytest.mark.parametrize("iterations, stop, rhat", [(150, "ceiling", 1.05), (230, "ceiling", 1.05), (230, "converged", 1.0001)])
def test_a_chain_run_to_the_ceiling_is_the_fixed_count_chain(iterations, stop, rhat):
    """stop = "ceiling" (or a check never passed) leaves the chain as it was: the same draws, bit for bit."""
    X = planted_counts()
    model = keyword_model(5, stop=stop, rhat=rhat, min_iterations=50).set_params(iterations=iterations)
    shares = model.fit_transform(X)
    theta, alpha, n0_wk, n1_wk = _fixed_count_fit(model, X)
    np.testing.assert_array_equal(shares, theta / theta.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(model.alpha_, alpha)
    n_words = X.shape[1]
    np.testing.assert_array_equal(
        model.topic_word_regular_, ((n0_wk + model.beta) / (n0_wk.sum(axis=0) + n_words * model.beta)).T
    )
    assert model.n_iter_ == iterations and model.stop_["reason"] == "ceiling" and model.stop_["converged"] is False
    assert model.stop_["burn_in"] == iterations - 50 and model.stop_["chains"] == 1
    assert model.stop_["rhat"] is not None and model.stop_["rhat"] >= (1.0001 if stop == "converged" else 0)


def test_a_burn_in_too_short_to_check_records_no_r_hat_and_the_manifest_stays_json(tmp_path):
    """From a hostile pass of the scale path: a burn-in of 5 sweeps (too few draws to split in halves) recorded
    R-hat as infinity, which made manifest.json invalid JSON ("rhat": Infinity) and the warning speak of an R-hat
    of inf; it is None (null) now, and JSON files are written without non-finite numbers."""
    import json

    from toolkit.output.tables import write_json

    model = keyword_model(stop="ceiling").set_params(iterations=55)  # 50 sampling sweeps: a burn-in of 5
    model.fit(planted_counts())
    assert model.stop_["burn_in"] == 5 and model.stop_["rhat"] is None and model.stop_["checks"] == [[5, None]]
    write_json(tmp_path / "m.json", {"convergence": model.stop_, "nan": float("nan"), "deep": [{"x": float("inf")}]})
    text = (tmp_path / "m.json").read_text(encoding="utf-8")
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text)["deep"] == [{"x": None}]
    # a sweep's run files are written the same way (its metrics.json held NaN for a perplexity without held-out
    # words: an adversarial review)
    from toolkit.output.tables import json_text

    assert json_text({"perplexity": float("nan")}, indent=1) == '{\n "perplexity": null\n}'


def test_an_infinite_r_hat_is_told_apart_from_a_check_too_short_to_make(monkeypatch, caplog):
    """From an adversarial review: an R-hat that is infinite (a topic's share constant within each chain and
    different between them: chains stuck apart) was recorded as null, like a burn-in too short to check, and the
    warning and report.html said no check was possible. It is recorded as null (JSON has no infinity) with
    ``rhat_infinite``, and both say the check failed."""
    from toolkit.models import _keyatm
    from toolkit.output.report import sampler_sentence
    from toolkit.pipeline import warn_unconverged

    monkeypatch.setattr(_keyatm, "split_rhat", lambda draws: np.full(draws.shape[2], np.inf))
    model = keyword_model(stop="converged", min_iterations=50).set_params(iterations=150)
    model.fit(planted_counts())
    stop = model.stop_
    assert stop["rhat"] is None and stop["rhat_infinite"] is True and stop["reason"] == "ceiling"
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_unconverged(stop)
    assert "is infinite" in caplog.text and "leaves no room" not in caplog.text
    assert "was infinite" in sampler_sentence(stop) and "no check was possible" not in sampler_sentence(stop)
    short = keyword_model(stop="converged").set_params(iterations=55)  # 5 sweeps of burn-in: too short to check
    short.fit(planted_counts())
    assert short.stop_["rhat"] is None and short.stop_["rhat_infinite"] is False


def test_a_check_met_at_the_ceiling_is_recorded_as_converged():
    """From a hostile pass of the scale path: with min_iterations above the ceiling the only check is the one at the
    ceiling; met there (R-hat below the threshold), the manifest said reason "ceiling", converged false, and
    report.html that the check was not met (an R-hat of 1.96 "above 2.0")."""
    from toolkit.output.report import sampler_sentence

    model = keyword_model(stop="converged", rhat=50.0, min_iterations=1000).set_params(iterations=150)
    model.fit(planted_counts())
    stop = model.stop_
    assert stop["burn_in"] == 100 and stop["rhat"] < 50.0
    assert stop["reason"] == "converged" and stop["converged"] is True
    assert "was not met" not in sampler_sentence(stop) and "below 50.0" in sampler_sentence(stop)


ENSEMBLE = {
    "kind": "keyatm",
    "n_topics": 3,
    "random_state": 7,
    "ensemble": 3,
    "n_jobs": 1,
    "keyatm": {"iterations": 400, "samples": 10, "thin": 5, "rhat": 1.1, "min_iterations": 50, "check_every": 25},
}


def test_an_ensemble_stops_when_its_chains_agree_and_says_so():
    from toolkit.models import fit_ensemble

    X = planted_counts()
    models, shares = fit_ensemble(ENSEMBLE, X, keywords=[np.array([0, 1, 2]), np.array([6, 7])])
    stop = models[0].stop_
    assert stop["reason"] == "converged" and stop["converged"] is True and stop["chains"] == 3 and stop["stop"] == "converged"
    assert stop["burn_in"] < 350 and stop["burn_in"] % 25 == 0 and stop["burn_in"] >= 50
    assert stop["sweeps"] == stop["burn_in"] + 50 < 400  # the 10 draws 5 apart after the stop, then done
    assert stop["rhat"] < 1.1 and stop["checks"][-1] == [stop["burn_in"], stop["rhat"]]
    assert all(r >= 1.1 for _, r in stop["checks"][:-1])  # it stopped at the first check that passed
    for model, share in zip(models, shares):
        assert model.stop_ is stop and model.n_iter_ == stop["sweeps"]
        np.testing.assert_allclose(share.sum(axis=1), 1.0)
        assert model.log_likelihood_trace_[-1][0] == stop["sweeps"]
    # the planted blocks are still found
    for topic, block in ((0, 0), (1, 1)):
        top = {VOCAB[j] for j in np.argsort(-models[0].components_[topic])[:6]}
        assert top == set(BLOCKS[block]), (topic, top)


@pytest.mark.parametrize("members, threads", [(3, 2), (5, 2), (5, 3), (4, 3)])
def test_a_stopped_ensemble_does_not_depend_on_the_number_of_threads(members, threads, monkeypatch):
    """More chains than threads: the threads share the chains' sweeps out (``wrap_around``), a chain cut between
    two threads in every block; each chain is the one a single thread sweeps, bit for bit."""
    from toolkit.models import _keyatm, fit_ensemble

    X = planted_counts()
    keywords = [np.array([0, 1, 2]), np.array([6, 7])]
    one, shares_one = fit_ensemble({**ENSEMBLE, "ensemble": members}, X, keywords=keywords)
    shared_out = []  # the blocks the threads shared out, as (chains, workers)
    advance = _keyatm._advance_on_threads
    monkeypatch.setattr(
        _keyatm,
        "_advance_on_threads",
        lambda chains, until, workers: (shared_out.append((len(chains), workers)), advance(chains, until, workers)),
    )
    two, shares_two = fit_ensemble({**ENSEMBLE, "ensemble": members, "n_jobs": threads}, X, keywords=keywords)
    assert len(shared_out) > 2 and set(shared_out) == {(members, threads)}
    assert one[0].stop_ == two[0].stop_ and one[0].stop_["chains"] == members
    assert one[0].stop_["reason"] == "converged" or members != 3  # the stop, decided mid-way, is the same too
    for a, b in zip(shares_one, shares_two):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a.components_, b.components_)


def test_an_interrupt_while_the_chains_are_handed_to_threads_leaves_no_thread_waiting(monkeypatch):
    """Ctrl-C while ``_advance_on_threads`` hands its plans to the threads (3 chains on 2: chain 1 cut in two, its
    second piece on the first thread): the first thread, given its plan, waited for ever for chain 1's first piece,
    which no thread was given, and the run hung after printing "interrupted" (the pool's shutdown waited for it)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from toolkit.models import _keyatm

    class Chain:  # what _advance_on_threads reads of a chain
        def __init__(self):
            self.sweeps, self.end = 0, 100

        def advance(self, until):
            time.sleep(0.01)
            self.sweeps = until

    assert _keyatm.wrap_around([100, 100, 100], 2)[0] == [(0, 0, 100), (1, 50, 100)]  # the case described
    submit, handed = ThreadPoolExecutor.submit, []

    def interrupted_at_the_second(pool, *args, **kwargs):
        handed.append(args)
        if len(handed) == 2:
            raise KeyboardInterrupt
        return submit(pool, *args, **kwargs)

    monkeypatch.setattr(ThreadPoolExecutor, "submit", interrupted_at_the_second)
    ended = []

    def advance():
        try:
            _keyatm._advance_on_threads([Chain(), Chain(), Chain()], 100, 2)
        except KeyboardInterrupt:
            ended.append("interrupted")

    caller = threading.Thread(target=advance, daemon=True)
    caller.start()
    caller.join(60)
    assert ended == ["interrupted"] and not caller.is_alive()


def test_a_fixed_count_ensemble_sweeps_in_blocks_with_the_same_chains(monkeypatch):
    """stop = "ceiling" ran the whole burn-in as one block: an interrupt waited for its end (7 s on the State
    Council reports), as threads finish the piece they were given. It sweeps in blocks of check_every now, the
    same chains bit for bit as one block."""
    from toolkit.models import _keyatm, fit_ensemble

    X = planted_counts()
    keywords = [np.array([0, 1, 2]), np.array([6, 7])]
    settings = {**ENSEMBLE, "n_jobs": 2, "keyatm": {**ENSEMBLE["keyatm"], "stop": "ceiling", "iterations": 200}}
    blocks = []
    advance = _keyatm._advance_on_threads
    monkeypatch.setattr(
        _keyatm, "_advance_on_threads", lambda chains, until, workers: (blocks.append(until), advance(chains, until, workers))
    )
    models, shares = fit_ensemble(settings, X, keywords=keywords)
    assert blocks[:-1] == list(range(25, 150 + 1, 25)) and blocks[-1] == 200  # burn-in to 150, then the samples
    monkeypatch.setattr(_keyatm, "_advance_on_threads", advance)
    one_block = {**settings, "keyatm": {**settings["keyatm"], "check_every": 1000}}
    again, shares_again = fit_ensemble(one_block, X, keywords=keywords)
    for a, b in zip(shares, shares_again):
        np.testing.assert_array_equal(a, b)


def test_split_rhat_sees_chains_centred_alike_but_spread_apart():
    """The larger of the bulk and the tail (folded) R-hat, as methods.md says: two chains about the same centre, one
    four times as spread, agree in their bulk and not in their tails (a docs audit: the bulk R-hat alone passed every
    test)."""
    from toolkit.models._keyatm import split_rhat

    rng = np.random.default_rng(0)
    draws = np.stack([rng.normal(0, 1, (2000, 1)), rng.normal(0, 4, (2000, 1))])
    assert np.abs(draws.mean(axis=1)).max() < 0.2
    assert split_rhat(draws)[0] > 1.15


def test_split_rhat_sees_chains_that_disagree_or_drift():
    from toolkit.models._keyatm import split_rhat

    rng = np.random.default_rng(0)
    same = rng.normal(size=(3, 200, 2))
    assert split_rhat(same).max() < 1.02
    apart = same + np.array([0.0, 1.0, 2.0])[:, None, None]  # three chains in three places
    assert split_rhat(apart).min() > 1.3  # about sqrt(1 + 0.8): the six half-chains' means vary by 0.8
    drift = same[:1] + np.linspace(0, 3, 200)[None, :, None]  # one chain whose halves differ
    assert split_rhat(drift).min() > 1.3
    assert split_rhat(np.ones((2, 50, 1))).tolist() == [1.0]  # a constant quantity has converged


@pytest.mark.parametrize(
    "option, value, message",
    [("stop", "never", "stop must be"), ("rhat", 1.0, "rhat must"), ("check_every", 0, "check_every must")],
)
def test_bad_stopping_options_are_refused(option, value, message):
    with pytest.raises(ValueError, match=message):
        keyword_model(**{option: value}).fit(planted_counts())


@given(st.lists(st.integers(0, 60), min_size=1, max_size=9), st.integers(1, 6))
def test_the_wrap_around_schedule_keeps_each_chain_in_order_on_one_thread_at_a_time(lengths, workers):
    from toolkit.models._keyatm import wrap_around

    plan = wrap_around(lengths, workers)
    cap = max(max(lengths), -(-sum(lengths) // workers))
    assert len(plan) == workers and all(sum(b - a for _, a, b in pieces) <= cap for pieces in plan)
    timed = {}  # job -> its pieces as (first step, last step, start time, end time) at one step per unit of time
    for pieces in plan:
        clock = 0
        for job, first, last in pieces:
            assert last > first
            timed.setdefault(job, []).append((first, last, clock, clock + last - first))
            clock += last - first
    assert sorted(timed) == [job for job, n in enumerate(lengths) if n]
    for job, pieces in timed.items():
        pieces.sort()
        assert pieces[0][0] == 0 and pieces[-1][1] == lengths[job] and len(pieces) <= 2
        assert all(a[1] == b[0] and a[3] <= b[2] for a, b in zip(pieces, pieces[1:]))  # in order, never at once


def test_lda_and_keyatm_perplexity_is_document_completion_on_a_sensible_scale(fast_seeds_run):
    """LDA's held-out perplexity was 2 to the minus gensim's bound per word, whose term of the topics themselves,
    divided by the held-out words, gave 3e7 to 2e8 on the seed vocabulary of 804 words (a uniform guess scores
    804), growing with K. Both kinds now score document completion: a unit's shares inferred from half of its
    tokens (dealt alternately, in word order), the other half scored."""
    from toolkit import Config, count_units

    from .conftest import NO_FIGURES, SEEDS_CONFIG

    run = fast_seeds_run
    vocabulary, X, _ = count_units(run.prepared, Config.load(SEEDS_CONFIG, NO_FIGURES))
    held_out = sparse.csr_matrix(X[:15])
    lda = LdaTopicModel(18, random_state=0).fit(X[15:])
    for model in (lda, run.fitted.model):  # the run's keyatm saw these units too: the scale is the point here
        scored = model.heldout_scores(held_out)["perplexity"]
        assert 1 < scored < len(vocabulary), (type(model).__name__, scored)  # better than a uniform guess
        # one unit by hand: its tokens in word order, every other one shown to the model, the rest scored
        unit = held_out[3]
        tokens = np.repeat(unit.indices[np.argsort(unit.indices)], np.rint(unit.data[np.argsort(unit.indices)]).astype(int))
        shown = sparse.csr_matrix(
            (np.ones(len(tokens[0::2])), (np.zeros(len(tokens[0::2]), int), tokens[0::2])), shape=unit.shape
        )
        probabilities = (model.transform(shown) @ model.components_)[0, tokens[1::2]]
        assert model.heldout_scores(unit)["perplexity"] == pytest.approx(np.exp(-np.log(probabilities).mean()))


def test_nmf_members_fitted_side_by_side_leave_the_warning_filters_as_they_were(caplog):
    """Each NMF member recorded scikit-learn's warnings with ``catch_warnings`` in its own thread; the threads
    restored each other's saved filters, so after an ensemble stopped at max_iter every later warning of the
    process went to a list nobody read. The filters are now touched only by the calling thread, and the run says
    which config key to raise, in its own warning."""
    import warnings

    import sklearn.decomposition  # noqa: F401 (its import adds filters of its own)
    from scipy import sparse

    from toolkit.config import Config
    from toolkit.models import fit_ensemble

    counts = sparse.csr_matrix(np.random.default_rng(0).poisson(0.5, size=(200, 300)))
    section = Config.load(
        None, ["model.kind='nmf'", "model.n_topics=8", "model.nmf.max_iter=3", "model.ensemble=3", "model.n_jobs=2"]
    )["model"]
    filters, show = list(warnings.filters), warnings._showwarnmsg_impl
    for _ in range(4):
        models, _shares = fit_ensemble(section, counts)
    assert warnings.filters == filters and warnings._showwarnmsg_impl is show
    assert not any(model.converged_ for model in models)
    said = [r.getMessage() for r in caplog.records if r.name == "toolkit"]
    assert said and said[-1] == "NMF stopped at model.nmf.max_iter = 3 iterations before converging: raise it (3 of 3 fits)"
    converged, _ = fit_ensemble(Config.load(None, ["model.kind='nmf'", "model.n_topics=3", "model.ensemble=1"])["model"], counts)
    assert converged[0].converged_ and converged[0].fit_problem_after() == ""


def test_seeded_lda_anchors_only_the_themes_with_a_keyword():
    """A theme without a keyword in the vocabulary seeds nothing and takes no topic (diplomacy had a topic and a
    share on the seeds; only an end-to-end test caught a mutation of this): the themes with one take the first
    topics, as keyatm's, so seeded LDA needs no more topics than keyatm (it wanted one per theme of the lexicon)."""
    from toolkit.models.lda import LdaTopicModel

    keywords = [np.array([0, 1]), np.array([], dtype=np.int64), np.array([2])]
    options = {"passes": 1, "iterations": 5, "seeded": True, "seed_strength": 0.5, "alpha": "symmetric"}
    model = LdaTopicModel.from_config(n_topics=4, random_state=0, options=options, keywords=keywords, n_words=6, n_tokens=60)
    assert list(model.anchors) == [0, 2, -1, -1]
    assert model.eta[1, 2] > model.eta[1, 0] == model.eta[1, 3]  # the second topic is the third theme's
    assert (model.eta[2:] == 0.25).all()  # free topics: gensim's symmetric default only
    # as keyatm: two topics for the two themes with a keyword, however many themes the lexicon has; fewer refused
    two = LdaTopicModel.from_config(n_topics=2, random_state=0, options=options, keywords=keywords, n_words=6, n_tokens=60)
    assert list(two.anchors) == [0, 2]
    with pytest.raises(ToolkitError, match="one topic per theme with a keyword in the vocabulary.*2 themes have keywords"):
        LdaTopicModel.from_config(n_topics=1, random_state=0, options=options, keywords=keywords, n_words=6, n_tokens=60)


def test_an_lda_fit_of_too_few_updates_says_so_with_the_setting_to_raise(caplog):
    """From a hostile pass of the sweep: gensim warns of "too few updates" in a run's log, but a sweep's runs (fitted
    in processes of their own) recorded no fit_note and were ranked as any other. The model says it, as NMF says a
    limit of iterations reached, naming model.lda.passes; gensim's own line is left out of the log."""
    from toolkit.models._lda import LdaTopicModel

    X = sparse.csr_matrix(np.random.default_rng(0).poisson(1.0, size=(40, 30)))
    with caplog.at_level("WARNING"):
        few = LdaTopicModel(3, passes=2, iterations=5, random_state=0).fit(X)
    assert "updated its topics 2 times" in few.fit_problem_after() and "model.lda.passes" in few.fit_problem_after()
    assert "too few updates" not in caplog.text
    assert LdaTopicModel(3, passes=10, iterations=5, random_state=0).fit(X).fit_problem_after() == ""


def test_the_updates_an_lda_fit_counts_are_those_it_made(monkeypatch):
    """From an adversarial review: 2,100 units in chunks of 2,000 over 9 passes are 18 updates of the topics (one per
    chunk), but the fit said "updated its topics 9 times ... fewer than the 10 gensim asks for" (gensim's estimate,
    units / chunksize a pass), and a sweep marked such runs as fits that did not finish as they should."""
    from toolkit.models._lda import LdaTopicModel
    from toolkit.models._ldabatch import ChunkLdaModel

    made = []
    original = ChunkLdaModel.do_mstep
    monkeypatch.setattr(ChunkLdaModel, "do_mstep", lambda self, *a, **k: made.append(1) or original(self, *a, **k))
    X = sparse.csr_matrix(np.random.default_rng(0).poisson(0.3, size=(2100, 30)))
    model = LdaTopicModel(3, passes=9, iterations=2, random_state=0).fit(X)
    assert model.n_updates_ == len(made) == 18 and model.fit_problem_after() == ""
    made.clear()
    few = LdaTopicModel(3, passes=4, iterations=2, random_state=0, chunksize=1000).fit(X[:1500])
    assert few.n_updates_ == len(made) == 8 and "updated its topics 8 times" in few.fit_problem_after()


def test_chains_far_apart_are_said_whether_the_burn_in_stopped_at_convergence_or_ran_every_sweep():
    """With model.keyatm.stop = "ceiling" an R-hat of 2.0 measured at the end was recorded and said nowhere (the
    same chains under the default rule are warned of: a hostile pass); a fit that met the threshold, or made no
    check it was not asked for, says nothing."""
    from toolkit.models.keyatm import convergence_problem

    far = {"reason": "ceiling", "burn_in": 400, "rhat": 2.0, "rhat_threshold": 1.05, "rhat_infinite": False}
    for rule in ("converged", "ceiling"):
        assert "split-R-hat of the topic shares 2.00, threshold 1.05" in convergence_problem({**far, "stop": rule})
        assert convergence_problem({**far, "stop": rule, "rhat": 1.01}) == ""
        assert "stuck apart" in convergence_problem({**far, "stop": rule, "rhat": None, "rhat_infinite": True})
    assert convergence_problem({**far, "stop": "ceiling", "rhat": None}) == ""
    assert "not checked" in convergence_problem({**far, "stop": "converged", "rhat": None})
    assert convergence_problem({**far, "stop": "converged", "reason": "converged", "rhat": 1.01}) == ""


def test_a_keyword_topic_that_drew_no_token_lists_no_word_and_suggests_no_theme():
    """A keyword topic can draw nothing (here: its one keyword, 区块链, is in no unit, so the topic is allowed in
    none). Its keyword prior still lifts 区块链 above every other word of its weights, so the topic had listed
    区块链 as its top word and suggested its own theme: ``drawn_words_`` says which words each topic drew, and the
    top words and the suggested theme are read from those."""
    from toolkit.analysis.evaluate import top_words
    from toolkit.analysis.lexicon import Lexicon, Theme
    from toolkit.analysis.lexicon_evidence import association_scores
    from toolkit.analysis.themes import label_topics
    from toolkit.models.keyatm import KeywordTopicModel

    X = sparse.hstack([planted_counts(), sparse.csr_matrix((90, 1), dtype=np.int64)]).tocsr()
    vocabulary = [*VOCAB, "区块链"]
    keywords = [np.array([0, 1, 2]), np.array([6, 7]), np.array([18])]
    model = KeywordTopicModel(4, keywords=keywords, iterations=150, samples=10, thin=5, random_state=0).fit(X)
    assert model.anchors_.tolist() == [0, 1, 2, -1] and model.training_shares_[:, 2].max() < 0.01
    drawn = model.drawn_words_
    assert drawn.shape == (4, len(vocabulary)) and not drawn[2].any() and drawn[0, :3].all() and drawn[1, 6:8].all()
    assert top_words(model.components_, vocabulary, 10)[2][0] == "区块链"  # the prior alone: what it had listed
    words = top_words(model.components_, vocabulary, 10, drawn)
    assert top_words(model, vocabulary, 10) == words  # the public call with the model reads its words drawn
    assert words[2] == [] and set(BLOCKS[0]) <= set(words[0]) and {"生态", "绿色"} <= set(words[1])
    assert all(drawn[k, vocabulary.index(w)] for k, row in enumerate(words) for w in row)
    themes = (
        Theme("innovation", "创新", "Innovation", ("创新", "科技", "研发")),
        Theme("ecology", "生态", "Ecology", ("生态", "绿色")),
        Theme("blockchain", "区块链", "Blockchain", ("区块链",)),
    )
    lexicon = Lexicon(themes)
    labels = label_topics(model.components_, vocabulary, lexicon, anchors=model.anchors_, min_score=0.1, drawn=drawn)
    assert labels["theme"].tolist() == ["innovation", "ecology", "blockchain", "other"]
    assert labels["suggested"].tolist()[:3] == ["innovation", "ecology", "other"]
    assert label_topics(model.components_, vocabulary, lexicon, anchors=model.anchors_)["suggested"][2] == "blockchain"
    ids = [np.asarray(k) for k in keywords]
    none = pd.DataFrame({"theme": [], "word": []})
    scores = association_scores(model.components_, vocabulary, ids, none, lexicon.names, drawn=drawn)
    assert scores[2].sum() == 0 and scores[0].argmax() == 0 and scores[1].argmax() == 1
    assert association_scores(model.components_, vocabulary, ids, none, lexicon.names)[2, 2] > 0.4  # the prior alone
