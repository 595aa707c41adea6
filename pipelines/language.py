"""Language stage: keep the allowed languages (Indonesian by default), count the rest.

langdetect is seeded (WARTA_LANGDETECT_SEED) so a page gets the same verdict on every run.
Rejected pages are dropped with `warta/dropped/language/<lang>` in the crawl stats.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.extraction.language import Detection, LanguageDetector
from crawler.items import PageItem, RejectedPage
from crawler.operations.workers import WorkerPool


class LanguagePipeline:
    def __init__(self, detector: LanguageDetector, workers: WorkerPool, stats: StatsCollector):
        self.detector = workers.share(detector)
        self.workers = workers
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LanguagePipeline:
        detector = LanguageDetector.from_settings(crawler.settings)
        return cls(detector, WorkerPool.for_crawler(crawler), crawler.stats)

    async def process_item(self, item: PageItem) -> PageItem:
        detection = await self.workers.run(detect, self.detector, item.text or "")
        item.language = detection.language
        item.language_probability = detection.probability
        if not detection.allowed:
            self.stats.inc_value("warta/dropped/language")
            self.stats.inc_value(f"warta/dropped/language/{detection.language}")
            raise RejectedPage(
                f"language_{detection.language}",
                f"language {detection.language} (p={detection.probability:.2f}) "
                f"not allowed: {item.url}"
            )
        return item


def detect(detector: LanguageDetector, text: str) -> Detection:
    """`detector.detect(text)` as a function, so the pool can send the detector once."""
    return detector.detect(text)
