"""Template groups: many accounts posting near-duplicates of one script.

A campaign script is rarely posted verbatim. Participants swap a word for a synonym, reorder
sentences, add their shop name or city. What stays is most of the words. This module strips
hashtags, mentions, URLs and emoji (`campaign_detect.entities.strip_entities`), collapses
exact duplicates, and groups the distinct texts whose cosine similarity to a central text
(the group's representative, a medoid) is at least `threshold`.

Method (the measurements behind it are in ``docs/signals-templates.md``):

1. Candidate pairs come from MinHash-LSH over each text's words (those used by at least two
   texts): 16 bands of two minhashes. Texts meeting in a band are kept as candidates when
   at least 5 of the 32 minhashes agree, and each text keeps its 12 most agreeing partners.
   A bucket of more than `max_bucket` texts is not expanded into all its pairs: each text is
   compared with its neighbours and with the bucket's most posted texts (pivots), and
   `TemplateStats` says how much was skipped.
2. Each text with a candidate becomes a sparse vector of its words and the character
   3-grams of its words (so ``jualan``/``berjualan`` still overlap), with nearly flat
   weights (``1 + ln(N / min(df, 3))``), L2-normalised.
3. Candidates are verified with the exact cosine, and groups are formed greedily around the
   texts with the largest post-weighted similarity mass (star clustering), then each
   group's representative is moved to its medoid when every member stays above threshold.
4. A group is kept when its posts come from at least `min_accounts` accounts and its
   representative carries at least `min_information` bits (see `template_groups`).

Cost (2026-11-30, synthetic posts, 2 cores): ~25 s at 1M and ~190 s at 10M, most of it in
candidate generation (68 M band pairs meet at 1M) and the exact cosines of 7.8 M
candidates; the numpy and scipy parts run on polars' thread count. See
``docs/signals-templates.md``, "Speed and memory".

References
----------
.. [1] A. Z. Broder, "On the resemblance and containment of documents", SEQUENCES 1997.
.. [2] J. A. Aslam, E. Pelekhov, D. Rus, "The star clustering algorithm for static and
   dynamic information organization", JGAA 8(1), 2004.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
import scipy.sparse as sp

from campaign_detect._arrays import distinct, run_positions
from campaign_detect.entities import strip_entities
from campaign_detect.errors import InputError
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.signals._similarity import (
    MAX_GRAM_CHARS,
    CandidateRunner,
    candidate_pairs,
    feature_matrix,
    verify,
    word_matrix,
)

__all__ = [
    "TEMPLATE_THRESHOLD",
    "CandidateRunner",
    "TemplateResult",
    "TemplateStats",
    "template_groups",
]

# similarity to a template's representative text that a post needs to join it
TEMPLATE_THRESHOLD = 0.6

_STAGE = "templates"
# a run of two or more non-word characters, or one that is not a plain space: replaced by
# one space, it leaves a text's words joined by single spaces, and a lone space (most runs)
# is no match, which makes it several times faster than extracting the words and joining
_NON_WORD_RUN = r"\W\W+|[\W&&[^ ]]"
_REQUIRED = {
    "post_id": pl.String(),
    "account": pl.String(),
    "ts": pl.Datetime("us", "UTC"),
    "text": pl.String(),
}
_N_SAMPLES = 5
_EPS = 1e-9

_GROUP_SCHEMA: dict[str, pl.DataType] = {
    "template_id": pl.Int64(),
    "text": pl.String(),
    "n_posts": pl.Int64(),
    "n_accounts": pl.Int64(),
    "n_variants": pl.Int64(),
    "accounts": pl.List(pl.String()),
    "post_ids": pl.List(pl.String()),
    "mean_similarity": pl.Float64(),
    "start": pl.Datetime("us", "UTC"),
    "end": pl.Datetime("us", "UTC"),
    "samples": pl.List(
        pl.Struct({"post_id": pl.String(), "text": pl.String(), "similarity": pl.Float64()})
    ),
    "information": pl.Float64(),
}
_MEMBER_SCHEMA: dict[str, pl.DataType] = {
    "post_id": pl.String(),
    "template_id": pl.Int64(),
    "similarity": pl.Float64(),
}


@dataclass(frozen=True)
class TemplateStats:
    """How much work the template search did, and what it bounded.

    Attributes
    ----------
    n_posts : int
        Posts read.
    n_texts : int
        Distinct non-empty stripped texts compared (exact duplicates count once).
    n_candidate_pairs : int
        Text pairs whose cosine was computed.
    n_similar_pairs : int
        Of those, pairs at or above the threshold.
    n_bounded_features : int
        LSH buckets (band x signature) of more than `max_bucket` texts, whose texts were
        compared with neighbours and pivots only (the field keeps its historical name).
    n_pairs_skipped : int
        Pairs not compared because of bounding: those the bounded buckets would have held
        but did not generate, plus met pairs beyond each text's 12 most agreeing partners.
    n_units : int
        Context units (text group x day) behind the information estimate.
    n_long_words : int
        Distinct words longer than `MAX_GRAM_CHARS` characters, of which only the first
        `MAX_GRAM_CHARS` gave character grams (the whole word is still one feature).
    """

    n_posts: int = 0
    n_texts: int = 0
    n_candidate_pairs: int = 0
    n_similar_pairs: int = 0
    n_bounded_features: int = 0
    n_pairs_skipped: int = 0
    n_units: int = 0
    n_long_words: int = 0


@dataclass(frozen=True)
class TemplateResult:
    """Template groups found by `template_groups`.

    Attributes
    ----------
    groups : pl.DataFrame
        One row per template, most accounts first: ``template_id`` (0..n-1 in this order),
        ``text`` (the representative, stripped), ``n_posts``, ``n_accounts``, ``n_variants``
        (distinct stripped texts), ``accounts`` (sorted canonical keys), ``post_ids`` (by
        time), ``mean_similarity`` (post-weighted, to the representative), ``start``,
        ``end``, ``samples`` (list of ``{post_id, text, similarity}``: the representative and
        the most posted other variants, with the original post text) and ``information``
        (bits beyond chance; see `template_groups`).
    members : pl.DataFrame
        ``post_id``, ``template_id``, ``similarity``: every post assigned to a kept template.
    stats : TemplateStats
        Work done and work bounded.
    """

    groups: pl.DataFrame
    members: pl.DataFrame
    stats: TemplateStats


def template_groups(
    posts: pl.DataFrame | pl.LazyFrame,
    *,
    threshold: float = TEMPLATE_THRESHOLD,
    min_accounts: int = 3,
    min_information: float = 10.0,
    max_bucket: int = 100,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    runner: CandidateRunner | None = None,
) -> TemplateResult:
    """Group posts whose texts are near-duplicates of one script.

    Texts are compared after removing hashtags, mentions, URLs and emoji, so a template is
    what the accounts *wrote*, not the tags they were told to add.

    Parameters
    ----------
    posts : pl.DataFrame or pl.LazyFrame
        Posts in the post schema; only ``post_id``, ``account``, ``ts`` and ``text`` are read.
    threshold : float
        Cosine similarity (clipped-IDF words and character 3-grams) to the group's
        representative that every member needs. 0.6 keeps a script whose copies swap a
        few synonyms, reorder sentences or add a shop name, and leaves apart posts on the
        same topic written in their authors' own words (measured in
        ``docs/signals-templates.md``).
    min_accounts : int
        Distinct accounts a template needs: one account repeating itself is spam, not a
        shared script. A template also always needs at least two posts.
    min_information : float
        Bits beyond chance the representative must carry. A word's information is
        ``log2(U / df)``, where the corpus is cut into U context units (one per text group
        and UTC day) and df counts the units using the word: a greeting reused every day
        and inside many other texts is cheap, a slogan's words seen in one burst are
        dear. The text's information is the sum over its distinct words minus
        ``log2(U)``, i.e. ``-log2`` of how many units would contain all its words by
        chance. Length is not the rule: four distinctive words pass, ten generic ones may
        not.
    max_bucket : int
        Largest LSH bucket (texts agreeing on one band) compared all-pairs; in a bigger one
        each text meets only its two neighbours and the two most posted texts, bounding the
        work on a script with tens of thousands of variants.
    seed : int
        Seeds the minhash permutations and breaks ties between equally posted pivots.
    progress : callable, optional
        ``progress(stage, done, total)``, called as the stages finish.
    runner : callable, optional
        Makes the candidates' band pairs and partner cap (`CandidateRunner`): on this
        machine when None, or on Spark with
        `campaign_detect.signals.spark.spark_candidates` (the same pairs).

    Returns
    -------
    TemplateResult
        Groups, members and work statistics.

    Raises
    ------
    InputError
        When a required column is missing or has the wrong type, or a parameter is out of
        range.

    Examples
    --------
    >>> from datetime import datetime, timedelta, UTC
    >>> import polars as pl
    >>> t0 = datetime(2023, 9, 20, tzinfo=UTC)
    >>> script = "UMKM naik kelas berkat jualan online, terima kasih pak presiden"
    >>> texts = [f"{script} dari toko {i} #KamiUMKMdiTikTok" for i in range(4)]
    >>> texts += ["hujan deras sejak pagi di bandung", "macet parah di tol cikampek",
    ...           "nonton bola semalam seru banget", "harga cabai naik lagi minggu ini"]
    >>> posts = pl.DataFrame({
    ...     "post_id": [f"p{i}" for i in range(len(texts))],
    ...     "account": [f"a{i}" for i in range(len(texts))],
    ...     "ts": [t0 + timedelta(minutes=i) for i in range(len(texts))],
    ...     "text": texts,
    ... })
    >>> result = template_groups(posts, min_information=0)
    >>> result.groups.select("template_id", "n_accounts", "n_variants").rows()
    [(0, 4, 4)]
    >>> sorted(result.members["post_id"])
    ['p0', 'p1', 'p2', 'p3']
    """
    _check_parameters(threshold, min_accounts, max_bucket)
    frame = _read_posts(posts)
    report(progress, _STAGE, 0, 5)

    texts, post_text = _distinct_texts(frame)
    n_texts = texts.height
    report(progress, _STAGE, 1, 5)

    words = word_matrix(texts["key"])
    n_posts = texts["n_posts"].to_numpy()
    candidates = candidate_pairs(
        words.matrix, n_posts, max_bucket=max_bucket, seed=seed, runner=runner
    )
    report(progress, _STAGE, 2, 5)

    involved = np.flatnonzero(np.bincount(candidates.pairs.ravel(), minlength=n_texts))
    left, right, sim = verify(feature_matrix(words, involved), candidates.pairs, threshold)
    report(progress, _STAGE, 3, 5)

    rep_of, rep_sim = _star_groups(n_texts, left, right, sim, n_posts)
    report(progress, _STAGE, 4, 5)

    texts = texts.with_columns(
        pl.Series("rep", rep_of, dtype=pl.Int64), pl.Series("similarity", rep_sim)
    )
    information, n_units = _information(texts, post_text, words.matrix)
    groups, members = _assemble(
        texts, post_text, information, min_accounts=min_accounts, min_information=min_information
    )
    report(progress, _STAGE, 5, 5)
    stats = TemplateStats(
        n_posts=frame.height,
        n_texts=n_texts,
        n_candidate_pairs=int(candidates.pairs.shape[0]),
        n_similar_pairs=len(left),
        n_bounded_features=candidates.n_bounded,
        n_pairs_skipped=candidates.n_skipped,
        n_units=n_units,
        n_long_words=int((words.vocabulary.str.len_chars() > MAX_GRAM_CHARS).sum()),
    )
    return TemplateResult(groups=groups, members=members, stats=stats)


def _check_parameters(threshold: float, min_accounts: int, max_bucket: int) -> None:
    if not 0.0 < threshold <= 1.0:
        raise InputError(f"threshold={threshold!r} is outside (0, 1]; use e.g. 0.6")
    if min_accounts < 1:
        raise InputError(f"min_accounts={min_accounts!r} must be at least 1; use e.g. 3")
    if max_bucket < 2:
        raise InputError(f"max_bucket={max_bucket!r} must be at least 2; use e.g. 100")


def _read_posts(posts: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    schema = posts.collect_schema()
    for name, dtype in _REQUIRED.items():
        if name not in schema:
            raise InputError(
                f"posts have no column {name!r} (columns: {list(schema)}); "
                "pass the output of normalise()"
            )
        if schema[name] != dtype:
            raise InputError(
                f"posts column {name!r} is {schema[name]}, expected {dtype}; "
                "pass the output of normalise()"
            )
    selected = posts
    if "share_of" in schema:
        # a repost carries the original's text: sharing is co-action on the original
        # (see signals.coaction), not writing a variant of a script
        selected = selected.filter(pl.col("share_of").is_null())
    selected = selected.select(list(_REQUIRED))
    return selected.collect() if isinstance(selected, pl.LazyFrame) else selected


def _distinct_texts(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Distinct comparison keys (words of the stripped text) with their counts.

    Returns the texts table (``tid`` = position, sorted by key) and a per-post table
    ``post_id, account, ts, text, stripped, tid`` restricted to posts with a key.
    """
    post_text = (
        frame.with_columns(stripped=strip_entities(pl.col("text")))
        # the words joined by single spaces (none at the ends)
        .with_columns(
            key=pl.col("stripped").str.replace_all(_NON_WORD_RUN, " ").str.strip_chars(" ")
        )
        .filter(pl.col("key") != "")
    )
    # the most common spelling of each key (ties: the smallest), shown to people
    display = (
        post_text.group_by("key", "stripped")
        .agg(count=pl.len())
        .sort(["key", "count", "stripped"], descending=[False, True, False])
        .group_by("key", maintain_order=True)
        .agg(n_posts=pl.col("count").sum(), display=pl.col("stripped").first())
    )
    texts = (
        display.sort("key")
        .with_row_index("tid")
        .with_columns(pl.col("tid").cast(pl.Int64), pl.col("n_posts").cast(pl.Int64))
    )
    post_text = (
        post_text.join(texts.select("key", "tid"), on="key")
        .drop("key")
        .sort("tid", "ts", "post_id")  # row order fixes float sums, whatever the input order
    )
    return texts, post_text


def _star_groups(
    n: int, left: np.ndarray, right: np.ndarray, sim: np.ndarray, n_posts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Representative of each text and its similarity to it.

    Texts are visited by decreasing post-weighted similarity mass; an unassigned text becomes
    a centre and takes its unassigned neighbours. Each group's centre then moves to the
    group's medoid when every member is also above threshold to that medoid.
    """
    rep = np.arange(n, dtype=np.int64)
    rep_sim = np.ones(n)
    if left.size == 0:
        return rep, rep_sim
    src = np.concatenate([left, right])
    dst = np.concatenate([right, left])
    weight = np.concatenate([sim, sim])
    adjacency = sp.csr_matrix((weight, (src, dst)), shape=(n, n))
    adjacency.sort_indices()
    mass = n_posts + adjacency @ n_posts.astype(np.float64)
    degree = np.diff(adjacency.indptr)
    # highest mass first; ties by tid (= sorted key), so the order is deterministic
    order = np.lexsort((np.arange(n), -mass))
    order = order[degree[order] > 0]
    assigned = np.full(n, -1, dtype=np.int64)
    indptr, indices = adjacency.indptr, adjacency.indices
    for centre in order.tolist():
        if assigned[centre] >= 0:
            continue
        neighbours = indices[indptr[centre] : indptr[centre + 1]]
        free = neighbours[assigned[neighbours] < 0]
        assigned[centre] = centre
        assigned[free] = centre
    unassigned = assigned < 0
    assigned[unassigned] = np.flatnonzero(unassigned)

    # medoid: the member with the most post-weighted similarity to its own group
    same = assigned[src] == assigned[dst]
    a, b, s = src[same], dst[same], weight[same]
    edges = pl.DataFrame(
        {
            "a": a,
            "b": b,
            "s": s,
            "g": assigned[a],
            "w": s * n_posts[b],
            "own": n_posts[a].astype(np.float64),
            "need": np.bincount(assigned, minlength=n)[assigned[a]] - 1,
        }
    )
    inner = (
        edges.group_by("a", "g")
        .agg(
            score=pl.col("w").sum() + pl.col("own").first(),
            links=pl.len(),
            need=pl.col("need").first(),
        )
        # a medoid must reach every other member above threshold
        .filter(pl.col("links") == pl.col("need"))
        .sort("g", "score", "a", descending=[False, True, False])
        .group_by("g", maintain_order=True)
        .first()
    )
    medoid_of_group = np.arange(n, dtype=np.int64)
    medoid_of_group[inner["g"].to_numpy()] = inner["a"].to_numpy()
    medoid = medoid_of_group[assigned]

    is_link = b == medoid[a]
    rep_sim = np.ones(n)
    rep_sim[a[is_link]] = s[is_link]
    return medoid, rep_sim


def _information(
    texts: pl.DataFrame, post_text: pl.DataFrame, words: sp.csr_matrix
) -> tuple[pl.DataFrame, int]:
    """Bits beyond chance of each group's representative (see `template_groups`).

    Words are the columns of the text x word matrix `words`. A word's df (units using it)
    is counted on integer codes of (unit, word) with numpy: at ten million posts the same
    count as a polars join and unique over (group, day, word) rows took ten times the time
    and memory.
    """
    if post_text.is_empty():
        return pl.DataFrame(schema={"rep": pl.Int64(), "information": pl.Float64()}), 0
    tid = post_text["tid"].to_numpy()
    day = post_text["ts"].dt.date().cast(pl.Int32).to_numpy().astype(np.int64)
    day -= day.min()
    n_days = int(day.max()) + 1
    text_days = distinct(tid * n_days + day)  # each text's distinct days
    text, day = text_days // n_days, text_days % n_days
    rep = texts["rep"].to_numpy()  # row = tid
    unit_of = rep[text] * n_days + day
    units = distinct(unit_of)
    unit = np.searchsorted(units, unit_of)
    n_units = units.size
    counts = np.diff(words.indptr)[text]
    at = run_positions(words.indptr[text], counts)
    unit_words = distinct(np.repeat(unit, counts) * words.shape[1] + words.indices[at])
    df = np.bincount(unit_words % words.shape[1], minlength=words.shape[1])
    used = np.flatnonzero(df)
    document_frequency = pl.DataFrame(
        {"wid": used.astype(words.indices.dtype), "df": df[used].astype(np.uint32)}
    )
    cells = pl.DataFrame(
        {
            "tid": np.repeat(np.arange(words.shape[0], dtype=np.int64), np.diff(words.indptr)),
            "wid": words.indices,
        }
    )
    log_units = math.log2(n_units)
    information = (
        texts.filter(pl.col("tid") == pl.col("rep"))
        .select("rep", "tid")
        .join(cells, on="tid")
        .join(document_frequency, on="wid")
        .group_by("rep")
        .agg(information=(log_units - pl.col("df").cast(pl.Float64).log(2)).sum() - log_units)
    )
    return information, n_units


def _assemble(
    texts: pl.DataFrame,
    post_text: pl.DataFrame,
    information: pl.DataFrame,
    *,
    min_accounts: int,
    min_information: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    posts = post_text.join(texts.select("tid", "rep", "similarity"), on="tid")
    summary = (
        posts.group_by("rep")
        .agg(
            n_posts=pl.len(),
            n_accounts=pl.col("account").n_unique(),
            n_variants=pl.col("tid").n_unique(),
            accounts=pl.col("account").unique().sort(),
            post_ids=pl.col("post_id").sort_by("ts", "post_id"),
            mean_similarity=pl.col("similarity").mean(),
            start=pl.col("ts").min(),
            end=pl.col("ts").max(),
        )
        # a text posted once is not a template, whatever min_accounts says
        .filter(pl.col("n_accounts") >= min_accounts, pl.col("n_posts") >= 2)
        .join(information, on="rep", how="left")
        .with_columns(pl.col("information").fill_null(0.0))
        .filter(pl.col("information") >= min_information)
        .join(texts.select(rep="tid", text="display"), on="rep")
        .sort(
            ["n_accounts", "n_posts", "text", "rep"],
            descending=[True, True, False, False],
        )
        .with_row_index("template_id")
        .with_columns(pl.col("template_id").cast(pl.Int64))
    )
    ids = summary.select("rep", "template_id")
    samples = (
        posts.join(ids, on="rep")
        .sort("ts", "post_id")
        .group_by("template_id", "tid")
        .agg(
            post_id=pl.col("post_id").first(),
            text=pl.col("text").first(),
            similarity=pl.col("similarity").first(),
            n=pl.len(),
            is_rep=(pl.col("tid") == pl.col("rep")).first(),
        )
        .sort(["template_id", "is_rep", "n", "tid"], descending=[False, True, True, False])
        .group_by("template_id", maintain_order=True)
        .head(_N_SAMPLES)
        .group_by("template_id", maintain_order=True)
        .agg(samples=pl.struct("post_id", "text", "similarity"))
    )
    groups = (
        summary.join(samples, on="template_id", how="left")
        .select(list(_GROUP_SCHEMA))
        .cast(pl.Schema(_GROUP_SCHEMA))
        .sort("template_id")
    )
    members = (
        posts.join(ids, on="rep")
        .select("post_id", "template_id", "similarity")
        .sort("template_id", "post_id")
        .cast(pl.Schema(_MEMBER_SCHEMA))
    )
    return groups, members
