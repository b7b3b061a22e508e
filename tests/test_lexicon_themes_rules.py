"""From mutation audit 21 of analysis/lexicon.py and analysis/themes.py: each test here failed on a change of the code
that every other test let through. The lexicon file: each field's check and its message, words and labels as the
lexicon's header and docs/corpus.md describe them, patterns refused for any word or mark; keyword matching with
``match = "contains"`` wherever it is passed; topic labels on the top-``top_n`` words (docs/configuration.md's
defaults); the dominant theme's ties. The expected values follow from the docstrings and docs, worked by hand."""

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.lexicon import (
    OTHER,
    Lexicon,
    Theme,
    keyword_counts,
    keyword_ids,
    keyword_themes,
    load_lexicon,
    word_themes,
)
from toolkit.analysis.themes import dominant_themes, label_topics
from toolkit.errors import ToolkitError


def _load(tmp_path, text):
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    return load_lexicon(path)


def _refusal(tmp_path, text):
    with pytest.raises(ToolkitError) as info:
        _load(tmp_path, text)
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and "\x9b" not in message  # one line, control characters escaped
    return message


# ----- the lexicon file ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        # a word not in a list: each character would have been a keyword (生, 态)
        ('[ecology]\nwords = "生态"', 'theme [ecology] needs words = ["...", ...], a list of words'),
        # a number is told to be quoted, a decimal one too; a list inside the list is no text, not a blank word
        ('[ecology]\nwords = ["生态", 1.5]', 'theme [ecology] word 1.5 is not a text; write each word in quotes ("1.5")'),
        ('[ecology]\nwords = ["生态", ["污染"]]', "theme [ecology] word ['污染'] is not a text; write each word in quotes"),
        # `other` said as reserved for the topics of no theme (docs: "not `other`")
        ('[other]\nwords = ["生态"]', "'other' is reserved for topics that match no theme; rename it"),
        # keys the lexicon does not have, though they look like its own (a label, keywords), are named
        ('[ecology]\nwords = ["生态"]\nlabel = "生态环境"', "theme [ecology] has unknown key 'label'; use words, patterns"),
        ('[ecology]\nwords = ["生态"]\nkeywords = ["污染"]', "theme [ecology] has unknown key 'keywords'"),
        # every pattern is a regular expression, not only the first
        (
            '[ecology]\nwords = ["生态"]\npatterns = ["\\\\w+污染", 1]',
            "theme [ecology] patterns must be a list of regular expressions",
        ),
        # a pattern that takes any word of two characters, any one Chinese character, or a full stop
        ('[ecology]\nwords = ["生态"]\npatterns = ["\\\\w\\\\w"]', "matches '我们' (a mark, a number or a function word)"),
        ('[ecology]\nwords = ["生态"]\npatterns = ["[一-龥]"]', "matches '的' (a mark, a number or a function word)"),
        ('[ecology]\nwords = ["生态"]\npatterns = ["[。！？]"]', "matches '。' (a mark, a number or a function word)"),
        # a blank label names nothing in a legend
        (
            '[ecology]\nwords = ["生态"]\nlabel_zh = "  "',
            "theme [ecology] label_zh must be a text such as \"生态环境\", not '  '",
        ),
        ('[ecology]\nwords = ["生态"]\nlabel_en = ""', "theme [ecology] label_en must be a text such as \"生态环境\", not ''"),
        # control characters in the note, C1 and DEL, a tab and a line break (the docstring names them) are refused
        (
            '[ecology]\nwords = ["生态"]\nnote = "2021年政府工作报告\\u0007"',
            "theme [ecology] note '2021年政府工作报告\\x07' holds the control character '\\x07'",
        ),
        ('[ecology]\nwords = ["生态"]\nlabel_en = "Ecology\\u009b31m"', "holds the control character '\\x9b'"),
        ('[ecology]\nwords = ["生态\\u007f"]', "theme [ecology] word '生态\\x7f' holds the control character '\\x7f'"),
        ('[ecology]\nwords = ["生态"]\nlabel_zh = "生态\\t环境"', "label_zh '生态\\t环境' holds the control character '\\t'"),
        ('["生态\\n环境"]\nwords = ["生态"]', "theme name '生态\\n环境' holds the control character '\\n'"),
        # a header of a bare Chinese name on the file's last line is told to be quoted as on any other line
        ('[ecology]\nwords = ["生态"]\n[创新]', 'goes in quotes: ["创新"]'),
    ],
)
def test_each_field_of_a_lexicon_is_refused_with_its_own_message(tmp_path, text, message):
    assert message in _refusal(tmp_path, text)


def test_a_key_line_that_toml_cannot_read_is_not_told_to_quote_a_theme_name(tmp_path):
    """The advice to quote a name follows a table header's error only (_quote_hint: "not ... an error of another
    line"): a key ``label.中文`` inside a theme is no header."""
    message = _refusal(tmp_path, '[ecology]\nwords = ["生态"]\nlabel.中文 = "生态环境"')
    assert "is not valid TOML" in message and "goes in quotes" not in message


def test_a_missing_lexicon_file_is_said_as_missing(tmp_path):
    with pytest.raises(ToolkitError) as info:
        load_lexicon(tmp_path / "my_lexicon.toml")
    assert str(info.value).startswith("lexicon file not found: ") and "my_lexicon.toml; fix themes.lexicon" in str(info.value)


def test_words_are_read_without_the_spaces_around_them_and_once_each(tmp_path):
    """A word with spaces or a tab around it (copied from a spreadsheet) is the word: it matches the texts' 生态;
    a word listed twice in one theme is one keyword (one row of coverage)."""
    lexicon = _load(tmp_path, '[ecology]\nwords = ["生态", " 生态 ", "污染\\t"]')
    assert lexicon.themes[0].words == ("生态", "污染")
    assert word_themes(lexicon, ["生态", "污染", "会议"]) == {"生态": "ecology", "污染": "ecology"}


def test_a_word_of_digits_is_a_word(tmp_path):
    """The refused word holds "no character, letter or digit"; 985 and 211 (the university programmes) hold digits."""
    lexicon = _load(tmp_path, '[innovation]\nwords = ["高校", "985", "211"]')
    assert lexicon.themes[0].words == ("高校", "985", "211")


def test_other_is_named_in_either_language(tmp_path):
    lexicon = _load(tmp_path, '[ecology]\nlabel_zh = "生态环境"\nlabel_en = "Ecology"\nwords = ["生态"]')
    assert (lexicon.label(OTHER, "zh"), lexicon.label(OTHER, "en")) == ("其他", "Other")
    assert (lexicon.label("ecology", "zh"), lexicon.label("ecology", "en")) == ("生态环境", "Ecology")


# ----- keyword matching ---------------------------------------------------------------------------------------------

INNOVATION_ECOLOGY = Lexicon(
    (
        Theme("innovation", "科技创新", "Innovation", ("科技", "创新")),
        Theme("ecology", "生态环境", "Ecology", ("生态", "污染"), patterns=("\\w+污染", "\\w+废水")),
        Theme("industry", "产业", "Industry", ("工业",)),
    )
)


def test_a_word_two_themes_list_goes_to_the_first_listed():
    """load_lexicon refuses it, but a Lexicon built in code may hold it: "ties between themes go to the first theme
    listed"."""
    two = Lexicon((Theme("innovation", "创新", "Innovation", ("科技",)), Theme("industry", "产业", "Industry", ("科技",))))
    assert word_themes(two, ["科技"]) == {"科技": "innovation"}


def test_contains_adds_to_what_a_pattern_gives_and_does_not_override_it():
    """``contains`` *also* gives a word the theme of a lexicon word inside it: 工业废水, which ecology's pattern
    \\w+废水 matches in full, stays ecology's though industry's 工业 is inside it; 工业园区 has industry's 工业."""
    words = ["工业废水", "工业园区"]
    assert word_themes(INNOVATION_ECOLOGY, words) == {"工业废水": "ecology"}
    assert word_themes(INNOVATION_ECOLOGY, words, "contains") == {"工业废水": "ecology", "工业园区": "industry"}


def test_keyword_ids_and_counts_follow_the_match_they_are_given():
    """科技园区 holds innovation's 科技: a keyword of innovation with ``contains`` only; 大气污染 is ecology's either
    way (its pattern); 会议 and 的 are no theme's."""
    vocabulary = ["科技园区", "会议", "大气污染", "污染"]
    exact = keyword_ids(INNOVATION_ECOLOGY, vocabulary)
    contains = keyword_ids(INNOVATION_ECOLOGY, vocabulary, "contains")
    assert [ids.tolist() for ids in exact] == [[], [2, 3], []]
    assert [ids.tolist() for ids in contains] == [[0], [2, 3], []]
    units = [["科技园区", "科技", "会议"], ["大气污染", "的", "工业园区"]]
    np.testing.assert_array_equal(keyword_counts(units, INNOVATION_ECOLOGY), [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(keyword_counts(units, INNOVATION_ECOLOGY, "contains"), [[2, 0, 0], [0, 1, 1]])


def test_one_keyword_gives_a_unit_its_theme_in_the_keyword_baseline():
    counts = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    assert keyword_themes(counts, INNOVATION_ECOLOGY.names).tolist() == ["ecology", ""]


# ----- topic labels -------------------------------------------------------------------------------------------------

FILLERS = ["会议", "同志", "工作", "指出", "强调", "要求", "坚持", "推进", "加强", "提高"]
FILLERS += ["全面", "深入", "重要", "积极", "不断", "切实", "认真", "有关", "部门", "进一步"]
ECOLOGY_WORDS = ("生态", "绿色", "污染", "低碳", "节能", "减排", "碳达峰", "碳中和", "湿地", "森林")
ECOLOGY = Lexicon(
    (Theme("innovation", "科技创新", "Innovation", ("创新",)), Theme("ecology", "生态环境", "Ecology", ECOLOGY_WORDS))
)


def test_label_topics_defaults_are_the_documented_settings():
    """themes.top_n = 30, themes.min_score = 0.1, themes.match = "exact" (docs/configuration.md), by three topics:
    ten ecology words at ranks 21-30 (0.049 each, below twenty other words of 0.05: 0.49 of a top-30 weight of 1.49,
    none in a top 20); 生态 at 0.15 (at least 0.1, below 0.2); 大气污染物 at 0.5 (ecology's only by containing 污染)."""
    vocabulary = [*FILLERS, *ECOLOGY_WORDS, "大气污染物"]
    ranks = np.array([0.05] * 20 + [0.049] * 10 + [0.0])
    one = np.zeros(len(vocabulary))
    one[vocabulary.index("生态")], one[0] = 0.15, 0.85
    contained = np.zeros(len(vocabulary))
    contained[vocabulary.index("大气污染物")], contained[0] = 0.5, 0.5
    components = np.array([ranks, one, contained])
    topics = label_topics(components, vocabulary, ECOLOGY)
    assert topics["theme"].tolist() == ["ecology", "ecology", OTHER]
    np.testing.assert_allclose(topics["score"], [0.49 / 1.49, 0.15, 0.0], atol=1e-6)
    documented = label_topics(components, vocabulary, ECOLOGY, top_n=30, min_score=0.1, match="exact")
    pd.testing.assert_frame_equal(topics, documented)


def test_a_topic_is_scored_on_its_top_n_words_only():
    """With top_n = 2 the top words are 会议 (0.4) and 创新 (0.3): innovation carries 0.3 of their 0.7 (3/7); 生态,
    third, counts for nothing, and each theme's own score is its column."""
    vocabulary = ["会议", "创新", "生态", "同志"]
    topics = label_topics(np.array([[0.4, 0.3, 0.2, 0.1]]), vocabulary, ECOLOGY, top_n=2)
    row = topics.iloc[0]
    assert (row["topic"], row["theme"], row["suggested"]) == (1, "innovation", "innovation")
    assert row["score"] == pytest.approx(3 / 7, abs=1e-6) and row["score_innovation"] == pytest.approx(3 / 7, abs=1e-6)
    assert row["score_ecology"] == 0.0


def test_a_topic_without_weight_scores_zero_not_nan():
    """A topic whose weights are all 0 (an NMF component left empty) carries no theme's weight: score 0, `other`."""
    topics = label_topics(np.array([[0.0, 0.0, 0.0], [0.2, 0.7, 0.1]]), ["会议", "生态", "创新"], ECOLOGY)
    assert topics.loc[0, "score"] == 0.0 and topics.loc[0, "score_ecology"] == 0.0 and topics.loc[0, "theme"] == OTHER
    assert topics.loc[1, "theme"] == "ecology" and topics.loc[1, "score"] == pytest.approx(0.7)


@pytest.mark.parametrize(
    "components, anchors, message",
    [
        (np.ones((2, 3)) / 3, None, "components are (2, 3); they need a column per word of the vocabulary (4)"),
        (np.ones((2, 4)) / 4, [1], "anchors must give each of the 2 topics the index of its theme in the lexicon (0 to 1)"),
        (np.ones((2, 4)) / 4, [2, -1], "(0 to 1) or -1 for a free topic, not [2, -1]"),
    ],
)
def test_topics_that_do_not_fit_the_vocabulary_or_the_lexicon_are_refused(components, anchors, message):
    with pytest.raises(ToolkitError) as info:
        label_topics(components, ["会议", "生态", "创新", "同志"], ECOLOGY, anchors=anchors)
    assert message in str(info.value)


def test_a_model_anchored_to_the_first_theme_only_has_free_topics_beside_it():
    """anchors [0, -1]: topic 1 is innovation's keyword topic, so topic 2 is free (`other`), whatever its top words
    suggest (ecology)."""
    components = np.array([[0.6, 0.1, 0.3], [0.1, 0.8, 0.1]])
    topics = label_topics(components, ["创新", "生态", "会议"], ECOLOGY, anchors=[0, -1])
    assert topics["theme"].tolist() == ["innovation", OTHER]
    assert topics["labelled_by"].tolist() == ["keywords", "free"]
    assert topics["suggested"].tolist() == ["innovation", "ecology"]


# ----- the dominant theme -------------------------------------------------------------------------------------------


def test_the_dominant_theme_of_two_named_themes_alike_is_the_first_listed_and_rows_keep_their_units():
    shares = pd.DataFrame(
        {"innovation": [0.4, 0.1], "ecology": [0.4, 0.6], OTHER: [0.2, 0.3]}, index=["gwr2021-p3", "gwr2022-p8"]
    )
    dominant = dominant_themes(shares)
    assert dominant.to_dict() == {"gwr2021-p3": "innovation", "gwr2022-p8": "ecology"}
    assert dominant_themes(shares[["ecology", "innovation", OTHER]]).tolist() == ["ecology", "ecology"]


# ----- defects found by audit 21, fixed ---------------------------------------------------------------------------


def test_a_label_refused_names_the_key_the_file_gives_it(tmp_path):
    message = _refusal(tmp_path, '[ecology]\nlabel_en = "None"\nwords = ["生态"]')
    assert "label_en 'None'" in message and "label_zh" not in message


@pytest.mark.parametrize(
    "pattern, kind",
    [
        ("\\\\d\\\\d", "a mark, a number or a function word"),  # 13 was kept past drop_numbers as ecology's
        ("\\\\d+%", "a mark, a number or a function word"),
        ("\\\\d+\\\\.\\\\d+", "a mark, a number or a function word"),
        ("[A-Za-z]+", "a word of no theme"),
        ("[一-鿿]{3}", "a word of no theme"),
    ],
)
def test_a_pattern_that_takes_every_number_or_word_of_a_shape_is_refused(tmp_path, pattern, kind):
    """docs/corpus.md: a pattern that would take any word, a mark or a number is refused; seven probe words let \\d\\d,
    \\d+%, [A-Za-z]+ and [一-鿿]{3} through (mutation audit 21). Patterns of a theme's words are taken."""
    assert f"({kind})" in _refusal(tmp_path, f'[ecology]\nwords = ["生态"]\npatterns = ["{pattern}"]')


@pytest.mark.parametrize("pattern", ["\\\\w+污染", "数字.+", "推\\\\w", "碳(达峰|中和)"])
def test_a_pattern_of_a_themes_words_is_taken(tmp_path, pattern):
    path = tmp_path / "lexicon.toml"
    path.write_text(f'[ecology]\nwords = ["生态"]\npatterns = ["{pattern}"]\n', encoding="utf-8")
    assert load_lexicon(path).themes[0].patterns
