"""Automated news feeds on a schedule (issue 11; eval-dev's news aggregators): each feed
reposts the headline of the hour at its own minute past the hour, all day, every day. They
co-post thousands of times, and the null model's shifted copies of each feed's own
schedule co-post nearly as often, so the cluster's total beats chance by a sliver that the
normal tail calls significant. Counted member by member, none of them co-posts twice what
chance gives it, and the cluster is not reported (`min_beyond_chance`), while a hijack of a
popular tag and a script push planted beside them still are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import flagged_by_group, planted

from campaign_detect import ScanConfig, scan
from campaign_detect.synth import write

CAMPAIGNS = ("popular_hijack", "script_push")


@pytest.mark.parametrize(("n_posts", "seed"), [(20_000, 3), (30_000, 5)])
def test_feeds_on_a_schedule_are_not_reported_and_the_pushes_beside_them_are(
    tmp_path: Path, n_posts: int, seed: int
) -> None:
    data = planted(n_posts, seed, ["headline_feeds", *CAMPAIGNS])
    groups, flagged = flagged_by_group(data, tmp_path)
    feeds = groups["headline_feeds"]
    assert len(feeds) >= 6
    assert not feeds & flagged
    for kind in CAMPAIGNS:
        accounts = groups[kind]
        assert len(accounts & flagged) >= 0.7 * len(accounts), kind
    # without the member count, the same scan reports the feeds
    path = str(write(data, tmp_path / "again", fmt="parquet")["posts"])
    result = scan(path, ScanConfig(min_beyond_chance=0.0))
    assert feeds <= set(result.members["account"].str.to_lowercase())
