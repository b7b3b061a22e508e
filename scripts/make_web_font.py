"""Write toolkit/data/web_font_base.woff: the glyphs of Noto Sans CJK SC (the ``noto-cjk-sans-otc`` package, SIL
OFL 1.1, whose notices the font keeps) that Chinese text uses all but rarely, from which the HTML pages' font
subsets are cut (toolkit/output/fonts.py): the 20,992 unified ideographs of the BMP (U+4E00-9FFF), GB 2312 (its
symbols too), ASCII, Latin-1, general punctuation, CJK symbols and punctuation, full-width forms and the few
marks the toolkit's pages print.

Cutting a page's subset from the shipped collection takes about 0.8 s: its outlines are CFF charstrings that the
subsetter runs glyph by glyph, and its layout tables are read whole. The base has no layout tables, no hints and
TrueType outlines (converted with fontTools' cu2qu, within 1 unit of the 1,000-unit em), from which the same
subset takes about 0.15 s. A page with a character outside the base (extensions A and beyond) is cut from the
collection as before. ``fonts.py`` uses the base only while the installed collection is the one recorded beside it
(web_font_base.json: its SHA-256 and size); run this script again after updating ``noto-cjk-sans-otc``.

    python scripts/make_web_font.py
"""

from __future__ import annotations

import io
import json
from importlib import metadata
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "toolkit" / "data"


def base_characters() -> str:
    """The characters the base holds, in code point order."""
    chars = set((DATA / "common_chars.txt").read_text(encoding="utf-8").replace("\n", ""))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for first, last in ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF)):
        chars.update(chr(code) for code in range(first, last + 1))
    chars.update("✓✗×÷±≤≥→←↑↓≈∞°")
    return "".join(sorted(chars))


def to_truetype(font) -> None:
    """Replace ``font``'s CFF outlines by TrueType ones (quadratic, within 1 font unit), in place."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxPoints maxContours maxCompositePoints maxCompositeContours maxTwilightPoints maxStorage maxFunctionDefs "
        "maxInstructionDefs maxStackElements maxSizeOfInstructions maxComponentElements maxComponentDepth"
    ).split():
        setattr(maxp, field, 0)
    maxp.maxZones, maxp.numGlyphs = 1, len(order)
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True  # each glyph's bounds, which glyf stores


def main() -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from toolkit.output import fonts

    source = Path(fonts.cjk_font_path())
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG"]
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]  # the copyright, licence and licence URL among them
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=base_characters())
    with TTFont(str(source), fontNumber=fonts._collection_number(), recalcTimestamp=False) as font:
        subsetter.subset(font)
        to_truetype(font)
        font.flavor = "woff"  # zlib-compressed tables: half the bytes, read back in a few milliseconds
        buffer = io.BytesIO()
        font.save(buffer)
    (DATA / "web_font_base.woff").write_bytes(buffer.getvalue())
    record = {
        "source": f"noto-cjk-sans-otc {metadata.version('noto-cjk-sans-otc')}, {source.name}",
        "face": fonts.CJK_FAMILY,
        "source_sha256": fonts.collection_sha256(),
        "source_bytes": source.stat().st_size,
    }
    (DATA / "web_font_base.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DATA / 'web_font_base.woff'} ({len(buffer.getvalue()):,} bytes) from {source}")


if __name__ == "__main__":
    main()
