"""Token lists -> vocabulary and sparse document-term matrix (the input of every model)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .errors import ToolkitError


def word_frequencies(token_lists: list[list[str]]) -> tuple[dict[str, int], dict[str, int]]:
    """How often each word occurs, and in how many units."""
    term_freq: dict[str, int] = {}
    unit_freq: dict[str, int] = {}
    for tokens in token_lists:
        for word in tokens:
            term_freq[word] = term_freq.get(word, 0) + 1
        for word in set(tokens):
            unit_freq[word] = unit_freq.get(word, 0) + 1
    return term_freq, unit_freq


def build_vocabulary(token_lists: list[list[str]], *, min_df: int = 2, max_df: float = 0.5,
                     max_terms: int = 0) -> list[str]:
    """Words in at least ``min_df`` units and at most a ``max_df`` share of them, most frequent first.

    Ties are broken by the word itself, so the vocabulary does not depend on input order.
    ``max_terms`` (0 = no cap) keeps the most frequent words.
    """
    n_units = len(token_lists)
    term_freq, doc_freq = word_frequencies(token_lists)
    max_count = max_df * n_units
    if min_df > max_count:
        raise ToolkitError(f"vocab.min_df ({min_df} units) is above vocab.max_df ({max_df} of {n_units} units "
                           f"= {max_count:g}); lower min_df or raise max_df")
    words = [w for w, df in doc_freq.items() if min_df <= df <= max_count]
    words.sort(key=lambda w: (-term_freq[w], w))
    if max_terms:
        words = words[:max_terms]
    if not words:
        raise ToolkitError(f"the vocabulary is empty: no word occurs in at least {min_df} of {n_units} units and "
                           f"at most {max_df:g} of them; lower vocab.min_df or raise vocab.max_df")
    return words


def unit_counts(token_lists: list[list[str]], *, min_df: int = 2, max_df: float = 0.5, max_terms: int = 0):
    """Vocabulary, the counts of the units that have a vocabulary word, and which units those are (bool mask)."""
    vocabulary = build_vocabulary(token_lists, min_df=min_df, max_df=max_df, max_terms=max_terms)
    counts = document_term_matrix(token_lists, vocabulary)
    in_model = np.asarray(counts.sum(axis=1)).ravel() > 0
    if not in_model.any():
        raise ToolkitError("no unit has a word of the vocabulary: the corpus is empty after filtering; "
                           "check segment and vocab settings")
    return vocabulary, counts[in_model], in_model


def document_term_matrix(token_lists: list[list[str]], vocabulary: list[str]) -> sparse.csr_matrix:
    """Counts of each vocabulary word in each unit, as a CSR matrix (units x words)."""
    index = {w: i for i, w in enumerate(vocabulary)}
    indptr, indices, data = [0], [], []
    for tokens in token_lists:
        counts: dict[int, int] = {}
        for word in tokens:
            j = index.get(word)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        for j in sorted(counts):
            indices.append(j)
            data.append(counts[j])
        indptr.append(len(indices))
    return sparse.csr_matrix((np.array(data, dtype=np.int64), np.array(indices, dtype=np.int64),
                              np.array(indptr, dtype=np.int64)), shape=(len(token_lists), len(vocabulary)))
