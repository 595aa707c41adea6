"""The clustering stage: stored articles → duplicate groups and events, one writer at a time.

Glue between storage.models and dedupe.clustering. `cluster_pending` takes the articles that
clustering has not seen (``clustered_at IS NULL``), loads the clustered articles whose links they
can change (plus every member of the events found there) and the rest of those articles' rarity
neighbourhoods (counted only), lets `EventClusterer` assign them and
writes the outcome: ``duplicate_of``, ``event_id``, ``event_score``, ``event_reason``,
``clustered_at`` and the `Event` rows. `recluster_all` rebuilds every group from the stored
signatures and features. `cluster_rows` runs the same code on plain dicts (``warta cluster``).

The caller owns the transaction (storage.database.session_scope commits); the stage takes the
database's write lock first, so two crawler processes never cluster at the same time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from crawler.clustering import segments
from crawler.clustering.files import cluster_rows, records_from_rows
from crawler.clustering.reads import (
    Plan,
    fill_missing,
    outdated,
    pending_plan,
    rarity_days,
    stream_records,
)
from crawler.clustering.regions import decide_event_regions, events_of, place_articles
from crawler.clustering.writes import ClusterReport, Outcome, write
from dedupe.clustering import (
    ClusterConfig,
    EventClusterer,
)
from storage.models import Article

__all__ = ["ClusterReport", "cluster_pending", "cluster_rows", "recluster_all", "records_from_rows"]


#: pg_advisory_xact_lock key of the clustering stage ("warta" + "clus" in ASCII)
ADVISORY_LOCK_KEY = 0x7761727461636C75


def lock_clustering(session: Session) -> None:
    """Take the single-writer lock for the rest of the transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif dialect == "sqlite":
        # an early write takes SQLite's write lock now, not at the first real UPDATE
        session.execute(text("UPDATE events SET id = id WHERE 1 = 0"))


def cluster_pending(
    session: Session,
    config: ClusterConfig | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> ClusterReport:
    """Cluster the pending articles into the events of their time window (see module doc).

    With `workers` > 1 and a window of at least SEGMENT_MIN_ARTICLES articles to re-decide per
    worker, the window is swept in segments by as many processes, as a rebuild is; the result
    is the same."""
    clusterer = EventClusterer(config)
    lock_clustering(session)
    missing = session.scalars(
        select(Article.id).where(
            Article.clustered_at.is_(None),
            or_(Article.signature.is_(None), Article.features.is_(None)),
        )
    ).all()
    if missing:
        fill_missing(session, clusterer.hasher, missing)
    pending_condition = Article.clustered_at.is_(None)
    place_articles(session, pending_condition)
    pending = rarity_days(session, clusterer, pending_condition)
    if not pending:
        return ClusterReport(0, 0, 0, 0, 0, 0, 0)
    plan, context = pending_plan(session, clusterer, pending)
    with tempfile.TemporaryDirectory(prefix=SPILL_PREFIX) as spill:
        committed = partial(_seen_by_others, session, pending_condition, len(pending))
        outcome = _sweep_plan(
            session, clusterer, plan, 1 if missing else workers, committed, Path(spill)
        )
        report = write(session, outcome, set(pending), now, context=context)
        decide_event_regions(session, events_of(session, plan.ids))
        return report


def recluster_all(
    session: Session,
    config: ClusterConfig | None = None,
    now: datetime | None = None,
    workers: int = 1,
) -> ClusterReport:
    """Rebuild every duplicate group and event from the stored signatures and features.

    Event ids are kept where an event keeps members (the lowest old id of its members). The
    articles are streamed in sweep order, so memory follows the articles within reach of the
    current day, not every stored feature at once; the decided events wait in a temporary
    directory until they are written (`Outcome`). With `workers` > 1 the sweep is cut into
    that many segments of days, swept by as many processes reading the database themselves
    (`segments.sweep_segments`); the result is the same.
    """
    clusterer = EventClusterer(config)
    lock_clustering(session)
    missing = session.scalars(select(Article.id).where(outdated())).all()
    if missing:
        fill_missing(session, clusterer.hasher, missing)
    plan = Plan.of(rarity_days(session, clusterer), set())
    with tempfile.TemporaryDirectory(prefix=SPILL_PREFIX) as spill:
        committed = partial(_seen_by_others, session, None, len(plan.ids))
        outcome = _sweep_plan(
            session, clusterer, plan, 1 if missing else workers, committed, Path(spill)
        )
        report = write(session, outcome, None, now)
        place_articles(session)
        decide_event_regions(session)
        return report


#: prefix of the temporary directory where a run's decided events wait to be written


SPILL_PREFIX = "warta-clustering-"
#: fewest articles to decide per worker: below it, starting a process costs more than it saves


def _seen_by_others(session: Session, condition: Any, expected: int) -> bool:
    """Whether another connection sees `expected` articles matching `condition` (None: all):
    a segment's worker reads the committed database, not this transaction (rows the caller
    stored in it would be missing there)."""
    engine = session.get_bind().engine
    if engine.url.database in (None, "", ":memory:"):  # no other connection to the same data
        return False
    query = select(func.count()).select_from(Article)
    if condition is not None:
        query = query.where(condition)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one() == expected


def _sweep_plan(
    session: Session,
    clusterer: EventClusterer,
    plan: Plan,
    workers: int,
    committed: Callable[[], bool],
    spill: Path,
) -> Outcome:
    """The decided events of the sweep of `plan`: in this process, or cut into segments swept
    by up to `workers` processes reading the database, if `committed()` says it holds what
    this transaction sees; the events wait in files of the directory `spill`."""
    cuts = segments.cuts(plan.swept_days(), workers)
    if cuts and committed():
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
        return segments.sweep_segments(url, clusterer, plan, cuts, spill)
    sweep = clusterer.sweep(stream_records(session, plan.ids, plan.counted_only))
    return Outcome.of(clusterer, sweep, spill / "all")
