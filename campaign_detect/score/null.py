"""Significance: how much more a cluster's members co-post than the same accounts would by
chance.

The null model shifts each account's posts by one random offset (whole days when the
shift is a day or more, so each account keeps its hour-of-day rhythm), which keeps every
account's own activity and destroys only the timing shared with others; co-posting is
counted with one sorted time sweep (`copost_pairs`) on the members' posts only, at Δt and
at wider scales, and each cluster is judged at the scale where it stands out most.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
from scipy.stats import norm

from campaign_detect.objects import SIGNIFICANCE_KINDS, object_rows
from campaign_detect.score.subscores import pushed_objects
from campaign_detect.values import DAY_S

__all__ = ["BEYOND_CHANCE", "copost_pairs", "coposting", "null_period", "significance_rows"]

# a member co-posts beyond chance when chance gives at most half of its partners
BEYOND_CHANCE = 2.0


def significance_rows(posts: pl.DataFrame, extra_objects: Sequence[str] = ()) -> pl.DataFrame:
    """One row per (cluster post, shared object), with the same object definitions as the
    co-action signal (`extra_objects` included: a ring whose only shared objects are in an
    ``--object`` column is tested on them), plus integer group keys for `copost_pairs`."""
    rows = object_rows(posts, SIGNIFICANCE_KINDS, extra_objects)
    return (
        rows.join(
            posts.select("cluster", "account", "post_id", "ts").with_row_index("pidx"), on="pidx"
        )
        .with_columns(
            pl.struct("cluster", "kind", "object").rank("dense").cast(pl.Int64).alias("group"),
            pl.struct("cluster", "kind", "object", "account")
            .rank("dense")
            .cast(pl.Int64)
            .alias("group_acct"),
            pl.col("ts").dt.epoch("s").alias("t"),
        )
        .sort("pidx", "kind", "object")
    )


def copost_pairs(
    group: np.ndarray, group_acct: np.ndarray, t: np.ndarray, windows: Sequence[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Co-posting counts at several windows by one sorted time sweep, without pairs.

    For each window ``w`` (row of the results) and each row of the input (a post of an
    object, in seconds `t`), returns the number of rows of the same `group` by a different
    account within ``w`` seconds on either side (its partners), and the number of such rows
    after it in sort order (so that summing the second array counts every pair once).

    Examples
    --------
    >>> import numpy as np
    >>> partners, later = copost_pairs(
    ...     np.array([1, 1, 1, 1]), np.array([1, 1, 2, 3]), np.array([0, 5, 8, 100]), [10, 100])
    >>> partners.tolist(), later.sum(axis=1).tolist()
    ([[1, 1, 2, 0], [2, 2, 3, 3]], [2, 5])
    """
    n = len(t)
    if n == 0:
        empty = np.zeros((len(windows), 0), dtype=np.int64)
        return empty, empty
    t = t - t.min()
    span = int(t.max()) + 2 * max(windows) + 1

    def within(keys_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = keys_group.astype(np.int64) * span + t
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        position = np.arange(n)
        total = np.empty((len(windows), n), dtype=np.int64)
        after = np.empty((len(windows), n), dtype=np.int64)
        for k, window_s in enumerate(windows):
            lo = np.searchsorted(sorted_key, sorted_key - window_s, side="left")
            hi = np.searchsorted(sorted_key, sorted_key + window_s, side="right")
            total[k, order] = hi - lo - 1
            after[k, order] = hi - position - 1
        return total, after

    total_all, after_all = within(group)
    total_same, after_same = within(group_acct)
    return total_all - total_same, after_all - after_same


def _sum_by(keys: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    """Sum each row of `values` (windows x rows) per key (cluster or member of each row):
    windows x keys."""
    return np.stack([np.bincount(keys, weights=v, minlength=n_keys) for v in values])


class _PairCounter:
    """Co-posting pairs per cluster (windows x clusters), as `copost_pairs`' later counts
    summed per cluster, and partners per member (windows x members), as its partner counts
    summed per member, for many shifted copies of the same rows.

    Every group's rows take the same positions in the sorted order whatever the times, so
    the cluster of each sorted position is known in advance (the member there is not: it
    comes with the sort's order). The sums are of integers, exact in any order, so they
    equal `_sum_by` of `copost_pairs`.
    """

    def __init__(
        self,
        group: np.ndarray,
        group_acct: np.ndarray,
        clusters: np.ndarray,
        members: np.ndarray,
        windows: Sequence[int],
        n_clusters: int,
    ) -> None:
        self.windows = windows
        self.n_clusters = n_clusters
        self.members = members
        self.n_members = int(members.max()) + 1 if len(members) else 0
        # (rows, their keys, cluster of each sorted position, sign): pairs within a group,
        # minus the pairs within one account's rows of that group; only rows that can pair
        # (a left-out row adds nothing to its member either: zero, or the same in both parts)
        self.parts = [
            (
                rows,
                keys[rows].astype(np.int64),
                clusters[rows[np.argsort(keys[rows], kind="stable")]],
                sign,
            )
            for keys, rows, sign in zip(
                (group, group_acct), _pairing_rows(group, group_acct), (1.0, -1.0), strict=True
            )
        ]

    def __call__(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pairs = np.zeros((len(self.windows), self.n_clusters))
        partners = np.zeros((len(self.windows), self.n_members))
        if len(t) == 0:
            return pairs, partners
        t = t - t.min()
        span = int(t.max()) + 2 * max(self.windows) + 1
        for rows, keys, cluster_at, sign in self.parts:
            key = keys * span + t[rows]
            order = np.argsort(key)
            key = key[order]
            member_at = self.members[rows[order]]
            position = np.arange(len(key))
            for k, window_s in enumerate(self.windows):
                hi = np.searchsorted(key, key + window_s, side="right")
                lo = np.searchsorted(key, key - window_s, side="left")
                pairs[k] += sign * np.bincount(
                    cluster_at, weights=hi - position - 1, minlength=self.n_clusters
                )
                partners[k] += sign * np.bincount(
                    member_at, weights=hi - lo - 1, minlength=self.n_members
                )
        return pairs, partners


def _pairing_rows(group: np.ndarray, group_acct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows `_PairCounter` counts in each part, whatever the times: of the groups, the
    rows of groups with two accounts or more; of one account's rows of a group, those of
    such groups with two rows or more. The others pair with nothing (a row alone in its
    group), or their pairs are the same in both parts (a group of one account) and cancel:
    a third to a half of the rows at a million posts, sorted and searched every round."""
    _, account_of = np.unique(group_acct, return_inverse=True)
    _, group_of = np.unique(group, return_inverse=True)
    first_of_account = np.unique(account_of, return_index=True)[1]
    accounts = np.bincount(group_of[first_of_account], minlength=group_of.max(initial=-1) + 1)
    shared = accounts[group_of] >= 2
    repeated = np.bincount(account_of)[account_of] >= 2
    return np.flatnonzero(shared), np.flatnonzero(shared & repeated)


def _null_pairs(
    rows: pl.DataFrame,
    *,
    windows: Sequence[int],
    rounds: int,
    shift_s: int,
    seed: int,
    n_clusters: int,
    period: tuple[int, int],
    members: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Co-posting pair counts (rounds x windows x clusters) in the null model, and each
    member's partners (windows x `members`) averaged over the rounds: each
    account's posts all shifted by one random offset in ``[-shift_s, shift_s]``, which keeps
    each account's own rhythm but breaks any timing shared with others. When `shift_s` is
    a day or more the offsets are whole days (never zero), so the null keeps the hour of
    day too: people who are all awake at 8 pm are not coordinated. Shifted times wrap
    around the data's `period` (origin, length in seconds), so that no post is pushed out
    of the data, where it could not coincide with anything."""
    rng = np.random.default_rng(seed)
    origin, length = period
    days = shift_s // DAY_S
    accounts = rows["account"].rank("dense").cast(pl.Int64).to_numpy() - 1
    n_accounts = int(accounts.max()) + 1 if len(accounts) else 0
    clusters = rows["cluster"].to_numpy().astype(np.int64)
    count = _PairCounter(
        rows["group"].to_numpy(),
        rows["group_acct"].to_numpy(),
        clusters,
        members,
        windows,
        n_clusters,
    )
    t = rows["t"].to_numpy()
    out = np.zeros((rounds, len(windows), n_clusters))
    partners = np.zeros((len(windows), count.n_members))
    for r in range(rounds):
        if days:
            size = rng.integers(1, days + 1, size=n_accounts)
            shifts = size * rng.choice([-DAY_S, DAY_S], size=n_accounts)
        else:
            shifts = rng.integers(-shift_s, shift_s + 1, size=n_accounts)
        shifted = origin + (t - origin + shifts[accounts]) % length
        out[r], round_partners = count(shifted)
        partners += round_partners
    return out, partners / max(1, rounds)


def null_period(posts: pl.DataFrame, *, whole_days: bool) -> tuple[int, int]:
    """The data's first second and its length (in whole days when the null shifts by
    days, so that a wrapped post keeps its hour of day)."""
    first, last = posts.select(
        pl.col("ts").min().dt.epoch("s").alias("first"), pl.col("ts").max().dt.epoch("s")
    ).row(0)
    length = int(last - first) + 1
    if whole_days:
        length = -(-length // DAY_S) * DAY_S
    return int(first), length


def _beyond_chance(
    members: np.ndarray,
    clusters: np.ndarray,
    observed: np.ndarray,
    expected: np.ndarray,
    best: np.ndarray,
    n_clusters: int,
) -> np.ndarray:
    """Per cluster, the share of its tested members whose partners at the cluster's window
    (`best`) are at least `BEYOND_CHANCE` times chance's (both plus one, as the cluster's
    ratio); NaN for a cluster without tested members."""
    member_cluster = np.zeros(observed.shape[1], dtype=np.int64)
    member_cluster[members] = clusters
    at = best[member_cluster]
    pick = np.arange(observed.shape[1])
    beyond = observed[at, pick] + 1 >= BEYOND_CHANCE * (expected[at, pick] + 1)
    tested = np.bincount(member_cluster, minlength=n_clusters)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.bincount(member_cluster, weights=beyond, minlength=n_clusters) / tested
    return share


def coposting(
    rows: pl.DataFrame,
    *,
    windows: Sequence[int],
    rounds: int,
    shift_s: int,
    seed: int,
    n_clusters: int,
    period: tuple[int, int],
    tested_clusters: int | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Observed and chance co-posting of each cluster at each window; each cluster is
    judged at the window where it stands out most from chance (its `sync_window`), and the
    p-value is corrected for the clusters and windows tried (`tested_clusters` clusters
    when given, else the clusters of `rows`).

    At that window it also says how many members co-post beyond chance on their own
    (`members_beyond_chance`): a member is, when chance gives at most half of its partners
    (`BEYOND_CHANCE`). Pairs grow with the square of activity, so a cluster's total can
    beat chance through a few busy members (or by a sliver spread over thousands of
    pairs, like automated feeds on a fixed schedule) while most members do what their own
    rhythm gives; the share counts each member once.

    Returns the per-cluster significance and the per-post synchrony at that window.
    """
    clusters = rows["cluster"].to_numpy().astype(np.int64)
    members = (
        rows.select(pl.struct("cluster", "account").rank("dense").cast(pl.Int64) - 1)
        .to_series()
        .to_numpy()
    )
    partners, later = copost_pairs(
        rows["group"].to_numpy(), rows["group_acct"].to_numpy(), rows["t"].to_numpy(), windows
    )
    observed = _sum_by(clusters, later, n_clusters)
    observed_partners = _sum_by(members, partners, int(members.max(initial=-1)) + 1)
    if rounds == 0:
        expected = np.full_like(observed, np.nan)
        z = np.full_like(observed, np.nan)
        best = np.zeros(n_clusters, dtype=np.int64)
        beyond = np.full(n_clusters, np.nan)
    else:
        null, expected_partners = _null_pairs(
            rows,
            windows=windows,
            rounds=rounds,
            shift_s=shift_s,
            seed=seed,
            n_clusters=n_clusters,
            period=period,
            members=members,
        )
        expected = null.mean(axis=0)
        spread = np.maximum(null.std(axis=0, ddof=1) if rounds > 1 else 0, np.sqrt(expected))
        z = (observed - expected) / np.maximum(spread, 1.0)
        best = np.argmax(z, axis=0)
        beyond = _beyond_chance(
            members, clusters, observed_partners, expected_partners, best, n_clusters
        )
    pick = np.arange(n_clusters)
    z_best = z[best, pick]
    p = norm.sf(z_best)
    tested = rows["cluster"].n_unique() if tested_clusters is None else tested_clusters
    n_tested = max(1, tested) * len(windows)
    significance = pl.DataFrame(
        {
            "cluster": pick.astype(np.uint32),
            "sync_window_s": np.asarray(windows, dtype=np.int64)[best],
            "copost_observed": observed[best, pick],
            "copost_expected": expected[best, pick],
            "copost_ratio": (observed[best, pick] + 1) / (expected[best, pick] + 1),
            "z": z_best,
            "p_value": p,
            "p_adjusted": np.minimum(1.0, p * n_tested),
            "members_beyond_chance": beyond,
        }
    )
    return significance, _synchrony(rows, partners[best[clusters], np.arange(len(clusters))] > 0)


def _synchrony(rows: pl.DataFrame, synced: np.ndarray) -> pl.DataFrame:
    """Per cluster, the share of its posts with a partner at its window (`synced`, per row)
    and what those synchronised posts push."""
    flagged = rows.select("cluster", "post_id", "group").with_columns(pl.Series("synced", synced))
    return (
        flagged.group_by("cluster", "post_id")
        .agg(pl.col("synced").any())
        .group_by("cluster")
        .agg(pl.col("synced").mean().alias("synchrony"))
        .join(pushed_objects(flagged.filter("synced")), on="cluster", how="left")
    )
