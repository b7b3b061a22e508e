"""Rules of the preparation stage (toolkit/text/preparation.py) found unguarded by a mutation audit: the warnings for a
user's boilerplate patterns, the errors for a user's dictionary files, and the reasons a skipped document is listed."""

import pytest

from toolkit.analysis.lexicon import load_lexicon
from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.text.preparation import make_normalizer, make_segmenter

BODY = "国务院关于加快发展数字经济的指导意见全文如下。"


def _patterns(tmp_path, *patterns):
    (tmp_path / "bp.txt").write_text("\n".join(patterns) + "\n", encoding="utf-8")
    (tmp_path / "c.toml").write_text('[normalize]\nextra_boilerplate = ["bp.txt"]\n', encoding="utf-8")
    return Config.load(tmp_path / "c.toml")


def _unfolded_warning(caplog) -> str:
    return " ".join(r.getMessage() for r in caplog.records if "boilerplate pattern(s) hold" in r.getMessage())


def test_a_pattern_with_one_alternative_in_traditional_script_is_warned_of(tmp_path, caplog):
    """^(節選|节目): 節選 is 节选 in every normalised line, so that alternative removes nothing, though 节 of its
    folded form is elsewhere in the pattern (in 节目): every character of the run must have its folded form there."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, "^(節選|节目)"))
    assert normalizer.normalize(f"節選自人民日报\n{BODY}").text.startswith("节选")  # the line stays: it removes nothing
    assert "^(節選|节目)" in _unfolded_warning(caplog)


def test_a_pattern_that_holds_the_normalised_form_of_its_traditional_word_is_not_warned_of(tmp_path, caplog):
    """^(乾隆時|乾隆时): 乾隆時 folds to 乾隆时 as a word (乾 alone would be 干, absent), which the pattern holds:
    it removes its line and is no pattern that removes nothing."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, "^(乾隆時|乾隆时)"))
    assert normalizer.normalize(f"乾隆時期的档案\n{BODY}").text == BODY  # it works
    assert _unfolded_warning(caplog) == ""


@pytest.mark.parametrize(
    "pattern",
    [
        "^来源\u3000新华社",  # a full-width space: a space in the lines the patterns read
        "^\u3000\u3000来源",
        "^来源\u3000新华社 记者",  # an ASCII space elsewhere in the pattern had hidden it
        "^来源\\u3000新华社",  # written as an escape
        "^来源\u200b新华社",  # a zero-width space: removed
        "^来源\t新华社",  # a tab: a space
        "^来源  新华社",  # two spaces: one
        "^ 来源",  # a space at the start: stripped
        "(来源|出处)\u3000+新华社",
    ],
)
def test_a_pattern_that_asks_for_what_the_lines_never_hold_is_warned_of(tmp_path, caplog, pattern):
    """The lines the patterns run on hold a full-width space, a tab or two spaces as one space and no invisible
    character, and start with no space, so a pattern asking for one (copied from a text's indented line) removes
    nothing: said, not left to silence (mutation audit 32, then a review of its first fix)."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, pattern))
    assert normalizer.normalize(f"\u3000\u3000来源\u3000新华社\n{BODY}").text.startswith("来源新华社")  # the line stays
    assert pattern in _unfolded_warning(caplog)


@pytest.mark.parametrize(
    "pattern",
    ["^来源 新华社", "^来源[ \u3000]新华社", "^来源[\\s\u3000]新华社", "^来源[^\u3000]+$", "^来源 ?新华社", "^来源\\s*新华社"],
)
def test_a_pattern_with_a_space_as_the_lines_hold_it_is_not_warned_of(tmp_path, caplog, pattern):
    """A space as the lines hold it (an ASCII one, a class, \\s, an optional one) removes its line: not warned of
    (a class holding U+3000 beside \\s was, in the first fix)."""
    with caplog.at_level("WARNING", logger="toolkit"):
        normalizer = make_normalizer(_patterns(tmp_path, pattern))
    assert _unfolded_warning(caplog) == ""
    assert normalizer.normalize(f"\u3000\u3000来源\u3000新华社\n{BODY}").text == BODY


def test_extra_stopwords_are_dropped_beside_the_shipped_ones(tmp_path):
    """segment.extra_stopwords adds to the maintained and policy lists (docs/configuration.md): a user's list of
    one word had replaced them (推进 and 的 kept: mutation audit 32)."""
    sentence = "要大力推进科技创新，加快发展数字经济的步伐，推进生态文明建设。"
    (tmp_path / "extra.txt").write_text("步伐\n", encoding="utf-8")
    shipped = make_segmenter(Config.from_dict({}), load_lexicon()).tokens(sentence)
    config = Config.from_dict({"segment": {"extra_stopwords": [str(tmp_path / "extra.txt")]}})
    extra = make_segmenter(config, load_lexicon()).tokens(sentence)
    assert "步伐" in shipped and "推进" not in shipped  # the case: 步伐 a word, 推进 a shipped stopword
    assert extra == [word for word in shipped if word != "步伐"]


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_a_dictionary_that_is_no_file_is_an_error_naming_the_option(tmp_path, kind):
    """README: bad input gives one error naming what to fix, not a traceback from inside jieba."""
    path = tmp_path / "dict.txt"
    if kind == "folder":
        path.mkdir()
    config = Config.from_dict({"segment": {"extra_dictionaries": [str(path)]}})
    with pytest.raises(ToolkitError, match="segment.extra_dictionaries"):
        make_segmenter(config, load_lexicon())


def test_the_segmenter_is_made_with_the_configs_token_rules():
    """docs/configuration.md: segment.min_chars drops tokens shorter than it (lexicon words kept) and
    segment.drop_numbers = false keeps numbers; both read from the config, not fixed."""
    lexicon = load_lexicon()
    sentence = "到2035年基本实现社会主义现代化，推动绿色低碳发展，建设数字中国和美丽中国。"
    strict = make_segmenter(Config.from_dict({"segment": {"min_chars": 4}}), lexicon).tokens(sentence)
    assert strict and all(len(word) >= 4 or word in lexicon.words for word in strict), strict
    loose = make_segmenter(Config.from_dict({"segment": {"min_chars": 2}}), lexicon).tokens(sentence)
    assert any(len(word) < 4 and word not in lexicon.words for word in loose), loose  # the sentence has such words
    numbers = make_segmenter(Config.from_dict({"segment": {"drop_numbers": False}}), lexicon).tokens(sentence)
    assert "2035" in numbers
    assert "2035" not in make_segmenter(Config.from_dict({"segment": {"drop_numbers": True}}), lexicon).tokens(sentence)


def _list_warnings(tmp_path, caplog, words: str, **normalize) -> str:
    from toolkit.text.preparation import warn_unmatchable

    (tmp_path / "stop.txt").write_text(words + "\n", encoding="utf-8")
    config = Config.from_dict({"segment": {"extra_stopwords": [str(tmp_path / "stop.txt")]}, "normalize": normalize})
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_unmatchable(config, load_lexicon())
    return " ".join(r.getMessage() for r in caplog.records if "stopwords (segment.extra_stopwords)" in r.getMessage())


def test_a_two_character_word_with_a_character_the_segmenter_cuts_at_is_named(tmp_path, caplog):
    """二〇: 〇 is cut at by jieba, so no token is ever that word (a word of two characters as much as a longer one)."""
    assert "二〇" in _list_warnings(tmp_path, caplog, "二〇")


def test_traditional_words_are_not_said_to_match_nothing_when_texts_stay_traditional(tmp_path, caplog):
    """With normalize.to_simplified = false the texts keep 數據, so a list's 數據 matches; with it on, it does not."""
    assert "數據" not in _list_warnings(tmp_path, caplog, "數據", to_simplified=False)
    caplog.clear()
    assert "數據 -> 数据" in _list_warnings(tmp_path, caplog, "數據", to_simplified=True)


def test_a_listed_word_that_traditional_texts_read_otherwise_is_named(tmp_path, caplog):
    """著力: a mainland form, kept in a mainland text, but 着力 in a traditional one once normalised (its Taiwan variant
    reverted), so the list is told to hold that form too."""
    warned = _list_warnings(tmp_path, caplog, "著力")
    assert "traditional script" in warned and "著力 -> 着力" in warned
