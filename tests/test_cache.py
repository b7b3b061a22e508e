import os
from pathlib import Path

import pytest

from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.text.cache import TokenCache, entry_key

from .conftest import write_config


def test_round_trip_and_keys(tmp_path):
    cache = TokenCache(tmp_path)
    units = [["数字经济", "发展"], [], ["碳达峰"]]
    key = entry_key(["数字经济发展", "", "碳达峰"], "fp1")
    assert cache.get(key) is None
    cache.put(key, units)
    assert cache.get(key) == units
    assert (cache.hits, cache.misses) == (1, 1)
    assert entry_key(["数字经济发展", "", "碳达峰"], "fp2") != key  # other segmenter settings
    assert entry_key(["数字经济发展", "", "碳达峰。"], "fp1") != key  # other text


def test_damaged_entry_is_detected_and_dropped(tmp_path):
    cache = TokenCache(tmp_path)
    key = entry_key(["创新驱动"], "fp")
    cache.put(key, [["创新驱动"]])
    path = next(tmp_path.rglob("*.txt"))
    path.write_bytes(path.read_bytes().replace("创新".encode(), "生态".encode()))
    assert cache.get(key) is None
    assert cache.damaged == [str(path)] and not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xff\xfe garbage")
    assert cache.get(key) is None and len(cache.damaged) == 2


FAST = {"model": {"n_topics": 5, "ensemble": 1}, "figures": {"ldavis": False}, "trends": {"bootstrap": 0}}


@pytest.mark.parametrize("inside", [False, True])
def test_a_cache_in_the_text_folder_is_refused_before_any_work(small_corpus, tmp_path, monkeypatch, inside):
    from toolkit.pipeline import run

    cache = small_corpus / "cache" if inside else small_corpus
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(cache))
    config = write_config(
        tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", corpus={"pattern": "**/*.txt"}, **FAST
    )
    what = "lies inside" if inside else "is"
    with pytest.raises(ToolkitError, match=f"the cache folder {cache} \\(\\$TOOLKIT_CACHE_DIR\\) {what} the text folder"):
        run(config, tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (small_corpus / "tokens").exists() and not cache.joinpath("prepared").exists()
    with pytest.raises(ToolkitError, match="\\(cache.dir\\) lies inside the text folder"):
        run(Config.load(config, ["cache.dir='" + str(small_corpus / "sub" / "cache") + "'"]), tmp_path / "out")


@pytest.mark.parametrize("where", ["cache", "cache/run", "."])
def test_an_output_in_the_cache_or_around_it_is_refused(small_corpus, tmp_path, monkeypatch, where):
    from toolkit.pipeline import run

    cache = tmp_path / "cache"  # not made yet
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(cache))
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", **FAST)
    out = tmp_path / "outer" if where == "." else tmp_path / where
    if where == ".":  # the cache inside the output folder
        monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(out / "cache"))
    what = {"cache": "is", "cache/run": "lies inside", ".": "contains"}[where]
    with pytest.raises(ToolkitError, match=f"--out {out} {what} the cache folder"):
        run(config, out)
    assert not out.exists()


# ----- the prepared corpus's key ---------------------------------------------------------------------------------

TEXT_MODULES = sorted(path.name for path in (Path(__file__).parent.parent / "toolkit" / "text").glob("*.py"))


def test_the_prepared_key_covers_the_source_of_every_module_that_prepares_a_corpus():
    """Every module of toolkit/text/ and every toolkit module they import is in the key (chunks.py filters the
    cached tokens, and was once left out of it); reading the files another way gives the same digest."""
    from toolkit.text.preparation import source_digest, text_stage_modules

    modules = text_stage_modules()
    assert {f"text/{name}" for name in TEXT_MODULES} <= set(modules)
    assert {"analysis/terms.py", "analysis/lexicon.py"} <= set(modules)  # phrases and the lexicon shape it too
    base = source_digest()
    for name in modules:
        edited = source_digest(lambda path, name=name: path.read_bytes() + (b"#" if path.as_posix().endswith(name) else b""))
        assert edited != base, name
    assert source_digest(lambda path: Path(path).read_bytes()) == base


@pytest.fixture
def prepared_inputs(small_corpus, tmp_path):
    """A config of the small corpus and its loaded inputs (the files its shaping options name written beside it)."""
    from toolkit.text.preparation import load_inputs

    (tmp_path / "extra_boilerplate.txt").write_text("^责任编辑\n", encoding="utf-8")
    # a word of no list the segmenter has (新质生产力 is the lexicon's: the same entry, the same tokens, the same key)
    (tmp_path / "dict.txt").write_text("热带雨林式\n", encoding="utf-8")
    (tmp_path / "stop.txt").write_text("武汉\n", encoding="utf-8")  # 坚持 is a policy stopword already: no change
    config_path = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv")
    return config_path, load_inputs(Config.load(config_path))


@pytest.mark.parametrize("module", TEXT_MODULES)
def test_an_edit_to_any_module_of_the_text_subpackage_changes_the_prepared_key(prepared_inputs, monkeypatch, module):
    from toolkit import sources
    from toolkit.text import preparation

    config_path, inputs = prepared_inputs
    config = Config.load(config_path)
    key = preparation.prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter)
    assert key == inputs.key
    edited = Path(preparation.__file__).with_name(module)
    monkeypatch.setattr(sources, "_read", lambda path: path.read_bytes() + (b"#" if path == edited else b""))
    assert preparation.prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter) != key


def test_the_prepared_key_changes_with_pythons_unicode_tables_and_the_common_characters(prepared_inputs, monkeypatch, tmp_path):
    """NFKC and the Han classes follow Python's Unicode tables, and auto-detection weighs the shipped list of common
    characters; neither was part of the key, so a cache shared by two Pythons or releases could serve texts prepared
    by the other (a suspicion of a review, read from the code)."""
    import unicodedata

    from toolkit.resources import data_path
    from toolkit.text import preparation

    config_path, inputs = prepared_inputs
    config = Config.load(config_path)
    key = preparation.prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter)
    monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    assert preparation.prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter) != key
    monkeypatch.undo()
    # a patch release too: html.parser, which reads a web page saved as text, changes in them
    import sys

    patched = (*sys.version_info[:2], sys.version_info[2] + 1, "final", 0)
    monkeypatch.setattr(preparation.sys, "version_info", patched)
    assert preparation.prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter) != key
    monkeypatch.undo()
    edited = tmp_path / "common_chars.txt"
    edited.write_bytes(data_path("common_chars.txt").read_bytes() + "龘".encode())
    monkeypatch.setattr(preparation, "data_path", lambda name: edited if name == "common_chars.txt" else data_path(name))
    assert preparation.prepared_key(inputs.corpus, inputs.normalizer, config, inputs.segmenter) != key


# One value other than the default for every option of the sections that shape the prepared corpus. A new option
# there needs a line here, or this test fails: the key must be seen to change with it.
_OTHER_VALUES = {
    "normalize.to_simplified": False,
    "normalize.repair_mojibake": False,
    "normalize.strip_pinyin": False,
    "normalize.drop_boilerplate": False,
    "normalize.remove_mojibake": False,
    "normalize.extra_boilerplate": ["extra_boilerplate.txt"],
    "normalize.drop_repeated_lines": False,
    "units.kind": "document",
    "units.max_chars": 300,
    "units.min_chars": 20,
    "units.join_lines": False,
    "segment.backend": "jieba",
    "segment.hmm": True,
    "segment.pos": ["n"],
    "segment.extra_dictionaries": ["dict.txt"],
    "segment.extra_stopwords": ["stop.txt"],
    "segment.use_policy_stopwords": False,
    "segment.min_chars": 1,
    "segment.drop_numbers": False,
    "corpus.encoding": "utf-8",
}


def test_every_option_that_shapes_the_prepared_corpus_has_another_value_below(prepared_inputs):
    from toolkit.text.preparation import SHAPING_SECTIONS

    config = Config.load(prepared_inputs[0])
    declared = {
        f"{section}.{key}" for section, skipped in SHAPING_SECTIONS.items() for key in config[section] if key not in skipped
    }
    assert declared == set(_OTHER_VALUES)


@pytest.mark.parametrize("option", sorted(_OTHER_VALUES))
def test_each_option_that_shapes_the_prepared_corpus_changes_its_key(prepared_inputs, option):
    import json

    from toolkit.text.preparation import load_inputs

    config_path, inputs = prepared_inputs
    value = json.dumps(_OTHER_VALUES[option], ensure_ascii=False)
    assert load_inputs(Config.load(config_path, [f"{option}={value}"])).key != inputs.key


def test_worker_processes_do_not_change_the_prepared_key(prepared_inputs):
    from toolkit.text.preparation import load_inputs

    config_path, inputs = prepared_inputs
    assert load_inputs(Config.load(config_path, ["segment.n_jobs=1"])).key == inputs.key  # the same tokens


@pytest.mark.parametrize("inside", ["运行", "运行/cache", "运行/figures/cache"])
def test_a_cache_inside_an_earlier_output_folder_is_refused(small_corpus, tmp_path, monkeypatch, inside):
    from toolkit.output import atomic
    from toolkit.text.preparation import cache_root

    with atomic.output_folder(tmp_path / "运行") as work:
        atomic.write_text(work / "figures" / "a.png", "png")
    cache = tmp_path / inside
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(cache))
    config = Config.load(write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", **FAST))
    what = "is" if inside == "运行" else "lies inside"
    with pytest.raises(ToolkitError) as info:
        cache_root(config)
    assert str(info.value).startswith(
        f"the cache folder {cache} ($TOOLKIT_CACHE_DIR) {what} {tmp_path / '运行'}, an output folder of an earlier run"
    )
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "缓存"))
    assert cache_root(config) == tmp_path / "缓存"


def test_a_table_written_by_kwic_into_a_folder_above_the_cache_blocks_nothing(small_corpus, tmp_path, monkeypatch):
    """From a hostile pass of the docs: `kwic --out ~/kwic.csv` records the table in a marker beside it; every later
    command then refused the cache below the home folder as lying in "an output folder of an earlier run" (none
    ran there), `terms --out` into that folder too."""
    from toolkit.text.preparation import cache_root

    from .conftest import cli

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(home / ".cache" / "toolkit"))
    config = write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", **FAST)
    first = cli("kwic", str(config), "创新", "--out", str(home / "kwic.csv"))
    assert first.returncode == 0, first.stderr
    assert cache_root(Config.load(config)) == home / ".cache" / "toolkit"
    second = cli("terms", str(config), "创新", "--out", str(home / "terms.csv"))
    assert second.returncode == 0 and (home / "terms.csv").is_file(), second.stderr


def test_a_token_entry_reads_back_what_was_put_an_empty_unit_too(tmp_path):
    """One unit whose segmentation is empty (an English note with segment.pos) was written as an empty body and
    read back as no unit: judged damaged at every later run, and rebuilt (found by a review)."""
    from toolkit.text.cache import TokenCache

    cache = TokenCache(tmp_path)
    for key, units in [("a" * 64, [[]]), ("b" * 64, []), ("c" * 64, [[], []]), ("d" * 64, [["创新"], [], ["数字", "经济"]])]:
        cache.put(key, units)
        assert cache.get(key) == units
    assert cache.damaged == [] and cache.hits == 4


def test_a_damaged_token_entry_in_a_cache_this_process_cannot_write_is_a_miss_not_a_traceback(tmp_path, monkeypatch):
    """Removing a damaged entry from a read-only cache raised OSError (Read-only file system) out of the run, exit
    1 with a traceback (found by a review); the entry is a miss and the run goes on, saying the cache is unwritable."""
    import errno
    from pathlib import Path

    from toolkit.text.cache import TokenCache

    cache = TokenCache(tmp_path)
    key = "e" * 64
    cache.put(key, [["创新"]])
    path = cache._path(key)
    path.write_bytes(path.read_bytes()[:50])  # cut short

    def read_only(self, missing_ok=False):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "unlink", read_only)
    assert cache.get(key) is None
    assert cache.damaged == [str(path)] and "Read-only file system" in cache.unwritable


def test_no_two_documents_share_a_token_entry_whatever_their_text_holds(tmp_path, monkeypatch):
    """From a hostile pass of the cache: the entry's key joined the units with U+001E, which survives
    normalisation, so a document of units ["X\\x1eY", "Z"] and one of ["X", "Y\\x1eZ"] had one key: the second
    was given the first's tokens (its first unit X counted X and Y), in that run and every later one; with units
    ["X\\x1eY"] and ["X", "Y"] the counts of units and tokens disagreed and the run crashed. Now the key holds each
    unit's length, and an entry of another number of units is a miss: the cached corpus is the uncached one. (Since,
    normalisation also removes control characters, U+001E among them: the key no longer depends on it.)"""
    import shutil

    from toolkit.text.preparation import prepare

    x = "武汉市坚持创新驱动发展战略，加快建设具有全国影响力的科技创新中心，推动科技成果转化和高新技术产业发展。"
    y = "全面推进生态文明建设，持续改善长江流域生态环境质量，坚决打好污染防治攻坚战，建设美丽中国先行区。"
    z = "大力发展数字经济，推进数字产业化和产业数字化，建设新型基础设施，培育壮大人工智能和大数据产业。"
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a.txt").write_text(f"{x}\x1e{y}\n\n{z}\n", encoding="utf-8")
    (texts / "b.txt").write_text(f"{x}\n\n{y}\x1e{z}\n", encoding="utf-8")
    (texts / "c.txt").write_text(f"{x}\x1e{y}\n", encoding="utf-8")
    (texts / "d.txt").write_text(f"{x}\n\n{y}\n", encoding="utf-8")
    (tmp_path / "meta.csv").write_text("file,date\na.txt,2020\nb.txt,2021\nc.txt,2020\nd.txt,2021\n", encoding="utf-8")
    config = write_config(tmp_path / "c.toml", texts, tmp_path / "meta.csv")
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))

    def tokens(overrides, hits):
        prepared = prepare(Config.load(config, overrides))
        assert prepared.cache_stats.get("hits", 0) == hits, prepared.cache_stats
        units = prepared.units.assign(tokens=[" ".join(t) for t in prepared.tokens])
        return units[["unit_id", "text", "tokens"]].to_dict("records")

    uncached = tokens(["cache.enabled=false"], 0)
    assert not any("\x1e" in unit["text"] for unit in uncached)  # removed as a control character
    assert tokens([], 0) == uncached  # the first run with the cache: no document takes another's entry
    shutil.rmtree(tmp_path / "cache" / "prepared")
    assert tokens([], 4) == uncached  # every document's own entry read back


def test_a_token_entry_of_another_number_of_units_is_a_miss(tmp_path):
    cache = TokenCache(tmp_path)
    key = entry_key(["创新驱动", "绿色发展"], "fp")
    cache.put(key, [["创新驱动"], ["绿色", "发展"]])
    assert cache.get(key, 2) == [["创新驱动"], ["绿色", "发展"]]
    assert cache.get(key, 3) is None and cache.damaged
    assert entry_key(["X\x1eY", "Z"], "fp") != entry_key(["X", "Y\x1eZ"], "fp") != entry_key(["X", "Y", "Z"], "fp")


def test_a_pattern_moved_to_another_theme_changes_the_inputs_fingerprint(small_corpus, tmp_path):
    """From a hostile pass of the cache: the fingerprint a sweep names its runs by held each theme's words but not
    its patterns, so a pattern moved from ecology to innovation left the run ids as they were and a resumed sweep
    kept the runs fitted with the old lexicon ("0 runs to fit, 1 already done", their scores stale)."""
    from toolkit.resources import data_path
    from toolkit.text.preparation import load_inputs

    shipped = data_path("lexicon.toml").read_text(encoding="utf-8")
    prints = []
    for theme in ("ecology", "innovation"):
        lexicon = tmp_path / f"{theme}.toml"
        text = shipped.replace(f"[{theme}]\n", f'[{theme}]\npatterns = ["推\\\\w"]\n', 1)
        assert text != shipped
        lexicon.write_text(text, encoding="utf-8")
        config = write_config(
            tmp_path / f"{theme}-c.toml", small_corpus, small_corpus / "metadata.csv", themes={"lexicon": str(lexicon)}
        )
        prints.append(load_inputs(Config.load(config, ["cache.enabled=false"])).fingerprint)
    assert prints[0] != prints[1]


def test_a_damaged_prepared_corpus_in_a_cache_that_cannot_be_written_is_not_called_rebuilt(
    small_corpus, tmp_path, monkeypatch, caplog
):
    """From a hostile pass of the cache: on a read-only cache the run said it had "rebuilt a damaged prepared
    corpus in the cache", then that it could not store it: nothing was rebuilt there."""
    from toolkit.text import store
    from toolkit.text.preparation import prepare

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    config = Config.load(write_config(tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv"))
    prepare(config)
    ids = next((tmp_path / "cache" / "prepared").glob("*/tokens/ids.npy"))
    ids.write_bytes(ids.read_bytes()[:-40])

    def read_only(self, key, stored):
        self.unwritable = f"{self.folder}: Read-only file system"

    monkeypatch.setattr(store.PreparedStore, "put", read_only)
    with caplog.at_level("WARNING", logger="toolkit"):
        prepare(config)
    assert "found (and could not replace) a damaged prepared corpus" in caplog.text and "rebuilt" not in caplog.text


def test_the_prepared_key_changes_with_what_the_files_it_names_and_the_metadata_hold(prepared_inputs, tmp_path):
    """From a mutation audit: the key's parts for a document's year and declared encoding, the stopwords and the
    lexicon's patterns could each be dropped with every test passing (their options, which name files, are in
    the key; the files' contents and the metadata's rows are only through these parts). Each edit below keeps
    every option's value and changes the key."""
    import shutil

    from toolkit.resources import data_path
    from toolkit.text.preparation import load_inputs

    config_path, inputs = prepared_inputs
    corpus = Path(Config.load(config_path)["corpus"]["texts"])
    lexicon = tmp_path / "lexicon.toml"
    shutil.copy(data_path("lexicon.toml"), lexicon)
    settings = ["segment.extra_stopwords=['stop.txt']", f"themes.lexicon='{lexicon}'"]

    def key():
        return load_inputs(Config.load(config_path, settings)).key

    base = key()
    (tmp_path / "stop.txt").write_text("坚持\n牛鼻子\n", encoding="utf-8")  # the same file, another stopword
    assert key() != base
    base = key()
    lexicon.write_text(lexicon.read_text(encoding="utf-8").replace("[ecology]\n", '[ecology]\npatterns = ["\\\\w+污染"]\n', 1))
    assert key() != base
    base = key()
    metadata = corpus / "metadata.csv"
    rows = metadata.read_text(encoding="utf-8")
    metadata.write_text(rows.replace(",2015-03-31,", ",2016-03-31,", 1), encoding="utf-8")  # a year corrected
    assert key() != base
    base = key()
    header, *lines = metadata.read_text(encoding="utf-8").splitlines()
    with_encoding = [f"{header},encoding", *(f"{line},{'utf-8' if i == 0 else ''}" for i, line in enumerate(lines))]
    metadata.write_text("\n".join(with_encoding) + "\n", encoding="utf-8")  # one row's encoding declared
    assert key() != base


def test_a_runs_saved_config_finds_the_prepared_corpus_and_files_are_recorded_as_read(small_corpus, tmp_path, monkeypatch):
    """From a hostile pass of the cache: a run's config.toml writes the word lists' paths relative to its own
    folder, and the prepared corpus's key held the paths as written, so running that config again prepared the
    corpus again (a miss, stored twice); and a stopword file edited while a run went on was recorded in the
    manifest, and in the prepared corpus's settings, as edited, though the tokens came from the list as read."""
    import hashlib
    import shutil

    from toolkit.errors import ToolkitError
    from toolkit.pipeline import fit, prepare
    from toolkit.text.preparation import load_inputs

    (tmp_path / "study").mkdir()
    stop = tmp_path / "study" / "stop.txt"
    stop.write_text("发展\n", encoding="utf-8")
    config = write_config(
        tmp_path / "study" / "c.toml", small_corpus, small_corpus / "metadata.csv", segment={"extra_stopwords": ["stop.txt"]}
    )
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    first = prepare(Config.load(config))
    saved = Config.load(config).to_toml(relative_to=tmp_path / "runs" / "x")
    (tmp_path / "runs" / "x").mkdir(parents=True)
    (tmp_path / "runs" / "x" / "config.toml").write_text(saved, encoding="utf-8")
    assert "../../study/stop.txt" in saved
    again = prepare(Config.load(tmp_path / "runs" / "x" / "config.toml"))
    assert first.cache_stats["prepared"] == "miss" and again.cache_stats["prepared"] == "hit"
    # an edit after the inputs were read: recorded as read, and a fit with the edited config refused
    read = hashlib.sha256(stop.read_bytes()).hexdigest()
    inputs = load_inputs(Config.load(config))
    stop.write_text("发展\n武汉\n", encoding="utf-8")
    prepared = prepare(Config.load(config), inputs)
    assert prepared.input_files["segment.extra_stopwords[0]"] == read
    assert prepared.settings[f"file:{stop.resolve()}"] == read
    with pytest.raises(ToolkitError):
        fit(prepared, Config.load(config))
    # the project moved or copied elsewhere, its files the same: the same corpus (a review: absolute paths in the key
    # re-prepared it, and refitted every sweep run)
    stop.write_text("发展\n", encoding="utf-8")
    shutil.copytree(tmp_path / "study", tmp_path / "copy")
    assert prepare(Config.load(tmp_path / "copy" / "c.toml")).cache_stats["prepared"] == "hit"
    # a word list edited while the texts were read (after its hash was taken, before it was read): refused, not
    # recorded as the version it was not (a review)
    import toolkit.text.preparation as preparation

    reading = preparation.load_corpus

    def slow(*args, **kwargs):
        stop.write_text("发展\n改革\n", encoding="utf-8")
        return reading(*args, **kwargs)

    monkeypatch.setattr(preparation, "load_corpus", slow)
    with pytest.raises(ToolkitError, match=r"segment.extra_stopwords\[0\] changed while the run read its inputs"):
        load_inputs(Config.load(config))
    monkeypatch.undo()
    # the config itself as Config.load read it, not as it was when the inputs were read (a review: a config edited
    # in between was recorded as the config the run never used)
    loaded = Config.load(config)
    read = hashlib.sha256(config.read_bytes()).hexdigest()
    config.write_text(config.read_text(encoding="utf-8") + "\n[units]\nmax_chars = 200\n", encoding="utf-8")
    assert load_inputs(loaded).files["the config"] == read
    assert loaded.with_values(**{"units.min_chars": 10}).source_sha256 == read


# ---- a hostile pass of the caches (each test failed on the code before its fix)


def _stored_corpus():
    import numpy as np
    import pandas as pd

    from toolkit.text.store import StoredCorpus
    from toolkit.text.tokens import UnitTokens

    words = ["创新", "数字经济", "生态"]
    return StoredCorpus(
        quality=pd.DataFrame({"doc_id": ["政府工作报告"], "removed_share": [0.01]}),
        units=pd.DataFrame({"unit_id": ["政府工作报告#1", "政府工作报告#2"], "text": ["加快创新", "发展数字经济 生态"]}),
        tokens=UnitTokens(words, np.array([0, 1, 2], dtype=np.int32), np.array([0, 1, 3], dtype=np.int64)),
        unigrams=pd.DataFrame({"word": words, "count": [1, 1, 1]}),
        pairs=pd.DataFrame({"left": ["数字经济"], "right": ["生态"], "count": [1]}),
    )


@pytest.mark.skipif(os.fsencode("\udce9") != b"\xe9", reason="needs a file system of bytes (POSIX)")
def test_a_cache_folder_whose_name_is_not_utf8_stores_and_reads_a_prepared_corpus(tmp_path):
    """A cache under a folder whose name is Latin-1 (a legacy home, a byte Python decodes as a surrogate): pyarrow
    took only a path of UTF-8, and every run ended in a UnicodeEncodeError traceback. The tables go through
    Python's own file handles now."""
    from toolkit.text.store import PreparedStore

    root = tmp_path / os.fsdecode(b"caf\xe9")
    store = PreparedStore(root)
    corpus = _stored_corpus()
    store.put("k" * 64, corpus)
    assert store.unwritable == ""
    back = store.get("k" * 64)
    assert back is not None and store.damaged == []
    assert back.units.equals(corpus.units) and list(back.tokens) == list(corpus.tokens)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_fifo_in_place_of_a_cache_file_is_damage_not_a_wait(tmp_path):
    """A FIFO at a token entry's place, or at a prepared corpus's meta.json, hung the run in "normalize and segment"
    until it was killed (read without a check, as no file the toolkit reads elsewhere is); a miss, or a damaged
    entry, now."""
    import json
    import signal

    from toolkit.text.store import PreparedStore

    class Stuck(BaseException):  # not an OSError (TimeoutError is one), which the cache takes for a miss
        pass

    def stuck(*_):
        raise Stuck("the cache waited on a FIFO")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(20)
    try:
        tokens = TokenCache(tmp_path)
        key = "f" * 64
        tokens.put(key, [["创新"]])
        tokens._path(key).unlink()
        os.mkfifo(tokens._path(key))
        assert tokens.get(key) is None and tokens.misses == 1
        tokens.put(key, [["创新"]])  # not the cache's to replace (a review: a FIFO was replaced by a file)
        assert "is a FIFO (named pipe)" in tokens.unwritable and tokens._path(key).is_fifo()
        signal.alarm(20)
        store = PreparedStore(tmp_path)
        store.put("p" * 64, _stored_corpus())
        meta = tmp_path / "prepared" / ("p" * 64) / "meta.json"
        meta.unlink()
        os.mkfifo(meta)
        assert store.get("p" * 64) is None and "meta.json" in store.damaged[0]
        # a token file, a FIFO in its place: listed in meta.json (its checksum read), or left out of an edited list
        # of checked files (a review; since mutation audit 23, a file read without a checksum is damage itself)
        for unlisted in (False, True):
            signal.alarm(20)
            store.put("q" * 64, _stored_corpus())
            entry = tmp_path / "prepared" / ("q" * 64)
            listed = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
            if unlisted:
                del listed["files"]["tokens/ids.npy"]
            (entry / "meta.json").write_text(json.dumps(listed), encoding="utf-8")
            (entry / "tokens" / "ids.npy").unlink()
            os.mkfifo(entry / "tokens" / "ids.npy")
            assert store.get("q" * 64) is None and "ids.npy" in store.damaged[-1]
            assert ("has no checksum" if unlisted else "FIFO") in store.damaged[-1]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_damaged_prepared_corpus_that_cannot_be_removed_is_said_to_stay(tmp_path, monkeypatch):
    """A damaged entry that could not be removed (a folder in it this user cannot empty) was called "rebuilt" at
    every run and never replaced, its removal's failure hidden; it is said to be unwritable now, so the run says
    "found (and could not replace)" as troubleshooting.md promises."""
    from toolkit.text import store as store_module
    from toolkit.text.store import PreparedStore

    store = PreparedStore(tmp_path)
    store.put("d" * 64, _stored_corpus())
    entry = tmp_path / "prepared" / ("d" * 64)
    (entry / "units.parquet").write_bytes(b"damaged")
    monkeypatch.setattr(store_module.shutil, "rmtree", lambda path, ignore_errors=False: None)
    assert store.get("d" * 64) is None and store.damaged
    assert store.unwritable == f"{entry}: the damaged entry cannot be removed"
    monkeypatch.undo()
    store.put("d" * 64, _stored_corpus())  # cannot replace what is there: still said, and nothing of its left
    assert "cannot be removed" in store.unwritable
    assert sorted(p.name for p in (tmp_path / "prepared").iterdir()) == ["d" * 64]


def test_a_cache_path_too_long_for_the_file_system_is_no_error_of_the_output_check(tmp_path):
    """$TOOLKIT_CACHE_DIR of 300 characters stopped every run with "File name too long", not saying it was the
    cache (the check of --out asked whether the cache was a file); the run goes on, warning that the cache cannot
    be written, as for any other unusable cache."""
    from toolkit.output.atomic import check_outside_inputs

    check_outside_inputs(tmp_path / "run", {"the cache folder": tmp_path / ("a" * 300)})


def test_a_cache_shared_by_a_group_is_readable_and_writable_by_the_group(tmp_path):
    """A research group's cache (umask 002): a prepared corpus's folder was the writer's alone (0700, as mkdtemp
    makes it), so every other member's run found it unreadable, took it for damaged, and could not replace it
    (a hostile pass of the caches). Every folder and file the caches write follows the umask, as open() and mkdir
    do."""
    import stat

    from toolkit.text.store import PreparedStore

    previous = os.umask(0o002)
    try:
        PreparedStore(tmp_path / "prepared").put("k" * 64, _stored_corpus())
        TokenCache(tmp_path / "tokens").put(entry_key(["推进数字经济发展"], "fp"), [["推进", "数字经济", "发展"]])
    finally:
        os.umask(previous)
    written = [p for p in tmp_path.rglob("*")]
    assert any(p.name == "meta.json" for p in written) and any(p.suffix == ".txt" for p in written)
    for path in written:
        expected = 0o775 if path.is_dir() else 0o664
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_a_file_system_that_refuses_chmod_still_stores_a_prepared_corpus_and_leaves_no_temporary_folder(tmp_path, monkeypatch):
    """Some network shares refuse a change of permissions: the entry is stored as mkdtemp made it, and no hidden
    temporary folder is left in the store (a review: the refusal returned before the clean-up, a folder a run)."""
    from toolkit.text.store import PreparedStore

    def refuse(self, mode, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(Path, "chmod", refuse)
    store = PreparedStore(tmp_path)
    store.put("k" * 64, _stored_corpus())
    assert store.unwritable == ""
    assert [p.name for p in (tmp_path / "prepared").iterdir()] == ["k" * 64]
    assert store.get("k" * 64) is not None
