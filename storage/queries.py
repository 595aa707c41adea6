"""Read-only queries behind `warta events/event/articles/stats/export/plot`, one module per
question, importable as one: `from storage import queries; queries.events(...)`.

- storage.query_filters: the filters (day, outlet, place, outlets, full-text search);
- storage.event_queries: which events and articles match, one event in detail;
- storage.stats_queries: how much was covered, when and by whom (stats, plots);
- storage.export_queries: the tables, data dictionary and rows of `warta export`;
- storage.actor_queries: who was there (actors, co-presence), imported on its own.

Plain functions: the session comes first, they return dataclasses or plain rows, they never
commit (the caller owns the transaction), and every value from a user travels as a bound
parameter. The same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from storage.event_queries import (
    ArticleRow,
    EventDetail,
    EventRow,
    articles,
    articles_select,
    count_articles,
    count_events,
    event_detail,
    event_outlets,
    events,
    events_select,
)
from storage.export_queries import (
    EXPORT_TABLES,
    ExportColumn,
    article_record,
    as_utc,
    count_export_articles,
    event_record,
    export_articles,
    export_event_ids,
    export_events,
    export_memberships,
)
from storage.query_filters import (
    REGION_TZ,
    ArticleFilter,
    EventFilter,
    search_terms,
    source_keys,
    unknown_sources,
)
from storage.stats_queries import (
    Coverage,
    OutletStats,
    RunRow,
    Stats,
    articles_per_day,
    coverage,
    events_per_day,
    stats,
)

__all__ = [
    "EXPORT_TABLES",
    "REGION_TZ",
    "ArticleFilter",
    "ArticleRow",
    "Coverage",
    "EventDetail",
    "EventFilter",
    "EventRow",
    "ExportColumn",
    "OutletStats",
    "RunRow",
    "Stats",
    "article_record",
    "articles",
    "articles_per_day",
    "articles_select",
    "as_utc",
    "count_articles",
    "count_events",
    "count_export_articles",
    "coverage",
    "event_detail",
    "event_outlets",
    "event_record",
    "events",
    "events_per_day",
    "events_select",
    "export_articles",
    "export_event_ids",
    "export_events",
    "export_memberships",
    "search_terms",
    "source_keys",
    "stats",
    "unknown_sources",
]
