"""Regular expressions a user wrote (lexicon patterns, ``kwic --regex``, boilerplate-line files), run with a time
limit.

They are compiled with the ``regex`` package, whose default syntax (VERSION0) is that of Python's ``re``, and every
match, search or scan stops after ``TIMEOUT`` seconds: a pattern that backtracks without end (``(a|aa)+$`` on a
long run of a's) then stops the run with an error naming it, instead of hanging it. ``regex`` also finishes some
patterns at once that ``re`` never finishes (``(a+)+$``).
"""

from __future__ import annotations

import regex

from .errors import ToolkitError

TIMEOUT = 2.0  # seconds for one match, search or scan step of one text


class UserPattern:
    """A user's regular expression; ``where`` says where it comes from in error messages (``lexicon x.toml:
    theme [ecology] pattern``). Picklable, so worker processes can use it."""

    def __init__(self, pattern: str, where: str):
        self.pattern, self.where = pattern, where
        try:
            self.compiled = regex.compile(pattern)
        except regex.error as exc:
            raise ToolkitError(f"{where} {pattern!r} is not a regular expression: {exc}") from None

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
            shown = text if len(text) <= 30 else text[:30] + "..."
            raise ToolkitError(f"{self.where} {self.pattern!r} took more than {TIMEOUT:g} s on one text ({shown!r}); "
                               "rewrite it without nested repeats such as (a+)+ or (a|aa)+") from None

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r})"
