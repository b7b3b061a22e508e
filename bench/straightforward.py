"""The script a researcher would write, as one process: jieba.lcut per paragraph, stopwords-iso, gensim
Dictionary (no_below=2, no_above=0.5), LdaModel (K topics, 10 passes, defaults otherwise), sequential, then
gensim's c_npmi of its top-10 words on its own tokens. Writes its timings and NPMI as JSON.

    .venv/bin/python bench/straightforward.py CORPUS_DIR K OUT.json
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

PASSES = 10


def main() -> None:
    started = time.perf_counter()
    import jieba
    import stopwordsiso
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel, LdaModel

    corpus, k, out = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    jieba.setLogLevel(logging.WARNING)
    stop = stopwordsiso.stopwords("zh")
    imported = time.perf_counter()
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))]
    docs = [
        [w for w in jieba.lcut(p) if len(w) > 1 and w not in stop and not w.isdigit()]
        for text in texts
        for p in text.splitlines()
        if p.strip()
    ]
    segmented = time.perf_counter()
    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=2, no_above=0.5, keep_n=None)
    bows = [dictionary.doc2bow(d) for d in docs]
    vocabulary = time.perf_counter()
    lda = LdaModel(bows, num_topics=k, id2word=dictionary, passes=PASSES, random_state=42)
    fitted = time.perf_counter()
    topics = [[dictionary[i] for i, _ in lda.get_topic_terms(t, 10)] for t in range(k)]
    npmi = CoherenceModel(topics=topics, texts=docs, dictionary=dictionary, coherence="c_npmi", processes=1).get_coherence()
    out.write_text(
        json.dumps(
            {
                "imports": imported - started,
                "segment": segmented - imported,
                "vocabulary": vocabulary - segmented,
                "fit": fitted - vocabulary,
                "npmi_own_tokens": npmi,
                "units": len(docs),
                "chars": sum(map(len, texts)),
            }
        )
    )


if __name__ == "__main__":
    main()
