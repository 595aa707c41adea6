"""Pages dropped as not-an-article or in another language, remembered so runs skip them.

The crawler records them at the end of each spider (`remember_rejected`) and reads, at the start
of the next, the URLs still too recently rejected to fetch again (`recently_rejected`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import RejectedPage


@dataclass(frozen=True)
class Rejection:
    url: str
    source: str
    reason: str
    rejected_at: datetime


def remember_rejected(session: Session, rejections: Iterable[Rejection]) -> int:
    """Insert or refresh one row per URL (the last verdict wins); the number of URLs written."""
    latest = {rejection.url: rejection for rejection in rejections}
    if not latest:
        return 0
    known = {
        row.url: row
        for row in session.scalars(select(RejectedPage).where(RejectedPage.url.in_(latest)))
    }
    for url, rejection in latest.items():
        row = known.get(url) or RejectedPage(url=url)
        row.source, row.reason, row.rejected_at = (
            rejection.source,
            rejection.reason,
            rejection.rejected_at,
        )
        session.add(row)
    return len(latest)


def recently_rejected(session: Session, source: str, since: datetime) -> list[str]:
    """URLs of `source` rejected at or after `since`: not worth a request yet."""
    return list(
        session.scalars(
            select(RejectedPage.url).where(
                RejectedPage.source == source, RejectedPage.rejected_at >= since
            )
        )
    )
