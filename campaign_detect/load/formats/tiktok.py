"""TikTok Research API response pages, and Zeeschuimer / 4CAT NDJSON (TikTok, Instagram).

- Research API video query response: ``{"data": {"videos": [...], "cursor", "has_more",
  "search_id"}, "error": {"code", "message", "log_id"}}``, saved one per file or one per
  line. A video: ``id``, ``username``, ``create_time`` (epoch seconds), ``video_description``,
  ``hashtag_names[]``, ``music_id``, ``region_code``. A page whose ``error.code`` is not
  ``ok`` (rate limit, ...) holds no posts and is noted.
- Zeeschuimer (the browser extension 4CAT imports from) writes one item per line:
  ``{"nav_index", "item_id", "timestamp_collected", "source_platform", "source_platform_url",
  "data": {...}}`` with ``data`` the platform's own object. TikTok: ``id``, ``desc``,
  ``createTime``, ``author {uniqueId, nickname}`` (or ``author`` a string), ``music {id}``,
  ``challenges[] {title}``, ``textExtra[] {hashtagName, userUniqueId}``. Instagram: ``id``,
  ``code``, ``taken_at``, ``user {username, full_name}`` (or ``owner``), ``caption {text}``.
"""

from __future__ import annotations

from typing import Any

from campaign_detect.load.formats._common import (
    MALFORMED,
    NOT_A_POST,
    Record,
    RecordFormat,
    as_dict,
    as_list,
    empty_record,
    ident,
    text_of,
)

__all__ = ["TIKTOK_RESEARCH", "ZEESCHUIMER"]


def _video_url(user: str | None, video_id: str | None) -> str | None:
    if not user or not video_id:
        return None
    return f"https://www.tiktok.com/@{user}/video/{video_id}"


def _detect_research(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return None
    data, error = doc.get("data"), doc.get("error")
    if isinstance(data, dict) and isinstance(data.get("videos"), list):
        return "a TikTok Research API response: data.videos[]"
    if isinstance(error, dict) and "log_id" in error and set(doc) <= {"data", "error"}:
        return "a TikTok Research API response without videos (error)"
    return None


def _video(video: Any) -> Record:
    if not isinstance(video, dict) or ident(video.get("id")) is None:
        return empty_record(__reject=MALFORMED)
    user, video_id = ident(video.get("username")), ident(video.get("id"))
    tags = video.get("hashtag_names")
    return empty_record(
        post_id=video_id,
        account=user,
        ts=ident(video.get("create_time")),
        text=video.get("video_description") or "",
        hashtags=[str(t) for t in tags] if isinstance(tags, list) else None,
        platform="tiktok",
        url=_video_url(user, video_id),
        music_id=ident(video.get("music_id")),
        region_code=ident(video.get("region_code")),
    )


def _research_posts(doc: Any) -> tuple[list[Record], str | None]:
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    videos = data.get("videos") or []
    error = doc.get("error") if isinstance(doc.get("error"), dict) else {}
    if not videos:
        code = error.get("code")
        why = f"{code}: {error.get('message')}" if code and code != "ok" else "no videos"
        return [], f"an API page without posts ({why})"
    return [_video(v) for v in videos], None


TIKTOK_RESEARCH = RecordFormat(
    name="tiktok-research",
    title="TikTok Research API response pages",
    detect=_detect_research,
    posts=_research_posts,
    sources={
        "account": "data.videos[].username",
        "ts": "data.videos[].create_time (epoch seconds)",
        "text": "data.videos[].video_description",
        "post_id": "data.videos[].id",
        "hashtags": "data.videos[].hashtag_names",
        "mentions": "extracted from text",
        "urls": "extracted from text",
        "share_of": "(none)",
        "url": "tiktok.com/@{username}/video/{id}",
    },
    extras=("music_id", "region_code"),
)


def _detect_zeeschuimer(doc: Any) -> str | None:
    if isinstance(doc, dict) and "source_platform" in doc and "data" in doc:
        return f"a Zeeschuimer item: source_platform {doc.get('source_platform')!r} with data"
    return None


def _tiktok_item(data: dict[str, Any]) -> Record:
    author = data.get("author")
    if isinstance(author, dict):
        user, name = ident(author.get("uniqueId")), ident(author.get("nickname"))
    else:
        user = ident(author)
        info = as_dict(data.get("authorInfo"))
        name = ident(info.get("nickname"))
    extra = as_list(data.get("textExtra"))
    tags = [str(e["hashtagName"]) for e in extra if isinstance(e, dict) and e.get("hashtagName")]
    if not tags and isinstance(data.get("challenges"), list):
        tags = [
            str(c["title"]) for c in data["challenges"] if isinstance(c, dict) and c.get("title")
        ]
    mentions = [
        str(e["userUniqueId"]) for e in extra if isinstance(e, dict) and e.get("userUniqueId")
    ]
    music = as_dict(data.get("music"))
    video_id = ident(data.get("id"))
    return empty_record(
        post_id=video_id,
        account=user,
        display_name=name,
        ts=ident(data.get("createTime")),
        text=data.get("desc") or "",
        hashtags=tags or None,
        mentions=mentions or None,
        platform="tiktok",
        url=_video_url(user, video_id),
        music_id=ident(music.get("id")),
    )


def _instagram_item(data: dict[str, Any]) -> Record:
    user = as_dict(data.get("user")) or as_dict(data.get("owner"))
    code = ident(data.get("code")) or ident(data.get("shortcode"))
    handle = ident(user.get("username"))
    caption = data.get("caption")
    if isinstance(data.get("edge_media_to_caption"), dict):  # the older web API shape
        edges = data["edge_media_to_caption"].get("edges") or []
        caption = edges[0].get("node") if edges and isinstance(edges[0], dict) else None
    return empty_record(
        post_id=ident(data.get("id")) or code,
        account=handle,
        display_name=ident(user.get("full_name")),
        ts=ident(data.get("taken_at")) or ident(data.get("taken_at_timestamp")),
        text=text_of(caption),
        platform="instagram",
        url=f"https://www.instagram.com/p/{code}/" if code else None,
    )


def _zeeschuimer_posts(doc: Any) -> tuple[list[Record], str | None]:
    data = doc.get("data")
    if not isinstance(data, dict):
        return [empty_record(__reject=MALFORMED)], None
    platform = str(doc.get("source_platform") or "").lower()
    if platform.startswith("tiktok"):
        record = _tiktok_item(data)
    elif platform.startswith("instagram"):
        record = _instagram_item(data)
    else:
        return [empty_record(__reject=NOT_A_POST)], None
    if record["post_id"] is None:
        record["__reject"] = MALFORMED
    return [record], None


ZEESCHUIMER = RecordFormat(
    name="zeeschuimer",
    title="Zeeschuimer / 4CAT NDJSON (TikTok, Instagram)",
    detect=_detect_zeeschuimer,
    posts=_zeeschuimer_posts,
    sources={
        "account": "data.author.uniqueId (TikTok), data.user.username (Instagram)",
        "ts": "data.createTime (TikTok), data.taken_at (Instagram), epoch seconds",
        "text": "data.desc (TikTok), data.caption.text (Instagram)",
        "post_id": "data.id",
        "hashtags": "data.textExtra[].hashtagName / challenges[].title (TikTok); text",
        "mentions": "data.textExtra[].userUniqueId (TikTok); text",
        "urls": "extracted from text",
        "share_of": "(none)",
        "display_name": "data.author.nickname / data.user.full_name",
        "url": "tiktok.com/@{user}/video/{id}, instagram.com/p/{code}/",
    },
    extras=("music_id",),
)
