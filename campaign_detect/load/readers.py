"""Readers: one input file (or stdin) in any supported format -> a flat lazy frame.

Plain CSV/TSV, NDJSON and Parquet files are scanned lazily, so the loader collects all files
once; gzip-compressed files, stdin and JSON documents are read into memory first (gzip and
JSON cannot be scanned). Every frame gets two bookkeeping columns, `ROW` (1-based data row in
its file) and `FILE` (the path as given), and `FFFD` (the row holds a U+FFFD replacement
character). Nested JSON is flattened to dotted names (``author.username``), so that column
detection sees the same names whatever the export's nesting.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import IO, Any

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.load.formats import (
    EXPORT_FORMATS,
    RecordFormat,
    TableFormat,
    export_format,
    read_json_records,
    read_jsonl_records,
    recognise_columns,
    recognise_document,
    sniff_jsonl,
)
from campaign_detect.load.limits import (
    INFLATE_CHUNK,
    MAX_HEADER_BYTES,
    MAX_HEADER_FIELDS,
    MAX_INFLATE_RATIO,
    inflate_limit,
)
from campaign_detect.load.text import (
    SNIFF_BYTES,
    UTF8_BOM,
    check_utf8,
    decode,
    needs_decoding,
    ragged_csv,
    sniff_delimiter,
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
_REJECT = "__reject"  # normalise.REJECT: a row a reader could not map
_MALFORMED = "malformed record"
#: What polars raises when its Rust code panics on a damaged file (a BaseException).
_PANIC = pl.exceptions.PanicException
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
    rows_total
        For a CSV, its rows including blank lines (which the frame leaves out: the loader
        counts them as rejected ``blank row``s); None for other formats.
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
    rows_total: int | None = None


def _count_rows(frame: pl.LazyFrame) -> int | None:
    """The rows of a CSV frame, blank lines included (polars' fast count); None when the
    fast reader fails (the loader then reports the file, or reads it row by row)."""
    try:
        return int(frame.select(pl.len()).collect().item())
    except (pl.exceptions.PolarsError, _PANIC):
        return None


def _normalise_format(input_format: str) -> str:
    fmt = _FORMAT_ALIASES.get(input_format.lower(), input_format.lower())
    if fmt not in SUPPORTED_FORMATS:
        raise InputError(
            f"--input-format: unsupported format {input_format!r}; "
            f"supported: {', '.join(SUPPORTED_FORMATS)} or an export: "
            f"{', '.join(EXPORT_FORMATS)}"
        )
    return fmt


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
        if text != "-" and is_glob(text) and not os.path.exists(text):
            if remote_path(text):  # a remote glob: Spark expands it, and else reading says so
                out.append(text)
                continue
            matches = sorted(glob(text, recursive=True))
            if not matches:
                raise InputError(f"{text}: no files match this pattern")
            out.extend(matches)
        else:
            out.append(text)
    return out


# a URI with a scheme of two letters or more (``s3a://``, ``dbfs:/``, ``file:///``; not ``C:/``)
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:/")


def is_glob(path: str) -> bool:
    """Whether `path` is a glob pattern (holds ``*``, ``?`` or ``[``)."""
    return any(ch in path for ch in "*?[")


def with_paths_named(text: str, names: Mapping[str, str]) -> str:
    """`text` (a message, a notice) with each path that is a key of `names` called by its
    value: a local copy of a remote input named as the user gave it."""
    for path, name in names.items():
        text = text.replace(path, name)
    return text


def remote_path(path: str) -> bool:
    """Whether `path` names a file on a file system other than this machine's own (a URI
    that is not an existing local path): ``--engine spark`` fetches those through Spark."""
    return _URI.match(path) is not None and not os.path.exists(path)


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


def _looks_like_ndjson(data: bytes) -> bool:
    lines = [line for line in data.lstrip().splitlines()[:3] if line.strip()]
    return len(lines) > 1 and all(line.lstrip().startswith(b"{") for line in lines)


def _find_records_py(obj: Any) -> list[dict[str, Any]] | None:
    if isinstance(obj, list):
        if not any(isinstance(x, dict) for x in obj):
            return None
        # a null (or a number, a list) where a record is expected: a malformed row
        return [x if isinstance(x, dict) else {_REJECT: _MALFORMED} for x in obj]
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
    opened = _open(path, file_format, forced, stdin=stdin, encoding=encoding, lossy=lossy or ragged)
    fmt, data = opened.format, opened.data
    wanted = ("json", "jsonl") if isinstance(forced, RecordFormat) else ("csv", "tsv")
    if forced is not None and fmt not in wanted:
        raise InputError(
            f"{path}: --input-format {forced.name}: that export is written as "
            f"{' or '.join(wanted)}, and this file is {fmt}"
        )
    if fmt in ("csv", "tsv") and delimiter is None:
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(data or opened.head)
    if fmt in ("csv", "tsv"):
        _check_header(path, opened.header if data is None else data, delimiter or ",")
    try:
        read = _parse(path, fmt, data, delimiter, encoding, ragged=ragged, forced=forced)
        frame = flatten(read.frame.with_row_index(ROW, offset=1))
        schema = frame.collect_schema()
    except (pl.exceptions.PolarsError, OSError, _PANIC) as exc:
        if fmt == "jsonl" and data is None and "utf-8" in str(exc).lower():
            return read_input(path, input_format=input_format, encoding=encoding, lossy=True)
        lenient = _lenient_ndjson(data, path) if fmt == "jsonl" and forced is None else None
        if lenient is None:
            raise InputError(f"{path}: cannot read as {fmt} ({_first_line(exc)})") from exc
        read = _Read(lenient.lazy(), None)
        frame = flatten(read.frame.with_row_index(ROW, offset=1))
        schema = frame.collect_schema()
    columns = [n for n in schema.names() if n not in (ROW, _REJECT)]
    if not columns:
        raise InputError(f"{path}: the file holds no records")
    if len(columns) > MAX_HEADER_FIELDS:
        raise InputError(
            f"{path}: {len(columns):,} columns, more than the {MAX_HEADER_FIELDS:,} a table may "
            "have; "
            + (
                "check the delimiter (--delimiter) and the line ends"
                if fmt in ("csv", "tsv")
                else "export only the columns of the posts"
            )
        )
    rows_total = None
    if fmt in ("csv", "tsv"):
        # a blank line (every field empty) is counted here and left out of the frame: as a
        # frame row it would cost 250 bytes for its one byte (a file of newlines took GBs)
        rows_total = _count_rows(frame)
        blank = pl.all_horizontal(pl.col(columns).is_null())
        if _REJECT in schema:
            blank = blank & pl.col(_REJECT).is_null()
        frame = frame.filter(~blank)
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
    return RawInput(
        path=path,
        format=fmt,
        compressed=opened.compressed,
        frame=_bookkeeping(frame, path, [n for n in columns if schema.get(n) == pl.String], read),
        columns=columns,
        utf8_replaced=read.utf8_replaced,
        rows_total=rows_total,
        export=export,
        why=why,
        notes=read.notes,
        top_keys=read.top_keys,
    )


@dataclass(frozen=True)
class _Opened:
    format: str
    compressed: bool
    data: bytes | None  # the decoded bytes, or None when the file is scanned lazily
    head: bytes  # the first bytes of the file (for sniffing a lazily scanned CSV)
    header: bytes = b""  # a lazily scanned file's first line (up to MAX_HEADER_BYTES + 1)


def _open(
    path: str,
    file_format: str | None,
    forced: RecordFormat | TableFormat | None,
    *,
    stdin: IO[bytes] | None,
    encoding: str | None,
    lossy: bool,
) -> _Opened:
    """The format of `path`, and its bytes when it must be read into memory: stdin, gzip,
    JSON, another encoding, a JSONL export read record by record, or a retry."""
    if path == "-":
        data = _read_bytes(path, stdin)
        compressed = data.startswith(_GZIP_MAGIC)
        if compressed:
            data = _gunzip(data, path)
        data = decode(data, encoding, path)
        fmt = _normalise_format(file_format) if file_format else sniff_format(data)
        return _check_empty(path, _Opened(fmt, compressed, _line_ends(data, fmt), b""))
    try:
        return _open_file(path, file_format, forced, encoding=encoding, lossy=lossy)
    except PermissionError as exc:
        raise InputError(
            f"{path}: cannot be read (permission denied); check its permissions (chmod +r)"
        ) from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _open_file(
    path: str,
    file_format: str | None,
    forced: RecordFormat | TableFormat | None,
    *,
    encoding: str | None,
    lossy: bool,
) -> _Opened:
    file = Path(path)
    if not file.exists() and remote_path(path):
        raise InputError(
            f"{path}: not a file on this machine; scan it with --engine spark, which reads it "
            "through Spark's file systems, or copy it here first"
        )
    if not file.exists():
        raise InputError(f"{path}: file not found")
    if file.is_dir():
        raise InputError(f"{path}: is a directory; pass the files in it, e.g. {path}/*.jsonl")
    fmt, _ = detect_format(path, file_format)
    if file.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    with file.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    compressed = head.startswith(_GZIP_MAGIC)
    cr_only = _cr_only(head) and fmt in ("csv", "tsv", "jsonl")
    if compressed or fmt == "json" or lossy or cr_only or needs_decoding(head, encoding):
        data = file.read_bytes()
        data = decode(_gunzip(data, path) if compressed else data, encoding, path)
        return _check_empty(path, _Opened(fmt, compressed, _line_ends(data, fmt), head))
    if fmt == "jsonl" and (forced is not None or _record_sniff(file, forced)):
        return _check_empty(path, _Opened(fmt, compressed, file.read_bytes(), head))
    header = head
    if b"\n" not in head and len(head) == SNIFF_BYTES:
        with file.open("rb") as handle:
            header = handle.readline(MAX_HEADER_BYTES + 1)
    return _Opened(fmt, compressed, None, head.removeprefix(UTF8_BOM), header)


def _cr_only(head: bytes) -> bool:
    """Whether a file starting with `head` ends its lines with a lone CR (classic Mac OS,
    some spreadsheet exports): polars would read it as one endless line."""
    return b"\r" in head and b"\n" not in head


def _line_ends(data: bytes, fmt: str) -> bytes:
    """`data` with lone-CR line ends made LF (text formats only)."""
    if fmt in ("csv", "tsv", "jsonl") and _cr_only(data[:SNIFF_BYTES]):
        return data.replace(b"\r", b"\n")
    return data


def _check_header(path: str, data: bytes, delimiter: str) -> None:
    """Refuse a CSV whose header line is longer than `MAX_HEADER_BYTES` or has more than
    `MAX_HEADER_FIELDS` fields (before polars reads it: such a file took gigabytes)."""
    line = data[: MAX_HEADER_BYTES + 1].split(b"\n", 1)[0]
    if len(line) > MAX_HEADER_BYTES:
        raise InputError(
            f"{path}: the header line is longer than {MAX_HEADER_BYTES:,} bytes; "
            "check that this is a CSV with one record per line (its line ends, --delimiter)"
        )
    sep = delimiter.encode()
    fields = sum(part.count(sep) for part in line.split(b'"')[::2]) + 1
    if fields > MAX_HEADER_FIELDS:
        raise InputError(
            f"{path}: the header line has {fields:,} fields, more than the "
            f"{MAX_HEADER_FIELDS:,} a table may have; check the delimiter (--delimiter) "
            "and the line ends"
        )


def _check_empty(path: str, opened: _Opened) -> _Opened:
    if opened.data is not None and not opened.data.strip():
        raise InputError(f"{path}: the file is empty")
    return opened


def _parse(
    path: str,
    fmt: str,
    data: bytes | None,
    delimiter: str | None,
    encoding: str | None,
    *,
    ragged: bool,
    forced: RecordFormat | TableFormat | None,
) -> _Read:
    """`_read_frame`, and for a CSV that has a row with more fields than its header, the
    same read row by row (that row counted as malformed, the others kept)."""
    try:
        return _read_frame(path, fmt, data, delimiter=delimiter, ragged=ragged, forced=forced)
    except pl.exceptions.PolarsError as exc:
        if fmt not in ("csv", "tsv") or "more fields" not in str(exc) or ragged:
            raise
    if data is None:
        data = decode(Path(path).read_bytes(), encoding, path)
    return _read_frame(path, fmt, data, delimiter=delimiter, ragged=True, forced=forced)


def _bookkeeping(frame: pl.LazyFrame, path: str, strings: list[str], read: _Read) -> pl.LazyFrame:
    """`ROW` as u64, `FILE`, and `FFFD` (a string field holds U+FFFD)."""
    if read.utf8_replaced is False or not strings:
        flag = pl.lit(False)
    else:
        flag = pl.any_horizontal(
            pl.col(n).str.contains("\ufffd", literal=True).fill_null(False) for n in strings
        )
    return frame.with_columns(
        pl.col(ROW).cast(pl.UInt64), pl.lit(path).alias(FILE), flag.alias(FFFD)
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
    """Inflate every gzip member of `data`, a chunk at a time, refusing to go past
    `inflate_limit` (a decompression bomb stops there, not when memory runs out)."""
    limit = inflate_limit(len(data))
    parts: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pending = rest
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, INFLATE_CHUNK)
                size += len(piece)
                if size > limit:
                    raise InputError(
                        f"{path}: inflates to more than {limit:,} bytes (over "
                        f"{MAX_INFLATE_RATIO} times its size): refused as a possible "
                        "decompression bomb; if the file is genuine, decompress it (gunzip) "
                        "and pass the plain file"
                    )
                parts.append(piece)
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                raise EOFError("the file ends before the end of its gzip stream (truncated)")
            rest = inflater.unused_data.lstrip(b"\x00")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: not a readable gzip file ({exc})") from exc
    return b"".join(parts)


def _lenient_ndjson(data: bytes | None, path: str) -> pl.DataFrame | None:
    """An NDJSON file polars refused (a line that is null, a list, or not JSON), read line
    by line: each object a row, anything else a malformed row. None when no line is an
    object (then the file is not NDJSON at all)."""
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None
    records: list[dict[str, Any]] = []
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        records.append(value if isinstance(value, dict) else {_REJECT: _MALFORMED})
    if not any(_REJECT not in r for r in records):
        return None
    try:
        return pl.DataFrame(records, infer_schema_length=None, strict=False)
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class _Read:
    frame: pl.LazyFrame
    utf8_replaced: bool | None
    export: RecordFormat | TableFormat | None = None
    why: str | None = None
    notes: tuple[str, ...] = ()
    top_keys: tuple[str, ...] | None = None


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
        data, replaced = check_utf8(data)
        if ragged:
            return _Read(ragged_csv(data, separator, path).lazy(), replaced)
        return _Read(pl.read_csv(io.BytesIO(data), **options).lazy(), replaced)
    record_forced = forced if isinstance(forced, RecordFormat) else None
    if fmt == "jsonl":
        if data is None:
            return _Read(pl.scan_ndjson(path, infer_schema_length=None), False)
        data, replaced = check_utf8(data)
        found = sniff_jsonl(data, record_forced)
        if found is not None:
            frame, notes = read_jsonl_records(found[0], data, path)
            return _Read(frame.lazy(), replaced, found[0], found[1], tuple(notes))
        return _Read(pl.read_ndjson(io.BytesIO(data), infer_schema_length=None).lazy(), replaced)
    if fmt == "json":
        assert data is not None
        data, replaced = check_utf8(data)
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
