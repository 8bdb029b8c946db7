"""Memory and time on a hot hashtag: every post carries one tag within one hour (a
benchmark, not a test; issue 14's bound "whatever the file holds").

Usage (from the repository root)::

    .venv/bin/python bench/hot.py --posts 1M --record

The input (written once to ``bench/out/hot-<size>.parquet``) is `--posts` posts by
``posts / 5`` accounts, all tagged ``#viral`` and posted within one hour, each with a few
words from a small vocabulary (so texts repeat) and one of 50 other tags. `scan` runs on it
in a fresh process with the default settings; the table gives the wall time, the peak
resident memory and what the scan capped (object windows bounded, template buckets
bounded, pairs skipped), which the JSON reports too.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
from _common import (
    BENCH,
    format_size,
    markdown_table,
    parse_size,
    record,
)

_WORDS = (  # noqa: SIM905 (one string reads as the sentence it is)
    "promo hari ini murah sekali beli sekarang gratis ongkir toko kami jualan baru"
).split(" ")


def _write(n: int, path: Path) -> None:
    rng = np.random.default_rng(0)
    start = int(datetime(2024, 6, 1, 20, tzinfo=UTC).timestamp())
    words = np.array(_WORDS)
    texts = [
        " ".join(words[rng.integers(0, len(words), 4)]) + f" #viral #tag{int(t)}"
        for t in rng.integers(0, 50, n)
    ]
    pl.DataFrame(
        {
            "post_id": np.arange(n).astype(str),
            "account": [f"u{i}" for i in rng.integers(0, max(1, n // 5), n)],
            "created_at": np.sort(start + rng.integers(0, 3600, n)),
            "text": texts,
        }
    ).write_parquet(path)


def _worker(path: Path) -> dict:
    from campaign_detect import scan

    begin = time.perf_counter()
    result = scan(str(path))
    seconds = time.perf_counter() - begin
    stats = result.templates.stats
    return {
        "seconds": seconds,
        "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "posts": result.posts.height,
        "bounded_windows": result.coaction.bounded.height,
        "bounded_buckets": stats.n_bounded_features,
        "pairs_skipped": stats.n_pairs_skipped,
        "clusters": result.clusters.height,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", default="1M", help="posts in the hot hour (default 1M)")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(Path(args.worker))))
        return 0
    n = parse_size(args.posts)
    path = BENCH / "out" / f"hot-{format_size(n)}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _write(n, path)
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", str(path)], capture_output=True, text=True
    )
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        return 1
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    header = [
        "posts",
        "wall s",
        "peak RSS MiB",
        "busy windows bounded",
        "template buckets bounded",
        "pairs skipped",
        "clusters",
    ]
    table = markdown_table(
        header,
        [
            [
                f"{row['posts']:,}",
                f"{row['seconds']:.1f}",
                f"{row['rss_mib']:,}",
                row["bounded_windows"],
                row["bounded_buckets"],
                f"{row['pairs_skipped']:,}",
                row["clusters"],
            ]
        ],
    )
    print(table)
    if args.record:
        record(
            "bench/hot.py",
            "\n".join(
                [
                    f"Input: {n:,} posts by {n // 5:,} accounts, every one tagged #viral within "
                    "one hour (bench/hot.py). One fresh process; peak RSS is its ru_maxrss.",
                    "",
                    table,
                ]
            ),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
