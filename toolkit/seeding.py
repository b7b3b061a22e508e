"""Keyword seeding: an LDA topic-word prior (``eta``) that pulls one topic towards each lexicon theme."""

from __future__ import annotations

import numpy as np

from .errors import ToolkitError
from .themes import Lexicon, word_themes


def build_model(model_options: dict, *, lexicon: Lexicon, vocabulary: list[str], counts, match: str = "contains"):
    """The unfitted model of a ``[model]`` section; seeded LDA gets its prior from ``counts`` and the lexicon."""
    from .models import make_model

    eta = (seeded_eta(lexicon, vocabulary, model_options["n_topics"], strength=model_options["seed_strength"],
                      match=match, n_tokens=int(counts.sum()))
           if model_options["seeded"] else None)
    return make_model(model_options, eta=eta)


def seeded_eta(lexicon: Lexicon, vocabulary: list[str], n_topics: int, *, strength: float = 0.5,
               n_tokens: int, match: str = "contains") -> np.ndarray:
    """Prior of shape (n_topics, n_words): topic ``i < len(themes)`` is seeded with theme ``i``'s words.

    Every word gets gensim's symmetric default ``1 / n_topics`` in every topic. A theme's seed words (its
    vocabulary words, see :func:`toolkit.themes.word_themes`) together get ``strength`` times the average
    number of tokens per topic (``n_tokens / n_topics``) as extra prior pseudo-counts in the theme's topic,
    shared evenly. The strength is thus independent of corpus size: 0.5 weighs as much as half the tokens an
    average topic holds. Seed words stay free to appear in other topics (治理 belongs to ecology as much as to
    governance). Topics past the themes are free.
    """
    n_themes = len(lexicon.themes)
    if n_topics < n_themes:
        raise ToolkitError(f"seeded LDA needs at least one topic per theme: model.n_topics is {n_topics} but the "
                           f"lexicon has {n_themes} themes; raise n_topics or set model.seeded = false")
    base = 1.0 / n_topics
    eta = np.full((n_topics, len(vocabulary)), base)
    themes_of = word_themes(lexicon, vocabulary, match)
    for k, theme in enumerate(lexicon.themes):
        ids = [i for i, w in enumerate(vocabulary) if themes_of.get(w) == theme.name]
        if ids:
            eta[k, ids] += strength * n_tokens / n_topics / len(ids)
    return eta
