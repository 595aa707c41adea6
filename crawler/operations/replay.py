"""Starting the replay web in a child process, for `warta demo` and the end-to-end tests.

A child process keeps the server off the crawler's reactor thread and core; it announces its
origins ({source key: base URL}) through a port file once it listens.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from crawler.sources import DEFAULT_REGISTRY

#: How long the replay web may take to start listening before we give up.
START_TIMEOUT_SECONDS = 30.0


class ReplayWebError(RuntimeError):
    """The replay web did not start."""


@contextmanager
def replay_web(
    corpus: Path | None = None,
    faults: Sequence[str] = (),
    *,
    generate: int | None = None,
    seeds_dir: Path | None = None,
) -> Iterator[dict[str, str]]:
    """Serve the replay web while the block runs; yields {source key: base URL}.

    Its pages name the outlets' real origins (as an archived copy of the site would), and the
    crawler reaches them through WARTA_BASE_URLS: the spiders' code path is the real one.
    """
    with tempfile.TemporaryDirectory(prefix="warta-replay-") as folder:
        port_file = Path(folder) / "origins.json"
        command = [
            sys.executable,
            "-m",
            "replayweb",
            "serve",
            "--port-file",
            str(port_file),
            "--registry",
            str(DEFAULT_REGISTRY),
        ]
        if corpus:
            command += ["--corpus", str(corpus)]
        if generate:
            command += ["--generate", str(generate)]
        if seeds_dir:
            command += ["--seeds-dir", str(seeds_dir)]
        if faults:
            command += ["--faults", ",".join(faults)]
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        try:
            yield _wait_for_origins(child, port_file)
        finally:
            stop_child(child)


def stop_child(child: subprocess.Popen[bytes], grace_seconds: float = 10) -> None:
    """SIGTERM, then SIGKILL if the child has not exited within `grace_seconds`."""
    child.terminate()
    try:
        child.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _wait_for_origins(child: subprocess.Popen[bytes], port_file: Path) -> dict[str, str]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise ReplayWebError(
                f"the replay web exited with code {child.returncode} before listening"
            )
        if port_file.exists():
            try:
                return dict(json.loads(port_file.read_text(encoding="utf-8")))
            except json.JSONDecodeError:
                pass  # written but not complete yet
        time.sleep(0.05)
    raise ReplayWebError(f"the replay web did not listen within {START_TIMEOUT_SECONDS:.0f} s")
