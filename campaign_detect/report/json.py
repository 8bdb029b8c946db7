"""The JSON renderer: one object, fixed key order, byte-identical for the same input."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "dumps_lines"]


def dumps(document: dict[str, Any]) -> str:
    """Serialise a report document as indented UTF-8 JSON with a final newline.

    Keys keep the order the document was built in (the contract's order); non-ASCII text
    (Indonesian, emoji) is written as itself, not as escapes.
    """
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dumps_lines(records: list[dict[str, Any]]) -> str:
    """One compact JSON object per line (JSON Lines), for streaming consumers."""
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records)
