"""The fit of the keyword-assisted model at the shipped defaults: one chain against the shipped ensemble, wall
time interleaved, and each chain's likelihood trace (is it still rising when the sweeps end?).

    .venv/bin/python bench/keyatm_fit.py [--chars 10000000] [--repeats 3] [--set section.key=value ...]

The corpus is a generated one (bench/common.py), prepared with the defaults (bench/empty.toml: the shipped
config with only the corpus and the cache set here); ``--set`` overrides any other setting for both fits (for
example ``model.keyatm.iterations=300``). The fits are ``toolkit.fit_ensemble`` as a run calls it, once with
``model.ensemble=1`` and once with the shipped ensemble, alternately, ``--repeats`` times; the trace is the
model's own (mean log probability of a token under the chain's current shares and topics, every 50 sweeps).
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
from functools import partial
from pathlib import Path

from common import ROOT, generated_corpus, generated_settings, git_commit, interleaved, spread


def main() -> None:
    import toolkit
    from toolkit.analysis.lexicon import keyword_ids
    from toolkit.models import fit_ensemble, members_at_once
    from toolkit.pipeline import count_units

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--work", type=Path, default=Path("/tmp/toolkit-bench"))
    args = parser.parse_args()
    corpus = generated_corpus(args.work, args.chars)
    config = toolkit.Config.load(ROOT / "bench" / "empty.toml", [*generated_settings(args.work, args.chars), *args.set])
    prepared = toolkit.prepare(config)
    vocabulary, counts, _ = count_units(prepared, config)
    keywords = keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"])
    shipped = config["model"]
    one = copy.deepcopy(shipped)
    one["ensemble"] = 1
    sections = {"one chain": one, f"the ensemble of {shipped['ensemble']}": shipped}

    traces = {}

    def fit(name, section):  # keeps the last repeat's likelihood traces
        models, _ = fit_ensemble(section, counts, keywords=keywords)
        traces[name] = [model.log_likelihood_trace_ for model in models]

    seconds = interleaved({name: partial(fit, name, section) for name, section in sections.items()}, args.repeats)

    kind = shipped["kind"]
    cores = shipped["n_jobs"] or os.cpu_count()
    print(
        f"corpus {corpus.name}: {counts.shape[0]:,} units, {counts.shape[1]:,} words, {int(counts.sum()):,} tokens; "
        f"model {kind}, K={shipped['n_topics']}, seed {shipped['random_state']}; settings {shipped[kind]}; "
        f"{args.repeats} interleaved repeats; commit {git_commit()}"
    )
    if args.set:
        print(f"settings that are not the shipped defaults: {args.set}")
    print(f"the ensemble runs {members_at_once(shipped['ensemble'], cores)} members at once on {cores} cores")
    for name, values in seconds.items():
        print(f"{name}: {spread(values)}")
    one_chain, ensemble = (statistics.median(v) for v in seconds.values())
    print(f"the ensemble takes {ensemble / one_chain:.2f}x one chain's time")
    print("likelihood trace (mean log probability per token; sweep: value), last repeat:")
    for name, members in traces.items():
        for i, trace in enumerate(members):
            points = ", ".join(f"{sweep}: {value:.4f}" for sweep, value in trace)
            print(f"  {name}, member {i + 1}: {points}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
