"""The kind ``keyatm``: keyword-assisted topic model (keyATM's base model), fitted by collapsed Gibbs sampling.

Its options (``[model.keyatm]``) are read with every config, so this module imports nothing heavy; the
estimator, ``KeywordTopicModel`` (:mod:`toolkit.models._keyatm`, which imports scikit-learn), is loaded when first asked
for (``Model``).
"""

from __future__ import annotations

from .._lazy import lazy_getattr
from ..options import FRACTION, POSITIVE, UNIT_INTERVAL, Option, choice, interval

OPTIONS = {
    "iterations": Option(
        500,
        "Most Gibbs sweeps over every token (the ceiling): the burn-in ends by "
        "iterations - samples * thin, then the draws are averaged.",
        *POSITIVE,
    ),
    "stop": Option(
        "converged",
        "When the burn-in ends: 'converged', at the first check where the ensemble's chains "
        "agree (split-R-hat of the topic shares below `rhat`; a single chain compares its "
        "two halves), else at the ceiling; 'ceiling', always after the fixed count.",
        *choice("converged", "ceiling"),
    ),
    "rhat": Option(
        1.05,
        "Largest rank-normalised split-R-hat of the topic shares (each keyword topic's, the free "
        "topics' sorted) at which the chains count as converged.",
        *interval(1, 2, low_open=True),
        kind=(float, int),
    ),
    "check_every": Option(25, "Sweeps between two convergence checks.", *POSITIVE),
    "min_iterations": Option(
        200,
        "Sweeps before the first convergence check (alpha is first re-estimated at sweep 100; 200 lets it move five times).",
        *POSITIVE,
    ),
    "samples": Option(20, "Draws averaged into each unit's topic shares: one every `thin` sweeps at the end.", *POSITIVE),
    "thin": Option(5, "Sweeps between two averaged draws.", *POSITIVE),
    "beta": Option(0.01, "Prior of the regular topic-word distributions (keyATM's beta).", *POSITIVE, kind=(float, int)),
    "keyword_beta": Option(0.1, "Prior of the keyword distributions (keyATM's beta_s).", *POSITIVE, kind=(float, int)),
    "keyword_prior": Option(
        1.0,
        "Beta(a, a) prior of the share of a keyword topic's tokens drawn from its keywords (keyATM's gamma).",
        *POSITIVE,
        kind=(float, int),
    ),
    "optimize_alpha": Option(
        True,
        "Estimate each topic's document-topic prior from the data (Minka's "
        "fixed point, every 20 sweeps after the first 100 of the burn-in, and not after it), as keyATM does.",
    ),
    "keyword_start": Option(
        0.7, "Share of keyword tokens that start in their keyword distribution (keyATM's start).", *FRACTION, kind=(float, int)
    ),
    "exclusive_keywords": Option(
        True,
        "A keyword is drawn only by its own theme's topic (from its keyword or its "
        "regular part); false lets other topics' regular parts draw it too, as in "
        "keyATM (measured: a rare theme's topic can then be taken over by another "
        "subject, see docs/methods.md).",
    ),
    "absent_prior": Option(
        0.0,
        "In a unit without any keyword of a theme, the prior of the theme's topic is "
        "multiplied by this: 0 (default), the topic appears only in units that hold one of "
        "its keywords; 1, anywhere, as in keyATM (measured: a theme with rare keywords then "
        "ends as a free topic under its name, see docs/methods.md).",
        *UNIT_INTERVAL,
        kind=(float, int),
    ),
    "start": Option(
        "units",
        "Where the other tokens start: 'units', in the keyword topic most frequent among their "
        "unit's keywords (units without keywords: a random topic); 'random', anywhere (keyATM).",
        *choice("units", "random"),
    ),
    "partitions": Option(
        1,
        "Partitions of a chain's units, swept side by side (on the chain's share of model.n_jobs "
        "threads) against the counts as the sweep began and merged after it (approximate distributed Gibbs, "
        "Newman et al. 2009; seededlda's batch_size): 1, the exact sampler; more, one chain on "
        "several cores, a different chain whose result depends on the seed and this number, "
        "never on the threads (measured: on a small corpus the free topics lose share). Each "
        "partition holds a copy of the word-topic counts (8 bytes per word and topic: 16 MB for "
        "100,000 words and 20 topics). See docs/scale.md.",
        *POSITIVE,
    ),
}

__getattr__ = lazy_getattr(globals(), {"Model": "_keyatm:KeywordTopicModel", "KeywordTopicModel": "_keyatm"})


def convergence_problem(stop: dict | None) -> str:
    """What a run (a warning) and a sweep (sweep.csv's ``fit_note``) say when the chains' convergence check
    (``model.keyatm.stop = "converged"``) was not met by the burn-in's ceiling, or could not be made in a burn-in
    that short; '' when it was met, or not asked for (``stop``: the fitted model's ``stop_``; None for a model that
    has no check). With ``stop = "ceiling"`` (every sweep asked for) an R-hat measured above the threshold is said
    too, as the same chains under the default are (a hostile pass: nothing was said of an R-hat of 2.0)."""
    if not stop or stop["reason"] != "ceiling":
        return ""
    if stop["stop"] != "converged" and stop["rhat"] is None and not stop.get("rhat_infinite"):
        return ""  # no check asked for, none made
    if stop.get("rhat_infinite"):
        return (
            f"the chains did not meet the convergence check by the burn-in's ceiling of {stop['burn_in']} sweeps (the "
            "split-R-hat of a topic's share is infinite: constant within each chain and different between them, chains "
            "stuck apart); the shares are not to be trusted: raise model.keyatm.iterations or look at the lexicon"
        )
    if stop["rhat"] is None:  # a burn-in too short to be checked at all is no better than one that failed the check
        return (
            f"the chains were not checked for convergence: a burn-in of {stop['burn_in']} sweeps (model.keyatm.iterations "
            "less the samples' sweeps) leaves no room for the check; shares may still move with more sweeps, and the "
            "intervals do not count that drift: raise model.keyatm.iterations"
        )
    if stop["rhat"] < stop["rhat_threshold"]:
        return ""
    return (
        f"the chains did not meet the convergence check by the burn-in's ceiling of {stop['burn_in']} sweeps (largest "
        f"split-R-hat of the topic shares {stop['rhat']:.2f}, threshold {stop['rhat_threshold']}): shares may still "
        "move with more sweeps (model.keyatm.iterations), and the intervals do not count that drift"
    )
