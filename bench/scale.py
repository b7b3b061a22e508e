"""Scale run: a generated corpus of 50 million characters, end to end with LDA and NMF at K=20, then a
second run with another K on the warm cache. Prints wall time per stage and peak memory of each run.

    .venv/bin/python bench/scale.py [--chars 50000000] [--work DIR]

The corpus comes from ../shared/bench/make_scale_corpus.py (resampled paragraphs of the State Council
reports), which only this benchmark uses. Each run is a separate `toolkit run` process, so its peak
resident memory (ru_maxrss of the child) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import before_fit

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT.parent / "shared" / "bench" / "make_scale_corpus.py"


def run(config: Path, out: Path, *overrides: str) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    command = [sys.executable, "-m", "toolkit", "-q", "run", str(config), "--out", str(out)]
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "peak_gib": peak_kib / 2**20, "peak_is_new": peak_kib > before,
            "timings": manifest["timings_seconds"], "counts": manifest["counts"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=50_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-scale"))
    args = parser.parse_args()
    corpus = args.work / "corpus"
    if not (corpus / "metadata.csv").is_file():
        subprocess.run([sys.executable, str(GENERATOR), str(corpus), "--chars", str(args.chars)], check=True)
    config = args.work / "scale.toml"
    config.write_text(f'[corpus]\nname = "scale"\ntexts = "{corpus}"\nmetadata = "{corpus / "metadata.csv"}"\n'
                      f'[cache]\ndir = "{args.work / "cache"}"\n[figures]\nformats = ["png"]\n', encoding="utf-8")
    chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    print(f"corpus: {chars:,} characters in {len(list(corpus.glob('*.txt')))} files")
    for label, overrides in [("LDA K=20, cold cache", ["model.kind=lda", "model.n_topics=20", "cache.enabled=true"]),
                             ("NMF K=20, warm cache", ["model.kind=nmf", "model.n_topics=20"]),
                             ("LDA K=21, warm cache", ["model.kind=lda", "model.n_topics=21"])]:
        if label.endswith("cold cache"):
            import shutil

            shutil.rmtree(args.work / "cache", ignore_errors=True)
        result = run(config, args.work / label.split(",")[0].replace(" ", "_"), *overrides)
        t = result["timings"]
        print(f"{label}: {result['seconds']:.0f} s; before the fit {before_fit(t):.1f} s; stages {json.dumps(t)}; "
              f"units {result['counts']['units']:,}; peak memory so far {result['peak_gib']:.2f} GiB")


if __name__ == "__main__":
    main()
