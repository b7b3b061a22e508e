"""Writing a run: its tables (CSV), figures, JSON files and manifest, all into the run's temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import atomic
from .manifest import output_hashes, package_versions, platform_summary, sha256_file


def documents_table(documents: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The corpus's documents with the number of units and tokens of each."""
    per_doc = units.groupby("doc_id").agg(n_units=("unit_id", "size"), n_tokens=("n_tokens", "sum"))
    documents = documents.join(per_doc, on="doc_id")
    for column in ("n_units", "n_tokens"):
        documents[column] = documents[column].astype("Int64")
    return documents


def write_tables(folder: Path, **tables: pd.DataFrame) -> None:
    """Each table as ``<name>.csv``; a topics table's word lists as ``word:weight`` pairs."""
    if "topics" in tables:
        topics = tables["topics"].copy()
        topics["top_words"] = [" ".join(f"{w}:{x:.5f}" for w, x in zip(ws, xs))
                               for ws, xs in zip(topics["top_words"], topics["top_weights"])]
        tables["topics"] = topics.drop(columns=["top_weights"])
    for name, frame in tables.items():
        atomic.write_csv(folder / f"{name}.csv", frame)


def write_json(path: Path, data: dict) -> None:
    atomic.write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_figures(folder: Path, units, documents, topics, trends, diagnostics, effects, lexicon, options: dict, *,
                  title: str = "") -> None:
    """Every figure of a run, in each of ``options["formats"]`` (the ``[figures]`` section)."""
    from . import plots

    kw = {"language": options["language"], "title": title}
    figures = {
        "theme_shares": (plots.plot_theme_shares if options["trend_style"] == "panels" else plots.plot_theme_lines)(
            trends.yearly, lexicon, **kw),
        "theme_area": plots.plot_theme_area(trends.yearly, lexicon, **kw),
        "theme_heatmap": plots.plot_theme_heatmap(trends.yearly, lexicon, **kw),
        "top_words": plots.plot_top_words(topics, lexicon, n_words=options["top_words"], **kw),
        "document_themes": plots.plot_document_themes(units, documents, lexicon, **kw),
        "model_vs_keywords": plots.plot_model_vs_keywords(trends.yearly, trends.keywords, trends.agreement, lexicon,
                                                          **kw),
        "theme_validity": plots.plot_theme_validity(diagnostics, lexicon, **kw),
    }
    if len(trends.change):
        figures["theme_change"] = plots.plot_change(trends.change, lexicon, **kw)
    if trends.periods is not None:
        figures["theme_periods"] = plots.plot_theme_periods(trends.periods, lexicon, **kw)
    if trends.group_years is not None:
        figures["theme_groups"] = plots.plot_theme_groups(trends.group_years, lexicon, **kw)
    if effects is not None and len(effects[1]):
        figures["theme_effects"] = plots.plot_effects(effects[1], lexicon, **kw)
    for name, figure in figures.items():
        for fmt in options["formats"]:
            plots.save_figure(figure, folder / f"{name}.{fmt}", dpi=options["dpi"])


def input_hashes(config, corpus) -> dict[str, str]:
    """SHA-256 of every used text and of every other file the config names (metadata, lexicon, dictionaries,
    stopword and boilerplate files, the config itself)."""
    from .resources import data_path

    docs = corpus.documents
    hashes = {f"texts/{p}": h for p, h in zip(docs["path"], docs["sha256"]) if h}
    named = config.input_paths()
    named.setdefault("themes.lexicon", data_path("lexicon.toml"))
    for name, path in named.items():
        if path.is_file():
            hashes[name] = sha256_file(path)
    return hashes


def manifest(config, prepared, fitted, timings: dict, work: Path, metrics: dict) -> dict:
    """Provenance of a run: resolved config, seeds, versions, counts, cache use, timings, input and output
    hashes (every output file but manifest.json and report.html, which embeds the manifest)."""
    docs = prepared.corpus.documents
    return {
        "config": config.to_dict(),
        "config_source": config.source,
        "random_state": config["model"]["random_state"],
        "ensemble_seeds": [int(m.random_state) if m.random_state is not None else None for m in fitted.models],
        "versions": package_versions(),
        "platform": platform_summary(),
        "counts": {"files": int(len(docs)), "documents_used": int((docs["status"] == "used").sum()),
                   "documents_skipped": int((docs["status"] == "skipped").sum()),
                   "units": int(len(prepared.units)), "units_modelled": int(fitted.in_model.sum()),
                   "units_without_vocabulary": int((~fitted.in_model).sum()),
                   "vocabulary": len(fitted.vocabulary), "tokens": prepared.tokens.n_tokens},
        "segmenter_fingerprint": prepared.segmenter.fingerprint,
        "cache": prepared.cache_stats,
        "timings_seconds": timings,
        "inputs_sha256": input_hashes(config, prepared.corpus),
        "outputs_sha256": output_hashes(work),
        "metrics": metrics,
    }
