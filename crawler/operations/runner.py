"""Running several outlet spiders in one process: the engine behind `warta crawl` and `warta demo`.

One crawl run row covers the whole invocation; each spider's stats land under its source key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.operations.runstats import run_counts, spider_figures
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.runs import finish_run, start_run

logger = logging.getLogger(__name__)


@dataclass
class CrawlOutcome:
    run_id: int
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failed_sources(self) -> list[str]:
        """Sources that fetched nothing at all: the site is down, moved or blocks us."""
        return sorted(key for key, figures in self.sources.items() if not figures.get("pages"))


def project_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if overrides:
        settings.setdict(dict(overrides), priority="cmdline")
    return settings


def run_crawl(
    spider_names: Sequence[str],
    settings: Settings,
    spider_arguments: Mapping[str, Mapping[str, Any]] | None = None,
    spider_settings: Mapping[str, Mapping[str, Any]] | None = None,
    run_options: Mapping[str, Any] | None = None,
) -> CrawlOutcome:
    """Crawl the named spiders together in this process (blocks until all are done).

    `spider_settings` are per-spider settings (JOBDIR must differ per spider); `run_options`
    are recorded in the run's stats under "options" (`warta crawl` reads them back for `since`).
    """
    engine = make_engine(settings.get("WARTA_DATABASE_URL"))
    upgrade(engine)
    with session_scope(engine) as session:
        run_id = start_run(session, "warta crawl " + " ".join(spider_names))
    settings = settings.copy()
    settings.set("WARTA_CRAWL_RUN_ID", run_id, priority="cmdline")
    process = CrawlerProcess(settings)
    crawlers = []
    for name in spider_names:
        crawler = process.create_crawler(name)
        crawler.settings.setdict(dict((spider_settings or {}).get(name, {})), priority="cmdline")
        crawlers.append(crawler)
        process.crawl(crawler, **dict((spider_arguments or {}).get(name, {})))
    process.start()

    outcome = CrawlOutcome(run_id)
    totals: dict[str, int] = {}
    for crawler in crawlers:
        figures = spider_figures(crawler.stats.get_stats() if crawler.stats else {})
        outcome.sources[crawler.spider.name if crawler.spider else "?"] = figures
        for name, value in figures.items():
            if isinstance(value, int):
                totals[name] = totals.get(name, 0) + value
    failed = outcome.failed_sources
    status = "failed" if failed and len(failed) == len(crawlers) else "finished"
    # a run stopped early (SIGTERM: "shutdown") says nothing about its sources' health
    reasons = sorted({str(f["finish_reason"]) for f in outcome.sources.values()} - {"finished"})
    if reasons and status == "finished":
        status = "interrupted"
    options = dict(run_options or {})
    with session_scope(engine) as session:
        finish_run(
            session,
            run_id,
            status=status,
            finish_reason=reasons[0] if reasons else "finished",
            **run_counts(totals),
            stats={"sources": outcome.sources, "totals": totals, "options": options},
        )
    engine.dispose()
    return outcome
