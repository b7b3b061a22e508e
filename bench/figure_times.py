"""Each figure's drawing time (CPU) in one process (issue 29), this checkout against another, interleaved.

The figures of a small corpus's run (seeds: configs/seeds.toml; gwr15: configs/gwr_national.toml with
``corpus.year_min=2008``, the repository's own corpora/gwr_national) are captured once, with this checkout:
the run's ``tables.submit_figures`` is replaced by one that pickles what it is given (the specs: each figure's
function and tables). Then each checkout (``--against`` and this one, in turn, ``--repeat`` times) draws them
all in a fresh process with its own ``tables.draw_figure``, PNG at the configured dpi, timing each in CPU seconds
of the process (``time.process_time``: on a busy machine this counts what the figure costs, not how long it
waited for a core); the first figure's time includes importing matplotlib. With ``--in-worker`` they are drawn
as a run draws them, in a drawing worker started and warmed up by the checkout's own ``BackgroundJobs``. Prints
each figure's median seconds per checkout and the sums.

    python bench/figure_times.py --against ../main [--repeat 3] [--in-worker]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, git_commit

CORPORA = {
    "seeds": ["configs/seeds.toml"],
    "gwr15": ["configs/gwr_national.toml", "--set", "corpus.year_min=2008"],
}


def capture(out: str, args: list[str]) -> None:
    """Run ``args`` (a config and settings) without drawing; pickle the figure specs and options to ``out``."""
    from toolkit import cli
    from toolkit.output import tables

    captured: list = []

    def keep(jobs, folder, specs, options) -> None:  # called as each figure's tables exist
        captured.extend(specs)
        Path(out).write_bytes(pickle.dumps((captured, dict(options))))

    tables.submit_figures = keep
    with tempfile.TemporaryDirectory() as tmp:
        cli.main(["run", *args, "--out", str(Path(tmp) / "run"), "--set", "figures.ldavis=false"])


def draw_all(specs_file: str) -> dict[str, float]:
    """Draw every captured figure in this process; each one's CPU seconds."""
    from toolkit.output import tables

    specs, options = pickle.loads(Path(specs_file).read_bytes())
    seconds = {}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            start = time.process_time()
            tables.draw_figure(Path(tmp), *spec, ["png"], options["dpi"])
            seconds[spec[0]] = time.process_time() - start
    return seconds


def draw(specs_file: str, in_worker: bool) -> None:
    """Print :func:`draw_all`'s seconds as JSON: in this process, or ``in_worker``, as a run draws them: in one of
    the drawing workers (``BackgroundJobs`` with the run's warm-up, started 3 s before the job)."""
    if not in_worker:
        print(json.dumps(draw_all(specs_file)))
        return
    from toolkit.output import tables
    from toolkit.processes import BackgroundJobs

    with BackgroundJobs(2, warm_up=tables.warm_up_drawing) as jobs:
        jobs.start()
        time.sleep(3)
        jobs.submit(draw_all, specs_file)
        ((seconds, _),) = jobs.wait()
    print(json.dumps(seconds))


def in_tree(tree: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    return subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout (before)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--in-worker", action="store_true", help="draw in a drawing worker, warmed up as in a run")
    parser.add_argument("--capture", help=argparse.SUPPRESS)
    parser.add_argument("--draw", help=argparse.SUPPRESS)
    options, rest = parser.parse_known_args()
    if options.capture:
        return capture(options.capture, rest)
    if options.draw:
        return draw(options.draw, options.in_worker)
    trees = {"before": options.against.resolve(), "after": ROOT}
    where = "in a warmed-up drawing worker" if options.in_worker else "in one process"
    print(f"figures drawn {where}, {trees['before']} against {git_commit()}, {options.repeat} interleaved runs each")
    with tempfile.TemporaryDirectory() as tmp:
        for corpus, args in CORPORA.items():
            specs_file = str(Path(tmp) / f"{corpus}.pickle")
            in_tree(ROOT, "--against", ".", "--capture", specs_file, *args)
            times: dict[str, list[dict]] = {name: [] for name in trees}
            for _ in range(options.repeat):
                for name, tree in trees.items():
                    where = ["--in-worker"] if options.in_worker else []
                    times[name].append(json.loads(in_tree(tree, "--against", ".", "--draw", specs_file, *where)))
            print(f"{corpus}: CPU seconds per figure, median of {options.repeat} (before -> after)")
            totals = {name: [sum(run.values()) for run in runs] for name, runs in times.items()}
            for figure in times["after"][0]:
                before, after = (statistics.median(run[figure] for run in times[name]) for name in trees)
                print(f"  {figure:22s} {before:6.2f} -> {after:5.2f}")
            before, after = (statistics.median(totals[name]) for name in trees)
            print(f"  {'all figures':22s} {before:6.2f} -> {after:5.2f} ({after / before - 1:+.0%})")


if __name__ == "__main__":
    main()
