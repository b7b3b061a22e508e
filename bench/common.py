"""Helpers shared by the benchmark scripts."""

from __future__ import annotations


def before_fit(timings: dict[str, float]) -> float:
    """Seconds a run spent before fitting the model: every stage up to "model" (loading, preparing or reading
    the prepared corpus from the cache, writing it, vocabulary and counts)."""
    total = 0.0
    for stage, seconds in timings.items():
        if stage == "model":
            return total
        total += seconds
    raise ValueError("no model stage in the timings")
