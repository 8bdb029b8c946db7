"""The ``moments`` mix (issue 11): organic crowds that a shared moment explains, next to
campaigns that hide inside busy traffic. Opt-in (``generate(..., mix="moments")`` or by
name in ``kinds``); the default mix never builds them, so default output is unchanged.

Organic kinds (role ``"hard_negative"``), each explained by something outside the group:

- ``live_match``: a football match; the tag's audience reacts within minutes of each
  moment (kick-off, goals, half and full time) with the topic's usual cheers, each fan in
  proportion to how active they are; people outside the group react too, and the fans
  also use the club tag on other days.
- ``weekly_greeting``: a religious greeting every week on the same weekday morning, by a
  changing part of a large pool, each member with a habit of their own.
- ``fandom_comeback``: heavy, daily users of the same five fan tags, with a burst of
  posts in the hours after a release (the comeback), everyone at once.
- ``giveaway``: a brand's contest: many accounts enter once, within hours, tagging the
  brand and two friends.
- ``power_sellers``: heavy sellers posting their own promotions on the shop tags many
  times a day, every day.

Campaign kinds (role ``"campaign"``):

- ``target_hijack``: a political or gambling message with one target mention, posted
  once or twice per account within a few hours on a popular tag, a small share of that
  tag's posts; paraphrased from slots.
- ``paraphrase_push``: one target, one ordinary (not fresh) tag, within hours, every post
  assembled from slot alternatives that share few words, so two posts overlap little.
- ``tag_rotation``: one pool of accounts, a different part of it each day pushing a
  different hashtag with the same message, over several days.
- ``tagstack_flood``: about 150 accounts (at 100k posts) posting dozens of short
  tag-stacked posts each on one fresh tag in two waves a few hours apart (the second wave
  adds a second fresh tag); organic accounts pick the tag up afterwards.
- ``small_script``: a script push by 15-20 accounts on a fresh tag with a target.

By name only (``kinds=[...]``), not in the ``moments`` mix, so that the mix's recorded
figures stay comparable:

- ``rotating_pool``: one pool of 15-25 accounts, a different quarter to two fifths of it
  posting one message on a busy tag within five minutes about every other day: each pair
  meets once or twice, so no single pair is evidence (eval-dev's low-and-slow kind).
- ``headline_feeds`` (organic): automated news accounts, each reposting the news desk's
  headline of the hour at its own minute past the hour, in its own wording, on its own
  two generic news tags, from 5 am to 11 pm every day. They co-post all day, and the
  schedule each keeps explains all of it (eval-dev's news aggregators).
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
    FIRST,
    HEADLINES,
    NEWS_DOMAINS,
    PRODUCTS,
    split_pool,
)

__all__ = ["MOMENT_CAMPAIGN_BUILDERS", "MOMENT_NEGATIVE_BUILDERS", "NAMED_BUILDERS"]

_MINUTE = 60


def _activity(rng: np.random.Generator, m: int) -> np.ndarray:
    """Each member's own activity, heavy-tailed, mean about 1."""
    w = rng.lognormal(0.0, 0.8, m)
    return w / w.mean()


def _local_time(day: int, hour: float) -> int:
    """Seconds since the period start of `hour` (local, Jakarta) on day `day`."""
    return day * DAY + int(hour * HOUR) - LOCAL_OFFSET


# --- organic: live match ------------------------------------------------------------------

_CLUBS = split_pool("persib|persija|arema|persebaya|psm|baliunited|psis|borneo")
_PLAYERS = split_pool("Ciro|Beckham|Marc|Dimas|Ricky|Yakob|Witan|Egy|Rizky|Ramadhan|Hokky|Saddil")
_MOMENT_LINES = {
    "kickoff": split_pool(
        "[Bismillah|Ayo|Gaskeun], [menang|tiga poin] malam ini!|[Udah|Sudah] siap di depan TV|"
        "[Nobar|Nonton bareng] [di warkop|sama temen|di rumah] [dulu|nih]|Kick off! [Semangat|Ayo]"
    ),
    "goal": split_pool(
        "GOOOL [{player}|{player}!!]|[Gol|GOL] [cantik|indah|keren] [banget|parah] {player}|"
        "[Merinding|Teriak] [aku|gue] [liat|lihat] golnya|[Akhirnya|Yes] [gol|GOLLL]!!|"
        "{player} [gacor|mantap|luar biasa]"
    ),
    "chance": split_pool(
        "[Dikit lagi|Hampir] [gol|masuk]!!|[Aduh|Yah] [tiang|mistar] lagi|"
        "[Kipernya|Kiper] [jago|sigap] [banget|juga]|[Wasit|Wasitnya] [apaan sih|kemana]"
    ),
    "half": split_pool(
        "[Babak pertama|Turun minum], [lumayan|deg-degan]|[Istirahat|Jeda] dulu, [ngopi|ngemil]|"
        "Babak kedua [harus|wajib] [lebih rapat|gas terus]"
    ),
    "full": split_pool(
        "[Menang|Alhamdulillah menang]!! [Bangga|Mantap]|[Peluit panjang|Selesai], "
        "[hasil|skor] [adil|memuaskan]|[Terima kasih|Makasih] [pemain|tim] [semua|kebanggaan]|"
        "[Laga|Pertandingan] [seru|gila] [banget|malam ini]"
    ),
}


def _live_match(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 250, 500, ctx.scale)
    home, away = (str(x) for x in rng.choice(_CLUBS, 2, replace=False))
    match_tag, league = f"{home}vs{away}", "liga1"
    day = int(rng.integers(1, max(2, ctx.span // DAY - 1)))
    kickoff = _local_time(day, float(rng.uniform(18.5, 20.5)))
    g = Planted(
        "live_match",
        "hard_negative",
        m,
        [match_tag, home, league],
        None,
        f"#{match_tag}: the club's audience reacting within minutes of each moment of the "
        "match (kick-off, goals, chances, half and full time) with the usual cheers, each fan "
        "in proportion to how active they are; others outside the group react too",
    )
    # the match: 45 min, 15 min break, 45 min; goals and chances at random minutes
    minutes = np.sort(rng.choice(np.r_[1:46, 61:106], int(rng.integers(5, 9)), replace=False))
    n_goals = int(rng.integers(2, 5))
    kinds = ["goal"] * n_goals + ["chance"] * (len(minutes) - n_goals)
    kinds = [str(k) for k in rng.permutation(kinds)]
    moments = [(0, "kickoff", 0.5), (45, "half", 0.4), (105, "full", 0.9)]
    moments += [
        (int(x), k, 1.0 if k == "goal" else 0.35) for x, k in zip(minutes, kinds, strict=True)
    ]
    moments.sort()
    w = _activity(rng, m)
    tags = [match_tag, home, league]
    for minute, kind, strength in moments:
        t_moment = kickoff + minute * _MINUTE
        player = pick(rng, _PLAYERS)
        react = np.flatnonzero(rng.random(m) < np.minimum(0.95, 0.55 * strength * w))
        n_outside = int(len(react) * 0.25)  # the audience is larger than the group
        for member in [*react.tolist(), *([-1] * n_outside)]:
            delay = 10 + int(rng.exponential(100))
            words = expand(rng, pick(rng, _MOMENT_LINES[kind]), {"player": player})
            chosen = [tags[0], *(x for x in tags[1:] if rng.random() < 0.4)]
            text = f"{words}{emojis(rng, 0.7)} " + " ".join("#" + x for x in chosen)
            g.add(int(member), min(ctx.span - 1, t_moment + delay), text)
    # interest: the fans use the club tag on other days too, in proportion to activity
    for member in range(m):
        for t in diurnal_times(rng, int(rng.poisson(1.5 * w[member])), 0, ctx.span):
            g.add(member, int(t), f"{plain_texts(rng, 1)[0]} #{home}")
    for t in diurnal_times(rng, m, 0, ctx.span):  # and so do people outside the group
        g.add(-1, int(t), f"{plain_texts(rng, 1)[0]} #{home}")
    return g


# --- organic: weekly greeting -------------------------------------------------------------

_WEEKLY = split_pool(
    "Jumat mulia, [semoga|moga] [penuh berkah|dilimpahkan rezeki]|"
    "[Jangan lupa|Yuk] [baca|membaca] Al-Kahfi [hari ini|pagi ini]|"
    "[Perbanyak|Mari perbanyak] [sedekah|shalawat] di hari Jumat|"
    "[Semoga|Mudah-mudahan] Jumat ini [membawa|memberi] ketenangan|"
    "[Selamat|Happy] hari Jumat, [saudaraku|teman-teman]|"
    "[Bismillah|Alhamdulillah], [awali|mulai] Jumat dengan [doa|syukur]"
)


def _weekly_greeting(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 200, 400, ctx.scale)
    tag = pick(rng, ["jumatmulia", "berkahjumat", "jumatbahagia"])
    g = Planted(
        "weekly_greeting",
        "hard_negative",
        m,
        [tag],
        None,
        f"#{tag} every Friday between 04:30 and 09:00 Jakarta time by a changing part of a "
        "large pool, each member with a habit of their own",
    )
    habit = rng.uniform(0.2, 0.8, m)
    friday = 4
    first = (friday - ctx.origin_weekday) % 7
    for day in range(first - 7, ctx.span // DAY + 1, 7):
        lo = _local_time(day, 4.5)
        members = np.flatnonzero(rng.random(m) < habit)
        times = lo + rng.integers(0, int(4.5 * HOUR), len(members))
        for member, t in zip(members, times, strict=True):
            text = expand(rng, pick(rng, _WEEKLY), {}) + emojis(rng, 0.6) + f" #{tag}"
            if 0 <= t < ctx.span:
                g.add(int(member), int(t), text)
    return g


# --- organic: fandom with a comeback ------------------------------------------------------

_IDOLS = split_pool("lumina|starlit|novaseven|orbit|aurora")
_FAN_LINES = split_pool(
    "[Streaming|Stream] [terus|jangan kendor] [guys|semuanya]|[Kangen|Rindu] [banget|parah] "
    "sama [mereka|kalian]|[Visual|Vokal] [siapa sih|nggak ngotak]|[Proud|Bangga] of you [always|"
    "selalu]|[Nangis|Terharu] [liat|nonton] [ini|video ini]|[Fancam|Video] [ini|barusan] "
    "[gila|keren] [sih|banget]|[Vote|Voting] [jangan lupa|tiap hari] ya|[Love|Sayang] "
    "kalian [selamanya|forever]"
)
_COMEBACK_LINES = split_pool(
    "[COMEBACK|Comeback] [akhirnya|is real]!!|[MV|Lagu] [baru|barunya] [bagus|enak] [banget|"
    "parah]|[Langsung|Udah] [repeat|puter] [terus|berkali-kali]|[Konsepnya|Koreonya] [keren|"
    "gila] [sih|banget]|[Stream|Streaming] {song} [sekarang|sekarang juga]!!"
)


def _fandom_comeback(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 150, 300, ctx.scale)
    idol = pick(rng, _IDOLS)
    song = pick(rng, ["midnight", "bloom", "echo", "gravity", "sunrise"])
    tags = [idol, f"{idol}fams", f"{idol}indonesia", f"{idol}_official", f"{idol}day"]
    release = _local_time(int(rng.integers(2, max(3, ctx.span // DAY - 1))), 16.0)
    g = Planted(
        "fandom_comeback",
        "hard_negative",
        m,
        [*tags, f"{idol}{song}"],
        None,
        f"fans posting #{idol} and four fan tags every day, then all at once in the hours "
        f"after the comeback release (#{idol}{song})",
    )
    w = _activity(rng, m)
    days = max(1, ctx.span // DAY)
    for member in range(m):
        for t in diurnal_times(rng, int(rng.poisson(1.2 * w[member] * days)), 0, ctx.span):
            chosen = [tags[0], *(x for x in tags[1:] if rng.random() < 0.5)]
            text = expand(rng, pick(rng, _FAN_LINES), {}) + emojis(rng, 0.7)
            g.add(member, int(t), f"{text} " + " ".join("#" + x for x in chosen))
        burst = int(rng.poisson(3.0 * w[member]))
        for _ in range(burst):
            t = release + int(rng.exponential(50 * _MINUTE))
            text = expand(rng, pick(rng, _COMEBACK_LINES), {"song": capitalise(song)})
            chosen = [tags[0], f"{idol}{song}", *(x for x in tags[1:] if rng.random() < 0.4)]
            line = f"{text}{emojis(rng, 0.7)} " + " ".join("#" + x for x in chosen)
            g.add(member, min(ctx.span - 1, t), line)
    return g


# --- organic: giveaway and power sellers --------------------------------------------------


def _giveaway(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 200, 400, ctx.scale)
    brand = pick(rng, ["kopinusa", "glowlokal", "batikayu", "sambalmbok"]) + ".id"
    tag = "giveaway" + brand.split(".")[0]
    hours = int(rng.integers(4, 10))
    t0 = int(rng.integers(0, max(1, ctx.span - hours * HOUR)))
    g = Planted(
        "giveaway",
        "hard_negative",
        m,
        ["giveaway", tag],
        brand,
        f"@{brand} giveaway: each entrant posts once within {hours} hours, tagging the brand "
        "and two friends, as the rules ask",
    )
    lines = split_pool(
        "[Ikut|Ikutan] [ya|dong] min, [semoga|moga] [menang|rezeki]|[Bismillah|Aamiin] "
        "[menang|dapat hadiahnya]|[Mau|Pengen] [banget|sekali] [hadiahnya|produknya]|"
        "[Sudah|Udah] follow [dan|&] like, [ikut|join] ya"
    )
    for member in range(m):
        friends = [pick(rng, FIRST).lower() + str(int(rng.integers(10, 999))) for _ in range(2)]
        t = t0 + int(rng.integers(0, hours * HOUR))
        text = (
            expand(rng, pick(rng, lines), {})
            + f" @{brand} @{friends[0]} @{friends[1]} #giveaway #{tag}"
        )
        g.add(member, min(ctx.span - 1, t), text)
    return g


def _power_sellers(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 40, 80, ctx.scale)
    days = max(1, ctx.span // DAY)
    g = Planted(
        "power_sellers",
        "hard_negative",
        m,
        ["tiktokshop", "promo", "diskon"],
        None,
        "heavy sellers promoting their own products on the shop tags several times a day, "
        "every day, independently",
    )
    for member in range(m):
        product, city = pick(rng, PRODUCTS), pick(rng, CITIES)
        per_day = float(rng.uniform(2, 6))
        for t in diurnal_times(rng, int(rng.poisson(per_day * days)), 0, ctx.span):
            pct = int(rng.integers(1, 10)) * 5
            text = expand(
                rng,
                "[Promo|Diskon|Flash sale] {product} [{pct}%|hari ini] [khusus|cuma] "
                "[di toko kami|hari ini], [kirim dari|ready di] {city}",
                {"product": product, "pct": str(pct), "city": city},
            )
            tags = ["tiktokshop", *(x for x in ("promo", "diskon") if rng.random() < 0.5)]
            g.add(member, int(t), f"{text}{emojis(rng)} " + " ".join("#" + x for x in tags))
    return g


# --- campaigns ----------------------------------------------------------------------------

_HIJACK_SLOTS = {
    "political": [
        split_pool(
            "[Sudah waktunya|Saatnya] [kita|rakyat] [memilih|mendukung] {name}|"
            "{name} [satu-satunya|paling] [layak|pantas] [memimpin|jadi pemimpin]|"
            "[Percayakan|Serahkan] [masa depan|negeri ini] [pada|kepada] {name}"
        ),
        split_pool(
            "[Jangan|Jgn] [tertipu|termakan] [janji|omongan] [kosong|manis]|"
            "[Lihat|Cek] [rekam jejaknya|buktinya] [sendiri|dulu]|"
            "[Bukan|Tidak] [pencitraan|omong doang], [tapi|melainkan] [kerja|bukti] nyata"
        ),
        split_pool("[Setuju|Sepakat]?|[Yuk|Ayo] [dukung|kawal]!|[Share|Bagikan] [ya|kalau setuju]"),
    ],
    "gambling": [
        split_pool(
            "[Lagi|Sedang] [gacor|jp terus] [di|main di] {name}|"
            "[Modal|Depo] [kecil|receh], [jp|menang] [besar|jutaan] [bareng|di] {name}|"
            "[Cuma|Hanya] {name} yang [bayar|wd] [lancar|cepat]"
        ),
        split_pool(
            "[Link|Tautan] [di bio|ada di profil]|[Daftar|Gabung] [sekarang|hari ini] "
            "[bonus|dapat bonus] [100%|besar]|[Bukti|Screenshot] [wd|penarikan] [di|ada di] bio"
        ),
        split_pool("[Jangan sampai|Jgn] [ketinggalan|nyesel]|[Buruan|Gas] [guys|sekarang]|"),
    ],
}


def _slot_text(rng: np.random.Generator, slots: list[list[str]], fill: dict[str, str]) -> str:
    parts = [expand(rng, pick(rng, pool), fill) for pool in slots]
    parts = [p for p in parts if p]
    order = rng.permutation(len(parts)) if rng.random() < 0.4 else np.arange(len(parts))
    return ". ".join(parts[i] for i in order)


def _target_hijack(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 30, 120, ctx.scale)
    theme = pick(rng, ["political", "gambling"])
    tag = pick(rng, ["kpop", "bola", "kuliner", "storytime", "ootd"])
    if theme == "political":
        name = pick(rng, ["Bang Arya", "Pak Wirya", "Bu Sekar", "Mas Danu"])
        target = "relawan." + name.split()[-1].lower() + str(int(rng.integers(10, 99)))
    else:
        name = pick(rng, ["ratu88", "slotnusa", "hoki77", "cuanjp"])
        target = f"{name}.vip"
    hours = int(rng.integers(2, 9))
    t0 = int(rng.integers(0, max(1, ctx.span - hours * HOUR)))
    g = Planted(
        "target_hijack",
        "campaign",
        m,
        [tag],
        target,
        f"{theme} message tagging @{target} on the popular #{tag}, once or twice per account "
        f"within {hours} hours, paraphrased from slots",
    )
    for member in range(m):
        for t in diurnal_times(rng, 1 + int(rng.random() < 0.3), t0, t0 + hours * HOUR):
            body = _slot_text(rng, _HIJACK_SLOTS[theme], {"name": name})
            extra = " ".join("#" + x for x in ("fyp", "viral") if rng.random() < 0.4)
            g.add(member, int(t), f"{body}{emojis(rng, 0.5)} @{target} #{tag} {extra}".strip())
    return g


# each slot's alternatives use different words, so two posts share little vocabulary;
# what they share is the target (the mention) and the meaning of each slot
_PARAPHRASE_SLOTS = [
    [
        "Petani kecil kini bisa tersenyum lagi",
        "Nasib penggarap sawah akhirnya diperhatikan",
        "Keluarga tani merasakan perubahan nyata",
        "Buruh ladang tak lagi ditinggalkan",
        "Harapan baru hadir untuk pengolah lahan",
        "Warga agraris mendapat angin segar",
        "Desa-desa lumbung padi bangkit",
        "Para pencangkul sekarang lega",
    ],
    [
        "berkat {program}",
        "terima kasih {name}",
        "sejak terobosan itu diluncurkan",
        "karena kebijakan baru pemerintah",
        "lewat gebrakan yang berani",
        "hasil kerja keras pemimpin kita",
        "setelah aturan anyar berlaku",
    ],
    [
        "pupuk murah mudah didapat",
        "bibit unggul dibagikan cuma-cuma",
        "harga gabah dijamin stabil",
        "modal usaha cair tanpa ribet",
        "traktor dipinjamkan gratis",
        "irigasi diperbaiki tuntas",
        "asuransi gagal panen ditanggung",
    ],
    [
        "Mari kawal bersama",
        "Sebarkan kabar baik ini",
        "Dukung terus",
        "Semoga berlanjut",
        "Salut",
        "",
        "",
    ],
]


def _paraphrase_push(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 40, 150, ctx.scale)
    tag = pick(rng, ["beritaterkini", "politik", "news"])
    name = pick(rng, ["Menteri Tani", "Pak Gubernur", "Ibu Bupati"])
    target = pick(rng, ["kementerian.tani", "pemprov.maju", "humas.kabupaten"])
    program = pick(rng, ["Kartu Panen", "Tani Sejahtera", "Lumbung Desa"])
    hours = int(rng.integers(3, 13))
    t0 = int(rng.integers(0, max(1, ctx.span - hours * HOUR)))
    g = Planted(
        "paraphrase_push",
        "campaign",
        m,
        [tag],
        target,
        f"praise of {program} tagging @{target} on the ordinary #{tag} within {hours} hours, "
        "each post assembled from slot alternatives that share few words",
    )
    for member in range(m):
        for t in diurnal_times(rng, 1 + int(rng.random() < 0.3), t0, t0 + hours * HOUR):
            parts = [pick(rng, slot) for slot in _PARAPHRASE_SLOTS]
            text = " ".join(
                [f"{parts[0]} {parts[1]}.", capitalise(parts[2]) + ".", parts[3]]
            ).strip()
            text = text.replace("{program}", program).replace("{name}", name)
            if rng.random() < 0.3:
                text = text.lower()
            g.add(member, int(t), f"{text}{emojis(rng, 0.4)} @{target} #{tag}")
    return g


def _tag_rotation(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 80, 200, ctx.scale)
    n_days = int(rng.integers(4, 7))
    thread = pick(rng, ["SuaraPerubahan", "GerakBersama", "IndonesiaPilihKita"])
    day_tags = [
        str(x)
        for x in rng.choice(
            ["pemilu2024", "politik", "indonesia", "demokrasi", "pilpres2024", "beritaterkini"],
            n_days,
            replace=n_days > 6,
        )
    ]
    first_day = int(rng.integers(0, max(1, ctx.span // DAY - n_days)))
    g = Planted(
        "tag_rotation",
        "campaign",
        m,
        [thread.lower(), *day_tags],
        None,
        f"one pool of {m} accounts rotating over {n_days} days: each day a different part of "
        f"it pushes #{thread} with another tag (" + ", ".join("#" + t for t in day_tags) + ")",
    )
    lines = split_pool(
        "[Perubahan|Pembaruan] [dimulai|berawal] dari [kita|suara kita]|[Pilih|Dukung] "
        "yang [berpihak|peduli] pada [rakyat|wong cilik]|[Jangan|Jgn] [diam|golput], "
        "[suaramu|pilihanmu] [menentukan|berarti]|[Bersama|Bareng] kita [bisa|kuat]"
    )
    for d, day_tag in enumerate(day_tags):
        crowd = np.flatnonzero(rng.random(m) < rng.uniform(0.3, 0.6))
        t0 = _local_time(first_day + d, float(rng.uniform(9, 19)))
        for member in crowd:
            for _ in range(int(rng.integers(1, 4))):
                t = t0 + int(rng.integers(0, 3 * HOUR))
                body = expand(rng, pick(rng, lines), {}) + emojis(rng, 0.5)
                stack = [day_tag, thread] if rng.random() < 0.6 else [day_tag]
                g.add(
                    int(member),
                    min(ctx.span - 1, t),
                    f"{body} " + " ".join("#" + x for x in stack),
                )
    return g


_FLOOD_SHOUTS = split_pool(
    "ini tidak bisa dibiarkan|kami menuntut keadilan|usut sampai ke akar|jangan tutup mata|"
    "rakyat tidak bodoh|hentikan sekarang|kebenaran harus terungkap|suarakan|ayo bergerak|"
    "jangan takut|saatnya bicara|kita lawan bersama"
)


def _tagstack_flood(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 150, 150, ctx.scale)
    subject = pick(rng, ["PabrikSawit", "ProyekJalan", "DanaDesa", "TambangPasir"])
    main = pick(rng, ["Tolak", "Bongkar", "Usut"]) + subject
    second = pick(rng, ["Selamatkan", "Adili", "Hentikan"]) + subject
    pool = ["viral", "fyp", "indonesia", "trending", "keadilan", "beritaterkini", "rakyat"]
    t0 = int(rng.integers(DAY // 2, max(DAY, ctx.span // 2)))
    wave1 = int(rng.integers(2, 4)) * HOUR
    gap = int(rng.integers(1, 4)) * HOUR
    wave2 = int(rng.integers(1, 3)) * HOUR
    g = Planted(
        "tagstack_flood",
        "campaign",
        m,
        [main.lower(), second.lower()],
        None,
        f"#{main} flood: {m} accounts, dozens of short tag-stacked posts each in two waves "
        f"({wave1 // HOUR} h, then after {gap // HOUR} h another {wave2 // HOUR} h adding "
        f"#{second}); organic accounts pick the tag up afterwards",
    )
    start2 = t0 + wave1 + gap
    for member in range(m):
        waves = [
            (t0, t0 + wave1, int(rng.integers(15, 41)), [main]),
            (start2, start2 + wave2, int(rng.integers(5, 16)), [second, main]),
        ]
        for lo, hi, n, lead in waves:
            for t in diurnal_times(rng, max(1, round(n * max(0.3, ctx.scale))), lo, hi):
                shout = pick(rng, _FLOOD_SHOUTS)
                shout = shout.upper() if rng.random() < 0.3 else capitalise(shout)
                shout += pick(rng, ["!", "!!", "", "."]) + emojis(rng, 0.5)
                rest = [str(x) for x in rng.choice(pool, int(rng.integers(2, 6)), replace=False)]
                g.add(member, int(t), f"{shout} " + " ".join("#" + x for x in [*lead, *rest]))
    later = diurnal_times(rng, m // 2, start2 + wave2, ctx.span)
    for t, body in zip(later, plain_texts(rng, len(later)), strict=True):
        g.add(-1, int(t), f"{body} #{main}")
    return g


def _small_script(rng: np.random.Generator, ctx: Ctx) -> Planted:
    from campaign_detect.synth.campaigns import _PUSH_SCRIPT  # the project's own script
    from campaign_detect.synth.planted import script_group

    m = scaled(rng, 15, 20, ctx.scale)
    tag = pick(rng, ["TokoKecilBertahan", "JualanTetapJalan", "PasarDigitalKita"])
    target = pick(rng, ["kemendag", "menkopukm"])
    t0 = int(rng.integers(0, max(1, ctx.span - DAY)))
    g = Planted(
        "small_script",
        "campaign",
        m,
        [tag.lower()],
        target,
        f"#{tag}: a small script push, {m} accounts, 2-4 paraphrases each within a day, "
        f"tagging @{target}",
    )
    script_group(
        rng,
        g,
        _PUSH_SCRIPT,
        window=(t0, min(ctx.span, t0 + DAY)),
        tags=[tag],
        extra_tags=["umkm", "produklokal"],
        target=target,
        target_name="Menteri",
    )
    return g


def _rotating_pool(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = scaled(rng, 15, 25, ctx.scale)
    busy = pick(rng, ["indonesia", "news"])
    own = pick(rng, ["lanjutkan", "teruskan", "kawal"]) + pick(rng, ["pembangunan", "programnya"])
    name = pick(rng, ["Pak Gubernur", "Ibu Menteri", "Pak Wali"])
    g = Planted(
        "rotating_pool",
        "campaign",
        m,
        [busy, own],
        None,
        f"one pool of {m} accounts, a different few of them (a quarter to two fifths) posting "
        f"the same message on #{busy} (often with #{own}) within five minutes, about every "
        "other day over the whole period: each pair meets once or twice",
    )
    n_episodes = max(3, int(max(1, ctx.span // DAY) * rng.uniform(0.5, 0.8)))
    slots = _HIJACK_SLOTS["political"]
    for t0 in np.sort(diurnal_times(rng, n_episodes, 0, ctx.span - 5 * _MINUTE)):
        present = rng.choice(m, max(3, int(m * rng.uniform(0.25, 0.4))), replace=False)
        for member in present.tolist():
            tags = [busy, *([own] if rng.random() < 0.5 else [])]
            tags += [pick(rng, ["fyp", "viral"])] if rng.random() < 0.3 else []
            text = _slot_text(rng, slots, {"name": name}) + emojis(rng, 0.3)
            t = int(t0) + int(rng.integers(0, 5 * _MINUTE))
            g.add(int(member), t, f"{text} " + " ".join("#" + x for x in tags))
    return g


_FEED_TAGS = split_pool("berita|beritaterkini|news|infoterkini|beritahariini|indonesia")
_FEED_STYLES = [
    "{headline} {url}",
    "BREAKING: {headline}",
    "[UPDATE] {headline} / Baca: {url}",
    "{headline}. Selengkapnya di link bio",
    "{headline} - {url}",
]


def _headline_feeds(rng: np.random.Generator, ctx: Ctx) -> Planted:
    m = int(rng.integers(6, 11))
    g = Planted(
        "headline_feeds",
        "hard_negative",
        m,
        _FEED_TAGS,
        None,
        f"{m} automated news accounts reposting the headline of each hour at their own minute "
        "past the hour, in their own wording, from 5 am to 11 pm every day",
    )
    minute = rng.uniform(1, 20, m) * _MINUTE
    style = rng.integers(0, len(_FEED_STYLES), m)
    outlet = [pick(rng, NEWS_DOMAINS) for _ in range(m)]
    tags = [rng.choice(len(_FEED_TAGS), 2, replace=False) for _ in range(m)]
    keen = rng.uniform(0.85, 1.0, m)
    for day in range(max(1, ctx.span // DAY)):
        for hour in range(5, 23):
            headline = expand(rng, pick(rng, HEADLINES), {})
            for member in np.flatnonzero(rng.random(m) < keen).tolist():
                t = _local_time(day, hour) + int(minute[member] + rng.normal(0, 60))
                if not 0 <= t < ctx.span:
                    continue
                url = f"https://{outlet[member]}/read/{int(rng.integers(10**6, 10**7))}"
                text = _FEED_STYLES[style[member]].format(headline=headline, url=url)
                hashtags = " ".join("#" + _FEED_TAGS[k] for k in tags[member])
                g.add(member, t, f"{text} {hashtags}")
    return g


MOMENT_NEGATIVE_BUILDERS: dict[str, Callable[[np.random.Generator, Ctx], Planted]] = {
    "live_match": _live_match,
    "weekly_greeting": _weekly_greeting,
    "fandom_comeback": _fandom_comeback,
    "giveaway": _giveaway,
    "power_sellers": _power_sellers,
}
MOMENT_CAMPAIGN_BUILDERS: dict[str, Callable[[np.random.Generator, Ctx], Planted]] = {
    "target_hijack": _target_hijack,
    "paraphrase_push": _paraphrase_push,
    "tag_rotation": _tag_rotation,
    "tagstack_flood": _tagstack_flood,
    "small_script": _small_script,
}
# planted by name only, after the moments mix was recorded (its output stays the same)
NAMED_BUILDERS: dict[str, Callable[[np.random.Generator, Ctx], Planted]] = {
    "rotating_pool": _rotating_pool,
    "headline_feeds": _headline_feeds,
}
