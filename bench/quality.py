"""Detection quality of `scan` against the planted truth of `campaign_detect.synth`
(a benchmark, not a test: it measures, it does not assert or tune).

Usage (from the repository root)::

    .venv/bin/python bench/quality.py --posts 100000 --seeds 11,12,13
    .venv/bin/python bench/quality.py --posts 100k --seeds 11,12,13 --min-score 20 --record
    .venv/bin/python bench/quality.py --dir ../shared/eval-dev --inputs a,b,c,d --record

With ``--dir`` it scores a directory of inputs made elsewhere (see `bench/dirscore.py`):
every folder under it holding posts and a ``truth.json`` is scanned with ``campaign-detect
scan`` and scored by the directory's own ``score.py``, and the project's seeds are scored
beside them by the same scorer.

For each seed the synthetic input is generated (cached in ``bench/out/``) and scanned end
to end from its parquet file with the default `ScanConfig`. Flagged accounts are the
members of the reported clusters (only those scoring at least ``--min-score``). Against
``truth.csv`` it measures:

- account precision, recall and F1 of the flagged accounts against the union of the
  accounts of planted campaigns;
- per planted campaign, the Jaccard index of its accounts with its best-matching cluster,
  that cluster's rank, and the share of its accounts flagged at all;
- per hard-negative group (organic look-alikes: news bursts, fandoms...), the share of its
  accounts flagged (accounts that are also in a campaign are left out of this share);
- whether every campaign's best cluster ranks above every cluster made mostly (> 50 %)
  of hard-negative accounts.

The issue's targets are printed next to the measured figures; nothing here changes a
threshold to meet them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field

import polars as pl
from _common import (
    append_results,
    command_line,
    format_size,
    machine,
    machine_lines,
    markdown_table,
    parse_size,
    synth_data,
)

from campaign_detect import ScanConfig, scan
from campaign_detect.entities import normalise_handle

TARGET_F1 = 0.90
TARGET_JACCARD = 0.70
TARGET_HARD_NEGATIVE = 0.02
TARGETS = {
    "account F1": f">= {TARGET_F1:.2f}",
    "campaign best-cluster Jaccard (each)": f">= {TARGET_JACCARD:.2f}",
    "hard-negative accounts flagged (each group)": f"<= {TARGET_HARD_NEGATIVE:.0%}",
    "every campaign ranks above every hard-negative cluster": "yes",
}


@dataclass
class GroupResult:
    group: str
    kind: str
    role: str
    n_accounts: int
    flagged: int
    jaccard: float = 0.0
    best_rank: int | None = None
    best_size: int | None = None


@dataclass
class SeedResult:
    seed: int
    n_posts: int
    seconds: float
    n_clusters: int
    n_flagged: int
    n_campaign: int
    true_positives: int
    hn_clusters: list[int]
    overlap: int
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.n_flagged if self.n_flagged else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.n_campaign if self.n_campaign else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def campaigns(self) -> list[GroupResult]:
        return [g for g in self.groups if g.role == "campaign"]

    def hard_negatives(self) -> list[GroupResult]:
        return [g for g in self.groups if g.role == "hard_negative"]

    @property
    def min_jaccard(self) -> float:
        return min((g.jaccard for g in self.campaigns()), default=0.0)

    @property
    def max_hard_negative(self) -> float:
        shares = [g.flagged / g.n_accounts for g in self.hard_negatives() if g.n_accounts]
        return max(shares, default=0.0)

    @property
    def worst_campaign_rank(self) -> int | None:
        ranks = [g.best_rank for g in self.campaigns()]
        return None if not ranks or None in ranks else max(r for r in ranks if r is not None)

    @property
    def ranking_ok(self) -> bool:
        worst = self.worst_campaign_rank
        if worst is None:
            return False
        return not self.hn_clusters or worst < min(self.hn_clusters)


def _evaluate(seed: int, n_posts: int, min_score: float, mix: str | None = None) -> SeedResult:
    directory, _ = synth_data(n_posts, seed=seed, formats=("parquet",), mix=mix)
    truth = (
        pl.read_csv(directory / "truth.csv", schema_overrides={"account": pl.String})
        .with_columns(normalise_handle(pl.col("account")).alias("account"))
        .unique()
    )
    meta = {g["group"]: g for g in json.loads((directory / "groups.json").read_text("utf-8"))}

    start = time.perf_counter()
    result = scan(str(directory / "posts.parquet"), ScanConfig())
    seconds = time.perf_counter() - start

    clusters = result.clusters.filter(pl.col("score") >= min_score).select(
        "cluster", "rank", "n_accounts"
    )
    members = result.members.join(clusters, on="cluster", how="semi").select("cluster", "account")
    flagged = set(members["account"].to_list())
    campaign = set(truth.filter(pl.col("role") == "campaign")["account"].to_list())
    hard = set(truth.filter(pl.col("role") == "hard_negative")["account"].to_list())
    overlap = len(campaign & hard)
    hard -= campaign

    sizes = members.group_by("cluster").len("size")
    hn_clusters = (
        members.with_columns(pl.col("account").is_in(list(hard)).alias("hn"))
        .group_by("cluster")
        .agg(pl.col("hn").mean().alias("hn_share"))
        .filter(pl.col("hn_share") > 0.5)
        .join(clusters, on="cluster")
    )
    out = SeedResult(
        seed=seed,
        n_posts=result.posts.height,
        seconds=seconds,
        n_clusters=clusters.height,
        n_flagged=len(flagged),
        n_campaign=len(campaign),
        true_positives=len(flagged & campaign),
        hn_clusters=sorted(hn_clusters["rank"].to_list()),
        overlap=overlap,
    )
    for name, accounts in truth.group_by("group", maintain_order=True).agg("account").iter_rows():
        info = meta.get(name, {})
        role = info.get("role", "unknown")
        group = set(accounts) - campaign if role == "hard_negative" else set(accounts)
        scored = GroupResult(
            group=name,
            kind=info.get("kind", name),
            role=role,
            n_accounts=len(group),
            flagged=len(group & flagged),
        )
        if role == "campaign" and group:
            best = (
                members.filter(pl.col("account").is_in(list(group)))
                .group_by("cluster")
                .len("inter")
                .join(sizes, on="cluster")
                .join(clusters, on="cluster")
                .with_columns(
                    (pl.col("inter") / (len(group) + pl.col("size") - pl.col("inter"))).alias(
                        "jaccard"
                    )
                )
                .sort(["jaccard", "rank"], descending=[True, False])
                .head(1)
            )
            if best.height:
                scored.jaccard = best["jaccard"][0]
                scored.best_rank = best["rank"][0]
                scored.best_size = best["size"][0]
        out.groups.append(scored)
    out.groups.sort(key=lambda g: (g.role != "campaign", g.kind, g.group))
    return out


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _seed_table(results: list[SeedResult]) -> str:
    header = [
        "seed",
        "posts",
        "scan s",
        "clusters",
        "flagged",
        "campaign accts",
        "precision",
        "recall",
        f"F1 (target {TARGETS['account F1']})",
        f"min campaign Jaccard (target >= {TARGET_JACCARD:.2f})",
        f"max HN flagged (target <= {TARGET_HARD_NEGATIVE:.0%})",
        "HN-majority clusters",
        "worst campaign best-rank",
        "best HN-cluster rank",
        "ranking target met",
    ]
    rows = [
        [
            r.seed,
            f"{r.n_posts:,}",
            f"{r.seconds:.1f}",
            r.n_clusters,
            r.n_flagged,
            r.n_campaign,
            f"{r.precision:.3f}",
            f"{r.recall:.3f}",
            f"{r.f1:.3f}",
            f"{r.min_jaccard:.3f}",
            _pct(r.max_hard_negative),
            len(r.hn_clusters),
            "none" if r.worst_campaign_rank is None else r.worst_campaign_rank,
            min(r.hn_clusters) if r.hn_clusters else "none",
            "yes" if r.ranking_ok else "no",
        ]
        for r in results
    ]
    return markdown_table(header, rows)


def _kind_table(results: list[SeedResult], role: str) -> str:
    seeds = [r.seed for r in results]
    names: dict[str, tuple[str, str]] = {}
    for r in results:
        for g in r.groups:
            if g.role == role:
                names.setdefault(g.group, (g.kind, g.group))
    if role == "campaign":
        header = ["kind", "group", *(f"seed {s}: Jaccard (best cluster; flagged)" for s in seeds)]
        header.append(f"mean Jaccard (target >= {TARGET_JACCARD:.2f} each)")
    else:
        header = ["kind", "group", *(f"seed {s}: flagged" for s in seeds)]
        header.append(f"mean flagged (target <= {TARGET_HARD_NEGATIVE:.0%} each)")
    rows = []
    for name, (kind, group) in sorted(names.items(), key=lambda item: item[1]):
        cells, values = [], []
        for r in results:
            g = next((g for g in r.groups if g.group == name), None)
            if g is None:
                cells.append("—")
                continue
            share = g.flagged / g.n_accounts if g.n_accounts else 0.0
            if role == "campaign":
                if g.best_rank is None:
                    where = "no cluster"
                else:
                    where = f"#{g.best_rank}, {g.best_size} accts"
                cells.append(f"{g.jaccard:.3f} ({where}; {share:.0%} of {g.n_accounts} flagged)")
                values.append(g.jaccard)
            else:
                cells.append(f"{share:.1%} ({g.flagged}/{g.n_accounts})")
                values.append(share)
        mean = sum(values) / len(values) if values else 0.0
        rows.append([kind, group, *cells, f"{mean:.2f}" if role == "campaign" else _pct(mean)])
    return markdown_table(header, rows)


def _targets_table(results: list[SeedResult]) -> str:
    checks = [
        ("account F1", lambda r: f"{r.f1:.3f}", lambda r: r.f1 >= TARGET_F1),
        (
            "campaign best-cluster Jaccard (each)",
            lambda r: f"min {r.min_jaccard:.3f}",
            lambda r: r.min_jaccard >= TARGET_JACCARD,
        ),
        (
            "hard-negative accounts flagged (each group)",
            lambda r: f"max {r.max_hard_negative:.1%}",
            lambda r: r.max_hard_negative <= TARGET_HARD_NEGATIVE,
        ),
        (
            "every campaign ranks above every hard-negative cluster",
            lambda r: "yes" if r.ranking_ok else "no",
            lambda r: r.ranking_ok,
        ),
    ]
    header = ["quality target", "target", *(f"seed {r.seed}" for r in results), "met"]
    rows = [
        [
            name,
            TARGETS[name],
            *(show(r) for r in results),
            f"{sum(ok(r) for r in results)}/{len(results)} seeds",
        ]
        for name, show, ok in checks
    ]
    return markdown_table(header, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", default="100000", help="posts per seed, e.g. 100000 or 100k")
    parser.add_argument("--seeds", default="11,12,13", help="comma-separated synth seeds")
    parser.add_argument(
        "--min-score", type=float, default=0.0, help="count only clusters scoring at least this"
    )
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument(
        "--mix",
        default=None,
        help="synth mix of the seeds' inputs (default: the default; 'moments': issue 11's kinds)",
    )
    parser.add_argument(
        "--dir",
        default=None,
        help="score every input folder under this directory with its score.py "
        "(the project's --seeds are scored beside them)",
    )
    parser.add_argument(
        "--inputs", default=None, help="with --dir: comma-separated folder names (default: all)"
    )
    parser.add_argument(
        "--scan-arg",
        action="append",
        default=[],
        help="with --dir: extra option passed to scan (repeatable, e.g. --scan-arg=--max-p=1)",
    )
    parser.add_argument(
        "--keep", default=None, help="with --dir: keep each scan's JSON in this folder"
    )
    args = parser.parse_args(argv)
    if args.dir is not None:
        from dirscore import run_dir

        return run_dir(args)
    n_posts = parse_size(args.posts)
    seeds = [int(s) for s in args.seeds.split(",")]

    results = []
    for seed in seeds:
        print(f"# seed {seed}: {format_size(n_posts)} posts, mix {args.mix}", file=sys.stderr)
        results.append(_evaluate(seed, n_posts, args.min_score, args.mix))
    overlaps = [f"seed {r.seed}: {r.overlap}" for r in results]
    report = "\n\n".join(
        [
            "Targets:\n\n" + _targets_table(results),
            "Per seed:\n\n" + _seed_table(results),
            "Planted campaigns (Jaccard of the group's accounts with its best-matching "
            "cluster; that cluster's rank and size; share of the group's accounts flagged in "
            "any cluster):\n\n" + _kind_table(results, "campaign"),
            "Hard negatives (share of the group's accounts flagged):\n\n"
            + _kind_table(results, "hard_negative"),
            "Accounts in both a campaign and a hard-negative group (counted as campaign): "
            + ", ".join(overlaps)
            + ".",
        ]
    )
    print(report)
    if args.record:
        config = json.dumps(ScanConfig().to_dict(), ensure_ascii=False)
        body = "\n".join(
            [
                "Command:",
                "",
                f"    {command_line()}",
                "",
                f"Scan settings: default `ScanConfig` {config}; clusters counted: score >= "
                f"{args.min_score:g}; synth mix: {args.mix or 'default'}.",
                "",
                "Machine:",
                "",
                *machine_lines(machine()),
                "",
                report,
            ]
        )
        print(f"# recorded in {append_results('bench/quality.py', body)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
