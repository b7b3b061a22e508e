"""Provenance of a run: resolved config, seed, package versions, hashes of inputs and outputs, timings."""

from __future__ import annotations

import functools
import hashlib
import os
import platform
import re
import stat
import sys
from importlib import metadata
from pathlib import Path

# What computes a run's numbers (tokens, fits, scores, intervals, effects): a Dask worker must have the same
# versions (processes.compare_builds), and a sweep's run ids hash them (a sweep resumed after an upgrade fits again).
COMPUTING = [
    "toolkit",
    "numpy",
    "scipy",
    "pandas",
    "scikit-learn",
    "gensim",
    "jieba",
    "jieba-fast-dat",
    "opencc",
    "stopwordsiso",
    "ftfy",
    "regex",
    "numba",
    "pyarrow",
    "statsmodels",
    "formulaic",
    "datasketch",
    "joblib",
]
# and what draws the figures and writes pages and files (the topic map's coordinates and scripts, the pages' font
# subset, config.toml): the manifest records these too, as they make bytes of the outputs
PACKAGES = [*COMPUTING, "matplotlib", "noto-cjk-sans-otc", "pyLDAvis", "fonttools", "tomli-w"]


@functools.lru_cache(maxsize=1)
def source_sha256() -> str:
    """SHA-256 of the toolkit's own code and data as installed (each file of the package by its path, compiled
    caches aside): two builds of one version number that compute differently differ here. A sweep keys its runs
    with it, so that a sweep resumed after the code changed fits its runs again rather than mixing old results in."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and not _not_the_packages(path.name):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + bytes.fromhex(sha256_file(path)))
    return digest.hexdigest()


def _not_the_packages(name: str) -> bool:
    """Whether a file in the package's folder is no part of it: compiled caches, an editor's backup, swap or
    auto-save file (``effects.py~``, ``.#cli.py``, ``#cli.py#``, ``cli.py.swp``), an operating system's folder file
    (``.DS_Store``): a Dask worker with one was refused as another build."""
    return (
        name.endswith(("~", ".pyc", ".nbi", ".nbc", ".swp", ".swo", ".swx", ".orig", ".rej", ".bak", ".tmp"))
        or name.startswith((".#", "#"))
        or name in (".DS_Store", "Thumbs.db", "desktop.ini", "4913")
    )


def package_versions(names: tuple[str, ...] | None = None) -> dict[str, str]:
    """Python's version and each of ``names``' (default ``PACKAGES``; read once per process)."""
    versions = dict(_versions())
    return versions if names is None else {k: v for k, v in versions.items() if k == "python" or k in names}


@functools.lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    versions = [("python", platform.python_version())]
    for name in PACKAGES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return tuple(versions)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative POSIX paths), manifest.json excepted."""
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def platform_summary() -> dict[str, str]:
    return {"system": platform.system(), "machine": platform.machine(), "python": sys.version.split()[0]}


_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def git_revision(folder: str | Path) -> dict[str, object]:
    """The commit checked out in the git work tree that holds ``folder`` (and its branch), read from git's own
    files: HEAD, then the branch's loose ref or packed-refs. No git command runs, so nothing a repository's config
    names (core.fsmonitor, hooks, filters) can run; whether tracked files were modified is therefore not
    recorded (only ``git status`` knows, and it runs core.fsmonitor). {} when ``folder`` is not in a work tree or
    HEAD cannot be read from files (a branch without commits, the reftable format), and whenever reading fails
    (a symbolic link loop, an unreadable file, a FIFO in place of a file): git info is then missing, the run goes
    on."""
    try:
        return _git_revision(Path(os.path.realpath(folder)))
    except (OSError, RuntimeError, ValueError, RecursionError):
        return {}


def _git_revision(folder: Path) -> dict[str, object]:
    git_dir = _git_dir(folder)
    if git_dir is None:
        return {}
    common = git_dir
    if (git_dir / "commondir").is_file():  # a linked work tree: branches live in the main repository
        common = Path(os.path.realpath(git_dir / _read(git_dir / "commondir")))
    value, branch = _read(git_dir / "HEAD"), ""
    for _ in range(5):  # HEAD -> refs/heads/x (-> a symbolic ref ...) -> commit
        if not value.startswith("ref:"):
            break
        branch = value[4:].strip()
        value = _ref(branch, git_dir, common)
    if not _OBJECT_ID.fullmatch(value):
        return {}
    return {"commit": value, **({"branch": branch.removeprefix("refs/heads/")} if branch else {})}


def _git_dir(folder: Path) -> Path | None:
    """The git directory of the work tree holding ``folder``: a ``.git`` folder, or the one a ``.git`` file
    (``gitdir: ...``, a linked work tree or submodule) names."""
    for parent in (folder, *folder.parents):
        dot_git = parent / ".git"
        if dot_git.is_dir() and (dot_git / "HEAD").is_file():
            return dot_git
        if dot_git.is_file():
            text = _read(dot_git)
            if text.startswith("gitdir:"):
                git_dir = Path(os.path.realpath(parent / text[7:].strip()))
                return git_dir if (git_dir / "HEAD").is_file() else None
            return None
    return None


def _ref(name: str, git_dir: Path, common: Path) -> str:
    """The content of ref ``name`` (refs/heads/main ...): its loose file, else its line of packed-refs; ''
    when it has none or is no plain ref name."""
    parts = name.split("/")
    if parts[0] != "refs" or any(p in ("", ".", "..") for p in parts):
        return ""
    for base in dict.fromkeys((git_dir, common)):
        if (base / name).is_file():
            return _read(base / name)
    for line in _read(common / "packed-refs").splitlines():
        object_id, _, ref = line.partition(" ")
        if ref.strip() == name and not line.startswith(("#", "^")):
            return object_id
    return ""


_MAX_READ = 64 << 20  # bytes of one of git's files (a packed-refs of a huge repository fits)


def _read(path: Path) -> str:
    """The text of the regular file ``path``; '' for anything else (opened without waiting, so a FIFO in its
    place never blocks) or when it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return ""
    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return ""
            return handle.read(_MAX_READ).decode("utf-8", errors="replace").strip()
    except OSError:
        return ""
