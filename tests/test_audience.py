"""The audience test (experimental, `campaign_detect.score.audience`): a cluster that is part
of a larger audience reacting at the same moments is explained by it; one whose pushed
object is its own, or shared with only a couple of leftover accounts, is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from conftest import make_posts

from campaign_detect.objects import object_rows
from campaign_detect.score.audience import audience_ratios

T0 = datetime(2023, 9, 20, 19, 0, tzinfo=UTC)
OBJECTS = ("hashtag", "mention", "url", "share", "text")


def _verdict(rows: list[dict], members: list[str]) -> str | None:
    return _audience(rows, members)["audience_verdict"]


def _audience(rows: list[dict], members: list[str]) -> dict:
    posts = make_posts(rows)
    clusters = pl.DataFrame(
        {"cluster": [0], "start": [T0], "end": [T0 + timedelta(hours=3)]},
        schema={
            "cluster": pl.UInt32,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
        },
    )
    membership = pl.DataFrame({"cluster": [0] * len(members), "account": members}).with_columns(
        pl.col("cluster").cast(pl.UInt32)
    )
    out = audience_ratios(
        posts,
        object_rows(posts, OBJECTS, (), 3),
        clusters,
        membership,
        window=timedelta(minutes=5),
    )
    return out.row(0, named=True)


def _moments(accounts: list[str], tag: str, moments: int, text: str) -> list[dict]:
    return [
        {
            "account": a,
            "ts": T0 + timedelta(minutes=20 * k + (i % 4)),
            "text": f"{text} {i} {k} #{tag}",
        }
        for k in range(moments)
        for i, a in enumerate(accounts)
    ]


def test_part_of_a_crowd_is_explained_by_the_rest_of_it() -> None:
    crowd = [f"fan{i}" for i in range(60)]
    rows = _moments(crowd, "derby", 5, "gol")
    assert _verdict(rows, crowd[:30]) == "crowd"


def _usual(accounts: list[str], tag: str, days: int = 6) -> list[dict]:
    """The accounts' everyday use of `tag` on the days before the window (one post a day
    each, at a different hour), outside the audience test's one-day block."""
    return [
        {
            "account": a,
            "ts": T0 - timedelta(days=2 + d, hours=i % 9, minutes=i % 50),
            "text": f"day {d} {i} #{tag}",
        }
        for d in range(days)
        for i, a in enumerate(accounts)
    ]


@pytest.mark.parametrize("size", [20, 60])
def test_a_cluster_alone_on_a_tag_used_every_day_is_not_a_crowd(size: int) -> None:
    ring = [f"ring{i}" for i in range(size)]
    regulars = [f"o{i}" for i in range(12)]
    others = [
        {"account": a, "ts": T0 + timedelta(hours=i), "text": "lunch #derby"}
        for i, a in enumerate(regulars)
    ]
    rows = _moments(ring, "derby", 5, "push") + others + _usual(regulars, "derby")
    assert _verdict(rows, ring) == "campaign"


def test_a_tag_nobody_used_before_cannot_show_who_came_for_the_moment() -> None:
    # the same ring and the same other users, but the tag has no life outside the window:
    # nothing shows that the ring came for the moment, so the repetition rule decides
    ring = [f"ring{i}" for i in range(20)]
    others = [
        {"account": f"o{i}", "ts": T0 + timedelta(hours=i), "text": "lunch #derby"}
        for i in range(12)
    ]
    assert _verdict(_moments(ring, "derby", 5, "push") + others, ring) is None


@pytest.mark.parametrize("size", [30, 90])
def test_a_push_at_the_moments_of_a_busy_tag_is_not_explained_by_its_audience(
    size: int,
) -> None:
    # a script pushed on #derby at the same moments as the tag's regulars react: the
    # members are as dense with the regulars as among themselves (rho near 1), but they
    # never post #derby otherwise, so their share of its posts is far above their usual
    fans = [f"fan{i}" for i in range(2 * size)]
    push = [f"push{i}" for i in range(size)]
    rows = (
        _moments(fans, "derby", 5, "gol")
        + _moments(push, "derby", 5, "script")
        + _usual(fans, "derby")
    )
    assert _verdict(rows, push) != "crowd"
    # hard negative: half of the regulars, reacting with the rest of them, is a crowd
    assert _verdict(rows, fans[:size]) == "crowd"


@pytest.mark.parametrize("size", [10, 24])
def test_a_few_coincidences_among_members_are_no_campaign(size: int) -> None:
    # accounts that each post a tag once over a few hours meet within the window only a
    # couple of times; with a handful of other posts of the tag near them, that nobody
    # else met them is no evidence that the tag is theirs
    members = [f"m{i}" for i in range(size)]
    rows = [
        {"account": a, "ts": T0 + timedelta(minutes=(37 * i) % 180), "text": f"x {i} #curhat"}
        for i, a in enumerate(members)
    ]
    rows += [
        {"account": f"o{i}", "ts": T0 + timedelta(minutes=11 + 43 * i), "text": "y #curhat"}
        for i in range(4)
    ]
    rows += _usual([f"o{i}" for i in range(40)], "curhat")
    assert _verdict(rows, members) != "campaign"
    # hard negative: the same accounts posting it within minutes of each other
    burst = [
        {"account": a, "ts": T0 + timedelta(seconds=20 * i), "text": f"x {i} #curhat"}
        for i, a in enumerate(members)
    ]
    assert _verdict(burst + rows[size:], members) == "campaign"


def test_the_figures_behind_a_verdict_count_the_audience_and_the_usual_share() -> None:
    # half of a tag's regulars reacting with the other half and with a push at the same
    # moments: the other accounts are the other regulars and the push, and the members'
    # share of the tag elsewhere is their half of its everyday posts
    fans = [f"fan{i}" for i in range(40)]
    push = [f"push{i}" for i in range(20)]
    rows = (
        _moments(fans, "derby", 5, "gol")
        + _moments(push, "derby", 5, "script")
        + _usual(fans, "derby")
    )
    crowd = _audience(rows, fans[:20])
    assert crowd["audience_verdict"] == "crowd"
    assert crowd["audience_object"] == "hashtag:derby"
    assert crowd["audience_other_accounts"] == 40
    assert crowd["audience_other_posts"] == 200
    assert crowd["audience_member_posts"] == 100
    assert crowd["audience_share_elsewhere"] == pytest.approx(0.5)
    # hard negative: the push never posts #derby otherwise, and its figures say so
    pushed = _audience(rows, push)
    assert pushed["audience_verdict"] != "crowd"
    assert pushed["audience_other_accounts"] == 40
    assert pushed["audience_member_posts"] == 100
    assert pushed["audience_share_elsewhere"] == 0.0


def test_two_leftover_accounts_are_no_audience() -> None:
    push = [f"acct{i}" for i in range(40)]
    rows = _moments(push, "freshtag", 4, "script")
    # the cluster holds 38 of the 40: the two others act like them, but are no audience
    assert _verdict(rows, push[:38]) != "crowd"


@pytest.mark.parametrize("size", [20, 60])
def test_the_rest_of_an_operation_is_not_the_audience_of_its_part(size: int) -> None:
    # one operation tagging @admin.slot on the busy #derby in two waves at the same moments,
    # each wave its own cluster: the other wave co-posts with this one as densely as it
    # does within itself, but it is no audience (it came to #derby with the same target,
    # and posts neither anywhere else); the tag's regulars, who use it every day, are
    regulars = [f"fan{i}" for i in range(12)]
    others = [
        {"account": a, "ts": T0 + timedelta(hours=i), "text": "lunch #derby"}
        for i, a in enumerate(regulars)
    ]
    wave = [f"push{i}" for i in range(2 * size)]
    rows = _moments(wave, "derby", 5, "gacor @admin.slot") + others + _usual(regulars, "derby")
    assert _verdict(rows, wave[:size]) == "campaign"


@pytest.mark.parametrize("size", [30, 90])
def test_newcomers_joining_a_crowd_on_its_usual_tag_leave_it_a_crowd(size: int) -> None:
    # hard negative, the mirror case: the tag's regulars react at the moments with the
    # same two tags as newcomers who never post them otherwise; the members hold their
    # usual share of #derby, so the newcomers are its audience too and half of the
    # regulars is still a crowd
    fans = [f"fan{i}" for i in range(2 * size)]
    newcomers = [f"new{i}" for i in range(size)]
    rows = (
        _moments(fans, "derby", 5, "gol #final")
        + _moments(newcomers, "derby", 5, "gol #final")
        + _usual(fans, "derby")
    )
    assert _verdict(rows, fans[:size]) == "crowd"
