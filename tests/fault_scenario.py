"""The fault scenario of bench/reliability_table.py: a healthy crawl and a faulty crawl of the
same replay web, compared URL by URL (split from tests/reliability.py, whose crawls it uses)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from storage.database import make_engine, session_scope
from storage.models import CrawlRun
from tests.reliability import CrawlResult, run_stats, scrapy_crawl, snapshot, stored_texts, warta

#: What each fault must end in: "stored" (once, after retries) or "skipped", and the stat that
#: must count it in the outlet's crawl stats (None: nothing to count, the crawl just finishes).
FAULT_TREATMENT: dict[str, tuple[str, str | None]] = {
    "http_500": ("stored", "retry/reason_count/500 Internal Server Error"),
    "http_500_retry_after": ("stored", "retry/reason_count/500 Internal Server Error"),
    "http_503": ("stored", "retry/reason_count/503 Service Unavailable"),
    "http_503_retry_after": ("stored", "warta/backoff/retry_after"),
    "http_429": ("stored", "warta/backoff/retry_after"),
    "stall": ("stored", "retry/reason_count/scrapy.exceptions.DownloadTimeoutError"),
    "reset": ("stored", "retry/count"),
    "truncated": ("stored", "warta/truncated_html"),
    "charset_cp1252_as_utf8": ("stored", None),
    "charset_utf8_as_cp1252": ("stored", None),
    "oversized": ("skipped", "warta/errors/too_large"),
    "gzip_bomb": ("skipped", "warta/errors/too_large"),
    "redirect_loop": ("skipped", "warta/refused/redirect_loop"),
    "redirect_offsite": ("skipped", "warta/refused/off_site_redirect"),
    "pdf": ("skipped", "warta/skipped/not_html"),
    "image": ("skipped", "warta/skipped/not_html"),
    "json": ("skipped", "warta/skipped/not_html"),
    "js_shell": ("skipped", "warta/dropped/no_article"),
    # discovery documents: no stat says "this feed was unreadable" (spiders/discovering.py)
    "feed_malformed": ("discovery", None),
    "feed_huge": ("discovery", None),
    "xml_bomb": ("discovery", None),
    "sitemap_loop": ("discovery", None),
    "xml_external_entity": ("discovery", None),
    "robots_disallow_all": ("robots", "warta/errors/robots_disallowed"),
}
#: The sentence every fault page ends with: its curly quotes and dash show a charset mix-up.
FAULT_PAGE_TAIL = "“Kami berharap kegiatan ini berjalan lancar – tanpa kendala,” ujarnya."
#: Stored text that shows a wrong decoding: U+FFFD, or UTF-8 read as cp1252 ("â€œ").
MOJIBAKE = ("\ufffd", "â€", "Ã")


@dataclass(frozen=True)
class Row:
    """One line of the reliability table."""

    case: str
    tried: int
    outcome: str
    lost: int
    duplicated: int
    crashes: int

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.crashes == 0
            and "FAIL" not in self.outcome
        )


def crawl_outlets(
    outlets: Sequence[str], base_urls: Mapping[str, str], database_url: str, **settings: Any
) -> dict[str, CrawlResult]:
    return {outlet: scrapy_crawl(outlet, base_urls, database_url, **settings) for outlet in outlets}


def _variants(url: str) -> set[str]:
    """Keys one fault URL may be stored under: itself, its loop twin, its full-text (?page=all)."""
    from crawler.urls import normalise_url

    key = normalise_url(url)
    joiner = "&" if "?" in key else "?"
    return {key, normalise_url(key + joiner + "loop=1"), normalise_url(key + joiner + "page=all")}


def healthy_keys(expected: Sequence[Any]) -> dict[str, str]:
    """{stored key: outcome} of every corpus article: "stored", "rejected_language", "too_short".

    Keys are normalised canonical URLs and their aliases (a paged article may be stored under
    its first page), so a crawl is judged by the replay web's own account of what it serves.
    """
    from crawler.urls import normalise_url

    keys: dict[str, str] = {}
    for article in expected:
        for url in (article.url, *article.aliases):
            keys[normalise_url(url)] = article.expect
    return keys


def fault_rows(
    baseline_url: str,
    faulty_url: str,
    results: Mapping[str, CrawlResult],
    urls: Sequence[tuple[str, str, str]],
    expected: Sequence[Any],
) -> list[Row]:
    """Judge each fault: the faulty crawl against the healthy crawl and the corpus, URL by URL.

    Lost: an article the healthy crawl stores (and the corpus says is one) missing after the
    fault, or a fault page that holds an article and was not stored. Duplicated: one article
    under two keys. Crashes: a crawl that exited non-zero or logged a traceback.
    """
    from crawler.urls import normalise_url

    outcome_of = healthy_keys(expected)
    faulty_texts = stored_texts(faulty_url)
    baseline_texts = stored_texts(baseline_url)
    healthy = {key for key in baseline_texts if outcome_of.get(key) == "stored"}
    stats = run_stats(faulty_url)
    rows = []
    for fault, (treatment, stat) in FAULT_TREATMENT.items():
        hits = [(outlet, url) for outlet, url, name in urls if name == fault]
        if not hits:
            continue
        outlets = sorted({outlet for outlet, _ in hits})
        lost = duplicated = 0
        problems: list[str] = []
        notes: list[str] = []
        for _, url in hits:
            key = normalise_url(url)
            stored = [variant for variant in _variants(url) if variant in faulty_texts]
            duplicated += max(len(stored) - 1, 0)
            if treatment == "stored":
                if outcome_of.get(key, "stored") != "stored":  # the fault hit a page to reject
                    if stored:
                        problems.append(f"stored a page the corpus rejects: {url}")
                    else:
                        notes.append(f"{outcome_of[key]} as expected")
                    continue
                if not stored:
                    lost += 1
                    continue
                text = faulty_texts[stored[0]]
                if key in baseline_texts and text != baseline_texts[key]:
                    problems.append(f"text differs from the healthy crawl: {url}")
                if fault.startswith(("charset", "truncated")) and any(m in text for m in MOJIBAKE):
                    problems.append(f"badly decoded text: {url}")
                if (
                    fault.startswith("charset")
                    and FAULT_PAGE_TAIL not in text
                    and "tribun" not in url
                ):
                    problems.append(f"text lost its last paragraph: {url}")
            elif treatment == "skipped" and stored:
                problems.append(f"stored although it holds no article: {url}")
        for outlet in outlets:
            host = _host_of(outlet)
            theirs = {key for key in faulty_texts if key.startswith(host)}
            if treatment == "robots":
                if theirs:
                    problems.append(f"{outlet}: stored pages robots.txt disallows")
            else:
                missing = {key for key in healthy if key.startswith(host)} - theirs
                lost += len(missing) if treatment != "stored" else 0
            counted = stats.get(outlet, {}).get(stat) if stat else True
            if not counted:
                if (outlet, fault) in REPLAY_GAPS:
                    notes.append(f"{outlet}: {REPLAY_GAPS[(outlet, fault)]}")
                else:
                    problems.append(f"{outlet}: not counted ({stat})")
        if fault == "xml_external_entity" and any("root:x:0:0" in t for t in faulty_texts.values()):
            problems.append("a file's content reached the database")
        crashes = sum(results[outlet].crashed for outlet in outlets if outlet in results)
        outcome = OUTCOMES.get(fault, OUTCOMES[treatment]) + (f"; counted `{stat}`" if stat else "")
        if notes:
            outcome += " (" + "; ".join(sorted(set(notes))) + ")"
        if problems:
            outcome = "FAIL: " + "; ".join(problems[:3])
        rows.append(Row(fault, len(hits), outcome, lost, duplicated, crashes))
    return rows


OUTCOMES = {
    "stored": "retried with backoff, stored once",
    "truncated": "stored what the page holds, once",
    "charset_cp1252_as_utf8": "decoded despite the wrong label, stored once, no mojibake",
    "charset_utf8_as_cp1252": "decoded despite the wrong label, stored once, no mojibake",
    "skipped": "skipped, nothing stored",
    "discovery": "parsed bounded, no entity expanded; articles found via the other listings",
    "robots": "obeyed: no page fetched, nothing stored",
}
#: Cases where the replay web's fault does not do what its name says (reported to its owner).
REPLAY_GAPS = {
    (
        "sibernas",
        "redirect_loop",
    ): "no loop: the fault drops the ?p= query, redirects to the home page",
}


def _host_of(outlet: str) -> str:
    from crawler.sources import load_sources

    return load_sources()[outlet].base_url


def alias_row(faulty_url: str, expected: Sequence[Any]) -> Row:
    """One article met under several URLs (utm_ parameters, AMP, trailing slash): stored once."""
    from crawler.urls import normalise_url

    texts = stored_texts(faulty_url)
    tried = duplicated = lost = 0
    for article in expected:
        if article.expect != "stored":
            continue
        keys = {normalise_url(url) for url in (article.url, *article.aliases, *article.redirects)}
        tried += len(article.aliases) + len(article.redirects)
        rows = [key for key in keys if key in texts]
        duplicated += max(len(rows) - 1, 0)
    return Row(
        "duplicate URLs (utm_ query, AMP, slash twin)",
        tried,
        "one row per article",
        lost,
        duplicated,
        0,
    )


def integrity_row(faulty_url: str, results: Mapping[str, CrawlResult]) -> Row:
    """After every fault at once: each crawl closed `finished`, no half-written row, check clean."""
    engine = make_engine(faulty_url)
    try:
        with session_scope(engine) as session:
            runs = session.execute(
                select(CrawlRun.spider, CrawlRun.status, CrawlRun.finish_reason)
            ).all()
    finally:
        engine.dispose()
    problems = [
        f"{spider}: {status}/{reason}"
        for spider, status, reason in runs
        if (status, reason) != ("finished", "finished")
    ]
    half = snapshot(faulty_url).half_written
    if half:
        problems.append(f"{len(half)} half-written rows")
    check = warta("db", "check", "--database", faulty_url)
    if check.returncode != 0:
        problems.append("warta db check: " + check.stdout.strip().splitlines()[-1])
    outcome = "every crawl finished; no half-written row; `warta db check` clean"
    crashes = sum(result.crashed for result in results.values())
    return Row(
        "all faults at once (integrity)",
        len(results),
        "FAIL: " + "; ".join(problems) if problems else outcome,
        0,
        0,
        crashes,
    )
