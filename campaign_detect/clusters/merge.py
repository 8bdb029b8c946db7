"""One operation, one cluster: surviving clusters that are one pool of accounts acting on
the same thing are merged.

An operation often survives the competition for accounts in parts: a pool rotating over
tags is one community a day, a script in several styles is several candidates, a crowd
around one moment splits into its sub-moments. Each candidate is a view of the pool; the
best one takes the accounts it shares with the others, and a part survives when more than
half of its own accounts are left. The accounts the part's candidate had to give up are
the evidence: two unrelated groups share accounts only as often as chance puts an account
in both.

Two surviving clusters A (better ranked) and B are one operation when

- *one pool*: B's candidate held more of A's accounts than chance explains: with `N` the
  accounts in any candidate, ``P[Hypergeometric(N, |A|, |cand_B|) >= shared]`` at most
  `SCRIPT_ALPHA` (the level of the pushed-script scan); and
- *acting on the same thing*: some object (hashtag, mention, URL, shared post, text,
  hashtag sequence, or script template) is pushed by both: posted by at least half of
  each one's accounts inside its window, and by more of them than their activity explains
  (an account with ``k`` posts there carries an object on a share ``s`` of all posts with
  chance ``1 - (1 - s)^k``; Poisson tail at `SCRIPT_ALPHA`, corrected for the objects the
  cluster carries). Two clusters of busy accounts both carry the tags every busy account
  posts; that is no evidence of one operation.

Merging is transitive (connected components of the pairs); the merged cluster keeps the
number of its best-ranked part, spans its parts' windows, and is scored and judged like
any other cluster: two halves of one organic moment, merged, are judged as one crowd.
"""

from __future__ import annotations

import igraph as ig
import polars as pl
from scipy.stats import hypergeom, poisson

from campaign_detect.clusters.candidates import SCRIPT_ALPHA
from campaign_detect.clusters.edges import intra_edges

__all__ = ["MERGE_PARTS", "merge_operations"]

MERGE_PARTS = False
"""Whether a scan merges the parts of one operation (setting ``merge_parts``; off by default:
see docs/scoring.md for what it costs with the audience test)."""


def _spans(membership: pl.DataFrame, windows: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    """``cluster, start, end`` of every cluster: its given window, else its first to last
    internal co-action event (as the score stage reads it)."""
    given = windows.select(pl.col("cluster").cast(pl.UInt32), "start", "end")
    intra = (
        intra_edges(edges.select("a", "b", "first", "last"), membership)
        .group_by("cluster")
        .agg(pl.col("first").min().alias("start"), pl.col("last").max().alias("end"))
        .join(given, on="cluster", how="anti")
    )
    return pl.concat([given, intra.select(given.columns)]).sort("cluster")


def _carried(
    posts: pl.DataFrame,
    rows: pl.DataFrame,
    template_members: pl.DataFrame,
    membership: pl.DataFrame,
    spans: pl.DataFrame,
) -> pl.DataFrame:
    """``cluster, kind, object``: the objects (and scripts, kind ``template``) that at least
    half of a cluster's accounts posted inside its window and that the cluster pushes
    (`_pushed`)."""
    base = posts.select("post_id", "account", "ts").with_row_index("pidx")
    scripts = template_members.select(
        "post_id",
        pl.lit("template").alias("kind"),
        pl.col("template_id").cast(pl.String).alias("object"),
    ).join(base.select("post_id", "pidx"), on="post_id")
    objects = pl.concat(
        [rows.select("pidx", "kind", "object"), scripts.select("pidx", "kind", "object")],
        how="vertical_relaxed",
    )
    mine = (
        base.join(membership, on="account")
        .join(spans, on="cluster")
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
        .select("pidx", "cluster", "account")
    )
    size = membership.group_by("cluster").agg(pl.len().alias("size"))
    carried = (
        mine.join(objects, on="pidx")
        .group_by("cluster", "kind", "object")
        .agg(pl.col("account").n_unique().alias("n"))
        .join(size, on="cluster")
        .filter(2 * pl.col("n") >= pl.col("size"))
    )
    share = objects.group_by("kind", "object").agg(
        (pl.col("pidx").n_unique() / base.height).alias("share")
    )
    activity = mine.group_by("cluster", "account").agg(pl.col("pidx").n_unique().alias("k"))
    return _pushed(carried, share, activity)


def _pushed(carried: pl.DataFrame, share: pl.DataFrame, activity: pl.DataFrame) -> pl.DataFrame:
    """The rows of `carried` (``cluster, kind, object, n`` accounts of it posting the
    object in its window) that the cluster *pushes*: more of its accounts post it than
    their activity explains. An account with ``k`` posts in the window carries an object on
    ``share`` of all posts with chance ``1 - (1 - share)^k``; the carriers expected by
    chance are the sum over the cluster's accounts, and the object is pushed when the
    Poisson tail of ``n`` is at most `SCRIPT_ALPHA` corrected for the objects the cluster
    carries. A tag the whole data carries (``#fyp``, the topic tags every heavy account
    uses) is carried by any two clusters of busy accounts and is no evidence that they act
    on the same thing; a tag few posts carry, posted by half of a cluster, is."""
    if carried.is_empty():
        return carried.select("cluster", "kind", "object")
    expected = (
        carried.select("cluster", "kind", "object")
        .join(share, on=["kind", "object"])
        .join(activity, on="cluster")
        .group_by("cluster", "kind", "object")
        .agg((1 - (1 - pl.col("share")).pow(pl.col("k"))).sum().alias("expected"))
    )
    tried = carried.group_by("cluster").agg(pl.len().alias("tried"))
    rows = (
        carried.join(expected, on=["cluster", "kind", "object"])
        .join(tried, on="cluster")
        .sort("cluster", "kind", "object")
    )
    chance = poisson.sf(rows["n"].to_numpy() - 1, rows["expected"].to_numpy())
    pushed = pl.Series(chance * rows["tried"].to_numpy() <= SCRIPT_ALPHA)
    return rows.filter(pushed).select("cluster", "kind", "object")


def _one_pool(assigned: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """``cluster, cluster_2`` (``cluster < cluster_2``): pairs of surviving clusters where
    the candidate of the worse one held more of the better one's accounts than chance."""
    source = assigned.select("cluster", "candidate").unique()
    size = assigned.group_by("cluster").agg(pl.len().alias("size"))
    held = (
        candidates.rename({"cluster": "candidate"})
        .group_by("candidate")
        .agg(pl.len().alias("held"))
    )
    shared = (
        source.rename({"cluster": "cluster_2"})
        .join(candidates.rename({"cluster": "candidate"}), on="candidate")
        .join(assigned.select("account", "cluster"), on="account")
        .filter(pl.col("cluster") < pl.col("cluster_2"))
        .group_by("cluster", "cluster_2", "candidate")
        .agg(pl.len().alias("shared"))
        .join(size, on="cluster")
        .join(held, on="candidate")
        .sort("cluster", "cluster_2")
    )
    if shared.is_empty():
        return shared.select("cluster", "cluster_2")
    n = candidates["account"].n_unique()
    chance = hypergeom.sf(
        shared["shared"].to_numpy() - 1, n, shared["size"].to_numpy(), shared["held"].to_numpy()
    )
    return shared.filter(pl.Series(chance <= SCRIPT_ALPHA)).select("cluster", "cluster_2")


def _components(ids: list[int], linked: pl.DataFrame) -> pl.DataFrame:
    """``cluster, merged``: every cluster of `ids` and the number of its operation, the
    operations numbered 0.. in the order of their best (lowest-numbered) part."""
    ids = sorted(set(ids))
    position = {c: i for i, c in enumerate(ids)}
    graph = ig.Graph(n=len(ids), edges=[(position[a], position[b]) for a, b in linked.iter_rows()])
    part = graph.connected_components().membership
    best: dict[int, int] = {}
    for c, p in zip(ids, part, strict=True):
        best[p] = min(best.get(p, c), c)
    number = {p: i for i, p in enumerate(sorted(best, key=best.__getitem__))}
    return pl.DataFrame(
        {"cluster": ids, "merged": [number[p] for p in part]},
        schema={"cluster": pl.UInt32, "merged": pl.UInt32},
    )


def merge_operations(
    posts: pl.DataFrame,
    rows: pl.DataFrame,
    template_members: pl.DataFrame,
    assigned: pl.DataFrame,
    candidates: pl.DataFrame,
    windows: pl.DataFrame,
    edges: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The surviving clusters of `assigned` with the parts of one operation merged (see
    the module docstring), numbered 0.. again in the order of their best part.

    `rows` are the object rows of `posts` (``pidx, kind, object``), `template_members` the
    templates' posts, `assigned` the competition's ``account, cluster, candidate``
    (`assign_accounts`: disjoint clusters numbered 0.. in rank order), `candidates` every
    candidate's ``account, cluster`` before it, `windows` the surviving clusters' given
    windows (``cluster, start, end`` and ``kind, object`` for a repeated object's
    regulars), `edges` the co-action edges.

    Returns
    -------
    membership, windows
        ``account, cluster`` and the windows: a merged cluster's window spans its parts'
        windows and names no single object; the others keep theirs.
    """
    windows = windows.with_columns(pl.col("cluster").cast(pl.UInt32))
    membership = assigned.select("account", "cluster")
    pool = _one_pool(assigned, candidates)
    if pool.is_empty():
        return membership, windows
    spans = _spans(membership, windows, edges)
    carried = _carried(posts, rows, template_members, membership, spans)
    linked = (
        carried.join(carried, on=["kind", "object"], suffix="_2")
        .filter(pl.col("cluster") < pl.col("cluster_2"))
        .select("cluster", "cluster_2")
        .unique()
        .join(pool, on=["cluster", "cluster_2"], how="semi")
    )
    if linked.is_empty():
        return membership, windows
    return _merged(membership, windows, spans, linked)


def _merged(
    membership: pl.DataFrame, windows: pl.DataFrame, spans: pl.DataFrame, linked: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`membership` and `windows` with the clusters `linked` (transitively) made one."""
    renumber = _components(membership["cluster"].unique().to_list(), linked)
    merged_members = (
        membership.join(renumber, on="cluster")
        .select("account", pl.col("merged").alias("cluster"))
        .sort("cluster", "account")
    )
    sizes = renumber.group_by("merged").agg(pl.len().alias("parts"))
    kept = (
        windows.join(renumber, on="cluster")
        .join(sizes, on="merged")
        .filter(pl.col("parts") == 1)
        .drop("cluster", "parts")
        .rename({"merged": "cluster"})
    )
    joined = (
        spans.join(renumber, on="cluster")
        .join(sizes, on="merged")
        .filter(pl.col("parts") > 1)
        .group_by("merged")
        .agg(pl.col("start").min(), pl.col("end").max())
        .rename({"merged": "cluster"})
    )
    merged_windows = pl.concat([kept, joined], how="diagonal_relaxed").sort("cluster")
    return merged_members, merged_windows.select(windows.columns)
