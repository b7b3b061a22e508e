"""Normalised text -> analysis units: lines broken inside a sentence joined, paragraphs cut, long ones split at
sentence ends, short ones merged."""

from __future__ import annotations

import re

from ..errors import ToolkitError
from ..options import NON_NEGATIVE, POSITIVE, Option, check_arguments, choice
from .normalize import HAN

OPTIONS = {
    "kind": Option("paragraph", "Analysis unit.", *choice("paragraph", "document")),
    "max_chars": Option(
        400,
        "Paragraphs longer than this split at sentence ends (a longer sentence at its commas, a longer clause by length).",
        *POSITIVE,
    ),
    "min_chars": Option(
        40,
        "Paragraphs shorter than this merge with a neighbour; a long paragraph's last piece shorter than this stays with it.",
        *NON_NEGATIVE,
    ),
    "join_lines": Option(
        True,
        "Join lines broken inside a sentence (a PDF copy's lines of one width) before "
        "cutting units and counting or showing terms (toolkit.text.units.join_broken_lines).",
    ),
}


def check_options(section: dict) -> None:
    if section["min_chars"] >= section["max_chars"]:
        raise ToolkitError(f"units.min_chars ({section['min_chars']}) must be below units.max_chars ({section['max_chars']})")


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_CLAUSE_END = re.compile(r"(?<=[，、：,:])")

# Joining lines broken inside a sentence. A PDF copy breaks every line at the page's width, whatever the
# sentence: its text has many lines of about one length, the width, and a paragraph ends on a shorter line (or
# on sentence punctuation). A web page or a typed text has one line per paragraph, of any length.
WRAP_MIN = 15  # a width below this is no page (lists, tables of short cells)
WRAP_SLACK = 2  # lines within this many characters of the width count as full (half-width digits and letters)
WRAP_SHARE = 0.25  # share of a text's lines that must be full lines for the text to count as wrapped
WRAP_MIN_LINES = 3
# a line ends a sentence: sentence punctuation (an ellipsis too, …… being ...... once normalised: NFKC), then
# closing quotes or brackets
_ENDS_SENTENCE = re.compile(r"(?:[。！？；：…!?;:]|\.{3})[”’」』》）)】\]\"']*$")
# a line may continue the one before: a Han character, an opening quote or bracket, a digit or letter, or
# punctuation that no line of a paragraph starts with (a typesetter never puts it there, a plain re-wrap may) ...
_CONTINUES = re.compile(rf"[{HAN}“‘《「『(（\[【\w,、。.;:!?”’)）」』》】…]")
# ... unless it starts an item of a list: 一、 (一) 1. 1、 (1) ① 第三条, or a bullet
_ITEM = re.compile(
    r"[一二三四五六七八九十百零〇]+[、.]|[(（][一二三四五六七八九十百零〇\d]+[)）]|\d+(?:[、)）]|\.(?!\d))"
    r"|[\u2460-\u2473\u2776-\u277f]|第[一二三四五六七八九十百千零〇\d]+[条章节篇部款项]|[●○■□◆◇▪•·*\-—]"
)


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends a sentence: sentence punctuation, then any closing quotes or brackets."""
    return bool(_ENDS_SENTENCE.search(line))


def wrap_width(lengths: list[int], ends: list[bool] | None = None) -> int:
    """The width at which a text's lines were broken (a PDF copy), or 0 when they were not: the most common
    line length of at least WRAP_MIN characters (the longest of equally common ones), when at least
    WRAP_MIN_LINES lines and WRAP_SHARE of all lines are within WRAP_SLACK characters of it, and (given ``ends``,
    whether each line ends a sentence) fewer than half of those lines end a sentence: a page breaks its lines
    wherever the width falls, mostly inside sentences, where a text of one paragraph per line ends each with 。 (5
    of 20 paragraphs about 70 characters long by chance read as a page 70 wide, and every longer paragraph was
    joined to the next)."""
    from collections import Counter

    counts = Counter(n for n in lengths if n >= WRAP_MIN)
    if not counts:
        return 0
    width = max(counts, key=lambda n: (counts[n], n))
    near = [i for i, n in enumerate(lengths) if abs(n - width) <= WRAP_SLACK]
    if len(near) < max(WRAP_MIN_LINES, WRAP_SHARE * len(lengths)):
        return 0
    if ends is not None and 2 * sum(ends[i] for i in near) >= len(near):
        return 0
    return width


def page_width(lines: list[str]) -> int:
    """:func:`wrap_width` of a text's non-empty ``lines``: the width of the page they were broken at, 0 for none."""
    return wrap_width([_on_page(line) for line in lines], [ends_sentence(line) for line in lines])


def _on_page(line: str) -> int:
    """The characters ``line`` took on its page: an ellipsis one, which normalising (NFKC) writes as three full stops
    (a line of 15 characters and …… read as 21, a full line of a page 20 wide, and was joined to the next)."""
    return len(line) - 2 * line.count("...")


def join_broken_lines(text: str) -> tuple[str, int]:
    """``text`` (one paragraph per line) with each line broken inside a sentence joined to the next, and the
    number of joins.

    Only a text whose lines were broken at one width (:func:`wrap_width`, a PDF copy) is touched. There line i
    is joined to line i + 1 when it is a full line and line i + 1 starts with a Han character, an opening quote
    or bracket, a digit or a letter, or punctuation that cannot start a line, but not with a list item's marker
    (一、 (一) 1. 1、 (1) ① 第三条, a bullet). A full line is at least the width less WRAP_SLACK characters long;
    one that ends a sentence (。！？；：… or ! ? ; :, then any closing quotes or brackets) must reach the width
    itself: a page breaks many lines right after 。, and a paragraph's last line is rarely that long. A
    heading, shorter than the width, is never joined to its body; a list keeps its items. Lines are joined
    without a space (with one between two Latin letters: a number or 5G broken at a line's end is one word).
    """
    lines = text.split("\n")
    width = page_width([line for line in lines if line.strip()])
    if not width:
        return text, 0
    out, joins, piece = [lines[0]], 0, lines[0]  # piece: the last line as it was, before any join
    for line in lines[1:]:
        full = _on_page(piece) >= (width if ends_sentence(piece) else width - WRAP_SLACK)
        if full and _CONTINUES.match(line) and not _ITEM.match(line):
            # two words of Latin letters; a number (17042) or a name with one (5G, PM2.5) broken at a line's end
            # is one word: with a space, `terms` found no 5G in 建成5 G基站 (a hostile pass of the preprocessing)
            latin = piece[-1:].isascii() and piece[-1:].isalpha() and line[:1].isascii() and line[:1].isalpha()
            out[-1] += (" " if latin else "") + line
            joins += 1
        else:
            out.append(line)
        piece = line
    return "\n".join(out), joins


def document_text(text: str, join_lines: bool) -> tuple[str, int]:
    """A normalised text as a run reads it, to cut it into units and to count and show its terms: with
    ``join_lines`` (``units.join_lines``), its lines broken inside a sentence joined (:func:`join_broken_lines`, so
    that 高质量 at a line's end and 发展 at the next line's start read as 高质量发展); and the number of joins."""
    return join_broken_lines(text) if join_lines else (text, 0)


def _pack(parts, max_chars: int) -> list[str]:
    """Consecutive ``parts`` joined into pieces of at most ``max_chars`` characters (a part longer than that alone)."""
    pieces, current = [], ""
    for part in parts:
        if current and len(current) + len(part) > max_chars:
            pieces.append(current)
            current = ""
        current += part
    if current:
        pieces.append(current)
    return pieces


def _split_long(paragraph: str, max_chars: int, min_chars: int = 0) -> list[str]:
    """``paragraph`` cut at sentence ends into pieces of at most ``max_chars``; a sentence longer than that is cut at
    its clause breaks (，、：), and a clause longer than that every ``max_chars`` characters (a text without
    punctuation, as text extracted from some pages is, would otherwise be one unit however long). A last piece
    shorter than ``min_chars`` stays with the piece before it (a unit then exceeds ``max_chars`` by less than
    ``min_chars``): merged into the next paragraph, as a short unit is, it gave that paragraph its sentence's
    keywords (大力发展数字经济。 in an ecology paragraph)."""
    if len(paragraph) <= max_chars:
        return [paragraph]
    parts = []
    for sentence in (s for s in _SENTENCE_END.split(paragraph) if s):
        if len(sentence) <= max_chars:
            parts.append(sentence)
            continue
        for clause in (c for c in _CLAUSE_END.split(sentence) if c):
            parts.extend(clause[i : i + max_chars] for i in range(0, len(clause), max_chars))
    pieces = _pack(parts, max_chars)
    if len(pieces) > 1 and len(pieces[-1]) < min_chars:
        pieces[-2:] = [pieces[-2] + pieces[-1]]
    return pieces


def split_units(
    text: str, kind: str = "paragraph", max_chars: int = 400, min_chars: int = 40, *, join_lines: bool = True
) -> list[str]:
    """Units of a normalised text (one paragraph per line).

    With ``join_lines``, lines broken inside a sentence are joined first (:func:`join_broken_lines`).
    ``kind='document'`` gives the whole text as one unit. Otherwise each paragraph is a unit; paragraphs
    over ``max_chars`` split at sentence ends (a sentence longer than that at its clause breaks, and a clause
    longer than that by length: :func:`_split_long`; a paragraph's short last piece stays with its paragraph), and
    units under ``min_chars`` merge into the next unit (the last one into the previous), so headings join their
    text.
    """
    check_arguments("split_units", OPTIONS, kind=kind, max_chars=max_chars, min_chars=min_chars)
    check_options({"min_chars": min_chars, "max_chars": max_chars})
    text = document_text(text, join_lines)[0]
    if kind == "document":
        return [text] if text.strip() else []
    pieces = [piece for line in text.split("\n") if line.strip() for piece in _split_long(line.strip(), max_chars, min_chars)]
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
