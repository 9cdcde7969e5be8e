"""The README documents every CLI command, and every command has help text."""
from __future__ import annotations

import pytest

from indexer.cli import cli

from paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented(name: str) -> None:
    assert f"policysearch {name}" in README or f"] {name}" in README


@pytest.mark.parametrize("command", list(cli.commands.values()), ids=lambda c: c.name)
def test_command_has_help(command) -> None:
    assert command.help and len(command.help) > 20


def test_quick_start_is_two_commands() -> None:
    assert "make run" in README and "make test" in README
