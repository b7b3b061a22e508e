"""Latent Dirichlet allocation (gensim's variational Bayes), optionally seeded with the lexicon's words."""

from __future__ import annotations

import copy
import logging
import os

import numpy as np

from .base import TopicModel, check_counts, check_fitted, completion_perplexity, normalize_rows
from .lda import OPTIONS


class LdaTopicModel(TopicModel):
    """Latent Dirichlet allocation with gensim's ``LdaModel`` (variational Bayes), its E-step compiled and run over
    ``n_jobs`` threads (:mod:`toolkit.models._ldabatch`: the same updates as gensim's, about 9-10x faster).

    Parameters
    ----------
    n_topics : int
    passes, iterations : int
        Passes over the corpus, and inference iterations per unit.
    alpha : 'symmetric', 'asymmetric' or 'auto'
        Document-topic prior.
    eta : None or array of shape (n_topics, n_words)
        Topic-word prior; None is gensim's symmetric 1/n_topics. Keyword seeding passes a boosted array.
    anchors : None or sequence of int
        The theme each topic is seeded with (-1 for a free topic); recorded as ``anchors_``.
    chunksize : int
    random_state : int or None
        Pass an int for reproducible results.
    n_jobs : int or None
        Threads for inference (None or 1: one; -1: one per core). The result does not depend on it.
    """

    OPTIONS = OPTIONS
    display_name = "LDA"
    HELDOUT = {"perplexity": "lower"}

    def __init__(
        self,
        n_topics=10,
        *,
        passes=10,
        iterations=200,
        alpha="symmetric",
        eta=None,
        anchors=None,
        chunksize=2000,
        random_state=None,
        n_jobs=None,
    ):
        self.n_topics = n_topics
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.anchors = anchors
        self.chunksize = chunksize
        self.random_state = random_state
        self.n_jobs = n_jobs

    @classmethod
    def from_config(cls, *, n_topics, random_state, options, n_jobs=1, keywords=None, n_words=0, n_tokens=0):
        eta = anchors = None
        if options["seeded"]:
            from ..analysis.seeding import seeded_eta, seeded_topics

            keywords = keywords or []
            eta = seeded_eta(keywords, n_topics, n_words, strength=options["seed_strength"], n_tokens=n_tokens)
            anchors = seeded_topics(keywords, n_topics).tolist()
        return cls(
            n_topics,
            passes=options["passes"],
            iterations=options["iterations"],
            alpha=options["alpha"],
            eta=eta,
            anchors=anchors,
            random_state=random_state,
            n_jobs=n_jobs,
        )

    def fit_problem_after(self) -> str:
        if getattr(self, "n_updates_", 10) >= 10:
            return ""
        return (
            f"LDA updated its topics {self.n_updates_} times (model.lda.passes = {self.passes} over the units in chunks "
            f"of {self.chunksize}), fewer than the 10 gensim asks for: its topics may not have settled; raise "
            "model.lda.passes"
        )

    def fit(self, X, y=None):
        from ._ldabatch import ChunkLdaModel, RowCorpus

        X = check_counts(X, self.n_topics, model=self)
        if self.alpha not in ("symmetric", "asymmetric", "auto"):
            raise ValueError(f"alpha must be 'symmetric', 'asymmetric' or 'auto', not {self.alpha!r}")
        eta = None if self.eta is None else np.asarray(self.eta, dtype=np.float64)
        if eta is not None and eta.shape != (self.n_topics, X.shape[1]):
            raise ValueError(f"eta must have shape {(self.n_topics, X.shape[1])}, not {eta.shape}")
        self.model_ = ChunkLdaModel(
            num_topics=self.n_topics,
            id2word={i: str(i) for i in range(X.shape[1])},
            passes=self.passes,
            iterations=self.iterations,
            alpha=self.alpha,
            eta=eta,
            chunksize=self.chunksize,
            random_state=self.random_state,
            eval_every=None,
            dtype=np.float64,
        )
        self.model_.rows = X
        self.model_.n_threads = (os.cpu_count() or 1) if self.n_jobs == -1 else max(1, self.n_jobs or 1)
        # gensim's updates of the topics (a chunk of units each, every pass), which it warns of below ten:
        # said by fit_problem_after, in a sweep's runs too, naming the setting
        # (one per chunk: ceil(units / chunksize) a pass; gensim's own count, units / chunksize, said 9 of 18)
        self.n_updates_ = -(-X.shape[0] // max(self.chunksize, 1)) * self.passes
        gensim_log = logging.getLogger("gensim.models.ldamodel")
        said_here = _NotTooFewUpdates()
        gensim_log.addFilter(said_here)
        try:
            self.model_.update(RowCorpus(X))
        finally:
            gensim_log.removeFilter(said_here)
            self.model_.rows = None
        self.components_ = normalize_rows(self.model_.get_topics())
        self.anchors_ = np.asarray(self.anchors, dtype=np.int64) if self.anchors is not None else self.free_anchors()
        return self

    def _gamma(self, X) -> np.ndarray:
        """Unnormalised topic weights of each row of X, inferred a chunk at a time from a fixed random start."""
        check_fitted(self, "model_")
        X = check_counts(X, self.n_topics, model=self, reset=False)
        # inference draws its start from the gensim model's random state: a copy of its own for this call (the
        # topics shared, read only), as threads fold blocks in at once; setting and restoring the fitted model's
        # own let one thread's draws run on another's state, and the shares changed from run to run
        model = copy.copy(self.model_)
        model.random_state = np.random.RandomState(self.random_state)
        gamma = [model.inference(X[start : start + self.chunksize])[0] for start in range(0, X.shape[0], self.chunksize)]
        return np.vstack(gamma) if gamma else np.zeros((0, self.n_topics))

    def transform(self, X):
        """Document-topic shares (rows sum to 1); the same input always gives the same output."""
        return normalize_rows(self._gamma(X))

    def perplexity(self, X) -> float:
        """Held-out perplexity of ``X`` by document completion (:func:`toolkit.models.base.completion_perplexity`,
        keyatm's measure), lower is better. It was 2 to the minus gensim's variational bound per word, which also
        holds a term of the topics themselves: divided by the held-out words it made the perplexity tens of millions
        on a small corpus, growing with the number of topics."""
        return completion_perplexity(self, X)

    def heldout_scores(self, X) -> dict[str, float]:
        return {"perplexity": self.perplexity(X)}


class _NotTooFewUpdates(logging.Filter):
    """Leaves out gensim's "too few updates" warning, which :meth:`LdaTopicModel.fit_problem_after` says instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("too few updates")
