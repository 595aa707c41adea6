"""A spider's crawl figures, read from its Scrapy stats, as recorded in `crawl_runs`.

One definition for `scrapy crawl` (the store pipeline closes its own run) and `warta crawl`
(the runner closes one run for many spiders).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

#: figure name → Scrapy stat it is read from
SOURCE_STATS = {
    "pages": "response_received_count",
    "articles_new": "warta/articles/new",
    "articles_unchanged": "warta/articles/unchanged",
    "articles_updated": "warta/articles/updated",
    "duplicates": "warta/clustering/duplicates",
    "dropped_language": "warta/dropped/language",
    "dropped_no_article": "warta/dropped/no_article",
    "skipped_already_stored": "warta/skipped/already_stored",
    "skipped_rejected_before": "warta/skipped/rejected_before",
    "skipped_before_since": "warta/skipped/before_since",
    "requests": "downloader/request_count",
    "article_requests": "warta/requests/article",
}
ERROR_PREFIX = "warta/errors/"


def spider_figures(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of one spider: counts, errors by kind, and how it finished."""
    figures: dict[str, Any] = {name: int(stats.get(key, 0)) for name, key in SOURCE_STATS.items()}
    errors = {
        k.removeprefix(ERROR_PREFIX): int(v) for k, v in stats.items() if k.startswith(ERROR_PREFIX)
    }
    figures["errors"] = sum(errors.values())
    figures["errors_by_kind"] = errors
    figures["finish_reason"] = str(stats.get("finish_reason", "unknown"))
    return figures


class RunCounts(TypedDict):
    pages_fetched: int
    articles_new: int
    articles_unchanged: int
    duplicates: int
    rejected_language: int
    errors: int


def run_counts(totals: Mapping[str, Any]) -> RunCounts:
    """The `crawl_runs` count columns from summed figures."""
    return RunCounts(
        pages_fetched=int(totals.get("pages", 0)),
        articles_new=int(totals.get("articles_new", 0)),
        articles_unchanged=int(totals.get("articles_unchanged", 0)),
        duplicates=int(totals.get("duplicates", 0)),
        rejected_language=int(totals.get("dropped_language", 0)),
        errors=int(totals.get("errors", 0)),
    )
