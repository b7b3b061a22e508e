"""Validation against hand coding (as R's oolong does for topic models): export blinded coding tasks from a
finished run, then score the coders' answers against the model and against the keyword baseline.

Three tasks: theme coding of a stratified sample of units (precision, recall, F1 and Cohen's kappa of the
model's dominant theme and of the keyword scorer against the coders); word intrusion (does each topic's set of
top words have a recognisable odd one out?); topic intrusion (can a coder spot the topic that does not belong
to a unit?). The coding sheets hold no model output; the answers stay in the key files beside them.
"""

from __future__ import annotations

import csv
import errno
import io
import itertools
import json
import logging
import os
import re
import shutil
import string
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ToolkitError
from ..output import atomic
from ..output.csv_files import write_csv
from ..resources import read_regular, read_text_file, user_path, utf8_path
from ..text.corpus import cell_separator
from ..text.decoding import Unreadable, decode
from .lexicon import OTHER, OTHER_ANSWERS, answer_key

CODEBOOK = "codebook.md"
UNIT_SHEET, UNIT_KEY = "coding_sheet.csv", "key_units.csv"
WORD_SHEET, WORD_KEY = "word_intrusion.csv", "key_word_intrusion.csv"
TOPIC_SHEET, TOPIC_KEY = "topic_intrusion.csv", "key_topic_intrusion.csv"
NOT_CODED = "toolkit: this sheet has not been coded yet"
BOOTSTRAP = 1000  # replicates (over coded units) behind the intervals of kappa
INTERVALS = "accuracy: Wilson's, weighted over the effective number of units; Cohen's kappa: bootstrap over the units"

log = logging.getLogger("toolkit")


RUN_COLUMNS = {
    "units.csv": ("unit_id", "doc_id", "year", "text", "in_model", "dominant_theme", "keyword_theme"),
    "topics.csv": ("topic", "top_words"),
    "themes.csv": ("theme", "label_zh", "label_en", "keywords_kept"),
    "unit_topics.csv": ("unit_id",),
}


def read_table(path: Path, needed: tuple[str, ...], fix: str, **options) -> pd.DataFrame:
    """A CSV table that the toolkit wrote and a person may have opened, edited and saved again: UTF-8 with or
    without a byte-order mark, or GBK/GB18030 as Excel on Chinese Windows saves it, or UTF-16, or Windows-1252 as
    Excel on a Western Windows saves it (:func:`_western_excel`); its cells
    separated by commas, tabs (Excel's "Unicode Text") or semicolons (:func:`~toolkit.text.corpus.cell_separator`).
    Every problem (a missing, empty, binary or unparsable file, a renamed column of ``needed``) is a ToolkitError
    ending with ``fix``. A text
    cell reads as it was before the toolkit wrote it (:func:`toolkit.output.csv_files.unguarded`: the apostrophe
    that keeps a spreadsheet from running a cell such as ``=HYPERLINK(...)`` is taken away again, and a cell a
    spreadsheet saved without it reads the same), so that a table written from it is guarded once, not twice."""
    from ..output.csv_files import unguarded_table

    try:
        data = read_regular(path)  # a FIFO is named, never waited on
    except FileNotFoundError:
        raise ToolkitError(f"{path} not found; {fix}") from None
    except IsADirectoryError:
        raise ToolkitError(f"{path} is a folder, not a CSV file; {fix}") from None
    except OSError as exc:
        if exc.errno == errno.EINVAL and exc.strerror.startswith("it is "):
            raise ToolkitError(f"{path} {exc.strerror[3:]}; {fix}") from None
        raise ToolkitError(f"cannot read {path}: {exc.strerror}; {fix}") from None
    try:
        text = decode(data, repair=False).text
    except Unreadable as exc:
        text = _western_excel(data, needed)
        if text is None:
            raise ToolkitError(f"{path}: {exc}; {fix}") from None
    # the first line whatever ends it (a Mac's "CSV" ends lines with \r alone)
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")  # pandas skips blank lines
    separator = cell_separator(first, needed)
    _check_row_lengths(path, text, separator, fix)
    header = [cell.strip() for cell in next(csv.reader([first], delimiter=separator), [])]
    twice = [name for i, name in enumerate(header) if name and name in header[:i]]
    if twice:  # pandas renames a repeated header 'theme.1'; one that differs by spaces only is the same name
        raise ToolkitError(f"{path} has two columns named {twice[0]!r}; keep one of them; {fix}")
    try:  # index_col=False: a first row longer than the header made its first cells the index, the columns shifted
        with warnings.catch_warnings():  # of the empty cells past the header's, which are no loss (checked above)
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), **{"keep_default_na": False, "sep": separator, "index_col": False, **options})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ToolkitError(f"{path} is not a readable CSV table ({reason}); {fix}") from None
    # a needed column's name as a person may type it again (Item, ＴＨＥＭＥ: a header retyped in a spreadsheet)
    folded = {unicodedata.normalize("NFKC", name).casefold(): name for name in needed}
    columns = [str(c).strip() for c in table.columns]
    named = [folded.get(unicodedata.normalize("NFKC", c).casefold(), _sheet_column(c)) for c in columns]
    # of every column read by its name (needed, and text, note, word_*, option_*: note beside Note was a traceback)
    twice = [name for i, name in enumerate(named) if name in named[:i] and (name in needed or _by_name(name))]
    if twice:
        raise ToolkitError(f"{path} has two columns named {twice[0]!r} (in capitals or not); keep one of them; {fix}")
    table.columns = named
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ToolkitError(f"{path} has no {missing[0]!r} column (its columns: {', '.join(table.columns)}); {fix}")
    table = unguarded_table(table)
    table.attrs["rows"] = _spreadsheet_rows(text, separator, len(table))
    return table


def sheet_row(table: pd.DataFrame, index: int) -> int:
    """The row of a spreadsheet (the header its row 1) that holds ``table``'s row ``index`` as :func:`read_table`
    read it: blank lines, which pandas skips, are rows of a spreadsheet too (an error had named row 7 of a sheet
    whose row 10 it meant, three blank lines below its header: an adversarial review)."""
    rows = table.attrs.get("rows")
    return int(rows[index]) if rows is not None and 0 <= index < len(rows) else int(index) + 2


def _spreadsheet_rows(text: str, separator: str, n_rows: int) -> list[int] | None:
    """Each data row's row in a spreadsheet: the records of ``text`` (a quoted line break stays in its record), the
    blank ones counted but skipped as pandas skips them (empty or white space only, no separator); None when
    they do not count ``n_rows`` (a file the csv module reads otherwise)."""
    rows, header = [], False
    try:  # universal line ends: a Mac's "CSV" ends its lines with \r alone
        records = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=None), delimiter=separator))
    except csv.Error:
        return None
    for number, record in enumerate(records, start=1):
        if len(record) <= 1 and not "".join(record).strip():
            continue
        if header:
            rows.append(number)
        header = True
    return rows if len(rows) == n_rows else None


def _by_name(name: str) -> bool:
    """Whether the sheets' column ``name`` (as :func:`_sheet_column` gives it) is one scoring reads by its name."""
    return name in ("text", "note") or name.startswith(("word_", "option_"))


def _sheet_column(name: str) -> str:
    """A column the sheets hold besides the needed ones (text, note, word_1 ..., option_A ...) by its own name as a
    person may type it again (Text, Word_1: the check that a sheet's texts are the export's was skipped, and an
    intrusion sheet refused as showing no options, a hostile pass); any other column as it is."""
    plain = unicodedata.normalize("NFKC", name).casefold()
    if not _by_name(plain):
        return name
    if plain.startswith("option_"):  # its letter as exported (option_A): the answers are letters A-D
        return "option_" + plain[len("option_") :].strip().upper()
    return plain


def _check_row_lengths(path: Path, text: str, separator: str, fix: str) -> None:
    """ToolkitError naming the first row with more cells than the header (a comma typed in a note without quotes:
    the cells after it would be read under the wrong columns), empty extra cells aside (a spreadsheet's trailing
    separators)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=separator)
    header = None
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            if header is None:
                header = len(fields)
            elif len(fields) > header and any(f.strip() for f in fields[header:]):
                raise ToolkitError(
                    f"{path} line {reader.line_num} has {len(fields)} cells, the header {header}: a cell holds the "
                    f'separator {separator!r} without quotes ("a, b"); quote it or remove the extra cells; {fix}'
                )
    except csv.Error as exc:
        raise ToolkitError(f"{path} is not a readable CSV table (line {reader.line_num}: {exc}); {fix}") from None


# what Excel's "CSV (Comma delimited)" writes on a Windows set to a language without Chinese: its ANSI code page
# (Western, Central European, Cyrillic, Greek, Turkish, Baltic)
ANSI_CODE_PAGES = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257")


def _western_excel(data: bytes, needed: tuple[str, ...]) -> str | None:
    """``data`` as Excel's "CSV (Comma delimited)" saves a sheet on a Windows without Chinese (an ANSI code page:
    its Chinese already lost to '?', its curly quotes, dashes and accented letters single bytes that UTF-8 and
    GB18030 do not read), when its header holds the ``needed`` columns; else None. The answers a coder typed in
    Latin letters (theme names, option letters) survive it; the texts and words lost to '?' are said when the sheet
    is scored."""
    if b"\x00" in data:
        return None
    for code_page in ANSI_CODE_PAGES:
        try:
            text = data.decode(code_page)
        except UnicodeDecodeError:
            continue
        header = next(iter(text.lstrip("\ufeff").splitlines()), "")  # whatever ends it: a Mac's CSV ends lines with \r
        cells = next(csv.reader([header], delimiter=cell_separator(header, needed)), [])
        return text if set(needed) <= {cell.strip() for cell in cells} else None
    return None


def _read_run(run: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    # missing: not there at all (a FIFO, a folder or a broken link in its place is named by read_table)
    missing = [name for name in RUN_COLUMNS if not os.path.lexists(run / name)]
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
        raise ToolkitError(
            f"{run / 'unit_topics.csv'}: {shares[column]} of unit {unit_topics['unit_id'].iloc[row]} "
            f"is {unit_topics[shares[column]].iloc[row]!r}, not a number; {fix}"
        )
    return units, topics, themes, unit_topics.assign(**numbers)


def _words(cell: str) -> list[str]:
    from ..output.tables import topic_word_pairs

    return [word for word, _ in topic_word_pairs(cell)]


def allocate(sizes: np.ndarray, n: int, minimum: int = 5) -> tuple[np.ndarray, str]:
    """Units to draw from each stratum of ``sizes`` so that they total ``n``: at least ``minimum`` per stratum
    when ``n`` allows (``n`` // strata otherwise, at least one; all of a smaller stratum), the rest in
    proportion to the strata's sizes (D'Hondt's highest averages: deterministic, ties to the first stratum).
    When that cannot total ``n`` (fewer units than asked, or fewer asked than strata: one of each is drawn),
    the second value says why, else it is ''."""
    sizes = np.asarray(sizes, dtype=np.int64)
    k, total = len(sizes), int(sizes.sum())
    if n >= total:
        return sizes.copy(), (
            "" if n == total else f"{n} units asked, {total} written: the model was fitted to {total} units, all taken"
        )
    if n < k:
        return np.minimum(sizes, 1), (
            f"{n} units asked, {k} written: {k} strata (the model's dominant themes) need "
            "at least 1 each, so that every theme is coded"
        )
    alloc = np.minimum(sizes, max(1, min(minimum, n // k)))
    for _ in range(n - int(alloc.sum())):  # D'Hondt: each further unit to the stratum least served for its size
        priority = np.where(alloc < sizes, sizes / (alloc + 1), -1.0)
        alloc[int(np.argmax(priority))] += 1
    return alloc, ""


def _modelled(units: pd.DataFrame) -> pd.Series:
    """Which rows of units.csv the model was fitted to (``in_model``, as a spreadsheet may have saved it)."""
    return units["in_model"].astype(str).str.strip().str.lower().isin(["true", "1"])


def sample_units(units: pd.DataFrame, n: int, rng: np.random.Generator, minimum: int = 5) -> tuple[pd.DataFrame, str]:
    """A sample of ``n`` modelled units stratified by the model's dominant theme (``other`` included when it is
    the largest share): see :func:`allocate`; each unit with its sampling weight (stratum size over units drawn
    from it), so weighted scores estimate the whole corpus. The second value says why the sample is not ``n``
    units, when it is not."""
    modelled = units[_modelled(units)]
    if modelled.empty:
        raise ToolkitError(
            "the run has no unit the model was fitted to (no row of units.csv has in_model True); "
            "export from a run whose model was fitted"
        )
    modelled = modelled.assign(dominant_theme=modelled["dominant_theme"].fillna("other").astype(str).replace("", "other"))
    strata = modelled.groupby("dominant_theme", sort=True)
    sizes = strata.size()
    allocation, note = allocate(sizes.to_numpy(), n, minimum)
    parts = []
    for (theme, members), size in zip(strata, allocation):
        if size == 0:
            continue
        chosen = rng.choice(len(members), size=int(size), replace=False)
        parts.append(members.iloc[np.sort(chosen)].assign(stratum=theme, weight=len(members) / len(chosen)))
    return pd.concat(parts, ignore_index=True), note


TOPIC_TASKS = 50  # topic-intrusion tasks when none are asked for
# a unit takes a topic-intrusion task only when each of its three largest topics holds at least this share and the
# intruder, from its smallest half, less: a task whose "three that describe it" include a topic it does not hold has
# no right answer (263 of the State Council reports' 2,171 paragraphs have a third topic of share 0)
TOPIC_SHARE = 0.05


def export(
    run: str | Path,
    out: str | Path | None = None,
    *,
    n_units: int = 200,
    n_topic_tasks: int | None = None,
    random_state: int = 0,
) -> Path:
    """Write the coding sheets, their keys and a codebook for the run in ``run`` into ``out`` (default:
    ``<run>-validation``). ``n_topic_tasks``: topic-intrusion tasks (default :data:`TOPIC_TASKS`), each of a
    modelled unit that is not on the coding sheet and whose three largest topics are clear (:data:`TOPIC_SHARE`);
    fewer such units than asked is said."""
    for name, value, low in (("n_units", n_units, 1), ("n_topic_tasks", n_topic_tasks, 0), ("random_state", random_state, 0)):
        if value is None and name == "n_topic_tasks":
            continue
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ToolkitError(f"export: {name} must be a whole number of {low} or more, not {value!r}")
    run = getattr(run, "out_dir", run)  # a RunResult: the run's folder
    run = user_path(run, "export_coding_sheets: run").resolve()  # "." has no name to add "-validation" to
    utf8_path(run, "the run")  # validation.json names it (a traceback at its writing: an adversarial review)
    units, topics, themes, unit_topics = _read_run(run)
    out = user_path(out, "export_coding_sheets: out") if out is not None else run.with_name(run.name + "-validation")
    # before the sampling's warnings (output_folder checks again)
    inputs = {"the run": run, **_run_inputs(run)}
    atomic.check_output_location(out, inputs, kind="export")
    rng = np.random.default_rng(random_state)
    sample, note = sample_units(units, n_units, rng)
    if note:
        log.warning("validate export: %s", note)
    order = rng.permutation(len(sample))
    sample = sample.iloc[order].reset_index(drop=True)
    sample.insert(0, "item", np.arange(1, len(sample) + 1))
    sheet = pd.DataFrame({"item": sample["item"], "text": sample["text"], "theme": "", "note": ""})
    # the key keeps each item's text: a sheet of another export (or with rows moved) is refused when scored
    key = sample[["item", "unit_id", "doc_id", "year", "stratum", "weight", "dominant_theme", "keyword_theme", "text"]]
    key = key.rename(columns={"dominant_theme": "model_theme"})
    words_sheet, words_key = _word_intrusion(topics, rng)
    # a topic that drew fewer words than a task shows has none (topics.csv lists the words each topic drew)
    thin = [str(row.topic) for row in topics.itertuples() if len(_words(row.top_words)) < INTRUSION_WORDS]
    if thin:
        thin_note = (
            f"no word-intrusion task for topic(s) {', '.join(thin)}: each drew fewer than {INTRUSION_WORDS} words "
            "(topics.csv), nor is any of them a topic-intrusion task's intruder"
        )
        log.warning("validate export: %s", thin_note)
        note = f"{note}; {thin_note}" if note else thin_note
    tasks = TOPIC_TASKS if n_topic_tasks is None else n_topic_tasks
    # the topic tasks show a unit's topics: never a unit of the coding sheet, whose coders would see the model's view
    others = units[_modelled(units) & ~units["unit_id"].isin(sample["unit_id"])]
    topic_sheet, topic_key, topic_note = _topic_intrusion(
        others, topics, unit_topics, tasks, rng, asked=n_topic_tasks is not None
    )
    if topic_note:
        log.warning("validate export: %s", topic_note)
        note = f"{note}; {topic_note}" if note else topic_note
    with atomic.output_folder(out, inputs, kind="export") as work:
        atomic.write_text(
            work / CODEBOOK,
            _codebook(themes, len(sheet), len(words_sheet), len(topic_sheet), note, _words_used(run)),
        )
        for name, table in (
            (UNIT_SHEET, sheet),
            (UNIT_KEY, key),
            (WORD_SHEET, words_sheet),
            (WORD_KEY, words_key),
            (TOPIC_SHEET, topic_sheet),
            (TOPIC_KEY, topic_key),
        ):
            write_csv(work / name, table, bom=True)  # coders open these in Excel
        _same_sample_as_before(out, work)
        atomic.write_text(
            work / "validation.json",
            json.dumps(
                {
                    "run": str(run.resolve()),
                    # the population the sample was drawn from: a run whose units differ at scoring is another corpus
                    "run_units": len(units),
                    "run_units_sha256": units_digest(units),
                    # the model the intrusion sheets show: a run made again since scores its themes as they are now,
                    # while the sheets' words and topics stay the export's
                    "run_topics_sha256": _file_digest(run / "topics.csv"),
                    "n_units": len(sheet),
                    "n_units_asked": int(n_units),  # a numpy integer, which the checks take, is no JSON
                    "sample_note": note,
                    "random_state": int(random_state),
                    # the names a coder may write for a theme: its name, or its Chinese or English label
                    "themes": [
                        {"theme": str(r.theme), "label_zh": str(r.label_zh), "label_en": str(r.label_en)}
                        for r in themes.itertuples()
                        if r.theme != OTHER
                    ],
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
        )
    return Path(os.path.abspath(out))  # as a run's out_dir


def sheets_to_code(folder: Path) -> list[str]:
    """The sheets of the export in ``folder`` that hold a task (a topic sheet of no task, ``--topic-tasks 0`` or a
    corpus whose every unit is on the coding sheet, is no sheet to hand out)."""
    return [
        name
        for name in (UNIT_SHEET, WORD_SHEET, TOPIC_SHEET)
        if len(pd.read_csv(folder / name, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
    ]


def _run_inputs(run: Path) -> dict[str, Path]:
    """The inputs the run in ``run`` read, as its saved config names them (its texts, metadata, lexicon ...): an
    export is written into none of them, as a run is not (a hostile pass: an export went into corpus.texts); none
    when the config cannot be read (the run folder is checked all the same)."""
    from ..config import Config
    from ..text.preparation import protected_paths

    try:
        return protected_paths(Config.load(run / "config.toml"))
    except (ToolkitError, OSError):  # a config this release no longer loads: its paths as written, unchecked (the
        return _paths_as_written(run / "config.toml")  # export went unchecked into the texts: a review)


def _paths_as_written(config_file: Path) -> dict[str, Path]:
    """The files and folders a config file names, read as TOML without its other settings being checked (relative to
    its folder); none when it is no TOML at all."""
    import tomllib

    from ..config import schema
    from ..resources import read_regular

    try:
        data = tomllib.loads(read_regular(config_file).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        log.warning("validate export: %s cannot be read, so the export is not checked against the run's inputs", config_file)
        return {}
    named = {}
    for section, options in schema().items():
        table = data.get(section) if isinstance(data.get(section), dict) else {}
        for key in (k for k, option in options.items() if option.path and k in table):
            value = table[key]
            for i, written in enumerate(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v):
                if "\x00" in written:  # no path of any file (Path.resolve raised ValueError: a review)
                    continue
                name = f"{section}.{key}" + (f"[{i}]" if isinstance(value, list) else "")
                # as Config resolves them: a link loop stays as written (Path.resolve raised RuntimeError: a review)
                named[name] = Path(os.path.realpath(config_file.parent / os.path.expanduser(written)))
    if "cache.dir" not in named and (cache := _cache_folder()) is not None:  # as protected_paths names it (a review)
        named["the cache folder"] = cache
    elif "cache.dir" in named:
        named["the cache folder"] = named.pop("cache.dir")
    return named


def _cache_folder() -> Path | None:
    """The cache folder a config that names none has ($TOOLKIT_CACHE_DIR, else the default one)."""
    from ..config import Config
    from ..text.preparation import cache_root

    try:
        return cache_root(Config.load(None))
    except ToolkitError:
        return None


def _same_sample_as_before(out: Path, work: Path) -> None:
    """ToolkitError when ``out`` holds an earlier export whose keys differ from the new ones in ``work``: the sheets
    handed out from it (coders keep theirs in folders of their own, as the docs advise) would no longer score, and
    its keys were replaced in silence (a hostile pass of the hand-coding tools: a second export with another
    --units). The same sample exported again (after a run made again alike) replaces it."""
    if not any((out / name).is_file() for name in ("validation.json", UNIT_KEY, WORD_KEY, TOPIC_KEY)):
        return  # a key without validation.json is an earlier export too (a review: then replaced in silence)
    changed = [name for name in (UNIT_KEY, WORD_KEY, TOPIC_KEY) if not _same_file(out / name, work / name)]
    if changed:
        raise ToolkitError(
            f"{out} holds an earlier export of another sample ({', '.join(changed)} would change): the sheets handed "
            f"out from it would no longer score; export into another folder (--out), or remove {out} to replace it"
        )
    # the same keys: what score and agree wrote about its sheets holds for the new export's, and is kept (a second
    # export of the same sample, from a notebook, removed the agreement of two coders in silence: a hostile pass)
    reports = [out / SCORES, *out.glob(f"{Path(SCORES).stem}-*.md"), *out.glob("agreement-*.md")]
    for report in sorted(reports):
        if report.is_file() and not report.is_symlink() and not (work / report.name).exists():
            shutil.copy2(report, work / report.name)


def _same_file(earlier: Path, new: Path) -> bool:
    try:
        return earlier.read_bytes() == new.read_bytes()
    except OSError:
        return False


INTRUSION_WORDS = 5  # a word-intrusion task's words of its topic, and the fewest an intruding topic is shown by


def _word_intrusion(topics: pd.DataFrame, rng: np.random.Generator, n_words: int = INTRUSION_WORDS):
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
    words = [f"word_{i + 1}" for i in range(n_words + 1)]  # the columns, also of a sheet without a row
    return pd.DataFrame(sheet, columns=["item", *words, "intruder"]), pd.DataFrame(key, columns=["item", "topic", "intruder"])


def _topic_intrusion(
    units: pd.DataFrame, topics: pd.DataFrame, unit_topics: pd.DataFrame, n: int, rng: np.random.Generator, *, asked: bool
):
    """For ``n`` of ``units`` drawn at random among those whose three largest topics each hold at least
    :data:`TOPIC_SHARE`: the unit's three largest topics and one of its smallest half with less than that share (never
    one of the three), each shown by its top 8 words, in random order as options A-D; the coder names the one that
    does not belong. Items are numbered from 1, apart from the coding sheet's. The third value says why there are
    fewer than ``n`` tasks, when there are (and ``asked``: when the number was the user's, or there are none)."""
    described = {row.topic: " ".join(_words(row.top_words)[:8]) for row in topics.itertuples()}
    shares = unit_topics.set_index("unit_id")
    columns = [c for c in shares.columns if c.startswith("topic_")]
    note = ""
    if n and len(columns) < 4:
        return *_intrusion_tables([], []), f"no topic-intrusion task: the model has {len(columns)} topics, and a task needs 4"
    candidates = units[units["unit_id"].isin(shares.index)]
    values = shares.loc[candidates["unit_id"], columns].to_numpy(dtype=float)
    ordered = np.sort(values, axis=1)
    # three clear topics, and a topic below the threshold to be the intruder (the smallest is in the smallest half)
    eligible = np.flatnonzero((ordered[:, -3] >= TOPIC_SHARE) & (ordered[:, 0] < TOPIC_SHARE)) if len(values) else []

    def intruders(index: int) -> list[int]:
        """The topics that may intrude on unit ``index``: of its smallest half, below the threshold, and shown by
        :data:`INTRUSION_WORDS` words or more (one shown by fewer would be found by its length alone: a review)."""
        ranked = np.argsort(-values[index], kind="stable")
        pool = [(k, int(columns[k].split("_")[1])) for k in ranked[max(3, len(ranked) // 2) :]]
        return [t for k, t in pool if values[index, k] < TOPIC_SHARE and len(described[t].split()) >= INTRUSION_WORDS]

    eligible = np.array([index for index in eligible if intruders(index)], dtype=int)
    chosen = rng.permutation(eligible)[:n]
    if n and len(chosen) < n and (asked or not len(chosen)):
        note = (
            f"{n} topic-intrusion tasks asked, {len(chosen)} written: only {len(eligible)} modelled units off the coding "
            f"sheet have three topics of at least {TOPIC_SHARE:.0%} each and one below it shown by {INTRUSION_WORDS} words "
            "or more"
        )
    sheet, key = [], []
    for item, index in enumerate(sorted(chosen), start=1):
        row = candidates.iloc[index]
        ranked = np.argsort(-values[index], kind="stable")
        largest = [int(columns[k].split("_")[1]) for k in ranked[:3]]
        smallest = intruders(index)
        intruder = smallest[int(rng.integers(len(smallest)))]
        shown = [*largest, intruder]
        rng.shuffle(shown)
        letters = string.ascii_uppercase[: len(shown)]
        sheet.append(
            {"item": item, "text": row["text"], **{f"option_{x}": described[t] for x, t in zip(letters, shown)}, "intruder": ""}
        )
        key.append(
            {
                "item": item,
                "unit_id": row["unit_id"],
                "intruder": letters[shown.index(intruder)],
                **{f"option_{x}": t for x, t in zip(letters, shown)},
                "text": row["text"],
            }
        )
    return *_intrusion_tables(sheet, key), note


def _intrusion_tables(sheet: list, key: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    options = [f"option_{x}" for x in "ABCD"]  # the columns, also of a sheet without a row
    return (
        pd.DataFrame(sheet, columns=["item", "text", *options, "intruder"]),
        pd.DataFrame(key, columns=["item", "unit_id", "intruder", *options, "text"]),
    )


def _words_used(run: Path) -> set[str] | None:
    """The lexicon's words that the run's texts hold as words (coverage.csv: a count above 0; a word inside a longer
    one, 收入 in 低收入, is none), or None without coverage.csv."""
    if not os.path.lexists(run / "coverage.csv"):
        return None
    coverage = read_table(run / "coverage.csv", ("word", "count"), "export from the run's folder as the toolkit wrote it")
    return set(coverage.loc[pd.to_numeric(coverage["count"], errors="coerce") > 0, "word"].astype(str))


def _codebook(
    themes: pd.DataFrame, n_units: int, n_words: int, n_topics: int, note: str = "", used: set[str] | None = None
) -> str:
    """The codebook's text; ``used``: the lexicon's words the texts hold (:func:`_words_used`), which an exploratory
    model's themes take their example words from."""
    # the tasks that have items (an export of no topic-intrusion task, or a corpus too small for one, has none)
    described = [
        (
            UNIT_SHEET,
            n_units,
            f"`{UNIT_SHEET}` ({n_units} paragraphs): write in `theme` the one theme below that the paragraph is "
            "mainly about (most of its sentences deal with it), by its name or either label, or `other` (or `none`) "
            "when it is about none of them. Decide from the text alone; use `note` for doubts. Keep each row's "
            "`item` and `text` as they are. The paragraphs are shown as the run read them: normalised (traditional "
            "script in simplified, full-width letters and punctuation folded, boilerplate lines left out), so a "
            f"quotation for a paper comes from the source file (`{UNIT_KEY}` names each paragraph's document).",
        ),
        (
            WORD_SHEET,
            n_words,
            f"`{WORD_SHEET}` ({n_words} sets): each row shows six words; five belong together. Write the odd one out "
            "in `intruder`.",
        ),
        (
            TOPIC_SHEET,
            n_topics,
            f"`{TOPIC_SHEET}` ({n_topics} paragraphs): each paragraph comes with four word lists (options A-D); "
            "three describe the paragraph. Write the letter of the one that does not in `intruder`.",
        ),
    ]
    tasks = [text for _, n, text in described if n]
    empty = [name for name, n, _ in described if not n]
    lines = [
        "# Codebook",
        "",
        *([f"Sample: {note}.", ""] if note else []),
        f"{len(tasks)} task{'s' if len(tasks) > 1 else ''}. Work from the sheets only: they hold no model output. "
        "Keep the key files away from the coders.",
        "",
        *(f"{i}. {task}" for i, task in enumerate(tasks, 1)),
        *([f"({' and '.join(f'`{name}`' for name in empty)}: no item, nothing to code there.)"] if empty else []),
        "",
        "Then: `toolkit validate score <this folder>`.",
        "",
        "## Themes",
        "",
        "Each theme's labels, with words of its lexicon as examples. These are the model's own keywords: code by what "
        "the paragraph is about, not by whether one of them occurs in it (a coder who codes by the words agrees with "
        "the keyword scorer by construction). Before handing this out, replace the examples with definitions of your "
        "own where you can.",
        "",
    ]
    for row in themes.itertuples():
        if row.theme == OTHER:  # themes.csv's last row, on what no theme measures: the option below
            continue
        # the words the model kept for the theme; an exploratory model (LDA, NMF) keeps none: the lexicon's words that
        # occur in the texts, when any of them is in the corpus's vocabulary (keywords_lost lists those that never
        # occur too: 核酸检测 was an example in a corpus without it, a hostile pass)
        examples = str(row.keywords_kept).split()
        in_vocabulary = pd.to_numeric(getattr(row, "keywords_in_vocabulary", ""), errors="coerce")
        if not examples and in_vocabulary > 0 and hasattr(row, "keywords_lost"):
            examples = [word for word in str(row.keywords_lost).split() if used is None or word in used]
        lines.append(
            f"- `{row.theme}`: {row.label_zh} / {row.label_en}. Example words: "
            f"{' '.join(examples[:12]) or '(none in this corpus)'}"
        )
    lines += [f"- `{OTHER}`: none of the above.", ""]
    return "\n".join(lines)


# ----- scoring -------------------------------------------------------------------------------------------------

SCORES = "scores.md"


KEYS = (UNIT_KEY, WORD_KEY, TOPIC_KEY)


def _coded(path: Path, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coded rows of a sheet (blank rows and rows not coded yet left out), ``item`` as an integer, and all the
    sheet's rows of an item (blank rows left out), coded or not. An item coded twice is refused, and so is a row
    whose item is no item number, coded or not (a row broken by a line break in a cell, whose answer went with it),
    and a key file of the export (its answers are no coder's)."""
    if not path.exists():
        raise ToolkitError(f"{path} not found; pass a sheet the coder filled in, or the folder `toolkit validate export` wrote")
    if path.name in KEYS:
        raise ToolkitError(
            f"{path} is a key of the export (the answers the sheets are scored against), not a coded sheet; pass the "
            "sheet the coder filled in"
        )
    fix = f"keep the columns `item` and `{column}` of the sheet `toolkit validate export` wrote"
    table = read_table(path, ("item", column), fix, dtype=str)
    table = table.assign(**{c: table[c].str.strip() for c in ("item", column)})
    listed = pd.to_numeric(table["item"], errors="coerce")
    whole = listed.notna() & (listed % 1 == 0) & listed.between(1, 2**53)  # nor 99999999999999999999, nor -2**63
    coded = (table[column] != "").to_numpy()
    # a row not coded with an item cell that is no number was left out in silence: a cell's unquoted line break
    # carried a row's answer into a row of its own, and the row counted "not coded" (a hostile pass)
    bad = ~whole & (coded | (table["item"].fillna("") != "")).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ToolkitError(
            f"{path}: item {table['item'].iloc[row]!r} (row {sheet_row(table, table.index[row])}) is not an item "
            "number; keep the `item` column as exported (a line break in a cell without quotes starts a row)"
        )
    rows = table[whole].assign(item=listed[whole].astype(int))
    table = table[coded].assign(item=listed[coded].astype(int))
    twice = table[table["item"].duplicated(keep=False)]
    if len(twice):
        item = int(twice["item"].iloc[0])
        lines = ", ".join(str(sheet_row(table, i)) for i in twice.index[twice["item"] == item])
        raise ToolkitError(f"{path}: item {item} is coded more than once (rows {lines}); keep one row per item, as exported")
    return table, rows


def _uncoded(path: Path, coded: pd.DataFrame, rows: pd.DataFrame, name: str = "", scored: str = "the theme scores rest") -> str:
    """A note on the rows of the sheet at ``path`` (shown as ``name``, default its file name) not coded yet
    (``rows``: all its rows of an item): how many, and the items (up to ten), or ''. ``scored``: what rests on the
    coded rows (the agreement between coders, for :func:`agree`)."""
    listed = rows["item"].nunique()
    if len(coded) >= listed:
        return ""
    if not len(coded):  # as the intrusion sheets say it (a review: forty items listed of a sheet nobody coded)
        return f"{name or path.name}: not coded (none of {listed} rows)"
    blank = sorted(set(rows["item"]) - set(coded["item"]))
    items = ", ".join(str(i) for i in blank[:10]) + (" ..." if len(blank) > 10 else "")
    rest = (
        f"; {scored} on the {len(coded)} coded rows only (weighted by each stratum's coded rows, they estimate the "
        "corpus if the coded rows are a random part of their strata)"
        if len(coded)
        else ""
    )
    which = f"item{'s' if len(blank) > 1 else ''} {items}"
    return f"{name or path.name}: {listed - len(coded)} of {listed} rows not coded{rest}; not coded: {which}"


def _same_items(path: Path, coded: pd.DataFrame, rows: pd.DataFrame, key: pd.DataFrame, folder: Path, name: str = "") -> str:
    """ToolkitError when a row's text, coded or not (or, on the word sheet, a coded row's words) is not what was
    exported under its item (a sheet of another export, rows edited, or cells shifted: a row not coded whose text is
    a theme's name had lost its answer to another column); else a note naming exported items the sheet no longer
    has (deleted rows) or saying that it could not be checked, or '' (the sheet shown as ``name``, default its file
    name)."""
    name = name or path.name
    lost = 0
    if "text" in rows and "text" in key:
        exported = dict(zip(key["item"].astype(int), key["text"].astype(str)))
        for item, text in zip(rows["item"], rows["text"].fillna("").astype(str)):
            lost += _lost_characters(text)  # still compared: each '?' stands for one character (another export's
            # sheet saved as Windows-1252 was scored, with a note only)
            if item in exported and not _same_text(text, exported[item]):
                raise ToolkitError(
                    f"{path}: the text of item {item} is not the text exported as item {item} "
                    f"({text[:20]!r} ...): the sheet is not from the export in {folder}, or its texts were edited "
                    "or its cells shifted; score a sheet with the folder that holds its keys"
                )
    words = [c for c in coded.columns if c.startswith("word_")]
    if words and "intruder" in key:  # the word sheet: each row shows its key's intruder among its words
        intruders = dict(zip(key["item"].astype(int), key["intruder"].astype(str)))
        for _, row in coded.iterrows():
            shown = {str(row[c]).strip() for c in words}
            if _lost_characters(" ".join(shown) + " " + str(row.get("intruder", ""))):
                raise ToolkitError(
                    f"{path}: the words of item {row['item']} were lost to '?' (the sheet was saved in an encoding "
                    "without Chinese, such as Excel's CSV on a Windows set to another language): its answers cannot be "
                    'read; save the coded sheet as "CSV UTF-8" and score that'
                )
            if row["item"] in intruders and intruders[row["item"]].strip() not in shown:
                raise ToolkitError(
                    f"{path}: the words of item {row['item']} are not the words exported as item {row['item']}: "
                    f"the sheet is not from the export in {folder}, or its words were edited; score a sheet with "
                    "the folder that holds its keys"
                )
    notes = []
    if lost:
        notes.append(
            f"{name}: the texts of {lost} rows lost most of their characters to '?' (saved in an encoding "
            "without Chinese): they were checked against this export by their length and the characters left only"
        )
    if "text" in key and "text" not in coded:
        notes.append(f"{name} has no `text` column: whether it belongs to this export was not checked")
    missing = sorted(set(key["item"].astype(int)) - set(rows["item"]))
    if missing:
        shown_items = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
        notes.append(
            f"{name}: {len(missing)} of {len(key)} exported items are not in the sheet (items {shown_items}): "
            "deleted rows are not scored"
        )
    return "; ".join(notes)


LOST = 0.5  # a text more than half of whose characters a spreadsheet turned into '?' can no longer be checked


def _lost_characters(saved: str) -> bool:
    """Whether a spreadsheet's encoding lost most of ``saved`` (turned into '?': a sheet saved as ASCII or Latin-1)."""
    text = "".join(saved.split())
    return bool(text) and text.count("?") > LOST * len(text)


def _wild_equal(saved, exported, wild) -> bool:
    """Whether two sequences are equal where ``saved`` holds ``wild``, which stands for any one item."""
    return len(saved) == len(exported) and all(a == b or a == wild for a, b in zip(saved, exported))


def _utf16_units(text: str) -> list[bytes]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i : i + 2] for i in range(0, len(data), 2)]


def _same_text(saved: str, exported: str) -> bool:
    """Whether ``saved`` (a sheet's text, perhaps saved again by a spreadsheet) is the ``exported`` text: the same
    characters, whatever the spaces and line ends, where a '?' may stand for a character the sheet's encoding lacks,
    one per character (Python's codecs) or one per UTF-16 unit (Excel: '??' for 𠮷). Linear in the texts' length."""
    saved, exported = "".join(saved.split()), "".join(exported.split())
    if saved == exported or "?" not in saved:
        return saved == exported
    question = "?".encode("utf-16-le")
    return _wild_equal(saved, exported, "?") or _wild_equal(_utf16_units(saved), _utf16_units(exported), question)


def _check_answers(path: Path, answers: pd.DataFrame, key_name: str) -> None:
    """ToolkitError when a coded intruder is none of the options its row shows: a letter of the topic sheet's
    options (A-D), a word of the word sheet (either compared without case, full-width forms folded), or when the
    sheet shows no options at all (the key, or a sheet whose words were cut away: nothing a coder chose from)."""
    words = [c for c in answers.columns if c.startswith("word_")]
    letters = [c for c in answers.columns if c.startswith("option_")]
    shown = words if key_name == WORD_KEY else letters
    cells = answers[letters].astype(str).apply(lambda column: column.str.strip()) if letters else None
    numbers = cells is not None and cells.apply(lambda c: c.str.fullmatch(r"(topic\s*)?\d*(\.0)?")).to_numpy().all()
    if numbers or "unit_id" in answers.columns:
        shown = []  # topic numbers and the units' ids, as in the key: not the topics' words a coder chose from
    if not shown:
        columns = "word_1 ... word_6" if key_name == WORD_KEY else "option_A ... option_D, each a topic's words"
        raise ToolkitError(
            f"{path} shows no options ({columns}): it is not a coded sheet of `toolkit validate export` (the key "
            "holds the answers, not a coder's); pass the sheet the coder filled in"
        )
    for _, row in answers.iterrows():
        if words:
            options = [str(row[c]).strip() for c in words]
        else:  # the topic sheet: the letters of its options
            options = [c.removeprefix("option_") for c in letters if str(row[c]).strip()]
        if not any(options):
            raise ToolkitError(
                f"{path}: item {row['item']} shows no options to choose from: its words were cut away; keep the sheet as exported"
            )
        if answer_key(row["intruder"]) not in {answer_key(o) for o in options}:
            raise ToolkitError(
                f"{path}: the answer {row['intruder']!r} of item {row['item']} is none of its options "
                f"({', '.join(options)}); write the one that does not belong"
            )


def _file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes; '' when it cannot be read."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _intrusion_model_note(folder: Path) -> str:
    """A note when the run the sample was exported from has other topics now than at the export: its themes are
    scored as they are now, but the intrusion sheets show the export's topics, and their scores are of that model
    (one scores.md mixed two models without a word); '' otherwise, or for an export that did not record them."""
    try:
        record = json.loads(read_text_file(folder / "validation.json"))
        run, recorded = Path(record["run"]), record.get("run_topics_sha256", "")
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    if not recorded or not (run / "topics.csv").is_file() or _file_digest(run / "topics.csv") == recorded:
        return ""
    return (
        f"the run {shown_path(run)} has other topics than at the export (run again): the word- and topic-intrusion "
        "scores are of the model the sheets show, the export's, not of the run's model now"
    )


def units_digest(units: pd.DataFrame) -> str:
    """Hash of a run's units (each one's id and text, in order): the population a sample is drawn from."""
    import hashlib

    digest = hashlib.sha256()
    for unit_id, text in zip(units["unit_id"].astype(str), units["text"].fillna("").astype(str)):
        digest.update(f"{unit_id}\x1f{text}\x1e".encode())
    return digest.hexdigest()


def _as_the_run_is_now(folder: Path, key: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """``key`` (key_units.csv) with each item's model and keyword themes as the run it was exported from gives them
    now, and a note when they differ from the export's: a study that edits its lexicon and runs again into the same
    folder (notebook 06) scores the model it has, not the one it had at the export, whose themes the key kept (its
    scores were the old model's, without a word). The sample's weights stay right: they are the chances with which
    the export drew each unit. The run's units must be those of the sample (the same ids and texts), else a
    ToolkitError; a run no longer there is said, and the key's themes scored."""
    try:
        record = json.loads(read_text_file(folder / "validation.json"))
        run = Path(record["run"])
    except (OSError, ValueError, KeyError, TypeError):  # an export without its record of the run
        return key, ""
    if not (run / "units.csv").is_file():
        return key, (
            f"the run {shown_path(run)} that the sample was exported from is not there any more: scored the model's "
            f"and the keywords' themes as they were at the export ({UNIT_KEY})"
        )
    fix = f"score against the run the sample was exported from ({shown_path(run)}) as the toolkit wrote it"
    units = read_table(run / "units.csv", ("unit_id", "text", "dominant_theme", "keyword_theme"), fix, na_values=[""])
    now = units.drop_duplicates("unit_id")
    now = now.set_index(now["unit_id"].astype(str))
    ids = key["unit_id"].astype(str)
    held = ids.isin(now.index)
    same = held.to_numpy().copy()
    same[held.to_numpy()] = (
        now.loc[ids[held], "text"].fillna("").astype(str).to_numpy() == key.loc[held, "text"].fillna("").astype(str).to_numpy()
    )
    if not same.all():
        raise ToolkitError(
            f"the run {shown_path(run)} no longer holds the units of this sample ({int((~same).sum())} of {len(key)} "
            "items' units are gone or hold other text: it was run again on other texts or with other unit settings); "
            "export a new sample from it (toolkit validate export), or restore the run the sample was exported from"
        )
    recorded = record.get("run_units_sha256")  # an export before it was recorded: the sample's units alone checked
    if recorded and units_digest(units) != recorded:
        raise ToolkitError(
            f"the run {shown_path(run)} holds other units than when the sample was exported ({len(units)} now, "
            f"{record.get('run_units', '?')} then: documents added or removed, or cut into other units): the sample's "
            "weights are not those of this corpus; export a new sample from it (toolkit validate export), or restore "
            "the run the sample was exported from"
        )
    themes_now = {column: now.loc[ids, source].fillna("").astype(str).to_numpy() for column, source in
                  (("model_theme", "dominant_theme"), ("keyword_theme", "keyword_theme"))}  # fmt: skip
    changed = np.zeros(len(key), dtype=bool)
    for column, values in themes_now.items():
        changed |= key[column].fillna("").astype(str).to_numpy() != values
    if not changed.any():
        return key, ""
    return key.assign(**themes_now), (
        f"the run {shown_path(run)} was run again since the export: scored its themes as they are now "
        f"({int(changed.sum())} of {len(key)} items have another model or keyword theme than at the export)"
    )


# the columns of each key that scoring reads (export writes more): a key saved again without one was a KeyError's
# traceback, and a key's item written twice counted twice, in silence (a hostile pass of hand coding)
KEY_COLUMNS = {
    UNIT_KEY: ("item", "unit_id", "stratum", "weight", "model_theme", "keyword_theme", "text"),
    WORD_KEY: ("item", "topic", "intruder"),
    TOPIC_KEY: ("item", "unit_id", "intruder"),
}


def _key(folder: Path, name: str) -> pd.DataFrame:
    fix = f"the key files `toolkit validate export` wrote must stay in {folder} as written; export again if they are lost"
    key = read_table(folder / name, KEY_COLUMNS.get(name, ("item",)), fix)
    items = pd.to_numeric(key["item"], errors="coerce")
    bad = key.loc[items.isna() | (items != items.round()) | ~(items.abs() < 2**53), "item"]  # inf, 1e20 too
    if len(bad):
        raise ToolkitError(f"{folder / name}: item {str(bad.iloc[0])!r} is no whole number; {fix}")
    twice = items[items.duplicated()]
    if len(twice):
        raise ToolkitError(f"{folder / name}: item {int(twice.iloc[0])} is listed twice; {fix}")
    return key.assign(item=items.astype(int))


def _merged(coded: pd.DataFrame, key: pd.DataFrame, path: Path, key_name: str, **options) -> pd.DataFrame:
    unknown = sorted(set(coded["item"]) - set(key["item"]))
    if unknown:
        raise ToolkitError(
            f"{path}: item {unknown[0]} is not in {key_name}; keep the `item` column as exported (a sheet of another "
            "export is scored in that export's folder)"
        )
    return coded.merge(key, on="item", **options)


def _validation_folder(folder: Path) -> None:
    if not folder.is_dir():
        raise ToolkitError(f"{folder} is not a folder; pass the folder `toolkit validate export` wrote")
    if (folder / "validation.json").is_file() or (folder / UNIT_KEY).is_file():
        return
    if (folder / "units.csv").is_file() and (folder / "unit_topics.csv").is_file():
        raise ToolkitError(
            f"{folder} is a run folder; export the coding sheets first (toolkit validate export "
            f"{folder}), then score the folder it writes (by default {folder}-validation)"
        )
    raise ToolkitError(f"{folder} holds no coding sheets and keys; pass the folder `toolkit validate export` wrote")


def kappa(truth: np.ndarray, predicted: np.ndarray, n_labels: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Cohen's kappa of label codes ``truth`` and ``predicted`` (0 .. ``n_labels`` - 1), optionally weighted;
    both may carry a leading axis of replicates. NaN where chance agreement is 1 (one label throughout)."""
    truth, predicted = np.atleast_2d(truth), np.atleast_2d(predicted)
    weights = np.ones(truth.shape) if weights is None else np.broadcast_to(np.atleast_2d(weights), truth.shape)
    b = truth.shape[0]
    cells = (np.arange(b)[:, None] * n_labels * n_labels + truth * n_labels + predicted).ravel()
    confusion = np.bincount(cells, weights=weights.ravel(), minlength=b * n_labels * n_labels)
    confusion = confusion.reshape(b, n_labels, n_labels)
    total = confusion.sum(axis=(1, 2))
    observed = np.trace(confusion, axis1=1, axis2=2) / total
    chance = (confusion.sum(axis=2) * confusion.sum(axis=1)).sum(axis=1) / total**2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chance < 1 - 1e-12, (observed - chance) / (1 - chance), np.nan)


def agreement(
    truth: np.ndarray,
    predicted: np.ndarray,
    weights: np.ndarray,
    labels: list[str],
    *,
    n_boot: int = BOOTSTRAP,
    random_state: int = 0,
    level: float = 0.95,
) -> list[dict]:
    """Accuracy and Cohen's kappa of ``predicted`` against ``truth``, raw and weighted by ``weights`` (the
    sampling weights), each with an interval at ``level``: Wilson's for the accuracy (a share of units: weighted,
    over the weights' effective number of units, Kish's), a percentile interval from ``n_boot`` resamples of the
    coded units for kappa (seeded: the same answers give the same intervals). A bootstrap of accuracy had no
    spread when every coded unit agreed ([1.000, 1.000] from any number of units); a kappa whose resamples have
    none gets no interval (NaN)."""
    from statsmodels.stats.proportion import proportion_confint

    index = {label: i for i, label in enumerate(labels)}
    t = np.array([index[x] for x in truth])
    p = np.array([index[x] for x in predicted])
    rng = np.random.default_rng(random_state)
    draws = rng.integers(0, len(t), size=(n_boot, len(t)))
    rows = []
    for weighting, w in (("raw", np.ones(len(t))), ("weighted", np.asarray(weights, dtype=float))):
        accuracy = float(np.average(t == p, weights=w))
        n_units = float(w.sum() ** 2 / np.square(w).sum())  # Kish's effective number: len(t) when unweighted
        low, high = proportion_confint(accuracy * n_units, n_units, alpha=1 - level, method="wilson")
        rows.append({"measure": "accuracy", "weighting": weighting, "estimate": accuracy, "low": float(low), "high": float(high)})
        estimate = float(kappa(t, p, len(labels), w)[0])
        low, high = _percentile_interval(kappa(t[draws], p[draws], len(labels), w[draws]), level)
        rows.append({"measure": "kappa", "weighting": weighting, "estimate": estimate, "low": low, "high": high})
    return rows


def _percentile_interval(replicates: np.ndarray, level: float) -> tuple[float, float]:
    """The percentile interval at ``level`` of a kappa's bootstrap ``replicates`` (their finite values); NaN for
    both ends when they do not spread (every resample gives the same kappa)."""
    finite = replicates[np.isfinite(replicates)]
    if not len(finite) or np.ptp(finite) <= 1e-12:
        return np.nan, np.nan
    tail = (1 - level) / 2 * 100
    return float(np.percentile(finite, tail)), float(np.percentile(finite, 100 - tail))


def _answer(values: pd.Series) -> pd.Series:
    """Coders' and the keyword scorer's themes as the scores compare them: `none`, `None` and '' are `other`; a
    mark such as '-' or '_' stays what it is (no theme: refused where a coder wrote it)."""
    cleaned = values.fillna("").astype(str).str.strip()
    return cleaned.where(~((cleaned == "") | cleaned.map(answer_key).isin(OTHER_ANSWERS)), "other")


def score(
    folder: str | Path,
    *,
    units_file: str | Path | None = None,
    words_file: str | Path | None = None,
    topics_file: str | Path | None = None,
) -> dict[str, pd.DataFrame]:
    """Score the coded sheets in ``folder`` (or the given files) against their keys.

    Theme coding: accuracy and Cohen's kappa of the model's dominant theme and of the keyword baseline against
    the coders, raw (the coded units as they are) and weighted by the sampling weights (estimates for the
    whole corpus), each with a 95% interval from a bootstrap over the coded units (seeded by the export's
    seed: deterministic) (``agreement``); per theme, ``other`` included (a coder may write `other` or `none`),
    precision, recall and F1, raw and weighted, with their support (coded units of the theme) and the units
    the source gave the theme (``units``); the confusion of the model's theme with the coders' (``confusion``), and
    the sample's design (``sample``: :func:`_sample_design`); a note names a theme the run validates that the coders
    contradict (:func:`_contradicted`). Word and topic intrusion: the share of intruders found. Only coded
    rows are scored: a partial sheet is scored on its coded rows, and ``notes`` (printed as warnings and
    written to ``scores.md``) says how many rows were not coded and which sheets were not coded at all.
    Sheets saved again by a spreadsheet are read as UTF-8 or GBK/GB18030. The scores are written to
    ``scores.md`` in ``folder`` (``scores-<sheet>.md`` for a sheet of another name: a second coder's), never over
    a file the toolkit did not write; they name the sheets scored."""
    from sklearn.metrics import precision_recall_fscore_support

    folder = user_path(folder, "score_coding_sheets: folder")
    units_file = user_path(units_file, "score_coding_sheets: units_file") if units_file else None
    words_file = user_path(words_file, "score_coding_sheets: words_file") if words_file else None
    topics_file = user_path(topics_file, "score_coding_sheets: topics_file") if topics_file else None
    _validation_folder(folder)
    written = scores_file(folder, units_file, words_file, topics_file)
    atomic.check_own_file(written)
    random_state = _export_seed(folder)
    path = Path(units_file) if units_file else folder / UNIT_SHEET
    names = _theme_names(folder)
    tables: dict[str, pd.DataFrame] = {}
    notes = []
    key = _key(folder, UNIT_KEY) if (folder / UNIT_KEY).is_file() else None  # read once; a lost key is said below
    # a study that coded the intrusion tasks only, and deleted the theme sheet (as one may delete those): said
    intrusion = [Path(f) if f else folder / sheet for f, sheet in ((words_file, WORD_SHEET), (topics_file, TOPIC_SHEET))]
    if not units_file and not os.path.lexists(path) and any(os.path.lexists(sheet) for sheet in intrusion):
        coded = listed = pd.DataFrame({"item": pd.Series(dtype=int), "theme": pd.Series(dtype=str)})
        notes.append(f"{UNIT_SHEET}: not in {shown_path(folder)} (not returned): no theme scores")
    else:
        coded, listed = _coded(path, "theme")
        if key is not None:
            notes.append(_same_items(path, coded, listed, key, folder))
        notes.append(_uncoded(path, coded, listed))
    if len(coded):
        key = key if key is not None else _key(folder, UNIT_KEY)  # refuses: the key is lost
        key, run_note = _as_the_run_is_now(folder, key)
        notes.append(run_note)
        # in item order: a sheet sorted in a spreadsheet gives the same bootstrap intervals
        merged = _merged(coded[["item", "theme"]], key, path, UNIT_KEY).sort_values("item", kind="stable")
        lines = {item: sheet_row(coded, i) for item, i in zip(coded["item"], coded.index)}
        merged["theme"] = _themes_coded(merged, names, folder, path, lines)
        truth = merged["theme"].to_numpy()
        weights, uncovered = _coded_weights(merged, key)
        if uncovered:
            notes.append(uncovered)
        sources = {
            source: _answer(merged[column]).to_numpy()
            for source, column in (("model", "model_theme"), ("keywords", "keyword_theme"))
        }
        labels = sorted(set(truth) | set(sources["model"]) | set(sources["keywords"]))
        rows, overall = [], []
        for source, predicted in sources.items():
            raw = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=np.nan)
            weighted = precision_recall_fscore_support(
                truth, predicted, labels=labels, sample_weight=weights, zero_division=np.nan
            )
            for i, label in enumerate(labels):
                rows.append(
                    {
                        "source": source,
                        "theme": label,
                        "precision": raw[0][i],
                        "recall": raw[1][i],
                        "f1": raw[2][i],
                        "support": int(raw[3][i]),
                        "predicted": int((predicted == label).sum()),
                        "weighted_precision": weighted[0][i],
                        "weighted_recall": weighted[1][i],
                        "weighted_f1": weighted[2][i],
                        "weighted_support": float(weighted[3][i]),
                    }
                )
            for row in agreement(truth, predicted, weights, labels, random_state=random_state):
                overall.append({"source": source, **row, "coded_units": len(truth)})
        tables["units"] = pd.DataFrame(rows)
        tables["agreement"] = pd.DataFrame(overall)
        tables["sample"] = _sample_design(folder, key, merged, weights)
        tables["confusion"] = pd.crosstab(pd.Series(truth, name="coded"), pd.Series(sources["model"], name="model")).reindex(
            index=labels, columns=labels, fill_value=0
        )
        notes.append(_contradicted(tables["units"], _validated_themes(folder)))
    intrusion_notes = len(notes)
    for name, sheet, key_name, file in (
        ("word_intrusion", WORD_SHEET, WORD_KEY, words_file),
        ("topic_intrusion", TOPIC_SHEET, TOPIC_KEY, topics_file),
    ):
        if not file and not os.path.lexists(folder / sheet):  # a study that coded themes only, and deleted it
            notes.append(f"{sheet}: not in {shown_path(folder)} (not returned): no {name.replace('_', ' ')} scores")
            continue
        found = _intruders_found(folder, Path(file) if file else folder / sheet, key_name, notes)
        if found is not None:
            tables[name] = found
    if "word_intrusion" in tables or "topic_intrusion" in tables:
        notes.insert(intrusion_notes, _intrusion_model_note(folder))
    if not tables:
        if not os.path.lexists(path):  # a study of the intrusion tasks only, its theme sheet deleted: those sheets'
            raise ToolkitError(
                f"no coded answer in the intruder sheets of {shown_path(folder)} ({path.name} is not there): fill "
                "their intruder columns first"
            )
        lacking = len(set(key["item"].astype(int)) - set(listed["item"])) if key is not None else 0
        raise ToolkitError(
            f"no coded answer in {shown_path(path)}"
            + (f" ({lacking} of {len(key)} exported items are not in the sheet)" if lacking else "")
            + " nor in the intruder sheets: fill the `theme` column (or the intruder columns) first"
        )
    notes = [note for note in notes if note]
    for note in notes:
        log.warning("validate score: %s", note)
    tables["notes"] = pd.DataFrame({"note": notes}, dtype=object)
    sheets = [path, *(Path(f) if f else folder / s for f, s in ((words_file, WORD_SHEET), (topics_file, TOPIC_SHEET)))]
    sheets = [sheet for sheet in sheets if os.path.lexists(sheet)]
    tables["sheets"] = pd.DataFrame({"sheet": [shown_path(p) for p in sheets]}, dtype=object)
    atomic.write_own_file(written, format_scores(tables))
    return tables


def _sample_design(folder: Path, key: pd.DataFrame, merged: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Per stratum (the model's dominant theme at the export): its units in the run, those drawn, those coded, and
    the weight of a coded unit in the weighted scores; ``attrs`` holds what scores.md says of the design beside
    it (the run, its modelled units, the export's seed, Kish's effective number of coded units). What a paper
    reports of a validation sample, which scores.md had left in validation.json and key_units.csv (a reviewer's
    reading of a hostile pass)."""
    weight = pd.to_numeric(key["weight"], errors="coerce")
    size = weight.groupby(key["stratum"]).sum().round().astype(int)
    drawn = key.groupby("stratum").size()
    coded = merged.groupby("stratum").size()
    table = pd.DataFrame({"units": size, "drawn": drawn}).assign(coded=coded).fillna({"coded": 0})
    table["coded"] = table["coded"].astype(int)
    table["weight"] = table["units"] / table["coded"].where(table["coded"] > 0)
    table = table.rename_axis("stratum").reset_index()
    try:
        record = json.loads(read_text_file(folder / "validation.json"))
    except (OSError, ValueError):
        record = {}
    record = record if isinstance(record, dict) else {}
    table.attrs.update(
        run=str(record.get("run", "")),
        seed=_export_seed(folder),
        effective=float(weights.sum() ** 2 / (weights**2).sum()) if len(weights) else float("nan"),
    )
    return table


def _validated_themes(folder: Path) -> list[str]:
    """The themes that the run the sample was exported from validates, as its themes.csv is now (what a study
    reports); none when the run or its table is not there or does not read."""
    try:
        run = Path(json.loads(read_text_file(folder / "validation.json"))["run"])
        themes = pd.read_csv(run / "themes.csv", usecols=["theme", "validated"], dtype=str, keep_default_na=False)
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return themes.loc[themes["validated"].str.strip().str.lower() == "true", "theme"].tolist()


def _contradicted(units: pd.DataFrame, validated: list[str]) -> str:
    """A note naming the validated themes the coders contradict: the model's precision or recall for the theme
    (raw, over the coded units) has a 95% Wilson interval wholly below one half, so that most of the units the
    model gives it are coded as something else, or most of the units coded as it the model gives another theme.
    Its checks without hand coding (themes.csv) cannot see that its keywords name another subject than the one
    coded (docs/validation.md); '' when no validated theme is so contradicted."""
    from statsmodels.stats.proportion import proportion_confint

    said = []
    model = units[units["source"] == "model"].set_index("theme")
    for theme in (t for t in validated if t in model.index):
        row = model.loc[theme]
        for measure, n, of in (
            ("precision", int(row["predicted"]), "of the {n} coded units the model gave it, {k} are coded as it"),
            ("recall", int(row["support"]), "of the {n} units coded as it, the model gave it {k}"),
        ):
            if n == 0:
                continue
            k = int(round(row[measure] * n))
            low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
            if high < 0.5:
                said.append(f"{theme}: {of.format(n=n, k=k)} ({measure} {k / n:.2f}, 95% interval {low:.2f} to {high:.2f})")
    if not said:
        return ""
    return (
        "the coders contradict theme(s) the run validates (themes.csv), beyond the sampling error of the coded units; "
        "its share measures the words of its keywords, not what the coders read as it: " + "; ".join(said)
    )


def _themes_coded(
    coded: pd.DataFrame, names: dict[str, str], folder: Path, path: Path, lines: dict[int, int] | None = None
) -> list[str]:
    """The themes a coder wrote in ``coded`` (items and themes of the sheet at ``path``) as the codebook names them:
    'Ecology', 'ＥＣＯＬＯＧＹ' and the theme's labels (生态环境, Ecology and environment) are `ecology`, `none` and
    其他 are `other`; an answer that is no theme is refused, naming the sheet's path and each item with its line in
    the sheet (``lines``: item -> line; default: from ``coded``'s index, the sheet's rows as :func:`_coded` read
    them). It had named the sheet's file name alone: two coders' coding_sheet.csv were told apart by nothing, and
    a sorted sheet's item is not its row (a hostile pass)."""
    allowed = {*names.values(), OTHER}
    by_plain = {**{answer_key(a): t for a, t in names.items()}, **{answer_key(n): n for n in allowed}}  # a name wins
    themes = [by_plain.get(answer_key(value), value) for value in _answer(coded["theme"])]
    unknown = [(item, theme) for item, theme in zip(coded["item"], themes) if theme not in allowed]
    if unknown:
        lines = lines if lines is not None else {int(i): sheet_row(coded, r) for i, r in zip(coded["item"], coded.index)}
        cells = "; ".join(
            f"item {item}{f' (row {lines[item]})' if item in lines else ''}: {theme!r}" for item, theme in unknown[:5]
        )
        lost = [item for item, theme in unknown if len(str(theme).strip()) > 1 and _lost_characters(str(theme))]
        if len(lost) > 1:  # answers lost to '?' in several rows: the encoding, not one coder's '??'  # 生态环境: '????'
            raise ToolkitError(
                f"{path}: the coded themes of items {lost[0]} and {lost[1]} were lost to '?' (the sheet was saved in an "
                "encoding without Chinese, such as Excel's CSV on a Windows set to another language): its answers "
                'cannot be read; save the coded sheet as "CSV UTF-8" and score that'
            )
        several = any(re.search(r"[;；,，、/]", str(theme)) and str(theme).strip().upper() != "N/A" for _, theme in unknown)
        raise ToolkitError(
            f"{len(unknown)} coded theme(s) of {shown_path(path)} not in the codebook ({cells}"
            f"{' ...' if len(unknown) > 5 else ''}); use the theme names of {folder / CODEBOOK} or 'other'"
            + (", one theme per row (the one most of the paragraph is about)" if several else "")
        )
    return themes


def agree(folder: str | Path, first: str | Path, second: str | Path, *others: str | Path) -> pd.DataFrame:
    """Agreement between coders' theme sheets of the export in ``folder``: of each pair, on the items both coded,
    accuracy (the share of items given the same theme) and Cohen's kappa, raw and weighted by the sampling weights,
    each with a 95% interval (Wilson's for accuracy, a bootstrap over the units for kappa: :func:`agreement`, seeded
    by the export's seed); of three coders or more (``others``), also Fleiss' kappa (statsmodels) over the items
    every coder coded, raw, with a bootstrap interval over those items. The inter-coder reliability a reviewer asks
    for beside the model's agreement with each coder; written to ``agreement-<first>-<second>[-<other>...].md``."""
    folder = user_path(folder, "coder_agreement: folder")
    _validation_folder(folder)
    paths = [user_path(first, "coder_agreement: first"), user_path(second, "coder_agreement: second")]
    paths += [user_path(other, "coder_agreement: others") for other in others]
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            if a.exists() and b.exists() and os.path.samefile(a, b):  # a path, a link or a hard link
                again = "two coders' sheets" if len(paths) == 2 else "each coder's sheet once"
                raise ToolkitError(f"{a} and {b} are the same sheet; pass {again}")
    written = folder / f"agreement-{'-'.join(sheet_tag(p, 60 if len(paths) == 2 else 40) for p in paths)}.md"
    atomic.check_own_file(written)
    names, key = _theme_names(folder), _key(folder, UNIT_KEY)
    # the sheets' paths where two names are the same (coder_a/coding_sheet.csv, coder_b/coding_sheet.csv)
    by_path = len({p.name for p in paths}) < len(paths)
    sheets, read, notes = [], [], []
    for path in paths:
        coded, listed = _coded(path, "theme")
        _merged(coded[["item"]], key, path, UNIT_KEY)  # an item the export does not have is refused
        name = shown_path(path) if by_path else path.name
        notes += [_same_items(path, coded, listed, key, folder, name), _uncoded(path, coded, listed, name, "the agreement rests")]
        themes = _themes_coded(coded, names, folder, path)
        sheets.append(coded[["item"]].assign(theme=themes))
        # the themes as scored: a copy whose themes were written in capitals or as labels is the same copy (a hostile
        # pass: agreement 1.000 unsaid)
        read.append(coded.assign(theme=themes).sort_values("item", kind="stable").reset_index(drop=True).sort_index(axis=1))
    tables = []
    for i, j in itertools.combinations(range(len(paths)), 2):
        notes.append(_copied(paths[i], paths[j], read[i], read[j]))
        both = sheets[i].merge(sheets[j], on="item", suffixes=("_first", "_second")).merge(key[["item", "stratum"]], on="item")
        if not len(both):
            raise ToolkitError(f"{paths[i].name} and {paths[j].name} have no coded item in common: nothing to compare")
        both = both.sort_values("item", kind="stable")
        # as score weighs a partial sheet
        weights, uncovered = _coded_weights(
            both, key, "the weighted agreement and kappa" + (f" of {paths[i].name} and {paths[j].name}" if len(paths) > 2 else "")
        )
        notes.append(uncovered)
        labels = sorted(set(both["theme_first"]) | set(both["theme_second"]))
        rows = agreement(
            both["theme_first"].to_numpy(), both["theme_second"].to_numpy(), weights, labels, random_state=_export_seed(folder)
        )
        tables.append(pd.DataFrame(rows).assign(first=shown_path(paths[i]), second=shown_path(paths[j]), coded_units=len(both)))
    if len(paths) > 2:
        tables.append(_fleiss(sheets, _export_seed(folder)))
    notes = [note for note in notes if note]
    for note in notes:
        log.warning("validate agree: %s", note)
    table = pd.concat(tables, ignore_index=True)
    table.attrs["notes"] = notes  # written with the figures they qualify, not on stderr alone (a hostile pass)
    table.attrs["sheets"] = [shown_path(p) for p in paths]
    atomic.write_own_file(written, format_agreement(table))
    return table


def _copied(first: Path, second: Path, a: pd.DataFrame, b: pd.DataFrame) -> str:
    """A note when two coders' sheets (as read, themes as scored) hold the same cells: a copy of one coder's sheet
    (the wrong file sent on) gave agreement 1.000, kappa 1.000, in silence (a hostile pass), also when the copy was
    saved again (Excel's byte-order mark, other line ends, rows in another order: a review; a column added, such as
    the coder's name: the columns both sheets have are compared, a later pass); said, not refused: two coders who
    agree on every item and write no note fill in the same cells. '' otherwise."""
    shared = [column for column in a.columns if column in b.columns]
    if not a[shared].equals(b[shared]):
        return ""
    fewer = len(shared) < max(len(a.columns), len(b.columns))
    return (
        f"{shown_path(first)} and {shown_path(second)} hold the same cells"
        + (f" (of the columns both have: {', '.join(shared)})" if fewer else "")
        + ": a copy of one coder's sheet? Their agreement is then no agreement between two coders"
    )


def _fleiss(sheets: list[pd.DataFrame], random_state: int, n_boot: int = BOOTSTRAP, level: float = 0.95) -> pd.DataFrame:
    """Fleiss' kappa of the coders' ``sheets`` (item, theme) over the items every coder coded (statsmodels'
    ``fleiss_kappa`` of the items x themes table of counts), raw, with a percentile interval from ``n_boot``
    resamples of those items (seeded: the same sheets give the same interval; none when the resamples do not
    spread, as :func:`agreement`'s kappa)."""
    from statsmodels.stats.inter_rater import fleiss_kappa

    every = sheets[0][["item"]]
    for sheet in sheets[1:]:
        every = every.merge(sheet[["item"]], on="item")
    items = sorted(set(every["item"]))
    if not items:
        raise ToolkitError(f"no item is coded on all {len(sheets)} sheets: Fleiss' kappa has nothing to compare")
    labels = sorted({theme for sheet in sheets for theme in sheet["theme"]})
    counts = np.zeros((len(items), len(labels)))
    row, column = {item: i for i, item in enumerate(items)}, {label: j for j, label in enumerate(labels)}
    for sheet in sheets:
        for item, theme in zip(sheet["item"], sheet["theme"]):
            if item in row:
                counts[row[item], column[theme]] += 1

    def fleiss(table: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(fleiss_kappa(table, method="fleiss"))

    estimate = fleiss(counts)
    rng = np.random.default_rng(random_state)
    replicates = np.array([fleiss(counts[rng.integers(0, len(items), len(items))]) for _ in range(n_boot)])
    low, high = _percentile_interval(replicates, level)
    return pd.DataFrame(
        [
            {
                "measure": "fleiss_kappa",
                "weighting": "raw",
                "estimate": estimate,
                "low": low,
                "high": high,
                "first": f"all {len(sheets)} sheets",
                "second": "",
                "coded_units": len(items),
            }
        ]
    )


def format_agreement(table: pd.DataFrame) -> str:
    """:func:`agree`'s table as the Markdown it writes and the CLI prints."""
    notes = table.attrs.get("notes", [])
    pairs = table[table["measure"] != "fleiss_kappa"]
    lines = ["# Agreement between coders", "", *(["Notes:", "", *[f"- {note}" for note in notes], ""] if notes else [])]
    caveat = " (but for what the notes above say)" if notes else ""
    fleiss = table[table["measure"] == "fleiss_kappa"]
    if len(fleiss):
        sheets = table.attrs.get("sheets") or sorted({*pairs["first"], *pairs["second"]})
        row = fleiss.iloc[0]
        lines += [
            f"{len(sheets)} coders' sheets ({', '.join(f'`{s}`' for s in sheets)}): Fleiss' kappa over the "
            f"{int(row['coded_units'])} items every coder coded, {_estimate(row['estimate'], row['low'], row['high'])} "
            f"(raw, with a 95% percentile interval from {BOOTSTRAP:,} bootstrap resamples of those items).",
            "",
            f"Each pair on the items both coded, with 95% intervals ({INTERVALS}). Raw: the items as they are; "
            f"weighted: by the sampling weights, an estimate for the whole corpus{caveat}.",
            "",
        ]
    for (first, second), rows_of in pairs.groupby(["first", "second"], sort=False):
        n = int(rows_of["coded_units"].iloc[0])
        if len(fleiss):
            lines.append(f"`{first}` and `{second}`, {n} items:")
        else:
            lines += [
                f"`{first}` and `{second}` on the {n} items both coded, with 95% intervals ({INTERVALS}). Raw: the "
                f"items as they are; weighted: by the sampling weights, an estimate for the whole corpus{caveat}.",
                "",
            ]
        for weighting, rows in rows_of.groupby("weighting", sort=False):
            cells = {r.measure: _estimate(r.estimate, r.low, r.high) for r in rows.itertuples()}
            lines.append(f"- {weighting}: agreement {cells['accuracy']}, Cohen's kappa {cells['kappa']}")
        if len(fleiss):
            lines.append("")
    note = _kappa_note(pairs)
    return "\n".join([*lines, *([note] if note else [])]).rstrip("\n") + "\n"


def _export_seed(folder: Path) -> int:
    """The seed the export in ``folder`` was made with (validation.json), which seeds the bootstrap too."""
    try:
        return int(json.loads(read_text_file(folder / "validation.json")).get("random_state", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0


def _coded_weights(merged: pd.DataFrame, key: pd.DataFrame, scored: str = "the weighted scores") -> tuple[np.ndarray, str]:
    """The coded units' weights for the corpus estimates: each stratum's units in the corpus over the units of it
    that were coded (the export's weight is over the units drawn: on a partial sheet a stratum with half its units
    coded counted for half of its size), and which strata no coded unit stands for (said: the weighted scores leave
    them out)."""
    key = key.assign(weight=pd.to_numeric(key["weight"], errors="coerce"))
    if not (key["weight"] > 0).any():
        raise ToolkitError(
            f"{UNIT_KEY} has no positive weight (its `weight` column was edited?): the weighted scores cannot be "
            "computed; export again"
        )
    # a weight the export never writes (each is its stratum's units over those drawn: finite, 1 or more): one edited
    # to inf was a traceback, to 1e300 a population of -9e18 units, to nan or -3 a smaller population unsaid (a review)
    odd = key[~(np.isfinite(key["weight"]) & (key["weight"] >= 1) & (key["weight"] < 2**53))]
    if len(odd):
        raise ToolkitError(
            f"{UNIT_KEY}: item {odd['item'].iloc[0]} has the weight {float(odd['weight'].iloc[0])}, which the export never "
            "writes (a stratum's units over the units drawn from it: a finite number of 1 or more); its `weight` "
            "column was edited? Export again"
        )
    size = key.groupby("stratum")["weight"].sum()  # the stratum's modelled units
    coded = merged.groupby("stratum").size()
    weights = (merged["stratum"].map(size) / merged["stratum"].map(coded)).to_numpy(dtype=float)
    missing = [str(stratum) for stratum in size.index if stratum not in coded.index]
    if not missing:
        return weights, ""
    share = size[missing].sum() / size.sum()
    return weights, (
        f"no coded unit of the stratum {', '.join(missing)} ({share:.1%} of the corpus): {scored} stand for the rest of it only"
    )


def scores_file(
    folder: Path, units_file: str | Path | None, words_file: str | Path | None = None, topics_file: str | Path | None = None
) -> Path:
    """Where ``score`` writes: ``scores.md``, or ``scores-<sheet>.md`` for another sheet than the folder's own (a
    second coder's theme or intrusion sheet: each coder's scores are kept, and named; :func:`sheet_tag`; a second
    coder's word sheet rewrote the first's scores.md, a hostile pass), ``scores-<sheet>-<sheet>.md`` for two."""
    given = [
        path
        for path, own in ((units_file, UNIT_SHEET), (words_file, WORD_SHEET), (topics_file, TOPIC_SHEET))
        if path is not None and Path(path).resolve() != (folder / own).resolve()
    ]
    if not given:
        return folder / SCORES
    return folder / f"{Path(SCORES).stem}-{'-'.join(sheet_tag(path, 60 if len(given) == 1 else 40) for path in given)}.md"


def sheet_tag(path: str | Path, most_bytes: int = 60) -> str:
    """A sheet's name in the files written about it: its file name without the suffix, cut to ``most_bytes`` bytes
    of UTF-8 (two such names and the rest fit a file name), and eight hex digits of its absolute path's SHA-256.
    Coders return sheets under the name they were given (coder_a/coding_sheet.csv, coder_b/coding_sheet.csv):
    the name alone made one coder's scores replace the other's."""
    import hashlib

    path = Path(path)
    # without control and invisible characters (an escape sequence in a sheet's name was in the report's file name)
    visible = "".join(c for c in path.stem if unicodedata.category(c) not in ("Cc", "Cf"))
    stem = os.fsencode(visible)[:most_bytes].decode("utf-8", errors="ignore")  # a name's bytes that are no UTF-8 too
    digest = hashlib.sha256(os.fsencode(path.resolve())).hexdigest()[:8]
    return f"{stem}-{digest}"


def shown_path(path: str | Path) -> str:
    """``path`` as the scores name it: its bytes that are no UTF-8 (a name written on another system) shown as �."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _intruders_found(folder: Path, path: Path, key_name: str, notes: list[str]) -> pd.DataFrame | None:
    """Per topic (word intrusion) or item (topic intrusion): the share of coded intruders that are the key's; None
    when the sheet at ``path`` has no coded row. What was not coded or is missing goes to ``notes``."""
    answers, listed = _coded(path, "intruder")
    n_rows = listed["item"].nunique()
    key = _key(folder, key_name) if (folder / key_name).is_file() else None  # read once; a lost key is said below
    if key is not None:
        notes.append(_same_items(path, answers, listed, key, folder))
    if n_rows and not len(answers):
        notes.append(f"{path.name}: not coded (none of {n_rows} rows)")
    elif len(answers) < n_rows:
        notes.append(f"{path.name}: {n_rows - len(answers)} of {n_rows} rows not coded; scored on the {len(answers)} coded")
    if not len(answers):
        return None
    _check_answers(path, answers, key_name)
    key = key if key is not None else _key(folder, key_name)  # refuses: the key is lost
    merged = _merged(answers[["item", "intruder"]], key, path, key_name, suffixes=("_coded", ""))
    merged["correct"] = merged["intruder_coded"].map(answer_key) == merged["intruder"].astype(str).map(answer_key)
    group = "topic" if key_name == WORD_KEY else "item"
    return merged.groupby(group)["correct"].mean().reset_index().rename(columns={"correct": "precision"})


def _theme_names(folder: Path) -> dict[str, str]:
    """What a coder may write for each theme, lowercased, to the theme: its name and its Chinese and English
    labels (from validation.json; an older export's codebook gives the names only)."""
    try:
        themes = json.loads(read_text_file(folder / "validation.json"))["themes"]
        claims: dict[str, set[str]] = {}
        for t in themes:
            for alias in (t["label_zh"], t["label_en"]):
                if str(alias).strip():
                    claims.setdefault(str(alias).strip().lower(), set()).add(str(t["theme"]))
        # a label two themes share means neither, and a theme's name or other/none is never another's label
        names = {alias: next(iter(owners)) for alias, owners in claims.items() if len(owners) == 1}
        names.update({str(t["theme"]).lower(): str(t["theme"]) for t in themes})
        return {alias: theme for alias, theme in names.items() if alias not in OTHER_ANSWERS}
    except (OSError, ValueError, KeyError, TypeError):
        text = (folder / CODEBOOK).read_text(encoding="utf-8") if (folder / CODEBOOK).is_file() else ""
        return {name.lower(): name for name in (line.split("`")[1] for line in text.splitlines() if line.startswith("- `"))}


def format_scores(tables: dict[str, pd.DataFrame]) -> str:
    lines = ["# Validation scores", ""]
    sheets = tables.get("sheets")
    if sheets is not None and len(sheets):
        lines += ["Sheets scored: " + ", ".join(f"`{sheet}`" for sheet in sheets["sheet"]), ""]
    notes = tables.get("notes")
    if notes is not None and len(notes):
        lines += ["Notes:", "", *[f"- {note}" for note in notes["note"]], ""]
    overall = tables.get("agreement")
    if overall is not None:
        n = int(overall["coded_units"].iloc[0])
        lines += [
            f"Agreement with the coders on {n} coded units, with 95% intervals ({INTERVALS}). Raw: the coded units "
            "as they are; weighted: by the sampling weights, an estimate for the whole corpus.",
            "",
        ]
        for source in ("model", "keywords"):
            for weighting in ("raw", "weighted"):
                rows = overall[(overall["source"] == source) & (overall["weighting"] == weighting)].set_index("measure")
                cells = [
                    f"{label} {_estimate(rows.loc[m, 'estimate'], rows.loc[m, 'low'], rows.loc[m, 'high'])}"
                    for m, label in (("accuracy", "accuracy"), ("kappa", "Cohen's kappa"))
                ]
                lines.append(f"- {source}, {weighting}: " + ", ".join(cells))
        note = _kappa_note(overall)
        lines += [note] if note else []
    lines += _design_lines(tables.get("sample"))
    units = tables.get("units")
    if units is not None:
        for prefix, title in (("", "Per theme, raw"), ("weighted_", "Per theme, weighted by the sampling weights")):
            lines += [
                "",
                f"{title} (support: coded units of the theme; given: units the model or the keywords gave it):",
                "",
                "| theme | support | model given | model P | model R | model F1 | keywords given | "
                "keywords P | keywords R | keywords F1 |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            per = units.set_index(["theme", "source"])
            for theme in dict.fromkeys(units["theme"]):
                cells = [str(int(per.loc[(theme, "model"), "support"]))]
                for source in ("model", "keywords"):
                    row = per.loc[(theme, source)]
                    shares = [
                        _share(row[prefix + "precision"], int(row["predicted"]), prefix == ""),
                        _share(row[prefix + "recall"], int(row["support"]), prefix == ""),
                    ]
                    cells += [str(int(row["predicted"])), *shares, _number(row[prefix + "f1"], 2)]
                lines.append(f"| {theme} | " + " | ".join(cells) + " |")
            if prefix == "":
                lines += [
                    "",
                    "P and R with their 95% Wilson intervals over the coded units they are shares of (a precision of "
                    "1.00 on one unit is 1.00 [0.21, 1.00]).",
                ]
    confusion = tables.get("confusion")
    if confusion is not None and len(confusion):
        lines += [
            "",
            "The model's dominant theme (columns) against the coders' theme (rows), coded units:",
            "",
            "| coded / model | " + " | ".join(map(str, confusion.columns)) + " |",
            "|---|" + "---|" * len(confusion.columns),
            *[
                f"| {theme} | " + " | ".join(str(int(n)) for n in row) + " |"
                for theme, row in zip(confusion.index, confusion.to_numpy())
            ],
        ]
    for name, label in (("word_intrusion", "Word intrusion"), ("topic_intrusion", "Topic intrusion")):
        if name in tables:
            from statsmodels.stats.proportion import proportion_confint

            table = tables[name]
            found, n = int(round(table["precision"].sum())), len(table)
            low, high = proportion_confint(found, n, alpha=0.05, method="wilson")
            lines += [
                "",
                f"- {label}: the intruder was found in {found} of {n} tasks, {found / n:.1%} (95% interval {low:.1%} to "
                f"{high:.1%}, Wilson; chance: {'1 in 6' if name == 'word_intrusion' else '1 in 4'})",
            ]
            missed = table.loc[table["precision"] < 1, "topic" if name == "word_intrusion" else "item"].astype(str).tolist()
            if missed:
                what = "topic" if name == "word_intrusion" else "item"
                lines.append(f"  not found for {what}{'s' if len(missed) > 1 else ''} {', '.join(missed)}")
    return "\n".join(lines) + "\n"


def _design_lines(sample: pd.DataFrame | None) -> list[str]:
    """scores.md's paragraph and table of the sample's design (:func:`_sample_design`)."""
    if sample is None or not len(sample):
        return []
    attrs = sample.attrs
    population = f"the {int(sample['units'].sum()):,} units"  # the strata's: the units the model was fitted to
    run = f" of the run `{attrs['run']}`" if attrs.get("run") else ""
    return [
        "",
        f"Sample: {int(sample['drawn'].sum())} units drawn from {population}{run} that the model was fitted to, "
        f"stratified by the model's dominant theme (seed {attrs['seed']}); {int(sample['coded'].sum())} coded. The "
        "weighted scores count each coded unit for its stratum's units over the stratum's coded units (Kish's "
        f"effective number of coded units: {_number(attrs['effective'], 1)}, the n of the weighted Wilson "
        f"intervals); kappa's intervals are percentiles of {BOOTSTRAP:,} bootstrap resamples of the coded units, "
        f"seeded with the export's seed ({attrs['seed']}).",
        "",
        "| stratum | units | drawn | coded | weight |",
        "|---|---|---|---|---|",
        *[f"| {r.stratum} | {r.units} | {r.drawn} | {r.coded} | {_number(r.weight, 2)} |" for r in sample.itertuples()],
    ]


def _share(value, n: int, interval: bool) -> str:
    """A precision or recall of ``n`` units to two decimals, with its 95% Wilson interval when ``interval``."""
    if not interval or value is None or pd.isna(value) or n == 0:
        return _number(value, 2)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(int(round(value * n)), n, alpha=0.05, method="wilson")
    return f"{_number(value, 2)} [{_number(low, 2)}, {_number(high, 2)}]"


def _estimate(estimate, low, high) -> str:
    """An estimate and its interval, "-" for what is not defined (kappa of one label throughout), "no interval"
    for an interval that could not be estimated."""
    if pd.isna(estimate):
        return "-"
    if pd.isna(low) or pd.isna(high):
        return f"{_number(estimate, 3)} [no interval]"
    return f"{_number(estimate, 3)} [{_number(low, 3)}, {_number(high, 3)}]"


def _kappa_note(table: pd.DataFrame) -> str:
    """What a kappa without its number or its interval means, when a row of ``table`` (:func:`agreement`'s) has one."""
    kappas = table[table["measure"] == "kappa"]
    notes = []
    if kappas["estimate"].isna().any():
        notes.append("a kappa shown as - is not defined: one theme throughout, so agreement by chance is certain")
    if (kappas["estimate"].notna() & kappas["low"].isna()).any():
        notes.append(
            "[no interval]: every resample of the coded units gives the same kappa: all of them agree, or one side "
            "gave every unit the same theme (then kappa is 0 whatever is coded), or there are too few units"
        )
    text = "; ".join(notes)
    return f"\n{text[0].upper()}{text[1:]}." if notes else ""


def _number(value, digits: int) -> str:
    """``value`` to ``digits`` decimals, "-" for none; a value that rounds to zero is 0, not -0.000 (a hostile pass)."""
    if value is None or pd.isna(value):
        return "-"
    text = f"{float(value):.{digits}f}"
    return text[1:] if text == f"-{0:.{digits}f}" else text
