"""Atomic writes: every file appears complete under its final name, or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text atomically (newlines written as given)."""
    write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def output_folder(final: str | os.PathLike):
    """Build an output folder under a temporary name; swap it in only when the block succeeds.

    A run that fails or is killed leaves the previous complete folder untouched; leftovers of a killed
    run are hidden folders named ``.<name>.partial-*`` beside it, which the next run removes.
    """
    final = Path(final)
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f".{final.name}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{final.name}.old-*"):
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(dir=parent, prefix=f".{final.name}.partial-"))
    try:
        yield work
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    os.chmod(work, 0o755)
    if final.exists():
        old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{final.name}.old-"))
        os.replace(final, old / final.name)
        os.replace(work, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(work, final)
