"""Load posts from files or stdin into the post schema, with a full account of the input.

`load_posts` reads every input (CSV, TSV, JSONL, JSON, Parquet, each optionally gzipped),
detects which column holds which field per file, normalises the rows, and collects all files
once. `LoadedPosts.stats` says what was read, how each field was found, what was rejected and
why, and what the user should know (the notices the CLI prints to stderr).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.load.columns import (
    ABSENT,
    FIELDS,
    ColumnSource,
    detect_columns,
    detect_extra_columns,
    resolve_override_keys,
)
from campaign_detect.load.formats import EXPORT_FORMATS, unknown_json_error
from campaign_detect.load.limits import EARLIEST_PLAUSIBLE_TIME, FUTURE_SLACK
from campaign_detect.load.normalise import MAX_EXAMPLES, RejectedRows, finish, project
from campaign_detect.load.readers import (
    FFFD,
    SUPPORTED_FORMATS,
    RawInput,
    expand_paths,
    read_input,
    remote_path,
    with_paths_named,
)
from campaign_detect.load.times import check_time_zone, parse_times
from campaign_detect.progress import ProgressCallback, report
from campaign_detect.values import iso_z

__all__ = [
    "EXPORT_FORMATS",
    "SUPPORTED_FORMATS",
    "FileInfo",
    "InputStats",
    "LoadedPosts",
    "load_posts",
    "parse_times",
    "remote_path",
]

_SOURCE = "__source"
#: The reject reason of a blank CSV line (every field empty; listed only when one occurs).
BLANK_ROW = "blank row"


@dataclass(frozen=True)
class FileInfo:
    """One input file: its path as given, format, whether gzipped, and rows read from it;
    for a platform export, its name and what in the file showed it (``export``,
    ``recognised_by``: None for a plain table, and then absent from the JSON form)."""

    path: str
    format: str
    compressed: bool
    rows_read: int
    export: str | None = None
    recognised_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, fixed key order."""
        out: dict[str, Any] = {
            "path": self.path,
            "format": self.format,
            "compressed": self.compressed,
            "rows_read": self.rows_read,
        }
        if self.export is not None:
            out["export"] = self.export
            out["recognised_by"] = self.recognised_by
        return out


@dataclass(frozen=True)
class InputStats:
    """Everything known about the input of a run: what `inspect` shows and the JSON ``input``.

    Attributes
    ----------
    files
        Per input file, in the order read.
    columns
        Post field -> where it came from (the first file's mapping; a notice says when other
        files differ).
    rows_read, rows_rejected, rows_deduplicated, rows_kept
        ``rows_read == rows_rejected + rows_deduplicated + rows_kept``.
    rejected
        Per reject reason: the count and the first (file, row) pairs.
    invalid_utf8_rows
        Rows in which invalid UTF-8 bytes were replaced by U+FFFD (kept, not rejected).
    time_min, time_max
        The earliest and latest post kept (UTC), None when nothing was kept.
    timezone_assumed
        The zone naive times were read in.
    naive_time_rows
        How many kept posts had a time without a zone (read in `timezone_assumed`).
    notices
        Warnings for a person, one sentence each.
    """

    files: list[FileInfo]
    columns: dict[str, ColumnSource]
    rows_read: int
    rows_rejected: int
    rows_deduplicated: int
    rows_kept: int
    rejected: dict[str, RejectedRows]
    invalid_utf8_rows: int
    time_min: datetime | None
    time_max: datetime | None
    timezone_assumed: str
    notices: list[str] = field(default_factory=list)
    naive_time_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: fixed key order, times as ISO 8601 with ``Z``."""
        return {
            "files": [f.to_dict() for f in self.files],
            "columns": {name: source.to_dict() for name, source in self.columns.items()},
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "rows_deduplicated": self.rows_deduplicated,
            "rows_kept": self.rows_kept,
            "rejected": {reason: rows.to_dict() for reason, rows in self.rejected.items()},
            "invalid_utf8_rows": self.invalid_utf8_rows,
            "time_min": iso_z(self.time_min, fraction=True),
            "time_max": iso_z(self.time_max, fraction=True),
            "timezone_assumed": self.timezone_assumed,
            "naive_time_rows": self.naive_time_rows,
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class LoadedPosts:
    """Posts in the post schema, and the account of how they were read."""

    posts: pl.DataFrame
    stats: InputStats

    def with_file_names(self, names: Mapping[str, str]) -> LoadedPosts:
        """The same posts and accounting with each input path that is a key of `names`
        called by its value, in the posts' ``file`` column, the files, the rejected rows'
        examples and the notices: a local copy of a remote input (``--engine spark``)
        reported under the name the user gave."""
        stats = self.stats
        return LoadedPosts(
            posts=self.posts.with_columns(pl.col("file").replace(dict(names))),
            stats=dataclasses.replace(
                stats,
                files=[dataclasses.replace(f, path=names.get(f.path, f.path)) for f in stats.files],
                rejected={
                    reason: dataclasses.replace(
                        rows, first=[(names.get(f, f), row) for f, row in rows.first]
                    )
                    for reason, rows in stats.rejected.items()
                },
                notices=[with_paths_named(notice, names) for notice in stats.notices],
            ),
        )


def _resolve_keep(raw: RawInput, keep_columns: Sequence[str]) -> list[str]:
    by_lower = {c.lower(): c for c in raw.columns}
    resolved = []
    for name in keep_columns:
        actual = name if name in raw.columns else by_lower.get(name.lower())
        if actual is None:
            raise InputError(
                f"{raw.path}: no column {name!r} to keep; columns found: {', '.join(raw.columns)}"
            )
        resolved.append(actual)
    return resolved


@dataclass(frozen=True)
class _Options:
    """How every file of one run is read."""

    overrides: Mapping[str, str]
    keep_columns: Sequence[str]
    tz: str | None
    dayfirst: bool | None
    time_format: str | None


def _export_mapping(
    raw: RawInput, overrides: Mapping[str, str]
) -> tuple[dict[str, ColumnSource], dict[str, str | None]]:
    """Field -> source for a recognised export: its canonical columns, reported as where the
    export holds each field; a user's column flags still win."""
    assert raw.export is not None
    how = f"mapped ({raw.export.name})"
    mapping: dict[str, ColumnSource] = {}
    for name in FIELDS:
        if name in overrides:
            continue
        where = raw.export.sources.get(name)
        if name == "platform":
            mapping[name] = ColumnSource("platform", how)
        elif where is not None and where.startswith("("):
            mapping[name] = ColumnSource(None, ABSENT)
        else:
            mapping[name] = ColumnSource(name, how)
    if overrides:
        chosen = detect_columns(
            raw.columns, overrides={"account": "account", "ts": "ts", **overrides}, file=raw.path
        )
        mapping.update({k: chosen[k] for k in overrides})
    mapping = {name: mapping[name] for name in FIELDS}
    extra = {"account_name": "account_name", "display_name": "display_name", "url": "url"}
    return mapping, dict(extra)


def _report(raw: RawInput, mapping: dict[str, ColumnSource]) -> dict[str, ColumnSource]:
    """The column report: for an export, where in it each field was found."""
    if raw.export is None:
        return mapping
    out = {}
    for name, source in mapping.items():
        if source.how.startswith("mapped") and name != "platform":
            out[name] = ColumnSource(raw.export.sources.get(name, name), source.how)
        elif name == "platform":
            out[name] = ColumnSource(None, source.how, _PLATFORMS.get(raw.export.name))
        else:
            out[name] = source
    return out


_PLATFORMS = {
    "twarc2": "twitter",
    "x-v1": "twitter",
    "twarc2-csv": "twitter",
    "tiktok-research": "tiktok",
    "telegram": "telegram",
    "bluesky": "bluesky",
    "zeeschuimer": "tiktok / instagram",
    "crowdtangle": "facebook / instagram",
    "meta-content-library": "facebook / instagram",
}


def _project(
    raw: RawInput, index: int, options: _Options
) -> tuple[pl.LazyFrame, dict[str, ColumnSource]]:
    overrides, keep_columns = options.overrides, options.keep_columns
    extra: dict[str, str | None]
    if raw.export is not None:
        mapping, extra = _export_mapping(raw, overrides)
    else:
        try:
            mapping = detect_columns(raw.columns, overrides=overrides, file=raw.path)
        except InputError:
            if raw.top_keys is not None:
                raise unknown_json_error(raw.path, dict.fromkeys(raw.top_keys)) from None
            raise
        extra = detect_extra_columns(raw.columns)
    keep = _resolve_keep(raw, keep_columns)
    frame = raw.frame.with_columns(pl.lit(index, dtype=pl.UInt32).alias(_SOURCE))
    if keep:
        # carry each kept column under the name the caller asked for
        renames = {a: n for a, n in zip(keep, keep_columns, strict=True) if a != n}
        frame = frame.with_columns(pl.col(a).alias(n) for a, n in renames.items())
    lazy = project(
        frame,
        mapping,
        tz=options.tz,
        platform=mapping["platform"].value,
        keep_columns=list(keep_columns),
        file=raw.path,
        carry=[FFFD, _SOURCE],
        extra=extra,
        entity_fallback=raw.export is not None,
        dayfirst=options.dayfirst,
        time_format=options.time_format,
    )
    return lazy, _report(raw, mapping)


def _collect(
    frames: list[pl.LazyFrame],
    raws: list[RawInput],
    rebuild: Any,
) -> pl.DataFrame:
    """Collect all files at once; on failure find the file to blame (and retry a lazily
    scanned NDJSON file with invalid UTF-8 through the lossy reader)."""
    try:
        return pl.concat(frames, how="vertical").collect()
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        pass
    except InputError as exc:  # raised inside a time parse: polars appends its plan
        raise InputError(str(exc).split("\n", 1)[0]) from None
    parts = []
    for i, (frame, raw) in enumerate(zip(frames, raws, strict=True)):
        try:
            parts.append(frame.collect())
            continue
        except InputError as exc:
            raise InputError(str(exc).split("\n", 1)[0]) from None
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            retry = None
            jsonl_retry = "utf-8" in message.lower() or "json object" in message.lower()
            if raw.format == "jsonl" and jsonl_retry and raw.path != "-":
                retry = "lossy"  # read in memory; a line that is no object is malformed
            elif raw.format in ("csv", "tsv") and "more fields" in message and raw.path != "-":
                retry = "ragged"
            if retry is not None:
                retried, raws[i] = rebuild(i, retry)
                parts.append(retried.collect())
                continue
            raise InputError(
                f"{raw.path}: cannot read as {raw.format} ({message}); the file is damaged: "
                "export it again"
                if isinstance(exc, pl.exceptions.PanicException)
                else f"{raw.path}: cannot read as {raw.format} ({message})"
                + (
                    "; check its quotes, --delimiter and --encoding"
                    if raw.format in ("csv", "tsv")
                    else ""
                )
            ) from exc
    return pl.concat(parts, how="vertical")


def _blank_rows(collected: pl.DataFrame, raws: list[RawInput]) -> RejectedRows:
    """The blank CSV lines (every field empty) the readers left out of the frame: their
    count (a file's rows less those in the frame) and the first of them (row numbers missing
    from the frame's)."""
    count = 0
    first: list[tuple[str, int]] = []
    for index, raw in enumerate(raws):
        if raw.rows_total is None:
            continue
        rows = collected.filter(pl.col(_SOURCE) == index)["row"].to_numpy()
        missing = raw.rows_total - len(rows)
        if missing <= 0:
            continue
        count += missing
        if len(first) < MAX_EXAMPLES:
            present = np.zeros(raw.rows_total + 1, dtype=bool)
            present[rows.astype(np.int64)] = True
            gaps = np.flatnonzero(~present[1:])[: MAX_EXAMPLES - len(first)] + 1
            first += [(raw.path, int(r)) for r in gaps]
    return RejectedRows(count, first)


def _invalid_utf8_counts(
    collected: pl.DataFrame, raws: list[RawInput]
) -> tuple[int, list[tuple[str, int]]]:
    """Rows whose invalid UTF-8 bytes were replaced, and the first of them (file, row)."""
    counts = collected.group_by(_SOURCE).agg(pl.col(FFFD).sum()).sort(_SOURCE).rows()
    total = 0
    first: list[tuple[str, int]] = []
    for index, flagged in counts:
        if not flagged:
            continue
        raw = raws[index]
        replaced = raw.utf8_replaced
        if replaced is None:  # lazily scanned CSV: were the U+FFFD in the file, or our doing?
            try:
                Path(raw.path).read_bytes().decode("utf-8")
                replaced = False
            except UnicodeDecodeError:
                replaced = True
        if replaced:
            total += int(flagged)
            if len(first) < 3:
                rows = collected.filter((pl.col(_SOURCE) == index) & pl.col(FFFD))["row"]
                first += [(raw.path, int(r)) for r in rows.head(3 - len(first))]
    return total, first


def _notices(
    mappings: list[dict[str, ColumnSource]],
    raws: list[RawInput],
    *,
    naive: int,
    tz: str | None,
    invalid_utf8: tuple[int, list[tuple[str, int]]],
    rejected: dict[str, RejectedRows],
    deduplicated: int,
) -> list[str]:
    notes = []
    if naive and tz is None:
        notes.append(
            f"{naive} post time(s) had no time zone and were read as UTC; "
            "pass --tz (e.g. --tz Asia/Jakarta) if they are local times"
        )
    elif naive:
        notes.append(f"{naive} post time(s) had no time zone and were read in {tz}")
    if invalid_utf8[0]:
        where = ", ".join(f"{f} row {r}" for f, r in invalid_utf8[1])
        notes.append(
            f"{invalid_utf8[0]} row(s) held invalid UTF-8 bytes, replaced by U+FFFD "
            f"(first: {where}); check the file's encoding (e.g. --encoding cp1252)"
        )
    exports: dict[tuple[str, str | None], list[str]] = {}
    for raw in raws:
        if raw.export is not None:
            exports.setdefault((raw.export.title, raw.why), []).append(raw.path)
    for (title, why), paths in exports.items():
        more = f" and {len(paths) - 1} more file(s)" if len(paths) > 1 else ""
        notes.append(f"{paths[0]}{more}: read as {title} ({why})")
    for raw in raws:
        notes.extend(raw.notes)
    for reason, rows in rejected.items():
        if rows.count:
            where = ", ".join(f"{f} row {r}" for f, r in rows.first[:3])
            notes.append(f"{rows.count} row(s) skipped: {reason} (first: {where})")
    if deduplicated:
        notes.append(f"{deduplicated} duplicate post(s) dropped (same post id; first kept)")
    first_export = raws[0].export.name if raws[0].export is not None else None
    for raw, mapping in zip(raws[1:], mappings[1:], strict=True):
        export = raw.export.name if raw.export is not None else None
        if export != first_export:
            continue  # another export: its "read as" notice says how it was mapped
        if mapping != mappings[0]:
            diff = ", ".join(f"{k}={v.source}" for k, v in mapping.items() if v != mappings[0][k])
            notes.append(f"{raw.path}: columns differ from {raws[0].path}: {diff}")
    return notes


def _implausible_times(posts: pl.DataFrame) -> list[str]:
    """A notice for the kept posts dated before `EARLIEST_PLAUSIBLE_TIME` or after now plus
    `FUTURE_SLACK` (kept: such times are usually a wrong column or epoch unit)."""
    latest = datetime.now(UTC) + FUTURE_SLACK
    notes = []
    for where, mask in (
        (f"before {EARLIEST_PLAUSIBLE_TIME:%Y-%m-%d}", pl.col("ts") < EARLIEST_PLAUSIBLE_TIME),
        (f"more than {FUTURE_SLACK.days} day after now", pl.col("ts") > latest),
    ):
        odd = posts.filter(mask).sort("file", "row")
        if odd.height:
            first = ", ".join(f"{f} row {r}" for f, r in odd.head(3).select("file", "row").rows())
            notes.append(
                f"{odd.height} post time(s) are {where} (first: {first}); kept: check the "
                "time column (--time-col) or its unit"
            )
    return notes


def _one_line(load: Callable[..., LoadedPosts]) -> Callable[..., LoadedPosts]:
    """Every `InputError` of `load` on one line: a column name or a value quoted in the
    message may hold a line break."""

    @functools.wraps(load)
    def wrapper(*args: Any, **kwargs: Any) -> LoadedPosts:
        try:
            return load(*args, **kwargs)
        except InputError as exc:
            message = str(exc)
            if "\n" not in message and "\r" not in message:
                raise
            raise InputError(message.replace("\r", "\\r").replace("\n", "\\n")) from exc

    return wrapper


@_one_line
def load_posts(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    input_format: str | None = None,
    columns: Mapping[str, str] | None = None,
    tz: str | None = None,
    strict: bool = False,
    keep_columns: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    time_format: str | None = None,
    dayfirst: bool | None = None,
    merge_platforms: bool = False,
) -> LoadedPosts:
    """Read posts from files (or ``-`` for stdin) into the post schema.

    Parameters
    ----------
    paths
        One path, a glob (``data/*.jsonl``), ``-`` for stdin, or a sequence of these.
    input_format
        ``csv``, ``tsv``, ``jsonl``, ``json`` or ``parquet``; None takes it from each file's
        extension (``.gz`` is recognised on top) or sniffs stdin. Or the name of a platform
        export (`campaign_detect.load.formats.EXPORT_FORMATS`: ``twarc2``, ``telegram``,
        ...), which forces that mapping (the file format still comes from the extension);
        by default exports are recognised by their shape.
    columns
        Field -> input column, overriding detection: keys ``account``, ``ts``, ``text``,
        ``post_id`` (the CLI's ``--account-col``, ``--time-col``, ``--text-col``,
        ``--id-col``), and also ``hashtags``, ``mentions``, ``urls``, ``share_of``,
        ``platform``.
    tz
        IANA zone of times written without a zone; None reads them as UTC and says so in
        ``stats.notices``.
    strict
        Raise `InputError` listing the first unreadable rows instead of skipping them.
    keep_columns
        Extra input columns carried into the posts frame as strings (e.g. ``music_id``).
    progress
        Called as ``progress(stage, done, total)`` while reading.
    delimiter
        CSV field separator; None sniffs it from the header line (tab for ``.tsv``).
    encoding
        Text encoding of the files (UTF-8 by default; UTF-16 is recognised by its
        byte-order mark; e.g. ``cp1252``, ``latin-1``).
    time_format
        One strftime format for every time (``%Z`` reads a zone abbreviation).
    dayfirst
        Whether ``05/09/2023`` is 5 September (True) or May 9 (False); None reads the order
        from the column, and an ambiguous column is an `InputError`.
    merge_platforms
        Treat the same handle on two platforms as one account.

    Returns
    -------
    LoadedPosts
        ``posts``: exactly the post-schema columns (plus `keep_columns`), sorted by
        (ts, account, post_id), one row per post id; ``stats``: the `InputStats`.

    Raises
    ------
    InputError
        A file is missing, empty, corrupt or of an unsupported format; no account or time
        column can be found; a named column is missing; no rows are left after rejecting
        unreadable ones; or `strict` is set and some rows are unreadable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.csv").write_text(
    ...     "username,created_at,text\\n"
    ...     "@Ana,2023-09-26T10:00:00Z,Dukung #UMKM\\n"
    ...     ",2023-09-26T10:01:00Z,no account\\n")
    >>> loaded = load_posts(folder / "p.csv")
    >>> loaded.posts.select("account", "hashtags", "row").rows()
    [('ana', ['umkm'], 1)]
    >>> s = loaded.stats
    >>> s.rows_read, s.rows_rejected, s.rows_kept, s.rejected["empty account"].count
    (2, 1, 1, 1)
    >>> s.columns["account"].source, s.columns["hashtags"].how
    ('username', 'extracted from text')
    """
    zone = check_time_zone(tz)
    options = _Options(resolve_override_keys(columns), keep_columns, tz, dayfirst, time_format)
    files = expand_paths(paths)
    if files.count("-") > 1:
        raise InputError("- (stdin) can be given only once")
    reading = {"input_format": input_format, "delimiter": delimiter, "encoding": encoding}
    raws: list[RawInput] = []
    frames: list[pl.LazyFrame] = []
    mappings: list[dict[str, ColumnSource]] = []
    skipped: list[str] = []
    if len(files) > 1:  # one empty page in a glob of pages is noted, not fatal
        skipped = [f for f in files if f != "-" and os.path.isfile(f) and not os.path.getsize(f)]
        if len(skipped) == len(files):
            raise InputError(f"{', '.join(files)}: every file is empty")
        files = [f for f in files if f not in skipped]
    for index, path in enumerate(files):
        report(progress, "read", index, len(files))
        raw = read_input(path, **reading)  # type: ignore[arg-type]
        frame, mapping = _project(raw, index, options)
        raws.append(raw)
        frames.append(frame)
        mappings.append(mapping)

    def rebuild(index: int, how: str) -> tuple[pl.LazyFrame, RawInput]:
        raw = read_input(files[index], lossy=how == "lossy", ragged=how == "ragged", **reading)  # type: ignore[arg-type]
        return _project(raw, index, options)[0], raw

    report(progress, "read", len(files), len(files))
    collected = _collect(frames, raws, rebuild)
    report(progress, "normalise", 0, 1)
    blank = _blank_rows(collected, raws)
    if collected.height == 0 and not blank.count:
        raise InputError(f"{', '.join(files)}: no data rows to read")
    invalid_utf8 = _invalid_utf8_counts(collected, raws)
    per_file = dict(collected.group_by(_SOURCE).len().rows())
    for index, raw in enumerate(raws):
        if raw.rows_total is not None:
            per_file[index] = raw.rows_total
    posts, rejects = finish(
        collected, strict=strict, keep_columns=keep_columns, merge_platforms=merge_platforms
    )
    if blank.count:
        rejects = dataclasses.replace(
            rejects,
            rows_read=rejects.rows_read + blank.count,
            rows_rejected=rejects.rows_rejected + blank.count,
            rejected={**rejects.rejected, BLANK_ROW: blank},
        )
    if rejects.rows_kept == 0:
        counts = "; ".join(
            f"{reason}: {rows.count}, first {rows.first[0][0]} row {rows.first[0][1]}"
            for reason, rows in rejects.rejected.items()
            if rows.count
        )
        raise InputError(
            f"all {rejects.rows_read} rows were rejected ({counts}); check the columns used "
            f"({mappings[0]['account'].source} for the account, {mappings[0]['ts'].source} "
            "for the time) or set --account-col / --time-col"
        )
    report(progress, "normalise", 1, 1)
    ts = posts["ts"]
    implausible = _implausible_times(posts)
    stats = InputStats(
        files=[
            FileInfo(
                raw.path,
                raw.format,
                raw.compressed,
                int(per_file.get(i, 0)),
                raw.export.name if raw.export is not None else None,
                raw.why,
            )
            for i, raw in enumerate(raws)
        ],
        columns=mappings[0],
        rows_read=rejects.rows_read,
        rows_rejected=rejects.rows_rejected,
        rows_deduplicated=rejects.rows_deduplicated,
        rows_kept=rejects.rows_kept,
        rejected=rejects.rejected,
        invalid_utf8_rows=invalid_utf8[0],
        time_min=ts.min(),  # type: ignore[arg-type]
        time_max=ts.max(),  # type: ignore[arg-type]
        timezone_assumed=zone,
        naive_time_rows=rejects.naive_time_rows,
        notices=_notices(
            mappings,
            raws,
            naive=rejects.naive_time_rows,
            tz=tz,
            invalid_utf8=invalid_utf8,
            rejected=rejects.rejected,
            deduplicated=rejects.rows_deduplicated,
        )
        + implausible
        + [f"{path}: the file is empty; skipped" for path in skipped],
    )
    return LoadedPosts(posts=posts, stats=stats)
