"""Signals → one weighted account graph → clusters of accounts.

An edge joins two accounts that co-acted repeatedly (at least `min_repeats` distinct
co-action events); sharing a script template strengthens it. A single coincidence, however
rare the object, is not enough to link two accounts: that is what keeps a crowd reacting to
the same news (one event each) from becoming a cluster. Clusters are Leiden communities of
that graph, computed with a fixed seed so that the same input gives the same clusters.

References
----------
Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden: guaranteeing
well-connected communities. Scientific Reports 9, 5233.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import timedelta

import igraph as ig
import numpy as np
import polars as pl
import scipy.sparse as sp
from scipy.stats import binom, poisson

from campaign_detect._arrays import distinct, run_positions
from campaign_detect.schema import OBJECT_KINDS
from campaign_detect.signals.coaction import given_object_rows

__all__ = [
    "REPEATED_OBJECT_KINDS",
    "account_graph",
    "assign_accounts",
    "cluster_accounts",
    "edge_chance",
    "merge_windows",
    "object_candidates",
    "shared_templates",
    "template_candidates",
]

# the kinds of object `object_candidates` looks at by default
REPEATED_OBJECT_KINDS = ("hashtag", "url", "hashtag_seq")
_EDGE_COLUMNS = ("a", "b", "weight", "n_events", "n_objects", "shared_templates", "p_chance")


_HOUR = 3600
_DAY_S = 86_400


def edge_chance(
    edges: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    window: timedelta,
    objects: Sequence[str] = OBJECT_KINDS,
    extra_objects: Sequence[str] = (),
    min_events: int = 1,
    rows: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Add to co-action edges how many events chance alone would give the pair.

    Two accounts that each post an object many times will land within Δt of each other
    now and then without any coordination: heavy users of ``#fyp`` co-act every day, and
    two people who greet ``#selamatpagi`` every morning between five and eight meet
    within the hour most days they both post. The chance model keeps each account's posts
    of each object at their hour of day and lets the day be random: over `D` days, a post
    of `a` and a post of `b` in the same hour-of-day bin land within Δt with probability
    ``s / D`` (``s`` the chance that two times uniform in one hour are within Δt; ``q``
    for neighbouring hours). Summed over the shared objects and their hours this is
    ``expected_events``; ``p_chance`` is the Poisson probability of at least the observed
    ``n_events`` given it. Posts spread evenly over the day give back the plain
    ``n_a · n_b · 2Δt / T``. A ring that posts rare objects together has a tiny
    `p_chance`; prolific fans of the same tags, or early risers, do not. Objects an
    account only ever posts together (a fixed hashtag set) count once for it. On data
    spanning less than two days hours and days cannot be told apart, and the posts are
    taken as spread evenly over the span.

    The object's own span is deliberately not used: for an object that only the campaign
    uses (its copypasta, its fresh hashtag), its span is the campaign itself, and the
    expectation would explain the coordination away.

    Edges with fewer than `min_events` events (which the graph drops anyway) are left
    with null ``expected_events`` and ``p_chance``: most pairs co-act once, and skipping
    them is most of the cost.

    `rows` may give `object_rows` of these `posts` (``min_sequence=3``) already computed
    by the caller; rows of kinds not in `objects` or `extra_objects` are ignored.
    """
    tested = edges.filter(pl.col("n_events") >= min_events)
    if tested.is_empty():
        return edges.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("expected_events"),
            pl.lit(None, dtype=pl.Float64).alias("p_chance"),
        )
    untested = edges.filter(pl.col("n_events") < min_events)
    edges = tested
    span = posts.select((pl.col("ts").max() - pl.col("ts").min()).dt.total_seconds()).item()
    reach = min(window.total_seconds(), _HOUR)
    by_hour = span >= 2 * _DAY_S
    rows = given_object_rows(posts, rows, objects, extra_objects, 3)
    # only the posts of accounts in a tested pair matter
    involved = pl.concat([edges["a"], edges["b"]]).unique().implode()
    rows = rows.join(
        posts.select("account", pl.col("ts").dt.hour().alias("hour"))
        .with_row_index("pidx")
        .filter(pl.col("account").is_in(involved)),
        on="pidx",
    ).with_columns(pl.struct("kind", "object").rank("dense").cast(pl.Int64).alias("col") - 1)
    if not by_hour:
        rows = rows.with_columns(pl.lit(0, dtype=pl.Int8).alias("hour"))
    together = (
        rows.group_by("account", "col")
        .agg(pl.col("pidx").sort().hash().alias("posts"))
        # how many objects the account always posts together with this one (its fixed
        # hashtag set, say): the size of the group of objects with the same posts
        .with_columns(pl.len().over("account", "posts").alias("together"))
        .drop("posts")
    )
    counts = (
        rows.group_by("account", "col", "hour")
        .agg(pl.len().alias("n"))
        .join(together, on=["account", "col"])
    )
    accounts = pl.concat([counts["account"], edges["a"], edges["b"]]).unique().sort()
    index = pl.DataFrame({"account": accounts, "i": pl.int_range(len(accounts), eager=True)})
    counts = counts.join(index, on="account")
    bins = 24 if by_hour else 1
    n_cols = int(counts["col"].max()) + 1  # type: ignore[arg-type]
    shape = (len(accounts), n_cols * bins)

    def matrix(values: np.ndarray, shift: int = 0) -> sp.csr_matrix:
        cells = counts["col"].to_numpy() * bins + (counts["hour"].to_numpy() + shift) % bins
        return sp.csr_matrix((values, (counts["i"].to_numpy(), cells)), shape=shape)

    n = counts["n"].to_numpy().astype(np.float64)
    if by_hour:
        # two times uniform in one hour bin are within Δt with probability s, in
        # neighbouring bins q (Δt of an hour at most); one in D days is the same day
        r = reach / _HOUR
        same, near = 2 * r - r * r, r * r / 2
        partner = same * matrix(n) + near * (matrix(n, 1) + matrix(n, -1))
        per_pair = 1 / max(span / _DAY_S, 1.0)
    else:
        partner = matrix(n)
        per_pair = 2 * reach / max(span, 2 * reach)
    posted = matrix(n)
    sets = together.join(index, on="account")
    alone = sp.csr_matrix(
        (1 / sets["together"].to_numpy(), (sets["i"].to_numpy(), sets["col"].to_numpy())),
        shape=(len(accounts), n_cols),
    )
    a = edges.select("a").join(index, left_on="a", right_on="account", how="left")["i"].to_numpy()
    b = edges.select("b").join(index, left_on="b", right_on="account", how="left")["i"].to_numpy()
    # Σ over shared (object, hour) of n_a · partners_b / min(k_a, k_b) for every edge at
    # once (row-wise products of sparse selections; the sum is the same from b's side)
    shared = posted[a].multiply(partner[b]).tocoo()
    smaller_set = alone[a].maximum(alone[b])[shared.row, shared.col // bins]
    pair_posts = np.bincount(
        shared.row, weights=shared.data * np.asarray(smaller_set).ravel(), minlength=len(a)
    )
    out = edges.with_columns(pl.Series("expected_events", pair_posts * per_pair, dtype=pl.Float64))
    p = poisson.sf(out["n_events"].to_numpy() - 1, out["expected_events"].to_numpy())
    out = out.with_columns(pl.Series("p_chance", p, dtype=pl.Float64))
    return pl.concat([out, untested], how="diagonal").sort(
        ["weight", "a", "b"], descending=[True, False, False]
    )


def merge_windows(
    by_window: Sequence[tuple[timedelta, pl.DataFrame]],
    *,
    min_repeats: int = 2,
    max_chance: float = 1e-4,
) -> pl.DataFrame:
    """One edge per account pair from co-action edges computed at several windows.

    Each pair keeps its row from the window where it is least likely by chance (lowest
    ``p_chance``, then the narrowest window), with ``window_s`` saying which, and
    ``held_at``: at how many of the ``windows`` it passes the graph's test (`min_repeats`
    events, `max_chance`). A ring posting within the same hour but rarely
    within minutes of each other is linked at the wider window; a pair that holds at
    every window is more robust evidence than one that holds at a single one.
    """
    frames = [
        edges.with_columns(pl.lit(int(window.total_seconds()), dtype=pl.Int64).alias("window_s"))
        for window, edges in by_window
    ]
    stacked = pl.concat(frames, how="vertical_relaxed").with_columns(
        ((pl.col("n_events") >= min_repeats) & (pl.col("p_chance") <= max_chance)).alias("holds")
    )
    return (
        stacked.with_columns(
            pl.col("holds").sum().over("a", "b").cast(pl.UInt32).alias("held_at"),
            pl.lit(len(frames), dtype=pl.UInt32).alias("windows"),
        )
        .sort(["a", "b", "p_chance", "window_s"], nulls_last=True)
        .unique(["a", "b"], keep="first", maintain_order=True)
        .drop("holds")
        .sort(["weight", "a", "b"], descending=[True, False, False])
    )


def _template_sets(
    template_members: pl.DataFrame, posts: pl.DataFrame
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, int]:
    """The templates each account posted, as one run of integer keys per account.

    Returns the accounts (``account``, row ``i``), where each row's run starts (with a
    final end), the keys ``i · width + template`` (template ids are 0..n-1) and
    `width`: whether account `i` posted template `t` is whether ``i · width + t`` is a key.
    """
    sets = (
        template_members.select("post_id", "template_id")
        .join(posts.select("post_id", "account"), on="post_id")
        .group_by("account")
        .agg(pl.col("template_id").unique())
        .with_row_index("i")
    )
    template = sets["template_id"].explode().to_numpy().astype(np.int64)
    width = int(template.max()) + 1 if len(template) else 1
    sizes = sets["template_id"].list.len().to_numpy().astype(np.int64)
    row = np.repeat(np.arange(sets.height, dtype=np.int64), sizes)
    keys = row * width + template
    return sets.select("account", "i"), np.concatenate([[0], np.cumsum(sizes)]), keys, width


def _rows_of(accounts: pl.Series, index: pl.DataFrame) -> np.ndarray:
    """The row ``i`` in `index` (``account, i``) of each of `accounts`, -1 when absent."""
    found = accounts.to_frame("account").join(
        index, on="account", how="left", maintain_order="left"
    )
    return found["i"].fill_null(-1).cast(pl.Int64).to_numpy()


def _shared_counts(
    a: np.ndarray,
    b: np.ndarray,
    sets: tuple[np.ndarray, np.ndarray, int],
    *,
    chunk: int = 4_000_000,
) -> np.ndarray:
    """For each pair of rows (`a`, `b`; -1 for none) of the `sets` (``starts, keys,
    width`` as from `_template_sets`), how many templates both rows hold.

    Every template of the smaller of the two is looked up among the other's (a hash
    lookup of its key), so the work is the smaller sets' total size rather than a join of
    every pair with all the templates of one side; pairs are taken about `chunk` lookups
    at a time to keep memory flat.
    """
    starts, keys, width = sets
    sizes = np.diff(starts)
    present = (a >= 0) & (b >= 0)
    size_a = np.where(present, sizes[np.maximum(a, 0)], 0)
    size_b = np.where(present, sizes[np.maximum(b, 0)], 0)
    small = np.where(size_a <= size_b, a, b)
    other = np.where(size_a <= size_b, b, a)
    looked = np.minimum(size_a, size_b)
    ends = np.cumsum(looked)
    total = int(ends[-1]) if len(ends) else 0
    bounds = np.searchsorted(ends, np.arange(chunk, total, chunk), side="right")
    known = pl.Series(keys).implode()
    counts = np.zeros(len(a), dtype=np.int64)
    for lo, hi in itertools.pairwise(distinct(np.concatenate([[0], bounds, [len(a)]]))):
        n = looked[lo:hi]
        pair = np.repeat(np.arange(lo, hi), n)
        template = keys[run_positions(starts[small[lo:hi]], n)] % width
        wanted = other[pair] * width + template
        held = pl.Series(wanted).is_in(known).to_numpy()
        counts[lo:hi] = np.bincount(pair[held] - lo, minlength=hi - lo)
    return counts


def shared_templates(
    edges: pl.DataFrame, template_members: pl.DataFrame, posts: pl.DataFrame
) -> pl.DataFrame:
    """Add `shared_templates` to co-action edges: how many templates both accounts posted.

    Parameters
    ----------
    edges
        Co-action edges with columns ``a`` and ``b`` (canonical account keys).
    template_members
        ``post_id, template_id`` of every post assigned to a template.
    posts
        The post frame, to map post ids to accounts.
    """
    index, starts, keys, width = _template_sets(template_members, posts)
    counts = _shared_counts(
        _rows_of(edges["a"], index), _rows_of(edges["b"], index), (starts, keys, width)
    )
    return edges.with_columns(pl.Series("shared_templates", counts, dtype=pl.UInt32))


def account_graph(
    edges: pl.DataFrame, *, min_repeats: int = 2, max_chance: float = 1e-4
) -> ig.Graph:
    """The weighted, undirected account graph that clustering runs on.

    Keeps the co-action edges with at least `min_repeats` distinct events and, when
    `edge_chance` was applied, a ``p_chance`` of at most `max_chance`; an edge whose
    accounts also share a template counts double per shared template (up to three), since
    posting the same script at the same time is stronger evidence than either alone.

    Vertices carry ``name`` (canonical account key); edges carry the columns of `edges`
    named in ``a, b, weight, n_events, n_objects, shared_templates``.
    """
    if "shared_templates" not in edges.columns:
        edges = edges.with_columns(pl.lit(0, dtype=pl.UInt32).alias("shared_templates"))
    if "p_chance" not in edges.columns:
        edges = edges.with_columns(pl.lit(0.0).alias("p_chance"))
    kept = (
        edges.filter((pl.col("n_events") >= min_repeats) & (pl.col("p_chance") <= max_chance))
        .with_columns(
            (pl.col("weight") * (1 + pl.col("shared_templates").clip(0, 3))).alias("weight")
        )
        .select(_EDGE_COLUMNS)
        .sort("a", "b")
    )
    names = pl.concat([kept["a"], kept["b"]]).unique().sort()
    index = {name: i for i, name in enumerate(names.to_list())}
    graph = ig.Graph(
        n=len(names),
        edges=list(
            zip(
                kept["a"].replace_strict(index, return_dtype=pl.Int64).to_list(),
                kept["b"].replace_strict(index, return_dtype=pl.Int64).to_list(),
                strict=True,
            )
        ),
        directed=False,
    )
    graph.vs["name"] = names.to_list()
    for column in _EDGE_COLUMNS[2:]:
        graph.es[column] = kept[column].to_list()
    return graph


def cluster_accounts(
    graph: ig.Graph, *, resolution: float = 1.0, min_accounts: int = 3, seed: int = 0
) -> pl.DataFrame:
    """Leiden communities of the account graph, as ``account, cluster`` rows.

    Communities smaller than `min_accounts` are left out. Cluster numbers are assigned by
    size (largest first), ties broken by the smallest account key, so they do not depend on
    igraph's internal order.

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph(n=6, edges=[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)])
    >>> g.vs["name"] = list("abcdef")
    >>> g.es["weight"] = [1.0] * 6
    >>> cluster_accounts(g)["cluster"].to_list()
    [0, 0, 0, 1, 1, 1]
    """
    if graph.vcount() == 0:
        return pl.DataFrame(schema={"account": pl.String, "cluster": pl.UInt32})
    saved = random.getstate()
    ig.set_random_number_generator(random.Random(seed))
    try:
        partition = graph.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
        random.setstate(saved)
    frame = pl.DataFrame(
        {"account": graph.vs["name"], "community": partition.membership},
        schema={"account": pl.String, "community": pl.Int64},
    )
    order = (
        frame.group_by("community")
        .agg(pl.len().alias("size"), pl.col("account").min().alias("first"))
        .filter(pl.col("size") >= min_accounts)
        .sort(["size", "first"], descending=[True, False])
        .with_row_index("cluster")
    )
    return (
        frame.join(order.select("community", "cluster"), on="community")
        .select("account", pl.col("cluster").cast(pl.UInt32))
        .sort("cluster", "account")
    )


def _pushed(
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    scales: Sequence[timedelta],
    alpha: float,
) -> pl.DataFrame:
    """Templates most of whose posts fall in one window, more tightly than the data's own
    rhythm explains, with that window (first to last post in it): ``template_id, start,
    end``.

    A scan statistic: if `f` is the share of all posts that fall in the window of length
    `w` starting at one of a template's posts, and `k` of the template's `n` posts fall in
    it, chance gives at least `k` with probability ``P[Binomial(n, f) >= k]``. Measuring `f`
    on all posts, not on the clock, keeps the day's rhythm from passing for a push (a
    morning greeting is posted when everyone posts in the morning). The smallest such
    probability over the windows holding at least half of the template's posts, times the
    ``T / w`` window positions and the number of `scales`, must reach `alpha`. A script
    pushed over a day or over three days passes; a phrase people write every day of the
    data (a greeting, a product blurb) is language, not a push, even when it is written at
    one hour of the day.
    """
    times = (
        template_members.select("post_id", "template_id")
        .join(posts.select("post_id", pl.col("ts").dt.epoch("s").alias("t")), on="post_id")
        .sort("template_id", "t")
    )
    everyone = np.sort(posts["ts"].dt.epoch("s").to_numpy())
    span = int(everyone[-1] - everyone[0]) if len(everyone) else 0
    widths = [int(s.total_seconds()) for s in scales if 0 < s.total_seconds() < span]
    if times.is_empty() or not widths:
        return pl.DataFrame(
            schema={
                "template_id": pl.Int64,
                "start": pl.Datetime("us", "UTC"),
                "end": pl.Datetime("us", "UTC"),
            }
        )
    t = times["t"].to_numpy()
    template = times["template_id"].to_numpy().astype(np.int64)
    n = times.group_by("template_id").agg(pl.len()).sort("template_id")
    sizes = times.select("template_id").join(n, on="template_id")["len"].to_numpy()
    step = int(t.max() - t.min()) + max(widths) + 1
    key = template * step + (t - t.min())
    position = np.arange(len(key))
    best_p = np.full(len(key), np.inf)
    best_last = t.copy()
    before = np.searchsorted(everyone, t)  # posts of anyone before each post
    for w in widths:
        # posts of the same template, and posts of anyone, within `w` after each post
        k = np.searchsorted(key, key + w, side="right") - position
        share = (np.searchsorted(everyone, t + w, side="right") - before) / len(everyone)
        p = len(widths) * span / w * binom.sf(k - 1, sizes, share)
        better = (p < best_p) & (2 * k >= sizes)
        best_p[better], best_last[better] = p[better], t[position + k - 1][better]
    densest = (
        times.with_columns(pl.Series("p", best_p), pl.Series("last", best_last))
        .sort(["template_id", "p", "t"])
        .group_by("template_id", maintain_order=True)
        .first()
        .filter(pl.col("p") <= alpha)
    )
    return densest.select(
        "template_id",
        *(
            pl.from_epoch(c, time_unit="s")
            .dt.replace_time_zone("UTC")
            .dt.cast_time_unit("us")
            .alias(name)
            for c, name in (("t", "start"), ("last", "end"))
        ),
    )


def _same_tag_links(
    kept: pl.DataFrame,
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    position: dict[int, int],
    min_overlap: float,
) -> list[tuple[int, int]]:
    """Pairs of pushed templates with the same main hashtag whose push windows mostly
    coincide (the shared time is at least `min_overlap` of their union).

    Paraphrases of one script (synonyms, reordered sentences, three styles) often split
    into many small templates with different accounts; what ties them is the push itself:
    the hashtag they all carry over the same days. A popular hashtag is carried by many
    unrelated pushes; a fifteen-minute copypasta inside a three-day push does not join it.
    """
    tags = (
        template_members.join(kept.select("template_id"), on="template_id")
        .join(posts.select("post_id", "hashtags"), on="post_id")
        .explode("hashtags")
        .drop_nulls("hashtags")
        .group_by("template_id", "hashtags")
        .agg(pl.len().alias("n"))
        .sort(["n", "hashtags"], descending=[True, False])
        .group_by("template_id", maintain_order=True)
        .first()
        .select("template_id", pl.col("hashtags").alias("tag"))
    )
    spans = kept.select("template_id", "start", "end").join(tags, on="template_id")
    pairs = (
        spans.join(spans, on="tag", suffix="_2")
        .filter(pl.col("template_id") < pl.col("template_id_2"))
        .with_columns(
            together=(pl.min_horizontal("end", "end_2") - pl.max_horizontal("start", "start_2")),
            either=(pl.max_horizontal("end", "end_2") - pl.min_horizontal("start", "start_2")),
        )
        .filter(pl.col("together") >= min_overlap * pl.col("either"))
        .select("template_id", "template_id_2")
    )
    return [(position[t1], position[t2]) for t1, t2 in pairs.iter_rows()]


def template_candidates(
    template_members: pl.DataFrame,
    posts: pl.DataFrame,
    *,
    min_accounts: int = 3,
    scales: Sequence[timedelta] = (timedelta(hours=6), timedelta(days=1), timedelta(days=3)),
    alpha: float = 1e-3,
    min_overlap: float = 0.5,
    first_id: int = 0,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts that posted one script, as candidate clusters with the script's time span.

    A push like ``#KamiUMKMdiTikTok`` (each account posting two to four variants of a script
    within a day) leaves few account pairs with repeated co-action inside Δt, yet a hundred
    accounts posting one script is strong evidence as a group. So every template of at
    least `min_accounts` accounts is also a candidate; templates whose account sets overlap
    by at least `min_overlap` (of the smaller one) are merged, since a script written in
    several styles splits into several templates, and so are templates carrying the same
    main hashtag whose windows overlap by at least `min_overlap` of their union.
    Candidates are scored like any cluster and then compete for accounts
    (`assign_accounts`).

    Only pushed scripts count: a template's posts must bunch up in time at one of `scales`
    beyond what chance allows at level `alpha` (see `_pushed`), and a candidate's window
    is where its templates bunch up, not their whole span.

    Returns
    -------
    membership, windows
        ``account, cluster`` and ``cluster, start, end``, cluster ids from `first_id` on.
    """
    pushed = _pushed(template_members, posts, scales=scales, alpha=alpha)
    # the accounts that posted the script during its push, not whoever wrote a similar
    # line some other day
    pushers = (
        template_members.select("post_id", "template_id")
        .join(pushed, on="template_id")
        .join(posts.select("post_id", "account", "ts"), on="post_id")
        .filter(pl.col("ts").is_between(pl.col("start"), pl.col("end")))
        .group_by("template_id")
        .agg(pl.col("account").unique().sort().alias("accounts"))
        .with_columns(pl.col("accounts").list.len().alias("n_accounts"))
    )
    kept = (
        pushers.filter(pl.col("n_accounts") >= min_accounts)
        .join(pushed, on="template_id")
        .sort("template_id")
    )
    empty = (
        pl.DataFrame(schema={"account": pl.String, "cluster": pl.UInt32}),
        pl.DataFrame(
            schema={
                "cluster": pl.UInt32,
                "start": pl.Datetime("us", "UTC"),
                "end": pl.Datetime("us", "UTC"),
            }
        ),
    )
    if kept.is_empty():
        return empty
    position = {t: i for i, t in enumerate(kept["template_id"].to_list())}
    members = kept.select("template_id", pl.col("accounts").alias("account")).explode("account")
    sizes = dict(zip(kept["template_id"], kept["n_accounts"], strict=True))
    overlaps = (
        members.join(members, on="account", suffix="_2")
        .filter(pl.col("template_id") < pl.col("template_id_2"))
        .group_by("template_id", "template_id_2")
        .agg(pl.len().alias("shared"))
    )
    links = [
        (position[t1], position[t2])
        for t1, t2, shared in overlaps.iter_rows()
        if shared >= min_overlap * min(sizes[t1], sizes[t2])
    ]
    links += _same_tag_links(kept, template_members, posts, position, min_overlap)
    parts = ig.Graph(n=kept.height, edges=links).connected_components().membership
    kept = kept.with_columns(pl.Series("component", parts, dtype=pl.Int64))
    windows = (
        kept.group_by("component")
        .agg(pl.col("start").min(), pl.col("end").max(), pl.col("template_id").min())
        .sort("template_id")
        .with_columns((pl.int_range(pl.len()) + first_id).cast(pl.UInt32).alias("cluster"))
    )
    membership = (
        kept.select("component", pl.col("accounts").alias("account"))
        .explode("account")
        .join(windows.select("component", "cluster"), on="component")
        .select("account", "cluster")
        .unique()
        .sort("cluster", "account")
    )
    return membership, windows.select("cluster", "start", "end")


def object_candidates(
    posts: pl.DataFrame,
    *,
    objects: Sequence[str] = REPEATED_OBJECT_KINDS,
    min_accounts: int = 3,
    max_accounts: int = 1000,
    first_id: int = 0,
    rows: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts that keep coming back to one object (a hashtag, a link, a hashtag
    sequence), as candidate clusters with the span of their posts of it.

    A ring posting its links a few accounts at a time, a few times a day for weeks, gives
    each pair of members only a handful of meetings: too few to link the pair beyond
    chance, though the group as a whole acts together again and again. So an object that
    at least `min_accounts` accounts posted more than once, and whose users are mostly
    such repeaters, is also a candidate (its repeaters, at most `max_accounts`: a tag
    everybody uses is nobody's campaign), scored like any cluster. Unlike a co-action
    community, such a candidate was not picked for its co-posting, so its test against
    the null model is a fair one: fans of one idol or early risers greeting
    ``#selamatpagi`` come back to an object without posting together.

    `rows` may give `object_rows` of these `posts` (``min_sequence=3``) already computed
    by the caller; rows of kinds not in `objects` are ignored.

    Returns
    -------
    membership, windows
        ``account, cluster`` and ``cluster, start, end``, cluster ids from `first_id` on.
    """
    rows = given_object_rows(posts, rows, objects, (), 3)
    users = (
        rows.join(posts.select("account", "ts").with_row_index("pidx"), on="pidx")
        .group_by("kind", "object", "account")
        .agg(pl.len().alias("n"), pl.col("ts").min().alias("start"), pl.col("ts").max())
        .with_columns(
            (pl.col("n") >= 2).sum().over("kind", "object").alias("repeaters"),
            pl.len().over("kind", "object").alias("users"),
        )
        .filter(
            (pl.col("n") >= 2)
            & pl.col("repeaters").is_between(min_accounts, max_accounts)
            & (2 * pl.col("repeaters") >= pl.col("users"))
        )
    )
    windows = (
        users.group_by("kind", "object")
        .agg(pl.col("start").min(), pl.col("ts").max().alias("end"))
        .sort("kind", "object")
        .with_columns((pl.int_range(pl.len()) + first_id).cast(pl.UInt32).alias("cluster"))
    )
    membership = (
        users.join(windows.select("kind", "object", "cluster"), on=["kind", "object"])
        .select("account", "cluster")
        .sort("cluster", "account")
    )
    return membership, windows.select("cluster", "start", "end")


def assign_accounts(
    ranked: pl.DataFrame, membership: pl.DataFrame, *, min_accounts: int = 3
) -> pl.DataFrame:
    """Give every account to at most one cluster: the best-scoring candidate that holds it.

    Candidates are taken in rank order; each keeps the accounts no better candidate took,
    and is dropped when fewer than `min_accounts` or less than half of its accounts remain
    (it was mostly a view of a better cluster). Returns ``account, cluster, candidate``:
    clusters renumbered 0.. in rank order, and the candidate each came from.
    """
    accounts_of = {
        cluster: set(accounts)
        for cluster, accounts in membership.group_by("cluster").agg(pl.col("account")).iter_rows()
    }
    taken: set[str] = set()
    rows: list[tuple[str, int, int]] = []
    for cluster in ranked.sort("rank")["cluster"].to_list():
        candidate = accounts_of.get(cluster, set())
        free = candidate - taken
        if len(free) < min_accounts or len(free) < 0.5 * len(candidate):
            continue
        number = len({c for _, c, _ in rows})
        rows += [(account, number, cluster) for account in sorted(free)]
        taken |= free
    return pl.DataFrame(
        rows,
        schema={"account": pl.String, "cluster": pl.UInt32, "candidate": pl.UInt32},
        orient="row",
    ).sort("cluster", "account")
