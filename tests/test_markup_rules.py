"""Rules of toolkit/text/markup.py that a mutation audit (25) found untested: what a page, a scraper's body or a
text with HTML left in it reads as. Each test fails on a mutant that passed every test before; the texts are cut
from the seeds (the Wuhan Party congress report, 2022)."""

import re

import pytest

from toolkit.text.decoding import decode
from toolkit.text.markup import is_page, page_text, stray_markup

from .conftest import SEEDS

SEED_002 = (SEEDS / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in SEED_002.split("\n") if len(p) > 60][:3]
HEADING = "一、过去五年的工作"


def _page(body: str) -> str:
    head = '<head><meta charset="utf-8"><title>报告</title></head>'
    return f'<!DOCTYPE html>\n<html lang="zh">\n{head}\n<body>\n{body}\n</body>\n</html>\n'


def _no_markup_left(text: str) -> bool:
    return not re.search(r"</?[a-zA-Z]|&[#a-zA-Z]", text)


# ----- what is a page, what is a body's markup ------------------------------------------------------------------


def test_a_text_that_mentions_html_tags_is_no_page():
    """A page starts with <!DOCTYPE html> or <html>; a text that names the tags further on is text."""
    text = f"{PARAGRAPHS[0]}\n网页文件以<!DOCTYPE html>或<html>开头。\n{PARAGRAPHS[1]}\n"
    assert not is_page(text)
    assert decode(text.encode("utf-8")).text == text


def test_a_scraped_body_with_blank_lines_between_its_paragraphs_is_markup():
    """Blank lines are no lines: a body whose every paragraph is a <p> line, with a blank line after each (as
    scrapers write them), is markup read as its paragraphs."""
    body = "".join(f'<p style="text-indent: 2em;">{p}</p>\n\n' for p in PARAGRAPHS)
    decoded = decode(body.encode("utf-8"))
    assert decoded.text.split("\n") == PARAGRAPHS and decoded.note.startswith("a page's markup")


def test_a_body_of_two_tagged_lines_is_markup():
    """Two lines, each starting with a tag (a heading and its paragraph in a <span>), are a body's markup: its
    text is the heading's line and the paragraph's, without a tag or a blank line."""
    body = f'<h2>{HEADING}</h2>\n<span style="font-family: 仿宋;">{PARAGRAPHS[0]}</span>\n'
    decoded = decode(body.encode("utf-8"))
    assert decoded.text.split("\n") == [HEADING, PARAGRAPHS[0]] and decoded.note.startswith("a page's markup")


def test_a_body_on_one_line_broken_by_br_is_markup():
    """One <p> whose paragraphs are broken by <br> (a body on one line): two block tags, so markup."""
    body = f"<p>{'<br>'.join(PARAGRAPHS)}</p>"
    decoded = decode(body.encode("utf-8"))
    assert decoded.text.split("\n") == PARAGRAPHS and decoded.note.startswith("a page's markup")


# ----- a page's text --------------------------------------------------------------------------------------------

_HIDDEN = {
    "style": "<style>.TRS_Editor p { font-family: 仿宋; margin: 0 }</style>",
    "template": "<template><p>暂无相关信息</p></template>",
    "svg": '<svg viewBox="0 0 16 16"><title>分享到微信</title><text x="0" y="12">微信</text></svg>',
    "math": "<math><mi>增长率</mi><mo>=</mo><mn>5</mn></math>",
    "object": '<object data="player.swf">请安装Flash播放器</object>',
}


@pytest.mark.parametrize("element", sorted(_HIDDEN))
def test_a_pages_styles_templates_and_embedded_objects_in_its_body_are_no_text(element):
    page = _page(f"<p>{PARAGRAPHS[0]}</p>{_HIDDEN[element]}<p>{PARAGRAPHS[1]}</p>")
    assert page_text(page).split("\n") == PARAGRAPHS[:2]


@pytest.mark.parametrize(
    "nested",
    [
        "<svg><math><mi>x</mi></svg>",  # the math left open: the svg's end ends both
        "<svg><math><mi>x</mi></math><text>微信</text></svg>",  # the math's end does not end the svg
        "<object data='player.swf'><svg><title>播放</title></svg>请安装Flash播放器</object>",
    ],
)
def test_an_embedded_element_inside_another_hides_just_what_is_inside_the_outer_one(nested):
    page = _page(f"<p>{PARAGRAPHS[0]}</p>{nested}<p>{PARAGRAPHS[1]}</p>")
    assert page_text(page).split("\n") == PARAGRAPHS[:2]


def test_a_pages_source_lines_after_its_pre_or_after_a_stray_pre_end_are_one_paragraph():
    """Only inside <pre> are the source's line breaks the text's: not after its end, nor after an end tag </pre>
    that no <pre> opened."""
    first, second = PARAGRAPHS[1][:30], PARAGRAPHS[1][30:]
    wrapped = f"<p>{first}\n      {second}</p>"
    for page in (_page(f"<pre>{PARAGRAPHS[0]}</pre>{wrapped}"), _page(f"<p>{PARAGRAPHS[0]}</p></pre>{wrapped}")):
        assert page_text(page).split("\n") == [PARAGRAPHS[0], f"{first} {second}"]


@pytest.mark.parametrize(
    "block",
    [
        "<div>{}</div>",
        "<hr>{}<hr>",
        "<h6>{}</h6>",
        "<blockquote>{}</blockquote>",
        "<section>{}</section>",
        "<figure><img src='a.png'><figcaption>{}</figcaption></figure>",
        "<table><caption>{}</caption><tr><td>8.1%</td></tr></table>",
    ],
)
def test_each_block_of_a_page_is_a_line_of_its_own(block):
    """Text before and after a block element (a div, a rule, a heading, a quotation, a section, a figure's caption,
    a table's caption) is not run into the block's own text."""
    page = _page(PARAGRAPHS[0] + block.format(HEADING) + PARAGRAPHS[1])
    lines = page_text(page).split("\n")
    assert lines[0] == PARAGRAPHS[0] and HEADING in lines and lines[-1] == PARAGRAPHS[1]


def test_a_tables_header_cells_stay_apart():
    for text in (
        page_text(_page("<table><tr><th>指标</th><th>2022年</th></tr></table>")),
        stray_markup("<th>指标</th><th>2022年</th>")[0],
    ):
        assert text.split() == ["指标", "2022年"]


def test_a_paragraph_wrapped_and_indented_with_tabs_in_the_source_is_one_line_with_single_spaces():
    """A browser shows any run of spaces, tabs and line breaks in a page's source as one space."""
    first, second = PARAGRAPHS[0][:30], PARAGRAPHS[0][30:]
    page = _page(f"<p>\n\t\t{first}\r\n\t\t{second}\n</p>")
    assert page_text(page) == f"{first} {second}"


# ----- HTML left in a text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tagged",
    [
        '<a href="http://www.gov.cn/zhengce/content/2022-01/12/content_5667817.htm" target="_blank">{}</a>',
        '<font color="#ff0000" face="仿宋_GB2312">{}</font>',
        '{}<img src="/images/2022/01/W020220112.jpg" alt="" border="0">',
        "{}<sub>2</sub>",
        "<code>{}</code>",
        '<span style="font-family: 仿宋_GB2312; font-size: 16pt; line-height: 150%; color: #333333">{}</span>',
    ],
)
def test_inline_tags_left_in_a_text_are_taken_out_whatever_their_attributes(tagged):
    """A link, an old page's <font>, an image, a subscript (CO<sub>2</sub>), code, a span with a long style: each
    taken out as nothing, the words on either side joined again."""
    text = PARAGRAPHS[0][:20] + tagged.format("数字经济") + PARAGRAPHS[0][20:]
    out, references, tags = stray_markup(text)
    assert _no_markup_left(out) and "数字经济" in out and "\n" not in out and tags == 2 - ("img" in tagged)
    assert out.startswith(PARAGRAPHS[0][:20]) and out.endswith(PARAGRAPHS[0][20:]) and references == 0


def test_a_heading_tag_left_in_a_text_is_a_line_break():
    out, _, tags = stray_markup(f"<h2>{HEADING}</h2>{PARAGRAPHS[0]}")
    assert out.split("\n") == ["", HEADING, PARAGRAPHS[0]] and tags == 2


def test_character_references_of_any_case_are_resolved():
    """&#X201C; is &#x201C; (HTML reads the x of a hexadecimal reference in either case), and named references
    may start with a capital (&Omega;, &Prime;)."""
    out, references, _ = stray_markup("&#X201C;十四五&#X201D;时期，接地电阻不大于4&Omega;")
    assert out == "“十四五”时期，接地电阻不大于4Ω" and references == 3
