"""Region names from the `regions` table (filled from the gazetteer, crawler.clustering.regions)
for rows that carry a region code; and the counts of `warta regions`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, Event, Region


@dataclass(frozen=True)
class RegionNames:
    """A placed row's region: its code and name, its regency and province (gazetteer names),
    its country (ISO alpha-2)."""

    code: str | None
    name: str | None
    regency: str | None
    province: str | None
    country: str | None


def region_names(session: Session, codes: Iterable[str | None]) -> dict[str, RegionNames]:
    """Code → names of `codes` and of their regency and province (one query per 500 codes)."""
    wanted = {c for c in codes if c}
    related = sorted(wanted | {c[:2] for c in wanted} | {c[:5] for c in wanted if "." in c})
    names: dict[str, str] = {}
    for start in range(0, len(related), 500):
        chunk = related[start : start + 500]
        query = select(Region.code, Region.name).where(Region.code.in_(chunk))
        names.update((code, name) for code, name in session.execute(query))
    return {
        code: RegionNames(
            code,
            names.get(code),
            names.get(code[:5]) if "." in code else None,
            names.get(code[:2]),
            "ID",
        )
        for code in wanted
    }


def region_of(
    names: dict[str, RegionNames], code: str | None, country: str | None
) -> RegionNames | None:
    """A row's region from its code and country (None when it has no place)."""
    if code:
        return names.get(code) or RegionNames(code, None, None, None, country)
    if country:
        return RegionNames(None, None, None, None, country)
    return None


@dataclass(frozen=True)
class RegencyMonth:
    """Events and articles placed in one regency (or city) in one month."""

    month: str  #: YYYY-MM: the event's date (its first report when undated); publication (WITA)
    regency_code: str
    regency: str | None
    province: str | None
    events: int
    articles: int


def regency_months(
    session: Session,
    province: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[RegencyMonth]:
    """Per regency and month: events placed there and articles placed there, for `warta
    regions` and its heat map. Events and articles placed only at province level are left out;
    `province` (a code) keeps one province; since/until bound the months (inclusive days)."""
    from storage.query_filters import REGION_TZ

    def wanted(code: str | None, day: date | None) -> bool:
        return bool(
            code
            and "." in code
            and day is not None
            and (province is None or code.startswith(province + "."))
            and (since is None or day >= since)
            and (until is None or day <= until)
        )

    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    events = select(Event.region_code, Event.event_date, Event.first_seen).where(
        Event.region_code.contains(".")
    )
    for code, day, first_seen in session.execute(events.execution_options(yield_per=5000)):
        if day is None and first_seen is not None:
            day = _utc(first_seen).astimezone(REGION_TZ).date()
        if code is not None and wanted(code, day):
            counts[(code[:5], f"{day:%Y-%m}")][0] += 1
    articles = select(Article.region_code, Article.published_at).where(
        Article.region_code.contains(".")
    )
    for code, published in session.execute(articles.execution_options(yield_per=5000)):
        day = _utc(published).astimezone(REGION_TZ).date() if published else None
        if code is not None and wanted(code, day):
            counts[(code[:5], f"{day:%Y-%m}")][1] += 1
    names = region_names(session, {regency for regency, _ in counts})
    return [
        RegencyMonth(month, regency, names[regency].name, names[regency].province, *n)
        for (regency, month), n in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))
    ]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
