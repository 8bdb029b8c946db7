"""normalise() on frames, and the time parser behind it.

Each expected value is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_detect.errors import InputError
from campaign_detect.load.columns import detect_columns
from campaign_detect.load.normalise import normalise
from campaign_detect.load.times import parse_times
from campaign_detect.schema import POST_EXTRA_SCHEMA, POST_SCHEMA, validate_posts

T0 = datetime(2023, 9, 26, 3, 0, tzinfo=UTC)


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-26T03:00:00Z", T0),
        ("2023-09-26T03:00:00.250Z", T0 + timedelta(milliseconds=250)),
        # offsets in every spelling, converted to UTC
        ("2023-09-26T10:00:00+07:00", T0),
        ("2023-09-26T10:00:00+0700", T0),
        ("2023-09-26T10:00+07:00", T0),
        ("2023-09-26T10:00:00+07", T0),
        ("2023-09-25T23:00:00-04:00", T0),
        ("2023-09-26 03:00:00 +00:00", T0),
        ("2023-09-26 03:00:00 UTC", T0),
        # Twitter v1.1
        ("Tue Sep 26 03:00:00 +0000 2023", T0),
        ("Tue Sep 26 10:00:00 +0700 2023", T0),
        # epochs by magnitude: seconds, milliseconds, microseconds, nanoseconds
        ("1695697200", T0),
        ("1695697200.5", T0 + timedelta(milliseconds=500)),
        ("1695697200000", T0),
        ("1695697200000000", T0),
        ("1695697200000000000", T0),
        # naive times and plain dates: UTC when no tz is given
        ("2023-09-26 03:00:00", T0),
        ("2023-09-26T03:00", T0),
        ("2023-09-26", T0.replace(hour=0)),
        ("2023/09/26 03:00:00", T0),
        ("  2023-09-26T03:00:00Z  ", T0),
        # unreadable: words, day/month dates valid in neither order, impossible dates
        ("yesterday", None),
        ("31/31/2023", None),
        ("26/09/2023", T0.replace(hour=0)),
        ("2023-02-30T00:00:00Z", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_times_shapes(value, expected):
    assert parse_times(pl.Series("t", [value], dtype=pl.String))[0] == expected


def test_mixed_shapes_in_one_column():
    # every row takes its own path through the staged parser, and order is kept
    values = ["1695697200000", "Tue Sep 26 03:00:00 +0000 2023", "x", "2023-09-26T03:00:00Z"]
    assert parse_times(pl.Series("t", values)).to_list() == [T0, T0, None, T0]


def test_tz_for_naive_times_and_dst():
    s = pl.Series("t", ["2023-03-26 01:30:00", "2023-03-26 02:30:00", "2023-09-26T05:00:00Z"])
    got = parse_times(s, tz="Europe/Berlin").to_list()
    # 01:30 CET (UTC+1) is 00:30 UTC; 02:30 does not exist that night (clocks jump to 03:00),
    # so it is unreadable rather than guessed; a time with its own zone ignores tz
    assert got == [datetime(2023, 3, 26, 0, 30, tzinfo=UTC), None, T0.replace(hour=5)]


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        # numbers are epochs decided by magnitude per value
        (pl.Series("t", [1695697200, 1695697200000]), [T0, T0]),
        (pl.Series("t", [1695697200.5]), [T0 + timedelta(milliseconds=500)]),
        # typed datetimes: aware ones converted, naive ones taken as UTC
        (pl.Series("t", [T0]).dt.convert_time_zone("Asia/Jakarta"), [T0]),
        (pl.Series("t", [datetime(2023, 9, 26, 3, 0)]), [T0]),
        (pl.Series("t", [T0.date()]), [T0.replace(hour=0)]),
    ],
)
def test_parse_typed_columns(series, expected):
    assert parse_times(series).to_list() == expected


_INSTANTS = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(
    instant=_INSTANTS,
    offset_minutes=st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15),
    shape=st.sampled_from(["iso_z", "iso_offset", "twitter", "epoch_s", "epoch_ms", "naive"]),
)
def test_time_parser_round_trips(instant, offset_minutes, shape):
    zone = timezone(timedelta(minutes=offset_minutes))
    if shape in ("twitter", "epoch_s"):
        instant = instant.replace(microsecond=0)  # these shapes carry whole seconds
    if shape == "epoch_ms":
        instant = instant.replace(microsecond=instant.microsecond // 1000 * 1000)
    local = instant.astimezone(zone)
    text = {
        "iso_z": instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "iso_offset": local.isoformat(),
        "twitter": local.strftime("%a %b %d %H:%M:%S %z %Y"),
        "epoch_s": str(int(instant.timestamp())),
        "epoch_ms": str(round(instant.timestamp() * 1000)),
        "naive": instant.strftime("%Y-%m-%d %H:%M:%S.%f"),
    }[shape]
    assert parse_times(pl.Series("t", [text]))[0] == instant, text


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=12))
def test_time_parser_never_raises_on_junk(text):
    # any string parses to a time or to null (an unreadable-time reject); never an exception
    result = parse_times(pl.Series("t", [text], dtype=pl.String))
    assert result.dtype == pl.Datetime("us", "UTC")
    assert len(result) == 1


# ---------------------------------------------------------------- normalise


def _raw():
    return pl.DataFrame(
        {
            "user": ["@Ana", "bo", "", "@Ana", "cy", "bo"],
            "when": [
                "2023-09-26T03:00:00Z",
                "1695697200",
                "2023-09-26",
                "2023-09-26T03:00:00Z",
                "never",
                "",
            ],
            "body": ["Dukung #UMKM @Jokowi", None, "x", "Dukung #UMKM @Jokowi", "y", "z"],
        }
    )


def test_normalise_frame_without_file_or_ids():
    posts, report = normalise(_raw(), {"account": "user", "ts": "when", "text": "body"})
    validate_posts(posts)
    # row 3: empty account; row 5: unreadable time; row 6: empty time;
    # row 4 is row 1 again (same account, time, text -> same synthesised id)
    assert (report.rows_read, report.rows_rejected, report.rows_deduplicated) == (6, 3, 1)
    assert report.rejected["empty account"].first == [("<frame>", 3)]
    assert report.rejected["unreadable time"].first == [("<frame>", 5)]
    assert report.rejected["empty time"].first == [("<frame>", 6)]
    # ties on ts are broken by account: ana before bo; a null text becomes ""
    assert posts.select("account", "account_name", "text", "row").rows() == [
        ("ana", "@Ana", "Dukung #UMKM @Jokowi", 1),
        ("bo", "bo", "", 2),
    ]
    assert posts["hashtags"].to_list() == [["umkm"], []]
    assert posts["mentions"].to_list() == [["jokowi"], []]


def test_normalise_accepts_lazy_frames_and_detected_columns():
    raw = _raw().rename({"user": "username", "when": "created_at", "body": "text"})
    columns = detect_columns(raw.columns)
    eager, _ = normalise(raw, columns)
    lazy, _ = normalise(raw.lazy(), columns)
    assert eager.equals(lazy)


def test_synthesised_ids_depend_on_account_time_and_text():
    base = {"user": ["a"], "when": ["2023-09-26T03:00:00Z"], "body": ["hi"]}
    cols = {"account": "user", "ts": "when", "text": "body"}

    def pid(**change):
        return normalise(pl.DataFrame({**base, **change}), cols)[0]["post_id"][0]

    same = pid()
    assert same == pid(when=["2023-09-26T10:00:00+07:00"])  # same instant, other notation
    assert same == pid(user=["@A"])  # same canonical account
    assert same != pid(body=["hi!"])
    assert same != pid(when=["2023-09-26T03:00:01Z"])
    assert same != pid(user=["b"])


def test_post_id_from_input_is_kept_and_empty_ids_are_synthesised():
    raw = pl.DataFrame(
        {
            "id": [7, None],
            "user": ["a", "b"],
            "when": ["2023-09-26T03:00:00Z", "2023-09-26T03:01:00Z"],
        }
    )
    posts, _ = normalise(raw, {"account": "user", "ts": "when", "post_id": "id"})
    assert posts["post_id"][0] == "7"
    assert len(posts["post_id"][1]) == 32


def test_entity_columns_of_struct_lists_and_share_targets():
    raw = pl.DataFrame(
        {
            "user": ["a", "b", "c", "d"],
            "when": ["2023-09-26T03:00:00Z"] * 4,
            "tags": [[{"tag": "#UMKM"}], [], None, []],
            "refs": [
                [{"type": "quoted", "id": "1"}],
                [{"type": "replied_to", "id": "2"}, {"type": "retweeted", "id": "3"}],
                None,
                [{"type": "replied_to", "id": "4"}],
            ],
        }
    )
    posts, _ = normalise(
        raw, {"account": "user", "ts": "when", "hashtags": "tags", "share_of": "refs"}
    )
    assert posts["hashtags"].to_list() == [["umkm"], [], [], []]
    # a retweet's target, else a quote's, is the share target; a reply is never a share
    assert posts["share_of"].to_list() == ["1", "3", None, None]


def test_struct_list_without_a_known_field_is_an_error():
    raw = pl.DataFrame({"u": ["a"], "t": ["2023-09-26"], "tags": [[{"weird": "x"}]]})
    with pytest.raises(InputError, match=r"column 'tags'.*weird"):
        normalise(raw, {"account": "u", "ts": "t", "hashtags": "tags"})


def test_keep_columns_and_clashes():
    raw = pl.DataFrame({"u": ["a"], "t": ["2023-09-26"], "music_id": [123], "text": ["x"]})
    posts, _ = normalise(raw, {"account": "u", "ts": "t"}, keep_columns=["music_id"])
    assert posts.columns == [*POST_SCHEMA, *POST_EXTRA_SCHEMA, "music_id"]
    assert posts["music_id"].to_list() == ["123"]
    with pytest.raises(InputError, match="post fields"):
        normalise(raw, {"account": "u", "ts": "t"}, keep_columns=["text"])


def test_missing_required_mapping_and_columns():
    raw = pl.DataFrame({"u": ["a"], "t": ["2023-09-26"]})
    with pytest.raises(InputError, match="no ts column"):
        normalise(raw, {"account": "u"})
    with pytest.raises(InputError, match="no column 'nope'"):
        normalise(raw, {"account": "nope", "ts": "t"})


def test_strict_raises_with_rows():
    with pytest.raises(InputError, match=r"<frame> row 3 \(empty account\)"):
        normalise(_raw(), {"account": "user", "ts": "when"}, strict=True)


def test_platform_column_and_default():
    raw = pl.DataFrame({"u": ["a", "b"], "t": ["2023-09-26"] * 2, "platform": ["x", " "]})
    posts, _ = normalise(raw, {"account": "u", "ts": "t", "platform": "platform"})
    # a blank platform is unknown (null), not the empty string
    assert posts["platform"].to_list() == ["x", None]
    posts, _ = normalise(raw, {"account": "u", "ts": "t"}, platform="tiktok")
    assert posts["platform"].to_list() == ["tiktok", "tiktok"]
