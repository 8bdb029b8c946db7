"""Meta: CrowdTangle CSV exports (Facebook and Instagram) and Meta Content Library CSV.

- CrowdTangle (historical data / saved search CSV): ``Page Name``, ``User Name``,
  ``Facebook Id``, ``Post Created`` (``2023-09-26 10:15:00 WIB``: the dashboard's zone as
  an abbreviation), ``Type``, ``URL`` (the post), ``Message``, ``Link`` (the shared link),
  ``Final Link``, ``Description``, ...; Instagram exports name the account ``Account`` and
  hold the caption in ``Description``. There is no post id column: the post URL is the id.
- Meta Content Library (the CSV a Content Library search downloads): ``id``,
  ``creation_time``, ``text``, ``post_owner.name``, ``post_owner.username``,
  ``post_owner.id``, ``link_attachment.link`` where the post shares a link.
"""

from __future__ import annotations

import polars as pl

from campaign_detect.entities import extract_urls
from campaign_detect.load.formats._common import TableFormat

__all__ = ["CROWDTANGLE", "META_CONTENT_LIBRARY"]


def _getter(by_lower: dict[str, str]):  # type: ignore[no-untyped-def]
    def col(name: str) -> pl.Expr:
        if name not in by_lower:
            return pl.lit(None, dtype=pl.String)
        expr = pl.col(by_lower[name]).cast(pl.String)
        return pl.when(expr.str.strip_chars() != "").then(expr)

    return col


def _detect_crowdtangle(names: list[str]) -> str | None:
    lower = {n.lower() for n in names}
    if "post created" in lower and lower & {"page name", "account", "user name"}:
        return "CrowdTangle CSV columns: Post Created, Page Name / Account, User Name, URL"
    return None


def _adapt_crowdtangle(frame: pl.LazyFrame, by_lower: dict[str, str]) -> pl.LazyFrame:
    col = _getter(by_lower)
    instagram = "account" in by_lower and "page name" not in by_lower
    name = col("account") if instagram else col("page name")
    text = (
        pl.coalesce(col("description"), col("message"))
        if instagram
        else pl.coalesce(col("message"), pl.lit(""))
    )
    links = pl.concat_list(
        extract_urls(text.fill_null("")),
        pl.concat_list(col("link"), col("final link")).list.drop_nulls(),
    ).list.unique(maintain_order=True)
    return frame.with_columns(
        col("url").alias("post_id"),
        pl.coalesce(col("user name"), col("facebook id"), name).alias("account"),
        pl.lit(None, dtype=pl.String).alias("account_name"),
        name.alias("display_name"),
        col("post created").alias("ts"),
        text.fill_null("").alias("text"),
        pl.lit(None, dtype=pl.List(pl.String)).alias("hashtags"),
        pl.lit(None, dtype=pl.List(pl.String)).alias("mentions"),
        links.alias("urls"),
        pl.lit(None, dtype=pl.String).alias("share_of"),
        pl.lit("instagram" if instagram else "facebook").alias("platform"),
        col("url").alias("url"),
        pl.coalesce(col("link"), col("final link")).alias("link"),
    )


CROWDTANGLE = TableFormat(
    name="crowdtangle",
    title="CrowdTangle CSV (Facebook, Instagram)",
    detect=_detect_crowdtangle,
    adapt=_adapt_crowdtangle,
    sources={
        "account": "User Name (Facebook Id, then Page Name / Account when empty)",
        "ts": "Post Created (with its zone abbreviation)",
        "text": "Message (Facebook), Description (Instagram)",
        "post_id": "URL",
        "hashtags": "extracted from text",
        "mentions": "extracted from text",
        "urls": "text URLs + Link + Final Link",
        "share_of": "(none)",
        "display_name": "Page Name / Account",
        "url": "URL",
    },
    extras=("link",),
)


def _detect_mcl(names: list[str]) -> str | None:
    lower = {n.lower() for n in names}
    if "creation_time" in lower and any(n.startswith("post_owner.") for n in lower):
        return "Meta Content Library CSV columns: creation_time, post_owner.*"
    return None


def _adapt_mcl(frame: pl.LazyFrame, by_lower: dict[str, str]) -> pl.LazyFrame:
    col = _getter(by_lower)
    text = pl.coalesce(col("text"), pl.lit(""))
    links = pl.concat_list(
        extract_urls(text),
        pl.concat_list(col("link_attachment.link")).list.drop_nulls(),
    ).list.unique(maintain_order=True)
    url = pl.coalesce(col("url"), col("post_url"), col("permalink"))
    lower_url = url.str.to_lowercase()
    platform = (
        pl.when(lower_url.str.contains("instagram.com", literal=True))
        .then(pl.lit("instagram"))
        .otherwise(pl.lit("facebook"))
    )
    return frame.with_columns(
        col("id").alias("post_id"),
        pl.coalesce(col("post_owner.username"), col("post_owner.id"), col("post_owner.name")).alias(
            "account"
        ),
        pl.lit(None, dtype=pl.String).alias("account_name"),
        col("post_owner.name").alias("display_name"),
        col("creation_time").alias("ts"),
        text.alias("text"),
        pl.lit(None, dtype=pl.List(pl.String)).alias("hashtags"),
        pl.lit(None, dtype=pl.List(pl.String)).alias("mentions"),
        links.alias("urls"),
        pl.lit(None, dtype=pl.String).alias("share_of"),
        platform.alias("platform"),
        url.alias("url"),
        col("link_attachment.link").alias("link"),
    )


META_CONTENT_LIBRARY = TableFormat(
    name="meta-content-library",
    title="Meta Content Library CSV",
    detect=_detect_mcl,
    adapt=_adapt_mcl,
    sources={
        "account": "post_owner.username (post_owner.id, then post_owner.name)",
        "ts": "creation_time",
        "text": "text",
        "post_id": "id",
        "hashtags": "extracted from text",
        "mentions": "extracted from text",
        "urls": "text URLs + link_attachment.link",
        "share_of": "(none)",
        "display_name": "post_owner.name",
        "url": "url / post_url (instagram.com there makes the platform instagram)",
    },
    extras=("link",),
)
