"""Stories (dedupe.stories) on articles of our own writing: exact partitions, the day gap, order
independence, and `warta cluster`'s story_id (run for real)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest

from crawler.clustering.files import cluster_rows
from dedupe.cluster_config import ClusterConfig
from dedupe.stories import EventSummary, StoryConfig, Storyteller, event_summary
from tests.conftest import PROJECT_ROOT
from tests.stories_support import EXPECTED_EVENTS, EXPECTED_STORIES, STORY_ARTICLES

WARTA = [sys.executable, "-c", "from crawler.cli import main; main()"]


def _partition(lines: list[dict], column: str) -> set[frozenset[str]]:  # type: ignore[type-arg]
    groups: dict[int, set[str]] = {}
    for line in lines:
        groups.setdefault(line[column], set()).add(line["id"])
    return {frozenset(group) for group in groups.values()}


def test_a_decision_and_its_reactions_are_one_story_two_cases_two_stories():
    lines = cluster_rows(STORY_ARTICLES)
    assert _partition(lines, "event_id") == EXPECTED_EVENTS  # reactions are other events...
    assert _partition(lines, "story_id") == EXPECTED_STORIES  # ...of the decision's story


def test_the_gap_is_configurable():
    """With a gap of ten days the company's lawsuit a week after the audit joins the story."""
    config = ClusterConfig(story=StoryConfig(max_gap_days=10))
    stories = _partition(cluster_rows(STORY_ARTICLES, config), "story_id")
    licence = next(s for s in EXPECTED_STORIES if "licence-1" in s)
    assert licence | {"later-1"} in stories
    assert frozenset({"village-1"}) in stories


def test_file_order_changes_neither_events_nor_stories():
    for seed in range(3):
        shuffled = list(STORY_ARTICLES)
        random.Random(seed).shuffle(shuffled)
        lines = cluster_rows(shuffled)
        assert _partition(lines, "story_id") == EXPECTED_STORIES
        assert _partition(lines, "event_id") == EXPECTED_EVENTS


TWO_OUTLETS = frozenset({"kendarinews", "sultrapost"})


def _event(
    key: str, day: int, *names: str, kind: str = "person", outlets: frozenset[str] = TWO_OUTLETS
) -> EventSummary:
    stated = date(2025, 6, day)
    return EventSummary(key, (stated, key), stated, dict.fromkeys(names, kind), outlets=outlets)


def _crowd() -> list[EventSummary]:
    """Twenty unrelated events, so that the names below are rare in their neighbourhood."""
    return [_event(f"other-{n}", 1 + n % 9, f"someone {n}", f"place {n}") for n in range(20)]


def test_storyteller_needs_specific_shared_names_and_cuts_at_gaps():
    teller = Storyteller(StoryConfig(max_gap_days=3))
    events = [
        _event("decision", 1, "yusran tamalaki", "sinar lestari", "puuwonua"),
        _event("reaction", 3, "yusran tamalaki", "sinar lestari", "rusdin lapodi"),
        _event("audit", 6, "yusran tamalaki", "sinar lestari", "andi ladongi"),
        _event("lawsuit", 10, "yusran tamalaki", "sinar lestari", "ptun kendari"),
        # shares only one name with the decision: a common thread, not the case
        _event("visit", 2, "yusran tamalaki", "unaaha market"),
        # undated: a story of its own whatever it shares
        EventSummary("undated", (date.min, "undated"), None, {"yusran tamalaki": "person"}),
    ]
    stories = {frozenset(e.key for e in s) for s in teller.stories(events + _crowd())}
    assert frozenset({"decision", "reaction", "audit"}) in stories
    assert frozenset({"lawsuit"}) in stories  # four days after the audit
    assert frozenset({"visit"}) in stories
    assert frozenset({"undated"}) in stories
    assert sum(len(s) for s in stories) == len(events) + 20  # every event exactly once


def test_one_outlets_template_names_are_no_evidence():
    """Names only one outlet writes (a fact-check footer, a listicle's boilerplate) tie
    nothing: two of its unrelated pieces stay apart; the same names from two outlets link."""
    teller = Storyteller()
    template = ("cek fakta", "ifcn network", "whatsapp hotline")
    one = frozenset({"liputan6"})
    apart = [
        _event("hoax-a", 2, *template, outlets=one),
        _event("hoax-b", 3, *template, outlets=one),
    ]
    stories = {frozenset(e.key for e in s) for s in teller.stories(apart + _crowd())}
    assert {frozenset({"hoax-a"}), frozenset({"hoax-b"})} <= stories
    shared = [_event("case-a", 2, *template), _event("case-b", 3, *template)]
    stories = {frozenset(e.key for e in s) for s in teller.stories(shared + _crowd())}
    assert frozenset({"case-a", "case-b"}) in stories


def _titled(key: str, day: int, names: tuple[str, ...], *titles: str) -> EventSummary:
    stated = date(2025, 6, day)
    return event_summary(
        key,
        (stated, key),
        stated,
        [{"salient": dict.fromkeys(names, "person")}],
        titles,
        sorted(TWO_OUTLETS),
    )


def _titled_crowd() -> list[EventSummary]:
    """Unrelated events whose titles use the words below too, so that they are not unique."""
    words = ("izin tambang", "balap motor", "jalan rusak", "klasemen")
    return [
        _titled(f"crowd-{n}", 1 + n % 5, (f"someone {n}",), f"berita {words[n % 4]} lain {n}")
        for n in range(20)
    ]


def test_titles_tell_one_actors_unrelated_matter_from_the_case():
    """Two officials' road visit shares their names with a mine's permit case: by names alone
    it joins the case; its title says something else (their names are not title words), so
    with the titles' share it is a story of its own."""
    case = ("yusran tamalaki", "andi ladongi", "sinar lestari", "puuwonua", "hugua", "lasolo")
    events = [
        _titled("permit", 2, case, "Yusran Tamalaki cabut izin tambang Sinar Lestari"),
        _titled("reaction", 3, case, "Andi Ladongi dukung pencabutan izin tambang"),
        _titled(
            "road",
            3,
            ("yusran tamalaki", "andi ladongi", "ali mazi", "unaaha", "wawotobi", "lambuya"),
            "Yusran Tamalaki tinjau jalan rusak",
        ),
    ]
    crowd = _titled_crowd()
    by_names = Storyteller(StoryConfig(title_weight=0.0)).stories(events + crowd)
    assert {"permit", "reaction", "road"} in [{e.key for e in s} for s in by_names]
    stories = {frozenset(e.key for e in s) for s in Storyteller().stories(events + crowd)}
    assert {frozenset({"permit", "reaction"}), frozenset({"road"})} <= stories


def test_a_story_holds_no_two_events_that_share_no_name():
    """A chain (A shares names with B, B with C, A with C nothing) is cut: a topic is not a
    story however well its neighbours tie it."""
    teller = Storyteller(StoryConfig(title_weight=0.0, cohesion=0.01))
    events = [
        _event("first", 2, "yusran tamalaki", "sinar lestari"),
        _event("middle", 3, "yusran tamalaki", "sinar lestari", "andi ladongi", "ptun kendari"),
        _event("last", 4, "andi ladongi", "ptun kendari"),
    ]
    stories = {frozenset(e.key for e in s) for s in teller.stories(events + _crowd())}
    assert not any({"first", "last"} <= story for story in stories)


def test_storyteller_is_independent_of_input_order():
    events = [
        _event(f"case-{case}-{day}", day, f"suspect {case}", f"village {case}", "kendari")
        for case in range(4)
        for day in (1, 2, 4)
    ] + _crowd()
    teller = Storyteller()
    reference = [[e.key for e in s] for s in teller.stories(events)]
    assert len(reference) == 4 + 20
    for seed in range(5):
        shuffled = list(events)
        random.Random(seed).shuffle(shuffled)
        assert [[e.key for e in s] for s in teller.stories(shuffled)] == reference


def test_story_config_refuses_nonsense():
    with pytest.raises(ValueError):
        StoryConfig(max_gap_days=-1)
    with pytest.raises(ValueError):
        replace(StoryConfig(), rare_fraction=2.0)
    with pytest.raises(ValueError):
        StoryConfig(title_weight=1.5)


def test_cluster_command_prints_story_id(tmp_path):
    file = tmp_path / "stories.jsonl"
    file.write_text("".join(json.dumps(row) + "\n" for row in STORY_ARTICLES), encoding="utf-8")
    done = subprocess.run([*WARTA, "cluster", str(file)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [set(line) for line in lines] == [{"id", "event_id", "duplicate_of", "story_id"}] * 8
    assert [line["story_id"] for line in lines] == [1, 1, 1, 1, 2, 3, 3, 4]  # file order
    assert _partition(lines, "story_id") == EXPECTED_STORIES


def test_story_bench_runs_on_a_small_file(tmp_path):
    """bench/events_real.py --stories (bench/story_eval.py): packets, then the table."""
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps(row) + "\n" for row in STORY_ARTICLES), "utf-8")
    verdicts = tmp_path / "stories.tsv"
    verdicts.write_text("")
    script = [sys.executable, "bench/events_real.py"]
    args = ["--stories", "--articles", str(articles), "--story-verdicts", str(verdicts)]
    done = subprocess.run(
        [*script, "packets", *args, "--out", str(tmp_path / "p")],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "pairs to judge" in done.stdout
    done = subprocess.run(
        [*script, "score", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "| warta |" in done.stdout and "| baseline |" in done.stdout
