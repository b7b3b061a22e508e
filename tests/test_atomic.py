"""Outputs appear whole or not at all, whatever happens to the process."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from toolkit.errors import ToolkitError
from toolkit.output import atomic

from .conftest import ROOT, python_process, snapshot, started_toolkit


def test_write_leaves_no_temporary_file(tmp_path):
    atomic.write_text(tmp_path / "a" / "table.csv", "年份,占比\n2021,0.5\n")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["table.csv"]


def test_failed_block_keeps_the_previous_folder(tmp_path):
    final = tmp_path / "run"
    with atomic.output_folder(final) as work:
        (work / "result.csv").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "result.csv", "half")  # as the toolkit writes every file
            raise RuntimeError("model failed")
    assert (final / "result.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]
    with atomic.output_folder(final) as work:
        (work / "result.csv").write_text("new")
    assert (final / "result.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


def test_a_swap_cut_in_the_middle_is_recovered(tmp_path):
    final = tmp_path / "run"
    with atomic.output_folder(final) as work:
        (work / "result.csv").write_text("previous")
    old = atomic._new_leftover(tmp_path, "run", "old")
    os.replace(final, old / "run")  # as a kill between the two renames of a swap without exchange leaves it
    with atomic.output_folder(final) as work:
        assert (final / "result.csv").read_text() == "previous"
        (work / "result.csv").write_text("new")
    assert (final / "result.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".run.lock", "run"]


# Where the runs below are killed: as each of these stages of a run begins (its log line): before anything is
# written, in the compiled sampler's threads, with the tables written and the figures being drawn, and while the
# run waits for its drawing workers (the page written too). Fixed delays from the start all landed in the model's
# fit on a busy machine.
KILLED_IN = ["load", "model", "ldavis", "figures (waiting for the workers)"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_runs_leave_the_previous_output_intact(tmp_path, sig, fast_seeds_run, monkeypatch):
    import shutil

    import toolkit

    from .conftest import NO_FIGURES, SEEDS_CONFIG, read_log_until

    out = tmp_path / "seeds"
    shutil.copytree(fast_seeds_run.out_dir, out)  # the previous output (an earlier run's, as the toolkit wrote it)
    shutil.copytree(fast_seeds_run.out_dir.parent / "cache", tmp_path / "cache")  # the token cache it filled
    env = {**os.environ, "TOOLKIT_CACHE_DIR": str(tmp_path / "cache")}
    before = snapshot(out)
    assert json.loads(before["manifest.json"])["counts"]["documents_used"] == 5
    # the runs to kill take the shipped settings (three chains, every figure, the pyLDAvis page) but for fewer
    # sweeps (the stages and processes are the same); not -q: the stage log tells when each stage begins. One
    # topic more than the previous output's: each file they would write differs from the one it would replace.
    for stage in KILLED_IN:
        process = started_toolkit(
            "run", SEEDS_CONFIG, "--out", out, "--set", "model.n_topics=20", "--set", "model.keyatm.iterations=20", env=env
        )
        if stage != "load":  # started_toolkit has read that line
            read_log_until(process, stage)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode != 0, (stage, stderr[-2000:])  # the rest of a run takes longer than a signal
        assert snapshot(out) == before, stage
        leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("seeds", "cache", ".seeds.lock")]
        assert all(name.startswith(".seeds.partial-") for name in leftovers), leftovers
        if sig == signal.SIGINT:
            assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr, (
                stage,
                process.returncode,
                stderr[-3000:],
            )
    # the next run cleans up and succeeds, and the cache filled by killed runs is sound (no figures: not read)
    monkeypatch.setenv("TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    toolkit.run(toolkit.Config.load(SEEDS_CONFIG, NO_FIGURES), out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".seeds.lock", "cache", "seeds"]
    assert snapshot(out)["documents.csv"] == before["documents.csv"]


@pytest.mark.parametrize("gap", [0.05, 0.3])
def test_a_second_ctrl_c_does_not_cut_the_clean_up_short(tmp_path, gap):
    """Ctrl-C pressed twice: the second, during the clean-up or while the process ends (its worker pools shutting
    down), changes nothing: the same line and exit code 130, no traceback, no partial folder. It used to end the
    process by the signal (exit -2) after the clean-up, or with a traceback (exit 1) within it."""
    out = tmp_path / "out"
    for delay in (0.5, 2.0):
        process = started_toolkit("run", ROOT / "configs" / "seeds.toml", "--out", out)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        time.sleep(gap)
        process.send_signal(signal.SIGINT)  # nothing if the process has ended
        _, stderr = process.communicate(timeout=120)
        if process.returncode == 0:  # the run ended before the first
            continue
        assert process.returncode == 130 and stderr.count("interrupted") == 1, (delay, process.returncode, stderr[-2000:])
        assert "Traceback" not in stderr and not out.exists(), (delay, stderr[-2000:])
        assert [p.name for p in tmp_path.iterdir()] == [".out.lock"]


def test_an_interrupt_during_start_up_is_reported_too(tmp_path):
    # Interrupt exactly while `python -m toolkit` imports its command-line module.
    child = (
        "import builtins, runpy, sys\n"
        "real = builtins.__import__\n"
        "def interrupting(name, globals=None, locals=None, fromlist=(), level=0):\n"
        "    if name == 'cli' and level == 1:\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, globals, locals, fromlist, level)\n"
        "builtins.__import__ = interrupting\n"
        f"sys.argv = ['toolkit', 'run', {str(ROOT / 'configs' / 'seeds.toml')!r}, '--out', {str(tmp_path / 'out')!r}]\n"
        "runpy.run_module('toolkit', run_name='__main__', alter_sys=True)\n"
    )
    result = python_process(child)
    assert result.returncode == 130, result.stderr
    assert "interrupted" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def _seed_run_with_loading_followed_by(tmp_path, imports: str, then: str) -> subprocess.CompletedProcess:
    """``python -m`` of a module that runs ``toolkit run configs/seeds.toml --out <tmp_path>/out`` as the command
    line does, with the run's ``load_inputs`` followed by ``then`` (the lines of its body, ``imports`` above it)."""
    module = tmp_path / "interrupting_toolkit.py"
    body = "".join(f"    {line}\n" for line in then.splitlines())
    module.write_text(
        f"import runpy\nimport toolkit.pipeline\n{imports}real = toolkit.pipeline.load_inputs\n"
        f"def replaced(config):\n    real(config)\n{body}toolkit.pipeline.load_inputs = replaced\n"
        "runpy.run_module('toolkit', run_name='__main__', alter_sys=True)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    args = ["run", str(ROOT / "configs" / "seeds.toml"), "--out", str(tmp_path / "out")]
    return subprocess.run(
        [sys.executable, "-m", "interrupting_toolkit", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_an_interrupt_that_passed_through_exec_of_a_string_still_exits_130(tmp_path):
    """CPython ends ``python -m`` by SIGINT (exit -2) when a KeyboardInterrupt went through ``exec`` or ``eval`` of a
    string on its way to being caught, as when Ctrl-C lands while a dataclass or namedtuple is made (the imports of
    a run's later stages, pandas' itertuples): about one interrupted run in three under load. The toolkit reports
    the interrupt and exits 130 all the same. Here the interrupt is raised inside such an ``exec``, in the run."""
    result = _seed_run_with_loading_followed_by(tmp_path, "", "exec('raise KeyboardInterrupt')")
    assert (result.returncode, result.stderr.count("interrupted")) == (130, 1), (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_an_interrupt_inside_a_compiled_kernel_still_exits_130(tmp_path):
    """Ctrl-C while a numba kernel runs: the kernel calls back into Python, the handler's KeyboardInterrupt is
    raised there, and it comes out of the kernel as ``SystemError: CPUDispatcher(...) returned a result with an
    exception set`` (a fresh-clone CI run ended so, exit 1 with a traceback). The toolkit finds the interrupt behind
    it: the same line and exit 130. Here the run counts words with the real kernel until a real SIGINT lands."""
    result = _seed_run_with_loading_followed_by(
        tmp_path,
        "import os, signal, threading\nimport numpy as np\nfrom toolkit.text.counting import unit_word_counts\n",
        "ids = np.arange(2_000_000, dtype=np.int32) % 50_000\n"
        "offsets, columns = np.arange(0, 2_000_001, 200), np.arange(50_000)\n"
        "unit_word_counts(ids, offsets, columns, 50_000)\n"
        "threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
        "while True:\n"
        "    unit_word_counts(ids, offsets, columns, 50_000)",
    )
    assert (result.returncode, result.stderr.count("interrupted")) == (130, 1), (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_workers_stopped_with_figures_still_queued_print_no_thread_traceback():
    """An interrupt while figures wait: the pool is killed with work queued; loky's manager thread then raised
    KeyError and Python printed 'Exception in thread ExecutorManagerThread' after the interrupted line."""
    child = (
        "import time\n"
        "from joblib.externals.loky import get_reusable_executor\n"
        "from toolkit.processes import stop_workers\n"
        "def slow(i):\n"
        "    time.sleep(3)\n"
        "    return i\n"
        "executor = get_reusable_executor(max_workers=2)\n"
        "futures = [executor.submit(slow, i) for i in range(8)]\n"
        "time.sleep(1)\n"
        "stop_workers()\n"
        "print(sum(f.done() for f in futures), 'futures done')\n"
        "import threading\n"
        "threading.Thread(target=lambda: 1 / 0, name='其他').start()\n"
    )  # other threads' errors still show
    result = python_process(child, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "8 futures done\n"
    assert "ExecutorManagerThread" not in result.stderr and "KeyError" not in result.stderr, result.stderr
    assert "ZeroDivisionError" in result.stderr


def test_the_drawing_workers_end_with_a_killed_run(tmp_path):
    """A run killed by SIGKILL while its workers draw (it cannot stop them itself) leaves none of its processes
    behind: the workers used to draw the figures still queued into the dead run's folder, then wait for work."""
    import psutil

    from .conftest import SEEDS_CONFIG

    process = started_toolkit("run", SEEDS_CONFIG, "--out", tmp_path / "out")
    for line in process.stderr:  # the page and the first figures are being drawn from the end of "trends"
        if line.startswith("lexicon evidence"):
            break
    descendants = psutil.Process(process.pid).children(recursive=True)
    commands = {p.pid: " ".join(p.cmdline()) for p in descendants}
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert sum("loky" in command for command in commands.values()) >= 2, "the drawing workers had started"
    _, alive = psutil.wait_procs(descendants, timeout=30)
    assert alive == [], [commands[p.pid][:100] for p in alive]


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_between_writing_a_file_and_listing_it_is_taken_after_both(tmp_path, monkeypatch, number):
    """From a hostile pass of the sweeps: a Ctrl-C between writing a run's file and listing it in its folder's
    marker left a file the toolkit wrote but did not list; its own check then refused it ("exists and the toolkit
    did not write it"), and the sweep could not be resumed. The signal is now taken once both are done."""
    received = []

    def handler(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(number, handler)
    listing = atomic.list_own_file

    def interrupted_listing(path):
        signal.raise_signal(number)  # arrives between the file and its listing
        listing(path)

    monkeypatch.setattr(atomic, "list_own_file", interrupted_listing)
    path = tmp_path / "metrics.json"
    try:
        with pytest.raises(KeyboardInterrupt):
            atomic.write_own_file(path, '{"c_npmi": 0.1}\n')
    finally:
        signal.signal(number, previous)
    assert received == [number]
    atomic.check_own_file(path)  # listed: the next sweep may replace it
    monkeypatch.setattr(atomic, "list_own_file", listing)
    atomic.write_own_file(path, '{"c_npmi": 0.2}\n')


def test_a_failed_run_removes_the_folders_it_made_for_its_output_and_nothing_else(tmp_path):
    """From a hostile pass of the config: a run into np/deeper/x that failed left np/, np/deeper/ and its lock file
    behind, folders the user never had. They are removed again, where nothing else is in them; a folder that was
    there before, or that holds anything else, stays; a run that succeeds keeps them."""
    final = tmp_path / "np" / "deeper" / "x"
    with pytest.raises(RuntimeError):
        with atomic.output_folder(final) as work:
            atomic.write_text(work / "result.csv", "half")  # as the toolkit writes every file
            raise RuntimeError("the run failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    (tmp_path / "np").mkdir()
    (tmp_path / "np" / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError):
        with atomic.output_folder(final):
            raise RuntimeError("the run failed")
    assert sorted(p.name for p in (tmp_path / "np").iterdir()) == ["notes.txt"]  # deeper/ made and removed; np/ kept
    with atomic.output_folder(final) as work:
        (work / "result.csv").write_text("done")
    assert (final / "result.csv").read_text() == "done"


def test_a_failed_run_leaves_the_lock_of_a_run_that_took_it_since(tmp_path):
    """From an adversarial review: a run that failed while another made the same new folder and took its lock
    removed that lock (it had made the folder too, it thought), and a third run wrote into the output beside the
    second. The lock is removed only while this process holds it."""
    import subprocess
    import sys

    from toolkit.errors import ToolkitError

    final = tmp_path / "new" / "x"
    lock = final.parent / f".{final.name}.lock"
    final.parent.mkdir()
    code = (
        "import sys, time; from filelock import FileLock; held = FileLock(sys.argv[1]); held.acquire(); "
        "print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        atomic._unmake([final.parent], final)  # as a failed run that found new/ missing before the other made it
        assert lock.exists() and final.parent.is_dir()
        with pytest.raises(ToolkitError, match="is busy"):
            with atomic.output_folder(final):
                pass
    finally:
        holder.kill()
        holder.wait()
    atomic._unmake([final.parent], final)  # no one holds it now: the lock and the folder made go
    assert not final.parent.exists()


def test_a_lock_that_is_a_symbolic_link_is_refused_and_its_target_never_made(tmp_path):
    """`.<out>.lock` is opened to be locked: a dangling link of that name had made its target, outside the
    folder, before the lock library refused the link with an error about too many links (a hostile pass)."""
    (tmp_path / "K").mkdir()
    target = tmp_path / "outside" / "via_lock"
    (tmp_path / "outside").mkdir()
    (tmp_path / "K" / ".o.lock").symlink_to(target)
    with pytest.raises(ToolkitError, match=r"\.o\.lock is a symbolic link; .* remove the link"):
        with atomic.locked(tmp_path / "K" / "o"):
            pass
    assert not target.exists() and (tmp_path / "K" / ".o.lock").is_symlink()


def test_a_users_file_of_the_markers_name_is_refused_not_written_over(tmp_path):
    """The marker's name (.toolkit-output.json) holding a user's own file: `terms --out notes/new.csv` had
    replaced it with the toolkit's list of files (a hostile pass); refused before anything is written."""
    import pandas as pd

    from toolkit.output.csv_files import write_csv_file

    notes = tmp_path / "notes"
    notes.mkdir()
    mine = notes / atomic.MARKER
    mine.write_text('{"not": "a marker"}', encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"is not the toolkit's list of the files it wrote"):
        write_csv_file(notes / "new.csv", pd.DataFrame({"词": ["创新"]}))
    assert mine.read_text(encoding="utf-8") == '{"not": "a marker"}' and not (notes / "new.csv").exists()
    with pytest.raises(ToolkitError, match=r"is not the toolkit's list"):
        atomic.write_own_file(notes / "scores.md", "# 得分\n")
    assert sorted(p.name for p in notes.iterdir()) == [atomic.MARKER]
    write_csv_file(tmp_path / "new.csv", pd.DataFrame({"词": ["创新"]}))  # a folder of no marker, as before
    assert (tmp_path / "new.csv").exists() and atomic._marker(tmp_path) is not None


def test_an_out_that_ends_with_a_slash_names_a_folder_not_a_file(tmp_path):
    """`--out notes/` (no such folder) had written a file named notes: the slash says a folder was meant."""
    import pandas as pd

    from toolkit.output.csv_files import write_csv_file

    with pytest.raises(ToolkitError, match=r"notes/ names a folder; give a file name such as .*notes/table\.csv"):
        write_csv_file(f"{tmp_path}/notes/", pd.DataFrame({"词": ["创新"]}))
    with pytest.raises(ToolkitError, match=r"notes/\. names a folder"):  # pathlib drops the dot: a file named notes
        write_csv_file(f"{tmp_path}/notes/.", pd.DataFrame({"词": ["创新"]}))
    assert not (tmp_path / "notes").exists()


def test_a_file_added_to_a_folder_of_an_earlier_versions_marker_keeps_its_list(tmp_path):
    """A folder listed by an earlier version's marker (v2: files only): a file written into it had replaced the
    marker with one of that file alone, and the folder's earlier files, unlisted, were refused as the user's."""
    import hashlib

    sheet = tmp_path / "sheet.csv"
    sheet.write_text("item,theme\n1,创新\n", encoding="utf-8")
    digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    marker = {"format": "toolkit output v2", "files": {"sheet.csv": digest}}
    (tmp_path / atomic.MARKER).write_text(json.dumps(marker), encoding="utf-8")
    assert atomic.is_output_folder(tmp_path)
    atomic.write_own_file(tmp_path / "scores.md", "# 得分\n")
    kept = json.loads((tmp_path / atomic.MARKER).read_text(encoding="utf-8"))
    assert kept["format"] == "toolkit output v2" and set(kept["files"]) == {"sheet.csv", "scores.md"}
    assert atomic.is_output_folder(tmp_path)
    atomic.check_own_file(sheet)  # listed, unchanged: the toolkit's to replace
    atomic.write_own_file(tmp_path / "scores.md", "# 得分 again\n")  # its own file, replaced


STAGE_CHILD = """
import os, sys, time
from joblib import Parallel, delayed
from toolkit.processes import current_executor, stage_workers, stop_workers

def task(i):
    time.sleep(0.05 if i < 2 else 60)
    return i

with stage_workers():
    results = Parallel(n_jobs=2, return_as="generator")(delayed(task)(i) for i in range(6))
started = [current_executor()]
next(results), next(results)
print("ready", flush=True)
try:
    list(results)
except KeyboardInterrupt:
    stop_workers(results, started)
    print("interrupted", flush=True)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_a_stages_workers_take_no_ctrl_c_of_their_own_and_end_with_a_killed_process(sig):
    """A sweep's fits run in joblib's workers (stage_workers): a Ctrl-C to the terminal's process group had each
    worker print a KeyboardInterrupt traceback beside the one-line message, and a sweep killed by SIGKILL left its
    idle workers for loky's five minutes (a hostile pass). Now the process stops them, and they end with it."""
    import psutil

    from .conftest import _this_checkout

    process = subprocess.Popen(
        [sys.executable, "-c", STAGE_CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_this_checkout(None),
        start_new_session=True,
    )
    assert process.stdout.readline() == "ready\n"

    def loky_workers() -> list:
        return [p for p in psutil.Process(process.pid).children(recursive=True) if "loky" in " ".join(p.cmdline())]

    # on a busy machine one worker may take the two quick tasks before the other has started: it is waited for
    deadline, workers = time.monotonic() + 60, loky_workers()
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        workers = loky_workers()
    assert len(workers) >= 2, "the workers had started"
    os.killpg(process.pid, sig) if sig == signal.SIGINT else process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == [], "the workers outlived the process"
    if sig == signal.SIGINT:
        assert out == "interrupted\n" and "Traceback" not in err and "KeyboardInterrupt" not in err, err
