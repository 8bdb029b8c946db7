"""Candidate clusters that the account graph cannot see: pushed scripts and repeated
objects.

A push like ``#KamiUMKMdiTikTok`` (two to four variants per account within a day) leaves
few account pairs with repeated co-action inside Δt, and a ring posting one link a few
accounts at a time for weeks gives each pair only a handful of meetings; as groups both are
strong evidence. These candidates are scored like Leiden communities and compete with them
for accounts (`campaign_detect.clusters.compete`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import igraph as ig
import numpy as np
import polars as pl
from scipy.stats import binom

from campaign_detect.clusters.communities import MIN_ACCOUNTS
from campaign_detect.objects import REPEATED_OBJECT_KINDS, given_object_rows

__all__ = [
    "MAX_OBJECT_USERS",
    "SCRIPT_ALPHA",
    "SCRIPT_OVERLAP",
    "SCRIPT_SCALES",
    "object_candidates",
    "template_candidates",
]

# the windows at which a template's posts are tested for bunching up (`_pushed`), the level
# of that scan statistic, and the overlap (of account sets, or of push windows for the same
# main hashtag) at which templates are taken as one script
SCRIPT_SCALES: tuple[timedelta, ...] = (timedelta(hours=6), timedelta(days=1), timedelta(days=3))
SCRIPT_ALPHA = 1e-3
SCRIPT_OVERLAP = 0.5
# an object with more repeaters than this is everybody's, nobody's campaign
MAX_OBJECT_USERS = 1000


def _pushed(
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    scales: Sequence[timedelta],
    alpha: float,
) -> pl.DataFrame:
    """Templates most of whose posts fall in one window, more tightly than the data's own
    rhythm explains, with that window (first to last post in it): ``template_id, start,
    end``.

    A scan statistic: if `f` is the share of all posts that fall in the window of length
    `w` starting at one of a template's posts, and `k` of the template's `n` posts fall in
    it, chance gives at least `k` with probability ``P[Binomial(n, f) >= k]``. Measuring `f`
    on all posts, not on the clock, keeps the day's rhythm from passing for a push (a
    morning greeting is posted when everyone posts in the morning). The smallest such
    probability over the windows holding at least half of the template's posts, times the
    ``T / w`` window positions and the number of `scales`, must reach `alpha`. A script
    pushed over a day or over three days passes; a phrase people write every day of the
    data (a greeting, a product blurb) is language, not a push, even when it is written at
    one hour of the day.
    """
    times = (
        template_members.select("post_id", "template_id")
        .join(posts.select("post_id", pl.col("ts").dt.epoch("s").alias("t")), on="post_id")
        .sort("template_id", "t")
    )
    everyone = np.sort(posts["ts"].dt.epoch("s").to_numpy())
    span = int(everyone[-1] - everyone[0]) if len(everyone) else 0
    widths = [int(s.total_seconds()) for s in scales if 0 < s.total_seconds() < span]
    if times.is_empty() or not widths:
        return pl.DataFrame(
            schema={
                "template_id": pl.Int64,
                "start": pl.Datetime("us", "UTC"),
                "end": pl.Datetime("us", "UTC"),
            }
        )
    t = times["t"].to_numpy()
    template = times["template_id"].to_numpy().astype(np.int64)
    n = times.group_by("template_id").agg(pl.len()).sort("template_id")
    sizes = times.select("template_id").join(n, on="template_id")["len"].to_numpy()
    step = int(t.max() - t.min()) + max(widths) + 1
    key = template * step + (t - t.min())
    position = np.arange(len(key))
    best_p = np.full(len(key), np.inf)
    best_last = t.copy()
    before = np.searchsorted(everyone, t)  # posts of anyone before each post
    for w in widths:
        # posts of the same template, and posts of anyone, within `w` after each post
        k = np.searchsorted(key, key + w, side="right") - position
        share = (np.searchsorted(everyone, t + w, side="right") - before) / len(everyone)
        p = len(widths) * span / w * binom.sf(k - 1, sizes, share)
        better = (p < best_p) & (2 * k >= sizes)
        best_p[better], best_last[better] = p[better], t[position + k - 1][better]
    densest = (
        times.with_columns(pl.Series("p", best_p), pl.Series("last", best_last))
        .sort(["template_id", "p", "t"])
        .group_by("template_id", maintain_order=True)
        .first()
        .filter(pl.col("p") <= alpha)
    )
    return densest.select(
        "template_id",
        *(
            pl.from_epoch(c, time_unit="s")
            .dt.replace_time_zone("UTC")
            .dt.cast_time_unit("us")
            .alias(name)
            for c, name in (("t", "start"), ("last", "end"))
        ),
    )


def _same_tag_links(
    kept: pl.DataFrame,
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    position: dict[int, int],
    min_overlap: float,
) -> list[tuple[int, int]]:
    """Pairs of pushed templates with the same main hashtag whose push windows mostly
    coincide (the shared time is at least `min_overlap` of their union).

    Paraphrases of one script (synonyms, reordered sentences, three styles) often split
    into many small templates with different accounts; what ties them is the push itself:
    the hashtag they all carry over the same days. A popular hashtag is carried by many
    unrelated pushes; a fifteen-minute copypasta inside a three-day push does not join it.
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
        .select("template_id", pl.col("hashtags").alias("tag"))
    )
    spans = kept.select("template_id", "start", "end").join(tags, on="template_id")
    pairs = (
        spans.join(spans, on="tag", suffix="_2")
        .filter(pl.col("template_id") < pl.col("template_id_2"))
        .with_columns(
            together=(pl.min_horizontal("end", "end_2") - pl.max_horizontal("start", "start_2")),
            either=(pl.max_horizontal("end", "end_2") - pl.min_horizontal("start", "start_2")),
        )
        .filter(pl.col("together") >= min_overlap * pl.col("either"))
        .select("template_id", "template_id_2")
    )
    return [(position[t1], position[t2]) for t1, t2 in pairs.iter_rows()]


def _script_components(
    kept: pl.DataFrame, template_members: pl.DataFrame, posts: pl.DataFrame, min_overlap: float
) -> list[int]:
    """The script each pushed template of `kept` belongs to (a component number per row):
    templates are one script when their pushers overlap by `min_overlap` of the smaller
    set, or when they carry the same main hashtag over the same days (`_same_tag_links`)."""
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
    links += _same_tag_links(kept, template_members, posts, position, min_overlap)
    return ig.Graph(n=kept.height, edges=links).connected_components().membership


def template_candidates(
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    min_accounts: int = MIN_ACCOUNTS,
    scales: Sequence[timedelta] = SCRIPT_SCALES,
    alpha: float = SCRIPT_ALPHA,
    min_overlap: float = SCRIPT_OVERLAP,
    first_id: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts that posted one script, as candidate clusters with the script's time span.

    A push like ``#KamiUMKMdiTikTok`` (each account posting two to four variants of a script
    within a day) leaves few account pairs with repeated co-action inside Δt, yet a hundred
    accounts posting one script is strong evidence as a group. So every template of at
    least `min_accounts` accounts is also a candidate; templates whose account sets overlap
    by at least `min_overlap` (of the smaller one) are merged, since a script written in
    several styles splits into several templates, and so are templates carrying the same
    main hashtag whose windows overlap by at least `min_overlap` of their union.
    Candidates are scored like any cluster and then compete for accounts
    (`assign_accounts`).

    Only pushed scripts count: a template's posts must bunch up in time at one of `scales`
    beyond what chance allows at level `alpha` (see `_pushed`), and a candidate's window
    is where its templates bunch up, not their whole span.

    Returns
    -------
    membership, windows
        ``account, cluster`` and ``cluster, start, end``, cluster ids from `first_id` on.
    """
    pushed = _pushed(template_members, posts, scales=scales, alpha=alpha)
    # the accounts that posted the script during its push, not whoever wrote a similar
    # line some other day
    pushers = (
        template_members.select("post_id", "template_id")
        .join(pushed, on="template_id")
        .join(posts.select("post_id", "account", "ts"), on="post_id")
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
        .group_by("template_id")
        .agg(pl.col("account").unique().sort().alias("accounts"))
        .with_columns(pl.col("accounts").list.len().alias("n_accounts"))
    )
    kept = (
        pushers.filter(pl.col("n_accounts") >= min_accounts)
        .join(pushed, on="template_id")
        .sort("template_id")
    )
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
    parts = _script_components(kept, template_members, posts, min_overlap)
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


def object_candidates(
    posts: pl.DataFrame,
    *,
    objects: Sequence[str] = REPEATED_OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
    min_accounts: int = MIN_ACCOUNTS,
    max_accounts: int = MAX_OBJECT_USERS,
    first_id: int = 0,
    rows: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts that keep coming back to one object (a hashtag, a link, a hashtag
    sequence), as candidate clusters with the span of their posts of it.

    A ring posting its links a few accounts at a time, a few times a day for weeks, gives
    each pair of members only a handful of meetings: too few to link the pair beyond
    chance, though the group as a whole acts together again and again. So an object that
    at least `min_accounts` accounts posted more than once, and whose users are mostly
    such repeaters, is also a candidate (its repeaters, at most `max_accounts`: a tag
    everybody uses is nobody's campaign), scored like any cluster. Unlike a co-action
    community, such a candidate was not picked for its co-posting, so its test against
    the null model is a fair one: fans of one idol or early risers greeting
    ``#selamatpagi`` come back to an object without posting together.

    `extra_objects` are input columns whose values are objects too (``--object``). `rows`
    may give `object_rows` of these `posts` already computed by the caller; rows of kinds
    not in `objects` or `extra_objects` are ignored.

    Returns
    -------
    membership, windows
        ``account, cluster`` and ``cluster, start, end``, cluster ids from `first_id` on.
    """
    rows = given_object_rows(posts, rows, objects, extra_objects)
    users = (
        rows.join(posts.select("account", "ts").with_row_index("pidx"), on="pidx")
        .group_by("kind", "object", "account")
        .agg(pl.len().alias("n"), pl.col("ts").min().alias("start"), pl.col("ts").max())
        .with_columns(
            (pl.col("n") >= 2).sum().over("kind", "object").alias("repeaters"),
            pl.len().over("kind", "object").alias("users"),
        )
        .filter(
            (pl.col("n") >= 2)
            & pl.col("repeaters").is_between(min_accounts, max_accounts)
            & (2 * pl.col("repeaters") >= pl.col("users"))
        )
    )
    windows = (
        users.group_by("kind", "object")
        .agg(pl.col("start").min(), pl.col("ts").max().alias("end"))
        .sort("kind", "object")
        .with_columns((pl.int_range(pl.len()) + first_id).cast(pl.UInt32).alias("cluster"))
    )
    membership = (
        users.join(windows.select("kind", "object", "cluster"), on=["kind", "object"])
        .select("account", "cluster")
        .sort("cluster", "account")
    )
    # the object each candidate is made of: its significance is tested on it alone
    return membership, windows.select("cluster", "start", "end", "kind", "object")
