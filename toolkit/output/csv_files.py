"""CSV files of a run and of the commands: UTF-8, floats to six decimals (p-values and estimates to six significant digits; the
same text on every machine), text cells that a spreadsheet would run as a formula neutralised, written atomically
(:mod:`toolkit.output.atomic`)."""

from __future__ import annotations

import csv
import os
import re
import stat
from pathlib import Path

from ..errors import ToolkitError
from ..resources import file_kind
from .atomic import (
    check_outside_inputs,
    check_own_file,
    check_reserved,
    is_output_folder,
    is_sweep_folder,
    open_for_writing,
    write_listed,
)

CSV_ROWS = 10_000  # rows of a table turned into text at a time
# Columns of p-values: written to six significant digits (1.23457e-09), not six decimals, which wrote a change's
# p of 1e-15 as 0.000000, a p of zero (report.html shows them as <0.001).
P_VALUES = ("p_value", "p_adjusted")
# Columns of estimates in the units of a covariate: six decimals where they keep three significant digits, else six
# significant digits (an effect of GDP in yuan, -2.1e-11 a yuan, was written -0.000000 with its interval, lost from
# every output; six significant digits alone wrote an intercept of -4598299.12 as -4.5983e+06)
ESTIMATES = ("estimate", "low", "high", "expected")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# a cell that is a plain number (-0.5, +3, -2e5): a spreadsheet reads it as that number, never as a formula
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _guarded(text: str) -> bool:
    """Whether a text cell is written with a leading apostrophe: it would start a formula (= + - @, a tab or a
    carriage return) once any apostrophes of its own are read away, and it is not a plain number."""
    return text.lstrip("'").startswith(_FORMULA_START) and _NUMBER.fullmatch(text) is None


def spreadsheet_safe(value):
    """A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage
    return) gets a leading apostrophe, as OWASP recommends for CSV exports (a number such as -0.5 stays a number);
    so does one that starts with apostrophes before such a character, so that :func:`unguarded` gives every value
    back as it was. Anything else is returned as is."""
    if isinstance(value, str) and _guarded(value):
        return "'" + value
    return value


def unguarded(value):
    """A cell of a CSV this module wrote, as it was before :func:`spreadsheet_safe` (what report.html shows)."""
    if isinstance(value, str) and value.startswith("'") and _guarded(value[1:]):
        return value[1:]
    return value


def unguarded_table(table):
    """``table`` (read back from a CSV this module wrote, or a spreadsheet saved again) with each text cell as it
    was before :func:`spreadsheet_safe`: written from it again, a cell is guarded once, not twice."""
    import pandas as pd

    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(unguarded)
    return table


def _formula_cells(column):
    """Which cells of a column :func:`spreadsheet_safe` would change (None for a column that holds no text).
    Columns of pandas' string type are tested without making a Python string of every cell (a run's units.csv
    holds every unit's text)."""
    import pandas as pd

    if isinstance(column.dtype, pd.StringDtype):
        starts = column.str.lstrip("'").str.startswith(_FORMULA_START).fillna(False).astype(bool)
        return starts & ~column.str.fullmatch(_NUMBER).fillna(False).astype(bool)
    if pd.api.types.is_object_dtype(column):
        return column.map(lambda v: spreadsheet_safe(v) is not v).astype(bool)
    return None


def write_csv(path: str | os.PathLike, frame, *, bom: bool = False) -> None:
    """A DataFrame as UTF-8 CSV (no index, floats to 6 decimals, \\n line ends), written atomically in pieces
    so no copy of the whole table is built in memory. Text cells that a spreadsheet would read as a formula are
    neutralised (:func:`spreadsheet_safe`); numbers are written as numbers. ``bom`` starts the file with a
    byte-order mark, which Excel needs to read UTF-8 Chinese correctly."""
    with open_for_writing(path, "w") as handle:
        if bom:
            handle.write("\ufeff")
        write_csv_to(handle, frame)


def write_csv_to(handle, frame) -> None:
    """A DataFrame as CSV text on the open text stream ``handle`` (a file, or stdout for a command's table), as
    :func:`write_csv` writes it: formula cells neutralised, floats to 6 decimals, a block of rows at a time."""
    import numpy as np
    import pandas as pd

    from .fixedpoint import fixed_point

    # a column of categories as its values: the guards below test text columns, and a category column's cells were
    # neither guarded nor quoted (a review: '\r=1+1' written as two rows, the second a formula)
    if any(isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes):
        frame = frame.apply(lambda column: column.astype(object) if isinstance(column.dtype, pd.CategoricalDtype) else column)
    names = pd.Series([str(c) for c in frame.columns], dtype=object)
    if _formula_cells(names).any():  # a column named by the user's metadata ('=HYPERLINK(...)', '-2+3')
        frame = frame.set_axis([spreadsheet_safe(name) for name in names], axis=1)
    risky = {c: mask for c in frame.columns if (mask := _formula_cells(frame[c])) is not None and mask.any()}
    if risky:
        frame = frame.copy()
        for column, mask in risky.items():
            frame[column] = frame[column].where(~mask, "'" + frame[column].astype(str))
    # Python's csv writer quotes a cell with a character of the line end (\n) but not a lone \r, which ends the row for
    # every reader (a title '第一行\r=1+1' became two rows, the second a formula: a mutation audit); a table that holds
    # one has its text cells quoted
    quoting = csv.QUOTE_NONNUMERIC if _holds_carriage_return(frame) else csv.QUOTE_MINIMAL
    # floats are turned into text a block of rows at a time, as pandas writes (but not one value at a time)
    floats = [i for i, dtype in enumerate(frame.dtypes) if isinstance(dtype, np.dtype) and dtype.kind == "f"]
    for start in range(0, max(len(frame), 1), CSV_ROWS):
        rows = frame.iloc[start : start + CSV_ROWS]
        if floats:
            rows = rows.copy(deep=False)
            for i in floats:
                values = rows.iloc[:, i].to_numpy()
                if frame.columns[i] in P_VALUES:
                    rows.isetitem(i, np.array(["" if np.isnan(x) else f"{x:.6g}" for x in values], dtype=object))
                elif frame.columns[i] in ESTIMATES:
                    fixed = fixed_point(values, 6)
                    small = ((np.abs(values) < 0.001) & (values != 0)) | (np.abs(values) >= 1e15)  # 1e300: 300 digits
                    rows.isetitem(i, np.where(small, np.array([f"{x:.6g}" for x in values], dtype=object), fixed))
                else:
                    rows.isetitem(i, fixed_point(values, 6))
        rows.to_csv(handle, index=False, header=start == 0, float_format="%.6f", lineterminator="\n", quoting=quoting)


def _holds_carriage_return(frame) -> bool:
    """Whether a column name or a text cell of ``frame`` holds a carriage return."""
    import pandas as pd

    if any("\r" in str(name) for name in frame.columns):
        return True
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.StringDtype):  # without a Python string of every cell, as _formula_cells
            if column.str.contains("\r", regex=False).fillna(False).any():
                return True
        elif pd.api.types.is_object_dtype(column) and column.map(lambda v: isinstance(v, str) and "\r" in v).any():
            return True
    return False


def write_csv_file(
    path: str | os.PathLike, frame, *, flag: str = "--out", inputs: dict[str, Path] | None = None, bom: bool = False
) -> None:
    """A table a command writes where its user says (``--out FILE``): written whole or not at all, never over a
    file the toolkit did not write and never among the command's ``inputs`` (see
    :func:`~toolkit.output.atomic.check_outside_inputs`). An existing file is replaced only when the toolkit wrote
    it there and nobody has changed it since (listed with its SHA-256 in the folder's marker): a table kept and
    annotated by hand is not written over, whatever its header. ``bom``: as :func:`write_csv` (``output.excel_bom``)."""
    # a folder's name: "--out notes/" (or notes/.) had written a file named notes
    if os.fspath(path).endswith(("/", os.sep)) or os.path.basename(os.fspath(path)) in (".", ".."):
        raise ToolkitError(f"{flag} {os.fspath(path)} names a folder; give a file name such as {Path(path) / 'table.csv'}")
    path = Path(path)
    check_reserved(path, flag)
    check_outside_inputs(path, inputs, flag=flag, example="a file in another folder")
    if path.is_dir():
        raise ToolkitError(f"{flag} {path} is a folder; give a file name such as {path / 'table.csv'}")
    output = next((f for f in path.absolute().parents if is_output_folder(f) or is_sweep_folder(f)), None)
    if output is not None:
        raise ToolkitError(
            f"{flag} {path} is inside {output}, an output the toolkit replaces whole when it runs again (the table "
            "would go with it, or keep it from being replaced); choose a file elsewhere"
        )
    if path.exists() or path.is_symlink():
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISLNK(mode):  # never opened: a FIFO would wait for a writer
            raise ToolkitError(
                f"{flag} {path} is {file_kind(mode)}, not a table this command wrote; choose another "
                "name (the toolkit writes only regular files)"
            )
        try:
            check_own_file(path)
        except ToolkitError:
            raise ToolkitError(
                f"{flag} {path} exists and is not a table this toolkit wrote there, unchanged since; choose another "
                "name or move it away (the toolkit does not overwrite files it did not write, or edited ones)"
            ) from None
    if not path.parent.is_dir():
        raise ToolkitError(f"{flag} {path}: folder {path.parent} does not exist")
    try:
        write_listed(path, lambda target: write_csv(target, frame, bom=bom))
    except OSError as exc:
        raise ToolkitError(f"cannot write {path}: {exc.strerror}") from None
