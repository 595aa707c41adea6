"""The `warta` command: a group of thin commands over the library, one module each.

Every module in crawler/commands/ that defines `command` (a click command or group) is a
subcommand. Bad arguments end in a one-line error and exit code 2 (click's usage errors).
"""

from __future__ import annotations

import importlib
import pkgutil

import click

import crawler.commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="warta")
def cli() -> None:
    """Warta: Sultra regional news → clean articles → near-duplicates → events.

    Example: warta demo
    """


def _register_commands() -> None:
    for module_info in sorted(
        pkgutil.iter_modules(crawler.commands.__path__), key=lambda m: m.name
    ):
        module = importlib.import_module(f"crawler.commands.{module_info.name}")
        command = getattr(module, "command", None)
        if isinstance(command, click.Command):
            cli.add_command(command)


_register_commands()


def main() -> None:
    cli(prog_name="warta")
