"""Fit on a sample and fold in the rest, against the fit on every unit (issue 30): yearly theme shares and time.

    .venv/bin/python bench/sampling.py [--chars 10000000] [--work /tmp/bench-sampling]

A corpus of ``--chars`` characters is generated with ../shared/bench/make_scale_corpus.py (resampled State Council
paragraphs, dated 1954-2022) and prepared once. Then, in one process, the measurement model is fitted with the
shipped defaults of bench/empty.toml (the lexicon's themes, n_topics 20, ensemble 3, the stopping rule) twice:
with ``model.sample_above = 0`` (every unit) and with the shipped ``model.sample_above`` / ``model.sample_tokens``
(a sample, the rest folded in). Printed: each fit's seconds and sweeps, the sample's size, and per theme the
Pearson r of the two fits' yearly shares (token-weighted means of the ensemble's unit shares) and their largest
difference over the years.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from common import ROOT, generated_corpus, git_commit


def yearly(prepared, fitted, names) -> pd.DataFrame:
    units = prepared.units[fitted.in_model]
    tokens = np.asarray(fitted.counts.sum(axis=1)).ravel()
    shares = pd.DataFrame(fitted.member_shares.mean(axis=0) * tokens[:, None], columns=names)
    shares["year"] = units["year"].to_numpy()
    summed = shares.groupby("year").sum()
    return summed.div(summed.sum(axis=1), axis=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-sampling"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import toolkit
    from toolkit.themes import OTHER

    corpus = generated_corpus(args.work, args.chars)
    settings = [f'corpus.texts="{corpus}"', f'corpus.metadata="{corpus / "metadata.csv"}"', 'corpus.name="bench"',
                "model.n_topics=20", f'cache.dir="{args.work / "cache"}"']
    config = toolkit.Config.load(ROOT / "bench" / "empty.toml", settings)
    prepared = toolkit.prepare(config)
    counted = toolkit.count_units(prepared, config)
    names = [*prepared.lexicon.names, OTHER]
    m = config["model"]
    print(f"sample and fold-in, toolkit {git_commit()}, {args.chars:,} characters, {counted[1].sum():,.0f} tokens "
          f"in {counted[1].shape[0]:,} units; bench/empty.toml with {'; '.join(settings[3:4])}; shipped "
          f"sample_above={m['sample_above']:,}, sample_tokens={m['sample_tokens']:,}")
    fits = {}
    for name, overrides in (("every unit", ["model.sample_above=0"]), ("sample", [])):
        this = toolkit.Config.load(ROOT / "bench" / "empty.toml", [*settings, *overrides])
        start = time.perf_counter()
        fitted = toolkit.fit(prepared, this, counted)
        seconds = time.perf_counter() - start
        stop = getattr(fitted.model, "stop_", None) or {}
        print(f"  {name}: {seconds:.0f} s, {stop.get('sweeps')} sweeps ({stop.get('reason')}), sample {fitted.sample}")
        fits[name] = yearly(prepared, fitted, names)
    full, sample = fits["every unit"], fits["sample"]
    print(f"  {'theme':<16} {'r (years)':>9} {'largest diff':>12} {'mean share':>10}")
    for theme in names:
        r = np.corrcoef(full[theme], sample[theme])[0, 1]
        print(f"  {theme:<16} {r:9.3f} {np.abs(full[theme] - sample[theme]).max():12.4f} {full[theme].mean():10.4f}")


if __name__ == "__main__":
    main()
