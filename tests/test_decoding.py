import codecs

import pytest

from toolkit.text.decoding import Unreadable, decode
from toolkit.text.normalize import to_simplified

from .conftest import GWR, SEEDS

TEXT = (SEEDS / "003_627586bead8599d4.txt").read_text(encoding="utf-8")[:3000]


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8 (BOM)"),
        (TEXT.encode("utf-16"), "utf-16 (BOM)"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16 (BOM)"),
        # written without a byte-order mark (a script's or an export's): was "binary file: contains NUL bytes"
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_simplified_text_in_every_encoding_decodes_the_same(data, encoding):
    decoded = decode(data)
    assert decoded.text == TEXT
    assert decoded.encoding == encoding


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_chinese_in_utf16_without_a_byte_order_mark_is_read_in_its_byte_order(codec):
    """The byte order was chosen by the side of the pairs with more zero bytes: in a report the Han characters
    with a zero byte (一 U+4E00, 开 U+5F00, 最 U+6700) outnumber the ASCII ones, so 49 of 53 State Council reports
    were refused as binary, and 最低工资标准 was read in the other order as 'g乏\ue55d䒍ݨ왑'."""
    for name in ("national_1954.txt", "national_1991.txt", "national_2022.txt"):
        text = (GWR / name).read_text(encoding="utf-8")
        decoded = decode(text.encode(codec))
        assert decoded.text == text and decoded.encoding == codec, name
    for text in ("最低工资标准", "一带一路建设", "一", "file,date\n"):
        assert decode(text.encode(codec)).text == text


def test_big5_traditional_text_is_recognised():
    import opencc

    traditional = opencc.OpenCC("s2t").convert(TEXT)
    data = traditional.encode("big5", errors="ignore")
    decoded = decode(data)
    assert decoded.encoding == "big5"
    assert decoded.text == data.decode("big5")
    assert "中共武漢市委" in decoded.text and to_simplified(decoded.text).count("武汉") == TEXT.count("武汉")


@pytest.mark.parametrize("extension", ["恒", "裏", "墻", "碁"])
def test_big5_as_windows_writes_it_is_read_too(extension):
    """Windows saves Big5 as cp950, whose extensions (恒 in 持之以恒, 裏, 墻, 碁) Python's big5 codec refuses: such a
    file was skipped as unreadable."""
    import opencc

    traditional = opencc.OpenCC("s2t").convert(TEXT[:600]).encode("cp950", errors="ignore").decode("cp950")
    traditional += f"持之以{extension}。"
    data = traditional.encode("cp950")
    with pytest.raises(UnicodeDecodeError):
        data.decode("big5")
    decoded = decode(data)
    assert decoded.encoding == "cp950" and decoded.text == traditional


def test_gbk_bytes_are_not_taken_for_big5():
    # Both codecs can decode some GBK byte strings; the plausibility check must choose GB18030.
    text = "推进数字经济和实体经济深度融合，加快建设国家创新型城市。" * 5
    assert decode(text.encode("gbk")).text == text


def test_file_cut_inside_a_character_keeps_the_rest():
    data = TEXT.encode("utf-8")[:-1]  # the last character is 3 bytes; cut one
    decoded = decode(data)
    assert decoded.text == TEXT[:-1]
    assert "partial character was dropped" in decoded.note


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"  \n\t\n", "only whitespace"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", ".docx"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"abc\x00\x00def" * 10, "NUL bytes"),
        # zero bytes on one side of their pairs, but no text: control characters, or a Han reading of rare characters
        (bytes([1, 0, 2, 0, 3, 0, 4, 0]) * 40, "NUL bytes"),
        (bytes([0x12, 0x34, 0xAB, 0x4F, 0x0A, 0x00]) * 40, "NUL bytes"),
        (bytes(range(128, 256)) * 4, "not readable"),
    ],
)
def test_unusable_files_get_a_reason(data, reason):
    with pytest.raises(Unreadable, match=reason.replace(".", r"\.")):
        decode(data)


def test_declared_encoding_is_used_and_checked():
    assert decode(TEXT.encode("gb18030"), "gb18030").text == TEXT
    with pytest.raises(Unreadable, match="not valid utf-8"):
        decode(TEXT.encode("gb18030"), "utf-8")
    with pytest.raises(Unreadable, match="unknown encoding"):
        decode(b"abc", "klingon")
    # "auto" however a spreadsheet capitalises it (AUTO was an unknown encoding: a hostile pass)
    for auto in ("AUTO", "Auto", " auto "):
        assert decode(TEXT.encode("gb18030"), auto) == decode(TEXT.encode("gb18030"))


def test_round_trip_through_traditional_script_is_readable():
    traditional = (SEEDS / "004_1467077b33d2f3ae.txt").read_text(encoding="utf-8")
    assert to_simplified(decode(traditional.encode("utf-16")).text).startswith("创(chuàng)新")


def test_a_utf8_file_with_a_few_bad_bytes_is_read_without_them_and_says_so():
    """One byte of 0xff in the middle of a State Council report (a copy damaged on its way): the whole file was
    skipped as "not readable ...; re-save the file as UTF-8", which it already was."""
    text = (GWR / "national_2007.txt").read_text(encoding="utf-8")
    data = text.encode("utf-8")
    damaged = data[:20414] + b"\xff" + data[20414:]
    decoded = decode(damaged)
    assert (decoded.encoding, decoded.text) == ("utf-8", text)
    assert decoded.note == "1 byte sequence(s) not valid UTF-8 dropped (the first at byte 20414)"
    # a file in another encoding is never read as UTF-8 with its characters dropped: a GBK list of names of rare
    # characters (which no reading finds plausible) stays unreadable, as it was
    assert decode(text.encode("gb18030")).encoding == "gb18030"
    mostly_ascii = "Annual report, section 1. " * 400 + "政府工作报告"
    assert decode(mostly_ascii.encode("gbk")).text == mostly_ascii
    with pytest.raises(Unreadable, match="not readable as UTF-8"):
        decode(("Name list: " * 50 + "蔺彧 赟 喆 堃").encode("gbk"))
    with pytest.raises(Unreadable, match="not readable as UTF-8"):
        decode(damaged, repair=False)  # a metadata table or a coding sheet: a dropped byte is refused
    with pytest.raises(Unreadable, match=r"as UTF-8 it is invalid from byte 0, in \d+ places"):
        decode(bytes(range(0x80, 0x100)) * 50)


def test_a_gbk_table_drawn_with_box_characters_is_gbk():
    """Box drawing counts against a reading only to break a tie: a GBK report with a table drawn in ┌─┐ was
    refused, and a short one read as Big5 (庚岸庖...), when it weighed against GB18030's score."""
    text = (GWR / "national_2012.txt").read_text(encoding="utf-8")[:300]
    table = text + "\n┌──┬──┐\n" + "│ 指标 │ 2012 │\n├──┼──┤\n" * 20
    for sample in (table, "┌─┐│项目│└─┘"):
        decoded = decode(sample.encode("gbk"))
        assert (decoded.encoding, decoded.text) == ("gb18030", sample)


def test_a_short_big5_title_is_not_read_as_gb18030():
    """A Big5 file holding a title alone: both readings had only common Han characters (GB18030's 现 and 厨 beside
    box drawing and private-use characters), and the tie went to GB18030: 2019现┎厨."""
    for title in ("2019年政府工作報告\n", "關於推進數據要素市場化的意見\n"):
        assert decode(title.encode("cp950")).text == title


def test_a_web_page_saved_as_text_is_read_as_the_text_a_browser_shows(tmp_path):
    """A State Council report as a browser saves it (GBK, a head with a script and a style, a navigation bar,
    one <p> per paragraph, character references) and renamed to .txt: it was analysed markup and all (``div``
    among a theme's top words). Now its text is what a browser shows, and its note says so."""
    from toolkit.text.corpus import load_corpus

    paragraphs = [p for p in (GWR / "national_2012.txt").read_text(encoding="utf-8").split("\n") if p.strip()][:6]
    page = (
        '<!DOCTYPE html>\n<html lang="zh">\n<head><meta charset="gbk"><title>政府工作报告_中国政府网</title>\n'
        '<script>var nav = ["首页", "政务公开"]; if (a < b) {}</script><style>p { color: #333 }</style></head>\n'
        '<body><div class="nav"><a href="/">首页</a> | <a href="/zw">政务公开</a></div>\n'
        + "".join(f"<p>\n  {p}\n</p>\n" for p in paragraphs)
        + "<p>创新&amp;发展<br/>第二行</p><script>track();</script></body></html>\n"
    )
    decoded = decode(page.encode("gbk"))
    assert decoded.text.split("\n") == ["首页 | 政务公开", *paragraphs, "创新&发展", "第二行"]
    assert decoded.note.startswith("a web page: its text taken, ") and decoded.encoding == "gb18030"
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "page_2012.txt").write_bytes(page.encode("gbk"))
    (tmp_path / "m.csv").write_text("file,date\npage_2012.txt,2012-03-05\n", encoding="utf-8")
    corpus = load_corpus(tmp_path / "texts", tmp_path / "m.csv")
    row = corpus.documents.iloc[0]
    assert row["status"] == "used" and "a web page" in row["note"] and row["chars"] == len(decoded.text)
    assert corpus.text(row["doc_id"]) == decoded.text
    # text with a tag or two in it is not a page: its tags are taken out (stray_markup), its text kept
    assert decode("<p>一段话</p>".encode()).text == "\n一段话\n"


def test_the_page_test_reads_comments_once_and_tables_keep_their_rows():
    from toolkit.text.markup import is_page, page_text

    # a pattern with nested repetition took seconds for 22 comments, hours for 40
    assert not is_page("<!-- 注释 -->\n" * 5000 + "正文") and is_page("<!-- 注释 -->\n" * 5000 + "<html><body>正文")
    assert is_page("<?xml version='1.0'?>\n<!DOCTYPE html>") and not is_page("<htmlx>") and not is_page("<!-- 未完")
    page = "<html><body><table><tr><td>指标</td><td>2012</td></tr><tr><th>GDP</th><td>47</td></tr></table></body></html>"
    assert page_text(page) == "指标 2012\nGDP 47"


def test_the_markup_of_a_pages_body_is_read_as_its_text_a_tag_or_two_is_not():
    """A scraper's output, the body's markup without the page's head (<p>...&nbsp;...</p> lines), passed through:
    nbsp, br, div and class became tokens (found by a review). Most lines starting with a tag make it markup, read
    as a page's text; a text with a tag or two keeps them."""
    from toolkit.text.decoding import decode

    scraped = '<p>推进数字经济发展&nbsp;建设数字政府</p><br/>\n<div class="x">加强生态环境保护&amp;治理</div>\n<p>加快创新</p>\n'
    decoded = decode(scraped.encode("utf-8"))
    assert decoded.text == "推进数字经济发展\xa0建设数字政府\n加强生态环境保护&治理\n加快创新"
    assert "a page's markup: its text taken" in decoded.note
    prose = "第一段提到<b>创新</b>。\n第二段。\n<p>第三段</p>\n第四段。\n"
    decoded = decode(prose.encode("utf-8"))
    assert decoded.text == "第一段提到创新。\n第二段。\n\n第三段\n\n第四段。\n"  # not markup: its tags taken out alone
    assert decoded.note == "HTML in the text (copied from a web page?): 4 tag(s) taken out"


def test_html_left_in_plain_text_is_resolved_and_taken_out_and_a_body_on_one_line_is_markup():
    """From a hostile pass of the input side: the State Council reports with &nbsp; indents, &ldquo;/&rdquo; quotes
    and a <br> at each line's end (as scraped corpora are): ldquo and rdquo became digital_economy's third and fourth
    top words, and 数字&nbsp;经济 lost 数字经济; a page's body saved on one line (<p style="text-indent: 2em;
    font-family: 宋体;">...</p><p>...) was not read as markup, its style words the file's most frequent tokens.
    A ``<`` or ``&`` that is no HTML (x<5, R&D, AT&T) stays."""
    from toolkit.text.markup import stray_markup

    text = "&nbsp;&nbsp;&ldquo;十四五&rdquo;时期，大力发展数字&nbsp;经济<br>生态文明<br/>"
    text += "建设<span class='a'>共同</span>富裕&#12290;"
    decoded = decode(text.encode("utf-8"))
    assert decoded.text == "\xa0\xa0“十四五”时期，大力发展数字\xa0经济\n生态文明\n建设共同富裕。"
    assert decoded.note == "HTML in the text (copied from a web page?): 6 character reference(s) resolved and 4 tag(s) taken out"
    kept = "研发投入R&D; 增长, AT&T 与 x<5 及 a < b > c, &unknown; 保持"
    assert stray_markup(kept) == (kept, 0, 0)
    # escaped twice, as some scrapers store it: the tags come out of their references, then are taken out
    assert stray_markup("&lt;p&gt;数字经济&lt;/p&gt;") == ("\n数字经济\n", 4, 2)
    paragraphs = [p for p in (GWR / "national_2019.txt").read_text(encoding="utf-8").split("\n") if p.strip()][:5]
    body = "".join(f'<p style="text-indent: 2em; font-family: 宋体;">{p}</p>' for p in paragraphs)
    decoded = decode(body.encode("utf-8"))
    assert decoded.text.split("\n") == paragraphs and decoded.note.startswith("a page's markup: its text taken")
    assert "style" not in decoded.text and "宋体" not in decoded.text


def test_the_common_characters_are_the_4000_most_frequent_han_characters_of_jiebas_dictionary():
    """README: toolkit/data/common_chars.txt holds "the 4,000 most frequent characters of jieba's dictionary": 4,000
    distinct Han characters, the most frequent first (一, 人 and 国 among the first ten; a rare one, 龘, absent)."""
    from toolkit.resources import common_chars, data_path
    from toolkit.text.normalize import HAN_RANGES

    text = data_path("common_chars.txt").read_text(encoding="utf-8").replace("\n", "")
    assert len(text) == len(set(text)) == len(common_chars()) == 4000
    assert all(any(low <= ord(ch) <= high for low, high in HAN_RANGES) for ch in text)
    assert {"一", "人", "国"} <= set(text[:10]) and "龘" not in text


def test_a_chinese_reading_is_taken_when_half_its_characters_are_common_and_refused_below():
    """Bytes that are no UTF-8 are read as GB18030 (or Big5) only when at least half of that reading's Han characters
    are common ones: a wrong reading is mostly rare characters. A GBK list whose characters are half common is read;
    one whose characters are 4 in 10 common (5 in 11) is refused as unreadable (a mutation audit: a bar of 0.3 took
    those too)."""
    from toolkit.resources import common_chars

    rare = "蔺彧赟喆堃焱淼"  # characters of names, none among the 4,000 common ones
    assert not set(rare) & common_chars() and set("发展创新改革") <= common_chars()
    for text in ("发展创新改" + rare[:5], "发展创新改革" + rare[:6]):  # 5 of 10, 6 of 12
        decoded = decode(text.encode("gbk"))
        assert (decoded.encoding, decoded.text) == ("gb18030", text)
    for text in ("发展创新" + rare[:6], "发展创新改" + rare[:6]):  # 4 of 10, 5 of 11
        with pytest.raises(Unreadable, match="not readable as UTF-8, UTF-16, GB18030 or Big5"):
            decode(text.encode("gbk"))


def _with_bad_bytes(text: str, bad: int) -> bytes:
    """``text`` as UTF-8 with ``bad`` single 0xff bytes (never valid UTF-8, nor a lead byte of GB18030 or Big5) spread
    through it, between characters."""
    step = len(text) // (bad + 1)
    pieces = [text[i * step : (i + 1) * step] for i in range(bad)] + [text[bad * step :]]
    return b"\xff".join(piece.encode("utf-8") for piece in pieces)


def test_utf8_with_a_bad_byte_is_read_only_with_a_hundred_characters_beyond_ascii_for_it():
    """A UTF-8 file with an invalid byte is read without it only where the rest is plainly UTF-8: a hundred characters
    beyond ASCII for each bad sequence. 100 Chinese characters and one bad byte are read; 99 are refused (a mutation
    audit: ten for each read a 12-character text with a bad byte as UTF-8)."""
    report = (GWR / "national_2007.txt").read_text(encoding="utf-8")
    chinese = "".join(ch for ch in report if not ch.isascii())
    decoded = decode(_with_bad_bytes(chinese[:100], 1))
    assert (decoded.encoding, decoded.text) == ("utf-8", chinese[:100])
    at = len(chinese[:50].encode("utf-8"))  # the bad byte, after the first 50 characters
    assert decoded.note == f"1 byte sequence(s) not valid UTF-8 dropped (the first at byte {at})"
    for text in (chinese[:99], chinese[:12]):
        with pytest.raises(Unreadable, match=r"as UTF-8 it is invalid from byte \d+, in 1 places"):
            decode(_with_bad_bytes(text, 1))


def test_utf8_with_ten_bad_bytes_is_read_and_with_eleven_is_refused():
    """At most MAX_BAD_UTF8 (10) invalid sequences are dropped from a file of fewer than 10,000 characters (above that,
    one in a thousand): 1,500 Chinese characters with 10 bad bytes are read, with 11 refused (a mutation audit: a
    limit of 100 read a file with 11)."""
    report = (GWR / "national_2007.txt").read_text(encoding="utf-8")
    chinese = "".join(ch for ch in report if not ch.isascii())[:1500]
    decoded = decode(_with_bad_bytes(chinese, 10))
    assert (decoded.encoding, decoded.text) == ("utf-8", chinese)
    assert decoded.note.startswith("10 byte sequence(s) not valid UTF-8 dropped")
    with pytest.raises(Unreadable, match=r"as UTF-8 it is invalid from byte \d+, in 11 places"):
        decode(_with_bad_bytes(chinese, 11))


def test_text_with_more_than_one_percent_control_characters_is_binary():
    """A file that decodes but whose characters are more than 1% control characters (other than tab and line breaks)
    is binary: 11 BEL characters in 1,001 are refused, 10 in 1,000 read (a mutation audit: a bar of 10% read a file
    of one control character in 91)."""
    report = (GWR / "national_2007.txt").read_text(encoding="utf-8")
    chinese = "".join(ch for ch in report if not ch.isascii())[:990]
    at_one_percent = "\x07".join(chinese[i : i + 99] for i in range(0, 990, 99)) + "\x07"  # 10 in 1,000
    assert len(at_one_percent) == 1000 and at_one_percent.count("\x07") == 10
    assert decode(at_one_percent.encode("utf-8")).text == at_one_percent
    for text in (at_one_percent + "\x07", chinese[:90] + "\x07"):  # 11 in 1,001; 1 in 91
        with pytest.raises(Unreadable, match="binary file: decodes as utf-8 but is full of control characters"):
            decode(text.encode("utf-8"))
