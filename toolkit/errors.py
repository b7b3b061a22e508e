"""The one exception type users see: a sentence that says what is wrong and how to fix it."""

INTERRUPTED = "toolkit: interrupted; earlier complete outputs are untouched"


class ToolkitError(Exception):
    """A problem with the user's input, config or environment.

    The CLI prints the message on one line and exits with code 2; no traceback.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a batch scheduler), raised in the main thread so that a run stops as
    after Ctrl-C: its temporary folder removed, its worker processes stopped, earlier outputs untouched."""


def require_columns(table, columns, function: str, name: str) -> None:
    """Raise ToolkitError when ``table`` (argument ``name`` of ``function``) lacks any of ``columns``: a notebook that
    passes the wrong table gets a sentence that names what is missing, not pandas' KeyError from deep inside."""
    missing = [str(c) for c in dict.fromkeys(columns) if c not in table.columns]
    if missing:
        have = ", ".join(map(str, table.columns[:30])) + (" ..." if len(table.columns) > 30 else "")
        raise ToolkitError(f"{function}: {name} has no column {', '.join(missing)} (its columns: {have or 'none'})")
