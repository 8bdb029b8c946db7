"""Hostile post text is shown literally in every output and never interpreted: the table,
JSON, CSV, Markdown, GraphML and GEXF."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from campaign_detect.cli import cli
from campaign_detect.report.tabular import markdown_table

SCRIPT = '<script>alert(1)</script> "><img src=x onerror=alert(1)> [bold]beli[/bold] \x07'
FORMULA = '=HYPERLINK("http://evil.example","klik")'


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory):
    """Six accounts post the hostile script (and a formula as an account name) with one
    fresh tag, eight rounds on different days, among 200 ordinary accounts."""
    rng = np.random.default_rng(4)
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    rows = []
    ring = ["ring0", "ring1", "ring2", "ring3", "ring4", FORMULA]
    for r in range(8):
        start = t0 + timedelta(days=2 * r, hours=int(rng.integers(8, 20)))
        for k, account in enumerate(ring):
            rows.append((account, start + timedelta(seconds=5 * k), f"{SCRIPT} #promoxyz{r % 2}"))
    for i in range(200):
        for _ in range(int(rng.integers(2, 8))):
            t = t0 + timedelta(seconds=int(rng.integers(0, 16 * 86_400)))
            rows.append((f"user{i}", t, f"hari ini {int(rng.integers(0, 999))} #cerita"))
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    pl.DataFrame(
        {
            "post_id": [str(i) for i in range(len(rows))],
            "author": [r[0] for r in rows],
            "created_at": [r[1].isoformat() for r in rows],
            "text": [r[2] for r in rows],
        }
    ).write_csv(path)
    return str(path)


def run(*args: str):
    result = CliRunner().invoke(cli, [*args, "-q"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_json_keeps_the_text_as_it_was(hostile_file):
    doc = json.loads(run("scan", hostile_file, "--account-col", "author", "--format", "json"))
    assert doc["clusters"], "the ring was reported"
    texts = [p["text"] for c in doc["clusters"] for p in c["evidence"]["sample_posts"]]
    assert any(SCRIPT in t for t in texts)
    assert FORMULA in doc["clusters"][0]["accounts"]


def test_csv_neutralises_the_formula_and_keeps_the_rest(hostile_file):
    text = run("scan", hostile_file, "--account-col", "author", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    cells = [v for row in rows for v in row.values()]
    # no cell a spreadsheet would run; the formula account is there, behind an apostrophe
    assert not any(c.startswith(("=", "+", "-", "@")) and "(" in c for c in cells)
    assert "'" + FORMULA in rows[0]["accounts"].split(" ")


def test_markdown_shows_html_as_text():
    table = markdown_table(["text"], [[SCRIPT + " | x\ny"]])
    assert "<" not in table
    assert ">" not in table.replace("| --- |", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table
    assert "\\| x y" in table


def test_the_table_prints_markup_literally(hostile_file):
    table = run("explain", hostile_file, "--account-col", "author", "--cluster", "1")
    assert "[bold]beli[/bold]" in table
    assert "<script>alert(1)</script>" in table


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_graph_files_are_valid_xml_with_the_names_literal(hostile_file, tmp_path, suffix):
    out = tmp_path / f"g{suffix}"
    CliRunner().invoke(
        cli, ["graph", hostile_file, "--account-col", "author", "--out", str(out), "-q"]
    )
    root = ET.fromstring(out.read_text(encoding="utf-8"))  # parses: no broken markup
    values = {v for e in root.iter() for v in e.attrib.values()} | {e.text for e in root.iter()}
    assert FORMULA in values  # the account as spelled (GraphML data, GEXF label)
    assert FORMULA.lower() in values  # its canonical key, the node id


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_characters_xml_cannot_hold_are_replaced(tmp_path, suffix):
    from campaign_detect.report.graphs import write_graph

    nodes = pl.DataFrame({"account": ["a\x07b", "c"], "account_name": ["A\x00B", "C"]})
    edges = pl.DataFrame({"a": ["a\x07b"], "b": ["c"], "weight": [1.0]})
    out = tmp_path / f"g{suffix}"
    write_graph(nodes, edges, out)
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    values = {v for e in root.iter() for v in e.attrib.values()} | {e.text for e in root.iter()}
    assert "a\ufffdb" in values
    assert "A\ufffdB" in values
