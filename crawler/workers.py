"""A process pool for the CPU-bound stages (extraction, language, signatures).

Scrapy runs one reactor thread; parsing HTML there would stall every download. The pool is
created once per crawler and shared by the pipelines that need it; with
WARTA_EXTRACT_WORKERS = 0 the work runs inline (simplest for debugging).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

Result = TypeVar("Result")


class WorkerPool:
    def __init__(self, processes: int):
        if processes < 0:
            raise ValueError("WARTA_EXTRACT_WORKERS must be 0 or more")
        # spawn, not fork: the reactor process has threads, and forked copies of them deadlock
        self._executor = (
            ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
            if processes
            else None
        )

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> WorkerPool:
        """The crawler's pool, created on first use and shut down when the engine stops."""
        pool = getattr(crawler, "_warta_worker_pool", None)
        if pool is None:
            pool = cls(crawler.settings.getint("WARTA_EXTRACT_WORKERS"))
            crawler._warta_worker_pool = pool  # type: ignore[attr-defined]
            crawler.signals.connect(pool.close, signal=signals.engine_stopped)
        return pool

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        if self._executor is None:
            return function(*args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
