"""The process engine: the only way a case changes step.

Every transition checks, in this order, through `sop.guards`: the actor's role for the step, the case's current
step, that the actor may act on this case (the step's `Actor` rule), and then that the step's required inputs
exist and are complete (`sop.requirements`). A refused transition raises `ProcessError` with a message in
Bahasa Indonesia naming what is missing, and changes nothing (the caller rolls back). Every transition is logged
with who, when and the note. What each step is, who owns it, what it needs and how long it may take is read from
the step table (`sop.steps`); the handlers below are registered by action code, one per action of the table.

Length (about 560 lines): one handler per action of the step table and the step clock they share; guards
(`sop.guards`), required inputs (`sop.requirements`) and letters (`sop.letters`) live in their own modules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import ColumnElement

from admin_app.models import (
    AssignmentLetter,
    AssignmentMember,
    Case,
    CaseStatus,
    CaseStep,
    CaseTransition,
    FollowUpInstruction,
    FollowUpRequest,
    InstructionOutcome,
    Letter,
    LetterStatus,
    OutcomeKind,
    ReferralLetter,
    RiskAssessment,
    RiskLevel,
    RoleCode,
    SimfoniRecord,
    TransitionAction,
    Urgency,
    User,
    Victim,
    utcnow,
)
from admin_app.models.cases import CASE_NUMBER_PREFIX
from admin_app.sop import requirements
from admin_app.sop.access import visible_cases_clause
from admin_app.sop.deadlines import DeadlinePolicy, StepTiming
from admin_app.sop.errors import MIN_REASON_LENGTH, ProcessError
from admin_app.sop.guards import Guards
from admin_app.sop.letters import LetterIssuer, OutcomeRequest, letter_type_code, text
from admin_app.sop.notifications import Notifier
from admin_app.sop.steps import (
    ACTIONS,
    EDIT_CASE_INFORMATION,
    EDIT_PEOPLE,
    EMERGENCY_REFERRAL,
    FIRST_STEP,
    LAST_STEP,
    STEPS,
    Return,
    Step,
    StepAction,
    step,
    step_completing,
    step_issuing,
)

__all__ = ["CaseProcess", "awaiting_emergency_clause", "OutcomeRequest", "ProcessError", "StepRow", "MIN_REASON_LENGTH"]

# The steps by what they do; their numbers come from the table.
FIRST, ASSIGNMENT, FIELD_WORK, SIMFONI, REPORT, INSTRUCTION = STEPS

Handler = Callable[..., Any]
HANDLERS: dict[str, str] = {}  # action code -> CaseProcess method name


def handles(action: StepAction) -> Callable[[Handler], Handler]:
    """Register a CaseProcess method as the handler of an action of the step table."""

    def register(fn: Handler) -> Handler:
        HANDLERS[action.code] = fn.__name__
        return fn

    return register


def awaiting_emergency_clause() -> ColumnElement[bool]:
    """Open cases with a victim recorded at high risk and no issued emergency referral: the head's banner, the
    case list's filter and the dashboard count the same cases. The open cases (a few hundred, read in date order
    from ix_cases_status_received) each checked by two index lookups, a correlated EXISTS per case: as
    `IN`/`NOT IN` sets every high-risk assessment and every referral letter ever made were read first (100k
    cases: 21 ms on SQLite, 11 ms on PostgreSQL; now 0.2 ms and 5 ms)."""
    high = (select(RiskAssessment.id)
            .where(RiskAssessment.case_id == Case.id, RiskAssessment.final_level == RiskLevel.TINGGI).exists())
    referred = (select(ReferralLetter.id)
                .where(ReferralLetter.case_id == Case.id, ReferralLetter.status == LetterStatus.ISSUED).exists())
    return and_(Case.status == CaseStatus.OPEN, high, ~referred)


@dataclass
class StepRow:
    """One line of the SOP timeline shown on the case page."""

    number: int
    title: str
    actor: str
    standard: str
    runs: list[CaseStep] = field(default_factory=list)
    timings: list[StepTiming] = field(default_factory=list)


class CaseProcess:
    def __init__(self, session: Session, policy: DeadlinePolicy, clock: Callable[[], dt.datetime] = utcnow):
        self.session = session
        self.policy = policy
        self.clock = clock
        self.guards = Guards(session)
        self.letters = LetterIssuer(session, clock)
        self.notifier = Notifier(session, policy.zone, clock)

    def today(self) -> dt.date:
        return self.clock().astimezone(self.policy.zone).date()

    # ------------------------------------------------------------------ the clock of each step
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

    def _log(self, case: Case, action: TransitionAction, from_step: int, to_step: int | None, user: User,
             note: str | None, at: dt.datetime) -> None:
        case.transitions.append(
            CaseTransition(action=action, from_step=from_step, to_step=to_step, actor_id=user.id, acted_at=at, note=note or None)
        )
        # Every transition is recorded here, so here the next step's actors are told (sop/notifications.py).
        self.notifier.after_transition(case, user, action, from_step, to_step, note)

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

    def _begin(self, user: User, case: Case, action: StepAction) -> Step:
        """Guard the step that `action` completes: role, current step, the step's actor rule."""
        s = step_completing(action)
        self.guards.step_action(user, case, s.number)
        return s

    def _require_inputs(self, case: Case, s: Step, extra_missing: Sequence[str] = ()) -> None:
        missing = requirements.missing_inputs(self.session, case, s) + list(extra_missing)
        if missing:
            raise ProcessError(f"Langkah {s.number} ({s.title}) belum dapat diselesaikan.", missing)

    # ------------------------------------------------------------------ who may change what
    def ensure_document_editable(self, user: User, case: Case, code: str) -> None:
        """A field document (by its code in the step table) may be filled in the steps whose `editable` lists it."""
        self.guards.editable(user, case, code, what="Dokumen ini")

    def ensure_people_editable(self, user: User, case: Case) -> None:
        self.guards.editable(user, case, EDIT_PEOPLE, what="Data korban, pelapor dan terlapor")

    def ensure_case_information_editable(self, user: User, case: Case) -> None:
        self.guards.editable(user, case, EDIT_CASE_INFORMATION, what="Informasi kasus")

    def missing_inputs(self, case: Case, number: int | None = None) -> list[str]:
        """What the step still lacks before it can complete (labels for the user)."""
        number = case.current_step if number is None else number
        return requirements.missing_inputs(self.session, case, step(number))

    # ------------------------------------------------------------------ lookups
    def active_assignment(self, case: Case) -> AssignmentLetter | None:
        return requirements.active_assignment(self.session, case)

    def latest_request(self, case: Case) -> FollowUpRequest | None:
        return requirements.latest_request(self.session, case)

    def simfoni_record(self, case: Case) -> SimfoniRecord | None:
        return self.session.execute(select(SimfoniRecord).where(SimfoniRecord.case_id == case.id)).scalar_one_or_none()

    def document_overview(self, case: Case) -> list[requirements.DocumentRow]:
        return requirements.document_overview(self.session, case)

    def high_risk_victims(self, case: Case) -> list[Victim]:
        ids = set(
            self.session.execute(
                select(RiskAssessment.victim_id).where(
                    RiskAssessment.case_id == case.id, RiskAssessment.final_level == RiskLevel.TINGGI
                )
            ).scalars()
        )
        return [v for v in case.victims if v.id in ids]

    def awaiting_emergency_decision(self, user: User) -> list[tuple[Case, list[Victim]]]:
        """Open cases where a victim is recorded at high risk and no emergency referral is issued yet, with those
        victims: told at once (Tugas Saya) to whoever may issue the referral (its role in the step table)."""
        if not user.has_role(EMERGENCY_REFERRAL.role):
            return []
        high = select(RiskAssessment.case_id, RiskAssessment.victim_id).where(
            RiskAssessment.final_level == RiskLevel.TINGGI).subquery()
        cases = self.session.execute(
            select(Case).where(awaiting_emergency_clause(), visible_cases_clause(user))
            .options(selectinload(Case.victims)).order_by(Case.received_at.asc()).limit(100)
        ).scalars().all()
        victims = set(self.session.execute(select(high.c.victim_id).where(high.c.case_id.in_([c.id for c in cases]))
                                           ).scalars()) if cases else set()
        return [(c, [v for v in c.victims if v.id in victims]) for c in cases]

    # ------------------------------------------------------------------ one entry for the screens
    def perform(self, code: str, user: User, case: Case, **values) -> Any:
        """Run the action `code` of the step table (a completing action, a side action or a return)."""
        action = ACTIONS.get(code)
        if action is None:
            raise ProcessError("Tindakan ini tidak dikenal.")
        if isinstance(action, Return):
            return self.send_back(user, case, to_step=action.to_step, **values)
        return getattr(self, HANDLERS[code])(user, case, **values)

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
        """The case information as received: the first step's clock starts when it reached the unit."""
        self.guards.require_role(user, step(FIRST_STEP).role)
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
            summary=text(summary),
            received_at=received_at,
            reported_date=reported_date,
            intake_channel_id=intake_channel_id,
            incident_date=incident_date,
            incident_place_id=incident_place_id,
            incident_region_id=incident_region_id,
            incident_address=text(incident_address) or None,
            victim_hint=text(victim_hint) or None,
            urgency=urgency,
            is_domestic_violence=is_domestic_violence,
            registered_by_id=user.id,
        )
        self.session.add(case)
        self._start_step(case, FIRST_STEP, received_at)
        self.session.flush()
        # Numbered by id: unique without a second counter; the year is the year received.
        case.case_number = f"{CASE_NUMBER_PREFIX}-{received_at.astimezone(self.policy.zone).year}-{case.id:05d}"
        self.session.flush()
        return case

    def update_case_information(self, user: User, case: Case, **values) -> None:
        """Correct the case information while the step table allows it (the first step), by its actor."""
        self.ensure_case_information_editable(user, case)
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
                setattr(case, name, text(values[name]) or (None if name != "summary" else ""))
        if received_at != case.received_at:
            case.received_at = received_at
            run = self.current_run(case, FIRST_STEP)
            if run is not None and run.attempt == 1 and run.completed_at is None:
                # The first step's clock runs from when the information reached the unit.
                run.started_at = received_at
                run.due_at = self.policy.due_at(received_at, step(FIRST_STEP).time_standard)
        self.session.flush()

    @handles(FIRST.action)
    def submit_case_information(self, user: User, case: Case, note: str | None = None) -> None:
        """The case information is complete: report to the head and ask for an instruction."""
        self._require_inputs(case, self._begin(user, case, FIRST.action))
        self._advance(case, user, note)

    # ------------------------------------------------------------------ step 2
    @handles(ASSIGNMENT.action)
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
        outreach_until: dt.date | None = None,
    ) -> AssignmentLetter:
        """The head instructs outreach; this issues the numbered assignment letter naming the team. Its period
        runs from the outreach date to `outreach_until`, by default the deadline of the field work it starts."""
        s = self._begin(user, case, ASSIGNMENT.action)
        problems = []
        officers = list(dict.fromkeys(officers))
        if not officers:
            problems.append("petugas yang ditugaskan (minimal satu)")
        team_role = step(s.number + 1).role
        for officer in officers:
            if not officer.is_active or not officer.has_role(team_role):
                raise ProcessError(f"{officer.full_name} bukan Petugas Layanan PPA yang aktif.")
        if not text(purpose):
            problems.append("maksud penugasan")
        if outreach_date is None:
            problems.append("tanggal penjangkauan")
        self._require_inputs(case, s, problems)
        letter_date = letter_date or self.today()
        if outreach_date < letter_date:
            raise ProcessError("Tanggal penjangkauan tidak boleh sebelum tanggal surat.")
        if outreach_until is not None and outreach_until < outreach_date:
            raise ProcessError("Akhir masa tugas tidak boleh sebelum tanggal penjangkauan.")
        letter = AssignmentLetter(case_id=case.id, purpose=text(purpose), outreach_date=outreach_date,
                                  outreach_until=outreach_until)
        self.letters.fill(letter, user, letter_date, signer_capacity)
        for position, officer in enumerate(officers, start=1):
            letter.members.append(
                AssignmentMember(user_id=officer.id, position_in_list=position, name=officer.full_name,
                                 nip=officer.nip, rank=officer.rank, position=officer.position)
            )
        self.session.add(letter)
        self.session.flush()
        self._advance(case, user, note)
        if letter.outreach_until is None:
            due = self.current_run(case).due_at.astimezone(self.policy.zone).date()
            letter.outreach_until = max(due, outreach_date)
        return letter

    # ------------------------------------------------------------------ step 3
    @handles(FIELD_WORK.action)
    def complete_field_work(self, user: User, case: Case, note: str | None = None) -> None:
        """Outreach complete: the Surat Tugas, the outreach log and the six documents are there and complete."""
        self._require_inputs(case, self._begin(user, case, FIELD_WORK.action))
        self._advance(case, user, note)

    # ------------------------------------------------------------------ step 4
    @handles(SIMFONI.action)
    def record_simfoni(
        self, user: User, case: Case, *, registration_number: str, input_date: dt.date, notes: str | None = None
    ) -> SimfoniRecord:
        """Administration records the Simfoni PPA number and date, then hands back to the officer."""
        s = self._begin(user, case, SIMFONI.action)
        registration_number = text(registration_number)
        if not registration_number:
            raise ProcessError("Pencatatan Simfoni belum lengkap.", ["nomor registrasi Simfoni PPA"])
        if len(registration_number) > 60:
            raise ProcessError("Nomor registrasi Simfoni paling panjang 60 karakter.")
        if input_date is None or input_date > self.today():
            raise ProcessError("Tanggal input Simfoni wajib diisi dan tidak boleh di masa depan.")
        if input_date < case.reported_date:
            raise ProcessError("Tanggal input Simfoni tidak boleh sebelum tanggal laporan kasus.")
        self._require_inputs(case, s)
        record = self.simfoni_record(case)
        if record is None:
            record = SimfoniRecord(case_id=case.id, registration_number=registration_number, input_date=input_date,
                                   recorded_by_id=user.id)
            self.session.add(record)
        record.registration_number = registration_number
        record.input_date = input_date
        record.recorded_by_id = user.id
        record.notes = text(notes) or None
        self.session.flush()
        self._advance(case, user, notes)
        return record

    # ------------------------------------------------------------------ step 5
    @handles(REPORT.action)
    def submit_report(self, user: User, case: Case, *, report: str, request: str) -> FollowUpRequest:
        """The officer reports to the head and asks for the follow-up instruction."""
        s = self._begin(user, case, REPORT.action)
        missing = []
        if not text(report):
            missing.append("isi laporan")
        if not text(request):
            missing.append("instruksi yang dimohon")
        self._require_inputs(case, s, missing)
        follow_up = FollowUpRequest(case_id=case.id, report=text(report), request=text(request),
                                    submitted_by_id=user.id, submitted_at=self.clock(),
                                    number=self.letters.memo_number(REPORT.action.numbers, self.today()))
        self.session.add(follow_up)
        self.session.flush()
        self._advance(case, user)
        return follow_up

    # ------------------------------------------------------------------ step 6
    @handles(INSTRUCTION.action)
    def give_instruction(
        self, user: User, case: Case, *, instruction: str, outcomes: Sequence[OutcomeRequest],
        letter_date: dt.date | None = None, signer_capacity: str | None = None,
    ) -> FollowUpInstruction:
        """The head's follow-up instruction; referral and transfer outcomes issue their letters."""
        s = self._begin(user, case, INSTRUCTION.action)
        problems = []
        if not text(instruction):
            problems.append("isi instruksi tindak lanjut")
        kinds = [o.kind for o in outcomes]
        if not kinds:
            problems.append("bentuk tindak lanjut (minimal satu)")
        if len(set(kinds)) != len(kinds):
            raise ProcessError("Setiap bentuk tindak lanjut cukup dipilih sekali.")
        if OutcomeKind.CLOSE in kinds and len(kinds) > 1:
            raise ProcessError("Kasus yang ditutup tidak dapat sekaligus dirujuk, dilimpahkan atau dilanjutkan.")
        for outcome in outcomes:
            problems.extend(self.letters.outcome_problems(case, outcome))
        if problems:
            raise ProcessError("Instruksi tindak lanjut belum dapat diberikan.", problems)
        self._require_inputs(case, s)
        letter_date = letter_date or self.today()
        capacity = text(signer_capacity) or None
        self.letters.check_capacity(user, capacity)
        record = FollowUpInstruction(case_id=case.id, instruction=text(instruction), given_by_id=user.id,
                                     given_at=self.clock(), signer_capacity=capacity,
                                     number=self.letters.memo_number(INSTRUCTION.action.numbers, letter_date))
        for outcome in outcomes:
            letter = self.letters.for_outcome(user, case, outcome, letter_date, capacity)
            record.outcomes.append(
                InstructionOutcome(kind=outcome.kind, close_reason=text(outcome.close_reason) or None, letter=letter)
            )
        self.session.add(record)
        self.session.flush()
        self._advance(case, user)
        return record

    # ------------------------------------------------------------------ side actions
    @handles(EMERGENCY_REFERRAL)
    def issue_emergency_referral(self, user: User, case: Case, outcome: OutcomeRequest,
                                 letter_date: dt.date | None = None, signer_capacity: str | None = None) -> ReferralLetter:
        """Emergency first: for a high-risk victim the head refers at once, before the assessment is finished."""
        self.guards.side_action(user, case, EMERGENCY_REFERRAL)
        outcome.kind = OutcomeKind.REFERRAL
        problems = self.letters.outcome_problems(case, outcome)
        if problems:
            raise ProcessError("Surat rujukan belum dapat diterbitkan.", problems)
        letter = self.letters.referral(user, case, outcome, letter_date or self.today(), text(signer_capacity) or None)
        self.session.flush()
        return letter

    # ------------------------------------------------------------------ sending back
    def return_targets(self, user: User, case: Case) -> list[Return]:
        if case.status != CaseStatus.OPEN:
            return []
        return [r for r in step(case.current_step).returns if user.has_role(r.role)]

    def send_back(self, user: User, case: Case, *, to_step: int, reason: str) -> None:
        """Return the case to an earlier step, with a reason; the returned step's clock restarts."""
        allowed = next((r for r in step(case.current_step).returns if r.to_step == to_step), None)
        if case.status != CaseStatus.OPEN or allowed is None:
            raise ProcessError(f"Kasus pada langkah {case.current_step} tidak dapat dikembalikan ke langkah {to_step}.")
        self.guards.require_role(user, allowed.role)
        self.guards.require_visible(user, case)
        if len(text(reason)) < MIN_REASON_LENGTH:
            raise ProcessError("Pengembalian wajib disertai alasan yang jelas.")
        at = self.clock()
        from_step = case.current_step
        self._finish_current(case, user, at, returned=True)
        self._start_step(case, to_step, at)
        self._log(case, TransitionAction.RETURN, from_step, to_step, user, text(reason), at)
        self.session.flush()

    # ------------------------------------------------------------------ letters
    def cancel_letter(self, user: User, letter: Letter, reason: str) -> None:
        """A cancelled letter keeps its number, marked. An assignment letter cancelled while its team is at work
        (the step after the one that issued it) returns the case there, so the head can assign again."""
        self.guards.require_role(user, RoleCode.KEPALA)
        if letter.status == LetterStatus.CANCELLED:
            raise ProcessError("Surat ini sudah dibatalkan.")
        if len(text(reason)) < MIN_REASON_LENGTH:
            raise ProcessError("Pembatalan surat wajib disertai alasan.")
        case = letter.case
        at = self.clock()
        issuing = step_issuing(letter_type_code(AssignmentLetter)).number
        if isinstance(letter, AssignmentLetter) and case.status == CaseStatus.OPEN and case.current_step > issuing + 1:
            raise ProcessError("Surat Tugas tidak dapat dibatalkan setelah penjangkauan selesai.")
        letter.status = LetterStatus.CANCELLED
        letter.cancelled_at = at
        letter.cancelled_by_id = user.id
        letter.cancel_reason = text(reason)
        if isinstance(letter, AssignmentLetter) and case.status == CaseStatus.OPEN and case.current_step == issuing + 1:
            self.session.flush()
            if self.active_assignment(case) is None:
                self._finish_current(case, user, at, returned=True)
                self._start_step(case, issuing, at)
                self._log(case, TransitionAction.RETURN, issuing + 1, issuing, user,
                          f"Surat Tugas {letter.number} dibatalkan: {text(reason)}", at)
        self.session.flush()

    # ------------------------------------------------------------------ what the screens show
    def available_actions(self, user: User, case: Case) -> list[StepAction | Return]:
        """The actions this user may start now (the buttons on the case page), in the table's order."""
        if case.status != CaseStatus.OPEN:
            return []
        current = step(case.current_step)
        actions: list[StepAction | Return] = []
        try:
            self.guards.step_action(user, case, current.number)
        except ProcessError:
            pass
        else:
            actions.append(current.action)
        actions.extend(self.return_targets(user, case))
        for side in current.side_actions:
            try:
                self.guards.side_action(user, case, side)
            except ProcessError:
                continue
            actions.append(side)
        return actions

    def timeline(self, case: Case) -> list[StepRow]:
        return [
            StepRow(
                number=s.number,
                title=s.title,
                actor=s.actor_label,
                standard=s.time_standard.label,
                runs=(runs := [r for r in case.steps if r.step_no == s.number]),
                timings=[StepTiming(r.started_at, r.due_at, r.completed_at) for r in runs],
            )
            for s in STEPS
        ]

