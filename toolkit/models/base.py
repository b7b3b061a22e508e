"""What every topic model shares: input checks, row normalisation, and the attributes the toolkit reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError

if TYPE_CHECKING:
    from scipy import sparse


def check_counts(X, n_topics, *, keep_integers: bool = False) -> sparse.csr_matrix:
    """``X`` as a float64 CSR matrix of non-negative counts with at least ``n_topics`` rows (``keep_integers``:
    integer counts stay as they are, no float copy of a large matrix for a model that reads them as integers)."""
    from scipy import sparse
    from sklearn.utils.validation import check_array
    dtype = [np.float64, np.int64, np.int32] if keep_integers else np.float64
    X = check_array(X, accept_sparse="csr", dtype=dtype)
    X = sparse.csr_matrix(X)
    if X.data.size and X.data.min() < 0:
        raise ValueError("the document-term matrix must hold non-negative counts")
    if not isinstance(n_topics, (int, np.integer)) or n_topics < 1:
        raise ValueError(f"n_topics must be a positive integer, not {n_topics!r}")
    if n_topics > X.shape[0]:
        raise ToolkitError(f"cannot fit {n_topics} topics to {X.shape[0]} units: ask for at most "
                           f"{X.shape[0]} topics (model.n_topics) or use smaller units (units.max_chars)")
    return X


def check_fitted(model, attribute: str) -> None:
    """Raise scikit-learn's ``NotFittedError`` unless ``model`` has ``attribute`` (set by ``fit``)."""
    if not hasattr(model, attribute):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(f"this {type(model).__name__} is not fitted yet; call 'fit' first")


def normalize_rows(matrix: np.ndarray, *, copy: bool = True) -> np.ndarray:
    """Rows scaled to sum to 1; an all-zero row becomes uniform. With ``copy=False`` a float64 array is
    scaled in place (no temporaries the size of the matrix: a million units' shares are 150 MB each)."""
    matrix = np.array(matrix, dtype=np.float64, copy=copy)
    sums = matrix.sum(axis=1, keepdims=True)
    filled = sums > 0
    np.divide(matrix, np.where(filled, sums, 1), out=matrix)
    matrix[~filled.ravel()] = 1.0 / matrix.shape[1]
    return matrix


class TopicModel:
    """Base of the toolkit's models: scikit-learn's estimator contract plus what the toolkit reads.

    ``get_params`` and ``set_params`` are scikit-learn's own (``BaseEstimator``'s methods, so
    ``sklearn.base.clone`` works), imported when first called: declaring a model, and so loading a config,
    does not import scikit-learn.

    Subclasses set ``OPTIONS`` (their ``[model.<kind>]`` config sub-table), ``display_name``, ``HELDOUT``
    (held-out measures: name -> "lower" or "higher" is better); they implement ``from_config``, ``fit``,
    ``transform`` and ``heldout_scores``. A fitted model has ``components_`` (topics x words, rows sum to 1) and ``anchors_``:
    for each topic, the index of the theme it is anchored to by construction, or -1 for a free topic.
    """

    OPTIONS: dict = {}
    display_name = "topic model"
    HELDOUT: dict[str, str] = {}

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

    @classmethod
    def _get_param_names(cls) -> list[str]:
        from sklearn.base import BaseEstimator

        return BaseEstimator._get_param_names.__func__(cls)

    def get_params(self, deep: bool = True) -> dict:
        from sklearn.base import BaseEstimator

        return BaseEstimator.get_params(self, deep=deep)

    def set_params(self, **params):
        from sklearn.base import BaseEstimator

        return BaseEstimator.set_params(self, **params)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({params})"

    def fit_transform(self, X, y=None):
        """Fit to ``X``, then return its document-topic shares."""
        return self.fit(X, y).transform(X)

    def free_anchors(self) -> np.ndarray:
        return np.full(self.n_topics, -1, dtype=np.int64)
