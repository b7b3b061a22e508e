"""On-disk store of prepared corpora: units, quality report, token ids and pair counts of a whole corpus.

One folder per key (a hash of the inputs and preprocessing settings, see ``preparation.prepared_key``) under
``root/prepared``: Parquet tables, the tokens as numpy arrays of ids plus their word list, and
``meta.json`` with the SHA-256 of every file, checked on reading so a damaged entry is noticed and rebuilt.
Entries are written into a temporary folder and renamed into place. Nothing is pickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..output import atomic
from ..resources import open_regular, read_regular
from .tokens import UnitTokens

_FORMAT = "toolkit-prepared-store v1"
_TABLES = ("quality", "units", "unigrams", "pairs")
_READ = {f"{name}.parquet" for name in _TABLES} | {f"tokens/{name}" for name in UnitTokens.FILES}


@dataclass
class StoredCorpus:
    quality: pd.DataFrame
    units: pd.DataFrame
    tokens: UnitTokens
    unigrams: pd.DataFrame  # word, count
    pairs: pd.DataFrame  # left, right, count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:  # a FIFO in a damaged entry is refused, not waited on
        while block := handle.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


class PreparedStore:
    """Prepared corpora under ``root/prepared/<key>``."""

    def __init__(self, root: str | Path):
        self.folder = Path(root) / "prepared"
        self.damaged: list[str] = []
        self.unwritable: str = ""  # why storing failed, if it did (the run goes on without it)

    def get(self, key: str) -> StoredCorpus | None:
        """The stored corpus of ``key``; None when absent or damaged (a damaged entry is noted and removed)."""
        entry = self.folder / key
        try:
            if not entry.is_dir():
                return None
        except OSError:  # the cache folder is unusable
            return None
        try:
            meta = json.loads(read_regular(entry / "meta.json").decode("utf-8"))
            if not isinstance(meta, dict) or not isinstance(meta.get("files"), dict):
                raise ValueError("meta.json is not a table of files")
            if meta.get("format") != _FORMAT or meta.get("key") != key:
                raise ValueError("wrong format or key")
            # every file read below is one whose checksum is checked (a meta.json without one read the file unchecked)
            unlisted = sorted(_READ - set(meta["files"]))
            if unlisted:
                raise ValueError(f"{unlisted[0]} is read but has no checksum in meta.json")
            for name, sha256 in meta["files"].items():
                if _sha256(entry / name) != sha256:
                    raise ValueError(f"{name} does not match its checksum")
            tables = {}
            for name in _TABLES:  # through Python's file handles: pyarrow takes only a path of UTF-8 (see put)
                with open_regular(entry / f"{name}.parquet") as handle:
                    tables[name] = pd.read_parquet(handle, engine="pyarrow")
            tokens = UnitTokens.load(entry / "tokens")
            if len(tokens) != len(tables["units"]):
                raise ValueError("tokens and units differ in number")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.damaged.append(f"{entry}: {exc}")
            shutil.rmtree(entry, ignore_errors=True)
            if entry.exists() or entry.is_symlink():  # what could not be removed: put cannot replace it either
                self.unwritable = f"{entry}: the damaged entry cannot be removed"
            return None
        return StoredCorpus(tables["quality"], tables["units"], tokens, tables["unigrams"], tables["pairs"])

    def put(self, key: str, corpus: StoredCorpus) -> None:
        """Store ``corpus`` under ``key`` (written aside, then renamed into place). A cache that cannot be
        written is noted in ``unwritable``, not raised: it costs the next run time, never this one."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=self.folder))
        except OSError as exc:
            self.unwritable = f"{self.folder}: {exc.strerror or exc}"
            return
        # mkdtemp's folder is the user's alone (0700) whatever the umask: in a cache shared by a group, every other
        # user's run found the entry unreadable, "damaged", and could not replace it (a hostile pass); a file system
        # that refuses the change (some network shares) keeps it so
        with contextlib.suppress(OSError):
            work.chmod(atomic.folder_mode())
        try:
            for name in _TABLES:  # pyarrow refused a path not of UTF-8 (a cache under a Latin-1 home): a traceback
                with open(work / f"{name}.parquet", "wb") as handle:
                    getattr(corpus, name).to_parquet(handle, index=False, engine="pyarrow")
            corpus.tokens.save(work / "tokens")
            files = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())
            meta = {"format": _FORMAT, "key": key, "files": {name: _sha256(work / name) for name in files}}
            (work / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            os.replace(work, self.folder / key)
        except OSError as exc:
            # another run may have stored the same key first (its entry whole); else what stays there is not ours
            if not (self.folder / key / "meta.json").is_file() and not self.unwritable:
                self.unwritable = f"{self.folder / key}: {exc.strerror or exc}"
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
