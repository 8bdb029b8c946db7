"""What every planted group is built from: the `Planted` record, the `Ctx` of a run and
the paraphrased-script writer shared by ``script_push`` and ``popular_hijack``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from campaign_detect.synth.draw import capitalise, diurnal_times, emojis, expand, pick
from campaign_detect.synth.words import CITIES, FIRST, PRODUCTS, SHOP_WORDS

__all__ = ["Ctx", "Planted", "script_group"]


@dataclass
class Planted:
    """The posts one planted group adds; `slot` >= 0 is a member, -1 an unrelated account."""

    kind: str
    role: str
    n_members: int
    hashtags: list[str]
    target: str | None
    description: str
    slot: list[int] = field(default_factory=list)
    t: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    share: list[int] = field(default_factory=list)  # local index of the reposted post, or -1
    music: list[int] = field(default_factory=list)  # -1: drawn like an organic post's sound

    def add(self, slot: int, t: int, text: str, share: int = -1, music: int = -1) -> int:
        self.slot.append(slot)
        self.t.append(int(t))
        self.text.append(text)
        self.share.append(share)
        self.music.append(music)
        return len(self.t) - 1


@dataclass(frozen=True)
class Ctx:
    """What every builder needs to know about the run."""

    span: int  # seconds in the period
    scale: float  # group-size factor: 1 at >= 100k posts, smaller for small test sets
    hashtag: str | None = None  # script_push overrides (the bundled sample)
    target: str | None = None
    origin_weekday: int = 0  # weekday of the period's start (Monday 0), for weekly habits


_PERSONAL = [
    "[Salam dari|Saya dari|Dari] {city}, {shop}",
    "{shop} {city} [ikut bersuara|mendukung|hadir]",
    "[Aku|Saya] {first}, [jualan|penjual] {product} di {city}",
]


def _member_words(rng: np.random.Generator) -> dict[str, str]:
    first = capitalise(pick(rng, FIRST))
    return {
        "first": first,
        "shop": f"Toko {pick(rng, SHOP_WORDS)} {first}",
        "city": pick(rng, CITIES),
        "product": pick(rng, PRODUCTS),
        "pct": str(int(rng.integers(5, 19)) * 5),
        "year": str(int(rng.integers(2017, 2023))),
        "n": str(int(rng.integers(5, 40))),
        "k": str(int(rng.integers(2, 15))),
    }


def script_group(
    rng: np.random.Generator,
    g: Planted,
    bank: dict[str, list[str]],
    *,
    window: tuple[int, int],
    tags: list[str],
    extra_tags: list[str],
    target: str | None,
    target_name: str,
) -> None:
    """Members post 2-4 paraphrases each of one script (a few sentences per style)."""
    script = {
        style: [lines[i] for i in sorted(rng.choice(len(lines), 4, replace=False))]
        for style, lines in bank.items()
    }
    styles = list(script)
    for member in range(g.n_members):
        words = {**_member_words(rng), "target_name": target_name}
        own_style = pick(rng, styles)
        n_posts = int(rng.integers(2, 5))
        for t in np.sort(diurnal_times(rng, n_posts, *window)):
            style = own_style if rng.random() < 0.7 else pick(rng, styles)
            lines = list(script[style])
            keep = sorted(rng.choice(4, int(rng.integers(2, 5)), replace=False))
            chosen = [lines[i] for i in keep]
            if len(chosen) > 1 and rng.random() < 0.35:  # reordered sentences
                i = int(rng.integers(len(chosen) - 1))
                chosen[i], chosen[i + 1] = chosen[i + 1], chosen[i]
            if rng.random() < 0.6:  # the member's own words: shop, city, product
                personal = pick(rng, _PERSONAL)
                chosen.insert(0 if rng.random() < 0.5 else len(chosen), personal)
            body = ". ".join(expand(rng, s, words) for s in chosen) + pick(
                rng, [".", "!", "!!", ""]
            )
            if rng.random() < 0.3:
                body = body.lower()
            extra = [t for t in extra_tags if rng.random() < 0.3]
            stack = " ".join("#" + x for x in [*tags, *extra])
            mention = f"@{target}" if target else ""
            if target and rng.random() < 0.3:
                text = f"{mention} {body}{emojis(rng, 0.6)} {stack}"
            else:
                text = " ".join(x for x in (f"{body}{emojis(rng, 0.6)}", stack, mention) if x)
            g.add(member, t, text)
