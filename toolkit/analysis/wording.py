"""How each theme is worded in each period: its top words re-estimated from the units' theme shares and word
counts, scored by class-based TF-IDF (BERTopic's c-TF-IDF, as in its ``topics_over_time``). This shows how a
theme shifts (创新 from 科技 to 数字化), not only how much of the text it takes; gensim's LdaSeqModel answers the
same question with a new model fitted for hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..options import NON_NEGATIVE, POSITIVE, Option

if TYPE_CHECKING:
    import pandas as pd
    from scipy import sparse

OPTIONS = {
    "top_n": Option(10, "Words per theme and period in theme_words.csv.", *POSITIVE),
    "min_count": Option(
        2.0,
        "Fewest share-weighted occurrences a word needs in a theme and period to be listed.",
        *NON_NEGATIVE,
        kind=(float, int),
    ),
}

COLUMNS = ["theme", "period", "rank", "word", "score", "count", "new"]


def theme_words(
    counts: sparse.spmatrix,
    vocabulary: list[str],
    shares: np.ndarray,
    themes: list[str],
    periods: np.ndarray,
    order: list[str],
    *,
    top_n: int = 10,
    min_count: float = 2.0,
) -> pd.DataFrame:
    """Top words of each theme in each period.

    ``counts`` (units x words) and ``shares`` (units x themes) are the modelled units; ``periods`` names each
    unit's period ('' for none) and ``order`` lists the periods in time order. A theme's word count in a
    period is the sum over the period's units of share x count; each (theme, period) is one class of
    c-TF-IDF: the word's frequency within the class times log(1 + A / f), where f is the word's count over
    every theme and period and A the mean weighted count of a theme's words over all periods (BERTopic's
    classes for the idf are its topics, the periods only split them), so words common to every theme rank low.
    Words with fewer than ``min_count`` weighted occurrences in the class are left out. ``new`` marks a word that
    was not in the theme's list of the period before: the one before it that has units (a period of ``order``
    without any is no column of the table or of its figure); after a period without the theme's words none is new.
    """
    import pandas as pd
    from scipy import sparse

    counts = sparse.csr_matrix(counts)  # integer counts stay integers: no float copy of the whole matrix
    shares = np.asarray(shares, dtype=np.float64)
    if np.isnan(shares).any():
        shares = np.nan_to_num(shares)
    periods = np.asarray(periods, dtype=object)
    weighted = {}
    for period in order:
        rows = np.flatnonzero(periods == period)
        if len(rows):
            weighted[period] = np.asarray((counts[rows].T @ shares[rows]).T)  # themes x words
    if not weighted:
        return pd.DataFrame(columns=COLUMNS)
    total = sum(weighted.values())
    frequency = total.sum(axis=0)
    mean_class = total.sum() / max(len(themes), 1)
    idf = np.log1p(mean_class / np.where(frequency > 0, frequency, np.inf))
    rows_out = []
    for t, theme in enumerate(themes):
        previous: set[str] = set()
        for period, matrix in weighted.items():
            row = matrix[t]
            size = row.sum()
            if size <= 0:
                previous = set()
                continue
            score = row / size * idf
            candidates = np.flatnonzero(row >= max(min_count, 1e-12))
            best = candidates[np.lexsort((candidates, -score[candidates]))][:top_n]
            words = [vocabulary[j] for j in best]
            for rank, (j, word) in enumerate(zip(best, words), start=1):
                rows_out.append(
                    {
                        "theme": theme,
                        "period": period,
                        "rank": rank,
                        "word": word,
                        "score": round(float(score[j]), 6),
                        "count": round(float(row[j]), 2),
                        "new": bool(previous) and word not in previous,
                    }
                )
            previous = set(words)
    return pd.DataFrame(rows_out, columns=COLUMNS)
