"""What real corpora hold and a run must survive: units without a single vocabulary word (tables of contents,
contact lines, rows of underscores, Latin-only or numbers-only files), a one-year corpus, odd files, and
random folders of all of these (a hypothesis property: never a traceback, every entry listed, inputs
untouched)."""

import json
import os
import shutil
import zlib

import pandas as pd
import pytest

import toolkit
from toolkit.config import Config

from .conftest import NO_FIGURES, ROOT, SEEDS, add_document, cli, examples, snapshot, toolkit_process, write_config

FAST = {"figures": {"formats": ["png"], "ldavis": False, "dpi": 30}, "trends": {"bootstrap": 50}}
TOC = "目录\n(一)总体要求......1\n(二)建设目标......3\n(三)主要任务......5\n"
CONTACT = "联系电话:027-12345678 传真:027-87654321\n邮编:430014\n"
UNDERSCORES = "________________________________________\n________________________________________\n"


@pytest.fixture
def messy_corpus(small_corpus):
    for name, text in [
        ("toc.txt", TOC),
        ("contact.txt", CONTACT + UNDERSCORES),
        ("latin.txt", "Annual report of the city government, English summary only.\n"),
        ("numbers.txt", "2021 3.14 15% 27 1828 100,000\n"),
    ]:
        add_document(small_corpus, name, text, title=name, date="2021", precision="year")
    return small_corpus


def test_units_without_vocabulary_words_are_kept_and_never_crash(messy_corpus, tmp_path):
    config = write_config(
        tmp_path / "c.toml", messy_corpus, messy_corpus / "metadata.csv", model={"kind": "nmf", "n_topics": 6}, **FAST
    )
    result = toolkit.run(config, tmp_path / "out")
    units = pd.read_csv(tmp_path / "out" / "units.csv", keep_default_na=False)
    empty = units[units["in_model"] == False]  # noqa: E712 (a CSV column of True/False)
    assert set(empty["doc_id"]) >= {"toc", "contact", "latin", "numbers"}
    assert (empty["dominant_theme"] == "").all()
    assert (empty[["ecology", "other"]] == "").all().all()  # empty shares, not zeros
    assert result.manifest["counts"]["units_without_vocabulary"] == len(empty)
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False).set_index("doc_id")
    assert (docs.loc[["toc", "latin"], "status"] == "used").all()
    # used, but in no share: said in documents.csv and in a warning (the counts of the report would not tell)
    assert docs.loc[["latin", "numbers"], "note"].str.contains("no unit the model saw").all()
    assert not docs.loc[docs.index.str.match(r"\d{3}_"), "note"].str.contains("no unit the model saw").any()
    assert any("hold no word of the vocabulary" in w and "latin.txt" in w for w in result.manifest["warnings"])
    assert (tmp_path / "out" / "figures" / "document_themes.png").is_file()
    assert (tmp_path / "out" / "report.html").is_file()


def test_a_users_stopwords_may_empty_whole_paragraphs(small_corpus, tmp_path):
    """The run's tables (no figure files: none is read here; test_units_without_vocabulary_words_are_kept_and_
    never_crash draws them for units without vocabulary)."""
    stop = tmp_path / "stop.txt"
    stop.write_text("创新 发展 武汉 城市 科技\n", encoding="utf-8")
    config = write_config(
        tmp_path / "c.toml",
        small_corpus,
        small_corpus / "metadata.csv",
        model={"kind": "lda", "n_topics": 5, "lda": {"passes": 2}},
        segment={"extra_stopwords": [str(stop)]},
        vocab={"min_df": 12},
        **{**FAST, "figures": {"formats": [], "ldavis": False}},
    )
    result = toolkit.run(config, tmp_path / "out")
    assert result.manifest["counts"]["units_without_vocabulary"] > 0
    assert set(result.units.loc[~result.units["in_model"], "dominant_theme"]) == {""}


def test_a_one_year_corpus_draws_without_warnings(small_corpus, tmp_path):
    import warnings

    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    table["date"] = "2021"
    table.to_csv(meta, index=False)
    # the figures drawn in this process (figures.workers = 1): a warning in a drawing worker would not reach here
    fast_here = {**FAST, "figures": {**FAST["figures"], "workers": 1}}
    config = write_config(tmp_path / "c.toml", small_corpus, meta, model={"kind": "nmf", "n_topics": 5}, **fast_here)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = toolkit.run(config, tmp_path / "out")
    assert list(result.theme_by_year["year"].unique()) == [2021]
    assert len(result.trends.change) == 0


def test_metadata_columns_named_like_the_runs_own_columns_are_renamed_not_crashed_on(small_corpus, tmp_path):
    """A pilot-city flag named after a theme, a column ``other``, ``text`` or ``unit_id``: each reaches the tables as
    ``meta_<name>`` beside the run's own column of that name (a column named after a theme made the run crash)."""
    meta = small_corpus / "metadata.csv"
    table = pd.read_csv(meta, dtype=str, keep_default_na=False)
    mine = {"innovation": ["1", "0", "1", "0", "1"], "other": "v", "text": "x", "unit_id": "u", "ecology_high": "h", "theme": "t"}
    for column, values in mine.items():
        table[column] = values
    table.to_csv(meta, index=False)
    config = Config.load(write_config(tmp_path / "c.toml", small_corpus, meta), NO_FIGURES)
    result = toolkit.run(config, tmp_path / "out")
    units = pd.read_csv(tmp_path / "out" / "units.csv", keep_default_na=False)
    renamed = [f"meta_{c}" for c in mine]
    assert set(renamed) <= set(result.prepared.corpus.metadata_columns) and set(renamed) <= set(units.columns)
    modelled = units[units["in_model"].astype(str) == "True"]
    assert pd.to_numeric(modelled["innovation"]).between(0, 1).all()  # the theme's share, not the flag
    assert set(units["meta_innovation"].astype(str)) == {"0", "1"} and set(units["meta_other"]) == {"v"}
    shares = pd.read_csv(tmp_path / "out" / "document_themes.csv")
    assert {"meta_ecology_high", "meta_innovation"} <= set(shares.columns)  # no intervals here: no bootstrap


def test_a_sweep_survives_units_without_vocabulary(messy_corpus, tmp_path):
    config = write_config(tmp_path / "c.toml", messy_corpus, messy_corpus / "metadata.csv", sweep={"seeds": [1]})
    result = toolkit.sweep(config, tmp_path / "sw", grid={"model.kind": ["nmf"], "model.n_topics": [4]}, n_jobs=1)
    assert result.fitted == 1 and result.table["c_npmi"].notna().all()


def test_printing_chinese_under_a_c_locale():
    env = {**os.environ, "PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": ""}
    result = toolkit_process("normalize", SEEDS / "004_1467077b33d2f3ae.txt", env=env, timeout=120, text=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").startswith("创新发展协调发展")


def test_damaged_cache_metadata_of_the_wrong_shape_is_rebuilt(fast_seeds_run, tmp_path, monkeypatch, caplog):
    shutil.copytree(fast_seeds_run.out_dir.parent / "cache", tmp_path / "cache")  # that run's, filled from nothing
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    config = ROOT / "configs" / "seeds.toml"
    first = fast_seeds_run  # the same config
    for meta in (tmp_path / "cache" / "prepared").glob("*/meta.json"):
        meta.write_text("[]", encoding="utf-8")
    with caplog.at_level("WARNING", logger="toolkit"):
        second = toolkit.run(Config.load(config, NO_FIGURES), tmp_path / "b")
    assert second.manifest["cache"]["prepared"] == "damaged"
    assert caplog.text.count("rebuilt a damaged prepared corpus") == 1
    assert second.manifest["outputs_sha256"]["units.csv"] == first.manifest["outputs_sha256"]["units.csv"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00[eco", "is not UTF-8 text"),
        ("[ecology]\nwords = ['生态']\nlabel_zh = 3\n".encode(), "theme [ecology] label_zh must be a text"),
        (None, "is a folder"),
    ],
)
def test_broken_lexicons_are_one_line(tmp_path, content, message):
    from toolkit.analysis.lexicon import load_lexicon
    from toolkit.errors import ToolkitError

    path = tmp_path / "lexicon.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ToolkitError) as info:
        load_lexicon(path)
    assert message in str(info.value) and "\n" not in str(info.value)


# ----- random folders ----------------------------------------------------------------------------------------


def _entries_accounted_for(folder, documents) -> bool:
    listed = set(documents["path"])
    for entry in os.scandir(folder):
        name = os.fsencode(entry.name).decode("utf-8", "backslashreplace")
        if entry.name == "metadata.csv":
            continue
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            if not _entries_accounted_for(entry.path, documents):
                return False
            continue
        if name not in listed and name + "/" not in listed and not any(p.endswith("/" + name) for p in listed):
            return False
    return True


def _folders():
    from hypothesis import strategies as st

    text = SEEDS.joinpath("001_a277e5c0c743763f.txt").read_text(encoding="utf-8")
    contents = st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"", b"%PDF-1.4 x", b"PK\x03\x04", b"\x00\x01\x02", TOC.encode(), CONTACT.encode()]),
        st.sampled_from(["utf-8", "utf-16", "gb18030", "big5", "utf-8-sig"]).map(
            lambda codec: text[:400].encode(codec, errors="replace")
        ),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )
    names = st.one_of(
        st.from_regex(r"[a-z0-9_\u4e00-\u9fa5]{1,8}\.(txt|md|csv)", fullmatch=True),
        st.sampled_from(["-rf.txt", " space .txt", ".hidden.txt", "new\nline.txt", "a;b.txt"]),
    )
    kinds = st.sampled_from(["file", "file", "file", "symlink_out", "symlink_in", "dangling", "fifo", "badname", "subdir"])
    dates = st.sampled_from(["2020", "2021-07", "2019-13-40", "", "someday", "2015-03-31"])
    return st.lists(st.tuples(kinds, names, contents, dates, st.booleans()), min_size=1, max_size=8)


def _build(folder, outside, spec):
    folder.mkdir()
    shutil.copy(SEEDS / "002_2c7342bd1836c4df.txt", folder / "base.txt")  # one usable text in every folder
    rows = ["file,title,date,include", "base.txt,基础,2022,yes"]
    for i, (kind, name, data, date, listed) in enumerate(spec):
        name = f"{i}_{name}"
        path = folder / name
        if kind == "file":
            path.write_bytes(data)
        elif kind == "symlink_out":
            os.symlink(outside, path)
        elif kind == "symlink_in":
            os.symlink(folder / "base.txt", path)
        elif kind == "dangling":
            os.symlink(folder / "nothing_here", path)
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "badname":
            with open(os.fsencode(str(folder)) + b"/" + f"{i}_".encode() + b"\xff\xfe.txt", "wb") as handle:
                handle.write(data)
            continue
        elif kind == "subdir":
            path.mkdir()
            (path / "inner.txt").write_bytes(data)
        if listed and "\n" not in name and "," not in name and '"' not in name:
            rows.append(f"{name},标题{i},{date},{'no' if i % 5 == 4 else ''}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs and symbolic links")
def test_random_corpus_folders_never_crash_and_lose_nothing(tmp_path_factory, monkeypatch):
    from hypothesis import HealthCheck, given, settings

    # Each example is a whole run, to the tables and report; the same examples every time. One in twelve or so (by
    # a hash of the example: hypothesis would favour the first of any choice it draws) also draws the figures, in
    # this process so that a traceback would raise here too: the figures are four fifths of a run, and what this
    # property is about (an odd folder loaded, listed and left untouched) is decided before them.
    @settings(examples(1 / 8), suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
    @given(spec=_folders())
    def check(spec):
        figures = zlib.crc32(repr(spec).encode("utf-8", "surrogatepass")) % 12 == 0
        base = tmp_path_factory.mktemp("random")
        outside = base / "outside.txt"
        outside.write_text("2020年1月1日 不在文件夹里。", encoding="utf-8")
        folder = base / "texts"
        _build(folder, outside, spec)
        config = write_config(
            base / "c.toml",
            folder,
            folder / "metadata.csv",
            model={"kind": "nmf", "n_topics": 2},
            vocab={"min_df": 1, "max_df": 1.0},
            units={"min_chars": 5},
            figures={**FAST["figures"], "workers": 1} if figures else {"formats": [], "ldavis": False},
            trends=FAST["trends"],
        )
        before = snapshot(folder)
        monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(base / "cache"))
        result = cli("-q", "run", config, "--out", base / "out")  # in this process: a traceback would raise
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 2), result.stderr
        if result.returncode == 2:
            assert result.stderr.startswith("toolkit: error: ") and result.stderr.count("\n") == 1, result.stderr
        else:
            documents = pd.read_csv(base / "out" / "documents.csv", keep_default_na=False)
            assert _entries_accounted_for(folder, documents)
            assert json.loads((base / "out" / "manifest.json").read_text())["counts"]["files"] == len(documents)
        assert snapshot(folder) == before

    check()


def test_a_corpus_without_a_keyword_of_the_lexicon_says_so_not_that_the_model_is_exploratory(tmp_path):
    """Texts that hold no keyword of any theme (a diary of walks and meals): the keyword model seeds no topic. Every
    theme's reason was "exploratory model: labels read off top words", every topic "labelled by top words", and the
    methods paragraph read "one per of them seeded"."""
    texts = tmp_path / "texts"
    texts.mkdir()
    diary = [
        "今天早上天气晴朗，我们沿着湖边散步，看见许多老人在树下下棋。中午在小饭馆吃了一碗热干面，味道很好。",
        "下午下起了小雨，我在家里读小说，喝了两杯茶。晚上和朋友一起去看电影，回家的路上买了水果。",
        "周末带孩子去公园放风筝，草地上有很多小狗在跑。傍晚回到家里，一家人包饺子，聊了很久。",
    ]
    rows = ["file,date"]
    for year, text in zip((2019, 2020, 2021), diary):
        (texts / f"d{year}.txt").write_text("\n".join([text] * 4), encoding="utf-8")
        rows.append(f"d{year}.txt,{year}")
    (tmp_path / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = write_config(tmp_path / "c.toml", texts, tmp_path / "metadata.csv", model={"n_topics": 3}, vocab={"min_df": 1})
    result = toolkit.run(Config.load(config, NO_FIGURES), tmp_path / "out")
    themes = result.themes[result.themes["theme"] != "other"]
    assert themes["why"].str.startswith("no keyword of the theme is in the vocabulary").all(), themes["why"].iloc[0]
    assert (result.topics["labelled_by"] == "free").all() and (result.topics["theme"] == "other").all()
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "none of them seeded, as no keyword of the lexicon is in the vocabulary" in report
