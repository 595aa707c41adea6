"""Offices as Indonesian news writes them around a name: before it ("Kapolresta Kendari Kombes
Pol", "Jaksa Agung Muda Pidana Khusus", "CEO Pandawa Agri Indonesia") or after it (", Ketua KPU
Sultra,", "selaku Kapolres"). An office runs from a listed head through qualifiers (fields,
bodies, regions, Indonesian root words while a name still follows) up to the rank and the name.
`PeopleFinder` (dedupe.people) holds these as its mixin; every word list is mentions.toml's.
"""

from __future__ import annotations

import re

from dedupe.glued import english_word, indonesian_word, verb
from dedupe.mention_lexicon import MentionLexicon
from dedupe.mention_text import Word
from dedupe.name_lists import given_names

MAX_APPOSITION_WORDS = 12  #: an office after a name is a short clause
MAX_UNKNOWN_OFFICE_WORDS = 2  #: unknown words an office runs on through ("Bimas", "Gakkum")
MAX_DESCRIPTION_WORDS = 8  #: a lower-case role after a name ("seorang saksi mata") is shorter
_AGENT, _AGENT_ROOT = "pe", 4  #: "pe-" + a root of four letters or more: an agent noun
_APPOSITION = ("selaku", "sebagai", "yang juga", "yang merupakan", "yang menjabat")


class OfficeReader:
    """Reading offices and ranks on one article's tokens; `PeopleFinder` provides the rest."""

    words: list[Word]
    lowers: list[str]
    lex: MentionLexicon
    local_regions: set[str]
    openers: dict[str, set[int]]
    cued: set[str]

    def _office(self, i: int) -> tuple[int, str | None]:
        """(end, head) of an office starting at token i; end == i when there is none."""
        lex, words, j, head = self.lex, self.words, i, None
        while j < len(words) and (j == i or self._joined(j)):
            bracket = j > i and words[j].text == "(" and j + 2 < len(words)
            if bracket and words[j + 2].text == ")":
                j += 3  # "Penjabat (Pj) Wali Kota": the short form in brackets
                continue
            heads = lex.office_heads.match(self.lowers, j) or self._agent(j)
            length = heads or lex.office_prefixes.match(self.lowers, j)
            if not length:
                break
            phrase = " ".join(self.lowers[j : j + length])
            head = phrase if heads else head
            j += length
        if head is None:
            return i, None
        role = not words[i].capitalised or words[i].all_caps or self._english(i)
        end = self._qualifiers(j, role=role)
        for _ in range(MAX_UNKNOWN_OFFICE_WORDS):
            end, before = self._goes_on(end), end
            if end == before:
                break
        return end, head

    def _goes_on(self, e: int) -> int:
        """Past one unknown word of an office after which the office goes on ("Dirjen Bimas
        Islam Kementerian Agama", "Wakil Direktur Reserse Siber Polda Metro Jaya", "Kanit
        Gakkum Satlantas"): a word that would be a one-word name, followed by a qualifier."""
        if not self._starts_name(e) or self._name(e) - e != 1:
            return e
        after = e + 1
        if (
            after < len(self.words)
            and self._joined(after)
            and self.words[after].capitalised  # not "Ketua KPU Sultra Asril dan Kapolda ..."
            and not self.lex.office_heads.match(self.lowers, after)
            and self._is_qualifier(after)
        ):
            return self._qualifiers(after)
        return e

    def _agent(self, j: int) -> int:
        """1 for a role made of "pe-" and an Indonesian root word before a name ("pesinetron",
        "pedangdut", "pedagang"), which the office list cannot hold one by one; else 0."""
        word = self.lowers[j]
        root = word[len(_AGENT) :]
        return int(
            word.startswith(_AGENT)
            and len(root) >= _AGENT_ROOT
            and indonesian_word(root, derived=False)
            and self._starts_name(j + 1)
        )

    def _english(self, i: int) -> bool:
        """An office opening with an English word ("Vice President Indodax Antony Kusuma"):
        read like a lower-case role, with the company written before the name."""
        word = self.lowers[i]
        return english_word(word, self.lex.english_zipf) and not indonesian_word(word)

    def _is_qualifier(self, j: int) -> bool:
        lex, word = self.lex, self.words[j]
        return (
            word.is_word
            and word.lower not in lex.ranks
            and (
                word.lower in lex.qualifiers
                or lex.is_field_or_unit(word.lower)
                or word.lower in self.local_regions
                or word.lower in lex.region_alias
                or word.lower in lex.regions
                or word.text in lex.acronyms
                or word.text in lex.body_names
                or (word.all_caps and len(word.text) <= 6)
                or lex.office_heads.match(self.lowers, j) > 0
                or self._office_word(j)
                or self._body_word(j)
            )
        )

    def _body_word(self, j: int) -> bool:
        """A word of a body or field named in an office: before its acronym ("Ketua DPP Ormas
        MKGR"), before a word that ends bodies' names ("CEO Pandawa Agri Indonesia") or before
        "&" ("Komunikasi Korporat & TJSL")."""
        words, lex = self.words, self.lex
        if not words[j].capitalised:
            return False
        for k in range(j + 1, min(j + 3, len(words))):
            if words[k].text == "&" and self._joined(k):
                return True
            if not (self._joined(k) and words[k].capitalised):
                return False
            acronym = words[k].all_caps and len(words[k].text) <= 6
            if acronym or words[k].lower in lex.body_suffixes:
                # "Direktur Utama BTN Nixon LP Napitupulu": initials inside a name, not a body
                after = k + 1
                return not self._starts_name(after) or self.lowers[after] in lex.honorifics
        return False

    def _office_word(self, j: int) -> bool:
        """A capitalised Indonesian word inside an office before the name ("Jaksa Agung Muda
        Pidana Khusus", "Kepala Balai Taman Nasional"): the office runs on through it while a
        qualifier or a name of two words follows ("Bupati Banyuwangi Ipuk Fiestiandani" keeps
        "Ipuk"), unless it is a common given name ("Budi")."""
        lex, word = self.lex, self.words[j]
        return (
            word.capitalised
            and not word.all_caps
            and word.lower not in lex.given
            and word.lower not in lex.common_given
            and indonesian_word(word.lower, derived=False)
            and self._joined(j + 1)
            and self.words[j + 1].capitalised
            and (self._is_qualifier(j + 1) or self._name(j + 1) - j > 2)
        )

    def _qualifiers(self, j: int, role: bool = False) -> int:
        """The end of an office's qualifiers: bodies, regions, fields ("Kapolresta Kendari")."""
        lex, words = self.lex, self.words
        own_name_next = False
        while j < len(words) and self._joined(j) and not words[j].headline:
            word = words[j]
            if word.text == "-" or re.fullmatch(r"ke-\d+", word.lower):
                j += 1
                continue
            if word.text == "(" and j + 2 < len(words) and words[j + 2].text == ")":
                j += 3  # "Direktur Pemasaran PT Astra Daihatsu Motor (ADM)": the body's acronym
                continue
            if word.lower in ("dan", "&"):
                if j + 1 < len(words) and words[j + 1].capitalised and self._is_qualifier(j + 1):
                    j += 1
                    continue
                break
            if not word.is_word or not (word.capitalised or word.lower in lex.qualifiers):
                break
            if region := self._region(j):
                j += region
                own_name_next = False
                if self._name(j) - j >= 2:
                    break  # "Bupati Banyuwangi Sekar Arum": the name follows its region
                continue
            if self._is_qualifier(j) or own_name_next:
                own_name_next = word.lower in lex.own_name_heads or word.lower in lex.region_words
                j += 1
                continue
            if self._body_before_comma(j):
                j += 1
                continue
            if role and self._body_before_name(j):  # "pemain Arsenal X", not "Presiden X Y"
                j += 1
                continue
            break
        return j

    def _region(self, j: int) -> int:
        """How many words of a province, regency or city (areaid) start at token j: the whole of
        "Raja Ampat" after "Bupati"; a one-word region that is also a given name ("Karo",
        "Batu") only when a name follows it."""
        length = self.lex.gazetteer.match(self.lowers, j)
        if not length or not all(
            self.words[k].capitalised and self._joined(k) for k in range(j, j + length)
        ):
            return 0
        given = self.lowers[j] in self.lex.given or self.lowers[j] in given_names()
        if length == 1 and given and not self._starts_name(j + 1):
            return 0
        return length

    def _body_before_comma(self, j: int) -> bool:
        """ "Kepala Badan Pengelola Investasi (BPI) Danantara, Rosan Roeslani": one word ending
        an office before a comma and a name of two words or more is the body's name."""
        words = self.words
        if j + 2 >= len(words) or words[j + 1].text != "," or not words[j].capitalised:
            return False
        name = j + 2
        return self.lowers[j] not in self.cued and self._name(name) - name >= 2

    def _body_before_name(self, j: int) -> bool:
        """Whether word j names a body before the person: "pembalap Mercedes George Russell".

        A body or team is written alone elsewhere in the article and never as a speaker; a first
        name ("Presiden Donald Trump") is not written alone, and a name used alone ("kata
        Hilman") is a speaker's. A capitalised word must follow for the name.
        """
        word, following = self.words[j], self.words[j + 1].lower if j + 1 < len(self.words) else ""
        # met alone elsewhere, not opening the same name again ("Ria" of "Ria Ricis")
        elsewhere = {
            k
            for k in self.openers.get(word.lower, set()) - {j}
            if k + 1 >= len(self.words) or self.words[k + 1].lower != following
        }
        return (
            bool(elsewhere)
            and word.lower not in self.cued
            and word.lower not in self.lex.given  # "pelaku Budi Hartono alias Budi Cobra"
            and (  # "CEO Walmart, Doug McMillon": the name after a comma
                self._starts_name(j + 1)
                or (self.words[j + 1].text == "," and self._starts_name(j + 2))
            )
        )

    def _rank(self, i: int) -> int:
        lex, words, j = self.lex, self.words, i
        if j < len(words) and words[j].lower in lex.ranks and words[j].capitalised:
            j += 1
            while j < len(words) and self._joined(j) and words[j].lower in lex.ranks | lex.corps:
                j += 1
            # "(Purn)": a bracketed corps mark
            if j + 2 < len(words) and words[j].text == "(" and words[j + 1].lower in lex.corps:
                j += 3 if words[j + 2].text == ")" else 2
        return j

    def _apposition(self, j: int) -> tuple[str, int] | None:
        """An office written after the name (", Ketua KPU Sultra," or "selaku Kapolres") and
        the end of the clause it fills; None when a rank or an honorific says a name follows."""
        words, lex = self.words, self.lex
        if j + 3 < len(words) and words[j].text == "(" and words[j + 1].text.isdigit():
            j += 3 if words[j + 2].text == ")" else 0  # "Beni (50), seorang saksi mata"
        if j < len(words) and words[j].text == ",":
            start = j + 1
        else:
            tail = " ".join(self.lowers[j : j + 3])
            cue = next((c for c in _APPOSITION if tail.startswith(c)), None)
            if cue is None:
                return None
            start = j + len(cue.split())
        head_end, head = self._office(start)
        if head is None:  # a description only after a comma, not after "sebagai"
            return self._description(start) if words[start - 1].text == "," else None
        end = head_end
        while end < len(words) and end - start < MAX_APPOSITION_WORDS:
            word = words[end]
            if word.text in ',.;:()"' or "\n" in word.gap:
                break
            if word.lower in lex.ranks or word.lower in lex.honorifics:
                return None
            if word.is_word and not word.capitalised and word.lower not in lex.qualifiers:
                break
            if words[start].capitalised and word.lower in self.cued and self._name_word(end):
                return None  # ", Menteri ESDM Bahlil Lahadalia,": the next person of a list
            end += 1
        if end - start >= MAX_APPOSITION_WORDS:
            return None
        while end > head_end and not words[end - 1].capitalised:
            end -= 1  # "Guru Besar Unissula Semarang dalam keterangan": not "dalam"
        return self._text(start, end), end

    def _description(self, start: int) -> tuple[str, int] | None:
        """ ", seorang pemulung dan penjual makanan,", ", pengumpul sampah lainnya,": a lower-case
        clause after the name that opens with a word describing a person (`apposition` cues)
        or an agent noun ("pengumpul") up to its punctuation is the person's role."""
        words, lex = self.words, self.lex
        if start >= len(words) or not words[start].is_word or words[start].capitalised:
            return None
        first = self.lowers[start]
        # "pengumpul", "penjual": an agent noun; not "penerbangan", a thing ("-an")
        agent = (
            first.startswith(lex.agent_prefixes)
            and not first.endswith("an")
            and indonesian_word(first)
        )
        if first not in lex.cues_apposition and not agent:
            return None
        end = start
        while (
            end < len(words) and words[end].text not in ',.;:()"!?' and "\n" not in words[end].gap
        ):
            if end > start and (verb(self.lowers[end]) or self.lowers[end] in lex.clause_words):
                break  # "pengumpul sampah lainnya merasa ...", "... yang": the clause ends the role
            end += 1
        if end - start > MAX_DESCRIPTION_WORDS or end >= len(words) or words[end].text in "(":
            return None
        return self._text(start, end), end
