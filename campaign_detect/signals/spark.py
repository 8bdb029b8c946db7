"""Co-action's post pairs, the bursts and the template candidates on Apache Spark: the local
engine's kernels, run per piece.

The pairs of a scan are the one part of it that grows faster than the input (every post of
an object within Δt of every other). `coaction_edges` makes the sweep rows on the driver
(one small integer row per post and shared object, after bounding) and hands them to a
`PairTotals` runner; this module's runner ships them to Spark and runs there:

1. ``groupBy(g % n).applyInArrow``: `coaction.sweep_pairs` on the rows of whole objects
   (it is closed over objects: a piece's rows give exactly that piece's pairs);
2. ``groupBy(ab % m).applyInArrow``: `coaction.pair_totals` on the post pairs of whole
   account pairs (closed over account pairs likewise).

Only the per-account-pair totals come back. Both kernels are the functions the local engine
calls on the whole frame, so the edges are the same to the last bit (`tests/test_spark.py`);
nothing here restates a rule of co-action. The bursts (`spark_bursts`) go the same way:
`bursts.bin_cells` per piece of objects (summed into the data-wide floors), then
`bursts.object_bursts` per piece; only the cell counts and the bursts come back. The
template candidates (`spark_candidates`) too: the driver signs the texts, and the band pairs
of whole buckets (`_similarity._band_pairs`) and the partner cap of whole texts' pair ends
(`_similarity._top_partners`) run per piece; only the kept pairs come back. `pyspark` is
imported only when a session is made or used: the local engine never needs it nor a JVM.

Inputs that only the cluster's file systems hold (``s3a://``, ``abfss://``, ``gs://``,
``hdfs://``, ``dbfs:/``) are fetched by `load_through_spark` through the session's Hadoop
file systems into a local directory and read there by the loader itself, so that they are
read exactly as a local file is, and reported under the names the user gave.
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.load import LoadedPosts, remote_path
from campaign_detect.load.readers import expand_paths, is_glob, with_paths_named
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.signals._similarity import (
    BAND_ROW_SCHEMA,
    BAND_STATS_SCHEMA,
    ENDS_SCHEMA,
    KEPT_SCHEMA,
    KEY_COLUMNS,
    MET_SCHEMA,
    PACKED_COLUMNS,
    CandidateRunner,
    Kept,
    Signed,
    band_piece,
    met_pair_bound,
    partner_piece,
    skipped_pairs,
    texts_table,
)
from campaign_detect.signals.bursts import (
    BURST_WIRE_SCHEMA,
    CELLS_SCHEMA,
    BurstRules,
    BurstRunner,
    bin_cells,
    bin_floors,
    object_bursts,
)
from campaign_detect.signals.coaction import (
    PAIR_SCHEMA,
    SWEEP_SCHEMA,
    TOTALS_SCHEMA,
    PairTotals,
    Sweep,
    candidate_count,
    pair_totals,
    sweep_pairs,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import SparkSession

__all__ = [
    "INSTALL",
    "load_through_spark",
    "spark_bursts",
    "spark_candidates",
    "spark_pair_totals",
    "spark_session",
]

# what a user without the extra is told to run
INSTALL = "pip install 'campaign-detect[spark]'"
# sweep rows and candidate post pairs per Spark task: bounds an executor's memory (a task
# holds its piece as Arrow and polars frames, about 100 bytes a pair at the peak)
ROWS_PER_TASK = 4_000_000
PAIRS_PER_TASK = 2_000_000
_BUCKET = "bucket"
# what a band piece sends back: its pairs (`MET_SCHEMA`) and one row of counts per band
# (`BAND_STATS_SCHEMA`, entry -1), in one frame
_MET_WIRE: dict[str, pl.DataType] = {**MET_SCHEMA, **BAND_STATS_SCHEMA}
_ENTRY_BITS = 40  # a band piece numbers its pairs from its piece number << this
_SPARK_PARTITIONS = 200  # Spark's own default of spark.sql.shuffle.partitions


def spark_session(master: str | None = None) -> SparkSession:
    """A Spark session on `master`: ``local[N]``, ``spark://HOST:PORT``, ``yarn``, ... or a
    Spark Connect server ``sc://HOST[:PORT]``; None is ``local[*]`` (or, inside a notebook
    that has one, its active session).

    Raises
    ------
    InputError
        Without pyspark (the message gives the install line) or, for a JVM on this
        machine, without Java.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError(
            f"--engine spark needs pyspark, which is not installed: {INSTALL}"
        ) from exc
    if master is not None and master.startswith("sc://"):
        return SparkSession.builder.remote(master).getOrCreate()
    if master is None and (active := SparkSession.getActiveSession()) is not None:
        return active
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise InputError(
            "--engine spark starts Spark, which needs Java 17 or later, and no java was found: "
            "install a JDK (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME, "
            "or pass --spark-master sc://HOST for a Spark Connect server"
        )
    master = master or "local[*]"
    if master.startswith("local"):
        # the Python workers are this interpreter, which has campaign_detect installed
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(master)
        .appName("campaign-detect")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def load_through_spark(
    spark: SparkSession, paths: Sequence[str], load: Callable[[list[str]], LoadedPosts]
) -> LoadedPosts:
    """`load` of `paths`, where each path that names a remote file (`remote_path`; a glob is
    expanded by its file system, sorted) is first copied by `spark`'s Hadoop file system
    into a local directory, removed once loaded. The result, and any `InputError` of the
    loader, name the remote files as the user gave them (a glob's files by their URI).

    Raises
    ------
    InputError
        A remote path that matches nothing, names a directory or a file system the session
        has no connector for, or a Spark Connect session (which has no driver-side JVM to
        fetch with).
    """
    paths = expand_paths(list(paths))
    if not any(remote_path(p) for p in paths):
        return load(paths)
    with tempfile.TemporaryDirectory(prefix="campaign-detect-inputs-") as into:
        local: list[str] = []
        names: dict[str, str] = {}
        for number, path in enumerate(paths):
            if not remote_path(path):
                local.append(path)
                continue
            for uri, copy in _fetch(spark, path, Path(into) / str(number)):
                local.append(copy)
                names[copy] = uri
        try:
            loaded = load(local)
        except InputError as exc:
            raise InputError(with_paths_named(str(exc), names)) from exc
    return loaded.with_file_names(names)


def _fetch(spark: SparkSession, path: str, into: Path) -> list[tuple[str, str]]:
    """``(uri, local copy)`` of each file `path` names on `spark`'s file systems, copied
    under `into` (a folder per file, keeping its name, so that its extension still says its
    format)."""
    context = getattr(spark, "sparkContext", None)  # a Connect session raises AttributeError
    if context is None:
        raise InputError(
            f"{path}: a Spark Connect session cannot fetch inputs to this machine; copy the "
            "file here and pass its local path"
        )
    from py4j.protocol import Py4JJavaError

    hadoop = context._jvm.org.apache.hadoop.fs  # type: ignore[union-attr]
    try:
        pattern = hadoop.Path(path)
        system = pattern.getFileSystem(context._jsc.hadoopConfiguration())  # type: ignore[union-attr]
        found = system.globStatus(pattern)
    except Py4JJavaError as exc:
        why = str(exc.java_exception.getMessage() or exc.java_exception).splitlines()[0]
        raise InputError(f"{path}: Spark cannot read it ({why})") from exc
    glob = is_glob(path)
    if not found:
        raise InputError(f"{path}: {'no files match this pattern' if glob else 'file not found'}")
    out = []
    for index, status in enumerate(sorted(found, key=lambda s: s.getPath().toString())):
        uri = status.getPath().toString() if glob else path
        if status.isDirectory():
            raise InputError(f"{uri}: is a directory; pass the files in it, e.g. {uri}/*.parquet")
        copy = into / str(index) / status.getPath().getName()
        copy.parent.mkdir(parents=True)
        system.copyToLocalFile(False, status.getPath(), hadoop.Path(copy.as_uri()), True)
        out.append((uri, str(copy)))
    return out


def spark_pair_totals(spark: SparkSession) -> PairTotals:
    """A `PairTotals` runner that makes and sums the post pairs on `spark`."""

    def run(rows: pl.DataFrame, sweep: Sweep, progress: ProgressCallback | None) -> pl.DataFrame:
        if rows.is_empty():
            return pair_totals(pl.DataFrame(schema=PAIR_SCHEMA), sweep)
        report(progress, "co-action pairs (spark)", 0, 1)
        pieces = _pieces(spark, rows.height, ROWS_PER_TASK)
        pair_pieces = _pieces(spark, candidate_count(rows, sweep), PAIRS_PER_TASK)
        frame = spark.createDataFrame(
            rows.with_columns((pl.col("g") % pieces).alias(_BUCKET)).to_arrow()
        )
        pairs = _by_bucket(frame, pieces).applyInArrow(
            _pairs_kernel(sweep, pair_pieces), _ddl({**PAIR_SCHEMA, _BUCKET: pl.Int64()})
        )
        totals = _by_bucket(pairs, pair_pieces).applyInArrow(
            _totals_kernel(sweep), _ddl(TOTALS_SCHEMA)
        )
        out = _frame(totals.toArrow(), TOTALS_SCHEMA)
        report(progress, "co-action pairs (spark)", 1, 1)
        return out

    return run


def spark_bursts(spark: SparkSession) -> BurstRunner:
    """A `BurstRunner` that finds the bursts on `spark`: the object rows are split by object,
    `bin_cells` of every piece give the floors, then `object_bursts` of every piece give
    the bursts; only the cell counts and the bursts come back."""

    def run(
        long: pl.DataFrame,
        objects: pl.DataFrame,
        rules: BurstRules,
        progress: ProgressCallback | None,
    ) -> pl.DataFrame:
        report(progress, "bursts (spark)", 0, 1)
        pieces = _pieces(spark, long.height, ROWS_PER_TASK)
        rows = long.join(objects, on="oid").with_columns((pl.col("oid") % pieces).alias(_BUCKET))
        # both steps read the same pieces: shuffled once and kept (memory, then disk)
        spread = spark.createDataFrame(_narrow(rows.to_arrow()))
        spread = spread.repartition(pieces, _BUCKET).persist()
        try:
            frame = spread.groupBy(_BUCKET)
            cells = frame.applyInArrow(_piece_kernel(bin_cells, rules), _ddl(CELLS_SCHEMA))
            floors = bin_floors(_frame(cells.toArrow(), CELLS_SCHEMA))
            rules = dataclasses.replace(rules, floors=floors)
            found = frame.applyInArrow(_piece_kernel(object_bursts, rules), _ddl(BURST_WIRE_SCHEMA))
            out = _frame(found.toArrow(), BURST_WIRE_SCHEMA)
        finally:
            spread.unpersist()
        report(progress, "bursts (spark)", 1, 1)
        return out

    return run


def _pair_ends(pairs: Any, node: str, partner: str) -> Any:
    """One end of each met pair (`ENDS_SCHEMA`): the pair, its `node` text and the
    preference rank of its `partner` text."""
    from pyspark.sql import functions as F

    return pairs.select(
        "entry",
        "left",
        "right",
        F.col(node).alias("node"),
        "agree",
        F.col(f"{partner}_pref").alias("partner_pref"),
    )


def spark_candidates(spark: SparkSession) -> CandidateRunner:
    """A `CandidateRunner` that makes the template candidates' band pairs and partner cap on
    `spark`.

    The driver signs the texts (the minhashes rank words of one vocabulary) and ships one
    row per text (`texts_table`); on Spark each row becomes one per band, and

    1. ``groupBy(hash(band, key) % n).applyInArrow``: `band_piece` (`_band_pairs`) on whole
       buckets, which give exactly their pairs;
    2. each pair's two ends, ``groupBy(text % m).applyInArrow``: `partner_piece`
       (`_top_partners`) on whole texts' ends, which flags the ends among their text's
       best partners;
    3. a pair is kept when either end was flagged or it is a close pivot pair (the union of
       the flagged ends and the close pairs, as `local_candidates` ORs its flags): only the
       kept pairs (one integer each), with how many met pairs each stands for, come back.

    Memory per task: `n` and `m` grow with the rows and with the pairs (`met_pair_bound`,
    counted on the driver before any pair is made; the met pairs, counted after step 1),
    so that a task holds about `ROWS_PER_TASK` rows or `PAIRS_PER_TASK` pairs on average.
    A bucket is one task whatever its size, but a bucket of more than ``max_bucket`` texts
    makes only four pairs a text (neighbours and pivots, `_bounded_bucket_pairs`), so its
    task holds memory linear in its texts; likewise a text's ends (a pivot's are the most:
    one per text of its huge buckets) are one task.
    """

    def run(signed: Signed, max_bucket: int) -> Kept:
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        texts = texts_table(signed.take(), signed.preference)
        pieces = max(
            _pieces(spark, len(KEY_COLUMNS) * texts.height, ROWS_PER_TASK),
            _pieces(spark, met_pair_bound(texts, max_bucket), PAIRS_PER_TASK),
        )
        frame = spark.createDataFrame(texts.to_arrow())
        del texts
        exploded = frame.select(
            F.posexplode(F.array(*KEY_COLUMNS)).alias("band", "key"),
            *("idx", "pref", *PACKED_COLUMNS),
        ).withColumn("band", F.col("band").cast("long"))
        rows = exploded.withColumn(_BUCKET, F.pmod(F.xxhash64("band", "key"), F.lit(pieces)))
        met = _by_bucket(rows, pieces).applyInArrow(_band_kernel(max_bucket), _ddl(_MET_WIRE))
        # read by the counts, both ends and the close pairs; on disk, not in the executors'
        # heap: at 1M posts the pairs met are tens of millions of rows, and with them cached
        # in memory (and the kept pairs collected as two integers) a 1 GiB local[2] JVM ran
        # out of heap in the last step (`bench/RESULTS.md`, 2026-12-03)
        met = met.persist(StorageLevel.DISK_ONLY)
        try:
            counts = _frame(met.filter(F.col("entry") < 0).toArrow(), BAND_STATS_SCHEMA)
            bands = counts.group_by("band").agg(pl.all().sum())
            n_met = int(bands["n_pairs"].sum())
            pairs = met.filter(F.col("entry") >= 0)
            ends = _pair_ends(pairs, "left", "right").unionByName(
                _pair_ends(pairs, "right", "left")
            )
            end_pieces = _pieces(spark, 2 * n_met, ROWS_PER_TASK)
            ends = ends.withColumn(_BUCKET, F.pmod(F.col("node"), F.lit(end_pieces)))
            n_texts = signed.preference.size
            flagged = _by_bucket(ends, end_pieces).applyInArrow(
                _partner_kernel(n_texts), _ddl(KEPT_SCHEMA)
            )
            close = pairs.filter(F.col("close")).select(*KEPT_SCHEMA)
            # each kept pair once, as one integer (what comes back to the driver), with the
            # number of distinct met pairs behind it
            pair = F.least("left", "right") * F.lit(n_texts) + F.greatest("left", "right")
            kept = flagged.unionByName(close).groupBy(pair.alias("pair"))
            found = kept.agg(F.countDistinct("entry").alias("n_entries"))
            out = _frame(found.toArrow(), _KEPT_WIRE)
        finally:
            met.unpersist()
        n_skipped = skipped_pairs(bands["n_excess"]) + n_met - int(out["n_entries"].sum())
        codes = out["pair"].to_numpy()
        return Kept(codes // n_texts, codes % n_texts, int(bands["n_bounded"].sum()), n_skipped)

    return run


_KEPT_WIRE: dict[str, pl.DataType] = {n: pl.Int64() for n in ("pair", "n_entries")}


def _band_kernel(max_bucket: int) -> Any:
    """Arrow → Arrow: `band_piece` of one piece of whole buckets, its pairs numbered from
    the piece's number (so unique over all pieces) and its counts as rows of entry -1."""

    def kernel(table: pa.Table) -> pa.Table:
        rows = _frame(table, {**BAND_ROW_SCHEMA, _BUCKET: pl.Int64()})
        first = int(rows[_BUCKET][0]) << _ENTRY_BITS
        met, counts = band_piece(rows.drop(_BUCKET), max_bucket, first)
        counts = counts.with_columns(pl.lit(-1, pl.Int64).alias("entry"))
        wire = pl.concat([met, counts], how="diagonal").select(list(_MET_WIRE))
        return wire.fill_null(0).fill_null(False).to_arrow()

    return kernel


def _partner_kernel(n_texts: int) -> Any:
    """Arrow → Arrow: `partner_piece` of one piece of whole texts' pair ends."""

    def kernel(table: pa.Table) -> pa.Table:
        return partner_piece(_frame(table, ENDS_SCHEMA), n_texts).to_arrow()

    return kernel


def _piece(table: pa.Table) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The object rows and the objects of one piece of `spark_bursts`' rows."""
    rows = pl.DataFrame(table)
    long = rows.select("oid", "account", "post", "ts_us").cast({"oid": pl.Int64})
    objects = rows.select("oid", "kind", "object").unique("oid").cast({"oid": pl.Int64})
    return long, objects


def _piece_kernel(
    step: Callable[[pl.DataFrame, pl.DataFrame, BurstRules], pl.DataFrame], rules: BurstRules
) -> Any:
    """Arrow → Arrow: `step` (`bin_cells`, or `object_bursts` given the floors) of one
    piece of objects."""

    def kernel(table: pa.Table) -> pa.Table:
        return _narrow(step(*_piece(table), rules).to_arrow())

    return kernel


def _pieces(spark: SparkSession, rows: int, per_task: int) -> int:
    """How many pieces a step splits its `rows` into: enough that a piece holds no more than
    `per_task` rows on average (an executor's memory), and at least one per core of the
    session so that every core works. No more than that: each piece is a Python call with
    its own Arrow conversion and scheduling; at 1M posts on ``local[2]``, 200 pieces
    (Spark's shuffle default, the earlier floor) made the bursts 3.5× and the pairs 1.5×
    slower than 2 (`bench/RESULTS.md`, 2026-12-02 10:19)."""
    return max(_parallelism(spark), math.ceil(rows / per_task))


def _parallelism(spark: SparkSession) -> int:
    """The session's default parallelism (its executors' cores); a Spark Connect client,
    which has no SparkContext, reads ``spark.default.parallelism`` and else
    ``spark.sql.shuffle.partitions`` (Spark's default where that is not a number, such as
    Databricks' ``auto``)."""
    context = getattr(spark, "sparkContext", None)  # a Connect session raises AttributeError
    if context is not None:
        return max(1, int(context.defaultParallelism))
    for key in ("spark.default.parallelism", "spark.sql.shuffle.partitions"):
        value = str(spark.conf.get(key, None) or "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return _SPARK_PARTITIONS


def _by_bucket(frame: Any, pieces: int) -> Any:
    """`frame` grouped by its piece number, shuffled into exactly `pieces` partitions (one
    task a piece) rather than Spark's ``spark.sql.shuffle.partitions``."""
    return frame.repartition(pieces, _BUCKET).groupBy(_BUCKET)


def _pairs_kernel(sweep: Sweep, pieces: int) -> Any:
    """Arrow → Arrow: `sweep_pairs` of one piece's sweep rows, keyed for the next step."""

    def kernel(table: pa.Table) -> pa.Table:
        rows = _frame(table, SWEEP_SCHEMA).sort("g", "t", "acct", "pidx")
        pairs = sweep_pairs(rows, sweep)
        return pairs.with_columns((pl.col("ab") % pieces).alias(_BUCKET)).to_arrow()

    return kernel


def _totals_kernel(sweep: Sweep) -> Any:
    """Arrow → Arrow: `pair_totals` of one piece's post pairs."""

    def kernel(table: pa.Table) -> pa.Table:
        return pair_totals(_frame(table, PAIR_SCHEMA), sweep).to_arrow()

    return kernel


def _frame(table: pa.Table, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The columns of `schema` of an Arrow table, as polars."""
    return pl.DataFrame(table).select(list(schema)).cast(schema)  # type: ignore[arg-type]


def _ddl(schema: Mapping[str, pl.DataType]) -> str:
    """Spark's DDL of a schema of Int64, Float64, String, Boolean and lists of String or Int64."""
    return ", ".join(f"{name} {_SPARK_TYPES[repr(dtype)]}" for name, dtype in schema.items())


_SPARK_TYPES = {
    repr(pl.Int64()): "long",
    repr(pl.Float64()): "double",
    repr(pl.String()): "string",
    repr(pl.Boolean()): "boolean",
    repr(pl.List(pl.String())): "array<string>",
    repr(pl.List(pl.Int64())): "array<long>",
}


def _narrow(table: pa.Table) -> pa.Table:
    """`table` with polars' large strings and lists as the plain Arrow types Spark reads."""
    import pyarrow as pa

    def narrow(dtype: pa.DataType) -> pa.DataType:
        if pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
            return pa.string()
        if pa.types.is_large_list(dtype) or pa.types.is_list(dtype):
            return pa.list_(narrow(dtype.value_type))
        return dtype

    return table.cast(pa.schema([(f.name, narrow(f.type)) for f in table.schema]))
