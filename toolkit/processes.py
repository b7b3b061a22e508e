"""Worker processes: joblib's pool is shut down as soon as a stage is done with it."""

from __future__ import annotations

import threading


def stop_workers() -> None:
    """Shut down joblib's worker processes now rather than after their idle timeout, so a stage that returned or
    was interrupted leaves no process behind.

    Killed with work still queued (an interrupted run's figures), loky's manager thread stumbles over the work
    items the shutdown already failed (``KeyError`` in ``ExecutorManagerThread``) and Python prints that
    thread's traceback. The pending futures are failed all the same, so that one exception, of that one thread,
    during this shutdown only, is not printed; any other thread's exception is reported as usual."""
    from joblib.externals.loky import get_reusable_executor

    executor = get_reusable_executor()  # starts no worker when there is none
    manager = getattr(executor, "_executor_manager_thread", None)
    previous = threading.excepthook

    def quiet_manager(args) -> None:
        if manager is None or args.thread is not manager or not issubclass(args.exc_type, KeyError):
            previous(args)

    threading.excepthook = quiet_manager
    try:
        executor.shutdown(wait=True, kill_workers=True)
    finally:
        if threading.excepthook is quiet_manager:
            threading.excepthook = previous
