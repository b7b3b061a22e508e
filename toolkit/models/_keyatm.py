"""Keyword-assisted topic model: each lexicon theme owns a topic anchored to its keywords (keyATM's base model,
Eshima, Imai and Sasaki, AJPS 2024), fitted by collapsed Gibbs sampling compiled with numba.

In a keyword topic, a token is drawn either from the topic's keyword distribution (over the theme's
keywords only) or from its regular distribution (over the whole vocabulary), with a topic-specific keyword
share; free topics have the regular distribution only. The theme of a keyword topic is fixed by construction:
it is never relabelled by its top words. The keyword distribution anchors the topic; the regular one learns
the words that go with the keywords in this corpus, so the topic is more than a keyword count.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError
from .base import TopicModel, check_counts, check_fitted, completion_perplexity, normalize_rows
from .keyatm import OPTIONS

if TYPE_CHECKING:
    from scipy import sparse


def _offsets_and_words(X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Tokens of each row of a count matrix, words in column order: (offsets, word ids as int32, the
    vocabulary's size is far below 2**31; a chain holds a few bytes per token)."""
    counts = X.data.astype(np.int64, copy=False)
    words = np.repeat(X.indices.astype(np.int32, copy=False), counts)
    running = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=running[1:])
    offsets = running[X.indptr]  # tokens before each row's first entry (empty rows at the end included)
    return offsets, words


def _partition_bounds(offsets: np.ndarray, n: int) -> np.ndarray:
    """Where ``n`` contiguous blocks of units of about equal token counts begin, and the end: block ``p`` holds
    units ``bounds[p]:bounds[p + 1]``, from the first unit that starts at or after ``p / n`` of the tokens. The
    same units always give the same blocks; a block may be empty (fewer units than blocks, or a unit longer than
    a block's share of the tokens)."""
    n_units = len(offsets) - 1
    targets = np.arange(1, n, dtype=np.int64) * int(offsets[-1]) // n
    return np.concatenate([[0], np.searchsorted(offsets[:n_units], targets, side="left"), [n_units]]).astype(np.int64)


def _add_shares(theta, n_dk, alpha, present, absent, lengths, block=65536) -> None:
    """Add each unit's current topic shares, (n_dk + prior) / (length + sum of prior), to ``theta``, a block of
    units at a time: the same numbers as one expression over all units, without its temporaries (four arrays
    the size of ``theta``)."""
    for start in range(0, theta.shape[0], block):
        rows = slice(start, start + block)
        prior = alpha * np.where(present[rows], 1.0, absent)
        theta[rows] += (n_dk[rows] + prior) / (lengths[rows, None] + prior.sum(axis=1, keepdims=True))


class KeywordTopicModel(TopicModel):
    """keyATM's base model (keyword topics plus free topics), collapsed Gibbs sampling.

    Parameters
    ----------
    n_topics : int
        All topics: one per keyword set, the rest free.
    keywords : list of int arrays
        For each anchored theme, the vocabulary ids of its keywords; theme ``i`` owns topic ``i``. A word
        belongs to one keyword set at most. A theme whose keywords are all absent gets no topic (``anchors_``).
    iterations, stop, rhat, check_every, min_iterations, samples, thin, beta, keyword_beta, keyword_prior,
    optimize_alpha, keyword_start, exclusive_keywords, absent_prior, start, partitions
        See ``OPTIONS``. Fitted alone, a chain stops by its own two halves; :func:`toolkit.models.fit_ensemble`
        runs an ensemble's chains in lockstep and stops them when they agree (:func:`run_chains`).
    random_state : int or None
        Pass an int for reproducible results; the result does not depend on the number of threads.
    n_jobs : int
        Threads that sweep a chain's partitions side by side (with ``partitions`` > 1); the result does not
        depend on it.
    """

    OPTIONS = OPTIONS
    display_name = "keyATM"
    HELDOUT = {"perplexity": "lower"}
    EXACT_MEMBERSHIP = True  # exclusive keywords, no share without them (themes.shares_by_theme)

    def __init__(  # noqa: PLR0913 (scikit-learn estimators take their parameters in __init__)
        self,
        n_topics=20,
        *,
        keywords=None,
        iterations=500,
        stop="converged",
        rhat=1.05,
        check_every=25,
        min_iterations=200,
        samples=20,
        thin=5,
        beta=0.01,
        keyword_beta=0.1,
        keyword_prior=1.0,
        optimize_alpha=True,
        keyword_start=0.7,
        exclusive_keywords=True,
        absent_prior=0.0,
        start="units",
        partitions=1,
        random_state=None,
        n_jobs=1,
    ):
        self.n_topics = n_topics
        self.keywords = keywords
        self.iterations = iterations
        self.stop = stop
        self.rhat = rhat
        self.check_every = check_every
        self.min_iterations = min_iterations
        self.samples = samples
        self.thin = thin
        self.beta = beta
        self.keyword_beta = keyword_beta
        self.keyword_prior = keyword_prior
        self.optimize_alpha = optimize_alpha
        self.keyword_start = keyword_start
        self.exclusive_keywords = exclusive_keywords
        self.absent_prior = absent_prior
        self.start = start
        self.partitions = partitions
        self.random_state = random_state
        self.n_jobs = n_jobs

    @classmethod
    def from_config(cls, *, n_topics, random_state, options, n_jobs=1, keywords=None, n_words=0, n_tokens=0):
        return cls(n_topics, keywords=keywords, random_state=random_state, n_jobs=n_jobs, **options)

    # ----- fitting -----------------------------------------------------------------------------------------

    def _too_few_units(self, n_units: int) -> str:
        """Why ``n_units`` units are too few for any number of topics ('' when they are not): keyatm needs a topic
        per theme with a keyword and a free one, and a model at most a topic per unit. Said apart, the two limits
        sent a user round in a loop ("ask for at most 6 topics", then "raise model.n_topics to at least 7")."""
        themes = sum(1 for ids in self.keywords or [] if len(ids))
        if themes + 1 <= n_units:
            return ""
        return (
            f"keyatm needs {themes + 1} topics here (one per theme with a keyword in the vocabulary and a free one), and "
            f"a model has at most one topic per unit: {n_units} units are too few for any model.n_topics"
        )

    def fit_problem(self, n_units: int, n_words: int) -> str:
        if problem := self._too_few_units(n_units):
            return problem
        themes = sum(1 for ids in self.keywords or [] if len(ids))
        if themes >= self.n_topics:
            return (
                f"keyatm needs at least {themes + 1} topics here, one per theme with a keyword in the vocabulary and a free one"
            )
        if self.partitions > n_units:
            return f"cannot sweep {n_units} units in {self.partitions} partitions"
        return super().fit_problem(n_units, n_words)

    def _anchoring(self, n_words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which theme each keyword topic belongs to (themes without a keyword in the vocabulary get none),
        the keyword topic of each word (-1: none), and the number of keywords of each topic."""
        themes = [i for i, ids in enumerate(self.keywords or []) if len(ids)]
        if len(themes) >= self.n_topics:
            # without a free topic a unit without any keyword had no topic of its own to take: it was given every
            # theme (the themes took all the text, `other` was empty, and a theme had a share where none of its
            # keywords occur: an adversarial review)
            raise ToolkitError(
                f"keyatm needs one topic per theme with a keyword in the vocabulary and at least one free topic for "
                f"the text the lexicon does not name: model.n_topics is {self.n_topics} and {len(themes)} themes "
                f"have keywords; raise model.n_topics to at least {len(themes) + 1}"
            )
        key_topic = np.full(n_words, -1, dtype=np.int64)
        n_keywords = np.zeros(self.n_topics, dtype=np.int64)
        for k, theme in enumerate(themes):
            ids = np.unique(np.asarray(self.keywords[theme], dtype=np.int64))
            free = ids[key_topic[ids] < 0]  # a word keeps its first theme
            key_topic[free] = k
            n_keywords[k] = len(free)
        anchors = np.full(self.n_topics, -1, dtype=np.int64)
        anchors[: len(themes)] = themes
        return anchors, key_topic, n_keywords

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, and return each training unit's topic shares (averaged over the last draws of the chain).

        With ``stop = "converged"`` the chain stops its burn-in when the split-R-hat of its own two halves (the
        within-chain criterion of a single chain, see :func:`run_chains`) falls below ``rhat``; an ensemble
        fitted by :func:`toolkit.models.fit_ensemble` compares its members instead."""
        chain = self.start_chain(X)
        run_chains([chain])
        return chain.finish()

    @staticmethod
    def fit_together(models: list[KeywordTopicModel], X, pool_map=map, workers: int = 1) -> list[np.ndarray]:
        """Fit models that differ only in their seed (an ensemble) on ``X``, their chains in lockstep, stopped
        together when they agree (:func:`run_chains`); each one's training shares. ``pool_map`` may start and
        finish the chains in threads, and ``workers`` threads sweep them: the result is the same."""
        if models:  # every chain is made before any sweeps: their partitions' copies are in memory together
            _check_partition_memory(models[0].partitions, X.shape[1], models[0].n_topics, chains=len(models))
        chains = list(pool_map(lambda model: model.start_chain(X), models))
        run_chains(chains, pool_map, workers)
        return list(pool_map(lambda chain: chain.finish(), chains))

    def start_chain(self, X) -> _Chain:
        """A chain of this model on ``X``, initialised and ready to sweep (see :func:`run_chains`)."""
        return _Chain(self, X)

    @staticmethod
    def _keyword_share(n0_k, n1_k, gamma) -> np.ndarray:
        """Posterior mean share of each keyword topic's tokens drawn from its keywords (0 for a free topic)."""
        total = n0_k + n1_k + 2 * gamma
        return np.divide(n1_k + gamma, total, out=np.zeros(len(gamma)), where=gamma > 0)

    def _keyword_part(self, n1_wk, n1_k, key_topic) -> np.ndarray:
        """Words x topics: each keyword topic's keyword distribution (0 off its keywords and in free topics)."""
        n_words, K = n1_wk.shape
        part = np.zeros((n_words, K))
        for k in range(K):
            ids = np.flatnonzero(key_topic == k)
            if len(ids):
                part[ids, k] = (n1_wk[ids, k] + self.keyword_beta) / (n1_k[k] + len(ids) * self.keyword_beta)
        return part

    def _phi(self, n0_wk, n0_k, n1_wk, n1_k, key_topic, gamma) -> np.ndarray:
        """Words x topics: each topic's probability of each word, its keyword and regular parts mixed by the
        topic's keyword share."""
        n_words = n0_wk.shape[0]
        share = self._keyword_share(n0_k, n1_k, gamma)
        regular = (n0_wk + self.beta) / (n0_k + n_words * self.beta)
        return regular * (1 - share) + self._keyword_part(n1_wk, n1_k, key_topic) * share

    # ----- new units ---------------------------------------------------------------------------------------

    def transform(self, X):
        """Topic shares of the units of ``X`` under the fitted topics (Gibbs sampling of each unit's topics with
        the topics held fixed; the same input always gives the same output)."""
        return self.fold_in(X)

    def fold_in(self, X, *, keyword_ids=None, iterations: int = 60, burn_in: int = 20):
        """:meth:`transform`, with each keyword topic allowed in a unit by the words of ``keyword_ids`` (one id
        array per topic; default: its own keywords) instead of its keywords: a theme measured from part of its
        keywords."""
        from ..random_streams import stream
        from . import _gibbs as gibbs

        check_fitted(self, "components_")
        X = check_counts(X, self.n_topics, whole=True, model=self, reset=False)
        offsets, words = _offsets_and_words(X)
        key_topic = np.full(self.n_features_in_, -1, dtype=np.int64)
        for k, ids in enumerate(self.keyword_ids_ if keyword_ids is None else keyword_ids):
            key_topic[np.asarray(ids, dtype=np.int64)] = k
        n_keyword_topics = int((self.anchors_ >= 0).sum())
        present = gibbs.present_topics(words, offsets, key_topic, self.n_topics, n_keyword_topics)
        theta = gibbs.fold_in(
            words,
            offsets,
            np.ascontiguousarray(self.components_.T),
            self.alpha_,
            present,
            float(self.absent_prior),
            iterations,
            burn_in,
            stream(self.random_state),
        )
        return normalize_rows(theta, copy=False)

    def heldout_scores(self, X) -> dict[str, float]:
        """Held-out perplexity of ``X`` by document completion (:func:`toolkit.models.base.completion_perplexity`):
        each unit's shares folded in from half of its tokens, the other half scored (lower is better; comparable
        between runs on the same units)."""
        return {"perplexity": completion_perplexity(self, X)}


def _minka_alpha(
    alpha: np.ndarray,
    n_dk: np.ndarray,
    lengths: np.ndarray,
    present: np.ndarray,
    absent: float,
    digamma,
    steps: int = 5,
    block: int = 65536,
) -> np.ndarray:
    """Minka's fixed-point update of a Dirichlet prior whose value in unit d is ``alpha * scale[d]`` (scale 1
    where ``present``, else ``absent``), from the unit x topic counts. Units are taken a block at a time and
    their terms added one unit after another, in the order and with the rounding of numpy's sum over all units,
    so the prior is the same as from whole-matrix expressions, without their temporaries (three arrays the size
    of ``n_dk`` per chain)."""
    from ._gibbs import add_rows

    used = np.flatnonzero(lengths > 0)
    for _ in range(steps):
        numerator, denominator = np.zeros(len(alpha)), np.zeros(len(alpha))
        for start in range(0, len(used), block):
            units = used[start : start + block]
            scale = np.where(present[units], 1.0, absent)
            prior = alpha * scale
            total = prior.sum(axis=1)
            off = scale <= 0  # a topic ruled out of a unit (scale 0) tells nothing about its prior there
            prior[off] = 1.0
            terms = n_dk[units] + prior  # scale * (digamma(n_dk + prior) - digamma(prior)), 0 where ruled out
            digamma(terms, out=terms)
            terms -= digamma(prior, out=prior)
            terms *= scale
            terms[off] = 0.0
            add_rows(terms, numerator)
            np.multiply(scale, (digamma(lengths[units] + total) - digamma(total))[:, None], out=terms)
            add_rows(terms, denominator)
        alpha = np.maximum(alpha * numerator / np.maximum(denominator, 1e-12), 1e-3)
    return alpha


class _Chain:
    """One Gibbs chain of a :class:`KeywordTopicModel`: its state, advanced a block of sweeps at a time by
    :func:`run_chains`. Sweep ``t`` does what the fixed-count loop did: one sweep, Minka's update of alpha
    every 20 sweeps from sweep 100 during the burn-in, one averaged draw every ``thin`` sweeps after it, a
    likelihood point every 50. The burn-in ends at ``first_sample`` (the ceiling ``iterations - samples *
    thin`` unless :meth:`end_burn_in` moves it earlier), so a chain run to the ceiling is the fixed-count chain,
    draw for draw; each sweep also records the topic shares of the corpus (``summaries``) for the check."""

    def __init__(self, model: KeywordTopicModel, X):
        from ..random_streams import split, stream
        from . import _gibbs as gibbs

        self.model = m = model
        # (no unit at all is check_counts' error: scikit-learn's estimator checks ask for its ValueError)
        if np.shape(X)[0] and (problem := m._too_few_units(np.shape(X)[0])):
            raise ToolkitError(
                f"{problem}: give the model more text (more documents, or a wider corpus.year_min to year_max), "
                "smaller units (units.max_chars), more of the short ones (units.min_chars) or a lexicon of fewer themes "
                "(themes.lexicon)"
            )
        X = check_counts(X, m.n_topics, keep_integers=True, whole=True, model=m)
        for name in ("iterations", "samples", "thin", "partitions"):
            if getattr(m, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        _check_stop(m)
        n_units, n_words = X.shape
        if m.partitions > n_units:  # empty partitions, each with its own copy of the word-topic counts
            raise ToolkitError(
                f"cannot sweep the fit's {n_units} units in {m.partitions} partitions: ask for at most {n_units} "
                "(model.keyatm.partitions; a fit on a sample, above model.sample_above, has the sample's units)"
            )
        _check_partition_memory(m.partitions, n_words, m.n_topics)
        self.anchors, self.key_topic, self.n_keywords = m._anchoring(n_words)
        self.n_keyword_topics = int((self.anchors >= 0).sum())
        offsets, words = _offsets_and_words(X)
        K = m.n_topics
        gamma = np.zeros(K)
        gamma[: self.n_keyword_topics] = m.keyword_prior
        random = stream(m.random_state)
        z = np.empty(len(words), dtype=np.int16 if K < 2**15 else np.int32)  # topic of each token
        s = np.empty(len(words), dtype=np.int8)
        present = gibbs.present_topics(words, offsets, self.key_topic, K, self.n_keyword_topics)
        absent = float(m.absent_prior)
        gibbs.initialise(
            words, offsets, self.key_topic, K, random, z, s, float(m.keyword_start), m.start == "units", present, absent
        )
        n_dk, n0_wk, n1_wk = gibbs.counts(words, offsets, z, s, n_words, K)
        self.state = gibbs.ChainState(
            words=words,
            offsets=offsets,
            key_topic=self.key_topic,
            n_keywords=self.n_keywords,
            present=present,
            z=z,
            s=s,
            n_dk=n_dk,
            n0_wk=n0_wk,
            n0_k=n0_wk.sum(axis=0).astype(np.int64),
            n1_wk=n1_wk,
            n1_k=n1_wk.sum(axis=0).astype(np.int64),
            alpha=np.full(K, 1.0 / K),
            gamma=gamma,
            stream=random,
            absent=absent,
            beta=float(m.beta),
            keyword_beta=float(m.keyword_beta),
            exclusive=bool(m.exclusive_keywords),
        )
        self.parts = self._partitions(split(random, m.partitions)) if m.partitions > 1 else []
        self.ceiling = max(0, m.iterations - m.samples * m.thin)  # the burn-in's last possible end
        self.first_sample = self.ceiling
        self.theta = np.zeros((n_units, K))
        self.n_draws = 0
        self.lengths = np.diff(offsets)
        self.trace: list[tuple[int, float]] = []
        self.sweeps = 0  # sweeps done
        self.summaries: list[np.ndarray] = []  # per sweep: the summary quantities of the convergence check

    def _partitions(self, streams: np.ndarray) -> list:
        """The partitions of a partitioned sweep: one :class:`~toolkit.models._gibbs.ChainState` per block of units
        (:func:`_partition_bounds`), over the chain's arrays where the units are its own (``offsets``, ``present``
        and ``n_dk`` sliced; ``z`` and ``s`` whole, read through those offsets), with stream ``p`` of ``streams``
        and a copy of its own of the word-topic counts (the copies stacked in ``private``, one array per count,
        as :func:`toolkit.models._gibbs.merge` reads them)."""
        state, n = self.state, len(streams)
        self.private = [np.repeat(counts[None], n, axis=0) for counts in self._counts(state)]
        # the merge's ranges of cells of each count (a range per partition, merged side by side)
        self.merged = [
            (total.reshape(-1), private.reshape(n, -1), np.linspace(0, total.size, n + 1).astype(np.int64))
            for total, private in zip(self._counts(state), self.private)
        ]
        bounds = _partition_bounds(state.offsets, n)
        parts = []
        for p, (first, last) in enumerate(zip(bounds[:-1], bounds[1:])):
            n0_wk, n0_k, n1_wk, n1_k = (counts[p] for counts in self.private)
            parts.append(
                state._replace(
                    offsets=state.offsets[first : last + 1],
                    present=state.present[first:last],
                    n_dk=state.n_dk[first:last],
                    n0_wk=n0_wk,
                    n0_k=n0_k,
                    n1_wk=n1_wk,
                    n1_k=n1_k,
                    stream=streams[p],
                )
            )
        return parts

    @staticmethod
    def _counts(state) -> tuple[np.ndarray, ...]:
        """The counts that every unit's draws change: the word-topic counts and their sums over words."""
        return state.n0_wk, state.n0_k, state.n1_wk, state.n1_k

    def _sweep(self, pool_map) -> None:
        """One sweep: the sampler's; with partitions (AD-LDA), every partition's against its copy of the counts
        as the sweep began, then their changes merged, ``pool_map`` running the partitions, and then the ranges
        of the merge, side by side. Each partition's draws depend on the sweep's start and its own stream, and
        each cell's merge on that cell, so the chain is the same for any number of threads."""
        from . import _gibbs as gibbs

        if not self.parts:
            gibbs.sweep(self.state)
            return

        def merge(block: int) -> None:
            for total, private, ranges in self.merged:
                gibbs.merge(total, private, ranges[block], ranges[block + 1])

        list(pool_map(gibbs.sweep, self.parts))
        list(pool_map(merge, range(len(self.parts))))

    @property
    def end(self) -> int:
        """The sweep count at which the chain is done: its burn-in, then ``samples`` draws ``thin`` apart."""
        return min(self.model.iterations, self.first_sample + self.model.samples * self.model.thin)

    def end_burn_in(self, sweeps: int) -> None:
        """Start the sampling phase after ``sweeps`` sweeps (no later than the ceiling)."""
        if not self.sweeps <= sweeps <= self.ceiling:
            raise ValueError(f"the burn-in can end between sweeps {self.sweeps} and {self.ceiling}, not {sweeps}")
        self.first_sample = sweeps

    def summary(self) -> np.ndarray:
        """The quantities compared between chains: each keyword topic's share of the tokens (anchored, so the
        same topic in every chain), then the free topics' shares sorted (free topics may swap places between
        chains; sorted shares do not)."""
        n_k = (self.state.n0_k + self.state.n1_k).astype(np.float64)
        n_k /= max(n_k.sum(), 1.0)
        kw = self.n_keyword_topics
        return np.concatenate([n_k[:kw], np.sort(n_k[kw:])[::-1]])

    def advance(self, until: int) -> None:
        """Sweep until ``until`` sweeps are done (at most :attr:`end`)."""
        from concurrent.futures import ThreadPoolExecutor

        until = min(until, self.end)
        threads = min(max(1, self.model.n_jobs or 1), len(self.parts))
        with ThreadPoolExecutor(threads) if threads > 1 else nullcontext() as pool:
            for sweep in range(self.sweeps, until):
                self._sweep(pool.map if pool else map)
                self._after_sweep(sweep)

    def _after_sweep(self, sweep: int) -> None:
        """What follows sweep number ``sweep`` (from 0): alpha's update, a draw, a likelihood point, a summary."""
        from scipy.special import digamma

        from . import _gibbs as gibbs

        m, state = self.model, self.state
        if m.optimize_alpha and sweep >= 100 and sweep % 20 == 0 and sweep < self.first_sample:
            state.alpha[:] = _minka_alpha(state.alpha, state.n_dk, self.lengths, state.present, state.absent, digamma)
        if sweep >= self.first_sample and (sweep - self.first_sample) % m.thin == m.thin - 1:
            _add_shares(self.theta, state.n_dk, state.alpha, state.present, state.absent, self.lengths)
            self.n_draws += 1
        if sweep % 50 == 49 or sweep == self.end - 1:
            phi = m._phi(state.n0_wk, state.n0_k, state.n1_wk, state.n1_k, self.key_topic, state.gamma)
            self.trace.append(
                (
                    sweep + 1,
                    float(
                        gibbs.mean_log_likelihood(
                            state.words, state.offsets, state.n_dk, phi, state.alpha, state.present, state.absent
                        )
                    ),
                )
            )
        if sweep < self.first_sample:
            self.summaries.append(self.summary())
        self.sweeps = sweep + 1

    def finish(self) -> np.ndarray:
        """Set the fitted model's attributes from the chain (run to its end) and return its training shares."""
        m, K, n_words = self.model, self.model.n_topics, self.model.n_features_in_
        if self.sweeps < self.end:
            raise RuntimeError(f"the chain has run {self.sweeps} of its {self.end} sweeps")
        theta, state = self.theta, self.state
        if self.n_draws:
            theta /= self.n_draws
        else:
            _add_shares(theta, state.n_dk, state.alpha, state.present, state.absent, self.lengths)
        n0_wk, n0_k, n1_wk, n1_k, key_topic, gamma = state.n0_wk, state.n0_k, state.n1_wk, state.n1_k, self.key_topic, state.gamma
        m.alpha_ = state.alpha
        m.anchors_ = self.anchors
        m.keyword_ids_ = [np.flatnonzero(key_topic == k) for k in range(K)]
        m.keyword_share_ = m._keyword_share(n0_k, n1_k, gamma)
        m.topic_word_regular_ = ((n0_wk + m.beta) / (n0_k + n_words * m.beta)).T
        m.topic_word_keyword_ = m._keyword_part(n1_wk, n1_k, key_topic).T
        m.components_ = normalize_rows(m._phi(n0_wk, n0_k, n1_wk, n1_k, key_topic, gamma).T)
        # the words each topic drew: a keyword topic's keyword prior lifts its keywords above the words it never
        # drew, and one that drew nothing had listed its keywords as its top words and kept them (a review)
        m.drawn_words_ = ((n0_wk + n1_wk) > 0).T
        m.log_likelihood_trace_ = self.trace
        m.n_iter_ = self.sweeps
        m.training_shares_ = normalize_rows(theta, copy=False)
        return m.training_shares_


# the memory limit of this process's control group (cgroup v2, then v1): a container's or a batch job's
_CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def _memory_bytes() -> int | None:
    """This process's memory: the machine's physical memory, or when lower its control group's limit (a container,
    a Slurm job) or its address-space limit (``ulimit -v``); None where none can be read."""
    limits = []
    try:
        limits.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # not POSIX
        pass
    for path in _CGROUP_LIMITS:
        try:
            with open(path, encoding="ascii") as limit:
                value = limit.read().strip()
        except OSError:
            continue
        if value.isdigit():  # "max": no limit
            limits.append(int(value))
        break
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            limits.append(soft)
    except (ImportError, AttributeError, OSError, ValueError):  # Windows has no resource module
        pass
    return min(limits) if limits else None


def _size(count: float) -> str:
    return f"{count / 2**30:.1f} GiB" if count >= 2**30 else f"{count / 2**20:.1f} MiB"


def _check_partition_memory(partitions: int, n_words: int, n_topics: int, chains: int = 1) -> None:
    """Refuse a partition count whose copies of the word-topic counts (two int32 counts per word and topic, one copy
    per partition, for each of the ``chains`` made together: an ensemble's members) would take more than half of
    this process's memory (:func:`_memory_bytes`): 1,000 partitions of a small corpus took 2 GB and ended in
    numpy's MemoryError traceback under a limit."""
    if partitions <= 1:
        return
    need = chains * partitions * n_words * n_topics * 2 * 4
    memory = _memory_bytes()
    if memory is not None and need > memory / 2:
        each = f" ({chains} chains, made together)" if chains > 1 else ""
        raise ToolkitError(
            f"model.keyatm.partitions = {partitions} needs {_size(need)} for the partitions' copies of the "
            f"word-topic counts{each}: {partitions} x {n_words:,} words x {n_topics} topics x 8 bytes per chain, more "
            f"than half of the {_size(memory)} this process may use: ask for fewer partitions (as many as "
            "the threads that sweep them, model.n_jobs, is enough)"
        )


def _check_stop(model) -> None:
    if model.stop not in ("converged", "ceiling"):
        raise ValueError(f"stop must be 'converged' or 'ceiling', not {model.stop!r}")
    if not model.rhat > 1:
        raise ValueError(f"rhat must be greater than 1, not {model.rhat!r}")
    for name in ("check_every", "min_iterations"):
        if getattr(model, name) < 1:
            raise ValueError(f"{name} must be at least 1")


def split_rhat(draws: np.ndarray) -> np.ndarray:
    """Rank-normalised split-R-hat of each quantity (Vehtari, Gelman, Simpson, Carpenter and Bürkner 2021,
    Bayesian Analysis 16(2): the larger of the bulk and the tail (folded) R-hat). ``draws`` is chains x draws x
    quantities; each chain is cut into its two halves (an odd draw count drops the middle draw), so one chain
    gives the within-chain criterion: do its first and second half agree. A quantity constant over every draw
    has R-hat 1."""
    from scipy.special import ndtri
    from scipy.stats import rankdata

    draws = np.asarray(draws, dtype=np.float64)
    n = draws.shape[1] // 2
    if n < 2:
        return np.full(draws.shape[2], np.inf)
    split = np.concatenate([draws[:, :n], draws[:, draws.shape[1] - n :]])  # 2M chains x n draws x quantities

    def rhat(x):
        chains, n = x.shape[:2]
        means = x.mean(axis=1)
        within = x.var(axis=1, ddof=1).mean(axis=0)
        between = n * means.var(axis=0, ddof=1)
        pooled = (n - 1) / n * within + between / n
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.sqrt(pooled / within)
        return np.where(within > 0, value, np.where(between > 0, np.inf, 1.0))

    def normal_scores(x):
        flat = x.reshape(-1, x.shape[2])
        ranks = rankdata(flat, axis=0)
        return ndtri((ranks - 0.375) / (flat.shape[0] + 0.25)).reshape(x.shape)

    bulk = rhat(normal_scores(split))
    folded = np.abs(split - np.median(split.reshape(-1, split.shape[2]), axis=0))
    tail = rhat(normal_scores(folded))
    constant = np.ptp(split.reshape(-1, split.shape[2]), axis=0) == 0
    return np.where(constant, 1.0, np.maximum(bulk, tail))


def wrap_around(lengths: list[int], workers: int) -> list[list[tuple[int, int, int]]]:
    """McNaughton's wrap-around schedule (1959) of jobs of ``lengths`` steps on ``workers`` threads, each job's
    steps in order: per thread, the pieces ``(job, first, last)`` (steps first:last of that job) it runs one after
    another. Each thread holds at most L = max(longest job, total / workers, rounded up) steps, so all end
    together, and no job runs on two threads at once: a job cut at a thread's end runs its first steps at the
    start of the next thread and the rest at the end of this one, where they start at L - (their count), no
    sooner than the first part ends (the job is no longer than L). Three chains of 25 sweeps on two threads:
    chain 0 then sweeps 12-25 of chain 1 on one thread (38), sweeps 0-12 of chain 1 then chain 2 on the other
    (37), instead of three threads taking turns on two cores."""
    workers = max(1, workers)
    steps = -(-sum(lengths) // workers)
    cap = max(max(lengths, default=0), steps)
    plan: list[list[tuple[int, int, int]]] = [[] for _ in range(workers)]
    thread, room = 0, cap
    for job, n in enumerate(lengths):
        if n <= 0:
            continue
        if n > room:  # its first n - room steps open the next thread, the last room steps close this one
            plan[thread + 1].append((job, 0, n - room))
            plan[thread].append((job, n - room, n))
            thread, room = thread + 1, cap - (n - room)
        else:
            plan[thread].append((job, 0, n))
            room -= n
        if room == 0 and thread + 1 < workers:
            thread, room = thread + 1, cap
    return plan


def _advance_on_threads(chains: list[_Chain], until: int, workers: int) -> None:
    """Advance every chain to ``until`` sweeps on ``workers`` threads by :func:`wrap_around`: each chain's sweeps
    in order, on one thread at a time (the second piece of a chain cut in two waits for the first)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    starts = [chain.sweeps for chain in chains]
    plan = wrap_around([max(0, min(until, chain.end) - chain.sweeps) for chain in chains], workers)
    opened = [threading.Event() for _ in chains]  # a chain's first piece of this block is done
    failed = [False] * len(chains)
    stopped = threading.Event()  # this thread left (an interrupt): no piece starts any more

    def run(pieces: list[tuple[int, int, int]]) -> None:
        for job, first, last in pieces:
            if first > 0:
                opened[job].wait()
                if failed[job]:
                    return  # the first piece's error is raised by its own thread
            if stopped.is_set():
                return
            try:
                chains[job].advance(starts[job] + last)
            except BaseException:
                failed[job] = True
                raise
            finally:
                opened[job].set()

    with ThreadPoolExecutor(len(plan)) as pool:
        try:
            list(pool.map(run, plan))
        except BaseException:
            # An interrupt while map hands out the plans can leave a thread waiting for a chain's first piece that
            # no thread was given: it would wait for ever, and the pool's shutdown (and Python's exit) with it.
            stopped.set()
            for event in opened:
                event.set()
            raise


def run_chains(chains: list[_Chain], pool_map=map, workers: int = 1) -> dict:
    """Run chains of one model (an ensemble's members, or a single chain) to their end, in lockstep, and record
    on each model why it stopped (``stop_``, the same dict for every chain; returned too).

    The chains sweep in blocks of ``check_every`` sweeps (``pool_map`` may run the chains of a block in
    threads; with more chains than ``workers`` > 1, ``workers`` threads share them out by
    :func:`wrap_around`); after a block that ends at ``min_iterations`` sweeps or later, the check: the split-R-hat
    (:func:`split_rhat`) of every summary quantity (:meth:`_Chain.summary`, recorded after every sweep) over
    the second half of the sweeps so far (the first half is discarded as warm-up, as Stan does), across the
    chains; a single chain compares its own two halves. When the largest R-hat is below ``rhat`` the burn-in
    ends there (``reason`` "converged"), else at the ceiling ``iterations - samples * thin`` ("ceiling"); then
    every chain runs its ``samples * thin`` sampling sweeps. The decision depends on the chains' states only,
    so the result is the same for any number of threads. With ``stop = "ceiling"`` the chains run the fixed
    count, exactly the chains without the check (R-hat is still reported, at the ceiling)."""
    m = chains[0].model
    ceiling = chains[0].ceiling
    every, first, threshold = m.check_every, m.min_iterations, m.rhat
    checks, values = [], []  # values: each check's R-hat as computed (infinity too; None: too few draws)
    reason, done = "ceiling", 0

    def advance(until):
        if len(chains) > workers > 1:
            _advance_on_threads(chains, until, workers)
        else:
            list(pool_map(lambda chain: chain.advance(until), chains))

    def check(sweeps):
        """The largest split-R-hat over the second half of ``sweeps``; None (recorded as null) when that half has
        fewer than 4 draws, too few to split (it was infinity, which made manifest.json invalid JSON)."""
        window = np.stack([np.asarray(chain.summaries[sweeps // 2 : sweeps]) for chain in chains])
        value = float(split_rhat(window).max()) if window.shape[1] >= 4 and window.size else None
        checks.append([sweeps, round(value, 4) if value is not None and np.isfinite(value) else None])
        values.append(value)
        return value

    if m.stop == "converged":
        while done < ceiling:
            target = max(done + every, -(-first // every) * every)  # the next multiple of every, from min_iterations
            done = min(target, ceiling)
            advance(done)
            if done < ceiling and (value := check(done)) is not None and value < threshold:
                reason = "converged"
                break
    if reason == "ceiling":
        while done < ceiling:  # in blocks as above (the same sweeps): an interrupt waits for one block at most
            done = min(done + every, ceiling)
            advance(done)
        if ceiling >= 4:
            value = check(done)
            # the check at the ceiling counts too: met there, the chains converged as late as they were allowed to
            if m.stop == "converged" and value is not None and value < threshold:
                reason = "converged"
    for chain in chains:
        chain.end_burn_in(done)
    advance(max(chain.end for chain in chains))
    last = checks[-1][1] if checks else None
    stop = {
        "stop": m.stop,  # the rule asked for (model.keyatm.stop), not its outcome:
        "reason": reason,  # why the burn-in ended, the check met ("converged") or the ceiling reached
        "converged": reason == "converged",
        "burn_in": done,
        "sweeps": chains[0].end,
        "ceiling": m.iterations,
        "rhat": last,
        # a check made whose R-hat is infinite (a topic's share constant within each chain, different between them),
        # which JSON cannot hold: recorded as null like a check too short to make, and told apart here
        "rhat_infinite": bool(values and values[-1] is not None and np.isinf(values[-1])),
        "rhat_threshold": threshold,
        "chains": len(chains),
        "partitions": m.partitions,  # of each chain's units, swept side by side (1: the exact sampler)
        "checks": checks,
    }
    for chain in chains:
        chain.model.stop_ = stop
    return stop
