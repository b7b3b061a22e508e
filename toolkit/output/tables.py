"""Writing a run: its tables (CSV), figures, JSON files and manifest, all into the run's temporary folder."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..options import Option
from ..processes import BackgroundJobs
from . import atomic, catalog
from .csv_files import write_csv
from .manifest import git_revision, output_hashes, package_versions, platform_summary, source_sha256

log = logging.getLogger("toolkit")

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

OPTIONS = {
    "excel_bom": Option(
        False,
        "Start every CSV with a UTF-8 byte-order mark, so that Excel shows its Chinese text "
        "(pandas, R and LibreOffice read such files too).",
    ),
}


UNMODELLED = "no unit the model saw (not a word of the vocabulary: another language, numbers or punctuation only?): in no share"


def documents_table(documents: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The corpus's documents with the number of units and tokens of each; a used document none of whose units the
    model saw (``units["in_model"]``) is noted (:data:`UNMODELLED`)."""
    per_doc = units.groupby("doc_id").agg(n_units=("unit_id", "size"), n_tokens=("n_tokens", "sum"))
    documents = documents.join(per_doc, on="doc_id")
    for column in ("n_units", "n_tokens"):
        documents[column] = documents[column].astype("Int64")
    unseen = unmodelled(documents, units)
    documents.loc[unseen, "note"] = [f"{note}; {UNMODELLED}" if note else UNMODELLED for note in documents.loc[unseen, "note"]]
    return documents


def unmodelled(documents: pd.DataFrame, units: pd.DataFrame) -> pd.Series:
    """Which of the ``documents`` are used and yet have no unit the model saw (``units["in_model"]``; none when
    the units do not say)."""
    if "in_model" not in units:
        return documents["doc_id"].isin(())
    modelled = units.loc[units["in_model"].to_numpy(dtype=bool), "doc_id"]
    return (documents["status"] == "used") & ~documents["doc_id"].isin(modelled)


DOCUMENT_BOOTSTRAP = 200  # at most this many replicates behind document_themes.csv's intervals


def document_shares(
    units: pd.DataFrame,
    documents: pd.DataFrame,
    themes: list[str],
    *,
    member_shares: np.ndarray | None = None,
    bootstrap: int = DOCUMENT_BOOTSTRAP,
    level: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """document_themes.csv: each used document's token-weighted theme shares, in date order, with every
    metadata column of the document (title, date, year, place and the metadata's own columns), its units and
    tokens, and, with ``bootstrap`` replicates (at most 200), each share's ``level`` interval
    (``<theme>_low``, ``<theme>_high``).

    The interval counts which units the document happens to be cut into and which seed the model was fitted
    with: each replicate reweights every unit by a Poisson(1) draw (a bootstrap of the units within each
    document) and takes one ensemble member of ``member_shares`` (members x modelled units x themes, aligned
    with ``units[units["in_model"]]``; default: the shares in ``units``, one member); the interval is the
    replicates' percentiles. Seeded by ``random_state``: the same run gives the same intervals."""
    import numpy as np
    import pandas as pd

    from ..text.corpus import DOCUMENT_COLUMNS

    # the columns read here, not the units' text (a copy of every modelled unit's text at 200M characters)
    modelled = units.loc[units["in_model"].to_numpy(dtype=bool), ["doc_id", "n_tokens", *themes]]
    tokens = modelled["n_tokens"].to_numpy(dtype=float)
    weighted = modelled[themes].mul(tokens, axis=0).groupby(modelled["doc_id"]).sum()
    shares = weighted.div(weighted.sum(axis=1), axis=0)
    info = documents.set_index("doc_id").reindex(shares.index)
    extra = [c for c in info.columns if c not in DOCUMENT_COLUMNS and c not in ("n_units", "n_tokens")]
    columns = [c for c in ("title", "date", "year", "place", *extra, "n_units", "n_tokens") if c in info.columns]
    parts = [info[columns], shares.round(6)]
    if bootstrap and len(modelled):
        members = (
            np.asarray(member_shares, dtype=float) if member_shares is not None else modelled[themes].to_numpy(dtype=float)[None]
        )
        codes = pd.Index(shares.index).get_indexer(modelled["doc_id"])  # each unit's row of ``shares``
        order = np.argsort(codes, kind="stable")
        if np.array_equal(order, np.arange(len(order))):
            order = slice(None)  # the units already in the documents' order (a run's): views, not copies
        starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
        rng = np.random.default_rng(random_state)
        n_boot = min(int(bootstrap), DOCUMENT_BOOTSTRAP)
        replicates = np.empty((n_boot, len(shares), len(themes)))
        for b in range(n_boot):
            member = members[int(rng.integers(len(members)))][order]
            w = tokens[order] * rng.poisson(1.0, size=len(codes))
            total = np.add.reduceat(w, starts)
            with np.errstate(invalid="ignore", divide="ignore"):  # a document none of whose units was drawn
                replicates[b] = np.add.reduceat(member * w[:, None], starts, axis=0) / total[:, None]
        tail = (1 - level) / 2 * 100
        with np.errstate(invalid="ignore"):
            low, high = np.nanpercentile(replicates, [tail, 100 - tail], axis=0)
        bounds = {}
        # a document of one unit resamples to itself: its interval is the members' spread alone, and with one
        # member nothing at all, which [share, share] read as certain (a hostile pass: 20 one-paragraph notices)
        single = np.diff(np.r_[starts, len(codes)]) == 1
        unresampled = single & (len(members) == 1)
        for t, theme in enumerate(themes):
            bounds[f"{theme}_low"] = np.where(unresampled, np.nan, np.minimum(low[:, t], shares[theme].to_numpy()))
            bounds[f"{theme}_high"] = np.where(unresampled, np.nan, np.maximum(high[:, t], shares[theme].to_numpy()))
        parts.append(pd.DataFrame(bounds, index=shares.index).round(6))
        _warn_single_unit_intervals(int(single.sum()), len(single), len(members))
    table = pd.concat(parts, axis=1).reset_index()
    measured_by = member_shares if member_shares is not None else modelled[themes].to_numpy(dtype=float)[None]
    table = unmeasured_emptied(table, themes, measured_by)
    return table.sort_values(["year", "date", "doc_id"], kind="stable").reset_index(drop=True)


def _warn_single_unit_intervals(single: int, documents: int, members: int) -> None:
    """Say what the intervals of document_themes.csv count for its documents of one unit (see document_shares)."""
    if not single:
        return
    if members == 1:
        log.warning(
            "document_themes.csv: %d of %d documents are one unit (one paragraph, or units.kind = document), and the "
            "model one seed: their shares have no interval (nothing to resample); model.ensemble = 3 gives them the "
            "spread over seeds",
            single,
            documents,
        )
    else:
        log.warning(
            "document_themes.csv: %d of %d documents are one unit (one paragraph, or units.kind = document): their "
            "intervals are the spread of the model's %d seeds only, not the sampling of the unit's words, and narrower "
            "than a new seed's share may fall",
            single,
            documents,
            members,
        )


def unmeasured_emptied(table: pd.DataFrame, themes: list[str], member_shares) -> pd.DataFrame:
    """``table`` with the columns of each named theme that has no share in any unit of any member of
    ``member_shares`` (members x modelled units x ``themes``; none of its keywords in the vocabulary) emptied, its
    interval's too: not measured here, a gap as in theme_by_year.csv, not a measured zero with an interval of
    [0, 0]. ``table`` itself is left as it is."""
    import numpy as np

    from ..analysis.lexicon import OTHER
    from ..analysis.trends import unmeasured_in

    named = [t for t in themes if t != OTHER]
    shares = np.asarray(member_shares, dtype=float)[:, :, [themes.index(t) for t in named]]
    columns = [c for theme in sorted(unmeasured_in(shares, named)) for c in (theme, f"{theme}_low", f"{theme}_high")]
    columns = [c for c in columns if c in table]
    return table.assign(**{c: np.nan for c in columns}) if columns else table


def topic_word_pairs(cell) -> list[tuple[str, str]]:
    """A topic's top words as topics.csv holds them (``word:weight ...``, as :func:`write_tables` writes them): each
    (word, weight as written; '' for a word without one); none for an empty cell (a topic that drew no token, read
    back as NaN). What reads topics.csv back reads it here."""
    pairs = []
    if cell is None or (isinstance(cell, float) and cell != cell):
        return pairs
    for pair in str(cell).split():
        word, colon, weight = pair.rpartition(":")
        pairs.append((word, weight) if colon else (pair, ""))
    return pairs


def write_tables(folder: Path, *, bom: bool = False, **tables: pd.DataFrame) -> None:
    """Each table as ``<name>.csv`` (with a byte-order mark for Excel when ``bom``); a topics table's word
    lists as ``word:weight`` pairs."""
    if "topics" in tables:
        topics = tables["topics"].copy()
        topics["top_words"] = [
            " ".join(f"{w}:{x:.5f}" for w, x in zip(ws, xs)) for ws, xs in zip(topics["top_words"], topics["top_weights"])
        ]
        tables["topics"] = topics.drop(columns=["top_weights"])
    for name, frame in tables.items():
        write_csv(folder / f"{name}.csv", frame, bom=bom)


def write_json(path: Path, data: dict) -> None:
    """``data`` written as :func:`json_text`."""
    atomic.write_text(path, json_text(data) + "\n")


def json_text(data, *, indent: int | None = 2) -> str:
    """``data`` as JSON that every reader takes: a number that is not finite (NaN, infinity), which Python writes
    as ``NaN``/``Infinity`` and JSON has not, is written as null."""
    return json.dumps(_finite(data), ensure_ascii=False, indent=indent, allow_nan=False)


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


SMALL_MULTIPLES = tuple(figure.name for figure in catalog.FIGURES if figure.small_multiple)


def figure_specs(
    tables: dict[str, pd.DataFrame],
    lexicon,
    options: dict,
    *,
    title: str = "",
    level: float = 0.95,
    only: Iterable[str] | None = None,
) -> list[tuple]:
    """(name, plotting function's name, arguments, keyword arguments) of every figure a run draws from its
    ``tables`` (of those named in ``only``, when given), as ``toolkit/output/catalog.py`` declares them (an
    optional figure whose table is absent or empty is left out), in the catalog's order (report.html's). The
    ``[figures]`` section is ``options``; ``level`` (``trends.level``) is the coverage that the figures with
    intervals draw and name."""
    kw = {"language": options["language"], "title": title}
    only = None if only is None else set(only)
    specs = []
    for figure in catalog.FIGURES:
        if (only is not None and figure.name not in only) or not figure.drawn(tables):
            continue
        args = tuple(tables[name] for name in figure.tables) + ((lexicon,) if figure.lexicon else ())
        kwargs = {**kw, **({"level": level} if figure.level else {})}
        kwargs.update({keyword: options[option] for keyword, option in figure.options})
        specs.append((figure.name, figure.function(options), args, kwargs))
    return specs


def draw_figure(folder: Path, name: str, function: str, args: tuple, kwargs: dict, formats: list[str], dpi: int) -> str:
    """Draw one figure and write it in each format (run in a worker process or in this one)."""
    from . import plots

    with plots.layout_dpi(dpi):  # laid out at the dpi it is saved at
        figure = getattr(plots, function)(*args, **kwargs)
    for fmt in formats:
        plots.save_figure(figure, folder / f"{name}.{fmt}", dpi=dpi)  # laid out once, when drawn (plots._new_figure)
    return name


def warm_up_drawing() -> None:
    """What the figures need first, done in each drawing worker as it starts, while the run is busy elsewhere:
    pandas, matplotlib and the CJK font (a small figure with Chinese text drawn and thrown away). The pyLDAvis page
    is not theirs: the run writes it itself, having imported what pyLDAvis needs."""
    import pandas  # noqa: F401

    from .plots._common import _new_figure, figure_bytes

    with _new_figure(2, 1) as fig:
        fig.add_subplot().set_title("主题 theme")
    figure_bytes(fig, "png", dpi=72)


def drawing_workers(options: dict) -> BackgroundJobs:
    """The drawing workers of a run with the ``[figures]`` ``options``: no more than its figures (a machine with
    many cores starts no idle ones), each warmed up (:func:`warm_up_drawing`); started at once when the run draws
    any figure, so that they import what drawing needs while the run (or the command line) imports and reads. Use
    it as a ``with`` block: leaving it stops them."""
    jobs = BackgroundJobs(options["workers"], warm_up=warm_up_drawing, most=len(figure_names(options)))
    if options["formats"]:
        jobs.start()
    return jobs


def submit_figures(jobs: BackgroundJobs, folder: Path, specs: list[tuple], options: dict) -> None:
    """Give each figure of ``specs`` (see :func:`figure_specs`) to ``jobs``, the small multiples first (they take
    longest: started first, the workers finish together); nothing with no ``figures.formats``."""
    if not options["formats"]:
        return
    for spec in sorted(specs, key=lambda spec: spec[0] not in SMALL_MULTIPLES):  # stable: the rest in order
        jobs.submit(draw_figure, Path(folder), *spec, list(options["formats"]), options["dpi"])


def figure_names(options: dict) -> list[str]:
    """The figures a run with the ``[figures]`` ``options`` may draw, in the catalog's order: those ``only`` names,
    or every one (whether a run draws an optional one is decided by its tables, :meth:`Figure.drawn`)."""
    only = set(options.get("only") or ())
    return [figure.name for figure in catalog.FIGURES if not only or figure.name in only]


def warn_undrawable(lexicon, language: str, *, title: str = "", groups=(), by: str = "", terms=()) -> None:
    """Warn of the characters that no font of the figures holds, drawn as empty boxes with no word of the
    toolkit's (emoji, CJK Extension B's 𠀀, Devanagari): in the themes' labels (in the figures' ``language``), the
    figures' ``title`` (the corpus's name), the ``groups`` of trends.by ``by`` their legends name (a hostile pass:
    an emoji in a group's name was a box, said by matplotlib's warning only) and the tracked ``terms``."""
    from .fonts import undrawable

    labels = {theme: lexicon.label(theme, language) for theme in lexicon.names}
    missing = {theme: chars for theme, label in labels.items() if (chars := undrawable(label))}
    if missing:
        named = "; ".join(f"{theme}: {''.join(chars)}" for theme, chars in list(missing.items())[:5])
        log.warning(
            "%d theme label(s) hold characters the figures' fonts lack, drawn as empty boxes (%s%s); write the "
            "label (label_%s in the lexicon) without them",
            len(missing),
            named,
            " ..." if len(missing) > 5 else "",
            language,
        )
    named_by = {  # what each names in a warning: what is drawn, and where to write it otherwise
        ("the corpus's name", "corpus.name"): [title] if title else [],
        ("{} group name(s) of trends.by = " + by, "group names in the metadata"): list(groups),
        ("{} tracked term(s)", "terms.track"): list(terms),
    }
    for (drawn, where), names in named_by.items():
        boxes = [f"{name}: {''.join(chars)}" for name in dict.fromkeys(names) if (chars := undrawable(str(name)))]
        if boxes:
            log.warning(
                "the figures draw %s as empty boxes: characters the figures' fonts lack (%s%s); write the %s without "
                "them to read it in the figures",
                drawn.format(len(boxes)),
                "; ".join(boxes[:5]),
                " ..." if len(boxes) > 5 else "",
                where,
            )


class FigureQueue:
    """A run's figures, each given to the drawing ``jobs`` as soon as the tables it is drawn from exist, so that
    drawing overlaps the rest of the run: :meth:`offer` the run's tables after each stage (a table is added once,
    complete: a figure is drawn from the table as it was offered), :meth:`finish` with all of them. An optional
    figure whose table the run does not make waits for :meth:`finish`, which decides it. The figures are those of
    :func:`figure_specs` on all the tables (those named by ``figures.only``, when it names some)."""

    def __init__(  # noqa: PLR0913 (what the figures show beside the tables)
        self,
        jobs: BackgroundJobs,
        folder: Path,
        lexicon,
        options: dict,
        *,
        title: str = "",
        level: float = 0.95,
        groups=(),
        by: str = "",
        terms=(),
    ):
        self.jobs, self.folder, self.lexicon, self.options = jobs, Path(folder), lexicon, options
        self.title, self.level = title, level
        self.waiting = figure_names(options) if options["formats"] else []
        if self.waiting and lexicon is not None:
            warn_undrawable(lexicon, options["language"], title=title, groups=groups, by=by, terms=terms)

    def offer(self, tables: dict[str, pd.DataFrame], *, final: bool = False) -> None:
        """Submit every waiting figure whose tables are all in ``tables`` (every one left when ``final``)."""
        ready = [name for name in self.waiting if final or all(table in tables for table in catalog.FIGURE[name].tables)]
        if not ready:
            return
        self.waiting = [name for name in self.waiting if name not in ready]
        # copies, taken now: the workers' arguments are pickled in a thread of their own while the run goes on
        needed = {table for name in ready for table in catalog.FIGURE[name].tables}
        now = {name: table.copy() for name, table in tables.items() if name in needed}
        specs = figure_specs(now, self.lexicon, self.options, title=self.title, level=self.level, only=ready)
        submit_figures(self.jobs, self.folder, specs, self.options)

    def finish(self, tables: dict[str, pd.DataFrame]) -> None:
        """Submit every figure left; warn of each that ``figures.only`` names and this run does not draw."""
        for name in dict.fromkeys(self.options.get("only") or ()):
            figure = catalog.FIGURE[name]
            if self.options["formats"] and not figure.drawn(tables):
                log.warning("figures.only names %s, which this run does not draw: %s", name, figure.when)
        self.offer(tables, final=True)


def input_hashes(config, corpus, files: dict[str, str] | None = None) -> dict[str, str]:
    """SHA-256 of every text the run read (as loaded: the used ones, and those it read and skipped, an empty file or
    a copy: documents.csv's sha256) and of every other file the config names (metadata, lexicon,
    dictionaries, stopword and boilerplate files, the config itself): ``files``, as the run began to read them
    (:func:`toolkit.text.preparation.named_file_hashes`), else as they are now."""
    from ..text.preparation import named_file_hashes

    docs = corpus.documents
    hashes = {f"texts/{p}": h for p, h in zip(docs["path"], docs["sha256"]) if h}
    return {**hashes, **(files if files else named_file_hashes(config))}


def manifest(config, prepared, fitted, timings: dict, work: Path, metrics: dict) -> dict:
    """Provenance of a run: resolved config, seeds, versions, counts, cache use, timings, input and output
    hashes (every output file but manifest.json and report.html, which embeds the manifest)."""
    from ..models import model_provenance

    docs = prepared.corpus.documents
    return {
        "config": config.to_dict(),
        # the config file's whole path (as typed, it was relative to a working folder that no field records), or
        # where a config of no file came from ("defaults", "<dict>")
        "config_source": str(config.base_dir / Path(config.source).name) if config.source_sha256 else config.source,
        "random_state": config["model"]["random_state"],
        "ensemble_seeds": [int(m.random_state) if m.random_state is not None else None for m in fitted.models],
        # when and why the sampler stopped (keyatm: sweeps run, the burn-in's end, "converged" or "ceiling",
        # the split-R-hat at each check); None for a model without a stopping rule
        "convergence": getattr(fitted.models[0], "stop_", None),
        # the sample of units the models were fitted on above model.sample_above tokens (the rest folded in)
        "sample": getattr(fitted, "sample", None),
        "versions": package_versions(),
        "toolkit_source_sha256": source_sha256(),  # this build's code and data, whatever its version number says
        # the model's class, where it comes from, and the SHA-256 of its code when it is not the toolkit's
        "model": model_provenance(config["model"]["kind"]),
        "git": {
            "toolkit": git_revision(Path(__file__).parent),
            **({"config": git_revision(Path(config.source).parent)} if Path(config.source).is_file() else {}),
        },
        "platform": platform_summary(),
        "counts": {
            "files": int(len(docs)),
            "documents_used": int((docs["status"] == "used").sum()),
            "documents_skipped": int((docs["status"] == "skipped").sum()),
            "units": int(len(prepared.units)),
            "units_modelled": int(fitted.in_model.sum()),
            "units_without_vocabulary": int((~fitted.in_model).sum()),
            # the documents the models and the effects see (a document of no vocabulary word is used, not modelled)
            "documents_modelled": int(prepared.units["doc_id"][list(fitted.in_model)].nunique()),
            "vocabulary": len(fitted.vocabulary),
            "tokens": prepared.tokens.n_tokens,  # every token kept by segmentation
            # the tokens the models see (the vocabulary's words): what model.sample_above is compared with
            "tokens_modelled": int(fitted.counts.sum()),
        },
        "segmenter_fingerprint": prepared.segmenter.fingerprint,
        "cache": prepared.cache_stats,
        "timings_seconds": timings,
        "inputs_sha256": input_hashes(config, prepared.corpus, prepared.input_files),
        "outputs_sha256": output_hashes(work),
        "metrics": metrics,
    }
