"""Regular expressions a user wrote (lexicon patterns, ``kwic --regex``, boilerplate-line files), run with a time
limit.

They are compiled with the ``regex`` package, whose default syntax (VERSION0) is that of Python's ``re``, and every
match, search or scan stops after ``TIMEOUT`` seconds: a pattern that backtracks without end (``(a|aa)+$`` on a
long run of a's) then stops the run with an error naming it, instead of hanging it. ``regex`` also finishes some
patterns at once that ``re`` never finishes (``(a+)+$``).
"""

from __future__ import annotations

import regex

from ..errors import ToolkitError

TIMEOUT = 2.0  # seconds for one match, search or scan step of one text
MAX_LENGTH = 10_000  # characters of one pattern (a long alternation of words fits)
MAX_REPEATS = 100_000  # repeat counts multiplied through nesting: (?:(?:a{1000}){1000}){1000} is a billion
MAX_GROUPS = 100  # capturing groups of one pattern (a search keeps each one's capture at every repetition)
_QUANTIFIER = regex.compile(r"\{(\d*)(?:,(\d*))?\}")


_POSIX_CLASS = regex.compile(r"\[:\^?[A-Za-z]+:\]")
_VERBOSE = regex.compile(r"\(\?[a-zA-Z]*x")  # an inline verbose flag, (?x) or (?ix:...): whitespace and # comments
# inline flags, set to the end of the group ((?x), (?-x)) or within it ((?x:...)); V1 and the like are read as letters
_INLINE_FLAGS = regex.compile(r"\(\?(?P<on>[a-zA-Z0-9]*)(?:-(?P<off>[a-zA-Z]*))?(?P<end>[:)])")


def repeat_product(pattern: str) -> int:
    """The largest product of the counts of repeats nested in one another in ``pattern`` (``{m}``, ``{m,n}``;
    ``*``, ``+`` and ``?`` count 1): what compiling it may have to unroll. A scan of the text, before any compile:
    escapes, classes ``[...]`` and groups ``(...)`` are followed; comments ``(?#...)`` and groups of flags alone
    (``(?i)``) are no atom, a count after them repeating the atom before; where a verbose flag is in force
    (``(?x)`` to the end of its group, ``(?x:...)`` within it) whitespace and ``#`` comments are skipped too,
    anywhere, within a count as well, so that a comment's parentheses open or close nothing. Nothing else of the
    syntax is needed. It errs on the high side: a pattern with a verbose flag is also read as if the flag held
    everywhere (as the regex package's documentation says of version 0), one that may be of version 1 also with
    classes nested in classes (``[[a]]``), and the largest product counts."""
    verbose = [False, True] if _VERBOSE.search(pattern) else [False]
    nested = [False, True] if "V1" in pattern else [False]
    return max(_repeat_product(pattern, everywhere, inner) for everywhere in verbose for inner in nested)


def _repeat_product(pattern: str, everywhere_verbose: bool, nested_classes: bool) -> int:
    verbose = everywhere_verbose
    levels = [1]  # per open group: the largest product of a repeat inside it so far
    outer_verbose = []  # per open group: whether the verbose flag was in force outside it
    i, n = 0, len(pattern)
    while i < n:
        skipped, verbose = _ignored(pattern, i, verbose, everywhere_verbose)
        if skipped > i:  # a comment, flags or verbose space are no atom: what follows counts for the atom before
            i = skipped
            continue
        char = pattern[i]
        weight = 1
        if char == "\\":
            i += 2
            if pattern[i - 1 : i] in ("p", "P", "x", "N", "g") and pattern[i : i + 1] == "{":
                close = pattern.find("}", i)
                i = n if close < 0 else close + 1
        elif char == "[":
            i = _after_class(pattern, i, nested_classes)
        elif char == "(":
            flags = _INLINE_FLAGS.match(pattern, i)  # (?x:...) within the group: (?x) alone was skipped above
            outer_verbose.append(verbose)
            levels.append(1)
            if flags and not everywhere_verbose:
                verbose = _switched(verbose, flags)
            i = flags.end() if flags else i + 1
            continue
        elif char == ")":
            weight = levels.pop() if len(levels) > 1 else 1
            verbose = outer_verbose.pop() if outer_verbose else verbose
            i += 1
        else:
            i += 1
        i, verbose = _ignored(pattern, i, verbose, everywhere_verbose)
        count, i = _count(pattern, i, verbose)
        levels[-1] = max(levels[-1], weight * count)
    return max(levels)


def _switched(verbose: bool, flags: regex.Match) -> bool:
    """Whether the verbose flag is in force after the inline ``flags`` (``(?x)``, ``(?-x:``), from ``verbose``."""
    return "x" in flags["on"] or (verbose and "x" not in (flags["off"] or ""))


def _count(pattern: str, i: int, verbose: bool) -> tuple[int, int]:
    """The count of a repeat ``{m}``, ``{m,n}``, ``{,n}`` at ``i`` (its largest number; 1 for none) and the position
    after it. With ``verbose`` the engine skips whitespace and ``#`` comments inside the braces too (``{ 3 }`` is
    3, and ``{ 3#c\n00 }`` is 300: a review found them read as no count)."""
    if not verbose:
        quantifier = _QUANTIFIER.match(pattern, i)
        if quantifier and (quantifier.group(1) or quantifier.group(2)):
            return max(int(g) for g in quantifier.groups() if g), quantifier.end()
        return 1, i
    if pattern[i : i + 1] != "{":
        return 1, i
    kept, j, n = [], i + 1, len(pattern)
    while j < n and pattern[j] != "}":
        if pattern[j].isspace():
            j += 1
        elif pattern[j] == "#":
            end = pattern.find("\n", j)
            j = n if end < 0 else end + 1
        elif pattern[j].isdigit() or pattern[j] == ",":
            kept.append(pattern[j])
            j += 1
        else:
            return 1, i  # no count: a brace of the text
    written = _QUANTIFIER.fullmatch("{" + "".join(kept) + "}")
    if j >= n or not written or not (written.group(1) or written.group(2)):
        return 1, i
    return max(int(g) for g in written.groups() if g), j + 1


def _after_class(pattern: str, i: int, nested: bool = False) -> int:
    """The position after the class ``[...]`` that opens at ``i`` (a ``]`` first in it, negated or not, is one
    of its characters; so are an escaped one and a POSIX class ``[:alpha:]``); with ``nested``, a ``[`` in it
    opens a class within it, as in the regex package's version 1 (``[[a]))]``: a review found each of its
    parentheses closing a group early)."""
    n = len(pattern)
    i += 1
    if pattern[i : i + 1] == "^":
        i += 1
    if pattern[i : i + 1] == "]":
        i += 1
    depth = 1
    while i < n and depth:
        if pattern[i] == "\\":
            i += 1
        elif posix := _POSIX_CLASS.match(pattern, i):  # [[:alpha:]] skipped whole; a lone [: is two characters
            i = posix.end() - 1
        elif pattern[i] == "[" and nested:
            depth += 1
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif pattern[i] == "]":
            depth -= 1
        i += 1
    return i


def _ignored(pattern: str, i: int, verbose: bool, everywhere_verbose: bool = False) -> tuple[int, bool]:
    """The position after what makes no atom at ``i``, and whether the verbose flag is in force there: comments
    ``(?#...)``, groups of flags alone (``(?i)``, ``(?x)``: from there to the end of the group; a count after one
    repeats the atom before it, ``(?:ab)(?i){2}`` matching abab: a review), and with the verbose flag whitespace
    and ``#`` comments to the end of the line. ``everywhere_verbose``: the flag holds whatever the flags say."""
    n = len(pattern)
    while i < n:
        if pattern.startswith("(?#", i):
            close = pattern.find(")", i)
            i = n if close < 0 else close + 1
        elif (flags := _INLINE_FLAGS.match(pattern, i)) and flags["end"] == ")":
            verbose = verbose if everywhere_verbose else _switched(verbose, flags)
            i = flags.end()
        elif verbose and pattern[i].isspace():
            i += 1
        elif verbose and pattern[i] == "#":
            end = pattern.find("\n", i)
            i = n if end < 0 else end + 1
        else:
            break
    return i, verbose


class UserPattern:
    """A user's regular expression; ``where`` says where it comes from in error messages (``lexicon x.toml:
    theme [ecology] pattern``). Picklable, so worker processes can use it."""

    def __init__(self, pattern: str, where: str):
        self.pattern, self.where = pattern, where
        shown = pattern if len(pattern) <= 60 else pattern[:60] + "..."
        if len(pattern) > MAX_LENGTH:
            raise ToolkitError(
                f"{where} {shown!r} is {len(pattern):,} characters long, above the limit of "
                f"{MAX_LENGTH:,} for one pattern; split it into several"
            )
        try:
            product = repeat_product(pattern)
            repeats = f"{product:,} times"
        except (ValueError, OverflowError):  # a count of thousands of digits, past what Python reads as a number
            product, repeats = MAX_REPEATS + 1, "more times than a number of that many digits can say"
        if product > MAX_REPEATS:
            raise ToolkitError(
                f"{where} {shown!r} repeats {repeats} through nested counts such as "
                f"(?:a{{1000}}){{1000}}, above the limit of {MAX_REPEATS:,}; use smaller counts"
            )
        if _CALLS_A_GROUP.search(pattern):
            raise ToolkitError(
                f"{where} {shown!r} calls a group, as (?R), (?1) or (?&name) do: a pattern that calls itself has no "
                "limit on the memory of its search (1 GB on one line of text); write its repeats out"
            )
        try:
            self.compiled = regex.compile(pattern)
        except regex.error as exc:
            raise ToolkitError(f"{where} {shown!r} is not a regular expression: {exc}") from None
        except (MemoryError, RecursionError, OverflowError) as exc:
            raise ToolkitError(
                f"{where} {shown!r} is too large to compile ({type(exc).__name__}); write a simpler pattern"
            ) from None
        if self.compiled.groups > MAX_GROUPS:  # each repetition keeps every group's capture: 250 nested groups took
            raise ToolkitError(  # 1 GB on one line of a report (a review)
                f"{where} {shown!r} has {self.compiled.groups:,} capturing groups, above the limit of {MAX_GROUPS}: a "
                "search keeps every group's capture at each repetition; write groups as (?:...), which capture nothing"
            )

    @property
    def flags(self) -> int:
        return self.compiled.flags

    def fullmatch(self, text: str):
        return self._timed(self.compiled.fullmatch, text)

    def search(self, text: str):
        return self._timed(self.compiled.search, text)

    def finditer(self, text: str) -> list:
        """Every match in ``text``, as a list (the time limit holds for each step of the scan)."""
        return self._timed(lambda t, timeout: list(self.compiled.finditer(t, timeout=timeout)), text)

    def _timed(self, method, text: str):
        try:
            return method(text, timeout=TIMEOUT)
        except TimeoutError:
            raise self._too_slow(text) from None
        except (MemoryError, RecursionError) as exc:
            raise self._too_large(text, exc) from None

    def _too_large(self, text: str, exc: BaseException) -> ToolkitError:
        shown = text if len(text) <= 30 else text[:30] + "..."
        return ToolkitError(
            f"{self.where} {self.pattern!r} ran out of memory on one text ({shown!r}, {type(exc).__name__}); "
            "write a simpler pattern"
        )

    def _too_slow(self, text: str) -> ToolkitError:
        shown = text if len(text) <= 30 else text[:30] + "..."
        return ToolkitError(
            f"{self.where} {self.pattern!r} took more than {TIMEOUT:g} s on one text ({shown!r}); "
            "rewrite it without nested repeats such as (a+)+ or (a|aa)+"
        )

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r})"


def found_in(patterns, text: str) -> bool:
    """Whether any of ``patterns`` (:class:`UserPattern`, or compiled ``re`` patterns given through the Python
    API) matches somewhere in ``text``, an empty match included: one search each, a user's under the time limit.
    The quick test before a scan for matches, since most texts hold none."""
    for pattern in patterns:
        if isinstance(pattern, UserPattern):
            try:
                found = pattern.compiled.search(text, timeout=TIMEOUT)
            except TimeoutError:
                raise pattern._too_slow(text) from None
            except (MemoryError, RecursionError) as exc:
                raise pattern._too_large(text, exc) from None
        else:
            found = pattern.search(text)
        if found is not None:
            return True
    return False


# What makes a pattern's matches depend on more than its own text, so that it cannot be one alternative among
# others: a back-reference or a call of a group (numbered or named), a conditional, the backtracking verbs such
# as (*SKIP) (which move the search past positions where another alternative would match), and inline flags (a
# precaution: the installed regex keeps (?i) within its alternative, but its syntax lets some flags, such as
# (?V1) or (?x), change how the rest is read). Read conservatively: an escaped "(?" or "(*", or "\\1" (an
# escaped backslash, then 1), also counts, and merely keeps that pattern apart.
# A call of a group, the whole pattern's ((?R), (?0)), a numbered one's ((?1), (?+1), (?-1)) or a named one's
# ((?&name), (?P>name)): recursion, whose search the regex module lets grow until memory runs out ((?R)?x took
# 1.1 GB on a line of ten characters: a hostile pass). Read conservatively, as _NEEDS_ITS_OWN is.
_CALLS_A_GROUP = regex.compile(r"\(\?(?:R|[+-]?\d+|&\w+|P>\w+)\)")

_NEEDS_ITS_OWN = regex.compile(r"\\[1-9g]|\(\?(?!:|P<|>|=|!|<=|<!|#)|\(\*")


class PatternSet:
    """Patterns to test a text against: :meth:`found_in` says whether any of them matches somewhere in it (an
    empty match included), as :func:`found_in` does one by one, with fewer searches. The user's patterns that
    need nothing of their own (``_NEEDS_ITS_OWN``) are searched as one alternation, one search per text: an
    alternation matches at a position exactly where one of its alternatives does. The others, and compiled
    ``re`` patterns of the Python API, are searched one by one."""

    def __init__(self, patterns) -> None:
        self.patterns = tuple(patterns)
        joined = [p for p in self.patterns if isinstance(p, UserPattern) and not _NEEDS_ITS_OWN.search(p.pattern)]
        self.alternation = None
        self.separate = self.patterns
        if len(joined) > 1:
            try:
                self.alternation = regex.compile("|".join(f"(?:{p.pattern})" for p in joined))
            except (regex.error, MemoryError, RecursionError, OverflowError):
                return  # each alone compiled: search them so
            self.separate = tuple(p for p in self.patterns if not any(p is q for q in joined))

    def found_in(self, text: str) -> bool:
        if self.alternation is not None:
            try:
                if self.alternation.search(text, timeout=TIMEOUT) is not None:
                    return True
            except (TimeoutError, MemoryError, RecursionError):  # one by one, each under its own limits: the one
                return found_in(self.patterns, text)  # too slow or too large alone is named (a traceback: a review)
        return found_in(self.separate, text)
