"""Theme shares by year, by named period and by group, with honest intervals; changes between two years,
periods or groups; the keyword baseline beside the model.

Every share is token-weighted. Its interval counts documents, units and the model's seeds
(:mod:`toolkit.analysis.uncertainty`): a bootstrap of the units of the cell's documents, one ensemble member drawn per
replicate, and a document level drawn from a between-document variance that blends the cell's own estimate with
the table's pooled one, smoothly in its number of documents; intervals at ``level`` as the estimate plus or
minus z standard deviations. A change is ``clear`` only when its simultaneous interval (Bonferroni over the
named themes) excludes zero.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ToolkitError, as_list, require_columns
from ..options import NON_NEGATIVE, POSITIVE, PROBABILITY, Option, check_arguments

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("toolkit")

# groups of trends.by past which theme_groups' panels cannot tell them apart (a band and a line each): warned of
MANY_GROUPS = 12

OPTIONS = {
    "bootstrap": Option(
        1000,
        "Replicates of the bootstrap (the units of each document resampled, one ensemble "
        "member and one document-level draw each) behind every interval; 0 for none.",
        *NON_NEGATIVE,
    ),
    "level": Option(
        0.95, "Coverage of the intervals, e.g. 0.95 (1 would make every interval infinite).", *PROBABILITY, kind=(float, int)
    ),
    "change_from": Option(
        0,
        "First year (or period name) of the change table; 0 for the first year with two "
        "documents or more (the first with data when fewer than two years have two), or the first period with "
        "documents when change_to names a period.",
        kind=(int, str),
    ),
    "change_to": Option(
        0,
        "Last year (or period name) of the change table; 0 for the last year with two "
        "documents or more (the last with data when fewer than two years have two), or the last period with "
        "documents when change_from names a period.",
        kind=(int, str),
    ),
    "periods": Option(
        {},
        'Named periods, e.g. {"十二五" = [2011, 2015], "十三五" = [2016, 2020]} (kept in time order): shares, '
        "intervals and figures per period too.",
        kind=dict,
    ),
    "spans": Option(
        6,
        "Without periods, tables by period (theme wording, passages) cut the years into at most "
        "this many spans of equal length (2, 5, 10 ... years; each year of a short corpus).",
        *POSITIVE,
    ),
    "by": Option("", "A column of the metadata to compare groups by (place, level, province ...); '' for none."),
    "compare": Option(
        [],
        'Two values of `by` whose shares the group change table compares (a tier of numbers as 1 or "1"); [] for the '
        "two groups with the most tokens.",
        kind=list,
        item=(str, int),
    ),
}
RETIRED = {"seeds": "extra seeds are now the ensemble: set model.ensemble (e.g. 3) instead of trends.seeds"}
OTHER_COLUMNS = ("share_low", "share_high", "share_sd", "sampling_sd", "seed_sd", "seed_min", "seed_max")
MISSING_GROUP = "(missing)"  # the group of the documents whose trends.by cell is empty


def group_labels(values) -> np.ndarray:
    """The groups of a ``trends.by`` column as the tables name them: its cells as text, trimmed; an empty cell
    (or one missing) is :data:`MISSING_GROUP`."""
    import pandas as pd

    text = pd.Series(values).astype("string").fillna("").str.strip()
    return text.mask(text == "", MISSING_GROUP).astype(str).to_numpy()


def warn_groups_written_apart(groups: list[str], by: str, setting: str = "trends.by") -> None:
    """A warning when ``groups`` (a trends.by column's, :func:`group_labels`) write one number or one name in several
    ways: a number as 1, 1.0 and 01 (as Excel saves a column of tiers with blanks), a name in full- and half-width
    forms, with spaces or in traditional script (中央/国务院, 中央 / 国务院, 中央／国务院; 武汉市, 武漢市). Each
    writing is a group of its own in the tables, and the default comparison of the two largest groups compared one
    group with itself (a hostile pass; the effects read numbers as one category, and trends.compare = [1] took one
    of them)."""
    import unicodedata

    import pandas as pd

    from .effects import as_numbers

    numbers = as_numbers(pd.Series(groups, dtype=object))
    written = pd.Series(groups)[numbers.notna().to_numpy()].groupby(numbers.dropna().to_numpy(), sort=True).agg(list)
    apart = [ways for ways in written if len(ways) > 1]
    from ..text.normalize import to_simplified

    names: dict[str, list[str]] = {}
    for group, number in zip(groups, numbers):
        if pd.isna(number):  # the names the texts' own normalisation makes one: script, width, case, spaces
            folded = "".join(unicodedata.normalize("NFKC", to_simplified(group)).casefold().split())
            names.setdefault(folded, []).append(group)
    apart += [ways for ways in names.values() if len(ways) > 1]
    if apart:
        log.warning(
            "%s %s writes one group in several ways (%s): each writing is a group of its own in the tables "
            "(and a comparison of two of them compares a group with itself); write each group one way in the metadata",
            f"{setting} =" if setting == "trends.by" else setting,
            by,
            "; ".join(", ".join(ways) for ways in apart[:3]) + (" ..." if len(apart) > 3 else ""),
        )


def compared_groups(compare: list, groups: list[str], by: str) -> list[str]:
    """The groups (as the tables name them: :func:`group_labels`) that trends.compare's values name: by their text,
    or a number by the one group of that number (3 names the tier written 03, as effects.reference does);
    ToolkitError, one line, naming the groups, for a value that names none."""
    import pandas as pd

    from .effects import as_numbers

    numbers = as_numbers(pd.Series([*groups, *(str(v).strip() for v in compare)], dtype=object)).to_numpy()
    of_group, asked = numbers[: len(groups)], numbers[len(groups) :]
    chosen = []
    shown = ", ".join(groups[:10]) + (" ..." if len(groups) > 10 else "")
    for value, number in zip(compare, asked):
        text = str(value).strip()
        same = [g for g in groups if g == text] or [g for g, n in zip(groups, of_group) if n == number]  # NaN: none
        if len(same) > 1:
            raise ToolkitError(
                f"trends.compare: {by} = {text!r} names {len(same)} groups ({', '.join(same[:4])}); write it as the "
                f"tables name the group ({shown})"
            )
        if not same:
            raise ToolkitError(f"trends.compare: no document has {by} = {text!r}; the groups are {shown}")
        chosen.append(same[0])
    if len(chosen) == 2 and chosen[0] == chosen[1]:  # a change of a group from itself: an IndexError after the fit
        raise ToolkitError(f"trends.compare names the group {chosen[0]!r} twice; name two groups of {by} ({shown})")
    return chosen


def check_options(section: dict) -> None:
    for name, span in section["periods"].items():
        # '' is a unit outside every period (period_of), and 'all' passages.csv's scope of the whole corpus: a period
        # named either took in every other document, or merged its passages with the corpus's (a hostile pass)
        if not name.strip() or name.strip() == "all":
            taken = (
                "passages.csv's scope of the whole corpus"
                if name.strip()
                else "the tables give units outside every period no name"
            )
            raise ToolkitError(
                f"trends.periods: {name!r} cannot name a period ({taken}); name it by its years or its plan, "
                "e.g. 十三五 = [2016, 2020]"
            )
        if not (
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(y, int) and not isinstance(y, bool) for y in span)
            and span[0] <= span[1]
        ):
            raise ToolkitError(f"trends.periods: {name} must be [first year, last year], e.g. [2011, 2015], not {span!r}")
    spans = sorted((span[0], span[1], name) for name, span in section["periods"].items())
    for (_, end, name), (start, _, other) in zip(spans, spans[1:]):
        if start <= end:
            raise ToolkitError(f"trends.periods: {name} and {other} overlap; a year belongs to one period")
    # the periods in time order, whatever order the config lists them in: every table, figure and line follows it
    section["periods"] = {name: section["periods"][name] for _, _, name in spans}
    names = ", ".join(section["periods"]) or "it defines none"
    for key in ("change_from", "change_to"):  # refused before any work, not after the fit
        value = section[key]
        if isinstance(value, str) and value and value not in section["periods"]:
            raise ToolkitError(f"trends.{key} = {value!r} is not a period of trends.periods ({names}); name one, or give a year")
    ends = [section[key] for key in ("change_from", "change_to") if section[key] not in (0, "")]
    if len(ends) == 2 and isinstance(ends[0], str) != isinstance(ends[1], str):
        raise ToolkitError(
            f"trends.change_from = {ends[0]!r} and change_to = {ends[1]!r}: compare two periods or two years, not one of each"
        )
    if section["compare"] and len(section["compare"]) != 2:
        raise ToolkitError(f"trends.compare names two groups, not {section['compare']!r}")
    if section["compare"] and not section["by"]:
        raise ToolkitError("trends.compare needs trends.by: the metadata column the groups come from")


def year_ranges(years) -> str:
    """Years as runs: 2011-2015, 2018, 2020-2022."""
    runs: list[list[int]] = []
    for year in sorted({int(y) for y in years}):
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs)


def _period_years(table: pd.DataFrame, units: pd.DataFrame, keys: list[str], periods: dict) -> pd.DataFrame:
    """``table`` (cells of ``keys``, the last a period) with each period's ``span`` (its first and last year, as
    configured) and the ``years`` of its cell that hold documents: a period the corpus covers in part (十四五 of
    2021-2022) says so."""
    years = units.groupby(keys, sort=False)["year"].agg(year_ranges)
    cells = list(table[keys].itertuples(index=False, name=None))
    at = table.columns.get_loc("theme")
    table.insert(at, "span", [f"{periods[p][0]}-{periods[p][1]}" if p in periods else "" for p in table["period"]])
    table.insert(at + 1, "years", [years.get(cell if len(keys) > 1 else cell[0], "") for cell in cells])
    return table


def period_of(years, periods: dict) -> np.ndarray:
    """The name of the period each year falls in ('' outside every period)."""
    out = np.full(len(years), "", dtype=object)
    for name, (first, last) in periods.items():
        out[(np.asarray(years) >= first) & (np.asarray(years) <= last)] = name
    return out


def year_spans(years, max_spans: int = 6) -> dict[str, list[int]]:
    """Periods for a table over time when none are named: every year of a short span, else spans of 2, 5,
    10, 20, 25 or 50 years aligned to round years (2000-2004, 2005-2009 ...), at most ``max_spans`` of them,
    each named by its first and last year with data."""
    if isinstance(max_spans, bool) or not isinstance(max_spans, (int, np.integer)) or max_spans < 1:
        raise ToolkitError(f"year_spans: max_spans must be a whole number of 1 or more, not {max_spans!r}")
    years = sorted({int(y) for y in years})
    if not years:
        return {}
    if len(years) <= max_spans:
        return {str(y): [y, y] for y in years}
    for step in (2, 5, 10, 20, 25, 50, 100, 1000):
        starts = sorted({y - y % step for y in years})
        if len(starts) <= max_spans:
            break
    else:  # no round span is long enough: one span, the years with data
        return {f"{years[0]}-{years[-1]}": [years[0], years[-1]]}
    spans = {}
    for start in starts:
        inside = [y for y in years if start <= y < start + step]
        spans[f"{inside[0]}-{inside[-1]}" if inside[0] != inside[-1] else str(inside[0])] = [start, start + step - 1]
    return spans


# ----- share tables ------------------------------------------------------------------------------------------


@dataclass
class ShareModel:
    """The modelled units, their documents and the ensemble's shares: what every table is computed from."""

    units: pd.DataFrame  # modelled units, with doc_id, year, n_tokens and any grouping columns
    member_shares: np.ndarray  # members x units x themes
    themes: list[str]  # the lexicon's themes, then 'other'
    n_boot: int = 1000
    level: float = 0.95
    random_state: int = 0
    dates: dict | None = None  # each document's date (ISO, any precision) by doc_id; default its year
    documents: object = field(init=False)

    def __post_init__(self):
        import pandas as pd

        from .uncertainty import Documents

        # a document's units together, in the order of their documents' first units: units given in another order
        # (a table sorted by theme or share) made each run of a document's units a document of its own, 28
        # "documents" for 3 and intervals a third narrower
        codes = pd.factorize(self.units["doc_id"])[0]
        if np.any(np.diff(codes) < 0):
            order = np.argsort(codes, kind="stable")
            self.units = self.units.iloc[order].reset_index(drop=True)
            self.member_shares = np.asarray(self.member_shares)[:, order]
        doc_ids = self.units["doc_id"].to_numpy()
        first = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
        # consecutive documents are those of consecutive dates (a document's year when its date is not given):
        # ordered by year and doc_id, a year's documents followed their names, not their dates; documents of one
        # date have no order (uncertainty._consecutive_msd averages over every order of them)
        dated = self.dates or {}
        keys = [dated.get(d) or f"{int(y):04d}" for y, d in zip(self.units["year"].to_numpy()[first], doc_ids[first])]
        self.documents = Documents.of(doc_ids, self.units["n_tokens"].to_numpy(dtype=float), self.member_shares, dates=keys)
        self.doc_frame = self.units.iloc[first].reset_index(drop=True)

    def cells(self, keys: list[str], labels: list | None = None):
        """The table's cells (given ``labels`` in order, else every combination present) and their documents."""
        from .uncertainty import Cells

        values = [tuple(row) for row in self.doc_frame[keys].itertuples(index=False)]
        labels = labels if labels is not None else sorted(set(values), key=lambda v: tuple(map(str, v)))
        index = {label: i for i, label in enumerate(labels)}
        documents = [[] for _ in labels]
        for d, value in enumerate(values):
            if value in index:
                documents[index[value]].append(d)
        return Cells(labels, [np.asarray(d, dtype=np.int64) for d in documents])

    def table(self, keys: list[str], labels: list | None = None):
        """One row per cell and theme: keys, theme, share, interval and its parts, seed spread, counts; the
        intervals' level recorded (``attrs["level"]``, which a figure drawn from it names)."""
        frame, cells, _ = self._table(keys, labels)
        frame.attrs["level"] = self.level
        return frame, cells

    def _table(self, keys: list[str], labels: list | None):
        """The table, its cells, and its replicates with the members (None without a bootstrap)."""
        from concurrent.futures import ThreadPoolExecutor

        import pandas as pd

        from .uncertainty import replicate, standard_deviations

        cells = self.cells(keys, labels)
        docs = self.documents
        offsets = docs.offsets
        member_share, counts = [], []
        for members in cells.documents:
            units = (
                np.concatenate([np.arange(offsets[d], offsets[d + 1]) for d in members])
                if len(members)
                else np.zeros(0, dtype=np.int64)
            )
            weights = docs.weights[units]
            total = weights.sum()
            member_share.append(
                (weights @ docs.shares[:, units, :]) / total
                if total > 0
                else np.full((docs.shares.shape[0], len(self.themes)), np.nan)
            )
            counts.append((len(members), len(units), int(total)))
        member_share = np.stack(member_share, axis=1) if cells.labels else np.zeros((1, 0, len(self.themes)))
        share = member_share.mean(axis=0)
        rows = {"share": share}
        if len(member_share) > 1:  # the spread over the ensemble's members
            rows.update(
                seed_min=member_share.min(axis=0), seed_max=member_share.max(axis=0), seed_sd=member_share.std(axis=0, ddof=1)
            )
        basis, total, weight = ["none"] * len(cells.labels), None, np.zeros(len(cells.labels))
        zero = np.zeros((len(cells.labels), len(self.themes)), dtype=bool)  # a document level drawn, estimated as 0
        if self.n_boot:
            z = _z(self.level)
            pooled = self.cells(keys)
            if "period" in keys:  # the documents outside every named period are no cell of the table: their years'
                # trend read as the document level widened every period's interval (a methodologist's hostile pass)
                from .uncertainty import Cells

                named = [i for i, label in enumerate(pooled.labels) if label[keys.index("period")] != ""]
                pooled = Cells([pooled.labels[i] for i in named], [pooled.documents[i] for i in named])
            docs.unit_variance()  # computed once (with the document shares), before the two threads below read it
            # both sets draw the same random numbers (a stream each, one in a thread, one here): their replicates differ
            # by the ensemble member drawn alone, so that share_sd and sampling_sd are equal with one member and
            # their difference is the ensemble's part (two streams gave share_sd below sampling_sd in half the cells
            # of a one-member run: a hostile pass of the tables)
            with ThreadPoolExecutor(1) as pool:
                with_members = pool.submit(
                    replicate, docs, cells, self.n_boot, self.random_state, pooled=pooled, level=self.level
                )
                sampling = replicate(
                    docs, cells, self.n_boot, self.random_state, with_members=False, pooled=pooled, level=self.level
                )
                total = with_members.result()
            sd = standard_deviations(total)
            rows.update(
                share_sd=sd,
                sampling_sd=standard_deviations(sampling),
                share_low=np.clip(share - z * sd, 0, 1),
                share_high=np.clip(share + z * sd, 0, 1),
            )
            basis, weight = total.basis, total.weight
            zero = (total.df[:, None] > 0) & (total.variance == 0)
        frame = []
        missing = unmeasured_in(self.member_shares, self.themes)
        for c, label in enumerate(cells.labels):
            n_docs, n_units, n_tokens = counts[c]
            for t, theme in enumerate(self.themes):
                row = dict(zip(keys, label))
                absent = bool(n_docs) and theme in missing  # no measured zero: its cells are empty, and say why
                row.update(
                    theme=theme,
                    **{name: float("nan") if absent else float(values[c, t]) for name, values in rows.items()},
                    n_documents=n_docs,
                    n_units=n_units,
                    n_tokens=n_tokens,
                    interval_basis=NOT_MEASURED
                    if absent
                    else _basis(n_docs, basis[c], weight[c], zero[c, t])
                    if self.n_boot
                    else "",
                )
                frame.append(row)
        return pd.DataFrame(frame), cells, total

    def change(self, keys: list[str], first, last) -> pd.DataFrame:
        """The change of every theme's share from cell ``first`` to cell ``last`` (tuples of ``keys`` values), the
        intervals' level recorded as :meth:`table` records it."""
        import pandas as pd
        from scipy.stats import t as student

        from .uncertainty import difference_sd, t_widening

        table, _, replicates = self._table(keys, [first, last])  # the two cells' shares and their replicates
        # the family of the simultaneous intervals: the named themes measured here (a theme without a share in any
        # unit, none of its keywords in the vocabulary, changes by nothing and is no comparison)
        missing = unmeasured_in(self.member_shares, self.themes)
        rows, named = [], [t for t in self.themes if t != "other" and t not in missing]
        family = 1 - (1 - self.level) / max(len(named), 1)
        # The replicates' spread is widened to a t interval at the table's level (uncertainty.replicate); the
        # simultaneous interval and the p-value need the t of their own quantile, with the degrees of freedom of the
        # two cells' between-document variance (the fewer: conservative). With a normal quantile at the Bonferroni
        # level on a spread widened at 95%, "clear" changes came 3-6 times too often with few documents.
        df = min((d for d in (replicates.df if replicates is not None else []) if d > 0), default=0.0)
        # no between-document variance could be estimated (no cell of two documents, and fewer than three documents
        # for the consecutive-documents estimate: two reports, one a year): the intervals count the units and seeds
        # only and can call nothing clear (as a group of one document)
        no_document_level = replicates is not None and df == 0
        widened = float(t_widening(df, self.level))
        z = _z(self.level)
        z_all = _z(family) * float(t_widening(df, family)) / widened
        sd = difference_sd(replicates, 0, 1) if replicates is not None else np.full(len(self.themes), np.nan)
        sizes = table.drop_duplicates(keys)["n_documents"].tolist()
        sd = np.where([t in missing for t in self.themes], np.nan, sd)  # not measured: no spread of 0 either
        for t, theme in enumerate(self.themes):
            values = table[table["theme"] == theme]["share"].to_numpy()
            change = values[1] - values[0]
            statistic = abs(change) / (sd[t] / widened) if sd[t] > 0 else float("nan")
            p = float(2 * student.sf(statistic, df)) if sd[t] > 0 and df > 0 else float("nan")
            if sd[t] == 0 and df > 0:  # no spread in any replicate: a change is certain (p 0, and clear), none is p 1
                p = 0.0 if change != 0 else 1.0
            # a change of shares lies in [-1, 1]: an interval wider than that (a pool of two degrees of freedom) is cut
            low_all, high_all = max(change - z_all * sd[t], -1.0), min(change + z_all * sd[t], 1.0)
            rows.append(
                {
                    "theme": theme,
                    "from": _label(first),
                    "to": _label(last),
                    "share_from": values[0],
                    "share_to": values[1],
                    "change": change,
                    "change_sd": sd[t],
                    "change_low": max(change - z * sd[t], -1.0),
                    "change_high": min(change + z * sd[t], 1.0),
                    "simultaneous_low": low_all,
                    "simultaneous_high": high_all,
                    "p_value": p,
                    "df": df,
                    "clear": bool(theme != "other" and not no_document_level and (low_all > 0 or high_all < 0)),
                    "documents_from": sizes[0],
                    "documents_to": sizes[1],
                    "note": NOT_MEASURED
                    if theme not in named and theme != "other"
                    else NO_DOCUMENT_LEVEL
                    if no_document_level
                    else "; ".join(
                        n for n in (_change_note(sizes, replicates, t), OTHER_CHANGE if theme == "other" else "") if n
                    ),
                }
            )
        change = pd.DataFrame(rows)
        change.attrs["level"] = self.level
        return change


FEW_DEGREES = 4  # below this, a change's t quantile at the Bonferroni level is several times the normal one


def _few_degrees_warning(change: pd.DataFrame, name: str) -> None:
    """Warn when a change table rests on a between-document variance of fewer than FEW_DEGREES degrees of freedom
    (few documents in the cells compared and in the pool): its intervals are then very wide (a change interval of
    [-5.6, 5.8] was seen with two, before it was cut at [-1, 1]), and a reader should know why."""
    if change.empty or "df" not in change:
        return
    df = float(change["df"].iloc[0])
    if df == 0 and change["note"].astype(str).str.startswith(NO_DOCUMENT_LEVEL).any():
        log.warning(
            "%s (%s -> %s): too few documents to estimate how documents vary (no cell of two, fewer than three in "
            "all): its intervals leave out how documents vary, and no change is called clear; more documents give it one",
            name,
            change["from"].iloc[0],
            change["to"].iloc[0],
        )
    elif 0 < df < FEW_DEGREES:
        log.warning(
            "%s (%s -> %s) rests on a between-document variance of %d degrees of freedom (few documents in the cells "
            "compared and in the rest of the table): its intervals are wide and only a large change is clear; more "
            "documents a year, period or group narrow them",
            name,
            change["from"].iloc[0],
            change["to"].iloc[0],
            int(df),
        )


OTHER_CHANGE = (
    "not a theme (what the lexicon does not name): left out of the simultaneous intervals' adjustment and never "
    "called clear; read it beside keyword_by_year.csv"
)
NO_DOCUMENT_LEVEL = (
    "too few documents to estimate how documents vary (no cell of two, fewer than three in all): the interval counts "
    "units (and the seeds of an ensemble) only, so no change is called clear (and no p-value given)"
)
ONE_DOCUMENT_GROUP = (
    "a group of one document: its between-document variance is borrowed from the other groups' documents, so no "
    "change is called clear "
    "(as no effect is estimated for a category of one document)"
)


def _one_document_group(change: pd.DataFrame) -> pd.DataFrame:
    """A group change with a side of one document called clear nowhere: the document level of that side is borrowed
    from the other group, documents of another kind (a province's report against the central government's), which
    a year's borrowing from other years of the same series is not; the effects leave such a category out too."""
    if change.empty or min(change["documents_from"].min(), change["documents_to"].min()) >= 2:
        return change
    notes = change["note"].fillna("").astype(str)
    # where no document level is estimated (the note says so) nothing is borrowed: that note alone
    return change.assign(
        clear=False,
        note=[n if NO_DOCUMENT_LEVEL in n else f"{n}; {ONE_DOCUMENT_GROUP}" if n else ONE_DOCUMENT_GROUP for n in notes],
    )


def _change_note(sizes: list[int], replicates, theme: int) -> str:
    """The note of a change whose sides rest on single documents (``sizes``: each side's documents): their
    document level is the pooled between-document variance, said when it was estimated as zero for the theme."""
    if min(sizes) != 1:
        return ""
    # one side alone is said as one side (a hostile pass: a pair of one document and two was said to rest on
    # "single documents")
    note = (
        "rests on single documents: their document level is the pooled between-document variance"
        if max(sizes) == 1
        else f"one side rests on a single document ({max(sizes)} on the other): its document level is the pooled "
        "between-document variance"
    )
    if replicates is not None and all(
        replicates.df[c] > 0 and replicates.variance[c, theme] == 0 for c, n in enumerate(sizes) if n == 1
    ):
        note += f", {ZERO_DOCUMENT_LEVEL}"
    return note


def _label(cell):
    return cell[0] if isinstance(cell, tuple) and len(cell) == 1 else cell


def unmeasured_in(member_shares: np.ndarray, themes: list[str]) -> set[str]:
    """The themes of ``member_shares`` (members x units x themes) without a share in any unit of any member."""
    measured = member_shares.any(axis=(0, 1))
    return {theme for theme, flag in zip(themes, measured) if not flag}


def unmeasured(table: pd.DataFrame, column: str = "share") -> set[str]:
    """The named themes of the long ``table`` (a ``theme`` column) not measured in this corpus (none of their
    keywords in the vocabulary, or no topic counts for them): in a table of shares by year, period or group, those
    whose ``interval_basis`` says so (:data:`NOT_MEASURED`: the whole corpus was looked at, not the table's cells
    only, which may leave years out); in another (themes.csv), those whose ``column`` is zero or empty in every
    row. Figures and the methods paragraph name them as such rather than report a measured zero."""
    if "interval_basis" in table:
        rows = table[table["n_documents"] > 0] if "n_documents" in table else table
        said = rows["interval_basis"].astype(str).eq(NOT_MEASURED).groupby(rows["theme"]).all()
        return {theme for theme, flag in said.items() if flag and theme != "other"}
    values = table[column].astype(float).fillna(0).abs().groupby(table["theme"]).max()
    return {theme for theme, top in values.items() if top == 0 and theme != "other"}


UNITS_ONLY = "units only (too few documents to estimate the document level)"  # a cell's interval_basis says so


def units_only(table) -> bool:
    """Whether every measured cell of a table of shares (its ``interval_basis``) rests on units only: too few
    documents to estimate how documents vary anywhere (the intervals leave that out)."""
    return _every_basis_says(table, UNITS_ONLY)


def document_level_zero(table) -> bool:
    """Whether every measured cell's document level was estimated as zero (its ``interval_basis``): the intervals
    then vary by units and seeds alone (the State Council reports: one a year, differing no more than their
    paragraphs imply), which a caption naming documents should say."""
    return _every_basis_says(table, ZERO_DOCUMENT_LEVEL)


def _every_basis_says(table, said: str) -> bool:
    if table is None or "interval_basis" not in table:
        return False
    basis = table["interval_basis"]
    basis = basis[basis.notna()].astype(str)  # (an empty column reads back as floats, which "" cannot fill)
    drawn = basis[(basis != "") & (basis != NOT_MEASURED)]
    return bool(len(drawn)) and bool(drawn.str.contains(said, regex=False).all())


NOT_MEASURED = (
    "not measured in this corpus: no share in any unit (none of its keywords in the vocabulary, or no topic counts for it)"
)
ZERO_DOCUMENT_LEVEL = "estimated as zero: its documents differ no more than resampling their units implies"
CONSECUTIVE_DOCUMENTS = "from consecutive documents"  # a cell's interval_basis: the document level of one a year


def _basis(n_documents: int, pooled: str, weight: float, zero: bool = False) -> str:
    """How a cell's interval was made: its units resampled, its document level from its own documents (with
    ``weight``) blended with the variance pooled over the table (see :mod:`toolkit.analysis.uncertainty`);
    ``zero``: that variance was estimated as zero for this theme (:data:`ZERO_DOCUMENT_LEVEL`)."""
    if n_documents == 0:
        return ""
    if zero:
        return _basis(n_documents, pooled, weight) + f" ({ZERO_DOCUMENT_LEVEL})"
    few = "one document" if n_documents == 1 else f"{n_documents} documents"
    source = {
        "within cells": "pooled over the table's cells",
        "consecutive documents": (
            f"{CONSECUTIVE_DOCUMENTS} (wide where shares trend; narrow for a short document among long ones)"
        ),
        "within cells and consecutive documents": f"pooled over the table's cells and {CONSECUTIVE_DOCUMENTS}",
    }
    if pooled not in source or weight == 1:
        return f"{few}: units resampled, document level from its documents" if weight > 0 else f"{few}: {UNITS_ONLY}"
    if weight == 0:
        return f"{few}: units resampled, document level {source[pooled]}"
    return f"{few}: units resampled, document level {weight:.0%} from its documents, {1 - weight:.0%} {source[pooled]}"


def _z(level: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 2))


def theme_by_year(units: pd.DataFrame, themes: list[str], *, years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Tidy table of point estimates: year, theme, share, n_documents, n_units, n_tokens.

    ``units`` needs columns year, doc_id, n_tokens and one share column per theme. A year's share is the
    token-weighted mean of its units' shares. Every year from the first to the last (or ``years``) appears;
    a year without units has share NaN and zero counts: a gap, never a zero. A unit without shares (one the model
    did not see, as a run's units.csv holds them: NaN) counts in no year, as in the run's own tables; a whole year
    of them is a gap. A theme empty in every unit (not measured in the corpus, as units.csv holds it) is a gap in
    every year.
    """
    import pandas as pd

    themes = as_list(themes)
    require_columns(units, ["year", "doc_id", "n_tokens", *themes], "theme_by_year", "units")
    unit_years = _whole_years(units["year"], "theme_by_year")
    first, last = _window(units.assign(year=unit_years), years, "theme_by_year")
    # a unit the model saw has a share of every measured theme; one it did not see has none
    measured = units[themes].notna().any(axis=1).to_numpy() if themes else np.ones(len(units), dtype=bool)
    rows = []
    for year in range(first, last + 1):
        in_year = units[(unit_years == year) & measured]
        tokens = in_year["n_tokens"].to_numpy(dtype=float)
        total = tokens.sum()
        for theme in themes:
            share = float(np.dot(tokens, in_year[theme].to_numpy(dtype=float)) / total) if total > 0 else np.nan
            rows.append(
                {
                    "year": year,
                    "theme": theme,
                    "share": share,
                    "n_documents": int(in_year["doc_id"].nunique()),
                    "n_units": int(len(in_year)),
                    "n_tokens": int(total),
                }
            )
    return pd.DataFrame(rows)


def _whole_years(column: pd.Series, function: str) -> np.ndarray:
    """A ``year`` column as whole numbers (text such as "2015" or 2015.0 read from a CSV too); a ToolkitError for a
    value that is no year: compared as it is, text matched no year and every year became a gap."""
    import pandas as pd

    years = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(years) | (years % 1 != 0)
    if bad.any():
        raise ToolkitError(f"{function}: the year column holds {column[bad].iloc[0]!r}, not a year (whole numbers such as 2015)")
    return years.astype(np.int64)


def _window(units: pd.DataFrame, years: tuple[int, int] | None, function: str) -> tuple[int, int]:
    """The years a table over time spans: ``years``, else the units' first to last."""
    if years:
        if int(years[0]) > int(years[1]):
            raise ToolkitError(f"{function}: years={tuple(years)!r} must be (first, last), the first no later than the last")
        return int(years[0]), int(years[1])
    if not len(units):
        raise ToolkitError(f"{function}: no units to tabulate (give years=(first, last) for a table of empty years)")
    return int(units["year"].min()), int(units["year"].max())


# ----- keywords --------------------------------------------------------------------------------------------


def keyword_rates(
    units: pd.DataFrame, keyword_counts: np.ndarray, themes: list[str], *, years: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Model-free baseline: occurrences of each theme's lexicon words per 10,000 tokens, per year.

    ``keyword_counts`` (units x themes, :func:`toolkit.analysis.lexicon.keyword_counts`) holds the keyword tokens of each
    row of ``units`` (which needs year and n_tokens); ``themes`` names its columns.
    """
    import pandas as pd

    require_columns(units, ["year", "n_tokens"], "keyword_rates", "units")
    if np.shape(keyword_counts) != (len(units), len(themes)):
        raise ToolkitError(
            f"keyword_rates: keyword_counts is {' x '.join(map(str, np.shape(keyword_counts)))}; it needs a row per unit and a "
            f"column per theme ({len(units)} x {len(themes)})"
        )
    first, last = _window(units, years, "keyword_rates")
    n_years = last - first + 1
    year_of_unit = units["year"].to_numpy(dtype=np.int64) - first
    in_window = (year_of_unit >= 0) & (year_of_unit < n_years)
    totals = np.bincount(year_of_unit[in_window], weights=units["n_tokens"].to_numpy(dtype=float)[in_window], minlength=n_years)
    counts = np.zeros((n_years, len(themes)))
    np.add.at(counts, year_of_unit[in_window], keyword_counts[in_window])
    rows = []
    for i in range(n_years):
        total = int(totals[i])
        for k, theme in enumerate(themes):
            count = int(counts[i, k])
            rows.append(
                {
                    "year": first + i,
                    "theme": theme,
                    "per_10k": count / total * 1e4 if total else np.nan,
                    "count": count,
                    "n_tokens": total,
                }
            )
    return pd.DataFrame(rows)


def model_keyword_agreement(shares: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Pearson correlation across years between each theme's model share and its keyword rate."""
    import pandas as pd

    merged = shares.merge(rates, on=["year", "theme"])
    rows = []
    for theme, rows_theme in merged.groupby("theme", sort=False):  # a row per theme, one not measured too (no r)
        rows_theme = rows_theme.dropna(subset=["share", "per_10k"])
        ok = len(rows_theme) >= 3 and rows_theme["share"].std() > 0 and rows_theme["per_10k"].std() > 0
        r = float(np.corrcoef(rows_theme["share"], rows_theme["per_10k"])[0, 1]) if ok else np.nan
        rows.append({"theme": theme, "pearson_r": r, "n_years": len(rows_theme)})
    return pd.DataFrame(rows, columns=["theme", "pearson_r", "n_years"])


# ----- the stage ---------------------------------------------------------------------------------------------


@dataclass
class Trends:
    """The tables of a run: by year (always), by named period, by group and group x year (when asked for),
    the keyword baseline and its agreement with the model, and the change tables."""

    yearly: pd.DataFrame
    keywords: pd.DataFrame
    agreement: pd.DataFrame
    change: pd.DataFrame
    periods: pd.DataFrame | None = None
    groups: pd.DataFrame | None = None
    group_years: pd.DataFrame | None = None
    group_change: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by the name of its CSV file (those that were computed)."""
        named = {
            "theme_by_year": self.yearly,
            "keyword_by_year": self.keywords,
            "model_vs_keywords": self.agreement,
            "change": self.change,
            "theme_by_period": self.periods,
            "theme_by_group": self.groups,
            "theme_by_group_year": self.group_years,
            "group_change": self.group_change,
        }
        return {name: table for name, table in named.items() if table is not None}


CHANGE_COLUMNS = [
    "theme",
    "from",
    "to",
    "share_from",
    "share_to",
    "change",
    "change_sd",
    "change_low",
    "change_high",
    "simultaneous_low",
    "simultaneous_high",
    "p_value",
    "df",
    "clear",
    "documents_from",
    "documents_to",
    "note",
]


def _change_ends(yearly: pd.DataFrame, by_period, periods: dict, change_from, change_to) -> tuple[str, object, object]:
    """What change.csv compares: "year" or "period", and its two ends. By default the first and last years with two
    documents or more, when two such years exist (a change that starts or ends on a single document rests on that
    one text), else the first and last with data; a period named at one end makes the other default to the first or
    last period with documents (``by_period``, the table by period)."""
    if isinstance(change_from, str) and change_from or isinstance(change_to, str) and change_to:
        named = [value for value in (change_from, change_to) if isinstance(value, str) and value]
        if not all(name in periods for name in named):  # as check_options refuses it, for a caller without a config
            raise ToolkitError(f"trends.change_from/change_to name {', '.join(named)}, not periods of trends.periods")
        held = set(by_period.loc[by_period["n_units"] > 0, "period"])
        ends = [name for name in periods if name in held] or list(periods)
        return "period", change_from or ends[0], change_to or ends[-1]
    several = sorted(yearly.loc[yearly["n_documents"] >= 2, "year"].unique())
    ends = several if len(several) >= 2 else sorted(yearly.loc[yearly["n_units"] > 0, "year"].unique())
    return "year", change_from or ends[0], change_to or ends[-1]


def _change_compared(key: str, first, last, present: set, periods: dict, named: bool, bootstrap: int) -> bool:
    """Whether change.csv compares ``first`` with ``last`` (years or periods, ``key``); if not, a warning says why
    (``named``: the config named an end): an end without documents, one year or period only, or no intervals. A
    table that compared nothing was empty without a word (a review: notebook 04 then gave a wrong reason)."""
    empty = [
        f"trends.{name} = {value!r}" for name, value in (("change_from", first), ("change_to", last)) if value not in present
    ]
    if empty:
        log.warning(
            "%s: no document there, so change.csv is empty; %s with documents: %s",
            " and ".join(empty),
            "periods" if key == "period" else "years",
            ", ".join(p for p in periods if p in present) if key == "period" else year_ranges(present),
        )
    elif first == last:
        log.warning(
            "change.csv is empty: %s",
            f"trends.change_from and change_to both come to {first!r}; give two {key}s with documents"
            if named
            else f"every document is of one {key} ({first}), nothing to compare it with",
        )
    elif not bootstrap:
        log.warning("change.csv is empty: trends.bootstrap = 0 draws no intervals, and a change is given with its own")
    return not empty and first != last and bool(bootstrap)


def yearly_trends(  # noqa: PLR0913 (the [trends] options as keyword arguments)
    units: pd.DataFrame,
    keyword_counts: np.ndarray,
    themes: list[str],
    *,
    window: tuple[int, int],
    member_shares=None,
    bootstrap: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
    change_from=0,
    change_to=0,
    periods: dict | None = None,
    by: str = "",
    compare: list | None = None,
    dates: dict | None = None,
) -> Trends:
    """Every table of a run.

    ``units``: every unit with year, doc_id, n_tokens, in_model, one share column per name in ``themes`` (the
    lexicon's themes, then ``other``) and the ``by`` column when given; ``keyword_counts``: their keyword tokens
    per theme (units x the lexicon's themes); ``member_shares``: each ensemble member's shares of the modelled
    units (members x units x themes; default: the shares in ``units``, one member); ``dates``: each document's date
    by doc_id (ISO, any precision), which orders consecutive documents (default: their years).
    """
    import pandas as pd

    check_arguments("yearly_trends", OPTIONS, bootstrap=bootstrap, level=level)
    require_columns(units, ["doc_id", "year", "n_tokens", "in_model", *themes], "yearly_trends", "units")
    if by and by not in units.columns:
        raise ToolkitError(
            f"trends.by = {by!r} is no column of the documents; use one of the metadata's columns (place, level ...)"
        )
    periods = periods or {}
    # the columns the tables read, so that no copy of other columns (the units' text) is made
    columns = [c for c in dict.fromkeys(("doc_id", "year", "n_tokens", by, *themes)) if c and c in units.columns]
    modelled = units.loc[units["in_model"].to_numpy(), columns].reset_index(drop=True)
    if member_shares is None:
        member_shares = modelled[themes].to_numpy(dtype=float)[None]
    if periods:
        modelled = modelled.assign(period=period_of(modelled["year"].to_numpy(), periods))
    model = ShareModel(modelled, member_shares, themes, bootstrap, level, random_state, dates)
    years = [(y,) for y in range(window[0], window[1] + 1)]
    yearly, _ = model.table(["year"], years)
    keywords = keyword_rates(units, keyword_counts, themes[: keyword_counts.shape[1]], years=window)
    agreement = model_keyword_agreement(yearly, keywords)
    trends = Trends(yearly, keywords, agreement, pd.DataFrame(columns=CHANGE_COLUMNS))
    if periods:
        trends.periods = _period_years(model.table(["period"], [(name,) for name in periods])[0], modelled, ["period"], periods)
    key, first, last = _change_ends(yearly, trends.periods, periods, change_from, change_to)
    cells = trends.periods if key == "period" else yearly
    present = set(cells.loc[cells["n_units"] > 0, key])
    if _change_compared(key, first, last, present, periods, bool(change_from or change_to), bootstrap):
        trends.change = model.change([key], (first,), (last,))
        _few_degrees_warning(trends.change, "change.csv")
    if by:
        values = group_labels(modelled[by])
        blank = values == MISSING_GROUP
        if blank.any():
            documents = modelled.loc[blank, "doc_id"].unique() if "doc_id" in modelled else []
            log.warning(
                "%d document(s) have no %s (an empty cell of the metadata, or no row for their file): they form the group "
                "%r of the group tables and figures; fill the column to place them",
                len(documents),
                by,
                MISSING_GROUP,
            )
        grouped = modelled.assign(**{by: values})
        model = ShareModel(grouped, member_shares, themes, bootstrap, level, random_state, dates)
        # the groups in the order the documents first name them (the metadata's: 一线, 新一线, 二线 ..., as the
        # effects have them; sorted as text they read 一线, 三线及以下, 二线, 新一线), the missing group last
        first = {group: i for i, group in enumerate(dict.fromkeys(values))}
        rank = {group: (group == MISSING_GROUP, i) for group, i in first.items()}
        trends.groups, _ = model.table([by], [(group,) for group in sorted(first, key=rank.__getitem__)])
        time = "period" if periods else "year"
        order = {name: i for i, name in enumerate(periods or ())}  # a group's periods in their order, years by number
        if periods:  # as theme_by_period, every named period, one without documents too (n 0, no share); the
            # years outside every named period in no cell (a blank period was)
            cells = {(group, name) for group in first for name in periods}
        else:
            cells = {tuple(row) for row in grouped[[by, time]].drop_duplicates().itertuples(index=False)}
        labels = sorted(cells, key=lambda cell: (rank[cell[0]], order.get(cell[1], len(order)), cell[1]))
        trends.group_years, _ = model.table([by, time], labels)
        if periods:
            trends.group_years = _period_years(trends.group_years, grouped, [by, "period"], periods)
        sizes = trends.groups.drop_duplicates(by).set_index(by)["n_tokens"].sort_values(ascending=False)
        named = [group for group in sizes.index if group != MISSING_GROUP]  # no default comparison with "(missing)"
        if len(named) < 2 and not compare:
            log.warning(
                "trends.by = %r has %s in the modelled documents%s: there are no groups to compare, so "
                "no group_change.csv is written; choose a column whose values differ between documents",
                by,
                f"one value ({named[0]})" if named else "no value",
                f" besides {MISSING_GROUP}" if MISSING_GROUP in sizes.index else "",
            )
        pair = compared_groups(compare, list(sizes.index), by) if compare else named[:2]
        if len(sizes) > MANY_GROUPS:
            log.warning(
                "trends.by = %r has %d groups: theme_groups draws every one in each panel, too many to tell apart, "
                "and group_change.csv compares two, %s and %s (%s); choose a coarser column for trends.by (a region "
                "for provinces), or read theme_by_group.csv",
                by,
                len(sizes),
                *pair[:2],
                "trends.compare" if compare else "the two with the most tokens; trends.compare chooses others",
            )
        single = [group for group in pair if trends.groups.loc[trends.groups[by] == group, "n_documents"].max() == 1]
        if len(pair) == 2 and bootstrap:
            change = model.change([by], (pair[0],), (pair[1],))
            # said where the run is read, not in the table's notes alone (a hostile pass); not where no document
            # level is estimated at all (no other documents to borrow it from: the note says the interval counts
            # units only, and "borrowed from the other groups' documents" beside it contradicted it: a hostile pass)
            if single and not change["note"].astype(str).str.contains(NO_DOCUMENT_LEVEL, regex=False).all():
                log.warning(
                    "group_change.csv compares %s and %s, and %s %s one document: its between-document variance is "
                    "borrowed from the other groups' documents, so no change between them is called clear; compare "
                    "groups of two documents or more (trends.compare)",
                    *pair,
                    " and ".join(map(str, single)),
                    "holds" if len(single) == 1 else "each hold",
                )
            trends.group_change = _years_apart(_one_document_group(change), grouped, by, pair)
            _few_degrees_warning(trends.group_change, "group_change.csv")
    return trends


YEARS_APART = 0.25  # of the corpus's span of years: how far apart two groups' tokens' mean years are said


def _years_apart(change: pd.DataFrame, grouped: pd.DataFrame, by: str, pair: list) -> pd.DataFrame:
    """A group change whose two groups' documents are of different times, their tokens' mean years apart by at
    least :data:`YEARS_APART` of the corpus's span of years, with a note on every row and a warning:
    the difference between them mixes the group with the change over time, which a comparison of groups alone never
    said (a hostile pass: one province's notices of 2019 against another's of 2020 repeated the change from 2019 to
    2020). Not for a grouping by time itself; a distance of the years' spread alone (total variation) had called
    Wuhan's reports of 2015-2022 and Anqing's one of 2020, mean years 2019.9 and 2020.0, of different years (a
    review); a gap of a year at least had missed the notices of 2019 against those of 2020, mean years 0.85 apart in
    a corpus of those two years: the gap counts against the span, as a trend over it would)."""
    import pandas as pd

    if change.empty or "year" not in grouped or len(pair) != 2 or by in ("year", "date", "period"):
        return change
    tokens = grouped.groupby([by, "year"])["n_tokens"].sum()
    spread = []
    for group in pair:
        held = tokens.loc[group] if group in tokens.index.get_level_values(0) else pd.Series(dtype=float)
        if held.sum() <= 0:  # a group without tokens has no time to compare
            return change
        spread.append(held[held > 0] / held.sum())
    means = [float((share * share.index.to_numpy(dtype=float)).sum()) for share in spread]
    years = pd.to_numeric(grouped["year"], errors="coerce").dropna()
    span = float(years.max() - years.min()) if len(years) else 0.0
    gap = abs(means[1] - means[0])
    if span <= 0 or gap < YEARS_APART * span:
        return change

    def held_years(share: pd.Series, mean: float) -> str:
        first, last = int(share.index.min()), int(share.index.max())
        return f"{first if first == last else f'{first}-{last}'}, its tokens' mean year {mean:.1f}"

    shared = set(spread[0].index) & set(spread[1].index)
    note = (
        f"the two groups' documents are of different times ({pair[0]}: {held_years(spread[0], means[0])}; {pair[1]}: "
        f"{held_years(spread[1], means[1])}{'; no year holds documents of both' if not shared else ''}): the "
        f"difference mixes {by} with the change over time; "
        + (
            "compare them within the years (or periods) both cover, theme_by_group_year.csv, or estimate both (effects.formula)"
            if shared
            else "estimate both (effects.formula)"
        )
    )
    log.warning("group_change.csv compares %s and %s, but %s", pair[0], pair[1], note)
    notes = change["note"].fillna("").astype(str)
    return change.assign(note=[f"{n}; {note}" if n else note for n in notes])
