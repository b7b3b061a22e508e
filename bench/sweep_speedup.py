"""Sweep speed-up: the State Council sweep (configs/gwr_national.toml's grid: keyatm, LDA and NMF over the
numbers of topics it lists, 3 seeds) with 1 worker and with 2, from empty sweep folders (token cache warm),
and whether their metrics agree.

    .venv/bin/python bench/sweep_speedup.py [--jobs 2] [--repeats 3]

The runs with 1 and with ``--jobs`` workers are interleaved; prints the median and range of each.
"""

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, git_commit, spread


def main() -> None:
    import toolkit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    config = toolkit.Config.load(ROOT / "configs" / "gwr_national.toml")
    toolkit.prepare(config)  # fill the token cache so both timings measure the sweep alone
    work = Path(tempfile.mkdtemp(prefix="toolkit-sweep-bench-"))
    try:
        times: dict[int, list[float]] = {1: [], args.jobs: []}
        tables, runs = [], 0
        for repeat in range(args.repeats):
            for jobs in (1, args.jobs):
                start = time.perf_counter()
                result = toolkit.sweep(config, work / f"jobs{jobs}-{repeat}", n_jobs=jobs)
                times[jobs].append(time.perf_counter() - start)
                tables.append(result.table)
                runs = len(result.table)
        print(
            f"sweep of configs/gwr_national.toml ({runs} runs), toolkit {git_commit()}, {args.repeats} interleaved "
            "repeats, each from an empty sweep folder"
        )
        for jobs, values in times.items():
            print(f"{jobs} worker(s): {spread(values)}")
        same = all(table.equals(tables[0]) for table in tables)
        speedup = statistics.median(times[1]) / statistics.median(times[args.jobs])
        print(f"speed-up with {args.jobs} workers: {speedup:.2f}x (medians); identical metrics in every run: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
