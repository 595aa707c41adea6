"""`warta export`: events, articles and membership as CSV, JSON Lines or Parquet, with a data
dictionary, for researchers' own tools (pandas, R, spreadsheets, DuckDB).

Files are written into a staging directory inside --out and moved into place only when all of
them are complete, so an interrupted export leaves no half-written file behind.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click
import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crawler.commands.events import (
    ResearchCommand,
    check_sources,
    csv_value,
    filter_options,
    json_default,
    read_session,
)
from crawler.commands.options import database_url_option
from storage import queries, story_queries

_ARROW_TYPES: dict[str, pa.DataType] = {
    "int64": pa.int64(),
    "float64": pa.float64(),
    "string": pa.string(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}
_EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "parquet": "parquet"}
_BATCH = 1000


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of an exported table, from queries.EXPORT_TABLES."""
    _, columns = queries.EXPORT_TABLES[table]
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in columns])


def write_table(path: Path, table: str, rows: Iterable[dict[str, Any]], file_format: str) -> int:
    """Stream `rows` into `path` in `file_format`; returns the number of rows written."""
    names = [c.name for c in queries.EXPORT_TABLES[table][1]]
    count = 0
    if file_format == "parquet":
        schema = arrow_schema(table)
        with pq.ParquetWriter(path, schema, compression="zstd") as writer:
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(row)
                count += 1
                if len(batch) >= _BATCH:
                    writer.write_batch(pa.RecordBatch.from_pylist(batch, schema))
                    batch = []
            # Always one batch, even empty, so a file with no rows still carries its schema.
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema))
        return count
    with path.open("w", encoding="utf-8", newline="") as handle:
        if file_format == "csv":
            writer_ = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
            writer_.writeheader()
            for row in rows:
                writer_.writerow({key: _csv_cell(row[key]) for key in names})
                count += 1
        else:
            for row in rows:
                record = {key: row[key] for key in names}
                handle.write(json.dumps(record, default=json_default, ensure_ascii=False) + "\n")
                count += 1
    return count


def _csv_cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value  # data files keep the text exactly as stored
    return csv_value(value)


def data_dictionary(
    file_format: str, counts: dict[str, int], filters: queries.EventFilter, database: str
) -> dict[str, Any]:
    """What each exported file and column means, with the export's provenance."""
    try:
        warta_version = version("warta")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        warta_version = "unknown"
    return {
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "warta_version": warta_version,
        "database": database,
        "format": file_format,
        "filters": {
            key: value
            for key, value in {
                "since": filters.since,
                "until": filters.until,
                "sources": list(filters.sources),
                "query": filters.query,
                "place": filters.place,
                "min_outlets": filters.min_outlets,
            }.items()
            if value not in (None, [])
        },
        "notes": [
            "Timestamps are UTC (ISO 8601 with offset in CSV/JSON Lines); published_date is the"
            " day in Sultra (WITA, UTC+8).",
            "Empty CSV cells and JSON nulls mean 'unknown' or 'not applicable'.",
            "With event filters, articles.* holds the articles of the exported events only;"
            " without filters it holds every article, including unclustered ones (event_id empty).",
        ],
        "tables": {
            name: {
                "file": f"{name}.{_EXTENSIONS[file_format]}",
                "description": description,
                "rows": counts.get(name, 0),
                "columns": [
                    {"name": c.name, "type": c.type, "description": c.description} for c in columns
                ],
            }
            for name, (description, columns) in queries.EXPORT_TABLES.items()
        },
    }


def dictionary_markdown(dictionary: dict[str, Any]) -> str:
    """The data dictionary as Markdown, for people who open the folder in a file browser."""
    lines = [
        "# Warta export: data dictionary",
        "",
        f"Exported {dictionary['exported_at']} by Warta {dictionary['warta_version']} from "
        f"{dictionary['database']}; filters: {json.dumps(dictionary['filters'], default=str)}.",
        "",
        *(f"- {note}" for note in dictionary["notes"]),
    ]
    for table in dictionary["tables"].values():
        lines += [
            "",
            f"## {table['file']} ({table['rows']} rows)",
            "",
            table["description"],
            "",
            "| column | type | meaning |",
            "|---|---|---|",
        ]
        lines += [f"| {c['name']} | {c['type']} | {c['description']} |" for c in table["columns"]]
    return "\n".join(lines) + "\n"


@click.command("export", cls=ResearchCommand)
@database_url_option
@click.option(
    "--format",
    "file_format",
    type=click.Choice(list(_EXTENSIONS)),
    default="csv",
    show_default=True,
    help="File format of the tables.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (created if missing; files in it are replaced).",
)
@filter_options
@click.option("--quiet", is_flag=True, help="No progress bar.")
def command(
    database_url: str,
    file_format: str,
    out_dir: Path,
    filters: queries.EventFilter,
    quiet: bool,
) -> None:
    """Write events, articles, event_articles (membership) and stories plus
    datadictionary.json/.md.

    Example: warta export --format parquet --out export/ --since 2024-01-01 --min-outlets 2
    """
    with read_session(database_url) as session:
        check_sources(session, filters.sources)
        database = session.get_bind().engine.url.render_as_string(hide_password=True)
        event_ids = queries.export_event_ids(session, filters)
        article_ids = None if filters.is_empty else event_ids
        totals = {
            "events": len(event_ids),
            "event_articles": queries.count_export_articles(session, event_ids),
            "articles": queries.count_export_articles(session, article_ids),
        }
        plan: list[tuple[str, Callable[[], Iterator[dict[str, Any]]]]] = [
            ("events", lambda: queries.export_events(session, event_ids)),
            ("event_articles", lambda: queries.export_memberships(session, event_ids)),
            ("articles", lambda: queries.export_articles(session, article_ids)),
            ("stories", lambda: story_queries.export_stories(session, event_ids)),
        ]
        created = not out_dir.exists()
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".warta-export-", dir=out_dir))
        counts: dict[str, int] = {}
        try:
            with _progress(quiet) as progress:
                for name, rows in plan:
                    task = progress.add_task(name, total=totals.get(name))
                    counts[name] = write_table(
                        staging / f"{name}.{_EXTENSIONS[file_format]}",
                        name,
                        _advancing(rows(), progress, task),
                        file_format,
                    )
            dictionary = data_dictionary(file_format, counts, filters, database)
            (staging / "datadictionary.json").write_text(
                json.dumps(dictionary, indent=2, ensure_ascii=False, default=str) + "\n",
                encoding="utf-8",
            )
            (staging / "datadictionary.md").write_text(
                dictionary_markdown(dictionary), encoding="utf-8"
            )
            for path in staging.iterdir():
                os.replace(path, out_dir / path.name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            if created and not any(out_dir.iterdir()):
                out_dir.rmdir()
    click.echo(
        f"wrote {counts['events']} events, {counts['articles']} articles and "
        f"{counts['event_articles']} memberships to {out_dir} ({file_format})",
        err=True,
    )


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<15}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=quiet,
    )


def _advancing(
    rows: Iterator[dict[str, Any]], progress: Progress, task: Any
) -> Iterator[dict[str, Any]]:
    """Pass rows through, advancing the bar every 500 rows (a redraw per row would cost more)."""
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == 500:
            progress.advance(task, pending)
            pending = 0
    progress.advance(task, pending)
