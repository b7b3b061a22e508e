"""Calibration of the covariate effects (effects.csv): how often a term without an effect is called significant.

Simulated corpora without any effect: G documents, one a year (2000, 2001, ...), each of 30 units of 20-80 tokens;
a document's share of the theme is 0.20 plus a document effect (sd 0.04), each unit's share a Beta draw around it
(concentration 20). Each corpus goes through ``toolkit.analysis.effects.estimate_effects`` with the formula
``year`` (one ensemble member, the shipped 200 draws or ``--draws``) and, for a category, ``year + C(level)`` with the documents
dealt at random to two levels. Printed per G: the share of corpora whose 95% interval of the term excludes 0
(nominal 5%) with its binomial standard error, the share whose p-value is below 0.05 (the exact p-value of the
draws' distribution), and the median width of the interval.

    .venv/bin/python bench/effects_calibration.py [--simulations 400] [--sizes 5,10,23,60] [--draws 200]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import git_commit  # noqa: E402

from toolkit.analysis.effects import estimate_effects  # noqa: E402


def null_corpus(n_documents: int, rng) -> tuple[pd.DataFrame, np.ndarray]:
    rows, shares = [], []
    levels = rng.permutation(np.arange(n_documents) % 2)
    for d in range(n_documents):
        document = 0.20 + rng.normal(0, 0.04)
        for u in range(30):
            value = float(rng.beta(20 * document, 20 * (1 - document)))
            rows.append(
                {"doc_id": f"d{d}", "unit_id": f"d{d}-{u}", "year": 2000 + d, "level": f"l{levels[d]}"}
                | {"n_tokens": int(rng.integers(20, 81))}
            )
            shares.append([value, 1 - value])
    return pd.DataFrame(rows), np.array(shares)[None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=400)
    parser.add_argument("--sizes", default="5,10,23,60")
    parser.add_argument("--draws", type=int, default=200, help="coefficient draws (effects.draws; shipped: 200)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = f"{args.simulations} corpora per size, {args.draws} draws"
    print(f"effects without an effect, toolkit {git_commit()}, {runs}, 95% intervals")
    checks = [("year", "year"), ("year + C(level)", "C(level)[T.l1]")]
    for n in sizes:
        rng = np.random.default_rng(n)
        called = {term: [] for _, term in checks}
        below = {term: [] for _, term in checks}
        widths = {term: [] for _, term in checks}
        for s in range(args.simulations):
            units, shares = null_corpus(n, rng)
            for formula, term in checks:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    effects, _ = estimate_effects(units, shares, ["theme"], formula, draws=args.draws, random_state=s, x="")
                row = effects[effects["term"] == term].iloc[0]
                called[term].append(bool(row["low"] > 0 or row["high"] < 0))
                below[term].append(bool(row["p_value"] < 0.05))
                widths[term].append(float(row["high"] - row["low"]))
        for _, term in checks:
            rate = float(np.mean(called[term]))
            se = (rate * (1 - rate) / args.simulations) ** 0.5
            print(
                f"  {n:3d} documents, {term:15s}: interval excludes 0 in {rate:6.1%} (+/- {se:.1%}) of corpora, "
                f"p < 0.05 in {np.mean(below[term]):6.1%}; median width {np.median(widths[term]):.3f}"
            )


if __name__ == "__main__":
    main()
