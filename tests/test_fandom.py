"""A fandom with a comeback burst (issue 11): heavy, daily users of the same five fan tags,
all posting at once in the hours after a release, are an organic crowd and are not
reported, while script pushes planted in the same traffic still are.

The fans' co-posting at the release is explained by everyone else who posted the release
tag then (the rest of the fandom); on their everyday fan tags the same comparison is diluted
by the other fans' everyday posts, so it is the release tag that shows the moment
(`campaign_detect.score.audience`, `docs/quality-notes.md`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import flagged_by_group, planted

CAMPAIGNS = ("small_script", "tagstack_flood")


@pytest.mark.parametrize(("n_posts", "seed"), [(30_000, 5), (60_000, 6)])
def test_fandom_is_not_reported_and_the_pushes_beside_it_are(
    tmp_path: Path, n_posts: int, seed: int
) -> None:
    groups, flagged = flagged_by_group(
        planted(n_posts, seed, ["fandom_comeback", *CAMPAIGNS]), tmp_path
    )
    fans = groups["fandom_comeback"]
    assert len(fans) >= 50
    assert len(fans & flagged) <= 0.02 * len(fans)
    for kind in CAMPAIGNS:
        accounts = groups[kind]
        assert len(accounts & flagged) >= 0.9 * len(accounts), kind
