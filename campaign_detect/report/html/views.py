"""What the HTML report shows of one cluster, computed from a `ScanResult`'s public frames:
its network, its script's variants with the shared skeleton, and the posts behind its links.

Everything here is bounded so that a report of a large scan stays small: at most
`MAX_NODES` members and `MAX_EDGES` links in the network, `MAX_VARIANTS` variants,
`MAX_EVENTS` co-action events and the posts behind them; what was left out is counted so
that the page can say so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from campaign_detect.pipeline import ScanResult

__all__ = ["ClusterView", "cluster_view", "spread"]

MAX_NODES = 80
MAX_EDGES = 160
MAX_VARIANTS = 8
MAX_EVENTS = 30
MAX_POSTS = 40


def spread(n: int, k: int) -> list[int]:
    """``k`` positions spread evenly over ``range(n)``, first and last included.

    Examples
    --------
    >>> spread(10, 4)
    [0, 3, 6, 9]
    >>> spread(3, 5)
    [0, 1, 2]
    """
    if n <= k:
        return list(range(n))
    if k == 1:
        return [0]
    return sorted({round(i * (n - 1) / (k - 1)) for i in range(k)})


@dataclass
class ClusterView:
    """The bounded pieces of one cluster that the page draws (see the module docstring)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[tuple[int, int, int]] = field(default_factory=list)
    n_members: int = 0
    n_links: int = 0
    variants: list[dict[str, Any]] = field(default_factory=list)
    n_variants: int = 0
    skeleton: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    n_events: int = 0
    posts: list[dict[str, Any]] = field(default_factory=list)
    n_posts: int = 0
    posts_from: str = "links"


def cluster_view(
    result: ScanResult, row: dict[str, Any], member_posts: pl.DataFrame
) -> ClusterView:
    """The view of one row of ``result.clusters``; ``member_posts`` are its members' posts."""
    view = ClusterView()
    members = result.members.filter(pl.col("cluster") == row["cluster"])
    events = result.events.filter(pl.col("cluster") == row["cluster"])
    _network(view, members, events)
    _variants(view, result, row, member_posts)
    _links(view, events, member_posts, row)
    return view


def _network(view: ClusterView, members: pl.DataFrame, events: pl.DataFrame) -> None:
    view.n_members = members.height
    pairs = (
        events.select(
            pl.min_horizontal("a", "b").alias("a"), pl.max_horizontal("a", "b").alias("b")
        )
        .group_by("a", "b")
        .agg(pl.len().alias("events"))
        .sort(["events", "a", "b"], descending=[True, False, False])
        if events.height
        else pl.DataFrame(schema={"a": pl.String, "b": pl.String, "events": pl.UInt32})
    )
    view.n_links = pairs.height
    chosen = members.sort(["degree", "account"], descending=[True, False]).head(MAX_NODES)
    index = {key: i for i, key in enumerate(chosen["account"].to_list())}
    view.nodes = [
        {
            "key": m["account"],
            "account": m["account_name"] or m["account"],
            "degree": m["degree"],
            "leader": m["lead"] is not None and m["lead"] > 0.5,
        }
        for m in chosen.iter_rows(named=True)
    ]
    for a, b, n in pairs.iter_rows():
        if a in index and b in index:
            view.edges.append((index[a], index[b], n))
            if len(view.edges) == MAX_EDGES:
                break


_TOKEN = re.compile(r"\S+")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _key(token: str) -> str:
    """A word as compared between variants: case and punctuation do not make a difference."""
    return re.sub(r"\W+", "", token.casefold()) or token


def _variants(
    view: ClusterView, result: ScanResult, row: dict[str, Any], member_posts: pl.DataFrame
) -> None:
    """The script's texts as the members posted them, most posted first, each split into
    words marked ``core`` (the skeleton: words of the first variant that at least half of
    the other shown variants share), ``same`` (shared with the first variant) or ``diff``
    (not in the first variant). Words are compared without case and punctuation."""
    template = row.get("main_template")
    if template is None:
        return
    groups = result.templates.groups.filter(pl.col("template_id") == template)
    if groups.height:
        view.skeleton = groups["text"][0]
    assigned = result.templates.members.filter(pl.col("template_id") == template).select("post_id")
    texts = (
        member_posts.join(assigned, on="post_id", how="semi")
        .group_by("text")
        .agg(pl.len().alias("posts"), pl.col("account").n_unique().alias("accounts"))
        .sort(["posts", "accounts", "text"], descending=[True, True, False])
    )
    view.n_variants = texts.height
    shown = texts.head(MAX_VARIANTS).to_dicts()
    if not shown:
        return
    tokens = [_tokens(v["text"]) for v in shown]
    first = [_key(tok) for tok in tokens[0]]
    blocks = [
        difflib.SequenceMatcher(
            a=first, b=[_key(tok) for tok in other], autojunk=False
        ).get_matching_blocks()
        for other in tokens[1:]
    ]
    found = [0] * len(first)
    for matched in blocks:
        for block in matched:
            for k in range(block.size):
                found[block.a + k] += 1
    # the skeleton: the first variant's words that at least half of the others share
    others = len(shown) - 1
    core = {i for i in range(len(first)) if others == 0 or 2 * found[i] >= others}
    marked = [[(tok, "core" if i in core else "same") for i, tok in enumerate(tokens[0])]]
    for other, matched in zip(tokens[1:], blocks, strict=True):
        flags = ["diff"] * len(other)
        for block in matched:
            for k in range(block.size):
                flags[block.b + k] = "core" if block.a + k in core else "same"
        marked.append(list(zip(other, flags, strict=True)))
    for variant, flagged in zip(shown, marked, strict=True):
        variant["tokens"] = flagged
    view.variants = shown


def _links(
    view: ClusterView, events: pl.DataFrame, member_posts: pl.DataFrame, row: dict[str, Any]
) -> None:
    """Co-action events spread over the window, and the posts at both ends of them; for a
    cluster without links, its members' posts in the window, spread over it."""
    view.n_events = events.height
    by_id = member_posts.select("post_id", "account_name", "ts", "text", "file", "row")
    if events.height:
        picked = events[spread(events.height, MAX_EVENTS)]
        view.events = picked.to_dicts()
        ids = pl.concat([picked["post_id_a"], picked["post_id_b"]]).unique()
        every = pl.concat([events["post_id_a"], events["post_id_b"]]).n_unique()
        chosen = by_id.filter(pl.col("post_id").is_in(ids.implode())).sort("ts", "post_id")
        view.n_posts = every
        view.posts = chosen.head(MAX_POSTS * 2).to_dicts()
        view.posts_from = "links"
        return
    inside = by_id.filter(pl.col("ts").is_between(row["start"], row["end"])).sort("ts", "post_id")
    view.n_posts = inside.height
    view.posts = inside[spread(inside.height, MAX_POSTS)].to_dicts()
    view.posts_from = "window"
