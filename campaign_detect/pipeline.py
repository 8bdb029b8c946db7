"""`scan`: the one place where the pipeline's stages meet.

load → signals (co-action, bursts, templates) → clusters (candidates) → score → compete →
score → select → evidence. Each stage is also callable on its own; this module only wires
them together in the order and with the settings of a `ScanConfig`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import polars as pl

from campaign_detect._version import __version__
from campaign_detect.clusters import Candidates, compete, find_clusters
from campaign_detect.config import ScanConfig
from campaign_detect.errors import AnalysisError, InputError
from campaign_detect.evidence import (
    cluster_events,
    cluster_network,
    cluster_posts,
    cluster_records,
)
from campaign_detect.load import InputStats, LoadedPosts, load_posts
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.schema import validate_posts
from campaign_detect.score import Selection, score_clusters, select_clusters
from campaign_detect.score.audience import audience_ratios
from campaign_detect.signals import (
    BurstRunner,
    CandidateRunner,
    CoactionResult,
    PairTotals,
    Signals,
    TemplateResult,
    detect_signals,
)
from campaign_detect.values import dumps, format_duration, iso_z

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SAVED_RUN", "SCHEMA_VERSION", "ScanResult", "scan"]

SCHEMA_VERSION = "1.4"
# the first key of a run saved with ``scan --save`` (what `explain` and `posts` look for)
SAVED_RUN = "campaign_detect scan --save"
# what a saved run keeps of each reported cluster's members and co-action events (by rank),
# so that `graph --clusters` can draw them without scanning again
SAVED_MEMBER_COLUMNS = ("rank", "account", "account_name", "n_posts", "degree", "lead")
SAVED_EVENT_COLUMNS = ("rank", "kind", "object", "a", "b", "post_id_a", "post_id_b", "ts_a", "ts_b")
_STAGES = 5  # progress steps: co-action, bursts, templates, clusters, scores


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
    selection
        How many clusters were scored and how many each reporting rule removed.
    notices
        What a person should know about this scan (one sentence each).
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
    selection: Selection
    notices: tuple[str, ...] = ()

    def records(self) -> list[dict]:
        """The reported clusters as JSON-ready dicts with their evidence, best first."""
        return cluster_records(
            self.clusters,
            self.members,
            self.events,
            self.posts,
            self.templates,
            null_rounds=self.config.null_rounds,
            alpha=self.config.max_p_value,
        )

    def to_dict(self) -> dict:
        """The JSON output contract (see docs/output.md) as a dict in fixed key order."""
        return {
            "schema_version": SCHEMA_VERSION,
            "tool_version": __version__,
            "input": self.stats.to_dict() if self.stats is not None else None,
            "config": self.config.to_dict(),
            "signals": {
                "window": format_duration(self.coaction.window),
                "window_estimated": self.coaction.window_estimated,
                "coaction_edges": self.coaction.edges.height,
                "bounded_windows": self.coaction.bounded.height,
                "bursts": self.bursts.height,
                "templates": self.templates.groups.height,
                "notices": list(self.notices),
            },
            "selection": self.selection.to_dict(),
            "clusters": self.records(),
        }

    def to_json(self) -> str:
        """The JSON report: same input and settings give byte-identical text."""
        return dumps(self.to_dict())

    def cluster_posts(self) -> pl.DataFrame:
        """Every post of every reported cluster (its members' posts in its window), with
        the cluster's rank and the post's input file, row and URL."""
        return cluster_posts(self.clusters, self.members, self.posts)

    def to_saved(self) -> str:
        """The JSON report plus every post of every reported cluster (``posts``), marked as
        a saved run that `explain` and `posts` read instead of scanning again."""
        document = {"saved_run": SAVED_RUN, **self.to_dict()}
        nodes, links = cluster_network(self.clusters, self.members, self.events)
        document["network"] = {"members": _json_rows(nodes), "links": _json_rows(links)}
        document["posts"] = _json_rows(self.cluster_posts())
        return dumps(document)


def _json_rows(frame: pl.DataFrame) -> list[dict]:
    """The rows of `frame` as JSON-ready dicts: times as ISO 8601 UTC strings."""
    times = [n for n, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    return [{**row, **{n: iso_z(row[n]) for n in times}} for row in frame.iter_rows(named=True)]


def _loaded(
    source: LoadedPosts | pl.DataFrame | pl.LazyFrame | str | os.PathLike | Sequence[str],
    config: ScanConfig,
    progress: ProgressCallback | None,
) -> tuple[pl.DataFrame, InputStats | None]:
    """The posts of `source` and their input accounting (None for a frame)."""
    if isinstance(source, pl.DataFrame | pl.LazyFrame):
        return validate_posts(source), None
    if not isinstance(source, LoadedPosts):
        source = load_posts(source, keep_columns=config.extra_objects, progress=progress)
    return source.posts, source.stats


def _score(posts: pl.DataFrame, signals: Signals, config: ScanConfig, found: Candidates):
    """`score_clusters` of the candidates `found`, with the scan's settings."""
    return score_clusters(
        posts,
        membership=found.membership,
        edges=found.edges,
        window=signals.coaction.window,
        template_members=signals.templates.members,
        bursts=signals.bursts,
        windows=found.windows,
        **config.score_settings(),
    )


def scan(
    source: LoadedPosts | pl.DataFrame | pl.LazyFrame | str | os.PathLike | Sequence[str],
    config: ScanConfig | None = None,
    *,
    progress: ProgressCallback | None = None,
    spark: SparkSession | str | None = None,
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
    spark
        With ``config.engine == "spark"``: the `SparkSession` to run on (used as it is, and
        left running), or a master URL (``local[2]``, ``spark://HOST:PORT``, ``sc://HOST``)
        for a session made here and stopped at the end; None uses the notebook's active
        session or ``local[*]``.

    Raises
    ------
    InputError
        When the input or the settings cannot be used (the message says what to change),
        and for the Spark engine without pyspark.
    AnalysisError
        When the machine runs out of memory on acceptable input.
    """
    config = config or ScanConfig()
    try:
        if config.engine == "spark":
            return _on_spark(source, config, progress, spark)
        if spark is not None:
            raise InputError("a Spark session or master was given: set engine='spark' to use it")
        return _scan(source, config, progress, None, None, None)
    except MemoryError as exc:
        raise AnalysisError(
            "ran out of memory; scan a shorter period (--since/--until), a narrower --window, "
            "or fewer objects, or use a machine with more memory"
        ) from exc


def _on_spark(
    source: LoadedPosts | pl.DataFrame | pl.LazyFrame | str | os.PathLike | Sequence[str],
    config: ScanConfig,
    progress: ProgressCallback | None,
    spark: SparkSession | str | None,
) -> ScanResult:
    """`_scan` with co-action's post pairs, the bursts and the template candidates on Spark:
    on the session `spark`, or on one made for the master URL `spark` (stopped at the end),
    or the active or a local one (None). Input paths on the cluster's file systems are
    fetched through it."""
    from campaign_detect.signals.spark import (
        load_through_spark,
        spark_bursts,
        spark_candidates,
        spark_pair_totals,
        spark_session,
    )

    session = spark if spark is not None and not isinstance(spark, str) else spark_session(spark)
    try:
        if not isinstance(source, LoadedPosts | pl.DataFrame | pl.LazyFrame):
            paths = [source] if isinstance(source, str | os.PathLike) else source
            load = partial(load_posts, keep_columns=config.extra_objects, progress=progress)
            source = load_through_spark(session, [os.fspath(p) for p in paths], load)
        runners = spark_pair_totals(session), spark_bursts(session), spark_candidates(session)
        return _scan(source, config, progress, *runners)
    finally:
        if isinstance(spark, str):
            session.stop()


def _scan(
    source: LoadedPosts | pl.DataFrame | pl.LazyFrame | str | os.PathLike | Sequence[str],
    config: ScanConfig,
    progress: ProgressCallback | None,
    pairs: PairTotals | None,
    bursts: BurstRunner | None,
    templates: CandidateRunner | None,
) -> ScanResult:
    posts, stats = _loaded(source, config, progress)
    signals = detect_signals(
        posts,
        config.signal_params(),
        progress=progress,
        stages=_STAGES,
        pairs=pairs,
        bursts=bursts,
        templates=templates,
    )
    report(progress, "clusters", 3, _STAGES)
    candidates = find_clusters(posts, signals, config.cluster_params())
    report(progress, "scores", 4, _STAGES)
    score = partial(_score, posts, signals, config)
    ranked, _ = score(candidates)
    final = compete(
        candidates,
        ranked,
        posts,
        signals,
        min_accounts=config.min_accounts,
        merge_parts=config.merge_parts,
    )
    scored, members = score(final)
    if config.audience_test:
        verdicts = audience_ratios(
            posts,
            signals.rows,
            scored,
            members,
            window=signals.coaction.window,
            objects=config.objects,
            seed=config.seed,
        )
        scored = scored.join(verdicts, on="cluster", how="left")
    selection = select_clusters(scored, posts, final.membership, config.select_params())
    clusters = selection.clusters
    members = members.join(clusters.select("cluster"), on="cluster", how="semi")
    events = cluster_events(
        posts, members, signals, objects=config.objects, extra_objects=config.extra_objects
    )
    report(progress, "scores", _STAGES, _STAGES)
    return ScanResult(
        clusters=clusters,
        members=members,
        events=events,
        coaction=signals.coaction,
        templates=signals.templates,
        bursts=signals.bursts,
        posts=posts,
        stats=stats,
        config=config,
        selection=selection,
        notices=signals.notices,
    )
