"""Shared fixtures. Tests use the real seed documents and State Council reports shipped in the repo."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

# One place for hypothesis's settings: no deadline, as the machines that run the suite are busy and a property's
# first example pays for numba and jieba, and hypothesis's default of 100 examples; a test that needs more or
# fewer says so with @settings(max_examples=...).
settings.register_profile("ci", deadline=None, print_blob=True)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GWR = ROOT / "corpora" / "gwr_national" / "texts"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def pytest_configure(config):
    # Keep the token cache of the test run away from the user's cache (and from other runs).
    cache = Path(config.rootpath) / ".pytest_cache" / "toolkit-cache"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["TOOLKIT_CACHE_DIR"] = str(cache)


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


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def cli(*args, cwd: Path | None = None) -> CliResult:
    """``toolkit ARGS`` run in this process by ``toolkit.cli.main``, its output captured as a terminal would show
    it: stdout, and on stderr the one-line errors and the log (as ``main`` sets it up in a fresh process, the
    message alone). For the tests whose point is not a fresh interpreter, a signal or the process's own exit."""
    import contextlib
    import io
    import logging

    from toolkit.cli import main

    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setFormatter(logging.Formatter("%(message)s"))
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


@pytest.fixture(scope="session")
def seeds_run(tmp_path_factory):
    """The shipped seed config run once per test session with its defaults, for the tests that only read its
    outputs (never write into its folder)."""
    import toolkit

    return toolkit.run(SEEDS_CONFIG, tmp_path_factory.mktemp("runs") / "seeds")


@pytest.fixture(scope="session")
def fast_seeds_run(tmp_path_factory):
    """The seed config with the FAST settings, run once per session with a token cache of its own that starts
    empty (its manifest records every document segmented); the cache is ``out_dir.parent / "cache"``. For the
    tests that compare a run's outputs with a working run's, and copy that cache before they damage it."""
    import toolkit

    base = tmp_path_factory.mktemp("fast-seeds")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TOOLKIT_CACHE_DIR", str(base / "cache"))
        return toolkit.run(toolkit.Config.load(SEEDS_CONFIG, FAST), base / "run")


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEED_FILES}


@pytest.fixture(scope="session")
def lexicon():
    from toolkit.analysis.themes import load_lexicon

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
