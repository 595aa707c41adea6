"""WARC files of fetched pages: a rotating file series that survives kill -9, and reading back.

warcio is wrapped here and nowhere else. Each fetch becomes a response record followed by its
request record (WARC/1.1, microsecond dates), each record its own gzip member, so any record
can be read from its offset alone and standard tools (`warcio check`, `warcio index`,
cdxj-indexer, pywb) read the files. A pair is built in memory and handed to the kernel by one
`os.write` on a file opened for appending: a process killed at any moment leaves every earlier
record whole; at worst the pair being written is missing or cut at the file's end.

Bodies are stored as the crawler parsed them: after HTTP decompression (Scrapy's
HttpCompressionMiddleware), so Content-Encoding and Transfer-Encoding are dropped from the
stored headers and Content-Length states the stored body.
"""

from __future__ import annotations

import io
import os
import socket
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

WARC_VERSION = "1.1"
SUFFIX = ".warc.gz"
#: warcio's own gzip is level 9; on real news pages 6 takes 21% less writer CPU (38% less in
#: zlib) for 0.6% more bytes (BENCHMARKS.md §5), so records are compressed here, one member each.
GZIP_LEVEL = 6
#: Headers that describe the transfer, not the stored body (see the module docstring).
TRANSFER_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})

Headers = Sequence[tuple[str, str]]


class ArchiveError(Exception):
    """An archived record cannot be read: file gone, offset wrong, or not the expected record."""


@dataclass(frozen=True)
class Exchange:
    """One HTTP fetch as plain values (the Scrapy side builds it from a request and response)."""

    url: str
    method: str
    request_headers: Headers
    request_body: bytes
    status: int
    response_headers: Headers
    body: bytes
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None


@dataclass(frozen=True)
class ArchivedRecord:
    """Where a fetch is archived: file name inside the archive directory, offset of its
    response record, that record's WARC-Record-ID, and its WARC-Date (the fetch time)."""

    file: str
    offset: int
    record_id: str
    fetched_at: datetime


@dataclass(frozen=True)
class ArchivedPage:
    """A response read back from the archive."""

    url: str
    status: int
    headers: Headers
    body: bytes
    record_id: str

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


class WarcSeries:
    """One file series `<name>-<serial>.warc.gz` in `directory`, rotated past `max_bytes`.

    Not thread-safe: one writer (one thread) per series. Files are created exclusively, so two
    processes given the same name fail loudly instead of interleaving records.
    """

    def __init__(self, directory: Path, name: str, max_bytes: int, info: dict[str, str]):
        if max_bytes < 1:
            raise ValueError(f"WARTA_WARC_MAX_BYTES must be at least 1, got {max_bytes!r}")
        if not name or "/" in name or os.sep in name:
            raise ValueError(f"WARC series name {name!r}: must be a plain file name")
        self.directory = Path(directory)
        self.name = name
        self.max_bytes = max_bytes
        self.info = info
        self.serial = 0
        self.files: list[str] = []
        self._fd: int | None = None
        self._size = 0

    def append(self, exchange: Exchange) -> ArchivedRecord:
        """Archive one fetch (response record, then its request record); where it went."""
        fetched_at = datetime.now(UTC)
        response = _response_record(exchange, fetched_at)
        request = _request_record(exchange)
        # what warcio's write_request_response_pair does: the request names its response
        request.rec_headers.replace_header("WARC-Date", response.rec_headers["WARC-Date"])
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers["WARC-Record-ID"])
        data = _gzipped(response) + _gzipped(request)
        if self._fd is None or (self._size > 0 and self._size + len(data) > self.max_bytes):
            self._rotate()
        offset = self._size
        self._write(data)
        return ArchivedRecord(
            file=self.files[-1],
            offset=offset,
            record_id=response.rec_headers.get_header("WARC-Record-ID"),
            fetched_at=fetched_at,
        )

    def close(self) -> None:
        """Flush the current file to disk and close it (a later append opens the next one)."""
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def _rotate(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        file_name = f"{self.name}-{self.serial:05d}{SUFFIX}"
        self._fd = os.open(
            self.directory / file_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644
        )
        self._size = 0
        self.files.append(file_name)
        self._write(_gzipped(_BUILDER.create_warcinfo_record(file_name, self.info)))

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        while view:  # one call in practice; a short write is finished, never interleaved
            written = os.write(self._fd, view)
            view = view[written:]
        self._size += len(data)


def series_name(prefix: str, spider: str, started_at: datetime) -> str:
    """`<prefix>-<UTC start>-<spider>-<host>-<pid>`: unique per crawl process, sortable by time."""
    host = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in socket.gethostname())
    return f"{prefix}-{started_at:%Y%m%dT%H%M%SZ}-{spider}-{host}-{os.getpid()}"


def read_page(
    directory: Path, file: str, offset: int, record_id: str | None = None
) -> ArchivedPage:
    """The response archived at `offset` of `file` (in `directory`); ArchiveError if it is not
    there or, when `record_id` is given, is another record."""
    path = Path(directory) / file
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)), None)
            if record is None or record.rec_type != "response":
                raise ArchiveError(f"{path}@{offset}: no response record there")
            found_id = record.rec_headers.get_header("WARC-Record-ID")
            if record_id and found_id != record_id:
                raise ArchiveError(f"{path}@{offset}: record {found_id}, expected {record_id}")
            http = record.http_headers
            if http is None:
                raise ArchiveError(f"{path}@{offset}: no HTTP response there")
            body = record.content_stream().read()
    except (OSError, ArchiveLoadFailed, EOFError, ValueError) as error:
        raise ArchiveError(f"{path}@{offset}: {error}") from error
    return ArchivedPage(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(http.get_statuscode() or 0),
        headers=list(http.headers),
        body=body,
        record_id=found_id,
    )


#: Builds records (headers, digests); writing and compressing happen in `_gzipped`.
_BUILDER = WARCWriter(None, gzip=False, warc_version=WARC_VERSION)


def _gzipped(record: Any) -> bytes:
    """One record as one gzip member (readable from its offset alone)."""
    raw = io.BytesIO()
    WARCWriter(raw, gzip=False, warc_version=WARC_VERSION).write_record(record)
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(raw.getvalue()) + compressor.flush()


def _response_record(exchange: Exchange, fetched_at: datetime) -> Any:
    try:
        reason = HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    headers = [(k, v) for k, v in exchange.response_headers if k.lower() not in TRANSFER_HEADERS]
    headers.append(("Content-Length", str(len(exchange.body))))
    # warcio formats naive UTC datetimes only
    warc_date = datetime_to_iso_date(fetched_at.replace(tzinfo=None), use_micros=True)
    warc_headers = {"WARC-Date": warc_date}
    if exchange.ip_address:
        warc_headers["WARC-IP-Address"] = exchange.ip_address
    return _BUILDER.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=StatusAndHeaders(
            f"{exchange.status} {reason}".strip(), headers, protocol=exchange.protocol
        ),
        warc_headers_dict=warc_headers,
    )


def _request_record(exchange: Exchange) -> Any:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(exchange.request_headers)
    if not any(key.lower() == "host" for key, _ in headers):
        headers.insert(0, ("Host", parts.netloc))
    return _BUILDER.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        http_headers=StatusAndHeaders(
            f"{exchange.method} {target} HTTP/1.1", headers, is_http_request=True
        ),
    )
