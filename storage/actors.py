"""Writing who an article names: actors (one row per spelling) and their mentions.

The store stage calls `store_mentions` with what extraction computed for each new or changed
article; `warta backfill actors` calls it for stored articles. An article's mentions are
replaced as a whole, so a re-crawl or a re-run leaves no stale rows. Actors are inserted with
`ON CONFLICT DO NOTHING` and read back (concurrent crawls may meet the same name at once).
`set_canonical` writes the cross-article resolution (dedupe.actors), computed by the caller.
Functions take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.database import insert_for
from storage.models import Actor, ActorMention, Article

KEY_WIDTH, NAME_WIDTH = 400, 300  #: actors.key, actors.name


@dataclass(frozen=True)
class MentionRow:
    """One mention as extraction hands it over (no storage ids yet)."""

    kind: str
    key: str
    name: str
    surface: str
    office: str | None
    rank: str | None
    position: int
    titles: str | None = None  #: "Drs, M.Si": degrees and honorifics around the name
    office_canonical: str | None = None  #: "Pj Bupati / Kabupaten Bombana"


def _actor_ids(session: Session, rows: Sequence[MentionRow]) -> dict[str, int]:
    # the columns' widths: a pathological page must not fail its article's transaction
    names = {row.key[:KEY_WIDTH]: (row.kind, row.name[:NAME_WIDTH]) for row in rows}
    if not names:
        return {}
    session.execute(
        insert_for(session, Actor)
        .values([{"key": k, "kind": kind, "name": name} for k, (kind, name) in names.items()])
        .on_conflict_do_nothing(index_elements=[Actor.key])
    )
    found = session.execute(select(Actor.key, Actor.id).where(Actor.key.in_(names)))
    return {key: actor_id for key, actor_id in found}


def store_mentions(session: Session, article_id: int, rows: Sequence[MentionRow]) -> int:
    """Replace the article's mentions with `rows`; the number of mentions written."""
    session.execute(delete(ActorMention).where(ActorMention.article_id == article_id))
    ids = _actor_ids(session, rows)
    if rows:
        session.execute(
            insert_for(session, ActorMention).values(
                [
                    {
                        "article_id": article_id,
                        "actor_id": ids[row.key[:KEY_WIDTH]],
                        "surface": row.surface[:500],
                        "office": row.office[:500] if row.office else None,
                        "rank": row.rank[:100] if row.rank else None,
                        "position": row.position,
                        "titles": row.titles[:200] if row.titles else None,
                        "office_canonical": (
                            row.office_canonical[:200] if row.office_canonical else None
                        ),
                    }
                    for row in rows
                ]
            )
        )
    return len(rows)


def article_texts(session: Session, after_id: int, limit: int) -> list[tuple[int, str]]:
    """(id, text) of stored articles past `after_id`, in id order: the backfill's batches."""
    query = select(Article.id, Article.text).where(Article.id > after_id).order_by(Article.id)
    return [(i, t) for i, t in session.execute(query.limit(limit))]


@dataclass(frozen=True)
class ActorOffices:
    id: int
    kind: str
    key: str
    name: str
    offices: tuple[str, ...]


def actors_with_offices(session: Session) -> list[ActorOffices]:
    """Every actor with the distinct offices written for it: the input of the resolution."""
    offices: dict[int, set[str]] = {}
    written = select(ActorMention.actor_id, ActorMention.office).where(
        ActorMention.office.is_not(None)
    )
    for actor_id, office in session.execute(written.distinct()):
        if office is not None:
            offices.setdefault(actor_id, set()).add(office)
    rows = session.execute(select(Actor.id, Actor.kind, Actor.key, Actor.name).order_by(Actor.id))
    return [
        ActorOffices(id, kind, key, name, tuple(sorted(offices.get(id, ()))))
        for id, kind, key, name in rows
    ]


def set_canonical(session: Session, joined: Mapping[int, tuple[int, str]]) -> int:
    """Clear every actor's canonical, then set `joined` (actor id → (canonical id, reason))."""
    session.execute(update(Actor).values(canonical_id=None, reason=None))
    for actor_id, (canonical_id, reason) in joined.items():
        session.execute(
            update(Actor)
            .where(Actor.id == actor_id)
            .values(canonical_id=canonical_id, reason=reason)
        )
    return len(joined)


def mention_counts(session: Session) -> dict[str, Any]:
    """How many actors (by kind) and mentions the database holds."""
    counted = session.execute(select(Actor.kind, func.count()).group_by(Actor.kind))
    kinds = {kind: count for kind, count in counted}
    mentions = session.scalar(select(func.count()).select_from(ActorMention)) or 0
    return {"actors": kinds, "mentions": mentions}


def rows_from_json(found: Mapping[str, Any]) -> list[MentionRow]:
    """Mention rows from extraction's JSON (`dedupe.mentions`): people then organisations,
    each entry with its actor `key` and its mentions as [offset, words as written]."""
    out: list[MentionRow] = []
    for kind, entries in (
        ("person", found.get("people", [])),
        ("organisation", found.get("organisations", [])),
    ):
        for entry in entries:
            for position, surface in entry.get("mentions", []):
                out.append(
                    MentionRow(
                        kind=kind,
                        key=entry["key"],
                        name=entry["name"],
                        surface=surface,
                        office=entry.get("office"),
                        rank=entry.get("rank"),
                        position=int(position),
                        titles=", ".join(entry.get("titles") or ()) or None,
                        office_canonical=entry.get("office_canonical"),
                    )
                )
    return out
