"""The organic background: accounts, handles, activity and vectorised post texts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from campaign_detect.synth.draw import capitalise, skewed
from campaign_detect.synth.words import (
    CELEBS,
    EMOJI,
    EN_COMMENT,
    EN_SUBJ,
    EN_WHEN,
    FIRST,
    ID_COMMENT,
    ID_SUBJ,
    ID_WHEN,
    NEWS_DOMAINS,
    OTHER_DOMAINS,
    POPULAR_TAGS,
    SECOND,
    TOPIC_NAMES,
    TOPICS,
)

__all__ = ["make_handles", "organic_activity", "organic_texts", "plain_texts"]

_MAX_ORGANIC_PER_ACCOUNT = 600


def _gather(pool: Sequence[str], idx: np.ndarray) -> pl.Expr:
    return pl.lit(pl.Series(values=list(pool), dtype=pl.String).gather(idx))


def _topic_slot(rng: np.random.Generator, topic: np.ndarray, column: int) -> pl.Series:
    pools = [TOPICS[name][column] for name in TOPIC_NAMES]
    offsets = np.cumsum([0] + [len(p) for p in pools])
    sizes = np.diff(offsets)
    idx = offsets[topic] + skewed(rng, sizes[topic], len(topic), 1.5)
    return pl.Series(values=[w for p in pools for w in p], dtype=pl.String).gather(idx)


def _sentences(rng: np.random.Generator, topic: np.ndarray, english: np.ndarray) -> pl.Series:
    """One sentence per post, from word pools of the post's topic and language."""
    n = len(topic)
    en = pl.lit(pl.Series(english, dtype=pl.Boolean))
    slots = {
        "subj": pl.when(en)
        .then(_gather(EN_SUBJ, skewed(rng, len(EN_SUBJ), n)))
        .otherwise(_gather(ID_SUBJ, skewed(rng, len(ID_SUBJ), n))),
        "verb": pl.when(en)
        .then(pl.lit(_topic_slot(rng, topic, 2)))
        .otherwise(pl.lit(_topic_slot(rng, topic, 0))),
        "obj": pl.when(en)
        .then(pl.lit(_topic_slot(rng, topic, 3)))
        .otherwise(pl.lit(_topic_slot(rng, topic, 1))),
        "when": pl.when(en)
        .then(_gather(EN_WHEN, skewed(rng, len(EN_WHEN), n, 1.3)))
        .otherwise(_gather(ID_WHEN, skewed(rng, len(ID_WHEN), n, 1.3))),
        "comment": pl.when(en)
        .then(_gather(EN_COMMENT, skewed(rng, len(EN_COMMENT), n, 1.3)))
        .otherwise(_gather(ID_COMMENT, skewed(rng, len(ID_COMMENT), n, 1.3))),
    }
    pattern = pl.lit(pl.Series(rng.integers(0, 4, n), dtype=pl.Int8))
    s = {k: v.alias(k) for k, v in slots.items()}
    sentence = (
        pl.when(pattern == 0)
        .then(pl.concat_str([s["subj"], s["verb"], s["obj"], s["when"]], separator=" "))
        .when(pattern == 1)
        .then(pl.concat_str([s["obj"], s["when"], s["comment"]], separator=" "))
        .when(pattern == 2)
        .then(
            pl.concat_str(
                [s["comment"], pl.lit(","), s["subj"], s["verb"], s["obj"]], separator=" "
            )
        )
        .otherwise(pl.concat_str([s["subj"], s["verb"], s["obj"], s["comment"]], separator=" "))
    )
    return pl.select(sentence.alias("s")).to_series().str.replace(" , ", ", ", literal=True)


def organic_texts(
    rng: np.random.Generator,
    topic: np.ndarray,
    english: np.ndarray,
    handles: pl.Series,
    *,
    rare_tags: pl.Series,
) -> pl.Series:
    """Organic post texts: one or two sentences, emoji, hashtags, sometimes a mention or URL."""
    n = len(topic)
    first = _sentences(rng, topic, english)
    second = _sentences(rng, topic, english)
    short = rng.random(n) < 0.15  # a bare comment such as "mantap 🔥 #fyp"
    comment = (
        pl.when(pl.lit(pl.Series(english, dtype=pl.Boolean)))
        .then(_gather(EN_COMMENT, rng.integers(0, len(EN_COMMENT), n)))
        .otherwise(_gather(ID_COMMENT, rng.integers(0, len(ID_COMMENT), n)))
    )
    upper = rng.random(n) < 0.5
    body = (
        pl.when(pl.lit(short))
        .then(comment)
        .when(pl.lit(rng.random(n) < 0.5))
        .then(pl.concat_str([pl.lit(first), pl.lit(second)], separator=". "))
        .otherwise(pl.lit(first))
    )
    body = (
        pl.when(pl.lit(upper))
        .then(pl.concat_str([body.str.slice(0, 1).str.to_uppercase(), body.str.slice(1)]))
        .otherwise(body)
    )
    n_emoji = rng.choice(4, size=n, p=[0.6, 0.25, 0.1, 0.05])
    emoji = [
        pl.when(pl.lit(n_emoji > k)).then(_gather(EMOJI, skewed(rng, len(EMOJI), n)))
        for k in range(3)
    ]
    n_tags = rng.choice(6, size=n, p=[0.25, 0.25, 0.2, 0.15, 0.1, 0.05])
    topic_tags = [TOPICS[name][4] for name in TOPIC_NAMES]
    tags = []
    for k in range(5):
        source = rng.random(n)
        tag = (
            pl.when(pl.lit(source < 0.45))
            .then(pl.lit(_topic_tag(rng, topic, topic_tags)))
            .when(pl.lit(source < 0.8))
            .then(_gather(POPULAR_TAGS, skewed(rng, len(POPULAR_TAGS), n, 2.5)))
            .otherwise(pl.lit(rare_tags.gather((rng.zipf(1.2, n) - 1) % len(rare_tags))))
        )
        tags.append(pl.when(pl.lit(n_tags > k)).then(pl.concat_str([pl.lit("#"), tag])))
    mention_kind = rng.random(n)
    mention = (
        pl.when(pl.lit(mention_kind < 0.04))
        .then(pl.concat_str([pl.lit("@"), _gather(CELEBS, skewed(rng, len(CELEBS), n))]))
        .when(pl.lit(mention_kind < 0.08))
        .then(
            pl.concat_str([pl.lit("@"), pl.lit(handles.gather(rng.integers(0, len(handles), n)))])
        )
    )
    url = pl.when(pl.lit(rng.random(n) < 0.05)).then(_organic_urls(rng, n))
    return pl.select(
        pl.concat_str(
            [
                body,
                pl.when(pl.lit(n_emoji > 0)).then(pl.concat_str(emoji, ignore_nulls=True)),
                *tags,
                mention,
                url,
            ],
            separator=" ",
            ignore_nulls=True,
        )
        .str.replace(r"\s+$", "")
        .alias("text")
    ).to_series()


def _topic_tag(rng: np.random.Generator, topic: np.ndarray, pools: list[list[str]]) -> pl.Series:
    offsets = np.cumsum([0] + [len(p) for p in pools])
    idx = offsets[topic] + skewed(rng, np.diff(offsets)[topic], len(topic), 1.8)
    return pl.Series(values=[t for p in pools for t in p], dtype=pl.String).gather(idx)


def _organic_urls(rng: np.random.Generator, n: int) -> pl.Expr:
    """News and shop links; a few pages are linked by many accounts, most by one."""
    domains = NEWS_DOMAINS + OTHER_DOMAINS
    dom = _gather(domains, skewed(rng, len(domains), n))
    page = pl.lit(pl.Series((rng.zipf(1.5, n) % 5_000_000).astype(np.int64) + 1000))
    is_news = dom.str.ends_with(".com") | dom.str.ends_with(".co")
    path = (
        pl.when(is_news)
        .then(pl.concat_str([pl.lit("/read/"), page.cast(pl.String)]))
        .otherwise(page.cast(pl.String))
    )
    tracking = pl.when(pl.lit(rng.random(n) < 0.2)).then(pl.lit("?utm_source=whatsapp"))
    return pl.concat_str([pl.lit("https://"), dom, path, tracking], ignore_nulls=True)


def make_handles(rng: np.random.Generator, n: int) -> pl.Series:
    """`n` distinct TikTok-like handles (``sari.kuliner88``)."""
    seps = _gather(["", ".", "_"], rng.integers(0, 3, n))
    digits = rng.integers(0, 10_000, n)
    kind = rng.random(n)
    suffix = (
        pl.when(pl.lit(kind < 0.3))
        .then(pl.lit(""))
        .when(pl.lit(kind < 0.7))
        .then(pl.lit(digits % 100).cast(pl.String))
        .otherwise(pl.lit(digits).cast(pl.String))
    )
    frame = pl.select(
        pl.concat_str(
            [
                _gather(FIRST, rng.integers(0, len(FIRST), n)),
                seps,
                _gather(SECOND, rng.integers(0, len(SECOND), n)),
                suffix,
            ]
        ).alias("h")
    ).with_row_index("i")
    dup = pl.col("h").is_duplicated() & (pl.int_range(pl.len()).over("h") > 0)
    fixed = frame.select(
        pl.when(dup)
        .then(pl.concat_str([pl.col("h"), pl.lit("_"), pl.col("i").cast(pl.String)]))
        .otherwise(pl.col("h"))
    ).to_series()
    return fixed.alias("account")


def plain_texts(rng: np.random.Generator, n: int, *, sentences: int = 1) -> list[str]:
    """`n` organic-looking texts (no entities) for planted posts that word things their own way."""
    if n == 0:
        return []
    topic = rng.integers(0, len(TOPIC_NAMES), n)
    english = rng.random(n) < 0.2
    parts = [_sentences(rng, topic, english) for _ in range(sentences)]
    joined = pl.select(pl.concat_str([pl.lit(p) for p in parts], separator=". ")).to_series()
    return [capitalise(t) for t in joined.to_list()]


def organic_activity(rng: np.random.Generator, n: int) -> np.ndarray:
    """Posts per account, Zipf-distributed (about 60 % of accounts post once), summing to `n`."""
    counts = np.zeros(0, dtype=np.int64)
    while counts.sum() < n:
        more = np.minimum(rng.zipf(2.0, max(16, n // 3)), _MAX_ORGANIC_PER_ACCOUNT)
        counts = np.concatenate([counts, more])
    cum = np.cumsum(counts)
    last = int(np.searchsorted(cum, n))
    counts = counts[: last + 1].copy()
    counts[-1] -= int(cum[last] - n)
    return counts[counts > 0]
