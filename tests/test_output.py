"""`-o FILE` for every format of every command: the same bytes as stdout, written
atomically, checked before any work, and never over an input file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign_detect.cli import cli
from campaign_detect.report.output import atomic_path
from campaign_detect.report.render import (
    EXPLAIN_FORMATS,
    INSPECT_FORMATS,
    SCAN_FORMATS,
    SIGNAL_FORMATS,
)

SAMPLE = str(Path(__file__).parent.parent / "fixtures" / "kami_umkm_sample.csv")

CASES = [
    *((["scan", SAMPLE], fmt) for fmt in SCAN_FORMATS),
    *((["explain", SAMPLE, "--cluster", "1"], fmt) for fmt in EXPLAIN_FORMATS),
    *((["inspect", SAMPLE], fmt) for fmt in INSPECT_FORMATS),
    *((["bursts", SAMPLE], fmt) for fmt in SIGNAL_FORMATS),
    *((["templates", SAMPLE], fmt) for fmt in SIGNAL_FORMATS),
]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(("args", "fmt"), CASES, ids=[f"{a[0]}-{f}" for a, f in CASES])
def test_output_file_holds_what_stdout_shows(tmp_path, args, fmt):
    out = tmp_path / f"out.{fmt}"
    to_file = run(*args, "--format", fmt, "-o", str(out), "-q")
    assert to_file.exit_code == 0, to_file.stderr
    assert to_file.stdout == ""
    to_stdout = run(*args, "--format", fmt, "-q")
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    assert out.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "{input}", "--format", "csv", "-o", "{input}"],
        ["scan", "{input}", "-o", "{input}"],
        ["explain", "{input}", "--cluster", "1", "-o", "{input}"],
        ["bursts", "{input}", "-o", "{input}"],
        ["graph", "{input}", "--out", "{input}"],
    ],
)
def test_an_input_file_is_never_overwritten(tmp_path, args):
    copy = tmp_path / "posts.csv"
    shutil.copy(SAMPLE, copy)
    before = copy.read_bytes()
    result = run(*(a.replace("{input}", str(copy)) for a in args))
    assert result.exit_code == 2
    assert "is one of the input files" in result.stderr
    assert copy.read_bytes() == before


def test_bad_paths_fail_before_any_work(tmp_path, monkeypatch):
    import campaign_detect.cli as cli_module

    def no_loading(*_args, **_kwargs):
        raise AssertionError("the input was read before the output path was checked")

    monkeypatch.setattr(cli_module, "load_posts", no_loading)
    for args, message in (
        (["graph", SAMPLE, "--out", str(tmp_path / "g.txt")], "unknown graph file suffix"),
        (["scan", SAMPLE, "-o", str(tmp_path / "missing" / "x.json")], "does not exist"),
        (["scan", SAMPLE, "-o", str(tmp_path)], "is a directory"),
    ):
        result = run(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr


def test_an_interrupted_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.json"

    def write_half() -> None:
        with atomic_path(target) as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_half()
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_scan_exits_130_with_one_line(monkeypatch):
    import campaign_detect.cli as cli_module

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "load_posts", interrupted)
    result = CliRunner().invoke(cli, ["scan", SAMPLE])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted; no output was written"
