"""Questions about who was there: most present actors, one actor's record, co-presence.

Every query reads `actor_mentions` through the canonical actor (a spelling that is one person
with another counts as that other), so "Andap" and "Andap Budhi Revianto" are one row. Dates
are the articles' publication days in UTC. Functions take the session first and never write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from storage.models import Actor, ActorMention, Article, Event, Source

Canonical = aliased(Actor, name="canonical")
#: the canonical actor id of a mention's actor
CANONICAL_ID = func.coalesce(Actor.canonical_id, Actor.id)
#: one office however it is spelled ("Kapolda / Polda Sultra"), else the office as written
OFFICE = func.coalesce(ActorMention.office_canonical, ActorMention.office)


@dataclass(frozen=True)
class ActorFilter:
    since: date | None = None
    until: date | None = None
    outlets: Sequence[str] = ()
    kind: str | None = None
    office: str | None = None  #: words the office as written or its canonical form contains


@dataclass(frozen=True)
class ActorRow:
    id: int
    kind: str
    name: str
    events: int
    articles: int
    outlets: int
    first: date | None  #: first and last day an article named the actor (with the filters)
    last: date | None
    office: str | None  #: the office named most often (canonical, else as written)


def _mentions(filters: ActorFilter) -> Select:
    """Mentions joined to their article, outlet and canonical actor, filtered."""
    query = (
        select(ActorMention)
        .join(Article, Article.id == ActorMention.article_id)
        .join(Source, Source.id == Article.source_id)
        .join(Actor, Actor.id == ActorMention.actor_id)
        .join(Canonical, Canonical.id == CANONICAL_ID)
    )
    if filters.since:
        query = query.where(
            Article.published_at >= datetime.combine(filters.since, datetime.min.time())
        )
    if filters.until:
        query = query.where(
            Article.published_at < datetime.combine(filters.until, datetime.max.time())
        )
    if filters.outlets:
        query = query.where(Source.key.in_(filters.outlets))
    if filters.kind:
        query = query.where(Canonical.kind == filters.kind)
    if filters.office:
        wanted = filters.office.lower()
        query = query.where(
            or_(
                func.lower(ActorMention.office).contains(wanted),
                func.lower(ActorMention.office_canonical).contains(wanted),
            )
        )
    return query


def most_present(session: Session, filters: ActorFilter, limit: int = 20) -> list[ActorRow]:
    """Actors by the number of events (then articles) that name them."""
    base = _mentions(filters).subquery()
    mention = aliased(ActorMention, base)
    joined = (
        select(
            Canonical.id,
            Canonical.kind,
            Canonical.name,
            func.count(func.distinct(Article.event_id)),
            func.count(func.distinct(Article.id)),
            func.count(func.distinct(Article.source_id)),
            func.min(Article.published_at),
            func.max(Article.published_at),
        )
        .select_from(mention)
        .join(Article, Article.id == mention.article_id)
        .join(Actor, Actor.id == mention.actor_id)
        .join(Canonical, Canonical.id == CANONICAL_ID)
        .group_by(Canonical.id, Canonical.kind, Canonical.name)
        .order_by(
            func.count(func.distinct(Article.event_id)).desc(),
            func.count(func.distinct(Article.id)).desc(),
            Canonical.name,
        )
        .limit(limit)
    )
    rows = session.execute(joined).all()
    offices = _top_offices(session, [row[0] for row in rows])
    return [
        ActorRow(*row[:6], first=_day(row[6]), last=_day(row[7]), office=offices.get(row[0]))
        for row in rows
    ]


def _top_offices(
    session: Session, actor_ids: Sequence[int], event_id: int | None = None
) -> dict[int, str]:
    """Each actor's office named most often (at one event's articles when given)."""
    if not actor_ids:
        return {}
    counted = (
        select(CANONICAL_ID, OFFICE, func.count())
        .join(Actor, Actor.id == ActorMention.actor_id)
        .where(CANONICAL_ID.in_(actor_ids), ActorMention.office.is_not(None))
        .group_by(CANONICAL_ID, OFFICE)
    )
    if event_id is not None:
        counted = counted.join(Article, Article.id == ActorMention.article_id).where(
            Article.event_id == event_id
        )
    best: dict[int, tuple[int, str]] = {}
    for actor_id, office, count in session.execute(counted):
        if office is not None and (actor_id not in best or (count, office) > best[actor_id]):
            best[actor_id] = (count, office)
    return {actor_id: office for actor_id, (_, office) in best.items()}


def find_actor(session: Session, name: str) -> int | None:
    """The canonical actor a name (or part of one) means: an exact spelling first, then the
    most mentioned actor whose spelling contains the words."""
    wanted = name.lower().strip()
    exact = select(CANONICAL_ID).where(func.lower(Actor.name) == wanted).limit(1)
    found = session.scalar(exact)
    if found is not None:
        return found
    partial = (
        select(CANONICAL_ID)
        .join(ActorMention, ActorMention.actor_id == Actor.id)
        .where(func.lower(Actor.name).contains(wanted))
        .group_by(CANONICAL_ID)
        .order_by(func.count().desc(), CANONICAL_ID)
        .limit(1)
    )
    return session.scalar(partial)


@dataclass(frozen=True)
class ActorDetail:
    id: int
    kind: str
    name: str
    #: (spelling, why it is this actor) for every spelling but the canonical one
    spellings: list[tuple[str, str | None]]
    #: (office: canonical, else as written; first day, last day, articles)
    offices: list[tuple[str, date | None, date | None, int]]
    #: (event id, event date, place, title, outlets)
    events: list[tuple[int, date | None, str | None, str, list[str]]]
    #: (actor name, kind, events shared)
    together: list[tuple[str, str, int]]


def actor_detail(session: Session, actor_id: int, limit: int = 20) -> ActorDetail | None:
    actor = session.get(Actor, actor_id)
    if actor is None:
        return None
    spellings = session.execute(
        select(Actor.name, Actor.reason).where(Actor.canonical_id == actor_id).order_by(Actor.name)
    ).all()
    mine = CANONICAL_ID == actor_id
    offices = session.execute(
        select(
            OFFICE,
            func.min(Article.published_at),
            func.max(Article.published_at),
            func.count(func.distinct(Article.id)),
        )
        .join(Article, Article.id == ActorMention.article_id)
        .join(Actor, Actor.id == ActorMention.actor_id)
        .where(mine, ActorMention.office.is_not(None))
        .group_by(OFFICE)
        .order_by(func.min(Article.published_at), OFFICE)
    ).all()
    events = session.execute(
        select(Event.id, Event.event_date, Event.place, Event.title)
        .where(
            Event.id.in_(
                select(Article.event_id)
                .join(ActorMention, ActorMention.article_id == Article.id)
                .join(Actor, Actor.id == ActorMention.actor_id)
                .where(mine)
            )
        )
        .order_by(Event.event_date.desc(), Event.id)
        .limit(limit)
    ).all()
    return ActorDetail(
        id=actor.id,
        kind=actor.kind,
        name=actor.name,
        spellings=[(name, reason) for name, reason in spellings],
        offices=[
            (office, _day(first), _day(last), count)
            for office, first, last, count in offices
            if office is not None
        ],
        events=[(e.id, e.event_date, e.place, e.title, _outlets(session, e.id)) for e in events],
        together=co_present(session, actor_id, limit),
    )


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _outlets(session: Session, event_id: int) -> list[str]:
    query = (
        select(Source.key)
        .join(Article, Article.source_id == Source.id)
        .where(Article.event_id == event_id)
        .distinct()
        .order_by(Source.key)
    )
    return list(session.scalars(query))


def _event_actor_pairs() -> Select:
    """(event id, canonical actor id) for every event an actor is named at."""
    return (
        select(Article.event_id.label("event_id"), CANONICAL_ID.label("actor_id"))
        .join(ActorMention, ActorMention.article_id == Article.id)
        .join(Actor, Actor.id == ActorMention.actor_id)
        .where(Article.event_id.is_not(None))
        .distinct()
    )


def co_present(session: Session, actor_id: int, limit: int = 20) -> list[tuple[str, str, int]]:
    """Who else was named at this actor's events, by the number of events shared."""
    pairs = _event_actor_pairs().subquery()
    other = aliased(pairs)
    query = (
        select(Canonical.name, Canonical.kind, func.count())
        .select_from(pairs)
        .join(other, and_(other.c.event_id == pairs.c.event_id, other.c.actor_id != actor_id))
        .join(Canonical, Canonical.id == other.c.actor_id)
        .where(pairs.c.actor_id == actor_id)
        .group_by(Canonical.id, Canonical.name, Canonical.kind)
        .order_by(func.count().desc(), Canonical.name)
        .limit(limit)
    )
    return [(name, kind, count) for name, kind, count in session.execute(query)]


@dataclass(frozen=True)
class Network:
    #: (actor id, name, kind, events)
    nodes: list[tuple[int, str, str, int]]
    #: (actor id, actor id, events shared), the smaller id first
    edges: list[tuple[int, int, int]]


def co_presence_network(session: Session, min_events: int = 1) -> Network:
    """Actors named at the same events: the edge weight is the number of events shared."""
    pairs = _event_actor_pairs().subquery()
    other = aliased(pairs)
    edges = session.execute(
        select(pairs.c.actor_id, other.c.actor_id, func.count())
        .join(
            other, and_(other.c.event_id == pairs.c.event_id, other.c.actor_id > pairs.c.actor_id)
        )
        .group_by(pairs.c.actor_id, other.c.actor_id)
        .having(func.count() >= min_events)
        .order_by(pairs.c.actor_id, other.c.actor_id)
    ).all()
    ids = sorted({a for a, _, _ in edges} | {b for _, b, _ in edges})
    nodes = session.execute(
        select(
            Canonical.id,
            Canonical.name,
            Canonical.kind,
            func.count(func.distinct(pairs.c.event_id)),
        )
        .join(pairs, pairs.c.actor_id == Canonical.id)
        .where(Canonical.id.in_(ids) if ids else or_(False))
        .group_by(Canonical.id, Canonical.name, Canonical.kind)
        .order_by(Canonical.id)
    ).all()
    return Network(
        nodes=[(i, name, kind, count) for i, name, kind, count in nodes],
        edges=[(a, b, count) for a, b, count in edges],
    )


def appearances(session: Session, actor_id: int) -> list[tuple[date, int]]:
    """(day, articles naming the actor that day), in day order: the actor's plot."""
    query = (
        select(Article.published_at, Article.id)
        .join(ActorMention, ActorMention.article_id == Article.id)
        .join(Actor, Actor.id == ActorMention.actor_id)
        .where(CANONICAL_ID == actor_id, Article.published_at.is_not(None))
        .distinct()
    )
    days: dict[date, int] = {}
    for published, _ in session.execute(query):
        if published is not None:
            days[published.date()] = days.get(published.date(), 0) + 1
    return sorted(days.items())


@dataclass(frozen=True)
class EventActor:
    id: int
    kind: str
    name: str
    office: str | None  #: named most often at this event (canonical, else as written)
    articles: int  #: the event's articles that name the actor
    outlets: int


def event_actors(session: Session, event_id: int) -> list[EventActor]:
    """Who was there: the canonical actors the event's articles name, most named first."""
    articles = func.count(func.distinct(Article.id))
    rows = session.execute(
        select(
            Canonical.id,
            Canonical.kind,
            Canonical.name,
            articles,
            func.count(func.distinct(Article.source_id)),
        )
        .select_from(ActorMention)
        .join(Article, Article.id == ActorMention.article_id)
        .join(Actor, Actor.id == ActorMention.actor_id)
        .join(Canonical, Canonical.id == CANONICAL_ID)
        .where(Article.event_id == event_id)
        .group_by(Canonical.id, Canonical.kind, Canonical.name)
        .order_by(articles.desc(), Canonical.kind.desc(), Canonical.name)
    ).all()
    offices = _top_offices(session, [row[0] for row in rows], event_id)
    return [
        EventActor(id, kind, name, offices.get(id), count, outlets)
        for id, kind, name, count, outlets in rows
    ]


def event_people(session: Session, event_ids: Sequence[int]) -> dict[int, str]:
    """Event id → its people, most named first, as "Name (office); ...": the export's column."""
    articles = func.count(func.distinct(Article.id))
    rows = session.execute(
        select(Article.event_id, Canonical.name, func.max(OFFICE), articles)
        .select_from(ActorMention)
        .join(Article, Article.id == ActorMention.article_id)
        .join(Actor, Actor.id == ActorMention.actor_id)
        .join(Canonical, Canonical.id == CANONICAL_ID)
        .where(Article.event_id.in_(event_ids), Canonical.kind == "person")
        .group_by(Article.event_id, Canonical.id, Canonical.name)
        .order_by(Article.event_id, articles.desc(), Canonical.name)
    ).all()
    people: dict[int, list[str]] = {}
    for event_id, name, office, _ in rows:
        people.setdefault(event_id, []).append(f"{name} ({office})" if office else name)
    return {event_id: "; ".join(names) for event_id, names in people.items()}
