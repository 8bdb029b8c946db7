"""Times as people and exports write them: zone abbreviations, month names, AM/PM,
RFC 2822, day/month order, and --time-format."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from campaign_detect.errors import InputError
from campaign_detect.load.times import ZONE_ABBREVIATIONS, parse_times

# 2023-09-26 10:15 in Jakarta (WIB, +07) is 03:15 UTC
T = datetime(2023, 9, 26, 3, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-09-26 10:15:00 WIB", T),
        ("2023-09-26 11:15:00 WITA", T),
        ("2023-09-26 12:15:00 WIT", T),
        ("2023-09-25 23:15:00 EDT", T),  # -04
        ("2023-09-25 22:15:00 EST", T),  # -05
        ("2023-09-25 20:15:00 PDT", T),  # -07
        ("2023-09-25 19:15:00 PST", T),  # -08
        ("2023-09-26 03:15:00 GMT", T),
        ("2023-09-26T10:15:00 WIB", T),
        ("Tue, 26 Sep 2023 10:15:00 +0700", T),  # RFC 2822
        ("Tue, 26 Sep 2023 03:15:00 GMT", T),
        ("Sep 26, 2023 3:15 AM", T),
        ("September 26, 2023 at 3:15 AM", T),
        ("Sep 26, 2023 10:15 AM WIB", T),
        ("26 Sep 2023 03:15", T),
        ("Sep 26, 2023", T.replace(hour=0, minute=0)),
        ("9/25/2023 11:15 PM EDT", T),  # US month-first, proven by the 25
        ("26/09/2023 10:15 WIB", T),  # day-first, proven by the 26
        ("26.09.2023 03:15", T),
    ],
)
def test_human_time_shapes(value, expected):
    assert parse_times(pl.Series("t", [value]))[0] == expected


def test_zone_table_holds_no_ambiguous_abbreviation():
    # IST is India, Ireland and Israel: reading it would be a guess
    assert "IST" not in ZONE_ABBREVIATIONS
    assert parse_times(pl.Series("t", ["2023-09-26 10:15:00 IST"]))[0] is None


def test_naive_month_name_times_take_tz():
    got = parse_times(pl.Series("t", ["Sep 26, 2023 10:15 AM"]), tz="Asia/Jakarta")
    assert got[0] == T


def test_ambiguous_day_month_is_an_error_naming_the_value():
    with pytest.raises(InputError, match=r"input row 2: the date '05/09/2023'.*--dayfirst"):
        parse_times(pl.Series("t", ["2023-09-26T03:15:00Z", "05/09/2023", "06/09/2023"]))


@pytest.mark.parametrize(("dayfirst", "month"), [(True, 9), (False, 5)])
def test_dayfirst_decides_the_order(dayfirst, month):
    got = parse_times(pl.Series("t", ["05/09/2023"]), dayfirst=dayfirst)[0]
    assert (got.month, got.day) == (month, 5 if month == 9 else 9)


def test_one_proving_value_sets_the_order_for_the_column():
    # 26/09 can only be day-first, so 05/09 in the same column is 5 September
    got = parse_times(pl.Series("t", ["26/09/2023", "05/09/2023"])).to_list()
    assert [(d.month, d.day) for d in got] == [(9, 26), (9, 5)]


def test_a_column_proving_both_orders_is_an_error():
    with pytest.raises(InputError, match=r"day-first date .*month-first"):
        parse_times(pl.Series("t", ["26/09/2023", "9/26/2023"]))


def test_time_format_is_the_only_format_used():
    s = pl.Series("t", ["26-09-2023 10.15 WIB", "2023-09-26T03:15:00Z"])
    got = parse_times(s, time_format="%d-%m-%Y %H.%M %Z").to_list()
    assert got == [T, None]
    naive = parse_times(pl.Series("t", ["26-09-2023 10.15"]), time_format="%d-%m-%Y %H.%M")
    assert naive[0] == T.replace(hour=10)


def test_time_format_without_a_field_is_an_error():
    with pytest.raises(InputError, match="--time-format"):
        parse_times(pl.Series("t", ["x"]), time_format="daily")


def test_offset_fast_stage_reads_what_aware_iso_reads():
    # the numeric-offset stage runs before _aware_iso: on every value it reads, it must
    # give _aware_iso's instant
    from campaign_detect.load.times import _OFFSET_FORMAT, UTC_DATETIME, _aware_iso

    values = pl.Series(
        [
            "2023-09-12T00:00:00+07:00",
            "2023-09-12T00:00:00+0700",
            "2023-09-12T00:00:00-03:30",
            "2023-09-12T00:00:00+07",
            "2023-09-12T00:00:00 +07:00",
            "2023-09-12T23:59:59+14:00",
            "2023-09-12 00:00:00+07:00",
            "2023-09-12T00:00:00.250+07:00",
            "2023-09-12T00:00:00Z",
        ]
    )
    fast = values.str.strptime(UTC_DATETIME, _OFFSET_FORMAT, strict=False)
    slow = _aware_iso(values)
    read = fast.is_not_null()
    assert read.sum() >= 3
    assert fast.filter(read).to_list() == slow.filter(read).to_list()
