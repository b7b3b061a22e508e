"""A CJK font for matplotlib: Noto Sans CJK SC from the ``noto-cjk-sans-otc`` package (SIL OFL 1.1)."""

from __future__ import annotations

import functools

CJK_FAMILY = "Noto Sans CJK SC"


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
    }
