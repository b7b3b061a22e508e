import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from toolkit.text.normalize import Normalizer
from toolkit.text.units import join_broken_lines, split_units, wrap_width

from .conftest import GWR, SEED_FILES, SEEDS


def test_long_paragraphs_split_at_sentence_ends():
    paragraph = "推进数字经济发展。" * 30 + "建设东湖科学城！" * 10
    units = split_units(paragraph, max_chars=100, min_chars=10)
    assert len(units) > 2
    assert all(len(u) <= 100 for u in units)
    assert all(u.endswith(("。", "！")) for u in units)
    assert "".join(units) == paragraph


def test_a_text_without_sentence_punctuation_is_cut_at_commas_then_by_length():
    """The 2021 State Council report with its 。！？； and line breaks taken out (as some extracted pages are): one
    unit of 16,935 characters with units.max_chars = 400. Now cut at its commas, and a stretch without any by length."""
    from .conftest import GWR

    text = re.sub(r"[。！？；\n]", "", (GWR / "national_2021.txt").read_text(encoding="utf-8"))
    units = split_units(text, max_chars=400, min_chars=40)
    assert len(units) > 40 and "".join(units) == text
    assert max(map(len, units)) <= 400 and sum(u.endswith(("，", ",", "、", "：", ":")) for u in units) > len(units) / 2
    bare = "数字经济" * 300  # no punctuation at all
    assert split_units(bare, max_chars=400, min_chars=40) == [bare[i : i + 400] for i in range(0, 1200, 400)]


def test_short_lines_merge_with_their_neighbour():
    text = "一、发展目标\n到2025年,武汉高质量发展取得明显成效,在区域协调发展中引领作用充分发挥。\n谢谢。"
    units = split_units(text, max_chars=400, min_chars=20)
    assert units == ["一、发展目标\n到2025年,武汉高质量发展取得明显成效,在区域协调发展中引领作用充分发挥。\n谢谢。"]


def test_document_units_and_empty_text():
    assert split_units("第一段\n第二段", kind="document") == ["第一段\n第二段"]
    assert split_units("", kind="document") == []
    assert split_units("   \n ") == []


_PARAGRAPHS = st.lists(st.text(alphabet=st.sampled_from(list("创新生态数字经济发展。！？；,、 ab1")), max_size=300), max_size=12)


@given(paragraphs=_PARAGRAPHS, max_chars=st.integers(5, 200), min_chars=st.integers(0, 60))
@example(paragraphs=["111111", "111111111111111", "1"], max_chars=9, min_chars=7)  # 6 + (9 + 6) + 1 characters
def test_splitting_keeps_every_character_in_order(paragraphs, max_chars, min_chars):
    if min_chars >= max_chars:
        min_chars = max_chars - 1
    text = "\n".join(paragraphs)
    units = split_units(text, max_chars=max_chars, min_chars=min_chars, join_lines=False)
    assert "".join(units).replace("\n", "") == "".join(line.strip() for line in text.split("\n"))
    assert all(unit.strip() for unit in units)
    joined = split_units(text, max_chars=max_chars, min_chars=min_chars)  # joins add at most a space
    assert "".join("".join(joined).split()) == "".join(text.split())
    assert len(units) <= 1 or all(len(u.replace("\n", "")) >= min(min_chars, 1) for u in units)
    # no unit is much longer than max_chars, with or without punctuation: a piece is at most max_chars, or that
    # with its paragraph's short last piece (under min_chars); a unit is a piece with the short ones before it
    # (under min_chars together) merged into it, and the last unit those after it too
    assert all(len(u.replace("\n", "")) <= max_chars + 3 * max(min_chars - 1, 0) for u in units)


# ----- lines broken inside a sentence (PDF copies) -----------------------------------------------------------

_CLOSING = set(",，、。.;；:：!！?？”’)）」』》】…")


def _as_pdf(raw: str, width: int = 40) -> str:
    """``raw`` with every line re-broken every ``width`` characters as a PDF page does it: punctuation that may
    not start a line (,。”) stays at the end of the line before (so some lines are a character or two longer)."""
    out = []
    for line in raw.split("\n"):
        while len(line) > width:
            cut = width
            while cut < len(line) and line[cut] in _CLOSING:
                cut += 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def _bare(units: list[str]) -> list[str]:
    return ["".join(unit.split()) for unit in units]


@pytest.mark.parametrize("name", ["000_4635cf3c1d3ea286.txt", "002_2c7342bd1836c4df.txt"])
def test_a_seed_rebroken_as_a_pdf_gives_the_units_of_the_original(name):
    """Tolerance: units compare without whitespace (the re-break cuts "互联网 ”" where a space stood); at least 90%
    of the original's characters lie in units that come back identical. The rest are paragraphs whose last line
    happens to be full and end a sentence (a PDF cannot tell them from a line broken after 。), so they are joined
    to the next paragraph."""
    normalizer = Normalizer()
    raw = (SEEDS / name).read_text(encoding="utf-8")
    original = _bare(split_units(normalizer.normalize(raw).text))
    pdf = normalizer.normalize(_as_pdf(raw)).text
    assert wrap_width([len(line) for line in pdf.split("\n")]) == 40
    rebuilt = _bare(split_units(pdf))
    kept = sum(len(unit) for unit in rebuilt if unit in set(original)) / sum(map(len, original))
    assert kept >= 0.9
    assert abs(len(rebuilt) - len(original)) <= 2
    unjoined = _bare(split_units(pdf, join_lines=False))  # what the units were before lines were joined
    assert sum(len(unit) for unit in unjoined if unit in set(original)) / sum(map(len, original)) < 0.5


def test_a_heading_is_not_joined_to_its_body():
    normalizer = Normalizer()
    raw = (SEEDS / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
    heading = "(二)着力推动产业转型升级,加快打造现代产业高地"
    pdf, joins = join_broken_lines(normalizer.normalize(_as_pdf(raw)).text)
    assert joins > 20
    lines = pdf.split("\n")
    assert heading in lines  # its own line: shorter than the page's width
    assert lines[lines.index(heading) + 1].startswith("产业是高质量发展的根基")
    web = normalizer.normalize(raw).text  # one line per paragraph: nothing to join
    assert join_broken_lines(web) == (web, 0)


def test_a_list_is_not_joined():
    normalizer = Normalizer()
    raw = (SEEDS / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
    body = normalizer.normalize(_as_pdf(raw)).text
    # full lines of real text (Han characters only: no 。 at their end), each starting with a marker
    han = [re.sub(r"[^\u4e00-\u9fff]", "", line) for line in raw.split("\n") if len(line) >= 100]
    items = [(marker + words)[:40] for marker, words in zip(["一、", "二、", "三、", "(一)", "1.", "第三条 "], han)]
    assert all(len(item) >= 40 for item in items)
    text = body + "\n" + "\n".join(items)
    joined = join_broken_lines(text)[0].split("\n")
    assert joined[-len(items) :] == items  # each item its own line, none joined to the line before


def test_the_shipped_corpora_have_no_line_to_join():
    """The seeds and the State Council reports have one line per paragraph: not one join."""
    normalizer = Normalizer()
    for path in [*SEED_FILES, *sorted(GWR.glob("*.txt"))]:
        text = normalizer.normalize(path.read_text(encoding="utf-8")).text
        assert join_broken_lines(text) == (text, 0), path.name


def test_paragraphs_one_a_line_a_few_of_one_length_by_chance_are_not_joined():
    """A document assembled from report paragraphs, one a line, 60 to 400 characters: when 5 of its 20 happened to
    be about 70 characters long it read as a page 70 wide, and every longer paragraph was joined to the next (20
    paragraphs became 14 units, silently). A page breaks its lines at the width: lines longer than that outnumber
    its full lines only where there is no page."""
    normalizer = Normalizer()
    texts = [normalizer.normalize(path.read_text(encoding="utf-8")).text for path in sorted(GWR.glob("*.txt"))]
    lines = [line for text in texts for line in text.split("\n") if 60 <= len(line) <= 400]
    near = [line for line in lines if 68 <= len(line) <= 72][:5]
    longer = [line for line in lines if len(line) > 100][:15]
    assert len(near) == 5 and len(longer) == 15
    document = "\n".join(line for pair in zip(longer, near + [""] * 10) for line in pair if line)
    assert join_broken_lines(document) == (document, 0)
    assert len(split_units(document)) == 20
    # a page of that width is still one: its lines at the width, the paragraphs' last lines shorter
    page = _as_pdf("\n".join(longer), 70)
    assert wrap_width([len(line) for line in page.split("\n")]) == 70 and join_broken_lines(page)[1] > 15


def test_a_page_of_many_digits_and_latin_letters_is_still_a_page():
    """A page breaks its lines at a visual width, where a half-width digit or letter takes half a character: in a
    report with figures (5.5%, GDP, PM2.5) in half of its paragraphs the lines holding them are longer in
    characters than the width. A rule that wanted fewer lines longer than the width than lines at it found no page
    there, and joined nothing (an adversarial review: 0 joins where there were 380)."""
    import random

    rng = random.Random(1)
    figures = ["2021", "5.5%", "GDP", "CPI", "5G", "12.3", "PM2.5", "R&D", "WTO", "internet"]
    paragraphs = []
    for paragraph in Normalizer().normalize((GWR / "national_2018.txt").read_text(encoding="utf-8")).text.split("\n"):
        if rng.random() < 0.5:
            every = rng.choice([5, 8, 12, 20, 30])
            paragraph = "".join(ch + (rng.choice(figures) if i % every == 0 else "") for i, ch in enumerate(paragraph))
        paragraphs.append(paragraph)
    lines = []
    for paragraph in paragraphs:  # wrapped at 40 full-width characters, a half-width one taking half
        line, width = "", 0.0
        for ch in paragraph:
            step = 0.5 if ch.isascii() else 1.0
            if width + step > 40:
                lines.append(line)
                line, width = "", 0.0
            line, width = line + ch, width + step
        lines.append(line)
    page = "\n".join(lines)
    joined, joins = join_broken_lines(page)
    assert joins > 300 and len(joined.split("\n")) < len(lines) / 2


def test_a_pdf_copy_is_joined_in_the_prepared_corpus_and_the_option_is_in_its_cache_key(small_corpus, tmp_path):
    from toolkit.config import Config
    from toolkit.text.preparation import load_inputs, prepare

    raw = (small_corpus / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
    (small_corpus / "002_2c7342bd1836c4df.txt").write_text(_as_pdf(raw), encoding="utf-8")
    config = Config.from_dict(
        {
            "corpus": {"texts": str(small_corpus), "metadata": str(small_corpus / "metadata.csv")},
            "cache": {"dir": str(tmp_path / "cache")},
        }
    )
    joined = prepare(config, load_inputs(config))
    quality = joined.quality.set_index("doc_id")
    assert quality.loc["002_2c7342bd1836c4df", "joined_lines"] > 20
    assert (quality.drop("002_2c7342bd1836c4df")["joined_lines"] == 0).all()
    off = config.with_values(**{"units.join_lines": False})
    assert load_inputs(off).key != load_inputs(config).key
    kept = prepare(off, load_inputs(off))
    assert kept.cache_stats["prepared"] == "miss"  # not the joined corpus read back
    assert (kept.quality["joined_lines"] == 0).all()
    assert len(kept.units[kept.units["doc_id"] == "002_2c7342bd1836c4df"]) > len(
        joined.units[joined.units["doc_id"] == "002_2c7342bd1836c4df"]
    )


@pytest.mark.parametrize("ext", ["\U0002003e", "\U00031350"])  # Extensions B and H
def test_a_line_starting_with_a_character_beyond_the_bmp_is_joined(ext):
    """A PDF copy of seed 002 whose lines start with a Han character of Extension B or H (Extension H is newer
    than Python's Unicode tables) is joined as the copy whose lines start with 中."""
    raw = (SEEDS / "002_2c7342bd1836c4df.txt").read_text(encoding="utf-8")
    pdf = Normalizer().normalize(_as_pdf(raw)).text
    bmp, beyond = (re.sub(r"(?m)^[\u4e00-\u9fff]", first, pdf) for first in ["中", ext])
    joined, joins = join_broken_lines(beyond)
    assert joins == join_broken_lines(bmp)[1] > 20
    assert joined.replace(ext, "中") == join_broken_lines(bmp)[0]


def test_a_long_paragraphs_short_tail_stays_with_its_paragraph():
    """A hostile pass of the preprocessing: a 401-character digital-economy paragraph was cut into 392 + 9, and the
    tail 大力发展数字经济。 merged into the next (ecology) paragraph, giving it a digital-economy keyword."""
    from toolkit.text.units import split_units

    sentence = "推进数字产业化和产业数字化,建设数据中心和算力网络,培育平台经济和电子商务新业态。"  # 41 characters
    paragraph = sentence * 9 + sentence[:22] + "。" + "大力发展数字经济。"  # 401 characters: 392 + 9
    assert len(paragraph) == 401
    ecology = "加强生态环境保护,打好污染防治攻坚战,推进绿色低碳发展和碳达峰碳中和工作,建设美丽中国。"
    units = split_units(paragraph + "\n" + ecology, max_chars=400, min_chars=40)
    assert "数字经济" not in units[-1] and units[-1].endswith(ecology)
    assert any(unit.endswith("大力发展数字经济。") for unit in units)
    assert all(len(unit) < 400 + 40 for unit in units)


# ----- exact boundaries (a mutation audit) ----------------------------------------------------------------------
# sentences of 9, 9 and 7 characters
_NINE, _NINE_TOO, _SEVEN = "推动数字经济发展。", "加快建设数字中国。", "建设美丽中国。"


def test_sentences_that_fill_max_chars_exactly_make_one_unit():
    """A long paragraph is cut into pieces of "at most max_chars": two sentences of 9 characters fill a piece of 18
    together, and the third starts the next (a mutation audit: a piece had to stay under max_chars, and each sentence
    became a unit of its own)."""
    assert (len(_NINE), len(_NINE_TOO), len(_SEVEN)) == (9, 9, 7)
    units = split_units(_NINE + _NINE_TOO + _SEVEN, max_chars=18, min_chars=0, join_lines=False)
    assert units == [_NINE + _NINE_TOO, _SEVEN]


def test_a_long_paragraphs_last_piece_of_exactly_min_chars_is_a_unit_of_its_own():
    """Only a last piece "shorter than min_chars" stays with the piece before it: one of exactly min_chars (7) is a
    unit (a mutation audit: it was merged into the piece before, or carried into the unit before)."""
    units = split_units(_NINE + _NINE_TOO + _SEVEN, max_chars=18, min_chars=7, join_lines=False)
    assert units == [_NINE + _NINE_TOO, _SEVEN]
    # one character shorter than min_chars, it stays with its paragraph
    assert split_units(_NINE + _NINE_TOO + _SEVEN, max_chars=18, min_chars=8, join_lines=False) == [_NINE + _NINE_TOO + _SEVEN]


def test_a_paragraph_of_exactly_min_chars_is_a_unit_and_a_shorter_one_merges():
    """Units "under min_chars" merge into the next: a heading of exactly min_chars (7) is a unit of its own, one of 5
    joins the paragraph after it (a mutation audit: the paragraph of exactly min_chars was merged too)."""
    assert split_units(f"{_SEVEN}\n{_NINE}", max_chars=400, min_chars=7) == [_SEVEN, _NINE]
    assert split_units(f"美丽中国。\n{_NINE}", max_chars=400, min_chars=7) == [f"美丽中国。\n{_NINE}"]


def test_the_width_of_a_page_takes_lines_within_two_characters_of_it():
    """A page's full lines are those within WRAP_SLACK (2) characters of its width: two lines of 20 and one of 18 (or
    22) make three full lines of a page 20 wide among eight; one of 17 leaves two, too few (a mutation audit: lines
    exactly 2 away did not count)."""
    assert wrap_width([20, 20, 18, 5, 5, 5, 5, 5]) == 20
    assert wrap_width([20, 20, 22, 5, 5, 5, 5, 5]) == 20
    assert wrap_width([20, 20, 17, 5, 5, 5, 5, 5]) == 0


def test_lines_at_the_width_half_of_which_end_a_sentence_are_no_page():
    """A page breaks its lines mostly inside sentences: it is one when "fewer than half" of its full lines end a
    sentence. Four lines of 20, two ending with 。, are no page; one ending with 。 leaves a page (a mutation audit:
    exactly half made a page)."""
    assert wrap_width([20, 20, 20, 20], [True, True, False, False]) == 0
    assert wrap_width([20, 20, 20, 20], [True, False, False, False]) == 20


def test_the_width_of_a_page_is_the_longest_of_equally_common_lengths():
    """Three lines of 20 and three of 30 characters: the width is 30, "the longest of equally common ones" (a
    mutation audit: the shortest was taken)."""
    assert wrap_width([20, 20, 20, 30, 30, 30]) == 30
    assert wrap_width([30, 30, 30, 20, 20, 20]) == 30


def test_latin_words_broken_across_lines_of_a_page_are_joined_with_a_space():
    """Lines of a page are joined without a space, but with one between two Latin letters: a PDF line that
    ends with Made in and the next that starts with China 2025 give "Made in China 2025", as the sentence reads (a
    mutation audit: they gave "Made inChina 2025")."""
    lines = [  # a page 20 characters wide
        "各地区各部门要坚持以人民为中心的发展思想",
        ",加快推进制造强国建设,实施Made in",
        "China 2025战略,推动制造业高端",
        "化绿色化发展,不断增强人民群众的获得感幸",
        "福感安全感。",
    ]
    assert [len(line) for line in lines] == [20, 21, 20, 20, 6]
    paragraph = lines[0] + lines[1] + " " + "".join(lines[2:])
    joined, joins = join_broken_lines("\n".join(lines))
    assert (joined, joins) == (paragraph, len(lines) - 1)
    # a number, or a name with one, broken at a line's end is one word: no space (a hostile pass of the preprocessing
    # found 建成5 G基站 and 共170 42名, which `terms` counted no 5G in)
    numbers = [
        "各地区各部门要坚持以人民为中心的发展思想",
        "、加快推进新型基础设施建设,全年共建成5",
        "G基站超过一万个,新增就业人员共计170",
        "42名,不断增强人民群众的获得感幸福感安",
        "全感。",
    ]
    assert [len(line) for line in numbers] == [20, 20, 20, 20, 3]
    assert join_broken_lines("\n".join(numbers)) == ("".join(numbers), 4)


# ----- a third mutation audit (units, dates, the metadata side of corpus): each test fails on a mutant that passed ----


def test_min_chars_equal_to_max_chars_is_refused():
    """units.min_chars "must be below" units.max_chars: equal is refused too (a mutation audit: 40 and 40 passed)."""
    from toolkit.errors import ToolkitError

    with pytest.raises(ToolkitError, match=r"units.min_chars \(40\) must be below units.max_chars \(40\)"):
        split_units("推动数字经济发展。", max_chars=40, min_chars=40)


def test_a_page_is_at_least_fifteen_characters_wide():
    """WRAP_MIN: a width below 15 is no page (lists, table cells); lines of exactly 15 make one (a mutation audit:
    14 was taken for a width, or 15 refused)."""
    assert wrap_width([15, 15, 15]) == 15
    assert wrap_width([14, 14, 14]) == 0


def test_a_page_needs_a_quarter_of_its_lines_at_the_width():
    """WRAP_SHARE: three full lines among twelve are a quarter, a page; among thirteen they are fewer (a mutation
    audit: a fifth was enough)."""
    assert wrap_width([20, 20, 20] + [5] * 9) == 20
    assert wrap_width([20, 20, 20] + [5] * 10) == 0


def test_a_blank_line_is_no_line_of_the_page():
    """Only non-empty lines count towards the share of full lines (a pasted page can hold blank lines): three full
    lines among twelve non-empty ones and a blank one are still a page, and its broken lines are joined (a mutation
    audit: the blank line counted, and nothing was joined)."""
    headings = ["一、总体要求", "二、主要任务", "三、保障措施"]
    lines = ["坚持创新驱动发展全面塑造发展新优势加快建", "设科技强国。"] * 3 + headings * 2
    text = "\n".join(lines[:6]) + "\n\n" + "\n".join(lines[6:])
    assert [len(line) for line in lines[:2]] == [20, 6]
    joined, joins = join_broken_lines(text)
    assert joins == 3 and joined.startswith("坚持创新驱动发展全面塑造发展新优势加快建设科技强国。\n")


def test_a_full_line_is_two_short_of_the_width_unless_it_ends_a_sentence():
    """On a page 20 wide a line of 18 that does not end a sentence is full, and joined to the next; a line of 19 that
    ends a sentence (。 then a closing quote) must reach the width itself, so the next paragraph stays apart (a
    mutation audit: the line of 18 was left broken; the closing quote hid the sentence's end and the paragraphs were
    joined)."""
    lines = [
        "各地区各部门要坚持以人民为中心的发展思想",
        "加快推进制造强国建设推动制造业高端化",
        "智能化绿色化发展不断增强人民群众的获得感",
        "幸福感安全感,“让人民生活更加美好。”",
        "坚持创新在我国现代化建设全局中的核心地位",
        ",加快建设科技强国。",
    ]
    assert [len(line) for line in lines] == [20, 18, 20, 19, 20, 10]
    joined, joins = join_broken_lines("\n".join(lines))
    assert joined == "".join(lines[:4]) + "\n" + "".join(lines[4:]) and joins == 4


def test_a_line_starting_with_a_symbol_no_sentence_continues_with_is_not_joined():
    """A line of a page that starts with ★ (neither a Han character, a digit or letter, a quote, nor punctuation
    that cannot start a line) starts a paragraph (a mutation audit: it was joined to the full line before it)."""
    lines = [
        "各地区各部门要坚持以人民为中心的发展思想",
        "加快推进制造强国建设推动制造业高端化智能",
        "★坚持创新在我国现代化建设全局中的核心地",
        "位,加快建设科技强国。",
    ]
    assert [len(line) for line in lines] == [20, 20, 20, 11]
    assert join_broken_lines("\n".join(lines)) == (lines[0] + lines[1] + "\n" + lines[2] + lines[3], 2)


def test_a_digit_or_comma_beside_a_han_character_is_joined_without_a_space():
    """Only two Latin letters are joined with a space: 2025 at a line's end and 年 at the next line's start
    give 2025年, a comma at a line's end and 5G at the next one's give ",5G" (a mutation audit: "2025 年", ", 5G")."""
    lines = [
        "推进新型基础设施建设,力争本市在2025",
        "年全面建成全国领先的信息基础设施体系,",
        "5G网络和千兆光网覆盖全市,推动数字产业",
        "化和产业数字化。",
    ]
    assert [len(line) for line in lines] == [20, 19, 20, 8]
    assert join_broken_lines("\n".join(lines)) == ("".join(lines), 3)


def test_a_sentence_of_exactly_max_chars_is_not_cut_at_its_commas():
    """A sentence longer than max_chars is cut at its commas; one of exactly max_chars (18) is a piece whole (a
    mutation audit: its first clause was packed with the sentence before)."""
    first, second = "推动数字经济发展。", "加快建设数字中国,推进绿色低碳发展。"
    assert (len(first), len(second)) == (9, 18)
    assert split_units(first + second, max_chars=18, min_chars=0, join_lines=False) == [first, second]


@pytest.mark.parametrize("mark", [";", "；"])
def test_a_long_paragraph_is_cut_at_semicolons(mark):
    """; ends a sentence (；in a text not normalised): 7 + 9 + 9 characters with max_chars 18 are cut after the
    second sentence, not in the middle of a word (a mutation audit: a cut at 18 characters, 加快|建设)."""
    paragraph = f"建设美丽中国{mark}推动数字经济发展{mark}加快建设数字中国。"
    assert len(paragraph) == 25
    units = split_units(paragraph, max_chars=18, min_chars=0, join_lines=False)
    assert units == [f"建设美丽中国{mark}推动数字经济发展{mark}", "加快建设数字中国。"]


@pytest.mark.parametrize("mark", [",", "、"])
def test_a_long_sentence_is_cut_at_its_commas_and_enumeration_commas(mark):
    """A sentence longer than max_chars (26 > 15) is cut at its , or 、 (8 + 6 | 6 + 6), not every 15 characters
    (a mutation audit: 推动数字产业化、产业数字化、数|据价值化 ...)."""
    sentence = f"推动数字产业化{mark}产业数字化{mark}数据价值化{mark}数字化治理。"
    assert len(sentence) == 26
    units = split_units(sentence, max_chars=15, min_chars=0, join_lines=False)
    assert units == [f"推动数字产业化{mark}产业数字化{mark}", f"数据价值化{mark}数字化治理。"]
