"""Evidence a journalist can quote and options an analyst can script: the script as posted,
events inside the cluster's window, times with offsets and whole days, CLI spellings in
TOML, and the single-signal commands narrowed with --top/--hashtag."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign_detect import ScanConfig
from campaign_detect.cli import Moment, cli

SAMPLE = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")


def run(*args: str):
    result = CliRunner().invoke(cli, [*args, "-q"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(run("scan", SAMPLE, "--format", "json"))


def test_the_script_is_quoted_as_posted(sample):
    template = sample["clusters"][0]["evidence"]["template"]
    assert template["posted_as"] != template["text"]
    assert "@jokowi" in template["posted_as"]  # the normalised text has no mention
    assert template["posted_as"].lower().startswith("@jokowi " + template["text"][:20])


def test_events_shown_are_inside_the_cluster_window(sample):
    for cluster in sample["clusters"]:
        events = cluster["evidence"]["coaction_events"]
        for event in events["sample"]:
            for ts in (event["ts_a"], event["ts_b"]):
                assert cluster["start"] <= ts <= cluster["end"]
    assert sum(c["evidence"]["coaction_events"]["outside_window"] for c in sample["clusters"])


@pytest.mark.parametrize(
    ("text", "end_of_day", "expected"),
    [
        ("2023-09-21", False, datetime(2023, 9, 21, tzinfo=UTC)),
        ("2023-09-21", True, datetime(2023, 9, 21, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2023-09-21T08:00+07:00", False, datetime(2023, 9, 21, 1, tzinfo=UTC)),
        ("2023-09-21T08:00Z", True, datetime(2023, 9, 21, 8, tzinfo=UTC)),
        ("2023-09-21T08:00", False, datetime(2023, 9, 21, 8, tzinfo=UTC)),
    ],
)
def test_since_and_until_read_offsets_and_whole_days(text, end_of_day, expected):
    assert Moment(end_of_day=end_of_day).convert(text, None, None) == expected


def test_one_day_is_since_and_until_the_same_date():
    doc = json.loads(
        run("scan", SAMPLE, "--since", "2023-09-21", "--until", "2023-09-21", "--format", "json")
    )
    assert doc["clusters"]
    assert all(c["end"] >= "2023-09-21" and c["start"] <= "2023-09-22" for c in doc["clusters"])
    bad = CliRunner().invoke(cli, ["scan", SAMPLE, "--since", "yesterday"])
    assert bad.exit_code == 2
    assert "is not a time" in bad.stderr


def test_toml_takes_the_option_spellings(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('max-p = 0.01\nobject = ["music_id"]\nmin_repetition = 0.4\n')
    config = ScanConfig.from_toml(path)
    assert (config.max_p_value, config.extra_objects, config.min_repetition) == (
        0.01,
        ("music_id",),
        0.4,
    )


def test_bursts_and_templates_take_top_and_hashtag():
    everything = json.loads(run("bursts", SAMPLE, "--format", "json"))["bursts"]
    narrowed = json.loads(
        run("bursts", SAMPLE, "--format", "json", "--hashtag", "#banjirdepok", "--top", "2")
    )["bursts"]
    assert len(everything) > 2
    assert len(narrowed) == 2
    assert narrowed[0]["object"] == "banjirdepok"
    templates = json.loads(run("templates", SAMPLE, "--format", "json", "--top", "1"))
    assert len(templates["templates"]) == 1


def test_explain_counts_in_words():
    table = run("explain", SAMPLE, "--cluster", "1")
    assert " 1 variants" not in table
    assert "variants" in table or "variant" in table


def test_records_say_where_and_link_each_post(sample):
    first = sample["clusters"][0]
    assert first["platforms"] == ["tiktok"]
    post = first["evidence"]["sample_posts"][0]
    assert post["url"].startswith("https://www.tiktok.com/@")
    assert post["url"].endswith("/video/" + post["post_id"])
    assert all("." in d and "/" not in d for c in sample["clusters"] for d in c["domains"])


def test_the_sentence_names_the_platforms_a_cluster_spans():
    from campaign_detect.evidence import explain

    record = {
        "n_accounts": 11,
        "hashtags": ["kamiumkmditiktok"],
        "mentions": [],
        "platforms": ["telegram", "tiktok", "twitter"],
        "duration_hours": 20,
        "subscores": {"template_share": 0.5, "template_similarity": 0.8},
        "significance": {"ratio": 3.0},
    }
    assert "on telegram, tiktok, twitter within 20 hours" in explain(record)


def test_headlines_name_what_the_cluster_pushes_not_what_everyone_posts():
    import polars as pl

    from campaign_detect.evidence import _pushed, _users

    crowd = pl.DataFrame(
        {
            "account": [f"u{i}" for i in range(1000)],
            "hashtags": [["fyp", "fresh"] if i < 10 else ["fyp"] for i in range(1000)],
            "mentions": [
                ["target"] if i < 10 else (["jokowi"] if i % 7 == 0 else []) for i in range(1000)
            ],
        }
    )
    members = crowd.head(10).with_columns(
        pl.when(pl.col("account") == "u0")
        .then(pl.lit(["target", "jokowi"]))
        .otherwise(pl.col("mentions"))
        .alias("mentions")
    )
    n = crowd.height
    assert _pushed(members, "hashtags", _users(crowd, "hashtags"), n, 0.05) == ["fresh"]
    # one member's incidental @jokowi is no target; the one all ten tag is
    assert _pushed(members, "mentions", _users(crowd, "mentions"), n, 0.05) == ["target"]


def test_display_tz_shows_local_times_and_leaves_json_in_utc():
    table = run("scan", SAMPLE, "--display-tz", "Asia/Jakarta")
    assert "window (Asia/Jakarta)" in table or "Asia/Jakarta" in table
    assert "09-21 06:29 → 2023-09-22 00:23" in table  # 23:29 UTC is 06:29 WIB next day
    explained = run("explain", SAMPLE, "--cluster", "1", "--display-tz", "Asia/Jakarta")
    assert "2023-09-21T06:29:10+07:00" in explained
    doc = json.loads(run("scan", SAMPLE, "--display-tz", "Asia/Jakarta", "--format", "json"))
    assert doc["clusters"][0]["start"].endswith("Z")
    bad = CliRunner().invoke(cli, ["scan", SAMPLE, "--display-tz", "Mars/Base"])
    assert bad.exit_code == 2
    assert "unknown time zone" in bad.stderr
