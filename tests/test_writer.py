"""The process's shared database writer (crawler.writer): one per database, batched, clustering
once when the last spider is done. Real SQLite files and real asyncio; no reactor needed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, event, func, select

from crawler import settings
from crawler.clustering.stage import ClusterReport
from crawler.items import PageItem
from crawler.writer import ArticleWriter
from dedupe.features import extract_features
from dedupe.signatures import MinHasher
from storage.database import DatabaseUnavailable, make_engine, session_scope
from storage.models import Article

PUBLISHED = datetime(2024, 7, 9, 2, 0, tzinfo=UTC)
TOPICS = [
    "Banjir merendam tiga kelurahan di Kecamatan Kadia, Kota Kendari, pada Selasa pagi.",
    "Rapat koordinasi pengamanan pilkada digelar Polda Sultra di Aula Dhacara, Kendari.",
    "Harga cabai rawit di Pasar Sentral Wua-Wua naik menjadi Rp80 ribu per kilogram.",
    "KPU Kabupaten Konawe menetapkan daftar pemilih tetap untuk pemilihan bupati.",
]


def _item(source: str, n: int, hasher: MinHasher) -> PageItem:
    url = f"https://{source}.example/berita/{n}"
    text = f"{TOPICS[n % len(TOPICS)]} Laporan nomor {n} dari {source}. " * 4
    return PageItem(
        url=url,
        source=source,
        html="",
        fetched_at=PUBLISHED,
        canonical_url=url,
        html_sha256=f"{source}-{n}",
        title=f"Berita {n} {source}",
        published_at=PUBLISHED,
        text=text,
        language="id",
        language_probability=0.99,
        signature=hasher.signature_bytes(text),
        features=extract_features(f"Berita {n}", text, PUBLISHED),
    )


def _crawler(database_url: str) -> Crawler:
    """A crawler with the store stage's settings (get_crawler alone has none of Warta's)."""
    return get_crawler(
        settings_dict={
            "WARTA_DATABASE_URL": database_url,
            "WARTA_STORE_BATCH": settings.WARTA_STORE_BATCH,
            "WARTA_CLUSTER_EVERY": settings.WARTA_CLUSTER_EVERY,
        }
    )


def _statements(engine: Engine, prefix: str) -> list[str]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith(prefix):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return seen


def test_spiders_of_one_process_share_a_writer_that_batches_and_clusters_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'warta.db'}"
    telisik = _crawler(url)
    zonasultra = _crawler(url)
    elsewhere = _crawler(f"sqlite:///{tmp_path / 'b.db'}")
    writer = ArticleWriter.for_crawler(telisik)
    assert ArticleWriter.for_crawler(zonasultra) is writer
    assert ArticleWriter.for_crawler(elsewhere) is not writer
    hasher = MinHasher()
    items = [_item(source, n, hasher) for source in ("telisik", "zonasultra") for n in range(8)]

    async def crawl() -> tuple[list[str], list[str], list[ClusterReport | None], bool]:
        engine = await writer.open(telisik)
        assert await writer.open(zonasultra) is engine  # one engine, migrated once
        inserts = _statements(engine, "INSERT INTO articles ")
        statuses = await asyncio.gather(
            *(writer.store(item, None) for item in items)  # arriving together
        )
        # both spiders close at once: exactly one of them runs the clustering stage
        reports = await asyncio.gather(writer.finish(telisik), writer.finish(zonasultra))
        await writer.release(telisik)
        still_open = writer.engine is not None and ArticleWriter.for_crawler(telisik) is writer
        await writer.release(zonasultra)
        return list(statuses), inserts, list(reports), still_open

    statuses, inserts, reports, still_open = asyncio.run(crawl())

    assert statuses == ["new"] * 16
    assert len(inserts) == 1  # both spiders' articles in one transaction
    assert still_open  # until its last spider releases it
    assert reports[0] is None
    assert reports[1] is not None and (reports[1].pending, reports[1].context) == (16, 0)
    engine = make_engine(url)
    with session_scope(engine) as session:
        unclustered = select(func.count()).where(Article.clustered_at.is_(None))
        assert session.scalar(select(func.count()).select_from(Article)) == 16
        assert session.scalar(unclustered) == 0
    engine.dispose()
    # released by its last spider: the next crawl of the process gets a fresh writer
    assert ArticleWriter.for_crawler(telisik) is not writer


def test_an_unreachable_database_fails_the_open_and_the_writer_still_closes() -> None:
    unreachable = _crawler("postgresql+psycopg://postgres@127.0.0.1:1/warta")
    writer = ArticleWriter.for_crawler(unreachable)

    async def crawl() -> None:
        with pytest.raises(DatabaseUnavailable, match="127.0.0.1"):
            await writer.open(unreachable)
        await writer.release(unreachable)

    asyncio.run(crawl())
    assert ArticleWriter.for_crawler(unreachable) is not writer
