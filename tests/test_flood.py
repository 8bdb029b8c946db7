"""A real-shaped flood (issue 11): 150 accounts posting dozens of short tag-stacked posts each
within hours on one fresh tag, in two waves (the second adds a second fresh tag), mixed into
organic traffic with a news burst and a daily greeting, comes out as one cluster ranked first.

The shape follows real hashtag floods (the #KochFarms hoax push of December 2015: 158
accounts flooding one fresh tag for about five hours), not any evaluation generator.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from conftest import planted

from campaign_detect import scan
from campaign_detect.synth import write


@pytest.mark.parametrize("seed", [3, 4])
def test_flood_is_one_cluster_ranked_first(tmp_path: Path, seed: int) -> None:
    # scale 1: the planted groups at their 100k-post size (150 flood accounts) in 30k posts
    data = planted(30_000, seed, ["tagstack_flood", "news_burst", "daily_hashtag"], scale=1.0)
    flood = data.truth.filter(pl.col("group") == "tagstack_flood")["account"].str.to_lowercase()
    assert flood.len() == 150
    result = scan(str(write(data, tmp_path, fmt="parquet")["posts"]))
    holding = (
        result.members.filter(pl.col("account").is_in(flood.implode()))
        .group_by("cluster")
        .len()
        .join(result.clusters.select("cluster", "rank", "n_accounts"), on="cluster")
    )
    # one cluster holds (nearly) the whole flood, and little else, and it ranks first
    assert holding.height == 1
    row = holding.row(0, named=True)
    assert row["len"] >= 0.95 * flood.len()
    assert row["n_accounts"] <= 1.05 * flood.len()
    assert row["rank"] == 1
