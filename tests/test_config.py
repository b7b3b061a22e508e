import os
import tomllib

import pytest

from toolkit.config import SECTIONS, Config, parse_override, schema
from toolkit.errors import ToolkitError

from .conftest import ROOT


def test_every_default_is_written_out_and_loads_back():
    config = Config.from_dict({"corpus": {"texts": "x"}})
    for section, options in schema().items():
        assert set(options) <= set(config[section])
    assert config["model"]["n_topics"] == schema()["model"]["n_topics"].default
    assert config["model"][config["model"]["kind"]]  # the selected kind's sub-table, with its defaults
    saved = tomllib.loads(config.to_toml())
    assert saved["model"]["n_topics"] == config["model"]["n_topics"]
    assert saved["segment"]["min_chars"] == 2
    assert Config.from_dict(saved).to_dict() == config.to_dict() | {"corpus": saved["corpus"]}


def test_each_section_is_declared_by_its_stage_module():
    import importlib

    for section, module in SECTIONS.items():
        declared = importlib.import_module(f"toolkit.{module}").OPTIONS
        assert schema()[section] is declared, section


def test_committed_configs_load_and_their_saved_copies_parse(tmp_path):
    for path in sorted((ROOT / "configs").glob("*.toml")):
        config = Config.load(path)
        assert config.path("corpus", "texts").is_dir(), path
        saved = tmp_path / "saved" / path.name
        saved.parent.mkdir(exist_ok=True)
        saved.write_text(config.to_toml(relative_to=saved.parent), encoding="utf-8")
        again = Config.load(saved)
        assert again.path("corpus", "texts") == config.path("corpus", "texts")
        assert again["sweep"]["grid"] == config["sweep"]["grid"]
        assert {k: v for k, v in again.to_dict().items() if k != "corpus"} == {
            k: v for k, v in config.to_dict().items() if k != "corpus"
        }


@pytest.mark.parametrize(
    "data, message",
    [
        ({"model": {"n_topcs": 5}}, "unknown config key model.n_topcs; did you mean 'n_topics'?"),
        ({"modle": {}}, "unknown config section [modle]; did you mean 'model'?"),
        ({"model": {"n_topics": "ten"}}, "model.n_topics must be an integer"),
        ({"model": {"n_topics": 0}}, "model.n_topics must be greater than 0"),
        ({"model": {"n_topics": True}}, "model.n_topics must be an integer"),
        ({"model": {"kind": "lsa"}}, "unknown model kind 'lsa'; choose one of"),
        ({"model": {"lda": {"pases": 3}}}, "unknown config key model.lda.pases; did you mean 'passes'?"),
        ({"model": {"lda": {"alpha": "flat"}}}, "model.lda.alpha must be one of"),
        ({"vocab": {"max_df": 1.5}}, "vocab.max_df must be a fraction in (0, 1]"),
        ({"corpus": {"year_min": 2022, "year_max": 2010}}, "corpus.year_min (2022) is after corpus.year_max (2010)"),
        ({"units": {"min_chars": 500, "max_chars": 100}}, "units.min_chars (500) must be below units.max_chars"),
        ({"segment": {"extra_stopwords": "mine.txt"}}, "segment.extra_stopwords must be a list of strings"),
        ({"segment": {"extra_stopwords": [1]}}, "segment.extra_stopwords must be a list of strings"),
        ({"sweep": {"seeds": [True]}}, "sweep.seeds must be a list of integers"),
        ({"model": {"random_state": -1}}, "model.random_state must be a seed from 0 to 4294967295"),
        ({"model": {"random_state": 2**32}}, "model.random_state must be a seed from 0 to 4294967295"),
        ({"sweep": {"seeds": [1, 2**40]}}, "each item of sweep.seeds must be a seed from 0 to 4294967295"),
        ({"trends": {"seeds": [1, 2]}}, "trends.seeds is no longer used: extra seeds are now the ensemble"),
        ({"corpus": {"name": "."}}, "corpus.name must be a plain name"),
        ({"corpus": {"name": "../elsewhere"}}, "corpus.name must be a plain name"),
        ({"corpus": {"name": "a/b"}}, "corpus.name must be a plain name"),
        ({"corpus": {"name": "政府工作报告 "}}, "corpus.name must be a plain name"),  # a space a folder name hides
        ({"corpus": {"name": " 政府工作报告"}}, "corpus.name must be a plain name"),
        ({"corpus": {"pattern": "../*.txt"}}, "corpus.pattern '../*.txt' leaves the text folder"),
        ({"corpus": {"pattern": "/etc/*"}}, "is an absolute path"),
        ({"corpus": {"pattern": ""}}, "corpus.pattern is empty"),
        ({"corpus": {"encoding": "klingon"}}, "corpus.encoding 'klingon' is no text encoding Python knows; use 'auto' or e.g."),
        ({"corpus": {"encoding": "base64"}}, "corpus.encoding 'base64' is no text encoding Python knows"),
        ({"model": {"keyatm": {"beta": float("inf")}}}, "model.keyatm.beta must be a finite number (greater than 0), not inf"),
        ({"vocab": {"max_df": float("nan")}}, "vocab.max_df must be a finite number (a fraction in (0, 1]), not nan"),
        ({"trends": {"level": 1}}, "trends.level must be a number in (0, 1), not 1"),
        ({"trends": {"level": 0.0}}, "trends.level must be a number in (0, 1), not 0.0"),
        # from a mutation audit: each end of a rule as its message states it
        ({"vocab": {"max_df": 0}}, "vocab.max_df must be a fraction in (0, 1], not 0"),
        ({"sweep": {"holdout": 1}}, "sweep.holdout must be a fraction in [0, 1), not 1"),
        # a hostile pass: a period named '' took in every document outside the named periods (its shares were the
        # corpus's), and one named all merged its passages with the whole corpus's in passages.csv
        ({"trends": {"periods": {"": [2015, 2015]}}}, "trends.periods: '' cannot name a period (the tables give units"),
        ({"trends": {"periods": {" ": [2015, 2015]}}}, "trends.periods: ' ' cannot name a period"),
        ({"trends": {"periods": {"all": [2015, 2016]}}}, "trends.periods: 'all' cannot name a period (passages.csv's"),
        # a review: a NUL in a path was a ValueError traceback where the path was resolved
        ({"corpus": {"metadata": "a\x00b.csv"}}, "config key corpus.metadata holds a NUL character, which no file"),
        ({"segment": {"extra_dictionaries": ["a\x00b.txt"]}}, "segment.extra_dictionaries holds a NUL character"),
    ],
)
def test_bad_values_are_named_with_a_fix(data, message):
    with pytest.raises(ToolkitError) as info:
        Config.from_dict(data)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "override, message",
    [
        ("model.keyatm.beta=inf", "model.keyatm.beta must be a finite number (greater than 0), not inf"),
        ("model.keyatm.keyword_prior=-inf", "model.keyatm.keyword_prior must be a finite number"),
        ("trends.level=1", "trends.level must be a number in (0, 1), not 1"),
    ],
)
def test_overrides_outside_their_range_are_refused(override, message):
    with pytest.raises(ToolkitError) as info:
        Config.load(ROOT / "configs" / "seeds.toml", [override])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_the_ends_each_rule_includes_are_accepted():
    """A mutation audit: the ends a rule's message includes are accepted (the largest seed, a max_df of 1, no
    units held out), and a number may be written as an integer where a fraction is asked for."""
    config = Config.from_dict(
        {"model": {"random_state": 2**32 - 1}, "vocab": {"max_df": 1}, "sweep": {"holdout": 0, "seeds": [0, 2**32 - 1]}}
    )
    assert config["model"]["random_state"] == 2**32 - 1 and config["vocab"]["max_df"] == 1
    assert config["sweep"]["holdout"] == 0 and config["sweep"]["seeds"] == [0, 2**32 - 1]
    # a window of one year (a second mutation audit: year_min equal to year_max was refused as "after" it)
    config = Config.from_dict({"corpus": {"year_min": 2019, "year_max": 2019}})
    assert (config["corpus"]["year_min"], config["corpus"]["year_max"]) == (2019, 2019)


def test_plain_corpus_names_are_accepted():
    for name in ("seeds", "武汉_2021", "gwr-national.v2"):
        assert Config.from_dict({"corpus": {"name": name}})["corpus"]["name"] == name


def test_old_flat_model_keys_still_work_with_a_warning(caplog):
    with caplog.at_level("WARNING", logger="toolkit"):
        config = Config.from_dict({"model": {"kind": "lda", "passes": 3, "seeded": True}})
    assert config["model"]["lda"]["passes"] == 3 and config["model"]["lda"]["seeded"] is True
    assert "passes" not in config["model"]
    assert "config key model.passes is deprecated: write it as passes in [model.lda]" in caplog.text
    # the sub-table's own value wins over the old flat key, whichever comes first (a mutation audit)
    for data in ({"lda": {"passes": 7}, "passes": 3}, {"passes": 3, "lda": {"passes": 7}}):
        assert Config.from_dict({"model": {"kind": "lda", **data}})["model"]["lda"]["passes"] == 7


def test_overrides_are_read_as_toml(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[corpus]\ntexts = "."\n[model]\nn_topics = 5\n', encoding="utf-8")
    config = Config.load(
        path,
        ["model.n_topics=20", "model.kind=nmf", "vocab.max_df=0.4", "model.nmf.max_iter=50", 'segment.extra_stopwords=["a.txt"]'],
    )
    assert config["model"]["n_topics"] == 20
    assert config["model"]["kind"] == "nmf"
    assert config["model"]["nmf"]["max_iter"] == 50
    assert config["vocab"]["max_df"] == 0.4
    assert config.paths("segment", "extra_stopwords") == [(tmp_path / "a.txt").resolve()]
    assert config["corpus"]["name"] == "c"
    assert parse_override("units.kind=document") == ("units", "kind", "document")
    with pytest.raises(ToolkitError, match="section.key=value"):
        parse_override("n_topics=5")
    # a dot in the value or dots alone are no section.key (a mutation audit looked for the dot anywhere)
    assert parse_override("vocab.max_df=0.5") == ("vocab", "max_df", 0.5)
    for text in ("n_topics=0.5", "model..=5"):
        with pytest.raises(ToolkitError, match="section.key=value"):
            parse_override(text)
    assert config.with_values(**{"model.lda.passes": 4})["model"]["lda"]["passes"] == 4


def test_a_set_key_is_read_as_toml_reads_a_dotted_key():
    """A --set value is TOML, and its key now is too: `trends.periods."十四五"` set a period named with its quotes,
    `sweep.grid."model.n_topics"` split the grid key at its dot, and `sweep.grid.model.n_topics` (the key unquoted
    on a command line) was refused as unquoted TOML in a config."""
    from toolkit.sweeps import expand_grid

    periods = Config.load(None, ['trends.periods."十四五"=[2021, 2025]', 'trends.periods."v1.0"=[2015, 2016]'])
    assert periods["trends"]["periods"] == {"十四五": [2021, 2025], "v1.0": [2015, 2016]}
    assert Config.load(None, ["trends.periods.十四五=[2021, 2025]"])["trends"]["periods"] == {"十四五": [2021, 2025]}
    for key in ('sweep.grid."model.n_topics"', "sweep.grid.model.n_topics"):
        config = Config.load(None, [f"{key}=[4, 6]", "sweep.seeds=[1]"])
        assert config["sweep"]["grid"] == {"model.n_topics": [4, 6]}, key
        assert [point["model.n_topics"] for point in expand_grid(config)] == [4, 6]
    api = Config.load(None, ["sweep.seeds=[1]"]).with_values(**{"sweep.grid.model.n_topics": [3, 5]})  # the API too
    assert api["sweep"]["grid"] == {"model.n_topics": [3, 5]}
    quoted = Config.load(None, ['model."keyatm".iterations=61', '"model".n_topics=7'])
    assert quoted["model"]["keyatm"]["iterations"] == 61 and quoted["model"]["n_topics"] == 7
    assert parse_override('trends.periods."十四五"=[2021, 2025]') == ("trends", "periods.十四五", [2021, 2025])
    # an empty quoted name is a name TOML reads as empty: refused as a config file's `"" = [..]` is, not a period
    # named with the two quotes; an empty key is said quoted (it read "unknown config key model.")
    with pytest.raises(ToolkitError, match="'' cannot name a period"):
        Config.load(None, ['trends.periods.""=[2015, 2018]'])
    with pytest.raises(ToolkitError, match=r'unknown config key model\.""'):
        Config.load(None, ['model."".x=1'])
    with pytest.raises(ToolkitError, match=r'unknown config section \[""\]; valid sections: corpus'):
        Config.load(None, ['"".x=1'])


def test_invalid_toml_missing_file_and_folder(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[model\nn_topics = 5", encoding="utf-8")
    with pytest.raises(ToolkitError, match="is not valid TOML"):
        Config.load(bad)
    # saved as GBK by an editor on a Chinese Windows: Python's codec error was the message (a hostile pass of the docs)
    bad.write_bytes('[corpus]\nname = "市级报告"\n'.encode("gbk"))
    with pytest.raises(ToolkitError) as info:
        Config.load(bad)
    assert str(info.value) == f"{bad} is not UTF-8 text (byte 18 is not UTF-8: GBK or another encoding?); save it as UTF-8"
    with pytest.raises(ToolkitError, match="config file not found"):
        Config.load(tmp_path / "absent.toml")
    with pytest.raises(ToolkitError, match="is a folder; pass the path of a .toml config file"):
        Config.load(tmp_path)


def test_input_paths_name_every_file_the_config_uses(tmp_path):
    config = Config.load(ROOT / "configs" / "gwr_national.toml")
    named = config.input_paths()
    assert named["the config"] == (ROOT / "configs" / "gwr_national.toml").resolve()
    assert named["corpus.texts"] == (ROOT / "corpus" / ".." / "corpora" / "gwr_national" / "texts").resolve()
    assert named["corpus.metadata"].name == "metadata.csv"


def test_a_resolution_that_would_draw_a_canvas_of_gigabytes_is_refused():
    """figures.dpi=100000 ended in a worker's MemoryError traceback and 5000 took 15.6 GB: at most 1200."""
    from toolkit.config import Config
    from toolkit.errors import ToolkitError

    assert Config.from_dict({"figures": {"dpi": 600}})["figures"]["dpi"] == 600
    with pytest.raises(ToolkitError, match=r"figures.dpi must be a number in \[1, 1200\], not 5000"):
        Config.from_dict({"figures": {"dpi": 5000}})


def test_effects_draws_below_fifty_are_refused():
    """The expected shares' intervals are quantiles of effects.draws draws a member: draws = 1 gave "95%" intervals
    such as [0.4318, 0.4325] (a review of the options); fewer than 50 are refused, with the rule."""
    with pytest.raises(
        ToolkitError, match=r"effects.draws must be 50 or more \(a quantile of fewer draws is no interval\), not 10"
    ):
        Config.from_dict({"effects": {"draws": 10}})
    assert Config.from_dict({"effects": {"draws": 50}})["effects"]["draws"] == 50


def test_a_home_folder_in_a_path_is_the_users_not_a_folder_named_tilde(tmp_path, monkeypatch, capsys):
    """From a hostile pass of the config: ``cache.dir = "~/toolkit-cache"`` made a folder named ``~`` beside the
    config (its help names ``~/.cache/toolkit``), and ``--out=~/res``, which no shell expands, another in the
    current folder: a later ``rm -rf ~`` to tidy up deletes the home folder. ``~`` is the home folder in both."""
    from toolkit import cli

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    config = Config.from_dict({"cache": {"dir": "~/toolkit-cache"}, "corpus": {"texts": "~/texts"}}, base_dir=tmp_path)
    assert config.path("cache", "dir") == (home / "toolkit-cache").resolve()
    assert config.path("corpus", "texts") == (home / "texts").resolve()
    (home / "c.toml").write_text('[corpus]\ntexts = "texts"\n', encoding="utf-8")
    assert cli.main(["config", "~/c.toml"]) == 0 and f'texts = "{home / "texts"}"' in capsys.readouterr().out
    assert cli.main(["run", "~/c.toml", "--out=~/res"]) == 2  # no text folder: refused, after the paths are read
    assert "home/texts" in capsys.readouterr().err and not (tmp_path / "~").exists()
    # ~name of a user who does not exist stays as written, as a shell leaves it, in the config and in
    # TOOLKIT_CACHE_DIR alike (an adversarial review: Path.expanduser's RuntimeError was a traceback)
    assert cli.main(["config", "~/c.toml", "--set", "cache.dir=~no-such-user-x/c"]) == 0
    assert f'dir = "{home / "~no-such-user-x" / "c"}"' in capsys.readouterr().out  # beside the config, as written
    from pathlib import Path

    from toolkit.text.cache import default_cache_dir

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", "~no-such-user-x/c")
    assert default_cache_dir() == Path("~no-such-user-x/c")


def test_a_folder_the_user_may_not_read_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    """From a hostile pass of the config: pathlib re-raises "permission denied" (is_dir, exists), and every command
    given a config, an --out or a lexicon in a folder the user may not read ended in a traceback."""
    import errno
    from pathlib import Path

    from toolkit import cli

    locked = tmp_path / "locked" / "x.toml"
    real = Path.is_dir

    def is_dir(self):
        if self == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    assert cli.main(["config", str(locked)]) == 2
    err = capsys.readouterr().err
    assert err == f"toolkit: error: {locked}: Permission denied\n"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("corpus.texts=data/\udcca\udcfd", "is not UTF-8"),
        ("model.n_topics=5\nmodel.kind='lda'", "a value is one line"),
        ("model.n_topics=" + "[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
    ids=["gbk-folder-name", "line-break", "deep"],
)
def test_a_set_that_cannot_be_a_setting_is_refused_in_one_line(value, said):
    """From a hostile pass of the config: a folder name of GBK bytes given with --set ran to the end of a run and
    failed writing its config.toml (a traceback); a line break dropped the rest of the value without a word (the
    next line read as a key of its own); a value nested 5,000 deep was a RecursionError."""
    with pytest.raises(ToolkitError, match=said):
        parse_override(value)


def test_a_config_file_nested_too_deeply_is_refused_in_one_line(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("[model]\nn_topics = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="nested too deeply"):
        Config.load(path)


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("武汉　报告.toml", "武汉　报告"),
        (".hidden.toml", "hidden"),
        (" lead.toml", "lead"),
        ("..toml", "corpus"),
        (". ..toml", "corpus"),  # an adversarial review: '.', which is no plain name
        (". . x.toml", "x"),
    ],
)
def test_a_corpus_named_after_its_config_file_is_a_plain_name_whatever_the_files(tmp_path, file_name, name):
    """From a hostile pass of the config: a config without corpus.name was named after its file only after the
    checks, so `toolkit config` printed it and `toolkit run` failed on a key the user never wrote (corpus.name must
    be a plain name ... not '武汉\\u3000报告'); an ideographic space, usual in Chinese file names, was called a
    control character."""
    from toolkit.text.corpus import OPTIONS

    path = tmp_path / file_name
    path.write_text('[corpus]\ntexts = "texts"\n', encoding="utf-8")
    config = Config.load(path)
    assert config["corpus"]["name"] == name
    assert OPTIONS["name"].check(name)  # the name the run checks again
    assert Config.load(path, [f'corpus.name="{name}"'])["corpus"]["name"] == name


def test_an_unknown_key_given_with_set_is_said_as_the_sets_not_the_files():
    """From a hostile pass of the config: ``--set model.nokey=1`` said "configs/seeds.toml: unknown config key
    model.nokey", sending the user to a file that has no such line."""
    path = ROOT / "configs" / "seeds.toml"
    with pytest.raises(ToolkitError, match=r"^--set model.nokey=1: unknown config key model.nokey"):
        Config.load(path, ["model.nokey=1"])
    with pytest.raises(ToolkitError, match=r"^--set model.lda.nokey=3: unknown config key model.lda.nokey"):
        Config.load(path, ["model.lda.nokey=3"])
    with pytest.raises(ToolkitError, match=r"^--set nosec.x=1: unknown config section \[nosec\]"):
        Config.load(path, ["nosec.x=1"])
    assert Config.load(path, ["model.lda.passes=3"])["model"]["lda"]["passes"] == 3


def test_groups_to_compare_may_be_numbers_as_tiers_are():
    """From a hostile pass of many groups: trends.compare = [3, 1] (city tiers) was refused as "must be a list of
    strings", where effects.reference = {tier = 2} takes a number; a float or a true is still refused."""
    config = Config.load(ROOT / "configs" / "seeds.toml", ['trends.by="tier"', "trends.compare=[3, 1]"])
    assert config["trends"]["compare"] == [3, 1]
    for bad in ("[3.5, 1]", "[true, 1]"):
        with pytest.raises(ToolkitError, match="trends.compare must be a list of strings or integers"):
            Config.load(ROOT / "configs" / "seeds.toml", ['trends.by="tier"', f"trends.compare={bad}"])


def test_a_config_saved_by_the_previous_release_still_loads(tmp_path):
    """Every run's config.toml written before 035941d holds `scheduler = ""` under [sweep] (defaults included); the
    README repeats a run with it and validate export reads it to protect the run's inputs."""
    (tmp_path / "c.toml").write_text('[sweep]\nholdout = 0.1\nn_jobs = 0\nscheduler = ""\n', encoding="utf-8")
    assert "scheduler" not in Config.load(tmp_path / "c.toml")["sweep"]
    (tmp_path / "c.toml").write_text('[sweep]\nscheduler = "tcp://10.0.0.5:8786"\n', encoding="utf-8")
    with pytest.raises(ToolkitError, match="config key sweep.scheduler is no longer used"):
        Config.load(tmp_path / "c.toml")


@pytest.mark.skipif(os.fsencode("\udce9") != b"\xe9", reason="needs a file system of bytes (POSIX)")
def test_a_config_in_a_folder_whose_name_is_not_utf8_is_one_line_of_error(tmp_path):
    """A config under a folder named in Latin-1 or GBK: its paths, resolved from the folder, reached report.html's
    font (a UnicodeEncodeError traceback at the run's end), and a sweep saved them escaped into a config.toml that
    TOML refused to read back (a review). Refused on loading now, as --set and --out of such names are."""
    folder = tmp_path / os.fsdecode(b"d\xe9p")
    folder.mkdir()
    (folder / "cfg.toml").write_text('[corpus]\ntexts = "texts"\n', encoding="utf-8")
    with pytest.raises(ToolkitError) as info:
        Config.load(folder / "cfg.toml")
    assert "d\\xe9p/cfg.toml is not UTF-8 (a name saved in GBK or another encoding?)" in str(info.value)
    # reached through a link of a UTF-8 name, as the config or as a path it names: a traceback at config.toml's
    # writing (an adversarial review of that fix)
    (tmp_path / "link").symlink_to(folder)
    with pytest.raises(ToolkitError) as info:
        Config.load(tmp_path / "link" / "cfg.toml")
    assert f"the config's path {tmp_path}/link/cfg.toml leads to {tmp_path}/d\\xe9p/cfg.toml, which is not" in str(info.value)
    for key in ("corpus.texts", "corpus.metadata", "cache.dir", "themes.lexicon"):
        with pytest.raises(ToolkitError) as info:
            Config.load(ROOT / "configs" / "seeds.toml", [f"{key}={tmp_path / 'link' / 'cfg.toml'}"])
        assert f"{key}: {tmp_path}/d\\xe9p/cfg.toml is not UTF-8" in str(info.value)
    with pytest.raises(ToolkitError, match="cache.dir: .* is not UTF-8"):
        Config.from_dict({"cache": {"dir": "link"}}, base_dir=tmp_path)
