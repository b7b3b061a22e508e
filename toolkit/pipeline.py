"""The analysis as a chain of stages, and ``run(config, out_dir)``, the entry point of CLI and notebooks.

raw files -> documents -> normalised text -> units -> tokens -> vocabulary and counts -> model ->
document-topic shares -> themes -> yearly table -> figures, tables and manifest.
"""

from __future__ import annotations

import json
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import atomic
from .cache import TokenCache, default_cache_dir, entry_key
from .config import Config
from .corpus import Corpus, load_corpus
from .errors import ToolkitError
from .manifest import output_hashes, package_versions, platform_summary, sha256_file
from .normalize import Normalizer, load_boilerplate_patterns
from .progress import Progress
from .resources import data_path, read_word_file
from .seeding import build_model
from .segment import Segmenter, default_stopwords
from .terms import PairCounts, candidate_terms, join_phrases
from .themes import OTHER, Lexicon, label_topics, lexicon_coverage, load_lexicon, theme_shares, word_themes
from .trends import (bootstrap_intervals, change_between, keyword_rates, model_keyword_agreement, seed_spread,
                     theme_by_year)
from .units import split_units
from .vectorize import unit_counts

log = logging.getLogger("toolkit")
TOP_WORDS = 20


# ----- building the parts from a config ---------------------------------------------------------------

def make_normalizer(config: Config) -> Normalizer:
    n = config["normalize"]
    return Normalizer(to_simplified=n["to_simplified"], repair_mojibake=n["repair_mojibake"], strip_pinyin=n["strip_pinyin"],
                      drop_boilerplate=n["drop_boilerplate"], remove_mojibake=n["remove_mojibake"],
                      boilerplate_patterns=load_boilerplate_patterns(config.paths("normalize", "extra_boilerplate")))


def make_segmenter(config: Config, lexicon: Lexicon) -> Segmenter:
    s = config["segment"]
    stopwords = default_stopwords(policy=s["use_policy_stopwords"]) - lexicon.words
    for path in config.paths("segment", "extra_stopwords"):
        if not path.is_file():
            raise ToolkitError(f"stopword file not found: {path}; fix segment.extra_stopwords")
        stopwords |= set(read_word_file(path))
    for path in config.paths("segment", "extra_dictionaries"):
        if not path.is_file():
            raise ToolkitError(f"dictionary file not found: {path}; fix segment.extra_dictionaries")
    return Segmenter(backend=s["backend"], pos=tuple(s["pos"]), hmm=s["hmm"], dictionaries=tuple(config.paths("segment", "extra_dictionaries")),
                     extra_words=tuple(sorted(lexicon.words)), stopwords=stopwords, min_chars=s["min_chars"],
                     drop_numbers=s["drop_numbers"], keep=lexicon.words)


def make_cache(config: Config) -> TokenCache | None:
    if not config["cache"]["enabled"]:
        return None
    return TokenCache(config.path("cache", "dir") or default_cache_dir())


# ----- stages ----------------------------------------------------------------------------------------------

@dataclass
class Prepared:
    """Everything before the model: documents, quality report, units and their tokens.

    ``corpus.texts`` is emptied as the documents are normalised: the raw texts are not needed again.
    """

    corpus: Corpus
    quality: pd.DataFrame
    units: pd.DataFrame  # unit_id, doc_id, year, text
    tokens: list[list[str]]  # filtered tokens of each unit (what the model sees)
    pair_counts: PairCounts  # word and word-pair counts of the raw segmenter output (for candidate terms)
    lexicon: Lexicon
    segmenter: Segmenter
    timings: dict[str, float] = field(default_factory=dict)
    cache_stats: dict[str, int] = field(default_factory=dict)


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    start = time.perf_counter()
    log.info("%s ...", stage)
    yield
    timings[stage] = round(time.perf_counter() - start, 3)


def quality_row(doc_id: str, normalized) -> dict:
    """One row of quality.csv: what normalisation removed from a document, rule by rule."""
    text = normalized.text
    meaningful = sum(1 for ch in text if ch.isalnum() or "\u3400" <= ch <= "\u9fff")
    han = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    noise_share = 1 - han / meaningful if meaningful else 1.0
    removed = normalized.removed
    removed_share = (normalized.chars_in - len(text)) / max(normalized.chars_in, 1)
    return {"doc_id": doc_id, "chars_in": normalized.chars_in, "chars_out": len(text),
            "converted_script": normalized.converted, "repaired_mojibake": normalized.repaired,
            "removed_pinyin": removed["pinyin"],
            "removed_mojibake": removed["mojibake"], "removed_boilerplate": removed["boilerplate"],
            "removed_whitespace": removed["whitespace"], "non_cjk_share": round(noise_share, 4),
            "flag": "mostly broken" if (noise_share > 0.5 or removed_share > 0.6) else ""}


def prepare(config: Config) -> Prepared:
    """Load, normalise, split into units and segment (reading and filling the token cache)."""
    timings: dict[str, float] = {}
    c = config["corpus"]
    if not c["texts"]:
        raise ToolkitError(f"{config.source}: corpus.texts is required: set it to the folder of your text files")
    with _timed(timings, "load"):
        corpus = load_corpus(config.path("corpus", "texts"), config.path("corpus", "metadata"),
                             pattern=c["pattern"], year_min=c["year_min"], year_max=c["year_max"],
                             encoding=c["encoding"])
        lexicon = load_lexicon(config.path("themes", "lexicon"))
    with _timed(timings, "normalize"):
        normalizer = make_normalizer(config)
        u = config["units"]
        quality_rows, unit_rows = [], []
        progress = Progress(len(corpus.used), "normalize", "documents")
        for doc in corpus.used.itertuples():
            progress.advance()
            normalized = normalizer.normalize(corpus.texts.pop(doc.doc_id))  # the raw text is not needed again
            quality_rows.append(quality_row(doc.doc_id, normalized))
            for i, text in enumerate(split_units(normalized.text, u["kind"], u["max_chars"], u["min_chars"])):
                unit_rows.append({"unit_id": f"{doc.doc_id}#{i:04d}", "doc_id": doc.doc_id, "year": int(doc.year),
                                  "text": text})
        progress.close()
        quality = pd.DataFrame(quality_rows)
        units = pd.DataFrame(unit_rows, columns=["unit_id", "doc_id", "year", "text"])
    with _timed(timings, "segment"):
        segmenter = make_segmenter(config, lexicon)
        cache = make_cache(config)
        pair_counts = PairCounts(segmenter.stopwords)
        tokens = []
        progress = Progress(len(units), "segment", "units")
        for words in segment_units(units, segmenter, cache,
                                   n_jobs=config["segment"]["n_jobs"] or os.cpu_count() or 1):
            pair_counts.update(words)
            tokens.append(segmenter.filter(words))
            progress.advance()
        progress.close()
        v = config["vocab"]
        if v["phrases"]:
            tokens = join_phrases(tokens, min_count=v["phrase_min_count"], threshold=v["phrase_threshold"])
    stats = {"hits": cache.hits, "misses": cache.misses, "damaged": len(cache.damaged)} if cache else {}
    if cache and cache.damaged:
        log.warning("rebuilt %d damaged cache entries (first: %s)", len(cache.damaged), cache.damaged[0])
    return Prepared(corpus, quality, units, tokens, pair_counts, lexicon, segmenter, timings, stats)


def _cut_batch(segmenter: Segmenter, documents: list[list[str]]) -> list[list[list[str]]]:
    return [[segmenter.cut(text) for text in texts] for texts in documents]


PARALLEL_MIN_CHARS = 2_000_000  # below this, starting worker processes costs more than it saves


def segment_units(units: pd.DataFrame, segmenter: Segmenter, cache: TokenCache | None, *, n_jobs: int = 1,
                  min_parallel_chars: int = PARALLEL_MIN_CHARS):
    """Yield the segmenter's words for every unit in order, document by document, through the cache.

    Documents the cache lacks are segmented in ``n_jobs`` worker processes (in a few contiguous chunks, so
    each worker loads the dictionary rarely and the order is kept) when they hold at least
    ``min_parallel_chars`` characters. Only the documents in flight are held in memory; the words do not
    depend on the number of workers.
    """
    fingerprint = segmenter.fingerprint
    documents = [group["text"].tolist() for _, group in units.groupby("doc_id", sort=False)]
    keys = [entry_key(texts, fingerprint) for texts in documents]
    missing_chars = 0
    cached: dict[int, list[list[str]]] = {}
    for i, key in enumerate(keys):
        words = cache.get(key) if cache else None
        if words is None:
            missing_chars += sum(len(t) for t in documents[i])
        else:
            cached[i] = words
    missing = [i for i in range(len(documents)) if i not in cached]

    def fresh():
        if n_jobs > 1 and len(missing) > 1 and missing_chars >= min_parallel_chars:
            from joblib import Parallel, delayed

            size = max(1, -(-len(missing) // (2 * n_jobs)))
            chunks = [missing[k:k + size] for k in range(0, len(missing), size)]
            results = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(_cut_batch)(segmenter, [documents[i] for i in chunk]) for chunk in chunks)
            for chunk, words in zip(chunks, results):
                yield from zip(chunk, words)
        else:
            for i in missing:
                yield i, _cut_batch(segmenter, [documents[i]])[0]

    new_words = fresh()
    for i in range(len(documents)):
        if i in cached:
            doc_words = cached.pop(i)
        else:
            j, doc_words = next(new_words)
            assert j == i
            if cache:
                cache.put(keys[i], doc_words)
        yield from doc_words


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


def fit(prepared: Prepared, config: Config) -> Fitted:
    """Vocabulary, counts, the model, topic labels and theme shares of every unit."""
    v, t = config["vocab"], config["themes"]
    vocabulary, counts, in_model = unit_counts(prepared.tokens, min_df=v["min_df"], max_df=v["max_df"],
                                               max_terms=v["max_terms"])
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
    with _timed(timings, "model"):
        fitted = fit(prepared, config)
    with _timed(timings, "themes"):
        units = prepared.units.copy()
        units["n_tokens"] = [len(t) for t in prepared.tokens]
        units["in_model"] = fitted.in_model
        units = pd.concat([units, fitted.shares], axis=1)
        units["dominant_theme"] = fitted.shares.idxmax(axis=1).where(fitted.in_model, "")
        coverage = lexicon_coverage(prepared.lexicon, fitted.vocabulary, prepared.tokens)
        candidates = candidate_terms(prepared.pair_counts, known=prepared.segmenter.known_words,
                                     stopwords=prepared.segmenter.stopwords)
    with _timed(timings, "trends"):
        trends = yearly_trends(prepared, fitted, units, config)
    with _timed(timings, "evaluate"):
        metrics = evaluate_model(prepared, fitted)
    documents = _documents_table(prepared, units)
    with atomic.output_folder(out_dir) as work:
        with _timed(timings, "figures"):
            _write_figures(work / "figures", units, documents, fitted, trends, prepared.lexicon, config)
        with _timed(timings, "write"):
            _write_tables(work, documents=documents, quality=prepared.quality, units=units, topics=fitted.topics,
                          theme_by_year=trends.yearly, keyword_by_year=trends.keywords,
                          model_vs_keywords=trends.agreement, change=trends.change, coverage=coverage,
                          candidate_terms=candidates)
            atomic.write_text(work / "metrics.json", json.dumps(metrics, indent=2) + "\n")
            (work / "config.toml").write_text(config.to_toml(), encoding="utf-8")
        if config["figures"]["ldavis"]:
            with _timed(timings, "ldavis"):
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
            other = fit(prepared, config.with_values(**{"model.random_state": extra}))
            extra_units = modelled[["year", "doc_id", "n_tokens"]].reset_index(drop=True)
            extra_units = pd.concat([extra_units, other.shares[other.in_model].reset_index(drop=True)], axis=1)
            tables.append(theme_by_year(extra_units, names, years=window))
        yearly = yearly.merge(seed_spread(tables), on=["year", "theme"], how="left")
    word_theme = word_themes(prepared.lexicon, fitted.vocabulary + sorted({w for t in prepared.tokens for w in t}),
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


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.6f", lineterminator="\n")


def _write_tables(folder: Path, **tables: pd.DataFrame) -> None:
    topics = tables["topics"].copy()
    topics["top_words"] = [" ".join(f"{w}:{x:.5f}" for w, x in zip(ws, xs))
                           for ws, xs in zip(topics["top_words"], topics["top_weights"])]
    tables["topics"] = topics.drop(columns=["top_weights"])
    for name, frame in tables.items():
        atomic.write_text(folder / f"{name}.csv", _csv(frame))


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
                   "vocabulary": len(fitted.vocabulary), "tokens": int(sum(len(t) for t in prepared.tokens))},
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
