"""The verdict of a live check: ok, degraded, moved or broken, with the reasons why.

`moved` wins over the rest (the outlet answers elsewhere: fix its base URL first), then
`broken` (nothing usable arrives), then `degraded` (articles arrive, but something is off).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from crawler.health.probe import Fetch, Limits, OutletProbe

#: Verdicts from good to bad: an outlet "turned bad" when its verdict moved right.
VERDICTS = ("ok", "degraded", "moved", "broken")


@dataclass(frozen=True)
class Verdict:
    key: str
    base_url: str
    verdict: str
    reasons: tuple[str, ...]
    suggested_base_url: str | None
    newest_article: datetime | None


def judge(probe: OutletProbe, limits: Limits) -> Verdict:
    moved_to = _moved_to(probe)
    if moved_to:
        verdict, reasons = "moved", [f"redirects to {moved_to}"]
    elif broken := _broken(probe):
        verdict, reasons = "broken", broken
    elif degraded := _degraded(probe, limits):
        verdict, reasons = "degraded", degraded
    else:
        verdict, reasons = "ok", []
    return Verdict(
        key=probe.key,
        base_url=probe.base_url,
        verdict=verdict,
        reasons=tuple(reasons),
        suggested_base_url=moved_to,
        newest_article=_newest(probe),
    )


def worse(verdict: str, than: str | None) -> bool:
    """Whether `verdict` is worse than an earlier one (None: never checked, as good as ok)."""
    return VERDICTS.index(verdict) > VERDICTS.index(than or "ok")


def _bare(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")


def _moved_to(probe: OutletProbe) -> str | None:
    """The new base URL when the home page (or robots.txt) ends on another host."""
    for fetch in (probe.home, probe.robots):
        if fetch and fetch.final_url and _bare(fetch.final_url) != _bare(probe.base_url):
            parts = urlsplit(fetch.final_url)
            return f"{parts.scheme}://{parts.netloc}"
    return None


def _failure(fetch: Fetch) -> str:
    if fetch.error == "dns":
        return f"DNS: {urlsplit(fetch.url).hostname} does not resolve"
    if fetch.status and fetch.status >= 400:
        return f"home page answers {fetch.status}"
    return f"home page: {fetch.error.replace('_', ' ')}"


def _broken(probe: OutletProbe) -> list[str]:
    if probe.home is not None and not probe.home.ok:
        return [_failure(probe.home)]
    if probe.robots_disallows_all:
        return ["robots.txt disallows the whole site to us"]
    if not any(listing.judged for listing in probe.listings):
        return ["no articles found in feeds, sitemaps or listing pages"]
    fetched = [sample for sample in probe.samples if sample.fetch.ok]
    if probe.samples and not fetched:
        kinds = sorted({sample.fetch.error or str(sample.fetch.status) for sample in probe.samples})
        return [f"no sampled article could be fetched ({', '.join(kinds)})"]
    return []


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _degraded(probe: OutletProbe, limits: Limits) -> list[str]:
    reasons = []
    feeds = [feed for feed in probe.of_kind("feed") if feed.fetch.ok and feed.parsed]
    reasons += [f"feed empty: {feed.fetch.url}" for feed in feeds if not feed.entries]
    if probe.of_kind("feed") and not feeds:
        reasons.append(f"no feed answers ({len(probe.of_kind('feed'))} tried)")
    for kind, where in (("feed", "feeds"), ("sitemap", "sitemaps"), ("listing", "listing pages")):
        judged = [taken for item in probe.of_kind(kind) for taken in item.judged.values()]
        refused = judged.count(False)
        if _share(refused, len(judged)) > limits.max_refused_share:
            reasons.append(
                f"pattern refuses most listed links: {refused} of {len(judged)} article links "
                f"of the {where}"
            )
    fetched = [sample for sample in probe.samples if sample.fetch.ok]
    undated = sum(sample.published is None for sample in fetched)
    if _share(undated, len(fetched)) > limits.max_undated_share:
        reasons.append(f"dates missing: {undated} of {len(fetched)} sampled articles")
    short = sum(sample.text_chars < limits.min_text_chars for sample in fetched)
    if _share(short, len(fetched)) > limits.max_short_share:
        reasons.append(
            f"texts short: {short} of {len(fetched)} sampled articles under "
            f"{limits.min_text_chars} characters"
        )
    foreign = sum(not sample.language_kept for sample in fetched if sample.text_chars)
    if _share(foreign, len(fetched)) > limits.max_foreign_share:
        reasons.append(f"other languages: {foreign} of {len(fetched)} sampled articles")
    failed = len(probe.samples) - len(fetched)
    if failed:
        reasons.append(f"{failed} of {len(probe.samples)} sampled articles failed")
    return reasons


def _newest(probe: OutletProbe) -> datetime | None:
    dates = [listing.newest for listing in probe.listings if listing.newest]
    dates += [sample.published for sample in probe.samples if sample.published]
    return max(dates) if dates else None
