"""Which scored clusters are reported, and their ranks.

Four reporting rules, each removing one family of look-alikes: significant co-posting
(chance), most members co-posting beyond chance on their own (a few busy members, or
schedules), not a crowd (the audience test's verdict where it is conclusive, else repeated
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
    "MIN_BEYOND_CHANCE",
    "MIN_REPETITION",
    "NOT_REPORTED",
    "REPORT_ALL",
    "SelectParams",
    "Selection",
    "select_clusters",
]

# the reporting rules' defaults (see `campaign_detect.ScanConfig`)
MAX_P_VALUE = 0.05
MIN_BEYOND_CHANCE = 0.5
MIN_REPETITION = 0.5
MIN_AMPLIFICATION = 0.5
REPORT_ALL = False

# why a cluster the rules drop is not reported, by rule (``not_reported`` with `report_all`)
NOT_REPORTED = {
    "max_p_value": "its co-posting is not significant beyond chance (max_p_value)",
    "min_beyond_chance": "most members co-post no more than twice what chance gives them "
    "(min_beyond_chance)",
    "crowd": "the audience test reads it as part of the crowd around a moment",
    "min_repetition": "most members acted together only once (min_repetition)",
    "min_amplification": "more messages than accounts, like a feed (min_amplification)",
}


@dataclass(frozen=True)
class SelectParams:
    """The reporting rules and the user's filters (`campaign_detect.ScanConfig` documents
    each one)."""

    max_p_value: float = MAX_P_VALUE
    min_beyond_chance: float = MIN_BEYOND_CHANCE
    min_repetition: float = MIN_REPETITION
    min_amplification: float = MIN_AMPLIFICATION
    min_score: float = 0.0
    top: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    hashtag: str | None = None
    report_all: bool = REPORT_ALL


@dataclass(frozen=True)
class Selection:
    """The reported clusters, and how many candidates each rule removed.

    Attributes
    ----------
    clusters
        The reported clusters, ranked 1.. (ranks kept through the user's filters); with
        `report_all`, then the clusters the rules dropped, ranked after them, each with
        the reason in ``not_reported`` (null for reported clusters).
    scored
        How many clusters were scored (what the rules were applied to).
    removed
        Per rule, in the order applied (``max_p_value``, ``min_beyond_chance``,
        ``min_repetition``,
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
            "reported": self.clusters.filter(pl.col("not_reported").is_null()).height,
        }


def select_clusters(
    clusters: pl.DataFrame,
    posts: pl.DataFrame,
    membership: pl.DataFrame,
    params: SelectParams = SelectParams(),
) -> Selection:
    """Keep the clusters with evidence of coordination (significant co-posting, most
    members beyond chance, repeated action, more accounts than messages), rank them 1..,
    then apply the user's filters, which keep those ranks so that they stay comparable
    between filtered views."""
    removed = dict.fromkeys(
        ("max_p_value", "min_beyond_chance", "min_repetition", "min_amplification", "filters"), 0
    )
    clusters = clusters.with_columns(pl.lit(None, pl.String).alias("not_reported"))
    if clusters.is_empty():
        return Selection(clusters, 0, removed)
    kept, dropped = clusters, list[pl.DataFrame]()
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
        (
            "min_beyond_chance",
            pl.col("members_beyond_chance").fill_nan(1.0) >= params.min_beyond_chance,
        ),
        ("min_repetition", repeated),
        ("min_amplification", pl.col("amplification") >= params.min_amplification),
    ):
        passing = kept.filter(rule)
        removed[name] = kept.height - passing.height
        failing = kept.filter(~rule.fill_null(False))
        dropped.append(failing.with_columns(_reason(name, clusters.columns)))
        kept = passing
    ranked = kept.sort("rank")
    if params.report_all:  # the dropped clusters after the reported ones, best first
        ranked = pl.concat([ranked, pl.concat(dropped).sort("rank")])
    ranked = ranked.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank"))
    selected = _filtered(ranked, posts, membership, params)
    removed["filters"] = kept.height - selected.filter(pl.col("not_reported").is_null()).height
    return Selection(selected, clusters.height, removed)


def _reason(rule: str, columns: list[str]) -> pl.Expr:
    """``not_reported``: why `rule` dropped a cluster (a crowd by the audience test's
    verdict is named as such, though the repetition rule is where it is dropped)."""
    why = pl.lit(NOT_REPORTED[rule])
    if rule == "min_repetition" and "audience_verdict" in columns:
        why = (
            pl.when(pl.col("audience_verdict") == "crowd")
            .then(pl.lit(NOT_REPORTED["crowd"]))
            .otherwise(why)
        )
    return why.alias("not_reported")


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
