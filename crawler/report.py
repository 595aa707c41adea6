"""What `warta demo` and `warta crawl` print at the end: figures, duplicate groups, events."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from crawler.runner import CrawlOutcome
from storage.database import make_engine, session_scope
from storage.models import Article, Event, Source


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_crawl_summary(outcome: CrawlOutcome) -> None:
    table = Table(title=f"Crawl run {outcome.run_id}", title_justify="left")
    columns = ["source", "pages", "articles_new", "articles_unchanged", "dropped_language",
               "dropped_no_article", "errors"]
    for column in columns:
        table.add_column(column, justify="left" if column == "source" else "right")
    for source, figures in sorted(outcome.sources.items()):
        table.add_row(Text(source), *(str(figures.get(column, 0)) for column in columns[1:]))
    _console().print(table)


def print_duplicate_groups(database_url: str) -> None:
    """Each near-duplicate group: its first article and the outlets that republished it."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        copies: dict[int, list[str]] = {}
        for original_id, outlet in session.execute(
            select(Article.duplicate_of, Source.key)
            .join(Source, Source.id == Article.source_id)
            .where(Article.duplicate_of.is_not(None))
            .order_by(Article.id)
        ):
            copies.setdefault(original_id, []).append(outlet)
        originals = session.execute(
            select(Article.id, Article.title, Source.key)
            .join(Source, Source.id == Article.source_id)
            .where(Article.id.in_(copies))
            .order_by(Article.id)
        ).all()
    engine.dispose()
    table = Table(title=f"Near-duplicate groups: {len(originals)}", title_justify="left")
    for column in ("first article", "outlet", "republished by", "title"):
        table.add_column(column)
    for article_id, title, outlet in originals:
        table.add_row(str(article_id), Text(outlet), Text(", ".join(copies[article_id])), Text(title or ""))
    _console().print(table)


def print_events(database_url: str) -> None:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        events = session.scalars(
            select(Event).order_by(Event.event_date.is_(None), Event.event_date, Event.id)
        ).all()
    engine.dispose()
    table = Table(title=f"Events: {len(events)}", title_justify="left")
    for column in ("id", "date", "outlets", "articles", "place", "title"):
        table.add_column(column, justify="right" if column in {"id", "outlets", "articles"} else "left")
    for event in events:
        table.add_row(
            str(event.id),
            event.event_date.isoformat() if event.event_date else "—",
            str(event.outlet_count),
            str(event.article_count),
            Text(event.place or ""),
            Text(event.title),
        )
    _console().print(table)
