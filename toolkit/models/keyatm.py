"""Keyword-assisted topic model: each lexicon theme owns a topic anchored to its keywords (keyATM's base model,
Eshima, Imai and Sasaki, AJPS 2024), fitted by collapsed Gibbs sampling compiled with numba.

In a keyword topic, a token is drawn either from the topic's keyword distribution (over the theme's
keywords only) or from its regular distribution (over the whole vocabulary), with a topic-specific keyword
share; free topics have the regular distribution only. The theme of a keyword topic is fixed by construction:
it is never relabelled by its top words. The keyword distribution anchors the topic; the regular one learns
the words that go with the keywords in this corpus, so the topic is more than a keyword count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError
from ..options import FRACTION, POSITIVE, UNIT_INTERVAL, Option, choice
from .base import TopicModel, check_counts, check_fitted, normalize_rows

if TYPE_CHECKING:
    from scipy import sparse

OPTIONS = {
    "iterations": Option(500, "Gibbs sweeps over every token.", *POSITIVE),
    "samples": Option(20, "Draws averaged into each unit's topic shares: one every `thin` sweeps at the end.",
                      *POSITIVE),
    "thin": Option(5, "Sweeps between two averaged draws.", *POSITIVE),
    "beta": Option(0.01, "Prior of the regular topic-word distributions (keyATM's beta).", *POSITIVE,
                   kind=(float, int)),
    "keyword_beta": Option(0.1, "Prior of the keyword distributions (keyATM's beta_s).", *POSITIVE,
                           kind=(float, int)),
    "keyword_prior": Option(1.0, "Beta(a, a) prior of the share of a keyword topic's tokens drawn from its "
                                 "keywords (keyATM's gamma).", *POSITIVE, kind=(float, int)),
    "optimize_alpha": Option(True, "Estimate each topic's document-topic prior from the data (Minka's "
                                   "fixed point, every 20 sweeps after the first 100), as keyATM does."),
    "keyword_start": Option(0.7, "Share of keyword tokens that start in their keyword distribution (keyATM's "
                                 "start).", *FRACTION, kind=(float, int)),
    "exclusive_keywords": Option(True, "A keyword is drawn only by its own theme's topic (from its keyword or its "
                                       "regular part); false lets other topics' regular parts draw it too, as in "
                                       "keyATM (measured: a rare theme's topic can then be taken over by another "
                                       "subject, see README)."),
    "absent_prior": Option(0.0, "In a unit without any keyword of a theme, the prior of the theme's topic is "
                                "multiplied by this: 0 (default), the topic appears only in units that hold one of "
                                "its keywords; 1, anywhere, as in keyATM (measured: a theme with rare keywords then "
                                "ends as a free topic under its name, see README).", *UNIT_INTERVAL, kind=(float, int)),
    "start": Option("units", "Where the other tokens start: 'units', in the keyword topic most frequent among their "
                             "unit's keywords (units without keywords: a random topic); 'random', anywhere (keyATM).",
                    *choice("units", "random")),
}


def _offsets_and_words(X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Tokens of each row of a count matrix, words in column order: (offsets, word ids as int32, the
    vocabulary's size is far below 2**31; a chain holds a few bytes per token)."""
    counts = X.data.astype(np.int64, copy=False)
    words = np.repeat(X.indices.astype(np.int32, copy=False), counts)
    running = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=running[1:])
    offsets = running[X.indptr]  # tokens before each row's first entry (empty rows at the end included)
    return offsets, words


def _add_shares(theta, n_dk, alpha, present, absent, lengths, block=65536) -> None:
    """Add each unit's current topic shares, (n_dk + prior) / (length + sum of prior), to ``theta``, a block of
    units at a time: the same numbers as one expression over all units, without its temporaries (four arrays
    the size of ``theta``)."""
    for start in range(0, theta.shape[0], block):
        rows = slice(start, start + block)
        prior = alpha * np.where(present[rows], 1.0, absent)
        theta[rows] += (n_dk[rows] + prior) / (lengths[rows, None] + prior.sum(axis=1, keepdims=True))


def _seed_state(seed) -> np.ndarray:
    return np.array([np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0]], dtype=np.uint64)


class KeywordTopicModel(TopicModel):
    """keyATM's base model (keyword topics plus free topics), collapsed Gibbs sampling.

    Parameters
    ----------
    n_topics : int
        All topics: one per keyword set, the rest free.
    keywords : list of int arrays
        For each anchored theme, the vocabulary ids of its keywords; theme ``i`` owns topic ``i``. A word
        belongs to one keyword set at most. A theme whose keywords are all absent gets no topic (``anchors_``).
    iterations, samples, thin, beta, keyword_beta, keyword_prior, optimize_alpha, keyword_start,
    exclusive_keywords, absent_prior, start
        See ``OPTIONS``.
    random_state : int or None
        Pass an int for reproducible results; the result does not depend on the number of threads.
    """

    OPTIONS = OPTIONS
    display_name = "keyATM"
    HELDOUT = {"perplexity": "lower"}

    def __init__(self, n_topics=20, *, keywords=None, iterations=500, samples=20, thin=5, beta=0.01,
                 keyword_beta=0.1, keyword_prior=1.0, optimize_alpha=True, keyword_start=0.7,
                 exclusive_keywords=True, absent_prior=0.0, start="units", random_state=None):
        self.n_topics = n_topics
        self.keywords = keywords
        self.iterations = iterations
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
        self.random_state = random_state

    @classmethod
    def from_config(cls, *, n_topics, random_state, options, n_jobs=1, keywords=None, n_words=0, n_tokens=0):
        return cls(n_topics, keywords=keywords, random_state=random_state, **options)

    # ----- fitting -----------------------------------------------------------------------------------------

    def fit_problem(self, n_units: int, n_words: int) -> str:
        themes = sum(1 for ids in self.keywords or [] if len(ids))
        if themes > self.n_topics:
            return f"keyatm needs at least {themes} topics here, one per theme with a keyword in the vocabulary"
        return super().fit_problem(n_units, n_words)

    def _anchoring(self, n_words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which theme each keyword topic belongs to (themes without a keyword in the vocabulary get none),
        the keyword topic of each word (-1: none), and the number of keywords of each topic."""
        themes = [i for i, ids in enumerate(self.keywords or []) if len(ids)]
        if len(themes) > self.n_topics:
            raise ToolkitError(f"keyatm needs one topic per theme with a keyword in the vocabulary: model.n_topics "
                               f"is {self.n_topics} but {len(themes)} themes have keywords; raise model.n_topics "
                               f"to at least {len(themes)} (and a few more for free topics)")
        key_topic = np.full(n_words, -1, dtype=np.int64)
        n_keywords = np.zeros(self.n_topics, dtype=np.int64)
        for k, theme in enumerate(themes):
            ids = np.unique(np.asarray(self.keywords[theme], dtype=np.int64))
            free = ids[key_topic[ids] < 0]  # a word keeps its first theme
            key_topic[free] = k
            n_keywords[k] = len(free)
        anchors = np.full(self.n_topics, -1, dtype=np.int64)
        anchors[:len(themes)] = themes
        return anchors, key_topic, n_keywords

    def fit(self, X, y=None):
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, and return each training unit's topic shares (averaged over the last draws of the chain)."""
        from scipy.special import digamma

        from . import gibbs

        X = check_counts(X, self.n_topics, keep_integers=True)
        for name in ("iterations", "samples", "thin"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        n_units, n_words = X.shape
        self.n_features_in_ = n_words
        anchors, key_topic, n_keywords = self._anchoring(n_words)
        n_keyword_topics = int((anchors >= 0).sum())
        offsets, words = _offsets_and_words(X)
        K = self.n_topics
        gamma = np.zeros(K)
        gamma[:n_keyword_topics] = self.keyword_prior
        alpha = np.full(K, 1.0 / K)
        state = _seed_state(self.random_state)
        z = np.empty(len(words), dtype=np.int16 if K < 2**15 else np.int32)  # topic of each token
        s = np.empty(len(words), dtype=np.int8)
        present = gibbs.present_topics(words, offsets, key_topic, K, n_keyword_topics)
        absent = float(self.absent_prior)
        gibbs.initialise(words, offsets, key_topic, K, state, z, s, float(self.keyword_start), self.start == "units",
                         present, absent)
        n_dk, n0_wk, n1_wk = gibbs.counts(words, offsets, z, s, n_words, K)
        n0_k = n0_wk.sum(axis=0).astype(np.int64)
        n1_k = n1_wk.sum(axis=0).astype(np.int64)
        p = np.empty(K)
        first_sample = max(0, self.iterations - self.samples * self.thin)
        theta = np.zeros((n_units, K))
        n_draws = 0
        lengths = np.diff(offsets)
        trace = []

        for sweep in range(self.iterations):
            gibbs.sweep(words, offsets, key_topic, n_keywords, z, s, n_dk, n0_wk, n0_k, n1_wk, n1_k, alpha, present,
                        absent, float(self.beta), float(self.keyword_beta), gamma, gamma, state, p,
                        bool(self.exclusive_keywords))
            if self.optimize_alpha and sweep >= 100 and sweep % 20 == 0 and sweep < first_sample:
                alpha = _minka_alpha(alpha, n_dk, lengths, present, absent, digamma)
            if sweep >= first_sample and (sweep - first_sample) % self.thin == self.thin - 1:
                _add_shares(theta, n_dk, alpha, present, absent, lengths)
                n_draws += 1
            if sweep % 50 == 49 or sweep == self.iterations - 1:
                phi = self._phi(n0_wk, n0_k, n1_wk, n1_k, key_topic, gamma)
                trace.append((sweep + 1, float(gibbs.mean_log_likelihood(words, offsets, n_dk, phi, alpha, present,
                                                                          absent))))
        if n_draws:
            theta /= n_draws
        else:
            _add_shares(theta, n_dk, alpha, present, absent, lengths)
        share = self._keyword_share(n0_k, n1_k, gamma)
        self.alpha_ = alpha
        self.anchors_ = anchors
        self.keyword_ids_ = [np.flatnonzero(key_topic == k) for k in range(K)]
        self.keyword_share_ = share
        self.topic_word_regular_ = ((n0_wk + self.beta) / (n0_k + n_words * self.beta)).T
        self.topic_word_keyword_ = self._keyword_part(n1_wk, n1_k, key_topic).T
        self.components_ = normalize_rows(self._phi(n0_wk, n0_k, n1_wk, n1_k, key_topic, gamma).T)
        self.log_likelihood_trace_ = trace
        self.n_iter_ = self.iterations
        self.training_shares_ = normalize_rows(theta, copy=False)
        return self.training_shares_

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
        from scipy import sparse

        from . import gibbs

        check_fitted(self, "components_")
        X = sparse.csr_matrix(X, dtype=np.float64)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} words; the model was fitted on {self.n_features_in_}")
        offsets, words = _offsets_and_words(X)
        key_topic = np.full(self.n_features_in_, -1, dtype=np.int64)
        for k, ids in enumerate(self.keyword_ids_ if keyword_ids is None else keyword_ids):
            key_topic[np.asarray(ids, dtype=np.int64)] = k
        n_keyword_topics = int((self.anchors_ >= 0).sum())
        present = gibbs.present_topics(words, offsets, key_topic, self.n_topics, n_keyword_topics)
        theta = gibbs.fold_in(words, offsets, np.ascontiguousarray(self.components_.T), self.alpha_, present,
                              float(self.absent_prior), iterations, burn_in, _seed_state(self.random_state))
        return normalize_rows(theta, copy=False)

    def heldout_scores(self, X) -> dict[str, float]:
        """Perplexity of ``X``: exp of minus the mean log probability of its tokens under their units' folded-in
        shares (lower is better; comparable between runs on the same units)."""
        from scipy import sparse
        X = sparse.csr_matrix(X, dtype=np.float64)
        theta = self.transform(X)
        probabilities = (theta @ self.components_)
        rows, cols = X.nonzero()
        weights = np.asarray(X[rows, cols]).ravel()
        log_p = np.log(probabilities[rows, cols])
        return {"perplexity": float(np.exp(-(weights * log_p).sum() / max(weights.sum(), 1)))}


def _minka_alpha(alpha: np.ndarray, n_dk: np.ndarray, lengths: np.ndarray, present: np.ndarray, absent: float,
                 digamma, steps: int = 5, block: int = 65536) -> np.ndarray:
    """Minka's fixed-point update of a Dirichlet prior whose value in unit d is ``alpha * scale[d]`` (scale 1
    where ``present``, else ``absent``), from the unit x topic counts. Units are taken a block at a time and
    their terms added one unit after another, in the order and with the rounding of numpy's sum over all units,
    so the prior is the same as from whole-matrix expressions, without their temporaries (three arrays the size
    of ``n_dk`` per chain)."""
    from .gibbs import add_rows

    used = np.flatnonzero(lengths > 0)
    for _ in range(steps):
        numerator, denominator = np.zeros(len(alpha)), np.zeros(len(alpha))
        for start in range(0, len(used), block):
            units = used[start:start + block]
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


Model = KeywordTopicModel
