"""Tests for campaign_detect.report.graphs.write_graph: each format reads back."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import polars as pl
import pytest

from campaign_detect.errors import InputError
from campaign_detect.report.graphs import GRAPH_FORMATS, write_graph

FIRST = datetime(2023, 9, 20, 8, 0, tzinfo=UTC)
LAST = datetime(2023, 9, 20, 9, 30, tzinfo=UTC)


def _graph() -> tuple[pl.DataFrame, pl.DataFrame]:
    nodes = pl.DataFrame(
        {
            "account": ["ani", "budi", "citra"],
            "account_name": ["Ani", "=cmd|' /C calc'!A0", "@citra"],
            "cluster": [0, 0, 1],
            "start": [FIRST, FIRST, None],  # reserved in GEXF: must survive renamed
        }
    )
    edges = pl.DataFrame(
        {
            "a": ["ani", "budi"],
            "b": ["budi", "dodi"],  # dodi is in no node row: added bare
            "weight": [6.5, 1.25],
            "n_events": pl.Series([3, 1], dtype=pl.UInt32),
            "kinds": [["hashtag", "url"], ["text"]],
            "first": [FIRST, FIRST],
            "last": [LAST, None],
            "object": ["+62 812 transfer", "-halo"],
        }
    )
    return nodes, edges


def test_graphml_round_trip(tmp_path):
    nodes, edges = _graph()
    path = tmp_path / "g.graphml"
    write_graph(nodes, edges, path)
    graph = nx.read_graphml(path)
    # all accounts are nodes, the edge-only one included; edges keep typed attributes
    assert sorted(graph.nodes) == ["ani", "budi", "citra", "dodi"]
    assert graph.nodes["budi"]["account_name"] == "=cmd|' /C calc'!A0"  # no escaping: not CSV
    assert graph.nodes["citra"]["cluster"] == 1
    edge = graph.edges["ani", "budi"]
    assert edge["weight"] == pytest.approx(6.5)
    assert edge["n_events"] == 3
    # lists become "; "-joined strings, datetimes ISO 8601 UTC
    assert edge["kinds"] == "hashtag; url"
    assert edge["first"] == "2023-09-20T08:00:00Z"
    assert edge["last"] == "2023-09-20T09:30:00Z"
    # a missing value is left out, not written as "None"
    assert "last" not in graph.edges["budi", "dodi"]


def test_gexf_round_trip(tmp_path):
    nodes, edges = _graph()
    path = tmp_path / "g.gexf"
    write_graph(nodes, edges, path)
    graph = nx.read_gexf(path)
    assert sorted(graph.nodes) == ["ani", "budi", "citra", "dodi"]
    # Gephi shows the label: the spelling from the input, or the key when there is none
    assert graph.nodes["ani"]["label"] == "Ani"
    assert graph.nodes["dodi"]["label"] == "dodi"
    # "start" would be read as a GEXF time spell; it is kept under another name
    assert graph.nodes["ani"]["start_"] == "2023-09-20T08:00:00Z"
    edge = graph.edges["ani", "budi"]
    assert edge["weight"] == pytest.approx(6.5)
    assert edge["kinds"] == "hashtag; url"
    assert edge["n_events"] == 3


def test_csv_edge_list_is_formula_safe(tmp_path):
    nodes, edges = _graph()
    path = tmp_path / "g.csv"
    write_graph(nodes, edges, path)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["a"], r["b"]) for r in rows] == [("ani", "budi"), ("budi", "dodi")]
    # cells a spreadsheet would run as formulas get a leading apostrophe
    assert rows[0]["object"] == "'+62 812 transfer"
    assert rows[1]["object"] == "'-halo"
    # other cells are written as they are; lists joined, times ISO, missing empty
    assert rows[0]["kinds"] == "hashtag; url"
    assert rows[0]["weight"] == "6.5"
    assert rows[0]["first"] == "2023-09-20T08:00:00Z"
    assert rows[1]["last"] == ""


def test_parquet_keeps_types(tmp_path):
    nodes, edges = _graph()
    path = tmp_path / "g.parquet"
    write_graph(nodes, edges, path)
    assert pl.read_parquet(path).equals(edges)


def test_suffix_is_case_insensitive(tmp_path):
    nodes, edges = _graph()
    write_graph(nodes, edges, tmp_path / "G.GraphML")
    assert nx.read_graphml(tmp_path / "G.GraphML").number_of_edges() == 2


@pytest.mark.parametrize("name", ["g.txt", "g.json", "graph"])
def test_unknown_suffix_raises(tmp_path, name):
    nodes, edges = _graph()
    with pytest.raises(InputError, match="unknown graph file suffix") as info:
        write_graph(nodes, edges, tmp_path / name)
    # the message lists every supported suffix, so the user can fix the path
    assert all(fmt in str(info.value) for fmt in GRAPH_FORMATS)
    assert not (tmp_path / name).exists()


def test_missing_columns_and_unwritable_path(tmp_path):
    nodes, edges = _graph()
    with pytest.raises(InputError, match=r"'a' and 'b'"):
        write_graph(nodes, edges.drop("b"), tmp_path / "g.csv")
    with pytest.raises(InputError, match="'account'"):
        write_graph(nodes.drop("account"), edges, tmp_path / "g.graphml")
    with pytest.raises(InputError, match="does not exist"):
        write_graph(nodes, edges, tmp_path / "no" / "such" / "dir" / "g.gexf")


def test_empty_nodes_frame(tmp_path):
    # a bare edge list is enough: nodes come from the edges
    _, edges = _graph()
    write_graph(pl.DataFrame(), edges, tmp_path / "g.graphml")
    assert sorted(nx.read_graphml(tmp_path / "g.graphml").nodes) == ["ani", "budi", "dodi"]


def test_graph_clusters_holds_every_reported_member_with_its_cluster(tmp_path):
    import json

    from click.testing import CliRunner

    from campaign_detect.cli import cli

    sample = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")
    out = tmp_path / "clusters.graphml"
    result = CliRunner().invoke(cli, ["graph", sample, "--clusters", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    scanned = json.loads(CliRunner().invoke(cli, ["scan", sample, "--format", "json"]).stdout)
    graph = nx.read_graphml(out)
    for cluster in scanned["clusters"]:
        members = {n for n, d in graph.nodes(data=True) if d["cluster"] == cluster["rank"]}
        assert {graph.nodes[n]["account_name"] for n in members} == set(cluster["accounts"])
        assert {graph.nodes[n]["score"] for n in members} == {cluster["score"]}
    for a, b, data in graph.edges(data=True):
        assert graph.nodes[a]["cluster"] == graph.nodes[b]["cluster"] == data["cluster"]
        assert data["n_events"] >= 1


def test_plain_graph_marks_what_the_scan_reported_and_nothing_else(tmp_path):
    import json

    from click.testing import CliRunner

    from campaign_detect.cli import cli

    sample = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")
    out = tmp_path / "all.graphml"
    result = CliRunner().invoke(cli, ["graph", sample, "--out", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    scanned = json.loads(CliRunner().invoke(cli, ["scan", sample, "--format", "json"]).stdout)
    graph = nx.read_graphml(out)
    marked = {n: d for n, d in graph.nodes(data=True) if "cluster" in d}
    for cluster in scanned["clusters"]:
        names = {d["account_name"] for d in marked.values() if d["cluster"] == cluster["rank"]}
        assert names
        assert names <= set(cluster["accounts"])
        assert {d["score"] for d in marked.values() if d["cluster"] == cluster["rank"]} == {
            cluster["score"]
        }
    reported = {name for c in scanned["clusters"] for name in c["accounts"]}
    unmarked = [d for d in dict(graph.nodes(data=True)).values() if "cluster" not in d]
    assert unmarked, "the whole network holds accounts outside the clusters"
    assert not {d["account_name"] for d in unmarked} & reported
    for a, b, data in graph.edges(data=True):
        same = a in marked and b in marked and marked[a]["cluster"] == marked[b]["cluster"]
        assert ("cluster" in data) == same
        if same:
            assert data["cluster"] == marked[a]["cluster"]
