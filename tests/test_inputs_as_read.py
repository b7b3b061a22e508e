"""The inputs as a run read them: the same files named by other paths are the same inputs (a sweep's runs, the
config's own hash), and a file saved after the run read it is recorded as read, not refused at the fit."""

import json
import os

import pytest

from tests.conftest import write_config
from toolkit.config import Config


def test_a_sweep_run_of_a_saved_config_keeps_its_run_id(small_corpus, tmp_path, monkeypatch):
    """A sweep run of the same inputs named by other paths (a run's saved config.toml writes them relative to its own
    folder; a copied project, absolute elsewhere) is the run already done, not fitted again; the inputs' contents
    (the fingerprint) tell runs apart."""
    from toolkit.sweeps import run_id
    from toolkit.text.preparation import load_inputs

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "study").mkdir()
    config = Config.load(write_config(tmp_path / "study" / "c.toml", small_corpus, small_corpus / "metadata.csv"))
    (tmp_path / "runs" / "x").mkdir(parents=True)
    saved = tmp_path / "runs" / "x" / "config.toml"
    saved.write_text(config.to_toml(relative_to=saved.parent), encoding="utf-8")
    again = Config.load(saved)
    first, second = load_inputs(config), load_inputs(again)
    assert first.fingerprint == second.fingerprint  # the same inputs, as the prepared key says
    assert run_id(config, first.fingerprint) == run_id(again, second.fingerprint)
    assert run_id(config, first.fingerprint) != run_id(config, "another corpus's fingerprint")


def test_the_config_hash_is_recorded_after_a_change_of_folder(tmp_path, monkeypatch):
    """The config's hash (of the bytes Config.load read) is among the inputs after a notebook changes folder, the
    config having been loaded by a path relative to the first."""
    from toolkit.text.preparation import named_file_hashes

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "c.toml").write_text('[corpus]\nname = "x"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "a")
    config = Config.load("c.toml")
    assert "the config" in named_file_hashes(config)
    os.chdir(tmp_path / "b")
    assert named_file_hashes(config).get("the config") == config.source_sha256


def test_a_word_list_saved_after_it_was_read_does_not_end_the_run(small_corpus, tmp_path, monkeypatch):
    """A word list saved after the run read it (an editor's autosave) does not end the run at its fit, after the whole
    preparation, with the API's advice to prepare again: the manifest records the list as read, its checksum that of
    the bytes read (mutation audit 37: hashing the files again at the end of the run passed a check of the name)."""
    import hashlib

    import toolkit.pipeline as pipeline
    from toolkit.errors import ToolkitError

    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    stop = tmp_path / "stop.txt"
    stop.write_text("武汉\n", encoding="utf-8")
    as_read = hashlib.sha256(stop.read_bytes()).hexdigest()
    config = write_config(
        tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", segment={"extra_stopwords": ["stop.txt"]},
        model={"ensemble": 1, "keyatm": {"iterations": 60}}, figures={"ldavis": False, "formats": []},
    )  # fmt: skip
    prepare = pipeline.prepare

    def prepare_then_save(*args, **kwargs):
        prepared = prepare(*args, **kwargs)
        stop.write_text("武汉\n示例词\n", encoding="utf-8")  # an editor's autosave, after the list was read
        return prepared

    monkeypatch.setattr(pipeline, "prepare", prepare_then_save)
    try:
        result = pipeline.run(config, tmp_path / "out")
    except ToolkitError as exc:
        pytest.fail(f"the run ended: {exc}")
    manifest = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs_sha256"]["segment.extra_stopwords[0]"] == as_read
