"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import importlib.util
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT.parent / "shared" / "bench" / "make_scale_corpus.py"


def before_fit(timings: dict[str, float]) -> float:
    """Seconds a run spent before fitting the model: every stage up to "model" (loading, preparing or reading
    the prepared corpus from the cache, writing it, vocabulary and counts)."""
    total = 0.0
    for stage, seconds in timings.items():
        if stage == "model":
            return total
        total += seconds
    raise ValueError("no model stage in the timings")


@dataclass
class Measured:
    seconds: float
    peak_bytes: int  # the largest sum of resident memory over the process and all its children at one moment
    stdout: str
    samples: list[tuple[float, int]]  # (seconds since the start, that sum) at every sample


def stage_peaks(measured: Measured, timings: dict[str, float]) -> dict[str, int]:
    """The peak of a run's memory samples within each of its stages. A run's stages follow one another; their
    windows are laid end to end from the run's own timings, ending where the process ended (the seconds before
    the first stage are the interpreter's start and imports), so a window is placed to within the run's
    untimed moments between stages (a few seconds of a long run)."""
    stages = [(name, seconds) for name, seconds in timings.items() if name != "total"]
    start = measured.seconds - sum(seconds for _, seconds in stages)
    peaks = {}
    for name, seconds in stages:
        inside = [rss for t, rss in measured.samples if start <= t <= start + seconds]
        if inside:
            peaks[name] = max(inside)
        start += seconds
    return peaks


def measured(command: list[str], env: dict | None = None, every: float = 0.05) -> Measured:
    """Run ``command``; wall time and the peak of the resident memory of its whole process tree (worker
    processes included), sampled every ``every`` seconds."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    samples = []
    done = threading.Event()

    def sample():
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                total = 0
                for member in tree:
                    try:
                        total += member.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
                peak = max(peak, total)
                samples.append((time.perf_counter() - start, total))
            except psutil.NoSuchProcess:
                return
            time.sleep(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return Measured(seconds, peak, stdout, samples)


def spread(values: list[float], digits: int = 1) -> str:
    """Median with the range, e.g. '31.2 s (29.8-33.0, n=3)'."""
    return f"{statistics.median(values):.{digits}f} s ({min(values):.{digits}f}-{max(values):.{digits}f}, n={len(values)})"


def generate_corpus(folder: Path, chars: int) -> None:
    """A corpus of ``chars`` characters from ../shared/bench/make_scale_corpus.py (resampled State Council
    paragraphs); needs the shared folder beside the checkout."""
    if not GENERATOR.is_file():
        sys.exit(f"{GENERATOR} not found: the generated corpora need ../shared/bench beside the checkout")
    subprocess.run([sys.executable, str(GENERATOR), str(folder), "--chars", str(chars)], check=True, stdout=subprocess.DEVNULL)


def generated_corpus(work: Path, chars: int) -> Path:
    """``work``/corpus-``chars``: a generated corpus of that many characters, made the first time it is asked
    for and reused after."""
    corpus = work / f"corpus-{chars}"
    if not (corpus / "metadata.csv").is_file():
        generate_corpus(corpus, chars)
    return corpus


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip() + (
            "+changes"
            if subprocess.run(
                ["git", "-C", str(ROOT), "status", "--porcelain", "toolkit", "bench", "configs"], capture_output=True, text=True
            ).stdout.strip()
            else ""
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def module_at(revision: str, relative: str, folder: Path):
    """The toolkit module file ``relative`` (e.g. ``toolkit/analysis/uncertainty.py``) as it was at git ``revision``,
    imported beside this checkout's as a module of its own; its relative imports resolve to this checkout's
    package. For timing a kernel against an earlier commit's in one process. A revision from before the stages
    were subpackages (issue 31) has the module at the top of the package (``toolkit/<name>.py``)."""

    def show(path: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{path}"], capture_output=True, text=True)

    shown = show(relative)
    if shown.returncode and show(flat := f"toolkit/{Path(relative).name}").returncode == 0:
        relative, shown = flat, show(flat)
    shown.check_returncode()
    source = shown.stdout
    stem = Path(relative).stem
    path = folder / f"{stem}_reference.py"
    path.write_text(source, encoding="utf-8")
    name = ".".join((*Path(relative).parent.parts, f"{stem}_reference"))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def interleaved(calls: dict, repeats: int) -> dict[str, list[float]]:
    """Seconds of each call of ``calls`` (label -> function of no arguments), the calls taken in turn
    ``repeats`` times, so that a drift of the machine's speed falls on all of them alike."""
    seconds: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(repeats):
        for label, call in calls.items():
            start = time.perf_counter()
            call()
            seconds[label].append(time.perf_counter() - start)
    return seconds


def generated_settings(work: Path, chars: int) -> list[str]:
    """The ``--set`` overrides of bench/empty.toml that read a generated corpus of ``chars`` characters (made the
    first time) with its cache in ``work``/cache."""
    corpus = generated_corpus(work, chars)
    return [
        f'corpus.texts="{corpus}"',
        f'corpus.metadata="{corpus / "metadata.csv"}"',
        'corpus.name="bench"',
        f'cache.dir="{work / "cache"}"',
    ]


def generated_run(work: Path, chars: int):
    """The toolkit, the settings, the config (bench/empty.toml with ``model.n_topics=20``), the prepared corpus
    and the counted units of a generated corpus of ``chars`` characters, prepared once into ``work``/cache."""
    sys.path.insert(0, str(ROOT))
    import toolkit

    settings = [*generated_settings(work, chars), "model.n_topics=20"]
    config = toolkit.Config.load(ROOT / "bench" / "empty.toml", settings)
    prepared = toolkit.prepare(config)
    return toolkit, settings, config, prepared, toolkit.count_units(prepared, config)
