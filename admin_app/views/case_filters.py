"""The case list's filters: each maps one request value onto a need-to-know-scoped query, and a value it does not
understand filters everything out (never a database error)."""

from __future__ import annotations

from flask import has_app_context
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from sqlalchemy import and_, or_, select

from admin_app.extensions import db
from admin_app.models import (
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
from admin_app.sop.access import team_case_ids


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
    # `IN (SELECT case_id ...)`, not a correlated EXISTS: SQLite runs the latter once per case (quadratic).
    def apply(self, query, value, alias=None):
        now = _now()
        open_late = and_(CaseStep.completed_at.is_(None), CaseStep.due_at < now)
        late = open_late if value == "sekarang" else or_(CaseStep.completed_at > CaseStep.due_at, open_late)
        return query.filter(Case.id.in_(select(CaseStep.case_id).where(late)))

    def operation(self):
        return "adalah"


class RiskLevelFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            level = RiskLevel(value)
        except ValueError:
            return query.filter(False)
        return query.filter(Case.id.in_(select(RiskAssessment.case_id).where(RiskAssessment.final_level == level)))

    def operation(self):
        return "sama dengan"


class OfficerFilter(_ReferenceOptions, BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        try:
            officer_id = int(value)
        except (TypeError, ValueError):
            return query.filter(False)
        return query.filter(Case.id.in_(team_case_ids(officer_id)))

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
        return query.filter(
            Case.id.in_(select(case_violence_types.c.case_id).where(case_violence_types.c.violence_type_id == type_id))
        )

    def operation(self):
        return "sama dengan"


def _officer_options():
    rows = db.session.execute(
        select(User.id, User.full_name)
        .join(user_roles, user_roles.c.user_id == User.id)
        .join(Role, Role.id == user_roles.c.role_id)
        .where(Role.code == RoleCode.PETUGAS.value)
        .order_by(User.full_name)
    ).all()
    return [(str(i), n) for i, n in rows]


def _kecamatan_options():
    rows = db.session.execute(select(Region.id, Region.name).where(Region.level == RegionLevel.KECAMATAN).order_by(Region.name)).all()
    return [(str(i), n) for i, n in rows]


def _violence_options():
    rows = db.session.execute(select(ViolenceType.id, ViolenceType.label).order_by(ViolenceType.sort_order)).all()
    return [(str(i), n) for i, n in rows]
