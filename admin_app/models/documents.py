"""Word templates staff can edit (versioned), the archive of every generated document (never overwritten) and the
scans of the papers signed from them (append-only too)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from admin_app.models.base import AUDITED, Base, utcnow
from admin_app.models.cases import Case
from admin_app.models.letters import Letter
from admin_app.models.users import User


class DocumentTemplateVersion(Base):
    """One uploaded version of the .docx template of a document type; exactly one version per type is active."""

    __tablename__ = "document_template_versions"
    __table_args__ = (
        UniqueConstraint("doc_type", "version_no", name="uq_document_template_versions_type_version"),
        Index("ix_document_template_versions_active", "doc_type", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(40), info=AUDITED)  # e.g. surat_tugas, formulir_pengaduan
    version_no: Mapped[int] = mapped_column(Integer, info=AUDITED)
    filename: Mapped[str] = mapped_column(String(255), info=AUDITED)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64), info=AUDITED)
    size_bytes: Mapped[int] = mapped_column(Integer, info=AUDITED)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0", info=AUDITED)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow, info=AUDITED)

    uploaded_by: Mapped[User | None] = relationship()


class GeneratedDocument(Base):
    """A document rendered for a case: stored as made, with what made it; regenerating adds a new version."""

    __tablename__ = "generated_documents"
    __table_args__ = (
        UniqueConstraint("case_id", "doc_type", "version_no", name="uq_generated_documents_case_type_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    doc_type: Mapped[str] = mapped_column(String(40), info=AUDITED)
    version_no: Mapped[int] = mapped_column(Integer, info=AUDITED)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("document_template_versions.id", ondelete="RESTRICT"), info=AUDITED)
    data_sha256: Mapped[str] = mapped_column(String(64), info=AUDITED)  # hash of the data snapshot the document was made from
    file_sha256: Mapped[str] = mapped_column(String(64), info=AUDITED)
    filename: Mapped[str] = mapped_column(String(255), info=AUDITED)
    mime_type: Mapped[str] = mapped_column(String(100), info=AUDITED)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    size_bytes: Mapped[int] = mapped_column(Integer, info=AUDITED)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, info=AUDITED)

    case: Mapped[Case] = relationship()
    letter: Mapped[Letter | None] = relationship()
    template_version: Mapped[DocumentTemplateVersion] = relationship()
    created_by: Mapped[User] = relationship()


class SignedScan(Base):
    """The scan of a printed document after it was signed on paper (a consent form, a letter, the instruction).

    Append-only like the archive (database triggers, migration 0009): a rescan adds a row. No file name is kept:
    the names people give scans often carry the victim's name. The note is free text, never in the audit trail.
    """

    __tablename__ = "signed_scans"
    __table_args__ = (
        UniqueConstraint("generated_document_id", "scan_no", name="uq_signed_scans_document_scan_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    generated_document_id: Mapped[int] = mapped_column(
        ForeignKey("generated_documents.id", ondelete="RESTRICT"), index=True, info=AUDITED
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), index=True, info=AUDITED)
    scan_no: Mapped[int] = mapped_column(Integer, info=AUDITED)  # 1, 2, ... per generated document
    mime_type: Mapped[str] = mapped_column(String(40), info=AUDITED)  # as found in the content, never as sent
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64), info=AUDITED)  # of the stored bytes
    size_bytes: Mapped[int] = mapped_column(Integer, info=AUDITED)
    page_count: Mapped[int | None] = mapped_column(Integer, info=AUDITED)  # PDFs only
    note: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), info=AUDITED)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow, info=AUDITED)

    generated_document: Mapped[GeneratedDocument] = relationship()
    case: Mapped[Case] = relationship()
    uploaded_by: Mapped[User] = relationship()
