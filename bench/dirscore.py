"""``bench/quality.py --dir DIR``: score a directory of inputs made outside the project.

The directory holds one folder per input, each with a posts file (``posts.csv.gz``,
``posts.csv``, ``posts.parquet``, ``posts.jsonl``...) and a ``truth.json``, and beside the
folders the directory's own scorer, ``score.py``, called as::

    python3 DIR/score.py --truth DIR/x/truth.json --pred pred.json

whose last output line is a JSON summary (``../shared/eval-dev/README.md`` describes that
contract). For every folder, ``campaign-detect scan`` runs in a fresh process with the
default settings (plus any ``--scan-arg``) and writes its JSON; the scorer reads it. The
project's own synth seeds (``--seeds``, at ``--posts``) are scored beside them by the same
scorer, their ``truth.csv`` and ``groups.json`` rewritten as a ``truth.json`` of the same
shape, so every row of the table is measured with one yardstick.

Printed (and with ``--record`` appended to ``bench/RESULTS.md``): one summary row per input,
then per input the scorer's per-campaign lines (recall, best single-cluster Jaccard, found)
and per-organic-group lines (share of the group's accounts flagged). Nothing is tuned here.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from _common import (
    format_size,
    markdown_table,
    parse_size,
    record,
    synth_data,
)

from campaign_detect.entities import normalise_handle

_POSTS = ("posts.parquet", "posts.csv.gz", "posts.csv", "posts.jsonl", "posts.tsv", "posts.json")
_CAMPAIGN_LINE = re.compile(
    r"^\s+(\S+)\s+(\S+)\s+size=\s*(\d+)\s+recall=([\d.]+)\s+best_J=([\d.]+)\s+found=(yes|no)"
)
_GROUP_LINE = re.compile(r"^\s+(\S+)\s+(\S+)\s+size=\s*(\d+)\s+flagged=\s*(\d+)\s+\(([\d.]+)\)")


@dataclass
class InputScore:
    name: str
    posts: Path
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_mib: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)
    campaigns: list[tuple[str, str, int, float, float, bool]] = field(default_factory=list)
    groups: list[tuple[str, str, int, int, float]] = field(default_factory=list)
    error: str = ""


def _posts_file(folder: Path) -> Path | None:
    return next((folder / n for n in _POSTS if (folder / n).exists()), None)


def _inputs(directory: Path, names: str | None) -> list[tuple[str, Path, Path]]:
    wanted = None if names is None else [n.strip() for n in names.split(",") if n.strip()]
    found = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        posts = _posts_file(folder)
        truth = folder / "truth.json"
        if posts is None or not truth.exists():
            continue
        if wanted is None or folder.name in wanted:
            found.append((folder.name, posts, truth))
    if wanted is not None:
        missing = sorted(set(wanted) - {name for name, _, _ in found})
        if missing:
            raise SystemExit(f"--inputs: no posts + truth.json folder named {', '.join(missing)}")
    return found


def _synth_truth(directory: Path) -> Path:
    """Write ``truth.json`` in the scorer's shape from a synth folder's truth and groups."""
    out = directory / "truth.json"
    if out.exists():
        return out
    truth = pl.read_csv(directory / "truth.csv", schema_overrides={"account": pl.String})
    truth = truth.with_columns(normalise_handle(pl.col("account")).alias("account"))
    groups = json.loads((directory / "groups.json").read_text("utf-8"))
    members = {g: sorted(set(a)) for g, a in truth.group_by("group").agg("account").iter_rows()}
    n_accounts = (
        pl.scan_parquet(directory / "posts.parquet")
        .select(normalise_handle(pl.col("account")).n_unique())
        .collect()
        .item()
    )
    document: dict[str, Any] = {"n_accounts": n_accounts, "campaigns": [], "hard_negatives": []}
    for g in groups:
        entry = {
            "id": g["group"],
            "kind": g["kind"],
            "accounts": members.get(g["group"], []),
            "hashtags": g.get("hashtags", []),
            "start": g.get("start"),
            "end": g.get("end"),
        }
        key = "campaigns" if g["role"] == "campaign" else "hard_negatives"
        document[key].append(entry)
    out.write_text(json.dumps(document, ensure_ascii=False) + "\n", "utf-8")
    return out


def _scan(posts: Path, pred: Path, scan_args: list[str]) -> tuple[float, float, float, str]:
    """Run ``scan`` in a fresh process; wall seconds, CPU seconds (user + system), peak RSS
    MiB, error text."""
    command = [
        sys.executable,
        "-m",
        "campaign_detect",
        "scan",
        "-q",
        str(posts),
        "--format",
        "json",
        "-o",
        str(pred),
        *scan_args,
    ]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace").strip().splitlines()
    error = "" if process.returncode == 0 else (text[-1] if text else f"exit {process.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, error


def _score(scorer: Path, truth: Path, pred: Path, into: InputScore) -> None:
    done = subprocess.run(
        [sys.executable, str(scorer), "--truth", str(truth), "--pred", str(pred)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        into.error = (done.stderr.strip().splitlines() or [f"scorer exit {done.returncode}"])[-1]
        return
    into.summary = json.loads(lines[-1])
    section = ""
    for line in lines[:-1]:
        if line.startswith("[ii]"):
            section = "campaigns"
        elif line.startswith("[iii]"):
            section = "groups"
        elif line.startswith("[iv]"):
            section = ""
        elif section == "campaigns" and (m := _CAMPAIGN_LINE.match(line)):
            into.campaigns.append(
                (
                    m[1],
                    m[2],
                    int(m[3]),
                    float(m[4]),
                    float(m[5]),
                    m[6] == "yes",
                )
            )
        elif section == "groups" and (m := _GROUP_LINE.match(line)):
            into.groups.append((m[1], m[2], int(m[3]), int(m[4]), float(m[5])))


def _summary_table(scores: list[InputScore]) -> str:
    header = [
        "input",
        "scan s",
        "CPU s",
        "peak RSS MiB",
        "clusters",
        "precision",
        "recall",
        "account F1 (target >= 0.90)",
        "campaigns found (target all)",
        "mean best Jaccard",
        "hard-neg accounts flagged",
        "mean organic group flagged",
        "worst organic group flagged (target <= 2%)",
        "AP (target >= 0.90)",
    ]
    rows = []
    for s in scores:
        if s.error:
            wall, cpu, rss = f"{s.seconds:.1f}", f"{s.cpu_seconds:.1f}", f"{s.peak_mib:.0f}"
            rows.append([s.name, wall, cpu, rss, f"failed: {s.error}"])
            rows[-1] += [""] * (len(header) - len(rows[-1]))
            continue
        m = s.summary
        rows.append(
            [
                s.name,
                f"{s.seconds:.1f}",
                f"{s.cpu_seconds:.1f}",
                f"{s.peak_mib:.0f}",
                m.get("n_clusters", ""),
                f"{float(m.get('precision', 0)):.3f}",
                f"{float(m.get('recall', 0)):.3f}",
                f"{float(m.get('f1', 0)):.3f}",
                m.get("campaigns_found", ""),
                f"{float(m.get('mean_best_jaccard', 0)):.3f}",
                f"{float(m.get('hard_neg_fpr', 0)):.1%}",
                f"{float(m.get('macro_hard_neg_fpr', 0)):.1%}",
                f"{float(m.get('max_hard_neg_fpr', 0)):.1%}",
                f"{float(m.get('ap', 0)):.3f}",
            ]
        )
    return markdown_table(header, rows)


def _detail(score: InputScore) -> str:
    parts = [f"Input `{score.name}` ({score.posts}):"]
    if score.error:
        return parts[0] + f" failed: {score.error}"
    if score.campaigns:
        parts.append(
            markdown_table(
                ["campaign", "kind", "accounts", "recall", "best Jaccard", "found"],
                [
                    [c, k, n, f"{r:.3f}", f"{j:.3f}", "yes" if f else "no"]
                    for c, k, n, r, j, f in score.campaigns
                ],
            )
        )
    if score.groups:
        parts.append(
            markdown_table(
                ["organic group", "kind", "accounts", "flagged", "share flagged"],
                [[g, k, n, f, f"{sh:.1%}"] for g, k, n, f, sh in score.groups],
            )
        )
    return "\n\n".join(parts)


def run_dir(args: argparse.Namespace) -> int:
    directory = Path(args.dir).resolve()
    scorer = directory / "score.py"
    if not scorer.exists():
        raise SystemExit(f"--dir: no score.py in {directory}")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    n_posts = parse_size(args.posts)
    keep = Path(args.keep) if args.keep else None
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)

    jobs: list[tuple[str, Path, Path]] = [
        (f"{directory.name}/{name}", posts, truth)
        for name, posts, truth in _inputs(directory, args.inputs)
    ]
    for seed in seeds:
        folder, _ = synth_data(n_posts, seed=seed, formats=("parquet",), mix=args.mix)
        label = "" if args.mix in (None, "default") else f" {args.mix}"
        name = f"synth{label} {format_size(n_posts)} seed {seed}"
        jobs.append((name, folder / "posts.parquet", _synth_truth(folder)))

    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, posts, truth in jobs:
            print(f"# {name}: scanning {posts}", file=sys.stderr)
            slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
            pred = (keep or Path(tmp)) / f"{slug}.json"
            score = InputScore(name=name, posts=posts)
            scanned = _scan(posts, pred, args.scan_arg)
            score.seconds, score.cpu_seconds, score.peak_mib, score.error = scanned
            if not score.error:
                _score(scorer, truth, pred, score)
            m = score.summary
            print(
                f"#   {score.seconds:.1f} s, F1 {m.get('f1')}, found {m.get('campaigns_found')}, "
                f"worst organic {m.get('max_hard_neg_fpr')}, AP {m.get('ap')} {score.error}",
                file=sys.stderr,
            )
            scores.append(score)

    extra = " ".join(args.scan_arg) or "none"
    flags = sorted(k for k in os.environ if k.startswith("CAMPAIGN_DETECT_"))
    if flags:
        extra += "; environment: " + ", ".join(f"{k}={os.environ[k]}" for k in flags)
    report = "\n\n".join(
        [
            f"Scored by `{scorer}` (account F1, campaigns found = pure clusters covering half "
            f"a campaign, organic groups' flagged shares, AP of the ranking); scan options "
            f"beyond the defaults: {extra}.",
            "Per input:\n\n" + _summary_table(scores),
            *(_detail(s) for s in scores),
        ]
    )
    print(report)
    if args.record:
        record("bench/quality.py --dir", report)
    return 0
