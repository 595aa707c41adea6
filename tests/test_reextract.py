"""crawler.archive.reextract on a real SQLite file and a real WARC file, without a crawl: what is
rebuilt, counted and re-clustered, and how WARC pointers move through the store stage."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from crawler.archive.reextract import Rules, Selection, reextract
from crawler.extraction.extract import ExtractionOptions
from crawler.extraction.language import LanguageDetector
from dedupe.signatures import MinHasher
from storage.articles import ArticleRow, get_or_create_source, upsert_articles
from storage.database import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Article
from storage.warc import ArchivedRecord, Exchange, WarcSeries

PAGES = Path(__file__).parent / "pages"
EXPECTED = json.loads((PAGES / "wordpress_baca_juga.json").read_text(encoding="utf-8"))
RULES = Rules(ExtractionOptions(), LanguageDetector(), MinHasher())
STALE = datetime(2024, 8, 14, 1, tzinfo=UTC)


def archive(folder: Path) -> ArchivedRecord:
    series = WarcSeries(folder, "unit", 10**6, {})
    record = series.append(
        Exchange(
            url=EXPECTED["url"],
            method="GET",
            request_headers=[],
            request_body=b"",
            status=200,
            response_headers=[("Content-Type", "text/html; charset=utf-8")],
            body=(PAGES / "wordpress_baca_juga.html").read_bytes(),
        )
    )
    series.close()
    return record


def row(canonical_url: str, record: ArchivedRecord | None, **changes: Any) -> ArticleRow:
    values: dict[str, Any] = dict(
        source_id=0,
        url=canonical_url,
        canonical_url=canonical_url,
        html_sha256="0" * 64,
        title="Judul lama",
        author=None,
        editor=None,
        published_at=STALE,
        fetched_at=STALE,
        language="id",
        language_probability=0.9,
        text="Teks lama yang disimpan oleh aturan sebelumnya.",
        signature=None,
        features=None,
        crawl_run_id=None,
        warc_file=record.file if record else None,
        warc_offset=record.offset if record else None,
        warc_record_id=record.record_id if record else None,
    )
    values.update(changes)
    return ArticleRow(**values)


@pytest.fixture
def engine(sqlite_url: str) -> Engine:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def store(engine: Engine, rows: list[ArticleRow], source: str = "kabaranoa") -> list[Any]:
    with session_scope(engine) as session:
        source_id = get_or_create_source(session, source, source, "https://x.example").id
        rows = [ArticleRow(**{**row.__dict__, "source_id": source_id}) for row in rows]
        return upsert_articles(session, rows)


def test_changed_articles_are_rebuilt_counted_and_reclustered(
    engine: Engine, tmp_path: Path
) -> None:
    record = archive(tmp_path / "warc")
    missing = ArchivedRecord("gone.warc.gz", 0, "<urn:uuid:x>", STALE)
    store(
        engine,
        [
            row("https://x.example/a", record),
            row("https://x.example/b", record),
            row("https://x.example/not-archived", None),
            row("https://x.example/lost", missing),
        ],
    )
    report = reextract(engine, tmp_path / "warc", RULES, examples=1)
    assert (report.selected, report.changed, report.unchanged) == (4, 2, 0)
    assert (report.not_archived, report.unreadable) == (1, 1)
    assert "gone.warc.gz" in report.problems[0]
    assert report.fields["text"] == report.fields["title"] == 2
    assert len(report.examples) == 1 and report.examples[0].removed == row("", None).text
    assert report.clustering is not None and report.clustering.pending == 4
    with session_scope(engine) as session:
        rebuilt = session.scalars(select(Article).where(Article.url == "https://x.example/a")).one()
        assert rebuilt.title == EXPECTED["article"]["title"]
        assert rebuilt.text.split("\n") == EXPECTED["article"]["text"]
        assert rebuilt.author == EXPECTED["article"]["author"]
        assert rebuilt.published_at == datetime.fromisoformat(EXPECTED["article"]["published_at"])
        assert rebuilt.signature is not None and rebuilt.features is not None
        assert rebuilt.canonical_url == "https://x.example/a"  # identity kept
        assert rebuilt.warc_record_id == record.record_id
        assert rebuilt.clustered_at is not None  # re-clustered
        assert rebuilt.html_sha256 == "0" * 64  # not rebuilt: compared with a fresh crawl's

    again = reextract(engine, tmp_path / "warc", RULES)
    assert (again.changed, again.unchanged, again.clustering) == (0, 2, None)
    strict = Rules(ExtractionOptions(min_text_chars=100_000), RULES.detector, RULES.hasher)
    dropped = reextract(engine, tmp_path / "warc", strict, dry_run=True)
    assert (dropped.no_article, dropped.changed) == (2, 0)  # counted, rows left as stored


def test_selection_by_outlet_and_publication_day(engine: Engine, tmp_path: Path) -> None:
    record = archive(tmp_path / "warc")
    store(engine, [row("https://x.example/a", record)], source="kabaranoa")
    store(engine, [row("https://y.example/b", record)], source="other")
    folder = tmp_path / "warc"
    assert reextract(engine, folder, RULES, Selection(sources=["other"])).selected == 1
    assert reextract(engine, folder, RULES, Selection(since=date(2024, 8, 14))).selected == 2
    assert reextract(engine, folder, RULES, Selection(since=date(2024, 8, 15))).selected == 0
    assert reextract(engine, folder, RULES, Selection(until=date(2024, 8, 13))).selected == 0


def test_the_pointer_moves_with_a_changed_page_and_stays_with_an_unchanged_one(
    engine: Engine, tmp_path: Path
) -> None:
    first = ArchivedRecord("one.warc.gz", 10, "<urn:uuid:1>", STALE)
    second = ArchivedRecord("two.warc.gz", 20, "<urn:uuid:2>", STALE)
    third = ArchivedRecord("three.warc.gz", 30, "<urn:uuid:3>", STALE)
    url = "https://x.example/a"
    assert [r.status for r in store(engine, [row(url, first)])] == ["new"]
    same_page = row(url, second)  # same HTML hash: unchanged, the record its text came from
    assert [r.status for r in store(engine, [same_page])] == ["unchanged"]
    changed = row(url, third, html_sha256="1" * 64, text="Teks baru setelah halaman diubah.")
    assert [r.status for r in store(engine, [changed])] == ["updated"]
    unarchived = row(url, None, html_sha256="2" * 64, text="Versi ketiga tanpa arsip.")
    with session_scope(engine) as session:
        stored = session.execute(
            select(Article.warc_file, Article.warc_offset, Article.warc_record_id)
        ).one()
        assert tuple(stored) == ("three.warc.gz", 30, "<urn:uuid:3>")
    store(engine, [unarchived])
    with session_scope(engine) as session:
        # a version fetched without archiving must not point at an older version's page
        assert tuple(session.execute(select(Article.warc_file, Article.warc_offset)).one()) == (
            None,
            None,
        )
