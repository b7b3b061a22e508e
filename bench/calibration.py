"""Calibration of the intervals: coverage on simulated corpora with a known truth, and false and true "clear"
changes on the State Council reports dealt out at random to years.

    .venv/bin/python bench/calibration.py [--simulations 400] [--deals 200] [--dealt 1,10] [--short 100] [--rare 200]

1. Simulated corpora: a period of n documents (1, 2, 3, 5, 8, 10, 12, 15, 20) among four more periods of
   max(n, 2) documents; each document's share of a theme is the period's true share (0.20) plus a document
   effect (sd 0.04), each of its 30 units a Beta draw with the document's share as its mean (concentration
   20), units of 20-80 tokens. Coverage: how often the 95% interval of the period's share holds the true
   share (goal 93-97%). Drop one document: the same table with the period's last document left out; the
   ratio of the period's interval widths, n - 1 documents against n (median and largest over the
   simulations; sqrt(n / (n - 1)) expected of a width that goes like 1 / sqrt(n)).
2. Null deals: the fitted unit shares of configs/gwr_national.toml (ensemble of 3, the shipped settings) with
   the reports dealt at random to two years, n a year (1, 2, 3, 5, 8, 10, 11: 23 reports hold two years of
   11 at most): the share of themes whose change is called clear (simultaneous intervals; goal <= 5%) and
   whose ordinary 95% interval excludes 0 (nominal 5%); then the same deals with ecology planted 0.2 higher
   in the later year (power).
3. Short documents: one document a year over 16 years, of 2-3 paragraphs in odd years and 30 in even ones,
   every paragraph drawn from one population (no change): it holds each of two themes with probability 0.25 and
   0.1 (a share uniform on 0.05-0.4), else none of it (the model's exact membership: a theme has no share in a
   paragraph without its keywords), 20-80 tokens. Coverage of the true share by the 95% intervals of the short
   and of the long years, and how many intervals have zero width (``--short`` simulations).
4. Rare themes: six years of n documents (3, 5, 10, 20) of 10-30 paragraphs (20-80 tokens); a theme held by a
   share of the documents (0.15, 0.3, 0.6), in 25% (0.15) or 40% of their paragraphs (a share uniform on
   0.05-0.4), else exact zeros; a second theme in 10% of every document's paragraphs. Coverage of the true share
   by each year's 95% interval, and how often the truth lies above it and below it (2.5% each, nominal): the
   interval is symmetric, the sampling distribution of a share made mostly of zeros is not (``--rare``
   simulations).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


TRUTH = 0.20
N_BOOT = 300  # bootstrap replicates of every table below


def simulated_period(n_documents: int, rng, truth: float = TRUTH) -> tuple[pd.DataFrame, np.ndarray]:
    rows, shares = [], []
    for d in range(n_documents):
        document = truth + rng.normal(0, 0.04)
        for _ in range(30):
            value = float(rng.beta(20 * document, 20 * (1 - document)))
            rows.append({"doc_id": f"d{d}", "year": 2001, "n_tokens": int(rng.integers(20, 81))})
            shares.append([value, 1 - value])
    return pd.DataFrame(rows), np.array(shares)[None]


SIZES = (1, 2, 3, 5, 8, 10, 12, 15, 20)
DEALT = (1, 2, 3, 5, 8, 10, 11)


def _interval(units: pd.DataFrame, shares: np.ndarray, seed: int) -> tuple[float, float]:
    from toolkit.analysis.trends import ShareModel

    table, _ = ShareModel(units, shares, ["theme", "other"], n_boot=N_BOOT, random_state=seed).table(["year"], [(2001,)])
    row = table[table["theme"] == "theme"].iloc[0]
    return float(row["share_low"]), float(row["share_high"])


def coverage(simulations: int, sizes=SIZES) -> None:
    print(
        f"1. coverage of the 95% interval of a period's share (truth {TRUTH}; document sd 0.04, units Beta with "
        "concentration 20), and the change of its width when one of its documents is dropped:"
    )
    for n in sizes:
        rng = np.random.default_rng(n)
        held, ratios = 0, []
        for s in range(simulations):
            # the other periods of the corpus, from which a one-document period borrows the document level
            units, shares = [], []
            for year in range(2001, 2006):
                frame, share = simulated_period(n if year == 2001 else max(n, 2), rng)
                units.append(frame.assign(year=year, doc_id=frame["doc_id"] + f"-{year}"))
                shares.append(share)
            units, shares = pd.concat(units, ignore_index=True), np.concatenate(shares, axis=1)
            low, high = _interval(units, shares, s)
            held += int(low <= TRUTH <= high)
            if n > 1:
                keep = (units["doc_id"] != f"d{n - 1}-2001").to_numpy()
                low_less, high_less = _interval(units[keep].reset_index(drop=True), shares[:, keep], s)
                ratios.append((high_less - low_less) / (high - low))
        dropped = (
            f"; width with one document dropped / width: median {np.median(ratios):.3f}, largest "
            f"{np.max(ratios):.3f} (sqrt(n / (n - 1)) = {np.sqrt(n / (n - 1)):.3f})"
            if ratios
            else ""
        )
        print(f"   {n:2d} document(s) in the period: {held / simulations:.1%} of {simulations} simulations{dropped}", flush=True)


def deals(n_deals: int, sizes=DEALT) -> None:
    import toolkit
    from toolkit.analysis.trends import ShareModel

    config = toolkit.Config.load(ROOT / "configs" / "gwr_national.toml", ["figures.ldavis=false"])
    prepared = toolkit.prepare(config)
    fitted = toolkit.fit(prepared, config)
    units = prepared.units[fitted.in_model].reset_index(drop=True)
    units["n_tokens"] = np.asarray(fitted.counts.sum(axis=1)).ravel()
    themes = [*prepared.lexicon.names, "other"]
    ecology = themes.index("ecology")
    docs = units["doc_id"].unique()
    print(
        f"2. the {len(docs)} State Council reports 2000-2022 dealt at random to two years ({n_deals} deals each; "
        f"model {config['model']['kind']}, ensemble {config['model']['ensemble']}):"
    )
    for n in sizes:
        rng = np.random.default_rng(n)
        clear = excluded = planted = 0
        for deal in range(n_deals):
            chosen = rng.choice(docs, size=2 * n, replace=False)
            year = {d: 2001 + i // n for i, d in enumerate(chosen)}
            keep = units["doc_id"].isin(chosen).to_numpy()
            dealt = units[keep].assign(year=units.loc[keep, "doc_id"].map(year))
            order = np.argsort(dealt["year"].to_numpy(), kind="stable")
            dealt = dealt.iloc[order].reset_index(drop=True)
            shares = fitted.member_shares[:, keep][:, order]
            change = ShareModel(dealt, shares, themes, n_boot=N_BOOT, random_state=deal).change(["year"], (2001,), (2002,))
            named = change[change["theme"] != "other"]
            clear += int(named["clear"].sum())
            excluded += int(((named["change_low"] > 0) | (named["change_high"] < 0)).sum())
            shifted = shares.copy()
            late = dealt["year"].to_numpy() == 2002
            shifted[:, late] *= 0.8
            shifted[:, late, ecology] += 0.2
            row = ShareModel(dealt, shifted, themes, n_boot=N_BOOT, random_state=deal).change(["year"], (2001,), (2002,))
            planted += int(row.set_index("theme").loc["ecology", "clear"])
        tested = n_deals * (len(themes) - 1)
        print(
            f"   {n:2d} report(s) a year: clear {clear / tested:.2%} of {tested} theme changes (goal <= 5%); "
            f"95% interval excludes 0 for {excluded / tested:.2%} (nominal 5%); planted +0.2 ecology found clear "
            f"in {planted / n_deals:.0%} of deals",
            flush=True,
        )


def short_documents(simulations: int) -> None:
    from toolkit.analysis.trends import ShareModel

    themes, present, low, high = ["a", "b", "other"], np.array([0.25, 0.1]), 0.05, 0.4
    truth = dict(zip(themes, present * (low + high) / 2))
    rng = np.random.default_rng(11)
    held = {"short": [], "long": []}
    zero = {"short": 0, "long": 0}
    for simulation in range(simulations):
        rows, shares = [], []
        for year in range(2000, 2016):
            for _ in range(int(rng.integers(2, 4)) if year % 2 else 30):
                share = np.where(rng.random(2) < present, rng.uniform(low, high, 2), 0.0)
                shares.append([*share, 1 - share.sum()])
                rows.append({"year": year, "doc_id": f"{year}", "n_tokens": int(rng.integers(20, 81))})
        table, _ = ShareModel(pd.DataFrame(rows), np.array(shares)[None], themes, n_boot=N_BOOT, random_state=simulation).table(
            ["year"]
        )
        table = table[table["theme"] != "other"]
        for kind, part in (("short", table[table["n_units"] <= 3]), ("long", table[table["n_units"] > 3])):
            expected = part["theme"].map(truth)
            held[kind] += ((part["share_low"] <= expected) & (expected <= part["share_high"])).tolist()
            zero[kind] += int((part["share_high"] - part["share_low"] < 1e-9).sum())
    print(f"3. one document a year, of 2-3 or of 30 paragraphs, themes absent from most paragraphs ({simulations} simulations):")
    for kind in held:
        print(
            f"   {kind} years: the 95% interval holds the true share in {np.mean(held[kind]):.1%} of {len(held[kind])}; "
            f"{zero[kind]} of zero width",
            flush=True,
        )


def rare_themes(simulations: int) -> None:
    from toolkit.analysis.trends import ShareModel

    print(f"4. themes held by few documents and paragraphs, six years of n documents ({simulations} simulations each):")
    for n_documents in (3, 5, 10, 20):
        for held_by in (0.15, 0.3, 0.6):
            in_paragraphs = 0.25 if held_by < 0.2 else 0.4
            truth = {"rare": held_by * in_paragraphs * 0.225, "spread": 0.1 * 0.225}
            rng = np.random.default_rng(100 * n_documents + int(100 * held_by))
            above = dict.fromkeys(truth, 0)
            below = dict.fromkeys(truth, 0)
            cells = 0
            for simulation in range(simulations):
                rows, shares = [], []
                for year in range(2001, 2007):
                    for d in range(n_documents):
                        holds = rng.random() < held_by
                        for _ in range(int(rng.integers(10, 31))):
                            rare = rng.uniform(0.05, 0.4) if holds and rng.random() < in_paragraphs else 0.0
                            spread = rng.uniform(0.05, 0.4) if rng.random() < 0.1 else 0.0
                            shares.append([rare, spread, 1 - rare - spread])
                            rows.append({"year": year, "doc_id": f"{year}-{d}", "n_tokens": int(rng.integers(20, 81))})
                table, _ = ShareModel(
                    pd.DataFrame(rows),
                    np.array(shares)[None],
                    ["rare", "spread", "other"],
                    n_boot=N_BOOT,
                    random_state=simulation,
                ).table(["year"])
                for theme, value in truth.items():
                    part = table[table["theme"] == theme]
                    above[theme] += int((part["share_high"] < value).sum())
                    below[theme] += int((part["share_low"] > value).sum())
                cells += 6
            print(
                f"   {n_documents:2d} documents a year, rare theme in {held_by:.0%} of them (truth {truth['rare']:.4f}): "
                f"covered {1 - (above['rare'] + below['rare']) / cells:.1%} of {cells} (truth above "
                f"{above['rare'] / cells:.1%}, below {below['rare'] / cells:.1%}); theme in 10% of every document's "
                f"paragraphs: covered {1 - (above['spread'] + below['spread']) / cells:.1%} (above "
                f"{above['spread'] / cells:.1%}, below {below['spread'] / cells:.1%})",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=400)
    parser.add_argument("--deals", type=int, default=200)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="documents a simulated period")
    parser.add_argument("--short", type=int, default=100, help="simulations of short documents")
    parser.add_argument("--rare", type=int, default=200, help="simulations of rare themes")
    parser.add_argument("--dealt", default=",".join(map(str, DEALT)), help="reports a year in the deals")
    args = parser.parse_args()
    from common import git_commit

    print(
        f"calibration of the intervals, toolkit {git_commit()}: {N_BOOT} bootstrap replicates a table, trends.level "
        f"0.95; deals from configs/gwr_national.toml with figures.ldavis=false; options {vars(args)}"
    )
    if args.simulations:
        coverage(args.simulations, [int(n) for n in args.sizes.split(",")])
    if args.deals:
        deals(args.deals, [int(n) for n in args.dealt.split(",")])
    if args.short:
        short_documents(args.short)
    if args.rare:
        rare_themes(args.rare)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
