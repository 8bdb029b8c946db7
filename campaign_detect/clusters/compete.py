"""The competition of candidate clusters for accounts: every account ends in at most one
cluster, the best-scoring candidate that holds it."""

from __future__ import annotations

import polars as pl

from campaign_detect.clusters.communities import MIN_ACCOUNTS

__all__ = ["assign_accounts"]


def assign_accounts(
    ranked: pl.DataFrame, membership: pl.DataFrame, *, min_accounts: int = MIN_ACCOUNTS
) -> pl.DataFrame:
    """Give every account to at most one cluster: the best-scoring candidate that holds it.

    Candidates are taken in rank order; each keeps the accounts no better candidate took,
    and is dropped when fewer than `min_accounts` or less than half of its accounts remain
    (it was mostly a view of a better cluster). Returns ``account, cluster, candidate``:
    clusters renumbered 0.. in rank order, and the candidate each came from.
    """
    accounts_of = {
        cluster: set(accounts)
        for cluster, accounts in membership.group_by("cluster").agg(pl.col("account")).iter_rows()
    }
    taken: set[str] = set()
    rows: list[tuple[str, int, int]] = []
    for cluster in ranked.sort("rank")["cluster"].to_list():
        candidate = accounts_of.get(cluster, set())
        free = candidate - taken
        if len(free) < min_accounts or len(free) < 0.5 * len(candidate):
            continue
        number = len({c for _, c, _ in rows})
        rows += [(account, number, cluster) for account in sorted(free)]
        taken |= free
    return pl.DataFrame(
        rows,
        schema={"account": pl.String, "cluster": pl.UInt32, "candidate": pl.UInt32},
        orient="row",
    ).sort("cluster", "account")
