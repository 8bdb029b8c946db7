"""Writing synthetic data to files, and the bundled ``#KamiUMKMdiTikTok`` sample."""

from __future__ import annotations

import json
import os
import zlib
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.synth.assemble import SynthData, assemble

__all__ = ["kami_sample", "to_tiktok_research", "write", "write_sample"]


def _iso(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def write(data: SynthData, outdir: str | os.PathLike[str], *, fmt: str = "csv") -> dict[str, Path]:
    """Write the posts, the truth and the group descriptions into `outdir`.

    Files: ``posts.<csv|parquet|jsonl>`` (times as ISO 8601 with ``Z`` in CSV and JSONL),
    ``truth.csv``, ``planted.csv`` and ``groups.json``. The same data gives byte-identical
    files, so a benchmark input can be regenerated instead of stored.

    Returns
    -------
    dict
        ``{"posts": path, "truth": path, "planted": path, "groups": path}``.
    """
    if fmt not in ("csv", "parquet", "jsonl"):
        raise InputError(f"fmt: {fmt!r} is not one of csv, parquet, jsonl")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "posts": out / f"posts.{fmt}",
        "truth": out / "truth.csv",
        "planted": out / "planted.csv",
        "groups": out / "groups.json",
    }
    if fmt == "parquet":
        data.posts.write_parquet(paths["posts"], statistics=False)
    else:
        text_posts = data.posts.with_columns(_iso("created_at"))
        if fmt == "csv":
            text_posts.write_csv(paths["posts"])
        else:
            text_posts.write_ndjson(paths["posts"])
    data.truth.write_csv(paths["truth"])
    data.planted.write_csv(paths["planted"])
    groups = data.groups.with_columns(_iso("start"), _iso("end")).to_dicts()
    paths["groups"].write_text(json.dumps(groups, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return paths


_SAMPLE_KINDS = ("script_push", "copypasta_ring", "news_burst", "daily_hashtag", "share_cascade")


def kami_sample(*, seed: int = 7) -> SynthData:
    """The small bundled sample modelled on ``#KamiUMKMdiTikTok`` (September 2023).

    1,500 posts over a week: the script push itself (``#KamiUMKMdiTikTok``, tagging
    ``@jokowi``, within 24 hours), a copypasta ring, and three hard negatives (a news burst,
    a daily greeting hashtag and a share cascade). `fixtures/make_sample.py` writes it with
    `write_sample`.

    Examples
    --------
    >>> sample = kami_sample()
    >>> sample.groups.filter(pl.col("kind") == "script_push")["hashtags"].to_list()
    [['kamiumkmditiktok']]
    """
    return assemble(
        1_500,
        seed=seed,
        origin=datetime(2023, 9, 18, tzinfo=UTC),
        days=7,
        kinds=list(_SAMPLE_KINDS),
        ctx_extra={"hashtag": "KamiUMKMdiTikTok", "target": "jokowi"},
        scale=0.3,  # larger groups than 1,500 posts would get, so the demo has something to show
    )


def to_tiktok_research(posts: pl.DataFrame) -> pl.DataFrame:
    """`posts` with TikTok Research API column names, as the bundled sample is shipped.

    Columns: id, username, create_time (epoch seconds), video_description, region_code
    (mostly ``ID``, fixed per account), music_id, share_of (empty unless a share).
    """
    accounts = posts["account"].unique().sort()
    regions = ["ID"] * 17 + ["MY", "SG", "US"]
    region = {a: regions[zlib.crc32(a.encode()) % len(regions)] for a in accounts.to_list()}
    return posts.select(
        pl.col("post_id").alias("id"),
        pl.col("account").alias("username"),
        pl.col("created_at").dt.epoch("s").alias("create_time"),
        pl.col("text").alias("video_description"),
        pl.col("account").replace_strict(region, return_dtype=pl.String).alias("region_code"),
        "music_id",
        "share_of",
    )


def write_sample(
    data: SynthData, outdir: str | os.PathLike[str], *, name: str = "kami_umkm"
) -> dict[str, Path]:
    """Write ``<name>_sample.csv`` (TikTok Research API columns) and ``<name>_truth.csv``."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"posts": out / f"{name}_sample.csv", "truth": out / f"{name}_truth.csv"}
    to_tiktok_research(data.posts).write_csv(paths["posts"])
    data.truth.write_csv(paths["truth"])
    return paths
