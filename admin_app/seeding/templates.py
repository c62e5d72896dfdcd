"""The shipped default templates (doc_templates/<code>.docx) as version 1 of each document type.

Idempotent: a document type that already has any version (staff may have uploaded and activated their own) is left
alone, so re-running `flask seed` never changes which template is active.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.documents.archive import activate_template_version, active_template, store_template_version
from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.documents.rendering import default_template, file_sha256
from admin_app.models import DocumentTemplateVersion

DEFAULT_NOTE = "Templat bawaan aplikasi"
UPDATED_NOTE = "Templat bawaan aplikasi, diperbarui (versi bawaan sebelumnya tidak pernah diubah)"

# sha256 of every default template an earlier release shipped: an installation whose active template is one
# of these never changed it, so `flask seed` moves it to the current default (staff's own uploads stay).
SHIPPED_BEFORE: dict[str, frozenset[str]] = {
    "formulir_asesmen_risiko": frozenset({
        "2f171d91fd7887925caa651d4aeae136f0812bb2b69088642f2dee053291865e",
    }),
    "formulir_identifikasi": frozenset({
        "6400e472fcffa4b195292182c2432153c99f571bd746ae526c370f99778881f2",
        "865d29ea34eb814b1939450c83af2ba6f70d107e621b5485be0091722e885463",
    }),
    "formulir_pengaduan": frozenset({
        "b606be5fea2c7e56aa943abbe578596e40d0b5e533112bb651921324d0f151d0",
        "fce55c071726d43d66d8d873f5bc3c4d5c2385692d6e5a7f9396b8e5e4d02c34",
    }),
    "formulir_persetujuan": frozenset({
        "129380bfc080d38b74afd270cfe5ce59415cac1f43bec786a9ac8892b8e8c66b",
    }),
    "instruksi_tindak_lanjut": frozenset({
        "973d90f9d123ce8247d18079fa94f7776bac2537f169d96a4c02b6974dc555fd",
    }),
    "laporan_kasus": frozenset({
        "ab14459d747bfa9c3ba17bc4e885793139d924b5a63d834835a7d40cbedec623",
        "bd49628fca1a31fac3b7e8acda2bf14f6bc966c4c5e4424db8cf3fb1aaa11cb4",
    }),
    "laporan_permohonan_instruksi": frozenset({
        "62371ca9b0c6c20486611614396d11ea63a16f89c73b14aeb855db7543b16624",
    }),
    "surat_pelimpahan": frozenset({
        "ccb9f9bcebe819cddfa63a70da94b4705111bc30d821891170d7be5248507fba",
    }),
    "surat_rujukan": frozenset({
        "498c2b1875353bd3053c191985850e2cdbf60ed04121cc086267ce25fb6492a2",
    }),
    "surat_tugas": frozenset({
        "b930ecfe558eace324617ea14c1f58f2c92e4e4538a6216f69c43b77a4fac0fb",
    }),
}


def load_default_templates(session: Session, report=None) -> int:
    """Add the default template of each document type that has no version yet, as version 1 (active)."""
    present = set(session.execute(select(DocumentTemplateVersion.doc_type).distinct()).scalars())
    added = 0
    for code in DOCUMENT_TYPES:
        if code in present:
            added += _update_untouched_default(session, code)
            continue
        content = default_template(code)
        session.add(
            DocumentTemplateVersion(
                doc_type=code,
                version_no=1,
                filename=f"{code}.docx",
                content=content,
                sha256=file_sha256(content),
                size_bytes=len(content),
                is_active=True,
                note=DEFAULT_NOTE,
                uploaded_by_id=None,
            )
        )
        added += 1
    if report is not None and added:
        report.count("templat dokumen", added)
    return added


def _update_untouched_default(session: Session, code: str) -> int:
    """When the active template of `code` is a default an earlier release shipped, unchanged, the current default
    becomes the next version and is activated (the old one stays in the list, to roll back). Returns 1 if so."""
    active = active_template(session, code)
    content = default_template(code)
    if active is None or active.sha256 not in SHIPPED_BEFORE.get(code, ()) or active.sha256 == file_sha256(content):
        return 0
    version, _ = store_template_version(session, code, content, filename=f"{code}.docx", note=UPDATED_NOTE, user=None)
    activate_template_version(session, version)
    return 1
