"""Unit tokens -> vocabulary and sparse document-term matrix (the input of every model)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import NoData, ToolkitError
from ..options import FRACTION, NON_NEGATIVE, POSITIVE, Option
from .tokens import UnitTokens, as_unit_tokens

if TYPE_CHECKING:
    import pandas as pd
    from scipy import sparse

OPTIONS = {
    "min_df": Option(2, "Drop words in fewer units than this (lexicon words excepted: see keep_lexicon).", *POSITIVE),
    "max_df": Option(
        0.5,
        "Drop words in more than this share of units (lexicon words excepted: see keep_lexicon).",
        *FRACTION,
        kind=(float, int),
    ),
    "max_terms": Option(
        0, "Keep at most this many words (most frequent), and the lexicon's with keep_lexicon; 0 for all.", *NON_NEGATIVE
    ),
    "keep_lexicon": Option(
        True,
        "Keep the lexicon's words in the vocabulary however common or rare they are (min_df, "
        "max_df and max_terms do not apply to them): the themes are measured with them.",
    ),
    "phrases": Option(
        False, "Join word pairs that recur together into one token (gensim Phrases, a_b); never a pair holding a lexicon word."
    ),
    "phrase_min_count": Option(5, "Phrases: least count of a pair.", *POSITIVE),
    "phrase_threshold": Option(10.0, "Phrases: score a pair needs (higher: fewer phrases).", *POSITIVE, kind=(float, int)),
}


def check_options(section: dict) -> None:
    if isinstance(section["max_df"], int) and section["max_df"] != 1:
        raise ToolkitError(f"vocab.max_df is a share of units in (0, 1], not {section['max_df']}")


def word_frequencies(tokens: UnitTokens | list[list[str]]) -> pd.DataFrame:
    """How often each word occurs (``count``) and in how many units (``n_units``), indexed by word."""
    import pandas as pd

    tokens = as_unit_tokens(tokens)
    count, n_units = tokens.word_counts()
    return pd.DataFrame({"count": count, "n_units": n_units}, index=pd.Index(tokens.words, name="word"))


def _select(
    frequencies: pd.DataFrame,
    n_units: int,
    min_df: int,
    max_df: float,
    max_terms: int,
    keep: frozenset[str] | set[str] = frozenset(),
) -> list[str]:
    max_count = max_df * n_units
    if not len(frequencies) or not frequencies["count"].sum():
        raise NoData(
            f"no word in any of the {n_units} units after cleaning and segmentation: do the texts hold Chinese? "
            "(text in another language, numbers and punctuation leave no word); `toolkit normalize` shows what is left"
        )
    if min_df > max_count:
        raise NoData(
            f"vocab.min_df ({min_df} units) is above vocab.max_df ({max_df} of {n_units} units "
            f"= {max_count:g}); lower min_df or raise max_df"
        )
    exempt = frequencies.index.isin(list(keep)) if keep else np.zeros(len(frequencies), dtype=bool)
    in_range = (frequencies["n_units"] >= min_df) & (frequencies["n_units"] <= max_count)
    kept = frequencies[in_range | (exempt & (frequencies["count"] > 0))]
    ranked = [w for _, w in sorted(zip((-kept["count"]).tolist(), kept.index.tolist()))]
    if max_terms:  # the most frequent words up to max_terms, and the kept lexicon words whatever their rank
        own = set(frequencies.index[exempt & (frequencies["count"] > 0)])
        top = set(ranked[:max_terms])
        ranked = [w for w in ranked if w in top or w in own]
    words = ranked
    if not words:
        raise ToolkitError(
            f"the vocabulary is empty: no word occurs in at least {min_df} of {n_units} units and "
            f"at most {max_df:g} of them; lower vocab.min_df or raise vocab.max_df"
        )
    return words


def build_vocabulary(
    tokens: UnitTokens | list[list[str]], *, min_df: int = 2, max_df: float = 0.5, max_terms: int = 0
) -> list[str]:
    """Words in at least ``min_df`` units and at most a ``max_df`` share of them, most frequent first.

    Ties are broken by the word itself, so the vocabulary does not depend on input order.
    ``max_terms`` (0 = no cap) keeps the most frequent words.
    """
    tokens = as_unit_tokens(tokens)
    return _select(word_frequencies(tokens), len(tokens), min_df, max_df, max_terms)


def unit_counts(
    tokens: UnitTokens | list[list[str]],
    *,
    min_df: int = 2,
    max_df: float = 0.5,
    max_terms: int = 0,
    keep: frozenset[str] | set[str] = frozenset(),
):
    """Vocabulary, the counts of the units that have a vocabulary word, and which units those are (bool mask).

    Words of ``keep`` (the lexicon's words) are exempt from ``min_df``, ``max_df`` and ``max_terms``: a theme is
    measured with its keywords, its most frequent one is no boilerplate and its rarest is still evidence."""
    tokens = as_unit_tokens(tokens)
    vocabulary = _select(word_frequencies(tokens), len(tokens), min_df, max_df, max_terms, keep)
    counts = document_term_matrix(tokens, vocabulary)
    in_model = np.diff(counts.indptr) > 0
    if not in_model.any():
        raise NoData(
            "no unit has a word of the vocabulary: the corpus is empty after filtering; check segment and vocab settings"
        )
    return vocabulary, _without_empty_rows(counts, in_model), in_model


def _without_empty_rows(counts: sparse.csr_matrix, nonempty: np.ndarray) -> sparse.csr_matrix:
    """``counts[nonempty]`` when the rows left out hold no entry: the same matrix, sharing the entries rather
    than copying them (the largest array of a run after the tokens)."""
    from scipy import sparse

    indptr = np.concatenate([counts.indptr[:1], counts.indptr[1:][nonempty]])
    return sparse.csr_matrix((counts.data, counts.indices, indptr), shape=(int(nonempty.sum()), counts.shape[1]))


def document_term_matrix(tokens: UnitTokens | list[list[str]], vocabulary: list[str]) -> sparse.csr_matrix:
    """Counts of each vocabulary word in each unit, as a CSR matrix (units x words, sorted indices, int64 counts)."""
    tokens = as_unit_tokens(tokens)
    column = {w: j for j, w in enumerate(vocabulary)}
    columns = np.fromiter((column.get(w, -1) for w in tokens.words), dtype=np.int64, count=len(tokens.words))
    return tokens.count_matrix(columns, len(vocabulary))
