"""Parameter sweeps: fit a grid of models, evaluate each, and recommend a number of topics with evidence.

Each run is named by the hash of its resolved config and written to ``<out>/runs/<hash>/`` as soon as it
finishes, so a sweep that is interrupted and started again only fits what is missing. Runs go in parallel
with joblib (one BLAS thread inside each, so results do not depend on the number of workers), locally or
on a Dask cluster.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import atomic
from .config import Config, parse_override
from .errors import ToolkitError
from .progress import Progress
from .evaluate import CoherenceStatistics, MEASURES, diversity, heldout_score, holdout_split, stability, top_words

log = logging.getLogger("toolkit")
# Keys whose change needs new tokens; everything else only changes the model.
PREPROCESSING = ("corpus", "normalize", "units", "segment", "vocab")
NOT_IN_RUN_HASH = ("sweep", "figures", "cache")


def parse_grid_option(text: str) -> tuple[str, list]:
    """``model.n_topics=5..15`` or ``model.kind=lda,nmf`` -> ("model.n_topics", [5, ..., 15])."""
    section, key, _ = parse_override(text.split("=", 1)[0] + "=0")
    raw = text.split("=", 1)[1]
    if ".." in raw and raw.replace("..", "").strip().isdigit():
        first, last = (int(x) for x in raw.split(".."))
        return f"{section}.{key}", list(range(first, last + 1))
    return f"{section}.{key}", [parse_override(f"{section}.{key}={v}")[2] for v in raw.split(",")]


def expand_grid(config: Config, grid: dict[str, list] | None = None) -> list[dict]:
    """Every combination of the grid (config's ``[sweep.grid]`` updated by ``grid``), seeds included."""
    merged = {**config["sweep"]["grid"], **(grid or {})}
    if "model.random_state" not in merged:
        merged["model.random_state"] = config["sweep"]["seeds"]
    for name, values in merged.items():
        section = name.split(".", 1)[0]
        if "." not in name or section == "sweep":
            raise ToolkitError(f"sweep grid key {name!r} must be section.key of a run setting, e.g. model.n_topics")
        if not isinstance(values, list) or not values:
            raise ToolkitError(f"sweep grid {name} needs a non-empty list of values, e.g. [5, 10, 15]")
    keys = sorted(merged)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(merged[k] for k in keys))]


def run_id(config: Config) -> str:
    """Hash of every setting that can change a run's result."""
    settings = {s: v for s, v in config.to_dict().items() if s not in NOT_IN_RUN_HASH}
    settings["model"] = {k: v for k, v in settings["model"].items() if k != "n_jobs"}  # threads change no result
    return hashlib.sha256(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


@dataclass
class _Corpus:
    """What every run of one preprocessing setting shares."""

    vocabulary: list[str]
    train: object
    held_out: object
    statistics: CoherenceStatistics
    lexicon: object


def _prepare_group(config: Config) -> _Corpus:
    from .pipeline import vectorize
    from .preparation import prepare

    prepared = prepare(config)
    vocabulary, counts, _ = vectorize(prepared, config)
    train, held = holdout_split(counts.shape[0], config["sweep"]["holdout"], random_state=0)
    return _Corpus(vocabulary, counts[train], counts[held], CoherenceStatistics(prepared.tokens, vocabulary),
                   prepared.lexicon)


def _fit_one(model_options: dict, theme_options: dict, vocabulary: list[str], train, held_out, lexicon) -> dict:
    """Fit one model on the training units (one BLAS thread) and return its raw results."""
    from threadpoolctl import threadpool_limits

    from .seeding import build_model
    from .themes import label_topics

    with threadpool_limits(1):
        start = time.perf_counter()
        model = build_model(model_options, lexicon=lexicon, vocabulary=vocabulary, counts=train,
                            match=theme_options["match"]).fit(train)
        seconds = time.perf_counter() - start
        scores = heldout_score(model, held_out) if held_out.shape[0] else {}
    labels = label_topics(model.components_, vocabulary, lexicon, top_n=theme_options["top_n"],
                          min_score=theme_options["min_score"], match=theme_options["match"])
    return {"top_words": top_words(model.components_, vocabulary, 25), "themes": labels["theme"].tolist(),
            "fit_seconds": round(seconds, 3), **scores}


@dataclass
class SweepResult:
    out_dir: Path
    table: pd.DataFrame
    recommendation: str
    fitted: int  # runs fitted by this call (the others were found done)


def sweep(config: Config | str | Path, out_dir: str | Path | None = None, *, grid: dict[str, list] | None = None,
          n_jobs: int | None = None, scheduler: str | None = None) -> SweepResult:
    """Fit and evaluate every run of the grid; write ``sweep.csv``, the sweep figure and a recommendation."""
    from joblib import Parallel, delayed

    if not isinstance(config, Config):
        config = Config.load(config)
    out_dir = Path(out_dir or Path("runs") / f"{config['corpus']['name'] or 'run'}-sweep")
    s = config["sweep"]
    n_jobs = n_jobs or s["n_jobs"] or os.cpu_count() or 1
    scheduler = scheduler if scheduler is not None else s["scheduler"]
    combos = expand_grid(config, grid)
    runs = []
    for combo in combos:
        run_config = config.with_values(**combo)
        runs.append((combo, run_config, run_id(run_config)))
    pending = [r for r in runs if not (out_dir / "runs" / r[2] / "metrics.json").is_file()]
    log.info("sweep: %d runs, %d already done", len(runs), len(runs) - len(pending))

    groups: dict[str, _Corpus] = {}
    jobs = []
    for combo, run_config, rid in pending:
        key = json.dumps({sec: run_config[sec] for sec in PREPROCESSING}, sort_keys=True)
        if key not in groups:
            groups[key] = _prepare_group(run_config)
        jobs.append((combo, run_config, rid, groups[key]))
    for corpus in groups.values():  # count once, in the parent, before the runs
        for measure in MEASURES:
            corpus.statistics.counts(measure)

    progress = Progress(len(runs), "sweep", "runs", done=len(runs) - len(pending))
    workers = min(n_jobs, len(jobs))
    threads = 1 if scheduler else max(1, (os.cpu_count() or 1) // max(workers, 1))  # LDA threads in each run
    tasks = (delayed(_fit_one)({**rc["model"], "n_jobs": threads}, dict(rc["themes"]), corpus.vocabulary,
                               corpus.train, corpus.held_out, corpus.lexicon)
             for _, rc, _, corpus in jobs)
    if jobs:
        parallel = Parallel(n_jobs=workers, return_as="generator")
        if scheduler:
            results = _on_dask(scheduler, parallel, tasks)
        else:
            results = parallel(tasks)
        for (combo, run_config, rid, corpus), raw in zip(jobs, results):
            _write_run(out_dir / "runs" / rid, combo, run_config, corpus, raw)
            progress.advance()
        progress.close()

    table = _collect(out_dir, runs)
    recommendation = recommend(table)
    with atomic.output_folder(out_dir / "summary") as work:
        atomic.write_csv(work / "sweep.csv", table)
        atomic.write_text(work / "recommendation.md", recommendation)
        from .plots import plot_sweep, save_figure

        save_figure(plot_sweep(table, language=config["figures"]["language"], title=config["corpus"]["name"]),
                    work / "sweep.png", dpi=config["figures"]["dpi"])
    return SweepResult(out_dir, table, recommendation, len(jobs))


def _on_dask(address: str, parallel, tasks):
    try:
        from dask.distributed import Client
        from joblib import parallel_config
    except ImportError:
        raise ToolkitError("--scheduler needs Dask: pip install 'toolkit[dask]' (dask and distributed)") from None
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise ToolkitError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client, parallel_config(backend="dask"):
        return list(parallel(tasks))


def _write_run(folder: Path, combo: dict, run_config: Config, corpus: _Corpus, raw: dict) -> None:
    top10 = [words[:10] for words in raw["top_words"]]
    metrics = {"run_id": folder.name, **{k: v for k, v in combo.items()},
               "kind": run_config["model"]["kind"], "n_topics": run_config["model"]["n_topics"],
               "random_state": run_config["model"]["random_state"]}
    for measure in MEASURES:
        metrics[measure] = float(np.mean(corpus.statistics.coherence(top10, measure)))
    metrics["diversity"] = diversity(raw["top_words"], 25)
    metrics["themes_found"] = len({t for t in raw["themes"] if t != "other"})
    for key in ("perplexity", "reconstruction_error", "fit_seconds"):
        if key in raw:
            metrics[key] = raw[key]
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_text(folder / "config.toml", run_config.to_toml())
    atomic.write_text(folder / "topics.json", json.dumps({"top_words": raw["top_words"], "themes": raw["themes"]},
                                                         ensure_ascii=False, indent=1))
    atomic.write_text(folder / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=1))  # written last


def _collect(out_dir: Path, runs) -> pd.DataFrame:
    rows, tops = [], {}
    for _, _, rid in runs:
        folder = out_dir / "runs" / rid
        rows.append(json.loads((folder / "metrics.json").read_text(encoding="utf-8")))
        tops[rid] = [w[:10] for w in json.loads((folder / "topics.json").read_text(encoding="utf-8"))["top_words"]]
    table = pd.DataFrame(rows)
    group_keys = [k for k in runs[0][0] if k != "model.random_state"]
    groups = table.groupby(group_keys, sort=False, dropna=False) if group_keys else [(None, table)]
    table["stability"] = np.nan
    for _, members in groups:
        table.loc[members.index, "stability"] = stability([tops[rid] for rid in members["run_id"]])
    return table


def recommend(table: pd.DataFrame) -> str:
    """Which number of topics, and why: the highest mean NPMI over seeds, with stability and diversity beside it."""
    lines = ["# Recommendation", ""]
    summary = (table.groupby(["kind", "n_topics"])
               .agg(npmi=("c_npmi", "mean"), npmi_sd=("c_npmi", "std"), c_v=("c_v", "mean"),
                    stability=("stability", "mean"), diversity=("diversity", "mean"), seeds=("run_id", "size"))
               .reset_index())
    best_overall = summary.sort_values(["npmi", "stability"], ascending=False).iloc[0]
    lines.append(f"**{best_overall['kind'].upper()} with {int(best_overall['n_topics'])} topics**: the highest "
                 f"coherence (mean NPMI {best_overall['npmi']:.4f} over {int(best_overall['seeds'])} seeds), "
                 f"stability {best_overall['stability']:.2f}, diversity {best_overall['diversity']:.2f}.")
    lines.append("")
    for kind, rows in summary.groupby("kind"):
        rows = rows.sort_values("npmi", ascending=False)
        best, runner = rows.iloc[0], rows.iloc[1] if len(rows) > 1 else None
        text = (f"- {kind.upper()}: K = {int(best['n_topics'])} has the highest mean NPMI "
                f"({best['npmi']:.4f} ± {0 if np.isnan(best['npmi_sd']) else best['npmi_sd']:.4f}), c_v {best['c_v']:.3f}, "
                f"stability {best['stability']:.2f} (mean matched top-10-word overlap across seeds), "
                f"diversity {best['diversity']:.2f}.")
        if runner is not None:
            gap = best["npmi"] - runner["npmi"]
            close = not np.isnan(best["npmi_sd"]) and gap < best["npmi_sd"]
            text += (f" Next: K = {int(runner['n_topics'])} ({runner['npmi']:.4f}); the gap is "
                     f"{'within' if close else 'larger than'} the spread over seeds.")
        lines.append(text)
    lines += ["", "NPMI and c_v: higher is better (gensim, windows of 10 and 110 tokens). Stability below about "
              "0.5 means the topics change with the seed: do not read much into any single run."]
    return "\n".join(lines) + "\n"
