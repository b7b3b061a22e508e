"""Large corpora: the models are fitted on a sample of units stratified by document, and every other unit is
folded in with the fitted topics held fixed (``model.sample_above``, ``model.sample_tokens``).

The sample takes from every document the same share of its tokens (at least one unit of each), so each year,
period and group keeps its weight; the units are drawn in an order seeded by ``random_state``. Folding in runs in
fixed blocks of units, each with its own seed derived from the member's seed and the block's number, in threads
(or on a Dask cluster): the shares do not depend on the number of threads or workers."""

from __future__ import annotations

import copy

import numpy as np

BLOCK = 4096  # units folded in per block (and per seed)


def sample_units(doc_ids, lengths, target_tokens: int, random_state: int) -> np.ndarray:
    """A boolean mask of the units to fit on: from each document, its units in a seeded random order until
    ``target_tokens / total tokens`` of the document's tokens are taken (at least one unit per document)."""
    doc_ids = np.asarray(doc_ids)
    lengths = np.asarray(lengths, dtype=np.float64)
    fraction = min(1.0, target_tokens / max(lengths.sum(), 1.0))
    rng = np.random.default_rng(np.random.SeedSequence([int(random_state), 0x5A3B1E]))
    documents, codes = np.unique(doc_ids, return_inverse=True)
    order = np.lexsort((rng.random(len(doc_ids)), codes))  # by document, then in a random order within it
    taken = np.zeros(len(doc_ids), dtype=bool)
    starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
    for start, end in zip(starts, np.r_[starts[1:], len(order)]):
        rows = order[start:end]
        before = np.cumsum(lengths[rows]) - lengths[rows]  # tokens taken before each unit
        taken[rows[(before < fraction * lengths[rows].sum()) | (np.arange(len(rows)) == 0)]] = True
    return taken


def block_seed(seed: int, block: int) -> int:
    """The seed of block ``block`` of a member whose seed is ``seed``."""
    return int(np.random.SeedSequence([int(seed), int(block)]).generate_state(1)[0])


def _seeded(model, seed: int):
    """A shallow copy of ``model`` whose folding in draws from ``seed``."""
    copied = copy.copy(model)
    if getattr(model, "random_state", None) is not None:
        copied.random_state = seed
    return copied


def _transform(model, counts, drop, options: dict) -> np.ndarray:
    if drop is not None and len(drop):
        counts = counts.tocsr(copy=True)
        counts.data[np.isin(counts.indices, drop)] = 0
        counts.eliminate_zeros()
    return model.fold_in(counts, **options) if options else model.transform(counts)


def fold_in(model, counts, n_jobs: int = 1, block: int | None = None, drop=None, rows=None, **options) -> np.ndarray:
    """Topic shares of every unit of ``counts`` under ``model``'s fitted topics (its ``transform``, or its
    ``fold_in`` with ``options``), in blocks of ``block`` units (default :data:`BLOCK`), each folded in by a copy
    of ``model`` seeded with :func:`block_seed`, ``n_jobs`` blocks at once; the result does not depend on
    ``n_jobs``. ``drop``: vocabulary ids taken out of every unit's text first; ``rows``: the units to fold in
    (row numbers of ``counts``, increasing; default all), their blocks as if they were the rows of a matrix of
    their own. Either is applied a block at a time: no copy of the whole of ``counts`` is made."""
    from joblib import Parallel, delayed

    from ..processes import on_this_build, one_blas_thread

    block = block or BLOCK
    count = counts.shape[0] if rows is None else len(rows)
    starts = range(0, count, block)
    if not starts:
        return np.zeros((0, len(model.components_)))
    seed = getattr(model, "random_state", None)
    # threads here (the kernels release the GIL); the blocks of a run on a Dask cluster (toolkit.processes.on_dask);
    # one BLAS thread (NMF's transform iterates on BLAS sums), as the model was fitted
    parallel = Parallel(n_jobs=max(1, min(n_jobs, len(starts))), prefer="threads")
    transform = on_this_build(_transform, models=[type(model)])
    with one_blas_thread():
        return np.vstack(
            parallel(
                delayed(transform)(
                    _seeded(model, block_seed(seed, i) if seed is not None else None),
                    counts[start : start + block] if rows is None else counts[rows[start : start + block]],
                    drop,
                    options,
                )
                for i, start in enumerate(starts)
            )
        )
