"""Every threshold of a scan, in one frozen, documented, serialisable object.

The JSON report echoes the effective configuration, so a result can always be rerun
with the same settings; `ScanConfig.from_toml` reads the same keys from a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.schema import OBJECT_KINDS as _OBJECT_KINDS

__all__ = ["ScanConfig", "parse_duration"]


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
class ScanConfig:
    """Settings of one scan. Defaults are the documented domain defaults.

    Parameters
    ----------
    window
        Co-action window Δt as a duration (``"10m"``); None estimates it from the data.
    objects
        Kinds of shared object that count as co-action.
    extra_objects
        Input columns whose values also count as shared objects (e.g. ``music_id``).
    max_accounts_per_window
        An object's time window with more accounts than this is bounded (not paired
        exhaustively) and reported, so a viral hashtag cannot exhaust memory.
    min_repeats
        Account pairs need at least this many distinct co-action events to link in the
        cluster graph; one coincidence is not coordination.
    wide_window
        A second, wider co-action window (``"1h"``): account pairs are also linked when
        their co-action holds at it (a ring posting within the same hour, rarely within
        minutes of each other), and each cluster reports how many of its links hold at
        both windows (`robustness`). None, or a window no wider than Δt, uses Δt alone.
    burst_scales
        Bin widths at which bursts are looked for.
    sync_scales
        Windows wider than Δt at which a cluster's co-posting is also compared with chance
        (narrower than `null_shift`); each cluster is judged at its most telling one, and
        the p-value is corrected for the windows tried.
    template_threshold
        Similarity to a template's representative text that a post needs to join it.
    min_accounts
        Smallest cluster reported.
    min_score, top
        Report only clusters scoring at least `min_score`, and at most `top` of them.
    max_p_value
        Report only clusters whose co-posting beats the null model at this level, after the
        correction for the clusters and windows tried; 1 reports them all.
    min_repetition
        Report only clusters whose `repeated_coaction` is at least this: most members must
        have acted together more than once. A crowd reacting once to one piece of news is
        synchronous, but one coincidence per account is not coordination.
    min_amplification
        Report only clusters with at least this many accounts per object they push
        (`amplification`): a campaign amplifies a few messages through many accounts; a
        handful of feeds reposting hundreds of unrelated links (0.02-0.1) is not one. The
        default, one account per two messages, keeps a small ring of eight accounts
        spreading seven copypastas (0.7).
    null_rounds, null_shift
        Rounds of the null model, and the largest random shift of each account's post
        times in it.
    resolution
        Leiden resolution: higher splits the account graph into smaller clusters.
    seed
        Seed of every random step (Leiden, the null model), for identical output.
    since, until, hashtag
        Report only clusters active in this time range / using this hashtag.
    """

    window: str | None = None
    objects: tuple[str, ...] = _OBJECT_KINDS
    extra_objects: tuple[str, ...] = ()
    max_accounts_per_window: int = 1000
    min_repeats: int = 2
    max_chance: float = 1e-4
    wide_window: str | None = "1h"
    burst_scales: tuple[str, ...] = ("15m", "1h", "6h", "1d")
    sync_scales: tuple[str, ...] = ("15m", "1h", "6h")
    template_threshold: float = 0.6
    min_accounts: int = 3
    min_score: float = 0.0
    top: int | None = None
    max_p_value: float = 0.05
    min_repetition: float = 0.5
    min_amplification: float = 0.5
    null_rounds: int = 20
    null_shift: str = "3d"
    resolution: float = 1.0
    seed: int = 0
    since: datetime | None = None
    until: datetime | None = None
    hashtag: str | None = None
    # kept last: tells a reader which keys came from a file
    source: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.window is not None:
            parse_duration(self.window, name="window")
        if self.wide_window is not None:
            parse_duration(self.wide_window, name="wide_window")
        parse_duration(self.null_shift, name="null_shift")
        for scale in self.burst_scales:
            parse_duration(scale, name="burst_scales")
        for scale in self.sync_scales:
            parse_duration(scale, name="sync_scales")
        unknown = sorted(set(self.objects) - set(_OBJECT_KINDS))
        if unknown:
            raise InputError(
                f"objects: unknown kind(s) {unknown}; choose from {', '.join(_OBJECT_KINDS)}"
            )
        for name in ("min_repeats", "min_accounts", "max_accounts_per_window"):
            if getattr(self, name) < 1:
                raise InputError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.null_rounds < 0:
            raise InputError(f"null_rounds must be 0 or more, got {self.null_rounds}")
        if not 0.0 < self.template_threshold <= 1.0:
            raise InputError(f"template_threshold must be in (0, 1], got {self.template_threshold}")
        for name in ("max_p_value", "min_repetition"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if self.min_amplification < 0:
            raise InputError(f"min_amplification must be 0 or more, got {self.min_amplification}")
        if self.top is not None and self.top < 1:
            raise InputError(f"top must be at least 1, got {self.top}")
        if self.since and self.until and self.since >= self.until:
            raise InputError(f"since ({self.since}) must be before until ({self.until})")

    def with_options(self, **options: Any) -> ScanConfig:
        """A copy with the options that are not None replaced (what the CLI passes)."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    @classmethod
    def from_toml(cls, path: str | Path) -> ScanConfig:
        """Read settings from a TOML file with the same keys (``[scan]`` table or top level).

        Raises
        ------
        InputError
            When the file is missing, is not TOML, or holds an unknown key.
        """
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise InputError(f"{path}: config file not found") from exc
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML: {exc}") from exc
        data = data.get("scan", data)
        known = {f.name for f in fields(cls)} - {"source"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
        for key in ("objects", "extra_objects", "burst_scales", "sync_scales"):
            if key in data:
                data[key] = tuple(data[key])
        return cls(**data, source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings in a fixed key order (datetimes as ISO 8601 UTC)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if key == "source":
                continue
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, datetime):
                value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
            out[key] = value
        return out
