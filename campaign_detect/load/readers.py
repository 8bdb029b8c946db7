"""Readers: one input file (or stdin) in any supported format -> a flat lazy frame.

Plain CSV/TSV, NDJSON and Parquet files are scanned lazily, so the loader collects all files
once; gzip-compressed files, stdin and JSON documents are read into memory first (gzip and
JSON cannot be scanned). Every frame gets two bookkeeping columns, `ROW` (1-based data row in
its file) and `FILE` (the path as given), and `FFFD` (the row holds a U+FFFD replacement
character). Nested JSON is flattened to dotted names (``author.username``), so that column
detection sees the same names whatever the export's nesting.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import IO, Any

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.load.formats import (
    EXPORT_FORMATS,
    MALFORMED,
    RecordFormat,
    TableFormat,
    export_format,
    read_json_records,
    read_jsonl_records,
    recognise_columns,
    recognise_document,
    sniff_jsonl,
)

__all__ = [
    "FFFD",
    "FILE",
    "ROW",
    "SUPPORTED_FORMATS",
    "RawInput",
    "detect_format",
    "expand_paths",
    "flatten",
    "read_input",
    "sniff_delimiter",
    "sniff_format",
]

SUPPORTED_FORMATS = ("csv", "tsv", "jsonl", "json", "parquet")
ROW = "__row"
FILE = "__file"
FFFD = "__fffd"

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FORMAT_ALIASES = {"ndjson": "jsonl", "pq": "parquet"}
_GZIP_MAGIC = b"\x1f\x8b"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_BYTES = 1 << 16
# names API exports give the list of records inside a wrapping object, most specific first
_RECORD_KEYS = ("videos", "tweets", "statuses", "posts", "items", "records", "results", "data")


@dataclass(frozen=True)
class RawInput:
    """One input read into a flat lazy frame.

    Attributes
    ----------
    path
        The path as given (``-`` for stdin).
    format
        One of `SUPPORTED_FORMATS`.
    compressed
        Whether the input was gzip-compressed.
    frame
        The records, structs flattened to dotted names, plus `ROW`, `FILE` and `FFFD`.
    columns
        The input's own (flattened) column names, without the bookkeeping columns.
    utf8_replaced
        True when invalid UTF-8 bytes were replaced, False when the bytes were valid, None
        when not checked yet (a lazily scanned CSV: check only if `FFFD` rows turn up).
    export
        The platform export recognised (its frame then holds the canonical columns of
        `campaign_detect.load.formats.CANONICAL`), or None for a plain table.
    why
        What in the file made it that export.
    notes
        What a person should know about reading it (pages without posts).
    top_keys
        For a JSON object of no known shape read as one table, its top-level keys (for the
        error when no account or time column turns up).
    """

    path: str
    format: str
    compressed: bool
    frame: pl.LazyFrame
    columns: list[str]
    utf8_replaced: bool | None
    export: RecordFormat | TableFormat | None = None
    why: str | None = None
    notes: tuple[str, ...] = ()
    top_keys: tuple[str, ...] | None = None


def _normalise_format(input_format: str) -> str:
    fmt = _FORMAT_ALIASES.get(input_format.lower(), input_format.lower())
    if fmt not in SUPPORTED_FORMATS:
        raise InputError(
            f"--input-format: unsupported format {input_format!r}; "
            f"supported: {', '.join(SUPPORTED_FORMATS)} or an export: "
            f"{', '.join(EXPORT_FORMATS)}"
        )
    return fmt


def sniff_delimiter(header: bytes) -> str:
    """The field separator of a CSV, from its header line: the most frequent of ``,``,
    ``;``, tab and ``|`` outside quotes (a comma when none occurs).

    Examples
    --------
    >>> sniff_delimiter(b"id;username;created_at\\n"), sniff_delimiter(b'"a,b",c\\n')
    (';', ',')
    """
    line = header.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    outside = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _decode(data: bytes, encoding: str | None, path: str) -> bytes:
    """`data` as UTF-8: UTF-16 by its byte-order mark, else `encoding` (UTF-8 default)."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not readable as UTF-16 ({exc})") from exc
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    name = (encoding or "utf-8").lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        return data
    try:
        return data.decode(name, errors="replace").encode("utf-8")
    except LookupError as exc:
        raise InputError(
            f"--encoding: unknown encoding {encoding!r}; e.g. utf-8, utf-16, cp1252, latin-1"
        ) from exc


def _split_format(input_format: str | None) -> tuple[str | None, RecordFormat | TableFormat | None]:
    """--input-format as (file format, export): an export name implies its file format only
    through the file's extension."""
    if input_format is None:
        return None, None
    export = export_format(input_format)
    if export is None:
        return input_format, None
    return None, export


def detect_format(path: str, input_format: str | None = None) -> tuple[str, bool]:
    """The format of `path` (from its extension unless `input_format` is given) and whether
    its name says it is gzip-compressed.

    Raises
    ------
    InputError
        When the extension is not a supported one and no `input_format` is given.

    Examples
    --------
    >>> detect_format("data/posts.CSV.gz")
    ('csv', True)
    >>> detect_format("export.txt", "ndjson")
    ('jsonl', False)
    """
    name = Path(path).name.lower()
    compressed = name.endswith(".gz")
    stem = name.removesuffix(".gz")
    if input_format is not None:
        return _normalise_format(input_format), compressed
    suffix = Path(stem).suffix
    if suffix not in _EXTENSIONS:
        shown = suffix or "(no extension)"
        raise InputError(
            f"{path}: unsupported file extension {shown}; supported: "
            f"{', '.join(sorted(_EXTENSIONS))} (optionally .gz); "
            f"or name the format with --input-format {{{','.join(SUPPORTED_FORMATS)}}}"
        )
    return _EXTENSIONS[suffix], compressed


def expand_paths(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
    """The input paths in order, with glob patterns expanded (sorted) and ``-`` kept for stdin.

    Raises
    ------
    InputError
        When no path is given, or a pattern matches nothing.
    """
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if not items:
        raise InputError("no input files given; pass one or more paths, a glob, or - for stdin")
    out: list[str] = []
    for item in items:
        text = os.fspath(item)
        if text != "-" and any(ch in text for ch in "*?[") and not os.path.exists(text):
            matches = sorted(glob(text, recursive=True))
            if not matches:
                raise InputError(f"{text}: no files match this pattern")
            out.extend(matches)
        else:
            out.append(text)
    return out


def sniff_format(data: bytes) -> str:
    """Guess the format of `data` (for stdin without --input-format) from its first bytes.

    Examples
    --------
    >>> sniff_format(b'{"id": 1}\\n{"id": 2}\\n'), sniff_format(b'[{"id": 1}]')
    ('jsonl', 'json')
    >>> sniff_format(b"a\\tb\\n1\\t2\\n"), sniff_format(b"a,b\\n1,2\\n")
    ('tsv', 'csv')
    """
    if data.startswith(b"PAR1"):
        return "parquet"
    body = data.lstrip()
    if body.startswith(b"["):
        return "json"
    if body.startswith(b"{"):
        lines = [line for line in body.splitlines()[:3] if line.strip()]
        if len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines):
            return "jsonl"
        return "json"
    first = body.split(b"\n", 1)[0]
    return "tsv" if first.count(b"\t") > first.count(b",") else "csv"


def flatten(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Replace every struct column by its fields, named ``parent.field``, recursively.

    A field whose dotted name already exists as a column is left out (the existing column
    wins); empty structs disappear.

    Examples
    --------
    >>> import polars as pl
    >>> lf = pl.LazyFrame({"id": [1], "author": [{"username": "Ana", "x": {"y": 2}}]})
    >>> flatten(lf).collect_schema().names()
    ['id', 'author.username', 'author.x.y']
    """
    while True:
        schema = frame.collect_schema()
        if not any(isinstance(dtype, pl.Struct) for dtype in schema.values()):
            return frame
        taken = set(schema.names())
        exprs: list[pl.Expr] = []
        for name, dtype in schema.items():
            if not isinstance(dtype, pl.Struct):
                exprs.append(pl.col(name))
                continue
            for fld in dtype.fields:
                dotted = f"{name}.{fld.name}"
                if dotted not in taken:
                    taken.add(dotted)
                    exprs.append(pl.col(name).struct.field(fld.name).alias(dotted))
        frame = frame.select(exprs)


def _check_utf8(data: bytes) -> tuple[bytes, bool]:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace").encode("utf-8"), True
    return data, False


def _looks_like_ndjson(data: bytes) -> bool:
    lines = [line for line in data.lstrip().splitlines()[:3] if line.strip()]
    return len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines)


def _find_records_py(obj: Any) -> list[dict[str, Any]] | None:
    if isinstance(obj, list):
        return obj if all(isinstance(x, dict) for x in obj) else None
    if not isinstance(obj, dict):
        return None
    lists = {k: v for k, v in obj.items() if isinstance(v, list) and v and isinstance(v[0], dict)}
    for key in _RECORD_KEYS:
        if key in lists:
            return lists[key]
    if len(lists) == 1:
        return next(iter(lists.values()))
    for value in obj.values():
        if isinstance(value, dict) and (found := _find_records_py(value)) is not None:
            return found
    return [obj]


def _unwrap_records(frame: pl.DataFrame, path: str) -> pl.DataFrame:
    """A JSON object read as one row: its one list of records, exploded into rows."""
    flat = flatten(frame.lazy()).collect()
    lists = [
        name
        for name, dtype in flat.schema.items()
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct | pl.Null)
    ]
    by_key: dict[str, list[str]] = {}
    for name in lists:
        by_key.setdefault(name.rsplit(".", 1)[-1].lower(), []).append(name)
    preferred = [name for key in _RECORD_KEYS for name in by_key.get(key, [])]
    if not preferred:
        top_level = [name for name in lists if "." not in name]
        if len(top_level) > 1:
            raise InputError(
                f"{path}: the JSON object holds several lists of records "
                f"({', '.join(top_level)}); export one list, or a JSON array of records"
            )
        preferred = top_level
    if not preferred:
        return frame  # the object is itself one record
    lists = preferred[:1]
    column = flat[lists[0]]
    if isinstance(column.dtype.inner, pl.Null) or column.list.len().sum() == 0:  # type: ignore[attr-defined]
        return pl.DataFrame()
    return column.explode().struct.unnest()


def _read_json(data: bytes, path: str) -> pl.DataFrame:
    try:
        frame = pl.read_json(io.BytesIO(data), infer_schema_length=None)
    except pl.exceptions.PolarsError:
        if _looks_like_ndjson(data):
            try:
                return pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
            except pl.exceptions.PolarsError:
                pass
        try:
            obj = json.loads(data)
        except ValueError as exc:
            raise InputError(
                f"{path}: not valid JSON ({exc}); check the file or --input-format"
            ) from exc
        records = _find_records_py(obj)
        if records is None:
            raise InputError(
                f"{path}: the JSON holds no records (objects); expected a list of objects"
            ) from None
        try:
            return pl.DataFrame(records, infer_schema_length=None, strict=False)
        except (pl.exceptions.PolarsError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: cannot read the JSON records as a table ({exc})") from exc
    if data.lstrip().startswith(b"{"):
        return _unwrap_records(frame, path)
    return frame


def _read_bytes(path: str, stdin: IO[bytes] | None) -> bytes:
    if path == "-":
        return (stdin if stdin is not None else sys.stdin.buffer).read()
    return Path(path).read_bytes()


def read_input(
    path: str,
    *,
    input_format: str | None = None,
    stdin: IO[bytes] | None = None,
    lossy: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
    ragged: bool = False,
) -> RawInput:
    """Open one input and return its records as a flat lazy frame.

    Parameters
    ----------
    path
        A file path, or ``-`` for stdin.
    input_format
        Overrides the format given by the extension (required for stdin unless sniffed);
        the name of an export (``twarc2``, ``telegram``, ...) forces that export's mapping.
    stdin
        The byte stream read for ``-`` (default: the process's stdin).
    lossy
        Read NDJSON through Python with invalid UTF-8 replaced (the loader's retry after a
        lazy scan found invalid bytes).
    delimiter
        The CSV field separator; None sniffs it from the header line (tab for ``.tsv``).
    encoding
        The text encoding; None is UTF-8 (UTF-16 is recognised by its byte-order mark).
    ragged
        Read a CSV row by row, so that rows with more fields than the header become
        rejected rows (the loader's retry after the fast reader refused the file).

    Raises
    ------
    InputError
        Missing file, unsupported format, empty file, or a file that cannot be parsed.
    """
    file_format, forced = _split_format(input_format)
    if path == "-":
        data: bytes | None = _read_bytes(path, stdin)
        assert data is not None
        compressed = data.startswith(_GZIP_MAGIC)
        if compressed:
            data = _gunzip(data, path)
        data = _decode(data, encoding, path)
        fmt = _normalise_format(file_format) if file_format else sniff_format(data)
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"{path}: file not found")
        if file.is_dir():
            raise InputError(f"{path}: is a directory; pass the files in it, e.g. {path}/*.jsonl")
        fmt, _ = detect_format(path, file_format)
        if file.stat().st_size == 0:
            raise InputError(f"{path}: the file is empty")
        with file.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
        compressed = head.startswith(_GZIP_MAGIC)
        data = None
        plain = (encoding or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8")
        if (
            compressed
            or fmt == "json"
            or (fmt == "jsonl" and lossy)
            or ragged
            or head.startswith(_UTF16_BOMS)
            or not plain
        ):
            data = file.read_bytes()
            if compressed:
                data = _gunzip(data, path)
            data = _decode(data, encoding, path)
        elif fmt == "jsonl" and (forced is not None or _record_sniff(file, forced)):
            data = file.read_bytes()
        if data is None and fmt in ("csv", "tsv") and delimiter is None and fmt == "csv":
            delimiter = sniff_delimiter(head.removeprefix(_UTF8_BOM))
    if data is not None and not data.strip():
        raise InputError(f"{path}: the file is empty")
    wanted = ("json", "jsonl") if isinstance(forced, RecordFormat) else ("csv", "tsv")
    if forced is not None and fmt not in wanted:
        raise InputError(
            f"{path}: --input-format {forced.name}: that export is written as "
            f"{' or '.join(wanted)}, and this file is {fmt}"
        )
    if fmt in ("csv", "tsv") and delimiter is None:
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(data or b"")
    try:
        try:
            read = _read_frame(path, fmt, data, delimiter=delimiter, ragged=ragged, forced=forced)
        except pl.exceptions.PolarsError as exc:
            if fmt not in ("csv", "tsv") or "more fields" not in str(exc) or ragged:
                raise
            # a row with more fields than the header: read row by row, count it, go on
            if data is None:
                data = _decode(Path(path).read_bytes(), encoding, path)
            read = _read_frame(path, fmt, data, delimiter=delimiter, ragged=True, forced=forced)
        frame = flatten(read.frame.with_row_index(ROW, offset=1))
        schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        if fmt == "jsonl" and data is None and "utf-8" in str(exc).lower():
            return read_input(path, input_format=input_format, encoding=encoding, lossy=True)
        raise InputError(f"{path}: cannot read as {fmt} ({_first_line(exc)})") from exc
    columns = [n for n in schema.names() if n != ROW]
    if not columns:
        raise InputError(f"{path}: the file holds no records")
    export, why = read.export, read.why
    if export is None and fmt in ("csv", "tsv"):
        found = recognise_columns(columns, forced if isinstance(forced, TableFormat) else None)
        if found is not None:
            export, why = found
            assert isinstance(export, TableFormat)
            frame = export.adapt(frame, {c.lower(): c for c in reversed(columns)})
            columns = [*columns, *(e for e in export.extras if e not in columns)]
            schema = frame.collect_schema()
    if forced is not None and export is None:
        raise InputError(
            f"{path}: --input-format {forced.name}: the file does not have that export's shape "
            f"({forced.title}); columns found: {', '.join(columns[:20])}"
        )
    strings = [n for n in columns if schema.get(n) == pl.String]
    if read.utf8_replaced is False or not strings:
        flag = pl.lit(False)
    else:
        flag = pl.any_horizontal(
            pl.col(n).str.contains("\ufffd", literal=True).fill_null(False) for n in strings
        )
    frame = frame.with_columns(
        pl.col(ROW).cast(pl.UInt64), pl.lit(path).alias(FILE), flag.alias(FFFD)
    )
    return RawInput(
        path=path,
        format=fmt,
        compressed=compressed,
        frame=frame,
        columns=columns,
        utf8_replaced=read.utf8_replaced,
        export=export,
        why=why,
        notes=read.notes,
        top_keys=read.top_keys,
    )


def _record_sniff(file: Path, forced: RecordFormat | TableFormat | None) -> bool:
    """Whether the first lines of an NDJSON file are a record format's (read in Python).
    Whole lines are read, however long: one API response per line is often megabytes."""
    with file.open("rb") as handle:
        lines = [handle.readline() for _ in range(5)]
    record = forced if isinstance(forced, RecordFormat) else None
    return sniff_jsonl(b"".join(lines), record) is not None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _gunzip(data: bytes, path: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: not a readable gzip file ({exc})") from exc


@dataclass(frozen=True)
class _Read:
    frame: pl.LazyFrame
    utf8_replaced: bool | None
    export: RecordFormat | TableFormat | None = None
    why: str | None = None
    notes: tuple[str, ...] = ()
    top_keys: tuple[str, ...] | None = None


def _ragged_csv(data: bytes, separator: str) -> pl.DataFrame:
    """A CSV read row by row: rows with more fields than the header are kept as rejected
    rows (``__reject``), so their numbers are reported (only used after the fast reader
    refused the file)."""
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = next(reader, [])
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in header]
    reject: list[str | None] = []
    for fields in reader:
        if not fields:
            continue
        bad = len(fields) > width
        for i in range(width):
            columns[i].append(None if bad or i >= len(fields) else fields[i])
        reject.append(MALFORMED if bad else None)
    frame = dict(zip(_unique(header), columns, strict=True))
    frame["__reject"] = reject
    return pl.DataFrame(frame, schema=dict.fromkeys(frame, pl.String))


def _unique(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(name if n == 0 else f"{name}_duplicated_{n - 1}")
    return out


def _read_frame(
    path: str,
    fmt: str,
    data: bytes | None,
    *,
    delimiter: str | None = None,
    ragged: bool = False,
    forced: RecordFormat | TableFormat | None = None,
) -> _Read:
    if fmt in ("csv", "tsv"):
        separator = delimiter or ("\t" if fmt == "tsv" else ",")
        if len(separator) != 1:
            raise InputError(f"--delimiter: one character expected, got {separator!r}")
        options: dict[str, Any] = {
            "separator": separator,
            "infer_schema": False,
            "encoding": "utf8-lossy",
        }
        if data is None:
            return _Read(pl.scan_csv(path, **options), None)
        data, replaced = _check_utf8(data)
        if ragged:
            return _Read(_ragged_csv(data, separator).lazy(), replaced)
        return _Read(pl.read_csv(io.BytesIO(data), **options).lazy(), replaced)
    record_forced = forced if isinstance(forced, RecordFormat) else None
    if fmt == "jsonl":
        if data is None:
            return _Read(pl.scan_ndjson(path, infer_schema_length=None), False)
        data, replaced = _check_utf8(data)
        found = sniff_jsonl(data, record_forced)
        if found is not None:
            frame, notes = read_jsonl_records(found[0], data, path)
            return _Read(frame.lazy(), replaced, found[0], found[1], tuple(notes))
        return _Read(pl.read_ndjson(io.BytesIO(data), infer_schema_length=None).lazy(), replaced)
    if fmt == "json":
        assert data is not None
        data, replaced = _check_utf8(data)
        try:
            doc = json.loads(data)
        except ValueError:
            doc = None
        if doc is not None:
            found = recognise_document(doc, record_forced)
            if found is not None:
                frame, notes = read_json_records(found[0], doc, path)
                return _Read(frame.lazy(), replaced, found[0], found[1], tuple(notes))
        elif _looks_like_ndjson(data):
            found = sniff_jsonl(data, record_forced)
            if found is not None:
                frame, notes = read_jsonl_records(found[0], data, path)
                return _Read(frame.lazy(), replaced, found[0], found[1], tuple(notes))
        keys = tuple(str(k) for k in doc) if isinstance(doc, dict) else None
        return _Read(_read_json(data, path).lazy(), replaced, top_keys=keys)
    if data is None:
        pl.read_parquet_schema(path)  # fails fast on a corrupt file
        return _Read(pl.scan_parquet(path), False)
    return _Read(pl.read_parquet(io.BytesIO(data)).lazy(), False)
