"""Compiled kernels (numba, cached on disk) of the keyword-assisted topic model's collapsed Gibbs sampler.

Each chain draws from its own random stream (:mod:`toolkit.random_streams`, seeded per chain), visits units and
tokens in a fixed order and releases the interpreter lock, so chains run in parallel threads and the result of a
chain depends on its seed only, never on the number of threads. A chain may also be cut into a fixed number of
partitions of its units, each swept by :func:`sweep` against its own copy of the word-topic counts as the sweep
began and merged after it (:func:`merge`): an approximation of the sampler whose result depends on the seed and
the number of partitions, never on the number of threads.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ..random_streams import below, uniform


@njit(cache=True, nogil=True)
def initialise(words, offsets, key_topic, n_topics, state, z, s, keyword_start, by_unit, present, absent):  # noqa: PLR0913 (a compiled kernel takes its arrays one by one)
    """keyATM's start: a keyword token starts in its keyword topic, drawn from the keyword distribution with
    probability ``keyword_start``; every other token starts in a topic drawn uniformly among those the unit can
    hold (``present[d, k]``, or any when ``absent`` > 0), or (``by_unit``) in the keyword topic most frequent
    among its unit's keyword tokens, when the unit has one. A topic ruled out of a unit (``absent`` = 0 and
    not ``present``) never holds one of its tokens, from the start."""
    counts = np.zeros(n_topics, dtype=np.int64)
    allowed = np.empty(n_topics, dtype=np.int64)
    for d in range(offsets.shape[0] - 1):
        counts[:] = 0
        for i in range(offsets[d], offsets[d + 1]):
            k = key_topic[words[i]]
            if k >= 0:
                counts[k] += 1
        best = -1
        if by_unit and counts.max() > 0:
            best = np.argmax(counts)
        n_allowed = 0
        for t in range(n_topics):
            if absent > 0 or present[d, t]:
                allowed[n_allowed] = t
                n_allowed += 1
        for i in range(offsets[d], offsets[d + 1]):
            k = key_topic[words[i]]
            if k >= 0:
                z[i] = k
                s[i] = 1 if uniform(state) < keyword_start else 0
            else:
                z[i] = best if best >= 0 else allowed[below(state, n_allowed)]
                s[i] = 0


@njit(cache=True, nogil=True)
def counts(words, offsets, z, s, n_words, n_topics):
    """Count matrices of a state: unit x topic, word x topic for regular (s=0) and keyword (s=1) draws."""
    n_units = offsets.shape[0] - 1
    n_dk = np.zeros((n_units, n_topics), dtype=np.int32)
    n0_wk = np.zeros((n_words, n_topics), dtype=np.int32)
    n1_wk = np.zeros((n_words, n_topics), dtype=np.int32)
    for d in range(n_units):
        for i in range(offsets[d], offsets[d + 1]):
            k = z[i]
            n_dk[d, k] += 1
            if s[i] == 0:
                n0_wk[words[i], k] += 1
            else:
                n1_wk[words[i], k] += 1
    return n_dk, n0_wk, n1_wk


class ChainState(NamedTuple):
    """One chain: the corpus and lexicon it runs on, its state (updated in place by :func:`sweep`) and its
    settings; the compiled kernels take it as one argument (numba reads a named tuple as a struct)."""

    words: np.ndarray  # word id of each token, unit after unit (int32)
    offsets: np.ndarray  # unit d holds tokens offsets[d]:offsets[d + 1]
    key_topic: np.ndarray  # the keyword topic of each word, -1 for none
    n_keywords: np.ndarray  # keywords of each topic (0 for a free topic)
    present: np.ndarray  # units x topics: 1 where the topic has its whole prior in the unit, else times absent
    z: np.ndarray  # topic of each token
    s: np.ndarray  # 1 where the token was drawn from its topic's keyword distribution
    n_dk: np.ndarray  # units x topics
    n0_wk: np.ndarray  # words x topics, regular draws
    n0_k: np.ndarray  # topics, regular draws
    n1_wk: np.ndarray  # words x topics, keyword draws
    n1_k: np.ndarray  # topics, keyword draws
    alpha: np.ndarray  # each topic's document-topic prior (re-estimated in place between sweeps)
    gamma: np.ndarray  # each topic's Beta(gamma, gamma) prior of its keyword share; 0 for a free topic
    stream: np.ndarray  # the chain's random stream (toolkit.random_streams)
    absent: float  # a topic's prior in a unit where it is not present is alpha times this
    beta: float  # prior of the regular topic-word distributions
    keyword_beta: float  # prior of the keyword distributions
    exclusive: bool  # a keyword is drawn by its own topic only


@njit(cache=True, nogil=True)
def sweep(chain):  # noqa: C901 (the sampler's branches in one compiled loop, inline for speed)
    """One pass over every token of ``chain`` (a :class:`ChainState`): draw its topic and whether it came from
    the topic's keyword distribution, jointly, given every other token (keyATM's base model with theta, phi, the
    keyword distributions and the keyword shares integrated out).

    For topic k (``gamma[k] = 0`` for a free topic, whose tokens are all regular):
      p(z=k, s=0) ~ (n_dk + alpha_k) * (n0_kw + beta) / (n0_k + V beta) * (n0_k + gamma_k) / (n_k + 2 gamma_k)
      p(z=k, s=1) ~ (n_dk + alpha_k) * (n1_kw + beta_s) / (n1_k + L_k beta_s) * (n1_k + gamma_k) / (n_k + 2 gamma_k)
    the second only for the keyword topic of w (``key_topic[w]``). With ``exclusive``, a keyword is drawn by its
    own topic only (both parts), never by another topic's regular part. ``alpha_k`` is multiplied by ``absent``
    in a unit where ``present[d, k]`` is 0 (a keyword topic none of whose keywords the unit holds).
    """
    words, offsets, key_topic, n_keywords, present = (
        chain.words,
        chain.offsets,
        chain.key_topic,
        chain.n_keywords,
        chain.present,
    )
    z, s, n_dk, n0_wk, n0_k, n1_wk, n1_k = chain.z, chain.s, chain.n_dk, chain.n0_wk, chain.n0_k, chain.n1_wk, chain.n1_k
    alpha, gamma, state, absent = chain.alpha, chain.gamma, chain.stream, chain.absent
    beta, beta_s, exclusive = chain.beta, chain.keyword_beta, chain.exclusive
    n_topics = alpha.shape[0]
    n_words = n0_wk.shape[0]
    v_beta = n_words * beta
    p = np.empty(n_topics)  # the cumulative weights of a draw
    # Each topic's regular factor, (n0_k + gamma) / (n_k + 2 gamma) / (n0_k + V beta), kept current, and
    # the same factor with one regular (less0) or one keyword (less1) token fewer: the value a token's topic takes
    # when the token is taken out, ready before it is needed, so no division waits at the start of a draw.
    regular = np.empty(n_topics)
    less0 = np.zeros(n_topics)
    less1 = np.zeros(n_topics)
    for k in range(n_topics):
        regular[k] = _regular_factor(n0_k[k], n1_k[k], gamma[k], v_beta)
        _refresh_less(k, n0_k, n1_k, gamma, v_beta, less0, less1)
    n_units = offsets.shape[0] - 1
    prior = np.empty(n_topics)
    active = np.empty(n_topics, dtype=np.int64)
    slot = np.empty(n_topics, dtype=np.int64)  # a topic's place among the unit's active topics
    unit = np.empty(n_topics)  # n_dk + prior of each active topic (the same float as computing it afresh)
    for d in range(n_units):
        # The topics a token of this unit can be drawn into: those with a prior here, and those that hold one of
        # its tokens. Any other topic has weight exactly 0 throughout the unit (its count here can only fall), so
        # leaving it out changes no sum and no draw: the chain is the same, only faster when absent = 0.
        n_active = 0
        for t in range(n_topics):
            prior[t] = alpha[t] if present[d, t] else alpha[t] * absent
            if prior[t] > 0 or n_dk[d, t] > 0:
                active[n_active] = t
                slot[t] = n_active
                unit[n_active] = n_dk[d, t] + prior[t]
                n_active += 1
        for i in range(offsets[d], offsets[d + 1]):
            w = words[i]
            k = z[i]
            before, k_before, s_before = regular[k], k, s[i]
            n_dk[d, k] -= 1
            unit[slot[k]] = n_dk[d, k] + prior[k]
            if s[i] == 0:
                n0_wk[w, k] -= 1
                n0_k[k] -= 1
                regular[k] = less0[k]
            else:
                n1_wk[w, k] -= 1
                n1_k[k] -= 1
                regular[k] = less1[k]
            kk = key_topic[w]
            only_own = exclusive and kk >= 0  # a keyword drawn by its own topic only
            r = uniform(state)  # drawn first: the stream's arithmetic overlaps the sum below
            total = 0.0
            if only_own:
                total = (n0_wk[w, kk] + beta) * regular[kk] * unit[slot[kk]]
            else:
                row = n0_wk[w]
                for a in range(n_active):
                    total += (row[active[a]] + beta) * regular[active[a]] * unit[a]
                    p[a] = total
            keyword = 0.0
            if kk >= 0:
                keyword = (
                    (n1_wk[w, kk] + beta_s)
                    / (n1_k[kk] + n_keywords[kk] * beta_s)
                    * (n1_k[kk] + gamma[kk])
                    / (n0_k[kk] + n1_k[kk] + gamma[kk] + gamma[kk])
                    * unit[slot[kk]]
                )
            u = r * (total + keyword)
            if u >= total and kk >= 0:
                k, si = kk, 1
            elif only_own:
                k, si = kk, 0
            else:
                # The first topic whose cumulative weight exceeds u: the weights never decrease, so it is the
                # number of them at or below u, counted without a branch per topic to mispredict.
                a = 0
                for b in range(n_active - 1):
                    a += p[b] <= u
                k, si = active[a], 0
            z[i] = k
            s[i] = si
            n_dk[d, k] += 1
            unit[slot[k]] = n_dk[d, k] + prior[k]
            without = regular[k]  # k's factor without this token
            if si == 0:
                n0_wk[w, k] += 1
                n0_k[k] += 1
            else:
                n1_wk[w, k] += 1
                n1_k[k] += 1
            if k == k_before and si == s_before:  # the counts are back where they were, and so are the factors
                regular[k] = before
            else:
                regular[k] = _regular_factor(n0_k[k], n1_k[k], gamma[k], v_beta)
                if si == 0:  # with one token fewer of the kind just added, k's factor is what it was without it
                    less0[k] = without
                    if n1_k[k] > 0:
                        less1[k] = _regular_factor(n0_k[k], n1_k[k] - 1, gamma[k], v_beta)
                else:
                    less1[k] = without
                    if n0_k[k] > 0:
                        less0[k] = _regular_factor(n0_k[k] - 1, n1_k[k], gamma[k], v_beta)
                if k != k_before:
                    _refresh_less(k_before, n0_k, n1_k, gamma, v_beta, less0, less1)


@njit(cache=True, nogil=True)
def merge(total, parts, first, last):
    """The end of a partitioned sweep (AD-LDA, Newman, Asuncion, Smyth and Welling 2009, JMLR 10), on cells
    ``first:last`` of ``total`` (counts as the sweep began, flattened): each cell plus every partition's change
    of it (``parts``: partitions x the same cells, each partition's own copy, which it swept against), added in
    partition order (integers: exact); then every partition's copy is set to the sum, ready for the next
    sweep. A cell's sum depends on that cell only, so the cells may be cut into ranges merged side by side."""
    n = parts.shape[0]
    value = total[first:last] * (1 - n)  # the start once, less once per partition: whole-range steps, vectorised
    for p in range(n):
        value += parts[p, first:last]
    total[first:last] = value
    for p in range(n):
        parts[p, first:last] = value


@njit(cache=True, nogil=True, inline="always")  # as a call, it cost more than its two divisions
def _regular_factor(n0, n1, gamma, v_beta):
    mixing = 1.0
    if gamma > 0:
        mixing = (n0 + gamma) / (n0 + n1 + gamma + gamma)
    return mixing / (n0 + v_beta)


@njit(cache=True, nogil=True, inline="always")
def _refresh_less(k, n0_k, n1_k, gamma, v_beta, less0, less1):
    """Topic k's regular factor with one regular and with one keyword token fewer (where it has one)."""
    if n0_k[k] > 0:
        less0[k] = _regular_factor(n0_k[k] - 1, n1_k[k], gamma[k], v_beta)
    if n1_k[k] > 0:
        less1[k] = _regular_factor(n0_k[k], n1_k[k] - 1, gamma[k], v_beta)


@njit(cache=True, nogil=True)
def fold_in(words, offsets, phi_wk, alpha, present, absent, iterations, burn_in, state):  # noqa: C901 (one compiled loop, inline for speed)
    """Topic shares of new units under fixed topic-word probabilities ``phi_wk`` (words x topics): Gibbs
    sampling of each unit's topics alone, shares averaged over the draws after ``burn_in``. A unit's prior is
    ``alpha``, times ``absent`` for the topics not ``present`` in it, as in the fit: with ``absent`` = 0 such a
    topic's share is exactly 0.

    A draw weighs only the unit's allowed topics (prior above 0): any other topic has weight exactly 0 (no token
    starts or is drawn there), so leaving it out changes no sum and no draw, as in :func:`sweep`. (Where every
    allowed topic gives a word probability 0, which a fitted model's smoothed topics never do, the draw takes the
    last allowed topic: a token never lands in a topic its unit rules out.)"""
    n_units = offsets.shape[0] - 1
    n_topics = alpha.shape[0]
    theta = np.zeros((n_units, n_topics))
    p = np.empty(n_topics)  # the cumulative weights of a draw, over the allowed topics
    prior = np.empty(n_topics)
    allowed = np.empty(n_topics, dtype=np.int64)
    slot = np.empty(n_topics, dtype=np.int64)  # a topic's place among the allowed topics
    unit = np.empty(n_topics)  # n_k + prior of each allowed topic (the same float as computing it afresh)
    for d in range(n_units):
        n_allowed = 0
        for t in range(n_topics):
            prior[t] = alpha[t] if present[d, t] else alpha[t] * absent
            if prior[t] > 0:
                allowed[n_allowed] = t
                slot[t] = n_allowed
                n_allowed += 1
        prior_sum = prior.sum()
        start, end = offsets[d], offsets[d + 1]
        n = end - start
        if n == 0:
            for t in range(n_topics):
                theta[d, t] = prior[t] / prior_sum
            continue
        z = np.empty(n, dtype=np.int64)
        n_k = np.zeros(n_topics)
        for j in range(n):
            z[j] = allowed[below(state, n_allowed)]
            n_k[z[j]] += 1
        for a in range(n_allowed):
            unit[a] = n_k[allowed[a]] + prior[allowed[a]]
        kept = 0
        for it in range(iterations):
            for j in range(n):
                row = phi_wk[words[start + j]]
                k = z[j]
                n_k[k] -= 1
                unit[slot[k]] = n_k[k] + prior[k]
                total = 0.0
                for a in range(n_allowed):
                    total += row[allowed[a]] * unit[a]
                    p[a] = total
                u = uniform(state) * total
                # the first allowed topic whose cumulative weight exceeds u (the weights never decrease: the
                # number of them at or below u, counted without a branch per topic)
                a = 0
                for b in range(n_allowed - 1):
                    a += p[b] <= u
                k = allowed[a]
                z[j] = k
                n_k[k] += 1
                unit[a] = n_k[k] + prior[k]
            if it >= burn_in:
                kept += 1
                for t in range(n_topics):
                    theta[d, t] += (n_k[t] + prior[t]) / (n + prior_sum)
        for t in range(n_topics):
            theta[d, t] /= kept
    return theta


@njit(cache=True, nogil=True)
def present_topics(words, offsets, key_topic, n_topics, n_keyword_topics):
    """Units x topics: 1 where the unit holds a keyword of the keyword topic, and for every free topic. A unit
    with no keyword in a model without free topics has every topic (its tokens must go somewhere)."""
    n_units = offsets.shape[0] - 1
    present = np.zeros((n_units, n_topics), dtype=np.uint8)
    for d in range(n_units):
        for t in range(n_keyword_topics, n_topics):
            present[d, t] = 1
        found = n_keyword_topics < n_topics
        for i in range(offsets[d], offsets[d + 1]):
            k = key_topic[words[i]]
            if k >= 0:
                present[d, k] = 1
                found = True
        if not found:
            for t in range(n_topics):
                present[d, t] = 1
    return present


@njit(cache=True, nogil=True)
def mean_log_likelihood(words, offsets, n_dk, phi_wk, alpha, present, absent):
    """Mean log probability of a token under the current shares and topics (a convergence trace); a unit's
    prior is ``alpha``, times ``absent`` for the topics not ``present`` in it."""
    n_units = offsets.shape[0] - 1
    n_topics = phi_wk.shape[1]
    prior = np.empty(n_topics)
    theta = np.empty(n_topics)
    total = 0.0
    for d in range(n_units):
        n = offsets[d + 1] - offsets[d]
        for t in range(n_topics):
            prior[t] = alpha[t] * (1.0 if present[d, t] else absent)
        prior_sum = prior.sum()
        for t in range(n_topics):  # the unit's shares, once per unit rather than once per token
            theta[t] = (n_dk[d, t] + prior[t]) / (n + prior_sum)
        for i in range(offsets[d], offsets[d + 1]):
            w = words[i]
            q = 0.0
            for t in range(n_topics):
                q += theta[t] * phi_wk[w, t]
            total += np.log(q)
    return total / max(words.shape[0], 1)


@njit(cache=True, nogil=True)
def add_rows(rows, total):
    """Add every row of ``rows`` to ``total``, one row after another (the order of numpy's sum over axis 0)."""
    for d in range(rows.shape[0]):
        for k in range(rows.shape[1]):
            total[k] += rows[d, k]
