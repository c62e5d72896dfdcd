"""The officers a case concerns (`case_officers`), kept in step with what they are derived from.

Who is on a case's team is decided by the letters: an officer named on an issued, not cancelled, Surat Tugas of
the case. Who registered it is on the case. `case_officers` holds both answers as one row per (case, officer), with
the case's date, for the need-to-know rule (`sop/access.py`) and an officer's list in date order. It is never
edited: after every flush that adds, cancels or removes an assignment letter or changes a member of one,
registers a case or changes its date or registrant, the rows of the cases concerned are made again from their
letters and cases in the same transaction, whichever code path made the change (the engine issuing or
cancelling, a test, a later screen). Bulk writers that bypass the session (the bench generator) call
`rebuild_case_officers` themselves; migration 0016 filled the table with the same rows. Plain SQLAlchemy, no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from sqlalchemy import Connection, delete, event, func, insert, inspect, literal, select, union_all
from sqlalchemy.orm import Session

from admin_app.models import AssignmentLetter, AssignmentMember, Case, CaseOfficer, Letter, LetterStatus


def officer_rows(case_ids: list[int] | None = None):
    """(case_id, user_id, received_at, on_team, registered) of these cases (all when None), once per officer."""
    team = (select(AssignmentLetter.case_id.label("case_id"), AssignmentMember.user_id.label("user_id"),
                   literal(1).label("on_team"), literal(0).label("registered"))
            .join(AssignmentMember, AssignmentMember.letter_id == AssignmentLetter.id)
            .where(AssignmentLetter.status == LetterStatus.ISSUED))
    registrant = select(Case.id.label("case_id"), Case.registered_by_id.label("user_id"),
                        literal(0).label("on_team"), literal(1).label("registered"))
    if case_ids is not None:
        team = team.where(AssignmentLetter.case_id.in_(case_ids))
        registrant = registrant.where(Case.id.in_(case_ids))
    both = union_all(team, registrant).subquery()
    return (select(both.c.case_id, both.c.user_id, Case.received_at,
                   (func.max(both.c.on_team) == 1).label("on_team"),
                   (func.max(both.c.registered) == 1).label("registered"))
            .join(Case, Case.id == both.c.case_id)
            .group_by(both.c.case_id, both.c.user_id, Case.received_at))


def rebuild_case_officers(connection: Connection, case_ids: Iterable[int] | None = None) -> None:
    """Rows of these cases (all cases when None) made again from their letters and cases."""
    ids = None if case_ids is None else sorted(set(case_ids))
    if ids is not None and not ids:
        return
    remove = delete(CaseOfficer)
    if ids is not None:
        remove = remove.where(CaseOfficer.case_id.in_(ids))
    connection.execute(remove)
    columns = ["case_id", "user_id", "received_at", "on_team", "registered"]
    connection.execute(insert(CaseOfficer).from_select(columns, officer_rows(ids)))


_CASE_FIELDS = ("received_at", "registered_by_id")
_LETTER_FIELDS = ("status", "case_id")


def _changed(obj, names) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _follow_letters_and_cases(session: Session, _context) -> None:
    # After the flush the rows are in the database; `new`, `dirty` and `deleted` still name what was flushed.
    case_ids: set[int] = set()
    letter_ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, AssignmentLetter) and (obj not in session.dirty or _changed(obj, _LETTER_FIELDS)):
            case_ids.add(obj.case_id)
        elif isinstance(obj, AssignmentMember):
            letter_ids.add(obj.letter_id)
        elif isinstance(obj, Case) and (obj in session.new or _changed(obj, _CASE_FIELDS)):
            case_ids.add(obj.id)
    letter_ids.discard(None)
    if letter_ids:
        case_ids.update(session.connection().execute(
            select(Letter.case_id).where(Letter.id.in_(sorted(letter_ids)))).scalars())
    case_ids.discard(None)
    if case_ids:
        rebuild_case_officers(session.connection(), case_ids)
