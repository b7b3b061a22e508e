"""The drawing workers (toolkit.processes.BackgroundJobs): lower priority than the run, warmed up as they start."""

import os
import sys

from toolkit.output.tables import warm_up_drawing
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
