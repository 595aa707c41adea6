"""storage.warc and crawler.archive.middleware without a crawl: records written, rotated, read back,
cut by a kill, and the middleware's switch and its work on real Scrapy responses."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from warcio.archiveiterator import ArchiveIterator

from crawler.archive.middleware import WarcArchiveMiddleware, archived_record
from storage.warc import ArchiveError, Exchange, WarcSeries, read_page
from tests.archive_support import BIN, warcio_check

PAGE = "<html><body><p>Banjir merendam Kendari — air setinggi lutut.</p></body></html>"


def exchange(number: int, body: str = PAGE) -> Exchange:
    return Exchange(
        url=f"https://telisik.id/news/banjir-{number}?ref=home",
        method="GET",
        request_headers=[("User-Agent", "Warta test")],
        request_body=b"",
        status=200,
        response_headers=[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),  # decoded before archiving: must not be kept
        ],
        body=body.encode("utf-8"),
        ip_address="127.0.0.1",
    )


def test_records_read_back_by_offset_and_files_rotate_past_the_size(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "warta-test", max_bytes=2000, info={"software": "Warta"})
    records = [series.append(exchange(n, PAGE * 3)) for n in range(6)]
    series.close()
    assert len(series.files) > 1, "2000 bytes hold only a few pages: the series rotates"
    assert series.files == sorted(series.files)
    for n, record in enumerate(records):
        page = read_page(tmp_path, record.file, record.offset, record.record_id)
        assert page.url == f"https://telisik.id/news/banjir-{n}?ref=home"
        assert page.status == 200
        assert page.body.decode("utf-8") == PAGE * 3
        assert page.header("content-type") == "text/html; charset=utf-8"
        assert page.header("Content-Encoding") is None
        assert page.header("Content-Length") == str(len((PAGE * 3).encode("utf-8")))
    assert warcio_check(tmp_path) == [tmp_path / name for name in series.files]
    with pytest.raises(ValueError):
        WarcSeries(tmp_path, "x", max_bytes=0, info={})


def test_each_file_starts_with_warcinfo_and_pairs_response_with_its_request(
    tmp_path: Path,
) -> None:
    series = WarcSeries(tmp_path, "pairs", max_bytes=10**6, info={"software": "Warta"})
    record = series.append(exchange(1))
    series.close()
    with (tmp_path / record.file).open("rb") as handle:
        kinds = [
            (r.rec_type, r.rec_headers.get_header("WARC-Concurrent-To"), r.http_headers)
            for r in ArchiveIterator(handle)
        ]
    assert [kind for kind, _, _ in kinds] == ["warcinfo", "response", "request"]
    assert kinds[2][1] == record.record_id
    assert kinds[2][2].protocol == "GET"  # request line: GET /news/banjir-1?ref=home HTTP/1.1
    assert kinds[2][2].statusline == "/news/banjir-1?ref=home HTTP/1.1"
    assert kinds[2][2].get_header("Host") == "telisik.id"


def test_a_record_cut_by_a_kill_leaves_the_earlier_ones_readable(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "killed", max_bytes=10**6, info={})
    records = [series.append(exchange(n)) for n in range(3)]
    series.close()
    path = tmp_path / records[0].file
    whole = path.read_bytes()
    path.write_bytes(whole[: records[2].offset + 40])  # the third pair cut mid-gzip
    for record in records[:2]:
        assert read_page(tmp_path, record.file, record.offset, record.record_id).body
    with pytest.raises(ArchiveError):
        read_page(tmp_path, records[2].file, records[2].offset, records[2].record_id)
    with path.open("rb") as handle:  # a reader walking the file meets the whole ones first
        records_met = ArchiveIterator(handle)
        readable = [next(records_met).rec_type for _ in range(5)]
    assert readable == ["warcinfo", "response", "request", "response", "request"]
    # the next run writes a new series: the cut file is never appended to
    again = WarcSeries(tmp_path, "killed-2", max_bytes=10**6, info={}).append(exchange(4))
    assert again.file != records[0].file


def test_reading_the_wrong_record_is_an_error_not_another_page(tmp_path: Path) -> None:
    series = WarcSeries(tmp_path, "ids", max_bytes=10**6, info={})
    first, second = series.append(exchange(1)), series.append(exchange(2))
    series.close()
    with pytest.raises(ArchiveError, match="expected"):
        read_page(tmp_path, first.file, first.offset, second.record_id)
    with pytest.raises(ArchiveError):
        read_page(tmp_path, first.file, first.offset + 3)
    with pytest.raises(ArchiveError):
        read_page(tmp_path / "moved", first.file, first.offset)


def test_two_series_of_one_name_never_share_a_file(tmp_path: Path) -> None:
    WarcSeries(tmp_path, "same", 10**6, {}).append(exchange(1))
    with pytest.raises(FileExistsError):
        WarcSeries(tmp_path, "same", 10**6, {}).append(exchange(2))


class FakeCrawler:
    """What from_crawler reads: settings, stats, signals, the spider class's name."""

    def __init__(self, settings: dict[str, object]):
        self.settings = Settings(settings)
        self.stats = MemoryStatsCollector(self)  # type: ignore[arg-type]
        self.signals = type("Signals", (), {"connect": lambda *args, **kwargs: None})()
        self.spidercls = type("Spider", (), {"name": "telisik"})


def test_archiving_is_on_when_a_directory_is_named_or_enabled(tmp_path: Path) -> None:
    def built(**settings: Any) -> WarcArchiveMiddleware | None:
        settings = {"WARTA_WARC_MAX_BYTES": 10**6, "WARTA_WARC_PREFIX": "warta", **settings}
        try:
            return WarcArchiveMiddleware.from_crawler(FakeCrawler(settings))  # type: ignore[arg-type]
        except NotConfigured:
            return None

    assert built() is None  # nothing named: no archive
    named = built(WARTA_WARC_DIR=str(tmp_path / "named"))
    assert named is not None and named.series.directory == tmp_path / "named"
    assert built(WARTA_WARC_DIR=str(tmp_path), WARTA_WARC_ENABLED="false") is None
    assert built(WARTA_WARC_DIR=str(tmp_path), WARTA_WARC_ENABLED=False) is None
    default = built(WARTA_WARC_ENABLED="true", WARTA_WARC_DEFAULT_DIR=str(tmp_path / "default"))
    assert default is not None and default.series.directory == tmp_path / "default"
    with pytest.raises(ValueError, match="WARTA_WARC_DIR"):
        built(WARTA_WARC_ENABLED=True, WARTA_WARC_DEFAULT_DIR="")


def test_a_named_directory_that_is_switched_off_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(NotConfigured):
        WarcArchiveMiddleware.from_crawler(
            FakeCrawler({"WARTA_WARC_DIR": str(tmp_path), "WARTA_WARC_ENABLED": "0"})  # type: ignore[arg-type]
        )
    assert "is named but WARTA_WARC_ENABLED is off: not archiving" in caplog.text


def test_middleware_archives_a_response_and_hands_its_record_to_the_spider(
    tmp_path: Path,
) -> None:
    crawler = FakeCrawler(
        {
            "WARTA_WARC_ENABLED": True,
            "WARTA_WARC_DIR": str(tmp_path),
            "WARTA_WARC_MAX_BYTES": 10**6,
            "WARTA_WARC_PREFIX": "warta",
        }
    )
    middleware = WarcArchiveMiddleware.from_crawler(crawler)  # type: ignore[arg-type]
    request = Request("https://telisik.id/news/banjir", headers={"User-Agent": "Warta"})
    response = HtmlResponse(
        request.url,
        body=PAGE.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )
    cached = HtmlResponse(request.url, body=b"<html></html>", flags=["cached"], request=request)

    async def run() -> None:
        assert await middleware.process_response(request, response) is response
        record = archived_record(request.meta)
        assert record is not None
        request.meta.clear()
        assert await middleware.process_response(request, cached) is cached
        assert archived_record(request.meta) is None  # from the HTTP cache: not fetched now
        middleware.close()
        page = read_page(tmp_path, record.file, record.offset, record.record_id)
        assert page.body.decode("utf-8") == PAGE

    asyncio.run(run())
    assert crawler.stats.get_value("warta/archive/records") == 1
    assert crawler.stats.get_value("warta/archive/files") == 1
    (file,) = tmp_path.iterdir()
    assert file.name.startswith("warta-") and "-telisik-" in file.name
    assert file.name.endswith("-00001.warc.gz")
    index = subprocess.run(
        [str(BIN / "warcio"), "index", "-f", "warc-type,warc-target-uri,http:status", str(file)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"warc-type": "response", "warc-target-uri": "https://telisik.id/news/banjir"' in (
        index.stdout
    )
