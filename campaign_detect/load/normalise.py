"""Raw input records -> the one post schema (`campaign_detect.schema.POST_SCHEMA`).

Every row read is accounted for: it is either rejected (with a reason and its file and row
kept for the report), dropped as a duplicate of an earlier post id, or kept. So
``rows_read == rows_rejected + rows_deduplicated + rows_kept`` always holds, and a reader of
the report can see what was left out and why.

Rejected rows: an empty account, an empty time, a time that cannot be read; and, from
platform exports and ragged CSVs, a malformed record (a line that is not JSON, a CSV row with
more fields than the header) or a record that is not a post (a Telegram service message).
A text may be empty (it becomes ``""``). Posts without an input id get a synthesised one: a
hash of (account, time, text), so the same record found in two files is deduplicated.

When the posts come from more than one platform, the account key is prefixed with the
platform (``tiktok:budi``, ``twitter:budi``): the same handle on two platforms is two
accounts unless ``merge_platforms`` is set. Deduplication is then by (platform, post id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from campaign_detect.entities import (
    INVISIBLE,
    canonical_urls,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    normalise_handle,
)
from campaign_detect.errors import InputError
from campaign_detect.load.columns import ColumnSource, resolve_override_keys
from campaign_detect.load.formats import MALFORMED, NOT_A_POST
from campaign_detect.load.limits import FIELD_TOO_LONG, MAX_FIELD_BYTES
from campaign_detect.load.readers import FILE, ROW
from campaign_detect.load.times import UTC_DATETIME, time_parse
from campaign_detect.schema import POST_EXTRA_SCHEMA, POST_SCHEMA

__all__ = [
    "EMPTY_ACCOUNT",
    "EMPTY_TIME",
    "EXPORT_REJECT_REASONS",
    "FIELD_TOO_LONG",
    "MALFORMED",
    "MAX_EXAMPLES",
    "NOT_A_POST",
    "REJECT",
    "REJECT_REASONS",
    "UNREADABLE_TIME",
    "RejectReport",
    "RejectedRows",
    "finish",
    "normalise",
    "project",
]

EMPTY_ACCOUNT = "empty account"
EMPTY_TIME = "empty time"
UNREADABLE_TIME = "unreadable time"
#: Why a row can be rejected, in the order they are checked and reported.
REJECT_REASONS = (EMPTY_ACCOUNT, EMPTY_TIME, UNREADABLE_TIME)
#: Reasons only exports and ragged CSVs give; checked first, listed only when they occur.
EXPORT_REJECT_REASONS = (MALFORMED, NOT_A_POST)
#: Every reason listed only when it occurs: the export ones, and a value over
#: `campaign_detect.load.limits.MAX_FIELD_BYTES`.
_OCCASIONAL_REASONS = (*EXPORT_REJECT_REASONS, FIELD_TOO_LONG)
#: The column in which a reader marks a row it could not map (the reason, or null).
REJECT = "__reject"
#: How many (file, row) examples are kept per reject reason.
MAX_EXAMPLES = 10

_EMPTY_TIME_FLAG = "__empty_time"
_NAIVE_FLAG = "__naive"
_REASON = "__reason"
_TIME = "__time"
_STRUCT_FIELDS = {
    "hashtags": ("tag", "text", "name", "hashtag_name", "hashtag"),
    "mentions": ("username", "screen_name", "user_name", "handle", "name"),
    "urls": ("expanded_url", "unwound_url", "url", "display_url"),
}
_TOKENS = {
    "hashtags": r"[^\s,;\[\]\"'#\x{FF03}]+",
    "mentions": r"[^\s,;\[\]\"'@\x{FF20}]+",
    "urls": r"[^\s,;\[\]\"']+",
}
_EXTRACTORS = {"hashtags": extract_hashtags, "mentions": extract_mentions, "urls": extract_urls}
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@dataclass(frozen=True)
class RejectedRows:
    """Rows rejected for one reason: how many, and the first `MAX_EXAMPLES` (file, row)."""

    count: int
    first: list[tuple[str, int]] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, fixed key order."""
        return {"count": self.count, "first": [{"file": f, "row": r} for f, r in self.first]}


@dataclass(frozen=True)
class RejectReport:
    """What `normalise` did with each row read.

    Attributes
    ----------
    rows_read, rows_rejected, rows_deduplicated, rows_kept
        Counts; ``rows_read == rows_rejected + rows_deduplicated + rows_kept``.
    rejected
        Per reason of `REJECT_REASONS` (all present, in that order), the rows rejected;
        then the `EXPORT_REJECT_REASONS` that occurred.
    naive_time_rows
        Kept rows whose time had no zone and was read in the assumed zone.
    """

    rows_read: int
    rows_rejected: int
    rows_deduplicated: int
    rows_kept: int
    rejected: dict[str, RejectedRows]
    naive_time_rows: int = 0

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, fixed key order."""
        return {
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "rows_deduplicated": self.rows_deduplicated,
            "rows_kept": self.rows_kept,
            "rejected": {reason: rows.to_dict() for reason, rows in self.rejected.items()},
            "naive_time_rows": self.naive_time_rows,
        }


def _as_string(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A column as trimmed text: integral floats lose their ``.0``, lists join with commas."""
    if isinstance(dtype, pl.List | pl.Array):
        return expr.list.eval(pl.element().cast(pl.String)).list.join(",")
    if isinstance(dtype, pl.Struct):
        return expr.struct.json_encode()
    if dtype.is_float():
        expr = (
            pl.when(expr == expr.round(0)).then(expr.cast(pl.Int64, strict=False)).otherwise(expr)
        )
    return expr.cast(pl.String).str.strip_chars()


def _null_if_empty(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.len_bytes() > 0).then(expr)


def _entity_list(expr: pl.Expr, dtype: pl.DataType, kind: str, column: str) -> pl.Expr:
    """An input hashtags/mentions/urls column of any shape as a clean list of strings."""
    if isinstance(dtype, pl.Null) or (
        isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Null)
    ):
        return pl.lit([], dtype=pl.List(pl.String))
    if isinstance(dtype, pl.List):
        inner = dtype.inner
        if isinstance(inner, pl.Struct):
            names = [f.name for f in inner.fields]
            pick = next((n for n in _STRUCT_FIELDS[kind] if n in names), None)
            if pick is None:
                raise InputError(
                    f"column {column!r}: list of records with fields {names}, none of which "
                    f"holds the {kind} ({', '.join(_STRUCT_FIELDS[kind])})"
                )
            items = expr.list.eval(pl.element().struct.field(pick).cast(pl.String))
        else:
            items = expr.list.eval(pl.element().cast(pl.String))
    else:
        items = _as_string(expr, dtype).str.extract_all(_TOKENS[kind])
    element = pl.element().str.strip_chars()
    if kind != "urls":  # as in text: a zero-width character does not split or hide a tag
        element = element.str.replace_all(INVISIBLE, "").str.strip_chars()
    if kind == "hashtags":
        element = element.str.normalize("NFKC").str.strip_chars_start("#").str.to_lowercase()
    elif kind == "mentions":
        element = normalise_handle(element)
    return (
        items.list.eval(element)
        .list.eval(pl.element().filter(pl.element().str.len_bytes() > 0))
        .fill_null(pl.lit([], dtype=pl.List(pl.String)))
    )


def _share_of(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.List):
        inner = dtype.inner
        if isinstance(inner, pl.Struct) and {"type", "id"} <= {f.name for f in inner.fields}:
            # Twitter v2 referenced_tweets: the target of a retweet, else of a quote (never
            # of a reply)
            def target(kind: str) -> pl.Expr:
                return expr.list.eval(
                    pl.element()
                    .filter(pl.element().struct.field("type") == kind)
                    .struct.field("id")
                    .cast(pl.String)
                ).list.first()

            return pl.coalesce(target("retweeted"), target("quoted"))
        if isinstance(inner, pl.Struct | pl.Null):
            return pl.lit(None, dtype=pl.String)
        return _null_if_empty(expr.list.first().cast(pl.String).str.strip_chars())
    if isinstance(dtype, pl.Null):
        return pl.lit(None, dtype=pl.String)
    return _null_if_empty(_as_string(expr, dtype))


def _source(value: str | ColumnSource | None) -> str | None:
    return value.source if isinstance(value, ColumnSource) else value


_URL_TEMPLATES = {
    "tiktok": ("https://www.tiktok.com/@", "/video/"),
    "twitter": ("https://x.com/", "/status/"),
}


def _post_url(
    platform: str | None, platform_col: pl.Expr | None, account: pl.Expr, post_id: pl.Expr
) -> pl.Expr:
    """The post's address where the platform builds it from the handle and the id (null
    for other platforms): one concatenation when the file's platform is known."""

    def build(name: str) -> pl.Expr:
        head, middle = _URL_TEMPLATES[name]
        return pl.concat_str(pl.lit(head), account, pl.lit(middle), post_id)

    if platform_col is None:
        return build(platform) if platform in _URL_TEMPLATES else pl.lit(None, dtype=pl.String)
    chain = pl.when(platform_col == "tiktok").then(build("tiktok"))
    return chain.when(platform_col == "twitter").then(build("twitter"))


def project(
    raw: pl.LazyFrame,
    columns: Mapping[str, str | ColumnSource | None],
    *,
    tz: str | None = None,
    platform: str | None = None,
    keep_columns: Sequence[str] = (),
    file: str = "<frame>",
    carry: Sequence[str] = (),
    extra: Mapping[str, str | None] | None = None,
    entity_fallback: bool = False,
    dayfirst: bool | None = None,
    time_format: str | None = None,
) -> pl.LazyFrame:
    """The lazy, row-by-row part of `normalise`: every post field built as an expression.

    Output: the post-schema columns (``post_id`` still null where the input has none, URLs
    not yet canonical), the keep columns as strings, the flags `normalise` needs to reject
    rows, and the `carry` columns unchanged. Used by the loader to collect many files once.

    `extra` names the columns of ``account_name`` (how reports spell the account; the
    account column when absent), ``display_name`` and ``url`` (the post's address; built
    for TikTok and X from the handle and id when absent). With `entity_fallback`, a null
    hashtags/mentions/urls list (an export record without the field) is read from the text.
    """
    schema = raw.collect_schema()
    mapping = resolve_override_keys(
        {key: src for key, value in columns.items() if (src := _source(value)) is not None}
    )
    for required in ("account", "ts"):
        if mapping.get(required) is None:
            raise InputError(
                f"{file}: no {required} column given to normalise; columns: {schema.names()}"
            )
    for name in [*mapping.values(), *keep_columns]:
        if name not in schema:
            raise InputError(
                f"{file}: no column {name!r}; columns found: {', '.join(schema.names())}"
            )
    clash = sorted(set(keep_columns) & set(POST_SCHEMA))
    if clash:
        raise InputError(f"keep_columns: {clash} are post fields already; keep other columns")

    extras: dict[str, str] = {
        k: v for k, v in (extra or {}).items() if v is not None and v in schema
    }
    account_col, ts_col = mapping["account"], mapping["ts"]
    account_raw = _as_string(pl.col(account_col), schema[account_col])
    parsed = time_parse(
        pl.col(ts_col),
        schema[ts_col],
        tz=tz,
        dayfirst=dayfirst,
        time_format=time_format,
        rows=pl.col(ROW) if ROW in schema else None,
        file=file,
    )
    raw = raw.with_columns(parsed.alias(_TIME))
    times = pl.col(_TIME).struct
    text_name = mapping.get("text")
    # kept as written (not trimmed): entities and templates are read from it
    text = pl.col(text_name).cast(pl.String).fill_null("") if text_name else pl.lit("")
    exprs: list[pl.Expr] = []
    pid = mapping.get("post_id")
    exprs.append(
        (_null_if_empty(_as_string(pl.col(pid), schema[pid])) if pid else pl.lit(None))
        .cast(pl.String)
        .alias("post_id")
    )
    shown = account_raw
    if "account_name" in extras:
        shown = pl.coalesce(_null_if_empty(pl.col(extras["account_name"]).cast(pl.String)), shown)
    exprs += [
        normalise_handle(account_raw).alias("account"),
        shown.alias("account_name"),
        times.field("ts").cast(UTC_DATETIME).alias("ts"),
        text.alias("text"),
    ]
    for kind in ("hashtags", "mentions", "urls"):
        source = mapping.get(kind)
        if source is None:
            exprs.append(_EXTRACTORS[kind](text).alias(kind))
        elif entity_fallback:
            exprs.append(
                pl.when(pl.col(source).is_null())
                .then(_EXTRACTORS[kind](text))
                .otherwise(_entity_list(pl.col(source), schema[source], kind, source))
                .alias(kind)
            )
        else:
            exprs.append(_entity_list(pl.col(source), schema[source], kind, source).alias(kind))
    share = mapping.get("share_of")
    exprs.append(
        (_share_of(pl.col(share), schema[share]) if share else pl.lit(None, dtype=pl.String))
        .cast(pl.String)
        .alias("share_of")
    )
    plat = mapping.get("platform")
    platform_expr = (
        _null_if_empty(_as_string(pl.col(plat), schema[plat])) if plat else pl.lit(platform)
    ).cast(pl.String)
    exprs.append(platform_expr.alias("platform"))
    display = extras.get("display_name")
    exprs.append(
        (_null_if_empty(_as_string(pl.col(display), schema[display])) if display else pl.lit(None))
        .cast(pl.String)
        .alias("display_name")
    )
    if "url" in extras:
        url = _null_if_empty(_as_string(pl.col(extras["url"]), schema[extras["url"]]))
    elif pid:
        url = _post_url(
            platform,
            platform_expr if plat else None,
            account_raw.str.strip_chars_start("@"),
            _null_if_empty(_as_string(pl.col(pid), schema[pid])),
        )
    else:
        url = pl.lit(None)
    exprs.append(url.cast(pl.String).alias("url"))
    exprs.append((pl.col(FILE) if FILE in schema else pl.lit(file)).cast(pl.String).alias("file"))
    exprs.append(
        (pl.col(ROW) if ROW in schema else pl.int_range(1, pl.len() + 1))
        .cast(pl.UInt64)
        .alias("row")
    )
    exprs += [_as_string(pl.col(k), schema[k]).alias(k) for k in keep_columns]
    exprs += [
        times.field("empty").alias(_EMPTY_TIME_FLAG),
        times.field("naive").alias(_NAIVE_FLAG),
    ]
    used = sorted({*mapping.values(), *extras.values()} & set(schema.names()))
    long_fields = [
        pl.col(n).str.len_bytes() > MAX_FIELD_BYTES for n in used if schema[n] == pl.String
    ]
    reject = (pl.col(REJECT) if REJECT in schema else pl.lit(None)).cast(pl.String)
    if long_fields:
        too_long = pl.any_horizontal(long_fields).fill_null(False)
        reject = pl.coalesce(reject, pl.when(too_long).then(pl.lit(FIELD_TOO_LONG)))
    exprs.append(reject.alias(REJECT))
    exprs += [pl.col(c) for c in carry if c in schema]
    return raw.select(exprs)


def _hex_ids(frame: pl.DataFrame) -> pl.Series:
    """128-bit hex digests of (account, time, text): equal records get equal ids."""
    key = pl.concat_str(
        [pl.col("account"), pl.col("ts").dt.epoch("us").cast(pl.String), pl.col("text")],
        separator="\x1f",
    )
    hashes = frame.select(key.hash(seed=0x5EED).alias("a"), key.hash(seed=0xC0FFEE).alias("b"))
    both = np.stack([hashes["a"].to_numpy(), hashes["b"].to_numpy()], axis=1)
    raw = both.astype(">u8").view(np.uint8).reshape(-1, 16)
    chars = np.empty((raw.shape[0], 32), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 15]
    return pl.Series("post_id", chars.view("S32").ravel(), dtype=pl.Binary).cast(pl.String)


def finish(
    projected: pl.DataFrame,
    *,
    strict: bool = False,
    keep_columns: Sequence[str] = (),
    merge_platforms: bool = False,
) -> tuple[pl.DataFrame, RejectReport]:
    """The collected part of `normalise`: reject, synthesise ids, deduplicate, sort."""
    if REJECT not in projected.columns:
        projected = projected.with_columns(pl.lit(None, dtype=pl.String).alias(REJECT))
    reason = (
        pl.when(pl.col(REJECT).is_not_null())
        .then(pl.col(REJECT))
        .when(pl.col("account").is_null() | (pl.col("account").str.len_bytes() == 0))
        .then(pl.lit(EMPTY_ACCOUNT))
        .when(pl.col(_EMPTY_TIME_FLAG))
        .then(pl.lit(EMPTY_TIME))
        .when(pl.col("ts").is_null())
        .then(pl.lit(UNREADABLE_TIME))
    )
    frame = projected.with_columns(reason.alias(_REASON))
    rejected_rows = frame.filter(pl.col(_REASON).is_not_null())
    rejected: dict[str, RejectedRows] = {}
    present = set(rejected_rows[_REASON].unique().to_list()) if rejected_rows.height else set()
    for why in (*REJECT_REASONS, *_OCCASIONAL_REASONS):
        if why in _OCCASIONAL_REASONS and why not in present:
            continue  # listed only when it occurs, so plain inputs report as before
        rows = rejected_rows.filter(pl.col(_REASON) == why)
        examples = rows.head(MAX_EXAMPLES).select("file", "row").rows()
        rejected[why] = RejectedRows(rows.height, [(f, int(r)) for f, r in examples])
    if strict and rejected_rows.height:
        shown = ", ".join(
            f"{f} row {r} ({why})"
            for f, r, why in rejected_rows.head(5).select("file", "row", _REASON).rows()
        )
        raise InputError(
            f"{rejected_rows.height} row(s) cannot be read: {shown}; "
            "fix the input or run without --strict to skip and count them"
        )
    good = frame.filter(pl.col(_REASON).is_null())
    platforms = good["platform"].drop_nulls().unique()
    several = platforms.len() > 1
    if several and not merge_platforms:
        good = good.with_columns(
            pl.when(pl.col("platform").is_not_null())
            .then(pl.concat_str(pl.col("platform"), pl.lit(":"), pl.col("account")))
            .otherwise(pl.col("account"))
            .alias("account")
        )
    missing_id = good["post_id"].is_null()
    if missing_id.any():
        good = good.with_columns(
            pl.when(missing_id).then(_hex_ids(good)).otherwise(pl.col("post_id")).alias("post_id")
        )
    key = pl.struct("platform", "post_id") if several else pl.col("post_id")
    unique = good.filter(key.is_first_distinct())
    unique = unique.with_columns(canonical_urls(unique["urls"]))
    naive = int(unique[_NAIVE_FLAG].sum())
    posts = unique.select(
        [pl.col(n).cast(t) for n, t in POST_SCHEMA.items()]
        + [pl.col(n).cast(t) for n, t in POST_EXTRA_SCHEMA.items()]
        + [pl.col(k) for k in keep_columns]
    ).sort(["ts", "account", "post_id"])
    report = RejectReport(
        rows_read=projected.height,
        rows_rejected=rejected_rows.height,
        rows_deduplicated=good.height - unique.height,
        rows_kept=posts.height,
        rejected=rejected,
        naive_time_rows=naive,
    )
    return posts, report


def normalise(
    raw: pl.DataFrame | pl.LazyFrame,
    columns: Mapping[str, str | ColumnSource | None],
    *,
    tz: str | None = None,
    platform: str | None = None,
    keep_columns: Sequence[str] = (),
    strict: bool = False,
    file: str = "<frame>",
    merge_platforms: bool = False,
    dayfirst: bool | None = None,
    time_format: str | None = None,
) -> tuple[pl.DataFrame, RejectReport]:
    """Turn raw records into posts in the post schema, and say what was left out.

    Parameters
    ----------
    raw
        Input records, one per row (nested JSON flattened, see
        `campaign_detect.load.readers.flatten`). Columns ``__file``/``__row`` are used for
        `file`/`row` when present (the loader adds them).
    columns
        Post field -> input column (or a `ColumnSource`, as `detect_columns` returns).
        ``account`` and ``ts`` are required; hashtags, mentions and URLs missing here are
        extracted from the text, and a missing ``post_id`` is synthesised.
    tz
        IANA zone of times written without one; None reads them as UTC.
    platform
        Platform of every row when the input has no platform column.
    keep_columns
        Extra input columns carried into the output as strings (e.g. ``music_id``).
    strict
        Raise instead of skipping rows without an account or a readable time.
    file
        Name for `file` when the frame has no ``__file`` column.
    merge_platforms
        Key accounts by handle alone even when the posts span several platforms.
    dayfirst, time_format
        How to read day/month dates and unusual times (see `campaign_detect.load.times`).

    Returns
    -------
    posts : pl.DataFrame
        `POST_SCHEMA` columns plus `keep_columns`, sorted by (ts, account, post_id), one row
        per distinct post id (the first one read is kept).
    report : RejectReport
        The counts, and the rows rejected per reason.

    Raises
    ------
    InputError
        A named column is missing, or `strict` is set and rows were rejected.

    Examples
    --------
    >>> import polars as pl
    >>> raw = pl.DataFrame({
    ...     "user": ["@Ana", "bo", "", "@Ana"],
    ...     "when": ["2023-09-26T10:00:00Z", "1695722400", "2023-09-26", "2023-09-26T10:00:00Z"],
    ...     "body": ["Dukung #UMKM @Jokowi", "ok", "x", "Dukung #UMKM @Jokowi"],
    ... })
    >>> posts, report = normalise(raw, {"account": "user", "ts": "when", "text": "body"})
    >>> posts.select("account", "account_name", "hashtags", "mentions").rows()
    [('ana', '@Ana', ['umkm'], ['jokowi']), ('bo', 'bo', [], [])]
    >>> report.rows_read, report.rows_rejected, report.rows_deduplicated, report.rows_kept
    (4, 1, 1, 2)
    >>> report.rejected["empty account"].first
    [('<frame>', 3)]
    """
    lazy = raw.lazy() if isinstance(raw, pl.DataFrame) else raw
    projected = project(
        lazy,
        columns,
        tz=tz,
        platform=platform,
        keep_columns=keep_columns,
        file=file,
        dayfirst=dayfirst,
        time_format=time_format,
    ).collect()
    return finish(
        projected, strict=strict, keep_columns=keep_columns, merge_platforms=merge_platforms
    )
