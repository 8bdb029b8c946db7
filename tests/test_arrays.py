"""campaign_detect._arrays: helpers that replace slow numpy calls must agree with them."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from campaign_detect._arrays import distinct


@given(st.lists(st.integers(-(2**62), 2**62), max_size=200))
def test_distinct_is_np_unique(values):
    array = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(distinct(array), np.unique(array))
    np.testing.assert_array_equal(array, np.array(values, dtype=np.int64))  # input untouched
