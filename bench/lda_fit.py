"""LDA fit speed on equal tokens: the toolkit's LDA (gensim's updates, compiled E-step) against gensim's own
`LdaModel`, same counts, same settings, NPMI of both on the same tokens.

    .venv/bin/python bench/lda_fit.py [--chars 10000000] [--k 20] [--repeats 3] [--work DIR]

The corpus comes from ../shared/bench/make_scale_corpus.py and is prepared by the toolkit with its shipped
defaults (read back from a cache in --work after the first time). Both models get the toolkit's LDA defaults:
passes 10, iterations 200, chunksize 2000, symmetric alpha, gensim's default eta, random_state 42, float64.
The toolkit is timed with model.n_jobs = 1 and 2 threads (the result is the same for both: checked). Fits run
in one process, interleaved, after one untimed fit on a few units loads the compiled kernel from its disk cache.
Prints seconds (median, range) and mean NPMI of the top 10 words (toolkit.analysis.evaluate, equal to gensim's
CoherenceModel c_npmi).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from common import generated_corpus, git_commit

SETTINGS = dict(passes=10, iterations=200, chunksize=2000, random_state=42)


def main() -> None:
    import numpy as np
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    import toolkit
    from toolkit.analysis.evaluate import CoherenceStatistics, top_words
    from toolkit.models.base import normalize_rows
    from toolkit.models.lda import LdaTopicModel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-bench"))
    parser.add_argument("--no-gensim", action="store_true", help="time the toolkit only (e.g. an older commit)")
    args = parser.parse_args()
    corpus = generated_corpus(args.work, args.chars)
    config = toolkit.Config.load(
        None, [f'corpus.texts="{corpus}"', f'corpus.metadata="{corpus}/metadata.csv"', f'cache.dir="{args.work / "cache"}"']
    )
    prepared = toolkit.prepare(config)
    vocabulary, counts, _ = toolkit.count_units(prepared, config)
    X = counts.astype(np.float64).tocsr()
    coherence = CoherenceStatistics(prepared.tokens, vocabulary)
    LdaTopicModel(args.k, passes=1, iterations=5, random_state=0).fit(X[:400])  # load the compiled kernel

    def npmi(components):
        topics = top_words(components, vocabulary, 10)
        return sum(coherence.coherence(topics, "c_npmi")) / len(topics)

    def gensim_fit():
        model = LdaModel(
            Sparse2Corpus(X, documents_columns=False),
            num_topics=args.k,
            id2word={i: str(i) for i in range(X.shape[1])},
            eval_every=None,
            dtype=np.float64,
            **SETTINGS,
        )
        return normalize_rows(model.get_topics())

    def toolkit_fit(threads):
        return lambda: LdaTopicModel(args.k, n_jobs=threads, **SETTINGS).fit(X).components_

    runs = {"gensim LdaModel": gensim_fit, "toolkit, 1 thread": toolkit_fit(1), "toolkit, 2 threads": toolkit_fit(2)}
    if args.no_gensim:
        del runs["gensim LdaModel"]
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    scores: dict[str, float] = {}
    topics: dict[str, np.ndarray] = {}
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            components = run()
            seconds[name].append(time.perf_counter() - start)
            scores[name] = npmi(components)
            topics[name] = components
    same = np.array_equal(topics["toolkit, 1 thread"], topics["toolkit, 2 threads"])
    print(
        f"LDA fit, toolkit {git_commit()}: {X.shape[0]:,} units, {X.shape[1]:,} words, {int(X.sum()):,} tokens "
        f"({args.chars:,} generated characters), K={args.k}, {SETTINGS}, {args.repeats} interleaved repeats"
    )
    base = statistics.median(seconds.get("gensim LdaModel", [float("nan")]))
    for name, values in seconds.items():
        median = statistics.median(values)
        print(
            f"  {name:<20} {median:6.1f} s ({min(values):.1f}-{max(values):.1f})  {base / median:4.1f}x gensim  "
            f"NPMI {scores[name]:.3f}"
        )
    print(f"  1 and 2 threads give identical topics: {same}")


if __name__ == "__main__":
    main()
