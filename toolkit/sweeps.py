"""Parameter sweeps: fit a grid of models, evaluate each, and recommend a number of topics with evidence.

Each run is named by the hash of its resolved settings and of every input that can change its result (the
prepared corpus's key: texts, dates, normalisation, dictionaries and stopwords; and the lexicon), and is
written to ``<out>/runs/<hash>/`` as soon as it finishes, so a sweep that is interrupted and started again
only fits what is missing, and a changed input is fitted again. Runs go in parallel with joblib (one BLAS
thread inside each, so results do not depend on the number of workers), locally or on a Dask cluster.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import numbers
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .config import Config, _key_path, as_config, is_path_option, parse_override, plain, where_it_lives
from .errors import NoData, ToolkitError, as_list
from .options import OPEN_FRACTION, SEED, Option
from .output import atomic
from .output.csv_files import write_csv
from .processes import available_workers, stop_workers
from .progress import Progress, kept_interrupts
from .resources import read_text_file, user_path
from .text import NOT_SHAPING

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("toolkit")

MAX_JOBS = 1_024  # runs in parallel
OPTIONS = {
    "grid": Option({}, 'Grid of settings, e.g. {"model.n_topics" = [5, 10, 15], "model.kind" = ["lda", "nmf"]}.', kind=dict),
    "seeds": Option(
        [1, 2, 3], "Random seeds of every grid point (unless the grid sets model.random_state).", *SEED, kind=list, item=int
    ),
    "holdout": Option(0.1, "Share of units held out for perplexity / reconstruction error.", *OPEN_FRACTION, kind=(float, int)),
    "n_jobs": Option(
        0,
        "Runs in parallel; 0 for one per core (with a scheduler, one per thread of the Dask cluster).",
        lambda v: 0 <= v <= MAX_JOBS,
        f"from 0 to {MAX_JOBS:,}",
    ),
}
# where a sweep sends the corpus and whose code its results come back from is the user's choice, given on the
# command line (--scheduler) or to sweep(scheduler=...), never a config's: a shared config made a sweep connect to
# a host it named and unpickle what came back (a hostile pass)
RETIRED = {
    "scheduler": "a config names no Dask cluster to send the corpus to; give it as toolkit sweep --scheduler ADDRESS "
    "(or toolkit.sweep(config, scheduler=ADDRESS))"
}
# Sections whose change needs new tokens; everything else only changes the model.
PREPROCESSING = ("corpus", "normalize", "units", "segment", "vocab")
# the lexicon's settings that choose the words kept and the keyword topics (themes.min_score and top_n label topics)
LEXICON_SHAPING = ("themes.lexicon", "themes.match")
# What a sweep's run fits and scores: a grid key of another section (trends, figures ...) would fit the same model
# twice under two names; threads and the ensemble change no run of a sweep (it fits one model per seed, its seeds
# are sweep.seeds)
SWEPT = (*PREPROCESSING, "model", "themes")
# settings that change no result of a sweep: a sweep fits every unit (model.sample_above and sample_tokens are a
# run's: two values of them were two identical fits under two run ids, "indistinguishable" in the recommendation)
NOT_SWEPT = (
    "model.n_jobs",
    "model.ensemble",
    "model.sample_above",
    "model.sample_tokens",
    *(f"{s}.{k}" for s in PREPROCESSING for k in NOT_SHAPING),
)
_GRID_SYNTAX = (
    "--grid expects section.key=VALUES with VALUES a list (lda,nmf or 0.3,0.5) or a range of "
    "integers (5..15), e.g. --grid model.n_topics=5..15"
)
_RANGE = re.compile(r"^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$")
MAX_RUNS = 10_000  # runs of one sweep: a grid larger than this is a typo, and its list alone would fill the memory
# what a finished run's metrics.json holds (it is written last, so a run without it is fitted again)
_METRICS = ("run_id", "kind", "n_topics", "random_state", "c_npmi", "c_v", "diversity")


def parse_grid_option(text: str) -> tuple[str, list]:
    """``model.n_topics=5..15`` or ``model.kind=lda,nmf`` -> ("model.n_topics", [5, ..., 15])."""
    if "=" not in text:
        raise ToolkitError(f"{_GRID_SYNTAX}; not {text!r}")
    name, raw = text.split("=", 1)
    if not name.strip() or "." not in name or not raw.strip():
        raise ToolkitError(f"{_GRID_SYNTAX}; not {text!r}")
    path = _key_path(name)
    if len(path) == 1 and "." in path[0]:  # "model.n_topics", quoted as a [sweep.grid] table writes its keys
        name = path[0]
    try:
        section, key, _ = parse_override(name + "=0")
    except ToolkitError:  # its message names --set and the text it was given (model.=0)
        raise ToolkitError(f"{_GRID_SYNTAX}; not {text!r}") from None
    # a range is numbers either side of ".."; a list may hold ".." too (themes.lexicon=../a.toml,../b.toml)
    if ".." in raw and re.fullmatch(r"[\s\d.+-]*", raw):
        match = _RANGE.match(raw)
        if not match or int(match.group(1)) > int(match.group(2)):
            raise ToolkitError(f"{_GRID_SYNTAX}; not {text!r} (a range is FIRST..LAST with FIRST <= LAST)")
        size = int(match.group(2)) - int(match.group(1)) + 1
        if size > MAX_RUNS:
            raise ToolkitError(
                f"--grid {text.strip()} has {size:,} values, above the limit of {MAX_RUNS:,} runs of "
                "a sweep; give a shorter range or a list, e.g. --grid model.n_topics=5..15"
            )
        return f"{section}.{key}", list(range(int(match.group(1)), int(match.group(2)) + 1))
    values = _split_values(raw)
    if any(not v.strip() for v in values):
        raise ToolkitError(f"{_GRID_SYNTAX}; not {text!r} (an empty value)")
    return f"{section}.{key}", [parse_override(f"{section}.{key}={v.strip()}")[2] for v in values]


def _split_values(raw: str) -> list[str]:
    """A --grid option's values: ``raw`` split at its commas, but not at one inside a TOML table, list or quoted
    string (``{passes=3, iterations=10},{passes=5}``, ``[],["a.txt","b.txt"]``, ``"a,b",c``: split at every
    comma, their parts were refused with a message about the key: a hostile pass). A quote opens a string only at
    a value's start or inside a table or list (``l'1.toml,l'2.toml`` are two names: a review); brackets that do
    not close (a bare name such as ``a[,b``) are no table or list: split at every comma, as before."""
    values, start, depth, quote, i = [], 0, 0, "", 0
    while i < len(raw):
        char = raw[i]
        if quote:
            if quote == '"' and char == "\\":
                i += 1  # an escaped character of a basic string (\\ or \")
            elif char == quote:
                quote = ""
        elif char in "\"'" and (depth or not raw[start:i].strip()):
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth < 0:
                return raw.split(",")
        elif char == "," and depth == 0:
            values.append(raw[start:i])
            start = i + 1
        i += 1
    if depth or quote:
        return raw.split(",")
    return [*values, raw[start:]]


def parse_grid_options(texts: list[str]) -> dict[str, list]:
    """The grid of several ``--grid`` options (:func:`parse_grid_option` each); a key given twice is refused (the
    second replaced the first: K = 8 alone where 5 and 8 were asked for)."""
    grid: dict[str, list] = {}
    for name, values in map(parse_grid_option, texts):
        if name in grid:
            raise ToolkitError(f"--grid {name} is given twice; give all its values in one: --grid {name}=a,b,c")
        grid[name] = values
    return grid


def expand_grid(config: Config, grid: dict[str, list] | None = None) -> list[dict]:
    """Every combination of the grid (config's ``[sweep.grid]`` updated by ``grid``), seeds included."""
    if grid is not None and not isinstance(grid, Mapping):  # a list of "key=values" texts is the command line's form
        raise ToolkitError(
            f"sweep grid must be a table of setting: values, as {{'model.n_topics': [10, 15]}}, not {type(grid).__name__}"
        )
    unordered = next((key for key, v in (grid or {}).items() if isinstance(v, (set, frozenset))), None)
    if unordered:
        raise ToolkitError(f"sweep grid {unordered}: give its values as a list, in the order to fit them (a set has none)")
    # numpy's arrays and numbers as the lists and numbers they hold (np.arange(18, 20) was "no list of values", and
    # a list of np.int64 a TypeError of the run's JSON: a hostile pass of the API); a range or a tuple as a list
    merged = {
        **config["sweep"]["grid"],
        **{key: plain(list(v) if isinstance(v, (range, tuple)) else v) for key, v in (grid or {}).items()},
    }
    if "model.random_state" not in merged:
        if not config["sweep"]["seeds"]:  # named as what the user wrote, not as the grid key it becomes
            raise ToolkitError("sweep.seeds is empty; give at least one seed, e.g. sweep.seeds = [1, 2, 3]")
        merged["model.random_state"] = config["sweep"]["seeds"]
    for name, values in merged.items():
        section = name.split(".", 1)[0]
        if "." not in name and isinstance(values, dict):  # [sweep.grid] model.n_topics = [...] unquoted in TOML
            raise ToolkitError(
                f"sweep grid key {name!r} must be section.key of a run setting; in a config, quote it: "
                f'"{name}.{next(iter(values), "n_topics")}" = [...] (unquoted, TOML reads the dot as a table)'
            )
        if name == "sweep.seeds":  # the seeds are the grid's own dimension, given as one list
            raise ToolkitError(
                "sweep grid key 'sweep.seeds': the seeds are fitted at every point of the grid already; give them as "
                "one list, --set 'sweep.seeds=[1, 2, 3]'"
            )
        if section == "sweep" and "." in name and name.split(".", 1)[1] in config["sweep"]:
            # its held-out share changes every score: one per sweep, so that they compare (a typo, sweep.seed, is
            # said to be unknown below; a review: it was told to --set sweep.seed)
            raise ToolkitError(
                f"sweep grid key {name!r}: the sweep's own settings are one per sweep (the points of a grid are scored "
                f"alike to be compared); give it with --set {name}=VALUE, one sweep per value"
            )
        if section == "sweep" and "." in name:
            _known_key(config, name, values[0] if isinstance(values, list) and values else values)
        if "." not in name or section not in SWEPT or name in NOT_SWEPT:
            raise ToolkitError(
                f"sweep grid key {name!r}: a sweep fits and scores topics, so its grid takes settings that change "
                f"them, section.key of {', '.join(SWEPT)} (e.g. model.n_topics), not a setting that changes no result "
                f"({', '.join(k for k in NOT_SWEPT if k.split('.')[1] in config[k.split('.')[0]])})"
            )
        if not isinstance(values, list) or not values:
            raise ToolkitError(f"sweep grid {name} needs a non-empty list of values, e.g. [5, 10, 15]")
        _known_key(config, name, values[0])
        # 1 and 1.0 are one value of a setting (every numeric setting reads them alike): fitted twice, their runs
        # were then pooled as further seeds of one point (a hostile pass)
        first: dict[str, object] = {}
        for value in values:
            first.setdefault(json.dumps(_canonical(value), sort_keys=True), value)
        distinct = list(first.values())
        if len(distinct) < len(values):  # n_topics = 4,4 was two identical runs, fitted twice
            log.warning("sweep grid %s names a value more than once (%s): each is fitted once", name, values)
            merged[name] = distinct
    keys = sorted(merged)
    _no_key_inside_another(keys)
    size = math.prod(len(merged[k]) for k in keys)
    if size > MAX_RUNS:
        raise ToolkitError(
            f"the sweep grid has {size:,} runs ({' x '.join(f'{len(merged[k])} {k}' for k in keys)}), "
            f"above the limit of {MAX_RUNS:,}; give fewer values"
        )
    return [dict(zip(keys, combo)) for combo in itertools.product(*(merged[k] for k in keys))]


def _no_key_inside_another(keys: list[str]) -> None:
    """Refuse a grid of a table and a key inside it (model.lda and model.lda.passes): one overrode the other, the
    runs were named by the one they did not use, and a point vanished (a hostile pass of the sweep)."""
    inside = next(((a, b) for a in keys for b in keys if b.startswith(a + ".")), None)
    if inside:
        raise ToolkitError(
            f"sweep grid keys {inside[0]!r} and {inside[1]!r}: the second is a setting inside the first, so the two "
            "would set it twice; give one of them"
        )


def warn_set_in_grid(overrides, config: Config, grid: dict | None = None) -> None:
    """Warn of each ``overrides`` (``--set section.key=value`` texts) whose key the grid sets (the config's
    ``[sweep.grid]``, updated by ``grid``), or that is model.random_state (the seeds are sweep.seeds): every run
    takes the grid's values, and the --set was dropped in silence (a hostile pass of the sweep)."""
    # a moved key as it now lives, on either side (--set model.passes=5 beside --grid model.lda.passes=3,5 was
    # dropped unsaid: a review)
    swept = {where_it_lives(k) for k in (*config["sweep"]["grid"], *(grid or {}), "model.random_state")}
    for text in overrides:
        section, key, _ = parse_override(text)
        name = where_it_lives(f"{section}.{key}")
        # the key, a setting inside a table the grid sets, or a table holding a key the grid sets (a review)
        by = next((k for k in sorted(swept) if name == k or name.startswith(k + ".") or k.startswith(name + ".")), None)
        if by:
            log.warning(
                "the setting %s (--set) is not used as given: the sweep's grid gives every run its own %s (%s); "
                "change the grid instead",
                text,
                by,
                "the seeds of sweep.seeds" if by == "model.random_state" else "its values",
            )


def _known_key(config: Config, name: str, value) -> None:
    """ToolkitError naming the grid's key, not the config file, when ``name`` is no config key (--grid
    model.n_topicz=4 was said to be the file's unknown key, as --set's were)."""
    try:
        config.with_values(**{name: value})
    except ToolkitError as exc:
        if "unknown config key" not in str(exc):
            return  # a value a run refuses is said by that run's check, with the grid point
        raise ToolkitError(f"sweep grid: unknown config key {str(exc).split('unknown config key ', 1)[1]}") from None


def _canonical(value):
    """A grid value as it is compared with another: a whole float as the integer it equals (1.0 as 1), inside tables
    and lists too; true and false stay themselves."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


def _cell(value):
    """A grid value as a cell of sweep.csv: a table or list of settings as its JSON text (a value to group the
    runs by: a table itself cannot be one, and `--grid 'model.lda={passes=12}'` ended the sweep in a traceback after
    every fit)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _grid_runs(run_configs) -> tuple[list, dict[str, list], list]:
    """The runs of the grid's points (``run_configs``: (combo, config) pairs), each run once: (combo with its kind's
    own settings, config, run id, preprocessing key); per preprocessing key, [its inputs, None] (the prepared
    corpus, filled later); and the grid points whose inputs cannot be read, with why (``corpus.year_min`` past every
    document's year: one point of the grid stopped the sweep, a hostile pass)."""
    from .text.preparation import load_inputs

    groups: dict[str, list] = {}
    unreadable: dict[str, NoData] = {}
    runs, seen, said, skipped = [], {}, set(), []
    for combo, run_config in run_configs:
        # the preprocessing and the lexicon's settings that choose the words and keywords: the themes' labelling
        # settings (min_score, top_n) prepared the same corpus once per value (a hostile pass)
        shaping = {s: run_config[s.split(".")[0]][s.split(".")[1]] for s in LEXICON_SHAPING}
        key = json.dumps({sec: run_config[sec] for sec in PREPROCESSING}, sort_keys=True) + json.dumps(shaping, sort_keys=True)
        if key not in groups and key not in unreadable:
            try:
                groups[key] = [load_inputs(run_config), None]
            except NoData as exc:  # not a missing file or a bad value, which stop the sweep (a review)
                unreadable[key] = exc
        if key in unreadable:
            skipped.append((_grid_point(combo, run_config), f"{UNREAD}: {unreadable[key]}"))
            continue
        rid = run_id(run_config, groups[key][0].fingerprint)
        own = _own_settings(combo, run_config)
        if rid in seen:  # the same run by another value of a setting its kind does not read (model.lda.*), or
            # by two files of the same contents (lexicon_v1.toml before v2 is edited): fitted once, and the second said
            differ = {k: v for k, v in own.items() if seen[rid].get(k) != v}
            # said once, not at every other point and seed of the grid (36 times for the shipped grid: a review)
            warning = (
                f"sweep grid: {', '.join(f'{k}={v}' for k, v in differ.items())} gives the same run as "
                f"{', '.join(f'{k}={seen[rid][k]}' for k in differ)} (the same inputs and settings"
                + (": files of the same contents?" if any(is_path_option(*k.split(".", 1)) for k in differ) else "")
                + "): fitted once, under the first"
            )
            if differ and warning not in said:
                said.add(warning)
                log.warning("%s", warning)
            continue
        seen[rid] = own
        runs.append((own, run_config, rid, key))
    if not runs:  # no point's texts can be read: the first reason is the sweep's error
        raise next(iter(unreadable.values()))
    # only the inputs some run reads (the preparation found no run of a group whose runs were all the same as
    # another's: a StopIteration's traceback, a hostile pass)
    return runs, {key: group for key, group in groups.items() if any(run[3] == key for run in runs)}, skipped


# the reasons of grid points skipped for their preprocessing, not for their number of topics
UNREAD, UNPREPARED = "these settings leave no text to read", "these settings leave nothing to fit"


def _grid_point(combo: dict, run_config: Config) -> dict:
    """A grid point as the skipped points are listed: its kind and K, and the grid's settings."""
    return {"model.kind": run_config["model"]["kind"], "model.n_topics": run_config["model"]["n_topics"], **combo}


def _warn_skipped_settings(skipped: list) -> None:
    """Warn of the grid points skipped for their preprocessing settings (a review: said at the info level only, which
    -q hides, and as points that "cannot be fitted")."""
    if skipped:
        settings = list(
            dict.fromkeys(", ".join(f"{k}={v}" for k, v in combo.items() if k not in POINT_KEYS) for combo, _ in skipped)
        )
        log.warning(
            "sweep: %d grid point(s) skipped, their settings leaving nothing to analyse (%s%s: %s); the others are "
            "fitted, and recommendation.md lists the skipped points",
            len(skipped),
            "; ".join(settings[:3]),
            " ..." if len(settings) > 3 else "",
            skipped[0][1],
        )


def _prepare_groups(runs: list, groups: dict[str, list]) -> tuple[list, dict[str, list], list]:
    """Prepare each group's corpus (``groups``: [inputs, None] by preprocessing key); the runs and groups that could
    be prepared, and the grid points whose corpus could not, with why (``vocab.min_df`` above ``max_df`` at one
    point of the grid stopped the whole sweep, its other points unfitted: a hostile pass). With none prepared, the
    first reason is the sweep's error."""
    failed: dict[str, NoData] = {}
    for key, group in groups.items():
        try:
            group[1] = _prepare_group(next(rc for _, rc, _, k in runs if k == key), group[0])
        except NoData as exc:  # not a missing file or a bad value, which stop the sweep (a review)
            failed[key] = exc
    if failed and len(failed) == len(groups):
        raise next(iter(failed.values()))
    skipped = [(_grid_point(combo, rc), f"{UNPREPARED}: {failed[key]}") for combo, rc, _, key in runs if key in failed]
    return [r for r in runs if r[3] not in failed], {k: g for k, g in groups.items() if k not in failed}, skipped


def _own_settings(combo: dict, config: Config) -> dict:
    """``combo`` (a grid point) with the settings of another model kind than ``config``'s blanked (None): a grid over
    model.lda.passes beside keyatm gave each keyatm run once per value of passes, the same run twice in sweep.csv,
    named by a setting it does not read, and the recommendation compared it with itself (a hostile pass)."""
    from .models import kinds

    kind, known = config["model"]["kind"], set(kinds())

    def other_kind(key: str) -> bool:
        parts = key.split(".")
        # model.lda.passes, and the whole table model.lda = {passes = 3} (a review: it named a keyatm run)
        return len(parts) >= 2 and parts[0] == "model" and parts[1] in known and parts[1] != kind

    return {k: None if other_kind(k) else v for k, v in combo.items()}


def run_id(config: Config, fingerprint: str) -> str:
    """Hash of every setting that can change a run's result (of its model, the settings of its own kind only), of its
    inputs' ``fingerprint``, of the toolkit's code (``manifest.source_sha256``: a run of older code, such as LDA's
    perplexity before it was mended, is not taken as done), of a model's code that is not the toolkit's
    (``models.model_provenance``: a notebook's own model, edited, was not fitted again when the sweep resumed) and
    of the versions of the packages that compute a run (``manifest.COMPUTING``: not those that draw)."""
    from .models import model_provenance
    from .output.manifest import COMPUTING, package_versions, source_sha256

    kind = config["model"]["kind"]
    settings = {
        section: {
            k: v
            for k, v in values.items()
            # nor another kind's own settings (model.keyatm.* for an LDA run): the model reads its kind's alone
            if f"{section}.{k}" not in NOT_SWEPT
            and not (section == "model" and isinstance(v, dict) and k != kind)
            # nor the paths of the files read: their contents are in ``fingerprint`` (a run's saved config.toml, or a
            # project copied elsewhere, fitted every run again: a review)
            and not is_path_option(section, k)
        }
        for section, values in config.to_dict().items()
        if section in SWEPT
    }
    settings["sweep.holdout"] = config["sweep"]["holdout"]  # the held-out units: every score but stability
    code = {"toolkit": source_sha256(), "model": model_provenance(kind), "versions": package_versions(tuple(COMPUTING))}
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False) + fingerprint + json.dumps(code, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class _Corpus:
    """What every run of one preprocessing setting shares."""

    vocabulary: list[str]
    train: object
    held_out: object
    statistics: object  # CoherenceStatistics
    lexicon: object
    keywords: list


def _prepare_group(config: Config, inputs) -> _Corpus:
    from .analysis.evaluate import CoherenceStatistics, holdout_split
    from .analysis.lexicon import keyword_ids
    from .pipeline import count_units
    from .text.preparation import prepare

    prepared = prepare(config, inputs)
    vocabulary, counts, _ = count_units(prepared, config)
    train, held = holdout_split(counts.shape[0], config["sweep"]["holdout"], random_state=0)
    return _Corpus(
        vocabulary,
        counts[train],
        counts[held],
        CoherenceStatistics(prepared.tokens, vocabulary),
        prepared.lexicon,
        keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"]),
    )


def _warn_same_tokens(runs: list, corpora: dict[str, _Corpus]) -> None:
    """Warn of the grid's preprocessing settings that give the same words, counts and keywords as another: their runs
    are the same fits under two names (a hostile pass: vocab.phrase_min_count = 3 and 5, phrases being off, doubled
    every fit, and the recommendation called them two settings scored on their own tokens)."""
    alike: dict[str, list[str]] = {}
    for key, corpus in corpora.items():
        digest = hashlib.sha256(json.dumps([corpus.vocabulary, [k.tolist() for k in corpus.keywords]]).encode())
        for matrix in (corpus.train, corpus.held_out):
            for part in (matrix.indptr, matrix.indices, matrix.data):
                digest.update(part.tobytes())
        alike.setdefault(digest.hexdigest(), []).append(key)
    for keys in (keys for keys in alike.values() if len(keys) > 1):
        named = []
        for key in keys:
            combo = next(combo for combo, _, _, k in runs if k == key)
            shaping = {k: v for k, v in combo.items() if _shapes_the_corpus(k)}
            named.append(", ".join(f"{k}={v}" for k, v in shaping.items()) or "the config's own")
        log.warning(
            "the grid's settings %s give the same tokens and keywords: their runs are the same fits under %d names "
            "(a setting that changes nothing here, as vocab.phrase_min_count with vocab.phrases off); leave it out of "
            "the grid",
            " and ".join(named),
            len(keys),
        )


def _fit_one(model, train, held_out) -> dict:
    """Fit one unfitted model on the training units (one BLAS thread) and return what the sweep keeps."""
    import warnings

    from .models.keyatm import convergence_problem
    from .processes import one_blas_thread

    # a library's warning the model's own check replaces (NMF's ConvergenceWarning) is said in sweep.csv's
    # fit_note, not printed by each worker (a worker process fits one model at a time)
    with one_blas_thread(), warnings.catch_warnings():
        for category in type(model).replaced_warnings():
            warnings.filterwarnings("ignore", category=category)
        start = time.perf_counter()
        model.fit(train)
        seconds = time.perf_counter() - start
        scores = model.heldout_scores(held_out) if held_out.shape[0] else {}
    return {
        # what the held-out scores rest on (one unit of 17 tokens read as a perplexity like any other)
        "heldout_units": int(held_out.shape[0]),
        "fitted_units": int(train.shape[0]),  # what every score but the held-out ones rests on
        "heldout_tokens": int(held_out.sum()),
        "components": model.components_,
        "drawn": getattr(model, "drawn_words_", None),  # the words each topic drew (a keyword model's)
        "anchors": model.anchors_,
        "fit_seconds": round(seconds, 3),
        **scores,
        # keyatm's chains not converged by the ceiling, as a run warns of it (a sweep said nothing of it)
        "fit_note": model.fit_problem_after() or convergence_problem(getattr(model, "stop_", None)),
    }


@dataclass
class SweepResult:
    out_dir: Path
    table: pd.DataFrame
    recommendation: str
    fitted: int  # runs fitted by this call (the others were found done)
    timings: pd.DataFrame  # each run's fit_seconds (summary/timings.csv): apart, as they differ between two sweeps

    def __repr__(self) -> str:  # a line a notebook can show, as RunResult's (the default printed the tables whole)
        keys = ["kind", "n_topics", *grid_settings(self.table)] if {"kind", "n_topics"} <= set(self.table) else []
        points = self.table.groupby(keys, dropna=False).ngroups if keys else 0
        return (
            f"SweepResult(out_dir={str(self.out_dir)!r}: {len(self.table)} runs of {points} grid points, "
            f"{self.fitted} fitted by this call; .table, .recommendation, .timings)"
        )


def sweep(
    config: Config | str | Path,
    out_dir: str | Path | None = None,
    *,
    grid: dict[str, list] | None = None,
    n_jobs: int | None = None,
    scheduler: str | None = None,
    overrides: list[str] | tuple[str, ...] = (),
) -> SweepResult:
    """Fit and evaluate every run of the grid of ``config`` (a Config or a TOML path, with ``overrides`` applied,
    as :func:`toolkit.run` takes them); write ``sweep.csv``, the sweep figure and a recommendation.
    Grid points that cannot be fitted (more topics than units; keyatm with fewer topics than themes) are
    skipped, and the recommendation lists them."""
    from .analysis.evaluate import MEASURES
    from .models import model_class
    from .output.plots import plot_sweep, save_figure
    from .processes import check_scheduler, on_dask

    config = as_config(config, "sweep", overrides)
    whole = isinstance(n_jobs, numbers.Integral) and not isinstance(n_jobs, bool)
    if n_jobs is not None and not (whole and 0 <= n_jobs <= MAX_JOBS):
        raise ToolkitError(f"sweep: n_jobs must be a whole number from 0 (one per core) to {MAX_JOBS:,}, not {n_jobs!r}")
    out_dir = user_path(out_dir or Path("runs") / f"{config['corpus']['name'] or 'run'}-sweep", "sweep: out_dir")
    s = config["sweep"]
    # 0: one run per core here, or per thread of the scheduler's cluster; given, it is the caller's, 0 too (--jobs 0
    # was taken for "not given" beside a config's sweep.n_jobs = 1)
    asked = s["n_jobs"] if n_jobs is None else n_jobs
    check_scheduler(scheduler)  # a malformed address is refused before any work
    if scheduler:  # and a cluster that does not answer, has no worker or another build, before the corpus is prepared
        with on_dask(scheduler):  # (it was refused at the fits, after the preparation: a hostile pass)
            pass
    combos = expand_grid(config, grid)
    # after the grid's keys are checked: a --set warned of before a grid key was refused (a hostile pass)
    warn_set_in_grid(as_list(overrides), config, grid if isinstance(grid, Mapping) else None)
    run_configs = [(combo, config.with_values(**combo)) for combo in combos]
    # a swallowed interrupt (kept_interrupts) stops the sweep at its next run's end, as it stops a run
    with atomic.sweep_folder(out_dir, _grid_inputs(config, run_configs)), kept_interrupts():
        # the summary replaces the folder's summary/ at the end: refuse one that is not ours before any work
        atomic.check_output_location(out_dir / "summary", flag="the sweep's summary folder", kind="summary")
        runs, groups, unreadable = _grid_runs(run_configs)
        runs, groups, unprepared = _prepare_groups(runs, groups)
        _warn_same_tokens(runs, {key: group[1] for key, group in groups.items()})
        models, runs, unfittable, floors = _fittable(runs, {key: group[1] for key, group in groups.items()})
        skipped = [*unreadable, *unprepared, *unfittable]
        _warn_skipped_settings([*unreadable, *unprepared])
        if unfittable and runs:  # said as a warning: at the info level -q hid a grid's keyatm point (a hostile pass)
            points = list(dict.fromkeys(f"{c.get('model.kind', '')} K={c.get('model.n_topics')}" for c, _ in unfittable))
            log.warning(
                "sweep: %d grid point(s) cannot be fitted and are skipped (%s: %s); recommendation.md lists them",
                len(points),
                ", ".join(points[:4]) + (" ..." if len(points) > 4 else ""),
                unfittable[0][1],
            )
        if not runs:  # every reason, each with its points (the first alone led to the next error)
            reasons: dict[str, list] = {}
            for combo, problem in skipped:
                reasons.setdefault(problem, []).append(f"{combo.get('model.kind', '')} K={combo.get('model.n_topics')}")
            held = {(g[1].train.shape[0], g[1].held_out.shape[0]) for g in groups.values()}
            train, out = min(held)
            raise ToolkitError(
                "no run of the sweep grid can be fitted: "
                + "; ".join(f"{', '.join(dict.fromkeys(points))}: {problem}" for problem, points in reasons.items())
                + (
                    f" (the sweep fits on {train} units: sweep.holdout keeps {out} of {train + out} for held-out scores)"
                    if out
                    else ""
                )
            )
        pending = _pending(out_dir, runs)
        log.info(
            "sweep: %d runs to fit, %d already done%s",
            len(pending),
            len(runs) - len(pending),
            f", {len(skipped)} grid point(s) skipped (cannot be fitted: listed in recommendation.md)" if skipped else "",
        )
        jobs = [(combo, run_config, rid, groups[key][1]) for combo, run_config, rid, key in pending]
        for corpus in {id(j[3]): j[3] for j in jobs}.values():  # count once, in the parent, before the runs
            for measure in MEASURES:
                corpus.statistics.counts(measure)

        progress = Progress(len(runs), "sweep", "runs", done=len(runs) - len(pending))
        workers = min(available_workers(asked), len(jobs))  # here; on a cluster, counted on it (_on_dask)
        threads = 1 if scheduler else max(1, (os.cpu_count() or 1) // max(workers, 1))  # model threads in each run
        for _, _, rid, _ in jobs:
            if hasattr(models[rid], "n_jobs"):
                models[rid].set_params(n_jobs=threads)
        if jobs:
            from joblib import delayed

            from .processes import on_this_build

            fit = on_this_build(_fit_one, models={type(models[rid]) for _, _, rid, _ in jobs})
            tasks = (delayed(fit)(models[rid], corpus.train, corpus.held_out) for _, _, rid, corpus in jobs)
            results = None
            try:
                started: list = []  # the executor the fits start, stopped and drained however they end
                results = _run_fits(tasks, len(jobs), workers, scheduler, asked, started)
                for (combo, run_config, rid, corpus), raw in zip(jobs, results):
                    _write_run(out_dir / "runs" / rid, combo, run_config, corpus, raw)
                    progress.advance()
            finally:
                stop_workers(results, started)
            progress.close()

        table, timings = _collect(out_dir, runs)
        noted = table["fit_note"].fillna("").astype(str) if "fit_note" in table else None
        if noted is not None and (noted != "").any():
            log.warning(
                "%d of %d runs say in sweep.csv's fit_note that their fit did not finish as it should (first: %s)",
                int((noted != "").sum()),
                len(table),
                noted[noted != ""].iloc[0],
            )
        heldout = {m: d for kind in sorted(table["kind"].unique()) for m, d in model_class(kind).HELDOUT.items()}
        recommendation = recommend(table, skipped, floors, heldout=list(heldout))
        kinds = sorted({run_config["model"]["kind"] for _, run_config in run_configs})
        grid_keys = list(combos[0]) if combos else []
        recommendation += "\n" + shared_settings(config, grid_keys, kinds, out_dir / "summary")
        with atomic.output_folder(out_dir / "summary", kind="summary") as work:
            write_csv(work / "sweep.csv", table, bom=config["output"]["excel_bom"])
            write_csv(work / "timings.csv", timings, bom=config["output"]["excel_bom"])
            atomic.write_text(work / "recommendation.md", recommendation)
            save_figure(
                plot_sweep(table, heldout=heldout, language=config["figures"]["language"], title=config["corpus"]["name"]),
                work / "sweep.png",
                dpi=config["figures"]["dpi"],
            )
    return SweepResult(Path(os.path.abspath(out_dir)), table, recommendation, len(jobs), timings)  # as a run's


def _fittable(runs: list, corpora: dict) -> tuple[dict, list, list, dict]:
    """The runs that can be fitted, with their models by run id; the grid points that cannot, with the reason (more
    topics than units; keyatm with fewer topics than themes); and the fewest topics each kind can fit here."""
    models, valid, skipped, floors = {}, [], [], {}
    for combo, run_config, rid, key in runs:
        corpus = corpora[key]
        model, problem = _model_or_problem(run_config["model"], corpus)
        if problem:  # named by its kind and K, where the grid sets neither (a grid over keyatm's partitions: "K=0")
            skipped.append((_grid_point(combo, run_config), problem))
            continue
        models[rid] = model
        valid.append((combo, run_config, rid, key))
        kind, k = run_config["model"]["kind"], run_config["model"]["n_topics"]
        if k <= 1 or _model_or_problem({**run_config["model"], "n_topics": k - 1}, corpus)[1]:
            floors[kind] = min(floors.get(kind, k), k)
    return models, valid, skipped, floors


def _model_or_problem(settings: dict, corpus: _Corpus):
    """The model of ``settings`` on ``corpus`` and '', or None and why it cannot be fitted there: its own
    ``fit_problem``, or the reason it cannot even be made (seeded LDA with fewer topics than themes stopped the
    whole sweep, where the grid point is to be skipped and listed)."""
    try:
        model = _model(settings, corpus)
    except ToolkitError as exc:
        return None, str(exc)
    return model, model.fit_problem(corpus.train.shape[0], len(corpus.vocabulary))


def _model(settings: dict, corpus: _Corpus):
    """The model of a run's ``settings`` (the config's model section) on the sweep's ``corpus``."""
    from .models import build_model

    return build_model(
        settings, n_jobs=1, keywords=corpus.keywords, n_words=len(corpus.vocabulary), n_tokens=int(corpus.train.sum())
    )


def _pending(out_dir: Path, runs: list) -> list:
    """The ``runs`` the sweep folder ``out_dir`` has not finished. Before any fit: a run folder whose files cannot
    be written stops the sweep now, and so does a finished run's file changed since the sweep wrote it (an edited
    score was read back into the recommendation); a finished run an earlier sweep fitted is named by this grid."""
    pending = [r for r in runs if not _finished(out_dir / "runs" / r[2])]
    for run in runs:
        _check_run_folder(out_dir / "runs" / run[2])
    fitting = {run[2] for run in pending}
    for combo, _, rid, _ in runs:
        if rid not in fitting:
            _name_by_this_grid(out_dir / "runs" / rid, combo)
    return pending


def _finished(folder: Path) -> bool:
    """A run whose metrics.json and topics.json read back whole. A run with one missing (a killed sweep, a file
    deleted) is fitted again; one with a file changed since the sweep wrote it (damaged, edited by hand) stops the
    sweep before any fit (:func:`_check_run_folder`), the file left as it is."""
    try:
        metrics = json.loads(read_text_file(folder / "metrics.json"))
        topics = json.loads(read_text_file(folder / "topics.json"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(metrics, dict)
        and all(k in metrics for k in _METRICS)
        and metrics["run_id"] == folder.name
        and isinstance(topics, dict)
        and isinstance(topics.get("top_words"), list)
        and isinstance(topics.get("themes"), list)
    )


def _grid_inputs(config: Config, run_configs) -> dict[str, Path]:
    """What a sweep's folder must neither be, contain nor lie inside: the inputs of every run of the grid, not the
    config's alone (a grid over corpus.texts wrote its output inside a text folder of the grid's: a hostile pass)."""
    from .text.preparation import protected_paths

    protected = protected_paths(config)
    for combo, run_config in run_configs:
        for name, path in protected_paths(run_config).items():
            if path not in protected.values():
                protected[f"{name} of the grid's {', '.join(f'{k}={v}' for k, v in combo.items())}"] = path
    return protected


def _run_fits(tasks, n: int, workers: int, scheduler: str, asked: int, started: list):
    """The ``n`` fits of the sweep's runs, in order, each as soon as it and those before it are done (so that each
    run is written then, and an interrupted sweep keeps them): here in ``workers`` processes, or on the Dask
    cluster at ``scheduler``, as many at once as ``asked`` or, for 0, as the cluster has threads (on a cluster
    every fit was collected before the first was written: an interrupted cluster sweep kept none, a hostile pass).
    The local executor the fits start is put in ``started`` (for :func:`toolkit.processes.stop_workers`)."""
    from joblib import Parallel

    from .processes import current_executor, on_dask, stage_workers

    if not scheduler:
        with stage_workers():
            results = Parallel(n_jobs=workers, return_as="generator")(tasks)
        started.append(current_executor())
        yield from results
        return
    with on_dask(scheduler):
        yield from Parallel(n_jobs=min(available_workers(asked), n), return_as="generator")(tasks)


RUN_FILES = ("config.toml", "timing.json", "topics.json", "metrics.json")  # what a run's folder holds, in order


def _check_run_folder(folder: Path) -> None:
    """Refuse to write a run into ``folder`` unless it is the sweep's own: not a symbolic link to a folder
    elsewhere, and each of :data:`RUN_FILES` in it absent or as the sweep wrote it (listed with its SHA-256 in the
    folder's marker). A hostile pass found a run folder moved into a user's folder and linked back, and files
    annotated by hand, written over when their run was fitted again."""
    if folder.is_symlink():
        raise ToolkitError(f"{folder} is a symbolic link; a sweep writes its runs into folders of its own: move it away")
    for name in RUN_FILES:
        atomic.check_own_file(folder / name)


def _write_run(folder: Path, combo: dict, run_config: Config, corpus: _Corpus, raw: dict) -> None:
    from .analysis.evaluate import top_words, topic_metrics
    from .analysis.themes import label_topics
    from .output.tables import json_text

    t = run_config["themes"]
    words = top_words(raw["components"], corpus.vocabulary, 25, raw.get("drawn"))
    labels = label_topics(
        raw["components"],
        corpus.vocabulary,
        corpus.lexicon,
        anchors=raw["anchors"],
        top_n=t["top_n"],
        min_score=t["min_score"],
        match=t["match"],
        drawn=raw.get("drawn"),
    )
    metrics = {
        "run_id": folder.name,
        **combo,  # the grid's values, after the run id (_in_grid_order)
        "kind": run_config["model"]["kind"],
        "n_topics": run_config["model"]["n_topics"],
        "random_state": run_config["model"]["random_state"],
        "holdout": run_config["sweep"]["holdout"],
        **topic_metrics(corpus.statistics, words),
        "themes_found": len({t for t in labels["theme"] if t != "other"}),
    }
    metrics.update({k: v for k, v in raw.items() if k not in ("components", "drawn", "anchors", "fit_seconds")})
    _check_run_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_own_file(folder / "config.toml", run_config.to_toml(relative_to=folder))
    # the fit's time apart from its results: the same config gives the same metrics.json, not the same time
    atomic.write_own_file(folder / "timing.json", json_text({"fit_seconds": raw["fit_seconds"]}, indent=None))
    atomic.write_own_file(folder / "topics.json", json_text({"top_words": words, "themes": labels["theme"].tolist()}, indent=1))
    atomic.write_own_file(folder / "metrics.json", json_text(metrics, indent=1))  # written last (a NaN score: null)


def _in_grid_order(metrics: dict, combo: dict) -> dict:
    """A run's metrics as this sweep writes them: its run id, the grid's values (``combo``) in the grid's order,
    then its scores. A run an earlier sweep fitted names that sweep's grid: its keys (vocab.min_df), none of this
    one's at the config's value (model.kind), in that grid's order."""
    scores = {k: v for k, v in metrics.items() if "." not in k and k != "run_id"}
    return {"run_id": metrics["run_id"], **combo, **scores}


def _name_by_this_grid(folder: Path, combo: dict) -> None:
    """The metrics.json of a finished run that an earlier sweep fitted, written as this sweep would write it
    (:func:`_in_grid_order`), so that a sweep's files are the same bytes however its runs came to be (a hostile
    pass: sweep.csv's columns moved, and metrics.json lacked model.kind, after a sweep over K alone)."""
    from .output.tables import json_text

    metrics = json.loads(read_text_file(folder / "metrics.json"))
    named = _in_grid_order(metrics, combo)
    if list(named.items()) != list(metrics.items()):
        atomic.write_own_file(folder / "metrics.json", json_text(named, indent=1))


def _collect(out_dir: Path, runs) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    from .analysis.evaluate import stability

    rows, tops, seconds = [], {}, []
    for combo, _, rid, _ in runs:
        folder = out_dir / "runs" / rid
        # the grid's values as this sweep names them: a run done by an earlier sweep without a key of this grid
        # (vocab.min_df at its default) lacks it in its metrics.json
        # a score that was NaN is written as null (JSON has no NaN): read back as NaN
        # a grid key of the earlier sweep that fitted the run (vocab.min_df) is none of this one's: it made a column
        # of this sweep's table and named its runs in the recommendation (a hostile pass)
        metrics = _in_grid_order(json.loads(read_text_file(folder / "metrics.json")), combo)
        rows.append({k: _cell(combo[k]) if k in combo else (np.nan if v is None else v) for k, v in metrics.items()})
        rows[-1].pop("fit_seconds", None)  # in the metrics of runs fitted before timing.json
        tops[rid] = [w[:10] for w in json.loads(read_text_file(folder / "topics.json"))["top_words"]]
        try:
            seconds.append(float(json.loads(read_text_file(folder / "timing.json"))["fit_seconds"]))
        except (OSError, ValueError, KeyError, TypeError):  # a run fitted before the file, or a damaged one
            seconds.append(np.nan)
    table = pd.DataFrame(rows)
    for key in runs[0][0]:  # a whole-number setting blank where its kind does not read it: 4, not 4.000000
        values = [combo[key] for combo, *_ in runs if combo.get(key) is not None]
        if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            table[key] = table[key].astype("Int64")
    group_keys = [k for k in runs[0][0] if k != "model.random_state"]
    groups = table.groupby(group_keys, sort=False, dropna=False) if group_keys else [(None, table)]
    table["stability"] = np.nan
    for _, members in groups:
        table.loc[members.index, "stability"] = stability([tops[rid] for rid in members["run_id"]])
    timings = table[[c for c in ("run_id", *runs[0][0], "kind", "n_topics", "random_state") if c in table]]
    return table, timings.assign(fit_seconds=seconds)


POINT_KEYS = ("model.kind", "model.n_topics", "model.random_state")  # what the recommendation names, and the seed


def grid_settings(table: pd.DataFrame) -> list[str]:
    """The grid's settings in a sweep ``table`` besides the kind, the number of topics and the seed (vocab.min_df
    ...): each value of one is another point of the grid (the recommendation's and the figure's)."""
    return [c for c in table.columns if "." in c and c not in POINT_KEYS]


def _varied_preprocessing(summary: pd.DataFrame, settings: list[str]) -> list[str]:
    """The grid's preprocessing settings of more than one value: each value is scored on its own tokens (the
    coherence against its own texts, the perplexity on its own held-out tokens), so the scores rank the points of one
    value, not the values (a hostile pass: a sweep over strip_pinyin recommended keeping the pinyin, a topic of its
    fragments scoring well; one over vocab.max_terms recommended 3 words). So too the lexicon's settings, which
    choose the words kept and the keyword topics: a sweep over two lexicons recommended one of two themes (17 free
    topics) over the whole lexicon (a hostile pass)."""
    return [s for s in settings if _shapes_the_corpus(s) and summary[s].astype(str).nunique() > 1]


def _shapes_the_corpus(setting: str) -> bool:
    """Whether a grid ``setting`` changes what the runs are scored on: the preprocessing, or the lexicon's words."""
    return setting.split(".")[0] in PREPROCESSING or setting in LEXICON_SHAPING


def _preprocessing_headline(varied: list[str]) -> str:
    """The recommendation's headline when the grid varies the preprocessing (:func:`_varied_preprocessing`): no
    best point across its settings."""
    return (
        f"The grid varies the preprocessing ({', '.join(varied)}): each setting is scored on its own tokens and "
        "lexicon, so the "
        "scores compare the points of one setting, not the settings; choose those by reading the topics of each "
        "(topics.json in each run's folder, or a run's topics.csv and quality.csv). The best points of each setting "
        "are listed below."
    )


MEASUREMENT_MODEL = "KEYATM is the measurement model"  # how the recommendation's paragraph on it begins


def headline(recommendation: str) -> list[str]:
    """The lines of ``recommendation`` that ``toolkit sweep`` prints: its headline, and when that names no best
    point (the preprocessing varied) the best points of each setting it says are listed below (a review: the
    terminal showed "listed below" and nothing after it)."""
    lines = recommendation.splitlines()
    if not "".join(lines[2:3]).startswith("The grid varies the preprocessing"):
        return lines[2:3]
    first = next(i for i, line in enumerate(lines) if line.startswith("- "))
    # and with them, as the recommendation has it, that keyatm's coherence is not compared with the other kinds'
    # (its lines beside NMF's higher scores, said nowhere in the terminal: a review)
    measurement = [line for line in lines[3:first] if line.startswith(MEASUREMENT_MODEL)]
    return [lines[2], *measurement, *itertools.takewhile(lambda line: line.startswith("- "), lines[first:])]


def _point(row, settings: list[str], form: str = "K = {}") -> str:
    """A grid point as the recommendation names it: 'K = 5', or 'K = 5 (vocab.min_df=2)' when other settings vary;
    a setting its kind does not read (model.lda.passes of an NMF point, blank) is not named."""
    import pandas as pd

    named = [f"{k}={row[k]}" for k in settings if not pd.isna(row[k])]
    return form.format(int(row["n_topics"])) + (f" ({', '.join(named)})" if named else "")


def _edge_note(best, rows: pd.DataFrame, settings: list[str], unfitted: list) -> str:
    """A sentence when ``best``'s number of topics is the smallest or largest that ``rows`` (its kind's points
    with the same other settings) fitted and the grid asked for none beyond it (``unfitted``: the numbers of topics
    of its kind that could not be fitted, such as keyatm's below one per theme): the best may lie beyond the grid."""
    same = rows
    for setting in settings:
        same = same[same[setting].astype(str) == str(best[setting])]
    ks = sorted(set(same["n_topics"]))
    k = best["n_topics"]
    if len(ks) < 2 or k not in (ks[0], ks[-1]):
        return ""
    which, where = ("smallest", "below") if k == ks[0] else ("largest", "above")
    if any(isinstance(u, (int, float)) and (u < k if where == "below" else u > k) for u in unfitted):
        return ""  # the grid went beyond it, and those could not be fitted (the skipped points say why)
    return f" K = {int(k)} is the {which} number of topics the grid tried: a better one may lie {where} it; extend the grid."


def _ranked(points: pd.DataFrame) -> pd.DataFrame:
    """Grid points best first: those whose runs' topics all drew words before those holding a topic that drew
    fewer than two (more topics than the corpus fills; their coherence is the mean over the other topics, which
    ranked such a K first: a review), then by mean NPMI and stability (the grid's order among exact ties)."""
    filled = (points["empty"].fillna(0) == 0).rename("filled")
    order = points.assign(filled=filled).sort_values(["filled", "npmi", "stability"], ascending=False, kind="stable")
    return order.drop(columns="filled")


def _passed_over(rows: pd.DataFrame, best, settings: list[str]) -> str:
    """A sentence naming the points of higher mean NPMI than ``best`` that :func:`_ranked` put after it."""
    above = rows[(rows["npmi"] > best["npmi"]) & (rows["empty"].fillna(0) > 0)]
    if above.empty or best["empty"] > 0:
        return ""
    names = ", ".join(f"{_point(r, settings)} ({r['npmi']:.4f})" for _, r in above.iterrows())
    return (
        f" Of higher mean NPMI, {names} hold{'s' if len(above) == 1 else ''} topics that drew fewer than two words "
        "(more topics than the corpus fills; scored on the others): ranked after the points whose topics all drew words."
    )


ENOUGH_SEEDS = 5  # seeds a point needs before a range above another's tells them apart


def _too_few(seeds: int) -> str:
    """Why ranges over ``seeds`` seeds (fewer than :data:`ENOUGH_SEEDS`) tell no points apart."""
    chance = {2: "one in six", 3: "one in twenty", 4: "one in seventy"}.get(seeds, "often")
    return (
        f"but over {seeds} seed{'s' if seeds != 1 else ''} that is no evidence (all of {seeds} runs above all of "
        f"another point's {seeds} happens by chance {chance}, and more often among many points): fit "
        f"{ENOUGH_SEEDS} seeds or more (sweep.seeds) before choosing by it."
    )


def _one_run(point) -> str:
    """Why a grid point has no range over seeds."""
    if point["seeds"] < 2:
        return "It was fitted with one seed: it has no range over seeds to tell it from other points by."
    return (
        f"Its {int(point['seeds'])} seeds gave the same topics and scores: they are one run, so its range and its "
        "stability of 1.00 are no evidence of robustness, and no range to tell it from other points by."
    )


def _tied(rows: pd.DataFrame, best, settings: list[str], kinds: bool = False) -> str:
    """A sentence naming the points of ``rows`` (best first) whose mean NPMI equals ``best``'s to the last digit, ''
    when none does: the order among them is the grid's, not the data's (a setting that changes no fit, such as
    themes.min_score for an exploratory model, gave two points of one fit, and the first was "the highest")."""
    same = rows.iloc[1:][np.isclose(rows.iloc[1:]["npmi"].to_numpy(dtype=float), float(best["npmi"]), rtol=0, atol=1e-12)]
    if same.empty:
        return ""
    names = [(f"{r.kind.upper()} " if kinds else "") + _point(r, settings) for _, r in same.iterrows()]
    return (
        f" Tied with {', '.join(names)}: the same mean NPMI, so which is named first is the grid's order, no evidence "
        "(a setting that changes no fit gives points of the same fit)."
    )


HELDOUT_FEW = 1_000  # held-out tokens below which the held-out scores are said to be too few to compare points by


def _fit_notes(table: pd.DataFrame, heldout: list[str]) -> list[str]:
    """Lines of the recommendation on what its scores rest on: runs whose fit did not finish as it should
    (sweep.csv's ``fit_note``: keyatm's chains not converged), topics that drew fewer than two words, held-out
    scores of too few tokens, and a held-out score no run could compute (the figure leaves its panel out)."""
    import pandas as pd

    lines = []
    if "fit_note" in table:
        noted = table[table["fit_note"].fillna("").astype(str) != ""]
        for kind, rows in noted.groupby("kind"):
            lines.append(
                f"- {len(rows)} of {int((table['kind'] == kind).sum())} {kind.upper()} runs did not finish their fit as "
                f"they should ({rows['fit_note'].iloc[0]}; sweep.csv's fit_note): their scores are of those fits, "
                "and their ranking with them."
            )
    if "empty_topics" in table:  # scored on the words at their floor, they had raised stability in silence
        empty = table[pd.to_numeric(table["empty_topics"], errors="coerce").fillna(0) > 0]
        for kind, rows in empty.groupby("kind"):
            most = rows.groupby("n_topics")["empty_topics"].max()
            points = ", ".join(f"up to {int(n)} of {k}" for k, n in most.items())
            lines.append(
                f"- {len(rows)} of {int((table['kind'] == kind).sum())} {kind.upper()} runs hold topics that drew fewer "
                f"than two words ({points}; sweep.csv's empty_topics): more topics than this corpus fills. Their coherence "
                "is the mean over the other topics, an empty topic agrees with no topic of another seed in stability, and "
                "their points are ranked after those whose topics all drew words."
            )
    present = [m for m in heldout if m in table]
    if {"holdout", "heldout_units"} <= set(table.columns):
        asked = pd.to_numeric(table["holdout"], errors="coerce").fillna(0)
        held = pd.to_numeric(table["heldout_units"], errors="coerce").fillna(0)
        if (asked > 0).any() and not (held > 0).any():  # asked for, none: said (the scores were left out in silence)
            lines.append(
                f"- sweep.holdout = {asked.max():g} held out no unit of this corpus (too few units): no held-out score, "
                "no perplexity panel; hold out more, or score by the coherence."
            )
        # the other way: sweep.holdout = 0.9 fitted every point on a tenth of the corpus, in silence (a hostile pass)
        fitted = pd.to_numeric(table.get("fitted_units", pd.Series(dtype=float)), errors="coerce")
        if fitted.notna().any() and (fitted < held).any():
            row = fitted.idxmin()
            least = int(fitted[row])
            lines.append(
                f"- sweep.holdout = {asked[row]:g} fits the sweep's models on {least} of {least + int(held[row])} units: "
                "their coherence, stability and themes are those of models fitted on less than half of the corpus, not of "
                "the model `toolkit run` fits on all of it; hold out less (the default is 0.1)."
            )
    if present and "heldout_tokens" in table and table["heldout_tokens"].notna().any():
        units, tokens = int(table["heldout_units"].min()), int(table["heldout_tokens"].min())
        if tokens < HELDOUT_FEW:
            lines.append(
                f"- The held-out scores ({', '.join(present)}) rest on {units} held-out unit{'s' if units != 1 else ''} "
                f"of {tokens} tokens (sweep.holdout): too few to tell points apart by; read the coherence, or hold "
                "out more of a larger corpus."
            )
    from .models import model_class

    for metric in present:
        for kind, rows in table.groupby("kind"):
            if rows[metric].isna().all() and metric in model_class(kind).HELDOUT:
                lines.append(
                    f"- {kind.upper()}'s {metric.replace('_', ' ')} could not be computed (the held-out units hold "
                    "too few words of the vocabulary): empty in sweep.csv, no panel in sweep.png."
                )
    return ["", "What the scores rest on:", *lines] if lines else []


NO_COHERENCE_WHY = (
    "NPMI is undefined where no two of a topic's top words are in the vocabulary and occur together: a vocabulary of "
    "a word or two?"
)
NO_COHERENCE = f"no point's coherence could be computed ({NO_COHERENCE_WHY}), so the grid ranks nothing; read the topics"


def _best_point_headline(
    summary: pd.DataFrame, settings: list[str], *, other_kinds: bool = False, measurement: bool = False
) -> str:
    """The recommendation's headline, which the command prints alone: the point of highest mean NPMI of a kind (its
    K and other settings), the points of that kind whose seed range reaches it, and whether the seeds were evidence.
    With the measurement model among other kinds, its own best point: keyatm's coherence is not comparable, and a
    headline of NMF's best was read as the model to choose (a notebook's reader did; the command prints no more).
    With exploratory kinds only, each kind's best point: coherence compares the points of one kind (a hostile pass:
    "NMF with 10 topics has the highest mean coherence" of a grid of LDA and NMF)."""
    import pandas as pd

    if "keyatm" in set(summary["kind"]) and summary["kind"].nunique() > 1:
        others = sorted(k.upper() for k in set(summary["kind"]) - {"keyatm"})
        return (
            f"Of the measurement model's points (KEYATM; {' and '.join(others)} {'is' if len(others) == 1 else 'are'} "
            f"exploration, {'its' if len(others) == 1 else 'their'} coherence not comparable with its own): "
            + _best_point_headline(summary[summary["kind"] == "keyatm"], settings, other_kinds=True, measurement=True)
        )
    if summary["kind"].nunique() > 1:
        kinds = sorted(set(summary["kind"]))
        return f"Per kind ({', '.join(k.upper() for k in kinds)}: coherence compares the points of one kind only): " + " ".join(
            _best_point_headline(summary[summary["kind"] == kind], settings, other_kinds=True) for kind in kinds
        )
    if summary["npmi"].isna().all():  # NaN ranked first of all-NaN points, "the highest" (a hostile pass)
        return NO_COHERENCE[0].upper() + NO_COHERENCE[1:] + "."
    ranked = _ranked(summary[summary["npmi"].notna()])
    best_overall = ranked.iloc[0]
    # the points whose seed range reaches the best's: of other kinds, and of its own (the headline, which the
    # command prints alone, said "no other kind's range reaches it" beside a K of its own kind that did, or with
    # no other kind fitted at all: a hostile pass)
    reaching = ranked.iloc[1:][ranked.iloc[1:]["high"] >= best_overall["low"]]
    own = reaching["kind"] == best_overall["kind"]
    named = [f"{r.kind.upper()} {_point(r, settings)}" for _, r in pd.concat([reaching[own], reaching[~own]]).iterrows()]
    others = other_kinds or summary["kind"].ne(best_overall["kind"]).any()
    few = int(summary["seeds"].min()) < ENOUGH_SEEDS  # ranges over so few seeds are no measure of the seeds' spread
    return (
        f"**{best_overall['kind'].upper()} with {_point(best_overall, settings, '{} topics')}** has the highest "
        f"mean coherence (NPMI {best_overall['npmi']:.4f}, range over {int(best_overall['scored'])} "
        f"seed{'s' if best_overall['scored'] != 1 else ''} "
        f"{best_overall['low']:.4f} to {best_overall['high']:.4f})"
        + (
            (
                "; it is the measurement model's only point: there is no other of its own to compare it with."
                if measurement
                else f"; it is the only {best_overall['kind'].upper()} point: there is no other of its kind to compare it with."
                if other_kinds
                else "; it is the only point fitted: there is nothing to compare it with."
            )
            if len(summary) == 1
            else "."
            if bool(best_overall["one_run"])
            else f"; {', '.join(named)} overlap{'s' if len(named) == 1 else ''} that range and "
            f"{'is' if len(named) == 1 else 'are'} indistinguishable from it."
            if named
            else "; no other point's range reaches it, " + _too_few(int(summary["seeds"].min()))
            if few
            else "; no other point's range reaches it."
            if others
            else f"; no other point's range reaches it (only {best_overall['kind'].upper()} was fitted)."
        )
        + (" " + _one_run(best_overall) if bool(best_overall["one_run"]) else "")
        + _tied(ranked, best_overall, settings, kinds=True)
    )


def shared_settings(config: Config, grid_keys: list[str], kinds: list[str], folder: Path) -> str:
    """The paragraph of recommendation.md that says which settings every run shares apart from their defaults
    (the grid's keys aside, those that change no result, :data:`NOT_SWEPT`, and the settings of model kinds no run
    fits), from a config file or --set, paths relative to ``folder`` (where the paragraph is written): the summary
    had named the grid alone, and a sweep of 60 sweeps a fit said so only in each run's config.toml (a hostile
    pass)."""
    import tomllib

    from .config import section_options, table_options

    values = tomllib.loads(config.to_toml(relative_to=folder))
    differ = []
    for section in (s for s in SWEPT if s != "corpus"):  # the corpus is the data, named by the runs' configs
        options = section_options(section)
        for key, value in values[section].items():
            if isinstance(value, dict):  # a kind's table: [model.lda]
                if section == "model" and key not in kinds:
                    continue
                sub = table_options(section, key) or {}
                pairs = [(f"{key}.{name}", v, sub[name].default if name in sub else None) for name, v in value.items()]
            else:
                pairs = [(key, value, options[key].default if key in options else None)]
            for name, given, usual in pairs:
                dotted = f"{section}.{name}"
                swept = any(dotted == k or dotted.startswith(f"{k}.") for k in map(where_it_lives, grid_keys))
                if not swept and dotted not in NOT_SWEPT and _canonical(plain(given)) != _canonical(plain(usual)):
                    differ.append(f"{dotted} = {json.dumps(plain(given), ensure_ascii=False)}")
    where = "the whole config of each run is its config.toml in runs/"
    if not differ:
        return f"Every setting the grid does not set is the default ({where}).\n"
    return f"Every run shares these settings, which are not the defaults ({where}): {'; '.join(differ)}.\n"


def recommend(
    table: pd.DataFrame,
    skipped: list | None = None,
    floors: dict[str, int] | None = None,
    *,
    heldout: list[str] | None = None,
) -> str:
    """Which number of topics, and how sure: per kind, the grid point (K, and any other setting of the grid) with
    the highest mean NPMI over seeds, the points whose range over seeds overlaps its range (indistinguishable from
    it), and whether the seeds were evidence at all (one seed, or seeds that gave the same topics and scores, are
    one run, whatever their number: no range to tell points apart by). Only seeds are pooled: runs that differ in
    another setting are other points. ``floors``: the fewest topics each kind can fit here (no advice to extend the
    grid below them)."""

    lines = ["# Recommendation", ""]
    settings = grid_settings(table)
    counted = table if "empty_topics" in table else table.assign(empty_topics=0)  # a table of the caller's own
    summary = (
        counted.groupby(["kind", "n_topics", *settings], dropna=False)
        .agg(
            npmi=("c_npmi", "mean"),
            low=("c_npmi", "min"),
            high=("c_npmi", "max"),
            c_v=("c_v", "mean"),
            stability=("stability", "mean"),
            diversity=("diversity", "mean"),
            seeds=("run_id", "size"),
            # the seeds behind the NPMI range: one of two undefined was "range over 2 seeds 0.0795 to 0.0795" (a review)
            scored=("c_npmi", "count"),
            empty=("empty_topics", "max"),
        )
        .reset_index()
    )
    # Observed, not assumed: a start that looks deterministic may still use its seed (scikit-learn's NMF starts
    # from a randomized SVD), and a seeded model may land on the same topics every time. A point fitted with one
    # seed, or whose seeds gave one run, has no range: nothing can be told apart from it by ranges.
    summary["same"] = (summary["seeds"] >= 2) & (summary["high"] - summary["low"] <= 1e-9) & (summary["stability"] >= 0.999)
    # and every other score alike: seeds of a vocabulary their top words cover whole tie on NPMI and stability, while
    # their held-out perplexity differs (9.17 and 6.29: "the same topics and scores", a hostile pass)
    scored = [m for m in ("c_v", "diversity", "perplexity", "reconstruction_error") if m in table and table[m].notna().any()]
    if scored:  # grouped as the summary is, so its rows are the summary's, in its order
        spread = table.groupby(["kind", "n_topics", *settings], dropna=False)[scored].agg(["min", "max"])
        for metric in scored:
            low, high = spread[(metric, "min")], spread[(metric, "max")]
            summary["same"] &= (np.isclose(high, low, rtol=1e-9, atol=1e-12) | high.isna()).to_numpy()
    summary["one_run"] = (summary["seeds"] < 2) | summary["same"]
    varied = _varied_preprocessing(summary, settings)
    # no best point across preprocessing settings, whose scores are not comparable: each setting's are listed below
    lines.append(_preprocessing_headline(varied) if varied else _best_point_headline(summary, settings))
    if "keyatm" in set(summary["kind"]) and summary["kind"].nunique() > 1:  # the headline is no choice of model
        lines += [
            "",
            MEASUREMENT_MODEL + ": its topics follow the lexicon's keywords, not the words that occur "
            "together most, so its coherence measures another thing than theirs (it may be higher or lower) and is "
            "compared with its own points only; choose "
            "its K below and by its run's themes.csv, and read LDA and NMF as exploration.",
        ]
    lines.append("")
    for key, rows in summary.groupby(["kind", *varied], dropna=False):  # each preprocessing setting on its own
        kind = key[0]
        # ranked as the headline ranks (NPMI, then stability; the grid's order among exact ties): the two named
        # different points of one tie (a hostile pass)
        unscored = rows[rows["npmi"].isna()]  # ranked nowhere, said (NaN was "Next: K = 3, nan": a review)
        if len(unscored):
            named = ", ".join(_point(r, settings) for _, r in unscored.iterrows())
            lines.append(f"- {kind.upper()}: {named}: no coherence could be computed ({NO_COHERENCE_WHY}), so not ranked.")
            rows = rows[rows["npmi"].notna()]
            if rows.empty:
                continue
        rows = _ranked(rows)
        best = rows.iloc[0]
        close = rows.iloc[1:][rows.iloc[1:]["high"] >= best["low"]]
        text = (
            f"- {kind.upper()}: {_point(best, settings)} has the highest mean NPMI ({best['npmi']:.4f}, "
            f"seeds {best['low']:.4f} to {best['high']:.4f}), c_v {best['c_v']:.3f}, diversity "
            f"{best['diversity']:.2f}, "
            + (
                f"stability {best['stability']:.2f} (mean Jaccard similarity of matched top-10 words across seeds). "
                if best["seeds"] >= 2
                else "no stability (one seed). "
            )
        )
        if len(rows) > 1 and bool(best["one_run"]):
            text += (
                f"Next: {_point(rows.iloc[1], settings)}, {rows.iloc[1]['npmi']:.4f}. " + _one_run(best) + " The order "
                "of the points is no evidence for a number of topics: give sweep.seeds several seeds, or read the topics."
            )
        elif len(rows) > 1:
            text += (
                "Indistinguishable from it (seed ranges overlap): "
                + ", ".join(
                    _point(r, settings, "K = {}" if i == 0 or settings else "{}") for i, (_, r) in enumerate(close.iterrows())
                )
                + "."
                if len(close)
                else f"Its seed range lies above every other point's (next: {_point(rows.iloc[1], settings)}, "
                f"{rows.iloc[1]['npmi']:.4f})"
                + (", " + _too_few(int(rows["seeds"].min())) if int(rows["seeds"].min()) < ENOUGH_SEEDS else ".")
            )
        unfitted = [  # the numbers of topics the kind cannot fit here (not a point skipped for its preprocessing)
            c.get("model.n_topics")
            for c, problem in skipped or ()
            if c.get("model.kind", kind) == kind and not str(problem).startswith((UNREAD, UNPREPARED))
        ]
        if floors and kind in floors:  # the kind can fit no fewer topics here (keyatm: one per theme with a keyword)
            unfitted.append(floors[kind] - 1)
        text += _edge_note(best, rows, settings, unfitted) + _tied(rows, best, settings) + _passed_over(rows, best, settings)
        if len(rows) > 2 and len(close) == len(rows) - 1 and not bool(best["one_run"]):
            text += (
                " Every other point's range over seeds overlaps its range: the grid does not single out a number "
                "of topics; choose by reading the topics."
            )
        if len(rows) == 1 and bool(best["one_run"]):
            text += _one_run(best)
        lines.append(text)
    lines += [
        "",
        "NPMI and c_v: higher is better (gensim, windows of 10 and 110 tokens). Stability below about "
        "0.5 means the topics change with the seed: do not read much into any single run. Coherence does not "
        "measure whether a theme is measured well: for the keyword-assisted model, read the run's themes.csv.",
    ]
    lines += _fit_notes(table, heldout or [])
    if skipped:
        points: dict[str, set[tuple]] = {}
        for combo, problem in skipped:  # one point per setting but the seed
            others = tuple(f"{k}={v}" for k, v in combo.items() if k not in POINT_KEYS)
            points.setdefault(problem, set()).add((str(combo.get("model.kind", "")), combo.get("model.n_topics", 0), others))
        lines += ["", f"Skipped grid points ({len(skipped)} run{'s' if len(skipped) != 1 else ''}), which cannot be fitted:"]
        for problem, names in points.items():
            named = [f"{kind} K={k}" + (f" ({', '.join(others)})" if others else "") for kind, k, others in sorted(names)]
            lines.append(f"- {', '.join(named)}: {problem}")
    return "\n".join(lines) + "\n"
