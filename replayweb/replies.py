"""What a replay site answers: status, headers, body, plus the transport misbehaviour faults need.

Sites and faults build `Reply` values; only `server.py` turns them into bytes on a socket.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

HTML = "text/html; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    #: Send this many body bytes, then pause `stall_seconds`, then the rest (a stalled body).
    stall_at: int | None = None
    stall_seconds: float = 0.0
    #: Reset the connection (TCP RST) instead of answering.
    reset: bool = False

    def with_headers(self, *headers: tuple[str, str]) -> Reply:
        return replace(self, headers=self.headers + headers)


def html(text: str, status: int = 200) -> Reply:
    return Reply(status, text.encode("utf-8"), HTML)


def xml(text: str, content_type: str = XML) -> Reply:
    return Reply(200, text.encode("utf-8"), content_type)


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status, b"", HTML, (("Location", location),))


def not_found() -> Reply:
    return html(
        "<!DOCTYPE html><html><head><title>Halaman tidak ditemukan</title></head>"
        "<body><h1>404</h1><p>Maaf, halaman yang Anda cari tidak ditemukan.</p></body></html>",
        404,
    )


def server_error(status: int = 500) -> Reply:
    return html(
        "<!DOCTYPE html><html><head><title>Error</title></head>"
        f"<body><h1>{status}</h1><p>Terjadi kesalahan pada server.</p></body></html>",
        status,
    )
