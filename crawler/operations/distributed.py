"""Distributed crawling with scrapy-redis: several crawler processes share one crawl.

Enabled by WARTA_REDIS_URL (the `DistributedCrawling` add-on in ADDONS does nothing without
it). Each process — on one machine or many — runs the same spiders against the same
PostgreSQL database; per spider, under the prefix WARTA_REDIS_PREFIX:

- `<prefix>:<spider>:requests`   scrapy-redis's shared priority queue of article requests,
- `<prefix>:<spider>:dupefilter` scrapy-redis's shared seen-URL filter (request fingerprints),
- `<prefix>:<spider>:workers`    the processes taking part, with a heartbeat each.

Article requests (meta ARTICLE_META, nearly all of the traffic) go through Redis, so each
article is fetched by exactly one worker. Discovery requests (robots.txt, feeds, sitemaps,
listing pages: a few per outlet) stay in the process that made them: the discovering spiders
keep per-process state about them (pending discovery, the listing fallback, `max_articles`), so
every worker walks the same discovery and yields the same article URLs, and the shared filter
lets only the first one through.

The queue and filter of a crawl are deleted by the last worker to leave, or by the first to
join when every registered worker is silent for WARTA_REDIS_WORKER_TIMEOUT (a crashed crawl):
a new scheduled run starts from an empty filter, as a single-process run does; a killed
distributed crawl resumes through the incremental crawl (stored URLs are skipped), not
through Redis.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import socket
import uuid
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet.task import LoopingCall

from crawler.items import ARTICLE_META

logger = logging.getLogger(__name__)

#: Joins the crawl: drops silent workers, clears a crawl nobody is running, registers this one.
#: KEYS: workers, queue, dupefilter; ARGV: worker id, timeout (s). Returns other live workers.
JOIN_SCRIPT = """
local now = tonumber(redis.call('TIME')[1])
local fields = redis.call('HGETALL', KEYS[1])
local live = 0
for i = 1, #fields, 2 do
  if tonumber(fields[i + 1]) < now - tonumber(ARGV[2]) then
    redis.call('HDEL', KEYS[1], fields[i])
  elseif fields[i] ~= ARGV[1] then
    live = live + 1
  end
end
if live == 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
redis.call('HSET', KEYS[1], ARGV[1], now)
return live
"""
#: Leaves the crawl; the last live worker out deletes the queue, the filter and the registry.
LEAVE_SCRIPT = """
local now = tonumber(redis.call('TIME')[1])
redis.call('HDEL', KEYS[1], ARGV[1])
local fields = redis.call('HGETALL', KEYS[1])
local live = 0
for i = 1, #fields, 2 do
  if tonumber(fields[i + 1]) >= now - tonumber(ARGV[2]) then live = live + 1 end
end
if live == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return live
"""
HEARTBEAT_SCRIPT = "redis.call('HSET', KEYS[1], ARGV[1], redis.call('TIME')[1])"


def redis_keys(prefix: str) -> dict[str, str]:
    """scrapy-redis key patterns (`%(spider)s` is filled per spider) under `prefix`."""
    if not prefix or any(ch.isspace() for ch in prefix):
        raise ValueError(f"WARTA_REDIS_PREFIX {prefix!r}: must be non-empty, without spaces")
    return {
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "WARTA_REDIS_WORKERS_KEY": f"{prefix}:%(spider)s:workers",
    }


class DistributedCrawling:
    """Scrapy add-on: switches the scheduler and dupefilter to Redis when WARTA_REDIS_URL is set."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedCrawling:
        if not crawler.settings.get("WARTA_REDIS_URL"):
            raise NotConfigured
        return cls()

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.get("JOBDIR"):
            raise ValueError("JOBDIR and WARTA_REDIS_URL exclude each other: the queue is in Redis")
        values: dict[str, Any] = {
            "SCHEDULER": "crawler.operations.distributed.SharedScheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            # SharedScheduler decides when the shared keys go (last worker out), not scrapy-redis.
            "SCHEDULER_PERSIST": True,
            "REDIS_URL": settings.get("WARTA_REDIS_URL"),
            **redis_keys(settings.get("WARTA_REDIS_PREFIX") or "warta"),
        }
        settings.setdict(values, priority="addon")


class SharedScheduler(RedisScheduler):
    """scrapy-redis's scheduler for article requests; a local queue for discovery requests."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._local: list[tuple[int, int, Request]] = []
        self._order = itertools.count()
        self._local_seen: set[bytes] = set()
        self.crawler: Crawler | None = None
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.worker_timeout = 600
        self.workers_key = ""
        self._heartbeat: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.worker_timeout = crawler.settings.getint("WARTA_REDIS_WORKER_TIMEOUT", 600)
        if scheduler.worker_timeout < 10:
            raise ValueError("WARTA_REDIS_WORKER_TIMEOUT must be at least 10 seconds")
        scheduler.workers_key = crawler.settings.get("WARTA_REDIS_WORKERS_KEY")
        return scheduler

    def _keys(self, spider: Spider) -> list[str]:
        return [
            self.workers_key % {"spider": spider.name},
            self.queue_key % {"spider": spider.name},
            self.dupefilter_key % {"spider": spider.name},
        ]

    def open(self, spider: Spider) -> None:
        keys = self._keys(spider)
        others = self.server.eval(JOIN_SCRIPT, 3, *keys, self.worker_id, self.worker_timeout)
        logger.info(
            "distributed crawl of %s: joined as %s, %d other worker(s)",
            spider.name,
            self.worker_id,
            others,
        )
        super().open(spider)
        self._heartbeat = LoopingCall(self._beat, spider)
        self._heartbeat.start(max(self.worker_timeout / 4, 5), now=False)

    def _beat(self, spider: Spider) -> None:
        self.server.eval(HEARTBEAT_SCRIPT, 1, self._keys(spider)[0], self.worker_id)

    def close(self, reason: str) -> None:
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        keys = self._keys(self.spider)
        remaining = self.server.eval(LEAVE_SCRIPT, 3, *keys, self.worker_id, self.worker_timeout)
        logger.info(
            "distributed crawl of %s: left (%s), %d worker(s) still on it",
            self.spider.name,
            reason,
            remaining,
        )

    # -- requests ------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(ARTICLE_META):
            return bool(super().enqueue_request(request))
        if not request.dont_filter:
            assert self.crawler is not None
            fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
            if fingerprint in self._local_seen:
                return False
            self._local_seen.add(fingerprint)
        heapq.heappush(self._local, (-request.priority, next(self._order), request))
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/local")
        return True

    def next_request(self) -> Request | None:
        if self._local:  # discovery first: it is what finds the articles
            return heapq.heappop(self._local)[2]
        return super().next_request()

    def has_pending_requests(self) -> bool:
        return bool(self._local) or super().has_pending_requests()

    def __len__(self) -> int:
        return len(self._local) + super().__len__()
