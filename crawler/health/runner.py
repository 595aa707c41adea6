"""Running live checks: one `check` spider per outlet, all in one Scrapy process.

The project's settings (User-Agent, robots.txt, AutoThrottle, the redirect guard, base-URL
overrides) with what a check must not do switched off: no item pipeline (nothing is stored
but the verdict), no incremental skip, no WARC archive; retries and redirects cut to the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.health.probe import OutletProbe, Thresholds
from crawler.sources import Source


def check_settings(settings: Settings, thresholds: Thresholds) -> Settings:
    settings = settings.copy()
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.operations.incremental.IncrementalMiddleware"] = None
    overrides: dict[str, Any] = {
        "ITEM_PIPELINES": {},
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "WARTA_WARC_ENABLED": False,
        "RETRY_TIMES": thresholds.budget.retry_times,
        "REDIRECT_MAX_TIMES": thresholds.budget.redirect_max_times,
    }
    settings.setdict(overrides, priority="cmdline")
    return settings


def run_checks(
    spider: type[Spider],
    outlets: Sequence[tuple[Source, bool]],
    settings: Settings,
    thresholds: Thresholds,
) -> list[OutletProbe]:
    """Check each (source, ad hoc?) outlet; blocks until every check is done."""
    process = CrawlerProcess(check_settings(settings, thresholds))
    probes = []
    for source, adhoc in outlets:
        probe = OutletProbe(source.key, source.base_url)
        probes.append(probe)
        process.crawl(spider, source=source, probe=probe, budget=thresholds.budget, adhoc=adhoc)
    process.start()
    return probes
