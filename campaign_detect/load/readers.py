"""Readers: one input file (or stdin) in any supported format -> a flat lazy frame.

Plain CSV/TSV, NDJSON and Parquet files are scanned lazily, so the loader collects all files
once; gzip-compressed files, stdin and JSON documents are read into memory first (gzip and
JSON cannot be scanned). Every frame gets two bookkeeping columns, `ROW` (1-based data row in
its file) and `FILE` (the path as given), and `FFFD` (the row holds a U+FFFD replacement
character). Nested JSON is flattened to dotted names (``author.username``), so that column
detection sees the same names whatever the export's nesting.
"""

from __future__ import annotations

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
    """

    path: str
    format: str
    compressed: bool
    frame: pl.LazyFrame
    columns: list[str]
    utf8_replaced: bool | None


def _normalise_format(input_format: str) -> str:
    fmt = _FORMAT_ALIASES.get(input_format.lower(), input_format.lower())
    if fmt not in SUPPORTED_FORMATS:
        raise InputError(
            f"--input-format: unsupported format {input_format!r}; "
            f"supported: {', '.join(SUPPORTED_FORMATS)}"
        )
    return fmt


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
) -> RawInput:
    """Open one input and return its records as a flat lazy frame.

    Parameters
    ----------
    path
        A file path, or ``-`` for stdin.
    input_format
        Overrides the format given by the extension (required for stdin unless sniffed).
    stdin
        The byte stream read for ``-`` (default: the process's stdin).
    lossy
        Read NDJSON through Python with invalid UTF-8 replaced (the loader's retry after a
        lazy scan found invalid bytes).

    Raises
    ------
    InputError
        Missing file, unsupported format, empty file, or a file that cannot be parsed.
    """
    if path == "-":
        data: bytes | None = _read_bytes(path, stdin)
        assert data is not None
        compressed = data.startswith(_GZIP_MAGIC)
        if compressed:
            data = _gunzip(data, path)
        fmt = _normalise_format(input_format) if input_format else sniff_format(data)
    else:
        file = Path(path)
        if not file.exists():
            raise InputError(f"{path}: file not found")
        if file.is_dir():
            raise InputError(f"{path}: is a directory; pass the files in it, e.g. {path}/*.jsonl")
        fmt, _ = detect_format(path, input_format)
        if file.stat().st_size == 0:
            raise InputError(f"{path}: the file is empty")
        with file.open("rb") as handle:
            compressed = handle.read(2) == _GZIP_MAGIC
        data = None
        if compressed:
            data = _gunzip(file.read_bytes(), path)
        elif fmt == "json" or (fmt == "jsonl" and lossy):
            data = file.read_bytes()
    if data is not None and not data.strip():
        raise InputError(f"{path}: the file is empty")
    try:
        frame, utf8_replaced = _read_frame(path, fmt, data)
        frame = flatten(frame.with_row_index(ROW, offset=1))
        schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        if fmt == "jsonl" and data is None and "utf-8" in str(exc).lower():
            return read_input(path, input_format=input_format, lossy=True)
        raise InputError(f"{path}: cannot read as {fmt} ({_first_line(exc)})") from exc
    columns = [n for n in schema.names() if n != ROW]
    if not columns:
        raise InputError(f"{path}: the file holds no records")
    strings = [n for n in columns if schema[n] == pl.String]
    if utf8_replaced is False or not strings:
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
        utf8_replaced=utf8_replaced,
    )


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _gunzip(data: bytes, path: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: not a readable gzip file ({exc})") from exc


def _read_frame(path: str, fmt: str, data: bytes | None) -> tuple[pl.LazyFrame, bool | None]:
    if fmt in ("csv", "tsv"):
        options: dict[str, Any] = {
            "separator": "\t" if fmt == "tsv" else ",",
            "infer_schema": False,
            "encoding": "utf8-lossy",
        }
        if data is None:
            return pl.scan_csv(path, **options), None
        data, replaced = _check_utf8(data)
        return pl.read_csv(io.BytesIO(data), **options).lazy(), replaced
    if fmt == "jsonl":
        if data is None:
            return pl.scan_ndjson(path, infer_schema_length=None), False
        data, replaced = _check_utf8(data)
        return pl.read_ndjson(io.BytesIO(data), infer_schema_length=None).lazy(), replaced
    if fmt == "json":
        assert data is not None
        data, replaced = _check_utf8(data)
        return _read_json(data, path).lazy(), replaced
    if data is None:
        pl.read_parquet_schema(path)  # fails fast on a corrupt file
        return pl.scan_parquet(path), False
    return pl.read_parquet(io.BytesIO(data)).lazy(), False
