"""Compiled counting kernels over token ids (numba, cached on disk): one pass over the tokens, no array of
one entry per token beyond the ids themselves, so counting a corpus of 50 million tokens takes the memory of
its result."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def unit_word_counts(ids, offsets, columns, n_columns):
    """CSR arrays (indptr, indices, data) of the counts of each unit (row) of each column: token ``i`` of
    unit ``d`` (``offsets[d] <= i < offsets[d + 1]``) counts for column ``columns[ids[i]]``, or for none when
    that is negative. Indices are sorted within each row, every (row, column) appears once, counts are int64."""
    n_units = offsets.shape[0] - 1
    last = np.full(n_columns, -1, dtype=np.int64)  # the last unit that counted the column
    indptr = np.zeros(n_units + 1, dtype=np.int64)
    for d in range(n_units):
        n = 0
        for i in range(offsets[d], offsets[d + 1]):
            c = columns[ids[i]]
            if c >= 0 and last[c] != d:
                last[c] = d
                n += 1
        indptr[d + 1] = indptr[d] + n
    indices = np.empty(indptr[n_units], dtype=np.int32)
    data = np.zeros(indptr[n_units], dtype=np.int64)
    slot = np.empty(n_columns, dtype=np.int64)  # where the current unit's count of the column is
    last[:] = -1
    for d in range(n_units):
        start, n = indptr[d], 0
        for i in range(offsets[d], offsets[d + 1]):
            c = columns[ids[i]]
            if c >= 0 and last[c] != d:
                last[c] = d
                indices[start + n] = c
                n += 1
        indices[start : start + n].sort()
        for j in range(start, start + n):
            slot[indices[j]] = j
        for i in range(offsets[d], offsets[d + 1]):
            c = columns[ids[i]]
            if c >= 0:
                data[slot[c]] += 1
    return indptr, indices, data


@njit(cache=True)
def units_with_word(ids, offsets, n_words):
    """For each word id, the number of units that hold it at least once."""
    last = np.full(n_words, -1, dtype=np.int64)
    n_units = np.zeros(n_words, dtype=np.int64)
    for d in range(offsets.shape[0] - 1):
        for i in range(offsets[d], offsets[d + 1]):
            w = ids[i]
            if last[w] != d:
                last[w] = d
                n_units[w] += 1
    return n_units
