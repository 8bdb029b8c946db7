"""A saved run (`scan --save`) is read back by `explain` and `posts` without scanning."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import campaign_detect.cli as cli_module
from campaign_detect.cli import cli

SAMPLE = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")


def run(*args: str):
    return CliRunner().invoke(cli, [*args, "-q"] if args[0] != "posts" else list(args))


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("run") / "run.json"
    result = run("scan", SAMPLE, "--save", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return path


def test_explain_reads_a_saved_run_without_scanning(saved, monkeypatch):
    scanned = run("explain", SAMPLE, "--cluster", "2", "--format", "json").stdout

    def no_scan(*_args, **_kwargs):
        raise AssertionError("explain scanned again")

    monkeypatch.setattr(cli_module, "_scan", no_scan)
    again = run("explain", str(saved), "--cluster", "2", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout) == json.loads(scanned)


def test_a_run_saved_before_the_member_rule_is_still_explained(saved, tmp_path):
    # schema 1.3 had no members_beyond_chance and no min_beyond_chance rule
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["schema_version"] = "1.3"
    del doc["config"]["min_beyond_chance"]
    del doc["selection"]["removed"]["min_beyond_chance"]
    for cluster in doc["clusters"]:
        del cluster["significance"]["members_beyond_chance"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    table = run("explain", str(old), "--cluster", "1")
    assert table.exit_code == 0, table.stderr
    assert "co-posting:" in table.stdout
    assert "beyond twice chance" not in table.stdout
    assert "beyond twice chance" in run("explain", str(saved), "--cluster", "1").stdout


def test_posts_exports_every_post_of_a_cluster_with_its_row(saved):
    doc = json.loads(saved.read_text(encoding="utf-8"))
    result = run("posts", str(saved), "--cluster", "1")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == doc["clusters"][0]["n_posts"]
    assert {r["account"] for r in rows} == set(doc["clusters"][0]["accounts"])
    assert all(r["row"].isdigit() and r["file"].endswith(".csv") for r in rows)
    lines = run("posts", str(saved), "--format", "jsonl").stdout.splitlines()
    assert len(lines) == sum(c["n_posts"] for c in doc["clusters"])


def test_posts_refuses_what_is_not_a_saved_run(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"clusters": []}', encoding="utf-8")
    result = run("posts", str(other))
    assert result.exit_code == 2
    assert "not a run saved with" in result.stderr
    missing = run("posts", str(saved_path := tmp_path / "none.json"))
    assert missing.exit_code == 2
    assert str(saved_path) in missing.stderr


def test_graph_clusters_draws_a_saved_run_as_the_scan_would(saved, tmp_path, monkeypatch):
    from_scan = tmp_path / "scan.gexf"
    assert run("graph", SAMPLE, "--clusters", "--out", str(from_scan)).exit_code == 0

    def no_scan(*_args, **_kwargs):
        raise AssertionError("graph scanned again")

    monkeypatch.setattr("campaign_detect.pipeline.scan", no_scan)
    from_run = tmp_path / "run.gexf"
    result = run("graph", str(saved), "--clusters", "--out", str(from_run))
    assert result.exit_code == 0, result.stderr
    assert from_run.read_bytes() == from_scan.read_bytes()


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["graph", "--out", "x.gexf"], "add --clusters"),
        (["report", "-o", "x.html"], "--save run.json --html report.html"),
    ],
)
def test_what_a_saved_run_cannot_hold_is_refused_saying_what_to_do(saved, tmp_path, command, says):
    name, *rest = command
    rest = [str(tmp_path / r) if r.startswith("x.") else r for r in rest]
    result = run(name, str(saved), *rest)
    assert result.exit_code == 2
    assert says in result.stderr
    assert not list(tmp_path.iterdir())
