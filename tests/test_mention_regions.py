"""Names with no office or cue, and offices with a region of several words (issue 23, second
round), on fixtures of our own writing: a region's last word is no person ("Bupati Raja
Ampat"), a foreign given name marks a name, a numbered list of names, a lower-case role before
", Name", a "-nya" connective opens no name."""

from __future__ import annotations

from dedupe.mentions import extract_mentions
from dedupe.offices import canonical_office


def _people(text: str) -> dict[str, str | None]:
    return {p.name: p.office for p in extract_mentions(text).people}


def test_an_office_takes_the_whole_region() -> None:
    people = _people(
        "Bupati Raja Ampat Yosias Maranu Kabes meninjau dermaga baru. Ia sudah dua tahun "
        "menjabat sebagai Bupati Raja Ampat. Bupati Banyuwangi Sekar Arum Pratiwi hadir pula."
    )
    assert people["Yosias Maranu Kabes"] == "Bupati Raja Ampat"
    assert people["Sekar Arum Pratiwi"] == "Bupati Banyuwangi"
    assert "Ampat" not in people and not any(n.startswith("Banyuwangi") for n in people)
    assert canonical_office("Bupati Raja Ampat") == "Bupati / Kabupaten Raja Ampat"


def test_a_foreign_given_name_marks_a_name_with_no_cue() -> None:
    people = _people(
        "Laga itu berjalan ketat sejak awal babak pertama di kota pelabuhan itu. "
        "Gol tunggal dicetak lewat sundulan Marco Bellandi pada menit akhir. "
        "Wasit lalu mengusir Henrik Solvang karena protes keras kepada hakim garis."
    )
    assert {"Marco Bellandi", "Henrik Solvang"} <= set(people)


def test_a_numbered_list_of_names_is_read() -> None:
    text = (
        "Berikut daftar pemain yang dipanggil pelatih untuk laga pekan depan.\n"
        "1. Haruto Kimizawa (Gamba Osaka)\n2. Renji Okabayashi (Celtic)\n"
        "3.Sota Tani (Kashima)\n4. Daigo Morinaga (Genk)\n"
    )
    assert {"Haruto Kimizawa", "Renji Okabayashi", "Sota Tani", "Daigo Morinaga"} <= set(
        _people(text)
    )


def test_a_lower_case_role_runs_on_to_the_name_after_its_comma() -> None:
    people = _people(
        "Ia mengaku tidak takut, ujar pemilik toko roti, Wiranto Hadikusumo, kepada wartawan."
    )
    assert people["Wiranto Hadikusumo"] == "pemilik toko roti"


def test_a_connective_with_nya_opens_no_name() -> None:
    people = _people(
        "Nama Rektor Universitas Halu Oleo Andi Seno Pramudya mendadak ramai dibicarakan.\n"
        "Pasalnya Andi Seno Pramudya mengatakan kampus akan menolak rencana itu."
    )
    assert not any(n.startswith("Pasalnya") for n in people)
    assert "Andi Seno Pramudya" in people


def test_a_lower_case_description_after_the_name_is_the_role() -> None:
    people = _people(
        "Di pasar itu kami bertemu Rudolf Okwanda (41), pengumpul sampah lainnya yang "
        "menerima kripto. Ia juga bertemu Wiranti Setyaningsih, seorang penjual sayur, di sana."
    )
    assert people["Rudolf Okwanda"] == "pengumpul sampah lainnya"
    assert people["Wiranti Setyaningsih"] == "seorang penjual sayur"


def test_an_indonesian_word_opening_a_sentence_opens_no_name() -> None:
    people = _people(
        "Laga itu berakhir imbang tanpa gol di kandang lawan.\n"
        "Melihat Stefano Morandi yang sudah berada di depan gawang, bek itu langsung menekel."
    )
    assert "Stefano Morandi" in people and not any(n.startswith("Melihat") for n in people)


def test_an_unknown_word_inside_an_office_is_no_person() -> None:
    people = _people(
        "Wakil Direktur Reserse Siber Polda Metro Jaya, AKBP Damar Wicaksono mengungkapkan "
        "modus para pelaku. Dirjen Bimas Islam Kementerian Agama Fikri Maulana hadir pula."
    )
    assert "Siber" not in people and "Bimas" not in people
    assert people["Damar Wicaksono"].startswith("Wakil Direktur Reserse Siber")
    assert people["Fikri Maulana"].startswith("Dirjen Bimas Islam")


def test_short_link_lines_inside_a_sentence_are_read_as_one() -> None:
    people = _people(
        "Jakarta\n-\nKapolda Sultra Irjen Bagus Hartanto\nmeninjau pos pengamanan mudik. "
        "Ia juga menyebut kiper cadangan\nPersik\nTeguh Santosa\n. Ia dipinjamkan musim lalu."
    )
    assert people["Bagus Hartanto"] == "Kapolda Sultra"
    assert "Teguh Santosa" in people
