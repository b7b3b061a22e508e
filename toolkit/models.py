"""Topic models behind one scikit-learn style contract.

``fit(X)`` takes a units x words count matrix and returns self; ``transform(X)`` gives document-topic shares
whose rows sum to 1; ``components_`` holds topic-word weights whose rows sum to 1. Parameters are stored
as given; ``random_state`` (an int) makes results reproducible.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array, check_is_fitted

from .errors import ToolkitError


def _check_counts(X, n_topics) -> sparse.csr_matrix:
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


def _normalize_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    uniform = np.full_like(matrix, 1.0 / matrix.shape[1])
    return np.where(sums > 0, matrix / np.where(sums > 0, sums, 1), uniform)


class LdaTopicModel(TransformerMixin, BaseEstimator):
    """Latent Dirichlet allocation with gensim's ``LdaModel`` (variational Bayes), its E-step run a chunk of units
    at a time over ``n_jobs`` threads (:mod:`toolkit.ldabatch`: the same updates as gensim's, 2-3x faster).

    Parameters
    ----------
    n_topics : int
    passes, iterations : int
        Passes over the corpus, and inference iterations per unit.
    alpha : 'symmetric', 'asymmetric' or 'auto'
        Document-topic prior.
    eta : None or array of shape (n_topics, n_words)
        Topic-word prior; None is gensim's symmetric 1/n_topics. Keyword seeding passes a boosted array.
    chunksize : int
    random_state : int or None
        Pass an int for reproducible results.
    n_jobs : int or None
        Threads for inference (None or 1: one; -1: one per core). The result does not depend on it.
    """

    def __init__(self, n_topics=10, *, passes=10, iterations=200, alpha="symmetric", eta=None,
                 chunksize=2000, random_state=None, n_jobs=None):
        self.n_topics = n_topics
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.chunksize = chunksize
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        import os

        from .ldabatch import ChunkLdaModel, RowCorpus

        X = _check_counts(X, self.n_topics)
        if self.alpha not in ("symmetric", "asymmetric", "auto"):
            raise ValueError(f"alpha must be 'symmetric', 'asymmetric' or 'auto', not {self.alpha!r}")
        eta = None if self.eta is None else np.asarray(self.eta, dtype=np.float64)
        if eta is not None and eta.shape != (self.n_topics, X.shape[1]):
            raise ValueError(f"eta must have shape {(self.n_topics, X.shape[1])}, not {eta.shape}")
        self.n_features_in_ = X.shape[1]
        self.model_ = ChunkLdaModel(
            num_topics=self.n_topics, id2word={i: str(i) for i in range(X.shape[1])}, passes=self.passes,
            iterations=self.iterations, alpha=self.alpha, eta=eta, chunksize=self.chunksize,
            random_state=self.random_state, eval_every=None, dtype=np.float64)
        self.model_.rows = X
        self.model_.n_threads = (os.cpu_count() or 1) if self.n_jobs == -1 else max(1, self.n_jobs or 1)
        try:
            self.model_.update(RowCorpus(X))
        finally:
            self.model_.rows = None
        self.components_ = _normalize_rows(self.model_.get_topics())
        return self

    def _gamma(self, X) -> np.ndarray:
        """Unnormalised topic weights of each row of X, inferred a chunk at a time from a fixed random start."""
        check_is_fitted(self, "model_")
        X = sparse.csr_matrix(check_array(X, accept_sparse="csr", dtype=np.float64))
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} words; the model was fitted on {self.n_features_in_}")
        saved = self.model_.random_state
        self.model_.random_state = np.random.RandomState(self.random_state)  # inference draws its start
        try:
            gamma = [self.model_.inference(X[start:start + self.chunksize])[0]
                     for start in range(0, X.shape[0], self.chunksize)]
        finally:
            self.model_.random_state = saved
        return np.vstack(gamma) if gamma else np.zeros((0, self.n_topics))

    def transform(self, X):
        """Document-topic shares (rows sum to 1); the same input always gives the same output."""
        return _normalize_rows(self._gamma(X))

    def perplexity(self, X) -> float:
        """Perplexity of ``X`` under the model (2 ** -bound per word, gensim's bound), lower is better."""
        from gensim.matutils import Sparse2Corpus

        gamma = self._gamma(X)
        X = sparse.csr_matrix(X)
        # one (1, K) row per unit: the shape gensim's bound works on when it infers gamma itself
        bound = self.model_.bound(Sparse2Corpus(X, documents_columns=False), gamma=gamma[:, None, :]) / X.sum()
        return float(np.exp2(-bound))


class NmfTopicModel(TransformerMixin, BaseEstimator):
    """Non-negative matrix factorisation (scikit-learn ``NMF``) of the TF-IDF weighted counts.

    Parameters
    ----------
    n_topics : int
    max_iter : int
    init : str
        Initialisation passed to ``sklearn.decomposition.NMF`` ('nndsvda' is deterministic).
    random_state : int or None
        Pass an int for reproducible results.
    """

    def __init__(self, n_topics=10, *, max_iter=500, init="nndsvda", random_state=None):
        self.n_topics = n_topics
        self.max_iter = max_iter
        self.init = init
        self.random_state = random_state

    def fit(self, X, y=None):
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer

        X = _check_counts(X, self.n_topics)
        self.n_features_in_ = X.shape[1]
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(X)
        self.nmf_ = NMF(n_components=self.n_topics, init=self.init, max_iter=self.max_iter,
                        random_state=self.random_state)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            self.nmf_.fit(self.tfidf_.transform(X))
        self.converged_ = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        self.components_ = _normalize_rows(self.nmf_.components_)
        self.reconstruction_err_ = float(self.nmf_.reconstruction_err_)
        self.n_iter_ = int(self.nmf_.n_iter_)
        return self

    def transform(self, X):
        """Document-topic shares (rows sum to 1; a unit with no weight gets equal shares)."""
        check_is_fitted(self, "nmf_")
        X = sparse.csr_matrix(check_array(X, accept_sparse="csr", dtype=np.float64))
        return _normalize_rows(self.nmf_.transform(self.tfidf_.transform(X)))


MODELS = {"lda": LdaTopicModel, "nmf": NmfTopicModel}


def make_model(options: dict, *, eta=None):
    """A model from the registry, built from the ``[model]`` section of a config."""
    kind, n_topics, seed = options["kind"], options["n_topics"], options["random_state"]
    if kind == "lda":
        return LdaTopicModel(n_topics, passes=options["passes"], iterations=options["iterations"],
                             alpha=options["alpha"], eta=eta, random_state=seed, n_jobs=options["n_jobs"] or -1)
    if kind == "nmf":
        return NmfTopicModel(n_topics, max_iter=options["max_iter"], random_state=seed)
    raise ToolkitError(f"unknown model kind {kind!r}; choose one of {', '.join(MODELS)}")
