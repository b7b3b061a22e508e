"""Files that ship inside the package (toolkit/data), read on demand, never at import."""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("lexicon.toml")``."""
    return Path(str(files("toolkit") / "data" / name))


def read_word_file(path: str | Path) -> list[str]:
    """Words of a list file: whitespace-separated, '#' starts a comment; order kept, duplicates dropped."""
    words: dict[str, None] = {}
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        for word in line.split("#", 1)[0].split():
            words.setdefault(word, None)
    return list(words)


@functools.lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The 4,000 most frequent simplified characters (see scripts/make_common_chars.py)."""
    return frozenset(data_path("common_chars.txt").read_text(encoding="utf-8").replace("\n", ""))
