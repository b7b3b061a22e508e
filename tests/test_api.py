"""The Python API as a notebook uses it, in one long-lived process: arguments taken as a user writes them, and the
user's own settings (random generator, loggers, pandas options) left as they were."""

import logging
import random

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.errors import ToolkitError

from .conftest import NO_FIGURES, SEEDS_CONFIG


def test_a_config_object_takes_the_overrides_given_to_run(tmp_path):
    """run(config, out, overrides=[...]) with a Config ran the config as it was, the overrides silently ignored."""
    config = toolkit.Config.load(SEEDS_CONFIG, NO_FIGURES)
    result = toolkit.run(config, tmp_path / "out", overrides=["model.kind=nmf", "model.n_topics=7"])
    assert result.manifest["config"]["model"]["kind"] == "nmf" and result.manifest["config"]["model"]["n_topics"] == 7
    assert config["model"]["kind"] == "keyatm"  # the user's config is not changed


def test_a_string_where_a_list_is_expected_is_refused_or_taken_whole():
    """Config.load(path, "model.n_topics=18") was read a character at a time ("not 'm'"); count_terms(path, "创新")
    counted 创 and 新."""
    with pytest.raises(ToolkitError, match=r"overrides must be a list of section.key=value strings, such as \['model"):
        toolkit.Config.load(SEEDS_CONFIG, "model.n_topics=18")
    counts = toolkit.count_terms(SEEDS_CONFIG, "创新", by="year")
    assert set(counts["term"]) == {"创新"} and counts["count"].sum() > 0
    pd.testing.assert_frame_equal(counts, toolkit.count_terms(SEEDS_CONFIG, ["创新"], by=("year",)))


def test_theme_shares_refuse_labels_that_do_not_fit_the_topics():
    doc_topic = np.full((3, 4), 0.25)
    with pytest.raises(ToolkitError, match="3 topic labels for 4 topics"):
        toolkit.theme_shares(doc_topic, ["ecology", "other", "other"], ["ecology"])
    with pytest.raises(ToolkitError, match="topics labelled 'digital_economy', which is no theme"):
        toolkit.theme_shares(doc_topic, ["ecology", "digital_economy", "other", "other"], ["ecology"])
    shares = toolkit.theme_shares(doc_topic, ["ecology", "ecology", "other", "other"], ["ecology"])
    assert shares.sum(axis=1).tolist() == [1.0, 1.0, 1.0]


def test_an_empty_change_table_is_said_not_an_index_error(tmp_path):
    from toolkit.analysis.lexicon import load_lexicon

    columns = ["theme", "from", "to", "change", "change_low", "change_high", "simultaneous_low", "simultaneous_high", "clear"]
    with pytest.raises(ToolkitError, match="the change table is empty"):
        toolkit.plot_change(pd.DataFrame(columns=columns), load_lexicon())


def test_a_run_leaves_the_users_random_generator_loggers_and_pandas_options_alone(fast_seeds_run, tmp_path, monkeypatch):
    """A run drew from Python's global random generator (datasketch's index, cache hits too), set the segmenter's
    logger to WARNING over the user's level, and read its cache with the user's parquet engine."""
    import shutil

    shutil.copytree(fast_seeds_run.out_dir.parent / "cache", tmp_path / "cache")  # read back whole: a cache hit
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    config = toolkit.Config.load(SEEDS_CONFIG, NO_FIGURES)
    random.seed(0)
    expected = [random.random() for _ in range(3)]
    random.seed(0)
    logging.getLogger("jieba_fast_dat").setLevel(logging.ERROR)
    with pd.option_context("io.parquet.engine", "fastparquet"):  # not installed: the cache names its engine
        toolkit.run(config, tmp_path / "out")
    try:
        assert [random.random() for _ in range(3)] == expected
        assert logging.getLogger("jieba_fast_dat").level == logging.ERROR
    finally:
        logging.getLogger("jieba_fast_dat").setLevel(logging.NOTSET)


def test_a_runs_warnings_are_its_own_whatever_the_loggers_level(tmp_path):
    """With the toolkit's logger set to ERROR by the user, a run's warnings were missing from its manifest and
    report.html (and not printed, as the user asked); a warning another thread logged during a run was taken for
    the run's."""
    import threading

    from toolkit.progress import collected_warnings

    ours = logging.getLogger("toolkit")
    heard = []
    handler = logging.Handler()
    handler.emit = heard.append
    ours.addHandler(handler)
    ours.setLevel(logging.ERROR)
    try:
        config = toolkit.Config.load(SEEDS_CONFIG, [*NO_FIGURES, "trends.change_from=2016", "trends.bootstrap=20"])
        result = toolkit.run(config, tmp_path / "out")
        assert any("trends.change_from = 2016" in w for w in result.manifest["warnings"]), result.manifest["warnings"]
        assert "trends.change_from = 2016" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
        assert not [r for r in heard if r.levelno < logging.ERROR] and ours.level == logging.ERROR
    finally:
        ours.removeHandler(handler)
        ours.setLevel(logging.NOTSET)
    with collected_warnings() as warned:
        ours.warning("this run's")
        other = threading.Thread(target=ours.warning, args=("another run's, in another thread",))
        other.start()
        other.join()
    assert warned == ["this run's"]


def test_a_fit_refuses_a_config_that_prepares_another_corpus(tmp_path):
    """prepare(config) then fit(prepared, other) with another lexicon or unit size: the fit was of the first
    corpus, with the first lexicon's themes, labelled as the second config's."""
    import shutil

    from toolkit.resources import data_path

    config = toolkit.Config.load(SEEDS_CONFIG, ["model.ensemble=1", "model.keyatm.iterations=20"])
    prepared = toolkit.prepare(config)
    lexicon = tmp_path / "lexicon.toml"
    shutil.copy(data_path("lexicon.toml"), lexicon)
    for changed, key in ((f"themes.lexicon='{lexicon}'", "themes.lexicon"), ("units.max_chars=100", "units.max_chars")):
        with pytest.raises(ToolkitError, match=f"the corpus was prepared with {key} = .* prepare it with this config"):
            toolkit.fit(prepared, config.with_overrides([changed]))
    fitted = toolkit.fit(prepared, config.with_overrides(["model.keyatm.iterations=30"]))  # the model's own settings: fine
    assert len(fitted.shares) == len(prepared.units)
