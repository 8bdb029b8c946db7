"""Every threshold of a scan, in one frozen, documented, serialisable object.

The JSON report echoes the effective configuration, so a result can always be rerun
with the same settings; `ScanConfig.from_toml` reads the same keys from a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from campaign_detect.clusters import ClusterParams
from campaign_detect.errors import InputError
from campaign_detect.objects import OBJECT_KINDS as _OBJECT_KINDS
from campaign_detect.score import NULL_ROUNDS, NULL_SHIFT, SYNC_SCALES, ScoreWeights, SelectParams
from campaign_detect.signals import BURST_SCALES, SignalParams
from campaign_detect.values import Duration, format_duration, iso_z, parse_duration

__all__ = ["ScanConfig", "parse_duration"]


def _text(duration: Duration | None) -> str | None:
    return None if duration is None else duration.text


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
    objects: tuple[str, ...] = SignalParams.objects
    extra_objects: tuple[str, ...] = SignalParams.extra_objects
    max_accounts_per_window: int = SignalParams.max_accounts_per_window
    min_repeats: int = ClusterParams.min_repeats
    max_chance: float = ClusterParams.max_chance
    wide_window: str | None = _text(SignalParams.wide_window)
    burst_scales: tuple[str, ...] = BURST_SCALES
    sync_scales: tuple[str, ...] = tuple(format_duration(s) for s in SYNC_SCALES)
    template_threshold: float = SignalParams.template_threshold
    min_accounts: int = ClusterParams.min_accounts
    min_score: float = SelectParams.min_score
    top: int | None = SelectParams.top
    max_p_value: float = SelectParams.max_p_value
    min_repetition: float = SelectParams.min_repetition
    min_amplification: float = SelectParams.min_amplification
    null_rounds: int = NULL_ROUNDS
    null_shift: str = format_duration(NULL_SHIFT)
    resolution: float = ClusterParams.resolution
    seed: int = 0
    since: datetime | None = SelectParams.since
    until: datetime | None = SelectParams.until
    hashtag: str | None = SelectParams.hashtag
    # kept last: tells a reader which keys came from a file
    source: str | None = field(default=None, compare=False)
    # the duration settings, parsed once (see `__post_init__`)
    _durations: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def parse(value: str, name: str) -> Duration:
            return Duration.parse(value, name=name)

        durations = {
            "window": parse(self.window, "window") if self.window is not None else None,
            "wide_window": (
                parse(self.wide_window, "wide_window") if self.wide_window is not None else None
            ),
            "null_shift": parse(self.null_shift, "null_shift"),
            "burst_scales": tuple(parse(s, "burst_scales") for s in self.burst_scales),
            "sync_scales": tuple(parse(s, "sync_scales") for s in self.sync_scales),
        }
        object.__setattr__(self, "_durations", durations)
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

    def signal_params(self) -> SignalParams:
        """The settings of the signals stage."""
        d = self._durations
        return SignalParams(
            window=d["window"],
            wide_window=d["wide_window"],
            objects=self.objects,
            extra_objects=self.extra_objects,
            max_accounts_per_window=self.max_accounts_per_window,
            burst_scales=d["burst_scales"],
            template_threshold=self.template_threshold,
            seed=self.seed,
        )

    def cluster_params(self) -> ClusterParams:
        """The settings of the clustering stage."""
        return ClusterParams(
            objects=self.objects,
            extra_objects=self.extra_objects,
            min_repeats=self.min_repeats,
            max_chance=self.max_chance,
            resolution=self.resolution,
            min_accounts=self.min_accounts,
            max_object_users=self.max_accounts_per_window,
            seed=self.seed,
        )

    def score_settings(self) -> dict[str, Any]:
        """The keyword settings of `campaign_detect.score.score_clusters`."""
        d = self._durations
        return {
            "null_rounds": self.null_rounds,
            "null_shift": d["null_shift"].delta,
            "seed": self.seed,
            "weights": ScoreWeights(),
            "sync_scales": [s.delta for s in d["sync_scales"]],
        }

    def select_params(self) -> SelectParams:
        """The reporting rules and the user's filters."""
        return SelectParams(
            max_p_value=self.max_p_value,
            min_repetition=self.min_repetition,
            min_amplification=self.min_amplification,
            min_score=self.min_score,
            top=self.top,
            since=self.since,
            until=self.until,
            hashtag=self.hashtag,
        )

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
        known = {f.name for f in fields(cls) if f.init} - {"source"}
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
        for f in fields(self):
            if not f.init or f.name == "source":
                continue
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, datetime):
                value = iso_z(value)
            out[f.name] = value
        return out
