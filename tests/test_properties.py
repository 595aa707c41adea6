"""Property-based tests (hypothesis) for the plain functions whose inputs come from strangers.

URL keys (crawler.urls), event dates (dedupe.dates), text cleanup (crawler.extraction.cleanup) and
signatures (dedupe.signatures) see whatever outlets publish; example tests pin known cases,
these pin the laws that must hold for every input: keys are stable, dates never come from
after publication, cleanup never invents text, signatures ignore what normalisation ignores.
Bounded (`max_examples`) so the suite stays quick on a shared machine.
"""

from __future__ import annotations

import ipaddress
import string
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crawler.extraction.cleanup import clean_text
from crawler.urls import (
    MOBILE_HOST,
    TRACKING_PARAMETER,
    UnsafeURL,
    check_fetchable_url,
    normalise_url,
)
from dedupe.dates import MAX_AGE_DAYS, WITA, event_date, find_dates
from dedupe.lexicon import lexicon
from dedupe.signatures import MinHasher
from dedupe.text import normalise

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- URLs --------------------------------------------------------------------------------------
LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
HOST = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["id", "co.id", "com", "net"]),
)
SEGMENT = st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=12)
PATH = st.lists(SEGMENT, max_size=4).map(lambda parts: "/" + "/".join(parts))
# Parameters that select content on news sites. Arbitrary keys are not used: courlan drops more
# than TRACKING_PARAMETER lists (e.g. `?ga=0`, `?ref=x`), a finding reported to the URL owner.
KEY = st.sampled_from(["p", "page", "paged", "id", "halaman", "news_id", "cat", "year", "tag_id"])
# courlan drops blank-valued parameters (`?a=`); content parameters always have a value
VALUE = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8)
PARAMS = st.lists(st.tuples(KEY, VALUE), max_size=3, unique_by=lambda pair: pair[0])
TRACKING = st.lists(
    st.tuples(
        st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid", "gclid", "igshid"]),
        VALUE,
    ),
    max_size=3,
)


def build_url(
    scheme: str, host: str, path: str, params: list[tuple[str, str]], fragment: str = ""
) -> str:
    query = "&".join(f"{key}={value}" for key, value in params)
    return (
        f"{scheme}://{host}{path}"
        + (f"?{query}" if query else "")
        + (f"#{fragment}" if fragment else "")
    )


@BOUNDED
@given(
    st.sampled_from(["http", "https"]),
    HOST,
    PATH,
    PARAMS,
    TRACKING,
    st.text(string.ascii_letters, max_size=5),
)
def test_url_key_is_idempotent_and_ignores_tracking_fragment_and_host_case(
    scheme: str,
    host: str,
    path: str,
    params: list[tuple[str, str]],
    tracking: list[tuple[str, str]],
    fragment: str,
) -> None:
    plain = normalise_url(build_url(scheme, host, path, params))
    assert normalise_url(plain) == plain
    noisy = build_url(scheme.upper(), host.upper(), path, [*tracking, *reversed(params)], fragment)
    assert normalise_url(noisy) == plain
    parts = urlsplit(plain)
    # the desktop host: `m.` and `amp.` hosts are renderings of its pages (crawler.urls)
    assert parts.fragment == "" and parts.hostname == MOBILE_HOST.sub("", host)
    kept = parse_qsl(parts.query, keep_blank_values=True)
    assert not any(TRACKING_PARAMETER.match(key) for key, _ in kept)
    assert sorted(kept) == sorted(params), "content parameters (?p=, ?page=all) must survive"


@BOUNDED
@given(HOST, PATH.filter(lambda path: path != "/"))
def test_url_key_does_not_split_on_a_trailing_slash(host: str, path: str) -> None:
    assert normalise_url(f"https://{host}{path}/") == normalise_url(f"https://{host}{path}")


@BOUNDED
@given(
    st.sampled_from(["file", "ftp", "data", "javascript", "gopher", "mailto", "ws", "chrome"]),
    HOST,
    PATH,
)
def test_non_http_urls_are_never_fetchable(scheme: str, host: str, path: str) -> None:
    with pytest.raises(UnsafeURL):
        check_fetchable_url(f"{scheme}://{host}{path}", allow_private=True)


PRIVATE_V4 = st.one_of(
    st.ip_addresses(v=4, network="127.0.0.0/8"),
    st.ip_addresses(v=4, network="10.0.0.0/8"),
    st.ip_addresses(v=4, network="192.168.0.0/16"),
    st.ip_addresses(v=4, network="172.16.0.0/12"),
    st.ip_addresses(v=4, network="169.254.0.0/16"),
)


@BOUNDED
@given(PRIVATE_V4, st.sampled_from(["dotted", "integer", "mapped"]))
def test_private_addresses_are_refused_in_every_spelling(
    address: ipaddress.IPv4Address, spelling: str
) -> None:
    host = {"dotted": str(address), "integer": str(int(address)), "mapped": f"[::ffff:{address}]"}[
        spelling
    ]
    with pytest.raises(UnsafeURL):
        check_fetchable_url(f"http://{host}/berita", allow_private=False, resolve_timeout=1.0)
    check_fetchable_url(f"http://{host}/berita", allow_private=True)


# -- dates -------------------------------------------------------------------------------------
LEX = lexicon()
WEEKDAY_NAMES = {number: name for name, number in LEX.weekdays.items() if name != "ahad"}
MONTH_NAMES = {
    number: name for name, number in sorted(LEX.months.items(), key=lambda kv: -len(kv[0]))
}
PUBLISHED = st.datetimes(
    min_value=datetime(2015, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.sampled_from([WITA, UTC, timezone(timedelta(hours=7))]),
)
FILLER = st.text(alphabet=string.ascii_lowercase + " ,.\n", max_size=200)


def wita_day(published: datetime) -> date:
    return published.astimezone(WITA).date()


@BOUNDED
@given(PUBLISHED, st.integers(0, MAX_AGE_DAYS), st.sampled_from(["numeric", "textual"]), FILLER)
def test_a_weekday_with_its_date_is_the_event_date(
    published: datetime, days_before: int, style: str, filler: str
) -> None:
    day = wita_day(published) - timedelta(days=days_before)
    weekday = WEEKDAY_NAMES[day.weekday()].capitalize()
    written = (
        f"{day.day}/{day.month}/{day.year}"
        if style == "numeric"
        else (f"{day.day} {MONTH_NAMES[day.month].capitalize()} {day.year}")
    )
    text = f"KENDARI - Rapat koordinasi digelar {weekday} ({written}) di aula.\n{filler}"
    found = event_date(text, published)
    assert found is not None and found.date == day and found.confidence == 0.95


@BOUNDED
@given(PUBLISHED, st.integers(1, 400))
def test_dates_after_publication_are_announcements_never_the_event(
    published: datetime, days_after: int
) -> None:
    day = wita_day(published) + timedelta(days=days_after)
    assume(day.year < 2100)
    text = f"Pemungutan suara digelar pada {day.day}/{day.month}/{day.year} mendatang."
    assert all(mention.date <= wita_day(published) for mention in find_dates(text, published))


@BOUNDED
@given(PUBLISHED, st.sampled_from(sorted(WEEKDAY_NAMES)))
def test_a_bare_weekday_is_the_latest_such_day_on_or_before_publication(
    published: datetime, weekday: int
) -> None:
    name = WEEKDAY_NAMES[weekday].capitalize()
    text = f"Kegiatan itu berlangsung di Kendari, {name}, dengan lancar."
    found = event_date(text, published)
    assert found is not None
    assert found.date.weekday() == weekday
    assert 0 <= (wita_day(published) - found.date).days <= 6


@BOUNDED
@given(st.text(max_size=600), st.one_of(st.none(), PUBLISHED))
def test_date_resolution_never_fails_and_stays_in_its_window(
    text: str, published: datetime | None
) -> None:
    for mention in find_dates(text, published):
        assert 0.0 < mention.confidence <= 1.0
        if published is not None:
            assert (
                timedelta(0) <= wita_day(published) - mention.date <= timedelta(days=MAX_AGE_DAYS)
            )


# -- cleanup -----------------------------------------------------------------------------------
LINE = st.one_of(
    st.text(max_size=120).map(lambda line: line.replace("\n", " ").replace("\r", " ")),
    st.sampled_from(
        [
            "Baca Juga: Rapat koordinasi pengamanan Pilkada",
            "Editor: Rudi",
            "Penulis: Ani | Editor: Budi",
            "Bagikan:",
            "Ikuti kami di Google News",
            "KENDARI, TELISIK.ID - Pemerintah kota menggelar rapat.",
            "Copyright © 2024 Telisik.id",
            "Tags: pilkada, kendari",
        ]
    ),
)


@BOUNDED
@given(st.lists(LINE, max_size=25), st.one_of(st.none(), st.text(max_size=60)))
def test_cleanup_only_drops_lines_or_line_tails_never_invents_or_reorders(
    lines: list[str], title: str | None
) -> None:
    text = "\n".join(lines)
    result = clean_text(text, title)
    sources = [line.strip() for line in text.splitlines() if line.strip()]
    position = 0
    for kept in result.text.splitlines():
        while position < len(sources) and kept not in sources[position]:
            position += 1
        assert position < len(sources), f"line not in the input, or out of order: {kept!r}"
        position += 1


# -- signatures --------------------------------------------------------------------------------
HASHER = MinHasher()
WORDS = st.lists(
    st.text(string.ascii_letters + "àéü", min_size=1, max_size=9), min_size=0, max_size=60
)


@BOUNDED
@given(WORDS)
def test_signature_bytes_round_trip_and_have_the_documented_size(words: list[str]) -> None:
    text = " ".join(words)
    data = HASHER.signature_bytes(text)
    assert len(data) == 4 * HASHER.num_perm + 13
    assert HASHER.to_bytes(HASHER.from_bytes(data)) == data
    assert HASHER.signatures_bytes([text, text]) == [data, data]


@BOUNDED
@given(WORDS, st.sampled_from(["upper", "spaces", "quotes", "nfkc"]))
def test_signatures_ignore_what_normalisation_ignores(words: list[str], change: str) -> None:
    text = " “".join(words) + "”"
    variant = {
        "upper": text.upper(),
        "spaces": "  \n\t ".join(text.split(" ")),
        "quotes": text.replace("“", '"').replace("”", '"'),
        "nfkc": text.replace("a", "\uff41"),  # fullwidth a: NFKC folds it to "a"
    }[change]
    assume(normalise(variant) == normalise(text))
    assert HASHER.signature_bytes(variant) == HASHER.signature_bytes(text)


@BOUNDED
@given(st.binary(max_size=600))
def test_foreign_bytes_are_rejected_as_value_errors_not_crashes(data: bytes) -> None:
    try:
        HASHER.from_bytes(data)
    except ValueError:
        return
    assert len(data) == 4 * HASHER.num_perm + 13
