"""The ten documents as the head reads them before signing: two demo-like cases rendered through the archive,
converted to PDF by LibreOffice in one batch, read back page by page (pdftotext) and drawn as PNG pages
(pdftoppm) into `test-output/documents/<case>/`, where a person looks at them.

Case "dewasa": an adult woman, referred to the hospital (Surat Rujukan). Case "anak": a girl whose case belongs to
the province (Surat Pelimpahan), consent to share data given. Both walk the whole SOP with the real engine.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from admin_app.documents.archive import case_documents, generate_document
from admin_app.documents.pdf import soffice_path
from admin_app.models import Authority, Case, LetterNature, OutcomeKind
from admin_app.sop.letters import OutcomeRequest

OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "documents"
COPIES = ("Kepala Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana "
          "Kota Tangerang\nArsip")

REFERRAL = OutcomeRequest(
    OutcomeKind.REFERRAL, recipient="Direktur RSUD Kota Tangerang",
    recipient_address="Jl. Pulau Putri Raya, Perumahan Modernland, Kelapa Indah, Kec. Tangerang, Kota Tangerang",
    purpose="Pemeriksaan kesehatan dan visum et repertum", services_given="Konseling awal dan pendampingan oleh petugas",
    current_condition="Korban aman di rumah kerabat; memar di lengan kiri",
    documents_handed_over="Formulir pengaduan\nHasil asesmen risiko\nLaporan kasus",
    contact_person="Rina Marlina, S.Psi. (0812-3456-7890)", copies_to=COPIES, nature=LetterNature.SEGERA,
    # Written by the head for the hospital; the victim's name typed in it is printed as initials.
    chronology="Pada akhir Oktober 2026 korban {victim} dipukul suaminya di rumah; tetangga melapor ke UPTD PPA.",
)
TRANSFER = OutcomeRequest(
    OutcomeKind.TRANSFER, recipient="Kepala UPTD PPA Provinsi Banten", recipient_address="Serang",
    authority=Authority.PROVINSI, purpose="Penanganan lanjutan oleh UPTD PPA Provinsi Banten",
    transfer_basis="Terlapor berdomisili di luar Kota Tangerang (lintas kabupaten/kota)",
    services_given="Penjangkauan, asesmen risiko dan konseling awal", current_condition="Korban aman bersama ibunya",
    documents_handed_over="Formulir pengaduan\nLaporan kasus", contact_person="Rina Marlina, S.Psi. (0812-3456-7890)",
    copies_to=COPIES, nature=LetterNature.RAHASIA,
)


@dataclasses.dataclass
class Page:
    number: int
    text: str
    png: Path


@dataclasses.dataclass
class Printed:
    """One document of one case as printed: the .docx, the PDF and its pages."""

    case: str
    doc_type: str
    docx: bytes
    pages: list[Page]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


def demo_cases(builder, deputy) -> dict[str, Case]:
    """The two demo cases of the issue, finished (all six steps) with their letters issued; the child's
    instruction and transfer are signed by the head's `deputy` as Plh."""
    adult = builder.register(child=False, story=0)
    referral = dataclasses.replace(REFERRAL, chronology=REFERRAL.chronology.format(victim=adult.victims[0].full_name))
    builder.walk(adult, 7, outcomes=[referral])
    child = builder.register(child=True, story=1)
    builder.walk(child, 6)
    # The head is away: her deputy signs the instruction and the transfer letter as Plh.
    builder.process.perform("give_instruction", deputy, child, instruction="Limpahkan kasus ke UPTD PPA "
                            "Provinsi Banten; pendampingan berlanjut sampai diterima.", outcomes=[TRANSFER],
                            signer_capacity="Plh.")
    return {"dewasa": adult, "anak": child}


def generate_all(session, case: Case, user) -> dict[str, bytes]:
    """Every document the case page offers, generated through the archive as the download button does."""
    made = {}
    for slot in case_documents(session, case):
        if slot.can_generate:
            made[slot.doc_type] = generate_document(session, case=case, doc_type=slot.doc_type, letter=slot.letter,
                                                    user=user).content
    return made


def print_all(documents: dict[str, dict[str, bytes]], out: Path = OUTPUT) -> dict[tuple[str, str], Printed]:
    """Convert every document in ONE LibreOffice run, then read and draw each page."""
    soffice = soffice_path()
    assert soffice, "LibreOffice (soffice) is needed"
    shutil.rmtree(out, ignore_errors=True)
    printed = {}
    with tempfile.TemporaryDirectory(prefix="jangkau-review-") as tmp:
        work = Path(tmp)
        sources = []
        for case, docs in documents.items():
            for doc_type, content in docs.items():
                path = work / f"{case}__{doc_type}.docx"
                path.write_bytes(content)
                sources.append(path)
        subprocess.run(
            [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--invisible",
             "--nologo", "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "pdf"),
             *map(str, sources)],
            check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(work)},
        )
        for source in sources:
            case, doc_type = source.stem.split("__")
            pdf = work / "pdf" / f"{source.stem}.pdf"
            folder = out / case
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(pdf, folder / f"{doc_type}.pdf")
            subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(folder / doc_type)], check=True, timeout=120)
            pngs = sorted(folder.glob(f"{doc_type}-*.png"))
            texts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                                   timeout=60).stdout.decode().split("\f")
            texts = texts[:len(pngs)]
            printed[(case, doc_type)] = Printed(case, doc_type, documents[case][doc_type],
                                                [Page(n, t, p) for n, (t, p) in enumerate(zip(texts, pngs), start=1)])
    return printed
