"""Loading: readers, column detection, platform exports, bad input and the row accounting.

Fixtures are tiny hand-written files in fixtures/formats and fixtures/bad; every expected
count below is computed by hand from them (see the comments).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_detect.errors import InputError
from campaign_detect.load import load_posts
from campaign_detect.schema import POST_EXTRA_SCHEMA, POST_SCHEMA, validate_posts

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "fixtures" / "formats"
BAD = ROOT / "fixtures" / "bad"


def _t(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2023, 9, 26, hour, minute, second, tzinfo=UTC)


# posts.* all hold the same four posts; row 1 is 10:00+07:00 = 03:00Z, row 3 is epoch
# 1695697800 = 03:10Z, row 4 is naive 03:20 (read as UTC)
SAME_FOUR = [
    ("1", "ana_umkm", "@Ana_UMKM", _t(3, 0), ["kamiumkmditiktok"], 1),
    ("2", "budi.jualan", "budi.jualan", _t(3, 5), ["kamiumkmditiktok"], 2),
    ("3", "citra", "Citra", _t(3, 10), [], 3),
    ("4", "ana_umkm", "ana_umkm", _t(3, 20), ["umkm"], 4),
]


@pytest.mark.parametrize(
    ("name", "fmt", "compressed"),
    [
        ("posts.csv", "csv", False),
        ("posts.tsv", "tsv", False),
        ("posts.jsonl", "jsonl", False),
        ("posts.json", "json", False),
        ("wrapped.json", "json", False),
        ("posts.parquet", "parquet", False),
        ("posts.csv.gz", "csv", True),
    ],
)
def test_every_reader_gives_the_same_posts(name, fmt, compressed):
    loaded = load_posts(FORMATS / name)
    posts = validate_posts(loaded.posts)
    assert posts.columns == [*POST_SCHEMA, *POST_EXTRA_SCHEMA]
    got = posts.select("post_id", "account", "account_name", "ts", "hashtags", "row").rows()
    assert got == SAME_FOUR
    # the URL in row 1 is canonicalised (www., tracking parameter dropped)
    assert posts["urls"][0].to_list() == ["https://tiktok.com/@ana/video/1"]
    assert posts["text"][2] == "Selamat pagi"
    assert posts["file"].unique().to_list() == [str(FORMATS / name)]
    info = loaded.stats.files[0]
    assert (info.format, info.compressed, info.rows_read) == (fmt, compressed, 4)
    assert loaded.stats.columns["account"].source == "username"
    # no hashtags column: they come from the text
    assert loaded.stats.columns["hashtags"].how == "extracted from text"


def test_naive_times_are_utc_with_a_notice():
    # posts.csv row 4 has no zone: read as UTC, and the user is told (once, with a count)
    stats = load_posts(FORMATS / "posts.csv").stats
    assert stats.timezone_assumed == "UTC"
    assert any("1 post time(s) had no time zone" in n and "--tz" in n for n in stats.notices)
    # parquet's times are typed UTC: nothing to warn about
    assert not load_posts(FORMATS / "posts.parquet").stats.notices


def test_tz_applies_only_to_naive_times():
    posts = load_posts(FORMATS / "posts.csv", tz="Asia/Jakarta").posts
    by_id = dict(zip(posts["post_id"], posts["ts"], strict=True))
    # row 4 "03:20" Jakarta (UTC+7) is 20:20 UTC the day before; the others had zones
    assert by_id["4"] == datetime(2023, 9, 25, 20, 20, tzinfo=UTC)
    assert by_id["1"] == _t(3, 0)
    assert by_id["3"] == _t(3, 10)


def test_unknown_tz_is_an_input_error():
    with pytest.raises(InputError, match=r"--tz.*Mars/Olympus"):
        load_posts(FORMATS / "posts.csv", tz="Mars/Olympus")


def test_twitter_v2_twarc2_flattened():
    loaded = load_posts(FORMATS / "twitter_v2.jsonl")
    posts = loaded.posts
    cols = loaded.stats.columns
    # author.username is preferred over the numeric author_id
    assert cols["account"].source == "author.username"
    assert posts["account"].to_list() == ["ana_umkm", "budi_jualan", "citra"]
    # hashtags, mentions and URLs come from the entities, not the text
    assert cols["hashtags"].source == "entities.hashtags"
    assert posts["mentions"].to_list() == [["jokowi"], ["ana_umkm", "jokowi"], ["ana_umkm"]]
    # the t.co link is replaced by its expanded, canonical URL
    assert posts["urls"][0].to_list() == ["https://tiktok.com/@ana/video/1"]
    # only the retweet has a share target; a reply (replied_to) is not a share
    assert posts["share_of"].to_list() == [None, "1706500000000000001", None]
    assert posts["ts"].to_list() == [_t(3, 0), _t(3, 1, 30), _t(3, 7)]
    # __twarc / edit_history_tweet_ids make the platform certain
    assert posts["platform"].unique().to_list() == ["twitter"]
    assert cols["platform"].how == "inferred from export shape"


def test_twitter_v1_1():
    loaded = load_posts(FORMATS / "twitter_v1.jsonl")
    posts = loaded.posts
    assert loaded.stats.columns["account"].source == "user.screen_name"
    # the retweet's nested retweeted_status.user.screen_name is not the poster
    assert posts["account"].to_list() == ["ana_umkm", "budi_jualan", "citra"]
    assert posts["share_of"].to_list() == [None, "1706500000000000001", None]
    # "Tue Sep 26 10:07:00 +0700 2023" is 03:07 UTC
    assert posts["ts"].to_list() == [_t(3, 0), _t(3, 1, 30), _t(3, 7)]
    assert posts["hashtags"].to_list() == [["kamiumkmditiktok"], ["kamiumkmditiktok"], []]
    assert posts["post_id"][0] == "1706500000000000001"
    assert posts["platform"].unique().to_list() == ["twitter"]


def test_tiktok_research_api_export_with_kept_column():
    loaded = load_posts(FORMATS / "tiktok_research.json", keep_columns=["music_id"])
    posts = loaded.posts
    # the records are data.videos inside the response object; cursor/error are not records
    assert loaded.stats.rows_read == 3
    assert posts["account"].to_list() == ["ana.umkm", "budi.jualan", "citra"]
    assert posts["ts"].to_list() == [_t(3, 0), _t(3, 5), _t(3, 10)]
    assert posts["hashtags"].to_list() == [["kamiumkmditiktok"], ["kamiumkmditiktok", "umkm"], []]
    assert posts["platform"].unique().to_list() == ["tiktok"]
    # kept as an exact string (a float would lose the 19-digit id)
    assert posts["music_id"].to_list() == ["7100000000000000001"] * 2 + ["7100000000000000002"]
    assert posts.columns == [*POST_SCHEMA, *POST_EXTRA_SCHEMA, "music_id"]


def test_plain_export_has_no_platform():
    # a plain CSV says nothing certain about its platform
    posts = load_posts(FORMATS / "posts.csv").posts
    assert posts["platform"].null_count() == posts.height


def test_several_files_and_glob_deduplicate_across_files():
    # posts.csv and posts.tsv hold the same four post ids: the second copy is dropped
    loaded = load_posts(str(FORMATS / "posts.*sv"))
    stats = loaded.stats
    assert [Path(f.path).name for f in stats.files] == ["posts.csv", "posts.tsv"]
    assert (stats.rows_read, stats.rows_deduplicated, stats.rows_kept) == (8, 4, 4)
    # first kept: every post traces back to the first file
    assert loaded.posts["file"].unique().to_list() == [str(FORMATS / "posts.csv")]


def test_synthesised_ids_deduplicate_the_same_record(tmp_path):
    text = "username,created_at,text\nana,2023-09-26T03:00:00Z,hello\nbo,2023-09-26T03:01:00Z,x\n"
    (tmp_path / "a.csv").write_text(text)
    # the same first record, spelled with another case and zone notation: same post
    (tmp_path / "b.csv").write_text(
        "username,created_at,text\nANA,2023-09-26T10:00:00+07:00,hello\n"
    )
    loaded = load_posts([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert loaded.stats.columns["post_id"].how == "synthesised"
    assert (loaded.stats.rows_read, loaded.stats.rows_deduplicated) == (3, 1)
    ids = loaded.posts["post_id"].to_list()
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert len(set(ids)) == 2


def test_stdin_sniffed_and_explicit(monkeypatch):
    data = (FORMATS / "posts.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    loaded = load_posts("-")
    assert loaded.stats.files[0].format == "jsonl"
    assert loaded.posts["file"].unique().to_list() == ["-"]
    assert loaded.posts.height == 4
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(data))))
    loaded = load_posts("-", input_format="ndjson")
    assert (loaded.stats.files[0].compressed, loaded.posts.height) == (True, 4)


def test_input_format_overrides_extension(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes((FORMATS / "posts.tsv").read_bytes())
    assert load_posts(path, input_format="tsv").posts.height == 4


def test_json_file_holding_ndjson_is_read(tmp_path):
    # twarc and scrapers often name NDJSON output .json
    path = tmp_path / "tweets.json"
    path.write_bytes((FORMATS / "posts.jsonl").read_bytes())
    assert load_posts(path).posts.height == 4


def test_column_overrides_and_preference(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "author_id,username,who,posted,body,when\n"
        "111,@Ana,ANA2,2023-09-26T03:00:00Z,#a hi,2023-09-26T05:00:00Z\n"
    )
    detected = load_posts(path)
    # username is preferred over author_id; created_at-like "posted" is a time name
    assert detected.posts["account"][0] == "ana"
    assert detected.stats.columns["ts"].source == "posted"
    assert detected.stats.columns["text"].source == "body"
    flagged = load_posts(path, columns={"account": "who", "time": "WHEN"})
    assert flagged.posts["account"][0] == "ana2"
    assert flagged.posts["ts"][0] == _t(5, 0)
    assert flagged.stats.columns["ts"].to_dict() == {"source": "when", "how": "from flag"}


def test_hashtags_column_as_delimited_string(tmp_path):
    path = tmp_path / "tags.csv"
    path.write_text(
        "username,created_at,text,hashtags\n"
        'ana,2023-09-26T03:00:00Z,no tags in text,"#UMKM, b;c d"\n'
    )
    posts = load_posts(path).posts
    # the column wins over the text; split on comma, semicolon and space, '#' dropped
    assert posts["hashtags"].to_list() == [["umkm", "b", "c", "d"]]


def test_progress_callback_sees_each_stage():
    calls = []
    load_posts(FORMATS / "posts.csv", progress=lambda *a: calls.append(a))
    assert ("read", 1, 1) in calls
    assert ("normalise", 1, 1) in calls


def test_same_input_gives_identical_output():
    a = load_posts(FORMATS / "twitter_v2.jsonl")
    b = load_posts(FORMATS / "twitter_v2.jsonl")
    assert a.posts.equals(b.posts)
    assert a.stats.to_dict() == b.stats.to_dict()


# ---------------------------------------------------------------- bad input


def test_bad_rows_counted_by_reason():
    # bad_rows.csv: rows 2, 3 (blank) and 8 ("@" only) have no account; row 4 no time;
    # rows 5 ("yesterday") and 6 (31/31/2023, no valid date either way) unreadable times;
    # row 7 repeats post id p1 of row 1; row 10 reuses p2, whose first row (2) was rejected,
    # so it is kept. Kept: rows 1, 9 (epoch ms, empty text) and 10.
    loaded = load_posts(BAD / "bad_rows.csv")
    stats = loaded.stats
    assert (stats.rows_read, stats.rows_rejected, stats.rows_deduplicated, stats.rows_kept) == (
        10,
        6,
        1,
        3,
    )
    first = {
        reason: (rows.count, [r for _, r in rows.first]) for reason, rows in stats.rejected.items()
    }
    assert first == {
        "empty account": (3, [2, 3, 8]),
        "empty time": (1, [4]),
        "unreadable time": (2, [5, 6]),
    }
    assert loaded.posts["row"].to_list() == [1, 9, 10]
    assert loaded.posts["text"].to_list() == ["ok", "", "same id as rejected row 2"]
    # 1695697380000 ms = 03:03 UTC
    assert loaded.posts["ts"][1] == _t(3, 3)


def test_strict_lists_the_first_rejected_rows():
    with pytest.raises(InputError, match=r"6 row\(s\).*bad_rows.csv row 2 \(empty account\)"):
        load_posts(BAD / "bad_rows.csv", strict=True)


def test_invalid_utf8_replaced_and_counted():
    # rows 1 (latin-1 é) and 2 (a broken two-byte sequence) hold invalid bytes; row 3 is clean
    loaded = load_posts(BAD / "invalid_utf8.csv")
    assert loaded.stats.invalid_utf8_rows == 2
    assert loaded.stats.rows_kept == 3
    assert loaded.posts["account"][0] == "caf\ufffd"
    assert any("invalid UTF-8" in n for n in loaded.stats.notices)


def test_valid_replacement_character_is_not_counted(tmp_path):
    # a U+FFFD written in valid UTF-8 is data, not a decoding error
    path = tmp_path / "ok.csv"
    path.write_text("username,created_at,text\nana,2023-09-26T03:00:00Z,odd \ufffd char\n")
    assert load_posts(path).stats.invalid_utf8_rows == 0


def test_invalid_utf8_in_ndjson(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        b'{"username": "caf\xe9", "created_at": "2023-09-26T03:00:00Z"}\n'
        b'{"username": "bo", "created_at": "2023-09-26T03:01:00Z"}\n'
    )
    loaded = load_posts(path)
    assert (loaded.stats.invalid_utf8_rows, loaded.stats.rows_kept) == (1, 2)


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        (BAD / "missing.csv", r"missing\.csv: file not found"),
        (FORMATS / "missing_*.jsonl", r"missing_\*\.jsonl: no files match"),
        (BAD / "empty.csv", r"empty\.csv: the file is empty"),
        (BAD / "header_only.csv", r"header_only\.csv: no data rows"),
        (
            BAD / "no_account.csv",
            r"no_account\.csv: found no usable account column; columns found: created_at, text;"
            r".*--account-col",
        ),
        (BAD / "all_rejected.csv", r"all 3 rows were rejected.*--time-col"),
        # the line that is not JSON is a malformed row; the other has no account or time
        (BAD / "not_json.jsonl", r"not_json\.jsonl: found no usable account.*columns found: id;"),
        (BAD / "truncated.json", r"truncated\.json: not valid JSON"),
        (BAD / "corrupt.parquet", r"corrupt\.parquet: cannot read as parquet"),
    ],
)
def test_bad_files_raise_input_error_naming_the_file(path, pattern):
    with pytest.raises(InputError, match=pattern):
        load_posts(path)


def test_unsupported_extension_names_it_and_the_flag(tmp_path):
    path = tmp_path / "posts.xlsx"
    path.write_text("x")
    with pytest.raises(InputError, match=r"\.xlsx.*csv.*parquet.*--input-format"):
        load_posts(path)


def test_missing_override_column_names_the_flag():
    with pytest.raises(InputError, match=r"--time-col names column 'when'.*columns found: id"):
        load_posts(FORMATS / "posts.csv", columns={"ts": "when"})
    with pytest.raises(InputError, match=r"unknown field 'author'"):
        load_posts(FORMATS / "posts.csv", columns={"author": "username"})


def test_missing_keep_column_is_named():
    with pytest.raises(InputError, match=r"no column 'music_id' to keep"):
        load_posts(FORMATS / "posts.csv", keep_columns=["music_id"])


def test_missing_time_column_names_time_flag(tmp_path):
    path = tmp_path / "no_time.csv"
    path.write_text("username,text\nana,hi\n")
    with pytest.raises(InputError, match=r"no usable time column.*--time-col"):
        load_posts(path)


def test_corrupt_gzip_is_named(tmp_path):
    path = tmp_path / "posts.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError, match=r"posts\.csv\.gz: not a readable gzip file"):
        load_posts(path)


# ---------------------------------------------------------------- stats


def test_stats_to_dict_is_json_ready_in_fixed_order():
    stats = load_posts(BAD / "bad_rows.csv").stats
    data = stats.to_dict()
    assert list(data) == [
        "files",
        "columns",
        "rows_read",
        "rows_rejected",
        "rows_deduplicated",
        "rows_kept",
        "rejected",
        "invalid_utf8_rows",
        "time_min",
        "time_max",
        "timezone_assumed",
        "naive_time_rows",
        "notices",
    ]
    assert data["time_min"] == "2023-09-26T03:00:00Z"
    assert data["time_max"] == "2023-09-26T03:04:00Z"
    assert data["rejected"]["empty time"] == {
        "count": 1,
        "first": [{"file": str(BAD / "bad_rows.csv"), "row": 4}],
    }
    assert list(data["columns"]) == [
        "account",
        "ts",
        "text",
        "post_id",
        "hashtags",
        "mentions",
        "urls",
        "share_of",
        "platform",
    ]
    json.dumps(data)


# ---------------------------------------------------------------- accounting identity

_ROW = st.tuples(
    st.sampled_from(["ana", "@Bo", "", "  ", "@", "citra"]),
    st.sampled_from(
        ["2023-09-26T03:00:00Z", "1695697200", "", "soon", "2023-09-26 04:00", "31/31/2023"]
    ),
    st.sampled_from(["", "p1", "p2", "p3"]),
    st.sampled_from(["hi #a", "", "hi"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(_ROW, min_size=1, max_size=25))
def test_accounting_identity(tmp_path, rows):
    path = tmp_path / "h.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["username", "created_at", "post_id", "text"])
        writer.writerows(rows)
    # the reference: which rows are readable, by the documented rules
    readable = [
        r
        for r in rows
        if r[0].strip().lstrip("@").strip() and r[1] not in ("", "soon", "31/31/2023")
    ]
    if not readable:
        # nothing readable: "all rows rejected" is an error, never an empty result
        with pytest.raises(InputError, match="rejected"):
            load_posts(path)
        return
    stats = load_posts(path).stats
    assert stats.rows_read == len(rows)
    assert stats.rows_read == stats.rows_rejected + stats.rows_deduplicated + stats.rows_kept
    assert stats.rows_rejected == len(rows) - len(readable)
    assert sum(r.count for r in stats.rejected.values()) == stats.rows_rejected
    # given ids dedupe by id; rows without an id get a hash of (account, time, text)
    assert stats.rows_kept == pl.DataFrame(
        {"id": [r[2] or None for r in readable]}, schema={"id": pl.String}
    ).filter(pl.col("id").is_not_null())["id"].n_unique() + _distinct_synthesised(readable)


def _distinct_synthesised(readable) -> int:
    times = {"2023-09-26T03:00:00Z": "a", "1695697200": "a", "2023-09-26 04:00": "b"}
    return len(
        {(r[0].strip().lstrip("@").lower(), times[r[1]], r[3]) for r in readable if not r[2]}
    )
