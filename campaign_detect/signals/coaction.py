"""Co-action: distinct accounts posting the same object within Δt of each other.

An *object* is something two posts can have in common: a hashtag, a mention target, a URL,
a repost target (``share_of``), the exact normalised text, the ordered sequence of a post's
hashtags, or the value of an extra column such as ``music_id``. Two posts by two distinct
accounts *co-act* when they share an object and their times differ by at most Δt (both
ends inclusive). `coaction_edges` turns all such post pairs into one weighted edge per
account pair; `coaction_events` returns the post pairs themselves, so that every edge can be
traced back to the posts behind it. `docs/signals-coaction.md` gives the definitions, the
Δt estimate, the weights and what is bounded.

References
----------
Giglietto, F., Righetti, N., Rossi, L. & Marino, G. (2020). It takes a village to manipulate
the media: coordinated link sharing behavior during 2018 and 2019 Italian elections.
Information, Communication & Society 23(6). (CooRnet, ``estimate_coord_interval``.)

Righetti, N. & Balluff, P. (2023). CooRTweet: coordinated networks detection on social media.
R package.

Pacheco, D., Hui, P.-M., Torres-Lugo, C., Truong, B. T., Flammini, A. & Menczer, F. (2021).
Uncovering coordinated networks on social media: methods and case studies. Proceedings of
ICWSM 15, 455-466.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from campaign_detect._arrays import distinct, ranks_in_runs
from campaign_detect.errors import InputError
from campaign_detect.objects import (
    MIN_SEQUENCE,
    OBJECT_KINDS,
    check_object_kinds,
    given_object_rows,
    object_rows,
)
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.values import parse_duration

__all__ = [
    "MAX_ACCOUNTS_PER_WINDOW",
    "MAX_WINDOW",
    "OBJECT_KINDS",
    "PAIR_SCHEMA",
    "SWEEP_SCHEMA",
    "TOTALS_SCHEMA",
    "WINDOW_QUANTILE",
    "WINDOW_SHARE",
    "CoactionResult",
    "PairTotals",
    "Sweep",
    "candidate_count",
    "coaction_edges",
    "coaction_events",
    "estimate_window",
    "local_pair_totals",
    "pair_totals",
    "sweep_pairs",
]


# an object's Δt cell with more accounts than this is bounded (see `coaction_edges`)
MAX_ACCOUNTS_PER_WINDOW = 1000
# the Δt estimate's quickest share of objects, share of accounts, and largest window (CooRnet)
WINDOW_QUANTILE = 0.1
WINDOW_SHARE = 0.5
MAX_WINDOW = timedelta(hours=1)
# A window with more posts than this many per allowed account is bounded too: its cost is in
# post pairs, and a few accounts looping one object (a spam script) multiply them without
# adding accounts. Organic use rarely shows even two posts per account on one object in Δt.
_POSTS_PER_ACCOUNT = 4
# weights are summed as integers in these units, so the sum does not depend on the order in
# which a parallel group-by adds them (identical output on every run)
_WEIGHT_UNIT = 1_000_000
# candidate post pairs generated per step: bounds peak memory whatever the data
_CHUNK_PAIRS = 8_000_000
_FALLBACK_WINDOW = timedelta(minutes=10)
# default budget of candidate post pairs (about 1 GB at the peak, 10-20 s of work)
_MAX_PAIRS = 5_000_000
# `action` of the rows of `CoactionResult.bounded`
_BUSY = "dropped: busy window"
_BUDGET = "dropped: pair budget"


@dataclass(frozen=True)
class CoactionResult:
    """What `coaction_edges` found.

    Attributes
    ----------
    edges
        One row per unordered account pair that co-acted (``a < b``, canonical keys):
        ``a, b, weight, n_events, n_objects, kinds, first, last, a_first``, sorted by
        ``weight`` descending, then ``a``, ``b``. See `coaction_edges`.
    window
        The Δt used.
    window_estimated
        True when Δt was estimated from the data (`estimate_window`), False when given.
    bounded
        The busy (object, time window) cells whose posts were not paired:
        ``kind, object, start, end, n_accounts, n_posts, action``.
    """

    edges: pl.DataFrame
    window: timedelta
    window_estimated: bool
    bounded: pl.DataFrame


_EDGE_SCHEMA = {
    "a": pl.String(),
    "b": pl.String(),
    "weight": pl.Float64(),
    "n_events": pl.UInt32(),
    "n_objects": pl.UInt32(),
    "kinds": pl.List(pl.String()),
    "first": pl.Datetime("us", "UTC"),
    "last": pl.Datetime("us", "UTC"),
    "a_first": pl.Float64(),
}
_EVENT_SCHEMA = {
    "kind": pl.String(),
    "object": pl.String(),
    "a": pl.String(),
    "b": pl.String(),
    "post_id_a": pl.String(),
    "post_id_b": pl.String(),
    "ts_a": pl.Datetime("us", "UTC"),
    "ts_b": pl.Datetime("us", "UTC"),
}
_BOUNDED_SCHEMA = {
    "kind": pl.String(),
    "object": pl.String(),
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "n_accounts": pl.UInt32(),
    "n_posts": pl.UInt32(),
    "action": pl.String(),
}


@dataclass(frozen=True)
class _Objects:
    """Object rows of the objects used by at least two accounts, before any bounding."""

    names: pl.Series  # canonical account keys, sorted; acct id = position
    post_acct: np.ndarray  # per post: account id
    post_t: np.ndarray  # per post: epoch microseconds
    post_ids: pl.Series
    table: pl.DataFrame  # g, kind, object, n_accounts, idf (objects of >= 2 accounts)
    rows: pl.DataFrame  # pidx, acct, g, t; sorted by (g, t, acct, pidx)

    def prepared(self, rows: pl.DataFrame, bounded: pl.DataFrame) -> _Prepared:
        """The pairing arrays of `rows` (some of `self.rows`, in order) for these posts."""

        def column(name: str) -> np.ndarray:
            return rows[name].to_numpy().astype(np.int64)

        return _Prepared(
            names=self.names,
            post_acct=self.post_acct,
            post_t=self.post_t,
            post_ids=self.post_ids,
            objects=self.table,
            g=column("g"),
            t=column("t"),
            acct=column("acct"),
            pidx=column("pidx"),
            bounded=bounded,
        )


@dataclass(frozen=True)
class _Prepared:
    """Everything pairing needs, as arrays; rows sorted by (g, t, acct, pidx)."""

    names: pl.Series  # canonical account keys, sorted; acct id = position
    post_acct: np.ndarray  # per post: account id
    post_t: np.ndarray  # per post: epoch microseconds
    post_ids: pl.Series
    objects: pl.DataFrame  # g, kind, object, n_accounts, idf (objects of >= 2 accounts)
    g: np.ndarray
    t: np.ndarray
    acct: np.ndarray
    pidx: np.ndarray
    bounded: pl.DataFrame


def _account_ids(posts: pl.DataFrame) -> tuple[pl.Series, np.ndarray]:
    """The distinct account keys, sorted, and each post's position among them (its account
    id). Sorting only the distinct keys and hash-joining them back costs a fraction of
    ranking every post's key."""
    names = posts["account"].unique().sort()
    ids = posts.select("account").join(
        pl.DataFrame({"account": names}).with_row_index("acct"),
        on="account",
        how="left",
        maintain_order="left",
    )
    return names, ids["acct"].to_numpy().astype(np.int64)


def _time_order(post_t: np.ndarray, post_acct: np.ndarray) -> np.ndarray:
    """Post indices in (t, acct, index) order. Normalised posts already come in it (sorted
    by ts, account, post_id): checking that is far cheaper than sorting."""
    dt = np.diff(post_t)
    if np.all((dt > 0) | ((dt == 0) & (np.diff(post_acct) >= 0))):
        return np.arange(len(post_t))
    return np.lexsort((np.arange(len(post_t)), post_acct, post_t))


def _objects(posts: pl.DataFrame, rows: pl.DataFrame) -> _Objects:
    """The objects of `rows` (`object_rows` of `posts`) used by at least two accounts.

    The strings are hashed once, by one group-by on (kind, object); everything after works
    on integer ids: posts, accounts and objects (``g``, in (kind, object) order). Each
    object's posts are listed by their rank in (t, acct, pidx) order, so the rows come out
    sorted for the time sweep without sorting them all.
    """
    names, post_acct = _account_ids(posts)
    post_t = posts["ts"].dt.epoch("us").to_numpy()
    by_time = _time_order(post_t, post_acct)
    rank = np.empty(len(by_time), dtype=np.int64)
    rank[by_time] = np.arange(len(by_time))
    kinds = pl.Enum(rows["kind"].unique().sort())
    n_accounts_total = max(1, names.len())
    table = (
        rows.select(
            pl.col("kind").cast(kinds),
            "object",
            pl.Series("rank", rank[rows["pidx"].to_numpy()]),
            pl.Series("acct", post_acct[rows["pidx"].to_numpy()]),
        )
        .group_by("kind", "object")
        .agg(
            pl.col("rank").unique().sort(),
            pl.col("acct").n_unique().cast(pl.UInt32).alias("n_accounts"),
        )
        .filter(pl.col("n_accounts") >= 2)
        .with_columns(pl.col("kind").cast(pl.String))
        .sort("kind", "object")
        .with_row_index("g")
        .with_columns(
            # smoothed inverse document frequency over accounts: > 0 for every object, large
            # for an object few accounts use, about ln 2 for one everybody uses
            (1.0 + n_accounts_total / pl.col("n_accounts").cast(pl.Float64)).log().alias("idf")
        )
    )
    rows = table.select("g", "rank").explode("rank")
    pidx = by_time[rows["rank"].to_numpy()]
    rows = rows.select(
        pl.Series("pidx", pidx, pl.UInt32),
        pl.Series("acct", post_acct[pidx]),
        "g",
        pl.Series("t", post_t[pidx]),
    )
    return _Objects(
        names=names,
        post_acct=post_acct,
        post_t=post_t,
        post_ids=posts["post_id"],
        table=table.drop("rank"),
        rows=rows,
    )


def _bound(
    found: _Objects, *, window_us: int | None, cap: int, max_pairs: int | None = None
) -> _Prepared:
    """`found` minus its busy cells and, over the pair budget, its most used objects."""
    rows, table = found.rows, found.table
    bounded = pl.DataFrame(schema=_BOUNDED_SCHEMA)
    if window_us is not None and rows.height:
        rows = rows.with_columns((pl.col("t") // window_us).alias("cell"))
        cells = rows.group_by("g", "cell").agg(
            pl.col("acct").n_unique().cast(pl.UInt32).alias("n_accounts"),
            pl.len().cast(pl.UInt32).alias("n_posts"),
        )
        busy = cells.filter(
            (pl.col("n_accounts") > cap) | (pl.col("n_posts") > _POSTS_PER_ACCOUNT * cap)
        )
        if busy.height:
            rows = rows.join(
                busy.select("g", "cell"), on=["g", "cell"], how="anti", maintain_order="left"
            )
            start = (pl.col("cell") * window_us).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
            bounded = (
                busy.join(table.select("g", "kind", "object"), on="g")
                .select(
                    "kind",
                    "object",
                    start.alias("start"),
                    (start + pl.duration(microseconds=window_us)).alias("end"),
                    "n_accounts",
                    "n_posts",
                    pl.lit(_BUSY).alias("action"),
                )
                .sort("start", "kind", "object")
            )
        rows = rows.drop("cell")
    if window_us is not None and max_pairs is not None and rows.height:
        g = rows["g"].to_numpy().astype(np.int64)
        t = rows["t"].to_numpy().astype(np.int64)
        over = _over_budget(g, t, table, window_us, max_pairs)
        if over.height:
            rows = rows.filter(pl.Series(~np.isin(g, over["g"].to_numpy())))
            bounded = pl.concat([bounded, over.drop("g")]).sort("start", "kind", "object")
    return found.prepared(rows, bounded)


def _drop_bounded(found: _Objects, bounded: pl.DataFrame, window_us: int) -> _Prepared:
    """`found` minus the busy cells and objects that `bounded` (as `_bound` returned it for
    the same posts and window) lists as dropped."""
    busy = bounded.filter(pl.col("action") == _BUSY)
    if (busy["end"] - busy["start"] != timedelta(microseconds=window_us)).any():
        raise InputError(
            "bounded: its busy windows are not as wide as window; pass the bounded frame "
            "of the coaction_edges result computed with this window"
        )
    named = bounded.join(found.table.select("kind", "object", "g"), on=["kind", "object"])
    cells = named.filter(pl.col("action") == _BUSY).select(
        "g", (pl.col("start").dt.epoch("us") // window_us).alias("cell")
    )
    dropped = named.filter(pl.col("action") == _BUDGET).select("g")
    rows = (
        found.rows.with_columns((pl.col("t") // window_us).alias("cell"))
        .join(cells, on=["g", "cell"], how="anti", maintain_order="left")
        .join(dropped, on="g", how="anti", maintain_order="left")
    )
    return found.prepared(rows, bounded)


def _over_budget(
    g: np.ndarray, t: np.ndarray, table: pl.DataFrame, window_us: int, max_pairs: int
) -> pl.DataFrame:
    """The objects left unpaired so that the candidate post pairs fit in `max_pairs`.

    The most widely used objects go first (ties: kind, object): their pairs are the most
    numerous and, by their idf, the least informative.
    """
    count = _forward_counts(g, t, window_us)
    total = int(count.sum())
    if total <= max_pairs:
        return pl.DataFrame(schema={"g": pl.UInt32, **_BOUNDED_SCHEMA})
    per_object = (
        pl.DataFrame({"g": g, "pairs": count, "t": t})
        .group_by("g")
        .agg(
            pl.col("pairs").sum(),
            pl.len().cast(pl.UInt32).alias("n_posts"),
            pl.col("t").min().alias("t0"),
            pl.col("t").max().alias("t1"),
        )
        .with_columns(pl.col("g").cast(pl.UInt32))
        .join(table.select("g", "kind", "object", "n_accounts"), on="g")
        .sort(["n_accounts", "g"], descending=[True, False])
        .with_columns((total - pl.col("pairs").cum_sum()).alias("left"))
    )
    # drop objects, most used first, up to and including the first that brings us in budget
    n_drop = int((per_object["left"] > max_pairs).sum()) + 1
    as_time = pl.col("t0").cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    return per_object.head(n_drop).select(
        "g",
        "kind",
        "object",
        as_time.alias("start"),
        pl.col("t1").cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias("end"),
        "n_accounts",
        "n_posts",
        pl.lit(_BUDGET).alias("action"),
    )


def _forward_ends(g: np.ndarray, t: np.ndarray, window_us: int) -> np.ndarray:
    """For each row (sorted by g, t): one past the last row of the same object at most
    `window_us` later.

    Objects are laid end to end on one int64 axis, each shifted so that it starts more than
    `window_us` after the previous one ends; one `searchsorted` then finds every row's
    window without crossing into another object. If the axis would overflow, the objects are
    split into blocks, each with its own axis.
    """
    n = len(t)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], n]
    t0 = t[starts]
    span = t[ends - 1] - t0
    width = span + window_us + 1
    block = np.floor(np.cumsum(width.astype(np.float64)) / 2.0**61).astype(np.int64)
    hi = np.empty(n, dtype=np.int64)
    for b in np.unique(block):
        objs = np.flatnonzero(block == b)
        first, last = int(starts[objs[0]]), int(ends[objs[-1]])
        offset = np.cumsum(width[objs]) - width[objs]
        lengths = ends[objs] - starts[objs]
        key = t[first:last] - np.repeat(t0[objs], lengths) + np.repeat(offset, lengths)
        hi[first:last] = first + np.searchsorted(key, key + window_us, side="right")
    return hi


def _forward_counts(g: np.ndarray, t: np.ndarray, window_us: int) -> np.ndarray:
    """For each row (sorted by g, t): how many later rows of its object are within Δt."""
    return _forward_ends(g, t, window_us) - np.arange(len(t)) - 1


def _pair_chunks(
    g: np.ndarray,
    t: np.ndarray,
    acct: np.ndarray,
    window_us: int,
    progress: ProgressCallback | None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Row index pairs (i, j), i < j, same object, t[j] - t[i] <= window, distinct accounts.

    Generated in chunks of about `_CHUNK_PAIRS` candidates, so memory stays bounded.
    """
    count = _forward_counts(g, t, window_us)
    cum = np.cumsum(count)
    total = int(cum[-1]) if len(cum) else 0
    n_chunks = max(1, math.ceil(total / _CHUNK_PAIRS))
    bounds = np.searchsorted(cum, np.arange(1, n_chunks) * _CHUNK_PAIRS, side="left")
    edges = np.r_[0, bounds, len(t)].astype(np.int64)
    for step, (lo, up) in enumerate(itertools.pairwise(edges)):
        report(progress, "co-action pairs", step, n_chunks)
        c = count[lo:up]
        m = int(c.sum())
        if m == 0:
            continue
        i = np.repeat(np.arange(lo, up, dtype=np.int64), c)
        j = i + 1 + ranks_in_runs(c)
        keep = acct[i] != acct[j]
        yield i[keep], j[keep]
    report(progress, "co-action pairs", n_chunks, n_chunks)


def _ordered(acct: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (first, second) of row pairs (i, j), first the one of the smaller account id."""
    swap = acct[i] > acct[j]
    return np.where(swap, j, i), np.where(swap, i, j)


# --- window -------------------------------------------------------------------------------
def _window_us(window: str | timedelta) -> int:
    if isinstance(window, timedelta):
        if window <= timedelta(0):
            raise InputError(f"window: {window} must be a positive duration, e.g. 30s, 10m")
        return window // timedelta(microseconds=1)
    return parse_duration(window, name="window") // timedelta(microseconds=1)


def _collect(posts: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    return posts.collect() if isinstance(posts, pl.LazyFrame) else posts


def _estimate(rows_t: pl.DataFrame, *, q: float, p: float, max_window: timedelta) -> timedelta:
    """CooRnet's coordination interval on rows ``g, acct, t`` (see `estimate_window`)."""
    per_object = (
        rows_t.group_by("g", "acct")
        .agg(pl.col("t").min())
        .group_by("g")
        .agg(pl.col("t").sort())
        .filter(pl.col("t").list.len() >= 2)
        .select(
            (pl.col("t").list.get(1) - pl.col("t").list.get(0)).alias("second"),
            (
                pl.col("t").list.get((pl.col("t").list.len() * p).floor().cast(pl.Int64))
                - pl.col("t").list.get(0)
            ).alias("reach"),
        )
    )
    if per_object.is_empty():
        return min(_FALLBACK_WINDOW, max_window)
    cut = per_object["second"].quantile(q, interpolation="linear")
    quick = per_object.filter(pl.col("second") <= cut)
    micros = quick["reach"].quantile(p, interpolation="linear") or 0.0
    seconds = max(1, math.ceil(micros / 1e6))
    return min(timedelta(seconds=seconds), max_window)


def estimate_window(
    posts: pl.DataFrame | pl.LazyFrame,
    *,
    objects: Sequence[str] = OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
    q: float = WINDOW_QUANTILE,
    p: float = WINDOW_SHARE,
    max_window: str | timedelta = MAX_WINDOW,
    min_sequence: int = MIN_SEQUENCE,
) -> timedelta:
    """Estimate the co-action window Δt from the data, the way CooRnet does.

    Most objects spread at the pace of ordinary attention; a coordinated object spreads
    unusually fast. Following CooRnet's ``estimate_coord_interval``: take the objects used
    by at least two accounts; keep the quickest `q` share of them, ranked by the time from
    the first account's post to the second account's; for each, measure the time from its
    first post until more than `p` of its accounts had posted it; Δt is the `p`-quantile
    of those times, rounded up to whole seconds, at least 1 s and at most `max_window`.

    Parameters
    ----------
    posts
        Post-schema frame.
    objects, extra_objects, min_sequence
        Which objects count, as in `coaction_edges`.
    q
        Share (0-1) of the quickest objects that the estimate looks at.
    p
        Share (0-1) of an object's accounts that must have posted it; also the quantile taken.
    max_window
        Upper bound: a slow data set (say, a daily hashtag only) would otherwise give a
        window of hours in which everything co-acts. With no object used by two accounts,
        10 minutes (or `max_window` if shorter).

    Returns
    -------
    datetime.timedelta

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, UTC
    >>> posts = pl.DataFrame({
    ...     "post_id": ["1", "2", "3", "4"], "account": ["a", "b", "c", "d"],
    ...     "ts": [datetime(2024, 1, 1, 0, 0, s, tzinfo=UTC) for s in (0, 20, 40, 50)],
    ...     "hashtags": [["x"], ["x"], ["y"], ["y"]]})
    >>> estimate_window(posts, objects=["hashtag"])
    datetime.timedelta(seconds=10)
    """
    if not (0.0 <= q <= 1.0 and 0.0 <= p <= 1.0):
        raise InputError(f"q and p must be between 0 and 1, got q={q}, p={p}")
    cap = _window_us(max_window)
    frame = _collect(posts)
    check_object_kinds(frame, objects, extra_objects)
    found = _objects(frame, object_rows(frame, objects, extra_objects, min_sequence))
    return _estimate(
        found.rows.select("g", "acct", "t"), q=q, p=p, max_window=timedelta(microseconds=cap)
    )


# --- edges --------------------------------------------------------------------------------
# The pairing is split into two kernels so that another engine (`signals.spark`) can run the
# same code on pieces of the data: `sweep_pairs` is closed over objects (the rows of whole
# objects give exactly their pairs) and `pair_totals` over account pairs (the post pairs of
# whole account pairs give exactly their totals). Every column is an Int64, so the frames
# cross Arrow and Spark unchanged; keys are ``a * n_accounts + b`` and ``pa * n_posts + pb``.
SWEEP_SCHEMA = {name: pl.Int64() for name in ("g", "t", "acct", "pidx", "w", "kbit")}
PAIR_SCHEMA = {name: pl.Int64() for name in ("ab", "k", "g", "kbit", "w", "ta", "tb")}
TOTALS_SCHEMA = {
    name: pl.Int64()
    for name in (
        *("ab", "first", "last", "lead2", "n_pairs"),
        *("w_a", "n_a", "w_b", "n_b", "n_objects", "kbits"),
    )
}


@dataclass(frozen=True)
class Sweep:
    """What both pairing kernels need besides the rows: Δt and the sizes of the id spaces."""

    window_us: int
    n_posts: int
    n_accounts: int


# sweep rows (`SWEEP_SCHEMA`, sorted by g, t, acct, pidx) → `pair_totals` of all their pairs
PairTotals = Callable[[pl.DataFrame, Sweep, ProgressCallback | None], pl.DataFrame]


def sweep_pairs(
    rows: pl.DataFrame, sweep: Sweep, progress: ProgressCallback | None = None
) -> pl.DataFrame:
    """The co-acting post pairs (`PAIR_SCHEMA`) of sweep `rows` (`SWEEP_SCHEMA`: whole
    objects, sorted by ``g, t, acct, pidx``): one row per pair of posts and shared object,
    ``pa`` by the smaller account id, with the object's quantised idf ``w`` and kind bit."""
    g, t, acct, pidx = (rows[c].to_numpy() for c in ("g", "t", "acct", "pidx"))
    w, kbit = rows["w"].to_numpy(), rows["kbit"].to_numpy()
    chunks = [pl.DataFrame(schema=PAIR_SCHEMA)]
    for i, j in _pair_chunks(g, t, acct, sweep.window_us, progress):
        first, second = _ordered(acct, i, j)
        chunks.append(
            pl.DataFrame(
                {
                    "ab": acct[first] * sweep.n_accounts + acct[second],
                    "k": pidx[first] * sweep.n_posts + pidx[second],
                    "g": g[i],
                    "kbit": kbit[i],
                    "w": w[i],
                    "ta": t[first],
                    "tb": t[second],
                },
                schema=PAIR_SCHEMA,
            )
        )
    return pl.concat(chunks)


def candidate_count(rows: pl.DataFrame, sweep: Sweep) -> int:
    """How many candidate post pairs (same object, within Δt) sweep `rows` make, counted
    before any is built."""
    g, t = rows["g"].to_numpy(), rows["t"].to_numpy()
    return int(_forward_counts(g, t, sweep.window_us).sum())


def pair_totals(pairs: pl.DataFrame, sweep: Sweep) -> pl.DataFrame:
    """Per account pair ``ab``, the sums its edge is made of (`TOTALS_SCHEMA`), from the
    post pairs (`PAIR_SCHEMA`) of whole account pairs."""
    n_posts, n_acc = sweep.n_posts, sweep.n_accounts
    objects = pairs.group_by("ab").agg(
        pl.col("g").n_unique().cast(pl.Int64).alias("n_objects"),
        pl.col("kbit").bitwise_or().alias("kbits"),
    )
    # one row per pair of posts: an event's weight is its rarest shared object's
    post_pairs = (
        pairs.group_by("k")
        .agg(pl.col("ab").first(), pl.col("w").max(), pl.col("ta").first(), pl.col("tb").first())
        .with_columns(
            # (post, partner's account) as one integer: it determines the account pair, so
            # the per-post group-by below needs one key, not two
            ((pl.col("k") // n_posts) * n_acc + pl.col("ab") % n_acc).alias("post_a"),
            ((pl.col("k") % n_posts) * n_acc + pl.col("ab") // n_acc).alias("post_b"),
            pl.min_horizontal("ta", "tb").alias("lo"),
            pl.max_horizontal("ta", "tb").alias("hi"),
            (
                2 * (pl.col("ta") < pl.col("tb")).cast(pl.Int64)
                + (pl.col("ta") == pl.col("tb")).cast(pl.Int64)
            ).alias("lead2"),
        )
    )

    def side(column: str, suffix: str) -> pl.DataFrame:
        # each post of one side counts once however many partner posts it has
        return (
            post_pairs.group_by(column)
            .agg(pl.col("ab").first(), pl.col("w").max())
            .group_by("ab")
            .agg(pl.col("w").sum().alias("w" + suffix), pl.len().alias("n" + suffix))
        )

    timing = post_pairs.group_by("ab").agg(
        pl.col("lo").min().alias("first"),
        pl.col("hi").max().alias("last"),
        pl.col("lead2").sum().alias("lead2"),
        pl.len().alias("n_pairs"),
    )
    return (
        timing.join(side("post_a", "_a"), on="ab")
        .join(side("post_b", "_b"), on="ab")
        .join(objects, on="ab")
        .select(list(TOTALS_SCHEMA))
        .cast(TOTALS_SCHEMA)  # type: ignore[arg-type]
    )


def local_pair_totals(
    rows: pl.DataFrame, sweep: Sweep, progress: ProgressCallback | None = None
) -> pl.DataFrame:
    """`pair_totals` of all the pairs of sweep `rows`, on this machine (a `PairTotals`)."""
    return pair_totals(sweep_pairs(rows, sweep, progress), sweep)


def _sweep_rows(prep: _Prepared) -> tuple[pl.DataFrame, list[str]]:
    """The sweep rows (`SWEEP_SCHEMA`) of `prep` and the kind names its kind bits index."""
    kind_names = prep.objects["kind"].unique().sort().to_list()
    kind_codes = (
        prep.objects["kind"]
        .replace_strict(kind_names, list(range(len(kind_names))), return_dtype=pl.Int64)
        .to_numpy()
    )
    idf_q = np.round(prep.objects["idf"].to_numpy() * _WEIGHT_UNIT).astype(np.int64)
    rows = pl.DataFrame(
        {
            "g": prep.g,
            "t": prep.t,
            "acct": prep.acct,
            "pidx": prep.pidx,
            "w": idf_q[prep.g],
            "kbit": np.left_shift(1, kind_codes[prep.g]),
        },
        schema=SWEEP_SCHEMA,
    )
    return rows, kind_names


def _edges(totals: pl.DataFrame, names: pl.Series, kind_names: list[str]) -> pl.DataFrame:
    """The edges (`_EDGE_SCHEMA`, sorted) of account pair `totals` (`TOTALS_SCHEMA`)."""
    n_acc = max(1, names.len())
    edges = totals.with_columns(
        (pl.col("ab") // n_acc).alias("ia"),
        (pl.col("ab") % n_acc).alias("ib"),
        (pl.min_horizontal("w_a", "w_b").cast(pl.Float64) / _WEIGHT_UNIT).alias("weight"),
    ).sort(
        # account ids sort as the keys do (they are positions among the sorted keys)
        ["weight", "ia", "ib"],
        descending=[True, False, False],
    )
    return edges.select(
        names.gather(edges["ia"]).alias("a"),
        names.gather(edges["ib"]).alias("b"),
        "weight",
        pl.min_horizontal("n_a", "n_b").cast(pl.UInt32).alias("n_events"),
        pl.col("n_objects"),
        _kind_lists(edges["kbits"].to_numpy(), kind_names),
        pl.col("first").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        pl.col("last").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        (pl.col("lead2") / (2 * pl.col("n_pairs"))).alias("a_first"),
    ).cast(_EDGE_SCHEMA)  # type: ignore[arg-type]


def _kind_lists(bits: np.ndarray, kind_names: list[str]) -> pl.Series:
    """Bit masks of kind codes as sorted lists of kind names (few distinct masks)."""
    masks = distinct(bits)
    lists = [[k for c, k in enumerate(kind_names) if int(m) >> c & 1] for m in masks]
    return (
        pl.Series("kinds", lists, dtype=pl.List(pl.String))
        .gather(pl.Series(np.searchsorted(masks, bits).astype(np.int64)))
        .alias("kinds")
    )


def coaction_edges(
    posts: pl.DataFrame | pl.LazyFrame,
    *,
    window: str | timedelta | None = None,
    objects: Sequence[str] = OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
    max_accounts_per_window: int = MAX_ACCOUNTS_PER_WINDOW,
    max_pairs: int | None = _MAX_PAIRS,
    min_sequence: int = MIN_SEQUENCE,
    estimate: tuple[float, float, timedelta] = (WINDOW_QUANTILE, WINDOW_SHARE, MAX_WINDOW),
    progress: ProgressCallback | None = None,
    rows: pl.DataFrame | None = None,
    pairs: PairTotals | None = None,
) -> CoactionResult:
    """Weighted account pairs that posted the same objects within Δt of each other.

    Co-action is the core trace of coordination: a script tells many accounts to post the
    same hashtag, link or text at the same time. Any two accounts can coincide once; a pair
    that coincides again and again, on objects few others use, is what this measures.

    Parameters
    ----------
    posts
        Post-schema frame (`campaign_detect.schema.POST_SCHEMA`); extra columns allowed.
    window
        Δt as a polars duration (``"30s"``, ``"10m"``) or a timedelta: two posts co-act when
        their times differ by at most Δt. None estimates it with `estimate_window`.
    objects
        Kinds of shared object: ``hashtag``, ``mention``, ``url``, ``share`` (the reposted
        post), ``text`` (the text after `strip_entities`; texts with no word are skipped),
        ``hashtag_seq`` (a post's hashtags in order, when it has at least `min_sequence`).
    extra_objects
        Further columns of `posts` whose values are objects (e.g. ``music_id``); list
        columns count each element.
    max_accounts_per_window
        An object's Δt-wide time cell (aligned on the epoch) holding more accounts than this
        (or more than four times as many posts) is not paired at all: its pairs would be
        many, weak (the object is popular) and costly. Such cells are listed in `bounded`.
    max_pairs
        Budget of candidate post pairs. When the remaining objects would make more, whole
        objects are left unpaired, most widely used first, and listed in `bounded`. None
        removes the budget.
    min_sequence
        Fewest hashtags a post needs for its hashtag sequence to be an object.
    estimate
        ``q, p, max_window`` of `estimate_window`, used when `window` is None.
    progress
        Optional callback ``progress(stage, done, total)``.
    rows
        `object_rows` of these same `posts`, with this `min_sequence`, already computed
        (by a caller that needs them for several stages); rows of kinds not in `objects`
        or `extra_objects` are ignored. None computes them.
    pairs
        Where the post pairs are made and summed per account pair: `local_pair_totals`
        (None) on this machine, or another engine's runner of the same two kernels
        (`campaign_detect.signals.spark.spark_pair_totals`).

    Returns
    -------
    CoactionResult
        ``edges`` has one row per account pair (``a < b``): ``weight`` (sum over events of
        the rarest shared object's idf, counting each post of either account once; see
        docs/signals-coaction.md), ``n_events`` (distinct times both acted together: the
        smaller of the two accounts' numbers of co-acting posts), ``n_objects``, ``kinds``,
        ``first``, ``last`` (earliest and latest co-acting post), ``a_first`` (share of the
        co-acting post pairs in which ``a`` posted first; ties count half).

    Raises
    ------
    InputError
        An unknown object kind, a missing column, a bad window or cap.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, UTC
    >>> posts = pl.DataFrame({
    ...     "post_id": ["1", "2", "3"], "account": ["ani", "budi", "citra"],
    ...     "ts": [datetime(2024, 1, 1, 9, 0, s, tzinfo=UTC) for s in (0, 30, 59)],
    ...     "hashtags": [["umkm"], ["umkm"], ["umkm"]]})
    >>> result = coaction_edges(posts, window="30s", objects=["hashtag"])
    >>> result.edges.select("a", "b", "n_events", "a_first").rows()
    [('ani', 'budi', 1, 1.0), ('budi', 'citra', 1, 1.0)]
    """
    if max_accounts_per_window < 1:
        raise InputError(
            f"max_accounts_per_window must be at least 1, got {max_accounts_per_window}"
        )
    frame = _collect(posts)
    check_object_kinds(frame, objects, extra_objects)
    report(progress, "co-action objects", 0, None)
    estimated = window is None
    found = _objects(frame, given_object_rows(frame, rows, objects, extra_objects, min_sequence))
    if window is None:
        rows_t = found.rows.select("g", "acct", "t")
        delta = _estimate(rows_t, q=estimate[0], p=estimate[1], max_window=estimate[2])
        del rows_t
    else:
        delta = timedelta(microseconds=_window_us(window))
    window_us = delta // timedelta(microseconds=1)
    prep = _bound(found, window_us=window_us, cap=max_accounts_per_window, max_pairs=max_pairs)
    del found
    sweep_rows, kind_names = _sweep_rows(prep)
    sweep = Sweep(window_us, n_posts=len(prep.post_acct), n_accounts=max(1, prep.names.len()))
    totals = (pairs or local_pair_totals)(sweep_rows, sweep, progress)
    del sweep_rows
    edges = _edges(totals, prep.names, kind_names)
    return CoactionResult(
        edges=edges, window=delta, window_estimated=estimated, bounded=prep.bounded
    )


def coaction_events(
    posts: pl.DataFrame | pl.LazyFrame,
    *,
    accounts: Collection[str],
    window: str | timedelta,
    objects: Sequence[str] = OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
    max_accounts_per_window: int = MAX_ACCOUNTS_PER_WINDOW,
    max_pairs: int | None = _MAX_PAIRS,
    min_sequence: int = MIN_SEQUENCE,
    rows: pl.DataFrame | None = None,
    bounded: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The post pairs behind the co-action edges among `accounts`: the evidence to open.

    With the same `window`, `objects` and cap as `coaction_edges`, these are exactly the
    post pairs its edges between two of `accounts` were computed from (busy cells are found
    on all posts, not only on those of `accounts`). Finding them takes a pass over all
    posts; pass the edges' `bounded` frame to skip it and read only the posts of
    `accounts`.

    Parameters
    ----------
    posts
        Post-schema frame.
    accounts
        Canonical account keys; only pairs of two of them are returned.
    window, objects, extra_objects, max_accounts_per_window, max_pairs, min_sequence
        As in `coaction_edges` (pass ``result.window`` to reuse an estimated Δt).
    rows
        As in `coaction_edges`: `object_rows` of these `posts`, or None to compute them.
    bounded
        ``result.bounded`` of the `coaction_edges` run on these `posts` with this `window`,
        `objects` and cap: the busy cells and budget-dropped objects it lists are left out
        as they were there, instead of being found again on all posts (then
        `max_accounts_per_window` and `max_pairs` are not used). None finds them.

    Returns
    -------
    polars.DataFrame
        One row per (pair of posts, shared object): ``kind, object, a, b, post_id_a,
        post_id_b, ts_a, ts_b`` with ``a < b``; sorted by ``a, b, ts_a, ts_b, kind, object``.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, UTC
    >>> posts = pl.DataFrame({
    ...     "post_id": ["1", "2"], "account": ["budi", "ani"],
    ...     "ts": [datetime(2024, 1, 1, 9, 0, s, tzinfo=UTC) for s in (0, 5)],
    ...     "hashtags": [["umkm"], ["umkm"]]})
    >>> ev = coaction_events(posts, accounts=["ani", "budi"], window="10s", objects=["hashtag"])
    >>> ev.select("kind", "object", "a", "post_id_a", "post_id_b").rows()
    [('hashtag', 'umkm', 'ani', '2', '1')]
    """
    if max_accounts_per_window < 1:
        raise InputError(
            f"max_accounts_per_window must be at least 1, got {max_accounts_per_window}"
        )
    frame = _collect(posts)
    check_object_kinds(frame, objects, extra_objects)
    window_us = _window_us(window)
    if bounded is None:
        found = _objects(
            frame, given_object_rows(frame, rows, objects, extra_objects, min_sequence)
        )
        prep = _bound(found, window_us=window_us, cap=max_accounts_per_window, max_pairs=max_pairs)
    else:
        # objects of one account among `accounts` give no pair whatever their other users,
        # so the objects of their posts alone give the same pairs
        mine = frame["account"].is_in(list(accounts)).to_numpy()
        if rows is None:
            at = np.flatnonzero(mine)
            rows = object_rows(frame.filter(pl.Series(mine)), objects, extra_objects, min_sequence)
            rows = rows.with_columns(pl.Series("pidx", at[rows["pidx"].to_numpy()], pl.UInt32))
        else:
            rows = given_object_rows(frame, rows, objects, extra_objects, min_sequence)
            rows = rows.filter(pl.Series(mine[rows["pidx"].to_numpy()]))
        prep = _drop_bounded(_objects(frame, rows), bounded, window_us)
    wanted = prep.names.is_in(list(accounts)).to_numpy()
    keep = wanted[prep.acct] if len(prep.acct) else np.zeros(0, dtype=bool)
    g, t, acct, pidx = prep.g[keep], prep.t[keep], prep.acct[keep], prep.pidx[keep]
    parts = []
    for i, j in _pair_chunks(g, t, acct, window_us, None):
        first, second = _ordered(acct, i, j)
        parts.append(pl.DataFrame({"pa": pidx[first], "pb": pidx[second], "g": g[i]}))
    if not parts:
        return pl.DataFrame(schema=_EVENT_SCHEMA)
    pairs = _event_order(prep, pl.concat(parts))
    pa = pairs["pa"].to_numpy()
    pb = pairs["pb"].to_numpy()
    objects_of = prep.objects.select("kind", "object")
    gi = pairs["g"].cast(pl.Int64)
    ts = pl.Series(prep.post_t).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    return pl.DataFrame(
        {
            "kind": objects_of["kind"].gather(gi),
            "object": objects_of["object"].gather(gi),
            "a": prep.names.gather(prep.post_acct[pa]),
            "b": prep.names.gather(prep.post_acct[pb]),
            "post_id_a": prep.post_ids.gather(pa),
            "post_id_b": prep.post_ids.gather(pb),
            "ts_a": ts.gather(pa),
            "ts_b": ts.gather(pb),
        }
    ).cast(_EVENT_SCHEMA)  # type: ignore[arg-type]


def _event_order(prep: _Prepared, pairs: pl.DataFrame) -> pl.DataFrame:
    """`pairs` (``pa, pb, g``) sorted as `coaction_events` returns them: by ``a, b, ts_a,
    ts_b, kind, object, post_id_a, post_id_b``.

    Sorted on integers with the same order as those strings: account ids (positions among
    the sorted keys), ``g`` (objects are numbered in (kind, object) order) and the ranks of
    the post ids involved. Sorting the strings themselves cost most of the time.
    """
    pa = pairs["pa"].to_numpy()
    pb = pairs["pb"].to_numpy()
    involved = distinct(np.concatenate([pa, pb]))
    # dense ranks start at 1: a missing id gets 0, first, as nulls sort first
    id_rank = (
        prep.post_ids.gather(pl.Series(involved))
        .rank("dense")
        .cast(pl.Int64)
        .fill_null(0)
        .to_numpy()
    )
    return pairs.with_columns(
        pl.Series("acct_a", prep.post_acct[pa]),
        pl.Series("acct_b", prep.post_acct[pb]),
        pl.Series("t_a", prep.post_t[pa]),
        pl.Series("t_b", prep.post_t[pb]),
        pl.Series("id_a", id_rank[np.searchsorted(involved, pa)]),
        pl.Series("id_b", id_rank[np.searchsorted(involved, pb)]),
    ).sort("acct_a", "acct_b", "t_a", "t_b", "g", "id_a", "id_b")
