"""Tests of the synthetic generator: determinism, sizes, truth consistency, the bundled sample."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from campaign_detect.errors import InputError
from campaign_detect.synth import (
    CAMPAIGN_KINDS,
    HARD_NEGATIVE_KINDS,
    KINDS,
    MOMENT_KINDS,
    SynthData,
    generate,
    kami_sample,
    to_tiktok_research,
    write,
    write_sample,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
N = 5_000


@pytest.fixture(scope="module")
def data() -> SynthData:
    return generate(N, seed=3)


def _planted_posts(d: SynthData) -> pl.DataFrame:
    return d.posts.join(d.planted, on="post_id")


def test_schema_and_order(data: SynthData) -> None:
    posts = data.posts
    assert posts.schema == pl.Schema(
        {
            "post_id": pl.String,
            "account": pl.String,
            "created_at": pl.Datetime("us", "UTC"),
            "text": pl.String,
            "share_of": pl.String,
            "platform": pl.String,
            "music_id": pl.String,
        }
    )
    assert posts["post_id"].is_unique().all()
    # sorted by (created_at, post_id), as documented
    assert posts.equals(posts.sort("created_at", "post_id"))
    # every post lies in the 14-day period starting 2023-09-18 UTC
    begin = datetime(2023, 9, 18, tzinfo=UTC)
    assert posts["created_at"].min() >= begin
    assert posts["created_at"].max() < begin + timedelta(days=14)
    assert posts["account"].null_count() == 0
    assert posts["text"].null_count() == 0


def test_reposts_point_to_earlier_existing_posts(data: SynthData) -> None:
    reposts = data.posts.filter(pl.col("share_of").is_not_null())
    original = data.posts.select(
        pl.col("post_id").alias("share_of"), pl.col("created_at").alias("t0")
    )
    joined = reposts.join(original, on="share_of", how="left")
    # a repost always refers to a post in the data, posted no later than the repost itself
    assert joined["t0"].null_count() == 0
    assert (joined["created_at"] >= joined["t0"]).all()
    # organic reposts are a small share (~5 %) plus the planted cascades
    assert 0.02 < reposts.height / data.posts.height < 0.2


@pytest.mark.parametrize(("n", "kinds"), [(2_500, None), (7_000, ["fandom"]), (1_000, [])])
def test_n_posts_is_exact(n: int, kinds: list[str] | None) -> None:
    # the organic background fills up whatever the planted groups leave, so n is exact
    assert generate(n, seed=5, kinds=kinds).posts.height == n


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    for fmt in ("csv", "parquet", "jsonl"):
        a = write(generate(2_500, seed=11), tmp_path / f"a_{fmt}", fmt=fmt)
        b = write(generate(2_500, seed=11), tmp_path / f"b_{fmt}", fmt=fmt)
        assert a.keys() == b.keys() == {"posts", "truth", "planted", "groups"}
        for key in a:
            assert a[key].read_bytes() == b[key].read_bytes(), (fmt, key)


def test_different_seed_gives_different_data() -> None:
    a, b = generate(2_500, seed=1), generate(2_500, seed=2)
    assert not a.posts.equals(b.posts)
    assert set(a.truth["account"]) != set(b.truth["account"])
    # the fresh script hashtag, the window and the sizes are drawn per seed, too
    ga, gb = (g.filter(pl.col("kind") == "script_push") for g in (a.groups, b.groups))
    assert (ga["start"].item(), ga["n_accounts"].item()) != (
        gb["start"].item(),
        gb["n_accounts"].item(),
    )


def test_written_csv_is_readable_by_common_names(tmp_path: Path) -> None:
    d = generate(2_000, seed=4, kinds=["script_push"])
    paths = write(d, tmp_path)
    back = pl.read_csv(
        paths["posts"], schema_overrides={"post_id": pl.String, "music_id": pl.String}
    )
    assert back.columns == [
        "post_id",
        "account",
        "created_at",
        "text",
        "share_of",
        "platform",
        "music_id",
    ]
    assert back["created_at"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").all()
    parsed = back["created_at"].str.to_datetime(
        "%Y-%m-%dT%H:%M:%SZ", time_zone="UTC", time_unit="us"
    )
    assert parsed.equals(d.posts["created_at"], check_names=False)
    assert back["text"].equals(d.posts["text"])


def test_groups_truth_and_planted_agree(data: SynthData) -> None:
    assert sorted(data.groups["group"]) == sorted(KINDS)
    roles = dict(zip(data.groups["kind"], data.groups["role"], strict=True))
    assert {k for k, r in roles.items() if r == "campaign"} == set(CAMPAIGN_KINDS)
    assert {k for k, r in roles.items() if r == "hard_negative"} == set(HARD_NEGATIVE_KINDS)
    planted = _planted_posts(data)
    per_group = planted.group_by("group").agg(
        pl.len().alias("posts"),
        pl.col("account").n_unique().alias("accounts"),
        pl.col("created_at").min().alias("first"),
        pl.col("created_at").max().alias("last"),
    )
    check = data.groups.join(per_group, on="group")
    assert check.height == data.groups.height
    assert (check["n_posts"] == check["posts"]).all()
    assert (check["n_accounts"] == check["accounts"]).all()
    assert (check["start"] == check["first"]).all()
    assert (check["end"] == check["last"]).all()
    truth_sizes = data.truth.group_by("group").len()
    assert (
        check.join(truth_sizes, on="group")
        .select(pl.col("len") == pl.col("n_accounts"))
        .to_series()
        .all()
    )
    # at a few thousand posts every group keeps at least 8 accounts
    assert data.groups["n_accounts"].min() >= 8


def test_every_truth_account_posts_in_its_window(data: SynthData) -> None:
    planted = _planted_posts(data).join(data.groups.select("group", "start", "end"), on="group")
    inside = planted.filter(pl.col("created_at").is_between(pl.col("start"), pl.col("end")))
    have = inside.select("account", "group").unique()
    # each (account, group) membership has at least one post of the group in the group's window
    assert data.truth.join(have, on=["account", "group"], how="anti").height == 0
    # and planted posts are only made by listed members
    assert planted.join(data.truth, on=["account", "group"], how="anti").height == 0


def test_campaign_accounts_also_post_organically(data: SynthData) -> None:
    campaign = data.truth.filter(pl.col("role") == "campaign")
    organic = data.posts.join(data.planted, on="post_id", how="anti")
    # no shortcut "every post of this account is campaign": each member has ordinary posts too
    assert campaign.join(organic.select("account").unique(), on="account", how="anti").height == 0
    # campaign rings are disjoint from each other and from the hard negatives
    assert campaign["account"].is_unique().all()
    hard = data.truth.filter(pl.col("role") == "hard_negative")
    assert set(campaign["account"]).isdisjoint(hard["account"])


def test_groups_carry_their_hashtags_and_targets(data: SynthData) -> None:
    planted = _planted_posts(data).with_columns(pl.col("text").str.to_lowercase().alias("low"))
    for row in data.groups.iter_rows(named=True):
        texts = planted.filter(pl.col("group") == row["group"])["low"]
        for tag in row["hashtags"]:
            # every hashtag listed for a group occurs in that group's posts
            assert texts.str.contains("#" + tag, literal=True).any(), (row["group"], tag)
        if row["kind"] in ("script_push", "hashtag_flood", "news_burst", "daily_hashtag"):
            # the group's own hashtag is on every post it planted
            main = "#" + row["hashtags"][0]
            assert texts.str.contains(main, literal=True).all(), row["group"]
    push = data.groups.filter(pl.col("kind") == "script_push").row(0, named=True)
    push_texts = planted.filter(pl.col("group") == "script_push")["low"]
    assert push_texts.str.contains("@" + push["target"], literal=True).all()


def test_script_is_paraphrased_but_copypasta_is_copied(data: SynthData) -> None:
    planted = _planted_posts(data)
    push = planted.filter(pl.col("group") == "script_push")
    # paraphrases: (almost) no two script posts are the same text, yet they share the script
    assert push["text"].n_unique() >= 0.95 * push.height
    assert push.group_by("account").len()["len"].is_between(2, 4).all()
    assert (push["created_at"].max() - push["created_at"].min()) <= timedelta(hours=24)
    ring = planted.filter(pl.col("group") == "copypasta_ring")
    # most ring posts repeat a text verbatim, and repeats fall within 15 minutes of each other
    counts = ring.group_by("text").agg(
        pl.len(), (pl.col("created_at").max() - pl.col("created_at").min()).alias("spread")
    )
    repeated = counts.filter(pl.col("len") >= 2)
    assert repeated["len"].sum() >= 0.6 * ring.height
    assert (repeated["spread"] <= timedelta(minutes=15)).all()


def test_flood_is_short_dense_and_lingers(data: SynthData) -> None:
    flood = _planted_posts(data).filter(pl.col("group") == "hashtag_flood")
    tag = "#" + data.groups.filter(pl.col("kind") == "hashtag_flood")["hashtags"][0][0]
    # each flood account posts at least 6 short tag-stacked posts
    assert flood.group_by("account").len()["len"].min() >= 6
    stacked = flood["text"].str.count_matches(r"#\w+")
    assert (stacked >= 3).mean() > 0.8
    # after the flood the tag is also used by accounts outside the group (hard for
    # "every account that used the hashtag" shortcuts)
    users = data.posts.filter(pl.col("text").str.to_lowercase().str.contains(tag, literal=True))
    outsiders = users.join(
        data.truth.filter(pl.col("group") == "hashtag_flood"), on="account", how="anti"
    )
    assert outsiders.height > 0


def test_hard_negatives_have_no_repeated_coaction(data: SynthData) -> None:
    planted = _planted_posts(data)
    viral = planted.filter(pl.col("group") == "viral_phrase")
    # the meme is copied by many accounts, each once or twice: no ring posting it again and again
    assert viral.group_by("account").len()["len"].max() <= 2
    cascade = planted.filter(pl.col("group") == "share_cascade")
    # a share cascade is one post and its reposts
    assert cascade["share_of"].null_count() == 1
    assert cascade["share_of"].drop_nulls().n_unique() == 1


def test_organic_background_is_heavy_tailed_and_diurnal() -> None:
    posts = generate(20_000, seed=9, kinds=[]).posts
    per_account = posts.group_by("account").len()["len"]
    # most accounts post once or twice, a few post a lot
    assert (per_account <= 2).mean() > 0.6
    assert per_account.max() >= 50
    local_hour = posts["created_at"].dt.convert_time_zone("Asia/Jakarta").dt.hour()
    # nights in Jakarta are quieter than evenings
    assert (local_hour == 3).sum() * 4 < (local_hour == 20).sum()
    # organic texts are not near-duplicates except short generic ones by chance
    originals = posts.filter(pl.col("share_of").is_null())
    long_texts = originals.filter(pl.col("text").str.len_chars() > 60)["text"]
    assert long_texts.is_duplicated().mean() < 0.01
    assert posts["text"].str.contains("https://", literal=True).mean() > 0.02
    assert posts["text"].str.contains("@", literal=True).mean() > 0.03


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_daily_hashtag_is_even_across_days(seed: int) -> None:
    # a daily greeting is a hard negative only if it looks like a habit, not a burst: at
    # 100k posts the group has 100-250 members, so day-to-day noise stays well under 1.5x
    d = generate(100_000, seed=seed, kinds=["daily_hashtag"])
    posts = d.posts.join(d.planted, on="post_id")
    local_hour = posts["created_at"].dt.convert_time_zone("Asia/Jakarta").dt.hour()
    # always the same local hours: 05:00-08:00 in Jakarta
    assert set(local_hour) <= {5, 6, 7}
    per_day = posts.group_by(pl.col("created_at").dt.date()).len()["len"]
    # used on every one of the 14 (UTC) days
    assert per_day.len() == 14
    median = per_day.median()
    # each UTC day holds the last third of one Jakarta morning (00-01 UTC) and the first two
    # thirds of the next (22-24 UTC), the first and last days included, so no day stands out
    # (the first day was once 2x: its morning squeezed into one hour on top of the next) ...
    assert per_day.max() <= 1.5 * median
    # ... and none is short of a morning
    assert per_day.min() >= 0.5 * median


def test_kinds_subset_keeps_each_group() -> None:
    alone = generate(3_000, seed=8, kinds=["low_and_slow"])
    assert alone.groups["group"].to_list() == ["low_and_slow"]
    both = generate(3_000, seed=8, kinds=["low_and_slow", "fandom"])
    # each group draws from its own random stream: adding another kind does not change it
    cols = ["hashtags", "n_posts", "description"]
    assert alone.groups.select(cols).equals(
        both.groups.filter(pl.col("group") == "low_and_slow").select(cols)
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_posts": 500}, "too small"),
        ({"n_posts": 0}, "at least 1"),
        ({"kinds": ["astroturf"]}, "unknown kind"),
        ({"start": "2023-09-18T00:00:00"}, "time zone"),
        ({"start": "yesterday"}, "ISO 8601"),
        ({"days": 1}, "days"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        generate(**{"n_posts": 3_000, **kwargs})


def test_sample_fixture_is_fresh(tmp_path: Path) -> None:
    # the files in fixtures/ are exactly what the generator writes now (rerun
    # fixtures/make_sample.py after an intended change)
    fresh = write_sample(kami_sample(), tmp_path)
    for key, name in (("posts", "kami_umkm_sample.csv"), ("truth", "kami_umkm_truth.csv")):
        assert fresh[key].read_bytes() == (FIXTURES / name).read_bytes(), name


def test_sample_shape() -> None:
    sample = kami_sample()
    assert 300 <= sample.posts.height <= 1_500
    push = sample.groups.filter(pl.col("kind") == "script_push").row(0, named=True)
    assert push["hashtags"] == ["kamiumkmditiktok"]
    assert push["target"] == "jokowi"
    tiktok = to_tiktok_research(sample.posts)
    assert tiktok.columns == [
        "id", "username", "create_time", "video_description", "region_code", "music_id", "share_of",
    ]  # fmt: skip
    assert tiktok["create_time"].dtype == pl.Int64
    assert set(tiktok["region_code"]) <= {"ID", "MY", "SG", "US"}
    # both campaigns and hard negatives are in the sample
    assert set(sample.truth["role"]) == {"campaign", "hard_negative"}


# --- the opt-in "moments" mix (issue 11) ------------------------------------------------


def test_default_mix_is_the_twelve_kinds() -> None:
    # the new kinds are opt-in: the default (and mix="default") builds exactly the old ones
    default = generate(3_000, seed=4)
    named = generate(3_000, seed=4, mix="default")
    assert default.posts.equals(named.posts)
    assert sorted(default.groups["kind"]) == sorted(KINDS)
    assert not set(MOMENT_KINDS) & set(KINDS)
    with pytest.raises(InputError, match="unknown mix"):
        generate(3_000, mix="busy")
    with pytest.raises(InputError, match="not both"):
        generate(3_000, mix="moments", kinds=["fandom"])


@pytest.fixture(scope="module", params=[(30_000, 21), (100_000, 22)], ids=["30k", "100k"])
def moments(request: pytest.FixtureRequest) -> SynthData:
    n, seed = request.param
    return generate(n, seed=seed, mix="moments")


def _group(d: SynthData, kind: str) -> tuple[pl.DataFrame, dict]:
    meta = d.groups.filter(pl.col("kind") == kind).row(0, named=True)
    return _planted_posts(d).filter(pl.col("group") == meta["group"]), meta


def _local(col: str = "created_at") -> pl.Expr:
    return pl.col(col).dt.convert_time_zone("Asia/Jakarta")


def test_moments_mix_has_every_kind(moments: SynthData) -> None:
    assert set(moments.groups["kind"]) == set(KINDS) | set(MOMENT_KINDS)
    roles = dict(zip(moments.groups["kind"], moments.groups["role"], strict=True))
    assert {k for k in MOMENT_KINDS if roles[k] == "campaign"} == {
        "target_hijack",
        "paraphrase_push",
        "tag_rotation",
        "tagstack_flood",
        "small_script",
    }


def test_live_match_reacts_to_moments_with_a_wider_audience(moments: SynthData) -> None:
    posts, meta = _group(moments, "live_match")
    match_tag = "#" + meta["hashtags"][0]
    during = posts.filter(pl.col("text").str.to_lowercase().str.contains(match_tag, literal=True))
    # the reactions fit in one evening (a 105-minute match plus the last reactions)
    assert during["created_at"].max() - during["created_at"].min() <= timedelta(hours=3)
    # they come in spikes: the busiest two minutes hold far more than an even spread would
    span = (during["created_at"].max() - during["created_at"].min()).total_seconds()
    per_2 = during.group_by(pl.col("created_at").dt.truncate("2m")).len()["len"]
    assert per_2.max() >= 5 * during.height / (span / 120)
    # fans react in proportion to how active they are: some once, some many times
    per_fan = during.group_by("account").len()["len"]
    assert per_fan.min() == 1
    assert per_fan.max() >= 4
    # the tag's audience is larger than the group: outsiders react too ...
    everyone = moments.posts.filter(
        pl.col("text").str.to_lowercase().str.contains(match_tag, literal=True)
    )
    assert everyone.height > during.height
    # ... and the fans use the club tag on other days as well
    club = "#" + meta["hashtags"][1]
    other_days = posts.filter(
        pl.col("text").str.to_lowercase().str.ends_with(club)
        & (pl.col("created_at").dt.date() != during["created_at"].min().date())
    )
    assert other_days.height > 0


def test_weekly_greeting_is_one_weekday_morning(moments: SynthData) -> None:
    posts, _ = _group(moments, "weekly_greeting")
    local = posts.select(_local().alias("t"))["t"]
    # always Friday, 04:30-09:00 Jakarta time
    assert set(local.dt.weekday()) == {5}
    minutes = local.dt.hour().cast(pl.Int32) * 60 + local.dt.minute().cast(pl.Int32)
    assert minutes.min() >= 4 * 60 + 30
    assert minutes.max() < 9 * 60
    # on every Friday of the period (two in 14 days), by a changing part of the pool
    days = posts.with_columns(local.dt.date().alias("d")).group_by("d").agg("account")
    assert days.height == 2
    first, second = (set(a) for a in days.sort("d")["account"])
    assert first != second
    assert first & second


def test_fandom_posts_daily_and_bursts_at_the_comeback(moments: SynthData) -> None:
    posts, meta = _group(moments, "fandom_comeback")
    per_day = posts.group_by(pl.col("created_at").dt.date()).len()["len"]
    assert per_day.len() == 14  # every day
    assert per_day.max() >= 2.5 * per_day.median()  # and a burst on the release day
    song = "#" + meta["hashtags"][-1]
    burst = posts.filter(pl.col("text").str.to_lowercase().str.contains(song, literal=True))
    # most fans are there at once
    assert burst["account"].n_unique() >= 0.6 * meta["n_accounts"]
    # heavy users: far more posts per fan than a typical account
    assert posts.height / meta["n_accounts"] >= 10


def test_giveaway_and_sellers_are_busy_but_independent(moments: SynthData) -> None:
    give, meta = _group(moments, "giveaway")
    assert give.group_by("account").len()["len"].max() == 1  # one entry each
    assert give["text"].str.contains("@" + meta["target"], literal=True).all()
    sellers, meta = _group(moments, "power_sellers")
    assert sellers.height / meta["n_accounts"] >= 14  # at least one promotion a day each
    # each seller writes about their own product, so texts barely repeat across sellers
    shared = sellers.group_by("text").agg(pl.col("account").n_unique().alias("n"))
    assert (shared["n"] > 1).mean() < 0.2


def test_target_hijack_is_a_small_share_of_a_popular_tag(moments: SynthData) -> None:
    posts, meta = _group(moments, "target_hijack")
    tag = "#" + meta["hashtags"][0]
    assert posts["text"].str.contains("@" + meta["target"], literal=True).all()
    assert posts["text"].str.to_lowercase().str.contains(tag, literal=True).all()
    assert posts.group_by("account").len()["len"].max() <= 2  # once or twice each
    assert posts["created_at"].max() - posts["created_at"].min() <= timedelta(hours=8)
    tag_posts = moments.posts.filter(pl.col("text").str.to_lowercase().str.contains(tag + r"\b"))
    assert posts.height < 0.3 * tag_posts.height  # hidden inside busy traffic


def _word_jaccard(texts: list[str]) -> float:
    words = [
        {w for w in t.lower().replace(".", " ").split() if not w.startswith(("#", "@"))}
        for t in texts
    ]
    pairs = [(a, b) for i, a in enumerate(words) for b in words[i + 1 :]]
    return sum(len(a & b) / len(a | b) for a, b in pairs) / len(pairs)


def test_paraphrase_push_shares_a_target_not_words(moments: SynthData) -> None:
    posts, meta = _group(moments, "paraphrase_push")
    assert posts["text"].str.contains("@" + meta["target"], literal=True).all()
    assert posts["created_at"].max() - posts["created_at"].min() <= timedelta(hours=12)
    # two posts of the push share few words (a script push shares many more)
    sample = posts.head(60)["text"].to_list()
    assert _word_jaccard(sample) < 0.25
    script, _ = _group(moments, "script_push")
    assert _word_jaccard(script.head(60)["text"].to_list()) > _word_jaccard(sample)


def test_tag_rotation_is_one_pool_over_several_tags(moments: SynthData) -> None:
    posts, meta = _group(moments, "tag_rotation")
    days = posts.group_by(pl.col("created_at").dt.date().alias("d")).agg("account", "text")
    assert days.height >= 4
    # each day a different part of the one pool ...
    crowds = [set(a) for a in days["account"]]
    assert all(len(c) < meta["n_accounts"] for c in crowds)
    assert len(set().union(*crowds)) == meta["n_accounts"]
    # ... with its own tag next to the thread tag
    thread = "#" + meta["hashtags"][0]
    assert posts["text"].str.to_lowercase().str.contains(thread, literal=True).mean() > 0.4
    assert len(set(meta["hashtags"][1:])) >= 3


def test_tagstack_flood_is_two_waves_of_short_stacked_posts(moments: SynthData) -> None:
    posts, meta = _group(moments, "tagstack_flood")
    per_account = posts.group_by("account").len()["len"]
    assert per_account.min() >= 6  # dozens at 100k, fewer in small test sets
    assert (posts["text"].str.count_matches(r"#\w+") >= 3).mean() > 0.9
    assert posts["created_at"].max() - posts["created_at"].min() <= timedelta(hours=9)
    # two waves with a quiet gap of at least an hour between them
    gaps = posts["created_at"].sort().diff().drop_nulls()
    assert gaps.max() >= timedelta(hours=1)
    second = "#" + meta["hashtags"][1]
    assert posts["text"].str.to_lowercase().str.contains(second, literal=True).any()
    if moments.posts.height >= 100_000:
        assert meta["n_accounts"] == 150
        assert per_account.median() >= 24


def test_small_script_is_small(moments: SynthData) -> None:
    _, meta = _group(moments, "small_script")
    assert 8 <= meta["n_accounts"] <= 20
