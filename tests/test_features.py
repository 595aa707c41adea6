"""dedupe.dates and dedupe.features: event dates, venues and people from Indonesian text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.dates import WITA, event_date
from dedupe.features import extract_features
from dedupe.lexicon import lexicon

WEEKDAY_NAMES = {v: k.capitalize() for k, v in lexicon().weekdays.items() if k != "ahad"}
MONTH_NAMES = {
    month: max((k for k, v in lexicon().months.items() if v == month), key=len).capitalize()
    for month in range(1, 13)
}
PUBLISHED = datetime(2024, 8, 7, 10, 0, tzinfo=WITA)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("menggelar rakor, Selasa (9/7/2024).", None, date(2024, 7, 9)),
        ("KENDARI | 9 Juli 2024 – Polresta menggelar rapat", None, date(2024, 7, 9)),
        ("berlangsung pada hari Selasa, 12 November 2024, di aula", None, date(2024, 11, 12)),
        ("di ruang pola Kantor Gubernur Sultra, Rabu, (6/11/2024).", None, date(2024, 11, 6)),
        ("Kepala Polda Sultra di Kendari Selasa, mengatakan", PUBLISHED, date(2024, 8, 6)),
        ("rapat yang digelar pada Senin itu", PUBLISHED, date(2024, 8, 5)),
        ("rapat pada Rabu pagi", PUBLISHED, date(2024, 8, 7)),
        ("rapat koordinasi yang digelar kemarin", PUBLISHED, date(2024, 8, 6)),
        ("rapat Senin (5/8) di Balai Kota", PUBLISHED, date(2024, 8, 5)),
        # an announced future date is not the event; the weekday is
        (
            "rakor Selasa (6/8/2024) jelang Pilkada serentak 27 November 2024",
            PUBLISHED,
            date(2024, 8, 6),
        ),
    ],
)
def test_event_date(text, published, expected):
    mention = event_date(text, published)
    assert mention is not None and mention.date == expected


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Kapolda di Kendari Selasa, mengatakan", None),  # bare weekday, no publication date
        ("rapat evaluasi digelar setiap Senin", PUBLISHED),  # a habit, not a date
        ("dua minggu lalu warga mengeluh", PUBLISHED),  # "minggu" = week
    ],
)
def test_no_event_date(text, published):
    assert event_date(text, published) is None


def test_publication_time_is_read_in_wita():
    # 20:00 UTC on Tuesday 6 Aug is 04:00 Wednesday in Kendari: "Selasa" is the day before
    late = datetime(2024, 8, 6, 20, 0, tzinfo=UTC)
    assert event_date("di Kendari Selasa", late).date == date(2024, 8, 6)
    assert event_date("di Kendari Rabu", late).date == date(2024, 8, 7)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.booleans())
def test_written_dates_resolve_exactly(day, numeric):
    weekday = WEEKDAY_NAMES[day.weekday()]
    written = (
        f"{day.day}/{day.month}/{day.year}"
        if numeric
        else (f"{day.day} {MONTH_NAMES[day.month]} {day.year}")
    )
    mention = event_date(f"Kendari - Rapat digelar {weekday} ({written}) di aula.", None)
    assert mention is not None and mention.date == day and mention.confidence >= 0.9


@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1)),
    st.sampled_from(sorted(WEEKDAY_NAMES)),
)
def test_bare_weekday_is_latest_such_day_on_or_before_publication(published, weekday):
    published = published.replace(tzinfo=WITA)
    mention = event_date(f"rapat digelar di Kendari {WEEKDAY_NAMES[weekday]} lalu", published)
    assert mention is not None
    assert mention.date.weekday() == weekday
    assert timedelta(0) <= published.date() - mention.date < timedelta(days=7)


def test_seed_features(seeds_dir):
    texts = {p.name[:3]: p.read_text() for p in sorted(seeds_dir.glob("*.txt"))}
    found = {number: extract_features(None, text, None) for number, text in texts.items()}
    assert {n: f["event_date"] for n, f in found.items()} == {
        "000": "2024-07-09",
        "001": "2024-07-09",
        "002": "2024-11-12",
        "003": None,  # only "Selasa", and the file has no publication date
        "004": "2024-11-06",
    }
    assert "Aula Wira Pratama Mapolresta Kendari" in found["001"]["places"]
    assert "Hotel Plaza Inn Kendari" in found["002"]["places"]
    assert "ruang pola Kantor Gubernur Sultra" in found["004"]["places"]
    people = {n: {p["name"] for p in f["people"]} for n, f in found.items()}
    assert "Aris Tri Yunarko" in people["000"] & people["001"]
    assert "Dwi Irianto" in people["003"]
    assert "La Ode Saifuddin" in people["002"]
    assert {"Edy Suharmanto", "Andap Budhi Revianto"} <= people["004"]
    assert found["001"]["salient"]["aris tri"] == "person"


def test_features_are_json_ready_and_stable(seeds_dir):
    import json

    text = (seeds_dir / "002_7639540edf30e7af.txt").read_text()
    first = extract_features("Rakor Pilkada", text, PUBLISHED)
    assert json.loads(json.dumps(first)) == first
    assert extract_features("Rakor Pilkada", text, PUBLISHED) == first
    assert first["published_date"] == "2024-08-07"
