"""Text vectors, candidate pairs and exact cosines for `campaign_detect.signals.templates`.

Private helpers, split out so the template module stays readable. Everything here works on
*distinct* texts numbered ``0..n-1`` (``tid``) and is vectorised with numpy, scipy.sparse
and polars: no Python loop runs per text or per pair.

- `word_matrix`: the binary text x word matrix, the one structure everything else builds on.
- `candidate_pairs`: MinHash-LSH over word sets (Broder 1997; bands of two minhashes),
  with every bucket's work bounded. After signing, its two steps are kernels closed over a
  key: a band's pairs (`_band_pairs`) over buckets, the partner cap (`_top_partners`) over
  texts, so a `CandidateRunner` may run them on the whole frame (`local_candidates`) or per
  piece (`band_piece`, `partner_piece`; on Spark, `campaign_detect.signals.spark`).
- `feature_matrix`: the verification vectors (words and character 3-grams of words,
  clipped IDF, L2-normalised), built for the texts that have candidates only.
- `verify`: exact cosines of the candidate pairs.

The independent parts (minhash columns, LSH bands, chunks of pairs) run on as many threads
as polars uses (`polars.thread_pool_size`, set by ``POLARS_MAX_THREADS``): numpy and
scipy.sparse release the GIL in the array work that dominates them. Results are combined in
their fixed order, so the output does not depend on the number of threads.

References
----------
.. [1] A. Z. Broder, "On the resemblance and containment of documents", SEQUENCES 1997.
.. [2] J. Leskovec, A. Rajaraman, J. Ullman, "Mining of Massive Datasets", ch. 3 (LSH).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import polars as pl
import scipy.sparse as sp

from campaign_detect._arrays import distinct, ranks_in_runs, run_positions

__all__: list[str] = []

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

_CHAR_N = 3
# character grams are taken from a word's first this many characters: a longer "word" (a
# pasted blob, a base64 string) is no language a script varies, and slicing grams out of
# it costs the square of its length
MAX_GRAM_CHARS = 256
_IDF_CLIP_DF = 3  # df at which weights stop changing; see `feature_matrix`
_BANDS = 16  # LSH bands of two minhashes each: P(candidate) = 1 - (1 - J^2)^16
_PIVOTS = 2  # most-posted texts of a huge bucket, compared with all its texts
_WINDOW = 2  # neighbours (in minhash order) each text of a huge bucket is compared with
_MIN_AGREE = 5  # of the 32 minhashes, for a met pair to be verified
_PIVOT_AGREE = 10  # of the 32, for a pivot pair to skip the partner cap (estimate J >= ~0.3)
_AGREE_CHUNK = 8_192  # pairs per agreement step: its temporaries stay in the CPU cache
_TOP_PARTNERS = 12  # candidates kept per text, most agreeing minhashes first
# pairs per cosine step: each step gathers both ends' feature rows (about 1 KiB a pair for
# a post of a few dozen words), on every thread at once
_VERIFY_CHUNK = 50_000
_CAP_CHUNK = 1 << 22  # pair ends per step of the partner cap
_CUT_KEYS = 1 << 24  # pair ends per step when finding the partner cut-offs
# texts per block of the verification features (gram frequencies, feature columns, row
# lengths): each block's temporaries are several times its share of the features (about
# 0.5 KiB a text), on every thread at once; blocks of 500,000 texts held half a GiB more
# at a million posts
_FEATURE_BLOCK = 100_000
_EPS = 1e-9
_LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
_HIGH8 = np.uint64(0x8080808080808080)
_HIGH16 = 0x8000800080008000


@dataclass(frozen=True)
class Words:
    """The words of the distinct texts: a binary CSR text x word matrix and its vocabulary."""

    matrix: sp.csr_matrix  # n_texts x n_words, data 1.0, indices sorted
    vocabulary: pl.Series  # word of each column


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs ``(i < j)`` and the work bounding that produced them."""

    pairs: np.ndarray  # (m, 2) int64, unique, sorted
    n_bounded: int  # buckets (band x signature) larger than max_bucket
    n_skipped: int  # pairs those buckets would have held but were not generated


def word_matrix(keys: pl.Series) -> Words:
    """Binary text x word matrix of space-separated word keys (columns in word order)."""
    n = keys.len()
    split = keys.str.split(" ")
    entries = split.explode()
    vocabulary = entries.unique().sort()
    # an enum over the sorted vocabulary numbers every word by its position: one hash
    # lookup per word, where a join on the word strings cost several times more
    wid = entries.cast(pl.Enum(vocabulary)).to_physical().to_numpy().astype(np.int64)
    tid = np.repeat(np.arange(n, dtype=np.int64), split.list.len().to_numpy())
    base = max(vocabulary.len(), 1)
    cells = distinct(tid * base + wid)  # by text, then word; each once
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cells // base, minlength=n), out=indptr[1:])
    matrix = sp.csr_matrix(
        (np.ones(cells.size), (cells % base).astype(np.int32), indptr),
        shape=(n, vocabulary.len()),
    )
    return Words(matrix=matrix, vocabulary=vocabulary)


def _signatures(words: sp.csr_matrix, n_hashes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures over the words shared by at least two texts.

    A word used by one text cannot make a pair, and leaving it out (a shop name, a typo)
    raises the resemblance of a script's variants. Returns ``(rows, signatures)``: the texts
    with at least one such word and their ``n_hashes`` minhashes (uint32 word ranks).
    """
    df = np.bincount(words.indices, minlength=words.shape[1])
    keep = df[words.indices] >= 2
    row_of = np.repeat(np.arange(words.shape[0]), np.diff(words.indptr))
    counts = np.bincount(row_of[keep], minlength=words.shape[0])
    rows = np.flatnonzero(counts > 0)
    columns = words.indices[keep]
    starts = np.concatenate([[0], np.cumsum(counts)])[rows]
    rng = np.random.default_rng(seed)
    ranks = [rng.permutation(words.shape[1]).astype(np.uint32) for _ in range(n_hashes)]
    signatures = np.empty((rows.size, n_hashes), dtype=np.uint32)

    def minhash(h: int) -> None:
        signatures[:, h] = np.minimum.reduceat(ranks[h][columns], starts)

    if rows.size:
        _in_parallel(minhash, range(n_hashes))
    return rows, signatures


def _in_parallel(task: Callable[[_Item], _Result], items: Iterable[_Item]) -> list[_Result]:
    """`task` of each item on polars' number of threads; results in the items' order."""
    items = list(items)
    threads = min(pl.thread_pool_size(), len(items))
    if threads <= 1:
        return [task(item) for item in items]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(task, items))


def _pairs_in_runs(
    members: np.ndarray, starts: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs inside each run ``members[start : start + size]``."""
    # element k of a run of size s pairs with the s - 1 - rank(k) elements after it: pair
    # p of k's pairs is k's position + 1 + (p - first pair of k), one repeat and an arange
    position = run_positions(starts, sizes)
    after = np.repeat(sizes, sizes) - 1 - ranks_in_runs(sizes)
    right = np.repeat(position + 1 - (np.cumsum(after) - after), after)
    right += np.arange(right.size)
    return np.repeat(members[position], after), members[right]


def candidate_pairs(
    words: sp.csr_matrix,
    n_posts: np.ndarray,
    *,
    max_bucket: int,
    seed: int,
    runner: CandidateRunner | None = None,
) -> Candidates:
    """Pairs of texts whose word sets agree on an LSH band and on enough minhashes.

    A band is two minhashes; two texts agree on it with probability ``J^2`` (J = Jaccard
    resemblance of their shared-word sets), so over 16 bands pairs with J = 0.4 meet with
    probability 0.94, pairs with J = 0.1 with 0.15. Pairs that meet are kept when at least
    `_MIN_AGREE` of the 32 minhashes agree (an estimate of J >= ~0.15), which drops most
    chance meetings before the costly exact cosine. A bucket (texts agreeing on a band) of
    more than `max_bucket` texts is not expanded into all its pairs: each of its texts is
    compared with the bucket's `_PIVOTS` most posted texts and with its `_WINDOW` neighbours
    in text order; similar texts, which agree on more bands, are likely to meet in another
    band whose bucket is small enough.

    The signatures are made here (they rank words of one vocabulary); the bands and the
    partner cap are the `runner`'s (`local_candidates` when None; on Spark,
    `campaign_detect.signals.spark.spark_candidates`), which gives the same pairs.
    """
    n = words.shape[0]
    rows, signatures = _signatures(words, 2 * _BANDS, seed)
    if rows.size < 2:
        return Candidates(np.empty((0, 2), dtype=np.int64), 0, 0)
    tie = np.random.default_rng(seed + 1).random(n)[rows]
    signed = Signed(signatures, _preference_ranks(n_posts[rows], tie, np.int64))
    del signatures  # the runner takes them from `signed`, and frees them when it can
    kept = (runner or local_candidates)(signed, max_bucket)
    a, b = rows[kept.left], rows[kept.right]
    # a window pair may also be a pivot pair of its bucket: keep each pair once
    codes = np.sort(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]]
    return Candidates(np.column_stack([codes // n, codes % n]), kept.n_bounded, kept.n_skipped)


class Signed:
    """What a `CandidateRunner` pairs: the texts with a shared word (signature rows
    ``0..m-1``), their 32 minhashes and their preference ranks (`_preference_ranks`: most
    posted first, then the seeded tie).

    The signatures are handed over once (`take`), so that a runner frees them as soon as
    its bands are made: they are 128 bytes a text, held beside the bands' pairs otherwise.
    """

    def __init__(self, signatures: np.ndarray, preference: np.ndarray):
        self._signatures: np.ndarray | None = signatures
        self.preference = preference

    def take(self) -> np.ndarray:
        """The signatures (``(m, 32)`` uint32); this holder keeps no reference to them."""
        signatures, self._signatures = self._signatures, None
        if signatures is None:
            raise RuntimeError("the signatures were taken already")
        return signatures


@dataclass(frozen=True)
class Kept:
    """A runner's candidates: the pairs kept by the partner cap (signature-row positions; a
    pair met both as a window and as a pivot pair of a bucket may be there twice) and the
    bounding counts of `Candidates`."""

    left: np.ndarray
    right: np.ndarray
    n_bounded: int
    n_skipped: int


# the band pairs and the partner cap of `Signed` texts: `local_candidates`, or on Spark
# `campaign_detect.signals.spark.spark_candidates`; both call `_band_pairs` on whole
# buckets and `_top_partners` on whole texts' pair ends
CandidateRunner = Callable[[Signed, int], Kept]


def local_candidates(signed: Signed, max_bucket: int) -> Kept:
    """The pairs of all bands and their partner cap, on this machine (a `CandidateRunner`)."""
    signatures = signed.take()
    bands = _met_pairs(signatures, signed.preference, max_bucket)
    del signatures  # freed before the bands' pairs are joined
    n_bounded = sum(found.n_bounded for found in bands)
    n_skipped = skipped_pairs([found.n_excess for found in bands])
    offsets = np.cumsum([0] + [found.left.size for found in bands])
    # pairs with a bucket's pivot that agree closely always stay: they tie a huge script
    # to its likely centre; the others (most pivot pairs, nearly all of them dissimilar)
    # compete for the partner cap like any pair
    pivotal_close = np.concatenate(
        [found.pivotal_close + at for found, at in zip(bands, offsets[:-1], strict=True)]
    )
    # one field at a time, each band's part freed once copied
    parts = {
        field: [getattr(found, field) for found in bands] for field in ("left", "right", "agree")
    }
    del bands
    left = _joined(parts.pop("left"))
    right = _joined(parts.pop("right"))
    agree = _joined(parts.pop("agree"))
    n = signed.preference.size
    of_left, of_right = _top_partners(
        [(left, right, agree), (right, left, agree)], _partner_ranks(signed.preference, n), n, n
    )
    top = of_left | of_right
    del of_left, of_right
    top[pivotal_close] = True
    kept = np.flatnonzero(top)  # then gathers: cheaper than masks of scattered pairs
    n_skipped += int(left.size - kept.size)
    return Kept(left.take(kept), right.take(kept), n_bounded, n_skipped)


# What a runner that splits the work ships, as frames of integers: the texts (`texts_table`),
# then one row per text and band (`BAND_ROW_SCHEMA`) cut into pieces of whole buckets for
# `band_piece`, whose pairs (`MET_SCHEMA`) become two pair ends each (`ENDS_SCHEMA`), cut
# into pieces of whole texts for `partner_piece`. Band keys and packed minhashes are uint64
# bits carried as int64.
KEY_COLUMNS = tuple(f"k{band}" for band in range(_BANDS))
PACKED_COLUMNS = tuple(f"p{word}" for word in range(2 * _BANDS // 8))
BAND_ROW_SCHEMA: dict[str, pl.DataType] = {
    name: pl.Int64() for name in ("band", "key", "idx", "pref", *PACKED_COLUMNS)
}
MET_SCHEMA: dict[str, pl.DataType] = {
    "entry": pl.Int64(),  # unique over all pieces: the pair as met in one band
    "left": pl.Int64(),  # signature rows
    "right": pl.Int64(),
    "agree": pl.Int64(),
    "close": pl.Boolean(),  # a huge bucket's pivot pair agreeing closely: kept whatever the cap
    "left_pref": pl.Int64(),
    "right_pref": pl.Int64(),
}
BAND_STATS_SCHEMA: dict[str, pl.DataType] = {
    name: pl.Int64() for name in ("band", "n_bounded", "n_excess", "n_pairs")
}
ENDS_SCHEMA: dict[str, pl.DataType] = {
    name: pl.Int64() for name in ("entry", "left", "right", "node", "agree", "partner_pref")
}
KEPT_SCHEMA: dict[str, pl.DataType] = {name: pl.Int64() for name in ("entry", "left", "right")}


def texts_table(signatures: np.ndarray, preference: np.ndarray) -> pl.DataFrame:
    """The signed texts as one row each: ``idx`` (signature row), ``pref``, the band keys
    `KEY_COLUMNS` and the packed minhashes `PACKED_COLUMNS`."""
    keys = _band_keys(signatures).view(np.int64)
    packed = _packed_minhashes(signatures).view(np.int64)
    return pl.DataFrame(
        {
            "idx": np.arange(signatures.shape[0], dtype=np.int64),
            "pref": preference.astype(np.int64),
            **{name: keys[:, band] for band, name in enumerate(KEY_COLUMNS)},
            **{name: packed[:, word] for word, name in enumerate(PACKED_COLUMNS)},
        }
    )


def met_pair_bound(texts: pl.DataFrame, max_bucket: int) -> int:
    """At most how many pairs the bands of `texts` (`texts_table`) make: all pairs of a
    bucket of up to `max_bucket` texts, `_WINDOW` + `_PIVOTS` a text in a bigger one (for
    sizing pieces; counted before any pair is made)."""
    total = 0
    for name in KEY_COLUMNS:
        key = np.sort(texts[name].to_numpy())
        sizes = np.diff(np.r_[np.flatnonzero(np.r_[True, key[1:] != key[:-1]]), key.size])
        sizes = sizes.astype(np.int64)
        total += int(np.where(sizes <= max_bucket, sizes * (sizes - 1) // 2, 0).sum())
        total += int(sizes[sizes > max_bucket].sum()) * (_WINDOW + _PIVOTS)
    return total


def band_piece(
    rows: pl.DataFrame, max_bucket: int, first_entry: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`_band_pairs` of a piece of whole buckets (`BAND_ROW_SCHEMA`, any bands): the pairs
    (`MET_SCHEMA`, numbered from `first_entry`) and, per band, the bounding counts and the
    number of pairs (`BAND_STATS_SCHEMA`, summed over pieces by the runner)."""
    met, stats = [pl.DataFrame(schema=MET_SCHEMA)], []
    at = first_entry
    for (band,), part in rows.sort("band", "idx").partition_by("band", as_dict=True).items():
        idx, pref = part["idx"].to_numpy(), part["pref"].to_numpy()
        packed = np.ascontiguousarray(part.select(PACKED_COLUMNS).to_numpy()).view(np.uint64)
        # ranks among the piece's texts, in the order of all texts' ranks
        preference = np.empty(pref.size, dtype=np.int64)
        preference[np.argsort(pref)] = np.arange(pref.size)
        key = part["key"].to_numpy().view(np.uint64)
        found = _band_pairs(int(band), key, packed, preference, max_bucket)
        close = np.zeros(found.left.size, dtype=bool)
        close[found.pivotal_close] = True
        met.append(
            pl.DataFrame(
                {
                    "entry": np.arange(at, at + found.left.size, dtype=np.int64),
                    "left": idx[found.left],
                    "right": idx[found.right],
                    "agree": found.agree.astype(np.int64),
                    "close": close,
                    "left_pref": pref[found.left],
                    "right_pref": pref[found.right],
                }
            )
        )
        at += found.left.size
        stats.append((int(band), found.n_bounded, found.n_excess, found.left.size))
    return pl.concat(met), pl.DataFrame(stats, schema=BAND_STATS_SCHEMA, orient="row")


def partner_piece(ends: pl.DataFrame, n_ranks: int) -> pl.DataFrame:
    """`_top_partners` of a piece of whole texts' pair ends (`ENDS_SCHEMA`; partner ranks
    below `n_ranks`): the ends among their text's best partners (`KEPT_SCHEMA`)."""
    node = ends["node"].to_numpy()
    nodes = distinct(node)
    partner_rank = _partner_ranks(ends["partner_pref"].to_numpy(), n_ranks)
    half = (
        np.searchsorted(nodes, node),
        np.arange(node.size),
        ends["agree"].to_numpy().astype(np.int8),
    )
    (top,) = _top_partners([half], partner_rank, nodes.size, n_ranks)
    return ends.filter(pl.Series(top)).select(list(KEPT_SCHEMA))


def skipped_pairs(excess: Iterable[int]) -> int:
    """Pairs the huge buckets would have held but were not generated, from each band's
    excess (`_BandPairs.n_excess`, summed over any split of its buckets): a band whose
    window and pivot pairs outnumber its buckets' pairs skipped none."""
    return sum(max(int(band), 0) for band in excess)


def _band_keys(signatures: np.ndarray) -> np.ndarray:
    """Each text's `_BANDS` band keys: a band's two minhashes packed in one uint64."""
    return (signatures[:, 0::2].astype(np.uint64) << np.uint64(32)) | signatures[:, 1::2]


def _met_pairs(signatures: np.ndarray, preference: np.ndarray, max_bucket: int) -> list[_BandPairs]:
    """Each band's pairs met there first and agreeing enough, in band order."""
    keys = _band_keys(signatures)
    packed = _packed_minhashes(signatures)

    def in_band(band: int) -> _BandPairs:
        return _band_pairs(band, keys[:, band], packed, preference, max_bucket)

    return _in_parallel(in_band, range(_BANDS))


@dataclass(frozen=True)
class _BandPairs:
    """Pairs met for the first time in one band, with their agreement and bounding counts."""

    left: np.ndarray  # positions in the signature rows, int32
    right: np.ndarray
    agree: np.ndarray  # equal minhashes of 32, int8
    pivotal_close: np.ndarray  # where a pair with a huge bucket's pivot agrees closely
    n_bounded: int
    # the huge buckets' pairs less the window and pivot pairs made of them (may be
    # negative: a bucket of fewer than nine texts has fewer pairs); `skipped_pairs`
    n_excess: int


def _joined(parts: list[np.ndarray]) -> np.ndarray:
    """The parts end to end, each freed once copied (`parts` is emptied): the pairs of all
    bands and their copy are never held at once."""
    joined = np.empty(sum(part.size for part in parts), dtype=parts[0].dtype)
    at = 0
    parts.reverse()
    while parts:
        part = parts.pop()
        joined[at : at + part.size] = part
        at += part.size
        del part
    return joined


def _band_pairs(
    band: int,
    key: np.ndarray,
    packed: np.ndarray,
    preference: np.ndarray,
    max_bucket: int,
) -> _BandPairs:
    """Pairs of texts whose `band` (its two minhashes packed in `key`) agrees.

    Closed over buckets: the rows of any set of whole buckets (in text order, with their
    packed minhashes and preference ranks in the same order as those of all texts) give
    exactly those buckets' pairs, as positions in the rows given.
    """
    order = np.argsort(key, kind="stable").astype(np.int32)  # within a bucket: text order
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    sizes = np.diff(np.r_[starts, order.size])
    small = (sizes >= 2) & (sizes <= max_bucket)
    left, right = _pairs_in_runs(order, starts[small], sizes[small])
    pivot = np.zeros(left.size, dtype=bool)
    big = sizes > max_bucket
    n_excess = 0
    if big.any():
        big_left, big_right, big_pivot = _bounded_bucket_pairs(
            order, starts[big], sizes[big], preference
        )
        left = np.concatenate([left, big_left])
        right = np.concatenate([right, big_right])
        pivot = np.concatenate([pivot, big_pivot])
        total = sizes[big].astype(np.int64)
        n_excess = int((total * (total - 1) // 2).sum()) - big_left.size
    keep, agree = _first_band_and_agreeing(packed, left, right, band)
    # positions, then gathers: a boolean mask of scattered kept pairs cost 7 ns a pair per
    # array, its positions and a gather 3 ns once and 1 ns per array
    kept = np.flatnonzero(keep)
    agree = agree.take(kept)
    close = np.flatnonzero(pivot.take(kept) & (agree >= _PIVOT_AGREE))
    return _BandPairs(left.take(kept), right.take(kept), agree, close, int(big.sum()), n_excess)


def _preference_ranks(posts: np.ndarray, tie: np.ndarray, dtype: type) -> np.ndarray:
    """Each text's rank when the most posted come first, equal counts in `tie` order (then
    text order): the preferred partner and pivot of a bucket ranks lowest."""
    rank: np.ndarray = np.empty(posts.size, dtype=dtype)
    rank[np.lexsort((tie, -posts))] = np.arange(posts.size)
    return rank


def _partner_ranks(preference: np.ndarray, n_ranks: int) -> np.ndarray:
    """Preference ranks (below `n_ranks`) in the narrowest type the partner cap packs."""
    return preference.astype(np.int32 if _bits(n_ranks) < 31 else np.int64)


def _bits(n: int) -> int:
    """Bits that hold the numbers ``0..n-1`` (at least one)."""
    return max(int(n).bit_length(), 1)


# pair ends of some texts: each end's text (``0..n_nodes-1``), its partner (an index into
# the partner ranks) and their agreement; a pair is two ends, one in each of two halves
_Ends = tuple[np.ndarray, np.ndarray, np.ndarray]


def _top_partners(
    halves: list[_Ends], partner_rank: np.ndarray, n_nodes: int, n_ranks: int
) -> list[np.ndarray]:
    """Of each half's pair ends, those among the `_TOP_PARTNERS` most agreeing partners of
    their text (most agreeing first, then the best ranked partner; ends tied with the last
    one kept stay too).

    Closed over texts: the ends of any set of whole texts, numbered ``0..n_nodes-1`` there,
    give each of their ends the flag it has among all ends. `partner_rank` holds ranks
    below `n_ranks` (the ranks of all texts, whichever piece this is).
    """
    node_bits, bits = _bits(n_nodes), _bits(n_ranks)
    if node_bits + bits + 6 > 62:  # more texts than fit in one key: rank with a lexsort
        node = np.concatenate([h[0] for h in halves])
        rest = (63 - np.concatenate([h[2] for h in halves]).astype(np.int64)) << bits | (
            partner_rank[np.concatenate([h[1] for h in halves])].astype(np.int64)
        )
        order = np.lexsort((rest, node))
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = ranks_in_runs(np.bincount(node, minlength=n_nodes)[distinct(node)])
        top = rank < _TOP_PARTNERS
        return np.split(top, np.cumsum([h[0].size for h in halves])[:-1])
    cut_agree, cut_rank = _partner_cutoffs(halves, partner_rank, n_nodes, bits)
    flags = [np.empty(h[0].size, dtype=bool) for h in halves]

    def among_top(task: tuple[int, int]) -> None:
        half, start = task
        (node, partner, agree), kept = halves[half], flags[half]
        part = slice(start, start + _CAP_CHUNK)
        cut = cut_agree[node[part]]
        kept[part] = agree[part] > cut
        kept[part] |= (agree[part] == cut) & (partner_rank[partner[part]] <= cut_rank[node[part]])

    tasks = [(h, s) for h in range(len(halves)) for s in range(0, halves[h][0].size, _CAP_CHUNK)]
    _in_parallel(among_top, tasks)
    return flags


def _partner_cutoffs(
    halves: list[_Ends], partner_rank: np.ndarray, n_nodes: int, bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each text's `_TOP_PARTNERS`-th best partner, as (agreement, partner rank) cut-offs.

    A text with fewer partners keeps them all: its cut-off agreement is -1. Each pair end
    is one int64 key: the text, then 63 - agreement (most agreeing first), then the
    partner's rank (`bits` wide), so a text's best partners are its smallest keys. Only the
    ends at or above their text's `_agreement_floors` are keyed (about one in eight on a
    million posts): the others cannot be among its best. The ends are taken `_CUT_KEYS` at
    a time, filtered and packed in parallel parts and sorted; each step keeps every text's
    `_TOP_PARTNERS` smallest keys so far (a merge with the step's keys), so the keys of tens
    of millions of pairs are never all held at once.
    """
    floor = _agreement_floors(halves, n_nodes)
    bounds = np.arange(n_nodes + 1, dtype=np.int64) << (bits + 6)  # each text's first key
    kept = np.empty(0, dtype=np.int64)
    for node, partner, agree in halves:
        for start in range(0, node.size, _CUT_KEYS):
            stop = min(start + _CUT_KEYS, node.size)

            def pack(at: int, node=node, partner=partner, agree=agree, stop=stop) -> np.ndarray:
                part = slice(at, min(at + _CAP_CHUNK, stop))
                end = np.flatnonzero(agree[part] >= floor[node[part]]) + at
                key = node[end].astype(np.int64)
                key <<= 6
                key |= 63 - agree[end]
                key <<= bits
                key |= partner_rank[partner[end]]
                return key

            keys = np.concatenate(_in_parallel(pack, range(start, stop, _CAP_CHUNK)))
            keys.sort()  # in place: a sort of values, no argsort and no copy
            kept = np.concatenate([kept, keys])
            del keys
            kept.sort(kind="stable")  # two sorted runs: a merge
            first = np.searchsorted(kept, bounds)
            kept = kept[run_positions(first[:-1], np.minimum(np.diff(first), _TOP_PARTNERS))]
    first = np.searchsorted(kept, bounds)
    crowded = np.flatnonzero(np.diff(first) == _TOP_PARTNERS)
    limit = kept[first[crowded] + _TOP_PARTNERS - 1]
    cut_agree = np.full(n_nodes, -1, dtype=np.int8)
    cut_agree[crowded] = 63 - ((limit >> bits) & 63)
    cut_rank = np.zeros(n_nodes, dtype=partner_rank.dtype)
    cut_rank[crowded] = limit & ((1 << bits) - 1)
    return cut_agree, cut_rank


def _agreement_floors(halves: list[_Ends], n_nodes: int) -> np.ndarray:
    """Each text's `_TOP_PARTNERS`-th highest agreement over its pair ends (-1 with fewer).

    A text's best partners all agree at least this much, so ends below it need no key.
    Counted in one int32 text x agreement histogram (4 bytes per text and agreement, fewer
    than the 12 int64 keys per text the cut-offs keep), `_CUT_KEYS` ends per ``add.at``,
    then summed from the highest agreement down.
    """
    levels = max((int(agree.max()) + 1 for _, _, agree in halves if agree.size), default=1)
    code_type = np.int32 if n_nodes * levels < 2**31 else np.int64
    counts = np.zeros(n_nodes * levels, dtype=np.int32)
    for node, _, agree in halves:
        for start in range(0, node.size, _CUT_KEYS):
            code: np.ndarray = node[start : start + _CUT_KEYS].astype(code_type) * levels
            code += agree[start : start + _CUT_KEYS]
            np.add.at(counts, code, np.int32(1))  # an int32 one: numpy's fast path
            del code
    # ends at or above each agreement, highest first: a text's floor is the highest
    # agreement with `_TOP_PARTNERS` ends at or above it
    at_least = counts.reshape(n_nodes, levels)[:, ::-1]
    np.cumsum(at_least, axis=1, out=at_least)
    return (levels - 1 - (at_least < _TOP_PARTNERS).sum(axis=1)).astype(np.int8)


def _packed_minhashes(signatures: np.ndarray) -> np.ndarray:
    """b-bit minhashes (8 bits), enough to count agreement, packed 8 to a uint64 word.

    Text-major, ``(n_texts, n_hashes // 8)``: text ``t``'s minhashes ``8w..8w+7`` are the
    bytes of ``packed[t, w]``, so all of a text's minhashes (32 bytes) are one gather, from
    one cache line: a word-major layout cost a cache miss per word and pair end.
    """
    low = np.ascontiguousarray((signatures & 0xFF).astype(np.uint8))
    return low.view("<u8")


def _first_band_and_agreeing(
    packed: np.ndarray, left: np.ndarray, right: np.ndarray, band: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs met in `band` for the first time (so none twice) with enough equal minhashes.

    `packed` holds the 32 8-bit minhashes of each text as a row of four uint64 words (text
    ``t``'s minhashes ``8w..8w+7`` in ``packed[t, w]``; a band = one 16-bit lane), so a pair
    costs one row gather per end, XORs and a few bit operations instead of 32 byte compares.
    The words' byte flags are folded into one word per pair (word ``w``'s shifted by ``w``
    bits) and counted with a single popcount. `_AGREE_CHUNK` pairs at a time: the
    temporaries of a step stay in the CPU cache.
    """
    keep = np.empty(left.size, dtype=bool)
    agree = np.empty(left.size, dtype=np.int8)
    n_words = packed.shape[1]
    # per word, bit 15 of each lane (band) that comes before `band`
    earlier_lanes = [
        sum(_HIGH16 & (0xFFFF << (16 * k)) for k in range(4) if 4 * w + k < band)
        for w in range(n_words)
    ]
    words = [w for w in range(n_words) if earlier_lanes[w]]
    mask = np.array([earlier_lanes[w] for w in words], dtype=np.uint64)
    for start in range(0, left.size, _AGREE_CHUNK):
        a, b = left[start : start + _AGREE_CHUNK], right[start : start + _AGREE_CHUNK]
        x = packed.take(a, axis=0)
        x ^= packed.take(b, axis=0)
        # bit 7 of each byte of `differs` set iff the byte (a minhash) differs
        differs = x & _LOW7
        differs += _LOW7
        differs |= x
        differs &= _HIGH8
        folded = differs[:, 0].copy()
        for w in range(1, n_words):
            folded |= differs[:, w] >> np.uint64(w)
        count = 8 * n_words - np.bitwise_count(folded).astype(np.int8)
        agree[start : start + _AGREE_CHUNK] = count
        kept = (count >= _MIN_AGREE) & (a != b)
        if words:
            # bit 15 of a lane set iff either of its bytes differs; then the set bits are
            # the earlier lanes (bands) that agree
            lanes = differs[:, words]
            lanes |= lanes << np.uint64(8)
            lanes &= mask
            lanes ^= mask
            met = lanes[:, 0].copy()
            for column in range(1, len(words)):
                met |= lanes[:, column]
            kept &= met == 0
        keep[start : start + _AGREE_CHUNK] = kept
    return keep, agree


def _bounded_bucket_pairs(
    order: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    preference: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sliding-window and pivot pairs of huge buckets (positions in `order`'s frame)."""
    bucket = np.repeat(np.arange(sizes.size), sizes)
    members = order[run_positions(starts, sizes)]  # by bucket, then text order
    lefts, rights = [], []
    for step in range(1, _WINDOW + 1):
        same = bucket[step:] == bucket[:-step]
        lefts.append(members[:-step][same])
        rights.append(members[step:][same])
    # pivots: the most posted texts of each bucket, each paired with all of its bucket
    # one key per member (preference ranks are distinct): a lexsort of the bucket, posts
    # and tie cost seven times more
    by_posts = np.argsort(bucket * preference.size + preference[members])
    first = np.cumsum(sizes) - sizes
    n_pivots = np.minimum(sizes, _PIVOTS)
    pivot_at = by_posts[run_positions(first, n_pivots)]
    repeat = sizes[bucket[pivot_at]]
    lefts.append(np.repeat(members[pivot_at], repeat))
    rights.append(members[run_positions(first[bucket[pivot_at]], repeat)])
    n_window = sum(part.size for part in lefts[:-1])
    is_pivot = np.r_[np.zeros(n_window, dtype=bool), np.ones(lefts[-1].size, dtype=bool)]
    return np.concatenate(lefts), np.concatenate(rights), is_pivot


def feature_matrix(words: Words, rows: np.ndarray) -> sp.csr_matrix:
    """Verification vectors of the texts `rows` (other rows stay empty).

    Features: the text's words and the character 3-grams of its space-padded words (so
    ``jualan`` and ``berjualan`` still overlap; of a word's first `MAX_GRAM_CHARS`
    characters), binary, weighted by
    ``1 + ln(N / min(df, 3))`` with df counted over all N distinct texts, then
    L2-normalised: the similarity is the cosine. The weights are nearly flat (features in one
    or two texts weigh slightly more, all others the same): measured against a true IDF
    (``max(df, 3)``), flat weights keep scripts whose copies add personal words (shop names)
    together; see ``docs/signals-templates.md``.
    """
    matrix = words.matrix
    n = matrix.shape[0]
    grams = (
        pl.DataFrame({"wid": np.arange(words.vocabulary.len()), "word": words.vocabulary})
        .with_columns(pad=pl.concat_str(pl.lit(" "), pl.col("word"), pl.lit(" ")))
        .with_columns(pad=pl.col("pad").str.slice(0, MAX_GRAM_CHARS))
        .with_columns(offset=pl.int_ranges(0, pl.col("pad").str.len_chars() - _CHAR_N + 1))
        .explode("offset")
        .select("wid", gram=pl.col("pad").str.slice("offset", _CHAR_N))
        .unique()
        .with_columns(gid=pl.col("gram").rank("dense").cast(pl.Int64) - 1)
    )
    n_grams = grams["gid"].n_unique()  # dense ranks 0..n-1
    word_grams = sp.csr_matrix(
        (np.ones(grams.height), (grams["wid"].to_numpy(), grams["gid"].to_numpy())),
        shape=(matrix.shape[1], n_grams),
    )
    gram_df = _gram_document_frequency(matrix, word_grams)
    df = np.concatenate([np.bincount(matrix.indices, minlength=matrix.shape[1]), gram_df])
    clip = max(1, min(_IDF_CLIP_DF, n))
    weight = np.log(n / np.minimum(np.maximum(df, 1), clip)) + 1.0
    # the columns of the chosen texts a block at a time, then weights and lengths over all:
    # whole-matrix products and stacks held several copies of ten million texts' features
    parts = _in_parallel(
        lambda at: _feature_columns(matrix[rows[at : at + _FEATURE_BLOCK]], word_grams),
        range(0, len(rows), _FEATURE_BLOCK),
    )
    sizes = np.zeros(n, dtype=np.int64)
    sizes[rows] = np.concatenate([part[1] for part in parts]) if parts else 0
    indices = np.concatenate([part[0] for part in parts]) if parts else np.empty(0, dtype=np.int32)
    del parts
    features = sp.csr_matrix(
        (weight[indices], indices, np.concatenate([[0], np.cumsum(sizes)])),
        shape=(n, weight.size),
    )
    _in_parallel(lambda at: _normalise_rows(features, at), range(0, n, _FEATURE_BLOCK))
    return features


def _feature_columns(
    words: sp.csr_matrix, word_grams: sp.csr_matrix
) -> tuple[np.ndarray, np.ndarray]:
    """Feature columns of each row of `words` (its words, then its distinct 3-grams shifted
    past the words) and how many each row has."""
    grams = words @ word_grams  # counts; a gram in two words of a text counts once
    both = sp.hstack([words, grams], format="csr")
    return both.indices, np.diff(both.indptr)


def _normalise_rows(matrix: sp.csr_matrix, start: int) -> None:
    """Scale rows ``start .. start + _FEATURE_BLOCK`` of `matrix` to unit length, in place."""
    indptr = matrix.indptr[start : start + _FEATURE_BLOCK + 1]
    values = matrix.data[indptr[0] : indptr[-1]]
    sizes = np.diff(indptr)
    row = np.repeat(np.arange(sizes.size), sizes)
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=sizes.size))
    values *= np.repeat(1.0 / np.maximum(norms, _EPS), sizes)


def _gram_document_frequency(words: sp.csr_matrix, word_grams: sp.csr_matrix) -> np.ndarray:
    """Texts containing each character 3-gram, a block of texts at a time: the whole text x
    gram matrix of ten million texts would not fit in memory beside the rest."""

    def in_block(start: int) -> np.ndarray:
        grams = words[start : start + _FEATURE_BLOCK] @ word_grams  # no gram twice in a row
        return np.bincount(grams.indices, minlength=word_grams.shape[1])

    df = np.zeros(word_grams.shape[1], dtype=np.int64)
    for counts in _in_parallel(in_block, range(0, words.shape[0], _FEATURE_BLOCK)):
        df += counts
    return df


def verify(
    matrix: sp.csr_matrix, pairs: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact cosine of each candidate pair; keep those at or above the threshold."""

    def similar(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        chunk = pairs[start : start + _VERIFY_CHUNK]
        sim = np.asarray(matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]]).sum(axis=1)).ravel()
        keep = sim >= threshold - _EPS
        return chunk[keep, 0], chunk[keep, 1], np.minimum(sim[keep], 1.0)

    found = _in_parallel(similar, range(0, pairs.shape[0], _VERIFY_CHUNK))
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    lefts, rights, sims = zip(*found, strict=True)
    return np.concatenate(lefts), np.concatenate(rights), np.concatenate(sims)
