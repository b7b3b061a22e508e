"""Corpus-level word statistics: term counts by year, keywords in context, detected phrases, and candidate
terms for the domain dictionary.

Term counts and concordances read the normalised text of each document as a run analyses it, before it is
split into units (its lines broken inside a sentence joined, :func:`toolkit.text.units.document_text`):
``count`` is how often the term occurs as a substring, ``token_count`` how often the run's segmenter cuts it
out as a whole word (jieba may cut 改革开放 as one word, so 改革 then counts in ``count`` only).
"""

from __future__ import annotations

import logging
import math
import re
from array import array
from collections import Counter
from itertools import islice
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import numpy as np

from ..errors import ToolkitError, as_list
from ..options import Option
from ..text.normalize import HAN
from ..text.patterns import UserPattern
from ..text.tokens import UnitTokens, WordNumbering

log = logging.getLogger("toolkit")

if TYPE_CHECKING:
    import pandas as pd

MAX_CONTEXT = 10_000  # characters on each side of a concordance line

OPTIONS = {
    "track": Option(
        [],
        "Terms a run counts by year (term_counts.csv and term_counts.png) and shows in context "
        '(kwic.csv), e.g. ["共同富裕", "数据要素"].',
        kind=list,
    ),
    "context": Option(
        20,
        "Characters on each side of a keyword in context (at most 10,000, as kwic --context).",
        lambda v: 1 <= v <= MAX_CONTEXT,
        "from 1 to 10,000",
    ),
}


def check_options(section: dict) -> None:
    for term in section["track"]:
        check_term(term)


def check_term(term: str) -> str:
    if not term.strip():
        raise ToolkitError("a term to count or show in context must not be empty")
    return term


# A document as the term functions see it: a mapping with doc_id, title, date and year (and any grouping
# columns asked for), paired with its normalised text.
TextSource = Iterable[tuple[dict, str]]


def _documents(texts: TextSource, function: str) -> Iterator[tuple[dict, str]]:
    """The (document, text) pairs of ``texts`` (a pair as a tuple or a list, as JSON gives it back; a document as a
    mapping or a pandas Series); ToolkitError for anything else (a list of texts, one text: "too many values to
    unpack" from inside the loop, a hostile pass of the API)."""
    from collections.abc import Mapping

    def refuse(what: str) -> ToolkitError:
        return ToolkitError(
            f"{function}: texts must be (document, text) pairs such as "
            f'({{"doc_id": "a", "title": "", "date": "2020", "year": 2020}}, "全文"), not {what}; toolkit.count_terms '
            "and toolkit.concordance read a corpus's files"
        )

    if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
        raise refuse(type(texts).__name__)
    for item in texts:
        pair = isinstance(item, (tuple, list)) and len(item) == 2
        if not (pair and (isinstance(item[0], Mapping) or hasattr(item[0], "to_dict")) and isinstance(item[1], str)):
            what = f"pairs of {type(item[0]).__name__} and {type(item[1]).__name__}" if pair else f"{type(item).__name__} items"
            raise refuse(what)
        yield item[0], item[1]


class TermCounter:
    """Counts of terms gathered one document at a time (see :func:`term_counts`)."""

    # the table's own columns (and two working ones), which no grouping column may shadow
    COLUMNS = (
        "term", "count", "token_count", "characters", "per_10k", "documents", "documents_with",
        "first_seen", "last_seen", "year_sort", "with",
    )  # fmt: skip

    def __init__(self, terms: list[str], *, cut: Callable[[str], list[str]] | None = None, by: tuple[str, ...] = ("year",)):
        self.terms = [check_term(t) for t in dict.fromkeys(as_list(terms))]
        self.cut, self.by = cut, tuple(dict.fromkeys(by))  # year,year counts by year once
        clash = [c for c in self.by if c in self.COLUMNS]
        if clash:
            raise ToolkitError(
                f"cannot count by {clash[0]!r}: the counts table has a column of that name; "
                "rename that column of the metadata to count by it"
            )
        self.rows: list[dict] = []

    def add(self, doc: dict, text: str) -> None:
        keys = {k: doc[k] for k in self.by}  # named as the run's tables name groups in table(), once for all
        token_counts: Counter[str] = Counter()
        if self.cut is not None:
            for line in text.split("\n"):
                if any(t in line for t in self.terms):
                    token_counts.update(w for w in self.cut(line) if w in self.terms)
        for term in self.terms:
            self.rows.append(
                {
                    "term": term,
                    **keys,
                    "date": str(doc["date"]),
                    "year_sort": int(doc["year"] or 0),
                    "count": text.count(term),
                    "token_count": token_counts[term],
                    "characters": len("".join(text.split())),  # not its spaces and line breaks: a layout's
                }
            )

    def table(self) -> pd.DataFrame:
        import pandas as pd

        columns = [
            "term",
            *self.by,
            "count",
            "token_count",
            "characters",
            "per_10k",
            "documents",
            "documents_with",
            "first_seen",
            "last_seen",
        ]
        if self.cut is None:
            columns.remove("token_count")
        if not self.rows:
            return pd.DataFrame(columns=columns)
        from .trends import group_labels

        docs = pd.DataFrame(self.rows)
        # a group cell as the run's tables name it: trimmed, and (missing) when blank or absent (a document with no
        # metadata row has NaN in the user's own columns: its rows were dropped by the grouping, a hostile pass)
        for column in self.by:
            if column != "year":
                docs[column] = group_labels(docs[column])
        docs["with"] = docs["count"] > 0
        table = (
            docs.groupby(["term", *self.by], sort=False)
            .agg(
                count=("count", "sum"),
                token_count=("token_count", "sum"),
                characters=("characters", "sum"),
                documents=("count", "size"),
                documents_with=("with", "sum"),
            )
            .reset_index()
        )
        # no characters, no rate (a gap, never a measured 0): an empty text given to term_counts
        table["per_10k"] = np.round(table["count"] / table["characters"].where(table["characters"] > 0) * 1e4, 4)
        # the first and last document with the term in each group of the columns other than year (a place's own
        # first use, not the corpus's, on a place's rows; the corpus's when counted by year alone)
        within = ["term", *(c for c in self.by if c != "year")]
        seen = docs[docs["with"]].sort_values(["year_sort", "date"], kind="stable").groupby(within, sort=False)["date"]
        spans = seen.agg(first_seen="first", last_seen="last").reset_index()
        table = table.merge(spans, on=within, how="left").fillna({"first_seen": "", "last_seen": ""})
        table["term"] = pd.Categorical(table["term"], categories=self.terms)
        # a column of numbers in their order (a tier of 1-12 as 1, 10, 11, 12, 2 ...: a hostile pass), others as text
        table = table.sort_values(["term", *self.by], kind="stable", key=_in_order).reset_index(drop=True)
        from .trends import warn_groups_written_apart

        for column in self.by:  # 1, 1.0 and 01 are three groups here as in the run's tables: said as there
            if column != "year":
                warn_groups_written_apart(list(dict.fromkeys(table[column].astype(str))), column, setting="--by")
        table["term"] = table["term"].astype(str)
        return table[columns]


def _in_order(column: pd.Series) -> pd.Series:
    """A grouping column as it sorts: its numbers as numbers (read as a run reads them: １０ and 1,000 too) when every
    cell but the blank ones' group is one (that group last, as in the trends tables), else as it is."""
    import pandas as pd

    from .effects import as_numbers
    from .trends import MISSING_GROUP

    if column.name == "term" or pd.api.types.is_numeric_dtype(column):
        return column
    numbers = as_numbers(column.mask(column == MISSING_GROUP))  # NaN sorts last
    return numbers if (numbers.notna() | (column == MISSING_GROUP)).all() else column


def term_counts(
    texts: TextSource, terms: list[str], *, cut: Callable[[str], list[str]] | None = None, by: tuple[str, ...] = ("year",)
) -> pd.DataFrame:
    """Per term and per value of ``by`` (default: year): count (substring occurrences), token_count (whole
    words as ``cut`` gives them; omitted without ``cut``), characters (spaces and line breaks not counted) and
    documents behind it, per_10k (count per 10,000 characters), documents_with (documents where the term
    occurs), and the term's first_seen and last_seen (date of the first and last document that has it: over the
    whole corpus when counted by year, within each group of the other ``by`` columns, such as a place,
    otherwise)."""
    counter = TermCounter(terms, cut=cut, by=by)
    for doc, text in _documents(texts, "term_counts"):
        counter.add(doc, text)
    return counter.table()


KWIC_COLUMNS = ["term", "doc_id", "title", "date", "year", "position", "left", "match", "right"]


class Concordance:
    """Keywords in context gathered one document at a time (see :func:`kwic`)."""

    def __init__(self, terms: list[str], *, context: int = 20, regex: bool = False, extra: tuple[str, ...] = ()):
        self.patterns = []
        for term in dict.fromkeys(as_list(terms)):
            check_term(term)
            self.patterns.append((term, UserPattern(term if regex else re.escape(term), "the term")))
        self.context, self.extra = context, tuple(extra)
        self.rows: list[dict] = []
        self.empty: dict[str, int] = {}  # per term, the places it matched no character (a lookahead, ^, a*)

    def add(self, doc: dict, text: str) -> None:
        info = {
            "doc_id": doc["doc_id"],
            "title": doc["title"],
            "date": str(doc["date"]),
            "year": doc["year"],
            **{k: doc[k] for k in self.extra},
        }
        for term, pattern in self.patterns:
            for match in pattern.finditer(text):  # a list, found within the time limit
                start, end = match.span()
                if start == end:  # no characters to show; said by kwic when the term found nothing else
                    self.empty[term] = self.empty.get(term, 0) + 1
                    continue
                self.rows.append(
                    {
                        "term": term,
                        **info,
                        "position": start,
                        "left": text[max(0, start - self.context) : start].replace("\n", "｜"),
                        "match": match.group(0),
                        "right": text[end : end + self.context].replace("\n", "｜"),
                    }
                )

    def table(self) -> pd.DataFrame:
        import pandas as pd

        table = pd.DataFrame(self.rows, columns=[*KWIC_COLUMNS[:5], *self.extra, *KWIC_COLUMNS[5:]])
        if len(table):
            order = {t: i for i, (t, _) in enumerate(self.patterns)}
            table = table.sort_values("term", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
        return table


def kwic(
    texts: TextSource, terms: list[str], *, context: int = 20, regex: bool = False, extra: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Keywords in context: one row per occurrence of each term (a regular expression with ``regex``), in
    corpus order, with ``context`` characters on each side (line breaks shown as ｜) and the document's
    doc_id, title, date, year and ``extra`` columns. ``position`` is the character offset in the normalised
    text."""
    concordance = Concordance(terms, context=context, regex=regex, extra=extra)
    for doc, text in _documents(texts, "kwic"):
        concordance.add(doc, text)
    table = concordance.table()
    found = set(table["term"])
    for term, places in concordance.empty.items():
        if term not in found:  # "0 lines" without a reason (a hostile pass: (?=创新), ^, a*)
            log.warning(
                "the pattern %r matched only empty text (%d places): a line of keywords in context needs the characters "
                "it matched; match the word itself (创新 rather than (?=创新))",
                term,
                places,
            )
    return table


def track_terms(
    texts: TextSource, terms: list[str], *, cut=None, context: int = 20, extra: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Yearly counts and keywords in context of ``terms`` in one pass over ``texts`` (a run's terms.track)."""
    counter = TermCounter(terms, cut=cut)
    concordance = Concordance(terms, context=context, extra=extra)
    for doc, text in texts:
        counter.add(doc, text)
        concordance.add(doc, text)
    return counter.table(), concordance.table()


_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # what str.splitlines breaks at


def format_kwic(table: pd.DataFrame, context: int = 20) -> str:
    """Concordance lines for a terminal, one per occurrence: left context right-aligned (padded with ideographic
    spaces so Chinese lines align), the match in brackets, the right context, then year and title (a line break in
    a title or a match shown as ｜, as in the contexts)."""
    lines = []
    for row in table.itertuples():
        left = str(row.left).rjust(context, "\u3000")
        right = str(row.right).ljust(context, "\u3000")
        match, title = (_LINE_BREAK.sub("｜", str(value)) for value in (row.match, row.title or row.doc_id))
        lines.append(f"{left} 【{match}】 {right}  {row.year} {title}")
    return "\n".join(lines) + ("\n" if lines else "")


_HAN_WORD = re.compile(rf"^[{HAN}]+$")


def learn_phrases(tokens, *, min_count: int = 5, threshold: float = 10.0, keep: frozenset[str] | set[str] = frozenset()):
    """gensim's ``Phrases`` (default scorer) learned from ``tokens`` and frozen: ``phrases[unit]`` joins the
    word pairs of a unit's tokens that recur together into one token ``a_b``; never a pair holding a word of
    ``keep`` (the lexicon's words: 中部地区 went into 中部地区_崛起, and with it out of its theme's counts)."""
    from gensim.models.phrases import Phrases

    phrases = Phrases(tokens, min_count=min_count, threshold=threshold, delimiter="_").freeze()
    if keep:
        for phrase in [p for p in phrases.phrasegrams if any(word in keep for word in p.split("_"))]:
            del phrases.phrasegrams[phrase]
    return phrases


def apply_phrases(phrases, tokens) -> UnitTokens:
    """``tokens`` with the pairs that ``phrases`` (from :func:`learn_phrases`) knows joined."""
    return UnitTokens.from_lists(phrases[unit] for unit in tokens)


def join_phrases(tokens, *, min_count: int = 5, threshold: float = 10.0) -> UnitTokens:
    """Join word pairs that recur together in ``tokens`` into one token ``a_b``."""
    return apply_phrases(learn_phrases(tokens, min_count=min_count, threshold=threshold), tokens)


class PairCounts:
    """Word and adjacent-pair counts of raw segmenter output, gathered one unit at a time.

    Only pairs of two Chinese words that are not stopwords are kept: the only ones that can become
    candidate terms, and far fewer than all pairs. Words are numbered as they are first seen and the counts
    kept as numpy arrays over those numbers (a pair is ``left << 32 | right``), so the counts of a large corpus
    take a few bytes per distinct pair instead of a Python tuple of two strings; ``unigrams`` and ``pairs``
    give them as Counters of words.
    """

    _FLUSH_EVERY = 1 << 20  # word ids buffered before they are counted

    def __init__(self, stopwords: set[str] | frozenset[str] = frozenset()):
        self.stopwords = stopwords
        self._index = WordNumbering()  # word -> id
        self._words: list[str] = []  # id -> word (brought up to date with the index when asked for)
        self._eligible = np.zeros(0, dtype=bool)  # id -> may be part of a counted pair (likewise)
        self._space = np.zeros(0, dtype=bool)  # id -> is whitespace (likewise)
        self._buffer, self._buffer_lengths = array("q"), array("q")  # units not yet counted: ids, lengths
        self._unigram_counts = np.zeros(0, dtype=np.int64)  # by id
        self._pair_codes = np.zeros(0, dtype=np.int64)  # sorted
        self._pair_counts = np.zeros(0, dtype=np.int64)

    def update(self, words: list[str]) -> list[int]:
        """Count the words of one unit; returns their ids (numbered as first seen here, see ``words``)."""
        ids = self._ids(words)
        self._buffer.extend(ids)
        self._buffer_lengths.append(len(ids))
        if len(self._buffer) >= self._FLUSH_EVERY:
            self._flush()
        return ids

    def add_units(self, words: list[str], ids: np.ndarray, lengths: np.ndarray) -> None:
        """Count units given as ``ids`` into ``words``, unit i being the next ``lengths[i]`` of them (the same
        counts as ``update`` with each unit's words, with no Python step per token)."""
        ids = np.asarray(ids, dtype=np.int64)
        lengths = np.asarray(lengths, dtype=np.int64)
        if lengths.sum() != len(ids):
            raise ValueError("unit lengths must add up to the number of ids")
        self._flush()
        self._count(np.array(self._ids(words), dtype=np.int64)[ids] if len(ids) else ids, lengths)

    @property
    def words(self) -> list[str]:
        """Every word seen, by id."""
        self._catch_up()
        return self._words

    def _ids(self, words) -> list[int]:
        return list(map(self._index.__getitem__, words))

    def _catch_up(self) -> None:
        """Extend the word list and what is known of each word to the words numbered since the last call."""
        known = len(self._words)
        if known < len(self._index):
            new = list(islice(self._index, known, None))
            self._words += new
            stopwords = self.stopwords
            self._eligible = np.append(
                self._eligible,
                np.fromiter((word not in stopwords and bool(_HAN_WORD.match(word)) for word in new), dtype=bool, count=len(new)),
            )
            self._space = np.append(self._space, np.fromiter(map(str.isspace, new), dtype=bool, count=len(new)))

    def _flush(self) -> None:
        if self._buffer_lengths:
            ids, lengths = np.frombuffer(self._buffer, dtype=np.int64), np.frombuffer(self._buffer_lengths, dtype=np.int64)
            self._buffer, self._buffer_lengths = array("q"), array("q")
            self._count(ids, lengths)

    def _count(self, ids: np.ndarray, lengths: np.ndarray) -> None:
        """Add units given as our ids, unit i being the next ``lengths[i]`` of them. Whitespace words are left
        out, as if the segmenter had not returned them: the words on either side of one are adjacent."""
        self._catch_up()
        space = self._space[ids]
        if space.any():
            unit = np.repeat(np.arange(len(lengths)), lengths)
            ids, lengths = ids[~space], np.bincount(unit[~space], minlength=len(lengths))
        self._add_unigrams(ids)
        ok = self._eligible[ids]
        both = ok[:-1] & ok[1:]
        starts = np.cumsum(lengths)[:-1]
        both[starts[(starts > 0) & (starts < len(ids))] - 1] = False  # no pair across units
        self._add_pairs((ids[:-1][both] << 32) | ids[1:][both], np.ones(int(both.sum()), dtype=np.int64))

    def _add_unigrams(self, ids: np.ndarray, counts: np.ndarray | None = None) -> None:
        """Add ``counts`` (default: one each) to the words ``ids``; the count array grows to every word seen."""
        added = np.bincount(ids, weights=counts, minlength=len(self._index)).astype(np.int64)
        added[: len(self._unigram_counts)] += self._unigram_counts
        self._unigram_counts = added

    def _add_pairs(self, codes: np.ndarray, counts: np.ndarray) -> None:
        codes = np.concatenate([self._pair_codes, codes])
        counts = np.concatenate([self._pair_counts, counts])
        self._pair_codes, inverse = np.unique(codes, return_inverse=True)
        self._pair_counts = np.bincount(inverse.ravel(), weights=counts, minlength=len(self._pair_codes)).astype(np.int64)

    def __getstate__(self):  # counted before it is sent to another process
        self._flush()
        return self.__dict__.copy()

    def merge(self, other: "PairCounts") -> None:
        """Add the counts of ``other`` (gathered on another part of the corpus)."""
        self._flush()
        other._flush()
        ids = np.array(self._ids(other.words), dtype=np.int64)  # other's id -> ours
        self._add_unigrams(ids[: len(other._unigram_counts)], other._unigram_counts)
        left, right = other._pair_codes >> 32, other._pair_codes & 0xFFFFFFFF
        self._add_pairs((ids[left] << 32) | ids[right], other._pair_counts)

    @property
    def unigrams(self) -> Counter[str]:
        self._flush()
        words = self.words
        return Counter({words[i]: int(c) for i, c in enumerate(self._unigram_counts) if c})

    @property
    def pairs(self) -> Counter[tuple[str, str]]:
        self._flush()
        words = self.words
        return Counter(
            {
                (words[code >> 32], words[code & 0xFFFFFFFF]): count
                for code, count in zip(self._pair_codes.tolist(), self._pair_counts.tolist())
            }
        )

    def to_tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Word counts (word, count) and pair counts (left, right, count), for storing."""
        import pandas as pd

        self._flush()
        words = np.array(self.words, dtype=object)
        seen = np.flatnonzero(self._unigram_counts)
        unigrams = pd.DataFrame(
            {"word": pd.array(words[seen], dtype="str"), "count": pd.array(self._unigram_counts[seen], dtype="int64")}
        )
        pairs = pd.DataFrame(
            {
                "left": pd.array(words[self._pair_codes >> 32], dtype="str"),
                "right": pd.array(words[self._pair_codes & 0xFFFFFFFF], dtype="str"),
                "count": pd.array(self._pair_counts, dtype="int64"),
            }
        )
        return unigrams, pairs

    @classmethod
    def from_tables(cls, unigrams: pd.DataFrame, pairs: pd.DataFrame, stopwords=frozenset()) -> "PairCounts":
        counts = cls(stopwords)
        ids = np.array(counts._ids(unigrams["word"].tolist()), dtype=np.int64)
        left = np.array(counts._ids(pairs["left"].tolist()), dtype=np.int64)
        right = np.array(counts._ids(pairs["right"].tolist()), dtype=np.int64)
        counts._add_unigrams(ids, unigrams["count"].to_numpy(dtype=np.int64))
        counts._add_pairs((left << 32) | right, pairs["count"].to_numpy(dtype=np.int64))
        return counts

    @classmethod
    def of(cls, word_lists, stopwords=frozenset()) -> "PairCounts":
        counts = cls(stopwords)
        for words in word_lists:
            counts.update(words)
        return counts


def candidate_terms(
    words: "PairCounts | list[list[str]]",
    *,
    known: set[str] | frozenset[str] = frozenset(),
    stopwords: set[str] | frozenset[str] = frozenset(),
    min_count: int = 5,
    top: int = 200,
) -> pd.DataFrame:
    """Adjacent words that recur as a unit: candidates to add to the domain dictionary.

    ``words`` are the segmenter's raw words of each unit (before filtering, so adjacency is real), or their
    :class:`PairCounts`. A pair counts when both parts are Chinese words that are not stopwords and the joined
    term is not already ``known``. A term the segmenter cuts into more than two pieces (新质生产力 -> 新 质 生产力:
    jieba leaves the characters of an unknown word as single characters) is found as a chain of such pairs
    joined at single characters, each pair at least ``min_count`` times and all its pairs within a factor ``1 / _CHAIN_RATIO``
    of one another; its pairs are then not listed on their own. Returns term, parts (the pieces,
    space-separated), count (a pair's count; a chain's rarest pair, an upper bound of the term's count) and PMI
    (log2 of how much more often the pieces occur together than chance; a chain's lowest), the highest PMI
    first, for terms seen at least ``min_count`` times.
    """
    import pandas as pd

    counts = words if isinstance(words, PairCounts) else PairCounts.of(words, stopwords)
    unigrams, pairs = counts.unigrams, counts.pairs
    total = sum(unigrams.values()) or 1
    frequent = {
        pair: count
        for pair, count in pairs.items()
        if count >= min_count and pair[0] not in stopwords and pair[1] not in stopwords
    }

    def pmi(pair) -> float:
        return math.log2(frequent[pair] * total / (unigrams[pair[0]] * unigrams[pair[1]]))

    rows, covered = [], set()
    for chain in _chains(frequent):
        term = "".join(chain)
        if term in known:
            continue
        links = list(zip(chain[:-1], chain[1:]))
        rows.append(
            {
                "term": term,
                "parts": " ".join(chain),
                "count": min(frequent[p] for p in links),
                "pmi": round(min(pmi(p) for p in links), 4),
            }
        )
        covered.update(links)
    for pair, count in frequent.items():
        if pair in covered or pair[0] + pair[1] in known:
            continue
        rows.append({"term": pair[0] + pair[1], "parts": f"{pair[0]} {pair[1]}", "count": count, "pmi": round(pmi(pair), 4)})
    table = pd.DataFrame(rows, columns=["term", "parts", "count", "pmi"]).drop_duplicates("term")
    return table.sort_values(["pmi", "count", "term"], ascending=[False, False, True]).head(top).reset_index(drop=True)


_CHAIN_RATIO = 0.6  # the pairs of a chain are within a factor 1 / 0.6 of one another in count


def _chains(frequent: dict[tuple[str, str], int]) -> list[tuple[str, ...]]:
    """Chains of three or more words w1 w2 ... in which every adjacent pair is ``frequent`` and meets the next
    at a single character (one piece of a word the segmenter did not know), going on through the most frequent
    next pair while the chain's pairs stay within a factor ``1 / _CHAIN_RATIO`` of one another in count. A
    piece at either end whose neighbour outside is far more frequent belongs to that neighbour's word."""
    after: dict[str, list[tuple[int, str]]] = {}
    before: dict[str, int] = {}
    for (left, right), count in frequent.items():
        after.setdefault(left, []).append((count, right))
        before[right] = max(before.get(right, 0), count)

    def similar(count: int, low: int, high: int) -> bool:
        return _CHAIN_RATIO * high <= count <= low / _CHAIN_RATIO

    chains = []
    for (left, right), count in sorted(frequent.items(), key=lambda item: (-item[1], item[0])):
        if len(left) > 1 and len(right) > 1 or len(left) == 1 and before.get(left, 0) >= _CHAIN_RATIO * count:
            continue  # no piece here, or the chain starts further left
        chain, low, high = [left, right], count, count
        while len(chain) < 8:
            options = sorted(after.get(chain[-1], []), key=lambda item: (-item[0], item[1]))
            if not options:
                break
            count, word = options[0]
            if word in chain or not (len(chain[-1]) == 1 or len(word) == 1):
                break
            if not similar(count, low, high):
                if len(chain[-1]) == 1 and count > high:
                    chain.pop()  # the last piece belongs to the more frequent word after it
                break
            chain.append(word)
            low, high = min(low, count), max(high, count)
        if len(chain) >= 3:
            chains.append(tuple(chain))
    return list(dict.fromkeys(chains))
