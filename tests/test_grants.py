"""Separation of duties: nobody changes their own roles or active flag, and a role that reads case data takes effect
only when an active head other than the one who asked approves it, for a new or an existing account."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import GrantStatus, Role, RoleGrant, User
from admin_app.security.grants import GrantRefused, decide
from tests.helpers import csrf_token, login, page_messages


def role_id(code: str) -> str:
    return str(db.session.execute(sa.select(Role.id).where(Role.code == code)).scalar_one())


def edit_user(client, user: User, **changes):
    url = f"/admin/users/edit/?id={user.id}"
    page = client.get(url).get_data(as_text=True)
    assert "row_version" in page
    version = db.session.get(User, user.id).version
    data = {"csrf_token": csrf_token(client, url), "username": user.username, "full_name": user.full_name,
            "row_version": str(version), "roles": [str(r.id) for r in user.roles]}
    if user.is_active_account:
        data["is_active_account"] = "y"
    data.update(changes)
    return client.post(url, data=data)


def test_the_sysadmin_cannot_give_itself_a_case_role(client, make_user):
    admin = make_user("admin", "sysadmin")
    login(client, "admin")
    response = edit_user(client, admin, roles=[role_id("sysadmin"), role_id("kepala")])
    assert response.status_code == 200
    assert any("akun Anda sendiri" in m for m in page_messages(response))
    db.session.expire_all()
    assert db.session.get(User, admin.id).role_codes == {"sysadmin"}
    assert db.session.execute(sa.select(RoleGrant)).first() is None
    assert client.get("/admin/cases/").status_code == 403


def test_nobody_deactivates_or_reroles_their_own_account(client, make_user):
    admin = make_user("admin", "sysadmin")
    login(client, "admin")
    response = edit_user(client, admin, is_active_account="")
    assert response.status_code == 200 and any("akun Anda sendiri" in m for m in page_messages(response))
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active_account is True


def test_a_new_head_created_by_the_sysadmin_reads_no_case_until_another_head_approves(app, client, make_user, builder):
    builder.register()
    make_user("admin", "sysadmin")
    login(client, "admin")
    url = "/admin/users/new/"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "username": "kepala2", "full_name": "Kepala Baru",
        "new_password": "kata-sandi-baru-yang-panjang", "is_active_account": "y", "roles": [role_id("kepala")],
    })
    assert response.status_code == 302
    new = db.session.execute(sa.select(User).where(User.username == "kepala2")).scalar_one()
    assert new.role_codes == set()
    grant = db.session.execute(sa.select(RoleGrant)).scalar_one()
    assert grant.status == GrantStatus.PENDING and grant.role.code == "kepala"

    newcomer = app.test_client()
    # The one-time password must be changed first; then the account still reads nothing.
    new.must_change_password = False
    db.session.commit()
    login(newcomer, "kepala2", "kata-sandi-baru-yang-panjang")
    assert newcomer.get("/admin/cases/").status_code == 403

    head = app.test_client()
    login(head, "kepala")  # the team fixture's head (made on the server)
    page = head.get("/admin/role_grants/").get_data(as_text=True)
    assert "Kepala Baru" in page and "Menunggu persetujuan" in page
    response = head.post("/admin/role_grants/action/", data={
        "csrf_token": csrf_token(head, "/admin/role_grants/"), "action": "approve", "rowid": [str(grant.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RoleGrant, grant.id).status == GrantStatus.APPROVED
    login(newcomer, "kepala2", "kata-sandi-baru-yang-panjang")  # the approval ended the old session
    assert newcomer.get("/admin/cases/").status_code == 200


def test_the_granter_cannot_approve_its_own_grant_nor_the_grantee(app, make_user, team):
    both = make_user("ganda", "kepala", "sysadmin")  # a head who is also the system administrator
    target = make_user("rina2", "sysadmin")
    grant = RoleGrant(user=target, role=db.session.execute(sa.select(Role).where(Role.code == "petugas")).scalar_one(),
                      requested_by_id=both.id)
    db.session.add(grant)
    db.session.commit()
    with pytest.raises(GrantRefused, match="mengajukannya"):
        decide(db.session, both, grant, True)
    with pytest.raises(GrantRefused, match="Kepala"):
        decide(db.session, target, grant, True)
    to_self = RoleGrant(user=team.kepala, role=grant.role, requested_by_id=both.id)
    db.session.add(to_self)
    db.session.commit()
    with pytest.raises(GrantRefused, match="akun Anda sendiri"):
        decide(db.session, team.kepala, to_self, True)
    decide(db.session, team.kepala, grant, True)
    db.session.commit()
    assert target.has_role("petugas")
    with pytest.raises(GrantRefused, match="sudah diputuskan"):
        decide(db.session, team.kepala, grant, False)


def test_taking_a_role_away_is_immediate(client, make_user):
    make_user("admin", "sysadmin")
    officer = make_user("rina", "petugas", "administrasi")
    login(client, "admin")
    response = edit_user(client, officer, roles=[role_id("petugas")])
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id).role_codes == {"petugas"}
    assert db.session.execute(sa.select(RoleGrant)).first() is None
