"""Corpus-level word statistics: detected phrases, and candidate terms for the domain dictionary."""

from __future__ import annotations

import math
import re
from collections import Counter

import pandas as pd

from .tokens import UnitTokens

_HAN_WORD = re.compile(r"^[\u3400-\u9fff]+$")


def learn_phrases(tokens, *, min_count: int = 5, threshold: float = 10.0):
    """gensim's ``Phrases`` (default scorer) learned from ``tokens`` and frozen: ``phrases[unit]`` joins the
    word pairs of a unit's tokens that recur together into one token ``a_b``."""
    from gensim.models.phrases import Phrases

    return Phrases(tokens, min_count=min_count, threshold=threshold, delimiter="_").freeze()


def apply_phrases(phrases, tokens) -> UnitTokens:
    """``tokens`` with the pairs that ``phrases`` (from :func:`learn_phrases`) knows joined."""
    return UnitTokens.from_lists(phrases[unit] for unit in tokens)


def join_phrases(tokens, *, min_count: int = 5, threshold: float = 10.0) -> UnitTokens:
    """Join word pairs that recur together in ``tokens`` into one token ``a_b``."""
    return apply_phrases(learn_phrases(tokens, min_count=min_count, threshold=threshold), tokens)


class PairCounts:
    """Word and adjacent-pair counts of raw segmenter output, gathered one unit at a time.

    Only pairs of two Chinese words that are not stopwords are kept: the only ones that can become
    candidate terms, and far fewer than all pairs.
    """

    def __init__(self, stopwords: set[str] | frozenset[str] = frozenset()):
        self.stopwords = stopwords
        self.unigrams: Counter[str] = Counter()
        self.pairs: Counter[tuple[str, str]] = Counter()

    def update(self, words: list[str]) -> None:
        self.unigrams.update(words)
        stop = self.stopwords
        self.pairs.update((a, b) for a, b in zip(words, words[1:])
                          if a not in stop and b not in stop and _HAN_WORD.match(a) and _HAN_WORD.match(b))

    def merge(self, other: "PairCounts") -> None:
        """Add the counts of ``other`` (gathered on another part of the corpus)."""
        self.unigrams.update(other.unigrams)
        self.pairs.update(other.pairs)

    def to_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Word counts (word, count) and pair counts (left, right, count), for storing."""
        unigrams = pd.DataFrame({"word": pd.array(list(self.unigrams), dtype="str"),
                                 "count": pd.array(list(self.unigrams.values()), dtype="int64")})
        pairs = pd.DataFrame({"left": pd.array([a for a, _ in self.pairs], dtype="str"),
                              "right": pd.array([b for _, b in self.pairs], dtype="str"),
                              "count": pd.array(list(self.pairs.values()), dtype="int64")})
        return unigrams, pairs

    @classmethod
    def from_tables(cls, unigrams: pd.DataFrame, pairs: pd.DataFrame, stopwords=frozenset()) -> "PairCounts":
        counts = cls(stopwords)
        counts.unigrams = Counter(dict(zip(unigrams["word"].tolist(), unigrams["count"].tolist())))
        counts.pairs = Counter(dict(zip(zip(pairs["left"].tolist(), pairs["right"].tolist()), pairs["count"].tolist())))
        return counts

    @classmethod
    def of(cls, word_lists, stopwords=frozenset()) -> "PairCounts":
        counts = cls(stopwords)
        for words in word_lists:
            counts.update(words)
        return counts


def candidate_terms(words: "PairCounts | list[list[str]]", *, known: set[str] | frozenset[str] = frozenset(),
                    stopwords: set[str] | frozenset[str] = frozenset(), min_count: int = 5,
                    top: int = 200) -> pd.DataFrame:
    """Adjacent word pairs that recur as a unit: candidates to add to the domain dictionary.

    ``words`` are the segmenter's raw words of each unit (before filtering, so adjacency is real), or their
    :class:`PairCounts`. A pair counts when both parts are Chinese words that are not stopwords and the joined
    term is not already ``known``. Returns term, left, right, count and PMI (log2 of how much more often the
    pair occurs than chance), the highest PMI first, for pairs seen at least ``min_count`` times.
    """
    counts = words if isinstance(words, PairCounts) else PairCounts.of(words, stopwords)
    unigrams, pairs = counts.unigrams, counts.pairs
    total = sum(unigrams.values()) or 1
    rows = []
    for (left, right), count in pairs.items():
        if count < min_count or left in stopwords or right in stopwords or left + right in known:
            continue
        pmi = math.log2(count * total / (unigrams[left] * unigrams[right]))
        rows.append({"term": left + right, "left": left, "right": right, "count": count, "pmi": round(pmi, 4)})
    table = pd.DataFrame(rows, columns=["term", "left", "right", "count", "pmi"])
    return table.sort_values(["pmi", "count", "term"], ascending=[False, False, True]).head(top).reset_index(drop=True)
