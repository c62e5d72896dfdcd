"""The shipped default templates (doc_templates/<code>.docx) as version 1 of each document type.

Idempotent: a document type that already has any version (staff may have uploaded and activated their own) is left
alone, so re-running `flask seed` never changes which template is active.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.documents.registry import DOCUMENT_TYPES
from admin_app.documents.rendering import default_template, file_sha256
from admin_app.models import DocumentTemplateVersion

DEFAULT_NOTE = "Templat bawaan aplikasi"


def load_default_templates(session: Session, report=None) -> int:
    """Add the default template of each document type that has no version yet, as version 1 (active)."""
    present = set(session.execute(select(DocumentTemplateVersion.doc_type).distinct()).scalars())
    added = 0
    for code in DOCUMENT_TYPES:
        if code in present:
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
