"""Floats as fixed-point text, the same characters as ``"%.6f" % x``, for whole columns at once.

Writing a table's floats through ``"%.6f" % x`` costs a Python call per value, most of the time of writing a
large run's units.csv and unit_topics.csv. Here the digits come from integer arithmetic on whole arrays:
``x * 10**decimals`` rounded half to even is the value printf prints, except when the product's rounding
error could put it on the other side of a half-way point (or the value is not finite, or too large for the
integer path); those few values are formatted by Python itself, so the text is always printf's.
"""

from __future__ import annotations

import numpy as np

MAX_DECIMALS = 9
_WHOLE_DIGITS = 9  # values below 10**9 take the integer path


def fixed_point(values, decimals: int = 6, *, missing: str = "") -> np.ndarray:
    """An object array of ``f"%.{decimals}f" % x`` for every value (``missing`` for NaN)."""
    import pyarrow as pa

    if not 0 <= decimals <= MAX_DECIMALS:
        raise ValueError(f"decimals must be from 0 to {MAX_DECIMALS}")
    x = np.asarray(values, dtype=np.float64).ravel()
    scale = 10.0**decimals
    magnitude = np.abs(x)
    fast = np.isfinite(x) & (magnitude < 10.0**_WHOLE_DIGITS)
    scaled = np.where(fast, magnitude, 0.0) * scale  # exact scale: the product is rounded once
    # the exact product lies within half an ulp of ``scaled``; within one ulp of a half-way point the
    # rounding could go either way, so Python decides
    fast &= np.abs(scaled - np.floor(scaled) - 0.5) > np.spacing(scaled)
    units = np.rint(np.where(fast, scaled, 0.0)).astype(np.int64)
    fast &= units < 10 ** (_WHOLE_DIGITS + decimals)  # 999999999.9999999 rounds up to ten whole digits
    whole = units // int(scale)

    # the characters of every value, right-aligned in a row of ``width``: [-][whole digits][.decimals]
    point = 1 if decimals else 0
    width = 1 + _WHOLE_DIGITS + point + decimals
    chars = np.zeros((len(x), width), dtype=np.uint8)
    rest = units.copy()
    for column in range(width - 1, 0, -1):
        if point and column == width - 1 - decimals:
            chars[:, column] = ord(".")
            continue
        chars[:, column] = ord("0") + rest % 10
        rest //= 10
    whole_digits = 1 + sum((whole >= 10**power).astype(np.int64) for power in range(1, _WHOLE_DIGITS))
    negative = np.signbit(x)
    lengths = negative + whole_digits + point + decimals
    signed = np.flatnonzero(negative)
    chars[signed, width - lengths[signed]] = ord("-")
    kept = np.arange(width) >= (width - lengths)[:, None]
    offsets = np.zeros(len(x) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    text = pa.LargeStringArray.from_buffers(len(x), pa.py_buffer(offsets), pa.py_buffer(chars[kept].tobytes()))
    out = text.to_numpy(zero_copy_only=False)
    out = out if out.dtype == object else out.astype(object)
    form = f"%.{decimals}f"
    for i in np.flatnonzero(~fast).tolist():
        out[i] = missing if np.isnan(x[i]) else form % x[i]
    return out
