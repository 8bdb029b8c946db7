"""Small random draws shared by the organic background and the planted groups.

Times are seconds since the start of the period, which is taken to be 00:00 UTC, so that
local (Jakarta, UTC+7) hours follow from `LOCAL_OFFSET`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from campaign_detect.synth.words import EMOJI

__all__ = [
    "DAY",
    "HOUR",
    "LOCAL_OFFSET",
    "capitalise",
    "diurnal_times",
    "emojis",
    "expand",
    "fresh_tag",
    "pick",
    "scaled",
    "skewed",
]

_T = TypeVar("_T")
DAY = 86_400
HOUR = 3_600
LOCAL_OFFSET = 7 * HOUR  # Jakarta, UTC+7
# relative posting rate per local hour (0..23): quiet nights, lunch and evening peaks
_DIURNAL = np.array(
    [
        *(0.8, 0.5, 0.3, 0.2, 0.3, 0.7, 1.2, 1.6, 1.8, 1.9, 2.0, 2.2),  # 00-11 local
        *(2.6, 2.5, 2.1, 2.0, 2.1, 2.4, 2.8, 3.2, 3.5, 3.4, 2.8, 1.6),  # 12-23 local
    ]
)


def pick(rng: np.random.Generator, pool: Sequence[_T]) -> _T:
    """One item of `pool`, uniformly."""
    return pool[int(rng.integers(len(pool)))]


def skewed(rng: np.random.Generator, size: int | np.ndarray, n: int, power: float = 2.0):
    """Indices into a pool of `size` items, skewed towards the first ones (heavy head)."""
    return np.floor(np.asarray(size) * rng.random(n) ** power).astype(np.int64)


def scaled(rng: np.random.Generator, lo: int, hi: int, scale: float, floor: int = 8) -> int:
    """A group size drawn in [lo, hi] at 100k posts, shrunk by `scale` but kept >= `floor`."""
    return max(floor, round(int(rng.integers(lo, hi + 1)) * scale))


def diurnal_times(rng: np.random.Generator, n: int, t0: int, t1: int) -> np.ndarray:
    """`n` times (seconds) in [t0, t1) following the Jakarta diurnal cycle."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    minutes = np.arange(t0 // 60, max(t0 // 60 + 1, (t1 + 59) // 60), dtype=np.int64)
    weight = _DIURNAL[((minutes * 60 + LOCAL_OFFSET) // HOUR) % 24]
    chosen = rng.choice(minutes, size=n, p=weight / weight.sum())
    return np.clip(chosen * 60 + rng.integers(0, 60, n), t0, t1 - 1)


def emojis(rng: np.random.Generator, p: float = 0.4) -> str:
    """With probability `p`, a space and one to three emoji; else an empty string."""
    if rng.random() >= p:
        return ""
    return " " + "".join(pick(rng, EMOJI) for _ in range(int(rng.integers(1, 4))))


def capitalise(text: str) -> str:
    """`text` with its first character upper-cased (the rest kept as is)."""
    return text[:1].upper() + text[1:]


def fresh_tag(rng: np.random.Generator, heads: Sequence[str], tails: Sequence[str]) -> str:
    """A made-up hashtag: a random head joined to a random tail."""
    return pick(rng, heads) + pick(rng, tails)


def expand(rng: np.random.Generator, text: str, fill: dict[str, str]) -> str:
    """Fill ``{name}`` slots from `fill` and pick one option of each ``[a|b|c]`` synonym set."""
    for key, value in fill.items():
        text = text.replace("{" + key + "}", value)
    out, rest = [], text
    while "[" in rest:
        head, _, tail = rest.partition("[")
        options, _, rest = tail.partition("]")
        out += [head, pick(rng, options.split("|"))]
    return "".join([*out, rest])
