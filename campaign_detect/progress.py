"""Progress reporting without printing: library stages call an optional callback.

A stage calls ``progress(stage, done, total)`` as it works; ``total`` is None when the
amount of work is not known in advance. The CLI connects the callback to a rich
progress display on stderr; notebook and batch users pass nothing and get silence.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ProgressCallback", "report"]

ProgressCallback = Callable[[str, int, int | None], None]


def report(progress: ProgressCallback | None, stage: str, done: int, total: int | None) -> None:
    """Call `progress` if there is one."""
    if progress is not None:
        progress(stage, done, total)
