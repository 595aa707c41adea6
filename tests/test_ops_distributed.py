"""Distributed crawling (crawler.operations.distributed): scrapy-redis wiring, the worker registry,
and
two crawler processes sharing Redis and PostgreSQL against a single-process run."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from crawler.operations.distributed import (
    HEARTBEAT_SCRIPT,
    JOIN_SCRIPT,
    LEAVE_SCRIPT,
    DistributedCrawling,
    redis_keys,
)
from crawler.operations.replay import replay_web
from tests.archive_support import (
    archive_args,
    assert_every_article_archived,
    response_uris,
    stored_pointers,
    warcio_check,
)
from tests.conftest import throwaway_postgres
from tests.ops_support import (
    assert_same_database,
    crawl_args,
    crawl_runs,
    run_warta,
    snapshot,
    start_warta,
)

OUTLETS = ("indeks", "kabarsultra", "sibernas")


class FakeCrawler:
    def __init__(self, settings: dict[str, object]):
        self.settings = Settings(settings)


def test_addon_is_off_without_redis() -> None:
    with pytest.raises(NotConfigured):
        DistributedCrawling.from_crawler(FakeCrawler({}))  # type: ignore[arg-type]


def test_addon_sets_scrapy_redis_with_per_spider_keys_under_the_prefix() -> None:
    settings = Settings({"WARTA_REDIS_URL": "redis://h:6379/0", "WARTA_REDIS_PREFIX": "crawl7"})
    DistributedCrawling.from_crawler(FakeCrawler(dict(settings))).update_settings(settings)  # type: ignore[arg-type]
    assert settings["SCHEDULER"] == "crawler.operations.distributed.SharedScheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://h:6379/0"
    assert settings["SCHEDULER_QUEUE_KEY"] % {"spider": "telisik"} == "crawl7:telisik:requests"
    assert (
        settings["SCHEDULER_DUPEFILTER_KEY"] % {"spider": "telisik"} == "crawl7:telisik:dupefilter"
    )
    with pytest.raises(ValueError):
        redis_keys("has space")
    jobdir = Settings({"WARTA_REDIS_URL": "redis://h", "JOBDIR": "jobs/x"})
    with pytest.raises(ValueError, match="JOBDIR"):
        DistributedCrawling().update_settings(jobdir)


@pytest.mark.redis
def test_last_worker_out_clears_the_shared_crawl(redis_prefix: tuple[str, str]) -> None:
    redis = pytest.importorskip("redis")
    url, prefix = redis_prefix
    client = redis.Redis.from_url(url)
    workers, queue, seen = (
        f"{prefix}:telisik:{name}" for name in ("workers", "requests", "dupefilter")
    )
    keys = (workers, queue, seen)
    try:
        assert client.eval(JOIN_SCRIPT, 3, *keys, "a", 600) == 0
        client.zadd(queue, {b"request": 0})
        client.sadd(seen, "fingerprint")
        assert client.eval(JOIN_SCRIPT, 3, *keys, "b", 600) == 1  # joins a running crawl: kept
        assert client.exists(queue, seen) == 2
        client.eval(HEARTBEAT_SCRIPT, 1, workers, "b")
        assert client.eval(LEAVE_SCRIPT, 3, *keys, "a", 600) == 1
        assert client.exists(queue, seen) == 2  # b still works on them
        assert client.eval(LEAVE_SCRIPT, 3, *keys, "b", 600) == 0
        assert client.exists(*keys) == 0  # last one out: the next run starts afresh

        # a crashed crawl (its worker silent past the timeout) is cleared by the next joiner
        client.hset(workers, "dead", int(time.time()) - 3600)
        client.sadd(seen, "stale")
        assert client.eval(JOIN_SCRIPT, 3, *keys, "c", 600) == 0
        assert not client.exists(seen) and client.hkeys(workers) == [b"c"]
    finally:
        client.delete(*keys)
        client.close()


@pytest.fixture
def second_postgres_url() -> Iterator[str]:
    """Another throw-away PostgreSQL database (the single-process reference)."""
    with throwaway_postgres() as url:
        yield url


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.postgres
def test_two_workers_store_what_one_process_stores(
    postgres_url: str, second_postgres_url: str, redis_prefix: tuple[str, str], tmp_path: Path
) -> None:
    redis_url, prefix = redis_prefix
    with replay_web() as served:
        origins = {key: served[key] for key in OUTLETS}
        single = run_warta(crawl_args(origins, second_postgres_url), tmp_path / "single")
        assert single.returncode == 0, single.stderr

        shared = ["--redis-url", redis_url, "--redis-prefix", prefix]
        shared += archive_args(tmp_path / "warc")  # one archive directory, per-worker files
        workers: list[subprocess.Popen[str]] = [
            start_warta(
                [
                    *crawl_args(origins, postgres_url),
                    *shared,
                    "--lock-file",
                    str(tmp_path / f"w{n}.lock"),
                ],
                tmp_path / f"worker{n}",
            )
            for n in (1, 2)
        ]
        for worker in workers:
            _, stderr = worker.communicate(timeout=600)
            assert worker.returncode == 0, stderr

    runs = crawl_runs(postgres_url)
    assert len(runs) == 2 and all(run["stats"]["options"]["distributed"] for run in runs)
    stored = snapshot(postgres_url)
    # each article fetched by one worker only: no article met twice, none missed
    new = sum(run["stats"]["totals"]["articles_new"] for run in runs)
    unchanged = sum(run["stats"]["totals"]["articles_unchanged"] for run in runs)
    assert new == len(stored.urls) and unchanged == 0, (new, unchanged)
    import redis

    client = redis.Redis.from_url(redis_url)
    leftover = list(client.scan_iter(f"{prefix}*"))
    client.close()
    assert leftover == [], "the last worker out deletes the shared queue and filter"
    assert_same_database(postgres_url, second_postgres_url, tmp_path)

    # archived: per-worker file series, every article's page exactly once in all of them
    files = warcio_check(tmp_path / "warc")
    series = {file.name.rsplit("-", 1)[0] for file in files}
    assert len(series) == 2 * len(OUTLETS), series  # a series per spider per worker
    assert assert_every_article_archived(postgres_url, tmp_path / "warc") == len(stored.urls)
    archived = response_uris(tmp_path / "warc")
    assert {url: archived[url] for _, url, *_ in stored_pointers(postgres_url)} == {
        url: 1 for _, url, *_ in stored_pointers(postgres_url)
    }
