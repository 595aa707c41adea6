"""Words of an article with their offsets, prepared for finding who is named in it.

Scraped texts glue words where links were ("denganBhayangkara", "JakartaAnnisa",
"Subiantoakan"); a lower-case letter followed by a capitalised word, and a known word glued to a
name's end, are split here, and every word keeps its offset in the text
as given, so a mention's position points into the stored article.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from dedupe.glued import glued_splits, stop_words

_GLUED = re.compile(
    r"(?<=[a-z])(?=[A-Z][a-z])|(?<=[A-Z]{2})(?=[a-z]{3})|(?<=[a-z]{4})(?=[A-Z]{2,}\b)"
)  # "denganBhayangkara", "HATTRICKAndri", "MeteorologiIPB"
#: a dateline glued to the first word by its dash: "JAKARTA-Al Ghazali", "KIEV–Kiev"
_DATELINE = re.compile(r"(?<=\b[A-Z]{3})[A-Z]*[-–](?=[A-Z][a-z])")
#: the piece before a glued capital: lower-case ("keStanford") or a long word ("JakartaAnnisa");
#: a short capitalised piece is a brand written in camel case ("GoPay", "TikTok"), kept whole
_GLUED_LEFT = re.compile(r"(?:\b[a-z]+|(?:\b|(?<=[a-z]))[A-Z][a-z]{4,}|[A-Z]{2,})$")
_TOKEN = re.compile(r"[^\W\d_][\w'’\-]*|\d+|\S", re.UNICODE)
#: one character for one, so offsets stay those of the text as given
_QUOTES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "\xa0": " ",
        "\u2009": " ",
        "\u200b": " ",
    }
)
#: a line in Title Case (a headline, a caption): capitals say nothing about names there
_HEADLINE_MIN_WORDS = 4
_HEADLINE_SHARE = 0.8
#: a line opening with a list number: "1. ", "12.Koki"
_LIST_ITEM = re.compile(r"\s*\d{1,3}\.\s*[^\W\d_]")
#: fewer words than this make a line a tag, a caption or a heading, not running text
_PROSE_MIN_WORDS = 6


@dataclass(frozen=True)
class Word:
    text: str
    lower: str
    start: int  #: offset in the text as given
    end: int
    gap: str  #: the characters between the previous token and this one
    headline: bool  #: on a Title Case line
    prose: bool  #: on a line of running text (not a short tag line such as "raffi ahmad")

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def all_caps(self) -> bool:
        return len(self.text) > 1 and self.text.isupper()


def _split_glued(text: str) -> tuple[str, list[int]]:
    """The text with glued words split, and the offsets (in the new text) of the added spaces:
    a capital glued to a lower-case word ("denganBhayangkara") and a known word glued to the end
    of a name ("Subiantoakan", dedupe.glued)."""
    cuts = {
        match.start()
        for match in _GLUED.finditer(text)
        if _GLUED_LEFT.search(text, max(0, match.start() - 40), match.start())
    }
    cuts.update(match.end() for match in _DATELINE.finditer(text))
    cuts.update(glued_splits(text))
    added: list[int] = []
    pieces: list[str] = []
    last = 0
    for cut in sorted(cuts):
        pieces.append(text[last:cut])
        added.append(cut + len(added))
        last = cut
    pieces.append(text[last:])
    return " ".join(pieces), added


def _prose_lines(text: str) -> list[tuple[int, int]]:
    return [
        line.span()
        for line in re.finditer(r"[^\n]+", text)
        if len(re.findall(r"[^\W\d_]+", line.group())) >= _PROSE_MIN_WORDS
    ]


def _line_test(spans: list[tuple[int, int]]):
    starts = [a for a, _ in spans]

    def inside(offset: int) -> bool:
        line = bisect_right(starts, offset) - 1
        return line >= 0 and offset < spans[line][1]

    return inside


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Title Case lines: a headline repeated in the body, a caption. Officialese sentences are
    Title Case too ("Asisten I Bidang Pemerintahan Sekretariat Daerah Kota Kendari, ...") but
    end with a full stop, which headlines do not."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        words = [w for w in re.findall(r"[^\W\d_]+", line.group()) if len(w) > 3]
        capitals = sum(w[0].isupper() for w in words)
        sentence = line.group().rstrip().endswith(".")
        if _LIST_ITEM.match(line.group()):
            continue  # "4. Hiroki Sekine (Stade de Reims)": an item of a numbered list
        if len(words) >= _HEADLINE_MIN_WORDS and capitals >= _HEADLINE_SHARE * len(words):
            if not sentence:
                spans.append(line.span())
    return spans


def words_of(text: str) -> tuple[str, list[Word]]:
    """The prepared text and its tokens (words, numbers and single punctuation marks)."""
    prepared, added = _split_glued(text.translate(_QUOTES))
    on_headline = _line_test(_headline_lines(prepared))
    on_prose = _line_test(_prose_lines(prepared))

    def original(offset: int) -> int:
        return offset - bisect_right(added, offset - 1)

    tokens: list[Word] = []
    previous_end = 0
    for match in _TOKEN.finditer(prepared):
        start, end = match.span()
        tokens.append(
            Word(
                text=match.group(),
                lower=match.group().lower().replace("’", "'"),
                start=original(start),
                end=original(end),
                gap=prepared[previous_end:start],
                headline=on_headline(start),
                prose=on_prose(start),
            )
        )
        previous_end = end
    return prepared, _read_also_marked(_link_lines_joined(tokens))


#: a line this short between two parts of one sentence is a link the page put on its own line
_LINK_LINE_WORDS = 5


def _link_lines_joined(tokens: list[Word]) -> list[Word]:
    """ "pesinetron\nDylan Carr\n. Mobil ...", "Jakarta\n-\nKakorlantas Polri Irjen Agus
    Suryonugroho\nberbicara ...", "kiper cadangan\nChelsea\nMarcus Bettinelli\n. Ia": short
    capitalised lines inside a sentence (links a page set on lines of their own) after a
    lower-case word or a dateline's dash and before a lower-case word or a stop join the words
    around them, and are no headline, so "pesinetron Dylan Carr" reads as one."""
    starts = [k for k, word in enumerate(tokens) if k and "\n" in word.gap]
    ends = [*starts[1:], len(tokens)] if starts else []
    short = [
        end - start <= _LINK_LINE_WORDS and tokens[start].capitalised
        for start, end in zip(starts, ends, strict=True)
    ]
    line = 0
    while line < len(starts):
        last = line
        while last + 1 < len(starts) and short[last + 1]:
            last += 1  # a run of short lines: "Chelsea", "Marcus Bettinelli"
        if not short[line]:
            line += 1
            continue
        start, end = starts[line], ends[last]
        before, after = tokens[start - 1], tokens[end] if end < len(tokens) else None
        opens = before.text == "-" or (before.is_word and not before.capitalised)
        closes = after is not None and (
            after.text in ".,;" or (after.is_word and not after.capitalised)
        )
        if opens and closes:
            for k in range(start, end):
                gap = " " if k in starts else tokens[k].gap
                tokens[k] = replace(tokens[k], gap=gap, headline=False)
            tokens[end] = replace(tokens[end], gap="" if after.text in ".,;" else " ")
        line = last + 1
    return tokens


#: the longest lower-case word a headline keeps inside it ("di", "dan", "yang", "untuk")
_HEADLINE_STOP_WORD = 5


def _read_also_marked(tokens: list[Word]) -> list[Word]:
    """ "Baca juga: 4 Izin Tambang di Raja Ampat Dicabut, Menteri LH Siapkan Audit Sebagaimana
    disampaikan ...": another article's headline, glued into the text or on the next line, is
    marked as a headline up to the first lower-case word that is no short stop word (less the
    capitalised word opening the sentence there), so none of its words becomes a person."""
    stop = stop_words()
    for k in range(len(tokens) - 1):
        if tokens[k].lower != "baca" or tokens[k + 1].lower != "juga":
            continue
        m = k + 2 + (k + 2 < len(tokens) and tokens[k + 2].text == ":")
        first, run = m, []
        while m < len(tokens) and (m == first or "\n" not in tokens[m].gap):
            word = tokens[m]
            short_stop = word.lower in stop and len(word.text) <= _HEADLINE_STOP_WORD
            if word.is_word and not word.capitalised and not short_stop:
                if run and tokens[run[-1]].capitalised and m - 1 == run[-1]:
                    run.pop()  # "Sebagaimana disampaikan": the sentence after the headline
                break
            run.append(m)
            m += 1
        for at in run:
            tokens[at] = replace(tokens[at], headline=True)
    return tokens


def written(words: list[Word], start: int, end: int) -> str:
    """Tokens start..end as the text writes them: one space where the text has any gap."""
    text = ""
    for word in words[start:end]:
        text += (" " if text and word.gap else "") + word.text
    return text


def degrees_end(words: list[Word], j: int, degrees: frozenset[str]) -> int:
    """Past the degrees written after a name at token j: ", S.I.K., M.Si." or " SH MH"
    (compared without dots with `degrees`); j itself when none follows."""
    while True:
        k = j + 1 if j < len(words) and words[j].text == "," else j
        m, letters, best = k, "", k
        while m < len(words) and (
            words[m].text == "." or (words[m].is_word and len(words[m].text) <= 5)
        ):
            if m > k and not (
                words[m].gap == "" or (words[m].gap == " " and words[m - 1].text == ".")
            ):
                break
            letters += words[m].text if words[m].is_word else ""
            m += 1
            if letters.lower() in degrees:
                best = m + (1 if m < len(words) and words[m].text == "." else 0)
        if best == k:
            return j
        j = best
