"""Hostile XML: feeds and sitemaps written to hurt (entity expansion, external entities) are
parsed without expanding, reading a file or opening a connection (split from
tests/test_hostile_input.py)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.discovery import parse_feed, parse_sitemap

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def rss(doctype: str, title: str) -> bytes:
    return (
        f'{doctype}<rss version="2.0"><channel><title>{title}</title>'
        "<item><title>Berita</title><link>https://telisik.id/news/rapat-koordinasi</link></item>"
        "</channel></rss>"
    ).encode()


def sitemap(doctype: str, loc_suffix: str) -> bytes:
    return (
        f'{doctype}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>https://telisik.id/news/rapat-koordinasi{loc_suffix}</loc></url></urlset>"
    ).encode()


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port that records whether anyone connected (an external entity fetch)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            connections.append(connection.recv(1024))
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


def test_billion_laughs_is_never_expanded(tmp_path: Path) -> None:
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    entries = parse_feed(rss(LAUGHS, "&lol9;"), "https://telisik.id/feed")
    document = parse_sitemap(sitemap(LAUGHS, "&lol9;"), "https://telisik.id/sitemap.xml")
    assert time.monotonic() - started < 2.0
    # 10^9 "lol"s would be 3 GB; the parse must not grow the process by even 50 MB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50 * 1024
    assert all("lollol" not in entry.url for entry in entries)
    assert document is None or all("lollol" not in entry.url for entry in document.entries)


def test_external_entities_read_no_file_and_open_no_connection(
    tmp_path: Path, listener: tuple[int, list[bytes]]
) -> None:
    port, connections = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("RAHASIA-XXE-MARKER", encoding="utf-8")
    doctype = (
        f'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY file SYSTEM "file://{secret}">'
        f'<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/xxe.dtd"><!ENTITY % p SYSTEM '
        f'"http://127.0.0.1:{port}/param.dtd"> %p;]>'
    )
    feed = parse_feed(rss(doctype, "&file;&remote;"), "https://telisik.id/feed")
    entries = parse_sitemap(sitemap(doctype, "&file;&remote;"), "https://telisik.id/sitemap.xml")
    found = [entry.url for entry in feed] + [
        entry.url for entry in (entries.entries if entries else [])
    ]
    assert not any("RAHASIA" in url for url in found)
    assert connections == []
