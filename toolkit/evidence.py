"""The passages behind each number: the units that carry a theme or a topic most, over the whole corpus and in
each period, with their document's title, date and place (stm's ``findThoughts``, BERTopic's representative
documents). A reviewer's first question about a share is "show me the paragraphs"; passages.csv answers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .options import NON_NEGATIVE, POSITIVE, UNIT_INTERVAL, Option

if TYPE_CHECKING:
    import pandas as pd

OPTIONS = {
    "passages": Option(5, "Passages per theme and per topic over the whole corpus (passages.csv).", *NON_NEGATIVE),
    "per_period": Option(2, "Passages per theme and per topic in each period (trends.periods; each year when no "
                            "periods are named).", *NON_NEGATIVE),
    "min_tokens": Option(15, "Shortest passage, in tokens: a three-word heading would otherwise top many lists.",
                         *NON_NEGATIVE),
    "min_share": Option(0.2, "Lowest share of the theme or topic a listed passage may have.", *UNIT_INTERVAL,
                        kind=(float, int)),
    "per_document": Option(2, "At most this many passages of one document in one list while other documents "
                              "have passages to offer, so one long document does not fill it.", *POSITIVE),
}

COLUMNS = ["kind", "name", "label", "scope", "rank", "share", "unit_id", "doc_id", "title", "date", "year",
           "place", "n_tokens", "keywords", "text"]


def representative_passages(units: pd.DataFrame, shares: pd.DataFrame, labels: dict[str, str], *, kind: str,
                            scopes: np.ndarray | None = None, keywords: dict[str, list[str]] | None = None,
                            tokens=None, n: int = 5, per_period: int = 2, min_tokens: int = 15,
                            min_share: float = 0.2, per_document: int = 2, rows: np.ndarray | None = None
                            ) -> pd.DataFrame:
    """The units with the largest share of each column of ``shares`` (rows aligned with ``units``, or with
    ``units.iloc[rows]`` when ``rows`` is given: the shares of only some units, such as those a model saw).

    ``units`` needs unit_id, doc_id, title, date, year, n_tokens and text (place when present); ``labels``
    names each column of ``shares`` for readers; ``scopes`` gives each unit's period ('' outside every period),
    and each period gets its own ``per_period`` passages beside the ``n`` over all units (scope 'all').
    Passages have at least ``min_tokens`` tokens and a share of at least ``min_share``, at most ``per_document``
    from one document per list while other documents have passages to offer (then the list is filled from the
    same documents); the largest share first, ties in corpus order. With ``keywords`` (words per
    column) and ``tokens`` (each unit's tokens), ``keywords`` lists the words of the column found in the
    passage.
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
    frames = []
    for column in shares.columns:
        value = shares[column].to_numpy(dtype=float)
        keep = np.flatnonzero(eligible & (np.nan_to_num(value) >= max(min_share, 1e-12)))
        if not len(keep):
            continue
        order = keep[np.lexsort((keep, -value[keep]))]  # largest share first, ties in corpus order
        ranked = pd.DataFrame({"row": rows[order], "share": value[order], "doc_id": document[order],
                               "scope": "all"})
        lists = [_limit(ranked, per_document, n)] if n else []
        if scope_of is not None and per_period:
            ranked["scope"] = scope_of[order]
            ranked = ranked[ranked["scope"] != ""]
            lists.append(_limit(ranked, per_document, per_period, by=["scope"]))
        chosen = pd.concat(lists, ignore_index=True) if lists else ranked.iloc[:0]
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
    table = pd.DataFrame({"kind": kind, "name": chosen["name"], "label": chosen["name"].map(labels),
                          "scope": chosen["scope"], "rank": chosen.groupby(["name", "scope"], sort=False).cumcount() + 1,
                          "share": chosen["share"].round(4)})
    for column in COLUMNS[6:-2]:
        table[column] = rows[column].to_numpy() if column in rows else ""
    table["keywords"] = ""
    if keywords is not None and tokens is not None:
        table["keywords"] = [" ".join(dict.fromkeys(w for w in tokens[r] if w in keywords.get(name, ())))
                             for r, name in zip(chosen["row"], chosen["name"])]
    table["text"] = texts
    first_year = units.groupby(np.asarray(scopes, dtype=object))["year"].min() if scopes is not None else {}
    table["_scope"] = [-np.inf if s == "all" else first_year.get(s, np.inf) for s in table["scope"]]
    table["_name"] = table["name"].map({c: i for i, c in enumerate(shares.columns)})
    return table.sort_values(["_name", "_scope", "rank"], kind="stable")[COLUMNS].reset_index(drop=True)


def _limit(ranked: pd.DataFrame, per_document: int, n: int, by: list[str] | None = None) -> pd.DataFrame:
    """The first ``n`` rows of ``ranked`` (per ``by`` group), at most ``per_document`` from one document while
    other documents have rows to offer; the list keeps the order of ``ranked``."""
    keys = by or []
    within_document = ranked.groupby([*keys, "doc_id"], sort=False).cumcount().to_numpy()
    ranked = ranked.assign(_over=within_document >= per_document, _position=np.arange(len(ranked)))
    preferred = ranked.sort_values(["_over", "_position"], kind="stable")
    picked = preferred.groupby(keys, sort=False).head(n) if keys else preferred.head(n)
    return picked.sort_values("_position").drop(columns=["_over", "_position"])
