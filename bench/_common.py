"""Shared helpers of the benchmark scripts: cached synthetic inputs, machine description,
Markdown tables and appending a dated section to ``bench/RESULTS.md``.

Not part of the library and not a test; imported by ``bench/run.py`` and
``bench/quality.py`` (which put ``bench/`` on ``sys.path`` by being run as scripts).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"

_RESULTS_HEADER = """# Benchmark and quality results

Sections are appended by `bench/run.py --record` and `bench/quality.py --record`, newest
last; see `bench/README.md` for what each number means. Never edit a recorded section:
rerun and record a new one.
"""


def parse_size(text: str) -> int:
    """``20k`` -> 20000, ``1M`` -> 1000000, ``250000`` -> 250000."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not match:
        raise ValueError(f"size {text!r}: use a number with an optional k or M, e.g. 100k, 1M")
    factor = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def format_size(n: int) -> str:
    """1000000 -> ``1M``, 20000 -> ``20k``, 1234 -> ``1234``."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def _synth_fingerprint() -> str:
    """Hash of the synth module's source (a file or a package), so a cached input is
    regenerated when the generator changes."""
    spec = importlib.util.find_spec("campaign_detect.synth")
    if spec is None or spec.origin is None:
        raise RuntimeError("campaign_detect.synth not found; run from the repository root")
    origin = Path(spec.origin)
    files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def synth_data(
    n_posts: int,
    *,
    seed: int,
    formats: Sequence[str] = ("parquet",),
    regenerate: bool = False,
    mix: str | None = None,
) -> tuple[Path, float | None]:
    """The directory holding ``synth.write`` output for (n_posts, seed), generating it if
    needed. Returns the directory and the generation time in seconds (None when cached).
    `mix` is passed to `generate` (None: the default mix; ``"moments"``: issue 11's kinds).

    The cache key includes a hash of the generator's source, so a changed generator never
    feeds a benchmark stale data. A ``.complete`` marker is written last, so an interrupted
    generation is redone.
    """
    from campaign_detect.synth import generate, write

    label = "" if mix in (None, "default") else f"-{mix}"
    outdir = OUT / f"synth{label}-{format_size(n_posts)}-seed{seed}-{_synth_fingerprint()}"
    marker = outdir / ".complete"
    have = marker.exists() and all((outdir / f"posts.{fmt}").exists() for fmt in formats)
    if have and not regenerate:
        return outdir, None
    marker.unlink(missing_ok=True)
    start = time.perf_counter()
    data = generate(n_posts, seed=seed) if label == "" else generate(n_posts, seed=seed, mix=mix)
    for fmt in formats:
        write(data, outdir, fmt=fmt)
    elapsed = time.perf_counter() - start
    marker.write_text(json.dumps({"n_posts": n_posts, "seed": seed, "seconds": elapsed}) + "\n")
    return outdir, elapsed


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip()


def machine() -> dict[str, str]:
    """What the numbers were measured on: cores, memory, CPU, versions, code revision."""
    import numpy
    import polars

    cpuinfo = _read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.MULTILINE)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "nproc": str(cores),
        "memory": f"{int(meminfo.group(1)) / 2**20:.1f} GiB" if meminfo else "unknown",
        "cpu": model.group(1).strip() if model else platform.processor() or "unknown",
        "os": platform.platform(),
        "python": platform.python_version(),
        "polars": polars.__version__,
        "numpy": numpy.__version__,
        "POLARS_MAX_THREADS": os.environ.get("POLARS_MAX_THREADS", "unset"),
        "commit": _git("rev-parse", "--short", "HEAD")
        + (" (uncommitted changes)" if dirty else ""),
    }


def machine_lines(info: dict[str, str]) -> list[str]:
    return [f"- {key}: {value}" for key, value in info.items()]


def command_line() -> str:
    """The command as typed from the repository root (relative script path)."""
    script = Path(sys.argv[0]).resolve()
    try:
        script_text = str(script.relative_to(ROOT))
    except ValueError:
        script_text = str(script)
    return " ".join([".venv/bin/python", script_text, *map(shlex.quote, sys.argv[1:])])


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; numbers right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    numeric = [
        all(re.fullmatch(r"[-+]?[\d.,]+%?|—|n/a|none", r[i]) for r in cells) and bool(cells)
        for i in range(len(header))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(parts) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if num else "-" * (w + 2)
            for w, num in zip(widths, numeric, strict=True)
        )
        + "|"
    )
    return "\n".join([line(header), rule, *(line(r) for r in cells)])


def record(title: str, *parts: str, extra_machine: Sequence[str] = ()) -> Path:
    """Append a run to bench/RESULTS.md under ``title``: the command that ran, the machine
    (plus `extra_machine` lines), then `parts` (prose and tables), a blank line apart."""
    body = "\n".join(
        [
            "Command:",
            "",
            f"    {command_line()}",
            "",
            "Machine:",
            "",
            *machine_lines(machine()),
            *extra_machine,
        ]
    )
    path = append_results(title, body + "\n\n" + "\n\n".join(parts))
    print(f"# recorded in {path}", file=sys.stderr)
    return path


def append_results(title: str, body: str) -> Path:
    """Append ``## <UTC date> — title`` and `body` to bench/RESULTS.md."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not RESULTS.exists():
        RESULTS.write_text(_RESULTS_HEADER, encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {stamp} — {title}\n\n{body.rstrip()}\n")
    return RESULTS
