"""Shared test helpers: small post frames built by hand, in the post schema."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from campaign_detect import scan
from campaign_detect.entities import (
    canonical_urls,
    extract_hashtags,
    extract_mentions,
    extract_urls,
)
from campaign_detect.schema import POST_SCHEMA
from campaign_detect.synth import SynthData, write
from campaign_detect.synth.assemble import assemble


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def make_posts(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Build a post-schema frame from dicts with at least `account`, `ts` and `text`.

    `hashtags`, `mentions` and `urls` are extracted from the text unless given;
    `post_id` defaults to ``p<i>`` and `row` to the 1-based position.
    """
    records = []
    for i, r in enumerate(rows):
        records.append(
            {
                "post_id": r.get("post_id", f"p{i + 1}"),
                "account": str(r["account"]).lower().lstrip("@"),
                "account_name": str(r["account"]),
                "ts": _as_datetime(r["ts"]),
                "text": r.get("text", ""),
                "share_of": r.get("share_of"),
                "platform": r.get("platform"),
                "file": r.get("file", "test.csv"),
                "row": r.get("row", i + 1),
                **{k: v for k, v in r.items() if k not in POST_SCHEMA},
            }
        )
    frame = pl.DataFrame(records, infer_schema_length=None).with_columns(
        pl.col("ts").dt.replace_time_zone("UTC") if records else pl.col("ts"),
    )
    given = {k for r in rows for k in r}
    frame = frame.with_columns(
        (
            pl.Series(name, [r.get(name, []) for r in rows], dtype=pl.List(pl.String))
            if name in given
            else extractor(pl.col("text")).alias(name)
        )
        for name, extractor in (
            ("hashtags", extract_hashtags),
            ("mentions", extract_mentions),
            ("urls", extract_urls),
        )
    )
    frame = frame.with_columns(canonical_urls(frame["urls"]))
    return frame.select(
        [pl.col(n).cast(t) for n, t in POST_SCHEMA.items()]
        + [pl.col(c) for c in frame.columns if c not in POST_SCHEMA]
    )


@pytest.fixture
def posts_factory():
    """The `make_posts` builder, as a fixture."""
    return make_posts


def planted(n_posts: int, seed: int, kinds: list[str], scale: float | None = None) -> SynthData:
    """Synth posts of two weeks from 2023-09-18 holding only `kinds` (at `scale`, by default
    their size at `n_posts`), for the tests that scan one planted kind beside others."""
    return assemble(
        n_posts,
        seed=seed,
        origin=datetime(2023, 9, 18, tzinfo=UTC),
        days=14,
        kinds=kinds,
        ctx_extra={},
        scale=n_posts / 100_000 if scale is None else scale,
    )


def flagged_by_group(data: SynthData, directory: Path) -> tuple[dict[str, set[str]], set[str]]:
    """Scan `data` (written as Parquet into `directory`): each planted group's accounts and
    the accounts the default scan reports, all as lower-case keys."""
    truth = data.truth.with_columns(pl.col("account").str.to_lowercase())
    groups = {str(group): set(part["account"]) for (group,), part in truth.group_by("group")}
    result = scan(str(write(data, directory, fmt="parquet")["posts"]))
    return groups, set(result.members["account"].str.to_lowercase())
