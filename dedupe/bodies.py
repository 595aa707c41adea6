"""Organisations and places named in one article.

An organisation is a listed acronym ("KPU"), its listed expansion ("Komisi Pemilihan Umum"), a
body's name opened by a head word ("Dinas Pendidikan", "Universitas Halu Oleo") or an acronym the
article itself defines in brackets. An acronym and its expansion are one organisation; the region
written after either stays part of it, so "KPU Sultra" and "KPU Kendari" are two bodies while
"KPU Sulawesi Tenggara" and "KPU Sultra" are one (regions' short forms are data too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dedupe.mention_lexicon import MentionLexicon
from dedupe.mention_text import Word, written

MAX_PLACE_WORDS = 5
_JOINED = frozenset({"", " "})


@dataclass
class Body:
    name: str  #: as first written, with the acronym when one is known ("KPU Sultra")
    key: str  #: the same body whatever the spelling: "kpu|sulawesi tenggara"
    acronym: str | None
    expansion: str | None
    region: str | None
    mentions: list[tuple[int, int, str]] = field(default_factory=list)


def region_key(words: list[str], lex: MentionLexicon) -> str:
    """A region written any way ("Kota Kendari", "Sultra") as one key."""
    kept = [w for w in words if w not in lex.region_words]
    text = " ".join(kept)
    return lex.region_alias.get(text, text)


def local_regions(words: list[Word], lex: MentionLexicon) -> set[str]:
    """Words this article uses as regions: after "Kabupaten", "Kota", "Desa", "di"."""
    found: set[str] = set()
    spoken = {
        w.lower
        for before, w in zip(words, words[1:], strict=False)
        if before.lower in lex.cues_before
    }
    lowers = [w.lower for w in words]
    for k, (before, word) in enumerate(zip(words, words[1:], strict=False)):
        # "Wali Kota Iman ...", "Balai Kota": "kota" ends an office or a building there
        compound = k > 0 and (
            lex.office_heads.match(lowers, k - 1) == 2 or lex.venue_words.match(lowers, k - 1) == 1
        )
        marked = not compound and (before.lower in lex.region_words or before.lower in lex.located)
        if marked and word.capitalised and word.gap in _JOINED and word.lower not in spoken:
            if word.lower not in lex.not_names and not lex.office_heads.match([word.lower], 0):
                found.add(word.lower)
    return found


class BodyFinder:
    """Finds the organisations and places of one article's tokens."""

    def __init__(self, words: list[Word], lex: MentionLexicon, regions: set[str]) -> None:
        self.words, self.lex, self.regions = words, lex, regions
        self.lowers = [w.lower for w in words]
        self.defined: dict[str, str] = {}  #: acronyms the article defines → their key

    def _joined(self, i: int) -> bool:
        return i < len(self.words) and self.words[i].gap in _JOINED

    def _region_end(self, i: int) -> int:
        """The end of a region written at token i: "Sultra", "Kota Kendari", "Konawe Selatan"."""
        lex, words, j = self.lex, self.words, i
        if j < len(words) and words[j].lower in lex.region_words and self._joined(j + 1):
            if words[j + 1].capitalised:
                j += 1
                while (
                    j + 1 < len(words)
                    and self._joined(j + 1)
                    and words[j + 1].lower
                    in ("utara", "selatan", "timur", "barat", "tengah", "tenggara", "raya", "jaya")
                ):
                    j += 1
                return j + 1
        if j < len(words) and words[j].capitalised:
            length = lex.regions.match(self.lowers, j)
            if length:
                return j + length
            if words[j].lower in self.regions or words[j].lower in lex.region_alias:
                return j + 1
        return i

    def _acronym_at(self, i: int) -> tuple[int, str] | None:
        words, lex = self.words, self.lex
        if i + 1 < len(words) and self._joined(i + 1):
            pair = f"{words[i].text} {words[i + 1].text}"
            if pair in lex.acronyms:
                return i + 2, pair
        if words[i].text in lex.acronyms or words[i].text in self.defined:
            return i + 1, words[i].text
        return None

    def _head_run(self, i: int) -> int:
        """The end of a body's name opened by a head word at token i (i when there is none)."""
        lex, words = self.lex, self.words
        length = lex.body_heads.match(self.lowers, i)
        if not length or not words[i].capitalised:
            return i
        j, own = i + length, words[i].lower in lex.own_name_heads
        while j < len(words) and self._joined(j) and not words[j].headline:
            word = words[j]
            if word.lower == "dan" and j + 1 < len(words) and words[j + 1].lower in lex.qualifiers:
                j += 1
                continue
            if not word.is_word or not word.capitalised:
                break
            if word.lower in lex.region_words and j + 1 < len(words) and words[j + 1].capitalised:
                break  # "Sekretariat Daerah Kota Kendari": the region is the body's region
            if (
                word.lower in lex.qualifiers
                or word.text in lex.acronyms
                or word.text in lex.body_names
            ):
                j += 1
                own = False
            elif own and word.lower not in lex.not_names and word.lower not in lex.honorifics:
                j += 1
                own = j < len(words) and (not self._joined(j) or not words[j].capitalised)
            else:
                break
        return j if j - i >= 2 else i

    def bodies(self) -> list[Body]:
        lex, words = self.lex, self.words
        found: dict[str, Body] = {}
        i = 0
        while i < len(words):
            word = words[i]
            if not word.is_word or word.headline:
                i += 1
                continue
            acronym = expansion = None
            length = lex.expansions.match(self.lowers, i) if word.capitalised else 0
            if length:
                acronym = lex.expansion_acronym[tuple(self.lowers[i : i + length])]
                expansion, end = self._span(i, i + length), i + length
            elif hit := self._acronym_at(i):
                end, acronym = hit
                expansion = lex.acronyms.get(acronym)
            elif word.text in lex.body_names:
                end = i + 1
            else:
                end = self._head_run(i)
                if end == i:
                    i += 1
                    continue
                expansion = self._span(i, end)
            # "Badan Riset dan Inovasi Nasional (BRIN)": the article defines an acronym
            if end + 2 < len(words) and words[end].text == "(" and words[end + 2].text == ")":
                defined = words[end + 1].text
                if defined[0].isupper() and len(defined) >= 2 and not defined.isdigit():
                    acronym = acronym or defined
                    self.defined[defined] = acronym
                    end += 3
            written = acronym or self._span(i, end)
            # "Kodim 1417/Kendari": a unit's number, and its region after the slash
            if end + 1 < len(words) and words[end].text.isdigit() and self._joined(end):
                written, end = f"{written} {words[end].text}", end + 1
                slash = words[end].text == "/" and words[end + 1].capitalised
                if slash and end + 1 < len(words):
                    end += 1
            region_end = (
                self._region_end(end) if self._joined(end) or words[end - 1].text == "/" else end
            )
            if region_end == end and end and words[end - 1].text == "/":
                region_end = end + 1
            base = written.lower()
            region = self._span(end, region_end) if region_end > end else None
            key = f"{base}|{region_key(self.lowers[end:region_end], lex)}" if region else base
            name = ("/" if words[end - 1].text == "/" else " ").join(
                p for p in (written, region) if p
            )
            body = found.setdefault(key, Body(name, key, acronym, expansion, region))
            body.mentions.append(
                (words[i].start, words[region_end - 1].end, self._span(i, region_end))
            )
            i = region_end
        return list(found.values())

    def places(self, covered: set[int]) -> list[str]:
        """Regions and venues ("Aula Bahteramas") not already part of a body or an office."""
        lex, words = self.lex, self.words
        found: dict[str, str] = {}
        i = 0
        while i < len(words):
            if i in covered or not words[i].capitalised or words[i].headline:
                i += 1
                continue
            end = self._region_end(i)
            venue = lex.venue_words.match(self.lowers, i)
            if venue:
                end = i + venue
                while end < len(words) and self._joined(end) and end - i < MAX_PLACE_WORDS:
                    if not words[end].capitalised or words[end].lower in lex.not_names:
                        break
                    end += 1
                end = end if end - i > venue else i
            if end > i:
                text = self._span(i, end)
                found.setdefault(text.lower(), text)
                i = end
            else:
                i += 1
        return list(found.values())

    def _span(self, start: int, end: int) -> str:
        return written(self.words, start, end)
