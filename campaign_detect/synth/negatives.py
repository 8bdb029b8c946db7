"""The planted hard negatives (role ``"hard_negative"``): one builder per kind.

Each looks like a campaign at a glance (many accounts, one hashtag or one window) but has
no shared script and no repeated co-action of the same accounts across events.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from campaign_detect.synth.draw import (
    DAY,
    HOUR,
    LOCAL_OFFSET,
    capitalise,
    diurnal_times,
    emojis,
    expand,
    pick,
    scaled,
)
from campaign_detect.synth.organic import plain_texts
from campaign_detect.synth.planted import Ctx, Planted
from campaign_detect.synth.words import (
    CITIES,
    HEADLINES,
    ID_COMMENT,
    NEWS_DOMAINS,
    POPULAR_TAGS,
    TOPICS,
    split_pool,
)

__all__ = ["HARD_NEGATIVE_BUILDERS"]

_REACTIONS = [
    "[Ya Allah|Astaga|Innalillahi], semoga [semua selamat|korban cepat ditemukan]",
    "[Barusan|Tadi] [terasa|kejadian] [di sini|dekat rumah]",
    "[Hati-hati|Waspada] [semuanya|ya guys]",
    "[Doa terbaik|Turut berduka] untuk [warga|korban]",
    "[Serem|Ngeri] banget, [baru lihat|baru tahu] beritanya",
    "[Keluarga|Temen] aku di sana [aman|belum ada kabar]",
    "[Stay safe|Take care] everyone",
]


def _news_burst(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 150, 400, ctx.scale)
    event, city = pick(rng, ["gempa", "banjir", "kebakaran", "longsor"]), pick(rng, CITIES)
    tag = f"{event}{city.lower()}"
    hours = int(rng.integers(2, 7))
    t0 = int(rng.integers(0, max(1, ctx.span - hours * HOUR)))
    slug = f"{event}-{city.lower()}-{int(rng.integers(10**6, 10**7))}"
    urls = [f"https://{d}/read/{slug}" for d in rng.choice(NEWS_DOMAINS, 3, replace=False)]
    g = Planted(
        "news_burst",
        "hard_negative",
        m,
        [tag],
        None,
        f"breaking news #{tag}: many accounts in {hours} hours, own words, shared news links "
        "and reposts of a few first reports",
    )
    originals = [
        g.add(
            i,
            t0 + int(rng.integers(0, 600)),
            f"{capitalise(event)} di {city}. {plain_texts(rng, 1)[0]} "
            f"{urls[i % 3]} #{tag} #beritaterkini",
        )
        for i in range(3)
    ]
    for member in range(3, m):
        for _ in range(1 + int(rng.random() < 0.2)):
            t = t0 + min(hours * HOUR - 1, int(rng.exponential(hours * HOUR / 3)))
            u = rng.random()
            if u < 0.2:
                src = pick(rng, originals)
                g.add(member, max(t, g.t[src] + 30), g.text[src], share=src)
                continue
            words = expand(rng, pick(rng, _REACTIONS), {})
            if rng.random() < 0.5:
                words += ". " + plain_texts(rng, 1)[0]
            link = f" {pick(rng, urls)}" if u < 0.6 else ""
            extra = pick(rng, ["", "", " #news", f" #{city.lower()}", " #prayfor" + city.lower()])
            g.add(member, t, f"{words}{emojis(rng)}{link} #{tag}{extra}")
    return g


_FANDOMS = [
    (["bts", "army", "btsarmy"], "bts_official_bighit"),
    (["jkt48", "jkt48newera", "wota"], "officialjkt48"),
    (["newjeans", "bunnies", "newjeans_official"], "newjeans_official"),
    (["seventeen", "carat", "svt"], "pledis_17"),
]
_FAN_PHRASES = split_pool(
    "streaming now!!|congrats boys|aku padamu|ayo vote guys|proud of you|comeback kapan??|"
    "fancam ini gila|love you always|mereka lucu banget|nangis liat ini|happy anniversary|"
    "jangan lupa streaming|we love you|the best!!|gak kuat|bias wrecker parah"
)


def _fandom(rng: np.random.Generator, ctx: Ctx) -> Planted:
    tags, idol = _FANDOMS[int(rng.integers(len(_FANDOMS)))]
    m = scaled(rng, 80, 200, ctx.scale)
    g = Planted(
        "fandom",
        "hard_negative",
        m,
        list(tags),
        idol,
        f"fans posting #{tags[0]} and fandom tags repeatedly, common short phrases, "
        "spread over the whole period",
    )
    for member in range(m):
        for t in diurnal_times(
            rng, max(3, round(int(rng.integers(5, 21)) * ctx.scale)), 0, ctx.span
        ):
            text = pick(rng, _FAN_PHRASES) + emojis(rng, 0.7)
            if rng.random() < 0.3:
                text = f"{plain_texts(rng, 1)[0]} {text}"
            chosen = [tags[0], *(x for x in tags[1:] if rng.random() < 0.4)]
            text += " " + " ".join("#" + x for x in chosen)
            g.add(member, t, text + (f" @{idol}" if rng.random() < 0.2 else ""))
    return g


_GREETINGS = split_pool(
    "selamat pagi semua|semangat pagi!|pagi yang cerah|jangan lupa sarapan ya|"
    "semoga harimu menyenangkan|pagi gaes|bismillah, semangat kerja|ngopi dulu biar semangat|"
    "selamat beraktivitas|awali hari dengan senyum"
)


def _daily_hashtag(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 100, 250, ctx.scale)
    tag, hour_from, hour_to = "selamatpagi", 5, 8
    g = Planted(
        "daily_hashtag",
        "hard_negative",
        m,
        [tag],
        None,
        f"#{tag} every morning between {hour_from}:00 and {hour_to}:00 Jakarta time by a "
        "changing subset of a large pool, generic greetings",
    )
    # every local morning that overlaps the period, each at its full length and rate: the
    # posts that fall outside the period are dropped, so the mornings cut by its ends are
    # thinner, never denser, and no day stands out
    length = (hour_to - hour_from) * HOUR
    first = (hour_from * HOUR - LOCAL_OFFSET) % DAY - DAY  # a morning starting before 0
    habit = rng.uniform(0.1, 0.5, m)  # each member's own chance of greeting on a given day
    for lo in range(first, ctx.span, DAY):
        members = np.flatnonzero(rng.random(m) < habit)
        times = lo + rng.integers(0, length, len(members))
        for member, t in zip(members, times, strict=True):
            text = capitalise(pick(rng, _GREETINGS)) + emojis(rng, 0.7) + f" #{tag}"
            text += pick(rng, ["", "", " #semangat", " #goodmorning"])
            if 0 <= t < ctx.span:
                g.add(int(member), int(t), text)
    return g


_MEMES = split_pool(
    "kamu nanya? kamu bertanya-tanya?|ini bukan kaleng-kaleng|healing tipis-tipis dulu|"
    "pov: gajian tapi tanggal tua|gak ada obat emang|mental aman, dompet yang nggak|"
    "udah cantik, pinter, tapi kok jomblo"
)


def _viral_phrase(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 150, 400, ctx.scale)
    meme = pick(rng, _MEMES)
    length = int(rng.integers(1, 3)) * DAY
    t0 = int(rng.integers(0, max(1, ctx.span - length)))
    g = Planted(
        "viral_phrase",
        "hard_negative",
        m,
        [],
        None,
        f'the meme "{meme}" copied by unrelated accounts over {length // DAY} day(s), '
        "often with small additions",
    )
    for member in range(m):
        for t in diurnal_times(rng, 1 + int(rng.random() < 0.05), t0, t0 + length):
            text = meme if rng.random() < 0.5 else capitalise(meme)
            u = rng.random()
            if u < 0.25:
                text = f"{pick(rng, ID_COMMENT)} {text}"
            elif u < 0.5:
                text = f"{text} {pick(rng, ID_COMMENT)}"
            tags = rng.choice(POPULAR_TAGS[:8], int(rng.integers(0, 3)), replace=False)
            g.add(member, t, " ".join([text + emojis(rng, 0.6), *("#" + x for x in tags)]))
    return g


def _news_aggregators(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = int(rng.integers(8, 12))
    per_day = max(2, round(int(rng.integers(15, 31)) * ctx.scale))
    g = Planted(
        "news_aggregators",
        "hard_negative",
        m,
        ["berita"],
        None,
        f"{m} automated accounts reposting about {per_day} news links a day from many outlets "
        "within minutes, across unrelated topics",
    )
    keen = rng.uniform(0.4, 0.9, m)
    lag = rng.uniform(60, 15 * 60, m)
    style = rng.integers(0, 3, m)
    items = diurnal_times(rng, per_day * max(1, ctx.span // DAY), 0, ctx.span)
    for t0 in np.sort(items):
        headline = expand(rng, pick(rng, HEADLINES), {})
        url = f"https://{pick(rng, NEWS_DOMAINS)}/read/{int(rng.integers(10**6, 10**7))}"
        for member in np.flatnonzero(rng.random(m) < keen):
            text = [
                f"{headline} {url}",
                f"[BERITA] {headline} | {url} #berita",
                f"{headline}: {url}",
            ]
            t = min(ctx.span - 1, int(t0) + int(rng.exponential(lag[member])))
            g.add(int(member), t, text[style[member]])
    return g


def _share_cascade(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 150, 400, ctx.scale)
    t0 = int(rng.integers(0, max(1, ctx.span - DAY)))
    tags = [pick(rng, POPULAR_TAGS), pick(rng, TOPICS["harian"][4])]
    long_text = ". ".join(plain_texts(rng, 4, sentences=1)) + ". " + " ".join("#" + t for t in tags)
    g = Planted(
        "share_cascade",
        "hard_negative",
        m,
        tags,
        None,
        "one long post reposted by many accounts within hours",
    )
    src = g.add(0, t0, long_text)
    for member in range(1, m):
        delay = min(DAY - 1, int(rng.lognormal(np.log(3600), 0.9)) + 30)
        g.add(member, min(ctx.span - 1, t0 + delay), long_text, share=src)
    return g


HARD_NEGATIVE_BUILDERS: dict[str, Callable[[np.random.Generator, Ctx], Planted]] = {
    "news_burst": _news_burst,
    "fandom": _fandom,
    "daily_hashtag": _daily_hashtag,
    "viral_phrase": _viral_phrase,
    "news_aggregators": _news_aggregators,
    "share_cascade": _share_cascade,
}
