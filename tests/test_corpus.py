"""Validate the replay-web corpus (replayweb/corpus/): offline mini-web and labelled event set."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "replayweb" / "corpus"
EVENTS_DIR = CORPUS / "events"
REJECTS = CORPUS / "rejects.toml"
SOURCES = ROOT / "crawler" / "sources.toml"

ID_RE = re.compile(r"^(?P<outlet>[a-z0-9]+)-\d{4}$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = {"report", "republished"}
EXPECTS = {"rejected_language", "too_short"}
BOILERPLATE = re.compile(
    r"baca juga|tinggalkan balasan|alamat email anda|ruas yang wajib|\bbagikan\b|sebarkan artikel"
    r"|listen to this article|content is protected|dilarang mencopy|editor\s*:|penulis\s*:"
    r"|redaksi/publi|copyright|©",
    re.IGNORECASE,
)


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


EVENT_FILES = sorted(EVENTS_DIR.glob("*.toml"))
EVENTS = {path: _load(path) for path in EVENT_FILES}
REJECTED = _load(REJECTS).get("article", []) if REJECTS.exists() else []
EVENT_ARTICLES = [(path, art) for path, data in EVENTS.items() for art in data.get("article", [])]
ALL_ARTICLES = [art for _, art in EVENT_ARTICLES] + REJECTED


def test_corpus_is_not_empty():
    assert len(EVENT_FILES) >= 6
    assert all(data.get("article") for data in EVENTS.values())


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda p: p.stem)
def test_event_header(path: Path):
    event = EVENTS[path]["event"]
    assert event["label"] == path.stem
    assert SLUG_RE.match(event["label"])
    assert event.get("summary", "").strip()
    assert event.get("place", "").strip()
    if "date" in event:
        assert isinstance(event["date"], date) and not isinstance(event["date"], datetime)
        assert event["label"].startswith(event["date"].isoformat())
        for art in EVENTS[path]["article"]:
            assert art["published"].date() >= event["date"], art["id"]
    assert set(EVENTS[path]) <= {"event", "article"}


def test_ids_unique_and_well_formed():
    ids = [art["id"] for art in ALL_ARTICLES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for art in ALL_ARTICLES:
        match = ID_RE.match(art["id"])
        assert match and match["outlet"] == art["outlet"], art["id"]


def test_slugs_unique_per_outlet():
    seen: dict[tuple[str, str], str] = {}
    for art in ALL_ARTICLES:
        assert SLUG_RE.match(art["slug"]), art["id"]
        key = (art["outlet"], art["slug"])
        assert key not in seen, f"{art['id']} repeats slug of {seen.get(key)}"
        seen[key] = art["id"]


def test_outlets_exist_in_registry():
    keys = {source["key"] for source in _load(SOURCES)["source"]}
    for art in ALL_ARTICLES:
        assert art["outlet"] in keys, art["id"]


def test_article_fields():
    allowed = {
        "id",
        "outlet",
        "slug",
        "title",
        "author",
        "editor",
        "published",
        "kind",
        "republished_from",
        "body",
        "expect",
    }
    for art in ALL_ARTICLES:
        assert set(art) <= allowed, (art["id"], set(art) - allowed)
        assert art["title"].strip() and art["body"].strip(), art["id"]
        published = art["published"]
        assert isinstance(published, datetime), art["id"]
        assert published.tzinfo is not None and published.utcoffset() is not None, art["id"]
        assert art.get("kind", "report") in KINDS, art["id"]
    for art in REJECTED:
        assert art.get("expect") in EXPECTS, art["id"]
    for _, art in EVENT_ARTICLES:
        assert "expect" not in art, art["id"]


def test_republished_points_to_original_in_same_event():
    for path, data in EVENTS.items():
        ids = {art["id"]: art for art in data["article"]}
        for art in data["article"]:
            if art["kind"] == "republished":
                original = ids.get(art.get("republished_from"))
                assert original is not None, f"{art['id']}: original not in {path.name}"
                assert original["kind"] == "report" and original["id"] != art["id"]
                assert art["published"] >= original["published"], art["id"]
            else:
                assert "republished_from" not in art, art["id"]


def test_bodies_are_clean_text():
    for art in ALL_ARTICLES:
        body = art["body"]
        assert not BOILERPLATE.search(body), (art["id"], BOILERPLATE.search(body).group(0))
        assert "<" not in body and ">" not in body, art["id"]
        assert "\n\n\n" not in body.strip(), art["id"]
        for line in body.strip().split("\n"):
            assert line == line.strip(), (art["id"], line[:40])


def test_event_article_lengths():
    for _, art in EVENT_ARTICLES:
        words = len(art["body"].split())
        assert 150 <= words <= 700, (art["id"], words)


def _shingles(text: str, size: int = 10) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_no_sentences_copied_from_seeds(seeds_dir: Path):
    seed_shingles: set[tuple[str, ...]] = set()
    for seed in seeds_dir.glob("*.txt"):
        seed_shingles |= _shingles(seed.read_text(encoding="utf-8"))
    for art in ALL_ARTICLES:
        copied = _shingles(art["body"]) & seed_shingles
        assert not copied, (art["id"], [" ".join(c) for c in list(copied)[:3]])
