"""Named themes: an editable lexicon, topic labelling, and theme shares of units."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ToolkitError
from .resources import data_path

OTHER = "other"


@dataclass(frozen=True)
class Theme:
    name: str
    label_zh: str
    label_en: str
    words: tuple[str, ...]

    def label(self, language: str = "zh") -> str:
        return self.label_zh if language == "zh" else self.label_en


@dataclass(frozen=True)
class Lexicon:
    themes: tuple[Theme, ...]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.themes]

    @property
    def words(self) -> set[str]:
        return {w for t in self.themes for w in t.words}

    def label(self, name: str, language: str = "zh") -> str:
        for theme in self.themes:
            if theme.name == name:
                return theme.label(language)
        return {"zh": "其他", "en": "Other"}[language] if name == OTHER else name


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read a theme lexicon (TOML: one table per theme with ``words`` and optional labels).

    None reads the shipped lexicon. Raises ToolkitError naming the problem for a broken file.
    """
    path = Path(path) if path else data_path("lexicon.toml")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ToolkitError(f"lexicon file not found: {path}; fix themes.lexicon or set it to '' for the shipped one") from None
    except tomllib.TOMLDecodeError as exc:
        raise ToolkitError(f"lexicon {path} is not valid TOML: {exc}") from None
    themes = []
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ToolkitError(f"lexicon {path}: {name} must be a table like [{name}] with words = [...]")
        words = table.get("words")
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ToolkitError(f"lexicon {path}: theme [{name}] needs words = [\"...\", ...], a list of words")
        if not words:
            raise ToolkitError(f"lexicon {path}: theme [{name}] has no words; add some or delete the theme")
        if name == OTHER:
            raise ToolkitError(f"lexicon {path}: '{OTHER}' is reserved for topics that match no theme; rename it")
        unknown = set(table) - {"words", "label_zh", "label_en"}
        if unknown:
            raise ToolkitError(f"lexicon {path}: theme [{name}] has unknown key {sorted(unknown)[0]!r}; "
                               "use words, label_zh, label_en")
        themes.append(Theme(name, table.get("label_zh", name), table.get("label_en", name),
                            tuple(dict.fromkeys(w.strip() for w in words))))
    if not themes:
        raise ToolkitError(f"lexicon {path} defines no theme; add tables like [innovation] words = [...]")
    return Lexicon(tuple(themes))


def word_themes(lexicon: Lexicon, vocabulary: list[str], match: str = "contains") -> dict[str, str]:
    """The theme of each vocabulary word that has one.

    ``match='exact'``: the word is a lexicon word. ``match='contains'`` also gives a word the theme of the
    longest lexicon word inside it (环境污染 -> ecology through 污染), because jieba keeps many policy
    compounds whole; an exact match always wins, and ties between themes go to the first theme listed.
    """
    exact = {}
    for theme in lexicon.themes:
        for w in theme.words:
            exact.setdefault(w, theme.name)
    result = {}
    by_length = sorted(exact, key=lambda w: (-len(w), w))
    for word in vocabulary:
        if word in exact:
            result[word] = exact[word]
        elif match == "contains":
            for lexicon_word in by_length:
                if len(lexicon_word) < len(word) and lexicon_word in word:
                    result[word] = exact[lexicon_word]
                    break
    return result


def label_topics(components: np.ndarray, vocabulary: list[str], lexicon: Lexicon, *, top_n: int = 30,
                 min_score: float = 0.1, match: str = "contains") -> pd.DataFrame:
    """Give each topic the theme whose words carry the most of its top-``top_n`` word weight.

    ``score`` is that share (0-1). A topic whose best score is below ``min_score`` is labelled ``other``.
    Words belong to themes as :func:`word_themes` says. Returns one row per topic: topic, theme, score,
    and the score of every theme (``score_<theme>``).
    """
    themes_of = word_themes(lexicon, vocabulary, match)
    column = np.array([lexicon.names.index(themes_of[w]) if w in themes_of else -1 for w in vocabulary])
    rows = []
    for k, weights in enumerate(components):
        top = np.argsort(-weights, kind="stable")[:top_n]
        total = weights[top].sum()
        scores = {}
        for i, theme in enumerate(lexicon.themes):
            ids = top[column[top] == i]
            scores[theme.name] = float(weights[ids].sum() / total) if total > 0 and ids.size else 0.0
        best = max(scores, key=lambda name: (scores[name], -lexicon.names.index(name)))
        theme = best if scores[best] >= min_score else OTHER
        rows.append({"topic": k + 1, "theme": theme, "score": round(scores[best], 6),
                     **{f"score_{n}": round(s, 6) for n, s in scores.items()}})
    return pd.DataFrame(rows)


def theme_shares(doc_topic: np.ndarray, topic_themes: list[str], theme_names: list[str]) -> pd.DataFrame:
    """Share of each theme in each unit: the sum of the shares of the topics labelled with it.

    Columns are the lexicon's themes then ``other``; rows sum to 1.
    """
    columns = [*theme_names, OTHER]
    shares = np.zeros((doc_topic.shape[0], len(columns)))
    for k, theme in enumerate(topic_themes):
        shares[:, columns.index(theme)] += doc_topic[:, k]
    return pd.DataFrame(shares, columns=columns)


def lexicon_coverage(lexicon: Lexicon, vocabulary: list[str], tokens) -> pd.DataFrame:
    """Every lexicon word: its theme, whether it is in the model's vocabulary, its count and unit frequency.

    A word that never occurs, or falls outside the vocabulary, cannot pull its theme; this table shows it.
    ``tokens`` are the units' tokens (UnitTokens or lists of words).
    """
    from .vectorize import word_frequencies

    in_vocabulary = set(vocabulary)
    frequencies = word_frequencies(tokens)
    count, units = frequencies["count"].to_dict(), frequencies["n_units"].to_dict()
    return pd.DataFrame([{"theme": t.name, "word": w, "in_vocabulary": w in in_vocabulary,
                          "count": int(count.get(w, 0)), "n_units": int(units.get(w, 0))}
                         for t in lexicon.themes for w in t.words])
