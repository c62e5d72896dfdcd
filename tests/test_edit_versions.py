"""Every edit form of every registered screen carries the row version, and a save without it is refused: the list
of screens is read from the admin, not written by hand, so a new editable screen is covered the day it exists."""

from __future__ import annotations

import sqlalchemy as sa
from flask import get_flashed_messages
from flask_admin.contrib.sqla import ModelView
from flask_login import login_user

from admin_app.extensions import db
from admin_app.models import HolidayOverride
from admin_app.views.base import MSG_NO_VERSION


def test_every_edit_form_carries_the_row_version_and_refuses_a_save_without_it(app, builder, make_user):
    case = builder.walk(builder.register(), 7)
    db.session.add(HolidayOverride(date=case.reported_date, is_holiday=True, description="Uji"))
    everyone = make_user("semua", "petugas", "kepala", "administrasi", "sysadmin")
    db.session.commit()
    admin = app.extensions["admin"][0]
    checked = []
    for view in admin._views:
        if not isinstance(view, ModelView) or "version" not in view.model.__table__.c:
            continue
        with app.test_request_context("/admin/"):
            login_user(everyone)
            if not view.can_edit:
                continue
        instance = db.session.execute(sa.select(view.model).limit(1)).scalars().first()
        assert instance is not None, f"no {view.model.__name__} row to edit"
        with app.test_request_context(f"/admin/{view.endpoint}/edit/?id={instance.id}"):
            login_user(everyone)
            form = view.edit_form(obj=instance)
            view.on_form_prefill(form, str(instance.id))
            assert "row_version" in form._fields, f"{type(view).__name__}: edit form without the row version"
            assert form.row_version.data == str(instance.version), type(view).__name__
        with app.test_request_context(f"/admin/{view.endpoint}/edit/?id={instance.id}", method="POST", data={}):
            login_user(everyone)
            form = view.edit_form(obj=instance)
            assert view.update_model(form, instance) is False, f"{type(view).__name__} saved without a version"
            assert MSG_NO_VERSION in get_flashed_messages(), type(view).__name__
        db.session.rollback()
        checked.append(type(view).__name__)
    assert {"CaseView", "VictimView", "ComplaintView", "UserView", "SettingView"} <= set(checked), checked
