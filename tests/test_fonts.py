"""The font of the HTML pages: a subset of Noto Sans CJK SC holding every character of the page, cut from the
shipped base (toolkit/data/web_font_base.woff) when it can be, from the installed collection otherwise."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from toolkit.output import fonts

PASSAGE = "武汉市加快建设国家科技创新中心，推进数字经济和绿色低碳发展。2022年GDP增长4.0%（同比）"


def _subset(css: str) -> TTFont:
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def _bounds(font: TTFont, char: str) -> tuple:
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return pen.bounds


@pytest.fixture(scope="module")
def collection() -> TTFont:
    return TTFont(fonts.cjk_font_path(), fontNumber=fonts._collection_number(), lazy=True)


@pytest.fixture(scope="module")
def rare(collection) -> str:
    """A character of the collection that the base lacks (of extension A: 䶮 is in a person's name)."""
    base = fonts._web_font_base()
    assert base is not None, "web_font_base.woff was not made from the installed font: run scripts/make_web_font.py"
    cmap = collection.getBestCmap()
    return next(c for c in "䶮㐀㙓㛃" if ord(c) in cmap and c not in base[1])


def test_the_base_is_made_from_the_installed_collection_and_holds_common_text(collection):
    base = fonts._web_font_base()
    assert base is not None
    assert set(PASSAGE) <= base[1]
    ideographs = {chr(code) for code in collection.getBestCmap() if 0x4E00 <= code <= 0x9FFF}  # the BMP's unified
    assert len(ideographs) > 20_900 and ideographs <= base[1]


@pytest.mark.parametrize("extra", ["", "rare"])
def test_a_pages_font_holds_every_character_of_its_text_with_the_collections_outlines(collection, rare, extra):
    text = PASSAGE + (rare if extra else "")
    subset = _subset(fonts.font_face_css(text))
    cmap = subset.getBestCmap()
    assert {ord(c) for c in text} <= set(cmap)
    for char in "武汉数绿" + (rare if extra else ""):
        got, want = _bounds(subset, char), _bounds(collection, char)
        assert got is not None and all(abs(a - b) <= 2 for a, b in zip(got, want, strict=True)), (char, got, want)
        assert subset["hmtx"][cmap[ord(char)]][0] == collection["hmtx"][collection.getBestCmap()[ord(char)]][0]


def test_the_same_text_gives_the_same_bytes(rare):
    for text in (PASSAGE, PASSAGE + rare):
        fonts._font_face_css.cache_clear()  # each cut anew, not the rule the process kept
        first = fonts.font_face_css(text)
        fonts._font_face_css.cache_clear()
        assert fonts.font_face_css(text[::-1]) == first  # the same characters in another order


def test_the_process_keeps_a_few_rules_not_every_one():
    """The same characters give the kept rule; eight other pages later it is cut again (the process holds a few
    rules of a few hundred kB, not one per page it ever wrote)."""
    fonts._font_face_css.cache_clear()
    kept = fonts.font_face_css(PASSAGE)
    assert fonts.font_face_css(PASSAGE + PASSAGE) is kept
    for char in "一二三四五六七八":
        fonts.font_face_css(PASSAGE + char)
    again = fonts.font_face_css(PASSAGE)
    assert again == kept and again is not kept
    fonts._font_face_css.cache_clear()


def test_a_base_made_from_another_collection_is_not_used(tmp_path, monkeypatch):
    import toolkit.resources

    real = toolkit.resources.data_path
    record = json.loads(real("web_font_base.json").read_text(encoding="utf-8"))
    (tmp_path / "web_font_base.json").write_text(json.dumps({**record, "source_sha256": "0" * 64}), encoding="utf-8")
    monkeypatch.setattr(toolkit.resources, "data_path", lambda name: tmp_path / name if name.endswith(".json") else real(name))
    fonts._web_font_base.cache_clear()
    fonts._font_face_css.cache_clear()  # a rule cut from the base earlier in the process is not the point here
    try:
        assert fonts._web_font_base() is None
        assert {ord(c) for c in PASSAGE} <= set(_subset(fonts.font_face_css(PASSAGE)).getBestCmap())
    finally:
        fonts._web_font_base.cache_clear()
        fonts._font_face_css.cache_clear()


def test_a_label_the_figures_fonts_cannot_draw_is_warned_of(caplog):
    """From a hostile pass of the figures: emoji-free but real labels in Devanagari or with CJK Extension B
    characters (𠀀, 𪚥) were drawn as empty boxes in every figure, with no word of the toolkit's (only matplotlib's
    own warning, 42 times a glyph)."""
    import dataclasses

    from toolkit.analysis.lexicon import Lexicon, load_lexicon
    from toolkit.output.fonts import undrawable
    from toolkit.output.tables import warn_undrawable

    assert undrawable("生态环境 Ecology 𬬭 العربية") == []  # the fonts draw these (𬬭: in the standard table)
    assert undrawable("𠀀𪚥 हिन्दी") == ["𠀀", "𪚥", "ह", "ि", "न", "्", "द", "ी"]
    lexicon = load_lexicon()
    themes = list(lexicon.themes)
    themes[0] = dataclasses.replace(themes[0], label_zh="科技𠀀创新", label_en="Science हिन्दी")
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_undrawable(Lexicon(tuple(themes)), "zh")
    assert f"1 theme label(s) hold characters the figures' fonts lack, drawn as empty boxes ({themes[0].name}: 𠀀)" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_undrawable(lexicon, "zh")
        warn_undrawable(lexicon, "en")
    assert not caplog.text  # the shipped lexicon's labels are drawn


def test_group_names_and_a_corpus_name_the_figures_cannot_draw_are_warned_of(caplog):
    """An emoji in a group's name (a hostile pass: "中央 / 国务院 🇨🇳" in the legend of theme_groups.png) or in the
    corpus's name (every figure's title) was an empty box, said only by matplotlib's warning: said as the themes'
    labels are, naming the characters; names the fonts draw are not."""
    from toolkit.analysis.lexicon import load_lexicon
    from toolkit.output.tables import warn_undrawable

    lexicon = load_lexicon()
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_undrawable(
            lexicon,
            "zh",
            title="政府工作报告 🏛",
            groups=["中央 / 国务院 🇨🇳", "武汉市", "地方/试点 ✨"],
            by="级别",
            terms=["创新", "🚀"],
        )
    assert "the figures draw the corpus's name as empty boxes" in caplog.text and "政府工作报告 🏛: 🏛" in caplog.text
    assert "2 group name(s) of trends.by = 级别" in caplog.text
    assert "中央 / 国务院 🇨🇳: 🇨🇳" in caplog.text and "地方/试点 ✨: ✨" in caplog.text and "武汉市:" not in caplog.text
    assert "the figures draw 1 tracked term(s) as empty boxes" in caplog.text and "创新:" not in caplog.text  # a review
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_undrawable(
            lexicon, "zh", title="seeds · LDA (种子词)", groups=["武汉市", "安庆市大观区(安徽)", "(missing)"], by="place"
        )
    assert not caplog.text


def test_every_character_taken_as_surely_drawn_is_in_the_figures_fonts():
    """From an adversarial review: undrawable took U+4E00-9FFF as drawn without looking, but U+9FF0-9FFF (ideographs
    of Unicode 14 and 15) are in no font of the figures: empty boxes, without the warning."""
    import unicodedata

    from toolkit.output.fonts import _SURELY_DRAWN, figure_characters, undrawable

    drawn = figure_characters()
    for low, high in _SURELY_DRAWN:
        missing = [
            f"U+{c:04X}"
            for c in range(ord(low), ord(high) + 1)
            if chr(c).isprintable() and unicodedata.category(chr(c)) != "Cn" and c not in drawn
        ]
        assert not missing, missing[:5]
    assert undrawable("数字经济\u9ff0") == ["\u9ff0"]
