"""Keyword seeding: an LDA topic-word prior (``eta``) that pulls one topic towards each lexicon theme."""

from __future__ import annotations

import numpy as np

from ..errors import ToolkitError


def seeded_topics(keywords: list[np.ndarray], n_topics: int) -> np.ndarray:
    """The theme each topic is seeded with, or -1 for a free topic: the themes with a keyword in the vocabulary
    (``keywords[i]``: theme ``i``'s vocabulary ids), in their order, take the first topics; a theme without one
    seeds nothing and takes no topic (keyatm's anchoring, so the two kinds need as many topics)."""
    themes = [i for i, ids in enumerate(keywords) if len(ids)]
    if n_topics < len(themes):
        raise ToolkitError(
            f"seeded LDA needs at least one topic per theme with a keyword in the vocabulary: model.n_topics is "
            f"{n_topics} but {len(themes)} themes have keywords; raise n_topics or set model.lda.seeded = false"
        )
    anchors = np.full(n_topics, -1, dtype=np.int64)
    anchors[: len(themes)] = themes
    return anchors


def seeded_eta(keywords: list[np.ndarray], n_topics: int, n_words: int, *, strength: float = 0.5, n_tokens: int) -> np.ndarray:
    """Prior of shape (n_topics, n_words): each theme with a keyword in the vocabulary seeds one topic with its
    words (``keywords[i]``: theme ``i``'s vocabulary ids), the topic :func:`seeded_topics` gives it.

    Every word gets gensim's symmetric default ``1 / n_topics`` in every topic. A theme's seed words together
    get ``strength`` times the average number of tokens per topic (``n_tokens / n_topics``) as extra prior
    pseudo-counts in the theme's topic, shared evenly. The strength is thus independent of corpus size: 0.5
    weighs as much as half the tokens an average topic holds. Seed words stay free to appear in other topics.
    Topics past the seeded themes are free.
    """
    eta = np.full((n_topics, n_words), 1.0 / n_topics)
    for k, theme in enumerate(seeded_topics(keywords, n_topics)):
        if theme >= 0:
            ids = keywords[theme]
            eta[k, ids] += strength * n_tokens / n_topics / len(ids)
    return eta
