"""The user's notifications (the navbar bell, the list, marking read) and the channels chosen on the account
page. Served from the database, so every app server shows the same. Who is told what is `sop/notifications.py`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from admin_app.extensions import db
from admin_app.models import Case, Notification, User, utcnow
from admin_app.sop.access import visible_cases_clause
from admin_app.sop.validation import FieldInvalid, clean_phone
from admin_app.views.auditing import audit
from admin_app.views.base import form_translations, unit_zone

bp = Blueprint("notifications", __name__)
LIST_LIMIT = 100


def unread_count(user) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.execute(
        select(func.count()).select_from(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def init_app(app) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _bell():
        return {"unread_notifications": lambda: unread_count(current_user),
                "bell_poll_seconds": app.config["BELL_POLL_SECONDS"]}


@bp.route("/pemberitahuan/jumlah")
def count():
    """The bell's poll (static/jangkau.js, every BELL_POLL_SECONDS): the unread count only. Passive: it does not
    keep an idle session alive (views/web.py, PASSIVE_ENDPOINTS)."""
    response = jsonify({"unread": unread_count(current_user)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/pemberitahuan/")
def index():
    rows = db.session.execute(
        select(Notification, Case.case_number).outerjoin(Case, Case.id == Notification.case_id)
        .where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(LIST_LIMIT)
    ).all()
    # Need to know, checked now: a link only to a case this user may see today.
    case_ids = {n.case_id for n, _ in rows if n.case_id is not None}
    visible = set(db.session.execute(
        select(Case.id).where(Case.id.in_(case_ids), visible_cases_clause(current_user))).scalars()) if case_ids else set()
    items = [(n, number, n.link if n.case_id is None or n.case_id in visible else None) for n, number in rows]
    return render_template("notifications/list.html", items=items, unread=unread_count(current_user),
                           form=FlaskForm(), unit_zone=unit_zone())


def _mine(notification_id: int) -> Notification:
    n = db.session.get(Notification, notification_id)
    if n is None or n.recipient_id != current_user.id:
        abort(404)
    return n


@bp.route("/pemberitahuan/<int:notification_id>/dibaca", methods=["POST"])
def mark_read(notification_id: int):
    n = _mine(notification_id)
    if n.read_at is None:
        n.read_at = utcnow()
        db.session.commit()
    return redirect(url_for(".index"))


@bp.route("/pemberitahuan/semua-dibaca", methods=["POST"])
def mark_all_read():
    db.session.execute(update(Notification).where(Notification.recipient_id == current_user.id,
                                                  Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()
    flash("Semua pemberitahuan ditandai sudah dibaca.", "success")
    return redirect(url_for(".index"))


# --- the account page: channels ---

class ChannelsForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return form_translations()

    notify_email = BooleanField("Kirim juga lewat e-mail")
    email = StringField("Alamat e-mail", validators=[Optional(), Length(max=254),
                                                     Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Alamat e-mail tidak sah.")])
    notify_whatsapp = BooleanField("Kirim juga lewat WhatsApp (gateway kantor)")
    phone = StringField("Nomor WhatsApp", validators=[Optional(), Length(max=20)])

    def validate_notify_email(self, field):
        if field.data and not (self.email.data or "").strip():
            raise ValidationError("Isi alamat e-mail untuk menerima pemberitahuan lewat e-mail.")

    def validate_notify_whatsapp(self, field):
        if field.data and not (self.phone.data or "").strip():
            raise ValidationError("Isi nomor WhatsApp untuk menerima pemberitahuan lewat WhatsApp.")


@bp.route("/akun/pemberitahuan", methods=["GET", "POST"])
def channels():
    user = db.session.get(User, current_user.id)
    form = ChannelsForm(obj=user)
    status = 200
    if form.validate_on_submit():
        phone = None
        try:
            phone = clean_phone(form.phone.data, mobile_only=True) if (form.phone.data or "").strip() else None
        except FieldInvalid as exc:
            form.phone.errors.append(getattr(exc, "message", str(exc)))
        if not form.phone.errors:
            user.notify_email = bool(form.notify_email.data)
            user.email = (form.email.data or "").strip() or None
            user.notify_whatsapp = bool(form.notify_whatsapp.data)
            user.phone = phone
            db.session.commit()
            audit("notification_channels", object_type="users", object_id=user.id,
                  detail={"email": user.notify_email, "whatsapp": user.notify_whatsapp})
            flash("Pilihan saluran pemberitahuan disimpan.", "success")
            return redirect(url_for(".channels"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("notifications/channels.html", form=form), status
