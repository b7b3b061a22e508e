"""Named themes: topic labelling, and theme shares of units (the lexicon is in :mod:`toolkit.analysis.lexicon`,
the checks of a theme in :mod:`toolkit.analysis.diagnostics`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError
from ..options import OPEN_FRACTION, POSITIVE, Option, choice
from .lexicon import MATCHES, OTHER, Lexicon, word_themes

if TYPE_CHECKING:
    import pandas as pd

OPTIONS = {
    "lexicon": Option("", "Theme lexicon (TOML); '' for the shipped one.", path=True),
    "top_n": Option(30, "Top words of a topic that labelling looks at.", *POSITIVE),
    "min_score": Option(
        0.1,
        "Share of a topic's top-word weight a theme needs to label it (an exploratory model's topics, else 'other'; "
        "a keyword topic keeps its theme and this sets only its `suggested` column).",
        *OPEN_FRACTION,
        kind=(float, int),
    ),
    "match": Option(
        "exact",
        "A word counts for a theme if it is one of its words or matches one of its patterns "
        "('exact'), or also if it contains one of its words ('contains': 文化大革命 then counts "
        "for culture).",
        *choice(*MATCHES),
    ),
}


def label_topics(
    components: np.ndarray,
    vocabulary: list[str],
    lexicon: Lexicon,
    *,
    anchors=None,
    top_n: int = 30,
    min_score: float = 0.1,
    match: str = "exact",
    drawn: np.ndarray | None = None,
) -> pd.DataFrame:
    """The theme each topic's shares count for, and the theme its top words suggest.

    A topic anchored to a theme by construction (``anchors[k]`` >= 0: a keyword topic) counts for that theme
    whatever its top words; a free topic of a model that anchors topics counts for ``other``. A model with no
    anchored topic (plain LDA, NMF) is labelled by its top words: each topic gets the theme whose words carry the
    most of its top-``top_n`` word weight (``score``), or ``other`` below ``min_score`` (exploration, not
    measurement). ``suggested`` is that top-word theme for every topic, a hint to read beside the topic's words.
    Returns one row per topic: topic (from 1), theme, labelled_by ('keywords', 'free' or 'top words'),
    suggested, score, and the score of every theme (``score_<theme>``). ``drawn``: a sampled model's
    ``drawn_words_``; its top words are then those it drew (a keyword topic's prior lifts its keywords, drawn or
    not: one that drew nothing suggested its own theme).
    """
    import pandas as pd

    from .evaluate import ranked_word_ids

    if np.ndim(components) != 2 or np.shape(components)[1] != len(vocabulary):
        raise ToolkitError(
            f"label_topics: components are {np.shape(components)}; they need a column per word of the vocabulary "
            f"({len(vocabulary)})"
        )
    themes_of = word_themes(lexicon, vocabulary, match)
    column = np.array([lexicon.names.index(themes_of[w]) if w in themes_of else -1 for w in vocabulary])
    anchors = np.full(len(components), -1) if anchors is None else np.asarray(anchors)
    if len(anchors) != len(components) or (anchors >= len(lexicon.names)).any():
        raise ToolkitError(
            f"label_topics: anchors must give each of the {len(components)} topics the index of its theme in the lexicon "
            f"(0 to {len(lexicon.names) - 1}) or -1 for a free topic, not {anchors.tolist()}: a model fitted with "
            "another lexicon?"
        )
    # without a word of the lexicon in the vocabulary no topic can be a theme, by keywords or by top words: free
    anchored_model = bool((anchors >= 0).any()) or not (column >= 0).any()
    rows = []
    for k, weights in enumerate(components):
        top = ranked_word_ids(weights, None if drawn is None else drawn[k])[:top_n]
        total = weights[top].sum()
        scores = {}
        for i, theme in enumerate(lexicon.themes):
            ids = top[column[top] == i]
            scores[theme.name] = float(weights[ids].sum() / total) if total > 0 and ids.size else 0.0
        best = max(scores, key=lambda name: (scores[name], -lexicon.names.index(name)))
        suggested = best if scores[best] >= min_score else OTHER
        if anchors[k] >= 0:
            theme, how = lexicon.names[anchors[k]], "keywords"
        elif anchored_model:
            theme, how = OTHER, "free"
        else:
            theme, how = suggested, "top words"
        rows.append(
            {
                "topic": k + 1,
                "theme": theme,
                "labelled_by": how,
                "suggested": suggested,
                "score": round(scores[best], 6),
                **{f"score_{n}": round(v, 6) for n, v in scores.items()},
            }
        )
    return pd.DataFrame(rows)


def theme_shares(doc_topic: np.ndarray, topic_themes: list[str], theme_names: list[str]) -> pd.DataFrame:
    """Share of each theme in each unit: the sum of the shares of the topics labelled with it.

    Columns are the lexicon's themes then ``other``; rows sum to 1. ``theme_names`` may end with ``other``, as
    :func:`~toolkit.analysis.trends.theme_by_year` takes them (it made a second column ``other``).
    """
    import pandas as pd

    columns = [*(name for name in dict.fromkeys(theme_names) if name != OTHER), OTHER]
    if len(topic_themes) != doc_topic.shape[1]:
        raise ToolkitError(f"{len(topic_themes)} topic labels for {doc_topic.shape[1]} topics; give one per topic")
    unknown = sorted(set(topic_themes) - set(columns))
    if unknown:
        raise ToolkitError(f"topics labelled {', '.join(map(repr, unknown))}, which is no theme of {columns}")
    shares = np.zeros((doc_topic.shape[0], len(columns)))
    for k, theme in enumerate(topic_themes):
        shares[:, columns.index(theme)] += doc_topic[:, k]
    return pd.DataFrame(shares, columns=columns)


def dominant_themes(shares: pd.DataFrame) -> pd.Series:
    """The theme with the largest share in each row: the named theme with the largest share (ties: the first
    listed), or ``other`` when ``other``'s share is larger than every named theme's (a unit mostly about what
    the lexicon does not name, as a hand coder's "none of these"; with keyword topics also every unit without a
    keyword of any theme); '' for a row without shares (a unit with no vocabulary word)."""
    import pandas as pd

    named = shares.drop(columns=[OTHER]) if OTHER in shares.columns else shares
    values = np.nan_to_num(named.to_numpy(dtype=float), nan=0.0)
    other = np.nan_to_num(shares.get(OTHER, pd.Series(0.0, index=shares.index)).to_numpy(dtype=float), nan=0.0)
    has_shares = ~np.isnan(shares.to_numpy(dtype=float)).all(axis=1)
    best = np.argmax(values, axis=1)
    top = values.max(axis=1)
    names = np.where((top > 1e-9) & (top >= other), np.asarray(named.columns, dtype=object)[best], OTHER)
    return pd.Series(np.where(has_shares, names, ""), index=shares.index, dtype="str")
