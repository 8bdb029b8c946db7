"""The account graph keeps repeated co-action only, and clustering is deterministic."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

from campaign_detect.clusters.communities import account_graph, cluster_accounts
from campaign_detect.clusters.edges import shared_templates

T0 = datetime(2023, 9, 26, tzinfo=UTC)


def _edges(rows: list[tuple[str, str, float, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "a": [r[0] for r in rows],
            "b": [r[1] for r in rows],
            "weight": [r[2] for r in rows],
            "n_events": [r[3] for r in rows],
            "n_objects": [1] * len(rows),
            "first": [T0] * len(rows),
            "last": [T0] * len(rows),
            "a_first": [0.5] * len(rows),
        },
        schema_overrides={"n_events": pl.UInt32, "n_objects": pl.UInt32},
    )


def test_one_coincidence_does_not_link_accounts():
    # a-b co-acted three times, c-d once: only a-b survives min_repeats=2
    graph = account_graph(_edges([("a", "b", 1.0, 3), ("c", "d", 5.0, 1)]), min_repeats=2)
    assert sorted(graph.vs["name"]) == ["a", "b"]
    assert graph.ecount() == 1


@pytest.mark.parametrize(("shared", "expected"), [(0, 2.0), (1, 4.0), (5, 8.0)])
def test_shared_templates_strengthen_an_edge_up_to_a_cap(shared, expected):
    # weight 2.0 doubles per shared template, capped at three templates
    edges = _edges([("a", "b", 2.0, 2)]).with_columns(
        pl.lit(shared, dtype=pl.UInt32).alias("shared_templates")
    )
    assert account_graph(edges).es["weight"] == [expected]


def test_shared_templates_counts_templates_both_accounts_posted():
    posts = pl.DataFrame(
        {"post_id": ["1", "2", "3", "4"], "account": ["a", "b", "b", "c"]},
    )
    members = pl.DataFrame({"post_id": ["1", "2", "3", "4"], "template_id": [0, 0, 1, 1]})
    edges = shared_templates(_edges([("a", "b", 1.0, 2), ("a", "c", 1.0, 2)]), members, posts)
    # a and b both posted template 0; a and c share nothing
    assert dict(zip(edges["b"], edges["shared_templates"], strict=True)) == {"b": 1, "c": 0}


def test_shared_templates_looks_up_the_smaller_side_in_small_chunks():
    from campaign_detect.clusters.edges import _shared_counts, _template_sets

    # a posted templates 0-3 (twice each), b 1-2, c 3 and 9, d none: counts go by the
    # smaller side whichever way round the pair is, and pairs split across chunks
    posts = pl.DataFrame(
        {
            "post_id": [str(i) for i in range(12)],
            "account": ["a"] * 8 + ["b", "b", "c", "c"],
        }
    )
    members = pl.DataFrame(
        {"post_id": [str(i) for i in range(12)], "template_id": [0, 1, 2, 3] * 2 + [1, 2, 3, 9]}
    )
    edges = _edges([("a", "b", 1.0, 2), ("c", "a", 1.0, 2), ("b", "c", 1.0, 2), ("a", "d", 1.0, 2)])
    got = shared_templates(edges, members, posts)
    assert got["shared_templates"].to_list() == [2, 1, 0, 0]
    assert got.select(edges.columns).equals(edges)
    index, starts, keys, width = _template_sets(members, posts)
    rows = dict(index.iter_rows())
    a = [rows[x] for x in ("a", "c", "b")] + [-1]
    b = [rows[x] for x in ("b", "a", "c", "a")]
    for chunk in (1, 2, 100):
        counts = _shared_counts(np.array(a), np.array(b), (starts, keys, width), chunk=chunk)
        assert counts.tolist() == [2, 1, 0, 0]
    assert shared_templates(edges.head(0), members, posts).height == 0


def test_two_rings_become_two_clusters_and_small_ones_are_dropped():
    ring1 = [("a1", "a2", 1.0, 3), ("a2", "a3", 1.0, 3), ("a1", "a3", 1.0, 3), ("a3", "a4", 1.0, 3)]
    ring2 = [("b1", "b2", 2.0, 4), ("b2", "b3", 2.0, 4), ("b1", "b3", 2.0, 4)]
    pair = [("c1", "c2", 9.0, 9)]
    graph = account_graph(_edges(ring1 + ring2 + pair))
    clusters = cluster_accounts(graph, min_accounts=3, seed=1)
    groups = clusters.group_by("cluster").agg(pl.col("account").sort()).sort("cluster")
    # the larger ring is cluster 0; the lone pair is below min_accounts and left out
    assert groups["account"].to_list() == [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"]]
    assert clusters["account"].is_unique().all()


def test_clustering_is_deterministic_for_a_seed():
    rows = [
        (f"x{i}", f"x{j}", 1.0 + (i * j) % 3, 2)
        for i in range(12)
        for j in range(i + 1, 12)
        if (i + j) % 3
    ]
    graph = account_graph(_edges(rows))
    first = cluster_accounts(graph, seed=7)
    assert first.equals(cluster_accounts(account_graph(_edges(rows)), seed=7))


def test_empty_graph_gives_no_clusters():
    assert cluster_accounts(account_graph(_edges([]))).is_empty()


def test_edge_chance_separates_a_ring_from_prolific_fans():
    from datetime import timedelta

    from conftest import make_posts

    from campaign_detect.clusters.edges import edge_chance

    rows = []
    # fans f1, f2 each post #fyp once an hour for 14 days, at unrelated minutes: they land
    # within 5 minutes of each other about 56 times by chance alone (given: 60 events)
    for h in range(14 * 24):
        rows.append({"account": "f1", "ts": T0 + timedelta(hours=h), "text": "#fyp lucu"})
        rows.append(
            {"account": "f2", "ts": T0 + timedelta(hours=h, minutes=(h * 37) % 60), "text": "#fyp"}
        )
    # r1, r2 post a rare tag together three times in two weeks, at different hours
    for day, hour in ((2, 3), (6, 14), (11, 20)):
        for i, account in enumerate(("r1", "r2")):
            rows.append(
                {
                    "account": account,
                    "ts": T0 + timedelta(days=day, hours=hour, minutes=i),
                    "text": "#xyz",
                }
            )
    # e1, e2 greet #pagi every morning between six and seven: within 5 minutes on 4 days
    for day in range(14):
        minute = (4 * day) % 30
        gap = 2 if day in (1, 5, 9, 12) else 30
        for account, offset in (("e1", 0), ("e2", gap)):
            rows.append(
                {
                    "account": account,
                    "ts": T0 + timedelta(days=day, hours=6, minutes=minute + offset),
                    "text": "#pagi",
                }
            )
    posts = make_posts(rows)
    edges = _edges([("f1", "f2", 1.0, 60), ("r1", "r2", 1.0, 3), ("e1", "e2", 1.0, 4)])
    out = edge_chance(edges, posts, window=timedelta(minutes=5), objects=("hashtag", "text"))
    p = dict(zip(out["a"], out["p_chance"], strict=True))
    # 336 x 336 post pairs x 10-minute reach / 14 days = 56 expected: 60 is unremarkable;
    # the ring's 3 events, each at an hour of day the other two are not, are not
    expected = dict(zip(out["a"], out["expected_events"], strict=True))
    assert expected["f1"] == pytest.approx(56.0, rel=0.01)
    assert p["f1"] > 0.1
    assert p["r1"] < 1e-5
    # 14 x 14 greetings in the same hour of day, one day in 14 the same: 2.2 expected, so
    # 4 meetings are a habit, not a ring (spread over the whole day they would look rare)
    assert expected["e1"] == pytest.approx(2.2, rel=0.05)
    assert p["e1"] > 0.1
    graph = account_graph(out.filter(pl.col("a") != "f1"), max_chance=1e-4)
    assert sorted(graph.vs["name"]) == ["r1", "r2"]


def test_template_candidates_keep_pushed_scripts_and_merge_styles():
    from datetime import timedelta

    from campaign_detect.clusters.candidates import template_candidates

    day = T0 + timedelta(days=3)
    # templates 0 and 1 (two styles of one script, mostly the same accounts) are posted
    # within a day; template 2 is a phrase written every other day for two weeks; `late`
    # wrote a line of template 0 a week after the push
    authors = ["a", "b", "c", "d", "b", "c", "d", "e", "late"] + ["x", "y", "z"] * 2
    members = pl.DataFrame(
        {
            "post_id": [f"t{i}" for i in range(len(authors))],
            "template_id": [0, 0, 0, 0, 1, 1, 1, 1, 0, 2, 2, 2, 2, 2, 2],
        }
    )
    times = (
        [day + timedelta(hours=2 * i) for i in range(8)]
        + [day + timedelta(days=7)]
        + [T0 + timedelta(days=2 * i) for i in range(6)]
    )
    # everyone else posts once an hour, so the push stands out against the data's rhythm
    background = [T0 + timedelta(hours=h) for h in range(14 * 24)]
    posts = pl.DataFrame(
        {
            "post_id": [*members["post_id"], *(f"o{i}" for i in range(len(background)))],
            "account": [*authors, *(f"o{i % 50}" for i in range(len(background)))],
            "ts": [*times, *background],
        }
    ).with_columns(
        pl.col("ts").dt.replace_time_zone("UTC"),
        pl.lit([], dtype=pl.List(pl.String)).alias("hashtags"),
    )
    membership, windows = template_candidates(members, posts, first_id=5)
    assert membership.group_by("cluster").agg(pl.col("account").sort())["account"].to_list() == [
        ["a", "b", "c", "d", "e"]
    ]
    assert windows["cluster"].to_list() == [5]
    assert windows["start"].to_list() == [day]
    assert windows["end"].to_list() == [day + timedelta(hours=14)]


def test_assign_accounts_gives_each_account_to_the_best_candidate():
    from campaign_detect.clusters.compete import assign_accounts

    membership = pl.DataFrame(
        {
            "account": ["a", "b", "c", "d", "a", "b", "c", "e", "f", "g", "h"],
            "cluster": [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2],
        },
        schema={"account": pl.String, "cluster": pl.UInt32},
    )
    ranked = pl.DataFrame({"cluster": [1, 0, 2], "rank": [1, 2, 3]})
    out = assign_accounts(ranked, membership, min_accounts=2)
    groups = out.group_by("cluster").agg(pl.col("account").sort(), pl.col("candidate").first())
    # candidate 1 ranks first and takes a, b, c, e; candidate 0 keeps only d (below half of
    # its accounts) and is dropped; candidate 2 is untouched
    assert sorted(groups.select("account", "candidate").rows()) == [
        (["a", "b", "c", "e"], 1),
        (["f", "g", "h"], 2),
    ]
    assert out["account"].is_unique().all()


def test_edge_chance_counts_a_fixed_hashtag_set_once():
    from datetime import timedelta

    from conftest import make_posts

    from campaign_detect.clusters.edges import edge_chance

    def expected(text: str) -> float:
        # two accounts each post the same text ten times, minutes apart, at varied hours
        rows = [
            {"account": account, "ts": T0 + timedelta(hours=30 * i, minutes=k), "text": text}
            for i in range(10)
            for k, account in enumerate(("s1", "s2"))
        ]
        out = edge_chance(
            _edges([("s1", "s2", 1.0, 2)]),
            make_posts(rows),
            window=timedelta(minutes=5),
            objects=("hashtag",),
        )
        return out["expected_events"].item()

    # five tags always posted together are one chance of coinciding per pair of posts,
    # not five; a second tag the accounts post on their own counts in full
    assert expected("hi #a1 #b2 #c3 #d4 #e5") == pytest.approx(expected("hi #a1"))
    assert expected("hi #a1") > 0


def test_a_phrase_written_every_morning_is_not_a_pushed_script():
    from datetime import timedelta

    from campaign_detect.clusters.candidates import template_candidates

    # a greeting posted by forty accounts every morning for two weeks, at an hour when
    # nobody else posts: far denser then than the data's rhythm, but never mostly inside
    # one window
    greeting = [
        (f"g{d}_{i}", f"g{i}", T0 + timedelta(days=d, hours=6, minutes=i))
        for d in range(14)
        for i in range(40)
    ]
    background = [
        (f"o{h}_{j}", f"o{j}", T0 + timedelta(hours=h, minutes=5 * j))
        for h in range(14 * 24)
        if 9 <= h % 24 <= 22
        for j in range(10)
    ]
    posts = pl.DataFrame(
        [*greeting, *background], schema=["post_id", "account", "ts"], orient="row"
    ).with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("hashtags"))
    members = pl.DataFrame({"post_id": [g[0] for g in greeting], "template_id": 0})
    membership, windows = template_candidates(members, posts)
    assert membership.is_empty()
    assert windows.is_empty()


def test_object_candidates_gather_accounts_that_keep_coming_back_to_an_object():
    from datetime import timedelta

    from conftest import make_posts

    from campaign_detect.clusters.candidates import object_candidates

    rows = []
    # a ring of four posts its site's link twice each; #fyp is used by many, mostly once
    for i in range(4):
        for day in (1, 3):
            rows.append(
                {
                    "account": f"r{i}",
                    "ts": T0 + timedelta(days=day, hours=i),
                    "text": "baca https://kabarku.example/1",
                }
            )
    for i in range(20):
        rows.append({"account": f"u{i}", "ts": T0 + timedelta(hours=i), "text": "lucu #fyp"})
    for i in range(3):  # three of them come back to #fyp
        rows.append({"account": f"u{i}", "ts": T0 + timedelta(days=2), "text": "lagi #fyp"})
    membership, windows = object_candidates(make_posts(rows), min_accounts=3)
    groups = membership.group_by("cluster").agg(pl.col("account").sort())["account"].to_list()
    assert groups == [["r0", "r1", "r2", "r3"]]
    assert windows["start"].to_list() == [T0 + timedelta(days=1)]
    assert windows["end"].to_list() == [T0 + timedelta(days=3, hours=3)]


def test_merge_windows_keeps_the_likeliest_window_and_counts_where_a_pair_holds():
    from datetime import timedelta

    from campaign_detect.clusters.edges import merge_windows

    narrow = _edges([("a", "b", 1.0, 2), ("c", "d", 1.0, 1)]).with_columns(
        pl.Series("p_chance", [1e-6, 0.5])
    )
    wide = _edges([("a", "b", 2.0, 4), ("c", "d", 3.0, 5)]).with_columns(
        pl.Series("p_chance", [1e-3, 1e-7])
    )
    out = merge_windows(
        [(timedelta(minutes=5), narrow), (timedelta(hours=1), wide)],
        min_repeats=2,
        max_chance=1e-4,
    )
    rows = {r["a"]: r for r in out.iter_rows(named=True)}
    # a-b is least likely by chance at 5 minutes and holds only there; c-d only at an hour
    assert (rows["a"]["window_s"], rows["a"]["held_at"], rows["a"]["windows"]) == (300, 1, 2)
    assert (rows["c"]["window_s"], rows["c"]["n_events"], rows["c"]["held_at"]) == (3600, 5, 1)


def test_edge_chance_and_object_candidates_take_precomputed_rows():
    from datetime import timedelta

    from conftest import make_posts

    from campaign_detect.clusters.candidates import object_candidates
    from campaign_detect.clusters.edges import edge_chance
    from campaign_detect.objects import OBJECT_KINDS, object_rows

    rows = []
    for day in range(3):
        for i in range(4):
            rows.append(
                {
                    "account": f"r{i}",
                    "ts": T0 + timedelta(days=day, minutes=i),
                    "text": "#xyz baca https://kabarku.example/1 @pak_rt",
                }
            )
    for i in range(10):
        rows.append({"account": f"u{i}", "ts": T0 + timedelta(hours=i), "text": "lucu #xyz"})
    posts = make_posts(rows)
    # rows of every kind, as scan computes them once; each stage keeps the kinds it reads
    given = object_rows(posts, OBJECT_KINDS, (), 3)
    edges = _edges([("r0", "r1", 1.0, 3), ("r2", "r3", 1.0, 3), ("r0", "u1", 1.0, 1)])
    kinds = ("hashtag", "text")
    alone = edge_chance(edges, posts, window=timedelta(minutes=5), objects=kinds)
    assert alone["p_chance"].null_count() == 0
    assert edge_chance(edges, posts, window=timedelta(minutes=5), objects=kinds, rows=given).equals(
        alone
    )
    membership, windows = object_candidates(posts, min_accounts=3)
    assert membership["account"].unique().sort().to_list() == ["r0", "r1", "r2", "r3"]
    again = object_candidates(posts, min_accounts=3, rows=given)
    assert again[0].equals(membership)
    assert again[1].equals(windows)


def test_shared_templates_without_any_template_is_zero():
    # text-less data (or texts that never repeat): no post belongs to a template
    from conftest import make_posts

    edges = _edges([("a", "b", 1.0, 3)])
    posts = make_posts([{"account": "a", "ts": "2023-09-20T08:00:00Z", "text": "#umkm"}])
    none = pl.DataFrame(schema={"post_id": pl.String, "template_id": pl.Int64})
    assert shared_templates(edges, none, posts)["shared_templates"].to_list() == [0]
