"""Event dates from Indonesian news text: "Selasa (9/7/2024)", "9 Juli 2024", bare "Selasa".

The event date, not the publication date, decides whether two reports can describe one event
(the hard date rule in dedupe.clustering), so each mention carries a confidence:

- a weekday written next to a date that agrees with it ("Selasa, 9 Juli 2024"): 0.95;
- a date in the lead (the first paragraph, at most ~400 characters): 0.85, but 0.65 when it is
  just the publication day (a dateline "KENDARI | 27 September 2024" says when it was written);
- "kemarin" (yesterday) relative to the publication date: 0.7; "hari ini" (today): 0.6;
- a bare weekday ("di Kendari Selasa", "pada Senin"), resolved to the most recent such day on
  or before the publication date in WITA (UTC+8, Sultra's zone): 0.7;
- a weekday next to a date that disagrees with it: the weekday (resolved as a bare one) at 0.7
  when it lies within a day of the date, else the date at 0.6; any other date in the body: 0.5, or
  0.65 when it is the text's only date and lies within a week before publication;
- the day of the happening over the day of writing or of background (issue 22): a date right
  after a quote's attribution ("ujar Bahlil saat konferensi pers di Jakarta, Selasa
  (10/6/2025)") is the day the words were said: 0.97; a date inside a quotation is the
  speaker's background ("Tepatnya pada hari Rabu (4/6/2025) malam"): 0.5 at most.

Dates after the publication day are announcements ("Pilkada serentak 27 November 2024") and
never the event date. Without a publication date a bare weekday cannot be resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from dedupe.lexicon import lexicon

WITA = timezone(timedelta(hours=8), "WITA")
LEAD_CHARS = 400
#: how far back a date may lie before publication and still be this article's event
MAX_AGE_DAYS = 60

CONFIDENCE_WEEKDAY_DATE = 0.95
CONFIDENCE_LEAD = 0.85
CONFIDENCE_PUBLICATION_DATELINE = 0.65
CONFIDENCE_ONLY_DATE = 0.65
CONFIDENCE_TODAY = 0.6
CONFIDENCE_BARE_WEEKDAY = 0.7
CONFIDENCE_WEEKDAY_MISMATCH = 0.6
CONFIDENCE_BODY = 0.5
CONFIDENCE_ATTRIBUTED = 0.97
#: how far after a speech word ("ujar", "kata") a date still dates the quote
ATTRIBUTION_CHARS = 120


@dataclass(frozen=True)
class DateMention:
    """One date found in a text, where, how it was written, and how much it says."""

    date: date
    confidence: float
    kind: str  #: "weekday+date", "date", "weekday"
    position: int  #: character offset of the mention


def _alternation(words: dict[str, int]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = lexicon()
    weekday = rf"(?P<weekday>{_alternation(lex.weekdays)})"
    month = rf"(?P<month_name>{_alternation(lex.months)})\.?"
    # optional weekday, then "(", ",", "hari" or spaces, then the date
    lead = rf"(?:\b{weekday}\b[\s,]*(?:\(\s*)?)?"
    numeric = re.compile(
        lead
        + r"\b(?P<day>\d{1,2})\s*[/.\-]\s*(?P<month>\d{1,2})\s*[/.\-]\s*(?P<year>(?:19|20)\d{2})\b",
        re.IGNORECASE,
    )
    textual = re.compile(
        lead + rf"\b(?P<day>\d{{1,2}})\s+{month}\s+(?P<year>(?:19|20)\d{{2}})\b", re.IGNORECASE
    )
    # "Senin (8/7)": day and month only, the year is the publication's
    short = re.compile(
        rf"\b{weekday}\b[\s,]*\(?\s*(?P<day>\d{{1,2}})\s*/\s*(?P<month>\d{{1,2}})\b(?!\s*/)",
        re.IGNORECASE,
    )
    # news capitalises weekdays; lower-case "minggu" is "week", and "setiap Senin" is a habit
    capitalised = "|".join(sorted((w.capitalize() for w in lex.weekdays), key=len, reverse=True))
    bare = re.compile(rf"(?<![Ss]etiap )(?<![Tt]iap )\b(?P<weekday>{capitalised})\b")
    return numeric, textual, short, bare


_NUMERIC, _TEXTUAL, _SHORT, _BARE = _patterns()
#: words that date an event relative to publication: days before publication, confidence
_RELATIVE = {"kemarin": (1, CONFIDENCE_BARE_WEEKDAY), "hari ini": (0, CONFIDENCE_TODAY)}
# "beberapa hari ini" and "belakangan hari ini" are "these days", not today
_RELATIVE_PATTERN = re.compile(
    r"(?<!beberapa )(?<!belakangan )\b(kemarin|hari ini)\b(?!\s+lusa)", re.IGNORECASE
)


def _attribution() -> re.Pattern[str]:
    """A speech word, then at most ATTRIBUTION_CHARS of one clause, ending where a date starts."""
    words = "|".join(sorted(lexicon().occasion["speech_before"], key=len, reverse=True))
    return re.compile(rf"(?:\b(?:{words})(?:nya)?\b)[^.\n\"]{{0,{ATTRIBUTION_CHARS}}}$")


_ATTRIBUTION = _attribution()


def _in_quotation(text: str, position: int) -> bool:
    """Whether `position` lies inside a quotation of its paragraph (an odd number of quotes
    before it; curly quotes counted as straight ones)."""
    start = text.rfind("\n", 0, position) + 1
    before = text[start:position]
    return (before.count('"') + before.count("“") + before.count("”")) % 2 == 1


def _weekday_kept(written: date, weekday: int, published: date) -> tuple[date, float]:
    """A weekday that disagrees with its date a day off ("Selasa (11/6/2025)" for Tuesday the
    10th, published on the 11th): the weekday, resolved as a bare one, is the happening's day
    when it lies within a day of the written date; otherwise the written date, less sure."""
    resolved = published - timedelta(days=(published.weekday() - weekday) % 7)
    if abs((resolved - written).days) <= 1:
        return resolved, CONFIDENCE_BARE_WEEKDAY
    return written, CONFIDENCE_WEEKDAY_MISMATCH


def _happening_confidence(text: str, position: int, confidence: float) -> float:
    """A written date's confidence, raised when it dates a quote's attribution and lowered when
    a speaker narrates it (module docstring)."""
    if _in_quotation(text, position):
        return min(confidence, CONFIDENCE_BODY)
    if confidence >= CONFIDENCE_WEEKDAY_DATE and _ATTRIBUTION.search(
        text, max(0, position - ATTRIBUTION_CHARS - 16), position
    ):
        return CONFIDENCE_ATTRIBUTED
    return confidence


def _lead_end(text: str) -> int:
    """End of the lead: the first paragraph break after some text, at most LEAD_CHARS."""
    stripped = len(text) - len(text.lstrip())
    newline = text.find("\n", stripped + 40)
    return min(LEAD_CHARS, newline) if newline >= 0 else LEAD_CHARS


def _normalise_weekdays(text: str) -> str:
    # "Jum'at" / "Jum’at" → "Jumat", same length is not needed: positions are only ordered
    return re.sub(r"(?i)jum['’]at", "Jumat", text)


def publication_day(published_at: datetime | None) -> date | None:
    """The publication date in WITA; a naive datetime is taken to be WITA already."""
    if published_at is None:
        return None
    if published_at.tzinfo is None:
        return published_at.date()
    return published_at.astimezone(WITA).date()


def find_dates(text: str, published_at: datetime | None = None) -> list[DateMention]:
    """Every plausible event-date mention in `text`, in text order."""
    lex = lexicon()
    text = _normalise_weekdays(text)
    published = publication_day(published_at)
    mentions: list[DateMention] = []
    covered: list[tuple[int, int]] = []
    lead_end = _lead_end(text)
    for pattern in (_NUMERIC, _TEXTUAL, _SHORT):
        for match in pattern.finditer(text):
            if any(start <= match.start() < end for start, end in covered):
                continue
            groups = match.groupdict()
            month = (
                int(groups["month"])
                if groups.get("month")
                else lex.months[groups["month_name"].lower()]
            )
            if groups.get("year"):
                year = int(groups["year"])
            elif published is not None:
                year = published.year if month <= published.month else published.year - 1
            else:
                continue
            try:
                found = date(year, month, int(groups["day"]))
            except ValueError:
                continue
            covered.append(match.span())
            if published is not None and not (
                published - timedelta(days=MAX_AGE_DAYS) <= found <= published
            ):
                continue  # an announcement or background, not this report's event
            weekday = groups.get("weekday")
            if weekday:
                agrees = lex.weekdays[weekday.lower()] == found.weekday()
                confidence = CONFIDENCE_WEEKDAY_DATE if agrees else CONFIDENCE_WEEKDAY_MISMATCH
                kind = "weekday+date"
                if not agrees and published is not None:
                    weekday_number = lex.weekdays[weekday.lower()]
                    found, confidence = _weekday_kept(found, weekday_number, published)
            elif match.start() < lead_end:
                kind = "date"
                confidence = (
                    CONFIDENCE_PUBLICATION_DATELINE if found == published else CONFIDENCE_LEAD
                )
            else:
                kind = "date"
                confidence = CONFIDENCE_BODY
            confidence = _happening_confidence(text, match.start(), confidence)
            mentions.append(DateMention(found, confidence, kind, match.start()))
    if published is not None:
        for match in _BARE.finditer(text):
            if any(start <= match.start() < end for start, end in covered):
                continue
            weekday = lex.weekdays[match.group("weekday").lower()]
            found = published - timedelta(days=(published.weekday() - weekday) % 7)
            mentions.append(DateMention(found, CONFIDENCE_BARE_WEEKDAY, "weekday", match.start()))
        for match in _RELATIVE_PATTERN.finditer(text):
            days, confidence = _RELATIVE[match.group(1).lower()]
            found = published - timedelta(days=days)
            mentions.append(DateMention(found, confidence, "relative", match.start()))
    dated = [m for m in mentions if m.kind == "date"]
    if len(dated) == 1 and dated[0].confidence == CONFIDENCE_BODY and published is not None:
        if (published - dated[0].date).days <= 7:
            only = dated[0]
            mentions[mentions.index(only)] = DateMention(
                only.date, CONFIDENCE_ONLY_DATE, only.kind, only.position
            )
    mentions.sort(key=lambda mention: mention.position)
    return mentions


def event_date(text: str, published_at: datetime | None = None) -> DateMention | None:
    """The most confident mention (the earliest among equals); None when the text has none."""
    mentions = find_dates(text, published_at)
    if not mentions:
        return None
    return max(mentions, key=lambda mention: (mention.confidence, -mention.position))
