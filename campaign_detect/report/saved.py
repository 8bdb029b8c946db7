"""Runs saved with ``scan --save RUN.json``: read back by `explain` and `posts`, so that a
person can look at every cluster of one scan without scanning again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from campaign_detect.errors import InputError
from campaign_detect.pipeline import SAVED_RUN

__all__ = ["read_saved_run", "saved_run_or_none"]


def saved_run_or_none(inputs: tuple[str, ...] | list[str]) -> dict[str, Any] | None:
    """The saved run when `inputs` is exactly one file written by ``scan --save``, else
    None (the inputs are posts to scan)."""
    if len(inputs) != 1 or not inputs[0].endswith(".json"):
        return None
    path = Path(inputs[0])
    try:
        with path.open("rb") as handle:
            if SAVED_RUN.encode() not in handle.read(200):
                return None
    except OSError:
        return None
    return read_saved_run(path)


def read_saved_run(path: str | Path) -> dict[str, Any]:
    """The document of a run saved with ``scan --save``.

    Raises
    ------
    InputError
        When the file is missing, is not JSON, or is not a saved run.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a saved run (unreadable JSON: {exc})") from exc
    if not isinstance(document, dict) or document.get("saved_run") != SAVED_RUN:
        raise InputError(f"{path}: not a run saved with 'campaign-detect scan --save'")
    return document
