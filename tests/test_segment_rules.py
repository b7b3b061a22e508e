"""Rules of the segmenter's dictionaries and tag filter, and of a preparation chunk's boundaries, that a mutation audit
found no test held (each test names the change it catches)."""

from toolkit.text.segment import Segmenter, read_dictionary


def test_a_frequency_a_users_dictionary_gives_a_word_is_the_one_jieba_uses(tmp_path):
    """The shipped dictionary says "give a frequency to override" DOMAIN_FREQ. jieba's own dictionary has 发展 68,664
    and 经济 48,718 of 60.1 million: at frequency 5, 发展经济 is less likely than 发展 then 经济 (5 < 68,664 x 48,718 /
    60.1M = 56), at the default 100,000 far more (a mutation audit gave every entry DOMAIN_FREQ, and no test saw it)."""
    low, plain = tmp_path / "low.txt", tmp_path / "plain.txt"
    low.write_text("发展经济 5\n", encoding="utf-8")
    plain.write_text("发展经济\n", encoding="utf-8")
    text = "因地制宜发展经济"
    cut_low = Segmenter(dictionaries=(low,), stopwords=set()).cut(text)
    assert "发展经济" not in cut_low and {"发展", "经济"} <= set(cut_low)
    assert "发展经济" in Segmenter(dictionaries=(plain,), stopwords=set()).cut(text)


def test_a_comment_after_an_entry_is_no_part_of_it(tmp_path):
    """'#' starts a comment anywhere on a line (read_dictionary's docstring): an entry with a note after it reads as the
    entry (a mutation audit stripped whole-line comments only, which refused these lines, and no test saw it)."""
    mine = tmp_path / "mine.txt"
    mine.write_text("韧性城市 n  # 城市韧性\n数据要素 300 # 新词\n碳达峰#双碳\n", encoding="utf-8")
    assert read_dictionary(mine) == [("韧性城市", None, "n"), ("数据要素", 300, None), ("碳达峰", None, None)]


def test_each_tag_of_several_kept_keeps_its_words():
    """segment.pos = ["v", "ns"] keeps verbs and place names, whichever is listed first (a mutation audit used the
    first tag only, and no test saw it): jieba tags 武汉市 ns and 推进 v; the shipped dictionary's 科技创新 is n."""
    text = "武汉市推进科技创新"
    for tags in (("v", "ns"), ("ns", "v")):
        words = Segmenter(pos=tags, stopwords=set()).cut(text)
        assert {"武汉市", "推进"} <= set(words) and "科技创新" not in words, (tags, words)


def test_with_every_tag_kept_and_the_spaces_asked_for_the_words_give_the_text_back():
    """cut(keep_spaces=True) keeps the whitespace with segment.pos too, when the tags kept take it (jieba tags it x);
    without keep_spaces no word is whitespace (a mutation audit dropped the spaces under pos, and no test saw it)."""
    segmenter = Segmenter(pos=("",), stopwords=set())
    text = "加快发展 数字经济\u3000建设东湖科学城"
    kept = segmenter.cut(text, keep_spaces=True)
    assert "".join(kept) == text
    assert segmenter.cut(text) == [w for w in kept if not w.isspace()]


def _prepare(documents, normalizer, segmenter):
    from toolkit.text.chunks import prepare_chunk

    units = {"kind": "paragraph", "max_chars": 400, "min_chars": 40, "join_lines": True}
    return prepare_chunk(documents, normalizer, units, segmenter, "f", None)


def test_documents_prepared_in_one_chunk_or_one_each_give_the_same_units_tokens_and_pairs(seed_texts, normalizer, segmenter):
    """The result does not depend on the chunk size: a chunk of three seed documents gives each document's units and
    tokens as a chunk of it alone does, in order, and the pair counts of the three chunks merged; no pair is counted across two
    units (or documents): every counted pair is two words adjacent in one unit's cut."""
    from toolkit.analysis.terms import PairCounts

    documents = sorted(seed_texts.items())[:3]
    together = _prepare(documents, normalizer, segmenter)
    alone = [_prepare([document], normalizer, segmenter) for document in documents]
    assert [a.to_pylist() for a in together.unit_texts] == [c.unit_texts[0].to_pylist() for c in alone]
    assert list(together.tokens) == [unit for c in alone for unit in c.tokens]
    merged = PairCounts(segmenter.stopwords)
    for chunk in alone:
        merged.merge(chunk.pair_counts)
    assert together.pair_counts.pairs == merged.pairs and together.pair_counts.unigrams == merged.unigrams
    adjacent = set()
    for array in together.unit_texts:
        for text in array.to_pylist():
            words = segmenter.cut(text)
            adjacent |= set(zip(words, words[1:]))
    assert together.pair_counts.pairs and set(together.pair_counts.pairs) <= adjacent


def test_each_documents_units_are_numbered_from_zero_in_their_order():
    """unit_id is doc_id#number, numbered within the document (a mutation audit numbered on across documents, and the
    preparation's tests passed: 2021年报告's first unit read 2021年报告#0002)."""
    from toolkit.text.preparation import units_table

    doc_ids = ["2020年报告", "2020年报告", "2021年报告", "2021年报告", "2021年报告"]
    table = units_table(doc_ids, [2020, 2020, 2021, 2021, 2021], ["一", "二", "三", "四", "五"])
    assert table["unit_id"].tolist() == [
        "2020年报告#0000",
        "2020年报告#0001",
        "2021年报告#0000",
        "2021年报告#0001",
        "2021年报告#0002",
    ]
    assert table["doc_id"].tolist() == doc_ids and table["text"].tolist() == ["一", "二", "三", "四", "五"]


def test_the_prepared_seeds_are_the_same_in_chunks_of_one_document_or_of_all(lexicon):
    """prepare_documents gives the same units, tokens and pair counts whatever the chunk size (one document a chunk,
    or every document in one), and the pair counts are those of its chunks, not none (a mutation audit left the
    chunks' pair counts out of the corpus's, and the preparation's tests passed: every run gave the same nothing)."""
    from toolkit.config import Config
    from toolkit.text.corpus import load_corpus
    from toolkit.text.preparation import make_normalizer, make_segmenter, prepare_documents

    from .conftest import SEEDS

    config = Config.from_dict({"corpus": {"texts": str(SEEDS), "metadata": str(SEEDS / "metadata.csv")}})
    corpus = load_corpus(SEEDS, SEEDS / "metadata.csv")
    normalizer, segmenter = make_normalizer(config), make_segmenter(config, lexicon)
    small, large = (prepare_documents(corpus, normalizer, segmenter, config, None, chunk_chars=n) for n in (1, 10**9))
    assert small[1].equals(large[1]) and small[2] == large[2] and small[0].equals(large[0])
    documents = [(doc_id, corpus.text(doc_id)) for doc_id in corpus.used["doc_id"]]
    whole = _prepare(documents, normalizer, segmenter).pair_counts
    for pairs in (small[3], large[3]):
        assert pairs.pairs == whole.pairs and pairs.unigrams == whole.unigrams and pairs.pairs
    assert len(corpus.used) == 5 and small[1]["doc_id"].nunique() == 5
