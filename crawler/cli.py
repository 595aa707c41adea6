"""The `warta` command: a group of thin commands over the library, one module each.

Every module in crawler/commands/ defining `command` (a click command or group) is the
subcommand of its name, imported only when used. Bad arguments end in a one-line error and
exit code 2 (click's usage errors).
"""

from __future__ import annotations

import importlib
import pkgutil

import click

import crawler.commands


class LazyCommands(click.Group):
    """Subcommands imported on first use: `warta events` need not load datasketch and SciPy."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        modules = pkgutil.iter_modules(crawler.commands.__path__)
        return sorted(module.name for module in modules if self._load(module.name))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        if not name.isidentifier():
            return None
        try:
            module = importlib.import_module(f"crawler.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"crawler.commands.{name}":
                return None  # not a command: click says "No such command"
            raise
        command = getattr(module, "command", None)
        return command if isinstance(command, click.Command) else None


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="warta")
def cli() -> None:
    """Warta: Sultra regional news → clean articles → near-duplicates → events.

    Example: warta demo
    """


def main() -> None:
    cli(prog_name="warta")
