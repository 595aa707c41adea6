"""`warta event ID`: one event with every article that reports it, and why each joined."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.text import Text

from crawler.commands.events import (
    ResearchCommand,
    format_option,
    printable,
    read_session,
    table,
    write_records,
)
from crawler.commands.options import database_url_option
from crawler.commands.output import console
from storage import actor_queries, queries
from storage.regions import RegionNames


@click.command("event", cls=ResearchCommand)
@click.argument("event_id", metavar="ID", type=click.IntRange(min=1))
@database_url_option
@format_option("table", "csv", "json")
def command(database_url: str, event_id: int, output_format: str) -> None:
    """Show event ID: date, place, outlets, who was there (people with their offices, and
    organisations, with how many of its articles name each), and each article (outlet, URL,
    date, title, score, why it joined).

    Example: warta event 12 --format json
    """
    with read_session(database_url) as session:
        detail = queries.event_detail(session, event_id)
        present = actor_queries.event_actors(session, event_id)
    if detail is None:
        raise click.BadParameter(f"no event {event_id} in the database", param_hint="'ID'")
    records = [queries.article_record(article) for article in detail.articles]
    if output_format == "csv":
        write_records(records, "csv")
        return
    if output_format == "json":
        event: dict[str, Any] = queries.event_record(detail.event)
        event["representative_url"] = detail.representative_url
        for kind, key in (("person", "people"), ("organisation", "organisations")):
            event[key] = [
                {"name": a.name, "office": a.office, "articles": a.articles, "outlets": a.outlets}
                for a in present
                if a.kind == kind
            ]
        event["articles"] = records
        write_records([event], "json")
        return
    row = detail.event
    out = console()
    heading = Text(f"Event {row.id}: ", style="bold")
    heading.append(printable(row.title))
    out.print(heading)
    facts = [
        ("date", row.event_date),
        ("place", row.place),
        ("region", _region(row.region)),
        ("outlets", f"{row.outlet_count} ({', '.join(row.outlets)})"),
        ("articles", row.article_count),
        ("top terms", ", ".join(row.top_terms)),
        ("representative", detail.representative_url),
    ]
    for name, value in facts:
        line = Text(f"  {name}: ", style="dim")
        line.append(printable(value))
        out.print(line)
    if present:
        out.print(
            table(
                "Who was there",
                ("name", "kind", "office", "articles", "outlets"),
                ((a.name, a.kind, a.office or "", a.articles, a.outlets) for a in present),
            )
        )
    out.print(
        table(
            None,
            ("article", "outlet", "published (WITA)", "title", "score", "why", "url"),
            (
                (
                    article.id,
                    article.outlet + (" (copy)" if article.duplicate_of else ""),
                    article.published_at,
                    article.title,
                    article.event_score,
                    _reason(article.event_reason),
                    article.url,
                )
                for article in detail.articles
            ),
        )
    )


def _region(region: RegionNames | None) -> str:
    """ "Wawotobi, Kabupaten Konawe, Sulawesi Tenggara (74.02.03)", a country abroad, or ""."""
    if region is None:
        return ""
    if region.code is None:
        return region.country or ""
    names = dict.fromkeys(n for n in (region.name, region.regency, region.province) if n)
    return f"{', '.join(names)} ({region.code})"


def _reason(reason: dict[str, Any] | None) -> str:
    """The stored reason as compact `key=value` pairs (lists joined), for a table cell."""
    if not reason:
        return ""
    parts = []
    for key, value in reason.items():
        if isinstance(value, list):
            value = ",".join(map(str, value))
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        parts.append(f"{key}={value}")
    return "; ".join(parts)
