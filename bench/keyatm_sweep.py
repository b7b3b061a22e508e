"""Speed of the keyword-assisted sampler: nanoseconds per token draw of one chain's sweeps, interleaved with
the sampler of another commit, and whether the two chains are the same.

    .venv/bin/python bench/keyatm_sweep.py [--chars 10000000] [--sweeps 10] [--after 0] [--repeats 3] [--against REF]

The corpus is a generated one (bench/common.py), prepared with the defaults; the model is keyatm with the
shipped settings (K = 20, exclusive keywords, absent_prior 0, start by units); both samplers start from the
same state and seed and run the same number of sweeps, alternately, ``--repeats`` times; ``--after N`` times the
sweeps that follow N untimed ones (a chain nearer its stationary state, where fewer tokens change topic than in
the first sweeps). ``--against`` is a git revision whose toolkit/models/_gibbs.py (gibbs.py before) is loaded beside this
checkout's (default: HEAD~1). A floor is timed alongside: the draws' arithmetic alone on the final state of the
chain (every token's weights summed over the same topics in the same order, its uniform and its search, with
no count changed), what any sampler of the same chain must do. Last, what a draw does on this corpus: the
share of keyword tokens, the topics a token's unit can draw, and the share of tokens the last sweep moved.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import ROOT, generated_corpus, generated_settings, git_commit, module_at
from numba import njit


@njit(nogil=True)
def draw_arithmetic(  # noqa: PLR0913 (the plain-Python draw of the kernel, its arrays one by one)
    words,
    offsets,
    key_topic,
    n_keywords,
    n_dk,
    n0_wk,
    n0_k,
    n1_wk,
    n1_k,
    alpha,
    present,
    absent,
    beta,
    beta_s,
    gamma,
    exclusive,
    sweeps,
    uniform,
    state,
):
    """The arithmetic of the draws alone, on a fixed state: each token's weights over the topics its unit can
    draw, summed in order, its uniform, and the count of cumulative weights at or below it; no count changes.
    A floor for any sampler that draws the same chain (moving tokens and refreshing factors come on top). The
    lines of the sum and the keyword part mirror ``toolkit.models._gibbs.sweep``'s: moving them into inlined
    functions that both call made the sampler 1.5x slower (78 against 52 ns per draw), so they are copied."""
    n_topics, n_words = alpha.shape[0], n0_wk.shape[0]
    regular = np.empty(n_topics)
    for k in range(n_topics):
        mixing = 1.0
        if gamma[k] > 0:
            mixing = (n0_k[k] + gamma[k]) / (n0_k[k] + n1_k[k] + 2 * gamma[k])
        regular[k] = mixing / (n0_k[k] + n_words * beta)
    p, unit = np.empty(n_topics), np.empty(n_topics)
    active = np.empty(n_topics, dtype=np.int64)
    checksum = 0
    for _ in range(sweeps):
        for d in range(offsets.shape[0] - 1):
            n_active = 0
            for t in range(n_topics):
                prior = alpha[t] if present[d, t] else alpha[t] * absent
                if prior > 0 or n_dk[d, t] > 0:
                    active[n_active] = t
                    unit[n_active] = n_dk[d, t] + prior
                    n_active += 1
            for i in range(offsets[d], offsets[d + 1]):
                w = words[i]
                kk = key_topic[w]
                r = uniform(state)
                total = 0.0
                own = n_dk[d, kk] + (alpha[kk] if present[d, kk] else alpha[kk] * absent) if kk >= 0 else 0.0
                if exclusive and kk >= 0:
                    total = (n0_wk[w, kk] + beta) * regular[kk] * own
                else:
                    row = n0_wk[w]
                    for a in range(n_active):
                        total += (row[active[a]] + beta) * regular[active[a]] * unit[a]
                        p[a] = total
                keyword = 0.0
                if kk >= 0:
                    keyword = (
                        (n1_wk[w, kk] + beta_s)
                        / (n1_k[kk] + n_keywords[kk] * beta_s)
                        * (n1_k[kk] + gamma[kk])
                        / (n0_k[kk] + n1_k[kk] + 2 * gamma[kk])
                        * own
                    )
                u = r * (total + keyword)
                if exclusive and kk >= 0:
                    checksum += u >= total
                else:
                    for b in range(n_active - 1):
                        checksum += p[b] <= u
    return checksum


def main() -> None:
    import toolkit
    from toolkit.analysis.lexicon import keyword_ids
    from toolkit.models import _gibbs as gibbs
    from toolkit.models._keyatm import _offsets_and_words
    from toolkit.models.base import check_counts
    from toolkit.models.keyatm import Model
    from toolkit.pipeline import count_units
    from toolkit.random_streams import stream

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--sweeps", type=int, default=10)
    parser.add_argument("--after", type=int, default=0, help="untimed sweeps before the timed ones")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--against", default="HEAD~1")
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-bench"))
    args = parser.parse_args()
    corpus = generated_corpus(args.work, args.chars)
    config = toolkit.Config.load(ROOT / "bench" / "empty.toml", [*generated_settings(args.work, args.chars)])
    prepared = toolkit.prepare(config)
    vocabulary, counts, _ = count_units(prepared, config)
    section = config["model"]
    options = section["keyatm"]
    K = section["n_topics"]
    model = Model(K, keywords=keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"]), **options)
    anchors, key_topic, n_keywords = model._anchoring(counts.shape[1])
    n_keyword_topics = int((anchors >= 0).sum())
    offsets, words = _offsets_and_words(check_counts(counts, K))
    gamma = np.zeros(K)
    gamma[:n_keyword_topics] = options["keyword_prior"]
    alpha = np.full(K, 1.0 / K)
    lengths = np.diff(offsets)

    def chain(module, sweeps, after=0):
        state = stream(7)
        z, s = np.empty(len(words), dtype=np.int32), np.empty(len(words), dtype=np.int8)
        present = module.present_topics(words, offsets, key_topic, K, n_keyword_topics)
        start_args = (words, offsets, key_topic, K, state, z, s, options["keyword_start"], options["start"] == "units")
        try:  # since 2026-12: the start keeps tokens out of topics ruled out of their unit
            module.initialise(*start_args, present, float(options["absent_prior"]))
        except TypeError:  # a commit before it
            module.initialise(*start_args)
        n_dk, n0_wk, n1_wk = module.counts(words, offsets, z, s, counts.shape[1], K)
        n0_k, n1_k = n0_wk.sum(axis=0).astype(np.int64), n1_wk.sum(axis=0).astype(np.int64)
        start = 0.0
        for sweep in range(after + sweeps):
            if sweep == after:
                start = time.perf_counter()
            if sweep == after + sweeps - 1:
                last = z.copy(), s.copy()
            if hasattr(module, "ChainState"):  # since the chain's state is one structure
                module.sweep(
                    module.ChainState(
                        words,
                        offsets,
                        key_topic,
                        n_keywords,
                        present,
                        z,
                        s,
                        n_dk,
                        n0_wk,
                        n0_k,
                        n1_wk,
                        n1_k,
                        alpha,
                        gamma,
                        state,
                        float(options["absent_prior"]),
                        float(options["beta"]),
                        float(options["keyword_beta"]),
                        bool(options["exclusive_keywords"]),
                    )
                )
            else:  # a commit before it: the state's arrays one by one
                module.sweep(
                    words,
                    offsets,
                    key_topic,
                    n_keywords,
                    z,
                    s,
                    n_dk,
                    n0_wk,
                    n0_k,
                    n1_wk,
                    n1_k,
                    alpha,
                    present,
                    float(options["absent_prior"]),
                    options["beta"],
                    options["keyword_beta"],
                    gamma,
                    gamma,
                    state,
                    np.empty(K),
                    options["exclusive_keywords"],
                )
        elapsed = time.perf_counter() - start
        # what a draw does, on average: the topics its unit can draw, and whether the last sweep moved its token
        active = ((present > 0) | (n_dk > 0)).sum(axis=1)
        shape = {
            "active": float((active * lengths).sum() / lengths.sum()),
            "moved": float(np.mean((z != last[0]) | (s != last[1]))),
            "state": (n_dk, n0_wk, n0_k, n1_wk, n1_k, present),
        }
        return elapsed, z, shape

    def floor(state, sweeps):
        start = time.perf_counter()
        n_dk, n0_wk, n0_k, n1_wk, n1_k, present = state
        draw_arithmetic(
            words,
            offsets,
            key_topic,
            n_keywords,
            n_dk,
            n0_wk,
            n0_k,
            n1_wk,
            n1_k,
            alpha,
            present,
            float(options["absent_prior"]),
            options["beta"],
            options["keyword_beta"],
            gamma,
            options["exclusive_keywords"],
            sweeps,
            gibbs.uniform,
            stream(7),
        )
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory() as folder:
        kernels = subprocess.run(
            ["git", "-C", str(ROOT), "ls-tree", "--name-only", args.against, "toolkit/models/"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        path = "toolkit/models/_gibbs.py" if "toolkit/models/_gibbs.py" in kernels else "toolkit/models/gibbs.py"
        reference = module_at(args.against, path, Path(folder))
        samplers = {f"this checkout ({git_commit()})": gibbs, f"{args.against}": reference}
        for module in samplers.values():
            _, _, compiled = chain(module, 1)  # compile
        floor(compiled["state"], 1)
        seconds = {name: [] for name in samplers}
        seconds["the draws' arithmetic alone"] = []
        same = True
        shapes = {}
        for _ in range(args.repeats):
            chains = []
            for name, module in samplers.items():
                elapsed, z, shapes[name] = chain(module, args.sweeps, args.after)
                seconds[name].append(elapsed)
                chains.append(z)
            seconds["the draws' arithmetic alone"].append(floor(next(iter(shapes.values()))["state"], args.sweeps))
            same = same and np.array_equal(chains[0], chains[1])
    print(
        f"corpus {corpus.name}: {len(words):,} tokens, {counts.shape[0]:,} units, {counts.shape[1]:,} words; keyatm "
        f"K={K}, {args.sweeps} sweeps timed after {args.after}, {args.repeats} interleaved repeats; settings {options}"
    )
    for name, values in seconds.items():
        per_token = [v / args.sweeps / len(words) * 1e9 for v in values]
        print(f"{name}: {statistics.median(per_token):.1f} ns per token ({min(per_token):.1f}-{max(per_token):.1f})")
    print(f"the two chains are {'identical' if same else 'DIFFERENT'} after {args.after + args.sweeps} sweeps")
    ours, alone = (statistics.median(seconds[name]) for name in (next(iter(samplers)), "the draws' arithmetic alone"))
    print(
        f"this checkout's sweeps take {ours / alone:.2f}x the draws' arithmetic alone (on the final state of its "
        f"chain: the same sums over the same topics, uniforms and counts, with no token moved)"
    )
    shape = next(iter(shapes.values()))
    print(
        f"what a draw does (this checkout's chain): {np.mean(key_topic[words] >= 0):.1%} of tokens are keywords; "
        f"a token's unit can draw {shape['active']:.1f} topics on average; the last sweep moved {shape['moved']:.1%} "
        f"of tokens to another topic or kind"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
