from toolkit.terms import candidate_terms, join_phrases

from .conftest import GWR


def test_recurring_pairs_are_proposed_and_known_terms_are_not():
    words = [["联防", "联控", "机制", "。"], ["坚持", "联防", "联控"], ["西气东", "输", "工程"],
             ["联防", "联控", "和", "西气东", "输"], ["数字", "经济"]] * 3
    table = candidate_terms(words, known={"数字经济"}, stopwords={"和"}, min_count=3)
    assert {"联防联控", "西气东输"} <= set(table["term"])
    assert table["pmi"].is_monotonic_decreasing  # strongest association first
    assert "数字经济" not in set(table["term"])  # already in the dictionary
    assert not any("。" in t for t in table["term"])
    row = table.set_index("term").loc["联防联控"]
    assert (row["left"], row["right"], row["count"]) == ("联防", "联控", 9)


def test_phrases_join_pairs_that_recur(segmenter):
    text = (GWR / "national_2020.txt").read_text(encoding="utf-8")
    tokens = [segmenter.tokens(line) for line in text.splitlines()]
    joined = join_phrases(tokens, min_count=5, threshold=5.0)
    phrases = {t for unit in joined for t in unit if "_" in t}
    assert phrases
    assert all(len(t.split("_")) == 2 for t in phrases)
    assert sum(map(len, joined)) < sum(map(len, tokens))
