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

Day-first or month-first dates (``26/09/2023``) are ambiguous and are not guessed: they count
as unreadable times.
"""

from __future__ import annotations

import zoneinfo

import numpy as np
import polars as pl

from campaign_detect.errors import InputError

__all__ = ["TIME_STRUCT", "UTC_DATETIME", "check_time_zone", "parse_times", "time_parse"]

UTC_DATETIME = pl.Datetime("us", "UTC")

_NUMERIC = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z")
_TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
)


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
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"--tz: unknown time zone {tz!r}; use an IANA name such as 'UTC' or 'Asia/Jakarta'"
        ) from exc
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


def _parse_strings(values: pl.Series, tz: str) -> pl.Series:
    """Staged parse: each stage runs only on the values no earlier stage could read, so a
    column in one shape costs one fast pass (the common case) and mixed columns stay exact."""
    text = values.cast(pl.String).str.strip_chars()
    empty = (text.is_null() | (text.str.len_bytes() == 0)).fill_null(True)
    ts = pl.Series("ts", [None] * len(text), dtype=UTC_DATETIME)
    naive = np.zeros(len(text), dtype=bool)
    todo = np.flatnonzero(~empty.to_numpy())
    stages = (
        (lambda t: _from_epoch_series(t), False),
        # the most common export shape, parsed by polars' fast path
        (
            lambda t: t.str.strptime(
                pl.Datetime("us"), "%Y-%m-%dT%H:%M:%SZ", strict=False
            ).dt.replace_time_zone("UTC"),
            False,
        ),
        (_aware_iso, False),
        (lambda t: _naive(t, tz), True),
    )
    for stage, is_naive in stages:
        if len(todo) == 0:
            break
        parsed = stage(text.gather(todo))
        ok = parsed.is_not_null().to_numpy()
        if ok.any():
            ts.scatter(todo[ok], parsed.filter(pl.Series(ok)))
            naive[todo[ok]] = is_naive
        todo = todo[~ok]
    return pl.DataFrame(
        {"ts": ts, "empty": empty, "naive": pl.Series(naive, dtype=pl.Boolean)}
    ).to_struct("time")


def _from_epoch_series(text: pl.Series) -> pl.Series:
    frame = pl.DataFrame({"t": text})
    return frame.select(
        pl.when(pl.col("t").str.contains(_NUMERIC)).then(
            _from_epoch(pl.col("t").cast(pl.Float64, strict=False))
        )
    ).to_series()


TIME_STRUCT = pl.Struct({"ts": UTC_DATETIME, "empty": pl.Boolean, "naive": pl.Boolean})


def time_parse(column: str | pl.Expr, dtype: pl.DataType, *, tz: str | None = None) -> pl.Expr:
    """An expression reading the time column `column` (of type `dtype`) as UTC.

    Parameters
    ----------
    column
        The column name or expression holding the times.
    dtype
        Its polars type; strings, numbers (epochs), dates and datetimes are read.
    tz
        IANA zone of times written without one; None reads them as UTC.

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
    if dtype.is_numeric():
        return pl.struct(
            _from_epoch(expr.cast(pl.Float64)).alias("ts"),
            expr.is_null().alias("empty"),
            pl.lit(False).alias("naive"),
        )
    return expr.map_batches(
        lambda s: _parse_strings(s, zone), return_dtype=TIME_STRUCT, is_elementwise=True
    )


def parse_times(values: pl.Series, *, tz: str | None = None) -> pl.Series:
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
    """
    parsed = time_parse(pl.col(values.name), values.dtype, tz=tz)
    return values.to_frame().select(parsed.struct.field("ts").alias(values.name)).to_series()
