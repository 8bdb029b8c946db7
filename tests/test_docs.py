"""The documentation stays true: README commands, CI, command help and linked docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from campaign_detect.cli import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _console_blocks() -> list[str]:
    return re.findall(r"```console\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command():
    test_command = _console_blocks()[1].strip()
    assert "pytest" in test_command
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_first_command_scans_the_bundled_sample():
    first = _console_blocks()[0].strip()
    match = re.search(r"campaign-detect scan (\S+)", first)
    assert match
    assert (ROOT / match.group(1)).is_file()


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_with_examples_and_is_in_the_readme(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert f"campaign-detect {name}" in README
    for option in cli.commands[name].params:
        if option.param_type_name == "option" and not option.hidden:
            assert option.help or option.name in {"help"}, f"{name} {option.name} has no help"


@pytest.mark.parametrize("link", sorted(set(re.findall(r"\]\(((?:docs|bench)/[^)#]*)\)", README))))
def test_readme_links_exist(link):
    assert (ROOT / link).exists()


def test_example_fixtures_in_help_exist():
    for command in cli.commands.values():
        for path in re.findall(r"(fixtures/\S+\.\w+)", command.help or ""):
            assert (ROOT / path).is_file(), path


def _transcript(command: str) -> list[str]:
    """The lines the README shows under ``$ <command>`` (a trailing ``…`` cut dropped)."""
    block = next(b for b in _console_blocks() if b.startswith(f"$ {command}\n"))
    lines = [line.rstrip() for line in block.splitlines()[1:]]
    return lines[:-1] if lines and lines[-1] == "…" else lines


@pytest.mark.parametrize(
    "command",
    [
        "campaign-detect scan fixtures/kami_umkm_sample.csv",
        "campaign-detect explain fixtures/kami_umkm_sample.csv --cluster 1",
    ],
)
def test_readme_transcripts_are_the_real_output_at_80_columns(command, monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = _transcript(command)
    real = _real_transcript(command)
    assert real[: len(shown)] == shown
    if "explain" not in command:
        assert len(real) == len(shown)


def _real_transcript(command: str) -> list[str]:
    """What `command` prints at 80 columns: stderr then stdout (explain: stdout only)."""
    args = command.split()[1:]
    quiet = "explain" in args
    result = CliRunner().invoke(cli, [*args, *(["-q"] if quiet else [])], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    return [line.rstrip() for line in (result.stderr + result.stdout).splitlines()]


if __name__ == "__main__":  # rewrite the README's transcripts: python tests/test_docs.py
    import os

    os.chdir(ROOT)
    text = README
    for command, keep in (
        ("campaign-detect scan fixtures/kami_umkm_sample.csv", None),
        ("campaign-detect explain fixtures/kami_umkm_sample.csv --cluster 1", 16),
    ):
        old = next(b for b in _console_blocks() if b.startswith(f"$ {command}\n"))
        lines = _real_transcript(command)
        shown = lines if keep is None else [*lines[:keep], "…"]
        text = text.replace(old, "\n".join([f"$ {command}", *shown]) + "\n")
    (ROOT / "README.md").write_text(text, encoding="utf-8")
