"""Which code shapes a result: of the toolkit, a module and every toolkit module it imports, followed through their
own imports, found by reading the sources (no list to keep), and the hash of those files; of a user's model class,
the hash of its code as loaded (:func:`code_digest`). Cache keys and a sweep's run ids use them, so that a result
made by other code is never read back as this code's."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import types
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


def code_digest(cls: type) -> str:
    """SHA-256 of a class's code as this process has it loaded, wherever it was defined (a notebook's cell, a
    script, a package's module): the bytecode, names and constants of each method of the class and of its bases of
    the same package (or ``__main__``), and, followed from what the methods name, the functions, classes and values
    of that package; class attributes by value. Not the file on disk (the code in use may differ, and a script's
    other lines are no part of the class) and not line numbers, docstrings or paths, so the same code gives the same
    digest in any folder and process. The toolkit's own code and other packages' count by their own hashes and
    versions, not here."""
    return _CodeDigest(cls.__module__.split(".")[0]).of_class(cls)


class _CodeDigest:
    """One digest, and the functions and classes already in it."""

    def __init__(self, home: str) -> None:
        self.home, self.digest, self.seen = home, hashlib.sha256(), set()

    def own(self, value) -> bool:
        """Whether ``value`` (a function, class or module) is of the class's package or of ``__main__``."""
        module = getattr(value, "__module__", None) if not isinstance(value, types.ModuleType) else value.__name__
        top = module.split(".")[0] if isinstance(module, str) else ""
        return top in (self.home, "__main__") and top != "toolkit"

    def of_class(self, cls: type) -> str:
        self.add_class(cls)
        return self.digest.hexdigest()

    def add(self, text: str) -> None:
        self.digest.update(text.encode("utf-8", "surrogatepass") + b"\x1e")

    def stable(self, value, depth: int = 0) -> str:
        """A text of ``value`` without memory addresses or set order; a function or class of the package is added."""
        if depth > 8:
            return "..."
        if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
            return repr(value)
        if isinstance(value, (tuple, list)):
            return type(value).__name__ + "(" + ",".join(self.stable(v, depth + 1) for v in value) + ")"
        if isinstance(value, (set, frozenset)):
            return type(value).__name__ + "(" + ",".join(sorted(self.stable(v, depth + 1) for v in value)) + ")"
        if isinstance(value, dict):
            items = sorted((self.stable(k, depth + 1), self.stable(v, depth + 1)) for k, v in value.items())
            return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
        if isinstance(value, (types.FunctionType, type)):
            if self.own(value):  # by its code, not by the name of the module that holds it
                self.add_function(value) if isinstance(value, types.FunctionType) else self.add_class(value)
                return value.__qualname__
            return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
        if isinstance(value, types.ModuleType):
            return f"module {value.__name__}"
        return self._instance(value, depth)

    def _instance(self, value, depth: int) -> str:
        kind = f"{type(value).__module__}.{type(value).__qualname__}"
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return kind + self.stable({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, depth + 1)
        if hasattr(value, "tobytes") and hasattr(value, "dtype"):  # an array
            return f"{kind} {value.dtype} {getattr(value, 'shape', '')} {hashlib.sha256(value.tobytes()).hexdigest()}"
        return kind + self.stable(vars(value), depth + 1) if hasattr(value, "__dict__") else kind

    def add_code(self, code: types.CodeType, doc: str | None = None) -> None:
        self.digest.update(code.co_code)
        self.add("\x1f".join((*code.co_names, "|", *code.co_varnames, "|", *code.co_freevars)))
        for i, constant in enumerate(code.co_consts):
            if isinstance(constant, types.CodeType):
                self.add_code(constant)
            elif not (i == 0 and doc is not None and constant == doc):  # the docstring aside
                self.add(self.stable(constant))

    def add_function(self, function: types.FunctionType) -> None:
        if id(function) in self.seen:
            return
        self.seen.add(id(function))
        self.add_code(function.__code__, function.__doc__)
        self.add(self.stable((function.__defaults__, function.__kwdefaults__)))
        for cell in function.__closure__ or ():
            try:
                self.add(self.stable(cell.cell_contents))
            except ValueError:  # an empty cell
                pass
        used = list(dict.fromkeys(_names(function.__code__)))
        for name in used:
            if name not in function.__globals__:
                continue  # a builtin, or an attribute's name
            value = function.__globals__[name]
            if isinstance(value, types.ModuleType):  # helpers.N_INIT: the names used of a module of the package
                if self.own(value):
                    self.add(name + "." + self.stable({a: vars(value)[a] for a in used if a in vars(value)}))
            else:
                self.add(f"{name}={self.stable(value)}")

    def add_class(self, cls: type) -> None:
        if id(cls) in self.seen:
            return
        self.seen.add(id(cls))
        for base in cls.__mro__:
            if base is cls or self.own(base):
                self.add(f"class {base.__qualname__}")
                for name, value in sorted(vars(base).items()):
                    # a dunder name that is no method is Python's own or a library's (pickling caches __slotnames__
                    # on a class the first time one of its objects is pickled, as a sweep's workers do)
                    if not (name.startswith("__") and name.endswith("__")) or isinstance(value, _CODE_ATTRIBUTES):
                        self._add_attribute(name, value)

    def _add_attribute(self, name: str, value) -> None:
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, property):
            value = (value.fget, value.fset, value.fdel)
        self.add(f"{name}={self.stable(value)}")
        for function in value if isinstance(value, tuple) else (value,):
            if isinstance(function, types.FunctionType) and not self.own(function):
                self.add_function(function)  # a method defined elsewhere, set on the class


_CODE_ATTRIBUTES = (types.FunctionType, staticmethod, classmethod, property)


def _names(code: types.CodeType) -> list[str]:
    """The global and attribute names ``code`` uses, with those of the code nested in it."""
    found = list(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            found += _names(constant)
    return found
