"""The score stage: sub-scores, significance against a null model, score and rank, and the
rules that decide which clusters are reported.

Every number a cluster gets is meant to be read by a person: each sub-score is a share
between 0 and 1 of the cluster's posts (or edges) that show one kind of coordination
evidence (`subscores`), and the significance says how much more co-posting the cluster
shows than the same accounts would show by chance (`null`). `select` keeps the clusters
with evidence of coordination and ranks them. `docs/scoring.md` gives the formulas and the
reasons.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import polars as pl

from campaign_detect.clusters.edges import intra_edges
from campaign_detect.objects import OBJECT_KINDS, object_rows
from campaign_detect.score.null import copost_pairs, coposting, null_period, significance_rows
from campaign_detect.score.select import Selection, SelectParams, select_clusters
from campaign_detect.score.subscores import (
    burst_alignment,
    focus,
    member_roles,
    repeat_posting,
    template_scores,
)
from campaign_detect.values import DAY_S

__all__ = [
    "NULL_ROUNDS",
    "NULL_SHIFT",
    "SYNC_SCALES",
    "ScoreWeights",
    "SelectParams",
    "Selection",
    "copost_pairs",
    "score_clusters",
    "select_clusters",
]

# rounds of the null model, and the largest shift of an account's posts in it
NULL_ROUNDS = 20
NULL_SHIFT = timedelta(days=3)
# windows wider than Δt at which co-posting is also compared with chance
SYNC_SCALES: tuple[timedelta, ...] = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
)
_SUBSCORES = ("synchrony", "template_share", "focus", "burst_alignment")


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the sub-scores in the evidence part of the score (they sum to 1).

    Repetition is not among them: it gates the score (see `score_clusters`), because one
    shared tag in one window is what organic bursts also show.
    """

    synchrony: float = 0.35
    template_share: float = 0.30
    focus: float = 0.20
    burst_alignment: float = 0.15


def _cluster_windows(
    membership: pl.DataFrame, intra: pl.DataFrame, windows: pl.DataFrame | None, has_held: bool
) -> pl.DataFrame:
    """Each cluster's window (the given one, else its first to last internal co-action
    event), its internal edge count, mean events per edge and robustness."""
    from_edges = intra.group_by("cluster").agg(
        pl.col("first").min().alias("edge_start"),
        pl.col("last").max().alias("edge_end"),
        pl.len().alias("n_edges"),
        pl.col("n_events").mean().alias("mean_events"),
        (
            pl.col("held_at").sum() / pl.col("windows").sum()
            if has_held
            else pl.lit(None, dtype=pl.Float64)
        ).alias("robustness"),
    )
    given = (
        windows.select(
            "cluster", pl.col("start").alias("given_start"), pl.col("end").alias("given_end")
        )
        if windows is not None
        else pl.DataFrame(
            schema={
                "cluster": pl.UInt32,
                "given_start": pl.Datetime("us", "UTC"),
                "given_end": pl.Datetime("us", "UTC"),
            }
        )
    )
    return (
        membership.select("cluster")
        .unique()
        .join(from_edges, on="cluster", how="left")
        .join(given.with_columns(pl.col("cluster").cast(pl.UInt32)), on="cluster", how="left")
        .select(
            "cluster",
            pl.coalesce("given_start", "edge_start").alias("start"),
            pl.coalesce("given_end", "edge_end").alias("end"),
            pl.col("n_edges").fill_null(0),
            pl.col("mean_events").fill_null(1.0),
            "robustness",
        )
        .drop_nulls(["start", "end"])
    )


def _combine(parts: list[pl.DataFrame], weights: ScoreWeights) -> pl.DataFrame:
    """Join the per-cluster parts (windows first) and compute the score and rank."""
    clusters = parts[0]
    for part in parts[1:]:
        clusters = clusters.join(part, on="cluster", how="left")
    w = weights
    return (
        clusters.with_columns(
            pl.max_horizontal(
                1 - 1 / pl.col("mean_events"), pl.col("repeat_posting").fill_null(0.0)
            ).alias("repeated_coaction"),
            *(pl.col(s).fill_null(0.0) for s in _SUBSCORES),
        )
        .with_columns(
            (
                w.synchrony * pl.col("synchrony")
                + w.template_share * pl.col("template_share")
                + w.focus * pl.col("focus")
                + w.burst_alignment * pl.col("burst_alignment")
            ).alias("evidence"),
            (pl.col("n_accounts").cast(pl.Float64).log() / math.log(30))
            .clip(0.0, 1.0)
            .alias("size_factor"),
            (1 - pl.col("p_adjusted")).fill_nan(1.0).alias("confidence"),
            (pl.col("n_accounts") / pl.col("pushed_objects").fill_null(1.0).clip(1.0)).alias(
                "amplification"
            ),
        )
        .with_columns(
            (
                100
                * pl.col("evidence")
                * (0.25 + 0.75 * pl.col("repeated_coaction"))
                * pl.col("size_factor")
                * pl.col("confidence")
            ).alias("score")
        )
        .sort(["score", "n_accounts", "cluster"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )


def _significance(
    posts: pl.DataFrame,
    cluster_posts: pl.DataFrame,
    *,
    window: timedelta,
    null_rounds: int,
    null_shift: timedelta,
    seed: int,
    sync_scales: Sequence[timedelta],
    n_clusters: int,
    extra_objects: Sequence[str],
    tested_clusters: int | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`coposting` of the clusters' posts at Δt and the sync scales below the null's shift."""
    delta = max(1, int(window.total_seconds()))
    shift_s = int(null_shift.total_seconds())
    # Δt, and the wider scales at which a push spread over hours is still synchronised
    # (a scale as wide as the null's shift cannot be told from chance by that null)
    scales = sorted({delta} | {int(s.total_seconds()) for s in sync_scales} - {0})
    return coposting(
        significance_rows(cluster_posts, extra_objects),
        windows=[w for w in scales if w == delta or delta < w < shift_s],
        rounds=null_rounds,
        shift_s=shift_s,
        seed=seed,
        n_clusters=n_clusters,
        period=null_period(posts, whole_days=shift_s >= DAY_S),
        tested_clusters=tested_clusters,
    )


def _tested(
    test: Callable[..., tuple[pl.DataFrame, pl.DataFrame]],
    cluster_posts: pl.DataFrame,
    own: pl.DataFrame,
    **settings: Any,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Significance and synchrony of every cluster on all its posts, except that a cluster
    of an object's regulars takes its significance from its posts of that object (`own`;
    one test per cluster either way, so the correction counts the same clusters)."""
    significance, synchrony = test(cluster_posts, **settings)
    if own.is_empty():
        return significance, synchrony
    retest, _ = test(own, tested_clusters=cluster_posts["cluster"].n_unique(), **settings)
    retest = retest.join(own.select("cluster").unique(), on="cluster", how="semi")
    significance = pl.concat(
        [significance.join(retest.select("cluster"), on="cluster", how="anti"), retest],
        how="vertical_relaxed",
    ).sort("cluster")
    return significance, synchrony


def _own_object_posts(
    cluster_posts: pl.DataFrame, windows: pl.DataFrame | None, extra_objects: Sequence[str]
) -> pl.DataFrame:
    """The cluster posts whose co-posting tests each cluster: for a cluster made of the
    accounts that keep coming back to one object (``windows`` names its ``kind, object``),
    only its posts of that object; all of them for the others. Regulars of a daily tag
    who also met at an unrelated event are tested on the tag, which is their claim to be
    a group, not on the event."""
    if windows is None or "object" not in windows.columns:
        return cluster_posts.clear()
    own = windows.filter(pl.col("object").is_not_null()).select(
        pl.col("cluster").cast(pl.UInt32), "kind", "object"
    )
    if own.is_empty():
        return cluster_posts.clear()
    indexed = cluster_posts.with_row_index("pidx")
    kinds = sorted(set(own["kind"]) & set(OBJECT_KINDS))
    extra = sorted(set(own["kind"]) & set(extra_objects))
    carrying = (
        object_rows(cluster_posts, kinds, extra)
        .join(indexed.select("pidx", "cluster"), on="pidx")
        .join(own, on=["cluster", "kind", "object"], how="semi")
        .select("pidx")
    )
    return indexed.filter(pl.col("pidx").is_in(carrying["pidx"].implode())).drop("pidx")


def score_clusters(
    posts: pl.DataFrame,
    membership: pl.DataFrame,
    edges: pl.DataFrame,
    *,
    window: timedelta,
    template_members: pl.DataFrame,
    bursts: pl.DataFrame,
    null_rounds: int = NULL_ROUNDS,
    null_shift: timedelta = NULL_SHIFT,
    seed: int = 0,
    weights: ScoreWeights = ScoreWeights(),
    windows: pl.DataFrame | None = None,
    sync_scales: Sequence[timedelta] = SYNC_SCALES,
    extra_objects: Sequence[str] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score every cluster and rank them, best (most suspicious) first.

    Parameters
    ----------
    posts, membership, edges
        Post-schema frame; ``account, cluster``; co-action edges (``a, b, weight,
        n_events, first, last, a_first``), as in `campaign_detect.clusters.Candidates`.
    window
        The co-action window Δt used for the edges.
    template_members
        ``post_id, template_id, similarity`` of posts assigned to templates.
    bursts
        Burst intervals: ``object, kind, start, end``.
    null_rounds, null_shift, seed, weights
        The null model (rounds, largest per-account time shift, seed); sub-score weights.
    windows
        ``cluster, start, end`` (and ``kind, object`` for a repeated object's regulars,
        tested on that object) for clusters whose window is known from elsewhere; the
        others span their first to last internal co-action event.
    sync_scales, extra_objects
        Windows wider than Δt at which co-posting is also measured (each cluster is judged
        at the one where it stands out most from chance); ``--object`` columns.

    Returns
    -------
    clusters, members
        `clusters` has one row per cluster with its window, sub-scores, significance and
        ``score``; `members` one row per account with its cluster, posts in the cluster's
        window and ``lead`` (share of its co-action events in which it posted first).
    """
    if membership.is_empty():
        return _empty_clusters(), _empty_members()
    n_clusters = int(membership["cluster"].max()) + 1  # type: ignore[arg-type]
    intra = intra_edges(edges, membership)
    spans = _cluster_windows(membership, intra, windows, "held_at" in edges.columns)
    cluster_posts = (
        posts.join(membership, on="account")
        .join(spans.select("cluster", "start", "end"), on="cluster")
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
    )
    settings: dict[str, Any] = {"null_rounds": null_rounds, "null_shift": null_shift, "seed": seed}
    significance, synchrony = _tested(
        partial(_significance, posts, window=window, n_clusters=n_clusters, **settings),
        cluster_posts,
        _own_object_posts(cluster_posts, windows, extra_objects),
        sync_scales=sync_scales,
        extra_objects=extra_objects,
    )
    parts = [
        spans,
        cluster_posts.group_by("cluster").agg(
            pl.col("account").n_unique().alias("n_accounts"), pl.len().alias("n_posts")
        ),
        synchrony,
        template_scores(cluster_posts, template_members),
        focus(cluster_posts),
        burst_alignment(cluster_posts, bursts),
        repeat_posting(cluster_posts),
        significance,
    ]
    return _combine(parts, weights), member_roles(cluster_posts, membership, intra)


def _empty_clusters() -> pl.DataFrame:
    return pl.DataFrame(schema={"rank": pl.UInt32, "cluster": pl.UInt32, "score": pl.Float64})


def _empty_members() -> pl.DataFrame:
    return pl.DataFrame(schema={"cluster": pl.UInt32, "account": pl.String})
