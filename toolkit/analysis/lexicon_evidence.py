"""What the corpus says about the lexicon: whether a theme's keywords measure one thing (split halves), which
words go with a theme's keywords far above chance (candidate keywords), what a free topic is about by those
words, and how far a theme's shares rest on single keywords.

Everything here is computed from the modelled units' counts (units x vocabulary words) and a fitted keyword
model; nothing is fitted again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from scipy import sparse


def pearson_interval(r: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """The interval of a Pearson correlation from ``n`` pairs (Fisher's z); NaN when it cannot be computed."""
    from scipy.stats import norm

    if not np.isfinite(r) or n < 4:
        return float("nan"), float("nan")
    z, half = np.arctanh(np.clip(r, -0.999999, 0.999999)), norm.ppf(0.5 + level / 2) / np.sqrt(n - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r over the pairs where both are finite; NaN for fewer than three pairs or a series without spread:
    its values equal to rounding (a spread within 1e-9 of their size). 0.1 six times has a std of 1.4e-17, and r
    came out 0.00, "agrees weakly" (mutation audit 10); a share of 0.1 in every unit, weighted into documents,
    differs by 1e-17 and gave r 0.40 (an adversarial review)."""
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(x) < 3 or is_flat(x) or is_flat(y):
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def is_flat(values: np.ndarray) -> bool:
    """Whether ``values`` are one value up to rounding (their spread within 1e-9 of their largest size)."""
    return bool(np.ptp(values) <= 1e-9 * max(float(np.max(np.abs(values))), 1e-300))


def _group_pearson(
    share_tokens: np.ndarray, kept: np.ndarray, held: np.ndarray, tokens: np.ndarray, labels: np.ndarray
) -> tuple[float, int]:
    """The correlation across groups (``labels``: a document or a year per unit) of the measured share (the
    group's ``share_tokens`` over its ``kept`` tokens) and the held-out rate (its ``held`` over its ``tokens``),
    token-weighted by summing units; and the number of groups with tokens in both."""
    import pandas as pd

    frame = (
        pd.DataFrame({"g": labels, "share": share_tokens, "kept": kept, "rate": held, "tokens": tokens})
        .groupby("g", sort=True)
        .sum()
    )
    frame = frame[(frame["kept"] > 0) & (frame["tokens"] > 0)]
    if min((frame["share"] > 0).sum(), (frame["rate"] > 0).sum()) < MIN_HOLDING:
        # one long document holding the theme among short ones without it: r 1.000 that says nothing
        return float("nan"), len(frame)
    return pearson((frame["share"] / frame["kept"]).to_numpy(), (frame["rate"] / frame["tokens"]).to_numpy()), len(frame)


MIN_HOLDING = 3  # groups (documents, years) that must hold each half for a correlation across them to say anything


def _within_pearson(
    share_tokens: np.ndarray, kept: np.ndarray, held: np.ndarray, tokens: np.ndarray, labels: np.ndarray
) -> tuple[float, int]:
    """The token-weighted correlation across units of the measured share (``share_tokens / kept``) and the held-out
    rate (``held / tokens``), each a deviation from its document's (``labels``) weighted mean; and the number of
    units less one per document with units, plus one (what a Fisher interval of the deviations counts). NaN, 0
    when that leaves fewer than four, or either has no spread within documents."""
    import pandas as pd

    use = (kept > 0) & (tokens > 0)
    codes = pd.factorize(np.asarray(labels)[use])[0]
    if not len(codes) or len(codes) - (codes.max() + 1) < 3:  # an interval needs four (see pearson_interval)
        return float("nan"), 0
    weight = tokens[use]
    x, y = share_tokens[use] / kept[use], held[use] / tokens[use]
    spread = np.dot(weight, x * x), np.dot(weight, y * y)
    total = np.bincount(codes, weight)
    x = x - (np.bincount(codes, weight * x) / total)[codes]
    y = y - (np.bincount(codes, weight * y) / total)[codes]
    xx, yy = np.dot(weight, x * x), np.dot(weight, y * y)
    if xx <= 1e-12 * spread[0] or yy <= 1e-12 * spread[1]:  # constant within documents, but for rounding
        return float("nan"), 0
    # units less one per document, plus the 1 that a Pearson correlation's own degrees of freedom count
    return float(np.dot(weight, x * y) / np.sqrt(xx * yy)), int(len(codes) - codes.max())


def keyword_halves(counts: sparse.csr_matrix, keywords: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each theme's keywords that occur, split in two halves of about equal weight: ranked by their count in
    the corpus, the 1st, 3rd, 5th ... to one half and the 2nd, 4th ... to the other (deterministic; no half is
    all the frequent words)."""
    totals = np.asarray(counts.sum(axis=0)).ravel()
    halves = []
    for ids in keywords:
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[totals[ids] > 0]
        ranked = ids[np.lexsort((ids, -totals[ids]))]
        halves.append((ranked[0::2], ranked[1::2]))
    return halves


def _column_sums(counts: sparse.csr_matrix, columns: list[np.ndarray]) -> sparse.csc_matrix:
    """Units x len(columns), sparse: each unit's tokens of each set of vocabulary ids, in one product (the same
    whole numbers as summing each set's columns; a column of it is one set's tokens per unit)."""
    from scipy import sparse

    rows = np.concatenate([np.asarray(c, dtype=np.int64) for c in columns]) if columns else np.zeros(0, np.int64)
    sets = np.repeat(np.arange(len(columns)), [len(c) for c in columns])
    kind = np.float64 if counts.dtype.kind == "f" else np.int64  # whole counts of any width summed as int64
    indicator = sparse.csr_matrix((np.ones(len(rows), dtype=kind), (rows, sets)), shape=(counts.shape[1], len(columns)))
    return (counts @ indicator).tocsc()


def split_half_agreement(
    model,
    counts: sparse.csr_matrix,
    keywords: list[np.ndarray],
    groups: dict[str, np.ndarray],
    level: float = 0.95,
    n_jobs: int = 1,
    within: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Whether a theme measured from half of its keywords follows the rate of the other half: a check a keyword
    count does not pass by construction.

    Every theme's keywords are split in two (:func:`keyword_halves`). The theme is measured from one half: the
    fitted topics fold each unit in again with the other half's words taken out of the text and the theme
    allowed only where a word of the first half occurs. That share is correlated with the rate of the held-out
    half (its tokens per vocabulary token) across the ``groups`` (name -> a label per unit, e.g. documents,
    years), token-weighted, both ways round (A measures, B is held out; then B measures), and the two
    correlations averaged. It fails when the two halves' rates do not move together (words without a common
    signal; across documents and years, words that only share a trend pass: see ``within``); it does not catch
    a theme of two unrelated subjects (each half, dealt alternately by frequency, holds both): docs/methods.md.

    ``within`` (name -> a label per unit, its document) adds a check across the units themselves, each unit's
    measured share and held-out rate taken as deviations from its document's (token-weighted): whether the
    halves go together in the same paragraphs of a document. Levels across documents and years pass words that
    merely share a trend (two unrelated words that both fall over the years: r 0.75-0.93 on the State Council
    reports) or a document's overall emphasis (each report's words shuffled: eight themes validated); within
    documents such words give r near 0 and the lexicon's themes 0.37-0.76 there. Its interval counts the units
    less one per document (the document means taken out); not computed when the units outnumber the documents
    by fewer than three.

    The units are folded in by :func:`toolkit.analysis.sampling.fold_in`, in seeded blocks, ``n_jobs`` at once:
    the result does not depend on ``n_jobs``.

    Returns one row per theme and group: theme, over, r_split (mean of the two directions), r_low and r_high (the
    interval of a correlation of that size from that many groups), n (groups), keywords_a, keywords_b.
    """
    import pandas as pd

    from .sampling import fold_in

    halves = keyword_halves(counts, keywords)
    topic_of = {int(a): k for k, a in enumerate(model.anchors_) if a >= 0}
    tokens = np.asarray(counts.sum(axis=1)).ravel().astype(float)
    directions = []
    for first in (0, 1):
        measure = [h[first] for h in halves]
        held = [h[1 - first] for h in halves]
        removed = np.concatenate([np.asarray(h, dtype=np.int64) for h in held]) if held else np.zeros(0, int)
        measured = [measure[int(a)] if a >= 0 else np.zeros(0, int) for a in model.anchors_]
        shares = fold_in(model, counts, n_jobs, drop=removed, keyword_ids=measured)
        kept_tokens = tokens - np.asarray(counts[:, removed].sum(axis=1)).ravel()
        # each theme's measured tokens per unit: the columns read below, not every topic's share
        measured_tokens = {theme: shares[:, k] * kept_tokens for theme, k in topic_of.items()}
        directions.append((measured_tokens, kept_tokens, _column_sums(counts, held)))
    # the checks across groups (sums of their units), then those within documents (deviations of each unit)
    kinds = [(over, labels, _group_pearson) for over, labels in groups.items()]
    kinds += [(over, labels, _within_pearson) for over, labels in (within or {}).items()]
    rows = []
    for theme, (a, b) in enumerate(halves):
        for over, labels, correlate in kinds:
            rs, ns = [], []
            if theme in topic_of and len(a) and len(b):
                for share_tokens, kept_tokens, held_tokens in directions:
                    rate = held_tokens[:, [theme]].toarray().ravel()
                    r, used = correlate(share_tokens[theme], kept_tokens, rate, tokens, labels)
                    rs.append(r)
                    ns.append(used)
            r = float(np.mean(rs)) if rs and not np.isnan(rs).any() else float("nan")
            n = min(ns) if ns else 0  # each direction leaves out what holds no word of its measuring half's text
            low, high = pearson_interval(r, n, level)
            rows.append(
                {
                    "theme": theme,
                    "over": over,
                    "r_split": r,
                    "r_low": low,
                    "r_high": high,
                    "n": n,
                    "keywords_a": len(a),
                    "keywords_b": len(b),
                }
            )
    return pd.DataFrame(rows)


COMPOSITE = 0.5  # a theme is a composite when the upper end of its two word groups' rho lies below this
MIN_GROUP_TOKENS = 30  # keyword tokens each group needs before its rate's correlation is read
MIN_WORD_TOKENS = 3  # tokens a keyword needs to take part in the split (rarer ones say nothing of co-occurrence)
MIN_GROUP_SHARE = 0.1  # of the theme's keyword tokens: a smaller group is a few stray words, set aside


def _within_covariance(
    counts: sparse.csr_matrix, tokens: np.ndarray, member: sparse.csr_matrix, reweight: np.ndarray | None = None
) -> np.ndarray:
    """The token-weighted covariance across units of the rates (``counts`` / ``tokens``) of each column, each rate a
    deviation from its document's (``member``: documents x units, 1 where a unit is the document's), each unit
    weighted ``reweight`` times more (a bootstrap's Poisson draws): sum_u p_u w_u (x_u - m_d)(x_u - m_d)', from
    sparse products (units x columns is never made dense)."""
    from scipy import sparse

    p = np.ones(counts.shape[0]) if reweight is None else reweight
    weight = np.where(tokens > 0, tokens, 1.0)
    raw = (counts.T @ sparse.diags(p / weight) @ counts).toarray()  # sum_u p_u c_u c_u' / w_u
    scaled = member @ sparse.diags(p)
    sums = (scaled @ counts).toarray()  # per document: its (reweighted) counts
    totals = np.asarray(scaled @ tokens).ravel()
    return raw - (sums.T / np.where(totals > 0, totals, 1.0)) @ sums  # less sum_d S_d S_d' / W_d


def _correlations(covariance: np.ndarray) -> np.ndarray:
    spread = np.sqrt(np.clip(np.diag(covariance), 1e-300, None))
    return covariance / np.outer(spread, spread)


def _two_groups(R: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two groups of words (positions into ``R``, a correlation matrix) that occur apart: the top split of average
    linkage on 1 - R; a side of one word, or holding less than MIN_GROUP_SHARE of ``weights`` (tokens), is set aside
    as stray words and the rest split again, until both sides are two words or more and hold that much (empty groups
    when that is never so: the words go together, or too few are left).
    Deterministic: the linkage of a given matrix, the groups in the order of their first word."""
    from scipy.cluster.hierarchy import fcluster, linkage

    left = np.arange(len(R))
    total = weights.sum()
    while len(left) >= 2:
        distance = 1 - np.clip(np.nan_to_num(R[np.ix_(left, left)]), -1, 1)
        labels = fcluster(linkage(distance[np.triu_indices(len(left), 1)], "average"), 2, "maxclust")
        a, b = left[labels == 1], left[labels == 2]
        if not len(b):
            break
        if min(len(a), len(b)) < 2:  # a lone word is stray, whatever its tokens
            small, large = (a, b) if len(a) < 2 else (b, a)
        else:
            small, large = (a, b) if weights[a].sum() <= weights[b].sum() else (b, a)
        if len(small) >= 2 and weights[small].sum() >= MIN_GROUP_SHARE * total:
            return (a, b) if a.min() < b.min() else (b, a)
        left = large
    return np.zeros(0, int), np.zeros(0, int)


def _rho(covariance: np.ndarray, words: np.ndarray, totals: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """The two groups of a theme's keywords (positions ``words`` into ``covariance``, the within-document covariance
    of the keywords' rates; ``totals``: their tokens) that occur most apart (:func:`_two_groups`), and the
    correlation of the groups' true rates: their rates' correlation (a group's rate is the sum of its words', so its
    covariances are sums of theirs) over the square root of the groups' reliabilities (Spearman's correction for
    attenuation; a group's reliability from its halves dealt alternately by frequency, Spearman-Brown). NaN without
    two groups of MIN_GROUP_TOKENS tokens each, both of a positive reliability."""
    sub = covariance[np.ix_(words, words)]
    a, b = _two_groups(_correlations(sub), totals[words])
    if not len(a) or min(totals[words[a]].sum(), totals[words[b]].sum()) < MIN_GROUP_TOKENS:
        return float("nan"), a, b
    sets = [a, b]
    for group in (a, b):
        ranked = group[np.lexsort((group, -totals[words[group]]))]
        sets += [ranked[0::2], ranked[1::2]]
    indicator = np.zeros((len(words), len(sets)))
    for k, members in enumerate(sets):
        indicator[members, k] = 1.0
    R = _correlations(indicator.T @ sub @ indicator)
    reliability = [2 * r / (1 + r) if r > 0 else float("nan") for r in (R[2, 3], R[4, 5])]
    if not all(r > 0 for r in reliability):
        return float("nan"), a, b
    # a correlation, however low the reliabilities that divide it (rho -1.62 was reported for keywords a pattern
    # had made of 843 words): at most 1 in size, as the corrected correlation is bounded in practice
    return float(np.clip(R[0, 1] / np.sqrt(reliability[0] * reliability[1]), -1.0, 1.0)), a, b


STRUCTURE_FOLDS = 20  # at most this many groups of documents, each left out once (the jackknife of rho's interval)


STRUCTURE_COLUMNS = (
    "subjects_rho",
    "subjects_rho_low",
    "subjects_rho_high",
    "subject_a",
    "subject_b",
    "subject_b_share",
    "subjects_shared_documents",
    "composite",
)
SHARED_DOCUMENTS = 0.5  # of each group's tokens in documents that hold the other group, for the groups to be compared


def _folds(labels: np.ndarray) -> np.ndarray:
    """The jackknife's group of each unit: its document's (each document one group up to STRUCTURE_FOLDS documents,
    else the CRC-32 of its label modulo STRUCTURE_FOLDS), so that the groups depend on the documents, not on the
    order of the units."""
    import zlib

    names = np.asarray(labels).astype(str)
    unique, codes = np.unique(names, return_inverse=True)
    if len(unique) <= STRUCTURE_FOLDS:
        return codes
    return np.array([zlib.crc32(name.encode("utf-8", "surrogatepass")) % STRUCTURE_FOLDS for name in unique])[codes]


def theme_structure(
    counts: sparse.csr_matrix, keywords: list[np.ndarray], documents: np.ndarray, vocabulary: list[str], *, level: float = 0.95
) -> pd.DataFrame:
    """Whether a theme's keywords are one subject or two (a diagnostic beside ``validated``, not part of it).

    The theme's keywords (those of MIN_WORD_TOKENS tokens or more) are split into the two groups that occur most
    apart within documents (:func:`_two_groups` on the correlations of the words' rates across paragraphs, each a
    deviation from its document's), and the correlation of the two groups' rates is corrected for each group's
    unreliability (:func:`_rho`): near 1, one subject; near 0, two subjects that do not share paragraphs, whose
    shares the theme adds up, or two ways of writing one subject that paragraphs choose between (which statistics of
    paragraphs cannot tell apart: the groups' words say which). The split-half check cannot see this (each of its
    halves holds both). Its interval at ``level`` is the jackknife's over documents (each left out in turn, or
    STRUCTURE_FOLDS groups of them, :func:`_folds`), the theme split again each time (so that it counts the choice
    of the split), Student's t on the folds less one (none when more than a tenth of the folds find no two groups).

    A theme is a ``composite`` when the upper end of the interval lies below COMPOSITE (the groups' true rates do
    not rise and fall together across paragraphs: near 0, independent; negative, one group where the other is not)
    and each group has at least SHARED_DOCUMENTS of its tokens in documents that hold the other
    (``subjects_shared_documents``: groups of other years' documents, 转变经济发展方式 then 高质量发展, never share one and have
    no within-document correlation to read). Not computed where the units outnumber the documents by fewer than
    three (a document one unit). A second subject of one word is not found (a group needs two words for its
    reliability). The shipped lexicon has composites by design (diplomacy_unification; bench/theme_structure.py).
    Deterministic, and one covariance of every keyword per fold.

    ``documents``: a label per unit. Returns one row per theme, :data:`STRUCTURE_COLUMNS`: subjects_rho and its
    interval (NaN where two groups of MIN_GROUP_TOKENS tokens with a positive reliability are not found), subject_a
    and subject_b (up to five of each group's words, most frequent first), subject_b_share (the second group's share
    of the two groups' tokens), subjects_shared_documents, composite."""
    import pandas as pd
    from scipy import sparse
    from scipy.stats import t as student

    counts = sparse.csr_matrix(counts, dtype=float)
    tokens = np.asarray(counts.sum(axis=1)).ravel()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    codes = pd.factorize(np.asarray(documents))[0]
    n_documents = int(codes.max()) + 1 if len(codes) else 0
    member = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(n_documents, len(codes)))
    eligible = [np.unique(np.asarray(ids, dtype=np.int64)) for ids in keywords]
    eligible = [ids[totals[ids] >= MIN_WORD_TOKENS] for ids in eligible]
    if len(codes) - n_documents < 3:  # each document one unit, or nearly: no within-document variation to read
        eligible = [ids[:0] for ids in eligible]
    used = np.unique(np.concatenate([ids for ids in eligible if len(ids) >= 4] or [np.zeros(0, np.int64)]))
    position = {int(word): k for k, word in enumerate(used)}
    columns = counts[:, used]
    full = _within_covariance(columns, tokens, member) if len(used) else np.zeros((0, 0))
    by_document = (member @ columns).toarray() if len(used) else np.zeros((n_documents, 0))  # tokens per document
    folds = _folds(np.asarray(documents)) if len(codes) else np.zeros(0, int)
    left_out = (
        [_within_covariance(columns, tokens, member, (folds != f).astype(float)) for f in np.unique(folds)] if len(used) else []
    )
    rows = []
    for ids in eligible:
        row = dict.fromkeys(STRUCTURE_COLUMNS, float("nan"))
        row.update(subject_a="", subject_b="", composite=False)
        rows.append(row)
        if len(ids) < 4:
            continue
        words = np.array([position[int(i)] for i in ids])
        rho, a, b = _rho(full, words, totals[used])
        if not len(a):
            continue
        lead = [" ".join(vocabulary[i] for i in ids[g][np.lexsort((ids[g], -totals[ids[g]]))][:5]) for g in (a, b)]
        per_document = [by_document[:, words[g]].sum(axis=1) for g in (a, b)]
        both = (per_document[0] > 0) & (per_document[1] > 0)
        shared = min(float(d[both].sum() / d.sum()) if d.sum() else 0.0 for d in per_document)
        row.update(
            subject_a=lead[0],
            subject_b=lead[1],
            subject_b_share=float(totals[ids[b]].sum() / totals[ids[[*a, *b]]].sum()),
            subjects_shared_documents=shared,
        )
        if np.isnan(rho):
            continue
        thetas = np.array([_rho(cov, words, totals[used])[0] for cov in left_out])
        row["subjects_rho"] = rho
        if len(thetas) >= 3 and np.isfinite(thetas).mean() >= 0.9:  # a fold or two may find no two groups
            thetas = thetas[np.isfinite(thetas)]
            g = len(thetas)
            error = np.sqrt((g - 1) / g * ((thetas - thetas.mean()) ** 2).sum())
            half = float(student.ppf(0.5 + level / 2, g - 1)) * error
            low, high = max(rho - half, -1.0), min(rho + half, 1.0)
            row.update(
                subjects_rho_low=low,
                subjects_rho_high=high,
                composite=bool(high < COMPOSITE and shared >= SHARED_DOCUMENTS),
            )
    return pd.DataFrame(rows, columns=list(STRUCTURE_COLUMNS))


def candidate_keywords(
    counts: sparse.csr_matrix,
    vocabulary: list[str],
    keywords: list[np.ndarray],
    theme_names: list[str],
    unit_ids: np.ndarray,
    *,
    min_units: int = 3,
    min_lift: float = 2.0,
    alpha: float = 0.001,
    top_n: int = 30,
    examples: int = 3,
) -> pd.DataFrame:
    """Words that occur in the units holding a theme's keywords far more often than chance: evidence to extend
    a lexicon with, never applied by itself.

    For theme t and word w: ``units_with`` (units holding w and a keyword of t), ``units_word`` (units holding
    w), ``units_theme`` (units holding a keyword of t), ``lift`` (units_with / the number expected if w went
    with t's keywords by chance), and the hypergeometric p-value of at least that many. A candidate has lift >=
    ``min_lift``, at least ``min_units`` shared units, p < ``alpha`` / the number of words tried (Bonferroni),
    and is no keyword of any theme. Up to ``top_n`` per theme, by lift then count, each with ``examples`` of the
    units it comes from.
    """
    import pandas as pd
    from scipy.stats import hypergeom

    # from the CSR matrix itself, no copy of it: the units holding each word, and per theme the units holding
    # one of its keywords and the words of those units
    counts = counts.tocsr()
    n_units, n_words = counts.shape
    held = counts.data > 0  # one entry per unit and word held (explicit zeros aside)
    per_unit = np.diff(counts.indptr)
    units_word = np.bincount(counts.indices[held], minlength=n_words).astype(np.float64)
    any_keyword = np.zeros(n_words, dtype=bool)
    for ids in keywords:
        any_keyword[np.asarray(ids, dtype=np.int64)] = True
    holding, with_themes, lifts = [], [], []
    for ids in keywords:
        ids = np.asarray(ids, dtype=np.int64)
        holds = (counts[:, ids] > 0).getnnz(axis=1) > 0 if len(ids) else np.zeros(n_units, bool)
        entries = held & np.repeat(holds, per_unit)
        with_theme = np.bincount(counts.indices[entries], minlength=n_words).astype(np.float64)
        expected = units_word * holds.sum() / n_units
        holding.append(holds)
        with_themes.append(with_theme)
        lifts.append(np.divide(with_theme, expected, out=np.zeros_like(expected), where=expected > 0))
    lifts = np.array(lifts).reshape(len(keywords), counts.shape[1])
    rows = []
    for t in range(len(keywords)):
        holds, with_theme, lift = holding[t], with_themes[t], lifts[t]
        units_theme = int(holds.sum())
        if units_theme == 0 or units_theme == n_units:
            continue
        others = np.delete(lifts, t, axis=0).max(axis=0) if len(keywords) > 1 else np.zeros_like(lift)
        specific = lift >= _SPECIFIC * others  # a word of every subject (增加, 保障) goes with no theme in particular
        tried = ~any_keyword & (units_word >= min_units)
        chosen = np.flatnonzero(tried & specific & (with_theme >= min_units) & (lift >= min_lift))
        if not len(chosen):
            continue
        p = hypergeom.sf(with_theme[chosen] - 1, n_units, units_word[chosen], units_theme)
        chosen, p = chosen[p < alpha / max(int(tried.sum()), 1)], p[p < alpha / max(int(tried.sum()), 1)]
        order = np.lexsort((chosen, -with_theme[chosen], -lift[chosen]))[:top_n]
        theme_units = np.flatnonzero(holds)
        # the listed words' columns in one pass over the matrix, then the units of the theme holding each
        holding_word = (counts[:, chosen[order]][theme_units] > 0).toarray()
        for listed, j in enumerate(order):
            w = chosen[j]
            shown = unit_ids[theme_units[holding_word[:, listed]]][:examples]
            rows.append(
                {
                    "theme": theme_names[t],
                    "word": vocabulary[w],
                    "units_with": int(with_theme[w]),
                    "units_word": int(units_word[w]),
                    "units_theme": units_theme,
                    "lift": float(lift[w]),
                    "p_value": float(p[j]),
                    "example_units": " ".join(map(str, shown)),
                }
            )
    columns = ["theme", "word", "units_with", "units_word", "units_theme", "lift", "p_value", "example_units"]
    return pd.DataFrame(rows, columns=columns)


_SPECIFIC = 1.5


def association_scores(
    components: np.ndarray,
    vocabulary: list[str],
    keywords: list[np.ndarray],
    candidates: pd.DataFrame,
    theme_names: list[str],
    top_n: int = 30,
    drawn: np.ndarray | None = None,
) -> np.ndarray:
    """Topics x themes: the share of each topic's top-``top_n`` word weight on a theme's keywords or on its
    candidate keywords (the words that go with its keywords in this corpus), so a free topic of 智能 标准 技术
    系统 数据 is scored for the theme whose keywords those words accompany, not only by keyword overlap.
    ``drawn``: a sampled model's ``drawn_words_`` (top words of the words each topic drew)."""
    from .evaluate import ranked_word_ids

    index = {w: j for j, w in enumerate(vocabulary)}
    words_of = []
    for t, name in enumerate(theme_names):
        ids = set(np.asarray(keywords[t], dtype=np.int64).tolist())
        ids |= {index[w] for w in candidates.loc[candidates["theme"] == name, "word"] if w in index}
        words_of.append(np.array(sorted(ids), dtype=np.int64))
    scores = np.zeros((len(components), len(theme_names)))
    for k, weights in enumerate(components):
        top = ranked_word_ids(weights, None if drawn is None else drawn[k])[:top_n]
        total = weights[top].sum()
        if total <= 0:
            continue
        for t, ids in enumerate(words_of):
            scores[k, t] = weights[np.intersect1d(top, ids)].sum() / total
    return scores


SENSITIVITY_COLUMNS = ("theme", "word", "keyword_tokens", "units_only", "shift", "at", "mean_shift")


def keyword_sensitivity(
    counts: sparse.csr_matrix,
    shares: np.ndarray,
    keywords: list[np.ndarray],
    vocabulary: list[str],
    theme_names: list[str],
    groups: np.ndarray,
) -> pd.DataFrame:
    """How far each theme's shares by group (years, or the run's groups) move when one keyword is left out of
    the lexicon, for every keyword that occurs.

    Without refitting, by the model's own rules: a unit that holds no other keyword of the theme loses the
    theme (its share there goes to the unit's other topics in proportion), and elsewhere the word's own tokens
    no longer count for the theme (keywords are drawn by their own theme's topic only). An approximation of a
    refit that shows how much a trend rests on one word. Returns theme, word, keyword_tokens (the word's share
    of the theme's keyword tokens), units_only (units where it is the theme's only keyword), shift (the largest
    change of a group's share), at (that group) and mean_shift.
    """
    import pandas as pd

    tokens = np.asarray(counts.sum(axis=1)).ravel().astype(float)
    labels, group_of = np.unique(groups, return_inverse=True)
    group_tokens = np.bincount(group_of, weights=tokens, minlength=len(labels))
    safe = np.where(group_tokens > 0, group_tokens, 1.0)
    rows = []
    for t, name in enumerate(theme_names):
        ids = np.asarray(keywords[t], dtype=np.int64)
        if not len(ids):
            continue
        block = counts[:, ids].tocsc()  # units x the theme's keywords, sparse (dense: 450 MB at 200M characters)
        total_keyword = block.sum()
        if total_keyword == 0:
            continue
        share = shares[:, t]
        base = np.bincount(group_of, weights=share * tokens, minlength=len(labels)) / safe
        holding = np.asarray((block > 0).sum(axis=1)).ravel()
        for j in np.flatnonzero(np.asarray(block.sum(axis=0)).ravel() > 0):
            w = np.zeros(block.shape[0], dtype=block.dtype)
            column = slice(block.indptr[j], block.indptr[j + 1])
            w[block.indices[column]] = block.data[column]
            only = (w > 0) & (holding == 1)
            new = share.copy()
            new[only] = 0.0
            rest = (w > 0) & ~only
            new[rest] = np.maximum(share[rest] - w[rest] / np.maximum(tokens[rest], 1), 0.0)
            moved = np.bincount(group_of, weights=new * tokens, minlength=len(labels)) / safe
            change = np.abs(moved - base)
            change[group_tokens == 0] = 0
            at = int(np.argmax(change))
            rows.append(
                {
                    "theme": name,
                    "word": vocabulary[ids[j]],
                    "keyword_tokens": float(w.sum() / total_keyword),
                    "units_only": int(only.sum()),
                    "shift": float(change[at]),
                    "at": labels[at],
                    "mean_shift": float(change[group_tokens > 0].mean()),
                }
            )
    table = pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS))
    return table.sort_values(
        ["theme", "shift", "word"],
        ascending=[True, False, True],
        kind="stable",
        # the shift as written (six decimals): words it ties in the file are in the order of their names, not of
        # the last bits of the shares
        key=lambda c: c.map(theme_names.index) if c.name == "theme" else c.round(6) if c.name == "shift" else c,
    ).reset_index(drop=True)
