"""One chain on several cores (issue 30): the fit of one keyword-assisted chain with ``model.keyatm.partitions``
1, 2 and 4 on 1 and 2 threads, and how far the partitioned chains' yearly theme shares are from the sampler's.

    .venv/bin/python bench/partitions.py [--repeats 3] [--partitions 1 2 4] [--threads 1 2] [--chars N]
        [--set section.key=value ...]

The corpus is the State Council's (configs/gwr_national.toml), or with ``--chars`` a generated one of that many
characters (bench/common.py; bench/empty.toml with n_topics 20: up to about 8M characters, below
``model.sample_above``, the chain is fitted on every unit; above, the time includes the fold-in of the units
outside the sample), prepared once; ``--set`` overrides any setting for every fit. Each fit is ``toolkit.fit`` as
a run calls it, with ``model.ensemble = 1`` (one chain, the shipped seed and stopping rule),
``model.keyatm.partitions = P`` and ``model.n_jobs = T``; every (P, T) is fitted in turn, ``--repeats`` times
(interleaved, so a drift of the machine's speed falls on all alike), and the medians are printed with each fit's
sweeps. The threads must change no number: the shares of (P, T) and (P, first T) are compared byte for byte, and
every repeat's with the last. Last, per theme, the Pearson r of the yearly shares (token-weighted means of the
unit shares, as theme_by_year.csv) of each P against P = 1, and their largest difference over the years; beside
them the same for a chain of the next seed with P = 1: the distance between two exact chains.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT, generated_settings, git_commit


def yearly(prepared, fitted, names) -> pd.DataFrame:
    """Token-weighted theme shares of each year, over the modelled units."""
    units = prepared.units[fitted.in_model]
    tokens = np.asarray(fitted.counts.sum(axis=1)).ravel()
    shares = pd.DataFrame(fitted.member_shares.mean(axis=0) * tokens[:, None], columns=names)
    shares["year"] = units["year"].to_numpy()
    summed = shares.groupby("year").sum()
    return summed.div(summed.sum(axis=1), axis=0)


def main() -> None:
    import toolkit
    from toolkit.analysis.lexicon import OTHER
    from toolkit.pipeline import count_units

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--partitions", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--chars", type=int, help="a generated corpus of this many characters instead")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-bench"), help="where a generated corpus goes")
    args = parser.parse_args()
    base = ["model.ensemble=1", *args.set]
    config_path = ROOT / "configs" / "gwr_national.toml"
    if args.chars:
        config_path = ROOT / "bench" / "empty.toml"
        base = [*generated_settings(args.work, args.chars), "model.n_topics=20", *base]
    config = toolkit.Config.load(config_path, base)
    prepared = toolkit.prepare(config)
    counted = count_units(prepared, config)
    names = [*prepared.lexicon.names, OTHER]
    m = config["model"]
    load = os.getloadavg()
    print(
        f"partitioned sweep, toolkit {git_commit()}; {config_path.relative_to(ROOT)} with {base}: "
        f"{counted[1].shape[0]:,} units, {counted[1].shape[1]:,} words, {int(counted[1].sum()):,} tokens; "
        f"K={m['n_topics']}, seed {m['random_state']}, {m['kind']} settings {m[m['kind']]}; "
        f"{args.repeats} interleaved repeats on {os.cpu_count()} cores, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )

    def config_of(partitions: int, threads: int, *more: str):
        return toolkit.Config.load(
            config_path, [*base, f"model.keyatm.partitions={partitions}", f"model.n_jobs={threads}", *more]
        )

    runs = [(p, t) for p in args.partitions for t in args.threads]
    seconds: dict[tuple[int, int], list[float]] = {run: [] for run in runs}
    fitted: dict[tuple[int, int], object] = {}
    for _ in range(args.repeats):
        for run in runs:
            this = config_of(*run)
            start = time.perf_counter()
            fit = toolkit.fit(prepared, this, counted)
            seconds[run].append(time.perf_counter() - start)
            if run in fitted:
                assert np.array_equal(fit.member_shares, fitted[run].member_shares), f"{run} changed between repeats"
            fitted[run] = fit
    print(f"{'partitions':>10} {'threads':>7} {'fit seconds: median (range)':>28} {'sweeps':>6} {'ms/sweep':>8}  same shares")
    for p, t in runs:
        values = seconds[p, t]
        sweeps = fitted[p, t].models[0].stop_["sweeps"]
        same = np.array_equal(fitted[p, t].member_shares, fitted[p, args.threads[0]].member_shares)
        median = statistics.median(values)
        print(
            f"{p:>10} {t:>7} {f'{median:.1f} ({min(values):.1f}-{max(values):.1f})':>28} {sweeps:>6} "
            f"{1000 * median / sweeps:>8.1f}  {same}"
        )
    load = os.getloadavg()
    print(f"load after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    reference = yearly(prepared, fitted[1, args.threads[0]], names)
    other_seed = toolkit.fit(prepared, config_of(1, args.threads[-1], f"model.random_state={m['random_state'] + 1}"), counted)
    against = {f"P={p}": yearly(prepared, fitted[p, args.threads[0]], names) for p in args.partitions if p != 1}
    against[f"seed {m['random_state'] + 1}, P=1"] = yearly(prepared, other_seed, names)
    years = len(reference)
    print(f"yearly theme shares against P=1 (seed {m['random_state']}) over {years} years: r, largest difference")
    print(f"  {'theme':<22} {'mean share':>10} " + " ".join(f"{name:>22}" for name in against))
    for theme in names:
        cells = []
        for shares in against.values():
            a, b = reference[theme], shares[theme]
            cells.append(f"{f'{np.corrcoef(a, b)[0, 1]:.3f}, {np.abs(a - b).max():.4f}':>22}")
        print(f"  {theme:<22} {reference[theme].mean():10.4f} {' '.join(cells)}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
