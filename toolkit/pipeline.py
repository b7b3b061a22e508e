"""The analysis as a chain of stages, and ``run(config, out_dir)``, the entry point of CLI and notebooks.

raw files -> documents -> normalised text -> units -> tokens -> vocabulary and counts -> model ->
document-topic shares -> themes -> yearly table -> figures, tables and manifest.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import atomic
from .config import Config
from .errors import ToolkitError
from .manifest import output_hashes, package_versions, platform_summary, sha256_file
from .preparation import Prepared, make_normalizer, make_segmenter, prepare, timed
from .resources import data_path
from .seeding import build_model
from .terms import candidate_terms
from .themes import OTHER, label_topics, lexicon_coverage, load_lexicon, theme_shares, word_themes
from .trends import (bootstrap_intervals, change_between, keyword_rates, model_keyword_agreement, seed_spread,
                     theme_by_year)
from .units import split_units
from .vectorize import unit_counts

log = logging.getLogger("toolkit")
TOP_WORDS = 20


@dataclass
class Fitted:
    """The model and what follows from it."""

    model: object
    vocabulary: list[str]
    counts: object  # sparse units x words, modelled units only
    in_model: np.ndarray  # bool per unit
    doc_topic: np.ndarray  # modelled units x topics
    topics: pd.DataFrame
    shares: pd.DataFrame  # all units x (themes + other); NaN for units not modelled


def vectorize(prepared: Prepared, config: Config):
    """Vocabulary, counts of the units that have a vocabulary word, and which units those are (``vocab``)."""
    v = config["vocab"]
    return unit_counts(prepared.tokens, min_df=v["min_df"], max_df=v["max_df"], max_terms=v["max_terms"])


def fit(prepared: Prepared, config: Config, vectorized=None) -> Fitted:
    """The model, topic labels and theme shares of every unit (``vectorized``: the result of ``vectorize``,
    computed here when not given)."""
    t = config["themes"]
    vocabulary, counts, in_model = vectorized or vectorize(prepared, config)
    model = build_model(config["model"], lexicon=prepared.lexicon, vocabulary=vocabulary, counts=counts,
                        match=t["match"]).fit(counts)
    doc_topic = model.transform(counts)
    topics = label_topics(model.components_, vocabulary, prepared.lexicon, top_n=t["top_n"], min_score=t["min_score"],
                          match=t["match"])
    top = np.argsort(-model.components_, axis=1, kind="stable")[:, :TOP_WORDS]
    topics.insert(3, "top_words", [[vocabulary[j] for j in row] for row in top])
    topics.insert(4, "top_weights", [[float(model.components_[k, j]) for j in row] for k, row in enumerate(top)])
    shares = pd.DataFrame(np.nan, index=range(len(prepared.units)), columns=[*prepared.lexicon.names, OTHER])
    shares.loc[in_model] = theme_shares(doc_topic, topics["theme"].tolist(), prepared.lexicon.names).to_numpy()
    return Fitted(model, vocabulary, counts, in_model, doc_topic, topics, shares)


@dataclass
class RunResult:
    """Tables of a finished run (the same that were written to ``out_dir``)."""

    out_dir: Path
    documents: pd.DataFrame
    quality: pd.DataFrame
    units: pd.DataFrame
    topics: pd.DataFrame
    theme_by_year: pd.DataFrame
    coverage: pd.DataFrame
    candidate_terms: pd.DataFrame
    manifest: dict
    prepared: Prepared
    fitted: Fitted
    trends: "Trends"


def run(config: Config | str | Path, out_dir: str | Path | None = None, *, overrides=()) -> RunResult:
    """Run the whole analysis of ``config`` (a Config or a TOML path) and write it into ``out_dir``.

    ``out_dir`` defaults to ``runs/<corpus name>``. The folder is replaced only when the run succeeds.
    """
    if not isinstance(config, Config):
        config = Config.load(config, overrides)
    out_dir = Path(out_dir or Path("runs") / (config["corpus"]["name"] or "run"))
    started = time.perf_counter()
    prepared = prepare(config)
    timings = prepared.timings
    with timed(timings, "vocabulary"):
        vectorized = vectorize(prepared, config)
    with timed(timings, "model"):
        fitted = fit(prepared, config, vectorized)
    with timed(timings, "themes"):
        units = prepared.units.copy()
        units["n_tokens"] = prepared.tokens.lengths()
        units["in_model"] = fitted.in_model
        units = pd.concat([units, fitted.shares], axis=1)
        units["dominant_theme"] = fitted.shares.idxmax(axis=1).where(fitted.in_model, "")
        coverage = lexicon_coverage(prepared.lexicon, fitted.vocabulary, prepared.tokens)
        candidates = candidate_terms(prepared.pair_counts, known=prepared.segmenter.known_words,
                                     stopwords=prepared.segmenter.stopwords)
    with timed(timings, "trends"):
        trends = yearly_trends(prepared, fitted, units, config)
    with timed(timings, "evaluate"):
        metrics = evaluate_model(prepared, fitted)
    documents = _documents_table(prepared, units)
    with atomic.output_folder(out_dir) as work:
        with timed(timings, "figures"):
            _write_figures(work / "figures", units, documents, fitted, trends, prepared.lexicon, config)
        with timed(timings, "write"):
            _write_tables(work, documents=documents, quality=prepared.quality, units=units, topics=fitted.topics,
                          theme_by_year=trends.yearly, keyword_by_year=trends.keywords,
                          model_vs_keywords=trends.agreement, change=trends.change, coverage=coverage,
                          candidate_terms=candidates)
            atomic.write_text(work / "metrics.json", json.dumps(metrics, indent=2) + "\n")
            (work / "config.toml").write_text(config.to_toml(), encoding="utf-8")
        if config["figures"]["ldavis"]:
            with timed(timings, "ldavis"):
                from .ldavis import write_ldavis

                write_ldavis(work / "ldavis.html", fitted, prepared)
        timings["total"] = round(time.perf_counter() - started, 3)
        manifest = _manifest(config, prepared, fitted, timings, work)
        manifest["metrics"] = metrics
        atomic.write_text(work / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        from .report import write_report

        write_report(work, config, manifest)
    log.info("wrote %s", out_dir)
    return RunResult(out_dir, documents, prepared.quality, units, fitted.topics, trends.yearly, coverage, candidates,
                     manifest, prepared, fitted, trends)


@dataclass
class Trends:
    """Yearly tables: shares with intervals, keyword baseline, agreement, change between two years."""

    yearly: pd.DataFrame
    keywords: pd.DataFrame
    agreement: pd.DataFrame
    change: pd.DataFrame


def yearly_trends(prepared: Prepared, fitted: Fitted, units: pd.DataFrame, config: Config) -> Trends:
    """Theme shares by year with bootstrap intervals (and the spread over extra seeds), the keyword baseline,
    their agreement, and the change between two years."""
    tr, c = config["trends"], config["corpus"]
    names = [*prepared.lexicon.names, OTHER]
    modelled = units[units["in_model"]]
    window = (c["year_min"] or int(units["year"].min()), c["year_max"] or int(units["year"].max()))
    yearly = theme_by_year(modelled, names, years=window)
    seed = config["model"]["random_state"]
    if tr["bootstrap"]:
        yearly = bootstrap_intervals(modelled, names, yearly, n_boot=tr["bootstrap"], level=tr["level"],
                                     random_state=seed)
    if tr["seeds"]:
        tables = [yearly]
        for extra in tr["seeds"]:
            other = fit(prepared, config.with_values(**{"model.random_state": extra}),
                        (fitted.vocabulary, fitted.counts, fitted.in_model))
            extra_units = modelled[["year", "doc_id", "n_tokens"]].reset_index(drop=True)
            extra_units = pd.concat([extra_units, other.shares[other.in_model].reset_index(drop=True)], axis=1)
            tables.append(theme_by_year(extra_units, names, years=window))
        yearly = yearly.merge(seed_spread(tables), on=["year", "theme"], how="left")
    word_theme = word_themes(prepared.lexicon, sorted(set(fitted.vocabulary) | set(prepared.tokens.words)),
                             config["themes"]["match"])
    keywords = keyword_rates(units, prepared.tokens, word_theme, prepared.lexicon.names, years=window)
    agreement = model_keyword_agreement(yearly, keywords)
    with_data = sorted(yearly.loc[yearly["n_units"] > 0, "year"].unique())
    first, last = tr["change_from"] or with_data[0], tr["change_to"] or with_data[-1]
    if first == last or first not in with_data or last not in with_data:
        change = pd.DataFrame(columns=["theme", "year_from", "year_to", "share_from", "share_to", "change",
                                       "change_low", "change_high", "clear"])
    else:
        change = change_between(modelled, names, first, last, n_boot=max(tr["bootstrap"], 200), level=tr["level"],
                                random_state=seed)
    return Trends(yearly, keywords, agreement, change)


def evaluate_model(prepared: Prepared, fitted: Fitted) -> dict:
    """Coherence (NPMI, c_v, u_mass), diversity and, for NMF, reconstruction error of the fitted model."""
    from .evaluate import MEASURES, CoherenceStatistics, diversity, top_words

    statistics = CoherenceStatistics(prepared.tokens, fitted.vocabulary)
    top10 = top_words(fitted.model.components_, fitted.vocabulary, 10)
    metrics = {m: round(float(np.mean(statistics.coherence(top10, m))), 6) for m in MEASURES}
    metrics["diversity"] = round(diversity(top_words(fitted.model.components_, fitted.vocabulary, 25), 25), 6)
    metrics["coherence_units"] = statistics.n_units
    if hasattr(fitted.model, "reconstruction_err_"):
        metrics["reconstruction_error"] = round(fitted.model.reconstruction_err_, 6)
    return metrics


# ----- writing ----------------------------------------------------------------------------------------------

def _documents_table(prepared: Prepared, units: pd.DataFrame) -> pd.DataFrame:
    docs = prepared.corpus.documents.copy()
    per_doc = units.groupby("doc_id").agg(n_units=("unit_id", "size"), n_tokens=("n_tokens", "sum"))
    docs = docs.join(per_doc, on="doc_id")
    for column in ("n_units", "n_tokens"):
        docs[column] = docs[column].astype("Int64")
    return docs


def _write_tables(folder: Path, **tables: pd.DataFrame) -> None:
    topics = tables["topics"].copy()
    topics["top_words"] = [" ".join(f"{w}:{x:.5f}" for w, x in zip(ws, xs))
                           for ws, xs in zip(topics["top_words"], topics["top_weights"])]
    tables["topics"] = topics.drop(columns=["top_weights"])
    for name, frame in tables.items():
        atomic.write_csv(folder / f"{name}.csv", frame)


def _write_figures(folder: Path, units, documents, fitted: Fitted, trends: "Trends", lexicon, config: Config) -> None:
    from . import plots

    f = config["figures"]
    kw = {"language": f["language"], "title": config["corpus"]["name"]}
    figures = {
        "theme_shares": plots.plot_theme_shares(trends.yearly, lexicon, **kw),
        "theme_area": plots.plot_theme_area(trends.yearly, lexicon, **kw),
        "theme_heatmap": plots.plot_theme_heatmap(trends.yearly, lexicon, **kw),
        "top_words": plots.plot_top_words(fitted.topics, lexicon, n_words=f["top_words"], **kw),
        "document_themes": plots.plot_document_themes(units, documents, lexicon, **kw),
        "model_vs_keywords": plots.plot_model_vs_keywords(trends.yearly, trends.keywords, trends.agreement, lexicon,
                                                          **kw),
    }
    if len(trends.change):
        figures["theme_change"] = plots.plot_change(trends.change, lexicon, **kw)
    for name, figure in figures.items():
        for fmt in f["formats"]:
            plots.save_figure(figure, folder / f"{name}.{fmt}", dpi=f["dpi"])


def _input_hashes(config: Config, prepared: Prepared) -> dict[str, str]:
    docs = prepared.corpus.documents
    hashes = {f"texts/{p}": h for p, h in zip(docs["path"], docs["sha256"]) if h}
    extra = {"metadata": config.path("corpus", "metadata"),
             "lexicon": config.path("themes", "lexicon") or data_path("lexicon.toml")}
    for i, path in enumerate(prepared.segmenter.dictionaries):
        extra[f"dictionary/{i}:{path.name}"] = path
    for name, path in extra.items():
        if path:
            hashes[name] = sha256_file(path)
    return hashes


def _manifest(config, prepared, fitted, timings, work: Path) -> dict:
    docs = prepared.corpus.documents
    return {
        "config": config.to_dict(),
        "config_source": config.source,
        "random_state": config["model"]["random_state"],
        "versions": package_versions(),
        "platform": platform_summary(),
        "counts": {"files": int(len(docs)), "documents_used": int((docs["status"] == "used").sum()),
                   "documents_skipped": int((docs["status"] == "skipped").sum()),
                   "units": int(len(prepared.units)), "units_modelled": int(fitted.in_model.sum()),
                   "vocabulary": len(fitted.vocabulary), "tokens": prepared.tokens.n_tokens},
        "segmenter_fingerprint": prepared.segmenter.fingerprint,
        "cache": prepared.cache_stats,
        "timings_seconds": timings,
        "inputs_sha256": _input_hashes(config, prepared),
        "outputs_sha256": output_hashes(work),
    }


# ----- one file at a time (the CLI's normalize and tokens) ---------------------------------------------------

def _read_one(path: str | Path) -> str:
    from .decoding import Unreadable, decode

    path = Path(path)
    if not path.is_file():
        raise ToolkitError(f"file not found: {path}")
    try:
        return decode(path.read_bytes()).text
    except Unreadable as exc:
        raise ToolkitError(f"{path}: {exc}") from None


def normalize_file(path: str | Path, config: Config | None = None) -> str:
    """The normalised simplified text of one file, exactly as ``run`` normalises it."""
    config = config or Config.from_dict({})
    return make_normalizer(config).normalize(_read_one(path)).text


def tokenize_file(path: str | Path, config: Config | None = None) -> list[list[str]]:
    """The filtered tokens of each unit of one file, exactly as ``run`` produces them."""
    config = config or Config.from_dict({})
    u = config["units"]
    units = split_units(normalize_file(path, config), u["kind"], u["max_chars"], u["min_chars"])
    segmenter = make_segmenter(config, load_lexicon(config.path("themes", "lexicon")))
    return [segmenter.tokens(text) for text in units]
