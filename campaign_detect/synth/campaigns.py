"""The planted campaigns (role ``"campaign"``): one builder per kind."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from campaign_detect.synth.draw import (
    DAY,
    HOUR,
    capitalise,
    diurnal_times,
    emojis,
    fresh_tag,
    pick,
    scaled,
)
from campaign_detect.synth.organic import plain_texts
from campaign_detect.synth.planted import Ctx, Planted, script_group
from campaign_detect.synth.words import POPULAR_TAGS, TOPICS, split_pool

__all__ = ["CAMPAIGN_BUILDERS"]

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


def _script_push(rng: np.random.Generator, ctx: Ctx) -> Planted:
    tag = ctx.hashtag or fresh_tag(
        rng,
        ["KamiUMKM", "DukungUMKM", "SelamatkanUMKM", "SuaraPenjual", "BelaPedagangKecil"],
        ["diTikTok", "TetapJualan", "Bersatu", "Online", "Indonesia"],
    )
    target = ctx.target or pick(rng, ["jokowi", "kemendag", "menkopukm", "tetenmasduki"])
    names = {"jokowi": "Jokowi", "kemendag": "Menteri", "menkopukm": "Menteri"}
    t0 = int(rng.integers(0, max(1, ctx.span - DAY)))
    g = Planted(
        "script_push",
        "campaign",
        scaled(rng, 40, 150, ctx.scale),
        [tag.lower()],
        target,
        f"#{tag}: one script in three styles (emotional, rational, story), paraphrased, "
        f"tagging @{target}, 2-4 posts per account within 24 hours",
    )
    script_group(
        rng,
        g,
        _PUSH_SCRIPT,
        window=(t0, min(ctx.span, t0 + DAY)),
        tags=[tag],
        extra_tags=["umkm", "tiktokshop", "umkmnaikkelas", "produklokal"],
        target=target,
        target_name=names.get(target, "Presiden"),
    )
    return g


def _popular_hijack(rng: np.random.Generator, ctx: Ctx) -> Planted:
    tags = list(rng.choice(["umkm", "kuliner", "jakarta", "indonesia", "bola"], 2, replace=False))
    first = pick(rng, ["Rudi", "Surya", "Ratna", "Hendra", "Wulan", "Bagus", "Intan"])
    last = pick(rng, ["hartono", "wijaya", "santoso", "pratama", "kusuma", "nugroho", "lubis"])
    target = f"{first.lower()}{last}.official"
    length = int(rng.integers(2, 5)) * DAY
    t0 = int(rng.integers(0, max(1, ctx.span - length)))
    g = Planted(
        "popular_hijack",
        "campaign",
        scaled(rng, 30, 80, ctx.scale),
        tags,
        target,
        f"endorsement script for {first} {capitalise(last)} riding the popular tags "
        f"#{tags[0]} and #{tags[1]}, 2-4 posts per account over {length // DAY} days",
    )
    script_group(
        rng,
        g,
        _HIJACK_SCRIPT,
        window=(t0, min(ctx.span, t0 + length)),
        tags=[tags[0]] if rng.random() < 0.5 else tags,
        extra_tags=["fyp", "pemilu2024"],
        target=target if rng.random() < 0.5 else None,
        target_name=f"{first} {capitalise(last)}",
    )
    return g


def _copypasta_ring(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 15, 40, ctx.scale)
    n_messages = int(rng.integers(4, 9))
    g = Planted(
        "copypasta_ring",
        "campaign",
        m,
        [],
        None,
        f"{n_messages} messages, each posted verbatim or nearly so by most of the ring within "
        "minutes, on different days",
    )
    messages = plain_texts(rng, n_messages, sentences=3)
    music = int(rng.integers(0, 1 << 30))
    for msg, t0 in zip(messages, np.sort(diurnal_times(rng, n_messages, 0, ctx.span)), strict=True):
        tags = [pick(rng, POPULAR_TAGS), pick(rng, TOPICS["berita"][4])]
        text = f"{msg}. " + " ".join("#" + t for t in tags)
        g.hashtags += [t for t in tags if t not in g.hashtags]
        for member in np.flatnonzero(rng.random(m) < rng.uniform(0.6, 1.0)):
            delay = min(15 * 60, int(rng.exponential(150)))
            variant = text
            if rng.random() < 0.25:  # near-identical: an emoji, a cheer or more punctuation
                variant = pick(rng, [f"{text} 🔥", f"Setuju! {text}", text.replace(". #", "!! #")])
            g.add(int(member), min(ctx.span - 1, int(t0) + delay), variant, music=music)
    return g


def _hashtag_set_ring(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 15, 40, ctx.scale)
    fresh = [
        fresh_tag(
            rng, ["indonesia", "gerakan", "pemuda", "rakyat"], ["emas2045", "bangkit", "maju"]
        ),
        fresh_tag(rng, ["save", "jaga", "kawal"], ["demokrasi", "nkri", "pemilu", "ekonomi"]),
    ]
    seq = [*fresh[: int(rng.integers(1, 3))], *rng.choice(POPULAR_TAGS[:10], 3, replace=False)]
    seq = seq[: int(rng.integers(3, 6))]
    g = Planted(
        "hashtag_set_ring",
        "campaign",
        m,
        [s.lower() for s in seq],
        None,
        "the same hashtag sequence "
        + " ".join("#" + s for s in seq)
        + " posted in rounds over the days with otherwise varied text",
    )
    days = max(1, ctx.span // DAY)
    events = diurnal_times(rng, int(days * rng.uniform(1, 3)), 0, ctx.span)
    for t0 in np.sort(events):
        members = np.flatnonzero(rng.random(m) < rng.uniform(0.3, 0.7))
        texts = plain_texts(rng, len(members))
        for member, body in zip(members, texts, strict=True):
            t = min(ctx.span - 1, int(t0) + int(rng.integers(0, 30 * 60)))
            g.add(int(member), t, f"{body}{emojis(rng)} " + " ".join("#" + s for s in seq))
    return g


def _low_and_slow(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 8, 15, ctx.scale)
    site = fresh_tag(rng, ["berita", "kabar", "info", "suara"], ["rakyat", "nusantara", "terkini"])
    site += f"{int(rng.integers(10, 99))}.com"
    urls = [f"https://{site}/{int(rng.integers(10**5, 10**6))}" for _ in range(rng.integers(3, 7))]
    tag = fresh_tag(rng, ["suara", "fakta", "bongkar"], ["kebenaran", "terpendam", "rakyat"])
    g = Planted(
        "low_and_slow",
        "campaign",
        m,
        [tag],
        None,
        f"{len(urls)} links to {site} and #{tag}, a few accounts per event within an hour, "
        "a few events a day over the whole period",
    )
    n_events = int(max(1, ctx.span // DAY) * rng.uniform(2, 4) * max(0.4, ctx.scale))
    for t0 in np.sort(diurnal_times(rng, n_events, 0, ctx.span)):
        url = pick(rng, urls)
        length = int(rng.integers(30, 61)) * 60
        members = rng.choice(m, min(m, int(rng.integers(3, 7))), replace=False)
        for member, body in zip(members, plain_texts(rng, len(members)), strict=True):
            text = f"{body} {url}" + (f" #{tag}" if rng.random() < 0.7 else "")
            g.add(int(member), min(ctx.span - 1, int(t0) + int(rng.integers(0, length))), text)
    return g


_SHOUTS = split_pool(
    "usut tuntas|tangkap pelakunya|rakyat sudah muak|viralkan|jangan diam|kami bersatu|"
    "bongkar semuanya|lawan|sebarkan|kawal terus|jangan lupa|ini fakta|buka mata|"
    "rakyat menuntut|sampai tuntas"
)


def _hashtag_flood(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 100, 150, ctx.scale)
    per_account = max(6, round(int(rng.integers(20, 51)) * ctx.scale))
    main = fresh_tag(
        rng, ["usut", "bongkar", "tangkap", "tolak", "stop"], ["mafia", "korupsi", "kartel"]
    )
    main += pick(rng, ["tambang", "beras", "pajak", "impor", "hutan", "bansos"])
    pool = [
        fresh_tag(rng, ["rakyat", "indonesia"], ["bersatu", "melawan", "menggugat"]),
        "keadilan",
        "viral",
        "fyp",
        "indonesia",
        "trending",
        "usuttuntas",
    ]
    hours = int(rng.integers(2, 6))
    t0 = int(rng.integers(0, max(1, ctx.span // 2)))
    g = Planted(
        "hashtag_flood",
        "campaign",
        m,
        [main],
        None,
        f"#{main} flood: {per_account} short tag-stacked posts per account within {hours} hours, "
        "then a trickle for days, when unrelated accounts pick the tag up too",
    )
    for member in range(m):
        for t in diurnal_times(rng, per_account, t0, t0 + hours * HOUR):
            shout = pick(rng, _SHOUTS)
            shout = shout.upper() if rng.random() < 0.4 else capitalise(shout)
            shout += pick(rng, ["!", "!!", "!!!", "", "."]) + emojis(rng, 0.6)
            stack = [
                "#" + main,
                *("#" + x for x in rng.choice(pool, int(rng.integers(2, 6)), replace=False)),
            ]
            rng.shuffle(stack[1:]) if rng.random() < 0.5 else None
            g.add(member, t, f"{shout} {' '.join(stack)}")
        for t in diurnal_times(rng, int(rng.integers(0, 3)), t0 + hours * HOUR, ctx.span):
            g.add(member, t, f"{capitalise(pick(rng, _SHOUTS))} #{main}")
    later = diurnal_times(rng, m // 2, t0 + hours * HOUR, ctx.span)
    for t, body in zip(later, plain_texts(rng, len(later)), strict=True):
        g.add(-1, t, f"{body} #{main}")  # organic accounts pick the tag up afterwards
    return g


CAMPAIGN_BUILDERS: dict[str, Callable[[np.random.Generator, Ctx], Planted]] = {
    "script_push": _script_push,
    "copypasta_ring": _copypasta_ring,
    "hashtag_set_ring": _hashtag_set_ring,
    "low_and_slow": _low_and_slow,
    "popular_hijack": _popular_hijack,
    "hashtag_flood": _hashtag_flood,
}
