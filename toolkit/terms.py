"""Corpus-level word statistics: detected phrases, and candidate terms for the domain dictionary."""

from __future__ import annotations

import math
import re
from collections import Counter

import pandas as pd

_HAN_WORD = re.compile(r"^[\u3400-\u9fff]+$")


def join_phrases(token_lists: list[list[str]], *, min_count: int = 5, threshold: float = 10.0) -> list[list[str]]:
    """Join word pairs that recur together into one token ``a_b`` (gensim ``Phrases``, default scorer)."""
    from gensim.models.phrases import Phrases

    model = Phrases(token_lists, min_count=min_count, threshold=threshold, delimiter="_")
    frozen = model.freeze()
    return [list(frozen[tokens]) for tokens in token_lists]


def candidate_terms(word_lists: list[list[str]], *, known: set[str] | frozenset[str] = frozenset(),
                    stopwords: set[str] | frozenset[str] = frozenset(), min_count: int = 5,
                    top: int = 200) -> pd.DataFrame:
    """Adjacent word pairs that recur as a unit: candidates to add to the domain dictionary.

    ``word_lists`` are the segmenter's raw words (before filtering), so adjacency is real. A pair counts
    when both parts are Chinese words that are not stopwords and the joined term is not already ``known``.
    Returns term, left, right, count and PMI (log2 of how much more often the pair occurs than chance),
    the highest PMI first, for pairs seen at least ``min_count`` times.
    """
    unigrams: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for words in word_lists:
        unigrams.update(words)
        pairs.update(zip(words, words[1:]))
    total = sum(unigrams.values()) or 1
    rows = []
    for (left, right), count in pairs.items():
        if count < min_count or left in stopwords or right in stopwords:
            continue
        if not (_HAN_WORD.match(left) and _HAN_WORD.match(right)) or left + right in known:
            continue
        pmi = math.log2(count * total / (unigrams[left] * unigrams[right]))
        rows.append({"term": left + right, "left": left, "right": right, "count": count, "pmi": round(pmi, 4)})
    table = pd.DataFrame(rows, columns=["term", "left", "right", "count", "pmi"])
    return table.sort_values(["pmi", "count", "term"], ascending=[False, False, True]).head(top).reset_index(drop=True)
