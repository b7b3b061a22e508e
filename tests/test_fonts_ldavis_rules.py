"""Rules of toolkit/output/fonts.py and toolkit/output/ldavis.py that a mutation audit (25) found untested: the
pages' font holds every glyph the page shows and is the font the page asks for, the same characters give the same
bytes at any time, and the pyLDAvis page counts the corpus's tokens and keeps its scripts whole. Each test fails on
a mutant that passed every test before; the words and texts are the seeds'."""

import base64
import io
import json
import re
import unicodedata

import numpy as np
import pytest
from fontTools.ttLib import TTFont

from toolkit.output import fonts
from toolkit.output.ldavis import corpus_sums, ldavis_page

from .conftest import SEEDS

SEED_002 = (SEEDS / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in SEED_002.split("\n") if len(p) > 60][:8]
LABEL = "数字经济"  # a theme's label: no space in it
VOCABULARY = ["数字经济", "创新", "人才", "产业", "生态", "绿色"]


def _rule(css: str) -> tuple[str, str, str, bytes]:
    """The family, the data URL's media type, the declared format and the font's bytes of an @font-face rule."""
    found = re.fullmatch(
        r"@font-face\{font-family:'([^']+)';[^}]*src:url\(data:([\w/+-]+);base64,([A-Za-z0-9+/=]+)\) format\('(\w+)'\);\}", css
    )
    assert found, css[:200]
    return found[1], found[2], found[4], base64.b64decode(found[3])


def _font(css: str) -> TTFont:
    return TTFont(io.BytesIO(_rule(css)[3]))


def _shown(chars) -> set[int]:
    return {ord(c) for c in chars if unicodedata.category(c)[0] != "C"}


# ----- the pages' font ----------------------------------------------------------------------------------------------


def test_a_pages_font_is_a_woff_declared_as_one_for_the_family_the_pages_ask_for():
    css = fonts.font_face_css(PARAGRAPHS[0])
    family, media, declared, data = _rule(css)
    assert family == fonts.WEB_FAMILY != fonts.CJK_FAMILY  # not a font of the reader's own by that name
    assert data[:4] == b"wOFF" and (media, declared) == ("font/woff", "woff")
    # the weight the rule declares is the font's own (a regular face declared bold: headings drawn without bold)
    weight = int(re.search(r"font-weight:(\d+);", css)[1])
    assert weight == TTFont(io.BytesIO(data))["OS/2"].usWeightClass


def test_a_pages_font_holds_the_space_its_words_are_set_apart_with():
    """A page's lines have spaces between their parts whatever text its font was cut for (a label has none)."""
    assert ord(" ") in _font(fonts.font_face_css(LABEL)).getBestCmap()


def test_text_with_line_breaks_is_cut_from_the_shipped_base():
    """A page's text has line breaks and tabs, and a scraped one zero-width spaces, which need no glyph: its font is
    still cut from the base (TrueType outlines), not from the installed collection (CFF, about six times slower)."""
    font = _font(fonts.font_face_css("\n".join(PARAGRAPHS) + "\t\r\n\u200b\ufeff"))
    assert "glyf" in font and "CFF " not in font
    assert _shown("\n".join(PARAGRAPHS)) <= set(font.getBestCmap())


def test_the_same_text_gives_the_same_font_at_any_time(monkeypatch):
    """Two runs a day apart write the same page bytes (fontTools stamps a font it saves with the time, here the
    time SOURCE_DATE_EPOCH says)."""
    rules = []
    for epoch in ("1600000000", "1700000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        fonts._font_face_css.cache_clear()
        rules.append(fonts.font_face_css(PARAGRAPHS[1]))
    fonts._font_face_css.cache_clear()
    assert rules[0] == rules[1]


def test_the_process_keeps_the_rules_of_pages_written_in_turn():
    """A notebook writing a run's two pages (the report, the pyLDAvis page) again and again cuts each font once."""
    fonts._font_face_css.cache_clear()
    try:
        first, second = fonts.font_face_css(PARAGRAPHS[2]), fonts.font_face_css(PARAGRAPHS[3])
        assert fonts.font_face_css(PARAGRAPHS[2]) is first and fonts.font_face_css(PARAGRAPHS[3]) is second
    finally:
        fonts._font_face_css.cache_clear()


def test_a_character_the_base_lacks_is_cut_from_the_simplified_chinese_font_of_the_collection():
    """The collection holds the Japanese, Korean and Chinese faces: a rare character (䶮, in a person's name) comes
    from Noto Sans CJK SC, the face the base was made from."""
    base = fonts._web_font_base()
    assert base is not None and "䶮" not in base[1]
    family, media, declared, data = _rule(fonts.font_face_css("刘䶮" + PARAGRAPHS[0][:10]))
    assert data[:4] == b"wOFF" and (family, media, declared) == (fonts.WEB_FAMILY, "font/woff", "woff")
    font = TTFont(io.BytesIO(data))
    assert ord("䶮") in font.getBestCmap() and "CFF " in font
    assert font["name"].getDebugName(1) == fonts.CJK_FAMILY


def test_a_character_the_figures_cannot_draw_is_named_once():
    assert fonts.undrawable("𠀀科技𠀀创新𠀀") == ["𠀀"]


def test_a_private_use_character_the_figures_cannot_draw_is_named():
    """A private-use character (what a GBK file's user-defined area decodes to) is no glyph of the figures' fonts:
    matplotlib draws it as an empty box, as it does 𠀀, but undrawable does not name it."""
    assert 0xE000 not in fonts.figure_characters()
    assert fonts.undrawable("科技\ue000创新") == ["\ue000"]


def test_an_svg_figures_chinese_is_drawn_as_outlines(lexicon):
    """An SVG figure shows its Chinese on a machine without CJK fonts: its text is outlines, not text for the
    viewer's fonts to draw."""
    import pandas as pd

    from toolkit.output.plots import figure_bytes, plot_top_words

    theme = lexicon.themes[0].name
    topics = pd.DataFrame({"topic": [1], "theme": [theme], "top_words": [["数字经济", "创新"]], "top_weights": [[0.3, 0.2]]})
    svg = figure_bytes(plot_top_words(topics, lexicon, n_words=2), "svg", dpi=50).decode("utf-8")
    drawn = re.sub(r"<!--.*?-->", "", svg, flags=re.S)  # matplotlib notes each text in a comment
    assert "<path" in drawn and not re.search(r"<text[\s>]", drawn) and "数字经济" not in drawn


# ----- the pyLDAvis page ----------------------------------------------------------------------------------------------


def _page(topic_term, title="结构主题模型: 2 topics", vocabulary=VOCABULARY, tokens=(600.0, 400.0)):
    counts = np.asarray(topic_term, dtype=float).sum(axis=0) * 10
    return ldavis_page(np.asarray(topic_term, dtype=float), np.array(tokens), counts, vocabulary, title)


def _data(page: str) -> dict:
    return json.loads(re.search(r"var ldavis_data = (\{.*?\});\n", page, re.S).group(1))


TOPIC_TERM = [[5.0, 3.0, 2.0, 1.0, 0.5, 0.5], [0.5, 1.0, 1.0, 2.0, 4.0, 5.0]]


@pytest.fixture(scope="module")
def page() -> str:
    return _page(TOPIC_TERM)


def test_the_pages_bars_count_the_corpuss_tokens_in_each_topic(page):
    """Each topic's bars (every word of a vocabulary shorter than the 30 the page lists) add up to its tokens."""
    terms = _data(page)["tinfo"]
    for k, tokens in enumerate((600.0, 400.0), start=1):
        freq = [f for f, c in zip(terms["Freq"], terms["Category"], strict=True) if c == f"Topic{k}"]
        assert len(freq) == len(VOCABULARY) and sum(freq) == pytest.approx(tokens, rel=1e-6)


def test_the_pages_topics_are_numbered_in_our_order_whatever_their_sizes_and_named_by_their_own_words():
    """Topic 1 the smaller: still topic 1 (topics.csv's numbering), its circle the size of its share, and each
    topic's most frequent word on the page the word its weights put first."""
    data = _data(_page(TOPIC_TERM, tokens=(100.0, 900.0)))
    assert data["topic.order"] == [1, 2] and data["mdsDat"]["topics"] == [1, 2]
    assert data["mdsDat"]["Freq"] == pytest.approx([10.0, 90.0])
    terms = data["tinfo"]
    for k, weights in enumerate(TOPIC_TERM, start=1):
        rows = [(f, t) for f, t, c in zip(terms["Freq"], terms["Term"], terms["Category"], strict=True) if c == f"Topic{k}"]
        assert max(rows)[1] == VOCABULARY[int(np.argmax(weights))]


def test_a_topic_with_exact_zeros_gives_a_page_of_finite_numbers():
    """NMF's topics have words of weight exactly 0: the page's data is still JSON of finite numbers (no -Infinity,
    which stops a browser's JSON and d3's scales)."""
    page = _page([[5.0, 3.0, 2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0, 4.0, 5.0]])
    text = re.search(r"var ldavis_data = (\{.*?\});\n", page, re.S).group(1)
    data = json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in the page's data"))
    numbers = [x for key in ("Freq", "Total", "logprob", "loglift") for x in data["tinfo"][key]]
    assert np.isfinite(numbers).all()


def test_the_pages_font_is_the_one_its_text_asks_for_and_holds_every_character_it_shows(page):
    rule = re.search(r"@font-face\{[^}]*\}", page)[0]
    family, _, _, data = _rule(rule)
    body = re.search(r"body, text, input, select, button \{ font-family: \"([^\"]+)\"", page)
    assert body and body[1] == family == fonts.WEB_FAMILY
    visible = re.sub(r"<script>.*?</script>|<style>.*?</style>|<[^>]+>", "", page, flags=re.S)
    cmap = set(TTFont(io.BytesIO(data)).getBestCmap())
    assert _shown(visible + "".join(VOCABULARY)) <= cmap
    assert "结构主题模型" in visible


def test_the_page_declares_its_encoding_and_inlines_pyldavis_css(page):
    from pyLDAvis import urls

    head = page[: page.index("</head>")]
    assert re.search(r'<meta charset="utf-8">', head, re.I)
    css = open(urls.LDAVIS_CSS_LOCAL, encoding="utf-8").read()
    assert css.strip() and css in head


def test_a_word_that_looks_like_an_end_tag_does_not_end_the_pages_script():
    words = [*VOCABULARY[:5], "</script><script>alert(1)//"]
    page = _page(TOPIC_TERM, vocabulary=words)
    assert page.count("</script>") == 3  # d3's, LDAvis.js's and the data's, each closed once
    assert words[-1] in _data(page)["tinfo"]["Term"]


def test_corpus_sums_count_each_units_tokens_in_its_topic():
    """Units each wholly in one topic: a topic's tokens are its units' tokens, whatever their lengths; a word's count
    is its count over all units. The counts are of real words in real paragraphs."""
    from scipy import sparse

    words = ["发展", "创新", "人才", "建设", "产业"]
    counts = sparse.csr_matrix([[p.count(w) for w in words] for p in PARAGRAPHS])
    assert len(set(np.asarray(counts.sum(axis=1)).ravel())) > 2  # units of different lengths
    topic_of = np.arange(len(PARAGRAPHS)) % 3
    doc_topic = np.eye(3)[topic_of]
    topic_tokens, word_counts = corpus_sums(doc_topic, counts)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    assert topic_tokens.tolist() == [lengths[topic_of == k].sum() for k in range(3)]
    assert word_counts.tolist() == [sum(p.count(w) for p in PARAGRAPHS) for w in words]


def test_the_pages_title_is_text_not_markup():
    """A mutation audit: the title went into <title> and <h3> unescaped, so a corpus or model named with < or &
    broke the page."""
    import numpy as np

    from toolkit.output.ldavis import ldavis_page

    page = ldavis_page(
        np.array([[3.0, 1.0, 1.0], [1.0, 1.0, 3.0]]),
        np.array([5.0, 5.0]),
        np.array([4.0, 2.0, 4.0]),
        ["创新", "发展", "生态"],
        "政府报告 <b>R&D</b>",
    )
    assert "<h3>政府报告 &lt;b&gt;R&amp;D&lt;/b&gt;</h3>" in page and "<b>R&D</b>" not in page
