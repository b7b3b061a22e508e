"""The CJK font: Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package (SIL OFL 1.1), registered with
matplotlib for figures and subset into the HTML pages so they show Chinese on a machine without CJK fonts."""

from __future__ import annotations

import functools

CJK_FAMILY = "Noto Sans CJK SC"
WEB_FAMILY = "Toolkit Noto Sans CJK SC"  # the family name of the subset inlined into HTML pages


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> str:
    """Register the shipped Noto Sans CJK collection with matplotlib (once) and return its path."""
    import noto_cjk_sans_otc
    from matplotlib import font_manager

    path = str(noto_cjk_sans_otc.FONT_PATH)
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
        "svg.hashsalt": "toolkit",
        "svg.fonttype": "path",
        "figure.dpi": 100,
        "axes.spines.top": False,
        "axes.spines.right": False,
        # Titles at the top of their axes plus axes.titlepad: no x axis of a toolkit figure is at the top, and
        # matplotlib's automatic placement measures every y tick label of every axes at each draw to find that.
        "axes.titley": 1.0,
    }


def font_face_css(text: str) -> str:
    """A CSS ``@font-face`` rule for :data:`WEB_FAMILY` whose ``data:`` URL holds the glyphs of Noto Sans CJK SC
    that ``text`` uses (a WOFF subset made with fontTools, a few kB per hundred characters). The same text gives
    the same bytes."""
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    path = cjk_font_path()
    with TTCollection(path, lazy=True) as collection:
        number = [font["name"].getDebugName(1) for font in collection.fonts].index(CJK_FAMILY)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []  # no vertical forms or ligatures: a page of horizontal text needs none
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | {" "})))
    buffer = io.BytesIO()
    # The full font's bounding box and extents are kept (they bound the subset's glyphs too): recomputing them
    # runs every kept glyph's outline program, about half of the time of a page's subset.
    with TTFont(path, fontNumber=number, recalcTimestamp=False, recalcBBoxes=False) as font:
        subsetter.subset(font)
        font.flavor = "woff"
        font.save(buffer, reorderTables=False)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f"@font-face{{font-family:'{WEB_FAMILY}';font-style:normal;font-weight:400;"
        f"src:url(data:font/woff;base64,{data}) format('woff');}}"
    )
