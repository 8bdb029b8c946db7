"""Platform exports recognised by their shape and mapped into the post schema.

Two kinds:

- record formats (`RecordFormat`): JSON shapes that need a pass over each record in Python
  (a join of ``includes.users``, Telegram's text parts, Bluesky's facets): X API v2
  responses (twarc2), X API v1.1, TikTok Research API pages, Telegram Desktop, Zeeschuimer,
  Bluesky. Each document (a ``.json`` file, or a line of a ``.jsonl`` file) is recognised,
  then mapped to canonical records; a line that is not JSON, or a record without the
  fields the format requires, becomes a rejected row with its row number.
- table formats (`TableFormat`): flat CSVs mapped with polars expressions, no row loop:
  twarc2 csv, CrowdTangle, Meta Content Library.

Anything else is read as a plain table whose columns are detected by name
(`campaign_detect.load.columns`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.load.formats._common import (
    CANONICAL,
    MALFORMED,
    NOT_A_POST,
    Record,
    RecordFormat,
    TableFormat,
    empty_record,
    records_frame,
)
from campaign_detect.load.formats.bluesky import BLUESKY
from campaign_detect.load.formats.meta import CROWDTANGLE, META_CONTENT_LIBRARY
from campaign_detect.load.formats.telegram import TELEGRAM
from campaign_detect.load.formats.tiktok import TIKTOK_RESEARCH, ZEESCHUIMER
from campaign_detect.load.formats.x import TWARC2, TWARC2_CSV, X_V1

__all__ = [
    "CANONICAL",
    "EXPORT_FORMATS",
    "MALFORMED",
    "NOT_A_POST",
    "RECORD_FORMATS",
    "TABLE_FORMATS",
    "RecordFormat",
    "TableFormat",
    "export_format",
    "read_json_records",
    "read_jsonl_records",
    "recognise_columns",
    "recognise_document",
]

#: In the order they are tried: the most specific shapes first.
RECORD_FORMATS: tuple[RecordFormat, ...] = (
    TWARC2,
    TIKTOK_RESEARCH,
    TELEGRAM,
    ZEESCHUIMER,
    BLUESKY,
    X_V1,
)
TABLE_FORMATS: tuple[TableFormat, ...] = (TWARC2_CSV, CROWDTANGLE, META_CONTENT_LIBRARY)
EXPORT_FORMATS: dict[str, RecordFormat | TableFormat] = {
    **{f.name: f for f in RECORD_FORMATS},
    **{f.name: f for f in TABLE_FORMATS},
}
_SAMPLE_LINES = 50


def export_format(name: str) -> RecordFormat | TableFormat | None:
    """The export format called `name` (None when `name` is a plain file format)."""
    return EXPORT_FORMATS.get(name.lower())


def recognise_document(
    doc: Any, forced: RecordFormat | None = None
) -> tuple[RecordFormat, str] | None:
    """The record format of one parsed JSON document (or of a list of them), and why."""
    first = doc
    if isinstance(doc, list):
        first = next((d for d in doc if isinstance(d, dict)), None)
    if forced is not None:
        return forced, f"--input-format {forced.name}"
    for fmt in RECORD_FORMATS:
        why = fmt.detect(first)
        if why:
            return fmt, why
    return None


def recognise_columns(
    names: list[str], forced: TableFormat | None = None
) -> tuple[TableFormat, str] | None:
    """The table format of a CSV with these column names, and why."""
    if forced is not None:
        return forced, f"--input-format {forced.name}"
    for fmt in TABLE_FORMATS:
        why = fmt.detect(names)
        if why:
            return fmt, why
    return None


def _frame(
    fmt: RecordFormat, docs: Iterable[tuple[str, Any]], path: str
) -> tuple[pl.DataFrame, list[str]]:
    """Map each (where, document) in turn; `where` names it in notes (``line 3``)."""
    records: list[Record] = []
    notes: list[str] = []
    for where, doc in docs:
        if doc is _BROKEN:
            records.append(empty_record(__reject=MALFORMED))
            continue
        if fmt.detect(doc) is None and fmt.detect(_first(doc)) is None:
            # a line of another shape inside this export: counted, never guessed at
            records.append(empty_record(__reject=MALFORMED))
            continue
        try:
            posts, empty_note = fmt.posts(doc)
        except (AttributeError, TypeError, KeyError, ValueError):
            posts, empty_note = [empty_record(__reject=MALFORMED)], None
        if not posts and empty_note:
            notes.append(f"{path} {where}: {empty_note}; no posts read from it")
        records.extend(posts)
    return records_frame(records, fmt.extras), notes


def _first(doc: Any) -> Any:
    return next((d for d in doc if isinstance(d, dict)), None) if isinstance(doc, list) else doc


_BROKEN = object()


def _parse_line(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return _BROKEN


def sniff_jsonl(data: bytes, forced: RecordFormat | None = None) -> tuple[RecordFormat, str] | None:
    """The record format of NDJSON `data`, from its first lines that parse."""
    lines = [line for line in data.split(b"\n", _SAMPLE_LINES)[:_SAMPLE_LINES] if line.strip()]
    for line in lines:
        doc = _parse_line(line)
        if doc is _BROKEN:
            continue
        found = recognise_document(doc, forced)
        if found is not None:
            return found
    return None


def read_jsonl_records(fmt: RecordFormat, data: bytes, path: str) -> tuple[pl.DataFrame, list[str]]:
    """Every line of NDJSON `data` mapped by `fmt`; a line that is not JSON is one
    malformed row."""
    docs = (
        (f"line {i}", _parse_line(line))
        for i, line in enumerate(data.split(b"\n"), start=1)
        if line.strip()
    )
    return _frame(fmt, docs, path)


def read_json_records(fmt: RecordFormat, doc: Any, path: str) -> tuple[pl.DataFrame, list[str]]:
    """A parsed ``.json`` document mapped by `fmt`: one document, or a list of them."""
    if isinstance(doc, list) and fmt is not TELEGRAM and fmt.detect(doc) is None:
        return _frame(fmt, ((f"item {i}", d) for i, d in enumerate(doc, start=1)), path)
    return _frame(fmt, [("", doc)], path)


def unknown_json_error(path: str, doc: Any) -> InputError:
    """The error for nested JSON of no known shape: its top-level keys, the formats known."""
    keys = ", ".join(list(doc)[:20]) if isinstance(doc, dict) else "(a list)"
    return InputError(
        f"{path}: a JSON object of no known export shape (top-level keys: {keys}); known "
        f"formats: {', '.join(EXPORT_FORMATS)}; name one with --input-format, or export a "
        "list of flat records"
    )
