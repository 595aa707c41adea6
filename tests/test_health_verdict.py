"""The verdict rules on probes written by hand (crawler/health/verdict.py): what the replay-web
test (tests/test_sources_check.py) does not stage: dates missing, short texts, other languages,
robots.txt closed, failed samples; the order of the verdicts; thresholds as data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.health.probe import Fetch, Limits, Listing, OutletProbe, Sample, Thresholds
from crawler.health.verdict import judge, worse

BASE = "https://kabarsultra.id"
LIMITS = Thresholds.load().limits
DAY = datetime(2026, 12, 1, 8, tzinfo=UTC)


def fetched(path: str, status: int = 200, final: str | None = None, error: str = "") -> Fetch:
    return Fetch(BASE + path, final_url=final or BASE + path, status=status, error=error)


def sample(n: int, *, chars: int = 1800, dated: bool = True, language: str = "id") -> Sample:
    """A sampled article; a language other than "id" is one the language stage drops."""
    return Sample(
        fetched(f"/berita-nomor-{n}-hari-ini"),
        title=f"Berita {n}",
        published=DAY if dated else None,
        text_chars=chars,
        language=language,
        language_kept=language == "id",
    )


def probe(*samples: Sample, **changes: object) -> OutletProbe:
    """A healthy outlet: robots.txt, home page, a feed of three articles its pattern takes."""
    feed = Listing(fetched("/feed"), "feed", parsed=True, entries=3, newest=DAY)
    feed.judged = {f"{BASE}/berita-nomor-{n}-hari-ini": True for n in range(3)}
    found = OutletProbe(
        "kabarsultra",
        BASE,
        robots=fetched("/robots.txt"),
        home=fetched("/"),
        listings=[feed],
        samples=list(samples or map(sample, range(3))),
    )
    for name, value in changes.items():
        setattr(found, name, value)
    return found


def test_a_healthy_probe_is_ok_with_its_newest_article() -> None:
    verdict = judge(probe(), LIMITS)
    assert (verdict.verdict, verdict.reasons, verdict.newest_article) == ("ok", (), DAY)


@pytest.mark.parametrize(
    ("samples", "reason"),
    [
        ((sample(0, dated=False), sample(1, dated=False), sample(2)),
         "dates missing: 2 of 3 sampled articles"),
        ((sample(0, chars=120), sample(1, chars=90), sample(2)),
         "texts short: 2 of 3 sampled articles under 250 characters"),
        ((sample(0, language="en"), sample(1, language="ms"), sample(2)),
         "other languages: 2 of 3 sampled articles"),
    ],
)  # fmt: skip
def test_degraded_says_why(samples: tuple[Sample, ...], reason: str) -> None:
    verdict = judge(probe(*samples), LIMITS)
    assert (verdict.verdict, verdict.reasons) == ("degraded", (reason,))


def test_one_share_under_the_threshold_is_no_reason() -> None:
    assert judge(probe(sample(0, dated=False), sample(1), sample(2)), LIMITS).verdict == "ok"


def test_broken_when_nothing_usable_arrives() -> None:
    closed = probe(robots_disallows_all=True)
    assert judge(closed, LIMITS).reasons == ("robots.txt disallows the whole site to us",)
    empty = probe(listings=[], samples=[])
    assert judge(empty, LIMITS).reasons == (
        "no articles found in feeds, sitemaps or listing pages",
    )
    gone = [Sample(fetched(f"/berita-{n}", 404, error="http_404")) for n in range(3)]
    assert judge(probe(*gone), LIMITS).reasons == (
        "no sampled article could be fetched (http_404)",
    )


def test_moved_wins_and_www_is_no_move() -> None:
    moved = probe(home=fetched("/", final="https://kabarsultra.co.id/"))
    verdict = judge(moved, LIMITS)
    assert (verdict.verdict, verdict.suggested_base_url) == ("moved", "https://kabarsultra.co.id")
    www = probe(home=fetched("/", final="https://www.kabarsultra.id/"))
    assert judge(www, LIMITS).verdict == "ok"


def test_worse_orders_the_verdicts() -> None:
    assert worse("degraded", "ok") and worse("broken", "moved") and worse("degraded", None)
    assert not worse("ok", None) and not worse("moved", "broken") and not worse("ok", "ok")


def test_thresholds_are_data(tmp_path: Path) -> None:
    strict = tmp_path / "thresholds.toml"
    strict.write_text("[degraded]\nmin_text_chars = 2000\n[budget]\nsample_articles = 5\n")
    loaded = Thresholds.load(strict)
    assert loaded.budget.sample_articles == 5 and loaded.limits.min_text_chars == 2000
    assert judge(probe(), loaded.limits).verdict == "degraded"  # 1800 characters are short now
    strict.write_text("[degraded]\nmin_txt_chars = 2000\n")
    with pytest.raises(ValueError, match="min_txt_chars"):
        Thresholds.load(strict)
    assert Limits().min_text_chars == LIMITS.min_text_chars


def test_an_html_page_at_the_feed_url_is_no_feed() -> None:
    page = Listing(fetched("/feed/rss"), "feed", parsed=False)
    found = probe()
    found.listings.append(page)
    assert judge(found, LIMITS).verdict == "ok"  # the other feed answers
    home = Listing(fetched("/"), "listing", parsed=True, judged={BASE + "/a-b-c": True})
    found.listings = [page, home]
    assert judge(found, LIMITS).reasons == ("no feed answers (1 tried)",)
