"""The JSON renderer: one object, fixed key order, byte-identical for the same input."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

__all__ = ["dumps", "dumps_lines", "iso_z", "round_float"]


def iso_z(value: datetime | None) -> str | None:
    """A UTC time as ISO 8601 with ``Z`` and whole seconds, the contract's time format."""
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def round_float(value: Any, digits: int = 4) -> float | None:
    """A float rounded for stable output; NaN becomes None (JSON null)."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return 1e308 if value > 0 else -1e308
    return round(value, digits)


def dumps(document: dict[str, Any]) -> str:
    """Serialise a report document as indented UTF-8 JSON with a final newline.

    Keys keep the order the document was built in (the contract's order); non-ASCII text
    (Indonesian, emoji) is written as itself, not as escapes.
    """
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def dumps_lines(records: list[dict[str, Any]]) -> str:
    """One compact JSON object per line (JSON Lines), for streaming consumers."""
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records)
