"""The process engine: the only way a case changes step.

Every transition checks, in this order: the actor's role for the step, the case's current step, that the actor
may act on this case (need to know, team membership), and that the step's required inputs exist and are
complete. A refused transition raises `ProcessError` with a message in Bahasa Indonesia naming what is missing,
and changes nothing (the caller rolls back). Every transition is logged with who, when and the note.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.documents.numbering import issue_number
from admin_app.models import (
    AssignmentLetter,
    AssignmentMember,
    Authority,
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    CaseStatus,
    CaseStep,
    CaseTransition,
    Complaint,
    ConsentDecision,
    ConsentPurpose,
    FollowUpInstruction,
    FollowUpRequest,
    InformedConsent,
    InstructionOutcome,
    InterventionPlan,
    Letter,
    LetterNature,
    LetterStatus,
    LetterType,
    OutcomeKind,
    OutreachLog,
    ReferralLetter,
    RiskAssessment,
    RiskIndicator,
    RiskLevel,
    SimfoniRecord,
    TransferLetter,
    TransitionAction,
    Urgency,
    User,
    Victim,
    utcnow,
)
from admin_app.sop import completeness
from admin_app.sop.access import can_view_case, is_on_team
from admin_app.sop.deadlines import DeadlinePolicy, StepTiming
from admin_app.sop.steps import FIRST_STEP, LAST_STEP, RETURNS, STEPS, step

MIN_REASON_LENGTH = 5


class ProcessError(Exception):
    """A refused transition. `str(error)` is the message for the user."""

    def __init__(self, message: str, missing: Sequence[str] = ()):
        self.missing = list(missing)
        if self.missing:
            message = f"{message} Yang belum ada: {'; '.join(self.missing)}."
        super().__init__(message)


@dataclass
class OutcomeRequest:
    """One outcome of the head's follow-up instruction, with what its letter needs."""

    kind: OutcomeKind
    close_reason: str | None = None
    recipient: str | None = None
    recipient_address: str | None = None
    purpose: str | None = None
    current_condition: str | None = None
    services_given: str | None = None
    documents_handed_over: str | None = None
    contact_person: str | None = None
    copies_to: str | None = None
    authority: Authority | None = None
    transfer_basis: str | None = None
    consent_override_reason: str | None = None
    nature: LetterNature = LetterNature.RAHASIA


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    style: str = "primary"


@dataclass
class StepRow:
    """One line of the SOP timeline shown on the case page."""

    number: int
    title: str
    actor: str
    standard: str
    runs: list[CaseStep] = field(default_factory=list)
    timings: list[StepTiming] = field(default_factory=list)


def _text(value: str | None) -> str:
    return (value or "").strip()


class CaseProcess:
    def __init__(self, session: Session, policy: DeadlinePolicy, clock: Callable[[], dt.datetime] = utcnow):
        self.session = session
        self.policy = policy
        self.clock = clock

    # ------------------------------------------------------------------ guards
    def _require_role(self, user: User, role: str) -> None:
        if not user.has_role(role):
            raise ProcessError(f"Langkah ini hanya dapat dilakukan oleh {dict(_ROLE_NAMES)[role]}.")

    def _require_open_step(self, case: Case, number: int) -> None:
        if case.status != CaseStatus.OPEN:
            raise ProcessError("Kasus ini sudah selesai diproses menurut SOP; tidak ada langkah yang dapat dilakukan.")
        if case.current_step != number:
            raise ProcessError(
                f"Kasus sedang berada pada langkah {case.current_step} ({step(case.current_step).title}); "
                f"langkah {number} tidak dapat dilakukan sekarang."
            )

    def _require_visible(self, user: User, case: Case) -> None:
        if not can_view_case(self.session, user, case.id):
            raise ProcessError("Anda tidak berwenang atas kasus ini.")

    def _require_team(self, user: User, case: Case) -> None:
        if not is_on_team(self.session, user, case.id):
            raise ProcessError("Hanya petugas yang ditugaskan dalam Surat Tugas kasus ini yang dapat melakukan langkah ini.")

    def _guard(self, user: User, case: Case, number: int) -> None:
        self._require_role(user, step(number).role)
        self._require_open_step(case, number)
        if number in (3, 5):
            self._require_team(user, case)
        elif number == 1:
            if case.registered_by_id != user.id and not is_on_team(self.session, user, case.id):
                raise ProcessError("Hanya petugas yang mencatat informasi kasus ini yang dapat mengajukannya.")
        else:
            self._require_visible(user, case)

    # ------------------------------------------------------------------ the clock
    def current_run(self, case: Case, number: int | None = None) -> CaseStep | None:
        number = case.current_step if number is None else number
        runs = [r for r in case.steps if r.step_no == number]
        return max(runs, key=lambda r: r.attempt) if runs else None

    def _start_step(self, case: Case, number: int, at: dt.datetime) -> CaseStep:
        previous = self.current_run(case, number)
        run = CaseStep(
            step_no=number,
            attempt=(previous.attempt + 1) if previous else 1,
            started_at=at,
            due_at=self.policy.due_at(at, step(number).time_standard),
        )
        case.steps.append(run)
        case.current_step = number
        return run

    def _finish_current(self, case: Case, user: User, at: dt.datetime, *, returned: bool = False) -> None:
        run = self.current_run(case)
        if run is None or run.completed_at is not None:  # pragma: no cover - invariant of the engine
            raise ProcessError("Jam langkah ini tidak ditemukan; hubungi administrator.")
        run.completed_at = max(at, run.started_at)
        run.completed_by_id = user.id
        run.returned = returned

    def _log(self, case: Case, action: TransitionAction, from_step: int, to_step: int | None, user: User, note: str | None, at):
        case.transitions.append(
            CaseTransition(action=action, from_step=from_step, to_step=to_step, actor_id=user.id, acted_at=at, note=note or None)
        )

    def _advance(self, case: Case, user: User, note: str | None = None) -> None:
        at = self.clock()
        from_step = case.current_step
        self._finish_current(case, user, at)
        if from_step == LAST_STEP:
            case.status = CaseStatus.FINISHED
            case.finished_at = at
            self._log(case, TransitionAction.FINISH, from_step, None, user, note, at)
        else:
            self._start_step(case, from_step + 1, at)
            self._log(case, TransitionAction.SUBMIT, from_step, from_step + 1, user, note, at)
        self.session.flush()

    # ------------------------------------------------------------------ who may fill what
    def ensure_document_editable(self, user: User, case: Case, code: str) -> None:
        """Field documents are filled by the team during step 3; the plan and the consent to it also in step 5."""
        if not user.has_role("petugas"):
            raise ProcessError("Dokumen lapangan diisi oleh Petugas Layanan PPA yang ditugaskan.")
        if case.status != CaseStatus.OPEN:
            raise ProcessError("Kasus sudah selesai; dokumennya tidak dapat diubah lagi.")
        steps = DOCUMENT_EDIT_STEPS.get(code, (3,))
        if case.current_step not in steps:
            where = " atau ".join(str(n) for n in steps)
            raise ProcessError(f"Dokumen ini hanya dapat diisi atau diubah pada langkah {where}; kasus sedang pada langkah {case.current_step}.")
        self._require_team(user, case)

    def ensure_people_editable(self, user: User, case: Case) -> None:
        """Victims, reporters and perpetrators: recorded at intake (step 1) or in the field (step 3)."""
        if not user.has_role("petugas") or case.status != CaseStatus.OPEN or case.current_step not in (1, 3):
            raise ProcessError("Data korban, pelapor dan terlapor dapat diisi petugas pada langkah 1 atau 3.")
        if case.current_step == 1:
            if case.registered_by_id != user.id:
                raise ProcessError("Hanya petugas yang mencatat informasi kasus ini yang dapat mengubahnya.")
        else:
            self._require_team(user, case)

    # ------------------------------------------------------------------ required inputs
    def missing_inputs(self, case: Case, number: int | None = None) -> list[str]:
        """What the step still lacks before it can complete (labels for the user)."""
        number = case.current_step if number is None else number
        checker = _MISSING_CHECKERS[number]
        return checker(self, case)

    def _missing_step1(self, case: Case) -> list[str]:
        missing = []
        if not _text(case.summary):
            missing.append("uraian kejadian")
        if case.intake_channel_id is None:
            missing.append("sumber informasi")
        if case.incident_region_id is None and not _text(case.incident_address):
            missing.append("lokasi korban/kejadian")
        if not _text(case.victim_hint) and not case.victims:
            missing.append("keterangan tentang korban")
        return missing

    def _missing_step2(self, case: Case) -> list[str]:
        # The assignment letter is this step's own output, made by the instruction itself: nothing to prepare.
        return []

    def field_documents(self, case: Case) -> dict[str, object]:
        def one(model, **where):
            stmt = select(model).where(model.case_id == case.id)
            for key, value in where.items():
                stmt = stmt.where(getattr(model, key) == value)
            return self.session.execute(stmt).scalars().all()

        return {
            "outreach_log": (one(OutreachLog) or [None])[0],
            "complaint": (one(Complaint) or [None])[0],
            "identifications": {d.victim_id: d for d in one(CaseIdentification)},
            "risk_assessments": {d.victim_id: d for d in one(RiskAssessment)},
            "consents": {d.victim_id: d for d in one(InformedConsent, purpose=ConsentPurpose.SERVICE)},
            "plan_consents": {d.victim_id: d for d in one(InformedConsent, purpose=ConsentPurpose.PLAN)},
            "biopsychosocial": (one(BiopsychosocialAssessment) or [None])[0],
            "plan": (one(InterventionPlan) or [None])[0],
        }

    def document_overview(self, case: Case) -> list[dict]:
        """The field documents of the case with their state, for the case page (one row per victim where needed)."""
        docs = self.field_documents(case)
        rows = []

        def row(code, label, doc, victim=None):
            state = "belum diisi" if doc is None else ("lengkap" if doc.is_complete else "draf")
            rows.append({"code": code, "label": label, "doc": doc, "victim": victim, "state": state})

        row("outreach_log", "Catatan penjangkauan", docs["outreach_log"])
        row("complaint", "Formulir pengaduan", docs["complaint"])
        for victim in case.victims:
            row("identification", "Formulir identifikasi KTP/KTA", docs["identifications"].get(victim.id), victim)
            row("risk_assessment", "Formulir asesmen risiko", docs["risk_assessments"].get(victim.id), victim)
            row("consent", "Persetujuan layanan", docs["consents"].get(victim.id), victim)
        row("biopsychosocial", "Asesmen biopsikososial", docs["biopsychosocial"])
        row("intervention_plan", "Rencana intervensi", docs["plan"])
        for victim in case.victims:
            row("plan_consent", "Persetujuan rencana intervensi", docs["plan_consents"].get(victim.id), victim)
        return rows

    def _missing_step3(self, case: Case) -> list[str]:
        missing: list[str] = []
        if not self.active_assignment(case):
            missing.append("Surat Tugas Penjangkauan Korban")
        docs = self.field_documents(case)
        incident_day = case.incident_date or case.reported_date

        def check(label: str, doc, problems: Callable[[], list[str]]):
            if doc is None:
                missing.append(f"{label} belum diisi")
            elif not doc.is_complete:
                missing.append(f"{label} belum ditandai lengkap")
            else:
                missing.extend(f"{label}: {p}" for p in problems())

        log = docs["outreach_log"]
        check("Catatan penjangkauan", log, lambda: completeness.outreach_log_missing(log))
        complaint = docs["complaint"]
        check("Formulir pengaduan", complaint, lambda: completeness.complaint_missing(complaint, case))
        if not case.victims:
            missing.append("data korban (minimal satu)")
        active_indicators = set(
            self.session.execute(select(RiskIndicator.id).where(RiskIndicator.active.is_(True))).scalars()
        )
        for victim in case.victims:
            who = f" ({victim.full_name})" if len(case.victims) > 1 else ""
            ident = docs["identifications"].get(victim.id)
            check(f"Formulir identifikasi{who}", ident, lambda: completeness.identification_missing(ident, victim, incident_day))
            risk = docs["risk_assessments"].get(victim.id)
            check(f"Asesmen risiko{who}", risk, lambda: completeness.risk_assessment_missing(risk, active_indicators))
            consent = docs["consents"].get(victim.id)
            is_child = (victim.age_on(incident_day) or 18) < 18
            check(f"Persetujuan layanan{who}", consent, lambda: completeness.consent_missing(consent, is_child))
        bio = docs["biopsychosocial"]
        check("Asesmen biopsikososial", bio, lambda: completeness.biopsychosocial_missing(bio))
        plan = docs["plan"]
        check("Rencana intervensi", plan, lambda: completeness.intervention_plan_missing(plan))
        return missing

    def _missing_step4(self, case: Case) -> list[str]:
        # The Simfoni number is entered by the step's own form; the six documents were checked at step 3.
        return []

    def _missing_step5(self, case: Case) -> list[str]:
        missing = []
        docs = self.field_documents(case)
        plan = docs["plan"]
        if plan is None or completeness.intervention_plan_missing(plan):
            missing.append("rencana intervensi yang lengkap")
        for victim in case.victims:
            if not completeness.plan_consent_ok(docs["plan_consents"].get(victim.id)):
                who = f" ({victim.full_name})" if len(case.victims) > 1 else ""
                missing.append(f"persetujuan korban/wali atas rencana intervensi{who}")
        return missing

    def _missing_step6(self, case: Case) -> list[str]:
        return [] if self.latest_request(case) else ["laporan dan permohonan instruksi"]

    # ------------------------------------------------------------------ lookups
    def active_assignment(self, case: Case) -> AssignmentLetter | None:
        return self.session.execute(
            select(AssignmentLetter)
            .where(AssignmentLetter.case_id == case.id, AssignmentLetter.status == LetterStatus.ISSUED)
            .order_by(AssignmentLetter.id.desc())
        ).scalars().first()

    def simfoni_record(self, case: Case) -> SimfoniRecord | None:
        return self.session.execute(select(SimfoniRecord).where(SimfoniRecord.case_id == case.id)).scalar_one_or_none()

    def latest_request(self, case: Case) -> FollowUpRequest | None:
        return self.session.execute(
            select(FollowUpRequest)
            .where(FollowUpRequest.case_id == case.id, FollowUpRequest.submitted_at.is_not(None))
            .order_by(FollowUpRequest.id.desc())
        ).scalars().first()

    def high_risk_victims(self, case: Case) -> list[Victim]:
        ids = set(
            self.session.execute(
                select(RiskAssessment.victim_id).where(
                    RiskAssessment.case_id == case.id, RiskAssessment.final_level == RiskLevel.TINGGI
                )
            ).scalars()
        )
        return [v for v in case.victims if v.id in ids]

    def _letter_type(self, code: str) -> LetterType:
        letter_type = self.session.execute(select(LetterType).where(LetterType.code == code)).scalar_one_or_none()
        if letter_type is None or not letter_type.active:
            raise ProcessError(f"Jenis surat '{code}' belum diatur atau tidak aktif; hubungi administrator sistem.")
        return letter_type

    # ------------------------------------------------------------------ step 1
    def register_case(
        self,
        user: User,
        *,
        summary: str,
        received_at: dt.datetime | None = None,
        reported_date: dt.date | None = None,
        intake_channel_id: int | None = None,
        incident_date: dt.date | None = None,
        incident_place_id: int | None = None,
        incident_region_id: int | None = None,
        incident_address: str | None = None,
        victim_hint: str | None = None,
        urgency: Urgency = Urgency.BIASA,
        is_domestic_violence: bool = False,
    ) -> Case:
        """Step 1: the officer records the case information; the step-1 clock starts when it was received."""
        self._require_role(user, "petugas")
        now = self.clock()
        received_at = received_at or now
        if received_at > now + dt.timedelta(minutes=5):
            raise ProcessError("Waktu informasi diterima tidak boleh di masa depan.")
        reported_date = reported_date or received_at.astimezone(self.policy.zone).date()
        if incident_date and incident_date > reported_date:
            raise ProcessError("Tanggal kejadian tidak boleh sesudah tanggal laporan.")
        case = Case(
            case_number=f"TMP-{uuid.uuid4().hex[:24]}",
            status=CaseStatus.OPEN,
            current_step=FIRST_STEP,
            summary=_text(summary),
            received_at=received_at,
            reported_date=reported_date,
            intake_channel_id=intake_channel_id,
            incident_date=incident_date,
            incident_place_id=incident_place_id,
            incident_region_id=incident_region_id,
            incident_address=_text(incident_address) or None,
            victim_hint=_text(victim_hint) or None,
            urgency=urgency,
            is_domestic_violence=is_domestic_violence,
            registered_by_id=user.id,
        )
        self.session.add(case)
        self._start_step(case, FIRST_STEP, received_at)
        self.session.flush()
        # Numbered by id: unique without a second counter; the year is the year received.
        case.case_number = f"PJK-{received_at.astimezone(self.policy.zone).year}-{case.id:05d}"
        self.session.flush()
        return case

    def update_case_information(self, user: User, case: Case, **values) -> None:
        """Correct the case information; only while the case is at step 1, by the officer who registered it."""
        self._guard(user, case, 1)
        now = self.clock()
        received_at = values.get("received_at") or case.received_at
        if received_at > now + dt.timedelta(minutes=5):
            raise ProcessError("Waktu informasi diterima tidak boleh di masa depan.")
        incident_date = values.get("incident_date")
        if incident_date and incident_date > case.reported_date:
            raise ProcessError("Tanggal kejadian tidak boleh sesudah tanggal laporan.")
        for name in ("intake_channel_id", "incident_date", "incident_place_id", "incident_region_id", "urgency", "is_domestic_violence"):
            if name in values:
                setattr(case, name, values[name])
        for name in ("summary", "incident_address", "victim_hint"):
            if name in values:
                setattr(case, name, _text(values[name]) or (None if name != "summary" else ""))
        if received_at != case.received_at:
            case.received_at = received_at
            run = self.current_run(case, FIRST_STEP)
            if run is not None and run.attempt == 1 and run.completed_at is None:
                # The step-1 clock runs from when the information reached the unit.
                run.started_at = received_at
                run.due_at = self.policy.due_at(received_at, step(FIRST_STEP).time_standard)
        self.session.flush()

    def submit_case_information(self, user: User, case: Case, note: str | None = None) -> None:
        """Step 1 complete: report to the head and ask for an instruction."""
        self._guard(user, case, 1)
        missing = self._missing_step1(case)
        if missing:
            raise ProcessError("Informasi kasus belum lengkap.", missing)
        self._advance(case, user, note)

    # ------------------------------------------------------------------ step 2
    def instruct_outreach(
        self,
        user: User,
        case: Case,
        *,
        officers: Sequence[User],
        purpose: str,
        outreach_date: dt.date,
        letter_date: dt.date | None = None,
        signer_capacity: str | None = None,
        note: str | None = None,
    ) -> AssignmentLetter:
        """Step 2: the head instructs outreach; this issues the numbered assignment letter naming the team."""
        self._guard(user, case, 2)
        problems = []
        officers = list(dict.fromkeys(officers))
        if not officers:
            problems.append("petugas yang ditugaskan (minimal satu)")
        for officer in officers:
            if not officer.is_active or not officer.has_role("petugas"):
                raise ProcessError(f"{officer.full_name} bukan Petugas Layanan PPA yang aktif.")
        if not _text(purpose):
            problems.append("maksud penugasan")
        if outreach_date is None:
            problems.append("tanggal penjangkauan")
        if problems:
            raise ProcessError("Surat Tugas belum dapat diterbitkan.", problems)
        today = self.clock().astimezone(self.policy.zone).date()
        letter_date = letter_date or today
        if outreach_date < letter_date:
            raise ProcessError("Tanggal penjangkauan tidak boleh sebelum tanggal surat.")
        letter = AssignmentLetter(case_id=case.id, purpose=_text(purpose), outreach_date=outreach_date)
        self._fill_letter(letter, "surat_tugas", user, letter_date, signer_capacity)
        for position, officer in enumerate(officers, start=1):
            letter.members.append(
                AssignmentMember(
                    user_id=officer.id,
                    position_in_list=position,
                    name=officer.full_name,
                    nip=officer.nip,
                    rank=officer.rank,
                    position=officer.position,
                )
            )
        self.session.add(letter)
        self.session.flush()
        self._advance(case, user, note)
        return letter

    def _fill_letter(self, letter: Letter, type_code: str, signer: User, letter_date: dt.date, capacity: str | None) -> None:
        # The half-built letter must not be flushed by the lookups below.
        with self.session.no_autoflush:
            letter_type = self._letter_type(type_code)
            number, serial = issue_number(self.session, letter_type, letter_date)
        letter.letter_type = letter_type
        letter.number = number
        letter.serial = serial
        letter.year = letter_date.year
        letter.letter_date = letter_date
        letter.status = LetterStatus.ISSUED
        letter.issued_at = self.clock()
        letter.issued_by_id = signer.id
        letter.signer_id = signer.id
        letter.signer_name = signer.full_name
        letter.signer_nip = signer.nip
        letter.signer_rank = signer.rank
        letter.signer_position = signer.position or "Kepala UPTD PPA Kota Tangerang"
        letter.signer_capacity = _text(capacity) or None

    # ------------------------------------------------------------------ step 3
    def complete_field_work(self, user: User, case: Case, note: str | None = None) -> None:
        """Step 3 complete: all six documents (and the outreach log) are there and complete."""
        self._guard(user, case, 3)
        missing = self._missing_step3(case)
        if missing:
            raise ProcessError("Langkah 3 belum dapat diselesaikan.", missing)
        self._advance(case, user, note)

    # ------------------------------------------------------------------ step 4
    def record_simfoni(
        self, user: User, case: Case, *, registration_number: str, input_date: dt.date, notes: str | None = None
    ) -> SimfoniRecord:
        """Step 4: administration records the Simfoni PPA number and date, then hands back to the officer."""
        self._guard(user, case, 4)
        registration_number = _text(registration_number)
        if not registration_number:
            raise ProcessError("Pencatatan Simfoni belum lengkap.", ["nomor registrasi Simfoni PPA"])
        if len(registration_number) > 60:
            raise ProcessError("Nomor registrasi Simfoni paling panjang 60 karakter.")
        today = self.clock().astimezone(self.policy.zone).date()
        if input_date is None or input_date > today:
            raise ProcessError("Tanggal input Simfoni wajib diisi dan tidak boleh di masa depan.")
        if input_date < case.reported_date:
            raise ProcessError("Tanggal input Simfoni tidak boleh sebelum tanggal laporan kasus.")
        record = self.simfoni_record(case)
        if record is None:
            record = SimfoniRecord(case_id=case.id, registration_number=registration_number, input_date=input_date, recorded_by_id=user.id)
            self.session.add(record)
        record.registration_number = registration_number
        record.input_date = input_date
        record.recorded_by_id = user.id
        record.notes = _text(notes) or None
        self.session.flush()
        self._advance(case, user, notes)
        return record

    # ------------------------------------------------------------------ step 5
    def submit_report(self, user: User, case: Case, *, report: str, request: str) -> FollowUpRequest:
        """Step 5: the officer reports to the head and asks for the follow-up instruction."""
        self._guard(user, case, 5)
        missing = self._missing_step5(case)
        if not _text(report):
            missing.append("isi laporan")
        if not _text(request):
            missing.append("instruksi yang dimohon")
        if missing:
            raise ProcessError("Laporan belum dapat diajukan.", missing)
        follow_up = FollowUpRequest(
            case_id=case.id, report=_text(report), request=_text(request), submitted_by_id=user.id, submitted_at=self.clock()
        )
        self.session.add(follow_up)
        self.session.flush()
        self._advance(case, user)
        return follow_up

    # ------------------------------------------------------------------ step 6
    def give_instruction(
        self, user: User, case: Case, *, instruction: str, outcomes: Sequence[OutcomeRequest], letter_date: dt.date | None = None
    ) -> FollowUpInstruction:
        """Step 6: the head's follow-up instruction; referral and transfer outcomes issue their letters."""
        self._guard(user, case, 6)
        problems = []
        if not _text(instruction):
            problems.append("isi instruksi tindak lanjut")
        kinds = [o.kind for o in outcomes]
        if not kinds:
            problems.append("bentuk tindak lanjut (minimal satu)")
        if len(set(kinds)) != len(kinds):
            raise ProcessError("Setiap bentuk tindak lanjut cukup dipilih sekali.")
        if OutcomeKind.CLOSE in kinds and len(kinds) > 1:
            raise ProcessError("Kasus yang ditutup tidak dapat sekaligus dirujuk, dilimpahkan atau dilanjutkan.")
        for outcome in outcomes:
            problems.extend(self._outcome_problems(case, outcome))
        if problems:
            raise ProcessError("Instruksi tindak lanjut belum dapat diberikan.", problems)
        letter_date = letter_date or self.clock().astimezone(self.policy.zone).date()
        record = FollowUpInstruction(case_id=case.id, instruction=_text(instruction), given_by_id=user.id, given_at=self.clock())
        for outcome in outcomes:
            letter = None
            if outcome.kind == OutcomeKind.REFERRAL:
                letter = self._referral_letter(user, case, outcome, letter_date)
            elif outcome.kind == OutcomeKind.TRANSFER:
                letter = self._transfer_letter(user, case, outcome, letter_date)
            record.outcomes.append(
                InstructionOutcome(kind=outcome.kind, close_reason=_text(outcome.close_reason) or None, letter=letter)
            )
        self.session.add(record)
        self.session.flush()
        self._advance(case, user)
        return record

    def _consent_refused(self, case: Case) -> bool:
        consents = self.field_documents(case)["consents"]
        for victim in case.victims:
            consent = consents.get(victim.id)
            if consent is None or consent.decision != ConsentDecision.GIVEN or not consent.consents_to_data_sharing:
                return True
        return False

    def _outcome_problems(self, case: Case, outcome: OutcomeRequest) -> list[str]:
        problems = []
        if outcome.kind == OutcomeKind.CLOSE and len(_text(outcome.close_reason)) < MIN_REASON_LENGTH:
            problems.append("alasan penutupan kasus")
        if outcome.kind == OutcomeKind.REFERRAL:
            if not _text(outcome.recipient):
                problems.append("lembaga tujuan rujukan")
            if not _text(outcome.purpose):
                problems.append("tujuan rujukan")
            if self._consent_refused(case) and len(_text(outcome.consent_override_reason)) < MIN_REASON_LENGTH:
                problems.append(
                    "persetujuan berbagi data dari korban/wali, atau alasan keadaan darurat dari Kepala UPTD PPA"
                )
        if outcome.kind == OutcomeKind.TRANSFER:
            if outcome.authority in (None, Authority.KOTA):
                problems.append("kewenangan tujuan pelimpahan (Provinsi atau Pusat)")
            if not _text(outcome.recipient):
                problems.append("instansi tujuan pelimpahan")
            if not _text(outcome.transfer_basis):
                problems.append("dasar pelimpahan")
        return problems

    def _referral_letter(self, user: User, case: Case, outcome: OutcomeRequest, letter_date: dt.date) -> ReferralLetter:
        letter = ReferralLetter(
            case_id=case.id,
            nature=outcome.nature,
            subject="Rujukan Layanan Kedaruratan",
            attachment=_text(outcome.documents_handed_over) and "1 (satu) berkas" or "-",
            recipient=_text(outcome.recipient),
            recipient_address=_text(outcome.recipient_address) or None,
            purpose=_text(outcome.purpose),
            current_condition=_text(outcome.current_condition) or None,
            services_given=_text(outcome.services_given) or None,
            documents_handed_over=_text(outcome.documents_handed_over) or None,
            contact_person=_text(outcome.contact_person) or None,
            copies_to=_text(outcome.copies_to) or None,
            consent_override_reason=_text(outcome.consent_override_reason) or None,
        )
        self._fill_letter(letter, "surat_rujukan", user, letter_date, None)
        self.session.add(letter)
        return letter

    def _transfer_letter(self, user: User, case: Case, outcome: OutcomeRequest, letter_date: dt.date) -> TransferLetter:
        letter = TransferLetter(
            case_id=case.id,
            nature=outcome.nature,
            subject="Pelimpahan Kasus",
            attachment=_text(outcome.documents_handed_over) and "1 (satu) berkas" or "-",
            recipient=_text(outcome.recipient),
            recipient_address=_text(outcome.recipient_address) or None,
            authority=outcome.authority,
            transfer_basis=_text(outcome.transfer_basis),
            current_condition=_text(outcome.current_condition) or None,
            services_given=_text(outcome.services_given) or None,
            documents_handed_over=_text(outcome.documents_handed_over) or None,
            contact_person=_text(outcome.contact_person) or None,
            copies_to=_text(outcome.copies_to) or None,
        )
        self._fill_letter(letter, "surat_pelimpahan", user, letter_date, None)
        self.session.add(letter)
        return letter

    def issue_emergency_referral(self, user: User, case: Case, outcome: OutcomeRequest, letter_date: dt.date | None = None) -> ReferralLetter:
        """Emergency first: for a high-risk victim the head refers at once, before the assessment is finished."""
        self._require_role(user, "kepala")
        if case.status != CaseStatus.OPEN or case.current_step < 3:
            raise ProcessError("Rujukan darurat diterbitkan selama kasus dalam penjangkauan (langkah 3 sampai 6).")
        if case.current_step == 6:
            raise ProcessError("Pada langkah 6 rujukan diberikan melalui instruksi tindak lanjut.")
        outcome.kind = OutcomeKind.REFERRAL
        problems = self._outcome_problems(case, outcome)
        if problems:
            raise ProcessError("Surat rujukan belum dapat diterbitkan.", problems)
        letter = self._referral_letter(user, case, outcome, letter_date or self.clock().astimezone(self.policy.zone).date())
        self.session.flush()
        return letter

    # ------------------------------------------------------------------ sending back
    def return_targets(self, user: User, case: Case) -> list[int]:
        if case.status != CaseStatus.OPEN:
            return []
        return [to for (frm, to), role in RETURNS.items() if frm == case.current_step and user.has_role(role)]

    def send_back(self, user: User, case: Case, *, to_step: int, reason: str) -> None:
        """Return the case to an earlier step, with a reason; the returned step's clock restarts."""
        role = RETURNS.get((case.current_step, to_step))
        if case.status != CaseStatus.OPEN or role is None:
            raise ProcessError(f"Kasus pada langkah {case.current_step} tidak dapat dikembalikan ke langkah {to_step}.")
        self._require_role(user, role)
        self._require_visible(user, case)
        if len(_text(reason)) < MIN_REASON_LENGTH:
            raise ProcessError("Pengembalian wajib disertai alasan yang jelas.")
        at = self.clock()
        from_step = case.current_step
        self._finish_current(case, user, at, returned=True)
        self._start_step(case, to_step, at)
        self._log(case, TransitionAction.RETURN, from_step, to_step, user, _text(reason), at)
        self.session.flush()

    # ------------------------------------------------------------------ letters
    def cancel_letter(self, user: User, letter: Letter, reason: str) -> None:
        """A cancelled letter keeps its number, marked; an assignment letter cancelled during step 3 returns the
        case to step 2 so the head can assign again."""
        self._require_role(user, "kepala")
        if letter.status == LetterStatus.CANCELLED:
            raise ProcessError("Surat ini sudah dibatalkan.")
        if len(_text(reason)) < MIN_REASON_LENGTH:
            raise ProcessError("Pembatalan surat wajib disertai alasan.")
        case = letter.case
        at = self.clock()
        if isinstance(letter, AssignmentLetter) and case.status == CaseStatus.OPEN and case.current_step > 3:
            raise ProcessError("Surat Tugas tidak dapat dibatalkan setelah penjangkauan selesai.")
        letter.status = LetterStatus.CANCELLED
        letter.cancelled_at = at
        letter.cancelled_by_id = user.id
        letter.cancel_reason = _text(reason)
        if isinstance(letter, AssignmentLetter) and case.status == CaseStatus.OPEN and case.current_step == 3:
            self.session.flush()
            if self.active_assignment(case) is None:
                self._finish_current(case, user, at, returned=True)
                self._start_step(case, 2, at)
                self._log(case, TransitionAction.RETURN, 3, 2, user, f"Surat Tugas {letter.number} dibatalkan: {_text(reason)}", at)
        self.session.flush()

    # ------------------------------------------------------------------ what the screens show
    def available_actions(self, user: User, case: Case) -> list[Action]:
        """The transitions this user may start now (the buttons on the case page)."""
        if case.status != CaseStatus.OPEN:
            return []
        actions: list[Action] = []
        number = case.current_step
        try:
            self._guard(user, case, number)
        except ProcessError:
            pass
        else:
            actions.append(Action(_STEP_ACTION_CODES[number], _STEP_ACTION_LABELS[number]))
        for to_step in self.return_targets(user, case):
            actions.append(Action(f"return_{to_step}", f"Kembalikan ke langkah {to_step}", "outline-danger"))
        if user.has_role("kepala") and 3 <= number <= 5:
            actions.append(Action("emergency_referral", "Terbitkan rujukan darurat", "outline-danger"))
        return actions

    def timeline(self, case: Case) -> list[StepRow]:
        rows = []
        for s in STEPS:
            runs = [r for r in case.steps if r.step_no == s.number]
            rows.append(
                StepRow(
                    number=s.number,
                    title=s.title,
                    actor=s.actor,
                    standard=s.time_standard.label,
                    runs=runs,
                    timings=[StepTiming(r.started_at, r.due_at, r.completed_at) for r in runs],
                )
            )
        return rows



# Which steps a field document may be changed in (default: step 3 only).
DOCUMENT_EDIT_STEPS: dict[str, tuple[int, ...]] = {"intervention_plan": (3, 5), "plan_consent": (3, 5)}

_ROLE_NAMES = (
    ("petugas", "Petugas Layanan PPA"),
    ("kepala", "Kepala UPTD PPA"),
    ("administrasi", "Petugas Administrasi"),
)

_STEP_ACTION_CODES = {1: "submit_information", 2: "instruct_outreach", 3: "complete_field_work", 4: "record_simfoni", 5: "submit_report", 6: "give_instruction"}
_STEP_ACTION_LABELS = {
    1: "Laporkan ke Kepala (minta instruksi)",
    2: "Beri instruksi penjangkauan (Surat Tugas)",
    3: "Selesaikan penjangkauan dan serahkan ke administrasi",
    4: "Catat di Simfoni PPA dan serahkan kembali",
    5: "Laporkan dan minta instruksi tindak lanjut",
    6: "Beri instruksi tindak lanjut",
}

_MISSING_CHECKERS: dict[int, Callable[[CaseProcess, Case], list[str]]] = {
    1: CaseProcess._missing_step1,
    2: CaseProcess._missing_step2,
    3: CaseProcess._missing_step3,
    4: CaseProcess._missing_step4,
    5: CaseProcess._missing_step5,
    6: CaseProcess._missing_step6,
}

