"""gensim's ``LdaModel`` with its E-step compiled.

gensim infers the topic shares of each document in a Python loop, one document at a time; on a corpus of
many short units that loop is most of the fit. :class:`ChunkLdaModel` overrides ``inference`` with the same
updates (same random start, same per-document convergence test, same digamma, same sufficient statistics) run
by a compiled kernel (:mod:`toolkit.models._ldakernel`), and takes its training documents as row numbers of a
CSR matrix (:class:`RowCorpus`) instead of lists of tuples. Everything else (M-step, priors, ``eta``,
``alpha='auto'``) is gensim's own. Only the order of floating-point sums within a document differs from
gensim's loop: the tests compare both to 1e-9. The documents of a chunk can be split over threads
(``n_threads``; the kernel releases the interpreter lock), and the result is bit-for-bit the same for any
number of threads.
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


class ChunkLdaModel(LdaModel):
    """``LdaModel`` whose inference handles a chunk in one go; train it with ``update(RowCorpus(X))``."""

    rows: sparse.csr_matrix | None = None  # the matrix RowCorpus numbers refer to
    n_threads: int = 1  # threads for the E-step (results do not depend on it)

    def _chunk_matrix(self, chunk) -> sparse.csr_matrix:
        if sparse.issparse(chunk):
            return sparse.csr_matrix(chunk)
        chunk = list(chunk)
        if chunk and isinstance(chunk[0], (int, np.integer)):
            assert self.rows is not None  # numbers refer to the rows this corpus was made from
            return self.rows[np.asarray(chunk)]
        lengths = [len(doc) for doc in chunk]  # gensim bags of words: [(word id, count), ...] per document
        indptr = np.zeros(len(chunk) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.fromiter((int(i) for doc in chunk for i, _ in doc), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((c for doc in chunk for _, c in doc), dtype=np.float64, count=int(indptr[-1]))
        return sparse.csr_matrix((data, indices, indptr), shape=(len(chunk), self.num_terms))

    def do_mstep(self, rho, other, extra_pass=False):
        """gensim's M-step without the work that only feeds its log: gensim also computes the previous topics'
        E[log beta] (a digamma of the topics x words matrix) and formats the top words of five topics after
        every chunk, to log how much the topics moved. The topics, the prior and the counter are the same, and so
        is the random stream: the log picks its five topics with a jitter drawn from the model's stream (when
        there are more than five), which is drawn here too, so the next chunks start where gensim's would."""
        self.state.blend(rho, other)
        self.sync_state()
        if self.num_topics > 5:
            self.random_state.rand(len(self.alpha))
        if self.optimize_eta:
            self.update_eta(self.state.get_lambda(), rho)
        if not extra_pass:
            self.num_updates += other.numdocs

    def inference(self, chunk, collect_sstats=False):
        """Topic weights ``gamma`` of each document of ``chunk`` (and, for training, the sufficient statistics),
        as gensim's ``LdaModel.inference`` computes them, with the compiled per-document kernel of
        :mod:`toolkit.models._ldakernel`.

        With ``n_threads`` > 1 the documents are split into that many contiguous blocks inferred in threads;
        each document's arithmetic does not depend on the others, so the result is identical for any number of
        threads.
        """
        from ._ldakernel import infer_block, sufficient_statistics

        X = self._chunk_matrix(chunk)
        n = X.shape[0]
        gamma = self.random_state.gamma(100.0, 1.0 / 100.0, (n, self.num_topics)).astype(np.float64, copy=False)
        exp_elog_theta = np.exp(dirichlet_expectation(gamma))
        beta_by_word = np.ascontiguousarray(self.expElogbeta.T, dtype=np.float64)  # words x topics
        alpha = np.ascontiguousarray(np.broadcast_to(self.alpha, (self.num_topics,)), dtype=np.float64)
        indptr, indices = X.indptr.astype(np.int64), X.indices.astype(np.int64)
        counts = X.data.astype(np.float64)
        phinorm = np.empty(len(counts))
        settings = (
            indptr,
            indices,
            counts,
            beta_by_word,
            alpha,
            gamma,
            exp_elog_theta,
            phinorm,
            int(self.iterations),
            float(self.gamma_threshold),
            float(np.finfo(self.dtype).eps),
        )
        bounds = np.linspace(0, n, min(self.n_threads, max(1, n // MIN_UNITS_PER_THREAD)) + 1).astype(int)
        blocks = list(zip(bounds[:-1].tolist(), bounds[1:].tolist()))
        if len(blocks) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(len(blocks)) as pool:
                list(pool.map(lambda block: infer_block(*block, *settings), blocks))
        else:
            for block in blocks:
                infer_block(*block, *settings)
        gamma = gamma.astype(self.dtype, copy=False)
        if not collect_sstats:
            return gamma, None
        sstats = sufficient_statistics(indptr, indices, counts, phinorm, exp_elog_theta, self.num_terms)
        return gamma, (sstats.T * self.expElogbeta).astype(self.dtype, copy=False)
