"""The account graph and its communities: seeded Leiden on the edges that passed the chance
test.

An edge joins two accounts that co-acted repeatedly (at least `min_repeats` distinct
co-action events) beyond what chance gives them; sharing a script template strengthens
it. A single coincidence, however rare the object, is not enough to link two accounts:
that is what keeps a crowd reacting to the same news (one event each) from becoming a
cluster. Clusters are Leiden communities of that graph, computed with a fixed seed so that
the same input gives the same clusters.

References
----------
Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. Scientific Reports 9, 5233.
"""

from __future__ import annotations

import random

import igraph as ig
import polars as pl

from campaign_detect.clusters.edges import MAX_CHANCE, MIN_REPEATS

__all__ = ["MIN_ACCOUNTS", "RESOLUTION", "account_graph", "cluster_accounts"]

# the smallest cluster any candidate may give
MIN_ACCOUNTS = 3
# Leiden's resolution: higher splits the graph into smaller communities
RESOLUTION = 1.0

_EDGE_COLUMNS = ("a", "b", "weight", "n_events", "n_objects", "shared_templates", "p_chance")


def account_graph(
    edges: pl.DataFrame, *, min_repeats: int = MIN_REPEATS, max_chance: float = MAX_CHANCE
) -> ig.Graph:
    """The weighted, undirected account graph that clustering runs on.

    Keeps the co-action edges with at least `min_repeats` distinct events and, when
    `edge_chance` was applied, a ``p_chance`` of at most `max_chance`; an edge whose
    accounts also share a template counts double per shared template (up to three), since
    posting the same script at the same time is stronger evidence than either alone.

    Vertices carry ``name`` (canonical account key); edges carry the columns of `edges`
    named in ``a, b, weight, n_events, n_objects, shared_templates``.
    """
    if "shared_templates" not in edges.columns:
        edges = edges.with_columns(pl.lit(0, dtype=pl.UInt32).alias("shared_templates"))
    if "p_chance" not in edges.columns:
        edges = edges.with_columns(pl.lit(0.0).alias("p_chance"))
    kept = (
        edges.filter((pl.col("n_events") >= min_repeats) & (pl.col("p_chance") <= max_chance))
        .with_columns(
            (pl.col("weight") * (1 + pl.col("shared_templates").clip(0, 3))).alias("weight")
        )
        .select(_EDGE_COLUMNS)
        .sort("a", "b")
    )
    names = pl.concat([kept["a"], kept["b"]]).unique().sort()
    index = {name: i for i, name in enumerate(names.to_list())}
    graph = ig.Graph(
        n=len(names),
        edges=list(
            zip(
                kept["a"].replace_strict(index, return_dtype=pl.Int64).to_list(),
                kept["b"].replace_strict(index, return_dtype=pl.Int64).to_list(),
                strict=True,
            )
        ),
        directed=False,
    )
    graph.vs["name"] = names.to_list()
    for column in _EDGE_COLUMNS[2:]:
        graph.es[column] = kept[column].to_list()
    return graph


def cluster_accounts(
    graph: ig.Graph,
    *,
    resolution: float = RESOLUTION,
    min_accounts: int = MIN_ACCOUNTS,
    seed: int = 0,
) -> pl.DataFrame:
    """Leiden communities of the account graph, as ``account, cluster`` rows.

    Communities smaller than `min_accounts` are left out. Cluster numbers are assigned by
    size (largest first), ties broken by the smallest account key, so they do not depend on
    igraph's internal order.

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph(n=6, edges=[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)])
    >>> g.vs["name"] = list("abcdef")
    >>> g.es["weight"] = [1.0] * 6
    >>> cluster_accounts(g)["cluster"].to_list()
    [0, 0, 0, 1, 1, 1]
    """
    if graph.vcount() == 0:
        return pl.DataFrame(schema={"account": pl.String, "cluster": pl.UInt32})
    saved = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        partition = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
        random.setstate(saved)
    frame = pl.DataFrame(
        {"account": graph.vs["name"], "community": partition.membership},
        schema={"account": pl.String, "community": pl.Int64},
    )
    order = (
        frame.group_by("community")
        .agg(pl.len().alias("size"), pl.col("account").min().alias("first"))
        .filter(pl.col("size") >= min_accounts)
        .sort(["size", "first"], descending=[True, False])
        .with_row_index("cluster")
    )
    return (
        frame.join(order.select("community", "cluster"), on="community")
        .select("account", pl.col("cluster").cast(pl.UInt32))
        .sort("cluster", "account")
    )
