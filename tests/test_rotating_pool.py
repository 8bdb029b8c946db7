"""One pool of accounts rotating its few active members over many episodes (issue 11,
eval-dev's low-and-slow kind): a known gap, kept as a strict expected failure.

Each episode is a different quarter to two fifths of a 15-25-account pool posting one
message on a busy tag within five minutes, about every other day, so each pair of members
meets once or twice: no co-action edge passes the chance test, the episodes are too small
for a burst, and the pool forms no candidate (`docs/quality-notes.md`, "Low-and-slow pools
are invisible edge by edge"). The test flips to a failure (XPASS) the day the detector
finds the pool, so that whoever fixes it makes it a plain assertion. The crowds beside it
(a meme reposted for days, a daily greeting) must stay unreported whatever changes.
"""

from __future__ import annotations

import polars as pl
import pytest
from conftest import planted

from campaign_detect import scan
from campaign_detect.synth import write

CROWDS = ("viral_phrase", "daily_hashtag")


@pytest.fixture(scope="module", params=[(60_000, 6), (100_000, 7)], ids=["60k", "100k"])
def scanned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    n_posts, seed = request.param
    data = planted(n_posts, seed, ["rotating_pool", *CROWDS])
    path = write(data, tmp_path_factory.mktemp("pool"), fmt="parquet")["posts"]
    truth = data.truth.with_columns(pl.col("account").str.to_lowercase())
    flagged = set(scan(str(path)).members["account"].str.to_lowercase())
    return truth, flagged


def _group(truth: pl.DataFrame, kind: str) -> set[str]:
    return set(truth.filter(pl.col("group") == kind)["account"])


@pytest.mark.xfail(strict=True, reason="issue 11: a rotating pool forms no candidate")
def test_a_rotating_pool_is_found(scanned) -> None:
    truth, flagged = scanned
    pool = _group(truth, "rotating_pool")
    assert len(pool) >= 12
    assert len(pool & flagged) >= 0.9 * len(pool)


def test_the_crowds_beside_the_pool_are_not_reported(scanned) -> None:
    truth, flagged = scanned
    for kind in CROWDS:
        crowd = _group(truth, kind)
        assert len(crowd) >= 30, kind
        assert len(crowd & flagged) <= 0.02 * len(crowd), kind
