"""The case list's rows: its columns, and what each row shows beyond them (the victims' names, the deadline of the
current step, whether a step was ever late), read for the page's rows only, as plain values.

The list query loads the columns the list shows (`list_columns`), not whole cases; after it, one statement reads
the victims' names and one the step runs of the page's twenty cases (`PageFacts`), instead of building a
hundred-odd ORM objects for the victims and step runs of every row. The export reads its rows the same way.
The formatters read the facts of their row (`facts_of`), read for that one case if it came another way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import g
from markupsafe import Markup, escape
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.models import Case, CaseStatus, CaseStep, Victim
from admin_app.sop.steps import step
from admin_app.views.case_filters import _now


def list_columns(column_list) -> list:
    """The columns of `cases` a list row reads: those of the view's `column_list`, and the victim hint its victims'
    cell shows for a case without victims yet (`fmt_victims`)."""
    table = Case.__table__.c
    return [Case.id, Case.victim_hint, *(getattr(Case, name) for name in column_list if name in table)]


@dataclass
class RowFacts:
    victims: list[str] = field(default_factory=list)
    open_due: dt.datetime | None = None  # the deadline of the step under way (None: the case has none open)
    late_ever: bool = False  # a step completed after its deadline


def read_facts(case_ids: list[int]) -> dict[int, RowFacts]:
    """The facts of these cases' rows: two statements of plain values, whatever the number of rows."""
    facts: dict[int, RowFacts] = defaultdict(RowFacts)
    if not case_ids:
        return facts
    for case_id, name in db.session.execute(
            select(Victim.case_id, Victim.full_name).where(Victim.case_id.in_(case_ids)).order_by(Victim.id)):
        facts[case_id].victims.append(name)
    for case_id, due_at, completed_at in db.session.execute(
            select(CaseStep.case_id, CaseStep.due_at, CaseStep.completed_at)
            .where(CaseStep.case_id.in_(case_ids)).order_by(CaseStep.step_no, CaseStep.attempt)):
        row = facts[case_id]
        if completed_at is None:
            row.open_due = due_at  # the last open run (a case has one: its current step's)
        elif completed_at > due_at:
            row.late_ever = True
    return facts


def remember_page(rows) -> None:
    """Read the facts of a page's (or an export's) rows at once, for the formatters of this request."""
    g.case_row_facts = read_facts([row.id for row in rows])


def facts_of(case: Case) -> RowFacts:
    known = g.setdefault("case_row_facts", {})
    if case.id not in known:
        known.update(read_facts([case.id]))
    return known[case.id]


# ---------------------------------------------------------------- formatters
def fmt_step(view, context, model, name):
    if model.status == CaseStatus.FINISHED:
        return Markup('<span class="badge badge-secondary">Selesai</span>')
    return Markup(f"{model.current_step}. {escape(step(model.current_step).title)}")


def fmt_due(view, context, model, name):
    facts = facts_of(model)
    if facts.open_due is None:
        return Markup('<span class="badge badge-late">pernah terlambat</span>') if facts.late_ever else ""
    text = escape(view.local_time(facts.open_due))
    if facts.open_due < _now():
        return Markup(f'<span class="badge badge-late" title="Melewati mutu baku waktu">TERLAMBAT</span> {text}')
    return text


def fmt_due_export(view, context, model, name):
    due = facts_of(model).open_due
    return due.isoformat() if due is not None else ""


def fmt_victims(view, context, model, name):
    return ", ".join(facts_of(model).victims) or (model.victim_hint or "-")
