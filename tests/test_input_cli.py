"""The input options on the command line: --input-format NAME, --delimiter, --encoding,
--time-format, --dayfirst/--monthfirst, --merge-platforms; errors are one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from campaign_detect.cli import cli

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "exports"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _input(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["input"]


def test_inspect_names_the_export_and_why():
    result = run("inspect", str(EXPORTS / "telegram_result.json"), "--format", "json")
    doc = _input(result)
    assert doc["files"][0]["export"] == "telegram"
    assert "date_unixtime" in doc["files"][0]["recognised_by"]
    assert doc["columns"]["account"]["how"] == "mapped (telegram)"
    assert "read as Telegram Desktop export" in " ".join(result.stderr.split())


def test_input_format_forces_an_export_and_rejects_a_wrong_one():
    assert _input(run("inspect", str(EXPORTS / "x_v1.jsonl"), "--input-format", "x-v1", "-q",
                      "--format", "json"))["rows_kept"] == 10  # fmt: skip
    wrong = run("inspect", str(EXPORTS / "x_v1.jsonl"), "--input-format", "crowdtangle")
    assert wrong.exit_code == 2
    assert "--input-format crowdtangle" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_encoding_delimiter_and_dayfirst(tmp_path):
    path = tmp_path / "p.txt.csv"
    path.write_bytes("username|created_at|text\nana|05/09/2023 10:00|Café\n".encode("cp1252"))
    ambiguous = run("inspect", str(path), "--encoding", "cp1252", "--tz", "Asia/Jakarta")
    assert ambiguous.exit_code == 2
    assert "row 1: the date '05/09/2023 10:00'" in ambiguous.stderr
    assert len(ambiguous.stderr.strip().splitlines()) == 1
    ok = run("inspect", str(path), "--encoding", "cp1252", "--delimiter", "|", "--dayfirst",
             "--tz", "Asia/Jakarta", "--format", "json")  # fmt: skip
    assert _input(ok)["time_min"] == "2023-09-05T03:00:00Z"
    us = run("inspect", str(path), "--encoding", "cp1252", "--monthfirst", "--format", "json")
    assert _input(us)["time_min"] == "2023-05-09T10:00:00Z"


def test_time_format(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("username,created_at\nana,26-09-2023 10.15 WIB\n", encoding="utf-8")
    result = run("inspect", str(path), "--time-format", "%d-%m-%Y %H.%M %Z", "--format", "json")
    assert _input(result)["time_min"] == "2023-09-26T03:15:00Z"


def test_merge_platforms():
    files = [str(EXPORTS / "tiktok_research_pages.jsonl"), str(EXPORTS / "twarc2_search.jsonl")]
    apart = json.loads(run("inspect", *files, "-q", "--format", "json").stdout)
    merged = json.loads(
        run("inspect", *files, "-q", "--merge-platforms", "--format", "json").stdout
    )
    assert (apart["accounts"], merged["accounts"]) == (20, 10)
