"""A cluster's timeline: its posts per bin against its hashtag's whole traffic and baseline.

One computation feeds both views of it: the SVG chart of the HTML report and the bar chart
that ``explain --plot`` draws in the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl

from campaign_detect.config import parse_duration

if TYPE_CHECKING:
    from campaign_detect.pipeline import ScanResult

__all__ = ["Timeline", "cluster_timeline", "print_timeline"]

#: bins a timeline holds at most; a longer range gets wider bins than an hour
MAX_BINS = 240
_BIN_CHOICES = (timedelta(hours=1), timedelta(hours=3), timedelta(hours=6), timedelta(days=1))


@dataclass(frozen=True)
class Timeline:
    """Posts per bin around one cluster's window.

    Attributes
    ----------
    rank
        The cluster's rank.
    tag
        The hashtag (or mention target, prefixed ``@``) whose traffic is shown, ``None`` when
        the cluster has neither: then ``traffic`` counts every post.
    bin
        Width of a bin (an hour unless the range is long).
    starts
        Start of each bin (UTC), consecutive.
    cluster
        Posts by the cluster's members with ``tag`` (all their posts when ``tag`` is None)
        in each bin: their share of ``traffic``.
    traffic
        Every post in the input with ``tag`` in each bin (the members' included).
    baseline
        Expected posts of ``tag`` per bin, and where that figure came from
        (``baseline_source``), or ``None``.
    start, end
        The cluster's window.
    """

    rank: int
    tag: str | None
    bin: timedelta
    starts: list[datetime]
    cluster: list[int]
    traffic: list[int]
    baseline: float | None
    baseline_source: str
    start: datetime
    end: datetime


def _bin_width(span: timedelta) -> timedelta:
    for width in _BIN_CHOICES:
        if span / width <= MAX_BINS:
            return width
    return timedelta(seconds=span.total_seconds() / MAX_BINS)


def _counts(frame: pl.DataFrame, first: datetime, width: timedelta, n: int) -> list[int]:
    index = (
        ((pl.col("ts") - pl.lit(first)).dt.total_microseconds() // int(width / timedelta(0, 0, 1)))
        .cast(pl.Int64)
        .alias("i")
    )
    counted = frame.select(index).group_by("i").agg(pl.len().alias("n"))
    out = [0] * n
    for i, count in counted.iter_rows():
        if 0 <= i < n:
            out[i] = count
    return out


def cluster_timeline(result: ScanResult, row: dict) -> Timeline:
    """The timeline of one row of ``result.clusters`` (a dict from ``iter_rows(named=True)``).

    The range is the cluster's window padded on each side by half its length (at least
    twelve hours), within the input's time span, so that the traffic before and after the
    burst is in view.
    """
    posts = result.posts
    start, end = row["start"], row["end"]
    pad = max(timedelta(hours=12), (end - start) / 2)
    lo, hi = start - pad, end + pad
    if posts.height:
        lo, hi = max(lo, posts["ts"].min()), min(hi, posts["ts"].max())  # type: ignore[type-var]
    width = _bin_width(max(hi - lo, timedelta(hours=1)))
    first = _floor(min(lo, start), width)
    n = int((max(hi, end) - first) / width) + 1
    window = posts.filter(pl.col("ts") >= first, pl.col("ts") < first + n * width)
    accounts = result.members.filter(pl.col("cluster") == row["cluster"]).select("account")
    mine = window.join(accounts, on="account", how="semi")
    tag, column = _main_object(mine.filter(pl.col("ts").is_between(start, end)))
    if tag is None:
        traffic_posts, everywhere = window, posts
    else:
        has = pl.col(column).list.contains(tag)
        traffic_posts, everywhere, mine = window.filter(has), posts.filter(has), mine.filter(has)
    baseline, source = _baseline(result, tag, column, width, everywhere, start, end)
    label = None if tag is None else ("#" if column == "hashtags" else "@") + tag
    return Timeline(
        rank=row["rank"],
        tag=label,
        bin=width,
        starts=[first + i * width for i in range(n)],
        cluster=_counts(mine, first, width, n),
        traffic=_counts(traffic_posts, first, width, n),
        baseline=baseline,
        baseline_source=source,
        start=start,
        end=end,
    )


def _floor(moment: datetime, width: timedelta) -> datetime:
    if width >= timedelta(days=1):
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(minute=0, second=0, microsecond=0)


def _main_object(posts: pl.DataFrame) -> tuple[str | None, str]:
    """The hashtag most members used in the window, else the most used mention target."""
    for column in ("hashtags", "mentions"):
        top = (
            posts.select("account", pl.col(column).alias("o"))
            .explode("o")
            .drop_nulls()
            .unique()
            .group_by("o")
            .agg(pl.len().alias("n"))
            .sort(["n", "o"], descending=[True, False])
            .head(1)
        )
        if top.height:
            return top["o"][0], column
    return None, "hashtags"


def _baseline(
    result: ScanResult,
    tag: str | None,
    column: str,
    width: timedelta,
    everywhere: pl.DataFrame,
    start: datetime,
    end: datetime,
) -> tuple[float | None, str]:
    """The burst detector's baseline of ``tag`` where it found a burst overlapping the
    window; else the tag's mean posts per bin outside the window."""
    if tag is not None and result.bursts.height:
        kind = "hashtag" if column == "hashtags" else "mention"
        found = result.bursts.filter(
            pl.col("object") == tag,
            pl.col("kind") == kind,
            pl.col("start") <= end,
            pl.col("end") >= start,
        ).sort(["strength", "scale"], descending=[True, False])
        if found.height:
            burst = found.row(0, named=True)
            scale = parse_duration(burst["scale"], name="scale")
            per_bin = burst["baseline"] * (width / scale)
            return per_bin, f"burst detector's baseline (same hour of day), at {burst['scale']}"
    posts = result.posts
    if not posts.height:
        return None, ""
    first: datetime = posts["ts"].min()  # type: ignore[assignment]
    last: datetime = posts["ts"].max()  # type: ignore[assignment]
    span = last - first
    outside = span - (end - start)
    if outside < width:
        return None, ""
    n_out = everywhere.filter(~pl.col("ts").is_between(start, end)).height
    return n_out / (outside / width), "mean outside the cluster's window"


def print_timeline(timeline: Timeline, console) -> None:
    """A bar chart of the timeline for the terminal, one line per bin: the members' posts
    with the tag as solid blocks, the rest of its traffic as light blocks, the baseline as
    ``│``."""
    from rich.markup import escape
    from rich.table import Table

    width_hours = timeline.bin / timedelta(hours=1)
    unit = "hour" if width_hours == 1 else f"{width_hours:g} hours"
    what = escape(timeline.tag) if timeline.tag else "all posts"
    table = Table(
        title=f"cluster {timeline.rank}: posts per {unit} (UTC), its members against {what}",
        caption="█ the cluster's posts  ░ the rest of the traffic  │ baseline"
        + (f" ({timeline.baseline_source})" if timeline.baseline is not None else "")
        + "  * inside the cluster's window",
        box=None,
        pad_edge=False,
    )
    table.add_column("time", no_wrap=True)
    table.add_column("cluster", justify="right")
    table.add_column(escape(timeline.tag or "all"), justify="right")
    table.add_column("", no_wrap=True)
    top = max([*timeline.traffic, *timeline.cluster, 1])
    bar_width = 40
    base = None if timeline.baseline is None else round(timeline.baseline / top * bar_width)
    for when, mine, total in zip(timeline.starts, timeline.cluster, timeline.traffic, strict=True):
        inside = timeline.start <= when + timeline.bin and when <= timeline.end
        solid = round(mine / top * bar_width)
        light = max(0, round(max(total, mine) / top * bar_width) - solid)
        cells = ["█"] * solid + ["░"] * light
        if base is not None and base < bar_width:
            cells += [" "] * (base + 1 - len(cells))
            if cells[base] == " ":
                cells[base] = "│"
        bar = "".join(cells).rstrip()
        table.add_row(
            when.strftime("%Y-%m-%d %H:%M") + ("*" if inside else " "),
            str(mine),
            str(total),
            f"[red]{bar[:solid]}[/red][dim]{escape(bar[solid:])}[/dim]",
        )
    console.print(table)
