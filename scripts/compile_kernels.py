"""Compile the numba kernels once, at install time, so that the first analysis after installing does not pay
for it (about half a minute on two cores), after removing any compiled before (:func:`remove_compiled_kernels`).
numba keeps the machine code beside each module (``cache=True``);
this runs two tiny analyses of the seed documents (the keyword-assisted model with its trends bootstrap, and
LDA) in a temporary folder, with a temporary token cache, and leaves nothing else behind.

With ``--bytecode`` it also byte-compiles the installed packages (``compileall`` on every core, in a child
process beside the kernels' compilation, stopped with this script), which the Makefile's set-up asks of it
instead of pip (pip compiles file after file on one core): the set-up takes 10 s less on two cores. It leaves
out what neither a run nor the tests import (``never_imported``): 6 s less again.

    .venv/bin/python scripts/compile_kernels.py --bytecode        (the Makefile's set-up runs it)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TINY = [
    "model.ensemble=1",
    "model.keyatm.iterations=2",
    "model.keyatm.samples=1",
    "model.keyatm.thin=1",
    "figures.ldavis=false",
    # one figure, small: the drawing workers start and matplotlib builds its font list (on its first import in
    # a new environment); the other figures compile nothing and cost the set-up 5 CPU-s
    'figures.formats=["png"]',
    'figures.only=["theme_shares"]',
    "figures.dpi=30",
    "trends.bootstrap=20",
]


def main() -> None:
    start = time.perf_counter()
    bytecode = None
    if "--bytecode" in sys.argv[1:]:
        # in this process's group: a Ctrl-C reaches it (and its workers) too; a file that is no Python 3.11, as
        # some packages ship for their tests, is left without bytecode, as pip leaves it
        packages = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
        command = [sys.executable, "-m", "compileall", "-qq", "-j", "0", "-x", never_imported(packages), *packages]
        bytecode = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        compile_kernels()
        if bytecode is not None:
            bytecode.wait()
    finally:
        if bytecode is not None and bytecode.poll() is None:  # the kernels failed or were interrupted
            bytecode.terminate()
            bytecode.wait()
    print(f"compiled the numba kernels{' and the bytecode' if bytecode else ''} in {time.perf_counter() - start:.0f} s")


def never_imported(packages: list[str]) -> str:
    """A pattern (compileall's ``-x``) of the installed files that neither a run nor this project's tests import:
    the packages' own test suites (``tests/`` or ``test/`` below a package), pip and setuptools, and a
    ``site-packages`` folder inside a package (pyLDAvis 3.4's wheel ships a virtual environment of its own, 700
    modules of pip and setuptools): 5,700 of the 12,100 modules of the environment. Measured: the whole test suite,
    run in a fresh environment without precompiled bytecode, wrote the bytecode of 4,036 modules, none of them
    matched here. Anchored at the installation's own folders, so that a checkout inside a folder named ``tests``
    is compiled all the same."""
    roots = "|".join(re.escape(os.path.join(folder, "")) for folder in packages)
    separator = re.escape(os.sep)
    return rf"^({roots})((pip|setuptools){separator}|.*{separator}tests?{separator}|.+{separator}site-packages{separator})"


def remove_compiled_kernels() -> int:
    """Remove numba's machine code of the toolkit's kernels (``*.nbi`` and ``*.nbc`` in the package's
    ``__pycache__`` folders), so that every kernel is compiled from the code as it is now. numba checks a cached
    kernel against its own module's file only: a kernel of ``models/_gibbs.py`` that calls ``random_streams``
    kept the old random streams after a ``git pull`` changed that module alone (a hostile pass of the caches)."""
    removed = 0
    for path in (ROOT / "toolkit").rglob("__pycache__/*"):
        if path.suffix in (".nbi", ".nbc") and path.is_file():
            path.unlink()
            removed += 1
    return removed


def compile_kernels() -> None:
    remove_compiled_kernels()
    with tempfile.TemporaryDirectory(prefix="toolkit-compile-") as work:
        os.environ["TOOLKIT_CACHE_DIR"] = str(Path(work) / "cache")
        import logging

        import toolkit

        logging.getLogger("toolkit").setLevel(logging.ERROR)  # the tiny runs' warnings are about them, not the set-up
        config = ROOT / "configs" / "seeds.toml"
        toolkit.run(toolkit.Config.load(config, TINY), Path(work) / "keyatm")
        toolkit.run(toolkit.Config.load(config, [*TINY, 'model.kind="lda"', "model.n_topics=5"]), Path(work) / "lda")


if __name__ == "__main__":
    main()
