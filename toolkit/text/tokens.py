"""The tokens of every unit as integer ids into one word list: compact, quick to count, cacheable.

A corpus of tens of millions of tokens has only a few hundred thousand distinct words. ``UnitTokens`` keeps
one array of ids (``int32``) and the offsets where each unit starts, instead of millions of Python strings
in millions of lists. It is a sequence of token lists (``tokens[i]`` is unit i's list of words), so code
written for lists of lists works on it; counting code uses the arrays directly.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse


class UnitTokens(Sequence):
    """Tokens of every unit: unit i holds ``words[j] for j in ids[offsets[i]:offsets[i + 1]]``."""

    FILES = ("words.txt", "ids.npy", "offsets.npy")  # what :meth:`save` writes in its folder, and :meth:`load` reads

    def __init__(self, words: list[str], ids: np.ndarray, offsets: np.ndarray):
        self.words = list(words)
        self.ids = np.asarray(ids, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        if len(self.offsets) == 0 or self.offsets[0] != 0 or self.offsets[-1] != len(self.ids):
            raise ValueError("offsets must start at 0 and end at the number of tokens")

    @classmethod
    def from_lists(cls, token_lists: Iterable[list[str]]) -> "UnitTokens":
        builder = TokenBuilder()
        for tokens in token_lists:
            builder.append(tokens)
        return builder.build()

    @classmethod
    def from_ids(cls, words: list[str], ids: np.ndarray, lengths: np.ndarray, keep: np.ndarray) -> "UnitTokens":
        """Units of ``lengths[i]`` tokens given as ``ids`` into ``words``, only the tokens whose word ``keep``
        says; the words renumbered by first occurrence among the kept tokens (as ``from_lists`` numbers them)."""
        ids = np.asarray(ids, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        kept = np.asarray(keep, dtype=bool)[ids]
        unit = np.repeat(np.arange(len(lengths)), lengths)
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.bincount(unit[kept], minlength=len(lengths)), out=offsets[1:])
        ids = ids[kept]
        seen, first = np.unique(ids, return_index=True)
        order = seen[np.argsort(first, kind="stable")]
        renumbered = np.zeros(len(words), dtype=np.int32)
        renumbered[order] = np.arange(len(order), dtype=np.int32)
        return cls([words[i] for i in order.tolist()], renumbered[ids], offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.subset(np.arange(len(self))[i])
        i = int(i) + len(self) if i < 0 else int(i)
        if not 0 <= i < len(self):
            raise IndexError("unit index out of range")
        words = self.words
        return [words[j] for j in self.ids[self.offsets[i] : self.offsets[i + 1]].tolist()]

    def __iter__(self):
        words, ids, offsets = self.words, self.ids.tolist(), self.offsets.tolist()
        for start, end in zip(offsets, offsets[1:]):
            yield [words[j] for j in ids[start:end]]

    def __eq__(self, other) -> bool:
        return isinstance(other, UnitTokens) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"UnitTokens({len(self)} units, {self.n_tokens} tokens, {len(self.words)} words)"

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    def lengths(self) -> np.ndarray:
        """Number of tokens of each unit."""
        return np.diff(self.offsets)

    def subset(self, units: np.ndarray) -> "UnitTokens":
        """The tokens of the given units, in the given order (same word list)."""
        units = np.asarray(units, dtype=np.int64)
        starts, ends = self.offsets[units], self.offsets[units + 1]
        lengths = ends - starts
        offsets = np.zeros(len(units) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if len(units) and offsets[-1]:
            positions = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
            ids = self.ids[positions]
        else:
            ids = np.zeros(0, dtype=np.int32)
        return UnitTokens(self.words, ids, offsets)

    def count_matrix(self, columns: np.ndarray | None = None, n_columns: int | None = None) -> sparse.csr_matrix:
        """Counts of every word in every unit (row), int64, sorted indices: one column per word (column = id),
        or, given ``columns`` (a column for each word id, negative: not counted), ``n_columns`` columns."""
        from scipy import sparse

        from .counting import unit_word_counts

        if columns is None:
            columns, n_columns = np.arange(len(self.words), dtype=np.int64), len(self.words)
        columns = np.asarray(columns, dtype=np.int64)
        if len(columns) != len(self.words):
            raise ValueError("columns needs one entry per word")
        indptr, indices, data = unit_word_counts(self.ids, self.offsets, columns, int(n_columns))
        return sparse.csr_matrix((data, indices, indptr), shape=(len(self), int(n_columns)))

    def word_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """For each word (by id): its number of tokens and the number of units that hold it."""
        from .counting import units_with_word

        return (
            np.bincount(self.ids, minlength=len(self.words)).astype(np.int64),
            units_with_word(self.ids, self.offsets, len(self.words)),
        )

    def lookup(self, index: dict[str, int]) -> np.ndarray:
        """``index[word]`` (or -1) for every token: re-numbers the tokens into another word list."""
        remap = np.array([index.get(w, -1) for w in self.words], dtype=np.int64)
        return remap[self.ids] if len(self.words) else np.zeros(len(self.ids), dtype=np.int64)

    # ----- files: words.txt (one word per line), ids.npy, offsets.npy ------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "words.txt").write_text("".join(w + "\n" for w in self.words), encoding="utf-8")
        np.save(folder / "ids.npy", self.ids, allow_pickle=False)
        np.save(folder / "offsets.npy", self.offsets, allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> "UnitTokens":
        from ..resources import open_regular, read_regular

        # each a regular file, or refused (OSError): a FIFO in a cache entry, never listed in its meta.json, hung
        # the run at "read cache" (an adversarial review)
        words = read_regular(folder / "words.txt").decode("utf-8").split("\n")[:-1]
        with open_regular(folder / "ids.npy") as handle:
            ids = np.load(handle, allow_pickle=False)
        with open_regular(folder / "offsets.npy") as handle:
            offsets = np.load(handle, allow_pickle=False)
        if len(ids) and (ids.min() < 0 or ids.max() >= len(words)):
            raise ValueError("token ids outside the word list")
        return cls(words, ids, offsets)


class WordNumbering(dict):
    """word -> id, numbering each word not seen before as it is looked up: ``list(map(numbering.__getitem__,
    words))`` gives the ids of a list of words in one pass without a Python step per word; ``list(numbering)``
    is the words by id."""

    def __missing__(self, word: str) -> int:
        self[word] = number = len(self)
        return number


class TokenBuilder:
    """Collects token lists one unit at a time into a :class:`UnitTokens` (ids numbered by first occurrence)."""

    def __init__(self):
        self._index = WordNumbering()
        self._ids = array("i")
        self._offsets = array("q", [0])

    def append(self, tokens: list[str]) -> None:
        self._ids.extend(map(self._index.__getitem__, tokens))
        self._offsets.append(len(self._ids))

    def extend(self, tokens: UnitTokens) -> None:
        """Append every unit of ``tokens`` (the same ids as appending its units one by one)."""
        remap = np.fromiter(map(self._index.__getitem__, tokens.words), dtype=np.int32, count=len(tokens.words))
        start = len(self._ids)
        self._ids.frombytes(remap[tokens.ids].astype(np.int32).tobytes() if len(tokens.ids) else b"")
        self._offsets.frombytes((tokens.offsets[1:] + start).astype(np.int64).tobytes())

    def build(self) -> UnitTokens:
        return UnitTokens(
            list(self._index),
            np.frombuffer(self._ids, dtype=np.int32).copy(),
            np.frombuffer(self._offsets, dtype=np.int64).copy(),
        )


def as_unit_tokens(tokens: "UnitTokens | Sequence[list[str]]") -> UnitTokens:
    """``tokens`` as UnitTokens (lists of token lists are converted); ToolkitError for a unit given as a string,
    which was read as a list of its characters (``["创新 科技", ...]`` gave a vocabulary of 创, 新 ...: a hostile pass
    of the API), or for something that is no list of units."""
    if isinstance(tokens, UnitTokens):
        return tokens
    from ..errors import ToolkitError

    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Iterable):
        raise ToolkitError(f"tokens must be a list of units, each a list of words, not {type(tokens).__name__}")
    lists = []
    for i, unit in enumerate(tokens):
        if isinstance(unit, (str, bytes)) or not isinstance(unit, Iterable):
            hint = " (split a text of words written with spaces with .split())" if isinstance(unit, str) else ""
            raise ToolkitError(f"tokens: unit {i} must be a list of words, not {type(unit).__name__}{hint}")
        lists.append(unit)
    return UnitTokens.from_lists(lists)
