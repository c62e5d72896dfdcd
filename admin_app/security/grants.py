"""Separation of duties for access to case data.

No user changes their own roles or active flag. A role that reads case data (petugas, kepala, administrasi),
given to any account, new or existing, takes effect only when an active head (kepala) other than the one who
asked for it approves it; until then it is a pending grant the heads see on their screen. Taking a role away, or
giving one that reads no case data (sysadmin), takes effect at once. The first head of an installation is made on
the server with `flask create-user`. Plain SQLAlchemy: the rules hold for every screen and command.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from admin_app.models import CASE_DATA_ROLES, GrantStatus, Role, RoleCode, RoleGrant, User, utcnow


class GrantRefused(Exception):
    """A refused role change; the message is for the user, in Bahasa Indonesia."""


def reads_case_data(role: Role) -> bool:
    return role.code in {r.value for r in CASE_DATA_ROLES}


def pending_grants(session: Session, user: User | None = None) -> list[RoleGrant]:
    stmt = select(RoleGrant).where(RoleGrant.status == GrantStatus.PENDING).order_by(RoleGrant.id)
    if user is not None:
        stmt = stmt.where(RoleGrant.user_id == user.id)
    return list(session.execute(stmt).scalars())


def request_roles(session: Session, actor: User, user: User, wanted: list[Role], *, was_active: bool | None = None,
                  old_roles: list[Role] | None = None) -> list[RoleGrant]:
    """Apply an edit of `user`'s roles made by `actor`: removals and non-case roles at once, case-data roles as
    pending grants (returned). `old_roles`: the roles before the edit (default: as loaded)."""
    old = list(user.roles if old_roles is None else old_roles)
    if actor.id is not None and actor.id == user.id:
        changed_roles = {r.id for r in old} != {r.id for r in wanted}
        changed_active = was_active is not None and was_active != user.is_active_account
        if changed_roles or changed_active:
            raise GrantRefused("Anda tidak dapat mengubah peran atau status aktif akun Anda sendiri.")
    keep = [r for r in wanted if r.id in {o.id for o in old} or not reads_case_data(r)]
    asked = [r for r in wanted if r not in keep]
    user.roles = keep
    grants = []
    already = {g.role_id for g in pending_grants(session, user)} if user.id is not None else set()
    for role in asked:
        if role.id in already:
            continue
        grant = RoleGrant(user=user, role=role, requested_by_id=actor.id, requested_at=utcnow())
        session.add(grant)
        grants.append(grant)
    return grants


def decide(session: Session, approver: User, grant: RoleGrant, approve: bool) -> None:
    """An active head other than the one who asked approves (the role takes effect) or refuses a pending grant."""
    if grant.status != GrantStatus.PENDING:
        raise GrantRefused("Permohonan peran ini sudah diputuskan.")
    if not approver.is_active or not approver.has_role(RoleCode.KEPALA):
        raise GrantRefused("Hanya Kepala UPTD PPA yang aktif yang dapat memutuskan permohonan peran.")
    if approver.id == grant.requested_by_id:
        raise GrantRefused("Permohonan peran tidak dapat diputuskan oleh orang yang mengajukannya.")
    if approver.id == grant.user_id:
        raise GrantRefused("Anda tidak dapat memutuskan permohonan peran untuk akun Anda sendiri.")
    grant.status = GrantStatus.APPROVED if approve else GrantStatus.REFUSED
    grant.decided_by_id = approver.id
    grant.decided_at = utcnow()
    if approve and grant.role not in grant.user.roles:
        grant.user.roles.append(grant.role)
        grant.user.session_version = (grant.user.session_version or 0) + 1  # new rights at the next login
