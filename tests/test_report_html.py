"""The HTML report without a browser: structure, escaping, the Content-Security-Policy,
determinism, the CLI (`report`, `scan --html`, `explain --plot`) and atomic writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from html_inputs import HOSTILE, SAMPLE, hostile_input

from campaign_detect import scan
from campaign_detect.cli import cli
from campaign_detect.report.html import render_html
from campaign_detect.report.html.views import MAX_EVENTS, MAX_NODES
from campaign_detect.report.output import emit
from campaign_detect.report.timeline import cluster_timeline


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_result():
    return scan(str(SAMPLE))


@pytest.fixture(scope="module")
def sample_html(sample_result) -> str:
    return render_html(sample_result)


@pytest.fixture(scope="module")
def hostile_html(tmp_path_factory) -> str:
    return render_html(scan(str(hostile_input(tmp_path_factory.mktemp("hostile")))))


def test_every_cluster_has_a_section_and_a_row(sample_result, sample_html):
    ranks = sample_result.clusters["rank"].to_list()
    assert ranks, "the sample holds planted clusters"
    for rank in ranks:
        assert f'<section class="cluster" id="cluster-{rank}">' in sample_html
        assert f'href="#cluster-{rank}"' in sample_html
    for record in sample_result.records():
        # the one-sentence explanation, escaped like every other text
        assert record["evidence"]["explanation"].replace("'", "&#x27;") in sample_html
    for part in ("Input accounting", "Settings of this scan", "Bounded or skipped", "Timeline"):
        assert part in sample_html
    assert sample_html.count('<svg class="chart network"') == sum(
        1 for r in sample_result.clusters["cluster"] if r in sample_result.events["cluster"]
    )


def test_page_is_self_contained_with_a_strict_csp(sample_html):
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', sample_html)
    assert csp
    policy = csp.group(1)
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", policy)
    # the CSP comes before the only style and the only script
    assert sample_html.index("Content-Security-Policy") < sample_html.index("<style>")
    assert sample_html.count("<script>") == 1
    assert sample_html.count("<style>") == 1
    # nothing to load: no src, no external href, no url(), no http(s) anywhere
    assert not re.search(r"\ssrc=", sample_html)
    assert not re.findall(r'href="(?!#)', sample_html)
    assert "url(" not in sample_html
    # posts may mention links, as text; no attribute holds one
    assert not re.search(r'=\s*"[^"]*(https?:)?//', sample_html)


def test_script_and_style_hashes_match_the_policy(sample_html):
    import base64
    import hashlib

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    script = re.search(r"<script>(.*)</script>", sample_html, flags=re.S).group(1)
    style = re.search(r"<style>(.*)</style>", sample_html, flags=re.S).group(1)
    assert f"script-src 'sha256-{digest(script)}'" in sample_html
    assert f"style-src 'sha256-{digest(style)}'" in sample_html


def test_no_inline_event_handlers_or_style_attributes(sample_html):
    assert not re.search(r"<[^>]+\son\w+\s*=", sample_html)
    assert not re.search(r"<[^>]+\sstyle\s*=", sample_html)


def test_hostile_post_text_is_escaped_everywhere(hostile_html):
    for text in HOSTILE:
        # the whole string appears escaped in the posts table...
        escaped = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).replace(
            '"', "&quot;"
        )
        assert escaped in hostile_html, text
    # ...and never as markup
    assert "<script>window" not in hostile_html
    assert "<img" not in hostile_html
    assert 'href="javascript' not in hostile_html
    assert not re.search(r"<[^>]+\sonerror", hostile_html)


def test_same_result_same_bytes(sample_result, sample_html):
    assert render_html(sample_result) == sample_html


def test_sampling_is_bounded_and_said(sample_result, sample_html):
    events = sample_result.events.group_by("cluster").len()
    assert events["len"].max() > MAX_EVENTS, "the sample's clusters have many events"
    assert re.search(
        rf"{MAX_EVENTS} of \d+ events, spread over the window \(sampled\)", sample_html
    )
    assert f"its {MAX_NODES} most linked members" in sample_html


def test_timeline_counts_the_cluster_inside_the_traffic(sample_result):
    row = sample_result.clusters.row(0, named=True)
    t = cluster_timeline(sample_result, row)
    assert t.tag == "#kamiumkmditiktok"
    assert len(t.starts) == len(t.cluster) == len(t.traffic)
    assert all(mine <= total for mine, total in zip(t.cluster, t.traffic, strict=True))
    assert t.starts[0] <= row["start"]
    assert t.starts[-1] + t.bin >= row["end"]
    assert sum(t.cluster) >= 1
    assert t.baseline is not None


def test_report_command_writes_the_page(tmp_path):
    out = tmp_path / "report.html"
    result = run("report", str(SAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left


def test_scan_html_writes_the_page_and_keeps_stdout(tmp_path):
    out = tmp_path / "scan.html"
    plain = run("scan", str(SAMPLE), "--format", "json")
    with_html = run("scan", str(SAMPLE), "--format", "json", "--html", str(out))
    assert with_html.exit_code == 0, with_html.stderr
    assert with_html.stdout == plain.stdout
    assert 'id="cluster-1"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["report", "scan"])
def test_refuses_to_overwrite_an_input(tmp_path, command):
    source = tmp_path / "posts.csv"
    source.write_bytes(SAMPLE.read_bytes())
    flag = "-o" if command == "report" else "--html"
    result = CliRunner().invoke(cli, [command, str(source), flag, str(source)])
    assert result.exit_code == 2
    assert "is one of the input files" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert source.read_bytes() == SAMPLE.read_bytes()


def test_refuses_an_input_named_by_a_glob(tmp_path, monkeypatch):
    (tmp_path / "a.csv").write_bytes(SAMPLE.read_bytes())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "*.csv", "-o", "a.csv"])
    assert result.exit_code == 2
    assert "a.csv: is one of the input files" in result.stderr


def test_report_needs_an_output():
    result = CliRunner().invoke(cli, ["report", str(SAMPLE)])
    assert result.exit_code == 2
    assert "-o" in result.stderr


def test_write_is_atomic_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        emit("new", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_explain_plot_draws_hourly_bars():
    result = run("explain", str(SAMPLE), "--cluster", "1", "--plot", "-q")
    assert result.exit_code == 0, result.stderr
    assert "posts per hour (UTC)" in result.stdout
    assert "#kamiumkmditiktok" in result.stdout
    assert "█" in result.stdout
    assert re.search(r"2023-09-21 03:00\*\s+\d+\s+\d+", result.stdout)


def test_explain_plot_only_with_the_table():
    result = CliRunner().invoke(
        cli, ["explain", str(SAMPLE), "--cluster", "1", "--plot", "--format", "json"]
    )
    assert result.exit_code == 2
    assert "--plot" in result.stderr


def test_no_cluster_report_is_still_a_page(tmp_path):
    out = Path(tmp_path) / "empty.html"
    result = run("report", str(SAMPLE), "--min-score", "100", "-o", str(out))
    assert result.exit_code == 0
    assert "No coordinated clusters met the thresholds." in out.read_text(encoding="utf-8")


def test_a_frame_scan_renders_without_input_accounting():
    from campaign_detect import load_posts

    html = render_html(scan(load_posts(str(SAMPLE)).posts))
    assert "Posts given as a frame in Python: no accounting." in html
    assert 'id="cluster-1"' in html
