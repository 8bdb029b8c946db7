"""The audience test (experimental, `campaign_detect.score.audience`): a cluster that is part
of a larger audience reacting at the same moments is explained by it; one whose pushed
object is its own, or shared with only a couple of leftover accounts, is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from conftest import make_posts

from campaign_detect.objects import object_rows
from campaign_detect.score.audience import audience_ratios

T0 = datetime(2023, 9, 20, 19, 0, tzinfo=UTC)
OBJECTS = ("hashtag", "mention", "url", "share", "text")


def _verdict(rows: list[dict], members: list[str]) -> str | None:
    posts = make_posts(rows)
    clusters = pl.DataFrame(
        {"cluster": [0], "start": [T0], "end": [T0 + timedelta(hours=3)]},
        schema={
            "cluster": pl.UInt32,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
        },
    )
    membership = pl.DataFrame({"cluster": [0] * len(members), "account": members}).with_columns(
        pl.col("cluster").cast(pl.UInt32)
    )
    out = audience_ratios(
        posts,
        object_rows(posts, OBJECTS, (), 3),
        clusters,
        membership,
        window=timedelta(minutes=5),
    )
    return out["audience_verdict"][0]


def _moments(accounts: list[str], tag: str, moments: int, text: str) -> list[dict]:
    return [
        {
            "account": a,
            "ts": T0 + timedelta(minutes=20 * k + (i % 4)),
            "text": f"{text} {i} {k} #{tag}",
        }
        for k in range(moments)
        for i, a in enumerate(accounts)
    ]


def test_part_of_a_crowd_is_explained_by_the_rest_of_it() -> None:
    crowd = [f"fan{i}" for i in range(60)]
    rows = _moments(crowd, "derby", 5, "gol")
    assert _verdict(rows, crowd[:30]) == "crowd"


def test_a_cluster_alone_on_its_tag_is_not() -> None:
    ring = [f"ring{i}" for i in range(20)]
    others = [
        {"account": f"o{i}", "ts": T0 + timedelta(hours=i), "text": "lunch #derby"}
        for i in range(12)
    ]
    rows = _moments(ring, "derby", 5, "push") + others
    assert _verdict(rows, ring) == "campaign"


def test_two_leftover_accounts_are_no_audience() -> None:
    push = [f"acct{i}" for i in range(40)]
    rows = _moments(push, "freshtag", 4, "script")
    # the cluster holds 38 of the 40: the two others act like them, but are no audience
    assert _verdict(rows, push[:38]) != "crowd"
