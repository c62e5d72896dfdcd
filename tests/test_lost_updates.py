"""No lost updates: a save based on an old version is refused, says who changed what, and overwrites nothing."""

import re

import sqlalchemy as sa

from admin_app.extensions import db
from admin_app.models import Setting, Victim
from tests.helpers import login


def form_fields(html):
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
    fields.update({k: v for v, k in re.findall(r'<input[^>]*value="([^"]*)"[^>]*name="([^"]+)"', html)})
    return fields


def test_a_stale_victim_edit_is_refused_and_named(app, client, builder, team, make_user):
    case = builder.register(child=False)
    builder.walk(case, 3, officers=[team.officers[0]])
    db.session.commit()
    victim = case.victims[0]
    url = f"/admin/victims/edit/?id={victim.id}"
    login(client, "petugas1")
    first = form_fields(client.get(url).get_data(as_text=True))
    assert first["row_version"] == str(victim.version)
    # A second officer of the team (same user in another browser here) saves first.
    other = app.test_client()
    login(other, "petugas1")
    second = form_fields(other.get(url).get_data(as_text=True))
    saved = other.post(url, data=dict(second, full_name="Nama Baru", nationality="WNI", birth_place="Jakarta"))
    assert saved.status_code == 302
    stale = client.post(url, data=dict(first, full_name="Nama Lain", nationality="WNI", birth_place="Bandung"))
    text = stale.get_data(as_text=True)
    assert stale.status_code == 200
    assert "TIDAK disimpan" in text and "petugas1" in text and "birth_place" in text
    db.session.expire_all()
    fresh = db.session.get(Victim, victim.id)
    assert (fresh.full_name, fresh.birth_place) == ("Nama Baru", "Jakarta")


def _stale_setting_edit_is_refused(app, client, make_user):
    make_user("root", "sysadmin")
    setting = db.session.execute(sa.select(Setting).where(Setting.key == "surat.tempat")).scalar_one()
    url = f"/admin/settings/edit/?id={setting.id}"
    login(client, "root")
    old_form = form_fields(client.get(url).get_data(as_text=True))
    assert client.post(url, data=dict(old_form, value="Kota Tangerang")).status_code == 302
    response = client.post(url, data=dict(old_form, value="Tangerang Selatan"))
    assert response.status_code == 200 and "TIDAK disimpan" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Setting, setting.id).value == "Kota Tangerang"
