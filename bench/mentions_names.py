"""Issue 23's hold-outs: people, names and offices of articles listed by hand after the rules
were frozen (bench/judgements/mentions-names-holdout*.tsv: article id, name, office or "-", and
other names the article writes for the person: a short name, a typo, a nickname).

Precision: extracted people whose name is a listed person's name or a part of it (the lists
hold every person the body names; extra words make a name wrong); recall: listed people
extracted (a name or a part of it either way, mentions_real.py's lenient match); office
agreement: of the listed people found that the article gives an office, those
whose extracted office is the listed one (case and punctuation aside; one containing the other;
an expansion with its acronym in brackets read as the acronym).
Baseline: run the same command with main's dedupe first on the path:

    .venv/bin/python bench/mentions_names.py
    git archive main dedupe | tar -x -C /tmp/main
    PYTHONPATH=/tmp/main .venv/bin/python bench/mentions_names.py
"""

from __future__ import annotations

import json
import re
import sys

import mentions_real as real

from dedupe.mentions import extract_mentions

#: six hold-outs, each drawn over the articles of no earlier sample and listed after the rules
#: were frozen (seed 23 at b3bf89a, seed 24 at 5bf419e, seed 25 at 76c10d4, seed 26 at 02cb8e6,
#: seed 27 at 2cbb774, seed 28 at ac91e86); the first five were then read to develop the next
#: rules, so only the last one measures the rules as they are

LISTS = (
    "mentions-names-holdout.tsv",
    "mentions-names-holdout2.tsv",
    "mentions-names-holdout3.tsv",
    "mentions-names-holdout4.tsv",
    "mentions-names-holdout5.tsv",
    "mentions-names-holdout6.tsv",
)


#: "Menteri Energi dan Sumber Daya Mineral (ESDM)": an expansion with its acronym in brackets
_EXPANDED = re.compile(r"(?:[A-Z][\w&-]*\s+(?:(?:dan|&)\s+)?)+\(([A-Z][\w-]+)\)")


def _offices(text: str | None) -> list[str]:
    """The office as written and with expansions read as their acronyms ("Menteri ESDM")."""
    written = text or ""
    return [
        real.normalised(form).replace("(", "").replace(")", "")
        for form in (written, _EXPANDED.sub(r"\1", written))
    ]


def _same_office(extracted: str | None, listed: str) -> bool:
    return any(
        a and b and (a in b or b in a) for a in _offices(extracted) for b in _offices(listed)
    )


def _part(extracted: str, listed: str) -> bool:
    """An extracted name is right when it is the listed name or a part of it ("Sahroni" for
    Ahmad Sahroni); more words ("Indodax Antony Kusuma") make it wrong."""
    words = real.normalised(extracted).split()
    return bool(words) and set(words) <= set(real.normalised(listed).split())


def measure(lists: str) -> dict:
    """Precision, recall and office agreement against one hand-list file."""
    listed: dict[str, list[tuple[list[str], str]]] = {}
    for row in real.read_tsv(real.JUDGEMENTS / lists):
        listed.setdefault(row[0], [])
        if row[1] != "-":
            # the name, and other names the article writes for the person ("Novi", a typo)
            others = row[3].split(";") if len(row) > 3 and row[3] else []
            listed[row[0]].append(([row[1], *others], row[2]))
    with real.DATASET.open(encoding="utf-8") as handle:
        texts = {a["id"]: a["text"] for a in map(json.loads, handle) if a["id"] in listed}
    extracted = right = found = offices = agree = 0
    for article_id, people in listed.items():
        got = extract_mentions(texts[article_id]).people
        names = [n for spellings, _ in people for n in spellings]
        extracted += len(got)
        right += sum(any(_part(p.name, listed_name) for listed_name in names) for p in got)
        for spellings, office in people:
            match = next(
                (p for p in got if any(real._found(n, [p.name], True) for n in spellings)), None
            )
            found += match is not None
            if match is not None and office != "-":
                offices += 1
                agree += _same_office(match.office, office)
    listed_people = sum(map(len, listed.values()))
    return {
        "articles": len(listed),
        "people_listed": listed_people,
        "extracted": extracted,
        "precision": round(right / max(extracted, 1), 3),
        "recall": round(found / max(listed_people, 1), 3),
        "office_agreement": round(agree / max(offices, 1), 3),
        "offices_compared": offices,
    }


def main() -> int:
    if not real.DATASET.exists():
        print(f"skipped: {real.DATASET} is absent (the shared real-text set)")
        return 0
    print(json.dumps({lists: measure(lists) for lists in LISTS}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
