"""Required inputs (kelengkapan): one checker per input code of the step table, in a registry.

`missing_inputs(session, case, step)` runs the checkers of the step's `required_inputs` in the table's order and
returns what is missing, in Bahasa Indonesia. A field document is checked in depth (its completeness rules) only
in a step where it can still be edited; elsewhere (e.g. step 4 re-checking the six documents of step 3) it must
exist and be marked complete, since nobody there could fix it but the step that owns it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import (
    AssignmentLetter,
    BiopsychosocialAssessment,
    Case,
    CaseIdentification,
    Complaint,
    ConsentPurpose,
    FollowUpRequest,
    InformedConsent,
    InterventionPlan,
    LetterStatus,
    OutreachLog,
    RiskAssessment,
    RiskIndicator,
    Victim,
)
from admin_app.sop import completeness
from admin_app.sop import steps as table
from admin_app.sop.memo import remembered
from admin_app.sop.steps import FIELD_DOCUMENTS, RequiredInput, Step


@dataclass
class FieldDocuments:
    """The field documents of one case, loaded together (per-victim ones by victim id)."""

    outreach_log: OutreachLog | None = None
    complaint: Complaint | None = None
    biopsychosocial: BiopsychosocialAssessment | None = None
    intervention_plan: InterventionPlan | None = None
    identification: dict[int, CaseIdentification] = field(default_factory=dict)
    risk_assessment: dict[int, RiskAssessment] = field(default_factory=dict)
    consent: dict[int, InformedConsent] = field(default_factory=dict)
    plan_consent: dict[int, InformedConsent] = field(default_factory=dict)

    def get(self, code: str, victim: Victim | None = None):
        """The document of input `code` (for `victim` when it is one per victim), or None."""
        value = getattr(self, code)
        return value.get(victim.id) if isinstance(value, dict) else value


def load_field_documents(session: Session, case: Case) -> FieldDocuments:
    """Once per session until it writes (sop/memo.py): the case page's overview and its missing inputs read the
    same documents."""
    return remembered(session, ("field_documents", case.id), lambda: _load_field_documents(session, case))


def _load_field_documents(session: Session, case: Case) -> FieldDocuments:
    def rows(model, *where):
        return session.execute(select(model).where(model.case_id == case.id, *where).order_by(model.id)).scalars().all()

    def first(model):
        found = rows(model)
        return found[0] if found else None

    consents = rows(InformedConsent)
    return FieldDocuments(
        outreach_log=first(OutreachLog),
        complaint=first(Complaint),
        biopsychosocial=first(BiopsychosocialAssessment),
        intervention_plan=first(InterventionPlan),
        identification={d.victim_id: d for d in rows(CaseIdentification)},
        risk_assessment={d.victim_id: d for d in rows(RiskAssessment)},
        consent={d.victim_id: d for d in consents if d.purpose == ConsentPurpose.SERVICE},
        plan_consent={d.victim_id: d for d in consents if d.purpose == ConsentPurpose.PLAN},
    )


def active_assignment(session: Session, case: Case) -> AssignmentLetter | None:
    return remembered(session, ("active_assignment", case.id), lambda: session.execute(
        select(AssignmentLetter)
        .where(AssignmentLetter.case_id == case.id, AssignmentLetter.status == LetterStatus.ISSUED)
        .order_by(AssignmentLetter.id.desc())
    ).scalars().first())


def latest_request(session: Session, case: Case) -> FollowUpRequest | None:
    return session.execute(
        select(FollowUpRequest)
        .where(FollowUpRequest.case_id == case.id, FollowUpRequest.submitted_at.is_not(None))
        .order_by(FollowUpRequest.id.desc())
    ).scalars().first()


class Missing(str):
    """One missing item, as the sentence the user reads, knowing which input (and victim) fills it, so a screen
    can link it to the form that fills it."""

    code: str | None
    victim_id: int | None

    def __new__(cls, text: str, code: str | None = None, victim_id: int | None = None):
        item = super().__new__(cls, text)
        item.code, item.victim_id = code, victim_id
        return item


@dataclass
class Check:
    """What a checker may look at: the case, the step being completed, its documents (loaded once)."""

    session: Session
    case: Case
    step: Step

    @cached_property
    def documents(self) -> FieldDocuments:
        return load_field_documents(self.session, self.case)

    @cached_property
    def active_indicator_ids(self) -> set[int]:
        return set(self.session.execute(select(RiskIndicator.id).where(RiskIndicator.active.is_(True))).scalars())

    @property
    def incident_day(self):
        return self.case.incident_date or self.case.reported_date

    def who(self, victim: Victim) -> str:
        return f" ({victim.full_name})" if len(self.case.victims) > 1 else ""

    def document(self, wanted: RequiredInput, doc, problems: Callable[[], list[str]], victim: Victim | None = None) -> list[str]:
        label = wanted.label + (self.who(victim) if victim is not None else "")
        victim_id = victim.id if victim is not None else None
        if doc is None:
            return [Missing(f"{label} belum diisi", wanted.code, victim_id)]
        if not doc.is_complete:
            return [Missing(f"{label} belum ditandai lengkap", wanted.code, victim_id)]
        if wanted.code not in self.step.editable:
            return []
        return [Missing(f"{label}: {p}", wanted.code, victim_id) for p in problems()]


Checker = Callable[[Check], list[str]]
CHECKERS: dict[str, Checker] = {}


def requirement(wanted: RequiredInput) -> Callable[[Checker], Checker]:
    def register(fn: Checker) -> Checker:
        CHECKERS[wanted.code] = fn
        return fn

    return register


def missing_inputs(session: Session, case: Case, s: Step) -> list[str]:
    check = Check(session, case, s)
    missing: list[str] = []
    for wanted in s.required_inputs:
        missing.extend(CHECKERS[wanted.code](check))
    return missing


def _per_victim(wanted: RequiredInput, problems: Callable[[Check, Victim, object], list[str]]) -> Checker:
    def checker(c: Check) -> list[str]:
        out: list[str] = []
        for victim in c.case.victims:
            doc = c.documents.get(wanted.code, victim)
            out.extend(c.document(wanted, doc, lambda: problems(c, victim, doc), victim))
        return out

    return checker


def _single(wanted: RequiredInput, problems: Callable[[Check, object], list[str]]) -> Checker:
    def checker(c: Check) -> list[str]:
        doc = c.documents.get(wanted.code)
        return c.document(wanted, doc, lambda: problems(c, doc))

    return checker


# --- the checkers, one per input code ----------------------------------------------------------------------------


@requirement(table.CASE_INFORMATION)
def _case_information(c: Check) -> list[str]:
    case, missing = c.case, []
    if not (case.summary or "").strip():
        missing.append("uraian kejadian")
    if case.intake_channel_id is None:
        missing.append("sumber informasi")
    if case.incident_region_id is None and not (case.incident_address or "").strip():
        missing.append("lokasi korban/kejadian")
    if not (case.victim_hint or "").strip() and not case.victims:
        missing.append("keterangan tentang korban")
    return [Missing(m, table.CASE_INFORMATION.code) for m in missing]


@requirement(table.ASSIGNMENT_LETTER)
def _assignment_letter(c: Check) -> list[str]:
    return [] if active_assignment(c.session, c.case) else [table.ASSIGNMENT_LETTER.label]


@requirement(table.FOLLOW_UP_REQUEST)
def _follow_up_request(c: Check) -> list[str]:
    return [] if latest_request(c.session, c.case) else ["laporan dan permohonan instruksi"]


CHECKERS[table.OUTREACH_LOG.code] = _single(table.OUTREACH_LOG, lambda c, d: completeness.outreach_log_missing(d))
CHECKERS[table.COMPLAINT.code] = _single(table.COMPLAINT, lambda c, d: completeness.complaint_missing(d, c.case))
CHECKERS[table.BIOPSYCHOSOCIAL.code] = _single(table.BIOPSYCHOSOCIAL, lambda c, d: completeness.biopsychosocial_missing(d))
CHECKERS[table.INTERVENTION_PLAN.code] = _single(
    table.INTERVENTION_PLAN, lambda c, d: completeness.intervention_plan_missing(d)
)
CHECKERS[table.RISK_ASSESSMENT.code] = _per_victim(
    table.RISK_ASSESSMENT, lambda c, v, d: completeness.risk_assessment_missing(d, c.active_indicator_ids)
)
CHECKERS[table.SERVICE_CONSENT.code] = _per_victim(
    table.SERVICE_CONSENT, lambda c, v, d: completeness.consent_missing(d, (v.age_on(c.incident_day) or 18) < 18)
)
_identifications = _per_victim(
    table.IDENTIFICATION, lambda c, v, d: completeness.identification_missing(d, v, c.incident_day)
)


@requirement(table.IDENTIFICATION)
def _identification(c: Check) -> list[str]:
    return ([Missing("data korban (minimal satu)", table.EDIT_PEOPLE)] if not c.case.victims else []) + _identifications(c)


@requirement(table.PLAN_CONSENT)
def _plan_consent(c: Check) -> list[str]:
    # Consent to the plan counts when it is given and names who gave it (the form may stay a draft otherwise).
    return [
        Missing(f"persetujuan korban/wali atas rencana intervensi{c.who(v)}", table.PLAN_CONSENT.code, v.id)
        for v in c.case.victims
        if not completeness.plan_consent_ok(c.documents.get(table.PLAN_CONSENT.code, v))
    ]


# --- what the case page lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRow:
    code: str
    label: str
    doc: object | None
    victim: Victim | None

    @property
    def state(self) -> str:
        if self.doc is None:
            return "belum diisi"
        return "lengkap" if self.doc.is_complete else "draf"


def document_overview(session: Session, case: Case) -> list[DocumentRow]:
    """The field documents of the case with their state, in the table's order (one row per victim where needed)."""
    docs = load_field_documents(session, case)
    rows: list[DocumentRow] = []
    for wanted in FIELD_DOCUMENTS:
        if wanted.per_victim:
            rows.extend(DocumentRow(wanted.code, wanted.label, docs.get(wanted.code, v), v) for v in case.victims)
        else:
            rows.append(DocumentRow(wanted.code, wanted.label, docs.get(wanted.code), None))
    return rows
