"""Synthetic posts with planted coordinated campaigns and hard negatives.

Tests, the demo, the benchmarks and the detector quality targets all run on this generator,
so it plants what the detector must find next to what it must not mistake for a campaign:

- an **organic background**: heavy-tailed activity per account (most accounts post once or
  twice, a few post hundreds of times), topic-specific Indonesian and English texts built
  from word pools, heavy-tailed hashtag popularity with a long tail of rare tags, a Jakarta
  (UTC+7) diurnal cycle, mentions, URLs (with tracking parameters) and reposts of popular
  posts, whose text repeats the original (as a retweet or a TikTok share does);
- **campaigns** (role ``"campaign"``): ``script_push`` (the ``#KamiUMKMdiTikTok`` pattern),
  ``copypasta_ring``, ``hashtag_set_ring``, ``low_and_slow``, ``popular_hijack`` and
  ``hashtag_flood``. Their accounts also post ordinary organic posts;
- **hard negatives** (role ``"hard_negative"``, accounts from the organic population):
  ``news_burst``, ``fandom``, ``daily_hashtag``, ``viral_phrase``, ``news_aggregators`` and
  ``share_cascade``: many accounts, one hashtag or one window, but no shared script and no
  repeated co-action of the same accounts across events;
- with ``mix="moments"`` (or by name in ``kinds``), the `MOMENT_KINDS` of issue 11 as well
  (`moments`): organic crowds that a shared moment explains (``live_match``,
  ``weekly_greeting``, ``fandom_comeback``, ``giveaway``, ``power_sellers``) and campaigns
  hidden inside busy traffic (``target_hijack``, ``paraphrase_push``, ``tag_rotation``,
  ``tagstack_flood``, ``small_script``). The default mix never builds them;
- by name in ``kinds`` only, the `NAMED_KINDS` planted after the moments mix was recorded
  (``rotating_pool``, ``headline_feeds``, `moments`).

Planted groups keep roughly the size they have at 100,000 posts when the background grows
(campaigns do not grow with the platform) and shrink towards 8 accounts for small test sets.
Every random choice comes from `seed`, and each group draws from its own stream, so choosing
other `kinds` does not change the groups that remain. The organic background is vectorised
(numpy and polars); planted posts are built one by one, which is cheap because their number

Modules: `words` (word pools), `draw` (small random draws and the diurnal cycle), `organic`
(the background), `planted` (the record every planted group fills), `campaigns` and
`negatives` (one builder per kind), `assemble` (`generate`, `SynthData`), `files` (`write`,
the bundled sample).
"""

from __future__ import annotations

from campaign_detect.synth.assemble import (
    CAMPAIGN_KINDS,
    HARD_NEGATIVE_KINDS,
    KINDS,
    MIXES,
    MOMENT_KINDS,
    NAMED_KINDS,
    SynthData,
    generate,
)
from campaign_detect.synth.files import kami_sample, to_tiktok_research, write, write_sample

__all__ = [
    "CAMPAIGN_KINDS",
    "HARD_NEGATIVE_KINDS",
    "KINDS",
    "MIXES",
    "MOMENT_KINDS",
    "NAMED_KINDS",
    "SynthData",
    "generate",
    "kami_sample",
    "to_tiktok_research",
    "write",
    "write_sample",
]
