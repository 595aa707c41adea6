"""The run lock: one `warta crawl` at a time per lock file, so cron runs never overlap.

A scheduled crawl that outlasts its interval must not be joined by the next one (two runs
would fetch every page twice and fight over the clustering stage). The lock is an
`fcntl.flock` on a file in WARTA_LOG_DIR: the kernel releases it when the holder exits, however
it exits (SIGKILL included), so there is never a stale lock to clean up by hand. The holder's
PID and start time are written into the file, only to name the holder in the refusal message.

`filelock` (already installed with Scrapy) would give the same flock on Linux, but it truncates
the file on every attempt (erasing the holder's PID) and is not a declared dependency.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

#: File name of the crawl lock inside WARTA_LOG_DIR.
LOCK_FILE_NAME = "warta-crawl.lock"


class RunLocked(RuntimeError):
    """Another process holds the run lock; the message names it."""

    def __init__(self, path: Path, holder: str):
        self.path = path
        self.holder = holder
        super().__init__(f"another warta crawl is running ({holder or 'holder unknown'}; {path})")


@contextmanager
def run_lock(path: Path | str) -> Iterator[Path]:
    """Hold the lock at `path` while the block runs; raise `RunLocked` at once if it is taken."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # "a+" neither truncates (the holder's PID survives a refused attempt) nor fails if missing.
    handle: IO[str] = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise RunLocked(path, handle.read().strip()) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}")
        handle.flush()
        try:
            yield path
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()
