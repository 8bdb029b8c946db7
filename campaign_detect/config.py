"""Every threshold of a scan, in one frozen, documented, serialisable object.

The JSON report echoes the effective configuration, so a result can always be rerun
with the same settings; `ScanConfig.from_toml` reads the same keys from a file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from campaign_detect.clusters import ClusterParams
from campaign_detect.clusters.merge import MERGE_PARTS
from campaign_detect.errors import InputError
from campaign_detect.objects import OBJECT_KINDS as _OBJECT_KINDS
from campaign_detect.score import NULL_ROUNDS, NULL_SHIFT, SYNC_SCALES, ScoreWeights, SelectParams
from campaign_detect.score.audience import AUDIENCE_TEST
from campaign_detect.signals import BURST_SCALES, ENGINES, SignalParams
from campaign_detect.values import Duration, format_duration, iso_z, parse_duration

__all__ = ["ScanConfig", "parse_duration", "settings_table"]


# command-line spellings of settings whose option is named otherwise (``--max-p``,
# ``--object``): a TOML file may use either name
OPTION_ALIASES = {"max_p": "max_p_value", "object": "extra_objects"}
# the value of `wide_window` that turns the second window off (in TOML, on the CLI, in JSON)
OFF = "off"


def _text(duration: Duration | None) -> str | None:
    return None if duration is None else duration.text


def _setting(default: Any, help_text: str) -> Any:
    """A `ScanConfig` field: its default and the one sentence that the CLI help, the docs
    (`docs/settings.md`) and the TOML reader all show for it."""
    return field(default=default, metadata={"help": help_text})


def _texts(durations: tuple[timedelta, ...]) -> tuple[str, ...]:
    return tuple(format_duration(d) for d in durations)


_WEIGHTS = ScoreWeights()


@dataclass(frozen=True)
class ScanConfig:
    """Settings of one scan: every threshold, with its documented default.

    Each field's default is the constant of the stage that uses it (defined there once), its
    help is in the field's metadata (``help``, shown by `--help` and `docs/settings.md`),
    and its value is echoed in the JSON ``config`` under the same name, which a TOML file
    (`from_toml`) also uses. Durations are written as text (``30s``, ``10m``, ``1h``) and
    parsed once, here.
    """

    window: str | None = _setting(
        None, "Co-action window Δt (30s, 10m, 1h); none estimates it from the data."
    )
    objects: tuple[str, ...] = _setting(
        SignalParams.objects, "Kinds of shared object that count as co-action."
    )
    extra_objects: tuple[str, ...] = _setting(
        SignalParams.extra_objects,
        "Input columns whose values also count as shared objects (e.g. music_id).",
    )
    max_accounts_per_window: int = _setting(
        SignalParams.max_accounts_per_window,
        "An object's Δt cell with more accounts than this is bounded (not paired) and "
        "reported, so a viral hashtag cannot exhaust memory.",
    )
    min_repeats: int = _setting(
        ClusterParams.min_repeats,
        "Distinct co-action events two accounts need to be linked; 1 links every coincidence.",
    )
    max_chance: float = _setting(
        ClusterParams.max_chance,
        "Largest chance probability (p_chance) of a pair's events for the pair to be linked.",
    )
    wide_window: str | None = _setting(
        _text(SignalParams.wide_window),
        "A second, wider co-action window; 'off' (or one no wider than Δt) uses Δt alone.",
    )
    burst_scales: tuple[str, ...] = _setting(
        BURST_SCALES, "Bin widths at which bursts are looked for."
    )
    sync_scales: tuple[str, ...] = _setting(
        _texts(SYNC_SCALES),
        "Windows wider than Δt at which a cluster's co-posting is also compared with chance.",
    )
    template_threshold: float = _setting(
        SignalParams.template_threshold,
        "Similarity to a template's representative text that a post needs to join it.",
    )
    min_accounts: int = _setting(ClusterParams.min_accounts, "Smallest cluster reported.")
    min_score: float = _setting(SelectParams.min_score, "Hide clusters scoring below this.")
    top: int | None = _setting(SelectParams.top, "Report at most this many clusters.")
    max_p_value: float = _setting(
        SelectParams.max_p_value,
        "Hide clusters whose co-posting is not significant at this level (corrected); "
        "1 shows them all.",
    )
    min_beyond_chance: float = _setting(
        SelectParams.min_beyond_chance,
        "Hide clusters in which fewer members than this share co-post at least twice what "
        "chance gives them (a few busy members, or schedules); 0 shows them all.",
    )
    min_repetition: float = _setting(
        SelectParams.min_repetition,
        "Hide clusters whose members mostly acted together only once; 0 shows them all.",
    )
    min_amplification: float = _setting(
        SelectParams.min_amplification,
        "Hide clusters with fewer accounts per object they push than this (feeds reposting "
        "many links); 0 shows them all.",
    )
    null_rounds: int = _setting(NULL_ROUNDS, "Rounds of the null model; 0 skips significance.")
    null_shift: str = _setting(
        format_duration(NULL_SHIFT),
        "Largest random shift of each account's post times in the null model.",
    )
    resolution: float = _setting(
        ClusterParams.resolution, "Leiden resolution: higher splits into smaller clusters."
    )
    seed: int = _setting(0, "Seed of every random step (Leiden, the null model).")
    since: datetime | None = _setting(
        SelectParams.since,
        "Only clusters active at or after this time (an offset, or UTC; a date is its start).",
    )
    until: datetime | None = _setting(
        SelectParams.until,
        "Only clusters active at or before this time (an offset, or UTC; a date is its end).",
    )
    hashtag: str | None = _setting(
        SelectParams.hashtag, "Only clusters whose members used this hashtag."
    )
    window_quantile: float = _setting(
        SignalParams.window_quantile,
        "Δt estimate: the quickest share of objects looked at (CooRnet's quantile).",
    )
    window_share: float = _setting(
        SignalParams.window_share,
        "Δt estimate: share of an object's accounts that must have posted it.",
    )
    max_window: str = _setting(
        SignalParams.max_window.text, "Δt estimate: the largest window it may give."
    )
    max_object_users: int = _setting(
        ClusterParams.max_object_users,
        "A repeated object with more repeaters than this is no campaign's (too widely used).",
    )
    burst_min_posts: int = _setting(SignalParams.burst_min_posts, "Fewest posts in a burst.")
    burst_min_accounts: int = _setting(
        SignalParams.burst_min_accounts, "Fewest accounts in a burst."
    )
    burst_threshold: float = _setting(
        SignalParams.burst_threshold,
        "Strength (-log10 tail probability) a time bin needs to be part of a burst.",
    )
    script_scales: tuple[str, ...] = _setting(
        _texts(ClusterParams.script_scales),
        "Windows at which a template's posts are tested for bunching up (a pushed script).",
    )
    script_alpha: float = _setting(
        ClusterParams.script_alpha, "Level of the pushed-script scan statistic."
    )
    script_overlap: float = _setting(
        ClusterParams.script_overlap,
        "Overlap (of accounts, or of push windows on one hashtag) at which pushed templates "
        "are one script.",
    )
    weight_synchrony: float = _setting(
        _WEIGHTS.synchrony, "Weight of synchrony in the score (the four weights sum to 1)."
    )
    weight_template_share: float = _setting(
        _WEIGHTS.template_share, "Weight of the template share in the score."
    )
    weight_focus: float = _setting(_WEIGHTS.focus, "Weight of focus in the score.")
    weight_burst_alignment: float = _setting(
        _WEIGHTS.burst_alignment, "Weight of burst alignment in the score."
    )
    audience_test: bool = _setting(
        AUDIENCE_TEST,
        "Compare each cluster's co-posting with its pushed objects' other users and let a "
        "conclusive answer replace the repetition rule (docs/scoring.md); false keeps the "
        "repetition rule alone.",
    )
    merge_parts: bool = _setting(
        MERGE_PARTS,
        "Merge surviving clusters that are one pool of accounts acting on the same thing "
        "(one operation, one cluster; docs/scoring.md); off by default.",
    )
    report_all: bool = _setting(
        SelectParams.report_all,
        "Also list the clusters the reporting rules drop, after the reported ones, each with "
        "the reason in not_reported (the user's filters still apply).",
    )
    engine: str = _setting(
        ENGINES[0],
        "Where co-action's post pairs, the bursts and the template candidates are computed: "
        "local (this machine) or spark (a Spark session, e.g. --spark-master "
        "spark://HOST:7077); the result is the same.",
    )
    # kept last: tells a reader which keys came from a file
    source: str | None = field(default=None, compare=False)
    # the duration settings, parsed once (see `__post_init__`)
    _durations: dict[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.wide_window == OFF:
            object.__setattr__(self, "wide_window", None)

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
            "max_window": parse(self.max_window, "max_window"),
            "script_scales": tuple(parse(s, "script_scales") for s in self.script_scales),
        }
        object.__setattr__(self, "_durations", durations)
        unknown = sorted(set(self.objects) - set(_OBJECT_KINDS))
        if unknown:
            raise InputError(
                f"objects: unknown kind(s) {unknown}; choose from {', '.join(_OBJECT_KINDS)}"
            )
        for name in (
            "min_repeats",
            "min_accounts",
            "max_accounts_per_window",
            "max_object_users",
            "burst_min_posts",
            "burst_min_accounts",
        ):
            if getattr(self, name) < 1:
                raise InputError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.null_rounds < 0:
            raise InputError(f"null_rounds must be 0 or more, got {self.null_rounds}")
        if not 0.0 < self.template_threshold <= 1.0:
            raise InputError(f"template_threshold must be in (0, 1], got {self.template_threshold}")
        weights = (
            self.weight_synchrony,
            self.weight_template_share,
            self.weight_focus,
            self.weight_burst_alignment,
        )
        if min(weights) < 0 or abs(sum(weights) - 1) > 1e-9:
            raise InputError(
                f"the four weight_* settings must be 0 or more and sum to 1: {weights}"
            )
        for name in (
            "max_p_value",
            "min_beyond_chance",
            "min_repetition",
            "window_quantile",
            "window_share",
            "script_alpha",
            "script_overlap",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise InputError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if self.min_amplification < 0:
            raise InputError(f"min_amplification must be 0 or more, got {self.min_amplification}")
        if self.engine not in ENGINES:
            raise InputError(f"engine: {self.engine!r} is not one of {', '.join(ENGINES)}")
        if self.top is not None and self.top < 1:
            raise InputError(f"top must be at least 1, got {self.top}")
        if self.since and self.until and self.since > self.until:
            raise InputError(f"since ({self.since}) must be before until ({self.until})")

    def signal_params(self) -> SignalParams:
        """The settings of the signals stage."""
        d = self._durations
        return SignalParams(
            window=d["window"],
            wide_window=d["wide_window"],
            objects=self.objects,
            extra_objects=self.extra_objects,
            window_quantile=self.window_quantile,
            window_share=self.window_share,
            max_window=d["max_window"],
            max_accounts_per_window=self.max_accounts_per_window,
            burst_scales=d["burst_scales"],
            burst_min_posts=self.burst_min_posts,
            burst_min_accounts=self.burst_min_accounts,
            burst_threshold=self.burst_threshold,
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
            max_object_users=self.max_object_users,
            script_scales=tuple(s.delta for s in self._durations["script_scales"]),
            script_alpha=self.script_alpha,
            script_overlap=self.script_overlap,
            merge_parts=self.merge_parts,
            seed=self.seed,
        )

    def score_settings(self) -> dict[str, Any]:
        """The keyword settings of `campaign_detect.score.score_clusters`."""
        d = self._durations
        return {
            "null_rounds": self.null_rounds,
            "null_shift": d["null_shift"].delta,
            "seed": self.seed,
            "weights": ScoreWeights(
                synchrony=self.weight_synchrony,
                template_share=self.weight_template_share,
                focus=self.weight_focus,
                burst_alignment=self.weight_burst_alignment,
            ),
            "sync_scales": [s.delta for s in d["sync_scales"]],
            "extra_objects": self.extra_objects,
        }

    def select_params(self) -> SelectParams:
        """The reporting rules and the user's filters."""
        return SelectParams(
            max_p_value=self.max_p_value,
            min_beyond_chance=self.min_beyond_chance,
            min_repetition=self.min_repetition,
            min_amplification=self.min_amplification,
            min_score=self.min_score,
            top=self.top,
            since=self.since,
            until=self.until,
            hashtag=self.hashtag,
            report_all=self.report_all,
        )

    def with_options(self, **options: Any) -> ScanConfig:
        """A copy with the options that are not None replaced (what the CLI passes)."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    @classmethod
    def from_toml(cls, path: str | Path) -> ScanConfig:
        """Read settings from a TOML file with the same keys (``[scan]`` table or top level);
        the command-line spellings (``max-p``, ``max_p``, ``object``) are accepted too.

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
        data = {
            OPTION_ALIASES.get(key.replace("-", "_"), key.replace("-", "_")): value
            for key, value in data.items()
        }
        known = {f.name for f in fields(cls) if f.init} - {"source"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
        for key in (
            "objects",
            "extra_objects",
            "burst_scales",
            "sync_scales",
            "script_scales",
        ):
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
            if f.name == "wide_window" and value is None:
                value = OFF  # TOML has no null: the echo must read back as "turned off"
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, datetime):
                value = iso_z(value)
            out[f.name] = value
        return out


def settings_table() -> str:
    """The Markdown table of every setting, its default and its help (`docs/settings.md`
    holds it; a test keeps the two equal)."""
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    for spec in fields(ScanConfig):
        if not spec.init or spec.name == "source":
            continue
        default = spec.default
        shown = " ".join(default) if isinstance(default, tuple) else default
        shown = "(none)" if shown in (None, "") else f"`{shown}`"
        lines.append(f"| `{spec.name}` | {shown} | {spec.metadata['help']} |")
    return "\n".join(lines) + "\n"
