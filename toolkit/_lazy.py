"""Names a module gives without importing what holds them until they are first asked for (PEP 562)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_getattr(
    namespace: dict[str, Any], exports: dict[str, str], given: Callable[[Any, str, str], Any] | None = None
) -> Callable[[str], Any]:
    """The module ``__getattr__`` of the module whose ``globals()`` is ``namespace``: each name of ``exports``
    comes from the module it maps to, imported on first use and kept in ``namespace``. A value is a module
    relative to the package of ``namespace`` (``"text.corpus"``), or a module and its own name for the attribute
    (``"_keyatm:KeywordTopicModel"``). ``given(value, name, module name)``: what the module gives for the value
    (``toolkit``'s functions as :func:`toolkit.pandas_options.public` makes them)."""

    def __getattr__(name: str) -> Any:
        if name not in exports:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        module, _, attribute = exports[name].partition(":")
        value = getattr(importlib.import_module(f".{module}", namespace["__package__"]), attribute or name)
        if given is not None:
            value = given(value, name, namespace["__name__"])
        namespace[name] = value
        return value

    return __getattr__
