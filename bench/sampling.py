"""Fit on a sample and fold in the rest, against the fit on every unit (issue 30): yearly theme shares and time.

    .venv/bin/python bench/sampling.py [--chars 10000000] [--work /tmp/bench-sampling]

A corpus of ``--chars`` characters is generated with ../shared/bench/make_scale_corpus.py (resampled State Council
paragraphs, dated 2014-2021, the generator's default) and prepared once. Then, in one process, the measurement
model is fitted with the shipped defaults of bench/empty.toml (the lexicon's themes, n_topics 20, ensemble 3, the
stopping rule) twice:
with ``model.sample_above = 0`` (every unit) and with the shipped ``model.sample_above`` / ``model.sample_tokens``
(a sample, the rest folded in). Printed: each fit's seconds and sweeps, the sample's size, and per theme the
Pearson r of the two fits' yearly shares (token-weighted means of the ensemble's unit shares) and their largest
difference over the years, and the same over the documents.

    .venv/bin/python bench/sampling.py --real [--fraction 0.25]

The same on the State Council reports (configs/gwr_national.toml as shipped, 1954-2022): real text whose
paragraphs do not repeat, which a generated corpus above the reports' 1.1M characters must do (each paragraph
several times: repeated text lowers `other` in the fit that holds every copy, bench/RESULTS.md); the sample is
``--fraction`` of the modelled tokens (the corpus is below the shipped ``model.sample_above``, so the sample is
asked for with ``model.sample_above = 1``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT, generated_run, git_commit


def shares_by(prepared, fitted, names, column: str) -> pd.DataFrame:
    """Token-weighted theme shares of each value of ``column`` (year or doc_id) of the modelled units."""
    units = prepared.units[fitted.in_model]
    tokens = np.asarray(fitted.counts.sum(axis=1)).ravel()
    shares = pd.DataFrame(fitted.member_shares.mean(axis=0) * tokens[:, None], columns=names)
    shares[column] = units[column].to_numpy()
    summed = shares.groupby(column).sum()
    return summed.div(summed.sum(axis=1), axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-sampling"))
    parser.add_argument("--real", action="store_true", help="the State Council reports instead of a generated corpus")
    parser.add_argument("--fraction", type=float, default=0.25, help="with --real: the sample's share of the tokens")
    args = parser.parse_args()
    if args.real:
        import sys

        sys.path.insert(0, str(ROOT))
        import toolkit

        base, settings = ROOT / "configs" / "gwr_national.toml", [f'cache.dir="{args.work / "cache"}"']
        config = toolkit.Config.load(base, settings)
        prepared = toolkit.prepare(config)
        counted = toolkit.count_units(prepared, config)
        asked = ["model.sample_above=1", f"model.sample_tokens={int(counted[1].sum() * args.fraction)}"]
        what = f"the State Council reports (configs/gwr_national.toml), a sample of {args.fraction:.0%} of the tokens"
    else:
        toolkit, settings, config, prepared, counted = generated_run(args.work, args.chars)
        base, asked = ROOT / "bench" / "empty.toml", []
        what = f"{args.chars:,} characters generated; bench/empty.toml with {'; '.join(settings[4:])}"
    from toolkit.analysis.lexicon import OTHER

    names = [*prepared.lexicon.names, OTHER]
    m = config["model"]
    print(
        f"sample and fold-in, toolkit {git_commit()}, {what}, {counted[1].sum():,.0f} tokens in "
        f"{counted[1].shape[0]:,} units; sample_above={m['sample_above']:,}, sample_tokens={m['sample_tokens']:,} "
        f"(shipped) {' '.join(asked)}"
    )
    fits = {}
    for name, overrides in (("every unit", ["model.sample_above=0"]), ("sample", asked)):
        this = toolkit.Config.load(base, [*settings, *overrides])
        start = time.perf_counter()
        fitted = toolkit.fit(prepared, this, counted)
        seconds = time.perf_counter() - start
        stop = getattr(fitted.model, "stop_", None) or {}
        print(f"  {name}: {seconds:.0f} s, {stop.get('sweeps')} sweeps ({stop.get('reason')}), sample {fitted.sample}")
        fits[name] = {c: shares_by(prepared, fitted, names, c) for c in ("year", "doc_id")}
    full, sample = fits["every unit"], fits["sample"]
    years, documents = len(full["year"]), len(full["doc_id"])
    print(
        f"  {'theme':<22} {f'r ({years} years)':>13} {'largest diff':>12} {f'r ({documents} docs)':>13} "
        f"{'largest diff':>12} {'mean share':>10} {'sample - all':>12}"
    )
    for theme in names:
        cells = []
        for column in ("year", "doc_id"):
            a, b = full[column][theme], sample[column][theme]
            cells.append(f"{np.corrcoef(a, b)[0, 1]:13.3f} {np.abs(a - b).max():12.4f}")
        shift = (sample["year"][theme] - full["year"][theme]).mean()  # the level: the mean difference over the years
        print(f"  {theme:<22} {' '.join(cells)} {full['year'][theme].mean():10.4f} {shift:+12.4f}")


if __name__ == "__main__":
    main()
