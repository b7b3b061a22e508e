"""One chain on several cores: the partitioned sweep of the keyword-assisted model (``model.keyatm.partitions``,
AD-LDA), on the seed corpus. One partition is the sampler itself; more give another chain, the same for any
number of threads, that agrees with the sampler's in distribution."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from toolkit.analysis.lexicon import keyword_ids
from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.pipeline import count_units, prepare

from .conftest import ROOT
from .test_models import _fixed_count_fit

SEEDS_CONFIG = ROOT / "configs" / "seeds.toml"


@pytest.fixture(scope="module")
def seeds():
    """The seed corpus's counted units (144 units) and each theme's keyword ids, and its config."""
    config = Config.load(SEEDS_CONFIG)
    prepared = prepare(config)
    vocabulary, counts, _ = count_units(prepared, config)
    return counts, keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"]), config


def _model(seeds, seed=0, **options):
    from toolkit.models.keyatm import KeywordTopicModel

    _, keywords, config = seeds
    settings = {**config["model"]["keyatm"], **options}
    return KeywordTopicModel(config["model"]["n_topics"], keywords=keywords, random_state=seed, **settings)


def test_one_partition_is_the_sampler_itself(seeds):
    """partitions = 1 (the default) is the chain of the plain sampler, draw for draw, whatever the threads."""
    counts = seeds[0]
    model = _model(seeds, 5, partitions=1, n_jobs=2, iterations=150, samples=10, thin=5, stop="ceiling")
    shares = model.fit_transform(counts)
    theta, alpha, n0_wk, _ = _fixed_count_fit(model, counts)
    np.testing.assert_array_equal(shares, theta / theta.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(model.alpha_, alpha)
    regular = (n0_wk + model.beta) / (n0_wk.sum(axis=0) + counts.shape[1] * model.beta)
    np.testing.assert_array_equal(model.topic_word_regular_, regular.T)
    assert model.stop_["partitions"] == 1


def test_partitions_do_not_depend_on_the_number_of_threads(seeds, monkeypatch):
    """Four partitions on one thread, on two (which do sweep partitions side by side), and again on one: the same
    chain, bit for bit, through the ensemble's fit as a run calls it."""
    from toolkit.models import _gibbs as gibbs
    from toolkit.models import fit_ensemble

    counts, keywords, config = seeds
    threads_seen = set()
    sweep = gibbs.sweep

    def spied(part):
        threads_seen.add(threading.get_ident())
        sweep(part)

    monkeypatch.setattr(gibbs, "sweep", spied)
    section = {**config["model"], "ensemble": 1, "keyatm": {**config["model"]["keyatm"], "partitions": 4, "iterations": 150}}
    fits = {}
    for name, threads in (("one", 1), ("two", 2), ("again", 1)):
        threads_seen.clear()
        models, shares = fit_ensemble({**section, "n_jobs": threads}, counts, keywords=keywords)
        fits[name] = models[0], shares[0]
        assert len(threads_seen) == threads
    (one, shares_one), (two, shares_two), (again, shares_again) = fits.values()
    assert one.stop_ == two.stop_ and one.stop_["partitions"] == 4
    for model, shares in ((two, shares_two), (again, shares_again)):
        np.testing.assert_array_equal(shares, shares_one)
        np.testing.assert_array_equal(model.components_, one.components_)
        np.testing.assert_array_equal(model.alpha_, one.alpha_)


def test_the_copies_and_the_merge_lose_nothing(seeds, monkeypatch):
    """With every unit in the first of three partitions (the others empty) and that partition drawing from the
    chain's own stream, the partitioned chain is the sampler's, draw for draw: the private copies of the counts
    and their merge after every sweep change nothing but what the partitions drew."""
    from toolkit import random_streams
    from toolkit.models import _keyatm

    counts = seeds[0]
    settings = {"iterations": 120, "samples": 5, "thin": 4}
    exact = _model(seeds, 9, **settings)
    shares = exact.fit_transform(counts)
    monkeypatch.setattr(_keyatm, "_partition_bounds", lambda offsets, n: np.array([0] + [len(offsets) - 1] * n))
    monkeypatch.setattr(random_streams, "split", lambda state, n: np.repeat(state[None], n, axis=0))
    partitioned = _model(seeds, 9, partitions=3, n_jobs=2, **settings)
    np.testing.assert_array_equal(partitioned.fit_transform(counts), shares)
    np.testing.assert_array_equal(partitioned.components_, exact.components_)
    np.testing.assert_array_equal(partitioned.alpha_, exact.alpha_)


def test_partitioned_counts_stay_those_of_the_topics_drawn(seeds):
    """After partitioned sweeps, the merged word-topic counts are exactly the counts of the tokens' topics."""
    from toolkit.models import _gibbs as gibbs

    counts = seeds[0]
    chain = _model(seeds, 3, partitions=3).start_chain(counts)
    chain.advance(7)
    state = chain.state
    n_dk, n0_wk, n1_wk = gibbs.counts(state.words, state.offsets, state.z, state.s, counts.shape[1], len(state.alpha))
    np.testing.assert_array_equal(state.n_dk, n_dk)
    np.testing.assert_array_equal(state.n0_wk, n0_wk)
    np.testing.assert_array_equal(state.n1_wk, n1_wk)
    np.testing.assert_array_equal(state.n0_k, n0_wk.sum(axis=0))
    np.testing.assert_array_equal(state.n1_k, n1_wk.sum(axis=0))


def test_partitions_are_contiguous_blocks_of_about_equal_tokens(seeds):
    from toolkit.models._keyatm import _offsets_and_words, _partition_bounds

    offsets, _ = _offsets_and_words(seeds[0])
    lengths = np.diff(offsets)
    for n in (1, 2, 4, 7):
        bounds = _partition_bounds(offsets, n)
        assert bounds[0] == 0 and bounds[-1] == len(lengths) and (np.diff(bounds) >= 0).all() and len(bounds) == n + 1
        tokens = np.array([lengths[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:])])
        assert np.abs(tokens - offsets[-1] / n).max() <= lengths.max()  # off by less than one unit
    assert _partition_bounds(np.array([0, 5]), 3).tolist() == [0, 1, 1, 1]  # fewer units than partitions: empty ones


def test_partitions_give_another_chain_that_agrees_with_the_sampler(seeds):
    """Four partitions are not the sampler's chain, but measure the same: each theme's shares across the units
    follow a one-partition chain of the same seed, and each theme's share of the corpus stays close.

    Measured on this corpus at the shipped settings, seeds 0-13: the four-partition chain against the
    one-partition chain of the same seed, r across units of the least correlated theme 0.83-0.95, median over
    themes 0.987-0.992, largest difference of a theme's corpus share 0.005-0.017; two one-partition chains of
    different seeds: 0.86-0.98, 0.989-0.994 and 0.003-0.011. The thresholds leave room below both."""
    counts = seeds[0]
    one, four = _model(seeds, 0), _model(seeds, 0, partitions=4)
    shares_one, shares_four = one.fit_transform(counts), four.fit_transform(counts)
    assert not np.array_equal(shares_one, shares_four)
    themes = int((one.anchors_ >= 0).sum())
    r = [np.corrcoef(shares_one[:, k], shares_four[:, k])[0, 1] for k in range(themes)]
    assert min(r) > 0.75 and np.median(r) > 0.97, r
    tokens = np.asarray(counts.sum(axis=1)).ravel()
    corpus_one, corpus_four = (shares[:, :themes].T @ tokens / tokens.sum() for shares in (shares_one, shares_four))
    assert np.abs(corpus_one - corpus_four).max() < 0.03


@pytest.mark.parametrize(
    "value, message",
    [
        ("0", "model.keyatm.partitions must be greater than 0, not 0"),
        ("-1", "model.keyatm.partitions must be greater than 0, not -1"),
        ('"x"', "model.keyatm.partitions must be an integer, not 'x'"),
        ("2.5", "model.keyatm.partitions must be an integer, not 2.5"),
    ],
)
def test_bad_partition_counts_are_refused_on_one_line(value, message):
    with pytest.raises(ToolkitError) as info:
        Config.load(SEEDS_CONFIG, [f"model.keyatm.partitions={value}"])
    assert message in str(info.value) and "\n" not in str(info.value)
    assert "\n" not in str(info.value)


def test_a_model_refuses_fewer_than_one_partition(seeds):
    with pytest.raises(ValueError, match="partitions must be at least 1"):
        _model(seeds, partitions=0).fit(seeds[0])


def test_more_partitions_than_units_is_refused_in_one_line(seeds):
    """Partitions beyond the units are empty, each with its own copy of the word-topic counts (500 of them on the
    seed corpus's 144 units ran without a word): refused, and a sweep skips such a grid point with the reason."""
    counts, _, _ = seeds
    model = _model(seeds, partitions=counts.shape[0] + 1, iterations=10, samples=2, thin=1)
    refused = r"^cannot sweep the fit's 144 units in 145 partitions: ask for at most 144 \(model.keyatm.partitions; a fit"
    with pytest.raises(ToolkitError, match=refused):
        model.fit(counts)
    assert model.fit_problem(counts.shape[0], counts.shape[1]) == "cannot sweep 144 units in 145 partitions"
    assert _model(seeds, partitions=counts.shape[0]).fit_problem(counts.shape[0], counts.shape[1]) == ""


def test_partitions_whose_copies_would_not_fit_in_memory_are_refused_before_the_fit(seeds, monkeypatch):
    """From a hostile pass of the scale path: partitions up to the number of units were taken, each with its own copy
    of the word-topic counts (1,000 partitions of 15 reports: 2 GB, and under a memory limit numpy's MemoryError
    traceback). A count whose copies would take more than half of the process's memory is refused, in a line that
    says how much they need; one that fits runs as before."""
    from toolkit.models import _keyatm

    counts = seeds[0]
    words, topics = counts.shape[1], seeds[2]["model"]["n_topics"]
    need = 8 * words * topics * 4  # four partitions' copies
    monkeypatch.setattr(_keyatm, "_memory_bytes", lambda: 2 * need - 1)
    with pytest.raises(ToolkitError, match=r"partitions = 4 needs .* MiB .* per chain, more than half .* fewer partitions"):
        _model(seeds, partitions=4, iterations=60, samples=5, thin=1).fit(counts)
    monkeypatch.setattr(_keyatm, "_memory_bytes", lambda: 2 * need)
    _model(seeds, partitions=4, iterations=60, samples=5, thin=1).fit(counts)
    # an ensemble's chains are all made before any sweeps: three need three times the memory (an adversarial
    # review: the check counted one chain, and three members of a count just under it took 2x what it allowed)
    members = [_model(seeds, seed, partitions=4, iterations=60, samples=5, thin=1) for seed in range(3)]
    with pytest.raises(ToolkitError, match=r"partitions = 4 needs .* MiB .*\(3 chains, made together\)"):
        type(members[0]).fit_together(members, counts)
    monkeypatch.undo()
    assert _keyatm._memory_bytes() > 2**28  # this machine's memory, read (a quarter of a GiB at least)
