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
def _entries(start, end, indices, counts, beta_by_word, theta, phinorm, epsilon, weighted, weigh):
    """One pass over the entries ``start`` to ``end`` of a document: phinorm of each, exp(E[log theta]) .
    exp(E[log beta_w]) + eps, and (``weigh``) weighted = sum over entries of counts / phinorm * exp(E[log beta_w]),
    added in entry order. Four entries are taken at a time: their four dot products run side by side (each
    still summed over topics in order) and each word's row is read once for both sums."""
    n_topics = theta.shape[0]
    if weigh:
        for k in range(n_topics):
            weighted[k] = 0.0
    j = start
    while j + 4 <= end:
        r0, r1 = beta_by_word[indices[j]], beta_by_word[indices[j + 1]]
        r2, r3 = beta_by_word[indices[j + 2]], beta_by_word[indices[j + 3]]
        t0 = t1 = t2 = t3 = 0.0
        for k in range(n_topics):
            t0 += theta[k] * r0[k]
            t1 += theta[k] * r1[k]
            t2 += theta[k] * r2[k]
            t3 += theta[k] * r3[k]
        phinorm[j], phinorm[j + 1], phinorm[j + 2], phinorm[j + 3] = t0 + epsilon, t1 + epsilon, t2 + epsilon, t3 + epsilon
        if weigh:
            a0, a1 = counts[j] / phinorm[j], counts[j + 1] / phinorm[j + 1]
            a2, a3 = counts[j + 2] / phinorm[j + 2], counts[j + 3] / phinorm[j + 3]
            for k in range(n_topics):
                weighted[k] = (((weighted[k] + a0 * r0[k]) + a1 * r1[k]) + a2 * r2[k]) + a3 * r3[k]
        j += 4
    for rest in range(j, end):
        row = beta_by_word[indices[rest]]
        total = 0.0
        for k in range(n_topics):
            total += theta[k] * row[k]
        phinorm[rest] = total + epsilon
        if weigh:
            ratio = counts[rest] / phinorm[rest]
            for k in range(n_topics):
                weighted[k] += ratio * row[k]


@njit(cache=True, nogil=True)
def infer_block(  # noqa: PLR0913 (a compiled kernel takes its arrays one by one)
    lo, hi, indptr, indices, counts, beta_by_word, alpha, gamma, exp_elog_theta, phinorm, iterations, threshold, epsilon
):
    """gensim's updates for documents ``lo`` to ``hi`` of a CSR chunk; gamma and exp_elog_theta (documents x
    topics) hold each document's random start and are updated in place, as is phinorm (one per entry)."""
    n_topics = gamma.shape[1]
    weighted = np.empty(n_topics)
    theta = np.empty(n_topics)
    for d in range(lo, hi):
        start, end = indptr[d], indptr[d + 1]
        for k in range(n_topics):
            theta[k] = exp_elog_theta[d, k]
        _entries(start, end, indices, counts, beta_by_word, theta, phinorm, epsilon, weighted, True)
        for iteration in range(iterations):
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
            last = change / n_topics < threshold or iteration == iterations - 1
            # phinorm under the new theta, and (unless this was the last iteration) the next iteration's sums
            _entries(start, end, indices, counts, beta_by_word, theta, phinorm, epsilon, weighted, not last)
            if last:
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
