"""Bluesky: post views as the AppView API returns them, alone, in ``posts[]``
(``app.bsky.feed.searchPosts``) or in ``feed[].post`` (``getAuthorFeed``, ``getTimeline``).

A post view: ``uri`` (``at://{did}/app.bsky.feed.post/{rkey}``), ``author {did, handle,
displayName}``, ``record`` (an ``app.bsky.feed.post``: ``text``, ``createdAt``,
``facets[] {index {byteStart, byteEnd}, features[]}`` with ``#tag {tag}``, ``#mention
{did}`` and ``#link {uri}``, ``reply {root, parent}``, ``embed`` with a quoted
``record.uri``). A feed item's ``reason`` of type ``#reasonRepost`` makes it a repost by
``reason.by``.
"""

from __future__ import annotations

from typing import Any

from campaign_detect.load.formats._common import (
    MALFORMED,
    Record,
    RecordFormat,
    as_dict,
    empty_record,
    ident,
)

__all__ = ["BLUESKY"]

_POST = "app.bsky.feed.post"


def _is_view(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and str(item.get("uri", "")).startswith("at://")
        and isinstance(item.get("record"), dict)
    )


def _items(doc: Any) -> list[tuple[Any, Any]] | None:
    """(post view, feed reason) pairs, or None when `doc` is not a Bluesky shape."""
    if _is_view(doc):
        return [(doc, None)]
    if isinstance(doc, dict) and isinstance(doc.get("post"), dict):
        return [(doc["post"], doc.get("reason"))]
    if isinstance(doc, dict) and isinstance(doc.get("posts"), list):
        return [(p, None) for p in doc["posts"]]
    if isinstance(doc, dict) and isinstance(doc.get("feed"), list):
        return [
            (f.get("post"), f.get("reason")) if isinstance(f, dict) else (f, None)
            for f in doc["feed"]
        ]
    return None


def _detect(doc: Any) -> str | None:
    items = _items(doc)
    if not items:
        return None
    view = items[0][0]
    if _is_view(view) and view["record"].get("$type", _POST) == _POST:
        return "Bluesky post views: at:// uri, author.handle, record.createdAt"
    return None


def _facets(record: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    text = str(record.get("text") or "").encode("utf-8")
    tags, mentions, links = [], [], []
    for facet in record.get("facets") or []:
        if not isinstance(facet, dict):
            continue
        index = facet.get("index") or {}
        for feature in facet.get("features") or []:
            kind = str(feature.get("$type", "")) if isinstance(feature, dict) else ""
            if kind.endswith("#tag") and feature.get("tag"):
                tags.append(str(feature["tag"]))
            elif kind.endswith("#link") and feature.get("uri"):
                links.append(str(feature["uri"]))
            elif kind.endswith("#mention"):
                start, end = index.get("byteStart"), index.get("byteEnd")
                shown = ""
                if isinstance(start, int) and isinstance(end, int):
                    shown = text[start:end].decode("utf-8", errors="ignore").strip()
                mentions.append(shown if shown.startswith("@") else str(feature.get("did")))
    return tags, mentions, links


def _quoted(embed: Any) -> str | None:
    if not isinstance(embed, dict):
        return None
    record = embed.get("record")
    if isinstance(record, dict) and isinstance(record.get("record"), dict):
        record = record["record"]  # recordWithMedia
    return ident(record.get("uri")) if isinstance(record, dict) else None


def _post(view: Any, reason: Any) -> Record:
    if not _is_view(view):
        return empty_record(__reject=MALFORMED)
    author = as_dict(view.get("author"))
    record = view["record"]
    uri = str(view["uri"])
    did = uri.removeprefix("at://").split("/", 1)[0]
    handle = ident(author.get("handle")) or ident(author.get("did")) or did
    rkey = uri.rsplit("/", 1)[-1]
    tags, mentions, links = _facets(record)
    parent = as_dict(as_dict(record.get("reply")).get("parent"))
    post = empty_record(
        post_id=uri,
        account=handle,
        display_name=ident(author.get("displayName")),
        ts=ident(record.get("createdAt")) or ident(view.get("indexedAt")),
        text=str(record.get("text") or ""),
        hashtags=tags or None,
        mentions=mentions or None,
        urls=links or None,
        share_of=_quoted(record.get("embed")),
        platform="bluesky",
        url=f"https://bsky.app/profile/{handle}/post/{rkey}",
        reply_to=ident(parent.get("uri")),
    )
    if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("reasonRepost"):
        by = as_dict(reason.get("by"))
        reposter = ident(by.get("handle")) or ident(by.get("did"))
        post.update(
            post_id=f"{uri}#repost-by-{reposter}",
            account=reposter,
            display_name=ident(by.get("displayName")),
            ts=ident(reason.get("indexedAt")) or post["ts"],
            share_of=uri,
            url=None,
        )
    return post


def _posts(doc: Any) -> tuple[list[Record], str | None]:
    items = _items(doc) or []
    out = [_post(view, reason) for view, reason in items]
    return out, None if out else "a page without posts"


BLUESKY = RecordFormat(
    name="bluesky",
    title="Bluesky post views (searchPosts, getAuthorFeed, one per line)",
    detect=_detect,
    posts=_posts,
    sources={
        "account": "author.handle (author.did when absent)",
        "ts": "record.createdAt",
        "text": "record.text",
        "post_id": "uri",
        "hashtags": "record.facets (#tag); text",
        "mentions": "record.facets (#mention, as written in the text); text",
        "urls": "record.facets (#link); text",
        "share_of": "record.embed quoted record.uri; reposts: the post's uri",
        "display_name": "author.displayName",
        "url": "bsky.app/profile/{handle}/post/{rkey}",
    },
    extras=("reply_to",),
)
