"""The case team table (`case_team`) kept in step with the Surat Tugas it is derived from.

Who is on a case's team is decided by the letters: an officer named on an issued, not cancelled, assignment letter
of the case. `case_team` holds that answer as one row per (case, officer), for the need-to-know rule to read with
one primary-key lookup (`sop/access.py`). It is never edited: after every flush that adds, changes or removes an
assignment letter or a member of one, the rows of the cases concerned are rebuilt from the letters in the same
transaction, whichever code path made the change (the engine issuing or cancelling, a test, a later screen). Bulk
writers that bypass the session (the bench generator, the migration that created the table) call
`rebuild_case_team` themselves. Plain SQLAlchemy, no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from sqlalchemy import Connection, delete, event, insert, select
from sqlalchemy.orm import Session

from admin_app.models import AssignmentLetter, AssignmentMember, CaseTeamMember, Letter, LetterStatus


def team_rows():
    """(case_id, user_id) of every officer named on an issued Surat Tugas, once per case."""
    return (select(AssignmentLetter.case_id, AssignmentMember.user_id)
            .join(AssignmentMember, AssignmentMember.letter_id == AssignmentLetter.id)
            .where(AssignmentLetter.status == LetterStatus.ISSUED)
            .distinct())


def rebuild_case_team(connection: Connection, case_ids: Iterable[int] | None = None) -> None:
    """Rows of these cases (all cases when None) made again from their letters."""
    rows = team_rows()
    remove = delete(CaseTeamMember)
    if case_ids is not None:
        ids = sorted(set(case_ids))
        if not ids:
            return
        rows = rows.where(AssignmentLetter.case_id.in_(ids))
        remove = remove.where(CaseTeamMember.case_id.in_(ids))
    connection.execute(remove)
    connection.execute(insert(CaseTeamMember).from_select(["case_id", "user_id"], rows))


@event.listens_for(Session, "after_flush")
def _follow_the_letters(session: Session, _context) -> None:
    # After the flush the rows are in the database; `new`, `dirty` and `deleted` still name what was flushed.
    case_ids: set[int] = set()
    letter_ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, AssignmentLetter):
            case_ids.add(obj.case_id)
        elif isinstance(obj, AssignmentMember):
            letter_ids.add(obj.letter_id)
    connection = None
    if letter_ids - {None}:
        connection = session.connection()
        case_ids.update(connection.execute(
            select(Letter.case_id).where(Letter.id.in_(sorted(letter_ids - {None})))).scalars())
    case_ids.discard(None)
    if case_ids:
        rebuild_case_team(connection or session.connection(), case_ids)
