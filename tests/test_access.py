"""Every admin URL needs login; each role reaches only its own screens, checked below the menu."""

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import Role, RoleGrant, User


def admin_urls(app):
    """Every GET URL of the admin without parameters, from the URL map (so new screens are covered too)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or "GET" not in rule.methods:
            continue
        if rule.rule.startswith("/admin") and not rule.arguments:
            urls.append(rule.rule)
    assert len(urls) > 20
    return sorted(set(urls))


def test_every_admin_url_redirects_to_login_without_a_session(app, client):
    for url in admin_urls(app):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.location, url


def test_posts_without_login_change_nothing(app, client):
    before = db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one()
    response = client.post("/admin/users/new/", data={"username": "penyusup", "full_name": "X"})
    assert response.status_code in (302, 400)
    assert db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == before


SYSADMIN_SCREENS = [
    "/admin/users/",
    "/admin/roles/",
    "/admin/ref_violence_type/",
    "/admin/regions/",
    "/admin/risk_indicators/",
    "/admin/letter_types/",
    "/admin/holidays/",
    "/admin/settings/",
]


@pytest.mark.parametrize("role", ["petugas", "kepala", "administrasi"])
def test_case_roles_cannot_open_system_screens(client, login_as, role):
    login_as("staf", role)
    for url in SYSADMIN_SCREENS:
        assert client.get(url).status_code == 403, url
        assert client.get(url + "new/").status_code == 403, url


def test_sysadmin_opens_every_system_screen(client, login_as):
    login_as("admin", "sysadmin")
    for url in SYSADMIN_SCREENS:
        response = client.get(url)
        assert response.status_code == 200, url


def test_menu_shows_only_the_roles_screens(client, login_as):
    login_as("staf", "petugas")
    html = client.get("/admin/").get_data(as_text=True)
    assert "/admin/users/" not in html
    assert "Data Referensi" not in html


def test_sysadmin_creates_a_user_through_the_screen(client, login_as):
    from tests.helpers import csrf_token

    login_as("admin", "sysadmin")
    petugas = db.session.execute(sa.select(Role).where(Role.code == "petugas")).scalar_one()
    token = csrf_token(client, "/admin/users/new/")
    response = client.post(
        "/admin/users/new/",
        data={
            "csrf_token": token,
            "username": "petugas9",
            "new_password": "kata-sandi-baru-yang-panjang",
            "is_active_account": "y",
            "full_name": "Sri Wahyuni, S.Psi.",
            "nip": "19860926 201505 2 001",
            "rank": "Penata (III/c)",
            "position": "Psikolog",
            "roles": [str(petugas.id)],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.execute(sa.select(User).where(User.username == "petugas9")).scalar_one()
    assert user.nip == "198609262015052001"
    assert user.nip_display == "19860926 201505 2 001"
    assert "19860926 201505 2 001" in client.get("/admin/users/").get_data(as_text=True)  # the list reads it so
    # A role that reads case data waits for a head's approval (tests/test_grants.py).
    assert not user.has_role("petugas")
    assert [(g.role.code, g.status.value) for g in db.session.execute(sa.select(RoleGrant)).scalars()] == [("petugas", "menunggu")]
    assert user.password_hash.startswith("$argon2")


def test_bad_nip_is_refused_with_a_message_and_nothing_saved(client, login_as):
    from tests.helpers import csrf_token

    login_as("admin", "sysadmin")
    token = csrf_token(client, "/admin/users/new/")
    response = client.post(
        "/admin/users/new/",
        data={
            "csrf_token": token,
            "username": "petugas9",
            "new_password": "kata-sandi-baru-yang-panjang",
            "full_name": "Sri",
            "nip": "12345",
        },
    )
    assert response.status_code == 200
    assert "NIP harus 18 digit" in response.get_data(as_text=True)
    assert db.session.execute(sa.select(User).where(User.username == "petugas9")).scalar_one_or_none() is None


def test_admin_strings_are_in_indonesian(client, login_as):
    login_as("admin", "sysadmin")
    html = client.get("/admin/users/").get_data(as_text=True)
    assert "Tambah" in html or "Buat" in html
    assert "Create" not in html


def test_access_answers_are_remembered_only_until_the_session_writes(app, builder, team):
    """A case page asks `is_on_team` / `can_view_case` a dozen times: the database once. A letter cancelled in the
    same session (pending or flushed) is seen at once, never an answer from before it."""
    from admin_app.models import AssignmentLetter, LetterStatus
    from admin_app.sop.access import can_view_case, is_on_team
    from tests.helpers import count_queries

    case = builder.walk(builder.register(), 3)
    db.session.commit()
    officer = team.officers[0]
    with count_queries(db.engine) as counted:
        answers = {(is_on_team(db.session, officer, case.id), can_view_case(db.session, officer, case.id))
                   for _ in range(10)}
    asked = [s for s in counted.statements if "EXISTS" in s]
    assert answers == {(True, True)} and len(asked) == 2, asked
    letter = db.session.execute(sa.select(AssignmentLetter).where(AssignmentLetter.case_id == case.id)).scalar_one()
    letter.status = LetterStatus.CANCELLED  # pending, not flushed
    letter.cancel_reason = "uji"
    assert not is_on_team(db.session, officer, case.id)
    assert not can_view_case(db.session, officer, case.id)
    db.session.rollback()
    assert is_on_team(db.session, officer, case.id)
