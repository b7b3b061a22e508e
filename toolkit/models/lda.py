"""The kind ``lda``: latent Dirichlet allocation (gensim's variational Bayes).

Its options (``[model.lda]``) are read with every config, so this module imports nothing heavy; the
estimator, ``LdaTopicModel`` (:mod:`toolkit.models._lda`, which imports scikit-learn), is loaded when first asked
for (``Model``).
"""

from __future__ import annotations

from .._lazy import lazy_getattr
from ..options import POSITIVE, Option, choice

OPTIONS = {
    "passes": Option(10, "Passes over the corpus.", *POSITIVE),
    "iterations": Option(200, "Inference iterations per unit.", *POSITIVE),
    "alpha": Option("symmetric", "Document-topic prior.", *choice("symmetric", "asymmetric", "auto")),
    "seeded": Option(
        False,
        "Seed a topic with the words of each lexicon theme that has a keyword in the vocabulary (a boosted prior; "
        "the rest stay free).",
    ),
    "seed_strength": Option(
        0.5,
        "Prior weight of a theme's seed words in its topic, as a share of the tokens an "
        "average topic holds (0.5: half a topic's worth).",
        *POSITIVE,
        kind=(float, int),
    ),
}

__getattr__ = lazy_getattr(globals(), {"Model": "_lda:LdaTopicModel", "LdaTopicModel": "_lda"})
