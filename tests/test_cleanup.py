"""crawler.extraction.cleanup: the boilerplate rules, the seed articles, properties that hold for
any text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction.cleanup import (
    REPEATED_HEAD_LINE,
    TITLE_REPEAT,
    clean_text,
    default_boilerplate,
    load_boilerplate,
)

BOILERPLATE = default_boilerplate()
BODY = (
    "KENDARI – Pemerintah Provinsi Sulawesi Tenggara meresmikan jembatan baru di Kecamatan "
    "Ranomeeto, Senin (4/3/2024), setelah dua tahun pembangunan."
)
BODY_2 = (
    "“Jembatan ini memangkas waktu tempuh warga ke pasar dari satu jam menjadi lima belas "
    "menit,” kata Kepala Dinas Bina Marga."
)


def non_blank_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- the rules file ----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", BOILERPLATE.patterns, ids=lambda p: p.name)
def test_every_pattern_matches_its_example_and_has_a_reason(pattern) -> None:  # type: ignore[no-untyped-def]
    assert pattern.matches_example()
    assert pattern.reason.strip() and "\n" not in pattern.reason


@pytest.mark.parametrize("pattern", BOILERPLATE.patterns, ids=lambda p: p.name)
def test_every_line_example_is_removed_in_context(pattern) -> None:  # type: ignore[no-untyped-def]
    """The example, as a line among article paragraphs, fires its own rule (or one before it)."""
    if pattern.kind == "trailing":
        result = clean_text(f"{BODY}\n{pattern.example}")
        assert pattern.name in result.removed
        assert result.text.split("\n")[0] == BODY
        return
    if pattern.zone == "head":
        lines = [pattern.example, BODY, BODY_2]
    else:
        lines = [BODY, BODY_2, pattern.example]
    result = clean_text("\n".join(lines))
    assert result.text == f"{BODY}\n{BODY_2}"
    assert result.removed == [pattern.name]


def test_bad_rules_files_fail_at_load(tmp_path: Path) -> None:
    entry = 'name = "x"\nkind = "line"\npattern = \'\'\'foo\'\'\'\nreason = "r"\n'
    head = '[[pattern]]\nname = "x"\n'
    cases = {
        "bad-example": f'[[pattern]]\n{entry}example = "bar"\n',
        "bad-kind": f'{head}kind = "word"\npattern = "a"\nreason = "r"\nexample = "a"\n',
        "bad-regex": f'{head}kind = "line"\npattern = "(a"\nreason = "r"\nexample = "a"\n',
        "no-reason": f'{head}kind = "line"\npattern = "a"\nexample = "a"\n',
        "duplicate": f'[[pattern]]\n{entry}example = "foo"\n[[pattern]]\n{entry}example = "foo"\n',
        "credit-without-field": (
            '[[pattern]]\nname = "c"\nkind = "credit"\npattern = "by: (?P<name>\\\\w+)"\n'
            'reason = "r"\nexample = "by: x"\n'
        ),
    }
    for name, content in cases.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ValueError):
            load_boilerplate(path)
    good = tmp_path / "good.toml"
    good.write_text(f'[[pattern]]\n{entry}example = "foo"\n', encoding="utf-8")
    assert [p.name for p in load_boilerplate(good).patterns] == ["x"]


# -- the seed articles (read at run time, never copied) -----------------------------------


def test_seed_001_boilerplate_removed_and_body_kept(seeds_dir: Path) -> None:
    lines = non_blank_lines(next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8"))
    assert len(lines) == 22
    result = clean_text("\n".join(lines))
    out = result.text.split("\n")
    # 0 glued category links, 2 view counter, 3 close button, 4 second copy of the headline,
    # 5 share label, 6 text-to-speech, 14 inline related link, 17 credit line, 18-21 comment
    # form and copy-protection notices (cut at "Tinggalkan Balasan").
    kept = [1, 7, 8, 9, 10, 11, 12, 13, 15]
    assert out[:-1] == [lines[index] for index in kept]
    # the last paragraph loses only the writer initials glued after its final full stop
    assert lines[16].startswith(out[-1]) and out[-1].endswith(".")
    assert re.fullmatch(r"\([A-Z]+/[A-Z]+\)\.", lines[16][len(out[-1]):])
    assert len(out) == 10
    assert result.editor == lines[17].split(":", 1)[1].strip()
    assert result.author is None
    assert result.removed == [
        "glued-categories", "view-counter-bare", "lone-symbol", REPEATED_HEAD_LINE,
        "share-widget", "text-to-speech", "baca-juga", "credit-editor",
        "comment-form-heading", "credit-initials",
    ]


def test_seed_001_with_title_drops_both_headline_copies(seeds_dir: Path) -> None:
    lines = non_blank_lines(next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8"))
    result = clean_text("\n".join(lines), title=lines[1])
    assert result.text.split("\n")[0] == lines[7]  # the dateline paragraph now opens the text
    assert TITLE_REPEAT in result.removed and REPEATED_HEAD_LINE not in result.removed


def test_seed_004_boilerplate_removed_and_body_kept(seeds_dir: Path) -> None:
    lines = non_blank_lines(next(seeds_dir.glob("004_*.txt")).read_text(encoding="utf-8"))
    assert len(lines) == 25
    result = clean_text("\n".join(lines))
    out = result.text.split("\n")
    # removed: 1 comment counter label, 2 close button, 3 share label, 23-24 comment form
    kept = [0, *range(4, 22)]
    assert out[:-1] == [lines[index] for index in kept]
    assert lines[22] == out[-1] + " (ADV)"
    assert result.removed == [
        "comment-form-field", "lone-symbol", "share-widget", "comment-form-heading",
        "credit-initials",
    ]


def test_clean_seeds_keep_every_line(seeds_dir: Path) -> None:
    """Seeds without boilerplate (000, 003) come through unchanged; 002 loses only its (Red)."""
    for prefix in ("000", "003"):
        text = next(seeds_dir.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
        result = clean_text(text)
        assert result.text == "\n".join(non_blank_lines(text))
        assert result.removed == []
    lines = non_blank_lines(next(seeds_dir.glob("002_*.txt")).read_text(encoding="utf-8"))
    result = clean_text("\n".join(lines))
    assert result.text.split("\n")[:-1] == lines[:-1]
    assert lines[-1] == result.text.split("\n")[-1] + " (Red)"


# -- real sentences are not boilerplate ----------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Bagikan pengalaman kepada generasi muda, pesan Bupati kepada para pensiunan guru di Raha.",
        "Editor senior media lokal itu mengatakan pemberitaan pilkada harus berimbang.",
        "Laporan keuangan daerah tahun 2023 mendapat opini wajar tanpa pengecualian dari BPK.",
        "Komentar warganet di media sosial beragam, sebagian besar mendukung kebijakan itu.",
        "Google News Initiative menggelar pelatihan cek fakta bagi jurnalis di Kendari.",
        "Warga yang bergabung dalam grup WhatsApp itu kemudian menyebarkan kabar tersebut.",
        "Baca tulis Al-Quran menjadi syarat calon kepala desa di kabupaten tersebut.",
        "Ketua DPRD mengatakan anggaran pendidikan naik 12 persen (sekitar Rp40 miliar).",
        "Penulis buku sejarah Buton itu menerima penghargaan dari gubernur, Sabtu.",
        "X",
    ],
)
def test_real_sentences_survive(sentence: str) -> None:
    text = f"{BODY}\n{sentence}\n{BODY_2}" if sentence != "X" else f"{BODY}\n{BODY_2}"
    result = clean_text(text)
    assert result.text == text
    assert result.removed == []


def test_credits_split_into_author_and_editor() -> None:
    result = clean_text(f"{BODY}\n{BODY_2}\nReporter: Asrul Hamid | Editor: Nurlina, S.Pd.")
    assert (result.author, result.editor) == ("Asrul Hamid", "Nurlina, S.Pd")
    assert result.text == f"{BODY}\n{BODY_2}"
    assert result.removed == ["credit-author"]


def test_baca_juga_label_drops_the_linked_title_on_the_next_line() -> None:
    text = f"{BODY}\nBaca juga:\nJembatan Lama Ditutup Sementara\n{BODY_2}"
    assert clean_text(text).text == f"{BODY}\n{BODY_2}"


def test_related_list_drops_its_titles_but_not_the_next_paragraph() -> None:
    text = f"{BODY}\nBerita Terkait\nJudul Pertama\nJudul Kedua\n{BODY_2}"
    assert clean_text(text).text == f"{BODY}\n{BODY_2}"


def test_comment_heading_in_the_first_half_does_not_cut() -> None:
    """A cut rule only fires in the second half: an early match must not empty the article."""
    text = f"Tinggalkan Komentar\n{BODY}\n{BODY_2}"
    assert clean_text(text).text == text
    assert clean_text(f"{BODY}\n{BODY_2}\nTinggalkan Komentar\nNama *").text == f"{BODY}\n{BODY_2}"


# -- properties -------------------------------------------------------------------------

LINE_POOL = [pattern.example for pattern in BOILERPLATE.patterns] + [
    BODY, BODY_2, "Penulis: Andi", "(Red)", "1.234", "", "  ", "×", "Baca juga:", "Berita Terkait",
]
lines_strategy = st.lists(
    st.one_of(st.sampled_from(LINE_POOL), st.text(max_size=120)), max_size=25
)


@settings(max_examples=200, deadline=None)
@given(
    lines=lines_strategy,
    title=st.one_of(st.none(), st.sampled_from(LINE_POOL), st.text(max_size=40)),
)
def test_cleanup_only_drops_lines_or_credit_tails(lines: list[str], title: str | None) -> None:
    text = "\n".join(lines)
    result = clean_text(text, title=title)
    inputs = [line.strip() for line in text.splitlines()]
    for line in result.text.split("\n") if result.text else []:
        assert line, "no blank lines in the output"
        # every output line is an input line, or an input line without its trailing initials
        assert any(source == line or source.startswith(line) for source in inputs), line
    assert set(result.removed) <= {p.name for p in BOILERPLATE.patterns} | {
        REPEATED_HEAD_LINE, TITLE_REPEAT,
    }


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=3000))
def test_cleanup_never_raises_and_never_grows(text: str) -> None:
    result = clean_text(text)
    assert len(result.text) <= len(text)


# -- tables and credits as trafilatura renders them (shapes of national and regional outlets) --


def test_table_rows_of_related_links_are_dropped_and_data_tables_kept() -> None:
    data_table = ["| Pasangan | Suara |", "|---|---|", "| Nomor urut 1 | 21.408 |"]
    text = "\n".join([
        BODY,
        "| Baca juga: Harga Solar untuk Nelayan Naik Lagi |",
        "| Baca juga: |",
        "| TPI Lasolo Mulai Direnovasi |",
        "| Kantor Camat Pindah ke Gedung Baru |",
        BODY_2,
        "| Baca juga: Jalan Poros Kendari-Kolaka",
        "Mulai Diperbaiki Pekan Depan |",
        *data_table,
    ])
    result = clean_text(text)
    assert result.text.split("\n") == [BODY, BODY_2, *data_table]
    assert result.removed == ["baca-juga", "baca-juga-label"]


@pytest.mark.parametrize(
    ("lines", "author", "editor"),
    [
        (["| Redaktur | : | Wa Ode Rahmah |", "| Reporter | : | Andi Saputra |"],
         "Andi Saputra", "Wa Ode Rahmah"),
        (["Redaktur & Reporter : Rina Kartika"], "Rina Kartika", "Rina Kartika"),
        (["Rep: Fitriani Red: Ahmad Yani"], "Fitriani", "Ahmad Yani"),
        (["| Editor : Nurhaida Reporter : Samsul Bahri |"], "Samsul Bahri", "Nurhaida"),
        (["| Pewarta: Budi | Editor: Andi |"], "Budi", "Andi"),
        (["| Redaktur | La Ode Hasan |"], None, "La Ode Hasan"),
        (["| Editor | Pewarta |", "|---|---|", "| Muh. Ikbal | Rina Kartika |"],
         "Rina Kartika", "Muh. Ikbal"),
        (["Laporan Wartawan TribunSultra.com, La Ode Ari"], "La Ode Ari", None),
    ],
)
def test_credit_shapes_are_removed_and_their_names_kept(
    lines: list[str], author: str | None, editor: str | None
) -> None:
    result = clean_text("\n".join([BODY, BODY_2, *lines]))
    assert result.text == f"{BODY}\n{BODY_2}"
    assert (result.author, result.editor) == (author, editor)


def test_a_table_of_labels_over_other_cells_is_not_a_credit_table() -> None:
    lines = ["| Editor | Pewarta |", "|---|---|", "| Rapat dimulai pukul 09.00 WITA. | 12 |"]
    result = clean_text("\n".join([BODY, BODY_2, *lines]))
    assert result.text.split("\n")[2:] == lines
    assert (result.author, result.editor) == (None, None)


@pytest.mark.parametrize(
    "sign_off", ["(ant/hs)", "(Ant/Z-7)", "(Z-2)", "(TribunSultra.com/La Ode Ari)", "(kpl/ntn)"]
)
def test_sign_offs_after_the_last_sentence_are_dropped(sign_off: str) -> None:
    result = clean_text(f"{BODY}\n{BODY_2} {sign_off}")
    assert result.text == f"{BODY}\n{BODY_2}"


@pytest.mark.parametrize(
    "sentence",
    [
        "Redaktur senior harian itu mengatakan pemberitaan pilkada harus berimbang.",
        "Laporan wartawan senior itu dimuat di halaman depan, kata pemimpin redaksi.",
        "Sumber daya manusia menjadi kunci pembangunan desa, kata Bupati Konawe Utara.",
        "Artikel ini ditulis berdasarkan wawancara dengan tiga nelayan di Lasolo.",
        "| Kecamatan | Jumlah pengungsi |",
    ],
)
def test_sentences_near_the_new_shapes_survive(sentence: str) -> None:
    text = f"{BODY}\n{sentence}\n{BODY_2}"
    assert clean_text(text).text == text
