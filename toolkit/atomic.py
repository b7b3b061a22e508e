"""Atomic writes: every file appears complete under its final name, or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path


@contextlib.contextmanager
def open_for_writing(path: str | os.PathLike, mode: str = "wb"):
    """A handle to a temporary file beside ``path``, renamed to ``path`` when the block ends without error.

    ``mode`` "w" writes UTF-8 text with newlines as given; large outputs can be written in pieces.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
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


def write_csv(path: str | os.PathLike, frame) -> None:
    """A DataFrame as CSV (no index, floats to 6 decimals, \\n line ends), written atomically in pieces so no
    copy of the whole table is built in memory."""
    with open_for_writing(path, "w") as handle:
        frame.to_csv(handle, index=False, float_format="%.6f", lineterminator="\n", chunksize=10_000)


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


@contextlib.contextmanager
def output_folder(final: str | os.PathLike):
    """Build an output folder under a temporary name; swap it in only when the block succeeds.

    A run that fails or is killed at any moment leaves the previous complete folder in place: the new folder
    replaces it in one atomic exchange. Leftovers of a killed run are hidden folders beside it
    (``.<name>.partial-*``), never read, and removed by the next run.
    """
    final = Path(final)
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    _recover(final)
    for stale in [*parent.glob(f".{final.name}.partial-*"), *parent.glob(f".{final.name}.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(dir=parent, prefix=f".{final.name}.partial-"))
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    os.chmod(work, 0o755)
    if not final.exists():
        os.replace(work, final)
    elif _exchange(work, final):
        shutil.rmtree(work, ignore_errors=True)  # now holds the previous output
    else:
        old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{final.name}.old-"))
        os.replace(final, old / final.name)
        os.replace(work, final)
        shutil.rmtree(old, ignore_errors=True)
