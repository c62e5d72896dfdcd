"""The ten documents, rendered for two demo cases, converted to PDF and read page by page as the head reads them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import Setting
from admin_app.documents.registry import DOCUMENT_TYPES
from tests.document_review import demo_cases, generate_all, print_all


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the layout does not depend on the database
def test_the_ten_documents_as_printed(builder, team):
    for key, value in (("kop.telepon", "(021) 5576 1234"), ("kop.email", "uptdppa@tangerangkota.go.id")):
        db.session.execute(sa.update(Setting).where(Setting.key == key).values(value=value))
    cases = demo_cases(builder)
    documents = {name: generate_all(db.session, case, team.kepala) for name, case in cases.items()}
    printed = print_all(documents)
    assert {doc for _, doc in printed} == set(DOCUMENT_TYPES), sorted(printed)
