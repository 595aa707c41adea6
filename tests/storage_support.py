"""The migrated database, the page and the one-upsert store the storage tests share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from storage.articles import UpsertResult, get_or_create_source, upsert_article
from storage.database import make_engine, session_scope
from storage.migrate import upgrade

FETCHED = datetime(2024, 7, 9, 3, 0, tzinfo=UTC)


@pytest.fixture(
    name="database_url",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def migrated_database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database: a SQLite file or a throw-away PostgreSQL database."""
    url: str = request.getfixturevalue(
        "sqlite_url" if request.param == "sqlite" else "postgres_url"
    )
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(name="engine")
def engine_of(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def page(n: int = 1, **overrides: Any) -> dict[str, Any]:
    """Keyword arguments of upsert_article for article `n` of telisik, as the store stage sends."""
    canonical = f"https://telisik.example/berita/{n}"
    values: dict[str, Any] = {
        "url": canonical + "?utm_source=facebook",
        "canonical_url": canonical,
        "other_urls": [f"https://telisik.example/amp/berita/{n}"],
        "html_sha256": f"{n:064x}",
        "title": f"Banjir di Kendari ({n})",
        "author": "La Ode",
        "editor": None,
        "published_at": datetime(2024, 7, 9, 1, 0, tzinfo=UTC),
        "fetched_at": FETCHED,
        "language": "id",
        "language_probability": 0.99,
        "text": "Banjir merendam sejumlah kelurahan di Kendari pada Selasa pagi.",
        "signature": b"\x01\x02\x03",
        "features": {"places": ["Kendari"], "date": "2024-07-09"},
        "crawl_run_id": None,
    }
    values.update(overrides)
    return values


def store(engine: Engine, **values: Any) -> UpsertResult:
    """One upsert in its own transaction, as the store stage does it."""
    with session_scope(engine) as session:
        source = get_or_create_source(session, "telisik", "Telisik", "https://telisik.example")
        return upsert_article(session, source=source, **values)


def count(engine: Engine, entity: Any) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(entity)) or 0
