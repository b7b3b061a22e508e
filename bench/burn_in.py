"""How long the keyword-assisted chains take to settle (issue 30: "stop when the chains agree"): the shipped
ensemble's chains run far past the shipped ceiling, and for a burn-in ending at each check, the split-R-hat of the
theme shares, how much they still drift, and how far the estimate a run would then make lies from where the
chains settle.

    .venv/bin/python bench/burn_in.py [--sweeps 2000] [--every 100] [--tolerance 0.001 0.002 0.003]

For each shipped corpus (configs/seeds.toml; configs/gwr_national.toml, the State Council reports in the
repository), prepared and counted as a run does, the ensemble's members (the run's seeds) are started as
``toolkit.fit_ensemble`` starts them and swept ``--sweeps`` times and then the shipped sampling sweeps, without the
stopping rule. The first sweeps are the shipped run's own up to its burn-in's end; after it these long chains go on
re-estimating alpha (every 20 sweeps) where a shipped run stops, so the estimate a run would make after a burn-in
ending at ``t`` is approximated by these chains' next sweeps (at the shipped burn-in, within 0.0025 of a shipped
fit's, a review measured). The quantities are each keyword topic's share of the corpus's tokens and ``other`` (the
free topics summed), from the chains' token counts (a run reports the mean of the draws' unit shares, weighted by
tokens: close to it, not the same). For a burn-in ending at sweep ``t`` (the columns):

- R-hat: the largest rank-normalised split-R-hat over the second half of the sweeps so far (the shipped check);
- spread: the largest standard deviation of the chains' mean shares over that window;
- drift: the largest change of the ensemble's mean share between that window's two halves;
- estimate off: the largest difference between the ensemble's mean share over the sampling sweeps that would
  follow (``samples * thin``: what a run averages) and its mean over the last half of all the sweeps (where the
  shares settle, if they do), and its quantity.

Then, for each ``--tolerance``, the first check (every ``check_every`` sweeps from ``min_iterations``) at which the
drift is below it, and how far that estimate is off: what a stopping rule on the drift would do.
"""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np
from common import ROOT, git_commit

CORPORA = {"seeds": "configs/seeds.toml", "gwr_national": "configs/gwr_national.toml"}


def theme_shares(chain) -> np.ndarray:
    """Sweeps x (keyword topics + other): the chain's recorded shares, its free topics summed."""
    summaries = np.asarray(chain.summaries)
    kw = chain.n_keyword_topics
    return np.concatenate([summaries[:, :kw], summaries[:, kw:].sum(axis=1, keepdims=True)], axis=1)


def burn_in_at(shares: np.ndarray, settled: np.ndarray, sampling: int, t: int) -> tuple[float, float, float, float, int]:
    """For a burn-in ending at sweep ``t`` of ``shares`` (chains x sweeps x quantities): R-hat, spread, drift, how far
    the estimate is off (see the module's docstring) and the quantity that is furthest off."""
    from toolkit.models._keyatm import split_rhat

    window = shares[:, t // 2 : t]
    half = window.shape[1] // 2
    rhat = float(split_rhat(window).max())
    spread = float(window.mean(axis=1).std(axis=0, ddof=1).max()) if len(shares) > 1 else float("nan")
    drift = float(np.abs(window[:, half:].mean(axis=(0, 1)) - window[:, :half].mean(axis=(0, 1))).max())
    off = np.abs(shares[:, t : t + sampling].mean(axis=(0, 1)) - settled)
    return rhat, spread, drift, float(off.max()), int(off.argmax())


def main() -> None:
    import toolkit
    from toolkit.analysis.lexicon import keyword_ids
    from toolkit.models import _keyatm, build_model
    from toolkit.pipeline import count_units
    from toolkit.random_streams import member_seeds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweeps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--tolerance", type=float, nargs="+", default=[0.001, 0.002, 0.003])
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = parser.parse_args()
    print(
        f"burn-in of the shipped ensemble, toolkit {git_commit()}, {args.sweeps} sweeps without the stopping rule, "
        f"settings {args.set or 'as shipped'}"
    )
    for name, path in CORPORA.items():
        config = toolkit.Config.load(ROOT / path, args.set)
        prepared = toolkit.prepare(config)
        vocabulary, counts, _ = count_units(prepared, config)
        keywords = keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"])
        section = config["model"]
        settings = section["keyatm"]
        sampling = settings["samples"] * settings["thin"]
        common = {"keywords": keywords, "n_words": counts.shape[1], "n_tokens": int(counts.sum())}
        models = [
            build_model(section, random_state=seed, n_jobs=1, **common)
            for seed in member_seeds(section["random_state"], section["ensemble"])
        ]
        for model in models:
            model.set_params(stop="ceiling", iterations=args.sweeps + sampling)
        chains = [model.start_chain(counts) for model in models]
        _keyatm.run_chains(chains)
        shares = np.stack([theme_shares(chain)[: args.sweeps] for chain in chains])  # chains x sweeps x quantities
        # the keyword topics are the themes with a keyword in the vocabulary, in lexicon order
        labels = [n for n, ids in zip(prepared.lexicon.names, keywords) if len(ids)] + ["other"]
        if len(labels) != shares.shape[2]:
            labels = [str(q) for q in range(shares.shape[2])]
        settled = shares[:, args.sweeps // 2 :].mean(axis=(0, 1))
        ceiling = settings["iterations"] - sampling

        at = partial(burn_in_at, shares, settled, sampling)
        print(
            f"\n{name}: {counts.shape[0]:,} units, {int(counts.sum()):,} tokens, {len(chains)} chains, "
            f"{shares.shape[2]} quantities (keyword topics and other); the shipped burn-in ends at sweep {ceiling}"
        )
        print("  burn-in  R-hat  spread  drift   estimate off (quantity)")
        last = args.sweeps - sampling  # the estimate needs the sampling sweeps after t inside the settled half's run
        # the shipped burn-in's row only where these chains reach past it (with fewer sweeps it read nan)
        for t in sorted({*range(args.every, last + 1, args.every), *([ceiling] if ceiling <= last else [])}):
            rhat, spread, drift, off, quantity = at(t)
            which = labels[quantity]
            mark = "  <- the shipped burn-in" if t == ceiling else ""
            print(f"  {t:7d}  {rhat:5.2f}  {spread:6.4f}  {drift:6.4f}  {off:.4f} ({which}){mark}")
        checks = range(settings["min_iterations"], last + 1, settings["check_every"])
        for tolerance in args.tolerance:
            stop = next((t for t in checks if at(t)[2] < tolerance), None)
            if stop is None:
                print(f"  a rule on the drift below {tolerance}: not met by sweep {last}")
            else:
                print(f"  a rule on the drift below {tolerance}: stops at {stop}, the estimate off by {at(stop)[3]:.4f}")


if __name__ == "__main__":
    main()
