"""Theme shares per year, weighted by tokens, with the counts behind each year."""

from __future__ import annotations

import numpy as np
import pandas as pd


def theme_by_year(units: pd.DataFrame, themes: list[str], *, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Tidy table: year, theme, share, n_documents, n_units, n_tokens.

    ``units`` needs columns year, doc_id, n_tokens and one share column per theme. A year's share is the
    token-weighted mean of its units' shares. Every year from the first to the last (or ``years``) appears;
    a year without units has share NaN and zero counts: a gap, never a zero.
    """
    first, last = years if years else (int(units["year"].min()), int(units["year"].max()))
    rows = []
    for year in range(first, last + 1):
        in_year = units[units["year"] == year]
        tokens = in_year["n_tokens"].to_numpy(dtype=float)
        total = tokens.sum()
        for theme in themes:
            share = float(np.dot(tokens, in_year[theme].to_numpy(dtype=float)) / total) if total > 0 else np.nan
            rows.append({"year": year, "theme": theme, "share": share,
                         "n_documents": int(in_year["doc_id"].nunique()), "n_units": int(len(in_year)),
                         "n_tokens": int(total)})
    return pd.DataFrame(rows)
