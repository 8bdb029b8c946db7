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

import pytest
from conftest import flagged_by_group, planted

CROWDS = ("viral_phrase", "daily_hashtag")


@pytest.fixture(scope="module", params=[(60_000, 6), (100_000, 7)], ids=["60k", "100k"])
def scanned(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    n_posts, seed = request.param
    data = planted(n_posts, seed, ["rotating_pool", *CROWDS])
    return flagged_by_group(data, tmp_path_factory.mktemp("pool"))


@pytest.mark.xfail(strict=True, reason="issue 11: a rotating pool forms no candidate")
def test_a_rotating_pool_is_found(scanned) -> None:
    groups, flagged = scanned
    pool = groups["rotating_pool"]
    assert len(pool) >= 12
    assert len(pool & flagged) >= 0.9 * len(pool)


def test_the_crowds_beside_the_pool_are_not_reported(scanned) -> None:
    groups, flagged = scanned
    for kind in CROWDS:
        crowd = groups[kind]
        assert len(crowd) >= 30, kind
        assert len(crowd & flagged) <= 0.02 * len(crowd), kind
