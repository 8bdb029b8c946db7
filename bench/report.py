"""Size and build time of the HTML report (`campaign-detect report`) on synthetic scans
(a benchmark, not a test).

Usage (from the repository root)::

    .venv/bin/python bench/report.py --sizes 100k          # about a minute with the input cached
    .venv/bin/python bench/report.py --sizes 100k,1M --record

For each size the synthetic input (`campaign_detect.synth`, seed ``--seed``) is generated
once into ``bench/out/`` (git-ignored; the same cache as `run.py`). A fresh Python process
then scans ``posts.parquet`` with the default `ScanConfig` (timed, for scale), renders the
page with `render_html` (timed: the report's own cost) and writes it with `report.output.emit`
(timed). The figures: the page's size in bytes and MiB, how many clusters, events and
posts it holds and how many it shows (the page samples each cluster's events and posts and
says so), peak RSS of the process, and the machine's load average.

``--record`` appends the machine, the command and the table to ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    ROOT,
    format_size,
    markdown_table,
    parse_size,
    record,
    synth_data,
)

LIMIT_MIB = 10.0


def _rows(html: str, table: str) -> int:
    """Body rows of the page's tables with ids ``<table>-<rank>``."""
    found = re.findall(rf'<table id="{table}-\d+"[^>]*>.*?</table>', html, flags=re.S)
    return sum(part.count("<tr>") - 1 for part in found)  # less each header row


def _worker(directory: Path) -> dict:
    from campaign_detect import scan
    from campaign_detect.report.html import render_html
    from campaign_detect.report.output import emit

    start = time.perf_counter()
    result = scan(str(directory / "posts.parquet"))
    scanned = time.perf_counter() - start
    start = time.perf_counter()
    html = render_html(result)
    rendered = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        start = time.perf_counter()
        emit(html, out)
        written = time.perf_counter() - start
        size = out.stat().st_size
    return {
        "n_posts": result.posts.height,
        "scan_s": scanned,
        "render_s": rendered,
        "write_s": written,
        "bytes": size,
        "clusters": result.clusters.height,
        "sections": html.count('<section class="cluster"'),
        "events": result.events.height,
        "events_shown": _rows(html, "events"),
        "posts": result.posts.height,
        "posts_shown": _rows(html, "posts"),
        "svg": html.count("<svg"),
        "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "—"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k", help="comma-separated post counts")
    parser.add_argument("--seed", type=int, default=0, help="synth seed (default 0)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per size")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(Path(args.worker))))
        return 0

    rows = []
    for n in sorted({parse_size(s) for s in args.sizes.split(",")}):
        directory, generated = synth_data(n, seed=args.seed)
        took = "cached" if generated is None else f"generated in {generated:.0f} s"
        print(f"# {format_size(n)}: {directory.name} ({took})", file=sys.stderr)
        load = _loadavg()
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(directory)]
        try:
            proc = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout
            )
        except subprocess.TimeoutExpired:
            rows.append([format_size(n), *["—"] * 9, load, f"timeout ({args.timeout:.0f} s)"])
            continue
        if proc.returncode != 0:
            why = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
            rows.append([format_size(n), *["—"] * 9, load, f"failed: {why[:160]}"])
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        mib = r["bytes"] / 2**20
        rows.append(
            [
                format_size(n),
                f"{r['scan_s']:.1f}",
                f"{r['render_s']:.2f}",
                f"{r['write_s']:.3f}",
                f"{r['bytes']:,}",
                f"{mib:.2f}",
                f"{r['clusters']} / {r['sections']}",
                f"{r['events']:,} / {r['events_shown']:,}",
                f"{r['posts_shown']:,}",
                f"{r['rss_kib'] / 1024:,.0f}",
                load,
                "under 10 MiB" if mib < LIMIT_MIB else "OVER 10 MiB",
            ]
        )
        print(f"#   {rows[-1]}", file=sys.stderr)
    header = [
        "posts",
        "scan s",
        "render_html s",
        "write s",
        "report bytes",
        "report MiB",
        "clusters / sections",
        "events / shown",
        "posts shown",
        "peak RSS MiB",
        "load avg",
        "notes",
    ]
    table = markdown_table(header, rows)
    print(table)
    if args.record:
        record(
            "bench/report.py",
            "\n".join(
                [
                    f"Inputs: synth seed {args.seed}, posts.parquet, default ScanConfig. Scan s is "
                    "the whole `scan()` call, for scale; render_html s is the page's own cost "
                    "(records, timelines, networks with their igraph layouts, variants, posts); "
                    "write s the atomic write. Events shown: the rows of the pages' event "
                    "tables (each cluster shows at most 30 events, spread over its window, and the "
                    "posts at both ends of them). Load avg is the 1-minute load as the size "
                    "started: well above 1 on this 2-core machine means other jobs were running.",
                    "",
                    table,
                ]
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
