"""Speed and memory of each pipeline stage and of the whole scan (a benchmark, not a test).

Usage (from the repository root)::

    .venv/bin/python bench/run.py --sizes 100k,1M
    .venv/bin/python bench/run.py --quick                    # 20k and 100k, under two minutes
    .venv/bin/python bench/run.py --sizes 1M --stages scan --record
    .venv/bin/python bench/run.py --sizes 1M --stages coaction,scan --engine spark \
        --spark-master 'local[2]'                          # co-action's pairs on Spark

For each size the synthetic input (`campaign_detect.synth`, seed ``--seed``) is generated
once into ``bench/out/`` (git-ignored; keyed by size, seed and the generator's source
hash). Every measurement then runs in a fresh Python process, so its peak resident memory
(``ru_maxrss`` of that process) belongs to it alone:

``load``
    `load_posts` of the written file (parquet, and CSV unless ``--load-formats`` says
    otherwise): reading, column detection, normalisation, deduplication.
``coaction``, ``bursts``, ``templates``
    The signal call alone on the loaded posts, with the settings `scan` passes from the
    default `ScanConfig`. The time covers only the call; the peak RSS covers the whole
    process (loading included), and the RSS before the call is shown next to it.
``scan``
    `scan(path)` end to end from the parquet file with the default `ScanConfig`; its
    progress callbacks split the time into phases (load, co-action, bursts, templates,
    clusters, scores).

``--engine spark`` runs ``coaction`` and ``scan`` with co-action's post pairs on Spark
(``--spark-master``, default ``local[2]``); the session is started before the clock and its
start-up time is in the notes. The peak RSS is then the Python driver's alone: the JVM (in
``local[N]`` the executors too) is another process.

``--record`` appends the machine, the command and the tables to ``bench/RESULTS.md``,
with the scaling exponent of each stage between the two largest sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
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

STAGES = ("load", "coaction", "bursts", "templates", "scan")
_PHASES = ("co-action", "bursts", "templates", "clusters", "scores")
_QUICK_SIZES = "20k,100k"


# --- the measured child process ---------------------------------------------------------
def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _loadavg() -> float | None:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _engine(engine: str, master: str) -> tuple[object | None, dict]:
    """The Spark session for `engine` (None for the local engine) and notes on its start."""
    if engine != "spark":
        return None, {}
    from campaign_detect.signals.spark import spark_session

    start = time.perf_counter()
    session = spark_session(master)
    return session, {"session_seconds": time.perf_counter() - start}


def _worker(stage: str, directory: Path, fmt: str, engine: str, master: str) -> dict:
    """Run one measurement in this (fresh) process and return its figures."""
    from campaign_detect import ScanConfig, load_posts, scan
    from campaign_detect.signals import coaction_edges, detect_bursts, template_groups

    config = ScanConfig(engine=engine)
    spark, out = _engine(engine if stage in ("coaction", "scan") else "local", master)
    path = directory / f"posts.{fmt}"
    if stage == "load":
        before = _maxrss_kib()
        cpu = _cpu_seconds()
        start = time.perf_counter()
        loaded = load_posts(str(path))
        seconds = time.perf_counter() - start
        stats = loaded.stats
        out["notes"] = (
            f"{stats.rows_kept} kept, {stats.rows_rejected} rejected, "
            f"{stats.rows_deduplicated} deduplicated"
        )
        out["n_posts"] = loaded.posts.height
    elif stage == "scan":
        marks: dict[str, float] = {}

        def progress(name: str, done: int, total: int | None) -> None:
            marks.setdefault(name, time.perf_counter())

        before = _maxrss_kib()
        cpu = _cpu_seconds()
        start = time.perf_counter()
        result = scan(str(path), config, progress=progress, spark=spark)
        seconds = time.perf_counter() - start
        out["n_posts"] = result.posts.height
        out["notes"] = (
            f"{result.clusters.height} clusters, {result.members.height} members, "
            f"{result.coaction.edges.height} edges, window {result.coaction.window}"
        )
        if all(p in marks for p in _PHASES):
            bounds = [start] + [marks[p] for p in _PHASES] + [start + seconds]
            names = ("load", *_PHASES)
            out["phases"] = {name: bounds[i + 1] - bounds[i] for i, name in enumerate(names)}
    else:
        posts = load_posts(str(path)).posts
        out["n_posts"] = posts.height
        before = _maxrss_kib()
        cpu = _cpu_seconds()
        start = time.perf_counter()
        if stage == "coaction":
            result = coaction_edges(
                posts,
                window=config.window,
                objects=config.objects,
                extra_objects=config.extra_objects,
                max_accounts_per_window=config.max_accounts_per_window,
                pairs=_pairs(spark),
            )
            seconds = time.perf_counter() - start
            out["notes"] = (
                f"{result.edges.height} edges, {result.bounded.height} bounded, "
                f"window {result.window}"
            )
        elif stage == "bursts":
            bursts = detect_bursts(posts, scales=config.burst_scales)
            seconds = time.perf_counter() - start
            out["notes"] = f"{bursts.height} bursts"
        elif stage == "templates":
            templates = template_groups(
                posts, threshold=config.template_threshold, seed=config.seed
            )
            seconds = time.perf_counter() - start
            st = templates.stats
            out["notes"] = (
                f"{templates.groups.height} templates, {st.n_texts} texts, "
                f"{st.n_candidate_pairs} candidate pairs"
            )
        else:
            raise ValueError(f"unknown stage {stage!r}")
    if "session_seconds" in out:
        out["notes"] += f"; Spark session started in {out.pop('session_seconds'):.1f} s"
        spark.stop()  # type: ignore[attr-defined]
    out.update(
        seconds=seconds,
        cpu_seconds=_cpu_seconds() - cpu,
        rss_kib=_maxrss_kib(),
        rss_before_kib=before,
    )
    return out


def _pairs(spark: object | None):
    """The co-action pair runner of `spark` (None: the local one)."""
    if spark is None:
        return None
    from campaign_detect.signals.spark import spark_pair_totals

    return spark_pair_totals(spark)  # type: ignore[arg-type]


# --- the driver ---------------------------------------------------------------------------
def _measure(stage: str, directory: Path, fmt: str, timeout: float, engine: list[str]) -> dict:
    """Run `stage` in a fresh interpreter; a dict with ``status`` ok/timeout/failed."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", stage]
    command += ["--input", str(directory), "--fmt", fmt, *engine]
    load = _loadavg()
    try:
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": f"timeout ({timeout:.0f} s)", "load": load}
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        why = lines[-1] if lines else f"exit code {proc.returncode}"
        return {"status": f"failed: {why[:200]}", "load": load}
    return {"status": "ok", "load": load, **json.loads(proc.stdout.strip().splitlines()[-1])}


def _mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:,.0f}"


def _load(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        if r["status"] == "ok":
            rows.append(
                [
                    format_size(r["size"]),
                    r["label"],
                    f"{r['seconds']:.2f}",
                    f"{r['cpu_seconds']:.2f}",
                    f"{r['size'] / r['seconds']:,.0f}",
                    _mib(r["rss_kib"]),
                    _mib(r["rss_before_kib"]),
                    _load(r["load"]),
                    r.get("notes", ""),
                ]
            )
        else:
            blank = ["—"] * 5
            rows.append([format_size(r["size"]), r["label"], *blank, _load(r["load"]), r["status"]])
    return rows


def _scaling(results: list[dict], sizes: list[int]) -> list[list[str]] | None:
    if len(sizes) < 2:
        return None
    n1, n2 = sorted(sizes)[-2:]
    rows = []
    for label in dict.fromkeys(r["label"] for r in results):
        by = {r["size"]: r for r in results if r["label"] == label}
        t1, t2 = by.get(n1, {}).get("seconds"), by.get(n2, {}).get("seconds")
        exponent = f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}" if t1 and t2 else "n/a"
        rows.append(
            [
                label,
                f"{t1:.2f}" if t1 else "—",
                f"{t2:.2f}" if t2 else "—",
                exponent,
            ]
        )
    return rows


def _phase_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        phases = r.get("phases")
        if r["label"] == "scan" and phases:
            rows.append(
                [format_size(r["size"])]
                + [f"{phases[name]:.2f}" for name in ("load", *_PHASES)]
                + [f"{r['seconds']:.2f}"]
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated post counts, e.g. 100k,1M")
    parser.add_argument(
        "--quick", action="store_true", help=f"sizes {_QUICK_SIZES} (unless --sizes)"
    )
    parser.add_argument("--stages", default="all", help=f"all or a subset of {','.join(STAGES)}")
    parser.add_argument("--seed", type=int, default=0, help="synth seed (default 0)")
    parser.add_argument(
        "--load-formats", default="parquet,csv", help="formats the load stage reads"
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds per measurement (default 600)"
    )
    parser.add_argument("--regenerate", action="store_true", help="ignore cached inputs")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--fmt", default="parquet", help=argparse.SUPPRESS)
    parser.add_argument(
        "--engine", choices=("local", "spark"), default="local", help="scan's engine"
    )
    parser.add_argument(
        "--spark-master", default="local[2]", help="with --engine spark (default local[2])"
    )
    args = parser.parse_args(argv)
    engine = ["--engine", args.engine, "--spark-master", args.spark_master]

    if args.worker:
        figures = _worker(args.worker, Path(args.input), args.fmt, args.engine, args.spark_master)
        print(json.dumps(figures))
        return 0

    sizes_text = args.sizes or (_QUICK_SIZES if args.quick else "100k,1M")
    sizes = sorted({parse_size(s) for s in sizes_text.split(",")})
    stages = list(STAGES) if args.stages == "all" else args.stages.split(",")
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {unknown}; choose from {', '.join(STAGES)}")
    load_formats = args.load_formats.split(",") if "load" in stages else []
    formats = list(dict.fromkeys(["parquet", *load_formats]))

    results: list[dict] = []
    generation: list[str] = []
    for n in sizes:
        directory, gen_seconds = synth_data(
            n, seed=args.seed, formats=formats, regenerate=args.regenerate
        )
        took = "cached" if gen_seconds is None else f"{gen_seconds:.1f} s"
        generation.append(f"{format_size(n)}: {directory.name} ({took})")
        print(f"# {format_size(n)} posts: {directory} ({took})", file=sys.stderr)
        jobs = [(s, f) for s in stages for f in (load_formats if s == "load" else ["parquet"])]
        for stage, fmt in jobs:
            label = f"load ({fmt})" if stage == "load" else stage
            if args.engine != "local" and stage in ("coaction", "scan"):
                label += f" ({args.engine}, {args.spark_master})"
            measured = _measure(stage, directory, fmt, args.timeout, engine)
            measured.update(size=n, label=label)
            results.append(measured)
            shown = f"{measured['seconds']:.2f} s" if measured["status"] == "ok" else ""
            print(f"#   {label}: {measured['status']} {shown}", file=sys.stderr)

    header = ["posts", "stage", "wall s", "CPU s", "posts/s", "peak RSS MiB", "RSS before MiB"]
    header += ["load avg", "notes"]
    parts = [markdown_table(header, _rows(results))]
    phase_rows = _phase_rows(results)
    if phase_rows:
        parts.append(
            "Scan phases (s, from its progress callbacks):\n\n"
            + markdown_table(["posts", "load", *_PHASES, "total"], phase_rows)
        )
    scaling = _scaling(results, sizes)
    if scaling:
        n1, n2 = sorted(sizes)[-2:]
        parts.append(
            f"Scaling exponent log(t2/t1)/log(n2/n1) between {format_size(n1)} and "
            f"{format_size(n2)} (1.0 = linear):\n\n"
            + markdown_table(
                ["stage", f"t({format_size(n1)}) s", f"t({format_size(n2)}) s", "exponent"],
                scaling,
            )
        )
    report = "\n\n".join(parts)
    print(report)
    if args.record:
        record(
            "bench/run.py",
            "\n".join(
                [
                    "Inputs (synth seed "
                    + str(args.seed)
                    + "; generation time when not cached): "
                    + "; ".join(generation),
                    "",
                    "Wall time covers the measured call only; peak RSS is the whole measuring "
                    "process (for the signals, loading included; 'RSS before' is the peak just "
                    "before the call). CPU s is user + system time of the measured call (above "
                    "wall s when it ran in parallel); load avg is the machine's 1-minute load "
                    "average as the measurement started; it still carries the previous "
                    "measurement's own load, so values well above 1 mean other jobs were running "
                    "and inflated the wall times.",
                    "",
                    report,
                ]
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
