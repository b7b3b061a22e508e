"""Topic models and their registry, the one place that knows which kinds of model exist.

A kind comes from one of three places, looked up in this order:

- ``register_model(kind, cls)`` in this process (a notebook, a test);
- a module of this package named by its kind (``keyatm.py``, ``lda.py``, ``nmf.py``): every public module
  except ``base``; helper modules are private (``_gibbs.py``). It declares ``OPTIONS`` and gives its
  :class:`~toolkit.models.base.TopicModel` as ``Model``;
- an entry point of the group ``toolkit.models`` of an installed package (``mine = "my_package.module:MyModel"``
  under ``[project.entry-points."toolkit.models"]`` of its pyproject.toml), so ``model.kind = "mine"`` works from
  the command line, in sweeps and in their worker processes.

The ``[model]`` config section holds what every kind shares; each kind's own settings live in its sub-table
``[model.<kind>]`` (its ``OPTIONS``). Reading a config imports no estimator of a shipped kind (nor
scikit-learn): their options are read from their modules; a plug-in's class is loaded to read its ``OPTIONS``.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import pkgutil
import warnings
from typing import TYPE_CHECKING

from ..errors import ToolkitError
from ..options import NON_NEGATIVE, POSITIVE, SEED, Option

log = logging.getLogger("toolkit")

if TYPE_CHECKING:
    from .base import TopicModel

OPTIONS = {
    "kind": Option(
        "keyatm",
        "Topic model: 'keyatm' (keyword-assisted: one topic per lexicon theme, the measurement "
        "model), 'lda' or 'nmf' (exploration), or any registered kind; its own settings are in "
        "the sub-table [model.<kind>].",
    ),
    "n_topics": Option(
        20, "Number of topics (keyatm: one per theme with a keyword in the corpus, the rest free: at least one).", *POSITIVE
    ),
    "random_state": Option(42, "Seed: the same seed and config give the same topics.", *SEED),
    "ensemble": Option(
        3,
        "Models fitted with different seeds (derived from random_state); each unit's shares are "
        "their mean, and their spread is reported.",
        *POSITIVE,
    ),
    "n_jobs": Option(
        0,
        "Threads for fitting, and blocks of units folded in at once; 0 for one per core (the blocks: with "
        "--scheduler, one per thread of the Dask cluster). Results do not depend on it.",
        *NON_NEGATIVE,
    ),
    "sample_above": Option(
        2_000_000,
        "Above this many tokens (of the modelled units) the models are fitted on a "
        "sample of units stratified by document and every other unit is folded in "
        "with the topics held fixed; 0 fits on every unit whatever the size.",
        *NON_NEGATIVE,
    ),
    "sample_tokens": Option(
        1_000_000,
        "Tokens of that sample, about: each document gives the same share of its tokens in whole units (at least "
        "one), so a corpus of many short documents can exceed it by up to a unit per document.",
        *POSITIVE,
    ),
}
# Keys that once sat in [model] itself, and the kind whose sub-table holds them now.
MOVED = {"passes": "lda", "iterations": "lda", "alpha": "lda", "seeded": "lda", "seed_strength": "lda", "max_iter": "nmf"}
ENTRY_POINTS = "toolkit.models"  # the group of entry points that adds kinds
_registered: dict[str, type[TopicModel]] = {}


def _problem(kind: str, cls) -> tuple[type[Exception], str] | None:
    """Why ``cls`` cannot be the model of ``kind``, with the error it raises in :func:`register_model`."""
    if not kind.isidentifier() or kind in OPTIONS or kind in MOVED:  # MOVED: [model]'s old keys, read as those
        # (a kind named alpha had its [model.alpha] read as lda's alpha and refused: mutation audit 27)
        taken = sorted({*OPTIONS, *MOVED})
        return ValueError, f"a model kind must be a plain identifier other than {taken}, not {kind!r}"
    for attribute in ("from_config", "fit", "transform", "OPTIONS"):
        if not hasattr(cls, attribute):
            name = getattr(cls, "__name__", repr(cls))
            return TypeError, f"{name} lacks {attribute}; derive it from toolkit.models.base.TopicModel"
    return None


def register_model(kind: str, cls: type) -> None:
    """Make ``cls`` available as ``model.kind = "<kind>"`` (its sub-table: ``[model.<kind>]``) in this process;
    it takes precedence over a shipped kind or an entry point of the same name."""
    problem = _problem(kind, cls)
    if problem:
        error, message = problem
        raise error(message)
    _registered[kind] = cls


def unregister_model(kind: str) -> None:
    """Forget a kind added with :func:`register_model`."""
    _registered.pop(kind, None)


def is_shipped(kind: str) -> bool:
    """Whether ``kind`` names the toolkit's own model (not a class registered under its name)."""
    return kind not in _registered and kind in _shipped()


def _shipped() -> set[str]:
    """The kinds that are modules of this package: every public module but ``base`` (no module is imported)."""
    return {m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_") and m.name != "base"}


@functools.cache
def _entry_points() -> dict:
    """The installed packages' entry points of the group ``toolkit.models`` by name (the first of a name wins;
    read once per process)."""
    from importlib.metadata import entry_points

    found: dict = {}
    for entry_point in entry_points(group=ENTRY_POINTS):
        found.setdefault(entry_point.name, entry_point)
    return found


def kinds() -> list[str]:
    """Every kind a config can name: registered, shipped, and those of entry points."""
    return sorted(set(_registered) | _shipped() | set(_entry_points()))


def _load(entry_point) -> type[TopicModel]:
    """The class an entry point names; a ToolkitError of one line when it cannot be loaded or is no model."""
    where = f"entry point {entry_point.name} = {entry_point.value} (group {ENTRY_POINTS}"
    if entry_point.dist is not None:
        where += f", package {entry_point.dist.name}"
    where += ")"
    try:
        cls = entry_point.load()
    except Exception as exc:  # any error of a plug-in's import: the user sees which one, on one line
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise ToolkitError(f"model kind {entry_point.name!r} cannot be loaded from its {where}: {detail}") from exc
    problem = _problem(entry_point.name, cls)
    if problem:
        raise ToolkitError(f"model kind {entry_point.name!r} from its {where} is no model: {problem[1]}")
    return cls


def model_class(kind: str) -> type[TopicModel]:
    """The class of ``kind``; ToolkitError naming the kinds there are for an unknown one."""
    if kind in _registered:
        return _registered[kind]
    if kind in _shipped():
        return importlib.import_module(f"{__name__}.{kind}").Model
    if kind in _entry_points():
        return _load(_entry_points()[kind])
    raise ToolkitError(f"unknown model kind {kind!r}; choose one of {', '.join(kinds())}")


def model_provenance(kind: str) -> dict:
    """What says which code fits ``kind``: its class (module and name), where it comes from (``toolkit``,
    ``register_model``, or an entry point with its package's version and the versions of what that package
    requires) and, for a kind not shipped, the SHA-256 of its code as loaded (:func:`toolkit.sources.code_digest`).
    A shipped kind's code is in the manifest's ``toolkit_source_sha256``. A run records it; a sweep keys its runs
    with it, so that a model whose code changed is fitted again when the sweep resumes."""
    from ..sources import code_digest

    cls = model_class(kind)
    found: dict = {"class": f"{cls.__module__}.{cls.__qualname__}"}
    if is_shipped(kind):
        return {**found, "from": "toolkit"}
    if kind in _registered:
        found["from"] = "register_model"
    else:
        entry_point = _entry_points()[kind]
        dist = entry_point.dist
        found["from"] = f"entry point {entry_point.value}" + (f" of {dist.name} {dist.version}" if dist is not None else "")
        if dist is not None and dist.requires:
            found["requires"] = _requirement_versions(dist.requires)
    return {**found, "code_sha256": code_digest(cls)}


def _requirement_versions(requirements: list[str]) -> dict[str, str]:
    """The installed version of each package a plug-in requires (its extras' aside), by name."""
    import re
    from importlib import metadata

    versions = {}
    for requirement in requirements:
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if name and "extra ==" not in requirement:
            try:
                versions[name[0]] = metadata.version(name[0])
            except metadata.PackageNotFoundError:
                versions[name[0]] = "not installed"
    return dict(sorted(versions.items()))


def check_options(section: dict) -> None:
    """The kind must exist; a plug-in's is loaded now, so a broken one fails before any work."""
    kind = section["kind"]
    if kind not in _registered and kind not in _shipped():
        model_class(kind)


def sub_options(name: str) -> dict[str, Option] | None:
    """The options of the sub-table ``[model.<name>]``, or None when ``name`` is no kind. A shipped kind's are
    read from its module, without loading its estimator."""
    if name in _registered:
        return _registered[name].OPTIONS
    if name in _shipped():
        return importlib.import_module(f"{__name__}.{name}").OPTIONS
    if name in _entry_points():
        return _load(_entry_points()[name]).OPTIONS
    return None


def build_model(
    section: dict,
    *,
    random_state: int | None = None,
    n_jobs: int | None = None,
    keywords=None,
    n_words: int = 0,
    n_tokens: int = 0,
):
    """The unfitted model of a ``[model]`` section (``random_state`` and ``n_jobs`` override the section's); a
    section of some keys only (``{"kind": "lda", "n_topics": 5}``) is checked and filled with the defaults, as a
    config's is (it was a KeyError: a hostile pass of the API)."""
    if not _complete(section):
        from ..config import Config
        from ..errors import ToolkitError

        if not isinstance(section, dict):
            raise ToolkitError(f"build_model: section must be a [model] table (a dict), not {type(section).__name__}")
        section = Config.from_dict({"model": section}, source="build_model")["model"]
    kind = section["kind"]
    cls = model_class(kind)
    threads = n_jobs if n_jobs is not None else (section["n_jobs"] or os.cpu_count() or 1)
    return cls.from_config(
        n_topics=section["n_topics"],
        random_state=section["random_state"] if random_state is None else random_state,
        options=section.get(kind, {}),
        n_jobs=threads,
        keywords=keywords,
        n_words=n_words,
        n_tokens=n_tokens,
    )


def _complete(section) -> bool:
    """Whether ``section`` is a [model] section with every key :func:`build_model` reads, its kind's sub-table whole
    (a section of the four keys but no sub-table was a KeyError, 'seeded': an adversarial review)."""
    if not isinstance(section, dict) or not {"kind", "n_topics", "random_state", "n_jobs"} <= set(section):
        return False
    options = sub_options(section["kind"]) if isinstance(section["kind"], str) else None
    table = section.get(section["kind"]) if options is not None else None
    return options is not None and isinstance(table, dict) and set(options) <= set(table)


def members_at_once(members: int, cores: int) -> int:
    """How many of ``members`` equally long fits to run at once on ``cores`` cores: the fewest that finish
    soonest, when k at a time take max(1, k / cores) of one fit's time per round. Three on two cores: all
    three, sharing the cores (1.5 fits' time), rather than two and then one alone (2 fits' time); four on
    two: two at a time (the same time as four at once, with half the fits in memory)."""

    def finish(k: int) -> tuple[float, int]:
        return -(-members // k) * max(1.0, k / cores), k

    return min(range(1, max(members, 1) + 1), key=finish)


def fit_ensemble(section: dict, counts, *, keywords=None, n_tokens: int | None = None):
    """Fit the ``section["ensemble"]`` members of a ``[model]`` section on ``counts``; returns the fitted
    models and their document-topic shares (one array per member).

    Members are fitted in threads, as many at once as finish soonest on ``n_jobs`` cores (:func:`members_at_once`),
    each with its share of ``n_jobs``; every member's arithmetic is its own, so the result does not depend on
    the number of threads. A model whose class has ``fit_together`` (keyatm) fits its members together: their
    chains advance in lockstep blocks, each block's sweeps shared out among the cores when there are more chains
    than cores (``_keyatm.wrap_around``), and stop when they agree (all chains are held in memory at once). Every
    member has its own seed (NMF's nndsvda start too: its randomized SVD is seeded).
    """
    from concurrent.futures import ThreadPoolExecutor

    from ..processes import one_blas_thread
    from ..random_streams import member_seeds

    n_jobs = section["n_jobs"] or os.cpu_count() or 1
    seeds = member_seeds(section["random_state"], section["ensemble"])
    n_tokens = int(counts.sum()) if n_tokens is None else n_tokens
    common = {"keywords": keywords, "n_words": counts.shape[1], "n_tokens": n_tokens}
    parallel = members_at_once(len(seeds), n_jobs)
    threads = max(1, n_jobs // parallel)
    models = [build_model(section, random_state=seed, n_jobs=threads, **common) for seed in seeds]
    together = getattr(type(models[0]), "fit_together", None)

    def fit_one(model):
        return model.fit_transform(counts)

    # a library's warnings that the model's own check replaces are ignored here, in this thread, around the
    # fitting threads: catch_warnings in those threads would restore each other's filters in any order; and BLAS
    # has one thread, set here for the same reason: a BLAS of two threads sums in another order than one (NMF's
    # topics differed in their last bits, and the order of tied rows of lexicon_sensitivity.csv with them)
    with warnings.catch_warnings(), one_blas_thread():
        for category in type(models[0]).replaced_warnings():
            warnings.filterwarnings("ignore", category=category)
        if parallel == 1:
            shares = together(models, counts) if together else [fit_one(model) for model in models]
        else:
            with ThreadPoolExecutor(parallel) as pool:
                if together:  # more chains than cores: the cores share them out (keyatm's wrap_around)
                    shares = together(models, counts, pool.map, workers=min(parallel, n_jobs))
                else:
                    shares = list(pool.map(fit_one, models))
    problems = [problem for problem in (model.fit_problem_after() for model in models) if problem]
    if problems:
        log.warning("%s (%d of %d fits)", problems[0], len(problems), len(models))
    return models, shares
