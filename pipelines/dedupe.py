"""Dedupe stage: the text's MinHash signature, its event features and who it names, computed
once per page.

All three are stored with the article (mentions in `actor_mentions`), so neither the
clustering stage nor a later `warta recluster` recomputes them. Grouping into near-duplicates
and events happens after storage, in the single-writer clustering stage (crawler.clustering).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import PageItem
from crawler.workers import WorkerPool
from dedupe.features import extract_features
from dedupe.mentions import extract_mentions
from dedupe.signatures import MinHasher


def signature_and_features(
    hasher: MinHasher, title: str | None, text: str, published_at: datetime | None
) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    """The dedupe inputs and the mentions in one worker call (one round trip per page)."""
    return (
        hasher.signature_bytes(text),
        extract_features(title, text, published_at),
        extract_mentions(text).to_json(),
    )


class DedupePipeline:
    def __init__(self, hasher: MinHasher, workers: WorkerPool):
        self.hasher = workers.share(hasher)
        self.workers = workers

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(MinHasher(), WorkerPool.for_crawler(crawler))

    async def process_item(self, item: PageItem) -> PageItem:
        item.signature, item.features, item.mentions = await self.workers.run(
            signature_and_features, self.hasher, item.title, item.text or "", item.published_at
        )
        return item
