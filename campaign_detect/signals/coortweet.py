"""CooRTweet's co-share network, computed by our co-action sweep: a compatibility mode so
that CooRTweet's users can check us edge for edge.

CooRTweet (Righetti & Balluff; `detect_groups` + `generate_coordinated_network`) counts, per
pair of accounts, every pair of their posts of one object within the time window (one
account sharing a tweet once and the other three times is weight 3), after two account
filters (`min_participation`): accounts with fewer rows than that in the data are dropped
before pairing, and pairs where neither account has that many paired rows are dropped
after. An edge is "coordinated" when its weight is above the `edge_weight` quantile of all
weights. Our own network (`coaction_edges`) counts distinct events on the smaller side and
filters pairs by `min_repeats` and chance instead; `docs/signals-coaction.md` compares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.objects import object_rows
from campaign_detect.signals.coaction import coaction_events

__all__ = ["CoortweetNetwork", "coortweet_network"]

_EDGE_COLUMNS = (
    "a",
    "b",
    "weight",
    "avg_time_delta",
    "n_content_id",
    "n_content_id_y",
    "edge_symmetry_score",
    "weight_threshold",
)


@dataclass(frozen=True)
class CoortweetNetwork:
    """CooRTweet's network: ``edges`` (``a < b`` and the columns CooRTweet gives an edge)
    and the weight `threshold` (the `edge_weight` quantile) above which an edge counts."""

    edges: pl.DataFrame
    threshold: float


def _participants(rows: pl.DataFrame, posts: pl.DataFrame, minimum: int) -> pl.Series:
    """Accounts with at least `minimum` (post, object) rows: CooRTweet's pre-filter."""
    counts = rows.join(posts.select("account").with_row_index("pidx"), on="pidx")
    return counts.group_by("account").agg(pl.len()).filter(pl.col("len") >= minimum)["account"]


def coortweet_network(
    posts: pl.DataFrame,
    *,
    window: timedelta,
    objects: Sequence[str] = (),
    extra_objects: Sequence[str] = (),
    min_participation: int = 2,
    edge_weight: float = 0.5,
    coordinated: bool = False,
) -> CoortweetNetwork:
    """CooRTweet's ``detect_groups(time_window, min_participation)`` then
    ``generate_coordinated_network(edge_weight, subgraph = 1 if coordinated else 0)``.

    Parameters
    ----------
    posts
        Post-schema frame (with the `extra_objects` columns).
    window
        CooRTweet's ``time_window``: two posts of one object at most this far apart pair.
    objects, extra_objects
        What counts as the shared object (CooRTweet's ``object_id``), as in
        `coaction_edges`.
    min_participation
        CooRTweet's account filter (0 turns it off): see the module docstring.
    edge_weight
        The quantile (0-1, R's default type 7) of the weights that an edge must exceed to
        be marked ``weight_threshold = 1``.
    coordinated
        Keep only the marked edges (CooRTweet's ``subgraph = 1``).
    """
    if not 0.0 <= edge_weight <= 1.0:
        raise InputError(f"edge_weight must be in [0, 1], got {edge_weight}")
    if min_participation < 0:
        raise InputError(f"min_participation must be 0 or more, got {min_participation}")
    rows = object_rows(posts, objects, extra_objects)
    participants = _participants(rows, posts, min_participation).implode()
    kept = posts.filter(pl.col("account").is_in(participants))
    events = coaction_events(
        kept,
        accounts=kept["account"].unique().to_list(),
        window=window,
        objects=objects,
        extra_objects=extra_objects,
        max_accounts_per_window=max(1, kept.height),
        max_pairs=None,
    )
    events = _filter_participation(events, kept, objects, extra_objects, min_participation)
    edges = _aggregate(events, kept)
    weights = edges["weight"].to_numpy()
    threshold = float(np.quantile(weights, edge_weight)) if len(weights) else 0.0
    edges = edges.with_columns(
        (pl.col("weight") > threshold).cast(pl.Int8).alias("weight_threshold")
    ).select(_EDGE_COLUMNS)
    if coordinated:
        edges = edges.filter(pl.col("weight_threshold") == 1)
    return CoortweetNetwork(edges.sort("a", "b"), threshold)


def _filter_participation(
    events: pl.DataFrame,
    posts: pl.DataFrame,
    objects: Sequence[str],
    extra_objects: Sequence[str],
    minimum: int,
) -> pl.DataFrame:
    """Keep the post pairs where one account has at least `minimum` (post, object) rows
    among the posts that paired at all (CooRTweet's second account filter)."""
    if minimum < 1 or events.is_empty():
        return events
    paired = pl.concat([events["post_id_a"], events["post_id_b"]]).unique().implode()
    in_pairs = posts.with_row_index("pidx").filter(pl.col("post_id").is_in(paired))
    rows = object_rows(in_pairs.drop("pidx"), objects, extra_objects)
    qualified = (
        rows.join(in_pairs.select("account").with_row_index("pidx"), on="pidx")
        .group_by("account")
        .agg(pl.len())
        .filter(pl.col("len") >= minimum)["account"]
        .implode()
    )
    return events.filter(pl.col("a").is_in(qualified) | pl.col("b").is_in(qualified))


def _aggregate(events: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """Per account pair: every post pair counts one (``weight``); the mean time between
    the two posts; how many distinct older and newer posts took part (older by time, then
    by input order, as CooRTweet's join orders them) and the symmetry of the two."""
    order = posts.select(
        "post_id", pl.struct("ts", "file", "row").rank("ordinal").alias("position")
    )
    pairs = (
        events.join(order.rename({"post_id": "post_id_a", "position": "pos_a"}), on="post_id_a")
        .join(order.rename({"post_id": "post_id_b", "position": "pos_b"}), on="post_id_b")
        .with_columns(
            pl.when(pl.col("pos_a") < pl.col("pos_b"))
            .then(pl.col("post_id_a"))
            .otherwise(pl.col("post_id_b"))
            .alias("older"),
            pl.when(pl.col("pos_a") < pl.col("pos_b"))
            .then(pl.col("post_id_b"))
            .otherwise(pl.col("post_id_a"))
            .alias("newer"),
            (pl.col("ts_a") - pl.col("ts_b")).dt.total_seconds().abs().alias("delta"),
        )
    )
    return (
        pairs.group_by("a", "b")
        .agg(
            pl.len().alias("weight"),
            pl.col("delta").mean().alias("avg_time_delta"),
            pl.col("older").n_unique().alias("n_content_id"),
            pl.col("newer").n_unique().alias("n_content_id_y"),
        )
        .with_columns(
            (
                pl.min_horizontal("n_content_id", "n_content_id_y")
                / pl.max_horizontal("n_content_id", "n_content_id_y")
            ).alias("edge_symmetry_score"),
            pl.col("weight").cast(pl.Int64),
        )
    )
