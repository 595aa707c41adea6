"""The README shows every `warta` command with an example and names the test command CI runs."""

from __future__ import annotations

import re

from click.testing import CliRunner

from crawler.cli import cli
from tests.conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_has_an_example_in_the_readme() -> None:
    commands = cli.list_commands(None)  # type: ignore[arg-type]
    assert {"demo", "crawl", "extract", "events", "export", "serve"} <= set(commands)
    missing = [
        name for name in commands if not re.search(rf"^(?:\S+ )?warta {name}\b", README, re.M)
    ]
    assert missing == []


def test_every_command_help_carries_an_example() -> None:
    runner = CliRunner()
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Example" in result.output, name


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in README
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
