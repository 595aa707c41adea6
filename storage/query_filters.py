"""Filters shared by Warta's read-only queries: events and articles by day, outlet, place,
number of outlets and full-text search, and the outlets a database knows.

The same code runs on SQLite and PostgreSQL; the only dialect branch is full-text search (FTS5
table `articles_fts` of migration 0002_views_search on SQLite, the `article_search` table of
0003_event_search on PostgreSQL). Every value from a user travels as a bound parameter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session, aliased

from storage.models import Article, Event, Source

#: Sultra's clock (WITA, UTC+8, no daylight saving): an article's day is its day in Kendari.
REGION_TZ = timezone(timedelta(hours=8), "WITA")


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class EventFilter:
    """What `warta events` and `warta export` select; every field optional, all must hold."""

    #: first and last event date, inclusive
    since: date | None = None
    until: date | None = None
    #: outlet keys; an event qualifies when any of its articles comes from one of them
    sources: tuple[str, ...] = ()
    #: words that must all occur in the title or text of one of the event's articles
    query: str | None = None
    #: case-insensitive substring of the event's place
    place: str | None = None
    min_outlets: int | None = None
    #: a region code (regions.code): events placed in it or in a region inside it
    region: str | None = None

    def __post_init__(self) -> None:
        if self.min_outlets is not None and self.min_outlets < 0:
            raise ValueError(f"min_outlets must be 0 or more, not {self.min_outlets}")
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()


@dataclass(frozen=True)
class ArticleFilter(EventFilter):
    """What `warta articles` selects: dates are publication days (WITA), place and
    min_outlets apply to the article's event."""

    event_id: int | None = None
    duplicates_only: bool = False


def search_terms(query: str) -> list[str]:
    """The phrases of a search: whitespace-separated chunks, kept only if they hold a word.

    Quotes and operators are ordinary characters here, never search syntax or SQL: `Jum'at`
    is one phrase (the tokens `jum` and `at`, adjacent), `"` alone is dropped.
    """
    return [chunk for chunk in query.split() if re.search(r"\w", chunk)]


#: A search matching more articles than this lists events by walking them in date order and
#: stopping at the limit; a narrower one collects its few events and sorts them. Neither
#: database estimates full-text selectivity well enough to choose (FTS5 does not at all).
#: Deciding reads up to this many matches: on PostgreSQL a broad search may read them by
#: scanning `article_search`, ~10 µs a row, hence not more.
WALK_MATCHES = 3_000

#: PostgreSQL's article → event map with each article's tsvector (migration 0003).
_article_search = table(
    "article_search", column("article_id"), column("event_id"), column("document")
)


def search_matches(session: Session, query: str) -> Subquery | None:
    """(article_id, event_id) of the articles matching every phrase of `query`; None when the
    query holds no word. Event ids come from narrow rows (migration 0003), not from articles."""
    terms = search_terms(query)
    if not terms:
        return None
    if _dialect(session) == "sqlite":
        narrow = aliased(Article, name="matched")  # read through ix_articles_id_event_id
        return (
            select(narrow.id.label("article_id"), narrow.event_id.label("event_id"))
            .where(narrow.id.in_(_fts_rowids(terms)))
            .subquery("matches")
        )
    return (
        select(_article_search.c.article_id, _article_search.c.event_id)
        .where(_article_search.c.document.op("@@")(_tsquery(terms)))
        .subquery("matches")
    )


def _event_has_match(session: Session, query: str) -> ColumnElement[bool]:
    """The event has an article matching `query`, tested from the event's side: for walking
    events in date order when most of them match (`_search` must not be empty)."""
    terms = search_terms(query)
    if _dialect(session) == "sqlite":
        # The event's members first; FTS5 cannot be probed per article, so its matches are
        # read once into a list. INDEXED BY: costed blind, the planner would rather scan that
        # list for every event.
        members = text("articles AS member INDEXED BY ix_articles_event_source")
        return (
            select(literal_column("1"))
            .select_from(members)
            .where(
                # a Core column: an ORM one would not accept the textual FROM
                literal_column("member.event_id") == Event.__table__.c.id,
                literal_column("member.id").in_(_fts_rowids(terms)),
            )
            .exists()
        )
    # A scalar subquery, not EXISTS: PostgreSQL would turn EXISTS into a semi-join and, as it
    # underestimates phrases ANDed together, hash every match instead of walking.
    return (
        select(literal_column("true"))
        .where(
            _article_search.c.event_id == Event.id,
            _article_search.c.document.op("@@")(_tsquery(terms)),
        )
        .limit(1)
        .scalar_subquery()
    )


def _fts_rowids(terms: list[str]) -> Select[Any]:
    """SQLite: rowids (article ids) of the FTS5 rows holding every phrase of `terms`."""
    # FTS5 string literals: double the quotes; the whole expression is one bound value.
    expression = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return (
        select(literal_column("rowid"))
        .select_from(text("articles_fts"))
        .where(text("articles_fts MATCH :fts_query").bindparams(fts_query=expression))
    )


def _tsquery(terms: list[str]) -> ColumnElement[Any]:
    """PostgreSQL: every phrase of `terms` (non-empty), as one tsquery of bound values."""
    phrases: list[ColumnElement[Any]] = [
        func.phraseto_tsquery(literal_column("'simple'"), bindparam(f"term_{index}", term))
        for index, term in enumerate(terms)
    ]
    tsquery = phrases[0]
    for phrase in phrases[1:]:
        tsquery = tsquery.op("&&")(phrase)
    return tsquery


def _matches_many(session: Session, matches: Subquery) -> bool:
    """More than WALK_MATCHES articles match (reads at most that many matches)."""
    first = select(matches.c.article_id).limit(WALK_MATCHES + 1).subquery()
    return (session.scalar(select(func.count()).select_from(first)) or 0) > WALK_MATCHES


def _day_start(day: date) -> datetime:
    """Midnight WITA of `day`, in UTC, the zone timestamps are stored in."""
    return datetime.combine(day, time(), REGION_TZ).astimezone(UTC)


def event_conditions(
    session: Session, filters: EventFilter, *, limited: bool = False
) -> list[ColumnElement[bool]]:
    """WHERE clauses for `filters`; `limited` when the caller reads events in date order and
    stops at a limit, so that testing events one by one beats collecting every match."""
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(Event.event_date >= filters.since)
    if filters.until is not None:
        conditions.append(Event.event_date <= filters.until)
    if filters.place:
        conditions.append(Event.place.icontains(filters.place, autoescape=True))
    if filters.min_outlets is not None:
        conditions.append(Event.outlet_count >= filters.min_outlets)
    if filters.region:
        conditions.append(_in_region(Event.region_code, filters.region))
    if filters.sources:
        keys = select(Source.id).where(Source.key.in_(filters.sources))
        if limited:
            # Correlated EXISTS on (event_id, source_id): walks events in date order and stops
            # at the limit instead of collecting every article of the outlets first.
            member = select(Article.id).where(
                Article.event_id == Event.id, Article.source_id.in_(keys)
            )
            conditions.append(member.exists())
        else:
            # Every event is visited anyway: one pass over the outlets' articles is cheaper.
            events_of = select(Article.event_id).where(
                Article.source_id.in_(keys), Article.event_id.is_not(None)
            )
            conditions.append(Event.id.in_(events_of))
    if filters.query:
        matches = search_matches(session, filters.query)
        if matches is None:
            conditions.append(false())
        elif limited and _matches_many(session, matches):
            conditions.append(_event_has_match(session, filters.query))
        else:
            conditions.append(Event.id.in_(select(matches.c.event_id)))
    return conditions


def article_conditions(session: Session, filters: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(Article.published_at >= _day_start(filters.since))
    if filters.until is not None:
        conditions.append(Article.published_at < _day_start(filters.until + timedelta(days=1)))
    if filters.sources:
        keys = select(Source.id).where(Source.key.in_(filters.sources))
        conditions.append(Article.source_id.in_(keys))
    if filters.query:
        matches = search_matches(session, filters.query)
        conditions.append(
            false() if matches is None else Article.id.in_(select(matches.c.article_id))
        )
    if filters.region:
        conditions.append(_in_region(Article.region_code, filters.region))
    if filters.place or filters.min_outlets is not None:
        events = select(Event.id).where(
            *event_conditions(
                session, EventFilter(place=filters.place, min_outlets=filters.min_outlets)
            )
        )
        conditions.append(Article.event_id.in_(events))
    if filters.event_id is not None:
        conditions.append(Article.event_id == filters.event_id)
    if filters.duplicates_only:
        conditions.append(Article.duplicate_of.is_not(None))
    return conditions


def _in_region(column: Any, code: str) -> ColumnElement[bool]:
    """The region column is `code` or a region inside it (codes nest: 74 ⊃ 74.05 ⊃ 74.05.01)."""
    return (column == code) | column.startswith(code + ".", autoescape=True)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# --------------------------------------------------------------------------- sources


def source_keys(session: Session) -> list[str]:
    """Keys of the outlets in the database, sorted."""
    return list(session.scalars(select(Source.key).order_by(Source.key)))


def unknown_sources(session: Session, keys: Sequence[str]) -> list[str]:
    """Those of `keys` that name no outlet in the database (for a one-line usage error)."""
    known = set(session.scalars(select(Source.key).where(Source.key.in_(set(keys)))))
    return [key for key in keys if key not in known]
