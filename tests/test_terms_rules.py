"""The rules of the term tools (toolkit/analysis/terms.py, toolkit/explore.py) on small texts whose answers are worked
out by hand from the definitions in their docstrings and docs/methods.md (mutation audit 18): term counts per year,
keywords in context, phrases and candidate terms. Each test names the rule it checks."""

import math
import pickle

import numpy as np
import pytest

from toolkit.analysis.terms import (
    OPTIONS,
    PairCounts,
    candidate_terms,
    format_kwic,
    join_phrases,
    kwic,
    learn_phrases,
    term_counts,
    track_terms,
)
from toolkit.errors import ToolkitError


def _doc(name: str, date: str, **columns) -> dict:
    return {"doc_id": name, "title": f"{name}号报告", "date": date, "year": int(date[:4]), **columns}


def _words(line: str) -> list[str]:
    """A segmenter that cuts at spaces: the whole words are the ones written apart."""
    return line.split()


# Three reports, the 2021 one given first and the two of 2020 not in date order. By hand (a space separates the
# words the cut gives; count is substring occurrences, token_count whole words, characters without spaces or line
# breaks):
#   a 2021-03-05 "坚持 对外 开放"                 改革 0/0, 开放 1/1, 6 characters
#   b 2020-05-22 "深化 改革开放\n扩大 开放"        改革 1/0 (inside 改革开放), 开放 2/1, 10 characters
#   c 2020-03-05 "全面 深化 改革\n扩大 开放"       改革 1/1, 开放 1/1, 10 characters
REPORTS = [
    (_doc("a", "2021-03-05"), "坚持 对外 开放"),
    (_doc("b", "2020-05-22"), "深化 改革开放\n扩大 开放"),
    (_doc("c", "2020-03-05"), "全面 深化 改革\n扩大 开放"),
]


def test_term_counts_by_year_are_the_sums_worked_out_by_hand():
    table = term_counts(REPORTS, ["改革", "开放", "共同富裕"], cut=_words)
    # the columns of docs/methods.md's example, in its order
    assert list(table.columns) == [
        "term", "year", "count", "token_count", "characters", "per_10k", "documents", "documents_with",
        "first_seen", "last_seen",
    ]  # fmt: skip
    # terms in the order given (共同富裕 sorts first by code point), years ascending
    assert list(zip(table["term"], table["year"])) == [
        ("改革", 2020), ("改革", 2021), ("开放", 2020), ("开放", 2021), ("共同富裕", 2020), ("共同富裕", 2021),
    ]  # fmt: skip
    rows = table.set_index(["term", "year"])
    counted = ["count", "token_count", "characters", "documents", "documents_with"]
    assert rows.loc[("改革", 2020), counted].tolist() == [2, 1, 20, 2, 2]
    assert rows.loc[("改革", 2021), counted].tolist() == [0, 0, 6, 1, 0]
    assert rows.loc[("开放", 2020), counted].tolist() == [3, 2, 20, 2, 2]
    assert rows.loc[("开放", 2021), counted].tolist() == [1, 1, 6, 1, 1]
    assert rows.loc[("共同富裕", 2020), counted].tolist() == [0, 0, 20, 2, 0]
    # per 10,000 characters: 2/20, 3/20 and 1/6 of 10,000
    assert rows.loc[("改革", 2020), "per_10k"] == pytest.approx(1000.0, abs=1e-4)
    assert rows.loc[("开放", 2020), "per_10k"] == pytest.approx(1500.0, abs=1e-4)
    assert rows.loc[("开放", 2021), "per_10k"] == pytest.approx(1e4 / 6, abs=1e-4)
    assert rows.loc[("改革", 2021), "per_10k"] == 0
    # counted by year, first_seen and last_seen are the corpus's (the earliest and latest dated document with the
    # term, whatever order the documents come in), the same on every row of the term; "" for a term never seen
    assert set(zip(rows.loc["改革", "first_seen"], rows.loc["改革", "last_seen"])) == {("2020-03-05", "2020-05-22")}
    assert set(zip(rows.loc["开放", "first_seen"], rows.loc["开放", "last_seen"])) == {("2020-03-05", "2021-03-05")}
    assert set(rows.loc["共同富裕", "first_seen"]) == set(rows.loc["共同富裕", "last_seen"]) == {""}


def test_a_term_cut_out_of_a_line_without_the_other_terms_is_a_whole_word_all_the_same():
    """token_count is how often the cut gives the term as a whole word, each term on its own: a line holding one
    of the terms only counts for that one."""
    doc = _doc("a", "2022-03-05")
    table = term_counts([(doc, "推进 改革\n扩大 开放\n改革 开放")], ["改革", "开放"], cut=_words).set_index("term")
    assert table["token_count"].to_dict() == {"改革": 2, "开放": 2}


def test_first_and_last_seen_are_the_earliest_and_latest_dates_within_each_place():
    docs = [
        (_doc("a", "2021-06-01", place="武汉市"), "推进改革"),
        (_doc("b", "2021-02-01", place="武汉市"), "深化改革"),
        (_doc("c", "2020-02-01", place="合肥市"), "改革开放"),
        (_doc("d", "2019-02-01", place="武汉市"), "扩大开放"),
    ]
    table = term_counts(docs, ["改革"], by=("place",)).set_index("place")
    assert table.loc["武汉市", ["first_seen", "last_seen", "documents", "documents_with"]].tolist() == [
        "2021-02-01", "2021-06-01", 3, 2,
    ]  # fmt: skip
    assert table.loc["合肥市", ["first_seen", "last_seen"]].tolist() == ["2020-02-01", "2020-02-01"]


def test_count_is_the_non_overlapping_substring_count_as_kwic_lists_it():
    """count is the text's str.count of the term (the corpus manifest's counts), one per concordance line: 哈哈 in
    哈哈哈 is one occurrence, as kwic finds one; and a term broken by a line break is not in the text."""
    doc = _doc("a", "2020-03-05")
    text = "群众笑哈哈哈。发展数字\n经济"
    counts = term_counts([(doc, text)], ["哈哈", "数字经济"]).set_index("term")["count"]
    lines = kwic([(doc, text)], ["哈哈", "数字经济"])
    assert counts.to_dict() == {"哈哈": 1, "数字经济": 0}
    assert lines["term"].tolist() == ["哈哈"]


def test_a_blank_term_is_refused_not_counted():
    for term in ("", "  "):
        with pytest.raises(ToolkitError, match="must not be empty"):
            term_counts(REPORTS, [term])
        with pytest.raises(ToolkitError, match="must not be empty"):
            kwic(REPORTS, [term])


# ----- keywords in context -----------------------------------------------------------------------------------

#                   0 1 2 3 4 5 6 7 8 9 10 11 12
SENTENCE = "坚持创新驱动发展战略不动摇"


def test_kwic_context_is_exactly_the_characters_on_each_side():
    doc = _doc("a", "2020-03-05", place="北京市")
    row = kwic([(doc, SENTENCE)], ["发展"], context=3, extra=("place",)).iloc[0]
    assert (row["position"], row["left"], row["match"], row["right"], row["place"]) == (6, "新驱动", "发展", "战略不", "北京市")
    # a line break in the left context is shown as ｜, keeping its place
    row = kwic([(doc, "推进改革\n坚持创新")], ["创新"], context=4).iloc[0]
    assert (row["position"], row["left"]) == (7, "革｜坚持")


def test_a_term_is_found_as_written_once_however_often_it_is_given():
    """A term is text, not a regular expression (without regex): its . % ( ) find themselves; given twice, its
    lines are listed once."""
    doc = _doc("a", "2022-03-05")
    text = "经济增长3.5%左右，增长305%的说法不对。印发管理条例(试行)，不是条例试行。"
    lines = kwic([(doc, text)], ["3.5%", "条例(试行)", "3.5%"], context=2)
    assert lines[["match", "position"]].values.tolist() == [["3.5%", 4], ["条例(试行)", 27]]


def test_kwic_lines_of_each_term_stay_in_corpus_order():
    """One row per occurrence in corpus order: the occurrences of a term many times over come in the order of
    their documents and places, however many rows the terms have."""
    docs = [(_doc(f"d{i:02d}", f"20{i:02d}-01-01"), "改革创新" * 10) for i in range(10, 14)]
    lines = kwic(docs, ["创新", "改革"], context=2)
    for term in ("创新", "改革"):
        mine = lines[lines["term"] == term]
        assert len(mine) == 40
        assert list(zip(mine["doc_id"], mine["position"])) == sorted(zip(mine["doc_id"], mine["position"]))


def test_a_context_of_1_and_of_10000_are_taken():
    """terms.context and --context are "from 1 to 10,000" (docs/configuration.md)."""
    from toolkit.options import check_arguments

    for context in (1, 10_000):
        check_arguments("concordance", OPTIONS, context=context)
    for context in (0, 10_001):
        with pytest.raises(ToolkitError):
            check_arguments("concordance", OPTIONS, context=context)


def test_track_terms_counts_whole_words_and_shows_the_context_and_columns_asked_for():
    doc = _doc("a", "2020-03-05", place="北京市")
    counts, lines = track_terms([(doc, SENTENCE)], ["发展"], cut=list, context=2, extra=("place",))
    # cut into single characters, 发展 is never a whole word
    assert counts[["count", "token_count"]].values.tolist() == [[1, 0]]
    assert lines[["left", "right", "place"]].values.tolist() == [["驱动", "战略", "北京市"]]


def test_format_kwic_aligns_the_contexts_and_ends_with_year_and_title():
    doc = _doc("a", "2020-03-05")
    lines = kwic([(doc, SENTENCE)], ["创新", "不动"], context=3)
    assert format_kwic(lines, context=3).splitlines() == [
        "\u3000坚持 【创新】 驱动发  2020 a号报告",  # the left context padded on its left
        "展战略 【不动】 摇\u3000\u3000  2020 a号报告",  # the right context padded on its right
    ]


# ----- phrases -----------------------------------------------------------------------------------------------

# gensim's default scorer: (count(ab) - min_count) / (count(a) * count(b)) * vocabulary size, the vocabulary being
# the 5 words and 5 pairs here; with min_count 2, 推动_数字 scores 1/9 * 10, 数字_经济 1/12 * 10, 经济_发展 1/16 * 10,
# each above a threshold of 0.1; with min_count 5 none reaches it (3 - 5 < 0).
PHRASE_UNITS = [["推动", "数字", "经济", "发展"]] * 3 + [["发展", "绿色", "经济"]]


def test_phrases_join_the_pairs_seen_more_than_min_count_times():
    joined = [list(unit) for unit in join_phrases(PHRASE_UNITS, min_count=2, threshold=0.1)]
    assert joined[0] == ["推动_数字", "经济_发展"]  # joined left to right
    assert joined[3] == ["发展", "绿色", "经济"]
    assert [list(u) for u in join_phrases(PHRASE_UNITS, min_count=5, threshold=0.1)] == PHRASE_UNITS


def test_phrases_never_join_a_kept_word_on_either_side():
    phrases = learn_phrases(PHRASE_UNITS, min_count=2, threshold=0.1, keep={"经济"})
    assert set(phrases.phrasegrams) == {"推动_数字"}  # 数字_经济 and 经济_发展 both hold 经济


# ----- word and pair counts, candidate terms -----------------------------------------------------------------


def test_only_pairs_of_two_chinese_words_are_counted():
    counts = PairCounts.of([["维生素C", "补充"], ["补充", "维生素"], ["5G", "网络"]] * 3)
    assert counts.pairs == {("补充", "维生素"): 3}


def test_pair_counts_merge_without_pickling_and_survive_their_tables():
    units = [["数字", "经济", "发展"], ["绿色", "发展"]]
    merged = PairCounts.of(units[:1])
    merged.merge(PairCounts.of(units[1:]))  # not pickled: its buffer not yet counted
    assert merged.unigrams == {"数字": 1, "经济": 1, "发展": 2, "绿色": 1}
    assert merged.pairs == {("数字", "经济"): 1, ("经济", "发展"): 1, ("绿色", "发展"): 1}
    again = PairCounts.from_tables(*merged.to_tables())
    assert (again.unigrams, again.pairs) == (merged.unigrams, merged.pairs)
    assert pickle.loads(pickle.dumps(merged)).pairs == merged.pairs
    with pytest.raises(ValueError, match="add up"):
        PairCounts().add_units(["数字", "经济"], np.array([0, 1, 1]), np.array([2]))


# 数字 4, 经济 6, 发展 4 times: 14 words. PMI = log2(count(ab) * 14 / (count(a) * count(b))).
PMI_UNITS = [["数字", "经济"]] * 4 + [["发展", "经济"]] * 2 + [["发展"]] * 2


def test_candidate_terms_pmi_and_counts_worked_out_by_hand():
    table = candidate_terms(PMI_UNITS, min_count=2)
    assert table["term"].tolist() == ["数字经济", "发展经济"]
    assert table["count"].tolist() == [4, 2]  # 发展经济 seen exactly min_count times
    assert table["pmi"].tolist() == [round(math.log2(4 * 14 / (4 * 6)), 4), round(math.log2(2 * 14 / (4 * 6)), 4)]
    assert candidate_terms(PMI_UNITS, min_count=2, top=1)["term"].tolist() == ["数字经济"]
    # stopwords given with counts gathered without them: no pair holds one
    assert candidate_terms(PairCounts.of(PMI_UNITS), stopwords={"发展"}, min_count=2)["term"].tolist() == ["数字经济"]


# 绿 智 融合 体 four times, 绿 智 融合 once, 融合 alone three times: 绿 5, 智 5, 融合 8, 体 4 (22 words); the pairs
# 绿智 5, 智融合 5, 融合体 4 are within 1 / 0.6 of one another, so one chain.
CHAIN_UNITS = [["绿", "智", "融合", "体"]] * 4 + [["绿", "智", "融合"]] + [["融合"]] * 3


def test_a_chain_has_its_rarest_pairs_count_and_its_lowest_pmi():
    table = candidate_terms(CHAIN_UNITS, min_count=3)
    assert table.values.tolist() == [["绿智融合体", "绿 智 融合 体", 4, round(math.log2(4 * 22 / (8 * 4)), 4)]]
    assert "绿智融合体" not in set(candidate_terms(CHAIN_UNITS, min_count=3, known={"绿智融合体"})["term"])


def test_a_term_found_as_a_chain_and_as_a_pair_is_listed_once():
    units = [["新", "质", "生产力"]] * 5 + [["新质", "生产力"]] * 5
    terms = candidate_terms(units, min_count=3)["term"].tolist()
    assert terms.count("新质生产力") == 1 and len(terms) == len(set(terms))


# The chains of _chains (candidate_terms' docstring): three or more words, every adjacent pair frequent and holding a
# single character (a piece of a word the segmenter did not know), going on through the most frequent next pair
# while the pairs stay within a factor 1 / 0.6 of one another (5 and 3 are, 5 and 2.9 are not); a piece at either end
# whose neighbour outside is far more frequent belongs to that neighbour's word. min_count is 3 throughout.


def _terms(units) -> list[str]:
    return candidate_terms(units, min_count=3)["term"].tolist()


def test_a_chain_runs_through_the_most_frequent_next_pair_up_to_eight_words():
    assert _terms([["新", "质", "生", "产", "力"]] * 5) == ["新质生产力"]  # five words, one chain
    # a chain may start at a known word: 推进 数字 is a pair of two words, no piece in it
    assert set(_terms([["推进", "数字", "孪", "生"]] * 5)) == {"数字孪生", "推进数字"}
    # after 绿 智 the next pair is 智 融合 (5 times), not 智 能 (3 times)
    assert set(_terms([["绿", "智", "融合"]] * 5 + [["绿", "智", "能"]] * 3)) == {"绿智融合", "智能"}


def test_the_pairs_of_a_chain_stay_within_a_factor_of_one_over_0_6():
    # 甲乙 5, 乙丙 3: 3 / 5 is 0.6, within the factor
    assert _terms([["甲", "乙", "丙"]] * 3 + [["甲", "乙"]] * 2) == ["甲乙丙"]
    # 甲乙 10, 乙丙 14, 丙丁 7: 7 is less than 0.6 of 14, so the chain stops before 丁 (丙丁 listed as a pair)
    units = [["甲", "乙", "丙", "丁"]] * 7 + [["甲", "乙", "丙"]] * 3 + [["乙", "丙"]] * 4
    assert set(_terms(units)) == {"甲乙丙", "丙丁"}
    # 丙甲 3, 甲乙 5, 乙戊 5: 3 and 5 are within the factor, so the chain starts at 丙 and 甲乙戊 is no chain of its own
    assert _terms([["丙", "甲", "乙", "戊"]] * 3 + [["甲", "乙", "戊"]] * 2) == ["丙甲乙戊"]


def test_a_piece_at_an_end_goes_to_its_far_more_frequent_neighbour_and_a_word_stays():
    # 丁 is in 丁戊 20 times, in 丙丁 5: it belongs to 丁戊, and the chain is 甲乙丙
    assert set(_terms([["甲", "乙", "丙", "丁"]] * 5 + [["丁", "戊"]] * 20)) == {"甲乙丙", "丁戊", "丙丁"}
    # 融合 is a word, not a piece: it ends 绿智融合 though 融合体 is more frequent
    assert set(_terms([["绿", "智", "融合"]] * 5 + [["融合", "体"]] * 10)) == {"绿智融合", "融合体"}
    # 智 follows 绿 10 times and 明 3 times: the chain starts at 绿 (no 智融合体 of its own), 明智 is a pair
    assert set(_terms([["绿", "智", "融合", "体"]] * 10 + [["明", "智"]] * 3)) == {"绿智融合体", "明智"}


def test_every_candidate_term_is_a_run_of_words_that_occurs():
    units = [["大家", "哈", "哈"]] * 5
    table = candidate_terms(units, min_count=3)
    texts = [" ".join(unit) for unit in units]
    assert len(table) and all(any(parts in text for text in texts) for parts in table["parts"])


# ----- count_terms and concordance of one text file -----------------------------------------------------------


def test_concordance_of_a_file_takes_the_context_of_its_config_and_names_each_pattern_it_warns_of(tmp_path, caplog):
    from toolkit.explore import concordance

    report = tmp_path / "报告.txt"
    report.write_text(SENTENCE + "。\n", encoding="utf-8")
    lines = concordance(report, "发展", overrides=["terms.context=3"])
    assert lines[["left", "right"]].values.tolist() == [["新驱动", "战略不"]]
    with caplog.at_level("WARNING", logger="toolkit"):
        assert concordance(report, ["創新", "數字"], regex=True).empty
    assert "the pattern(s) 創新, 數字 hold characters the texts never hold" in caplog.text
