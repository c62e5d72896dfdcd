"""The head's step-6 form: the fields of each outcome grouped under it, shown while that outcome is ticked, with
the rule each group must meet said before the form is sent; a refused instruction changes nothing."""

from __future__ import annotations

import re

import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import Case, Letter
from admin_app.views.case_forms import InstructionForm
from tests.helpers import csrf_token, login, page_messages


def test_every_field_of_the_instruction_form_is_in_exactly_one_group(app):
    with app.test_request_context():
        form = InstructionForm(meta={"csrf": False})
        grouped = [name for section in form.SECTIONS for name in section.fields]
        shown = [f.name for f in form if f.type not in ("CSRFTokenField", "HiddenField")]
    assert sorted(grouped) == sorted(shown) and len(grouped) == len(set(grouped))
    boxes = set(InstructionForm.SECTIONS[0].fields)
    assert all(set(s.when) <= boxes for s in InstructionForm.SECTIONS[1:])  # each group follows an outcome box


def test_the_step_6_form_groups_fields_by_outcome_and_says_the_rules_first(client, builder):
    case = builder.walk(builder.register(), 6)
    db.session.commit()
    login(client, "kepala")
    url = f"/admin/cases/langkah/{case.id}/give_instruction"
    html = client.get(url).get_data(as_text=True)
    groups = dict(re.findall(r'data-jangkau-when="([^"]+)"\s+id="(section-\d+)"', html))
    assert set(groups) == {"outcome_referral", "outcome_transfer", "outcome_referral outcome_transfer",
                           "outcome_close"}
    referral = html[html.index('id="' + groups["outcome_referral"] + '"'):]
    referral = referral[:referral.index("</fieldset>")]
    assert "Rujukan" in referral and 'id="recipient"' in referral and "Persetujuan berbagi data" in referral
    assert 'id="recipient"' not in html[:html.index('data-jangkau-when')]  # not among the always-shown fields
    assert "Wajib: alasan penutupan" in html

    # Referral ticked without its recipient: the engine's refusal names it, and nothing is issued or moved.
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "instruction": "Rujuk ke RSUD.",
                                      "outcome_referral": "y", "purpose": "Pemeriksaan kesehatan", "authority": ""})
    assert response.status_code == 200
    assert any("lembaga tujuan rujukan" in m for m in page_messages(response)), page_messages(response)
    db.session.expire_all()
    assert db.session.get(Case, case.id).current_step == 6
    assert db.session.execute(sa.select(sa.func.count()).select_from(Letter)
                              .where(Letter.case_id == case.id, Letter.letter_type_id.isnot(None))).scalar_one() == 1
