"""Where every command's output goes: stdout, or a file written atomically.

An output is text (JSON, CSV, Markdown) or a drawing on a rich console (tables); either can
go to stdout or to a file. A file is checked before any work (its directory must exist and
be writable, and it must not be one of the inputs: a scan must never destroy the file it
reads), then written to a temporary file beside it and renamed over it, so an interrupted
run leaves no partial file.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console

from campaign_detect.errors import InputError
from campaign_detect.load.readers import expand_paths

__all__ = ["Output", "atomic_path", "check_output", "emit", "stdout_console"]

# text, or something that draws itself on a console
Output = str | Callable[[Console], None]
# width of a table that goes to a pipe or a file, where rich would otherwise use 80 columns
_FILE_WIDTH = 140


def stdout_console() -> Console:
    """stdout for tables; when piped, 140 columns rather than rich's 80, so that a table
    saved to a file keeps hashtags and times whole."""
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console.width = _FILE_WIDTH
    return console


def check_output(
    path: str | os.PathLike[str],
    inputs: Sequence[str] = (),
    *,
    suffixes: Sequence[str] | None = None,
    kind: str = "",
) -> Path:
    """`path` as a `Path` once it is known to be writable and not one of `inputs`.

    Raises
    ------
    InputError
        For a suffix not in `suffixes` (`kind` names the file in the message, e.g.
        ``graph``), a path that is one of the input files, a directory,
        or a directory that does not exist or cannot be written.
    """
    target = Path(path)
    if suffixes is not None and target.suffix.lower() not in suffixes:
        what = f"{kind} file" if kind else "file"
        raise InputError(
            f"{target}: unknown {what} suffix {target.suffix or '(none)'!r}; use one of "
            f"{', '.join(suffixes)}"
        )
    if target.is_dir():
        raise InputError(f"{target}: is a directory; give a file name to write")
    resolved = target.resolve()
    for given in inputs:
        if given == "-":
            continue
        for found in expand_paths(given):
            source = Path(found)
            same = source.resolve() == resolved or (
                target.exists() and source.exists() and os.path.samefile(target, source)
            )
            if same:
                raise InputError(
                    f"{target}: is one of the input files; write the output elsewhere "
                    "(an input is never overwritten)"
                )
    parent = resolved.parent
    if not parent.is_dir():
        raise InputError(f"{target}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"{target}: directory {parent} is not writable")
    return target


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside `path` to write to; renamed to `path` when the block ends
    without an exception, removed otherwise (also on Ctrl-C)."""
    target = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private (0600); an output gets the mode any new file gets
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _text(output: Output) -> str:
    if isinstance(output, str):
        return output
    buffer = io.StringIO()
    output(Console(file=buffer, width=_FILE_WIDTH, highlight=False, soft_wrap=False))
    return buffer.getvalue()


def emit(output: Output, path: str | os.PathLike[str] | None) -> None:
    """Send `output` to the file `path` (atomically) or, when None, to stdout."""
    if path is None:
        if isinstance(output, str):
            click.echo(output, nl=False)
        else:
            output(stdout_console())
        return
    with atomic_path(path) as temporary:
        temporary.write_text(_text(output), encoding="utf-8")
