"""People named in one article, with the office and rank the text gives them.

A person is a run of capitalised words (initials and particles such as "bin" allowed) that the
text marks as a person: an office or rank before it ("Kapolresta Kendari Kombes Pol Aris Tri
Yunarko"), an office after it (", Ketua KPU Sultra"), a speech or kin word before it ("kata",
"istri"), a speech verb after it ("mengatakan"), an age in brackets, a place in a list
(dedupe.name_marks); offices are read by dedupe.office_reader. Degrees after the name
(", S.I.K., M.Si.") and honorifics before it ("H.", "Drs.") are kept apart as its titles. Later
bare mentions, a part of the name ("Andap") or the office alone ("Kapolresta"), resolve to the
person named earlier. Every rule reads mentions.toml; nothing here names a real person or body.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dedupe.glued import english_word, indonesian_word
from dedupe.mention_lexicon import MentionLexicon
from dedupe.mention_text import Word, degrees_end, written
from dedupe.name_marks import COORDINATION, NameMarks
from dedupe.office_reader import OfficeReader

MAX_NAME_WORDS = 6  #: longer capitalised runs are titles of things, not personal names
MAX_ROLE_TAIL = 5  #: the words a lower-case role runs on before ", Name"
_PLACE_LIST_REACH = 60  #: how far back a venue word opens a list of places
_JOINED = frozenset({"", " "})


@dataclass
class Person:
    name: str
    office: str | None
    rank: str | None
    #: (start offset, end offset, surface as written) of every mention in the article
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    #: degrees and honorifics written around the name ("Drs", "M.Si"), kept apart from it
    titles: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def first(self) -> int:
        return self.mentions[0][0]


@dataclass(frozen=True)
class _Match:
    start: int  #: first token of the whole phrase (office included)
    name_start: int
    end: int  #: one past the name's last token
    resume: int  #: where to look for the next person (past an office written after the name)
    office: str | None
    rank: str | None
    name: str | None
    titles: tuple[str, ...] = ()


class PeopleFinder(OfficeReader, NameMarks):
    """Finds the people of one article's tokens (see the module docstring)."""

    def __init__(self, words: list[Word], lex: MentionLexicon, local_regions: set[str]) -> None:
        self.words = words
        self.lowers = [w.lower for w in words]
        self.lex = lex
        self.local_regions = local_regions
        #: words the article also writes in lower case ("Penyelenggara" opening a sentence),
        #: not right after a capitalised word: "Edy suharmanto" is a name written carelessly
        self.common = {
            w.lower
            for k, w in enumerate(words)
            if w.is_word
            and w.prose
            and not w.capitalised
            and len(w.text) > 3
            and not (k and words[k - 1].capitalised and w.gap == " ")
        }
        self.counts = Counter(w.lower for w in words if w.capitalised)
        #: where each word opens a capitalised run: a body or team is met alone ("Mercedes")
        self.openers: dict[str, set[int]] = {}
        for k, w in enumerate(words):
            if w.capitalised and (k == 0 or not words[k - 1].capitalised or w.gap not in _JOINED):
                self.openers.setdefault(w.lower, set()).add(k)
        #: words a speech cue marks as a person somewhere ("kata Hilman", "Hilman mengatakan")
        self.cued = {
            words[k + 1].lower for k, w in enumerate(words[:-1]) if w.lower in lex.cues_before
        } | {words[k - 1].lower for k, w in enumerate(words) if k and w.lower in lex.cues_after}

    def _name_word(self, j: int, inner: bool = False) -> bool:
        """Whether token j can be part of a personal name; `inner` words (after the first)
        may be words that also qualify offices ("Sri Agung Handayani", "Putra Jaya")."""
        word, lex = self.words[j], self.lex
        return (
            word.is_word
            and word.capitalised
            and not word.headline
            and word.lower not in lex.not_names
            and (inner or word.lower not in lex.qualifiers)
            and word.lower not in lex.body_suffixes
            and word.lower not in self.common
            and word.lower not in lex.regions
            and word.lower not in lex.region_alias
            and word.lower not in self.local_regions
            and word.text not in lex.acronyms
            and word.text not in lex.body_names
            and word.lower not in lex.ranks
            and word.lower not in lex.cues_before
            and not lex.is_field_or_unit(word.lower)
            and not (word.lower in lex.degrees and not word.text[1:].islower())  # "MPd", "SpJP"
            and not lex.body_heads.match(self.lowers, j)
            and not (len(word.text) > 1 and word.text.isupper())
        )

    # -- pieces of a phrase ------------------------------------------------------------------
    def _joined(self, i: int) -> bool:
        return i < len(self.words) and self.words[i].gap in _JOINED

    def _honorifics(self, i: int) -> int:
        lex, words, j = self.lex, self.words, i
        while j < len(words) and words[j].lower in lex.honorifics and words[j].is_word:
            j += 1
            if j < len(words) and words[j].text == ".":
                j += 1
        return j

    def _starts_name(self, i: int) -> bool:
        return i < len(self.words) and self._joined(i) and self._name_word(i)

    def _name(self, i: int) -> int:
        """The end of the personal name starting at token i (i when there is none)."""
        lex, words, j, count = self.lex, self.words, i, 0
        while j < len(words) and (j == i or self._joined(j)):
            word = words[j]
            if count == 0 and self.sentence_word(j):
                break  # "Pasalnya Orideko ...", "Awak Freedom ...": the sentence's own word
            if self._name_word(j, inner=count > 0) and not self._office_opens(j, count):
                count += 1
                j += 1
                # an initial or a short form with its dot: "M. Ridwan", "Muh. Yusuf"
                short = len(word.text) == 1 or word.lower in lex.abbreviations
                if j + 1 < len(words) and words[j].text == "." and short:
                    if self._name_word(j + 1) and words[j + 1].gap == " ":
                        j += 1
                continue
            if count and word.lower in lex.particles and j + 1 < len(words):
                if self._name_word(j + 1) and self._joined(j + 1):
                    j += 1
                    continue
            break
        single_letter = count == 1 and len(words[i].text) == 1
        if count and self.lowers[j - 1] in lex.not_last:
            return i  # "Wewewa Selatan": a region
        return j if 0 < count <= MAX_NAME_WORDS and not single_letter else i

    def _only_words(self, start: int, end: int) -> bool:
        """Every word an Indonesian root word and none a given name ("Manajemen Risiko")."""
        return all(
            indonesian_word(w, derived=False) and w not in self.lex.given
            for w in self.lowers[start:end]
        )

    def _byline(self, start: int, end: int) -> bool:
        """A name alone in brackets at the end of its line: the writer's credit."""
        words = self.words
        closes = end < len(words) and words[end].text == ")"
        last = end + 1 >= len(words) or "\n" in words[end + 1].gap
        return start > 0 and words[start - 1].text == "(" and closes and last

    def _word_alone(self, j: int) -> bool:
        """One Indonesian word marked only by a speech cue is a role or a noun ("Akademisi"),
        unless it is a common given name ("kata Budi")."""
        cue_only = j > 0 and self.lowers[j - 1] in self.lex.cues_before
        word = self.lowers[j]
        return cue_only and indonesian_word(word) and word not in self.lex.given

    def _in_place_list(self, j: int) -> bool:
        """Whether token j is an item of a list that a venue word opens ("Jalan Frans Seda,
        Bundaran Tirosa, El Tari, Ahmad Yani"): only capitalised words and commas between."""
        words, k = self.words, j - 1
        while k >= 0 and j - k < _PLACE_LIST_REACH:
            word = words[k]
            if self.lex.venue_words.match(self.lowers, k):
                return True
            if word.is_word and not word.capitalised and word.lower not in COORDINATION:
                return False
            if not word.is_word and word.text != ",":
                return False
            k -= 1
        return False

    def _office_opens(self, j: int, count: int) -> bool:
        """Whether an office starts at token j inside a name: not a surname that is also an
        office word ("Lucky Hakim"), which no capitalised word follows."""
        if not self.lex.office_heads.match(self.lowers, j):
            return False
        return not count or self._starts_name(j + 1) or self._is_qualifier(j + 1)

    # -- a whole phrase ----------------------------------------------------------------------
    def match_at(self, i: int) -> _Match | None:
        words = self.words
        office_end, head = self._office(i)
        if head and not words[i].capitalised:
            office_end = self._role_tail(office_end)
        j = office_end
        rank_end = self._rank(j)
        j = self._honorifics(rank_end)
        if j == office_end and head and j + 1 < len(words) and words[j].text == ",":
            # "Pjs Bupati Konut, Drs. La Ode", "Gubernur Gorontalo, Gusnar Ismail": the name
            # after a comma, when the office opens with a capital (a lower-case role there is
            # the office of the name before it: "Sarah Anthony, pendiri Organize & Design")
            rank_start = j + 1
            k = self._honorifics(self._rank(rank_start))
            opens = words[i].capitalised or (i > 0 and words[i - 1].is_word)
            if self._name(k) > k and (k > rank_start or opens):
                rank_end, j = self._rank(rank_start), k
        else:
            rank_start = office_end
        name_end = self._name(j)
        office = self._text(i, office_end) if head else None
        rank = self._text(rank_start, rank_end) if rank_end > rank_start else None
        if name_end == j:
            return _Match(i, j, j, j, office, rank, None) if head and not rank else None
        marked = bool(head or rank or j > max(rank_end, office_end))
        after = degrees_end(self.words, name_end, self.lex.degrees)
        resume = name_end
        if office is None:
            # ", pendiri Organize & Design," after a name without an office: the office, not
            # a list of people (after "Bupati X" a ", Ketua DPRD Y" names the next person)
            office, resume = self._apposition(after) or (None, name_end)
            marked = (
                marked
                or bool(office)
                or self._cued(i, after)
                or self._given(j, name_end)
                or self._no_words(j, name_end)
                or self._numbered(j, name_end)
            )
        titles = (*self._titles(rank_end, j), *self._titles(name_end, after))
        if not marked or (not rank and self._names_a_thing(j, name_end)):
            return None
        if not head and not rank and self._opens_sentence_alone(j, name_end):
            return None
        if self._byline(j, name_end):
            return None  # "(Hendra Mujiraharja)" closing the article: the writer
        if not head and not rank and name_end - j == 1 and self._word_alone(j):
            return None  # "ujar Akademisi sekaligus ...": a role, not a name
        # "Menteri ESDM, Arifin Tasrif, menjelaskan": after an office and its comma, a name of
        # root words closed by a comma or a cue is a name, not a field
        named_apart = j > office_end and (self._cued(j, after) or self._is_comma(after))
        if not rank and name_end - j > 1 and self._only_words(j, name_end) and not named_apart:
            if head or not self._cued(i, after):
                return None  # "Direktur Manajemen Risiko": a field, not "Budi Gunawan"
        if head and not rank and name_end - j == 1:
            if self.counts[self.lowers[j]] < 2 and indonesian_word(self.lowers[j]):
                return None  # "Bupati Kepulauan Seribu", not "Presiden Jokowi"
            if not words[i].capitalised and self.lowers[j] not in self.cued:
                return None  # "pendiri Walmart": a lower-case role's one word is a body
        if not head and not rank and self._in_place_list(j):
            return None  # "Jalan Frans Seda, El Tari, Ahmad Yani": streets
        name_words = self.lowers[j:name_end]
        if not rank and all(english_word(w, self.lex.english_zipf) for w in name_words):
            if not any(w in self.lex.given for w in name_words):
                return None  # "Road Runner": English words
        if head and i > 0 and words[i - 1].lower == "para":
            return None  # "para aktivis Ekolo Okolo": a group, not one person
        return _Match(i, j, name_end, resume, office, rank, self._text(j, name_end), titles)

    def _is_comma(self, j: int) -> bool:
        return j < len(self.words) and self.words[j].text == ","

    def _role_tail(self, j: int) -> int:
        """ "pemilik toko, Khamploi Kakaew", "wasit kontroversial asal Korea Selatan, Kim ...": a
        lower-case role runs on through a few words up to the comma before the name."""
        words, k = self.words, j
        while k < len(words) and k - j < MAX_ROLE_TAIL and words[k].is_word and self._joined(k):
            k += 1
        comma = k < len(words) and words[k].text == "," and k > j
        if comma and self._name(k + 1) - (k + 1) >= 2:
            return k
        return j

    def _titles(self, start: int, end: int) -> list[str]:
        """ "H. Drs", ", S.I.K., M.Si." → ["H.", "Drs", "S.I.K.", "M.Si."]"""
        return self._text(start, end).replace(",", " ").split() if end > start else []

    def coordinated(self, start: int, end: int) -> list[tuple[int, int]]:
        """Full names (two words or more) joined to a person's by "," "dan" "serta" "hingga"."""
        words, found = self.words, []
        j = end
        while j < len(words) and words[j].lower in COORDINATION:
            j += 1
        if j > end and self._name(j) - j >= 2 and not self._office(j)[1]:
            found.append((j, self._name(j)))
        k = start - 1
        while k >= 0 and words[k].lower in COORDINATION:
            k -= 1
        if k < start - 1:
            left = k
            while left > 0 and self._name(left - 1) == k + 1:
                left -= 1
            if self._name(left) == k + 1 and k + 1 - left >= 2:
                found.append((left, k + 1))
        return found

    def _text(self, start: int, end: int) -> str:
        return written(self.words, start, end).strip(" ,?!:;")
