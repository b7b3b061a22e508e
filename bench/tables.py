"""Speed of writing a run's largest tables: seconds per CSV file, interleaved with another commit's
``csv_files.write_csv``, and whether the two files are the same bytes.

    .venv/bin/python bench/tables.py [--units 47297] [--repeats 5] [--against REF]

The tables are synthetic, shaped like a run's units.csv (unit and document ids, year, a paragraph of Chinese
text, place, tokens, in-model flag, 18 theme shares, dominant and keyword theme: 27 columns) and
unit_topics.csv (unit id and 20 topic shares) for ``--units`` units (47,297: the 10M-character generated
corpus; 945,661: 200M). ``--against`` is a git revision whose toolkit/output/atomic.py is loaded beside this
checkout's (default: HEAD~1).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from common import git_commit, interleaved, module_at

THEMES, TOPICS = 18, 20


def synthetic(units: int) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(0)
    chars = np.array(list("创新驱动发展战略数字经济生态文明建设高质量推进改革开放民生保障乡村振兴"))
    paragraph = "".join(rng.choice(chars, 200))
    doc = rng.integers(0, max(units // 95, 1), units)
    ids = [f"doc_{d:06d}#{i % 10_000:04d}" for i, d in enumerate(doc)]
    themes = rng.dirichlet(np.full(THEMES, 0.3), units)
    names = [f"theme_{k}" for k in range(THEMES)]
    units_table = pd.DataFrame(
        {
            "unit_id": pd.array(ids, dtype="str"),
            "doc_id": pd.array([i[:10] for i in ids], dtype="str"),
            "year": 2000 + doc % 23,
            "text": pd.array([paragraph] * units, dtype="str"),
            "place": pd.array(["武汉"] * units, dtype="str"),
            "n_tokens": rng.integers(1, 120, units),
            "in_model": rng.random(units) > 0.02,
            **dict(zip(names, themes.T)),
            "dominant_theme": pd.array(np.array(names)[themes.argmax(axis=1)], dtype="str"),
            "keyword_theme": pd.array(np.array(names)[themes.argmin(axis=1)], dtype="str"),
        }
    )
    topics = rng.dirichlet(np.full(TOPICS, 0.1), units)
    unit_topics = pd.DataFrame({"unit_id": pd.array(ids, dtype="str"), **{f"topic_{k + 1}": topics[:, k] for k in range(TOPICS)}})
    return {"units": units_table, "unit_topics": unit_topics}


def main() -> None:
    from toolkit.output.csv_files import write_csv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=47_297)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--against", default="HEAD~1")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        try:
            reference = module_at(args.against, "toolkit/output/csv_files.py", folder)
        except subprocess.CalledProcessError:  # a revision from before the CSV writing left atomic.py
            reference = module_at(args.against, "toolkit/output/atomic.py", folder)
        writers = {"this checkout": write_csv, args.against: reference.write_csv}
        print(f"tables, toolkit {git_commit()} against {args.against}; {args.units:,} units, {args.repeats} interleaved repeats")
        for name, frame in synthetic(args.units).items():
            paths = {label: folder / f"{name}-{number}.csv" for number, label in enumerate(writers)}
            times = interleaved({label: partial(writer, paths[label], frame) for label, writer in writers.items()}, args.repeats)
            files = [path.read_bytes() for path in paths.values()]
            print(
                f"{name}.csv ({frame.shape[0]:,} x {frame.shape[1]}, {len(files[0]) / 2**20:.0f} MiB); the same "
                f"bytes: {files[0] == files[1]}"
            )
            for label, values in times.items():
                print(f"  {label:<15} {statistics.median(values):6.2f} s ({min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
