"""The clustering stage: signals → candidate clusters of accounts, and their competition.

`find_clusters` turns the signals into three kinds of candidate, numbered here and only
here: Leiden communities of the account graph (`communities`), built on co-action edges
that passed the chance test (`edges`), pushed scripts and repeated objects
(`candidates`). Candidates overlap; once they are scored, `compete` gives every account
to the best one that holds it (`compete.assign_accounts`) and joins the parts of one
operation (`merge.merge_operations`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import polars as pl

from campaign_detect.clusters.candidates import (
    MAX_OBJECT_USERS,
    SCRIPT_ALPHA,
    SCRIPT_OVERLAP,
    SCRIPT_SCALES,
    object_candidates,
    template_candidates,
)
from campaign_detect.clusters.communities import (
    MIN_ACCOUNTS,
    RESOLUTION,
    account_graph,
    cluster_accounts,
)
from campaign_detect.clusters.compete import assign_accounts
from campaign_detect.clusters.edges import (
    MAX_CHANCE,
    MIN_REPEATS,
    edge_chance,
    merge_windows,
    shared_templates,
)
from campaign_detect.clusters.merge import MERGE_PARTS, merge_operations
from campaign_detect.objects import OBJECT_KINDS, REPEATED_OBJECT_KINDS
from campaign_detect.signals import Signals

__all__ = ["Candidates", "ClusterParams", "compete", "find_clusters"]


@dataclass(frozen=True)
class ClusterParams:
    """Settings of the clustering stage (`campaign_detect.ScanConfig` documents each one)."""

    objects: tuple[str, ...] = OBJECT_KINDS
    extra_objects: tuple[str, ...] = ()
    min_repeats: int = MIN_REPEATS
    max_chance: float = MAX_CHANCE
    resolution: float = RESOLUTION
    min_accounts: int = MIN_ACCOUNTS
    max_object_users: int = MAX_OBJECT_USERS
    script_scales: tuple[timedelta, ...] = SCRIPT_SCALES
    script_alpha: float = SCRIPT_ALPHA
    script_overlap: float = SCRIPT_OVERLAP
    merge_parts: bool = MERGE_PARTS
    seed: int = 0


@dataclass(frozen=True)
class Candidates:
    """Candidate clusters and the account graph's edges they were judged on.

    Attributes
    ----------
    edges
        Co-action edges merged across windows, with ``shared_templates``,
        ``expected_events``, ``p_chance``, ``held_at`` and ``windows``.
    membership
        ``account, cluster``: an account may be in several candidates.
    windows
        ``cluster, start, end`` of the candidates whose window is known from how they were
        found (pushed scripts, repeated objects); a community spans its internal edges.
    """

    edges: pl.DataFrame
    membership: pl.DataFrame
    windows: pl.DataFrame


def _edges(posts: pl.DataFrame, signals: Signals, params: ClusterParams) -> pl.DataFrame:
    """The co-action edges of every window with shared templates and chance, one per pair."""
    return merge_windows(
        [
            (
                found.window,
                edge_chance(
                    shared_templates(found.edges, signals.templates.members, posts),
                    posts,
                    window=found.window,
                    objects=params.objects,
                    extra_objects=params.extra_objects,
                    min_events=params.min_repeats,
                    rows=signals.rows,
                ),
            )
            for found in signals.windows
        ],
        min_repeats=params.min_repeats,
        max_chance=params.max_chance,
    )


def find_clusters(
    posts: pl.DataFrame, signals: Signals, params: ClusterParams = ClusterParams()
) -> Candidates:
    """Every candidate cluster of `posts`: communities first (ids 0.., largest first),
    then pushed scripts, then repeated objects, each numbered after the previous kind."""
    edges = _edges(posts, signals, params)
    graph = account_graph(edges, min_repeats=params.min_repeats, max_chance=params.max_chance)
    communities = cluster_accounts(
        graph, resolution=params.resolution, min_accounts=params.min_accounts, seed=params.seed
    )
    first_script = communities["cluster"].n_unique()  # community ids are 0..n-1
    scripts, script_windows = template_candidates(
        signals.templates.members,
        posts,
        min_accounts=params.min_accounts,
        scales=params.script_scales,
        alpha=params.script_alpha,
        min_overlap=params.script_overlap,
        first_id=first_script,
    )
    users, user_windows = object_candidates(
        posts,
        min_accounts=params.min_accounts,
        objects=REPEATED_OBJECT_KINDS,
        extra_objects=params.extra_objects,
        max_accounts=params.max_object_users,
        first_id=first_script + script_windows.height,
        rows=signals.rows,
    )
    return Candidates(
        edges=edges,
        membership=pl.concat([communities, scripts, users]),
        windows=pl.concat([script_windows, user_windows], how="diagonal_relaxed"),
    )


def compete(
    candidates: Candidates,
    ranked: pl.DataFrame,
    posts: pl.DataFrame,
    signals: Signals,
    *,
    min_accounts: int = MIN_ACCOUNTS,
    merge_parts: bool = MERGE_PARTS,
) -> Candidates:
    """The clusters left once every account went to the best-ranked candidate holding it,
    each keeping its candidate's window, numbered 0.. in rank order; with `merge_parts`,
    the parts of one operation merged (`merge_operations`: one pool of accounts acting on
    the same thing), numbered 0.. in the order of their best part."""
    assigned = assign_accounts(ranked, candidates.membership, min_accounts=min_accounts)
    windows = (
        assigned.select("cluster", "candidate")
        .unique()
        .join(candidates.windows.rename({"cluster": "candidate"}), on="candidate")
        .drop("candidate")
    )
    if not merge_parts:
        return Candidates(
            edges=candidates.edges,
            membership=assigned.select("account", "cluster"),
            windows=windows,
        )
    membership, windows = merge_operations(
        posts,
        signals.rows,
        signals.templates.members,
        assigned,
        candidates.membership,
        windows,
        candidates.edges,
    )
    return Candidates(edges=candidates.edges, membership=membership, windows=windows)
