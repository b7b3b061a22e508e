"""Rules of the large-corpus sample and fold-in (toolkit.analysis.sampling), of keyword seeding
(toolkit.analysis.seeding) and of the clustered errors (toolkit.analysis.clustered) that a mutation audit found
untested: each test here failed on a mutant that passed every other test."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from toolkit.analysis import sampling
from toolkit.config import Config

from .conftest import ROOT

FAST = ["model.keyatm.iterations=60", "model.ensemble=1"]


@pytest.fixture(scope="module")
def seeds():
    """The seed corpus prepared, and a keyatm model fitted on its 144 paragraphs."""
    from toolkit.pipeline import fit, prepare

    config = Config.load(ROOT / "configs" / "seeds.toml", FAST)
    data = prepare(config)
    return config, data, fit(data, config)


# ----- the sample ---------------------------------------------------------------------------------------------


def test_a_document_gives_exactly_its_share_in_whole_units_and_no_unit_more():
    """Each document gives its units, in a seeded random order, until its share of the tokens is reached, and
    stops there: with units of equal length (3/8 of the tokens asked for, documents of 8, 16 and 24 units) it
    gives exactly 3/8 of its units. Taking a unit more once the share was reached (``<=`` for ``<``) passed
    every other test."""
    units_per_doc = [8, 16, 24, 8, 16]
    unit_length = [10, 7, 30, 3, 12]  # tokens per unit, the same within a document
    doc_ids = np.repeat(np.arange(len(units_per_doc)), units_per_doc)
    lengths = np.repeat(unit_length, units_per_doc)
    for seed in (0, 7, 42):
        taken = sampling.sample_units(doc_ids, lengths, lengths.sum() * 3 // 8, random_state=seed)
        for doc, n in enumerate(units_per_doc):
            mine = doc_ids == doc
            assert taken[mine].sum() == n * 3 // 8, (seed, doc)
            assert lengths[mine & taken].sum() / lengths[mine].sum() == 3 / 8


# ----- the fold-in --------------------------------------------------------------------------------------------


def test_each_block_of_the_fold_in_draws_from_a_seed_of_its_own(seeds):
    """The fold-in's blocks each draw from their own seed (the member's and the block's number), the same for any
    number of threads: the same paragraphs of the seed corpus folded in twice, in two blocks, get two independent
    sets of draws. Every block seeded with the member's seed (or left with the model's) passed every other test:
    the Monte Carlo error of the fold-in repeated itself block after block."""
    _, _, fitted = seeds
    model = fitted.model
    paragraphs = fitted.counts.tocsr()[:8]
    from scipy import sparse

    twice = sparse.vstack([paragraphs, paragraphs]).tocsr()
    shares = sampling.fold_in(model, twice, n_jobs=1, block=8)
    assert not np.array_equal(shares[:8], shares[8:])  # the second block's draws are not the first's again
    assert np.allclose(shares.sum(axis=1), 1)
    for threads in (2, 3):
        assert np.array_equal(sampling.fold_in(model, twice, n_jobs=threads, block=8), shares)


def test_the_fold_in_goes_in_blocks_of_the_size_asked_in_the_units_order(seeds, monkeypatch):
    """``block=`` sets the blocks (the thread tests above and in test_sampling rest on several blocks of a small
    corpus: a fold-in that ignored it ran one block, and those tests passed without a thread ever running); the
    blocks come back in the units' order on any number of threads; no unit to fold in gives no row."""
    _, _, fitted = seeds
    model, counts = fitted.model, fitted.counts.tocsr()
    seen = []
    transform = sampling._transform

    def recording(model, block_counts, drop, options):
        seen.append(block_counts.shape[0])
        return transform(model, block_counts, drop, options)

    monkeypatch.setattr(sampling, "_transform", recording)
    alone = sampling.fold_in(model, counts, n_jobs=1, block=50)
    assert seen == [50, 50, counts.shape[0] - 100]
    assert np.array_equal(sampling.fold_in(model, counts, n_jobs=3, block=50), alone)
    # rows=: those units folded in as a matrix of their own would be
    rows = np.arange(50, 100)
    assert np.array_equal(
        sampling.fold_in(model, counts, n_jobs=1, block=50, rows=rows), sampling.fold_in(model, counts[rows], block=50)
    )
    empty = sampling.fold_in(model, counts, n_jobs=2, rows=np.zeros(0, dtype=np.int64))
    assert empty.shape == (0, model.components_.shape[0])


def test_words_dropped_from_the_units_of_an_nmf_model_are_those_of_a_copy(seeds, monkeypatch):
    """``drop=`` takes the words out of each block for every kind of model: NMF's tf-idf read the dropped words
    left as explicit zeros as log(0) and failed ("Input contains infinity") when they were not eliminated; the
    test of ``drop`` ran keyatm only."""
    from toolkit.pipeline import fit

    _, data, _ = seeds
    nmf = fit(data, Config.load(ROOT / "configs" / "seeds.toml", [*FAST, 'model.kind="nmf"']))
    model, counts = nmf.model, nmf.counts.tocsr()
    drop = np.argsort(-np.asarray(counts.sum(axis=0)).ravel(), kind="stable")[:40]
    copy = counts.tolil(copy=True)
    copy[:, drop] = 0
    copy = copy.tocsr()
    copy.eliminate_zeros()
    monkeypatch.setattr(sampling, "BLOCK", 16)
    expected = sampling.fold_in(model, copy, 1)
    for threads in (1, 2):
        np.testing.assert_allclose(sampling.fold_in(model, counts, threads, drop=drop), expected, rtol=0, atol=1e-12)


def test_a_theme_given_no_keyword_in_the_fold_in_has_no_share_in_any_unit(seeds):
    """``fold_in(..., keyword_ids=...)`` (the split-half check's measurement from half a theme's keywords) hands
    the keywords to the model: a theme given none has no share in any unit, the others as they are measured.
    Folding in with each theme's own keywords instead passed every other test."""
    _, _, fitted = seeds
    model, counts = fitted.model, fitted.counts.tocsr()
    keyword_ids = [np.asarray(ids) for ids in model.keyword_ids_]
    topic = next(k for k, ids in enumerate(keyword_ids) if len(ids))  # the first keyword topic (innovation's)
    has_keywords = np.asarray(counts[:, keyword_ids[topic]].sum(axis=1)).ravel() > 0
    assert has_keywords.any()
    usual = sampling.fold_in(model, counts, 2, block=40)
    assert (usual[has_keywords, topic] > 0).all()
    without = [np.zeros(0, dtype=np.int64) if k == topic else ids for k, ids in enumerate(keyword_ids)]
    shares = sampling.fold_in(model, counts, 2, block=40, keyword_ids=without)
    assert (shares[:, topic] == 0).all() and np.allclose(shares.sum(axis=1), 1)


# ----- keyword seeding ----------------------------------------------------------------------------------------


def test_every_theme_with_a_keyword_seeds_its_topic_on_its_own_words(seeds):
    """Seeded LDA on the seed corpus's vocabulary: each theme of the lexicon with a keyword in it (all but
    diplomacy_unification, which takes no topic) raises exactly its own words (创新, 科技 ... for innovation, the
    first theme) in its own topic, by ``strength`` x tokens per topic shared evenly; every other entry keeps the
    symmetric 1 / n_topics. Leaving the first theme unseeded (``theme > 0``) passed every other test."""
    from toolkit.analysis.lexicon import keyword_ids, word_themes
    from toolkit.analysis.seeding import seeded_eta, seeded_topics
    from toolkit.pipeline import count_units

    config, data, _ = seeds
    vocabulary, counts, _ = count_units(data, config)
    keywords = keyword_ids(data.lexicon, vocabulary, config["themes"]["match"])
    n_topics, n_tokens = config["model"]["n_topics"], int(counts.sum())
    eta = seeded_eta(keywords, n_topics, len(vocabulary), strength=0.5, n_tokens=n_tokens)
    anchors = seeded_topics(keywords, n_topics)
    theme_of = word_themes(data.lexicon, vocabulary, config["themes"]["match"])
    names = data.lexicon.names
    assert [names[a] for a in anchors if a >= 0] == [n for n, ids in zip(names, keywords) if len(ids)]
    assert "diplomacy_unification" not in [names[a] for a in anchors if a >= 0]
    for k, theme in enumerate(anchors):
        raised = {vocabulary[i] for i in np.flatnonzero(eta[k] > 1 / n_topics)}
        if theme < 0:
            assert not raised, k
            continue
        assert raised == {w for w in vocabulary if theme_of.get(w) == names[theme]}, names[theme]
        assert eta[k].sum() == pytest.approx(len(vocabulary) / n_topics + 0.5 * n_tokens / n_topics)
    assert anchors[0] == 0 and {"创新", "科技"} <= {vocabulary[i] for i in np.flatnonzero(eta[0] > 1 / n_topics)}


# ----- clustered errors ---------------------------------------------------------------------------------------


def _balanced_logit(n_documents=6, n_paragraphs=5, seed=3):
    """A fractional logit of shares on a paragraph's position in its document: every document the same positions
    and the same token counts (a balanced design: CR2 is then exactly G / (G - 1) times the uncorrected sandwich)."""
    import statsmodels.api as sm

    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_documents), n_paragraphs)
    X = sm.add_constant(np.tile(np.arange(n_paragraphs, dtype=float), n_documents))
    weights = np.tile(rng.integers(20, 80, n_paragraphs).astype(float), n_documents)
    y = np.clip(rng.beta(4, 12, len(groups)), 0.01, 0.99)
    return X, y, weights, groups


def test_clustered_errors_of_a_balanced_design_are_statsmodels_own():
    """On a balanced design CR2 is statsmodels' own clustered covariance of the same GLM: G / (G - 1) times its
    uncorrected sandwich, its small-sample CR1 times (n - k) / (n - 1), and the degrees of freedom are its G - 1.
    The working residuals without their 1 / sqrt(W), or the design without sqrt(W), passed every other test (they
    compared cr2 with cr2)."""
    import statsmodels.api as sm

    from toolkit.analysis.clustered import cr2, working_regression

    X, y, weights, groups = _balanced_logit()
    n, k = X.shape
    G = len(np.unique(groups))
    fits = {}
    for correction in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits[correction] = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=weights).fit(
                cov_type="cluster", cov_kwds={"groups": groups, "use_correction": correction}
            )
    covariance, df = cr2(*working_regression(X, y, np.asarray(fits[True].mu), weights), groups)
    np.testing.assert_allclose(covariance, G / (G - 1) * fits[False].cov_params(), rtol=1e-8)
    np.testing.assert_allclose(covariance, (n - k) / (n - 1) * fits[True].cov_params(), rtol=1e-8)
    np.testing.assert_allclose(df, [fits[True].df_resid_inference] * k, rtol=1e-8)


def test_a_paragraph_of_nearly_full_leverage_keeps_its_residual_in_cr2():
    """A paragraph far out in a covariate (leverage 0.99998: high, not full) keeps its residual, scaled by
    (1 - h)^-1/2, as CR2's definition says; only a direction of full leverage (1 - h below rounding) gets none.
    Counting 1 - h < 1e-4 as full halved the slope's variance and gave it 6.9 degrees of freedom for 1.05; it
    passed every other test."""
    from toolkit.analysis.clustered import cr2

    from .test_groups_effects import _dense_cr2

    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(8), 4)
    x = rng.normal(size=len(groups))
    x[0] = 1000.0  # one paragraph of the first document, far out
    X = np.column_stack([np.ones(len(groups)), x])
    hat = X @ np.linalg.pinv(X.T @ X) @ X.T
    assert 1e-6 < 1 - np.linalg.eigvalsh(hat[:4, :4]).max() < 1e-4
    residuals = rng.normal(size=len(groups))
    residuals -= hat @ residuals  # a fit's residuals: orthogonal to the design
    covariance, df = cr2(X, residuals, groups)
    expected_covariance, expected_df = _dense_cr2(X, residuals, groups)
    np.testing.assert_allclose(covariance[1, 1], expected_covariance[1, 1], rtol=1e-6)
    np.testing.assert_allclose(df, np.maximum(expected_df, 1.0), rtol=1e-4)
