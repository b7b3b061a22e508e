"""The random streams of the compiled kernels: one seed, one stream, the same draws on any machine and for any
number of threads.

A stream is splitmix64 (Steele, Lea and Flood 2014) over a uint64 array of one element, its state, which the
kernels advance in place (:func:`uniform`, :func:`below`, :func:`normal`). :func:`stream` starts one from a seed
(through numpy's ``SeedSequence``, so nearby seeds give unrelated streams); :func:`member_seeds` derives the
seeds of an ensemble's members from the run's; :func:`split` derives several streams from one (the partitions of a
partitioned sweep). The keyword-assisted sampler (:mod:`toolkit.models._gibbs`) and
the bootstrap of the trends (:mod:`toolkit.analysis.uncertainty`) draw from these streams.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2 ** -53


def stream(seed: int | None) -> np.ndarray:
    """The state of a new stream seeded with ``seed`` (None: fresh entropy, a different stream each time)."""
    return np.array([np.random.SeedSequence(seed).generate_state(1, dtype=np.uint64)[0]], dtype=np.uint64)


def member_seeds(random_state: int, n: int) -> list[int]:
    """Seeds of an ensemble of ``n`` models: ``random_state`` itself, then seeds derived from it (numpy's
    SeedSequence), so runs with nearby seeds share no member."""
    return [random_state, *(int(s) for s in np.random.SeedSequence(random_state).generate_state(n - 1))][:n]


def split(state: np.ndarray, n: int) -> np.ndarray:
    """``n`` new streams (n x 1 states: row ``i`` is stream ``i``) drawn from ``state``, which advances ``n``
    draws: each starts at the next 64 bits of ``state``, well mixed, as SplittableRandom's ``split`` (Steele, Lea
    and Flood 2014) with its gamma fixed. The same ``state`` always gives the same streams."""
    return np.array([[_next(state)] for _ in range(n)], dtype=np.uint64).reshape(n, 1)


@njit(cache=True, nogil=True)
def _next(state):
    """splitmix64: the next 64 random bits of the stream ``state`` (a uint64 array of one element)."""
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True)
def uniform(state):
    """A uniform draw in [0, 1)."""
    return np.float64(_next(state) >> np.uint64(11)) * _TO_UNIT


@njit(cache=True, nogil=True)
def below(state, n):
    """A uniform integer in [0, n)."""
    return min(int(uniform(state) * n), n - 1)


@njit(cache=True, nogil=True)
def normal(state):
    """A standard normal draw (Box-Muller)."""
    u1 = uniform(state)
    while u1 <= 0.0:
        u1 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * uniform(state))
