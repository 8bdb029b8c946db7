"""Rich tables for people at a terminal: scan clusters, one cluster's evidence, inspect."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

__all__ = [
    "print_bursts",
    "print_clusters",
    "print_explain",
    "print_frame",
    "print_inspect",
    "print_templates",
]


def _join(values: list[str], prefix: str, limit: int = 3) -> str:
    shown = " ".join(prefix + v for v in values[:limit])
    return shown + (" …" if len(values) > limit else "")


def nothing_reported(selection: dict[str, Any], config: dict[str, Any]) -> str:
    """Why no cluster is shown: how many were scored and what each rule removed."""
    removed = selection["removed"]
    if not selection["scored"]:
        return "No coordinated clusters: no group of accounts acted together often enough."
    reasons = [
        f"{removed['max_p_value']} no more co-posting than chance "
        f"(max_p_value {config['max_p_value']})",
        f"{removed['min_repetition']} acted together only once "
        f"(min_repetition {config['min_repetition']})",
        f"{removed['min_amplification']} few accounts per pushed object "
        f"(min_amplification {config['min_amplification']})",
        f"{removed['filters']} outside your filters",
    ]
    return (
        f"No coordinated clusters met the thresholds: {selection['scored']} scored; "
        + "; ".join(reasons)
        + ". --max-p 1 --min-repetition 0 --min-amplification 0 shows them all."
    )


def print_clusters(
    records: list[dict[str, Any]],
    console: Console,
    *,
    selection: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
) -> None:
    """The ranked clusters, one line each, with the explanation underneath; when there are
    none, how many were scored and what each reporting rule removed."""
    if not records:
        if selection is None or config is None:
            console.print("No coordinated clusters met the thresholds.")
        else:
            console.print(escape(nothing_reported(selection, config)))
        return
    table = Table(title="Suspicious clusters (coordination evidence, not a verdict)")
    for name, justify in (
        ("#", "right"),
        ("score", "right"),
        ("accounts", "right"),
        ("posts", "right"),
        ("hashtags / targets", "left"),
        ("window (UTC)", "left"),
        ("sync", "right"),
        ("script", "right"),
        ("×chance", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in records:
        s = r["subscores"]
        ratio = r["significance"]["ratio"]
        table.add_row(
            str(r["rank"]),
            f"{r['score']:.1f}",
            str(r["n_accounts"]),
            str(r["n_posts"]),
            escape(_join(r["hashtags"], "#") + " " + _join(r["mentions"], "@", 1)),
            f"{r['start'][:16].replace('T', ' ')} → {r['end'][:16].replace('T', ' ')}",
            f"{s['synchrony']:.0%}",
            f"{s['template_share']:.0%}",
            "-" if ratio is None else f"{ratio:.1f}",
        )
    console.print(table)
    for r in records:
        console.print(f"[bold]{r['rank']}.[/bold] {escape(r['evidence']['explanation'])}")


def print_explain(record: dict[str, Any], console: Console) -> None:
    """Everything the report knows about one cluster."""
    ev = record["evidence"]
    lines = [escape(ev["explanation"]), ""]
    lines.append(f"window: {record['start']} → {record['end']}")
    lines.append("hashtags: " + escape(_join(record["hashtags"], "#", 10)))
    lines.append("mentions: " + escape(_join(record["mentions"], "@", 10)))
    lines.append(
        "sub-scores: "
        + ", ".join(f"{k} {v:.2f}" for k, v in record["subscores"].items() if v is not None)
    )
    sig = record["significance"]
    lines.append(
        f"co-posting: {sig['copost_observed']} observed vs {sig['copost_expected']} expected "
        f"by chance (z {sig['z']}, adjusted p {sig['p_adjusted']})"
    )
    if ev["template"]:
        t = ev["template"]
        lines.append(
            f"script ({t['n_variants']} variants, {t['n_posts']} posts): " + escape(repr(t["text"]))
        )
    if ev["first_movers"]:
        lines.append(
            "first movers: "
            + escape(
                ", ".join(f"{m['account']} (leads {m['lead']:.0%})" for m in ev["first_movers"])
            )
        )
    lines.append("accounts: " + escape(", ".join(record["accounts"])))
    posts = Table(title="sample posts", show_lines=False)
    for name in ("post_id", "account", "time", "file:row", "text"):
        posts.add_column(name)
    for p in ev["sample_posts"]:
        posts.add_row(
            escape(p["post_id"]),
            escape(p["account"]),
            p["ts"],
            escape(f"{p['file']}:{p['row']}"),
            escape(p["text"][:120]),
        )
    events = Table(title=f"co-action events ({ev['coaction_events']['total']} in all)")
    for name in ("kind", "object", "a", "b", "post a", "post b", "time a", "time b"):
        events.add_column(name)
    for e in ev["coaction_events"]["sample"]:
        events.add_row(
            e["kind"],
            escape(e["object"][:40]),
            escape(e["a"]),
            escape(e["b"]),
            escape(e["post_id_a"]),
            escape(e["post_id_b"]),
            e["ts_a"],
            e["ts_b"],
        )
    console.print(
        Panel(
            Group("\n".join(lines), posts, events),
            title=f"cluster {record['rank']} · score {record['score']}",
        )
    )


def print_frame(title: str, header: list[str], rows: list[list[Any]], console: Console) -> None:
    """A plain table of already formatted rows (bursts, templates)."""
    table = Table(title=title)
    for name in header:
        table.add_column(name)
    for row in rows:
        table.add_row(*(escape("" if v is None else str(v)) for v in row))
    console.print(table)


def print_inspect(summary: dict[str, Any], console: Console) -> None:
    """What `inspect` found in the input: formats, columns, accounting, span, top objects."""
    inp = summary["input"]
    files = Table(title="files")
    for name in ("path", "format", "rows"):
        files.add_column(name)
    for f in inp["files"]:
        files.add_row(escape(str(f["path"])), str(f["format"]), str(f["rows_read"]))
    console.print(files)
    columns = Table(title="columns")
    for name in ("field", "from", "how"):
        columns.add_column(name)
    for field, source in inp["columns"].items():
        origin = source["source"] or source.get("value") or ""
        columns.add_row(field, escape(str(origin)), source["how"])
    console.print(columns)
    accounting = Table(title="rows")
    accounting.add_column("what")
    accounting.add_column("count", justify="right")
    accounting.add_column("first rows")
    for key in (
        "rows_read",
        "rows_rejected",
        "rows_deduplicated",
        "rows_kept",
        "invalid_utf8_rows",
    ):
        accounting.add_row(key.replace("_", " "), str(inp[key]), "")
    for reason, reject in inp["rejected"].items():
        if reject["count"]:
            first = ", ".join(f"{r['file']}:{r['row']}" for r in reject["first"][:5])
            accounting.add_row(f"  rejected: {reason}", str(reject["count"]), escape(first))
    console.print(accounting)
    console.print(
        f"time span: {inp['time_min']} → {inp['time_max']} (naive times read as "
        f"{inp['timezone_assumed']})"
    )
    tops = Table(title="most frequent")
    for name in ("hashtags", "mentions", "accounts"):
        tops.add_column(name)
    columns_top = [summary["top_hashtags"], summary["top_mentions"], summary["top_accounts"]]
    for i in range(max((len(c) for c in columns_top), default=0)):
        tops.add_row(
            *(
                escape(f"{c[i]['value']} ({c[i]['posts']})") if i < len(c) else ""
                for c in columns_top
            )
        )
    console.print(tops)


def print_bursts(records: list[dict[str, Any]], console: Console) -> None:
    """Bursts, strongest first, one line each."""
    rows = [
        [
            r["kind"],
            r["object"],
            r["start"],
            r["end"],
            r["n_posts"],
            r["n_accounts"],
            f"{r['strength']:.1f}",
            r["scale"],
        ]
        for r in records
    ]
    header = ["kind", "object", "start", "end", "posts", "accounts", "strength", "scale"]
    print_frame("bursts (strength: -log10 tail probability)", header, rows, console)


def print_templates(records: list[dict[str, Any]], console: Console) -> None:
    """Templates, largest first, with the start of each script."""
    rows = [
        [
            r["n_accounts"],
            r["n_posts"],
            r["n_variants"],
            f"{r['mean_similarity']:.2f}",
            r["start"],
            r["text"][:80],
        ]
        for r in records
    ]
    header = ["accounts", "posts", "variants", "similarity", "first", "script"]
    print_frame("templates", header, rows, console)
