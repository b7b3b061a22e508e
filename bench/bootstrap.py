"""Speed of the bootstrap kernel of the trends: nanoseconds per drawn unit, interleaved with the kernel of
another commit, and whether the two give the same replicates.

    .venv/bin/python bench/bootstrap.py [--replicates 30] [--repeats 5] [--against REF]

The data are synthetic, shaped like the generated corpora of the other benchmarks: 47,297 units in 496
documents (10M characters) and 945,661 units in 9,915 documents (200M), units spread evenly over documents,
18 themes (17 and 'other'), the 3 members of the shipped ensemble, documents in 23 yearly cells (a year table).
Each call draws ``--replicates`` replicates; both kernels get the same seed and the same arrays, alternately,
``--repeats`` times. ``--against`` is a git revision whose toolkit/analysis/uncertainty.py is loaded beside this
checkout's (default: HEAD~1); it must take the same arguments (before issue 28's continuous intervals the kernel took a
document-level sd per theme and the cells' effective sizes instead of one sd per cell and theme).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
from common import git_commit, interleaved, module_at

SHAPES = {"10M": (47_297, 496), "200M": (945_661, 9_915)}
THEMES, MEMBERS, YEARS = 18, 3, 23


def synthetic(units: int, documents: int) -> tuple:
    rng = np.random.default_rng(0)
    lengths = rng.multinomial(units - documents, np.full(documents, 1 / documents)) + 1
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    weights = rng.integers(1, 80, units).astype(np.float64)
    shares = rng.dirichlet(np.full(THEMES, 0.3), (MEMBERS, units))
    years = np.sort(rng.integers(0, YEARS, documents))
    cells = [np.flatnonzero(years == y) for y in range(YEARS)]
    cell_docs = np.concatenate(cells).astype(np.int64)
    cell_offsets = np.r_[0, np.cumsum([len(c) for c in cells])].astype(np.int64)
    return offsets, weights, shares, cell_docs, cell_offsets, np.full((YEARS, THEMES), 0.01)  # document-level sd


def main() -> None:
    from toolkit.analysis.uncertainty import _replicates

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", default="HEAD~1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reference = module_at(args.against, "toolkit/analysis/uncertainty.py", Path(folder))._replicates
        print(
            f"bootstrap kernel, toolkit {git_commit()} against {args.against}; {THEMES} themes, {MEMBERS} members, "
            f"{YEARS} yearly cells, {args.replicates} replicates per call, {args.repeats} interleaved repeats"
        )
        for name, (units, documents) in SHAPES.items():
            data = synthetic(units, documents)
            kernels = {"this checkout": _replicates, args.against: reference}
            results = {label: kernel(*data, 2, np.array([7], dtype=np.uint64)) for label, kernel in kernels.items()}
            same = np.array_equal(*results.values(), equal_nan=True)
            calls = {
                label: partial(kernel, *data, args.replicates, np.array([7], dtype=np.uint64))
                for label, kernel in kernels.items()
            }  # each call starts its stream afresh from the same seed
            seconds = interleaved(calls, args.repeats)
            times = {label: [s / (args.replicates * units) * 1e9 for s in values] for label, values in seconds.items()}
            print(f"{name} shape ({units:,} units in {documents:,} documents); the same replicates: {same}")
            for label, values in times.items():
                print(f"  {label:<15} {statistics.median(values):5.1f} ns per drawn unit ({min(values):.1f}-{max(values):.1f})")
            ratio = statistics.median(times[args.against]) / statistics.median(times["this checkout"])
            print(f"  speed-up {ratio:.2f}x (medians)")


if __name__ == "__main__":
    main()
