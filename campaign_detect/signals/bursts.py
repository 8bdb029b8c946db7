"""Bursts: intervals where a hashtag or mention target is used far above its own baseline.

A burst alone proves nothing (news breaks, fandoms wake up); it supplies the *window* in
which the other signals look for coordination. The method, its parameters and why it was
chosen over Kleinberg's automaton are in ``docs/signals-bursts.md``. In short, for every
object (a hashtag or a mention target) and every bin width ("scale"):

1. Posts are counted per object and bin (bins are aligned to the Unix epoch, so ``1d`` bins
   are UTC days).
2. The object's **baseline** for a bin is the median of its counts in the bins at the same
   time of day on every day of the data (zeros included), so a hashtag that is busy every
   morning expects to be busy in the morning. Its spread is the median absolute deviation
   (MAD) of the same counts. Both are robust: the burst under test barely moves them. With
   fewer than three days of history per time of day, or for bins of a day or more, the
   sample is every bin of the data's span instead.
3. A bin's expected count is never below a **floor** derived from the data: the mean count of
   an object of that kind in a bin where it is used at all. A fresh hashtag (median zero)
   therefore gets this floor, so a handful of posts stays unremarkable while a hundred
   accounts in a day do not.
4. The **strength** of a bin is ``-log10 P(X >= count)``, the tail probability of its count
   under a negative binomial with the baseline as mean and ``max(mean, (1.4826 MAD)^2)`` as
   variance (a Poisson when the object's history is no more variable than Poisson). Bins
   with strength >= `threshold` are hot; consecutive hot bins form a detection, kept when it
   holds at least `min_posts` posts from at least `min_accounts` accounts.
5. Detections of the same object that overlap or touch, at any scales, are merged into one
   burst that keeps the strongest detection's scale, strength, baseline and peak.

References
----------
.. [1] J. Kleinberg, "Bursty and hierarchical structure in streams", KDD 2002; Data Mining
   and Knowledge Discovery 7(4), 2003.
.. [2] P. J. Rousseeuw and C. Croux, "Alternatives to the median absolute deviation",
   JASA 88(424), 1993 (the 1.4826 consistency factor of the MAD).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl
from scipy import stats

from campaign_detect.errors import InputError
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.values import Duration

__all__ = [
    "BURST_MIN_ACCOUNTS",
    "BURST_MIN_POSTS",
    "BURST_SCALES",
    "BURST_SCHEMA",
    "BURST_THRESHOLD",
    "BURST_WIRE_SCHEMA",
    "CELLS_SCHEMA",
    "BurstNames",
    "BurstRules",
    "BurstRunner",
    "bin_cells",
    "bin_floors",
    "detect_bursts",
    "finish_bursts",
    "local_bursts",
    "object_bursts",
]

_STAGE = "bursts"
# the bin widths looked at by default
BURST_SCALES: tuple[str, ...] = ("15m", "1h", "6h", "1d")
# a burst holds at least this many posts from this many accounts, at this strength
# (-log10 of the tail probability) or more
BURST_MIN_POSTS = 10
BURST_MIN_ACCOUNTS = 5
BURST_THRESHOLD = 6.0
_KIND_COLUMNS = {"hashtag": "hashtags", "mention": "mentions"}
_DAY_US = 86_400_000_000
_MIN_HISTORY_DAYS = 3  # fewer same-time-of-day bins than this cannot describe a daily rhythm
_MAD_TO_SD = 1.4826  # MAD of a normal sample times this estimates its standard deviation
_LN10 = math.log(10.0)

BURST_SCHEMA: dict[str, pl.DataType] = {
    "object": pl.String(),
    "kind": pl.String(),
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "scale": pl.String(),
    "scales": pl.List(pl.String()),
    "n_posts": pl.Int64(),
    "n_accounts": pl.Int64(),
    "accounts": pl.List(pl.String()),
    "post_ids": pl.List(pl.String()),
    "strength": pl.Float64(),
    "baseline": pl.Float64(),
    "peak": pl.Int64(),
}
_RUN_SCHEMA: dict[str, pl.DataType] = {
    "oid": pl.Int64(),
    "bs": pl.Int64(),
    "be": pl.Int64(),
    "scale_us": pl.Int64(),
    "scale": pl.String(),
    "strength": pl.Float64(),
    "baseline": pl.Float64(),
    "peak": pl.Int64(),
}


def detect_bursts(
    posts: pl.DataFrame | pl.LazyFrame,
    *,
    kinds: Sequence[str] = ("hashtag", "mention"),
    scales: Sequence[str | Duration] = BURST_SCALES,
    min_posts: int = BURST_MIN_POSTS,
    min_accounts: int = BURST_MIN_ACCOUNTS,
    threshold: float = BURST_THRESHOLD,
    progress: ProgressCallback | None = None,
    runner: BurstRunner | None = None,
) -> pl.DataFrame:
    """Find the intervals where a hashtag or mention target rises far above its own baseline.

    Each object is compared with its own history at the same time of day, so a daily
    hashtag's morning rush is expected, while a fresh hashtag pushed by a hundred accounts in
    a day, or a campaign riding a popular hashtag, stands out. Use the bursts as windows to
    look into: a burst is evidence of unusual attention, not of coordination.

    Parameters
    ----------
    posts
        Posts in the post schema (``post_id``, ``account``, ``ts`` and the list columns
        named by `kinds` are read).
    kinds
        Objects to look at: ``"hashtag"`` (the ``hashtags`` column) and/or ``"mention"``
        (the ``mentions`` column).
    scales
        Bin widths as polars duration strings. Each must divide a day (``15m``, ``1h``,
        ``6h``) or be a whole number of days (``1d``), so that bins line up with the time
        of day. Fine scales catch short pushes, coarse ones slow day-long campaigns.
    min_posts
        A detection needs at least this many posts of the object; fewer is a handful, not
        a burst, however rare the object.
    min_accounts
        ... and at least this many distinct accounts, so one account posting in a loop is
        not a burst.
    threshold
        Strength a bin needs to be hot: ``-log10`` of the probability of at least its count
        under the object's baseline. The default 6 means a one-in-a-million count; it keeps
        false alarms rare although many object-bins are tested.
    progress
        Optional callback ``progress(stage, done, total)``, called once per scale by the
        local runner.
    runner
        Where the objects' bursts are found: `local_bursts` (None) on this machine, or a
        runner of the same kernels on pieces of the objects, such as
        `campaign_detect.signals.spark.spark_bursts` (the result is the same).

    Returns
    -------
    pl.DataFrame
        One row per burst (schema `BURST_SCHEMA`), strongest first, ties broken by
        ``n_posts`` (more first), then ``kind``, ``object`` and ``start``:

        - ``object``, ``kind``: the hashtag or handle without ``#`` / ``@``, and which.
        - ``start``, ``end``: first and last post of the object in the burst (inclusive);
          every post of the object in ``[start, end]`` belongs to the burst.
        - ``scale``: bin width of the strongest detection; ``scales``: every scale whose
          detections were merged into this burst, finest first.
        - ``n_posts``, ``n_accounts``, ``accounts`` (canonical keys, sorted), ``post_ids``
          (in time order): the object's posts in ``[start, end]``.
        - ``strength``: the largest ``-log10 P(X >= count)`` of a bin at ``scale``, where X
          follows the object's baseline (negative binomial; see the module docstring).
          Very large values are a lower bound (the log of the point probability) where the
          tail probability underflows.
        - ``baseline``: expected posts per bin at ``scale`` over the strongest detection's
          bins (mean); ``peak``: the most posts in one of those bins.

    Raises
    ------
    InputError
        When a kind or scale is unknown or invalid, a minimum is below 1, the threshold is
        not positive, or a needed column is missing.

    References
    ----------
    .. [1] J. Kleinberg, "Bursty and hierarchical structure in streams", KDD 2002.

    Examples
    --------
    Thirty accounts post a fresh hashtag within an hour, in three days of other posts:

    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2023, 9, 18, tzinfo=UTC)
    >>> quiet = [(f"q{i}", t0 + timedelta(hours=i), ["other"]) for i in range(72)]
    >>> push = [(f"a{i}", t0 + timedelta(hours=40, minutes=2 * i), ["kami"]) for i in range(30)]
    >>> posts = pl.DataFrame(
    ...     [(f"p{i}", acc, ts, tags, []) for i, (acc, ts, tags) in enumerate(quiet + push)],
    ...     schema={"post_id": pl.String, "account": pl.String,
    ...             "ts": pl.Datetime("us", "UTC"), "hashtags": pl.List(pl.String),
    ...             "mentions": pl.List(pl.String)},
    ...     orient="row",
    ... )
    >>> bursts = detect_bursts(posts)
    >>> bursts.select("object", "n_posts", "n_accounts", "scale", "scales").rows()
    [('kami', 30, 30, '1h', ['1h', '6h'])]
    """
    kinds = _check_kinds(kinds)
    scale_us = _check_scales(scales)
    if min_posts < 1 or min_accounts < 1:
        raise InputError(
            f"min_posts and min_accounts must be at least 1, got {min_posts} and {min_accounts}"
        )
    if not threshold > 0:
        raise InputError(f"threshold must be a positive -log10 probability, got {threshold}")
    frame = _read(posts, kinds)
    names = BurstNames.of(frame)
    long, objects = _long(frame, kinds, names)
    total = len(scale_us)
    report(progress, _STAGE, 0, total)
    if long.is_empty():
        report(progress, _STAGE, total, total)
        return pl.DataFrame(schema=BURST_SCHEMA)
    rules = BurstRules(
        scales=tuple(scale_us.items()),
        span=(int(frame["ts_us"].min()), int(frame["ts_us"].max())),  # type: ignore[arg-type]
        min_posts=min_posts,
        min_accounts=min_accounts,
        threshold=threshold,
    )
    found = (runner or local_bursts)(long, objects, rules, progress)
    return finish_bursts(found, names)


@dataclass(frozen=True)
class BurstRules:
    """What the bursts of any set of objects depend on besides the objects' own posts: the
    scales (text, width in µs), the data's span (first and last post, µs), the minimums and
    the threshold; with `floors`, each kind's floor at each scale (`bin_floors`)."""

    scales: tuple[tuple[str, int], ...]
    span: tuple[int, int]
    min_posts: int
    min_accounts: int
    threshold: float
    floors: pl.DataFrame | None = None


# where the bursts of the objects are found: `local_bursts` on this machine, or a runner of
# `bin_cells` and `object_bursts` on pieces of the objects (`campaign_detect.signals.spark`);
# arguments `long`, `objects` (of `_long`), the rules and the progress callback, result
# `object_bursts`' frame
BurstRunner = Callable[
    [pl.DataFrame, pl.DataFrame, BurstRules, ProgressCallback | None], pl.DataFrame
]
# `object_bursts`' frame: `BURST_SCHEMA` with start and end as µs since the epoch and the
# accounts and post ids as the integer codes of `_long` (`BurstNames` reads them back)
BURST_WIRE_SCHEMA: dict[str, pl.DataType] = {
    **{n: t for n, t in BURST_SCHEMA.items() if n not in ("start", "end")},
    "accounts": pl.List(pl.Int64()),
    "post_ids": pl.List(pl.Int64()),
    "start_us": pl.Int64(),
    "end_us": pl.Int64(),
}
# `bin_cells`' frame: per kind and scale, the object rows and the (object, bin) cells
CELLS_SCHEMA: dict[str, pl.DataType] = {
    "kind": pl.String(),
    "scale_us": pl.Int64(),
    "rows": pl.Int64(),
    "cells": pl.Int64(),
}


def local_bursts(
    long: pl.DataFrame,
    objects: pl.DataFrame,
    rules: BurstRules,
    progress: ProgressCallback | None = None,
) -> pl.DataFrame:
    """The bursts of all objects at once, on this machine (a `BurstRunner`)."""
    floors = bin_floors(bin_cells(long, objects, rules))
    return object_bursts(long, objects, dataclasses.replace(rules, floors=floors), progress)


def bin_cells(long: pl.DataFrame, objects: pl.DataFrame, rules: BurstRules) -> pl.DataFrame:
    """Per kind and scale, how many object rows and (object, bin) cells with a post `long`
    holds (`CELLS_SCHEMA`): summed over any split of the objects, they give `bin_floors`."""
    kind = long.join(objects.select("oid", "kind"), on="oid").select("kind", "oid", "ts_us")
    parts = [
        kind.group_by("kind").agg(
            pl.lit(width, dtype=pl.Int64).alias("scale_us"),
            pl.len().cast(pl.Int64).alias("rows"),
            _cell(width, rules.span).n_unique().cast(pl.Int64).alias("cells"),
        )
        for _, width in rules.scales
    ]
    return pl.concat(parts).select(list(CELLS_SCHEMA)).cast(CELLS_SCHEMA)  # type: ignore[arg-type]


def _cell(width: int, span: tuple[int, int]) -> pl.Expr:
    """Each row's (object, bin of `width` µs) cell as one integer, which counts distinct
    faster than a struct: bins are aligned to the epoch and numbered from the span's first."""
    first = span[0] - span[0] % width
    bins = (span[1] - first) // width + 1
    return pl.col("oid") * bins + (pl.col("ts_us") - pl.col("ts_us") % width - first) // width


def bin_floors(cells: pl.DataFrame) -> pl.DataFrame:
    """Each kind's floor at each scale (``kind, scale_us, floor``): the mean count of an
    object of that kind in a bin where it is used at all, from `bin_cells` of the pieces."""
    return (
        cells.group_by("kind", "scale_us")
        .agg(pl.col("rows").sum(), pl.col("cells").sum())
        .select("kind", "scale_us", (pl.col("rows") / pl.col("cells")).alias("floor"))
    )


def object_bursts(
    long: pl.DataFrame,
    objects: pl.DataFrame,
    rules: BurstRules,
    progress: ProgressCallback | None = None,
) -> pl.DataFrame:
    """The bursts of the objects of `long` (`BURST_WIRE_SCHEMA`, in no set order), given
    the floors in `rules`; `progress` hears each scale done. Closed over objects: the rows
    of some objects give exactly their bursts, so a runner may call it on any split of the
    objects."""
    assert rules.floors is not None, "object_bursts needs the floors (bin_floors)"
    keep = (
        long.group_by("oid")
        .agg(pl.len().alias("n"), pl.col("account").n_unique().alias("a"))
        .filter((pl.col("n") >= rules.min_posts) & (pl.col("a") >= rules.min_accounts))
        .select("oid")
    )
    runs = []
    for done, (name, width) in enumerate(rules.scales, start=1):
        runs.append(
            _detect_at_scale(
                long,
                keep,
                objects,
                name=name,
                width=width,
                floor=rules.floors.filter(pl.col("scale_us") == width).select("kind", "floor"),
                span=rules.span,
                min_posts=rules.min_posts,
                min_accounts=rules.min_accounts,
                threshold=rules.threshold,
            )
        )
        report(progress, _STAGE, done, len(rules.scales))
    return _merge(pl.concat(runs), long, objects)


@dataclass(frozen=True)
class BurstNames:
    """The distinct accounts and post ids of the posts, sorted: code ``i`` of `_long` is
    the ``i``-th of them, so the object rows (and what a Spark runner ships) hold no
    strings."""

    accounts: pl.Series
    post_ids: pl.Series

    @classmethod
    def of(cls, frame: pl.DataFrame) -> BurstNames:
        """The names behind `_long`'s codes of `frame` (of `_read`)."""
        return cls(*(frame[c].drop_nulls().unique().sort() for c in ("account", "post_id")))

    def codes(self, frame: pl.DataFrame) -> tuple[pl.Series, pl.Series]:
        """`frame`'s accounts and post ids as their places in these sorted names: codes
        that sort as the strings do."""
        return _places(frame["account"], self.accounts), _places(frame["post_id"], self.post_ids)

    def read(self, found: pl.DataFrame) -> pl.DataFrame:
        """`found` (`BURST_WIRE_SCHEMA`) with its accounts and post ids as strings."""
        return found.with_columns(
            _gathered(found["accounts"], self.accounts),
            _gathered(found["post_ids"], self.post_ids),
        )


def _places(values: pl.Series, names: pl.Series) -> pl.Series:
    """Each of `values` as its place in `names` (Int64; null where it is not there)."""
    indexed = names.to_frame("name").with_row_index("code")
    coded = values.to_frame("name").join(indexed, on="name", how="left", maintain_order="left")
    return coded["code"].cast(pl.Int64)


def _gathered(codes: pl.Series, names: pl.Series) -> pl.Series:
    """Each list of codes in `codes` as the list of those entries of `names`."""
    rows = codes.to_frame("code").with_row_index("row").explode("code", empty_as_null=True)
    named = (
        rows.with_columns(names.gather(rows["code"]).alias("name"))
        .group_by("row", maintain_order=True)
        .agg("name")
        .with_columns(codes.list.len().alias("n"))
    )
    return (
        named.select(pl.when(pl.col("n") > 0).then("name").otherwise(pl.col("name").list.head(0)))
        .to_series()
        .alias(codes.name)
    )


def finish_bursts(found: pl.DataFrame, names: BurstNames) -> pl.DataFrame:
    """`object_bursts`' rows as `BURST_SCHEMA`, with `names` read back, strongest first
    (a total order)."""
    return (
        names.read(found)
        .with_columns(
            pl.from_epoch("start_us", time_unit="us").dt.replace_time_zone("UTC").alias("start"),
            pl.from_epoch("end_us", time_unit="us").dt.replace_time_zone("UTC").alias("end"),
        )
        .select(list(BURST_SCHEMA))
        .cast(BURST_SCHEMA)  # type: ignore[arg-type]
        .sort(
            ["strength", "n_posts", "kind", "object", "start"],
            descending=[True, True, False, False, False],
        )
    )


# --- input --------------------------------------------------------------------------------
def _check_kinds(kinds: Sequence[str]) -> list[str]:
    if isinstance(kinds, str):
        kinds = [kinds]
    unknown = [k for k in kinds if k not in _KIND_COLUMNS]
    if unknown or not kinds:
        raise InputError(
            f"kinds: {list(kinds)} is not valid; choose one or more of {', '.join(_KIND_COLUMNS)}"
        )
    return list(dict.fromkeys(kinds))


def _check_scales(scales: Sequence[str | Duration]) -> dict[str, int]:
    """Scales (duration strings or `Duration`s) -> widths in microseconds, finest first,
    keyed by their text (duplicates dropped)."""
    if isinstance(scales, str):
        scales = [scales]
    if not scales:
        raise InputError("scales: give at least one bin width, e.g. 15m, 1h, 6h, 1d")
    widths: dict[str, int] = {}
    for scale in scales:
        parsed = Duration.parse(scale, name="scales")
        width = parsed.delta // timedelta(microseconds=1)
        if _DAY_US % width if width < _DAY_US else width % _DAY_US:
            raise InputError(
                f"scales: {parsed.text!r} must divide a day (e.g. 15m, 1h, 6h) or be whole days "
                "(e.g. 1d), so that bins line up with the time of day"
            )
        if width not in widths.values():
            widths[parsed.text] = width
    return dict(sorted(widths.items(), key=lambda item: item[1]))


def _read(posts: pl.DataFrame | pl.LazyFrame, kinds: list[str]) -> pl.DataFrame:
    columns = ["post_id", "account", "ts", *(_KIND_COLUMNS[k] for k in kinds)]
    lazy = posts.lazy() if isinstance(posts, pl.DataFrame) else posts
    schema = lazy.collect_schema()
    missing = [c for c in columns if c not in schema]
    if missing:
        raise InputError(
            f"posts: no column(s) {missing} (columns: {list(schema.names())}); "
            "pass posts in the post schema, e.g. load_posts(...).posts"
        )
    if not isinstance(schema["ts"], pl.Datetime):
        raise InputError(f"posts: column 'ts' is {schema['ts']}, expected datetime[us, UTC]")
    return (
        lazy.select(columns)
        .with_columns(
            (
                pl.col("ts").dt.replace_time_zone("UTC")
                if schema["ts"].time_zone is None  # type: ignore[attr-defined]
                else pl.col("ts").dt.convert_time_zone("UTC")
            ).dt.cast_time_unit("us")
        )
        .with_columns(pl.col("ts").dt.epoch("us").alias("ts_us"))
        .filter(pl.col("ts_us").is_not_null())
        .collect()
    )


def _long(
    frame: pl.DataFrame, kinds: list[str], names: BurstNames
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per (object, post): ``oid, account, post, ts_us``; and the object table.

    Object ids are ranks of (kind, object), so they do not depend on the input's row order.
    ``account`` and ``post`` are integer codes: each account's and post id's place in
    `names`, so the rows hold no strings, codes sort as the strings do, and `names` reads
    them back; a post id seen twice is still one post.
    """
    account, post = names.codes(frame)
    coded = frame.select(
        account.alias("account"),
        post.alias("post"),
        "ts_us",
        *(_KIND_COLUMNS[k] for k in kinds),
    )
    parts = [
        coded.select(
            pl.lit(kind).alias("kind"),
            pl.col(_KIND_COLUMNS[kind]).alias("object"),
            "account",
            "post",
            "ts_us",
        )
        .explode("object")
        .filter(pl.col("object").is_not_null() & (pl.col("object") != ""))
        for kind in kinds
    ]
    long = pl.concat(parts)
    objects = (
        long.select("kind", "object")
        .unique()
        .sort("kind", "object")
        .with_row_index("oid")
        .with_columns(pl.col("oid").cast(pl.Int64))
    )
    long = (
        long.join(objects, on=["kind", "object"], maintain_order="left")
        .select("oid", "account", "post", "ts_us")
        .unique(["oid", "post"], keep="first", maintain_order=True)
    )
    return long, objects


# --- one scale ----------------------------------------------------------------------------
def _detect_at_scale(
    long: pl.DataFrame,
    keep: pl.DataFrame,
    objects: pl.DataFrame,
    *,
    name: str,
    width: int,
    floor: pl.DataFrame,
    span: tuple[int, int],
    min_posts: int,
    min_accounts: int,
    threshold: float,
) -> pl.DataFrame:
    """Hot-bin runs of one scale that pass the minimums: ``_RUN_SCHEMA``."""
    binned = long.with_columns((pl.col("ts_us") - pl.col("ts_us") % width).alias("bin"))
    cells = binned.group_by("oid", "bin").agg(pl.len().alias("n"))
    cells = (
        cells.join(keep, on="oid", how="semi")
        .join(objects.select("oid", "kind"), on="oid")
        .join(floor, on="kind")
    )
    if cells.is_empty():
        return pl.DataFrame(schema=_RUN_SCHEMA)
    slot_of, history = _slots(width, span)
    cells = cells.with_columns(slot_of.cast(pl.Int64).alias("slot")).sort("oid", "slot", "n", "bin")
    oid = cells["oid"].to_numpy()
    slot = cells["slot"].to_numpy()
    n = cells["n"].to_numpy().astype(np.float64)
    med, mad = _robust_centre(oid, slot, n, history[slot])
    mean = np.maximum(med, cells["floor"].to_numpy())
    var = np.maximum(mean, (_MAD_TO_SD * mad) ** 2)
    cells = cells.with_columns(
        pl.Series("expected", mean), pl.Series("strength", _log10_tail(n, mean, var))
    )
    hot = (
        cells.filter(pl.col("strength") >= threshold)
        .sort("oid", "bin")
        .with_columns(
            (
                (pl.col("oid") != pl.col("oid").shift(1))
                | (pl.col("bin") != pl.col("bin").shift(1) + width)
            )
            .fill_null(True)
            .cum_sum()
            .alias("run")
        )
    )
    if hot.is_empty():
        return pl.DataFrame(schema=_RUN_SCHEMA)
    members = (
        binned.join(hot.select("oid", "bin", "run"), on=["oid", "bin"])
        .group_by("run")
        .agg(pl.len().alias("n_posts"), pl.col("account").n_unique().alias("n_accounts"))
        .filter((pl.col("n_posts") >= min_posts) & (pl.col("n_accounts") >= min_accounts))
    )
    return (
        hot.join(members.select("run"), on="run", how="semi")
        .group_by("run")
        .agg(
            pl.col("oid").first(),
            pl.col("bin").min().alias("bs"),
            (pl.col("bin").max() + width).alias("be"),
            pl.col("strength").max(),
            pl.col("expected").mean().alias("baseline"),
            pl.col("n").max().cast(pl.Int64).alias("peak"),
        )
        .with_columns(pl.lit(width).alias("scale_us"), pl.lit(name).alias("scale"))
        .select(list(_RUN_SCHEMA))
        .cast(_RUN_SCHEMA)  # type: ignore[arg-type]
    )


def _slots(width: int, span: tuple[int, int]) -> tuple[pl.Expr, np.ndarray]:
    """How bins map to history samples, and how many bins each sample holds.

    Returns ``(slot_of, history)``: `slot_of` maps the ``bin`` column to sample ids, and
    ``history[slot]`` is the number of bins of the data's span in that sample (zeros count).
    With at least `_MIN_HISTORY_DAYS` bins at every time of day, a sample is one time of day;
    otherwise (and for scales of a day or more) it is the whole span.
    """
    lo, hi = span[0] - span[0] % width, span[1] - span[1] % width
    if width < _DAY_US:
        per_day = _DAY_US // width
        first_day, last_day = lo // _DAY_US, hi // _DAY_US
        first_slot, last_slot = (lo % _DAY_US) // width, (hi % _DAY_US) // width
        slots = np.arange(per_day)
        history = (
            (last_day - first_day + 1)
            - (slots < first_slot).astype(np.int64)
            - (slots > last_slot).astype(np.int64)
        )
        if history.min() >= _MIN_HISTORY_DAYS:
            return (pl.col("bin") % _DAY_US) // width, history
    return pl.lit(0), np.array([(hi - lo) // width + 1], dtype=np.int64)


def _robust_centre(
    group: np.ndarray, slot: np.ndarray, n: np.ndarray, size: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: median and MAD of its (object, slot) sample, with the absent bins as zeros.

    The cells must be sorted by (group, slot, n). `size` is the sample size (the number of
    bins in the slot's history, at least the number of nonzero cells).
    """
    new = np.r_[True, (group[1:] != group[:-1]) | (slot[1:] != slot[:-1])]
    starts = np.flatnonzero(new)
    sample = np.cumsum(new) - 1  # sample index of each cell
    k = np.diff(np.r_[starts, len(n)])  # nonzero cells per sample
    d = size[starts]
    zeros = d - k

    def order_stat(values: np.ndarray, i: np.ndarray, fill: np.ndarray, below: np.ndarray):
        # i-th smallest of `below` sorted values, then `zeros` copies of `fill`, then the rest
        pos = np.where(i < below, i, i - zeros)
        pos = np.clip(pos, 0, k - 1)
        inside = (i < below) | (i >= below + zeros)
        return np.where(inside, values[starts + pos], fill)

    lo_i, hi_i = (d - 1) // 2, d // 2
    nothing = np.zeros_like(k)
    med_s = 0.5 * (
        order_stat(n, lo_i, np.zeros(len(k)), nothing)
        + order_stat(n, hi_i, np.zeros(len(k)), nothing)
    )
    dev = np.abs(n - med_s[sample])
    order = np.lexsort((dev, sample))
    dev_sorted = dev[order]
    below = np.bincount(sample, weights=(dev < med_s[sample]), minlength=len(k)).astype(np.int64)
    mad_s = 0.5 * (
        order_stat(dev_sorted, lo_i, med_s, below) + order_stat(dev_sorted, hi_i, med_s, below)
    )
    return med_s[sample], mad_s[sample]


def _log10_tail(n: np.ndarray, mean: np.ndarray, var: np.ndarray) -> np.ndarray:
    """``-log10 P(X >= n)`` for X negative binomial with this mean and variance.

    A variance within rounding of the mean gives a Poisson. Where the tail probability
    underflows, the point probability ``P(X = n)`` (a lower bound of the tail) is used.
    """
    poisson = var <= mean * (1.0 + 1e-9)
    out = np.empty_like(n)
    if poisson.any():
        k, m = n[poisson], mean[poisson]
        tail = stats.poisson.logsf(k - 1, m)
        point = stats.poisson.logpmf(k, m)
        out[poisson] = np.where(np.isfinite(tail), tail, point)
    if (~poisson).any():
        k, m, v = n[~poisson], mean[~poisson], var[~poisson]
        r = m * m / (v - m)
        p = r / (r + m)
        tail = stats.nbinom.logsf(k - 1, r, p)
        point = stats.nbinom.logpmf(k, r, p)
        out[~poisson] = np.where(np.isfinite(tail), tail, point)
    return np.maximum(-out / _LN10, 0.0)


# --- merge across scales ------------------------------------------------------------------
def _merge(runs: pl.DataFrame, long: pl.DataFrame, objects: pl.DataFrame) -> pl.DataFrame:
    """Merge overlapping or touching detections of one object into bursts; attach posts."""
    if runs.is_empty():
        return pl.DataFrame(schema=BURST_WIRE_SCHEMA)
    runs = (
        runs.sort("oid", "bs", "be", "scale_us")
        .with_columns(pl.col("be").cum_max().over("oid").alias("reach"))
        .with_columns(
            ((pl.col("oid") != pl.col("oid").shift(1)) | (pl.col("bs") > pl.col("reach").shift(1)))
            .fill_null(True)
            .cum_sum()
            .alias("burst")
        )
    )
    best = (
        runs.sort(["burst", "strength", "scale_us", "bs"], descending=[False, True, False, False])
        .group_by("burst", maintain_order=True)
        .agg(
            pl.col("oid").first(),
            pl.col("scale").first(),
            pl.col("strength").first(),
            pl.col("baseline").first(),
            pl.col("peak").first(),
            pl.col("bs").min().alias("lo"),
            pl.col("be").max().alias("hi"),
        )
    )
    scales = (
        runs.select("burst", "scale", "scale_us")
        .unique()
        .sort("burst", "scale_us")
        .group_by("burst", maintain_order=True)
        .agg(pl.col("scale").alias("scales"))
    )
    posts = (
        _in_bursts(long, best.select("burst", "oid", "lo", "hi"))
        .sort("burst", "ts_us", "post")
        .group_by("burst", maintain_order=True)
        .agg(
            pl.col("ts_us").min().alias("start_us"),
            pl.col("ts_us").max().alias("end_us"),
            pl.len().alias("n_posts"),
            pl.col("account").n_unique().alias("n_accounts"),
            pl.col("account").unique().sort().alias("accounts"),
            pl.col("post").alias("post_ids"),
        )
    )
    return (
        best.join(scales, on="burst")
        .join(posts, on="burst")
        .join(objects, on="oid")
        .select(list(BURST_WIRE_SCHEMA))
        .cast(BURST_WIRE_SCHEMA)  # type: ignore[arg-type]
    )


def _in_bursts(long: pl.DataFrame, bursts: pl.DataFrame) -> pl.DataFrame:
    """The rows of `long` inside a burst of their object, with the burst's ``burst`` id.

    The bursts of one object are disjoint ``[lo, hi)`` intervals, so each row has at most
    one: the object's last burst starting at or before it (an as-of join), if the row is
    before its end. A join on the object alone would pair every post of a busy hashtag
    with each of its bursts (at 10M posts, hundreds of millions of rows).
    """
    return (
        long.join(bursts.select("oid"), on="oid", how="semi")
        .sort("ts_us")
        .join_asof(
            bursts.sort("lo"),
            left_on="ts_us",
            right_on="lo",
            by="oid",
            strategy="backward",
            check_sortedness=False,  # both sides are sorted by time, so within each object
        )
        .filter(pl.col("ts_us") < pl.col("hi"))
    )
