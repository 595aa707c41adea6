"""What marks a capitalised run as a person's name when no office or rank stands before it.

A speech or kin word before it ("kata", "istri"), a speech verb after it ("mengatakan"), an age
or a goal's minute in brackets, a common given name opening it, or a place in a list or before a
verb where no word of it is an Indonesian or common English word. And what says a run names a
thing instead: a body defining its acronym, a demonstrative after it, a word the article writes
alone as a body or team.
`PeopleFinder` (dedupe.people) holds these as its mixin; every word list is mentions.toml's.
"""

from __future__ import annotations

from dedupe.glued import english_word, indonesian_word, verb
from dedupe.mention_lexicon import MentionLexicon
from dedupe.mention_text import Word
from dedupe.name_lists import given_names

#: words that join the items of a list of names ("A, B, dan C")
COORDINATION = frozenset({",", "dan", "serta", "hingga", "atau"})
#: a list of people: "atau" offers a choice of places as often ("Maidan ... atau Taman ...")
_LIST = COORDINATION - {"atau"}
_LIST_ITEMS = 3  #: a numbered list of names has this many items at least
_LIST_SHARE = 0.5  #: and this share of them foreign names


def _sentence_opener(word: str) -> bool:
    """A root word ("Awak", "Bagi"), a prefixed verb ("Melihat") or a word with "-nya"
    ("Pasalnya"); not any word the stemmer can read as derived ("Rosan" as "ros" + "-an")."""
    return (
        indonesian_word(word, derived=False)
        or verb(word)
        or (word.endswith("nya") and indonesian_word(word))
    )


class NameMarks:
    """Tests on the tokens of one article; `PeopleFinder` provides the attributes."""

    words: list[Word]
    lowers: list[str]
    lex: MentionLexicon
    openers: dict[str, set[int]]
    cued: set[str]
    _items: list[tuple[int, int]] | None = None  #: the names on numbered lines, once found

    def _given(self, start: int, end: int) -> bool:
        """ "Raffi Ahmad membeli": two to four name words opening with a common given name,
        not a street's, a building's or a body's ("Jalan Ahmad Yani", "RSUD Abdul Azis")."""
        if not 2 <= end - start <= 4 or self.lowers[start] not in self.lex.given:
            return False
        if any(w in self.lex.qualifiers for w in self.lowers[start + 1 : end]):
            return False  # "Hari Raya"
        if start == 0:
            return True
        lex, before = self.lex, start - 1
        return not (
            lex.venue_words.match(self.lowers, before)
            or lex.body_heads.match(self.lowers, before)
            or self.words[before].all_caps
        )

    def _no_words(self, start: int, end: int) -> bool:
        """ "Trent Alexander-Arnold dan Dean Huijsen", "Nadya Arina diharuskan", "Luca Toni
        yang": two or three capitalised words in running text, of a list, before a verb or
        opening with a given name of any country (gender-guesser's), none of them an
        Indonesian word, a common English one ("Play Store") or a listed one: a foreign or
        regional personal name, not a body, a place or a phrase."""
        lex, words, lowers = self.lex, self.words, self.lowers
        if not 2 <= end - start <= 3 or not words[start].prose:
            return False
        before = words[start - 1] if start else None
        opens = before is None or before.text in '.!?"' or "\n" in words[start].gap
        given = lowers[start] in given_names()
        lower_before = before is not None and (
            (before.is_word and not before.capitalised) or self.sentence_word(start - 1)
        )
        if not (opens and given) and not (
            lower_before or (before is not None and before.text == ",")
        ):
            return False
        listed = before is not None and self._listed(start, end)
        acts = end < len(words) and verb(lowers[end])  # "Trent Alexander-Arnold didatangkan"
        if not listed and not (acts and lower_before) and not given:
            return False
        if before is not None and (before.lower in lex.located or before.lower in lex.region_words):
            return False
        return self._foreign(start, end)

    def sentence_word(self, k: int) -> bool:
        """ "Melihat Luca Toni", "Bagi Janu Setiawan": an Indonesian word opening a sentence is
        a lower-case word written with a capital, not the first word of the name after it (unless
        it is a common Indonesian given name: "Budi", "Dewi")."""
        words = self.words
        numbered = k >= 2 and words[k - 1].text == "." and words[k - 2].text.isdigit()  # "5.Koki"
        opens = k == 0 or words[k - 1].text in '.!?"' or "\n" in words[k].gap
        word = self.lowers[k]
        name_next = k + 1 < len(words) and words[k + 1].capitalised and words[k + 1].gap == " "
        return (
            opens
            and not numbered
            and name_next
            and words[k].is_word
            and _sentence_opener(word)
            and word not in self.lex.given
        )

    def _numbered(self, start: int, end: int) -> bool:
        """ "3. Kosei Tani (Machida Zelvia)": two or three name words alone on a numbered line
        (a squad, a cast), or before a bracket there; foreign words, or one item of a numbered
        list whose items are mostly foreign names ("Tani" is an Indonesian word too)."""
        items = self._numbered_items()
        if (start, end) not in items:
            return False
        foreign = [item for item in items if self._foreign(*item)]
        return (start, end) in foreign or (
            len(items) >= _LIST_ITEMS and len(foreign) >= _LIST_SHARE * len(items)
        )

    def _numbered_items(self) -> list[tuple[int, int]]:
        """(start, end) of every two- or three-word name alone on a numbered line."""
        if self._items is None:
            words, self._items = self.words, []
            for k in range(2, len(words)):
                number = words[k - 2]
                if words[k - 1].text != "." or not number.text.isdigit():
                    continue
                if not (k == 2 or "\n" in number.gap):
                    continue
                end = self._name(k)
                line_ends = end >= len(words) or "\n" in words[end].gap
                if 2 <= end - k <= 3 and (line_ends or words[end].text == "("):
                    self._items.append((k, end))
        return self._items

    def _foreign(self, start: int, end: int) -> bool:
        """No word an Indonesian word, a common English one or a listed one; no product."""
        lex, lowers = self.lex, self.lowers
        # a given name is common in English text too ("Eric", "Max"): only the rest is asked
        given = lowers[start] in given_names()
        return (
            not any(
                indonesian_word(w.split("-")[0])
                or (english_word(w, lex.english_zipf) and not (k == start and given))
                or w in lex.qualifiers
                or (len(w) < 3 and not (k > start and w in lex.particles))  # "De Rossi"
                or not w.replace("-", "").isalpha()  # "S25Edge", "Harper's"
                for k, w in enumerate(lowers[start:end], start)
            )
            and not any(
                self._brand(word.text)
                for word in self.words[start:end]  # "Apple CarPlay", "HiCar"
            )
        )

    def _brand(self, text: str) -> bool:
        """A word with a capital inside ("CarPlay", "iPhone") names a product, unless the
        capital follows a surname prefix ("McMillon", "DiVincenzo")."""
        inner = [k for k, c in enumerate(text) if k and c.isupper()]
        return bool(inner) and text[: inner[0]].lower() not in self.lex.name_prefixes

    def _listed(self, start: int, end: int) -> bool:
        """Whether tokens start..end are an item of a list of names: "dan"/"serta" beside them,
        or a comma with another capitalised item beyond it (not "Seperti namanya, X")."""
        words = self.words
        before, after = words[start - 1], words[end] if end < len(words) else None
        if before.lower in _LIST - {","} or (after and after.lower in _LIST - {","}):
            return True
        if before.text == "," and start >= 2 and words[start - 2].capitalised:
            return True
        return (
            bool(after and after.text == "," and end + 1 < len(words))
            and words[end + 1].capitalised
        )

    def _opens_sentence_alone(self, start: int, end: int) -> bool:
        """ "Sebab, ..." "Dijelaskan, ...": one capitalised word opening a sentence before a comma
        is a connective, not a name (a name there is followed by its verb or its office)."""
        words = self.words
        opens = start == 0 or words[start - 1].text in '.!?"' or "\n" in words[start].gap
        return opens and end - start == 1 and end < len(words) and words[end].text == ","

    def _names_a_thing(self, start: int, end: int) -> bool:
        """A "name" that is a team or body: one defining its acronym, "Pemain Arsenal itu", or a
        word the article writes alone elsewhere without ever quoting it ("didatangkan Arsenal")."""
        words = self.words
        k = end  # "Ittihadul Muballighin Nanggroe Aceh Darussalam (IMNAD)": past a region
        while k < min(end + 3, len(words)) and words[k].capitalised and words[k].gap == " ":
            k += 1
        for at in {end, k}:
            if at + 2 < len(words) and words[at].text == "(" and words[at + 1].all_caps:
                return True  # "PT Honda Prospect Motor (HPM)": a body defines its acronym
        if end < len(words) and words[end].lower in self.lex.demonstratives:
            # "Pemain Arsenal itu", "pendiri Duo Ratu itu": a thing named again; not "suami
            # Mulan Jameela itu", a kin word's person
            return end - start == 1 or not (
                start and words[start - 1].lower in self.lex.cues_before
            )
        if end - start != 1:
            return False
        word = self.words[start].lower
        return bool(self.openers.get(word, set()) - {start}) and word not in self.cued

    def _cued(self, i: int, after: int) -> bool:
        words, lex = self.words, self.lex
        before = words[i - 1].lower if i > 0 else ""
        if before in lex.cues_before and words[i].gap.strip() == "":
            return True
        if after < len(words) and words[after].lower in lex.cues_after:
            return True
        if (
            after + 1 < len(words)
            and words[after].text == ","
            and words[after + 1].lower in lex.cues_apposition
        ):
            return True  # "Aris, seorang pedagang buah"
        return (  # an age or a goal's minute: "Rian Arafat (22)", "Daichi Kamada (15' dan 45')"
            after + 2 < len(words)
            and words[after].text == "("
            and words[after + 1].text.isdigit()
            and len(words[after + 1].text) <= 3
            and words[after + 2].text in (")", "'", ",")
        )
