"""On-disk store of prepared corpora: units, quality report, token ids and pair counts of a whole corpus.

One folder per key (a hash of the inputs and preprocessing settings, see ``preparation.prepared_key``) under
``root/prepared``: Parquet tables, the tokens as numpy arrays of ids plus their word list, and
``meta.json`` with the SHA-256 of every file, checked on reading so a damaged entry is noticed and rebuilt.
Entries are written into a temporary folder and renamed into place. Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .tokens import UnitTokens

_FORMAT = "toolkit-prepared-store v1"
_TABLES = ("quality", "units", "unigrams", "pairs")


@dataclass
class StoredCorpus:
    quality: pd.DataFrame
    units: pd.DataFrame
    tokens: UnitTokens
    unigrams: pd.DataFrame  # word, count
    pairs: pd.DataFrame  # left, right, count


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
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
            meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or not isinstance(meta.get("files"), dict):
                raise ValueError("meta.json is not a table of files")
            if meta.get("format") != _FORMAT or meta.get("key") != key:
                raise ValueError("wrong format or key")
            for name, sha256 in meta["files"].items():
                if _sha256(entry / name) != sha256:
                    raise ValueError(f"{name} does not match its checksum")
            tables = {name: pd.read_parquet(entry / f"{name}.parquet", engine="pyarrow") for name in _TABLES}
            tokens = UnitTokens.load(entry / "tokens")
            if len(tokens) != len(tables["units"]):
                raise ValueError("tokens and units differ in number")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.damaged.append(f"{entry}: {exc}")
            shutil.rmtree(entry, ignore_errors=True)
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
        try:
            for name in _TABLES:
                getattr(corpus, name).to_parquet(work / f"{name}.parquet", index=False, engine="pyarrow")
            corpus.tokens.save(work / "tokens")
            files = sorted(p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file())
            meta = {"format": _FORMAT, "key": key, "files": {name: _sha256(work / name) for name in files}}
            (work / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            os.replace(work, self.folder / key)
        except OSError as exc:
            if not (self.folder / key).is_dir():  # else another run stored the same key first
                self.unwritable = f"{self.folder}: {exc.strerror or exc}"
        finally:
            if work.exists():
                shutil.rmtree(work, ignore_errors=True)
