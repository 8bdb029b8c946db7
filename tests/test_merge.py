"""One operation, one cluster (issue 11, item 3; setting ``merge_parts``): surviving
clusters that are one pool of accounts (the worse one's candidate held more of the better
one's accounts than chance) acting on the same thing (an object both push: carried by half
of each, beyond what their activity gives for an object that common) are merged
(`campaign_detect.clusters.merge`); clusters that share only a few accounts, as chance
gives, or that share accounts but act on different things, are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from conftest import make_posts

from campaign_detect.clusters.merge import merge_operations
from campaign_detect.objects import object_rows

T0 = datetime(2023, 9, 1, tzinfo=UTC)
OBJECTS = ("hashtag", "mention", "url", "share", "text", "hashtag_seq")


def _posts(accounts: list[str], day: int, tags: str) -> list[dict]:
    start = T0 + timedelta(days=day)
    return [
        {"account": a, "ts": start + timedelta(minutes=3 * i + 30 * k), "text": f"baris {i} {tags}"}
        for i, a in enumerate(accounts)
        for k in range(2)
    ]


def _merge(
    rows: list[dict],
    candidates: dict[int, list[str]],
    survivors: dict[int, tuple[int, list[str], int]],
) -> list[set[str]]:
    """Merge the `survivors` (cluster → candidate, accounts, day of its window) of
    `candidates`; the resulting clusters as sets of account-name prefixes."""
    posts = make_posts(rows)
    candidate_frame = pl.DataFrame(
        [(a, c) for c, accounts in candidates.items() for a in accounts],
        schema={"account": pl.String, "cluster": pl.UInt32},
        orient="row",
    )
    assigned = pl.DataFrame(
        [(a, c, cand) for c, (cand, accounts, _) in survivors.items() for a in accounts],
        schema={"account": pl.String, "cluster": pl.UInt32, "candidate": pl.UInt32},
        orient="row",
    ).sort("cluster", "account")
    windows = pl.DataFrame(
        {
            "cluster": list(survivors),
            "start": [T0 + timedelta(days=d) for _, _, d in survivors.values()],
            "end": [T0 + timedelta(days=d + 1) for _, _, d in survivors.values()],
        },
        schema={
            "cluster": pl.UInt32,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
        },
    )
    edges = pl.DataFrame(
        schema={
            "a": pl.String,
            "b": pl.String,
            "first": pl.Datetime("us", "UTC"),
            "last": pl.Datetime("us", "UTC"),
        }
    )
    templates = pl.DataFrame(schema={"post_id": pl.String, "template_id": pl.Int64})
    merged, _ = merge_operations(
        posts, object_rows(posts, OBJECTS), templates, assigned, candidate_frame, windows, edges
    )
    return [
        {a.rstrip("0123456789") for a in accounts}
        for _, accounts in merged.group_by("cluster").agg("account").sort("cluster").iter_rows()
    ]


def _background(tag: str = "#fyp") -> list[dict]:
    """Everyone else: 300 accounts posting `tag` and a topic of their own over ten days,
    the traffic a pushed object has to stand out against."""
    return [
        {
            "account": f"bg{i}z",
            "ts": T0 + timedelta(days=i % 10, minutes=7 * i + 90 * k),
            "text": f"cerita {i} {tag} #topik{i % 25}",
        }
        for i in range(300)
        for k in range(2)
    ]


def _crowd(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


def _others(n: int) -> dict[int, list[str]]:
    """Candidates of unrelated accounts: the pool chance draws candidate accounts from."""
    return {10 + k: _crowd(f"x{k}z", 40) for k in range(n)}


@pytest.mark.parametrize("size", [20, 60])
def test_two_days_of_one_pool_are_one_cluster(size: int) -> None:
    # a pool pushes #gerakbersama on two days; the first day's candidate took the accounts
    # the second day's candidate shared with it, and the second day survived with the rest
    day1, day2 = _crowd("da", size), _crowd("db", size)
    rows = (
        _posts(day1, 3, "#gerakbersama #politik")
        + _posts(day2, 4, "#gerakbersama #pemilu")
        + _background()
    )
    candidates = {0: day1, 1: day2 + day1[: size // 2], **_others(10)}
    survivors = {0: (0, day1, 3), 1: (1, day2, 4)}
    assert _merge(rows, candidates, survivors) == [{"da", "db"}]


@pytest.mark.parametrize("size", [20, 60])
@pytest.mark.parametrize(
    ("day1_tags", "day2_tags"),
    [
        # the two clusters carry nothing in common
        ("#promoa @shop.a", "#promob @shop.b"),
        # the only thing both carry is the tag nearly every post of the data carries: busy
        # accounts carry it anyway, so it is no evidence that the two act on the same thing
        # (the shared object must be pushed)
        ("#fyp #promoa", "#fyp #promob"),
    ],
    ids=["different-things", "only-the-tag-everyone-posts"],
)
def test_one_pool_pushing_nothing_in_common_stays_apart(
    size: int, day1_tags: str, day2_tags: str
) -> None:
    # the same overlap as two days of one pool, but no object pushed by both
    day1, day2 = _crowd("da", size), _crowd("db", size)
    rows = _posts(day1, 3, day1_tags) + _posts(day2, 4, day2_tags) + _background()
    candidates = {0: day1, 1: day2 + day1[: size // 2], **_others(10)}
    survivors = {0: (0, day1, 3), 1: (1, day2, 4)}
    assert _merge(rows, candidates, survivors) == [{"da"}, {"db"}]


def test_a_few_shared_accounts_as_chance_gives_tie_nothing() -> None:
    # two big clusters on the same busy tag whose candidates share three accounts, among
    # 2,600 candidate accounts: about as many as chance puts in both (4 expected)
    big1, big2 = _crowd("ba", 100), _crowd("bb", 100)
    rows = _posts(big1, 3, "#fyp") + _posts(big2, 9, "#fyp") + _background()
    candidates = {0: big1, 1: big2 + big1[:3], **_others(60)}
    survivors = {0: (0, big1, 3), 1: (1, big2, 9)}
    assert _merge(rows, candidates, survivors) == [{"ba"}, {"bb"}]
