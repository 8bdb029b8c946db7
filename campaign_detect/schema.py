"""The one post schema every stage after `normalise` works on.

Each row is one post. `file` and `row` trace it back to the input: `row` is the 1-based
data-row number inside `file` (the header is not counted), so a person can open the
original record behind every claim the tool makes.
"""

from __future__ import annotations

import polars as pl

from campaign_detect.errors import InputError

__all__ = ["POST_EXTRA_SCHEMA", "POST_SCHEMA", "empty_posts", "validate_posts"]

POST_SCHEMA: dict[str, pl.DataType] = {
    "post_id": pl.String(),
    # canonical account key: NFKC, case-folded, no leading "@"; every signal groups by it
    "account": pl.String(),
    # the account exactly as the input spelled it (trimmed); reports show this spelling
    "account_name": pl.String(),
    "ts": pl.Datetime("us", "UTC"),
    "text": pl.String(),
    "hashtags": pl.List(pl.String()),
    "mentions": pl.List(pl.String()),
    "urls": pl.List(pl.String()),
    "share_of": pl.String(),
    "platform": pl.String(),
    "file": pl.String(),
    "row": pl.UInt64(),
}

#: Columns the loader adds after `POST_SCHEMA` (nullable; no stage requires them, so frames
#: built by hand may leave them out; `validate_posts` checks their types when present).
POST_EXTRA_SCHEMA: dict[str, pl.DataType] = {
    # the account's display name where the export gives one (Page Name, author.name, from)
    "display_name": pl.String(),
    # the post's own address (x.com/user/status/ID, tiktok.com/@user/video/ID, t.me/c/...,
    # bsky.app/profile/.../post/...), null where the platform or the export gives none
    "url": pl.String(),
}


def empty_posts() -> pl.DataFrame:
    """An empty frame with the post schema, for stages that must return something."""
    return pl.DataFrame(schema=POST_SCHEMA)


def validate_posts(posts: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Collect `posts` and check that it carries the post schema's columns and types.

    Extra columns (for example a `music_id` kept for `--object`) are allowed and kept.

    Raises
    ------
    InputError
        When a column is missing or has another type; the message names both.
    """
    frame = posts.collect() if isinstance(posts, pl.LazyFrame) else posts
    for name, dtype in POST_SCHEMA.items():
        if name not in frame.columns:
            raise InputError(f"posts frame has no column {name!r}; columns: {frame.columns}")
        if frame.schema[name] != dtype:
            raise InputError(f"posts column {name!r} is {frame.schema[name]}, expected {dtype}")
    for name, dtype in POST_EXTRA_SCHEMA.items():
        if name in frame.columns and frame.schema[name] not in (dtype, pl.Null()):
            raise InputError(f"posts column {name!r} is {frame.schema[name]}, expected {dtype}")
    return frame
