"""Bytes to text: detect the encoding of a file, refuse binary and unreadable files with a reason."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import require_type
from ..resources import common_chars

# Magic numbers of binary formats that users rename to .txt by mistake.
_MAGIC = [
    (b"%PDF", "a PDF document; extract its text first (e.g. pdftotext)"),
    (b"PK\x03\x04", "a ZIP archive or Office document (.docx/.xlsx); save it as plain text"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc/.xls); save it as plain text or CSV"),
    (b"\x89PNG", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"GIF8", "a GIF image, not text"),
    (b"{\\rtf", "an RTF document; save it as plain text"),
]
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
CHINESE_CODECS = ("gb18030", "big5")
# A file that is UTF-8 but for this many invalid byte sequences (or this share of its characters, if more) is read
# as UTF-8 without them, with a note; a file in another encoding read as UTF-8 fails at nearly every character
MAX_BAD_UTF8 = 10
MAX_BAD_UTF8_SHARE = 0.001
# Big5 as Python reads it, then as Windows writes it (cp950: 恒, 裏, 墻, 碁 ...) and as Hong Kong does (HKSCS): the
# first of these that decodes a file is its Big5 reading
BIG5_VARIANTS = ("big5", "cp950", "big5hkscs")


class Unreadable(ValueError):
    """A file that cannot be used as text; the message is the reason shown in documents.csv."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str = ""


# What a wrong two-byte reading makes besides rare Han: private-use code points, box drawing and block elements,
# half-width katakana (Big5 read as GB18030 gives 现┎厨 for 政府工作報告). Counted only to break a tie between two
# readings whose Han characters are all common: a GBK table drawn with ┌─┐ is GBK.
_ODD = re.compile("[\ue000-\uf8ff\u2500-\u259f\uff61-\uff9f]")


def _plausibility(text: str) -> float:
    """Share of Han characters that are common ones (after conversion to simplified script)."""
    from .normalize import HAN, to_simplified

    han = re.findall(f"[{HAN}]", to_simplified(text))  # a rare character of any block counts against a decoding
    if not han:
        return 0.0
    common = common_chars()
    return sum(ch in common for ch in han) / len(han)


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \v \f \r


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def binary_kind(head: bytes) -> str:
    """What a file that starts with ``head`` is, and what to do, when it is a document or image that is not text
    (a PDF, an Office document, an image: :data:`_MAGIC`); '' otherwise."""
    return next((what for magic, what in _MAGIC if head.startswith(magic)), "")


def decode(data: bytes, encoding: str = "auto", *, repair: bool = True) -> Decoded:  # noqa: C901 (one branch per piece of evidence about an encoding)
    """Decode file bytes to text.

    ``encoding='auto'`` tries, in order: a byte-order mark (UTF-8, UTF-16, UTF-32: the rest read as it would be
    without one); UTF-16 without a mark where the file has NUL bytes (else a few of them, in a text plainly of
    another encoding, are dropped with a note); strict UTF-8 (a file cut
    in the middle of its last character loses only that character, with a note); then GB18030 and Big5 (Python's,
    else Windows' cp950, else HKSCS), keeping the one whose characters are more plausibly Chinese (on a tie, the
    one with fewer characters a wrong reading makes); then, with ``repair``, UTF-8 without a few invalid byte
    sequences (at most MAX_BAD_UTF8, or MAX_BAD_UTF8_SHARE of the text, and a hundred characters beyond ASCII
    for each), with a note. A whole HTML page becomes the text a browser shows (:mod:`.markup`), with a note, and
    stray tags and character references in a text are taken out; without ``repair`` (a table, whose cells are data)
    neither is done.
    Raises :class:`Unreadable` with the reason for empty, binary or undecodable files.
    """
    text_hint = " (it is text already)" if isinstance(data, str) else ""
    require_type(data, (bytes, bytearray), "decode", "data", "bytes (a file read with 'rb')", text_hint)
    if not data.strip():
        raise Unreadable("empty file" if not data else "file holds only whitespace")
    if what := binary_kind(data):
        raise Unreadable(f"binary file: {what}")
    if encoding.strip().lower() != "auto":  # AUTO or Auto as a spreadsheet capitalises it (it was an unknown encoding)
        try:
            text = data.decode(encoding)
        except LookupError:
            raise Unreadable(f"unknown encoding {encoding!r} in the metadata; use e.g. utf-8, gb18030, big5") from None
        except UnicodeDecodeError as exc:
            raise Unreadable(
                f"not valid {encoding} at byte {exc.start}; fix the declared encoding (the metadata's encoding "
                "column, else corpus.encoding)"
            ) from None
        return _checked(repair, Decoded(text, encoding))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            # the body alone, its mark said in the encoding: a file with a mark is read as one without it would be,
            # its last character cut or a few bytes damaged (Notepad's UTF-8 was refused where the same bytes
            # without the mark were read, with a note: a mutation audit)
            body, name = data[len(bom) :], codec.removesuffix("-sig")
            if name == "utf-8" and b"\x00" in body:  # NUL bytes dropped as without the mark (a review)
                decoded = decode(body, repair=repair)
                if not decoded.encoding.startswith("utf-8"):  # "utf-8 (BOM)": a second mark (a review)
                    raise Unreadable(f"starts with a {codec} byte-order mark but is not valid {codec}")
                return Decoded(decoded.text, f"{name} (BOM)", decoded.note)
            ordered = name if name == "utf-8" else name + _order(bom)  # the codec of the body, without its mark
            try:
                return _checked(repair, Decoded(body.decode(ordered), f"{name} (BOM)"))
            except UnicodeDecodeError as exc:
                decoded = _cut(body, exc, ordered)
                if decoded is None and name == "utf-8" and repair:
                    decoded = _repaired_utf8(body, exc.start + len(bom))
                if decoded is None:
                    raise Unreadable(f"starts with a {codec} byte-order mark but is not valid {codec}") from None
                return _checked(repair, Decoded(decoded.text, f"{name} (BOM)", decoded.note))
    if b"\x00" in data:
        try:
            return _checked(repair, _utf16_without_bom(data))
        except Unreadable as refused:
            # a few NUL bytes in a text that is plainly another encoding's (a damaged copy) are dropped as a few bad
            # UTF-8 bytes are (a hundred characters beyond ASCII for each), and said (one NUL skipped a 26 KB report
            # as a binary file: a hostile pass)
            nuls, not_binary = data.count(b"\x00"), refused
        if repair and nuls <= max(MAX_BAD_UTF8, MAX_BAD_UTF8_SHARE * len(data)):
            try:
                decoded = decode(data.replace(b"\x00", b""))
            except Unreadable:
                raise not_binary from None
            if sum(1 for ch in decoded.text if ord(ch) > 0x7F) >= 100 * nuls:
                note = "; ".join(n for n in (f"{nuls} NUL byte(s) dropped", decoded.note) if n)
                return Decoded(decoded.text, decoded.encoding, note)
        raise not_binary
    try:
        return _checked(repair, Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError as exc:
        if (cut := _cut(data, exc, "utf-8")) is not None:
            return _checked(repair, cut)
        utf8_error = exc.start
    candidates = []
    for family in CHINESE_CODECS:
        for codec in BIG5_VARIANTS if family == "big5" else (family,):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            candidates.append((_plausibility(text), -len(_ODD.findall(text)), codec, text))
            break
    if candidates:
        score, _, codec, text = max(candidates)
        if score >= 0.5:
            return _checked(repair, Decoded(text, codec))
    if repair and (repaired := _repaired_utf8(data, utf8_error)) is not None:
        return _checked(repair, repaired)
    bad = data.decode("utf-8", errors="replace").count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    raise Unreadable(
        "not readable as UTF-8, UTF-16, GB18030 or Big5 (cp950, HKSCS); re-save the file as UTF-8 "
        f"(as UTF-8 it is invalid from byte {utf8_error}, in {bad} places)"
    )


def _order(bom: bytes) -> str:
    """The byte order a UTF-16 or UTF-32 byte-order mark gives, as a codec's suffix."""
    return "-le" if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF32_LE) else "-be"


def _cut(data: bytes, error: UnicodeDecodeError, codec: str) -> Decoded | None:
    """``data`` read as ``codec`` without the part of a character it ends in (``error`` being that the data end
    there), with a note; None for any other error."""
    unit = 4 if codec.startswith("utf-32") else 2 if codec.startswith("utf-16") else 1
    ends_inside = error.reason in ("unexpected end of data", "truncated data") and error.start >= len(data) - 4
    if not ends_inside or (unit > 1 and error.start % unit):
        return None
    try:
        text = data[: error.start].decode(codec)
    except UnicodeDecodeError:
        return None
    return Decoded(
        text, codec.removesuffix("-le").removesuffix("-be"), "file ends inside a character; the partial character was dropped"
    )


def _repaired_utf8(data: bytes, first_error: int) -> Decoded | None:
    """UTF-8 but for a few bytes (a file damaged in a copy, two files joined): read, the bad bytes noted and dropped;
    only where the rest is plainly UTF-8 (many characters beyond ASCII read, a hundred for each bad sequence, at
    most MAX_BAD_UTF8 or MAX_BAD_UTF8_SHARE of the text); else None."""
    kept = data.decode("utf-8", errors="ignore")
    bad = data.decode("utf-8", errors="replace").count("\ufffd") - kept.count("\ufffd")
    beyond_ascii = sum(1 for ch in kept if ord(ch) > 0x7F)
    if bad <= max(MAX_BAD_UTF8, MAX_BAD_UTF8_SHARE * len(kept)) and beyond_ascii >= 100 * bad:
        return Decoded(kept, "utf-8", f"{bad} byte sequence(s) not valid UTF-8 dropped (the first at byte {first_error})")
    return None


def _utf16_without_bom(data: bytes) -> Decoded:
    """UTF-16 saved without a byte-order mark (some exports and scripts write it so): every line break, digit,
    comma and Latin letter has a zero byte, and so have common Han characters (一 U+4E00, 开 U+5F00), on either
    side of their pairs. Both byte orders are read, and the one whose reading is plainly text is kept (at least
    95% of its characters printable ASCII, whitespace, common Han characters or CJK punctuation: :func:`_textual`);
    the other order reads Latin letters as Han of every kind among symbols of other scripts, and a binary file
    reads as neither."""
    best = None
    cut = len(data) % 2  # a file that ends inside a character: read without its last byte, said so (a mutation audit)
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - cut].decode(codec)
        except UnicodeDecodeError:
            continue
        score = (_textual(text), len(re.findall(r"[\u3400-\u9fff]", text)))  # a tie: the reading with Han
        if score[0] >= 0.95 and (best is None or score > best[0]):
            best = (score, codec, text)
    if best is None:
        raise Unreadable("binary file: contains NUL bytes and is not UTF-16 (with or without a byte-order mark)")
    _, codec, text = best
    note = f"{codec.upper()} without a byte-order mark" + ("; it ends inside a character, which was dropped" if cut else "")
    return Decoded(text, codec, note)


# printable ASCII and whitespace, Latin letters with diacritics (pinyin's à ǎ), general punctuation, circled
# numbers, CJK symbols and punctuation, full-width forms
_PLAIN = re.compile(r"[ -~\t\n\r\u00a0-\u024f\u2000-\u206f\u2460-\u24ff\u3000-\u303f\uff00-\uffef]")


def _textual(text: str) -> float:
    """The share of ``text``'s characters that a Chinese or Latin text is made of: printable ASCII and whitespace,
    CJK and full-width punctuation, and Han characters that are common ones (after conversion to simplified
    script)."""
    from .normalize import HAN, to_simplified

    if not text:
        return 0.0
    common = common_chars()
    simplified = to_simplified(text)
    han = re.findall(f"[{HAN}]", simplified)
    good = len(_PLAIN.findall(simplified)) + sum(ch in common for ch in han)
    return good / len(simplified) if simplified else 0.0


def _checked(markup: bool, decoded: Decoded) -> Decoded:
    """``decoded`` refused when binary or blank; with ``markup``, a web page's or stray HTML taken out (a text's, not
    a table's: its cells are data, and a title's <br> made one row of the metadata two, a hostile pass)."""
    if markup:
        decoded = _without_markup(decoded)
    if _control_share(decoded.text) > 0.01:
        raise Unreadable(f"binary file: decodes as {decoded.encoding} but is full of control characters")
    if not decoded.text.strip():
        raise Unreadable("file holds only whitespace")
    return decoded


def _without_markup(decoded: Decoded) -> Decoded:
    from .markup import is_markup, is_page, page_text, stray_markup

    page = is_page(decoded.text)
    if page or is_markup(decoded.text):
        text = page_text(decoded.text)
        what = "a web page" if page else "a page's markup"
        note = f"{what}: its text taken, {len(decoded.text) - len(text):,} characters of markup, scripts and styles left out"
        return Decoded(text, decoded.encoding, "; ".join(n for n in (decoded.note, note) if n))
    text, references, tags = stray_markup(decoded.text)
    if references or tags:
        said = [
            f"{references:,} character reference(s) resolved" if references else "",
            f"{tags:,} tag(s) taken out" if tags else "",
        ]
        note = "HTML in the text (copied from a web page?): " + " and ".join(part for part in said if part)
        return Decoded(text, decoded.encoding, "; ".join(n for n in (decoded.note, note) if n))
    return decoded
