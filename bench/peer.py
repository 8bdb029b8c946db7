"""Side by side with the peer tool coordination-network-toolkit (QUT DMRC; PyPI
``coordination-network-toolkit``): speed, memory and how many planted campaign accounts
each finds (a benchmark, not a test).

Usage (from the repository root)::

    .venv/bin/python bench/peer.py --posts 100k
    .venv/bin/python bench/peer.py --posts 100k,1M --record

The peer is installed into its own virtualenv, ``bench/.venv-peer`` (created on first use
with ``python3 -m venv`` and ``pip install coordination-network-toolkit``), never into the
project's. For each size the cached synthetic input (``campaign_detect.synth``, seed
``--seed``) is:

1. scanned by ``campaign_detect.scan`` (default `ScanConfig`, window estimated) in a fresh
   process; the window it used is then given to the peer, so both pair posts at most that
   far apart in time;
2. converted (untimed) to the peer's CSV: ``message_id, user_id, username, repost_id,
   reply_id, message, timestamp, urls``, with the canonical account as ``user_id``, the
   share target as ``repost_id`` and the post's hashtags, space-separated, as ``urls``
   (co-link on hashtags, as issue 5 asks);
3. run through the peer's own command line, each step in a fresh process: ``preprocess``,
   ``compute co_link`` and ``compute co_tweet`` with ``--time_window`` = our window, its
   default ``--min_edge_weight`` and ``--n_cpus`` = the cores available.

With ``--coortweet`` it runs instead on CooRTweet's own example data
(``fixtures/coortweet/``): our ``graph`` and ``graph --coortweet`` (three settings of
CooRTweet's vignette) and ``scan``, each in a fresh process, with the edge counts next to
those of the network CooRTweet 2.1.3 computed (stored beside the data). CooRTweet itself
is an R package that this machine cannot install (no CRAN), so its own time is not
measured here.

Wall time is the whole process (interpreter start to exit) for both tools; peak RSS is
``ru_maxrss`` of ``RUSAGE_CHILDREN`` seen by a wrapper process around each step: the
largest single process of the step (the peer computes with a process pool, so its
processes together may hold more). Found accounts: for the peer, every account at either
end of an edge of the network (the peer keeps only edges of weight >= ``--min_edge_weight``,
and loops are left out as its exporter does); for ours, the members of reported clusters.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
from _common import (
    BENCH,
    ROOT,
    format_size,
    markdown_table,
    parse_size,
    record,
    synth_data,
)

PEER_PACKAGE = "coordination-network-toolkit"
PEER_VENV = BENCH / ".venv-peer"
PEER_PYTHON = PEER_VENV / "bin" / "python"
PEER_MIN_EDGE_WEIGHT = 2  # the peer's command-line default
PEER_CSV_COLUMNS = (
    "message_id",
    "user_id",
    "username",
    "repost_id",
    "reply_id",
    "message",
    "timestamp",
    "urls",
)
# The peer's CSV reader turns an empty urls cell into one URL "" (``"".split(" ")``), which
# would co-link every post without a hashtag; this removes those rows after preprocess.
_DROP_EMPTY_URLS = (
    "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
    "db.execute(\"delete from message_url where url = ''\"); db.commit()"
)


# --- workers (fresh processes) -------------------------------------------------------------
def _run_step(command: list[str]) -> dict:
    """Run `command` to completion; its wall time and the peak RSS of its processes."""
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    return {
        "returncode": proc.returncode,
        "seconds": seconds,
        "rss_kib": usage.ru_maxrss,
        "stdout_last": proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "",
        "error": lines[-1][:200] if proc.returncode and lines else "",
    }


def _ours_worker(directory: Path) -> dict:
    """`scan` of the parquet file: in-process time, window, flagged accounts."""
    from campaign_detect import ScanConfig, scan

    start = time.perf_counter()
    result = scan(str(directory / "posts.parquet"), ScanConfig())
    seconds = time.perf_counter() - start
    return {
        "scan_seconds": seconds,
        "window_seconds": int(result.coaction.window.total_seconds()),
        "window_estimated": result.coaction.window_estimated,
        "n_clusters": result.clusters.height,
        "flagged": sorted(set(result.members["account"].to_list())),
    }


# --- the driver ------------------------------------------------------------------------------
def _ensure_peer() -> str:
    """Create bench/.venv-peer and install the peer there if needed; its version."""
    if not PEER_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        # keep the virtualenv out of git without touching the repository's .gitignore
        (PEER_VENV / ".gitignore").write_text("*\n", encoding="utf-8")
    probe = [str(PEER_PYTHON), "-m", "pip", "show", PEER_PACKAGE]
    if subprocess.run(probe, capture_output=True).returncode != 0:
        install = [str(PEER_PYTHON), "-m", "pip", "install", "-q", PEER_PACKAGE]
        proc = subprocess.run(install, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise SystemExit(f"pip install {PEER_PACKAGE} failed: {tail}")
    shown = subprocess.run(probe, capture_output=True, text=True, check=True).stdout
    return next(
        (
            line.split(":", 1)[1].strip()
            for line in shown.splitlines()
            if line.startswith("Version")
        ),
        "unknown",
    )


def _measure(command: list[str], budget: float) -> dict:
    """Run `command` under a wrapper process (fresh RUSAGE_CHILDREN), killing its whole
    process group after `budget` seconds."""
    wrapper = [sys.executable, str(Path(__file__).resolve()), "--worker", "step", "--"]
    proc = subprocess.Popen(
        wrapper + command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=max(budget, 1.0))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"status": "timeout"}
    if proc.returncode != 0:
        tail = (err.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        return {"status": f"failed: {tail[:200]}"}
    step = json.loads(out.strip().splitlines()[-1])
    if step["returncode"] != 0:
        return {"status": f"failed: {step['error'] or step['returncode']}"}
    return {"status": "ok", **step}


def _write_peer_csv(directory: Path, path: Path) -> int:
    """The posts as the peer's preprocess CSV (canonical accounts, hashtags as urls)."""
    from campaign_detect import load_posts

    posts = load_posts(str(directory / "posts.parquet")).posts
    frame = posts.select(
        pl.col("post_id").alias("message_id"),
        pl.col("account").alias("user_id"),
        pl.col("account_name").alias("username"),
        pl.col("share_of").fill_null("").alias("repost_id"),
        pl.lit("").alias("reply_id"),
        pl.col("text").fill_null("").alias("message"),
        pl.col("ts").dt.epoch("s").alias("timestamp"),
        pl.col("hashtags").list.join(" ").fill_null("").alias("urls"),
    )
    frame.write_csv(path)
    return frame.height


def _peer_accounts(db_path: Path, table: str) -> set[str]:
    with sqlite3.connect(db_path) as db:
        rows = db.execute(f"select user_1, user_2 from {table} where user_1 != user_2").fetchall()
    return {account for row in rows for account in row}


def _truth(directory: Path) -> tuple[set[str], set[str]]:
    from campaign_detect.entities import normalise_handle

    truth = (
        pl.read_csv(directory / "truth.csv", schema_overrides={"account": pl.String})
        .with_columns(normalise_handle(pl.col("account")).alias("account"))
        .unique()
    )
    campaign = set(truth.filter(pl.col("role") == "campaign")["account"].to_list())
    hard = set(truth.filter(pl.col("role") == "hard_negative")["account"].to_list()) - campaign
    return campaign, hard


def _run_size(n: int, args: argparse.Namespace) -> tuple[list[dict], str]:
    directory, _ = synth_data(n, seed=args.seed, formats=("parquet",))
    campaign, hard = _truth(directory)
    rows: list[dict] = []
    print(f"# {format_size(n)} posts: {directory}", file=sys.stderr)

    ours_json = directory / "peer-bench-ours.json"
    ours_cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "ours"]
    ours_cmd += ["--input", str(directory), "--out", str(ours_json)]
    ours = _measure(ours_cmd, args.timeout)
    window = args.window
    row = {"tool": "campaign_detect", "network": "scan (all signals)", **ours}
    if ours["status"] == "ok":
        found = json.loads(ours_json.read_text("utf-8"))
        window = window or found["window_seconds"]
        row["accounts"] = set(found["flagged"])
        row["notes"] = (
            f"{found['n_clusters']} clusters; window {found['window_seconds']} s "
            f"({'estimated' if found['window_estimated'] else 'given'}); "
            f"scan() call {found['scan_seconds']:.1f} s"
        )
    rows.append(row)
    print(f"#   ours: {ours['status']}", file=sys.stderr)
    if window is None:
        raise SystemExit("our scan failed, so there is no window to give the peer; use --window")

    work = directory / "peer-bench"
    work.mkdir(exist_ok=True)
    csv_path, db_path = work / "posts-peer.csv", work / "peer.db"
    for stale in work.glob("peer.db*"):
        stale.unlink()
    _write_peer_csv(directory, csv_path)

    peer = [str(PEER_PYTHON), "-m", "coordination_network_toolkit", str(db_path)]
    params = ["--time_window", str(window), "--min_edge_weight", str(args.min_edge_weight)]
    params += ["--n_cpus", str(len(os.sched_getaffinity(0)))]
    steps = [
        ("preprocess", [[*peer, "preprocess", "--format", "csv", str(csv_path)]], None),
        ("co_link (hashtags)", [[*peer, "compute", "co_link", *params]], "co_link_network"),
        ("co_tweet", [[*peer, "compute", "co_tweet", *params]], "co_tweet_network"),
    ]
    steps[0][1].append([str(PEER_PYTHON), "-c", _DROP_EMPTY_URLS, str(db_path)])
    deadline = time.monotonic() + args.timeout
    total, peak, union, status = 0.0, 0, set(), "ok"
    for name, commands, table in steps:
        row = {"tool": "coordination-network-toolkit", "network": name}
        if status != "ok":
            row["status"] = f"skipped ({status})"
            rows.append(row)
            continue
        seconds, rss = 0.0, 0
        for command in commands:
            measured = _measure(command, deadline - time.monotonic())
            if measured["status"] != "ok":
                status = measured["status"]
                break
            seconds += measured["seconds"]
            rss = max(rss, measured["rss_kib"])
        row["status"] = status
        if status == "ok":
            row.update(seconds=seconds, rss_kib=rss)
            total += seconds
            peak = max(peak, rss)
            if table:
                row["accounts"] = _peer_accounts(db_path, table)
                union |= row["accounts"]
        rows.append(row)
        print(f"#   peer {name}: {status}", file=sys.stderr)
    rows.append(
        {
            "tool": "coordination-network-toolkit",
            "network": "all three steps (co_link or co_tweet)",
            "status": status,
            **({"seconds": total, "rss_kib": peak, "accounts": union} if status == "ok" else {}),
        }
    )
    for row in rows:
        row["size"] = n
        if "accounts" in row:
            row["campaign"] = len(row["accounts"] & campaign)
            row["hard"] = len(row["accounts"] & hard)
            row["n_accounts"] = len(row["accounts"])
        row["n_campaign"], row["n_hard"] = len(campaign), len(hard)
    note = (
        f"{format_size(n)}: {directory.name}; window {window} s; "
        f"{len(campaign)} campaign accounts, {len(hard)} hard-negative accounts"
    )
    return rows, note


def _table(rows: list[dict]) -> str:
    ours = {r["size"]: r for r in rows if r["tool"] == "campaign_detect" and r["status"] == "ok"}
    header = ["posts", "tool", "network", "wall s", "peak RSS MiB", "wall ratio to ours"]
    header += ["RSS ratio to ours", "accounts flagged", "campaign accounts found / total"]
    header += ["hard-negative accounts included", "notes"]
    out = []
    for r in rows:
        base = ours.get(r["size"])
        line = [format_size(r["size"]), r["tool"], r["network"]]
        if r["status"] == "ok" and "seconds" in r:
            line += [f"{r['seconds']:.1f}", f"{r['rss_kib'] / 1024:,.0f}"]
            if base:
                line += [
                    f"{r['seconds'] / base['seconds']:.2f}",
                    f"{r['rss_kib'] / base['rss_kib']:.2f}",
                ]
            else:
                line += ["—", "—"]
        else:
            line += [r["status"], "—", "—", "—"]
        if "accounts" in r:
            line += [
                f"{r['n_accounts']:,}",
                f"{r['campaign']} / {r['n_campaign']}",
                f"{r['hard']} / {r['n_hard']}",
            ]
        else:
            line += ["—", "—", "—"]
        out.append([*line, r.get("notes", "")])
    return markdown_table(header, out)


COORTWEET = ROOT / "fixtures" / "coortweet"
_COORTWEET_ARGS = [
    str(COORTWEET / "russian_coord_tweets.csv.gz"),
    "--object",
    "object_id",
    "--window",
    "60s",
    "--account-col",
    "account_id",
    "--time-col",
    "timestamp_share",
    "--id-col",
    "content_id",
    "-q",
]
_COORTWEET_RUNS = (
    ("graph (ours, --min-repeats 1)", ["--min-repeats", "1"], "edges_all_no_account_filter"),
    (
        "graph --coortweet --min-participation 0",
        ["--coortweet", "--min-participation", "0"],
        "edges_all_no_account_filter",
    ),
    ("graph --coortweet (vignette)", ["--coortweet"], "edges_all"),
    ("graph --coortweet --coordinated", ["--coortweet", "--coordinated"], "edges_weight2"),
)

_COORTWEET_NOTE = (
    "CooRTweet's example data (fixtures/coortweet/, 35,125 rows). Each row is one fresh "
    "process (interpreter start to exit); CooRTweet's own run is not timed: it is an R "
    "package this machine cannot install. The edge counts on the right are those of the "
    "networks CooRTweet 2.1.3 computed (tests/test_coortweet.py checks them column for "
    "column)."
)


def _cost(step: dict) -> list[object]:
    if step["status"] != "ok":
        return [step["status"], "—"]
    return [f"{step['seconds']:.2f}", step["rss_kib"] // 1024]


def _coortweet(tmp: Path) -> str:
    """Our graph and scan on CooRTweet's example data, beside CooRTweet's edge counts."""
    cli = [sys.executable, "-m", "campaign_detect"]
    rows = []
    for label, options, reference in _COORTWEET_RUNS:
        out = tmp / "edges.csv"
        step = _measure([*cli, "graph", *_COORTWEET_ARGS, *options, "--out", str(out)], 600)
        ours = pl.read_csv(out).height if step["status"] == "ok" else step["status"]
        name = f"coortweet_60s_{reference}.csv" + ("" if "weight2" in reference else ".gz")
        theirs = pl.read_csv(COORTWEET / name, infer_schema_length=None).height
        rows.append([label, *_cost(step), ours, theirs])
    scan = [*cli, "scan", *_COORTWEET_ARGS, "--wide-window", "off", "--format", "json"]
    rows.append(["scan --wide-window off", *_cost(_measure(scan, 600)), "—", "—"])
    header = ["command", "wall s", "peak RSS MiB", "edges (ours)", "edges (CooRTweet 2.1.3)"]
    return markdown_table(header, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", default="100k", help="comma-separated sizes, e.g. 100k,1M")
    parser.add_argument("--seed", type=int, default=0, help="synth seed (default 0)")
    parser.add_argument(
        "--window",
        type=int,
        help="peer time window in seconds (default: the window our scan used)",
    )
    parser.add_argument(
        "--min-edge-weight",
        type=int,
        default=PEER_MIN_EDGE_WEIGHT,
        help=f"the peer's --min_edge_weight (default {PEER_MIN_EDGE_WEIGHT}, its own default)",
    )
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds per tool and size (default 900)"
    )
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument(
        "--coortweet", action="store_true", help="run on CooRTweet's example data instead"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker == "step":
        print(json.dumps(_run_step(args.rest)))
        return 0
    if args.worker == "ours":
        Path(args.out).write_text(json.dumps(_ours_worker(Path(args.input))), encoding="utf-8")
        return 0

    if args.coortweet:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            report = _coortweet(Path(tmp))
        print(report)
        if args.record:
            record(
                "bench/peer.py",
                "\n".join(
                    [
                        _COORTWEET_NOTE,
                        "",
                        report,
                    ]
                ),
            )
        return 0
    version = _ensure_peer()
    print(f"# {PEER_PACKAGE} {version} in {PEER_VENV}", file=sys.stderr)
    sizes = sorted({parse_size(s) for s in args.posts.split(",")})
    rows: list[dict] = []
    notes: list[str] = []
    for n in sizes:
        size_rows, note = _run_size(n, args)
        rows += size_rows
        notes.append(note)
    report = _table(rows)
    print(report)
    if args.record:
        record(
            "bench/peer.py",
            "\n".join(
                [
                    "Inputs (synth seed " + str(args.seed) + "): " + "; ".join(notes),
                    "",
                    "Both tools pair posts at most the window apart (ours estimated it; the peer "
                    "was given it as --time_window). Peer: --min_edge_weight "
                    f"{args.min_edge_weight}, "
                    "co_link on the posts' hashtags (in its urls column), co_tweet on the text; "
                    "found = accounts at either end of any non-loop edge. Ours: members of all "
                    "reported clusters of the default scan. Wall s is the whole process "
                    "(interpreter start to exit; the CSV conversion for the peer is not timed); "
                    "peak RSS MiB is the largest single process of the step (RUSAGE_CHILDREN "
                    "ru_maxrss). The peer's preprocess row includes deleting the empty-string "
                    "URL its CSV reader stores for posts without hashtags.",
                    "",
                    report,
                ]
            ),
            extra_machine=[f"- peer: {PEER_PACKAGE} {version} (bench/.venv-peer)"],
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
