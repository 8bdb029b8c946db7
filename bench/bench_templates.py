"""Benchmark and quality check of `template_groups` (not a test).

Usage::

    .venv/bin/python bench/bench_templates.py --posts 100000
    .venv/bin/python bench/bench_templates.py --posts 1000000 --source synth
    .venv/bin/python bench/bench_templates.py --posts 20000 --source scripts --threshold 0.5
    .venv/bin/python bench/bench_templates.py --posts 100000 --profile  # cProfile top 25

Sources:

``synth``
    `campaign_detect.synth.generate` (organic background + planted groups). Quality: share
    of each planted group's posts that land in a template, and organic posts in templates.
``scripts``
    A word-level generator: organic posts of 4-24 words drawn Zipf-wise from 20 000
    pseudo-words, plus scripts (1-3 sentences of 5-8 words; variants reorder sentences, swap
    0-2 synonyms, add a shop name (60 %) or a city (40 %), drop a letter (30 %)). 90 % of the
    posts are organic; each script has 200 variants (``--variants``). Quality: campaign
    recall (posts in their script's majority template), organic posts in templates, and the
    largest number of templates one script was split into.

The input is generated once into ``--cache`` by a child process, so the peak RSS printed
(``ru_maxrss``) is that of reading the posts and running `template_groups` only.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

_SYL = [
    "ka",
    "la",
    "ma",
    "na",
    "pa",
    "ra",
    "sa",
    "ta",
    "ba",
    "da",
    "ga",
    "ja",
    "ki",
    "li",
    "mi",
    "ni",
    "pi",
    "ri",
    "si",
    "ti",
    "ku",
    "lu",
    "mu",
    "nu",
    "pu",
    "ru",
    "su",
    "tu",
    "ke",
    "le",
    "me",
    "ne",
    "pe",
    "re",
    "se",
    "te",
    "ko",
    "lo",
    "mo",
    "no",
    "ang",
    "ing",
    "an",
    "in",
    "ul",
    "er",
]
_CITIES = ["jakarta", "bandung", "medan", "surabaya", "makassar"]


def _scripts_posts(n_posts: int, *, seed: int, variants: int, days: int = 7) -> pl.DataFrame:
    """Organic Zipf chatter plus paraphrased scripts; column ``script`` is -1 for organic."""
    rng = np.random.default_rng(seed)
    vocab: set[str] = set()
    while len(vocab) < 20_000:
        vocab.add("".join(rng.choice(_SYL, int(rng.integers(2, 5)))))
    words = np.array(sorted(vocab))
    zipf = 1 / np.arange(1, words.size + 1) ** 1.05
    zipf /= zipf.sum()
    synonym = np.roll(words, 7919)
    index = {w: i for i, w in enumerate(words)}
    t0 = datetime(2023, 9, 1, tzinfo=UTC)
    n_scripts = max(1, n_posts // (10 * variants))
    n_organic = n_posts - n_scripts * variants

    lengths = rng.integers(4, 25, n_organic)
    drawn = words[rng.choice(words.size, int(lengths.sum()), p=zipf)]
    organic = (
        pl.DataFrame({"w": drawn, "i": np.repeat(np.arange(n_organic), lengths)})
        .group_by("i", maintain_order=True)
        .agg(text=pl.col("w").str.join(" "))
    )
    rows_text = organic["text"].to_list()
    rows_script = [-1] * n_organic
    rows_acc = [f"org{i}" for i in range(n_organic)]
    rows_min = rng.integers(0, days * 1440, n_organic).tolist()
    for s in range(n_scripts):
        sents = [
            list(words[rng.choice(words.size, int(rng.integers(5, 9)), p=zipf)])
            for _ in range(int(rng.integers(1, 4)))
        ]
        start = int(rng.integers(0, days * 1440))
        for v in range(variants):
            order = rng.permutation(len(sents))
            text = [w for k in order for w in sents[k]]
            for k in rng.choice(len(text), min(len(text), int(rng.integers(0, 3))), replace=False):
                text[k] = synonym[index[text[k]]]
            if rng.random() < 0.6:
                shop = "toko" + "".join(rng.choice(_SYL, 3))
                text.insert(int(rng.integers(0, len(text) + 1)), shop)
            if rng.random() < 0.4:
                text.append(str(rng.choice(_CITIES)))
            if rng.random() < 0.3:
                k = int(rng.integers(len(text)))
                if len(text[k]) > 3:
                    j = int(rng.integers(len(text[k])))
                    text[k] = text[k][:j] + text[k][j + 1 :]
            rows_text.append(" ".join(text) + " #kampanye")
            rows_script.append(s)
            rows_acc.append(f"acc_s{s}_{v}")
            rows_min.append(start + int(rng.integers(0, 240)))
    return pl.DataFrame(
        {
            "post_id": [f"p{i}" for i in range(len(rows_text))],
            "account": rows_acc,
            "ts": [t0 + timedelta(minutes=m) for m in rows_min],
            "text": rows_text,
            "script": rows_script,
        }
    ).with_columns(pl.col("ts").dt.cast_time_unit("us"), pl.col("script").cast(pl.Int64))


def _synth_posts(n_posts: int, *, seed: int) -> pl.DataFrame:
    from campaign_detect.synth import generate

    data = generate(n_posts, seed=seed)
    group = data.planted.unique("post_id", keep="first").select("post_id", "group")
    return (
        data.posts.select("post_id", "account", ts="created_at", text="text")
        .join(group, on="post_id", how="left")
        .with_columns(pl.col("group").fill_null(""))
    )


def _cache_path(args: argparse.Namespace) -> Path:
    extra = f"_v{args.variants}" if args.source == "scripts" else ""
    return Path(args.cache) / f"{args.source}_{args.posts}_s{args.seed}{extra}.parquet"


def _generate(args: argparse.Namespace) -> None:
    path = _cache_path(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.source == "synth":
        frame = _synth_posts(args.posts, seed=args.seed)
    else:
        frame = _scripts_posts(args.posts, seed=args.seed, variants=args.variants)
    frame.write_parquet(path)


def _quality(frame: pl.DataFrame, members: pl.DataFrame, source: str) -> None:
    joined = members.join(frame.drop("text"), on="post_id")
    if source == "scripts":
        campaign = frame.filter(pl.col("script") >= 0).height
        majority = (
            joined.filter(pl.col("script") >= 0)
            .group_by("template_id")
            .agg(majority=pl.col("script").mode().min())
        )
        good = (
            joined.join(majority, on="template_id")
            .filter(pl.col("script") == pl.col("majority"))
            .height
        )
        organic = joined.filter(pl.col("script") < 0).height
        split = majority.group_by("majority").len()["len"].max() or 0
        print(
            f"quality: campaign recall {good / max(campaign, 1):.3f} ({good}/{campaign}); "
            f"organic posts in templates {organic}; max templates per script {split}"
        )
        return
    planted = frame.group_by("group").agg(total=pl.len())
    found = joined.group_by("group").agg(in_templates=pl.len(), templates=pl.col("template_id"))
    table = (
        planted.join(found, on="group", how="left")
        .with_columns(
            pl.col("in_templates").fill_null(0),
            n_templates=pl.col("templates").list.n_unique().fill_null(0),
        )
        .with_columns(share=(pl.col("in_templates") / pl.col("total")).round(3))
        .select("group", "total", "in_templates", "share", "n_templates")
        .sort("group")
    )
    print("quality (group '' = organic posts):")
    for row in table.iter_rows(named=True):
        print(
            f"  {row['group'] or '(organic)':18} {row['in_templates']:>7} / {row['total']:<8}"
            f" = {row['share']:.3f} in {row['n_templates']} templates"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--source", choices=["synth", "scripts"], default="synth")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variants", type=int, default=200, help="scripts source only")
    parser.add_argument("--threshold", type=float, default=0.6)
    parser.add_argument("--max-bucket", type=int, default=None)
    parser.add_argument("--cache", default="/tmp/bench_templates_cache")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 25")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate_only:
        _generate(args)
        return
    path = _cache_path(args)
    if not path.exists():
        started = time.perf_counter()
        command = [sys.executable, __file__, *sys.argv[1:], "--generate-only"]
        subprocess.run(command, check=True)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")

    from campaign_detect.signals.templates import template_groups

    frame = pl.read_parquet(path)
    posts = frame.select("post_id", "account", "ts", "text")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kwargs: dict[str, float | int] = {"threshold": args.threshold}
    if args.max_bucket is not None:
        kwargs["max_bucket"] = args.max_bucket
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = template_groups(posts, **kwargs)  # type: ignore[arg-type]
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{posts.height} posts ({args.source}, seed {args.seed}): {elapsed:.2f} s = "
        f"{posts.height / elapsed:,.0f} posts/s; peak RSS {peak / 2**20:.2f} GiB "
        f"(after reading input {before / 2**20:.2f} GiB); {result.groups.height} templates"
    )
    print(f"stats: {result.stats}")
    if not args.no_quality:
        _quality(frame, result.members, args.source)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
