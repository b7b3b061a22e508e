"""Worker processes: joblib's pool, shut down as soon as a stage is done with it; the drawing workers, in which
jobs (the figures and the pyLDAvis page) run while the run goes on; a Dask cluster for joblib's work."""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any


def stop_workers(results=None, started: list | tuple = ()) -> None:
    """Shut down joblib's worker processes now rather than after their idle timeout, so a stage that returned or
    was interrupted leaves no process behind. ``results``: the generator of a joblib ``Parallel`` of the stage,
    closed first: if it still runs (an interrupt between two of its results), joblib stops handing out tasks.
    ``started``: the executors the stage started, each with its queue of calls (:func:`current_executor`).

    The executor is read as it is, not through ``get_reusable_executor``: that holds loky's executor lock while
    it waits for an executor that joblib's abort shut down, and loky's manager thread, in a result callback,
    needs that lock to hand joblib's next task over: Ctrl-C on a sweep of quick runs hung there. The executors in
    ``started`` are stopped too, and the queues they had then are drained: on an interrupt joblib's abort shuts the
    stage's executor down without draining its queue (a shut-down executor holds no queue to find afterwards, and
    joblib may start another in its place), and that queue's feeder thread, still writing the tasks left to a pipe
    nobody reads, stayed for good (a thread and a pipe in a notebook's kernel per interrupted sweep: a hostile
    pass)."""
    from joblib.externals.loky import reusable_executor

    if hasattr(results, "close"):  # a generator (a list: the results were all in)
        import warnings

        with warnings.catch_warnings():  # that the tasks left were cancelled: what stopping means
            warnings.filterwarnings("ignore", message=".*(cancelled|not used)", category=UserWarning)
            results.close()
    executor = getattr(reusable_executor, "_executor", None)
    if executor is not None:
        kill_executor(executor)
    for earlier, call_queue in started:
        if earlier is not None and earlier is not executor:
            kill_executor(earlier)
        _drain(call_queue)  # its queue as it was: a shut-down executor holds none (nothing left to do if it ended)


def current_executor() -> tuple:
    """joblib's loky executor as it is now and its queue of calls, or (None, None): what a stage that gives the
    pair to :func:`stop_workers` has it stop and drain, even after joblib's abort replaced it."""
    from joblib.externals.loky import reusable_executor

    executor = getattr(reusable_executor, "_executor", None)
    return executor, getattr(executor, "_call_queue", None)


def kill_executor(executor) -> None:
    """End a loky executor's worker processes at once, the work still queued with them.

    Killed with work still queued (an interrupted run's figures), loky's manager thread stumbles over the work
    items the shutdown already failed (``KeyError`` in ``ExecutorManagerThread``) and Python prints that
    thread's traceback. The pending futures are failed all the same, so that one exception, of that one thread,
    during this shutdown only, is not printed; any other thread's exception is reported as usual."""
    manager = getattr(executor, "_executor_manager_thread", None)
    previous = threading.excepthook

    def quiet_manager(args) -> None:
        if manager is None or args.thread is not manager or not issubclass(args.exc_type, KeyError):
            previous(args)

    threading.excepthook = quiet_manager
    call_queue = getattr(executor, "_call_queue", None)
    try:
        executor.shutdown(wait=True, kill_workers=True)
    finally:
        if threading.excepthook is quiet_manager:
            threading.excepthook = previous
    _drain(call_queue)


def _drain(call_queue) -> None:
    """Let the feeder thread of a killed executor's ``call_queue`` end. Killed with jobs still queued (an
    interrupted run's figures, whose tables fill the pipe), that thread stayed blocked for ever writing to a pipe
    nobody read (the queue's read end is this process's): each interrupted run left a thread and its pipe in a
    notebook's kernel. What it still writes is read and dropped here until it reaches the end of the queue."""
    feeder = getattr(call_queue, "_thread", None)
    reader = getattr(call_queue, "_reader", None)
    if feeder is None or reader is None:
        return
    call_queue.close()  # the end of the queue, if the shutdown had not put it there
    deadline = time.monotonic() + DRAIN_SECONDS
    while feeder.is_alive() and time.monotonic() < deadline:
        try:
            if reader.poll(0.05):
                reader.recv_bytes()
        except (OSError, EOFError):  # the thread closed the pipe as it ended
            break
    feeder.join(timeout=1)


DRAIN_SECONDS = 10  # at most this long to read what a killed executor's feeder thread still writes


def timed_call(function, *args, **kwargs) -> tuple[object, float]:
    """``function(*args, **kwargs)`` and the seconds it took (in the process that ran it)."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


class BackgroundJobs:
    """Jobs that run in ``workers`` worker processes (0 = one per core, at most ``most`` when given: no more
    workers than jobs) while the caller goes on, or at once in this process when ``workers`` is 1 (or there is one
    core). Each job writes its own files from its own arguments, so what they write
    does not depend on the number of workers. ``wait`` returns each job's (result, seconds) in the order they
    were submitted and raises the first error; leaving the ``with`` block stops the workers, the jobs not yet
    run with them (an error elsewhere in the run, before its folder is cleaned up). The workers are a loky
    executor of their own (not joblib's, which the run's stages start and stop), started by :meth:`start` or the first job;
    each ends when the process that started it does (:func:`_start_worker`)."""

    def __init__(self, workers: int = 0, *, warm_up=None, most: int | None = None):
        asked = workers or os.cpu_count() or 1
        self.here = asked <= 1  # the jobs run in this process
        self.workers = max(1, min(asked, most)) if most else asked
        self.warm_up = warm_up
        self.pool: Any = None  # a loky ProcessPoolExecutor once started
        self.results: list = []  # futures, or (result, seconds) of the jobs run in this process

    def start(self) -> None:
        """Start the worker processes now, before the first job (nothing when the jobs run in this process):
        each imports what the jobs need (``warm_up``) while the caller is still busy with other work."""
        if not self.here and self.pool is None:
            from joblib.externals.loky import ProcessPoolExecutor

            with _interrupts_held():  # the workers are started (forked and executed) in this thread, now
                self.pool = ProcessPoolExecutor(self.workers, initializer=_start_worker, initargs=(os.getpid(), self.warm_up))
                self.pool.submit(os.getpid)  # loky starts its workers with the first job

    def submit(self, function, *args, **kwargs) -> None:
        if self.here:
            self.results.append(timed_call(function, *args, **kwargs))
            return
        self.start()
        assert self.pool is not None
        self.results.append(self.pool.submit(timed_call, function, *args, **kwargs))

    def wait(self) -> list[tuple[object, float]]:
        try:
            return [r.result() if hasattr(r, "result") else r for r in self.results]
        finally:
            self.stop()

    def stop(self) -> None:
        """End the worker processes at once, the jobs not yet run with them: none writes afterwards."""
        if self.pool is not None:
            pool, self.pool = self.pool, None
            kill_executor(pool)

    def __enter__(self) -> "BackgroundJobs":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def _interrupts_held():
    """SIGINT blocked in this thread for the block, in which worker processes are started: a Ctrl-C goes to every
    process of the terminal's foreground group, and one that reached a worker still importing what it runs ended it
    with a traceback printed beside the run's one-line message. A new process inherits the blocked signal (the
    mask survives fork and exec), so a Ctrl-C then waits in each worker until it ignores SIGINT
    (:func:`_start_worker`); this process gets its own as the block ends. multiprocessing's resource tracker, which
    the workers' semaphores need, is started first: Python 3.11's unblocks SIGINT after starting (it does not
    restore the mask it found), which let the workers start with SIGINT deliverable again."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):  # no POSIX signal masks (Windows)
        yield
        return
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


WORKER_NICE = 10  # how much lower the workers' priority is than the run's (POSIX nice): they take idle CPU first


def _start_worker(parent: int, warm_up=None) -> None:
    """A new worker of :class:`BackgroundJobs`: SIGINT is left to the run, which stops its workers itself (a
    worker would otherwise print its own traceback); and it ends as soon as its ``parent`` process does. A run
    killed by SIGKILL stops nothing: its workers drew the figures still queued into the dead run's folder and
    then waited for work for minutes; loky's workers have no watch of their own on the process that started
    them, so a thread of each checks its parent twice a second.

    The worker runs at a lower priority (:data:`WORKER_NICE`): its jobs overlap the run, and the run's own
    stages, on which every later job waits, go first when they want the same core. Then ``warm_up()``, if given
    (an error in it is left to the job that meets it again), and what the worker holds by then (its imports, a
    few hundred thousand objects) is frozen out of the garbage collector's reach: a figure makes tens of thousands
    of objects in reference cycles, whose full collections went through every imported object each time (the
    figures of a small run take 3-8% less CPU so, ``bench/figure_times.py --in-worker``)."""
    import gc

    _start_stage_worker(parent)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICE)
    if warm_up is not None:
        try:
            warm_up()
        except Exception:  # the jobs import the same and report what fails
            pass
    gc.freeze()


def _start_stage_worker(parent: int) -> None:
    """A new worker process of a stage (:func:`stage_workers`, and :class:`BackgroundJobs`'s): SIGINT ignored, as
    the stage stops its workers itself, and the process ended as soon as its ``parent`` is."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # started with SIGINT blocked (_interrupts_held): one waiting is dropped
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


@contextmanager
def stage_workers():
    """joblib's process workers (loky) for the ``Parallel`` made and first called in the block: started with
    SIGINT blocked and then ignoring it, so that a Ctrl-C stops the stage with its one line (each of a sweep's
    workers had printed a KeyboardInterrupt traceback beside it), and ended with this process (a sweep killed by
    SIGKILL left its idle workers for loky's five minutes: a hostile pass). The threads joblib and loky start
    in the block inherit the blocked signal, so workers they start later are started so too. Under another
    backend (a Dask cluster's: :func:`on_dask`) nothing changes."""
    from joblib import parallel_config
    from joblib.parallel import get_active_backend

    if type(get_active_backend()[0]).__name__ != "LokyBackend":
        yield
        return
    with parallel_config(backend="loky", initializer=_start_stage_worker, initargs=(os.getpid(),)), _interrupts_held():
        yield


def _exit_after(parent: int) -> None:
    """End this process once ``parent`` has ended (this process then has another parent)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


@contextmanager
def one_blas_thread():
    """BLAS (and OpenMP) limited to one thread in this process for the block, restored after it: a BLAS of several
    threads splits its sums by the number of threads, so NMF's iterations ended a few units in the last place
    apart on one core and on two. Entered once around work done in threads (a model's fit, the fold-in's blocks),
    never in those threads: their limits would restore one another's. Dask's workers run with one BLAS thread of
    their own (their nanny sets it)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


def available_workers(configured: int | None = 0) -> int:
    """Workers for a stage's joblib work (the preparation's chunks, the fold-in's blocks): ``configured`` when it
    is set (> 0), else every worker of joblib's active backend: the Dask cluster's threads inside
    :func:`on_dask`, this machine's usable cores otherwise."""
    if configured and configured > 0:
        return int(configured)
    from joblib import effective_n_jobs

    try:
        return max(1, int(effective_n_jobs(-1)))
    except TimeoutError:  # joblib's Dask backend, on a cluster without a worker
        from .errors import ToolkitError

        raise ToolkitError("the Dask cluster has no worker: start one with `dask worker ADDRESS`") from None


def check_scheduler(address: str | None) -> None:
    """ToolkitError, one line, when ``address`` (--scheduler's) is no Dask scheduler address ('bogus',
    'file:///x'), before any work; whether a scheduler answers there is known only on connecting (:func:`on_dask`)."""
    if not address:
        return
    from .errors import ToolkitError

    try:
        from distributed.comm.addressing import parse_address, parse_host_port
        from distributed.comm.registry import get_backend
    except ImportError:
        raise ToolkitError("--scheduler needs Dask: pip install 'toolkit[dask]' (dask and distributed)") from None
    try:
        scheme, location = parse_address(address)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            _, port = parse_host_port(location)  # Dask's Client wants the port
            if not 0 < port < 65536:
                raise ValueError(f"port {port} is not from 1 to 65535")
    except (ValueError, TypeError) as exc:
        raise _not_an_address(address, exc) from None


def _not_an_address(address: str, exc: Exception):
    from .errors import ToolkitError

    return ToolkitError(f"--scheduler {address!r} is no Dask scheduler address ({_first_line(exc)}); give one as tcp://host:8786")


@contextmanager
def on_dask(address: str | None, *, wait_for_workers: float = 10.0):
    """joblib's parallel work inside the block (a run's preparation chunks and fold-in blocks, a sweep's runs)
    on the Dask cluster whose scheduler is at ``address``; nothing changes for ``None`` or ''. The work is the
    same functions on the same arguments, collected in order: the results are those of a local run. A cluster
    with no worker is waited for ``wait_for_workers`` seconds (one may be starting), then refused. Yields the
    client (None without an address); a scheduler lost during the block is a one-line ToolkitError."""
    if not address:
        yield None
        return
    from .errors import ToolkitError

    check_scheduler(address)
    try:
        from dask.distributed import Client
        from joblib import parallel_config
    except ImportError:
        raise ToolkitError("--scheduler needs Dask: pip install 'toolkit[dask]' (dask and distributed)") from None
    client = _connect(Client, address)  # not the process's default client: given to joblib's backend here
    with client, parallel_config(backend="dask", client=client, wait_for_workers_timeout=wait_for_workers):
        _has_a_worker(client, address, wait_for_workers)
        _same_build(client, address)
        try:
            yield client
        except BaseException as exc:
            import distributed.client

            # Dask's own class from distributed 2024.7 (imported, it raised ImportError in place of every error of
            # the block on the releases before, which pyproject allows: a review)
            lost_work = getattr(distributed.client, "FutureCancelledError", None)
            if client.status == "running" and lost_work is not None and isinstance(exc, lost_work):
                # a worker lost with data only it held (joblib sends a large argument to one worker), which the
                # cluster cannot compute again: a traceback of Dask's, exit 1 (a hostile pass killed a worker)
                raise ToolkitError(
                    f"the Dask cluster at {address} lost work during the run, a worker stopping with data only it held "
                    f"({_first_line(exc)}); run again (what is done is in the cache)"
                ) from exc
            # a client that gave up reconnecting ("closed") has dropped its scheduler: Dask's next call in the work
            # fails on that (joblib's count of the workers: AttributeError 'NoneType' ... 'ncores', a traceback of a
            # run whose scheduler stopped during the fit, a hostile pass); an error raised in Dask's or joblib's code
            # then is of the lost scheduler, one of the work's own (a full disk, a KeyError) stays what it is
            gave_up = client.status == "closed" and isinstance(exc, Exception) and _raised_in_dask(exc)
            if client.status == "running" or not (gave_up or _of_a_lost_connection(exc)):
                raise
            # the scheduler was lost during the work (the cluster stopped or the network failed): Dask's errors
            # of it (CommClosedError, CancelledError, a closing connection pool) are one line of the toolkit
            why = f"{type(exc).__name__}: {_first_line(exc)}"
            raise ToolkitError(
                f"lost the Dask scheduler at {address} during the work "
                f"({why if _of_a_lost_connection(exc) else 'the client gave up reconnecting'}); "
                "start the cluster again, or go on without --scheduler"
            ) from exc


def _has_a_worker(client, address: str, seconds: float) -> None:
    """ToolkitError, before any work, when the cluster has no worker within ``seconds`` (one may be starting): it
    was found only when the work first went to it, after a run had prepared its texts and fitted on its sample."""
    from .errors import ToolkitError

    try:
        client.wait_for_workers(1, timeout=seconds)
    except TimeoutError:
        raise ToolkitError(
            f"the Dask cluster at {address} has no worker (waited {seconds:g} s): start one with `dask worker {address}`"
        ) from None


def on_this_build(function, models=()):
    """``function`` as work that :func:`on_dask` may send to a cluster's workers: a worker whose toolkit build or
    package versions are not this process's refuses to run it (ToolkitError; the comparison on connecting sees only
    the workers there then, and a worker that joined later, from another checkout, ran 22 of 40 tasks of a run), and
    so does a worker whose copy of one of ``models`` (classes of a user's models, registered or plug-ins: a worker
    imports them from its own files) is other code than this process's (:func:`toolkit.sources.code_digest`).
    Elsewhere (this process, its threads, joblib's local workers) it runs ``function`` as it is."""
    from .sources import code_digest

    theirs = {_class_name(cls): code_digest(cls) for cls in models if not cls.__module__.startswith("toolkit.")}
    return _OnThisBuild(function, dict(_build_here()), theirs)


def _class_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class _OnThisBuild:
    """A function, the build of the process that made the work and the code of its users' model classes
    (:func:`on_this_build`); picklable."""

    def __init__(self, function, build: dict, models: dict | None = None):
        self.function, self.build, self.models = function, build, models or {}
        self.__name__ = getattr(function, "__name__", type(function).__name__)  # names the tasks on a dashboard

    def __repr__(self) -> str:
        return self.__name__

    def __call__(self, *args, **kwargs):
        worker = _dask_worker()
        if worker is not None:
            compare_builds(self.build, {worker: dict(_build_here())})
            self._compare_models(worker, args)
        return self.function(*args, **kwargs)

    def _compare_models(self, worker: str, args: tuple) -> None:
        from .errors import ToolkitError
        from .sources import code_digest

        for value in args:
            name = _class_name(type(value))
            if name in self.models and code_digest(type(value)) != self.models[name]:
                raise ToolkitError(
                    f"the Dask worker {worker} has other code for the model {name} than this process (a copy of its "
                    "file that differs, or one not reloaded): give every worker the same files, then run again"
                )


def _dask_worker() -> str | None:
    """The address of the Dask worker this code runs on, or None outside one (a process that has not imported
    distributed is none: importing it to ask took 0.2 s of every local run and of each of its workers)."""
    if "distributed" not in sys.modules:
        return None
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _build_here() -> tuple:
    """:func:`_build` of this process, found once (a worker checks it for every task it is given)."""
    return tuple(sorted(_build().items()))


def _build() -> dict:
    """This process's toolkit build (the SHA-256 of its code and data) and the versions of the packages it computes
    with: what every worker of a cluster must share for a run's results to be a local run's."""
    from .output.manifest import COMPUTING, package_versions, source_sha256

    return {"toolkit source": source_sha256(), **package_versions(tuple(COMPUTING))}


def _same_build(client, address: str) -> None:
    """ToolkitError, before any work, when a worker of the cluster runs another toolkit build or other versions of
    the packages than this process (workers started from another checkout changed 11 of a run's tables, and the
    manifest recorded this process's build alone), or cannot import the toolkit at all."""
    from .errors import ToolkitError

    mine = dict(_build_here())
    try:
        theirs = client.run(_build)
    except Exception as exc:  # a worker without the toolkit: its ImportError, raised here
        raise ToolkitError(
            f"a worker of the Dask cluster at {address} cannot run the toolkit ({type(exc).__name__}: "
            f"{_first_line(exc)}); install the same toolkit on every worker (docs/scale.md)"
        ) from None
    compare_builds(mine, theirs)


def compare_builds(mine: dict, theirs: dict[str, dict]) -> None:
    """ToolkitError naming the first worker of ``theirs`` (worker -> its :func:`_build`) whose build differs from
    ``mine``, and what differs."""
    from .errors import ToolkitError

    for worker, build in sorted(theirs.items()):
        if not isinstance(build, dict):  # no toolkit's answer (a worker that runs other code: a hostile pass)
            raise ToolkitError(
                f"the Dask worker {worker} answered {type(build).__name__}, not the toolkit's build: it does not run "
                "this toolkit; install the same toolkit and packages on every worker (docs/scale.md)"
            )
        differ = [name for name in mine if build.get(name) != mine[name]]
        if differ:
            name = differ[0]
            raise ToolkitError(
                f"the Dask worker {worker} runs another {name} than this process ({build.get(name)!s:.12} there, "
                f"{mine[name]!s:.12} here): its results would not be this run's; install the same toolkit and "
                "packages on every worker (docs/scale.md)"
            )


def _raised_in_dask(exc: BaseException) -> bool:
    """Whether ``exc`` was raised in the code of Dask, distributed, joblib or tornado (its traceback's last frame)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    module = str(tb.tb_frame.f_globals.get("__name__", "")) if tb is not None else ""
    return module.split(".")[0] in ("dask", "distributed", "joblib", "tornado")


def _of_a_lost_connection(exc: BaseException) -> bool:
    """Whether ``exc`` is how Dask fails work whose scheduler is gone: a connection's OSError without an errno
    (CommClosedError, "ConnectionPool closing", "Timed out trying to connect") or a cancelled task or future. An
    error of the work itself (a full disk's OSError has its errno, a KeyError, an interrupt) is not, even while
    the client reconnects."""
    import asyncio
    import concurrent.futures

    if isinstance(exc, OSError):
        return exc.errno is None
    return isinstance(exc, (asyncio.CancelledError, concurrent.futures.CancelledError))


CONNECT_SECONDS = 10  # how long a scheduler has to answer (Dask's timeout of the connection)
CONNECT_MARGIN = 5  # and how much longer the handshake may take before the toolkit gives up


def _connect(client_class, address: str):
    """A Dask client of the scheduler at ``address`` (``client_class``: Dask's ``Client``), or a one-line
    ToolkitError within :data:`CONNECT_SECONDS` and :data:`CONNECT_MARGIN`: an address where nothing listens, or
    where something that is no Dask scheduler answers. Dask's own timeout does not cover every handshake: a web
    server there kept the client waiting for ever, and a server that answers with text had Dask read it as a frame
    of exabytes (MemoryError); so the client is made in a thread of its own, waited for that long and the margin
    more, and closed if it connects after that. It is not made the process's default client (a notebook's later
    ``dask.compute`` would go to it, or wait for a client that never connected)."""
    from .errors import ToolkitError

    outcome: dict = {}
    decided = threading.Lock()  # the client is either handed over or, once the caller gave up, closed

    def connect() -> None:
        try:
            client = client_class(address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
        except BaseException as exc:  # handed to the caller's thread, which raises it as its error
            outcome["error"] = exc
            return
        with decided:
            if outcome.get("abandoned"):
                client.close()  # connected after the caller's deadline: nobody else would close it
            else:
                outcome["client"] = client

    thread = threading.Thread(target=connect, name="toolkit-dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_SECONDS + CONNECT_MARGIN)
    with decided:
        late = "client" not in outcome and "error" not in outcome
        outcome["abandoned"] = late
    if late:
        raise ToolkitError(
            f"cannot reach the Dask scheduler at {address}: no answer within {CONNECT_SECONDS + CONNECT_MARGIN} s (is a Dask "
            "scheduler listening there?)"
        )
    error = outcome.get("error")
    if isinstance(error, (ValueError, TypeError)) and "ssl_context" in str(error):  # a tls:// address is one
        raise ToolkitError(
            f"cannot reach the Dask scheduler at {address}: a TLS address needs Dask's TLS settings (certificates in "
            "Dask's configuration, distributed.comm.tls), and none are set; set them, or give the scheduler's "
            "tcp:// address"
        ) from None
    if isinstance(error, (ValueError, TypeError)):  # what check_scheduler lets through and Dask cannot read
        raise _not_an_address(address, error) from None
    if isinstance(error, OSError):
        raise ToolkitError(f"cannot reach the Dask scheduler at {address}: {_first_line(error)}") from None
    if error is not None:  # something answered there, not in Dask's protocol
        # (a web server's text read as the length of a frame: "Unable to allocate 3.07 EiB", which read as the
        # toolkit's own memory running out)
        detail = (
            "it answers in another protocol"
            if isinstance(error, MemoryError)
            else f"{type(error).__name__}: {_first_line(error)}"
        )
        raise ToolkitError(
            f"cannot reach the Dask scheduler at {address}: what answers there is no Dask scheduler ({detail})"
        ) from None
    return outcome["client"]


def _first_line(exc: BaseException) -> str:
    """An exception's message on one line (its class name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
