"""Renderers for the single-signal commands: `bursts`, `templates` and `graph` nodes.

Signals work on canonical account keys; people and scripts want the accounts spelled as
in their input, so every list of accounts is mapped back to the input spelling here.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from campaign_detect.report.tabular import write_csv
from campaign_detect.values import dumps, iso_z, round_float

__all__ = [
    "BURST_KEYS",
    "TEMPLATE_KEYS",
    "account_names",
    "burst_records",
    "render_signal",
    "template_records",
]

BURST_KEYS = (
    "object",
    "kind",
    "start",
    "end",
    "n_posts",
    "n_accounts",
    "accounts",
    "strength",
    "scale",
    "scales",
    "baseline",
    "peak",
    "post_ids",
)
TEMPLATE_KEYS = (
    "text",
    "n_posts",
    "n_accounts",
    "n_variants",
    "accounts",
    "post_ids",
    "mean_similarity",
    "start",
    "end",
    "information",
    "samples",
)


def account_names(posts: pl.DataFrame) -> pl.DataFrame:
    """``account, account_name``: each canonical key with its first input spelling."""
    return (
        posts.sort("ts", "post_id")
        .group_by("account", maintain_order=True)
        .agg(pl.col("account_name").first())
    )


def _with_names(frame: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """Replace the canonical keys in `frame`'s ``accounts`` lists by input spellings."""
    names = account_names(posts)
    indexed = frame.with_row_index("_i")
    spelled = (
        indexed.select("_i", "accounts")
        .explode("accounts")
        .join(names, left_on="accounts", right_on="account", how="left")
        .group_by("_i", maintain_order=True)
        .agg(pl.col("account_name").fill_null(pl.col("accounts")).alias("accounts"))
    )
    return indexed.drop("accounts").join(spelled, on="_i", how="left").sort("_i").drop("_i")


def _value(value: Any) -> Any:
    if hasattr(value, "strftime"):
        return iso_z(value)
    if isinstance(value, float):
        return round_float(value)
    return value


def burst_records(bursts: pl.DataFrame, posts: pl.DataFrame) -> list[dict[str, Any]]:
    """Bursts as JSON-ready dicts, strongest first, accounts spelled as in the input."""
    frame = _with_names(bursts, posts) if bursts.height else bursts
    return [{k: _value(row[k]) for k in BURST_KEYS} for row in frame.iter_rows(named=True)]


def template_records(groups: pl.DataFrame, posts: pl.DataFrame) -> list[dict[str, Any]]:
    """Templates as JSON-ready dicts, largest first, accounts spelled as in the input."""
    frame = _with_names(groups, posts) if groups.height else groups
    records = []
    for row in frame.iter_rows(named=True):
        record = {k: _value(row[k]) for k in TEMPLATE_KEYS if k != "samples"}
        record["samples"] = [
            {"post_id": s["post_id"], "text": s["text"], "similarity": round_float(s["similarity"])}
            for s in row["samples"]
        ]
        records.append(record)
    return records


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


def render_signal(name: str, records: list[dict[str, Any]], fmt: str, keys: tuple) -> str:
    """``json`` (``{name: [...]}``) or ``csv`` (lists space-joined, formula-safe)."""
    if fmt == "json":
        return dumps({name: records})
    columns = [k for k in keys if k != "samples"]
    return write_csv(columns, ([_flat(r[k]) for k in columns] for r in records))
