"""How long the keyword-assisted chains take to settle (issue 30: "stop when the chains agree"): the shipped
ensemble's chains run far past the shipped ceiling, and at each check the split-R-hat of the theme shares and
how far the shares measured then lie from where the chains end up.

    .venv/bin/python bench/burn_in.py [--sweeps 2000] [--every 100] [--set section.key=value ...]

For each shipped corpus (configs/seeds.toml; configs/gwr_national.toml, the State Council reports in the
repository), prepared and counted as a run does, the ensemble's members (the run's seeds) are started as
``toolkit.fit_ensemble`` starts them and swept together ``--sweeps`` times without the stopping rule (the first
sweeps are the shipped run's own: a chain's draws do not depend on its ceiling). The quantities are those of the
model's check, with the free topics summed into ``other`` (what the run reports): each keyword topic's share of
the corpus's tokens and the free topics' together. At each check ``t`` (every ``--every`` sweeps):

- R-hat: the largest rank-normalised split-R-hat over the second half of the sweeps so far (as the check does);
- between chains: the largest standard deviation of the chains' mean shares over that window;
- from the end: the largest difference between the ensemble's mean share over that window and its mean over
  the last half of all sweeps (where the shares settle, if they do), and its quantity.
"""

from __future__ import annotations

import argparse

import numpy as np
from common import ROOT, git_commit

CORPORA = {"seeds": "configs/seeds.toml", "gwr_national": "configs/gwr_national.toml"}


def theme_shares(chain) -> np.ndarray:
    """Sweeps x (keyword topics + other): the chain's recorded shares, its free topics summed."""
    summaries = np.asarray(chain.summaries)
    kw = chain.n_keyword_topics
    return np.concatenate([summaries[:, :kw], summaries[:, kw:].sum(axis=1, keepdims=True)], axis=1)


def main() -> None:
    import toolkit
    from toolkit.analysis.lexicon import keyword_ids
    from toolkit.models import _keyatm, build_model
    from toolkit.pipeline import count_units
    from toolkit.random_streams import member_seeds

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweeps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = parser.parse_args()
    print(f"burn-in of the shipped ensemble, toolkit {git_commit()}, {args.sweeps} sweeps without the stopping rule")
    for name, path in CORPORA.items():
        config = toolkit.Config.load(ROOT / path, args.set)
        prepared = toolkit.prepare(config)
        vocabulary, counts, _ = count_units(prepared, config)
        keywords = keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"])
        section = config["model"]
        settings = section["keyatm"]
        common = {"keywords": keywords, "n_words": counts.shape[1], "n_tokens": int(counts.sum())}
        models = [
            build_model(section, random_state=seed, n_jobs=1, **common)
            for seed in member_seeds(section["random_state"], section["ensemble"])
        ]
        for model in models:
            model.set_params(stop="ceiling", iterations=args.sweeps + model.samples * model.thin)
        chains = [model.start_chain(counts) for model in models]
        _keyatm.run_chains(chains)
        shares = np.stack([theme_shares(chain)[: args.sweeps] for chain in chains])  # chains x sweeps x quantities
        # the keyword topics are the themes with a keyword in the vocabulary, in lexicon order
        labels = [n for n, ids in zip(prepared.lexicon.names, keywords) if len(ids)] + ["other"]
        if len(labels) != shares.shape[2]:
            labels = [str(q) for q in range(shares.shape[2])]
        settled = shares[:, args.sweeps // 2 :].mean(axis=(0, 1))
        ceiling = settings["iterations"] - settings["samples"] * settings["thin"]
        print(
            f"\n{name}: {counts.shape[0]:,} units, {int(counts.sum()):,} tokens, {len(chains)} chains, "
            f"{shares.shape[2]} quantities (keyword topics and other); the shipped burn-in ends at sweep {ceiling}"
        )
        print("  sweeps  R-hat  between chains  from the end (quantity)")
        for t in sorted({*range(args.every, args.sweeps + 1, args.every), ceiling}):
            window = shares[:, t // 2 : t]
            rhat = float(_keyatm.split_rhat(window).max())
            between = float(window.mean(axis=1).std(axis=0, ddof=1).max()) if len(chains) > 1 else float("nan")
            gap = np.abs(window.mean(axis=(0, 1)) - settled)
            which = labels[int(gap.argmax())]
            mark = "  <- the shipped burn-in" if t == ceiling else ""
            print(f"  {t:6d}  {rhat:5.2f}  {between:14.4f}  {gap.max():.4f} ({which}){mark}")


if __name__ == "__main__":
    main()
