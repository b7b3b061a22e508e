"""What the pyLDAvis page and the figures cost a small corpus's run (issue 29: at most a third of the run).

Two corpora, each run with the shipped defaults of its config and, interleaved with it, the same run with neither
figures nor pyLDAvis page (``--set figures.formats=[] --set figures.ldavis=false``), ``--repeat`` times each
(default 3), every run a fresh ``toolkit run`` process with a warm cache (one run of each config first fills it):

- seeds: configs/seeds.toml, the five seed documents (144 paragraphs);
- gwr15: configs/gwr_national.toml with ``corpus.year_min=2008``: 15 State Council reports 2008-2022 (needs
  the repository's own corpora/gwr_national).

Prints the medians (with their range) of the whole process's wall time, the cost of drawing (the difference of
the medians) as a share of the default run, and, from the default runs' manifests, the seconds the run spent on
the pyLDAvis page (which it writes itself) and waiting for its drawing workers, and the time of the page and of
each figure summed.

    python bench/small_runs.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, git_commit, spread

CORPORA = {
    "seeds": ["configs/seeds.toml"],
    "gwr15": ["configs/gwr_national.toml", "--set", "corpus.year_min=2008"],
}
NO_DRAWING = ["--set", "figures.formats=[]", "--set", "figures.ldavis=false"]
# the manifest's timings of the run's waiting for (and writing of) the page and figures, and of their drawing in
# the workers (summed); the keys before the run wrote the page itself too
WAITED = ["figures", "ldavis", "figures (waiting for the workers)", "figures and ldavis (waiting)"]
DRAWING = ["ldavis", "figures (drawing, summed over workers)", "figures and ldavis (drawing, summed over workers)"]


def one_run(args: list[str], out: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "toolkit", "run", *args, "--out", str(out)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    return seconds, json.loads((out / "manifest.json").read_text(encoding="utf-8"))["timings_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    print(f"drawing in small runs, toolkit {git_commit()}, {repeat} interleaved pairs per corpus, warm cache")
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in CORPORA.items():
            one_run(args, Path(tmp) / f"{name}-warm")  # fills the cache
            default, bare, waited, drawing = [], [], [], []
            for i in range(repeat):
                seconds, timings = one_run(args, Path(tmp) / f"{name}-{i}")
                default.append(seconds)
                waited.append(sum(timings.get(key, 0) for key in WAITED))
                drawing.append(sum(timings.get(key, 0) for key in DRAWING))
                bare.append(one_run([*args, *NO_DRAWING], Path(tmp) / f"{name}-bare-{i}")[0])
            cost = statistics.median(default) - statistics.median(bare)
            print(f"{name}: default run {spread(default)}; without figures and ldavis {spread(bare)}")
            print(
                f"  drawing adds {cost:.1f} s = {cost / statistics.median(default):.0%} of the default run "
                f"(goal: at most a third); after its own work the run spent {spread(waited)} on the page and "
                f"waiting for its drawing workers; the page and the figures took {spread(drawing)} summed"
            )


if __name__ == "__main__":
    main()
