"""The process engine: every transition allowed and refused (by role, by step, by team, by missing inputs),
sending back, letters, and the clock of each step."""

import datetime as dt

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import (
    AssignmentLetter,
    Case,
    CaseStatus,
    CaseTransition,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    DocumentStatus,
    HolidayOverride,
    InformedConsent,
    Letter,
    LetterStatus,
    OutcomeKind,
    ReferralLetter,
    Setting,
    TransferLetter,
    TransitionAction,
)
from admin_app.models.letters import Authority
from admin_app.sop.policy import load_deadline_policy
from admin_app.sop.process import OutcomeRequest, ProcessError


def state(case):
    db.session.refresh(case)
    transitions = db.session.execute(sa.select(sa.func.count()).select_from(CaseTransition).where(CaseTransition.case_id == case.id)).scalar_one()
    return case.current_step, case.status, transitions, len(case.steps)


def refused(fn, *args, match=None, **kwargs):
    # In a savepoint, as a request would roll back: whatever the refused call touched is undone.
    with pytest.raises(ProcessError, match=match) as info:
        with db.session.begin_nested():
            fn(*args, **kwargs)
    return str(info.value)


def test_a_case_goes_through_all_six_steps(builder, team, clock):
    case = builder.register()
    assert case.case_number.startswith("PJK-2026-")
    assert case.current_step == 1
    builder.walk(case, 7)
    db.session.commit()
    assert case.status == CaseStatus.FINISHED
    assert [t.action for t in case.transitions] == [TransitionAction.SUBMIT] * 5 + [TransitionAction.FINISH]
    assert [(r.step_no, r.attempt) for r in case.steps] == [(n, 1) for n in range(1, 7)]
    assert all(r.completed_at is not None and r.completed_at <= r.due_at for r in case.steps)
    letter = db.session.execute(sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id)).scalar_one()
    assert letter.number == "800.1.11.1/001/ST/UPTD-PPA/XI/2026"
    assert [m.name for m in letter.members] == ["Rina Marlina, S.Psi."]
    assert builder.process.available_actions(team.kepala, case) == []


def test_each_step_refuses_the_wrong_role(builder, team):
    p1, kepala, adm = team.officers[0], team.kepala, team.administrasi
    process = builder.process
    case = builder.register()
    db.session.commit()
    before = state(case)
    refused(process.submit_case_information, kepala, case, match="Petugas Layanan PPA")
    refused(process.submit_case_information, adm, case)
    assert state(case) == before
    builder.walk(case, 2)
    refused(process.instruct_outreach, p1, case, officers=[p1], purpose="x", outreach_date=dt.date(2026, 11, 2), match="Kepala")
    builder.walk(case, 4)
    refused(process.record_simfoni, p1, case, registration_number="1", input_date=dt.date(2026, 11, 2))
    refused(process.record_simfoni, kepala, case, registration_number="1", input_date=dt.date(2026, 11, 2))
    builder.walk(case, 6)
    refused(process.give_instruction, p1, case, instruction="x", outcomes=[OutcomeRequest(OutcomeKind.CASE_MANAGEMENT)])


def test_steps_happen_in_order(builder, team):
    case = builder.register()
    db.session.commit()
    before = state(case)
    message = refused(builder.process.complete_field_work, team.officers[0], case)
    assert "langkah 1" in message
    refused(builder.process.record_simfoni, team.administrasi, case, registration_number="1", input_date=dt.date(2026, 11, 2))
    assert state(case) == before


def test_an_officer_not_on_the_team_cannot_act(builder, team, make_user):
    other = make_user("petugas3", "petugas")
    case = builder.register()
    builder.walk(case, 3)
    builder.fill_field_documents(case, team.officers[0])
    db.session.commit()
    before = state(case)
    refused(builder.process.complete_field_work, other, case, match="Surat Tugas")
    assert state(case) == before
    assert builder.process.available_actions(other, case) == []


def test_step_one_lists_what_is_missing(builder, team):
    case = builder.process.register_case(team.officers[0], summary="Ada kekerasan", received_at=builder.clock())
    db.session.commit()
    message = refused(builder.process.submit_case_information, team.officers[0], case)
    assert "sumber informasi" in message and "lokasi korban" in message


def test_step_three_needs_all_six_documents_complete(builder, team):
    case = builder.register()
    builder.walk(case, 3)
    db.session.commit()
    officer = team.officers[0]
    message = refused(builder.process.complete_field_work, officer, case)
    for label in ("Catatan penjangkauan", "Formulir pengaduan", "Formulir identifikasi", "Asesmen risiko",
                  "Persetujuan layanan", "Asesmen biopsikososial", "Rencana intervensi"):
        assert label in message
    builder.fill_field_documents(case, officer)
    complaint = db.session.execute(sa.select(Complaint).where(Complaint.case_id == case.id)).scalar_one()
    complaint.status = DocumentStatus.DRAFT
    db.session.commit()
    message = refused(builder.process.complete_field_work, officer, case)
    assert message.endswith("Yang belum ada: Formulir pengaduan belum ditandai lengkap.")
    complaint.status = DocumentStatus.COMPLETE
    complaint.how = "  "
    db.session.commit()
    assert "kronologi: bagaimana" in refused(builder.process.complete_field_work, officer, case)
    complaint.how = "Dipukul"
    builder.process.complete_field_work(officer, case)
    assert case.current_step == 4


def test_step_five_needs_the_victims_consent_to_the_plan(builder, team):
    case = builder.register()
    builder.walk(case, 5)
    consent = db.session.execute(
        sa.select(InformedConsent).where(InformedConsent.case_id == case.id, InformedConsent.purpose == ConsentPurpose.PLAN)
    ).scalar_one()
    consent.decision = ConsentDecision.REFUSED
    db.session.commit()
    message = refused(builder.process.submit_report, team.officers[0], case, report="Laporan", request="Mohon instruksi")
    assert "persetujuan korban/wali atas rencana intervensi" in message


def test_step_six_outcomes_and_their_letters(builder, team):
    case = builder.register()
    builder.walk(case, 6)
    kepala = team.kepala
    process = builder.process
    assert "alasan penutupan" in refused(process.give_instruction, kepala, case, instruction="Tutup", outcomes=[OutcomeRequest(OutcomeKind.CLOSE)])
    assert "kewenangan tujuan" in refused(
        process.give_instruction, kepala, case, instruction="Limpahkan",
        outcomes=[OutcomeRequest(OutcomeKind.TRANSFER, recipient="UPTD PPA Provinsi Banten", transfer_basis="Lintas kabupaten")],
    )
    refused(process.give_instruction, kepala, case, instruction="x", outcomes=[])
    refused(process.give_instruction, kepala, case, instruction="x",
            outcomes=[OutcomeRequest(OutcomeKind.CLOSE, close_reason="Korban pindah"), OutcomeRequest(OutcomeKind.CASE_MANAGEMENT)])
    record = process.give_instruction(
        kepala, case, instruction="Rujuk dan limpahkan",
        outcomes=[
            OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD Kota Tangerang", purpose="Visum et repertum",
                           services_given="Konseling awal", current_condition="Aman, memar di lengan"),
            OutcomeRequest(OutcomeKind.TRANSFER, recipient="UPTD PPA Provinsi Banten", authority=Authority.PROVINSI,
                           transfer_basis="Pelaku dan korban berdomisili lintas kabupaten/kota"),
        ],
    )
    db.session.commit()
    assert case.status == CaseStatus.FINISHED
    referral = db.session.execute(sa.select(ReferralLetter).where(ReferralLetter.case_id == case.id)).scalar_one()
    transfer = db.session.execute(sa.select(TransferLetter).where(TransferLetter.case_id == case.id)).scalar_one()
    assert referral.number.startswith("400.10.2/001/RJK/") and transfer.number.startswith("400.10.2/001/PLK/")
    assert {o.kind for o in record.outcomes} == {OutcomeKind.REFERRAL, OutcomeKind.TRANSFER}


def test_referral_without_consent_to_share_needs_the_heads_emergency_reason(builder, team):
    case = builder.register()
    builder.walk(case, 3)
    builder.fill_field_documents(case, team.officers[0], consent_sharing=False)
    db.session.commit()
    outcome = OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD", purpose="Pertolongan darurat",
                             services_given="Pertolongan pertama", current_condition="Tidak sadar")
    assert "keadaan darurat" in refused(builder.process.issue_emergency_referral, team.kepala, case, outcome)
    outcome.consent_override_reason = "Korban tidak sadar, perlu tindakan medis segera"
    letter = builder.process.issue_emergency_referral(team.kepala, case, outcome)
    assert letter.consent_override_reason.startswith("Korban tidak sadar")
    assert case.current_step == 3  # emergency first; the assessment continues


def test_high_risk_is_flagged_and_the_head_may_refer_at_once(builder, team):
    case = builder.register()
    builder.walk(case, 3)
    builder.fill_field_documents(case, team.officers[0], high_risk=True)
    db.session.commit()
    assert [v.id for v in builder.process.high_risk_victims(case)] == [v.id for v in case.victims]
    codes = [a.code for a in builder.process.available_actions(team.kepala, case)]
    assert "emergency_referral" in codes
    refused(builder.process.issue_emergency_referral, team.officers[0], case,
            OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD", purpose="Darurat", services_given="Konseling",
                           current_condition="Terluka"))


@pytest.mark.parametrize("at_step, to_step, role", [(2, 1, "kepala"), (6, 5, "kepala"), (4, 3, "administrasi")])
def test_sending_back_restarts_the_clock_and_is_logged(builder, team, clock, at_step, to_step, role):
    case = builder.register()
    builder.walk(case, at_step)
    actor = team.kepala if role == "kepala" else team.administrasi
    first = builder.process.current_run(case, to_step)
    clock.advance(minutes=3)
    assert "alasan" in refused(builder.process.send_back, actor, case, to_step=to_step, reason="")
    wrong = team.administrasi if role == "kepala" else team.kepala
    refused(builder.process.send_back, wrong, case, to_step=to_step, reason="Data belum lengkap")
    builder.process.send_back(actor, case, to_step=to_step, reason="Data belum lengkap, mohon dilengkapi")
    db.session.commit()
    assert case.current_step == to_step
    rerun = builder.process.current_run(case, to_step)
    assert rerun.attempt == 2 and rerun.started_at == clock() and rerun.due_at > first.due_at
    returned = [r for r in case.steps if r.step_no == at_step][-1]
    assert returned.returned and returned.completed_at == clock()
    last = case.transitions[-1]
    assert (last.action, last.from_step, last.to_step, last.note) == (TransitionAction.RETURN, at_step, to_step, "Data belum lengkap, mohon dilengkapi")


def test_returns_not_in_the_sop_are_refused(builder, team):
    case = builder.register()
    builder.walk(case, 3)
    refused(builder.process.send_back, team.kepala, case, to_step=2, reason="Tidak boleh")
    refused(builder.process.send_back, team.kepala, case, to_step=1, reason="Tidak boleh")


def test_letter_numbers_are_sequential_and_a_cancelled_letter_keeps_its_number(builder, team):
    first = builder.register()
    builder.walk(first, 3)
    second = builder.register()
    builder.walk(second, 3)
    db.session.commit()
    letter1 = builder.process.active_assignment(first)
    letter2 = builder.process.active_assignment(second)
    assert (letter1.serial, letter2.serial) == (1, 2)
    refused(builder.process.cancel_letter, team.officers[0], letter2, "Salah petugas")
    builder.process.cancel_letter(team.kepala, letter2, "Salah menunjuk petugas")
    db.session.commit()
    assert letter2.status == LetterStatus.CANCELLED and letter2.number.startswith("800.1.11.1/002/")
    assert second.current_step == 2  # no team left: back to the head
    builder.walk(second, 3)
    db.session.commit()
    assert builder.process.active_assignment(second).serial == 3
    numbers = db.session.execute(sa.select(Letter.number)).scalars().all()
    assert len(numbers) == len(set(numbers)) == 3


def test_deadline_policy_comes_from_settings_and_overrides(app):
    db.session.add(HolidayOverride(date=dt.date(2026, 11, 3), is_holiday=True, description="Libur daerah"))
    db.session.execute(sa.update(Setting).where(Setting.key == "waktu.kebijakan_hari").values(value="hari_kalender"))
    db.session.commit()
    policy = load_deadline_policy(db.session)
    assert policy.days.value == "hari_kalender"
    assert not policy.calendar.is_working_day(dt.date(2026, 11, 3))


def test_a_refused_transition_changes_nothing(builder, team):
    case = builder.register()
    builder.walk(case, 3)
    db.session.commit()
    before = state(case)
    letters = db.session.execute(sa.select(sa.func.count()).select_from(Letter)).scalar_one()
    refused(builder.process.complete_field_work, team.officers[0], case)
    assert state(case) == before
    assert db.session.execute(sa.select(sa.func.count()).select_from(Letter)).scalar_one() == letters
    assert db.session.get(Case, case.id).current_step == 3


def test_a_referral_needs_what_the_recipient_must_know_and_says_its_attachments(builder, team):
    """A referral cannot be issued without the services given and the current condition (both printed); its
    "Lampiran" counts the documents handed over; its Sifat is the head's choice."""
    from admin_app.models import LetterNature

    case = builder.register()
    builder.walk(case, 3)
    db.session.commit()
    outcome = OutcomeRequest(OutcomeKind.REFERRAL, recipient="RSUD", purpose="Visum")
    problems = refused(builder.process.issue_emergency_referral, team.kepala, case, outcome)
    assert "layanan yang sudah diberikan" in problems and "kondisi korban saat ini" in problems
    outcome.services_given, outcome.current_condition = "Konseling awal", "Aman di rumah kakak"
    outcome.documents_handed_over = "Formulir pengaduan\n\nHasil asesmen risiko\nSurat persetujuan"
    outcome.nature = LetterNature.SANGAT_RAHASIA
    outcome.consent_override_reason = "Korban terluka parah, belum dapat ditanya persetujuannya"  # no consent yet
    letter = builder.process.issue_emergency_referral(team.kepala, case, outcome)
    db.session.commit()
    db.session.refresh(letter)
    assert (letter.attachment, letter.nature) == ("3 (tiga) berkas", LetterNature.SANGAT_RAHASIA)
