"""The README and CHANGELOG stay true to the CLI: every command is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from newsarchive import __version__
from newsarchive.cli import cli

REPO = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(prefix + name)
        if isinstance(command, click.Group):
            names.extend(_commands(command, prefix + name + " "))
    return names


@pytest.mark.parametrize("command", _commands(cli))
def test_every_command_is_in_the_readme_and_has_help(command: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"`{command}" in readme or f"newsarchive {command}" in readme
    target: click.Command = cli
    for part in command.split():
        assert isinstance(target, click.Group)
        target = target.commands[part]
    assert target.help is not None
    assert len(target.help) > 20


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_changelog_names_this_version() -> None:
    assert __version__ in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
