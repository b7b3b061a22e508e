"""How uncertain a share is: the units of each document resampled, one ensemble member drawn per replicate (the
model's seed uncertainty), and the document level drawn from a between-document variance that is estimated for
every cell (a year, a period, a group, a group in a year: any set of documents) by one formula, whatever the
number of its documents.

The share of a cell is the token-weighted mean of its documents' shares, p = sum_d T_d p_d / T. With document
effects of variance tau2 around the cell's level and unit noise v_d within document d, its variance is
tau2 / n_eff + sum_d T_d^2 v_d / T^2, where n_eff = T^2 / sum_d T_d^2 is the cell's effective number of
documents. The unit part is drawn by resampling the units of each of the cell's documents; the document part
is a normal draw of variance tau2_c / n_eff for the cell's own estimate

    tau2_c = w_c * s2_c + (1 - w_c) * s2_pooled,    w_c = (n_c - 1) / ((n_c - 1) + m),    m = min(PRIOR_DF, df_pooled)

(floored at zero), a precision-weighted blend of two moment estimates of the between-document variance: s2_c, the
variance of the cell's n_c document shares less their mean unit noise (n_c - 1 degrees of freedom; none for one
document), and s2_pooled, the same over the other cells of the table's grouping, pooled (where those cells hold
fewer than ten degrees of freedom, filled up to ten with half the mean squared difference of consecutive documents
by date, less the unit noise, each weighted by its degrees of freedom, so that no document added or dropped
switches from one estimate to the other: conservative where shares trend; where one-paragraph documents alternate
with long ones it averages their noise, too narrow for the short ones: a review measured 87% coverage there). In a
corpus that mixes one-paragraph documents with documents of several, a cell of documents of several paragraphs
pools over such documents only (:func:`document_variance`).
The unit noise of a document of several units is its own variance over its units shrunk the same way towards the
corpus's (:meth:`Documents.unit_variance`): a document of a few units understates it (none at all when no unit holds
a theme), and what its resampled units understate is drawn on top of the document level; the between-document
variance is estimated net of the same noise. A cell's one-unit documents (a unit resamples to itself) draw the noise
that a paragraph of their tokens has at the pooled spread where it exceeds the cell's document level, which is
estimated without it as before (:meth:`Documents.one_unit_noise`): where the document level comes from one-unit
documents it holds their noise already, where it comes from reports that differ little it does not. The blend of
tau2_c is the posterior mean of the empirical-Bayes (limma-style) model in which the cells' variances scatter around
the pooled one as a scaled inverse chi-square with m degrees of freedom: a variance from n_c - 1 degrees of freedom
and a prior worth m, each weighted by its degrees of freedom. m is the pooled estimate's degrees of freedom, at most
``PRIOR_DF`` = 10: pooling assumes that documents vary as much in every cell, which may be false (a year of one kind
of document), so the pool counts as ten documents' worth at most (a prior under which the cells' variances differ by
about sqrt(2 / (10 - 4)) = 58%, as a coefficient of variation). The weight grows smoothly with the documents (a pool
of ten degrees of freedom or more): 0 for one, 1/11 for two, 9/19 for ten, 19/29 for twenty; so an interval never
switches method when a document is added or dropped. As the variance is itself estimated, the cell's sampling
variance (tau2_c / n_eff plus the unit part) is widened by (t(df_c) / z)^2 at the intervals' level, the t interval
of a mean of documents; df_c = n_c - 1 + m, the posterior's degrees of freedom (with one document, t(m) is the
predictive distribution of a document effect whose variance scatters as the prior says); a change's simultaneous
interval and p-value take the t of their own quantile (trends.ShareModel.change). The pool over cells leaves the
cell itself out, so that its own estimate and that pool are independent: when the documents of every cell vary alike
and m is not capped, the blend is the pooled estimate of all the cells, with their degrees of freedom. The estimate
from consecutive documents that fills a pool of few degrees of freedom is taken over every document, the cell's own
too (only its degrees of freedom leave them out): not independent of the cell's own estimate (a mutation audit; in
600 simulated corpora of a year of three documents among years of one, that year's 95% interval held the true
level 94.8% of the time). The replicates are
drawn in a compiled kernel from a seeded stream, so the same seed gives the same intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..random_streams import below, normal, stream

PRIOR_DF = 10  # the most degrees of freedom the pooled between-document variance counts for in a cell's own


@njit(cache=True, nogil=True)
def _replicates(unit_offsets, weights, shares, cell_docs, cell_offsets, noise_sd, n_boot, state):
    """Replicate shares (replicates x cells x themes): each replicate draws one member of ``shares`` (members x
    units x themes), then per cell the units of each of its documents with replacement, and per cell and theme
    a normal document-level draw of standard deviation ``noise_sd`` (cells x themes) on top."""
    n_members, _, n_themes = shares.shape
    n_cells = cell_offsets.shape[0] - 1
    out = np.full((n_boot, n_cells, n_themes), np.nan)
    numerator = np.empty(n_themes)
    longest = 0
    for d in range(unit_offsets.shape[0] - 1):
        longest = max(longest, unit_offsets[d + 1] - unit_offsets[d])
    drawn = np.empty(longest, dtype=np.int64)  # a document's drawn units, drawn before they are summed
    for b in range(n_boot):
        m = below(state, n_members)
        for c in range(n_cells):
            start, end = cell_offsets[c], cell_offsets[c + 1]
            if end == start:
                continue
            numerator[:] = 0.0
            denominator = 0.0
            for j in range(start, end):
                d = cell_docs[j]
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
                if noise_sd[c, t] > 0:
                    value += noise_sd[c, t] * normal(state)
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
    dates: np.ndarray | None = None  # per document in that order, its date's rank (documents of one date share it)
    date_keys: np.ndarray | None = None  # per document in that order, its date's key (what ``dates`` ranks)
    _ranks_among: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _document_shares: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _unit_variance: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _one_unit_noise: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, doc_ids: np.ndarray, weights: np.ndarray, shares: np.ndarray, dates=None) -> "Documents":
        """``doc_ids`` per unit must be contiguous (a document's units together); ``dates``: per document, a key that
        sorts as its date (documents of one key have no order among them)."""
        starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
        offsets = np.r_[starts, len(doc_ids)].astype(np.int64)
        order, ranks, sorted_keys = np.arange(len(starts)), None, None
        if dates is not None:
            keys = np.asarray(dates)
            order = np.argsort(keys, kind="stable")
            sorted_keys = np.array([str(k) for k in keys[order]], dtype=object)
            ranks = _date_ranks(list(sorted_keys))
        weights, shares = np.asarray(weights, dtype=np.float64), np.ascontiguousarray(shares, dtype=np.float64)
        return cls(offsets, weights, shares, order, ranks, sorted_keys)

    def ranks_among(self, among: np.ndarray | None) -> np.ndarray | None:
        """The date ranks of the documents ``among`` selects (a mask by document; None: all), in date order, ranked
        among themselves: a document left out unties nothing (a month-dated notice tied the reports of its month in a
        pool of reports that leaves it out: a mutation audit). None without dates."""
        if self.dates is None or among is None:
            return self.dates
        key = np.asarray(among, dtype=bool).tobytes()
        if key not in self._ranks_among:
            kept = np.asarray(among, dtype=bool)[self.order]
            self._ranks_among[key] = _date_ranks(list(self.date_keys[kept])) if self.date_keys is not None else self.dates[kept]
        return self._ranks_among[key]

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

    def unit_variance(self) -> np.ndarray:
        """Per document and theme, the variance of its share over resamples of its units, for a document of two
        units or more shrunk towards the corpus's: the blend (k v_d + m s2 / T_d) / (k + m) of the document's own
        unbiased estimate v_d (k = its units - 1 degrees of freedom) and what its T_d tokens would give at the
        spread of units pooled over those documents (s2 per token: unit shares of variance s2 / w_u around their
        document's share, whose squared deviations sum to s2 (T_d - sum w_u^2 / T_d) in expectation; m =
        min(PRIOR_DF, the pool's degrees of freedom)), as the document level blends a cell's own variance with the
        pool's. A document of a few units all without a theme's keywords shares none of it in each (the model's
        exact membership): its own estimate is zero, which is no evidence that another cut of the year into
        paragraphs would find none either; its blend keeps the pool's. A document of one unit keeps its own (none):
        its paragraph is not told apart from the document, and the between-document variance counts it. Only what
        this adds to the resampling is drawn (:func:`replicate`), and the between-document variance is estimated
        net of this noise, the same that is drawn (net of the resampling's own, it took in what that understates,
        and a short document's cells counted it twice)."""
        if self._unit_variance is None:
            _, tokens, within = self.document_shares()
            starts = self.offsets[:-1]
            n = np.diff(self.offsets).astype(np.float64)
            with np.errstate(invalid="ignore", divide="ignore"):
                exposure = tokens - np.add.reduceat(self.weights**2, starts) / tokens  # E[squares] / s2
            several = (n >= 2) & (exposure > 0)  # units of tokens: a unit of none has no share to vary
            squares = within * tokens[:, None] ** 2  # per document: sum over its units of (w_u (p_u - p_d))^2
            pooled = (
                squares[several].sum(axis=0) / exposure[several].sum()
                if several.any() and exposure[several].sum() > 0
                else np.zeros(within.shape[1])
            )
            own_df = np.where(several, n - 1, 0.0)
            prior = min(PRIOR_DF, own_df.sum())
            with np.errstate(invalid="ignore", divide="ignore"):
                own = squares / exposure[:, None] / tokens[:, None]  # v_d's unbiased estimate under that model
                blend = (own_df[:, None] * own + prior * pooled[None, :] / tokens[:, None]) / (own_df + prior)[:, None]
            self._unit_variance = np.nan_to_num(np.where(several[:, None] & (prior > 0), blend, within))
            # a document of one unit: what its tokens would give at the pooled spread, in proportion to the pool's
            # degrees of freedom up to PRIOR_DF (a pool of one two-paragraph document says little; see one_unit_noise)
            alone = (n == 1) & (tokens > 0) & (prior > 0)
            with np.errstate(invalid="ignore", divide="ignore"):
                noise = pooled[None, :] / tokens[:, None] * (prior / PRIOR_DF)
                self._one_unit_noise = np.where(alone[:, None], noise, 0.0)
        return self._unit_variance

    def one_unit_noise(self) -> np.ndarray:
        """Per document and theme, for a document of one unit, the variance of its share that a paragraph of its
        tokens has at the spread of units pooled over the documents of several (:meth:`unit_variance`), counted in
        proportion to that pool's degrees of freedom up to PRIOR_DF (one two-paragraph document among notices
        widened some years threefold); zero for the others, and for all when no document has several units.
        :meth:`unit_variance` keeps a one-unit document's own (none), so the between-document variance is
        estimated as before (net of it, a notice's pooled noise took the document level of the long reports beside
        it to zero: a test holds this); :func:`replicate` draws the larger of the two for a cell, not both: a year
        of one paragraph among reports whose documents differ little read as certain as its one paragraph's share,
        a zero-width interval with one seed, and where the document level comes from one-unit documents it holds
        their noise already."""
        self.unit_variance()
        return self._one_unit_noise


def _moments(doc_share: np.ndarray, within: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Per theme: the variance of the documents' shares (n - 1 in the denominator) less their mean unit noise,
    an unbiased moment estimate of the between-document variance (not floored; ``docs`` holds two or more)."""
    values = doc_share[docs]
    return ((values - values.mean(axis=0)) ** 2).sum(axis=0) / (len(docs) - 1) - within[docs].mean(axis=0)


def _cell_sums(doc_share: np.ndarray, within: np.ndarray, cells: Cells, among=None) -> tuple[dict, tuple]:
    """Per cell of two or more documents (keyed by its sorted documents): its sum of squared deviations of
    document shares from their mean, its degrees of freedom, its documents' summed unit noise, its documents;
    and the totals of the four over those cells. ``among``: which documents count (a mask; default all)."""
    sums = {}
    for docs in cells.documents:
        docs = np.asarray(docs) if among is None else np.asarray(docs)[among[np.asarray(docs, dtype=np.int64)]]
        if len(docs) >= 2:
            values = doc_share[docs]
            sums[tuple(sorted(np.asarray(docs).tolist()))] = (
                ((values - values.mean(axis=0)) ** 2).sum(axis=0),
                len(docs) - 1,
                within[docs].sum(axis=0),
                len(docs),
            )
    return sums, tuple(sum(value[i] for value in sums.values()) for i in range(4))


def between_variance(documents: Documents, cells: Cells, leave_out=None, sums: tuple | None = None, among=None) -> tuple:
    """Per theme, the variance of document shares around their cell's mean that is not unit noise, pooled over
    the cells with several documents, leaving out the cell whose documents are ``leave_out``; where those cells hold
    fewer than ``PRIOR_DF`` degrees of freedom, filled up to that with half the mean squared difference of
    consecutive documents (by date) less the unit noise, each estimate weighted by its degrees of freedom: the
    consecutive documents' count for at most as many as there are documents outside the left-out cell, less one
    (none outside: the cell's own variance is all there is, zero of zero degrees of freedom). A document added to
    a cell moves the weight by one degree of freedom in ten: the estimate never switches from one to the other (it
    switched at two degrees of freedom: two short notices in one year among reports, one a year, made that year's
    spread the document level of every report, [0, 1] intervals; and dropping one of three documents narrowed a
    year's interval by a third). ``among``: the documents that count (a mask; default all: see
    :func:`document_variance`). Returns the variances, which estimates were used, and their degrees of freedom."""
    doc_share, within = documents.document_shares()[0], documents.unit_variance()
    per_cell, (squares, df, noise, count) = _cell_sums(doc_share, within, cells, among) if sums is None else sums
    pooled_cells = df >= 1
    if leave_out is not None:
        left_docs = np.asarray(leave_out, dtype=np.int64)
        left_docs = left_docs if among is None else left_docs[among[left_docs]]
        left = per_cell.get(tuple(sorted(left_docs.tolist())))
        if left is not None:  # the totals less the left-out cell's (one pass over the cells for all of them)
            squares, df, noise, count = squares - left[0], df - left[1], noise - left[2], count - left[3]
    kept = slice(None) if among is None else among[documents.order]
    order = documents.order[kept]
    ordered = doc_share[order]
    outside = len(ordered) - (len(left_docs) if leave_out is not None else 0)
    fill = max(0, min(PRIOR_DF, outside - 1, len(ordered) - 1) - df) if len(ordered) >= 3 else 0
    if df == 0 and fill == 0:
        return np.zeros(doc_share.shape[1]), "within cells" if pooled_cells else "none", 0
    if fill:
        mssd = _consecutive_msd(ordered, documents.ranks_among(among))
        consecutive = np.maximum(mssd - within[order].mean(axis=0), 0.0)
        if df == 0:
            return consecutive, "consecutive documents", fill
    own = np.maximum(squares / df - noise / count, 0.0) if df else 0.0
    if not fill:
        return own, "within cells", df
    return (df * own + fill * consecutive) / (df + fill), "within cells and consecutive documents", df + fill


def _date_ranks(dates: list[str]) -> np.ndarray:
    """The rank of each of ``dates`` (ISO dates of any precision, sorted), one for the dates that have no order
    among them: equal ones, and a date of a month or a year with the days (or months) within it, and so on along
    such a chain (2022-01 with 2022-01-15 and 2022-01-20: a month-dated document was always the first of its month,
    a review)."""
    ranks = np.zeros(len(dates), dtype=np.int64)
    within: set[str] = set()  # the distinct dates of the current rank
    for i, date in enumerate(dates):
        parts = date.split("-")
        if i and not any("-".join(parts[:n]) in within for n in range(1, len(parts) + 1)):  # itself or a coarser date
            ranks[i], within = ranks[i - 1] + 1, set()
        elif i:
            ranks[i] = ranks[i - 1]
        within.add(date)
    return ranks


def _consecutive_msd(ordered: np.ndarray, dates: np.ndarray | None) -> np.ndarray:
    """Half the mean squared difference of consecutive documents (rows of ``ordered``, in date order), averaged
    over every order of the documents of one date (``dates``: their ranks): the documents of one date have no order,
    and in a cross-section of one year the order of their file names set the intervals (a hostile pass: the same
    twelve reports renamed, one province's sd 0.023 against 0.037). Without such documents, the plain mean."""
    if dates is None or len(dates) < 2 or np.all(np.diff(dates) > 0):
        return (np.diff(ordered, axis=0) ** 2).mean(axis=0) / 2
    starts = np.flatnonzero(np.r_[True, dates[1:] != dates[:-1]])
    count = np.diff(np.r_[starts, len(dates)])[:, None].astype(np.float64)
    total, squares = np.add.reduceat(ordered, starts, axis=0), np.add.reduceat(ordered**2, starts, axis=0)
    # within a date, its m - 1 consecutive pairs in a random order: each pair's expected squared difference is twice
    # the date's variance (ddof 1); between two dates, the last of one and the first of the next, any of their pairs
    within = 2 * (squares - total**2 / count)
    mean, mean_square = total / count, squares / count
    across = mean_square[:-1] + mean_square[1:] - 2 * mean[:-1] * mean[1:]
    return (within.sum(axis=0) + across.sum(axis=0)) / (len(dates) - 1) / 2


@dataclass
class Replicates:
    """Bootstrap replicates of every cell, and how their document level was estimated."""

    values: np.ndarray  # replicates x cells x themes
    basis: list[str]  # per cell: how the pooled part of its between-document variance was estimated
    weight: np.ndarray  # per cell: the weight of its own documents in its between-document variance
    df: np.ndarray  # per cell: the degrees of freedom of that variance (0: none drawn)
    variance: np.ndarray  # per cell and theme: that variance (tau2_c; 0 where its estimate was floored at zero)


def document_variance(documents: Documents, cells: Cells, pooled: Cells | None = None) -> tuple:
    """Per cell and theme, the between-document variance of the module's docstring: the blend of the cell's own
    moment estimate and the estimate pooled over the other cells of ``pooled`` (default ``cells``), so that the
    two are independent and their degrees of freedom add. Also per cell: its weight on its own documents, the
    degrees of freedom n - 1 + m of the blend, and how its pooled part was estimated.

    In a corpus that mixes documents of one paragraph (notices) with documents of several (reports), a cell whose
    documents all have several paragraphs pools over those documents only: a one-paragraph document's spread around
    its cell holds its paragraph noise (which the estimate keeps, :meth:`Documents.one_unit_noise`), and two short
    notices in one year made every report year's document level theirs (intervals [0, 1]). A cell that holds a
    one-paragraph document pools over all documents, as before, and so does a cell of several-paragraph documents
    where the others of their kind give no degree of freedom (one or two reports among notices: their year drew no
    document level at all, 40-58% coverage in a review's simulations); a corpus of one kind is not changed."""
    doc_share, within = documents.document_shares()[0], documents.unit_variance()
    sums = _cell_sums(doc_share, within, pooled or cells)
    several = np.diff(documents.offsets) >= 2
    kinds = bool(several.any() and not several.all())  # one-paragraph documents beside documents of several
    sums_several = _cell_sums(doc_share, within, pooled or cells, several) if kinds else sums
    blended = np.zeros((len(cells.documents), doc_share.shape[1]))
    weight, df = np.zeros(len(cells.documents)), np.zeros(len(cells.documents))
    basis = []
    for c, docs in enumerate(cells.documents):
        df_pooled = 0
        if kinds and len(docs) and several[np.asarray(docs, dtype=np.int64)].all():
            variance, source, df_pooled = between_variance(
                documents, pooled or cells, leave_out=docs, sums=sums_several, among=several
            )
        if not df_pooled:
            variance, source, df_pooled = between_variance(documents, pooled or cells, leave_out=docs, sums=sums)
        basis.append(source)
        own, prior = max(len(docs) - 1, 0), min(PRIOR_DF, df_pooled)
        if own + prior == 0:
            continue
        weight[c], df[c] = own / (own + prior), own + prior
        mixed = (1 - weight[c]) * variance + (weight[c] * _moments(doc_share, within, docs) if own else 0.0)
        blended[c] = np.maximum(mixed, 0.0)
    return blended, weight, df, basis


def t_widening(df, level: float) -> np.ndarray:
    """t(df) / z at the two-sided ``level``: how much wider a t interval of ``df`` degrees of freedom is than a
    normal one (1 where df is 0: no estimated variance)."""
    from scipy.stats import norm, t

    df = np.asarray(df, dtype=float)
    q = 0.5 + level / 2
    return np.where(df > 0, t.ppf(q, np.maximum(df, 1e-3)) / norm.ppf(q), 1.0)


def replicate(
    documents: Documents,
    cells: Cells,
    n_boot: int,
    random_state: int,
    *,
    with_members: bool = True,
    pooled: Cells | None = None,
    level: float = 0.95,
) -> Replicates:
    """Replicates of the cells (see the module's docstring). The pooled part of the between-document variance
    comes from ``pooled`` (every cell of the table's grouping, default ``cells``), so a table of a few cells
    still borrows from all the documents. As that variance is itself estimated (df degrees of freedom), a cell's
    variance of sampling (documents and units, tau2 / n_eff + U) is widened by (t(df) / z)^2 at the intervals'
    ``level``: the document draw carries the widened document part and the widening of the unit part U that its
    units' resampling gives, the t interval of a mean of documents whose variance is estimated."""
    variance, weight, df, basis = document_variance(documents, cells, pooled)
    widen = t_widening(df, level)
    shares = documents.shares if with_members else documents.shares.mean(axis=0, keepdims=True)
    cell_docs = (
        np.concatenate([np.asarray(d, dtype=np.int64) for d in cells.documents])
        if cells.documents
        else np.zeros(0, dtype=np.int64)
    )
    cell_offsets = np.r_[0, np.cumsum([len(d) for d in cells.documents])].astype(np.int64)
    state = stream(random_state)
    _, tokens, within = documents.document_shares()
    shrunk, alone = documents.unit_variance(), documents.one_unit_noise()
    noise_var = np.zeros_like(variance)
    for c, docs in enumerate(cells.documents):
        if len(docs):
            share_of = tokens[docs] / tokens[docs].sum()
            units = (share_of[:, None] ** 2 * within[docs]).sum(axis=0)  # U: the unit part the resampling gives
            # what a document's few units understate of it (Documents.unit_variance), drawn on top
            short = np.maximum((share_of[:, None] ** 2 * shrunk[docs]).sum(axis=0) - units, 0.0)
            neff = 1 / (share_of**2).sum()
            # the paragraph noise of its one-unit documents, where the document level does not already hold as much
            # (estimated from one-unit documents, it holds their noise: drawn once, not twice)
            level = np.maximum(variance[c] / neff, (share_of[:, None] ** 2 * alone[docs]).sum(axis=0))
            noise_var[c] = widen[c] ** 2 * (level + short) + (widen[c] ** 2 - 1) * units
    values = _replicates(
        documents.offsets,
        documents.weights,
        shares,
        cell_docs,
        cell_offsets,
        np.ascontiguousarray(np.sqrt(noise_var)),
        n_boot,
        state,
    )
    return Replicates(values, basis, weight, df, variance)


def _nanstd(values: np.ndarray) -> np.ndarray:
    """Standard deviation over the first axis; NaN (quietly) where a cell has no data."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanstd(values, axis=0, ddof=1)


def standard_deviations(replicates: Replicates) -> np.ndarray:
    """Cells x themes: the replicates' standard deviation."""
    return _nanstd(replicates.values)


def difference_sd(replicates: Replicates, first: int, second: int) -> np.ndarray:
    """Per theme: the standard deviation of the difference between two cells over the replicates (the same
    ensemble member in both cells of a replicate)."""
    return _nanstd(replicates.values[:, second] - replicates.values[:, first])
