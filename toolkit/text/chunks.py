"""One chunk of documents -> quality rows, unit texts, tokens and pair counts: the work of a preparation worker.

Kept apart from :mod:`toolkit.text.preparation` so that a worker process imports only what it runs (no pandas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.terms import PairCounts
from .cache import TokenCache, entry_key
from .normalize import Normalizer, quality_row
from .segment import Segmenter
from .tokens import TokenBuilder, UnitTokens
from .units import document_text, split_units


@dataclass
class Chunk:
    """What one chunk of documents gives: quality rows, unit texts (one Arrow array per document), filtered
    tokens (ids into the chunk's own word list), pair counts, cache counts. Arrays rather than Python strings,
    so that sending a chunk back from a worker and merging it leave no millions of small objects behind."""

    quality: list[dict]
    unit_texts: list  # per document, pyarrow large_string arrays
    tokens: UnitTokens  # per unit
    pair_counts: PairCounts
    hits: int = 0
    misses: int = 0
    damaged: list[str] = field(default_factory=list)
    unwritable: str = ""


def prepare_chunk(
    documents: list[tuple[str, str]],
    normalizer: Normalizer,
    units: dict,
    segmenter: Segmenter,
    fingerprint: str,
    cache_dir: Path | None,
) -> Chunk:
    """Normalise, split and segment ``documents`` (doc_id, raw text), reading and filling the token cache."""
    import pyarrow as pa

    cache = TokenCache(cache_dir) if cache_dir else None
    quality, unit_texts, raw_tokens = [], [], TokenBuilder()  # every raw token, as an id into the chunk's words
    for doc_id, raw in documents:
        normalized = normalizer.normalize(raw)
        text, joined = document_text(normalized.text, units["join_lines"])
        quality.append({**quality_row(doc_id, normalized), "joined_lines": joined})
        texts = split_units(text, units["kind"], units["max_chars"], units["min_chars"], join_lines=False)
        unit_texts.append(pa.array(texts, type=pa.large_string()))
        key = entry_key(texts, fingerprint) if cache else ""
        words = cache.get(key, len(texts)) if cache else None
        if words is None:
            # whitespace words are dropped when counting, or here for the cache (whose format separates words
            # by spaces and units by newlines)
            words = [segmenter.cut(text, keep_spaces=cache is None) for text in texts]
            if cache:
                cache.put(key, words)
        for unit_words in words:
            raw_tokens.append(unit_words)
    # one dictionary lookup per token; counting, filtering and renumbering are array operations
    raw = raw_tokens.build()
    lengths = raw.lengths()
    pair_counts = PairCounts(segmenter.stopwords)
    pair_counts.add_units(raw.words, raw.ids, lengths)
    tokens = UnitTokens.from_ids(raw.words, raw.ids, lengths, segmenter.keep_mask(raw.words))
    chunk = Chunk(quality, unit_texts, tokens, pair_counts)
    if cache:
        chunk.hits, chunk.misses, chunk.damaged, chunk.unwritable = (cache.hits, cache.misses, cache.damaged, cache.unwritable)
    return chunk
