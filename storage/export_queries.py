"""What `warta export` writes: the tables, their data dictionary and the rows, streamed.

Plain functions: the session comes first, they never commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from storage.actor_queries import event_people
from storage.event_queries import ArticleRow, EventRow, event_outlets, event_row, events_select
from storage.models import Article, Event, Source
from storage.query_filters import REGION_TZ, EventFilter
from storage.regions import RegionNames, region_names, region_of

# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportColumn:
    """One column of an exported table: stable name, Arrow-ish type, meaning."""

    name: str
    type: str
    description: str


#: Where the happening took place (issue 26, docs/PLACES.md), for events and articles alike.
_REGION_COLUMNS = (
    ExportColumn("region_code", "string", "Kemendagri code of its region (most specific known)."),
    ExportColumn("region", "string", "Name of that region, as the gazetteer writes it."),
    ExportColumn("regency", "string", "Its kabupaten/kota; empty when only the province is sure."),
    ExportColumn("province", "string", "Its province."),
    ExportColumn("country", "string", "ISO 3166 alpha-2 country (ID at home); empty: no place."),
)


def region_record(region: RegionNames | None) -> dict[str, Any]:
    """The _REGION_COLUMNS of a row."""
    return {
        "region_code": region.code if region else None,
        "region": region.name if region else None,
        "regency": region.regency if region else None,
        "province": region.province if region else None,
        "country": region.country if region else None,
    }


#: The exported tables, their columns in order, and what each means: the data dictionary.
#: Names are a contract with researchers' scripts: add columns at the end, never rename.
EXPORT_TABLES: dict[str, tuple[str, tuple[ExportColumn, ...]]] = {
    "events": (
        "One row per real-world event found by clustering.",
        (
            ExportColumn("event_id", "int64", "Event identifier (events.id)."),
            ExportColumn(
                "event_date", "date", "Day the event happened, as resolved from its articles."
            ),
            ExportColumn("title", "string", "Title of the event (its representative article's)."),
            ExportColumn("place", "string", "Main place named by the articles, if any."),
            ExportColumn("outlet_count", "int64", "Number of distinct outlets that reported it."),
            ExportColumn("article_count", "int64", "Number of articles that reported it."),
            ExportColumn("outlets", "string", "Keys of those outlets, sorted, separated by '; '."),
            ExportColumn(
                "top_terms",
                "string",
                "Salient terms of the event, most weighty first, '; '-separated.",
            ),
            ExportColumn("first_seen", "timestamp", "When the event was first reported (UTC)."),
            ExportColumn("last_seen", "timestamp", "When the event was last reported (UTC)."),
            ExportColumn(
                "representative_article_id",
                "int64",
                "article_id of the article chosen to represent it.",
            ),
            ExportColumn(
                "people",
                "string",
                "People its articles name, most named first, 'Name (office)', '; '-separated.",
            ),
            *_REGION_COLUMNS,
        ),
    ),
    "articles": (
        "One row per clean article (one per canonical URL).",
        (
            ExportColumn("article_id", "int64", "Article identifier (articles.id)."),
            ExportColumn("outlet", "string", "Key of the outlet (crawler/sources.toml)."),
            ExportColumn("outlet_name", "string", "Name of the outlet."),
            ExportColumn("url", "string", "First URL the article was found under."),
            ExportColumn(
                "canonical_url", "string", "Normalised URL the article is stored under (unique)."
            ),
            ExportColumn("title", "string", "Headline."),
            ExportColumn("author", "string", "Author (reporter), if the page names one."),
            ExportColumn("editor", "string", "Editor, if the page names one."),
            ExportColumn("published_at", "timestamp", "Publication time (UTC)."),
            ExportColumn("published_date", "date", "Publication day in Sultra (WITA, UTC+8)."),
            ExportColumn("fetched_at", "timestamp", "When Warta fetched the page (UTC)."),
            ExportColumn("language", "string", "Detected language code (id = Indonesian)."),
            ExportColumn("word_count", "int64", "Words in the text."),
            ExportColumn(
                "duplicate_of",
                "int64",
                "article_id of the first-stored near-duplicate it copies; empty for originals.",
            ),
            ExportColumn("event_id", "int64", "Event the article reports; empty when unclustered."),
            ExportColumn(
                "event_score", "float64", "How strongly the article matched its event (0-1)."
            ),
            ExportColumn(
                "event_reason", "string", "Why it joined the event: the matched features, as JSON."
            ),
            ExportColumn(
                "features",
                "string",
                "Event features of the article (date, places, people, organisations), as JSON.",
            ),
            ExportColumn("text", "string", "Clean article text, boilerplate removed."),
            *_REGION_COLUMNS,
            ExportColumn(
                "region_confidence", "float64", "How sure the placing is (0-1; 0: no place)."
            ),
        ),
    ),
    "event_articles": (
        "Membership: one row per (event, article) pair.",
        (
            ExportColumn("event_id", "int64", "Event identifier."),
            ExportColumn("article_id", "int64", "Article identifier."),
            ExportColumn("outlet", "string", "Key of the article's outlet."),
            ExportColumn("published_at", "timestamp", "Publication time of the article (UTC)."),
            ExportColumn(
                "event_score", "float64", "How strongly the article matched the event (0-1)."
            ),
            ExportColumn(
                "is_duplicate",
                "bool",
                "True when the article is a republished near-duplicate of another.",
            ),
            ExportColumn("duplicate_of", "int64", "article_id it duplicates; empty for originals."),
        ),
    ),
}


def export_event_ids(session: Session, filters: EventFilter = EventFilter()) -> list[int]:
    """Ids of the events an export with `filters` contains, in date order."""
    statement = events_select(session, filters, False, limited=False).with_only_columns(Event.id)
    return list(session.scalars(statement))


def event_record(row: EventRow) -> dict[str, Any]:
    """`row` under the column names of EXPORT_TABLES["events"] (also `warta events --format`)."""
    return {
        "event_id": row.id,
        "event_date": row.event_date,
        "title": row.title,
        "place": row.place,
        "outlet_count": row.outlet_count,
        "article_count": row.article_count,
        "outlets": "; ".join(row.outlets),
        "top_terms": "; ".join(row.top_terms),
        "first_seen": as_utc(row.first_seen),
        "last_seen": as_utc(row.last_seen),
        "representative_article_id": row.representative_article_id,
        **region_record(row.region),
    }


def article_record(row: ArticleRow) -> dict[str, Any]:
    """`row` with stable column names, for `warta articles/event --format csv|json`."""
    published = as_utc(row.published_at)
    return {
        "article_id": row.id,
        "outlet": row.outlet,
        "outlet_name": row.outlet_name,
        "url": row.url,
        "title": row.title,
        "published_at": published,
        "published_date": published.astimezone(REGION_TZ).date() if published else None,
        "word_count": row.word_count,
        "event_id": row.event_id,
        "event_score": row.event_score,
        "event_reason": _json_or_none(row.event_reason),
        "duplicate_of": row.duplicate_of,
        **region_record(row.region),
    }


def export_events(session: Session, event_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Rows of events.* for `event_ids`, in that order, with EXPORT_TABLES' column names."""
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        outlets = event_outlets(session, chunk)
        people = event_people(session, chunk)
        found = session.scalars(select(Event).where(Event.id.in_(chunk)))
        by_id = {event.id: event for event in found}
        names = region_names(session, (event.region_code for event in by_id.values()))
        for event_id in chunk:
            record = event_record(
                event_row(by_id[event_id], outlets.get(event_id, ()), names)
            )
            yield record | {"people": people.get(event_id, "")}


def export_articles(
    session: Session, event_ids: Sequence[int] | None, *, batch: int = 1000
) -> Iterator[dict[str, Any]]:
    """Rows of articles.*: the articles of `event_ids`, or every article when None.

    Streams in id order with keyset pagination, so a million articles never sit in memory.
    """

    def rows_after(last_id: int, ids: Sequence[int] | None) -> list[Any]:
        statement = (
            select(Article, Source.key, Source.name)
            .join(Source, Source.id == Article.source_id)
            .where(Article.id > last_id)
            .order_by(Article.id)
            .limit(batch)
        )
        if ids is not None:
            statement = statement.where(Article.event_id.in_(ids))
        return list(session.execute(statement))

    chunks: list[Sequence[int] | None] = (
        [None]
        if event_ids is None
        else [event_ids[start : start + 500] for start in range(0, len(event_ids), 500)]
    )
    for ids in chunks:
        last_id = 0
        while True:
            rows = rows_after(last_id, ids)
            if not rows:
                break
            names = region_names(session, (row[0].region_code for row in rows))
            for article, key, name in rows:
                region = region_of(names, article.region_code, article.region_country)
                published = as_utc(article.published_at)
                yield {
                    "article_id": article.id,
                    "outlet": key,
                    "outlet_name": name,
                    "url": article.url,
                    "canonical_url": article.canonical_url,
                    "title": article.title,
                    "author": article.author,
                    "editor": article.editor,
                    "published_at": published,
                    "published_date": published.astimezone(REGION_TZ).date() if published else None,
                    "fetched_at": as_utc(article.fetched_at),
                    "language": article.language,
                    "word_count": article.word_count,
                    "duplicate_of": article.duplicate_of,
                    "event_id": article.event_id,
                    "event_score": article.event_score,
                    "event_reason": _json_or_none(article.event_reason),
                    "features": _json_or_none(article.features),
                    "text": article.text,
                    **region_record(region),
                    "region_confidence": article.region_confidence,
                }
            last_id = rows[-1][0].id
            session.expunge_all()  # keep the identity map from growing with the export


def export_memberships(session: Session, event_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Rows of event_articles.*: one per (event, article) of `event_ids`, by event then time."""
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        position = {event_id: index for index, event_id in enumerate(chunk)}
        rows = list(
            session.execute(
                select(
                    Article.event_id,
                    Article.id,
                    Source.key,
                    Article.published_at,
                    Article.event_score,
                    Article.duplicate_of,
                )
                .join(Source, Source.id == Article.source_id)
                .where(Article.event_id.in_(chunk))
            )
        )
        rows.sort(key=lambda r: (position.get(r[0] or 0, 0), as_utc(r[3]) or _FAR_FUTURE, r[1]))
        for event_id, article_id, key, published, score, duplicate_of in rows:
            yield {
                "event_id": event_id,
                "article_id": article_id,
                "outlet": key,
                "published_at": as_utc(published),
                "event_score": score,
                "is_duplicate": duplicate_of is not None,
                "duplicate_of": duplicate_of,
            }


def count_export_articles(session: Session, event_ids: Sequence[int] | None) -> int:
    """Rows export_articles will yield (for a progress bar)."""
    if event_ids is None:
        return int(session.scalar(select(func.count()).select_from(Article)) or 0)
    total = 0
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        total += int(
            session.scalar(
                select(func.count()).select_from(Article).where(Article.event_id.in_(chunk))
            )
            or 0
        )
    return total


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """An aware UTC datetime: PostgreSQL returns aware values, SQLite naive UTC ones."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
