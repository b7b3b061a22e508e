"""Keyword seeding: an LDA topic-word prior (``eta``) that pulls one topic towards each lexicon theme."""

from __future__ import annotations

import numpy as np

from ..errors import ToolkitError


def seeded_eta(keywords: list[np.ndarray], n_topics: int, n_words: int, *, strength: float = 0.5, n_tokens: int) -> np.ndarray:
    """Prior of shape (n_topics, n_words): topic ``i < len(keywords)`` is seeded with theme ``i``'s words
    (``keywords[i]``: their vocabulary ids).

    Every word gets gensim's symmetric default ``1 / n_topics`` in every topic. A theme's seed words together
    get ``strength`` times the average number of tokens per topic (``n_tokens / n_topics``) as extra prior
    pseudo-counts in the theme's topic, shared evenly. The strength is thus independent of corpus size: 0.5
    weighs as much as half the tokens an average topic holds. Seed words stay free to appear in other topics.
    Topics past the themes are free.
    """
    if n_topics < len(keywords):
        raise ToolkitError(
            f"seeded LDA needs at least one topic per theme: model.n_topics is {n_topics} but the "
            f"lexicon has {len(keywords)} themes; raise n_topics or set model.lda.seeded = false"
        )
    eta = np.full((n_topics, n_words), 1.0 / n_topics)
    for k, ids in enumerate(keywords):
        if len(ids):
            eta[k, ids] += strength * n_tokens / n_topics / len(ids)
    return eta
