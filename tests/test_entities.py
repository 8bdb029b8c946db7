"""Edge cases of hashtag, mention and URL extraction (campaign_detect.entities).

The co-action and burst signals count exactly these objects, so a false entity creates
false co-action and a missed one hides real co-action.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign_detect.entities import (
    _NFKC_CHECK_FROM,
    _SPACE_RUN,
    INVISIBLE,
    _nfkc,
    _nfkc_batch,
    _nfkc_unstable,
    canonical_url,
    canonical_urls,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    normalise_handle,
    strip_entities,
)
from campaign_detect.signals.templates import _NON_WORD_RUN


def _apply(expr_fn, text: str):
    value = pl.DataFrame({"t": [text]}).select(expr_fn(pl.col("t")))["t"][0]
    return value.to_list() if isinstance(value, pl.Series) else value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ends at the first non-word character, case-folded
        ("Dukung #KamiUMKMdiTikTok!", ["kamiumkmditiktok"]),
        # full-width number sign and letters are NFKC-normalised to the ASCII tag
        ("\uff03\uff35\uff2d\uff2b\uff2d", ["umkm"]),
        # emoji on either side do not stick to the tag
        ("🔥#fire🔥", ["fire"]),
        # tags glued by punctuation are still separate tags
        ("#tag1,#tag2.#tag3", ["tag1", "tag2", "tag3"]),
        # a tag needs a character that is not a digit or underscore: #2023 and #_ are not tags
        ("#2023 #_ #__x #x2023", ["__x", "x2023"]),
        # preceded by a word character or & (HTML entity) is not a hashtag
        ("a#b &#39;s #ok", ["ok"]),
        # order of appearance is kept, repeats are kept (a post can stack the same tag)
        ("#b #a #b", ["b", "a", "b"]),
        ("", []),
    ],
)
def test_extract_hashtags(text, expected):
    assert _apply(extract_hashtags, text) == expected


def test_extract_hashtags_null_text_gives_empty_list():
    # a post without text has no hashtags, not a null list (signals explode these lists)
    out = pl.DataFrame({"t": [None]}, schema={"t": pl.String}).select(extract_hashtags(pl.col("t")))
    assert out["t"].to_list() == [[]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # trailing sentence punctuation is not part of the handle; dotted TikTok handles are
        ("dukung @Jokowi. tanya @umkm.id!", ["jokowi", "umkm.id"]),
        # an e-mail address is not a mention
        ("mail a@b.com", []),
        # the full-width at sign is NFKC-normalised
        ("\uff20\uff2a\uff4f\uff4b\uff4f\uff57\uff49", ["jokowi"]),
        # @@x: the second @ is preceded by @, which is excluded
        ("@@x", []),
    ],
)
def test_extract_mentions(text, expected):
    assert _apply(extract_mentions, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # closing punctuation after a URL is not part of it
        ("(https://t.co/x).", ["https://t.co/x"]),
        ("www.Example.com/a).", ["www.Example.com/a"]),
        # kept as written: canonicalisation is a separate step
        ("https://e.com/?q=1&utm_x=2 ok", ["https://e.com/?q=1&utm_x=2"]),
        ("no link here", []),
    ],
)
def test_extract_urls(text, expected):
    assert _apply(extract_urls, text) == expected


def test_entities_inside_urls_are_not_mentions_or_hashtags():
    # a link to a TikTok profile is a URL, not a mention of the profile
    assert _apply(extract_mentions, "see https://www.tiktok.com/@ana/video/1") == []
    # a URL fragment is not a hashtag
    assert _apply(extract_hashtags, "go to https://x.com/#anchor now") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme/host case, www., default port, fragment, tracking parameters, trailing slash
        (
            "HTTPS://WWW.Example.com:443/a/?utm_source=wa&b=2&a=1#top",
            "https://example.com/a?a=1&b=2",
        ),
        ("http://a.com:80/", "http://a.com"),
        # a non-default port is part of the address
        ("http://a.com:8080/p/", "http://a.com:8080/p"),
        # path case is significant (t.co codes are case-sensitive)
        ("https://t.co/AbC", "https://t.co/AbC"),
        # scheme-less www. links become https
        ("www.tiktok.com/@umkm/video/1?is_from_webapp=1", "https://tiktok.com/@umkm/video/1"),
        # fbclid and si are tracking parameters; q is content and stays
        ("https://e.com/x?fbclid=1&q=ok&si=2", "https://e.com/x?q=ok"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_canonical_urls_keeps_list_shape_and_nulls():
    urls = pl.Series("urls", [["https://WWW.a.com/x/?b=1&a=2#f", None], None, []])
    assert canonical_urls(urls).to_list() == [["https://a.com/x?a=2&b=1", None], None, []]
    assert canonical_urls(urls).name == "urls"


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        ("@Ana_UMKM", "ana_umkm"),
        ("  budi.jualan ", "budi.jualan"),
        # full-width @ and letters: NFKC first, then the @ is stripped
        ("\uff20\uff21na", "ana"),
        # every leading @ goes (handles hold none), so that the key of a key is itself
        ("@@x", "x"),
    ],
)
def test_normalise_handle(handle, expected):
    out = pl.DataFrame({"h": [handle]}).select(normalise_handle(pl.col("h")))["h"][0]
    assert out == expected


def test_normalise_handle_numeric_ids_become_strings():
    # author_id columns are numbers in JSON; the account key is always a string
    out = pl.DataFrame({"h": [111]}).select(normalise_handle(pl.col("h")))["h"].to_list()
    assert out == ["111"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dukung UMKM 🔥🔥 #KamiUMKMdiTikTok @jokowi https://t.co/x !", "dukung umkm !"),
        # only entities and emoji: nothing is left to compare
        ("#a @b https://c.d 🔥", ""),
        ("  Selamat   PAGI  ", "selamat pagi"),
    ],
)
def test_strip_entities(text, expected):
    assert _apply(strip_entities, text) == expected


_SPACES = " \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list(_SPACES) + list("aZ9_!-éﬁ①🔥\u0301#@")), max_size=12),
        max_size=8,
    )
)
def test_fast_text_paths_match_the_plain_expressions(texts):
    # the ASCII short cut of NFKC, the space-run pattern and the template key pattern give
    # what the plain expressions give
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    text = pl.col("text")
    got = frame.select(
        nfkc=_nfkc(text),
        spaces=text.str.replace_all(_SPACE_RUN, " "),
        key=text.str.replace_all(_NON_WORD_RUN, " ").str.strip_chars(" "),
    )
    want = frame.select(
        nfkc=text.str.replace_all(INVISIBLE, "").str.normalize("NFKC"),
        spaces=text.str.replace_all(r"\s+", " "),
        key=text.str.extract_all(r"\w+").list.join(" "),
    )
    assert got.to_dicts() == want.to_dicts()


# texts NFKC changes in each way the quick check must catch: on its own (full-width,
# ligature, circled digit, compatibility jamo), by composing with the character before
# (e + combining acute, Tamil vowel sign, Hangul leading + vowel jamo), by reordering marks
# (dot below after acute); and texts it leaves alone outside ASCII (emoji, Indonesian with
# accents precomposed, Arabic, Devanagari)
_NFKC_CASES = [
    "＃ＵＭＫＭ",
    "ﬁne",
    "①",
    "\u3131",
    "cafe\u0301",
    "\u0bc6\u0bbe",
    "\u1100\u1161",
    "q\u0301\u0323",
    "mantap 🔥🔥",
    "café",
    "مرحبا",
    "नमस्ते",
    "plain ascii",
]


@pytest.mark.parametrize("copies", [1, _NFKC_CHECK_FROM // 10])
def test_nfkc_batch_equals_normalising_every_text(copies):
    # below the batch size the class is not used, above it only texts holding one of its
    # characters are normalised: both give what normalising every text gives
    texts = pl.Series("text", _NFKC_CASES * copies)
    assert _nfkc_batch(texts).equals(texts.str.normalize("NFKC"))


def test_every_character_nfkc_changes_is_in_the_unstable_class():
    # each code point outside the class is left alone by polars' own NFKC, alone and after
    # a letter (with which it could compose), so skipping texts of such characters is exact
    points = [p for p in range(0x80, 0x110000) if not 0xD800 <= p < 0xE000]
    chars = pl.Series([chr(p) for p in points])
    stable = chars.filter(~chars.str.contains(_nfkc_unstable()))
    assert stable.len() > 100_000  # most assigned characters need no normalising
    for text in (stable, "a" + stable, "\u1100" + stable):
        assert (text.str.normalize("NFKC") == text).all()
