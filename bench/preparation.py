"""Preparation speed: the toolkit's normalise + split + segment + filter (the "normalize and segment" stage of
`prepare`, cache off, the shipped defaults: one process per core) against the ceiling of the segmenter alone, two
jieba_fast_dat processes cutting the same raw text (default dictionary, HMM off, one call per line).

    .venv/bin/python bench/preparation.py [--chars 10000000] [--repeats 3] [--work DIR]

The corpus comes from ../shared/bench/make_scale_corpus.py. Each measurement is a fresh process; the timed part
excludes imports and, for the ceiling, loading the dictionary (the toolkit's workers load theirs inside it);
the repeats are interleaved. Prints millions of characters per second (median, range), the toolkit's share
of the ceiling (goal: >= 50%), and when the last toolkit run's workers began and ended each chunk.

Then, in one process, the CPU time of each step of a worker's chunk of the first 3 million characters (median of
the repeats): where the time goes once two processes no longer compete for one core's two hyperthreads, which
makes the wall-clock figures above vary by a fifth from run to run on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import ROOT, generated_corpus, git_commit

CEILING = r"""
import json, logging, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def cut(paths):
    import jieba_fast_dat
    logging.getLogger("jieba_fast_dat").setLevel(logging.WARNING)
    tokenizer = jieba_fast_dat.Tokenizer()
    tokenizer.initialize()
    texts = [Path(p).read_text(encoding="utf-8") for p in paths]
    start = time.perf_counter()
    n = 0
    for text in texts:
        for line in text.splitlines():
            n += len(tokenizer.lcut(line, HMM=False))
    return time.perf_counter() - start, sum(map(len, texts))

if __name__ == "__main__":
    paths = sorted(str(p) for p in Path(sys.argv[1]).glob("*.txt"))
    workers = int(sys.argv[2])
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(cut, [paths[i::workers] for i in range(workers)]))
    print(json.dumps({"seconds": max(s for s, _ in results), "chars": sum(c for _, c in results)}))
"""

TOOLKIT = r"""
import json, sys, time
import toolkit.text.preparation
from toolkit.config import Config
from toolkit.text.preparation import load_inputs, prepare

def timed_chunk(*args, **kwargs):  # when a worker started and ended each chunk, carried in its first quality row
    start = time.time()
    chunk = prepare_chunk(*args, **kwargs)
    chunk.quality[0]["_timeline"] = [start, time.time()]
    return chunk

prepare_chunk, toolkit.text.preparation.prepare_chunk = toolkit.text.preparation.prepare_chunk, timed_chunk
config = Config.load(None, [f'corpus.texts="{sys.argv[1]}"', f'corpus.metadata="{sys.argv[1]}/metadata.csv"',
                            "cache.enabled=false"])
inputs = load_inputs(config)
start = time.time()
prepared = prepare(config, inputs)
end = time.time()
chunks = [[a - start, b - start] for a, b in prepared.quality["_timeline"].dropna()]
print(json.dumps({"seconds": prepared.timings["normalize and segment"], "chunks": chunks, "returned": end - start,
                  "chars": int(prepared.corpus.used["chars"].sum())}))
"""


STEPS = r"""
import json, statistics, sys, time
from array import array
import numpy as np
from toolkit.text.chunks import prepare_chunk
from toolkit.config import Config
from toolkit.text.normalize import quality_row
from toolkit.text.preparation import _chunks, load_inputs
from toolkit.analysis.terms import PairCounts
from toolkit.text.tokens import UnitTokens, WordNumbering
from toolkit.text.units import split_units
config = Config.load(None, [f'corpus.texts="{sys.argv[1]}"', f'corpus.metadata="{sys.argv[1]}/metadata.csv"',
                            "cache.enabled=false"])
inputs = load_inputs(config)
normalizer, segmenter, units = inputs.normalizer, inputs.segmenter, config["units"]
documents = next(_chunks(inputs.corpus, 3_000_000))
chars = sum(len(raw) for _, raw in documents)
segmenter.cut("预热"), normalizer.normalize("预热，")
steps = {}
def timed(name, function, *args):
    start = time.process_time()
    result = function(*args)
    steps.setdefault(name, []).append(time.process_time() - start)
    return result
for _ in range(int(sys.argv[2])):
    normalized = timed("normalize (OpenCC, NFKC, patterns)", lambda: [normalizer.normalize(raw) for _, raw in documents])
    timed("quality counts", lambda: [quality_row(doc, n) for (doc, _), n in zip(documents, normalized)])
    texts = timed("split into units", lambda: [t for n in normalized for t in split_units(n.text, units["kind"],
                                                                       units["max_chars"], units["min_chars"])])
    words = timed("segmenter alone (jieba_fast_dat lcut)", lambda: [segmenter._jieba().lcut(t, HMM=False) for t in texts])
    def count():
        numbering, ids, lengths = WordNumbering(), array("i"), array("q")
        for unit in words:
            ids.extend(map(numbering.__getitem__, unit))
            lengths.append(len(unit))
        ids, lengths, vocabulary = np.frombuffer(ids, dtype=np.int32), np.frombuffer(lengths, dtype=np.int64), list(numbering)
        PairCounts(segmenter.stopwords).add_units(vocabulary, ids, lengths)
        return UnitTokens.from_ids(vocabulary, ids, lengths, segmenter.keep_mask(vocabulary))
    timed("word ids, pair counts, filtering", count)
    timed("whole chunk (prepare_chunk)", prepare_chunk, documents, normalizer, units, segmenter, "", None)
print(json.dumps({"chars": chars, "steps": {k: statistics.median(v) for k, v in steps.items()}}))
"""


def run(code: str, corpus: Path, workers: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(workers)], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-bench"))
    args = parser.parse_args()
    corpus = generated_corpus(args.work, args.chars)
    workers = os.cpu_count() or 1
    speeds: dict[str, list[float]] = {"ceiling": [], "toolkit": []}
    for _ in range(args.repeats):
        for name, code in (("ceiling", CEILING), ("toolkit", TOOLKIT)):
            result = run(code, corpus, workers)
            speeds[name].append(result["chars"] / result["seconds"] / 1e6)
            if name == "toolkit":
                timeline = result
    print(
        f"preparation, toolkit {git_commit()}, {args.chars:,} generated characters, {workers} processes, "
        f"{args.repeats} interleaved repeats; toolkit: shipped defaults with cache.enabled=false"
    )
    for name, values in speeds.items():
        print(f"  {name:<8} {statistics.median(values):.2f} M chars/s ({min(values):.2f}-{max(values):.2f})")
    share = statistics.median(speeds["toolkit"]) / statistics.median(speeds["ceiling"])
    print(f"  toolkit / ceiling: {share:.0%} (goal >= 50%)")
    chunks = timeline["chunks"]
    print(
        f"  the last toolkit run, seconds after `prepare` started: {len(chunks)} chunks; the first began at "
        f"{min(a for a, _ in chunks):.2f} (the workers' start), the last ended at {max(b for _, b in chunks):.2f}, "
        f"`prepare` returned at {timeline['returned']:.2f}; a chunk took "
        f"{min(b - a for a, b in chunks):.2f}-{max(b - a for a, b in chunks):.2f}"
    )
    steps = run(STEPS, corpus, args.repeats)
    print(f"one process, CPU seconds per step on the first {steps['chars']:,} characters (median of {args.repeats}):")
    for name, seconds in steps["steps"].items():
        print(f"  {name:<40} {seconds:6.2f} s  {steps['chars'] / seconds / 1e6:6.2f} M chars/s")


if __name__ == "__main__":
    main()
