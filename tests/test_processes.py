"""The drawing workers (toolkit.processes.BackgroundJobs): lower priority than the run, warmed up as they start
or forked from a server that imported what they need."""

import multiprocessing
import os
import sys

import pytest

from toolkit.output.tables import DRAWING_MODULES, warm_up_drawing
from toolkit.processes import WORKER_NICE, BackgroundJobs


def drawing_modules_loaded() -> bool:
    return "matplotlib.backends.backend_agg" in sys.modules and "pandas" in sys.modules


def niceness() -> int:
    return os.nice(0)


def test_workers_import_what_drawing_needs_before_their_first_job():
    for warm_up, expected in ((warm_up_drawing, True), (None, False)):
        with BackgroundJobs(2, warm_up=warm_up) as jobs:
            jobs.start()
            jobs.submit(drawing_modules_loaded)
            jobs.submit(drawing_modules_loaded)
            assert [loaded for loaded, _ in jobs.wait()] == [expected, expected]


def test_workers_run_at_a_lower_priority_than_the_run():
    with BackgroundJobs(2) as jobs:
        jobs.submit(niceness)
        [(worker, _)] = jobs.wait()
    assert worker == min(os.nice(0) + WORKER_NICE, 19)


def test_one_worker_means_the_jobs_run_here_at_once():
    jobs = BackgroundJobs(1, warm_up=warm_up_drawing)
    jobs.start()  # nothing to start
    assert jobs.pool is None
    jobs.submit(os.getpid)
    assert jobs.results[0][0] == os.getpid() and jobs.wait()[0][0] == os.getpid()


def parent_command() -> str:
    import psutil

    return " ".join(psutil.Process(os.getppid()).cmdline())


@pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here")
def test_workers_with_a_preload_are_forked_from_a_server_that_imported_it():
    """The modules a run's drawing needs are imported once, by the fork server, not by each worker: a worker with
    no warm-up of its own has them, and its parent is the server."""
    with BackgroundJobs(2, preload=DRAWING_MODULES) as jobs:
        jobs.start()
        jobs.submit(drawing_modules_loaded)
        jobs.submit(parent_command)
        (loaded, _), (parent, _) = jobs.wait()
    assert loaded and "multiprocessing.forkserver" in parent


def test_a_users_script_without_a_main_guard_runs_once(tmp_path):
    """A script that calls ``toolkit.run`` at its top level, as research scripts do, is not run again by the drawing
    workers: multiprocessing's fork server and spawn import a process's main module again in each worker (only
    ``if __name__ == "__main__":`` would keep its code from running), which ran the whole study once more in each."""
    from .conftest import FAST, SEEDS_CONFIG, _finished, _this_checkout

    log, out = tmp_path / "ran.txt", tmp_path / "out"
    overrides = [*FAST, "figures.workers=2"]
    script = tmp_path / "study.py"
    script.write_text(
        "import toolkit\n"
        f"with open({str(log)!r}, 'a') as handle:\n"
        "    handle.write('ran\\n')\n"
        f"toolkit.run(toolkit.Config.load({str(SEEDS_CONFIG)!r}, {overrides!r}), {str(out)!r})\n",
        encoding="utf-8",
    )
    env = {**_this_checkout(None), "TOOLKIT_CACHE_DIR": str(tmp_path / "cache")}
    result = _finished([sys.executable, str(script)], 300, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert log.read_text() == "ran\n"
    assert (out / "figures" / "theme_shares.png").is_file()
