"""Everything before the model: files -> normalised units -> tokens, streamed in chunks and cached.

Documents are read, normalised, split into units and segmented a chunk at a time (in worker processes for a
large corpus), so raw texts are never all in memory; unit texts are kept in Arrow strings and tokens as ids
(:class:`~toolkit.text.tokens.UnitTokens`). The result is stored whole (:class:`~toolkit.text.store.PreparedStore`):
a later run of the same inputs and preprocessing settings, say with another number of topics, reads it back
instead of preparing again. Segmented documents are also cached one by one (:class:`~toolkit.text.cache.TokenCache`),
so a changed corpus re-segments only its new documents.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis.lexicon import OTHER, Lexicon, load_lexicon, word_themes
from ..analysis.terms import PairCounts, apply_phrases, learn_phrases
from ..config import Config, as_config, is_path_option
from ..errors import ToolkitError
from ..processes import available_workers, stop_workers
from ..progress import Progress, timed
from ..resources import data_path, read_regular, read_word_file
from . import NOT_SHAPING
from .cache import default_cache_dir
from .chunks import prepare_chunk
from .corpus import Corpus, load_corpus
from .duplicates import flag_excerpts, flag_near_duplicates
from .normalize import HAN, Normalizer, load_boilerplate_patterns, pattern_form, warn_flagged
from .segment import Segmenter, default_stopwords, read_dictionary
from .store import PreparedStore, StoredCorpus
from .tokens import TokenBuilder, UnitTokens
from .units import document_text

log = logging.getLogger("toolkit")

CHUNK_CHARS = 5_000_000  # documents are prepared in chunks of at most about this many characters
PARALLEL_MIN_CHARS = 2_000_000  # below this, starting worker processes costs more than it saves
STORE_FORMAT = "toolkit-prepared v1"


# ----- building the parts from a config ---------------------------------------------------------------


def make_normalizer(config: Config) -> Normalizer:
    n = config["normalize"]
    normalizer = Normalizer(
        to_simplified=n["to_simplified"],
        repair_mojibake=n["repair_mojibake"],
        strip_pinyin=n["strip_pinyin"],
        drop_boilerplate=n["drop_boilerplate"],
        remove_mojibake=n["remove_mojibake"],
        boilerplate_patterns=load_boilerplate_patterns(config.paths("normalize", "extra_boilerplate")),
        drop_repeated_lines=n["drop_repeated_lines"],
    )
    if n["drop_boilerplate"]:
        warn_unfolded_patterns(normalizer)
    return normalizer


def warn_unfolded_patterns(normalizer: Normalizer) -> None:
    """A warning naming the boilerplate patterns that hold a character the normalised lines they run on never hold
    (traditional script, full-width punctuation: ^来源： or ^責任編輯 removed nothing, in silence: a hostile pass),
    unless the pattern holds its normalised form too, as the shipped ones do ([:：]), or that ask for a space or an
    invisible character where those lines never hold it (:func:`_asks_for_what_lines_lack`)."""
    folding = term_folding(normalizer)
    unfolded = []
    for pattern in normalizer.boilerplate_patterns:
        text = pattern.pattern
        if _asks_for_what_lines_lack(text):
            unfolded.append(f"{pattern.where.removesuffix(': boilerplate pattern')} {text}")
            continue
        # each run of Han characters folded whole, as a line's words are (乾隆 stays, 乾 alone is 干; 明瞭 is 明了: a
        # review), any other character beyond ASCII alone; said where the folded run is nowhere in the pattern, unless
        # each of its characters that folds alone has its folded form there too ([：:] and [責责] hold both: a review)
        for run in re.findall(rf"[{HAN}]+|[^\x00-\x7f]", text):
            folded = _folded(folding, run)
            if folded in ("", run) or folded in text:
                continue
            changed = [each for c in run if (each := _folded(folding, c)) not in ("", c)]
            if not changed or not all(each in text for each in changed):
                unfolded.append(f"{pattern.where.removesuffix(': boilerplate pattern')} {text}")
                break
    if unfolded:
        log.warning(
            "%d boilerplate pattern(s) hold characters the normalised texts never hold (traditional script, full-width "
            "punctuation, full-width spaces), so those parts remove nothing: %s; write them as the texts read "
            "(toolkit normalize FILE shows a text)",
            len(unfolded),
            "; ".join(unfolded[:3]) + (f" and {len(unfolded) - 3} more" if len(unfolded) > 3 else ""),
        )


def _asks_for_what_lines_lack(text: str) -> bool:
    """Whether the regex ``text`` asks, outside a character class and not optionally, for what the lines the
    patterns run on never hold (:func:`toolkit.text.normalize.pattern_form`): a full-width space, a tab or a
    no-break space (each a space there), an invisible format or control character (removed), two spaces in a row
    (one), a space at the line's start (stripped). ^来源　新华社, copied from an indented text, removed nothing, in
    silence (mutation audit 32); a class such as [\\s　] is never judged. A pattern that only the ``regex`` module
    parses (\\p{Han}) is not judged."""
    from re import _constants as sre  # noqa: PLC2701 (the standard library's own parser of patterns)
    from re import _parser  # noqa: PLC2701

    try:
        parsed = _parser.parse(text)
    except (re.error, RecursionError, OverflowError, ValueError):
        return False
    repeats = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))

    space, starts = (sre.LITERAL, 32), ((sre.AT, sre.AT_BEGINNING), (sre.AT, sre.AT_BEGINNING_STRING))

    def lacks(items) -> bool:
        before = None
        for op, av in items:
            if op in repeats and av[0] >= 1:  # 来源　+新华社: one at least
                if list(av[2]) == [space] and (av[0] >= 2 or before in (space, *starts)):  # " {2}", "^ +": collapsed
                    return True
                if lacks(av[2]):
                    return True
                op, av = (sre.LITERAL, 32) if list(av[2]) == [space] else (op, av)  # " +" then " " is two spaces
            # an alternation lacks only when every alternative does: (来源：|来源:) holds the form the lines hold
            if op is sre.SUBPATTERN and lacks(av[-1]) or op is sre.BRANCH and all(lacks(alt) for alt in av[1]):
                return True
            if op is sre.LITERAL:
                char = chr(av)
                if char != " " and pattern_form(char) != char:
                    return True
                if char == " " and before in (space, *starts):
                    return True
            before = (op, av)
        return False

    return lacks(parsed)


def _folded(folding: Normalizer, text: str) -> str:
    return folding.normalize(text).text.strip()


def make_segmenter(config: Config, lexicon: Lexicon) -> Segmenter:
    s = config["segment"]
    stopwords = default_stopwords(policy=s["use_policy_stopwords"]) - lexicon.words
    for path in config.paths("segment", "extra_stopwords"):
        stopwords |= set(_read_words(path, "stopword file", "segment.extra_stopwords"))
    for path in config.paths("segment", "extra_dictionaries"):
        if not path.exists():
            raise ToolkitError(f"dictionary file not found: {path}; fix segment.extra_dictionaries")
        if not path.is_file():
            from ..resources import file_kind

            kind = file_kind(path.stat().st_mode)
            raise ToolkitError(f"dictionary {path} is {kind}, not a regular file; fix segment.extra_dictionaries")
    return Segmenter(
        backend=s["backend"],
        pos=tuple(s["pos"]),
        hmm=s["hmm"],
        dictionaries=tuple(config.paths("segment", "extra_dictionaries")),
        extra_words=tuple(sorted(lexicon.words)),
        stopwords=stopwords,
        min_chars=s["min_chars"],
        drop_numbers=s["drop_numbers"],
        keep=lexicon.words,
        keep_patterns=tuple(p for theme in lexicon.themes for p in theme.patterns),
    )


def _read_words(path: Path, what: str, key: str) -> list[str]:
    if not path.exists():
        raise ToolkitError(f"{what} not found: {path}; fix {key}")
    try:
        return read_word_file(path)
    except UnicodeDecodeError:
        raise ToolkitError(f"{what} {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ToolkitError(f"cannot read {what} {path}: {exc.strerror}") from None


def cache_root(config: Config) -> Path | None:
    """The cache folder of ``config``, or None when caching is off. Raises ToolkitError when it is the text
    folder or lies inside it: its files would be read as texts by the next run (``corpus.pattern = **/*.txt``);
    or when it is or lies inside an output folder (a run's, an export's, a sweep summary's), which a later one
    replaces; a folder into which `terms`/`kwic --out` wrote a table is the user's, not one."""
    if not config["cache"]["enabled"]:
        return None
    root = Path(os.path.realpath(config.path("cache", "dir") or default_cache_dir()))
    texts = config.path("corpus", "texts")
    where = (
        "cache.dir"
        if config["cache"]["dir"]
        else "$TOOLKIT_CACHE_DIR"
        if os.environ.get("TOOLKIT_CACHE_DIR")
        else "the default cache folder"
    )
    from ..output import atomic

    for folder in (root, *root.parents):  # an output folder is replaced whole by the next run into it
        if atomic.is_output_folder(folder):
            raise ToolkitError(
                f"the cache folder {root} ({where}) {'is' if folder == root else 'lies inside'} "
                f"{folder}, an output folder of an earlier run, which a later run replaces; set "
                "cache.dir (or $TOOLKIT_CACHE_DIR) to a folder outside your outputs"
            )
    if texts is not None and (root == texts or texts in root.parents):
        raise ToolkitError(
            f"the cache folder {root} ({where}) {'is' if root == texts else 'lies inside'} the text "
            f"folder {texts}, where its files would be read as texts; set cache.dir (or "
            "$TOOLKIT_CACHE_DIR) to a folder outside corpus.texts, or cache.enabled = false"
        )
    return root


def protected_paths(config: Config) -> dict[str, Path]:
    """What an output folder of ``config`` must neither be, contain nor lie inside: every input it names and the
    cache folder (checked against the text folder on the way)."""
    named = config.input_paths()
    root = cache_root(config)
    if root is not None:
        named["the cache folder"] = root
    return named


# ----- the stage ---------------------------------------------------------------------------------------


@dataclass(repr=False)
class Prepared:
    """Everything before the model: documents, quality report, units and their tokens."""

    corpus: Corpus
    quality: pd.DataFrame
    units: pd.DataFrame  # unit_id, doc_id, year, text
    tokens: UnitTokens  # filtered tokens of each unit (what the model sees); a sequence of lists of words
    pair_counts: PairCounts  # word and word-pair counts of the raw segmenter output (for candidate terms)
    lexicon: Lexicon
    segmenter: Segmenter
    timings: dict[str, float] = field(default_factory=dict)
    cache_stats: dict[str, int | str] = field(default_factory=dict)
    phrases: object = None  # the phrase model joined into ``tokens`` (vocab.phrases), else None
    settings: dict = field(default_factory=dict)  # what it was prepared with (preparation_settings)
    input_files: dict = field(default_factory=dict)  # SHA-256 of each file the config names, as read (named_file_hashes)

    def __repr__(self) -> str:
        return (
            f"Prepared({len(self.corpus.used)} documents, {len(self.units)} units, lexicon of {len(self.lexicon.themes)} themes)"
        )


@dataclass
class Inputs:
    """What a run reads before preparing: the documents, the lexicon, the normaliser and the segmenter, and the
    key of everything the prepared corpus depends on."""

    corpus: Corpus
    lexicon: Lexicon
    normalizer: Normalizer
    segmenter: Segmenter
    key: str
    # the settings and files as they were when the run began to read them (a file edited while a run goes on was
    # recorded as the run had read it: a hostile pass of the cache; see preparation_settings and named_file_hashes)
    settings: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Hash of every input that can change a model's result: the prepared corpus's key and the lexicon
        (which words and patterns belong to which theme: a pattern moved to another theme, which the prepared key,
        holding every pattern, does not see, kept a sweep's runs of the old lexicon as done)."""
        lexicon = [(t.name, t.words, t.patterns) for t in self.lexicon.themes]
        return hashlib.sha256((self.key + json.dumps(lexicon, ensure_ascii=False)).encode()).hexdigest()


def load_inputs(config: Config) -> Inputs:
    """Read the corpus folder and metadata, the lexicon, boilerplate patterns, dictionaries and stopwords."""
    settings, files = preparation_settings(config), named_file_hashes(config)  # before any of them is read
    c = config["corpus"]
    if not c["texts"]:
        raise ToolkitError(f"{config.source}: corpus.texts is required: set it to the folder of your text files")
    texts = config.path("corpus", "texts")
    if texts is not None and not texts.exists() and not Path(c["texts"]).is_absolute():
        raise ToolkitError(
            f"text folder not found: {texts} (corpus.texts {c['texts']!r} is read from the config's folder, "
            f"{config.base_dir}); set corpus.texts to the folder of your .txt files"
        )
    lexicon = load_lexicon(config.path("themes", "lexicon"))
    corpus = load_corpus(
        config.path("corpus", "texts"),
        config.path("corpus", "metadata"),
        pattern=c["pattern"],
        year_min=c["year_min"],
        year_max=c["year_max"],
        encoding=c["encoding"],
        themes=[*lexicon.names, OTHER],
    )
    normalizer = make_normalizer(config)
    segmenter = make_segmenter(config, lexicon)
    warn_unmatchable(config, lexicon)
    warn_subject_free(lexicon)
    # each file hashed before it was read and again after: one edited in between was read in a form the hashes may
    # not record (a review: the word lists are read after the texts, minutes later on a large corpus)
    changed = [name for name, digest in named_file_hashes(config).items() if files.get(name) != digest]
    if changed:
        raise ToolkitError(
            f"{', '.join(changed)} changed while the run read its inputs: which version it used cannot be said; "
            "run again once the files are saved"
        )
    key = prepared_key(corpus, normalizer, config, segmenter)
    return Inputs(corpus, lexicon, normalizer, segmenter, key, settings, files)


def warn_subject_free(lexicon: Lexicon) -> None:
    """A warning naming the lexicon's words that the shipped stopword lists hold (发展, 工作, 推进: words of every
    subject, :func:`toolkit.analysis.diagnostics.subject_free_words`): they are kept as keywords (a lexicon word is
    never a stopword), but a theme made mostly of them measures a way of writing, and is not validated."""
    from ..analysis.diagnostics import subject_free_words

    listed = sorted(lexicon.words & subject_free_words())
    if listed:
        log.warning(
            "%d lexicon word(s) are on the stopword lists, words of every subject (%s%s): they count as keywords, but "
            "a theme whose keyword tokens are mostly such words measures a way of writing, not a subject, and is not "
            "validated (themes.csv: stopword_share)",
            len(listed),
            ", ".join(listed[:5]),
            " ..." if len(listed) > 5 else "",
        )


# what jieba's words never hold: anything but the characters of its runs (jieba.re_han_default: the ideographs 一-鿕,
# ASCII letters and digits, + # & . % -), and _; \w let through 〇 (二〇三五年远景目标 matched nothing, unsaid: a
# hostile pass) and the ideographs of the extensions, which jieba gives one by one
_CUT_AT = re.compile(r"[^\u4e00-\u9fd5a-zA-Z0-9+#&.%\-]")


def warn_unmatchable(config: Config, lexicon: Lexicon) -> None:
    """A warning for each list of the user's words (the lexicon, extra dictionaries and stopwords) that holds words
    the normalised texts never contain: traditional characters (with ``normalize.to_simplified``) or full-width
    forms, which normalisation folds in the texts but not in the lists, so that such a word matches nothing."""
    from .normalize import regional_form, to_simplified

    to_simplify = config["normalize"]["to_simplified"]

    def folded(word: str) -> str:
        word = unicodedata.normalize("NFKC", word)
        return to_simplified(word) if to_simplify else word

    lists = {"lexicon words (themes.lexicon)": sorted(lexicon.words)}
    lists["stopwords (segment.extra_stopwords)"] = [
        word
        for path in config.paths("segment", "extra_stopwords")
        for word in _read_words(path, "stopword file", "segment.extra_stopwords")
    ]
    lists["dictionary words (segment.extra_dictionaries)"] = [
        word for path in config.paths("segment", "extra_dictionaries") for word, _, _ in read_dictionary(path)
    ]
    for what, words in lists.items():
        forms = {word: folded(word) for word in words}
        changed = {word: form for word, form in forms.items() if form != word}
        # a space or a mark that jieba cuts at (、 · “ ” ...) inside a word: no token of the segmented text holds one
        # (jieba's words are runs of characters, letters, digits and + # & . % -)
        cut = [word for word, form in forms.items() if len(form) > 1 and _CUT_AT.search(form)]
        if cut:
            log.warning(
                "%d %s hold a space, a mark or a character the segmenter cuts at (%s%s), so no token is ever one of "
                "them and they match nothing; write each as one word without it (数字经济, not 数字 经济; 〇 and "
                "characters of the ideographs' extensions are cut at too), or list its parts",
                len(cut),
                what,
                ", ".join(cut[:5]),
                " ..." if len(cut) > 5 else "",
            )
        if changed:
            shown = ", ".join(f"{word} -> {form}" for word, form in list(changed.items())[:5])
            log.warning(
                "%d %s are written in forms the normalised texts never hold (traditional or full-width: %s%s), so "
                "they match nothing; write them as the texts read once normalised (toolkit normalize FILE shows it)",
                len(changed),
                what,
                shown,
                " ..." if len(changed) > 5 else "",
            )
        # 著力: a mainland form too, kept in a mainland text, but 着力 in a traditional one (its Taiwan variant reverted)
        variants = {form: regional_form(form) for form in forms.values()} if to_simplify else {}
        regional = {form: variant for form, variant in variants.items() if variant != form}
        if regional:
            log.warning(
                "%d %s are written otherwise in texts in traditional script once normalised (Taiwan and Hong Kong "
                "variants reverted there, not in mainland texts: %s%s); list that form too if the corpus has such texts",
                len(regional),
                what,
                ", ".join(f"{word} -> {form}" for word, form in list(regional.items())[:5]),
                " ..." if len(regional) > 5 else "",
            )


# the warning of the documents normalisation leaves without text, a run's and terms' and kwic's alike
NO_TEXT_LEFT = "skipped %d document(s) with no text left after normalisation (first: %s)"


def normalized_texts(corpus: Corpus, normalizer: Normalizer, join_lines: bool):
    """(document row as a dict, normalised text) of every used document, read from disk one at a time: the text
    a run reads (:func:`toolkit.text.units.document_text`, with ``join_lines`` its broken lines joined). A document
    that normalisation leaves without text is left out, as a run skips it, and named in a warning at the end (``terms``
    counted a file of boilerplate alone as a year measured at 0 per 10,000 characters: a hostile pass)."""
    empty = []
    for doc in corpus.used.to_dict("records"):
        text = document_text(normalizer.normalize(corpus.text(doc["doc_id"])).text, join_lines)[0]
        if text.strip():
            yield doc, text
        else:
            empty.append(doc["doc_id"])
    if empty:
        log.warning(NO_TEXT_LEFT, len(empty), empty[0])


def text_of_the_terminal(text: str, what: str) -> str:
    """``text`` (a term, pattern or name typed on the command line) when it is text; a ToolkitError when it holds
    bytes the terminal's encoding could not decode (Python keeps them as lone surrogates: a GBK terminal talking to a
    UTF-8 session), which no text holds and nothing can print."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        shown = text.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
        raise ToolkitError(
            f"{what} {shown} is not valid text in this session's encoding (UTF-8): type it again, or set the terminal to UTF-8"
        ) from None
    return text


def term_folding(normalizer: Normalizer) -> Normalizer:
    """``normalizer`` as it folds a term or pattern: without the rules that drop whole lines of a text (boilerplate,
    repeated lines), which are no term's."""
    from dataclasses import replace

    return replace(normalizer, drop_boilerplate=False, drop_repeated_lines=False)


def normalized_terms(terms: list[str], normalizer: Normalizer) -> list[str]:
    """``terms`` as they appear in normalised text (traditional characters and full-width forms folded), so a
    search for 數據要素 finds 数据要素. The rules that drop whole lines of a text (boilerplate, repeated lines) are
    not a term's: a boilerplate pattern matching 创新 emptied the term 创新 (an error after the fit) where it
    removes the lines that hold it from the texts."""

    from .normalize import regional_form

    folding = term_folding(normalizer)
    removed, regional, written = [], {}, {}
    for term in terms:
        text_of_the_terminal(term, "the term")
        folded = folding.normalize(term).text.strip() if term.strip() else ""
        if not folded:
            raise ToolkitError(f"the term {term!r} is empty once normalised; give a word or phrase")
        if normalizer.drop_boilerplate and normalizer.normalize(folded).text.strip() != folded:
            removed.append(folded)  # a boilerplate pattern takes it: the lines of the texts that hold it are gone
        if normalizer.to_simplified and (form := regional_form(folded)) != folded:
            regional[folded] = form
        written.setdefault(folded, []).append(term)  # 創新 and 创新: one term once folded, counted once
    same = {term: forms for term, forms in written.items() if len(forms) > 1}
    if same:
        log.warning(
            "the terms %s are one term once normalised as the texts are: counted once",
            "; ".join(" and ".join(forms) + f" (= {term})" for term, forms in same.items()),
        )
    if regional:
        log.warning(
            "texts in traditional script hold %s once normalised (their Taiwan and Hong Kong variants are reverted, "
            "a mainland text's are not): search those forms too if the corpus has such texts",
            ", ".join(f"{form} where {term} was written" for term, form in regional.items()),
        )
    if removed:
        log.warning(
            "the boilerplate patterns (the shipped ones and normalize.extra_boilerplate) remove the term(s) %s (or the "
            "lines that hold them) from the texts, so they count only where the patterns leave them: check the patterns",
            ", ".join(removed),
        )
    return list(written)


def prepare(config: Config, inputs: Inputs | None = None) -> Prepared:
    """Load, normalise, split into units and segment, or read all of it back from the cache (``config``: a Config
    or a TOML config's path)."""
    config = as_config(config, "prepare")
    timings: dict[str, float] = {}
    if inputs is None:
        with timed(timings, "load"):
            inputs = load_inputs(config)
    corpus, lexicon, normalizer, segmenter = inputs.corpus, inputs.lexicon, inputs.normalizer, inputs.segmenter
    root = cache_root(config)
    store = PreparedStore(root) if root else None
    stats: dict[str, int | str] = {}
    stored = None
    if store:
        with timed(timings, "read cache"):
            stored = store.get(inputs.key)
        stats["prepared"] = "hit" if stored else "damaged" if store.damaged else "miss"
    if stored:
        quality, units, tokens = stored.quality, stored.units, stored.tokens
        pair_counts = PairCounts.from_tables(stored.unigrams, stored.pairs, segmenter.stopwords)
    else:
        with timed(timings, "normalize and segment"):
            quality, units, tokens, pair_counts, stats_segmented = prepare_documents(corpus, normalizer, segmenter, config, root)
        stats.update(stats_segmented)
        if store:
            with timed(timings, "write cache"):
                store.put(inputs.key, StoredCorpus(quality, units, tokens, *pair_counts.to_tables()))
            if store.damaged:  # prepared again from the texts; replaced in the cache unless it cannot be written
                done = "found (and could not replace)" if store.unwritable else "rebuilt"
                log.warning("%s a damaged prepared corpus in the cache (%s)", done, store.damaged[0])
            if store.unwritable:
                _warn_unwritable("store the prepared corpus", store.unwritable)
    _skip_documents_without_units(corpus, quality, units)
    _warn_boilerplate(quality)
    warn_flagged(quality, units["doc_id"])  # those analysed: one left without text was skipped, and said so above
    _warn_notes(quality)
    _warn_repeats(quality, dropped=normalizer.drop_repeated_lines)
    with timed(timings, "near duplicates"):
        near = flag_near_duplicates(corpus.documents, units, config["corpus"]["near_duplicates"])
        flag_excerpts(corpus.documents, units, config["corpus"]["near_duplicates"], near)
    v = config["vocab"]
    phrases = None
    if v["phrases"]:
        with timed(timings, "phrases"):
            # never a keyword in a phrase: the lexicon's words, and the corpus's words its patterns (or, with
            # themes.match = "contains", its words inside them) make keywords
            keep = lexicon.words | set(word_themes(lexicon, tokens.words, config["themes"]["match"]))
            phrases = learn_phrases(tokens, min_count=v["phrase_min_count"], threshold=v["phrase_threshold"], keep=keep)
            tokens = apply_phrases(phrases, tokens)
    return Prepared(
        corpus,
        quality,
        units,
        tokens,
        pair_counts,
        lexicon,
        segmenter,
        timings,
        stats,
        phrases,
        inputs.settings or preparation_settings(config),
        inputs.files,
    )


def named_file_hashes(config: Config) -> dict[str, str]:
    """SHA-256 of every file the config names (metadata, lexicon, dictionaries, stopword and boilerplate files, the
    config itself), by what it is: the manifest's inputs besides the texts, taken before the run reads them."""
    named = config.input_paths()
    named.setdefault("themes.lexicon", data_path("lexicon.toml"))
    hashes = {"the config": config.source_sha256} if config.source_sha256 and "the config" in named else {}
    for name, path in named.items():
        if name in hashes:  # the config as Config.load read it, not as it is now
            continue
        try:  # a regular file only (a FIFO would wait for a writer); what cannot be read is said by its stage
            hashes[name] = hashlib.sha256(read_regular(path)).hexdigest()
        except OSError:
            continue
    return hashes


def preparation_settings(config: Config) -> dict[str, object]:
    """The settings a prepared corpus was made with, by dotted key: the options of the sections that shape it, the
    files and years it reads, the lexicon and the phrase options (what a fit of it must not be given otherwise)."""
    settings = {
        f"{section}.{key}": _as_read(config, section, key)
        for section in SHAPING_SECTIONS
        for key in config[section]
        if key not in NOT_SHAPING
    }
    settings["themes.lexicon"] = str(config.path("themes", "lexicon") or "")
    for key in ("texts", "metadata"):  # paths as files, not as written
        settings[f"corpus.{key}"] = str(config.path("corpus", key) or "")
    settings.update({f"vocab.{k}": v for k, v in config["vocab"].items() if k.startswith("phrase")})
    if config["vocab"]["phrases"]:  # which words are keywords, and so never joined into a phrase
        settings["themes.match"] = config["themes"]["match"]
    # the content of the files a person edits between a prepare and a fit (a lexicon's new keyword was fitted as
    # if absent: the paths were the same), by path: ``file:<path>`` (:func:`toolkit.pipeline.check_prepared_with`)
    files = [
        config.path("themes", "lexicon"),
        config.path("corpus", "metadata"),
        *config.paths("normalize", "extra_boilerplate"),
        *config.paths("segment", "extra_stopwords"),
        *config.paths("segment", "extra_dictionaries"),
    ]
    for path in dict.fromkeys(p for p in files if p is not None):
        try:  # a regular file only: a FIFO named as a file would wait for a writer (the stage that reads it says so)
            settings[f"file:{path}"] = hashlib.sha256(read_regular(path)).hexdigest()
        except OSError:
            settings[f"file:{path}"] = "unreadable"
    return settings


BOILERPLATE_WARNING = 0.2  # share of a document's characters removed as boilerplate above which the log says so


def _skip_documents_without_units(corpus: Corpus, quality: pd.DataFrame, units: pd.DataFrame) -> None:
    """Mark the used documents that normalisation left without a unit as skipped, with what removed their text
    (a document is never "used" with nothing in it); raises ToolkitError when no document is left."""
    docs = corpus.documents
    empty = docs["status"].eq("used") & ~docs["doc_id"].isin(units["doc_id"].unique())
    if not empty.any():
        return
    removed = quality.set_index("doc_id")
    for i in docs.index[empty]:
        row = removed.loc[docs.at[i, "doc_id"]]
        rules = {
            rule: int(row[f"removed_{rule}"]) for rule in ("boilerplate", "mojibake", "pinyin") if int(row[f"removed_{rule}"])
        }
        why = ", ".join(f"{n} characters removed as {rule}" for rule, n in sorted(rules.items(), key=lambda r: -r[1]))
        docs.loc[i, ["status", "reason"]] = ["skipped", "no text left after normalisation" + (f": {why}" if why else "")]
    log.warning(
        NO_TEXT_LEFT,
        int(empty.sum()),
        docs.loc[empty, "doc_id"].iloc[0],
    )
    if not docs["status"].eq("used").any():
        raise ToolkitError(
            f"no text left in any document after normalisation (first: "
            f"{docs.loc[empty, 'doc_id'].iloc[0]}: {docs.loc[empty, 'reason'].iloc[0]}); check "
            "normalize.extra_boilerplate or set normalize.drop_boilerplate = false"
        )


def _warn_boilerplate(quality: pd.DataFrame) -> None:
    """One log line per document that boilerplate removal cut by more than BOILERPLATE_WARNING of its
    characters, naming how much each pattern removed (up to five documents, then their number)."""
    if "boilerplate_rules" not in quality or quality.empty:
        return
    heavy = quality[quality["removed_boilerplate"] > BOILERPLATE_WARNING * quality["chars_in"].clip(lower=1)]
    for row in heavy.head(5).itertuples():
        log.warning(
            "boilerplate patterns removed %d of the %d characters of %s: %s",
            row.removed_boilerplate,
            row.chars_in,
            row.doc_id,
            row.boilerplate_rules,
        )
    if len(heavy) > 5:
        log.warning("... and from %d more documents; see removed_boilerplate in quality.csv", len(heavy) - 5)


def _warn_notes(quality: pd.DataFrame) -> None:
    """One log line naming the documents that end with a notes appendix (quality.csv's ``notes_appendix``): the
    editors' definitions of terms, counted as the text's own words."""
    if "notes_appendix" not in quality:
        return
    noted = quality[quality["notes_appendix"] > 0]
    if len(noted):
        shown = ", ".join(f"{row.doc_id} ({row.notes_appendix:,} characters)" for row in noted.head(5).itertuples())
        log.warning(
            "%d document(s) end with a notes appendix (a heading such as 注释: and numbered notes, as printed reports "
            "define their terms), "
            "analysed as their text: %s%s; cut it from the file if the editors' notes should not count "
            "(notes_appendix in quality.csv)",
            len(noted),
            shown,
            " ..." if len(noted) > 5 else "",
        )


def _warn_repeats(quality: pd.DataFrame, dropped: bool = True) -> None:
    """One log line naming the documents whose lines repeat earlier ones word for word (quality.csv's
    ``repeated_lines``), which were kept once (``dropped``) or, as asked, every time: a text saved twice in one
    file, or a paragraph pasted twice."""
    if "repeated_lines" not in quality:
        return
    repeating = quality[quality["repeated_lines"] > 0].sort_values("repeated_lines", ascending=False, kind="stable")
    if len(repeating):
        shown = ", ".join(f"{row.doc_id} ({row.repeated_lines})" for row in repeating.head(5).itertuples())
        log.warning(
            "%d document(s) repeat lines word for word (a text saved twice in one file, or lines doubled in a copy), "
            + (
                "each kept once: %s%s (repeated_lines in quality.csv; normalize.drop_repeated_lines = false keeps them)"
                if dropped
                else "every copy kept, as normalize.drop_repeated_lines = false asks (each counts again): %s%s"
            ),
            len(repeating),
            shown,
            " ..." if len(repeating) > 5 else "",
        )


def _warn_unwritable(what: str, why: str) -> None:
    log.warning("cannot %s (%s); going on without it: fix cache.dir or set cache.enabled = false", what, why)


# The config sections whose every option shapes the prepared corpus, less the options that cannot change it
# (worker processes give the same tokens; the corpus's files are hashed one by one below; near duplicates are
# flagged on every run from the prepared units).
SHAPING_SECTIONS = {
    "normalize": (),
    "units": (),
    "segment": ("n_jobs",),
    "corpus": ("texts", "metadata", "name", "pattern", "year_min", "year_max", "near_duplicates"),
}


def text_stage_modules() -> list[str]:
    """The toolkit modules whose source shapes a prepared corpus, as paths inside ``toolkit/``: every module of the
    text subpackage (``toolkit/text/``, this module's) and every toolkit module they import, followed through their
    own imports (``lexicon.py`` for the lexicon, ``terms.py`` for phrases, ...). Found by reading the sources, so a
    module added to ``toolkit/text/`` or imported by one is covered without a list to keep."""
    from ..sources import ROOT, imported_closure

    return imported_closure([path.relative_to(ROOT).as_posix() for path in (ROOT / "text").glob("*.py")])


def source_digest(read=None) -> str:
    """Hash of the source of :func:`text_stage_modules` (``read``: how a file is read, for tests)."""
    from .. import sources

    return sources.source_digest(text_stage_modules(), read)


def _as_read(config: Config, section: str, key: str):
    """An option as a prepared corpus's settings record it: a path as the file it names, not as written, which a
    run's saved config.toml writes relative to its own folder (a fit with it was said to change the settings)."""
    from ..config import section_options

    if not is_path_option(section, key):
        return config[section][key]
    if isinstance(section_options(section)[key].default, list):
        return [str(p) for p in config.paths(section, key)]
    return str(config.path(section, key) or "")


def prepared_key(corpus: Corpus, normalizer: Normalizer, config: Config, segmenter: Segmenter) -> str:
    """Hash of everything the prepared corpus depends on: the used files (bytes, dates, how they decode), every
    option of the sections that shape it (``SHAPING_SECTIONS``), the normaliser's patterns and the segmenter's
    dictionaries and word lists, and the source of every module that prepares it and the versions of the packages
    it uses."""
    from importlib.metadata import version

    digest = hashlib.sha256(STORE_FORMAT.encode())
    digest.update(source_digest().encode())
    for package in ("opencc", "ftfy", "regex"):
        digest.update(f"{package} {version(package)}\n".encode())
    # NFKC and the character classes follow Python's Unicode tables, the markup of a web page saved as text is read
    # by the standard library's html.parser (changed in patch releases), and auto-detection of an encoding weighs
    # the shipped list of common characters: a cache shared by two Pythons or two releases keeps them apart
    python = ".".join(map(str, sys.version_info[:3]))
    digest.update(f"python {python} unicode {unicodedata.unidata_version}\n".encode())
    digest.update(hashlib.sha256(data_path("common_chars.txt").read_bytes()).digest())
    settings = {f.name: getattr(normalizer, f.name) for f in dataclasses.fields(normalizer)}
    settings["boilerplate_patterns"] = [(p.pattern, p.flags) for p in settings["boilerplate_patterns"]]
    digest.update(json.dumps(settings, ensure_ascii=False, sort_keys=True).encode())
    # the word lists' and pattern files' paths left out: their contents are in the key (the normaliser's patterns,
    # the segmenter's words and dictionaries), and a path as written moved with the config that wrote it (a run's
    # config.toml), an absolute one with the folder (a project moved or copied re-prepared its corpus and refitted
    # every sweep run: a review)
    options = {
        section: {k: v for k, v in config[section].items() if k not in skipped and not is_path_option(section, k)}
        for section, skipped in SHAPING_SECTIONS.items()
    }
    digest.update(json.dumps(options, ensure_ascii=False, sort_keys=True, default=str).encode())
    digest.update(f"{segmenter.fingerprint} min_chars={segmenter.min_chars} numbers={segmenter.drop_numbers}\n".encode())
    for words in (segmenter.stopwords, segmenter.keep, segmenter.keep_patterns):
        digest.update("\x1f".join(sorted(words)).encode() + b"\x1e")
    for doc in corpus.used.itertuples():
        path, declared, sha256 = corpus.sources[doc.doc_id]
        digest.update(f"{doc.doc_id}\x1f{int(doc.year)}\x1f{declared}\x1f{sha256}\x1e".encode())
    return digest.hexdigest()


# ----- normalising and segmenting, chunk by chunk ----------------------------------------------------------


def chunk_size(total_chars: int, n_jobs: int) -> int:
    """Characters per chunk of a corpus of ``total_chars`` prepared by ``n_jobs`` workers: the corpus cut into
    as few rounds of ``n_jobs`` equal chunks as keep every chunk within CHUNK_CHARS, so that no worker is left
    idle while another prepares a last chunk (5M characters on 2 workers: 2 chunks of 2.5M, not one of 5M).
    Documents are never cut; the tokens and counts are the same for any chunk size."""
    rounds = -(-total_chars // (n_jobs * CHUNK_CHARS))
    return max(1, min(CHUNK_CHARS, -(-total_chars // (n_jobs * max(1, rounds)))))


def _chunks(corpus: Corpus, chunk_chars: int):
    """Lists of (doc_id, raw text) of about ``chunk_chars`` characters, read from disk as they are asked for."""
    chunk, size = [], 0
    for doc in corpus.used.itertuples():
        chunk.append((doc.doc_id, corpus.text(doc.doc_id)))
        size += int(doc.chars)
        if size >= chunk_chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def prepare_documents(
    corpus: Corpus,
    normalizer: Normalizer,
    segmenter: Segmenter,
    config: Config,
    cache_dir: Path | None = None,
    *,
    chunk_chars: int | None = None,
    min_parallel_chars: int | None = None,
):
    """Quality table, units table, tokens and pair counts of every used document, prepared chunk by chunk.

    With ``segment.n_jobs`` > 1 (0 = one per core) and at least ``min_parallel_chars`` characters (default
    :data:`PARALLEL_MIN_CHARS`), chunks (of :data:`CHUNK_CHARS`) are prepared in worker processes (or on the
    Dask cluster of :func:`toolkit.processes.on_dask`), a few in flight at a time, and collected in order: the
    result does not depend on the number of workers. Only the chunks in flight hold raw text.
    """
    import pyarrow as pa

    min_parallel_chars = PARALLEL_MIN_CHARS if min_parallel_chars is None else min_parallel_chars
    used = corpus.used
    n_jobs = available_workers(config["segment"]["n_jobs"])
    total_chars = int(used["chars"].sum())
    chunk_chars = chunk_chars or chunk_size(total_chars, n_jobs)
    chunks = _chunks(corpus, chunk_chars)
    settings = (normalizer, config["units"], segmenter, segmenter.fingerprint, cache_dir)
    parallel = n_jobs > 1 and total_chars >= min_parallel_chars and total_chars > chunk_chars
    if parallel:
        from joblib import Parallel, delayed

        from ..processes import on_this_build, stage_workers

        prepare = on_this_build(prepare_chunk)  # made here: joblib's generator reads the tasks in a thread of its own
        with stage_workers():  # no Ctrl-C of their own, and ended with this process (local workers only)
            results = Parallel(n_jobs=n_jobs, return_as="generator", pre_dispatch="n_jobs")(
                delayed(prepare)(chunk, *settings) for chunk in chunks
            )
    else:
        results = (prepare_chunk(chunk, *settings) for chunk in chunks)

    quality_rows: list[dict] = []
    text_arrays, doc_ids, years = [], [], []
    builder = TokenBuilder()
    pair_counts = PairCounts(segmenter.stopwords)
    stats = {"hits": 0, "misses": 0, "damaged": 0}
    damaged, unwritable = [], ""
    year_of = dict(zip(used["doc_id"], used["year"].astype(int)))
    progress = Progress(len(used), "normalize and segment", "documents")
    try:
        for chunk in results:
            quality_rows += chunk.quality
            for row, texts in zip(chunk.quality, chunk.unit_texts):
                text_arrays.append(texts)
                doc_ids += [row["doc_id"]] * len(texts)
                years += [year_of[row["doc_id"]]] * len(texts)
            builder.extend(chunk.tokens)
            pair_counts.merge(chunk.pair_counts)
            stats["hits"] += chunk.hits
            stats["misses"] += chunk.misses
            damaged += chunk.damaged
            unwritable = unwritable or chunk.unwritable
            progress.advance(len(chunk.quality))
    finally:
        if parallel:
            stop_workers(results)
    progress.close()
    stats["damaged"] = len(damaged)
    if damaged:
        done = "found (and could not replace)" if unwritable else "rebuilt"
        log.warning("%s %d damaged cache entries (first: %s)", done, len(damaged), damaged[0])
    if unwritable:
        _warn_unwritable("write the token cache", unwritable)
    units = units_table(doc_ids, years, pa.chunked_array(text_arrays, type=pa.large_string()))
    return pd.DataFrame(quality_rows), units, builder.build(), pair_counts, stats


def units_table(doc_ids: list[str], years: list[int], texts) -> pd.DataFrame:
    """unit_id (doc_id#number), doc_id, year and text (Arrow strings) of every unit."""
    unit_ids, previous, number = [], None, 0
    for doc_id in doc_ids:
        number = number + 1 if doc_id == previous else 0
        previous = doc_id
        unit_ids.append(f"{doc_id}#{number:04d}")
    return pd.DataFrame(
        {
            "unit_id": pd.array(unit_ids, dtype="str"),
            "doc_id": pd.array(doc_ids, dtype="str"),
            "year": pd.array(years, dtype="int64"),
            "text": pd.array(texts, dtype="str"),
        }
    )
