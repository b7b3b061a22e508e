"""Sweep speed-up: the State Council sweep (configs/gwr_national.toml: LDA and NMF, K = 5..15, 3 seeds)
with 1 worker and with 2, from empty sweep folders (token cache warm), and whether their metrics agree.

    .venv/bin/python bench/sweep_speedup.py [--jobs 2]
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    import toolkit

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    config = toolkit.Config.load(ROOT / "configs" / "gwr_national.toml")
    toolkit.prepare(config)  # fill the token cache so both timings measure the sweep alone
    work = Path(tempfile.mkdtemp(prefix="toolkit-sweep-bench-"))
    try:
        times, tables = {}, {}
        for jobs in (1, args.jobs):
            start = time.perf_counter()
            result = toolkit.sweep(config, work / f"jobs{jobs}", n_jobs=jobs)
            times[jobs] = time.perf_counter() - start
            tables[jobs] = result.table.drop(columns="fit_seconds")
            print(f"{jobs} worker(s): {len(result.table)} runs in {times[jobs]:.1f} s")
        same = tables[1].equals(tables[args.jobs])
        print(f"speed-up with {args.jobs} workers: {times[1] / times[args.jobs]:.2f}x; identical metrics: {same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
