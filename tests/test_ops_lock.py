"""The run lock (crawler.operations.lock) and `warta crawl`'s refusal to overlap, with real
processes."""

from __future__ import annotations

import json
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.commands.crawl import EXIT_LOCKED
from crawler.operations.lock import RunLocked, run_lock
from tests.ops_support import run_warta, start_warta


def test_second_holder_is_refused_and_named(tmp_path: Path) -> None:
    lock = tmp_path / "logs" / "warta-crawl.lock"
    with run_lock(lock):
        with pytest.raises(RunLocked) as refused:
            with run_lock(lock):
                pass  # pragma: no cover - must not get here
        assert "pid" in refused.value.holder
    with run_lock(lock):  # released at the end of the block
        pass


@pytest.fixture
def stalling_origin() -> Iterator[str]:
    """An origin that accepts connections and never answers: a crawl that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


@pytest.mark.slow
def test_overlapping_crawl_exits_at_once_with_the_lock_code(
    tmp_path: Path, stalling_origin: str
) -> None:
    database = f"sqlite:///{tmp_path / 'warta.db'}"
    args = [
        "crawl",
        "telisik",
        "--database",
        database,
        "--quiet",
        "--base-urls",
        json.dumps({"telisik": stalling_origin}),
        "--set",
        "DOWNLOAD_TIMEOUT=120",
        "--set",
        "RETRY_ENABLED=false",
    ]
    first = start_warta(args, tmp_path / "logs")
    try:
        lock_file = tmp_path / "logs" / "warta-crawl.lock"
        deadline = time.monotonic() + 60
        while not (lock_file.exists() and "pid" in lock_file.read_text()):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first crawl never took the lock"
            time.sleep(0.1)

        started = time.monotonic()
        second = run_warta(args, tmp_path / "logs", timeout=60)
        assert second.returncode == EXIT_LOCKED
        assert time.monotonic() - started < 20  # at once: no crawling, no database work
        message = second.stderr.strip().splitlines()
        assert len(message) == 1 and "another warta crawl is running" in message[0]
        assert f"pid {first.pid}" in message[0]
        assert (
            "not started: another warta crawl"
            in (tmp_path / "logs" / "warta-crawl.log").read_text()
        )
        assert first.poll() is None  # the holder is undisturbed
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(30)

    # SIGKILL released the lock (the kernel drops flocks of dead processes): no stale lock.
    third = run_warta(
        [*args[:-4], "--set", "DOWNLOAD_TIMEOUT=2", "--set", "RETRY_ENABLED=false"],
        tmp_path / "logs",
        timeout=120,
    )
    assert third.returncode != EXIT_LOCKED, third.stderr
