"""Which scored clusters are reported, and their ranks.

Three reporting rules, each removing one family of look-alikes: significant co-posting
(chance), not a crowd (the audience test's verdict where it is conclusive, else repeated
action: crowds around one moment, one-off crowds) and amplification (feeds). Ranks are assigned
after these rules and before the user's filters, which keep them, so that ranks stay
comparable between filtered views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from campaign_detect.entities import carries_hashtag

__all__ = [
    "MAX_P_VALUE",
    "MIN_AMPLIFICATION",
    "MIN_REPETITION",
    "SelectParams",
    "Selection",
    "select_clusters",
]

# the reporting rules' defaults (see `campaign_detect.ScanConfig`)
MAX_P_VALUE = 0.05
MIN_REPETITION = 0.5
MIN_AMPLIFICATION = 0.5


@dataclass(frozen=True)
class SelectParams:
    """The reporting rules and the user's filters (`campaign_detect.ScanConfig` documents
    each one)."""

    max_p_value: float = MAX_P_VALUE
    min_repetition: float = MIN_REPETITION
    min_amplification: float = MIN_AMPLIFICATION
    min_score: float = 0.0
    top: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    hashtag: str | None = None


@dataclass(frozen=True)
class Selection:
    """The reported clusters, and how many candidates each rule removed.

    Attributes
    ----------
    clusters
        The reported clusters, ranked 1.. (ranks kept through the user's filters).
    scored
        How many clusters were scored (what the rules were applied to).
    removed
        Per rule, in the order applied (``max_p_value``, ``min_repetition``,
        ``min_amplification``, then the user's ``filters``: score, time, hashtag, top),
        how many clusters it removed that the rules before it had kept.
    """

    clusters: pl.DataFrame
    scored: int
    removed: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, fixed key order."""
        return {
            "scored": self.scored,
            "removed": dict(self.removed),
            "reported": self.clusters.height,
        }


def select_clusters(
    clusters: pl.DataFrame,
    posts: pl.DataFrame,
    membership: pl.DataFrame,
    params: SelectParams = SelectParams(),
) -> Selection:
    """Keep the clusters with evidence of coordination (significant co-posting, repeated
    action, more accounts than messages), rank them 1.., then apply the user's filters,
    which keep those ranks so that they stay comparable between filtered views."""
    removed = dict.fromkeys(("max_p_value", "min_repetition", "min_amplification", "filters"), 0)
    if clusters.is_empty():
        return Selection(clusters, 0, removed)
    kept = clusters
    repeated = pl.col("repeated_coaction") >= params.min_repetition
    if "audience_verdict" in clusters.columns:
        # the audience test, where it ran and was conclusive, decides instead: a campaign
        # is kept even if it acted once, a crowd is dropped even if it repeated
        verdict = pl.col("audience_verdict")
        repeated = (
            pl.when(verdict == "campaign")
            .then(True)
            .when(verdict == "crowd")
            .then(False)
            .otherwise(repeated)
        )
    for name, rule in (
        ("max_p_value", pl.col("p_adjusted").fill_nan(0.0) <= params.max_p_value),
        ("min_repetition", repeated),
        ("min_amplification", pl.col("amplification") >= params.min_amplification),
    ):
        passing = kept.filter(rule)
        removed[name] = kept.height - passing.height
        kept = passing
    ranked = kept.sort("rank").with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank")
    )
    selected = _filtered(ranked, posts, membership, params)
    removed["filters"] = ranked.height - selected.height
    return Selection(selected, clusters.height, removed)


def _filtered(
    ranked: pl.DataFrame, posts: pl.DataFrame, membership: pl.DataFrame, params: SelectParams
) -> pl.DataFrame:
    """The user's filters: score, time range, hashtag, top N."""
    selected = ranked.filter(pl.col("score") >= params.min_score)
    if params.since is not None:
        selected = selected.filter(pl.col("end") >= params.since)
    if params.until is not None:
        selected = selected.filter(pl.col("start") <= params.until)
    if params.hashtag is not None:
        using = (
            posts.filter(carries_hashtag(params.hashtag))
            .select("account")
            .join(membership, on="account")
            .select("cluster")
            .unique()
        )
        selected = selected.join(using, on="cluster", how="semi")
    if params.top is not None:
        selected = selected.head(params.top)
    return selected
