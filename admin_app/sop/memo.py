"""Answers read from the database once per session, until it writes: a case page asks the same questions (may
this user see the case, is she on its team, which field documents and which Surat Tugas it has) for every action
and document it may offer; the database is asked once.

An answer is forgotten when the session flushes, commits or rolls back, and is not used while the session holds
changes not yet flushed (the query then flushes them first), so a letter cancelled or a document saved in the same
session is seen at once. Plain SQLAlchemy, no Flask.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_ANSWERS = "jangkau.memo"


def remembered(session: Session, key: tuple, ask: Callable[[], T]) -> T:
    answers = session.info.get(_ANSWERS, {})
    if key in answers and not (session.new or session.dirty or session.deleted):
        return answers[key]
    answer = ask()
    session.info.setdefault(_ANSWERS, {})[key] = answer
    return answer


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_ANSWERS, None)
