"""Shared fixtures. Tests use the real seed documents and State Council reports shipped in the repo."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis's settings in one place: the profile named by HYPOTHESIS_PROFILE, "default" (make test) unless it
# says "quick" (while editing) or "thorough" (a search five times as long). No deadline in any: the machines that
# run the suite are busy and a property's first example pays for numba and jieba. A property whose examples each
# fit a model or run the toolkit takes a share of the profile's examples (``examples`` below).
PROFILES = {"default": 200, "quick": 20, "thorough": 1000}
for _name, _examples in PROFILES.items():
    settings.register_profile(_name, max_examples=_examples, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def examples(share: float) -> settings:
    """Settings for a costly property: ``share`` of the loaded profile's examples (at least one), so that every
    profile scales it too (``@examples(1 / 5)``, or ``settings(examples(1 / 5), derandomize=True)`` to add more)."""
    return settings(max_examples=max(1, round(settings().max_examples * share)))


ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GWR = ROOT / "corpora" / "gwr_national" / "texts"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def pytest_configure(config):
    # Keep the token cache of the test run away from the user's cache (and from other runs).
    # Emptied once per session: by pytest-xdist's controller (``make test`` runs the tests in one worker process
    # per core), not again by each worker, which shares it.
    cache = Path(config.rootpath) / ".pytest_cache" / "toolkit-cache"
    if not hasattr(config, "workerinput"):
        shutil.rmtree(cache, ignore_errors=True)
    os.environ["TOOLKIT_CACHE_DIR"] = str(cache)
    # The tests that send SIGINT to a toolkit process need it to take it as Ctrl-C. A shell without job control
    # (``cmd &`` in a script) starts a command with SIGINT ignored, and its children inherit that: their Python
    # then never raises KeyboardInterrupt, so an interrupted run went on to its end (test_atomic) or a sweep
    # finished (test_sweep). With a handler here, a child starts with the default again.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # The collector less often in the test processes: pandas and matplotlib make many objects, and the default
    # thresholds (700 allocations) scanned them about 10% of the in-process tests' time; the objects alive now
    # (the imported modules) never again. The toolkit's own processes keep Python's defaults.
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def pytest_unconfigure(config):
    # When the interpreter ends, its objects are left to the operating system, as the toolkit's command leaves its
    # own (toolkit.cli.main): Python's collections at exit traversed everything the tests made and imported, about
    # a second of each worker's end, with the suite waiting for the last. An exit handler, not now: a process that
    # called pytest.main() may go on.
    import atexit
    import gc

    atexit.register(gc.freeze)


# The test files that take longest (``pytest --durations``), run first: ``make test`` gives each of its workers
# (pytest-xdist) a whole file at a time, in the order of collection, so these start at once and the many quick
# files fill the end instead of one long file running alone after the others.
LONGEST_FIRST = [
    "test_figure_shapes.py",
    "test_sweep.py",
    "test_atomic.py",
    "test_real_corpora.py",
    "test_safety.py",
    "test_notebooks.py",
    "test_pipeline.py",
    "test_terms.py",
    "test_cli.py",
]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest, and each file, in order


SEEDS_CONFIG = ROOT / "configs" / "seeds.toml"
# Settings for a run whose test reads neither its figures nor its model's numbers (cache, input and output
# checks): one short chain, PNG only at low resolution, no pyLDAvis page, no bootstrap. The figures are most of
# a seed run (about 40 of 50 s on two busy cores).
FAST = [
    "model.ensemble=1",
    "model.keyatm.iterations=40",
    "figures.ldavis=false",
    'figures.formats=["png"]',
    "figures.dpi=30",
    "trends.bootstrap=0",
]

# FAST without any figure (the tables and report.html are written all the same): for a run whose test reads
# none of its figures. The figures are most of a FAST run too.
NO_FIGURES = [*FAST, "figures.formats=[]"]
GWR_CONFIG = ROOT / "configs" / "gwr_national.toml"


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def cli(*args, cwd: Path | None = None) -> CliResult:
    """``toolkit ARGS`` run in this process by ``toolkit.cli.main``, its output captured as a terminal would show
    it: stdout, and on stderr the one-line errors and the log (as ``main`` sets it up in a fresh process: the
    message, a warning's after ``warning: ``). For the tests whose point is not a fresh interpreter, a signal or
    the process's own exit."""
    import contextlib
    import io
    import logging

    from toolkit.cli import LogFormat, main

    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setFormatter(LogFormat())
    root, ours = logging.getLogger(), logging.getLogger("toolkit")
    level = ours.level
    root.addHandler(handler)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(cwd or os.getcwd()):
            code = main([str(a) for a in args])
    finally:
        root.removeHandler(handler)
        ours.setLevel(level)
    return CliResult(code, out.getvalue(), err.getvalue())


def once_per_session(tmp_path_factory, name: str, make):
    """``make(folder)``, called once per test session with a new empty ``folder``, also when pytest-xdist runs the
    tests in several worker processes: the first worker to ask makes it, in a folder all workers share, under a
    lock; the others wait for it and read its result back (pickled). What ``make`` writes is shared by every
    worker's tests: they read it or copy it, never change it."""
    import pickle

    from filelock import FileLock

    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make(tmp_path_factory.mktemp(name))
    # beside each worker's own folder, as deep as a test's tmp_path (a run's config.toml holds relative paths)
    folder = tmp_path_factory.getbasetemp().parent / "shared" / name
    made = folder.with_name(name + ".pickle")
    folder.parent.mkdir(exist_ok=True)
    with FileLock(folder.with_name(name + ".lock")):
        if made.is_file():
            return pickle.loads(made.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # what a worker whose make failed left
        folder.mkdir()
        result = make(folder)
        made.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory):
    """The shipped seed config run once per test session with its defaults, for the tests that only read its
    outputs (never write into its folder)."""
    import toolkit

    return once_per_session(tmp_path_factory, "seeds-run", lambda base: toolkit.run(SEEDS_CONFIG, base / "seeds"))


def _with_own_cache(base: Path, config, out: str):
    """The run of ``config`` into ``base / out`` with a token cache of its own that starts empty (``base / "cache"``)."""
    import toolkit

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOOLKIT_CACHE_DIR", str(base / "cache"))
        return toolkit.run(config, base / out)


@pytest.fixture(scope="session")
def fast_seeds_run(tmp_path_factory):
    """The seed config with the NO_FIGURES settings, run once per session with a token cache of its own that starts
    empty (its manifest records every document segmented); the cache is ``out_dir.parent / "cache"``. For the
    tests that compare a run's outputs with a working run's, and copy that cache before they damage it."""
    from toolkit import Config

    config = Config.load(SEEDS_CONFIG, NO_FIGURES)
    return once_per_session(tmp_path_factory, "fast-seeds", lambda base: _with_own_cache(base, config, "run"))


@pytest.fixture(scope="session")
def gwr_run(tmp_path_factory):
    """The shipped State Council config run once per session with its defaults (about a minute and a half on two
    busy cores), with a token cache of its own that starts empty (``out_dir.parent / "cache"``), for the tests
    that read its outputs and those that copy them (and that cache) before they change them."""
    return once_per_session(tmp_path_factory, "gwr", lambda base: _with_own_cache(base, GWR_CONFIG, "gwr"))


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}


@pytest.fixture(scope="session")
def lexicon():
    from toolkit.analysis.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def segmenter(lexicon):
    from toolkit.config import Config
    from toolkit.text.preparation import make_segmenter

    return make_segmenter(Config.from_dict({}), lexicon)


@pytest.fixture(scope="session")
def normalizer():
    from toolkit.text.normalize import Normalizer

    return Normalizer()


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A copy of the seeds (texts + metadata) in a temporary folder that tests may change."""
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def write_config(path: Path, texts: Path, metadata: Path | None = None, **sections) -> Path:
    """Write a TOML config for ``texts``; ``sections`` are tables such as model={"n_topics": 5} (nested
    tables too: model={"lda": {"passes": 2}})."""
    import tomli_w

    corpus = {"texts": str(texts), **({"metadata": str(metadata)} if metadata is not None else {}), **sections.pop("corpus", {})}
    path.write_text(tomli_w.dumps({"corpus": corpus, **sections}), encoding="utf-8")
    return path


def add_document(corpus: Path, name: str, content: str | bytes, title: str, date: str, precision: str = "day") -> None:
    """One document more in a copy of the seeds (``small_corpus``): its file (text as UTF-8) and its metadata row,
    a Wuhan document in simplified script."""
    path = corpus / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with (corpus / "metadata.csv").open("a", encoding="utf-8") as meta:
        meta.write(f"{name},{title},{date},{precision},武汉市,x,simplified,\n")


def git(folder: Path, *args) -> str:
    """Run git in ``folder`` as a researcher with a Chinese name would; its output, stripped."""
    return subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=研究者", "-c", "user.email=r@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def snapshot(folder: Path) -> dict[str, object]:
    """Everything below ``folder``, links not followed, by its path relative to ``folder``: a file's bytes, a
    link's target, the mode of anything else (a folder, a FIFO). The same snapshot before and after: nothing was
    written, deleted, replaced or relinked."""
    found: dict[str, object] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            key = os.path.relpath(path, folder).replace(os.sep, "/")
            if os.path.islink(path):
                found[key] = ("link", os.readlink(path))
            elif os.path.isfile(path):
                with open(path, "rb") as handle:
                    found[key] = handle.read()
            else:
                found[key] = ("mode", os.stat(path, follow_symlinks=False).st_mode)
    return found


def _finished(command: list[str], timeout: float, **options) -> subprocess.CompletedProcess:
    """``command`` run to its end, its output captured as text (unless ``text=False``); a process still running
    after ``timeout`` seconds fails the test (it would otherwise hang the suite)."""
    options = {"capture_output": True, "text": True, **options}
    try:
        return subprocess.run(command, timeout=timeout, **options)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command[1:])[:200]!r} still running after {timeout} s")


def _this_checkout(env: dict | None) -> dict:
    """``env``, or this process's environment with this checkout first on the path, so a child imports the toolkit
    under test whatever its working folder."""
    if env is not None:
        return env
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def toolkit_process(*args, cwd: Path = ROOT, env: dict | None = None, timeout: float = 300, **options):
    """``toolkit ARGS`` in a fresh process, as a user runs it (``cli`` runs one in this process): its exit code and
    output. ``options`` go to ``subprocess.run``."""
    command = [sys.executable, "-m", "toolkit", *map(str, args)]
    return _finished(command, timeout, cwd=cwd, env=_this_checkout(env), **options)


def python_process(code: str, *args, env: dict | None = None, timeout: float = 60, **options):
    """``python -c CODE ARGS`` in a fresh interpreter that imports this checkout's toolkit."""
    return _finished([sys.executable, "-c", code, *map(str, args)], timeout, env=_this_checkout(env), **options)


def started_toolkit(*args, env: dict | None = None, **options) -> subprocess.Popen:
    """``toolkit ARGS`` started in a process of its own, returned once the first line of its log (``load ...``)
    says the run has begun: a signal sent from then on lands in the toolkit's code, not in the interpreter's
    start-up (which takes a while on a busy machine). ``options`` go to ``subprocess.Popen``."""
    command = [sys.executable, "-m", "toolkit", *map(str, args)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_this_checkout(env), **options
    )
    # Read byte by byte from the pipe itself: a line read through the text wrapper would take whatever else the
    # pipe held into the wrapper's buffer, where ``communicate`` (which reads the pipe) never looks.
    first = b""
    while not first.endswith(b"\n") and (byte := os.read(process.stderr.fileno(), 1)):
        first += byte
    assert first.startswith(b"load"), first
    return process


def read_log_until(process: subprocess.Popen, stage: str, timeout: float = 120) -> str:
    """Read the log of a :func:`started_toolkit` process up to and including the line that starts ``stage`` (a
    run logs ``stage ...`` as it begins each one), byte by byte from the pipe as that function does; what was
    read. Fails the test when the log ends first (the run ended, or never reached the stage), or when no line
    starts the stage within ``timeout`` seconds (the process is killed: a run that stalls would hang the suite)."""
    import select
    import time

    deadline = time.monotonic() + timeout
    read = b""
    while not (read.endswith(b"\n") and read.splitlines()[-1].startswith(stage.encode())):
        ready, _, _ = select.select([process.stderr], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            process.kill()
            pytest.fail(f"no {stage!r} in the run's log after {timeout} s: {read.decode(errors='replace')[-2000:]}")
        byte = os.read(process.stderr.fileno(), 1)
        if not byte:
            pytest.fail(f"the run's log ended before {stage!r}: {read.decode(errors='replace')[-2000:]}")
        read += byte
    return read.decode()
