"""The passages behind each number: the units that carry a theme or a topic most, over the whole corpus and in
each period, with their document's title, date and place (stm's ``findThoughts``, BERTopic's representative
documents). A reviewer's first question about a share is "show me the paragraphs"; passages.csv answers it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from ..options import NON_NEGATIVE, POSITIVE, UNIT_INTERVAL, Option

if TYPE_CHECKING:
    import pandas as pd

OPTIONS = {
    "passages": Option(5, "Passages per theme and per topic over the whole corpus (passages.csv).", *NON_NEGATIVE),
    "per_period": Option(
        2,
        "Passages per theme and per topic in each period (trends.periods; when none are named, spans of years as "
        "trends.spans cuts them).",
        *NON_NEGATIVE,
    ),
    "min_tokens": Option(15, "Shortest passage, in tokens: a three-word heading would otherwise top many lists.", *NON_NEGATIVE),
    "min_share": Option(0.2, "Lowest share of the theme or topic a listed passage may have.", *UNIT_INTERVAL, kind=(float, int)),
    "per_document": Option(
        2,
        "At most this many passages of one document in one list while other documents "
        "have passages to offer, so one long document does not fill it.",
        *POSITIVE,
    ),
}

COLUMNS = [
    "kind",
    "name",
    "label",
    "scope",
    "rank",
    "share",
    "unit_id",
    "doc_id",
    "title",
    "date",
    "year",
    "place",
    "n_tokens",
    "keywords",
    "holds_keyword",
    "text",
]
# share of a passage's character trigrams found in one listed above it at which it is that one's repeat: a paragraph
# copied into near-duplicate documents, or a part of a longer one listed above it (Jaccard missed the 三网融合 entry
# of the 2010 and 2012 reports' glossaries, 94% of one inside the other); a longer passage that adds to one listed
# above it is no repeat
SAME_PASSAGE = 0.8


def representative_passages(  # noqa: PLR0913 (the [evidence] options as keyword arguments)
    units: pd.DataFrame,
    shares: pd.DataFrame,
    labels: dict[str, str],
    *,
    kind: str,
    scopes: np.ndarray | None = None,
    keywords: dict[str, list[str]] | None = None,
    tokens=None,
    n: int = 5,
    per_period: int = 2,
    min_tokens: int = 15,
    min_share: float = 0.2,
    per_document: int = 2,
    rows: np.ndarray | None = None,
) -> pd.DataFrame:
    """The units with the largest share of each column of ``shares`` (rows aligned with ``units``, or with
    ``units.iloc[rows]`` when ``rows`` is given: the shares of only some units, such as those a model saw).

    ``units`` needs unit_id, doc_id, title, date, year, n_tokens and text (place when present); ``labels``
    names each column of ``shares`` for readers; ``scopes`` gives each unit's period ('' outside every period),
    and each period gets its own ``per_period`` passages beside the ``n`` over all units (scope 'all').
    Passages have at least ``min_tokens`` tokens and a share of at least ``min_share``, at most ``per_document``
    from one document per list while other documents have passages to offer (then the list is filled from the
    same documents); the largest share first, ties in corpus order. A passage that repeats one listed above it
    (the same text once spaces and punctuation are removed, or 80% of its character trigrams in that one: a
    paragraph copied into near-duplicate documents, or a part of a longer one) is left out of the list.
    With ``keywords`` (words per column) and ``tokens`` (each unit's tokens), ``keywords`` lists the words of the
    column found in the passage, and passages holding none of a column's keywords (boilerplate that happens to carry the share)
    are listed only when too few passages hold one; ``holds_keyword`` says which (empty for a column without
    keywords, such as ``other``).
    """
    import pandas as pd

    rows = np.arange(len(units)) if rows is None else np.asarray(rows, dtype=np.int64)
    if len(rows) != len(shares) or (len(rows) > 1 and np.any(np.diff(rows) <= 0)):
        raise ValueError("rows must be increasing row numbers of units, one per row of shares")
    eligible = units["n_tokens"].to_numpy()[rows] >= min_tokens
    if "in_model" in units:
        eligible &= units["in_model"].to_numpy(dtype=bool)[rows]
    document = pd.factorize(units["doc_id"])[0][rows]  # integer codes: no Python string per unit and column
    scope_of = np.asarray(scopes, dtype=object)[rows] if scopes is not None else None
    shingles: dict[int, tuple[str, frozenset]] = {}

    def texts_of(row: int) -> tuple[str, frozenset]:
        if row not in shingles:
            text = re.sub(r"[\W_]+", "", str(units["text"].iloc[row]))
            shingles[row] = (text, frozenset(text[i : i + 3] for i in range(max(len(text) - 2, 1))))
        return shingles[row]

    frames = []
    for column in shares.columns:
        value = shares[column].to_numpy(dtype=float)
        keep = np.flatnonzero(eligible & (np.nan_to_num(value) >= max(min_share, 1e-12)))
        if not len(keep):
            continue
        order = keep[np.lexsort((keep, -value[keep]))]  # largest share first, ties in corpus order
        ranked = pd.DataFrame({"row": rows[order], "share": value[order], "doc_id": document[order], "scope": "all"})
        words = keywords.get(column) if keywords is not None and tokens is not None else None
        if scope_of is not None:
            ranked["_period"] = scope_of[order]
        holds = _holding(ranked, words, tokens, 30 * max(n, per_period, 1) + 20) if words else None
        lists = [_choose(ranked, per_document, n, [], texts_of, holds)] if n else []
        if scope_of is not None and per_period:
            ranked = ranked[ranked["_period"] != ""].assign(scope=lambda t: t["_period"])
            lists.append(_choose(ranked, per_document, per_period, ["scope"], texts_of, holds))
        chosen = pd.concat(lists, ignore_index=True) if lists else ranked.iloc[:0]
        chosen = chosen.drop(columns=[c for c in ("_period",) if c in chosen])
        chosen.insert(0, "name", column)
        frames.append(chosen)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    chosen = pd.concat(frames, ignore_index=True)
    chosen_rows = chosen["row"].to_numpy()
    # the text by single values: taking rows of a column of Arrow strings in many chunks (one per document)
    # makes pyarrow join every chunk first, a copy of the whole corpus's text that its allocator then keeps
    text = units["text"]
    texts = [text.iloc[r] for r in chosen_rows.tolist()]
    rows = units.drop(columns="text").iloc[chosen_rows].reset_index(drop=True)
    table = pd.DataFrame(
        {
            "kind": kind,
            "name": chosen["name"],
            "label": chosen["name"].map(labels),
            "scope": chosen["scope"],
            "rank": chosen.groupby(["name", "scope"], sort=False).cumcount() + 1,
            "share": chosen["share"].round(4),
        }
    )
    for column in COLUMNS[6:-2]:
        table[column] = rows[column].to_numpy() if column in rows else ""
    table["keywords"] = ""
    table["holds_keyword"] = ""
    if keywords is not None and tokens is not None:
        table["keywords"] = [
            " ".join(dict.fromkeys(w for w in tokens[r] if w in keywords.get(name, ())))
            for r, name in zip(chosen["row"], chosen["name"])
        ]
        table["holds_keyword"] = [
            str(bool(found)) if keywords.get(name) else "" for found, name in zip(table["keywords"], chosen["name"])
        ]
    table["text"] = texts
    first_year = units.groupby(np.asarray(scopes, dtype=object))["year"].min() if scopes is not None else {}
    table["_scope"] = [-np.inf if s == "all" else first_year.get(s, np.inf) for s in table["scope"]]
    table["_name"] = table["name"].map({c: i for i, c in enumerate(shares.columns)})
    return table.sort_values(["_name", "_scope", "rank"], kind="stable")[COLUMNS].reset_index(drop=True)


def _holding(ranked: pd.DataFrame, words: set[str], tokens, head: int) -> set[int]:
    """The rows among the first ``head`` of ``ranked`` (and of each period's) whose tokens hold one of
    ``words``: the candidates a list can take from, without reading the tokens of every unit."""
    candidates = set(ranked["row"].iloc[:head].tolist())
    if "_period" in ranked:
        candidates.update(ranked.groupby("_period", sort=False).head(head)["row"].tolist())
    return {r for r in candidates if any(w in words for w in tokens[r])}


def _choose(ranked: pd.DataFrame, per_document: int, n: int, by: list[str], texts_of, holds: set[int] | None) -> pd.DataFrame:
    """The rows of ``ranked`` that :func:`_limit` picks, passages holding a keyword first (when ``holds`` is
    given), and no passage that repeats one above it in its list: a repeat is dropped and the list filled again
    until none is left."""
    rows = ranked["row"].to_numpy()
    group = ranked.groupby(by, sort=False).ngroup().to_numpy() if by else np.zeros(len(ranked), dtype=np.int64)
    document = ranked["doc_id"].to_numpy()
    plain = ~ranked["row"].isin(holds).to_numpy() if holds is not None else np.zeros(len(ranked), dtype=bool)
    alive = np.ones(len(ranked), dtype=bool)
    while True:
        candidates = np.flatnonzero(alive)
        picked = candidates[_limit(group[candidates], document[candidates], plain[candidates], per_document, n)]
        kept: dict[int, list[tuple[str, frozenset]]] = {}
        repeats = []
        for i in picked.tolist():  # in the order of ``ranked``, each list on its own
            text, grams = texts_of(rows[i])
            listed = kept.setdefault(group[i], [])
            if any(text == t or len(grams & g) >= SAME_PASSAGE * max(len(grams), 1) for t, g in listed):
                repeats.append(i)
            else:
                listed.append((text, grams))
        if not repeats:
            return ranked.iloc[picked]
        alive[repeats] = False


def _limit(group: np.ndarray, document: np.ndarray, plain: np.ndarray, per_document: int, n: int) -> np.ndarray:
    """Positions (increasing) of the first ``n`` rows of each ``group`` (rows in ranked order), at most
    ``per_document`` from one document while other documents have rows to offer, and rows marked ``plain`` only
    when the others run out."""
    count = len(group)
    position = np.arange(count)
    # each row's place among the earlier rows of its group and document
    by_document = np.lexsort((position, document, group))
    same = np.r_[
        False, (group[by_document][1:] == group[by_document][:-1]) & (document[by_document][1:] == document[by_document][:-1])
    ]
    start = np.maximum.accumulate(np.where(same, 0, position))
    within = np.empty(count, dtype=np.int64)
    within[by_document] = position - start
    # per group: plain rows last, then rows past their document's quota, else in ranked order; the first n
    preferred = np.lexsort((position, within >= per_document, plain, group))
    first = np.maximum.accumulate(np.where(np.r_[True, group[preferred][1:] != group[preferred][:-1]], position, 0))
    return np.sort(preferred[position - first < n])
