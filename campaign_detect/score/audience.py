"""The audience test (experimental, setting ``audience_test``; issue 11): is a cluster's
co-posting explained by everyone else who posted the same thing at the same time?

A crowd reacting to one moment (a goal, an earthquake, the Friday prayer, a comeback) is
part of a larger audience that reacts at the same moments: on the object the crowd pushes,
its members co-post with the object's *other* users about as densely as with each other.
A campaign inside busy traffic (a hijack of a popular tag, a copypasta, a ring on its own
tags, a flood on a fresh tag) co-posts among its members far more densely than with the
rest of that object's users, or that object has no other users at all.

For each final cluster:

1. its *synchronised posts*: members' posts inside the cluster's window that another
   member matched on the same object within Δt (the co-action window);
2. its *pushed objects*: objects (hashtag, mention, URL, share target, text) carried by at
   least half of those synchronised posts;
3. for each pushed object, every post of it in the data within `block` of the window, by
   members and by everyone else ("outsiders"); with ``mm`` the pairs of member posts by two
   different members within Δt, ``mx`` the member-outsider pairs within Δt, ``m`` and ``x``
   the member and outsider posts, the *density ratio*
   ``rho = (mx / (m · x)) / (mm / P)``, ``P`` the pairs of member posts by different
   members: how densely members co-post with outsiders, relative to among themselves
   (1: the members are exchangeable with the object's other users at those times; 0: no
   outsider posts near them, or none at all);
   On an object the members surge on, outsiders doing the cluster's own act (the object
   with another pushed object in one post, by an account that posts the object nowhere
   else) are left out: they are the rest of an operation, not the object's audience
   (`_without_same_act`);
4. bounds on each ``rho`` from resampling the outsiders as accounts (a Poisson bootstrap,
   5% and 95%): a couple of leftover accounts are no audience and decide nothing, hundreds
   reacting at the same moments are one; an object nobody else posts near the window
   decides nothing either (there is no audience to compare with);
5. ``audience_verdict``: ``"campaign"`` when on some pushed object the upper bound is under
   `CROWD_DENSITY`, the object is ``alone`` and the members surge on it (that object is
   theirs, and they came for this moment); ``"crowd"`` when on some pushed object the
   lower bound is at least `CROWD_DENSITY` and on none of them the members surge; null
   otherwise (undecided: the repetition rule decides). ``audience_object`` is the object
   the verdict is read on (for a crowd the most conclusively shared, otherwise the one
   with the smallest ``rho``), ``audience_ratio`` its ``rho``, with the figures read on it
   (`FIGURES` and ``audience_share_elsewhere``). Null when the cluster has no pushed
   object with member pairs and other users.

Assumptions: within the block an object's posts by members and by outsiders would be
exchangeable if the members were just part of the audience (no account-level rhythm is
modelled here; the account-rhythm null of `score` still applies). Known failure cases: a
crowd that is the *whole* audience of its object (a fresh tag used only by the crowd) has
no outsiders, so the test cannot tell it from a flood and leaves it to the repetition
rule; a campaign whose *other* members (not in this cluster) or organic adopters post the
same object at the same time reads as explained, since they are outsiders to this cluster,
unless they do the cluster's own act on an object the members surge on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
import polars as pl
from scipy.stats import binom, poisson

from campaign_detect.objects import SIGNIFICANCE_KINDS

__all__ = ["AUDIENCE_BLOCK", "AUDIENCE_TEST", "CROWD_DENSITY", "audience_ratios"]

AUDIENCE_TEST = True
"""Whether a scan runs the audience test (setting ``audience_test``)."""

CROWD_DENSITY = 0.5
"""A cluster whose members co-post with the rest of its pushed objects' audience at least
half as densely as among themselves is explained by that audience (a crowd)."""

AUDIENCE_BLOCK = timedelta(days=1)
"""How far either side of a cluster's window the test reads its pushed objects' posts."""

SURGE = 2.0
"""An audience reacting to a moment posts the object in proportion to how much it uses it
anyway; members holding more than twice their usual share of its posts near the window
(at level `SURGE_ALPHA`) came for the moment, and are not explained by its audience."""
SURGE_ALPHA = 0.05
ALONE_LEVEL = 0.05
"""Level at which the member-outsider pairs are too few for members half as dense with the
rest of the audience as among themselves (the object is theirs)."""

FIGURES = ("audience_other_accounts", "audience_other_posts", "audience_member_posts")
"""The counts behind ``audience_ratio`` on ``audience_object``, within `AUDIENCE_BLOCK` of
the window: accounts outside the cluster that posted it, their posts of it, and the
members' posts of it. With ``audience_share_elsewhere`` (the members' share of the
object's posts in the rest of the data, null when it has none) they say what the verdict
read: how large the audience is, and whether the members held their usual share of it."""


def _sorted_counts(
    group: np.ndarray, member: np.ndarray, t: np.ndarray, window_s: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by (group, t): the order, and per sorted row the member rows and all rows
    after it in its group within `window_s`."""
    if len(t) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    t = t - t.min()
    span = int(t.max()) + 2 * window_s + 1
    key = group.astype(np.int64) * span + t
    order = np.argsort(key, kind="stable")
    key = key[order]
    flag = member[order].astype(np.int64)
    hi = np.searchsorted(key, key + window_s, side="right")
    cum = np.concatenate([[0], np.cumsum(flag)])
    position = np.arange(len(key))
    return order, cum[hi] - cum[position + 1], hi - position - 1


def _pair_counts(
    group: np.ndarray,
    account: np.ndarray,
    member: np.ndarray,
    t: np.ndarray,
    window_s: int,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per group: member-member pairs by different members within the window, and
    member-outsider pairs within the window."""
    order, members_after, all_after = _sorted_counts(group, member, t, window_s)
    g = group[order]
    is_member = member[order]
    mm_all = np.bincount(g, weights=np.where(is_member, members_after, 0), minlength=n_groups)
    mx = np.bincount(
        g,
        weights=np.where(is_member, all_after - members_after, members_after),
        minlength=n_groups,
    )
    # pairs of one member's own posts: same sweep keyed by (group, account)
    pair_key = group.astype(np.int64) * (int(account.max()) + 1 if len(account) else 1) + account
    order2, same_after, _ = _sorted_counts(pair_key, member, t, window_s)
    same = np.bincount(
        group[order2], weights=np.where(member[order2], same_after, 0), minlength=n_groups
    )
    return mm_all - same, mx


def audience_ratios(
    posts: pl.DataFrame,
    rows: pl.DataFrame,
    clusters: pl.DataFrame,
    members: pl.DataFrame,
    *,
    window: timedelta,
    block: timedelta = AUDIENCE_BLOCK,
    objects: Sequence[str] = SIGNIFICANCE_KINDS,
    seed: int = 0,
) -> pl.DataFrame:
    """``cluster, audience_ratio, audience_object, audience_verdict`` for every cluster of
    `clusters`, and the figures behind the ratio on that object (`FIGURES`).

    `rows` are the object rows of all `posts` (``pidx, kind, object``, as
    `campaign_detect.objects.object_rows` makes them); `members` has ``cluster, account``;
    `clusters` has ``cluster, start, end``.
    """
    schema = {
        "cluster": pl.UInt32,
        "audience_ratio": pl.Float64,
        "audience_object": pl.String,
        "audience_verdict": pl.String,
        **dict.fromkeys(FIGURES, pl.Int64),
        "audience_share_elsewhere": pl.Float64,
    }
    if clusters.is_empty():
        return pl.DataFrame(schema=schema)
    window_s = max(1, int(window.total_seconds()))
    obj, windows, membership, mine = _members_posts(posts, rows, clusters, members, objects)
    if mine.is_empty():
        return _undecided(windows)
    pushed = _pushed_objects(_synchronised(mine, window_s), windows)
    if pushed.is_empty():
        return _undecided(windows)
    block_s = int(block.total_seconds())
    near = _near(pushed, obj, membership, block_s)
    surging = _surging(pushed, obj, membership, near)
    near = _without_same_act(near, obj, surging)
    ratios = _ratios(near, window_s, seed, surging)
    return windows.select("cluster").join(ratios, on="cluster", how="left")


def _undecided(windows: pl.DataFrame) -> pl.DataFrame:
    return windows.select("cluster").with_columns(
        pl.lit(None, pl.Float64).alias("audience_ratio"),
        pl.lit(None, pl.String).alias("audience_object"),
        pl.lit(None, pl.String).alias("audience_verdict"),
        *(pl.lit(None, pl.Int64).alias(name) for name in FIGURES),
        pl.lit(None, pl.Float64).alias("audience_share_elsewhere"),
    )


def _members_posts(
    posts: pl.DataFrame,
    rows: pl.DataFrame,
    clusters: pl.DataFrame,
    members: pl.DataFrame,
    objects: Sequence[str],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The object rows of all posts (with times and account codes), the clusters' windows,
    their membership, and the members' object rows inside their cluster's window."""
    base = posts.select(
        pl.col("ts").dt.epoch("s").alias("t"),
        "account",
        pl.col("account").rank("dense").cast(pl.Int64).alias("acode"),
    )
    obj = rows.filter(pl.col("kind").is_in(list(objects))).select("pidx", "kind", "object")
    # `pidx` is the post's row: a gather, where a join on it cost three times more
    obj = obj.with_columns(base.select(pl.all().gather(obj["pidx"])).get_columns())
    windows = clusters.select(
        pl.col("cluster").cast(pl.UInt32),
        pl.col("start").dt.epoch("s").alias("start_s"),
        pl.col("end").dt.epoch("s").alias("end_s"),
    )
    membership = members.select(pl.col("cluster").cast(pl.UInt32), "account").unique()
    mine = (
        obj.join(membership, on="account")
        .join(windows, on="cluster")
        .filter(pl.col("t").is_between(pl.col("start_s"), pl.col("end_s")))
    )
    return obj, windows, membership, mine


def _synchronised(mine: pl.DataFrame, window_s: int) -> pl.DataFrame:
    """Members' object rows matched on the same object by another member within Δt."""
    # 1. synchronised posts: matched on the same object by another member within Δt
    mine = mine.with_columns(
        pl.struct("cluster", "kind", "object").rank("dense").cast(pl.Int64).alias("g")
    ).sort("g", "t", "acode")
    g = mine["g"].to_numpy() - 1
    t = mine["t"].to_numpy()
    a = mine["acode"].to_numpy()
    everyone = np.ones(len(g), dtype=bool)
    order, after_all, _ = _sorted_counts(g, everyone, t, window_s)
    # partners before or after, by any member; then remove the row's own account's posts
    before = np.zeros(len(g), dtype=np.int64)
    rev_order, rev_after, _ = _sorted_counts(g, everyone, -t, window_s)
    before[rev_order] = rev_after
    total = np.zeros(len(g), dtype=np.int64)
    total[order] = after_all
    total += before
    key2 = g.astype(np.int64) * (int(a.max()) + 1) + a
    order_s, after_s, _ = _sorted_counts(key2, everyone, t, window_s)
    rev_s, rev_after_s, _ = _sorted_counts(key2, everyone, -t, window_s)
    own = np.zeros(len(g), dtype=np.int64)
    own[order_s] += after_s
    own[rev_s] += rev_after_s
    synced = mine.with_columns(pl.Series("synced", (total - own) > 0)).filter("synced")
    return synced


def _pushed_objects(synced: pl.DataFrame, windows: pl.DataFrame) -> pl.DataFrame:
    """The objects in at least half of each cluster's synchronised posts."""
    # 2. pushed objects: in at least half of the cluster's synchronised posts
    n_synced = synced.group_by("cluster").agg(pl.col("pidx").n_unique().alias("n_synced"))
    return (
        synced.group_by("cluster", "kind", "object")
        .agg(pl.col("pidx").n_unique().alias("k"))
        .join(n_synced, on="cluster")
        .filter(pl.col("k") >= 0.5 * pl.col("n_synced"))
        .join(windows, on="cluster")
        .select("cluster", "kind", "object", "start_s", "end_s")
    )


def _near(
    pushed: pl.DataFrame, obj: pl.DataFrame, membership: pl.DataFrame, block_s: int
) -> pl.DataFrame:
    """Every post of each pushed object within `block_s` of its cluster's window, members
    and outsiders, one row per (pushed object, post)."""
    # 3. every post of each pushed object near the window, members and outsiders
    return (
        pushed.join(obj, on=["kind", "object"])
        .filter(pl.col("t").is_between(pl.col("start_s") - block_s, pl.col("end_s") + block_s))
        .join(
            membership.with_columns(pl.lit(True).alias("member")),
            on=["cluster", "account"],
            how="left",
        )
        .with_columns(
            pl.col("member").fill_null(False),
            pl.struct("cluster", "kind", "object").rank("dense").cast(pl.Int64).alias("pg"),
        )
        .unique(["pg", "pidx"])
    )


def _without_same_act(near: pl.DataFrame, obj: pl.DataFrame, surging: pl.DataFrame) -> pl.DataFrame:
    """`near` without the outsider posts that do the cluster's own act on an object that is
    foreign to members and outsider alike: on a pushed object the members surge on (they
    came to it for this moment), an outsider's post that carries it together with another
    object the cluster pushes, by an account that posts the object nowhere else in the data.

    Such outsiders are not the object's audience but more of the same act: the rest of an
    operation split over several clusters (a hijack in waves of recruited accounts, each
    wave its own cluster, all tagging one target on a popular tag they never use). Without
    this, each wave reads as explained by the others (`docs/scoring.md`). An audience
    reacting to a moment is left whole: on an object the members do not surge on (their
    usual tag, a fresh tag nobody posts elsewhere) nothing is removed, and the object's
    usual users, who post it at other times too, always stay."""
    combined = (  # posts carrying two or more of the cluster's pushed objects
        near.group_by("cluster", "pidx")
        .agg(pl.col("pg").n_unique().alias("n_pushed"))
        .filter(pl.col("n_pushed") >= 2)
        .select("cluster", "pidx", pl.lit(True).alias("combined"))
    )
    surged = surging.filter("surge")
    everywhere = (
        obj.join(surged.select("kind", "object").unique(), on=["kind", "object"], how="semi")
        .group_by("kind", "object", "account")
        .agg(pl.len().alias("n_all"))
    )
    newcomers = (  # on a surged object: accounts whose every post of it is near the window
        near.join(surged, on=["cluster", "kind", "object"])
        .group_by("pg", "kind", "object", "account")
        .agg(pl.len().alias("n_here"))
        .join(everywhere, on=["kind", "object", "account"])
        .filter(pl.col("n_here") == pl.col("n_all"))
        .select("pg", "account", pl.lit(True).alias("newcomer"))
    )
    same_act = pl.col("combined").fill_null(False) & pl.col("newcomer").fill_null(False)
    return (
        near.join(combined, on=["cluster", "pidx"], how="left")
        .join(newcomers, on=["pg", "account"], how="left")
        .filter(pl.col("member") | ~same_act)
        .drop("combined", "newcomer")
    )


def _surging(
    pushed: pl.DataFrame, obj: pl.DataFrame, membership: pl.DataFrame, near: pl.DataFrame
) -> pl.DataFrame:
    """``cluster, kind, object, surge``: whether the members' share of each pushed object's
    posts near the window is beyond what their share of its other posts (the rest of the
    data) explains: an audience reacting to a moment reacts in proportion to how much it
    uses the object anyway; accounts that came for the moment (a hijack of a busy tag, a
    script pushed on it by accounts that never post it otherwise) do not."""
    keys = ["cluster", "kind", "object"]
    near_counts = near.group_by(keys).agg(
        pl.col("member").sum().alias("m_near"), pl.len().alias("n_near")
    )
    total = (
        pushed.select(keys)
        .join(obj.select("kind", "object", "account", "pidx"), on=["kind", "object"])
        .join(
            membership.with_columns(pl.lit(True).alias("member")),
            on=["cluster", "account"],
            how="left",
        )
        .group_by(keys)
        .agg(pl.col("member").fill_null(False).sum().alias("m_all"), pl.len().alias("n_all"))
    )
    counts = near_counts.join(total, on=keys)
    m_near = counts["m_near"].to_numpy().astype(np.int64)
    n_near = counts["n_near"].to_numpy().astype(np.int64)
    m_far = counts["m_all"].to_numpy() - m_near
    n_far = counts["n_all"].to_numpy() - n_near
    # the members' usual share of the object (Laplace: an object with no other posts
    # gives 1/2 and, doubled, explains anything), and the chance of their share near the
    # window if they posted it at up to `SURGE` times that share
    usual = (m_far + 1) / (n_far + 2)
    p = binom.sf(m_near - 1, n_near, np.minimum(1.0, SURGE * usual))
    with np.errstate(divide="ignore", invalid="ignore"):
        share_far = np.where(n_far > 0, m_far / n_far, np.nan)
    return counts.select(keys).with_columns(
        pl.Series("surge", p < SURGE_ALPHA),
        pl.Series("share_far", share_far).fill_nan(None),
    )


def _ratios(near: pl.DataFrame, window_s: int, seed: int, surging: pl.DataFrame) -> pl.DataFrame:
    """Per cluster: the smallest density ratio over its pushed objects, that object, and
    the verdict its bounds give."""
    pg = near["pg"].to_numpy() - 1
    n_groups = int(pg.max()) + 1
    member = near["member"].to_numpy()
    acode = near["acode"].to_numpy()
    mm, mx = _pair_counts(pg, acode, member, near["t"].to_numpy(), window_s, n_groups)
    per_group = (
        near.group_by("pg", "cluster", "kind", "object", "account")
        .agg(pl.col("member").first(), pl.len().alias("n"))
        .group_by("pg", "cluster", "kind", "object")
        .agg(
            pl.col("n").filter(pl.col("member")).sum().alias("m"),
            pl.col("n").filter(~pl.col("member")).sum().alias("x"),
            (pl.col("n") * (pl.col("n") - 1) / 2).filter(pl.col("member")).sum().alias("own"),
            (~pl.col("member")).sum().alias("outsiders"),
        )
        .sort("pg")
    )
    m = per_group["m"].to_numpy().astype(float)
    x = per_group["x"].to_numpy().astype(float)
    possible = m * (m - 1) / 2 - per_group["own"].to_numpy()
    mm_g = mm[per_group["pg"].to_numpy() - 1]
    mx_g = mx[per_group["pg"].to_numpy() - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = mm_g / possible
        across = np.where(x > 0, mx_g / (m * x), 0.0)
        # no outsider at all: no audience to compare with, so the object decides nothing
        rho = np.where((mm_g > 0) & (x > 0), across / inside, np.nan)
    low, high = _bootstrap_bounds(near, pg, member, window_s, inside, m, n_groups, seed=seed)
    # alone on the object only if, were the members half as dense with the outsiders as
    # among themselves, more member-outsider pairs than observed would have been likely:
    # a few coincidences among members are no evidence that nobody else posts with them
    alone = poisson.cdf(mx_g, CROWD_DENSITY * np.nan_to_num(inside) * m * x) < ALONE_LEVEL
    index = per_group["pg"].to_numpy() - 1
    ratios = (
        per_group.select("cluster", "kind", "object", "outsiders", "x", "m")
        .with_columns(
            pl.Series("rho", rho),
            pl.Series("low", low[index]),
            pl.Series("high", high[index]),
            pl.Series("alone", alone),
        )
        .join(surging, on=["cluster", "kind", "object"], how="left")
        .with_columns(pl.col("surge").fill_null(False))
        .filter(pl.col("rho").is_not_nan())
    )
    return _verdicts(ratios)


def _verdicts(ratios: pl.DataFrame) -> pl.DataFrame:
    """Per cluster, from its pushed objects' ratios, bounds, `alone` and `surge`: the
    verdict and the object it is read on, with that object's ratio and figures."""
    # one pushed object that is conclusively theirs: not a crowd; one pushed object
    # conclusively shared with an audience reacting at those moments, and on none of them
    # the members beyond their usual share: a crowd (an everyday object they also carry is
    # diluted by its other users' everyday posts, which says nothing against the moment);
    # else undecided
    verdicts = ratios.group_by("cluster").agg(
        pl.when(((pl.col("high") < CROWD_DENSITY) & pl.col("alone") & pl.col("surge")).any())
        .then(pl.lit("campaign"))
        .when((pl.col("low") >= CROWD_DENSITY).any() & ~pl.col("surge").any())
        .then(pl.lit("crowd"))
        .alias("audience_verdict")
    )
    # the figures are read on the object the verdict rests on: for a crowd the object most
    # conclusively shared, otherwise the one least shared
    return (
        ratios.join(verdicts, on="cluster")
        .with_columns(
            pl.when(pl.col("audience_verdict") == "crowd")
            .then(-pl.col("low"))
            .otherwise(pl.col("rho"))
            .alias("read_on")
        )
        .sort("cluster", "read_on", "rho", "kind", "object")
        .group_by("cluster", maintain_order=True)
        .agg(
            pl.col("rho").first().alias("audience_ratio"),
            (pl.col("kind").first() + ":" + pl.col("object").first()).alias("audience_object"),
            pl.col("audience_verdict").first(),
            # the figures behind the ratio, on the object it is read on
            pl.col("outsiders").first().cast(pl.Int64).alias("audience_other_accounts"),
            pl.col("x").first().cast(pl.Int64).alias("audience_other_posts"),
            pl.col("m").first().cast(pl.Int64).alias("audience_member_posts"),
            pl.col("share_far").first().alias("audience_share_elsewhere"),
        )
    )


def _bootstrap_bounds(
    near: pl.DataFrame,
    pg: np.ndarray,
    member: np.ndarray,
    window_s: int,
    inside: np.ndarray,
    m: np.ndarray,
    n_groups: int,
    *,
    seed: int,
    draws: int = 200,
    level: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper `level` bounds of each group's density ratio when the outsiders are
    resampled as accounts (a Poisson bootstrap over outsider accounts): two leftover
    accounts are no audience and decide nothing, a few hundred reacting at the same
    moments are one. A group without outsiders has both bounds 0. Each group draws from its
    own stream (`seed`, group), so its bounds do not depend on the other groups' sizes."""
    t = near["t"].to_numpy()
    order, fwd, _ = _sorted_counts(pg, member, t, window_s)
    partners = np.zeros(len(t), dtype=np.int64)
    partners[order] = fwd
    order_r, bwd, _ = _sorted_counts(pg, member, -t, window_s)
    partners[order_r] += bwd
    outsiders = (
        pl.DataFrame(
            {"pg": pg, "acode": near["acode"].to_numpy(), "partners": partners, "member": member}
        )
        .filter(~pl.col("member"))
        .group_by("pg", "acode")
        .agg(pl.col("partners").sum().alias("mx"), pl.len().alias("x"))
        .sort("pg", "acode")
    )
    low = np.zeros(n_groups)
    high = np.zeros(n_groups)
    for (group,), part in outsiders.group_by("pg", maintain_order=True):
        gi = int(group)  # type: ignore[call-overload]
        if not inside[gi] > 0:
            continue
        # each group its own stream: one cluster's bounds never move with another's audience
        rng = np.random.default_rng([seed, gi])
        weights = rng.poisson(1.0, size=(draws, part.height)).astype(np.float64)
        mx_star = weights @ part["mx"].to_numpy().astype(np.float64)
        x_star = weights @ part["x"].to_numpy().astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            rho_star = np.where(x_star > 0, mx_star / (m[gi] * x_star), 0.0) / inside[gi]
        low[gi] = float(np.quantile(rho_star, level))
        high[gi] = float(np.quantile(rho_star, 1 - level))
    return low, high
