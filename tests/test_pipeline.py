"""`scan` as a library call: what its result frames promise beyond the JSON contract."""

from __future__ import annotations

from pathlib import Path

from campaign_detect import scan

SAMPLE = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")


def test_events_are_in_one_total_order():
    # the evidence shows the first events of each cluster, so rows tying on time and
    # accounts (one post answered by several) must not come in thread-dependent order
    events = scan(SAMPLE).events
    order = ["cluster", "ts_a", "a", "b", "kind", "object", "ts_b", "post_id_a", "post_id_b"]
    assert events.height > events.select(order[:6]).n_unique()  # ties occur
    assert events.equals(events.sort(order))
