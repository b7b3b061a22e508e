"""Large corpora: fitting on a sample stratified by document and folding in the rest (toolkit.analysis.sampling), on the
seed corpus with thresholds lowered so that it counts as large."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.analysis import sampling
from toolkit.analysis.lexicon import keyword_counts
from toolkit.config import Config
from toolkit.pipeline import count_units, fit, prepare

from .conftest import ROOT

FAST = ["model.keyatm.iterations=60", "model.ensemble=2"]


@pytest.fixture(scope="module")
def prepared():
    config = Config.load(ROOT / "configs" / "seeds.toml", FAST)
    return config, prepare(config)


def test_the_sample_takes_the_same_share_of_every_document():
    rng = np.random.default_rng(0)
    doc_ids = np.repeat(np.arange(12), rng.integers(1, 40, 12))
    lengths = rng.integers(5, 80, len(doc_ids))
    taken = sampling.sample_units(doc_ids, lengths, lengths.sum() // 4, random_state=7)
    for doc in range(12):
        mine = doc_ids == doc
        assert taken[mine].any()  # every document is in the sample
        share = lengths[mine & taken].sum() / lengths[mine].sum()
        # a quarter of its tokens, give or take its last unit taken (or the one unit a small document gives)
        assert share >= 0.25 or taken[mine].sum() == 1
        assert lengths[mine & taken].sum() - lengths[mine & taken].max() < 0.25 * lengths[mine].sum() or taken[mine].sum() == 1
    assert np.array_equal(taken, sampling.sample_units(doc_ids, lengths, lengths.sum() // 4, random_state=7))
    assert not np.array_equal(taken, sampling.sample_units(doc_ids, lengths, lengths.sum() // 4, random_state=8))
    assert sampling.sample_units(doc_ids, lengths, lengths.sum() * 2, random_state=7).all()


def test_a_large_corpus_is_fitted_on_a_sample_and_the_rest_folded_in(prepared, monkeypatch):
    """Shares of every unit, the sampled and the folded-in alike, identical for any number of threads; a theme has
    no share in a folded-in unit without one of its keywords, as in the fit."""
    config, data = prepared
    monkeypatch.setattr(sampling, "BLOCK", 16)  # several blocks of folded-in units on a small corpus
    runs = {}
    for threads in (1, 2):
        large = Config.load(
            ROOT / "configs" / "seeds.toml",
            [*FAST, "model.sample_above=1000", "model.sample_tokens=1500", f"model.n_jobs={threads}"],
        )
        runs[threads] = fit(data, large)
    fitted = runs[1]
    assert np.array_equal(fitted.member_shares, runs[2].member_shares)
    sample = fitted.sample
    assert sample["of_units"] == fitted.counts.shape[0] and 0 < sample["units"] < sample["of_units"]
    assert sample["documents"] == data.units["doc_id"][fitted.in_model].nunique()  # every document in it
    assert 1500 <= sample["tokens"] < sample["of_tokens"]
    assert np.allclose(fitted.member_shares.sum(axis=2), 1)
    # the exact-absence property of the measurement holds in the folded-in units too
    names = list(data.lexicon.names)
    keywords = keyword_counts(data.tokens, data.lexicon, config["themes"]["match"])[fitted.in_model]
    shares = fitted.member_shares
    for t, name in enumerate(names):
        without = keywords[:, t] == 0
        assert (shares[:, without, t] == 0).all(), name
    # which units were in the sample, for units.csv (a hostile pass: a reviewer could not tell them apart)
    assert fitted.in_sample is not None and fitted.in_sample.sum() == sample["units"]
    assert len(fitted.in_sample) == fitted.counts.shape[0]
    from toolkit.pipeline import unit_table

    table = unit_table(data, fitted)
    assert table["in_sample"].sum() == sample["units"] and not table.loc[~table["in_model"], "in_sample"].any()
    assert table.loc[table["in_sample"], "doc_id"].nunique() == sample["documents"]
    # below the threshold every unit is fitted
    whole = fit(data, config)
    assert whole.sample is None and whole.in_sample is None and "in_sample" not in unit_table(data, whole)


def test_words_dropped_and_rows_picked_block_by_block_are_those_of_a_copy(prepared, monkeypatch):
    """``fold_in(..., drop=ids)`` takes the words out of each block as it is folded in: the shares are those of
    folding in a copy of the counts without those words (the split-half check's fold-in, without the copy), in
    several blocks and on any number of threads; ``rows=`` folds in those units as a copy of their rows would be
    (the units left out of a sample)."""
    config, data = prepared
    monkeypatch.setattr(sampling, "BLOCK", 16)
    fitted = fit(data, config)
    model, counts = fitted.model, fitted.counts
    totals = np.asarray(counts.sum(axis=0)).ravel()
    drop = np.argsort(-totals, kind="stable")[:40]  # the most frequent words: every unit loses some
    copy = counts.tolil(copy=True)
    copy[:, drop] = 0
    copy = copy.tocsr()
    copy.eliminate_zeros()
    expected = sampling.fold_in(model, copy, 1)
    for threads in (1, 2):
        assert np.array_equal(sampling.fold_in(model, counts, threads, drop=drop), expected)
    assert not np.array_equal(expected, sampling.fold_in(model, counts, 1))
    rows = np.flatnonzero(np.arange(counts.shape[0]) % 3 != 1)
    assert np.array_equal(sampling.fold_in(model, counts, 2, rows=rows), sampling.fold_in(model, counts[rows], 1))


def test_the_sample_follows_the_full_fit(prepared):
    """Fitted on about half of the tokens, each theme's corpus share stays near the full fit's (a coarse check on
    a small corpus; bench/sampling.py measures the agreement of yearly shares on large ones)."""
    config, data = prepared
    full = fit(data, config)
    half = fit(data, Config.load(ROOT / "configs" / "seeds.toml", [*FAST, "model.sample_above=1000", "model.sample_tokens=1900"]))
    tokens = np.asarray(count_units(data, config)[1].sum(axis=1)).ravel()
    corpus = pd.DataFrame(
        {
            "full": full.member_shares.mean(axis=0).T @ tokens / tokens.sum(),
            "half": half.member_shares.mean(axis=0).T @ tokens / tokens.sum(),
        }
    )
    assert np.corrcoef(corpus["full"], corpus["half"])[0, 1] > 0.8


def test_a_sample_is_said_only_when_it_is_one_and_must_hold_the_topics(prepared, caplog):
    """The sample's odd sizes (a hostile pass, 2026-12-05): one that takes every unit was reported as a sample
    ("each fit saw a sample of 144 of its 144 paragraphs"); one of fewer units than topics failed with "use smaller
    units (units.max_chars)", naming neither the sample nor model.sample_tokens; a theme whose keywords fell
    outside the sample was listed as fitted, its keywords "kept", without a word."""
    import logging

    from toolkit.errors import ToolkitError

    config, data = prepared

    def sampled(tokens: int, seed: int = 42, *more: str):
        options = [*FAST, "model.sample_above=1000", f"model.sample_tokens={tokens}", f"model.random_state={seed}", *more]
        return fit(data, Config.load(ROOT / "configs" / "seeds.toml", options))

    with caplog.at_level(logging.INFO, logger="toolkit"):
        whole = sampled(100_000)
    assert whole.sample is None
    # said, not silent (a hostile pass of the large-corpus path): the user asked for a sample
    assert "the sample of about 100000 tokens (model.sample_tokens) holds all" in caplog.text
    assert np.array_equal(whole.member_shares, fit(data, config).member_shares)  # the fit on every unit
    with pytest.raises(ToolkitError, match=r"^the fit.s sample holds 5 of the 144 units .*sample_tokens\), too few: keyatm"):
        sampled(1)
    # a model that no number of units fits as asked (too few topics for the themes) is told so, not to raise the
    # sample's tokens; nor its units the corpus's to be too few (a review: "16 units are too few for any
    # model.n_topics" of 144, from the sample's count)
    with pytest.raises(ToolkitError, match=r"raise model.n_topics to at least") as raised:
        sampled(300, 42, "model.n_topics=5")
    assert "sample" not in str(raised.value) and "too few for any" not in str(raised.value)
    # which themes' keywords a small sample misses, counted here from the tokens of the units it took
    vocabulary, counts, in_model = count_units(data, config)
    names = list(data.lexicon.names)
    keywords = keyword_counts(data.tokens, data.lexicon, config["themes"]["match"])[in_model]
    doc_ids = data.units["doc_id"].to_numpy()[in_model]
    taken = sampling.sample_units(doc_ids, np.asarray(counts.sum(axis=1)).ravel(), 400, 46)
    missed = [n for t, n in enumerate(names) if keywords[:, t].sum() and not keywords[taken, t].sum()]
    assert missed  # this sample misses some (livelihood, agriculture_rural ...)
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        sampled(400, 46)
    said = [r.getMessage() for r in caplog.records if "without a keyword in the fit's sample" in r.getMessage()]
    assert len(said) == 1 and f"of {int(taken.sum())} of 144 units: {', '.join(missed)} (" in said[0], said
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="toolkit"):  # an exploratory model anchors no topic to a theme
        sampled(400, 46, "model.kind=lda", "model.lda.passes=2")
    assert not [r for r in caplog.records if "without a keyword in the fit's sample" in r.getMessage()]


@pytest.mark.slow
def test_a_run_on_a_dask_cluster_gives_the_bytes_of_a_local_run(tmp_path, monkeypatch):
    """`toolkit run --scheduler`: the preparation's chunks and the fold-in's blocks go to a Dask cluster (a
    LocalCluster of two worker processes here), and every output is byte for byte the local run's."""
    from dask.distributed import LocalCluster

    import toolkit
    from toolkit.text import preparation

    monkeypatch.setattr(preparation, "CHUNK_CHARS", 4000)  # the five seed documents in several chunks
    monkeypatch.setattr(preparation, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(sampling, "BLOCK", 16)
    settings = [
        *FAST,
        "model.sample_above=1000",
        "model.sample_tokens=1500",
        "segment.n_jobs=2",
        "figures.formats=[]",
        "figures.ldavis=false",
    ]

    def run(name: str, scheduler=None):
        config = Config.load(ROOT / "configs" / "seeds.toml", [*settings, f'cache.dir="{tmp_path / name}-cache"'])
        return toolkit.run(config, tmp_path / name, scheduler=scheduler)

    local = run("local")
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True) as cluster:
        remote = run("dask", cluster.scheduler_address)
        tasks = {prefix for prefix in cluster.scheduler.task_prefixes}
    assert any("prepare_chunk" in t for t in tasks) and any("transform" in t for t in tasks), tasks
    hashes = [dict(r.manifest["outputs_sha256"]) for r in (local, remote)]
    for h in hashes:
        h.pop("config.toml")  # it names its cache folder
    assert hashes[0] == hashes[1]
    assert local.manifest["sample"] == remote.manifest["sample"] and local.manifest["sample"]["units"] < 145


def test_on_a_dask_cluster_the_stages_use_every_thread_of_it():
    """The preparation's chunks and the fold-in's blocks in flight: a set number, else every thread of the
    cluster (it was this machine's core count, so a cluster of 64 cores prepared two chunks at a time)."""
    from dask.distributed import LocalCluster
    from joblib import cpu_count

    from toolkit.processes import available_workers, on_dask

    assert available_workers(0) == cpu_count() and available_workers(None) == cpu_count() and available_workers(5) == 5
    with LocalCluster(n_workers=3, threads_per_worker=2, dashboard_address=None, processes=False) as cluster:
        with on_dask(cluster.scheduler_address):
            assert available_workers(0) == 6 and available_workers(4) == 4
    assert available_workers(0) == cpu_count()


@pytest.mark.slow
def test_a_dask_cluster_without_a_worker_is_one_line_of_error():
    """joblib waits for a worker (10 s in a run; 1 s here), then says so as a TimeoutError: a one-line error of the
    toolkit instead."""
    from dask.distributed import LocalCluster

    from toolkit.errors import ToolkitError
    from toolkit.processes import on_dask

    with LocalCluster(n_workers=0, dashboard_address=None, processes=False) as cluster:
        # said on connecting, before any work (a hostile pass: a run prepared its texts and fitted on its sample
        # first, and learned of it at the fold-in)
        with pytest.raises(ToolkitError, match="has no worker \\(waited 1 s\\): start one with `dask worker"):
            with on_dask(cluster.scheduler_address, wait_for_workers=1):
                raise AssertionError("the block ran on a cluster without a worker")


def test_an_empty_scheduler_address_is_refused_not_a_local_run(capsys):
    """From a hostile pass of the large-corpus paths: ``--scheduler "$ADDRESS"`` with the variable unset ran locally
    without a word, a run its user took for the cluster's."""
    from toolkit import cli

    for command in (["run", str(ROOT / "configs" / "seeds.toml")], ["sweep", str(ROOT / "configs" / "seeds.toml")]):
        assert cli.main([*command, "--scheduler", ""]) == 2
        assert capsys.readouterr().err == (
            "toolkit: error: --scheduler is empty: give the Dask scheduler's address (tcp://HOST:8786), or leave it out\n"
        )


@pytest.fixture
def no_scheduler():
    """Start a TCP server on 127.0.0.1 that is no Dask scheduler: ``start(reply)`` answers each connection with
    ``reply`` and closes it, or, with None, holds it open and says nothing (as a web server waits for a request);
    returns its address. Stopped after the test."""
    import socket
    import threading

    servers = []

    def start(reply: bytes | None) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        held = []

        def serve() -> None:
            while True:
                try:
                    connection, _ = server.accept()
                except OSError:  # closed: the test is over
                    return
                if reply is None:
                    held.append(connection)
                else:
                    connection.sendall(reply)
                    connection.close()

        threading.Thread(target=serve, daemon=True).start()
        servers.append((server, held))
        return f"tcp://127.0.0.1:{server.getsockname()[1]}"

    yield start
    for server, held in servers:
        server.close()
        for connection in held:
            connection.close()


@pytest.mark.parametrize("reply", [b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", None], ids=["answers", "silent"])
def test_a_scheduler_address_where_no_dask_scheduler_answers_is_one_line_of_error(tmp_path, monkeypatch, no_scheduler, reply):
    """Something listening at the address that is no Dask scheduler (a hostile pass, 2026-12-05): a server that
    answered with text made Dask read it as a frame of 3 exabytes (a MemoryError's traceback, exit 1), and a web
    server that waits for a request kept the run waiting for ever (Dask's timeout does not cover its handshake)."""
    from toolkit import processes

    from .conftest import cli

    monkeypatch.setattr(processes, "CONNECT_SECONDS", 1)
    monkeypatch.setattr(processes, "CONNECT_MARGIN", 1)
    address = no_scheduler(reply)
    result = cli("run", ROOT / "configs" / "seeds.toml", "--out", tmp_path / "out", "--scheduler", address)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith(f"toolkit: error: cannot reach the Dask scheduler at {address}: ")
    said = "what answers there is no Dask scheduler" if reply else "no answer within 2 s"
    assert said in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "out").exists()
    # no "Unable to allocate 3.07 EiB", which read as the toolkit's own memory (a hostile pass of the large corpora)
    assert "EiB" not in result.stderr and ("it answers in another protocol" in result.stderr or not reply)


def test_a_tls_scheduler_without_dasks_tls_settings_is_said_to_need_them(tmp_path):
    """A tls:// address is Dask's; what was missing is its security settings, but the error called it "no Dask
    scheduler address ... give one as tcp://host:8786" (a hostile pass of the large-corpus path)."""
    from .conftest import cli

    result = cli("run", ROOT / "configs" / "seeds.toml", "--out", tmp_path / "out", "--scheduler", "tls://127.0.0.1:1")
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "a TLS address needs Dask's TLS settings" in result.stderr and "is no Dask scheduler address" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("then", ["work", "disk full", "bug"])
def test_a_cluster_lost_during_the_work_is_one_line_of_error(monkeypatch, then):
    """The scheduler gone while a run works on it (the cluster stopped, the network down): Dask's errors of it
    (CommClosedError, CancelledError, "ConnectionPool closing") came out as tracebacks with exit 1; they are one
    line of the toolkit's now. An error of the work itself stays what it is, the cluster alive or not (a review:
    a full disk and a KeyError raised while the client reconnected were both called a lost scheduler)."""
    import errno
    import time

    from dask.distributed import LocalCluster
    from joblib import Parallel, delayed

    from toolkit import processes
    from toolkit.errors import ToolkitError
    from toolkit.processes import available_workers, on_dask

    monkeypatch.setattr(processes, "CONNECT_SECONDS", 1)  # how long the client tries to reconnect, too
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False) as cluster:
        with pytest.raises(ZeroDivisionError):  # the cluster alive: the work's own error
            with on_dask(cluster.scheduler_address):
                Parallel(n_jobs=2)(delayed(divmod)(1, i) for i in range(2))
        expected = {"work": ToolkitError, "disk full": OSError, "bug": KeyError}[then]
        with pytest.raises(expected) as raised:
            with on_dask(cluster.scheduler_address) as client:
                assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(3)) == [0, 1, 2]
                cluster.close()
                if then == "work":
                    available_workers(0)
                deadline = time.monotonic() + 10
                while client.status == "running" and time.monotonic() < deadline:  # the client has noticed
                    time.sleep(0.02)
                assert client.status != "running"
                raise OSError(errno.ENOSPC, "No space left on device") if then == "disk full" else KeyError("year")
    if then == "work":
        assert str(raised.value).startswith("lost the Dask scheduler at ") and "start the cluster" in str(raised.value)


@pytest.mark.slow
@pytest.mark.parametrize("then", ["work", "disk full", "bug"])
def test_work_after_the_client_gave_up_reconnecting_is_one_line_of_error(monkeypatch, then):
    """A scheduler stopped during the fit: Dask's client tried to reconnect, gave up ("closed") and dropped its
    scheduler, and the next stage's count of the workers failed on that (AttributeError: 'NoneType' object has no
    attribute 'ncores'), a traceback with exit 1 (a hostile pass). An error of the work itself then stays what it is
    (a review: a full disk was called a lost scheduler, and the user sent to restart the cluster)."""
    import errno
    import time

    from dask.distributed import LocalCluster

    from toolkit import processes
    from toolkit.errors import ToolkitError
    from toolkit.processes import available_workers, on_dask

    monkeypatch.setattr(processes, "CONNECT_SECONDS", 1)  # how long the client tries to reconnect
    expected = {"work": ToolkitError, "disk full": OSError, "bug": KeyError}[then]
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False) as cluster:
        with pytest.raises(expected) as raised:
            with on_dask(cluster.scheduler_address) as client:
                cluster.close()
                deadline = time.monotonic() + 30
                while client.status != "closed" and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert client.status == "closed"
                if then == "work":
                    available_workers(0)
                raise OSError(errno.ENOSPC, "No space left on device") if then == "disk full" else KeyError("year")
    if then == "work":
        assert str(raised.value).startswith("lost the Dask scheduler at ") and "gave up reconnecting" in str(raised.value)


def test_work_a_lost_worker_took_with_it_is_one_line_of_error():
    """A worker killed during the fold-in took the block joblib had sent it alone: Dask's FutureCancelledError
    ("already forgotten") came out as three tracebacks and exit 1 while the cluster ran on (a hostile pass)."""
    from dask.distributed import LocalCluster
    from distributed.client import FutureCancelledError

    from toolkit.errors import ToolkitError
    from toolkit.processes import on_dask

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False) as cluster:
        with pytest.raises(ToolkitError, match=r"lost work during the run, a worker stopping with data only it held"):
            with on_dask(cluster.scheduler_address) as client:
                assert client.status == "running"
                raise FutureCancelledError("batch_of__transform_1", "already forgotten")
        with pytest.raises(ZeroDivisionError):  # the work's own error stays what it is
            with on_dask(cluster.scheduler_address):
                raise ZeroDivisionError


def test_a_client_that_connects_after_the_deadline_is_closed_and_never_the_default(monkeypatch):
    """A review: a client still connecting when the toolkit gave up stayed open for good, and as Dask's default
    client it took a notebook's later dask.compute (or kept it waiting). It is made with set_as_default=False and
    closed when it connects late."""
    import threading

    from toolkit import processes
    from toolkit.errors import ToolkitError

    made, released = [], threading.Event()

    class SlowClient:
        def __init__(self, address, **options):
            self.options, self.closed = options, False
            released.wait(10)  # connects only once the caller has given up
            made.append(self)

        def close(self):
            self.closed = True

    monkeypatch.setattr(processes, "CONNECT_SECONDS", 0.1)
    monkeypatch.setattr(processes, "CONNECT_MARGIN", 0.1)
    with pytest.raises(ToolkitError, match=r"^cannot reach the Dask scheduler at tcp://127.0.0.1:9: no answer within"):
        processes._connect(SlowClient, "tcp://127.0.0.1:9")
    released.set()
    for _ in range(200):
        if made and made[0].closed:
            break
        threading.Event().wait(0.01)
    assert made and made[0].closed and made[0].options["set_as_default"] is False


def test_lda_folds_in_the_same_shares_for_any_number_of_threads(prepared):
    """From a hostile pass of the large-corpus paths: LDA's fold-in set the fitted gensim model's random state for
    each block and put it back after, one model shared by the threads: blocks drew their starts from each other's
    states, and 8,037 of 15,029 units of the State Council reports changed (dominant themes of 277) from run to run
    at model.n_jobs=2. Each call draws from a state of its own now."""
    config, data = prepared
    lda = Config.load(ROOT / "configs" / "seeds.toml", [*FAST, 'model.kind="lda"', "model.lda.passes=2"])
    fitted = fit(data, lda)
    model = fitted.model
    counts = fitted.counts.tocsr()
    alone = sampling.fold_in(model, counts, n_jobs=1, block=2)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns often, as on a loaded machine with large blocks
    try:
        for _ in range(10):
            assert np.array_equal(sampling.fold_in(model, counts, n_jobs=2, block=2), alone)
    finally:
        sys.setswitchinterval(switch)
    assert np.allclose(alone.sum(axis=1), 1) and type(model).__name__ == "LdaTopicModel"


def test_a_dask_worker_of_another_build_is_refused_before_any_work(monkeypatch):
    """From a hostile pass of the large-corpus paths: workers started from another checkout (one default of the
    fold-in changed) gave a run 11 other tables, exit 0, and the manifest recorded this process's build alone.
    Every worker's toolkit build and package versions are compared with this process's on connecting."""
    from dask.distributed import LocalCluster

    from toolkit import processes
    from toolkit.errors import ToolkitError
    from toolkit.processes import on_dask

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False) as cluster:
        with on_dask(cluster.scheduler_address) as client:  # the same build: the work goes on
            assert client is not None
        mine = processes._build()
        seen = []
        monkeypatch.setattr(processes, "compare_builds", lambda mine, theirs: seen.append(theirs))
        with on_dask(cluster.scheduler_address):
            assert list(seen[0].values()) == [mine]  # compared with the worker's own, before the block
        monkeypatch.undo()
    assert len(mine["toolkit source"]) == 64 and mine["numpy"] == np.__version__
    processes.compare_builds(mine, {"tcp://a:1": dict(mine), "tcp://b:2": dict(mine)})
    other = {**mine, "toolkit source": "0" * 64}
    with pytest.raises(
        ToolkitError, match=r"worker tcp://b:2 runs another toolkit source than this process \(000000000000 there"
    ):
        processes.compare_builds(mine, {"tcp://a:1": dict(mine), "tcp://b:2": other})
    with pytest.raises(ToolkitError, match="runs another numpy than this process"):
        processes.compare_builds(mine, {"tcp://a:1": {**mine, "numpy": "1.0"}})
    with pytest.raises(ToolkitError, match="worker tcp://a:1 answered int, not the toolkit's build"):  # not AttributeError
        processes.compare_builds(mine, {"tcp://a:1": 0})


def test_an_editors_backup_file_is_no_part_of_the_build_and_the_packages_that_compute_are_compared(tmp_path, monkeypatch):
    """From an adversarial review: a worker whose toolkit was the same but for an editor's backup (effects.py~) was
    refused as another build, while one with another numba or jieba-fast-dat was accepted (not compared)."""
    import shutil

    import toolkit
    from toolkit.output import manifest

    copy = tmp_path / "toolkit"
    shutil.copytree(Path(toolkit.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(manifest, "__file__", str(copy / "output" / "manifest.py"))
    manifest.source_sha256.cache_clear()
    try:
        before = manifest.source_sha256()
        for name in ("effects.py~", ".#effects.py", "#effects.py#", "effects.py.swp", "effects.py.orig", ".DS_Store"):
            (copy / "analysis" / name).write_text("x = 1\n", encoding="utf-8")
        manifest.source_sha256.cache_clear()
        assert manifest.source_sha256() == before
        (copy / "analysis" / "effects.py").write_text("x = 1\n", encoding="utf-8")
        manifest.source_sha256.cache_clear()
        assert manifest.source_sha256() != before
    finally:
        manifest.source_sha256.cache_clear()
    versions = manifest.package_versions()
    assert {"numba", "jieba-fast-dat", "statsmodels", "pyarrow", "joblib"} <= set(versions)


def test_a_dask_worker_that_joins_later_with_another_build_refuses_the_work(prepared, monkeypatch):
    """From an adversarial review: the builds were compared on connecting only, and a worker that joined later from
    another checkout (clusters add workers for minutes; a nanny restarts one) ran 22 of 40 tasks with no error. Every
    task sent under on_dask checks its worker's build: the fold-in's blocks here, on a worker whose build is not
    this process's (as one joined after the comparison would be)."""
    from dask.distributed import LocalCluster

    from toolkit import processes
    from toolkit.errors import ToolkitError

    config, data = prepared
    fitted = fit(data, config)
    counts = fitted.counts.tocsr()
    here = sampling.fold_in(fitted.model, counts, n_jobs=2, block=50)
    real = processes._build_here()
    other = tuple((name, "0" * 64 if name == "toolkit source" else value) for name, value in real)
    with LocalCluster(n_workers=1, threads_per_worker=2, dashboard_address=None, processes=False) as cluster:
        with processes.on_dask(cluster.scheduler_address):  # compared on connecting: the same build
            assert np.array_equal(sampling.fold_in(fitted.model, counts, n_jobs=2, block=50), here)
            # from now on the worker runs another build (its tasks run in its threads, in this process)
            monkeypatch.setattr(processes, "_build_here", lambda: other if processes._dask_worker() else real)
            with pytest.raises(ToolkitError, match="runs another toolkit source than this process"):
                sampling.fold_in(fitted.model, counts, n_jobs=2, block=50)


def test_an_error_inside_on_dask_stays_itself_on_a_distributed_without_future_cancelled_error(monkeypatch):
    """pyproject allows distributed>=2024.1; FutureCancelledError exists from 2024.7.0 only."""
    import distributed.client
    from dask.distributed import LocalCluster

    from toolkit.processes import on_dask

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False) as cluster:
        monkeypatch.delattr(distributed.client, "FutureCancelledError")  # as in distributed 2024.1 ... 2024.6.2
        with pytest.raises(ZeroDivisionError):  # an ImportError was raised instead
            with on_dask(cluster.scheduler_address):
                raise ZeroDivisionError
