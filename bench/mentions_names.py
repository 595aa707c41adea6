"""Issue 23's hold-out: people, names and offices of 15 articles listed by hand after the rules
were frozen (bench/judgements/mentions-names-holdout.tsv: article id, name, office or "-").

Precision: extracted people that are a listed person (the lists hold every person the body
names); recall: listed people extracted (a name or a part of it, as mentions_real.py's lenient
match); office agreement: of the listed people found that the article gives an office, those
whose extracted office is the listed one (case and punctuation aside; one containing the other).
Baseline: run the same command with main's dedupe first on the path:

    .venv/bin/python bench/mentions_names.py
    git archive main dedupe | tar -x -C /tmp/main
    PYTHONPATH=/tmp/main .venv/bin/python bench/mentions_names.py
"""

from __future__ import annotations

import json
import sys

import mentions_real as real

from dedupe.mentions import extract_mentions

LISTS = "mentions-names-holdout.tsv"


def _office(text: str | None) -> str:
    return real.normalised(text or "").replace("(", "").replace(")", "")


def main() -> int:
    if not real.DATASET.exists():
        print(f"skipped: {real.DATASET} is absent (the shared real-text set)")
        return 0
    listed: dict[str, list[tuple[str, str]]] = {}
    for row in real.read_tsv(real.JUDGEMENTS / LISTS):
        listed.setdefault(row[0], [])
        if row[1] != "-":
            listed[row[0]].append((row[1], row[2]))
    with real.DATASET.open(encoding="utf-8") as handle:
        texts = {a["id"]: a["text"] for a in map(json.loads, handle) if a["id"] in listed}
    extracted = right = found = offices = agree = 0
    for article_id, people in listed.items():
        got = extract_mentions(texts[article_id]).people
        names = [n for n, _ in people]
        extracted += len(got)
        right += sum(real._found(p.name, names, True) for p in got)
        for name, office in people:
            match = next((p for p in got if real._found(name, [p.name], True)), None)
            found += match is not None
            if match is not None and office != "-":
                offices += 1
                mine, theirs = _office(match.office), _office(office)
                agree += bool(mine) and (mine in theirs or theirs in mine)
    listed_people = sum(map(len, listed.values()))
    print(
        json.dumps(
            {
                "articles": len(listed),
                "people_listed": listed_people,
                "extracted": extracted,
                "precision": round(right / max(extracted, 1), 3),
                "recall": round(found / max(listed_people, 1), 3),
                "office_agreement": round(agree / max(offices, 1), 3),
                "offices_compared": offices,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
