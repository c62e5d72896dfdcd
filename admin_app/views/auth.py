"""Login and logout (Flask-Login), with a generic refusal and a `next` that never leaves the app."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin_app.extensions import db
from admin_app.models import User, utcnow
from admin_app.security.passwords import hash_password, needs_rehash, verify_password
from admin_app.views.auditing import audit
from admin_app.views.base import form_translations

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Nama pengguna atau kata sandi salah, atau akun tidak aktif."


class LoginForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return form_translations("id")

    username = StringField("Nama pengguna", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=128)])
    next = HiddenField()


def safe_next(target: str | None) -> str:
    """Follow `next` only to a path of this app; anything else lands on the home screen."""
    default = url_for("admin.index")
    if not target:
        return default
    target = target.strip()
    parts = urlsplit(target)
    # Reject absolute URLs, scheme-relative //host, backslash tricks and anything not starting with one "/".
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 for ch in target):
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        fast = current_app.config.get("PASSWORD_HASH_FAST", False)
        username = form.username.data.strip().lower()
        user = db.session.execute(select(User).where(func.lower(User.username) == username)).scalar_one_or_none()
        password_ok = verify_password(user.password_hash if user else None, form.password.data, fast=fast)
        if user is not None and password_ok and user.is_active:
            if needs_rehash(user.password_hash, fast=fast):
                user.password_hash = hash_password(form.password.data, fast=fast)
            user.last_login_at = utcnow()
            db.session.commit()
            session.clear()  # a new session at login: nothing carried over from before
            login_user(user)
            session["login_at"] = session["seen_at"] = time.time()
            audit("login", object_type="users", object_id=user.id)
            return redirect(safe_next(form.next.data))
        audit("login_failed", username=username[:64], outcome="failed",
              detail={"alasan": "akun tidak aktif" if user is not None and password_ok else "nama pengguna/kata sandi salah"})
        error = LOGIN_FAILED
    elif request.method == "POST":
        error = LOGIN_FAILED
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit("logout", object_type="users", object_id=current_user.id)
        user = db.session.get(User, current_user.id)
        # Ends every session of this user, also copies of the cookie elsewhere.
        user.session_version = (user.session_version or 0) + 1
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
