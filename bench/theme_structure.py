"""Whether a theme's keywords are one subject or two: the correlation, within documents, of the keyword rates of
two groups of its words, corrected for each group's own unreliability (a measurement, 2026-12-05, seventh
session; nothing of the package uses it yet).

The State Council reports 2000-2022 (the repository's corpora/gwr_national), each line of 30 characters or more a
paragraph, cut by jieba with the lexicon's words added (the toolkit's own normalisation and units are not used:
this looks at the lexicon, not at a run). For two groups of keywords A and B:

- r_AB: the token-weighted correlation across paragraphs of A's and B's rates (keyword tokens per token), each a
  deviation from its document's mean (what ``split_half_agreement``'s check within documents computes);
- rel_A, rel_B: each group's reliability, from its own halves dealt alternately by frequency (Spearman-Brown of
  their correlation, as above);
- rho = r_AB / sqrt(rel_A rel_B): the correlation of the two groups' true rates (Spearman's correction for
  attenuation). Near 1: one subject; near 0: two subjects that do not share paragraphs.

Printed: rho for every pair of the shipped themes (the words of two themes as the two groups: what a theme of
two joined subjects gives), and for each shipped theme the split of its own keywords into two groups by average
linkage on 1 - the within-document correlation of the words' rates (words with at least 3 tokens), with the
groups' tokens and leading words.

    python bench/theme_structure.py
"""

from __future__ import annotations

import csv
import itertools
import sys
import tomllib
from pathlib import Path

import numpy as np
from common import ROOT, git_commit

GWR = ROOT / "corpora" / "gwr_national" / "texts"  # the State Council reports, shipped with the repository


def paragraphs(themes: dict[str, list[str]]):
    """Units x keyword counts, each unit's document and token count, and the keyword vocabulary."""
    import jieba

    jieba.setLogLevel(60)
    for words in themes.values():
        for word in words:
            jieba.add_word(word)
    with open(GWR / "metadata.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if 2000 <= int(row["date"][:4]) <= 2022]
    vocab = sorted({w for words in themes.values() for w in words})
    column = {w: i for i, w in enumerate(vocab)}
    counts, documents, tokens = [], [], []
    for d, row in enumerate(rows):
        for line in (GWR / row["file"]).read_text(encoding="utf-8").splitlines():
            if len(line) < 30:
                continue
            words = [t for t in jieba.lcut(line) if t.strip()]
            vector = np.zeros(len(vocab))
            for word in words:
                if word in column:
                    vector[column[word]] += 1
            counts.append(vector)
            documents.append(d)
            tokens.append(len(words))
    return np.array(counts), np.array(documents), np.array(tokens, float), vocab, len(rows)


def main() -> None:
    lexicon = tomllib.loads((ROOT / "toolkit" / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    themes = {name: theme["words"] for name, theme in lexicon.items() if isinstance(theme, dict)}
    if not GWR.is_dir():
        print(f"{GWR} not found")
        return
    X, doc, ntok, vocab, n_docs = paragraphs(themes)
    column = {w: i for i, w in enumerate(vocab)}
    print(f"theme structure, toolkit {git_commit()}: {len(X)} paragraphs of {n_docs} reports (2000-2022)")
    total = np.bincount(doc, ntok)

    def within(x, y) -> float:
        xd = x - (np.bincount(doc, ntok * x) / total)[doc]
        yd = y - (np.bincount(doc, ntok * y) / total)[doc]
        denominator = np.sqrt(np.dot(ntok, xd * xd) * np.dot(ntok, yd * yd))
        return float(np.dot(ntok, xd * yd) / denominator) if denominator > 0 else float("nan")

    def rate(ids) -> np.ndarray:
        return X[:, ids].sum(1) / ntok

    def reliability(ids) -> float:
        ids = np.asarray(ids)
        tokens = X[:, ids].sum(0)
        ids, tokens = ids[tokens > 0], tokens[tokens > 0]
        ranked = ids[np.lexsort((ids, -tokens))]
        r = within(rate(ranked[0::2]), rate(ranked[1::2]))
        return 2 * r / (1 + r) if r > 0 else float("nan")

    def rho(a, b) -> float:
        rel_a, rel_b = reliability(a), reliability(b)
        return within(rate(a), rate(b)) / np.sqrt(rel_a * rel_b) if rel_a > 0 and rel_b > 0 else float("nan")

    ids = {name: [column[w] for w in words] for name, words in themes.items()}
    pairs = {(a, b): rho(ids[a], ids[b]) for a, b in itertools.combinations(themes, 2)}
    values = np.array([v for v in pairs.values() if np.isfinite(v)])
    print(f"rho of two shipped themes' words ({len(values)} pairs): median {np.median(values):.2f}, ", end="")
    print(f"5-95% {np.quantile(values, 0.05):.2f} to {np.quantile(values, 0.95):.2f}, largest:")
    for (a, b), value in sorted(pairs.items(), key=lambda item: -np.nan_to_num(item[1], nan=-9))[:4]:
        print(f"  {a} + {b}: {value:.2f}")

    from scipy.cluster.hierarchy import fcluster, linkage

    print("each shipped theme's words in two groups (average linkage), rho between them, whole-theme reliability:")
    for name in themes:
        kept = np.array([i for i in ids[name] if X[:, i].sum() >= 3])
        if len(kept) < 4:
            print(f"  {name}: fewer than 4 words with 3 tokens")
            continue
        R = np.array([[1.0 if i == j else within(X[:, i] / ntok, X[:, j] / ntok) for j in kept] for i in kept])
        upper = np.triu_indices(len(kept), 1)
        labels = fcluster(linkage((1 - np.nan_to_num(R))[upper], "average"), 2, "maxclust")
        a, b = kept[labels == 1], kept[labels == 2]
        share = min(X[:, a].sum(), X[:, b].sum()) / X[:, kept].sum()

        def lead(group) -> str:
            return " ".join(vocab[i] for i in sorted(group, key=lambda i: -X[:, i].sum())[:6])

        print(
            f"  {name}: rho {rho(a, b):5.2f}, smaller group {share:4.0%} of tokens, reliability {reliability(kept):.2f}"
            + (f"\n      A = {lead(a)} | B = {lead(b)}" if share >= 0.2 else "")
        )


def shipped_check() -> None:
    """The check a run makes (toolkit.analysis.lexicon_evidence.theme_structure) on the units and vocabulary of the
    State Council config as shipped, with the shipped lexicon and with three pairs of its themes joined (the
    chimeras of bench/theme_checks.py)."""
    import tempfile

    import pandas as pd

    from toolkit.analysis.lexicon import keyword_ids
    from toolkit.analysis.lexicon_evidence import theme_structure
    from toolkit.config import Config
    from toolkit.text.preparation import prepare
    from toolkit.text.vectorize import unit_counts

    sys.path.insert(0, str(ROOT / "bench"))
    from theme_checks import chimeras_lexicon

    pd.set_option("display.width", 250)
    with tempfile.TemporaryDirectory() as tmp:
        chimeras = Path(tmp) / "chimeras.toml"
        chimeras_lexicon(chimeras)
        for name, settings in (("shipped lexicon", []), ("three pairs joined", [f'themes.lexicon="{chimeras}"'])):
            config = Config.load(ROOT / "configs" / "gwr_national.toml", settings)
            prepared = prepare(config)
            v = config["vocab"]
            vocabulary, counts, in_model = unit_counts(
                prepared.tokens, min_df=v["min_df"], max_df=v["max_df"], max_terms=v["max_terms"], keep=prepared.lexicon.words
            )
            keywords = keyword_ids(prepared.lexicon, vocabulary, config["themes"]["match"])
            table = theme_structure(counts, keywords, prepared.units["doc_id"].to_numpy()[in_model], vocabulary)
            table.insert(0, "theme", prepared.lexicon.names)
            print(f"the run's check, State Council reports, {name}:")
            print(table.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
    if GWR.is_dir():
        shipped_check()
