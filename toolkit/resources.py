"""Files that ship inside the package (toolkit/data), read on demand, never at import."""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path


def data_path(name: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("lexicon.toml")``."""
    return Path(str(files("toolkit") / "data" / name))


def read_text_file(path: str | Path) -> str:
    """The text of a file a config names (a lexicon, a word or pattern list, a dictionary, the config itself):
    UTF-8, a byte-order mark dropped, read only when it is a regular file, so that a FIFO or a device named there
    is refused (OSError naming what it is) instead of waited on for ever or read without end."""
    from .output.atomic import read_regular

    return read_regular(path).decode("utf-8-sig")


def read_word_file(path: str | Path) -> list[str]:
    """Words of a list file: whitespace-separated, '#' starts a comment; order kept, duplicates dropped."""
    words: dict[str, None] = {}
    for line in read_text_file(path).splitlines():
        for word in line.split("#", 1)[0].split():
            words.setdefault(word, None)
    return list(words)


@functools.lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The 4,000 most frequent simplified characters (see scripts/make_common_chars.py)."""
    return frozenset(data_path("common_chars.txt").read_text(encoding="utf-8").replace("\n", ""))
