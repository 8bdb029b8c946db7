"""`scan`: the one place where the pipeline's stages meet.

load → normalise → signals (co-action, bursts, templates) → account graph → clusters →
scores → evidence. Each stage is also callable on its own; this module only wires them
together in the order and with the settings of a `ScanConfig`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import polars as pl

from campaign_detect.audience import audience_ratios
from campaign_detect.config import ScanConfig, parse_duration
from campaign_detect.evidence import cluster_records
from campaign_detect.graph import (
    REPEATED_OBJECT_KINDS,
    account_graph,
    assign_accounts,
    cluster_accounts,
    edge_chance,
    merge_windows,
    object_candidates,
    shared_templates,
    template_candidates,
)
from campaign_detect.load import InputStats, LoadedPosts, load_posts
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.schema import validate_posts
from campaign_detect.score import score_clusters
from campaign_detect.signals.bursts import detect_bursts
from campaign_detect.signals.coaction import (
    CoactionResult,
    coaction_edges,
    coaction_events,
    object_rows,
)
from campaign_detect.signals.templates import TemplateResult, template_groups

__all__ = ["ScanResult", "scan"]

SCHEMA_VERSION = "1.1"


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan found, as polars frames, plus the run's accounting.

    Attributes
    ----------
    clusters
        One row per reported cluster, best first (``rank`` 1 is the most suspicious).
    members
        ``cluster, account, account_name, n_posts, degree, lead`` for reported clusters.
    events
        The co-action events tying members of each reported cluster: ``cluster, kind,
        object, a, b, post_id_a, post_id_b, ts_a, ts_b``.
    coaction, templates, bursts
        The full output of each signal, for users who want to look further.
    stats
        Input accounting (rows read, rejected, deduplicated), or None for a frame input.
    config
        The settings the scan ran with.
    """

    clusters: pl.DataFrame
    members: pl.DataFrame
    events: pl.DataFrame
    coaction: CoactionResult
    templates: TemplateResult
    bursts: pl.DataFrame
    posts: pl.DataFrame
    stats: InputStats | None
    config: ScanConfig

    def records(self) -> list[dict]:
        """The reported clusters as JSON-ready dicts with their evidence, best first."""
        return cluster_records(self)

    def to_dict(self) -> dict:
        """The JSON output contract (see docs/output.md) as a dict in fixed key order."""
        from campaign_detect import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "tool_version": __version__,
            "input": self.stats.to_dict() if self.stats is not None else None,
            "config": self.config.to_dict(),
            "signals": {
                "window": _format_window(self.coaction.window),
                "window_estimated": self.coaction.window_estimated,
                "coaction_edges": self.coaction.edges.height,
                "bounded_windows": self.coaction.bounded.height,
                "bursts": self.bursts.height,
                "templates": self.templates.groups.height,
            },
            "clusters": self.records(),
        }

    def to_json(self) -> str:
        """The JSON report: same input and settings give byte-identical text."""
        from campaign_detect.report.json import dumps

        return dumps(self.to_dict())


def _format_window(window) -> str:
    seconds = int(window.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def scan(
    source: LoadedPosts | pl.DataFrame | pl.LazyFrame | str | os.PathLike | Sequence[str],
    config: ScanConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> ScanResult:
    """Run the whole pipeline and return ranked clusters with their evidence.

    Parameters
    ----------
    source
        Paths to load (with default column detection), a `LoadedPosts`, or a post-schema
        frame (as returned by `load_posts(...).posts`).
    config
        Settings; the defaults of `ScanConfig` when None.
    progress
        Optional callback ``progress(stage, done, total)``.
    """
    config = config or ScanConfig()
    if isinstance(source, LoadedPosts):
        loaded = source
    elif isinstance(source, pl.DataFrame | pl.LazyFrame):
        loaded = LoadedPosts(posts=validate_posts(source), stats=None)  # type: ignore[arg-type]
    else:
        loaded = load_posts(source, keep_columns=config.extra_objects, progress=progress)
    posts = loaded.posts
    stages = 5
    report(progress, "co-action", 0, stages)
    # the shared objects of every post, computed once for the stages that read them
    rows = object_rows(
        posts, [*config.objects, *REPEATED_OBJECT_KINDS], config.extra_objects, min_sequence=3
    )
    coact = partial(
        coaction_edges,
        posts,
        objects=config.objects,
        extra_objects=config.extra_objects,
        max_accounts_per_window=config.max_accounts_per_window,
        rows=rows,
    )
    coaction = coact(window=config.window)
    wide = parse_duration(config.wide_window, name="wide_window") if config.wide_window else None
    wide_coaction = coact(window=wide) if wide is not None and wide > coaction.window else None
    report(progress, "bursts", 1, stages)
    bursts = detect_bursts(posts, scales=config.burst_scales)
    report(progress, "templates", 2, stages)
    templates = template_groups(posts, threshold=config.template_threshold, seed=config.seed)
    report(progress, "clusters", 3, stages)
    chance = partial(
        edge_chance,
        posts=posts,
        objects=config.objects,
        extra_objects=config.extra_objects,
        min_events=config.min_repeats,
        rows=rows,
    )
    with_templates = partial(shared_templates, template_members=templates.members, posts=posts)
    edges = merge_windows(
        [
            (found.window, chance(with_templates(found.edges), window=found.window))
            for found in (coaction, wide_coaction)
            if found is not None
        ],
        min_repeats=config.min_repeats,
        max_chance=config.max_chance,
    )
    graph = account_graph(edges, min_repeats=config.min_repeats, max_chance=config.max_chance)
    communities = cluster_accounts(
        graph, resolution=config.resolution, min_accounts=config.min_accounts, seed=config.seed
    )
    scripts, script_windows = template_candidates(
        templates.members,
        posts,
        min_accounts=config.min_accounts,
        first_id=communities["cluster"].n_unique(),  # community ids are 0..n-1
    )
    users, user_windows = object_candidates(
        posts,
        min_accounts=config.min_accounts,
        objects=REPEATED_OBJECT_KINDS,
        max_accounts=config.max_accounts_per_window,
        first_id=communities["cluster"].n_unique() + script_windows.height,
        rows=rows,
    )
    report(progress, "scores", 4, stages)
    score = partial(
        score_clusters,
        posts,
        edges=edges,
        window=coaction.window,
        template_members=templates.members,
        bursts=bursts,
        null_rounds=config.null_rounds,
        null_shift=parse_duration(config.null_shift, name="null_shift"),
        seed=config.seed,
        sync_scales=[parse_duration(s, name="sync_scales") for s in config.sync_scales],
    )
    candidates = pl.concat([communities, scripts, users])
    given_windows = pl.concat([script_windows, user_windows])
    ranked, _ = score(membership=candidates, windows=given_windows)
    assigned = assign_accounts(ranked, candidates, min_accounts=config.min_accounts)
    windows = (
        assigned.select("cluster", "candidate")
        .unique()
        .join(given_windows.rename({"cluster": "candidate"}), on="candidate")
    )
    membership = assigned.select("account", "cluster")
    clusters, members = score(membership=membership, windows=windows.drop("candidate"))
    if _AUDIENCE_TEST:
        audience = audience_ratios(
            posts,
            rows,
            clusters,
            members,
            window=coaction.window,
            objects=config.objects,
            seed=config.seed,
        )
        clusters = clusters.join(audience, on="cluster", how="left")
    clusters = _select(clusters, posts, membership, config)
    members = members.join(clusters.select("cluster"), on="cluster", how="semi")
    widest = wide_coaction if wide_coaction is not None else coaction
    events = _events(posts, members, widest, config, rows=rows)
    report(progress, "scores", stages, stages)
    return ScanResult(
        clusters=clusters,
        members=members,
        events=events,
        coaction=coaction,
        templates=templates,
        bursts=bursts,
        posts=posts,
        stats=loaded.stats,
        config=config,
    )


# issue 11 prototype, off unless CAMPAIGN_DETECT_AUDIENCE=1: the audience test decides
# instead of the repetition rule whenever it can (see campaign_detect.audience)
_AUDIENCE_TEST = os.environ.get("CAMPAIGN_DETECT_AUDIENCE", "") == "1"


def _select(
    clusters: pl.DataFrame, posts: pl.DataFrame, membership: pl.DataFrame, config: ScanConfig
) -> pl.DataFrame:
    """Keep the clusters with evidence of coordination (significant co-posting, repeated
    action, more accounts than messages), rank them 1.., then apply the user's filters,
    which keep those ranks so that they stay comparable between filtered views."""
    if clusters.is_empty():
        return clusters
    repeated = pl.col("repeated_coaction") >= config.min_repetition
    if "audience_verdict" in clusters.columns:
        # decided by the audience test when it is conclusive (see campaign_detect.audience):
        # a campaign is kept even if it acted once, a crowd is dropped even if it repeated;
        # undecided clusters keep the repetition rule
        verdict = pl.col("audience_verdict")
        repeated = (
            pl.when(verdict == "campaign")
            .then(True)
            .when(verdict == "crowd")
            .then(False)
            .otherwise(repeated)
        )
    selected = (
        clusters.filter(
            (pl.col("p_adjusted").fill_nan(0.0) <= config.max_p_value)
            & repeated
            & (pl.col("amplification") >= config.min_amplification)
        )
        .sort("rank")
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).alias("rank"))
        .filter(pl.col("score") >= config.min_score)
    )
    if config.since is not None:
        selected = selected.filter(pl.col("end") >= config.since)
    if config.until is not None:
        selected = selected.filter(pl.col("start") <= config.until)
    if config.hashtag is not None:
        tag = config.hashtag.lstrip("#").lower()
        using = (
            posts.filter(pl.col("hashtags").list.contains(tag))
            .select("account")
            .join(membership, on="account")
            .select("cluster")
            .unique()
        )
        selected = selected.join(using, on="cluster", how="semi")
    if config.top is not None:
        selected = selected.head(config.top)
    return selected


def _events(
    posts: pl.DataFrame,
    members: pl.DataFrame,
    widest: CoactionResult,
    config: ScanConfig,
    *,
    rows: pl.DataFrame,
) -> pl.DataFrame:
    """The co-action events between members of the same reported cluster, at the widest
    window that linked accounts (those within Δt are among them): the post pairs behind
    the `widest` edges, with the same busy cells and objects left out."""
    if members.is_empty():
        return pl.DataFrame(
            schema={"cluster": pl.UInt32, "a": pl.String, "b": pl.String, "kind": pl.String}
        )
    events = coaction_events(
        posts,
        accounts=members["account"].to_list(),
        window=widest.window,
        objects=config.objects,
        extra_objects=config.extra_objects,
        rows=rows,
        bounded=widest.bounded,
    )
    # each member's rank among the member keys: the sort compares these integers instead of
    # the keys, faster and with the same outcome for every comparison, so the same order;
    # rows tying on the sort keys stay in `coaction_events`' total order (post ids last), so
    # the order never depends on how threads finish the joins
    membership = members.select("account", "cluster", pl.col("account").rank("dense").alias("code"))
    return (
        events.join(
            membership.rename({"account": "a", "code": "code_a"}), on="a", maintain_order="left"
        )
        .join(
            membership.rename({"account": "b", "cluster": "cluster_b", "code": "code_b"}),
            on="b",
            maintain_order="left",
        )
        .filter(pl.col("cluster") == pl.col("cluster_b"))
        .sort("cluster", "ts_a", "code_a", "code_b", "kind", "object", maintain_order=True)
        .select("cluster", *events.columns)
    )
