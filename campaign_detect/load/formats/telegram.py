"""Telegram Desktop's JSON export (``result.json``): one chat, or all chats.

One chat: ``{"name", "type", "id", "messages": [...]}``; a full export nests the chats under
``chats.list[]``. A message: ``id``, ``type`` (``message``; ``service`` for joins, pins,
...), ``date`` (local time of the exporting computer, no zone), ``date_unixtime`` (epoch
seconds: the time used), ``from`` / ``from_id`` (``user123``, ``channel123``),
``forwarded_from``, ``reply_to_message_id``, ``text`` (a string, or a list of strings and
``{"type", "text"}`` parts when it holds links, hashtags or formatting) and
``text_entities[] {type, text, href}`` (``hashtag``, ``mention``, ``mention_name``, ``link``,
``text_link``, ``plain``, ``bold``, ...).
"""

from __future__ import annotations

from typing import Any

from campaign_detect.load.formats._common import (
    MALFORMED,
    NOT_A_POST,
    Record,
    RecordFormat,
    empty_record,
    ident,
    text_of,
)

__all__ = ["TELEGRAM"]


def _chats(doc: Any) -> list[dict[str, Any]] | None:
    if not isinstance(doc, dict):
        return None
    if isinstance(doc.get("messages"), list):
        return [doc]
    chats = doc.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        return [c for c in chats["list"] if isinstance(c, dict)]
    return None


def _detect(doc: Any) -> str | None:
    chats = _chats(doc)
    if chats is None:
        return None
    for chat in chats:
        for message in chat.get("messages") or []:
            if isinstance(message, dict) and "date_unixtime" in message:
                return "a Telegram Desktop export: messages[] with date_unixtime"
            if isinstance(message, dict) and "from_id" in message and "date" in message:
                return "a Telegram Desktop export: messages[] with from_id and date"
    if "chats" in doc or {"name", "type", "id"} <= set(doc):
        return "a Telegram Desktop export without messages"
    return None


def _message(chat: dict[str, Any], message: Any) -> Record:
    if not isinstance(message, dict) or ident(message.get("id")) is None:
        return empty_record(__reject=MALFORMED)
    if message.get("type", "message") != "message":
        return empty_record(__reject=NOT_A_POST)
    chat_id = ident(chat.get("id"))
    msg_id = ident(message.get("id"))
    name = ident(message.get("from")) or ident(message.get("author"))
    if name is None and str(chat.get("type", "")).endswith("channel"):
        name = ident(chat.get("name"))
    sender = ident(message.get("from_id")) or name
    hashtags, mentions, urls = [], [], []
    entities = message.get("text_entities")
    if not isinstance(entities, list):
        entities = [p for p in message.get("text") or [] if isinstance(p, dict)]
    for part in entities:
        if not isinstance(part, dict):
            continue
        kind, text = part.get("type"), str(part.get("text") or "")
        if kind == "hashtag":
            hashtags.append(text)
        elif kind == "mention":
            mentions.append(text)
        elif kind == "link":
            urls.append(text)
        elif kind == "text_link" and part.get("href"):
            urls.append(str(part["href"]))
    return empty_record(
        post_id=f"{chat_id}/{msg_id}" if chat_id else msg_id,
        account=sender,
        account_name=name or sender,
        display_name=name,
        ts=ident(message.get("date_unixtime")) or ident(message.get("date")),
        text=text_of(message.get("text")),
        hashtags=hashtags,
        mentions=mentions,
        urls=urls,
        platform="telegram",
        url=f"https://t.me/c/{chat_id}/{msg_id}" if chat_id else None,
        forwarded_from=ident(message.get("forwarded_from")),
        reply_to=(
            f"{chat_id}/{ident(message['reply_to_message_id'])}"
            if message.get("reply_to_message_id") is not None
            else None
        ),
        chat=ident(chat.get("name")),
    )


def _posts(doc: Any) -> tuple[list[Record], str | None]:
    out = [
        _message(chat, message)
        for chat in _chats(doc) or []
        for message in chat.get("messages") or []
    ]
    return out, None if out else "an export without messages"


TELEGRAM = RecordFormat(
    name="telegram",
    title="Telegram Desktop export (result.json)",
    detect=_detect,
    posts=_posts,
    sources={
        "account": "messages[].from_id (shown as from; the channel name for channel posts)",
        "ts": "messages[].date_unixtime (UTC), else date",
        "text": "messages[].text (parts joined)",
        "post_id": "{chat id}/{messages[].id}",
        "hashtags": "messages[].text_entities (hashtag)",
        "mentions": "messages[].text_entities (mention)",
        "urls": "messages[].text_entities (link, text_link.href)",
        "share_of": "(none: a forward names its channel, not the message)",
        "display_name": "messages[].from",
        "url": "t.me/c/{chat id}/{id}",
    },
    extras=("forwarded_from", "reply_to", "chat"),
)
