"""Looking at texts without a run: one file normalised or tokenised exactly as a run would (the CLI's
``normalize`` and ``tokens``), counts of terms and keywords in context in a config's corpus or one file (``terms``
and ``kwic``). Each reads the config's sections as a run does, through the stages of :mod:`toolkit.text`."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pandas as pd

from .analysis.lexicon import load_lexicon
from .config import Config, as_config
from .errors import ToolkitError, as_list, require_type
from .text.preparation import load_inputs, make_normalizer, make_segmenter, prepare
from .text.units import document_text, split_units

log = logging.getLogger("toolkit")

# ----- one file at a time (the CLI's normalize and tokens) ---------------------------------------------------


def _read_one(path: str | Path, config: Config | None = None, fix: str = "give one text file") -> str:
    """One file's text, decoded as a run of ``config`` decodes it: by its metadata row's ``encoding`` when the file
    is in the config's corpus, else by ``corpus.encoding``."""
    from .text.corpus import regular_file
    from .text.decoding import Unreadable, decode

    path = regular_file(Path(path), "file", fix)
    encoding = _declared_encoding(path, config) if config is not None else "auto"
    try:
        return decode(path.read_bytes(), encoding).text
    except Unreadable as exc:
        raise ToolkitError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ToolkitError(f"cannot read {path}: {exc.strerror}") from None


def _declared_encoding(path: Path, config: Config) -> str:
    """The encoding a run of ``config`` reads ``path`` with: its metadata row's, when the config's text folder holds
    the file and the metadata lists it with one, else ``corpus.encoding``."""
    from .text.corpus import metadata_rows, read_metadata

    declared = config["corpus"]["encoding"]
    texts, metadata = config.path("corpus", "texts"), config.path("corpus", "metadata")
    if texts is None or metadata is None or not metadata.is_file():
        return declared
    try:
        rel = path.resolve().relative_to(texts.resolve()).as_posix()
    except ValueError:  # not a file of the corpus
        return declared
    meta = read_metadata(metadata)
    row = metadata_rows([rel], sorted(meta.index), texts)[0].get(rel)
    listed = str(meta.loc[row].get("encoding", "") or "").strip() if row is not None else ""
    return listed or declared


def normalize_file(path: str | Path, config: Config | None = None) -> str:
    """The normalised simplified text of one file, exactly as ``run`` reads it (``config``: a Config, a TOML
    config's path, or None for the defaults): with ``units.join_lines`` its lines broken inside a sentence joined,
    the text that ``terms`` counts in and kwic's ``position`` points into."""
    require_type(path, (str, os.PathLike), "normalize_file", "path", "the path of one text file")
    config = as_config(config, "normalize_file")
    normalized = make_normalizer(config).normalize(_read_one(path, config)).text
    return document_text(normalized, config["units"]["join_lines"])[0]


def tokenize_file(path: str | Path, config: Config | None = None) -> list[list[str]]:
    """The tokens of each unit of one file, exactly as ``run`` segments them (the model sees those of them the run's
    vocabulary keeps: ``vocab.min_df`` and ``max_df`` are set over the whole corpus). With ``vocab.phrases``
    on, word pairs are joined by the phrase model a run of ``config`` learns from its corpus (or, for a config
    without a corpus, from this file alone)."""
    from .analysis.terms import apply_phrases, learn_phrases
    from .text.preparation import warn_unmatchable

    require_type(path, (str, os.PathLike), "tokenize_file", "path", "the path of one text file")
    config = as_config(config, "tokenize_file")
    u, v = config["units"], config["vocab"]
    # normalize_file has joined the broken lines as a run does (once: joining again can find another page width)
    units = split_units(normalize_file(path, config), u["kind"], u["max_chars"], u["min_chars"], join_lines=False)
    lexicon = load_lexicon(config.path("themes", "lexicon"))
    warn_unmatchable(config, lexicon)  # the command to check a new lexicon's words with: its words that match nothing
    segmenter = make_segmenter(config, lexicon)
    tokens = [segmenter.tokens(text) for text in units]
    if v["phrases"]:
        phrases = (
            prepare(config).phrases
            if config["corpus"]["texts"]
            else learn_phrases(tokens, min_count=v["phrase_min_count"], threshold=v["phrase_threshold"], keep=lexicon.words)
        )
        tokens = [list(unit) for unit in apply_phrases(phrases, tokens)]
    return tokens


# ----- terms and keywords in context (the CLI's terms and kwic) -----------------------------------------------


def is_config_source(source) -> bool:
    """Whether the ``source`` of terms or kwic is a config (its corpus) rather than one text file."""
    return isinstance(source, Config) or str(source).lower().endswith(".toml")


def source_config(source: Config | str | Path, overrides=()) -> Config:
    """The config terms and kwic use for ``source``: the config it is, or names, with ``overrides``; for one text
    file, the defaults with ``overrides``."""
    if isinstance(source, Config):
        return source.with_overrides(overrides)
    return Config.load(source if is_config_source(source) else None, overrides)


SOURCE = "a Config, or the path of a config (.toml) or of one text file"


def _text_source(source: Config | str | Path, overrides, function: str):
    """The config, normalised (document, text) pairs, normaliser and segmenter of a config's corpus, or of one
    text file (a config path ends in .toml); ``function`` names the caller in an error."""
    from .text.preparation import normalized_texts

    # a DataFrame or a dict was a TypeError from inside pathlib (a hostile pass of the API)
    require_type(source, (Config, str, os.PathLike), function, "source", SOURCE)
    config = source_config(source, overrides)
    if is_config_source(source):
        inputs = load_inputs(config)
        from .text.corpus import warn_skipped

        warn_skipped(inputs.corpus.documents, counted="not counted")
        return (
            config,
            inputs.corpus.documents.columns,
            normalized_texts(inputs.corpus, inputs.normalizer, config["units"]["join_lines"]),
            inputs.normalizer,
            inputs.segmenter,
        )
    normalizer = make_normalizer(config)
    path = Path(source)
    try:  # the file's name is its doc_id and title in the tables (a traceback at kwic's: a hostile pass)
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise ToolkitError(f"{shown}: the file's name is not UTF-8 (saved in GBK or another encoding?); rename it") from None
    doc = {"doc_id": path.name, "title": path.stem, "date": "", "year": ""}
    raw = _read_one(path, config, "give one text file, or a config (.toml) for its whole corpus")
    text = document_text(normalizer.normalize(raw).text, config["units"]["join_lines"])[0]
    texts = iter([(doc, text)])
    return config, pd.Index(list(doc)), texts, normalizer, make_segmenter(config, load_lexicon(config.path("themes", "lexicon")))


def source_inputs(source: Config | str | Path, overrides=()) -> dict[str, Path]:
    """The inputs of ``terms`` or ``kwic`` on ``source`` (a config's corpus, or one text file), which no output
    of theirs may replace or join (see :func:`toolkit.output.atomic.check_outside_inputs`)."""
    from .text.preparation import protected_paths

    if is_config_source(source):
        return protected_paths(source if isinstance(source, Config) else Config.load(source, overrides))
    return {"the text file": Path(source)}


def _check_columns(wanted, columns, what: str) -> None:
    missing = [c for c in wanted if c not in columns]
    if missing:
        from .text.corpus import FILE_COLUMNS

        shown = ", ".join(c for c in columns if c != "path" and c not in FILE_COLUMNS)
        raise ToolkitError(f"{what}: no column {', '.join(missing)} in the documents; columns: {shown}")


def _terms(terms) -> list[str]:
    """``terms`` as a list (one term, not its characters), each a string: a number or bytes was an AttributeError
    from inside the normaliser (a hostile pass of the API)."""
    terms = as_list(terms)
    for term in terms:
        require_type(term, str, "terms", "each term", "a string")
    return terms


def count_terms(
    source: Config | str | Path, terms: list[str] | str, *, by: tuple[str, ...] | str | None = None, overrides=()
) -> pd.DataFrame:
    """Counts of ``terms`` in a config's corpus per year, or per ``by`` (e.g. ("place", "year")), or in one text file
    (no ``by``: a file has no metadata): see :func:`toolkit.analysis.terms.term_counts`. Terms are normalised like
    the texts (數據 finds 数据)."""
    from .analysis.terms import term_counts
    from .text.preparation import normalized_terms

    terms = _terms(terms)
    one_file = not is_config_source(source)
    by = (() if one_file else ("year",)) if by is None else (by,) if isinstance(by, str) else tuple(by)
    config, columns, texts, normalizer, segmenter = _text_source(source, overrides, "count_terms")  # a file not found said first
    if one_file and by:  # it was dropped in silence, an unknown column too (a hostile pass)
        raise ToolkitError(
            f"--by {','.join(map(str, by))}: one text file has no metadata to count by; give a config (.toml) to count "
            "its corpus by year, place or a column of its metadata"
        )
    _check_columns(by, columns, "--by")
    return term_counts(texts, normalized_terms(terms, normalizer), cut=segmenter.cut, by=by)


def concordance(
    source: Config | str | Path, terms: list[str] | str, *, context: int | None = None, regex: bool = False, overrides=()
) -> pd.DataFrame:
    """Keywords in context of ``terms`` in a config's corpus (or one text file): see :func:`toolkit.analysis.terms.kwic`.
    ``context`` (characters on each side, 1 or more) defaults to the config's ``terms.context``."""
    from .analysis.terms import OPTIONS, kwic
    from .options import check_arguments
    from .text.preparation import normalized_terms

    if context is not None:  # 0 is refused, not read as "the config's" (it was)
        check_arguments("concordance", OPTIONS, context=context)
    terms = _terms(terms)
    config, columns, texts, normalizer, _ = _text_source(source, overrides, "concordance")
    if regex:
        _warn_unfolded(terms, normalizer)
    extra = tuple(c for c in ("place",) if c in columns)
    return kwic(
        texts,
        terms if regex else normalized_terms(terms, normalizer),
        context=config["terms"]["context"] if context is None else context,
        regex=regex,
        extra=extra,
    )


def _takes_both(pattern: str, form: str) -> bool:
    """Whether the regex ``pattern`` takes ``form`` (the pattern with some characters in their regional form, as
    long) wherever the two differ: the character in a class that holds its regional form too ([著着]力), or in an
    alternative whose regional form is an alternative of the same group or of the whole pattern ((著|着)力, 著力|着力;
    not 著力|着想, where the 着 of another alternative hid that 著力 never finds 着力: a second review)."""
    classes, groups, stack, i = [], [], [[0, [], 0]], 0  # a group: [its alternative's start, its alternatives, start]
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            start, i = i, i + 1 + (pattern[i + 1 : i + 2] == "^")
            i += pattern[i : i + 1] == "]"  # a ] first is a character of the class
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            classes.append((start, i))
        elif char == "(":
            prefix = re.match(r"(?:\?(?:P?<\w+>|<?[=!]|[:>]|[a-zA-Z-]*:))?", pattern[i + 1 :])[0]  # (?: (?P<n> (?=...
            stack.append([i + 1 + len(prefix), [], i])
            i += len(prefix)
        elif char in "|)" and (char == "|" or len(stack) > 1):
            stack[-1][1].append((stack[-1][0], i))
            stack[-1][0] = i + 1
            if char == ")":
                groups.append(stack.pop()[1])
        i += 1
    stack[0][1].append((stack[0][0], len(pattern)))
    groups += [frame[1] + [(frame[0], len(pattern))] for frame in stack[1:]] + [stack[0][1]]
    for at in (k for k, (a, b) in enumerate(zip(pattern, form)) if a != b):
        if any(start < at < end and form[at] in pattern[start:end] for start, end in classes):
            continue
        # the alternatives that hold the character, the innermost first: whether the regional form of one is an
        # alternative of its group, groups around one alternative and classes of one character aside (((著)|(着))力,
        # (?:(?:著)|(?:着))力 and [著]力|着力 were told to search 着力: a review)
        holding = sorted(
            ((alts, span) for alts in groups for span in alts if span[0] <= at < span[1]), key=lambda x: x[1][1] - x[1][0]
        )
        if any(_bare(form[a:b]) in {_bare(pattern[c:d]) for c, d in alts} for alts, (a, b) in holding):
            continue
        start, end = holding[0][1]
        # a literal alternative whose regional form the pattern finds otherwise (著力推进|着力: a second review)
        if not re.search(r"[\\.^$*+?{}\[\]()|]", pattern[start:end]) and _finds(pattern, form[start:end]):
            continue
        return False
    return True


_PLAIN_GROUP = re.compile(r"(?<!\\)\((?:\?:|\?P?<\w+>)?([^()|\\]*)\)(?![*+?{])")  # (著), (?:著), (?P<x>著): no |, no quantifier


def _bare(alternative: str) -> str:
    """An alternative of a regex as its characters: classes of one character as the character ([著] as 著), and
    groups of no alternatives and no quantifier as their content ((著)力, (?P<x>著)力 and ((著))力 as 著力)."""
    alternative = re.sub(r"\[([^\\\]^])\]", r"\1", alternative)
    while (plainer := _PLAIN_GROUP.sub(r"\1", alternative)) != alternative:
        alternative = plainer
    return alternative


def _finds(pattern: str, text: str) -> bool:
    """Whether the regex ``pattern`` finds something in the short ``text`` (no for a pattern that is no regex, or
    that runs past a tenth of a second: the user's run of it says why)."""
    import regex

    try:
        return regex.search(pattern, text, timeout=0.1) is not None
    except (regex.error, TimeoutError, RecursionError, MemoryError, OverflowError):
        return False


# what a verbose pattern's reader passes over: a comment to the end of its line, whitespace (unescaped; read
# conservatively, also inside a class, where it is a character: the warning may then miss a space, never invent one)
_VERBOSE_SYNTAX = re.compile(r"(?<!\\)#[^\n]*|(?<!\\)\s+")


def _verbose(pattern: str) -> bool:
    """Whether ``pattern`` is read in verbose mode (an inline (?x)); one refused (by the checks of a user's pattern,
    before it is compiled) is not: its search says why."""
    import regex

    from .text.patterns import UserPattern

    try:
        return bool(UserPattern(pattern, "the term").flags & regex.VERBOSE)
    except ToolkitError:
        return False


_ESCAPED_SPACE = re.compile(r"(?<!\\)((?:\\\\)*)\\ ")  # a space after an odd number of backslashes


def _warn_unfolded(patterns: list[str], normalizer) -> None:
    """Warn of regular expressions that hold what the normalised texts never hold: traditional characters, full-width
    punctuation or letters, a space between Chinese characters (a term without --regex is folded as the texts are,
    創新 to 创新 and ， to ,; a pattern is not, its syntax being the user's: 创新[，。] found only the sentences
    ending in 。, in silence)."""
    from .text.normalize import regional_form
    from .text.preparation import term_folding, text_of_the_terminal

    folding = term_folding(normalizer)
    changed, regional = [], {}
    for written in patterns:
        # in verbose mode ((?x)) whitespace and comments are syntax, not characters to find (a false warning)
        pattern = _VERBOSE_SYNTAX.sub("", written) if _verbose(written) else written
        # an escaped space is a space to find (the one way to write it in verbose mode): 数字\ 经济 found nothing
        # unsaid, as 数字 经济 is said (mutation audit 26)
        pattern = _ESCAPED_SPACE.sub(r"\1 ", pattern)
        folded = folding.normalize(text_of_the_terminal(pattern, "the pattern")).text
        if folded != pattern:
            changed.append((written, folded))
        if normalizer.to_simplified and (form := regional_form(folded)) != folded:  # as for a plain term (著力)
            # unless the pattern takes the regional form already ([著着]力, (著|着)力: an adversarial review)
            if len(form) != len(folded) or not _takes_both(folded, form):
                regional[written] = form
    if regional:
        log.warning(
            "texts in traditional script hold %s once normalised (their Taiwan and Hong Kong variants are reverted, "
            "a mainland text's are not): search those forms too if the corpus has such texts",
            ", ".join(f"{form} where {pattern} was written" for pattern, form in regional.items()),
        )
    if changed:
        log.warning(
            "the pattern(s) %s hold characters the texts never hold once normalised (traditional script, full-width "
            "punctuation, letters or spaces, a space between Chinese characters), so those parts find nothing; write "
            "them as the texts read (%s; toolkit normalize FILE shows a text)",
            ", ".join(p for p, _ in changed[:3]),
            ", ".join(s for _, s in changed[:3]),
        )
