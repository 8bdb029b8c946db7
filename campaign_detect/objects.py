"""What two posts can share: the objects of co-action, one definition for every stage.

An object is something a post carries that another account's post can carry too: a
hashtag, a mention, a URL, the post it shares, its text once entities are stripped, its
sequence of hashtags, or the value of an input column named with ``--object``. The
co-action signal pairs posts on them, the clustering stage's chance model and candidates
count them, and the score stage's significance test counts co-posting on them, so they are
defined once here.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from campaign_detect.entities import strip_entities
from campaign_detect.errors import InputError

__all__ = [
    "MIN_SEQUENCE",
    "OBJECT_KINDS",
    "REPEATED_OBJECT_KINDS",
    "SIGNIFICANCE_KINDS",
    "check_object_kinds",
    "given_object_rows",
    "object_rows",
]

# the kinds of shared object two accounts can co-act on (see docs/signals-coaction.md)
OBJECT_KINDS: tuple[str, ...] = ("hashtag", "mention", "url", "share", "text", "hashtag_seq")
# the kinds the repeated-object candidates look at (`clusters.candidates.object_candidates`)
REPEATED_OBJECT_KINDS: tuple[str, ...] = ("hashtag", "url", "hashtag_seq")
# the kinds whose co-posting the significance test counts (`score.null`)
SIGNIFICANCE_KINDS: tuple[str, ...] = ("hashtag", "mention", "url", "share", "text")
# a post's hashtags in order count as one object (`hashtag_seq`) from this many tags on
MIN_SEQUENCE = 3

# column of the post schema each built-in kind reads
_KIND_COLUMNS = {
    "hashtag": ("hashtags",),
    "mention": ("mentions",),
    "url": ("urls",),
    "share": ("share_of",),
    "text": ("text",),
    "hashtag_seq": ("hashtags",),
}


def check_object_kinds(
    posts: pl.DataFrame, objects: Sequence[str], extra_objects: Sequence[str]
) -> None:
    """Raise an `InputError` naming what is wrong when `posts` cannot give these objects:
    an unknown kind, a missing column, an extra column named like a built-in kind, empty
    accounts or times, or times not in UTC microseconds."""
    if isinstance(objects, str) or isinstance(extra_objects, str):
        raise InputError("objects and extra_objects must be sequences of names, not one string")
    unknown = sorted(set(objects) - set(OBJECT_KINDS))
    if unknown:
        raise InputError(
            f"objects: unknown kind(s) {unknown}; choose from {', '.join(OBJECT_KINDS)}"
        )
    needed = ["post_id", "account", "ts"] + [c for k in objects for c in _KIND_COLUMNS[k]]
    missing = [c for c in dict.fromkeys(needed) if c not in posts.columns]
    if missing:
        raise InputError(
            f"posts have no column(s) {missing} needed for objects {list(objects)}; "
            "pass a frame in the post schema (campaign_detect.schema.POST_SCHEMA)"
        )
    if len(set(objects)) + len(set(extra_objects)) > 63:
        raise InputError("at most 63 object kinds (objects + extra_objects) can be compared")
    for name in extra_objects:
        if name not in posts.columns:
            raise InputError(
                f"extra object column {name!r} is not in the posts; columns: {posts.columns}. "
                "Keep it when loading (keep_columns) or drop it from extra_objects"
            )
        if name in OBJECT_KINDS:
            raise InputError(
                f"extra object column {name!r} has the name of a built-in kind; rename it"
            )
    for name in ("account", "ts"):
        nulls = posts[name].null_count()
        if nulls:
            raise InputError(
                f"posts column {name!r} has {nulls} empty value(s); normalise the posts first "
                "(campaign_detect.load.normalise rejects and counts such rows)"
            )
    if posts["ts"].dtype != pl.Datetime("us", "UTC"):
        raise InputError(
            f"posts column 'ts' is {posts['ts'].dtype}, expected datetime[us, UTC]; "
            "normalise the posts first"
        )


def object_rows(
    posts: pl.DataFrame,
    objects: Sequence[str],
    extra_objects: Sequence[str] = (),
    min_sequence: int = MIN_SEQUENCE,
) -> pl.DataFrame:
    """One row per (post, distinct object): ``pidx`` (row of `posts`), ``kind``, ``object``."""
    lf = posts.lazy().with_row_index("pidx")
    parts: list[pl.LazyFrame] = []

    def part(kind: str, value: pl.Expr, *, explode: bool = False) -> pl.LazyFrame:
        frame = lf.select("pidx", pl.lit(kind).alias("kind"), value.alias("object"))
        return frame.explode("object") if explode else frame

    for kind in dict.fromkeys(objects):
        if kind in ("hashtag", "mention", "url"):
            column = _KIND_COLUMNS[kind][0]
            parts.append(part(kind, pl.col(column).list.unique(maintain_order=True), explode=True))
        elif kind == "share":
            parts.append(part(kind, pl.col("share_of")))
        elif kind == "text":
            text = strip_entities(pl.col("text"))
            # a text with no word left (only tags, emoji or punctuation) is no shared text
            parts.append(part(kind, pl.when(text.str.contains(r"\w")).then(text)))
        elif kind == "hashtag_seq":
            tags = pl.col("hashtags")
            sequence = pl.lit("#") + tags.list.join(" #")
            parts.append(part(kind, pl.when(tags.list.len() >= min_sequence).then(sequence)))
    for name in dict.fromkeys(extra_objects):
        dtype = posts.schema[name]
        if isinstance(dtype, pl.List | pl.Array):
            value = pl.col(name).cast(pl.List(pl.String)).list.unique(maintain_order=True)
            parts.append(part(name, value, explode=True))
        else:
            parts.append(part(name, pl.col(name).cast(pl.String)))
    if not parts:
        return pl.DataFrame(schema={"pidx": pl.UInt32, "kind": pl.String, "object": pl.String})
    return (
        pl.concat(parts).filter(pl.col("object").is_not_null() & (pl.col("object") != "")).collect()
    )


def given_object_rows(
    posts: pl.DataFrame,
    rows: pl.DataFrame | None,
    objects: Sequence[str],
    extra_objects: Sequence[str] = (),
    min_sequence: int = MIN_SEQUENCE,
) -> pl.DataFrame:
    """`rows` restricted to the kinds asked for, or `object_rows` of `posts` when None.

    A caller running several stages on the same posts (`campaign_detect.pipeline.scan`)
    computes the object rows once, for every kind any stage reads, and passes them on.
    """
    if rows is None:
        return object_rows(posts, objects, extra_objects, min_sequence)
    kinds = [*dict.fromkeys(objects), *dict.fromkeys(extra_objects)]
    if rows["kind"].unique().is_in(kinds).all():
        return rows
    return rows.filter(pl.col("kind").is_in(kinds))
