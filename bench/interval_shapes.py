"""Calibration of the intervals on corpus shapes that bench/calibration.py does not hold: documents of very unequal
length in one cell, groups whose documents vary unequally, one-paragraph notices beside a report. Simulated unit
shares with a known truth go through ``toolkit.yearly_trends`` (400 bootstrap replicates, one member, 95%); from a
methodologist's hostile pass of 2026-12-07, whose simulations these are.

    .venv/bin/python bench/interval_shapes.py [--simulations 200]

1. Mixed lengths: ten years, each of one document of 60 paragraphs and two of 2 (control: three of 60); 16 themes of
   true share 0.04 every year, document effects of sd 0.012; paragraphs of 30-120 tokens, a Beta share of
   concentration 40 around the document's, then binomial over the tokens. Coverage of the yearly 95% intervals,
   their mean width, and the first year against the last in change.csv: how often the ordinary interval excludes 0
   (nominal 5%), how often a theme is called clear (Bonferroni over 16: nominal 0.31%), and how many corpora call
   any theme clear.
2. Groups that vary unequally: group A of 20 documents (one a year, document sd 0.01), group B of 4 or 8 (sd 0.04),
   both of true share 0.12 in 5 themes, 20 paragraphs each; ``trends.by`` the group. Coverage of B's interval and
   group_change.csv's clear rate (nominal 1% a theme) and the corpora with any clear difference.
3. One-paragraph notices: ten years of one report of 30 paragraphs and four notices of one (control: the report
   alone), 2 themes of true share 0.15, document sd 0.04. The actual standard deviation of a year's share against
   the mean share_sd the table gives, and coverage.
"""

from __future__ import annotations

import argparse
import logging
import warnings

import numpy as np
import pandas as pd


def corpus(rng, years, documents, paragraphs, truth: float, document_sd: float, n_themes: int):
    """Unit shares (members x units x themes) with ``documents`` a year, document j of ``paragraphs(j)`` paragraphs."""
    rows, shares = [], []
    number = 0
    for year in years:
        for j in range(documents):
            level = np.clip(truth + document_sd * rng.standard_normal(n_themes), 0.005, 0.6)
            for _ in range(paragraphs(j)):
                tokens = int(rng.integers(30, 121))
                share = rng.binomial(tokens, rng.beta(level * 40, (1 - level) * 40)) / tokens
                rest = max(0.0, 1 - share.sum())
                shares.append(np.r_[share, rest] / (share.sum() + rest))
                rows.append({"doc_id": f"d{number:04d}", "year": int(year), "n_tokens": tokens, "in_model": True})
            number += 1
    themes = [f"t{i}" for i in range(n_themes)] + ["other"]
    return pd.DataFrame(rows), np.array(shares)[None], themes


def trends(units, shares, themes, seed: int, **options):
    import toolkit

    keywords = np.zeros((len(units), len(themes) - 1))
    window = (int(units["year"].min()), int(units["year"].max()))
    return toolkit.yearly_trends(
        units.assign(**dict(zip(themes, shares[0].T))), keywords, themes, window=window, member_shares=shares,
        bootstrap=400, random_state=seed, **options,
    )  # fmt: skip


def mixed_lengths(simulations: int) -> None:
    print("1. mixed lengths (ten years, 16 themes of true share 0.04, document sd 0.012):")
    for name, paragraphs in (("1 x 60 + 2 x 2 paragraphs", lambda j: 60 if j == 0 else 2), ("3 x 60 (control)", lambda j: 60)):
        held, widths, excluded, clear, any_clear, rows = [], [], 0, 0, 0, 0
        for s in range(simulations):
            units, shares, themes = corpus(np.random.default_rng(1000 + s), range(2010, 2020), 3, paragraphs, 0.04, 0.012, 16)
            result = trends(units, shares, themes, s)
            yearly = result.yearly[result.yearly["theme"] != "other"]
            held.append(((yearly["share_low"] <= 0.04) & (0.04 <= yearly["share_high"])).to_numpy())
            widths.append(float((yearly["share_high"] - yearly["share_low"]).mean()))
            change = result.change[result.change["theme"] != "other"]
            excluded += int(((change["change_low"] > 0) | (change["change_high"] < 0)).sum())
            clear += int(change["clear"].sum())
            any_clear += bool(change["clear"].any())
            rows += len(change)
        print(
            f"   {name}: coverage {np.concatenate(held).mean():.1%}, mean width {np.mean(widths):.3f}; change: 95% interval "
            f"excludes 0 {excluded / max(rows, 1):.2%} (nominal 5%), clear {clear / max(rows, 1):.2%} (nominal 0.31%), "
            f"corpora with a clear change {any_clear / simulations:.1%}"
        )


def unequal_groups(simulations: int) -> None:
    print("2. groups that vary unequally (A: 20 documents of sd 0.01; B: of sd 0.04; true share 0.12, 5 themes):")
    for b_documents in (4, 8):
        held, clear, any_clear = [], 0, 0
        for s in range(simulations):
            rng = np.random.default_rng(s)
            a, shares_a, themes = corpus(rng, range(2000, 2020), 1, lambda j: 20, 0.12, 0.01, 5)
            b, shares_b, _ = corpus(rng, range(2000, 2000 + b_documents), 1, lambda j: 20, 0.12, 0.04, 5)
            units = pd.concat([a.assign(place="A"), b.assign(place="B", doc_id="b" + b["doc_id"])], ignore_index=True)
            shares = np.concatenate([shares_a, shares_b], axis=1)
            order = units.sort_values(["year", "doc_id"], kind="stable").index.to_numpy()
            result = trends(units.loc[order].reset_index(drop=True), shares[:, order], themes, s, by="place", compare=["A", "B"])
            groups = result.groups[(result.groups["theme"] != "other") & (result.groups["place"] == "B")]
            held.append(((groups["share_low"] <= 0.12) & (0.12 <= groups["share_high"])).to_numpy())
            change = result.group_change[result.group_change["theme"] != "other"]
            clear += int(change["clear"].sum())
            any_clear += bool(change["clear"].any())
        print(
            f"   B of {b_documents} documents: coverage of B's share {np.concatenate(held).mean():.1%}; group_change clear "
            f"{clear / (5 * simulations):.2%} of themes (nominal 1%), corpora with a clear difference "
            f"{any_clear / simulations:.1%}"
        )


def notices(simulations: int) -> None:
    from toolkit.analysis.trends import ShareModel

    print("3. one-paragraph notices (ten years; 2 themes of true share 0.15, document sd 0.04):")
    for name, documents, paragraphs in (("a report of 30 paragraphs + 4 notices", 5, lambda j: 30 if j == 0 else 1),
                                        ("the report alone (control)", 1, lambda j: 30)):  # fmt: skip
        errors, sds, held = [], [], []
        for s in range(simulations):
            rng = np.random.default_rng(2000 + s)
            units, shares, themes = corpus(rng, range(2010, 2020), documents, paragraphs, 0.15, 0.04, 2)
            table, _ = ShareModel(units, shares, themes, 400, 0.95, s).table(["year"])
            rows = table[table["theme"] != "other"]
            errors.append(rows["share"].to_numpy() - 0.15)
            sds.append(rows["share_sd"].to_numpy())
            held.append(((rows["share_low"] <= 0.15) & (0.15 <= rows["share_high"])).to_numpy())
        error, sd = np.concatenate(errors).std(), np.concatenate(sds).mean()
        coverage = np.concatenate(held).mean()
        print(f"   {name}: actual sd {error:.4f}, mean share_sd {sd:.4f} ({sd / error:.1f}x), coverage {coverage:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--simulations", type=int, default=200)
    args = parser.parse_args()
    logging.getLogger("toolkit").setLevel(logging.ERROR)  # each simulated corpus's warnings are not the point
    warnings.filterwarnings("ignore")
    mixed_lengths(args.simulations)
    unequal_groups(args.simulations)
    notices(args.simulations)


if __name__ == "__main__":
    main()
