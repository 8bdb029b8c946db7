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
    `scan(path)` end to end from the parquet file with the default `ScanConfig`, then
    `ScanResult.to_json()` (the JSON the CLI writes); every stage `scan` calls is timed
    and its own peak resident memory sampled (`_StageMeter`).

``--input PATH`` measures any posts file instead of the synthetic inputs (the format is
detected from the name as the CLI does; ``.csv.gz`` included): ``bench/grow.py`` builds a
larger one from time-shifted copies of a file.

``--engine spark`` runs ``coaction``, ``bursts``, ``templates`` and ``scan`` with their
Spark runners (``--spark-master``, default ``local[2]``); the session is started before the
clock and its start-up time is in the notes. The peak RSS is then the Python driver's
alone: the JVM (in ``local[N]`` the executors too) is another process, and the notes give
its peak (``VmHWM``), the largest Spark Python worker's, and, for a local master, the
shuffle written and read (summed over the tasks in the session's event log, written under
``bench/out/spark-events``). The local JVM gets ``--driver-memory`` 2g
(``BENCH_SPARK_DRIVER_MEMORY`` to change it).

``--record`` appends the machine, the command and the tables to ``bench/RESULTS.md``,
with the scaling exponent of each stage between the two largest sizes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
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


_PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss_bytes() -> int:
    """Resident memory of this process now (``/proc/self/statm``)."""
    with open("/proc/self/statm", "rb") as handle:
        return int(handle.read().split()[1]) * _PAGE


class _StageMeter:
    """Wall time and peak resident memory of each stage `scan` calls, in call order.

    A daemon thread samples the resident memory every 5 ms; each wrapped call keeps the
    largest sample seen while it ran (its own peak, the memory it found included). Wrapping
    replaces the names in the modules that call them, so the library is unchanged.
    """

    _TARGETS = (  # (module, name, label); labels of repeated calls are numbered
        ("campaign_detect.pipeline", "_loaded", "load"),
        ("campaign_detect.signals", "object_rows", "object rows"),
        ("campaign_detect.signals", "coaction_edges", "co-action"),
        ("campaign_detect.signals", "detect_bursts", "bursts"),
        ("campaign_detect.signals", "template_groups", "templates"),
        ("campaign_detect.pipeline", "find_clusters", "clusters"),
        ("campaign_detect.pipeline", "score_clusters", "score"),
        ("campaign_detect.pipeline", "compete", "compete"),
        ("campaign_detect.pipeline", "select_clusters", "select"),
        ("campaign_detect.pipeline", "cluster_events", "events"),
    )

    def __init__(self) -> None:
        self.stages: list[dict] = []
        self._active: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            rss = _rss_bytes()
            for stage in list(self._active):
                stage["peak"] = max(stage["peak"], rss)

    def measure(self, label: str, call: Callable[[], object]) -> object:
        count = sum(1 for s in self.stages if s["label"].split(" #")[0] == label)
        stage = {"label": f"{label} #{count + 1}" if count else label, "peak": _rss_bytes()}
        stage["start_rss"] = stage["peak"]
        self.stages.append(stage)
        self._active.append(stage)
        begin, cpu = time.perf_counter(), time.process_time()
        try:
            return call()
        finally:
            stage["seconds"] = time.perf_counter() - begin
            stage["cpu_seconds"] = time.process_time() - cpu
            self._active.remove(stage)
            stage["peak"] = max(stage["peak"], _rss_bytes())

    def install(self) -> None:
        import importlib

        for module_name, name, label in self._TARGETS:
            module = importlib.import_module(module_name)
            original = getattr(module, name)

            def wrapped(*args, _original=original, _label=label, **kwargs):
                return self.measure(_label, lambda: _original(*args, **kwargs))

            setattr(module, name, wrapped)
        self._thread.start()

    def rows(self) -> list[dict]:
        self._stop.set()
        return [
            {
                "label": s["label"],
                "seconds": s["seconds"],
                "cpu_seconds": s["cpu_seconds"],
                "peak_mib": s["peak"] / 2**20,
                "start_mib": s["start_rss"] / 2**20,
            }
            for s in self.stages
        ]


_SPARK_STAGES = ("coaction", "bursts", "templates", "scan")  # the stages with a Spark runner
_EVENT_LOG = ROOT / "bench" / "out" / "spark-events"  # git-ignored, like the inputs


def _engine(engine: str, master: str) -> tuple[object | None, dict]:
    """The Spark session for `engine` (None for the local engine) and notes on its start.

    For a local master the session writes an event log (``bench/out/spark-events``), from
    which `_spark_figures` reads the shuffle written once the session has stopped.
    """
    if engine != "spark":
        return None, {}
    from campaign_detect.signals.spark import spark_session

    if master.startswith("local"):
        _EVENT_LOG.mkdir(parents=True, exist_ok=True)
        os.environ["PYSPARK_SUBMIT_ARGS"] = (
            f"--conf spark.eventLog.enabled=true --conf spark.eventLog.dir={_EVENT_LOG.as_uri()} "
            "--conf spark.eventLog.compress=false --conf spark.eventLog.rolling.enabled=false "
            f"--driver-memory {os.environ.get('BENCH_SPARK_DRIVER_MEMORY', '2g')} pyspark-shell"
        )
    start = time.perf_counter()
    session = spark_session(master)
    app = session.sparkContext.applicationId if master.startswith("local") else None
    return session, {"session_seconds": time.perf_counter() - start, "app": app}


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (from ``/proc/*/stat``)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _jvm_peaks_kib() -> tuple[int, int]:
    """Peak resident memory (``VmHWM``) of this process's JVMs, and the largest of the
    Python processes they started (Spark's Python workers), in KiB."""
    jvm, workers = 0, 0
    for pid in _descendants(os.getpid()):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        peak = next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM")), 0)
        if name == "java":
            jvm += peak
        elif name.startswith("python"):
            workers = max(workers, peak)
    return jvm, workers


def _spark_figures(app: str | None) -> dict:
    """Bytes of shuffle written and read by the tasks of Spark application `app`, from its
    event log (after the session stopped)."""
    if app is None:
        return {}
    written = read = 0
    for path in (p for p in _EVENT_LOG.rglob(f"*{app}*") if p.is_file()):
        with path.open() as handle:
            for line in handle:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                metrics = json.loads(line).get("Task Metrics") or {}
                written += metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
                got = metrics.get("Shuffle Read Metrics", {})
                read += got.get("Remote Bytes Read", 0) + got.get("Local Bytes Read", 0)
    return {"shuffle_written": written, "shuffle_read": read}


def _worker(stage: str, path: Path, engine: str, master: str) -> dict:
    """Run one measurement in this (fresh) process and return its figures."""
    from campaign_detect import ScanConfig, load_posts, scan
    from campaign_detect.signals import coaction_edges, detect_bursts, template_groups

    config = ScanConfig(engine=engine if stage in _SPARK_STAGES else "local")
    spark, out = _engine(config.engine, master)
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
        meter = _StageMeter()
        meter.install()
        before = _maxrss_kib()
        cpu = _cpu_seconds()
        start = time.perf_counter()
        result = scan(str(path), config, spark=spark)
        text = meter.measure("json", result.to_json)
        seconds = time.perf_counter() - start
        out["n_posts"] = result.posts.height
        out["notes"] = (
            f"{result.clusters.height} clusters, {result.members.height} members, "
            f"{result.coaction.edges.height} edges, window {result.coaction.window}; "
            f"JSON {len(str(text)):,} characters"
        )
        out["stages"] = meter.rows()
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
            bursts = detect_bursts(posts, scales=config.burst_scales, runner=_bursts(spark))
            seconds = time.perf_counter() - start
            out["notes"] = f"{bursts.height} bursts"
        elif stage == "templates":
            templates = template_groups(
                posts,
                threshold=config.template_threshold,
                seed=config.seed,
                runner=_candidates(spark),
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
        jvm, workers = _jvm_peaks_kib()
        spark.stop()  # type: ignore[attr-defined]
        shuffle = _spark_figures(out.pop("app"))
        out["notes"] += (
            f"; JVM peak RSS {jvm / 1024:,.0f} MiB, Python worker {workers / 1024:,.0f} MiB"
        )
        if shuffle:
            out["notes"] += (
                f"; shuffle written {shuffle['shuffle_written'] / 2**20:,.0f} MiB, "
                f"read {shuffle['shuffle_read'] / 2**20:,.0f} MiB"
            )
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


def _candidates(spark: object | None):
    """The template candidate runner of `spark` (None: the local one)."""
    if spark is None:
        return None
    from campaign_detect.signals.spark import spark_candidates

    return spark_candidates(spark)  # type: ignore[arg-type]


def _bursts(spark: object | None):
    """The burst runner of `spark` (None: the local one)."""
    if spark is None:
        return None
    from campaign_detect.signals.spark import spark_bursts

    return spark_bursts(spark)  # type: ignore[arg-type]


# --- the driver ---------------------------------------------------------------------------
def _measure(stage: str, path: Path, timeout: float, engine: list[str]) -> dict:
    """Run `stage` in a fresh interpreter; a dict with ``status`` ok/timeout/failed."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", stage]
    command += ["--worker-path", str(path), *engine]
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
                    r["input"],
                    r["label"],
                    f"{r['seconds']:.2f}",
                    f"{r['cpu_seconds']:.2f}",
                    f"{r['n_posts'] / r['seconds']:,.0f}",
                    _mib(r["rss_kib"]),
                    _mib(r["rss_before_kib"]),
                    _load(r["load"]),
                    r.get("notes", ""),
                ]
            )
        else:
            blank = ["—"] * 5
            rows.append([r["input"], r["label"], *blank, _load(r["load"]), r["status"]])
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


def _stage_rows(results: list[dict]) -> list[list[str]]:
    """One row per stage of each scan: wall time, its own peak RSS, the RSS it started at."""
    rows = []
    for r in results:
        for stage in r.get("stages", ()):
            rows.append(
                [
                    r["input"],
                    stage["label"],
                    f"{stage['seconds']:.2f}",
                    f"{stage['cpu_seconds']:.2f}",
                    f"{100 * stage['seconds'] / r['seconds']:.0f}",
                    f"{stage['peak_mib']:,.0f}",
                    f"{stage['start_mib']:,.0f}",
                ]
            )
    return rows


def _jobs(args: argparse.Namespace, stages: list[str]) -> tuple[list[tuple], list[str]]:
    """(input label, size or None, path, stage, row label) of every measurement, and a line
    per input for the record."""
    jobs: list[tuple] = []
    described: list[str] = []
    if args.input:
        for text in args.input:
            path = Path(text).resolve()
            if not path.is_file():
                raise SystemExit(f"run.py: --input {text}: no such file")
            described.append(f"{path.name}: {path} ({path.stat().st_size / 2**20:,.0f} MiB)")
            label = f"{path.parent.name}/{path.name}"
            jobs += [(label, None, path, s, "load" if s == "load" else s) for s in stages]
        return jobs, described
    sizes = sorted({parse_size(s) for s in (args.sizes or _default_sizes(args)).split(",")})
    load_formats = args.load_formats.split(",") if "load" in stages else []
    formats = list(dict.fromkeys(["parquet", *load_formats]))
    for n in sizes:
        directory, gen_seconds = synth_data(
            n, seed=args.seed, formats=formats, regenerate=args.regenerate
        )
        took = "cached" if gen_seconds is None else f"{gen_seconds:.1f} s"
        described.append(f"{format_size(n)}: {directory.name} ({took})")
        print(f"# {format_size(n)} posts: {directory} ({took})", file=sys.stderr)
        for stage in stages:
            for fmt in load_formats if stage == "load" else ["parquet"]:
                label = f"load ({fmt})" if stage == "load" else stage
                jobs.append((format_size(n), n, directory / f"posts.{fmt}", stage, label))
    return jobs, described


def _default_sizes(args: argparse.Namespace) -> str:
    return _QUICK_SIZES if args.quick else "100k,1M"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated post counts, e.g. 100k,1M")
    parser.add_argument(
        "--quick", action="store_true", help=f"sizes {_QUICK_SIZES} (unless --sizes)"
    )
    parser.add_argument(
        "--input",
        action="append",
        metavar="PATH",
        help="measure this posts file instead of synthetic inputs (repeatable; format from "
        "the name, as the CLI detects it)",
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
    parser.add_argument("--worker-path", help=argparse.SUPPRESS)
    parser.add_argument(
        "--engine", choices=("local", "spark"), default="local", help="scan's engine"
    )
    parser.add_argument(
        "--spark-master", default="local[2]", help="with --engine spark (default local[2])"
    )
    args = parser.parse_args(argv)
    engine = ["--engine", args.engine, "--spark-master", args.spark_master]

    if args.worker:
        figures = _worker(args.worker, Path(args.worker_path), args.engine, args.spark_master)
        print(json.dumps(figures))
        return 0
    if args.input and (args.sizes or args.quick):
        parser.error("--input measures the given files: leave out --sizes and --quick")

    stages = list(STAGES) if args.stages == "all" else args.stages.split(",")
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        parser.error(f"unknown stage(s) {unknown}; choose from {', '.join(STAGES)}")
    jobs, described = _jobs(args, stages)

    results: list[dict] = []
    for input_label, size, path, stage, label in jobs:
        if args.engine != "local" and stage in _SPARK_STAGES:
            label += f" ({args.engine}, {args.spark_master})"
        measured = _measure(stage, path, args.timeout, engine)
        measured.update(input=input_label, size=size or measured.get("n_posts"), label=label)
        results.append(measured)
        shown = f"{measured['seconds']:.2f} s" if measured["status"] == "ok" else ""
        print(f"#   {input_label} {label}: {measured['status']} {shown}", file=sys.stderr)

    header = ["input", "stage", "wall s", "CPU s", "posts/s", "peak RSS MiB", "RSS before MiB"]
    header += ["load avg", "notes"]
    parts = [markdown_table(header, _rows(results))]
    stage_rows = _stage_rows(results)
    if stage_rows:
        parts.append(
            "Scan stages (wall s of each call `scan` makes, its CPU s (the whole process: "
            "user + system of every thread), its share of the scan row's wall time, the "
            "largest resident memory sampled while it ran and the resident memory it "
            "started at):\n\n"
            + markdown_table(
                [
                    "input",
                    "stage",
                    "wall s",
                    "CPU s",
                    "% of scan",
                    "peak RSS MiB",
                    "RSS at start MiB",
                ],
                stage_rows,
            )
        )
    sizes = sorted({j[1] for j in jobs if j[1] is not None})
    scaling = _scaling(results, sizes)
    if scaling:
        n1, n2 = sizes[-2:]
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
        inputs = (
            "Inputs: "
            if args.input
            else f"Inputs (synth seed {args.seed}; generation time when not cached): "
        ) + "; ".join(described)
        record(
            "bench/run.py",
            "\n".join(
                [
                    inputs,
                    "",
                    "Wall time covers the measured call only; peak RSS is the whole measuring "
                    "process (for the signals, loading included; 'RSS before' is the peak just "
                    "before the call). The scan row is `scan()` plus `to_json()`. CPU s is "
                    "user + system time of the measured call (above wall s when it ran in "
                    "parallel); load avg is the machine's 1-minute load average as the "
                    "measurement started; it still carries the previous measurement's own "
                    "load, so values well above 1 mean other jobs were running and inflated "
                    "the wall times.",
                    "",
                    report,
                ]
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
