"""gensim's ``LdaModel`` with its E-step run for a whole chunk of documents at once.

gensim infers the topic shares of each document in a Python loop, one document at a time; on a corpus of
many short units that loop is most of the fit. :class:`ChunkLdaModel` overrides ``inference`` with the same
updates (same random start, same per-document convergence test, same sufficient statistics) computed for
every document of a chunk together with sparse matrices, and takes its training documents as row numbers of
a CSR matrix (:class:`RowCorpus`) instead of lists of tuples. Everything else (M-step, priors, ``eta``,
``alpha='auto'``) is gensim's own. Only the order of floating-point sums differs from gensim's loop: the
tests compare both to 1e-9. The units of a chunk can be split over threads (``n_threads``): numpy and scipy
release the interpreter lock in the heavy steps, and since no unit's arithmetic depends on another's, the
result is bit-for-bit the same for any number of threads.
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


MIN_UNITS_PER_THREAD = 200  # fewer units than this per thread are inferred in one thread


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
    n_threads: int = 1  # threads for the E-step (results do not depend on it)

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
        as gensim's ``LdaModel.inference`` computes them.

        With ``n_threads`` > 1 the units are split into that many contiguous parts inferred in threads; each
        unit's arithmetic does not depend on the others, so the result is identical for any number of threads.
        """
        X = self._chunk_matrix(chunk)
        n, dtype = X.shape[0], self.dtype
        gamma = self.random_state.gamma(100., 1. / 100., (n, self.num_topics)).astype(dtype, copy=False)
        exp_elog_theta = np.exp(dirichlet_expectation(gamma))
        beta_by_word = np.ascontiguousarray(self.expElogbeta.T)  # words x topics
        counts = X.data.astype(dtype)
        phinorm = np.empty(len(counts), dtype=dtype)
        bounds = np.linspace(0, n, min(self.n_threads, max(1, n // MIN_UNITS_PER_THREAD)) + 1).astype(int)
        parts = [(X[lo:hi], counts[X.indptr[lo]:X.indptr[hi]], gamma[lo:hi], exp_elog_theta[lo:hi],
                  phinorm[X.indptr[lo]:X.indptr[hi]]) for lo, hi in zip(bounds, bounds[1:])]
        if len(parts) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(parts)) as pool:
                list(pool.map(lambda part: self._infer(*part, beta_by_word), parts))
        else:
            for part in parts:
                self._infer(*part, beta_by_word)
        if not collect_sstats:
            return gamma, None
        weights = sparse.csr_matrix((counts / phinorm, X.indices, X.indptr), shape=X.shape)
        sstats = np.asarray((weights.T @ exp_elog_theta).T, dtype=dtype) * self.expElogbeta
        return gamma, sstats

    def _infer(self, X, counts, gamma, exp_elog_theta, phinorm, beta_by_word) -> None:
        """gensim's per-unit updates for the units of X, run together; fills gamma, exp_elog_theta and phinorm
        (views into the chunk's arrays) in place."""
        epsilon = np.finfo(self.dtype).eps
        cols = X.indices
        unit_of_entry = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        beta_of_entry = beta_by_word[cols]  # entries x topics
        phinorm[:] = np.einsum("ij,ij->i", exp_elog_theta[unit_of_entry], beta_of_entry) + epsilon
        active = np.arange(X.shape[0])
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
