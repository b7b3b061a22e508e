"""The rules of representative_passages that a reviewer reads passages.csv by, each pinned on small Chinese texts
(from a mutation audit of toolkit/analysis/evidence.py: each rule below could be changed with every test passing)."""

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis.evidence import _holding, representative_passages

# paragraphs of the kind the seed reports hold, each distinct from the others (no trigram in common)
TEXTS = {
    "a1": "坚持生态优先、绿色发展，加强长江流域生态环境保护和修复。",
    "a2": "推进大气污染防治，打好蓝天保卫战，细颗粒物浓度持续下降。",
    "a3": "建设国家生态文明试验区，完善湿地保护制度和补偿机制。",
    "b1": "加快发展数字经济，推进数字产业化和产业数字化转型。",
    "c1": "实施乡村振兴战略，巩固拓展脱贫攻坚成果同乡村振兴有效衔接。",
}


def _units(ids, docs, years=2020, n_tokens=20, texts=None):
    texts = texts or [TEXTS[i] for i in ids]
    return pd.DataFrame(
        {
            "unit_id": ids,
            "doc_id": docs,
            "title": [f"{d}政府工作报告" for d in docs],
            "date": [f"{y}-03-05" for y in np.broadcast_to(years, len(ids))],
            "year": years,
            "n_tokens": n_tokens,
            "text": texts,
        }
    )


def _listed(table, name="ecology", scope="all"):
    return table.loc[(table["name"] == name) & (table["scope"] == scope), "unit_id"].tolist()


def test_rows_must_be_strictly_increasing():
    """``rows`` names each unit whose shares are given once, in order: a unit given twice is refused, as the error
    says, not listed twice."""
    units = _units(["a1", "a2"], ["甲", "乙"])
    shares = pd.DataFrame({"ecology": [0.9, 0.8]})
    with pytest.raises(ValueError, match="increasing"):
        representative_passages(units, shares, {"ecology": "生态"}, kind="topic", rows=np.array([0, 0]), per_period=0)
    with pytest.raises(ValueError, match="increasing"):
        representative_passages(units, shares, {"ecology": "生态"}, kind="topic", rows=np.array([1, 0]), per_period=0)


def test_units_outside_the_model_and_short_units_of_the_model_are_never_listed():
    """A unit the model did not see (in_model false) has no share to be evidence of, and a unit the model saw is
    still held to min_tokens."""
    units = _units(["a1", "a2", "a3"], ["甲", "乙", "丙"]).assign(in_model=[False, True, True], n_tokens=[30, 30, 5])
    shares = pd.DataFrame({"ecology": [0.9, 0.5, 0.8]})
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", per_period=0, min_tokens=15)
    assert _listed(table) == ["a2"]


def test_a_passage_copied_with_other_punctuation_is_a_repeat():
    """The same text once spaces and punctuation are removed is a repeat, even when its punctuation differs so
    much that few of its character trigrams are the other's (an enumeration with 、 in one report, ， in the
    next)."""
    first = "节能、环保、低碳、循环、绿色、生态、减排、治污"
    copy = "节能，环保，低碳，循环，绿色，生态，减排，治污"
    units = _units(["x", "y", "a3"], ["2019年", "2020年", "丙"], texts=[first, copy, TEXTS["a3"]])
    shares = pd.DataFrame({"ecology": [0.9, 0.85, 0.5]})
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", per_period=0)
    assert _listed(table) == ["x", "a3"]


def test_a_passage_with_no_share_is_no_evidence_even_with_min_share_zero():
    """evidence.min_share = 0 lists every passage with a share of the theme, not those without any."""
    units = _units(["a1", "b1", "c1"], ["甲", "乙", "丙"])
    shares = pd.DataFrame({"ecology": [0.3, 0.0, 0.0]})
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", per_period=0, min_share=0)
    assert _listed(table) == ["a1"]


def test_shares_are_given_to_four_decimals():
    units = _units(["a1"], ["甲"])
    table = representative_passages(units, pd.DataFrame({"ecology": [0.61237]}), {"ecology": "生态"}, kind="theme", per_period=0)
    assert table["share"].tolist() == [0.6124]


def test_a_keyword_is_named_once_however_often_the_passage_holds_it_and_wherever_it_stands():
    """passages.csv's keywords name each keyword of the theme found in the passage once, in the passage's order;
    a keyword past the passage's first token counts as held."""
    units = _units(["a1", "b1"], ["甲", "乙"])
    tokens = [["坚持", "生态", "优先", "生态", "环境", "保护", "生态"], ["加快", "发展", "数字经济"]]
    shares = pd.DataFrame({"ecology": [0.5, 0.9]})
    settings = dict(kind="theme", per_period=0, keywords={"ecology": {"生态", "保护"}}, tokens=tokens)
    table = representative_passages(units, shares, {"ecology": "生态"}, n=2, **settings)
    assert _listed(table) == ["b1", "a1"]  # in the order of their shares
    assert table["keywords"].tolist() == ["", "生态 保护"]
    assert table["holds_keyword"].tolist() == ["False", "True"]
    # b1's share is larger but it holds no keyword: the one place goes to a1, whose keywords follow its first token
    assert _listed(representative_passages(units, shares, {"ecology": "生态"}, n=1, **settings)) == ["a1"]


def test_the_lists_follow_the_order_of_the_share_columns():
    """The themes' lists in the order of the columns given (the lexicon's), not in the order of their names."""
    units = _units(["a1", "b1"], ["甲", "乙"])
    shares = pd.DataFrame({"industry": [0.2, 0.8], "ecology": [0.8, 0.2]})
    table = representative_passages(units, shares, {"industry": "产业", "ecology": "生态"}, kind="theme", per_period=0)
    assert table["name"].tolist() == ["industry", "industry", "ecology", "ecology"]


def test_a_passage_four_fifths_of_whose_trigrams_are_in_one_above_it_is_a_repeat():
    """SAME_PASSAGE is inclusive: exactly 80% of a passage's trigrams in one listed above it makes it a repeat (the
    docstring's "80% of its character trigrams in that one")."""
    listed = "推动长江经济带高质量发展纲要"  # 14 characters, no character twice
    repeat = listed[:10] + "规划"  # 12 characters, 10 trigrams: the first 8 are the listed one's
    units = _units(["x", "y", "c1"], ["甲", "乙", "丙"], texts=[listed, repeat, TEXTS["c1"]])
    shares = pd.DataFrame({"ecology": [0.9, 0.8, 0.5]})
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", per_period=0)
    assert _listed(table) == ["x", "c1"]
    longer = listed[:9] + "规划"  # 9 trigrams, 7 of them (78%) the listed one's: no repeat
    units["text"] = [listed, longer, TEXTS["c1"]]
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", per_period=0)
    assert _listed(table) == ["x", "y", "c1"]


def test_a_paragraph_copied_into_a_report_of_another_period_is_listed_in_each_period():
    """A repeat is one of its own list: the same paragraph in the reports of two periods is each period's passage,
    though the list over the whole corpus names it once."""
    texts = [TEXTS["a1"], TEXTS["a1"], TEXTS["c1"]]
    units = _units(["p1", "p2", "c1"], ["2015年", "2021年", "2021年"], years=[2015, 2021, 2021], texts=texts)
    shares = pd.DataFrame({"ecology": [0.9, 0.85, 0.5]})
    scopes = np.array(["十二五", "十四五", "十四五"], dtype=object)
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", scopes=scopes, n=3, per_period=2)
    assert _listed(table) == ["p1", "c1"]
    assert _listed(table, scope="十二五") == ["p1"]
    assert _listed(table, scope="十四五") == ["p2", "c1"]


def test_the_per_document_quota_counts_a_documents_passages_wherever_they_rank():
    """A document's passages count toward its quota when another document's rank between them: 甲's third passage
    waits for 丙's though 乙's came between 甲's first and second."""
    units = _units(["a1", "b1", "a2", "a3", "c1"], ["甲", "乙", "甲", "甲", "丙"])
    shares = pd.DataFrame({"ecology": [0.9, 0.8, 0.7, 0.6, 0.5]})
    table = representative_passages(units, shares, {"ecology": "生态"}, kind="theme", n=4, per_period=0, per_document=2)
    assert _listed(table) == ["a1", "b1", "a2", "c1"]


def test_the_keyword_head_holds_exactly_head_rows():
    """The first ``head`` rows of the ranking are read for keywords, the last of them too."""
    ranked = pd.DataFrame({"row": np.arange(12)})
    tokens = [["会议"]] * 9 + [["生态"]] * 3  # rows 9, 10 and 11 hold the keyword
    assert _holding(ranked, {"生态"}, tokens, 10) == {9}


def test_each_periods_list_keeps_the_per_document_quota():
    """evidence.per_document holds in each period's list as in the list over the whole corpus, whatever
    evidence.per_period is."""
    units = _units(["a1", "a2", "a3", "b1"], ["甲", "甲", "甲", "乙"])
    shares = pd.DataFrame({"ecology": [0.9, 0.8, 0.7, 0.5]})
    scopes = np.array(["十四五"] * 4, dtype=object)
    table = representative_passages(
        units, shares, {"ecology": "生态"}, kind="theme", scopes=scopes, n=3, per_period=3, per_document=1
    )
    assert _listed(table) == _listed(table, scope="十四五") == ["a1", "a2", "b1"]
