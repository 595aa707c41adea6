"""Filling the actor tables outside a crawl: a backfill of stored articles, and the
cross-article resolution that `warta recluster` and the backfill run.

Here the two halves meet: dedupe.mentions and dedupe.actors compute, storage.actors writes
(dedupe/ and storage/ never import each other).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dedupe.actors import ActorRecord, office_head, resolve
from dedupe.mentions import extract_mentions
from storage.actors import (
    actors_with_offices,
    article_texts,
    rows_from_json,
    set_canonical,
    store_mentions,
)
from storage.database import session_scope

logger = logging.getLogger(__name__)

BACKFILL_BATCH = 200  #: articles per transaction: a stopped backfill keeps what it committed


@dataclass(frozen=True)
class BackfillReport:
    articles: int
    mentions: int
    failed: int
    joined: int


def resolve_actors(session: Session) -> int:
    """Recompute which spellings are one person (dedupe.actors); the number joined."""
    records = [
        ActorRecord(
            id=actor.id,
            kind=actor.kind,
            key=actor.key,
            name=actor.name,
            office_heads={h for h in map(office_head, actor.offices) if h},
        )
        for actor in actors_with_offices(session)
    ]
    joined = resolve(records)
    return set_canonical(session, {i: (r.canonical_id, r.reason) for i, r in joined.items()})


def backfill(engine: Engine, batch: int = BACKFILL_BATCH) -> BackfillReport:
    """Extract and store the mentions of every stored article, then resolve actors.

    An article whose text cannot be processed is logged and counted, never half stored (its
    own savepoint); the others go on."""
    after, articles, mentions, failed = 0, 0, 0, 0
    while True:
        with session_scope(engine) as session:
            texts = article_texts(session, after, batch)
            for article_id, text in texts:
                try:
                    with session.begin_nested():
                        rows = rows_from_json(extract_mentions(text).to_json())
                        mentions += store_mentions(session, article_id, rows)
                        articles += 1
                except Exception as error:  # counted and reported; the backfill goes on
                    failed += 1
                    logger.warning("article %d: mentions not stored: %s", article_id, error)
        if not texts:
            break
        after = texts[-1][0]
    with session_scope(engine) as session:
        joined = resolve_actors(session)
    return BackfillReport(articles, mentions, failed, joined)
