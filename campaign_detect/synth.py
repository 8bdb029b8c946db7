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
  repeated co-action of the same accounts across events.

Planted groups keep roughly the size they have at 100,000 posts when the background grows
(campaigns do not grow with the platform) and shrink towards 8 accounts for small test sets.
Every random choice comes from `seed`, and each group draws from its own stream, so choosing
other `kinds` does not change the groups that remain. The organic background is vectorised
(numpy and polars); planted posts are built one by one, which is cheap because their number
does not grow with `n_posts`.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import numpy as np
import polars as pl

from campaign_detect.errors import InputError

__all__ = [
    "CAMPAIGN_KINDS",
    "HARD_NEGATIVE_KINDS",
    "KINDS",
    "SynthData",
    "generate",
    "kami_sample",
    "to_tiktok_research",
    "write",
    "write_sample",
]

CAMPAIGN_KINDS: tuple[str, ...] = (
    "script_push",
    "copypasta_ring",
    "hashtag_set_ring",
    "low_and_slow",
    "popular_hijack",
    "hashtag_flood",
)
HARD_NEGATIVE_KINDS: tuple[str, ...] = (
    "news_burst",
    "fandom",
    "daily_hashtag",
    "viral_phrase",
    "news_aggregators",
    "share_cascade",
)
KINDS: tuple[str, ...] = CAMPAIGN_KINDS + HARD_NEGATIVE_KINDS

_T = TypeVar("_T")
_DAY = 86_400
_HOUR = 3_600
_LOCAL_OFFSET = 7 * _HOUR  # Jakarta, UTC+7
# relative posting rate per local hour (0..23): quiet nights, lunch and evening peaks
_DIURNAL = np.array(
    [
        *(0.8, 0.5, 0.3, 0.2, 0.3, 0.7, 1.2, 1.6, 1.8, 1.9, 2.0, 2.2),  # 00-11 local
        *(2.6, 2.5, 2.1, 2.0, 2.1, 2.4, 2.8, 3.2, 3.5, 3.4, 2.8, 1.6),  # 12-23 local
    ]
)
_MAX_ORGANIC_PER_ACCOUNT = 600
_REPOST_SHARE = 0.05
_MAX_PLANTED_SHARE = 0.5
_CHUNK = 250_000  # organic posts whose texts are built at once (fixed: output must not vary)


def _w(words: str) -> list[str]:
    """A word pool written as ``a|b c|d``: items separated by ``|``."""
    return [w.strip() for w in words.split("|")]


# --- word pools -------------------------------------------------------------------------
# topic: (id verbs, id objects, en verbs, en objects, topic hashtags)
_TOPICS: dict[str, tuple[list[str], list[str], list[str], list[str], list[str]]] = {
    "kuliner": (
        _w("lagi makan|baru nyobain|pengen banget|masak|beli|ketagihan sama|nemu"),
        _w(
            "bakso urat|mie ayam|seblak level 5|kopi susu gula aren|nasi padang|sate madura|"
            "martabak manis|es teh jumbo|soto betawi|gorengan|rendang|ayam geprek|dimsum|"
            "bakmi|pecel lele|nasi uduk|es kopi|roti bakar|cilok|batagor|sop buntut"
        ),
        _w("just tried|am craving|cooked|found|ordered|can't stop eating"),
        _w(
            "spicy noodles|iced coffee|fried rice|street food|satay|meatball soup|"
            "milk tea|grilled chicken|dumplings|sweet martabak|padang food|coconut rice"
        ),
        _w("kuliner|kulinerjakarta|makananviral|jajanan|foodie|resepmudah|food|kopi"),
    ),
    "belanja": (
        _w("baru checkout|lagi cari|rekomendasi|unboxing|review jujur|restock|jual"),
        _w(
            "skincare lokal|gamis terbaru|sepatu lari|tas rajut|hijab instan|serum wajah|"
            "kaos polos|case hp|lipstik matte|sandal jepit|mukena|keripik pedas|kemeja batik|"
            "parfum lokal|celana kulot|sprei motif|botol minum"
        ),
        _w("just bought|reviewing|unboxing|restocked|looking for|recommend"),
        _w(
            "local skincare|running shoes|a knit bag|phone cases|batik shirts|hijab sets|"
            "a new serum|matte lipstick|cotton tees|home decor"
        ),
        _w("tiktokshop|umkm|racuntiktok|produklokal|belanjaonline|shopee|diskon|jualan"),
    ),
    "bola": (
        _w("nonton|dukung|bahas|kecewa sama|bangga sama|nungguin"),
        _w(
            "timnas|persija|persib|laga tadi malam|gol telat|wasit|liga 1|piala asia|"
            "pemain naturalisasi|latihan timnas|derby|adu penalti|klasemen"
        ),
        _w("watched|support|can't believe|am proud of|am waiting for"),
        _w(
            "the national team|last night's match|that late goal|the referee|the derby|"
            "the penalty shootout|the league table|the new coach"
        ),
        _w("bola|timnasindonesia|persija|persib|liga1|sepakbola|football|garudamendunia"),
    ),
    "kpop": (
        _w("dengerin|nonton|ngefans sama|streaming|kangen|teriak lihat"),
        _w(
            "comeback baru|mv terbaru|fancam|konser kemarin|album baru|lagu ini|"
            "dance practice|variety show|lightstick|photocard|drama korea"
        ),
        _w("listening to|watching|streaming|obsessed with|can't stop replaying"),
        _w(
            "the new comeback|this fancam|the concert|the new album|this song|"
            "the dance practice|this drama|the variety show"
        ),
        _w("kpop|drakor|kpopindonesia|bts|blackpink|newjeans|seventeen|nct"),
    ),
    "berita": (
        _w("baca|dengar|kaget soal|ikutin kabar|heran sama|diskusi soal"),
        _w(
            "harga beras|kenaikan bbm|macet tol|banjir rob|kebijakan baru|pemilu 2024|"
            "debat capres|harga cabai|kualitas udara|ujian nasional|tarif krl|bansos"
        ),
        _w("read about|heard about|am following|am worried about|discussed"),
        _w(
            "rice prices|the fuel price|the traffic|the floods|the new policy|"
            "the election|air quality|the debate|train fares"
        ),
        _w("berita|news|info|jakarta|indonesia|politik|ekonomi|beritaterkini"),
    ),
    "harian": (
        _w("lagi di|baru pulang dari|otw|nongkrong di|capek banget di|rebahan di"),
        _w(
            "kantor|kampus|rumah|kosan|stasiun|mall|pasar|gym|jalan tol|warung kopi|"
            "cfd sudirman|kereta|ojol|rumah nenek"
        ),
        _w("stuck at|heading to|chilling at|back from|working at"),
        _w("the office|campus|home|the station|the mall|the gym|a cafe|the train"),
        _w("jakarta|dailyvlog|storytime|curhat|random|ootd|weekend|mood"),
    ),
    "travel": (
        _w("liburan ke|healing ke|pengen balik ke|foto-foto di|camping di"),
        _w(
            "bali|lombok|bromo|labuan bajo|jogja|bandung|raja ampat|danau toba|"
            "puncak|pantai anyer|malang|belitung"
        ),
        _w("traveling to|just visited|miss|hiking in|took photos in"),
        _w("bali|lombok|mount bromo|yogyakarta|bandung|komodo island|lake toba"),
        _w("travel|explorebali|wonderfulindonesia|healing|liburan|pantai|traveling"),
    ),
}
_TOPIC_NAMES = tuple(_TOPICS)
_ID_SUBJ = _w("aku|gue|saya|kita|kami|temen gue|ibuku|adikku|suamiku|pacarku|kakak|bapak")
_ID_WHEN = _w(
    "hari ini|tadi pagi|kemarin sore|malam ini|minggu ini|barusan|pas weekend|tiap hari|"
    "sepulang kerja|di jakarta|di bandung|di surabaya|di rumah|sama keluarga|bareng temen"
)
_ID_COMMENT = _w(
    "enak banget|mantap|gak nyangka|capek juga|seru parah|worth it sih|lumayan lah|"
    "bikin nagih|kecewa dikit|recommended|gila sih|ngakak|terharu|sedih deh|bangga|"
    "masih mikir|auto happy|biasa aja|keren sih|parah banget"
)
_EN_SUBJ = _w("i|we|my sister|my mom|my friends|honestly i|my partner|we all")
_EN_WHEN = _w(
    "today|this morning|last night|this weekend|right now|after work|in jakarta|"
    "with the family|again|for the first time"
)
_EN_COMMENT = _w(
    "so good|not bad|worth it|kinda tired|love it|can't believe it|so proud|lowkey great|"
    "highly recommend|a bit disappointed|amazing|so fun|no regrets|meh"
)
_POPULAR_TAGS = _w(
    "fyp|fypシ|viral|foryou|foryoupage|xyzbca|trending|indonesia|tiktokindonesia|fypage|"
    "masukberanda|jakarta|umkm|tiktokshop|kuliner|bola|kpop|news|ootd|storytime"
)
_EMOJI = _w("🔥|😂|😭|🙏|❤️|🥰|😍|👍|✨|💯|😅|🤣|💪|🇮🇩|😊|🤔|👏|😢|🎉|⚽|🍜|☕|🛍️|🎶|📢|🙌")
_CELEBS = _w(
    "jokowi|ganjarpranowo|prabowo|aniesbaswedan|raffinagita1717|atta_halilintar|"
    "tiktokshop_id|shopee_id|detikcom|kompascom|bts_official_bighit|persija_jkt|"
    "ridwankamil|denny_sumargo|fadiljaidi"
)
_NEWS_DOMAINS = _w(
    "detik.com|kompas.com|cnnindonesia.com|tribunnews.com|liputan6.com|kumparan.com|"
    "tempo.co|okezone.com|cnbcindonesia.com|antaranews.com|suara.com|idntimes.com"
)
_OTHER_DOMAINS = _w("youtube.com/watch?v=|shopee.co.id/product/|tokopedia.com/p/|instagram.com/p/")
_FIRST = _w(
    "sari|budi|rizky|dewi|agus|putri|andi|nur|fitri|dimas|ayu|eko|rina|bayu|indah|fajar|"
    "wulan|yoga|tika|arif|lina|hendra|maya|reza|siti|dian|adit|nadia|joko|vina|kevin|"
    "bella|rudi|anisa|ilham|citra|gilang|mega|tono|intan|rafi|salsa|bagus|nisa|irfan|dinda"
)
_SECOND = _w(
    "kuliner|official|store|shop|id|jkt|bdg|sby|art|daily|vlog|ofc|real|olshop|beauty|"
    "food|travel|gaming|fans|story|collection|kitchen|craft|media|info|santoso|lestari|"
    "pratama|wijaya|saputra|putra|sari|hidayat|nugroho|kusuma|rahman|siregar|harahap"
)
_SHOP_WORDS = _w("Berkah|Jaya|Makmur|Sejahtera|Barokah|Rezeki|Mandiri|Abadi|Sentosa|Amanah")
_PRODUCTS = _w(
    "keripik singkong|batik tulis|sambal bawang|kopi robusta|hijab voal|tas anyaman|"
    "madu hutan|kue kering|sabun herbal|kaos sablon|sepatu kulit|frozen food"
)
_CITIES = _w(
    "Jakarta|Bandung|Surabaya|Medan|Makassar|Semarang|Yogyakarta|Malang|Palembang|"
    "Denpasar|Bekasi|Depok|Bogor|Solo|Pekalongan|Garut"
)


# --- small random helpers ------------------------------------------------------------------
def _pick(rng: np.random.Generator, pool: Sequence[_T]) -> _T:
    return pool[int(rng.integers(len(pool)))]


def _skewed(rng: np.random.Generator, size: int | np.ndarray, n: int, power: float = 2.0):
    """Indices into a pool of `size` items, skewed towards the first ones (heavy head)."""
    return np.floor(np.asarray(size) * rng.random(n) ** power).astype(np.int64)


def _scaled(rng: np.random.Generator, lo: int, hi: int, scale: float, floor: int = 8) -> int:
    """A group size drawn in [lo, hi] at 100k posts, shrunk by `scale` but kept >= `floor`."""
    return max(floor, round(int(rng.integers(lo, hi + 1)) * scale))


def _diurnal_times(rng: np.random.Generator, n: int, t0: int, t1: int) -> np.ndarray:
    """`n` times (seconds) in [t0, t1) following the Jakarta diurnal cycle."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    minutes = np.arange(t0 // 60, max(t0 // 60 + 1, (t1 + 59) // 60), dtype=np.int64)
    weight = _DIURNAL[((minutes * 60 + _LOCAL_OFFSET) // _HOUR) % 24]
    chosen = rng.choice(minutes, size=n, p=weight / weight.sum())
    return np.clip(chosen * 60 + rng.integers(0, 60, n), t0, t1 - 1)


def _emoji(rng: np.random.Generator, p: float = 0.4) -> str:
    if rng.random() >= p:
        return ""
    return " " + "".join(_pick(rng, _EMOJI) for _ in range(int(rng.integers(1, 4))))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fresh_tag(rng: np.random.Generator, heads: Sequence[str], tails: Sequence[str]) -> str:
    return _pick(rng, heads) + _pick(rng, tails)


def _expand(rng: np.random.Generator, text: str, fill: dict[str, str]) -> str:
    """Fill ``{name}`` slots from `fill` and pick one option of each ``[a|b|c]`` synonym set."""
    for key, value in fill.items():
        text = text.replace("{" + key + "}", value)
    out, rest = [], text
    while "[" in rest:
        head, _, tail = rest.partition("[")
        options, _, rest = tail.partition("]")
        out += [head, _pick(rng, options.split("|"))]
    return "".join([*out, rest])


# --- organic text, vectorised -----------------------------------------------------------------
def _gather(pool: Sequence[str], idx: np.ndarray) -> pl.Expr:
    return pl.lit(pl.Series(values=list(pool), dtype=pl.String).gather(idx))


def _topic_slot(rng: np.random.Generator, topic: np.ndarray, column: int) -> pl.Series:
    pools = [_TOPICS[name][column] for name in _TOPIC_NAMES]
    offsets = np.cumsum([0] + [len(p) for p in pools])
    sizes = np.diff(offsets)
    idx = offsets[topic] + _skewed(rng, sizes[topic], len(topic), 1.5)
    return pl.Series(values=[w for p in pools for w in p], dtype=pl.String).gather(idx)


def _sentences(rng: np.random.Generator, topic: np.ndarray, english: np.ndarray) -> pl.Series:
    """One sentence per post, from word pools of the post's topic and language."""
    n = len(topic)
    en = pl.lit(pl.Series(english, dtype=pl.Boolean))
    slots = {
        "subj": pl.when(en)
        .then(_gather(_EN_SUBJ, _skewed(rng, len(_EN_SUBJ), n)))
        .otherwise(_gather(_ID_SUBJ, _skewed(rng, len(_ID_SUBJ), n))),
        "verb": pl.when(en)
        .then(pl.lit(_topic_slot(rng, topic, 2)))
        .otherwise(pl.lit(_topic_slot(rng, topic, 0))),
        "obj": pl.when(en)
        .then(pl.lit(_topic_slot(rng, topic, 3)))
        .otherwise(pl.lit(_topic_slot(rng, topic, 1))),
        "when": pl.when(en)
        .then(_gather(_EN_WHEN, _skewed(rng, len(_EN_WHEN), n, 1.3)))
        .otherwise(_gather(_ID_WHEN, _skewed(rng, len(_ID_WHEN), n, 1.3))),
        "comment": pl.when(en)
        .then(_gather(_EN_COMMENT, _skewed(rng, len(_EN_COMMENT), n, 1.3)))
        .otherwise(_gather(_ID_COMMENT, _skewed(rng, len(_ID_COMMENT), n, 1.3))),
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


def _organic_texts(
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
        .then(_gather(_EN_COMMENT, rng.integers(0, len(_EN_COMMENT), n)))
        .otherwise(_gather(_ID_COMMENT, rng.integers(0, len(_ID_COMMENT), n)))
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
        pl.when(pl.lit(n_emoji > k)).then(_gather(_EMOJI, _skewed(rng, len(_EMOJI), n)))
        for k in range(3)
    ]
    n_tags = rng.choice(6, size=n, p=[0.25, 0.25, 0.2, 0.15, 0.1, 0.05])
    topic_tags = [_TOPICS[name][4] for name in _TOPIC_NAMES]
    tags = []
    for k in range(5):
        source = rng.random(n)
        tag = (
            pl.when(pl.lit(source < 0.45))
            .then(pl.lit(_topic_tag(rng, topic, topic_tags)))
            .when(pl.lit(source < 0.8))
            .then(_gather(_POPULAR_TAGS, _skewed(rng, len(_POPULAR_TAGS), n, 2.5)))
            .otherwise(pl.lit(rare_tags.gather((rng.zipf(1.2, n) - 1) % len(rare_tags))))
        )
        tags.append(pl.when(pl.lit(n_tags > k)).then(pl.concat_str([pl.lit("#"), tag])))
    mention_kind = rng.random(n)
    mention = (
        pl.when(pl.lit(mention_kind < 0.04))
        .then(pl.concat_str([pl.lit("@"), _gather(_CELEBS, _skewed(rng, len(_CELEBS), n))]))
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
    idx = offsets[topic] + _skewed(rng, np.diff(offsets)[topic], len(topic), 1.8)
    return pl.Series(values=[t for p in pools for t in p], dtype=pl.String).gather(idx)


def _organic_urls(rng: np.random.Generator, n: int) -> pl.Expr:
    """News and shop links; a few pages are linked by many accounts, most by one."""
    domains = _NEWS_DOMAINS + _OTHER_DOMAINS
    dom = _gather(domains, _skewed(rng, len(domains), n))
    page = pl.lit(pl.Series((rng.zipf(1.5, n) % 5_000_000).astype(np.int64) + 1000))
    is_news = dom.str.ends_with(".com") | dom.str.ends_with(".co")
    path = (
        pl.when(is_news)
        .then(pl.concat_str([pl.lit("/read/"), page.cast(pl.String)]))
        .otherwise(page.cast(pl.String))
    )
    tracking = pl.when(pl.lit(rng.random(n) < 0.2)).then(pl.lit("?utm_source=whatsapp"))
    return pl.concat_str([pl.lit("https://"), dom, path, tracking], ignore_nulls=True)


def _handles(rng: np.random.Generator, n: int) -> pl.Series:
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
                _gather(_FIRST, rng.integers(0, len(_FIRST), n)),
                seps,
                _gather(_SECOND, rng.integers(0, len(_SECOND), n)),
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


def _plain_texts(rng: np.random.Generator, n: int, *, sentences: int = 1) -> list[str]:
    """`n` organic-looking texts (no entities) for planted posts that word things their own way."""
    if n == 0:
        return []
    topic = rng.integers(0, len(_TOPIC_NAMES), n)
    english = rng.random(n) < 0.2
    parts = [_sentences(rng, topic, english) for _ in range(sentences)]
    joined = pl.select(pl.concat_str([pl.lit(p) for p in parts], separator=". ")).to_series()
    return [_cap(t) for t in joined.to_list()]


# --- planted groups ----------------------------------------------------------------------------
@dataclass
class _Planted:
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
class _Ctx:
    span: int  # seconds in the period
    scale: float  # group-size factor: 1 at >= 100k posts, smaller for small test sets
    hashtag: str | None = None  # script_push overrides (the bundled sample)
    target: str | None = None


# [a|b] picks a synonym, {name} a member's own words: the same script, paraphrased
_PUSH_SCRIPT = {
    "emotional": [
        "[Sedih|Sedih banget|Hancur hati] kami kalau [jualan online|toko online] "
        "[ditutup|dilarang]",
        "[Pak|Bapak] {target_name}, [tolong|mohon] dengar suara [kami|rakyat kecil|pedagang kecil]",
        "[Jualan|Usaha] online ini [satu-satunya|sumber] [rezeki|penghasilan] keluarga kami",
        "Jangan [matikan|putus] [rezeki|harapan] [rakyat kecil|UMKM|kami]",
        "Kami [bukan musuh|tidak merugikan] pasar [tradisional|offline], kami [cuma|hanya] "
        "ingin [bertahan|hidup layak]",
        "[Air mata|Doa] [kami|para penjual] [untuk|bagi] [keluarga|anak-anak] di rumah",
    ],
    "rational": [
        "[Lebih dari|Hampir] {pct} persen [penjualan|omzet] kami [datang dari|lewat] "
        "[platform digital|live shopping]",
        "UMKM [butuh|perlu] pasar digital [untuk|agar bisa] [bertahan|bersaing]",
        "[Larangan|Pelarangan] social commerce [merugikan|berdampak pada] [jutaan|ribuan] "
        "[pedagang|penjual] kecil",
        "[Solusinya|Yang dibutuhkan] [regulasi|aturan] yang adil, bukan [penutupan|pelarangan]",
        "[Data|Fakta] menunjukkan [pembeli|konsumen] [kini|sekarang] belanja [lewat|di] "
        "[ponsel|HP]",
        "[Pemerintah|Negara] [sebaiknya|harusnya] [melindungi|membina] penjual lokal, bukan "
        "[mematikan|menutup] [pasarnya|kanalnya]",
    ],
    "story": [
        "[Aku|Saya] mulai jualan {product} dari rumah [tahun|sejak] {year}",
        "[Dulu|Awalnya] cuma laku {n} [pcs|paket] [sebulan|per bulan]",
        "[Sekarang|Kini] [bisa|sudah bisa] [menghidupi|membiayai] keluarga [dan|bahkan] "
        "[menggaji|mempekerjakan] {k} [tetangga|karyawan]",
        "[Terima kasih|Makasih] [live shopping|jualan online], [hidup kami|usaha kami] "
        "[berubah|jadi lebih baik]",
        "[Semua|Semuanya] [berawal|dimulai] dari [satu video|satu live] [yang viral|sederhana]",
        "[Semoga|Mudah-mudahan] [platform ini|toko online kami] [tetap ada|tetap dibuka] "
        "[untuk kami|buat kami]",
    ],
}
_HIJACK_SCRIPT = {
    "emotional": [
        "[Hati kami|Kami] [bersama|mendukung] {target_name} [sampai akhir|sepenuhnya]",
        "{target_name} [peduli|dekat] dengan [rakyat kecil|wong cilik|kami]",
        "[Bangga|Terharu] punya [pemimpin|tokoh] seperti {target_name}",
        "[Jangan|Jangan sampai] [salah pilih|golput], masa depan [anak kita|kita] "
        "[taruhannya|dipertaruhkan]",
        "[Cuma|Hanya] {target_name} yang [benar-benar|sungguh] [mendengar|memikirkan] "
        "[kami|rakyat]",
    ],
    "rational": [
        "[Program|Rencana] {target_name} [terbukti|jelas] [menekan|menurunkan] harga "
        "[pangan|sembako]",
        "[Rekam jejak|Track record] {target_name} [paling|sangat] [bersih|jelas] "
        "[dibanding|daripada] "
        "yang lain",
        "[Ekonomi|Usaha kecil] [tumbuh|naik] [saat|ketika] {target_name} [memimpin|menjabat]",
        "[Pilih|Dukung] yang [punya|membawa] [data|program nyata], [pilih|dukung] {target_name}",
        "[Lapangan kerja|Harga pupuk] [jadi|adalah] [prioritas|fokus] {target_name}",
    ],
    "story": [
        "[Waktu|Saat] [banjir|pandemi] [kemarin|dulu], {target_name} [datang langsung|turun "
        "tangan] "
        "ke [kampung|desa] kami",
        "[Warung|Usaha] [ibu|bapak] saya [terbantu|bangkit] [berkat|karena] program {target_name}",
        "[Aku|Saya] [pernah|sempat] [ketemu|bertemu] {target_name} di {city}, [orangnya|beliau] "
        "[ramah|sederhana] banget",
        "[Dulu|Awalnya] [aku|saya] [ragu|tidak percaya], [sekarang|kini] [yakin|mantap] pilih "
        "{target_name}",
        "[Anak saya|Adik saya] [bisa|dapat] [sekolah|kuliah] [gratis|dengan beasiswa] "
        "[karena|berkat] "
        "{target_name}",
    ],
}
_PERSONAL = [
    "[Salam dari|Saya dari|Dari] {city}, {shop}",
    "{shop} {city} [ikut bersuara|mendukung|hadir]",
    "[Aku|Saya] {first}, [jualan|penjual] {product} di {city}",
]


def _member_words(rng: np.random.Generator) -> dict[str, str]:
    first = _cap(_pick(rng, _FIRST))
    return {
        "first": first,
        "shop": f"Toko {_pick(rng, _SHOP_WORDS)} {first}",
        "city": _pick(rng, _CITIES),
        "product": _pick(rng, _PRODUCTS),
        "pct": str(int(rng.integers(5, 19)) * 5),
        "year": str(int(rng.integers(2017, 2023))),
        "n": str(int(rng.integers(5, 40))),
        "k": str(int(rng.integers(2, 15))),
    }


def _script_group(
    rng: np.random.Generator,
    g: _Planted,
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
        own_style = _pick(rng, styles)
        n_posts = int(rng.integers(2, 5))
        for t in np.sort(_diurnal_times(rng, n_posts, *window)):
            style = own_style if rng.random() < 0.7 else _pick(rng, styles)
            lines = list(script[style])
            keep = sorted(rng.choice(4, int(rng.integers(2, 5)), replace=False))
            chosen = [lines[i] for i in keep]
            if len(chosen) > 1 and rng.random() < 0.35:  # reordered sentences
                i = int(rng.integers(len(chosen) - 1))
                chosen[i], chosen[i + 1] = chosen[i + 1], chosen[i]
            if rng.random() < 0.6:  # the member's own words: shop, city, product
                personal = _pick(rng, _PERSONAL)
                chosen.insert(0 if rng.random() < 0.5 else len(chosen), personal)
            body = ". ".join(_expand(rng, s, words) for s in chosen) + _pick(
                rng, [".", "!", "!!", ""]
            )
            if rng.random() < 0.3:
                body = body.lower()
            extra = [t for t in extra_tags if rng.random() < 0.3]
            stack = " ".join("#" + x for x in [*tags, *extra])
            mention = f"@{target}" if target else ""
            if target and rng.random() < 0.3:
                text = f"{mention} {body}{_emoji(rng, 0.6)} {stack}"
            else:
                text = " ".join(x for x in (f"{body}{_emoji(rng, 0.6)}", stack, mention) if x)
            g.add(member, t, text)


def _script_push(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    tag = ctx.hashtag or _fresh_tag(
        rng,
        ["KamiUMKM", "DukungUMKM", "SelamatkanUMKM", "SuaraPenjual", "BelaPedagangKecil"],
        ["diTikTok", "TetapJualan", "Bersatu", "Online", "Indonesia"],
    )
    target = ctx.target or _pick(rng, ["jokowi", "kemendag", "menkopukm", "tetenmasduki"])
    names = {"jokowi": "Jokowi", "kemendag": "Menteri", "menkopukm": "Menteri"}
    t0 = int(rng.integers(0, max(1, ctx.span - _DAY)))
    g = _Planted(
        "script_push",
        "campaign",
        _scaled(rng, 40, 150, ctx.scale),
        [tag.lower()],
        target,
        f"#{tag}: one script in three styles (emotional, rational, story), paraphrased, "
        f"tagging @{target}, 2-4 posts per account within 24 hours",
    )
    _script_group(
        rng,
        g,
        _PUSH_SCRIPT,
        window=(t0, min(ctx.span, t0 + _DAY)),
        tags=[tag],
        extra_tags=["umkm", "tiktokshop", "umkmnaikkelas", "produklokal"],
        target=target,
        target_name=names.get(target, "Presiden"),
    )
    return g


def _popular_hijack(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    tags = list(rng.choice(["umkm", "kuliner", "jakarta", "indonesia", "bola"], 2, replace=False))
    first = _pick(rng, ["Rudi", "Surya", "Ratna", "Hendra", "Wulan", "Bagus", "Intan"])
    last = _pick(rng, ["hartono", "wijaya", "santoso", "pratama", "kusuma", "nugroho", "lubis"])
    target = f"{first.lower()}{last}.official"
    length = int(rng.integers(2, 5)) * _DAY
    t0 = int(rng.integers(0, max(1, ctx.span - length)))
    g = _Planted(
        "popular_hijack",
        "campaign",
        _scaled(rng, 30, 80, ctx.scale),
        tags,
        target,
        f"endorsement script for {first} {_cap(last)} riding the popular tags "
        f"#{tags[0]} and #{tags[1]}, 2-4 posts per account over {length // _DAY} days",
    )
    _script_group(
        rng,
        g,
        _HIJACK_SCRIPT,
        window=(t0, min(ctx.span, t0 + length)),
        tags=[tags[0]] if rng.random() < 0.5 else tags,
        extra_tags=["fyp", "pemilu2024"],
        target=target if rng.random() < 0.5 else None,
        target_name=f"{first} {_cap(last)}",
    )
    return g


def _copypasta_ring(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 15, 40, ctx.scale)
    n_messages = int(rng.integers(4, 9))
    g = _Planted(
        "copypasta_ring",
        "campaign",
        m,
        [],
        None,
        f"{n_messages} messages, each posted verbatim or nearly so by most of the ring within "
        "minutes, on different days",
    )
    messages = _plain_texts(rng, n_messages, sentences=3)
    music = int(rng.integers(0, 1 << 30))
    for msg, t0 in zip(
        messages, np.sort(_diurnal_times(rng, n_messages, 0, ctx.span)), strict=True
    ):
        tags = [_pick(rng, _POPULAR_TAGS), _pick(rng, _TOPICS["berita"][4])]
        text = f"{msg}. " + " ".join("#" + t for t in tags)
        g.hashtags += [t for t in tags if t not in g.hashtags]
        for member in np.flatnonzero(rng.random(m) < rng.uniform(0.6, 1.0)):
            delay = min(15 * 60, int(rng.exponential(150)))
            variant = text
            if rng.random() < 0.25:  # near-identical: an emoji, a cheer or more punctuation
                variant = _pick(rng, [f"{text} 🔥", f"Setuju! {text}", text.replace(". #", "!! #")])
            g.add(int(member), min(ctx.span - 1, int(t0) + delay), variant, music=music)
    return g


def _hashtag_set_ring(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 15, 40, ctx.scale)
    fresh = [
        _fresh_tag(
            rng, ["indonesia", "gerakan", "pemuda", "rakyat"], ["emas2045", "bangkit", "maju"]
        ),
        _fresh_tag(rng, ["save", "jaga", "kawal"], ["demokrasi", "nkri", "pemilu", "ekonomi"]),
    ]
    seq = [*fresh[: int(rng.integers(1, 3))], *rng.choice(_POPULAR_TAGS[:10], 3, replace=False)]
    seq = seq[: int(rng.integers(3, 6))]
    g = _Planted(
        "hashtag_set_ring",
        "campaign",
        m,
        [s.lower() for s in seq],
        None,
        "the same hashtag sequence "
        + " ".join("#" + s for s in seq)
        + " posted in rounds over the days with otherwise varied text",
    )
    days = max(1, ctx.span // _DAY)
    events = _diurnal_times(rng, int(days * rng.uniform(1, 3)), 0, ctx.span)
    for t0 in np.sort(events):
        members = np.flatnonzero(rng.random(m) < rng.uniform(0.3, 0.7))
        texts = _plain_texts(rng, len(members))
        for member, body in zip(members, texts, strict=True):
            t = min(ctx.span - 1, int(t0) + int(rng.integers(0, 30 * 60)))
            g.add(int(member), t, f"{body}{_emoji(rng)} " + " ".join("#" + s for s in seq))
    return g


def _low_and_slow(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 8, 15, ctx.scale)
    site = _fresh_tag(rng, ["berita", "kabar", "info", "suara"], ["rakyat", "nusantara", "terkini"])
    site += f"{int(rng.integers(10, 99))}.com"
    urls = [f"https://{site}/{int(rng.integers(10**5, 10**6))}" for _ in range(rng.integers(3, 7))]
    tag = _fresh_tag(rng, ["suara", "fakta", "bongkar"], ["kebenaran", "terpendam", "rakyat"])
    g = _Planted(
        "low_and_slow",
        "campaign",
        m,
        [tag],
        None,
        f"{len(urls)} links to {site} and #{tag}, a few accounts per event within an hour, "
        "a few events a day over the whole period",
    )
    n_events = int(max(1, ctx.span // _DAY) * rng.uniform(2, 4) * max(0.4, ctx.scale))
    for t0 in np.sort(_diurnal_times(rng, n_events, 0, ctx.span)):
        url = _pick(rng, urls)
        length = int(rng.integers(30, 61)) * 60
        members = rng.choice(m, min(m, int(rng.integers(3, 7))), replace=False)
        for member, body in zip(members, _plain_texts(rng, len(members)), strict=True):
            text = f"{body} {url}" + (f" #{tag}" if rng.random() < 0.7 else "")
            g.add(int(member), min(ctx.span - 1, int(t0) + int(rng.integers(0, length))), text)
    return g


_SHOUTS = _w(
    "usut tuntas|tangkap pelakunya|rakyat sudah muak|viralkan|jangan diam|kami bersatu|"
    "bongkar semuanya|lawan|sebarkan|kawal terus|jangan lupa|ini fakta|buka mata|"
    "rakyat menuntut|sampai tuntas"
)


def _hashtag_flood(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 100, 150, ctx.scale)
    per_account = max(6, round(int(rng.integers(20, 51)) * ctx.scale))
    main = _fresh_tag(
        rng, ["usut", "bongkar", "tangkap", "tolak", "stop"], ["mafia", "korupsi", "kartel"]
    )
    main += _pick(rng, ["tambang", "beras", "pajak", "impor", "hutan", "bansos"])
    pool = [
        _fresh_tag(rng, ["rakyat", "indonesia"], ["bersatu", "melawan", "menggugat"]),
        "keadilan",
        "viral",
        "fyp",
        "indonesia",
        "trending",
        "usuttuntas",
    ]
    hours = int(rng.integers(2, 6))
    t0 = int(rng.integers(0, max(1, ctx.span // 2)))
    g = _Planted(
        "hashtag_flood",
        "campaign",
        m,
        [main],
        None,
        f"#{main} flood: {per_account} short tag-stacked posts per account within {hours} hours, "
        "then a trickle for days, when unrelated accounts pick the tag up too",
    )
    for member in range(m):
        for t in _diurnal_times(rng, per_account, t0, t0 + hours * _HOUR):
            shout = _pick(rng, _SHOUTS)
            shout = shout.upper() if rng.random() < 0.4 else _cap(shout)
            shout += _pick(rng, ["!", "!!", "!!!", "", "."]) + _emoji(rng, 0.6)
            stack = [
                "#" + main,
                *("#" + x for x in rng.choice(pool, int(rng.integers(2, 6)), replace=False)),
            ]
            rng.shuffle(stack[1:]) if rng.random() < 0.5 else None
            g.add(member, t, f"{shout} {' '.join(stack)}")
        for t in _diurnal_times(rng, int(rng.integers(0, 3)), t0 + hours * _HOUR, ctx.span):
            g.add(member, t, f"{_cap(_pick(rng, _SHOUTS))} #{main}")
    later = _diurnal_times(rng, m // 2, t0 + hours * _HOUR, ctx.span)
    for t, body in zip(later, _plain_texts(rng, len(later)), strict=True):
        g.add(-1, t, f"{body} #{main}")  # organic accounts pick the tag up afterwards
    return g


_REACTIONS = [
    "[Ya Allah|Astaga|Innalillahi], semoga [semua selamat|korban cepat ditemukan]",
    "[Barusan|Tadi] [terasa|kejadian] [di sini|dekat rumah]",
    "[Hati-hati|Waspada] [semuanya|ya guys]",
    "[Doa terbaik|Turut berduka] untuk [warga|korban]",
    "[Serem|Ngeri] banget, [baru lihat|baru tahu] beritanya",
    "[Keluarga|Temen] aku di sana [aman|belum ada kabar]",
    "[Stay safe|Take care] everyone",
]


def _news_burst(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 150, 400, ctx.scale)
    event, city = _pick(rng, ["gempa", "banjir", "kebakaran", "longsor"]), _pick(rng, _CITIES)
    tag = f"{event}{city.lower()}"
    hours = int(rng.integers(2, 7))
    t0 = int(rng.integers(0, max(1, ctx.span - hours * _HOUR)))
    slug = f"{event}-{city.lower()}-{int(rng.integers(10**6, 10**7))}"
    urls = [f"https://{d}/read/{slug}" for d in rng.choice(_NEWS_DOMAINS, 3, replace=False)]
    g = _Planted(
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
            f"{_cap(event)} di {city}. {_plain_texts(rng, 1)[0]} "
            f"{urls[i % 3]} #{tag} #beritaterkini",
        )
        for i in range(3)
    ]
    for member in range(3, m):
        for _ in range(1 + int(rng.random() < 0.2)):
            t = t0 + min(hours * _HOUR - 1, int(rng.exponential(hours * _HOUR / 3)))
            u = rng.random()
            if u < 0.2:
                src = _pick(rng, originals)
                g.add(member, max(t, g.t[src] + 30), g.text[src], share=src)
                continue
            words = _expand(rng, _pick(rng, _REACTIONS), {})
            if rng.random() < 0.5:
                words += ". " + _plain_texts(rng, 1)[0]
            link = f" {_pick(rng, urls)}" if u < 0.6 else ""
            extra = _pick(rng, ["", "", " #news", f" #{city.lower()}", " #prayfor" + city.lower()])
            g.add(member, t, f"{words}{_emoji(rng)}{link} #{tag}{extra}")
    return g


_FANDOMS = [
    (["bts", "army", "btsarmy"], "bts_official_bighit"),
    (["jkt48", "jkt48newera", "wota"], "officialjkt48"),
    (["newjeans", "bunnies", "newjeans_official"], "newjeans_official"),
    (["seventeen", "carat", "svt"], "pledis_17"),
]
_FAN_PHRASES = _w(
    "streaming now!!|congrats boys|aku padamu|ayo vote guys|proud of you|comeback kapan??|"
    "fancam ini gila|love you always|mereka lucu banget|nangis liat ini|happy anniversary|"
    "jangan lupa streaming|we love you|the best!!|gak kuat|bias wrecker parah"
)


def _fandom(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    tags, idol = _FANDOMS[int(rng.integers(len(_FANDOMS)))]
    m = _scaled(rng, 80, 200, ctx.scale)
    g = _Planted(
        "fandom",
        "hard_negative",
        m,
        list(tags),
        idol,
        f"fans posting #{tags[0]} and fandom tags repeatedly, common short phrases, "
        "spread over the whole period",
    )
    for member in range(m):
        for t in _diurnal_times(
            rng, max(3, round(int(rng.integers(5, 21)) * ctx.scale)), 0, ctx.span
        ):
            text = _pick(rng, _FAN_PHRASES) + _emoji(rng, 0.7)
            if rng.random() < 0.3:
                text = f"{_plain_texts(rng, 1)[0]} {text}"
            chosen = [tags[0], *(x for x in tags[1:] if rng.random() < 0.4)]
            text += " " + " ".join("#" + x for x in chosen)
            g.add(member, t, text + (f" @{idol}" if rng.random() < 0.2 else ""))
    return g


_GREETINGS = _w(
    "selamat pagi semua|semangat pagi!|pagi yang cerah|jangan lupa sarapan ya|"
    "semoga harimu menyenangkan|pagi gaes|bismillah, semangat kerja|ngopi dulu biar semangat|"
    "selamat beraktivitas|awali hari dengan senyum"
)


def _daily_hashtag(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 100, 250, ctx.scale)
    tag, hour_from, hour_to = "selamatpagi", 5, 8
    g = _Planted(
        "daily_hashtag",
        "hard_negative",
        m,
        [tag],
        None,
        f"#{tag} every morning between {hour_from}:00 and {hour_to}:00 Jakarta time by a "
        "changing subset of a large pool, generic greetings",
    )
    for day in range(max(1, ctx.span // _DAY)):
        lo = day * _DAY + hour_from * _HOUR - _LOCAL_OFFSET
        lo_c, hi = max(0, lo), min(ctx.span, lo + (hour_to - hour_from) * _HOUR)
        if hi <= lo_c:
            continue
        for member in np.flatnonzero(rng.random(m) < rng.uniform(0.2, 0.4)):
            text = _cap(_pick(rng, _GREETINGS)) + _emoji(rng, 0.7) + f" #{tag}"
            text += _pick(rng, ["", "", " #semangat", " #goodmorning"])
            g.add(int(member), int(rng.integers(lo_c, hi)), text)
    return g


_MEMES = _w(
    "kamu nanya? kamu bertanya-tanya?|ini bukan kaleng-kaleng|healing tipis-tipis dulu|"
    "pov: gajian tapi tanggal tua|gak ada obat emang|mental aman, dompet yang nggak|"
    "udah cantik, pinter, tapi kok jomblo"
)


def _viral_phrase(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 150, 400, ctx.scale)
    meme = _pick(rng, _MEMES)
    length = int(rng.integers(1, 3)) * _DAY
    t0 = int(rng.integers(0, max(1, ctx.span - length)))
    g = _Planted(
        "viral_phrase",
        "hard_negative",
        m,
        [],
        None,
        f'the meme "{meme}" copied by unrelated accounts over {length // _DAY} day(s), '
        "often with small additions",
    )
    for member in range(m):
        for t in _diurnal_times(rng, 1 + int(rng.random() < 0.05), t0, t0 + length):
            text = meme if rng.random() < 0.5 else _cap(meme)
            u = rng.random()
            if u < 0.25:
                text = f"{_pick(rng, _ID_COMMENT)} {text}"
            elif u < 0.5:
                text = f"{text} {_pick(rng, _ID_COMMENT)}"
            tags = rng.choice(_POPULAR_TAGS[:8], int(rng.integers(0, 3)), replace=False)
            g.add(member, t, " ".join([text + _emoji(rng, 0.6), *("#" + x for x in tags)]))
    return g


_HEADLINES = [
    "[Harga beras|Harga cabai|Harga telur|Tarif KRL] [naik|turun|stabil] [pekan ini|jelang akhir "
    "bulan]",
    "[Timnas|Persija|Persib] [menang|imbang|kalah] [dramatis|tipis] [semalam|di kandang]",
    "[Hujan deras|Banjir|Macet parah] [landa|di] [Jakarta|Bekasi|Tangerang] [pagi ini|sore ini]",
    "[KPU|Bawaslu] [umumkan|rilis] [jadwal|aturan] [kampanye|debat] [terbaru|pemilu 2024]",
    "[BI|Pemerintah] [tahan|naikkan] [suku bunga|subsidi] [bulan ini|tahun depan]",
    "[Gempa|Erupsi] [guncang|di] [Sulawesi|Jawa Barat|NTB], [warga panik|tidak berpotensi tsunami]",
    "[Artis|Selebgram] [ini|terkenal] [viral|jadi sorotan] [karena|usai] [unggahan|pernyataan] "
    "[terbaru|kontroversial]",
]


def _news_aggregators(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = int(rng.integers(8, 12))
    per_day = max(2, round(int(rng.integers(15, 31)) * ctx.scale))
    g = _Planted(
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
    items = _diurnal_times(rng, per_day * max(1, ctx.span // _DAY), 0, ctx.span)
    for t0 in np.sort(items):
        headline = _expand(rng, _pick(rng, _HEADLINES), {})
        url = f"https://{_pick(rng, _NEWS_DOMAINS)}/read/{int(rng.integers(10**6, 10**7))}"
        for member in np.flatnonzero(rng.random(m) < keen):
            text = [
                f"{headline} {url}",
                f"[BERITA] {headline} | {url} #berita",
                f"{headline}: {url}",
            ]
            t = min(ctx.span - 1, int(t0) + int(rng.exponential(lag[member])))
            g.add(int(member), t, text[style[member]])
    return g


def _share_cascade(rng: np.random.Generator, ctx: _Ctx) -> _Planted:
    m = _scaled(rng, 150, 400, ctx.scale)
    t0 = int(rng.integers(0, max(1, ctx.span - _DAY)))
    tags = [_pick(rng, _POPULAR_TAGS), _pick(rng, _TOPICS["harian"][4])]
    long_text = (
        ". ".join(_plain_texts(rng, 4, sentences=1)) + ". " + " ".join("#" + t for t in tags)
    )
    g = _Planted(
        "share_cascade",
        "hard_negative",
        m,
        tags,
        None,
        "one long post reposted by many accounts within hours",
    )
    src = g.add(0, t0, long_text)
    for member in range(1, m):
        delay = min(_DAY - 1, int(rng.lognormal(np.log(3600), 0.9)) + 30)
        g.add(member, min(ctx.span - 1, t0 + delay), long_text, share=src)
    return g


_BUILDERS = {
    "script_push": _script_push,
    "copypasta_ring": _copypasta_ring,
    "hashtag_set_ring": _hashtag_set_ring,
    "low_and_slow": _low_and_slow,
    "popular_hijack": _popular_hijack,
    "hashtag_flood": _hashtag_flood,
    "news_burst": _news_burst,
    "fandom": _fandom,
    "daily_hashtag": _daily_hashtag,
    "viral_phrase": _viral_phrase,
    "news_aggregators": _news_aggregators,
    "share_cascade": _share_cascade,
}


# --- assembly --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SynthData:
    """Synthetic posts and the truth about them.

    Attributes
    ----------
    posts
        post_id, account, created_at (datetime[us, UTC]), text, share_of (null unless a
        repost), platform, music_id; sorted by (created_at, post_id).
    truth
        account, group, role: one row per membership of a planted group; role is
        ``"campaign"`` or ``"hard_negative"``. Accounts not listed are organic.
    groups
        group, role, kind, hashtags, target, start, end (first and last post of a member
        for the group), n_accounts, n_posts (the members' posts for the group), description.
    planted
        post_id, group: the posts each planted group's members made for it, so detectors can
        also be scored post by post.
    """

    posts: pl.DataFrame
    truth: pl.DataFrame
    groups: pl.DataFrame
    planted: pl.DataFrame


def _parse_start(start: str | datetime) -> datetime:
    try:
        value = start if isinstance(start, datetime) else datetime.fromisoformat(start)
    except ValueError as exc:
        raise InputError(
            f"start: {start!r} is not an ISO 8601 time; use e.g. 2023-09-18T00:00:00Z"
        ) from exc
    if value.tzinfo is None:
        raise InputError(f"start: {start!r} has no time zone; add one, e.g. Z for UTC")
    return value.astimezone(UTC).replace(microsecond=0)


def _kind_list(kinds: Sequence[str] | None) -> list[str]:
    if kinds is None:
        return list(KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    unknown = [k for k in kinds if k not in _BUILDERS]
    if unknown:
        raise InputError(f"kinds: unknown kind(s) {unknown}; choose from {', '.join(KINDS)}")
    return list(dict.fromkeys(kinds))


def _organic_activity(rng: np.random.Generator, n: int) -> np.ndarray:
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


def generate(
    n_posts: int = 100_000,
    *,
    seed: int = 0,
    start: str | datetime = "2023-09-18T00:00:00Z",
    days: int = 14,
    kinds: Sequence[str] | None = None,
) -> SynthData:
    """Synthetic posts: an organic background with planted campaigns and hard negatives.

    Use it to test and benchmark detectors against a known truth: `truth` says which accounts
    ran a campaign and which only look like one. Group sizes are drawn per `seed` within the
    ranges in the module docstring, so a detector cannot be tuned to one draw.

    Parameters
    ----------
    n_posts
        Exact number of posts, planted ones included. Planted groups stop growing at 100,000
        posts and shrink (to at least 8 accounts each) below it.
    seed
        Every random choice derives from it; the same arguments give identical frames.
    start
        First instant of the period, ISO 8601 with a time zone.
    days
        Length of the period (at least 2).
    kinds
        Which planted groups to add (see `KINDS`); None adds all twelve, ``[]`` none.

    Returns
    -------
    SynthData

    Raises
    ------
    InputError
        When `n_posts` is too small for the planted groups, `days` < 2, or a kind is unknown.

    Examples
    --------
    >>> data = generate(3_000, seed=1, kinds=["script_push", "news_burst"])
    >>> data.posts.height, sorted(data.groups["group"])
    (3000, ['news_burst', 'script_push'])
    >>> data.truth.columns
    ['account', 'group', 'role']
    """
    if n_posts < 1:
        raise InputError(f"n_posts: {n_posts} must be at least 1")
    if days < 2:
        raise InputError(f"days: {days} must be at least 2, so that planted groups have room")
    origin = _parse_start(start)
    chosen = _kind_list(kinds)
    return _generate(n_posts, seed=seed, origin=origin, days=days, kinds=chosen, ctx_extra={})


def _generate(
    n_posts: int,
    *,
    seed: int,
    origin: datetime,
    days: int,
    kinds: list[str],
    ctx_extra: dict[str, str],
    scale: float | None = None,
) -> SynthData:
    span = days * _DAY
    if scale is None:
        scale = min(1.0, n_posts / 100_000) ** 0.5
    ctx = _Ctx(span=span, scale=scale, **ctx_extra)
    planted = [
        _BUILDERS[kind](np.random.default_rng([seed, 1000 + KINDS.index(kind)]), ctx)
        for kind in kinds
    ]
    n_planted = sum(len(g.t) for g in planted)
    if n_planted > _MAX_PLANTED_SHARE * n_posts:
        raise InputError(
            f"n_posts: {n_posts} is too small for the planted groups ({n_planted} posts); "
            f"use n_posts >= {int(n_planted / _MAX_PLANTED_SHARE) + 1} or fewer kinds"
        )
    rng = np.random.default_rng([seed, 1])
    n_org = n_posts - n_planted
    counts = _organic_activity(rng, n_org)
    n_acc = len(counts)
    handles = _handles(rng, n_acc)

    # organic posts: who, when, about what, in which language
    poster = rng.permutation(np.repeat(np.arange(n_acc), counts))
    n_rep = round(_REPOST_SHARE * n_org) if n_org >= 100 else 0
    n_orig = n_org - n_rep
    t_orig = _diurnal_times(rng, n_orig, 0, span)
    fav_topic = rng.integers(0, len(_TOPIC_NAMES), n_acc)
    topic = np.where(
        rng.random(n_orig) < 0.6, fav_topic[poster[:n_orig]], rng.integers(0, 7, n_orig)
    )
    english = (rng.random(n_acc) < 0.25)[poster[:n_orig]] ^ (rng.random(n_orig) < 0.1)
    rare = pl.Series(
        "rare",
        sorted({a + b for a in _SECOND + _FIRST for b in _SECOND + _CITIES if a != b}),
    ).str.to_lowercase()
    rare = rare.gather(rng.permutation(len(rare)))
    # in fixed-size chunks, so that the word columns of 10M posts never sit in memory at once
    texts = pl.concat(
        [
            _organic_texts(
                rng, topic[i : i + _CHUNK], english[i : i + _CHUNK], handles, rare_tags=rare
            )
            for i in range(0, n_orig, _CHUNK)
        ]
        or [pl.Series("text", [], dtype=pl.String)]
    )
    n_sounds = max(200, n_org // 200)
    sounds = rng.integers(7_000_000_000_000_000_000, 7_300_000_000_000_000_000, n_sounds + 1)
    music = np.where(
        rng.random(n_orig) < 0.4,
        rng.integers(6_000_000_000_000_000_000, 7_000_000_000_000_000_000, n_orig),
        sounds[(rng.zipf(1.3, n_orig) - 1) % n_sounds],
    )
    # reposts of popular originals, later than the original
    candidates = rng.choice(n_orig, min(n_orig, max(10, n_orig // 300)), replace=False)
    src = candidates[_skewed(rng, len(candidates), n_rep, 3.0)] if n_rep else np.zeros(0, int)
    delay = rng.lognormal(np.log(3600), 1.2, n_rep).astype(np.int64) + 5
    t_rep = t_orig[src] + delay
    late = t_rep >= span
    t_rep[late] = t_orig[src][late] + ((span - t_orig[src][late]) * rng.random(late.sum()))
    t_rep = np.minimum(t_rep, span - 1)

    # planted members become organic accounts: campaign members are moderately active
    # accounts of their own; hard negatives are drawn from everyone else
    need = sum(g.n_members for g in planted if g.role == "campaign")
    quiet = np.flatnonzero(counts <= 30)
    if need > len(quiet):
        raise InputError(f"n_posts: {n_posts} is too small for {need} campaign accounts")
    acc_rng = np.random.default_rng([seed, 2])
    campaign_accounts = acc_rng.choice(quiet, need, replace=False)
    others = np.setdiff1d(np.arange(n_acc), campaign_accounts)
    slot_maps, used = [], 0
    for g in planted:
        if g.role == "campaign":
            slot_maps.append(campaign_accounts[used : used + g.n_members])
            used += g.n_members
        else:
            slot_maps.append(acc_rng.choice(others, min(len(others), g.n_members), replace=False))
    non_campaign_posts = poster[~np.isin(poster, campaign_accounts)]

    p_acc, p_t, p_text, p_share, p_music, p_group, p_member = [], [], [], [], [], [], []
    offset = n_org
    for gi, (g, mapping) in enumerate(zip(planted, slot_maps, strict=True)):
        slot = np.asarray(g.slot, dtype=np.int64)
        member = slot >= 0
        unrelated = acc_rng.choice(non_campaign_posts, int((~member).sum()))
        acc = np.empty(len(slot), dtype=np.int64)
        acc[member] = mapping[slot[member] % len(mapping)]
        acc[~member] = unrelated
        share = np.asarray(g.share, dtype=np.int64)
        p_acc.append(acc)
        p_t.append(np.asarray(g.t, dtype=np.int64))
        p_text += g.text
        p_share.append(np.where(share >= 0, share + offset, -1))
        gm = np.asarray(g.music, dtype=np.int64)
        drawn = sounds[(acc_rng.zipf(1.3, len(gm)) - 1) % n_sounds]
        p_music.append(np.where(gm >= 0, sounds[-1] - gm, drawn))
        p_group.append(np.full(len(slot), gi))
        p_member.append(member)
        offset += len(slot)

    cat = np.concatenate
    account = cat([poster, *p_acc]).astype(np.int64)
    t = cat([t_orig, t_rep, *p_t]).astype(np.int64)
    share_idx = cat([np.full(n_orig, -1), src + 0, *p_share]).astype(np.int64)
    music_all = cat([music, music[src], *p_music]).astype(np.int64)
    group_idx = cat([np.full(n_org, -1), *p_group]).astype(np.int64)
    is_member = cat([np.zeros(n_org, bool), *p_member])
    text = pl.concat([texts, texts.gather(src), pl.Series("text", p_text, dtype=pl.String)])

    seconds = int(origin.timestamp()) + t
    post_id = (seconds.astype(np.uint64) << np.uint64(32)) | rng.permutation(len(t)).astype(
        np.uint64
    )
    # sorted by (created_at, post_id): ids have 19 digits for any time after 1977, so their
    # numeric and text orders agree; columns are built already sorted to avoid a copy
    order = np.lexsort((post_id, seconds))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    del t
    pid = pl.Series("post_id", post_id[order]).cast(pl.String)
    share_sorted = share_idx[order]
    share_of = pl.select(
        pl.when(pl.lit(share_sorted >= 0)).then(pid.gather(rank[np.maximum(share_sorted, 0)]))
    ).to_series()
    text = text.gather(order)
    frame = pl.DataFrame(
        {
            "post_id": pid,
            "account": handles.gather(account[order]),
            "created_at": pl.Series(seconds[order] * 1_000_000).cast(pl.Datetime("us", "UTC")),
            "text": text,
            "share_of": share_of,
            "platform": pl.repeat("tiktok", len(order), eager=True, dtype=pl.String),
            "music_id": pl.Series(music_all[order]).cast(pl.String),
            "_group": group_idx[order],
            "_member": is_member[order],
        }
    )
    names = _group_names(planted)
    return _finish(frame, planted, names)


def _group_names(planted: list[_Planted]) -> list[str]:
    return [g.kind for g in planted]


def _finish(frame: pl.DataFrame, planted: list[_Planted], names: list[str]) -> SynthData:
    posts = frame.drop("_group", "_member")
    index = pl.DataFrame(
        {"_group": list(range(len(names))), "_name": names},
        schema={"_group": pl.Int64, "_name": pl.String},
    )
    member_posts = (
        frame.filter(pl.col("_member"))
        .join(index, on="_group", maintain_order="left")
        .drop("_group")
        .rename({"_name": "_group"})
    )
    roles = {name: g.role for name, g in zip(names, planted, strict=True)}
    truth = (
        member_posts.select(pl.col("account"), pl.col("_group").alias("group"))
        .unique()
        .with_columns(pl.col("group").replace_strict(roles, return_dtype=pl.String).alias("role"))
        .sort("group", "account")
    )
    planted_frame = member_posts.select("post_id", pl.col("_group").alias("group")).sort(
        "group", "post_id"
    )
    stats = member_posts.group_by(pl.col("_group").alias("group")).agg(
        pl.col("created_at").min().alias("start"),
        pl.col("created_at").max().alias("end"),
        pl.col("account").n_unique().cast(pl.Int64).alias("n_accounts"),
        pl.len().cast(pl.Int64).alias("n_posts"),
    )
    meta = pl.DataFrame(
        {
            "group": names,
            "role": [g.role for g in planted],
            "kind": [g.kind for g in planted],
            "hashtags": [[h.lower() for h in g.hashtags] for g in planted],
            "target": [g.target for g in planted],
            "description": [g.description for g in planted],
        },
        schema={
            "group": pl.String,
            "role": pl.String,
            "kind": pl.String,
            "hashtags": pl.List(pl.String),
            "target": pl.String,
            "description": pl.String,
        },
    )
    groups = meta.join(stats, on="group", how="left").select(
        "group",
        "role",
        "kind",
        "hashtags",
        "target",
        "start",
        "end",
        "n_accounts",
        "n_posts",
        "description",
    )
    return SynthData(posts=posts, truth=truth, groups=groups, planted=planted_frame)


# --- writing --------------------------------------------------------------------------------
def _iso(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def write(data: SynthData, outdir: str | os.PathLike[str], *, fmt: str = "csv") -> dict[str, Path]:
    """Write the posts, the truth and the group descriptions into `outdir`.

    Files: ``posts.<csv|parquet|jsonl>`` (times as ISO 8601 with ``Z`` in CSV and JSONL),
    ``truth.csv``, ``planted.csv`` and ``groups.json``. The same data gives byte-identical
    files, so a benchmark input can be regenerated instead of stored.

    Returns
    -------
    dict
        ``{"posts": path, "truth": path, "planted": path, "groups": path}``.
    """
    if fmt not in ("csv", "parquet", "jsonl"):
        raise InputError(f"fmt: {fmt!r} is not one of csv, parquet, jsonl")
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "posts": out / f"posts.{fmt}",
        "truth": out / "truth.csv",
        "planted": out / "planted.csv",
        "groups": out / "groups.json",
    }
    if fmt == "parquet":
        data.posts.write_parquet(paths["posts"], statistics=False)
    else:
        text_posts = data.posts.with_columns(_iso("created_at"))
        if fmt == "csv":
            text_posts.write_csv(paths["posts"])
        else:
            text_posts.write_ndjson(paths["posts"])
    data.truth.write_csv(paths["truth"])
    data.planted.write_csv(paths["planted"])
    groups = data.groups.with_columns(_iso("start"), _iso("end")).to_dicts()
    paths["groups"].write_text(json.dumps(groups, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return paths


_SAMPLE_KINDS = ("script_push", "copypasta_ring", "news_burst", "daily_hashtag", "share_cascade")


def kami_sample(*, seed: int = 7) -> SynthData:
    """The small bundled sample modelled on ``#KamiUMKMdiTikTok`` (September 2023).

    1,500 posts over a week: the script push itself (``#KamiUMKMdiTikTok``, tagging
    ``@jokowi``, within 24 hours), a copypasta ring, and three hard negatives (a news burst,
    a daily greeting hashtag and a share cascade). `fixtures/make_sample.py` writes it with
    `write_sample`.

    Examples
    --------
    >>> sample = kami_sample()
    >>> sample.groups.filter(pl.col("kind") == "script_push")["hashtags"].to_list()
    [['kamiumkmditiktok']]
    """
    return _generate(
        1_500,
        seed=seed,
        origin=datetime(2023, 9, 18, tzinfo=UTC),
        days=7,
        kinds=list(_SAMPLE_KINDS),
        ctx_extra={"hashtag": "KamiUMKMdiTikTok", "target": "jokowi"},
        scale=0.3,  # larger groups than 1,500 posts would get, so the demo has something to show
    )


def to_tiktok_research(posts: pl.DataFrame) -> pl.DataFrame:
    """`posts` with TikTok Research API column names, as the bundled sample is shipped.

    Columns: id, username, create_time (epoch seconds), video_description, region_code
    (mostly ``ID``, fixed per account), music_id, share_of (empty unless a share).
    """
    accounts = posts["account"].unique().sort()
    regions = ["ID"] * 17 + ["MY", "SG", "US"]
    region = {a: regions[zlib.crc32(a.encode()) % len(regions)] for a in accounts.to_list()}
    return posts.select(
        pl.col("post_id").alias("id"),
        pl.col("account").alias("username"),
        pl.col("created_at").dt.epoch("s").alias("create_time"),
        pl.col("text").alias("video_description"),
        pl.col("account").replace_strict(region, return_dtype=pl.String).alias("region_code"),
        "music_id",
        "share_of",
    )


def write_sample(
    data: SynthData, outdir: str | os.PathLike[str], *, name: str = "kami_umkm"
) -> dict[str, Path]:
    """Write ``<name>_sample.csv`` (TikTok Research API columns) and ``<name>_truth.csv``."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"posts": out / f"{name}_sample.csv", "truth": out / f"{name}_truth.csv"}
    to_tiktok_research(data.posts).write_csv(paths["posts"])
    data.truth.write_csv(paths["truth"])
    return paths
