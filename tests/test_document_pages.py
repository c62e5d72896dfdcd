"""The ten documents, rendered for two demo cases through the archive, converted to PDF and read page by page as
the head reads them before signing. The PNG pages stay in test-output/documents/ for a person to look at.

Runs on SQLite only: the pages are made from the same rows on either database, and the PostgreSQL path of the
archive is covered by tests/test_document_screens.py.
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from docx import Document

from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.extensions import db
from admin_app.models import Setting
from tests.document_review import Printed, demo_cases, generate_all, print_all

PHONE, EMAIL = "(021) 5576 1234", "uptdppa@tangerangkota.go.id"
FORMS = {code for code, doc in DOCUMENT_TYPES.items() if not doc.is_letter} - {"instruksi_tindak_lanjut"}


@pytest.fixture
def printed(builder, team, make_user) -> dict[tuple[str, str], Printed]:
    for key, value in (("kop.telepon", PHONE), ("kop.email", EMAIL)):
        db.session.execute(sa.update(Setting).where(Setting.key == key).values(value=value))
    deputy = make_user("plh", "kepala", full_name="Drs. Ahmad Fauzi, M.M.", nip="197803122005011003",
                       rank="Penata Tingkat I (III/d)", position="Kepala Subbagian Tata Usaha")
    cases = demo_cases(builder, deputy)
    documents = {name: generate_all(db.session, case, team.kepala) for name, case in cases.items()}
    printed = print_all(documents)
    printed["cases"] = cases  # type: ignore[assignment]
    return printed


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def signature_page(doc: Printed, name: str) -> tuple[int, list[str]]:
    """The page holding the signer's name, and that page's lines."""
    for page in doc.pages:
        if name in page.text:
            return page.number, lines(page.text)
    raise AssertionError(f"{doc.case}/{doc.doc_type}: the signer {name!r} is on no page")


def check_every_document(doc: Printed, signer: str) -> None:
    where = f"{doc.case}/{doc.doc_type}"
    assert "{{" not in docx_text(doc.docx) and "{%" not in docx_text(doc.docx), where
    first = lines(doc.pages[0].text)
    assert any("PEMERINTAH KOTA TANGERANG" in line for line in first[:6]), where
    assert any(PHONE in line and EMAIL in line for line in first[:10]), f"{where}: telephone and e-mail in the kop"
    assert any("15111" in line for line in first[:10]), f"{where}: post code in the kop"
    for page in doc.pages:  # no blank page, no page that only carries the footer
        assert len(lines(page.text)) > 3, f"{where}: page {page.number} is (nearly) empty"
    number, page_lines = signature_page(doc, signer)
    at = next(i for i, line in enumerate(page_lines) if signer in line)
    # The signature shares its page with what it signs: at least a few lines of text come before it.
    assert at >= 6, f"{where}: the signature stands alone on page {number}: {page_lines[:at + 1]}"
    if doc.doc_type in FORMS:
        total = len(doc.pages)
        for page in doc.pages:
            assert f"Halaman {page.number} dari {total}" in " ".join(lines(page.text)), f"{where} p.{page.number}"
    for word in ("Direncanakan", "Perempuan", "Laki-laki"):
        broken = [w for w in re.findall(rf"\b{word[:-2]}\w*", doc.text) if w != word and word.startswith(w)]
        assert not broken, f"{where}: {word!r} broken inside a table cell"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_ten_documents_as_the_head_signs_them(printed, team):
    cases = printed.pop("cases")
    assert {doc for _, doc in printed} == set(DOCUMENT_TYPES), sorted(printed)
    head, officer = team.kepala.full_name, team.officers[0].full_name
    for (case, code), doc in printed.items():
        signer = head if code.startswith("surat") or code == "instruksi_tindak_lanjut" else officer
        if case == "anak" and code in ("surat_pelimpahan", "instruksi_tindak_lanjut"):
            signer = "Drs. Ahmad Fauzi, M.M."  # the deputy, as Plh.
        check_every_document(doc, signer)
        limit = 1 if code.startswith(("surat", "instruksi", "laporan_permohonan", "formulir_asesmen",
                                      "formulir_identifikasi")) else 2
        assert len(doc.pages) <= limit, f"{case}/{code}: {len(doc.pages)} pages"

    adult, child = cases["dewasa"], cases["anak"]
    # --- Surat Rujukan: one place and date, "di" the town, the recipient's chronology, no victim name.
    rujukan = " ".join(lines(printed["dewasa", "surat_rujukan"].text))
    assert len(re.findall(r"Tangerang, \d{1,2} \w+ 20\d\d", rujukan)) == 1, rujukan
    assert re.search(r"\bdi Kota Tangerang\b", rujukan) and "Pulau Putri" not in rujukan
    assert "Sifat : Segera" in rujukan and "Lampiran : 3 (tiga) berkas" in rujukan
    victim = adult.victims[0]
    assert victim.full_name not in rujukan and f"korban {victim.initials} dipukul" in rujukan
    assert "Konseling awal dan pendampingan" in rujukan and "memar di lengan kiri" in rujukan
    # --- Surat Pelimpahan: purpose and legal basis printed, signed Plh., chronology prefilled from the complaint.
    pelimpahan = " ".join(lines(printed["anak", "surat_pelimpahan"].text))
    assert "Maksud pelimpahan : Penanganan lanjutan oleh UPTD PPA Provinsi Banten" in pelimpahan
    assert "Dasar pelimpahan : Terlapor berdomisili di luar Kota Tangerang" in pelimpahan
    assert "Plh. Kepala UPTD PPA Kota Tangerang" in pelimpahan and "di Serang" in pelimpahan
    assert "NIP. 19780312 200501 1 003" in pelimpahan and head not in pelimpahan  # the deputy's own name and NIP
    assert child.victims[0].full_name not in pelimpahan and "Anak perempuan dilaporkan guru" in pelimpahan
    # --- Surat Tugas: the head's purpose first, the period.
    tugas = " ".join(lines(printed["dewasa", "surat_tugas"].text))
    assert "Untuk : 1. Melakukan penjangkauan dan asesmen awal korban;" in tugas
    assert "sampai dengan" in tugas
    # --- The memos: numbered, signer capacity, no "(-)" for a missing position.
    instruksi = " ".join(lines(printed["anak", "instruksi_tindak_lanjut"].text))
    assert re.search(r"Nomor : 400\.10\.2/\d{3}/INS/UPTD-PPA/[IVX]+/20\d\d", instruksi)
    assert "Plh. Kepala UPTD PPA Kota Tangerang" in instruksi and "(-)" not in instruksi
    laporan = " ".join(lines(printed["dewasa", "laporan_permohonan_instruksi"].text))
    assert re.search(r"Nomor : 400\.10\.2/\d{3}/LAP/UPTD-PPA/[IVX]+/20\d\d", laporan) and "(-)" not in laporan
    # --- Laporan Kasus: the outreach log and the assessment date.
    kasus = " ".join(lines(printed["dewasa", "laporan_kasus"].text))
    assert "PELAKSANAAN PENJANGKAUAN" in kasus and "Korban dipindahkan ke rumah kerabat" in kasus
    # --- Formulir Pengaduan: the reporter named under her signature, no "(-)" for a missing alias.
    pengaduan = printed["dewasa", "formulir_pengaduan"]
    _, page = signature_page(pengaduan, officer)
    assert any(adult.reporters[0].full_name in line for line in page), page
    assert "(-)" not in pengaduan.text
    # --- Formulir Persetujuan: the plan on the plan consent, a place for a thumbprint.
    persetujuan = " ".join(lines(printed["anak", "formulir_persetujuan"].text))
    assert "Rencana intervensi layanan yang disetujui" in persetujuan and "LBH APIK" in persetujuan
    assert "Cap jempol" in persetujuan
