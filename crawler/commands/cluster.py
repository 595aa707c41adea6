"""`warta cluster FILE.jsonl`: cluster a file of articles with the pipeline's code, no database."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.clustering.devset import read_jsonl
from crawler.clustering.stage import cluster_rows


@click.command("cluster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def command(file: Path) -> None:
    """Print `id`, `event_id`, `duplicate_of` for each article of FILE (JSON lines).

    Each line of FILE is an article: `id`, `url`, `outlet`, `title`, `text`, `published_at`
    (title and date may be missing). Events are numbered 1.. in file order; `duplicate_of` is
    the id of the first article of the near-duplicate group (null for that article).

    Example: warta cluster articles.jsonl
    """
    try:
        rows = read_jsonl(file)
        lines = cluster_rows(rows)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    for line in lines:
        click.echo(json.dumps(line, ensure_ascii=False))
