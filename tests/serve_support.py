"""A real `warta serve` in a subprocess on 127.0.0.1, for the tests that talk to it over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.operations.replay import stop_child

WARTA = str(Path(sys.executable).with_name("warta"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(database: Path, *extra: str) -> Iterator[str]:
    """The server's root URL while `warta serve --database DATABASE` runs; stopped after."""
    port = free_port()
    server = subprocess.Popen(
        [WARTA, "serve", "--database", str(database), "--host", "127.0.0.1", "--port", str(port),
         *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    pytest.fail(f"warta serve did not start: {output}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_child(server)
