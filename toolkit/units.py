"""Normalised text -> analysis units: paragraphs, long ones split at sentence ends, short ones merged."""

from __future__ import annotations

import re

from .errors import ToolkitError
from .options import NON_NEGATIVE, POSITIVE, Option, choice

OPTIONS = {
    "kind": Option("paragraph", "Analysis unit.", *choice("paragraph", "document")),
    "max_chars": Option(400, "Paragraphs longer than this split at sentence ends.", *POSITIVE),
    "min_chars": Option(40, "Paragraphs shorter than this merge with a neighbour.", *NON_NEGATIVE),
}


def check_options(section: dict) -> None:
    if section["min_chars"] >= section["max_chars"]:
        raise ToolkitError(f"units.min_chars ({section['min_chars']}) must be below units.max_chars "
                           f"({section['max_chars']})")

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    if len(paragraph) <= max_chars:
        return [paragraph]
    pieces, current = [], ""
    for sentence in (s for s in _SENTENCE_END.split(paragraph) if s):
        if current and len(current) + len(sentence) > max_chars:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def split_units(text: str, kind: str = "paragraph", max_chars: int = 400, min_chars: int = 40) -> list[str]:
    """Units of a normalised text (one paragraph per line).

    ``kind='document'`` gives the whole text as one unit. Otherwise each paragraph is a unit; paragraphs
    over ``max_chars`` split at sentence ends (a sentence longer than that stays whole), and units under
    ``min_chars`` merge into the next unit (the last one into the previous), so headings join their text.
    """
    if kind == "document":
        return [text] if text.strip() else []
    pieces = [piece for line in text.split("\n") if line.strip() for piece in _split_long(line.strip(), max_chars)]
    units: list[str] = []
    carry = ""
    for piece in pieces:
        piece = carry + ("\n" if carry else "") + piece
        carry = ""
        if len(piece) < min_chars:
            carry = piece
        else:
            units.append(piece)
    if carry:
        if units:
            units[-1] = units[-1] + "\n" + carry
        else:
            units.append(carry)
    return units
