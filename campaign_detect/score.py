"""Sub-scores, significance against a null model, and the ranking of clusters.

Every number a cluster gets is meant to be read by a person: each sub-score is a share
between 0 and 1 of the cluster's posts (or edges) that show one kind of coordination
evidence, and the significance says how much more co-posting the cluster shows than the
same accounts would show by chance. `docs/scoring.md` gives the formulas and the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl
from scipy.stats import norm

from campaign_detect.signals.coaction import object_rows

__all__ = ["ScoreWeights", "copost_pairs", "score_clusters"]

_DAY = 86_400
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


def _object_rows(posts: pl.DataFrame) -> pl.DataFrame:
    """One row per (cluster post, shared object), with the same object definitions as the
    co-action signal, plus integer group keys for `copost_pairs`."""
    rows = object_rows(posts, ("hashtag", "mention", "url", "share", "text"), (), 3)
    return (
        rows.join(
            posts.select("cluster", "account", "post_id", "ts").with_row_index("pidx"), on="pidx"
        )
        .with_columns(
            pl.struct("cluster", "kind", "object").rank("dense").cast(pl.Int64).alias("group"),
            pl.struct("cluster", "kind", "object", "account")
            .rank("dense")
            .cast(pl.Int64)
            .alias("group_acct"),
            pl.col("ts").dt.epoch("s").alias("t"),
        )
        .sort("pidx", "kind", "object")
    )


def copost_pairs(
    group: np.ndarray, group_acct: np.ndarray, t: np.ndarray, windows: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Co-posting counts at several windows by one sorted time sweep, without pairs.

    For each window ``w`` (row of the results) and each row of the input (a post of an
    object, in seconds `t`), returns the number of rows of the same `group` by a different
    account within ``w`` seconds on either side (its partners), and the number of such rows
    after it in sort order (so that summing the second array counts every pair once).

    Examples
    --------
    >>> import numpy as np
    >>> partners, later = copost_pairs(
    ...     np.array([1, 1, 1, 1]), np.array([1, 1, 2, 3]), np.array([0, 5, 8, 100]), [10, 100])
    >>> partners.tolist(), later.sum(axis=1).tolist()
    ([[1, 1, 2, 0], [2, 2, 3, 3]], [2, 5])
    """
    n = len(t)
    if n == 0:
        empty = np.zeros((len(windows), 0), dtype=np.int64)
        return empty, empty
    t = t - t.min()
    span = int(t.max()) + 2 * max(windows) + 1

    def within(keys_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = keys_group.astype(np.int64) * span + t
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        position = np.arange(n)
        total = np.empty((len(windows), n), dtype=np.int64)
        after = np.empty((len(windows), n), dtype=np.int64)
        for k, window_s in enumerate(windows):
            lo = np.searchsorted(sorted_key, sorted_key - window_s, side="left")
            hi = np.searchsorted(sorted_key, sorted_key + window_s, side="right")
            total[k, order] = hi - lo - 1
            after[k, order] = hi - position - 1
        return total, after

    total_all, after_all = within(group)
    total_same, after_same = within(group_acct)
    return total_all - total_same, after_all - after_same


def _per_cluster(clusters: np.ndarray, values: np.ndarray, n_clusters: int) -> np.ndarray:
    """Sum each row of `values` (windows x rows) per cluster: windows x clusters."""
    return np.stack([np.bincount(clusters, weights=v, minlength=n_clusters) for v in values])


def _null_pairs(
    rows: pl.DataFrame,
    *,
    windows: Sequence[int],
    rounds: int,
    shift_s: int,
    seed: int,
    n_clusters: int,
    period: tuple[int, int],
) -> np.ndarray:
    """Co-posting pair counts (rounds x windows x clusters) in the null model: each
    account's posts all shifted by one random offset in ``[-shift_s, shift_s]``, which keeps
    each account's own rhythm but breaks any timing shared with others. When `shift_s` is
    a day or more the offsets are whole days (never zero), so the null keeps the hour of
    day too: people who are all awake at 8 pm are not coordinated. Shifted times wrap
    around the data's `period` (origin, length in seconds), so that no post is pushed out
    of the data, where it could not coincide with anything."""
    rng = np.random.default_rng(seed)
    origin, length = period
    days = shift_s // _DAY
    accounts = rows["account"].rank("dense").cast(pl.Int64).to_numpy() - 1
    n_accounts = int(accounts.max()) + 1 if len(accounts) else 0
    clusters = rows["cluster"].to_numpy().astype(np.int64)
    group = rows["group"].to_numpy()
    group_acct = rows["group_acct"].to_numpy()
    t = rows["t"].to_numpy()
    out = np.zeros((rounds, len(windows), n_clusters))
    for r in range(rounds):
        if days:
            size = rng.integers(1, days + 1, size=n_accounts)
            shifts = size * rng.choice([-_DAY, _DAY], size=n_accounts)
        else:
            shifts = rng.integers(-shift_s, shift_s + 1, size=n_accounts)
        shifted = origin + (t - origin + shifts[accounts]) % length
        _, later = copost_pairs(group, group_acct, shifted, windows)
        out[r] = _per_cluster(clusters, later, n_clusters)
    return out


def _pushed_objects(synced: pl.DataFrame) -> pl.DataFrame:
    """How many different things a cluster's synchronised posts push: the effective
    number of objects (the inverse Simpson index of their shares, Hill's number of order
    2), so that one hashtag carried by every post counts 1, a hundred links shared once
    each count 100, and a few variants of a copypasta barely count. Objects that always
    travel together (a copypasta and the two hashtags it ends with) are one message."""
    return (
        synced.group_by("cluster", "group")
        .agg(pl.col("post_id").sort().hash().alias("together"), pl.len().alias("n"))
        .group_by("cluster", "together")
        .agg(pl.col("n").first().cast(pl.Int64))
        .group_by("cluster")
        # 1 / Σ share² = (Σ n)² / Σ n², in integers so the order of the sums cannot change it
        .agg((pl.col("n").sum().pow(2) / pl.col("n").pow(2).sum()).alias("pushed_objects"))
    )


def _period(posts: pl.DataFrame, *, whole_days: bool) -> tuple[int, int]:
    """The data's first second and its length (in whole days when the null shifts by
    days, so that a wrapped post keeps its hour of day)."""
    first, last = posts.select(
        pl.col("ts").min().dt.epoch("s").alias("first"), pl.col("ts").max().dt.epoch("s")
    ).row(0)
    length = int(last - first) + 1
    if whole_days:
        length = -(-length // _DAY) * _DAY
    return int(first), length


def _coposting(
    rows: pl.DataFrame,
    *,
    windows: Sequence[int],
    rounds: int,
    shift_s: int,
    seed: int,
    n_clusters: int,
    period: tuple[int, int],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Observed and chance co-posting of each cluster at each window; each cluster is
    judged at the window where it stands out most from chance (its `sync_window`), and the
    p-value is corrected for the clusters and windows tried.

    Returns the per-cluster significance and the per-post synchrony at that window.
    """
    clusters = rows["cluster"].to_numpy().astype(np.int64)
    partners, later = copost_pairs(
        rows["group"].to_numpy(), rows["group_acct"].to_numpy(), rows["t"].to_numpy(), windows
    )
    observed = _per_cluster(clusters, later, n_clusters)
    if rounds == 0:
        expected = np.full_like(observed, np.nan)
        z = np.full_like(observed, np.nan)
        best = np.zeros(n_clusters, dtype=np.int64)
    else:
        null = _null_pairs(
            rows,
            windows=windows,
            rounds=rounds,
            shift_s=shift_s,
            seed=seed,
            n_clusters=n_clusters,
            period=period,
        )
        expected = null.mean(axis=0)
        spread = np.maximum(null.std(axis=0, ddof=1) if rounds > 1 else 0, np.sqrt(expected))
        z = (observed - expected) / np.maximum(spread, 1.0)
        best = np.argmax(z, axis=0)
    pick = np.arange(n_clusters)
    z_best = z[best, pick]
    p = norm.sf(z_best)
    n_tested = max(1, rows["cluster"].n_unique()) * len(windows)
    significance = pl.DataFrame(
        {
            "cluster": pick.astype(np.uint32),
            "sync_window_s": np.asarray(windows, dtype=np.int64)[best],
            "copost_observed": observed[best, pick],
            "copost_expected": expected[best, pick],
            "copost_ratio": (observed[best, pick] + 1) / (expected[best, pick] + 1),
            "z": z_best,
            "p_value": p,
            "p_adjusted": np.minimum(1.0, p * n_tested),
        }
    )
    synced = rows.select("cluster", "post_id", "group").with_columns(
        pl.Series("synced", partners[best[clusters], np.arange(len(clusters))] > 0)
    )
    synchrony = (
        synced.group_by("cluster", "post_id")
        .agg(pl.col("synced").any())
        .group_by("cluster")
        .agg(pl.col("synced").mean().alias("synchrony"))
        .join(_pushed_objects(synced.filter("synced")), on="cluster", how="left")
    )
    return significance, synchrony


def score_clusters(
    posts: pl.DataFrame,
    membership: pl.DataFrame,
    edges: pl.DataFrame,
    *,
    window: timedelta,
    template_members: pl.DataFrame,
    bursts: pl.DataFrame,
    null_rounds: int = 20,
    null_shift: timedelta = timedelta(hours=12),
    seed: int = 0,
    weights: ScoreWeights = ScoreWeights(),
    windows: pl.DataFrame | None = None,
    sync_scales: Sequence[timedelta] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Score every cluster and rank them, best (most suspicious) first.

    Parameters
    ----------
    posts
        Post-schema frame.
    membership
        ``account, cluster`` from `campaign_detect.graph.cluster_accounts`.
    edges
        Co-action edges (``a, b, weight, n_events, first, last, a_first``).
    window
        The co-action window Δt used for the edges.
    template_members
        ``post_id, template_id, similarity`` of posts assigned to templates.
    bursts
        Burst intervals: ``object, kind, start, end``.
    null_rounds, null_shift, seed
        The null model: rounds, largest per-account time shift, and seed.
    sync_scales
        Windows wider than Δt at which co-posting is also measured; each cluster is judged
        at the one where it stands out most from chance.
    windows
        ``cluster, start, end`` for clusters whose window is known from elsewhere (a
        template's span); other clusters span their first to last internal co-action event.

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
    intra = (
        edges.join(membership.rename({"account": "a"}), on="a")
        .join(membership.rename({"account": "b", "cluster": "cluster_b"}), on="b")
        .filter(pl.col("cluster") == pl.col("cluster_b"))
        .drop("cluster_b")
    )
    from_edges = intra.group_by("cluster").agg(
        pl.col("first").min().alias("edge_start"),
        pl.col("last").max().alias("edge_end"),
        pl.len().alias("n_edges"),
        pl.col("n_events").mean().alias("mean_events"),
        (
            pl.col("held_at").sum() / pl.col("windows").sum()
            if "held_at" in edges.columns
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
    windows = (
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
    cluster_posts = (
        posts.join(membership, on="account")
        .join(windows.select("cluster", "start", "end"), on="cluster")
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
    )
    rows = _object_rows(cluster_posts)
    delta = max(1, int(window.total_seconds()))
    shift_s = int(null_shift.total_seconds())
    # Δt, and the wider scales at which a push spread over hours is still synchronised
    # (a scale as wide as the null's shift cannot be told from chance by that null)
    scales = sorted({delta} | {int(s.total_seconds()) for s in sync_scales} - {0})
    significance, synchrony = _coposting(
        rows,
        windows=[w for w in scales if w == delta or delta < w < shift_s],
        rounds=null_rounds,
        shift_s=shift_s,
        seed=seed,
        n_clusters=n_clusters,
        period=_period(posts, whole_days=shift_s >= _DAY),
    )
    templates = _template_scores(cluster_posts, template_members)
    focus = _focus(cluster_posts)
    burst_alignment = _burst_alignment(cluster_posts, bursts)
    sizes = cluster_posts.group_by("cluster").agg(
        pl.col("account").n_unique().alias("n_accounts"), pl.len().alias("n_posts")
    )
    w = weights
    clusters = (
        windows.join(sizes, on="cluster", how="left")
        .join(synchrony, on="cluster", how="left")
        .join(templates, on="cluster", how="left")
        .join(focus, on="cluster", how="left")
        .join(burst_alignment, on="cluster", how="left")
        .join(_repeat_posting(cluster_posts), on="cluster", how="left")
        .join(significance, on="cluster", how="left")
        .with_columns(
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
    members = _members(cluster_posts, membership, intra)
    return clusters, members


def _template_scores(cluster_posts: pl.DataFrame, template_members: pl.DataFrame) -> pl.DataFrame:
    """Share of a cluster's posts in a template that at least two of its members used,
    their mean similarity to the script, and the cluster's main template."""
    joined = cluster_posts.select("cluster", "post_id", "account").join(
        template_members.select("post_id", "template_id", "similarity"), on="post_id"
    )
    shared = (
        joined.group_by("cluster", "template_id")
        .agg(
            pl.col("account").n_unique().alias("template_accounts"),
            pl.len().alias("template_posts"),
            pl.col("similarity").mean().alias("template_similarity"),
        )
        .filter(pl.col("template_accounts") >= 2)
    )
    totals = cluster_posts.group_by("cluster").agg(pl.len().alias("posts"))
    main = (
        shared.sort(["template_posts", "template_id"], descending=[True, False])
        .group_by("cluster", maintain_order=True)
        .first()
        .select("cluster", pl.col("template_id").alias("main_template"))
    )
    return (
        shared.group_by("cluster")
        .agg(
            pl.col("template_posts").sum().alias("in_templates"),
            (
                (pl.col("template_similarity") * pl.col("template_posts")).sum()
                / pl.col("template_posts").sum()
            ).alias("template_similarity"),
        )
        .join(totals, on="cluster")
        .join(main, on="cluster")
        .select(
            "cluster",
            (pl.col("in_templates") / pl.col("posts")).alias("template_share"),
            "template_similarity",
            "main_template",
        )
    )


def _focus(cluster_posts: pl.DataFrame) -> pl.DataFrame:
    """Share of a cluster's posts that carry its single most used hashtag or mention."""
    objects = pl.concat(
        [
            cluster_posts.select("cluster", "post_id", pl.col(col).alias("object"))
            .explode("object")
            .drop_nulls()
            .with_columns(pl.lit(prefix) + pl.col("object"))
            for col, prefix in (("hashtags", "#"), ("mentions", "@"))
        ]
    )
    totals = cluster_posts.group_by("cluster").agg(pl.len().alias("posts"))
    top = (
        objects.unique()
        .group_by("cluster", "object")
        .agg(pl.len().alias("n"))
        .sort(["n", "object"], descending=[True, False])
        .group_by("cluster", maintain_order=True)
        .first()
    )
    return top.join(totals, on="cluster").select(
        "cluster", (pl.col("n") / pl.col("posts")).alias("focus")
    )


def _repeat_posting(cluster_posts: pl.DataFrame) -> pl.DataFrame:
    """Share of a cluster's members that posted its most used hashtag or mention at least
    twice in the window: repeated action, which a crowd reacting once to news lacks."""
    objects = pl.concat(
        [
            cluster_posts.select("cluster", "account", "post_id", pl.col(col).alias("object"))
            .explode("object")
            .drop_nulls("object")
            .with_columns(pl.lit(prefix) + pl.col("object"))
            for col, prefix in (("hashtags", "#"), ("mentions", "@"))
        ]
    ).unique()
    top = (
        objects.group_by("cluster", "object")
        .agg(pl.len().alias("n"))
        .sort(["n", "object"], descending=[True, False])
        .group_by("cluster", maintain_order=True)
        .first()
    )
    repeats = (
        objects.join(top.select("cluster", "object"), on=["cluster", "object"])
        .group_by("cluster", "account")
        .agg(pl.len().alias("posts"))
        .group_by("cluster")
        .agg((pl.col("posts") >= 2).sum().alias("repeaters"))
    )
    members = cluster_posts.group_by("cluster").agg(pl.col("account").n_unique().alias("members"))
    return members.join(repeats, on="cluster", how="left").select(
        "cluster", (pl.col("repeaters").fill_null(0) / pl.col("members")).alias("repeat_posting")
    )


def _burst_alignment(cluster_posts: pl.DataFrame, bursts: pl.DataFrame) -> pl.DataFrame:
    """Share of a cluster's posts that fall inside a burst of a hashtag or mention they use."""
    objects = pl.concat(
        [
            cluster_posts.select(
                "cluster", "post_id", "ts", pl.col(col).alias("object"), pl.lit(kind).alias("kind")
            ).explode("object")
            for col, kind in (("hashtags", "hashtag"), ("mentions", "mention"))
        ]
    ).drop_nulls("object")
    inside = (
        objects.join(bursts.select("object", "kind", "start", "end"), on=["object", "kind"])
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
        .select("cluster", "post_id")
        .unique()
        .group_by("cluster")
        .agg(pl.len().alias("aligned"))
    )
    totals = cluster_posts.group_by("cluster").agg(pl.len().alias("posts"))
    return totals.join(inside, on="cluster", how="left").select(
        "cluster", (pl.col("aligned").fill_null(0) / pl.col("posts")).alias("burst_alignment")
    )


def _members(
    cluster_posts: pl.DataFrame, membership: pl.DataFrame, intra: pl.DataFrame
) -> pl.DataFrame:
    """Per account: its cluster, posts in the cluster window, degree and lead."""
    sides = pl.concat(
        [
            intra.select(
                "cluster", pl.col("a").alias("account"), "n_events", pl.col("a_first").alias("f")
            ),
            intra.select(
                "cluster",
                pl.col("b").alias("account"),
                "n_events",
                (1 - pl.col("a_first")).alias("f"),
            ),
        ]
    )
    lead = sides.group_by("cluster", "account").agg(
        pl.len().alias("degree"),
        ((pl.col("f") * pl.col("n_events")).sum() / pl.col("n_events").sum()).alias("lead"),
    )
    posts = cluster_posts.group_by("account").agg(
        pl.len().alias("n_posts"), pl.col("account_name").first()
    )
    return (
        membership.join(posts, on="account", how="left")
        .join(lead, on=["cluster", "account"], how="left")
        .with_columns(pl.col("n_posts").fill_null(0), pl.col("degree").fill_null(0))
        .sort("cluster", "account")
    )


def _empty_clusters() -> pl.DataFrame:
    return pl.DataFrame(schema={"rank": pl.UInt32, "cluster": pl.UInt32, "score": pl.Float64})


def _empty_members() -> pl.DataFrame:
    return pl.DataFrame(schema={"cluster": pl.UInt32, "account": pl.String})
