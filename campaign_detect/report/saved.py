"""Runs saved with ``scan --save RUN.json``: read back by `explain`, `posts` and
`graph --clusters`, so that a person can look at every cluster of one scan without scanning
again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from campaign_detect.errors import InputError
from campaign_detect.pipeline import SAVED_RUN

__all__ = ["read_saved_run", "saved_network", "saved_run_or_none"]


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


def saved_network(document: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The reported clusters' members and links as a saved run keeps them (the frames of
    `evidence.cluster_network`, times read back as UTC datetimes), for `graph --clusters`.

    Raises
    ------
    InputError
        When the run was saved by a version that did not keep the network.
    """
    network = document.get("network")
    if not isinstance(network, dict):
        raise InputError(
            "this saved run has no network (saved by an older campaign-detect); "
            "save it again with 'scan --save'"
        )
    return _frame(network["members"], _MEMBER_SCHEMA), _frame(network["links"], _LINK_SCHEMA)


_WHEN = pl.Datetime("us", "UTC")
_MEMBER_SCHEMA = {
    "account": pl.String,
    "account_name": pl.String,
    "cluster": pl.Int64,
    "score": pl.Float64,
    "lead": pl.Boolean,
    "n_posts": pl.Int64,
    "degree": pl.Int64,
}
_LINK_SCHEMA = {
    "a": pl.String,
    "b": pl.String,
    "cluster": pl.Int64,
    "weight": pl.Float64,
    "n_events": pl.Int64,
    "kinds": pl.List(pl.String),
    "first": _WHEN,
    "last": _WHEN,
    "window_start": _WHEN,
    "window_end": _WHEN,
}


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """`rows` of a saved run as a frame of `schema`, ISO 8601 times parsed."""
    times = [n for n, t in schema.items() if t == _WHEN]
    text = {n: (pl.String if n in times else t) for n, t in schema.items()}
    return pl.DataFrame(rows, schema=text).with_columns(
        pl.col(n).str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC") for n in times
    )
