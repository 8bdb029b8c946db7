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
