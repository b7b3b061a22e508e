"""Named themes: an editable lexicon, topic labelling, and theme shares of units."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError
from ..options import OPEN_FRACTION, POSITIVE, Option, choice
from ..resources import data_path
from ..text.patterns import UserPattern

if TYPE_CHECKING:
    import pandas as pd

OPTIONS = {
    "lexicon": Option("", "Theme lexicon (TOML); '' for the shipped one.", path=True),
    "top_n": Option(30, "Top words of a topic that labelling looks at.", *POSITIVE),
    "min_score": Option(
        0.1, "Share of a topic's top-word weight a theme needs, else the topic is 'other'.", *OPEN_FRACTION, kind=(float, int)
    ),
    "match": Option(
        "exact",
        "A word counts for a theme if it is one of its words or matches one of its patterns "
        "('exact'), or also if it contains one of its words ('contains': 文化大革命 then counts "
        "for culture).",
        *choice("exact", "contains"),
    ),
}

OTHER = "other"


@dataclass(frozen=True)
class Theme:
    name: str
    label_zh: str
    label_en: str
    words: tuple[str, ...]
    patterns: tuple[str, ...] = ()  # regular expressions; a word they match in full belongs to the theme (see
    # toolkit.text.patterns: run with a time limit)
    note: str = ""  # where the words come from

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


def load_lexicon(path: str | Path | None = None) -> Lexicon:  # noqa: C901 (each field of a user's lexicon checked with its own message)
    """Read a theme lexicon (TOML: one table per theme with ``words`` and optional labels).

    None reads the shipped lexicon. Raises ToolkitError naming the problem for a broken file.
    """
    path = Path(path) if path else data_path("lexicon.toml")
    if path.is_dir():
        raise ToolkitError(f"lexicon {path} is a folder; set themes.lexicon to a .toml file or '' for the shipped one")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ToolkitError(f"lexicon file not found: {path}; fix themes.lexicon or set it to '' for the shipped one") from None
    except UnicodeDecodeError:
        raise ToolkitError(f"lexicon {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ToolkitError(f"cannot read lexicon {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ToolkitError(f"lexicon {path} is not valid TOML: {exc}") from None
    themes = []
    for name, table in data.items():
        _no_control_characters(path, name, "name", name)
        if not isinstance(table, dict):
            raise ToolkitError(f"lexicon {path}: {name} must be a table like [{name}] with words = [...]")
        words = table.get("words")
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ToolkitError(f'lexicon {path}: theme [{name}] needs words = ["...", ...], a list of words')
        if not words:
            raise ToolkitError(f"lexicon {path}: theme [{name}] has no words; add some or delete the theme")
        if name == OTHER:
            raise ToolkitError(f"lexicon {path}: '{OTHER}' is reserved for topics that match no theme; rename it")
        unknown = set(table) - {"words", "label_zh", "label_en", "note", "patterns"}
        if unknown:
            raise ToolkitError(
                f"lexicon {path}: theme [{name}] has unknown key {sorted(unknown)[0]!r}; "
                "use words, patterns, label_zh, label_en, note"
            )
        patterns = table.get("patterns", [])
        if not isinstance(patterns, list) or not all(isinstance(x, str) and x for x in patterns):
            raise ToolkitError(f"lexicon {path}: theme [{name}] patterns must be a list of regular expressions")
        for pattern in patterns:
            UserPattern(pattern, f"lexicon {path}: theme [{name}] pattern")
        for key in ("label_zh", "label_en", "note"):
            if key in table and not (isinstance(table[key], str) and table[key].strip()):
                raise ToolkitError(f'lexicon {path}: theme [{name}] {key} must be a text such as "生态环境", not {table[key]!r}')
        for key in ("label_zh", "label_en", "note"):
            _no_control_characters(path, name, key, table.get(key, ""))
        for word in words:
            _no_control_characters(path, name, "word", word.strip())
        themes.append(
            Theme(
                name,
                table.get("label_zh", name),
                table.get("label_en", name),
                tuple(dict.fromkeys(w.strip() for w in words)),
                tuple(patterns),
                table.get("note", ""),
            )
        )
    if not themes:
        raise ToolkitError(f"lexicon {path} defines no theme; add tables like [innovation] words = [...]")
    first_theme: dict[str, str] = {}
    for theme in themes:  # a word of two themes would count for both in coverage.csv and for one in the model
        for word in theme.words:
            if first_theme.setdefault(word, theme.name) != theme.name:
                raise ToolkitError(
                    f"lexicon {path}: the word {word} is in two themes, [{first_theme[word]}] and [{theme.name}]; keep it in one"
                )
    return Lexicon(tuple(themes))


def _no_control_characters(path: Path, theme: str, key: str, text: str) -> None:
    """Refuse a control character (ESC, BEL, tab, line break ...) in a theme's name, labels, note or words: they
    would be written raw into the CSV files and report.html. (The name is checked first, so it is clean when the
    other keys are.)"""
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        where = f"theme name {text!r}" if key == "name" else f"theme [{theme}] {key} {text!r}"
        raise ToolkitError(f"lexicon {path}: {where} holds the control character {bad!r}; remove it")


def word_themes(lexicon: Lexicon, vocabulary: list[str], match: str = "exact") -> dict[str, str]:
    """The theme of each vocabulary word that has one.

    ``match='exact'`` (the default): the word is one of a theme's words, or a theme's pattern matches it in
    full. ``match='contains'`` also gives a word the theme of the longest lexicon word inside it (环境污染 ->
    ecology through 污染); beware: 文化大革命 then counts for culture through 文化. A listed word always wins;
    ties between themes go to the first theme listed.
    """
    exact: dict[str, str] = {}
    for theme in lexicon.themes:
        for w in theme.words:
            exact.setdefault(w, theme.name)
    patterns = [(UserPattern(p, f"theme [{theme.name}] pattern"), theme.name) for theme in lexicon.themes for p in theme.patterns]
    result = {}
    by_length = sorted(exact, key=lambda w: (-len(w), w)) if match == "contains" else []
    for word in vocabulary:
        if word in exact:
            result[word] = exact[word]
            continue
        for pattern, name in patterns:
            if pattern.fullmatch(word):
                result[word] = name
                break
        else:
            for lexicon_word in by_length:
                if len(lexicon_word) < len(word) and lexicon_word in word:
                    result[word] = exact[lexicon_word]
                    break
    return result


def keyword_ids(lexicon: Lexicon, vocabulary: list[str], match: str = "exact") -> list[np.ndarray]:
    """For each theme, in lexicon order, the vocabulary ids of its words (see :func:`word_themes`)."""
    themes_of = word_themes(lexicon, vocabulary, match)
    column = {name: k for k, name in enumerate(lexicon.names)}
    ids: list[list[int]] = [[] for _ in lexicon.themes]
    for i, word in enumerate(vocabulary):
        if word in themes_of:
            ids[column[themes_of[word]]].append(i)
    return [np.array(x, dtype=np.int64) for x in ids]


def keyword_counts(tokens, lexicon: Lexicon, match: str = "exact") -> np.ndarray:
    """Tokens of each unit that are words of each theme (units x themes, in lexicon order): the model-free
    keyword baseline. ``tokens``: UnitTokens or lists of words."""
    from ..text.tokens import as_unit_tokens

    tokens = as_unit_tokens(tokens)
    theme_of = word_themes(lexicon, tokens.words, match)
    index = {name: k for k, name in enumerate(lexicon.names)}
    theme_of_word = np.array([index.get(theme_of.get(w), -1) for w in tokens.words], dtype=np.int64)
    counts = tokens.count_matrix(theme_of_word, len(lexicon.themes))
    return counts.toarray().astype(np.float64)


def keyword_themes(counts: np.ndarray, names: list[str]) -> np.ndarray:
    """The keyword baseline's theme of each unit: the theme with the most keyword tokens (ties: the first
    listed), '' for a unit with none."""
    best = np.argmax(counts, axis=1)
    return np.where(counts.max(axis=1) > 0, np.asarray(names, dtype=object)[best], "")


def label_topics(
    components: np.ndarray,
    vocabulary: list[str],
    lexicon: Lexicon,
    *,
    anchors=None,
    top_n: int = 30,
    min_score: float = 0.1,
    match: str = "exact",
) -> pd.DataFrame:
    """The theme each topic's shares count for, and the theme its top words suggest.

    A topic anchored to a theme by construction (``anchors[k]`` >= 0: a keyword topic) counts for that theme
    whatever its top words; a free topic of a model that anchors topics counts for ``other``. A model with no
    anchored topic (plain LDA, NMF) is labelled by its top words: each topic gets the theme whose words carry the
    most of its top-``top_n`` word weight (``score``), or ``other`` below ``min_score`` (exploration, not
    measurement). ``suggested`` is that top-word theme for every topic, a hint to read beside the topic's words.
    Returns one row per topic: topic (from 1), theme, labelled_by ('keywords', 'free' or 'top words'),
    suggested, score, and the score of every theme (``score_<theme>``).
    """
    import pandas as pd

    themes_of = word_themes(lexicon, vocabulary, match)
    column = np.array([lexicon.names.index(themes_of[w]) if w in themes_of else -1 for w in vocabulary])
    anchors = np.full(len(components), -1) if anchors is None else np.asarray(anchors)
    anchored_model = bool((anchors >= 0).any())
    rows = []
    for k, weights in enumerate(components):
        top = np.argsort(-weights, kind="stable")[:top_n]
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

    Columns are the lexicon's themes then ``other``; rows sum to 1.
    """
    import pandas as pd

    columns = [*theme_names, OTHER]
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


def lexicon_coverage(lexicon: Lexicon, vocabulary: list[str], tokens, match: str = "exact") -> pd.DataFrame:
    """Every lexicon word, and every corpus word that a theme's pattern (or, with ``match='contains'``, a
    contained lexicon word) gives a theme: its theme, how it got it (``listed``, ``pattern``, ``contains``),
    whether it is in the model's vocabulary, its count and unit frequency.

    A word that never occurs, or falls outside the vocabulary, cannot pull its theme; this table shows it.
    ``tokens`` are the units' tokens (UnitTokens or lists of words).
    """
    import pandas as pd

    from ..text.vectorize import word_frequencies

    in_vocabulary = set(vocabulary)
    frequencies = word_frequencies(tokens)
    count, units = frequencies["count"].to_dict(), frequencies["n_units"].to_dict()
    rows = [(t.name, w, "listed") for t in lexicon.themes for w in t.words]
    listed = lexicon.words
    found = word_themes(lexicon, sorted(set(frequencies.index) - listed), match)
    pattern_words = word_themes(lexicon, sorted(found), "exact")
    rows += [(theme, w, "pattern" if w in pattern_words else "contains") for w, theme in sorted(found.items())]
    return pd.DataFrame(
        [
            {
                "theme": theme,
                "word": w,
                "source": source,
                "in_vocabulary": w in in_vocabulary,
                "count": int(count.get(w, 0)),
                "n_units": int(units.get(w, 0)),
            }
            for theme, w, source in rows
        ]
    )


VALIDATION_RULES = {"r_years": 0.5, "r_documents": 0.5, "keyword_weight": 0.9, "member_r": 0.8, "min_years": 5}


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def theme_diagnostics(  # noqa: PLR0913 (one table from every check of a theme)
    lexicon: Lexicon,
    vocabulary: list[str],
    components: np.ndarray,
    anchors: np.ndarray,
    keywords: list[np.ndarray],
    units: pd.DataFrame,
    keyword_counts: np.ndarray,
    agreement: pd.DataFrame,
    member_shares: np.ndarray | None = None,
    split_half: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What a user reads before trusting a theme, one row per theme.

    ``components``/``anchors``: the (first) fitted model's topics and the theme each is anchored to;
    ``keywords``: each theme's vocabulary ids; ``units``: the modelled units with doc_id, n_tokens and one share
    column per theme; ``keyword_counts``: their keyword tokens per theme; ``agreement``: the correlation across
    years of each theme's share with its keyword rate (theme, pearson_r, n_years); ``member_shares``: each
    ensemble member's shares of the units (members x units x themes); ``split_half``: the held-out half of each
    theme's keywords against the share measured from the other half (:func:`toolkit.analysis.lexicon_evidence.
    split_half_agreement`, theme names); ``sensitivity``: single-keyword shifts (:func:`toolkit.analysis.lexicon_evidence.
    keyword_sensitivity`).

    Columns: the theme's topic (0 when none) and its top words; its keywords listed, in the vocabulary, kept
    (the topic is each one's most likely topic) and lost (absent from the vocabulary, or more likely in another
    topic); ``keyword_weight``, the share of the topic's top-20 word weight on its own keywords (near 1: the
    topic is only its keywords, keyword counting rather than a topic); the theme's share; ``r_years`` and
    ``r_documents``, the correlation of its share with its keyword rate across years and across documents;
    ``r_split`` (across documents) and ``r_split_years``, with the lower end of their 95% intervals, the
    split-half check; ``member_r``, the lowest correlation of its unit shares between two ensemble members;
    ``top_keyword`` and ``top_keyword_tokens``, the keyword that carries most of its keyword tokens and that share;
    ``largest_shift``, ``shift_word`` and ``shift_at``: the largest change of a yearly (or group) share when one
    keyword is left out, the word and where; ``validated`` and, when not, ``why`` (:func:`validation_reasons`).
    """
    import pandas as pd

    anchors = np.asarray(anchors)
    anchored_model = bool((anchors >= 0).any())
    best_topic = components.argmax(axis=0) if components.size else np.zeros(0, dtype=int)
    tokens = units["n_tokens"].to_numpy(dtype=float)
    doc_tokens = pd.Series(tokens).groupby(units["doc_id"].to_numpy()).sum()
    by_theme = agreement.set_index("theme") if len(agreement) else pd.DataFrame(columns=["pearson_r", "n_years"])
    split = (
        split_half.set_index(["theme", "over"])
        if split_half is not None and len(split_half)
        else pd.DataFrame(columns=["r_split", "r_low"])
    )

    def split_value(theme: str, over: str, column: str) -> float:
        return float(split.loc[(theme, over), column]) if (theme, over) in split.index else float("nan")

    rows = []
    for i, theme in enumerate(lexicon.themes):
        topics = np.flatnonzero(anchors == i)
        topic = int(topics[0]) if len(topics) else -1
        ids = np.asarray(keywords[i], dtype=np.int64)
        kept = [vocabulary[j] for j in ids if topic >= 0 and best_topic[j] == topic]
        lost = [w for w in theme.words if w not in set(kept)]
        top_words, keyword_weight = [], float("nan")
        if topic >= 0:
            order = np.argsort(-components[topic], kind="stable")[:20]
            top_words = [vocabulary[j] for j in order[:10]]
            keyword_weight = float(components[topic, np.intersect1d(order, ids)].sum() / components[topic, order].sum())
        shares = units[theme.name].to_numpy(dtype=float)
        doc_share = pd.Series(shares * tokens).groupby(units["doc_id"].to_numpy()).sum() / doc_tokens
        doc_rate = pd.Series(keyword_counts[:, i]).groupby(units["doc_id"].to_numpy()).sum() / doc_tokens
        member_r = float("nan")
        if member_shares is not None and len(member_shares) > 1:
            pairs = [
                _pearson(member_shares[a][:, i], member_shares[b][:, i])
                for a in range(len(member_shares))
                for b in range(a + 1, len(member_shares))
            ]
            member_r = float(np.nanmin(pairs)) if not np.all(np.isnan(pairs)) else float("nan")

        row = {
            "theme": theme.name,
            "label_zh": theme.label_zh,
            "label_en": theme.label_en,
            "topic": topic + 1,
            "top_words": " ".join(top_words),
            "keywords_listed": len(theme.words),
            "keywords_in_vocabulary": int(len(ids)),
            "keywords_kept": " ".join(kept),
            "keywords_lost": " ".join(lost),
            "keyword_weight": keyword_weight,
            "share": float(np.dot(shares, tokens) / tokens.sum()),
            "r_years": float(by_theme["pearson_r"].get(theme.name, np.nan)),
            "n_years": int(by_theme["n_years"].get(theme.name, 0) or 0),
            "r_documents": _pearson(doc_share.to_numpy(), doc_rate.to_numpy()),
            "n_documents": int(len(doc_share)),
            "r_split": split_value(theme.name, "documents", "r_split"),
            "r_split_low": split_value(theme.name, "documents", "r_low"),
            "r_split_years": split_value(theme.name, "years", "r_split"),
            "r_split_years_low": split_value(theme.name, "years", "r_low"),
            "keywords_split": int(
                np.nan_to_num(split_value(theme.name, "documents", "keywords_a"))
                + np.nan_to_num(split_value(theme.name, "documents", "keywords_b"))
            ),
            "member_r": member_r,
        }
        row.update(_keyword_reliance(sensitivity, theme.name))
        row["why"] = "; ".join(validation_reasons(row, anchored_model, split_checked=split_half is not None))
        row["validated"] = not row["why"]
        rows.append(row)
    return pd.DataFrame(rows)


def _keyword_reliance(sensitivity: pd.DataFrame | None, theme: str) -> dict:
    """The keyword that carries most of a theme's keyword tokens, and the largest shift of its shares when one
    keyword is left out (the word and where)."""
    empty = {
        "top_keyword": "",
        "top_keyword_tokens": float("nan"),
        "largest_shift": float("nan"),
        "shift_word": "",
        "shift_at": "",
    }
    if sensitivity is None or not len(sensitivity):
        return empty
    rows = sensitivity[sensitivity["theme"] == theme]
    if not len(rows):
        return empty
    carrier = rows.loc[rows["keyword_tokens"].idxmax()]
    shift = rows.loc[rows["shift"].idxmax()]
    return {
        "top_keyword": carrier["word"],
        "top_keyword_tokens": float(carrier["keyword_tokens"]),
        "largest_shift": float(shift["shift"]),
        "shift_word": shift["word"],
        "shift_at": str(shift["at"]),
    }


def validation_reasons(row: dict, anchored_model: bool, *, split_checked: bool = True) -> list[str]:
    """Why a theme is not validated (empty: it is). A theme must pass the floor of keyword agreement (its share
    follows its keyword rate across documents, and across years when the corpus has ``min_years`` years or more),
    be stable across seeds, be more than its keywords, and pass a check that a keyword count does not pass by
    construction: the split-half check (its share measured from half of its keywords follows the rate of the
    other half, the lower end of the 95% interval above 0, across documents or across years)."""
    rules = VALIDATION_RULES
    reasons = []
    if not anchored_model:
        reasons.append("exploratory model: its themes are labels read off top words, not measurements")
    elif row["topic"] <= 0:
        reasons.append("no keyword of the theme is in the vocabulary: the theme is not measured here")
    if row["keyword_weight"] >= rules["keyword_weight"]:
        reasons.append(
            f"its topic is almost only its keywords ({row['keyword_weight']:.2f} of the top-20 weight): "
            "keyword counting, not a topic"
        )
    checks = [("r_documents", "across documents")]
    if row.get("n_years", 0) >= rules["min_years"]:
        checks.append(("r_years", "across years"))
    for key, what in checks:
        if np.isnan(row[key]):
            reasons.append(f"its agreement with its keyword rate {what} cannot be computed (too few cases or no spread)")
        elif row[key] < rules[key]:
            reasons.append(f"share and keyword rate agree weakly {what} (r = {row[key]:.2f} < {rules[key]})")
    if not np.isnan(row["member_r"]) and row["member_r"] < rules["member_r"]:
        reasons.append(
            f"its shares change with the seed (r between ensemble members {row['member_r']:.2f} < {rules['member_r']})"
        )
    if anchored_model and row["topic"] > 0 and split_checked:
        lows = [row.get("r_split_low", np.nan)]
        if row.get("n_years", 0) >= rules["min_years"]:
            lows.append(row.get("r_split_years_low", np.nan))
        if row.get("keywords_split", 0) < 2:
            reasons.append("fewer than two of its keywords occur: it cannot be checked against held-out keywords")
        elif np.all(np.isnan(lows)):
            reasons.append("the split-half check cannot be computed (fewer than four documents, or no spread)")
        elif not np.nanmax(lows) > 0:
            reasons.append(
                f"split-half check failed: its share measured from half of its keywords does not follow "
                f"the other half's rate (r = {row['r_split']:.2f} across documents, 95% interval from "
                f"{row['r_split_low']:.2f}): its keywords may not measure one thing"
            )
    return reasons


def other_diagnostics(units: pd.DataFrame, yearly: pd.DataFrame, topics: pd.DataFrame, lexicon: Lexicon) -> tuple[dict, str]:
    """The row of themes.csv for ``other`` (the free topics, or the unlabelled ones): its share, the years in
    which it is the largest share, the free topics' top words and suggested themes; and a warning ('' for none,
    also the row's ``why``) when it is the largest share of the corpus or of at least a quarter of the years."""
    tokens = units["n_tokens"].to_numpy(dtype=float)
    share = {
        t: float(np.dot(np.nan_to_num(units[t].to_numpy(dtype=float)), tokens) / max(tokens.sum(), 1))
        for t in [*lexicon.names, OTHER]
        if t in units
    }
    rows = yearly[yearly["share"].notna()] if len(yearly) else yearly
    wide = rows.pivot_table(index="year", columns="theme", values="share") if len(rows) else None
    years_largest = []
    if wide is not None and OTHER in wide:
        named = wide.drop(columns=[OTHER])
        years_largest = [int(y) for y in wide.index[(wide[OTHER] > named.max(axis=1)).to_numpy()]]
    n_years = 0 if wide is None else len(wide)
    free = topics[topics["theme"] == OTHER]
    words = " | ".join(f"{row.topic}: {' '.join(list(row.top_words)[:8])}" for row in free.itertuples())
    suggested = " ".join(f"{row.topic}:{row.suggested}" for row in free.itertuples())
    biggest = max((t for t in share if t != OTHER), key=share.get, default=None)
    notes = []
    if biggest is not None and share.get(OTHER, 0) > share[biggest]:
        notes.append(f"'other' is the largest share of the corpus ({share[OTHER]:.2f} against {biggest} {share[biggest]:.2f})")
    if years_largest and len(years_largest) >= max(2, n_years / 4):
        notes.append(f"'other' is the largest share in {len(years_largest)} of {n_years} years")
    why = ""
    if notes:
        why = (
            "; ".join(notes)
            + f": read its free topics (topics.csv, passages.csv): {words or 'none'}"
            + (f" (suggested: {suggested})" if suggested else "")
            + "; a subject of your study among them is a theme your lexicon lacks (candidate_keywords.csv "
            "lists words that go with each theme's keywords)"
        )
    row = {
        "theme": OTHER,
        "label_zh": "其他",
        "label_en": "other",
        "topic": 0,
        "top_words": words,
        "share": share.get(OTHER, float("nan")),
        "n_years": n_years,
        "years_largest": " ".join(map(str, years_largest)),
        "suggested": suggested,
        "validated": False,
        "why": why or "not a theme: what the lexicon does not name",
    }
    return row, why
