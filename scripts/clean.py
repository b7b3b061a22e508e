"""`make clean`: remove what `make figures` wrote under runs/ (for each config of configs/, runs/<name> and
runs/<name>-sweep) where all of it is the toolkit's output as written, and the locks beside them. Anything else is
kept and named: a folder a user added to or edited, a validation export with coders' sheets in it, a study of
one's own in runs/ (`rm -rf runs` lost them: a hostile pass of data safety). The Makefile removes .venv after it.

    .venv/bin/python scripts/clean.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def removable(folder: Path) -> bool:
    """Whether everything in ``folder`` is the toolkit's, as written: a run's output whole, or a sweep folder of
    such runs and summary."""
    from toolkit.output import atomic

    if folder.is_symlink() or not folder.is_dir():
        return False
    if atomic.written_by_toolkit(folder):
        return True
    if not atomic.is_sweep_folder(folder):
        return False
    for entry in folder.iterdir():
        if entry.name == atomic.SWEEP_MARKER or (entry.name.startswith(".") and entry.name.endswith(".lock")):
            continue
        if entry.name == "runs" and entry.is_dir() and not entry.is_symlink():
            if not all(atomic.written_by_toolkit(run) for run in entry.iterdir()):
                return False
        elif not atomic.written_by_toolkit(entry):
            return False
    return True


def main() -> int:
    runs = ROOT / "runs"
    kept = []
    for config in sorted((ROOT / "configs").glob("*.toml")):
        for name in (config.stem, f"{config.stem}-sweep"):
            folder = runs / name
            if not folder.exists() and not folder.is_symlink():
                continue
            if removable(folder):
                shutil.rmtree(folder)
                (runs / f".{name}.lock").unlink(missing_ok=True)
            else:
                kept.append(folder)
    if runs.is_dir() and not any(runs.iterdir()):
        runs.rmdir()
    for folder in kept:
        print(f"kept {folder.relative_to(ROOT)}: it holds files the toolkit did not write, or edited since", file=sys.stderr)
    if runs.is_dir():
        left = sorted(p.name for p in runs.iterdir() if not p.name.startswith("."))
        if left:
            print(f"runs/ keeps {', '.join(left)}: remove by hand what you no longer need", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
