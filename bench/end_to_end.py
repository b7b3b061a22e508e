"""End to end: the toolkit against the script a researcher would write, on the same corpus, one run each.

    .venv/bin/python bench/end_to_end.py [--corpus DIR] [--k 20] [--passes 10]

The straightforward script: jieba.lcut per paragraph, stopwords-iso, gensim Dictionary (no_below=2,
no_above=0.5), LdaModel (K topics, `passes`, defaults otherwise), sequential. The toolkit: `toolkit.run` with
the same K and passes, unseeded LDA, cold cache, then a second run with K+1 (warm cache). Both report
NPMI (gensim c_npmi, top 10 words) computed on their own tokens, so speed is not bought with worse topics.
Default corpus: the State Council reports 1954-2022 shipped in corpora/.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from common import before_fit

ROOT = Path(__file__).resolve().parent.parent


def straightforward(texts: list[str], k: int, passes: int) -> dict:
    import jieba
    import stopwordsiso
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel, LdaModel

    jieba.setLogLevel(logging.WARNING)
    stop = stopwordsiso.stopwords("zh")
    start = time.perf_counter()
    docs = [[w for w in jieba.lcut(p) if len(w) > 1 and w not in stop and not w.isdigit()]
            for text in texts for p in text.splitlines() if p.strip()]
    segmented = time.perf_counter()
    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=2, no_above=0.5, keep_n=None)
    corpus = [dictionary.doc2bow(d) for d in docs]
    vocab_done = time.perf_counter()
    lda = LdaModel(corpus, num_topics=k, id2word=dictionary, passes=passes, random_state=42)
    fitted = time.perf_counter()
    topics = [[dictionary[i] for i, _ in lda.get_topic_terms(t, 10)] for t in range(k)]
    npmi = CoherenceModel(topics=topics, texts=docs, dictionary=dictionary, coherence="c_npmi",
                          processes=1).get_coherence()
    return {"seconds": fitted - start, "segment": segmented - start, "vocabulary": vocab_done - segmented,
            "fit": fitted - vocab_done, "npmi": npmi, "units": len(docs)}


def toolkit_runs(corpus: Path, metadata: Path | None, k: int, passes: int, work: Path) -> list[dict]:
    import toolkit

    out = []
    for n_topics in (k, k + 1):
        config = toolkit.Config.from_dict({
            "corpus": {"name": "bench", "texts": str(corpus), "metadata": str(metadata) if metadata else ""},
            "model": {"kind": "lda", "n_topics": n_topics, "passes": passes, "iterations": 50},
            "trends": {"bootstrap": 0}, "figures": {"ldavis": False, "formats": ["png"]},
            "cache": {"dir": str(work / "cache")}})
        start = time.perf_counter()
        result = toolkit.run(config, work / f"out-{n_topics}")
        seconds = time.perf_counter() - start
        t = result.manifest["timings_seconds"]
        out.append({"k": n_topics, "seconds": seconds, "before_fit": before_fit(t),
                    "fit": t["model"], "npmi": result.manifest["metrics"]["c_npmi"],
                    "units": result.manifest["counts"]["units_modelled"], "timings": t})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora/gwr_national/texts")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--passes", type=int, default=10)
    args = parser.parse_args()
    metadata = args.corpus / "metadata.csv"
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
    chars = sum(map(len, texts))
    print(f"corpus: {args.corpus} ({len(texts)} files, {chars:,} characters); K={args.k}, passes={args.passes}")
    script = straightforward(texts, args.k, args.passes)
    print(f"straightforward script: {script['seconds']:.1f} s (segment {script['segment']:.1f}, vocabulary "
          f"{script['vocabulary']:.1f}, fit {script['fit']:.1f}); {script['units']} paragraphs; NPMI {script['npmi']:.3f}")
    work = Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    try:
        for run in toolkit_runs(args.corpus, metadata if metadata.is_file() else None, args.k, args.passes, work):
            print(f"toolkit run K={run['k']}: {run['seconds']:.1f} s in all (before the fit {run['before_fit']:.1f} s, "
                  f"fit {run['fit']:.1f} s); {run['units']} units; NPMI {run['npmi']:.3f}; "
                  f"stages {json.dumps(run['timings'])}")
            print(f"   speed-up over the script: {script['seconds'] / run['seconds']:.2f}x end to end")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
