"""Questions about stories (the ongoing cases above events): which stories match, and one
story's events in time order with who was there (`event_actors`).

Filters are the events' (storage.query_filters.EventFilter): a story matches when one of its
events does (outlet, place, full-text search), its span meets --since/--until, and it was
reported by at least --min-outlets outlets. Functions take the session first, never write.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select, text
from sqlalchemy.orm import Session

from storage.event_queries import EventRow, event_outlets, event_row
from storage.models import Event, Story
from storage.query_filters import EventFilter, event_conditions


@dataclass(frozen=True)
class StoryRow:
    id: int
    first_day: date | None
    last_day: date | None
    title: str
    events: int
    articles: int
    outlets: int


@dataclass(frozen=True)
class StoryEvent:
    """One event of a story, with the actors named in it (most outlets first)."""

    event: EventRow
    actors: tuple[str, ...]


@dataclass(frozen=True)
class StoryDetail:
    story: StoryRow
    events: list[StoryEvent]  #: in time order (undated last)


def _row(story: Story) -> StoryRow:
    return StoryRow(
        story.id,
        story.first_day,
        story.last_day,
        story.title,
        story.events,
        story.articles,
        story.outlets,
    )


def stories_select(
    session: Session, filters: EventFilter, newest_first: bool = False
) -> Select[Any]:
    """Stories matching `filters` (see the module doc), by first day (undated last), then id."""
    statement = select(Story)
    if filters.since is not None:
        statement = statement.where(Story.last_day >= filters.since)
    if filters.until is not None:
        statement = statement.where(Story.first_day <= filters.until)
    if filters.min_outlets is not None:
        statement = statement.where(Story.outlets >= filters.min_outlets)
    per_event = replace(filters, since=None, until=None, min_outlets=None)
    if not per_event.is_empty:
        matching = select(Event.story_id).where(*event_conditions(session, per_event))
        statement = statement.where(Story.id.in_(matching))
    day = Story.first_day.desc() if newest_first else Story.first_day.asc()
    return statement.order_by(Story.first_day.is_(None), day, Story.id)


def stories(
    session: Session,
    filters: EventFilter = EventFilter(),
    *,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[StoryRow]:
    statement = stories_select(session, filters, newest_first)
    if limit is not None:
        statement = statement.limit(limit)
    return [_row(story) for story in session.scalars(statement)]


def count_stories(session: Session, filters: EventFilter = EventFilter()) -> int:
    subquery = stories_select(session, filters).order_by(None).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)


def story_detail(session: Session, story_id: int, actors: int = 5) -> StoryDetail | None:
    """Story `story_id` with its events in time order and up to `actors` people and bodies of
    each (`event_actors`, most outlets first); None when there is no such story."""
    story = session.get(Story, story_id)
    if story is None:
        return None
    found = list(
        session.scalars(
            select(Event)
            .where(Event.story_id == story_id)
            .order_by(Event.event_date.is_(None), Event.event_date, Event.first_seen, Event.id)
        )
    )
    outlets = event_outlets(session, [event.id for event in found])
    present = _actors(session, [event.id for event in found], actors)
    return StoryDetail(
        _row(story),
        [
            StoryEvent(event_row(event, outlets.get(event.id, ())), present.get(event.id, ()))
            for event in found
        ],
    )


def _actors(session: Session, event_ids: Sequence[int], limit: int) -> dict[int, tuple[str, ...]]:
    """Event id → names of the actors most outlets named in it (the `event_actors` view)."""
    if not event_ids:
        return {}
    statement = text(
        "SELECT event_id, name FROM event_actors WHERE event_id IN :ids "
        "ORDER BY event_id, outlets DESC, articles DESC, name"
    ).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(statement, {"ids": list(event_ids)})
    found: dict[int, list[str]] = {}
    for event_id, name in rows:
        names = found.setdefault(event_id, [])
        if len(names) < limit:
            names.append(name)
    return {key: tuple(names) for key, names in found.items()}


def export_stories(session: Session, event_ids: Sequence[int]) -> Iterator[dict[str, Any]]:
    """Rows of stories.* (EXPORT_TABLES' names): the stories of `event_ids`, by first day."""
    story_ids: set[int] = set()
    for start in range(0, len(event_ids), 500):
        chunk = list(event_ids[start : start + 500])
        found_ids = session.scalars(select(Event.story_id).where(Event.id.in_(chunk)))
        story_ids.update(story_id for story_id in found_ids if story_id is not None)
    ordered = sorted(story_ids)
    found: list[Story] = []
    for start in range(0, len(ordered), 500):
        found += session.scalars(select(Story).where(Story.id.in_(ordered[start : start + 500])))
    found.sort(key=lambda story: (story.first_day is None, story.first_day or date.min, story.id))
    for story in found:
        yield {"story_id": story.id, **{k: v for k, v in asdict(_row(story)).items() if k != "id"}}
