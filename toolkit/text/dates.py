"""Dates of documents: parse metadata values, or find a date in the text itself."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ISO = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")
_CN = re.compile(r"^\s*(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?\s*$")
# In running text: a labelled publication date first, then the first full date anywhere.
_LABELLED = re.compile(r"(?:发布时间|发布日期|发表时间|日期|时间)\s*[:：]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_FULL = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|-(\d{1,2})-(\d{1,2})(?!\d))")
YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class DocDate:
    date: str  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    year: int
    source: str  # "metadata" or "text"


def _valid(year: int, month: int | None, day: int | None) -> bool:
    import calendar

    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return False
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None and not (month and 1 <= day <= calendar.monthrange(year, month)[1]):
        return False
    return True


def _iso(year: int, month: int | None, day: int | None) -> str:
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def parse_date(value: str) -> DocDate:
    """A metadata date: ``2021``, ``2022-01``, ``2015-03-31``, ``2015/3/31`` or ``2021年7月26日``.

    Raises ValueError with a message for anything else.
    """
    text = str(value).strip()
    match = _ISO.match(text) or _CN.match(text)
    if not match:
        raise ValueError(f"malformed date {text!r}; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(g) if g else None for g in match.groups())
    if not _valid(year, month, day):
        raise ValueError(f"impossible date {text!r}; write it as YYYY, YYYY-MM or YYYY-MM-DD")
    return DocDate(_iso(year, month, day), year, "metadata")


def find_date(text: str) -> DocDate | None:
    """The publication date stated in a (simplified-script) text, or None."""
    for pattern in (_LABELLED, _FULL):
        for match in pattern.finditer(text):
            groups = [int(g) for g in match.groups() if g]
            year, month, day = groups[0], groups[1], groups[2]
            if _valid(year, month, day):
                return DocDate(_iso(year, month, day), year, "text")
    return None
