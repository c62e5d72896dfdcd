"""The services behind the document screens, plain SQLAlchemy (no Flask), so the rules that protect the records
hold whichever screen, command or benchmark calls them: an upload is validated before anything is stored;
exactly one template version per document type is active; a generated document is a new row with the next
version number, never an overwrite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Callable, Iterable

from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from admin_app.documents.kop import active_logo, with_logo
from admin_app.documents.registry import DOCUMENT_TYPES, build_context
from admin_app.documents.rendering import TemplateRejected, data_sha256, file_sha256, render_document, validate_template
from admin_app.models import (
    AssignmentLetter,
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    Complaint,
    DocumentTemplateVersion,
    FollowUpInstruction,
    FollowUpRequest,
    GeneratedDocument,
    InformedConsent,
    InterventionPlan,
    Letter,
    LetterStatus,
    RiskAssessment,
    User,
    utcnow,
)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The records a form prints: it is offered on the case page once one of them exists. Letters are offered per
# issued letter instead (see `case_documents`).
FORM_RECORDS: dict[str, tuple[type, ...]] = {
    "formulir_pengaduan": (Complaint,),
    "formulir_identifikasi": (CaseIdentification,),
    "formulir_asesmen_risiko": (RiskAssessment,),
    "formulir_persetujuan": (InformedConsent,),
    "laporan_kasus": (BiopsychosocialAssessment, InterventionPlan),
    "laporan_permohonan_instruksi": (FollowUpRequest,),
    "instruksi_tindak_lanjut": (FollowUpInstruction,),
}


class DocumentUnavailable(Exception):
    """A document that cannot be made now; the message is for the user, in Bahasa Indonesia."""


def safe_filename(name: str, default: str = "dokumen") -> str:
    """A file name that is safe in a Content-Disposition header and on every file system."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name or "").strip("._")
    return cleaned[:150] or default


def _insert_numbered(session: Session, column, filters: Iterable, make: Callable[[int], object]):
    """Insert the row `make(n)` with n = the next number of `column` among rows matching `filters`.

    Two people doing this at the same moment may compute the same n; the unique constraint refuses the second,
    whose savepoint is rolled back and retried with the number that is then free. Nothing is ever overwritten.
    """
    filters = list(filters)
    for _ in range(10):
        number = (session.execute(select(func.max(column)).where(*filters)).scalar() or 0) + 1
        row = make(number)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            continue
        return row
    raise DocumentUnavailable("Saat ini orang lain sedang menyimpan dokumen yang sama. Coba lagi sebentar lagi.")


def template_versions(session: Session, doc_type: str) -> list[DocumentTemplateVersion]:
    return list(
        session.execute(
            select(DocumentTemplateVersion)
            .where(DocumentTemplateVersion.doc_type == doc_type)
            .options(selectinload(DocumentTemplateVersion.uploaded_by))
            .order_by(DocumentTemplateVersion.version_no.desc())
        ).scalars()
    )


def active_template(session: Session, doc_type: str) -> DocumentTemplateVersion | None:
    return session.execute(
        select(DocumentTemplateVersion)
        .where(DocumentTemplateVersion.doc_type == doc_type, DocumentTemplateVersion.is_active.is_(True))
        .order_by(DocumentTemplateVersion.version_no.desc())
    ).scalars().first()


def store_template_version(session: Session, doc_type: str, data: bytes, *, filename: str, note: str | None,
                           user: User | None) -> tuple[DocumentTemplateVersion, list[str]]:
    """Validate an upload and store it as the next (inactive) version; TemplateRejected says why it may not be."""
    if doc_type not in DOCUMENT_TYPES:
        raise TemplateRejected("Jenis dokumen tidak dikenal.")
    warnings = validate_template(doc_type, data)  # before anything is stored
    digest = file_sha256(data)
    same = session.execute(
        select(DocumentTemplateVersion.version_no)
        .where(DocumentTemplateVersion.doc_type == doc_type, DocumentTemplateVersion.sha256 == digest)
    ).scalars().first()
    if same is not None:
        raise TemplateRejected(
            f"Berkas ini sama persis dengan versi {same} yang sudah tersimpan; tidak disimpan lagi. "
            f"Untuk memakainya, aktifkan versi {same}."
        )
    version = _insert_numbered(
        session,
        DocumentTemplateVersion.version_no,
        [DocumentTemplateVersion.doc_type == doc_type],
        lambda n: DocumentTemplateVersion(
            doc_type=doc_type, version_no=n, filename=safe_filename(filename, f"{doc_type}.docx"), content=data,
            sha256=digest, size_bytes=len(data), is_active=False, note=(note or "").strip() or None,
            uploaded_by_id=user.id if user else None,
        ),
    )
    return version, warnings


def activate_template_version(session: Session, version: DocumentTemplateVersion) -> int | None:
    """Make `version` the only active one of its type (activating an older one is the roll back).

    One UPDATE sets every version of the type: two people activating at once queue on the same rows, and the
    second statement re-reads them, so exactly one stays active. Returns the version number active before.
    """
    before = active_template(session, version.doc_type)
    session.execute(
        update(DocumentTemplateVersion)
        .where(DocumentTemplateVersion.doc_type == version.doc_type)
        .values(is_active=DocumentTemplateVersion.id == version.id)
        .execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, DocumentTemplateVersion) and obj.doc_type == version.doc_type:
            session.expire(obj, ["is_active"])
    return before.version_no if before is not None else None


@dataclasses.dataclass
class DocumentSlot:
    """One document the case page offers: a form of the case, or a letter type for one letter."""

    doc_type: str
    title: str
    letter: Letter | None = None
    can_generate: bool = True
    note: str = ""
    generated: list[GeneratedDocument] = dataclasses.field(default_factory=list)

    @property
    def key(self) -> str:
        return self.doc_type + (f"-{self.letter.id}" if self.letter is not None else "")


def _existing_records(session: Session, case: Case, models: set) -> set:
    """Which of these form-record models have a row for the case: one statement of EXISTS columns."""
    ordered = sorted(models, key=lambda m: m.__tablename__)
    if not ordered:
        return set()
    row = session.execute(select(*(exists().where(m.case_id == case.id).label(m.__tablename__)
                                   for m in ordered))).one()
    return {model for model, found in zip(ordered, row) if found}


def case_documents(session: Session, case: Case, doc_types: Iterable[str] | None = None) -> list[DocumentSlot]:
    """The documents of `case` in its present state, each with its archive (newest first).

    Letters: the Surat Tugas of the active (issued) assignment letter, and a Surat Rujukan / Surat Pelimpahan per
    letter. Forms: once their record exists. A slot that can no longer be made (e.g. a cancelled Surat Tugas)
    still shows what was generated from it.
    """
    wanted = [code for code in DOCUMENT_TYPES if doc_types is None or code in set(doc_types)]
    generated = session.execute(
        select(GeneratedDocument)
        .where(GeneratedDocument.case_id == case.id, GeneratedDocument.doc_type.in_(wanted))
        .options(selectinload(GeneratedDocument.created_by))
        .order_by(GeneratedDocument.version_no.desc())
    ).scalars().all()
    # Every letter of the case, and which form records exist, each in one statement for all the slots.
    case_letters = session.execute(select(Letter).where(Letter.case_id == case.id).order_by(Letter.id)).scalars().all()
    form_models = {model for code in wanted if not DOCUMENT_TYPES[code].is_letter for model in FORM_RECORDS[code]}
    present = _existing_records(session, case, form_models)
    slots: list[DocumentSlot] = []
    for code in wanted:
        doc = DOCUMENT_TYPES[code]
        if doc.is_letter:
            letters = [letter for letter in case_letters if isinstance(letter, doc.letter_class)]
            active = None
            if doc.letter_class is AssignmentLetter:
                issued = [l for l in letters if l.status == LetterStatus.ISSUED]
                active = issued[-1] if issued else None
            made_from = {g.letter_id for g in generated if g.doc_type == code}
            for letter in letters:
                cancelled = letter.status == LetterStatus.CANCELLED
                can = letter is active if doc.letter_class is AssignmentLetter else True
                if not can and letter.id not in made_from:
                    continue
                slots.append(DocumentSlot(code, doc.title, letter, can_generate=can,
                                          note="surat dibatalkan" if cancelled else ""))
        else:
            exists = any(model in present for model in FORM_RECORDS[code])
            if exists or any(g.doc_type == code for g in generated):
                slots.append(DocumentSlot(code, doc.title, None, can_generate=exists))
    for slot in slots:
        letter_id = slot.letter.id if slot.letter is not None else None
        slot.generated = [g for g in generated if g.doc_type == slot.doc_type and g.letter_id == letter_id]
    return slots


def generate_document(session: Session, *, case: Case, doc_type: str, letter: Letter | None, user: User,
                      now: dt.datetime | None = None) -> GeneratedDocument:
    """Render the ACTIVE template of `doc_type` for `case` and store it as the next version in the archive.

    Raises DocumentUnavailable (with the reason for the user) and stores nothing when the document cannot be made.
    """
    doc = DOCUMENT_TYPES.get(doc_type)
    if doc is None:
        raise DocumentUnavailable("Jenis dokumen tidak dikenal.")
    slot = next(
        (s for s in case_documents(session, case, [doc_type])
         if s.can_generate and (s.letter.id if s.letter is not None else None) == (letter.id if letter else None)),
        None,
    )
    if slot is None:
        if doc.is_letter:
            raise DocumentUnavailable(f"{doc.title} hanya dapat dibuat dari surat kasus ini yang sudah diterbitkan.")
        raise DocumentUnavailable(f"{doc.title} belum dapat dibuat: datanya belum diisi pada kasus ini.")
    template = active_template(session, doc_type)
    if template is None:
        raise DocumentUnavailable(f"Belum ada templat aktif untuk {doc.title}. Hubungi administrator.")
    now = now or utcnow()
    try:
        context = build_context(doc_type, session, case, letter=letter, now=now)
    except ValueError as exc:
        raise DocumentUnavailable(str(exc)) from None
    try:
        content = render_document(template.content, context)
        logo = active_logo(session)
        content = with_logo(content, logo.content if logo is not None else None)
    except TemplateRejected as exc:
        raise DocumentUnavailable(
            f"Templat aktif {doc.title} (versi {template.version_no}) tidak dapat dicetak dengan data kasus ini: "
            f"{' '.join(exc.problems)}"
        ) from None
    context_hash = data_sha256(context)
    name = safe_filename(f"{doc_type}_{case.case_number}")
    return _insert_numbered(
        session,
        GeneratedDocument.version_no,
        [GeneratedDocument.case_id == case.id, GeneratedDocument.doc_type == doc_type],
        lambda n: GeneratedDocument(
            case_id=case.id, doc_type=doc_type, version_no=n, letter_id=letter.id if letter else None,
            template_version_id=template.id, data_sha256=context_hash, file_sha256=file_sha256(content),
            filename=f"{name}_v{n}.docx", mime_type=DOCX_MIME, content=content, size_bytes=len(content),
            created_by_id=user.id, created_at=now,
        ),
    )
