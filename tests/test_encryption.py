"""Identifiers encrypted at rest (AES-GCM, key id for rotation), a keyed hash for exact NIK search and
duplicate detection, masked display, and nothing readable in the database file."""

import base64
import os

import pytest
import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import Victim
from admin_app.models import encryption as crypto
from admin_app.security.rotation import rotate
from tests.helpers import csrf_token, login

NIK = "3671055205900001"


@pytest.fixture
def victim(builder, team):
    case = builder.register(child=False)
    builder.walk(case, 3)
    victim = case.victims[0]
    victim.nik = NIK
    victim.phone = "+6281234567890"
    db.session.commit()
    return victim


def raw(column, victim_id):
    return db.session.execute(sa.text(f"SELECT {column} FROM victims WHERE id = :i"), {"i": victim_id}).scalar()


def test_identifiers_are_stored_encrypted_and_read_back(app, victim):
    stored = raw("nik", victim.id)
    assert stored.startswith("v1:t1:") and NIK not in stored
    assert "81234567890" not in raw("phone", victim.id)
    assert raw("nik_hash", victim.id) == crypto.nik_index(NIK)
    db.session.expire_all()
    assert db.session.get(Victim, victim.id).nik == NIK


def test_a_ciphertext_cannot_be_moved_to_another_column(app, victim):
    with pytest.raises(crypto.KeyError_):
        crypto.keyring().decrypt(raw("nik", victim.id), "phone")


def test_the_database_holds_no_readable_identifier(app, victim, database_url):
    if not database_url.startswith("sqlite"):
        # Every stored row of the person tables, as the server holds it (what a dump or backup contains).
        text = db.session.execute(sa.text(
            "SELECT string_agg(t::text, '|') FROM (SELECT * FROM victims) t"
        )).scalar() + db.session.execute(sa.text("SELECT coalesce(string_agg(t::text, '|'), '') FROM reporters t")).scalar()
        assert NIK not in text and "81234567890" not in text
        return
    db.session.commit()
    db.engine.dispose()
    path = database_url.replace("sqlite:///", "")
    blob = open(path, "rb").read() + (open(path + "-wal", "rb").read() if os.path.exists(path + "-wal") else b"")
    assert NIK.encode() not in blob and b"81234567890" not in blob


def test_lists_show_the_nik_masked_and_exact_search_works(client, victim):
    login(client, "petugas1")
    page = client.get(f"/admin/victims/details/?id={victim.id}").get_data(as_text=True)
    assert NIK not in page and "************0001" in page
    found = client.get(f"/admin/victims/?search={NIK}").get_data(as_text=True)
    assert f"details/?id={victim.id}" in found
    assert f"details/?id={victim.id}" not in client.get("/admin/victims/?search=3671055205909999").get_data(as_text=True)


def test_duplicate_nik_is_flagged_without_naming_the_other_case(client, builder, team, victim):
    other = builder.register(child=False)
    builder.walk(other, 3)
    db.session.commit()
    login(client, "petugas1")
    url = f"/admin/victims/new/?case_id={other.id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "full_name": "Dewi", "nik": NIK, "nationality": "WNI"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "juga tercatat pada 1 kasus lain" in page and victim.case.case_number not in page


def test_key_rotation(app, victim, runner):
    old = crypto.keyring()
    new_key = base64.b64encode(os.urandom(32)).decode()
    old_encoded = base64.b64encode(old.keys["t1"]).decode()
    hmac_key, audit_key = base64.b64encode(old.hmac_key).decode(), base64.b64encode(old.audit_key).decode()
    rotated = crypto.Keyring.from_settings(f"t1:{old_encoded},t2:{new_key}", "t2", hmac_key, audit_key)
    crypto.configure(rotated)
    try:
        result = runner.invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert raw("nik", victim.id).startswith("v1:t2:")
        assert rotate(db.session) == {"users": 0, "victims": 0, "reporters": 0, "perpetrators": 0}  # idempotent
        crypto.configure(crypto.Keyring.from_settings(f"t2:{new_key}", "t2", hmac_key, audit_key))
        db.session.expire_all()
        assert db.session.get(Victim, victim.id).nik == NIK  # readable without the retired key
    finally:
        crypto.configure(old)  # the test database is thrown away; other tests use the suite's keys


def test_legacy_plaintext_is_encrypted_by_rotation(app, victim):
    db.session.execute(sa.text("UPDATE victims SET nik = :n WHERE id = :i"), {"n": NIK, "i": victim.id})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Victim, victim.id).nik == NIK
    rotate(db.session)
    db.session.commit()
    assert raw("nik", victim.id).startswith("v1:")


@pytest.mark.parametrize("keys, message", [("", "belum diatur"), ("k1:bm90LWEta2V5", "32 byte"), ("nokey", "berformat")])
def test_bad_key_settings_are_refused(keys, message):
    with pytest.raises(crypto.KeyError_, match=message):
        crypto.Keyring.from_settings(keys, "", crypto.generate_key())


def test_totp_secrets_are_encrypted_at_rest_and_rotated(app, make_user, runner):
    import pyotp

    from admin_app.models import User

    secret = pyotp.random_base32()
    user = make_user("rina", "petugas")
    user.totp_secret = secret
    db.session.commit()
    stored = db.session.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user.id}).scalar_one()
    assert stored.startswith("v1:t1:") and secret not in stored
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret
    old = crypto.keyring()
    new_key = base64.b64encode(os.urandom(32)).decode()
    keys = f"t1:{base64.b64encode(old.keys['t1']).decode()},t2:{new_key}"
    crypto.configure(crypto.Keyring.from_settings(keys, "t2", base64.b64encode(old.hmac_key).decode(),
                                                  base64.b64encode(old.audit_key).decode()))
    try:
        assert rotate(db.session)["users"] == 1
        db.session.commit()
        stored = db.session.execute(sa.text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user.id}).scalar_one()
        assert stored.startswith("v1:t2:")
    finally:
        crypto.configure(old)
