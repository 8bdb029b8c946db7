"""Text renderers of a scan for scripts and documents: json, jsonl, csv, markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from campaign_detect.report.tabular import markdown_table, write_csv
from campaign_detect.values import dumps_lines

if TYPE_CHECKING:
    from campaign_detect.pipeline import ScanResult

__all__ = ["CLUSTER_COLUMNS", "cluster_rows", "render_scan"]

CLUSTER_COLUMNS = (
    "rank",
    "score",
    "n_accounts",
    "n_posts",
    "start",
    "end",
    "hashtags",
    "mentions",
    "synchrony",
    "template_share",
    "template_similarity",
    "repeated_coaction",
    "focus",
    "burst_alignment",
    "copost_ratio",
    "z",
    "p_adjusted",
    "script",
    "explanation",
    "accounts",
)


def cluster_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    """One flat row per cluster record, in `CLUSTER_COLUMNS` order (lists space-joined)."""
    rows = []
    for r in records:
        s, sig, ev = r["subscores"], r["significance"], r["evidence"]
        rows.append(
            [
                r["rank"],
                r["score"],
                r["n_accounts"],
                r["n_posts"],
                r["start"],
                r["end"],
                " ".join("#" + h for h in r["hashtags"]),
                " ".join("@" + m for m in r["mentions"]),
                s["synchrony"],
                s["template_share"],
                s["template_similarity"],
                s["repeated_coaction"],
                s["focus"],
                s["burst_alignment"],
                sig["ratio"],
                sig["z"],
                sig["p_adjusted"],
                ev["template"]["text"] if ev["template"] else None,
                ev["explanation"],
                " ".join(r["accounts"]),
            ]
        )
    return rows


def render_scan(result: ScanResult, fmt: str) -> str:
    """The scan as text in `fmt`: ``json`` (the contract), ``jsonl`` (one cluster a line),
    ``csv`` (one cluster a row, formula-safe) or ``markdown``."""
    if fmt == "json":
        return result.to_json()
    records = result.records()
    if fmt == "jsonl":
        return dumps_lines(records)
    if fmt == "csv":
        return write_csv(CLUSTER_COLUMNS, cluster_rows(records))
    if fmt == "markdown":
        body = markdown_table(CLUSTER_COLUMNS[:8], [row[:8] for row in cluster_rows(records)])
        notes = "\n".join(f"{r['rank']}. {r['evidence']['explanation']}" for r in records)
        return "## Suspicious clusters\n\n" + body + ("\n" + notes + "\n" if notes else "")
    raise ValueError(f"unknown format {fmt!r}")
