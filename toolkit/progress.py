"""A progress line for long steps: done, rate and time left, refreshed on a terminal, silent elsewhere
(CI logs, notebooks, files)."""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
from contextlib import contextmanager

log = logging.getLogger("toolkit")


class Progress:
    """``Progress(total, "segment", "documents")``; call ``advance()`` as work is done, ``close()`` at the end."""

    def __init__(self, total: int, label: str, unit: str, *, done: int = 0, stream=None, every: float = 0.5):
        self.total, self.label, self.unit = total, label, unit
        self.done = self.first = done
        self.stream = stream or sys.stderr
        self.active = bool(getattr(self.stream, "isatty", lambda: False)()) and total > 0
        self.start = self.last = time.perf_counter()
        self.every = every

    def line(self) -> str:
        elapsed = time.perf_counter() - self.start
        rate = (self.done - self.first) / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate else float("nan")
        return (
            f"{self.label}: {self.done:,}/{self.total:,} {self.unit}, {rate:,.1f}/s, {elapsed:.0f} s elapsed, ~{left:.0f} s left"
        )

    def advance(self, n: int = 1) -> None:
        """``n`` more done; an interrupt that C code swallowed since (:func:`kept_interrupts`) stops the work here."""
        raise_kept_interrupt()
        self.done += n
        now = time.perf_counter()
        if self.active and (now - self.last >= self.every or self.done >= self.total):
            self.last = now
            self.stream.write("\r" + self.line() + " ")
            self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\r" + self.line() + "\n")
            self.stream.flush()


@contextmanager
def timed(timings: dict[str, float], stage: str):
    """Time the block into ``timings[stage]`` (seconds) and log its start; an interrupt that C code swallowed
    before it (:func:`kept_interrupts`) stops the run instead."""
    raise_kept_interrupt()
    start = time.perf_counter()
    log.info("%s ...", stage)
    yield
    timings[stage] = round(time.perf_counter() - start, 3)


_KEPT: list[KeyboardInterrupt] = []  # the interrupts that C code swallowed during :func:`kept_interrupts`


@contextmanager
def kept_interrupts():
    """While the block runs, an interrupt (Ctrl-C, SIGTERM: a ``KeyboardInterrupt``) that C code swallowed in the
    main thread is kept and raised when the next stage starts (:func:`timed`) or a long stage reports progress
    (:meth:`Progress.advance`), or as the block ends without another error. A signal handler raises wherever
    Python code next runs; where that is a callback from C (numba's notices through ctypes as it loads its compiled
    kernels), the exception was printed as "Exception ignored" with its traceback and lost, and the run went on to
    finish as if it had not been interrupted. Signal handlers run in the main thread: only a block there keeps the
    main thread's interrupts, and only that thread raises them; the hook given back at the end is the one found,
    unless something replaced this one meanwhile."""
    if not _on_main_thread():  # a run in another thread gets no signal
        yield
        return
    previous = sys.unraisablehook

    def keep(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and _on_main_thread():
            _KEPT.append(unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = keep
    try:
        yield
        raise_kept_interrupt()
    finally:
        if sys.unraisablehook is keep:
            sys.unraisablehook = previous
        _KEPT.clear()


def _on_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def take_waiting_interrupt() -> bool:
    """Whether an interrupt that C code swallowed waited to be raised (:func:`kept_interrupts`); it waits no
    longer: the caller (a signal handler) raises one in its place, and the run's clean-up is then protected."""
    waiting = bool(_KEPT)
    _KEPT.clear()
    return waiting


def raise_kept_interrupt() -> None:
    """In the main thread, raise the interrupt that C code swallowed during :func:`kept_interrupts`, if any."""
    if _KEPT and _on_main_thread():
        interrupt = _KEPT[0]
        _KEPT.clear()
        raise interrupt


class _Collect(logging.Filter):
    """On the toolkit's logger while a run's block runs: keeps the warnings its own thread logs (another run in
    another thread of the process has its own), and lets through to the handlers what the logger's level let
    through before the block (a user's ``setLevel(logging.ERROR)`` still silences the warnings, not the report's)."""

    def __init__(self, into: list[str], thread: int, passes: int):
        super().__init__()
        self.into, self.thread, self.passes = into, thread, passes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING and record.thread == self.thread:
            # a path's byte that is not UTF-8 (a lone surrogate, as Python decodes file names) as its escape: the
            # manifest, and report.html's font made of its text, cannot hold it (a traceback at a run's end)
            self.into.append(record.getMessage().encode("utf-8", "backslashreplace").decode("utf-8"))
        return record.levelno >= self.passes


@contextmanager
def collected_warnings():
    """The toolkit's warnings logged by this thread while the block runs, as a list filled as they come (for the
    manifest and report.html), whatever the toolkit logger's level; they are logged as usual."""
    warnings: list[str] = []
    level, disabled = log.level, log.disabled
    # what reached the handlers before the block: the logger's level, logging.disable's, or nothing of a disabled
    # logger (either stopped a warning before the filter, and the report and manifest lost it: a hostile pass)
    passes = math.inf if disabled else max(log.getEffectiveLevel(), log.manager.disable + 1)
    collect = _Collect(warnings, threading.get_ident(), passes)
    log.addFilter(collect)
    if passes > logging.WARNING:
        log.setLevel(logging.WARNING)  # the warnings are made, for the list; the filter keeps them from the handlers
        log.disabled = False
        # logging.disable is the process's: passed by for this logger's warnings alone, as its level is
        log.isEnabledFor = lambda at: at >= logging.WARNING or logging.Logger.isEnabledFor(log, at)  # type: ignore[method-assign]
    try:
        yield warnings
    finally:
        log.removeFilter(collect)
        if passes > logging.WARNING:
            vars(log).pop("isEnabledFor", None)
            log.disabled = disabled
            if log.level == logging.WARNING:
                log.setLevel(level)
