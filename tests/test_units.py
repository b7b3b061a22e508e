from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.units import split_units


def test_long_paragraphs_split_at_sentence_ends():
    paragraph = "推进数字经济发展。" * 30 + "建设东湖科学城！" * 10
    units = split_units(paragraph, max_chars=100, min_chars=10)
    assert len(units) > 2
    assert all(len(u) <= 100 for u in units)
    assert all(u.endswith(("。", "！")) for u in units)
    assert "".join(units) == paragraph


def test_short_lines_merge_with_their_neighbour():
    text = "一、发展目标\n到2025年,武汉高质量发展取得明显成效,在区域协调发展中引领作用充分发挥。\n谢谢。"
    units = split_units(text, max_chars=400, min_chars=20)
    assert units == ["一、发展目标\n到2025年,武汉高质量发展取得明显成效,在区域协调发展中引领作用充分发挥。\n谢谢。"]


def test_document_units_and_empty_text():
    assert split_units("第一段\n第二段", kind="document") == ["第一段\n第二段"]
    assert split_units("", kind="document") == []
    assert split_units("   \n ") == []


_PARAGRAPHS = st.lists(st.text(alphabet=st.sampled_from(list("创新生态数字经济发展。！？；,、 ab1")), max_size=300),
                       max_size=12)


@settings(max_examples=200, deadline=None)
@given(paragraphs=_PARAGRAPHS, max_chars=st.integers(5, 200), min_chars=st.integers(0, 60))
def test_splitting_keeps_every_character_in_order(paragraphs, max_chars, min_chars):
    if min_chars >= max_chars:
        min_chars = max_chars - 1
    text = "\n".join(paragraphs)
    units = split_units(text, max_chars=max_chars, min_chars=min_chars)
    assert "".join(units).replace("\n", "") == "".join(line.strip() for line in text.split("\n"))
    assert all(unit.strip() for unit in units)
    assert len(units) <= 1 or all(len(u.replace("\n", "")) >= min(min_chars, 1) for u in units)
