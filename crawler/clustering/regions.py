"""Placing articles and events in regions (issue 26): dedupe.places reads each article's text,
this writes `articles.region_*`, the `regions` table and `events.region_*`.

Run by the clustering stage on the articles it clusters (and on the events it writes), and by
`warta backfill regions` on everything stored. An article whose place cannot be computed is
logged and counted, and keeps NULL (it is tried again next time), never half a row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from dedupe.gazetteer import gazetteer
from dedupe.places import common_region, place_of
from storage.database import session_scope
from storage.models import Article, Event, Region

logger = logging.getLogger(__name__)

PLACE_BATCH = 500  #: articles read and written per round
#: the tables, for Core executemany UPDATEs (the ORM's bulk UPDATE would synchronise the session)
ARTICLES = Article.metadata.tables["articles"]
EVENTS = Event.metadata.tables["events"]


@dataclass(frozen=True)
class PlacingReport:
    articles: int  #: articles placed (a place found or not)
    placed: int  #: of which with a place
    failed: int
    events: int  #: events whose region was decided again


def fill_regions(session: Session) -> int:
    """Fill `regions` from the gazetteer (provinces, regencies, kecamatan) when it is empty."""
    if session.scalar(select(func.count()).select_from(Region)):
        return 0
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "kind": r.kind,
            "province_code": r.province_code,
            "regency_code": r.regency_code,
        }
        for r in gazetteer().regions.values()
        if r.level != "village"
    ]
    session.execute(insert(Region), rows)
    return len(rows)


def place_articles(session: Session, condition: Any = None) -> tuple[int, int, int]:
    """Place the articles not placed yet (and matching `condition`): (done, with a place,
    failed). Failed ones stay unplaced."""
    fill_regions(session)
    done = placed = failed = after = 0
    while True:
        batch = _place_batch(session, condition, after)
        if batch is None:
            return done, placed, failed
        done, placed, failed = done + batch[0], placed + batch[1], failed + batch[2]
        after = batch[3]


def _place_batch(session: Session, condition: Any, after: int) -> tuple[int, int, int, int] | None:
    """Place up to PLACE_BATCH unplaced articles with ids above `after`: (done, with a place,
    failed, last id read), or None when there are none."""
    query = select(Article.id, Article.title, Article.text).where(
        Article.region_confidence.is_(None), Article.id > after
    )
    if condition is not None:
        query = query.where(condition)
    rows = session.execute(query.order_by(Article.id).limit(PLACE_BATCH)).all()
    if not rows:
        return None
    values = []
    failed = 0
    for article_id, title, text in rows:
        try:
            place = place_of(title, text or "")
        except Exception as error:  # counted and logged; the others go on
            failed += 1
            logger.warning("article %d: not placed: %s", article_id, error)
            continue
        values.append(
            {
                "row_id": article_id,
                "new_code": place.code if place else None,
                "new_country": place.country if place else None,
                "new_confidence": place.confidence if place else 0.0,
                "new_evidence": place.evidence_json() if place else [],
            }
        )
    if values:
        session.execute(
            update(ARTICLES)  # Core: one executemany, no ORM synchronising
            .where(ARTICLES.c.id == bindparam("row_id"))
            .values(
                region_code=bindparam("new_code"),
                region_country=bindparam("new_country"),
                region_confidence=bindparam("new_confidence"),
                region_evidence=bindparam("new_evidence"),
            ),
            values,
        )
    placed = sum(1 for v in values if v["new_country"] is not None)
    return len(values), placed, failed, rows[-1][0]


def decide_event_regions(session: Session, event_ids: Iterable[int] | None = None) -> int:
    """Set each event's region from its placed articles (`dedupe.places.common_region`);
    every event when `event_ids` is None. The number of events decided."""
    ids = None if event_ids is None else sorted(set(event_ids))
    chunks = [None] if ids is None else [ids[i : i + 500] for i in range(0, len(ids), 500)]
    decided = 0
    for chunk in chunks:
        query = select(Event.id)
        if chunk is not None:
            query = query.where(Event.id.in_(chunk))
        members: dict[int, list[tuple[str | None, str | None]]] = {
            event_id: [] for event_id in session.scalars(query)
        }
        placed = select(Article.event_id, Article.region_code, Article.region_country).where(
            Article.event_id.in_(list(members))
            if chunk is not None
            else Article.event_id.isnot(None),
            Article.region_country.is_not(None),
        )
        for event_id, code, country in session.execute(placed):
            if event_id in members:
                members[event_id].append((code, country))
        values = [
            {"row_id": event_id, "new_code": code, "new_country": country}
            for event_id, places in members.items()
            for code, country in [common_region(places)]
        ]
        if values:
            session.execute(
                update(EVENTS)
                .where(EVENTS.c.id == bindparam("row_id"))
                .values(region_code=bindparam("new_code"), region_country=bindparam("new_country")),
                values,
            )
        decided += len(values)
    return decided


def events_of(session: Session, article_ids: Iterable[int]) -> set[int]:
    """The events the given articles belong to now."""
    ids = list(article_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(Article.event_id)
                .where(Article.id.in_(ids[start : start + 500]), Article.event_id.is_not(None))
                .distinct()
            )
        )
    return found


def place_everything(engine: Engine) -> PlacingReport:
    """The backfill: place every stored article again, PLACE_BATCH to a transaction (a stopped
    backfill keeps what it committed; a re-run starts over), then decide every event's region."""
    with session_scope(engine) as session:
        fill_regions(session)
        session.execute(update(ARTICLES).values(region_confidence=None))
    done = placed = failed = after = 0
    while True:
        with session_scope(engine) as session:
            batch = _place_batch(session, None, after)
        if batch is None:
            break
        done, placed, failed = done + batch[0], placed + batch[1], failed + batch[2]
        after = batch[3]
    with session_scope(engine) as session:
        events = decide_event_regions(session)
    return PlacingReport(done, placed, failed, events)
