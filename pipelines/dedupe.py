"""Dedupe stage: the text's MinHash signature, its event features and who it names, computed
once per page (`dedupe.inputs`).

All three are stored with the article (mentions in `actor_mentions`), so neither the
clustering stage nor a later `warta recluster` recomputes them. Grouping into near-duplicates
and events happens after storage, in the single-writer clustering stage (crawler.clustering.stage).
"""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.items import PageItem
from crawler.operations.workers import WorkerPool
from dedupe.inputs import signature_and_features
from dedupe.signatures import MinHasher


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
