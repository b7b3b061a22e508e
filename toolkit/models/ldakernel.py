"""Compiled kernels (numba, cached on disk) of the LDA E-step: gensim's per-document updates, one document at a
time with its K topic weights in registers.

For each document the loop is gensim's ``LdaModel.inference``: phinorm = exp(E[log theta]) . exp(E[log beta]),
gamma = alpha + exp(E[log theta]) * (counts / phinorm) . exp(E[log beta])^T, until the mean absolute change of
gamma falls under the threshold; digamma is gensim's own (``gensim._matutils._digamma``, Bernardo's AS 103),
so the fixed point is gensim's and only the order of the sums within a document differs. No array of entries
x topics is ever built. The kernels release the interpreter lock: blocks of documents run in threads, and since
no document's arithmetic depends on another's, gamma is the same for any number of threads. The sufficient
statistics are summed in one pass in document order, so they are too.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def digamma(x):
    """gensim's digamma for positive x (recurrence to x >= 8.5, then de Moivre's expansion)."""
    if x <= 0.000001:
        return -0.57721566490153286060 - 1.0 / x + 1.6449340668482264365 * x
    value = 0.0
    while x < 8.5:
        value -= 1.0 / x
        x += 1.0
    r = 1.0 / x
    value += math.log(x) - 0.5 * r
    r = r * r
    return value - r * (1.0 / 12.0 - r * (1.0 / 120.0 - r * (1.0 / 252.0 - r * (1.0 / 240.0 - r * (1.0 / 132.0)))))


@njit(cache=True, nogil=True, inline="always")
def _normalisers(start, end, indices, beta_by_word, theta, phinorm, epsilon):
    """phinorm of entries ``start`` to ``end`` of one document: exp(E[log theta]) . exp(E[log beta_w]) + eps."""
    for j in range(start, end):
        row = beta_by_word[indices[j]]
        total = 0.0
        for k in range(theta.shape[0]):
            total += theta[k] * row[k]
        phinorm[j] = total + epsilon


@njit(cache=True, nogil=True)
def infer_block(lo, hi, indptr, indices, counts, beta_by_word, alpha, gamma, exp_elog_theta, phinorm,
                iterations, threshold, epsilon):
    """gensim's updates for documents ``lo`` to ``hi`` of a CSR chunk; gamma and exp_elog_theta (documents x
    topics) hold each document's random start and are updated in place, as is phinorm (one per entry)."""
    n_topics = gamma.shape[1]
    weighted = np.empty(n_topics)
    theta = np.empty(n_topics)
    for d in range(lo, hi):
        start, end = indptr[d], indptr[d + 1]
        for k in range(n_topics):
            theta[k] = exp_elog_theta[d, k]
        _normalisers(start, end, indices, beta_by_word, theta, phinorm, epsilon)
        for _ in range(iterations):
            weighted[:] = 0.0
            for j in range(start, end):
                ratio = counts[j] / phinorm[j]
                row = beta_by_word[indices[j]]
                for k in range(n_topics):
                    weighted[k] += ratio * row[k]
            change = 0.0
            gamma_sum = 0.0
            for k in range(n_topics):
                new = alpha[k] + theta[k] * weighted[k]
                change += abs(new - gamma[d, k])
                gamma[d, k] = new
                gamma_sum += new
            psi_sum = digamma(gamma_sum)
            for k in range(n_topics):
                theta[k] = math.exp(digamma(gamma[d, k]) - psi_sum)
            _normalisers(start, end, indices, beta_by_word, theta, phinorm, epsilon)
            if change / n_topics < threshold:
                break
        for k in range(n_topics):
            exp_elog_theta[d, k] = theta[k]


@njit(cache=True, nogil=True)
def sufficient_statistics(indptr, indices, counts, phinorm, exp_elog_theta, n_words):
    """sum over documents of exp(E[log theta_d]) x counts / phinorm, words x topics, in document order (the
    caller multiplies by exp(E[log beta]))."""
    n_topics = exp_elog_theta.shape[1]
    out = np.zeros((n_words, n_topics))
    for d in range(indptr.shape[0] - 1):
        for j in range(indptr[d], indptr[d + 1]):
            ratio = counts[j] / phinorm[j]
            row = out[indices[j]]
            for k in range(n_topics):
                row[k] += exp_elog_theta[d, k] * ratio
    return out
