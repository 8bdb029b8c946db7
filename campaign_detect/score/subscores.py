"""Sub-scores: each a share between 0 and 1 of a cluster's posts (or members) that show one
kind of coordination evidence, plus what the cluster pushes and who moved first."""

from __future__ import annotations

import polars as pl

__all__ = [
    "burst_alignment",
    "focus",
    "member_roles",
    "pushed_objects",
    "repeat_posting",
    "template_scores",
]


def pushed_objects(synced: pl.DataFrame) -> pl.DataFrame:
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


def template_scores(cluster_posts: pl.DataFrame, template_members: pl.DataFrame) -> pl.DataFrame:
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


def focus(cluster_posts: pl.DataFrame) -> pl.DataFrame:
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


def repeat_posting(cluster_posts: pl.DataFrame) -> pl.DataFrame:
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


def burst_alignment(cluster_posts: pl.DataFrame, bursts: pl.DataFrame) -> pl.DataFrame:
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


def member_roles(
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
