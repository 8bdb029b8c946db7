"""Signals → one weighted account graph → clusters of accounts.

An edge joins two accounts that co-acted repeatedly (at least `min_repeats` distinct
co-action events); sharing a script template strengthens it. A single coincidence, however
rare the object, is not enough to link two accounts: that is what keeps a crowd reacting to
the same news (one event each) from becoming a cluster. Clusters are Leiden communities of
that graph, computed with a fixed seed so that the same input gives the same clusters.

References
----------
Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. Scientific Reports 9, 5233.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

import igraph as ig
import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.stats import poisson

from campaign_detect.schema import OBJECT_KINDS
from campaign_detect.signals.coaction import object_rows

__all__ = [
    "account_graph",
    "assign_accounts",
    "cluster_accounts",
    "edge_chance",
    "shared_templates",
    "template_candidates",
]

_EDGE_COLUMNS = ("a", "b", "weight", "n_events", "n_objects", "shared_templates", "p_chance")


def edge_chance(
    edges: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    window: timedelta,
    objects: Sequence[str] = OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
) -> pl.DataFrame:
    """Add to co-action edges how many events chance alone would give the pair.

    Two accounts that each post an object many times will land within Δt of each other
    now and then without any coordination: heavy users of ``#fyp`` co-act every day. If
    account `a` posts object `o` ``n_a`` times and `b` posts it ``n_b`` times, spread
    independently over the data's span `T`, they are expected to land within Δt of each
    other ``n_a · n_b · 2Δt / T`` times. Summed over their shared objects this is
    ``expected_events``; ``p_chance`` is the Poisson probability of at least the observed
    ``n_events`` given that expectation. A ring that posts rare objects together has a tiny
    `p_chance`; two prolific fans of the same popular tags do not.

    The object's own span is deliberately not used as `T`: for an object that only the
    campaign uses (its copypasta, its fresh hashtag), its span is the campaign itself, and
    the expectation would explain the coordination away.
    """
    if edges.is_empty():
        return edges.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("expected_events"),
            pl.lit(None, dtype=pl.Float64).alias("p_chance"),
        )
    rows = object_rows(posts, objects, extra_objects, 3)
    counts = (
        rows.join(posts.select("account").with_row_index("pidx"), on="pidx")
        .group_by("account", "kind", "object")
        .agg(pl.len().alias("n"))
        .with_columns(pl.struct("kind", "object").rank("dense").cast(pl.Int64).alias("col") - 1)
    )
    accounts = pl.concat([counts["account"], edges["a"], edges["b"]]).unique().sort()
    index = pl.DataFrame({"account": accounts, "i": pl.int_range(len(accounts), eager=True)})
    counts = counts.join(index, on="account")
    matrix = sp.csr_matrix(
        (
            counts["n"].to_numpy().astype(np.float64),
            (counts["i"].to_numpy(), counts["col"].to_numpy()),
        ),
        shape=(len(accounts), counts["col"].n_unique()),
    )
    a = edges.select("a").join(index, left_on="a", right_on="account", how="left")["i"]
    b = edges.select("b").join(index, left_on="b", right_on="account", how="left")["i"]
    # Σ_o n_a,o · n_b,o for every edge at once: row-wise product of two sparse selections
    pair_posts = np.asarray(matrix[a.to_numpy()].multiply(matrix[b.to_numpy()]).sum(axis=1)).ravel()
    span = posts.select((pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds()).item()
    reach = 2 * window.total_seconds()
    out = edges.with_columns(
        pl.Series("expected_events", pair_posts * reach / max(span, reach), dtype=pl.Float64)
    )
    p = poisson.sf(out["n_events"].to_numpy() - 1, out["expected_events"].to_numpy())
    return out.with_columns(pl.Series("p_chance", p, dtype=pl.Float64))


def shared_templates(
    edges: pl.DataFrame, template_members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """Add `shared_templates` to co-action edges: how many templates both accounts posted.

    Parameters
    ----------
    edges
        Co-action edges with columns ``a`` and ``b`` (canonical account keys).
    template_members
        ``post_id, template_id`` of every post assigned to a template.
    posts
        The post frame, to map post ids to accounts.
    """
    account_templates = (
        template_members.join(posts.select("post_id", "account"), on="post_id")
        .select("account", "template_id")
        .unique()
    )
    counts = (
        edges.select("a", "b")
        .join(account_templates.rename({"account": "a"}), on="a")
        .join(account_templates.rename({"account": "b"}), on=["b", "template_id"])
        .group_by("a", "b")
        .agg(pl.len().cast(pl.UInt32).alias("shared_templates"))
    )
    return edges.join(counts, on=["a", "b"], how="left").with_columns(
        pl.col("shared_templates").fill_null(0)
    )


def account_graph(
    edges: pl.DataFrame, *, min_repeats: int = 2, max_chance: float = 1e-4
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
    graph: ig.Graph, *, resolution: float = 1.0, min_accounts: int = 3, seed: int = 0
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


def _concentrated(
    template_members: pl.DataFrame, posts: pl.DataFrame, *, span: timedelta, share: float
) -> pl.Series:
    """Ids of templates with at least `share` of their posts inside one `span`."""
    times = (
        template_members.select("post_id", "template_id")
        .join(posts.select("post_id", pl.col("ts").dt.epoch("s").alias("t")), on="post_id")
        .sort("template_id", "t")
    )
    if times.is_empty():
        return pl.Series("template_id", [], dtype=pl.Int64)
    t = times["t"].to_numpy()
    t = t - t.min()
    step = int(t.max()) + int(span.total_seconds()) + 1
    key = times["template_id"].to_numpy().astype(np.int64) * step + t
    # posts of the same template within `span` after each post (a sorted sweep)
    inside = np.searchsorted(key, key + int(span.total_seconds()), side="right") - np.arange(
        len(key)
    )
    return (
        times.with_columns(pl.Series("inside", inside))
        .group_by("template_id")
        .agg((pl.col("inside").max() >= share * pl.len()).alias("ok"))
        .filter("ok")["template_id"]
    )


def _same_burst_links(
    kept: pl.DataFrame,
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    bursts: pl.DataFrame,
    position: dict[int, int],
) -> list[tuple[int, int]]:
    """Pairs of templates whose main hashtag is the same bursting hashtag during both.

    Paraphrases of one script (synonyms, reordered sentences, three styles) often split
    into many small templates with different accounts; what ties them is the push itself:
    the hashtag they carry bursts while they are posted.
    """
    tags = (
        template_members.join(kept.select("template_id"), on="template_id")
        .join(posts.select("post_id", "hashtags"), on="post_id")
        .explode("hashtags")
        .drop_nulls("hashtags")
        .group_by("template_id", "hashtags")
        .agg(pl.len().alias("n"))
        .sort(["n", "hashtags"], descending=[True, False])
        .group_by("template_id", maintain_order=True)
        .first()
        .select("template_id", pl.col("hashtags").alias("object"))
    )
    in_burst = (
        kept.select("template_id", "start", "end")
        .join(tags, on="template_id")
        .join(
            bursts.filter(pl.col("kind") == "hashtag")
            .select("object", pl.col("start").alias("b_start"), pl.col("end").alias("b_end"))
            .with_row_index("burst"),
            on="object",
        )
        .filter((pl.col("start") <= pl.col("b_end")) & (pl.col("end") >= pl.col("b_start")))
        .group_by("burst")
        .agg(pl.col("template_id").sort())
    )
    return [
        (position[ids[0]], position[other])
        for ids in in_burst["template_id"].to_list()
        for other in ids[1:]
    ]


def template_candidates(
    groups: pl.DataFrame,
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    bursts: pl.DataFrame,
    *,
    min_accounts: int = 3,
    span: timedelta = timedelta(days=1),
    share: float = 0.8,
    min_overlap: float = 0.5,
    first_id: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts that posted one script, as candidate clusters with the script's time span.

    A push like ``#KamiUMKMdiTikTok`` (each account posting two to four variants of a script
    within a day) leaves few account pairs with repeated co-action inside Δt, yet a hundred
    accounts posting one script is strong evidence as a group. So every template of at
    least `min_accounts` accounts is also a candidate; templates whose account sets overlap
    by at least `min_overlap` (of the smaller one) are merged, since a script written in
    several styles splits into several templates, and so are templates whose main hashtag
    bursts while both are posted. Candidates are scored like any cluster
    and then compete for accounts (`assign_accounts`).

    Only scripts pushed in one window count: at least `share` of a template's posts must
    fall within one `span`. A phrase that people write every day of the data (a greeting,
    a product description) is language, not a push.

    Returns
    -------
    membership, windows
        ``account, cluster`` and ``cluster, start, end``, cluster ids from `first_id` on.
    """
    pushed = _concentrated(template_members, posts, span=span, share=share)
    kept = groups.filter(
        (pl.col("n_accounts") >= min_accounts) & pl.col("template_id").is_in(pushed.implode())
    ).select(pl.col("template_id"), "accounts", "start", "end", "n_accounts")
    empty = (
        pl.DataFrame(schema={"account": pl.String, "cluster": pl.UInt32}),
        pl.DataFrame(
            schema={
                "cluster": pl.UInt32,
                "start": pl.Datetime("us", "UTC"),
                "end": pl.Datetime("us", "UTC"),
            }
        ),
    )
    if kept.is_empty():
        return empty
    position = {t: i for i, t in enumerate(kept["template_id"].to_list())}
    members = kept.select("template_id", pl.col("accounts").alias("account")).explode("account")
    sizes = dict(zip(kept["template_id"], kept["n_accounts"], strict=True))
    overlaps = (
        members.join(members, on="account", suffix="_2")
        .filter(pl.col("template_id") < pl.col("template_id_2"))
        .group_by("template_id", "template_id_2")
        .agg(pl.len().alias("shared"))
    )
    links = [
        (position[t1], position[t2])
        for t1, t2, shared in overlaps.iter_rows()
        if shared >= min_overlap * min(sizes[t1], sizes[t2])
    ]
    links += _same_burst_links(kept, template_members, posts, bursts, position)
    parts = ig.Graph(n=kept.height, edges=links).connected_components().membership
    kept = kept.with_columns(pl.Series("component", parts, dtype=pl.Int64))
    windows = (
        kept.group_by("component")
        .agg(pl.col("start").min(), pl.col("end").max(), pl.col("template_id").min())
        .sort("template_id")
        .with_columns((pl.int_range(pl.len()) + first_id).cast(pl.UInt32).alias("cluster"))
    )
    membership = (
        kept.select("component", pl.col("accounts").alias("account"))
        .explode("account")
        .join(windows.select("component", "cluster"), on="component")
        .select("account", "cluster")
        .unique()
        .sort("cluster", "account")
    )
    return membership, windows.select("cluster", "start", "end")


def assign_accounts(
    ranked: pl.DataFrame, membership: pl.DataFrame, *, min_accounts: int = 3
) -> pl.DataFrame:
    """Give every account to at most one cluster: the best-scoring candidate that holds it.

    Candidates are taken in rank order; each keeps the accounts no better candidate took,
    and is dropped when fewer than `min_accounts` or less than half of its accounts remain
    (it was mostly a view of a better cluster). Returns ``account, cluster, candidate``:
    clusters renumbered 0.. in rank order, and the candidate each came from.
    """
    accounts_of = {
        cluster: set(accounts)
        for cluster, accounts in membership.group_by("cluster").agg(pl.col("account")).iter_rows()
    }
    taken: set[str] = set()
    rows: list[tuple[str, int, int]] = []
    for cluster in ranked.sort("rank")["cluster"].to_list():
        candidate = accounts_of.get(cluster, set())
        free = candidate - taken
        if len(free) < min_accounts or len(free) < 0.5 * len(candidate):
            continue
        number = len({c for _, c, _ in rows})
        rows += [(account, number, cluster) for account in sorted(free)]
        taken |= free
    return pl.DataFrame(
        rows,
        schema={"account": pl.String, "cluster": pl.UInt32, "candidate": pl.UInt32},
        orient="row",
    ).sort("cluster", "account")
