"""How uncertain a share is: a two-stage (cluster) bootstrap over documents and their units, with the model's
seed uncertainty folded in by drawing one ensemble member per replicate.

Paragraphs of one document are not independent draws, so a cell of a table (a year, a period, a group, a
group in a year: any set of documents) with at least ``MIN_CLUSTERS`` documents is resampled document by
document, then unit by unit within each drawn document (standard deviations scaled by sqrt(n / (n - 1)), the
usual correction for a mean of n clusters). A few documents cannot show how documents vary (three documents
give three bootstrap values of the document level): a cell with fewer keeps its documents, resamples their
units, and draws the document level from the between-document variance pooled over the whole table (over
the documents of every cell with several, or, when every cell has one document, from the differences between
consecutive documents, which is conservative where shares trend), divided by the cell's effective number of
documents. The replicates are drawn in a compiled kernel from a seeded stream, so the same seed gives the
same intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from .models.gibbs import below, uniform


@njit(cache=True, nogil=True)
def _normal(state):
    """A standard normal draw (Box-Muller)."""
    u1 = uniform(state)
    while u1 <= 0.0:
        u1 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * uniform(state))


MIN_CLUSTERS = 10  # a cell with fewer documents draws its document level from the pooled variance


@njit(cache=True, nogil=True)
def _replicates(unit_offsets, weights, shares, cell_docs, cell_offsets, cell_neff, sigma, n_boot, state):
    """Replicate shares (replicates x cells x themes): each replicate draws one member of ``shares`` (members x
    units x themes), then per cell its documents with replacement (cells of ``MIN_CLUSTERS`` documents or more;
    smaller cells keep theirs) and their units with replacement; a smaller cell gets document-level noise of
    standard deviation ``sigma / sqrt(cell_neff)`` (per theme) on top."""
    n_members, _, n_themes = shares.shape
    n_cells = cell_offsets.shape[0] - 1
    out = np.full((n_boot, n_cells, n_themes), np.nan)
    numerator = np.empty(n_themes)
    longest = 0
    for d in range(unit_offsets.shape[0] - 1):
        longest = max(longest, unit_offsets[d + 1] - unit_offsets[d])
    drawn = np.empty(longest, dtype=np.int64)  # a drawn document's units, drawn before they are summed
    for b in range(n_boot):
        m = below(state, n_members)
        for c in range(n_cells):
            start, end = cell_offsets[c], cell_offsets[c + 1]
            n = end - start
            if n == 0:
                continue
            numerator[:] = 0.0
            denominator = 0.0
            resample = n >= MIN_CLUSTERS
            for j in range(n):
                d = cell_docs[start + below(state, n)] if resample else cell_docs[start + j]
                first, count = unit_offsets[d], unit_offsets[d + 1] - unit_offsets[d]
                # the same draws and the same sums in the same order as drawing and adding one unit at a time,
                # but a loop of additions alone runs about 1.3-1.4x faster (bench/bootstrap.py)
                for q in range(count):
                    drawn[q] = first + below(state, count)
                for q in range(count):
                    u = drawn[q]
                    denominator += weights[u]
                    for t in range(n_themes):
                        numerator[t] += weights[u] * shares[m, u, t]
            for t in range(n_themes):
                value = numerator[t] / denominator if denominator > 0 else np.nan
                if not resample and sigma[t] > 0:
                    value += sigma[t] / np.sqrt(cell_neff[c]) * _normal(state)
                out[b, c, t] = value
    return out


@dataclass
class Cells:
    """The cells of a table: which documents each holds, and what the table reports about each."""

    labels: list  # one per cell (a year, a period name, a group value, a (group, year) pair ...)
    documents: list[np.ndarray]  # document indices (into Documents) of each cell


@dataclass
class Documents:
    """The modelled units grouped by document: document d holds units ``offsets[d]:offsets[d + 1]``."""

    offsets: np.ndarray
    weights: np.ndarray  # tokens of each unit
    shares: np.ndarray  # members x units x themes
    order: np.ndarray  # document indices in the order of their dates
    _document_shares: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, doc_ids: np.ndarray, weights: np.ndarray, shares: np.ndarray, dates=None) -> "Documents":
        """``doc_ids`` per unit must be contiguous (a document's units together)."""
        starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
        offsets = np.r_[starts, len(doc_ids)].astype(np.int64)
        order = np.argsort(np.asarray(dates), kind="stable") if dates is not None else np.arange(len(starts))
        return cls(offsets, np.asarray(weights, dtype=np.float64), np.ascontiguousarray(shares, dtype=np.float64),
                   order)

    def document_shares(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document: its token-weighted share of each theme (mean over members), its tokens, and the
        variance of that share over resamples of its units (linearised). Computed once; two arrays of the size
        of the unit shares at a time."""
        if self._document_shares is None:
            starts = self.offsets[:-1]
            mean = self.shares.mean(axis=0)
            tokens = np.add.reduceat(self.weights, starts)
            weighted = self.weights[:, None] * mean
            doc_share = np.add.reduceat(weighted, starts, axis=0) / tokens[:, None]
            del weighted
            unit_doc = np.repeat(np.arange(len(tokens)), np.diff(self.offsets))
            residual = np.subtract(mean, doc_share[unit_doc], out=mean)  # (weights * (mean - doc_share)) ** 2
            residual *= self.weights[:, None]
            np.square(residual, out=residual)
            within = np.add.reduceat(residual, starts, axis=0) / tokens[:, None] ** 2
            self._document_shares = (doc_share, tokens, within)
        return self._document_shares


def between_variance(documents: Documents, cells: Cells) -> tuple[np.ndarray, str, int]:
    """Per theme, the variance of document shares around their cell's mean that is not unit noise, pooled over
    the cells with several documents; with fewer than two degrees of freedom there, half the mean squared
    difference of consecutive documents (by date). Returns the variances, which estimate was used, and its
    degrees of freedom."""
    doc_share, _, within = documents.document_shares()
    squares, df, noise = np.zeros(doc_share.shape[1]), 0, []
    for docs in cells.documents:
        if len(docs) >= 2:
            values = doc_share[docs]
            squares += ((values - values.mean(axis=0)) ** 2).sum(axis=0)
            df += len(docs) - 1
            noise.append(within[docs])
    if df >= 2:
        return np.maximum(squares / df - np.concatenate(noise).mean(axis=0), 0.0), "within cells", df
    ordered = doc_share[documents.order]
    if len(ordered) < 3:
        return np.zeros(doc_share.shape[1]), "none", 0
    mssd = (np.diff(ordered, axis=0) ** 2).mean(axis=0) / 2
    return np.maximum(mssd - within.mean(axis=0), 0.0), "consecutive documents", len(ordered) - 1


@dataclass
class Replicates:
    """Bootstrap replicates of every cell, and what turns them into intervals."""

    values: np.ndarray  # replicates x cells x themes
    scale: np.ndarray  # per cell: sqrt(n / (n - 1)) for cells resampled by document, else 1
    basis: str  # how the between-document variance was estimated


def replicate(documents: Documents, cells: Cells, n_boot: int, random_state: int, *, with_members: bool = True,
              pooled: Cells | None = None) -> Replicates:
    """Cluster-bootstrap replicates of the cells (see the module's docstring). The between-document variance is
    pooled over ``pooled`` (every cell of the table's grouping, default ``cells``), so a table of a few cells
    still borrows from all the documents; its draws are widened by t(df) / z, as the variance is itself
    estimated from df degrees of freedom."""
    from scipy.stats import norm, t

    variance, basis, df = between_variance(documents, pooled or cells)
    widen = t.ppf(0.975, df) / norm.ppf(0.975) if df > 0 else 1.0
    shares = documents.shares if with_members else documents.shares.mean(axis=0, keepdims=True)
    cell_docs = np.concatenate([np.asarray(d, dtype=np.int64) for d in cells.documents]) if cells.documents else \
        np.zeros(0, dtype=np.int64)
    cell_offsets = np.r_[0, np.cumsum([len(d) for d in cells.documents])].astype(np.int64)
    state = np.array([np.random.SeedSequence(random_state).generate_state(1, dtype=np.uint64)[0]], dtype=np.uint64)
    _, tokens, _ = documents.document_shares()
    neff = np.array([tokens[d].sum() ** 2 / (tokens[d] ** 2).sum() if len(d) else 1.0 for d in cells.documents])
    values = _replicates(documents.offsets, documents.weights, shares, cell_docs, cell_offsets, neff,
                         np.sqrt(variance) * widen, n_boot, state)
    sizes = np.array([len(d) for d in cells.documents])
    scale = np.where(sizes >= MIN_CLUSTERS, np.sqrt(sizes / np.maximum(sizes - 1, 1)), 1.0)
    return Replicates(values, scale, basis)


def _nanstd(values: np.ndarray) -> np.ndarray:
    """Standard deviation over the first axis; NaN (quietly) where a cell has no data."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanstd(values, axis=0, ddof=1)


def standard_deviations(replicates: Replicates) -> np.ndarray:
    """Cells x themes: the replicates' standard deviation, small-sample corrected."""
    return _nanstd(replicates.values) * replicates.scale[:, None]


def difference_sd(replicates: Replicates, first: int, second: int) -> np.ndarray:
    """Per theme: the standard deviation of the difference between two cells over the replicates (the same
    ensemble member in both cells of a replicate), each cell's deviations small-sample corrected."""
    values = replicates.values
    deviations = [(values[:, c] - values[:, c].mean(axis=0)) * replicates.scale[c] for c in (first, second)]
    return _nanstd(deviations[1] - deviations[0])
