"""CSV and Markdown renderers, safe for hostile post text.

Post text is written by strangers. A cell starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return can run as a formula when a journalist opens the CSV in a
spreadsheet (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``), so such a cell gets a leading
apostrophe, which spreadsheets show as text. Two shapes that start so but cannot compute
anything are left as they are, so that ordinary values stay readable: a plain number
(``-3``, ``+62 812 555``) and a list of handles (``@jokowi @budi``). Markdown cells have
pipes, backslashes, angle brackets and line breaks escaped, so a renderer shows post text
and never turns it into HTML. `docs/output.md` states the rule.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["escape_cell", "markdown_table", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# starts like a formula but cannot compute: a number, or handles separated by spaces
_HARMLESS = re.compile(r"[+-]?\d[\d .,]*|@\w+(?:[ ]@\w+)*")


def escape_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas in a text cell; other values pass through.

    Examples
    --------
    >>> escape_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> escape_cell("@jokowi @budi"), escape_cell("-3"), escape_cell("+cmd|' /C calc'!A0")
    ('@jokowi @budi', '-3', "'+cmd|' /C calc'!A0")
    >>> escape_cell("@SUM(A1)"), escape_cell("umkm"), escape_cell(-3)
    ("'@SUM(A1)", 'umkm', -3)
    """
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _HARMLESS.fullmatch(value)
    ):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (RFC 4180 quoting, ``\\n`` line ends) with every text cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell("" if v is None else v) for v in row])
    return buffer.getvalue()


# backslash first, so that the escapes added after it are not escaped again
_MARKDOWN_ESCAPES = (
    ("\\", "\\\\"),
    ("|", "\\|"),
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ("\r", " "),
    ("\n", " "),
)


def _markdown_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    for raw, escaped in _MARKDOWN_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table.

    Examples
    --------
    >>> print(markdown_table(["a", "b"], [[1, "x|y"]]), end="")
    | a | b |
    | --- | --- |
    | 1 | x\\|y |
    """
    lines = [
        "| " + " | ".join(_markdown_cell(h) for h in header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(_markdown_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
