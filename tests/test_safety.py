"""Never delete a user's files: output folders are replaced only when the toolkit wrote them, never overlap an
input, are locked while a run writes them, and a full disk leaves the previous output as it was."""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import toolkit
from toolkit.config import Config
from toolkit.errors import INTERRUPTED, ToolkitError
from toolkit.output import atomic, csv_files

from .conftest import ROOT, SEEDS, cli, git, python_process, snapshot, started_toolkit, toolkit_process, write_config

SEEDS_CONFIG = ROOT / "configs" / "seeds.toml"
FAST = ["model.n_topics=5", 'figures.formats=["png"]', "figures.ldavis=false", "trends.bootstrap=0"]


@pytest.fixture
def project(tmp_path):
    """A user's project: a text folder, its metadata and a config beside it."""
    texts = tmp_path / "data"
    shutil.copytree(SEEDS, texts)
    config = write_config(
        tmp_path / "study.toml",
        texts,
        texts / "metadata.csv",
        model={"kind": "nmf", "n_topics": 5},
        figures={"formats": ["png"], "ldavis": False, "dpi": 30},
        trends={"bootstrap": 0},
    )
    return tmp_path, config


def test_a_folder_of_the_users_files_is_refused_and_left_alone(project):
    tmp_path, config = project
    mine = tmp_path / "mydocs"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"PK\x03\x04 years of work")
    result = cli("run", str(config), "--out", str(mine), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    said = f"toolkit: error: --out {mine} holds files the toolkit did not write, or changed since it wrote them (a sheet"
    assert said in result.stderr and "(a sheet coded by hand; thesis.docx first)" in result.stderr  # named
    assert (mine / "thesis.docx").read_bytes() == b"PK\x03\x04 years of work"
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.docx"]


@pytest.mark.parametrize(
    "where, message",
    [
        ("data", "is corpus.texts"),
        (".", "is the current folder or contains it"),
        ("data/runs", "lies inside corpus.texts"),
        ("study.toml", "is the config"),
    ],
)
def test_outputs_never_overlap_the_inputs(project, where, message):
    tmp_path, config = project
    before = snapshot(tmp_path)
    out = tmp_path / where
    result = cli("run", str(config), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before  # nothing written, nothing deleted


def test_a_folder_holding_the_inputs_is_refused(project):
    tmp_path, config = project
    inputs = Config.load(config).input_paths()
    with pytest.raises(ToolkitError, match="contains the config"):
        atomic.check_output_location(tmp_path, inputs)
    del inputs["the config"]
    with pytest.raises(ToolkitError, match="contains corpus.texts"):
        atomic.check_output_location(tmp_path, inputs)


def _linked_folder(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    return tmp_path / "link"


@pytest.mark.parametrize(
    "where, message",
    [
        (lambda tmp_path: tmp_path / ("长" * 100), "the folder name is 300 bytes long; give one of at most 237 bytes"),
        (_linked_folder, "link is a symbolic link; give a real folder"),
    ],
    ids=["name too long", "symbolic link"],
)
def test_unusable_output_locations_are_one_line(project, where, message):
    tmp_path, config = project
    out = where(tmp_path)
    before = snapshot(tmp_path)
    result = cli("run", str(config), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("toolkit: error: --out") and message in result.stderr, result.stderr
    assert snapshot(tmp_path) == before


def test_corpus_name_cannot_point_outside_runs(project):
    tmp_path, config = project
    result = cli("run", str(config), "--set", 'corpus.name="."', cwd=tmp_path)
    assert result.returncode == 2 and "corpus.name must be a plain name" in result.stderr
    assert not (tmp_path / "runs").exists()


def test_earlier_outputs_are_replaced_but_not_with_a_users_file_inside(project):
    tmp_path, config = project
    out = tmp_path / "runs" / "study"
    toolkit.run(Config.load(config, ['figures.only=["theme_shares"]']), out)
    assert (out / atomic.MARKER).is_file() and (out / "figures" / "theme_shares.png").is_file()
    # a folder the toolkit wrote (its figures too): replaced, here by one without figures
    toolkit.run(Config.load(config, ["model.n_topics=6", "figures.formats=[]"]), out)
    assert json.loads((out / "manifest.json").read_text())["config"]["model"]["n_topics"] == 6
    (out / "my_notes.md").write_text("reading notes", encoding="utf-8")
    with pytest.raises(ToolkitError, match="holds files the toolkit did not write"):
        toolkit.run(config, out)
    assert (out / "my_notes.md").read_text(encoding="utf-8") == "reading notes"
    (out / "my_notes.md").unlink()
    edited = (out / "units.csv").read_text(encoding="utf-8") + "my own row\n"
    (out / "units.csv").write_text(edited, encoding="utf-8")  # a table edited by hand is the user's now
    with pytest.raises(ToolkitError, match="holds files the toolkit did not write"):
        toolkit.run(config, out)
    assert (out / "units.csv").read_text(encoding="utf-8") == edited


def _earlier_version_output(folder):
    """An output as versions before the marker wrote it: manifest.json lists the other files' SHA-256 but its
    own and report.html's."""
    import hashlib

    (folder / "figures").mkdir(parents=True)
    (folder / "units.csv").write_text("x")
    (folder / "figures" / "a.png").write_bytes(b"png")
    (folder / "report.html").write_text("<html>")
    listed = {"units.csv": hashlib.sha256(b"x").hexdigest(), "figures/a.png": hashlib.sha256(b"png").hexdigest()}
    (folder / "manifest.json").write_text(json.dumps({"outputs_sha256": listed}))


@pytest.mark.parametrize("edit", [None, "report.html", "manifest.json"])
def test_outputs_of_earlier_versions_are_refused_as_they_cannot_be_checked(tmp_path, edit):
    old = tmp_path / "old"
    _earlier_version_output(old)
    if edit == "report.html":
        (old / edit).write_text("<html><p>my notes on the themes</p>")
    elif edit == "manifest.json":
        manifest = json.loads((old / edit).read_text())
        (old / edit).write_text(json.dumps({**manifest, "my_note": "corpus checked by hand"}))
    before = snapshot(old)
    with pytest.raises(
        ToolkitError,
        match="is an output of an earlier toolkit version: its report.html and manifest.json cannot be checked for your edits",
    ):
        with atomic.output_folder(old) as work:
            (work / "units.csv").write_text("new")
    assert snapshot(old) == before
    (old / "thesis.docx").write_bytes(b"mine")
    with pytest.raises(ToolkitError, match="holds files the toolkit did not write"):
        atomic.check_output_location(old)


def test_a_second_run_into_a_busy_folder_stops_at_once(project):
    tmp_path, config = project
    out = tmp_path / "runs" / "busy"
    env = {**os.environ, "TOOLKIT_CACHE_DIR": str(tmp_path / "cache")}
    # once started (its first log line), the first run holds the folder
    first = started_toolkit("run", config, "--out", out, "--set", "model.n_topics=6", cwd=tmp_path, env=env)
    second = toolkit_process("run", config, "--out", out, cwd=tmp_path, env=env)
    _, first_err = first.communicate(timeout=300)
    assert second.returncode == 2 and "is busy: another toolkit run is writing it" in second.stderr
    assert first.returncode == 0, first_err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["model"]["n_topics"] == 6  # the first run's complete output, not a mixture
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files == {*manifest["outputs_sha256"], "manifest.json", "report.html", atomic.MARKER}


def _process_group(pgid):
    """The processes still alive (not zombies) in process group ``pgid``."""
    alive = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat_file.parent.name))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists processes through /proc")
@pytest.mark.parametrize("to_group", [False, True], ids=["kill", "timeout"])
def test_sigterm_stops_a_run_like_ctrl_c(project, to_group):
    """``kill`` signals the run alone; ``timeout`` and batch schedulers its whole process group (workers too)."""
    tmp_path, config = project
    out = tmp_path / "out"
    env = {**os.environ, "TOOLKIT_CACHE_DIR": str(tmp_path / "cache")}
    toolkit.run(Config.load(config, ["figures.formats=[]"]), out)  # the previous output: its tables are enough
    before = snapshot(out)
    # once started (its first log line), the run holds its partial folder (and draws its figures in workers)
    process = started_toolkit(
        "run", config, "--out", out, "--set", "model.n_topics=6", cwd=tmp_path, env=env, start_new_session=True
    )
    time.sleep(1.0)
    if to_group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr
    assert INTERRUPTED in stderr and "Traceback" not in stderr, stderr
    assert snapshot(out) == before
    # no partial folder left; the cache is there only if the run got as far as writing it before the signal
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == [".out.lock", "data", "out", "study.toml"]
    deadline = time.monotonic() + 10
    while _process_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _process_group(process.pid) == []


def test_an_interrupt_that_c_code_swallowed_still_stops_the_run(project, monkeypatch, capsys):
    """A signal handler's exception raised inside a callback from C (numba's through ctypes, as it loads its
    kernels) is printed as ignored and lost: the run then finished as if not interrupted. It is kept and
    raised as the next stage starts: the run stops, keeps no output and prints no traceback."""
    import ctypes

    from toolkit import pipeline
    from toolkit.errors import Terminated

    tmp_path, config = project

    def handler_raising() -> None:
        raise Terminated

    callback = ctypes.CFUNCTYPE(None)(handler_raising)
    counted = pipeline.count_units

    def count_units(*args):
        callback()  # returns: ctypes reports the exception as unraisable and goes on
        return counted(*args)

    monkeypatch.setattr(pipeline, "count_units", count_units)
    with pytest.raises(Terminated):
        toolkit.run(Config.load(config, ["figures.formats=[]", "figures.ldavis=false"]), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in capsys.readouterr().err


def _signalled_in_c(sig):
    """A callback from C in which ``sig`` is sent to this process: its handler's exception is swallowed there."""
    import ctypes

    def signalled() -> None:
        os.kill(os.getpid(), sig)
        sum(range(10_000))  # the handler runs here, inside the callback

    return ctypes.CFUNCTYPE(None)(signalled)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_second_signal_stops_a_run_whose_first_c_code_swallowed(project, monkeypatch, sig):
    """The command line ignores a signal after the first, which is stopping the run (a second Ctrl-C does not cut
    its clean-up short). When C code swallowed the first (kept for the next stage), a second one raises at once:
    pressing Ctrl-C again stopped nothing while a long stage (a fit) ran to its end. A third, as the drawing
    workers are shut down, is ignored again: the shutdown completes, no worker is left."""
    from toolkit import pipeline, processes

    tmp_path, config = project
    callback = _signalled_in_c(sig)
    counted, killed, reached = pipeline.count_units, processes.kill_executor, []

    def count_units(*args):
        callback()
        reached.append("the second signal")
        os.kill(os.getpid(), sig)  # the second signal, while the stage goes on
        for _ in range(100):
            time.sleep(0.05)
        reached.append("the end of the stage")
        return counted(*args)

    def kill_executor(executor):
        if reached != ["the second signal"]:  # a pool stopped before it (joblib's, by a stage), or after the first
            return killed(executor)
        workers = list(executor._processes.values())
        os.kill(os.getpid(), sig)  # a third, as the clean-up stops the drawing workers
        sum(range(10_000))
        killed(executor)
        reached.append(("workers left", [w.pid for w in workers if w.is_alive()]))

    monkeypatch.setattr(pipeline, "count_units", count_units)
    monkeypatch.setattr(processes, "kill_executor", kill_executor)
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: None)  # the run's own hook is put on top
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (an xdist worker may differ)
    try:
        result = cli("run", config, "--out", tmp_path / "out", "--set", "figures.workers=2")
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    assert result.returncode == (130 if sig == signal.SIGINT else 143), result.stderr
    assert reached == ["the second signal", ("workers left", [])] and not (tmp_path / "out").exists()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("first, second", [(signal.SIGINT, signal.SIGTERM), (signal.SIGTERM, signal.SIGINT)])
def test_a_signal_of_the_other_kind_does_not_cut_the_clean_up_short(monkeypatch, first, second):
    """Ctrl-C, then a SIGTERM during the clean-up (or the other way round): the clean-up completes and the exit code
    is the first signal's. Each signal used to be ignored only after one of its own kind."""
    from toolkit import cli as command_line

    cleaned = []

    def dispatch(args):
        try:
            os.kill(os.getpid(), first)
            time.sleep(2)
        finally:
            os.kill(os.getpid(), second)  # during the clean-up
            for _ in range(10):
                time.sleep(0.02)
            cleaned.append("done")

    monkeypatch.setattr(command_line, "_dispatch", dispatch)
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = command_line.main(["config", str(SEEDS_CONFIG)])
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
    assert code == (130 if first == signal.SIGINT else 143) and cleaned == ["done"]


@pytest.mark.parametrize("through", ["command line", "python"])
def test_a_swallowed_ctrl_c_stops_a_sweep_in_this_process(tmp_path, monkeypatch, through):
    """A sweep fitting its runs in its own process (``toolkit sweep --jobs 1``, or ``toolkit.sweep`` in a notebook):
    a Ctrl-C that C code swallowed there was printed as ignored and lost, and the sweep ran every fit to the end with
    exit 0. Kept, it stops the sweep at its next progress report: the one line, exit 130, no traceback."""
    from toolkit import sweeps

    callback, fit_one, fits = _signalled_in_c(signal.SIGINT), sweeps._fit_one, []

    def fit(*args):
        fits.append(1)
        if len(fits) == 1:
            callback()
        return fit_one(*args)

    monkeypatch.setattr(sweeps, "_fit_one", fit)
    lost: list = []
    monkeypatch.setattr(sys, "unraisablehook", lost.append)  # what nothing kept would be reported to
    before = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if through == "python":
            grid = {"model.kind": ["nmf"], "model.n_topics": [5, 6]}
            with pytest.raises(KeyboardInterrupt):
                toolkit.sweep(Config.load(SEEDS_CONFIG), tmp_path / "sw", grid=grid, n_jobs=1)
        else:
            grid = ["--grid", "model.kind=nmf", "--grid", "model.n_topics=5,6"]
            result = cli("sweep", SEEDS_CONFIG, "--out", tmp_path / "sw", "--jobs", "1", *grid)
            assert result.returncode == 130 and INTERRUPTED in result.stderr, result.stderr
            assert "Traceback" not in result.stderr
    finally:
        signal.signal(signal.SIGINT, before)
    assert len(fits) < 6 and lost == []


def test_a_swallowed_interrupt_stops_a_long_stage_at_its_next_progress():
    """A long stage (segmenting a large corpus) reports its progress: a swallowed interrupt stops it there rather
    than at the next stage, minutes later."""
    import ctypes

    from toolkit import progress

    def handler_raising() -> None:
        raise KeyboardInterrupt

    steps = progress.Progress(3, "segment", "documents")
    with pytest.raises(KeyboardInterrupt), progress.kept_interrupts():
        steps.advance()
        ctypes.CFUNCTYPE(None)(handler_raising)()  # swallowed: reported as unraisable
        steps.advance()
        pytest.fail("the second step ran")
    assert steps.done == 1


def test_only_the_main_threads_swallowed_interrupts_are_kept_and_the_hook_is_given_back(monkeypatch):
    """Signal handlers raise in the main thread: an interrupt that C code swallowed in another thread (one of the
    user's own) is reported as before, not raised into the run; the hook found is given back; a run in another
    thread does not replace it."""
    import ctypes
    import threading

    from toolkit import progress

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def handler_raising() -> None:
        raise KeyboardInterrupt

    callback = ctypes.CFUNCTYPE(None)(handler_raising)
    with progress.kept_interrupts():
        thread = threading.Thread(target=callback)
        thread.start()
        thread.join()
    assert [type(r.exc_value) for r in reported] == [KeyboardInterrupt]
    assert sys.unraisablehook == reported.append
    hooks = []

    def run_elsewhere() -> None:  # a run in another thread: no signal reaches it, nothing to keep
        with progress.kept_interrupts():
            hooks.append(sys.unraisablehook)

    thread = threading.Thread(target=run_elsewhere)
    thread.start()
    thread.join()
    assert hooks == [reported.append]


def test_an_unwritable_output_parent_is_reported_before_any_work(project, monkeypatch):
    tmp_path, config = project
    calls = []
    monkeypatch.setattr("toolkit.pipeline.load_inputs", lambda *a: calls.append(a))
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    with pytest.raises(ToolkitError, match="cannot create"):
        toolkit.run(config, blocker / "out")
    assert calls == []


def test_outputs_follow_the_umask_and_spreadsheet_formulas_are_neutralised_in_csv_but_not_in_python(project):
    """One run asked two things: its files' modes follow the umask; a title or place that a spreadsheet would
    read as a formula is written quoted to the CSV, and left as it is in the Python result."""
    tmp_path, config = project
    import pandas as pd

    metadata = tmp_path / "data" / "metadata.csv"
    table = pd.read_csv(metadata, dtype=str, keep_default_na=False)
    table.loc[1, "title"] = '=HYPERLINK("http://x.example","点击")'
    table.loc[2, "place"] = "@武汉"
    table.to_csv(metadata, index=False)
    toolkit.run(Config.load(config, ["figures.formats=[]"]), tmp_path / "before")  # a run before, in this process
    previous = os.umask(0o027)  # changed between two runs of one process (a notebook): the second follows it
    try:
        result = toolkit.run(Config.load(config, ['figures.only=["theme_shares"]']), tmp_path / "out")  # drawn by a worker
    finally:
        os.umask(previous)
    for name in ("units.csv", "config.toml", "manifest.json", "figures/theme_shares.png"):
        assert stat.S_IMODE((tmp_path / "out" / name).stat().st_mode) == 0o640, name
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    assert '=HYPERLINK("http://x.example","点击")' in set(result.documents["title"])
    written = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    assert '\'=HYPERLINK("http://x.example","点击")' in set(written["title"])
    assert "'@武汉" in set(written["place"])
    assert not any(str(v).startswith(("=", "+", "@")) for v in written.to_numpy().ravel())
    assert csv_files.spreadsheet_safe("-1 项") == "'-1 项" and csv_files.spreadsheet_safe(-1) == -1
    # report.html shows the title as the metadata has it, not as the CSV guards it
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "&#x27;=HYPERLINK" not in page and "&#x27;@武汉" not in page and "@武汉" in page


def _mount_tmpfs(path, size):
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.strip()})")


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0, reason="mounting a tmpfs needs root on Linux")
def test_a_full_disk_leaves_the_previous_output_and_no_partial_folder(project):
    tmp_path, config = project
    disk = tmp_path / "small_disk"
    _mount_tmpfs(disk, "4m")
    try:
        out = disk / "out"
        toolkit.run(config, out)
        before = snapshot(out)
        (disk / "other_data.bin").write_bytes(b"\0" * (shutil.disk_usage(disk).free - 300_000))  # nearly full
        result = cli("run", str(config), "--out", str(out), "--set", "model.n_topics=6", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert "no space left on the disk" in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert snapshot(out) == before
        assert sorted(p.name for p in disk.iterdir()) == [".out.lock", "other_data.bin", "out"]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_write_csv_neutralises_formulas_in_string_and_object_columns(tmp_path):
    """Columns of pandas' string type are checked without a Python string per cell; the file is the one the
    cell-by-cell rule gives, missing values and numbers untouched."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "text": pd.array(["=SUM(A1)", "创新驱动", None, "-1 项"], dtype="str"),
            "mixed": pd.Series(["+86 027", 3, None, "@武汉"], dtype=object),
            "number": [-1.5, 2.0, 3.0, 4.0],
        }
    )
    csv_files.write_csv(tmp_path / "t.csv", frame)
    written = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    assert written["text"].tolist() == ["'=SUM(A1)", "创新驱动", "", "'-1 项"]
    assert written["mixed"].tolist() == ["'+86 027", "3", "", "'@武汉"]
    assert written["number"].tolist() == ["-1.500000", "2.000000", "3.000000", "4.000000"]
    assert frame["text"][0] == "=SUM(A1)"  # the caller's table is not changed


def test_column_names_that_a_spreadsheet_would_run_are_neutralised_too(tmp_path):
    """A hostile pass: a metadata column named =HYPERLINK("http://evil","x"), or -2+3, reached documents.csv's and
    terms' header as is, where the cells beneath were guarded. A name that is a number stays as it is."""
    import pandas as pd

    frame = pd.DataFrame([[1, "a", 2, 3]], columns=['=HYPERLINK("http://evil","x")', "-2+3", "-0.5", "place"])
    csv_files.write_csv(tmp_path / "t.csv", frame)
    header = pd.read_csv(tmp_path / "t.csv", dtype=str).columns.tolist()
    assert header == ['\'=HYPERLINK("http://evil","x")', "'-2+3", "-0.5", "place"]
    assert frame.columns[0].startswith("=")  # the caller's table is not changed


def test_a_file_size_limit_is_one_line_and_leaves_the_previous_output(tmp_path, fast_seeds_run):
    """A hostile pass: under a file-size limit (ulimit -f, a batch scheduler's) a run ended with OSError EFBIG's
    traceback, exit 1. It is one line now, exit 2, and the previous output stays as it was."""
    import resource
    import subprocess
    import sys

    from .conftest import NO_FIGURES, SEEDS_CONFIG, _this_checkout

    out = tmp_path / "out"
    shutil.copytree(fast_seeds_run.out_dir, out)  # the previous output: the seed config's with these settings
    shutil.copytree(fast_seeds_run.out_dir.parent / "cache", tmp_path / "cache")
    settings = [arg for setting in NO_FIGURES for arg in ("--set", setting)]
    command = [sys.executable, "-m", "toolkit", "-q", "run", str(SEEDS_CONFIG), "--out", str(out), *settings]
    env = {**_this_checkout(None), "TOOLKIT_CACHE_DIR": str(tmp_path / "cache")}
    before = snapshot(out)

    def limited() -> None:  # units.csv, with every unit's text, is larger than this
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    result = subprocess.run([*command, "--set", "model.n_topics=20"], capture_output=True, text=True, env=env, preexec_fn=limited)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    error = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]  # the run's warnings
    assert len(error) == 1 and error[0].startswith("toolkit: error: a file of the outputs of "), result.stderr
    assert "file-size limit" in error[0]
    assert snapshot(out) == before and sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "cache", "out"]


def test_numbers_written_as_text_stay_numbers_and_every_guarded_cell_reads_back_as_it_was(tmp_path):
    """From a hostile pass of the outputs: a metadata column of growth rates (-0.5, -2) was written as '-0.5 and
    '-2, which pandas and Excel read as text, a group named -0.5 became '-0.5 in the group tables, and report.html
    showed the apostrophes. A plain number is no formula; any other cell the guard changes reads back as it was."""
    import pandas as pd
    from hypothesis import given
    from hypothesis import strategies as st

    cells = ["-0.5", "+3", "-2e5", ".5", "-1-1", "-0.5 ", "=1+1", "'=1", "''@x", "'创新", "-５"]
    frame = pd.DataFrame({"growth": pd.Series(cells, dtype=object), "text": pd.array(cells, dtype="str")})
    csv_files.write_csv(tmp_path / "t.csv", frame)
    written = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)
    expected = ["-0.5", "+3", "-2e5", ".5", "'-1-1", "'-0.5 ", "'=1+1", "''=1", "'''@x", "'创新", "'-５"]  # full-width: text
    assert written["growth"].tolist() == expected and written["text"].tolist() == expected
    assert [csv_files.unguarded(v) for v in expected] == cells
    assert pd.read_csv(tmp_path / "t.csv").loc[:3, "growth"].astype(float).tolist() == [-0.5, 3.0, -2e5, 0.5]

    @given(st.text(alphabet="'=+-@\t\r0123456789.eE 创新", max_size=8))
    def round_trip(value):
        safe = csv_files.spreadsheet_safe(value)
        assert csv_files.unguarded(safe) == value
        if safe.startswith(("=", "+", "-", "@", "\t", "\r")):
            float(safe)  # a plain number, which a spreadsheet reads as one

    round_trip()


def test_the_manifest_reads_git_from_files_and_runs_nothing_of_the_projects_git_config(tmp_path):
    """A project folder's .git/config can name commands (core.fsmonitor, hooks): recording the commit must not
    run them."""
    from toolkit.output.manifest import git_revision

    project = tmp_path / "project"
    shutil.copytree(SEEDS, project)

    git(project, "init", "-q", "-b", "主线")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "政府工作报告")
    commit = git(project, "rev-parse", "HEAD")
    ran = tmp_path / "FSMONITOR_RAN"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch '{ran}'\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    git(project, "config", "core.fsmonitor", str(hook))
    (project / "武汉.txt").write_text("武汉市人民政府工作报告", encoding="utf-8")  # a modified work tree

    assert git_revision(project) == {"commit": commit, "branch": "主线"}
    git(project, "pack-refs", "--all")  # the branch now only in packed-refs
    assert git_revision(project / "metadata.csv") == {"commit": commit, "branch": "主线"}
    assert not ran.exists()
    subprocess.run(["git", "-C", str(project), "status", "--porcelain"], capture_output=True)
    assert ran.exists()  # the hook is real: git status runs it


def _git_folder(project, head="ref: refs/heads/主线\n"):
    (project / ".git" / "refs" / "heads").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text(head, encoding="utf-8")
    return project / ".git"


def test_git_files_that_cannot_be_read_leave_the_git_info_out_and_the_run_goes_on(tmp_path, monkeypatch):
    from toolkit.output.manifest import git_revision

    looped = tmp_path / "looped"
    looped.mkdir()
    (looped / "loopA").symlink_to(looped / "loopB")
    (looped / "loopB").symlink_to(looped / "loopA")
    (looped / ".git").write_text("gitdir: loopA\n", encoding="utf-8")
    assert git_revision(looped) == {}

    worktree = tmp_path / "工作树"
    git_dir = _git_folder(worktree, "0" * 40 + "\n")
    (git_dir / "commondir").write_text("loopA\n", encoding="utf-8")
    (git_dir / "loopA").symlink_to(git_dir / "loopB")
    (git_dir / "loopB").symlink_to(git_dir / "loopA")
    (git_dir / "HEAD").write_text("ref: refs/heads/主线\n", encoding="utf-8")
    assert git_revision(worktree) == {}

    unreadable = tmp_path / "unreadable"
    head = _git_folder(unreadable) / "HEAD"
    real_open = os.open

    def refuse_head(path, *args, **kwargs):
        if Path(path) == head:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_head)
    assert git_revision(unreadable) == {}


def test_a_fifo_among_git_files_is_never_opened_for_reading(tmp_path):
    project = tmp_path / "project"
    git_dir = _git_folder(project)
    os.mkfifo(git_dir / "packed-refs")
    child = f"from toolkit.output.manifest import git_revision; print(git_revision({str(project)!r}))"
    result = python_process(child)  # a test still waiting on the FIFO after 60 s fails
    assert result.stdout == "{}\n", result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize(
    "setting, message",
    [
        ('themes.lexicon="{fifo}"', "cannot read lexicon {fifo}: it is a FIFO (named pipe), not a regular file"),
        ('normalize.extra_boilerplate=["{fifo}"]', "cannot read boilerplate patterns {fifo}: it is a FIFO (named pipe)"),
        ('segment.extra_stopwords=["{fifo}"]', "cannot read stopword file {fifo}: it is a FIFO (named pipe)"),
        ('segment.extra_dictionaries=["{fifo}"]', "dictionary {fifo} is a FIFO (named pipe), not a regular file"),
        ('themes.lexicon="/dev/zero"', "cannot read lexicon /dev/zero: it is a character device, not a regular file"),
    ],
)
def test_a_pipe_or_a_device_named_in_a_config_is_refused_not_waited_on(tmp_path, setting, message):
    """A lexicon, pattern, stopword or dictionary file that is a FIFO made the run wait for a writer for ever, and
    /dev/zero as the lexicon grew past 24 GB: each is refused in one line, before anything is read."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = toolkit_process(
        "-q", "run", ROOT / "configs" / "seeds.toml", "--out", tmp_path / "out", "--set", setting.format(fifo=fifo), timeout=120
    )
    assert done.returncode == 2 and done.stderr.startswith("toolkit: error: " + message.format(fifo=fifo)), done.stderr
    assert done.stderr.count("\n") == 1 and not (tmp_path / "out").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_config_that_is_a_pipe_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "study.toml"
    os.mkfifo(fifo)
    done = toolkit_process("-q", "run", fifo, "--out", tmp_path / "out", timeout=60)
    message = f"toolkit: error: cannot read {fifo}: it is a FIFO (named pipe), not a regular file\n"
    assert (done.returncode, done.stderr) == (2, message)
