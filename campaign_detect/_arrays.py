"""Array helpers shared by the pipeline stages."""

from __future__ import annotations

import numpy as np

__all__ = ["distinct", "ranks_in_runs", "run_positions"]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of a 1-D array, sorted, as ``np.unique`` returns them.

    A sort and a comparison of neighbours: ``np.unique`` in numpy 2.3+ hashes first, which
    is 15 to 90 times slower on millions of int64 values.
    """
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if ordered.size else ordered


def ranks_in_runs(sizes: np.ndarray) -> np.ndarray:
    """``0 .. s-1`` for each size s, concatenated: each element's rank inside its run."""
    total = int(sizes.sum())
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total, dtype=np.int64) - offsets


def run_positions(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``start .. start + size - 1`` for each run, concatenated: the positions runs cover."""
    return np.repeat(starts, sizes) + ranks_in_runs(sizes)
