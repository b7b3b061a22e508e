"""What every topic model shares: input checks, row normalisation, and the attributes the toolkit reads."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array

from ..errors import ToolkitError


def check_counts(X, n_topics) -> sparse.csr_matrix:
    """``X`` as a float64 CSR matrix of non-negative counts with at least ``n_topics`` rows."""
    X = check_array(X, accept_sparse="csr", dtype=np.float64)
    X = sparse.csr_matrix(X)
    if X.data.size and X.data.min() < 0:
        raise ValueError("the document-term matrix must hold non-negative counts")
    if not isinstance(n_topics, (int, np.integer)) or n_topics < 1:
        raise ValueError(f"n_topics must be a positive integer, not {n_topics!r}")
    if n_topics > X.shape[0]:
        raise ToolkitError(f"cannot fit {n_topics} topics to {X.shape[0]} units: ask for at most "
                           f"{X.shape[0]} topics (model.n_topics) or use smaller units (units.max_chars)")
    return X


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; an all-zero row becomes uniform."""
    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1])
    return np.where(sums > 0, matrix / np.where(sums > 0, sums, 1), uniform)


class TopicModel(TransformerMixin, BaseEstimator):
    """Base of the toolkit's models: scikit-learn's estimator contract plus what the toolkit reads.

    Subclasses set ``OPTIONS`` (their ``[model.<kind>]`` config sub-table), ``display_name``, ``HELDOUT``
    (held-out measures: name -> "lower" or "higher" is better) and, when their result does not depend on the
    seed, ``seed_dependent = False``; they implement ``from_config``, ``fit``, ``transform`` and
    ``heldout_scores``. A fitted model has ``components_`` (topics x words, rows sum to 1) and ``anchors_``:
    for each topic, the index of the theme it is anchored to by construction, or -1 for a free topic.
    """

    OPTIONS: dict = {}
    display_name = "topic model"
    HELDOUT: dict[str, str] = {}
    seed_dependent = True

    @classmethod
    def from_config(cls, *, n_topics: int, random_state: int, options: dict, n_jobs: int = 1,
                    keywords: list[np.ndarray] | None = None, n_words: int = 0, n_tokens: int = 0):
        """An unfitted model from the ``[model]`` settings and its own sub-table ``options``. ``keywords``
        holds, per theme of the lexicon, the vocabulary ids of its words (models that anchor topics use it);
        ``n_words`` and ``n_tokens`` are the size of the vocabulary and of the training corpus."""
        raise NotImplementedError

    def fit_problem(self, n_units: int, n_words: int) -> str:
        """Why this model cannot be fitted to ``n_units`` units of ``n_words`` words ('' when it can): a sweep
        skips such grid points with the reason instead of failing."""
        if self.n_topics > n_units:
            return f"cannot fit {self.n_topics} topics to {n_units} units"
        return ""

    def heldout_scores(self, X) -> dict[str, float]:
        """Measures of fit on units the model did not see (keys as in ``HELDOUT``)."""
        return {}

    def free_anchors(self) -> np.ndarray:
        return np.full(self.n_topics, -1, dtype=np.int64)
