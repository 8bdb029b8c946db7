"""Tests for campaign_detect.signals.bursts: pushes found, daily rhythms and steady tags not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import numpy as np
import polars as pl
import pytest
from conftest import make_posts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_detect.errors import InputError
from campaign_detect.schema import POST_SCHEMA, empty_posts
from campaign_detect.signals.bursts import BURST_SCHEMA, detect_bursts

T0 = datetime(2023, 9, 18, tzinfo=UTC)  # a UTC midnight: the data below covers whole days
DAYS = 14
_HOUR_US = 3_600_000_000
# relative posting rate per UTC hour (Jakarta is UTC+7: quiet 17-23 UTC, busy 5-15 UTC)
_DIURNAL = np.array(
    [
        *(1.8, 2.0, 2.2, 2.6, 2.5, 2.1, 2.0, 2.1, 2.4, 2.8, 3.2, 3.5),  # 00-11 UTC
        *(3.4, 2.8, 1.6, 0.8, 0.5, 0.3, 0.2, 0.3, 0.7, 1.2, 1.6, 1.8),  # 12-23 UTC
    ]
)


def _frame(
    accounts: list[str] | np.ndarray,
    times_us: np.ndarray,
    hashtags: list[list[str]],
    mentions: list[list[str]] | None = None,
    *,
    prefix: str,
) -> pl.DataFrame:
    """Post-schema rows built column-wise (make_posts is for hand-written rows)."""
    n = len(times_us)
    return pl.DataFrame(
        {
            "post_id": [f"{prefix}{i}" for i in range(n)],
            "account": list(accounts),
            "account_name": list(accounts),
            "ts": pl.Series(np.asarray(times_us, dtype=np.int64)).cast(pl.Datetime("us", "UTC")),
            "text": [""] * n,
            "hashtags": hashtags,
            "mentions": mentions if mentions is not None else [[] for _ in range(n)],
            "urls": [[] for _ in range(n)],
            "share_of": [None] * n,
            "platform": [None] * n,
            "file": ["test.csv"] * n,
            "row": list(range(1, n + 1)),
        },
        schema=POST_SCHEMA,
    )


def _us(t: datetime) -> int:
    return int(t.timestamp() * 1_000_000)


def _diurnal_times(rng: np.random.Generator, n: int, *, days: int = DAYS) -> np.ndarray:
    """`n` times over `days` whole days from T0, following the diurnal cycle."""
    hours = rng.choice(24 * days, size=n, p=np.tile(_DIURNAL, days) / (_DIURNAL.sum() * days))
    return _us(T0) + hours * _HOUR_US + rng.integers(0, _HOUR_US, n)


def _background(seed: int = 1, per_day: int = 1500, *, days: int = DAYS) -> pl.DataFrame:
    """Organic chatter: 5000 accounts, 300 tags of Zipf-like popularity, a few mentions."""
    rng = np.random.default_rng(seed)
    n = per_day * days
    tags = [f"tag{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301) ** 1.1
    picked = rng.choice(300, size=(n, 2), p=weights / weights.sum())
    n_tags = rng.integers(0, 3, n)
    hashtags = [[tags[j] for j in row[:k]] for row, k in zip(picked, n_tags, strict=True)]
    handles = [f"celeb{i}" for i in range(40)]
    mentions = [[handles[int(j)]] if j < 40 else [] for j in rng.integers(0, 200, n)]
    accounts = [f"user{i}" for i in rng.integers(0, 5000, n)]
    return _frame(accounts, _diurnal_times(rng, n, days=days), hashtags, mentions, prefix="bg")


def _push(
    tag: str,
    start: datetime,
    hours: float,
    *,
    accounts: int,
    per_account: int,
    seed: int,
    prefix: str,
    mention: str | None = None,
) -> pl.DataFrame:
    """`accounts` accounts each posting `tag` `per_account` times within `hours` of `start`."""
    rng = np.random.default_rng(seed)
    n = accounts * per_account
    times = _us(start) + rng.integers(0, int(hours * _HOUR_US), n)
    names = [f"{prefix}_acc{i % accounts}" for i in range(n)]
    mentions = [[mention] for _ in range(n)] if mention else None
    return _frame(names, times, [[tag] for _ in range(n)], mentions, prefix=prefix)


def _rows(bursts: pl.DataFrame, obj: str, kind: str = "hashtag") -> pl.DataFrame:
    return bursts.filter((pl.col("object") == obj) & (pl.col("kind") == kind))


# --- the fresh 24-hour push --------------------------------------------------------------
@pytest.fixture(scope="module")
def kami() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Background + a #KamiUMKMdiTikTok push + a rare tag's handful of posts."""
    start = T0 + timedelta(days=6, hours=3)
    push = _push(
        "kamiumkmditiktok",
        start,
        24,
        accounts=100,
        per_account=3,
        seed=2,
        prefix="kami",
        mention="jokowi",
    )
    # five accounts use a rare fresh tag within an hour: a handful, not a burst
    handful = _push(
        "arisankeluarga",
        T0 + timedelta(days=9),
        1,
        accounts=5,
        per_account=1,
        seed=3,
        prefix="rare",
    )
    posts = pl.concat([_background(), push, handful])
    return posts, push, detect_bursts(posts)


def test_fresh_24h_push_is_one_burst_with_its_accounts(kami):
    _, push, bursts = kami
    found = _rows(bursts, "kamiumkmditiktok")
    # no history: the tag's baseline is the data's floor, and 300 posts by 100 accounts in a
    # day is far above it at every scale; overlapping detections merge into a single row
    assert found.height == 1
    row = found.row(0, named=True)
    assert row["n_accounts"] == 100
    assert row["accounts"] == sorted(push["account"].unique().to_list())
    assert row["n_posts"] == 300
    assert row["start"] >= push["ts"].min()
    assert row["end"] <= push["ts"].max()
    assert row["strength"] >= 6.0
    assert len(row["scales"]) >= 2
    assert row["scale"] in row["scales"]
    # the mention target of the script bursts too: @jokowi is never mentioned otherwise
    assert _rows(bursts, "jokowi", "mention").height == 1


def test_rare_tag_handful_and_organic_tags_are_not_bursts(kami):
    _, _, bursts = kami
    # five posts of a rare tag are fewer than min_posts=10, however unusual for that tag
    assert _rows(bursts, "arisankeluarga").is_empty()
    # the organic background is stationary (the same diurnal cycle every day): none of its
    # 300 tags or 40 mention targets may burst
    organic = bursts.filter(pl.col("object").str.contains(r"^(tag|celeb)\d+$"))
    assert organic.is_empty(), organic.select("object", "start", "strength")


# --- the daily hashtag --------------------------------------------------------------------
def _daily(seed: int, *, days: int = DAYS) -> pl.DataFrame:
    """#selamatpagi every morning 05:00-08:00 Jakarta (22:00-01:00 UTC, across midnight) by a
    changing 20-40 % of 150 accounts; each day's morning is a fresh draw."""
    rng = np.random.default_rng(seed)
    frames = []
    for day in range(days + 1):
        lo = _us(T0 + timedelta(days=day, hours=-2))
        members = np.flatnonzero(rng.random(150) < rng.uniform(0.2, 0.4))
        times = lo + rng.integers(0, 3 * _HOUR_US, len(members))
        inside = (times >= _us(T0)) & (times < _us(T0 + timedelta(days=days)))
        frames.append(
            _frame(
                [f"pagi{m}" for m in members[inside]],
                times[inside],
                [["selamatpagi"] for _ in range(int(inside.sum()))],
                prefix=f"d{day}_",
            )
        )
    return pl.concat(frames)


def test_daily_morning_hashtag_is_not_a_burst():
    posts = pl.concat([_background(seed=4), _daily(seed=5)])
    bursts = detect_bursts(posts)
    # every morning holds 30-60 posts in 3 hours: far above the tag's daily mean per hour,
    # but exactly what its own same-hour-of-day history says, so no bin is surprising
    assert _rows(bursts, "selamatpagi").is_empty()


def test_daily_hashtag_used_at_an_unusual_hour_is_a_burst():
    # control for the test above: the same tag, plus 40 accounts posting it at 12:00 UTC on
    # one day, when it is never used; the morning rhythm does not hide an afternoon push
    extra = _push(
        "selamatpagi",
        T0 + timedelta(days=8, hours=12),
        1,
        accounts=40,
        per_account=1,
        seed=6,
        prefix="noon",
    )
    posts = pl.concat([_background(seed=4), _daily(seed=5), extra])
    found = _rows(detect_bursts(posts), "selamatpagi")
    assert found.height == 1
    row = found.row(0, named=True)
    assert set(extra["account"]) <= set(row["accounts"])
    # the strongest detection is the noon hour itself; the whole UTC day is unusual too (1d
    # scale), so the merged interval is that day, and no other day's morning is a burst
    assert row["scale"] in ("15m", "1h")
    assert T0 + timedelta(days=8) <= row["start"] <= row["end"] < T0 + timedelta(days=9)


# --- a steady popular hashtag, and a campaign riding it ---------------------------------
def _steady(seed: int, per_day: int = 600) -> pl.DataFrame:
    """#fyp: 600 posts a day from 3000 accounts, following the diurnal cycle."""
    rng = np.random.default_rng(seed)
    n = per_day * DAYS
    accounts = [f"fan{i}" for i in rng.integers(0, 3000, n)]
    return _frame(accounts, _diurnal_times(rng, n), [["fyp"] for _ in range(n)], prefix="fyp")


def test_steady_popular_hashtag_is_not_a_burst():
    bursts = detect_bursts(pl.concat([_background(seed=7), _steady(seed=8)]))
    # 600 posts a day with Poisson noise around the same daily cycle: no bin is a
    # one-in-a-million count under the tag's own history
    assert _rows(bursts, "fyp").is_empty()


def test_campaign_riding_a_popular_hashtag_is_found():
    start = T0 + timedelta(days=10, hours=9)  # a busy hour: ~35 organic #fyp posts per hour
    ride = _push("fyp", start, 2, accounts=60, per_account=2, seed=9, prefix="ride")
    bursts = detect_bursts(pl.concat([_background(seed=7), _steady(seed=8), ride]))
    found = _rows(bursts, "fyp")
    # 120 extra posts in two hours roughly doubles the tag's usual rate there; the burst
    # holds the riders (and the organic posts of the same bins, which it cannot tell apart)
    assert found.height == 1
    row = found.row(0, named=True)
    assert set(ride["account"]) <= set(row["accounts"])
    assert row["start"] <= ride["ts"].max()
    assert row["end"] >= ride["ts"].min()
    assert row["baseline"] > 1.0  # the baseline is the tag's own busy level, not a floor


# --- small hand-built cases ----------------------------------------------------------------
def test_one_account_posting_in_a_loop_is_not_a_burst():
    rows = [
        {"account": "spammer", "ts": T0 + timedelta(minutes=i), "text": "#promo murah"}
        for i in range(50)
    ]
    rows += [
        {"account": f"u{i}", "ts": T0 + timedelta(hours=i), "text": "#lain"} for i in range(72)
    ]
    # 50 posts in an hour, but one account: min_accounts=5 is not met
    assert _rows(detect_bursts(make_posts(rows)), "promo").is_empty()
    # with min_accounts=1 the same data is a burst: the count itself is far above baseline
    assert _rows(detect_bursts(make_posts(rows), min_accounts=1), "promo").height == 1


def test_empty_input_gives_empty_frame_with_schema():
    assert detect_bursts(empty_posts()).schema == pl.Schema(BURST_SCHEMA)
    rows = [{"account": "a", "ts": T0, "text": "no tags here"}]
    assert detect_bursts(make_posts(rows)).is_empty()


def test_lazy_input_and_row_order_do_not_change_the_output(kami):
    posts, _, bursts = kami
    shuffled = posts.sample(fraction=1.0, shuffle=True, seed=11)
    # object ids and every sort carry full tie-breaks, so the input order cannot leak out
    assert detect_bursts(shuffled.lazy()).equals(bursts)


def test_progress_is_reported_once_per_scale():
    calls = []
    detect_bursts(empty_posts(), scales=("1h", "1d"), progress=lambda *a: calls.append(a))
    assert calls == [("bursts", 0, 2), ("bursts", 2, 2)]
    posts = make_posts([{"account": "a", "ts": T0, "text": "#x"}])
    calls.clear()
    detect_bursts(posts, scales=("1h", "1d"), progress=lambda *a: calls.append(a))
    assert calls == [("bursts", 0, 2), ("bursts", 1, 2), ("bursts", 2, 2)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kinds": ("hashtag", "url")}, "kinds"),
        ({"scales": ("7m",)}, "divide a day"),  # 7 minutes do not tile a day
        ({"scales": ("36h",)}, "divide a day"),  # nor whole days
        ({"scales": ("soon",)}, "not a duration"),
        ({"scales": ()}, "at least one"),
        ({"min_posts": 0}, "at least 1"),
        ({"min_accounts": 0}, "at least 1"),
        ({"threshold": 0.0}, "positive"),
    ],
)
def test_bad_options_raise_input_error(options, message):
    with pytest.raises(InputError, match=message):
        detect_bursts(empty_posts(), **options)


def test_missing_column_raises_input_error():
    with pytest.raises(InputError, match="mentions"):
        detect_bursts(empty_posts().drop("mentions"))


# --- invariants over random small inputs ---------------------------------------------------
_EVENTS = st.lists(
    st.tuples(
        st.integers(0, 11),  # account
        st.integers(0, 3 * 24 * 60 - 1),  # minute within three days
        st.lists(st.sampled_from(["a", "b", "c"]), max_size=2),  # hashtags
        st.lists(st.sampled_from(["x", "y"]), max_size=1),  # mentions
    ),
    min_size=1,
    max_size=120,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=_EVENTS, dense=st.integers(0, 40), at=st.integers(0, 3 * 24 - 1))
def test_burst_invariants(events, dense, at):
    # add a dense patch of #a at a random hour so that many examples contain a burst
    events = events + [(k % 12, at * 60 + k % 60, ["a"], []) for k in range(dense)]
    accounts = [f"acc{e[0]}" for e in events]
    times = np.array([_us(T0) + e[1] * 60_000_000 for e in events])
    posts = _frame(accounts, times, [e[2] for e in events], [e[3] for e in events], prefix="p")
    bursts = detect_bursts(posts, min_posts=3, min_accounts=2, threshold=2.0)
    assert bursts.schema == pl.Schema(BURST_SCHEMA)
    keys = ["strength", "n_posts"]
    assert bursts.select(keys).rows() == sorted(
        bursts.select(keys).rows(), key=lambda r: (-r[0], -r[1])
    )
    long = pl.concat(
        posts.select("post_id", "account", "ts", pl.col(col).alias("object"), kind=pl.lit(kind))
        .explode("object")
        .drop_nulls("object")
        for col, kind in (("hashtags", "hashtag"), ("mentions", "mention"))
    ).unique(["kind", "object", "post_id"])
    for row in bursts.iter_rows(named=True):
        assert posts["ts"].min() <= row["start"] <= row["end"] <= posts["ts"].max()
        assert row["n_accounts"] <= row["n_posts"] == len(row["post_ids"])
        assert row["n_accounts"] >= 2
        assert row["n_posts"] >= 3
        assert row["scale"] in row["scales"]
        assert row["peak"] >= 1
        inside = long.filter(
            (pl.col("kind") == row["kind"])
            & (pl.col("object") == row["object"])
            & pl.col("ts").is_between(row["start"], row["end"])
        )
        # exactly the object's posts and accounts inside [start, end]
        assert row["accounts"] == sorted(set(inside["account"]))
        assert sorted(row["post_ids"]) == sorted(inside["post_id"])
    # merged bursts of one object never overlap
    for _, group in bursts.group_by("kind", "object"):
        spans = sorted(zip(group["start"], group["end"], strict=True))
        assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(spans))


def test_two_pushes_of_one_tag_are_two_bursts_each_with_its_own_posts():
    # the same tag pushed on day 3 and day 10, with a post id repeated in the second push
    first = _push(
        "serbu", T0 + timedelta(days=3), 2, accounts=30, per_account=2, seed=4, prefix="s1"
    )
    second = _push(
        "serbu", T0 + timedelta(days=10), 2, accounts=30, per_account=2, seed=5, prefix="s2"
    )
    second = pl.concat([second, second.head(1)])  # one post listed twice
    bursts = _rows(detect_bursts(pl.concat([_background(), first, second])), "serbu")
    assert bursts.height == 2
    early, late = bursts.sort("start").iter_rows(named=True)
    assert sorted(early["post_ids"]) == sorted(first["post_id"])
    assert sorted(late["post_ids"]) == sorted(second["post_id"].unique())
    assert late["n_posts"] == 60
    assert early["accounts"] == sorted(first["account"].unique())
    assert late["accounts"] == sorted(second["account"].unique())
