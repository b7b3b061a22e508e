"""End to end: the toolkit against the script a researcher would write, on the same corpus, one run each.

    .venv/bin/python bench/end_to_end.py [--corpus DIR | --chars 10000000] [--k 20] [--passes 10]

The straightforward script: jieba.lcut per paragraph, stopwords-iso, gensim Dictionary (no_below=2,
no_above=0.5), LdaModel (K topics, `passes`, defaults otherwise), sequential. The toolkit: `toolkit.run` with
the same K and passes, unseeded LDA, cold cache, then a second run with K+1 (warm cache).

NPMI (gensim c_npmi, top 10 words) is reported three ways, so speed is not bought with worse topics: each
model on its own tokens; and, on equal tokens, the script's model (gensim LdaModel, same K and passes) fitted
to the toolkit's tokens, against the toolkit's model, both scored on those tokens.
Default corpus: the State Council reports 1954-2022 shipped in corpora/. `--chars N` generates a corpus of
N characters with ../shared/bench/make_scale_corpus.py (resampled State Council paragraphs) instead.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import before_fit

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT.parent / "shared" / "bench" / "make_scale_corpus.py"


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


def script_model_on_toolkit_tokens(result, k: int, passes: int) -> dict:
    """The script's gensim LdaModel fitted to the toolkit's vocabulary and counts; both scored on those tokens."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    from toolkit.evaluate import CoherenceStatistics, top_words

    fitted = result.fitted
    start = time.perf_counter()
    lda = LdaModel(Sparse2Corpus(fitted.counts.astype(float), documents_columns=False), num_topics=k,
                   id2word=dict(enumerate(fitted.vocabulary)), passes=passes, random_state=42)
    seconds = time.perf_counter() - start
    statistics = CoherenceStatistics(result.prepared.tokens, fitted.vocabulary)
    script_topics = [[fitted.vocabulary[i] for i, _ in lda.get_topic_terms(t, 10)] for t in range(k)]
    toolkit_topics = top_words(fitted.model.components_, fitted.vocabulary, 10)
    mean = lambda topics: sum(statistics.coherence(topics, "c_npmi")) / len(topics)  # noqa: E731
    return {"seconds": seconds, "script_npmi": mean(script_topics), "toolkit_npmi": mean(toolkit_topics)}


def toolkit_runs(corpus: Path, metadata: Path | None, k: int, passes: int, work: Path) -> list:
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
        out.append((seconds, result))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora/gwr_national/texts")
    parser.add_argument("--chars", type=int, default=0, help="generate a corpus of this many characters instead")
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--passes", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="toolkit-bench-"))
    try:
        if args.chars:
            args.corpus = work / "corpus"
            subprocess.run([sys.executable, str(GENERATOR), str(args.corpus), "--chars", str(args.chars)], check=True,
                           stdout=subprocess.DEVNULL)
        metadata = args.corpus / "metadata.csv"
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
        print(f"corpus: {args.corpus} ({len(texts)} files, {sum(map(len, texts)):,} characters); K={args.k}, "
              f"passes={args.passes}")
        script = straightforward(texts, args.k, args.passes)
        del texts
        print(f"straightforward script: {script['seconds']:.1f} s (segment {script['segment']:.1f}, vocabulary "
              f"{script['vocabulary']:.1f}, fit {script['fit']:.1f}); {script['units']} paragraphs; "
              f"NPMI {script['npmi']:.3f} on its own tokens")
        runs = toolkit_runs(args.corpus, metadata if metadata.is_file() else None, args.k, args.passes, work)
        for seconds, result in runs:
            t = result.manifest["timings_seconds"]
            to_topics = before_fit(t) + t["model"]
            print(f"toolkit run K={result.manifest['config']['model']['n_topics']}: {seconds:.1f} s in all "
                  f"(before the fit {before_fit(t):.1f} s, fit {t['model']:.1f} s, to topics {to_topics:.1f} s); "
                  f"{result.manifest['counts']['units_modelled']} units; "
                  f"NPMI {result.manifest['metrics']['c_npmi']:.3f} on its own tokens; stages {json.dumps(t)}")
            print(f"   speed-up over the script: {script['seconds'] / seconds:.2f}x end to end (every table, figure "
                  f"and metric), {script['seconds'] / to_topics:.2f}x to the topics")
        equal = script_model_on_toolkit_tokens(runs[0][1], args.k, args.passes)
        print(f"equal tokens (the toolkit's): script's LdaModel fit {equal['seconds']:.1f} s, NPMI "
              f"{equal['script_npmi']:.3f}; toolkit's model NPMI {equal['toolkit_npmi']:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
