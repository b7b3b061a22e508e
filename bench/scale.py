"""Scale: a generated corpus, end to end with the shipped defaults, cold and then warm (another number of
topics), with wall time per stage and the peak memory of all the run's processes together.

    .venv/bin/python bench/scale.py [--chars 10000000 50000000 200000000] [--cold-only] [--work DIR]
                                    [--set model.keyatm.iterations=20 ...]

The corpus comes from ../shared/bench/make_scale_corpus.py (resampled paragraphs of the State Council
reports), which only the benchmarks use. Each run is a separate `toolkit run` process; its peak memory is the
largest sum of resident memory over it and its worker processes at one moment (sampled every 50 ms), also
given for each stage (the stages' windows laid end to end from the run's own timings). Settings
that are not the defaults: the corpus, cache.dir, model.n_topics in the warm run and any --set; they are
printed. (--set model.keyatm.iterations=20 measures peak memory in minutes rather than hours: the sampler
allocates its arrays before the first sweep, so memory does not depend on the number of sweeps; time does.)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from common import before_fit, generated_corpus, git_commit, measured, stage_peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chars",
        type=int,
        nargs="+",
        default=[50_000_000],
        help="one or more corpus sizes; with several, the growth of peak memory between them",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-scale"))
    parser.add_argument("--cold-only", action="store_true", help="skip the warm run of each size")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting that is not the default, passed to every run (printed)",
    )
    args = parser.parse_args()
    print(f"commit {git_commit()}")
    peaks = []
    for size in args.chars:
        chars, peak = run_size(args.work, size, args.cold_only, args.set)
        peaks.append((chars, peak))
    for (c0, p0), (c1, p1) in zip(peaks, peaks[1:]):
        print(
            f"growth of peak memory from {c0 / 1e6:.0f}M to {c1 / 1e6:.0f}M characters: "
            f"{(p1 - p0) / 2**20 / ((c1 - c0) / 1e6):.1f} MiB per million characters"
        )


def run_size(work: Path, size: int, cold_only: bool, settings: list[str]) -> tuple[int, int]:
    """The cold (and warm) run on a generated corpus of ``size`` characters; its characters and cold peak."""
    corpus = generated_corpus(work, size)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    print(f"corpus: {chars:,} characters in {len(list(corpus.glob('*.txt')))} files")
    cache = work / f"cache-{size}"
    shutil.rmtree(cache, ignore_errors=True)
    empty = Path(__file__).resolve().parent / "empty.toml"
    base = [
        f'corpus.texts="{corpus}"',
        f'corpus.metadata="{corpus / "metadata.csv"}"',
        'corpus.name="scale"',
        f'cache.dir="{cache}"',
        *settings,
    ]
    runs = [("defaults, cold cache", [])]
    if not cold_only:
        runs.append(("defaults with model.n_topics=21, warm cache", ["model.n_topics=21"]))
    cold_peak = 0
    for label, extra in runs:
        out = work / f"{'cold' if 'cold' in label else 'warm'}-{size}"
        command = [sys.executable, "-m", "toolkit", "-q", "run", str(empty), "--out", str(out)]
        for override in base + extra:
            command += ["--set", override]
        result = measured(command)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        t = manifest["timings_seconds"]
        cold_peak = cold_peak or result.peak_bytes
        print(
            f"{label} (settings {base + extra}): {result.seconds:.0f} s; before the fit {before_fit(t):.1f} s; "
            f"peak memory of all processes {result.peak_bytes / 2**30:.2f} GiB "
            f"({result.peak_bytes / 2**20 / (chars / 1e6):.1f} MiB per million characters); "
            f"units {manifest['counts']['units']:,}; stages {json.dumps(t)}"
        )
        peaks = ", ".join(f"{stage} {peak / 2**30:.2f}" for stage, peak in stage_peaks(result, t).items())
        print(f"  peak memory within each stage, GiB (windows from the run's timings): {peaks}", flush=True)
    return chars, cold_peak


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
