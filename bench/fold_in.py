"""Speed of the fold-in kernel (units' topic shares under fixed topics: the rest of a sampled fit, the split-half
check, ``transform``): nanoseconds per token draw, interleaved with another commit's kernel, and whether the two
give the same shares.

    .venv/bin/python bench/fold_in.py [--chars 10000000] [--units 20000] [--repeats 5] [--against REF]

The corpus is a generated one (bench/common.py), prepared with the defaults; the topics are those of one keyatm
chain with the shipped settings (K = 20) but 50 sweeps, fitted on the first ``--units`` units; every unit is then
folded in with the shipped fold-in (60 draws per token, the last 40 averaged) by both kernels, alternately,
``--repeats`` times. ``--against`` is a git revision whose toolkit/models/_gibbs.py is loaded beside this
checkout's (default: HEAD~1). Last, how many topics a token's unit allows on this corpus (absent_prior 0: the
free topics and the themes whose keywords the unit holds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import generated_run, git_commit, module_at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--units", type=int, default=20_000, help="units the topics are fitted on")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", default="HEAD~1")
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-bench"))
    args = parser.parse_args()
    _, _, config, prepared, (vocabulary, counts, _) = generated_run(args.work, args.chars)
    from toolkit.analysis.lexicon import keyword_ids
    from toolkit.models import _gibbs as gibbs
    from toolkit.models._keyatm import _offsets_and_words
    from toolkit.models.keyatm import Model
    from toolkit.random_streams import stream

    section = config["model"]
    options = {**section["keyatm"], "iterations": 50, "samples": 5, "thin": 2, "stop": "ceiling"}
    K = section["n_topics"]
    model = Model(K, keywords=keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"]), random_state=42, **options)
    model.fit(counts[: args.units])
    offsets, words = _offsets_and_words(counts)
    key_topic = np.full(counts.shape[1], -1, dtype=np.int64)
    for k, ids in enumerate(model.keyword_ids_):
        key_topic[np.asarray(ids, dtype=np.int64)] = k
    n_keyword_topics = int((model.anchors_ >= 0).sum())
    present = gibbs.present_topics(words, offsets, key_topic, K, n_keyword_topics)
    phi = np.ascontiguousarray(model.components_.T)
    iterations, burn_in = 60, 20
    absent = float(model.absent_prior)

    def fold_in(module):
        return module.fold_in(words, offsets, phi, model.alpha_, present, absent, iterations, burn_in, stream(7))

    with tempfile.TemporaryDirectory() as folder:
        reference = module_at(args.against, "toolkit/models/_gibbs.py", Path(folder))
        kernels = {f"this checkout ({git_commit()})": gibbs, args.against: reference}
        for module in kernels.values():  # compiled before the timing
            module.fold_in(words, offsets[:2], phi, model.alpha_, present, absent, 1, 0, stream(7))
        seconds = {name: [] for name in kernels}
        shares = {}
        for _ in range(args.repeats):
            for name, module in kernels.items():
                start = time.perf_counter()
                shares[name] = fold_in(module)
                seconds[name].append(time.perf_counter() - start)
    lengths = np.diff(offsets)
    allowed = (present > 0).sum(axis=1) if absent == 0 else np.full(len(lengths), K)
    draws = len(words) * iterations
    print(
        f"corpus of {args.chars:,} generated characters: {len(words):,} tokens in {counts.shape[0]:,} units, "
        f"{counts.shape[1]:,} words; keyatm K={K} fitted on {min(args.units, counts.shape[0]):,} units (50 sweeps); "
        f"fold-in of every unit, {iterations} draws per token ({burn_in} burn-in), "
        f"absent_prior {absent:g}; {args.repeats} interleaved repeats"
    )
    for name, values in seconds.items():
        per_draw = [v / draws * 1e9 for v in values]
        print(
            f"{name}: {statistics.median(values):.2f} s, {statistics.median(per_draw):.1f} ns per draw "
            f"({min(per_draw):.1f}-{max(per_draw):.1f})"
        )
    first, second = shares.values()
    print(f"the two kernels' shares are {'identical' if np.array_equal(first, second) else 'DIFFERENT'}")
    print(f"a token's unit allows {float((allowed * lengths).sum() / lengths.sum()):.1f} of the {K} topics on average")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
