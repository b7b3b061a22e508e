"""Config options: the default, type, allowed values and meaning of one key.

Each stage module declares the options of its own config section as ``OPTIONS`` (a dict of name -> Option),
and may check keys that depend on each other in ``check_options(section)``; :mod:`toolkit.config` assembles
them. This module holds only the vocabulary they share, so declaring options costs no import.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable

from .errors import ToolkitError

MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Option:
    """One config key: its default (which also fixes its type unless ``kind`` says otherwise), a help text,
    and an optional ``check`` with the ``rule`` it enforces. Lists check ``item`` types and apply ``check``
    to each item. ``path`` marks a file or folder (or a list of them), relative to the config file. A number
    is always finite: TOML's ``inf`` and ``nan`` are refused for every option."""

    default: Any
    help: str
    check: Callable[[Any], bool] | None = None
    rule: str = ""  # what ``check`` demands, for the error message
    kind: type | tuple[type, ...] | None = None  # defaults to type(default)
    item: type | tuple[type, ...] = str  # type(s) of the items of a list
    path: bool = False

    @property
    def items_named(self) -> str:
        """What a list's items are, in words: " of strings", " of strings or integers"."""
        names = {int: "integers", str: "strings", float: "numbers", bool: "true or false"}
        return " of " + " or ".join(names[t] for t in (self.item if isinstance(self.item, tuple) else (self.item,)))

    def validate(self, name: str, value: Any, *, subject: str = "config key") -> None:
        """Raise ToolkitError naming ``name`` (a ``subject``: a config key, or a function's argument) when ``value``
        is of the wrong type or breaks the rule."""
        if type(value).__module__ == "numpy" and hasattr(value, "item"):  # np.int64(400) from a table: 400
            value = value.item()
        kind = self.kind or type(self.default)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if ok and kind is list:
            ok = all(isinstance(v, self.item) and not (isinstance(v, bool) and self.item is not bool) for v in value)
        if not ok:
            items = self.items_named if kind is list else ""
            # a --set list or table that is no TOML arrives as its text (a hostile pass of the CLI: "[武汉市, 安庆]",
            # a name given as 2021): said how to write it
            example = '["武汉市", "安庆"]' if kind is list else '{"十三五" = [2016, 2020]}'
            toml = (
                f" (not read as TOML: write each text in quotes, as {example})"
                if isinstance(value, str) and value.strip()[:1] in "[{" and kind in (list, dict)
                else f' (write it in quotes, as "{value}")'
                if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool)
                else ""
            )
            raise ToolkitError(f"{subject} {name} must be {_type_name(kind)}{items}, not {value!r}{toml}; {self.help}")
        values = value if kind is list else [value]
        if any(isinstance(v, float) and not math.isfinite(v) for v in values):
            shown = next(v for v in values if isinstance(v, float) and not math.isfinite(v))
            rule = f" ({self.rule})" if self.rule else ""
            raise ToolkitError(f"{subject} {name} must be a finite number{rule}, not {shown!r}; {self.help}")
        if self.path and any("\x00" in v for v in values):  # no file system names one (a traceback at its resolving)
            raise ToolkitError(f"{subject} {name} holds a NUL character, which no file or folder name has; {self.help}")
        if self.check is not None:
            bad = [v for v in values if not self.check(v)]
            if bad:
                shown = bad[0] if kind is list else value
                each = "each item of " if kind is list else ""
                raise ToolkitError(f"{subject} {each}{name} must be {self.rule}, not {shown!r}; {self.help}")


def check_arguments(function: str, options: dict[str, Option], **values: Any) -> None:
    """Check the arguments of a stage ``function`` that are the options of its config section (``options``) by
    the rules of those options: a notebook's call gets the one-line error a config gets."""
    for name, value in values.items():
        options[name].validate(name, value, subject=f"{function}: argument")


def _type_name(kind) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {bool: "true or false", int: "an integer", float: "a number", str: "a string", list: "a list", dict: "a table"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def choice(*values: str) -> tuple[Callable[[Any], bool], str]:
    return (lambda v: v in values), "one of " + ", ".join(repr(v) for v in values)


def interval(low: float, high: float, *, low_open: bool = False, high_open: bool = False) -> tuple[Callable[[Any], bool], str]:
    """A check that a number lies between ``low`` and ``high`` (each end included unless open), and its rule
    in interval notation: ``interval(0, 1, low_open=True, high_open=True)`` is "a number in (0, 1)"."""

    def check(v) -> bool:
        return (low < v if low_open else low <= v) and (v < high if high_open else v <= high)

    return check, f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


POSITIVE = (lambda v: v > 0), "greater than 0"


def plain_name(name: str) -> bool:
    """A name for a folder of runs: no path separator, no leading dot or space, no control character (spaces
    inside are kept: 武汉　报告, with an ideographic space, is a name; str.isprintable refused it)."""
    return name == "" or (
        name not in (".", "..")
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and not any(unicodedata.category(c) in _NOT_IN_A_NAME for c in name)
        and name.strip() == name
    )


_NOT_IN_A_NAME = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # control, format, surrogate, private, unassigned, breaks


def plain_name_from(stem: str) -> str:
    """A config file's name made a corpus name (:func:`plain_name`): without leading dots and outer spaces, its
    control characters and separators as ``_``; 'corpus' when nothing is left (``..toml``)."""
    name = "".join("_" if c in "/\\" or unicodedata.category(c) in _NOT_IN_A_NAME else c for c in stem)
    name = re.sub(r"^[.\s]+", "", name).rstrip()  # '. .' left '.', no name (an adversarial review)
    return name if name and plain_name(name) else "corpus"


NON_NEGATIVE = (lambda v: v >= 0), "0 or more"
FRACTION = (lambda v: 0 < v <= 1), "a fraction in (0, 1]"
OPEN_FRACTION = (lambda v: 0 <= v < 1), "a fraction in [0, 1)"
UNIT_INTERVAL = (lambda v: 0 <= v <= 1), "a number from 0 to 1"
PROBABILITY = interval(0, 1, low_open=True, high_open=True)  # a coverage: 0 and 1 give no interval
SEED = (lambda v: 0 <= v <= MAX_SEED), f"a seed from 0 to {MAX_SEED}"
