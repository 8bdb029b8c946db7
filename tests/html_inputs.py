"""Inputs shared by the HTML report tests: the bundled sample, and the same sample in which
the planted script push (a ring of 16 accounts) posts hostile text."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "fixtures" / "kami_umkm_sample.csv"
TRUTH = ROOT / "fixtures" / "kami_umkm_truth.csv"

#: each would run a script, or navigate, if the page ever treated post text as markup
HOSTILE = (
    "<script>window.__pwned=1;alert(1)</script>",
    '"><img src=x onerror="window.__pwned=1;alert(1)">',
    "javascript:window.__pwned=1;alert(1)",
)


def hostile_input(directory: Path) -> Path:
    """The sample with every post of the script-push ring ending in one of `HOSTILE`, in
    turn, so that the ring's cluster (rank 1) shows them among the posts behind its links."""
    with TRUTH.open(encoding="utf-8") as f:
        ring = {r["account"] for r in csv.DictReader(f) if r["group"] == "script_push"}
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    i = 0
    for row in rows:
        if row["username"] in ring:
            row["video_description"] += " " + HOSTILE[i % len(HOSTILE)]
            i += 1
    path = directory / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
