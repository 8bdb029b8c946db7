"""CooRTweet's own network, reproduced on its own example data (fixtures/coortweet/, MIT,
see its README): our co-action core edge for edge, and the compatibility mode column for
column, including the vignette's coordinated network."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from campaign_detect.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "coortweet"
DATA = str(FIXTURES / "russian_coord_tweets.csv.gz")
COLUMNS = ["--account-col", "account_id", "--time-col", "timestamp_share"]
COMMON = [DATA, "--object", "object_id", "--window", "60s", *COLUMNS, "--id-col", "content_id"]
COMPARED = ("weight", "avg_time_delta", "n_content_id", "n_content_id_y", "edge_symmetry_score")


def _reference(name: str) -> pl.DataFrame:
    edges = pl.read_csv(FIXTURES / name, infer_schema_length=None)
    return edges.select(
        pl.min_horizontal("from", "to").alias("a"),
        pl.max_horizontal("from", "to").alias("b"),
        *COMPARED,
        "weight_threshold",
    ).sort("a", "b")


def _graph(tmp_path: Path, *options: str) -> pl.DataFrame:
    out = tmp_path / "edges.csv"
    result = CliRunner().invoke(cli, ["graph", *COMMON, *options, "--out", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    return pl.read_csv(out, infer_schema_length=None).sort("a", "b")


def test_our_coaction_edges_are_coortweets_network_without_its_account_filter(tmp_path):
    ours = _graph(tmp_path, "--min-repeats", "1")
    theirs = _reference("coortweet_60s_edges_all_no_account_filter.csv.gz")
    assert ours.height == theirs.height == 6206
    assert ours.select("a", "b").equals(theirs.select("a", "b"))


@pytest.mark.parametrize(
    ("options", "name", "edges"),
    [
        (["--min-participation", "0"], "coortweet_60s_edges_all_no_account_filter.csv.gz", 6206),
        ([], "coortweet_60s_edges_all.csv.gz", 3721),
        (["--coordinated"], "coortweet_60s_edges_weight2.csv", 60),
    ],
    ids=["no-account-filter", "vignette-full", "vignette-coordinated"],
)
def test_compatibility_mode_reproduces_coortweet_column_for_column(tmp_path, options, name, edges):
    ours = _graph(tmp_path, "--coortweet", *options)
    theirs = _reference(name)
    assert ours.height == theirs.height == edges
    assert ours.select("a", "b").equals(theirs.select("a", "b"))
    for column in (*COMPARED, "weight_threshold"):
        assert (ours[column] - theirs[column]).abs().max() < 1e-9, column


def test_the_vignette_network_has_its_94_accounts(tmp_path):
    ours = _graph(tmp_path, "--coortweet", "--coordinated")
    accounts = set(ours["a"]) | set(ours["b"])
    theirs = pl.read_csv(FIXTURES / "coortweet_60s_nodes_weight2.csv")
    assert accounts == set(theirs["account"])
    assert len(accounts) == 94


def test_coortweet_mode_needs_a_window():
    result = CliRunner().invoke(
        cli, ["graph", DATA, "--coortweet", *COLUMNS, "--out", "/tmp/never.csv"]
    )
    assert result.exit_code == 2
    assert "--coortweet needs --window" in result.stderr


def test_scan_reports_only_accounts_of_coortweets_network():
    result = CliRunner().invoke(
        cli, ["scan", *COMMON, "--wide-window", "off", "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    reported = {a for c in doc["clusters"] for a in c["accounts"]}
    network = _reference("coortweet_60s_edges_all_no_account_filter.csv.gz")
    assert reported, "the example data holds coordinated retweeters"
    assert reported <= set(network["a"]) | set(network["b"])
