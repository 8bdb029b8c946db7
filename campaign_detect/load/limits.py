"""The limits every input is held to, whatever the file: each cap is defined here once, and
`docs/input.md` ("Limits") lists them with the memory bound they give.

A cap that a single row can break rejects that row (counted, with its row number); a cap
that makes the whole file unusable (its header, its decompressed size) is an `InputError`
naming the file and the limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = [
    "EARLIEST_PLAUSIBLE_TIME",
    "FIELD_TOO_LONG",
    "FUTURE_SLACK",
    "INFLATE_CHUNK",
    "MAX_FIELD_BYTES",
    "MAX_HEADER_BYTES",
    "MAX_HEADER_FIELDS",
    "MAX_INFLATE_RATIO",
    "MIN_INFLATE_LIMIT",
    "inflate_limit",
]

#: The most columns a CSV header (or any table) may have. Real exports have at most a few
#: hundred (twarc2's CSV: about 80); a one-line file of millions of fields is not a table.
MAX_HEADER_FIELDS = 10_000
#: The longest CSV header line, in bytes.
MAX_HEADER_BYTES = 1 << 20
#: The longest value of a field the posts are built from (account, time, text, id, ...), in
#: bytes. The longest post any platform allows (Facebook's 63,206 characters) fits; a longer
#: value rejects its row as `FIELD_TOO_LONG`.
MAX_FIELD_BYTES = 256 * 1024
#: The reject reason of a row with a value over `MAX_FIELD_BYTES`.
FIELD_TOO_LONG = "field too long"
#: A gzip file may inflate to this many times its own size (real CSV and JSON exports: 5 to
#: 30 times) ...
MAX_INFLATE_RATIO = 100
#: ... or to this many bytes, whichever is larger (so small, very repetitive files still read).
MIN_INFLATE_LIMIT = 16 << 20
#: Gzip is inflated this many bytes at a time, so a bomb is stopped before it fills memory.
INFLATE_CHUNK = 1 << 20
#: Post times before this are kept, with a notice (epoch 0 and unit mistakes land here).
EARLIEST_PLAUSIBLE_TIME = datetime(2000, 1, 1, tzinfo=UTC)
#: Post times later than now plus this are kept, with a notice.
FUTURE_SLACK = timedelta(days=1)


def inflate_limit(compressed_bytes: int) -> int:
    """The most bytes a gzip file of `compressed_bytes` may inflate to.

    Examples
    --------
    >>> inflate_limit(1_000) == MIN_INFLATE_LIMIT, inflate_limit(1 << 30) == 100 << 30
    (True, True)
    """
    return max(MIN_INFLATE_LIMIT, MAX_INFLATE_RATIO * compressed_bytes)
