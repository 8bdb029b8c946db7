"""The command line, through click's CliRunner: output on stdout, notices on stderr,
exit codes 0 (success), 1 (runtime failure) and 2 (bad usage or input)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign_detect import pipeline
from campaign_detect.cli import cli
from campaign_detect.errors import AnalysisError

FIXTURES = Path(__file__).parent.parent / "fixtures"
SAMPLE = str(FIXTURES / "kami_umkm_sample.csv")
BAD = FIXTURES / "bad"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_json() -> dict:
    result = run("scan", SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_scan_prints_a_table_and_reports_row_accounting_on_stderr():
    result = run("scan", SAMPLE)
    assert result.exit_code == 0
    assert "Suspicious clusters" in result.stdout
    assert "accounts posted" in result.stdout
    # accounting goes to stderr, never mixed into the data
    assert "read 1500 rows: kept 1500, rejected 0, duplicates dropped 0" in result.stderr
    assert "read 1500 rows" not in result.stdout


def test_scan_json_follows_the_contract(sample_json):
    doc = sample_json
    assert list(doc) == [
        "schema_version",
        "tool_version",
        "input",
        "config",
        "signals",
        "selection",
        "clusters",
    ]
    assert doc["input"]["rows_read"] == 1500
    assert doc["config"]["seed"] == 0
    clusters = doc["clusters"]
    assert clusters, "the sample holds a planted script push"
    assert [c["rank"] for c in clusters] == list(range(1, len(clusters) + 1))
    scores = [c["score"] for c in clusters]
    assert scores == sorted(scores, reverse=True)
    for c in clusters:
        for key in (
            "rank",
            "score",
            "accounts",
            "hashtags",
            "start",
            "end",
            "subscores",
            "significance",
            "evidence",
        ):
            assert key in c
        assert c["start"].endswith("Z")
        assert c["start"] <= c["end"]
        assert c["evidence"]["explanation"].endswith(".")
        assert len(c["accounts"]) == c["n_accounts"]
    # every account is in at most one cluster
    members = [a for c in clusters for a in c["accounts"]]
    assert len(members) == len(set(members))


def test_scan_finds_the_kami_push_in_the_sample(sample_json):
    truth = list(csv.DictReader((FIXTURES / "kami_umkm_truth.csv").open(encoding="utf-8")))
    push = {r["account"] for r in truth if r["group"].startswith("script_push")}
    best = max(
        sample_json["clusters"],
        key=lambda c: len(push & set(c["accounts"])) / len(push | set(c["accounts"])),
    )
    # the planted #KamiUMKMdiTikTok accounts form one cluster tagged with the push's hashtag
    assert "kamiumkmditiktok" in best["hashtags"]
    assert len(push & set(best["accounts"])) / len(push | set(best["accounts"])) >= 0.5


def test_scan_json_is_byte_identical_across_runs(sample_json):
    again = run("scan", SAMPLE, "--format", "json")
    assert json.loads(again.stdout) == sample_json
    assert again.stdout == run("scan", SAMPLE, "--format", "json").stdout


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("jsonl", lambda out: all(json.loads(line)["rank"] for line in out.splitlines())),
        (
            "csv",
            lambda out: next(csv.reader(io.StringIO(out)))[:3] == ["rank", "score", "n_accounts"],
        ),
        ("markdown", lambda out: out.startswith("## Suspicious clusters")),
    ],
)
def test_scan_formats(fmt, check):
    result = run("scan", SAMPLE, "--format", fmt, "--quiet")
    assert result.exit_code == 0
    assert check(result.stdout)
    assert result.stderr == ""  # --quiet: nothing on stderr


def test_scan_writes_to_a_file(tmp_path):
    out = tmp_path / "clusters.json"
    result = run("scan", SAMPLE, "--format", "json", "-o", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["clusters"]


def test_scan_filters_top_and_min_score(sample_json):
    top = json.loads(run("scan", SAMPLE, "--format", "json", "--top", "1").stdout)
    assert [c["rank"] for c in top["clusters"]] == [1]
    cut = sample_json["clusters"][0]["score"]
    high = json.loads(run("scan", SAMPLE, "--format", "json", "--min-score", str(cut)).stdout)
    assert all(c["score"] >= cut for c in high["clusters"])
    assert len(high["clusters"]) < len(sample_json["clusters"])


def test_scan_reports_only_significant_repeated_coaction(sample_json):
    truth = list(csv.DictReader((FIXTURES / "kami_umkm_truth.csv").open(encoding="utf-8")))
    news = {r["account"] for r in truth if r["group"].startswith("news_burst")}
    shown = sample_json["clusters"]
    assert all(c["significance"]["p_adjusted"] <= 0.05 for c in shown)
    assert all(c["subscores"]["repeated_coaction"] >= 0.5 for c in shown)
    # the sample's news burst is synchronous but each account reacts once: not reported
    assert not any(len(news & set(c["accounts"])) > len(c["accounts"]) / 2 for c in shown)
    everything = json.loads(
        run(
            "scan",
            SAMPLE,
            "--format",
            "json",
            "--max-p",
            "1",
            "--min-repetition",
            "0",
            "--no-audience-test",
        ).stdout
    )["clusters"]
    assert any(len(news & set(c["accounts"])) > len(c["accounts"]) / 2 for c in everything)
    assert [c["rank"] for c in everything] == list(range(1, len(everything) + 1))


def test_scan_hashtag_filter_keeps_only_clusters_using_it(sample_json):
    doc = json.loads(
        run("scan", SAMPLE, "--format", "json", "--hashtag", "#KamiUMKMdiTikTok").stdout
    )
    assert doc["clusters"]
    assert len(doc["clusters"]) < len(sample_json["clusters"])
    assert doc["config"]["hashtag"] == "#KamiUMKMdiTikTok"


def test_explain_prints_one_cluster():
    result = run("explain", SAMPLE, "--cluster", "1", "--format", "json")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert record["rank"] == 1
    assert record["evidence"]["sample_posts"][0]["row"] >= 1
    table = run("explain", SAMPLE, "--cluster", "1")
    assert "co-action events" in table.stdout


def test_explain_unknown_cluster_is_bad_usage():
    result = run("explain", SAMPLE, "--cluster", "999")
    assert result.exit_code == 2
    assert "--cluster 999: no such cluster" in result.stderr


def test_inspect_json_counts_rejected_and_duplicate_rows():
    result = run("inspect", str(BAD / "bad_rows.csv"), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)["input"]
    # 10 rows: 3 empty accounts, 1 empty time, 2 unreadable times, 1 duplicate id, 3 kept
    assert (doc["rows_read"], doc["rows_rejected"], doc["rows_deduplicated"], doc["rows_kept"]) == (
        10,
        6,
        1,
        3,
    )
    assert doc["rejected"]["empty account"]["count"] == 3
    assert "2 row(s) skipped: unreadable time" in result.stderr


def test_inspect_table_names_the_detected_columns():
    result = run("inspect", SAMPLE)
    assert result.exit_code == 0
    for expected in ("username", "create_time", "video_description", "fyp (279)"):
        assert expected in result.stdout


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("does/not/exist.csv", "does/not/exist.csv"),
        (str(FIXTURES / "README.md"), "--input-format"),
        (str(BAD / "empty.csv"), "empty"),
        (str(BAD / "no_account.csv"), "--account-col"),
        (str(BAD / "all_rejected.csv"), "rejected"),
        (str(BAD / "corrupt.parquet"), "corrupt.parquet"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(path, message):
    result = run("scan", path)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_strict_turns_skipped_rows_into_an_error():
    assert run("inspect", str(BAD / "bad_rows.csv")).exit_code == 0
    result = run("inspect", str(BAD / "bad_rows.csv"), "--strict")
    assert result.exit_code == 2
    assert "bad_rows.csv" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["scan", SAMPLE, "--window", "soon"],
        ["scan", SAMPLE, "--format", "xml"],
        ["scan"],
        ["scan", SAMPLE, "--top", "0"],
    ],
)
def test_bad_options_exit_2(args):
    assert run(*args).exit_code == 2


def test_runtime_failure_exits_1(monkeypatch):
    def fail(*_args, **_kwargs):
        raise AnalysisError("clustering failed: graph too large")

    monkeypatch.setattr(pipeline, "score_clusters", fail)
    result = run("scan", SAMPLE)
    assert result.exit_code == 1
    assert "clustering failed" in result.stderr


def test_unexpected_error_is_one_line_with_a_debug_hint(monkeypatch):
    def crash(*_args, **_kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline, "score_clusters", crash)
    result = CliRunner().invoke(cli, ["scan", SAMPLE])
    assert result.exit_code == 1
    assert "ZeroDivisionError: boom" in result.stderr
    assert "--debug" in result.stderr
    debug = CliRunner().invoke(cli, ["--debug", "scan", SAMPLE])
    assert isinstance(debug.exception, ZeroDivisionError)


def test_bursts_json_has_the_documented_keys():
    result = run("bursts", SAMPLE, "--format", "json")
    assert result.exit_code == 0
    bursts = json.loads(result.stdout)["bursts"]
    assert bursts
    for key in ("object", "kind", "start", "end", "n_posts", "n_accounts", "accounts", "strength"):
        assert key in bursts[0]
    assert {b["kind"] for b in bursts} <= {"hashtag", "mention"}
    strengths = [b["strength"] for b in bursts]
    assert strengths == sorted(strengths, reverse=True)
    assert any(b["object"] == "kamiumkmditiktok" for b in bursts)


def test_templates_json_has_the_documented_keys():
    result = run("templates", SAMPLE, "--format", "json")
    assert result.exit_code == 0
    templates = json.loads(result.stdout)["templates"]
    assert templates
    for key in (
        "text",
        "n_posts",
        "n_accounts",
        "n_variants",
        "accounts",
        "post_ids",
        "mean_similarity",
        "start",
        "end",
    ):
        assert key in templates[0]
    sizes = [t["n_posts"] for t in templates]
    assert sizes == sorted(sizes, reverse=True) or len(sizes) == 1 or sizes[0] >= sizes[-1]


def test_templates_csv_neutralises_spreadsheet_formulas(tmp_path):
    rows = ["id,username,created_at,text"]
    # varied background over two weeks, so the script's words are distinctive
    words = ["makan", "siang", "kopi", "hujan", "macet", "kerja", "libur", "pasar", "bola", "film"]
    for i in range(80):
        text = " ".join(words[(i * k) % len(words)] for k in (1, 3, 7)) + f" hari {i}"
        rows.append(f"b{i},bg{i % 40},2023-09-{10 + i % 14:02d}T08:00:00Z,{text}")
    for i in range(6):
        rows.append(
            f'{i},user{i},2023-09-26T10:0{i}:00Z,"=HYPERLINK(""http://evil"") dukung produk '
            f'lokal sekarang juga kawan {i}"'
        )
    path = tmp_path / "evil.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("templates", str(path), "--format", "csv", "--min-accounts", "3")
    assert result.exit_code == 0
    cells = [row[0] for row in csv.reader(io.StringIO(result.stdout))][1:]
    assert cells, "the six variants form a template"
    assert all(cell.startswith("'=") for cell in cells)


@pytest.mark.parametrize("suffix", [".graphml", ".gexf", ".csv", ".parquet"])
def test_graph_writes_each_format(tmp_path, suffix):
    out = tmp_path / f"g{suffix}"
    result = run("graph", SAMPLE, "--out", str(out), "--min-repeats", "2")
    assert result.exit_code == 0
    assert out.stat().st_size > 0
    assert "edges to" in result.stderr


def test_graph_unknown_suffix_is_bad_input(tmp_path):
    result = run("graph", SAMPLE, "--out", str(tmp_path / "g.xlsx"))
    assert result.exit_code == 2
    assert ".xlsx" in result.stderr


def test_synth_same_seed_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run("synth", str(tmp_path / name), "--posts", "3000", "--seed", "4").exit_code == 0
    for file in ("posts.csv", "truth.csv", "groups.json"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    run("synth", str(tmp_path / "c"), "--posts", "3000", "--seed", "5")
    assert (tmp_path / "a" / "posts.csv").read_bytes() != (
        tmp_path / "c" / "posts.csv"
    ).read_bytes()


def test_synth_output_scans_end_to_end(tmp_path):
    assert run("synth", str(tmp_path), "--posts", "4000", "--seed", "2").exit_code == 0
    result = run("scan", str(tmp_path / "posts.csv"), "--format", "json", "--null-rounds", "5")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["input"]["rows_read"] == 4000


def test_stdin_needs_a_format_or_is_sniffed():
    data = Path(SAMPLE).read_bytes()
    result = CliRunner().invoke(cli, ["inspect", "-", "--format", "json"], input=data)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["input"]["rows_read"] == 1500


def test_version_and_help():
    assert run("--version").stdout.startswith("campaign-detect, version")
    assert "Examples:" in run("scan", "-h").stdout


def test_config_file_sets_scan_options_and_flags_override_it(tmp_path):
    config = tmp_path / "scan.toml"
    config.write_text('[scan]\nwindow = "10m"\nnull_rounds = 3\nmin_accounts = 4\n', "utf-8")
    doc = json.loads(
        run(
            "scan", SAMPLE, "--config", str(config), "--min-accounts", "5", "--format", "json"
        ).stdout
    )
    # the file's settings are used and echoed; the flag given on the command line wins
    assert (doc["config"]["window"], doc["config"]["null_rounds"]) == ("10m", 3)
    assert doc["config"]["min_accounts"] == 5
    assert doc["signals"]["window"] == "10m"
    assert all(c["n_accounts"] >= 5 for c in doc["clusters"])


def test_unknown_config_setting_is_bad_input(tmp_path):
    config = tmp_path / "scan.toml"
    config.write_text("windw = '10m'\n", "utf-8")
    result = run("scan", SAMPLE, "--config", str(config))
    assert result.exit_code == 2
    assert "unknown setting(s) ['windw']" in result.stderr


def test_out_of_range_significance_level_is_bad_input(tmp_path):
    config = tmp_path / "scan.toml"
    config.write_text("max_p_value = 5\n", "utf-8")
    result = run("scan", SAMPLE, "--config", str(config))
    assert result.exit_code == 2
    assert "max_p_value must be in [0, 1], got 5" in result.stderr
    assert run("scan", SAMPLE, "--min-repetition", "1.5").exit_code == 2


def test_a_six_row_file_with_no_template_scans(tmp_path):
    # three accounts posting #umkm within 30 s on two days, different words each time:
    # no post belongs to a template, which once crashed the shared-templates lookup
    path = tmp_path / "six.csv"
    rows = [
        ("1", "ani", "2023-09-20T08:00:00Z", "pagi ini ramai sekali #umkm"),
        ("2", "budi", "2023-09-20T08:00:10Z", "jualan lancar #umkm"),
        ("3", "citra", "2023-09-20T08:00:25Z", "semangat kawan #umkm"),
        ("4", "ani", "2023-09-21T09:00:00Z", "hujan deras di kota #umkm"),
        ("5", "budi", "2023-09-21T09:00:12Z", "stok habis lagi #umkm"),
        ("6", "citra", "2023-09-21T09:00:28Z", "terima kasih pelanggan #umkm"),
    ]
    path.write_text(
        "post_id,account,created_at,text\n" + "".join(",".join(r) + "\n" for r in rows),
        encoding="utf-8",
    )
    for command in (["scan", str(path)], ["explain", str(path), "--cluster", "1"]):
        result = run(*command)
        assert result.exit_code in (0, 2), result.stderr  # 2: explain finds no cluster 1
        assert "Traceback" not in result.stderr
        assert "unexpected" not in result.stderr


def test_synth_quiet_and_the_moments_mix(tmp_path):
    quiet = run("synth", str(tmp_path / "q"), "--posts", "3000", "-q")
    assert quiet.exit_code == 0, quiet.stderr
    assert quiet.stdout == ""
    assert (tmp_path / "q" / "posts.csv").is_file()
    moments = run("synth", str(tmp_path / "m"), "--posts", "30000", "--mix", "moments", "-q")
    assert moments.exit_code == 0, moments.stderr
    groups = (tmp_path / "m" / "truth.csv").read_text(encoding="utf-8")
    assert "live_match" in groups
    assert "live_match" not in (tmp_path / "q" / "truth.csv").read_text(encoding="utf-8")


def test_inspect_says_naive_times_only_when_there_are_some(tmp_path):
    epoch = run("inspect", SAMPLE)  # epoch seconds carry no zone question
    assert "without a zone" not in epoch.stdout
    assert "every time carried its zone or was an epoch" in epoch.stdout
    path = tmp_path / "naive.csv"
    path.write_text("id,username,created_at,text\n1,ani,2023-09-26 10:00:00,halo #a\n")
    naive = run("inspect", str(path))
    assert "1 times without a zone read as UTC" in naive.stdout
