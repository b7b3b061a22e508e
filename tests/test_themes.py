import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.diagnostics import lexicon_coverage
from toolkit.analysis.lexicon import OTHER, load_lexicon, word_themes
from toolkit.analysis.themes import dominant_themes, label_topics, theme_shares
from toolkit.errors import ToolkitError

from .conftest import python_process


def test_shipped_lexicon_has_the_themes_users_expect(lexicon):
    assert lexicon.names[:3] == ["innovation", "digital_economy", "ecology"]
    assert {
        "industry",
        "urban_development",
        "reform_governance",
        "regional_coordination",
        "opening_up",
        "livelihood",
        "security_risk",
        "party_building",
        "ideology_culture",
        "agriculture_rural",
    } <= set(lexicon.names)
    assert lexicon.label("ecology") == "生态环境" and lexicon.label("ecology", "en") == "Ecology"
    assert lexicon.label(OTHER) == "其他"
    for theme in lexicon.themes:  # every theme says what it is and where its words come from
        assert theme.label_zh != theme.name and theme.label_en != theme.name and len(theme.note) > 30, theme.name


def test_no_word_sits_in_two_themes_and_none_is_a_stopword(lexicon):
    from toolkit.resources import data_path, read_word_file
    from toolkit.text.segment import default_stopwords

    seen = {}
    for theme in lexicon.themes:
        for word in theme.words:
            assert word not in seen, f"{word} is in {seen[word]} and {theme.name}"
            seen[word] = theme.name
    stopwords = default_stopwords(policy=False) | set(read_word_file(data_path("policy_stopwords.txt")))
    assert not stopwords & set(seen)  # a stopword in the lexicon would come back into every topic


def test_exact_membership_keeps_culture_out_of_the_cultural_revolution(lexicon):
    words = ["文化", "文化大革命", "文化部", "人文化", "文化产业"]
    exact = word_themes(lexicon, words)
    assert exact == {"文化": "ideology_culture", "文化产业": "ideology_culture"}
    assert word_themes(lexicon, words, "contains")["文化大革命"] == "ideology_culture"  # why contains is not the default


def test_patterns_add_words_explicitly(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[ecology]\nwords = ["生态"]\npatterns = ["\\\\w+污染"]\n[industry]\nwords = ["产业"]\n', encoding="utf-8")
    lexicon = load_lexicon(path)
    assert word_themes(lexicon, ["大气污染", "污染", "生态", "污染源"]) == {"大气污染": "ecology", "生态": "ecology"}
    coverage = lexicon_coverage(lexicon, ["大气污染"], [["大气污染", "生态"], ["大气污染"]]).set_index("word")
    assert (coverage.loc["大气污染", "source"], coverage.loc["大气污染", "count"]) == ("pattern", 2)
    path.write_text('[ecology]\nwords = ["生态"]\npatterns = ["(污染"]\n', encoding="utf-8")
    with pytest.raises(ToolkitError, match="is not a regular expression"):
        load_lexicon(path)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[ecology\nwords = ['生态']", "is not valid TOML"),
        ("[ecology]\nwords = []", "theme [ecology] has no words"),
        ("[ecology]\nlabel_zh = '生态'", "theme [ecology] needs words"),
        ("[ecology]\nwords = ['生态']\nlable_en = 'x'", "unknown key 'lable_en'"),
        ("[ecology]\nwords = ['生态']\npatterns = '污染'", "patterns must be a list of regular expressions"),
        # the item at fault named (a review of the lexicon: each was "a list of words" or "a list of patterns")
        ("[ecology]\nwords = ['生态']\npatterns = ['']", "theme [ecology] has an empty pattern (''), which matches no word"),
        ("[ecology]\nwords = ['生态', '  ']", "theme [ecology] word '  ' is blank; remove it"),
        ("[ecology]\nwords = ['生态', 2020]", 'theme [ecology] word 2020 is not a text; write each word in quotes ("2020")'),
        ("ecology = ['生态']", "must be a table"),
        ("", "defines no theme"),
        (
            '[ecology]\nwords = ["生态", "污染"]\n[industry]\nwords = ["产业", "污染"]\n',
            "the word 污染 is in two themes, [ecology] and [industry]; keep it in one",
        ),
        (
            '[ecology]\nlabel_zh = "生态\\u001b[31m环境"\nwords = ["生态"]\n',
            "theme [ecology] label_zh '生态\\x1b[31m环境' holds the control character '\\x1b'",
        ),
        ('[ecology]\nlabel_en = "Ecology\\u0007"\nwords = ["生态"]\n', "holds the control character '\\x07'"),
        ('[ecology]\nwords = ["生\\u0000态"]\n', "theme [ecology] word '生\\x00态' holds the control character '\\x00'"),
        ('["eco\\u001blogy"]\nwords = ["生态"]\n', "theme name 'eco\\x1blogy' holds the control character '\\x1b'"),
        # named like a column of the run's tables: KeyError and TypeError tracebacks in the run (hostile docs pass)
        ("[text]\nwords = ['生态']", "theme [text] is named like a column of the run's tables"),
        ("[year]\nwords = ['生态']", "theme [year] is named like a column of the run's tables"),
        ("[dominant_theme]\nwords = ['生态']", "rename it (e.g. [dominant_theme_theme])"),
        ("[eco]\nwords = ['生态']\n[eco_low]\nwords = ['产业']", "theme [eco_low] is named like the interval column of"),
        # a hostile pass of user lexicons: other_high crashed the run after its fit; a theme named as coders write for
        # no theme was scored as other; two themes of one label were two alike entries of a legend; TOML's dotted
        # headers and bare Chinese keys were errors that did not say to quote the name
        ("[other_high]\nwords = ['生态']", "theme [other_high] is named like the interval column of other (other_high in"),
        ("[None]\nwords = ['生态']", "theme [None] is named as coders write for a paragraph of no theme (none, other"),
        ('["無"]\nwords = ["生态"]', "theme [無] is named as coders write for a paragraph of no theme"),
        (
            '[a]\nlabel_zh = "生态环境"\nwords = ["生态"]\n[b]\nlabel_zh = "生态环境"\nwords = ["污染"]',
            "theme [b] has a label of theme [a] as its label_zh '生态环境', and the figures, the report or the scores of",
        ),
        # a label of another theme in the other language (a coder writes either), and two names folded alike (a review)
        (
            '[innovation]\nlabel_zh = "科技创新"\nwords = ["创新"]\n'
            '[industry]\nlabel_zh = "产业"\nlabel_en = "科技 创新"\nwords = ["产业"]',
            "theme [industry] has a label of theme [innovation] as its label_en '科技 创新'",
        ),
        (
            '[digital_economy]\nwords = ["数字经济"]\n["Digital-Economy"]\nwords = ["数据"]',
            "themes [digital_economy] and [Digital-Economy] are named alike to a coder",
        ),
        ('[a]\nlabel_en = "other"\nwords = ["生态"]', "theme [a] has other's (the topics of no theme, or coders' word"),
        ('[a]\nlabel_zh = "其它"\nwords = ["生态"]', "theme [a] has other's (the topics of no theme, or coders' word for it)"),
        # an inline table is said as what it is, not as a dotted header (a review)
        ("[eco]\nwords = ['生态']\nnote = {a = 'b'}", "theme [eco] note must be a text"),
        # TOML's other errors get no advice on quotes (a review: an unclosed list two lines up was told to quote)
        ("[ecology]\nwords = ['生态'\n\n[industry]\nwords = ['产业']", "is not valid TOML"),
        ('[创新]\nwords = ["创新"]', 'goes in quotes: ["创新"]'),
        ('[digital.economy]\nwords = ["数字"]', "[digital.economy] is read as a table inside [digital]"),
        ('[eco]\nwords = ["生态"]\n[eco.water]\nwords = ["水"]', 'in quotes, ["eco.water"], or name it without one'),
        # a blank name headed a blank column of document_themes.csv and rows of no theme (a hostile pass)
        ('[""]\nwords = ["生态"]', "theme [''] has a blank name"),
        ('[" 生态 "]\nwords = ["生态"]', "theme [' 生态 '] has a blank name or spaces around it"),
        # a pattern that takes any token made every mark and number a keyword, past the stopword filters
        ("[eco]\nwords = ['生态']\npatterns = ['.*']", "pattern '.*' matches '' (the empty word)"),
        ("[eco]\nwords = ['生态']\npatterns = ['.+']", "pattern '.+' matches ','"),
        ("[eco]\nwords = ['生态']\npatterns = ['..+']", "pattern '..+' matches '2020'"),
        ("[eco]\nwords = ['生态']\npatterns = ['\\w\\w+']", "matches '2020'"),
        ("[eco]\nwords = ['生态']\npatterns = ['\\d+']", "matches '1' (a mark, a number or a function word)"),
    ],
)
def test_broken_lexicon_files(tmp_path, text, message):
    """One line naming what is wrong; a word in two themes and control characters too (the message shows them
    escaped, never raw)."""
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ToolkitError) as info:
        load_lexicon(path)
    assert message in str(info.value)
    assert "\x1b" not in str(info.value) and "\x07" not in str(info.value) and "\n" not in str(info.value)


def test_words_get_themes_exactly_or_by_containment(lexicon):
    vocab = ["污染", "大气污染物", "营商环境", "数字化转型", "城市", "发布会"]
    assert word_themes(lexicon, vocab, "exact") == {
        "污染": "ecology",
        "营商环境": "reform_governance",
        "数字化转型": "digital_economy",
        "城市": "urban_development",
    }
    contains = word_themes(lexicon, vocab, "contains")
    assert contains["大气污染物"] == "ecology"  # through 大气污染, the longest lexicon word inside it
    assert contains["营商环境"] == "reform_governance"
    assert "发布会" not in contains
    # of two lexicon words of one length inside a word, the first theme listed wins, as the docstring says (the word
    # that sorted first did: 科技园区 went to industry through 园区; a hostile pass of the lexicon tools)
    from toolkit.analysis.lexicon import Lexicon, Theme

    two = (Theme("innovation", "创新", "Innovation", ("科技",)), Theme("industry", "产业", "Industry", ("园区",)))
    assert word_themes(Lexicon(two), ["科技园区"], "contains") == {"科技园区": "innovation"}
    assert word_themes(Lexicon(two[::-1]), ["科技园区"], "contains") == {"科技园区": "industry"}


def test_topics_get_the_theme_with_most_weight_or_other(lexicon):
    vocab = ["生态", "绿色", "污染", "会议", "同志", "数字经济", "互联网"]
    components = np.array(
        [
            [0.3, 0.3, 0.2, 0.1, 0.1, 0.0, 0.0],  # ecology
            [0.0, 0.0, 0.0, 0.5, 0.45, 0.05, 0.0],  # mostly non-theme words: other
            [0.05, 0.0, 0.0, 0.1, 0.05, 0.4, 0.4],
        ]
    )  # digital economy
    topics = label_topics(components, vocab, lexicon, top_n=5, min_score=0.1)
    assert topics["theme"].tolist() == ["ecology", OTHER, "digital_economy"]
    assert topics["labelled_by"].tolist() == ["top words"] * 3
    assert topics.loc[0, "score"] == pytest.approx(0.8)
    assert topics.loc[1, "score"] == pytest.approx(0.05)


def test_anchored_topics_keep_their_theme_whatever_their_top_words(lexicon):
    vocab = ["生态", "绿色", "污染", "会议", "同志", "数字经济", "互联网"]
    components = np.array(
        [
            [0.0, 0.0, 0.0, 0.1, 0.1, 0.4, 0.4],  # anchored to ecology, reads like digital economy
            [0.3, 0.3, 0.2, 0.1, 0.1, 0.0, 0.0],
        ]
    )  # free, reads like ecology
    ecology = lexicon.names.index("ecology")
    topics = label_topics(components, vocab, lexicon, anchors=[ecology, -1], top_n=5)
    assert topics["theme"].tolist() == ["ecology", OTHER]  # by construction, never relabelled
    assert topics["labelled_by"].tolist() == ["keywords", "free"]
    assert topics["suggested"].tolist() == ["digital_economy", "ecology"]  # hints, not shares


def test_theme_shares_sum_topics_of_a_theme():
    doc_topic = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    shares = theme_shares(doc_topic, ["ecology", "ecology", OTHER], ["innovation", "ecology"])
    assert shares.columns.tolist() == ["innovation", "ecology", OTHER]
    np.testing.assert_allclose(shares.to_numpy(), [[0, 0.8, 0.2], [0, 0.2, 0.8]])
    # the names as theme_by_year takes them, other last: one column other (a hostile pass of the API got two, and a
    # TypeError from theme_by_year)
    again = theme_shares(doc_topic, ["ecology", "ecology", OTHER], ["innovation", "ecology", OTHER])
    pd.testing.assert_frame_equal(again, shares)


def test_coverage_reports_missing_seed_words(lexicon):
    table = lexicon_coverage(lexicon, ["创新", "生态"], [["创新", "创新", "生态"], ["创新", "区块链"]])
    row = table.set_index("word")
    assert (row.loc["创新", "count"], row.loc["创新", "n_units"], row.loc["创新", "in_vocabulary"]) == (3, 2, True)
    assert (row.loc["区块链", "count"], row.loc["区块链", "in_vocabulary"]) == (1, False)
    assert row.loc["碳达峰", "count"] == 0
    assert len(table) == sum(len(t.words) for t in lexicon.themes)
    assert set(table["source"]) == {"listed"}


def test_the_dominant_theme_is_other_when_other_outweighs_every_named_theme():
    """A unit that is mostly what the lexicon does not name (a forestry monitoring paragraph: agriculture 0.14,
    other 0.86) is `other`, as a hand coder's "none of these"; a named theme wins when it is at least as large."""
    import pandas as pd

    shares = pd.DataFrame(
        {
            "agriculture": [0.14, 0.50, 0.30, 0.0, np.nan],
            "ecology": [0.0, 0.10, 0.30, 0.0, np.nan],
            OTHER: [0.86, 0.40, 0.40, 1.0, np.nan],
        }
    )
    assert dominant_themes(shares).tolist() == ["other", "agriculture", "other", "other", ""]
    tie = pd.DataFrame({"agriculture": [0.5], "ecology": [0.0], OTHER: [0.5]})
    assert dominant_themes(tie).tolist() == ["agriculture"]


@pytest.mark.parametrize(
    "pattern, outcome",
    [
        ("(a+)+$", "{'生态环境保护': 'ecology'}"),  # re never finishes it; regex does at once
        ("(a|aa)+$", "ToolkitError: theme [ecology] pattern '(a|aa)+$' took more than 2 s on one text ('aaaa"),
    ],
)
def test_a_pattern_that_backtracks_without_end_stops_with_its_name(tmp_path, pattern, outcome):
    path = tmp_path / "lexicon.toml"
    path.write_text(f'[ecology]\nwords = ["生态环境保护"]\npatterns = ["{pattern}"]\n', encoding="utf-8")
    token = "a" * 60 + "!"  # a long Latin token, as a corpus with web addresses or code gives
    result = python_process(
        f"from toolkit.errors import ToolkitError\nfrom toolkit.analysis.lexicon import load_lexicon, word_themes\n"
        f"try:\n    print(word_themes(load_lexicon({str(path)!r}), ['生态环境保护', '{token}']))\n"
        f"except ToolkitError as exc:\n    print('ToolkitError:', exc)\n"
    )
    assert result.stdout.startswith(outcome), result.stdout + result.stderr
    assert result.stdout.count("\n") == 1


def test_patterns_match_words_in_full_and_contains_takes_the_longest_word_inside():
    """From a mutation audit, each of these could change with every test passing: a theme's pattern gives a word
    its theme only when it matches the whole word (数字\\w matches 数字化, not 数字经济体系, as README and the
    lexicon's header say); with ``match = "contains"`` the longest lexicon word inside a word decides (大气污染物
    through 大气污染, listed in the second theme, not 污染 of the first); and the keyword baseline gives a unit
    without any keyword no theme."""
    from toolkit.analysis.lexicon import Lexicon, Theme, keyword_themes

    lexicon = Lexicon(
        (
            Theme("digital", "数字", "Digital", ("互联网",), patterns=("数字\\w",)),
            Theme("water", "水", "Water", ("污染",)),
            Theme("air", "大气", "Air", ("大气污染",)),
        )
    )
    assert word_themes(lexicon, ["数字化", "数字经济体系"]) == {"数字化": "digital"}
    assert word_themes(lexicon, ["大气污染物", "水污染"], "contains") == {"大气污染物": "air", "水污染": "water"}
    counts = np.array([[0.0, 0.0, 0.0], [0.0, 2.0, 1.0], [1.0, 0.0, 1.0]])
    assert keyword_themes(counts, lexicon.names).tolist() == ["", "water", "digital"]  # ties: the first listed


def test_topic_labels_at_their_boundaries():
    """From a mutation audit, each could change with every test passing: of two themes whose words carry a topic's
    top weight equally, the first listed is suggested; a score exactly at ``min_score`` suggests its theme; a model
    without a single lexicon word in its vocabulary has free topics only (labelled 'free', not by top words); and a
    unit whose shares are all zero is `other`'s, not the first theme's."""
    import pandas as pd

    from toolkit.analysis.lexicon import Lexicon, Theme

    lexicon = Lexicon((Theme("a", "甲", "A", ("创新",)), Theme("b", "乙", "B", ("生态",))))
    vocabulary = ["创新", "生态", "会议", "同志"]
    tied = label_topics(np.array([[0.3, 0.3, 0.2, 0.2]]), vocabulary, lexicon, min_score=0.3)
    assert tied["suggested"].tolist() == ["a"] and tied["score"].tolist() == [0.3] and tied["theme"].tolist() == ["a"]
    assert label_topics(np.array([[0.0, 0.3, 0.7, 0.0]]), vocabulary, lexicon, min_score=0.3)["suggested"].tolist() == ["b"]
    assert label_topics(np.array([[0.0, 0.3, 0.7, 0.0]]), vocabulary, lexicon, min_score=0.31)["suggested"].tolist() == ["other"]
    none = label_topics(np.array([[0.5, 0.5], [0.9, 0.1]]), ["会议", "同志"], lexicon)
    assert none["labelled_by"].tolist() == ["free", "free"] and none["theme"].tolist() == ["other", "other"]
    shares = pd.DataFrame({"a": [0.0, 0.6], "b": [0.0, 0.2], "other": [0.0, 0.2]})
    assert dominant_themes(shares).tolist() == ["other", "a"]


def test_a_theme_with_one_label_is_shown_by_it_in_either_language(tmp_path):
    """From a hostile pass of the lexicon tools: a theme with only label_en = "Innovation" was shown as "innov", its
    key, in the (default Chinese) figures; one label stands for the other, the key only where there is none."""
    from toolkit.analysis.lexicon import load_lexicon

    path = tmp_path / "l.toml"
    path.write_text(
        '[innov]\nlabel_en = "Innovation"\nwords = ["创新"]\n'
        '[eco]\nlabel_zh = "生态"\nwords = ["生态"]\n[bare]\nwords = ["改革"]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    assert [lexicon.label(name, "zh") for name in lexicon.names] == ["Innovation", "生态", "bare"]
    assert [lexicon.label(name, "en") for name in lexicon.names] == ["Innovation", "生态", "bare"]


def test_words_two_themes_claim_through_patterns_and_themes_without_a_keyword_are_said(caplog):
    """From a hostile pass of the lexicon: a word listed in two themes is refused, but one that a theme's pattern
    matches went to the other theme (its listed word, or the pattern of the theme listed first), unsaid; a theme none
    of whose words the corpus uses was said only in report.html's methods."""
    from toolkit.analysis.diagnostics import warn_pattern_conflicts, warn_unmeasured
    from toolkit.analysis.lexicon import Lexicon, Theme

    lexicon = Lexicon(
        (
            Theme("innovation", "创新", "Innovation", ("创新",), patterns=("\\w+发展",)),
            Theme("industry", "产业", "Industry", ("产业",), patterns=("大力\\w+", "创新\\w*")),
            Theme("space", "航天", "Space", ("火星探测器", "天问一号")),
        )
    )
    vocabulary = ["大力发展", "创新", "创新驱动", "产业", "大力推进", "协调发展"]
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_pattern_conflicts(lexicon, vocabulary)
    said = caplog.text
    # 大力发展: innovation's pattern first; 创新: innovation's listed word; 创新驱动 and 大力推进 only industry's
    assert "theme [industry] '大力\\\\w+' matches 1 word(s) of the vocabulary that another theme takes" in said
    assert "大力发展 (innovation)" in said and "创新 (innovation)" in said and "创新驱动" not in said
    assert "大力推进" not in said and "协调发展" not in said and "[innovation]" not in said
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_pattern_conflicts(Lexicon(lexicon.themes[2:]), vocabulary)  # no pattern: no claim
    assert not caplog.text
    # members x units x (themes + other): space has no share in any unit of any member (none of its keywords in the
    # vocabulary, or, fitted by LDA or NMF, no topic labelled with it); industry has one in one member only
    shares = np.zeros((2, 3, 4))
    shares[:, :, 0], shares[1, 2, 1], shares[:, :, 3] = 0.2, 0.1, 0.7
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_unmeasured(lexicon.names, shares)
    assert "1 of 3 themes have no share in any unit here" in caplog.text and caplog.text.rstrip().endswith(": space")
    caplog.clear()
    shares[0, 0, 2] = 0.05
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_unmeasured(lexicon.names, shares)
    assert not caplog.text


def test_a_pattern_too_slow_for_a_word_of_the_corpus_ends_the_run_before_the_fit(tmp_path, small_corpus):
    """From a hostile pass of the lexicon: the keyword counts of every unit, where a pattern meets every word of the
    corpus (not only the vocabulary's), came after the model's fit, and a pattern too slow for one word lost the fit.
    The run's last line says how many topics the themes seed and how many are free (a theme added or removed
    changes both, and every share, unsaid)."""
    from .conftest import NO_FIGURES, add_document, cli, write_config

    add_document(small_corpus, "web.txt", "网址" + "a" * 60 + "!\n推动科技创新和产业发展。\n", "网页", "2020-01-01")
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(
        '[innovation]\nwords = ["创新", "科技"]\n\n[ecology]\nwords = ["生态", "绿色"]\npatterns = ["(a|aa)+b"]\n',
        encoding="utf-8",
    )
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv")
    settings = [*NO_FIGURES, f"themes.lexicon={str(lexicon)!r}", "model.n_topics=4"]
    args = [a for s in settings for a in ("--set", s)]
    slow = cli("run", config, "--out", tmp_path / "out", *args)
    assert slow.returncode == 2 and "theme [ecology] pattern '(a|aa)+b' took more than 2 s" in slow.stderr
    assert "vocabulary ..." in slow.stderr and "model ..." not in slow.stderr, slow.stderr[-2000:]
    # a pattern that matches no word measures nothing, said (a hostile pass: the seeds' texts hold 长江 after other
    # characters 9 times, which kwic --regex finds, but no word of the segmenter's ends with it; 长江日报 starts with it)
    patterns = 'patterns = ["\\\\w+长江", "长江\\\\w+", "省委\\\\w+"]'
    lexicon.write_text(
        f'[innovation]\nwords = ["创新", "科技"]\n\n[ecology]\nwords = ["生态", "绿色"]\n{patterns}\n', encoding="utf-8"
    )
    done = cli("run", config, "--out", tmp_path / "out", *args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "units, 4 topics (2 seeded by themes, 2 free)" in done.stdout
    assert "1 lexicon pattern(s) match no word of the texts, so they measure nothing: [ecology] '\\\\w+长江';" in done.stderr
    # and one whose only word is in one unit, below vocab.min_df: said with its cause (a review: it was blamed on kwic)
    said = "1 lexicon pattern(s) match only words that the vocabulary leaves out, so they measure nothing: [ecology] "
    assert said + "'省委\\\\w+': 省委常委 (1 unit);" in done.stderr


def test_a_word_of_true_is_not_told_to_be_quoted_as_true(tmp_path):
    """A review: words = ["创新", true] was told to write ("True"), a word no lexicon means."""
    path = tmp_path / "lexicon.toml"
    path.write_text("[ecology]\nwords = ['生态', true]", encoding="utf-8")
    with pytest.raises(ToolkitError) as info:
        load_lexicon(path)
    assert str(info.value).endswith("theme [ecology] word True is not a text; write each word in quotes")


@pytest.mark.parametrize(
    "text, quotes",
    [
        ('[创新]\nwords = ["创新"]', True),
        ('[digital economy]\nwords = ["数字"]', True),
        ("[ecology]\nwords = ['生态'\n\n[industry]\nwords = ['产业']", False),  # a list left open two lines up
        ("[ecology\nwords = ['生态']", False),  # a header left open
        ("[ecology]\nwords = ['生态']\n[ecology]\nwords = ['产业']", False),  # a table declared twice
    ],
)
def test_only_a_header_of_a_bare_name_is_told_to_quote_it(tmp_path, text, quotes):
    """The advice to quote a theme's name follows TOML's errors of a header's bare name only (a review: an unclosed
    list, a header left open and a table declared twice were each told to quote the name)."""
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ToolkitError, match="is not valid TOML") as info:
        load_lexicon(path)
    assert ("goes in quotes" in str(info.value)) == quotes


def test_a_label_that_is_another_themes_name_is_refused(tmp_path):
    """[growth] labelled 'Industry' beside a theme [industry]: a coder who wrote 'Industry' for growth, as the codebook
    allows (a name or either label), was scored as [industry] in silence (a name always means itself; a hostile
    pass of hand coding). Refused where the lexicon is read; a theme labelled by its own name is fine."""
    lexicon = tmp_path / "lexicon.toml"
    body = '[industry]\nlabel_zh = "产业"\nlabel_en = "industry"\nwords = ["产业"]\n'
    lexicon.write_text('[growth]\nlabel_zh = "增长"\nlabel_en = "Industry"\nwords = ["增长"]\n' + body, encoding="utf-8")
    with pytest.raises(ToolkitError) as info:
        load_lexicon(lexicon)
    assert "theme [growth] has theme [industry]'s name as its label_en 'Industry'" in str(info.value)
    lexicon.write_text('[growth]\nlabel_zh = "增长"\nlabel_en = "Growth"\nwords = ["增长"]\n' + body, encoding="utf-8")
    assert [theme.name for theme in load_lexicon(lexicon).themes] == ["growth", "industry"]


def test_a_keyword_that_runs_into_another_themes_keyword_is_listed_and_said(tmp_path, caplog):
    """From a hostile pass of lexicon editing: 发展战略 added to one theme cut 创新驱动发展战略 as 创新驱动 | 发展战略, and
    innovation's 创新驱动发展 lost those tokens, with the run's warnings the same as before. The places where two
    themes' keywords share characters are a table and a warning now, each with the places counted for either theme
    (by the words cut there: a review found half of a count-only table's rows cut the way they should), found in the
    seeds' own sentences; a pattern's word too (a review)."""
    from toolkit.analysis.diagnostics import keyword_overlaps, warn_keyword_overlaps
    from toolkit.analysis.lexicon import Lexicon, Theme
    from toolkit.config import Config
    from toolkit.text.preparation import make_segmenter
    from toolkit.text.vectorize import unit_counts

    from .conftest import SEEDS

    units = [
        line
        for name in ("000_4635cf3c1d3ea286.txt", "001_a277e5c0c743763f.txt")
        for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()
        if "创新驱动" in line or "发展战略" in line
    ]
    assert sum(unit.count("创新驱动发展战略") for unit in units) == 3
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("发展战略 100000 n\n", encoding="utf-8")

    def overlaps(development: Theme, settings=None):
        lexicon = Lexicon((Theme("innovation", "创新", "Innovation", ("创新驱动发展", "科技")), development))
        segmenter = make_segmenter(Config.from_dict(settings or {}), lexicon)
        tokens = [segmenter.cut(unit) for unit in units]
        vocabulary, counts, in_model = unit_counts(tokens, min_df=1, max_df=1.0, keep=lexicon.words)
        texts = [unit for unit, kept in zip(units, in_model) if kept]
        return keyword_overlaps(lexicon, vocabulary, counts, texts, segmenter), tokens

    before, tokens = overlaps(Theme("development_mode", "发展方式", "Development mode", ("高质量发展",)))
    assert before.empty  # each place innovation's
    innovation = sum(unit.count("创新驱动发展") for unit in tokens)
    after, tokens = overlaps(Theme("development_mode", "发展方式", "Development mode", ("高质量发展", "发展战略")))
    assert sum(unit.count("发展战略") for unit in tokens) == 3  # the three places taken from innovation:
    assert sum(unit.count("创新驱动发展") for unit in tokens) == innovation - 3
    expected = {
        "word": "创新驱动发展",
        "theme": "innovation",
        "other_word": "发展战略",
        "other_theme": "development_mode",
        "for_theme": 0,
        "for_other_theme": 3,
        "n_units": 3,
    }
    assert after.set_index("text").loc["创新驱动发展战略"].to_dict() == expected
    with caplog.at_level("WARNING", logger="toolkit"):
        warn_keyword_overlaps(after)
    assert "创新驱动发展战略 (创新驱动发展 [innovation] 0, 发展战略 [development_mode] 3)" in caplog.text
    # the word a pattern of the theme matches, cut as a word of the user's dictionary: the same places
    by_pattern, _ = overlaps(
        Theme("development_mode", "发展方式", "Development mode", ("高质量发展",), patterns=("\\w+战略",)),
        {"segment": {"extra_dictionaries": [str(dictionary)]}},
    )
    assert by_pattern.set_index("text").loc["创新驱动发展战略"].to_dict() == expected
    # the places are told by the words' places, which join into the text again, with segment.pos too
    tagged = make_segmenter(Config.from_dict({"segment": {"pos": ["n"]}}), Lexicon(()))
    assert all("".join(tagged.pieces(unit)) == unit for unit in units)
