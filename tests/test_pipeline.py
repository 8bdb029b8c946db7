"""`scan` as a library call: what its result frames promise beyond the JSON contract."""

from __future__ import annotations

from pathlib import Path

from campaign_detect import scan

SAMPLE = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")


def test_events_are_in_one_total_order():
    # the evidence shows the first events of each cluster, so rows tying on time and
    # accounts (one post answered by several) must not come in thread-dependent order
    events = scan(SAMPLE).events
    order = ["cluster", "ts_a", "a", "b", "kind", "object", "ts_b", "post_id_a", "post_id_b"]
    assert events.height > events.select(order[:6]).n_unique()  # ties occur
    assert events.equals(events.sort(order))


def test_records_carry_the_audience_test_and_nothing_when_it_is_off():
    from campaign_detect import ScanConfig, scan

    sample = Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv"
    on = scan(str(sample))
    rows = {r["rank"]: r for r in on.clusters.iter_rows(named=True)}
    for record in on.records():
        row = rows[record["rank"]]
        assert record["audience"]["verdict"] == row["audience_verdict"]
        assert record["audience"]["object"] == row["audience_object"]
    assert any(r["audience"]["object"] for r in on.records())
    off = scan(str(sample), ScanConfig(audience_test=False))
    assert all(set(r["audience"].values()) == {None} for r in off.records())


def test_all_lists_what_the_rules_dropped_after_the_report_each_with_its_reason():
    from campaign_detect import ScanConfig, scan
    from campaign_detect.score.select import NOT_REPORTED

    sample = Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv"
    default = scan(str(sample)).to_dict()
    everything = scan(str(sample), ScanConfig(report_all=True)).to_dict()
    reported = default["clusters"]
    assert all(c["not_reported"] is None for c in reported)
    listed = everything["clusters"]
    assert [c["accounts"] for c in listed[: len(reported)]] == [c["accounts"] for c in reported]
    rest = listed[len(reported) :]
    assert rest, "the sample has candidates the rules drop"
    assert {c["not_reported"] for c in rest} <= set(NOT_REPORTED.values())
    assert [c["rank"] for c in listed] == list(range(1, len(listed) + 1))
    assert everything["selection"]["reported"] == default["selection"]["reported"]
    # the daily-greeting crowd is listed, never reported
    greeting = [c for c in listed if "selamatpagi" in c["hashtags"]]
    assert greeting
    assert all(c["not_reported"] for c in greeting)
    assert all("Not reported:" in c["evidence"]["explanation"] for c in greeting)
    assert not [c for c in reported if "selamatpagi" in c["hashtags"]]


def test_a_crowd_says_why_in_its_figures_and_a_reported_cluster_does_not():
    from campaign_detect import ScanConfig, scan

    listed = scan(SAMPLE, ScanConfig(report_all=True)).to_dict()["clusters"]
    crowds = [c for c in listed if c["audience"]["verdict"] == "crowd"]
    assert [c["hashtags"][0] for c in crowds] == ["banjirdepok"]
    crowd = crowds[0]
    audience = crowd["audience"]
    assert audience["object"] == "hashtag:banjirdepok"
    assert audience["other_accounts"] > 0
    assert audience["member_posts"] > 0
    near = audience["member_posts"] + audience["other_posts"]
    n = crowd["n_accounts"]
    assert crowd["evidence"]["explanation"].startswith(
        "Not reported: the audience test reads it as part of the crowd around a moment: "
        f"{audience['other_accounts']} other accounts posted #banjirdepok within 24 hours of"
        f" its window, co-posting with these {n} at {audience['density_ratio']:.2f} times the "
        f"density among them; these {n} wrote "
        f"{round(100 * audience['member_posts'] / near)}% of its posts then"
    )
    # hard negative: reported clusters, and clusters dropped for another reason, do not
    # (a cluster dropped as not significant keeps that reason alone, whatever its verdict)
    others = [c for c in listed if c["audience"]["verdict"] != "crowd"]
    assert any(c["not_reported"] is None for c in others)
    assert any(c["not_reported"] for c in others)
    assert all("other accounts posted" not in c["evidence"]["explanation"] for c in others)
    from campaign_detect.evidence import explain
    from campaign_detect.score.select import NOT_REPORTED

    insignificant = {**crowd, "not_reported": NOT_REPORTED["max_p_value"]}
    assert explain(insignificant).startswith(f"Not reported: {NOT_REPORTED['max_p_value']}. ")
    assert "other accounts posted" not in explain({**crowd, "not_reported": None})


def test_the_headline_counts_the_crowd_of_its_object_and_the_members_pace():
    # recomputed from the posts, not from the record's own frames: the accounts that used
    # the headline object in the window, the members among them, and the members' posts
    # per hour in the window against the rest of the data
    import polars as pl

    from campaign_detect import ScanConfig, scan

    result = scan(SAMPLE, ScanConfig(report_all=True))
    posts, members = result.posts, result.members
    span = (posts["ts"].max() - posts["ts"].min()).total_seconds()
    rows = {r["rank"]: r for r in result.clusters.iter_rows(named=True)}
    checked = 0
    for record in result.records():
        headline, row = record["headline"], rows[record["rank"]]
        assert headline["object"] is None or headline["object"] in (
            *(f"hashtag:{t}" for t in record["pushes"]["hashtags"][:1]),
            *(f"mention:{m}" for m in record["pushes"]["mentions"][:1]),
        )
        if headline["object"] is None:
            assert " that used " not in record["evidence"]["explanation"]
            continue
        kind, _, value = headline["object"].partition(":")
        inside = posts.filter(
            pl.col(f"{kind}s").list.contains(value)
            & pl.col("ts").is_between(record_start := row["start"], record_end := row["end"])
        )
        accounts = set(members.filter(pl.col("cluster") == row["cluster"])["account"])
        assert headline["accounts_in_window"] == inside["account"].n_unique()
        assert headline["members_in_window"] == len(set(inside["account"]) & accounts)
        own = posts.filter(pl.col("account").is_in(list(accounts)))
        in_window = own.filter(pl.col("ts").is_between(record_start, record_end)).height
        window = (record_end - record_start).total_seconds()
        assert headline["posts_elsewhere"] == own.height - in_window
        if headline["rate_ratio"] is not None:
            expected = (in_window / window) / ((own.height - in_window) / (span - window))
            assert abs(headline["rate_ratio"] - expected) <= 0.05 + 1e-9
        shown = ("#" if kind == "hashtag" else "@") + value
        assert f"accounts that used {shown} then)" in record["evidence"]["explanation"] or (
            f"the only account that used {shown} then)" in record["evidence"]["explanation"]
        )
        checked += 1
    assert checked >= 3
