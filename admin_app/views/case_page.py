"""The pieces of the case page (and of the Simfoni sheet, which lists the same field documents): the risk results
beside an emergency referral, one row per field document with the links this user may follow, where a missing
item is filled, the case's history as sentences, and the message after an action."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from admin_app.models import (
    AssignmentLetter,
    Case,
    ConsentPurpose,
    Letter,
    LetterStatus,
    RiskAnswer,
    RiskAssessment,
    RiskLevel,
    TransitionAction,
)
from admin_app.sop.errors import ProcessError
from admin_app.sop.steps import CASE_INFORMATION, EDIT_PEOPLE, PLAN_CONSENT, SERVICE_CONSENT, Return, StepAction, step
from admin_app.views.presentation import enum_label


def allowed(check) -> bool:
    """True when `check` (an engine guard, e.g. `ensure_document_editable`) does not refuse."""
    try:
        check()
    except ProcessError:
        return False
    return True


def risk_results(case: Case) -> list[dict]:
    assessments = db.session.execute(
        select(RiskAssessment).where(RiskAssessment.case_id == case.id)
        .options(selectinload(RiskAssessment.answers).selectinload(RiskAnswer.indicator),
                 selectinload(RiskAssessment.victim))
    ).scalars().all()
    return [{"victim": a.victim.full_name if a.victim else "-", "level": enum_label(a.final_level or a.computed_level),
             "high": (a.final_level or a.computed_level) == RiskLevel.TINGGI, "score": a.score,
             "status": enum_label(a.status), "present": [x.indicator.label for x in a.answers if x.present]}
            for a in assessments]


# The screen of each field document (the plan's consent is the consent screen with its purpose).
_DOCUMENT_SCREENS = {PLAN_CONSENT.code: (SERVICE_CONSENT.code, ConsentPurpose.PLAN.value),
                     SERVICE_CONSENT.code: (SERVICE_CONSENT.code, ConsentPurpose.SERVICE.value)}


def _screen_open_to_user(endpoint: str) -> bool:
    from flask import current_app

    return any(v.endpoint == endpoint and v.is_accessible() for v in current_app.extensions["admin"][0]._views)


def document_row(case: Case, row, can_fill) -> dict | None:
    """A field document on the case page with the links this user may follow; None when its screen is closed to
    the user (administration opens only what Simfoni needs)."""
    endpoint, purpose = _DOCUMENT_SCREENS.get(row.code, (row.code, None))
    if not _screen_open_to_user(endpoint):
        return None
    editable = can_fill(row.code)
    victim_id = row.victim.id if row.victim else None
    urls = {}
    if row.doc is not None:
        urls["view"] = url_for(f"{endpoint}.details_view", id=row.doc.id)
        if editable:
            urls["edit"] = url_for(f"{endpoint}.edit_view", id=row.doc.id, url=url_for("cases.details_view", id=case.id))
    elif editable:
        urls["fill"] = url_for(f"{endpoint}.create_view", case_id=case.id, victim_id=victim_id, purpose=purpose)
    return {"code": row.code, "label": row.label, "victim": row.victim, "state": row.state, "doc": row.doc,
            "urls": urls}


def missing_url(case: Case, item, rows: list[dict]) -> str | None:
    """Where a missing item is filled: the form of its document, the case information, or the victims."""
    code = getattr(item, "code", None)
    if code == CASE_INFORMATION.code:
        return url_for("cases.edit_view", id=case.id, url=url_for("cases.details_view", id=case.id))
    if code == EDIT_PEOPLE:
        return url_for("victims.create_view", case_id=case.id)
    victim_id = getattr(item, "victim_id", None)
    for row in rows:
        if row["code"] == code and (row["victim"].id if row["victim"] else None) == victim_id:
            return row["urls"].get("edit") or row["urls"].get("fill") or row["urls"].get("view")
    return None


def history(case: Case, letters: list[Letter]) -> list[tuple]:
    """The case's history as sentences, oldest first: recorded, each step done or returned, letters issued."""
    events = [(case.created_at or case.received_at,
               f"Informasi kasus dicatat oleh {case.registered_by.full_name}", None)]
    for t in case.transitions:
        s = step(t.from_step)
        if t.action == TransitionAction.RETURN:
            text = f"{t.actor.full_name} mengembalikan kasus dari langkah {t.from_step} ke langkah {t.to_step}"
        elif t.action == TransitionAction.FINISH:
            text = f"{t.actor.full_name} menyelesaikan langkah {s.number} ({s.title}); kasus selesai menurut SOP"
        else:
            text = f"{t.actor.full_name} menyelesaikan langkah {s.number} ({s.title})"
        events.append((t.acted_at, text, t.note))
    for letter in letters:
        team = ""
        if isinstance(letter, AssignmentLetter):
            team = ": " + ", ".join(m.name for m in letter.members)
        events.append((letter.issued_at, f"{letter.letter_type.name} nomor {letter.number} diterbitkan{team}", None))
        if letter.status == LetterStatus.CANCELLED and letter.cancelled_at:
            events.append((letter.cancelled_at, f"{letter.letter_type.name} nomor {letter.number} dibatalkan",
                           letter.cancel_reason))
    return sorted(events, key=lambda e: e[0])


def done_message(action: StepAction | Return, number: int, result) -> str:
    """The step table's message for a successful action: {nomor} is the number of the memo it filed (report,
    instruction) or of the letter it issued; letters issued besides a memo are named after it."""
    letters = issued_letters(result)
    numbers = ", ".join(letter.number for letter in letters)
    own = None if isinstance(result, Letter) else getattr(result, "number", None)
    message = action.done.format(langkah=number, nomor=own or numbers or "-")
    if numbers and (own or "{nomor}" not in action.done):
        message += f" Surat diterbitkan: {numbers}."
    return message


def issued_letters(result) -> list[Letter]:
    if isinstance(result, Letter):
        return [result]
    outcomes = getattr(result, "outcomes", None) or []
    return [o.letter for o in outcomes if getattr(o, "letter", None) is not None]
