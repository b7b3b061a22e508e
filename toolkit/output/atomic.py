"""Safe writing: every file appears complete under its final name or not at all, an output folder is replaced
only when the toolkit wrote it, and one run at a time writes to it.

An output folder carries a marker (``.toolkit-output.json``) that lists the files the toolkit wrote into it
with their SHA-256, and the folders. A folder is replaced only when it is absent, empty, or holds nothing but
those files and folders, unchanged; anything else (a thesis folder, the text folder, the current directory, a
run folder with a note of yours in it, a validation folder with coded sheets) is refused before any work starts,
and checked again right before the swap: what the user put there while the run went on is never deleted (the new
output is then left beside it). Leftovers lose only the files their marker lists unchanged, or, for a killed
run's unfinished folder, the files its journal says the run began to write; folders are walked by descriptor and
symbolic links are never followed.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import os
import socket
import stat
import sys
import tempfile
from pathlib import Path, PurePosixPath

from ..errors import ToolkitError

MARKER = ".toolkit-output.json"
_MARKER_FORMAT = "toolkit output v3"  # files (name -> SHA-256) and folders the toolkit wrote
SWEEP_MARKER = ".toolkit-sweep.json"
_SWEEP_FORMAT = "toolkit sweep v1"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
log = logging.getLogger("toolkit")  # the one logger: a run collects its warnings there (progress.collected_warnings)


def _umask() -> int:
    """The process's umask as it is now (read from /proc where possible: a user may change it between two runs of
    one process; else by setting it, once per process, as other threads may be creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return _umask_by_setting()


@functools.lru_cache(maxsize=1)
def _umask_by_setting() -> int:
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
    _journal(path)
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


# ----- output folders ---------------------------------------------------------------------------------------
#
# What the toolkit creates beside an output folder ``<name>`` is its own, and marked so:
#   .<name>.lock              the lock a run holds while it writes <name>
#   .<name>.partial-XXXXXXXX  a run's work: LEFTOVER (format, pid, host, <name>, its own name) and <name>/
#   .<name>.old-XXXXXXXX      the previous output during a swap where no atomic exchange exists: LEFTOVER and <name>/
# Leftovers are found by comparing names literally (never as a glob pattern) and removed only when they carry
# that marker and no live run holds the lock of their <name>; what in them the toolkit did not write is kept.

_OLD_MARKER_FORMATS = ("toolkit output v2",)  # files only: its folders are those that hold its files
LEFTOVER = ".toolkit-leftover.json"
JOURNAL = ".toolkit-journal"  # in a partial leftover: the files the run began to write, one JSON name a line
_LEFTOVER_FORMAT = "toolkit leftover v1"
_LEFTOVER_KINDS = ("partial", "old")
NAME_MAX = 255  # bytes in one file name on Linux, macOS and Windows file systems
_LEFTOVER_EXTRA = len("..partial-") + 8  # what a leftover's name adds to the output's (mkdtemp adds 8 characters)


def _walk(folder: Path) -> tuple[list[str], list[str], list[str]]:
    """Regular files, folders, and everything else (symbolic links of any kind, FIFOs, sockets, devices) under
    ``folder``, as sorted relative POSIX paths. Symbolic links are never followed."""
    files, folders, others = [], [], []
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(folder / rel if rel else folder) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_symlink():
                    others.append(name)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(name)
                    pending.append(name)
                elif entry.is_file(follow_symlinks=False):
                    files.append(name)
                else:
                    others.append(name)
    return sorted(files), sorted(folders), sorted(others)


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> dict | None:
    """The JSON object in the regular file ``path``; None when it is missing, a link or not a JSON object."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _holding_folders(names) -> set[str]:
    return {parent.as_posix() for name in names for parent in PurePosixPath(name).parents if parent.name}


def _strays(folder: Path, listed: dict, folders: set[str], also: set[str]) -> list[str]:
    """The entries under ``folder`` (sorted relative POSIX paths) that are not a regular file listed (name ->
    SHA-256) with those very bytes or named in ``also``, nor one of ``folders``: the user's (a folder, a symbolic
    link, a FIFO, a file not listed or changed)."""
    files, found, others = _walk(folder)
    changed = [name for name in files if name not in also and (name not in listed or _sha256(folder / name) != listed[name])]
    return sorted([*others, *(name for name in found if name not in folders), *changed])


def _only(folder: Path, listed: dict, folders: set[str], also: set[str]) -> bool:
    """Everything under ``folder`` is a regular file listed with those very bytes or named in ``also``, or one of
    ``folders`` (:func:`_strays` finds none)."""
    return not _strays(folder, listed, folders, also)


def _output_marker(folder: Path) -> dict | None:
    marker = _read_json(folder / MARKER)
    if marker and marker.get("format") in (_MARKER_FORMAT, *_OLD_MARKER_FORMATS) and isinstance(marker.get("files"), dict):
        return marker
    return None


def is_output_folder(folder: Path) -> bool:
    """Whether ``folder`` is an output the toolkit writes whole (a run's, a sweep's, an export's: its marker lists
    its folders, or is of an earlier version), which its next run replaces; a marker of single files written into
    a user's folder (:func:`list_own_file`) is not one."""
    marker = _output_marker(folder)
    return marker is not None and ("folders" in marker or marker["format"] in _OLD_MARKER_FORMATS)


def _marker_listing(folder: Path) -> tuple[dict, set[str]] | None:
    """The files (name -> SHA-256) and folders the marker of ``folder`` records as the toolkit's; None without a
    readable marker."""
    marker = _output_marker(folder)
    if marker is None:
        return None
    listed = marker["files"]
    if marker["format"] != _MARKER_FORMAT:
        return listed, _holding_folders(listed)
    folders = marker.get("folders")
    return (listed, set(folders)) if isinstance(folders, list) else None


def written_by_toolkit(folder: Path) -> bool:
    """True when everything under ``folder`` is what the toolkit wrote there and nobody changed since: files
    listed with their SHA-256 in the folder's marker and the folders it records. A coder's filled-in sheet, an
    edited table, an empty folder or a symbolic link of the user's makes the folder the user's. (What `make clean` may remove.)"""
    listing = _marker_listing(folder)
    return listing is not None and _only(folder, *listing, {MARKER})


def _first_of_the_user(folder: Path) -> str:
    """The first entry under ``folder`` that makes it the user's (:func:`written_by_toolkit`, :func:`_strays`); ''
    when none is found (an empty folder of the user's)."""
    strays = _strays(folder, *(_marker_listing(folder) or ({}, set())), {MARKER})
    return strays[0] if strays else ""


def _output_of_an_earlier_version(folder: Path) -> bool:
    """An output written before the marker existed, unchanged as far as can be checked: its manifest.json lists
    the SHA-256 of every other file but itself and report.html."""
    manifest = _read_json(folder / "manifest.json")
    listed = manifest.get("outputs_sha256") if manifest else None
    return isinstance(listed, dict) and _only(folder, listed, _holding_folders(listed), {"manifest.json", "report.html"})


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
    listed = (_output_marker(path.parent) or {}).get("files", {})  # an earlier version's marker lists files too
    if path.is_symlink() or not path.is_file() or listed.get(path.name) != _sha256(path):
        raise ToolkitError(
            f"{path} exists and the toolkit did not write it (or it was edited since); move or rename "
            "it and run again (the toolkit does not overwrite files it did not write)"
        )


def write_own_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in a folder the toolkit wrote (e.g. scores added to a validation folder), after
    :func:`check_own_file`, and list it in the folder's marker so that a later call may replace it: the two as one,
    a Ctrl-C or SIGTERM between them taken after both (:func:`_interrupts_deferred`)."""
    check_own_file(path)
    try:
        write_listed(path, lambda target: write_text(target, text))
    except OSError as exc:
        raise ToolkitError(f"cannot write {path}: {exc.strerror}") from None


def write_listed(path: Path, write) -> None:
    """``write(path)``, then list the file in its folder's marker (:func:`list_own_file`), as one: a Ctrl-C or
    SIGTERM between the two is taken after both (:func:`_interrupts_deferred`), and a marker that cannot be written
    (a full disk) takes the file back, which unlisted was refused as the user's by the next run, and a sweep never
    resumed (a hostile pass). A file of the marker's name that is not the toolkit's marker is refused before
    anything is written: it had been written over (a user's notes named .toolkit-output.json, a hostile pass)."""
    marker = path.parent / MARKER
    if marker.is_symlink() or (marker.exists() and _output_marker(path.parent) is None):  # an earlier version's too
        raise ToolkitError(
            f"{marker} is not the toolkit's list of the files it wrote in {path.parent}, a name the toolkit keeps for "
            "that list; move or rename it, or write elsewhere"
        )
    with _interrupts_deferred():
        write(path)
        try:
            list_own_file(path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise


@contextlib.contextmanager
def _interrupts_deferred():
    """Hold SIGINT and SIGTERM that arrive inside the block and take them after it, as they would have been taken
    there: a sweep interrupted between writing a run's file and listing it in the folder's marker left a file the
    toolkit wrote but did not list, which its own check then refused, and the sweep never resumed (a hostile pass).
    Only in the main thread, which Python's signal handlers run in (elsewhere the block runs as it is)."""
    import signal
    import threading

    names = [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) is not None]  # None: not Python's
    if threading.current_thread() is not threading.main_thread() or not names:
        yield
        return
    caught: list[int] = []
    previous = {s: signal.getsignal(s) for s in names}
    for s in names:
        signal.signal(s, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if caught:
            signal.raise_signal(caught[0])  # now, to the handler that was there


def list_own_file(path: Path) -> None:
    """List the file the toolkit just wrote at ``path`` with its SHA-256 in its folder's marker, so that a later
    :func:`check_own_file` lets the toolkit replace it while nobody has changed it. A marker of files alone (no
    folders) does not make the folder the toolkit's: an output is never written over it (:func:`written_by_toolkit`)."""
    # an earlier version's marker kept as it is, with the file added: it had been replaced by one of this file alone
    marker = _output_marker(path.parent) or {"format": _MARKER_FORMAT, "files": {}}
    marker["files"][path.name] = _sha256(path)
    write_text(path.parent / MARKER, json.dumps(marker, ensure_ascii=False, indent=1) + "\n")


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def is_sweep_folder(folder: Path) -> bool:
    """Whether ``folder`` is a sweep's output (its marker ``.toolkit-sweep.json``): its runs and summary are the
    toolkit's, replaced when the sweep runs again."""
    marker = _read_json(folder / SWEEP_MARKER)
    return bool(marker) and marker.get("format") == _SWEEP_FORMAT


def _check_name_lengths(final: Path, flag: str) -> None:
    for part in final.parts[1:-1]:
        if len(os.fsencode(part)) > NAME_MAX:
            raise ToolkitError(
                f"{flag} {final}: a folder name in it is {len(os.fsencode(part))} bytes long, more "
                f"than the {NAME_MAX} a file system allows; choose a shorter path"
            )
    room = NAME_MAX - _LEFTOVER_EXTRA
    if len(os.fsencode(final.name)) > room:
        raise ToolkitError(
            f"{flag} {final}: the folder name is {len(os.fsencode(final.name))} bytes long; give "
            f"one of at most {room} bytes (the toolkit adds up to {_LEFTOVER_EXTRA} to name its "
            "temporary folders)"
        )


def _reserved(name: str) -> bool:
    """A name the toolkit gives its own files: markers, journals, locks and leftovers (``.<name>.lock``,
    ``.<name>.partial-*``, ``.<name>.old-*``)."""
    if name in (MARKER, LEFTOVER, SWEEP_MARKER, JOURNAL):
        return True
    return name.startswith(".") and (name.endswith(".lock") or ".partial-" in name or ".old-" in name)


def check_reserved(path: Path, flag: str) -> None:
    """A ToolkitError for a name the toolkit keeps for its own files, or one that is not UTF-8 (bytes a terminal of
    another encoding passed: the markers that record what the toolkit wrote are UTF-8 text, so it could not record
    the output, nor could a run's tables name it)."""
    try:
        os.fsdecode(os.fsencode(path)).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise ToolkitError(f"{flag} {shown} is not a UTF-8 name; choose a name in UTF-8, such as runs/my_run") from None
    if _reserved(path.name):
        raise ToolkitError(
            f"{flag} {path}: {path.name} is a name the toolkit uses for its own files (markers, "
            "locks, unfinished folders); choose another name such as runs/my_run"
        )


def check_outside_inputs(
    final: Path, inputs: dict[str, Path] | None, *, flag: str = "--out", example: str = "runs/my_run"
) -> None:
    """ToolkitError when ``final`` equals, contains or lies inside one of ``inputs`` (name -> path: the config,
    the text folder, the metadata, the lexicon, the cache ...): an output there could replace an input or
    become one."""
    check_reserved(final, flag)
    resolved = Path(os.path.realpath(final))
    for name, path in (inputs or {}).items():
        path = Path(os.path.realpath(path))
        if _is_within(path, resolved):
            what = "is" if path == resolved else "contains"
            raise ToolkitError(f"{flag} {final} {what} {name} {path}; choose a place outside your inputs, such as {example}")
        if not os.path.isfile(path) and _is_within(resolved, path):  # a folder, or one not made yet (the cache)
            raise ToolkitError(f"{flag} {final} lies inside {name} {path}; choose a place outside your inputs, such as {example}")


KINDS = {"run": "a run's", "export": "a hand-coding export's", "summary": "a sweep summary's"}  # what an output is


def check_output_location(
    final: Path, inputs: dict[str, Path] | None = None, *, flag: str = "--out", sweep: bool = False, kind: str = ""
) -> Path:
    """The absolute output path, after refusing every location whose use could lose a user's file.

    Refused: the current directory or a folder that contains it, a path that is a file or a symbolic link, a
    folder that equals, contains or lies inside one of ``inputs`` (name -> path: the config, the text folder,
    the metadata, the lexicon, dictionaries ...), a name too long for the toolkit's temporary folders, and a
    non-empty folder the toolkit did not write (for a run, one holding anything its marker does not list; for a
    ``sweep``, one without a sweep marker), and an output of another ``kind`` (:data:`KINDS`: a hand-coding export
    given a run's folder replaced its tables). An output of a version before the marker is refused too: its
    manifest.json and report.html cannot be checked for the user's edits.
    """
    final = Path(os.path.abspath(final))
    check_reserved(final, flag)
    _check_name_lengths(final, flag)
    cwd = Path.cwd().resolve()
    resolved = Path(os.path.realpath(final))  # not Path.resolve: it raises RuntimeError on a symbolic link loop
    if _is_within(cwd, resolved):
        raise ToolkitError(f"{flag} {final} is the current folder or contains it; choose a new folder such as runs/my_run")
    check_outside_inputs(final, inputs, flag=flag)
    _check_outside_outputs(final, flag, kind)
    if final.is_symlink():
        raise ToolkitError(f"{flag} {final} is a symbolic link; give a real folder (an empty or new one)")
    if final.exists() and not final.is_dir():
        raise ToolkitError(f"{flag} {final} is a file, not a folder; choose an empty or new folder")
    if final.is_dir() and any(final.iterdir()):
        if sweep:
            ours = is_sweep_folder(final)
        else:
            ours = written_by_toolkit(final)
            if not ours and _output_of_an_earlier_version(final):
                raise ToolkitError(
                    f"{flag} {final} is an output of an earlier toolkit version: its report.html "
                    "and manifest.json cannot be checked for your edits, so it is not replaced; "
                    "move it away or choose an empty or new folder"
                )
        written = (_output_marker(final) or {}).get("kind", "") if ours else ""
        if written in KINDS and kind in KINDS and written != kind:
            raise ToolkitError(
                f"{flag} {final} is {KINDS[written]} output folder, not {KINDS[kind]}; choose an empty or new folder for this one"
            )
        if not ours and (is_sweep_folder(final) if not sweep else is_output_folder(final)):
            made = KINDS.get((_output_marker(final) or {}).get("kind", ""), "a run's")  # a run's, an export's ...
            other, this = ("a sweep's", KINDS.get(kind, "a run's")) if not sweep else (made, "a sweep's")
            raise ToolkitError(f"{flag} {final} is {other} output folder, not {this}; choose an empty or new folder for this one")
        if not ours:
            first = _first_of_the_user(final)
            raise ToolkitError(
                f"{flag} {final} holds files the toolkit did not write, or changed since it wrote them (a sheet coded by "
                f"hand{f'; {first} first' if first else ''}); choose an empty or new folder"
            )
    return final


def _check_outside_outputs(final: Path, flag: str, kind: str) -> None:
    """Refuse an output inside another output of the toolkit (a run's, an export's, a sweep's; a sweep's own
    summary aside): its next run replaces that folder whole, or refused to ("holds files the toolkit did not
    write", of files it wrote), a hostile pass found (``toolkit sweep --out a_run/sw``)."""
    for folder in final.parents:
        if kind == "summary" and folder == final.parent and is_sweep_folder(folder):
            continue
        if is_output_folder(folder) or is_sweep_folder(folder):
            written = (_output_marker(folder) or {}).get("kind", "")
            made = "a sweep's" if is_sweep_folder(folder) else KINDS.get(written, "a run's")
            raise ToolkitError(
                f"{flag} {final} lies inside {folder}, {made} output folder, which the toolkit replaces or adds to as a "
                "whole; choose a folder outside it"
            )


def _cannot_write(parent: Path, exc: OSError) -> ToolkitError:
    return ToolkitError(f"cannot write into {parent}: {exc.strerror or exc}; choose another output folder")


@contextlib.contextmanager
def locked(final: Path):
    """Hold an exclusive lock on the output location ``final`` (``.<name>.lock`` beside it); a second run
    that wants the same location stops at once with a message instead of mixing its files with ours. A parent
    folder where the lock cannot be written is reported as such, not as a busy folder."""
    from filelock import FileLock, Timeout

    path = final.parent / f".{final.name}.lock"
    if path.is_symlink():  # opened, a dangling link had made its target, outside the folder (a hostile pass)
        raise ToolkitError(
            f"{path} is a symbolic link; the toolkit keeps its lock for {final} there: remove the link and run again"
        )
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), file_mode()))
    except OSError as exc:
        raise _cannot_write(final.parent, exc) from None
    lock = FileLock(path, mode=file_mode())
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ToolkitError(
            f"{final} is busy: another toolkit run is writing it; wait for it to finish or choose another output folder"
        ) from None
    except OSError as exc:
        raise _cannot_write(final.parent, exc) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def _lock_if_free(parent: Path, name: str):
    """The lock of the output ``parent / name`` if no live run holds it (True), else nothing (False)."""
    from filelock import FileLock, Timeout

    lock = FileLock(parent / f".{name}.lock", mode=file_mode())
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        yield False
        return
    try:
        yield True
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


def _plain_name(name) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _new_leftover(parent: Path, name: str, kind: str) -> Path:
    """A new hidden folder ``.<name>.<kind>-XXXXXXXX`` in ``parent`` that carries the toolkit's leftover marker
    (written before anything else goes in), so that only the toolkit's own are ever removed."""
    folder = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}.{kind}-"))
    try:
        write_text(
            folder / LEFTOVER,
            json.dumps(
                {
                    "format": _LEFTOVER_FORMAT,
                    "kind": kind,
                    "final": name,
                    "folder": folder.name,
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                },
                ensure_ascii=False,
            )
            + "\n",
        )
    except BaseException:
        os.rmdir(folder)
        raise
    return folder


def _leftovers(parent: Path) -> list[tuple[Path, str, str]]:
    """The toolkit's leftover folders in ``parent`` as (path, output name, kind): hidden real folders whose
    names start exactly with ``.<name>.<kind>-`` and that carry a leftover marker naming them."""
    found = []
    try:
        with os.scandir(parent) as entries:
            candidates = [e for e in entries if e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    for entry in candidates:
        info = _read_json(Path(entry.path) / LEFTOVER)
        if not info or info.get("format") != _LEFTOVER_FORMAT or info.get("folder") != entry.name:
            continue
        name, kind = info.get("final"), info.get("kind")
        if _plain_name(name) and kind in _LEFTOVER_KINDS and entry.name.startswith(f".{name}.{kind}-"):
            found.append((Path(entry.path), name, kind))
    return sorted(found)


def _journal_of(path: Path) -> tuple[Path, str] | None:
    """The journal of the unfinished output folder (``.<name>.partial-*/<name>``) that ``path`` lies in, and
    ``path`` relative to that folder; None for a path in no such folder."""
    parts = Path(os.path.abspath(path)).parts
    for i in range(len(parts) - 2, 1, -1):
        wrapper, inner = parts[i - 1], parts[i]
        if wrapper.startswith(f".{inner}.partial-"):
            folder = Path(*parts[:i])
            info = _read_json(folder / LEFTOVER)
            if (
                info
                and info.get("format") == _LEFTOVER_FORMAT
                and info.get("kind") == "partial"
                and info.get("final") == inner
                and info.get("folder") == wrapper
            ):
                return folder / JOURNAL, "/".join(parts[i + 1 :])
    return None


def _journal(path: Path) -> None:
    """Note in the journal of the unfinished output folder holding ``path`` (if any) that the toolkit is about to
    write it, before the file (or its temporary file) exists: a run killed at any moment leaves a leftover whose
    files the next run knows to be the toolkit's. Each name is one JSON line, appended (safe across processes)."""
    found = _journal_of(path)
    if found is None:
        return
    journal, rel = found
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(journal, flags, 0o600)
    try:
        os.write(fd, (json.dumps(rel, ensure_ascii=False) + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def _read_journal(folder: Path) -> set[str]:
    """The names the journal of the leftover ``folder`` lists (an unreadable line is skipped)."""
    names = set()
    try:
        if not stat.S_ISREG(os.lstat(folder / JOURNAL).st_mode):
            return names
        lines = (folder / JOURNAL).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return names
    for line in lines:
        with contextlib.suppress(ValueError):
            name = json.loads(line)
            if isinstance(name, str) and name:
                names.add(name)
    return names


_NOFOLLOW_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _sha256_at(dir_fd: int, name: str) -> str | None:
    """The SHA-256 of the regular file ``name`` in the folder ``dir_fd`` (never through a symbolic link)."""
    import hashlib

    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0), dir_fd=dir_fd)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _prune(dir_fd: int, rel: str, shown: Path, delete_file, delete_folder, kept: list[str]) -> bool:
    """Delete under the open folder ``dir_fd`` (at ``rel``, shown as ``shown``) the regular files for which
    ``delete_file(rel, dir_fd, name)`` holds and then the folders, emptied, for which ``delete_folder(rel)``
    holds; add what is kept to ``kept``; True when the folder is empty afterwards. Walked by descriptors, as
    shutil.rmtree does: every folder is opened relative to its parent with O_NOFOLLOW and checked to be the one
    listed, so a symbolic link put in the place of a folder (even during the walk) is never followed."""
    with os.scandir(dir_fd) as scan:
        names = [entry.name for entry in scan]
    empty = True
    for name in names:
        sub = f"{rel}/{name}" if rel else name
        try:
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            continue
        except OSError:
            kept.append(str(shown / sub))
            empty = False
            continue
        if stat.S_ISDIR(info.st_mode):
            try:
                child = os.open(name, _NOFOLLOW_DIR, dir_fd=dir_fd)
            except OSError:
                kept.append(str(shown / sub))
                empty = False
                continue
            try:
                if not os.path.samestat(info, os.fstat(child)):
                    kept.append(str(shown / sub))
                    empty = False
                    continue
                emptied = _prune(child, sub, shown, delete_file, delete_folder, kept)
            finally:
                os.close(child)
            if emptied and delete_folder(sub):
                try:
                    os.rmdir(name, dir_fd=dir_fd)
                    continue
                except OSError:
                    pass
            if emptied:
                kept.append(str(shown / sub))
            empty = False
        elif stat.S_ISREG(info.st_mode) and delete_file(sub, dir_fd, name):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=dir_fd)
        else:
            kept.append(str(shown / sub))
            empty = False
    return empty


def _temporary_of(name: str, written: set[str]) -> bool:
    """``name`` is the temporary file :func:`open_for_writing` makes for one of ``written`` (``.<name>.XXXXXXXX.tmp``
    in the same folder)."""
    folder, _, base = name.rpartition("/")
    if not (base.startswith(".") and base.endswith(".tmp") and len(base) > 13):
        return False
    target = base[1:-13]
    return (f"{folder}/{target}" if folder else target) in written and base[-13] == "."


def _remove_leftover(folder: Path, name: str) -> None:  # noqa: C901 (every refusal is a check that keeps a user's file)
    """Remove one of the toolkit's leftover folders: its marker, its journal and its ``<name>`` folder, which is
    either an output (only the files its marker lists, unchanged, and its folders are removed) or a run's
    unfinished work (only the files its journal lists, their temporary files, and the folders that held them).
    Anything else is the user's: kept, with a warning that names it."""
    kept: list[str] = []
    inner = folder / name
    marker = _output_marker(inner) if inner.is_dir() and not inner.is_symlink() else None
    if marker is not None:
        listed = marker["files"]
        folders = marker.get("folders") if marker["format"] == _MARKER_FORMAT else None
        folders = set(folders) if isinstance(folders, list) else _holding_folders(listed)

        def delete_file(rel, dir_fd, entry):
            rel = rel[len(name) + 1 :]
            return rel == MARKER or (rel in listed and _sha256_at(dir_fd, entry) == listed[rel])
    else:
        listed = _read_journal(folder)
        folders = _holding_folders(listed)

        def delete_file(rel, dir_fd, entry):
            rel = rel[len(name) + 1 :]
            return rel in listed or _temporary_of(rel, listed)

    def delete_folder(rel):
        return rel == name or rel[len(name) + 1 :] in folders

    def delete_top(rel, dir_fd, entry):
        return rel.startswith(name + "/") and delete_file(rel, dir_fd, entry)

    try:
        fd = os.open(folder, _NOFOLLOW_DIR)
        try:
            with os.scandir(fd) as scan:
                top = {entry.name for entry in scan}
            ours = {LEFTOVER, JOURNAL}
            for entry in sorted(top - ours):
                if entry != name:
                    kept.append(str(folder / entry))
            if name in top:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    child = os.open(name, _NOFOLLOW_DIR, dir_fd=fd)
                    try:
                        same = os.path.samestat(info, os.fstat(child))
                        emptied = same and _prune(child, name, folder, delete_top, delete_folder, kept)
                    finally:
                        os.close(child)
                    if emptied:
                        os.rmdir(name, dir_fd=fd)
                    elif not same:
                        kept.append(str(inner))
                else:
                    kept.append(str(inner))
            if not kept:
                for own in ours & top:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(own, dir_fd=fd)
        finally:
            os.close(fd)
        if not kept:
            os.rmdir(folder)
            return
    except OSError as exc:
        kept.append(f"({exc.strerror})")
    log.warning(
        "kept %s: it holds %s, which the toolkit did not write; move out what you want to keep and delete the folder",
        folder,
        ", ".join(kept[:3]) + (" ..." if len(kept) > 3 else ""),
    )


def _tidy(parent: Path, name: str, leftovers) -> None:
    """With the lock of ``parent / name`` held: put back a previous output that a swap cut in the middle left in
    an ``old`` leftover, then remove the leftovers of ``name`` (no live run can own them)."""
    final = parent / name
    mine = [(path, kind) for path, n, kind in leftovers if n == name]
    if not os.path.lexists(final):
        for path, kind in mine:
            inner = path / name
            if kind == "old" and inner.is_dir() and not inner.is_symlink() and _output_marker(inner) is not None:
                os.replace(inner, final)
                break
    for path, _ in mine:
        _remove_leftover(path, name)


def _tidy_parent(parent: Path, name: str) -> None:
    """Remove the leftovers of killed runs in ``parent``: those of ``name`` (whose lock the caller holds) and
    those of other outputs whose lock no live run holds."""
    leftovers = _leftovers(parent)
    for other in sorted({n for _, n, _ in leftovers} - {name}):
        with _lock_if_free(parent, other) as free:
            if free:
                _tidy(parent, other, leftovers)
    _tidy(parent, name, leftovers)


def _no_space(exc: OSError) -> bool:
    return exc.errno in _NO_SPACE


def _changed_by_user(final: Path) -> list[str]:
    """What the user put into the output location ``final`` since it was checked (a run may take hours): empty
    when it is still absent, an empty folder, or an output of the toolkit, unchanged."""
    if not os.path.lexists(final):
        return []
    if final.is_symlink() or not final.is_dir():
        return [final.name]
    try:
        if not any(final.iterdir()) or written_by_toolkit(final):
            return []
        files, folders, others = _walk(final)
    except OSError:
        return [final.name]
    marker = _output_marker(final) or {}
    listed = marker.get("files", {})
    ours = set(marker.get("folders", [])) if isinstance(marker.get("folders"), list) else _holding_folders(listed)
    theirs = [name for name in files if name != MARKER and name not in listed] + others
    theirs += [name for name in folders if name not in ours]
    # else the toolkit's files the user edited (not every file the marker lists: the message named them all)
    return sorted(theirs) or [name for name in files if name in listed and _sha256(final / name) != listed[name]]


def _keep_beside(wrapper: Path, work: Path, final: Path, changed: list[str], flag: str):
    """The user added to (or edited) ``final`` during the run: leave it untouched, move the finished output
    ``work`` to a new visible folder beside it, and stop with one error that says where it is."""
    try:
        beside = Path(tempfile.mkdtemp(dir=final.parent, prefix=f"{final.name}.new-"))
        os.replace(work, beside)
        os.chmod(beside, folder_mode())
    except OSError as exc:
        raise ToolkitError(
            f"{flag} {final} changed during the run (it now holds {changed[0]}, which the toolkit did "
            f"not write), so it was not replaced; the new output is in {work} ({exc.strerror or exc} "
            "moving it): copy it out, the next run beside it removes it"
        ) from None
    with contextlib.suppress(FileNotFoundError):
        os.unlink(wrapper / JOURNAL)
    _remove_leftover(wrapper, final.name)
    shown = ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
    raise ToolkitError(
        f"{flag} {final} changed during the run (it now holds {shown}, which the toolkit did not "
        f"write), so it was not replaced and nothing in it was touched; the new output is in {beside}"
    )


@contextlib.contextmanager
def output_folder(final: str | os.PathLike, inputs: dict[str, Path] | None = None, *, flag: str = "--out", kind: str = "run"):
    """Build an output folder under a temporary name; swap it in only when the block succeeds.

    Before the block: the location is checked (:func:`check_output_location`), locked against other runs, and
    the temporary folder is created, so an unusable location is reported before any work. A run that fails or
    is killed at any moment leaves the previous complete folder in place: the new folder replaces it in one
    atomic exchange. Leftovers of a killed run are hidden folders beside it (``.<name>.partial-*``) that carry
    the toolkit's marker, never read, and removed by the next run into any folder beside it. A full disk while
    writing is one error, with nothing left behind. ``kind`` (:data:`KINDS`) is recorded in the marker: an output
    of one kind never replaces one of another.
    """
    final = check_output_location(Path(final), inputs, flag=flag, kind=kind)
    parent = final.parent
    made = [folder for folder in (parent, *parent.parents) if not os.path.lexists(folder)]  # deepest first
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ToolkitError(f"cannot create {parent}: {exc.strerror}; choose another output folder") from None
    try:
        yield from _built_in(final, parent, inputs, flag, kind)
    except BaseException:
        _unmake(made, final)
        raise


def _unmake(made: list[Path], final: Path) -> None:
    """After a run that failed, the folders ``made`` for its output (deepest first) removed again with the lock it
    left in them, where nothing else is in them: a failed run left np/deeper/.x.lock behind, folders it made."""
    from filelock import FileLock, Timeout

    if not made or os.path.lexists(final):
        return
    path = final.parent / f".{final.name}.lock"
    lock = FileLock(path, mode=file_mode())
    try:  # removed only while held: a run that took it since (its folder made meanwhile) keeps it, and the folders
        lock.acquire(timeout=0)  # (removing it let a third run write beside the second)
    except (Timeout, OSError):
        return
    try:
        with contextlib.suppress(OSError):
            path.unlink()
    finally:
        lock.release()
    for folder in made:
        try:
            folder.rmdir()  # only an empty one: another run's or the user's files keep it
        except OSError:
            return


def _built_in(final: Path, parent: Path, inputs, flag: str, kind: str):
    """The body of :func:`output_folder` once the parent folder exists (a generator yielding the work folder)."""
    with locked(final):
        _tidy_parent(parent, final.name)
        final = check_output_location(final, inputs, flag=flag, kind=kind)  # again, now that no other run can change it
        if final.is_dir() and not os.access(final, os.W_OK):  # it could not be moved aside at the end
            raise ToolkitError(f"cannot write into {final}: it is read-only; choose another output folder")
        try:
            wrapper = _new_leftover(parent, final.name, "partial")
        except OSError as exc:
            raise _cannot_write(parent, exc) from None
        work = wrapper / final.name
        try:
            work.mkdir()
            yield work
            files, folders, _ = _walk(work)
            marker = {
                "format": _MARKER_FORMAT,
                "kind": kind,
                "files": {name: _sha256(work / name) for name in files},
                "folders": folders,
            }
            write_text(work / MARKER, json.dumps(marker, ensure_ascii=False, indent=1) + "\n")
            os.chmod(work, folder_mode())
        except BaseException as exc:
            _remove_leftover(wrapper, final.name)
            if isinstance(exc, OSError) and _no_space(exc):
                raise ToolkitError(
                    f"no space left on the disk of {final} while writing the outputs; "
                    "the previous output is untouched: free some space and run again"
                ) from None
            if isinstance(exc, OSError) and exc.errno == errno.EFBIG:  # a file-size limit (ulimit -f, a scheduler's)
                raise ToolkitError(
                    f"a file of the outputs of {final} grew past the largest file this process may write (a file-size "
                    "limit: ulimit -f, a batch scheduler's, or the file system's); the previous output is untouched"
                ) from None
            raise
        changed = _changed_by_user(final)
        if changed:
            _keep_beside(wrapper, work, final, changed, flag)
        old = None
        try:
            if not os.path.lexists(final):
                os.replace(work, final)
            elif not _exchange(work, final):  # after an exchange, work holds the previous output
                old = _new_leftover(parent, final.name, "old")
                os.replace(final, old / final.name)
                os.replace(work, final)
        except OSError as exc:
            if old is not None and not os.path.lexists(final) and os.path.isdir(old / final.name):
                os.replace(old / final.name, final)  # the previous output back where it was
            raise ToolkitError(
                f"cannot replace {final}: {exc.strerror or exc}; the previous output is untouched: choose another output folder"
            ) from None
        finally:
            if old is not None and os.path.lexists(final):  # else the next run puts the previous output back
                _remove_leftover(old, final.name)
            if not os.path.lexists(work):  # swapped: the journal no longer describes what the wrapper holds
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(wrapper / JOURNAL)
            _remove_leftover(wrapper, final.name)


@contextlib.contextmanager
def sweep_folder(final: str | os.PathLike, inputs: dict[str, Path] | None = None, *, flag: str = "--out"):
    """A folder that a sweep fills run by run (never replaced whole): checked like an output folder, locked,
    created and marked as a sweep folder, so a later sweep may add to it and nothing else is mistaken for one.
    Files in it that the toolkit did not write are never touched."""
    final = check_output_location(Path(final), inputs, flag=flag, sweep=True)
    with locked(final):
        final = check_output_location(final, inputs, flag=flag, sweep=True)
        created, marked = not final.exists(), False
        try:
            final.mkdir(parents=True, exist_ok=True)
            if not (final / SWEEP_MARKER).is_file():
                write_text(final / SWEEP_MARKER, json.dumps({"format": _SWEEP_FORMAT}) + "\n")
                marked = True
        except OSError as exc:
            raise ToolkitError(f"cannot write into {final}: {exc.strerror}; choose another output folder") from None
        try:
            yield final
        except BaseException:
            # a sweep that stops before its first run (a grid nothing can fit, an interrupt) takes back the marker
            # it wrote, and the folder it made; a folder with runs stays, to be resumed
            if marked and [p.name for p in final.iterdir()] == [SWEEP_MARKER]:
                (final / SWEEP_MARKER).unlink()
                if created:
                    final.rmdir()
            raise
