"""A folder of text files plus a metadata table -> documents, each used or skipped with a reason."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .dates import DocDate, find_date, parse_date
from .decoding import Unreadable, decode
from .errors import ToolkitError
from .normalize import to_simplified

DOCUMENT_COLUMNS = ["doc_id", "path", "title", "date", "year", "date_source", "place", "encoding", "chars",
                    "sha256", "status", "reason", "note"]


@dataclass
class Corpus:
    """Documents table (one row per input file); the texts stay on disk and are read one at a time."""

    documents: pd.DataFrame
    root: Path | None = None
    sources: dict[str, tuple[Path, str, str]] = field(default_factory=dict, repr=False)  # path, encoding, sha256

    @property
    def used(self) -> pd.DataFrame:
        return self.documents[self.documents["status"] == "used"]

    def text(self, doc_id: str) -> str:
        """The decoded text of a used document, read again from its file (decoded as when it was loaded)."""
        path, declared, sha256 = self.sources[doc_id]
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ToolkitError(f"{path} changed while the run was reading it; run again")
        return decode(data, declared).text


def read_metadata(path: Path) -> pd.DataFrame:
    """The metadata CSV as strings, one row per file; raises ToolkitError on an unusable table."""
    if not path.is_file():
        raise ToolkitError(f"metadata file not found: {path}; fix corpus.metadata or set it to '' to read dates from the texts")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ToolkitError(f"cannot read metadata {path}: {str(exc).splitlines()[0]}; save it as a UTF-8 CSV") from None
    table.columns = [c.strip().lower() for c in table.columns]
    if "file" not in table.columns:
        raise ToolkitError(f"metadata {path} has no 'file' column (it has: {', '.join(table.columns)}); "
                           "add one that names each text file")
    table["file"] = table["file"].str.strip()
    duplicated = table["file"][table["file"].duplicated()].tolist()
    if duplicated:
        raise ToolkitError(f"metadata {path} lists {duplicated[0]!r} twice; keep one row per file")
    return table.set_index("file", drop=False)


def _list_files(root: Path, pattern: str, exclude: set[Path]) -> tuple[list[Path], list[Path]]:
    matching = sorted(p for p in root.glob(pattern) if p.is_file() and p.resolve() not in exclude)
    matched = set(matching)
    others = sorted(p for p in root.rglob("*") if p.is_file() and p.resolve() not in exclude
                    and p not in matched and not any(part.startswith(".") for part in p.relative_to(root).parts))
    return matching, others


def load_corpus(texts: str | Path, metadata: str | Path | None = None, *, pattern: str = "*.txt",
                year_min: int = 0, year_max: int = 0, encoding: str = "auto") -> Corpus:
    """Read every file under ``texts``; each becomes one row of ``documents``, used or skipped with a reason.

    Dates come from the metadata (``date`` or ``year`` column) or else from the text; ``date_source`` says
    which. Files outside ``[year_min, year_max]`` (0 = no bound), empty, binary, undecodable or duplicate
    files are skipped, never dropped silently. Raises ToolkitError when nothing can be read at all.
    """
    root = Path(texts)
    if not root.is_dir():
        raise ToolkitError(f"text folder not found: {root}; set corpus.texts to the folder of your .txt files")
    meta_path = Path(metadata).resolve() if metadata else None
    meta = read_metadata(meta_path) if meta_path else None
    files, others = _list_files(root, pattern, {meta_path} if meta_path else set())
    rows: list[dict] = []
    sources: dict[str, tuple[Path, str, str]] = {}
    seen_hashes: dict[str, str] = {}
    listed = set(meta.index) if meta is not None else set()

    for path in files:
        rel = path.relative_to(root).as_posix()
        info = meta.loc[rel] if rel in listed else None
        if info is None and meta is not None and path.name in listed:
            info = meta.loc[path.name]
        row = {c: "" for c in DOCUMENT_COLUMNS}
        row.update(doc_id=Path(rel).with_suffix("").as_posix(), path=rel, status="skipped")
        rows.append(row)
        if info is not None:
            row.update(title=info.get("title", ""), place=info.get("place", ""))
        elif meta is not None:
            row["note"] = "not listed in the metadata"
        data = path.read_bytes()
        row["sha256"] = hashlib.sha256(data).hexdigest()
        if row["sha256"] in seen_hashes and data:
            row["reason"] = f"duplicate of {seen_hashes[row['sha256']]} (same bytes)"
            continue
        seen_hashes.setdefault(row["sha256"], rel)
        declared = (info.get("encoding", "") if info is not None else "") or encoding
        try:
            decoded = decode(data, declared)
        except Unreadable as exc:
            row["reason"] = str(exc)
            continue
        row["encoding"] = decoded.encoding
        row["note"] = "; ".join(n for n in (row["note"], decoded.note) if n)
        row["chars"] = len(decoded.text)
        try:
            doc_date = _document_date(info, decoded.text)
        except ValueError as exc:
            row["reason"] = f"metadata: {exc}"
            continue
        if doc_date is None:
            row["reason"] = ("no date in the metadata or the text; add the file with a date to the metadata"
                             if info is None else "no date in the metadata row or the text; fill its date column")
            continue
        row.update(date=doc_date.date, year=doc_date.year, date_source=doc_date.source)
        if (year_min and doc_date.year < year_min) or (year_max and doc_date.year > year_max):
            row["reason"] = (f"year {doc_date.year} outside the window "
                             f"{year_min or 'any'}-{year_max or 'any'} (corpus.year_min, corpus.year_max)")
            continue
        row["status"] = "used"
        sources[row["doc_id"]] = (path, declared, row["sha256"])

    on_disk = {r["path"] for r in rows} | {Path(r["path"]).name for r in rows}
    for rel in sorted(listed - on_disk):
        row = {c: "" for c in DOCUMENT_COLUMNS}
        row.update(doc_id=Path(rel).with_suffix("").as_posix(), path=rel, title=meta.loc[rel].get("title", ""),
                   place=meta.loc[rel].get("place", ""), status="skipped",
                   reason="listed in the metadata but the file is missing")
        rows.append(row)
    for path in others:
        row = {c: "" for c in DOCUMENT_COLUMNS}
        rel = path.relative_to(root).as_posix()
        row.update(doc_id=Path(rel).with_suffix("").as_posix(), path=rel, status="skipped",
                   reason=f"does not match corpus.pattern {pattern!r}")
        rows.append(row)

    documents = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    documents["year"] = pd.array([int(y) if y != "" else pd.NA for y in documents["year"]], dtype="Int64")
    documents["chars"] = pd.array([int(c) if c != "" else pd.NA for c in documents["chars"]], dtype="Int64")
    if not sources:
        reasons = documents["reason"].value_counts()
        detail = f" (most common reason: {reasons.index[0]})" if len(reasons) else ""
        raise ToolkitError(f"no usable text in {root}: {len(documents)} file(s) found, none usable{detail}")
    return Corpus(documents=documents, root=root, sources=sources)


def _document_date(info, text: str) -> DocDate | None:
    if info is not None:
        for column in ("date", "year"):
            value = str(info.get(column, "")).strip()
            if value:
                return parse_date(value)
    return find_date(to_simplified(unicodedata.normalize("NFKC", text)))
