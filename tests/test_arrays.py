"""campaign_detect._arrays: helpers that replace slow numpy calls must agree with them."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from campaign_detect._arrays import distinct, ranks_in_runs, run_positions


@given(st.lists(st.integers(-(2**62), 2**62), max_size=200))
def test_distinct_is_np_unique(values):
    array = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(distinct(array), np.unique(array))
    np.testing.assert_array_equal(array, np.array(values, dtype=np.int64))  # input untouched


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(0, 6)), max_size=30))
def test_run_positions_are_the_runs_ranges_concatenated(runs):
    starts = np.array([start for start, _ in runs], dtype=np.int64)
    sizes = np.array([size for _, size in runs], dtype=np.int64)
    expected = [p for start, size in runs for p in range(start, start + size)]
    np.testing.assert_array_equal(run_positions(starts, sizes), np.array(expected, dtype=np.int64))
    ranks = [r for _, size in runs for r in range(size)]
    np.testing.assert_array_equal(ranks_in_runs(sizes), np.array(ranks, dtype=np.int64))
