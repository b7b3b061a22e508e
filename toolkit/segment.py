"""Text -> tokens with jieba: each Segmenter owns its own jieba.Tokenizer, dictionary and stopwords."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .errors import ToolkitError
from .resources import data_path, read_word_file

# Frequency given to a dictionary word listed without one. High enough that jieba keeps the word whole
# even inside its own compounds (推进改革 -> 推进 改革, 改革开放 -> 改革 开放), so a theme word is never
# hidden inside a phrase whose other half is a stopword; a longer domain term still beats its parts.
DOMAIN_FREQ = 100_000

_NUMBER = re.compile(r"^[\d.,:/%+\-~]+[%‰]?$|^[零〇一二三四五六七八九十百千万亿两几]+$")
_WORDLIKE = re.compile(r"[\w\u3400-\u9fff]")


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
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ToolkitError(f"cannot read dictionary {path}: {exc.strerror}") from None
    for n, line in enumerate(lines, 1):
        fields = line.split("#", 1)[0].split() if not line.startswith("#") else []
        if not fields:
            continue
        word, freq, tag = fields[0], None, None
        for extra in fields[1:]:
            if extra.isdigit():
                freq = int(extra)
            else:
                tag = extra
        entries.append((word, freq, tag))
    return entries


class Segmenter:
    """jieba segmentation with a domain dictionary, then token filtering.

    ``cut`` gives jieba's raw words (whitespace dropped); ``filter`` removes stopwords, punctuation, numbers
    and short tokens; ``tokens`` does both. Words in ``keep`` (the theme lexicon) are never dropped for
    being short or numeric and are always segmented whole. The jieba dictionary is loaded on first use.
    """

    def __init__(self, *, hmm: bool = False, dictionaries: tuple[str | Path, ...] = (),
                 extra_words: tuple[str, ...] = (), stopwords: frozenset[str] | set[str] | None = None,
                 min_chars: int = 2, drop_numbers: bool = True, keep: frozenset[str] | set[str] = frozenset()):
        self.hmm = hmm
        self.dictionaries = tuple(Path(p) for p in (data_path("policy_dict.txt"), *dictionaries))
        self.extra_words = tuple(sorted(set(extra_words)))
        self.stopwords = frozenset(default_stopwords() if stopwords is None else stopwords)
        self.min_chars = min_chars
        self.drop_numbers = drop_numbers
        self.keep = frozenset(keep)
        self._entries = [e for path in self.dictionaries for e in read_dictionary(path)]
        self._entries += [(w, None, None) for w in self.extra_words]
        self._tokenizer = None

    @property
    def fingerprint(self) -> str:
        """Hash of everything that changes ``cut``: jieba version, its dictionary, ours, and the HMM flag."""
        import jieba

        digest = hashlib.sha256()
        digest.update(f"jieba {jieba.__version__} hmm={self.hmm} domain_freq={DOMAIN_FREQ}\n".encode())
        digest.update(hashlib.sha256(Path(jieba.get_dict_file().name).read_bytes()).digest())
        for word, freq, tag in self._entries:
            digest.update(f"{word} {freq} {tag}\n".encode())
        return digest.hexdigest()

    def _jieba(self):
        if self._tokenizer is None:
            import jieba

            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word, freq, tag in self._entries:
                tokenizer.add_word(word, DOMAIN_FREQ if freq is None else freq, tag)
            self._tokenizer = tokenizer
        return self._tokenizer

    def cut(self, text: str) -> list[str]:
        """jieba's words for ``text``, whitespace dropped."""
        return [w for w in self._jieba().lcut(text, HMM=self.hmm) if not w.isspace()]

    def filter(self, words: list[str]) -> list[str]:
        """Drop stopwords, punctuation, numbers and words shorter than ``min_chars`` (lexicon words stay)."""
        out = []
        for word in words:
            if word in self.keep:
                out.append(word)
            elif (word in self.stopwords or len(word) < self.min_chars or not _WORDLIKE.search(word)
                  or (self.drop_numbers and _NUMBER.match(word))):
                continue
            else:
                out.append(word)
        return out

    def tokens(self, text: str) -> list[str]:
        return self.filter(self.cut(text))

    def __getstate__(self):  # send to worker processes without the loaded jieba tokenizer
        state = self.__dict__.copy()
        state["_tokenizer"] = None
        return state
