"""Word pools for the synthetic posts: topics, phrases, hashtags, names, places, links.

Pools are written as ``a|b c|d`` strings (see `split_pool`); the order of each pool is part
of the generator's output, so edit them only together with the regenerated fixtures.
"""

from __future__ import annotations

__all__ = [
    "CELEBS",
    "CITIES",
    "EMOJI",
    "EN_COMMENT",
    "EN_SUBJ",
    "EN_WHEN",
    "FIRST",
    "HEADLINES",
    "ID_COMMENT",
    "ID_SUBJ",
    "ID_WHEN",
    "NEWS_DOMAINS",
    "OTHER_DOMAINS",
    "POPULAR_TAGS",
    "PRODUCTS",
    "SECOND",
    "SHOP_WORDS",
    "TOPICS",
    "TOPIC_NAMES",
    "split_pool",
]


def split_pool(words: str) -> list[str]:
    """A word pool written as ``a|b c|d``: items separated by ``|``."""
    return [w.strip() for w in words.split("|")]


# --- word pools -------------------------------------------------------------------------
# topic: (id verbs, id objects, en verbs, en objects, topic hashtags)
TOPICS: dict[str, tuple[list[str], list[str], list[str], list[str], list[str]]] = {
    "kuliner": (
        split_pool("lagi makan|baru nyobain|pengen banget|masak|beli|ketagihan sama|nemu"),
        split_pool(
            "bakso urat|mie ayam|seblak level 5|kopi susu gula aren|nasi padang|sate madura|"
            "martabak manis|es teh jumbo|soto betawi|gorengan|rendang|ayam geprek|dimsum|"
            "bakmi|pecel lele|nasi uduk|es kopi|roti bakar|cilok|batagor|sop buntut"
        ),
        split_pool("just tried|am craving|cooked|found|ordered|can't stop eating"),
        split_pool(
            "spicy noodles|iced coffee|fried rice|street food|satay|meatball soup|"
            "milk tea|grilled chicken|dumplings|sweet martabak|padang food|coconut rice"
        ),
        split_pool("kuliner|kulinerjakarta|makananviral|jajanan|foodie|resepmudah|food|kopi"),
    ),
    "belanja": (
        split_pool("baru checkout|lagi cari|rekomendasi|unboxing|review jujur|restock|jual"),
        split_pool(
            "skincare lokal|gamis terbaru|sepatu lari|tas rajut|hijab instan|serum wajah|"
            "kaos polos|case hp|lipstik matte|sandal jepit|mukena|keripik pedas|kemeja batik|"
            "parfum lokal|celana kulot|sprei motif|botol minum"
        ),
        split_pool("just bought|reviewing|unboxing|restocked|looking for|recommend"),
        split_pool(
            "local skincare|running shoes|a knit bag|phone cases|batik shirts|hijab sets|"
            "a new serum|matte lipstick|cotton tees|home decor"
        ),
        split_pool("tiktokshop|umkm|racuntiktok|produklokal|belanjaonline|shopee|diskon|jualan"),
    ),
    "bola": (
        split_pool("nonton|dukung|bahas|kecewa sama|bangga sama|nungguin"),
        split_pool(
            "timnas|persija|persib|laga tadi malam|gol telat|wasit|liga 1|piala asia|"
            "pemain naturalisasi|latihan timnas|derby|adu penalti|klasemen"
        ),
        split_pool("watched|support|can't believe|am proud of|am waiting for"),
        split_pool(
            "the national team|last night's match|that late goal|the referee|the derby|"
            "the penalty shootout|the league table|the new coach"
        ),
        split_pool("bola|timnasindonesia|persija|persib|liga1|sepakbola|football|garudamendunia"),
    ),
    "kpop": (
        split_pool("dengerin|nonton|ngefans sama|streaming|kangen|teriak lihat"),
        split_pool(
            "comeback baru|mv terbaru|fancam|konser kemarin|album baru|lagu ini|"
            "dance practice|variety show|lightstick|photocard|drama korea"
        ),
        split_pool("listening to|watching|streaming|obsessed with|can't stop replaying"),
        split_pool(
            "the new comeback|this fancam|the concert|the new album|this song|"
            "the dance practice|this drama|the variety show"
        ),
        split_pool("kpop|drakor|kpopindonesia|bts|blackpink|newjeans|seventeen|nct"),
    ),
    "berita": (
        split_pool("baca|dengar|kaget soal|ikutin kabar|heran sama|diskusi soal"),
        split_pool(
            "harga beras|kenaikan bbm|macet tol|banjir rob|kebijakan baru|pemilu 2024|"
            "debat capres|harga cabai|kualitas udara|ujian nasional|tarif krl|bansos"
        ),
        split_pool("read about|heard about|am following|am worried about|discussed"),
        split_pool(
            "rice prices|the fuel price|the traffic|the floods|the new policy|"
            "the election|air quality|the debate|train fares"
        ),
        split_pool("berita|news|info|jakarta|indonesia|politik|ekonomi|beritaterkini"),
    ),
    "harian": (
        split_pool("lagi di|baru pulang dari|otw|nongkrong di|capek banget di|rebahan di"),
        split_pool(
            "kantor|kampus|rumah|kosan|stasiun|mall|pasar|gym|jalan tol|warung kopi|"
            "cfd sudirman|kereta|ojol|rumah nenek"
        ),
        split_pool("stuck at|heading to|chilling at|back from|working at"),
        split_pool("the office|campus|home|the station|the mall|the gym|a cafe|the train"),
        split_pool("jakarta|dailyvlog|storytime|curhat|random|ootd|weekend|mood"),
    ),
    "travel": (
        split_pool("liburan ke|healing ke|pengen balik ke|foto-foto di|camping di"),
        split_pool(
            "bali|lombok|bromo|labuan bajo|jogja|bandung|raja ampat|danau toba|"
            "puncak|pantai anyer|malang|belitung"
        ),
        split_pool("traveling to|just visited|miss|hiking in|took photos in"),
        split_pool("bali|lombok|mount bromo|yogyakarta|bandung|komodo island|lake toba"),
        split_pool("travel|explorebali|wonderfulindonesia|healing|liburan|pantai|traveling"),
    ),
}
TOPIC_NAMES = tuple(TOPICS)
ID_SUBJ = split_pool("aku|gue|saya|kita|kami|temen gue|ibuku|adikku|suamiku|pacarku|kakak|bapak")
ID_WHEN = split_pool(
    "hari ini|tadi pagi|kemarin sore|malam ini|minggu ini|barusan|pas weekend|tiap hari|"
    "sepulang kerja|di jakarta|di bandung|di surabaya|di rumah|sama keluarga|bareng temen"
)
ID_COMMENT = split_pool(
    "enak banget|mantap|gak nyangka|capek juga|seru parah|worth it sih|lumayan lah|"
    "bikin nagih|kecewa dikit|recommended|gila sih|ngakak|terharu|sedih deh|bangga|"
    "masih mikir|auto happy|biasa aja|keren sih|parah banget"
)
EN_SUBJ = split_pool("i|we|my sister|my mom|my friends|honestly i|my partner|we all")
EN_WHEN = split_pool(
    "today|this morning|last night|this weekend|right now|after work|in jakarta|"
    "with the family|again|for the first time"
)
EN_COMMENT = split_pool(
    "so good|not bad|worth it|kinda tired|love it|can't believe it|so proud|lowkey great|"
    "highly recommend|a bit disappointed|amazing|so fun|no regrets|meh"
)
POPULAR_TAGS = split_pool(
    "fyp|fypシ|viral|foryou|foryoupage|xyzbca|trending|indonesia|tiktokindonesia|fypage|"
    "masukberanda|jakarta|umkm|tiktokshop|kuliner|bola|kpop|news|ootd|storytime"
)
EMOJI = split_pool("🔥|😂|😭|🙏|❤️|🥰|😍|👍|✨|💯|😅|🤣|💪|🇮🇩|😊|🤔|👏|😢|🎉|⚽|🍜|☕|🛍️|🎶|📢|🙌")
CELEBS = split_pool(
    "jokowi|ganjarpranowo|prabowo|aniesbaswedan|raffinagita1717|atta_halilintar|"
    "tiktokshop_id|shopee_id|detikcom|kompascom|bts_official_bighit|persija_jkt|"
    "ridwankamil|denny_sumargo|fadiljaidi"
)
NEWS_DOMAINS = split_pool(
    "detik.com|kompas.com|cnnindonesia.com|tribunnews.com|liputan6.com|kumparan.com|"
    "tempo.co|okezone.com|cnbcindonesia.com|antaranews.com|suara.com|idntimes.com"
)
# news headlines (slot patterns for `draw.expand`)
HEADLINES = [
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
OTHER_DOMAINS = split_pool(
    "youtube.com/watch?v=|shopee.co.id/product/|tokopedia.com/p/|instagram.com/p/"
)
FIRST = split_pool(
    "sari|budi|rizky|dewi|agus|putri|andi|nur|fitri|dimas|ayu|eko|rina|bayu|indah|fajar|"
    "wulan|yoga|tika|arif|lina|hendra|maya|reza|siti|dian|adit|nadia|joko|vina|kevin|"
    "bella|rudi|anisa|ilham|citra|gilang|mega|tono|intan|rafi|salsa|bagus|nisa|irfan|dinda"
)
SECOND = split_pool(
    "kuliner|official|store|shop|id|jkt|bdg|sby|art|daily|vlog|ofc|real|olshop|beauty|"
    "food|travel|gaming|fans|story|collection|kitchen|craft|media|info|santoso|lestari|"
    "pratama|wijaya|saputra|putra|sari|hidayat|nugroho|kusuma|rahman|siregar|harahap"
)
SHOP_WORDS = split_pool("Berkah|Jaya|Makmur|Sejahtera|Barokah|Rezeki|Mandiri|Abadi|Sentosa|Amanah")
PRODUCTS = split_pool(
    "keripik singkong|batik tulis|sambal bawang|kopi robusta|hijab voal|tas anyaman|"
    "madu hutan|kue kering|sabun herbal|kaos sablon|sepatu kulit|frozen food"
)
CITIES = split_pool(
    "Jakarta|Bandung|Surabaya|Medan|Makassar|Semarang|Yogyakarta|Malang|Palembang|"
    "Denpasar|Bekasi|Depok|Bogor|Solo|Pekalongan|Garut"
)
