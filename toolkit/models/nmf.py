"""The kind ``nmf``: non-negative matrix factorisation of TF-IDF weighted counts (scikit-learn).

Its options (``[model.nmf]``) are read with every config, so this module imports nothing heavy; the
estimator, ``NmfTopicModel`` (:mod:`toolkit.models._nmf`, which imports scikit-learn), is loaded when first asked
for (``Model``).
"""

from __future__ import annotations

from .._lazy import lazy_getattr
from ..options import POSITIVE, Option, choice

OPTIONS = {
    "max_iter": Option(500, "Maximum iterations.", *POSITIVE),
    "init": Option(
        "nndsvda",
        "Start: 'nndsvda' and 'nndsvd' from a (seeded, randomized) SVD of the data, so seeds "
        "give close but not always equal topics; 'random' from random factors.",
        *choice("nndsvda", "nndsvd", "random"),
    ),
}

__getattr__ = lazy_getattr(globals(), {"Model": "_nmf:NmfTopicModel", "NmfTopicModel": "_nmf"})
