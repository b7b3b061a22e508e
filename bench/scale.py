"""Scale: a generated corpus, end to end with the shipped defaults, cold and then warm (another number of
topics), with wall time per stage and the peak memory of all the run's processes together.

    .venv/bin/python bench/scale.py [--chars 50000000] [--work DIR]

The corpus comes from ../shared/bench/make_scale_corpus.py (resampled paragraphs of the State Council
reports), which only the benchmarks use. Each run is a separate `toolkit run` process; its peak memory is the
largest sum of resident memory over it and its worker processes at one moment (sampled every 50 ms). Settings
that are not the defaults: the corpus, cache.dir, and model.n_topics in the warm run; they are printed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from common import before_fit, generated_corpus, git_commit, measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=50_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-scale"))
    args = parser.parse_args()
    corpus = generated_corpus(args.work, args.chars)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    print(f"corpus: {chars:,} characters in {len(list(corpus.glob('*.txt')))} files; commit {git_commit()}")
    shutil.rmtree(args.work / "cache", ignore_errors=True)
    empty = Path(__file__).resolve().parent / "empty.toml"
    base = [f'corpus.texts="{corpus}"', f'corpus.metadata="{corpus / "metadata.csv"}"', 'corpus.name="scale"',
            f'cache.dir="{args.work / "cache"}"']
    for label, extra in (("defaults, cold cache", []), ("defaults with model.n_topics=21, warm cache",
                                                         ["model.n_topics=21"])):
        out = args.work / ("cold" if "cold" in label else "warm")
        command = [sys.executable, "-m", "toolkit", "-q", "run", str(empty), "--out", str(out)]
        for override in base + extra:
            command += ["--set", override]
        result = measured(command)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        t = manifest["timings_seconds"]
        print(f"{label} (settings {base + extra}): {result.seconds:.0f} s; before the fit {before_fit(t):.1f} s; "
              f"peak memory of all processes {result.peak_bytes / 2**30:.2f} GiB "
              f"({result.peak_bytes / 2**20 / (chars / 1e6):.1f} MiB per million characters); "
              f"units {manifest['counts']['units']:,}; stages {json.dumps(t)}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
