"""The Spark engine (`--engine spark`): the same JSON as the local engine, byte for byte apart
from ``config.engine``, on a real Spark (``local[2]``, a standalone cluster of its own
processes on 127.0.0.1, and Spark Connect).

Tests marked ``spark`` need the ``[spark]`` extra and Java 17+ and run with ``pytest -m spark``
(`.ci/run` installs the extra and runs them; without either they are skipped with a message
saying what is missing). The rest run everywhere:
without pyspark, ``--engine spark`` must exit 2 with the install line, and the kernels of
co-action, the bursts and the template candidates must give the local result when run piece
by piece, as Spark runs them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from campaign_detect import ScanConfig, scan
from campaign_detect.cli import cli
from campaign_detect.errors import InputError
from campaign_detect.load import load_posts
from campaign_detect.signals import _similarity
from campaign_detect.signals._similarity import (
    KEPT_SCHEMA,
    KEY_COLUMNS,
    PACKED_COLUMNS,
    CandidateRunner,
    Kept,
    Signed,
    band_piece,
    candidate_pairs,
    partner_piece,
    skipped_pairs,
    texts_table,
    word_matrix,
)
from campaign_detect.signals.bursts import (
    BurstRules,
    bin_cells,
    bin_floors,
    detect_bursts,
    object_bursts,
)
from campaign_detect.signals.coaction import (
    PAIR_SCHEMA,
    Sweep,
    coaction_edges,
    pair_totals,
    sweep_pairs,
)
from campaign_detect.signals.templates import _distinct_texts, _read_posts
from campaign_detect.synth import generate, write

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "fixtures" / "kami_umkm_sample.csv"
NO_SPARK = "Spark tests need the [spark] extra: pip install -e '.[test,spark]' (.ci/run does)"
# the command line of the cluster and Connect tests (the --spark-master and -o follow)
SCAN_JSON = [sys.executable, "-m", "campaign_detect", "scan", str(SAMPLE), "--format", "json"]
SCAN_JSON += ["-q", "--engine", "spark"]
NO_JAVA = "Spark tests need Java 17 or later on PATH (apt-get install openjdk-17-jre-headless)"
# JVMs that live for seconds: the quick JIT and one GC thread start them in less CPU
_QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def _local_json(path: Path, config: ScanConfig | None = None) -> dict:
    return json.loads(scan(str(path), config).to_json())


def _same_apart_from_engine(on_spark: dict, local: dict) -> None:
    assert on_spark["config"]["engine"] == "spark"
    assert local["config"]["engine"] == "local"
    on_spark["config"]["engine"] = "local"
    assert json.dumps(on_spark) == json.dumps(local)


# --- without Spark ------------------------------------------------------------------------
def test_engine_spark_without_pyspark_exits_2_with_the_install_line(monkeypatch):
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # `import pyspark` raises ImportError
    result = CliRunner().invoke(cli, ["scan", str(SAMPLE), "--engine", "spark", "-q"])
    assert result.exit_code == 2, result.output
    assert "pip install 'campaign-detect[spark]'" in result.output
    assert "Traceback" not in result.output


def test_without_java_a_local_spark_is_refused_saying_so(monkeypatch):
    pytest.importorskip("pyspark", reason=NO_SPARK)
    import campaign_detect.signals.spark as engine

    monkeypatch.setattr(engine.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(InputError, match="Java 17"):
        engine.spark_session("local[2]")


def test_a_remote_input_without_spark_says_to_use_the_spark_engine():
    for uri in ("s3a://bucket/posts.parquet", "abfss://c@a.dfs.core.windows.net/p/*.jsonl"):
        result = CliRunner().invoke(cli, ["scan", uri])
        assert result.exit_code == 2
        assert f"{uri}: not a file on this machine; scan it with --engine spark" in result.output
    # a local path with a colon in it is still a local path
    result = CliRunner().invoke(cli, ["scan", "C:/no/such/file.csv"])
    assert result.exit_code == 2
    assert "C:/no/such/file.csv: file not found" in result.output


def test_spark_master_alone_is_a_usage_error():
    result = CliRunner().invoke(cli, ["scan", str(SAMPLE), "--spark-master", "local[2]", "-q"])
    assert result.exit_code == 2
    assert "--engine spark" in result.output


def test_an_unknown_engine_and_a_session_for_the_local_engine_are_refused():
    with pytest.raises(InputError, match="engine"):
        ScanConfig(engine="dask")
    with pytest.raises(InputError, match="engine='spark'"):
        scan(str(SAMPLE), ScanConfig(), spark="local[2]")


class _Context:
    defaultParallelism = 6


class _Conf:
    def __init__(self, settings: dict[str, str]):
        self.settings = settings

    def get(self, key, default=None):
        return self.settings.get(key, default)


class _Session:
    """The two parts of a session `_pieces` reads: its context (None: a Connect client,
    which has none) and its conf."""

    def __init__(self, context: object | None, settings: dict[str, str]):
        if context is not None:
            self.sparkContext = context
        self.conf = _Conf(settings)


@pytest.mark.parametrize(
    ("session", "rows", "pieces"),
    [
        (_Session(_Context(), {"spark.sql.shuffle.partitions": "200"}), 10, 6),  # one a core
        (_Session(_Context(), {}), 100 * 7 + 1, 8),  # no piece above 100 rows on average
        (_Session(None, {"spark.default.parallelism": "12"}), 10, 12),  # Connect
        (_Session(None, {"spark.sql.shuffle.partitions": "8"}), 10, 8),
        (_Session(None, {"spark.sql.shuffle.partitions": "auto"}), 10, 200),  # Databricks
        (_Session(None, {"spark.sql.shuffle.partitions": "0"}), 10, 200),
    ],
)
def test_a_step_has_one_piece_a_core_and_enough_to_bound_a_task(session, rows, pieces):
    from campaign_detect.signals.spark import _pieces

    assert _pieces(session, rows, 100) == pieces


def test_the_kernels_run_piece_by_piece_give_the_local_edges(tmp_path):
    # what the Spark runner does, without Spark: pairs per piece of objects, totals per
    # piece of account pairs, concatenated in no particular order
    posts = load_posts(write(generate(4_000, seed=3), tmp_path)["posts"]).posts
    calls = []

    def in_pieces(rows: pl.DataFrame, sweep: Sweep, progress) -> pl.DataFrame:
        calls.append(rows.height)
        pairs = pl.concat(
            [pl.DataFrame(schema=PAIR_SCHEMA)]
            + [sweep_pairs(rows.filter(pl.col("g") % 3 == r), sweep) for r in (2, 0, 1)]
        )
        assert pairs.height > 100
        return pl.concat(
            [pair_totals(pairs.filter(pl.col("ab") % 4 == r), sweep) for r in (3, 1, 0, 2)]
        )

    local = coaction_edges(posts, window="10m")
    pieces = coaction_edges(posts, window="10m", pairs=in_pieces)
    assert calls
    assert calls[0] > 0
    assert local.edges.height > 50
    assert pieces.edges.equals(local.edges)


def test_the_burst_kernels_run_piece_by_piece_give_the_local_bursts(tmp_path):
    # what `spark_bursts` does, without Spark: cell counts per piece of objects summed into
    # the floors, then the bursts of each piece, concatenated in no particular order
    posts = load_posts(write(generate(4_000, seed=3), tmp_path)["posts"]).posts
    sizes = []

    def in_pieces(long: pl.DataFrame, objects: pl.DataFrame, rules: BurstRules, progress):
        pieces = [long.filter(pl.col("oid") % 3 == r) for r in (2, 0, 1)]
        sizes.extend(p.height for p in pieces)
        floors = bin_floors(pl.concat([bin_cells(p, objects, rules) for p in pieces]))
        with_floors = replace(rules, floors=floors)
        return pl.concat([object_bursts(p, objects, with_floors) for p in pieces])

    local = detect_bursts(posts)
    pieces = detect_bursts(posts, runner=in_pieces)
    assert min(sizes) > 0
    assert local.height > 5
    assert pieces.equals(local)

    def own_floors(long: pl.DataFrame, objects: pl.DataFrame, rules: BurstRules, progress):
        return pl.concat(
            [
                object_bursts(
                    p, objects, replace(rules, floors=bin_floors(bin_cells(p, objects, rules)))
                )
                for p in (long.filter(pl.col("oid") % 3 == r) for r in range(3))
            ]
        )

    # the floors are data-wide: pieces with floors of their own would find other bursts
    assert not detect_bursts(posts, runner=own_floors).equals(local)


# band rows into three pieces of whole buckets, as `spark_candidates` hashes them
BY_BUCKET = (pl.col("key").hash(7) + pl.col("band")) % 3


def _template_words(posts: pl.DataFrame) -> tuple:
    """What `template_groups` hands `candidate_pairs`: the distinct texts' word matrix and
    their post counts."""
    texts, _ = _distinct_texts(_read_posts(posts))
    return word_matrix(texts["key"]).matrix, texts["n_posts"].to_numpy()


def _band_rows(texts: pl.DataFrame) -> pl.DataFrame:
    """One row per text and band, as the Spark runner explodes `texts_table`."""
    return pl.concat(
        texts.select(pl.lit(band, pl.Int64).alias("band"), pl.col(name).alias("key"), "idx").hstack(
            texts.select("pref", *PACKED_COLUMNS)
        )
        for band, name in enumerate(KEY_COLUMNS)
    )


def _candidates_in_pieces(band_piece_of: pl.Expr, seen: list | None = None) -> CandidateRunner:
    """A `CandidateRunner` doing what `spark_candidates` does, without Spark: the band rows
    cut into pieces by `band_piece_of` (an expression), the pair ends into pieces of whole
    texts, each piece's kernel called alone, the results concatenated in no set order.
    Each band piece's counts go to `seen`, with the pairs met and kept."""

    def run(signed: Signed, max_bucket: int) -> Kept:
        rows = _band_rows(texts_table(signed.take(), signed.preference))
        rows = rows.with_columns(band_piece_of.alias("piece"))
        parts = [
            band_piece(rows.filter(pl.col("piece") == r).drop("piece"), max_bucket, r << 40)
            for r in (2, 0, 1)
        ]
        met = pl.concat([part[0] for part in parts])
        per_piece = pl.concat([part[1] for part in parts])
        counts = per_piece.group_by("band").agg(pl.all().sum())
        assert counts["n_pairs"].sum() == met.height
        ends = pl.concat(
            met.select(
                "entry",
                "left",
                "right",
                pl.col(node).alias("node"),
                "agree",
                pl.col(f"{partner}_pref").alias("partner_pref"),
            )
            for node, partner in (("left", "right"), ("right", "left"))
        )
        n = signed.preference.size
        flagged = [partner_piece(ends.filter(pl.col("node") % 4 == r), n) for r in (3, 1, 0, 2)]
        close = met.filter("close").select(list(KEPT_SCHEMA))
        kept = pl.concat([*flagged, close]).unique("entry")
        if seen is not None:
            seen.append((per_piece, met.height, kept.height))
        n_skipped = skipped_pairs(counts["n_excess"]) + met.height - kept.height
        n_bounded = int(counts["n_bounded"].sum())
        return Kept(kept["left"].to_numpy(), kept["right"].to_numpy(), n_bounded, n_skipped)

    return run


@pytest.mark.parametrize("max_bucket", [3, 5, 100])
def test_the_candidate_kernels_run_piece_by_piece_give_the_local_candidates(
    tmp_path, max_bucket, monkeypatch
):
    # what `spark_candidates` does, without Spark: band pairs per piece of whole buckets,
    # the partner cap per piece of whole texts' ends. Most texts are posted once (ties
    # broken by the seeded tie), the small max_bucket makes many huge buckets (of fewer
    # than nine texts too, whose window and pivot pairs outnumber their pairs), and small
    # steps make the cap merge its keys many times
    monkeypatch.setattr(_similarity, "_CUT_KEYS", 5_000)
    words, n_posts = _template_words(
        load_posts(write(generate(4_000, seed=3), tmp_path)["posts"]).posts
    )
    assert (n_posts == 1).mean() > 0.9
    local = candidate_pairs(words, n_posts, max_bucket=max_bucket, seed=0)
    seen: list = []
    pieces = candidate_pairs(
        words, n_posts, max_bucket=max_bucket, seed=0, runner=_candidates_in_pieces(BY_BUCKET, seen)
    )
    [(_, n_met, n_kept)] = seen
    assert local.pairs.shape[0] > 10_000
    assert local.n_bounded > 0
    assert n_kept < n_met  # the cap binds
    assert np.array_equal(pieces.pairs, local.pairs)
    assert (pieces.n_bounded, pieces.n_skipped) == (local.n_bounded, local.n_skipped)
    # pieces that cut buckets apart would find other pairs
    by_text = pl.col("idx") % 3
    cut = candidate_pairs(
        words, n_posts, max_bucket=max_bucket, seed=0, runner=_candidates_in_pieces(by_text)
    )
    assert not np.array_equal(cut.pairs, local.pairs)


def test_pieces_clamp_the_skipped_pairs_per_band_as_the_local_engine_does():
    # one script of 20 variants and five of 4 (words used by one text do not count, so each
    # script's variants share every band): with max_bucket 3, the bucket of 20 skips pairs
    # and each bucket of 4 makes more window and pivot pairs than its 6; the local engine
    # clamps each band's sum at zero, so pieces must add up a band before clamping
    sizes = [20, 4, 4, 4, 4, 4]
    texts = [f"s{g}a s{g}b s{g}c s{g}d only{g}x{i}" for g, k in enumerate(sizes) for i in range(k)]
    words = word_matrix(pl.Series(texts)).matrix
    n_posts = np.ones(len(texts), dtype=np.int64)
    local = candidate_pairs(words, n_posts, max_bucket=3, seed=0)
    seen: list = []
    runner = _candidates_in_pieces(BY_BUCKET, seen)
    pieces = candidate_pairs(words, n_posts, max_bucket=3, seed=0, runner=runner)
    assert local.n_bounded == 16 * len(sizes)  # each script's bucket, in every band
    assert local.n_skipped == 16 * (20 * 19 // 2 - 19 - 18 - 2 * 20 - 5 * 7)  # clamped per band
    assert np.array_equal(pieces.pairs, local.pairs)
    assert (pieces.n_bounded, pieces.n_skipped) == (local.n_bounded, local.n_skipped)
    [(per_piece, n_met, n_kept)] = seen
    clamped_per_piece = skipped_pairs(per_piece["n_excess"]) + n_met - n_kept
    assert clamped_per_piece > local.n_skipped  # the test tells the two apart


# --- on Spark -----------------------------------------------------------------------------
def _pyspark():
    return pytest.importorskip("pyspark", reason=NO_SPARK)


def _need_java() -> None:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip(NO_JAVA)


def _spark_env() -> dict[str, str]:
    # the workers' Python is this one (campaign_detect installed); bind to loopback only
    return {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}


@pytest.fixture(scope="module")
def spark():
    _pyspark()
    _need_java()
    from pyspark.sql import SparkSession

    os.environ.update({k: v for k, v in _spark_env().items() if k.startswith(("PYSPARK", "SPARK"))})
    session = (
        SparkSession.builder.master("local[2]")
        .appName("campaign-detect-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.extraJavaOptions", _QUICK_JVM)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def synth_inputs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("spark-inputs")
    return {
        "3k": write(generate(3_000, seed=11), root / "3k")["posts"],
        "30k": write(generate(30_000, seed=12), root / "30k", fmt="parquet")["posts"],
    }


@pytest.mark.spark
@pytest.mark.parametrize("size", ["3k", "30k"])
def test_spark_json_equals_the_local_json(spark, synth_inputs, size, monkeypatch):
    import campaign_detect.signals.spark as engine

    runs = []

    def counted(session):
        runner = spark_candidates(session)

        def run(signed, max_bucket):
            kept = runner(signed, max_bucket)
            runs.append(kept.left.size)
            return kept

        return run

    spark_candidates = engine.spark_candidates
    monkeypatch.setattr(engine, "spark_candidates", counted)
    path = synth_inputs[size]
    local = _local_json(path)
    on_spark = json.loads(scan(str(path), ScanConfig(engine="spark"), spark=spark).to_json())
    assert local["signals"]["coaction_edges"] > 100
    assert local["signals"]["templates"] > 0
    assert local["clusters"], "the synth input's planted campaigns are reported"
    assert len(runs) == 1  # the template candidates were made on Spark
    assert runs[0] > 100
    _same_apart_from_engine(on_spark, local)


@pytest.mark.spark
@pytest.mark.parametrize("max_bucket", [3, 100])
def test_spark_template_candidates_equal_the_local_ones(spark, synth_inputs, max_bucket):
    from campaign_detect.signals.spark import spark_candidates

    words, n_posts = _template_words(load_posts(synth_inputs["30k"]).posts)
    local = candidate_pairs(words, n_posts, max_bucket=max_bucket, seed=0)
    on_spark = candidate_pairs(
        words, n_posts, max_bucket=max_bucket, seed=0, runner=spark_candidates(spark)
    )
    assert local.pairs.shape[0] > 10_000
    assert local.n_bounded > 0
    assert np.array_equal(on_spark.pairs, local.pairs)
    assert (on_spark.n_bounded, on_spark.n_skipped) == (local.n_bounded, local.n_skipped)


@pytest.mark.spark
def test_spark_bursts_equal_the_local_bursts(spark, synth_inputs):
    from campaign_detect.signals.spark import spark_bursts

    posts = load_posts(synth_inputs["30k"]).posts
    local = detect_bursts(posts)
    assert local.height > 10
    assert local["n_posts"].max() > 50  # type: ignore[operator]
    assert detect_bursts(posts, runner=spark_bursts(spark)).equals(local)


@pytest.mark.spark
def test_a_hot_hashtag_is_capped_on_spark_as_it_is_locally(spark, tmp_path):
    # 3,000 posts of one tag in an hour from 1,000 accounts: each of its 10-minute cells
    # holds more accounts than max_accounts_per_window, so it is left unpaired and reported
    background = generate(3_000, seed=13).posts
    start = datetime(2023, 9, 20, 12, tzinfo=UTC)
    hot = pl.DataFrame(
        {
            "post_id": [f"hot{i}" for i in range(3_000)],
            "account": [f"fan{i % 1_000}" for i in range(3_000)],
            "created_at": [start + timedelta(seconds=i * 1.2) for i in range(3_000)],
            "text": [f"nonton bareng #viralhariini sesi {i % 97}" for i in range(3_000)],
        }
    )
    path = tmp_path / "hot.parquet"
    pl.concat([background, hot], how="diagonal_relaxed").write_parquet(path)
    config = ScanConfig(window="10m", max_accounts_per_window=200)
    local = _local_json(path, config)
    on_spark = json.loads(scan(str(path), replace(config, engine="spark"), spark=spark).to_json())
    assert local["signals"]["bounded_windows"] >= 6
    _same_apart_from_engine(on_spark, local)


@pytest.mark.spark
def test_inputs_on_a_spark_file_system_are_read_as_the_local_files_and_named_as_given(
    spark, synth_inputs, tmp_path
):
    # a file:// URI is a path only Hadoop's file systems read (as s3a://, abfss://, dbfs:/
    # are): fetched through the session, the files give the local files' JSON, and the
    # report names them as the user gave them (a glob's files by their URIs), rejected
    # rows' examples included, never by their local copies
    posts = pl.read_csv(synth_inputs["3k"])
    bad = posts.head(2).with_columns(
        pl.lit(None, pl.String).alias("account"), pl.lit(1).cast(pl.Int64).alias("post_id")
    )
    folder = tmp_path / "remote"
    folder.mkdir()
    (csv := folder / "posts.csv").write_text(pl.concat([posts, bad]).write_csv(), encoding="utf-8")
    parquet = synth_inputs["30k"]
    local = _local_json_of([str(csv), str(parquet)])
    assert local["input"]["rejected"]["empty account"]["count"] == 2
    uris = [csv.as_uri(), f"file:{parquet.parent}/*.parquet"]
    on_spark = scan(uris, ScanConfig(engine="spark"), spark=spark).to_json()
    assert "campaign-detect-inputs-" not in on_spark
    globbed = f"file:{parquet}"
    assert [f["path"] for f in json.loads(on_spark)["input"]["files"]] == [uris[0], globbed]
    named = on_spark.replace(uris[0], str(csv)).replace(globbed, str(parquet))
    _same_apart_from_engine(json.loads(named), local)


@pytest.mark.spark
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.csv", "{uri}: file not found"),
        ("none-*.csv", "{uri}: no files match this pattern"),
        ("", "{uri}: is a directory; pass the files in it"),
        ("broken.parquet", "{uri}: cannot read as parquet"),
    ],
)
def test_a_bad_input_on_a_spark_file_system_is_named_as_given(spark, tmp_path, name, message):
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not a parquet file")
    uri = f"file:{tmp_path}/{name}".rstrip("/")
    with pytest.raises(InputError) as caught:
        scan(uri, ScanConfig(engine="spark"), spark=spark)
    assert str(caught.value).startswith(message.format(uri=uri))
    assert "campaign-detect-inputs-" not in str(caught.value)


def _local_json_of(paths: list[str]) -> dict:
    return json.loads(scan(paths).to_json())


# --- a standalone cluster and Spark Connect, each in processes of their own ----------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spark_home() -> Path:
    return Path(_pyspark().__file__).parent


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args[:3]} exited with {process.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise AssertionError(f"nothing listened on 127.0.0.1:{port} within {seconds} s")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Processes a test started; each is stopped (and, if need be, killed) at the end."""
    started: list[subprocess.Popen] = []
    yield started
    for process in reversed(started):
        process.terminate()
    for process in reversed(started):
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _launch(args: list[str], log: Path, processes: list[subprocess.Popen]) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(_spark_home() / "bin" / "spark-class"), *args],
        env={
            **_spark_env(),
            "SPARK_HOME": str(_spark_home()),
            "SPARK_DAEMON_JAVA_OPTS": _QUICK_JVM,
        },
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    processes.append(process)
    return process


@pytest.mark.spark
def test_a_standalone_cluster_gives_the_local_json(tmp_path, processes):
    _pyspark()
    _need_java()
    port, ui = _free_port(), _free_port()
    master = _launch(
        [
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)),
        ],
        tmp_path / "master.log",
        processes,
    )
    _wait_for_port(port, master)
    url = f"spark://127.0.0.1:{port}"
    for n in (1, 2):
        _launch(
            [
                "org.apache.spark.deploy.worker.Worker",
                *("--host", "127.0.0.1", "--cores", "1", "--memory", "1g"),
                *("--webui-port", str(_free_port()), "--work-dir", str(tmp_path / f"w{n}")),
                url,
            ],
            tmp_path / f"worker{n}.log",
            processes,
        )
    out = tmp_path / "cluster.json"
    # four pieces per step, not Spark's 200 tasks of a few rows each, and quick JVMs
    few = {
        "PYSPARK_SUBMIT_ARGS": f"--conf spark.sql.shuffle.partitions=4 --driver-java-options "
        f"'{_QUICK_JVM}' --conf 'spark.executor.extraJavaOptions={_QUICK_JVM}' pyspark-shell"
    }
    run = subprocess.run(
        [*SCAN_JSON, "--spark-master", url, "-o", str(out)],
        env={**_spark_env(), **few},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    workers = [(tmp_path / f"worker{n}.log").read_text() for n in (1, 2)]
    assert all("Successfully registered with master" in log for log in workers), workers
    # both workers ran executors of the scan's application
    assert all(list((tmp_path / f"w{n}").glob("app-*")) for n in (1, 2))
    _same_apart_from_engine(json.loads(out.read_text()), _local_json(SAMPLE))


@pytest.mark.spark
def test_spark_connect_gives_the_local_json(tmp_path, processes):
    pyspark = _pyspark()
    _need_java()
    jars = list((_spark_home() / "jars").glob("spark-connect_*.jar"))
    if not jars:
        pytest.skip(f"pyspark {pyspark.__version__} ships no Spark Connect server jar")
    pytest.importorskip("grpc", reason="Spark Connect's client needs pyspark[connect]")
    port = _free_port()
    server = _launch(
        [
            "org.apache.spark.deploy.SparkSubmit",
            *("--class", "org.apache.spark.sql.connect.service.SparkConnectServer"),
            *("--master", "local[2]", "--conf", f"spark.connect.grpc.binding.port={port}"),
            *("--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.ui.enabled=false"),
            *("--driver-java-options", _QUICK_JVM),
            str(jars[0]),
        ],
        tmp_path / "connect.log",
        processes,
    )
    _wait_for_port(port, server)
    out = tmp_path / "connect.json"
    run = subprocess.run(
        [*SCAN_JSON, "--spark-master", f"sc://127.0.0.1:{port}", "-o", str(out)],
        env=_spark_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "SparkConnectServer" in (tmp_path / "connect.log").read_text()
    _same_apart_from_engine(json.loads(out.read_text()), _local_json(SAMPLE))
    # a Connect client has no JVM to fetch a remote input with: it says so, exit 2
    remote = [*SCAN_JSON[:4], f"file:{SAMPLE}", *SCAN_JSON[5:]]
    run = subprocess.run(
        [*remote, "--spark-master", f"sc://127.0.0.1:{port}"],
        env=_spark_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 2
    assert f"file:{SAMPLE}: a Spark Connect session cannot fetch inputs" in run.stderr
    assert "Traceback" not in run.stderr
