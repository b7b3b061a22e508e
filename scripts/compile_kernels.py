"""Compile the numba kernels once, at install time, so that the first analysis after installing does not pay
for it (about half a minute on two cores). numba keeps the machine code beside each module (``cache=True``);
this runs two tiny analyses of the seed documents (the keyword-assisted model with its trends bootstrap, and
LDA) in a temporary folder, with a temporary token cache, and leaves nothing else behind.

    .venv/bin/python scripts/compile_kernels.py        (the Makefile's set-up runs it)
"""

from __future__ import annotations

import os
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
    'figures.formats=["png"]',
    "trends.bootstrap=20",
]


def main() -> None:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="toolkit-compile-") as work:
        os.environ["TOOLKIT_CACHE_DIR"] = str(Path(work) / "cache")
        import logging

        import toolkit

        logging.getLogger("toolkit").setLevel(logging.WARNING)
        config = ROOT / "configs" / "seeds.toml"
        toolkit.run(toolkit.Config.load(config, TINY), Path(work) / "keyatm")
        toolkit.run(toolkit.Config.load(config, [*TINY, 'model.kind="lda"', "model.n_topics=5"]), Path(work) / "lda")
    print(f"compiled the numba kernels in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
