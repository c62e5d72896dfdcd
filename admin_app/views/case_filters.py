"""The case list's filters: each maps one request value onto a need-to-know-scoped query, and a value it does not
understand filters everything out (never a database error)."""

from __future__ import annotations

from flask import g, has_app_context
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from sqlalchemy import and_, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement

from admin_app.extensions import db
from admin_app.models import (
    ROLE_LABELS,
    Case,
    CaseStep,
    Region,
    RegionLevel,
    RiskAssessment,
    RiskLevel,
    Role,
    RoleCode,
    User,
    ViolenceType,
    case_violence_types,
    user_roles,
    utcnow,
)
from admin_app.reports.dashboard import due_soon_clause, overdue_now_clause, waiting_for_clause
from admin_app.search import is_common
from admin_app.sop.access import on_team_of_case
from admin_app.sop.process import awaiting_emergency_clause
from admin_app.sop.steps import steps_of


def _now():
    return utcnow()


class EnumEqualFilter(FilterEqual):
    """Equality on an enum column: a value outside the enum is ignored (never a database error)."""

    def __init__(self, column, name, enum_cls, labels):
        super().__init__(column, name, options=[(m.value, labels[m]) for m in enum_cls])
        self.enum_cls = enum_cls

    def validate(self, value):
        return value in {m.value for m in self.enum_cls}

    def clean(self, value):
        return self.enum_cls(value)


class _ReferenceOptions:
    """Filters whose options come from the database: read per request (see CaseView.index_view), never at start-up."""

    def get_options(self, view):
        if not has_app_context():
            return None
        return super().get_options(view)


class OverdueFilter(BaseSQLAFilter):
    """The step clock: late now, ever late, or due within the hour (the clauses the head's dashboard counts with)."""

    LATE_NOW, LATE_EVER, DUE_SOON = "sekarang", "pernah", "satu_jam"
    OPTIONS = ((LATE_NOW, "terlambat sekarang"), (LATE_EVER, "pernah terlambat"), (DUE_SOON, "jatuh tempo dalam 1 jam"))

    def apply(self, query, value, alias=None):
        now = _now()
        if value == self.LATE_NOW:
            return query.filter(overdue_now_clause(now))
        if value == self.DUE_SOON:
            return query.filter(due_soon_clause(now))
        if value == self.LATE_EVER:
            # `IN (SELECT case_id ...)`, not a correlated EXISTS: SQLite runs the latter once per case (quadratic).
            late = or_(CaseStep.completed_at > CaseStep.due_at, and_(CaseStep.completed_at.is_(None), CaseStep.due_at < now))
            return query.filter(Case.id.in_(select(CaseStep.case_id).where(late)))
        return query.filter(False)

    def operation(self):
        return "adalah"


class EmergencyFilter(BaseSQLAFilter):
    """High-risk victims without an issued emergency referral: the head's banner and dashboard (`sop.process`)."""

    UNREFERRED = "belum_dirujuk"
    OPTIONS = ((UNREFERRED, "risiko tinggi, belum ada rujukan darurat"),)

    def apply(self, query, value, alias=None):
        if value != self.UNREFERRED:
            return query.filter(False)
        return query.filter(awaiting_emergency_clause())

    def operation(self):
        return "adalah"


class WaitingForFilter(BaseSQLAFilter):
    """Open cases at a step owned by a role (by the step table), e.g. the cases waiting for the head."""

    def __init__(self, column, name):
        roles = [role for role in RoleCode if steps_of(role)]
        super().__init__(column, name, options=[(role.value, ROLE_LABELS[role]) for role in roles])

    def apply(self, query, value, alias=None):
        try:
            role = RoleCode(value)
        except ValueError:
            return query.filter(False)
        return query.filter(waiting_for_clause(role))

    def operation(self):
        return "sama dengan"


def held_by_cases(key: tuple, case_ids, per_case) -> ColumnElement[bool]:
    """A filter value (`key`, e.g. ("bentuk", 3)) held by few cases reads them from its own index and sorts them
    (`Case.id IN case_ids`); one held by many (search.py:is_common) walks the cases newest first with `per_case`,
    the same test as an EXISTS on the case in the enclosing query. Asked once per request: a list applies its
    filters to the rows and to their count."""
    known = g.setdefault("filter_value_is_common", {})
    if key not in known:
        known[key] = is_common(db.session, case_ids)
    return per_case if known[key] else Case.id.in_(case_ids)


class RiskLevelFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            level = RiskLevel(value)
        except ValueError:
            return query.filter(False)
        # A correlated EXISTS: every level holds a large share of the cases (even "tinggi" one in twenty), so on
        # SQLite the list walks the date index and stops at its page, where an IN set read and sorted every case at
        # that level (1M cases: 160 -> 24 ms). PostgreSQL turns it into the same semi-join as the IN (no OFFSET
        # fence here: its statistics choose well for this one).
        assessed = select(RiskAssessment.id).where(RiskAssessment.case_id == Case.id,
                                                   RiskAssessment.final_level == level)
        return query.filter(assessed.exists())

    def operation(self):
        return "sama dengan"


class OfficerFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            officer_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        return query.filter(on_team_of_case(officer_id))

    def operation(self):
        return "sama dengan"


class KecamatanFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            kecamatan_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        in_kecamatan = select(Region.id).where(or_(Region.parent_id == kecamatan_id, Region.id == kecamatan_id))
        return query.filter(Case.incident_region_id.in_(in_kecamatan))

    def operation(self):
        return "sama dengan"


class ViolenceTypeFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            type_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        typed = case_violence_types.c.violence_type_id == type_id
        # Fisik or Psikis in a large share of the cases, Trafficking in few: `held_by_cases` takes the way that
        # reads least (1M cases, a type in one case of six: 289 ms as an IN set, ~ms walking the cases). The
        # OFFSET 0 keeps PostgreSQL's per-case form (sop/access.py:on_team_of_case).
        per_case = (select(case_violence_types.c.case_id)
                    .where(case_violence_types.c.case_id == Case.id, typed).offset(0).exists())
        return query.filter(held_by_cases(("bentuk", type_id), select(case_violence_types.c.case_id).where(typed),
                                          per_case))

    def operation(self):
        return "sama dengan"


def list_url(view, *criteria) -> str:
    """The case list of `view` narrowed by (filter, value) pairs, in the URL form Flask-Admin reads back:
    `flt<position>_<arg>`, the arg being the one the view's `_filter_args` maps to that filter object."""
    args = {}
    for position, (flt, value) in enumerate(criteria):
        arg = next(key for key, (_, known) in view._filter_args.items() if known is flt)
        args[f"flt{position}_{arg}"] = value
    return view.get_url(f"{view.endpoint}.index_view", **args)


def _filter_options() -> dict[str, list[tuple[str, str]]]:
    """The option lists of the case list's filters (officers, kecamatan, violence types), read in one statement per
    request (UNION ALL): the list shows all three menus on every page."""
    if "case_filter_options" in g:
        return g.case_filter_options
    officers = (select(literal("officer").label("kind"), User.id, User.full_name.label("label"),
                       literal(0).label("rank"))
                .join(user_roles, user_roles.c.user_id == User.id).join(Role, Role.id == user_roles.c.role_id)
                .where(Role.code == RoleCode.PETUGAS.value))
    kecamatan = select(literal("kecamatan"), Region.id, Region.name, literal(0)).where(
        Region.level == RegionLevel.KECAMATAN)
    violence = select(literal("violence"), ViolenceType.id, ViolenceType.label, ViolenceType.sort_order)
    options: dict[str, list[tuple[str, str]]] = {"officer": [], "kecamatan": [], "violence": []}
    rows = db.session.execute(union_all(officers, kecamatan, violence)).all()
    for kind, value_id, label, rank in sorted(rows, key=lambda r: (r[0], r[3] or 0, r[2] or "")):
        options[kind].append((str(value_id), label))
    g.case_filter_options = options
    return options


def _officer_options():
    return _filter_options()["officer"]


def _kecamatan_options():
    return _filter_options()["kecamatan"]


def _violence_options():
    return _filter_options()["violence"]
