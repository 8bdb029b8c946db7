"""`generate`: the organic background and the planted groups, assembled into `SynthData`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.synth.campaigns import CAMPAIGN_BUILDERS
from campaign_detect.synth.draw import DAY, diurnal_times, skewed
from campaign_detect.synth.moments import (
    MOMENT_CAMPAIGN_BUILDERS,
    MOMENT_NEGATIVE_BUILDERS,
    NAMED_BUILDERS,
)
from campaign_detect.synth.negatives import HARD_NEGATIVE_BUILDERS
from campaign_detect.synth.organic import make_handles, organic_activity, organic_texts
from campaign_detect.synth.planted import Ctx, Planted
from campaign_detect.synth.words import CITIES, FIRST, SECOND, TOPIC_NAMES

__all__ = [
    "CAMPAIGN_KINDS",
    "HARD_NEGATIVE_KINDS",
    "KINDS",
    "MIXES",
    "MOMENT_KINDS",
    "NAMED_KINDS",
    "SynthData",
    "generate",
]

CAMPAIGN_KINDS: tuple[str, ...] = (
    "script_push",
    "copypasta_ring",
    "hashtag_set_ring",
    "low_and_slow",
    "popular_hijack",
    "hashtag_flood",
)
HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "news_burst",
    "fandom",
    "daily_hashtag",
    "viral_phrase",
    "news_aggregators",
    "share_cascade",
)
KINDS: tuple[str, ...] = CAMPAIGN_KINDS + HARD_NEGATIVE_KINDS
# opt-in kinds (issue 11, `synth.moments`): never in the default mix, so that the default
# output stays byte-identical; their random streams are numbered after `KINDS`
MOMENT_KINDS: tuple[str, ...] = (*MOMENT_CAMPAIGN_BUILDERS, *MOMENT_NEGATIVE_BUILDERS)
# kinds planted by name only, numbered last: no mix builds them
NAMED_KINDS: tuple[str, ...] = tuple(NAMED_BUILDERS)
_ALL_KINDS: tuple[str, ...] = KINDS + MOMENT_KINDS + NAMED_KINDS
MIXES: dict[str, tuple[str, ...]] = {"default": KINDS, "moments": KINDS + MOMENT_KINDS}

_REPOST_SHARE = 0.05
_MAX_PLANTED_SHARE = 0.5
_CHUNK = 250_000  # organic posts whose texts are built at once (fixed: output must not vary)
_BUILDERS = {
    **CAMPAIGN_BUILDERS,
    **HARD_NEGATIVE_BUILDERS,
    **MOMENT_CAMPAIGN_BUILDERS,
    **MOMENT_NEGATIVE_BUILDERS,
    **NAMED_BUILDERS,
}


@dataclass(frozen=True)
class SynthData:
    """Synthetic posts and the truth about them.

    Attributes
    ----------
    posts
        post_id, account, created_at (datetime[us, UTC]), text, share_of (null unless a
        repost), platform, music_id; sorted by (created_at, post_id).
    truth
        account, group, role: one row per membership of a planted group; role is
        ``"campaign"`` or ``"hard_negative"``. Accounts not listed are organic.
    groups
        group, role, kind, hashtags, target, start, end (first and last post of a member
        for the group), n_accounts, n_posts (the members' posts for the group), description.
    planted
        post_id, group: the posts each planted group's members made for it, so detectors can
        also be scored post by post.
    """

    posts: pl.DataFrame
    truth: pl.DataFrame
    groups: pl.DataFrame
    planted: pl.DataFrame


def _parse_start(start: str | datetime) -> datetime:
    try:
        value = start if isinstance(start, datetime) else datetime.fromisoformat(start)
    except ValueError as exc:
        raise InputError(
            f"start: {start!r} is not an ISO 8601 time; use e.g. 2023-09-18T00:00:00Z"
        ) from exc
    if value.tzinfo is None:
        raise InputError(f"start: {start!r} has no time zone; add one, e.g. Z for UTC")
    return value.astimezone(UTC).replace(microsecond=0)


def _kind_list(kinds: Sequence[str] | None, mix: str | None = None) -> list[str]:
    if mix is not None and mix not in MIXES:
        raise InputError(f"mix: unknown mix {mix!r}; choose from {', '.join(MIXES)}")
    if kinds is None:
        return list(MIXES[mix or "default"])
    if mix is not None:
        raise InputError("kinds and mix: give one of them, not both")
    if isinstance(kinds, str):
        kinds = [kinds]
    unknown = [k for k in kinds if k not in _BUILDERS]
    if unknown:
        raise InputError(f"kinds: unknown kind(s) {unknown}; choose from {', '.join(_ALL_KINDS)}")
    return list(dict.fromkeys(kinds))


def generate(
    n_posts: int = 100_000,
    *,
    seed: int = 0,
    start: str | datetime = "2023-09-18T00:00:00Z",
    days: int = 14,
    kinds: Sequence[str] | None = None,
    mix: str | None = None,
) -> SynthData:
    """Synthetic posts: an organic background with planted campaigns and hard negatives.

    Use it to test and benchmark detectors against a known truth: `truth` says which accounts
    ran a campaign and which only look like one. Group sizes are drawn per `seed` within the
    ranges in the module docstring, so a detector cannot be tuned to one draw.

    Parameters
    ----------
    n_posts
        Exact number of posts, planted ones included. Planted groups stop growing at 100,000
        posts and shrink (to at least 8 accounts each) below it.
    seed
        Every random choice derives from it; the same arguments give identical frames.
    start
        First instant of the period, ISO 8601 with a time zone.
    days
        Length of the period (at least 2).
    kinds
        Which planted groups to add (see `KINDS`, `MOMENT_KINDS` and `NAMED_KINDS`); None
        adds the groups of `mix`, ``[]`` none.
    mix
        None or ``"default"``: the twelve `KINDS`. ``"moments"``: those and the
        `MOMENT_KINDS` of issue 11 (organic crowds a shared moment explains, campaigns
        hidden inside busy traffic; see `campaign_detect.synth.moments`). Not together
        with `kinds`.

    Returns
    -------
    SynthData

    Raises
    ------
    InputError
        When `n_posts` is too small for the planted groups, `days` < 2, or a kind is unknown.

    Examples
    --------
    >>> data = generate(3_000, seed=1, kinds=["script_push", "news_burst"])
    >>> data.posts.height, sorted(data.groups["group"])
    (3000, ['news_burst', 'script_push'])
    >>> data.truth.columns
    ['account', 'group', 'role']
    """
    if n_posts < 1:
        raise InputError(f"n_posts: {n_posts} must be at least 1")
    if days < 2:
        raise InputError(f"days: {days} must be at least 2, so that planted groups have room")
    origin = _parse_start(start)
    chosen = _kind_list(kinds, mix)
    return assemble(n_posts, seed=seed, origin=origin, days=days, kinds=chosen, ctx_extra={})


def assemble(
    n_posts: int,
    *,
    seed: int,
    origin: datetime,
    days: int,
    kinds: list[str],
    ctx_extra: dict[str, str],
    scale: float | None = None,
) -> SynthData:
    span = days * DAY
    if scale is None:
        scale = min(1.0, n_posts / 100_000) ** 0.5
    ctx = Ctx(span=span, scale=scale, origin_weekday=origin.weekday(), **ctx_extra)
    planted = [
        _BUILDERS[kind](np.random.default_rng([seed, 1000 + _ALL_KINDS.index(kind)]), ctx)
        for kind in kinds
    ]
    n_planted = sum(len(g.t) for g in planted)
    if n_planted > _MAX_PLANTED_SHARE * n_posts:
        raise InputError(
            f"n_posts: {n_posts} is too small for the planted groups ({n_planted} posts); "
            f"use n_posts >= {int(n_planted / _MAX_PLANTED_SHARE) + 1} or fewer kinds"
        )
    rng = np.random.default_rng([seed, 1])
    n_org = n_posts - n_planted
    counts = organic_activity(rng, n_org)
    n_acc = len(counts)
    handles = make_handles(rng, n_acc)

    # organic posts: who, when, about what, in which language
    poster = rng.permutation(np.repeat(np.arange(n_acc), counts))
    n_rep = round(_REPOST_SHARE * n_org) if n_org >= 100 else 0
    n_orig = n_org - n_rep
    t_orig = diurnal_times(rng, n_orig, 0, span)
    fav_topic = rng.integers(0, len(TOPIC_NAMES), n_acc)
    topic = np.where(
        rng.random(n_orig) < 0.6, fav_topic[poster[:n_orig]], rng.integers(0, 7, n_orig)
    )
    english = (rng.random(n_acc) < 0.25)[poster[:n_orig]] ^ (rng.random(n_orig) < 0.1)
    rare = pl.Series(
        "rare",
        sorted({a + b for a in SECOND + FIRST for b in SECOND + CITIES if a != b}),
    ).str.to_lowercase()
    rare = rare.gather(rng.permutation(len(rare)))
    # in fixed-size chunks, so that the word columns of 10M posts never sit in memory at once
    texts = pl.concat(
        [
            organic_texts(
                rng, topic[i : i + _CHUNK], english[i : i + _CHUNK], handles, rare_tags=rare
            )
            for i in range(0, n_orig, _CHUNK)
        ]
        or [pl.Series("text", [], dtype=pl.String)]
    )
    n_sounds = max(200, n_org // 200)
    sounds = rng.integers(7_000_000_000_000_000_000, 7_300_000_000_000_000_000, n_sounds + 1)
    music = np.where(
        rng.random(n_orig) < 0.4,
        rng.integers(6_000_000_000_000_000_000, 7_000_000_000_000_000_000, n_orig),
        sounds[(rng.zipf(1.3, n_orig) - 1) % n_sounds],
    )
    # reposts of popular originals, later than the original
    candidates = rng.choice(n_orig, min(n_orig, max(10, n_orig // 300)), replace=False)
    src = candidates[skewed(rng, len(candidates), n_rep, 3.0)] if n_rep else np.zeros(0, int)
    delay = rng.lognormal(np.log(3600), 1.2, n_rep).astype(np.int64) + 5
    t_rep = t_orig[src] + delay
    late = t_rep >= span
    t_rep[late] = t_orig[src][late] + ((span - t_orig[src][late]) * rng.random(late.sum()))
    t_rep = np.minimum(t_rep, span - 1)

    # planted members become organic accounts: campaign members are moderately active
    # accounts of their own; hard negatives are drawn from everyone else
    need = sum(g.n_members for g in planted if g.role == "campaign")
    quiet = np.flatnonzero(counts <= 30)
    if need > len(quiet):
        raise InputError(f"n_posts: {n_posts} is too small for {need} campaign accounts")
    acc_rng = np.random.default_rng([seed, 2])
    campaign_accounts = acc_rng.choice(quiet, need, replace=False)
    others = np.setdiff1d(np.arange(n_acc), campaign_accounts)
    slot_maps, used = [], 0
    for g in planted:
        if g.role == "campaign":
            slot_maps.append(campaign_accounts[used : used + g.n_members])
            used += g.n_members
        else:
            slot_maps.append(acc_rng.choice(others, min(len(others), g.n_members), replace=False))
    non_campaign_posts = poster[~np.isin(poster, campaign_accounts)]

    p_acc, p_t, p_text, p_share, p_music, p_group, p_member = [], [], [], [], [], [], []
    offset = n_org
    for gi, (g, mapping) in enumerate(zip(planted, slot_maps, strict=True)):
        slot = np.asarray(g.slot, dtype=np.int64)
        member = slot >= 0
        unrelated = acc_rng.choice(non_campaign_posts, int((~member).sum()))
        acc = np.empty(len(slot), dtype=np.int64)
        acc[member] = mapping[slot[member] % len(mapping)]
        acc[~member] = unrelated
        share = np.asarray(g.share, dtype=np.int64)
        p_acc.append(acc)
        p_t.append(np.asarray(g.t, dtype=np.int64))
        p_text += g.text
        p_share.append(np.where(share >= 0, share + offset, -1))
        gm = np.asarray(g.music, dtype=np.int64)
        drawn = sounds[(acc_rng.zipf(1.3, len(gm)) - 1) % n_sounds]
        p_music.append(np.where(gm >= 0, sounds[-1] - gm, drawn))
        p_group.append(np.full(len(slot), gi))
        p_member.append(member)
        offset += len(slot)

    cat = np.concatenate
    account = cat([poster, *p_acc]).astype(np.int64)
    t = cat([t_orig, t_rep, *p_t]).astype(np.int64)
    share_idx = cat([np.full(n_orig, -1), src + 0, *p_share]).astype(np.int64)
    music_all = cat([music, music[src], *p_music]).astype(np.int64)
    group_idx = cat([np.full(n_org, -1), *p_group]).astype(np.int64)
    is_member = cat([np.zeros(n_org, bool), *p_member])
    text = pl.concat([texts, texts.gather(src), pl.Series("text", p_text, dtype=pl.String)])

    seconds = int(origin.timestamp()) + t
    post_id = (seconds.astype(np.uint64) << np.uint64(32)) | rng.permutation(len(t)).astype(
        np.uint64
    )
    # sorted by (created_at, post_id): ids have 19 digits for any time after 1977, so their
    # numeric and text orders agree; columns are built already sorted to avoid a copy
    order = np.lexsort((post_id, seconds))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    del t
    pid = pl.Series("post_id", post_id[order]).cast(pl.String)
    share_sorted = share_idx[order]
    share_of = pl.select(
        pl.when(pl.lit(share_sorted >= 0)).then(pid.gather(rank[np.maximum(share_sorted, 0)]))
    ).to_series()
    text = text.gather(order)
    frame = pl.DataFrame(
        {
            "post_id": pid,
            "account": handles.gather(account[order]),
            "created_at": pl.Series(seconds[order] * 1_000_000).cast(pl.Datetime("us", "UTC")),
            "text": text,
            "share_of": share_of,
            "platform": pl.repeat("tiktok", len(order), eager=True, dtype=pl.String),
            "music_id": pl.Series(music_all[order]).cast(pl.String),
            "_group": group_idx[order],
            "_member": is_member[order],
        }
    )
    names = _group_names(planted)
    return _finish(frame, planted, names)


def _group_names(planted: list[Planted]) -> list[str]:
    return [g.kind for g in planted]


def _finish(frame: pl.DataFrame, planted: list[Planted], names: list[str]) -> SynthData:
    posts = frame.drop("_group", "_member")
    index = pl.DataFrame(
        {"_group": list(range(len(names))), "_name": names},
        schema={"_group": pl.Int64, "_name": pl.String},
    )
    member_posts = (
        frame.filter(pl.col("_member"))
        .join(index, on="_group", maintain_order="left")
        .drop("_group")
        .rename({"_name": "_group"})
    )
    roles = {name: g.role for name, g in zip(names, planted, strict=True)}
    truth = (
        member_posts.select(pl.col("account"), pl.col("_group").alias("group"))
        .unique()
        .with_columns(pl.col("group").replace_strict(roles, return_dtype=pl.String).alias("role"))
        .sort("group", "account")
    )
    planted_frame = member_posts.select("post_id", pl.col("_group").alias("group")).sort(
        "group", "post_id"
    )
    stats = member_posts.group_by(pl.col("_group").alias("group")).agg(
        pl.col("created_at").min().alias("start"),
        pl.col("created_at").max().alias("end"),
        pl.col("account").n_unique().cast(pl.Int64).alias("n_accounts"),
        pl.len().cast(pl.Int64).alias("n_posts"),
    )
    meta = pl.DataFrame(
        {
            "group": names,
            "role": [g.role for g in planted],
            "kind": [g.kind for g in planted],
            "hashtags": [[h.lower() for h in g.hashtags] for g in planted],
            "target": [g.target for g in planted],
            "description": [g.description for g in planted],
        },
        schema={
            "group": pl.String,
            "role": pl.String,
            "kind": pl.String,
            "hashtags": pl.List(pl.String),
            "target": pl.String,
            "description": pl.String,
        },
    )
    groups = meta.join(stats, on="group", how="left").select(
        "group",
        "role",
        "kind",
        "hashtags",
        "target",
        "start",
        "end",
        "n_accounts",
        "n_posts",
        "description",
    )
    return SynthData(posts=posts, truth=truth, groups=groups, planted=planted_frame)
