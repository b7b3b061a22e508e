import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.themes import OTHER, label_topics, lexicon_coverage, load_lexicon, theme_shares, word_themes


def test_shipped_lexicon_has_the_themes_users_expect(lexicon):
    assert lexicon.names[:3] == ["innovation", "digital_economy", "ecology"]
    assert {"industry", "urban_development", "reform_governance", "regional_coordination", "opening_up",
            "livelihood"} <= set(lexicon.names)
    assert lexicon.label("ecology") == "生态环境" and lexicon.label("ecology", "en") == "Ecology"
    assert lexicon.label(OTHER) == "其他"


@pytest.mark.parametrize("text, message", [
    ("[ecology\nwords = ['生态']", "is not valid TOML"),
    ("[ecology]\nwords = []", "theme [ecology] has no words"),
    ("[ecology]\nlabel_zh = '生态'", "theme [ecology] needs words"),
    ("[ecology]\nwords = ['生态']\nlable_en = 'x'", "unknown key 'lable_en'"),
    ("ecology = ['生态']", "must be a table"),
    ("", "defines no theme"),
])
def test_broken_lexicon_files(tmp_path, text, message):
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ToolkitError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_lexicon(path)


def test_words_get_themes_exactly_or_by_containment(lexicon):
    vocab = ["污染", "大气污染", "营商环境", "数字化转型", "城市", "发布会"]
    assert word_themes(lexicon, vocab, "exact") == {"污染": "ecology", "营商环境": "reform_governance",
                                                    "城市": "urban_development"}
    contains = word_themes(lexicon, vocab)
    assert contains["大气污染"] == "ecology"
    assert contains["营商环境"] == "reform_governance"  # exact beats the 环境 inside it
    assert contains["数字化转型"] == "digital_economy"
    assert "发布会" not in contains


def test_topics_get_the_theme_with_most_weight_or_other(lexicon):
    vocab = ["生态", "绿色", "污染", "会议", "同志", "数字经济", "互联网"]
    components = np.array([[0.3, 0.3, 0.2, 0.1, 0.1, 0.0, 0.0],   # ecology
                           [0.0, 0.0, 0.0, 0.5, 0.45, 0.05, 0.0],  # mostly non-theme words: other
                           [0.05, 0.0, 0.0, 0.1, 0.05, 0.4, 0.4]])  # digital economy
    topics = label_topics(components, vocab, lexicon, top_n=5, min_score=0.1)
    assert topics["theme"].tolist() == ["ecology", OTHER, "digital_economy"]
    assert topics.loc[0, "score"] == pytest.approx(0.8)
    assert topics.loc[1, "score"] == pytest.approx(0.05)


def test_theme_shares_sum_topics_of_a_theme():
    doc_topic = np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    shares = theme_shares(doc_topic, ["ecology", "ecology", OTHER], ["innovation", "ecology"])
    assert shares.columns.tolist() == ["innovation", "ecology", OTHER]
    np.testing.assert_allclose(shares.to_numpy(), [[0, 0.8, 0.2], [0, 0.2, 0.8]])


def test_coverage_reports_missing_seed_words(lexicon):
    table = lexicon_coverage(lexicon, ["创新", "生态"], [["创新", "创新", "生态"], ["创新", "区块链"]])
    row = table.set_index("word")
    assert (row.loc["创新", "count"], row.loc["创新", "n_units"], row.loc["创新", "in_vocabulary"]) == (3, 2, True)
    assert (row.loc["区块链", "count"], row.loc["区块链", "in_vocabulary"]) == (1, False)
    assert row.loc["碳达峰", "count"] == 0
    assert len(table) == sum(len(t.words) for t in lexicon.themes)
