"""Sweeps on the seed corpus: metrics, resumption, independence from the number of workers, Dask."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from toolkit.config import Config
from toolkit.errors import ToolkitError
from toolkit.sweeps import expand_grid, parse_grid_option, run_id, sweep

from .conftest import ROOT

GRID = {"model.kind": ["lda", "nmf"], "model.n_topics": [4, 6]}
METRICS = ["c_npmi", "c_v", "u_mass", "diversity", "stability"]


def seeds_config(**extra):
    return Config.load(
        ROOT / "configs" / "seeds.toml",
        ["model.lda.passes=3", "sweep.seeds=[1, 2]", "sweep.grid={}", *[f"{k}={v}" for k, v in extra.items()]],
    )


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory):
    return sweep(seeds_config(), tmp_path_factory.mktemp("sweep") / "s", grid=GRID, n_jobs=2)


@pytest.mark.parametrize("where", ["t.csv", "runs/{run}/t.csv"])
def test_a_table_of_terms_is_not_written_into_a_sweeps_folder(local_sweep, where):
    """A hostile pass: `terms --out` wrote its table, and a marker beside it, into a sweep's folder and into one of
    its runs, against its own help ("never inside a run's or a sweep's folder")."""
    from .conftest import cli

    run = next(p.name for p in (local_sweep.out_dir / "runs").iterdir() if p.is_dir())
    out = local_sweep.out_dir / where.format(run=run)
    before = sorted(p.name for p in out.parent.iterdir())
    result = cli("terms", ROOT / "configs" / "seeds.toml", "创新", "--out", out)
    assert result.returncode == 2 and "is inside" in result.stderr and "choose a file elsewhere" in result.stderr, result.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == before  # neither the table nor a marker of it


def test_sweep_table_and_outputs(local_sweep):
    table = local_sweep.table
    assert len(table) == 8 and local_sweep.fitted == 8
    assert set(table["kind"]) == {"lda", "nmf"} and set(table["n_topics"]) == {4, 6}
    assert table[METRICS].notna().all().all()
    assert table.loc[table["kind"] == "lda", "perplexity"].gt(1).all()
    assert table.loc[table["kind"] == "nmf", "reconstruction_error"].gt(0).all()
    assert table["diversity"].between(0, 1).all() and table["stability"].between(0, 1).all()
    summary = local_sweep.out_dir / "summary"
    written = pd.read_csv(summary / "sweep.csv")
    assert len(written) == 8 and "run_id" in written and "c_npmi" in written and "fit_seconds" not in written
    timings = pd.read_csv(summary / "timings.csv")  # the fits' times apart: they differ between two sweeps
    assert timings["run_id"].tolist() == written["run_id"].tolist() and timings["fit_seconds"].gt(0).all()
    assert (summary / "sweep.png").stat().st_size > 10_000
    text = (summary / "recommendation.md").read_text(encoding="utf-8")
    assert "highest mean NPMI" in text and "LDA" in text and "NMF" in text
    best = table.groupby(["kind", "n_topics"])["c_npmi"].mean().idxmax()
    assert f"**{best[0].upper()} with {best[1]} topics**" in text


def test_second_start_does_nothing_and_an_interrupted_sweep_resumes(local_sweep):
    again = sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=2)
    assert again.fitted == 0
    pd.testing.assert_frame_equal(again.table, local_sweep.table)
    victim = local_sweep.out_dir / "runs" / local_sweep.table["run_id"][3] / "metrics.json"
    victim.unlink()  # as if the sweep had been killed before this run finished
    resumed = sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=1)
    assert resumed.fitted == 1
    pd.testing.assert_frame_equal(resumed.table, local_sweep.table)


def test_results_do_not_depend_on_the_number_of_workers(local_sweep, tmp_path):
    one = sweep(seeds_config(), tmp_path / "one", grid=GRID, n_jobs=1)
    pd.testing.assert_frame_equal(one.table, local_sweep.table)
    # the same bytes but for the timings (sweep.csv held each fit's seconds, found by a review)
    for name in ("sweep.csv", "recommendation.md", "sweep.png"):
        assert (one.out_dir / "summary" / name).read_bytes() == (local_sweep.out_dir / "summary" / name).read_bytes(), name
    for rid in one.table["run_id"]:
        for name in ("metrics.json", "topics.json"):
            assert (one.out_dir / "runs" / rid / name).read_bytes() == (local_sweep.out_dir / "runs" / rid / name).read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        lambda run: (run / "metrics.json").write_text('{"run_id": "', encoding="utf-8"),  # cut off
        lambda run: (run / "metrics.json").write_bytes(b""),
        lambda run: (run / "metrics.json").write_text('{"备注": "手工改过"}', encoding="utf-8"),  # valid JSON, no metrics
        lambda run: (run / "topics.json").write_bytes("创新 发展".encode("gbk")),
        # a finished run's score edited, whole and valid: it was read back into sweep.csv and the recommendation
        lambda run: (run / "metrics.json").write_text(
            json.dumps({**json.loads((run / "metrics.json").read_text(encoding="utf-8")), "c_npmi": 0.999}), encoding="utf-8"
        ),
        # a run to fit again (its metrics.json gone) whose config.toml was annotated
        lambda run: ((run / "config.toml").write_text("# 我的笔记\n", encoding="utf-8"), (run / "metrics.json").unlink()),
    ],
)
def test_a_run_file_changed_since_the_sweep_wrote_it_is_not_written_over(local_sweep, damage):
    """A hostile pass: a resumed sweep fitted such a run again and wrote over its files, a hand-annotated
    config.toml or topics.json included (what the sweep wrote is listed with its SHA-256 in the run folder's
    marker): the sweep now stops with one line naming the file, which is left as it is."""
    victim = local_sweep.out_dir / "runs" / local_sweep.table["run_id"][5]
    saved = {p.name: p.read_bytes() for p in victim.iterdir()}
    damage(victim)
    changed = {p.name: p.read_bytes() for p in victim.iterdir()}
    try:  # refused before any fit
        with pytest.raises(ToolkitError, match=r"exists and the toolkit did not write it \(or it was edited since\)"):
            sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=1)
        assert {p.name: p.read_bytes() for p in victim.iterdir()} == changed
    finally:
        for name, data in saved.items():
            (victim / name).write_bytes(data)


def test_a_run_missing_a_file_is_fitted_again_and_a_linked_run_folder_is_refused(local_sweep, tmp_path):
    """A file the sweep wrote and nobody changed is replaced when its run is fitted again (a killed sweep, a
    deleted file); a run folder that is a symbolic link (moved into a user's folder and linked back) is never
    written through."""
    victim = local_sweep.out_dir / "runs" / local_sweep.table["run_id"][5]
    (victim / "topics.json").unlink()
    again = sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=1)
    assert again.fitted == 1
    pd.testing.assert_frame_equal(again.table, local_sweep.table)
    assert json.loads((victim / "topics.json").read_text(encoding="utf-8"))["top_words"]
    mine = tmp_path / "我的最佳运行"
    victim.rename(mine)
    victim.symlink_to(mine)
    (mine / "metrics.json").unlink()
    before = {p.name: p.read_bytes() for p in mine.iterdir()}
    try:
        with pytest.raises(ToolkitError, match="is a symbolic link; a sweep writes its runs into folders of its own"):
            sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=1)
        assert {p.name: p.read_bytes() for p in mine.iterdir()} == before
    finally:
        victim.unlink()
        mine.rename(victim)
    assert sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=1).fitted == 1  # whole again


def test_a_summary_folder_that_is_not_the_toolkits_is_refused_before_any_fit(tmp_path):
    out = tmp_path / "sw"
    grid = {"model.kind": ["nmf"], "model.n_topics": [4]}
    sweep(seeds_config(**{"sweep.seeds": "[1]"}), out, grid=grid, n_jobs=1)
    notes = out / "summary" / "笔记.md"
    notes.write_text("K=4 的主题太宽泛。\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="summary folder .*summary holds files the toolkit did not write"):
        sweep(seeds_config(**{"sweep.seeds": "[1]"}), out, grid={**grid, "model.n_topics": [4, 5]}, n_jobs=1)
    assert len(list((out / "runs").glob("*/metrics.json"))) == 1  # K=5 was not fitted only to be thrown away
    assert notes.read_text(encoding="utf-8") == "K=4 的主题太宽泛。\n"


def test_run_folders_are_named_by_settings_and_inputs(local_sweep):
    from toolkit.text.preparation import load_inputs

    config = seeds_config().with_values(**{"model.kind": "nmf", "model.n_topics": 6, "model.random_state": 2})
    folder = local_sweep.out_dir / "runs" / run_id(config, load_inputs(config).fingerprint)
    metrics = json.loads((folder / "metrics.json").read_text())
    assert (metrics["kind"], metrics["n_topics"], metrics["random_state"]) == ("nmf", 6, 2)
    saved = Config.load(folder / "config.toml")  # the run's config loads back, its paths resolved from there
    assert saved["model"]["n_topics"] == 6 and saved.path("corpus", "texts") == config.path("corpus", "texts")


def test_an_empty_list_of_seeds_is_named_as_written():
    """sweep.seeds = [] was refused as "sweep grid model.random_state needs a non-empty list", a key the user never
    wrote (a review of the options)."""
    with pytest.raises(ToolkitError, match=r"^sweep.seeds is empty; give at least one seed"):
        expand_grid(seeds_config().with_values(**{"sweep.seeds": []}), {"model.n_topics": [18]})


def test_a_runs_id_holds_its_own_kinds_settings_only():
    """A sweep run's id hashed every kind's sub-table: re-running an LDA and NMF grid with another
    `model.keyatm.iterations` fitted every run again (correct, but all the work twice; an adversarial pass)."""
    base = seeds_config()
    for kind in ("lda", "nmf"):
        config = base.with_values(**{"model.kind": kind})
        assert run_id(config, "inputs") == run_id(config.with_values(**{"model.keyatm.iterations": 60}), "inputs")
    keyatm = base.with_values(**{"model.kind": "keyatm"})
    assert run_id(keyatm, "inputs") != run_id(keyatm.with_values(**{"model.keyatm.iterations": 60}), "inputs")
    lda = base.with_values(**{"model.kind": "lda"})
    assert run_id(lda, "inputs") != run_id(lda.with_values(**{"model.lda.passes": 5}), "inputs")


def test_a_changed_input_is_fitted_again(small_corpus, tmp_path):
    from .conftest import write_config

    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text('[ecology]\nwords = ["生态", "绿色"]\n[innovation]\nwords = ["创新"]\n', encoding="utf-8")
    config = write_config(
        tmp_path / "c.toml", small_corpus, small_corpus / "metadata.csv", themes={"lexicon": str(lexicon)}, sweep={"seeds": [1]}
    )
    grid = {"model.kind": ["nmf"], "model.n_topics": [4]}
    out = tmp_path / "sw"
    assert sweep(config, out, grid=grid, n_jobs=1).fitted == 1
    assert sweep(config, out, grid=grid, n_jobs=1).fitted == 0  # nothing changed: nothing to fit
    text = small_corpus / "001_a277e5c0c743763f.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n推动长江经济带绿色发展,建设美丽中国。\n", encoding="utf-8")
    assert sweep(config, out, grid=grid, n_jobs=1).fitted == 1  # a changed text
    lexicon.write_text('[ecology]\nwords = ["生态", "绿色", "环境"]\n[innovation]\nwords = ["创新"]\n', encoding="utf-8")
    assert sweep(config, out, grid=grid, n_jobs=1).fitted == 1  # a changed lexicon
    assert sweep(config, out, grid=grid, n_jobs=1).fitted == 0
    # another build of the toolkit: a finished run of older code is no longer taken as done (a sweep resumed after
    # LDA's perplexity was mended kept the old numbers of its finished runs beside the new ones)
    from toolkit.output import manifest

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest, "source_sha256", lambda: "another build")
        assert sweep(config, out, grid=grid, n_jobs=1).fitted == 1


@pytest.mark.parametrize(
    "text",
    [
        "model.n_topics",
        "model.n_topics=1..2..3",
        "model.n_topics=..5",
        "model.n_topics=8..5",
        "=5",
        "model.n_topics=",
        "model.kind=lda,,nmf",
        "n_topics=5",
    ],
)
def test_malformed_grid_values_are_one_line_with_the_syntax(text):
    with pytest.raises(ToolkitError) as info:
        parse_grid_option(text)
    assert "--grid expects section.key=VALUES" in str(info.value) or "section.key=value" in str(info.value)
    assert "\n" not in str(info.value)


def test_grid_parsing_and_errors():
    assert parse_grid_option("model.n_topics=5..8") == ("model.n_topics", [5, 6, 7, 8])
    # FIRST <= LAST, as the error says: a range of one value is one value, and only a reversed one is refused (a
    # mutation audit refused 5..5 and no test saw it)
    assert parse_grid_option("model.n_topics=5..5") == ("model.n_topics", [5])
    with pytest.raises(ToolkitError, match="FIRST <= LAST"):
        parse_grid_option("model.n_topics=6..5")
    assert parse_grid_option("model.lda.passes=2,4") == ("model.lda.passes", [2, 4])
    assert parse_grid_option("model.kind=lda,nmf") == ("model.kind", ["lda", "nmf"])
    assert parse_grid_option("vocab.max_df=0.3,0.5") == ("vocab.max_df", [0.3, 0.5])
    # a list of paths holding ".." is a list, not a malformed range (a hostile pass: refused, quoted or not)
    assert parse_grid_option("themes.lexicon=../a.toml,../b.toml") == ("themes.lexicon", ["../a.toml", "../b.toml"])
    # a comma inside a TOML table, list or quoted string splits no value (a hostile pass: each part was refused
    # with a message about the key); a bracket that never closes is a bare name's, split at every comma
    assert parse_grid_option("model.lda={passes=3, iterations=10},{passes=5}") == (
        "model.lda",
        [{"passes": 3, "iterations": 10}, {"passes": 5}],
    )
    assert parse_grid_option('segment.extra_stopwords=[],["政策.txt", "地方.txt"]') == (
        "segment.extra_stopwords",
        [[], ["政策.txt", "地方.txt"]],
    )
    assert parse_grid_option('corpus.name="武汉,安庆",合肥') == ("corpus.name", ["武汉,安庆", "合肥"])
    assert parse_grid_option("corpus.name=武汉[,安庆") == ("corpus.name", ["武汉[", "安庆"])
    # a quote inside a bare name opens no string (a review: l'1.toml,l'2.toml became one value); an escaped
    # backslash ends a basic string where its quote follows
    assert parse_grid_option("corpus.name=l'1,l'2") == ("corpus.name", ["l'1", "l'2"])
    assert parse_grid_option('model.lda="a\\\\",{passes=2, iterations=9}')[1] == ["a\\", {"passes": 2, "iterations": 9}]
    # a grid key no config has is said as the grid's, not as the config file's (as --set's is)
    with pytest.raises(ToolkitError, match=r"^sweep grid: unknown config key model.n_topicz; did you mean 'n_topics'\?$"):
        expand_grid(seeds_config(), {"model.n_topicz": [4]})
    combos = expand_grid(seeds_config(), {"model.n_topics": [5, 6]})
    assert combos == [{"model.n_topics": k, "model.random_state": s} for k in (5, 6) for s in (1, 2)]
    with pytest.raises(ToolkitError, match="non-empty list"):
        expand_grid(seeds_config(), {"model.n_topics": []})
    # a value named twice (n_topics=4,4 or seeds [1, 1]) was two identical runs, fitted twice
    twice = expand_grid(seeds_config(**{"sweep.seeds": "[1, 1, 2]"}), {"model.n_topics": [5, 6, 5]})
    assert twice == combos
    with pytest.raises(ToolkitError, match="unknown config key model.n_topic"):
        sweep(seeds_config(), "/nonexistent/never-written", grid={"model.n_topic": [5]})


def test_grids_above_the_limit_are_refused_before_they_are_built():
    with pytest.raises(ToolkitError, match="model.n_topics=1..20001 has 20,001 values, above the limit of 10,000"):
        parse_grid_option("model.n_topics=1..20001")
    assert len(parse_grid_option("model.n_topics=1..10000")[1]) == 10_000
    big = {"model.n_topics": list(range(2, 102)), "vocab.min_df": list(range(1, 51))}  # x 2 seeds: 10,000 runs
    assert len(expand_grid(seeds_config(), big)) == 10_000
    with pytest.raises(
        ToolkitError,
        match=r"has 10,100 runs \(101 model.n_topics x 2 model.random_state x 50 "
        r"vocab.min_df\), above the limit of 10,000",
    ):
        expand_grid(seeds_config(), {**big, "model.n_topics": list(range(2, 103))})


@pytest.mark.parametrize("n_jobs", [-3, 1_000_000])
def test_absurd_numbers_of_workers_are_refused(tmp_path, n_jobs):
    with pytest.raises(ToolkitError, match=f"n_jobs must be a whole number from 0 \\(one per core\\) to 1,024, not {n_jobs}"):
        sweep(
            seeds_config(**{"sweep.seeds": "[1]"}),
            tmp_path / "sw",
            grid={"model.kind": ["nmf"], "model.n_topics": [4]},
            n_jobs=n_jobs,
        )
    assert not (tmp_path / "sw").exists()


def test_preprocessing_options_in_the_grid(tmp_path):
    result = sweep(
        seeds_config(), tmp_path / "pre", grid={"vocab.min_df": [2, 3], "model.n_topics": [5], "model.kind": ["nmf"]}, n_jobs=1
    )
    assert sorted(result.table["vocab.min_df"]) == [2, 2, 3, 3]


@pytest.mark.slow
def test_dask_cluster_gives_the_local_results(local_sweep, tmp_path, monkeypatch):
    from dask.distributed import LocalCluster

    from toolkit import sweeps

    counted = []  # what the sweep was told of the workers: here, then on the cluster (3 threads, not this machine's 2)
    available = sweeps.available_workers
    monkeypatch.setattr(sweeps, "available_workers", lambda asked: counted.append(available(asked)) or counted[-1])
    with LocalCluster(n_workers=3, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True) as cluster:
        remote = sweep(seeds_config(), tmp_path / "dask", grid=GRID, scheduler=cluster.scheduler_address)
    assert remote.fitted == 8 and counted[-1] == 3
    pd.testing.assert_frame_equal(remote.table, local_sweep.table)


def test_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    import dask.distributed

    real = dask.distributed.Client
    # the toolkit gives a scheduler 10 s to answer; a refused connection fails the same way within 1 s
    monkeypatch.setattr(dask.distributed, "Client", lambda address, timeout, **options: real(address, timeout="1s", **options))
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(ToolkitError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        sweep(seeds_config(), tmp_path / "x", grid={"model.n_topics": [4], "model.kind": ["nmf"]}, scheduler="tcp://127.0.0.1:9")
    # refused before the corpus was prepared (after it, the whole preparation was lost time: a hostile pass)
    assert not (tmp_path / "cache").exists() and not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "command, address", [("sweep", "bogus"), ("sweep", "file:///x"), ("run", "tcp://host"), ("run", "tcp://host:99999")]
)
def test_a_scheduler_address_dask_cannot_read_is_one_line(tmp_path, command, address):
    """An address that is no address was Dask's ValueError with a traceback (found by an adversarial pass)."""
    from .conftest import cli

    result = cli(command, ROOT / "configs" / "seeds.toml", "--out", tmp_path / "sw", "--scheduler", address)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"--scheduler {address!r} is no Dask scheduler address" in result.stderr
    assert not (tmp_path / "sw").exists()


def test_a_config_names_no_cluster_to_send_the_corpus_to(tmp_path):
    """A shared config's sweep.scheduler made `toolkit sweep` connect to the host it named, send it the corpus and
    unpickle what came back (a hostile pass): where the work goes is the user's --scheduler alone."""
    from .conftest import cli

    config = tmp_path / "c.toml"
    config.write_text('[sweep]\nscheduler = "tcp://127.0.0.1:18743"\n', encoding="utf-8")
    result = cli("sweep", config, "--out", tmp_path / "sw")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "config key sweep.scheduler is no longer used: a config names no Dask cluster" in result.stderr
    assert "--scheduler ADDRESS" in result.stderr and not (tmp_path / "sw").exists()


def test_a_sweeps_folder_is_inside_no_text_folder_of_its_grid(tmp_path):
    """The sweep's folder was checked against the config's inputs alone: a grid over corpus.texts wrote it inside
    the grid's other text folder (a hostile pass)."""
    import shutil

    shutil.copytree(ROOT / "seeds", tmp_path / "seeds2")
    before = sorted(p.name for p in (tmp_path / "seeds2").iterdir())
    grid = {"corpus.texts": [str(ROOT / "seeds"), str(tmp_path / "seeds2")], "model.kind": ["nmf"]}
    with pytest.raises(ToolkitError, match="corpus.texts of the grid's corpus.texts="):
        sweep(seeds_config(), tmp_path / "seeds2" / "swout", grid=grid)
    assert sorted(p.name for p in (tmp_path / "seeds2").iterdir()) == before


@pytest.mark.slow
def test_an_interrupted_sweep_leaves_no_process_behind(tmp_path, gwr_run):
    import glob
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    import psutil

    shutil.copytree(gwr_run.out_dir.parent / "cache", tmp_path / "c")  # the corpus prepared: the fits are the point
    out = tmp_path / "sw"
    command = [sys.executable, "-m", "toolkit", "sweep", str(ROOT / "configs" / "gwr_national.toml"), "--out", str(out)]
    process = subprocess.Popen(
        # fits of 100 sweeps: the workers are mid-fit when the interrupt comes all the same, two fits sooner
        [*command, "--jobs", "2", "--set", "model.keyatm.iterations=100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TOOLKIT_CACHE_DIR": str(tmp_path / "c")},
    )
    children = set()
    deadline = time.time() + 240
    while time.time() < deadline and len(glob.glob(str(out / "runs" / "*" / "metrics.json"))) < 2:
        time.sleep(0.2)
        children |= set(psutil.Process(process.pid).children(recursive=True))
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "interrupted" in stderr
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    assert not _still_running(children, within=5.0)


def _still_running(processes, within: float) -> list:
    """Those of ``processes`` still running (not ended, not a zombie) ``within`` seconds from now, or as soon as none
    is (the sweep's workers end as it does, or a moment after)."""
    import time

    import psutil

    def running(process) -> bool:
        try:
            return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + within
    while (left := [p for p in processes if running(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_grid_points_that_cannot_be_fitted_are_skipped_with_the_reason(tmp_path):
    result = sweep(seeds_config(), tmp_path / "skip", grid={"model.kind": ["keyatm"], "model.n_topics": [5, 17]}, n_jobs=1)
    assert list(result.table["n_topics"].unique()) == [17]
    needed = re.search(
        r"keyatm K=5: keyatm needs at least (\d+) topics here, one per theme with a keyword", result.recommendation
    )
    assert needed and 5 < int(needed.group(1)) <= 17  # the themes with keywords here: more than 5, and 17 fitted


def test_the_recommendation_says_which_points_hold_topics_that_drew_no_words():
    """Topics that drew fewer than two words are left out of a run's coherence and agree with nothing in its
    stability: the recommendation says which points hold them, and how many at most (more topics than the corpus
    fills), not only sweep.csv's column. Scored on their other topics, such a K's NPMI rose above the K that fills
    its topics, and it was recommended (a review): it is ranked after the points whose topics all drew words."""
    from toolkit.sweeps import recommend

    rows = [
        {
            "kind": "lda",
            "n_topics": k,
            "run_id": f"{k}-{s}",
            "c_npmi": (0.05 if k == 10 else 0.09) + s / 100,
            "c_v": 0.5,
            "stability": 0.4,
            "diversity": 0.8,
            "empty_topics": empty,
        }
        for k, counts in ((10, [0, 0, 0]), (40, [3, 0, 5]))
        for s, empty in enumerate(counts)
    ]
    text = recommend(pd.DataFrame(rows))
    assert "2 of 6 LDA runs hold topics that drew fewer than two words (up to 5 of 40; sweep.csv's empty_topics)" in text
    assert "up to 0 of 10" not in text and "of 10;" not in text
    assert text.startswith("# Recommendation\n\n**LDA with 10 topics** has the highest mean coherence")
    assert "- LDA: K = 10 has the highest mean NPMI (0.0600" in text
    assert "Of higher mean NPMI, K = 40 (0.1000) holds topics that drew fewer than two words" in text
    filled = recommend(pd.DataFrame([{**row, "empty_topics": 0} for row in rows]))
    assert "drew fewer than two words" not in filled and "- LDA: K = 40 has the highest mean NPMI (0.1000" in filled
    # without the column (a table of the caller's own): ranked by NPMI, as before
    assert "- LDA: K = 40 has the highest" in recommend(pd.DataFrame(rows).drop(columns="empty_topics"))


def test_the_recommendation_is_honest_about_seeds():
    from toolkit.sweeps import recommend

    rows = [
        {"kind": "lda", "n_topics": k, "run_id": f"{k}-{s}", "c_npmi": npmi, "c_v": 0.5, "stability": 0.4, "diversity": 0.8}
        for k, values in ((5, [0.050, 0.060, 0.070]), (6, [0.055, 0.058, 0.065]), (7, [0.010, 0.012, 0.015]))
        for s, npmi in enumerate(values)
    ]
    text = recommend(pd.DataFrame(rows))
    assert "K = 5 has the highest mean NPMI (0.0600, seeds 0.0500 to 0.0700)" in text
    assert "Indistinguishable from it (seed ranges overlap): K = 6." in text  # K = 7's range lies below
    assert "gave the same topics and scores" not in text
    # K = 5 is the grid's smallest: the best may lie below it; K = 7 lies apart, so the grid tells K = 5, 6 from 7
    assert text.count("K = 5 is the smallest number of topics the grid tried: a better one may lie below it") == 1
    unfittable = [({"model.kind": "lda", "model.n_topics": 3}, "cannot fit 3 topics")]  # the grid went below K = 5
    assert "number of topics the grid tried" not in recommend(pd.DataFrame(rows), unfittable)
    assert "the grid does not single out a number of topics" not in text
    flat = recommend(pd.DataFrame([{**row, "c_npmi": row["c_npmi"] % 0.01 + 0.05} for row in rows]))
    assert "the grid does not single out a number of topics" in flat  # every K within the best's seed range
    middle = recommend(pd.DataFrame([{**row, "c_npmi": row["c_npmi"] + (row["n_topics"] == 6) / 10} for row in rows]))
    assert "number of topics the grid tried" not in middle  # K = 6 is neither end
    same = [
        {
            "kind": "nmf",
            "n_topics": k,
            "run_id": f"n{k}-{i}",
            "c_npmi": 0.2 + k / 100,
            "c_v": 0.8,
            "stability": 1.0,
            "diversity": 0.9,
        }
        for k in (5, 6)
        for i in range(3)
    ]
    text = recommend(pd.DataFrame(rows + same))
    nmf = next(line for line in text.splitlines() if line.startswith("- NMF"))
    lda = next(line for line in text.splitlines() if line.startswith("- LDA"))
    assert "Its 3 seeds gave the same topics and scores: they are one run" in nmf
    assert "Its 3 seeds gave the same topics and scores" in text.splitlines()[2]  # NMF K=6 is best of all
    assert "no other kind's range reaches it" not in text  # a range of one run reaches nothing
    # NMF's K = 6 lay "above every other point's range" on seeds that are one run: no evidence of that
    assert "lies above" not in nmf and "The order of the points is no evidence" in nmf
    # points of two preprocessing settings: their scores come from different tokens (a hostile pass: a sweep over
    # strip_pinyin recommended keeping the pinyin, on the coherence of a topic of its fragments)
    pinyin = [{**row, "normalize.strip_pinyin": value} for row in rows for value in (True, False)]
    text = recommend(pd.DataFrame(pinyin))
    assert text.splitlines()[2].startswith("The grid varies the preprocessing (normalize.strip_pinyin): each setting is")
    assert "**" not in text.splitlines()[2]  # no best point across the settings (a second review)
    # each setting's points compared among themselves (a second review: "Next: K = 8 (strip_pinyin=False)" after a
    # best of strip_pinyin=True); and no file the sweep does not write is named (top_words.csv)
    kinds = [line for line in text.splitlines() if line.startswith("- LDA")]
    assert len(kinds) == 2
    for line in kinds:  # one setting's points in each
        assert ("strip_pinyin=True" in line) != ("strip_pinyin=False" in line), line
    assert "top_words.csv" not in text
    # the command prints them under that headline, which says they are listed below (a review: the terminal showed
    # "listed below" and nothing after it); another headline alone
    from toolkit.sweeps import headline

    assert headline(text) == [text.splitlines()[2], *kinds]
    other = recommend(pd.DataFrame(rows))
    assert headline(other) == [other.splitlines()[2]]
    # so too two lexicons, which choose the words kept and the keyword topics (a hostile pass: a lexicon of two themes,
    # 17 free topics, was recommended over the whole one)
    lexicons = recommend(pd.DataFrame([{**row, "themes.lexicon": value} for row in rows for value in ("a.toml", "b.toml")]))
    assert lexicons.splitlines()[2].startswith("The grid varies the preprocessing (themes.lexicon): each setting is")
    passes = [{**row, "model.lda.passes": value} for row in rows for value in (1, 2)]  # a model's setting: comparable
    assert "varies the preprocessing" not in recommend(pd.DataFrame(passes))
    assert "gave the same" not in lda
    # seeds are one run only when they gave the same topics as well as the same scores: seeds whose scores tie but
    # whose topics differ (stability 0.6) are three runs (a mutation audit called them one, and no test saw it)
    tied = recommend(pd.DataFrame([{**row, "kind": "nmf", "run_id": f"t{row['run_id']}", "stability": 0.6} for row in same]))
    assert "gave the same topics and scores" not in tied and "The order of the points is no evidence" not in tied
    # nor when another score differs: tied NPMI and stability over a vocabulary the top words cover whole, and
    # held-out perplexities of 9.17 and 6.29 (a hostile pass of sweeps called them the same)
    apart = pd.DataFrame([{**row, "perplexity": 6.0 + i} for i, row in enumerate(same)])
    assert "gave the same topics and scores" not in recommend(apart, heldout=["perplexity"])
    assert "gave the same topics and scores" in recommend(pd.DataFrame(same).assign(perplexity=7.0), heldout=["perplexity"])
    assert "stability 0.60" in tied
    # ranges overlap when one's top reaches the other's bottom, not its mean: NMF's seeds up to 0.055 reach LDA
    # K = 5's lowest seed (0.050), below its mean 0.060 (a mutation audit compared with the mean; no test saw it)
    near = [
        {**row, "kind": "nmf", "n_topics": 5, "run_id": f"n{i}", "c_npmi": npmi}
        for i, (row, npmi) in enumerate(zip(rows, [0.040, 0.045, 0.055]))
    ]
    overlapping = recommend(pd.DataFrame(rows + near))
    assert "**LDA with 5 topics** has the highest mean coherence" in overlapping
    # its own kind's K = 6 (0.055 to 0.065) reaches it, and the headline, which the command prints alone, says so;
    # NMF's points are compared with NMF's only (coherence compares the points of one kind)
    assert "; LDA K = 6 overlaps that range and is indistinguishable from it." in overlapping.splitlines()[2]
    assert "NMF K = 5 overlap" not in overlapping and "**NMF with 5 topics** has the highest" in overlapping
    # one kind, one other point reaching it: said (the headline said "no other kind's range reaches it")
    lda = recommend(pd.DataFrame(rows))
    assert "; LDA K = 6 overlaps that range and is indistinguishable from it." in lda.splitlines()[2]
    apart = [{**row, "c_npmi": row["c_npmi"] - (0.03 if row["n_topics"] != 5 else 0)} for row in rows]
    # over three seeds a range above the others' is no evidence (a hostile pass: K = 18 "lies above" K = 20 on seeds
    # 1-3, and ten seeds overlapped): said, with the seeds to fit
    three = recommend(pd.DataFrame(apart))
    assert "; no other point's range reaches it, but over 3 seeds that is no evidence" in three.splitlines()[2]
    assert "happens by chance one in twenty" in three and "fit 5 seeds or more (sweep.seeds)" in three
    assert "Its seed range lies above every other point's (next: K = 6, 0.0293), but over 3 seeds" in _line(three, "- LDA")
    five = [{**row, "run_id": f"{row['n_topics']}-{i}", "c_npmi": row["c_npmi"] + i / 10000} for row in apart for i in range(5)]
    five = recommend(pd.DataFrame(five))
    assert "; no other point's range reaches it (only LDA was fitted)." in five.splitlines()[2] and "no evidence" not in five
    # one seed per point: no range at all (it claimed "Its seed range lies above every other point's")
    single = recommend(pd.DataFrame([row for row in rows if row["run_id"].endswith("-0")]))
    assert "lies above" not in single and "It was fitted with one seed" in single
    # another setting of the grid is another point, not pooled with K's seeds (it was: min_df 1 and 5 as one K)
    grid = [
        {**row, "model.n_topics": row["n_topics"], "vocab.min_df": m, "run_id": f"{row['run_id']}-{m}"}
        | {"c_npmi": row["c_npmi"] + m / 10}
        for row in rows
        for m in (1, 5)
    ]
    text = recommend(pd.DataFrame(grid))
    assert "K = 5 (vocab.min_df=5) has the highest mean NPMI (0.5600, seeds 0.5500 to 0.5700)" in text
    # and the figure: a line per kind and min_df, not their mean (it said "mean over seeds")
    from toolkit.output.plots import plot_sweep

    axes = plot_sweep(pd.DataFrame(grid)).axes[0]
    lines = {line.get_label(): line.get_ydata().tolist() for line in axes.get_lines()}
    assert set(lines) == {"LDA (vocab.min_df=1)", "LDA (vocab.min_df=5)"}
    assert lines["LDA (vocab.min_df=5)"] == pytest.approx([0.56, 0.5593333, 0.5123333], abs=1e-6)
    assert "Indistinguishable from it (seed ranges overlap): K = 6 (vocab.min_df=5)." in text


@pytest.mark.slow
@pytest.mark.parametrize("finished", [1, 3])
def test_an_interrupt_among_quick_runs_stops_the_sweep(tmp_path, gwr_run, finished):
    """Ctrl-C while runs finish quickly (20 sweeps each), after ``finished`` of them: joblib's result callback
    hands the next run to loky's executor while the sweep stops it. Stopping it through ``get_reusable_executor``
    held the lock that callback needed and waited for it: the sweep hung (in about one try of three)."""
    import glob
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    import psutil

    shutil.copytree(gwr_run.out_dir.parent / "cache", tmp_path / "cache")
    out = tmp_path / "sw"
    command = [sys.executable, "-m", "toolkit", "sweep", str(ROOT / "configs" / "gwr_national.toml"), "--out", str(out)]
    process = subprocess.Popen(
        [*command, "--jobs", "2", "--set", "model.keyatm.iterations=20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TOOLKIT_CACHE_DIR": str(tmp_path / "cache")},
    )
    deadline = time.time() + 120
    while time.time() < deadline and len(glob.glob(str(out / "runs" / "*" / "metrics.json"))) < finished:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        for child in [*psutil.Process(process.pid).children(recursive=True), psutil.Process(process.pid)]:
            child.kill()  # its workers too, which hold its stderr open
        process.communicate(timeout=60)
        raise AssertionError("the interrupted sweep hung") from None
    assert process.returncode == 130 and "interrupted" in stderr
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr


@pytest.mark.parametrize(
    "grid, said",
    [
        ({"model.ensemble": [1, 3]}, "(model.n_jobs, model.ensemble"),  # six runs said, three fitted, each twice
        ({"model.n_jobs": [1, 2]}, "(model.n_jobs, model.ensemble"),  # a KeyError in sweep.csv's collection
        ({"trends.level": [0.9, 0.95]}, "section.key of corpus, normalize"),  # the same model fitted twice
        ({"figures.dpi": [100, 200]}, "section.key of corpus, normalize"),
        ({"segment.n_jobs": [1, 2]}, "not a setting that changes no result"),  # workers give the same tokens
        ({"corpus.name": ["a", "b"]}, "not a setting that changes no result"),
        ({"model": {"n_topics": [5, 8]}}, 'quote it: "model.n_topics" = [...]'),  # [sweep.grid] unquoted in TOML
        # the held-out share changes every score: said as one per sweep, not as a setting that changes nothing (a pass)
        ({"sweep.holdout": [0.1, 0.2]}, "the sweep's own settings are one per sweep"),
        # the seeds as one list, not one sweep per seed (--set sweep.seeds=1 is refused: a review); a typo unknown
        ({"sweep.seeds": [1, 2]}, "give them as one list, --set 'sweep.seeds=[1, 2, 3]'"),
        ({"sweep.seed": [1, 2]}, "unknown config key sweep.seed; did you mean 'seeds'?"),
    ],
)
def test_grid_keys_that_change_no_run_of_a_sweep_are_refused(grid, said):
    from toolkit.sweeps import expand_grid

    with pytest.raises(ToolkitError, match=re.escape(said)):
        expand_grid(seeds_config(), grid)


def test_a_grid_key_given_twice_is_refused_not_replaced():
    from toolkit.sweeps import parse_grid_options

    assert parse_grid_options(["model.n_topics=5,8", "model.kind=lda"]) == {"model.n_topics": [5, 8], "model.kind": ["lda"]}
    with pytest.raises(ToolkitError, match="--grid model.n_topics is given twice"):  # K = 8 alone was fitted
        parse_grid_options(["model.n_topics=5", "model.n_topics=8", "model.kind=lda"])


def test_the_held_out_share_is_part_of_a_runs_identity_and_the_analysis_settings_are_not():
    """A sweep resumed with sweep.holdout = 0 took the runs scored on 10% held out as done (NPMI 0.1759 where a
    fresh sweep gives 0.1849); a run setting the sweep never reads (trends.level) refitted every run."""
    from toolkit.sweeps import run_id

    base = run_id(seeds_config(), "inputs")
    assert run_id(seeds_config(**{"sweep.holdout": 0}), "inputs") != base
    same = {"trends.level": 0.9, "figures.dpi": 99, "model.ensemble": 5, "segment.n_jobs": 2, "corpus.name": '"x"'}
    assert run_id(seeds_config(**same), "inputs") == base


def test_a_resumed_sweep_with_a_new_grid_key_names_the_runs_it_reuses(tmp_path):
    """The runs done before vocab.min_df joined the grid (at its default, 2) had an empty vocab.min_df in sweep.csv
    and the recommendation read "K = 4 (vocab.min_df=nan)"."""
    out = tmp_path / "sw"
    grid = {"model.kind": ["nmf"], "model.n_topics": [4]}
    sweep(seeds_config(**{"sweep.seeds": "[1]"}), out, grid=grid, n_jobs=1)
    again = sweep(seeds_config(**{"sweep.seeds": "[1]"}), out, grid={**grid, "vocab.min_df": [2, 3]}, n_jobs=1)
    assert again.fitted == 1 and sorted(again.table["vocab.min_df"]) == [2, 3]
    assert "nan" not in again.recommendation and (again.table["holdout"] == 0.1).all()


def test_no_advice_to_extend_the_grid_below_the_fewest_topics_a_kind_can_fit():
    from toolkit.sweeps import recommend

    rows = [
        {"kind": "keyatm", "n_topics": k, "run_id": f"{k}-{s}", "c_npmi": 0.1 - k / 1000 + s / 100, "c_v": 0.5}
        | {"stability": 0.6, "diversity": 0.8}
        for k in (16, 17, 18)
        for s in range(3)
    ]
    assert "may lie below it" in recommend(pd.DataFrame(rows))
    assert "may lie below it" not in recommend(pd.DataFrame(rows), floors={"keyatm": 16})  # 15 cannot be fitted


def test_a_sweep_that_stops_before_its_first_run_leaves_no_folder_it_made(tmp_path):
    """A grid nothing can fit (keyatm with fewer topics than themes) exits with one line, and left the folder it
    had made holding only its marker (found by a review); an empty folder that was there before stays, empty."""
    grid = {"model.kind": ["keyatm"], "model.n_topics": [5]}
    with pytest.raises(ToolkitError, match="no run of the sweep grid can be fitted"):
        sweep(seeds_config(), tmp_path / "new", grid=grid)
    assert not (tmp_path / "new").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(ToolkitError, match="no run of the sweep grid can be fitted"):
        sweep(seeds_config(), tmp_path / "empty", grid=grid)
    assert (tmp_path / "empty").is_dir() and not any((tmp_path / "empty").iterdir())


def test_a_fit_stopped_at_its_limit_is_said_in_sweep_csv_not_printed_by_each_worker(tmp_path):
    """NMF's ConvergenceWarning was recorded and dropped by each fit; with the fits' warnings no longer recorded
    (they corrupted a process's filters from threads), a sweep's workers would print scikit-learn's warning. Each
    run's fit_note says it instead, and the sweep warns once."""
    from .conftest import toolkit_process

    out = tmp_path / "sw"
    settings = ["--set", "sweep.seeds=[1,2]", "--set", "model.nmf.max_iter=3", "--grid", "model.kind=nmf"]
    result = toolkit_process("sweep", ROOT / "configs" / "seeds.toml", *settings, "--grid", "model.n_topics=6", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "ConvergenceWarning" not in result.stderr and "Traceback" not in result.stderr
    assert "2 of 2 runs say in sweep.csv's fit_note" in result.stderr
    notes = pd.read_csv(out / "summary" / "sweep.csv")["fit_note"]
    assert (notes == "NMF stopped at model.nmf.max_iter = 3 iterations before converging: raise it").all()


def test_keyatm_chains_not_converged_are_said_in_the_fit_note(tmp_path):
    """From a hostile pass: a keyatm sweep's fit_note was empty, with no warning, for fits whose chains never met
    the convergence check by the ceiling (`toolkit run` warns of it): a reviewer read the sweep's scores as those
    of converged fits."""
    config = seeds_config(**{"model.keyatm.iterations": 30, "model.keyatm.samples": 2, "sweep.seeds": "[1]"})
    result = sweep(config, tmp_path / "sw", grid={"model.kind": ["keyatm"], "model.n_topics": [18]}, n_jobs=1)
    notes = result.table["fit_note"]
    assert notes.str.match(r"the chains (did not meet the convergence check|were not checked for convergence)").all()
    config = seeds_config(**{"model.keyatm.iterations": 30, "model.keyatm.stop": '"ceiling"', "sweep.seeds": "[1]"})
    result = sweep(config, tmp_path / "fixed", grid={"model.kind": ["keyatm"], "model.n_topics": [18]}, n_jobs=1)
    assert result.table["fit_note"].fillna("").eq("").all()  # a fixed count asked for: no check to meet


def test_a_grid_key_of_an_earlier_sweep_is_no_column_of_the_next(tmp_path):
    """From a hostile pass: a run fitted by an earlier sweep over vocab.min_df kept that key in its metrics.json,
    and a later sweep of the same folder without it had a vocab.min_df column (2.0 or empty) and named its runs
    by it in the recommendation ("LDA with 10 topics (vocab.min_df=2.0)"): the same table as a fresh folder's now."""
    sweep(seeds_config(), tmp_path / "sw", grid={"model.kind": ["lda"], "model.n_topics": [5], "vocab.min_df": [2]}, n_jobs=1)
    grid = {"model.kind": ["lda"], "model.n_topics": [5, 6]}
    again, fresh = (sweep(seeds_config(), tmp_path / out, grid=grid, n_jobs=1) for out in ("sw", "new"))
    assert "vocab.min_df" not in again.table and "vocab.min_df" not in again.recommendation
    pd.testing.assert_frame_equal(again.table, fresh.table)


def test_a_sweep_resumed_over_an_earlier_grid_writes_the_bytes_of_a_fresh_one(tmp_path):
    """From a hostile pass: after a sweep over K alone, one over kind and K in the same folder had sweep.csv's
    model.kind column in another place (after the scores: the reused runs' metrics.json lacked it) and those
    runs' metrics.json were not what a fresh sweep writes. Same config, same grid: the same bytes."""
    config = seeds_config(**{"model.kind": '"lda"', "sweep.seeds": "[1]"})
    sweep(config, tmp_path / "sw", grid={"model.n_topics": [5]}, n_jobs=1)
    grid = {"model.kind": ["lda"], "model.n_topics": [5, 6]}
    again, fresh = (sweep(config, tmp_path / out, grid=grid, n_jobs=1) for out in ("sw", "new"))
    assert again.fitted == 1 and fresh.fitted == 2  # the run of K = 5 was reused
    assert list(again.table.columns)[:3] == ["run_id", "model.kind", "model.n_topics"]
    for name in ("sweep.csv", "recommendation.md"):
        assert (tmp_path / "sw" / "summary" / name).read_bytes() == (tmp_path / "new" / "summary" / name).read_bytes()
    for rid in fresh.table["run_id"]:
        metrics = (tmp_path / "sw" / "runs" / rid / "metrics.json").read_bytes()
        assert metrics == (tmp_path / "new" / "runs" / rid / "metrics.json").read_bytes()
    assert sweep(config, tmp_path / "sw", grid=grid, n_jobs=1).fitted == 0  # and its rewritten metrics still its own


@pytest.mark.parametrize("key", ["model.sample_above", "model.sample_tokens"])
def test_settings_a_sweep_does_not_use_are_no_grid_keys(key):
    """A sweep fits every unit: two values of model.sample_above were two identical fits under two run ids, called
    indistinguishable by the recommendation."""
    with pytest.raises(ToolkitError, match=f"sweep grid key '{key}': a sweep fits and scores topics"):
        sweep(seeds_config(), Path("unused"), grid={key: [0, 1000]})


@pytest.mark.slow
def test_a_sweep_on_a_cluster_writes_each_run_as_it_is_fitted(tmp_path, monkeypatch):
    """From a hostile pass: on a Dask cluster a sweep collected every fit before it wrote the first, so an
    interrupted (or failed) cluster sweep kept no run to resume from. The runs fitted before a failure are kept."""
    from dask.distributed import LocalCluster

    from toolkit import sweeps

    fit = sweeps._fit_one

    def lost_at_six(model, train, held_out):
        if model.n_topics == 6:
            raise RuntimeError("the worker of this fit was lost")
        return fit(model, train, held_out)

    monkeypatch.setattr(sweeps, "_fit_one", lost_at_six)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with pytest.raises(RuntimeError, match="the worker of this fit was lost"):
            sweep(
                seeds_config(),
                tmp_path / "sw",
                grid={"model.kind": ["nmf"], "model.n_topics": [5, 6]},
                scheduler=cluster.scheduler_address,
            )
    kept = [json.loads(path.read_text())["n_topics"] for path in (tmp_path / "sw" / "runs").glob("*/metrics.json")]
    assert kept == [5, 5]  # both seeds of K = 5, fitted before K = 6 failed


def test_a_setting_of_another_kind_does_not_repeat_a_kinds_runs(tmp_path):
    """From a hostile pass: a grid over model.lda.passes beside keyatm listed each keyatm run once per value of
    passes (the same run id twice in sweep.csv), named by a setting keyatm does not read, and the recommendation
    compared the run with itself. Each run is listed once, without the other kind's setting."""
    config = seeds_config(**{"model.keyatm.iterations": 30, "model.keyatm.samples": 2, "sweep.seeds": "[1]"})
    grid = {"model.kind": ["keyatm", "lda"], "model.n_topics": [18], "model.lda.passes": [1, 2]}
    result = sweep(config, tmp_path / "sw", grid=grid, n_jobs=1)
    table = result.table
    assert table["run_id"].is_unique and len(table) == 3  # keyatm once, LDA with each number of passes
    assert table.loc[table["kind"] == "keyatm", "model.lda.passes"].isna().all()
    assert sorted(table.loc[table["kind"] == "lda", "model.lda.passes"]) == [1, 2]


def test_a_value_written_two_ways_is_one_point_of_the_grid():
    """From a hostile pass: `--grid vocab.max_df=1,1.0` fitted each seed twice under two run ids, and the
    recommendation read the six runs as six seeds of one point."""
    combos = expand_grid(seeds_config(), {"model.n_topics": [3], "vocab.max_df": [1, 1.0, 0.5, 1]})
    assert [c["vocab.max_df"] for c in combos] == [1, 0.5, 1, 0.5]  # for each of two seeds, the first spelling kept
    keep_order = expand_grid(seeds_config(), {"model.n_topics": [4, 3, 4.0], "model.random_state": [1]})
    assert [c["model.n_topics"] for c in keep_order] == [4, 3]


def test_exact_ties_are_said_to_be_ties_and_a_setting_a_kind_does_not_read_is_not_named():
    """From a hostile pass: a grid setting that changes no fit (themes.min_score for NMF) gave two points of one fit
    and the headline named the first as "the highest", its twin "next" at the same NPMI; an NMF point was named
    "(model.lda.passes=nan)" and an LDA one "passes=8.0"."""
    from toolkit.sweeps import recommend

    rows = [
        {"kind": "nmf", "n_topics": k, "run_id": f"{k}-{m}-{s}", "c_npmi": -0.09 - k / 100 + s / 1000, "c_v": 0.5,
         "stability": 0.4, "diversity": 0.8, "themes.min_score": m, "model.lda.passes": None}
        for k in (2, 3) for m in (0.1, 0.3) for s in (0, 1)
    ]  # fmt: skip
    rows += [
        {"kind": "lda", "n_topics": 2, "run_id": f"l{p}-{s}", "c_npmi": -0.3 + p / 100 + s / 1000, "c_v": 0.4,
         "stability": 0.3, "diversity": 0.7, "themes.min_score": 0.1, "model.lda.passes": p}
        for p in (4, 8) for s in (0, 1)
    ]  # fmt: skip
    table = pd.DataFrame(rows).astype({"model.lda.passes": "Int64"})
    text = recommend(table)
    headline = text.splitlines()[2]
    # each kind's best point, of its own points (a hostile pass: a grid of LDA and NMF named one over both)
    assert headline.startswith("Per kind (LDA, NMF: coherence compares the points of one kind only): **LDA with 2 topics")
    assert "**NMF with 2 topics (themes.min_score=0.1)** has the highest mean coherence" in headline
    assert "Tied with NMF K = 2 (themes.min_score=0.3): the same mean NPMI" in headline
    assert "nan" not in text and "passes=8.0" not in text and "(themes.min_score=0.1, model.lda.passes=8)" in text
    # the kind's line names the headline's point of a tie, ranked as it ranks (NPMI, then stability), not the first
    # in the table's order (a hostile pass: the two named different points of one tie)
    steadier = table.assign(stability=[0.4 if row["themes.min_score"] == 0.1 else 0.5 for _, row in table.iterrows()])
    text = recommend(steadier)
    nmf = next(line for line in text.splitlines() if line.startswith("- NMF"))
    assert "**NMF with 2 topics (themes.min_score=0.3)**" in text.splitlines()[2], text.splitlines()[2]
    assert nmf.startswith("- NMF: K = 2 (themes.min_score=0.3) has the highest mean NPMI"), nmf
    untied = recommend(table[table["themes.min_score"] == 0.1])
    assert "Tied" not in untied


def test_the_recommendation_says_what_its_scores_rest_on():
    """From a hostile pass: perplexity from one held-out unit of 17 tokens was compared as any other; an LDA
    perplexity no run could compute vanished from the figure in silence; keyatm runs whose chains were not checked
    for convergence were recommended without a word."""
    from toolkit.sweeps import recommend

    rows = [
        {"kind": kind, "n_topics": k, "run_id": f"{kind}{k}-{s}", "c_npmi": 0.05 + k / 100 + s / 1000, "c_v": 0.5,
         "stability": 0.4, "diversity": 0.8, "heldout_units": 1, "heldout_tokens": 17,
         "perplexity": float("nan") if kind == "lda" else 900.0, "reconstruction_error": 0.99 if kind == "nmf" else None,
         "fit_note": "the chains were not checked for convergence" if kind == "keyatm" else ""}
        for kind in ("lda", "nmf", "keyatm") for k in (17, 18) for s in (0, 1)
    ]  # fmt: skip
    text = recommend(pd.DataFrame(rows), heldout=["perplexity", "reconstruction_error"])
    assert "4 of 4 KEYATM runs did not finish their fit as they should (the chains were not checked" in text
    assert "rest on 1 held-out unit of 17 tokens (sweep.holdout): too few to tell points apart by" in text
    assert "LDA's perplexity could not be computed" in text and "KEYATM's perplexity" not in text
    # the headline named NMF first by coherence, and a notebook's reader chose it over the measurement model
    assert "KEYATM is the measurement model" in text
    # and the headline, which `toolkit sweep` prints alone, names the measurement model's best point, not NMF's
    # (NMF's is higher by design; here every kind scores the same, and the headline named LDA, first in the grid)
    headline = text.splitlines()[2]
    assert headline.startswith("Of the measurement model's points (KEYATM; LDA and NMF are exploration")
    assert "**KEYATM with 18 topics** has the highest mean coherence" in headline
    assert "LDA" not in headline.split(":", 1)[1] and "NMF" not in headline.split(":", 1)[1]
    five = pd.DataFrame(
        [{**row, "run_id": f"{row['run_id']}{s}", "c_npmi": row["c_npmi"] + s / 1e4} for row in rows for s in range(3)]
    )
    assert "no other point's range reaches it." in recommend(five).splitlines()[2]  # not "(only KEYATM was fitted)"
    # keyatm at one K beside NMF (a review: "it is the only point fitted", two NMF runs fitted; "NMF are")
    one_k = recommend(pd.DataFrame(rows).query("kind != 'lda' and n_topics == 18"))
    assert "(KEYATM; NMF is exploration, its coherence" in one_k.splitlines()[2]
    assert "it is the measurement model's only point" in one_k and "the only point fitted" not in one_k
    # a grid over the preprocessing prints keyatm's lines beside NMF's: with the paragraph that they do not compare
    from toolkit.sweeps import headline

    grid = pd.DataFrame([{**row, "vocab.min_df": m, "run_id": f"{row['run_id']}-{m}"} for row in rows for m in (2, 3)])
    printed = headline(recommend(grid))
    assert printed[0].startswith("The grid varies the preprocessing") and printed[1].startswith("KEYATM is the measurement")
    assert sum(line.startswith("- NMF") for line in printed) == 2
    assert "measurement model" not in recommend(pd.DataFrame(rows).query("kind == 'keyatm'"))
    plenty = pd.DataFrame(rows).assign(heldout_units=40, heldout_tokens=5000, perplexity=900.0, fit_note="")
    assert "What the scores rest on" not in recommend(plenty, heldout=["perplexity", "reconstruction_error"])


def test_a_table_of_settings_in_the_grid_is_a_point_and_every_reason_a_grid_cannot_be_fitted_is_given(tmp_path):
    """From a hostile pass: `--grid 'model.lda={passes=12}'` ended the sweep in a traceback after every fit
    (a table cannot group runs); a grid no point of which could be fitted named the first reason only, and its
    advice (15 topics) then failed on the units that the held-out share leaves."""
    result = sweep(
        seeds_config(**{"sweep.seeds": "[1]"}),
        tmp_path / "t",
        grid={"model.kind": ["lda"], "model.n_topics": [2], "model.lda": [{"passes": 1}, {"passes": 2}]},
        n_jobs=1,
    )
    assert sorted(result.table["model.lda"]) == ['{"passes": 1}', '{"passes": 2}']
    assert '(model.lda={"passes": 1})' in result.recommendation or '(model.lda={"passes": 2})' in result.recommendation
    with pytest.raises(ToolkitError) as error:
        sweep(seeds_config(), tmp_path / "u", grid={"model.kind": ["keyatm"], "model.n_topics": [2, 500]}, n_jobs=1)
    said = str(error.value)
    assert "keyatm K=2: keyatm needs at least" in said and "keyatm K=500: cannot fit 500 topics to" in said
    assert "sweep.holdout keeps" in said


def test_the_sweep_figure_ticks_the_grids_numbers_of_topics_and_keeps_its_legend_off_the_data():
    """From a hostile pass: a grid of K = 2, 3 was ticked 2.0, 2.5, 3.0 and one of 3, 5, 8 ticked 4, 6, 8 (3 and 5
    unlabelled); the legend of six series lay over the lines and bands of the first panel; NMF's series was named
    "(model.lda.passes=nan)"."""
    from toolkit.output.plots import plot_sweep

    rows = [
        {"kind": kind, "n_topics": k, "run_id": f"{kind}{k}{s}{p}", "c_npmi": 0.1 * k + s / 100, "c_v": 0.5,
         "stability": 0.5, "diversity": 0.8, "model.lda.passes": p if kind == "lda" else None}
        for kind in ("lda", "nmf") for k in (3, 5, 8) for s in (0, 1) for p in ((4, 8) if kind == "lda" else (None,))
    ]  # fmt: skip
    figure = plot_sweep(pd.DataFrame(rows).astype({"model.lda.passes": "Int64"}))
    figure.canvas.draw()
    for axes in figure.axes:
        assert [t.get_text() for t in axes.get_xticklabels()] == ["3", "5", "8"]
        assert axes.get_legend() is None
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["LDA (model.lda.passes=4)", "LDA (model.lda.passes=8)", "NMF"]
    canvas = figure.bbox
    box = legend.get_window_extent()
    assert canvas.x0 <= box.x0 and box.x1 <= canvas.x1 and box.y1 <= canvas.y1
    panels = [a.get_window_extent() for a in figure.axes]
    assert all(box.y0 >= p.y1 for p in panels)  # above the panels, not over their data


def _runs(kind, k, npmis, stability=0.5, **settings):
    """The runs of one grid point, one per seed: a sweep.csv's rows as recommend reads them."""
    tag = "".join(f"-{v}" for v in settings.values())
    return [
        {"kind": kind, "n_topics": k, "run_id": f"{kind}{k}{tag}-{s}", "c_npmi": npmi, "c_v": 0.5,
         "stability": stability, "diversity": 0.8, **settings}
        for s, npmi in enumerate(npmis)
    ]  # fmt: skip


def _line(text, start):
    return next(line for line in text.splitlines() if line.startswith(start))


def test_the_advice_to_extend_the_grid_looks_at_the_points_own_settings_and_what_could_not_be_fitted():
    """From a mutation audit, each passing every test: a grid of one K advised to extend it below its only K; a best
    at the grid's largest K was advised to extend it above when the larger K could not be fitted; a K another kind
    could not fit, or another kind's floor, silenced the advice; and the ends were read over every setting's Ks,
    not the best point's own (K = 7 is the smallest with vocab.min_df = 5, whatever min_df = 1 tried)."""
    from toolkit.sweeps import recommend

    one_k = recommend(pd.DataFrame(_runs("lda", 5, [0.05, 0.06])))
    assert "number of topics the grid tried" not in one_k
    top = pd.DataFrame(_runs("lda", 5, [0.01, 0.02]) + _runs("lda", 6, [0.03, 0.04]) + _runs("lda", 7, [0.06, 0.07]))
    above = " K = 7 is the largest number of topics the grid tried: a better one may lie above it; extend the grid."
    assert above in _line(recommend(top), "- LDA")
    assert "number of topics the grid tried" not in recommend(top, [({"model.kind": "lda", "model.n_topics": 9}, "cannot fit")])
    assert above in recommend(top, [({"model.kind": "nmf", "model.n_topics": 9}, "cannot fit 9 topics")])
    low = pd.DataFrame(_runs("lda", 5, [0.06, 0.07]) + _runs("lda", 6, [0.03, 0.04]) + _runs("lda", 7, [0.01, 0.02]))
    below = " K = 5 is the smallest number of topics the grid tried: a better one may lie below it; extend the grid."
    assert below in recommend(low, floors={"keyatm": 3})  # keyatm's floor is no limit of LDA's
    assert below not in recommend(low, floors={"lda": 5})
    settings = pd.DataFrame(
        _runs("lda", 5, [0.01, 0.02], **{"vocab.min_df": 1})
        + _runs("lda", 6, [0.01, 0.02], **{"vocab.min_df": 1})
        + _runs("lda", 7, [0.01, 0.02], **{"vocab.min_df": 1})
        + _runs("lda", 7, [0.10, 0.11], **{"vocab.min_df": 5})
        + _runs("lda", 8, [0.05, 0.06], **{"vocab.min_df": 5})
    )
    text = recommend(settings)
    assert "- LDA: K = 7 (vocab.min_df=5) has the highest mean NPMI (0.1050, seeds 0.1000 to 0.1100)" in text
    assert " K = 7 is the smallest number of topics the grid tried: a better one may lie below it" in text


def test_ties_are_exact_and_said_for_each_kind():
    """Points 0.0005 apart in mean NPMI are not tied (a mutation audit tied them at a tolerance of 0.001); an exact
    tie is said in the kind's line as well as the headline."""
    from toolkit.sweeps import recommend

    close = recommend(pd.DataFrame(_runs("lda", 5, [0.0505, 0.0705]) + _runs("lda", 6, [0.050, 0.070])))
    assert "Tied" not in close
    tied = recommend(pd.DataFrame(_runs("lda", 5, [0.05, 0.07]) + _runs("lda", 6, [0.05, 0.07])))
    assert "Tied with LDA K = " in tied.splitlines()[2]
    assert " Tied with K = " in _line(tied, "- LDA") and "the same mean NPMI" in _line(tied, "- LDA")


def test_the_recommendation_of_one_seed_two_seeds_and_ranges_that_touch():
    """From a mutation audit, each passing every test: "range over 1 seeds"; two seeds that gave one run said to be
    one seed; two seeds given no stability; a point alone in its kind fitted with one seed without the sentence
    that says so in its kind's line; a range whose top equals the best's bottom not said to overlap it."""
    from toolkit.sweeps import recommend

    single = recommend(pd.DataFrame(_runs("lda", 5, [0.05], stability=float("nan"))))
    assert single.splitlines()[2] == (
        "**LDA with 5 topics** has the highest mean coherence (NPMI 0.0500, range over 1 seed 0.0500 to 0.0500); it "
        "is the only point fitted: there is nothing to compare it with. It was fitted with one seed: it has no range "
        "over seeds to tell it from other points by."
    )
    assert _line(single, "- LDA") == (
        "- LDA: K = 5 has the highest mean NPMI (0.0500, seeds 0.0500 to 0.0500), c_v 0.500, diversity 0.80, no "
        "stability (one seed). It was fitted with one seed: it has no range over seeds to tell it from other points by."
    )
    two = recommend(pd.DataFrame(_runs("lda", 5, [0.05, 0.06])))
    assert "range over 2 seeds 0.0500 to 0.0600" in two
    assert "stability 0.50 (mean Jaccard similarity of matched top-10 words across seeds)." in _line(two, "- LDA")
    same = recommend(pd.DataFrame(_runs("lda", 5, [0.06, 0.06], stability=1.0) + _runs("lda", 6, [0.01, 0.02])))
    assert "Its 2 seeds gave the same topics and scores: they are one run" in same.splitlines()[2]
    assert "fitted with one seed" not in same
    touching = recommend(pd.DataFrame(_runs("lda", 5, [0.05, 0.07]) + _runs("lda", 6, [0.03, 0.05])))
    assert "; LDA K = 6 overlaps that range and is indistinguishable from it." in touching.splitlines()[2]


def test_points_within_the_best_range_are_listed_and_the_grid_said_to_single_out_none_from_three():
    """The points within the best's seed range read "K = 6, 7" (not "K = 6, K = 7"); two points that overlap are
    "indistinguishable", and only a grid of three or more is said not to single out a number of topics (a mutation
    audit); the measurement model's note only beside keyatm; the seed column of sweep.csv (model.random_state)
    pools seeds, it is no setting of a point."""
    from toolkit.sweeps import recommend

    three = _runs("lda", 5, [0.05, 0.07]) + _runs("lda", 6, [0.054, 0.064]) + _runs("lda", 7, [0.052, 0.062])
    text = recommend(pd.DataFrame(three))
    assert "Indistinguishable from it (seed ranges overlap): K = 6, 7." in text
    assert "the grid does not single out a number of topics" in text
    two = recommend(pd.DataFrame(three[:4]))
    assert "Indistinguishable from it (seed ranges overlap): K = 6." in two
    assert "the grid does not single out" not in two
    both = recommend(pd.DataFrame(three + _runs("nmf", 5, [0.2, 0.3])))
    assert "measurement model" not in both
    seeded = recommend(pd.DataFrame([{**row, "model.random_state": s % 2 + 1} for s, row in enumerate(three)]))
    assert "K = 5 has the highest mean NPMI (0.0600, seeds 0.0500 to 0.0700)" in seeded
    assert "random_state" not in seeded


def test_skipped_grid_points_are_listed_once_each_in_order_with_their_settings():
    """From a mutation audit: each seed of a skipped point listed again, the points in a set's order, their other
    settings dropped and "1 runs" passed every test."""
    from toolkit.sweeps import recommend

    table = pd.DataFrame(_runs("lda", 5, [0.05, 0.06]))
    skipped = [
        ({"model.kind": "lda", "model.n_topics": k, "model.random_state": s, "vocab.min_df": 2}, "too many topics")
        for k in (20, 3, 12, 7)
        for s in (1, 2)
    ]
    text = recommend(table, skipped)
    assert text.endswith(
        "Skipped grid points (8 runs), which cannot be fitted:\n- lda K=3 (vocab.min_df=2), lda K=7 (vocab.min_df=2), "
        "lda K=12 (vocab.min_df=2), lda K=20 (vocab.min_df=2): too many topics\n"
    )
    one = recommend(table, [({"model.kind": "lda", "model.n_topics": 20, "model.random_state": 1}, "too many topics")])
    assert one.endswith("Skipped grid points (1 run), which cannot be fitted:\n- lda K=20: too many topics\n")


def test_what_the_scores_rest_on_at_its_limits():
    """The held-out scores are too few below 1,000 tokens, not at 1,000; the fewest held-out tokens of any run are
    what they rest on (vocab.min_df changes them); a held-out score some runs computed is not "could not be
    computed"; a sweep with nothing held out (no held-out score in its table) says nothing of them (a mutation
    audit)."""
    from toolkit.sweeps import recommend

    def table(tokens, perplexity=900.0):
        rows = _runs("lda", 5, [0.05, 0.06]) + _runs("lda", 6, [0.03, 0.04])
        return pd.DataFrame(rows).assign(heldout_units=3, heldout_tokens=tokens, perplexity=perplexity)

    heldout = ["perplexity"]
    assert "What the scores rest on" not in recommend(table(1000), heldout=heldout)
    said = "- The held-out scores (perplexity) rest on 3 held-out units of 999 tokens (sweep.holdout): too few"
    assert said in recommend(table(999), heldout=heldout)
    mixed = recommend(table([5000, 5000, 500, 500]), heldout=heldout)
    assert "rest on 3 held-out units of 500 tokens" in mixed
    partly = recommend(table(5000, [900.0, float("nan"), 850.0, 870.0]), heldout=heldout)
    assert "could not be computed" not in partly
    nothing = pd.DataFrame(_runs("lda", 5, [0.05, 0.06])).assign(heldout_units=0, heldout_tokens=0)
    assert "What the scores rest on" not in recommend(nothing, heldout=["perplexity"])
    # asked for and none held out (a hostile pass: sweep.holdout = 0.01 of 27 units, no score and no word of it)
    said = "- sweep.holdout = 0.01 held out no unit of this corpus (too few units): no held-out score"
    assert said in recommend(nothing.assign(holdout=0.01), heldout=["perplexity"])
    assert "held out no unit" not in recommend(nothing.assign(holdout=0.0), heldout=["perplexity"])
    # the other way round: sweep.holdout = 0.9 fitted every point on a tenth of the units, in silence (a hostile pass)
    most = table(5000).assign(holdout=0.9, heldout_units=[27, 27, 27, 27], fitted_units=[3, 3, 3, 3])
    said = "- sweep.holdout = 0.9 fits the sweep's models on 3 of 30 units: their coherence, stability and themes"
    assert said in recommend(most, heldout=heldout)
    usual = table(5000).assign(holdout=0.1, heldout_units=3, fitted_units=27)
    assert "fits the sweep's models" not in recommend(usual, heldout=heldout)


def test_one_value_of_the_grid_however_it_is_written():
    """From a mutation audit: a table of settings written in another key order or with 1.0 for 1 was fitted twice;
    the last spelling kept for the first; a fraction taken for the whole number below it (0.3 and 0.5 as 0); a grid
    one run above the limit accepted. Each passed every test."""
    tables = expand_grid(
        seeds_config(),
        {"model.n_topics": [3], "model.lda": [{"passes": 2, "iterations": 50}, {"iterations": 50.0, "passes": 2}]},
    )
    assert [c["model.lda"] for c in tables] == [{"passes": 2, "iterations": 50}] * 2  # one per seed
    first = expand_grid(seeds_config(), {"model.n_topics": [4, 3, 4.0], "model.random_state": [1]})
    assert [type(c["model.n_topics"]) for c in first] == [int, int]
    fractions = expand_grid(seeds_config(), {"model.n_topics": [3], "vocab.max_df": [0.3, 0.5]})
    assert [c["vocab.max_df"] for c in fractions] == [0.3, 0.5, 0.3, 0.5]
    with pytest.raises(ToolkitError, match=r"has 10,001 runs \(73 model.n_topics x 137 model.random_state\)"):
        expand_grid(seeds_config(), {"model.n_topics": list(range(2, 75)), "model.random_state": list(range(137))})


def test_a_sweeps_table_groups_the_seeds_of_each_point_and_keeps_its_settings_as_written(tmp_path):
    """_collect, on run folders as a sweep writes them (no fit): stability is computed over the seeds of each grid
    point, a point of another kind whose setting is blank (keyatm beside model.lda.passes) included, over the top ten
    words; whole-number settings stay whole beside a blank, true stays true; a null score is a missing number; a
    run's fit_seconds of older metrics and a grid key of an earlier sweep are no columns; a run without its timing
    has no time, not 0 (a mutation audit changed each; only two were seen, by tests that fit a sweep)."""
    from toolkit.sweeps import _collect, recommend

    words = {
        ("keyatm", None): ([f"k{i}" for i in range(12)], [f"k{i}" for i in range(12)]),
        # the same first five words, five others of the top ten: Jaccard 5 / 15 (1.00 over the top three)
        ("lda", 1): ([f"w{i}" for i in range(12)], [f"w{i}" for i in range(5)] + [f"x{i}" for i in range(5, 12)]),
        ("lda", 2): ([f"p{i}" for i in range(12)], [f"p{i}" for i in range(12)]),
    }
    runs = []
    for (kind, passes), tops in words.items():
        for seed, top in zip((1, 2), tops):
            combo = {"model.kind": kind, "model.lda.passes": passes, "model.n_topics": 4, "model.random_state": seed,
                     "vocab.phrases": True}  # fmt: skip
            rid = f"{kind}{passes}{seed}"
            folder = tmp_path / "runs" / rid
            folder.mkdir(parents=True)
            # fit_seconds and vocab.min_df: what the metrics of an earlier sweep's run may hold
            metrics = {"run_id": rid, **combo, "kind": kind, "n_topics": 4, "random_state": seed, "c_npmi": 0.1 * seed,
                       "c_v": 0.5, "diversity": 0.8, "perplexity": None, "fit_seconds": 9.9, "vocab.min_df": 2}  # fmt: skip
            (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
            (folder / "topics.json").write_text(json.dumps({"top_words": [top], "themes": ["other"]}), encoding="utf-8")
            if rid != "lda22":
                (folder / "timing.json").write_text(json.dumps({"fit_seconds": 1.5}), encoding="utf-8")
            runs.append((combo, None, rid, "key"))
    table, timings = _collect(tmp_path, runs)
    stability = dict(zip(table["run_id"], table["stability"]))
    assert [stability[r] for r in ("keyatmNone1", "keyatmNone2", "lda11", "lda12", "lda21", "lda22")] == pytest.approx(
        [1.0, 1.0, 1 / 3, 1 / 3, 1.0, 1.0]
    )
    assert str(table["model.lda.passes"].dtype) == "Int64" and table["model.lda.passes"].isna().sum() == 2
    assert table["vocab.phrases"].dtype == bool
    assert table["perplexity"].dtype == float and table["perplexity"].isna().all()
    assert "fit_seconds" not in table and "vocab.min_df" not in table
    assert timings.set_index("run_id")["fit_seconds"].isna().tolist() == [False] * 5 + [True]
    text = recommend(table)
    assert "(model.lda.passes=2, vocab.phrases=True)" in text and "passes=2.0" not in text and "phrases=1" not in text


def _run_folders(root, points):
    """Run folders as a sweep writes them (no fit), for _collect: ``points`` of (combo, top words of each seed)."""
    runs = []
    for combo, tops in points:
        for seed, top in enumerate(tops, 1):
            combo_seed = {**combo, "model.random_state": seed}
            rid = f"r{len(runs)}"
            folder = root / "runs" / rid
            folder.mkdir(parents=True)
            metrics = {"run_id": rid, **combo_seed, "kind": combo["model.kind"], "n_topics": combo["model.n_topics"],
                       "random_state": seed, "c_npmi": 0.05 + len(runs) / 1000, "c_v": 0.5, "diversity": 0.8}  # fmt: skip
            (folder / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False), encoding="utf-8")
            (folder / "topics.json").write_text(json.dumps({"top_words": [top], "themes": ["other"]}), encoding="utf-8")
            (folder / "timing.json").write_text(json.dumps({"fit_seconds": 2.0 + seed}), encoding="utf-8")
            runs.append((combo_seed, None, rid, "key"))
    return runs


def test_a_list_of_settings_in_the_grid_is_a_point_named_as_written_and_every_seed_counts_in_its_stability(tmp_path):
    """A grid over a list-valued setting (segment.extra_stopwords = [["我的停用词.txt"], []]) groups its runs by the
    list's JSON text, Chinese as written (a mutation audit left lists as lists, which cannot group runs, or escaped
    the Chinese as \\u6211..., and every test passed); a point's stability is over all its seeds, the third too (a
    mutation audit took the first two); timings.csv names each run's point as sweep.csv does."""
    from toolkit.sweeps import _collect

    same, other = [f"w{i}" for i in range(10)], [f"x{i}" for i in range(10)]
    base = {"model.kind": "lda", "model.n_topics": 4}
    runs = _run_folders(
        tmp_path,
        [
            ({**base, "segment.extra_stopwords": ["我的停用词.txt"]}, [same, same, other]),  # the third seed apart
            ({**base, "segment.extra_stopwords": []}, [same, same, same]),
        ],
    )
    table, timings = _collect(tmp_path, runs)
    assert table["segment.extra_stopwords"].tolist() == ['["我的停用词.txt"]'] * 3 + ["[]"] * 3
    assert table["stability"].tolist() == pytest.approx([1 / 3] * 3 + [1.0] * 3)  # (1 + 0 + 0) / 3 pairs of seeds
    assert timings["run_id"].tolist() == table["run_id"].tolist()
    assert {"model.kind", "model.n_topics", "segment.extra_stopwords", "kind", "n_topics", "random_state"} <= set(timings)
    assert timings["fit_seconds"].tolist() == [3.0, 4.0, 5.0] * 2


def test_ties_are_exact_to_the_floats_digits_and_the_held_out_note_takes_the_weakest_run():
    """Points whose mean NPMI differ by 2e-7 are not tied (a relative tolerance of 1e-5, a mutation audit, tied
    them); the held-out note names the fewest units and tokens of any run (it named the most units); held-out counts
    no run recorded are no note and no traceback (a mutation audit read int(NaN)); a grid point that could not be
    fitted at the best K with another setting does not silence the advice to go below it."""
    from toolkit.sweeps import recommend

    close = recommend(pd.DataFrame(_runs("lda", 5, [0.0500002, 0.0700002]) + _runs("lda", 6, [0.05, 0.07])))
    assert "Tied" not in close
    rows = _runs("lda", 5, [0.05, 0.06]) + _runs("lda", 6, [0.03, 0.04])
    uneven = pd.DataFrame(rows).assign(heldout_units=[3, 3, 2, 2], heldout_tokens=[500, 500, 400, 400], perplexity=900.0)
    assert "rest on 2 held-out units of 400 tokens" in recommend(uneven, heldout=["perplexity"])
    unrecorded = pd.DataFrame(rows).assign(heldout_units=float("nan"), heldout_tokens=float("nan"), perplexity=900.0)
    assert "held-out units" not in recommend(unrecorded, heldout=["perplexity"])
    low = pd.DataFrame(_runs("lda", 5, [0.06, 0.07]) + _runs("lda", 6, [0.03, 0.04]))
    skipped = [({"model.kind": "lda", "model.n_topics": 5, "vocab.min_df": 9}, "too few words")]
    assert " K = 5 is the smallest number of topics the grid tried: a better one may lie below it" in recommend(low, skipped)


@pytest.mark.parametrize("name", ["config.toml", "timing.json", "topics.json", "metrics.json"])
def test_each_file_of_a_run_folder_not_the_sweeps_is_refused_before_any_fit(local_sweep, monkeypatch, name):
    """A run to fit again (its metrics.json gone) whose folder holds a file the sweep did not write as it is (a
    config.toml annotated by hand, a metrics.json with a score edited): refused before any fit, for each of the four
    files (a mutation audit checked three of them: the fourth was refused only when written, after its fit)."""
    from toolkit import sweeps

    victim = local_sweep.out_dir / "runs" / local_sweep.table["run_id"][2]
    saved = {p.name: p.read_bytes() for p in victim.iterdir()}

    def no_fit(*args):
        raise AssertionError("a run was fitted")

    monkeypatch.setattr(sweeps, "_fit_one", no_fit)
    try:
        if name == "metrics.json":  # a metrics.json that no longer reads whole: the run is fitted again
            (victim / name).write_text('{"run_id": "改过', encoding="utf-8")
        else:
            (victim / "metrics.json").unlink()
            (victim / name).write_text("# 我的笔记\n", encoding="utf-8")
        with pytest.raises(ToolkitError, match=rf"{name} exists and the toolkit did not write it"):
            sweep(seeds_config(), local_sweep.out_dir, grid=GRID, n_jobs=1)
    finally:
        for p in victim.iterdir():
            p.unlink()
        for file, data in saved.items():
            (victim / file).write_bytes(data)


def test_a_grid_point_whose_model_cannot_be_made_is_skipped_and_listed(tmp_path):
    """From a hostile pass of the sweep: seeded LDA with fewer topics than themes was refused as its model was made,
    and that stopped the whole sweep; the docs say a point that cannot be fitted is skipped and listed."""
    config = seeds_config(**{"sweep.seeds": "[1]", "model.lda.passes": 1})
    grid = {"model.kind": ["lda"], "model.lda.seeded": [True], "model.n_topics": [12, 18]}
    result = sweep(config, tmp_path / "s", grid=grid, n_jobs=1)
    assert sorted(result.table["n_topics"]) == [18]
    recommendation = (tmp_path / "s" / "summary" / "recommendation.md").read_text(encoding="utf-8")
    assert "lda K=12" in recommendation
    assert "seeded LDA needs at least one topic per theme with a keyword in the vocabulary" in recommendation


def test_nmf_with_more_topics_than_words_is_a_skipped_point_and_a_one_line_error(tmp_path, caplog):
    """From a hostile pass: NMF asked for more topics than the vocabulary holds raised scikit-learn's ValueError
    (nndsvda), a traceback of a run and the end of a whole sweep; the model's own check knew only units. The
    point skipped is a warning (a later pass: at the info level -q hid a grid's whole keyatm point)."""
    import logging

    from .conftest import NO_FIGURES, SEEDS_CONFIG, cli

    few = ["vocab.keep_lexicon=false", "vocab.max_terms=3", 'model.kind="nmf"', "model.n_topics=5"]
    settings = [f"--set={s}" for s in [*NO_FIGURES, *few]]
    failed = cli("-q", "run", SEEDS_CONFIG, "--out", tmp_path / "run", *settings)
    assert failed.returncode == 2 and failed.stderr.count("\n") == 1, failed.stderr
    assert (
        "cannot fit 5 topics to a vocabulary of 3 words with NMF's nndsvda start" in failed.stderr
        and not (tmp_path / "run").exists()
    )
    config = Config.load(SEEDS_CONFIG, ["vocab.keep_lexicon=false", "vocab.max_terms=3"])
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        result = sweep(config, tmp_path / "sweep", grid={"model.kind": ["nmf"], "model.n_topics": [2, 5]}, n_jobs=1)
    assert list(result.table["n_topics"].unique()) == [2]
    assert "sweep: 1 grid point(s) cannot be fitted and are skipped (nmf K=5: cannot fit 5 topics" in caplog.text
    assert (
        cli("-q", "run", SEEDS_CONFIG, "--out", tmp_path / "random", *settings, '--set=model.nmf.init="random"').returncode == 0
    )
    assert "nmf K=5: cannot fit 5 topics to a vocabulary of 3 words with NMF's nndsvda start" in result.recommendation


def test_grid_settings_that_give_the_same_tokens_are_said_to_be_the_same_fits(tmp_path, caplog):
    """From a hostile pass of sweeps: vocab.phrase_min_count = 3 and 5 with phrases off doubled every fit, and the
    recommendation called them two preprocessing settings each scored on its own tokens, in silence."""
    import logging

    config = seeds_config(**{"sweep.seeds": "[1]"})
    grid = {"model.kind": ["nmf"], "model.n_topics": [3], "vocab.phrase_min_count": [3, 5], "vocab.min_df": [1, 2]}
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        sweep(config, tmp_path / "sw", grid=grid, n_jobs=1)
    said = [m for m in caplog.messages if "give the same tokens and keywords" in m]
    assert len(said) == 2, said  # for each value of min_df, which does change the tokens
    assert all("vocab.phrase_min_count=3" in m and "vocab.phrase_min_count=5" in m for m in said)
    assert "vocab.min_df=1" in said[0] + said[1] and "vocab.min_df=2" in said[0] + said[1]


# ---- a hostile pass of the sweep (each test failed on the code before its fix)


def test_two_grid_values_of_files_with_the_same_contents_are_one_run_said_not_a_traceback(tmp_path, caplog):
    """themes.lexicon = the shipped file and a copy of it (lexicon_v2.toml before it is edited): the second value's
    run was dropped as the same run, its inputs kept, and the preparation ended in a StopIteration's traceback."""
    import logging
    import shutil

    from toolkit.resources import data_path

    copy = tmp_path / "lexicon_copy.toml"
    shutil.copyfile(data_path("lexicon.toml"), copy)
    config = seeds_config(**{"sweep.seeds": "[1, 2]"})
    grid = {"model.kind": ["nmf"], "model.n_topics": [3, 4], "themes.lexicon": [str(data_path("lexicon.toml")), str(copy)]}
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        result = sweep(config, tmp_path / "sw", grid=grid, n_jobs=1)
    assert len(result.table) == 4  # two Ks, two seeds
    said = [m for m in caplog.messages if "gives the same run as" in m]
    # once, not at each K and seed (a review: 4 times here, 36 for the shipped grid)
    assert len(said) == 1 and f"themes.lexicon={copy}" in said[0] and "files of the same contents?" in said[0]


def test_a_table_of_another_kinds_settings_does_not_name_a_kinds_run():
    """From a review: `model.keyatm = {iterations = 60}, {iterations = 100}` beside LDA named the LDA run by a
    keyatm table it does not read, and warned of "files of the same contents?" where no file was involved. The
    whole table is another kind's setting, blanked as model.keyatm.iterations is."""
    from toolkit.config import Config
    from toolkit.sweeps import _own_settings

    lda = Config.from_dict({"model": {"kind": "lda"}})
    combo = {"model.kind": "lda", "model.n_topics": 5, "model.keyatm": {"iterations": 60}, "model.keyatm.samples": 2}
    own = _own_settings(combo, lda)
    assert own == {"model.kind": "lda", "model.n_topics": 5, "model.keyatm": None, "model.keyatm.samples": None}
    assert _own_settings({"model.lda": {"passes": 3}}, lda) == {"model.lda": {"passes": 3}}  # its own kind's: kept


def test_a_grid_of_a_table_and_a_key_inside_it_is_refused():
    """model.lda = {passes=3}, {passes=5} beside model.lda.passes = 4: both runs used passes 4, were named by the
    table, and the point of passes 5 vanished, in silence."""
    config = seeds_config()
    with pytest.raises(ToolkitError, match="sweep grid keys 'model.lda' and 'model.lda.passes': the second is a setting inside"):
        expand_grid(config, {"model.lda": [{"passes": 3}, {"passes": 5}], "model.lda.passes": [4]})
    assert len(expand_grid(config, {"model.lda.passes": [4, 5], "model.lda.iterations": [50]})) == 2 * 2  # 2 seeds


def test_a_configs_sweep_n_jobs_is_bounded_as_the_argument_is_and_an_explicit_0_is_the_callers(tmp_path, monkeypatch):
    """sweep.n_jobs = 5000 in a config started as many processes as runs (only --jobs and n_jobs were bounded); and
    --jobs 0 beside a config's sweep.n_jobs = 1 was taken for "not given"."""
    from toolkit import sweeps
    from toolkit.config import Config

    with pytest.raises(ToolkitError, match="sweep.n_jobs must be from 0 to 1,024"):
        Config.from_dict({"sweep": {"n_jobs": 5000}})
    asked = []

    def fits(tasks, n, workers, scheduler, given, started):
        asked.append(given)
        raise KeyboardInterrupt  # no fit: the number asked for is the point

    monkeypatch.setattr(sweeps, "_run_fits", fits)
    config = seeds_config(**{"sweep.seeds": "[1]", "sweep.n_jobs": "1"})
    for n_jobs, out in ((0, "a"), (None, "b")):
        with pytest.raises(KeyboardInterrupt):
            sweep(config, tmp_path / out, grid={"model.kind": ["nmf"], "model.n_topics": [3, 4]}, n_jobs=n_jobs)
    assert asked == [0, 1]


def test_a_set_of_a_key_the_grid_sets_is_said_not_dropped(tmp_path, caplog):
    """--set model.n_topics=25 beside a grid of n_topics fitted the grid's values without a word."""
    import logging

    from toolkit.sweeps import warn_set_in_grid

    config = seeds_config(**{"sweep.seeds": "[1]"})
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        warn_set_in_grid(["model.n_topics=25", "model.ensemble=1", "model.random_state=5"], config, {"model.n_topics": [5]})
    said = "is not used as given: the sweep's grid gives every run its own"
    assert f"the setting model.n_topics=25 (--set) {said} model.n_topics" in caplog.text
    assert "the setting model.random_state=5 (--set) is not used" in caplog.text and "the seeds of sweep.seeds" in caplog.text
    assert "model.ensemble" not in caplog.text
    caplog.clear()  # a setting inside a table the grid sets, and a table holding a key it sets (a review)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        warn_set_in_grid(["model.lda.passes=3"], config, {"model.lda": [{"passes": 5}]})
        warn_set_in_grid(["model.lda={passes=3}"], config, {"model.lda.passes": [5]})
    assert f"model.lda.passes=3 (--set) {said} model.lda (" in caplog.text
    assert f"model.lda={{passes=3}} (--set) {said} model.lda.passes (" in caplog.text
    caplog.clear()  # a moved key on either side, as it now lives (an adversarial review: dropped unsaid)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        warn_set_in_grid(["model.passes=5"], config, {"model.lda.passes": [3, 5]})
        warn_set_in_grid(["model.lda.passes=5"], config, {"model.passes": [3, 5]})
    assert f"model.passes=5 (--set) {said} model.lda.passes (" in caplog.text
    assert f"model.lda.passes=5 (--set) {said} model.lda.passes (" in caplog.text


def test_a_skipped_point_is_named_by_its_kind_and_number_of_topics_where_the_grid_sets_neither(tmp_path):
    """From a hostile pass: a point skipped on a grid without model.kind was named " K=500" (no kind), and one on
    a grid without model.n_topics "K=0" or "K=None": each is named by the kind and K its run would have had."""
    config = seeds_config(**{"model.kind": '"lda"', "sweep.seeds": "[1]"})
    result = sweep(config, tmp_path / "sw", grid={"model.n_topics": [5, 500]}, n_jobs=1)
    assert "\n- lda K=500: " in result.recommendation and "\n-  K=" not in result.recommendation
    with pytest.raises(ToolkitError, match=r"no run of the sweep grid can be fitted: lda K=500: "):
        sweep(config, tmp_path / "none", grid={"model.n_topics": [500]}, n_jobs=1)
    config = seeds_config(**{"model.kind": '"lda"', "model.n_topics": 500, "sweep.seeds": "[1]"})
    with pytest.raises(ToolkitError, match=r"fitted: lda K=500: "):  # the grid sets neither kind nor K
        sweep(config, tmp_path / "passes", grid={"model.lda.passes": [2, 3]}, n_jobs=1)


def test_a_grid_over_how_topics_are_labelled_prepares_the_corpus_once_and_warns_of_nothing(tmp_path, monkeypatch, caplog):
    """From a hostile pass: a grid over themes.min_score (which labels the fitted topics, words and keywords left as
    they are) prepared the corpus once per value, then warned that "the config's own and the config's own give the
    same tokens" and told to leave the setting out of the grid; its points are points of the grid (themes_found
    differs by them)."""
    from toolkit import sweeps

    prepared = []
    group = sweeps._prepare_group
    monkeypatch.setattr(sweeps, "_prepare_group", lambda config, inputs: prepared.append(1) or group(config, inputs))
    config = seeds_config(**{"model.kind": '"lda"', "sweep.seeds": "[1]"})
    with caplog.at_level("WARNING", logger="toolkit"):
        result = sweep(config, tmp_path / "sw", grid={"themes.min_score": [0.1, 0.2]}, n_jobs=1)
    assert len(prepared) == 1 and result.fitted == 2
    assert "the config's own" not in caplog.text and "same tokens" not in caplog.text
    assert result.table["themes.min_score"].tolist() == [0.1, 0.2]


def test_a_sweep_interrupted_in_a_notebooks_kernel_leaves_no_thread_or_pipe_behind(tmp_path, monkeypatch):
    """From a hostile pass of a notebook's kernel: a sweep interrupted between two of its runs (Ctrl-C, the kernel's
    interrupt) left a loky feeder thread blocked for good writing the runs left to a pipe whose read end is the
    kernel's own, one thread and its pipe per interrupt: joblib's abort shut the executor down without draining its
    queue, and the clean-up drained only the executor that stood then. In this process, as in a kernel."""
    import threading

    import toolkit.sweeps as sweeps

    settings = ["model.ensemble=1", "model.keyatm.iterations=60", "figures.ldavis=false", "sweep.seeds=[1, 2]"]
    config = Config.load(ROOT / "configs" / "seeds.toml", settings)
    written = sweeps._write_run

    def interrupted(*args, **kwargs):
        written(*args, **kwargs)
        raise KeyboardInterrupt  # after the first run is written, the others queued or running

    monkeypatch.setattr(sweeps, "_write_run", interrupted)
    feeders = {t for t in threading.enumerate() if t.name == "QueueFeederThread"}
    grid = {"model.kind": ["keyatm", "lda", "nmf"], "model.n_topics": [19, 20]}
    with pytest.raises(KeyboardInterrupt):
        sweep(config, tmp_path / "sw", grid=grid, n_jobs=2)
    left = [t for t in threading.enumerate() if t.name == "QueueFeederThread" and t not in feeders and t.is_alive()]
    assert left == []
    assert len(list((tmp_path / "sw" / "runs").glob("*/metrics.json"))) == 1  # the run written before it stays


def test_a_grid_point_whose_corpus_cannot_be_prepared_is_skipped_with_why_and_the_others_are_fitted(tmp_path, caplog):
    """From a hostile pass of sweeps: vocab.min_df = 50 (above max_df's share of the seeds' 144 paragraphs) beside
    min_df = 2 stopped the whole sweep with the one point's error, nothing fitted; and corpus.year_min past every
    document's year likewise. Such points are skipped and listed with their reason, as a K a model cannot fit is; a
    grid none of whose points can be prepared is still the first reason's one-line error."""
    config = seeds_config(**{"sweep.seeds": "[1]"})
    grid = {"model.kind": ["nmf"], "model.n_topics": [3], "vocab.min_df": [2, 50], "corpus.year_min": [2015, 2030]}
    with caplog.at_level("WARNING", logger="toolkit"):
        result = sweep(config, tmp_path / "sw", grid=grid, n_jobs=1)
    assert "sweep: 3 grid point(s) skipped, their settings leaving nothing to analyse (" in caplog.text  # not -q's info
    fitted = result.table[["vocab.min_df", "corpus.year_min"]].drop_duplicates().to_numpy().tolist()
    assert fitted == [[2, 2015]]
    said = result.recommendation
    assert "nmf K=3 (corpus.year_min=2015, vocab.min_df=50): these settings leave nothing to fit: vocab.min_df (50" in said
    assert "corpus.year_min=2030" in said and "these settings leave no text to read: no usable text" in said
    assert "K = 3 is the smallest" not in said and "grid went beyond" not in said  # no K left unfitted for its topics
    with pytest.raises(ToolkitError, match="vocab.min_df \\(50 units\\) is above vocab.max_df"):
        sweep(config, tmp_path / "none", grid={"model.kind": ["nmf"], "model.n_topics": [3], "vocab.min_df": [50]}, n_jobs=1)
    # a file that is not there is no fact of a point's settings: it stops the sweep, as it did (a review: a lexicon
    # moved away mid-sweep was one point "skipped")
    missing = {"model.kind": ["nmf"], "model.n_topics": [3], "segment.extra_dictionaries": [[], [str(tmp_path / "no.txt")]]}
    with pytest.raises(ToolkitError, match="dictionary file not found"):
        sweep(config, tmp_path / "missing", grid=missing, n_jobs=1)


def test_points_whose_coherence_cannot_be_computed_are_ranked_nowhere(tmp_path):
    """From a hostile pass of sweeps: a vocabulary of one word left every point's NPMI undefined, and the
    recommendation called LDA with 1 topic "the highest mean coherence (NPMI nan ...)", its range "above every other
    point's", while numpy's "Mean of empty slice" went to stderr."""
    import warnings

    config = seeds_config(**{"sweep.seeds": "[1, 2]", "vocab.keep_lexicon": "false", "vocab.max_terms": "1"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = sweep(config, tmp_path / "sw", grid={"model.kind": ["lda"], "model.n_topics": [1, 2]}, n_jobs=1)
    assert result.table["c_npmi"].isna().all()  # the case: no coherence anywhere
    assert "No point's coherence could be computed" in result.recommendation
    assert "highest" not in result.recommendation and "nan" not in result.recommendation
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], [str(w.message) for w in caught]


def test_a_point_without_coherence_beside_scored_ones_is_named_not_ranked(tmp_path):
    """A review: with one point's NPMI undefined and another's not, the recommendation read "Next: K = 3, nan", and
    a reason that is no text (an API caller's) raised AttributeError in the K edge note."""
    from toolkit.sweeps import recommend

    config = seeds_config(**{"sweep.seeds": "[1]"})
    table = sweep(config, tmp_path / "sw", grid={"model.kind": ["nmf"], "model.n_topics": [2, 3]}, n_jobs=1).table
    assert table["c_npmi"].notna().all()
    table.loc[table["n_topics"] == 3, "c_npmi"] = float("nan")
    said = recommend(table, [({"model.kind": "nmf", "model.n_topics": 9}, ValueError("a reason of the caller's"))])
    assert "nan" not in said and "NMF with 2 topics" in said
    assert "- NMF: K = 3: no coherence could be computed" in said


def test_a_seed_without_coherence_is_no_seed_of_the_range(tmp_path):
    """A review: with one of a point's two seeds' NPMI undefined, the recommendation read "range over 2 seeds 0.0795
    to 0.0795", a range of one value said to be over two seeds."""
    from toolkit.sweeps import recommend

    config = seeds_config(**{"sweep.seeds": "[1, 2]"})
    table = sweep(config, tmp_path / "sw", grid={"model.kind": ["nmf"], "model.n_topics": [2, 3]}, n_jobs=1).table
    assert table["c_npmi"].notna().all() and recommend(table).count("range over 2 seeds") == 1
    best = table.groupby("n_topics")["c_npmi"].mean().idxmax()
    table.loc[(table["n_topics"] == best) & (table["random_state"] == 2), "c_npmi"] = float("nan")
    kept = table.loc[(table["n_topics"] == best) & (table["random_state"] == 1), "c_npmi"].iloc[0]
    assert f"range over 1 seed {kept:.4f} to {kept:.4f})" in recommend(table)


def test_a_grid_key_quoted_as_a_sweep_grid_table_writes_it_is_the_setting():
    """`--grid '"model.n_topics"=4,5'` (the key as [sweep.grid] writes it, copied from a config) was refused as a
    setting that changes no result; it is model.n_topics, as `model."n_topics"` was already."""
    from toolkit.sweeps import parse_grid_options

    for text in ('"model.n_topics"=4,5', 'model."n_topics"=4,5', "model.n_topics=4..5"):
        assert parse_grid_options([text]) == {"model.n_topics": [4, 5]}, text


def test_a_grid_key_refused_is_said_without_a_warning_before_it(tmp_path, caplog):
    """The warning that a --set is overridden by the grid came before the refusal of that very grid key (a
    hostile pass): the refusal alone now, by the API and the command line, and nothing written."""
    from .conftest import cli

    with caplog.at_level("WARNING", logger="toolkit"), pytest.raises(ToolkitError, match="model.ensemble"):
        sweep(seeds_config(), tmp_path / "sw", grid={"model.ensemble": [1, 3]}, overrides=["model.ensemble=1"])
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []
    args = ("--grid", "model.ensemble=1,3", "--set", "model.ensemble=1", "--out", tmp_path / "sw")
    result = cli("sweep", ROOT / "configs" / "seeds.toml", *args)
    assert result.returncode == 2 and result.stderr.startswith("toolkit: error: sweep grid key 'model.ensemble'"), result.stderr
    assert not (tmp_path / "sw").exists()
    bad = cli("sweep", ROOT / "configs" / "seeds.toml", "--grid", "model.=1,2", "--out", tmp_path / "sw")
    assert bad.returncode == 2 and "--grid expects section.key=VALUES" in bad.stderr and "--set" not in bad.stderr
    missing = cli("sweep", tmp_path / "missing.toml", "--grid", "model.=1,2", "--out", tmp_path / "sw")
    assert missing.returncode == 2 and "config file not found" in missing.stderr  # the config's error first, as before


def test_the_recommendation_names_the_settings_every_run_shares_apart_from_the_defaults(tmp_path):
    """sweep.csv and recommendation.md named the grid alone: a sweep of 60 sweeps a fit said so only in each run's
    config.toml (a hostile pass). The settings shared apart from their defaults are named, not the grid's keys,
    the corpus, those that change no result (model.ensemble), the defaults of a kind's table one of its settings
    brought in, or the settings of a kind no run fits; a path as it reads from the summary folder."""
    from toolkit.sweeps import shared_settings

    lexicon = tmp_path / "my.toml"
    lexicon.write_bytes((ROOT / "toolkit" / "data" / "lexicon.toml").read_bytes())
    config = seeds_config(**{"model.keyatm.iterations": 60, "model.ensemble": 1, "themes.lexicon": f'"{lexicon}"'})
    summary = tmp_path / "sw" / "summary"
    said = shared_settings(config, ["model.kind", "model.n_topics", "model.random_state"], ["keyatm", "lda"], summary)
    assert "model.keyatm.iterations = 60" in said and "units.max_chars = 300" in said  # --set, and the file's own
    assert "model.lda.passes = 3" in said and 'themes.lexicon = "../../my.toml"' in said
    for absent in ("model.ensemble", "model.n_topics", "model.lda.iterations", "model.lda.alpha", "corpus.", "sweep."):
        assert absent not in said, absent
    lda_only = shared_settings(config, ["model.n_topics"], ["lda"], summary)
    assert "model.keyatm" not in lda_only and "model.lda.passes = 3" in lda_only
    assert "model.lda" not in shared_settings(config, ["model.lda"], ["lda"], summary)  # the grid's table
    assert "model.lda.passes" not in shared_settings(config, ["model.passes"], ["lda"], summary)  # a moved grid key
    default = shared_settings(Config.load(None), ["model.n_topics"], ["keyatm"], summary)
    assert default.startswith("Every setting the grid does not set is the default")
