import atexit
import os
import sys

from .errors import INTERRUPTED

_exit_code = None  # set after an interrupt: the code this process ends with


def _end_with_exit_code() -> None:
    """After an interrupt, the last thing this process does: end with the toolkit's exit code (130 or 143).

    CPython ends ``python -m`` by SIGINT (exit -2) when a KeyboardInterrupt went through ``exec`` or ``eval`` of a
    string on its way to being caught, whatever the code passed to ``sys.exit``: it takes the interrupt for an
    unhandled one. Ctrl-C lands there when it comes while a dataclass or a namedtuple is made (the imports of a
    run's later stages, pandas' ``itertuples``). Registered first, this runs after every other exit handler (the
    worker pools', the temporary folders'), with the run's clean-up long done."""
    if _exit_code is not None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(_exit_code)


atexit.register(_end_with_exit_code)
try:  # an interrupt can arrive while the command is still importing
    from .cli import EXIT_INTERRUPTED, EXIT_TERMINATED, main

    code = main()
    if code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
        _exit_code = code
except KeyboardInterrupt:
    print(INTERRUPTED, file=sys.stderr)
    code = _exit_code = 130
sys.exit(code)
