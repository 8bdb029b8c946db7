"""Bytes to text for the readers: encodings, CSV delimiters and CSV rows that do not fit.

Everything here runs once per file, except `ragged_csv`, a row-by-row read used only after
the fast CSV reader refused a file for a row with more fields than its header.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.load.formats import MALFORMED

__all__ = [
    "DELIMITERS",
    "SNIFF_BYTES",
    "UTF8_BOM",
    "UTF16_BOMS",
    "check_utf8",
    "decode",
    "needs_decoding",
    "ragged_csv",
    "sniff_delimiter",
]

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
#: Field separators a CSV header is sniffed for, in the order ties are broken.
DELIMITERS = (",", ";", "\t", "|")
#: How much of a file is read to sniff it.
SNIFF_BYTES = 1 << 16


def needs_decoding(head: bytes, encoding: str | None) -> bool:
    """Whether a file starting with `head` must be decoded to UTF-8 before polars reads it:
    a UTF-16 byte-order mark, or an `encoding` other than UTF-8."""
    plain = (encoding or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8")
    return head.startswith(UTF16_BOMS) or not plain


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
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def decode(data: bytes, encoding: str | None, path: str) -> bytes:
    """`data` as UTF-8: UTF-16 by its byte-order mark, else `encoding` (UTF-8 default)."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not readable as UTF-16 ({exc})") from exc
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    name = (encoding or "utf-8").lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        return data
    try:
        return data.decode(name, errors="replace").encode("utf-8")
    except LookupError as exc:
        raise InputError(
            f"--encoding: unknown encoding {encoding!r}; e.g. utf-8, utf-16, cp1252, latin-1"
        ) from exc


def check_utf8(data: bytes) -> tuple[bytes, bool]:
    """`data` with invalid UTF-8 replaced by U+FFFD, and whether any was."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace").encode("utf-8"), True
    return data, False


def ragged_csv(data: bytes, separator: str, path: str = "input") -> pl.DataFrame:
    """A CSV read row by row: rows with more fields than the header are kept as rejected
    rows (``__reject``), so their numbers are reported (only used after the fast reader
    refused the file). A field may be as long as the file (a quote that never closes): the
    normaliser rejects a long value it uses."""
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    columns: list[list[str | None]] = []
    reject: list[str | None] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        header = next(reader, [])
        width = len(header)
        columns = [[] for _ in header]
        for fields in reader:
            if not fields:
                continue
            bad = len(fields) > width
            for i in range(width):
                columns[i].append(None if bad or i >= len(fields) else fields[i])
            reject.append(MALFORMED if bad else None)
    except csv.Error as exc:
        raise InputError(
            f"{path}: line {reader.line_num}: not readable as CSV ({exc}); check its quotes"
        ) from exc
    finally:
        csv.field_size_limit(limit)
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
