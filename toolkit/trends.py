"""Theme shares per year, weighted by tokens, with the counts behind each year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .options import FRACTION, NON_NEGATIVE, Option

OPTIONS = {
    "bootstrap": Option(1000, "Resamples of the units of each year for the intervals; 0 for none.", *NON_NEGATIVE),
    "level": Option(0.95, "Coverage of the intervals.", *FRACTION, kind=(float, int)),
    "change_from": Option(0, "First year of the change table; 0 for the first year with data.", *NON_NEGATIVE),
    "change_to": Option(0, "Last year of the change table; 0 for the last year with data.", *NON_NEGATIVE),
}
RETIRED = {"seeds": "extra seeds are now the ensemble: set model.ensemble (e.g. 3) instead of trends.seeds"}


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


def _year_arrays(units: pd.DataFrame, year: int, themes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    in_year = units[units["year"] == year]
    tokens = in_year["n_tokens"].to_numpy(dtype=float)
    return tokens, tokens[:, None] * in_year[themes].to_numpy(dtype=float)


def _bootstrap_shares(tokens: np.ndarray, weighted: np.ndarray, n_boot: int, rng) -> np.ndarray:
    """Shares of each theme in ``n_boot`` resamples of the units (with replacement): n_boot x themes.

    Each resample draws n units uniformly and counts how often each was drawn (a multinomial draw, made with
    integers: numpy's multinomial over n equal categories is orders of magnitude slower).
    """
    n = len(tokens)
    shares = np.empty((n_boot, weighted.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        for b in range(n_boot):
            counts = np.bincount(rng.randint(0, n, size=n), minlength=n).astype(np.float64)
            shares[b] = (counts @ weighted) / (counts @ tokens)
    return shares


def bootstrap_intervals(units: pd.DataFrame, themes: list[str], table: pd.DataFrame, *, n_boot: int = 1000,
                        level: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """``table`` (from :func:`theme_by_year`) with ``share_low`` and ``share_high``: a percentile interval
    from resampling the units of each year with replacement, ``n_boot`` times. Years without units stay empty.
    """
    rng = np.random.RandomState(random_state)
    tail = (1 - level) / 2 * 100
    low, high = {}, {}
    for year in sorted(table["year"].unique()):
        tokens, weighted = _year_arrays(units, year, themes)
        if tokens.sum() == 0:
            continue
        draws = _bootstrap_shares(tokens, weighted, n_boot, rng)
        for j, theme in enumerate(themes):
            low[(year, theme)], high[(year, theme)] = np.nanpercentile(draws[:, j], [tail, 100 - tail])
    out = table.copy()
    keys = list(zip(out["year"], out["theme"]))
    out["share_low"] = [low.get(k, np.nan) for k in keys]
    out["share_high"] = [high.get(k, np.nan) for k in keys]
    return out


def seed_spread(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Spread of the yearly shares across models fitted with different seeds: min, max and sd per year and theme."""
    stacked = pd.concat([t[["year", "theme", "share"]].assign(run=i) for i, t in enumerate(tables)])
    spread = stacked.groupby(["year", "theme"], sort=False)["share"].agg(seed_min="min", seed_max="max", seed_sd="std")
    return spread.reset_index()


def change_between(units: pd.DataFrame, themes: list[str], first: int, last: int, *, n_boot: int = 1000,
                   level: float = 0.95, random_state: int = 0) -> pd.DataFrame:
    """Change of each theme's share from year ``first`` to year ``last``, with a bootstrap interval.

    The two years' units are resampled independently; a change is ``clear`` when its interval excludes 0.
    """
    rng = np.random.RandomState(random_state)
    tail = (1 - level) / 2 * 100
    rows = []
    t1, w1 = _year_arrays(units, first, themes)
    t2, w2 = _year_arrays(units, last, themes)
    if t1.sum() == 0 or t2.sum() == 0:
        raise ValueError(f"no units in {first if t1.sum() == 0 else last}")
    d1 = _bootstrap_shares(t1, w1, n_boot, rng)
    d2 = _bootstrap_shares(t2, w2, n_boot, rng)
    for j, theme in enumerate(themes):
        s1, s2 = w1[:, j].sum() / t1.sum(), w2[:, j].sum() / t2.sum()
        lo, hi = np.nanpercentile(d2[:, j] - d1[:, j], [tail, 100 - tail])
        rows.append({"theme": theme, "year_from": first, "year_to": last, "share_from": s1, "share_to": s2,
                     "change": s2 - s1, "change_low": lo, "change_high": hi, "clear": bool(lo > 0 or hi < 0)})
    return pd.DataFrame(rows)


def keyword_rates(units: pd.DataFrame, keyword_counts: np.ndarray, themes: list[str],
                  *, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Model-free baseline: occurrences of each theme's lexicon words per 10,000 tokens, per year.

    ``keyword_counts`` (units x themes, :func:`toolkit.themes.keyword_counts`) holds the keyword tokens of each
    row of ``units`` (which needs year and n_tokens); ``themes`` names its columns.
    """
    first, last = years if years else (int(units["year"].min()), int(units["year"].max()))
    n_years = last - first + 1
    year_of_unit = units["year"].to_numpy(dtype=np.int64) - first
    in_window = (year_of_unit >= 0) & (year_of_unit < n_years)
    totals = np.bincount(year_of_unit[in_window], weights=units["n_tokens"].to_numpy(dtype=float)[in_window],
                         minlength=n_years)
    counts = np.zeros((n_years, len(themes)))
    np.add.at(counts, year_of_unit[in_window], keyword_counts[in_window])
    rows = []
    for i in range(n_years):
        total = int(totals[i])
        for k, theme in enumerate(themes):
            count = int(counts[i, k])
            rows.append({"year": first + i, "theme": theme, "per_10k": count / total * 1e4 if total else np.nan,
                         "count": count, "n_tokens": total})
    return pd.DataFrame(rows)


def model_keyword_agreement(shares: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlation across years between each theme's model share and its keyword rate."""
    merged = shares.merge(rates, on=["year", "theme"]).dropna(subset=["share", "per_10k"])
    rows = []
    for theme, rows_theme in merged.groupby("theme", sort=False):
        ok = len(rows_theme) >= 3 and rows_theme["share"].std() > 0 and rows_theme["per_10k"].std() > 0
        r = float(np.corrcoef(rows_theme["share"], rows_theme["per_10k"])[0, 1]) if ok else np.nan
        rows.append({"theme": theme, "pearson_r": r, "n_years": len(rows_theme)})
    return pd.DataFrame(rows)


@dataclass
class Trends:
    """Yearly tables: shares with intervals, keyword baseline, agreement, change between two years."""

    yearly: pd.DataFrame
    keywords: pd.DataFrame
    agreement: pd.DataFrame
    change: pd.DataFrame


CHANGE_COLUMNS = ["theme", "year_from", "year_to", "share_from", "share_to", "change", "change_low", "change_high",
                  "clear"]


def yearly_trends(units: pd.DataFrame, keyword_counts: np.ndarray, themes: list[str], *,
                  window: tuple[int, int], member_shares=None, bootstrap: int = 1000, level: float = 0.95,
                  random_state: int = 0, change_from: int = 0, change_to: int = 0) -> Trends:
    """Theme shares by year with bootstrap intervals, the spread over ensemble members, the keyword baseline,
    their agreement, and the change between two years.

    ``units``: every unit with year, doc_id, n_tokens, in_model and one share column per name in ``themes``
    (the lexicon's themes, then ``other``); ``keyword_counts``: their keyword tokens per theme (units x the
    lexicon's themes); ``member_shares``: each ensemble member's shares of the modelled units (members x units x
    themes), when there is more than one member.
    """
    modelled = units[units["in_model"]]
    yearly = theme_by_year(modelled, themes, years=window)
    if bootstrap:
        yearly = bootstrap_intervals(modelled, themes, yearly, n_boot=bootstrap, level=level,
                                     random_state=random_state)
    if member_shares is not None and len(member_shares) > 1:
        base = modelled[["year", "doc_id", "n_tokens"]].reset_index(drop=True)
        tables = [theme_by_year(pd.concat([base, pd.DataFrame(shares, columns=themes)], axis=1), themes, years=window)
                  for shares in member_shares]
        yearly = yearly.merge(seed_spread(tables), on=["year", "theme"], how="left")
    keywords = keyword_rates(units, keyword_counts, themes[:keyword_counts.shape[1]], years=window)
    agreement = model_keyword_agreement(yearly, keywords)
    with_data = sorted(yearly.loc[yearly["n_units"] > 0, "year"].unique())
    first, last = change_from or with_data[0], change_to or with_data[-1]
    if first == last or first not in with_data or last not in with_data:
        change = pd.DataFrame(columns=CHANGE_COLUMNS)
    else:
        change = change_between(modelled, themes, first, last, n_boot=max(bootstrap, 200), level=level,
                                random_state=random_state)
    return Trends(yearly, keywords, agreement, change)
