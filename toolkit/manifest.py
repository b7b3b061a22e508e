"""Provenance of a run: resolved config, seed, package versions, hashes of inputs and outputs, timings."""

from __future__ import annotations

import hashlib
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ["toolkit", "numpy", "scipy", "pandas", "scikit-learn", "gensim", "jieba", "opencc", "matplotlib",
            "stopwordsiso", "noto-cjk-sans-otc"]


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative POSIX paths), manifest.json excepted."""
    return {p.relative_to(folder).as_posix(): sha256_file(p)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"}


def platform_summary() -> dict[str, str]:
    return {"system": platform.system(), "machine": platform.machine(), "python": sys.version.split()[0]}


def git_revision(folder: str | Path) -> dict[str, object]:
    """The commit checked out in the git work tree that holds ``folder`` and whether tracked files differ from
    it; {} when ``folder`` is not in a work tree or git is not installed."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"commit": commit, "modified": dirty}
