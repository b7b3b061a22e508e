"""Non-negative matrix factorisation of TF-IDF weighted counts (scikit-learn), for exploration."""

from __future__ import annotations

import numpy as np

from ..errors import ToolkitError
from .base import TopicModel, check_counts, check_fitted, normalize_rows
from .nmf import OPTIONS


class NmfTopicModel(TopicModel):
    """Non-negative matrix factorisation (scikit-learn ``NMF``) of the TF-IDF weighted counts.

    Parameters
    ----------
    n_topics : int
    max_iter : int
    init : str
        Initialisation passed to ``sklearn.decomposition.NMF``; every start uses ``random_state`` (the SVD
        starts through scikit-learn's randomized SVD).
    random_state : int or None
        Pass an int for reproducible results.
    """

    OPTIONS = OPTIONS
    display_name = "NMF"
    HELDOUT = {"reconstruction_error": "lower"}

    def __init__(self, n_topics=10, *, max_iter=500, init="nndsvda", random_state=None):
        self.n_topics = n_topics
        self.max_iter = max_iter
        self.init = init
        self.random_state = random_state

    @classmethod
    def from_config(cls, *, n_topics, random_state, options, n_jobs=1, keywords=None, n_words=0, n_tokens=0):
        return cls(n_topics, max_iter=options["max_iter"], init=options["init"], random_state=random_state)

    def fit(self, X, y=None):
        from sklearn.decomposition import NMF
        from sklearn.feature_extraction.text import TfidfTransformer

        X = check_counts(X, self.n_topics, whole=True, model=self)  # sublinear tf, 1 + log(count), needs counts
        if problem := self.fit_problem(*X.shape):
            raise ToolkitError(
                f"{problem}: ask for fewer topics (model.n_topics), keep more words (vocab) or start at random (model.nmf.init)"
            )
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(X)
        self.nmf_ = NMF(n_components=self.n_topics, init=self.init, max_iter=self.max_iter, random_state=self.random_state)
        self.nmf_.fit(self.tfidf_.transform(X))
        # scikit-learn warns when it stops at max_iter (with a tolerance): the same test, without touching the
        # process's warning filters (which other threads share: fit_ensemble fits members side by side)
        self.converged_ = bool(self.nmf_.n_iter_ < self.max_iter or self.nmf_.tol <= 0)
        self.components_ = normalize_rows(self.nmf_.components_)
        self.reconstruction_err_ = float(self.nmf_.reconstruction_err_)
        self.n_iter_ = int(self.nmf_.n_iter_)
        self.anchors_ = self.free_anchors()
        return self

    def fit_problem(self, n_units: int, n_words: int) -> str:
        # scikit-learn's SVD starts (nndsvd, nndsvda, nndsvdar) need no more topics than words: its ValueError was a
        # traceback of a run and the end of a sweep (a hostile pass); a random start fits them
        if str(self.init).startswith("nndsvd") and self.n_topics > n_words:
            return f"cannot fit {self.n_topics} topics to a vocabulary of {n_words} words with NMF's {self.init} start"
        return super().fit_problem(n_units, n_words)

    @classmethod
    def replaced_warnings(cls):
        from sklearn.exceptions import ConvergenceWarning

        return (ConvergenceWarning,)

    def fit_problem_after(self) -> str:
        check_fitted(self, "nmf_")
        if self.converged_:
            return ""
        return f"NMF stopped at model.nmf.max_iter = {self.max_iter} iterations before converging: raise it"

    def transform(self, X):
        """Document-topic shares (rows sum to 1; a unit with no weight gets equal shares)."""
        check_fitted(self, "nmf_")
        X = check_counts(X, self.n_topics, whole=True, model=self, reset=False)
        return normalize_rows(self.nmf_.transform(self.tfidf_.transform(X)))

    def heldout_scores(self, X) -> dict[str, float]:
        """Reconstruction error (Frobenius norm) of the held-out units' TF-IDF."""
        from scipy import sparse

        check_fitted(self, "nmf_")
        tfidf = self.tfidf_.transform(X)
        W = self.nmf_.transform(tfidf)
        dense = tfidf.toarray() if sparse.issparse(tfidf) else np.asarray(tfidf)
        return {"reconstruction_error": float(np.linalg.norm(dense - W @ self.nmf_.components_))}
