"""Live checks of outlets as stored: record one, read each outlet's latest and its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import SourceCheck


def record_check(
    session: Session,
    *,
    source: str,
    base_url: str,
    checked_at: datetime,
    verdict: str,
    reasons: Sequence[str],
    suggested_base_url: str | None,
    newest_article: datetime | None,
    requests: int,
    details: dict[str, Any],
) -> SourceCheck:
    check = SourceCheck(
        source=source,
        base_url=base_url,
        checked_at=checked_at,
        verdict=verdict,
        reasons=list(reasons),
        suggested_base_url=suggested_base_url,
        newest_article=newest_article,
        requests=requests,
        details=details,
    )
    session.add(check)
    session.flush()
    return check


def latest_checks(session: Session) -> dict[str, SourceCheck]:
    """{source: its newest check} (ties on the time broken by the later row)."""
    newest = (
        select(SourceCheck.source, func.max(SourceCheck.id).label("id"))
        .group_by(SourceCheck.source)
        .subquery()
    )
    rows = session.scalars(select(SourceCheck).join(newest, SourceCheck.id == newest.c.id))
    return {check.source: check for check in rows}


def check_history(session: Session, source: str, limit: int = 10) -> Sequence[SourceCheck]:
    """An outlet's checks, newest first."""
    return session.scalars(
        select(SourceCheck)
        .where(SourceCheck.source == source)
        .order_by(SourceCheck.checked_at.desc(), SourceCheck.id.desc())
        .limit(limit)
    ).all()
