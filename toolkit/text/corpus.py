"""A folder of text files plus a metadata table -> documents, each used or skipped with a reason.

Every entry under the text folder becomes one row of the documents table: files that are read, and files that
are not (a name that is not UTF-8, a broken or outside symbolic link, a FIFO, an unreadable file, a hidden
file, a file that does not match the pattern) with the reason. Nothing under the folder is ever written.
"""

from __future__ import annotations

import datetime
import errno
import fnmatch
import hashlib
import io
import logging
import numbers
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..errors import NoData, ToolkitError
from ..options import NON_NEGATIVE, UNIT_INTERVAL, Option, plain_name
from ..resources import file_kind
from .dates import YEAR_RANGE, DocDate, find_date, parse_date
from .decoding import Unreadable, binary_kind, decode
from .normalize import to_simplified

if TYPE_CHECKING:
    import pandas as pd


log = logging.getLogger("toolkit")
MISSING_FILE = "listed in the metadata but the file is missing"  # the reason of a metadata row without its file
NOT_LISTED = "not listed in the metadata"  # the note of a file the metadata does not name


OPTIONS = {
    "name": Option(
        "",
        "Name of the corpus in tables and figure titles, and of its default output folder "
        "runs/<name>; defaults to the config's file name.",
        plain_name,
        "a plain name (no '/', '\\', leading '.', leading or trailing space, or control characters)",
    ),
    "texts": Option("", "Folder of text files (required).", path=True),
    "metadata": Option(
        "",
        "CSV with a `file` column and optionally title, date, place, encoding, include and any columns of your own; '' for none.",
        path=True,
    ),
    "pattern": Option(
        "*.txt", "Glob of the text files inside `texts` (**/*.txt for subfolders too; in any case: *.txt takes A.TXT)."
    ),
    "year_min": Option(0, "First year to analyse; 0 for no bound.", *NON_NEGATIVE),
    "year_max": Option(0, "Last year to analyse; 0 for no bound.", *NON_NEGATIVE),
    "encoding": Option("auto", "Encoding of every file, or 'auto' to detect per file."),
    "near_duplicates": Option(
        0.8,
        "Jaccard similarity of their 5-character shingles from which two used documents "
        "are flagged as near duplicates in documents.csv (near_duplicate_of, similarity) "
        "and in the log, and the share of a document's text found word for word in the sentences of a longer "
        "one from which it is flagged as an excerpt of it (excerpt_of, contained); nothing is dropped. 0 to not "
        "look.",
        *UNIT_INTERVAL,
        kind=(float, int),
    ),
}


def check_options(section: dict) -> None:
    if section["year_min"] and section["year_max"] and section["year_min"] > section["year_max"]:
        raise ToolkitError(f"corpus.year_min ({section['year_min']}) is after corpus.year_max ({section['year_max']})")
    check_pattern(section["pattern"])
    if section["encoding"].strip().lower() != "auto":
        import codecs

        try:
            text_encoding = codecs.lookup(section["encoding"])._is_text_encoding  # base64, rot13, zlib are not
        except LookupError:
            text_encoding = False
        if not text_encoding:
            raise ToolkitError(
                f"corpus.encoding {section['encoding']!r} is no text encoding Python knows; use 'auto' or e.g. utf-8, "
                "gb18030, big5"
            )


DOCUMENT_COLUMNS = [
    "doc_id",
    "path",
    "title",
    "date",
    "year",
    "date_source",
    "place",
    "encoding",
    "chars",
    "sha256",
    "status",
    "reason",
    "note",
    "near_duplicate_of",
    "similarity",
    "excerpt_of",
    "contained",
]
# what a run noted of each file, no column of the metadata to count or group the documents by
FILE_COLUMNS = DOCUMENT_COLUMNS[DOCUMENT_COLUMNS.index("encoding") :]
# The columns of the run's tables that a document's metadata joins or is grouped in besides these (units.csv,
# document_themes.csv, the tables by group and period), and, per theme, its share and interval (:func:`reserved_columns`)
TABLE_COLUMNS = [
    *("unit_id", "text", "n_units", "n_tokens", "in_model", "dominant_theme", "keyword_theme"),  # units, documents
    *("theme", "share", "period", "n_documents", "interval_basis", "share_low", "share_high", "share_sd"),  # trends
    *("sampling_sd", "seed_sd", "seed_min", "seed_max", "group"),
]
# the include column's values, English and Chinese (a Chinese spreadsheet says 是/否)
# 1.0 and 0.0: a column of 1 and 0 with blanks, as pandas writes it (a hostile pass: "include must be yes or no")
_YES = {"", "1", "1.0", "true", "yes", "y", "是", "包括", "保留"}
_NO = {"0", "0.0", "false", "no", "n", "否", "不", "排除"}


def reserved_columns(themes=()) -> set[str]:
    """Names a metadata column cannot keep (it becomes ``meta_<name>``): the documents table's own columns, those of
    the tables it joins, and each of ``themes``' share columns (``<theme>``, ``<theme>_low``, ``<theme>_high``)."""
    return {*DOCUMENT_COLUMNS, *TABLE_COLUMNS, *(f"{t}{end}" for t in themes for end in ("", "_low", "_high"))}


@dataclass
class Corpus:
    """Documents table (one row per entry of the text folder); texts stay on disk and are read one at a time.

    ``documents`` also carries every extra column of the metadata table (place, level, province ...), named as
    in the metadata (``meta_<name>`` where a name is one the run's tables use: :func:`reserved_columns`).
    """

    documents: pd.DataFrame
    root: Path | None = None
    sources: dict[str, tuple[Path, str, str]] = field(default_factory=dict, repr=False)  # path, encoding, sha256
    metadata_columns: list[str] = field(default_factory=list)  # the extra metadata columns in ``documents``

    @property
    def used(self) -> pd.DataFrame:
        return self.documents[self.documents["status"] == "used"]

    def text(self, doc_id: str) -> str:
        """The decoded text of a used document, read again from its file (decoded as when it was loaded)."""
        path, declared, sha256 = self.sources[doc_id]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ToolkitError(f"{path} can no longer be read ({exc.strerror}); run again") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ToolkitError(f"{path} changed while the run was reading it; run again")
        return decode(data, declared).text


def regular_file(path: Path, what: str, fix: str) -> Path:
    """``path`` once it is known to be a regular file (a symbolic link to one counts), found without opening it,
    so a FIFO never blocks; raises ToolkitError naming what it is instead (``what``: "metadata", ...; ``fix``:
    what to do about a path that is not there)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ToolkitError(f"{what} {path} is a symbolic link loop; {fix}") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise ToolkitError(f"{what} not found: {path}; {fix}") from None
        raise ToolkitError(f"cannot read {what} {path}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise ToolkitError(f"{what} {path} is a folder, not a file; {fix}")
    if not stat.S_ISREG(mode):
        raise ToolkitError(f"{what} {path} is {file_kind(mode)}, not a regular file; {fix}")
    return path


def cell_separator(header: str, needed: tuple[str, ...]) -> str:
    """What separates a table's cells, read from its ``header`` line: the first of comma, tab (Excel saves UTF-16
    only as "Unicode Text", tab-separated) and semicolon (a European locale's CSV) that gives every ``needed``
    column, as a cell (a comma inside a tab-separated header's cell is no separator); else a comma."""
    import csv

    for separator in (",", "\t", ";"):
        cells = {cell.strip().lower() for cell in next(csv.reader([header], delimiter=separator), [])}
        if all(column in cells for column in needed):
            return separator
    return ","


# a file name with the extension of a document: 2015_wuhan.txt (not www.wuhan.gov.cn, 1.2 or p.3 in a note)
_FILE_CELL = re.compile(r"[^\s\"',;/\\]+\.(?:txt|text|md|html?|xml|json|docx?|pdf|wps|rtf|odt)", re.IGNORECASE)


def _no_row_swallowed(path: Path, line: int, header: list[str], fields: list[str], separator: str) -> None:
    """ToolkitError when a cell of the metadata's row at ``line`` runs over lines that read as rows of their own (a
    line of the cell that starts with a file name and a separator): a quote opened and not closed took the rows
    after it into one cell, their files then dated from their text or skipped without a date, and no warning said
    why (a hostile pass of the preprocessing). A cell of several lines without such a line is kept."""
    import csv

    at = header.index("file") if "file" in header else 0  # where a row holds its file's name (year,file,title too)
    for column, cell in zip(header, fields):
        for part in cell.splitlines()[1:]:
            cells = next(csv.reader([part], delimiter=separator), [])
            # a row of its own: a document's file name where the header has it, and cells beside it that are not all
            # file names, three or the header's number (a row may leave its last cells out, read as empty; a note that
            # lists attachments, "draft.docx, 征求意见稿" or "附件1.docx,附件2.pdf", is a note: an adversarial review)
            named = [c.strip() for c in cells[at : at + 1] or cells[:1]]
            others = [c.strip() for i, c in enumerate(cells) if i != at and c.strip()]
            if (
                len(cells) >= min(3, len(header))
                and named
                and _FILE_CELL.fullmatch(named[0])
                and not all(_FILE_CELL.fullmatch(c) for c in others)
            ):
                raise ToolkitError(
                    f'metadata {path} line {line}: its {column!r} cell opens a quote (") that runs over the next lines '
                    f"and takes in the row of {named[0]!r}; close the quote, or write a quote inside a cell as "
                    '"" or as a Chinese quotation mark'
                )


# headers that name a document's file or its date in another way (a Chinese spreadsheet's 文件名, 日期 ...): a file
# column headed otherwise is refused with what to rename; a date column is read as the date (else a year column as
# the year) when it is the only one of its kind and no column is named date or year (a hostile pass: a table headed
# 日期 had its documents dated from their text). 时间 may be a time of day or a period, and 年度 the year a report is
# of (a 2019年度 report comes out in 2020: read beside 发布日期, every such row was refused, a review): only named.
_FILE_LIKE = ("文件", "文件名", "文件名称", "文件路径", "路径", "文档", "filename", "file_name", "file name", "path", "files")
_DATE_NAMED = ("日期", "发布日期", "成文日期", "发文日期", "印发日期", "发布时间", "发文时间", "dates", "datum")
_YEAR_NAMED = ("年份", "年")
_DATE_LIKE = (*_DATE_NAMED, *_YEAR_NAMED, "年度", "时间")


def _check_header(path: Path, header: list[str]) -> None:
    """ToolkitError for a metadata header the table cannot be read by: no ``file`` column (one headed otherwise
    named), a column twice; a warning for a date column headed otherwise where none is named date or year."""
    if "file" not in header:
        like = [c for c in header if c in _FILE_LIKE]
        raise ToolkitError(
            f"metadata {path} has no 'file' column (it has: {', '.join(header)}); "
            + (f"rename its column {like[0]!r} to file" if like else "add one that names each text file")
        )
    read_as = _date_columns(header)
    unread = [c for c in header if c in _DATE_LIKE and c not in read_as.values()]
    if unread and not {"date", "year"} & (set(header) | set(read_as)):  # 日期 and 发布日期, 时间, 年度: which is meant
        log.warning(
            "metadata %s has no 'date' or 'year' column, so its documents are dated from their text: rename its column "
            "%s to date (or year) to date them by it",
            path,
            " or ".join(repr(c) for c in unread),
        )
    days = [c for c in header if c in _DATE_NAMED]
    if days and "year" in header and "date" not in header:  # 日期 beside year: the documents carry the year only
        log.warning(
            "metadata %s dates its documents by its 'year' column: rename its column %r to date to date them by day",
            path,
            days[0],
        )
    seen_columns = set()
    for column in header:
        if column in seen_columns:
            raise ToolkitError(f"metadata {path} has the column {column!r} twice; keep one")
        seen_columns.add(column)


def _date_columns(header: list[str]) -> dict[str, str]:
    """The column read as ``date`` where the header names neither date nor year: the one column headed as a date
    (日期, 发布日期 ...), else the one headed as a year (年份, 年); none where two columns could be it."""
    if {"date", "year"} & set(header):
        return {}
    for name, headings in (("date", _DATE_NAMED), ("year", _YEAR_NAMED)):
        columns = [c for c in header if c in headings]
        if columns:
            return {name: columns[0]} if len(columns) == 1 else {}
    return {}


def read_metadata(path: Path) -> pd.DataFrame:
    """The metadata CSV as strings, one row per file; raises ToolkitError on an unusable table: a row with more
    fields than the header (the columns would shift), a row without a file name, a file named twice. A row with
    fewer fields than the header has its last cells empty."""
    import csv

    import pandas as pd

    regular_file(path, "metadata file", "fix corpus.metadata or set it to '' to read dates from the texts")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ToolkitError(f"cannot read metadata {path}: {exc.strerror}") from None
    try:  # as the texts are read: Excel on a Chinese Windows saves a CSV as GBK, which GB18030 reads
        text = decode(data, repair=False).text if data.strip() else ""  # a byte dropped from a title: refused
    except Unreadable as exc:
        what = str(exc).split(";")[0]  # the advice for a text file is not the advice for a table
        raise ToolkitError(f"cannot read metadata {path}: {what}; save it from the spreadsheet as a CSV (UTF-8)") from None
    text = text.lstrip("\ufeff")
    # Excel's first line that names the separator ("sep=;"), a line of no row (it was read as the header)
    # (quoted, in capitals, or with the empty cells another spreadsheet adds when it saves it again: "sep=;", SEP=;;;)
    named = re.match(r'[ \t]*"?sep=([^\r\n"])"?[,;\t]*[ \t]*(\r\n|\r|\n)', text, re.IGNORECASE)
    above = 1 if named else 0  # lines before the table, for the line numbers said
    text = text[named.end() :] if named else text
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Excel's "Unicode Text" is tab-separated, a European locale's CSV semicolon-separated
    separator = named.group(1) if named else cell_separator(first, ("file",))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)  # rows end at \n, \r\n or \r only
    rows, header, line = [], None, 1 + above
    try:
        for fields in reader:
            if fields and any(f.strip() for f in fields):  # blank lines are skipped
                if header is None:
                    header = [f.strip().lower() or f"unnamed: {i}" for i, f in enumerate(fields)]  # as pandas names them
                    _check_header(path, header)  # before a row's error: the header is what to fix first
                elif len(fields) > len(header):
                    raise ToolkitError(
                        f"metadata {path} line {line} has {len(fields)} fields, the header has "
                        f'{len(header)}; quote cells that hold a comma ("a, b") or remove the extra ones'
                    )
                else:
                    _no_row_swallowed(path, line, header, fields, separator)
                    rows.append((line, fields + [""] * (len(header) - len(fields))))
            line = reader.line_num + 1 + above
    except csv.Error as exc:
        raise ToolkitError(f"cannot read metadata {path} line {reader.line_num + above}: {exc}; save it as a plain CSV") from None
    if header is None:
        raise ToolkitError(f"metadata {path} is empty; give a CSV with a header row and a 'file' column")
    # every cell without the spaces around it: "中央 " is the group 中央, in trends.by as in effects.formula and
    # documents.csv (a space a spreadsheet keeps out of sight made a category of its own)
    table = pd.DataFrame([fields for _, fields in rows], columns=header, dtype=object).astype(str)
    # the file column as written: it names a file, whose name may begin with a space (" lead.txt" was read as
    # "lead.txt", another file's or none); a space around a name is matched as the last step (_canonical)
    table = _without_invisible(table, path)
    table = table.apply(lambda column: column if column.name == "file" else column.str.strip())
    seen: dict[str, int] = {}
    for (line, _), name in zip(rows, table["file"]):
        if not name.strip():
            raise ToolkitError(f"metadata {path} line {line} has an empty 'file' cell; name the text file or delete the row")
        if name.strip() in seen:  # "a.txt" and "a.txt " too: one file, a space apart
            raise ToolkitError(
                f"metadata {path} lists {name.strip()!r} twice (lines {seen[name.strip()]} and {line}); keep one row per file"
            )
        seen[name.strip()] = line
    for name, column in _date_columns(header).items():  # the user's column stays, under its own name too
        log.info("metadata %s: its column %r is read as the documents' %s", path, column, name)
        table[name] = table[column]
    return table.set_index("file", drop=False)


# control characters (a line break and a tab stay) and the invisible format characters: text-direction marks and
# overrides, the zero-width space, the word joiner and invisible operators, a byte-order mark inside a cell (the
# zero-width joiners U+200C and U+200D stay: an emoji's family, and spellings of scripts that need them)
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def _without_invisible(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``table`` (the metadata, as strings) without :data:`_INVISIBLE` characters, with a warning naming the columns
    that held them: a title "RTL\u202eexe.txt" was drawn in the figures as "RTLtxt.exe", and "武汉市\u200b" would be a
    group of its own."""
    # not the file column: it names a file as its name is written, whatever that holds (2021\u200b报告.txt was read
    # as another file's name, and the file as unlisted)
    found = {column: int(table[column].str.contains(_INVISIBLE).sum()) for column in table.columns if column != "file"}
    found = {column: n for column, n in found.items() if n}
    if not found:
        return table
    log.warning(
        "metadata %s: %d cell(s) held control or invisible characters (text-direction overrides, zero-width spaces), "
        "taken out: %s",
        path,
        sum(found.values()),
        ", ".join(f"{column} ({n})" for column, n in found.items()),
    )
    cleaned = table.drop(columns="file").apply(lambda column: column.str.replace(_INVISIBLE, "", regex=True))
    return table.assign(**{column: cleaned[column] for column in found})


def check_pattern(pattern: str) -> str:
    """``corpus.pattern`` as given, once it is known to stay inside the text folder."""
    if not pattern.strip():
        raise ToolkitError("corpus.pattern is empty; use a glob such as *.txt or **/*.txt")
    if pattern.startswith(("/", "\\")) or (len(pattern) > 1 and pattern[1] == ":"):
        raise ToolkitError(
            f"corpus.pattern {pattern!r} is an absolute path; give a glob inside corpus.texts such "
            "as *.txt (set corpus.texts to the folder)"
        )
    if ".." in PurePosixPath(pattern.replace("\\", "/")).parts:
        raise ToolkitError(
            f"corpus.pattern {pattern!r} leaves the text folder; give a glob inside corpus.texts such as *.txt or **/*.txt"
        )
    return pattern


def matches(rel: str, pattern: str) -> bool:
    """Whether the relative POSIX path ``rel`` matches the glob ``pattern`` as ``Path.glob`` would: ``*`` stays
    inside one folder, ``**`` spans any number of folders, names starting with '.' match only a pattern that
    does; case does not matter (``*.txt`` takes REPORT.TXT, as Windows and macOS folders hold it)."""
    parts, globs = rel.split("/"), pattern.replace("\\", "/").split("/")

    def match(i: int, j: int) -> bool:
        if j == len(globs):
            return i == len(parts)
        if globs[j] == "**":
            return any(match(k, j + 1) for k in range(i, len(parts)))
        if i == len(parts):
            return False
        hidden_ok = not parts[i].startswith(".") or globs[j].startswith(".")
        return hidden_ok and fnmatch.fnmatchcase(parts[i].casefold(), globs[j].casefold()) and match(i + 1, j + 1)

    return match(0, 0)


def _display(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 shown as \\x.. escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


@dataclass
class _Entry:
    rel: str  # POSIX path inside the folder, for display
    path: Path
    problem: str = ""  # why it cannot be read, found without reading it


def _entries(root: Path, exclude: set[Path]) -> list[_Entry]:
    """Every file-like entry under ``root`` (symbolic links not followed), each with the problem that keeps it
    from being read, if any. Hidden folders are one entry each, not searched."""
    real_root = root.resolve()
    entries = []

    def unreadable(error: OSError) -> None:
        if Path(error.filename) != root:
            rel = Path(error.filename).relative_to(root).as_posix()
            entries.append(
                _Entry(_display(rel) + "/", Path(error.filename), f"folder cannot be read: {error.strerror}; not searched")
            )

    for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=unreadable):
        folder_path = Path(folder)
        base = folder_path.relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        hidden = sorted(d for d in dirnames if d.startswith("."))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (folder_path / d).is_symlink())
        for name in hidden:
            entries.append(
                _Entry(prefix + _display(name) + "/", folder_path / name, "hidden folder (name starts with '.'); not searched")
            )
        links_to_folders = sorted(
            d
            for d in os.listdir(folder)
            if (folder_path / d).is_symlink() and (folder_path / d).is_dir() and not d.startswith(".")
        )
        for name in sorted(set(filenames) | set(links_to_folders)):
            path = folder_path / name
            rel = prefix + _display(name)
            if Path(os.path.realpath(path)) in exclude:  # realpath: a symbolic link loop raises nothing
                continue
            entries.append(_Entry(rel, path, _problem(path, name, real_root)))
    # in the order of the names' composed forms (NFC): a folder copied from macOS or out of some zip files holds
    # é000.txt decomposed (e and an accent), which sorted apart from its composed twin and so changed the
    # documents' order, and with it every share the sampler draws
    return sorted(entries, key=lambda e: (unicodedata.normalize("NFC", e.rel), e.rel))


def _problem(path: Path, name: str, real_root: Path) -> str:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename the file"
    if name.startswith("."):
        return "hidden file (name starts with '.')"
    try:
        if path.is_symlink():
            try:
                target_mode = path.stat().st_mode  # follows the link
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return "symbolic link loop; not followed"
                if exc.errno == errno.ENOENT:
                    return "broken symbolic link (its target does not exist)"
                raise
            target = Path(os.path.realpath(path))
            if stat.S_ISDIR(target_mode):
                return "symbolic link to a folder; not followed"
            if real_root not in target.parents:
                return "symbolic link to a file outside the text folder; not followed (copy the file in)"
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return f"{file_kind(mode)}, not a text file"
    return ""


def _canonical(name: str) -> str:
    """A file name as it is compared with the metadata's at the last step of :func:`metadata_rows`: Unicode NFC
    (macOS writes names decomposed), / for \\ (a path typed on Windows), without a leading ./, case folded, each
    part without the spaces around it (the metadata's cells are read so: a file " lead.txt" was unlisted)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return "/".join(part.strip() for part in name.split("/")).casefold()


def metadata_rows(  # noqa: C901 (three steps of matching, each with its ambiguities)
    paths: list[str], keys: list[str], root: Path | None = None
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Which metadata row (its ``file`` cell) describes each file (its path under the text folder ``root``): (row of
    each file, the reason of each file that a row fits ambiguously, the rows that fit ambiguously).

    A row is taken, step by step, by the file whose path it is; else, when it gives a name alone, by the file of
    that name when no other file in any folder has it; else by the file it names once both are compared in
    :func:`_canonical` form, also when the row's path goes through the text folder (its folders before the
    file's path end with the text folder's name: ``texts/a.txt`` or ``C:\\data\\texts\\a.txt`` for ``a.txt``
    in ``.../texts``). A row that fits several files at one step, or a file that fits several rows, is taken by
    none: the row's date copied onto files of one name in several folders would put them in the wrong year."""
    from collections import defaultdict

    taken: dict[str, str] = {}
    used_keys: set[str] = set()
    ambiguous: dict[str, str] = {}
    unclear: set[str] = set()
    by_name: dict[str, list[str]] = defaultdict(list)
    by_canonical: dict[str, list[str]] = defaultdict(list)
    by_canonical_name: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        by_name[PurePosixPath(path).name].append(path)
        by_canonical[_canonical(path)].append(path)
        by_canonical_name[PurePosixPath(_canonical(path)).name].append(path)
    exact = set(paths)
    # the text folder's name as the config gives it and as it resolves (a link texts -> data_v2: a row texts/a.txt)
    root_names = {_canonical(r.name) for r in (Path(os.path.abspath(root)), root.resolve())} if root is not None else set()

    # a row's name as written, else without the spaces around it (a spreadsheet keeps a trailing one out of sight)
    def same_path(key: str) -> list[str]:
        return [key] if key in exact else [key.strip()] if key.strip() in exact else []

    def same_name(key: str) -> list[str]:
        return (by_name.get(key) or by_name.get(key.strip(), [])) if "/" not in key else []

    def within_root(prefix: list[str]) -> bool:
        """Whether ``prefix`` (a row's folders before the file's path) leads to the text folder: none, or folders
        that end with the text folder's name (``texts``, ``data/texts``, ``C:\\Users\\me\\data\\texts``)."""
        prefix = [part for part in prefix if part]  # an absolute path's leading /
        return not prefix or prefix[-1] in root_names

    def same_canonical(key: str) -> list[str]:
        parts = _canonical(key).split("/")
        if len(parts) == 1:
            return by_canonical_name.get(parts[0], [])
        for i in range(len(parts)):  # the row's whole path, then each tail whose folders lead to the text folder
            if within_root(parts[:i]) and (found := by_canonical.get("/".join(parts[i:]))):
                return found
        return []

    for fits in (same_path, same_name, same_canonical):
        free = [key for key in keys if key not in used_keys and key not in unclear]
        candidates = {key: fits(key) for key in free}
        claims: dict[str, list[str]] = defaultdict(list)
        for key, fitting in candidates.items():
            for path in fitting:
                if path not in taken and path not in ambiguous:
                    claims[path].append(key)
        for key, fitting in candidates.items():
            open_paths = [p for p in fitting if p not in taken and p not in ambiguous]
            if not open_paths:
                continue  # no file, or its only file described by an earlier row: listed as missing
            if len(fitting) == 1 and len(claims[fitting[0]]) == 1:
                taken[fitting[0]] = key
                used_keys.add(key)
                continue
            unclear.add(key)
            for path in open_paths:
                if len(claims[path]) > 1:
                    unclear.update(claims[path])
                    ambiguous[path] = "fits the metadata rows " + " and ".join(repr(k) for k in claims[path][:3])
                    ambiguous[path] += "; keep one row per file, named by its path under the text folder"
                else:
                    shown = ", ".join(fitting[:3]) + (" ..." if len(fitting) > 3 else "")
                    ambiguous[path] = (
                        f"the metadata row {key!r} fits {len(fitting)} files ({shown}); name each file by its path "
                        "under the text folder in the metadata"
                    )
    return taken, ambiguous, unclear


# the formats of documents a text folder may hold that the toolkit reads as no text (a pattern of *.txt leaves them out)
_DOCUMENT_FORMATS = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".wps": "WPS",
    ".rtf": "RTF",
    ".odt": "OpenDocument",
    ".htm": "web page",
    ".html": "web page",
    ".mht": "web page",
    ".ofd": "OFD",
    ".caj": "CAJ",
}

# reasons of a skip the config or the metadata asked for, or that the toolkit decides alone (an exact copy, a file
# the pattern does not take, such as the metadata itself, a hidden file or folder: .DS_Store, .git): a run names
# the others, which are problems to fix
_CHOSEN = ("does not match corpus.pattern", "excluded in the metadata", "duplicate of ", "year ", "hidden ")


def warn_skipped(documents: pd.DataFrame, *, counted: str, run: bool = False) -> None:
    """Warnings naming the files skipped with their reasons, but those skipped as asked (``_CHOSEN``: the year
    window, include = no); ``counted`` says what they are left out of ("not analysed", "not counted"); the
    metadata rows without their file; and the files the metadata does not list that are used all the same, dated
    from their text (a file left out of the spreadsheet is read: include = no leaves it out). ``run``: the
    warnings of a run, which lists every file's reason in documents.csv (terms and kwic write no such table)."""
    missing = documents["reason"].str.startswith(MISSING_FILE)
    chosen = documents["reason"].str.startswith(_CHOSEN)
    # but a year outside the window that the toolkit read from the text (a file the metadata does not list): a year
    # the text cites, taken for its own, dropped the file with no word but documents.csv's (a hostile pass)
    if "date_source" in documents:
        chosen &= ~(documents["reason"].str.startswith("year ") & (documents["date_source"] == "text"))
    skipped = (documents["status"] != "used") & ~missing & ~chosen
    if skipped.any():
        shown = "; ".join(f"{row.path} ({row.reason})" for row in documents[skipped].head(3).itertuples())
        log.warning(
            "%d of %d files skipped, %s: %s%s%s",
            int(skipped.sum()),
            int((~missing).sum()),
            counted,
            shown,
            " ..." if skipped.sum() > 3 else "",
            "; documents.csv gives each one's reason" if run else "",
        )
    # documents in a format the toolkit does not read, beside the texts and not listed: left out as the pattern
    # asks, but a report saved as PDF or Word is a document the user meant to analyse (only documents.csv said it)
    # (not one beside its own text: report.docx by report.txt)
    paths = documents["path"].astype(str)
    suffixes = paths.str.lower().str.extract(r"(\.[a-z]+)$", expand=False)
    stems = paths.str.replace(r"\.[A-Za-z]+$", "", regex=True)
    unread = documents["reason"].str.startswith("does not match corpus.pattern") & suffixes.isin(_DOCUMENT_FORMATS)
    unread &= ~stems.isin(set(stems[documents["status"] == "used"]))
    # nor Word's lock file of an open document (~$report.docx), nor a folder's read-me (README.html)
    names = paths.str.rsplit("/", n=1).str[-1]
    unread &= ~names.str.startswith("~$") & ~names.str.lower().str.startswith("readme")
    if unread.any():
        kinds = sorted({_DOCUMENT_FORMATS[s] for s in suffixes[unread]})
        log.warning(
            "%d file(s) of the text folder are documents corpus.pattern leaves out (%s), %s: %s%s; save each as "
            "plain text (.txt) to analyse it%s",
            int(unread.sum()),
            ", ".join(kinds),
            counted,
            ", ".join(documents.loc[unread, "path"].head(3)),
            " ..." if unread.sum() > 3 else "",
            " (a web page is read as it is where corpus.pattern takes it, e.g. '*.html')" if "web page" in kinds else "",
        )
    # text files in subfolders, which the pattern takes by name but reads in the top folder only: a corpus sorted
    # into folders by year was read as its top folder's files, the rest said in documents.csv alone (a hostile pass)
    nested = documents["reason"].str.startswith("does not match corpus.pattern") & documents["reason"].str.contains(
        _SUBFOLDER, regex=False
    )
    if nested.any():
        log.warning(
            "%d file(s) in subfolders of the text folder are left out, %s: %s%s; %s",
            int(nested.sum()),
            counted,
            ", ".join(documents.loc[nested, "path"].head(3)),
            " ..." if nested.sum() > 3 else "",
            documents.loc[nested, "reason"].iloc[0].split(_SUBFOLDER + " ", 1)[1],
        )
    if missing.any():
        log.warning(
            "%d metadata row(s) name a file that is not in the folder: %s%s",
            int(missing.sum()),
            ", ".join(documents.loc[missing, "path"].head(3)),
            " ..." if missing.sum() > 3 else "",
        )
    unlisted = (documents["status"] == "used") & documents["note"].str.startswith(NOT_LISTED)  # and what decoding noted
    if unlisted.any():
        log.warning(
            "%d file(s) the metadata does not list are %s all the same: %s%s; list them (include = no leaves a file out)",
            int(unlisted.sum()),
            counted.removeprefix("not "),
            ", ".join(documents.loc[unlisted, "path"].head(3)),
            " ..." if unlisted.sum() > 3 else "",
        )


def _flag(value: str) -> bool | None:
    value = str(value).strip().lower()
    return True if value in _YES else False if value in _NO else None


_SUBFOLDER = ": it is in a subfolder;"


def _in_subfolder(rel: str, pattern: str) -> str:
    """What to do for the file at ``rel`` that ``corpus.pattern`` takes by its name but not in its subfolder ('' for
    any other file, and for a folder's read-me)."""
    name = PurePosixPath(rel).name
    if "/" in rel and matches(name, pattern) and not name.lower().startswith(("readme", "说明")):
        return f"{_SUBFOLDER} set corpus.pattern = '**/{pattern}' to read subfolders"
    return ""


def _not_taken(entry, pattern: str) -> str:
    """Why a file that its metadata row lists is not read, when ``corpus.pattern`` does not take it (a problem to fix,
    which a run names, not a choice: a report saved as .docx, or put in a subfolder, left the corpus without a
    word), and what to do: extract a document's text, widen the pattern to subfolders, or say include = no."""
    reason = f"listed in the metadata, but corpus.pattern {pattern!r} does not take it"
    try:
        with open(entry.path, "rb") as handle:
            what = binary_kind(handle.read(16))
    except OSError:
        what = ""
    name = PurePosixPath(entry.rel).name
    if what:
        return f"{reason}: {what}"
    if in_subfolder := _in_subfolder(entry.rel, pattern):
        return reason + in_subfolder
    suffix = PurePosixPath(name).suffix
    widen = f" (e.g. '*{suffix}')" if suffix else ""
    return f"{reason}; widen the pattern to take it{widen}, or set include = no in its row"


def load_corpus(  # noqa: C901 (every way an input is used or skipped, with its reason)
    texts: str | Path,
    metadata: str | Path | None = None,
    *,
    pattern: str = "*.txt",
    year_min: int = 0,
    year_max: int = 0,
    encoding: str = "auto",
    themes=(),
) -> Corpus:
    """Read every file under ``texts``; each becomes one row of ``documents``, used or skipped with a reason.

    Dates come from the metadata (``date`` or ``year`` column) or else from the text; ``date_source`` says
    which. Files outside ``[year_min, year_max]`` (0 = no bound), empty, binary, undecodable, unreadable,
    duplicate or excluded (``include`` column: no/false/0) files are skipped, never dropped silently. ``themes``:
    the names of the run's themes (and ``other``), whose share columns a metadata column must not take. Raises
    ToolkitError when nothing can be read at all.
    """
    import pandas as pd

    for name, value in (("texts", texts), ("metadata", metadata)):
        if not isinstance(value, (str, os.PathLike)) and (value is not None or name == "texts"):
            raise ToolkitError(
                f"load_corpus: {name} is the path of a "
                + ("folder of text files" if name == "texts" else "metadata table (write a DataFrame with to_csv first)")
                + f", not {type(value).__name__}"
            )
    for name, value in (("year_min", year_min), ("year_max", year_max)):  # as a config's are checked
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
            raise ToolkitError(f"load_corpus: {name} must be a year, or 0 for no bound, not {value!r}")
    if year_min and year_max and year_min > year_max:  # every file skipped, the reasons not saying why (a hostile pass)
        raise ToolkitError(f"load_corpus: year_min ({year_min}) is after year_max ({year_max})")
    root = Path(texts)
    if root.is_file():
        raise ToolkitError(f"corpus.texts {root} is a file; set it to the folder that holds your text files")
    if not root.is_dir():
        raise ToolkitError(f"text folder not found: {root}; set corpus.texts to the folder of your .txt files")
    check_pattern(pattern)
    # realpath, not Path.resolve: that raises RuntimeError on a loop of links, which read_metadata names
    meta_path = Path(os.path.realpath(metadata)) if metadata else None
    meta = read_metadata(meta_path) if meta_path else None
    extra_columns = [
        c
        for c in (meta.columns if meta is not None else [])
        if c not in ("file", "title", "date", "year", "place", "encoding", "include")
    ]
    reserved = reserved_columns(themes)
    names = {c: (f"meta_{c}" if c in reserved else c) for c in extra_columns}
    taken = [c for c in extra_columns if names[c] != c and names[c] in extra_columns]
    if taken:
        raise ToolkitError(
            f"metadata {meta_path} has a column {taken[0]!r}, a name the toolkit's tables use, and a column "
            f"{names[taken[0]]!r}, the name it would be given instead; rename one of them"
        )
    # a theme's share column takes the name: said, as the user named neither a table's column (a hostile pass)
    tables_own = reserved_columns()
    renamed = [
        f"{c} -> {names[c]}" + (" (a theme's share column of the lexicon)" if c not in tables_own else "")
        for c in extra_columns
        if names[c] != c
    ]
    if renamed:  # said where it happens: trends.by = "period" then failed naming meta_period, its first word of it
        log.warning(
            "metadata %s: column(s) named as the toolkit's tables name their own are renamed: %s (use the new names in "
            "trends.by and effects.formula)",
            meta_path,
            ", ".join(renamed),
        )
    rows: list[dict] = []
    found: dict[str, tuple[Path, str, str]] = {}  # a used entry's file, encoding and hash, by its path
    first_with_hash: dict[str, dict] = {}
    first_with_text: dict[bytes, dict] = {}
    listed = set(meta.index) if meta is not None else set()
    # later dates are typing errors (2099 for 2019), never a policy: warned about, not skipped, so that which
    # documents a run reads does not depend on the day it runs
    latest_year = datetime.date.today().year + 1
    future: list[str] = []
    conflicts: list[str] = []  # exact copies whose metadata date differs from their twin's

    def new_row(rel: str, info) -> dict:
        row = {c: "" for c in DOCUMENT_COLUMNS}
        doc_id = str(PurePosixPath(rel).with_suffix("")) if not rel.endswith("/") else rel
        row.update(doc_id=unicodedata.normalize("NFC", doc_id), path=rel, status="skipped")  # the id as the name reads
        if info is not None:
            row.update(title=info.get("title", ""), place=info.get("place", ""))
            row.update({names[c]: info.get(c, "") for c in extra_columns})
            try:  # a skipped file keeps the date its metadata row gives (a used one's is set again below)
                listed_date = _metadata_date(info)
            except ValueError:
                listed_date = None
            if listed_date is not None:
                row.update(date=listed_date.date, year=listed_date.year, date_source=listed_date.source)
        rows.append(row)
        return row

    entries = _entries(root, {meta_path} if meta_path else set())
    # the folders whose files are not read: hidden or unreadable ones (their entries end with /) and links to folders
    unsearched = [
        (entry.rel if entry.rel.endswith("/") else entry.rel + "/", entry.problem)
        for entry in entries
        if entry.rel.endswith("/") or entry.problem.startswith("symbolic link to a folder")
    ]
    row_of, ambiguous, unclear = metadata_rows([e.rel for e in entries], sorted(listed), root)
    # The files that a metadata row describes first: of two copies with the same bytes, the one the metadata names
    # is used and the other is its duplicate (the table keeps the folder's order).
    order = {entry.rel: i for i, entry in enumerate(entries)}
    for entry in sorted(entries, key=lambda e: e.rel not in row_of):
        key = row_of.get(entry.rel)
        info = meta.loc[key] if meta is not None and key is not None else None
        row = new_row(entry.rel, info)
        if entry.problem:
            row["reason"] = entry.problem
            continue
        if info is None and meta is not None and entry.rel not in ambiguous:
            row["note"] = NOT_LISTED
        elif info is not None and key not in (entry.rel, PurePosixPath(entry.rel).name):
            row["note"] = f"metadata row {key!r} (written otherwise: case, Unicode form, spaces or folder)"
        if not matches(entry.rel, pattern):
            row["reason"] = f"does not match corpus.pattern {pattern!r}"
            if info is None:  # a text file of a subfolder nobody listed: the pattern that reads it (not of include = no)
                row["reason"] += _in_subfolder(entry.rel, pattern)
            elif _flag(info.get("include", "")) is not False:  # a file the user meant to study
                row["reason"] = _not_taken(entry, pattern)
            continue
        if entry.rel in ambiguous:
            row["reason"] = ambiguous[entry.rel]
            continue
        include = _flag(info.get("include", "")) if info is not None else True
        if include is None:
            row["reason"] = f"metadata: include must be yes or no (是/否), not {info.get('include')!r}"
            continue
        if not include:
            row["reason"] = "excluded in the metadata (include = no)"
            continue
        try:
            data = entry.path.read_bytes()
        except OSError as exc:
            row["reason"] = f"cannot be read: {exc.strerror or exc}"
            continue
        row["sha256"] = hashlib.sha256(data).hexdigest()
        twin = first_with_hash.get(row["sha256"])
        if twin is not None and data:
            _copy_of(row, twin, info, "same bytes", conflicts)
            continue
        declared = (info.get("encoding", "") if info is not None else "") or encoding
        try:
            decoded = decode(data, declared)
        except Unreadable as exc:
            row["reason"] = str(exc)
            continue
        # the same text in other bytes (saved again in another encoding, with a byte-order mark or Windows line
        # ends): a copy as much as one of the same bytes, which was analysed twice, its year's weight doubled
        text_key = hashlib.sha256("\n".join(line.rstrip() for line in decoded.text.splitlines()).strip().encode()).digest()
        twin = first_with_text.get(text_key)
        if twin is not None:
            _copy_of(row, twin, info, "the same text in other bytes: another encoding, byte-order mark or line ends", conflicts)
            continue
        row["encoding"] = decoded.encoding
        row["note"] = "; ".join(n for n in (row["note"], decoded.note) if n)
        row["chars"] = len(decoded.text)
        try:
            doc_date = _document_date(info, decoded.text)
        except ValueError as exc:
            row["reason"] = f"metadata: {exc}"
            continue
        if doc_date is None:
            row["reason"] = (
                "no date in the metadata or the text; add the file with a date to the metadata"
                if info is None
                else "no date in the metadata row or the text; fill its date column"
                if "date" in info.index or "year" in info.index
                else "no date in the text, and the metadata has no date column (its columns: "
                f"{', '.join(map(str, info.index))}); add one named date"
            )
            continue
        row.update(date=doc_date.date, year=doc_date.year, date_source=doc_date.source)
        # the copy that later files are copies of: a dated one (a first copy without a date, or whose metadata row is
        # wrong, is skipped for that, and its dated copy was skipped as its duplicate: the document lost)
        first_with_hash.setdefault(row["sha256"], row)
        first_with_text.setdefault(text_key, row)
        if (year_min and doc_date.year < year_min) or (year_max and doc_date.year > year_max):
            row["reason"] = (
                f"year {doc_date.year} outside the window "
                f"{year_min or 'any'}-{year_max or 'any'} (corpus.year_min, corpus.year_max)"
                + ("; the year read from its text: list the file with its date" if doc_date.source == "text" else "")
            )
            continue
        row["status"] = "used"
        found[row["path"]] = (entry.path, declared, row["sha256"])
        if doc_date.year > latest_year:
            future.append(f"{row['path']} ({doc_date.date})")
    rows.sort(key=lambda r: order[r["path"]])

    from_text = [f"{r['path']} ({r['date']})" for r in rows if r["status"] == "used" and r["date_source"] == "text"]
    if from_text:
        log.warning(
            "%d document(s) dated from a date found in their text, not from the metadata (a labelled date, "
            "else the first full date in it, which may be one it cites): %s; check their date in documents.csv or "
            "give it in the metadata",
            len(from_text),
            ", ".join(from_text[:3]) + (" ..." if len(from_text) > 3 else ""),
        )
    if future:
        log.warning(
            "%d document(s) dated after %d, next year by this machine's clock: %s; analysed as dated (a typing "
            "error, 2099 for 2019?): fix their dates",
            len(future),
            latest_year,
            ", ".join(future[:3]) + (" ..." if len(future) > 3 else ""),
        )
    if conflicts:
        log.warning(
            "skipped %d exact cop%s whose metadata date differs from the file's it copies: %s; check which date is right",
            len(conflicts),
            "y" if len(conflicts) == 1 else "ies",
            ", ".join(conflicts[:3]) + (" ..." if len(conflicts) > 3 else ""),
        )
    by_id = {r["doc_id"]: r["path"] for r in rows}
    folded_ids = {doc_id.casefold(): path for doc_id, path in by_id.items()}
    left = sorted(listed - set(row_of.values()) - unclear)  # a row that is a file's path was taken by it
    # a row left that names, by the rules a row finds its file by (" X.TXT", texts/x.txt), a file with a row of its
    # own: its second row (as a case-folded name alone it was, but written so it was said to name a missing file).
    # Each row on its own (two such rows of one file fit it together ambiguously), among the files of its name: every
    # rule of metadata_rows matches names alike in _canonical form (among every file, 1,500 files of two such rows
    # each took 95 s: a review)
    of_name: dict[str, list[str]] = {}
    for path in row_of:
        of_name.setdefault(PurePosixPath(_canonical(path)).name, []).append(path)
    second = {}
    for key in left:
        files = of_name.get(PurePosixPath(_canonical(key)).name)
        if files and (alone := metadata_rows(files, [key], root)[0]):
            second[key] = next(iter(alone))
    for rel in left:
        row = new_row(rel, meta.loc[rel])
        row["reason"] = MISSING_FILE
        if folder := next((f for f in unsearched if _canonical(rel).startswith(_canonical(f[0]))), None):
            # a problem to fix, not a missing file: the file may well be there
            row["reason"] = f"listed in the metadata, but inside {folder[0]}, which is not searched: {folder[1].split(';')[0]}"
        elif PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:  # only the text folder is read
            row["reason"] += "; it names a path outside the text folder (corpus.texts), whose files alone are read"
        elif twin := second.get(rel) or by_id.get(row["doc_id"]) or folded_ids.get(row["doc_id"].casefold()):
            if twin in row_of:  # the file has its own row: this one names it another way (./x, X.TXT, x\), and
                # was said to name a missing file (a hostile pass)
                row["reason"] = (
                    f"a second metadata row for {twin}, written {rel}: the file's own row is used, not this one; "
                    "delete one of the two"
                )
            else:  # "report" listed, report.txt on disk
                row["reason"] += f"; {twin} is in the folder: name it so in the metadata"
    _unique_ids(rows)
    sources = {row["doc_id"]: found[row["path"]] for row in rows if row["path"] in found}

    columns = DOCUMENT_COLUMNS + [names[c] for c in extra_columns]
    documents = pd.DataFrame(rows, columns=columns)
    documents["year"] = pd.array([int(y) if y != "" else pd.NA for y in documents["year"]], dtype="Int64")
    documents["chars"] = pd.array([int(c) if c != "" else pd.NA for c in documents["chars"]], dtype="Int64")
    documents["similarity"] = pd.array([pd.NA] * len(documents), dtype="Float64")  # see flag_near_duplicates
    documents["contained"] = pd.array([pd.NA] * len(documents), dtype="Float64")  # see flag_excerpts
    if not sources:
        reasons = documents["reason"].value_counts()
        # counted by kind: each year outside the window is one reason (three files of three years lost to two
        # undated ones: a hostile pass of the API)
        kinds = documents["reason"].str.replace(r"^year \d+ outside", "year outside", regex=True)
        common = kinds.value_counts()
        example = documents.loc[kinds == common.index[0], "reason"].iloc[0] if len(common) else ""
        detail = f" (most common reason: {example})" if len(common) else ""
        nested = [r for r in reasons.index if r.startswith("does not match corpus.pattern") and _SUBFOLDER in r]
        if nested and nested[0] != example:  # a folder of PDFs with their texts in a subfolder
            detail += f"; {int(reasons[nested].sum())} text file(s) in subfolders: {nested[0].split(_SUBFOLDER + ' ', 1)[1]}"
        raise NoData(f"no usable text in {root}: {len(documents)} file(s) found, none usable{detail}")
    return Corpus(documents=documents, root=root, sources=sources, metadata_columns=[names[c] for c in extra_columns])


def _copy_of(row: dict, twin: dict, info, what: str, conflicts: list[str]) -> None:
    """Skip the file of ``row`` as a copy of ``twin``'s (``what`` says how it is one), naming a metadata date that
    differs from the twin's in its reason and in ``conflicts``."""
    row["reason"] = f"duplicate of {twin['path']} ({what})"
    conflict = _date_conflict(twin, info)
    if conflict:
        row["reason"] += f"; its metadata date {conflict[0]} differs from {twin['path']}'s {conflict[1]}: check which is right"
        conflicts.append(f"{row['path']} ({conflict[0]}) copies {twin['path']} ({conflict[1]})")


def _date_conflict(twin: dict, info) -> tuple[str, str] | None:
    """(the copy's metadata date, the twin's date) when a file with the same bytes as ``twin`` has a metadata
    date that differs from the twin's, else None: a wrong date must be visible, not resolved silently. Dates of
    two precisions agree when the finer lies within the coarser (2015 and 2015-03-31)."""
    if info is None or not twin["date"]:
        return None
    for column in ("date", "year"):
        value = str(info.get(column, "")).strip()
        if value:
            try:
                own = parse_date(value).date
            except ValueError:
                return (value, twin["date"])
            coarse, fine = sorted((own, twin["date"]), key=len)
            return None if fine == coarse or fine.startswith(coarse + "-") else (own, twin["date"])
    return None


def _unique_ids(rows: list[dict]) -> None:
    """Make every row's ``doc_id`` (its path without the suffix) unique: where entries would share one (a.txt and
    a.md, a metadata row "a" beside a.txt), the skipped ones take their whole path first, so a used document's id
    does not change when a file beside it is added or removed; used ones that still share an id take theirs too.
    Paths are unique, so this ends."""
    while True:
        by_id: dict[str, list[dict]] = {}
        for row in rows:
            by_id.setdefault(row["doc_id"], []).append(row)
        clashes = [group for group in by_id.values() if len(group) > 1]
        if not clashes:
            return
        for group in clashes:
            movable = [row for row in group if row["doc_id"] != row["path"]]
            skipped = [row for row in movable if row["status"] != "used"]
            for row in skipped or movable:
                row["doc_id"] = row["path"]


def _document_date(info, text: str) -> DocDate | None:
    """The metadata's date (else its year), else the text's; ValueError when the metadata's date and year differ."""
    return _metadata_date(info) or find_date(to_simplified(unicodedata.normalize("NFKC", text)))


def _metadata_date(info) -> DocDate | None:
    """The date (else the year) of a metadata row, None without either; ValueError when they differ or do not read
    as a date."""
    date, year = (str(info.get(c, "")).strip() for c in ("date", "year")) if info is not None else ("", "")
    try:  # a year cell reads as a year (2015.0 from a spreadsheet is 2015); one that does not is named as such
        year_date = parse_date(year) if year else None
    except ValueError:
        if re.fullmatch(r"\d{4}", year):  # 1898 is written as YYYY (a review): the years read are the reason
            first, last = YEAR_RANGE
            raise ValueError(f"its year {year!r} is outside the years the toolkit reads ({first}-{last})") from None
        raise ValueError(f"its year {year!r} is not a year; write it as YYYY, or empty the cell") from None
    if date:
        parsed = parse_date(date)
        if year_date is not None and year_date.year != parsed.year:
            raise ValueError(f"its date {parsed.date} and year {year_date.year} disagree; correct one, or keep only the date")
        return parsed
    return year_date
