"""Hashtags, mentions and URLs found in post text, as polars expressions.

The patterns follow what platforms themselves treat as an entity, because the
co-action and burst signals count exactly these objects:

- a hashtag is ``#`` followed by Unicode word characters, not preceded by a word
  character or ``&`` (so ``a#b`` and ``&#39;`` are not hashtags), with at least one
  character that is not a digit or ``_`` (``#1`` is not a hashtag). It ends at the first
  non-word character: ``#KamiUMKMdiTikTok!`` is ``kamiumkmditiktok``, and emoji on either
  side do not stick to it.
- a mention is ``@`` followed by word characters and inner dots (TikTok handles have
  dots), not preceded by a word character (``a@b.com`` is an e-mail address).
- a URL starts with ``http://``, ``https://`` or ``www.`` and runs to the next space,
  without trailing punctuation.

Text is NFKC-normalised first, so full-width ``＃ＵＭＫＭ`` is ``#umkm``, and entities are
case-folded (lower-cased).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl

__all__ = [
    "INVISIBLE",
    "TRACKING_PARAMETERS",
    "canonical_url",
    "canonical_urls",
    "carries_hashtag",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
    "normalise_handle",
    "strip_entities",
]

_HASHTAG = r"(?:^|[^\w&])#\w+"
_MENTION = r"(?:^|[^\w@])@\w+(?:\.\w+)*"
_URL = r"(?i)(?:https?://|www\.)[^\s<>\"]+"
_URL_TRAILING_PUNCTUATION = r"[.,;:!?)\]}'\"»…]+$"
# a run of two or more white-space characters, or one that is not a plain space
_SPACE_RUN = r"\s\s+|[\s&&[^ ]]"
_EMOJI = r"[\p{Extended_Pictographic}\p{Emoji_Modifier}\x{FE0F}\x{200D}\x{20E3}]"

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "ref_url",
        "s",
        "si",
        "_t",
        "_r",
        "is_from_webapp",
        "sender_device",
        "is_copy_url",
    }
)


#: Invisible characters that split or disguise an entity (zero-width space, non-joiner,
#: joiner, word joiner, byte-order mark, soft hyphen): removed before entities are read, so
#: ``#ta\u200bg`` is ``#tag``. Look-alike letters from other scripts (Cyrillic ``\u0430`` in
#: ``#t\u0430g``) are kept: they are another tag, as the platforms count them.
INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060\ufeff]"


def _nfkc(text: pl.Expr) -> pl.Expr:
    return (
        text.fill_null("")
        .str.replace_all(INVISIBLE, "")
        .map_batches(_nfkc_batch, return_dtype=pl.String, is_elementwise=True)
    )


# from this many non-ASCII texts in a batch (polars hands a frame's chunks over one at a
# time, a Parquet row group each), only those holding a character of `_nfkc_unstable` are
# normalised: that class is built once per process (about 0.6 s), which a small input
# would not earn back
_NFKC_CHECK_FROM = 20_000


def _nfkc_batch(text: pl.Series) -> pl.Series:
    """NFKC of the texts that NFKC can change; the others are returned as they are.

    Normalisation was the costliest step of reading a million posts' entities, and it runs
    on every text up to four times (hashtags, mentions, shared text, templates), while
    nearly all texts, even outside ASCII, are already in NFKC (emoji, Indonesian, Arabic
    script): plain ASCII texts are skipped, and in a large batch so are the texts without a
    character of `_nfkc_unstable`. Both tests only skip texts NFKC leaves unchanged, so the
    result is the same as normalising every text.
    """
    other = (text.str.len_bytes() != text.str.len_chars()).arg_true()
    if other.len() >= _NFKC_CHECK_FROM:
        other = other.filter(text.gather(other).str.contains(_nfkc_unstable()))
    if other.len() == 0:
        return text
    return text.clone().scatter(other, text.gather(other).str.normalize("NFKC"))


@cache
def _nfkc_unstable() -> str:
    """A regex class of every character without which a text is certainly in NFKC.

    The quick check of Unicode's UAX #15 (section 9) proves a text normalised when none of
    its characters has a non-zero combining class (whose order NFKC may change) or a quick
    check value other than Yes. That value is No for a character NFKC changes on its own
    and Maybe for one that may compose with the character before it: the second character
    of a canonical decomposition, and the Hangul vowel and final jamo. The class holds
    those, and every code point this Python's Unicode tables do not assign (polars may
    normalise with newer tables, in which such a character may change).
    """
    unstable = [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]  # Hangul V and T jamo
    for point in range(0x80, 0x110000):
        char = chr(point)
        if (
            unicodedata.category(char) == "Cn"
            or unicodedata.combining(char)
            or unicodedata.normalize("NFKC", char) != char
        ):
            unstable.append(point)
        mapping = unicodedata.decomposition(char).split()
        if len(mapping) == 2 and not mapping[0].startswith("<"):
            unstable.append(int(mapping[1], 16))
    ranges: list[list[int]] = []
    for point in sorted(set(unstable)):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[" + "".join(rf"\x{{{a:X}}}-\x{{{b:X}}}" for a, b in ranges) + "]"


def _without_urls(text: pl.Expr) -> pl.Expr:
    """NFKC text with URLs blanked, so ``tiktok.com/@ana`` or ``/#top`` is no entity."""
    return _nfkc(text).str.replace_all(_URL, " ")


def extract_hashtags(text: pl.Expr) -> pl.Expr:
    """List of the hashtags in `text`, case-folded, without ``#``, in order of appearance.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"text": ["🔥#KamiUMKMdiTikTok! #1 a#b #umkm_2023🔥"]})
    >>> df.select(extract_hashtags(pl.col("text")))["text"].to_list()
    [['kamiumkmditiktok', 'umkm_2023']]
    """
    return (
        _without_urls(text)
        .str.extract_all(_HASHTAG)
        .list.eval(pl.element().str.replace(r"^[^#]*#", "").str.to_lowercase())
        .list.eval(pl.element().filter(pl.element().str.contains(r"[^\d_]")))
    )


def extract_mentions(text: pl.Expr) -> pl.Expr:
    """List of the accounts mentioned in `text`, as canonical handles (see `normalise_handle`).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"text": ["dukung @Jokowi. tanya a@b.com @umkm.id"]})
    >>> df.select(extract_mentions(pl.col("text")))["text"].to_list()
    [['jokowi', 'umkm.id']]
    """
    return (
        _without_urls(text)
        .str.extract_all(_MENTION)
        .list.eval(pl.element().str.replace(r"^[^@]*@", "").str.to_lowercase())
    )


def extract_urls(text: pl.Expr) -> pl.Expr:
    """List of the URLs in `text` as written (not yet canonical), without trailing punctuation."""
    return (
        text.fill_null("")
        .str.extract_all(_URL)
        .list.eval(pl.element().str.replace(_URL_TRAILING_PUNCTUATION, ""))
    )


def canonical_url(url: str) -> str:
    """One spelling per web address, so that two posts linking the same page co-act.

    Lower-cases the scheme and host, drops ``www.``, default ports, the fragment,
    tracking parameters (``utm_*`` and `TRACKING_PARAMETERS`) and a trailing slash, and
    sorts the remaining query parameters.

    Examples
    --------
    >>> canonical_url("HTTPS://WWW.Example.com:443/a/?utm_source=wa&b=2&a=1#top")
    'https://example.com/a?a=1&b=2'
    >>> canonical_url("www.tiktok.com/@umkm/video/1?is_from_webapp=1")
    'https://tiktok.com/@umkm/video/1'
    """
    raw = url.strip()
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return url.strip().lower()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if port is not None and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    )
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def canonical_urls(urls: pl.Series) -> pl.Series:
    """`canonical_url` over a list column, computed once per distinct URL."""
    flat = urls.explode().drop_nulls().unique()
    mapping = dict(zip(flat.to_list(), [canonical_url(u) for u in flat.to_list()], strict=True))
    return urls.list.eval(pl.element().replace_strict(mapping, default=pl.element())).rename(
        urls.name
    )


def normalise_handle(handle: pl.Expr) -> pl.Expr:
    """Canonical account key: NFKC, trimmed, without leading ``@`` signs, case-folded.

    Every leading ``@`` and blank goes at once (``"@@budi"``, ``"@ @budi"`` are ``budi``),
    so that the key of a key is itself."""
    return (
        handle.cast(pl.String)
        .str.normalize("NFKC")
        .str.replace(r"^[@\s]+", "")
        .str.strip_chars()
        .str.to_lowercase()
    )


def carries_hashtag(tag: str) -> pl.Expr:
    """Whether a post's ``hashtags`` hold `tag` as a person types it (``#UMKM``, ``umkm``):
    what ``--hashtag`` filters on."""
    return pl.col("hashtags").list.contains(tag.lstrip("#").lower())


def strip_entities(text: pl.Expr) -> pl.Expr:
    """The words of a post without hashtags, mentions, URLs and emoji, lower-cased, with
    white space collapsed: what is left to compare when looking for a shared script.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"text": ["Dukung UMKM 🔥🔥 #KamiUMKMdiTikTok @jokowi https://t.co/x !"]})
    >>> df.select(strip_entities(pl.col("text")))["text"].to_list()
    ['dukung umkm !']
    """
    return (
        _nfkc(text)
        .str.replace_all(_URL, " ")
        .str.replace_all(r"[#@][\w.]+", " ")
        .str.replace_all(_EMOJI, " ")
        .str.to_lowercase()
        # every run of white space as one space; a lone space (most runs) is no match,
        # which makes this several times faster than replacing ``\s+``
        .str.replace_all(_SPACE_RUN, " ")
        .str.strip_chars()
    )
