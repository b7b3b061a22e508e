"""The theme lexicon: an editable list of themes and their words (and patterns), and keyword matching of a
vocabulary or of units' tokens against it."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ToolkitError
from ..resources import data_path, read_text_file, user_path
from ..text.patterns import UserPattern

OTHER = "other"
OTHER_ANSWERS = {"other", "none", "其他", "其它", "无"}  # a coder's answer for a unit about no theme of the codebook
OTHER_LABELS = {"zh": "其他", "en": "Other"}  # how the figures and the report name `other`
THEME_KEYS = ("words", "patterns", "label_zh", "label_en", "note")  # the keys of a theme's table


def answer_key(answer: str) -> str:
    """A coder's answer (or a theme's name or label) as answers are compared: full-width forms folded (ｅｃｏｌｏｇｙ),
    in simplified script (生態環境, as the texts and the lexicon are read: a coder in Hong Kong or Taiwan), lowercased,
    without spaces, hyphens and underscores (生态 环境, digital-economy, Digital Economy)."""
    from ..text.normalize import to_simplified

    return re.sub(r"[\s_\-]+", "", to_simplified(unicodedata.normalize("NFKC", str(answer)))).lower()


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
        return OTHER_LABELS[language] if name == OTHER else name


def _column_names() -> set[str]:
    """The columns of the run's tables that a theme's share column (named as the theme) would collide with."""
    from ..text.corpus import DOCUMENT_COLUMNS, TABLE_COLUMNS

    return {*DOCUMENT_COLUMNS, *TABLE_COLUMNS}


def load_lexicon(path: str | Path | None = None) -> Lexicon:  # noqa: C901 (each field of a user's lexicon checked with its own message)
    """Read a theme lexicon (TOML: one table per theme with ``words`` and optional labels).

    None reads the shipped lexicon. Raises ToolkitError naming the problem for a broken file.
    """
    path = user_path(path, "load_lexicon: path") if path else data_path("lexicon.toml")
    if path.is_dir():
        raise ToolkitError(f"lexicon {path} is a folder; set themes.lexicon to a .toml file or '' for the shipped one")
    text = ""
    try:
        text = read_text_file(path)
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise ToolkitError(f"lexicon file not found: {path}; fix themes.lexicon or set it to '' for the shipped one") from None
    except UnicodeDecodeError:
        raise ToolkitError(f"lexicon {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ToolkitError(f"cannot read lexicon {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ToolkitError(f"lexicon {path} is not valid TOML: {exc}{_quote_hint(text, exc)}") from None
    themes = []
    given: dict[str, list[str]] = {}  # the label keys each theme's table gives, for the messages naming them
    for name, table in data.items():
        _no_control_characters(path, name, "name", name)
        if not name.strip() or name != name.strip():
            raise ToolkitError(
                f"lexicon {path}: theme [{name!r}] has a blank name or spaces around it, which would head an empty "
                "or blank column of the run's tables; name it (e.g. [ecology])"
            )
        if not isinstance(table, dict):
            raise ToolkitError(f"lexicon {path}: {name} must be a table like [{name}] with words = [...]")
        _no_dotted_name(path, name, table)
        words = table.get("words")
        if not isinstance(words, list):
            raise ToolkitError(f'lexicon {path}: theme [{name}] needs words = ["...", ...], a list of words')
        # the item that is no word named (a review: a list with 2020 or "  " was said to be no list of words)
        bad = next((w for w in words if not (isinstance(w, str) and w.strip())), None)
        if bad is not None:  # TOML has no null: None is no item
            raise ToolkitError(
                f"lexicon {path}: theme [{name}] word {bad!r} is "
                + (
                    "blank; remove it"
                    if isinstance(bad, str)
                    else "not a text; write each word in quotes"
                    + (f' ("{bad}")' if isinstance(bad, (int, float)) and not isinstance(bad, bool) else "")
                )
            )
        if not words:
            raise ToolkitError(
                f"lexicon {path}: theme [{name}] has no words; list one at least (patterns add to words, not replace "
                "them) or delete the theme"
            )
        if name == OTHER:
            raise ToolkitError(f"lexicon {path}: '{OTHER}' is reserved for topics that match no theme; rename it")
        if answer_key(name) in OTHER_ANSWERS:  # a coder's `none` would be scored as it, and its row as `other`'s
            raise ToolkitError(
                f"lexicon {path}: theme [{name}] is named as coders write for a paragraph of no theme "
                f"({', '.join(sorted(OTHER_ANSWERS))}), so its hand-coding scores would be other's; rename it"
            )
        if name in _column_names():
            raise ToolkitError(
                f"lexicon {path}: theme [{name}] is named like a column of the run's tables ({name} in units.csv or "
                f"documents.csv), which its share column would take the place of; rename it (e.g. [{name}_theme])"
            )
        unknown = set(table) - set(THEME_KEYS)
        if unknown:
            raise ToolkitError(
                f"lexicon {path}: theme [{name}] has unknown key {sorted(unknown)[0]!r}; use {', '.join(THEME_KEYS)}"
            )
        patterns = table.get("patterns", [])
        if not isinstance(patterns, list) or not all(isinstance(x, str) for x in patterns):
            raise ToolkitError(f"lexicon {path}: theme [{name}] patterns must be a list of regular expressions")
        if "" in patterns:  # said as such, not as no list of patterns (a review)
            raise ToolkitError(f"lexicon {path}: theme [{name}] has an empty pattern (''), which matches no word; remove it")
        for pattern in patterns:
            compiled = UserPattern(pattern, f"lexicon {path}: theme [{name}] pattern")
            # a word it matches is a keyword kept whatever the stopword, length and number filters say: a pattern
            # that takes no word, a mark, a number or 的 (".*") made every token of the texts the theme's
            caught = next((probe for probe in (*NOT_A_KEYWORD, *ORDINARY_WORDS) if compiled.fullmatch(probe)), None)
            if caught is not None:
                kind = (
                    "the empty word"
                    if not caught
                    else "a word of no theme"
                    if caught in ORDINARY_WORDS
                    else "a mark, a number or a function word"
                )
                raise ToolkitError(
                    f"lexicon {path}: theme [{name}] pattern {pattern!r} matches {caught!r} ({kind}), so it would make "
                    "any token a keyword; write one that matches the theme's words only (e.g. '数字.+')"
                )
        for key in ("label_zh", "label_en", "note"):
            if key in table and not (isinstance(table[key], str) and table[key].strip()):
                raise ToolkitError(f'lexicon {path}: theme [{name}] {key} must be a text such as "生态环境", not {table[key]!r}')
        for key in ("label_zh", "label_en", "note"):
            _no_control_characters(path, name, key, table.get(key, ""))
        for word in words:
            _no_control_characters(path, name, "word", word.strip())
            if not any(c.isalnum() for c in word):  # 、 or 。 was kept as a keyword and measured as a theme
                raise ToolkitError(
                    f"lexicon {path}: theme [{name}] word {word.strip()!r} holds no character, letter or digit "
                    "(punctuation or symbols only); remove it"
                )
        given[name] = [key for key in ("label_zh", "label_en") if key in table]
        themes.append(
            Theme(
                name,
                # each label the other where only one is given (label_en = "Innovation" alone: the Chinese figures
                # said "innov", the theme's key), else the key
                table.get("label_zh", table.get("label_en", name)),
                table.get("label_en", table.get("label_zh", name)),
                tuple(dict.fromkeys(w.strip() for w in words)),
                tuple(patterns),
                table.get("note", ""),
            )
        )
    if not themes:
        raise ToolkitError(f"lexicon {path} defines no theme; add tables like [innovation] words = [...]")
    names = {theme.name for theme in themes}
    for name in (*names, OTHER):  # document_themes.csv's interval columns of one theme would be another's share column
        for end in ("_low", "_high"):
            if name + end in names:
                raise ToolkitError(
                    f"lexicon {path}: theme [{name + end}] is named like the interval column of "
                    f"{'theme [' + name + ']' if name != OTHER else OTHER} ({name + end} in document_themes.csv); "
                    f"rename {'one of them' if name != OTHER else 'it'}"
                )
    _distinct_labels(path, themes, given)
    first_theme: dict[str, str] = {}
    for theme in themes:  # a word of two themes would count for both in coverage.csv and for one in the model
        for word in theme.words:
            if first_theme.setdefault(word, theme.name) != theme.name:
                raise ToolkitError(
                    f"lexicon {path}: the word {word} is in two themes, [{first_theme[word]}] and [{theme.name}]; keep it in one"
                )
    return Lexicon(tuple(themes))


def _quote_hint(text: str, error: tomllib.TOMLDecodeError) -> str:
    """Where TOML failed on a table's header ([创新], a bare key of other characters than A-Z a-z 0-9 _ -), how to
    write the name (a hostile pass: "Invalid initial character for a key part" said nothing of quotes)."""
    line = re.search(r"at line (\d+)", str(error))
    lines = text.splitlines()
    header = lines[int(line.group(1)) - 1].strip() if line and 0 < int(line.group(1)) <= len(lines) else ""
    # a header's bare name of other characters; not a header left open ([ecology), nor an error of another line
    bare = str(error).startswith("Invalid initial character for a key part") or (
        str(error).startswith("Expected ']' at the end of a table declaration") and "]" in header
    )
    if header.startswith("[") and bare:
        return '; a theme\'s name of other characters than letters, digits, _ and - goes in quotes: ["创新"], ["digital economy"]'
    return ""


def _no_dotted_name(path: Path, name: str, table) -> None:
    """Refuse a theme's table that holds a table ([digital.economy] is TOML's table economy inside [digital], and
    [eco.water] after [eco] one inside eco): said as the quotes it needs, not as [digital] without words (a
    hostile pass)."""
    if not isinstance(table, dict):
        return
    # an inline table as one of a theme's keys is said by that key's own check
    inner = next((key for key, value in table.items() if isinstance(value, dict) and key not in THEME_KEYS), None)
    if inner is not None:
        raise ToolkitError(
            f"lexicon {path}: [{name}.{inner}] is read as a table inside [{name}] (a dot in a header nests tables); "
            f'put a theme\'s name with a dot in quotes, ["{name}.{inner}"], or name it without one'
        )


def _distinct_labels(path: Path, themes: list[Theme], given: dict[str, list[str]] | None = None) -> None:
    """Refuse two themes named alike to a coder (:func:`answer_key`: case, spaces, hyphens and underscores aside),
    two themes of one label (in either language: a coder may write either), a theme labelled as another theme is
    named, or a theme labelled as `other` is (其他, Other) or as coders write for it (其它, none, 无): the figures'
    legends and panels and the report would name two shares alike (a hostile pass: 其他 twice in a legend, in two
    colours), and validate would score a coder's answer as `other`, or as another theme (a name always means itself:
    "Industry" written for a theme labelled so was scored as [industry], in silence; a review: innovation's 科技创新 as
    industry's label_en, and [Digital-Economy] beside [digital_economy], one taken for the other by the hash seed).
    ``given``: the label keys each theme's table gives: a label given in one language stands for the other, and the
    message names the key the file has (it named label_zh of a table of label_en alone: mutation audit 21)."""
    names: dict[str, str] = {}
    for theme in themes:
        first = names.setdefault(answer_key(theme.name), theme.name)
        if first != theme.name:
            raise ToolkitError(
                f"lexicon {path}: themes [{first}] and [{theme.name}] are named alike to a coder (letter case, spaces, "
                "hyphens and underscores aside), and the scores of hand coding could not tell them apart; rename one"
            )
    seen = {answer_key(label): OTHER for label in OTHER_LABELS.values()} | dict.fromkeys(OTHER_ANSWERS, OTHER)
    for theme in themes:
        for language in OTHER_LABELS:
            label = theme.label(language)
            named = names.get(answer_key(label), theme.name)
            first = seen.setdefault(answer_key(label), theme.name) if named == theme.name else named
            if first != theme.name:
                keys = (given or {}).get(theme.name, [])
                key = f"label_{language}" if f"label_{language}" in keys or not keys else keys[0]
                whose = (
                    f"theme [{first}]'s name as its"
                    if first == named
                    else f"a label of theme [{first}] as its"
                    if first != OTHER
                    else f"{OTHER}'s (the topics of no theme, or coders' word for it)"
                )
                raise ToolkitError(
                    f"lexicon {path}: theme [{theme.name}] has {whose} {key} {label!r}, and the figures, the report or "
                    f"the scores of hand coding would take the two for one; give it a {key} of its own"
                )


def _no_control_characters(path: Path, theme: str, key: str, text: str) -> None:
    """Refuse a control character (ESC, BEL, tab, line break ...) in a theme's name, labels, note or words: they
    would be written raw into the CSV files and report.html. (The name is checked first, so it is clean when the
    other keys are.)"""
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        where = f"theme name {text!r}" if key == "name" else f"theme [{theme}] {key} {text!r}"
        raise ToolkitError(f"lexicon {path}: {where} holds the control character {bad!r}; remove it")


# what no theme's pattern may match (..+, \w\w+ too): marks, numbers of every shape (\d\d took every two-digit
# number past drop_numbers: mutation audit 21), function words, and ordinary words of no theme of any length or
# script ([一-鿿]{3}, [A-Za-z]+ took every word of theirs)
NOT_A_KEYWORD = ("", ",", "。", "1", "的", "2020", "我们", "、", "%", "13", "85", "100", "2.5", "10%", "1949", "了", "和",
                 "是", "进行", "一个")  # fmt: skip
ORDINARY_WORDS = ("人", "时间", "老百姓", "总而言之", "the", "abc")
MATCHES = ("exact", "contains")  # how a vocabulary word counts for a theme (themes.match)


def theme_patterns(lexicon: Lexicon) -> list[tuple[UserPattern, str]]:
    """Every theme's patterns, compiled with the time limit of a user's pattern, each with its theme's name, in the
    lexicon's order (the order in which they claim a word: :func:`word_themes`)."""
    return [(UserPattern(p, f"theme [{theme.name}] pattern"), theme.name) for theme in lexicon.themes for p in theme.patterns]


def word_themes(lexicon: Lexicon, vocabulary: list[str], match: str = "exact") -> dict[str, str]:
    """The theme of each vocabulary word that has one.

    ``match='exact'`` (the default): the word is one of a theme's words, or a theme's pattern matches it in
    full. ``match='contains'`` also gives a word the theme of the longest lexicon word inside it (环境污染 ->
    ecology through 污染); beware: 文化大革命 then counts for culture through 文化. A listed word always wins;
    ties between themes go to the first theme listed.
    """
    if match not in MATCHES:
        raise ToolkitError(f"match must be one of {', '.join(map(repr, MATCHES))}, not {match!r}")
    exact: dict[str, str] = {}
    for theme in lexicon.themes:
        for w in theme.words:
            exact.setdefault(w, theme.name)
    patterns = theme_patterns(lexicon)
    result = {}
    # the longest lexicon word inside a vocabulary word; of equal length, the first theme's (as listed), not the
    # word that sorts first (科技园区 went to industry through 园区, though innovation, listed first, holds 科技)
    order = {name: i for i, name in enumerate(lexicon.names)}
    by_length = sorted(exact, key=lambda w: (-len(w), order[exact[w]], w)) if match == "contains" else []
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
