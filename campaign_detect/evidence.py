"""The evidence behind each reported cluster, as JSON-ready records.

A cluster is only useful with the reasons a sceptical editor would ask for: what the
accounts posted, how alike, how synchronised, how far from chance, who moved first, and
the actual posts behind each link. The wording describes coordination evidence, never a
verdict: openly mobilised real users (the `#KamiUMKMdiTikTok` sellers) coordinate too.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from scipy.stats import binom

from campaign_detect.score.audience import AUDIENCE_BLOCK
from campaign_detect.score.select import NOT_REPORTED
from campaign_detect.signals import Signals, TemplateResult
from campaign_detect.signals.coaction import coaction_events
from campaign_detect.values import human_duration
from campaign_detect.values import iso_z as _iso
from campaign_detect.values import round_float as _num

__all__ = [
    "cluster_events",
    "cluster_network",
    "cluster_posts",
    "cluster_records",
    "explain",
    "member_marks",
]

SAMPLE_POSTS = 5
SAMPLE_EVENTS = 10
TOP_OBJECTS = 5
# the posts of the clusters' headline objects, by anyone (`_object_users`)
_OBJECT_USERS: dict[str, pl.DataType] = {
    "object": pl.String(),
    "account": pl.String(),
    "ts": pl.Datetime("us", "UTC"),
}


def explain(record: dict[str, Any]) -> str:
    """One plain sentence summarising a cluster record's evidence.

    Examples
    --------
    >>> explain({"n_accounts": 87, "hashtags": ["kamiumkmditiktok"], "mentions": ["jokowi"],
    ...          "duration_hours": 19.2,
    ...          "subscores": {"template_share": 0.74, "template_similarity": 0.81},
    ...          "significance": {"ratio": 9.3}})
    '87 accounts posted #kamiumkmditiktok tagging @jokowi within 19 hours; 74% of their posts are variants of one script (mean similarity 0.81); 9.3 times more co-posting than chance.'
    """  # noqa: E501
    pushes = record.get("pushes") or {
        "hashtags": record["hashtags"],
        "mentions": record["mentions"],
    }
    parts = [f"{record['n_accounts']} accounts posted"]
    if pushes["hashtags"]:
        parts.append(" ".join(f"#{tag}" for tag in pushes["hashtags"][:2]))
    else:
        parts.append(_shared_kind(record))
    if pushes["mentions"]:
        parts.append(f"tagging @{pushes['mentions'][0]}")
    platforms = record.get("platforms") or []
    if len(platforms) > 1:
        parts.append("on " + ", ".join(platforms))
    sentence = " ".join(parts) + f" within {human_duration(record['duration_hours'])}"
    sentence += _in_its_window(record.get("headline") or {})
    subscores = record["subscores"]
    if subscores.get("template_share"):
        sentence += (
            f"; {round(100 * subscores['template_share'])}% of their posts are variants of one"
            f" script (mean similarity {subscores['template_similarity']:.2f})"
        )
    ratio = record["significance"].get("ratio")
    if ratio is not None:
        sentence += f"; {ratio:.1f} times more co-posting than chance"
    sentence += _not_a_crowd(record.get("audience") or {}) + "."
    why = record.get("not_reported")
    if not why:
        return sentence
    if why == NOT_REPORTED["crowd"]:
        why += _a_crowd(record.get("audience") or {}, record["n_accounts"])
    return f"Not reported: {why}. {sentence}"


def _in_its_window(headline: dict[str, Any]) -> str:
    """The cluster against everybody who used its headline object in its window, and the
    members' pace against their own at other times: "a group inside a crowd, posting far
    above its habit" reads differently from "the whole crowd, at its usual pace".

    >>> _in_its_window({"object": "hashtag:goal", "accounts_in_window": 400,
    ...                 "members_in_window": 92, "rate_ratio": 23.0, "posts_elsewhere": 50})
    ' (92 of the 400 accounts that used #goal then), posting 23 times as often as they do at other times'
    >>> _in_its_window({"object": "mention:x", "accounts_in_window": 16,
    ...                 "members_in_window": 16, "rate_ratio": None, "posts_elsewhere": 0})
    ' (the only 16 accounts that used @x then), with no posts at other times'
    """  # noqa: E501
    obj, used = headline.get("object"), headline.get("accounts_in_window")
    clause = ""
    if obj and used:
        shown, members = _shown(obj), headline["members_in_window"]
        if members == used:
            who = "the only account" if used == 1 else f"the only {used} accounts"
        else:
            who = f"{members} of the {used} accounts"
        clause = f" ({who} that used {shown} then)"
    rate = headline.get("rate_ratio")
    if rate is not None:
        pace = f"{rate:.0f}" if rate >= 10 else f"{rate:.1f}"
        clause += f", posting {pace} times as often as they do at other times"
    elif headline.get("posts_elsewhere") == 0:
        clause += ", with no posts at other times"
    return clause


def _a_crowd(audience: dict[str, Any], n_accounts: int) -> str:
    """Why the audience test reads a cluster as part of the crowd around a moment, in its
    figures: how many other accounts posted its object near its window, how densely with
    the cluster, and the cluster's share of those posts against its share elsewhere.

    >>> _a_crowd({"verdict": "crowd", "object": "hashtag:goal", "density_ratio": 0.91,
    ...           "other_accounts": 412, "other_posts": 900, "member_posts": 100,
    ...           "member_share_elsewhere": 0.09}, 46)
    ': 412 other accounts posted #goal within 24 hours of its window, co-posting with these 46 at 0.91 times the density among them; these 46 wrote 10% of its posts then, against 9% at other times'
    >>> _a_crowd({"verdict": "campaign", "object": "hashtag:goal", "density_ratio": 0.01}, 46)
    ''
    """  # noqa: E501
    if audience.get("verdict") != "crowd" or not audience.get("object"):
        return ""  # the audience test did not run, or read no crowd
    shown = _shown(audience["object"])
    others = audience["other_accounts"]
    near = audience["member_posts"] + audience["other_posts"]
    sentence = (
        f": {others} other account{'s' if others != 1 else ''} posted {shown} within "
        f"{human_duration(AUDIENCE_BLOCK.total_seconds() / 3600)} of its window, co-posting "
        f"with these {n_accounts} at {audience['density_ratio']:.2f} times the density among"
        f" them; these {n_accounts} wrote "
        f"{round(100 * audience['member_posts'] / near)}% of its posts then"
    )
    elsewhere = audience.get("member_share_elsewhere")
    if elsewhere is None:
        return sentence + f", and {shown} has no posts at other times to compare with"
    return sentence + f", against {round(100 * elsewhere)}% at other times"


def _shown(obj: str) -> str:
    """A ``kind:value`` object as a sentence names it (``#tag``, ``@name``)."""
    kind, _, value = obj.partition(":")
    return {"hashtag": f"#{value}", "mention": f"@{value}"}.get(kind, f"the same {kind}")


def _not_a_crowd(audience: dict[str, Any]) -> str:
    """Why the audience test says the cluster is not just the crowd around a moment: how
    much more densely the members posted its object together than with its other users.

    >>> _not_a_crowd({"verdict": "campaign", "object": "hashtag:fyp", "density_ratio": 0.04})
    '; they posted #fyp together 25 times more densely than with its other users'
    >>> _not_a_crowd({"verdict": None, "object": "hashtag:fyp", "density_ratio": 0.8})
    ''
    """
    density = audience.get("density_ratio")
    if audience.get("verdict") != "campaign" or density is None or not audience.get("object"):
        return ""
    shown = _shown(audience["object"])
    if density <= 0:
        return f"; nobody else posted {shown} with them"
    return (
        f"; they posted {shown} together {1 / density:.0f} times more densely than with its "
        "other users"
    )


# how a sentence names the objects of a kind (an ``--object`` column is named as itself)
_KIND_NAMES = {
    "mention": "the same mentions",
    "url": "the same links",
    "share": "shares of the same posts",
    "text": "the same text",
    "hashtag_seq": "the same hashtag sequences",
}


def _shared_kind(record: dict[str, Any]) -> str:
    """What a cluster without hashtags shared, named from its co-action events' commonest
    kind (e.g. ``the same object_id values``, ``links to example.com``), or ``together``
    when it has no events."""
    kinds = [e["kind"] for e in record["evidence"]["coaction_events"]["sample"]]
    if not kinds:
        return "together"
    kind = max(sorted(set(kinds)), key=kinds.count)
    if kind == "url" and record.get("domains"):
        return "links to " + " ".join(record["domains"][:2])
    return _KIND_NAMES.get(kind, f"the same {kind} values")


def _strongest_in_window(events: pl.DataFrame, start: Any, end: Any) -> pl.DataFrame:
    """The events with both posts inside the cluster's window, the pairs that co-acted most
    often first (then in time order): the evidence for this cluster, not coincidences of
    its members on other days."""
    inside = events.filter(
        pl.col("ts_a").is_between(start, end) & pl.col("ts_b").is_between(start, end)
    )
    return (
        inside.with_columns(pl.len().over("a", "b").alias("pair_events"))
        .sort("pair_events", descending=True, maintain_order=True)
        .drop("pair_events")
    )


def _posted_as(samples: list[dict[str, Any]]) -> str | None:
    """The script as one account posted it (the representative's own post, else the most
    similar sample): what a journalist quotes, not the normalised form it was matched on."""
    if not samples:
        return None
    return max(samples, key=lambda s: (s["similarity"], -len(s["text"])))["text"]


def _top_domains(frame: pl.DataFrame) -> list[str]:
    """The link domains of a list of posts' URLs, by how many accounts linked them."""
    hosts = frame.select(
        "account",
        pl.col("urls")
        .list.eval(pl.element().str.extract(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/?#:]+)", 1))
        .alias("domains"),
    )
    return _top(hosts, "domains")


def _users(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """``object, n``: how many distinct accounts used each object of a list column."""
    return (
        frame.select("account", pl.col(column).alias("object"))
        .explode("object")
        .drop_nulls()
        .unique()
        .group_by("object")
        .agg(pl.len().alias("n"))
    )


def _top(frame: pl.DataFrame, column: str) -> list[str]:
    """Objects of a list column ranked by how many distinct accounts used them."""
    return (
        _users(frame, column)
        .sort(["n", "object"], descending=[True, False])
        .head(TOP_OBJECTS)["object"]
        .to_list()
    )


def _pushed(
    frame: pl.DataFrame, column: str, background: pl.DataFrame, n_all: int, alpha: float
) -> list[str]:
    """What a cluster pushes, not what everybody posts: the objects more of its members use
    than the data's rate explains (binomial tail of the members using it, given the share
    of all accounts that do, at level `alpha` corrected for the objects tried), most
    surprising first. ``#fyp`` used by everyone never heads a headline, and a mention two
    of twenty greeters happen to share does not either."""
    members = max(1, frame["account"].n_unique())
    used = _users(frame, column).join(background.rename({"n": "everyone"}), on="object")
    if used.is_empty():
        return []
    p = binom.sf(used["n"].to_numpy() - 1, members, used["everyone"].to_numpy() / max(1, n_all))
    return (
        used.with_columns(pl.Series("p", p))
        .filter(pl.col("p") * used.height <= alpha)
        .sort(["p", "n", "object"], descending=[False, True, False])
        .head(TOP_OBJECTS)["object"]
        .to_list()
    )


def _headline_object(pushes: dict[str, list[str]]) -> str | None:
    """The object a cluster's sentence leads with (``kind:value``): its most surprising
    pushed hashtag, else its most surprising pushed mention, else none."""
    if pushes["hashtags"]:
        return f"hashtag:{pushes['hashtags'][0]}"
    if pushes["mentions"]:
        return f"mention:{pushes['mentions'][0]}"
    return None


def _object_users(posts: pl.DataFrame, objects: list[str | None]) -> pl.DataFrame:
    """``object, account, ts``: every post of any of `objects` (``kind:value``) by anyone,
    gathered in one pass so that each cluster then reads only its own object's posts."""
    frames = []
    for kind, column in (("hashtag", "hashtags"), ("mention", "mentions")):
        values = sorted({o.partition(":")[2] for o in objects if o and o.startswith(f"{kind}:")})
        if not values:
            continue
        frames.append(
            posts.select("account", "ts", pl.col(column).alias("value"))
            .filter(pl.col("value").list.eval(pl.element().is_in(values)).list.any())
            .explode("value")
            .filter(pl.col("value").is_in(values))
            .select((pl.lit(f"{kind}:") + pl.col("value")).alias("object"), "account", "ts")
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=_OBJECT_USERS)


def _headline(
    obj: str | None,
    object_users: pl.DataFrame,
    row: dict[str, Any],
    members: pl.Series,
    *,
    member_posts: int,
    window_posts: int,
    span: Any,
) -> dict[str, Any]:
    """The figures that say whether a cluster is its object's crowd or a group inside it:
    how many accounts used its headline object inside its window and how many of them are
    members, and how much faster the members posted in the window than in the rest of the
    data (their posts per hour there against elsewhere; null when the window is the whole
    data or has no length, or they have no posts elsewhere, `posts_elsewhere` then 0)."""
    window = row["end"] - row["start"]
    elsewhere = member_posts - window_posts
    rest = (span - window).total_seconds() if span is not None else 0.0
    rate = None
    if window.total_seconds() > 0 and rest > 0 and elsewhere > 0:
        rate = _num((window_posts / window.total_seconds()) / (elsewhere / rest), 1)
    used = members_using = None
    if obj is not None:
        inside = object_users.filter(
            (pl.col("object") == obj) & pl.col("ts").is_between(row["start"], row["end"])
        )["account"]
        used = inside.n_unique()
        members_using = inside.filter(inside.is_in(members.implode())).n_unique()
    return {
        "object": obj,
        "accounts_in_window": used,
        "members_in_window": members_using,
        "rate_ratio": rate,
        "posts_elsewhere": elsewhere,
    }


def cluster_records(
    clusters: pl.DataFrame,
    members: pl.DataFrame,
    events: pl.DataFrame,
    posts: pl.DataFrame,
    templates: TemplateResult,
    *,
    null_rounds: int,
    alpha: float = 0.05,
) -> list[dict[str, Any]]:
    """One JSON-ready record per reported cluster, in rank order (see docs/output.md): the
    frames of a `campaign_detect.ScanResult`, the null model's rounds, and the level at
    which an object counts as pushed by a cluster (`pushes`; the scan's ``max_p_value``)."""
    records = []
    groups = templates.groups
    # one join of all members' posts, split per cluster, rather than a pass over every post
    # for each cluster
    member_posts = posts.join(members.select("account", "cluster"), on="account").partition_by(
        "cluster", as_dict=True, include_key=False
    )
    all_members, all_events = members, events
    background = {column: _users(posts, column) for column in ("hashtags", "mentions")}
    n_all = posts["account"].n_unique()
    span = posts.select(pl.col("ts").max() - pl.col("ts").min()).item() if posts.height else None
    rows = list(clusters.iter_rows(named=True))
    no_posts = posts.clear()
    own_posts_of = {row["cluster"]: member_posts.get((row["cluster"],), no_posts) for row in rows}
    window_posts_of = {
        row["cluster"]: own_posts_of[row["cluster"]].filter(
            pl.col("ts").is_between(row["start"], row["end"])
        )
        for row in rows
    }
    pushes_of = {
        cluster: {
            column: _pushed(frame, column, background[column], n_all, alpha)
            for column in ("hashtags", "mentions")
        }
        for cluster, frame in window_posts_of.items()
    }
    headline_object_of = {cluster: _headline_object(p) for cluster, p in pushes_of.items()}
    object_users = _object_users(posts, list(headline_object_of.values()))
    for row in rows:
        cluster = row["cluster"]
        members = all_members.filter(pl.col("cluster") == cluster)
        window_posts = window_posts_of[cluster]
        pushes = pushes_of[cluster]
        cluster_events = all_events.filter(pl.col("cluster") == cluster)
        events = _strongest_in_window(cluster_events, row["start"], row["end"])
        template = None
        if row.get("main_template") is not None:
            t = groups.filter(pl.col("template_id") == row["main_template"]).row(0, named=True)
            template = {
                "text": t["text"],
                "posted_as": _posted_as(t["samples"]),
                "n_variants": t["n_variants"],
                "n_posts": t["n_posts"],
                "n_accounts": t["n_accounts"],
                "mean_similarity": _num(t["mean_similarity"]),
            }
        hourly = (
            window_posts.group_by(pl.col("ts").dt.truncate("1h").alias("hour"))
            .agg(pl.len().alias("posts"))
            .sort("hour")
        )
        samples = window_posts.sort("ts", "post_id").head(SAMPLE_POSTS)
        leaders = (
            members.filter(pl.col("lead") > 0.5)
            .sort(["lead", "degree", "account"], descending=[True, True, False])
            .head(3)
        )
        names = members.sort("account")["account_name"].fill_null(
            members.sort("account")["account"]
        )
        record: dict[str, Any] = {
            "rank": row["rank"],
            "score": _num(row["score"], 2),
            "n_accounts": row["n_accounts"],
            "n_posts": row["n_posts"],
            "accounts": names.to_list(),
            "hashtags": _top(window_posts, "hashtags"),
            "mentions": _top(window_posts, "mentions"),
            "pushes": pushes,
            "headline": _headline(
                headline_object_of[cluster],
                object_users,
                row,
                members["account"],
                member_posts=own_posts_of[cluster].height,
                window_posts=window_posts.height,
                span=span,
            ),
            "domains": _top_domains(window_posts),
            "platforms": sorted(window_posts["platform"].drop_nulls().unique().to_list()),
            "start": _iso(row["start"]),
            "end": _iso(row["end"]),
            "duration_hours": _num((row["end"] - row["start"]).total_seconds() / 3600, 2),
            "subscores": {
                "synchrony": _num(row["synchrony"]),
                "template_share": _num(row["template_share"]),
                "template_similarity": _num(row.get("template_similarity")),
                "repeated_coaction": _num(row["repeated_coaction"]),
                "focus": _num(row["focus"]),
                "burst_alignment": _num(row["burst_alignment"]),
                "size_factor": _num(row["size_factor"]),
            },
            "pushed_objects": _num(row["pushed_objects"], 2),
            "amplification": _num(row["amplification"], 2),
            "robustness": _num(row["robustness"]),
            "significance": {
                "window_seconds": row["sync_window_s"],
                "copost_observed": _num(row["copost_observed"]),
                "copost_expected": _num(row["copost_expected"]),
                "ratio": _num(row["copost_ratio"], 2),
                "z": _num(row["z"], 2),
                "p_value": _num(row["p_value"], 6),
                "p_adjusted": _num(row["p_adjusted"], 6),
                "members_beyond_chance": _num(row["members_beyond_chance"], 3),
                "null_rounds": null_rounds,
            },
            "not_reported": row.get("not_reported"),
            "audience": {
                "verdict": row.get("audience_verdict"),
                "object": row.get("audience_object"),
                "density_ratio": _num(row.get("audience_ratio"), 3),
                "other_accounts": row.get("audience_other_accounts"),
                "other_posts": row.get("audience_other_posts"),
                "member_posts": row.get("audience_member_posts"),
                "member_share_elsewhere": _num(row.get("audience_share_elsewhere"), 3),
            },
        }
        record["evidence"] = {
            "explanation": "",
            "template": template,
            "posts_per_hour": [{"hour": _iso(h), "posts": n} for h, n in hourly.iter_rows()],
            "sample_posts": [
                {
                    "post_id": p["post_id"],
                    "account": p["account_name"],
                    "ts": _iso(p["ts"]),
                    "file": p["file"],
                    "row": p["row"],
                    "text": p["text"],
                    "url": p.get("url"),
                    "display_name": p.get("display_name"),
                }
                for p in samples.iter_rows(named=True)
            ],
            "first_movers": [
                {
                    "account": m["account_name"] or m["account"],
                    "lead": _num(m["lead"]),
                    "links": m["degree"],
                }
                for m in leaders.iter_rows(named=True)
            ],
            "coaction_events": {
                "total": events.height,
                "outside_window": cluster_events.height - events.height,
                "edges": row["n_edges"],
                "mean_events_per_edge": _num(row["mean_events"], 2),
                "sample": [
                    {
                        "kind": e["kind"],
                        "object": e["object"],
                        "a": e["a"],
                        "b": e["b"],
                        "post_id_a": e["post_id_a"],
                        "post_id_b": e["post_id_b"],
                        "ts_a": _iso(e["ts_a"]),
                        "ts_b": _iso(e["ts_b"]),
                    }
                    for e in events.head(SAMPLE_EVENTS).iter_rows(named=True)
                ],
            },
        }
        record["evidence"]["explanation"] = explain(record)
        records.append(record)
    return records


def cluster_events(
    posts: pl.DataFrame,
    members: pl.DataFrame,
    signals: Signals,
    *,
    objects: tuple[str, ...],
    extra_objects: tuple[str, ...],
) -> pl.DataFrame:
    """The co-action events between members of the same reported cluster, at the widest
    window that linked accounts (those within Δt are among them): the post pairs behind
    the widest window's edges, with the same busy cells and objects left out."""
    if members.is_empty():
        return pl.DataFrame(
            schema={"cluster": pl.UInt32, "a": pl.String, "b": pl.String, "kind": pl.String}
        )
    events = coaction_events(
        posts,
        accounts=members["account"].to_list(),
        window=signals.widest.window,
        objects=objects,
        extra_objects=extra_objects,
        rows=signals.rows,
        bounded=signals.widest.bounded,
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


def cluster_posts(
    clusters: pl.DataFrame, members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """Every post of every reported cluster: its members' posts inside its window, with the
    cluster's ``rank`` and where each post came from (``file``, ``row``, ``url``), in rank
    then time order."""
    columns = ["post_id", "account_name", "ts", "text", "platform", "file", "row"]
    columns += [c for c in ("url", "display_name") if c in posts.columns]
    return (
        posts.join(members.select("account", "cluster"), on="account")
        .join(clusters.select("cluster", "rank", "start", "end"), on="cluster")
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
        .select(pl.col("rank").cast(pl.Int64), *columns)
        .rename({"account_name": "account"})
        .sort("rank", "ts", "post_id")
    )


def cluster_network(
    clusters: pl.DataFrame, members: pl.DataFrame, events: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The reported clusters as a graph Gephi can colour without filtering: their members
    (``cluster`` = the cluster's rank, its ``score``, ``lead`` when the member posted first
    in most of its events, ``n_posts``, ``degree``) and the links between members of one
    cluster (``n_events``, the ``kinds`` of object, ``first``/``last`` event and the
    cluster's ``window_start``/``window_end``).

    The frames are a scan's ``clusters``, ``members`` and ``events`` (`ScanResult`); a saved
    run keeps the result (``scan --save``), so `graph --clusters` can draw it again."""
    ranks = _ranks(clusters)
    nodes = (
        _marked(members, ranks)
        .select(
            "account",
            pl.col("account_name").fill_null(pl.col("account")),
            "cluster",
            "score",
            "lead",
            pl.col("n_posts").cast(pl.Int64),
            pl.col("degree").cast(pl.Int64),
        )
        .sort("cluster", "account")
    )
    edges = (
        events.group_by("cluster", "a", "b")
        .agg(
            pl.len().cast(pl.Int64).alias("n_events"),
            pl.col("kind").unique().sort().alias("kinds"),
            pl.col("ts_a").min().alias("first"),
            pl.col("ts_b").max().alias("last"),
        )
        .join(ranks, on="cluster")
        .select(
            "a",
            "b",
            pl.col("rank").alias("cluster"),
            pl.col("n_events").cast(pl.Float64).alias("weight"),
            "n_events",
            "kinds",
            "first",
            "last",
            "window_start",
            "window_end",
        )
        .sort("cluster", "a", "b")
    )
    return nodes, edges


def member_marks(clusters: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Each member of a reported cluster with the cluster's rank as ``cluster``, its
    ``score`` and the member's ``lead`` flag, to mark accounts in a graph."""
    return _marked(members, _ranks(clusters)).select("account", "cluster", "score", "lead")


def _ranks(clusters: pl.DataFrame) -> pl.DataFrame:
    """Each cluster's id with its rank, score and window, as graph attributes."""
    return clusters.select(
        "cluster",
        pl.col("rank").cast(pl.Int64).alias("rank"),
        pl.col("score").round(2),
        pl.col("start").alias("window_start"),
        pl.col("end").alias("window_end"),
    )


def _marked(members: pl.DataFrame, ranks: pl.DataFrame) -> pl.DataFrame:
    """Members with their cluster's rank as ``cluster``, its ``score`` and a ``lead`` flag
    (the member posted first in most of its events)."""
    return members.join(ranks, on="cluster").with_columns(
        pl.col("rank").alias("cluster"),
        (pl.col("lead").fill_null(0.0) > 0.5).alias("lead"),
    )
