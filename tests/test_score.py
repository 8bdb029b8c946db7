"""Sub-scores and significance: synchronised rings stand out from chance, crowds do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from conftest import make_posts
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_detect.score import copost_pairs, score_clusters
from campaign_detect.score.null import _PairCounter, _sum_by

T0 = datetime(2023, 9, 26, tzinfo=UTC)
NO_TEMPLATES = pl.DataFrame(
    schema={"post_id": pl.String, "template_id": pl.Int64, "similarity": pl.Float64}
)
NO_BURSTS = pl.DataFrame(
    schema={
        "object": pl.String,
        "kind": pl.String,
        "start": pl.Datetime("us", "UTC"),
        "end": pl.Datetime("us", "UTC"),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 200)),
        min_size=0,
        max_size=25,
    ),
    st.integers(1, 60),
)
def test_copost_pairs_matches_brute_force(rows, window):
    group = np.array([r[0] for r in rows], dtype=np.int64)
    account = np.array([r[1] for r in rows], dtype=np.int64)
    t = np.array([r[2] for r in rows], dtype=np.int64)
    partners, later = copost_pairs(group, group * 10 + account, t, [window])
    partners, later = partners[0], later[0]
    expected_partners = [
        sum(
            1
            for j in range(len(rows))
            if j != i
            and rows[j][0] == rows[i][0]
            and rows[j][1] != rows[i][1]
            and abs(rows[j][2] - rows[i][2]) <= window
        )
        for i in range(len(rows))
    ]
    assert partners.tolist() == expected_partners
    # each pair counted once
    assert int(later.sum()) == sum(expected_partners) // 2


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 200)),
        min_size=0,
        max_size=30,
    ),
    st.lists(st.integers(1, 90), min_size=1, max_size=3, unique=True),
)
def test_null_pair_counter_matches_copost_pairs(rows, windows):
    # the null model's per-cluster counts equal copost_pairs' later counts summed per
    # cluster (a group belongs to one cluster: here cluster = group // 2), and its
    # per-member counts the partner counts summed per member (here member = account)
    group = np.array([r[0] for r in rows], dtype=np.int64)
    account = np.array([r[1] for r in rows], dtype=np.int64)
    group_acct = group * 10 + account
    t = np.array([r[2] for r in rows], dtype=np.int64)
    clusters = group // 2
    partners, later = copost_pairs(group, group_acct, t, windows)
    n_members = int(account.max(initial=-1)) + 1
    pairs, member_partners = _PairCounter(group, group_acct, clusters, account, windows, 2)(t)
    assert pairs.tolist() == _sum_by(clusters, later, 2).tolist()
    assert member_partners.tolist() == _sum_by(account, partners, n_members).tolist()


def _ring_and_crowd():
    """Ring r0..r5 posts #serbu together (within a minute) on 6 different days; crowd
    c0..c5 posts #bola at random times over the same days. Both are given as clusters."""
    rng = np.random.default_rng(3)
    rows = []
    for day in range(6):
        for i in range(6):
            ts = T0 + timedelta(days=day, hours=10, seconds=int(rng.integers(0, 60)))
            rows.append({"account": f"r{i}", "ts": ts, "text": f"serbu sekarang #serbu {day}"})
            rows.append(
                {
                    "account": f"c{i}",
                    "ts": T0 + timedelta(days=day, seconds=int(rng.integers(0, 86400))),
                    "text": f"nonton bola hari ini {i} {day} #bola",
                }
            )
    posts = make_posts(rows)
    membership = pl.DataFrame(
        {
            "account": [f"r{i}" for i in range(6)] + [f"c{i}" for i in range(6)],
            "cluster": [0] * 6 + [1] * 6,
        },
        schema={"account": pl.String, "cluster": pl.UInt32},
    )
    pairs = [(f"{p}{i}", f"{p}{j}") for p in "rc" for i in range(6) for j in range(i + 1, 6)]
    edges = pl.DataFrame(
        {
            "a": [a for a, _ in pairs],
            "b": [b for _, b in pairs],
            "weight": [1.0] * len(pairs),
            "n_events": [6 if a[0] == "r" else 2 for a, _ in pairs],
            "first": [T0] * len(pairs),
            "last": [T0 + timedelta(days=7)] * len(pairs),
            "a_first": [0.9 if a == "r0" else 0.5 for a, _ in pairs],
        }
    )
    return posts, membership, edges


def _scored_at_two_minutes(
    posts: pl.DataFrame, membership: pl.DataFrame, edges: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`score_clusters` at a 2-minute window with 30 null rounds, no templates or bursts."""
    return score_clusters(
        posts,
        membership,
        edges,
        window=timedelta(minutes=2),
        template_members=NO_TEMPLATES,
        bursts=NO_BURSTS,
        null_rounds=30,
        seed=1,
    )


def test_synchronised_ring_outscores_a_random_crowd():
    clusters, members = _scored_at_two_minutes(*_ring_and_crowd())
    by_cluster = {r["cluster"]: r for r in clusters.iter_rows(named=True)}
    ring, crowd = by_cluster[0], by_cluster[1]
    assert clusters["cluster"].to_list()[0] == 0  # ranked first
    # every ring post has a partner within 2 minutes; the crowd's rarely do
    assert ring["synchrony"] == 1.0
    assert crowd["synchrony"] < 0.5
    # the ring co-posts far more than shifted copies of itself; the crowd does not
    assert ring["z"] > 5
    assert ring["p_adjusted"] < 0.001
    assert crowd["p_adjusted"] > 0.05
    # r0 leads its ring
    lead = members.filter(pl.col("account") == "r0")["lead"].item()
    assert lead > 0.8


def _one_edge(a: str, b: str, *, n_events: int, days: int) -> pl.DataFrame:
    """The co-action edges of a cluster held together by one link, `a`-`b`."""
    return pl.DataFrame(
        {
            "a": [a],
            "b": [b],
            "weight": [1.0],
            "n_events": [n_events],
            "first": [T0],
            "last": [T0 + timedelta(days=days)],
            "a_first": [0.5],
        }
    )


def _pair_among_randoms(together: int) -> pl.DataFrame:
    """Scores of one cluster of eight: p0..p{together-1} post #serbu within a minute of
    each other every day, at a different hour each day; the others post it at random
    hours."""
    rng = np.random.default_rng(4)
    rows = []
    for day in range(8):
        meet = T0 + timedelta(days=day, hours=(10 + 7 * day) % 24)
        for i in range(8):
            at = (
                meet + timedelta(seconds=int(rng.integers(0, 60)))
                if i < together
                else T0 + timedelta(days=day, seconds=int(rng.integers(0, 86400)))
            )
            rows.append({"account": f"p{i}", "ts": at, "text": f"ayo {i} {day} #serbu"})
    membership = pl.DataFrame(
        {"account": [f"p{i}" for i in range(8)], "cluster": [0] * 8},
        schema={"account": pl.String, "cluster": pl.UInt32},
    )
    edges = _one_edge("p0", "p1", n_events=8, days=8)
    clusters, _ = _scored_at_two_minutes(make_posts(rows), membership, edges)
    return clusters


def test_a_cluster_beating_chance_through_two_members_is_not_most_members_beyond_chance():
    # the cluster's pairs beat chance several times over, nearly all through p0 and p1
    # (a random poster may meet one other by chance where chance gives it none)
    cluster = _pair_among_randoms(together=2).row(0, named=True)
    assert cluster["copost_ratio"] > 2
    assert cluster["p_adjusted"] < 0.05
    assert 2 / 8 <= cluster["members_beyond_chance"] < 0.5


def test_every_member_of_a_ring_meeting_at_varying_hours_is_beyond_chance():
    cluster = _pair_among_randoms(together=8).row(0, named=True)
    assert cluster["members_beyond_chance"] == 1.0


def test_scores_are_identical_for_the_same_seed():
    posts, membership, edges = _ring_and_crowd()
    kwargs = {
        "window": timedelta(minutes=2),
        "template_members": NO_TEMPLATES,
        "bursts": NO_BURSTS,
        "seed": 5,
    }
    first, _ = score_clusters(posts, membership, edges, **kwargs)
    second, _ = score_clusters(posts, membership, edges, **kwargs)
    assert first.equals(second)


def test_the_null_keeps_the_hour_of_day_when_it_shifts_by_days():
    # six early risers post #pagi between 6:00 and 6:40 on their own random days: they
    # often post within an hour of each other, only because they all get up at six
    rng = np.random.default_rng(3)
    rows = [
        {
            "account": f"m{i}",
            "ts": T0 + timedelta(days=int(day), hours=6, minutes=int(rng.integers(0, 40))),
            "text": "selamat pagi #pagi",
        }
        for i in range(6)
        for day in rng.choice(14, 9, replace=False)
    ]
    posts = make_posts(rows)
    membership = pl.DataFrame(
        {"account": [f"m{i}" for i in range(6)], "cluster": [0] * 6},
        schema={"account": pl.String, "cluster": pl.UInt32},
    )
    edges = _one_edge("m0", "m1", n_events=3, days=14)
    kwargs = {
        "window": timedelta(minutes=10),
        "sync_scales": [timedelta(hours=1)],
        "template_members": NO_TEMPLATES,
        "bursts": NO_BURSTS,
        "null_rounds": 30,
    }
    by_days, _ = score_clusters(posts, membership, edges, null_shift=timedelta(days=3), **kwargs)
    by_hours, _ = score_clusters(posts, membership, edges, null_shift=timedelta(hours=12), **kwargs)
    # shifting by hours moves them off six o'clock and makes the habit look coordinated
    assert by_hours["p_adjusted"].item() < 0.01
    assert by_days["p_adjusted"].item() > 0.05


def test_amplification_tells_a_campaign_from_a_set_of_feeds():
    # four feeds post each of 40 different links within a minute of each other; six
    # accounts push one hashtag together six times
    rows = [
        {
            "account": f"f{i}",
            "ts": T0 + timedelta(hours=3 * item, seconds=10 * i),
            "text": f"headline {item} https://news{item % 7}.example/{item}",
        }
        for item in range(40)
        for i in range(4)
    ]
    rows += [
        {
            "account": f"r{i}",
            "ts": T0 + timedelta(days=day, minutes=i),
            "text": f"post {day} {i} #tolakmafia",
        }
        for day in range(6)
        for i in range(6)
    ]
    posts = make_posts(rows)
    membership = pl.DataFrame(
        {
            "account": [f"f{i}" for i in range(4)] + [f"r{i}" for i in range(6)],
            "cluster": [0] * 4 + [1] * 6,
        },
        schema={"account": pl.String, "cluster": pl.UInt32},
    )
    edges = pl.DataFrame(
        {
            "a": ["f0", "r0"],
            "b": ["f1", "r1"],
            "weight": [1.0, 1.0],
            "n_events": [40, 6],
            "first": [T0, T0],
            "last": [T0 + timedelta(days=6)] * 2,
            "a_first": [0.5, 0.5],
        }
    )
    clusters, _ = score_clusters(
        posts,
        membership,
        edges,
        window=timedelta(minutes=10),
        template_members=NO_TEMPLATES,
        bursts=NO_BURSTS,
        null_rounds=5,
    )
    by_cluster = {r["cluster"]: r for r in clusters.iter_rows(named=True)}
    feeds, ring = by_cluster[0], by_cluster[1]
    # each link is one message (the link and its headline travel together): 40 of them
    assert feeds["pushed_objects"] == pytest.approx(40, rel=0.05)
    assert feeds["amplification"] < 0.5
    assert ring["pushed_objects"] == pytest.approx(1.0)
    assert ring["amplification"] == pytest.approx(6.0)


def _regulars_and_ring(seed: int, n_regulars: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Regulars of a morning tag (each posts ``#pagi`` at a random minute between five and
    eight every morning), a few of whom also reacted together to three news items, and a
    ring that posts its own tag within two minutes of each other every day."""
    rng = np.random.default_rng(seed)
    rows = []
    regulars = [f"reg{i}" for i in range(n_regulars)]
    for day in range(12):
        for a in regulars:
            minute = int(rng.integers(5 * 60, 8 * 60))
            rows.append(
                {
                    "account": a,
                    "ts": T0 + timedelta(days=day, minutes=minute),
                    "text": f"selamat pagi {a} {day} #pagi",
                }
            )
        hour = int(rng.integers(9, 22))
        for i in range(10):
            rows.append(
                {
                    "account": f"ring{i}",
                    "ts": T0 + timedelta(days=day, hours=hour, seconds=9 * i),
                    "text": f"ring {i} {day} #ringtag",
                }
            )
    for day in (2, 6, 9):  # a third of the regulars react to the same news within minutes
        for i, a in enumerate(regulars[: n_regulars // 3]):
            rows.append(
                {
                    "account": a,
                    "ts": T0 + timedelta(days=day, hours=13, seconds=20 * i),
                    "text": f"astaga {a} #gempa{day}",
                }
            )
    posts = make_posts(rows)
    membership = pl.DataFrame(
        {
            "account": regulars + [f"ring{i}" for i in range(10)],
            "cluster": [0] * n_regulars + [1] * 10,
        },
        schema={"account": pl.String, "cluster": pl.UInt32},
    )
    return posts, membership


@pytest.mark.parametrize(("seed", "n_regulars"), [(1, 24), (2, 45)])
def test_regulars_of_an_object_are_tested_on_that_object(seed: int, n_regulars: int) -> None:
    posts, membership = _regulars_and_ring(seed, n_regulars)
    span = {"start": [posts["ts"].min()] * 2, "end": [posts["ts"].max()] * 2}
    windows = pl.DataFrame(
        {"cluster": [0, 1], **span, "kind": ["hashtag"] * 2, "object": ["pagi", "ringtag"]},
        schema_overrides={"cluster": pl.UInt32},
    )
    no_edges = pl.DataFrame(
        schema={
            "a": pl.String,
            "b": pl.String,
            "weight": pl.Float64,
            "n_events": pl.UInt32,
            "first": pl.Datetime("us", "UTC"),
            "last": pl.Datetime("us", "UTC"),
            "a_first": pl.UInt32,
        }
    )

    def judged(given: pl.DataFrame) -> dict[int, dict]:
        clusters, _ = score_clusters(
            posts,
            membership,
            no_edges,
            window=timedelta(minutes=2),
            template_members=NO_TEMPLATES,
            bursts=NO_BURSTS,
            windows=given,
            seed=seed,
        )
        return {r["cluster"]: r for r in clusters.iter_rows(named=True)}

    # on all their posts the regulars beat chance (the news they met at), ...
    everything = judged(windows.drop("kind", "object"))
    assert everything[0]["p_adjusted"] < 0.05
    # ... on the object they are a group of, they do not; the ring does on its own tag
    own = judged(windows)
    assert own[0]["p_adjusted"] > 0.05
    assert own[0]["copost_ratio"] < 1.5
    assert own[1]["p_adjusted"] < 0.001
    # synchrony is still measured on all of a cluster's posts
    assert own[0]["synchrony"] == everything[0]["synchrony"]
