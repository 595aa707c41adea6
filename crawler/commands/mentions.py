"""`warta mentions FILE.jsonl`: who each article of a file names, with the crawl's own code."""

from __future__ import annotations

import json
import sys
from typing import IO, Any

import click

from dedupe.mentions import extract_mentions
from dedupe.offices import canonical_office
from dedupe.places import place_of


def article_mentions(article: dict[str, Any]) -> dict[str, Any]:
    """One output record: the article's id, its people, organisations and places."""
    text = str(article.get("text") or "")
    found = extract_mentions(text)
    title = article.get("title")
    place = place_of(title if isinstance(title, str) else None, text)
    return {
        "id": article.get("id"),
        "people": [
            {
                "name": p.name,
                "office": p.office,
                "office_canonical": canonical_office(p.office),
                "rank": p.rank,
                "titles": p.titles,
                "mentions": len(p.mentions),
            }
            for p in found.people
        ],
        "organisations": [
            {"name": b.name, "acronym": b.acronym, "expansion": b.expansion, "region": b.region}
            for b in found.organisations
        ],
        "places": found.places,
        "region": place.record() if place else None,
    }


@click.command("mentions")
@click.argument("path", metavar="FILE.jsonl", type=click.File("r", encoding="utf-8"))
@click.option(
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Where to write the JSON lines (default: standard output).",
)
def command(path: IO[str], output: IO[str]) -> None:
    """Print who each article of FILE.jsonl names: people with office (as written and as one
    office: "Kapolda / Polda Sultra"), rank and titles (degrees kept apart), organisations
    (acronym = expansion, region kept apart), places, and the region of the happening.

    FILE.jsonl is `warta cluster`'s input: one JSON object a line with `id` and `text`
    (`title`, `published_at` and more are allowed). Each output line is one article:
    {"id", "people": [{"name", "office", "office_canonical", "rank", "titles", "mentions"}],
    "organisations": [...], "places": [...],
    "region": {"code", "name", "regency", "province", "country"} or null}: the region is
    where the happening took place (docs/PLACES.md). A line that is not a JSON object is
    reported on stderr and skipped.

    Example: warta mentions articles.jsonl --output mentions.jsonl
    """
    bad = 0
    for number, line in enumerate(path, start=1):
        if not line.strip():
            continue
        try:
            article = json.loads(line)
            if not isinstance(article, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            bad += 1
            click.echo(f"line {number}: skipped ({error})", err=True)
            continue
        output.write(json.dumps(article_mentions(article), ensure_ascii=False) + "\n")
    if bad:
        click.echo(f"{bad} line(s) skipped", err=True)
        sys.exit(1)
