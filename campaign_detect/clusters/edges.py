"""Account pairs that co-acted, with what else ties them and how likely chance made them.

Co-action edges come from the signal at each window; here they gain the number of
templates both accounts posted (`shared_templates`), the events chance alone would give
the pair (`edge_chance`), and one row per pair across the windows (`merge_windows`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.stats import poisson

from campaign_detect._arrays import distinct, run_positions
from campaign_detect.objects import OBJECT_KINDS, given_object_rows
from campaign_detect.values import DAY_S, HOUR_S

__all__ = [
    "MAX_CHANCE",
    "MIN_REPEATS",
    "edge_chance",
    "intra_edges",
    "merge_windows",
    "shared_templates",
]

# an account pair links in the graph with at least this many distinct co-action events, no
# likelier by chance than this (`edge_chance`'s ``p_chance``)
MIN_REPEATS = 2
MAX_CHANCE = 1e-4


def intra_edges(edges: pl.DataFrame, membership: pl.DataFrame) -> pl.DataFrame:
    """The edges whose two accounts are in the same cluster of `membership` (``account,
    cluster``), with that ``cluster``."""
    return (
        edges.join(membership.rename({"account": "a"}), on="a")
        .join(membership.rename({"account": "b", "cluster": "cluster_b"}), on="b")
        .filter(pl.col("cluster") == pl.col("cluster_b"))
        .drop("cluster_b")
    )


def edge_chance(
    edges: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    window: timedelta,
    objects: Sequence[str] = OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
    min_events: int = 1,
    rows: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Add to co-action edges how many events chance alone would give the pair.

    Two accounts that each post an object many times will land within Δt of each other
    now and then without any coordination: heavy users of ``#fyp`` co-act every day, and
    two people who greet ``#selamatpagi`` every morning between five and eight meet
    within the hour most days they both post. The chance model keeps each account's posts
    of each object at their hour of day and lets the day be random: over `D` days, a post
    of `a` and a post of `b` in the same hour-of-day bin land within Δt with probability
    ``s / D`` (``s`` the chance that two times uniform in one hour are within Δt; ``q``
    for neighbouring hours). Summed over the shared objects and their hours this is
    ``expected_events``; ``p_chance`` is the Poisson probability of at least the observed
    ``n_events`` given it. Posts spread evenly over the day give back the plain
    ``n_a · n_b · 2Δt / T``. A ring that posts rare objects together has a tiny
    `p_chance`; prolific fans of the same tags, or early risers, do not. Objects an
    account only ever posts together (a fixed hashtag set) count once for it. On data
    spanning less than two days hours and days cannot be told apart, and the posts are
    taken as spread evenly over the span.

    The object's own span is deliberately not used: for an object that only the campaign
    uses (its copypasta, its fresh hashtag), its span is the campaign itself, and the
    expectation would explain the coordination away.

    Edges with fewer than `min_events` events (which the graph drops anyway) are left
    with null ``expected_events`` and ``p_chance``: most pairs co-act once, and skipping
    them is most of the cost.

    `rows` may give `object_rows` of these `posts` already computed
    by the caller; rows of kinds not in `objects` or `extra_objects` are ignored.
    """
    tested = edges.filter(pl.col("n_events") >= min_events)
    if tested.is_empty():
        return edges.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("expected_events"),
            pl.lit(None, dtype=pl.Float64).alias("p_chance"),
        )
    untested = edges.filter(pl.col("n_events") < min_events)
    span = posts.select((pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds()).item()
    by_hour = span >= 2 * DAY_S
    counts, together = _hour_counts(
        tested, posts, given_object_rows(posts, rows, objects, extra_objects), by_hour=by_hour
    )
    pair_posts = _pair_posts(tested, counts, together, window=window, by_hour=by_hour)
    reach = min(window.total_seconds(), HOUR_S)
    # one in D days is the same day; without days, any two of the span's moments
    per_pair = 1 / max(span / DAY_S, 1.0) if by_hour else 2 * reach / max(span, 2 * reach)
    out = tested.with_columns(pl.Series("expected_events", pair_posts * per_pair, dtype=pl.Float64))
    p = poisson.sf(out["n_events"].to_numpy() - 1, out["expected_events"].to_numpy())
    out = out.with_columns(pl.Series("p_chance", p, dtype=pl.Float64))
    return pl.concat([out, untested], how="diagonal").sort(
        ["weight", "a", "b"], descending=[True, False, False]
    )


def _hour_counts(
    edges: pl.DataFrame, posts: pl.DataFrame, rows: pl.DataFrame, *, by_hour: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Posts per (account, object column, hour of day) of the accounts in `edges`, and per
    (account, column) how many objects the account always posts together with it."""
    # only the posts of accounts in a tested pair matter
    involved = pl.concat([edges["a"], edges["b"]]).unique().implode()
    rows = rows.join(
        posts.select("account", pl.col("ts").dt.hour().alias("hour"))
        .with_row_index("pidx")
        .filter(pl.col("account").is_in(involved)),
        on="pidx",
    ).with_columns(pl.struct("kind", "object").rank("dense").cast(pl.Int64).alias("col") - 1)
    if not by_hour:
        rows = rows.with_columns(pl.lit(0, dtype=pl.Int8).alias("hour"))
    together = (
        rows.group_by("account", "col")
        .agg(pl.col("pidx").sort().hash().alias("posts"))
        # how many objects the account always posts together with this one (its fixed
        # hashtag set, say): the size of the group of objects with the same posts
        .with_columns(pl.len().over("account", "posts").alias("together"))
        .drop("posts")
    )
    counts = (
        rows.group_by("account", "col", "hour")
        .agg(pl.len().alias("n"))
        .join(together, on=["account", "col"])
    )
    return counts, together


def _pair_posts(
    edges: pl.DataFrame,
    counts: pl.DataFrame,
    together: pl.DataFrame,
    *,
    window: timedelta,
    by_hour: bool,
) -> np.ndarray:
    """For each edge, Σ over shared (object, hour) of n_a · partners_b / min(k_a, k_b):
    the pairs of posts that could land within Δt on one day, fixed sets counted once."""
    accounts = pl.concat([counts["account"], edges["a"], edges["b"]]).unique().sort()
    index = pl.DataFrame({"account": accounts, "i": pl.int_range(len(accounts), eager=True)})
    counts = counts.join(index, on="account")
    bins = 24 if by_hour else 1
    n_cols = int(counts["col"].max()) + 1  # type: ignore[arg-type]
    shape = (len(accounts), n_cols * bins)

    def matrix(values: np.ndarray, shift: int = 0) -> sp.csr_matrix:
        cells = counts["col"].to_numpy() * bins + (counts["hour"].to_numpy() + shift) % bins
        return sp.csr_matrix((values, (counts["i"].to_numpy(), cells)), shape=shape)

    n = counts["n"].to_numpy().astype(np.float64)
    if by_hour:
        # two times uniform in one hour bin are within Δt with probability s, in
        # neighbouring bins q (Δt of an hour at most)
        r = min(window.total_seconds(), HOUR_S) / HOUR_S
        same, near = 2 * r - r * r, r * r / 2
        partner = same * matrix(n) + near * (matrix(n, 1) + matrix(n, -1))
    else:
        partner = matrix(n)
    posted = matrix(n)
    sets = together.join(index, on="account")
    alone = sp.csr_matrix(
        (1 / sets["together"].to_numpy(), (sets["i"].to_numpy(), sets["col"].to_numpy())),
        shape=(len(accounts), n_cols),
    )
    a = edges.select("a").join(index, left_on="a", right_on="account", how="left")["i"].to_numpy()
    b = edges.select("b").join(index, left_on="b", right_on="account", how="left")["i"].to_numpy()
    # row-wise products of sparse selections for every edge at once (the sum is the same
    # from b's side)
    shared = posted[a].multiply(partner[b]).tocoo()
    smaller_set = alone[a].maximum(alone[b])[shared.row, shared.col // bins]
    return np.bincount(
        shared.row, weights=shared.data * np.asarray(smaller_set).ravel(), minlength=len(a)
    )


def merge_windows(
    by_window: Sequence[tuple[timedelta, pl.DataFrame]],
    *,
    min_repeats: int = MIN_REPEATS,
    max_chance: float = MAX_CHANCE,
) -> pl.DataFrame:
    """One edge per account pair from co-action edges computed at several windows.

    Each pair keeps its row from the window where it is least likely by chance (lowest
    ``p_chance``, then the narrowest window), with ``window_s`` saying which, and
    ``held_at``: at how many of the ``windows`` it passes the graph's test (`min_repeats`
    events, `max_chance`). A ring posting within the same hour but rarely
    within minutes of each other is linked at the wider window; a pair that holds at
    every window is more robust evidence than one that holds at a single one.
    """
    frames = [
        edges.with_columns(pl.lit(int(window.total_seconds()), dtype=pl.Int64).alias("window_s"))
        for window, edges in by_window
    ]
    stacked = pl.concat(frames, how="vertical_relaxed").with_columns(
        ((pl.col("n_events") >= min_repeats) & (pl.col("p_chance") <= max_chance)).alias("holds")
    )
    return (
        stacked.with_columns(
            pl.col("holds").sum().over("a", "b").cast(pl.UInt32).alias("held_at"),
            pl.lit(len(frames), dtype=pl.UInt32).alias("windows"),
        )
        .sort(["a", "b", "p_chance", "window_s"], nulls_last=True)
        .unique(["a", "b"], keep="first", maintain_order=True)
        .drop("holds")
        .sort(["weight", "a", "b"], descending=[True, False, False])
    )


def _template_sets(
    template_members: pl.DataFrame, posts: pl.DataFrame
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, int]:
    """The templates each account posted, as one run of integer keys per account.

    Returns the accounts (``account``, row ``i``), where each row's run starts (with a
    final end), the keys ``i · width + template`` (template ids are 0..n-1) and
    `width`: whether account `i` posted template `t` is whether ``i · width + t`` is a key.
    """
    sets = (
        template_members.select("post_id", "template_id")
        .join(posts.select("post_id", "account"), on="post_id")
        .group_by("account")
        .agg(pl.col("template_id").unique())
        .with_row_index("i")
    )
    template = sets["template_id"].explode().to_numpy().astype(np.int64)
    width = int(template.max()) + 1 if len(template) else 1
    sizes = sets["template_id"].list.len().to_numpy().astype(np.int64)
    row = np.repeat(np.arange(sets.height, dtype=np.int64), sizes)
    keys = row * width + template
    return sets.select("account", "i"), np.concatenate([[0], np.cumsum(sizes)]), keys, width


def _rows_of(accounts: pl.Series, index: pl.DataFrame) -> np.ndarray:
    """The row ``i`` in `index` (``account, i``) of each of `accounts`, -1 when absent."""
    found = accounts.to_frame("account").join(
        index, on="account", how="left", maintain_order="left"
    )
    return found["i"].fill_null(-1).cast(pl.Int64).to_numpy()


def _shared_counts(
    a: np.ndarray,
    b: np.ndarray,
    sets: tuple[np.ndarray, np.ndarray, int],
    *,
    chunk: int = 4_000_000,
) -> np.ndarray:
    """For each pair of rows (`a`, `b`; -1 for none) of the `sets` (``starts, keys,
    width`` as from `_template_sets`), how many templates both rows hold.

    Every template of the smaller of the two is looked up among the other's (a hash
    lookup of its key), so the work is the smaller sets' total size rather than a join of
    every pair with all the templates of one side; pairs are taken about `chunk` lookups
    at a time to keep memory flat.
    """
    starts, keys, width = sets
    sizes = np.diff(starts)
    present = (a >= 0) & (b >= 0)
    size_a = np.where(present, sizes[np.maximum(a, 0)], 0)
    size_b = np.where(present, sizes[np.maximum(b, 0)], 0)
    small = np.where(size_a <= size_b, a, b)
    other = np.where(size_a <= size_b, b, a)
    looked = np.minimum(size_a, size_b)
    ends = np.cumsum(looked)
    total = int(ends[-1]) if len(ends) else 0
    bounds = np.searchsorted(ends, np.arange(chunk, total, chunk), side="right")
    known = pl.Series(keys).implode()
    counts = np.zeros(len(a), dtype=np.int64)
    for lo, hi in itertools.pairwise(distinct(np.concatenate([[0], bounds, [len(a)]]))):
        n = looked[lo:hi]
        pair = np.repeat(np.arange(lo, hi), n)
        template = keys[run_positions(starts[small[lo:hi]], n)] % width
        wanted = other[pair] * width + template
        held = pl.Series(wanted).is_in(known).to_numpy()
        counts[lo:hi] = np.bincount(pair[held] - lo, minlength=hi - lo)
    return counts


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
    if template_members.is_empty():  # no post belongs to a template (text-less data)
        return edges.with_columns(pl.lit(0, dtype=pl.UInt32).alias("shared_templates"))
    index, starts, keys, width = _template_sets(template_members, posts)
    counts = _shared_counts(
        _rows_of(edges["a"], index), _rows_of(edges["b"], index), (starts, keys, width)
    )
    return edges.with_columns(pl.Series("shared_templates", counts, dtype=pl.UInt32))
