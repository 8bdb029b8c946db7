"""A larger input from time-shifted copies of a posts file (a benchmark input, not a test).

Usage (from the repository root)::

    .venv/bin/python bench/grow.py ../shared/eval-dev/e/posts.csv.gz --copies 10 \\
        --out bench/out/eval-e-10x/posts.parquet
    .venv/bin/python bench/run.py --input bench/out/eval-e-10x/posts.parquet --stages scan

The file is read with `load_posts` (columns detected as the CLI does, times parsed, rows
the loader rejects or deduplicates left out), so the copies hold ``post_id, account,
created_at, text`` as the scan reads them. Copy ``k`` (0 is the file itself) has:

- every time moved ``k * D`` days later, ``D`` = the file's span in whole days plus one, so
  copies never overlap and each post keeps its hour of day;
- accounts renamed ``<account>~k`` and post ids ``<post_id>~k`` (copy 0 keeps its names).

Texts are unchanged: the copies repeat the same distinct texts, so the template stage sees
``copies`` times the posts but not more distinct texts than the original holds. Write under
``bench/out/`` (git-ignored) or ``/tmp``; never commit the output.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import timedelta
from pathlib import Path

import polars as pl

_DAY_S = 86_400


def grow(source: str, copies: int) -> pl.DataFrame:
    """`copies` time-shifted copies of the posts of `source`, accounts renamed per copy."""
    from campaign_detect import load_posts

    posts = load_posts(source).posts.select(
        "post_id", account="account_name", created_at="ts", text="text"
    )
    first, last = posts.select(
        first=pl.col("created_at").min(), last=pl.col("created_at").max()
    ).row(0)
    days = math.ceil((last - first).total_seconds() / _DAY_S) + 1
    parts = []
    for k in range(copies):
        suffix = "" if k == 0 else f"~{k}"
        parts.append(
            posts.with_columns(
                pl.col("post_id") + suffix,
                pl.col("account") + suffix,
                pl.col("created_at") + timedelta(days=k * days),
            )
        )
    return pl.concat(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="posts file (any format the CLI reads)")
    parser.add_argument("--copies", type=int, default=10, help="copies, the original included")
    parser.add_argument(
        "--out", required=True, help="output file: .parquet or .csv (under bench/out/ or /tmp)"
    )
    args = parser.parse_args(argv)
    if args.copies < 1:
        parser.error("--copies must be at least 1")
    out = Path(args.out)
    if out.suffix not in (".parquet", ".csv"):
        parser.error("--out must end in .parquet or .csv")
    begin = time.perf_counter()
    frame = grow(args.source, args.copies)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    if out.suffix == ".parquet":
        frame.write_parquet(partial)
    else:
        frame.write_csv(partial)
    partial.replace(out)
    print(
        f"{out}: {frame.height:,} posts, {frame['account'].n_unique():,} accounts "
        f"({time.perf_counter() - begin:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
