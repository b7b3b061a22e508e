"""What every topic model shares: scikit-learn's estimator base, input checks, row normalisation, and the
attributes the toolkit reads.

This module imports scikit-learn (``TopicModel`` derives from its ``BaseEstimator``); reading a config does not
import it: the registry reads a kind's options from its module (``keyatm.py``, ...), which loads its estimator
only when asked for.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array, validate_data

from ..errors import ToolkitError


def check_counts(
    X, n_topics, *, keep_integers: bool = False, whole: bool = False, model: BaseEstimator | None = None, reset: bool = True
) -> sparse.csr_matrix:
    """``X`` as a float64 CSR matrix of non-negative counts with at least ``n_topics`` rows (``keep_integers``:
    integer counts stay as they are, no float copy of a large matrix for a model that reads them as integers;
    ``whole``: fractions are refused, for a model that reads whole counts of tokens). With ``model``,
    scikit-learn's ``validate_data``: it records ``n_features_in_`` (``reset``) or checks X against it."""
    dtype = [np.float64, np.int64, np.int32] if keep_integers else np.float64
    if model is None:
        X = check_array(X, accept_sparse="csr", dtype=dtype)
    else:
        X = validate_data(model, X, accept_sparse="csr", dtype=dtype, reset=reset)
    X = sparse.csr_matrix(X)
    if X.data.size and X.data.min() < 0:
        whom = type(model).__name__ if model is not None else "a topic model"
        raise ValueError(f"Negative values in data passed to {whom}: the document-term matrix must hold non-negative counts")
    if whole and X.dtype.kind == "f" and X.data.size and not np.array_equal(X.data, np.floor(X.data)):
        whom = type(model).__name__ if model is not None else "this model"
        raise ValueError(
            f"{whom} reads counts of tokens: X must hold whole numbers (a document-term matrix of "
            f"counts, not weights such as TF-IDF)"
        )
    if not isinstance(n_topics, (int, np.integer)) or n_topics < 1:
        raise ValueError(f"n_topics must be a positive integer, not {n_topics!r}")
    if reset and n_topics > X.shape[0]:
        raise ToolkitError(
            f"cannot fit {n_topics} topics to {X.shape[0]} units: ask for at most "
            f"{X.shape[0]} topics (model.n_topics) or use smaller units (units.max_chars)"
        )
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


def completion_perplexity(model, X, *, block: int = 20_000) -> float:
    """Held-out perplexity by document completion (Wallach et al. 2009, "Evaluation methods for topic models"): the
    tokens of each unit of ``X`` (units x words, whole counts) are dealt alternately into two halves, the unit's
    topic shares are inferred from the first (``model.transform``) and the second is scored under them and the
    topics (``model.components_``, rows summing to 1): e to the minus the mean log probability of its tokens. Lower
    is better, the same measure for every model that gives shares and topics. Scoring the words the shares were
    inferred from instead rewards more topics whatever the data (more topics fit a unit's own words more closely).
    Units of fewer than two tokens are left out; the products are formed ``block`` tokens at a time."""
    from scipy import sparse

    X = sparse.csr_matrix(X)
    X.sum_duplicates()
    counts = np.rint(X.data).astype(np.int64)
    n_units = X.shape[0]
    token_unit = np.repeat(np.repeat(np.arange(n_units), np.diff(X.indptr)), counts)
    token_word = np.repeat(X.indices, counts)
    per_unit = np.bincount(token_unit, minlength=n_units)
    position = np.arange(len(token_unit)) - (np.cumsum(per_unit) - per_unit)[token_unit]
    kept = per_unit[token_unit] >= 2

    def half(parity: int):
        chosen = kept & (position % 2 == parity)
        ones = np.ones(int(chosen.sum()))
        return sparse.csr_matrix((ones, (token_unit[chosen], token_word[chosen])), shape=X.shape)

    shown, scored = half(0), half(1)
    units = np.flatnonzero(per_unit >= 2)
    if not len(units):
        return float("nan")
    shares = np.zeros((n_units, model.components_.shape[0]))
    shares[units] = model.transform(shown[units])
    scored = scored.tocoo()
    total = 0.0
    for start in range(0, scored.nnz, block):
        rows, cols = scored.row[start : start + block], scored.col[start : start + block]
        probabilities = np.einsum("ik,ki->i", shares[rows], model.components_[:, cols])
        total += float((scored.data[start : start + block] * np.log(np.maximum(probabilities, np.finfo(float).tiny))).sum())
    return float(np.exp(-total / max(scored.data.sum(), 1)))


class TopicModel(TransformerMixin, BaseEstimator):
    """Base of the toolkit's models: scikit-learn's estimator contract (``get_params``, ``set_params``,
    ``clone``, tags; ``fit_transform`` from ``TransformerMixin``) plus what the toolkit reads.

    Subclasses set ``OPTIONS`` (their ``[model.<kind>]`` config sub-table), ``display_name``, ``HELDOUT``
    (held-out measures: name -> "lower" or "higher" is better); they implement ``from_config``, ``fit``,
    ``transform`` and ``heldout_scores``. A fitted model has ``components_`` (topics x words, rows sum to 1) and
    ``anchors_``: for each topic, the index of the theme it is anchored to by construction, or -1 for a free
    topic. A sampled model may also set ``drawn_words_`` (topics x words, bool): the words each topic drew a token
    of, which its top words are read from (:func:`toolkit.analysis.evaluate.held_word_ids`) where a prior lifts
    words it never drew above the rest. Input is a document-term matrix of counts, sparse or dense: non-negative
    (the tags say so).
    """

    OPTIONS: dict = {}
    display_name = "topic model"
    HELDOUT: dict[str, str] = {}
    # a theme holds a share only in units that hold its keywords, and its keywords only count for it: a keyword's
    # weight in the shares can then be read without refitting (lexicon_sensitivity.csv)
    EXACT_MEMBERSHIP = False

    @classmethod
    def from_config(
        cls,
        *,
        n_topics: int,
        random_state: int,
        options: dict,
        n_jobs: int = 1,
        keywords: list[np.ndarray] | None = None,
        n_words: int = 0,
        n_tokens: int = 0,
    ):
        """An unfitted model from the ``[model]`` settings and its own sub-table ``options``. ``keywords``
        holds, per theme of the lexicon, the vocabulary ids of its words (models that anchor topics use it);
        ``n_words`` and ``n_tokens`` are the size of the vocabulary and of the training corpus."""
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # a document-term matrix is sparse
        tags.input_tags.positive_only = True  # counts
        return tags

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
    def replaced_warnings(cls) -> tuple[type[Warning], ...]:
        """The categories of a library's warnings that this model's own check replaces (:meth:`fit_problem_after`
        says it, naming the config key): :func:`toolkit.models.fit_ensemble` ignores them around its fits, in its
        own thread (``warnings.catch_warnings`` in the fitting threads would not be thread-safe)."""
        return ()

    def fit_problem_after(self) -> str:
        """What a fitted model's run should warn of ('' when nothing), such as a limit of iterations reached."""
        return ""

    def free_anchors(self) -> np.ndarray:
        return np.full(self.n_topics, -1, dtype=np.int64)
