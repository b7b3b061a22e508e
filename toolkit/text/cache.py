"""On-disk cache of segmented units: plain text files keyed by content and segmenter fingerprint.

Entries are UTF-8 text (one unit per line, tokens separated by spaces) with a header holding the key and a
SHA-256 of the body, so a changed input never reuses an entry and a damaged entry is detected and rebuilt.
Nothing in the cache is executable or unpickled.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..options import Option
from ..output import atomic
from ..resources import in_the_way, read_regular

OPTIONS = {
    "enabled": Option(True, "Cache prepared corpora and segmented documents on disk."),
    "dir": Option("", "Cache folder; '' for $TOOLKIT_CACHE_DIR, else $XDG_CACHE_HOME/toolkit, else ~/.cache/toolkit.", path=True),
}

_MAGIC = "toolkit-tokens v1"


def default_cache_dir() -> Path:
    """$TOOLKIT_CACHE_DIR, else $XDG_CACHE_HOME/toolkit, else ~/.cache/toolkit."""
    if os.environ.get("TOOLKIT_CACHE_DIR"):
        # as a shell expands it (Path.expanduser raised a RuntimeError, a traceback, for a user who does not exist)
        return Path(os.path.expanduser(os.environ["TOOLKIT_CACHE_DIR"]))
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "toolkit"


def entry_key(units: list[str], fingerprint: str) -> str:
    """The token cache's key of a document's ``units`` segmented with the settings ``fingerprint`` stands for: the
    number of units, then each unit's length in bytes before its bytes, so that no two lists of units share a key
    (with a separator instead, ["X\x1eY", "Z"] and ["X", "Y\x1eZ"] did while normalisation kept control
    characters: the second document was given the first's tokens)."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(len(units).to_bytes(8, "little"))
    for unit in units:
        data = unit.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


class TokenCache:
    """Segmented units of one document, stored under ``root/tokens``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.hits = 0
        self.misses = 0
        self.damaged: list[str] = []
        self.unwritable: str = ""  # why the last write failed, if one did (the run goes on without it)

    def _path(self, key: str) -> Path:
        return self.root / "tokens" / key[:2] / f"{key}.txt"

    def get(self, key: str, expected: int | None = None) -> list[list[str]] | None:
        """The cached units for ``key``; None when absent or damaged (a damaged entry is noted and removed), or when
        it does not hold ``expected`` units (when given: the document's)."""
        path = self._path(key)
        try:
            raw = read_regular(path)  # a FIFO in its place is refused, not waited on
        except OSError:  # absent, or the cache folder is unusable: segment again
            self.misses += 1
            return None
        try:
            header, _, body = raw.decode("utf-8").partition("\n")
            magic_key, n_units, body_hash = header.rsplit(" ", 2)
            if magic_key != f"{_MAGIC} {key}" or hashlib.sha256(body.encode()).hexdigest() != body_hash:
                raise ValueError
            # k units are k lines joined by k - 1 line breaks: one unit without tokens is an empty body, as none is
            units = [line.split(" ") if line else [] for line in body.split("\n")] if int(n_units) else []
            if len(units) != int(n_units) or (not units and body) or (expected is not None and len(units) != expected):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            self.damaged.append(str(path))
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:  # a cache folder this process cannot write: the entry stays, the run goes on
                self.unwritable = f"{self.root}: {exc.strerror or exc}"
            self.misses += 1
            return None
        self.hits += 1
        return units

    def put(self, key: str, units: list[list[str]]) -> None:
        body = "\n".join(" ".join(tokens) for tokens in units)
        header = f"{_MAGIC} {key} {len(units)} {hashlib.sha256(body.encode()).hexdigest()}"
        path = self._path(key)
        try:
            if kind := in_the_way(path):  # a FIFO, a folder or a link at an entry's place: left alone, not replaced
                self.unwritable = f"{path} is {kind}"
                return
            atomic.write_text(path, header + "\n" + body)
        except OSError as exc:  # a cache that cannot be written costs time, never the run
            self.unwritable = f"{self.root}: {exc.strerror or exc}"
