"""The measurement model's fit against tomotopy's seeded LDA, the sampler a Python user would pick (issue 30).

    .venv/bin/pip install tomotopy==0.14.0        (bench only; not a dependency of the package)
    .venv/bin/python bench/tomotopy_peer.py [--chars 10000000] [--repeats 1] [--sweeps 100]

A corpus of ``--chars`` characters is generated (../shared/bench/make_scale_corpus.py) and prepared once by the
toolkit; both samplers get the same tokens: each modelled unit's vocabulary words, as the toolkit counts them.
Interleaved, ``--repeats`` times:

1. the goal: the toolkit's fit with the shipped defaults of bench/empty.toml (``model.n_topics=20``: the
   ensemble of three chains, the stopping rule with 500 sweeps at most, the sample above
   ``model.sample_above`` tokens and the fold-in of the rest, threads on every core), against tomotopy 0.14
   ``LDAModel`` fitting ONE chain of 500 iterations on every token with both cores (``workers=2``), with word
   priors as a Python user writes them for seeded topics (30 on a keyword's own topic, 1e-4 on the others;
   ``alpha=0.1``, ``eta=0.01``);
2. per core: one chain of ``--sweeps`` sweeps on every token, the toolkit's (``ensemble=1``,
   ``sample_above=0``, ``n_jobs=1``, ``stop="ceiling"``) against tomotopy's (``workers=1``), seconds per sweep.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from common import ROOT, generated_run, git_commit, spread


def tomotopy_fit(
    documents: list[list[str]], priors: dict[str, int], k: int, iterations: int, workers: int, seed: int = 1
) -> float:
    import tomotopy as tp

    model = tp.LDAModel(k=k, alpha=0.1, eta=0.01, seed=seed)
    for word, topic in priors.items():
        model.set_word_prior(word, [30.0 if t == topic else 1e-4 for t in range(k)])
    for words in documents:
        if words:
            model.add_doc(words)
    start = time.perf_counter()
    model.train(iterations, workers=workers)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--sweeps", type=int, default=100)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-sampling"))
    args = parser.parse_args()
    try:
        import tomotopy
    except ImportError:
        sys.exit("tomotopy is not installed: .venv/bin/pip install tomotopy==0.14.0")
    toolkit, settings, config, prepared, counted = generated_run(args.work, args.chars)
    from toolkit.analysis.lexicon import keyword_ids

    vocabulary, counts, _ = counted
    k = config["model"]["n_topics"]
    documents = []
    for row in range(counts.shape[0]):
        start, end = counts.indptr[row], counts.indptr[row + 1]
        documents.append(
            [vocabulary[j] for j, n in zip(counts.indices[start:end], counts.data[start:end]) for _ in range(int(n))]
        )
    priors = {}
    for theme, ids in enumerate(keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"])):
        for j in ids:
            priors[vocabulary[j]] = theme
    print(
        f"toolkit against tomotopy {tomotopy.__version__}, toolkit {git_commit()}, {args.chars:,} characters, "
        f"{int(counts.sum()):,} tokens in {counts.shape[0]:,} units, K={k}, {len(priors)} keywords, "
        f"{args.repeats} interleaved repeat(s)"
    )
    times = {
        "toolkit, shipped ensemble": [],
        "tomotopy, one chain of 500, 2 workers": [],
        f"toolkit, one chain, {args.sweeps} sweeps, 1 thread": [],
        f"tomotopy, one chain, {args.sweeps} iterations, 1 worker": [],
    }
    one_chain = toolkit.Config.load(
        ROOT / "bench" / "empty.toml",
        [
            *settings,
            "model.ensemble=1",
            "model.sample_above=0",
            "model.n_jobs=1",
            'model.keyatm.stop="ceiling"',
            f"model.keyatm.iterations={args.sweeps}",
        ],
    )
    for _ in range(args.repeats):
        start = time.perf_counter()
        fitted = toolkit.fit(prepared, config, counted)
        times["toolkit, shipped ensemble"].append(time.perf_counter() - start)
        times["tomotopy, one chain of 500, 2 workers"].append(tomotopy_fit(documents, priors, k, 500, 2))
        start = time.perf_counter()
        toolkit.fit(prepared, one_chain, counted)
        times[f"toolkit, one chain, {args.sweeps} sweeps, 1 thread"].append(time.perf_counter() - start)
        times[f"tomotopy, one chain, {args.sweeps} iterations, 1 worker"].append(
            tomotopy_fit(documents, priors, k, args.sweeps, 1)
        )
    stop = getattr(fitted.model, "stop_", None) or {}
    print(f"  the shipped fit: {stop.get('sweeps')} sweeps ({stop.get('reason')}), sample {fitted.sample}")
    for name, values in times.items():
        print(f"  {name:<50} {spread(values)}")
    names = list(times)
    print(
        f"  goal 1 (shipped ensemble at most tomotopy's one chain on 2 workers): "
        f"{statistics.median(times[names[0]]) / statistics.median(times[names[1]]):.2f}x its time"
    )
    print(
        f"  goal 2 (per core at least 1.4x tomotopy): "
        f"{statistics.median(times[names[3]]) / statistics.median(times[names[2]]):.2f}x "
        f"(the toolkit's {args.sweeps} sweeps include its start and the shares' averaging)"
    )


if __name__ == "__main__":
    main()
