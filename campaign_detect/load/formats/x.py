"""X (Twitter): API v2 responses as twarc2 writes them, API v1.1 tweets, and `twarc2 csv`.

- API v2 response (``twarc2 search`` writes one per line; a page saved as ``.json`` is one):
  ``data[]`` tweets (``id``, ``text``, ``created_at``, ``author_id``, ``entities.hashtags[].tag``,
  ``entities.mentions[].username``, ``entities.urls[].expanded_url``,
  ``referenced_tweets[] {type, id}``), ``includes.users[] {id, username, name}`` joined on
  ``author_id``, ``meta``, ``errors``. A page with no ``data`` (no results, rate-limited)
  holds no posts and is noted, not fatal.
- API v1.1 tweet: ``id_str``, ``created_at`` (``Tue Sep 26 ...``), ``full_text``/``text``,
  ``user {screen_name, name}``, ``entities``, ``retweeted_status``, ``quoted_status_id_str``.
- ``twarc2 csv`` (twarc-csv): flat columns whose entity cells hold JSON lists
  (``entities.hashtags`` = ``[{"start": 0, "end": 5, "tag": "umkm"}]``).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from campaign_detect.load.formats._common import (
    MALFORMED,
    Record,
    RecordFormat,
    TableFormat,
    empty_record,
    ident,
)

__all__ = ["TWARC2", "TWARC2_CSV", "X_V1"]

_PAGE_KEYS = {"data", "includes", "meta", "errors", "__twarc", "title", "detail", "type", "status"}


def _status_url(user: str | None, tweet_id: str | None) -> str | None:
    if not user or not tweet_id or user.isdigit():
        return f"https://x.com/i/status/{tweet_id}" if tweet_id else None
    return f"https://x.com/{user}/status/{tweet_id}"


def _entity(items: Any, *keys: str) -> list[str] | None:
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, dict):
            value = next((item[k] for k in keys if item.get(k)), None)
            if value:
                out.append(str(value))
    return out


def _detect_v2(doc: Any) -> str | None:
    if not isinstance(doc, dict) or not set(doc) <= _PAGE_KEYS:
        return None
    data = doc.get("data")
    if isinstance(data, list) and data and isinstance(data[0], dict):
        if "author_id" in data[0] or "edit_history_tweet_ids" in data[0]:
            return "an X API v2 response: data[] tweets with author_id, includes.users"
        return None
    if "data" not in doc and (
        "meta" in doc or "errors" in doc or "__twarc" in doc or {"title", "status"} <= set(doc)
    ):
        return "an X API v2 response without data (no results or an error)"
    return None


def _v2_posts(doc: Any) -> tuple[list[Record], str | None]:
    data = doc.get("data") if isinstance(doc, dict) else None
    if not data:
        errors = doc.get("errors") if isinstance(doc, dict) else None
        why = doc.get("title") or doc.get("detail") if isinstance(doc, dict) else None
        if not why and isinstance(errors, list) and errors and isinstance(errors[0], dict):
            why = errors[0].get("title") or errors[0].get("message")
        return [], f"an API page without posts ({why or 'no results'})"
    users = {}
    includes = doc.get("includes") or {}
    for user in includes.get("users") or []:
        if isinstance(user, dict) and ident(user.get("id")):
            users[ident(user.get("id"))] = user
    out = []
    for tweet in data:
        if not isinstance(tweet, dict) or not ident(tweet.get("id")):
            out.append(empty_record(__reject=MALFORMED))
            continue
        author_id = ident(tweet.get("author_id"))
        user = users.get(author_id, {})
        handle = ident(user.get("username")) or author_id
        entities = tweet.get("entities") or {}
        refs = {
            r.get("type"): ident(r.get("id"))
            for r in tweet.get("referenced_tweets") or []
            if isinstance(r, dict)
        }
        tweet_id = ident(tweet.get("id"))
        out.append(
            empty_record(
                post_id=tweet_id,
                account=handle,
                display_name=ident(user.get("name")),
                ts=ident(tweet.get("created_at")),
                text=tweet.get("text") or "",
                hashtags=_entity(entities.get("hashtags"), "tag"),
                mentions=_entity(entities.get("mentions"), "username"),
                urls=_entity(entities.get("urls"), "unwound_url", "expanded_url", "url"),
                share_of=refs.get("retweeted") or refs.get("quoted"),
                platform="twitter",
                url=_status_url(handle, tweet_id),
                reply_to=refs.get("replied_to"),
            )
        )
    return out, None


TWARC2 = RecordFormat(
    name="twarc2",
    title="X API v2 responses (twarc2 search / a saved page)",
    detect=_detect_v2,
    posts=_v2_posts,
    sources={
        "account": "includes.users[author_id].username (author_id when absent)",
        "ts": "data[].created_at",
        "text": "data[].text",
        "post_id": "data[].id",
        "hashtags": "data[].entities.hashtags[].tag",
        "mentions": "data[].entities.mentions[].username",
        "urls": "data[].entities.urls[].unwound_url / expanded_url",
        "share_of": "data[].referenced_tweets (retweeted, else quoted)",
        "display_name": "includes.users[author_id].name",
        "url": "x.com/{username}/status/{id}",
    },
    extras=("reply_to",),
)


def _detect_v1(doc: Any) -> str | None:
    if isinstance(doc, dict) and "id_str" in doc and isinstance(doc.get("user"), dict):
        return "an X API v1.1 tweet: id_str with a user object"
    return None


def _v1_posts(doc: Any) -> tuple[list[Record], str | None]:
    user = doc.get("user") or {}
    entities = doc.get("entities") or {}
    handle = ident(user.get("screen_name")) or ident(user.get("id_str"))
    tweet_id = ident(doc.get("id_str"))
    retweeted = doc.get("retweeted_status")
    share = ident(retweeted.get("id_str")) if isinstance(retweeted, dict) else None
    text = doc.get("full_text") or doc.get("text") or ""
    extended = doc.get("extended_tweet")
    if isinstance(extended, dict) and extended.get("full_text"):
        text = extended["full_text"]
        entities = extended.get("entities") or entities
    if tweet_id is None:
        return [empty_record(__reject=MALFORMED)], None
    return [
        empty_record(
            post_id=tweet_id,
            account=handle,
            display_name=ident(user.get("name")),
            ts=ident(doc.get("created_at")),
            text=text,
            hashtags=_entity(entities.get("hashtags"), "text"),
            mentions=_entity(entities.get("user_mentions"), "screen_name"),
            urls=_entity(entities.get("urls"), "expanded_url", "url"),
            share_of=share or ident(doc.get("quoted_status_id_str")),
            platform="twitter",
            url=_status_url(handle, tweet_id),
            reply_to=ident(doc.get("in_reply_to_status_id_str")),
        )
    ], None


X_V1 = RecordFormat(
    name="x-v1",
    title="X API v1.1 tweets",
    detect=_detect_v1,
    posts=_v1_posts,
    sources={
        "account": "user.screen_name",
        "ts": "created_at",
        "text": "full_text / extended_tweet.full_text / text",
        "post_id": "id_str",
        "hashtags": "entities.hashtags[].text",
        "mentions": "entities.user_mentions[].screen_name",
        "urls": "entities.urls[].expanded_url",
        "share_of": "retweeted_status.id_str, else quoted_status_id_str",
        "display_name": "user.name",
        "url": "x.com/{screen_name}/status/{id_str}",
    },
    extras=("reply_to",),
)


def _detect_twarc_csv(names: list[str]) -> str | None:
    lower = {n.lower() for n in names}
    if {"id", "author_id", "created_at", "text"} <= lower and (
        "author.username" in lower or any(n.startswith("__twarc") for n in lower)
    ):
        return "twarc2 csv columns: id, author_id, author.username, entities.* as JSON"
    return None


def _json_list(col: str, key: str) -> pl.Expr:
    """A JSON-list cell (``[{"tag": "x"}, ...]``) as the list of its `key` values."""
    decoded = (
        pl.col(col)
        .str.strip_chars()
        .replace("", None)
        .str.json_decode(pl.List(pl.Struct({key: pl.String})))
    )
    return decoded.list.eval(pl.element().struct.field(key)).fill_null(
        pl.lit([], dtype=pl.List(pl.String))
    )


def _adapt_twarc_csv(frame: pl.LazyFrame, by_lower: dict[str, str]) -> pl.LazyFrame:
    def col(name: str) -> pl.Expr:
        return pl.col(by_lower[name]) if name in by_lower else pl.lit(None, dtype=pl.String)

    def blank_null(expr: pl.Expr) -> pl.Expr:
        return pl.when(expr.str.strip_chars() != "").then(expr)

    account = pl.coalesce(blank_null(col("author.username")), blank_null(col("author_id")))
    lists: list[pl.Expr] = []
    for field, column, key in (
        ("hashtags", "entities.hashtags", "tag"),
        ("mentions", "entities.mentions", "username"),
        ("urls", "entities.urls", "expanded_url"),
    ):
        if column in by_lower:
            lists.append(
                pl.when(col(column).str.strip_chars().str.starts_with("["))
                .then(_json_list(by_lower[column], key))
                .alias(field)
            )
        else:
            lists.append(pl.lit(None, dtype=pl.List(pl.String)).alias(field))
    share = pl.coalesce(
        blank_null(col("referenced_tweets.retweeted.id")),
        blank_null(col("referenced_tweets.quoted.id")),
    )
    return frame.with_columns(
        col("id").alias("post_id"),
        account.alias("account"),
        pl.lit(None, dtype=pl.String).alias("account_name"),
        col("author.name").alias("display_name"),
        col("created_at").alias("ts"),
        col("text").alias("text"),
        *lists,
        share.alias("share_of"),
        pl.lit("twitter").alias("platform"),
        pl.concat_str(pl.lit("https://x.com/"), account, pl.lit("/status/"), col("id")).alias(
            "url"
        ),
        blank_null(col("referenced_tweets.replied_to.id")).alias("reply_to"),
    )


TWARC2_CSV = TableFormat(
    name="twarc2-csv",
    title="twarc2 csv (twarc-csv)",
    detect=_detect_twarc_csv,
    adapt=_adapt_twarc_csv,
    sources={
        "account": "author.username (author_id when empty)",
        "ts": "created_at",
        "text": "text",
        "post_id": "id",
        "hashtags": "entities.hashtags (JSON list, .tag)",
        "mentions": "entities.mentions (JSON list, .username)",
        "urls": "entities.urls (JSON list, .expanded_url)",
        "share_of": "referenced_tweets.retweeted.id, else referenced_tweets.quoted.id",
        "display_name": "author.name",
        "url": "x.com/{author.username}/status/{id}",
    },
    extras=("reply_to",),
)
