"""The story level of the clustering stage: stored events → stories, written in the run's
transaction after the events (dedupe.stories; docs/EVENTS.md, "Stories").

A story decision depends on the events within `max_gap_days` (links) and `rarity_days`
(rarity) of its events, so an incremental run re-decides the components of story links that
hold an event within `rarity_days + max_gap_days` of a day whose events changed, reading
further out until each such component is closed (no member within `max_gap_days` of what was
read): the stories written are those of a rebuild, whatever the batches.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from crawler.clustering.reads import STREAM_CHUNK, aware
from crawler.clustering.writes import assign_event_ids
from dedupe.dates import WITA
from dedupe.stories import (
    Component,
    EventSummary,
    StoryConfig,
    Storyteller,
    event_summary,
    story_day,
)
from storage.models import Article, Event, Story


@dataclass(frozen=True)
class StoredEvent:
    """An event as the story level reads it."""

    summary: EventSummary
    title: str
    articles: int
    outlets: frozenset[int]
    story_id: int | None


def write_stories(session: Session, config: StoryConfig, changed: tuple[date, date] | None) -> int:
    """Decide and write the stories of the events whose days are within reach of `changed`
    (the first and last day whose events this run changed; None: every event, a rebuild).
    Returns how many stories were written."""
    teller = Storyteller(config)
    if changed is None:
        events = _events(session, None, None)
        summaries = [event.summary for event in events.values()]
        components = teller.components(summaries, summaries)
    else:
        events, components = _closed_components(session, teller, changed)
    stories = [story for component in components for story in teller.decide(component)]
    stories.sort(key=lambda story: story[0].order)
    _write(session, events, stories)
    return len(stories)


def _closed_components(
    session: Session, teller: Storyteller, changed: tuple[date, date]
) -> tuple[dict[Hashable, StoredEvent], list[Component]]:
    """The components of story links holding an event within reach of `changed`, each whole."""
    config = teller.config
    gap, radius = timedelta(days=config.max_gap_days), timedelta(days=config.rarity_days)
    low, high = changed[0] - radius - gap, changed[1] + radius + gap
    bounds = _corpus_bounds(session)
    start, end = low - gap, high + gap
    while True:
        events = _events(session, start - radius, end + radius)
        counted = [event.summary for event in events.values()]
        linkable = [s for s in counted if s.day is not None and start <= s.day <= end]
        components = [
            component
            for component in teller.components(linkable, counted)
            if any(low <= day <= high for day in component.days)
        ]
        first = min((min(c.days) for c in components), default=start + gap)
        last = max((max(c.days) for c in components), default=end - gap)
        open_before = first < start + gap and bounds is not None and start > bounds[0]
        open_after = last > end - gap and bounds is not None and end < bounds[1]
        if not (open_before or open_after):
            return events, components
        if open_before:
            start -= 2 * gap + timedelta(days=1)
        if open_after:
            end += 2 * gap + timedelta(days=1)


def _corpus_bounds(session: Session) -> tuple[date, date] | None:
    """Days no event's story day lies outside of (None: no events)."""
    dates = session.execute(select(func.min(Event.event_date), func.max(Event.event_date))).one()
    seen = session.execute(select(func.min(Event.first_seen), func.max(Event.last_seen))).one()
    days = [d for d in dates if d is not None]
    days += [day for day in (story_day(None, aware(value)) for value in seen) if day]
    return (min(days), max(days)) if days else None


def _events(session: Session, low: date | None, high: date | None) -> dict[Hashable, StoredEvent]:
    """The stored events whose story day is in [low, high] (None: every event), by id."""
    query = select(Event.id, Event.event_date, Event.first_seen, Event.title, Event.story_id)
    if low is not None and high is not None:
        start = datetime.combine(low - timedelta(days=1), time.min, WITA)
        end = datetime.combine(high + timedelta(days=1), time.max, WITA)
        query = query.where(
            or_(
                Event.event_date.between(low, high),
                and_(Event.event_date.is_(None), Event.first_seen.between(start, end)),
            )
        )
    heads = {}
    for key, stated, first_seen, title, story_id in session.execute(query):
        day = story_day(stated, aware(first_seen))
        if low is None or (day is not None and low <= day <= high):  # type: ignore[operator]
            heads[key] = (day, title, story_id)
    members: dict[int, list[tuple[str, int, str | None, dict]]] = {key: [] for key in heads}
    keys = sorted(heads)
    for begin in range(0, len(keys), STREAM_CHUNK):
        rows = session.execute(
            select(
                Article.event_id,
                Article.canonical_url,
                Article.source_id,
                Article.title,
                Article.features["salient"],
            ).where(Article.event_id.in_(keys[begin : begin + STREAM_CHUNK]))
        )
        for event_id, url, source_id, title, salient in rows:
            members[event_id].append((url, source_id, title, {"salient": salient or {}}))
    events: dict[Hashable, StoredEvent] = {}
    for key, (day, title, story_id) in heads.items():
        found = members[key]
        order = (day or date.min, min((url for url, *_ in found), default=str(key)))
        events[key] = StoredEvent(
            summary=event_summary(
                key,
                order,
                day,
                [m[3] for m in found],
                [title for _, _, title, _ in found],
                [str(source) for _, source, *_ in found],
            ),
            title=title,
            articles=len(found),
            outlets=frozenset(source for _, source, *_ in found),
            story_id=story_id,
        )
    return events


def _write(
    session: Session, events: dict[Hashable, StoredEvent], stories: Sequence[list[EventSummary]]
) -> None:
    """Story rows (each keeps the lowest stored id of its events still free) and the events'
    `story_id`; stories no event points to any more are deleted."""
    stored = [
        sorted({sid for e in story if (sid := events[e.key].story_id) is not None})
        for story in stories
    ]
    chosen = assign_event_ids(stored)
    values = [_values(events, story) for story in stories]
    created = [v for v, c in zip(values, chosen, strict=True) if c is None]
    new_ids = iter(
        session.scalars(
            insert(Story).returning(Story.id, sort_by_parameter_order=True), created
        ).all()
        if created
        else []
    )
    ids = [c if c is not None else next(new_ids) for c in chosen]
    kept = [dict(v, id=i) for v, i, c in zip(values, ids, chosen, strict=True) if c is not None]
    for begin in range(0, len(kept), STREAM_CHUNK):
        session.execute(update(Story), kept[begin : begin + STREAM_CHUNK])
    moved = [
        {"id": event.key, "story_id": story_id}
        for story, story_id in zip(stories, ids, strict=True)
        for event in story
        if events[event.key].story_id != story_id
    ]
    for begin in range(0, len(moved), STREAM_CHUNK):
        session.execute(update(Event), moved[begin : begin + STREAM_CHUNK])
    session.execute(delete(Story).where(~exists().where(Event.story_id == Story.id)))
    session.flush()


def _values(events: dict[Hashable, StoredEvent], story: list[EventSummary]) -> dict:
    """A story row without its id: its span, its largest event's title, its counts."""
    members = [events[e.key] for e in story]
    days = [e.day for e in story if e.day is not None]
    largest = min(members, key=lambda m: (-m.articles, m.summary.order))
    return {
        "first_day": min(days, default=None),
        "last_day": max(days, default=None),
        "title": largest.title,
        "events": len(members),
        "articles": sum(m.articles for m in members),
        "outlets": len(frozenset().union(*(m.outlets for m in members))),
    }
