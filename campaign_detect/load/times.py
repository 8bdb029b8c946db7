"""Post times in every shape exports use, turned into ``datetime[us, UTC]`` without a Python
loop: each candidate format is one vectorised `strptime`, run only on the values that the
formats before it could not read.

Accepted, per value (a column may mix them):

- ISO 8601 with an offset or ``Z`` (``2023-09-26T21:14:05.123+07:00``, a space instead of
  ``T``, offsets ``+0700``, ``+07:00`` or ``+07``, a trailing ``UTC``/``GMT``);
- Twitter v1.1's ``Tue Sep 26 21:14:05 +0000 2023``;
- epoch seconds, milliseconds, microseconds or nanoseconds, as numbers or numeric strings,
  decided by magnitude per value: below 1e10 is seconds (up to the year 2286), below 1e13
  milliseconds, below 1e16 microseconds, nanoseconds above. So every time from
  1970-04-27 to 2286 is read right in any of the four units;
- naive ISO times and plain dates (``2023-09-26``, ``2023/09/26 21:14:05``), read in the zone
  `tz` (UTC when none is given, which the loader reports as a notice);
- columns that are already datetimes or dates (Parquet, JSON readers).

- a named zone abbreviation instead of an offset (``2023-09-26 10:15:00 WIB``, ``... EDT``),
  from `ZONE_ABBREVIATIONS` (a fixed table: each abbreviation means one offset, so no guess);
- month names and AM/PM (``Sep 26, 2023``, ``September 26, 2023 10:15 PM``,
  ``26 Sep 2023 22:15``), and RFC 2822 (``Tue, 26 Sep 2023 10:15:00 +0700``);
- day/month/year with ``/``, ``.`` or ``-`` (``26/09/2023 22:15``, US ``9/26/2023 10:15 PM``).
  Their order is never guessed: ``dayfirst=True`` or ``False`` says it; without it a column
  whose values prove one order (a first number above 12, or a second one) is read in that
  order, and a column where every value could be either is an `InputError` naming an
  example row (as is a column proving both).

`time_format` (the CLI's ``--time-format``) replaces all of this with one strftime format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.values import time_zone

__all__ = [
    "TIME_STRUCT",
    "UTC_DATETIME",
    "ZONE_ABBREVIATIONS",
    "check_time_zone",
    "parse_times",
    "time_parse",
]

UTC_DATETIME = pl.Datetime("us", "UTC")

_NUMERIC = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z")
_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_OFFSET_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)

#: Zone abbreviations read in times, each with the one UTC offset it stands for. Left out on
#: purpose, because they name several zones: IST (India, Ireland, Israel), and any not here.
#: CST is US Central (China Standard Time is written CST too: give --tz or an offset there).
ZONE_ABBREVIATIONS: dict[str, str] = {
    "UTC": "+0000",
    "GMT": "+0000",
    "Z": "+0000",
    "WIB": "+0700",
    "WITA": "+0800",
    "WIT": "+0900",
    "ICT": "+0700",
    "SGT": "+0800",
    "MYT": "+0800",
    "HKT": "+0800",
    "JST": "+0900",
    "KST": "+0900",
    "AEST": "+1000",
    "AEDT": "+1100",
    "BST": "+0100",
    "CET": "+0100",
    "CEST": "+0200",
    "EET": "+0200",
    "EEST": "+0300",
    "EST": "-0500",
    "EDT": "-0400",
    "CST": "-0600",
    "CDT": "-0500",
    "MST": "-0700",
    "MDT": "-0600",
    "PST": "-0800",
    "PDT": "-0700",
}
_ZONE_RE = r"\s+(" + "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True)) + r")$"
_WEEKDAY_RE = r"(?i)^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
_MONTH_RE = r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_SLASH_RE = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(.*)$"
_DATES = ("%Y-%m-%d", "%b %d %Y", "%d %b %Y")
_CLOCKS = ("", " %H:%M:%S", " %H:%M", " %H:%M:%S%.f", " %I:%M:%S %p", " %I:%M %p")


def check_time_zone(tz: str | None) -> str:
    """The IANA zone name to read naive times in (``UTC`` for None).

    Raises
    ------
    InputError
        When `tz` is not a known IANA zone name.

    Examples
    --------
    >>> check_time_zone("Asia/Jakarta")
    'Asia/Jakarta'
    >>> check_time_zone(None)
    'UTC'
    """
    if tz is None:
        return "UTC"
    time_zone(tz, option="--tz")
    return tz


def _from_epoch(number: pl.Expr) -> pl.Expr:
    magnitude = number.abs()
    micros = (
        pl.when(magnitude < 1e10)
        .then(number * 1e6)
        .when(magnitude < 1e13)
        .then(number * 1e3)
        .when(magnitude < 1e16)
        .then(number)
        .otherwise(number / 1e3)
    )
    as_int = micros.round(0).cast(pl.Int64, strict=False)
    return pl.from_epoch(as_int, time_unit="us").dt.replace_time_zone("UTC")


def _localise(naive: pl.Expr, tz: str) -> pl.Expr:
    return naive.dt.replace_time_zone(
        tz, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")


def _aware_iso(text: pl.Series) -> pl.Series:
    iso = (
        text.str.replace(r"(?i)\s*(?:z|utc|gmt)$", "+00:00")
        .str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]", "${1}T")
        .str.replace(r"\s+([+-]\d{2}:?\d{2})$", "${1}")
        .str.replace(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?[+-]\d{2})$", "${1}:00")
    )
    frame = pl.DataFrame({"iso": iso, "raw": text})
    return frame.select(
        pl.coalesce(
            *(pl.col("iso").str.strptime(UTC_DATETIME, f, strict=False) for f in _AWARE_FORMATS),
            pl.col("raw").str.strptime(UTC_DATETIME, _TWITTER_FORMAT, strict=False),
        )
    ).to_series()


def _naive(text: pl.Series, tz: str) -> pl.Series:
    iso = text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]", "${1}T")
    frame = pl.DataFrame({"iso": iso})
    naive = pl.coalesce(
        *(pl.col("iso").str.strptime(pl.Datetime("us"), f, strict=False) for f in _NAIVE_FORMATS)
    )
    return frame.select(_localise(naive, tz)).to_series()


def _first_parse(text: pl.Series, formats: Sequence[str], dtype: pl.DataType) -> pl.Series:
    """Each format in turn, on the values the ones before could not read."""
    out = pl.Series("ts", [None] * len(text), dtype=dtype)
    todo = np.flatnonzero(text.is_not_null().to_numpy())
    for fmt in formats:
        if len(todo) == 0:
            break
        parsed = text.gather(todo).str.strptime(dtype, fmt, strict=False)  # type: ignore[arg-type]
        ok = parsed.is_not_null().to_numpy()
        if ok.any():
            out.scatter(todo[ok], parsed.filter(pl.Series(ok)))
        todo = todo[~ok]
    return out


def _day_order(
    day_a: pl.Series,
    day_b: pl.Series,
    shown: pl.Series,
    dayfirst: bool | None,
    rows: pl.Series | None,
    file: str,
) -> bool:
    """Whether day/month dates put the day first: as told, else as the values prove."""
    if dayfirst is not None:
        return dayfirst
    a, b = day_a.to_numpy(), day_b.to_numpy()
    as_day_first = (a >= 1) & (a <= 31) & (b >= 1) & (b <= 12)
    as_month_first = (a >= 1) & (a <= 12) & (b >= 1) & (b <= 31)
    proves_day = np.flatnonzero(as_day_first & ~as_month_first)
    proves_month = np.flatnonzero(as_month_first & ~as_day_first)
    either = np.flatnonzero(as_day_first & as_month_first)

    def where(i: int) -> str:
        return f"{file} row {rows[int(i)]}" if rows is not None else file

    if len(proves_day) and len(proves_month):
        i, j = proves_day[0], proves_month[0]
        raise InputError(
            f"{where(i)} has a day-first date ({shown[int(i)]!r}) and {where(j)} a month-first "
            f"one ({shown[int(j)]!r}); split the file or pass --time-format"
        )
    if len(proves_day):
        return True
    if len(proves_month) or not len(either):
        return False  # (no value is a valid date either way: all unreadable)
    k = int(either[0])
    raise InputError(
        f"{where(k)}: the date {shown[k]!r} can be read day/month or month/day, and no "
        "time in the column tells which; pass --dayfirst (26/09/2023) or --monthfirst "
        "(9/26/2023)"
    )


def _human_text(
    text: pl.Series, dayfirst: bool | None, rows: pl.Series | None, file: str
) -> pl.Series:
    """Human-written times rewritten towards ``YYYY-MM-DD HH:MM[:SS] [AM] [+HHMM]`` or
    ``Mon DD YYYY ...``: weekday, commas and ``at`` dropped, month names cut to three
    letters, a zone abbreviation replaced by its offset, d/m/Y put in ISO order."""
    frame = pl.DataFrame({"t": text})
    clean = (
        pl.col("t")
        .str.replace(_WEEKDAY_RE, "")
        .str.replace(r"^(\d{4}-\d{2}-\d{2})T", "${1} ")
        .str.replace_all(r"(?i),|\bat\b", " ")
        .str.replace_all(_MONTH_RE, "${1}")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    zone = clean.str.extract(_ZONE_RE, 1)
    clean = (
        pl.when(zone.is_not_null())
        .then(
            pl.concat_str(
                clean.str.replace(_ZONE_RE, ""),
                pl.lit(" "),
                zone.replace_strict(ZONE_ABBREVIATIONS, default=None),
            )
        )
        .otherwise(clean)
        .str.replace(r"(\d)([+-]\d{2}):?(\d{2})$", "${1} ${2}${3}")
        .str.replace(r"(?i)\s*(am|pm)", " ${1}")
        .str.to_uppercase()
    )
    out = frame.select(
        pl.col("t"),
        clean.alias("c"),
        *(clean.str.extract(_SLASH_RE, i).alias(f"g{i}") for i in (1, 2, 3, 4)),
    )
    slash = out["g1"].is_not_null()
    if not slash.any():
        return out["c"]
    picked = out.filter(slash)
    picked_rows = rows.filter(slash) if rows is not None else None
    a, b = picked["g1"].cast(pl.Int32), picked["g2"].cast(pl.Int32)
    first = _day_order(a, b, picked["t"], dayfirst, picked_rows, file)
    day, month = (pl.col("g1"), pl.col("g2")) if first else (pl.col("g2"), pl.col("g1"))
    iso = pl.concat_str(
        pl.col("g3"), pl.lit("-"), month.str.zfill(2), pl.lit("-"), day.str.zfill(2), pl.col("g4")
    )
    return out.select(pl.when(pl.col("g1").is_not_null()).then(iso).otherwise("c")).to_series()


def _human_formats(aware: bool) -> list[str]:
    zone = " %z" if aware else ""
    return [f"{d}{c}{zone}" for d in _DATES for c in _CLOCKS if c or not aware]


def _parse_strings(
    values: pl.Series,
    tz: str,
    *,
    dayfirst: bool | None = None,
    time_format: str | None = None,
    rows: pl.Series | None = None,
    file: str = "input",
) -> pl.Series:
    """Staged parse: each stage runs only on the values no earlier stage could read, so a
    column in one shape costs one fast pass (the common case) and mixed columns stay exact."""
    text = values.cast(pl.String).str.strip_chars()
    if rows is None:
        rows = pl.Series("row", np.arange(1, len(text) + 1, dtype=np.uint64))
    empty = (text.is_null() | (text.str.len_bytes() == 0)).fill_null(True)
    ts = pl.Series("ts", [None] * len(text), dtype=UTC_DATETIME)
    naive = np.zeros(len(text), dtype=bool)
    todo = np.flatnonzero(~empty.to_numpy())
    human: dict[str, pl.Series] = {}

    def prepared(t: pl.Series) -> pl.Series:
        # the human stages share one rewrite of the values left (computed once)
        if "t" not in human or len(human["t"]) != len(t):
            human["t"] = _human_text(t, dayfirst, rows.gather(todo), file)
        return human["t"]

    stages: tuple[tuple[Callable[[pl.Series], pl.Series], bool], ...]
    if time_format is not None:
        stages = ((lambda t: _with_format(t, time_format, tz), "%z" not in time_format.lower()),)
    else:
        stages = (
            (lambda t: _from_epoch_series(t), False),
            # the most common export shape, parsed by polars' fast path
            (
                lambda t: t.str.strptime(
                    pl.Datetime("us"), "%Y-%m-%dT%H:%M:%SZ", strict=False
                ).dt.replace_time_zone("UTC"),
                False,
            ),
            # the next most common, with a numeric offset: read as `_aware_iso` would read
            # it, without its four rewrites of every value
            (lambda t: t.str.strptime(UTC_DATETIME, _OFFSET_FORMAT, strict=False), False),
            (_aware_iso, False),
            (lambda t: _naive(t, tz), True),
            (lambda t: _first_parse(prepared(t), _human_formats(True), UTC_DATETIME), False),
            (
                lambda t: _localise_series(
                    _first_parse(prepared(t), _human_formats(False), pl.Datetime("us")), tz
                ),
                True,
            ),
        )
    for stage, is_naive in stages:
        if len(todo) == 0:
            break
        parsed = stage(text.gather(todo))
        ok = parsed.is_not_null().to_numpy()
        if ok.any():
            ts.scatter(todo[ok], parsed.filter(pl.Series(ok)))
            naive[todo[ok]] = is_naive
            if "t" in human:
                human["t"] = human["t"].filter(pl.Series(~ok))
        todo = todo[~ok]
    return pl.DataFrame(
        {"ts": ts, "empty": empty, "naive": pl.Series(naive, dtype=pl.Boolean)}
    ).to_struct("time")


def _localise_series(naive: pl.Series, tz: str) -> pl.Series:
    return naive.to_frame("n").select(_localise(pl.col("n"), tz)).to_series()


def _with_format(text: pl.Series, time_format: str, tz: str) -> pl.Series:
    """The user's strftime format; ``%Z`` reads a zone abbreviation of the table."""
    fmt = time_format
    if "%Z" in fmt:
        zone = text.str.extract(r"\b(" + "|".join(ZONE_ABBREVIATIONS) + r")\b", 1)
        offsets = zone.replace_strict(ZONE_ABBREVIATIONS, default=None)
        text = (
            pl.DataFrame({"t": text, "o": offsets})
            .select(
                pl.col("t").str.replace(r"\b(?:" + "|".join(ZONE_ABBREVIATIONS) + r")\b", "\x00")
            )
            .to_series()
        )
        text = (
            pl.DataFrame({"t": text, "o": offsets})
            .select(pl.col("t").str.replace("\x00", pl.col("o"), literal=True))
            .to_series()
        )
        fmt = fmt.replace("%Z", "%z")
    try:
        if "%z" in fmt:
            return text.str.strptime(UTC_DATETIME, fmt, strict=False)
        return _localise_series(text.str.strptime(pl.Datetime("us"), fmt, strict=False), tz)
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            f"--time-format {time_format!r}: not a usable strftime format ({exc}); "
            "e.g. '%d/%m/%Y %H:%M'"
        ) from exc


def _from_epoch_series(text: pl.Series) -> pl.Series:
    frame = pl.DataFrame({"t": text})
    return frame.select(
        pl.when(pl.col("t").str.contains(_NUMERIC)).then(
            _from_epoch(pl.col("t").cast(pl.Float64, strict=False))
        )
    ).to_series()


TIME_STRUCT = pl.Struct({"ts": UTC_DATETIME, "empty": pl.Boolean, "naive": pl.Boolean})


def time_parse(
    column: str | pl.Expr,
    dtype: pl.DataType,
    *,
    tz: str | None = None,
    dayfirst: bool | None = None,
    time_format: str | None = None,
    rows: pl.Expr | None = None,
    file: str = "input",
) -> pl.Expr:
    """An expression reading the time column `column` (of type `dtype`) as UTC.

    Parameters
    ----------
    column
        The column name or expression holding the times.
    dtype
        Its polars type; strings, numbers (epochs), dates and datetimes are read.
    tz
        IANA zone of times written without one; None reads them as UTC.
    dayfirst
        Order of day/month dates (``26/09/2023``); None reads it from the values, and
        raises `InputError` when they leave it open.
    time_format
        One strftime format for every value instead of the accepted shapes.
    rows, file
        The row numbers and file name that errors about the column cite.

    Returns
    -------
    pl.Expr
        A struct (`TIME_STRUCT`) with ``ts`` (``datetime[us, UTC]``, null where empty or
        unreadable), ``empty`` (the value is missing or blank: a different reject reason
        than unreadable) and ``naive`` (the value had no zone and was read in `tz`).
    """
    zone = check_time_zone(tz)
    expr = pl.col(column) if isinstance(column, str) else column
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            ts = _localise(expr.cast(pl.Datetime("us")), zone)
            naive = expr.is_not_null()
        else:
            ts = expr.dt.convert_time_zone("UTC").cast(UTC_DATETIME)
            naive = pl.lit(False)
        return pl.struct(ts.alias("ts"), expr.is_null().alias("empty"), naive.alias("naive"))
    if isinstance(dtype, pl.Date):
        return pl.struct(
            _localise(expr.cast(pl.Datetime("us")), zone).alias("ts"),
            expr.is_null().alias("empty"),
            expr.is_not_null().alias("naive"),
        )
    if dtype.is_numeric() and time_format is None:
        return pl.struct(
            _from_epoch(expr.cast(pl.Float64)).alias("ts"),
            expr.is_null().alias("empty"),
            pl.lit(False).alias("naive"),
        )
    if time_format is not None and "%" not in time_format:
        raise InputError(f"--time-format {time_format!r}: no strftime field; e.g. '%d/%m/%Y %H:%M'")
    options = {"dayfirst": dayfirst, "time_format": time_format, "file": file}
    if rows is None:
        return expr.map_batches(
            lambda s: _parse_strings(s, zone, **options),  # type: ignore[arg-type]
            return_dtype=TIME_STRUCT,
            is_elementwise=False,  # the day/month order is decided over the whole column
        )
    return pl.struct(expr.cast(pl.String).alias("v"), rows.alias("r")).map_batches(
        lambda s: _parse_strings(
            s.struct.field("v"),
            zone,
            rows=s.struct.field("r"),
            **options,  # type: ignore[arg-type]
        ),
        return_dtype=TIME_STRUCT,
        is_elementwise=False,
    )


def parse_times(
    values: pl.Series,
    *,
    tz: str | None = None,
    dayfirst: bool | None = None,
    time_format: str | None = None,
) -> pl.Series:
    """Read a series of times in any accepted shape as ``datetime[us, UTC]``.

    Empty and unreadable values become null; `tz` is the zone of naive values (UTC if None).

    Examples
    --------
    >>> import polars as pl
    >>> s = pl.Series("t", ["2023-09-26T21:14:05+07:00", "Tue Sep 26 21:14:05 +0000 2023",
    ...                     "1695762845", "1695762845000", "2023-09-26", "soon", None])
    >>> [str(v) for v in parse_times(s).to_list()]  # doctest: +NORMALIZE_WHITESPACE
    ['2023-09-26 14:14:05+00:00', '2023-09-26 21:14:05+00:00', '2023-09-26 21:14:05+00:00',
     '2023-09-26 21:14:05+00:00', '2023-09-26 00:00:00+00:00', 'None', 'None']
    >>> str(parse_times(pl.Series(["2023-09-26 08:00"]), tz="Asia/Jakarta")[0])
    '2023-09-26 01:00:00+00:00'
    >>> s = pl.Series(["2023-09-26 10:15:00 WIB", "Sep 26, 2023 10:15 PM EDT",
    ...                "Tue, 26 Sep 2023 10:15:00 +0700", "26/09/2023 10:15"])
    >>> [str(v) for v in parse_times(s).to_list()]  # doctest: +NORMALIZE_WHITESPACE
    ['2023-09-26 03:15:00+00:00', '2023-09-27 02:15:00+00:00', '2023-09-26 03:15:00+00:00',
     '2023-09-26 10:15:00+00:00']
    """
    parsed = time_parse(
        pl.col(values.name), values.dtype, tz=tz, dayfirst=dayfirst, time_format=time_format
    )
    try:
        return values.to_frame().select(parsed.struct.field("ts").alias(values.name)).to_series()
    except InputError as exc:
        raise InputError(str(exc).split("\n", 1)[0]) from None
