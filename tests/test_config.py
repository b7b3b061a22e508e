import pytest

from toolkit.config import SCHEMA, Config, parse_override
from toolkit.errors import ToolkitError

from .conftest import ROOT


def test_every_default_is_written_out():
    config = Config.from_dict({"corpus": {"texts": "x"}})
    for section, options in SCHEMA.items():
        assert set(config[section]) == set(options)
    assert config["model"]["n_topics"] == SCHEMA["model"]["n_topics"].default
    assert "[model]\n" in config.to_toml() and "n_topics = 10" in config.to_toml()


def test_committed_configs_load():
    for path in sorted((ROOT / "configs").glob("*.toml")):
        config = Config.load(path)
        assert config.path("corpus", "texts").is_dir(), path


@pytest.mark.parametrize("data, message", [
    ({"model": {"n_topcs": 5}}, "unknown config key model.n_topcs; did you mean 'n_topics'?"),
    ({"modle": {}}, "unknown config section [modle]; did you mean 'model'?"),
    ({"model": {"n_topics": "ten"}}, "model.n_topics must be an integer"),
    ({"model": {"n_topics": 0}}, "model.n_topics must be greater than 0"),
    ({"model": {"n_topics": True}}, "model.n_topics must be an integer"),
    ({"model": {"kind": "lsa"}}, "model.kind must be one of 'lda', 'nmf'"),
    ({"vocab": {"max_df": 1.5}}, "vocab.max_df must be a fraction in (0, 1]"),
    ({"corpus": {"year_min": 2022, "year_max": 2010}}, "corpus.year_min (2022) is after corpus.year_max (2010)"),
    ({"units": {"min_chars": 500, "max_chars": 100}}, "units.min_chars (500) must be below units.max_chars"),
    ({"model": {"kind": "nmf", "seeded": True}}, "model.seeded works with model.kind = 'lda'"),
    ({"segment": {"extra_stopwords": "mine.txt"}}, "segment.extra_stopwords must be a list of strings"),
    ({"segment": {"extra_stopwords": [1]}}, "segment.extra_stopwords must be a list of strings"),
    ({"trends": {"seeds": ["1"]}}, "trends.seeds must be a list of integers"),
    ({"sweep": {"seeds": [True]}}, "sweep.seeds must be a list of integers"),
])
def test_bad_values_are_named_with_a_fix(data, message):
    with pytest.raises(ToolkitError) as info:
        Config.from_dict(data)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_overrides_are_read_as_toml(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[corpus]\ntexts = "."\n[model]\nn_topics = 5\n', encoding="utf-8")
    config = Config.load(path, ["model.n_topics=20", "model.kind=nmf", "vocab.max_df=0.4", "trends.seeds=[1, 2]",
                                'segment.extra_stopwords=["a.txt"]'])
    assert config["model"]["n_topics"] == 20
    assert config["model"]["kind"] == "nmf"
    assert config["vocab"]["max_df"] == 0.4
    assert config["trends"]["seeds"] == [1, 2]
    assert config.paths("segment", "extra_stopwords") == [(tmp_path / "a.txt").resolve()]
    assert config["corpus"]["name"] == "c"
    assert parse_override("units.kind=document") == ("units", "kind", "document")
    with pytest.raises(ToolkitError, match="section.key=value"):
        parse_override("n_topics=5")


def test_invalid_toml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[model\nn_topics = 5", encoding="utf-8")
    with pytest.raises(ToolkitError, match="is not valid TOML"):
        Config.load(bad)
    with pytest.raises(ToolkitError, match="config file not found"):
        Config.load(tmp_path / "absent.toml")
