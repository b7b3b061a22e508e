"""From mutation audit 22 of config.py and options.py: each test here failed on a change of the code that every
other test let through. Loading a config file (a byte-order mark, a corpus name of its own, a loop of links), what a
notebook may pass for a config, its overrides and its tables (one line of error, never a traceback), keys retired or
moved (still checked), paths of lists under the home folder, the config's inputs, and the rules each option states:
its type and range in words, a plain name's characters, the first bad item of a list, a function's argument named
as an argument. The expected values follow from the docstrings and docs/configuration.md."""

import hashlib
import os

import numpy as np
import pytest

from toolkit.config import Config, parse_override
from toolkit.errors import ToolkitError
from toolkit.options import check_arguments

from .conftest import ROOT

SEEDS_CONFIG = ROOT / "configs" / "seeds.toml"


def _refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ToolkitError) as info:
        call(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message  # one line
    return message


# ----- a config file ----------------------------------------------------------------------------------------------


def test_a_config_saved_with_a_byte_order_mark_loads(tmp_path):
    """Notepad on a Chinese Windows saves UTF-8 with a byte-order mark; the config's first section was then no
    table header TOML knows (read_text_file drops the mark from every other file a config names)."""
    path = tmp_path / "武汉.toml"
    path.write_bytes('[corpus]\nname = "武汉报告"\n\n[model]\nn_topics = 7\n'.encode("utf-8-sig"))
    config = Config.load(path)
    assert config["model"]["n_topics"] == 7 and config["corpus"]["name"] == "武汉报告"
    assert config.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()  # the bytes as read, mark included


def test_a_corpus_name_written_in_the_config_is_kept_whatever_the_files_name(tmp_path):
    """corpus.name defaults to the config's file name: only when it is not written (docs/configuration.md)."""
    path = tmp_path / "seeds_copy.toml"
    path.write_text('[corpus]\nname = "武汉"\ntexts = "texts"\n', encoding="utf-8")
    assert Config.load(path)["corpus"]["name"] == "武汉"
    assert Config.load(path, ['corpus.name=""'])["corpus"]["name"] == "seeds_copy"  # "" is the file's name again


def test_a_loop_of_links_for_a_config_is_said_as_unreadable_not_as_missing(tmp_path):
    """A link that leads to itself is there: the error of its reading says what is wrong, not "not found"."""
    (tmp_path / "a.toml").symlink_to(tmp_path / "b.toml")
    (tmp_path / "b.toml").symlink_to(tmp_path / "a.toml")
    message = _refusal(Config.load, tmp_path / "a.toml")
    assert message.startswith(f"cannot read {tmp_path / 'a.toml'}: ") and "not found" not in message


def test_overrides_change_the_values_not_the_record_of_the_file_read(tmp_path):
    """with_overrides keeps the hash of the config file as read (the manifest's record of it), as with_values does."""
    path = tmp_path / "c.toml"
    path.write_text('[corpus]\ntexts = "texts"\n[model]\nn_topics = 5\n', encoding="utf-8")
    changed = Config.load(path).with_overrides(["model.n_topics=9"])
    assert changed["model"]["n_topics"] == 9
    assert changed.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert changed.input_paths()["the config"] == path.resolve()


# ----- what a notebook passes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (["corpus"], "<dict>: a config is a table of sections, not list"),
        ({"model": 5}, "<dict>: [model] must be a table of keys, not 5"),
        # a sub-table's name given a value, not a table
        ({"model": {"lda": 5}}, "model.lda"),
    ],
)
def test_a_table_of_the_wrong_shape_is_one_line_of_error(data, message):
    assert message in _refusal(Config.from_dict, data)


def test_a_sub_table_given_a_value_is_said_to_be_a_table():
    """``lda = 5`` under [model] (or --set model.lda=5) names the sub-table [model.lda] of a shipped kind: the error
    says "unknown config key model.lda; valid keys: kind, n_topics, ..." (a key the docs name, and a list without
    it), where it should say that model.lda is a table of the lda kind's keys."""
    message = _refusal(Config.from_dict, {"model": {"lda": 5}})
    assert "unknown config key" not in message and "model.lda" in message and "table" in message


def test_overrides_that_are_not_strings_are_refused_in_one_line():
    """A list holding a number (a notebook's [f"model.n_topics={k}", k]) is refused as overrides are described."""
    message = _refusal(Config.load, SEEDS_CONFIG, ["model.n_topics=18", 18])
    assert message.startswith("overrides must be a list of section.key=value strings")


def test_a_set_into_a_section_the_file_gives_a_value_is_one_line(tmp_path):
    """``model = 5`` at the top of a file, then --set model.n_topics=3: the file's [model] is no table."""
    path = tmp_path / "c.toml"
    path.write_text("model = 5\n", encoding="utf-8")
    assert _refusal(Config.load, path, ["model.n_topics=3"]) == f"--set model.n_topics=3: [model] in {path} is not a table"


def test_a_key_below_a_value_is_one_line():
    config = Config.load(SEEDS_CONFIG)
    message = _refusal(config.with_values, **{"model.n_topics.x": 5})
    assert message == "model.n_topics.x: n_topics is a value, not a table"


@pytest.mark.parametrize("text", [".n_topics=5", "model.n_topics=5\rmodel.kind=lda", "corpus.name=武汉\r"])
def test_a_set_without_a_section_or_with_a_carriage_return_is_refused(text):
    """A section is named before the dot; a carriage return ends a line as a line break does (a file of Windows
    line ends pasted into --set)."""
    message = _refusal(parse_override, text)
    assert "section.key=value" in message or "a value is one line" in message


def test_the_defaults_of_a_config_are_its_own_copy():
    """A notebook that appends to a config's list (its stopword files) changes that config only: the option's
    default, which every later config starts from, stays empty."""
    config = Config.from_dict({})
    config["segment"]["extra_stopwords"].append("my_stopwords.txt")
    config["trends"]["periods"]["十三五"] = [2016, 2020]
    fresh = Config.from_dict({})
    assert fresh["segment"]["extra_stopwords"] == [] and fresh["trends"]["periods"] == {}


def test_a_config_of_a_table_keeps_its_folder_when_the_notebook_changes_its_own(tmp_path, monkeypatch):
    """Paths are relative to the folder given as base_dir ("." the current folder when the config is made), not
    to whatever the current folder is later."""
    (tmp_path / "project").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    config = Config.from_dict({"corpus": {"texts": "texts"}})
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert config.path("corpus", "texts") == (tmp_path / "project" / "texts").resolve()
    assert config.with_values(**{"model.n_topics": 8}).path("corpus", "texts") == (tmp_path / "project" / "texts").resolve()


# ----- keys retired or moved ----------------------------------------------------------------------------------


def test_a_retired_key_at_an_empty_default_of_any_kind_still_loads():
    """trends.seeds (a list) as a config.toml of an earlier release saved it: at its default, []."""
    config = Config.from_dict({"trends": {"seeds": []}, "sweep": {"scheduler": ""}})
    assert "seeds" not in config["trends"] and "scheduler" not in config["sweep"]
    with pytest.raises(ToolkitError, match="trends.seeds is no longer used"):
        Config.from_dict({"trends": {"seeds": [1, 2]}})


def test_an_old_flat_model_key_is_checked_as_its_new_place_is():
    message = _refusal(Config.from_dict, {"model": {"kind": "lda", "passes": "many"}})
    assert message.startswith("config key model.lda.passes must be an integer, not 'many'")
    assert _refusal(Config.from_dict, {"model": {"kind": "nmf", "max_iter": 0}}).startswith(
        "config key model.nmf.max_iter must be greater than 0"
    )


# ----- paths ---------------------------------------------------------------------------------------------------


def test_a_home_folder_in_a_list_of_paths_is_the_users(tmp_path, monkeypatch):
    """``~`` is the home folder in every path key, lists of files (stopwords, dictionaries) too."""
    monkeypatch.setenv("HOME", str(tmp_path))
    config = Config.from_dict({"segment": {"extra_stopwords": ["~/stopwords.txt"]}}, base_dir=tmp_path / "configs")
    assert config.paths("segment", "extra_stopwords") == [(tmp_path / "stopwords.txt").resolve()]
    assert config.input_paths()["segment.extra_stopwords[0]"] == (tmp_path / "stopwords.txt").resolve()


def test_a_config_of_no_file_names_no_config_among_its_inputs(tmp_path):
    config = Config.from_dict({"corpus": {"texts": "texts"}}, base_dir=tmp_path)
    named = config.input_paths()
    assert "the config" not in named and named["corpus.texts"] == (tmp_path / "texts").resolve()
    assert "the config" in Config.load(SEEDS_CONFIG).input_paths()


# ----- the rules of an option ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        ".hidden",  # a hidden folder under runs/
        "武汉\\2021",  # a folder separator on Windows
        "武汉\x07报告",  # a control character
        "武汉\u200b报告",  # a zero-width space (format): two names that look the same
        "报告\u202e",  # a right-to-left override
        "武汉\u2028报告",  # a line separator
    ],
)
def test_a_corpus_name_that_is_no_plain_folder_name_is_refused(name):
    """docs/configuration.md: "a plain name (no '/', '\\', leading '.', leading or trailing space, or control
    characters)"; the name is the folder of the corpus's runs."""
    assert "corpus.name must be a plain name" in _refusal(Config.from_dict, {"corpus": {"name": name}})


@pytest.mark.parametrize(
    "stem, name",
    [("武汉 ", "武汉"), ("武汉\\报告", "武汉_报告"), ("武汉\u200b报告", "武汉_报告"), ("武汉\x07", "武汉_")],
)
def test_a_corpus_named_after_its_config_file_drops_what_no_plain_name_holds(tmp_path, stem, name):
    path = tmp_path / f"{stem}.toml"
    path.write_text('[corpus]\ntexts = "texts"\n', encoding="utf-8")
    assert Config.load(path)["corpus"]["name"] == name


def test_a_list_breaking_its_rule_names_its_first_bad_item():
    message = _refusal(Config.from_dict, {"sweep": {"seeds": [1, 2**40, -1]}})
    assert f"each item of sweep.seeds must be a seed from 0 to 4294967295, not {2**40};" in message


def test_a_type_of_two_kinds_is_said_with_both():
    """vocab.max_df takes a number or an integer (docs/configuration.md says so); the error says both."""
    assert "vocab.max_df must be a number or an integer, not 'half'" in _refusal(Config.from_dict, {"vocab": {"max_df": "half"}})


def test_the_nul_check_of_paths_leaves_other_keys_to_their_own_rule():
    """Only a path is refused for a NUL character (no file name holds one); another key says its own rule."""
    message = _refusal(Config.from_dict, {"figures": {"language": "zh\x00"}})
    assert "figures.language must be one of" in message and "file or folder name" not in message


def test_a_functions_argument_is_checked_as_an_argument_and_a_numpy_number_as_its_value():
    """check_arguments says the function and its argument, not a config key; a numpy integer from a table is the
    integer it holds (np.int64 is no int), and is refused when it breaks the rule."""
    from toolkit.text.units import OPTIONS, split_units

    check_arguments("split_units", OPTIONS, max_chars=np.int64(400), min_chars=np.int64(40))
    message = _refusal(check_arguments, "split_units", OPTIONS, max_chars=np.int64(0))
    assert message.startswith("split_units: argument max_chars must be greater than 0, not 0")
    text = (ROOT / "seeds" / sorted(os.listdir(ROOT / "seeds"))[0]).read_text(encoding="utf-8")
    assert split_units(text, max_chars=np.int64(300), min_chars=np.int64(40)) == split_units(text, max_chars=300, min_chars=40)
    assert _refusal(split_units, text, max_chars=-5).startswith("split_units: argument max_chars must be greater than 0")


def test_the_ends_of_a_number_from_0_to_1_are_accepted():
    """model.keyatm.absent_prior = 1 is "as in keyATM" (its help), and corpus.near_duplicates = 1 flags identical
    texts only; both ends of "a number from 0 to 1" are in it, and a number above 1 is not."""
    config = Config.from_dict({"model": {"keyatm": {"absent_prior": 1}}, "corpus": {"near_duplicates": 1}})
    assert config["model"]["keyatm"]["absent_prior"] == 1 and config["corpus"]["near_duplicates"] == 1
    config = Config.from_dict({"model": {"keyatm": {"absent_prior": 0}}, "evidence": {"min_share": 0}})
    assert config["model"]["keyatm"]["absent_prior"] == 0 and config["evidence"]["min_share"] == 0
    message = _refusal(Config.from_dict, {"evidence": {"min_share": 1.5}})
    assert "evidence.min_share must be a number from 0 to 1, not 1.5" in message


# ----- a hostile pass of the CLI (twenty-ninth session) ---------------------------------------------------------


def test_a_sub_table_given_whole_by_set_keeps_the_files_other_keys(tmp_path):
    """--set 'model.keyatm={iterations=60}' reset the file's model.keyatm.samples and thin to their defaults, in
    silence; --grid and with_values kept them."""
    path = tmp_path / "a.toml"
    path.write_text('[corpus]\ntexts = "."\n[model.keyatm]\nsamples = 10\nthin = 2\n', encoding="utf-8")
    keyatm = Config.load(path, ["model.keyatm={iterations=60}"])["model"]["keyatm"]
    assert (keyatm["iterations"], keyatm["samples"], keyatm["thin"]) == (60, 10, 2)
    periods = Config.load(path, ['trends.periods={"十三五" = [2016, 2020]}'])["trends"]["periods"]
    assert periods == {"十三五": [2016, 2020]}  # a table of the user's is the value given, not merged


def test_a_deprecated_key_set_or_gridded_is_the_value_used_and_one_a_file_overrides_is_said(tmp_path, caplog):
    """--set model.passes=3 and a grid over model.passes lost to the file's [model.lda] passes = 5 in silence (the
    sweep labelled its runs passes=1 and 2, fitted with 5)."""
    import logging

    path = tmp_path / "b.toml"
    path.write_text('[corpus]\ntexts = "."\n[model]\nkind = "lda"\n[model.lda]\npasses = 5\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        assert Config.load(path, ["model.passes=3"])["model"]["lda"]["passes"] == 3
    assert "config key model.passes is deprecated: write it as model.lda.passes" in caplog.text
    assert Config.load(path).with_values(**{"model.passes": 2})["model"]["lda"]["passes"] == 2
    both = tmp_path / "c.toml"
    both.write_text('[corpus]\ntexts = "."\n[model]\nkind = "lda"\npasses = 3\n[model.lda]\npasses = 5\n', encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        assert Config.load(both)["model"]["lda"]["passes"] == 5
    assert "config key model.passes = 3 is not used: [model.lda] sets passes = 5" in caplog.text


def test_a_set_value_that_is_no_toml_is_said_how_to_write():
    """--set 'trends.compare=[武汉市, 安庆]' (no quotes) was refused as "must be a list ..., not '[武汉市, 安庆]'", and
    corpus.name=2021 as "must be a string, not 2021", neither saying what to write."""
    with pytest.raises(
        ToolkitError, match=r"""not '\[武汉市, 安庆\]' \(not read as TOML: write each text in quotes, as \["武汉市", "安庆"\]\)"""
    ):
        Config.load(SEEDS_CONFIG, ["trends.compare=[武汉市, 安庆]"])
    with pytest.raises(
        ToolkitError, match=r"""must be a table, not '\{十三五=\[2016,2020\]\}' \(not read as TOML: .*\{"十三五" = """
    ):
        Config.load(SEEDS_CONFIG, ["trends.periods={十三五=[2016,2020]}"])
    with pytest.raises(ToolkitError, match=r'corpus.name must be a string, not 2021 \(write it in quotes, as "2021"\)'):
        Config.load(SEEDS_CONFIG, ["corpus.name=2021"])
    assert Config.load(SEEDS_CONFIG, ["corpus.name=[draft]"])["corpus"]["name"] == "[draft]"  # a text is a text
    assert Config.load(SEEDS_CONFIG, ['trends.compare=["武汉市", "安庆"]'])["trends"]["compare"] == ["武汉市", "安庆"]
