"""Consistency checks behind `warta db check`: what a crash, a kill or a bug can leave behind.

Foreign keys stop most orphans, but not on a SQLite file written with foreign keys off, and not
the derived data the clustering stage maintains (event counts, duplicate chains). Each check is
one query that reads, never repairs. Problems of severity "notice" (an interrupted run) are
reported but are not errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session, aliased

from storage.models import Article, ArticleUrl, CrawlRun, Event, Source

Severity = Literal["error", "notice"]

#: How many ids a problem names; the count is always exact.
SHOWN_IDS = 10


@dataclass(frozen=True)
class Problem:
    """One kind of inconsistency: `kind` is stable for scripts, `message` is for people."""

    kind: str
    message: str
    severity: Severity = "error"
    ids: tuple[int, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.severity}: {self.kind}: {self.message}"


def check_database(session: Session) -> list[Problem]:
    """Every problem found, errors first; an empty list means the database is consistent."""
    problems: list[Problem] = []
    if session.get_bind().dialect.name == "sqlite":
        problems.extend(_sqlite_pragmas(session))
    for kind, query, template in _ID_CHECKS:
        ids: list[int] = list(session.scalars(query()))
        if ids:
            message = f"{template.format(n=len(ids))}: {_ids(ids)}"
            problems.append(Problem(kind, message, ids=tuple(ids)))
    problems.extend(_stale_counts(session))
    problems.extend(_unfinished_runs(session))
    return sorted(problems, key=lambda problem: problem.severity != "error")


def _articles_without_source() -> Select[Any]:
    return (
        select(Article.id)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(Source.id.is_(None))
        .order_by(Article.id)
    )


def _articles_without_event() -> Select[Any]:
    return (
        select(Article.id)
        .outerjoin(Event, Event.id == Article.event_id)
        .where(Article.event_id.is_not(None), Event.id.is_(None))
        .order_by(Article.id)
    )


def _articles_without_run() -> Select[Any]:
    return (
        select(Article.id)
        .outerjoin(CrawlRun, CrawlRun.id == Article.crawl_run_id)
        .where(Article.crawl_run_id.is_not(None), CrawlRun.id.is_(None))
        .order_by(Article.id)
    )


def _duplicates_of_missing() -> Select[Any]:
    original = aliased(Article)
    return (
        select(Article.id)
        .outerjoin(original, original.id == Article.duplicate_of)
        .where(Article.duplicate_of.is_not(None), original.id.is_(None))
        .order_by(Article.id)
    )


def _duplicates_of_duplicates() -> Select[Any]:
    # duplicate_of must name the first article of the group, which is no duplicate itself
    # (an article naming itself is caught here too).
    original = aliased(Article)
    return (
        select(Article.id)
        .join(original, original.id == Article.duplicate_of)
        .where(original.duplicate_of.is_not(None) | (original.id == Article.id))
        .order_by(Article.id)
    )


def _empty_events() -> Select[Any]:
    return (
        select(Event.id)
        .where(~select(Article.id).where(Article.event_id == Event.id).exists())
        .order_by(Event.id)
    )


def _events_with_missing_representative() -> Select[Any]:
    representative = aliased(Article)
    return (
        select(Event.id)
        .outerjoin(representative, representative.id == Event.representative_article_id)
        .where(Event.representative_article_id.is_not(None), representative.id.is_(None))
        .order_by(Event.id)
    )


def _urls_without_article() -> Select[Any]:
    # article_urls is keyed by URL; the id reported is the missing article's.
    return (
        select(ArticleUrl.article_id)
        .outerjoin(Article, Article.id == ArticleUrl.article_id)
        .where(Article.id.is_(None))
        .distinct()
        .order_by(ArticleUrl.article_id)
    )


#: (kind, query of the offending ids, message template with {n} for their number)
_ID_CHECKS: Sequence[tuple[str, Callable[[], Select[Any]], str]] = (
    (
        "article_missing_source",
        _articles_without_source,
        "{n} article(s) point at a missing source",
    ),
    ("article_missing_event", _articles_without_event, "{n} article(s) point at a missing event"),
    ("article_missing_run", _articles_without_run, "{n} article(s) point at a missing crawl run"),
    (
        "duplicate_of_missing",
        _duplicates_of_missing,
        "{n} article(s) are duplicates of a missing article",
    ),
    (
        "duplicate_of_duplicate",
        _duplicates_of_duplicates,
        "{n} article(s) are duplicates of an article that is itself a duplicate",
    ),
    ("event_without_articles", _empty_events, "{n} event(s) have no articles"),
    (
        "event_missing_representative",
        _events_with_missing_representative,
        "{n} event(s) name a missing representative article",
    ),
    ("url_missing_article", _urls_without_article, "article_urls point at {n} missing article(s)"),
)


def _stale_counts(session: Session) -> list[Problem]:
    counts = (
        select(
            Article.event_id.label("event_id"),
            func.count(Article.id).label("articles"),
            func.count(func.distinct(Article.source_id)).label("outlets"),
        )
        .where(Article.event_id.is_not(None))
        .group_by(Article.event_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Event.id, Event.article_count, Event.outlet_count, counts.c.articles, counts.c.outlets
        )
        .outerjoin(counts, counts.c.event_id == Event.id)
        .order_by(Event.id)
    )
    stale = [
        (event_id, stored_articles, stored_outlets, articles or 0, outlets or 0)
        for event_id, stored_articles, stored_outlets, articles, outlets in rows
        if (stored_articles, stored_outlets) != (articles or 0, outlets or 0)
    ]
    if not stale:
        return []
    examples = "; ".join(
        f"event {event_id} says {sa} articles/{so} outlets, has {a}/{o}"
        for event_id, sa, so, a, o in stale[:SHOWN_IDS]
    )
    more = f"; and {len(stale) - SHOWN_IDS} more" if len(stale) > SHOWN_IDS else ""
    return [
        Problem(
            "event_counts_stale",
            f"{len(stale)} event(s) have stale article/outlet counts: {examples}{more}",
            ids=tuple(row[0] for row in stale),
        )
    ]


def _unfinished_runs(session: Session) -> list[Problem]:
    runs = session.execute(
        select(CrawlRun.id, CrawlRun.spider, CrawlRun.started_at)
        .where(CrawlRun.status == "running", CrawlRun.finished_at.is_(None))
        .order_by(CrawlRun.id)
    )
    return [
        Problem(
            "run_interrupted",
            f"crawl run {run_id} ({spider}, started {started_at:%Y-%m-%d %H:%M}) never finished: "
            "interrupted, or still running",
            severity="notice",
            ids=(run_id,),
        )
        for run_id, spider, started_at in runs
    ]


def _sqlite_pragmas(session: Session) -> list[Problem]:
    problems: list[Problem] = []
    messages = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
    if messages != ["ok"]:
        shown = "; ".join(messages[:SHOWN_IDS])
        problems.append(Problem("sqlite_integrity", f"PRAGMA integrity_check: {shown}"))
    violations: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in session.execute(text("PRAGMA foreign_key_check")):
        violations[(table, parent)] = violations.get((table, parent), 0) + 1
    for (table, parent), count in sorted(violations.items()):
        problems.append(
            Problem(
                "sqlite_foreign_key",
                f"PRAGMA foreign_key_check: {count} row(s) of {table} point at missing {parent}",
            )
        )
    return problems


def _ids(ids: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:SHOWN_IDS])
    return shown + (f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else "")
