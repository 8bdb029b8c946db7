"""What is in a file of posts: the summary behind `campaign-detect inspect`."""

from __future__ import annotations

from typing import Any

import polars as pl

from campaign_detect.load import LoadedPosts

__all__ = ["describe_posts"]


def _top(posts: pl.DataFrame, column: str, top: int) -> list[dict[str, Any]]:
    values = posts.select(pl.col(column).alias("value"))
    if values.schema["value"] == pl.List(pl.String):
        values = values.explode("value")
    return [
        {"value": value, "posts": n}
        for value, n in values.drop_nulls()
        .group_by("value")
        .agg(pl.len().alias("posts"))
        .sort(["posts", "value"], descending=[True, False])
        .head(top)
        .iter_rows()
    ]


def describe_posts(loaded: LoadedPosts, *, top: int = 10) -> dict[str, Any]:
    """The input accounting plus the most frequent hashtags, mentions and accounts.

    Parameters
    ----------
    loaded
        The result of `load_posts`.
    top
        How many of each to list.
    """
    posts = loaded.posts
    return {
        "input": loaded.stats.to_dict(),
        "accounts": posts["account"].n_unique(),
        "top_hashtags": _top(posts, "hashtags", top),
        "top_mentions": _top(posts, "mentions", top),
        "top_accounts": _top(posts, "account_name", top),
    }
