"""Text -> tokens with jieba: each Segmenter owns its own jieba.Tokenizer, dictionary and stopwords."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
from itertools import filterfalse
from pathlib import Path

import numpy as np

from ..errors import ToolkitError, as_list, require_type
from ..options import NON_NEGATIVE, POSITIVE, Option, choice
from ..resources import data_path, in_the_way, read_text_file, read_word_file
from .normalize import HAN

OPTIONS = {
    "backend": Option(
        "jieba_fast_dat",
        "Segmenter: jieba's algorithm in C++ (8x faster; at least 99.5% of the tokens the same on the shipped "
        "texts, a compound now and then cut otherwise: 生态 园林城市 for 生态园林 城市) or jieba.",
        *choice("jieba_fast_dat", "jieba"),
    ),
    "hmm": Option(
        False,
        "Let jieba's HMM guess words missing from the dictionary (with the HMM on, use "
        "backend = 'jieba' for jieba's exact tokens: the C++ HMM splits numbers differently).",
    ),
    "pos": Option(
        [],
        'Keep only words whose jieba POS tag starts with one of these, e.g. ["n", "v"], and lexicon words whatever '
        "their tag; [] keeps all (POS tagging uses jieba's posseg, several times slower).",
        kind=list,
    ),
    "extra_dictionaries": Option([], "Files of extra dictionary words (jieba user-dictionary format).", kind=list, path=True),
    "extra_stopwords": Option(
        [],
        "Files of extra stopwords, one or more per line (a lexicon word listed there is kept all the same).",
        kind=list,
        path=True,
    ),
    "n_jobs": Option(
        0,
        "Worker processes for segmenting large corpora; 0 for one per core (with --scheduler, one per "
        "thread of the Dask cluster).",
        *NON_NEGATIVE,
    ),
    "use_policy_stopwords": Option(True, "Also drop the shipped policy-boilerplate words (推进, 加快 ...)."),
    "min_chars": Option(2, "Drop tokens shorter than this many characters, but lexicon words.", *POSITIVE),
    "drop_numbers": Option(
        True,
        "Drop numbers and percentages (2020, 6.5%, 三十, 三点五, 百分之十七), years written in numerals (一九五四年) and "
        "quantities (三个, 一倍, 二十年, 四千万元) other than lexicon words; the five-year plans' names (七五, 十一五) "
        "and Latin words (GDP, 5G, APP, an English passage's words) are kept as tokens.",
    ),
}

# Frequency given to a dictionary word listed without one. High enough that jieba keeps the word whole
# even inside its own compounds (推进改革 -> 推进 改革, 改革开放 -> 改革 开放), so a theme word is never
# hidden inside a phrase whose other half is a stopword; a longer domain term still beats its parts.
DOMAIN_FREQ = 100_000

# numbers, but not the five-year plans' names (一五 ... 九五, 十一五 ... 十九五; 十五 is fifteen as often as the tenth
# plan); a year written in numerals (一九五四年, 八五年), a percentage (百分之十七) and a decimal as jieba cuts it
# (三点五, 三点 | 五个, 点五 of 百分之十七点五; 一点 too, half of a decimal in 37 of the reports' 78, and a count of
# points, 两点需要说明): older texts write them so, and 一九四九年 was one of industry's top words of the 1950s (a pass
# of a century's reports); and a quantity, numerals with a measure word (三个, 一倍, 二十年, 四千万元, 第一个, 一千多个)
# or the start of a range (四至 of 一九五四至一九五七年): the pieces jieba leaves of 三点五个百分点 (三点 | 五个) and of
# 两千零二十年 (两千 | 零 | 二十年) were tokens (a hostile pass: 三个, 五个 and 一倍 among the 1950s reports' words)
_NUMERALS = "零〇一二三四五六七八九十百千万亿两几"
_MEASURES = "[个倍年元项次条种件名家批届类成岁天月日人户所座台辆吨亩至]|公里|万元|亿元|万人|万吨|亿吨|万亩"
_NUMBER = re.compile(
    r"^[\d.,:/%+\-~]+[%‰]?$"
    rf"|^(?!十?[一二三四五六七八九]五$)[{_NUMERALS}]+$"
    rf"|^[{_NUMERALS}]*点[{_NUMERALS}]+$|^[{_NUMERALS}]+点$"
    r"|^[零〇一二三四五六七八九]{2,4}年$"
    rf"|^百分之[{_NUMERALS}点]+$"
    rf"|^第?[{_NUMERALS}]+多?(?:{_MEASURES})$"
)
_WORDLIKE = re.compile(rf"[\w{HAN}]")  # HAN too: \w misses the ideographs newer than Python's Unicode tables


def default_stopwords(policy: bool = True) -> set[str]:
    """stopwords-iso's Chinese list (package ``stopwordsiso``) plus, if ``policy``, the project's policy list."""
    import stopwordsiso

    words = set(stopwordsiso.stopwords("zh"))
    if policy:
        words |= set(read_word_file(data_path("policy_stopwords.txt")))
    return words


def read_dictionary(path: str | Path) -> list[tuple[str, int | None, str | None]]:
    """Entries of a jieba-style user dictionary (``word [freq] [tag]`` per line; '#' starts a comment)."""
    entries = []
    try:
        lines = read_text_file(path).splitlines()
    except UnicodeDecodeError:
        raise ToolkitError(f"dictionary {path} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ToolkitError(f"cannot read dictionary {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split() if not line.startswith("#") else []
        if not fields:
            continue
        word, freq, tag = fields[0], None, None
        for extra in fields[1:]:
            if extra.isdigit() and freq is None and tag is None:
                freq = int(extra)
            elif _TAG.fullmatch(extra) and tag is None:
                tag = extra
            else:  # 智慧 城市 建设 was read as the word 智慧 tagged 建设: a word has no spaces
                raise ToolkitError(
                    f"dictionary {path} line {number}: {line.strip()!r} is not 'word [frequency] [tag]' (one word "
                    "without spaces, then a whole number and a part-of-speech tag such as n, both optional); "
                    "write each word on its own line"
                )
        entries.append((word, freq, tag))
    return entries


log = logging.getLogger("toolkit")

_TAG = re.compile(r"[A-Za-z]+")  # jieba's part-of-speech tags: n, nr, v, eng ...


BACKENDS = ("jieba_fast_dat", "jieba")


def _jieba_dictionary() -> str:
    """Path of jieba's own dictionary (jieba hands out an open file; it is closed here)."""
    import jieba

    with jieba.get_dict_file() as handle:
        return handle.name


def _sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dictionary_cache(engine: str):
    """Where jieba keeps its prefix dictionary built from its word list (a binary file read back with no check:
    jieba_fast_dat's trie, jieba's marshal dump): a folder of the user's own in the temporary folder
    (``toolkit-<uid>/jieba``, made and kept readable by the user alone, refused when it or the folder in it is a
    link or another user's), not the engine's predictable name there (another user's file was trusted, and a
    damaged one crashed every run with a segmentation fault), each file beside the SHA-256 it was written with; a
    file without it, or with another, is removed before it is read. One folder for every cache of the toolkit's
    (built once for all the runs of a user, as jieba's was). Returns (the file, a lock of the folder), or None where
    no such folder can be had."""
    import tempfile

    from filelock import FileLock

    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    own = Path(tempfile.gettempdir()) / f"toolkit-{user}"
    folder = own / "jieba"
    try:
        for part in (own, folder):
            part.mkdir(mode=0o700, exist_ok=True)
            if not _of_this_user(part):
                return None
            if hasattr(os, "getuid") and part.lstat().st_mode & 0o077:  # made open by someone: ours again
                part.chmod(0o700)
    except OSError:
        return None
    if not os.access(folder, os.W_OK | os.X_OK):
        return None
    from importlib.metadata import version

    # by the word list's bytes, not its size and time (a word edited in place, size and time kept, was cut with the
    # trie built before it: a hostile pass of the caches); about 10 ms for jieba's 5 MB
    source = Path(_jieba_dictionary())
    made_from = f"{engine} {version(engine.replace('_', '-'))} {source} {_sha256_of(source)}"
    name = hashlib.sha256(made_from.encode()).hexdigest()
    return folder / f"{engine}.{name[:24]}.dat", FileLock(str(folder / ".lock"))


def _of_this_user(path: Path) -> bool:
    """Whether ``path`` is a folder (not a link to one) owned by the user running this process."""
    import stat

    status = path.lstat()
    return stat.S_ISDIR(status.st_mode) and (not hasattr(os, "getuid") or status.st_uid == os.getuid())


def _point_at(tokenizer, engine: str, cache: Path) -> None:
    """Make ``tokenizer`` keep its prefix dictionary in ``cache`` (each engine names that file its own way)."""
    if engine == "jieba":
        tokenizer.tmp_dir, tokenizer.cache_file = str(cache.parent), cache.name
    else:
        tokenizer.cache_file = str(cache)


def _checked(cache: Path) -> None:
    """Remove ``cache`` (and its SHA-256 file) unless it holds the bytes the SHA-256 beside it says. OSError when
    either is there but no regular file (a folder, a FIFO: neither read, waited on nor removed)."""
    recorded = cache.with_suffix(".sha256")
    for path in (cache, recorded):
        if kind := in_the_way(path):
            raise OSError(f"{path} is {kind}")
    try:
        if cache.exists() and (not recorded.is_file() or recorded.read_text(encoding="ascii").strip() != _sha256_of(cache)):
            cache.unlink(missing_ok=True)
            recorded.unlink(missing_ok=True)
    except (OSError, UnicodeDecodeError):
        cache.unlink(missing_ok=True)
        recorded.unlink(missing_ok=True)


def _record(cache: Path) -> None:
    """Write the SHA-256 of ``cache`` beside it, once jieba has written it (nothing when it could not)."""
    recorded = cache.with_suffix(".sha256")
    try:
        if cache.is_file() and not recorded.is_file():
            recorded.write_text(_sha256_of(cache) + "\n", encoding="ascii")
    except OSError:
        pass


# the tags jieba's posseg gives words outside its dictionary: Latin letters, numbers, anything else
UNLISTED_TAGS = frozenset({"eng", "m", "x"})


def jieba_tags() -> frozenset[str]:
    """The part-of-speech tags of jieba's dictionary (its third column) and of the words it does not list."""
    with open(_jieba_dictionary(), encoding="utf-8") as handle:
        return frozenset(parts[2] for line in handle if len(parts := line.split()) > 2) | UNLISTED_TAGS


class Segmenter:
    """jieba segmentation with a domain dictionary, then token filtering.

    ``cut`` gives the segmenter's raw words (whitespace dropped); ``filter`` removes stopwords, punctuation,
    numbers and short tokens; ``tokens`` does both. Words in ``keep`` (the theme lexicon) are never dropped
    for being short or numeric and are always segmented whole. The dictionary is loaded on first use.

    ``backend`` is ``"jieba_fast_dat"`` (jieba's algorithm in C++, about 8x faster; with jieba's own
    dictionary and HMM off its tokens match jieba's on all but one of 5,861 test lines) or ``"jieba"``.
    Both load jieba's dictionary. ``pos`` keeps only words whose part-of-speech tag starts with one of the
    given prefixes (``("n", "v")``: nouns and verbs); it runs jieba's ``posseg``, several times slower.
    Dictionary words without a tag are tagged ``n``. ``domain_dictionary=False`` leaves out the shipped
    policy dictionary (for comparisons with plain jieba).
    """

    def __init__(  # noqa: PLR0913 (every setting of the segmenter and its filter, by keyword)
        self,
        *,
        hmm: bool = False,
        dictionaries: tuple[str | Path, ...] = (),
        extra_words: tuple[str, ...] = (),
        stopwords: frozenset[str] | set[str] | None = None,
        min_chars: int = 2,
        drop_numbers: bool = True,
        keep: frozenset[str] | set[str] = frozenset(),
        keep_patterns: tuple[str, ...] = (),
        backend: str = "jieba_fast_dat",
        pos: tuple[str, ...] = (),
        domain_dictionary: bool = True,
    ):
        if backend not in BACKENDS:
            raise ToolkitError(f"unknown segmenter backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        dictionaries, extra_words, keep, keep_patterns, pos = map(as_list, (dictionaries, extra_words, keep, keep_patterns, pos))
        stopwords = None if stopwords is None else as_list(stopwords)
        self.backend = backend
        self.pos = tuple(pos)
        self.hmm = hmm
        shipped = (data_path("policy_dict.txt"),) if domain_dictionary else ()
        self.dictionaries = tuple(Path(p) for p in (*shipped, *dictionaries))
        self.extra_words = tuple(sorted(set(extra_words)))
        self.stopwords = frozenset(default_stopwords() if stopwords is None else stopwords)
        self.min_chars = min_chars
        self.drop_numbers = drop_numbers
        self.keep = frozenset(keep)
        # the lexicon's patterns: a word one of them matches in full is kept too, a stopword or not (发展 and 推进, policy
        # stopwords, fell out before `\w*发展` and `推\w` could match them, though coverage.csv promises every word a
        # pattern matches); compiled on first use, with the time limit of every user pattern
        self.keep_patterns = tuple(keep_patterns)
        self._keep_compiled: list | None = None
        # Each word once (jieba adds a word's frequency to its total at every add_word: the lexicon's words, which
        # the domain dictionary holds too, raised the total by half, and 推进改革 stayed whole, its keyword hidden),
        # with the last dictionary's entry (a user's after the shipped one); a lexicon word at least at DOMAIN_FREQ,
        # so that it stays whole whatever frequency a dictionary gives it.
        entries = {word: (word, freq, tag) for path in self.dictionaries for word, freq, tag in read_dictionary(path)}
        for word in self.extra_words:
            listed = entries.get(word)
            if listed is None or (listed[1] is not None and listed[1] < DOMAIN_FREQ):
                entries[word] = (word, None, listed[2] if listed else None)
        self._entries = list(entries.values())
        if self.pos:  # a tag that starts no tag keeps no word but the lexicon's ("N" for "n": jieba's are lowercase)
            known = jieba_tags() | {tag or "n" for _, _, tag in self._entries}
            unknown = [tag for tag in self.pos if not any(k.startswith(tag) for k in known)]
            if unknown:
                raise ToolkitError(
                    f"segment.pos {unknown[0]!r} starts no part-of-speech tag of jieba or of the dictionaries, so it "
                    f"would keep no word but the lexicon's; jieba's tags are lowercase: {', '.join(sorted(known)[:20])} ..."
                )
        self._tokenizer = None
        self._decided: dict[str, str] = {}  # word -> itself interned if filter keeps it, else ""
        self._pattern_kept: dict[str, bool] = {}  # word -> whether a lexicon pattern takes it

    @property
    def fingerprint(self) -> str:
        """Hash of everything that changes ``cut``: jieba version, its dictionary, ours, the HMM flag, the code of this
        module and of every toolkit module it imports, and with ``pos`` the tags, the words kept whatever their tag
        and the lexicon patterns that keep words (with the ``regex`` package's version, which runs them)."""
        import jieba

        from ..sources import imported_closure, source_digest

        digest = hashlib.sha256()
        from importlib.metadata import version

        engine = "jieba" if self.pos else self.backend
        digest.update(
            f"{engine} {version(engine.replace('_', '-'))} jieba {jieba.__version__} hmm={self.hmm} "
            f"pos={','.join(self.pos)} domain_freq={DOMAIN_FREQ}\n".encode()
        )
        digest.update(hashlib.sha256(Path(_jieba_dictionary()).read_bytes()).digest())
        # the code that turns a unit into words, this module's and what it imports (patterns.py runs the lexicon's
        # patterns that keep a word whatever its tag): tokens cut by an earlier version were reused after an upgrade,
        # and stored again under the new prepared corpus's key (hostile passes of the caches)
        digest.update(source_digest(imported_closure(["text/segment.py"])).encode())
        for word, freq, tag in self._entries:
            digest.update(f"{word} {freq} {tag}\n".encode())
        if self.pos:  # the words kept whatever their tag (the lexicon's): a word a dictionary lists already is no entry
            digest.update(("keep " + " ".join(sorted(self.keep)) + "\n").encode())
            # and those a lexicon pattern takes, whatever their tag (its words were dropped by the tag before)
            digest.update(("keep patterns " + "\x1f".join(self.keep_patterns) + "\n").encode())
            if self.keep_patterns:
                digest.update(f"regex {version('regex')}\n".encode())
        return digest.hexdigest()

    def _jieba(self):
        """The tokenizer, built on first use with jieba's dictionary plus ours."""
        if self._tokenizer is None:
            import importlib

            engine = "jieba" if self.pos else self.backend
            module = importlib.import_module(engine)
            # its dictionary notices ("Building prefix dict ...", twice in a notebook with a handler of its own), unless
            # the user set a level: jieba sets DEBUG on import, with a handler to stderr (segment.backend = "jieba", or
            # segment.pos: a hostile pass of the API), jieba_fast_dat none
            own = logging.DEBUG if engine == "jieba" else logging.NOTSET
            if hasattr(module, "setLogLevel") and logging.getLogger(engine).level == own:
                logging.getLogger(engine).setLevel(logging.WARNING)
            tokenizer = module.Tokenizer(_jieba_dictionary())
            place = _dictionary_cache(engine)
            why = ""
            if place is not None:
                cache, lock = place
                try:
                    with lock:  # one process at a time checks, builds or reads it
                        _checked(cache)
                        _point_at(tokenizer, engine, cache)
                        tokenizer.initialize()
                        _record(cache)
                except OSError as exc:  # its lock or file a folder or a FIFO (not ours to remove): as without one
                    place, why = None, f"{exc.filename}: {exc.strerror}" if exc.filename and exc.strerror else str(exc)
                    tokenizer = module.Tokenizer(_jieba_dictionary())
            if place is None:  # never the engine's own file in the shared temporary folder: built for this process
                import tempfile

                if why:  # the folder is the user's; what is in it is in the way (not ours to remove)
                    log.warning(
                        "jieba's dictionary cannot be kept in this user's folder of %s (%s): it is built again for this "
                        "process, which takes a few seconds",
                        tempfile.gettempdir(),
                        why,
                    )
                else:
                    log.warning(
                        "no folder of this user's own could be had in %s (toolkit-<uid> is a link, a file or another "
                        "user's): jieba's dictionary is built again for this process, which takes a few seconds",
                        tempfile.gettempdir(),
                    )
                with tempfile.TemporaryDirectory(prefix="toolkit-jieba-") as private:
                    _point_at(tokenizer, engine, Path(private) / f"{engine}.dat")
                    tokenizer.initialize()
            for word, freq, tag in self._entries:
                tokenizer.add_word(word, DOMAIN_FREQ if freq is None else freq, tag or "n")
            if self.pos:  # jieba.posseg loads its tag tables when imported: only when tags are asked for
                import jieba.posseg

                tokenizer = jieba.posseg.POSTokenizer(tokenizer)
            self._tokenizer = tokenizer
        return self._tokenizer

    def cut(self, text: str, *, keep_spaces: bool = False) -> list[str]:
        """The words of ``text``, whitespace dropped unless ``keep_spaces`` (and, with ``pos``, only words of
        those tags)."""
        # a missing value of a table (NaN, None) was cut into the word 'nan', a Series into its repr (a hostile pass)
        require_type(text, str, "Segmenter.cut", "text", "a str", " (a table's missing texts: fillna('') first)")
        tokenizer = self._jieba()
        if self.pos:
            return [
                p.word
                for p in tokenizer.lcut(text, HMM=self.hmm)
                if (keep_spaces or not p.word.isspace())
                and (p.word in self.keep or p.flag.startswith(self.pos) or self._matches_a_kept_pattern(p.word))
            ]
        words = tokenizer.lcut(text, HMM=self.hmm)
        return words if keep_spaces else list(filterfalse(str.isspace, words))

    def pieces(self, text: str) -> list[str]:
        """Every word of ``text`` as ``cut`` cuts it, whitespace and words of any tag included: they join into
        ``text`` again, so each word's place in it can be told."""
        require_type(text, str, "Segmenter.pieces", "text", "a str")
        return [getattr(word, "word", word) for word in self._jieba().lcut(text, HMM=self.hmm)]

    def filter(self, words: list[str]) -> list[str]:
        """Drop stopwords, punctuation, numbers and words shorter than ``min_chars`` (lexicon words stay).

        Each distinct word is judged once and remembered (a corpus has millions of tokens but few distinct
        words; the settings are fixed at construction), and kept words are interned, so each is stored once
        however often it occurs.
        """
        kept = list(map(self._decided.get, words))
        if None in kept:
            kept = list(map(self._decide(words).__getitem__, words))
        return [word for word in kept if word]

    def keep_mask(self, words: list[str]) -> np.ndarray:
        """For each word, whether ``filter`` keeps it (judged once per distinct word, as in ``filter``)."""
        decided = self._decide(words)
        return np.fromiter((bool(decided[word]) for word in words), dtype=bool, count=len(words))

    def _decide(self, words: list[str]) -> dict[str, str]:
        """The decisions of ``filter``, with every word of ``words`` not judged before judged now."""
        decided = self._decided
        for word in words:
            if word not in decided:
                decided[word] = sys.intern(word) if self._keeps(word) else ""
        return decided

    def _keeps(self, word: str) -> bool:
        return (
            word in self.keep
            or not (
                word in self.stopwords
                or len(word) < self.min_chars
                or not _WORDLIKE.search(word)
                or (self.drop_numbers and _NUMBER.match(word))
            )
            or self._matches_a_kept_pattern(word)
        )

    def _matches_a_kept_pattern(self, word: str) -> bool:
        """Whether a lexicon pattern takes ``word`` whole (judged once per distinct word)."""
        if not self.keep_patterns:
            return False
        if self._keep_compiled is None:
            from .patterns import UserPattern

            self._keep_compiled = [UserPattern(p, "lexicon pattern") for p in self.keep_patterns]
        judged = self._pattern_kept.get(word)
        if judged is None:
            judged = self._pattern_kept[word] = any(pattern.fullmatch(word) for pattern in self._keep_compiled)
        return judged

    @property
    def known_words(self) -> frozenset[str]:
        """Every word of the domain dictionaries and extra words (not jieba's own dictionary)."""
        return frozenset(word for word, _, _ in self._entries)

    def tokens(self, text: str) -> list[str]:
        return self.filter(self.cut(text))

    def __getstate__(self):  # send to worker processes without the loaded jieba tokenizer
        state = self.__dict__.copy()
        state["_tokenizer"] = None
        state["_decided"], state["_pattern_kept"] = {}, {}
        state["_keep_compiled"] = None  # compiled again where used
        return state
