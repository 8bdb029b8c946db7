"""Tests for campaign_detect.signals.templates: near-duplicate scripts, and what is not one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from conftest import make_posts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_detect.errors import InputError
from campaign_detect.schema import empty_posts
from campaign_detect.signals import _similarity
from campaign_detect.signals._similarity import (
    _MIN_AGREE,
    _TOP_PARTNERS,
    _first_band_and_agreeing,
    _packed_minhashes,
    _top_partners,
    word_matrix,
)
from campaign_detect.signals.templates import TemplateResult, template_groups

T0 = datetime(2023, 9, 20, 8, tzinfo=UTC)
_SYLLABLES = ["ka", "la", "ma", "na", "pa", "ra", "sa", "ta", "bu", "di", "go", "je", "ko", "ri"]
_SHARED = ["yang", "dan", "di", "ini", "itu", "saya", "kita", "hari", "umkm", "jualan", "online"]


def _background(n: int, *, seed: int = 7, days: int = 14, extra: list[str] | None = None):
    """Organic chatter: each account writes its own words over `days` days.

    Words come from a pool of pseudo-words plus common words (and `extra` words, e.g. the
    words of a greeting, which real people also use inside other sentences).
    """
    rng = np.random.default_rng(seed)
    pool = ["".join(rng.choice(_SYLLABLES, int(k))) for k in rng.integers(2, 5, 3000)]
    common = _SHARED + (extra or [])
    rows = []
    for i in range(n):
        words = list(rng.choice(pool, int(rng.integers(4, 12))))
        words += list(rng.choice(common, int(rng.integers(1, 4))))
        rng.shuffle(words)
        rows.append(
            {
                "post_id": f"bg{i}",
                "account": f"user{i}",
                "ts": T0 + timedelta(minutes=int(rng.integers(0, days * 1440))),
                "text": " ".join(words),
            }
        )
    return rows


def _posts(rows: list[dict]) -> pl.DataFrame:
    return make_posts(rows)


SCRIPT_VARIANTS = [
    # the same script: synonym swaps, reordered sentences, added shop names and cities
    "Berkat TikTok Shop usaha kecil kami naik kelas. Terima kasih Pak Presiden atas dukungannya",
    "Terima kasih Pak Presiden atas dukungannya. Berkat TikTok Shop usaha kecil kami naik kelas",
    "Berkat TikTok Shop usaha kecil kami maju pesat. Terima kasih Pak Presiden atas dukungannya",
    "Berkat TikTok Shop usaha mungil kami naik kelas. Makasih Pak Presiden atas dukungannya",
    "Toko Sari Rasa Medan: berkat TikTok Shop usaha kecil kami naik kelas. Terima kasih Pak "
    "Presiden atas dukungannya",
    "Berkat TikTok Shop usaha kecil kami naik kelas, salam dari Surabaya. Terima kasih Pak "
    "Presiden atas dukungannya",
    "Berkat TikTok Shop usaha kecil kami naik kelas! Terima kasih banyak Pak Presiden atas "
    "dukungannya 🙏",
    "berkat tiktok shop usaha kecil kami naik kelas terima kasih pak presiden atas dukungannya",
]


def _script_rows(variants, *, prefix: str, start: datetime, tags: str = "#KamiUMKMdiTikTok"):
    return [
        {
            "post_id": f"{prefix}{i}",
            "account": f"{prefix}_acc{i}",
            "ts": start + timedelta(minutes=7 * i),
            "text": f"{text} {tags} @jokowi",
        }
        for i, text in enumerate(variants)
    ]


def test_paraphrased_script_is_one_template_and_background_is_not():
    rows = _background(300) + _script_rows(SCRIPT_VARIANTS, prefix="s", start=T0)
    result = template_groups(_posts(rows))
    assert isinstance(result, TemplateResult)
    # every variant keeps most of the script's words and 3-grams: one group, all 8 accounts
    assert result.groups.height == 1
    group = result.groups.row(0, named=True)
    assert group["n_accounts"] == len(SCRIPT_VARIANTS)
    assert group["n_variants"] == len(SCRIPT_VARIANTS) - 1  # the lower-case copy equals the 1st
    assert sorted(result.members["post_id"]) == sorted(f"s{i}" for i in range(8))
    # the organic chatter shares only common words, so none of it joins (hard negative)
    assert not result.members["post_id"].str.starts_with("bg").any()
    # the representative is stripped of hashtags, mentions and emoji
    assert "#" not in group["text"]
    assert "@" not in group["text"]
    assert group["start"] == T0
    assert group["end"] == T0 + timedelta(minutes=7 * 7)
    assert group["accounts"] == sorted(f"s_acc{i}" for i in range(8))
    assert group["information"] >= 10.0
    assert 1 <= len(group["samples"]) <= 5
    assert group["samples"][0]["similarity"] == pytest.approx(1.0)


def test_representative_is_the_medoid_not_the_first_post():
    # the first post carries a long personal preface; the others are the plain script with
    # small changes, so the central text is a plain one, not the first seen
    first = (
        "Halo kawan kawan pedagang pasar baru Bandung semua, ini cerita kami: berkat TikTok "
        "Shop usaha kecil kami naik kelas. Terima kasih Pak Presiden atas dukungannya"
    )
    variants = [first, *SCRIPT_VARIANTS[:4]]
    rows = _background(300) + _script_rows(variants, prefix="m", start=T0)
    result = template_groups(_posts(rows), threshold=0.5)
    group = result.groups.row(0, named=True)
    assert "halo" not in group["text"]
    members = result.members.sort("similarity")
    # members are at least as similar to the medoid as the threshold asks
    assert members["similarity"].min() >= 0.5


def test_two_scripts_stay_two_templates():
    other = [
        "Harga beras turun berkat kebijakan pemerintah, rakyat kecil bisa tersenyum lega",
        "Rakyat kecil bisa tersenyum lega, harga beras turun berkat kebijakan pemerintah",
        "Harga beras turun berkat kebijakan pemerintah, warga kecil bisa tersenyum lega",
        "Harga beras turun berkat kebijakan pemerintah kita, rakyat kecil bisa tersenyum lega",
        "Dari Makassar: harga beras turun berkat kebijakan pemerintah, rakyat kecil tersenyum lega",
    ]
    rows = (
        _background(300)
        + _script_rows(SCRIPT_VARIANTS, prefix="a", start=T0)
        + _script_rows(other, prefix="b", start=T0 + timedelta(hours=2), tags="#BerasMurah")
    )
    result = template_groups(_posts(rows))
    # the scripts share only the word "berkat" and common words: far below 0.6
    assert result.groups["n_accounts"].to_list() == [8, 5]  # largest first
    by_template = result.members.with_columns(script=pl.col("post_id").str.slice(0, 1))
    assert by_template.group_by("template_id").agg(pl.col("script").n_unique())[
        "script"
    ].to_list() == [1, 1]
    assert result.groups["template_id"].to_list() == [0, 1]


def test_organic_posts_on_one_topic_in_own_words_are_not_grouped():
    # 40 accounts talk about the same campaign hashtag, each in their own words
    topic = [
        "senang sekali jualan di tiktok shop omzet naik terus",
        "tiktok shop bikin usaha saya ramai pembeli tiap hari",
        "dulu sepi sekarang pesanan datang dari luar kota lewat live",
        "UMKM harus berani jualan online biar bisa bersaing",
        "semoga pemerintah terus mendukung pedagang kecil seperti kami",
        "live streaming tiap malam capek tapi hasilnya lumayan",
        "produk keripik kami sekarang dikenal sampai kalimantan",
        "jualan online itu butuh sabar dan konsisten posting",
    ]
    rows = _background(200) + [
        {
            "post_id": f"t{i}",
            "account": f"topic{i}",
            "ts": T0 + timedelta(minutes=3 * i),
            "text": f"{topic[i % len(topic)]} {'ya' if i % 2 else ''} kak{i} #KamiUMKMdiTikTok",
        }
        for i in range(40)
    ]
    result = template_groups(_posts(rows))
    # each sentence is repeated by 5 accounts (i % 8) with one personal word: those repeats
    # are real near-duplicates and would be templates; what must NOT happen is that
    # different sentences on the same topic merge into one group
    for row in result.groups.iter_rows(named=True):
        assert row["n_variants"] <= 10
        assert all(p.startswith("t") for p in row["post_ids"])
        sentences = {int(p[1:]) % len(topic) for p in row["post_ids"]}
        assert len(sentences) == 1


def test_generic_greeting_is_no_template_but_short_slogan_is():
    greetings = ["selamat pagi", "selamat pagi semua", "pagi semua", "selamat pagi kawan"]
    # 200 accounts greet every morning for 14 days, and the greeting words also appear in
    # ordinary posts: the words are everywhere, so the greeting carries no information
    rows = _background(600, extra=["selamat", "pagi", "semua", "kawan", "terima", "kasih"])
    rows += [
        {
            "post_id": f"g{i}",
            "account": f"greeter{i}",
            "ts": T0 + timedelta(days=i % 14, minutes=i),
            "text": greetings[i % len(greetings)] + (" 🌞" if i % 3 else ""),
        }
        for i in range(200)
    ]
    # 50 accounts post a short distinctive slogan, lightly varied, within three hours
    slogans = ["tangkap koruptor bansos sekarang", "tangkap koruptor bansos sekarang juga"]
    rows += [
        {
            "post_id": f"z{i}",
            "account": f"troll{i}",
            "ts": T0 + timedelta(days=3, minutes=3 * i),
            "text": f"{slogans[i % 2]} #UsutBansos{i % 3}",
        }
        for i in range(50)
    ]
    result = template_groups(_posts(rows))
    found = set(result.members["post_id"].str.slice(0, 1).to_list())
    # the slogan's words are used nowhere else and on one day only: a template of 50
    assert "z" in found
    slogan = result.groups.filter(pl.col("text").str.contains("koruptor")).row(0, named=True)
    assert slogan["n_accounts"] == 50
    # the greeting is used by 200 accounts but is generic: no template (hard negative)
    assert "g" not in found
    # and it is not the length that decided: the slogan has only four words
    assert len(slogan["text"].split()) <= 5


def test_empty_and_hashtag_only_texts_form_no_template():
    rows = _background(100) + [
        {
            "post_id": f"e{i}",
            "account": f"empty{i}",
            "ts": T0 + timedelta(minutes=i),
            "text": ["", "#KamiUMKMdiTikTok", "#a #b @jokowi 🔥🔥", "https://t.co/x", "!!"][i % 5],
        }
        for i in range(50)
    ]
    result = template_groups(_posts(rows))
    # nothing is left to compare after stripping entities and punctuation
    assert result.groups.height == 0
    assert result.members.height == 0


def test_exact_copies_are_collapsed_before_comparison():
    script = SCRIPT_VARIANTS[0]
    rows = _background(100) + [
        {"post_id": f"c{i}", "account": f"copy{i % 300}", "ts": T0, "text": script}
        for i in range(3000)
    ]
    result = template_groups(_posts(rows))
    # 3000 copies are one distinct text: 100 background texts + 1 are compared
    assert result.stats.n_texts <= 101
    group = result.groups.row(0, named=True)
    assert (group["n_posts"], group["n_accounts"], group["n_variants"]) == (3000, 300, 1)
    assert group["mean_similarity"] == pytest.approx(1.0)


def test_one_account_repeating_itself_is_not_a_template():
    rows = _background(100) + [
        {"post_id": f"r{i}", "account": "spammer", "ts": T0 + timedelta(minutes=i), "text": t}
        for i, t in enumerate(SCRIPT_VARIANTS)
    ]
    # eight variants but one account: min_accounts=3 is not met
    assert template_groups(_posts(rows)).groups.height == 0
    assert template_groups(_posts(rows), min_accounts=1).groups.height == 1


def test_output_is_deterministic_and_order_independent():
    rows = _background(300) + _script_rows(SCRIPT_VARIANTS, prefix="s", start=T0)
    posts = _posts(rows)
    first = template_groups(posts)
    shuffled = template_groups(posts.sample(fraction=1.0, shuffle=True, seed=3))
    lazy = template_groups(posts.lazy())
    for other in (shuffled, lazy):
        assert first.groups.equals(other.groups)
        assert first.members.equals(other.members)


def test_huge_buckets_are_bounded_and_reported():
    rows = _background(300) + _script_rows(SCRIPT_VARIANTS * 4, prefix="s", start=T0)
    for i, row in enumerate(rows[300:]):
        row["text"] = f"{row['text']} toko{i}"
    result = template_groups(_posts(rows), max_bucket=4)
    # with buckets of at most 4 texts, shared script features are compared via pivots only
    assert result.stats.n_bounded_features > 0
    assert result.stats.n_pairs_skipped > 0
    # the pivots still tie the variants to one group
    assert result.groups.row(0, named=True)["n_accounts"] == 32


@pytest.mark.parametrize("threads", [1, 3])
def test_result_does_not_depend_on_the_number_of_threads(monkeypatch, threads):
    rows = _background(300) + _script_rows(SCRIPT_VARIANTS * 4, prefix="s", start=T0)
    posts = _posts(rows)
    expected = template_groups(posts, max_bucket=4)
    monkeypatch.setattr(pl, "thread_pool_size", lambda: threads)
    found = template_groups(posts, max_bucket=4)
    assert found.stats == expected.stats
    assert found.groups.equals(expected.groups)
    assert found.members.equals(expected.members)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0.0}, "threshold=0.0"),
        ({"threshold": 1.5}, "threshold=1.5"),
        ({"min_accounts": 0}, "min_accounts=0"),
        ({"max_bucket": 1}, "max_bucket=1"),
    ],
)
def test_bad_parameters_raise_input_error(kwargs, message):
    with pytest.raises(InputError, match=message):
        template_groups(_posts(_background(5)), **kwargs)


def test_missing_column_raises_input_error():
    posts = _posts(_background(5)).drop("text")
    with pytest.raises(InputError, match="'text'"):
        template_groups(posts)


def test_empty_input_gives_empty_frames_with_schema():
    result = template_groups(empty_posts())
    assert result.groups.height == 0
    assert result.members.columns == ["post_id", "template_id", "similarity"]
    assert "information" in result.groups.columns


_WORDS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "zeta", "eta", "rho"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=0, max_size=8).map(" ".join),
        min_size=1,
        max_size=40,
    ),
    threshold=st.floats(min_value=0.3, max_value=1.0),
)
def test_every_member_is_above_threshold_to_its_representative(texts, threshold):
    rows = [
        {"post_id": f"h{i}", "account": f"acc{i % 7}", "ts": T0, "text": t}
        for i, t in enumerate(texts)
    ]
    result = template_groups(
        _posts(rows), threshold=threshold, min_accounts=1, min_information=-1e9
    )
    assert (result.members["similarity"] >= threshold - 1e-9).all()
    assert result.members["post_id"].is_unique().all()
    assert result.groups["template_id"].to_list() == list(range(result.groups.height))
    assert result.groups["n_posts"].sum() == result.members.height


def test_reposts_do_not_make_a_template():
    # 40 accounts repost one long post (share_of set, text copied as platforms do): that is a
    # share cascade, evidence for co-action on the original, not 40 authors of one script
    original = "banjir besar di depok pagi ini, warga mengungsi ke masjid dan sekolah terdekat"
    rows = [{"account": "src", "ts": "2023-09-21T05:00:00Z", "text": original, "post_id": "o1"}]
    rows += [
        {
            "account": f"fan{i}",
            "ts": f"2023-09-21T06:{i:02d}:00Z",
            "text": original,
            "share_of": "o1",
        }
        for i in range(40)
    ]
    assert template_groups(make_posts(rows)).groups.is_empty()


def test_word_matrix_numbers_words_in_order_and_counts_each_once():
    words = word_matrix(pl.Series(["b a b", "c", "a c a"]))
    assert words.vocabulary.to_list() == ["a", "b", "c"]
    assert words.matrix.toarray().tolist() == [[1, 1, 0], [0, 0, 1], [1, 0, 1]]
    assert words.matrix.has_sorted_indices


@pytest.mark.parametrize(("cut_keys", "cap_chunk"), [(1 << 24, 1 << 22), (50, 7), (1, 1)])
def test_top_partners_matches_a_ranking_by_hand(cut_keys, cap_chunk, monkeypatch):
    # each text's partners ranked by agreement (most first), then by partner rank; a pair
    # stays when it is within the _TOP_PARTNERS best of either of its texts; the pair ends
    # may be taken in steps of any size (all at once, a few, one at a time)
    monkeypatch.setattr(_similarity, "_CUT_KEYS", cut_keys)
    monkeypatch.setattr(_similarity, "_CAP_CHUNK", cap_chunk)
    rng = np.random.default_rng(5)
    n = 30
    codes = np.unique(rng.integers(0, n * n, 500))  # distinct pairs, as candidate_pairs has
    left, right = (codes // n).astype(np.int32), (codes % n).astype(np.int32)
    left, right = left[left != right], right[left != right]
    m = left.size
    agree = rng.integers(5, 33, m).astype(np.int8)
    posts = rng.integers(1, 4, n)
    tie = rng.random(n)
    partner_rank = np.empty(n, dtype=np.int64)
    partner_rank[np.lexsort((tie, -posts))] = np.arange(n)
    of_left, of_right = _top_partners(
        [(left, right, agree), (right, left, agree)], partner_rank.astype(np.int32), n, n
    )
    kept = of_left | of_right
    best: dict[int, list[tuple[int, int, int]]] = {}
    for k in range(m):
        for node, partner in ((left[k], right[k]), (right[k], left[k])):
            best.setdefault(int(node), []).append((-int(agree[k]), int(partner_rank[partner]), k))
    expected = np.zeros(m, dtype=bool)
    for entries in best.values():
        for *_, k in sorted(entries)[:_TOP_PARTNERS]:
            expected[k] = True
    assert 0 < expected.sum() < m  # the cap binds: the test can tell right from wrong
    np.testing.assert_array_equal(kept, expected)


@pytest.mark.parametrize("band", [0, 1, 3, 4, 6, 9, 15])
def test_agreement_check_matches_byte_compares_by_hand(band):
    # minhashes from a small range, so pairs agree on many bytes and on earlier bands
    rng = np.random.default_rng(band)
    n, n_hashes = 40, 32
    signatures = rng.integers(0, 3, (n, n_hashes)).astype(np.uint32) * 257  # low byte 0..2
    signatures[rng.random((n, n_hashes)) < 0.3] += 1 << 16  # high bits play no part
    left = rng.integers(0, n, 3000).astype(np.int32)
    right = rng.integers(0, n, 3000).astype(np.int32)
    keep, agree = _first_band_and_agreeing(_packed_minhashes(signatures), left, right, band)

    low = signatures & 0xFF
    equal = low[left] == low[right]  # (pairs, 32)
    expected_agree = equal.sum(axis=1)
    # met in an earlier band: both minhashes of band c < band agree (c = hashes 2c, 2c + 1)
    earlier = (equal[:, 0 : 2 * band : 2] & equal[:, 1 : 2 * band : 2]).any(axis=1)
    expected_keep = ~earlier & (expected_agree >= _MIN_AGREE) & (left != right)
    assert 0 < expected_keep.sum() < left.size  # both outcomes occur
    if band:
        assert (earlier & (expected_agree >= _MIN_AGREE) & (left != right)).any()
    np.testing.assert_array_equal(agree, expected_agree)
    np.testing.assert_array_equal(keep, expected_keep)


def test_a_huge_word_is_capped_counted_and_reported():
    # a 300,000-character "word" once cost the square of its length to cut into grams
    blob = "ab" * 150_000
    posts = make_posts(
        [
            {"account": f"a{i}", "ts": f"2023-09-20T08:0{i}:00Z", "text": f"{blob} beli sekarang"}
            for i in range(3)
        ]
    )
    result = template_groups(posts, min_information=0)
    assert result.stats.n_long_words == 1
    assert result.groups.height == 1  # the copies are still one template
