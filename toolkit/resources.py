"""Files that ship inside the package (toolkit/data), read on demand, never at import; and the reading of the files
a config names, as regular files only."""

from __future__ import annotations

import errno
import functools
import os
import stat
from importlib.resources import files
from pathlib import Path


def user_path(path: str | os.PathLike, name: str = "") -> Path:
    """A path as a user writes it, ``~`` expanded as a shell does (the CLI's arguments come expanded; a notebook's
    "~/runs/x" made a folder named ~ in the current one, which ``rm -r ~`` would then be typed to remove: a hostile
    pass of the API). Anything but a str or an os.PathLike is a ToolkitError naming ``name`` (the function and its
    argument, "run: out_dir"), not Python's TypeError from inside (a table given for a config's path)."""
    if not isinstance(path, (str, os.PathLike)):
        from .errors import ToolkitError

        kind = type(path).__name__
        raise ToolkitError(f"{name or 'a path'}: expected the path of a file or folder (a str or pathlib.Path), not {kind}")
    return Path(os.path.expanduser(os.fspath(path)))


def utf8_path(path: str | os.PathLike, what: str) -> None:
    """ToolkitError when ``path`` (as an absolute path, and with its links resolved: its folders too) holds a byte
    that is not UTF-8: the toolkit writes the paths it resolves into UTF-8 files (config.toml, manifest.json,
    report.html, validation.json), which could not hold it (a traceback at a run's end; written as an escape, a saved config that
    TOML refused; reached through a link of a UTF-8 name, a traceback all the same: an adversarial review)."""
    given = os.path.abspath(path)
    for form in (given, os.path.realpath(path)):
        try:
            form.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(form).decode("utf-8", "backslashreplace")
            said = shown if form == given else f"{given} leads to {shown}, which"
            from .errors import ToolkitError

            raise ToolkitError(
                f"{what} {said} is not UTF-8 (a name saved in GBK or another encoding?): the toolkit writes the "
                "paths it reads into UTF-8 files; rename the folder or file"
            ) from None


def data_path(name: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("lexicon.toml")``."""
    return Path(str(files("toolkit") / "data" / name))


def file_kind(mode: int) -> str:
    """What a file of ``mode`` that is not a regular file is, for messages ("a FIFO (named pipe)" ...)."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def in_the_way(path: str | os.PathLike) -> str:
    """What stands at ``path`` that is neither absent nor a regular file (a link, a folder, a FIFO ...), for a
    message ("a FIFO (named pipe)"); '' when nothing, or a regular file, is there. What a cache finds so in an
    entry's place is not its own, to read, wait on or replace."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return ""
    return "" if stat.S_ISREG(mode) else file_kind(mode)


def open_regular(path: str | os.PathLike):
    """The regular file ``path`` opened for reading in binary; opened without waiting and checked before it is
    read, so a FIFO (or a device) never blocks: OSError ``EINVAL`` naming what it is instead
    (``IsADirectoryError``, ``FileNotFoundError`` and the like as open raises them)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:  # checked on the descriptor, before a file object is made of it (fdopen of a folder raised, leaving it open:
        # two descriptors a corpus load, until a notebook's loop ran out of them; a hostile pass of the API)
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
            raise OSError(errno.EINVAL, f"it is {file_kind(mode)}, not a regular file", str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike) -> bytes:
    """The bytes of the regular file ``path`` (:func:`open_regular`: a FIFO or a device never blocks)."""
    with open_regular(path) as handle:
        return handle.read()


def read_text_file(path: str | Path) -> str:
    """The text of a file a config names (a lexicon, a word or pattern list, a dictionary, the config itself):
    UTF-8, a byte-order mark dropped, read only when it is a regular file, so that a FIFO or a device named there
    is refused (OSError naming what it is) instead of waited on for ever or read without end."""
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
