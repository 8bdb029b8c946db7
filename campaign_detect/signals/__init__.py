"""The detection signals: co-action, bursts and templates, each usable on its own.

`detect_signals` runs all three on one post frame with one `SignalParams`, computing the
object rows of every post once for the stages that read them (`Signals.rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from campaign_detect.objects import OBJECT_KINDS, REPEATED_OBJECT_KINDS, object_rows
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.signals._similarity import MAX_GRAM_CHARS
from campaign_detect.signals.bursts import (
    BURST_MIN_ACCOUNTS,
    BURST_MIN_POSTS,
    BURST_SCALES,
    BURST_SCHEMA,
    BURST_THRESHOLD,
    BurstRunner,
    detect_bursts,
)
from campaign_detect.signals.coaction import (
    MAX_ACCOUNTS_PER_WINDOW,
    MAX_WINDOW,
    WINDOW_QUANTILE,
    WINDOW_SHARE,
    CoactionResult,
    PairTotals,
    coaction_edges,
    coaction_events,
    estimate_window,
)
from campaign_detect.signals.templates import (
    TEMPLATE_THRESHOLD,
    CandidateRunner,
    TemplateResult,
    TemplateStats,
    template_groups,
)
from campaign_detect.values import Duration

__all__ = [
    "BURST_SCALES",
    "BURST_SCHEMA",
    "ENGINES",
    "OBJECT_KINDS",
    "BurstRunner",
    "CandidateRunner",
    "CoactionResult",
    "PairTotals",
    "SignalParams",
    "Signals",
    "TemplateResult",
    "TemplateStats",
    "coaction_edges",
    "coaction_events",
    "detect_bursts",
    "detect_signals",
    "estimate_window",
    "template_groups",
]

# said once, in the notices and the JSON, when the template signal had nothing to read
NO_TEXT = (
    "the posts hold no text (no text column was found, or every text is empty): the "
    "template signal is off; co-action, bursts and clusters use the other objects"
)
# where co-action's post pairs, the bursts and the template candidates are made: this
# machine, or a Spark session (the result is the same; `campaign_detect.signals.spark`)
ENGINES = ("local", "spark")
# the second co-action window (see `SignalParams.wide_window`)
WIDE_WINDOW = Duration.parse("1h", name="wide_window")


@dataclass(frozen=True)
class SignalParams:
    """Settings of the three signals in a scan (`campaign_detect.ScanConfig` documents each
    one; these are its fields of the same names, parsed)."""

    window: Duration | None = None
    window_quantile: float = WINDOW_QUANTILE
    window_share: float = WINDOW_SHARE
    max_window: Duration = Duration.parse(MAX_WINDOW, name="max_window")
    wide_window: Duration | None = WIDE_WINDOW
    objects: tuple[str, ...] = OBJECT_KINDS
    extra_objects: tuple[str, ...] = ()
    max_accounts_per_window: int = MAX_ACCOUNTS_PER_WINDOW
    burst_scales: tuple[Duration, ...] = field(
        default_factory=lambda: tuple(Duration.parse(s, name="burst_scales") for s in BURST_SCALES)
    )
    burst_min_posts: int = BURST_MIN_POSTS
    burst_min_accounts: int = BURST_MIN_ACCOUNTS
    burst_threshold: float = BURST_THRESHOLD
    template_threshold: float = TEMPLATE_THRESHOLD
    seed: int = 0


@dataclass(frozen=True)
class Signals:
    """What the signals found in one post frame.

    Attributes
    ----------
    coaction
        Co-action at Δt (given or estimated).
    wide_coaction
        Co-action at the wider second window, or None when there is none wider than Δt.
    bursts, templates
        `detect_bursts` and `template_groups` of the posts.
    rows
        `object_rows` of every post, for every kind a later stage reads.
    notices
        What a person should know about the signals (one sentence each), e.g. that the
        template signal was off because the posts hold no text.
    """

    coaction: CoactionResult
    wide_coaction: CoactionResult | None
    bursts: pl.DataFrame
    templates: TemplateResult
    rows: pl.DataFrame
    notices: tuple[str, ...] = ()

    @property
    def windows(self) -> list[CoactionResult]:
        """The co-action results, narrowest window first."""
        return [c for c in (self.coaction, self.wide_coaction) if c is not None]

    @property
    def widest(self) -> CoactionResult:
        """The co-action at the widest window (its events include those within Δt)."""
        return self.windows[-1]


def detect_signals(
    posts: pl.DataFrame,
    params: SignalParams = SignalParams(),
    *,
    progress: ProgressCallback | None = None,
    stages: int = 3,
    pairs: PairTotals | None = None,
    bursts: BurstRunner | None = None,
    templates: CandidateRunner | None = None,
) -> Signals:
    """Co-action at both windows, bursts and templates of `posts` (post schema).

    `progress` hears ``co-action``, ``bursts`` and ``templates`` as steps 0-2 of `stages`.
    `pairs` makes and sums co-action's post pairs (`coaction_edges`): on this machine when
    None, or on Spark with `campaign_detect.signals.spark.spark_pair_totals`; `bursts` finds
    the bursts of the objects (`detect_bursts`' runner) likewise (`spark_bursts`), and
    `templates` the template candidates (`template_groups`' runner; `spark_candidates`).
    """
    report(progress, "co-action", 0, stages)
    rows = object_rows(posts, [*params.objects, *REPEATED_OBJECT_KINDS], params.extra_objects)

    def at(window: Duration | None) -> CoactionResult:
        return coaction_edges(
            posts,
            window=window.delta if window is not None else None,
            objects=params.objects,
            extra_objects=params.extra_objects,
            max_accounts_per_window=params.max_accounts_per_window,
            estimate=(params.window_quantile, params.window_share, params.max_window.delta),
            rows=rows,
            pairs=pairs,
        )

    coaction = at(params.window)
    wide = params.wide_window
    wider = wide is not None and wide.delta > coaction.window
    wide_coaction = at(wide) if wider else None
    report(progress, "bursts", 1, stages)
    found = detect_bursts(
        posts,
        scales=params.burst_scales,
        min_posts=params.burst_min_posts,
        min_accounts=params.burst_min_accounts,
        threshold=params.burst_threshold,
        runner=bursts,
    )
    report(progress, "templates", 2, stages)
    groups = template_groups(
        posts, threshold=params.template_threshold, seed=params.seed, runner=templates
    )
    notices: tuple[str, ...] = () if _has_text(posts) else (NO_TEXT,)
    if groups.stats.n_long_words:
        notices += (
            f"{groups.stats.n_long_words} word(s) longer than {MAX_GRAM_CHARS} characters: "
            "templates compared only their first characters",
        )
    return Signals(coaction, wide_coaction, found, groups, rows, notices)


def _has_text(posts: pl.DataFrame) -> bool:
    """Whether any post has a text with a word in it (a script needs words)."""
    return bool(posts.select(pl.col("text").str.contains(r"\w").any()).item())
