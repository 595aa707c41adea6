"""Which events and articles match: `warta events`, `warta event`, `warta articles`.

Plain functions: the session comes first, they return dataclasses, they never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Select,
    func,
    select,
)
from sqlalchemy.orm import Session

from storage.models import Article, Event, Source
from storage.query_filters import (
    ArticleFilter,
    EventFilter,
    article_conditions,
    event_conditions,
    search_matches,
)
from storage.regions import RegionNames, region_names, region_of

# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class EventRow:
    """One event as listed by `warta events`."""

    id: int
    event_date: date | None
    title: str
    place: str | None
    outlet_count: int
    article_count: int
    outlets: tuple[str, ...]
    top_terms: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    representative_article_id: int | None
    #: where it happened (issue 26); None when its articles tell no place
    region: RegionNames | None = None


def events_select(
    session: Session, filters: EventFilter, newest_first: bool, *, limited: bool
) -> Select[Any]:
    order = (
        (Event.event_date.desc().nulls_last(), Event.id.desc())
        if newest_first
        else (Event.event_date.asc().nulls_last(), Event.id.asc())
    )
    conditions = event_conditions(session, filters, limited=limited)
    return select(Event).where(*conditions).order_by(*order)


def events(
    session: Session,
    filters: EventFilter = EventFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[EventRow]:
    """Events matching `filters` in date order (undated last), with their outlets' keys."""
    statement = events_select(session, filters, newest_first, limited=limit is not None).offset(
        offset
    )
    if limit is not None:
        statement = statement.limit(limit)
    found = list(session.scalars(statement))
    outlets = event_outlets(session, [event.id for event in found])
    names = region_names(session, (event.region_code for event in found))
    return [event_row(event, outlets.get(event.id, ()), names) for event in found]


def count_events(session: Session, filters: EventFilter = EventFilter()) -> int:
    """How many events `events(session, filters)` would return without a limit."""
    if filters.query and filters == EventFilter(query=filters.query):
        # Search alone: count the matches' distinct event ids, without visiting the events.
        matches = search_matches(session, filters.query)
        if matches is None:
            return 0
        # DISTINCT in a subquery, not count(DISTINCT): PostgreSQL may hash the former, while it
        # always sorts for the latter (seconds for a broad search once its plan is generic).
        events_of = (
            select(matches.c.event_id)
            .where(matches.c.event_id.is_not(None))  # unclustered matches are no event yet
            .distinct()
            .subquery()
        )
        return int(session.scalar(select(func.count()).select_from(events_of)) or 0)
    statement = select(func.count()).select_from(Event).where(*event_conditions(session, filters))
    return int(session.scalar(statement) or 0)


def event_outlets(session: Session, event_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Event id → sorted keys of the outlets with an article in it (one query per 500 ids)."""
    result: dict[int, set[str]] = {}
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        rows = session.execute(
            select(Article.event_id, Source.key)
            .join(Source, Source.id == Article.source_id)
            .where(Article.event_id.in_(chunk))
            .distinct()
        )
        for event_id, key in rows:
            if event_id is not None:
                result.setdefault(event_id, set()).add(key)
    return {event_id: tuple(sorted(keys)) for event_id, keys in result.items()}


def event_row(
    event: Event, outlets: tuple[str, ...], names: dict[str, RegionNames] | None = None
) -> EventRow:
    return EventRow(
        id=event.id,
        event_date=event.event_date,
        title=event.title,
        place=event.place,
        outlet_count=event.outlet_count,
        article_count=event.article_count,
        outlets=outlets,
        top_terms=tuple(str(term) for term in event.top_terms or ()),
        first_seen=event.first_seen,
        last_seen=event.last_seen,
        representative_article_id=event.representative_article_id,
        region=region_of(names or {}, event.region_code, event.region_country),
    )


# --------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class ArticleRow:
    """One article as listed by `warta articles` and `warta event`."""

    id: int
    outlet: str
    outlet_name: str
    url: str
    title: str | None
    published_at: datetime | None
    word_count: int
    event_id: int | None
    event_score: float | None
    #: why clustering put the article into its event (matched features), as stored
    event_reason: dict[str, Any] | None
    duplicate_of: int | None
    #: where its happening took place (issue 26); None when the text tells no place
    region: RegionNames | None = None


def articles_select(session: Session, filters: ArticleFilter) -> Select[Any]:
    return (
        select(
            Article.id,
            Source.key,
            Source.name,
            Article.url,
            Article.title,
            Article.published_at,
            Article.word_count,
            Article.event_id,
            Article.event_score,
            Article.event_reason,
            Article.duplicate_of,
        )
        .join(Source, Source.id == Article.source_id)
        .where(*article_conditions(session, filters))
    )


def articles(
    session: Session,
    filters: ArticleFilter = ArticleFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[ArticleRow]:
    """Articles matching `filters` in publication order (undated last)."""
    order = (
        (Article.published_at.desc().nulls_last(), Article.id.desc())
        if newest_first
        else (Article.published_at.asc().nulls_last(), Article.id.asc())
    )
    statement = articles_select(session, filters).order_by(*order).offset(offset)
    statement = statement.add_columns(Article.region_code, Article.region_country)
    if limit is not None:
        statement = statement.limit(limit)
    rows = session.execute(statement).all()
    names = region_names(session, (row[-2] for row in rows))
    return [ArticleRow(*row[:-2], region_of(names, *row[-2:])) for row in rows]


def count_articles(session: Session, filters: ArticleFilter = ArticleFilter()) -> int:
    """How many articles `articles(session, filters)` would return without a limit."""
    statement = (
        select(func.count()).select_from(Article).where(*article_conditions(session, filters))
    )
    return int(session.scalar(statement) or 0)


@dataclass(frozen=True)
class EventDetail:
    """An event with every article that reports it, for `warta event ID`."""

    event: EventRow
    representative_url: str | None
    articles: list[ArticleRow] = field(default_factory=list)


def event_detail(session: Session, event_id: int) -> EventDetail | None:
    """The event `event_id` with its articles in publication order; None when there is none."""
    event = session.get(Event, event_id)
    if event is None:
        return None
    members = articles(session, ArticleFilter(event_id=event_id))
    outlets = tuple(sorted({member.outlet for member in members}))
    representative = None
    if event.representative_article_id is not None:
        representative = session.scalar(
            select(Article.url).where(Article.id == event.representative_article_id)
        )
    names = region_names(session, [event.region_code])
    return EventDetail(event_row(event, outlets, names), representative, members)
