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
    groups = re.findall(r'data-jangkau-when="([^"]+)"\s+id="(section-\d+)"', html)
    both = "outcome_referral outcome_transfer"  # the consent and the letter's fields serve both letters
    assert sorted(when for when, _ in groups) == sorted(["outcome_referral", "outcome_transfer", "outcome_close",
                                                         both, both])

    def group_with(field: str) -> str:
        before = html[:html.index(f'id="{field}"')]
        return html[before.rindex("<fieldset"):html.index("</fieldset>", len(before))]

    assert "Rujukan" in group_with("recipient") and 'data-jangkau-when="outcome_referral"' in group_with("recipient")
    assert "Maksud pelimpahan" in group_with("transfer_basis")
    consent = group_with("consent_override_reason")
    assert 'data-jangkau-when="outcome_referral outcome_transfer"' in consent
    assert "Persetujuan berbagi data sudah diberikan" in consent or "belum diberikan" in consent
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


def _issue(client, case, **fields):
    url = f"/admin/cases/langkah/{case.id}/give_instruction"
    data = {"csrf_token": csrf_token(client, url), "instruction": "Limpahkan ke provinsi.", "authority": "",
            **fields}
    return client.post(url, data=data)


def test_a_transfer_needs_consent_or_the_heads_written_emergency_reason(client, builder):
    """A transfer sends the victim's data to the province or the ministry: the consent rule of the referral."""
    from admin_app.models import ConsentPurpose, InformedConsent, TransferLetter

    case = builder.walk(builder.register(), 6)
    for consent in db.session.execute(sa.select(InformedConsent).where(InformedConsent.case_id == case.id,
                                                                       InformedConsent.purpose == ConsentPurpose.SERVICE)).scalars():
        consent.consents_to_data_sharing = False
    db.session.commit()
    login(client, "kepala")
    transfer = {"outcome_transfer": "y", "authority": "provinsi", "transfer_recipient": "UPTD PPA Provinsi Banten",
                "transfer_purpose": "Pendampingan lintas kabupaten", "transfer_basis": "Korban pindah ke Kab. Serang"}
    refused = _issue(client, case, **transfer)
    assert any("persetujuan berbagi data" in m for m in page_messages(refused)), page_messages(refused)
    assert "belum diberikan" in refused.get_data(as_text=True)  # the rule said on the form itself
    db.session.expire_all()
    assert db.session.get(Case, case.id).current_step == 6
    done = _issue(client, case, **transfer, consent_override_reason="Korban terancam; data perlu segera dikirim.")
    assert done.status_code == 302, page_messages(done)
    letter = db.session.execute(sa.select(TransferLetter).where(TransferLetter.case_id == case.id)).scalar_one()
    assert letter.purpose == "Pendampingan lintas kabupaten"  # "Maksud pelimpahan" is saved (and printed)
    assert letter.consent_override_reason.startswith("Korban terancam")


def test_the_letter_prints_what_the_head_decided_on_the_form(client, builder, make_user):
    """The recipient's chronology is prefilled from the complaint with the victim's name as initials, editable;
    the signer's capacity is chosen once for the instruction and its letters; both are numbered."""
    from html import unescape

    from admin_app.models import Complaint, FollowUpInstruction, ReferralLetter

    case = builder.walk(builder.register(child=False), 6)
    victim = case.victims[0]
    complaint = db.session.execute(sa.select(Complaint).where(Complaint.case_id == case.id)).scalar_one()
    complaint.what = f"{victim.full_name} dipukul di rumah."
    make_user("kasubag", "kepala", full_name="Yuliana Putri, A.Md.", position="Kepala Subbagian Tata Usaha")
    db.session.commit()
    login(client, "kepala")
    url = f"/admin/cases/langkah/{case.id}/give_instruction"
    form = unescape(client.get(url).get_data(as_text=True))
    prefilled = form[form.index('id="chronology"'):form.index("</textarea>", form.index('id="chronology"'))]
    assert f"{victim.initials} dipukul di rumah." in prefilled and victim.full_name not in prefilled
    assert "Wajib untuk surat rujukan: lembaga tujuan rujukan, tujuan rujukan, layanan yang sudah diberikan dan " \
           "kondisi korban saat ini." in form  # the rule is the requirement table, in words
    referral = dict(instruction="Rujuk ke RSUD.", outcome_referral="y", recipient="RSUD Kota Tangerang",
                    purpose="Visum", services_given="Konseling awal", current_condition="Aman",
                    chronology="Korban datang sendiri ke kantor pada malam hari.", signer_capacity="a.n.",
                    nature="Segera")
    refused = _issue(client, case, **referral)  # the head cannot sign "a.n." herself
    assert any("Tanda tangan a.n. dipakai oleh pejabat lain" in m for m in page_messages(refused)), page_messages(refused)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login(client, "kasubag")  # her deputy signs on her behalf, under his own position
    done = _issue(client, case, **referral)
    assert done.status_code == 302, page_messages(done)
    instruction = db.session.execute(sa.select(FollowUpInstruction).where(FollowUpInstruction.case_id == case.id)).scalar_one()
    letter = db.session.execute(sa.select(ReferralLetter).where(ReferralLetter.case_id == case.id)).scalar_one()
    assert instruction.signer_capacity == letter.signer_capacity == "a.n."
    assert letter.chronology == "Korban datang sendiri ke kantor pada malam hari."
    assert "/INS/" in instruction.number and "/LAP/" in case.follow_up_requests[0].number
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    told = re.findall(r'class="alert alert-success[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert any(instruction.number in m and letter.number in m for m in told), told
