"""The HTML report: one self-contained page per scan, for people who would rather look.

`render_html` turns a `ScanResult` into the page; `write_html` writes it atomically and
refuses to overwrite an input file. The charts are hand-written SVG (see `svg`), so the
report needs nothing beyond the core install.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from campaign_detect.errors import InputError
from campaign_detect.report.html.page import MAX_SECTIONS, render_html

__all__ = ["MAX_SECTIONS", "check_output", "render_html", "write_html"]


def check_output(path: str | os.PathLike, inputs: Iterable[str]) -> None:
    """Raise `InputError` when ``path`` is one of the ``inputs`` (or the same file);
    glob patterns among the inputs are expanded as `load_posts` expands them.

    Examples
    --------
    >>> check_output("report.html", ["posts.csv"])
    >>> check_output("posts.csv", ["./posts.csv"])
    Traceback (most recent call last):
    ...
    campaign_detect.errors.InputError: posts.csv: is an input of this run; write the report to another file (-o)
    """  # noqa: E501
    from campaign_detect.load.readers import expand_paths

    target = Path(path)
    names = list(inputs)
    for name in expand_paths(names) if names else []:
        if name == "-":
            continue
        source = Path(name)
        same = target.resolve() == source.resolve()
        if not same and target.exists() and source.exists():
            same = os.path.samefile(target, source)
        if same:
            raise InputError(
                f"{path}: is an input of this run; write the report to another file (-o)"
            )


def write_html(path: str | os.PathLike, text: str, *, inputs: Iterable[str] = ()) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file in the same directory, then
    `os.replace`, so a reader never sees half a report and a failed run leaves the old one.
    """
    check_output(path, inputs)
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
