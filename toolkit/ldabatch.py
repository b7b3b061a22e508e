"""gensim's ``LdaModel`` with its E-step run for a whole chunk of documents at once.

gensim infers the topic shares of each document in a Python loop, one document at a time; on a corpus of
many short units that loop is most of the fit. :class:`ChunkLdaModel` overrides ``inference`` with the same
updates (same random start, same per-document convergence test, same sufficient statistics) computed for
every document of a chunk together with sparse matrices, and takes its training documents as row numbers of
a CSR matrix (:class:`RowCorpus`) instead of lists of tuples. Everything else (M-step, priors, ``eta``,
``alpha='auto'``) is gensim's own. Only the order of floating-point sums differs from gensim's loop: the
tests compare both to 1e-9.
"""

from __future__ import annotations

import numpy as np
from gensim.matutils import dirichlet_expectation
from gensim.models import LdaModel
from scipy import sparse


class RowCorpus:
    """Row numbers of a CSR matrix, as a corpus gensim can count and cut into chunks."""

    def __init__(self, matrix: sparse.csr_matrix):
        self.matrix = matrix

    def __len__(self) -> int:
        return self.matrix.shape[0]

    def __iter__(self):
        return iter(range(self.matrix.shape[0]))


def _rows_of(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the stored entries of ``rows`` in a CSR matrix, and the indptr of those rows alone."""
    starts = indptr[rows]
    lengths = indptr[rows + 1] - starts
    sub_indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=sub_indptr[1:])
    positions = np.repeat(starts - sub_indptr[:-1], lengths) + np.arange(sub_indptr[-1])
    return positions, sub_indptr


class ChunkLdaModel(LdaModel):
    """``LdaModel`` whose inference handles a chunk in one go; train it with ``update(RowCorpus(X))``."""

    rows: sparse.csr_matrix | None = None  # the matrix RowCorpus numbers refer to

    def _chunk_matrix(self, chunk) -> sparse.csr_matrix:
        if sparse.issparse(chunk):
            return sparse.csr_matrix(chunk)
        chunk = list(chunk)
        if chunk and isinstance(chunk[0], (int, np.integer)):
            return self.rows[np.asarray(chunk)]
        lengths = [len(doc) for doc in chunk]  # gensim bags of words: [(word id, count), ...] per document
        indptr = np.zeros(len(chunk) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.fromiter((int(i) for doc in chunk for i, _ in doc), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((c for doc in chunk for _, c in doc), dtype=np.float64, count=int(indptr[-1]))
        return sparse.csr_matrix((data, indices, indptr), shape=(len(chunk), self.num_terms))

    def inference(self, chunk, collect_sstats=False):
        """Topic weights ``gamma`` of each document of ``chunk`` (and, for training, the sufficient statistics),
        as gensim's ``LdaModel.inference`` computes them."""
        X = self._chunk_matrix(chunk)
        n, dtype = X.shape[0], self.dtype
        gamma = self.random_state.gamma(100., 1. / 100., (n, self.num_topics)).astype(dtype, copy=False)
        exp_elog_theta = np.exp(dirichlet_expectation(gamma))
        epsilon = np.finfo(dtype).eps
        beta = self.expElogbeta  # topics x words
        beta_by_word = np.ascontiguousarray(beta.T)
        cols, counts = X.indices, X.data.astype(dtype)
        unit_of_entry = np.repeat(np.arange(n), np.diff(X.indptr))
        beta_of_entry = beta_by_word[cols]  # entries x topics
        phinorm = np.einsum("ij,ij->i", exp_elog_theta[unit_of_entry], beta_of_entry) + epsilon
        active = np.arange(n)
        for _ in range(self.iterations):
            if not active.size:
                break
            positions, sub_indptr = _rows_of(X.indptr, active)
            weights = sparse.csr_matrix((counts[positions] / phinorm[positions], cols[positions], sub_indptr),
                                        shape=(len(active), X.shape[1]))
            new = self.alpha + exp_elog_theta[active] * (weights @ beta_by_word)
            change = np.mean(np.abs(new - gamma[active]), axis=1)
            gamma[active] = new
            exp_elog_theta[active] = np.exp(dirichlet_expectation(new))
            phinorm[positions] = np.einsum("ij,ij->i", exp_elog_theta[unit_of_entry[positions]],
                                           beta_of_entry[positions]) + epsilon
            active = active[change >= self.gamma_threshold]
        if not collect_sstats:
            return gamma, None
        weights = sparse.csr_matrix((counts / phinorm, cols, X.indptr), shape=X.shape)
        sstats = np.asarray((weights.T @ exp_elog_theta).T, dtype=dtype) * beta
        return gamma, sstats
