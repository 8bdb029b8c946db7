"""How values are read from settings and written into outputs, in one place.

Durations are written the way people type them (``30s``, ``10m``, ``1h``, ``3d``) and
parsed once into a `Duration` that carries both forms; times in outputs are UTC ISO 8601
with ``Z``; floats are rounded so that the same input gives byte-identical JSON.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from campaign_detect.errors import InputError

__all__ = [
    "DAY_S",
    "HOUR_S",
    "Duration",
    "dumps",
    "dumps_lines",
    "format_duration",
    "human_duration",
    "iso_z",
    "parse_duration",
    "round_float",
    "time_zone",
]


def parse_duration(value: str, *, name: str) -> timedelta:
    """The length of a polars duration string such as ``30s``, ``10m``, ``1h`` or ``1d``.

    Raises
    ------
    InputError
        Naming the option and the value, when it is not a positive duration.

    Examples
    --------
    >>> parse_duration("90s", name="window")
    datetime.timedelta(seconds=90)
    """
    origin = datetime(2000, 1, 1)
    try:
        shifted = pl.select(pl.lit(origin).dt.offset_by(value)).item()
    except Exception as exc:  # polars raises several exception types for a bad duration
        raise InputError(
            f"{name}: {value!r} is not a duration; use a number and a unit, e.g. 30s, 10m, 1h, 1d"
        ) from exc
    if shifted <= origin:
        raise InputError(f"{name}: {value!r} must be a positive duration, e.g. 30s, 10m, 1h")
    return shifted - origin


@dataclass(frozen=True)
class Duration:
    """A duration as the user wrote it (`text`, echoed in outputs) and as the stages use it
    (`delta`), parsed once.

    Examples
    --------
    >>> Duration.parse("1h", name="wide_window").seconds
    3600
    """

    text: str
    delta: timedelta

    @classmethod
    def parse(cls, value: str | timedelta | Duration, *, name: str) -> Duration:
        """A `Duration` from its text, a timedelta (written back as `format_duration`
        gives) or another `Duration`; `name` is the setting named in the error."""
        if isinstance(value, Duration):
            return value
        if isinstance(value, timedelta):
            if value <= timedelta(0):
                raise InputError(f"{name}: {value} must be a positive duration, e.g. 30s, 10m")
            return cls(format_duration(value), value)
        return cls(value, parse_duration(value, name=name))

    @property
    def seconds(self) -> int:
        """Whole seconds (what the second-resolution stages compare with)."""
        return int(self.delta.total_seconds())

    def __str__(self) -> str:
        return self.text


def time_zone(name: str, *, option: str) -> ZoneInfo:
    """The IANA zone `name`, for the option that named it.

    Raises
    ------
    InputError
        Naming `option` and the value, when `name` is no IANA zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InputError(
            f"{option}: unknown time zone {name!r}; use an IANA name such as 'UTC' or "
            "'Asia/Jakarta'"
        ) from exc


def format_duration(window: timedelta) -> str:
    """The shortest exact spelling of `window` in one unit: ``150s``, ``10m``, ``1h``, ``3d``.

    Examples
    --------
    >>> format_duration(timedelta(minutes=90)), format_duration(timedelta(seconds=150))
    ('90m', '150s')
    """
    seconds = int(window.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def human_duration(hours: float) -> str:
    """A length of time for a sentence: ``12 minutes``, ``1 hour``, ``19 hours``, ``4 days``."""
    if hours < 1:
        return f"{max(1, round(hours * 60))} minutes"
    if hours <= 72:
        return f"{round(hours)} hours" if round(hours) != 1 else "1 hour"
    return f"{round(hours / 24)} days"


def iso_z(value: datetime | None, *, fraction: bool = False) -> str | None:
    """A time as UTC ISO 8601 with ``Z``: whole seconds (the contract's time format), or
    with microseconds when `fraction` is set and the time has them (input accounting)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if fraction and value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def round_float(value: Any, digits: int = 4) -> float | None:
    """A float rounded for stable output; NaN becomes None (JSON null)."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return 1e308 if value > 0 else -1e308
    return round(value, digits)


def dumps(document: dict[str, Any]) -> str:
    """Serialise a report document as indented UTF-8 JSON with a final newline.

    Keys keep the order the document was built in (the contract's order); non-ASCII text
    (Indonesian, emoji) is written as itself, not as escapes.
    """
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dumps_lines(records: list[dict[str, Any]]) -> str:
    """One compact JSON object per line (JSON Lines), for streaming consumers."""
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records)


# seconds in an hour and in a day, for the stages that work in epoch seconds
HOUR_S = 3_600
DAY_S = 86_400
