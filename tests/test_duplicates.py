"""Near-duplicate documents (MinHash LSH, confirmed by the exact Jaccard similarity) and exact copies with
another date: flagged in the documents table and the log, never dropped."""

import numpy as np
import pytest

from toolkit.config import Config
from toolkit.text.corpus import load_corpus
from toolkit.text.duplicates import SHINGLE, _codes, _shingle_hashes, jaccard, minhash, near_duplicates, shingle_set
from toolkit.text.preparation import load_inputs, prepare

from .conftest import GWR, SEEDS, add_document

ORIGINAL = "000_4635cf3c1d3ea286.txt"


def _reprint(text: str) -> str:
    """Seed 000 as another site reprints it: its four header lines replaced by another header, and one sentence
    reworded."""
    lines = text.splitlines()
    body = "\n".join(lines[4:])
    assert "市长万勇讲话。" in body
    return "武汉市人民政府网 转载\n来源:长江日报 编辑:张三\n我市召开建设国家创新型城市专题研讨会\n" + body.replace(
        "市长万勇讲话。", "市长万勇在会上作了重要讲话。"
    )


def _add_reprint(folder, name="reprint.txt", date="2015-04-02"):
    add_document(folder, name, _reprint((SEEDS / ORIGINAL).read_text(encoding="utf-8")), title="转载", date=date)
    return folder / "metadata.csv"


def _config(folder, tmp_path, **corpus) -> Config:
    return Config.from_dict(
        {
            "corpus": {"texts": str(folder), "metadata": str(folder / "metadata.csv"), **corpus},
            "cache": {"dir": str(tmp_path / "cache")},
        }
    )


def test_the_minhash_is_datasketchs_of_the_shingle_hashes():
    from datasketch import MinHash

    text = (GWR / "national_2020.txt").read_text(encoding="utf-8")[:3000]
    reference = MinHash(seed=1, hashfunc=lambda value: value, scheme="affine32")
    reference.update_batch(_shingle_hashes(_codes(text), SHINGLE).tolist())
    assert np.array_equal(minhash(text).hashvalues, reference.hashvalues)
    assert minhash("创新驱动") is None  # shorter than one shingle


def test_a_reprint_is_found_and_unrelated_reports_are_not():
    original = (SEEDS / ORIGINAL).read_text(encoding="utf-8")
    reprint = _reprint(original)
    exact = jaccard(shingle_set(original), shingle_set(reprint))
    assert 0.8 < exact < 1
    reports = [p.read_text(encoding="utf-8") for p in sorted(GWR.glob("national_201*.txt"))]
    texts = [*reports, original, reprint]
    pairs = near_duplicates(texts, 0.8)
    assert [(p.first, p.second) for p in pairs] == [(len(reports), len(reports) + 1)]
    assert pairs[0].similarity == pytest.approx(exact)
    assert near_duplicates(texts, 0.8) == pairs  # the permutations' seed is fixed


def test_near_duplicates_are_flagged_with_their_twin_on_a_cold_and_a_warm_run(small_corpus, tmp_path, caplog):
    _add_reprint(small_corpus)
    config = _config(small_corpus, tmp_path)
    flags = []
    for run in ("miss", "hit"):
        with caplog.at_level("WARNING", logger="toolkit"):
            prepared = prepare(config, load_inputs(config))
        assert prepared.cache_stats["prepared"] == run
        docs = prepared.corpus.documents.set_index("path")
        assert docs.loc["reprint.txt", "status"] == docs.loc[ORIGINAL, "status"] == "used"  # nothing dropped
        assert docs.loc["reprint.txt", "near_duplicate_of"] == ORIGINAL
        assert docs.loc[ORIGINAL, "near_duplicate_of"] == "reprint.txt"
        assert 0.8 < docs.loc[ORIGINAL, "similarity"] < 1
        others = docs.drop(["reprint.txt", ORIGINAL])
        assert (others["near_duplicate_of"] == "").all() and others["similarity"].isna().all()
        flags.append(docs[["near_duplicate_of", "similarity"]])
    assert flags[0].equals(flags[1])
    # as a run writes documents.csv
    import pandas as pd

    from toolkit.output.tables import documents_table, write_tables

    units = prepared.units.assign(n_tokens=prepared.tokens.lengths())
    write_tables(tmp_path, documents=documents_table(prepared.corpus.documents, units))
    written = pd.read_csv(tmp_path / "documents.csv", keep_default_na=False).set_index("path")
    assert written.loc["reprint.txt", "near_duplicate_of"] == ORIGINAL
    assert written.loc[ORIGINAL, "near_duplicate_of"] == "reprint.txt"
    assert float(written.loc["reprint.txt", "similarity"]) == float(written.loc[ORIGINAL, "similarity"]) > 0.8
    assert written.loc["001_a277e5c0c743763f.txt", ["near_duplicate_of", "similarity"]].tolist() == ["", ""]
    assert "1 pair(s) of near-duplicate documents" in caplog.text
    # the warning gives the similarity as documents.csv does (it gave 1.00 for 0.997: a hostile pass of the docs)
    assert f"{ORIGINAL} ~ reprint.txt ({float(written.loc[ORIGINAL, 'similarity']):.3f})" in caplog.text


def test_the_metadata_decides_and_the_threshold_can_turn_it_off(small_corpus, tmp_path):
    meta = _add_reprint(small_corpus)
    config = _config(small_corpus, tmp_path, near_duplicates=0)  # as the help says: 0, an integer
    docs = prepare(config, load_inputs(config)).corpus.documents
    assert (docs["near_duplicate_of"] == "").all()
    meta.write_text(meta.read_text(encoding="utf-8").replace(",x,simplified,\n", ",x,simplified,,no\n"), encoding="utf-8")
    meta.write_text(meta.read_text(encoding="utf-8").replace("notes\n", "notes,include\n", 1), encoding="utf-8")
    config = _config(small_corpus, tmp_path)
    docs = prepare(config, load_inputs(config)).corpus.documents.set_index("path")
    assert docs.loc["reprint.txt", "reason"] == "excluded in the metadata (include = no)"
    assert (docs["near_duplicate_of"] == "").all()


# a date of the same day, or of its month or year (a hostile pass of the docs: 2015 against 2015-03-31 "differed"),
# agrees; another day of the same month, or another year, does not
@pytest.mark.parametrize(
    "date, warned",
    [("2018-03-01", True), ("2019-05-16", False), ("2019", False), ("2019-05", False), ("2019-05-17", True), ("2018", True)],
)
def test_an_exact_copy_with_another_date_is_a_warning(small_corpus, caplog, date, warned):
    add_document(small_corpus, "copy.txt", (SEEDS / "001_a277e5c0c743763f.txt").read_bytes(), title="副本", date=date)
    meta = small_corpus / "metadata.csv"
    with caplog.at_level("WARNING", logger="toolkit"):
        docs = load_corpus(small_corpus, meta).documents.set_index("path")
    assert docs.loc["copy.txt", "status"] == "skipped"
    if warned:
        assert (
            f"skipped 1 exact copy whose metadata date differs from the file's it copies: copy.txt ({date}) "
            "copies 001_a277e5c0c743763f.txt (2019-05-16)"
        ) in caplog.text
    else:
        assert docs.loc["copy.txt", "reason"] == "duplicate of 001_a277e5c0c743763f.txt (same bytes)"
        assert "exact cop" not in caplog.text


@pytest.mark.parametrize("threshold", [0.99, 1.0])
def test_a_threshold_above_what_datasketch_can_index_still_finds_the_pairs(threshold):
    original = (SEEDS / ORIGINAL).read_text(encoding="utf-8")
    texts = [original, original + "\n", original.replace("市长万勇讲话。", "市长万勇作了讲话。")]
    sets = [shingle_set(text) for text in texts]
    expected = [(i, j, jaccard(sets[i], sets[j])) for i, j in [(0, 1), (0, 2), (1, 2)] if jaccard(sets[i], sets[j]) >= threshold]
    assert expected[0] == (0, 1, 1.0) and len(expected) == (3 if threshold < 1 else 1)
    assert [(p.first, p.second, p.similarity) for p in near_duplicates(texts, threshold)] == expected


def test_shingles_and_jaccard_similarity_are_those_worked_out_by_hand():
    """A text's shingles are every run of SHINGLE (5) characters once whitespace is removed, the last one too, and
    the similarity of two texts is the Jaccard similarity of their shingle sets: shared over all (a mutation audit:
    the last shingle was left out, and the similarity was divided by the larger set, not the union)."""
    assert SHINGLE == 5
    assert shingle_set("推进数字经济发展") == {"推进数字经", "进数字经济", "数字经济发", "字经济发展"}
    assert shingle_set("数字 经济\n发") == {"数字经济发"} and shingle_set("数字经济") == set()
    # 推进数字经济发展 and 推进数字经济建设 share 推进数字经 and 进数字经济, of 6 shingles in all
    assert jaccard(shingle_set("推进数字经济发展"), shingle_set("推进数字经济建设")) == 2 / 6


def _report_and_two_edits():
    """199 characters of the 2018 report (195 shingles, no two alike), that text with one character changed (5
    shingles replaced) and with three changed far apart (15 replaced), by characters it does not hold."""
    paragraph = next(
        line
        for line in (GWR / "national_2018.txt").read_text(encoding="utf-8").split("\n")
        if line.startswith("五年来，创新驱动发展成果丰硕")
    )
    original = paragraph[:199]
    assert len(shingle_set(original)) == 195 and not set("甲乙丙丁") & set(original)
    one = original[:50] + "甲" + original[51:]
    three = original[:100] + "乙" + original[101:130] + "丙" + original[131:160] + "丁" + original[161:]
    return original, one, three


def test_near_duplicates_report_the_exact_jaccard_similarity():
    """One character changed of 199: 190 shingles shared of 200, 0.95; three changed: 180 of 210; the two edits
    with each other: 175 of 215 (a mutation audit: similarities divided by the larger set passed every test)."""
    original, one, three = _report_and_two_edits()
    pairs = near_duplicates([original, three, one], 0.5)  # well below each: the index proposes every pair
    assert [(p.first, p.second, p.similarity) for p in pairs] == [(0, 1, 180 / 210), (0, 2, 190 / 200), (1, 2, 175 / 215)]


def test_a_document_with_two_near_duplicates_names_the_more_similar_first():
    """near_duplicate_of lists a document's twins most similar first and similarity is that to the first: the
    original, listed before its copy with three characters changed (0.857) and after its copy with one (0.95), names
    the copy with one first and gives 0.95 (a mutation audit: the twins were listed in input order, or the
    similarity was that of the last)."""
    import pandas as pd

    from toolkit.text.duplicates import flag_near_duplicates

    original, one, three = _report_and_two_edits()
    documents = pd.DataFrame({"doc_id": ["a", "c", "b"], "path": ["a.txt", "c.txt", "b.txt"]})
    texts = [original[:99], original[99:], three[:99], three[99:], one[:99], one[99:]]  # two units each
    units = pd.DataFrame({"doc_id": ["a", "a", "c", "c", "b", "b"], "text": texts})
    flag_near_duplicates(documents, units, 0.5)
    flags = documents.set_index("path")
    assert flags["near_duplicate_of"].to_dict() == {"a.txt": "b.txt; c.txt", "c.txt": "a.txt; b.txt", "b.txt": "a.txt; c.txt"}
    assert flags["similarity"].to_dict() == {"a.txt": 0.95, "c.txt": 0.857, "b.txt": 0.95}


def test_looking_for_near_duplicates_leaves_the_users_random_sequence_as_it_was():
    """datasketch's index draws from Python's global random generator; a user's seeded sequence must come out the
    same whether or not near duplicates were looked for in between (a mutation audit: the state was not given
    back and no test saw it)."""
    import random

    original, one, _ = _report_and_two_edits()
    random.seed(2024)
    expected = [random.random() for _ in range(3)]
    random.seed(2024)
    assert len(near_duplicates([original, one], 0.8)) == 1
    assert [random.random() for _ in range(3)] == expected


def test_pairs_just_above_the_threshold_are_found_nearly_always():
    """From a helper writing the mutation audit's tests: near_duplicates promised every pair at or above the
    threshold, but datasketch's index, with its equal weights of misses and false proposals, found a pair at
    similarity 0.80-0.85 less than half the time (a reprinted report not flagged). Every proposal is checked by
    its exact similarity, so the index now favours finding: 40 pairs of Chinese texts with an exact similarity
    between 0.80 and 0.85 (12 characters of 600 changed), each looked for at 0.8: at least 34 are found (the
    design's recall there is 95-99%; it was 40-69%)."""
    import numpy as np

    from toolkit.resources import common_chars
    from toolkit.text.duplicates import SHINGLE, jaccard, near_duplicates, shingle_set

    chars = np.array(sorted(common_chars()))
    rng = np.random.default_rng(11)
    found, tried = 0, 0
    while tried < 40:
        base = rng.choice(chars, 600)
        near = base.copy()
        near[rng.choice(600, 12, replace=False)] = rng.choice(chars, 12)
        a, b = "".join(base), "".join(near)
        if not 0.80 <= jaccard(shingle_set(a, SHINGLE), shingle_set(b, SHINGLE)) <= 0.85:
            continue
        tried += 1
        found += len(near_duplicates([a, b], 0.8)) == 1
    assert found >= 34, found


def test_an_excerpt_of_a_report_is_flagged_with_its_source_and_an_unrelated_document_is_not(small_corpus, tmp_path, caplog):
    """From a reviewer's read of a run: two documents made of three paragraphs of seed 003 each (a reprinted
    excerpt) were no near duplicates of it (Jaccard: the excerpt's length over the report's), so 2021 counted
    those paragraphs twice without a word. Each is flagged as an excerpt of 003 with the share of its text found
    there; the report itself, the other seeds, and a document quoting one paragraph among text of its own are not."""
    source = "003_627586bead8599d4.txt"
    paragraphs = [p for p in (SEEDS / source).read_text(encoding="utf-8").splitlines() if len(p.strip()) > 60]
    add_document(small_corpus, "excerpt.txt", "\n".join(paragraphs[5:8]) + "\n", title="节选", date="2021-06-01")
    own = "我区今年以来坚持生态优先、绿色发展，持续推进长江大保护，加快建设美丽乡村，群众获得感明显增强。" * 3
    add_document(
        small_corpus, "quoting.txt", own + "\n" + paragraphs[9] + "\n" + own[::-1] + "\n", title="引用", date="2021-07-01"
    )
    config = _config(small_corpus, tmp_path)
    with caplog.at_level("WARNING", logger="toolkit"):
        docs = prepare(config, load_inputs(config)).corpus.documents.set_index("path")
    assert docs.loc["excerpt.txt", "excerpt_of"] == source and docs.loc["excerpt.txt", "contained"] == 1.0
    assert docs.loc["excerpt.txt", "near_duplicate_of"] == ""  # no near duplicate: 3 paragraphs of a long report
    assert (docs.drop("excerpt.txt")["excerpt_of"] == "").all() and docs.drop("excerpt.txt")["contained"].isna().all()
    assert "1 document(s) are excerpts of longer ones" in caplog.text and f"excerpt.txt in {source} (100%)" in caplog.text
    off = _config(small_corpus, tmp_path / "off", near_duplicates=0)
    assert (prepare(off, load_inputs(off)).corpus.documents["excerpt_of"] == "").all()


def test_excerpts_count_each_units_characters_by_hand():
    """A document of three units, two of them (90 and 120 characters) units of a longer one and one (90) its own:
    210 of 300 characters found, an excerpt at 0.7 and not at 0.8; a heading shorter than 20 characters found in
    both counts in the length only; the longer document is never an excerpt of the shorter; nor is a document two
    units of which are in 51 documents (boilerplate)."""
    from toolkit.text.duplicates import excerpts

    a, b, own = "甲" * 90, "乙" * 120, "丙" * 90
    report = [a, "丁" * 200, b, "戊" * 100]
    texts = [a, b, own, *report]
    codes = [0, 0, 0, 1, 1, 1, 1]
    (found,) = excerpts(codes, texts, 0.7)
    assert (found.part, found.whole) == (0, 1) and found.contained == pytest.approx(0.7)
    assert excerpts(codes, texts, 0.8) == []
    heading = "一、主要工作"
    (with_heading,) = excerpts([0, 0, 0, 0, 1, 1, 1, 1, 1], [heading, *texts[:3], heading, *report], 0.6)
    assert with_heading.contained == pytest.approx(210 / (300 + len(heading)))
    short = excerpts(codes, ["甲" * 30, "乙" * 40, "丙" * 30, "甲" * 30, "丁" * 200, "乙" * 40], 0.5)
    assert short == []  # 70 characters found: under the 100 an excerpt needs
    spread = [a, b] + [t for _ in range(50) for t in (a, b, "己" * 300)]
    assert excerpts([0, 0] + [d for d in range(1, 51) for _ in range(3)], spread, 0.5) == []


def test_an_excerpt_is_found_whichever_paragraphs_the_units_merged_and_however_its_lines_are_wrapped(small_corpus, tmp_path):
    """From an adversarial review: excerpts were matched unit by unit, after short paragraphs were merged into the
    next; a heading of seed 003 (第一,明确了主要目标) joins its paragraph there and not in a reprint of the paragraphs
    that follow it, so four paragraphs copied word for word were 76% found and not flagged at the default
    ``units.min_chars``. Matched by sentences now: the same reprint, and one hard-wrapped at 28 characters, are
    found whole."""
    source = "003_627586bead8599d4.txt"
    lines = (SEEDS / source).read_text(encoding="utf-8").splitlines()
    heading = lines.index("第一,明确了主要目标")
    paragraphs = [line for line in lines[heading + 1 : heading + 9] if line.strip()]
    assert len(paragraphs) == 4 and min(map(len, paragraphs)) > 100
    reprint = "\n\n".join(paragraphs) + "\n"
    add_document(small_corpus, "reprint.txt", reprint, title="节选", date="2021-08-01")
    joined = "".join(paragraphs)
    wrapped = "\n".join(joined[i : i + 28] for i in range(0, len(joined), 28)) + "\n"
    add_document(small_corpus, "wrapped.txt", wrapped, title="节选二", date="2021-09-01")
    config = _config(small_corpus, tmp_path)
    assert config["units"]["min_chars"] == 40  # the default, which merges the heading into its paragraph
    docs = prepare(config, load_inputs(config)).corpus.documents.set_index("path")
    for name in ("reprint.txt", "wrapped.txt"):
        assert docs.loc[name, "excerpt_of"].split("; ")[0] == source, docs.loc[name, ["excerpt_of", "contained"]]
        assert docs.loc[name, "contained"] >= 0.99
    assert (docs.loc[docs.index.str.match(r"\d{3}_"), "excerpt_of"] == "").all()


def test_sentence_pieces_cut_after_each_sentence_and_join_short_ones():
    from toolkit.text.duplicates import EXCERPT_MIN_PIECE, sentence_pieces

    text = (
        "一、总体要求\n坚持创新在现代化建设全局中的核心地位，全面塑造发展新优势。"
        "加快建设。推进数字经济和实体经济深度融合；建设数字中国！好"
    )
    pieces = sentence_pieces(text)
    assert "".join(pieces) == "".join(text.split())
    assert pieces[0] == "一、总体要求"  # a heading merged into its paragraph's unit stays a piece of its own
    assert pieces[1] == "坚持创新在现代化建设全局中的核心地位，全面塑造发展新优势。"
    # a short sentence joined to the next, and the line's short last piece (建设数字中国！好) to the one before
    assert pieces[2:] == ["加快建设。推进数字经济和实体经济深度融合；建设数字中国！好"]
    assert all(len(p) >= EXCERPT_MIN_PIECE for p in pieces[1:])
    assert sentence_pieces("好") == ["好"] and sentence_pieces(" \n") == []
