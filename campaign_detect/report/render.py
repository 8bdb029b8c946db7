"""Every command's output in every format, built from the records of the evidence stage.

Each ``render_*`` function returns an `Output` (text for ``json``, ``jsonl``, ``csv``,
``markdown``; a drawing for ``table``), which `campaign_detect.report.output.emit` sends
to stdout or to a file, so every format of every command can be saved with ``-o``.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from campaign_detect.errors import InputError
from campaign_detect.report.output import Output
from campaign_detect.report.signals import BURST_KEYS, TEMPLATE_KEYS, render_signal
from campaign_detect.report.table import (
    print_bursts,
    print_clusters,
    print_explain,
    print_inspect,
    print_templates,
)
from campaign_detect.report.tabular import markdown_table, write_csv
from campaign_detect.values import dumps, dumps_lines, time_zone

if TYPE_CHECKING:
    from campaign_detect.pipeline import ScanResult

__all__ = [
    "CLUSTER_COLUMNS",
    "EXPLAIN_FORMATS",
    "INSPECT_FORMATS",
    "SCAN_FORMATS",
    "SIGNAL_FORMATS",
    "cluster_rows",
    "display_zone",
    "in_zone",
    "render_bursts",
    "render_explain",
    "render_inspect",
    "render_scan",
    "render_templates",
]

SCAN_FORMATS = ("table", "json", "jsonl", "csv", "markdown")
EXPLAIN_FORMATS = ("table", "json")
INSPECT_FORMATS = ("table", "json")
SIGNAL_FORMATS = ("table", "json", "csv")

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


def _check(fmt: str, known: tuple[str, ...]) -> None:
    if fmt not in known:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(known)}")


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


_TIME_KEYS = ("start", "end", "ts", "ts_a", "ts_b", "hour")


def in_zone(value: Any, zone: ZoneInfo) -> Any:
    """A record (or list, or value) with every UTC time string shown in `zone`, as ISO 8601
    with its offset; other values unchanged. For people: the JSON contract stays UTC."""
    if isinstance(value, dict):
        return {
            k: _shift(v, zone) if k in _TIME_KEYS and isinstance(v, str) else in_zone(v, zone)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [in_zone(v, zone) for v in value]
    return value


def _shift(text: str, zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(zone).isoformat(timespec="seconds")


def display_zone(name: str | None) -> ZoneInfo | None:
    """The zone of ``--display-tz``, or None for UTC."""
    return None if name is None else time_zone(name, option="--display-tz")


def render_scan(result: ScanResult, fmt: str, zone: ZoneInfo | None = None) -> Output:
    """The scan as ``table`` (for reading, times in `zone` when given), ``json`` (the
    contract), ``jsonl`` (one cluster a line), ``csv`` (one cluster a row, formula-safe) or
    ``markdown``."""
    _check(fmt, SCAN_FORMATS)
    if fmt == "json":
        return result.to_json()
    records = result.records()
    if fmt == "table":
        return partial(
            print_clusters,
            in_zone(records, zone) if zone else records,
            selection=result.selection.to_dict(),
            config=result.config.to_dict(),
            zone=str(zone) if zone else "UTC",
        )
    if fmt == "jsonl":
        return dumps_lines(records)
    if fmt == "csv":
        return write_csv(CLUSTER_COLUMNS, cluster_rows(records))
    body = markdown_table(CLUSTER_COLUMNS[:8], [row[:8] for row in cluster_rows(records)])
    notes = "\n".join(f"{r['rank']}. {r['evidence']['explanation']}" for r in records)
    return "## Suspicious clusters\n\n" + body + ("\n" + notes + "\n" if notes else "")


def render_explain(record: dict[str, Any], fmt: str, zone: ZoneInfo | None = None) -> Output:
    """One cluster's record: ``table`` (its whole evidence, times in `zone` when given) or
    ``json`` (as in the scan)."""
    _check(fmt, EXPLAIN_FORMATS)
    if fmt == "json":
        return dumps(record)
    return partial(print_explain, in_zone(record, zone) if zone else record)


def render_inspect(summary: dict[str, Any], fmt: str) -> Output:
    """What `inspect` found: ``table`` or ``json``."""
    _check(fmt, INSPECT_FORMATS)
    return dumps(summary) if fmt == "json" else partial(print_inspect, summary)


def render_bursts(records: list[dict[str, Any]], fmt: str) -> Output:
    """Bursts: ``table``, ``json`` (``{"bursts": [...]}``) or ``csv``."""
    _check(fmt, SIGNAL_FORMATS)
    if fmt == "table":
        return partial(print_bursts, records)
    return render_signal("bursts", records, fmt, BURST_KEYS)


def render_templates(records: list[dict[str, Any]], fmt: str) -> Output:
    """Templates: ``table``, ``json`` (``{"templates": [...]}``) or ``csv``."""
    _check(fmt, SIGNAL_FORMATS)
    if fmt == "table":
        return partial(print_templates, records)
    return render_signal("templates", records, fmt, TEMPLATE_KEYS)
