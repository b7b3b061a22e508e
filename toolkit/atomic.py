"""Safe writing: every file appears complete under its final name or not at all, an output folder is replaced
only when the toolkit wrote it, and one run at a time writes to it.

An output folder carries a marker (``.toolkit-output.json``) that lists the files the toolkit wrote into it
with their SHA-256. A folder is replaced only when it is absent, empty, or holds nothing but those files,
unchanged; anything else (a thesis folder, the text folder, the current directory, a run folder with a note
of yours in it, a validation folder with coded sheets) is refused before any work starts.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .errors import ToolkitError

MARKER = ".toolkit-output.json"
_MARKER_FORMAT = "toolkit output v2"
SWEEP_MARKER = ".toolkit-sweep.json"
_SWEEP_FORMAT = "toolkit sweep v1"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
CSV_ROWS = 10_000  # rows of a table turned into text at a time


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    """The process's umask (read from /proc where possible: ``os.umask`` can only be read by setting it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """Permissions of a new file under the user's umask (what ``open(path, "w")`` would give)."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    return 0o777 & ~_umask()


@contextlib.contextmanager
def open_for_writing(path: str | os.PathLike, mode: str = "wb"):
    """A handle to a temporary file beside ``path``, renamed to ``path`` when the block ends without error.

    ``mode`` "w" writes UTF-8 text with newlines as given; large outputs can be written in pieces. The file gets
    the permissions the user's umask gives new files.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        text = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    with open_for_writing(path) as fh:
        fh.write(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text atomically (newlines written as given)."""
    write_bytes(path, text.encode("utf-8"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
    return) gets a leading apostrophe, as OWASP recommends for CSV exports; anything else is returned as is."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _formula_cells(column):
    """Which cells of a column :func:`spreadsheet_safe` would change (None for a column that holds no text).
    Columns of pandas' string type are tested without making a Python string of every cell (a run's units.csv
    holds every unit's text)."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        return column.str.startswith(_FORMULA_START).fillna(False).astype(bool)
    if pd.api.types.is_object_dtype(column):
        return column.map(lambda v: spreadsheet_safe(v) is not v).astype(bool)
    return None


def write_csv(path: str | os.PathLike, frame, *, bom: bool = False) -> None:
    """A DataFrame as UTF-8 CSV (no index, floats to 6 decimals, \\n line ends), written atomically in pieces
    so no copy of the whole table is built in memory. Text cells that a spreadsheet would read as a formula are
    neutralised (:func:`spreadsheet_safe`); numbers are written as numbers. ``bom`` starts the file with a
    byte-order mark, which Excel needs to read UTF-8 Chinese correctly."""
    import numpy as np

    from .fixedpoint import fixed_point

    risky = {c: mask for c in frame.columns if (mask := _formula_cells(frame[c])) is not None and mask.any()}
    if risky:
        frame = frame.copy()
        for column, mask in risky.items():
            frame[column] = frame[column].where(~mask, "'" + frame[column].astype(str))
    # floats are turned into text a block of rows at a time, as pandas writes (but not one value at a time)
    floats = [i for i, dtype in enumerate(frame.dtypes) if isinstance(dtype, np.dtype) and dtype.kind == "f"]
    with open_for_writing(path, "w") as handle:
        if bom:
            handle.write("\ufeff")
        for start in range(0, max(len(frame), 1), CSV_ROWS):
            rows = frame.iloc[start:start + CSV_ROWS]
            if floats:
                rows = rows.copy(deep=False)
                for i in floats:
                    rows.isetitem(i, fixed_point(rows.iloc[:, i].to_numpy(), 6))
            rows.to_csv(handle, index=False, header=start == 0, float_format="%.6f", lineterminator="\n")


def write_csv_file(path: str | os.PathLike, frame, *, flag: str = "--out") -> None:
    """A table a command writes where its user says (``--out FILE``): written whole or not at all, and never
    over a file the toolkit did not write. An existing file is replaced only when it is a table with the same
    header (an earlier output of the same command)."""
    path = Path(path)
    if path.is_dir():
        raise ToolkitError(f"{flag} {path} is a folder; give a file name such as {path / 'table.csv'}")
    if path.exists() or path.is_symlink():
        header = ",".join(str(c) for c in frame.columns)
        try:
            with open(path, encoding="utf-8-sig") as handle:
                first = handle.readline().rstrip("\n")
        except (OSError, UnicodeDecodeError):
            first = None
        if path.is_symlink() or first != header:
            raise ToolkitError(f"{flag} {path} exists and is not a table this command wrote; choose another name "
                               "or move it away (the toolkit does not overwrite files it did not write)")
    if not path.parent.is_dir():
        raise ToolkitError(f"{flag} {path}: folder {path.parent} does not exist")
    try:
        write_csv(path, frame)
    except OSError as exc:
        raise ToolkitError(f"cannot write {path}: {exc.strerror}") from None


# ----- output folders ---------------------------------------------------------------------------------------

def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _unchanged(folder: Path, listed: dict, also: set[str] = frozenset()) -> bool:
    """Every file under ``folder`` is in ``listed`` (name -> SHA-256) with those very bytes, or in ``also``."""
    for name in _files_under(folder):
        if name in also:
            continue
        if name not in listed or _sha256(folder / name) != listed[name]:
            return False
    return True


def _written_by_toolkit(folder: Path) -> bool:
    """True when every file under ``folder`` is one the toolkit wrote there and nobody changed since: listed
    with its SHA-256 in the folder's marker, or (outputs of earlier versions) in its manifest's output hashes.
    A coder's filled-in sheet or an edited table makes the folder the user's."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if isinstance(marker, dict) and marker.get("format") == _MARKER_FORMAT and isinstance(marker.get("files"), dict):
            return _unchanged(folder, marker["files"], {MARKER})
    except (OSError, ValueError):
        pass
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        listed = manifest["outputs_sha256"]
        return isinstance(listed, dict) and _unchanged(folder, listed, {"manifest.json", "report.html"})
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _marker(folder: Path) -> dict | None:
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(marker, dict) and marker.get("format") == _MARKER_FORMAT and isinstance(marker.get("files"), dict)
    return marker if ok else None


def check_own_file(path: Path) -> None:
    """Refuse to replace ``path`` unless it is absent or a file the toolkit wrote there, unchanged since (listed
    with its SHA-256 in its folder's marker): a user's own file of that name is never overwritten."""
    if not (path.exists() or path.is_symlink()):
        return
    listed = (_marker(path.parent) or {}).get("files", {})
    if path.is_symlink() or not path.is_file() or listed.get(path.name) != _sha256(path):
        raise ToolkitError(f"{path} exists and the toolkit did not write it (or it was edited since); move or rename "
                           "it and run again (the toolkit does not overwrite files it did not write)")


def write_own_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in a folder the toolkit wrote (e.g. scores added to a validation folder), after
    :func:`check_own_file`, and list it in the folder's marker so that a later call may replace it."""
    check_own_file(path)
    try:
        write_text(path, text)
        marker = _marker(path.parent) or {"format": _MARKER_FORMAT, "files": {}}
        marker["files"][path.name] = _sha256(path)
        write_text(path.parent / MARKER, json.dumps(marker, ensure_ascii=False, indent=1) + "\n")
    except OSError as exc:
        raise ToolkitError(f"cannot write {path}: {exc.strerror}") from None


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _is_sweep_folder(folder: Path) -> bool:
    try:
        marker = json.loads((folder / SWEEP_MARKER).read_text(encoding="utf-8"))
        return isinstance(marker, dict) and marker.get("format") == _SWEEP_FORMAT
    except (OSError, ValueError):
        return False


def check_output_location(final: Path, inputs: dict[str, Path] | None = None, *, flag: str = "--out",
                          sweep: bool = False) -> Path:
    """The absolute output path, after refusing every location whose use could lose a user's file.

    Refused: the current directory or a folder that contains it, a path that is a file, a folder that equals,
    contains or lies inside one of ``inputs`` (name -> path: the config, the text folder, the metadata, the
    lexicon, dictionaries ...), and a non-empty folder the toolkit did not write (for a run, one holding any
    file its marker does not list; for a ``sweep``, one without a sweep marker).
    """
    final = Path(os.path.abspath(final))
    cwd = Path.cwd().resolve()
    resolved = Path(os.path.realpath(final))  # not Path.resolve: it raises RuntimeError on a symbolic link loop
    if _is_within(cwd, resolved):
        raise ToolkitError(f"{flag} {final} is the current folder or contains it; choose a new folder such as runs/my_run")
    for name, path in (inputs or {}).items():
        path = Path(os.path.realpath(path))
        if _is_within(path, resolved):
            what = "is" if path == resolved else "contains"
            raise ToolkitError(f"{flag} {final} {what} {name} {path}; choose a folder outside your inputs, "
                               "such as runs/my_run")
        if not path.is_file() and _is_within(resolved, path):  # a folder, or one not made yet (the cache)
            raise ToolkitError(f"{flag} {final} lies inside {name} {path}; choose a folder outside your inputs, "
                               "such as runs/my_run")
    if final.is_symlink() or (final.exists() and not final.is_dir()):
        raise ToolkitError(f"{flag} {final} is a file, not a folder; choose an empty or new folder")
    if final.is_dir() and any(final.iterdir()) and not (_is_sweep_folder(final) if sweep else _written_by_toolkit(final)):
        raise ToolkitError(f"{flag} {final} holds files the toolkit did not write; choose an empty or new folder")
    return final


@contextlib.contextmanager
def locked(final: Path):
    """Hold an exclusive lock on the output location ``final`` (``.<name>.lock`` beside it); a second run
    that wants the same location stops at once with a message instead of mixing its files with ours."""
    from filelock import FileLock, Timeout

    final.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(final.parent / f".{final.name}.lock", mode=file_mode())
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ToolkitError(f"{final} is busy: another toolkit run is writing it; wait for it to finish or "
                           "choose another output folder") from None
    try:
        yield
    finally:
        lock.release()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _recover(final: Path) -> None:
    """Put back a previous output that a killed swap left under its temporary name."""
    if final.exists():
        return
    for old in sorted(final.parent.glob(f".{final.name}.old-*")):
        if (old / final.name).is_dir():
            os.replace(old / final.name, final)
            return


def _no_space(exc: OSError) -> bool:
    return exc.errno in _NO_SPACE


@contextlib.contextmanager
def output_folder(final: str | os.PathLike, inputs: dict[str, Path] | None = None, *, flag: str = "--out"):
    """Build an output folder under a temporary name; swap it in only when the block succeeds.

    Before the block: the location is checked (:func:`check_output_location`), locked against other runs, and
    the temporary folder is created, so an unusable location is reported before any work. A run that fails or
    is killed at any moment leaves the previous complete folder in place: the new folder replaces it in one
    atomic exchange. Leftovers of a killed run are hidden folders beside it (``.<name>.partial-*``), never
    read, and removed by the next run. A full disk while writing is one error, with nothing left behind.
    """
    final = check_output_location(Path(final), inputs, flag=flag)
    parent = final.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolkitError(f"cannot create {parent}: {exc.strerror}; choose another output folder") from None
    with locked(final):
        final = check_output_location(final, inputs, flag=flag)  # again, now that no other run can change it
        _recover(final)
        for stale in [*parent.glob(f".{final.name}.partial-*"), *parent.glob(f".{final.name}.old-*")]:
            shutil.rmtree(stale, ignore_errors=True)
        try:
            work = Path(tempfile.mkdtemp(dir=parent, prefix=f".{final.name}.partial-"))
        except OSError as exc:
            raise ToolkitError(f"cannot write into {parent}: {exc.strerror}; choose another output folder") from None
        try:
            yield work
            files = {name: _sha256(work / name) for name in _files_under(work)}
            write_text(work / MARKER, json.dumps({"format": _MARKER_FORMAT, "files": files}, ensure_ascii=False,
                                                 indent=1) + "\n")
            os.chmod(work, folder_mode())
        except BaseException as exc:
            shutil.rmtree(work, ignore_errors=True)
            if isinstance(exc, OSError) and _no_space(exc):
                raise ToolkitError(f"no space left on the disk of {final} while writing the outputs; "
                                   "the previous output is untouched: free some space and run again") from None
            raise
        if not final.exists():
            os.replace(work, final)
        elif _exchange(work, final):
            shutil.rmtree(work, ignore_errors=True)  # now holds the previous output
        else:
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{final.name}.old-"))
            os.replace(final, old / final.name)
            os.replace(work, final)
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def sweep_folder(final: str | os.PathLike, inputs: dict[str, Path] | None = None, *, flag: str = "--out"):
    """A folder that a sweep fills run by run (never replaced whole): checked like an output folder, locked,
    created and marked as a sweep folder, so a later sweep may add to it and nothing else is mistaken for one.
    Files in it that the toolkit did not write are never touched."""
    final = check_output_location(Path(final), inputs, flag=flag, sweep=True)
    with locked(final):
        final = check_output_location(final, inputs, flag=flag, sweep=True)
        try:
            final.mkdir(parents=True, exist_ok=True)
            if not (final / SWEEP_MARKER).is_file():
                write_text(final / SWEEP_MARKER, json.dumps({"format": _SWEEP_FORMAT}) + "\n")
        except OSError as exc:
            raise ToolkitError(f"cannot write into {final}: {exc.strerror}; choose another output folder") from None
        yield final
