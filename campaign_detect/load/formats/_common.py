"""What every export mapping shares: the canonical record, the frame it becomes, and the
description of a format that `inspect` shows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

__all__ = [
    "CANONICAL",
    "MALFORMED",
    "NOT_A_POST",
    "RecordFormat",
    "TableFormat",
    "as_dict",
    "as_list",
    "empty_record",
    "ident",
    "records_frame",
    "text_of",
]

#: Reject reasons only record formats produce (listed in the accounting when they occur).
MALFORMED = "malformed record"
NOT_A_POST = "not a post"

#: Columns of the frame a record format's posts become (every mapped field, as strings).
CANONICAL: dict[str, pl.DataType] = {
    "post_id": pl.String(),
    "account": pl.String(),
    "account_name": pl.String(),
    "display_name": pl.String(),
    "ts": pl.String(),
    "text": pl.String(),
    "hashtags": pl.List(pl.String()),
    "mentions": pl.List(pl.String()),
    "urls": pl.List(pl.String()),
    "share_of": pl.String(),
    "platform": pl.String(),
    "url": pl.String(),
    "__reject": pl.String(),
}

Record = dict[str, Any]


def empty_record(**values: Any) -> Record:
    """A canonical record: every field None (entity lists None means "read from the text")."""
    record: Record = dict.fromkeys(CANONICAL)
    record.update(values)
    return record


def as_dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """`value` when it is a JSON list, else an empty one."""
    return value if isinstance(value, list) else []


def ident(value: Any) -> str | None:
    """An id as a string (numbers without ``.0``), None for missing or empty."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def text_of(value: Any) -> str:
    """Text that may be a string, a list of strings and ``{"text": ...}`` parts, or None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("text") or "")
    if isinstance(value, list):
        return "".join(text_of(part) for part in value)
    return str(value)


@dataclass(frozen=True)
class RecordFormat:
    """A JSON export read record by record in Python (its shape needs it).

    Attributes
    ----------
    name
        The name ``--input-format`` takes.
    title
        What a person calls it.
    detect
        Given one parsed JSON document (a whole ``.json`` file, or one line of a ``.jsonl``
        file), why it is this format (one phrase), or None.
    posts
        Given one document, its canonical records (rejected ones carry ``__reject``), and
        a note when the document holds no posts (an empty or rate-limited API page).
    sources
        Post field -> where the export holds it, for the column report.
    extras
        Extra columns the records carry (platform co-action objects such as ``music_id``).
    """

    name: str
    title: str
    detect: Callable[[Any], str | None]
    posts: Callable[[Any], tuple[list[Record], str | None]]
    sources: Mapping[str, str]
    extras: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableFormat:
    """A flat export (CSV) whose columns are mapped with polars expressions (no row loop).

    Attributes
    ----------
    name, title, sources, extras
        As for `RecordFormat`.
    detect
        Given the column names, why it is this format, or None.
    adapt
        Given the lazy frame and a lookup of lower-cased column names, the frame with the
        canonical columns added (named as in `CANONICAL`, without ``__reject``).
    """

    name: str
    title: str
    detect: Callable[[list[str]], str | None]
    adapt: Callable[[pl.LazyFrame, dict[str, str]], pl.LazyFrame]
    sources: Mapping[str, str]
    extras: tuple[str, ...] = ()
    fields: tuple[str, ...] = field(default=())


def records_frame(records: Iterable[Record], extras: Iterable[str] = ()) -> pl.DataFrame:
    """Canonical records as a frame of `CANONICAL` columns (plus `extras` as strings)."""
    schema = dict(CANONICAL)
    for name in extras:
        schema[name] = pl.String()
    rows: Iterator[Record] = iter(records)
    columns: dict[str, list[Any]] = {name: [] for name in schema}
    for record in rows:
        for name in schema:
            columns[name].append(record.get(name))
    return pl.DataFrame(columns, schema=schema, strict=False)
