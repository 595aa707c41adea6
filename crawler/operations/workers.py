"""A process pool for the CPU-bound stages (extraction, language, signatures).

Scrapy runs one reactor thread; parsing HTML there would stall every download. One pool
serves every crawler of the process (`warta crawl` runs many spiders at once, and a pool per
spider would start more interpreters than there are cores); it is shut down when the last
crawler using it stops. With WARTA_EXTRACT_WORKERS = 0 the work runs inline; unset, the pool
has one process per core.

Arguments that are the same on every call (extraction options with their compiled boilerplate
rules, the detector, the hasher) are `share`d: pickled once here and unpickled once per worker,
instead of being rebuilt for every page.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, ClassVar, TypeVar, cast

from scrapy import signals
from scrapy.crawler import Crawler

Result = TypeVar("Result")
Shared = TypeVar("Shared")


class WorkerPool:
    _shared: ClassVar[dict[int, WorkerPool]] = {}

    def __init__(self, processes: int):
        if processes < 0:
            raise ValueError("WARTA_EXTRACT_WORKERS must be 0 or more")
        self.processes = processes
        # spawn, not fork: the reactor process has threads, and forked copies of them deadlock
        self._executor = (
            ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))
            if processes
            else None
        )
        self._crawlers: set[int] = set()

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> WorkerPool:
        """The process's pool of WARTA_EXTRACT_WORKERS processes, shared by all its crawlers."""
        configured = crawler.settings.get("WARTA_EXTRACT_WORKERS")
        processes = default_workers() if configured is None else int(configured)
        pool = cls._shared.get(processes)
        if pool is None:
            pool = cls._shared[processes] = cls(processes)
        if id(crawler) not in pool._crawlers:
            pool._crawlers.add(id(crawler))
            crawler.signals.connect(
                lambda: pool._release(id(crawler)), signal=signals.engine_stopped, weak=False
            )
        return pool

    def share(self, value: Shared) -> Shared:
        """`value`, to be passed to `run` on every call but sent to each worker only once."""
        if self._executor is None:
            return value
        return cast(Shared, _SentOnce(value))

    async def run(self, function: Callable[..., Result], *args: Any) -> Result:
        if self._executor is None:
            return function(*args)
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    def _release(self, crawler_id: int) -> None:
        self._crawlers.discard(crawler_id)
        if not self._crawlers:
            self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._shared.get(self.processes) is self:
            del self._shared[self.processes]


def default_workers() -> int:
    """One worker per core: the reactor is mostly idle while the workers drain its backlog."""
    return os.cpu_count() or 1


class _SentOnce:
    """Pickles as a key and the value's pickle; a worker unpickles the value once per key."""

    def __init__(self, value: Any):
        self._key = uuid.uuid4().hex
        self._payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_worker_copy, (self._key, self._payload))


#: In a worker: the values sent once, by key.
_WORKER_COPIES: dict[str, Any] = {}


def _worker_copy(key: str, payload: bytes) -> Any:
    value = _WORKER_COPIES.get(key)
    if value is None:
        value = _WORKER_COPIES[key] = pickle.loads(payload)
    return value
