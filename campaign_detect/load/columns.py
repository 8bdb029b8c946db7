"""Which input column holds which post field, by the names real exports use.

Matching is case-insensitive and exact on the (flattened, dotted) column name, and each field
tries its candidates in order, so a human handle (``username``, ``author.username``,
``user.screen_name``) wins over a numeric id (``author_id``, ``user_id``) when both are
present, and a retweet's nested ``retweeted_status.user.screen_name`` is never taken for the
poster. A caller's `overrides` (the CLI's ``--account-col``, ``--time-col``, ``--text-col``,
``--id-col``) always win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from campaign_detect.errors import InputError

__all__ = [
    "ABSENT",
    "DETECTED",
    "EXTRACTED",
    "FIELDS",
    "FROM_FLAG",
    "INFERRED",
    "SYNTHESISED",
    "ColumnSource",
    "detect_columns",
    "detect_extra_columns",
    "infer_platform",
    "resolve_override_keys",
]

DETECTED = "detected"
FROM_FLAG = "from flag"
EXTRACTED = "extracted from text"
SYNTHESISED = "synthesised"
INFERRED = "inferred from export shape"
ABSENT = "absent"

#: Post fields that can come from an input column, in report order.
FIELDS = (
    "account",
    "ts",
    "text",
    "post_id",
    "hashtags",
    "mentions",
    "urls",
    "share_of",
    "platform",
)

_CANDIDATES: dict[str, tuple[str, ...]] = {
    "account": (
        "account",
        "username",
        "screen_name",
        "author.username",
        "user.screen_name",
        "user.username",
        "author.unique_id",
        "author_username",
        "author_handle",
        "user_handle",
        "user_screen_name",
        "handle",
        "unique_id",
        "author",
        "user",
        "user_name",
        "channel",
        "channel_title",
        "author_id",
        "user_id",
        "user.id_str",
        "author.id",
        "user.id",
        "channel_id",
    ),
    "ts": (
        "created_at",
        "create_time",
        "createtime",
        "timestamp",
        "published_at",
        "published",
        "publish_time",
        "posted_at",
        "posted",
        "post_time",
        "created_time",
        "created",
        "datetime",
        "date_time",
        "date",
        "time",
    ),
    "text": (
        "text",
        "full_text",
        "body",
        "content",
        "message",
        "caption",
        "video_description",
        "description",
        "tweet",
        "post_text",
    ),
    "post_id": (
        "post_id",
        "tweet_id",
        "video_id",
        "status_id",
        "message_id",
        "id_str",
        "id",
    ),
    "hashtags": ("hashtags", "hashtag_names", "entities.hashtags", "hashtag"),
    "mentions": ("mentions", "user_mentions", "entities.mentions", "entities.user_mentions"),
    "urls": ("urls", "entities.urls", "links", "expanded_urls"),
    "share_of": (
        "share_of",
        "retweet_of",
        "retweeted_status.id_str",
        "retweeted_status.id",
        "referenced_tweets.retweeted.id",
        "referenced_tweets",
        "original_id",
        "retweet_id",
        "retweeted_id",
        "shared_post_id",
    ),
    "platform": ("platform", "source_platform"),
}

# columns beyond the reported fields: the account's display name and the post's own URL
# (never a bare "url", which in most exports is the link the post shares)
_EXTRA_CANDIDATES: dict[str, tuple[str, ...]] = {
    "display_name": (
        "display_name",
        "author.name",
        "user.name",
        "author.nickname",
        "author.display_name",
        "author_name",
        "author_display_name",
        "user_display_name",
        "nickname",
        "full_name",
    ),
    "url": ("post_url", "permalink", "permalink_url", "tweet_url", "video_url", "status_url"),
}

_FLAGS = {
    "account": "--account-col",
    "ts": "--time-col",
    "text": "--text-col",
    "post_id": "--id-col",
}
_ALIASES = {"time": "ts", "timestamp": "ts", "id": "post_id"}


@dataclass(frozen=True)
class ColumnSource:
    """Where one post field comes from.

    Attributes
    ----------
    source
        The input column, or None when the field is not read from a column.
    how
        ``detected``, ``from flag``, ``extracted from text``, ``synthesised``,
        ``inferred from export shape`` or ``absent``.
    value
        The inferred value (only for a platform inferred from the export shape).
    """

    source: str | None
    how: str
    value: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready form, fixed key order."""
        out: dict[str, str | None] = {"source": self.source, "how": self.how}
        if self.value is not None:
            out["value"] = self.value
        return out


def flag_for(field: str) -> str:
    """How a user names the column of `field`: the CLI flag, or the `columns` key."""
    return _FLAGS.get(field, f"columns={{{field!r}: ...}}")


def resolve_override_keys(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """`overrides` with aliases (``time``, ``id``) resolved; unknown fields are an InputError.

    Examples
    --------
    >>> resolve_override_keys({"time": "posted", "account": "who"})
    {'ts': 'posted', 'account': 'who'}
    """
    resolved: dict[str, str] = {}
    for key, column in (overrides or {}).items():
        field = _ALIASES.get(key, key)
        if field not in FIELDS:
            raise InputError(
                f"column mapping: unknown field {key!r}; use one of {', '.join(FIELDS)}"
            )
        resolved[field] = column
    return resolved


def _lookup(names: Iterable[str]) -> dict[str, str]:
    by_lower: dict[str, str] = {}
    for name in names:
        by_lower.setdefault(name.lower(), name)
    return by_lower


def infer_platform(names: Iterable[str]) -> str | None:
    """The platform, when the column names leave no doubt about the export; else None.

    Twitter API v2 (twarc2) carries ``author_id`` with ``edit_history_tweet_ids``,
    ``__twarc.*`` or ``referenced_tweets``; v1.1 carries ``id_str`` with
    ``user.screen_name``; TikTok's Research API carries ``video_description`` with
    ``hashtag_names``, ``music_id`` or ``region_code``.

    Examples
    --------
    >>> infer_platform(["id", "author_id", "edit_history_tweet_ids", "text"])
    'twitter'
    >>> infer_platform(["id", "username", "text"]) is None
    True
    """
    lower = set(_lookup(names))
    if "author_id" in lower and (
        "edit_history_tweet_ids" in lower
        or "referenced_tweets" in lower
        or any(n.startswith("__twarc") for n in lower)
    ):
        return "twitter"
    if "id_str" in lower and "user.screen_name" in lower:
        return "twitter"
    if "video_description" in lower and lower & {"hashtag_names", "music_id", "region_code"}:
        return "tiktok"
    return None


def detect_columns(
    names: Iterable[str],
    *,
    overrides: Mapping[str, str] | None = None,
    file: str = "input",
) -> dict[str, ColumnSource]:
    """Map each post field to its input column.

    Parameters
    ----------
    names
        The input's column names (nested JSON already flattened to dotted names).
    overrides
        Field -> column chosen by the user; must exist (exactly or ignoring case).
    file
        The file the columns come from, for error messages.

    Returns
    -------
    dict
        Every field of `FIELDS` -> `ColumnSource`. Hashtags, mentions and URLs without a
        column are extracted from the text; a missing id is synthesised; a missing platform
        is inferred when the export's shape is unmistakable.

    Raises
    ------
    InputError
        When an override names a missing column, or no account or time column is found; the
        message lists the columns found and the flag to use.

    Examples
    --------
    >>> cols = detect_columns(["author_id", "username", "Created_At", "body"])
    >>> {k: v.source for k, v in cols.items() if v.source}
    {'account': 'username', 'ts': 'Created_At', 'text': 'body'}
    >>> cols["hashtags"].how, cols["post_id"].how
    ('extracted from text', 'synthesised')
    """
    names = list(names)
    by_lower = _lookup(names)
    chosen = resolve_override_keys(overrides)
    listing = ", ".join(names) if names else "(none)"
    result: dict[str, ColumnSource] = {}
    for field in FIELDS:
        if field in chosen:
            wanted = chosen[field]
            actual = wanted if wanted in names else by_lower.get(wanted.lower())
            if actual is None:
                raise InputError(
                    f"{file}: {flag_for(field)} names column {wanted!r}, which is not in the "
                    f"input; columns found: {listing}"
                )
            result[field] = ColumnSource(actual, FROM_FLAG)
            continue
        found = next((by_lower[c] for c in _CANDIDATES[field] if c in by_lower), None)
        if found is not None:
            result[field] = ColumnSource(found, DETECTED)
        elif field in ("hashtags", "mentions", "urls"):
            result[field] = ColumnSource(None, EXTRACTED)
        elif field == "post_id":
            result[field] = ColumnSource(None, SYNTHESISED)
        elif field == "platform" and (platform := infer_platform(names)) is not None:
            result[field] = ColumnSource(None, INFERRED, platform)
        else:
            result[field] = ColumnSource(None, ABSENT)
    missing = [f for f in ("account", "ts") if result[f].source is None]
    if missing:
        what = " or ".join("account" if f == "account" else "time" for f in missing)
        flags = " / ".join(flag_for(f) for f in missing)
        raise InputError(
            f"{file}: found no usable {what} column; columns found: {listing}; "
            f"name the column with {flags}"
        )
    return result


def detect_extra_columns(names: Iterable[str]) -> dict[str, str | None]:
    """The columns of the display name and of the post's URL, where a plain table has them.

    Examples
    --------
    >>> detect_extra_columns(["id", "author.username", "author.name", "url"])
    {'display_name': 'author.name', 'url': None}
    """
    by_lower = _lookup(names)
    return {
        field: next((by_lower[c] for c in candidates if c in by_lower), None)
        for field, candidates in _EXTRA_CANDIDATES.items()
    }
