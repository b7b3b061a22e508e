"""The CJK font: Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package (SIL OFL 1.1), registered with
matplotlib for figures and subset into the HTML pages so they show Chinese on a machine without CJK fonts."""

from __future__ import annotations

import functools
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
WEB_FAMILY = "Toolkit Noto Sans CJK SC"  # the family name of the subset inlined into HTML pages


def collection_path() -> str:
    """The path of the installed Noto Sans CJK collection (what the HTML pages' font is cut from)."""
    import noto_cjk_sans_otc

    return str(noto_cjk_sans_otc.FONT_PATH)


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> str:
    """Register the shipped Noto Sans CJK collection with matplotlib (once) and return its path (the pages, which
    only read the file, take :func:`collection_path`: a run need not import matplotlib for them)."""
    from matplotlib import font_manager

    path = collection_path()
    font_manager.fontManager.addfont(path)
    return path


def rc_params() -> dict:
    """matplotlib settings every toolkit figure is drawn with: CJK font, fixed SVG ids, no dates."""
    cjk_font_path()
    return {
        # Concrete families, not the generic "sans-serif": each text object keeps them, so a figure shown
        # later (in a notebook, outside these settings) still draws Chinese with the CJK font.
        "font.family": [CJK_FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,
        # text as written: a place "预算$1M-$5M" was drawn as italic mathematics without its dollars, and "5M_$ 到
        # 10M_$" stopped the run with matplotlib's ParseFatalException
        "text.parse_math": False,
        "svg.hashsalt": "toolkit",
        "svg.fonttype": "path",
        "figure.dpi": 150,  # the figures' layout dpi unless one is asked for (plots.layout_dpi)
        "axes.spines.top": False,
        "axes.spines.right": False,
        # Titles at the top of their axes plus axes.titlepad: no x axis of a toolkit figure is at the top, and
        # matplotlib's automatic placement measures every y tick label of every axes at each draw to find that.
        "axes.titley": 1.0,
    }


def font_face_css(text: str) -> str:
    """A CSS ``@font-face`` rule for :data:`WEB_FAMILY` whose ``data:`` URL holds the glyphs of Noto Sans CJK SC
    that ``text`` uses (a WOFF subset made with fontTools, a few kB per hundred characters). The same characters
    give the same bytes. Cut from the base that ships with the toolkit (:func:`_web_font_base`) when it holds every
    character of ``text``, else from the installed collection (about six times slower); the last few rules are
    kept in the process (a notebook or a test session writing pages of one corpus again: 0.15-0.25 s each)."""
    return _font_face_css(frozenset(text) | {" "})


@functools.lru_cache(maxsize=8)
def _font_face_css(chars: frozenset[str]) -> str:
    import base64
    import io
    import unicodedata

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []  # no vertical forms or ligatures: a page of horizontal text needs none
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    base = _web_font_base()
    drawn = {char for char in chars if unicodedata.category(char)[0] != "C"}  # line breaks and the like: no glyph
    if base is not None and drawn <= base[1]:
        source = {"file": io.BytesIO(base[0])}
    else:
        source = {"file": collection_path(), "fontNumber": _collection_number()}
    buffer = io.BytesIO()
    # The source's bounding box and extents are kept (they bound the subset's glyphs too): recomputing them
    # runs every kept glyph's outline program, about half of the time of a page's subset from the collection.
    with TTFont(**source, recalcTimestamp=False, recalcBBoxes=False) as font:
        subsetter.subset(font)
        font.flavor = "woff"
        font.save(buffer, reorderTables=False)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f"@font-face{{font-family:'{WEB_FAMILY}';font-style:normal;font-weight:400;"
        f"src:url(data:font/woff;base64,{data}) format('woff');}}"
    )


@functools.lru_cache(maxsize=1)
def _collection_number() -> int:
    """The index of :data:`CJK_FAMILY` in the installed collection."""
    from fontTools.ttLib import TTCollection

    with TTCollection(collection_path(), lazy=True) as collection:
        return [font["name"].getDebugName(1) for font in collection.fonts].index(CJK_FAMILY)


@functools.lru_cache(maxsize=1)
def figure_characters() -> frozenset[int]:
    """The code points the figures can draw: those of :data:`CJK_FAMILY` and of DejaVu Sans, matplotlib's own font,
    which draws what the first lacks (read from the fonts' files, without importing matplotlib)."""
    import importlib.util

    from fontTools.ttLib import TTCollection, TTFont

    with TTCollection(collection_path(), lazy=True) as collection:
        codes = set(collection.fonts[_collection_number()].getBestCmap())
    spec = importlib.util.find_spec("matplotlib")
    dejavu = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf" if spec and spec.origin else None
    if dejavu is not None and dejavu.is_file():
        with TTFont(dejavu, lazy=True) as font:
            codes |= set(font.getBestCmap())
    return frozenset(codes)


# (the unified ideographs up to U+9FEF: U+9FF0-9FFF, of Unicode 14 and 15, are in no font of the figures)
_SURELY_DRAWN = (("\x20", "\x7e"), ("\u4e00", "\u9fef"), ("\u3000", "\u303f"), ("\uff00", "\uffef"))


def undrawable(text: str) -> list[str]:
    """The characters of ``text`` (each once, in order) that no font of the figures holds: drawn as empty boxes
    (emoji, CJK Extension B's 𠀀, Devanagari)."""
    # ASCII, the unified ideographs of the BMP and CJK punctuation and forms are in the CJK font: the fonts' files
    # are read only for a label with another character (the shipped lexicon's never are)
    others = [c for c in text if not any(low <= c <= high for low, high in _SURELY_DRAWN)]
    if not others:
        return []
    import unicodedata

    drawn = figure_characters()
    # a control or format character (a zero-width joiner) shows nothing; a private-use or unassigned one, which
    # isprintable() also said no to, is drawn as a box (a mutation audit: U+E000 in a label, unsaid)
    invisible = ("Cc", "Cf")
    return list(
        dict.fromkeys(c for c in others if not c.isspace() and unicodedata.category(c) not in invisible and ord(c) not in drawn)
    )


def collection_sha256() -> str:
    """The SHA-256 of the installed collection's file (what web_font_base.json records)."""
    import hashlib

    with open(collection_path(), "rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


@functools.lru_cache(maxsize=1)
def _web_font_base() -> tuple[bytes, frozenset[str]] | None:
    """The shipped base of the pages' font (toolkit/data/web_font_base.woff, made by scripts/make_web_font.py from
    the installed collection: TrueType outlines, no layout tables or hints; the unified ideographs of the BMP,
    GB 2312, Latin, punctuation) and the characters it holds; None when the installed collection is not the one
    it was made from (web_font_base.json records its SHA-256): the pages never show another version's glyphs."""
    import io
    import json

    from fontTools.ttLib import TTFont

    from ..resources import data_path

    record = json.loads(data_path("web_font_base.json").read_text(encoding="utf-8"))
    if collection_sha256() != record["source_sha256"]:
        return None
    data = data_path("web_font_base.woff").read_bytes()
    with TTFont(io.BytesIO(data), lazy=True) as font:
        chars = frozenset(chr(code) for code in font.getBestCmap())
    return data, chars
