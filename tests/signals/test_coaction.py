"""Tests for campaign_detect.signals.coaction: who posted the same object within Δt."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from conftest import make_posts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign_detect.errors import InputError
from campaign_detect.objects import object_rows
from campaign_detect.schema import empty_posts
from campaign_detect.signals.coaction import (
    OBJECT_KINDS,
    coaction_edges,
    coaction_events,
    estimate_window,
)

T0 = datetime(2023, 9, 20, 8, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _pairs(result) -> set[tuple[str, str]]:
    return set(result.edges.select("a", "b").iter_rows())


# --- boundaries ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("gap", "paired"),
    [
        (0, True),  # same instant: within any window
        (29.999, True),  # just inside 30 s
        (30, True),  # exactly Δt: the window is inclusive at both ends
        (30.001, False),  # 1 ms beyond Δt: not co-action
        (31, False),  # clearly beyond
    ],
)
def test_window_boundary(gap, paired):
    posts = make_posts(
        [
            {"account": "ani", "ts": _at(0), "text": "#umkm"},
            {"account": "budi", "ts": _at(gap), "text": "#umkm"},
        ]
    )
    result = coaction_edges(posts, window="30s", objects=["hashtag"])
    assert _pairs(result) == ({("ani", "budi")} if paired else set())
    assert result.window == timedelta(seconds=30)
    assert not result.window_estimated


def test_same_account_twice_is_not_a_pair():
    # one account posting the same hashtag twice in a second co-acts with nobody
    posts = make_posts(
        [
            {"account": "ani", "ts": _at(0), "text": "#umkm"},
            {"account": "ANI", "ts": _at(1), "text": "#umkm"},  # same canonical key
            {"account": "budi", "ts": _at(500), "text": "#umkm"},  # too late for a pair
        ]
    )
    result = coaction_edges(posts, window="1m", objects=["hashtag"])
    assert result.edges.is_empty()


def test_edge_attributes_hand_computed():
    # ani and budi share #langka twice (t=0/10 and t=3600/3590) and budi posts first once:
    # two events, one object, first = 0 s, last = 3600 s, a_first = 1/2.
    posts = make_posts(
        [
            {"account": "ani", "ts": _at(0), "text": "#langka"},
            {"account": "budi", "ts": _at(10), "text": "#langka"},
            {"account": "budi", "ts": _at(3590), "text": "#langka"},
            {"account": "ani", "ts": _at(3600), "text": "#langka"},
        ]
    )
    edge = coaction_edges(posts, window="1m", objects=["hashtag"]).edges.row(0, named=True)
    assert (edge["a"], edge["b"]) == ("ani", "budi")
    assert edge["n_events"] == 2
    assert edge["n_objects"] == 1
    assert edge["kinds"] == ["hashtag"]
    assert edge["first"] == _at(0)
    assert edge["last"] == _at(3600)
    assert edge["a_first"] == pytest.approx(0.5)
    # both accounts use the object, of 2 accounts in all: idf = ln(1 + 2/2) per event
    assert edge["weight"] == pytest.approx(2 * np.log(2), abs=1e-6)


def test_prolific_poster_does_not_multiply_events():
    # ani posts #promo five times around one post of budi: one joint action, not five
    rows = [{"account": "ani", "ts": _at(s), "text": "#promo"} for s in (0, 5, 10, 15, 20)]
    rows.append({"account": "budi", "ts": _at(12), "text": "#promo"})
    edge = coaction_edges(make_posts(rows), window="1m", objects=["hashtag"]).edges.row(
        0, named=True
    )
    assert edge["n_events"] == 1


def test_tag_stack_counts_one_event_weighted_by_rarest_object():
    # one post pair sharing three hashtags is one event; its weight is the rarest tag's idf
    rows = [
        {"account": "ani", "ts": _at(0), "text": "#a #b #rare"},
        {"account": "budi", "ts": _at(5), "text": "#a #b #rare"},
    ]
    # #a and #b are also used by 8 other accounts (far apart in time: no co-action)
    rows += [{"account": f"o{i}", "ts": _at(10_000 * (i + 1)), "text": "#a #b"} for i in range(8)]
    edge = coaction_edges(make_posts(rows), window="1m", objects=["hashtag"]).edges.row(
        0, named=True
    )
    assert edge["n_events"] == 1
    assert edge["n_objects"] == 3
    # 10 accounts in all, #rare used by 2: ln(1 + 10/2)
    assert edge["weight"] == pytest.approx(np.log(6), abs=1e-6)


# --- object kinds --------------------------------------------------------------------------
KIND_CASES = [
    # (kind, first post, second post): the two posts share only an object of this kind
    ("hashtag", {"text": "pagi #umkm"}, {"text": "sore #UMKM"}),
    ("mention", {"text": "halo @Jokowi"}, {"text": "pak @jokowi"}),
    ("url", {"text": "lihat https://Shop.id/a?utm_source=x"}, {"text": "www.shop.id/a/"}),
    ("share", {"text": "a", "share_of": "orig1"}, {"text": "b", "share_of": "orig1"}),
    ("text", {"text": "Dukung UMKM! #a"}, {"text": "dukung umkm! @b 🔥"}),
    ("hashtag_seq", {"text": "#x #y #z ayo"}, {"text": "mari #x #y #z"}),
    ("music_id", {"text": "a", "music_id": "m1"}, {"text": "b", "music_id": "m1"}),
]


@pytest.mark.parametrize(("kind", "first", "second"), KIND_CASES)
def test_each_object_kind(kind, first, second):
    posts = make_posts(
        [
            {"account": "ani", "ts": _at(0), **first},
            {"account": "budi", "ts": _at(20), **second},
        ]
    )
    extra = ["music_id"] if kind == "music_id" else []
    objects = [] if kind == "music_id" else [kind]
    edges = coaction_edges(posts, window="1m", objects=objects, extra_objects=extra).edges
    # the shared object of this kind links the two accounts
    assert edges.select("a", "b").rows() == [("ani", "budi")]
    assert edges["kinds"].to_list() == [[kind]]
    # hard negative: the same posts compared on every *other* built-in kind share nothing
    # (the hashtag sequence case also shares its hashtags, so leave hashtags out there)
    others = [
        k for k in OBJECT_KINDS if k != kind and not (kind == "hashtag_seq" and k == "hashtag")
    ]
    if kind == "hashtag":
        others.remove("hashtag_seq")
    assert coaction_edges(posts, window="1m", objects=others).edges.is_empty()


@pytest.mark.parametrize(
    ("texts", "paired"),
    [
        (("#x #y #z", "#x #y #z"), True),  # same ordered sequence of three
        (("#x #y #z", "#z #y #x"), False),  # same tags, other order: not the same sequence
        (("#x #y", "#x #y"), False),  # two tags: below the default minimum of three
    ],
)
def test_hashtag_sequence(texts, paired):
    posts = make_posts(
        [{"account": f"u{i}", "ts": _at(i), "text": text} for i, text in enumerate(texts)]
    )
    edges = coaction_edges(posts, window="1m", objects=["hashtag_seq"]).edges
    assert (edges.height == 1) is paired


def test_empty_text_is_no_object():
    # both texts are empty once hashtags and emoji are stripped: no shared text
    posts = make_posts(
        [
            {"account": "ani", "ts": _at(0), "text": "#a 🔥"},
            {"account": "budi", "ts": _at(1), "text": "#b 🔥"},
        ]
    )
    assert coaction_edges(posts, window="1m", objects=["text"]).edges.is_empty()


# --- repeated co-action versus coincidence -----------------------------------------------
def _ring_and_crowd(seed: int = 3) -> pl.DataFrame:
    """A ring of 5 accounts posting #viral (and their own tag) together 5 times, plus 200
    organic accounts using #viral at random times over 5 days."""
    rng = np.random.default_rng(seed)
    rows = []
    for event in range(5):
        start = 86_400 * event + 3_600 * 9
        for k in range(5):
            rows.append(
                {
                    "account": f"ring{k}",
                    "ts": _at(start + int(rng.integers(0, 60))),
                    "text": "#viral #dukungkami",
                }
            )
    for i in range(200):
        for _ in range(int(rng.integers(1, 4))):
            rows.append(
                {
                    "account": f"org{i}",
                    "ts": _at(int(rng.integers(0, 5 * 86_400))),
                    "text": "#viral lucu banget",
                }
            )
    return make_posts(rows)


def test_ring_outweighs_organic_crowd():
    edges = coaction_edges(_ring_and_crowd(), window="2m").edges
    ring = edges.filter(pl.col("a").str.starts_with("ring") & pl.col("b").str.starts_with("ring"))
    organic = edges.filter(pl.col("a").str.starts_with("org") | pl.col("b").str.starts_with("org"))
    # all 10 ring pairs co-act in all 5 events
    assert ring.height == 10
    assert ring["n_events"].min() == 5
    # organic coincidences on the popular tag happen, but are one-offs and weak: every ring
    # edge outweighs every organic edge, and the top 10 edges are exactly the ring
    assert organic.height > 0
    assert organic["n_events"].max() <= 2
    assert ring["weight"].min() > 3 * organic["weight"].max()
    top = edges.head(10)
    assert set(top["a"]) | set(top["b"]) == {f"ring{k}" for k in range(5)}


def test_repeated_pair_outweighs_single_coincidence_on_same_object():
    # (ani, budi) co-post #x three times; (citra, dodi) once: more events, more weight
    rows = []
    for day in range(3):
        rows += [
            {"account": "ani", "ts": _at(86_400 * day), "text": "#x"},
            {"account": "budi", "ts": _at(86_400 * day + 5), "text": "#x"},
        ]
    rows += [
        {"account": "citra", "ts": _at(50_000), "text": "#x"},
        {"account": "dodi", "ts": _at(50_010), "text": "#x"},
    ]
    edges = coaction_edges(make_posts(rows), window="1m").edges
    assert edges.select("a", "b", "n_events").rows() == [("ani", "budi", 3), ("citra", "dodi", 1)]
    assert edges["weight"][0] == pytest.approx(3 * edges["weight"][1])


# --- bounded work --------------------------------------------------------------------------
def test_busy_window_is_bounded_and_reported():
    # 6 accounts post #trending in one 1-minute cell: above a cap of 5, so the cell is not
    # paired; two of them also share a rare link, which still links them
    rows = [
        {"account": f"u{i}", "ts": _at(i), "text": "#trending"}
        for i in range(6)  # all in the cell [08:00:00, 08:01:00)
    ]
    rows[0]["text"] += " https://rare.example/x"
    rows[1]["text"] += " https://rare.example/x"
    result = coaction_edges(make_posts(rows), window="1m", max_accounts_per_window=5)
    bounded = result.bounded.row(0, named=True)
    assert result.bounded.height == 1
    assert (bounded["kind"], bounded["object"]) == ("hashtag", "trending")
    assert bounded["n_accounts"] == 6
    assert bounded["start"] == T0
    assert bounded["action"].startswith("dropped")
    # only the link pair survives; none of the 15 #trending pairs was formed
    assert result.edges.select("a", "b", "kinds").rows() == [("u0", "u1", ["url"])]
    # with a cap of 6 the cell is paired: all 15 pairs
    assert (
        coaction_edges(make_posts(rows), window="1m", max_accounts_per_window=6).edges.height == 15
    )


def test_pair_budget_drops_most_used_object_first():
    # #big (10 accounts) makes 45 candidate pairs, #small (2 accounts) one; a budget of 10
    # drops #big only, and says so
    rows = [{"account": f"u{i}", "ts": _at(i), "text": "#big"} for i in range(10)]
    rows += [
        {"account": "x1", "ts": _at(0), "text": "#small"},
        {"account": "x2", "ts": _at(1), "text": "#small"},
    ]
    result = coaction_edges(make_posts(rows), window="1m", max_pairs=10)
    assert _pairs(result) == {("x1", "x2")}
    assert result.bounded.select("object", "n_accounts", "action").rows() == [
        ("big", 10, "dropped: pair budget")
    ]


# --- events --------------------------------------------------------------------------------
def test_events_are_the_evidence_of_edges():
    posts = _ring_and_crowd()
    result = coaction_edges(posts, window="2m")
    ring = [f"ring{k}" for k in range(5)]
    events = coaction_events(posts, accounts=ring, window=result.window)
    assert events.columns == [
        "kind", "object", "a", "b", "post_id_a", "post_id_b", "ts_a", "ts_b"
    ]  # fmt: skip
    # only pairs of the requested accounts, each within Δt, a < b
    assert set(events["a"]) | set(events["b"]) == set(ring)
    assert (events["a"] < events["b"]).all()
    gap = (events["ts_a"] - events["ts_b"]).dt.total_microseconds().abs()
    assert gap.max() <= 120_000_000
    # the post pairs behind each ring edge: 5 events x 2 shared hashtags
    per_pair = events.group_by("a", "b").len()
    assert per_pair["len"].to_list() == [10] * 10
    # and the post ids lead back to the posts of the right accounts
    owner = dict(posts.select("post_id", "account").iter_rows())
    assert all(owner[p] == a for p, a in events.select("post_id_a", "a").iter_rows())


# --- window estimate -----------------------------------------------------------------------
def test_estimate_window_hand_computed():
    # objects: #x (accounts at 0 s, 20 s), #y (40 s, 50 s). Second-share gaps 20 s and 10 s;
    # the quickest 10 % (linear quantile: 11 s) keeps #y; its time to pass half of its
    # accounts is 10 s; the median of {10 s} is 10 s.
    posts = make_posts(
        [
            {"account": "a", "ts": _at(0), "text": "#x"},
            {"account": "b", "ts": _at(20), "text": "#x"},
            {"account": "c", "ts": _at(40), "text": "#y"},
            {"account": "d", "ts": _at(50), "text": "#y"},
        ]
    )
    assert estimate_window(posts, objects=["hashtag"]) == timedelta(seconds=10)
    result = coaction_edges(posts, objects=["hashtag"])
    assert result.window_estimated
    assert result.window == timedelta(seconds=10)
    # with Δt = 10 s only the (c, d) pair co-acts
    assert _pairs(result) == {("c", "d")}


def test_estimate_window_bounds():
    # simultaneous posts: the estimate would be 0 s, and is raised to 1 s (as CooRnet does)
    same = make_posts([{"account": x, "ts": _at(0), "text": "#x"} for x in "ab"])
    assert estimate_window(same) == timedelta(seconds=1)
    # a slow object (a day apart) is capped at max_window
    slow = make_posts(
        [{"account": x, "ts": _at(86_400 * i), "text": "#x"} for i, x in enumerate("ab")]
    )
    assert estimate_window(slow, max_window="30m") == timedelta(minutes=30)
    # no object used by two accounts: the documented fallback of 10 minutes
    lonely = make_posts([{"account": "a", "ts": _at(0), "text": "#x"}])
    assert estimate_window(lonely) == timedelta(minutes=10)


# --- inputs --------------------------------------------------------------------------------
def test_empty_and_lazy_input():
    result = coaction_edges(empty_posts(), window="1m")
    assert result.edges.is_empty()
    assert result.edges.columns == [
        "a", "b", "weight", "n_events", "n_objects", "kinds", "first", "last", "a_first"
    ]  # fmt: skip
    posts = _ring_and_crowd()
    eager = coaction_edges(posts, window="2m").edges
    assert coaction_edges(posts.lazy(), window="2m").edges.equals(eager)
    # deterministic: a shuffled input gives the identical frame
    assert coaction_edges(
        posts.sample(fraction=1.0, shuffle=True, seed=1), window="2m"
    ).edges.equals(eager)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"objects": ["hashtags"]}, "unknown kind"),
        ({"extra_objects": ["music_id"]}, "music_id"),
        ({"window": "soon"}, "window"),
        ({"window": "-5m"}, "window"),
        ({"max_accounts_per_window": 0}, "max_accounts_per_window"),
    ],
)
def test_bad_options_raise_input_error(kwargs, message):
    posts = make_posts([{"account": "a", "ts": _at(0), "text": "#x"}])
    with pytest.raises(InputError, match=message):
        coaction_edges(posts, **({"window": "1m"} | kwargs))


# --- properties ----------------------------------------------------------------------------
_post = st.fixed_dictionaries(
    {
        "account": st.sampled_from(["a", "b", "c", "d", "e"]),
        "second": st.integers(0, 240),
        "tags": st.lists(st.sampled_from(["x", "y", "z"]), max_size=3, unique=True),
        "share_of": st.sampled_from([None, None, "s1", "s2"]),
    }
)


def _brute_force(posts: pl.DataFrame, window_s: int) -> dict[tuple[str, str], set]:
    """Every (post pair) sharing a hashtag or repost target within Δt, by account pair."""
    rows = posts.rows(named=True)
    found: dict[tuple[str, str], set] = {}
    for p, q in itertools.combinations(rows, 2):
        if p["account"] == q["account"]:
            continue
        if abs((p["ts"] - q["ts"]).total_seconds()) > window_s:
            continue
        shared = set(p["hashtags"]) & set(q["hashtags"])
        if p["share_of"] is not None and p["share_of"] == q["share_of"]:
            shared.add("share")
        if shared:
            p, q = sorted((p, q), key=lambda r: r["account"])
            found.setdefault((p["account"], q["account"]), set()).add((p["post_id"], q["post_id"]))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_post, min_size=1, max_size=25), st.integers(1, 90))
def test_matches_brute_force(draws, window_s):
    posts = make_posts(
        [
            {
                "account": d["account"],
                "ts": _at(d["second"]),
                "text": " ".join("#" + t for t in d["tags"]),
                "share_of": d["share_of"],
            }
            for d in draws
        ]
    )
    kinds = ["hashtag", "share"]
    edges = coaction_edges(posts, window=f"{window_s}s", objects=kinds).edges
    expected = _brute_force(posts, window_s)
    # the same account pairs as the brute force, each once, a < b, never a self-pair
    pairs = edges.select("a", "b").rows()
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == set(expected)
    assert all(a < b for a, b in pairs)
    assert (edges["weight"] > 0).all()
    # every event counted is a real post pair within Δt
    for row in edges.iter_rows(named=True):
        post_pairs = expected[(row["a"], row["b"])]
        sides = min(len({p for p, _ in post_pairs}), len({q for _, q in post_pairs}))
        assert row["n_events"] == sides
    events = coaction_events(
        posts, accounts=["a", "b", "c", "d", "e"], window=f"{window_s}s", objects=kinds
    )
    got = {
        (a, b, pa, pb)
        for a, b, pa, pb in events.select("a", "b", "post_id_a", "post_id_b").iter_rows()
    }
    assert got == {(a, b, p, q) for (a, b), pp in expected.items() for p, q in pp}


def test_outputs_sorted_as_documented_whatever_the_post_order():
    # posts out of time order, account keys out of first-seen order, ties in time, one
    # post pair sharing several objects, post ids that sort unlike the posts
    rng = np.random.default_rng(7)
    rows = [
        {
            "post_id": f"id{rng.integers(1000)}-{i}",
            "account": ["zed", "ani", "mo", "budi", "ca"][i % 5],
            "ts": _at(int(rng.integers(0, 40))),
            "text": " ".join(f"#{t}" for t in rng.choice(["x", "y", "z"], 2, replace=False)),
        }
        for i in range(60)
    ]
    posts = make_posts(rows)
    edges = coaction_edges(posts, window="10s").edges
    assert edges.height > 0
    assert edges.equals(edges.sort(["weight", "a", "b"], descending=[True, False, False]))
    events = coaction_events(posts, accounts=["zed", "ani", "mo", "budi", "ca"], window="10s")
    key = ["a", "b", "ts_a", "ts_b", "kind", "object", "post_id_a", "post_id_b"]
    assert events.height > 0
    assert events.equals(events.sort(key))
    # the same post pair on several objects, and one post paired with several in one instant
    assert events.select(key[:4] + key[6:]).is_duplicated().any()
    assert events.select(key[:4]).is_duplicated().any()


# --- reused work ---------------------------------------------------------------------------
def test_precomputed_rows_give_the_same_edges():
    # rows computed once for more kinds than asked (as scan does) change nothing
    posts = _ring_and_crowd()
    rows = object_rows(posts, OBJECT_KINDS, (), 3)
    for kinds in (OBJECT_KINDS, ["hashtag"]):
        alone = coaction_edges(posts, objects=kinds)
        given = coaction_edges(posts, objects=kinds, rows=rows)
        assert given.window == alone.window
        assert given.edges.equals(alone.edges)
        assert given.bounded.equals(alone.bounded)


def test_events_from_bounded_are_those_found_on_all_posts():
    # a cap of 8 drops busy hours of the crowd's text, a budget of 2000 pairs drops #viral:
    # events read from the edges' bounded frame leave out exactly the same posts
    posts = _ring_and_crowd()
    caps = {"max_accounts_per_window": 8, "max_pairs": 2000}
    result = coaction_edges(posts, window="1h", **caps)
    assert set(result.bounded["action"]) == {"dropped: busy window", "dropped: pair budget"}
    accounts = [f"ring{k}" for k in range(5)] + [f"org{i}" for i in range(0, 200, 2)]
    found = coaction_events(posts, accounts=accounts, window=result.window, **caps)
    unbounded = coaction_events(posts, accounts=accounts, window=result.window, max_pairs=None)
    assert 0 < found.height < unbounded.height
    rows = object_rows(posts, OBJECT_KINDS, (), 3)
    for reused in ({"bounded": result.bounded}, {"bounded": result.bounded, "rows": rows}):
        assert coaction_events(posts, accounts=accounts, window=result.window, **reused).equals(
            found
        )
    assert coaction_events(
        posts, accounts=accounts, window=result.window, rows=rows, **caps
    ).equals(found)


def test_events_refuse_bounded_of_another_window():
    posts = _ring_and_crowd()
    result = coaction_edges(posts, window="1h", max_accounts_per_window=8)
    with pytest.raises(InputError, match="bounded"):
        coaction_events(posts, accounts=["ring0", "ring1"], window="2h", bounded=result.bounded)
