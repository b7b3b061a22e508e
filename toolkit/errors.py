"""The one exception type users see: a sentence that says what is wrong and how to fix it."""

INTERRUPTED = "toolkit: interrupted; earlier complete outputs are untouched"


class ToolkitError(Exception):
    """A problem with the user's input, config or environment.

    The CLI prints the message on one line and exits with code 2; no traceback.
    """


class NoData(ToolkitError):
    """The settings leave nothing to analyse in the corpus (no usable text, no word, a vocabulary of nothing): a fact
    of these settings on these texts, for which a sweep skips the grid point that asks for them (where a missing
    file or a bad value stops it)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a batch scheduler), raised in the main thread so that a run stops as
    after Ctrl-C: its temporary folder removed, its worker processes stopped, earlier outputs untouched."""


def require_columns(table, columns, function: str, name: str) -> None:
    """Raise ToolkitError when ``table`` (argument ``name`` of ``function``) lacks any of ``columns``: a notebook that
    passes the wrong table gets a sentence that names what is missing, not pandas' KeyError from deep inside."""
    if not hasattr(table, "columns"):  # a file's name given for its table: AttributeError 'str' ... 'columns'
        raise ToolkitError(
            f"{function}: {name} must be a table (a pandas DataFrame, such as a RunResult's or pandas.read_csv's), "
            f"not {type(table).__name__}"
        )
    missing = [str(c) for c in dict.fromkeys(columns) if c not in table.columns]
    if missing:
        have = ", ".join(map(str, table.columns[:30])) + (" ..." if len(table.columns) > 30 else "")
        raise ToolkitError(f"{function}: {name} has no column {', '.join(missing)} (its columns: {have or 'none'})")


def as_list(values) -> list:
    """``values`` (a list, tuple or set of words, terms, themes or paths) as a list, a single string or path as a list
    of one, as :func:`toolkit.count_terms` takes a term: not read one character at a time (``extra_words="热带雨林式"``
    added no word, ``stopwords="创新"`` stopped 创 and 新, ``kwic(texts, "创新")`` showed every 创 and every 新, a
    tuple of themes was one column's name to pandas: a hostile pass of the API)."""
    import os

    if isinstance(values, (str, bytes, os.PathLike)):
        return [values]
    try:
        return list(values)
    except TypeError:  # None, a number: one line, not Python's "'NoneType' object is not iterable" (a hostile pass)
        raise ToolkitError(f"expected a list (or one string), not {type(values).__name__}") from None


def require_type(value, kind: type | tuple[type, ...], function: str, name: str, expected: str, hint: str = "") -> None:
    """ToolkitError naming ``function`` and its argument ``name`` when ``value`` is not of ``kind`` (said as
    ``expected``), with a ``hint`` of what to do, not a TypeError or AttributeError from inside a library
    (``Normalizer().normalize(None)``, ``decode("文本")``: a hostile pass of the API)."""
    if not isinstance(value, kind):
        raise ToolkitError(f"{function}: {name} must be {expected}, not {type(value).__name__}{hint}")
