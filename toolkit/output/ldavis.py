"""An interactive pyLDAvis page that works offline: d3, LDAvis.js and its CSS are inlined from the copies
that ship inside the pyLDAvis package, and so is a subset of the shipped CJK font with the glyphs the page uses,
so the page loads nothing from the network and shows Chinese on a machine without CJK fonts."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from . import atomic
from .fonts import WEB_FAMILY, font_face_css

_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{css}</style>
<style>{font_face}
body, text, input, select, button {{ font-family: "{family}", sans-serif !important; }}</style>
</head>
<body>
<h3>{title}</h3>
<p>Topic numbers are those of topics.csv. Made with pyLDAvis {version} (d3, LDAvis.js and the font inlined; works
offline).</p>
<div id="ldavis" style="background-color:white;"></div>
<script>{d3}</script>
<script>{ldavis}</script>
<script>
var ldavis_data = {data};
new LDAvis("#ldavis", ldavis_data);
</script>
</body>
</html>
"""


def _at_the_origin(topic_term: np.ndarray) -> np.ndarray:
    """The map's coordinates of a model of one topic."""
    return np.zeros((len(topic_term), 2))


def ldavis_page(
    topic_term: np.ndarray, topic_tokens: np.ndarray, term_frequency: np.ndarray, vocabulary: list[str], title: str
) -> str:
    """The HTML of a pyLDAvis page for any topic model (topics numbered from 1, in our order), from its topics'
    word weights, the tokens of the corpus in each topic and each vocabulary word's count (:func:`corpus_sums`)."""
    import warnings

    # pyLDAvis's import sets every DeprecationWarning to print always, in the caller's process (a notebook's session:
    # a library's hidden DeprecationWarning printed at every call after a run, a hostile pass of the API): the
    # filters are put back as they were
    with warnings.catch_warnings():
        import pyLDAvis
        from pyLDAvis import urls

    topic_term = np.asarray(topic_term, dtype=np.float64) + 1e-12  # NMF has exact zeros; pyLDAvis takes logs
    topic_term /= topic_term.sum(axis=1, keepdims=True)
    total = float(np.sum(topic_tokens))
    data = pyLDAvis.prepare(
        topic_term_dists=topic_term,
        # pyLDAvis reads the documents only for each topic's tokens, sum_d share_dk * length_d: given as one
        # document, so that the page is made from K numbers, not a matrix of every unit
        doc_topic_dists=np.asarray(topic_tokens, dtype=np.float64)[None] / total,
        doc_lengths=np.array([total]),
        vocab=list(vocabulary),
        term_frequency=np.asarray(term_frequency),
        # one topic has no distances to lay out: pyLDAvis's PCoA failed an assert on it (a traceback of `toolkit run`
        # with model.n_topics = 1, a review); it is drawn at the origin
        mds="pcoa" if len(topic_term) > 1 else _at_the_origin,
        sort_topics=False,
        n_jobs=1,
        start_index=1,
        # The relevance slider's step, and the values of lambda whose top terms the page holds: at every lambda
        # the slider reaches, each topic's top terms are exact. A step of 0.05 instead of pyLDAvis's 0.01 takes a
        # third of the time (0.27 against 0.95 s on 15 State Council reports), for a slider that stops at 0.6 or
        # 0.65 but not between (5 of the 936 topic-term rows there were top terms only between such stops).
        lambda_step=0.05,
    )

    def read(path: str) -> str:
        return Path(path).read_text(encoding="utf-8").replace("</script>", "<\\/script>")

    parts = dict(
        title=html.escape(title),  # a model's or corpus's name with < or & (a mutation audit)
        css=read(urls.LDAVIS_CSS_LOCAL),
        d3=read(urls.D3_LOCAL),
        ldavis=read(urls.LDAVIS_LOCAL),
        version=pyLDAvis.__version__,
        family=WEB_FAMILY,
        data=json.dumps(json.loads(data.to_json()), ensure_ascii=False).replace("</", "<\\/"),
    )
    return _PAGE.format(**parts, font_face=font_face_css(_PAGE.format(**parts, font_face="")))


def corpus_sums(doc_topic: np.ndarray, counts) -> tuple[np.ndarray, np.ndarray]:
    """All the page reads of a fitted corpus: the tokens in each topic (each unit's share of it times its tokens,
    summed over units, a column at a time: the same sums for any number of threads) and each vocabulary word's
    count, from ``doc_topic`` (units x topics) and ``counts`` (units x words)."""
    lengths = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    topic_tokens = np.array([np.sum(doc_topic[:, k] * lengths) for k in range(doc_topic.shape[1])])
    return topic_tokens, np.asarray(counts.sum(axis=0)).ravel()


def write_ldavis(
    path: Path, topic_term: np.ndarray, sums: tuple[np.ndarray, np.ndarray], vocabulary: list[str], title: str
) -> Path:
    """Write ``ldavis.html`` for a fitted model's ``components_`` (any kind of model; a run titles it with the
    model's ``display_name`` and number of topics); ``sums``: :func:`corpus_sums` of its units."""
    atomic.write_text(path, ldavis_page(topic_term, *sums, vocabulary, title))
    return path
