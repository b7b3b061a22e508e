"""Worker processes: joblib's pool is shut down as soon as a stage is done with it."""

from __future__ import annotations


def stop_workers() -> None:
    """Shut down joblib's worker processes now rather than after their idle timeout, so a stage that returned or
    was interrupted leaves no process behind."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True, kill_workers=True)  # starts no worker when there is none
