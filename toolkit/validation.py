"""Validation against hand coding (as R's oolong does for topic models): export blinded coding tasks from a
finished run, then score the coders' answers against the model and against the keyword baseline.

Three tasks: theme coding of a stratified sample of units (precision, recall, F1 and Cohen's kappa of the
model's dominant theme and of the keyword scorer against the coders); word intrusion (does each topic's set of
top words have a recognisable odd one out?); topic intrusion (can a coder spot the topic that does not belong
to a unit?). The coding sheets hold no model output; the answers stay in the key files beside them.
"""

from __future__ import annotations

import io
import json
import string
from pathlib import Path

import numpy as np
import pandas as pd

from . import atomic
from .decoding import Unreadable, decode
from .errors import ToolkitError

CODEBOOK = "codebook.md"
UNIT_SHEET, UNIT_KEY = "coding_sheet.csv", "key_units.csv"
WORD_SHEET, WORD_KEY = "word_intrusion.csv", "key_word_intrusion.csv"
TOPIC_SHEET, TOPIC_KEY = "topic_intrusion.csv", "key_topic_intrusion.csv"
NOT_CODED = "toolkit: this sheet has not been coded yet"


RUN_COLUMNS = {
    "units.csv": ("unit_id", "doc_id", "year", "text", "in_model", "dominant_theme", "keyword_theme"),
    "topics.csv": ("topic", "top_words"),
    "themes.csv": ("theme", "label_zh", "label_en", "keywords_kept"),
    "unit_topics.csv": ("unit_id",),
}


def read_table(path: Path, needed: tuple[str, ...], fix: str, **options) -> pd.DataFrame:
    """A CSV table that the toolkit wrote and a person may have opened, edited and saved again: UTF-8 with or
    without a byte-order mark, or GBK/GB18030 as Excel on Chinese Windows saves it. Every problem (a missing,
    empty, binary or unparsable file, a renamed column of ``needed``) is a ToolkitError ending with ``fix``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ToolkitError(f"{path} not found; {fix}") from None
    except IsADirectoryError:
        raise ToolkitError(f"{path} is a folder, not a CSV file; {fix}") from None
    except OSError as exc:
        raise ToolkitError(f"cannot read {path}: {exc.strerror}; {fix}") from None
    try:
        text = decode(data).text
    except Unreadable as exc:
        raise ToolkitError(f"{path}: {exc}; {fix}") from None
    try:
        table = pd.read_csv(io.StringIO(text), **{"keep_default_na": False, **options})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ToolkitError(f"{path} is not a readable CSV table ({reason}); {fix}") from None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ToolkitError(f"{path} has no {missing[0]!r} column (its columns: {', '.join(table.columns)}); {fix}")
    return table


def _read_run(run: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    missing = [name for name in RUN_COLUMNS if not (run / name).is_file()]
    if missing:
        raise ToolkitError(f"{run} is not the output of a toolkit run ({missing[0]} missing); pass a run folder")
    fix = "export from the run's folder as the toolkit wrote it, or run the analysis again"
    units = read_table(run / "units.csv", RUN_COLUMNS["units.csv"], fix, na_values=[""])
    topics = read_table(run / "topics.csv", RUN_COLUMNS["topics.csv"], fix)
    themes = read_table(run / "themes.csv", RUN_COLUMNS["themes.csv"], fix)
    unit_topics = read_table(run / "unit_topics.csv", RUN_COLUMNS["unit_topics.csv"], fix, keep_default_na=True)
    shares = [c for c in unit_topics.columns if c.startswith("topic_")]
    numbers = unit_topics[shares].apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna() & unit_topics[shares].notna()
    if bad.any(axis=None):
        row, column = np.argwhere(bad.to_numpy())[0]
        raise ToolkitError(f"{run / 'unit_topics.csv'}: {shares[column]} of unit {unit_topics['unit_id'].iloc[row]} "
                           f"is {unit_topics[shares[column]].iloc[row]!r}, not a number; {fix}")
    return units, topics, themes, unit_topics.assign(**numbers)


def _words(cell: str) -> list[str]:
    return [pair.rsplit(":", 1)[0] for pair in str(cell).split()]


def sample_units(units: pd.DataFrame, n: int, rng: np.random.Generator, minimum: int = 5) -> pd.DataFrame:
    """A sample of the modelled units stratified by the model's dominant theme: proportional allocation with at
    least ``minimum`` units per stratum (all of a smaller stratum), each with its sampling weight (stratum size
    over units drawn from it), so weighted scores estimate the whole corpus."""
    modelled = units[units["in_model"].astype(str).str.strip().str.lower().isin(["true", "1"])]
    if modelled.empty:
        raise ToolkitError("the run has no unit the model was fitted to (no row of units.csv has in_model True); "
                           "export from a run whose model was fitted")
    strata = modelled.groupby("dominant_theme", sort=True)
    sizes = strata.size()
    allocation = np.maximum(np.round(sizes / sizes.sum() * n), np.minimum(sizes, minimum)).astype(int)
    allocation = np.minimum(allocation, sizes)
    parts = []
    for theme, members in strata:
        chosen = rng.choice(len(members), size=int(allocation[theme]), replace=False)
        parts.append(members.iloc[np.sort(chosen)].assign(stratum=theme, weight=len(members) / len(chosen)))
    return pd.concat(parts, ignore_index=True)


def export(run: str | Path, out: str | Path | None = None, *, n_units: int = 200, n_topic_tasks: int = 50,
           random_state: int = 0) -> Path:
    """Write the coding sheets, their keys and a codebook for the run in ``run`` into ``out`` (default:
    ``<run>-validation``)."""
    run = Path(run).resolve()  # "." has no name to add "-validation" to
    units, topics, themes, unit_topics = _read_run(run)
    out = Path(out) if out is not None else run.with_name(run.name + "-validation")
    rng = np.random.default_rng(random_state)
    sample = sample_units(units, n_units, rng)
    order = rng.permutation(len(sample))
    sample = sample.iloc[order].reset_index(drop=True)
    sample.insert(0, "item", np.arange(1, len(sample) + 1))
    sheet = pd.DataFrame({"item": sample["item"], "text": sample["text"], "theme": "", "note": ""})
    key = sample[["item", "unit_id", "doc_id", "year", "stratum", "weight", "dominant_theme", "keyword_theme"]]
    key = key.rename(columns={"dominant_theme": "model_theme"})
    words_sheet, words_key = _word_intrusion(topics, rng)
    topic_sheet, topic_key = _topic_intrusion(sample, topics, unit_topics, n_topic_tasks, rng)
    with atomic.output_folder(out, {"the run": run}) as work:
        atomic.write_text(work / CODEBOOK, _codebook(themes, len(sheet), len(words_sheet), len(topic_sheet)))
        for name, table in ((UNIT_SHEET, sheet), (UNIT_KEY, key), (WORD_SHEET, words_sheet), (WORD_KEY, words_key),
                            (TOPIC_SHEET, topic_sheet), (TOPIC_KEY, topic_key)):
            atomic.write_csv(work / name, table, bom=True)  # coders open these in Excel
        atomic.write_text(work / "validation.json", json.dumps({"run": str(run.resolve()), "n_units": len(sheet),
                                                                "random_state": random_state}, indent=1) + "\n")
    return out


def _word_intrusion(topics: pd.DataFrame, rng: np.random.Generator, n_words: int = 5):
    """Per topic: its top ``n_words`` words and one intruder, a word high in another topic and absent from this
    topic's top 20, shuffled."""
    tops = {row.topic: _words(row.top_words) for row in topics.itertuples()}
    sheet, key = [], []
    for item, (topic, words) in enumerate(tops.items(), start=1):
        others = [w for t, ws in tops.items() if t != topic for w in ws[:5] if w not in set(words)]
        if not others or len(words) < n_words:
            continue
        intruder = others[int(rng.integers(len(others)))]
        shown = [*words[:n_words], intruder]
        rng.shuffle(shown)
        sheet.append({"item": item, **{f"word_{i + 1}": w for i, w in enumerate(shown)}, "intruder": ""})
        key.append({"item": item, "topic": topic, "intruder": intruder})
    return pd.DataFrame(sheet), pd.DataFrame(key)


def _topic_intrusion(sample: pd.DataFrame, topics: pd.DataFrame, unit_topics: pd.DataFrame, n: int,
                     rng: np.random.Generator):
    """For ``n`` sampled units: the unit's three largest topics and one of its smallest, each shown by its top
    8 words, in random order as options A-D; the coder names the one that does not belong."""
    described = {row.topic: " ".join(_words(row.top_words)[:8]) for row in topics.itertuples()}
    shares = unit_topics.set_index("unit_id")
    columns = [c for c in shares.columns if c.startswith("topic_")]
    sheet, key = [], []
    for row in sample.head(n).itertuples():
        if row.unit_id not in shares.index:
            continue
        values = shares.loc[row.unit_id, columns].to_numpy(dtype=float)
        ranked = np.argsort(-values, kind="stable")
        largest = [int(columns[k].split("_")[1]) for k in ranked[:3]]
        smallest = [int(columns[k].split("_")[1]) for k in ranked[len(ranked) // 2:]]
        intruder = smallest[int(rng.integers(len(smallest)))]
        shown = [*largest, intruder]
        rng.shuffle(shown)
        letters = string.ascii_uppercase[:len(shown)]
        sheet.append({"item": row.item, "text": row.text, **{f"option_{x}": described[t] for x, t in zip(letters, shown)},
                      "intruder": ""})
        key.append({"item": row.item, "unit_id": row.unit_id, "intruder": letters[shown.index(intruder)],
                    **{f"option_{x}": t for x, t in zip(letters, shown)}})
    return pd.DataFrame(sheet), pd.DataFrame(key)


def _codebook(themes: pd.DataFrame, n_units: int, n_words: int, n_topics: int) -> str:
    lines = ["# Codebook", "",
             "Three tasks. Work from the sheets only: they hold no model output. Keep the key files away from the "
             "coders.", "",
             f"1. `{UNIT_SHEET}` ({n_units} paragraphs): write in `theme` the one theme below that the paragraph is "
             "mainly about (most of its sentences deal with it), or `other` when it is about none of them. Decide "
             "from the text alone; use `note` for doubts.",
             f"2. `{WORD_SHEET}` ({n_words} sets): each row shows six words; five belong together. Write the odd "
             "one out in `intruder`.",
             f"3. `{TOPIC_SHEET}` ({n_topics} paragraphs): each paragraph comes with four word lists (options A-D); "
             "three describe the paragraph. Write the letter of the one that does not in `intruder`.", "",
             "Then: `toolkit validate score <this folder>`.", "", "## Themes", ""]
    for row in themes.itertuples():
        lines.append(f"- `{row.theme}`: {row.label_zh} / {row.label_en}. Keywords include: "
                     f"{' '.join(str(row.keywords_kept).split()[:12]) or '(none in this corpus)'}")
    lines += ["- `other`: none of the above.", ""]
    return "\n".join(lines)


# ----- scoring -------------------------------------------------------------------------------------------------

SCORES = "scores.md"


def _coded(path: Path, column: str) -> pd.DataFrame:
    """The coded rows of a sheet (blank rows and rows not coded yet left out), ``item`` as an integer."""
    if not path.exists():
        raise ToolkitError(f"{path} not found; pass the folder `toolkit validate export` wrote")
    fix = f"keep the columns `item` and `{column}` of the sheet `toolkit validate export` wrote"
    table = read_table(path, ("item", column), fix, dtype=str)
    table = table.assign(**{c: table[c].str.strip() for c in ("item", column)})
    table = table[table[column] != ""]
    items = pd.to_numeric(table["item"], errors="coerce")
    bad = ~(items.notna() & (items % 1 == 0))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ToolkitError(f"{path}: item {table['item'].iloc[row]!r} (row {table.index[row] + 2}) is not an item "
                           "number; keep the `item` column as exported")
    return table.assign(item=items.astype(int))


def _key(folder: Path, name: str) -> pd.DataFrame:
    return read_table(folder / name, ("item",), f"the key files `toolkit validate export` wrote must stay in {folder}; "
                      "export again if they are lost")


def _merged(coded: pd.DataFrame, key: pd.DataFrame, path: Path, key_name: str, **options) -> pd.DataFrame:
    unknown = sorted(set(coded["item"]) - set(key["item"]))
    if unknown:
        raise ToolkitError(f"{path}: item {unknown[0]} is not in {key_name}; keep the `item` column as exported")
    return coded.merge(key, on="item", **options)


def _validation_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ToolkitError(f"{folder} is not a folder; pass the folder `toolkit validate export` wrote")
    if (folder / "validation.json").is_file() or (folder / UNIT_KEY).is_file():
        return
    if (folder / "units.csv").is_file() and (folder / "unit_topics.csv").is_file():
        raise ToolkitError(f"{folder} is a run folder; export the coding sheets first (toolkit validate export "
                           f"{folder}), then score the folder it writes (by default {folder}-validation)")
    raise ToolkitError(f"{folder} holds no coding sheets and keys; pass the folder `toolkit validate export` wrote")


def score(folder: str | Path, *, units_file: str | Path | None = None, words_file: str | Path | None = None,
          topics_file: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Score the coded sheets in ``folder`` (or the given files) against their keys: per theme precision,
    recall and F1 of the model and of the keyword baseline, Cohen's kappa, word- and topic-intrusion accuracy.
    Unit scores are weighted by the sampling weights (estimates for the whole corpus). Sheets saved again by
    a spreadsheet are read as UTF-8 or GBK/GB18030. The scores are written to ``scores.md`` in ``folder``,
    never over a ``scores.md`` the toolkit did not write."""
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    folder = Path(folder)
    _validation_folder(folder)
    atomic.check_own_file(folder / SCORES)
    path = Path(units_file) if units_file else folder / UNIT_SHEET
    coded = _coded(path, "theme")
    themes_allowed = {*_codebook_themes(folder), "other"}
    tables: dict[str, pd.DataFrame] = {}
    if len(coded):
        key = _key(folder, UNIT_KEY)
        merged = _merged(coded[["item", "theme"]], key, path, UNIT_KEY)
        unknown = sorted(set(merged["theme"]) - themes_allowed)
        if unknown:
            raise ToolkitError(f"coded theme {unknown[0]!r} is not in the codebook; use the theme names of "
                               f"{folder / CODEBOOK} or 'other'")
        truth = merged["theme"].to_numpy()
        weights = merged["weight"].to_numpy(dtype=float)
        labels = sorted(set(truth) | set(merged["model_theme"]) - {""})
        rows = []
        for source, column in (("model", "model_theme"), ("keywords", "keyword_theme")):
            predicted = merged[column].replace("", "other").to_numpy()
            precision, recall, f1, support = precision_recall_fscore_support(
                truth, predicted, labels=labels, sample_weight=weights, zero_division=np.nan)
            for label, p, r, f, s in zip(labels, precision, recall, f1, support):
                rows.append({"source": source, "theme": label, "precision": p, "recall": r, "f1": f,
                             "weighted_support": s, "coded_units": int((truth == label).sum())})
            rows.append({"source": source, "theme": "(all)", "accuracy": float(np.average(predicted == truth,
                                                                                        weights=weights)),
                         "kappa": float(cohen_kappa_score(truth, predicted, sample_weight=weights)),
                         "coded_units": len(truth)})
        tables["units"] = pd.DataFrame(rows)
    for name, sheet, key_name, file in (("word_intrusion", WORD_SHEET, WORD_KEY, words_file),
                                        ("topic_intrusion", TOPIC_SHEET, TOPIC_KEY, topics_file)):
        path = Path(file) if file else folder / sheet
        answers = _coded(path, "intruder")
        if len(answers):
            key = _key(folder, key_name)
            merged = _merged(answers[["item", "intruder"]], key, path, key_name, suffixes=("_coded", ""))
            merged["correct"] = merged["intruder_coded"].str.upper() == merged["intruder"].astype(str).str.upper()
            group = "topic" if name == "word_intrusion" else "item"
            tables[name] = merged.groupby(group)["correct"].mean().reset_index().rename(columns={"correct": "precision"})
    if not tables:
        raise ToolkitError(f"no coded answer in {folder}: fill the `theme` column of {UNIT_SHEET} (or the "
                           "intruder columns) first")
    atomic.write_own_file(folder / SCORES, format_scores(tables))
    return tables


def _codebook_themes(folder: Path) -> list[str]:
    text = (folder / CODEBOOK).read_text(encoding="utf-8") if (folder / CODEBOOK).is_file() else ""
    return [line.split("`")[1] for line in text.splitlines() if line.startswith("- `")]


def format_scores(tables: dict[str, pd.DataFrame]) -> str:
    lines = ["# Validation scores", ""]
    units = tables.get("units")
    if units is not None:
        overall = units[units["theme"] == "(all)"].set_index("source")
        for source in ("model", "keywords"):
            lines.append(f"- {source}: accuracy {overall.loc[source, 'accuracy']:.3f}, Cohen's kappa "
                         f"{overall.loc[source, 'kappa']:.3f} ({int(overall.loc[source, 'coded_units'])} coded units, "
                         "weighted by the sampling weights)")
        lines += ["", "| theme | coded | model P | model R | model F1 | keywords P | keywords R | keywords F1 |",
                  "|---|---|---|---|---|---|---|---|"]
        per = units[units["theme"] != "(all)"].pivot(index="theme", columns="source", values=["precision", "recall", "f1"])
        coded = units[(units["theme"] != "(all)") & (units["source"] == "model")].set_index("theme")["coded_units"]
        for theme in per.index:
            cells = [f"{per.loc[theme, (m, s)]:.2f}" for s in ("model", "keywords") for m in ("precision", "recall", "f1")]
            lines.append(f"| {theme} | {int(coded.get(theme, 0))} | " + " | ".join(cells).replace("nan", "-") + " |")
    for name, label in (("word_intrusion", "Word intrusion"), ("topic_intrusion", "Topic intrusion")):
        if name in tables:
            table = tables[name]
            lines += ["", f"- {label}: the intruder was found in {table['precision'].mean():.1%} of "
                      f"{len(table)} tasks (chance: {'1 in 6' if name == 'word_intrusion' else '1 in 4'})"]
    return "\n".join(lines) + "\n"
