"""The one exception type users see: a sentence that says what is wrong and how to fix it."""

INTERRUPTED = "toolkit: interrupted; earlier complete outputs are untouched"


class ToolkitError(Exception):
    """A problem with the user's input, config or environment.

    The CLI prints the message on one line and exits with code 2; no traceback.
    """


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a batch scheduler), raised in the main thread so that a run stops as
    after Ctrl-C: its temporary folder removed, its worker processes stopped, earlier outputs untouched."""
