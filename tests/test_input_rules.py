"""Rules of the input side that a mutation audit (13: decoding, dates, units, markup) found untested: each test
fails on a mutant that passed every test before, and asserts what a user relies on (an encoding read, a date found,
a unit cut at the right place, a page's text taken), on text cut from the seeds and the State Council reports."""

import codecs
import os
import re

import pytest

from toolkit.config import Config
from toolkit.text.dates import find_date, parse_date
from toolkit.text.decoding import Unreadable, decode
from toolkit.text.markup import is_page, stray_markup
from toolkit.text.normalize import Normalizer
from toolkit.text.units import join_broken_lines, split_units

from .conftest import GWR, ROOT, SEED_FILES, SEEDS

SEED_002 = (SEEDS / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
PARAGRAPHS = [p for p in SEED_002.split("\n") if len(p) > 60][:4]  # the Wuhan Party congress report (2022)
HAN = re.sub(r"[^\u4e00-\u9fff]", "", SEED_002)  # its Han characters alone: lines that end no sentence


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh">\n<head><meta charset="utf-8"><title>中国共产党武汉市第十四次代表大会报告'
        f"</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )


# ----- decoding --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "(.doc/.xls)"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + bytes(64), "JPEG"),
        (b"GIF89a\x20\x00\x20\x00\xf7\x00\x00" + bytes(64), "GIF"),
        # Word's "save as RTF" of 政府工作报告: plain ASCII, which was read as a text of control words
        (rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 \'cb\'ce\'cc\'e5;}}\f0\fs24 "
         rb"\'d5\'fe\'b8\'ae\'b9\'a4\'d7\'f7\'b1\'a8\'b8\'e6\par}", "RTF"),
    ],
)  # fmt: skip
def test_a_document_or_image_renamed_to_txt_is_refused_with_what_it_is(data, kind):
    with pytest.raises(Unreadable, match=r"binary file: .*" + re.escape(kind)):
        decode(data)


def test_a_text_that_names_an_image_format_is_a_text():
    """A format's magic number counts at the start of a file only: a notice that names GIF89a is text."""
    text = PARAGRAPHS[0] + "\n申报材料中的照片请上传JPG、PNG或GIF89a格式。\n"
    assert decode(text.encode("utf-8")).text == text


def test_a_declared_encoding_that_does_not_fit_names_the_first_byte_that_breaks_it():
    text = "2019-05-16 长江日报\n" + PARAGRAPHS[0]
    data = text.encode("gb18030")
    first = next(i for i, byte in enumerate(data) if byte >= 0x80)  # 长, after 11 bytes of ASCII
    with pytest.raises(Unreadable, match=f"not valid utf-8 at byte {first};"):
        decode(data, "utf-8")


def test_a_web_page_is_its_text_with_a_declared_encoding_or_a_byte_order_mark_too():
    page = _page("".join(f"<p>{p}</p>\n" for p in PARAGRAPHS))
    for decoded in (decode(page.encode("gb18030"), "gb18030"), decode(codecs.BOM_UTF8 + page.encode("utf-8"))):
        assert decoded.text.split("\n") == PARAGRAPHS
        assert decoded.note.startswith("a web page: its text taken")


@pytest.mark.parametrize("data", [SEED_002.encode("utf-32"), codecs.BOM_UTF32_BE + SEED_002.encode("utf-32-be")])
def test_utf32_with_a_byte_order_mark_is_read(data):
    """UTF-32 little-endian starts with UTF-16's mark too (FF FE 00 00): it is read as UTF-32, not refused."""
    decoded = decode(data)
    assert (decoded.text, decoded.encoding) == (SEED_002, "utf-32 (BOM)")


def test_a_file_cut_inside_a_four_byte_character_loses_only_that_character():
    """A character beyond the BMP (Extension B) takes four bytes; cut after three, the file is still read."""
    data = (PARAGRAPHS[0] + "\U0002003e").encode("utf-8")[:-1]
    for repair in (True, False):
        decoded = decode(data, repair=repair)
        assert decoded.text == PARAGRAPHS[0] and "partial character was dropped" in decoded.note


def test_a_bad_last_byte_is_no_cut_character():
    """An invalid byte at the end of a file is damage, not a cut: a table (no repair) is refused."""
    with pytest.raises(Unreadable, match="not readable as UTF-8"):
        decode(SEED_002.encode("utf-8") + b"\xff", repair=False)
    assert "partial character" not in decode(SEED_002.encode("utf-8") + b"\xff").note


@pytest.mark.parametrize(
    "mark, codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF32_BE, "utf-32-be")]
)
def test_a_file_with_a_byte_order_mark_cut_inside_its_last_character_is_read_as_without_one(mark, codec):
    """Notepad saves UTF-8 with a mark: cut inside its last character it was refused as "not valid", where the same
    bytes without the mark were read with a note; so was UTF-16 or UTF-32 one byte short, with or without one."""
    data = mark + (PARAGRAPHS[0] + "。").encode(codec)
    decoded = decode(data[:-1])
    assert decoded.text == PARAGRAPHS[0] and "partial character was dropped" in decoded.note
    assert decoded.encoding.endswith("(BOM)")
    if codec == "utf-16-le":
        assert decode(data[len(mark) : -1]).text == PARAGRAPHS[0]  # without the mark


def test_a_utf8_file_with_a_byte_order_mark_and_one_damaged_byte_is_read_as_without_one():
    data = (PARAGRAPHS[0] + "\n" + PARAGRAPHS[1]).encode("utf-8")
    damaged = data[:30] + b"\xff" + data[30:]
    with_mark, without = decode(codecs.BOM_UTF8 + damaged), decode(damaged)
    assert with_mark.text == without.text and "not valid UTF-8 dropped (the first at byte 33)" in with_mark.note
    with pytest.raises(Unreadable, match="byte-order mark but is not valid"):  # a table's cells are not repaired
        decode(codecs.BOM_UTF8 + damaged, repair=False)


def test_one_nul_byte_in_a_utf8_report_is_dropped_as_a_damaged_byte_not_the_report():
    """One NUL in a 26 KB report skipped it as a binary file (a hostile pass): dropped and said, as a bad byte is;
    NUL bytes in a text too short to be plainly UTF-8, or a table's cells, are still refused."""
    data = (SEEDS / "003_627586bead8599d4.txt").read_bytes()
    cut = data.index("。".encode()) + 3
    decoded = decode(data[:cut] + b"\x00" + data[cut:])
    assert decoded.text == data.decode("utf-8") and "1 NUL byte(s) dropped" in decoded.note
    for refused in (b"\x00" + data[:200], data[:cut] + b"\x00" * 40 + data[cut:]):
        with pytest.raises(Unreadable, match="binary file: contains NUL bytes"):
            decode(refused)
    with pytest.raises(Unreadable, match="binary file: contains NUL bytes"):
        decode(data[:cut] + b"\x00" + data[cut:], repair=False)


def test_a_small_file_of_nul_bytes_is_refused_as_binary_and_traditional_text_keeps_what_follows_a_nul():
    """OpenCC's tw2s and hk2s stop at a NUL character: '\\x00愀戀挀' (a few bytes read as UTF-16) came out empty,
    and the check of whether the file is text divided by its length (ZeroDivisionError ended the corpus's load)."""
    from toolkit.text.normalize import to_simplified

    with pytest.raises(Unreadable, match="binary file"):
        decode(b"\x00\x00a\x00b\x00c\x00")
    assert to_simplified("政府工作報告\x00國家著力發展") == "政府工作报告\x00国家着力发展"


def test_big5_as_hong_kong_writes_it_is_read():
    """Seed 004 (traditional script, pinyin with tone marks: 創(chuàng)新) as HKSCS writes it: Big5 and cp950 have no
    à or ǎ."""
    data = (SEEDS / "004_1467077b33d2f3ae.txt").read_text(encoding="utf-8").encode("big5hkscs", errors="ignore")
    decoded = decode(data)
    assert decoded.encoding == "big5hkscs" and decoded.text.startswith("創(chuàng)新發(fā)展")


def _with_bad_bytes(text: str, bad: int) -> bytes:
    step = len(text) // (bad + 1)
    pieces = [text[i * step : (i + 1) * step] for i in range(bad)] + [text[bad * step :]]
    return b"\xff".join(piece.encode("utf-8") for piece in pieces)


def test_a_long_utf8_file_may_lose_one_sequence_in_a_thousand():
    """Above 10,000 characters a file may lose MAX_BAD_UTF8_SHARE (one in a thousand) of its length in bad bytes:
    the 2012 report (19,858 characters) with 15 is read, with 20 refused."""
    report = (GWR / "national_2012.txt").read_text(encoding="utf-8")
    assert 15_000 < len(report) < 20_000
    assert decode(_with_bad_bytes(report, 15)).text == report
    with pytest.raises(Unreadable, match="in 20 places"):
        decode(_with_bad_bytes(report, 20))


def test_replacement_characters_already_in_a_utf8_file_are_no_bad_bytes():
    """A scraped text holds U+FFFD where its source lost characters (seed 002's lines end with one): those are the
    text's, not invalid bytes; 20 of them and one bad byte are one bad sequence, read."""
    report = (GWR / "national_2007.txt").read_text(encoding="utf-8")
    text = "\ufffd".join(report[i : i + 600] for i in range(0, 12600, 600)) + report[12600:]
    assert text.count("\ufffd") == 20
    decoded = decode(_with_bad_bytes(text, 1))
    assert decoded.text == text and decoded.note.startswith("1 byte sequence(s) not valid UTF-8 dropped")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda path: path.name[:3])
def test_every_seed_in_utf16_without_a_byte_order_mark_is_read(path, codec):
    """Seed 004 is traditional script with pinyin (創(chuàng)新), seed 002 has many 、and “”: each is read in its
    byte order, not refused as binary."""
    text = path.read_text(encoding="utf-8")
    decoded = decode(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)


def test_a_bulleted_list_in_utf16_without_a_byte_order_mark_is_read():
    """One ● per sentence (3% of the characters, a bullet being no letter, Han character or punctuation) is text."""
    report = (GWR / "national_2022.txt").read_text(encoding="utf-8")
    sentences = [s for s in re.split("(?<=[。；])", "".join(report.split("\n")[10:30])) if s]
    text = "\n".join("●" + s for s in sentences)
    decoded = decode(text.encode("utf-16-le"))
    assert (decoded.text, decoded.encoding) == (text, "utf-16-le")


def test_a_files_note_says_both_how_it_was_decoded_and_what_markup_was_taken_out():
    decoded = decode(_page("".join(f"<p>{p}</p>" for p in PARAGRAPHS)).encode("utf-16-le"))
    assert "UTF-16-LE without a byte-order mark" in decoded.note and "a web page: its text taken" in decoded.note
    decoded = decode(f"{PARAGRAPHS[0]}<br>{PARAGRAPHS[1]}".encode("utf-16-le"))
    assert "UTF-16-LE without a byte-order mark" in decoded.note and "1 tag(s) taken out" in decoded.note


def test_page_breaks_of_a_pdf_extraction_are_no_control_characters():
    """pdftotext ends each page with a form feed: slides of 60 characters a page are 1.6% form feeds, and text."""
    text = "\f".join(HAN[i : i + 60] for i in range(0, 1200, 60)) + "\f"
    assert decode(text.encode("utf-8")).text == text


def test_a_web_page_without_text_is_refused():
    page = _page('<script>window.location.href = "/zwgk/index.html";</script>')
    with pytest.raises(Unreadable):
        decode(page.encode("utf-8"))


def test_character_references_without_tags_are_resolved():
    """A line copied from a page's source with &ldquo; &rdquo; and no tag: its quotes are read."""
    seed = (SEEDS / "000_4635cf3c1d3ea286.txt").read_text(encoding="utf-8")
    line = next(p for p in seed.split("\n") if "“" in p and "”" in p)  # 原标题:我市召开专题研讨会深化“走出去”学习成果
    decoded = decode(line.replace("“", "&ldquo;").replace("”", "&rdquo;").encode("utf-8"))
    assert decoded.text == line and "character reference(s) resolved" in decoded.note


@pytest.mark.parametrize("title", ["海創雲視野", "兩化融合", "三區協同"])
def test_a_short_big5_title_whose_gb18030_reading_has_private_use_characters_is_big5(title):
    """Both readings of these titles have only common Han characters; GB18030's has a private-use character
    (\\ue1d3承冻跌偿 for 海創雲視野), which decides."""
    assert decode(title.encode("cp950")).text == title


# ----- dates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2021年7月26", "2021年3", "2015030512", "201503051"])
def test_a_metadata_date_with_something_after_it_is_refused_not_cut(value):
    """2021年7月26 (日 left out) read as 2021-07, and 2015030512 (a date and a serial) as 2015-03-05, silently."""
    with pytest.raises(ValueError, match="date"):
        parse_date(value)


def test_the_29th_of_february_of_a_leap_year_is_a_date():
    assert parse_date("2020-02-29").date == "2020-02-29" and parse_date("2020年2月29日").date == "2020-02-29"
    assert find_date("国务院联防联控机制2020年2月29日召开新闻发布会").date == "2020-02-29"
    with pytest.raises(ValueError, match="impossible date"):
        parse_date("2021-02-29")


def test_a_date_that_is_no_date_is_passed_over_for_the_next():
    """1893年12月26日 (a birthday before 1900, YEAR_RANGE) is no publication date; the date after it is found."""
    text = "纪念毛泽东同志诞辰120周年座谈会。毛泽东同志1893年12月26日出生于湖南湘潭。新华社北京2013年12月26日电"
    assert find_date(text).date == "2013-12-26"


@pytest.mark.parametrize(
    "text",
    [
        "会议于2021年3月5日召开。\n成文日期:2021年03月06日",  # gov.cn's label of a document's date
        "会议于2021年3月5日召开。发布时间:2021年3月6日",  # a labelled date with 年 月
        "会议于2021年3月5日召开。发布日期:2021 年 3 月 6 日",  # and with spaces, as a PDF's text has them
    ],
)
def test_a_labelled_date_is_found_however_it_is_written(text):
    assert find_date(text).date == "2021-03-06"


def test_a_date_with_spaces_as_a_pdf_copy_has_it_is_found():
    assert find_date("中共武汉市委 2021 年 7 月 26 日").date == "2021-07-26"


# ----- units: cut at sentence ends and clause breaks --------------------------------------------------------------

# real sentences: questions of the 1955 report, exclamations of the 1959 report
_QUESTIONS = [
    "有人认为：我国所处的国际环境不同于苏联革命胜利后的情况，我们现在有了苏联和各人民民主国家的帮助，何必急于工业化呢？",
    "有人认为：中国农民在改革土地制度以后，已经分得了土地，生产积极性很高，何必实行合作化呢？",
]
_EXCLAMATIONS = [
    "能够认真地把这个运动开展起来，坚持到底，我们的一九五九年国民经济计划就一定能够完成，而且能够超额完成！",
    "这对于西藏人民、全国各族人民和世界上一切藏族人民的真正同情者，是多么值得高兴的事情啊！",
]


@pytest.mark.parametrize("sentences", [_QUESTIONS, _EXCLAMATIONS], ids=["question", "exclamation"])
@pytest.mark.parametrize("normalised", [False, True])
def test_a_long_paragraph_is_cut_after_its_questions_and_exclamations(sentences, normalised):
    """？ and ！ end sentences (? and ! once normalised): the paragraph is cut after each, not at its commas."""
    if normalised:
        sentences = [Normalizer().normalize(s).text for s in sentences]
    units = split_units("".join(sentences), max_chars=60, min_chars=0, join_lines=False)
    assert units == sentences


@pytest.mark.parametrize("mark", ["：", ":", "，"])
def test_a_long_sentence_is_cut_at_its_colon_or_full_width_comma(mark):
    """A sentence longer than max_chars is cut at its ： (: once normalised) or ，, not every max_chars characters."""
    first, second = "今年发展主要预期目标是", "国内生产总值增长百分之五点五左右。"
    units = split_units(first + mark + second, max_chars=20, min_chars=0, join_lines=False)
    assert units == [first + mark, second]


# ----- units: lines of a PDF page joined, and not joined ----------------------------------------------------------
# a page 20 characters wide of seed 002's Han characters: lines 0, 2 and 3 are full


def _page_lines(second: str) -> list[str]:
    return [HAN[:20], second, HAN[40:60], HAN[60:80], HAN[80:86] + "。"]


@pytest.mark.parametrize("mark", [":", "!", ";", "?", "：", "！", "；"])
def test_a_line_one_short_of_the_width_that_ends_a_sentence_ends_its_paragraph(mark):
    """A line that ends a sentence (: ! ; ? as well as 。) must reach the width to be full: one of 19 ending with
    : is a paragraph's last line, and the next line starts a paragraph."""
    lines = _page_lines(HAN[20:38] + mark)
    joined, joins = join_broken_lines("\n".join(lines))
    assert joined.split("\n") == [lines[0] + lines[1], "".join(lines[2:])] and joins == 3


@pytest.mark.parametrize("normalised", [False, True])
def test_a_line_that_ends_in_an_ellipsis_ends_its_paragraph(normalised):
    """…… ends a paragraph, written so or as ...... once normalised (NFKC): it was joined to the next."""
    lines = _page_lines(HAN[20:35] + "……")
    if normalised:
        lines = [Normalizer().normalize(line).text for line in lines]
    assert join_broken_lines("\n".join(lines))[0].split("\n") == [lines[0] + lines[1], "".join(lines[2:])]


def test_a_line_one_short_of_the_width_that_ends_with_a_closing_bracket_ends_its_paragraph():
    lines = _page_lines(HAN[20:37] + "。)")
    assert join_broken_lines("\n".join(lines))[0].split("\n") == [lines[0] + lines[1], "".join(lines[2:])]


@pytest.mark.parametrize("first", ["《", "(", ")", "。", ";", ":"])
def test_a_line_that_starts_with_a_title_mark_a_bracket_or_punctuation_continues_the_full_line_before(first):
    """《 (a title broken at a line's end: 《中华人民共和国...》), ( (以下简称 ...), and punctuation no line of a
    paragraph starts with (a plain re-wrap put it there) continue the sentence of the full line before."""
    lines = [HAN[:20], first + HAN[20:39], HAN[40:60], HAN[60:66] + "。"]
    assert join_broken_lines("\n".join(lines)) == ("".join(lines), 3)


@pytest.mark.parametrize("marker", ["(1)", "1、", "①", "第3条", "一."])
def test_a_list_item_after_a_full_line_is_not_joined_to_it(marker):
    lines = [HAN[:20], HAN[20:40], marker + HAN[40 : 60 - len(marker)], HAN[60:80], HAN[80:86] + "。"]
    assert join_broken_lines("\n".join(lines))[0].split("\n") == [lines[0] + lines[1], "".join(lines[2:])]


# ----- markup ----------------------------------------------------------------------------------------------------


def test_a_page_is_recognised_after_blank_lines_and_an_xml_declaration_or_a_comment():
    assert is_page("\n\n<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0//EN\">")
    # Internet Explorer's "mark of the web", directly before <html>
    page = "<!-- saved from url=(0022)http://www.gov.cn/ --><html>" + _page("<p>" + PARAGRAPHS[0] + "</p>")[16:]
    assert is_page(page) and decode(page.encode("utf-8")).text == PARAGRAPHS[0]


def test_a_text_with_half_its_lines_tagged_keeps_its_paragraphs_apart():
    """Markup is "most" lines starting with a tag: two headings in <p> above two paragraphs are a text with tags
    in it, whose paragraphs stay two lines (read as a page's markup, they were joined into one)."""
    text = "\n".join(["<p>一、总体要求</p>", "<p>二、主要任务</p>", PARAGRAPHS[0], PARAGRAPHS[1]])
    lines = decode(text.encode("utf-8")).text.split("\n")
    assert PARAGRAPHS[0] in lines and PARAGRAPHS[1] in lines


def test_a_pretty_printed_body_is_markup():
    """A scraper's body, indented, each tag on its own line (</p> too): its text is the paragraphs."""
    body = '<div class="TRS_Editor">\n'
    body += "".join(f'  <p style="text-indent: 2em;">\n    {p}\n  </p>\n' for p in PARAGRAPHS) + "</div>\n"
    decoded = decode(body.encode("utf-8"))
    assert decoded.text.split("\n") == PARAGRAPHS and decoded.note.startswith("a page's markup")


def test_a_body_on_one_line_in_upper_case_tags_is_markup():
    """Old pages (the reports' 1990s pages) write <P>: a body on one line in such tags is markup too."""
    decoded = decode("".join(f'<P style="TEXT-INDENT: 2em">{p}</P>' for p in PARAGRAPHS).encode("utf-8"))
    assert decoded.text.split("\n") == PARAGRAPHS


def test_stray_markup_of_every_case_and_length_is_taken_out_and_what_is_no_markup_kept():
    text = (
        f"{PARAGRAPHS[0]}<BR>{PARAGRAPHS[1]}<strong>数字经济</strong>&#x201C;十四五&#x201D;\n"
        "<td>国内生产总值</td><td>增长8.1%</td>\n"
        "研究成果发表于<Science>。来源:http://www.hubei.gov.cn/list?page=2&region=wuhan\n"
    )
    out, references, tags = stray_markup(text)
    lines = out.split("\n")
    assert PARAGRAPHS[0] in lines and lines[1].startswith(PARAGRAPHS[1] + "数字经济“十四五”")
    assert "国内生产总值增长" not in out and "国内生产总值" in out  # a table's cells stay apart
    assert "<Science>" in out and "&region=wuhan" in out  # no tag of HTML, no reference
    assert (references, tags) == (2, 7)


def test_a_page_keeps_its_text_whatever_its_head_or_its_blocks():
    heading, first, second = "一、过去五年的工作", PARAGRAPHS[0], PARAGRAPHS[1]
    # a head left open (no </head>) ends where the body begins
    page = f'<html>\n<head>\n<meta charset="utf-8">\n<title>报告</title>\n<body>\n<p>{first}</p>\n</body></html>'
    assert decode(page.encode("utf-8")).text == first
    # a noscript's message is no text; list items, and a heading followed by its text, are lines of their own
    body = f"<noscript>您的浏览器不支持JavaScript,请开启后浏览</noscript><h1>{heading}</h1>{first}"
    body += f"<ul><li>{second}</li><li>{heading}</li></ul>"
    assert decode(_page(body).encode("utf-8")).text.split("\n") == [heading, first, second, heading]


def test_a_pages_source_lines_are_one_paragraph_but_in_pre():
    """A paragraph wrapped in the page's source is one line (one paragraph); the lines of <pre> (a plain text put
    on a page) are its paragraphs."""
    wrapped = _page(f"<p>{PARAGRAPHS[0][:30]}\n      {PARAGRAPHS[0][30:]}</p>")
    lines = decode(wrapped.encode("utf-8")).text.split("\n")
    assert len(lines) == 1 and PARAGRAPHS[0][:30] in lines[0] and PARAGRAPHS[0][30:] in lines[0]
    pre = _page("<pre>\n" + "\n".join(PARAGRAPHS) + "\n</pre>")
    assert decode(pre.encode("utf-8")).text.split("\n") == PARAGRAPHS


def test_a_page_cut_off_keeps_its_last_text():
    """A page saved before it had loaded: no closing tags, and its last text (ending R&D) is kept."""
    page = f"<html><body><p>{PARAGRAPHS[0]}</p><p>加大研发投入R&D"
    assert decode(page.encode("utf-8")).text.split("\n") == [PARAGRAPHS[0], "加大研发投入R&D"]


def test_a_utf8_file_with_a_bom_and_a_nul_reads_as_without_the_bom():
    """A file with a mark is read as the same bytes without one: one NUL inside a character, dropped (a review)."""
    from toolkit.text.decoding import decode

    body = ("政府工作报告" + "各位代表，现在我代表国务院向大会报告政府工作。" * 20).encode("utf-8")
    damaged = body[:1] + b"\x00" + body[1:]  # inside 政
    plain, marked = decode(damaged), decode(codecs.BOM_UTF8 + damaged)
    assert plain.text.startswith("政府")
    assert marked.text == plain.text and marked.encoding == "utf-8 (BOM)"  # 政 was dropped, the NUL kept


def test_a_utf8_file_with_two_marks_and_a_nul_reads_as_with_one():
    """Two marks (a tool that adds one to a file that had one) and a NUL: refused as 'not valid utf-8-sig', though
    the same file without the NUL reads and so does it with one mark (a review of 6940956)."""
    body = ("各位代表，现在我代表国务院向大会报告政府工作。" * 20).encode("utf-8")
    damaged = body[:30] + b"\x00" + body[30:]
    assert decode(codecs.BOM_UTF8 + codecs.BOM_UTF8 + body).text
    assert decode(codecs.BOM_UTF8 + codecs.BOM_UTF8 + damaged).text.lstrip("\ufeff").startswith("各位代表")


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts the descriptors in /proc")
def test_reading_a_folder_or_a_fifo_as_a_file_leaves_no_descriptor_open(tmp_path):
    """Each corpus load read corpus.texts, a folder, as a file to hash it: refused as it should be, but its
    descriptor stayed open, two a load, until a notebook that counted terms in a loop ran out of them ("Too many
    open files" at the 124th call on macOS's limit; a hostile pass of the API)."""
    from toolkit.resources import read_regular
    from toolkit.text.preparation import load_inputs

    os.mkfifo(tmp_path / "pipe")
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        for path in (tmp_path, tmp_path / "pipe"):
            with pytest.raises(OSError):
                read_regular(path)
    load_inputs(Config.load(ROOT / "configs" / "seeds.toml"))
    assert len(os.listdir("/proc/self/fd")) == before
