"""The drawing workers (toolkit.processes.BackgroundJobs): lower priority than the run, warmed up as they start."""

import ast
import os
import sys

from toolkit.output.tables import warm_up_drawing
from toolkit.processes import WORKER_NICE, BackgroundJobs

from .conftest import python_process


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


def test_no_more_workers_start_than_there_are_jobs():
    """``figures.only`` naming one figure: one drawing worker, not one per core, and still beside the run."""
    with BackgroundJobs(2, most=1) as jobs:
        jobs.start()
        assert jobs.pool is not None and jobs.pool._max_workers == 1
        jobs.submit(os.getpid)
        [(worker, _)] = jobs.wait()
    assert worker != os.getpid()


def test_one_worker_means_the_jobs_run_here_at_once():
    jobs = BackgroundJobs(1, warm_up=warm_up_drawing)
    jobs.start()  # nothing to start
    assert jobs.pool is None
    jobs.submit(os.getpid)
    assert jobs.results[0][0] == os.getpid() and jobs.wait()[0][0] == os.getpid()


def test_a_users_script_without_a_main_guard_runs_once(tmp_path):
    """A script that calls ``toolkit.run`` at its top level, as research scripts do, runs once: the drawing workers
    do not import the script again (workers of multiprocessing's fork server or spawn would, which runs the code of
    a script without an ``if __name__ == "__main__":`` guard again in each of them)."""
    from .conftest import FAST, SEEDS_CONFIG, _finished, _this_checkout

    log, out = tmp_path / "ran.txt", tmp_path / "out"
    overrides = [*FAST, "figures.workers=2", 'figures.only=["theme_shares"]']
    script = tmp_path / "study.py"
    script.write_text(
        "import toolkit\n"
        f"with open({str(log)!r}, 'a') as handle:\n"
        "    handle.write('ran\\n')\n"
        f"toolkit.run(toolkit.Config.load({str(SEEDS_CONFIG)!r}, {overrides!r}), {str(out)!r})\n",
        encoding="utf-8",
    )
    result = _finished([sys.executable, str(script)], 300, cwd=tmp_path, env=_this_checkout(None))  # the session's cache
    assert result.returncode == 0, result.stderr
    assert log.read_text() == "ran\n"
    assert (out / "figures" / "theme_shares.png").is_file()


def test_a_ctrl_c_as_the_workers_start_prints_no_traceback():
    """A terminal's Ctrl-C goes to every process of its foreground group: one that reached a drawing worker while it
    still imported what it runs ended the worker with a traceback beside the run's own message. The workers are
    started with SIGINT blocked, and ignore it once they can."""
    code = (
        "import os, signal, sys, time\n"
        "from toolkit.output.tables import warm_up_drawing\n"
        "from toolkit.processes import BackgroundJobs\n"
        "jobs = BackgroundJobs(2, warm_up=warm_up_drawing)\n"
        "try:\n"
        "    jobs.start()\n"
        "    time.sleep(float(sys.argv[1]))\n"
        "    os.killpg(0, signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "except KeyboardInterrupt:\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    print('interrupted', file=sys.stderr)\n"
        "finally:\n"
        "    jobs.stop()\n"
    )
    for delay in (0.05, 0.2, 0.4):  # the workers import for about a second
        result = python_process(code, delay, start_new_session=True, timeout=60)
        assert "Traceback" not in result.stderr and "interrupted" in result.stderr, (delay, result.stderr[-2000:])


def test_the_command_line_starts_the_drawing_workers_before_it_imports_the_pipeline(tmp_path):
    """``toolkit run`` starts its drawing workers from the config alone, so that they import what drawing needs
    while the command imports the pipeline, and the run draws with those workers (no second set)."""
    from .conftest import FAST, SEEDS_CONFIG

    code = (
        "import sys\n"
        "from toolkit import cli, processes\n"
        "seen = []\n"
        "start = processes.BackgroundJobs.start\n"
        "def recorded(self):\n"
        "    seen.append((id(self), 'toolkit.pipeline' in sys.modules, self.pool is None))\n"
        "    start(self)\n"
        "processes.BackgroundJobs.start = recorded\n"
        "status = cli.main(sys.argv[1:])\n"
        "print(seen)\n"
        "sys.exit(status)\n"
    )
    overrides = [*FAST, "figures.workers=2", 'figures.only=["theme_shares"]']
    out = tmp_path / "out"
    result = python_process(code, "run", SEEDS_CONFIG, "--out", out, *[x for o in overrides for x in ("--set", o)], timeout=300)
    assert result.returncode == 0, result.stderr
    seen = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert seen[0][1:] == (False, True)  # started, the first time, before the pipeline was imported
    assert {pool for pool, _, _ in seen} == {seen[0][0]}  # the run's figures went to the same workers
    assert (out / "figures" / "theme_shares.png").is_file()


def test_a_run_refused_for_its_output_folder_or_scheduler_starts_no_worker(tmp_path):
    """The errors met most (an --out holding a user's file, a scheduler address that is no address) are said before
    the drawing workers start: they doubled the CPU of a one-line error."""
    from .conftest import SEEDS_CONFIG

    code = (
        "import sys\n"
        "from toolkit import cli, processes\n"
        "def refused(self):\n"
        "    raise SystemExit('a drawing worker was started')\n"
        "processes.BackgroundJobs.start = refused\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"years of work")
    for extra in (["--out", mine], ["--out", tmp_path / "new", "--scheduler", "not an address"]):
        result = python_process(code, "run", SEEDS_CONFIG, *extra, timeout=120)
        assert result.returncode == 2 and result.stderr.startswith("toolkit: error: "), result.stderr
    assert (mine / "thesis.docx").read_bytes() == b"years of work"
