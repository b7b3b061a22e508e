import io
import os

import pytest

from toolkit.analysis.terms import candidate_terms, join_phrases

from .conftest import GWR


def test_recurring_pairs_are_proposed_and_known_terms_are_not():
    words = [
        ["联防", "联控", "机制", "。"],
        ["坚持", "联防", "联控"],
        ["西气东", "输", "工程"],
        ["联防", "联控", "和", "西气东", "输"],
        ["数字", "经济"],
    ] * 3
    table = candidate_terms(words, known={"数字经济"}, stopwords={"和"}, min_count=3)
    assert {"联防联控", "西气东输"} <= set(table["term"])
    assert table["pmi"].is_monotonic_decreasing  # strongest association first
    assert "数字经济" not in set(table["term"])  # already in the dictionary
    assert not any("。" in t for t in table["term"])
    row = table.set_index("term").loc["联防联控"]
    assert (row["parts"], row["count"]) == ("联防 联控", 9)


@pytest.mark.parametrize("ext", ["\U0002003e", "\U00031350"])  # Extensions B and H
def test_a_term_of_characters_beyond_the_bmp_is_proposed(ext):
    words = [["推进", ext, "联控", "机制"], ["坚持", ext, "联控"], [ext, "联控", "和", "数字", "经济"]] * 3
    table = candidate_terms(words, known=set(), stopwords={"和"}, min_count=3)
    assert f"{ext}联控" in set(table["term"])


def test_a_compound_the_segmenter_cuts_into_pieces_is_proposed_whole(segmenter):
    """A made-up compound, 绿智融合体, is cut into single characters and words by jieba; it recurs in a small
    corpus and is proposed whole, not as its pairs, and a word that only precedes it is not glued to it. The same
    for 新质生产力 (2023-) as a segmenter without the domain dictionary cuts it; with it, it stays whole."""
    from toolkit.text.segment import Segmenter

    lines = [
        "加快发展新质生产力，推动高质量发展。",
        "因地制宜发展新质生产力。",
        "培育壮大新质生产力，建设现代化产业体系。",
        "推进绿智融合体建设，打造绿智融合体示范区。",
        "绿智融合体试点扩大到全市。",
    ] * 4
    plain = Segmenter(domain_dictionary=False)  # jieba's own dictionary, as a corpus's new words meet it
    words = [plain.cut(line) for line in lines]
    assert words[3][1:5] == ["绿", "智", "融合", "体"] and words[0][2:5] == ["新", "质", "生产力"]
    table = candidate_terms(words, known=plain.known_words, stopwords=plain.stopwords, min_count=3)
    terms = set(table["term"])
    assert {"绿智融合体", "新质生产力"} <= terms
    assert not {"绿智", "智融合", "融合体", "新质", "质生产力", "壮大新质生产力"} & terms
    assert table.set_index("term").loc["绿智融合体", "parts"] == "绿 智 融合 体"
    assert segmenter.cut(lines[0])[2] == "新质生产力"  # the shipped dictionary knows it


def test_phrases_join_pairs_that_recur(segmenter):
    text = (GWR / "national_2020.txt").read_text(encoding="utf-8")
    tokens = [segmenter.tokens(line) for line in text.splitlines()]
    joined = join_phrases(tokens, min_count=5, threshold=5.0)
    phrases = {t for unit in joined for t in unit if "_" in t}
    assert phrases
    assert all(len(t.split("_")) == 2 for t in phrases)
    assert sum(map(len, joined)) < sum(map(len, tokens))
    # never a pair holding a lexicon word: it would leave its theme's counts (a hostile pass of the lexicon tools:
    # 中部地区 went into 中部地区_崛起 without a word, 创新 lost 61 of its 141 tokens on the seeds)
    from toolkit.analysis.terms import apply_phrases, learn_phrases

    keep = {word for phrase in phrases for word in phrase.split("_")[:1]}  # the first word of every joined pair
    kept = apply_phrases(learn_phrases(tokens, min_count=5, threshold=5.0, keep=keep), tokens)
    assert not {t for unit in kept for t in unit if "_" in t and set(t.split("_")) & keep}
    assert sum(unit.count(word) for unit in kept for word in keep) == sum(unit.count(word) for unit in tokens for word in keep)


def test_a_run_with_phrases_never_joins_a_lexicon_word(small_corpus, tmp_path, monkeypatch):
    from toolkit.config import Config
    from toolkit.text.preparation import prepare

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    settings = ["vocab.phrases=true", "vocab.phrase_min_count=2", "vocab.phrase_threshold=1"]
    config = Config.load(write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv"), settings)
    prepared = prepare(config)
    joined = {t for unit in prepared.tokens for t in unit if "_" in t}
    assert joined  # pairs were joined, none of them holding a keyword
    assert not {t for t in joined if set(t.split("_")) & prepared.lexicon.words}


def test_a_run_with_phrases_never_joins_a_word_a_lexicon_pattern_makes_a_keyword(small_corpus, tmp_path, monkeypatch):
    """A word that a theme's pattern matches is a keyword as much as a listed one: joined into a phrase, its tokens
    left the theme's counts (the lexicon's listed words were kept out of phrases, the matched ones were not)."""
    import re

    from toolkit.config import Config
    from toolkit.resources import data_path
    from toolkit.text.preparation import prepare

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    settings = ["vocab.phrases=true", "vocab.phrase_min_count=2", "vocab.phrase_threshold=1"]
    config = Config.load(write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv"), settings)
    joined = sorted({t for unit in prepare(config).tokens for t in unit if "_" in t})
    word = next(w for t in joined for w in t.split("_") if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w))
    lexicon = tmp_path / "lexicon.toml"
    extra = f'\n[extra]\nwords = ["某某某某"]\npatterns = ["{re.escape(word)}"]\n'
    lexicon.write_text(data_path("lexicon.toml").read_text(encoding="utf-8") + extra, encoding="utf-8")
    prepared = prepare(Config.load(tmp_path / "c.toml", [*settings, f'themes.lexicon="{lexicon}"']))
    tokens = [t for unit in prepared.tokens for t in unit]
    assert not [t for t in tokens if "_" in t and word in t.split("_")] and word in tokens


# ----- term counts and keywords in context -------------------------------------------------------------------

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from toolkit.analysis.terms import kwic, term_counts  # noqa: E402
from toolkit.errors import ToolkitError  # noqa: E402
from toolkit.explore import concordance, count_terms  # noqa: E402

from .conftest import ROOT, cli, examples, toolkit_process, write_config  # noqa: E402

GWR_CONFIG = ROOT / "configs" / "gwr_national.toml"


@pytest.fixture(scope="module")
def gwr_counts():
    terms = ["创新", "改革", "就业", "生态", "互联网", "绿色"]
    return count_terms(GWR_CONFIG, terms).set_index(["term", "year"])


def test_counts_match_the_published_counts_of_the_state_council_reports(gwr_counts):
    # Xinhua's word count of the 2022 report: 就业 34 times.
    assert gwr_counts.loc[("就业", 2022), "count"] == 34
    # The corpus's own provenance table (corpora/gwr_national/MANIFEST.md, str.count of the crawled text).
    # Xinhua's published 2018 figures (改革 97, 创新 55) are for a text that differs from the crawled one,
    # which has 102 and 59: see docs/methods.md.
    manifest = {
        2014: {"创新": 27, "生态": 13, "互联网": 2, "改革": 77},
        2018: {"创新": 59, "改革": 102, "绿色": 4},
        2020: {"创新": 12, "改革": 31, "生态": 5},
        2022: {"创新": 36, "互联网": 3, "改革": 43, "绿色": 6},
    }
    for year, counts in manifest.items():
        for term, count in counts.items():
            assert gwr_counts.loc[(term, year), "count"] == count, (term, year)


def test_count_table_has_every_year_and_whole_word_counts_below_substring_counts(gwr_counts):
    years = gwr_counts.loc["改革"].index
    assert list(years) == list(range(2000, 2023))  # every year with a document, zero counts included
    assert (gwr_counts["token_count"] <= gwr_counts["count"]).all()
    assert (gwr_counts.loc["改革", "token_count"] < gwr_counts.loc["改革", "count"]).any()  # 改革开放 is one word
    row = gwr_counts.loc[("就业", 2022)]
    assert row["per_10k"] == pytest.approx(34 / row["characters"] * 1e4, abs=1e-4)
    assert gwr_counts.loc[("互联网", 2000), "first_seen"] == gwr_counts.loc[("互联网", 2022), "first_seen"]


def test_traditional_terms_are_folded_like_the_texts():
    simplified = count_terms(GWR_CONFIG, ["数据要素"])
    traditional = count_terms(GWR_CONFIG, ["數據要素"])
    assert simplified["count"].sum() > 0
    assert simplified["count"].tolist() == traditional["count"].tolist()
    assert traditional["term"].iloc[0] == "数据要素"


@examples(1 / 5)  # each example segments its text with jieba
@given(st.text(alphabet="创新改革发展就业。，\n数字经济", max_size=200), st.sampled_from(["创新", "改革", "经济", "。"]))
def test_whole_words_never_outnumber_substrings_and_counts_are_exact(segmenter, text, term):
    doc = {"doc_id": "d", "title": "t", "date": "2020", "year": 2020}
    table = term_counts([(doc, text)], [term], cut=segmenter.cut)
    assert table["count"].iloc[0] == text.count(term)
    assert table["token_count"].iloc[0] <= table["count"].iloc[0]
    lines = kwic([(doc, text)], [term], context=5)
    assert len(lines) == text.count(term)
    for row in lines.itertuples():
        assert text[row.position : row.position + len(term)] == term
        assert (row.left + row.match + row.right).replace("｜", "\n") in text


def test_kwic_lines_carry_their_document_and_context():
    lines = concordance(GWR_CONFIG, ["共同富裕"], context=8)
    assert len(lines) == count_terms(GWR_CONFIG, ["共同富裕"])["count"].sum() > 0
    assert set(lines.columns) >= {"doc_id", "title", "date", "year", "left", "match", "right", "position", "place"}
    assert (lines["left"].str.len() <= 8).all() and (lines["right"].str.len() <= 8).all()
    assert (lines["match"] == "共同富裕").all()
    regex = concordance(GWR_CONFIG, ["数字(经济|化)"], regex=True)
    assert set(regex["match"]) <= {"数字经济", "数字化"} and len(regex) > 0
    with pytest.raises(ToolkitError, match="regular expression"):
        concordance(GWR_CONFIG, ["数字("], regex=True)


def test_terms_and_kwic_commands(tmp_path):
    result = cli("terms", "configs/gwr_national.toml", "就业", "創新", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    import io

    table = pd.read_csv(io.StringIO(result.stdout))
    assert table[(table["term"] == "就业") & (table["year"] == 2022)]["count"].item() == 34
    assert set(table["term"]) == {"就业", "创新"}
    assert "就业: 607 occurrences in 23 of 23 documents; first 2000, last 2022" in result.stderr
    by_place = cli("terms", "configs/seeds.toml", "创新", "--by", "place,year", cwd=ROOT)
    assert by_place.returncode == 0 and by_place.stdout.splitlines()[0].startswith("term,place,year,count")
    bad = cli("terms", "configs/seeds.toml", "创新", "--by", "province", cwd=ROOT)
    assert bad.returncode == 2 and bad.stderr.startswith("toolkit: error: --by: no column province")
    assert "Traceback" not in bad.stderr
    lines = cli("kwic", "configs/seeds.toml", "数字经济", "--limit", "3", cwd=ROOT)
    assert lines.returncode == 0 and len(lines.stdout.splitlines()) == 3
    assert all("【数字经济】" in line for line in lines.stdout.splitlines())
    one_file = cli("kwic", "seeds/001_a277e5c0c743763f.txt", "创新", "--context", "5", cwd=ROOT)
    assert one_file.returncode == 0 and one_file.stdout.count("【创新】") == 30


def test_kwic_out_writes_every_line_and_says_none_was_left_out(tmp_path):
    """`kwic --limit 3 --out t.csv` wrote every line (--limit is what is printed) but logged "(3 shown)"."""
    out = tmp_path / "kwic.csv"
    result = cli("kwic", "configs/seeds.toml", "数字经济", "--limit", "3", "--out", out, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    written = len(pd.read_csv(out))
    assert written > 3 and f"{written} lines" in result.stderr and "shown" not in result.stderr


def test_terms_of_one_file_segment_with_the_lexicon_given(tmp_path):
    """A hostile pass of the lexicon tools: `terms FILE --set themes.lexicon=...` segmented with the shipped
    lexicon (`tokens` used the one given), and a lexicon file that does not exist was not noticed."""
    text = tmp_path / "t.txt"
    text.write_text("建设科技创新中心。", encoding="utf-8")
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[hub]\nwords = ["创新中心"]\n', encoding="utf-8")
    shipped = cli("terms", text, "科技创新")
    given = cli("terms", text, "科技创新", "--set", f"themes.lexicon={str(lexicon)!r}")
    assert shipped.returncode == given.returncode == 0, given.stderr
    # the term as a whole word: once with the shipped lexicon (科技创新 is one of its words), never when 创新中心 is one
    assert pd.read_csv(io.StringIO(shipped.stdout))["token_count"].sum() == 1
    assert pd.read_csv(io.StringIO(given.stdout))["token_count"].sum() == 0
    missing = cli("terms", text, "科技创新", "--set", f"themes.lexicon={str(tmp_path / 'none.toml')!r}")
    assert missing.returncode == 2 and "lexicon file not found" in missing.stderr


def test_a_grouping_column_named_twice_or_like_a_count_column_is_one_line_not_a_pandas_error():
    """--by year,year counted by year once; a metadata column named ``documents`` or ``count`` was pandas'
    'cannot insert ..., already exists' with a traceback (found by an adversarial pass)."""
    from toolkit.analysis.terms import term_counts

    text = (ROOT / "seeds" / "001_a277e5c0c743763f.txt").read_text(encoding="utf-8")
    doc = {"doc_id": "a", "title": "t", "date": "2022-01-01", "year": 2022, "documents": "x", "count": 1}
    once = term_counts([(doc, text)], ["创新"], by=("year",))
    pd.testing.assert_frame_equal(term_counts([(doc, text)], ["创新"], by=("year", "year")), once)
    assert once["count"].item() == text.count("创新") > 0
    for column in ("documents", "count"):
        with pytest.raises(ToolkitError, match=f"cannot count by '{column}': the counts table has a column of that name"):
            term_counts([(doc, text)], ["创新"], by=(column, "year"))


def test_a_blank_group_is_named_as_the_runs_tables_name_it():
    """From a hostile pass of many groups: count_terms(..., by="tier") called the documents without a tier "" where
    theme_by_group.csv says (missing)."""
    from toolkit.analysis.terms import term_counts
    from toolkit.analysis.trends import MISSING_GROUP

    text = (ROOT / "seeds" / "001_a277e5c0c743763f.txt").read_text(encoding="utf-8")
    docs = [
        ({"doc_id": name, "title": "t", "date": "2022-01-01", "year": 2022, "tier": tier}, text)
        for name, tier in (("a", "1"), ("b", " "), ("c", ""))
    ]
    table = term_counts(docs, ["创新"], by=("tier",)).set_index("tier")
    assert sorted(table.index) == sorted(["1", MISSING_GROUP]) and table.loc[MISSING_GROUP, "count"] == 2 * text.count("创新")


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--context", "1000000000000"], "--context must be from 1 character to 10,000, not 1000000000000"),
        (["--context", "10001"], "--context must be from 1 character to 10,000, not 10001"),
        (["--limit", "-1"], "--limit must be 0 (every line) or more, not -1"),
    ],
)
def test_kwic_refuses_numbers_out_of_range(capsys, flags, message):
    from toolkit.cli import main

    assert main(["kwic", str(ROOT / "configs" / "seeds.toml"), "创新", *flags]) == 2
    assert capsys.readouterr() == ("", f"toolkit: error: {message}\n")


def test_out_never_overwrites_a_file_the_toolkit_did_not_write(tmp_path):
    mine = tmp_path / "notes.csv"
    mine.write_text("my own notes\n", encoding="utf-8")
    refused = cli("kwic", "configs/seeds.toml", "创新", "--out", str(mine), cwd=ROOT)
    assert refused.returncode == 2 and "not a table this toolkit wrote there" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    # a folder meant (its slash): had written a file of the folder's name
    slash = cli("kwic", "configs/seeds.toml", "创新", "--out", f"{tmp_path}/tables/", cwd=ROOT)
    assert slash.returncode == 2 and "tables/ names a folder" in slash.stderr and not (tmp_path / "tables").exists()
    out = tmp_path / "kwic.csv"
    assert cli("kwic", "configs/seeds.toml", "创新", "--out", str(out), cwd=ROOT).returncode == 0
    first = pd.read_csv(out)
    assert len(first) == 199 and (first["match"] == "创新").all()
    assert cli("kwic", "configs/seeds.toml", "数字经济", "--out", str(out), cwd=ROOT).returncode == 0  # its own output: replaced
    assert (pd.read_csv(out)["match"] == "数字经济").all()
    # a table kept and annotated by hand, with the command's header still on it, was written over: now refused
    lines = out.read_text(encoding="utf-8").splitlines()
    kept = "\n".join(lines[:5]) + ",<- RELEVANT (coded by hand)\n"
    out.write_text(kept, encoding="utf-8")
    again = cli("kwic", "configs/seeds.toml", "数字经济", "--out", str(out), cwd=ROOT)
    assert again.returncode == 2 and "unchanged since" in again.stderr
    assert out.read_text(encoding="utf-8") == kept


@pytest.mark.parametrize("command", ["terms", "kwic"])
def test_out_inside_the_corpus_is_refused_before_any_work(tmp_path, command):
    """A table written into the text folder would become a document of the next run, or replace the
    metadata; ``run`` refused such an --out, terms and kwic wrote it (found by an adversarial pass)."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    config = tmp_path / "study.toml"
    config.write_text('[corpus]\ntexts = "corpus"\nmetadata = "corpus/metadata.csv"\n', encoding="utf-8")
    before = sorted(p.name for p in corpus.iterdir())
    for out, message in (
        (corpus / "counts.txt", f"--out {corpus / 'counts.txt'} lies inside corpus.texts"),
        (corpus / "metadata.csv", "metadata.csv lies inside corpus.texts"),
        (config, "is the config"),
    ):
        result = cli(command, config, "创新", "--out", out)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert cli(command, config, "创新", "--out", tmp_path / "out.csv").returncode == 0


@pytest.mark.parametrize("command", ["terms", "kwic"])
def test_terms_and_kwic_name_the_files_they_skip(tmp_path, command):
    """A file of the corpus that is not read (here binary) was left out of the counts without a word."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "扫描件.txt").write_bytes(b"\x00\x01\x02 scanned")
    config = tmp_path / "study.toml"
    config.write_text('[corpus]\ntexts = "corpus"\nmetadata = "corpus/metadata.csv"\n', encoding="utf-8")
    result = cli(command, config, "创新")
    assert result.returncode == 0, result.stderr
    assert "1 of 6 files skipped, not counted: 扫描件.txt (binary file" in result.stderr
    # a metadata row without its file is no file: said apart (it was counted among the files skipped)
    with open(corpus / "metadata.csv", "a", encoding="utf-8") as table:
        table.write("不在这里.txt,标题,2021-01-01,,,,,\n")
    result = cli(command, config, "创新")
    assert "1 of 6 files skipped, not counted: 扫描件.txt (binary file" in result.stderr
    assert "1 metadata row(s) name a file that is not in the folder: 不在这里.txt" in result.stderr
    # the files a config leaves out on purpose (its year window) are not warned about, as a run does not (a hostile
    # pass of the docs: terms on the State Council config warned of 30 reports "skipped, not counted")
    config.write_text('[corpus]\ntexts = "corpus"\nmetadata = "corpus/metadata.csv"\nyear_min = 2019\n', encoding="utf-8")
    result = cli(command, config, "创新")
    assert result.returncode == 0 and "outside the window" not in result.stderr, result.stderr
    assert "1 of 6 files skipped, not counted: 扫描件.txt (binary file" in result.stderr


def test_a_run_tracks_terms(tmp_path):
    import toolkit

    config = write_config(
        tmp_path / "c.toml",
        ROOT / "seeds",
        ROOT / "seeds" / "metadata.csv",
        model={"ensemble": 1, "keyatm": {"iterations": 40}},
        trends={"bootstrap": 0},
        figures={"ldavis": False, "formats": ["png"], "dpi": 30, "only": ["term_counts"]},  # the figure read below
        terms={"track": ["创新", "數字經濟"]},
    )
    result = toolkit.run(config, tmp_path / "out")
    counts = pd.read_csv(result.out_dir / "term_counts.csv")
    assert set(counts["term"]) == {"创新", "数字经济"}
    assert counts[counts["term"] == "创新"]["count"].sum() == 199
    lines = pd.read_csv(result.out_dir / "kwic.csv")
    assert len(lines) == counts["count"].sum()
    assert (result.out_dir / "figures" / "term_counts.png").is_file()
    # report.html's table: one header row, year then the terms (the columns' name made a second, shifted row)
    report = (result.out_dir / "report.html").read_text(encoding="utf-8")
    table = report[report.index("<h2>Tracked terms") :].split("</table>")[0]
    head = table[table.index("<thead>") : table.index("</thead>")]
    assert head.count("<tr") == 1 and [h.split("</th>")[0] for h in head.split("<th>")[1:]] == ["year", "创新", "数字经济"]


_unit = st.lists(st.sampled_from(["数字", "经济", "创新", "和", "发展", "AI", "2021", "的", "绿色", " ", "\n"]), max_size=8)


@given(st.lists(_unit, max_size=12), st.integers(0, 12))
def test_pair_counts_are_the_counts_of_adjacent_chinese_words(units, split):
    """Counted one unit at a time, as arrays, or in two parts merged (as the workers do), the counts are those
    of counting the units by hand: every word, and each adjacent pair of Chinese non-stopwords in a unit, with
    whitespace left out as if the segmenter had dropped it."""
    import pickle
    from collections import Counter

    import numpy as np

    from toolkit.analysis.terms import PairCounts

    stopwords = {"和", "的"}
    chinese = {"数字", "经济", "创新", "发展", "绿色"} - stopwords
    dropped = [[word for word in unit if not word.isspace()] for unit in units]
    unigrams = Counter(word for unit in dropped for word in unit)
    pairs = Counter((a, b) for unit in dropped for a, b in zip(unit, unit[1:]) if a in chinese and b in chinese)

    one_by_one = PairCounts.of(units, stopwords)
    words = sorted({word for unit in units for word in unit}, reverse=True)
    as_arrays = PairCounts(stopwords)
    as_arrays.add_units(
        words,
        np.array([words.index(w) for unit in units for w in unit], dtype=np.int64),
        np.array([len(unit) for unit in units], dtype=np.int64),
    )
    merged = PairCounts.of(units[:split], stopwords)
    merged.merge(pickle.loads(pickle.dumps(PairCounts.of(units[split:], stopwords))))
    for counts in (one_by_one, as_arrays, merged):
        assert counts.unigrams == unigrams
        assert counts.pairs == pairs


@pytest.mark.parametrize(
    "pattern, code, output",
    [
        ("(a+)+$", 0, "0 lines"),  # re never finishes it; regex does at once
        ("(a|aa)+$", 2, "toolkit: error: the term '(a|aa)+$' took more than 2 s on one text ("),
    ],
)
def test_kwic_regex_that_backtracks_without_end_stops_with_its_name(tmp_path, pattern, code, output):
    text = tmp_path / "报告.txt"
    text.write_text("政府工作报告\n推动数字经济发展 " + "a" * 60 + "! 加快建设数字中国\n", encoding="utf-8")
    result = toolkit_process("kwic", "--regex", text, pattern, timeout=60)
    assert result.returncode == code and result.stderr.startswith(output), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def _memory_limit():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a pattern that escapes the check fails, not the host


def test_kwic_refuses_a_short_regex_whose_nested_counts_would_fill_the_memory(tmp_path):
    text = tmp_path / "报告.txt"
    text.write_text("推动数字经济发展\n", encoding="utf-8")
    pattern = "(?:(?:(?:a{1000}){1000}){1000})"
    result = toolkit_process("kwic", "--regex", text, pattern, timeout=120, preexec_fn=_memory_limit)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"toolkit: error: the term {pattern!r} repeats 1,000,000,000 times through nested "
        "counts such as (?:a{1000}){1000}, above the limit of 100,000; use smaller counts\n"
    )


def test_kwic_refuses_a_regex_that_calls_itself_before_its_memory_grows_without_limit(tmp_path):
    """From a hostile pass: (?R)?创新 took 1.1 GB on a line of ten characters, then ended in MemoryError's
    traceback; a boilerplate or lexicon pattern so too (the same check, UserPattern's)."""
    from toolkit.errors import ToolkitError
    from toolkit.text.patterns import UserPattern

    text = tmp_path / "报告.txt"
    text.write_text("哈哈哈哈哈。创新创新创新。\n", encoding="utf-8")
    result = toolkit_process("kwic", "--regex", text, "(?R)?创新", timeout=120, preexec_fn=_memory_limit)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("toolkit: error: the term '(?R)?创新' calls a group"), result.stderr
    assert result.stderr.count("\n") == 1
    for pattern in ("((?R)|创新)", "(?P<x>创(?&x)?新)", "(创(?1)?新)", "(?P<x>创(?P>x)?)", "(?0)"):
        with pytest.raises(ToolkitError, match="calls a group"):
            UserPattern(pattern, "boilerplate pattern")


def test_a_pattern_of_hundreds_of_capturing_groups_is_refused_before_its_search_fills_the_memory():
    """From a review: 250 nested groups repeated ((((.)))...)+ took 1 GB on one line of a report, as a boilerplate
    pattern a MemoryError's traceback (each repetition keeps every group's capture)."""
    from toolkit.errors import ToolkitError
    from toolkit.text.patterns import UserPattern

    with pytest.raises(ToolkitError) as info:
        UserPattern("(" * 250 + "." + ")" * 250 + "+", "boilerplate pattern")
    assert "has 250 capturing groups, above the limit of 100" in str(info.value)
    assert UserPattern("(?:" * 20 + "." + ")" * 20 + "+", "boilerplate pattern").search("第一章")  # (?:...) is fine
    assert UserPattern("(责任编辑|来源)[:：](.*)", "boilerplate pattern").search("来源：新华社")


def test_a_pattern_out_of_memory_in_its_search_is_one_line():
    from toolkit.errors import ToolkitError
    from toolkit.text.patterns import PatternSet, UserPattern

    pattern = UserPattern("数字(经济|化)", "boilerplate pattern")
    assert UserPattern("(?:创新)?(?P<name>发展)(?#R)", "the term").search("创新发展")  # no call: searched

    class Exhausted:
        flags = 0

        def search(self, *args, **kwargs):
            raise MemoryError

    pattern.compiled = Exhausted()
    joined = PatternSet([pattern, UserPattern("创新", "boilerplate pattern")])
    joined.alternation = Exhausted()  # the patterns searched as one: the search one by one names the pattern
    for search in (pattern.search, PatternSet([pattern]).found_in, joined.found_in):
        with pytest.raises(ToolkitError) as info:
            search("推动数字经济发展")
        assert str(info.value) == (
            "boilerplate pattern '数字(经济|化)' ran out of memory on one text ('推动数字经济发展', MemoryError); "
            "write a simpler pattern"
        )


@pytest.mark.parametrize(
    "pattern, product",
    [
        (r"(?:\p{Han}{2,4}){1,3}", 12),
        (r"\d{4}年\d{1,2}月", 4),
        ("[{]{5}", 5),
        ("数字(经济|化)", 1),
        ("(?:(?:a{1000}){1000}){1000}", 10**9),
        (r"(x|[)(]{9}){10}", 90),
        ("a{1000}b{1000}", 1000),
        # a hostile pass: a comment, verbose whitespace or a lone [: between a group and its count hid the nesting
        # (compiling such a pattern took more than 11.5 GB before failing)
        ("(?:(?:创{1000})(?#c){1000})(?#c){1000}", 10**9),
        ("(?x)(?:(?:创{1000}) {1000})  # a comment\n {1000}", 10**9),
        ("[[:](?:(?:创{1000}){1000}){1000}", 10**9),
        ("[[:](?:(?:创{1000}){1000}){1000}[:]", 10**9),
        ("[[:alpha:]]{5}", 5),
        ("[[:^digit:]x]{7}", 7),
    ],
)
def test_the_repeat_product_of_a_pattern_is_read_without_compiling_it(pattern, product):
    from toolkit.text.patterns import repeat_product

    assert repeat_product(pattern) == product


def test_a_pattern_too_long_or_too_large_to_compile_is_one_line(monkeypatch):
    import regex

    from toolkit.errors import ToolkitError
    from toolkit.text.patterns import UserPattern

    with pytest.raises(
        ToolkitError,
        match=r"lexicon x.toml: theme \[生态\] pattern '污染\|污染.*' is 12,002 characters "
        r"long, above the limit of 10,000 for one pattern",
    ):
        UserPattern("|".join(["污染"] * 4001), "lexicon x.toml: theme [生态] pattern")

    def out_of_memory(pattern, *args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(regex, "compile", out_of_memory)
    with pytest.raises(ToolkitError) as info:
        UserPattern("数字(经济|化)", "the term")
    assert str(info.value) == ("the term '数字(经济|化)' is too large to compile (MemoryError); write a simpler pattern")


def test_kwic_out_that_is_a_fifo_is_named_never_opened(tmp_path):
    import os

    fifo = tmp_path / "结果.csv"
    os.mkfifo(fifo)
    result = toolkit_process("kwic", "seeds/001_a277e5c0c743763f.txt", "创新", "--out", fifo, timeout=120)
    assert result.returncode == 2
    assert result.stderr == (
        f"toolkit: error: --out {fifo} is a FIFO (named pipe), not a table this command wrote; "
        "choose another name (the toolkit writes only regular files)\n"
    )


def test_the_table_on_stdout_is_as_safe_to_open_as_the_file(tmp_path):
    """`terms` prints CSV that users redirect to a file and open in a spreadsheet: a metadata value that a
    spreadsheet would run as a formula was printed as is (``--out`` neutralised it)."""
    import io
    import shutil

    from .conftest import SEEDS

    texts = tmp_path / "texts"
    texts.mkdir()
    shutil.copy(SEEDS / "002_2c7342bd1836c4df.txt", texts / "a.txt")
    formula = "=cmd|' /C calc'!A0"
    (tmp_path / "metadata.csv").write_text(f'file,date,place\na.txt,2022,"{formula}"\n', encoding="utf-8")
    config = write_config(tmp_path / "c.toml", texts, tmp_path / "metadata.csv")
    printed = cli("-q", "terms", config, "创新", "--by", "place")
    assert printed.returncode == 0, printed.stderr
    rows = pd.read_csv(io.StringIO(printed.stdout), dtype=str)
    assert rows["place"].tolist() == ["'" + formula]
    assert cli("-q", "terms", config, "创新", "--by", "place", "--out", tmp_path / "t.csv").returncode == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == printed.stdout


def test_out_inside_a_run_folder_is_refused_as_the_next_run_would_replace_it(fast_seeds_run, tmp_path):
    """A table written into a run's folder was listed in the run's own marker, so the next run into that folder
    replaced the folder and the table went with it (before the marker listed it, that run was refused)."""
    import shutil

    from .conftest import snapshot

    run = tmp_path / "run"
    shutil.copytree(fast_seeds_run.out_dir, run)
    before = snapshot(run)
    for inside in (run / "my_terms.csv", run / "figures" / "my_terms.csv"):  # below it too: it kept the run out
        refused = cli("-q", "terms", "configs/seeds.toml", "创新", "--out", inside, cwd=ROOT)
        assert refused.returncode == 2 and f"inside {run}, an output the toolkit replaces" in refused.stderr, refused.stderr
    assert snapshot(run) == before


def test_first_and_last_seen_are_each_places_own_when_counted_by_place():
    """数字经济 in the seeds: Anqing's report of 2020-09-19, then Wuhan's of 2021-07-26 and 2022-01. Counted by place,
    Wuhan's rows said first_seen 2020-09-19, the Anqing document's date (found by a review); by year, the dates
    are the corpus's, the same on every row."""
    seeds = ROOT / "configs" / "seeds.toml"
    by_place = count_terms(seeds, ["数字经济"], by="place").set_index("place")
    assert by_place.loc["武汉市", ["first_seen", "last_seen"]].tolist() == ["2021-07-26", "2022-01"]
    assert by_place.loc["安庆市大观区(安徽)", ["first_seen", "last_seen"]].tolist() == ["2020-09-19", "2020-09-19"]
    by_both = count_terms(seeds, ["数字经济"], by=("place", "year"))
    assert set(by_both.loc[by_both["place"] == "武汉市", "first_seen"]) == {"2021-07-26"}
    by_year = count_terms(seeds, ["数字经济"])
    assert set(by_year["first_seen"]) == {"2020-09-19"} and set(by_year["last_seen"]) == {"2022-01"}
    result = cli("terms", seeds, "数字经济", "--by", "place")
    assert "数字经济: 11 occurrences in 3 of 5 documents; first 2020-09-19, last 2022-01" in result.stderr


def test_quiet_leaves_out_the_summaries_of_terms_and_kwic():
    """-q prints only warnings and errors: the summary lines of terms ("创新: 199 occurrences ...") and kwic ("N
    lines") were printed all the same (found by a review)."""
    seeds = ROOT / "configs" / "seeds.toml"
    for command in (["terms", seeds, "创新"], ["kwic", seeds, "创新", "--limit", "1"]):
        loud, quiet = cli(*command), cli("-q", *command)
        assert loud.returncode == quiet.returncode == 0 and loud.stdout == quiet.stdout
        assert loud.stderr.strip() and quiet.stderr == ""


def test_excel_bom_starts_the_tables_of_terms_kwic_and_sweep_too(tmp_path):
    """output.excel_bom starts every CSV with a byte-order mark (docs/outputs.md); the tables that terms --out,
    kwic --out and a sweep's summary write were without one (found by a review)."""
    from toolkit.config import Config
    from toolkit.sweeps import sweep

    seeds = ROOT / "configs" / "seeds.toml"
    for command in ("terms", "kwic"):
        for bom in (True, False):
            out = tmp_path / f"{command}-{bom}.csv"
            assert cli(command, seeds, "创新", "--set", f"output.excel_bom={str(bom).lower()}", "--out", out).returncode == 0
            assert out.read_bytes().startswith(b"\xef\xbb\xbf") is bom and out.read_bytes()[3 * bom :].startswith(b"term,")
    settings = ["output.excel_bom=true", "sweep.seeds=[1]", "sweep.grid={}", "model.nmf.max_iter=50"]
    done = sweep(Config.load(seeds, settings), tmp_path / "sweep", grid={"model.kind": ["nmf"], "model.n_topics": [4]})
    assert (done.out_dir / "summary" / "sweep.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_kwic_prints_one_line_per_occurrence_whatever_the_titles_hold(small_corpus):
    """A metadata title with a line break ("多行\\n标题") split its concordance lines in two on the terminal (18
    lines for 13 occurrences, found by a review); it is shown with ｜, as line breaks in the contexts are."""
    from toolkit.analysis.terms import format_kwic

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table.loc[table["file"] == "002_2c7342bd1836c4df.txt", "title"] = "多行\n标题\r\n第三行"
    table.to_csv(meta, index=False)
    config = write_config(small_corpus / "c.toml", small_corpus, meta)
    lines = concordance(config, ["数字经济"])
    printed = format_kwic(lines).splitlines()
    assert len(printed) == len(lines) == 11
    shown = sum(line.endswith("2022 多行｜标题｜第三行") for line in printed)
    assert shown == (lines["title"] == "多行\n标题\r\n第三行").sum() > 0


def test_terms_context_has_the_limit_of_kwic_context():
    """--context refused 20,000 characters while --set terms.context=20000 was taken (found by a review)."""
    seeds = ROOT / "configs" / "seeds.toml"
    for flags in (["--context", "20000"], ["--set", "terms.context=20000"]):
        result = cli("kwic", seeds, "创新", *flags)
        assert result.returncode == 2 and "10,000" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert cli("kwic", seeds, "数字经济", "--set", "terms.context=10000", "--limit", "1").returncode == 0


def test_a_boilerplate_pattern_never_empties_a_tracked_term():
    """A boilerplate pattern that matches 创新 emptied the tracked term 创新 ("the term '创新' is empty once
    normalised", an error after the whole fit, a review of the options): a term is folded as the texts' characters
    are (traditional and full-width forms), while the boilerplate rules remove lines of texts, not terms."""
    from toolkit.progress import collected_warnings
    from toolkit.text.normalize import Normalizer
    from toolkit.text.preparation import normalized_terms

    normalizer = Normalizer(boilerplate_patterns=["创新", "^本站声明"])
    with collected_warnings() as warnings:
        assert normalized_terms(["创新", "數據要素", "ＡＩ"], normalizer) == ["创新", "数据要素", "AI"]
    assert normalizer.normalize("推进创新\n坚持开放").text == "坚持开放"  # the texts lose the line all the same
    # and the term then counts nothing where the pattern took it: said (it counted 0 in silence; a review of the diff)
    assert len(warnings) == 1 and "remove the term(s) 创新 (or the lines that hold them)" in warnings[0]


def test_kwic_at_the_start_of_a_text_across_lines_with_empty_matches_and_a_term_given_twice(caplog):
    """From a mutation audit, each could change with every test passing: a match near the start of a text has the
    text before it as its left context (a negative slice made it empty); a line break in the right context is shown
    as ｜ (a concordance line broken in two); a pattern that can match nothing (创?) lists only its real matches;
    and a term given twice is counted once (its rows and counts were doubled)."""
    doc = {"doc_id": "a", "title": "报告", "date": "2020-03-05", "year": 2020}
    text = "坚持创新驱动发展战略\n推动科技创新和产业创新深度融合，加快建设创新型国家。" * 2
    rows = kwic([(doc, text)], ["创新"], context=20)
    first = rows.iloc[0]
    assert (first["position"], first["left"], first["match"]) == (2, "坚持", "创新")
    assert first["right"] == "驱动发展战略｜推动科技创新和产业创新深度" and "\n" not in "".join(rows["right"])
    with caplog.at_level("WARNING", logger="toolkit"):
        maybe = kwic([(doc, text)], ["创?"], context=4, regex=True)
    assert len(maybe) == text.count("创") and set(maybe["match"]) == {"创"}
    assert "matched only empty text" not in caplog.text  # it found lines
    # a pattern that matches only empty text printed "0 lines" without a reason (a hostile pass of the commands)
    with caplog.at_level("WARNING", logger="toolkit"):
        assert kwic([(doc, text)], ["(?=创新)", "创新"], context=4, regex=True)["term"].eq("创新").all()
    assert "the pattern '(?=创新)' matched only empty text (8 places)" in caplog.text
    once = term_counts([(doc, text)], ["创新"])
    twice = term_counts([(doc, text)], ["创新", "创新"])
    assert len(twice) == len(once) == 1 and twice["count"].tolist() == once["count"].tolist() == [text.count("创新")]


def _rebroken(text: str, width: int = 36) -> str:
    """``text`` with every paragraph cut into lines of ``width`` characters, as a PDF copy of it reads."""
    return "\n".join(line[i : i + width] for line in text.split("\n") for i in range(0, max(len(line), 1), width))


def test_terms_cut_at_a_line_break_of_a_pdf_copy_count_as_in_the_web_text(tmp_path):
    """The same reports copied from a PDF (every line 36 characters, so 高质量 may end one line and 发展 start the
    next) give the counts, characters and concordance lines of the reports as published, as the run's units do
    (lines broken inside a sentence joined first, units.join_lines): counted before the joining they lost a
    quarter of 高质量发展 and a whole document of 共同富裕. Spaces and line breaks are no characters of the text."""
    texts = tmp_path / "texts"
    texts.mkdir()
    meta = (GWR / "metadata.csv").read_text(encoding="utf-8").splitlines()
    kept = [meta[0], *(row for row in meta[1:] if row.split(",")[0] in {f"national_{y}.txt" for y in range(2017, 2023)})]
    (texts / "metadata.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    for row in kept[1:]:
        name = row.split(",")[0]
        (texts / name).write_text(_rebroken((GWR / name).read_text(encoding="utf-8")), encoding="utf-8")
    config = write_config(tmp_path / "pdf.toml", texts, texts / "metadata.csv", corpus={"year_min": 2017})
    terms = ["高质量发展", "共同富裕", "创新", "数字经济"]
    published = count_terms(GWR_CONFIG, terms, overrides=["corpus.year_min=2017"]).set_index(["term", "year"])
    copied = count_terms(config, terms).set_index(["term", "year"])
    columns = ["count", "token_count", "characters", "documents_with"]
    pd.testing.assert_frame_equal(copied[columns], published[columns])
    unjoined = count_terms(config, terms, overrides=["units.join_lines=false"]).set_index(["term", "year"])
    assert unjoined.loc["高质量发展", "count"].sum() < published.loc["高质量发展", "count"].sum()  # what was counted
    assert len(concordance(config, ["高质量发展"])) == published.loc["高质量发展", "count"].sum()
    one = count_terms(texts / "national_2022.txt", terms).set_index("term")
    assert one["count"].tolist() == published.xs(2022, level="year").loc[terms, "count"].tolist()


def test_a_regex_in_traditional_characters_is_warned_of_not_silently_empty(caplog):
    """From a hostile pass: `kwic FILE 創新 --regex` printed nothing and exited 0, while 創新 without --regex found 61
    (a term is folded to simplified like the texts; a pattern is left as written)."""
    seed = ROOT / "seeds" / "004_1467077b33d2f3ae.txt"
    with caplog.at_level("WARNING", logger="toolkit"):
        assert len(concordance(seed, ["創新"], regex=True)) == 0
    assert "the pattern(s) 創新 hold characters the texts never hold" in caplog.text
    assert "write them as the texts read (创新;" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        assert len(concordance(seed, ["创新(驱动|发展)"], regex=True)) > 0
    assert "never hold" not in caplog.text


def test_a_corpus_folder_given_to_terms_says_to_give_its_config():
    for command in ("terms", "kwic"):
        result = cli(command, ROOT / "seeds", "创新")
        assert result.returncode == 2 and "is a folder, not a file; give one text file, or a config (.toml)" in result.stderr


def test_a_regex_with_full_width_punctuation_or_a_space_between_characters_is_warned_of(caplog):
    """From a hostile pass: `kwic --regex '创新[，。]'` listed only the sentences ending in 。 (the texts' ， is , once
    normalised), and '创新，' or '数字 经济' found nothing, each in silence."""
    seed = ROOT / "seeds" / "004_1467077b33d2f3ae.txt"
    with caplog.at_level("WARNING", logger="toolkit"):
        partial = concordance(seed, ["创新[，。]"], regex=True)
    assert "创新[，。] hold characters the texts never hold" in caplog.text and "(创新[,。];" in caplog.text
    assert len(partial) < len(concordance(seed, ["创新[,。]"], regex=True))
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        concordance(seed, ["数字 经济"], regex=True)
    assert "(数字经济;" in caplog.text
    # in verbose mode spaces and comments are syntax: no warning (a hostile pass: it warned, then found 4 lines);
    # a full-width comma there is still a character the texts never hold
    caplog.clear()
    with caplog.at_level("WARNING", logger="toolkit"):
        verbose = concordance(seed, ["(?x)创 新  # 一个注释"], regex=True)
    assert len(verbose) == len(concordance(seed, ["创新"])) > 0 and "never hold" not in caplog.text
    with caplog.at_level("WARNING", logger="toolkit"):
        concordance(seed, ["(?x)创 新 [，。]"], regex=True)
    assert "(?x)创 新 [，。] hold characters the texts never hold" in caplog.text


def test_a_term_written_as_taiwan_writes_it_is_said_to_read_otherwise_in_traditional_texts(tmp_path):
    """From a hostile pass: 著力 counted 0 in a traditional text that holds it twice (normalised, the text's Taiwan
    variant is reverted to 着力; the term, whose characters mainland script writes too, is not), in silence."""
    text = tmp_path / "tw.txt"
    text.write_text("要著力推進改革，著力提升創新能力。\n", encoding="utf-8")
    result = cli("terms", text, "著力", "着力")
    assert result.returncode == 0
    assert "texts in traditional script hold 着力 where 著力 was written once normalised" in result.stderr
    counts = pd.read_csv(io.StringIO(result.stdout)).set_index("term")["count"]
    assert counts.to_dict() == {"著力": 0, "着力": 2}
    plain = cli("terms", text, "创新", "显著", "名著")
    # 显著 and 名著 a traditional text holds as written (顯著 -> 显著): tw2s on 显著 itself gave 显着 (a review)
    assert plain.returncode == 0 and "traditional script hold" not in plain.stderr
    # kwic --regex said nothing of it (a hostile pass of the commands): 0 lines, no reason
    pattern = cli("kwic", text, "著力(推进|提升)", "--regex")
    assert "texts in traditional script hold 着力(推进|提升) where 著力(推进|提升) was written" in pattern.stderr
    assert "traditional script hold" not in cli("kwic", text, "显著|创新", "--regex").stderr
    # a pattern that takes both forms already is not told to (an adversarial review: [著着]力 found 2 lines and the
    # warning said to search 着力 too)
    both = cli("kwic", text, "[著着]力", "--regex")
    assert both.returncode == 0 and "traditional script hold" not in both.stderr and "着力" in both.stdout
    # the last two: a second review; then groups inside groups and a class of one character (a third review)
    for taken in (
        "(著|着)力",
        "著力|着力",
        "著力推进|着力",
        "(著力)|(着力)",
        "((著)|(着))力",
        "(?:(?:著)|(?:着))力",
        "[著]力|着力",
        "(著)力|着力",  # groups of no alternative, named ones too (a second review of this session)
        "(?P<x>著)力|(?P<y>着)力",
        "(((著)))力|着力",
    ):
        assert "traditional script hold" not in cli("kwic", text, taken, "--regex").stderr, taken
    # ... but another alternative's 着 does not take it (a second review: 著力|着想 said nothing, and found nothing)
    hidden = cli("kwic", text, "著力|着想", "--regex")
    assert "texts in traditional script hold 着力|着想 where 著力|着想 was written" in hidden.stderr


def test_terms_written_two_ways_are_counted_once_and_said_to_be_one(tmp_path):
    text = ROOT / "seeds" / "004_1467077b33d2f3ae.txt"
    result = cli("terms", text, "創新", "创新", "数字经济")
    assert result.returncode == 0 and "the terms 創新 and 创新 (= 创新) are one term once normalised" in result.stderr
    assert pd.read_csv(io.StringIO(result.stdout))["term"].tolist() == ["创新", "数字经济"]


def test_a_term_or_out_name_in_another_encoding_is_one_error_not_a_traceback(tmp_path):
    """From a hostile pass: a term typed in a GBK terminal talking to a UTF-8 session (bytes Python keeps as lone
    surrogates) was a UnicodeEncodeError in OpenCC; an --out name that is not UTF-8 was one after the CSV was written
    (its marker could not record it), and a run's --out one before any work."""
    gbk = "创新".encode("gbk").decode("utf-8", "surrogateescape")
    seed = ROOT / "seeds" / "004_1467077b33d2f3ae.txt"
    for args in (("terms", seed, gbk), ("kwic", seed, gbk), ("kwic", seed, gbk, "--regex")):
        result = cli(*args)
        assert result.returncode == 2 and "is not valid text in this session's encoding" in result.stderr, args
        assert "\\xb4\\xb4" in result.stderr and "Traceback" not in result.stderr
    name = "\udcff.csv"
    result = cli("terms", seed, "创新", "--out", tmp_path / name)
    assert result.returncode == 2 and "is not a UTF-8 name" in result.stderr
    assert list(tmp_path.iterdir()) == []
    run = cli("run", ROOT / "configs" / "seeds.toml", "--out", tmp_path / "\udcffrun")
    assert run.returncode == 2 and "is not a UTF-8 name" in run.stderr and list(tmp_path.iterdir()) == []


def test_a_config_named_in_capitals_is_a_config_for_terms(tmp_path):
    """`toolkit config C.TOML` read it as a config, while terms counted the words of the TOML file itself."""
    import shutil

    config = tmp_path / "SEEDS.TOML"
    shutil.copy(ROOT / "configs" / "seeds.toml", config)
    text = (ROOT / "configs" / "seeds.toml").read_text(encoding="utf-8")
    config.write_text(text.replace('"../seeds', f'"{ROOT / "seeds"}'), encoding="utf-8")
    assert cli("config", config).returncode == 0
    lower = cli("terms", ROOT / "configs" / "seeds.toml", "创新", "--by", "place")
    upper = cli("terms", config, "创新", "--by", "place")
    assert upper.returncode == 0 and upper.stdout == lower.stdout and "武汉市" in upper.stdout


@pytest.mark.skipif(os.fsencode("\udcb4") != b"\xb4", reason="needs a file system of bytes (POSIX)")
def test_one_text_file_whose_name_is_not_utf8_is_one_line_of_error(tmp_path):
    """`kwic 创新.txt` saved under its GBK name: the name is the doc_id of kwic's table, and pyarrow's
    UnicodeEncodeError ended the command in a traceback (a hostile pass of the inspection commands)."""
    text = tmp_path / os.fsdecode("创新".encode("gbk") + b".txt")
    text.write_text("推进创新发展。", encoding="utf-8")
    for command in ("kwic", "terms"):
        result = cli(command, text, "创新")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "\\xb4\\xb4\\xd0\\xc2.txt: the file's name is not UTF-8" in result.stderr


def test_by_of_one_text_file_is_refused_and_a_column_of_numbers_counts_in_their_order(tmp_path, caplog):
    """From a hostile pass: `terms FILE --by nosuch,place` dropped --by in silence (an unknown column too), and a
    column of numbers (a tier of 1-12) came out in text order, 10 before 2."""
    import shutil

    with pytest.raises(ToolkitError, match="--by nosuch,place: one text file has no metadata to count by"):
        count_terms(ROOT / "seeds" / "000_4635cf3c1d3ea286.txt", "创新", by=("nosuch", "place"))
    assert len(count_terms(ROOT / "seeds" / "000_4635cf3c1d3ea286.txt", "创新")) == 1  # by nothing: the file's count
    corpus = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", corpus)
    table = pd.read_csv(corpus / "metadata.csv", dtype=str, keep_default_na=False)
    table.assign(tier=["10", "2.5", "3", "10", "2"]).to_csv(corpus / "metadata.csv", index=False)
    config = write_config(tmp_path / "c.toml", corpus, corpus / "metadata.csv")
    counted = count_terms(config, ["创新", "改革"], by="tier")
    assert counted["tier"].tolist() == ["2", "2.5", "3", "10"] * 2
    # a blank among them (its group, "(missing)", last as in the trends tables: a review of the fix); a number
    # written two ways said, as a run says it
    table.assign(tier=["10", "2", "", "1", "1.0"]).to_csv(corpus / "metadata.csv", index=False)
    with caplog.at_level("WARNING", logger="toolkit"):
        counted = count_terms(config, "创新", by="tier")
    assert counted["tier"].tolist() == ["1", "1.0", "2", "10", "(missing)"]
    assert "--by tier writes one group in several ways (1, 1.0)" in caplog.text
    with pytest.raises(ToolkitError, match="file not found"):  # said before --by (a review)
        count_terms(tmp_path / "none.txt", "创新", by="year")
    # numbers written as the effects and trends.compare read them (full width, thousands): in their order too (they
    # were sorted as text: a review)
    table.assign(tier=["１０", "2", "9", "1,000", "3"]).to_csv(corpus / "metadata.csv", index=False)
    assert count_terms(config, "创新", by="tier")["tier"].tolist() == ["2", "3", "9", "１０", "1,000"]
    placed = count_terms(config, "创新", by="place")  # text as text
    assert placed["place"].tolist() == sorted(placed["place"])


def test_a_document_without_a_metadata_row_is_counted_in_the_missing_group_of_a_column_of_the_users(small_corpus, tmp_path):
    """From a hostile pass of a new user's corpus: ``terms --by script`` (a column of the user's metadata) left out a
    document the metadata does not list (dated from its text, used by the run), with no word: its cell was NaN, which
    the grouping dropped. It is the group (missing), as in the run's tables, and every count is kept."""
    from toolkit import count_terms
    from toolkit.analysis.trends import MISSING_GROUP

    (small_corpus / "extra.txt").write_text((GWR / "national_2019.txt").read_text(encoding="utf-8")[:3000], encoding="utf-8")
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv")
    by_year = count_terms(config, "创新")
    assert by_year["documents"].sum() == 6  # the unlisted document is used
    by_script = count_terms(config, "创新", by="script").set_index("script")
    assert sorted(by_script.index) == sorted(["simplified", "traditional", MISSING_GROUP])
    assert by_script["count"].sum() == by_year["count"].sum() and by_script.loc[MISSING_GROUP, "documents"] == 1
    assert by_script.loc[MISSING_GROUP, "count"] > 0


def test_a_document_normalisation_empties_is_no_year_measured_at_zero(small_corpus, tmp_path, caplog):
    """From a hostile pass of a new user's corpus: a file of web boilerplate alone, dated 2018, was counted by ``terms``
    as the year 2018 measured at 0 per 10,000 characters (from 0 characters) where the run skips it and its
    term_counts.csv has no 2018. It is left out and named, as the run does; an empty text has no rate."""
    import logging

    from toolkit import count_terms
    from toolkit.analysis.terms import term_counts

    from .conftest import add_document

    add_document(small_corpus, "boiler.txt", "分享到\n抢沙发\n点击查看更多\n", "页面", "2018-05-01")
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        counted = count_terms(config, "改革")
    assert 2018 not in counted["year"].astype(int).tolist() and counted["documents"].sum() == 5
    assert "skipped 1 document(s) with no text left after normalisation (first: boiler)" in caplog.text
    doc = {"doc_id": "a", "title": "t", "date": "2018", "year": 2018}
    assert term_counts([(doc, "")], ["改革"])["per_10k"].isna().all()
