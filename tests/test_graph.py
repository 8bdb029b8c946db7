"""The account graph keeps repeated co-action only, and clustering is deterministic."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from campaign_detect.graph import account_graph, cluster_accounts, shared_templates

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
