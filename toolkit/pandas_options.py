"""pandas options that change what pandas computes, held at pandas' defaults for the length of a toolkit call.

A notebook may set ``pd.set_option("compute.use_numba", True)`` or ``future.distinguish_nan_and_na`` for its own
work; a run then ended inside pandas (a hostile pass). The public calls (every function of the ``toolkit`` API, and
every command of the CLI) reset these options while they work and give the user's back after.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

# options that change results or make pandas take another code path; display options change no result
COMPUTING_OPTIONS = (
    "compute.use_bottleneck",
    "compute.use_numba",
    "compute.use_numexpr",
    "future.distinguish_nan_and_na",
    "future.python_scalars",
)

F = TypeVar("F", bound=Callable)


@contextlib.contextmanager
def pandas_defaults() -> Iterator[None]:
    """pandas' defaults of :data:`COMPUTING_OPTIONS` inside the block, the options as they were after it. Nothing
    to do where pandas is not imported yet (then no option was set); an option this pandas lacks is left out."""
    pd = sys.modules.get("pandas")
    if pd is None:
        yield
        return
    saved = {}
    for name in COMPUTING_OPTIONS:
        try:
            saved[name] = pd.get_option(name)
        except (pd.errors.OptionError, KeyError):
            continue
    try:
        for name in saved:
            pd.reset_option(name)
        yield
    finally:
        for name, value in saved.items():
            pd.set_option(name, value)


def public(value, name: str, module: str):
    """``value`` as the API module ``module`` gives it under ``name``: a function run inside
    :func:`pandas_defaults` (``toolkit.count_terms``, ``toolkit.estimate_effects`` ... ended inside pandas under a
    notebook's options: a review), named as the module's own so that it pickles; a class or other value as it is."""
    import inspect

    if not inspect.isfunction(value) or inspect.isgeneratorfunction(value):
        return value
    wrapper = with_pandas_defaults(value)
    wrapper.__module__, wrapper.__qualname__ = module, name
    return wrapper


def with_pandas_defaults(function: F) -> F:
    """``function`` run inside :func:`pandas_defaults`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with pandas_defaults():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
