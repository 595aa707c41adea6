"""What every `warta plot` picture shares: the --out option, its format check, safe labels,
and the atomic write (a temporary file beside --out, renamed when complete)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import click

from crawler.commands.events import printable

FORMATS = {".png": "png", ".svg": "svg"}


def out_option(function: Any) -> Any:
    return click.option(
        "--out",
        "out_file",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Picture to write: .png or .svg.",
    )(function)


def check_out(out_file: Path) -> str:
    """The image format for `out_file`, or a usage error before any work is done."""
    file_format = FORMATS.get(out_file.suffix.lower())
    if file_format is None:
        raise click.BadParameter(
            f"{out_file.name!r} must end in .png or .svg", param_hint="'--out'"
        )
    if not out_file.parent.resolve().is_dir():
        raise click.BadParameter(
            f"directory {str(out_file.parent)!r} does not exist", param_hint="'--out'"
        )
    return file_format


def label(value: str) -> str:
    """Page text for a matplotlib label: printable, and `$` not read as mathtext."""
    return printable(value).replace("$", r"\$")


def save(figure: Any, out_file: Path, file_format: str) -> None:
    handle, temporary = tempfile.mkstemp(
        prefix=f".{out_file.name}.", suffix=".tmp", dir=out_file.parent
    )
    os.close(handle)
    try:
        figure.savefig(temporary, format=file_format, dpi=150, bbox_inches="tight")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; a picture is for sharing
        os.replace(temporary, out_file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def short(title: str, limit: int = 48) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1] + "…"
