"""Which of the toolkit's source files shape a result: a module and every toolkit module it imports, followed
through their own imports, found by reading the sources (no list to keep), and the hash of those files. Cache keys
use it, so that an entry made by other code is never read back as this code's."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

ROOT = Path(__file__).parent  # the package's folder: module names below are paths inside it


def _module_file(parts: tuple[str, ...]) -> str | None:
    for path in (ROOT.joinpath(*parts).with_suffix(".py"), ROOT.joinpath(*parts, "__init__.py")):
        if parts and path.is_file():
            return path.relative_to(ROOT).as_posix()
    return None


def imported_closure(starts: list[str]) -> list[str]:
    """``starts`` (paths inside ``toolkit/``, such as ``text/segment.py``) and every toolkit module they import,
    at any depth, an import inside a function included, sorted."""
    seen, todo = set(), list(starts)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for parts in _imported_names(name, (ROOT / name).read_text(encoding="utf-8")):
            if (module := _module_file(parts)) is not None:
                todo.append(module)
    return sorted(seen)


@functools.lru_cache(maxsize=256)
def _imported_names(name: str, source: str) -> tuple[tuple[str, ...], ...]:
    """What module ``name`` (a path inside ``toolkit/``), whose text is ``source``, imports from the toolkit: each
    ``from`` import's module and module.name, as path parts that may name a module file (parsed once per process
    and text; which of them are files is looked up by the caller, each time)."""
    import ast

    found = []
    package = name.split("/")[:-1]
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            if node.level - 1 > len(package):
                continue
            base = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
        elif node.module and node.module.split(".")[0] == "toolkit":
            base = node.module.split(".")[1:]
        else:
            continue
        found.extend(tuple(parts) for parts in (base, *([*base, alias.name] for alias in node.names)))
    return tuple(found)


def _read(path: Path) -> bytes:
    return path.read_bytes()


def source_digest(modules: list[str], read=None) -> str:
    """SHA-256 of ``modules`` (paths inside ``toolkit/``), each by its name and its bytes (``read``: how a file is
    read, for tests)."""
    read = read or _read
    digest = hashlib.sha256()
    for name in modules:
        digest.update(name.encode() + b"\x1f" + read(ROOT / name) + b"\x1e")
    return digest.hexdigest()
