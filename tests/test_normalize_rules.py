"""The rules of normalisation one at a time, on Chinese text: each test holds a behaviour that a mutation audit of
toolkit/text/normalize.py found no test holding (a constant, a branch or a piece of a regex changed, and every test
still passed)."""

import re

import pandas as pd
import pytest

from toolkit.text.normalize import Normalizer, to_simplified

from .conftest import GWR

ARTICLE = "加快建设国家级吸引和集聚人才的平台,打造适应武汉高质量发展需要的人才队伍。" * 3  # seed 003, 111 characters


def _garbled(text: str, encoding: str = "latin-1") -> str:
    """``text`` saved as UTF-8 and read back with ``encoding`` (mojibake)."""
    import ftfy  # noqa: F401  (registers the sloppy codecs)

    return text.encode("utf-8").decode(encoding)


def _pdf_lines(width: int = 36) -> list[str]:
    """The State Council report of 2019 as a PDF copy gives it: its text broken every ``width`` characters."""
    text = (GWR / "national_2019.txt").read_text(encoding="utf-8")
    flat = "".join(line.strip() for line in text.split("\n") if line.strip())
    return [flat[i : i + width] for i in range(0, len(flat), width)]


# ----- the Han character ---------------------------------------------------------------------------------------


def test_a_compatibility_ideograph_is_a_han_character():
    """HAN_RANGES says the compatibility ideographs (U+F900-FAFF) are Han characters. The property test meant to hold
    them draws 豈 from its source, which an editor's NFC turned into the unified 豈 (U+8C48): written as escapes here."""
    from toolkit.text.normalize import HAN, _han_count

    compatibility = "\uf900\ufa11\ufa0e"  # 豈 﨑 﨎 as that block writes them
    assert _han_count(compatibility) == 3
    assert re.fullmatch(f"[{HAN}]+", compatibility)


# ----- pinyin readings ------------------------------------------------------------------------------------------


def test_a_reading_with_erhua_is_stripped(normalizer):
    """A reading of a word with 儿 written as the syllable's final r (tuǐr, huàr) is a reading like any other."""
    result = normalizer.normalize("让数据多跑路,让群众少跑腿儿(tuǐr),有事好商量、说句心里话儿(huàr)")
    assert result.text == "让数据多跑路,让群众少跑腿儿,有事好商量、说句心里话儿"
    assert result.removed["pinyin"] == len("(tuǐr)(huàr)")


def test_a_reading_typed_with_combining_tone_marks_is_stripped(normalizer):
    """Tone marks typed as combining characters (a + U+0300) are composed by NFKC before the reading rules look, so
    創(chuàng) reads the same however its tone mark was typed (the quick NFKC must fall back to the full algorithm)."""
    decomposed = "創(chua\u0300ng)新發(fa\u0304)展是第一要務(wu\u0300)"
    assert normalizer.normalize(decomposed).text == normalizer.normalize("創新發展是第一要務").text == "创新发展是第一要务"


def test_a_reading_whose_parenthesis_and_character_were_both_lost_is_stripped(normalizer):
    """A crawl that lost a character and the parenthesis of its reading to ? (第一要?jiǎng)) leaves ??chuàng): the
    reading after a ? that stands for a character goes like one after the character itself."""
    result = normalizer.normalize("加快推进??chuàng)新发展")
    assert "chuàng" not in result.text and result.text.endswith("新发展")
    assert result.removed["pinyin"] == len("?chuàng)")


def test_a_reading_whose_tone_mark_an_encoding_lost_is_stripped(normalizer):
    """A Big5 (or GBK) copy of a page with readings has no à: 創(chuàng)新發(fā)展 is saved as 創(chu?ng)新發(f?)展, and the
    readings stayed, cutting 创新 (a hostile pass of the inspection commands). A '?' in place of one vowel of a
    syllable is the tone mark lost, in a text of two such readings or more; a '?' alone, or one that makes no
    syllable, is no reading."""
    saved = "堅持創(chuàng)新發(fā)展".encode("big5", "replace").decode("big5")
    assert saved == "堅持創(chu?ng)新發(f?)展"
    result = normalizer.normalize(saved)
    assert result.text == "坚持创新发展" and result.removed["pinyin"] == len("(chu?ng)(f?)")
    for kept in ("是否(?)可行", "代号(x?z)不变", "创新(??)发展", "他问(he?)然后"):
        assert normalizer.normalize(kept).text == kept
    # capitalised, or a word's syllables apart, as the readings with their marks are (a review: kept, cutting 创新);
    # a '?' for a tone only where a text holds two such readings or more: one alone is as likely a question
    saved = "創(Chu?ng)新發展,碳達峰(t?n d? f?ng)目標".encode("big5", "replace").decode("big5")
    assert normalizer.normalize(saved).text == "创新发展,碳达峰目标"
    assert normalizer.normalize("堅持創(chu?ng)新發展").text == "坚持创(chu?ng)新发展"


@pytest.mark.parametrize("name", ["蒙特利尔(Montréal)", "奥尔良(Orléans)", "圣保罗(São Paulo)", "波哥大(Bogotá)"])
def test_a_foreign_name_with_accented_letters_in_parentheses_stays(normalizer, name):
    """A tone-marked vowel alone does not make a reading: each syllable must be one of pinyin (Montréal is none)."""
    text = f"加强与{name}等城市的经贸合作"
    assert normalizer.normalize(text).text == text


# ----- invisible characters, line breaks, list numbers ----------------------------------------------------------


def test_a_delete_character_cuts_no_word(normalizer):
    """DEL (U+007F) is a control character like the C0 ones: removed, not left inside 数字经济."""
    result = normalizer.normalize("推进数字\x7f经济发展")
    assert result.text == "推进数字经济发展" and result.removed["whitespace"] == 1


def test_a_lone_carriage_return_breaks_a_line(normalizer):
    """A file with the line breaks of classic Mac OS (\\r alone) has its lines: a furniture line is dropped alone,
    not the paragraphs with it."""
    result = normalizer.normalize("加快建设科技强国。\r推进创新发展。\r点击查看更多")
    assert result.text == "加快建设科技强国。\n推进创新发展。"


def test_circled_numbers_up_to_twenty_mark_list_items(normalizer):
    """① ... ⑳ all become (1) ... (20), the list-item markers the unit rules know; ⑳ as a bare 20 starts no item."""
    items = "".join(f"{chr(0x2460 + i)}加强生态环境保护\n" for i in range(20))
    expected = "\n".join(f"({i + 1})加强生态环境保护" for i in range(20))
    assert normalizer.normalize(items).text == expected


def test_the_whitespace_removed_is_counted(normalizer):
    """quality.csv's removed_whitespace counts the spaces stripped from the ends of a line and those closed up
    between two Chinese characters (a spaced-out title)."""
    from toolkit.text.normalize import quality_row

    result = normalizer.normalize("  政 府 工 作 报 告  \n推进 高质量发展")
    assert result.text == "政府工作报告\n推进高质量发展"
    assert result.removed["whitespace"] == 4 + 5 + 1
    assert quality_row("d", result)["removed_whitespace"] == 10


# ----- mojibake ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, word, after",
    [
        ("湖南省长沙县", "㮾", "梨街道推进乡村振兴"),  # 㮾 U+3BBE: UTF-8 E3 AE BE
        ("本报记者", "陈静", "报道:加快建设数字中国"),  # 陈静: E9 ..., E9 ...
    ],
)
def test_a_word_in_mojibake_inside_clean_text_is_repaired(normalizer, before, word, after):
    """A field of a page (a place name, a reporter's name) read with the wrong codec inside clean text: ftfy runs
    when the text shows a lead byte of a Han character's UTF-8, which 0xE3 (U+3000-3FFF) and 0xE9 (U+9000-9FFF)
    are as much as the others."""
    assert normalizer.normalize(before + _garbled(word) + after).text == before + word + after


@pytest.mark.parametrize("text", ["加强数字经济建设", "决不能有丝毫懈怠"])  # 加 E5 8A A0, 怠 E6 80 A0
def test_mojibake_read_as_windows_1252_after_a_no_break_space_is_repaired_whole(normalizer, text):
    """As for Latin-1 (test_normalize), for text decoded as Windows-1252, where the bytes 80-9F are letters and signs
    (€ Š ...): an A0 byte after one of them is inside a character, and the character is repaired whole."""
    assert normalizer.normalize("\xa0" + _garbled(text, "sloppy-windows-1252")).text == text


# ----- script ---------------------------------------------------------------------------------------------------


def test_zhu_stays_in_an_idiom_of_it_in_traditional_script():
    """彰明較著 (plain for all to see) is a word of 著 (zhù): simplified, it keeps 著."""
    text = "兩年來，改革成效彰明較著，群眾獲得感明顯增強。"
    assert to_simplified(text) == "两年来，改革成效彰明较著，群众获得感明显增强。"


def test_a_mainland_text_quoting_a_title_in_traditional_script_is_not_read_as_a_traditional_text():
    """A mainland report that quotes a book's title in traditional script changes well under 1% of its characters:
    it goes through t2s alone, and the variant tables do not touch its words of 著 (新著, 所著)."""
    report = (GWR / "national_2008.txt").read_text(encoding="utf-8")
    quote = "厉以宁教授在其新著《中國經濟》中指出,马克思所著《資本論》"
    assert to_simplified(f"{report}\n{quote}").endswith("厉以宁教授在其新著《中国经济》中指出,马克思所著《资本论》")


def test_the_regional_form_of_a_mainland_word_of_zhu_is_itself():
    """regional_form goes through the traditional form first: 显著 stays 显著 (tw2s on 显著 itself gives 显着)."""
    from toolkit.text.normalize import regional_form

    assert regional_form("成效显著") == "成效显著" and regional_form("著力") == "着力"


# ----- boilerplate patterns -------------------------------------------------------------------------------------


def test_a_users_pattern_file_may_indent_its_comments_and_pad_its_patterns(tmp_path):
    """A file of extra patterns edited by hand: an indented # line is a comment, and the spaces around a pattern are
    not part of it."""
    from toolkit.text.normalize import load_boilerplate_patterns

    extra = tmp_path / "样板.txt"
    extra.write_text("    # 本站的转载声明\n  ^本站声明  \t\n", encoding="utf-8")
    shipped = [p.pattern for p in load_boilerplate_patterns()]
    assert [p.pattern for p in load_boilerplate_patterns([extra])] == [*shipped, "^本站声明"]
    normalizer = Normalizer(boilerplate_patterns=load_boilerplate_patterns([extra]))
    assert normalizer.normalize("推动数字经济发展\n本站声明:转载请注明出处").text == "推动数字经济发展"


def test_one_pattern_given_as_a_string_is_one_pattern():
    """Normalizer(boilerplate_patterns="^本站声明") is that one pattern, not one pattern per character."""
    normalizer = Normalizer(boilerplate_patterns="^本站声明", to_simplified=False)
    text = "推动数字经济发展\n本站声明:转载请注明出处\n加快建设数字中国"
    assert normalizer.normalize(text).text == "推动数字经济发展\n加快建设数字中国"


def test_a_pattern_that_is_no_string_is_refused_with_a_toolkit_error():
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match="must be a regular expression"):
        Normalizer(boilerplate_patterns=[123])


def test_a_long_line_loses_every_piece_of_a_share_bar_at_its_start(normalizer):
    """A page scraped without line breaks starts with its share bar (分享到 扫一扫 打印本页): each piece matches at
    the line's start only once the one before it is gone; all go, and the article stays."""
    assert len(ARTICLE) > 100
    result = normalizer.normalize("分享到 扫一扫 打印本页 " + ARTICLE)
    assert result.text == ARTICLE
    # a sentence that starts with the words of a share bar is no share bar (this audit: dropped whole, long or short)
    sentence = "扫一扫二维码即可在线办理社保、医保等高频事项,让数据多跑路、群众少跑腿。"
    assert normalizer.normalize(sentence).text == sentence
    assert normalizer.normalize("分享到 " + sentence + ARTICLE).text == sentence + ARTICLE


def test_a_long_line_with_fewer_than_ten_chinese_characters_left_goes_whole(normalizer):
    """What the patterns leave of a long line stays only with 10 Han characters or more (MIN_KEPT_HAN); the
    characters of a line dropped whole are all credited to the patterns, as quality.csv lists them."""
    furniture = "点击查看更多" * 17  # 102 characters
    for rest, kept in (("推进数字经济发展", False), ("推进数字经济高质量发展", True)):  # 8 and 11 Han characters
        result = normalizer.normalize(f"{furniture}{rest}\n{ARTICLE}")
        assert result.text == (f"{rest}\n{ARTICLE}" if kept else ARTICLE), rest
        assert sum(result.boilerplate.values()) == result.removed["boilerplate"] == len(furniture) + (0 if kept else len(rest))


def test_characters_two_patterns_match_are_counted_once_and_every_rule_listed_removed_some(normalizer):
    """浏览:12次 at the start of a long line is matched by two shipped patterns at once; the six characters are
    counted once, and each pattern quality.csv lists is credited with characters it removed (none with 0)."""
    result = normalizer.normalize("浏览:12次" + ARTICLE)
    assert result.text == ARTICLE
    assert sum(result.boilerplate.values()) == result.removed["boilerplate"] == 6
    assert len(result.boilerplate) == 2 and all(n > 0 for n in result.boilerplate.values())


# ----- a PDF's running heads ------------------------------------------------------------------------------------


def test_a_pdf_copys_subheading_said_twice_is_kept():
    """A running head recurs on every page (three times or more); a short line that occurs twice (the same
    subheading in two parts of a report) is the text's own."""
    lines = _pdf_lines()
    heading = "(一)总体要求"
    lines[100:100] = [heading]
    lines[400:400] = [heading]
    result = Normalizer().normalize("\n".join(lines))
    assert result.text.split("\n").count(heading) == 2 and not result.boilerplate


def test_a_pdf_copys_recurring_short_sentence_is_kept():
    """A transcript's 谢谢。 recurs on many pages, but it ends a sentence: no running head or page number does."""
    lines = _pdf_lines()
    for at in (500, 300, 100):
        lines[at:at] = ["谢谢。"]
    result = Normalizer().normalize("\n".join(lines))
    assert result.text.split("\n").count("谢谢。") == 3 and not result.boilerplate


def test_a_full_line_of_a_narrow_page_that_recurs_is_kept():
    """On a page 20 characters wide a running head is at most half that wide: three paragraphs that open with the
    same 20 characters give three equal full lines, text all of them (the limit is not PAGE_HEAD_MAX alone)."""
    from toolkit.text.units import page_width

    opening = "各地区各部门要坚持以人民为中心的发展思想"  # 20 characters
    paragraphs = [
        opening + ",着力解决群众急难愁盼问题,推动就业教育医疗养老等民生事业全面发展,不断增强人民群众的获得感幸福感安全感。",
        opening + ",加快建设美丽中国,推进生态环境保护和绿色低碳转型,让人民群众享有更多蓝天碧水净土。",
        opening + ",深入推进数字政府建设,推动政务服务一网通办,让数据多跑路、群众少跑腿,切实提升办事效率。",
    ]
    page = [paragraph[i : i + 20] for paragraph in paragraphs for i in range(0, len(paragraph), 20)]
    assert page_width(page) == 20
    result = Normalizer().normalize("\n".join(page))
    assert result.text.split("\n") == page and not result.boilerplate


# ----- a text saved twice ----------------------------------------------------------------------------------------


def test_a_paragraph_saved_twice_with_a_space_between_is_read_once(normalizer):
    """A paragraph that ends with 。 saved twice on one line with a space between (the space is not between two Han
    characters, so it stays until the halves are compared)."""
    paragraph = "坚持创新在我国现代化建设全局中的核心地位,把科技自立自强作为国家发展的战略支撑。"
    result = normalizer.normalize(f"{paragraph} {paragraph}")
    assert result.text == paragraph and result.repeated_lines == 1


def test_a_sentence_said_twice_for_emphasis_or_around_a_comma_is_kept(normalizer):
    """A line is one text twice only when its halves are 20 characters or more each and nothing but a space stands
    between them: a slogan said twice in a row, or a clause repeated after a comma, is what the text says."""
    for line in (
        "绿水青山就是金山银山。绿水青山就是金山银山。",  # halves of 11 characters
        "坚持以人民为中心的发展思想不动摇坚定不移走共同富裕道路,坚持以人民为中心的发展思想不动摇坚定不移走共同富裕道路",
    ):
        result = normalizer.normalize(line)
        assert result.text == line and result.repeated_lines == 0


# ----- notes appendix --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "appendix",
    [
        "名词解释\n1、物联网:是指通过信息传感设备\n2、云计算:是基于互联网的服务",
        "注释:\n一、物联网:是指通过信息传感设备\n二、云计算:是基于互联网的服务",
    ],
)
def test_a_notes_appendix_headed_or_numbered_as_printed_reports_do_is_measured(normalizer, appendix):
    from toolkit.text.normalize import notes_appendix

    body = normalizer.normalize((GWR / "national_2010.txt").read_text(encoding="utf-8")).text[:3000]
    text = f"{body}\n{appendix}\n"
    assert notes_appendix(text) == len(text) - len(body) - 1


# ----- quality.csv's flag and its warning ------------------------------------------------------------------------


def test_a_text_of_under_100_characters_is_flagged_very_short_and_one_of_100_is_not(normalizer):
    """outputs.md: quality.csv flags a document that holds under 100 characters."""
    from toolkit.text.normalize import quality_row

    text = ("坚持创新驱动发展,全面塑造发展新优势。" * 6)[:100]
    assert quality_row("d", normalizer.normalize(text))["flag"] == ""
    assert quality_row("d", normalizer.normalize(text[:99]))["flag"] == "very short (99 characters)"
    assert quality_row("d", normalizer.normalize(text[:60]))["flag"] == "very short (60 characters)"


def test_a_page_that_normalising_mostly_removed_is_flagged_mostly_broken(normalizer):
    """A scraped page of which normalisation removed most (comment boxes, a share bar, credits), however clean
    what is left: quality.csv flags it mostly broken rather than passing it as a text."""
    from toolkit.text.normalize import quality_row

    furniture = "\n".join(["已有0人参与,点击查看更多精彩评论", "分享到 扫一扫 打印本页 返回顶部", "责任编辑:李明"] * 10)
    result = normalizer.normalize(f"{ARTICLE}\n{furniture}")
    assert result.text == ARTICLE and len(furniture) > 2 * len(ARTICLE)
    assert quality_row("d", result)["flag"] == "mostly broken"


def test_a_page_of_signs_alone_is_flagged_mostly_broken(normalizer):
    """A file left with no letter, digit or Chinese character at all (a page of rules and stars) holds no text."""
    from toolkit.text.normalize import quality_row

    result = normalizer.normalize("★★★★★\n————————\n※※※")
    assert result.text and quality_row("d", result)["flag"] == "mostly broken"


@pytest.mark.parametrize("count", [3, 5])
def test_the_warning_of_flagged_documents_names_three_and_marks_the_others(caplog, count):
    """The warning names at most three flagged documents, and says ... only when it leaves some out."""
    from toolkit.text.normalize import warn_flagged

    quality = pd.DataFrame({"doc_id": [f"doc{i}" for i in range(count)], "flag": ["very short (10 characters)"] * count})
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_flagged(quality)
    named = [f"doc{i}" for i in range(count) if f"doc{i}: very short" in caplog.text]
    assert f"{count} document(s)" in caplog.text and named == [f"doc{i}" for i in range(min(count, 3))]
    assert ("characters) ...; quality.csv" in caplog.text) == (count > 3)
