"""Storing labelled articles into a real database the way the store stage does, for the
clustering-stage tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.clustering.devset import LabelledArticle
from dedupe.features import extract_features
from dedupe.signatures import MinHasher
from storage.models import Article, Source

DedupeFields = Mapping[str, tuple[bytes, dict[str, Any]]]


def dedupe_fields(articles: Iterable[LabelledArticle]) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """Signature and event features per article id, as the dedupe stage computes them."""
    hasher = MinHasher()
    return {
        a.id: (hasher.signature_bytes(a.text), extract_features(a.title, a.text, a.published_at))
        for a in articles
    }


def store_articles(
    session: Session, articles: Iterable[LabelledArticle], fields: DedupeFields | None
) -> dict[str, int]:
    """Insert articles (one Source per outlet), signed and featurised when `fields` are given;
    returns the row id of each article id."""
    sources = {s.key: s for s in session.scalars(select(Source))}
    ids = {}
    for article in articles:
        outlet = article.outlet or "unknown"
        if outlet not in sources:
            sources[outlet] = Source(key=outlet, name=outlet, base_url=f"https://{outlet}.example/")
            session.add(sources[outlet])
        signature, features = fields[article.id] if fields else (None, None)
        row = Article(
            source=sources[outlet],
            url=f"https://{outlet}.example/{article.id}",
            canonical_url=f"https://{outlet}.example/{article.id}",
            html_sha256="0" * 64,
            title=article.title,
            published_at=article.published_at,
            fetched_at=datetime(2024, 12, 1, tzinfo=UTC),
            language="id",
            language_probability=0.99,
            text=article.text,
            word_count=len(article.text.split()),
            signature=signature,
            features=features,
        )
        session.add(row)
        session.flush()
        ids[article.id] = row.id
    return ids
