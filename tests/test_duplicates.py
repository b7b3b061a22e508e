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


def _paragraphs(name="003_627586bead8599d4.txt", longer_than=60):
    """The paragraphs of a seed longer than ``longer_than`` characters, whitespace removed, each once."""
    from toolkit.text.duplicates import compact

    lines = [compact(line) for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()]
    return list(dict.fromkeys(line for line in lines if len(line) > longer_than))


@pytest.mark.parametrize("length", [5, 6, 7, 12, 2000])
def test_the_minhash_takes_every_shingle_the_first_and_the_last_at_every_length(length):
    """From a mutation audit: the MinHash left out the last shingle (or the test's shingle hashes did) and the
    reference comparison, on 3,000 characters, rarely saw it; a text of exactly one shingle had no MinHash. Compared
    with datasketch fed every shingle's hash, from one shingle up."""
    from datasketch import MinHash

    from toolkit.text.duplicates import compact

    text = compact((SEEDS / ORIGINAL).read_text(encoding="utf-8"))[100 : 100 + length]
    hashes = _shingle_hashes(_codes(text), SHINGLE)
    assert len(hashes) == length - SHINGLE + 1
    reference = MinHash(seed=1, hashfunc=lambda value: value, scheme="affine32")
    reference.update_batch(hashes.tolist())
    assert np.array_equal(minhash(text).hashvalues, reference.hashvalues)


def test_each_shingle_hash_depends_on_all_of_its_characters():
    """The distinct shingles of a report have as many distinct hashes (a mutation audit hashed four characters of
    five, or the first alone, and every test passed: shingles sharing their start collided)."""
    from toolkit.text.duplicates import compact

    text = compact((GWR / "national_2020.txt").read_text(encoding="utf-8"))[:3000]
    shingles = [text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)]
    hashes = _shingle_hashes(_codes(text), SHINGLE)
    assert len(set(shingles)) == len(set(hashes.tolist())) > 2000
    # two shingles that differ in their last character only
    assert len(set(_shingle_hashes(_codes("推进数字经济推进数字经营"), SHINGLE)[[0, 7]].tolist())) == 2


def test_whitespace_changes_no_minhash_and_short_texts_are_never_paired():
    """Line breaks and spaces are no part of the shingles, of the exact similarity or of the MinHash (a mutation
    audit hashed them in, unseen); a text shorter than one shingle is never paired, not even with its copy, and does
    not stop the others' pairs from being found (indexing it, a mutation audit, went unseen)."""
    original, one, _ = _report_and_two_edits()
    spaced = "\n".join(original[i : i + 37] for i in range(0, len(original), 37)).replace("，", " ， ")
    assert np.array_equal(minhash(spaced).hashvalues, minhash(original).hashvalues)
    texts = ["创新", original, "创新", one, "数字经"]
    assert [(p.first, p.second) for p in near_duplicates(texts, 0.8)] == [(1, 3)]


def test_pairs_come_in_input_order():
    """Three documents of the seeds, each followed later by its copy with one sentence reworded: the pairs come in
    the order of their first document, then their second (a mutation audit gave them in a set's order, unseen)."""
    originals = [(SEEDS / name).read_text(encoding="utf-8") for name in sorted(p.name for p in SEEDS.glob("00[0-2]_*.txt"))]
    copies = [text.replace("。", "；", 1) for text in originals]
    pairs = near_duplicates([*originals, *copies], 0.8)
    assert [(p.first, p.second) for p in pairs] == [(0, 3), (1, 4), (2, 5)]


def test_the_near_duplicates_warning_names_the_most_similar_pairs_first(caplog):
    """The warning names five pairs at most (and how many more): the most similar first, so that the reprints are
    named before the loose paraphrases (a mutation audit named them in input order, unseen)."""
    import pandas as pd

    from toolkit.text.duplicates import flag_near_duplicates

    original, one, three = _report_and_two_edits()
    documents = pd.DataFrame({"doc_id": ["a", "c", "b"], "path": ["a.txt", "c.txt", "b.txt"]})
    units = pd.DataFrame({"doc_id": ["a", "c", "b"], "text": [original, three, one]})
    with caplog.at_level("WARNING", logger="toolkit"):
        pairs = flag_near_duplicates(documents, units, 0.5)
    similarities = sorted((p.similarity for p in pairs), reverse=True)
    assert similarities == [190 / 200, 180 / 210, 175 / 215]
    said = [caplog.text.index(f"({s:.3f})") for s in similarities]
    assert said == sorted(said) and "a.txt ~ b.txt (0.950)" in caplog.text and "3 pair(s)" in caplog.text


@pytest.mark.parametrize(
    "n, said", [(4, "a, b, c, d"), (5, "a, b, c, d, e"), (6, "a, b, c, d, e and 1 more"), (8, "a, b, c, d, e and 3 more")]
)
def test_a_warning_names_five_and_counts_the_rest(n, said):
    from toolkit.text.duplicates import _first_five

    assert _first_five(list("abcdefgh")[:n]) == said


def test_an_excerpt_at_the_smallest_sizes_is_found():
    """Lines of exactly 20 characters can show an excerpt and exactly 100 characters found are enough (each
    limit the documented "at least"): five 20-character pieces of seed 003 that a longer document holds (a mutation
    audit raised either limit, or made it "more than", and every test passed)."""
    from toolkit.text.duplicates import EXCERPT_MIN_CHARS, EXCERPT_MIN_PIECE, excerpts

    text = "".join(_paragraphs())
    pieces = [text[i * 20 : i * 20 + 20] for i in range(6)]
    assert EXCERPT_MIN_PIECE == 20 and EXCERPT_MIN_CHARS == 100 and len(set(pieces)) == 6
    whole = [*pieces, *_paragraphs()[3:6]]
    (found,) = excerpts([0] * 5 + [1] * len(whole), [*pieces[:5], *whole], 0.8)
    assert (found.part, found.whole, found.contained) == (0, 1, 1.0)
    assert excerpts([0] * 5 + [1] * len(whole), [*(p[:19] for p in pieces[:5]), *whole], 0.8) == []  # 19 each


def test_an_excerpt_is_found_whichever_document_comes_first_and_a_repeated_paragraph_counts_each_time():
    """An excerpt listed before or after its source is found (a mutation audit looked only at excerpts listed first
    and the shipped test saw it by luck); a paragraph the excerpt gives twice counts twice in what is found, as it
    counts twice in its length (a mutation audit counted it once: 0.73 of the text found, where all of it is)."""
    from toolkit.text.duplicates import excerpts

    p = _paragraphs()
    part = [p[5], p[6], p[5]]
    whole = p[:12]
    for codes, texts, (part_code, whole_code) in (
        ([0] * 3 + [1] * 12, [*part, *whole], (0, 1)),
        ([0] * 12 + [1] * 3, [*whole, *part], (1, 0)),
    ):
        (found,) = excerpts(codes, texts, 0.8)
        assert (found.part, found.whole, found.contained) == (part_code, whole_code, 1.0)


def test_a_paragraph_in_fifty_documents_still_counts_and_in_fifty_one_is_boilerplate():
    from toolkit.text.duplicates import EXCERPT_MAX_DOCUMENTS, excerpts

    p = _paragraphs()
    assert EXCERPT_MAX_DOCUMENTS == 50
    for n, expected in ((50, 1), (51, 0)):
        codes = [0, 0] + [d for d in range(1, n) for _ in range(3)]
        texts = [p[0], p[1]] + [t for d in range(1, n) for t in (p[0], p[1], p[2 + d % 10] * 3)]
        found = excerpts(codes, texts, 0.8)
        assert len({e.part for e in found}) == expected, n
        assert all(e.part == 0 for e in found)


def test_excerpts_are_not_looked_for_beyond_the_limit_of_pairs_and_are_at_it(monkeypatch, caplog):
    """A passage shared by three documents makes 3 x 2 (document, other document) pairs to look at, each of its
    sentences; the search stops only above EXCERPT_MAX_PAIRS, with a note in the log (a mutation audit stopped at
    the limit, or counted the pairs as 3 - 1, and every test passed)."""
    from toolkit.text import duplicates

    p = _paragraphs()
    codes, texts = [0, 1, 1, 2, 2], [p[0], p[0], p[1], p[0], p[2]]
    shared = len(duplicates.sentence_pieces(p[0]))
    assert shared > 1 and all(len(piece) >= duplicates.EXCERPT_MIN_PIECE for piece in duplicates.sentence_pieces(p[0]))
    monkeypatch.setattr(duplicates, "EXCERPT_MAX_PAIRS", 6 * shared)
    assert len(duplicates.excerpts(codes, texts, 0.8)) == 2  # document 0 in 1 and in 2
    monkeypatch.setattr(duplicates, "EXCERPT_MAX_PAIRS", 6 * shared - 1)
    with caplog.at_level("WARNING", logger="toolkit"):  # a warning: a note in the log went unread (a review)
        assert duplicates.excerpts(codes, texts, 0.8) == []
    assert f"not looking for excerpts: {6 * shared} pairs of documents share paragraphs" in caplog.text


def _excerpt_frames(documents, units):
    import pandas as pd

    return (
        pd.DataFrame({"doc_id": [d for d, _ in documents], "path": [path for _, path in documents]}),
        pd.DataFrame({"doc_id": [d for d, texts in units for _ in texts], "text": [t for _, texts in units for t in texts]}),
    )


def test_an_excerpt_of_two_longer_documents_names_the_one_holding_most_of_it_first(caplog):
    """excerpt_of lists the longer documents most of the excerpt first and contained is its share in that one; the
    warning counts the excerpt once (a mutation audit listed the sources in input order, gave the last one's share,
    or counted two excerpts, and every test passed)."""
    from toolkit.text.duplicates import flag_excerpts

    p = _paragraphs()
    part = p[0:4]
    some, most = [p[0], p[1], *p[8:14]], [p[0], p[1], p[2], *p[14:20]]  # both longer than the part
    documents, units = _excerpt_frames(
        [("x", "some.txt"), ("y", "part.txt"), ("z", "most.txt")], [("x", some), ("y", part), ("z", most)]
    )
    with caplog.at_level("WARNING", logger="toolkit"):
        found = flag_excerpts(documents, units, 0.5)
    assert len(found) == 2
    flags = documents.set_index("path")
    assert flags.loc["part.txt", "excerpt_of"] == "most.txt; some.txt"
    shares = {e.whole: e.contained for e in found}
    assert shares[2] > shares[0] and flags.loc["part.txt", "contained"] == round(shares[2], 3)
    assert "1 document(s) are excerpts of longer ones" in caplog.text and "part.txt in most.txt" in caplog.text


def test_a_pair_of_near_duplicates_is_not_flagged_again_as_an_excerpt():
    """A document that is its longer twin less one short paragraph is a near duplicate of it and an excerpt of it:
    flagged once, as the near duplicate (a mutation audit flagged both, unseen)."""
    from toolkit.text.duplicates import excerpts, flag_excerpts, flag_near_duplicates

    p = _paragraphs()
    short, long = p[:10], [*p[:10], p[10][:30]]
    documents, units = _excerpt_frames([("s", "short.txt"), ("l", "long.txt")], [("s", short), ("l", long)])
    near = flag_near_duplicates(documents, units, 0.8)
    assert [(n.first, n.second) for n in near] == [(0, 1)]
    assert [(e.part, e.whole) for e in excerpts([0] * 10 + [1] * 11, [*short, *long], 0.8)] == [(0, 1)]
    assert flag_excerpts(documents, units, 0.8, near) == []
    assert (documents["excerpt_of"] == "").all() and documents["contained"].isna().all()
