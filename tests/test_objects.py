"""Co-action on any object, end to end: a ring whose only shared objects are in an
``--object`` column, in a file with no text, is found, tested and explained."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
from click.testing import CliRunner

from campaign_detect.cli import cli

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _posts(seed: int) -> pl.DataFrame:
    """Eight ring accounts using the same fresh sound within a minute of each other, eight
    rounds on different days; 300 other accounts using popular sounds at their own times."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(8):
        start = T0 + timedelta(days=int(rng.integers(0, 20)), hours=int(rng.integers(6, 22)))
        for k in range(8):
            rows.append((f"ring{k}", start + timedelta(seconds=int(rng.integers(0, 60))), f"s{r}"))
    for i in range(300):
        for _ in range(int(rng.integers(2, 12))):
            t = T0 + timedelta(seconds=int(rng.integers(0, 21 * 86_400)))
            rows.append((f"user{i}", t, f"popular{int(rng.zipf(1.6)) % 40}"))
    return pl.DataFrame(
        {
            "post_id": [str(i) for i in range(len(rows))],
            "author": [r[0] for r in rows],
            "created": [r[1].isoformat() for r in rows],
            "sound_id": [r[2] for r in rows],
        }
    )


def _scan(tmp_path, seed: int, *extra: str) -> tuple[dict, str]:
    path = tmp_path / f"sounds{seed}.csv"
    _posts(seed).write_csv(path)
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            str(path),
            "--object",
            "sound_id",
            "--account-col",
            "author",
            "--time-col",
            "created",
            "--format",
            "json",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_a_ring_sharing_only_an_object_column_is_reported_and_tested(tmp_path):
    for seed in (1, 2):
        doc, stderr = _scan(tmp_path, seed)
        assert "template signal is off" in stderr
        assert doc["signals"]["notices"] == [doc["signals"]["notices"][0]]
        assert doc["clusters"], f"seed {seed}: the ring was not reported"
        first = doc["clusters"][0]
        assert set(first["accounts"]) == {f"ring{k}" for k in range(8)}
        assert first["significance"]["p_adjusted"] < 0.05
        assert "the same sound_id values" in first["evidence"]["explanation"]
        # the popular sounds' users are no campaign
        flagged = {a for c in doc["clusters"] for a in c["accounts"]}
        assert not any(a.startswith("user") for a in flagged)


def test_without_the_object_column_the_ring_is_invisible(tmp_path):
    path = tmp_path / "sounds.csv"
    _posts(1).write_csv(path)
    result = CliRunner().invoke(
        cli,
        ["scan", str(path), "--account-col", "author", "--time-col", "created", "--format", "json"],
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["clusters"] == []
