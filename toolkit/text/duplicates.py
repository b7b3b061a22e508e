"""Near-duplicate documents: MinHash LSH (datasketch) over character shingles, each pair confirmed exactly.

A notice re-issued by two departments or a reprint under another header shares almost all of its text with
its twin. Each document's text (whitespace removed) is cut into overlapping SHINGLE-character shingles; a
MinHash of NUM_PERM permutations (datasketch's ``affine32`` scheme, permutations from the fixed SEED) goes into
a :class:`datasketch.MinHashLSH` index, which proposes the pairs whose Jaccard similarity is probably above the
threshold; each proposed pair is then kept only when the exact Jaccard similarity of its two shingle sets
reaches the threshold. Nothing is dropped here: the caller flags the pairs.

The shingles are hashed and the MinHash values computed by one compiled pass per document (numba, the same
values as datasketch's ``MinHash.update_batch`` fed the 32-bit shingle hashes, which is tested), so a thousand
documents of 5,000 characters take about a tenth of a second of CPU.
"""

from __future__ import annotations

import functools
import logging
import random
import re
from dataclasses import dataclass

import numpy as np
from numba import njit

log = logging.getLogger("toolkit")

SHINGLE = 5  # characters per shingle
NUM_PERM = 128  # MinHash permutations
SEED = 1  # of the permutations: the same pairs on every run
LSH_MAX_THRESHOLD = 0.95


@njit(cache=True)
def _hash32(codes, i, k):
    """A 32-bit hash of the k code points from ``i`` (FNV-1a over the code points, then MurmurHash3's 64-bit
    finalizer, high half), as uint64 arithmetic."""
    h = np.uint64(0xCBF29CE484222325)
    for j in range(k):
        h = (h ^ np.uint64(codes[i + j])) * np.uint64(0x100000001B3)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return h >> np.uint64(32)


@njit(cache=True)
def _signature(codes, k, a, b):
    """MinHash values of the k-character shingles of ``codes`` (code points), each shingle hashed to 32 bits
    (:func:`_hash32`), then as datasketch's ``affine32`` scheme does: MurmurHash3's 32-bit finalizer, then the
    minimum of ``a * h + b`` mod 2^32 for each permutation (a, b)."""
    mask = np.uint64(0xFFFFFFFF)
    v = np.empty(max(codes.shape[0] - k + 1, 0), dtype=np.uint32)
    for i in range(v.shape[0]):
        h = _hash32(codes, i, k)
        h ^= h >> np.uint64(16)
        h = (h * np.uint64(0x85EBCA6B)) & mask
        h ^= h >> np.uint64(13)
        h = (h * np.uint64(0xC2B2AE35)) & mask
        h ^= h >> np.uint64(16)
        v[i] = np.uint32(h)
    out = np.empty(a.shape[0], dtype=np.uint32)
    for p in range(a.shape[0]):  # permutations outside, shingles inside: a loop the compiler vectorises
        ap, bp = a[p], b[p]
        m = np.uint32(0xFFFFFFFF)
        for i in range(v.shape[0]):
            m = min(m, np.uint32(ap * v[i] + bp))
        out[p] = m
    return out


@njit(cache=True)
def _shingle_hashes(codes, k):
    """The 32-bit hash of each k-character shingle of ``codes``, as :func:`_signature` computes it (for tests)."""
    n = max(codes.shape[0] - k + 1, 0)
    out = np.empty(n, dtype=np.uint32)
    for i in range(n):
        out[i] = _hash32(codes, i, k)
    return out


def compact(text: str) -> str:
    """``text`` without whitespace: line breaks and unit boundaries do not change the shingles."""
    return "".join(text.split())


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(compact(text).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """datasketch's ``affine32`` permutation parameters (a, b) for ``seed``."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations


def minhash(text: str, perms: np.ndarray | None = None, *, shingle: int = SHINGLE, seed: int = SEED):
    """The datasketch MinHash of ``text``'s shingles (None when the text is shorter than one shingle);
    ``perms`` are the permutations of ``seed`` (:func:`permutations`), made when not given."""
    from datasketch import MinHash

    perms = permutations(seed=seed) if perms is None else perms
    codes = _codes(text)
    if len(codes) < shingle:
        return None
    values = _signature(codes, shingle, perms[0], perms[1])
    return MinHash(seed=seed, hashvalues=values, permutations=perms, scheme="affine32")


def shingle_set(text: str, shingle: int = SHINGLE) -> set[str]:
    text = compact(text)
    return {text[i : i + shingle] for i in range(len(text) - shingle + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


# datasketch's weights of a missed pair against a pair proposed below the threshold: every proposed pair is checked
# by its exact similarity, so a proposal costs one check and a miss a near duplicate nobody is told of. With its
# equal weights a pair at the threshold 0.8 was found 40% of the time (0.85: 69%); with these 95% (0.85: 99.4%),
# and 6% of pairs at 0.5 are proposed and checked.
LSH_WEIGHTS = (0.05, 0.95)


@functools.lru_cache(maxsize=8)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's bands and rows for ``threshold`` with :data:`LSH_WEIGHTS` (found by numerical integration: 0.1
    s, so kept)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


@dataclass(frozen=True)
class Pair:
    """Two near-duplicate documents (``first`` < ``second``, positions in the input) and the exact Jaccard
    similarity of their shingle sets."""

    first: int
    second: int
    similarity: float


def near_duplicates(
    texts, threshold: float = 0.8, *, shingle: int = SHINGLE, num_perm: int = NUM_PERM, seed: int = SEED
) -> list[Pair]:
    """The pairs of ``texts`` (a sequence of strings, or of callables returning one, read twice at most: once
    for the MinHash, again for a proposed pair) whose shingle sets have a Jaccard similarity of at least
    ``threshold``, in input order. The pairs are proposed by MinHash LSH (datasketch) set to miss few (at the
    default threshold 0.8 a pair at it is found 95% of the time, one 0.05 above it 99%; at 0.9, 90%:
    :data:`LSH_WEIGHTS`), and each proposed pair is kept by its exact similarity. Texts shorter than one shingle
    are never paired."""
    from datasketch import MinHashLSH

    def read(i: int) -> str:
        item = texts[i]
        return item() if callable(item) else item

    perms = permutations(num_perm, seed)
    # datasketch's index draws from Python's global random generator: the user's seeded sequence is given back
    user_random = random.getstate()
    try:
        # above 0.95 datasketch finds too few bands: index as for 0.95, the exact check keeps the pairs above threshold
        lsh = MinHashLSH(num_perm=num_perm, params=_lsh_params(min(threshold, LSH_MAX_THRESHOLD), num_perm))
        hashes = {}
        for i in range(len(texts)):
            m = minhash(read(i), perms, shingle=shingle, seed=seed)
            if m is not None:
                lsh.insert(i, m, check_duplication=False)
                hashes[i] = m
        candidates = sorted({(min(i, j), max(i, j)) for i, m in hashes.items() for j in lsh.query(m) if j != i})
    finally:
        random.setstate(user_random)
    pairs, sets = [], {}
    for i, j in candidates:
        for k in (i, j):
            if k not in sets:
                sets[k] = shingle_set(read(k), shingle)
        similarity = jaccard(sets[i], sets[j])
        if similarity >= threshold:
            pairs.append(Pair(i, j, similarity))
    return pairs


def _first_five(named: list[str]) -> str:
    """The first five of ``named``, and how many more, for a warning."""
    return ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")


def flag_near_duplicates(documents, units, threshold: float) -> list[Pair]:
    """Fill ``near_duplicate_of`` (the paths of its twins, most similar first, joined by "; ") and
    ``similarity`` (the exact Jaccard similarity to the first of them, rounded to 3 decimals) of every document
    of ``documents`` that has a near duplicate among the documents with units in ``units`` (their unit texts in
    order, so the flags are the same whether the units were prepared now or read from the cache). Logs a
    warning naming the pairs; drops nothing. ``threshold`` 0 looks for none."""
    import pandas as pd

    documents["near_duplicate_of"] = ""
    documents["similarity"] = pd.array([pd.NA] * len(documents), dtype="Float64")
    if not threshold or units.empty:
        return []
    doc_ids = units["doc_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
    bounds = list(zip(starts, np.r_[starts[1:], len(doc_ids)]))
    texts = units["text"]
    readers = [lambda a=a, b=b: "".join(texts.iloc[a:b].tolist()) for a, b in bounds]
    pairs = near_duplicates(readers, threshold)
    if not pairs:
        return []
    row_of = dict(zip(documents["doc_id"], documents.index))
    path = documents["path"]
    twins: dict[int, list[tuple[float, int]]] = {}
    for pair in pairs:
        first, second = row_of[doc_ids[starts[pair.first]]], row_of[doc_ids[starts[pair.second]]]
        twins.setdefault(first, []).append((-pair.similarity, second))
        twins.setdefault(second, []).append((-pair.similarity, first))
    for row, found in twins.items():
        found.sort()
        documents.at[row, "near_duplicate_of"] = "; ".join(path[other] for _, other in found)
        documents.at[row, "similarity"] = round(-found[0][0], 3)
    named = [
        f"{path[row_of[doc_ids[starts[p.first]]]]} ~ {path[row_of[doc_ids[starts[p.second]]]]} ({p.similarity:.3f})"
        for p in sorted(pairs, key=lambda p: -p.similarity)
    ]
    log.warning(
        "%d pair(s) of near-duplicate documents (Jaccard similarity of their text >= %g; near_duplicate_of "
        "in documents.csv): %s; set include = no in the metadata for the copy you do not want",
        len(pairs),
        threshold,
        _first_five(named),
    )
    return pairs


EXCERPT_MIN_PIECE = 20  # characters of a passage that can show an excerpt: a shorter one (a heading) recurs by chance
EXCERPT_MIN_CHARS = 100  # characters of an excerpt found in its source, at least
EXCERPT_MAX_DOCUMENTS = 50  # a passage in more documents than this is boilerplate, no sign of one excerpting another
EXCERPT_MAX_PAIRS = 5_000_000  # (passage, two documents) triples above which no excerpt is looked for: recombined text
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def sentence_pieces(text: str) -> list[str]:
    """``text``'s lines (its paragraphs: a unit keeps the line breaks of those it merged) without whitespace, each
    cut after its sentences' ends (。！？；), a piece shorter than :data:`EXCERPT_MIN_PIECE` joined to the next in
    its line (the last to the one before; a short line, a heading, stays alone): the passages by which an excerpt
    is found whichever paragraphs the units of either text merged."""
    pieces: list[str] = []
    for line in text.split("\n"):
        first, held = len(pieces), ""
        for sentence in _SENTENCE_END.split(compact(line)):
            held += sentence
            if len(held) >= EXCERPT_MIN_PIECE:
                pieces.append(held)
                held = ""
        if held and len(pieces) > first:
            pieces[-1] += held
        elif held:
            pieces.append(held)
    return pieces


@dataclass(frozen=True)
class Excerpt:
    """Document ``part`` (a position among the documents, in their units' order), ``contained`` share of whose
    text is sentences of the longer document ``whole``, word for word."""

    part: int
    whole: int
    contained: float


def excerpts(doc_codes: np.ndarray, texts, share: float) -> list[Excerpt]:
    """The documents whose text is, for at least ``share`` of its characters (and :data:`EXCERPT_MIN_CHARS`),
    sentences of one longer document word for word (whitespace aside; :func:`sentence_pieces`): a reprinted excerpt
    of a report, which a Jaccard similarity of the two (the excerpt's length over the report's) never flags, found
    whichever paragraphs the units of either merged. ``doc_codes``: each unit's document (0, 1, ... in the units'
    order); ``texts``: the units' texts. A line under :data:`EXCERPT_MIN_PIECE` characters counts in a document's
    length but never as found; a passage in more than :data:`EXCERPT_MAX_DOCUMENTS` documents is boilerplate.
    Exact matching of the passages by a hash of their text: memory of a few numbers a passage."""
    unit_codes = np.asarray(doc_codes, dtype=np.int64)
    if not share or len(unit_codes) == 0:
        return []
    piece_codes, piece_lengths, piece_keys = [], [], []
    for code, text in zip(unit_codes.tolist(), texts):
        for piece in sentence_pieces(text):
            piece_codes.append(code)
            piece_lengths.append(len(piece))
            piece_keys.append((hash(piece) or 1) if len(piece) >= EXCERPT_MIN_PIECE else 0)  # 0: no key
    piece_doc = np.asarray(piece_codes, dtype=np.int64)
    lengths = np.asarray(piece_lengths, dtype=np.int64)
    keys = np.asarray(piece_keys, dtype=np.int64)
    if len(piece_doc) == 0:
        return []
    totals = np.bincount(piece_doc, weights=lengths)
    keyed = np.flatnonzero(keys)
    if len(keyed) == 0:  # no passage long enough to be found (a corpus of titles: an IndexError below, a hostile pass)
        return []
    # each (passage, document) once, with the characters the document's copies of it hold (one it repeats too)
    order = keyed[np.lexsort((piece_doc[keyed], keys[keyed]))]
    cell = np.flatnonzero(np.r_[True, (keys[order][1:] != keys[order][:-1]) | (piece_doc[order][1:] != piece_doc[order][:-1])])
    cell_key, cell_doc = keys[order][cell], piece_doc[order][cell]
    cell_chars = np.add.reduceat(lengths[order], cell) if len(cell) else np.zeros(0, dtype=np.int64)
    group = np.flatnonzero(np.r_[True, cell_key[1:] != cell_key[:-1], True]) if len(cell) else np.array([0])
    sizes = np.diff(group)
    shared = np.flatnonzero((sizes >= 2) & (sizes <= EXCERPT_MAX_DOCUMENTS))
    work = int((sizes[shared] * (sizes[shared] - 1)).sum())
    if work > EXCERPT_MAX_PAIRS:
        log.warning(  # said, not noted: documents.csv's excerpt flags are then missing, not absent (a review)
            "not looking for excerpts: %d pairs of documents share paragraphs, over %d (a corpus of recombined text?): "
            "no document is flagged as excerpting another (near-duplicate documents still are)",
            work,
            EXCERPT_MAX_PAIRS,
        )
        return []
    parts, wholes, chars = [], [], []
    for g in shared:
        docs, held = cell_doc[group[g] : group[g + 1]], cell_chars[group[g] : group[g + 1]]
        a, b = np.meshgrid(np.arange(len(docs)), np.arange(len(docs)), indexing="ij")
        other = a != b
        parts.append(docs[a[other]])
        wholes.append(docs[b[other]])
        chars.append(held[a[other]])
    if not parts:
        return []
    n = int(unit_codes.max()) + 1
    pair = np.concatenate(parts) * n + np.concatenate(wholes)
    codes, where = np.unique(pair, return_inverse=True)
    found = dict(zip((divmod(int(c), n) for c in codes), np.bincount(where, weights=np.concatenate(chars)).astype(np.int64)))
    out = []
    for (part, whole), chars in sorted(found.items()):
        contained = chars / totals[part] if totals[part] else 0.0
        if contained >= share and chars >= EXCERPT_MIN_CHARS and totals[part] < totals[whole]:
            out.append(Excerpt(part, whole, min(contained, 1.0)))
    return out


def flag_excerpts(documents, units, share: float, near: list[Pair] = ()) -> list[Excerpt]:
    """Fill ``excerpt_of`` (the paths of the longer documents that hold its paragraphs, most of it first, "; ") and
    ``contained`` (the share of its text found in the first) of every used document that is an excerpt of another
    (:func:`excerpts`; a pair already flagged as near duplicates, ``near``, is not flagged again). Logs a warning
    naming them; drops nothing. ``share`` 0 looks for none."""
    import pandas as pd

    documents["excerpt_of"] = ""
    documents["contained"] = pd.array([pd.NA] * len(documents), dtype="Float64")
    if not share or units.empty:
        return []
    doc_ids = units["doc_id"].to_numpy()
    # each unit's document by its position among the runs of units, as flag_near_duplicates numbers the pairs
    runs = np.r_[True, doc_ids[1:] != doc_ids[:-1]]
    codes, uniques = np.cumsum(runs) - 1, doc_ids[runs]
    near_pairs = {frozenset((p.first, p.second)) for p in near}
    found = [e for e in excerpts(codes, units["text"].tolist(), share) if frozenset((e.part, e.whole)) not in near_pairs]
    if not found:
        return []
    row_of = dict(zip(documents["doc_id"], documents.index))
    path = documents["path"]
    sources: dict[int, list[tuple[float, int]]] = {}
    for e in found:
        sources.setdefault(row_of[uniques[e.part]], []).append((-e.contained, row_of[uniques[e.whole]]))
    for row, wholes in sources.items():
        wholes.sort()
        documents.at[row, "excerpt_of"] = "; ".join(path[w] for _, w in wholes)
        documents.at[row, "contained"] = round(-wholes[0][0], 3)
    named = [f"{path[row]} in {path[wholes[0][1]]} ({-wholes[0][0]:.0%})" for row, wholes in sources.items()]
    log.warning(
        "%d document(s) are excerpts of longer ones (%g or more of their text is sentences of the other, word for "
        "word; excerpt_of in documents.csv): %s; those sentences count once more in the shares for each excerpt "
        "holding them unless you set include = no for the excerpt in the metadata",
        len(sources),
        share,
        _first_five(named),
    )
    return found
