"""What a headline says about the pairs its article may form: its figures, and whether it is a
service item.

Templated items differ from each other mostly in their figures: the magnitude of an
earthquake, the page of an answer key, a regency's budget, a level of a game. Two headlines
that both state figures and share none report different items, however alike their texts
(BMKG's earthquake reports are near-duplicates of each other). Single digits (counts such as
"2 Pria", "4 Izin" that outlets round or phrase differently), years and match scores ("0-6",
reported as it stood when each live update was written) are left out, and a rounded figure
agrees with the exact one it begins ("116 ribu" and "116.982").

Service and evergreen items (horoscopes, schedules, answer keys, price lists, how-to guides,
listicles: the cues in lexicon.toml, `[headlines]`) report no happening: they are events only
with their own copies.
"""

from __future__ import annotations

import re

from dedupe.lexicon import lexicon

_NUMBER = re.compile(r"(?<![\w.,\-])\d+(?:[.,]\d+)*(?:-\d+)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SCORE = re.compile(r"\d{1,2}-\d{1,2}")
_WORD = re.compile(r"\w+")
#: share of headline words two copies of a service item have in common
SAME_HEADLINE = 0.8


def headline_figures(title: str | None) -> frozenset[str]:
    """The figures of a headline as their digits ("1,48", "1.48" and "148" alike)."""
    figures = set()
    for match in _NUMBER.finditer(title or ""):
        figure = match.group()
        if _YEAR.fullmatch(figure) or _SCORE.fullmatch(figure) or len(figure) == 1:
            continue
        figures.add(re.sub(r"\D", "", figure))
    return frozenset(figures)


def figures_disagree(left: frozenset[str], right: frozenset[str]) -> bool:
    """Both headlines state figures and none of one's begins one of the other's."""
    if not left or not right:
        return False
    return not any(x.startswith(y) or y.startswith(x) for x in left for y in right)


def headline_words(title: str | None) -> frozenset[str]:
    """The words of a headline, lower-cased: what two copies of one service item share."""
    return frozenset(word.lower() for word in _WORD.findall(title or ""))


def same_headline(left: frozenset[str], right: frozenset[str]) -> bool:
    """Headlines of one item: at least `SAME_HEADLINE` of their words in common (Jaccard). A
    templated series repeats its text with another sign, page or region, so for service items
    near-duplicate text is not enough to be a copy."""
    union = len(left | right)
    return union > 0 and len(left & right) / union >= SAME_HEADLINE


def is_service_item(title: str | None) -> bool:
    """The headline carries a cue of a templated series or an explainer (lexicon.toml)."""
    return bool(title) and lexicon().service_headline.search(title) is not None  # type: ignore[arg-type]
