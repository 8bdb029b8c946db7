"""Rich tables for people at a terminal: scan clusters, one cluster's evidence, inspect."""

from __future__ import annotations

from typing import Any

from rich.console import Console
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


def _count(n: int, noun: str) -> str:
    """``1 variant``, ``3 variants``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quote(text: str, limit: int = 280) -> str:
    """Post text as posted, cut at `limit` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _join(values: list[str], prefix: str, limit: int = 3) -> str:
    shown = " ".join(prefix + v for v in values[:limit])
    return shown + (" …" if len(values) > limit else "")


# (header, justify, cell key, width it needs with padding and border); in the order shown
_CLUSTER_COLUMNS = (
    ("#", "right", "rank", 5),
    ("score", "right", "score", 8),
    ("accts", "right", "n_accounts", 8),
    ("posts", "right", "n_posts", 8),
    ("hashtags / targets", "left", "what", 23),
    ("window (UTC)", "left", "window", 28),
    ("sync", "right", "synchrony", 7),
    ("script", "right", "template_share", 9),
    ("×chance", "right", "ratio", 10),
)
# dropped first when the terminal is narrow; the rest always stay
_DROP_ORDER = ("n_posts", "synchrony", "template_share")
# from this width on the window shows the year
_FULL_WINDOW_WIDTH = 120


def _cluster_columns(width: int, compact: bool) -> list[tuple[str, str, str, int]]:
    """The columns that fit in `width`, dropping the least needed first; the window's
    dates are never cut (a day lost from a time is a wrong time)."""
    columns = [
        (name, justify, key, need + (10 if key == "window" and not compact else 0))
        for name, justify, key, need in _CLUSTER_COLUMNS
    ]
    for key in _DROP_ORDER:
        if sum(c[3] for c in columns) + 1 <= width:
            break
        columns = [c for c in columns if c[2] != key]
    return columns


def _what(record: dict[str, Any], column: str) -> list[str]:
    """What a cluster pushes (its distinctive tags or targets), else what it posted most."""
    return (record.get("pushes") or {}).get(column) or record[column]


def _cluster_cells(r: dict[str, Any], compact: bool) -> dict[str, str]:
    """The table's cells of one cluster record, by column key."""
    s = r["subscores"]
    ratio = r["significance"]["ratio"]
    first = 5 if compact else 0  # 2023-09-20 23:29 or 09-20 23:29
    return {
        "rank": str(r["rank"]),
        "score": f"{r['score']:.1f}",
        "n_accounts": str(r["n_accounts"]),
        "n_posts": str(r["n_posts"]),
        "what": escape(
            _join(_what(r, "hashtags"), "#") + " " + _join(_what(r, "mentions"), "@", 1)
        ),
        "window": f"{r['start'][first:16].replace('T', ' ')} → "
        f"{r['end'][first:16].replace('T', ' ')}",
        "synchrony": f"{s['synchrony']:.0%}",
        "template_share": f"{s['template_share']:.0%}",
        "ratio": "-" if ratio is None else f"{ratio:.1f}",
    }


def nothing_reported(selection: dict[str, Any], config: dict[str, Any]) -> str:
    """Why no cluster is shown: how many were scored and what each rule removed."""
    removed = selection["removed"]
    if not selection["scored"]:
        return "No coordinated clusters: no group of accounts acted together often enough."
    reasons = [
        f"{removed['max_p_value']} no more co-posting than chance "
        f"(max_p_value {config['max_p_value']})",
        # runs saved before schema 1.4 have no member rule
        *(
            [
                f"{removed['min_beyond_chance']} most members no more than twice chance "
                f"(min_beyond_chance {config['min_beyond_chance']})"
            ]
            if "min_beyond_chance" in removed
            else []
        ),
        f"{removed['min_repetition']} part of a crowd, or acted together only once "
        f"(audience_test {config['audience_test']}, min_repetition {config['min_repetition']})",
        f"{removed['min_amplification']} few accounts per pushed object "
        f"(min_amplification {config['min_amplification']})",
        f"{removed['filters']} outside your filters",
    ]
    return (
        f"No coordinated clusters met the thresholds: {selection['scored']} scored; "
        + "; ".join(reasons)
        + ". --max-p 1 --min-beyond-chance 0 --min-repetition 0 --min-amplification 0 "
        "--no-audience-test shows them all."
    )


def print_clusters(
    records: list[dict[str, Any]],
    console: Console,
    *,
    selection: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    zone: str = "UTC",
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
    compact = console.width < _FULL_WINDOW_WIDTH
    columns = _cluster_columns(console.width, compact)
    for name, justify, _, _ in columns:
        table.add_column(
            name.replace("UTC", zone),
            justify=justify,  # type: ignore[arg-type]
            no_wrap=name.startswith("window"),
            overflow="fold",
        )
    for r in records:
        cells = _cluster_cells(r, compact)
        table.add_row(*(cells[key] for _, _, key, _ in columns))
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
        f"by chance (z {sig['z']}, adjusted p {sig['p_adjusted']}"
        + (
            ""
            if sig.get("members_beyond_chance") is None
            else f"; {sig['members_beyond_chance']:.0%} of the members beyond twice chance"
        )
        + ")"
    )
    if ev["template"]:
        t = ev["template"]
        lines.append(
            f"script ({_count(t['n_variants'], 'variant')}, {_count(t['n_posts'], 'post')}): "
            + escape(t.get("posted_as") or t["text"])
        )
    if ev["first_movers"]:
        lines.append(
            "first movers: "
            + escape(
                ", ".join(f"{m['account']} (leads {m['lead']:.0%})" for m in ev["first_movers"])
            )
        )
    lines.append("accounts: " + escape(", ".join(record["accounts"])))
    lines += ["", "[bold]sample posts[/bold] (as posted)"]
    for p in ev["sample_posts"]:
        who = p["account"] + (f" ({p['display_name']})" if p.get("display_name") else "")
        lines.append(escape(f"{p['ts']}  {who}  post {p['post_id']}  {p['file']}:{p['row']}"))
        lines.append("  " + escape(_quote(p["text"] or "")))
        if p.get("url"):
            lines.append("  " + escape(p["url"]))
    coaction = ev["coaction_events"]
    outside = coaction.get("outside_window", 0)
    lines += [
        "",
        f"[bold]co-action events[/bold] ({coaction['total']} inside the window"
        + (f", {outside} outside it not shown" if outside else "")
        + "; the pairs that co-acted most first)",
    ]
    for e in coaction["sample"]:
        lines.append(
            escape(
                f"{e['ts_a']}  {e['a']} (post {e['post_id_a']}) and {e['b']} (post "
                f"{e['post_id_b']}, {e['ts_b'][11:19]}): {e['kind']} {_quote(e['object'], 60)}"
            )
        )
    console.print(
        Panel(
            "\n".join(lines),
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
    naive = inp.get("naive_time_rows", 0)
    zone = (
        f" ({naive} times without a zone read as {inp['timezone_assumed']})"
        if naive
        else " (every time carried its zone or was an epoch)"
    )
    console.print(f"time span: {inp['time_min']} → {inp['time_max']}{zone}")
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
